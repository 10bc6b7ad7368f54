//! Driver throughput (issue 4, "Speed"): this driver, the `scylla` crate and the Python
//! cassandra-driver side by side against one simulated node, plus the raw load generator
//! (pre-encoded EXECUTE frames pipelined: the physical limit of the node on this machine).
//!
//! ```text
//! cargo bench -p cql-examples --bench driver_throughput
//! ```
//!
//! The workload is a prepared single-row SELECT binding one int, answered by a primed
//! `cql-sim` node with a fixed one-row result, at concurrency 1, 32 and 512 on ONE
//! connection, protocol v4, no compression.
//!
//! Every party runs in its own process so the numbers are its own: the node is this binary
//! re-executed with `--serve`; each client is this binary re-executed with
//! `--client ours|scylla|raw|raw-lean --concurrency N --seconds S --addr A` (or the Python script
//! beside this file). A client warms up for half a second, then measures for S seconds and
//! prints `RESULT <completed> <elapsed_s> <cpu_s> <peak_rss_kib> <errors>`. Client CPU is
//! the user+sys time of the whole client process (all its threads) over the measured
//! window, read from `/proc/self/stat` (utime+stime, the values getrusage(RUSAGE_SELF)
//! reports, in clock ticks of 10 ms); peak RSS is `VmHWM` from `/proc/self/status` (what
//! getrusage reports as ru_maxrss). The Python client uses `resource.getrusage` itself.
//!
//! Environment: `DRIVER_BENCH_SECONDS` (default 3), `DRIVER_BENCH_CONCURRENCY` (default
//! `1,32,512`), `DRIVER_BENCH_CLIENTS` (default `raw,raw-lean,ours,scylla,python`), `CQL_PYTHON`
//! (default `<repo>/.ci-venv/bin/python`, then the main worktree's).
//!
//! The raw generator (`raw`, what the goals compare with) sends the very frame this driver
//! sends for the workload, so the node does the same work per request; `raw-lean` sends
//! the leanest frame the node accepts (result metadata skipped, no page size, no
//! timestamp), shown for reference.
//!
//! The Rust clients run on a multi-threaded tokio runtime with its default worker count;
//! each of the N tasks holds its own handle on the session and the prepared statement and
//! borrows them for every request, as an application would. The clients, the measurement
//! and the process plumbing are shared with the 3-node benchmark
//! (`driver_throughput_cluster.rs`) in `common/mod.rs`.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{
    BoxError, CELL, ClientArgs, Measure, QUERY, WARMUP, client_command, env_list, label,
    parse_client_args, peak_rss_kib, process_cpu_seconds, python, run_client_command, runtime,
    spec,
};
use cql_testkit::core::frame::ProtocolVersion;
use cql_testkit::core::frame::{Compression, Opcode};
use cql_testkit::core::message::{
    Consistency, Execute, Prepare, QueryParameters, Request, RequestFrame, Response, ResultMessage,
};
use cql_testkit::core::types::SerializeRow;
use cql_testkit::raw::RawClient;
use cql_testkit::sim::server::{Prime, Primes, SimServer, SimServerConfig};
use cql_testkit::sim::{Outcome, RowsResult};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.iter().any(|a| a == "--serve") {
        serve()
    } else if args.iter().any(|a| a == "--client") {
        client(&args)
    } else {
        orchestrate()
    };
    if let Err(e) = result {
        eprintln!("driver_throughput: {e}");
        std::process::exit(1);
    }
}

// ---- the node -------------------------------------------------------------------------

/// `--serve`: the primed node on a free port; prints `listening ADDR`, runs until its
/// standard input closes (the orchestrator holds it).
fn serve() -> Result<(), BoxError> {
    let rt = runtime()?;
    rt.block_on(async {
        let row = RowsResult {
            columns: vec![spec("v")],
            rows: vec![vec![Some(Bytes::copy_from_slice(&CELL.to_be_bytes()))]],
            paging_state: None,
        };
        let mut primes = Primes::new();
        primes.insert(
            QUERY,
            Prime::new(Outcome::Rows(row)).with_bind(vec![spec("k")]),
        );
        let server = SimServer::start(
            SimServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0))).with_primes(primes),
        )
        .await?;
        println!("listening {}", server.local_addr());
        std::io::stdout().flush()?;
        // Blocks this worker until the orchestrator closes our stdin (or exits).
        tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        })
        .await?;
        server.stop().await;
        Ok(())
    })
}

