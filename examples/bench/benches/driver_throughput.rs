//! Driver throughput (issue 4, "Speed"): this driver, the `scylla` crate and the Python
//! cassandra-driver side by side against one simulated node, plus the raw load generator
//! (pre-encoded EXECUTE frames pipelined: the physical limit of the node on this machine).
//!
//! ```text
//! cargo bench -p cql-bench --bench driver_throughput
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
//! Environment: `DRIVER_BENCH_SECONDS` (default 3), `DRIVER_BENCH_RUNS` (runs per cell,
//! default 3: the table shows the median run and the spread), `DRIVER_BENCH_CONCURRENCY`
//! (default `1,32,512`), `DRIVER_BENCH_CLIENTS` (default `raw,raw-lean,ours,scylla,python`),
//! `DRIVER_BENCH_ONE_WORKER` (`0` drops the one-worker rows), `CQL_PYTHON` (default
//! `<repo>/.ci-venv/bin/python`, then the main worktree's).
//!
//! Runs of one concurrency take turns (every client once, then every client again), so a
//! noisy moment of the machine falls on all of them rather than on one cell.
//!
//! The raw generator (`raw`, what the goals compare with) sends the very frame this driver
//! sends for the workload, so the node does the same work per request; `raw-lean` sends
//! the leanest frame the node accepts (result metadata skipped, no page size, no
//! timestamp), shown for reference.
//!
//! The Rust clients run on a multi-threaded tokio runtime with its default worker count
//! (one per core) and, in rows of their own, with one worker (`TOKIO_WORKER_THREADS=1`):
//! the node takes about one of the machine's cores, and a client with as many workers as
//! cores makes them compete with it. The goals are printed for both. Each of the N
//! tasks holds its own handle on the session and the prepared statement and borrows them
//! for every request, as an application would. The clients, the measurement
//! and the process plumbing are shared with the 3-node benchmark
//! (`driver_throughput_cluster.rs`) in `common/mod.rs`.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{
    BoxError, ClientArgs, Measure, QUERY, WARMUP, client_command, env_list, env_or, label,
    parse_client_args, peak_rss_kib, process_cpu_seconds, python, run_client_command, runtime,
    spec,
};
use cql_core::frame::ProtocolVersion;
use cql_core::frame::{Compression, Opcode};
use cql_core::message::{
    Consistency, Execute, Prepare, QueryParameters, Request, RequestFrame, Response, ResultMessage,
};
use cql_core::types::SerializeRow;
use cql_testkit::raw::RawClient;
use cql_testkit::sim::server::{Primes, SimServer, SimServerConfig};

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
        let mut primes = Primes::new();
        primes.insert(QUERY, common::prime());
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
    (7i32,).serialize_row(&[spec("k")], params.values.to_mut())?;
    params.page_size = Some(5000);
    params.timestamp = Some(1_700_000_000_000_000);
    raw_with(args, params).await
}

/// `raw-lean`: the raw generator with the leanest frame the node accepts (result
/// metadata skipped, no page size, no timestamp): what the node can do at best.
async fn raw_lean(args: &ClientArgs) -> Result<Measure, BoxError> {
    let mut params = QueryParameters::with_consistency(Consistency::LocalOne);
    (7i32,).serialize_row(&[spec("k")], params.values.to_mut())?;
    params.skip_metadata = true;
    raw_with(args, params).await
}