// ---- the clients ----------------------------------------------------------------------

/// `--client KIND`: runs one client, prints its `RESULT` line.
fn client(args: &[String]) -> Result<(), BoxError> {
    let args = parse_client_args(args)?;
    let rt = runtime()?;
    let measure = rt.block_on(async {
        match args.kind.as_str() {
            "ours" => common::ours(&args).await,
            "scylla" => common::scylla(&args).await,
            "raw" => raw(&args).await,
            "raw-lean" => raw_lean(&args).await,
            other => Err(format!("unknown client {other:?}").into()),
        }
    })?;
    measure.print();
    Ok(())
}

/// The raw generator: pre-encoded EXECUTE frames, `concurrency` in flight on one
/// connection, each answer's stream id sent again at once. Its frames are the very bytes
/// this driver sends for the workload (protocol v4, LOCAL_ONE, page size 5000, a client
/// timestamp, result metadata asked for: v4 cannot tell a changed schema apart, so the
/// driver does not skip it), so the node does the same work per request for both.
async fn raw(args: &ClientArgs) -> Result<Measure, BoxError> {
    let mut params = QueryParameters::with_consistency(Consistency::LocalOne);
    (7i32,).serialize_row(&[spec("k")], &mut params.values)?;
    params.page_size = Some(5000);
    params.timestamp = Some(1_700_000_000_000_000);
    raw_with(args, params).await
}

/// `raw-lean`: the raw generator with the leanest frame the node accepts (result
/// metadata skipped, no page size, no timestamp): what the node can do at best.
async fn raw_lean(args: &ClientArgs) -> Result<Measure, BoxError> {
    let mut params = QueryParameters::with_consistency(Consistency::LocalOne);
    (7i32,).serialize_row(&[spec("k")], &mut params.values)?;
    params.skip_metadata = true;
    raw_with(args, params).await
}

async fn raw_with(args: &ClientArgs, params: QueryParameters) -> Result<Measure, BoxError> {
    let mut client =
        RawClient::connect(*args.addrs.first().ok_or("no --addr")?, ProtocolVersion::V4).await?;
    client.handshake(Compression::None, None).await?;
    let prepared = match client
        .request(Request::Prepare(Prepare::new(QUERY.to_string())))
        .await?
        .response
    {
        Response::Result(ResultMessage::Prepared(p)) => p,
        other => return Err(format!("PREPARE answered {other:?}").into()),
    };
    let execute = Execute {
        id: prepared.id.clone(),
        result_metadata_id: None,
        params,
    };
    let frames: Vec<Vec<u8>> = (0..args.concurrency.clamp(1, 32768))
        .map(|s| {
            let mut out = Vec::new();
            RequestFrame::new(s as i16, Request::Execute(execute.clone()))
                .encode(ProtocolVersion::V4, Compression::None, &mut out)
                .map(|()| out)
        })
        .collect::<Result<_, _>>()?;
    drive_raw(&mut client, &frames, Instant::now() + WARMUP).await?;
    let cpu0 = process_cpu_seconds();
    let start = Instant::now();
    let (completed, errors) = drive_raw(
        &mut client,
        &frames,
        start + Duration::from_secs_f64(args.seconds),
    )
    .await?;
    Ok(Measure {
        completed,
        elapsed: start.elapsed().as_secs_f64(),
        cpu: process_cpu_seconds() - cpu0,
        peak_rss_kib: peak_rss_kib(),
        errors,
    })
}

/// Sends every frame, then sends each answer's frame again until `deadline`; waits for
/// the last answers. Returns (ok, errors).
async fn drive_raw(
    client: &mut RawClient,
    frames: &[Vec<u8>],
    deadline: Instant,
) -> Result<(u64, u64), BoxError> {
    let mut out: Vec<u8> = frames.concat();
    client.send_raw(&out).await?;
    let (mut ok, mut errors) = (0u64, 0u64);
    let mut outstanding = frames.len();
    while outstanding > 0 {
        if client.fill().await? == 0 {
            return Err("the node closed the connection".into());
        }
        out.clear();
        let sending = Instant::now() < deadline;
        while let Some(frame) = client.next_buffered()? {
            if frame.header.opcode == Opcode::Error {
                errors += 1;
            } else {
                ok += 1;
            }
            match usize::try_from(frame.header.stream)
                .ok()
                .and_then(|s| frames.get(s))
            {
                Some(f) if sending => out.extend_from_slice(f),
                _ => outstanding = outstanding.saturating_sub(1),
            }
        }
        if !out.is_empty() {
            client.send_raw(&out).await?;
        }
    }
    Ok((ok, errors))
}

// ---- the orchestrator -----------------------------------------------------------------

/// Runs one client process against the node at `addr`.
fn run_client(
    kind: &str,
    concurrency: usize,
    seconds: f64,
    addr: SocketAddr,
    python: Option<&std::path::Path>,
) -> Result<Measure, String> {
    let cmd = client_command(kind, concurrency, seconds, &[addr], python)?;
    run_client_command(kind, cmd, |_| {})
}

fn orchestrate() -> Result<(), BoxError> {
    let seconds: f64 = std::env::var("DRIVER_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let concurrencies: Vec<usize> = env_list("DRIVER_BENCH_CONCURRENCY", "1,32,512")
        .iter()
        .map(|c| c.parse())
        .collect::<Result<_, _>>()?;
    let clients = env_list("DRIVER_BENCH_CLIENTS", "raw,raw-lean,ours,scylla,python");
    let python = python();

    let exe = std::env::current_exe()?;
    let mut node = Command::new(exe)
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(node.stdout.take().ok_or("no node stdout")?).read_line(&mut line)?;
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening ")
        .ok_or_else(|| format!("the node did not start: {line:?}"))?
        .parse()?;

    println!(
        "driver throughput: prepared single-row SELECT (bind one int), primed cql-sim node \
         (own process) at {addr}, one connection, protocol v4, {seconds} s per run after a \
         {} ms warm-up",
        WARMUP.as_millis()
    );
    println!();
    println!(
        "| client | concurrency | requests/s | client CPU s / 100k req | peak client RSS (MiB) |"
    );
    println!("|---|---:|---:|---:|---:|");
    let mut results: Vec<(String, usize, Measure)> = Vec::new();
    let mut notes = Vec::new();
    for &concurrency in &concurrencies {
        for kind in &clients {
            match run_client(kind, concurrency, seconds, addr, python.as_deref()) {
                Ok(m) => {
                    let errors = if m.errors > 0 {
                        format!(" ({} errors)", m.errors)
                    } else {
                        String::new()
                    };
                    println!(
                        "| {} | {concurrency} | {:.0}{errors} | {:.3} | {:.1} |",
                        label(kind),
                        m.per_second(),
                        m.cpu_per_100k(),
                        m.peak_rss_kib as f64 / 1024.0
                    );
                    results.push((kind.clone(), concurrency, m));
                }
                Err(e) => {
                    println!("| {} | {concurrency} | - | - | - |", label(kind));
                    notes.push(format!("{} at {concurrency}: {e}", label(kind)));
                }
            }
        }
    }
    drop(node.stdin.take());
    let _ = node.wait();

    if !notes.is_empty() {
        println!();
        for n in &notes {
            println!("note: {n}");
        }
    }
    let get = |kind: &str, c: usize| {
        results
            .iter()
            .find(|(k, cc, _)| k == kind && *cc == c)
            .map(|(_, _, m)| *m)
    };
    println!();
    println!("goals at concurrency 512:");
    let check = |ok: bool| if ok { "PASS" } else { "MISS" };
    match (get("ours", 512), get("scylla", 512)) {
        (Some(o), Some(s)) => {
            let tput = o.per_second() / s.per_second();
            let cpu = o.cpu_per_100k() / s.cpu_per_100k();
            println!(
                "  throughput ours / scylla = {tput:.2} (goal >= 1.25): {}",
                check(tput >= 1.25)
            );
            println!(
                "  CPU per request ours / scylla = {cpu:.2} (goal <= 0.80): {}",
                check(cpu <= 0.8)
            );
        }
        _ => println!("  ours vs scylla: not measured"),
    }
    match (get("ours", 512), get("raw", 512)) {
        (Some(o), Some(r)) => {
            let ratio = o.per_second() / r.per_second();
            println!(
                "  throughput ours / raw generator = {ratio:.2} (goal >= 0.70): {}",
                check(ratio >= 0.7)
            );
        }
        _ => println!("  ours vs raw generator: not measured"),
    }
    Ok(())
}