async fn raw_with(
    args: &ClientArgs,
    params: QueryParameters<'static>,
) -> Result<Measure, BoxError> {
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

/// One configuration measured: a client, and for the Rust drivers the tokio worker count
/// (`None`: tokio's default, one per core).
#[derive(Clone, PartialEq)]
struct Party {
    kind: String,
    workers: Option<usize>,
}

impl Party {
    fn label(&self) -> String {
        match self.workers {
            None => label(&self.kind).to_string(),
            Some(1) => format!("{}, 1 tokio worker", label(&self.kind)),
            Some(n) => format!("{}, {n} tokio workers", label(&self.kind)),
        }
    }
}

/// Runs one client process against the node at `addr`.
fn run_client(
    party: &Party,
    concurrency: usize,
    seconds: f64,
    addr: SocketAddr,
    python: Option<&std::path::Path>,
) -> Result<Measure, String> {
    let mut cmd = client_command(&party.kind, concurrency, seconds, &[addr], python)?;
    if let Some(n) = party.workers {
        // Read by tokio's runtime builder for its default worker count.
        cmd.env("TOKIO_WORKER_THREADS", n.to_string());
    }
    run_client_command(&party.kind, cmd, |_| {})
}

/// The run whose requests/s is the median of `runs` (the runs of one cell).
fn median(mut runs: Vec<Measure>) -> Option<(Measure, f64, f64)> {
    runs.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
    let low = runs.first()?.per_second();
    let high = runs.last()?.per_second();
    runs.get(runs.len() / 2).map(|m| (*m, low, high))
}

fn orchestrate() -> Result<(), BoxError> {
    let seconds: f64 = env_or("DRIVER_BENCH_SECONDS", 3.0);
    let runs: usize = env_or("DRIVER_BENCH_RUNS", 3usize).max(1);
    let concurrencies: Vec<usize> = env_list("DRIVER_BENCH_CONCURRENCY", "1,32,512")
        .iter()
        .map(|c| c.parse())
        .collect::<Result<_, _>>()?;
    let clients = env_list("DRIVER_BENCH_CLIENTS", "raw,raw-lean,ours,scylla,python");
    let one_worker = std::env::var("DRIVER_BENCH_ONE_WORKER").map_or(true, |v| v != "0");
    let mut parties: Vec<Party> = clients
        .iter()
        .map(|kind| Party {
            kind: kind.clone(),
            workers: None,
        })
        .collect();
    if one_worker {
        for kind in ["ours", "scylla"] {
            if clients.iter().any(|c| c == kind) {
                parties.push(Party {
                    kind: kind.to_string(),
                    workers: Some(1),
                });
            }
        }
    }
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
         {} ms warm-up; each cell is the median of {runs} runs (the clients take turns, \
         round after round), with the lowest and highest requests/s of its runs",
        WARMUP.as_millis()
    );
    println!();
    println!(
        "| client | concurrency | requests/s (median) | low-high | client CPU s / 100k req | peak client RSS (MiB) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let mut results: Vec<(Party, usize, Measure)> = Vec::new();
    let mut notes = Vec::new();
    for &concurrency in &concurrencies {
        let mut measured: Vec<Vec<Measure>> = vec![Vec::new(); parties.len()];
        for _ in 0..runs {
            for (party, cell) in parties.iter().zip(measured.iter_mut()) {
                match run_client(party, concurrency, seconds, addr, python.as_deref()) {
                    Ok(m) => cell.push(m),
                    Err(e) => notes.push(format!("{} at {concurrency}: {e}", party.label())),
                }
            }
        }
        for (party, cell) in parties.iter().zip(measured) {
            let Some((m, low, high)) = median(cell) else {
                println!("| {} | {concurrency} | - | - | - | - |", party.label());
                continue;
            };
            let errors = if m.errors > 0 {
                format!(" ({} errors)", m.errors)
            } else {
                String::new()
            };
            println!(
                "| {} | {concurrency} | {:.0}{errors} | {low:.0}-{high:.0} | {:.3} | {:.1} |",
                party.label(),
                m.per_second(),
                m.cpu_per_100k(),
                m.peak_rss_kib as f64 / 1024.0
            );
            results.push((party.clone(), concurrency, m));
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
    let get = |kind: &str, workers: Option<usize>, c: usize| {
        results
            .iter()
            .find(|(p, cc, _)| p.kind == kind && p.workers == workers && *cc == c)
            .map(|(_, _, m)| *m)
    };
    let raw = get("raw", None, 512);
    println!();
    print_goals(
        "goals at concurrency 512 (tokio's default runtime for both Rust drivers):",
        get("ours", None, 512),
        get("scylla", None, 512),
        raw,
    );
    if one_worker {
        println!();
        print_goals(
            "the same with 1 tokio worker for both Rust drivers (the node uses about one of \
             this machine's cores):",
            get("ours", Some(1), 512),
            get("scylla", Some(1), 512),
            raw,
        );
    }
    Ok(())
}

/// Prints the issue's three goals for one pair of measurements.
fn print_goals(title: &str, ours: Option<Measure>, scylla: Option<Measure>, raw: Option<Measure>) {
    println!("{title}");
    let check = |ok: bool| if ok { "PASS" } else { "MISS" };
    match (ours, scylla) {
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
    match (ours, raw) {
        (Some(o), Some(r)) => {
            let ratio = o.per_second() / r.per_second();
            println!(
                "  throughput ours / raw generator = {ratio:.2} (goal >= 0.70): {}",
                check(ratio >= 0.7)
            );
        }
        _ => println!("  ours vs raw generator: not measured"),
    }
}
