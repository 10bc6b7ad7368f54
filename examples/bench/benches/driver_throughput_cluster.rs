//! Driver throughput on a cluster (issue 7, "Speed"): this driver, the `scylla` crate and
//! the Python cassandra-driver side by side against a simulated cluster of 1 and of 3
//! nodes, each client routing by token, and how their throughput grows from 1 to 3 nodes.
//!
//! ```text
//! cargo bench -p cql-bench --bench driver_throughput_cluster
//! ```
//!
//! The workload is the one of `driver_throughput` (a prepared single-row SELECT binding
//! one int, answered by primed nodes with a fixed one-row result, protocol v4, no
//! compression), with what token-aware routing needs: the primed statement reports its
//! bind marker as the partition key (`Prime::with_pk_indexes`) of table `bench.kv`, and
//! keyspace `bench` exists in the cluster's schema (SimpleStrategy, replication factor 1,
//! so every key has exactly one replica and routing matters), so `system_schema` gives the
//! drivers its replication. Each of the N tasks of a client binds keys t, t+1, ... —
//! spread over the ring, so every node gets its share.
//!
//! Every party runs in its own process: the cluster is this binary re-executed with
//! `--serve --nodes N` (a `SimCluster` on 127.0.0.1, 127.0.0.2, ... with one port; it
//! answers `counts` — requests received per node — and `replica K` — the node owning key
//! K — on its standard input); each client is this binary re-executed with `--client
//! ours|scylla --concurrency N --seconds S --addr A,B,C [--fixed-key K]` or the Python
//! script `driver_throughput.py`. Every client gets every node as a contact point and
//! keeps its default load balancing: this driver the session's default, `scylla` its
//! default policy (token-aware), Python `TokenAwarePolicy(DCAwareRoundRobinPolicy())`;
//! one connection per host each (Python's default on protocol v4).
//!
//! A client warms up for half a second, prints `MEASURING`, measures for S seconds and
//! prints `RESULT <completed> <elapsed_s> <cpu_s> <peak_rss_kib> <errors>` (client CPU:
//! user+sys of the whole client process over the window; peak RSS: `VmHWM`/`ru_maxrss`).
//! Between those two lines the orchestrator samples the cluster process: its CPU
//! (`/proc/PID/stat`) and how many requests each node received, for the node CPU per
//! request and the spread of requests over the nodes.
//!
//! With more than one node, a routing probe follows: for each node, a key it owns; each
//! client runs 8 tasks binding only that key for a second; the share of the requests
//! that reached the key's replica is reported (100% when routing by token, about 1/N
//! when not).
//!
//! All the nodes are simulated by one process on the same machine as the clients: the
//! cluster does not bring more CPU, so the 3-node/1-node growth shows what a client does
//! with more nodes (more connections, routing), not what a real cluster of three
//! machines would give.
//!
//! Environment: `DRIVER_BENCH_SECONDS` (default 3), `DRIVER_BENCH_CONCURRENCY` (default
//! `1,32,512`), `DRIVER_BENCH_CLIENTS` (default `ours,scylla,python`),
//! `DRIVER_BENCH_NODES` (default `1,3`), `DRIVER_BENCH_PROBE` (`0` skips the routing
//! probe), `CQL_PYTHON` (default `<repo>/.ci-venv/bin/python`, then the main worktree's).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use common::{
    BoxError, ClientEvent, Measure, QUERY, client_command, cpu_seconds_of, env_list, env_or, label,
    parse_client_args, python, run_client_command, runtime,
};
use cql_testkit::sim::cluster::{SimCluster, SimClusterConfig};
use cql_testkit::sim::server::Primes;
use cql_testkit::sim::{BoundValues, ExecParams, SessionState};

/// The keyspace and table the primed statement reads.
const SCHEMA: [&str; 2] = [
    "CREATE KEYSPACE bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    "CREATE TABLE bench.kv (k int PRIMARY KEY, v int)",
];
/// Tasks and window of a routing probe.
const PROBE_CONCURRENCY: usize = 8;
const PROBE_SECONDS: f64 = 1.0;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.iter().any(|a| a == "--serve") {
        serve(&args)
    } else if args.iter().any(|a| a == "--client") {
        client(&args)
    } else {
        orchestrate()
    };
    if let Err(e) = result {
        eprintln!("driver_throughput_cluster: {e}");
        std::process::exit(1);
    }
}

// ---- the cluster ----------------------------------------------------------------------

fn primes() -> Primes {
    let mut primes = Primes::new();
    // Partition key indexes in PREPARED, so the drivers route by token.
    primes.insert(QUERY, common::prime().with_pk_indexes(vec![0]));
    primes
}

/// Requests each node received so far (kept records plus those dropped from the bounded
/// log).
fn counts(cluster: &SimCluster) -> Vec<u64> {
    cluster
        .nodes()
        .iter()
        .map(|n| n.request_log().len() as u64 + n.request_log().dropped())
        .collect()
}

/// `--serve --nodes N`: the primed cluster on a free port; prints `listening A,B,...`,
/// answers `counts` and `replica K` lines until its standard input closes.
fn serve(args: &[String]) -> Result<(), BoxError> {
    let nodes: usize = args
        .iter()
        .position(|a| a == "--nodes")
        .and_then(|i| args.get(i + 1))
        .ok_or("--serve needs --nodes N")?
        .parse()?;
    let rt = runtime()?;
    // The servers run on the runtime's workers; this thread answers the orchestrator.
    let cluster = rt.block_on(async {
        let cluster =
            SimCluster::start(SimClusterConfig::nodes(nodes).with_primes(primes())).await?;
        let node = cluster.node(0).ok_or("no node 0")?.node();
        for cql in SCHEMA {
            node.query(
                cql,
                &BoundValues::default(),
                &ExecParams::default(),
                &mut SessionState::default(),
            )
            .map_err(|e| format!("{cql}: {e}"))?;
        }
        Ok::<_, BoxError>(cluster)
    })?;
    let addrs: Vec<String> = cluster
        .contact_points()
        .iter()
        .map(SocketAddr::to_string)
        .collect();
    let mut out = std::io::stdout();
    writeln!(out, "listening {}", addrs.join(","))?;
    out.flush()?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let mut words = line.split_whitespace();
        match (words.next(), words.next().map(str::parse::<i32>)) {
            (Some("counts"), _) => {
                let c: Vec<String> = counts(&cluster).iter().map(u64::to_string).collect();
                writeln!(out, "counts {}", c.join(" "))?;
            }
            (Some("replica"), Some(Ok(key))) => {
                let replicas = cluster.replicas("bench", &key.to_be_bytes());
                let first = replicas.first().map_or(-1, |&r| r as i64);
                writeln!(out, "replica {first}")?;
            }
            _ => writeln!(out, "error: unknown command {line:?}")?,
        }
        out.flush()?;
    }
    rt.block_on(cluster.stop());
    Ok(())
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
            other => Err(format!("unknown client {other:?}").into()),
        }
    })?;
    measure.print();
    Ok(())
}

// ---- the orchestrator -----------------------------------------------------------------

/// The cluster process.
struct Cluster {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    pid: String,
    addrs: Vec<SocketAddr>,
}

impl Cluster {
    fn start(nodes: usize) -> Result<Self, BoxError> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["--serve", "--nodes", &nodes.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().ok_or("no cluster stdout")?);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        let addrs = line
            .trim()
            .strip_prefix("listening ")
            .ok_or_else(|| format!("the cluster did not start: {line:?}"))?
            .split(',')
            .map(str::parse)
            .collect::<Result<_, _>>()?;
        let pid = child.id().to_string();
        Ok(Self {
            child,
            stdin,
            stdout,
            pid,
            addrs,
        })
    }

    fn ask(&mut self, command: &str) -> Result<String, BoxError> {
        let stdin = self.stdin.as_mut().ok_or("the cluster's stdin is closed")?;
        writeln!(stdin, "{command}")?;
        stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        Ok(line.trim().to_string())
    }

    /// Requests received per node so far.
    fn counts(&mut self) -> Vec<u64> {
        self.ask("counts")
            .ok()
            .and_then(|l| {
                l.strip_prefix("counts ")
                    .map(|c| c.split(' ').filter_map(|n| n.parse().ok()).collect())
            })
            .unwrap_or_default()
    }

    /// The node owning `key`.
    fn replica(&mut self, key: i32) -> Option<usize> {
        self.ask(&format!("replica {key}"))
            .ok()?
            .strip_prefix("replica ")?
            .parse()
            .ok()
    }

    /// The cluster process's CPU seconds so far.
    fn cpu(&self) -> f64 {
        cpu_seconds_of(&self.pid)
    }

    fn stop(mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The cluster's side of one client run: its CPU and requests per node over the
/// client's measured window.
#[derive(Debug, Clone, Default)]
struct NodeSide {
    cpu: f64,
    requests: Vec<u64>,
}

/// Runs one client process, sampling the cluster over its window.
fn run_client(
    cluster: &mut Cluster,
    kind: &str,
    concurrency: usize,
    seconds: f64,
    fixed_key: Option<i32>,
    python: Option<&std::path::Path>,
) -> Result<(Measure, NodeSide), String> {
    let mut cmd = client_command(kind, concurrency, seconds, &cluster.addrs, python)?;
    if let Some(k) = fixed_key {
        cmd.args(["--fixed-key", &k.to_string()]);
    }
    let (mut start, mut end) = (None, None);
    let m = run_client_command(kind, cmd, |event| {
        let sample = (cluster.cpu(), cluster.counts());
        match event {
            ClientEvent::Window => start = Some(sample),
            ClientEvent::Result => end = Some(sample),
        }
    })?;
    let side = match (start, end) {
        (Some((cpu0, c0)), Some((cpu1, c1))) => NodeSide {
            cpu: cpu1 - cpu0,
            requests: c1
                .iter()
                .zip(&c0)
                .map(|(b, a)| b.saturating_sub(*a))
                .collect(),
        },
        _ => NodeSide::default(),
    };
    Ok((m, side))
}

/// One measured cell.
struct Cell {
    nodes: usize,
    kind: String,
    concurrency: usize,
    measure: Measure,
    side: NodeSide,
}

impl Cell {
    fn node_cpu_per_100k(&self) -> f64 {
        self.side.cpu * 100_000.0 / (self.measure.completed.max(1) as f64)
    }

    /// Each node's share of the requests, in percent: `34/33/33`.
    fn spread(&self) -> String {
        let total: u64 = self.side.requests.iter().sum();
        if total == 0 {
            return "-".to_string();
        }
        let shares: Vec<String> = self
            .side
            .requests
            .iter()
            .map(|&r| format!("{:.0}", r as f64 * 100.0 / total as f64))
            .collect();
        shares.join("/")
    }
}

/// Keys owned by each node in turn (node i's first key from 0 up).
fn probe_keys(cluster: &mut Cluster) -> Vec<(usize, i32)> {
    let n = cluster.addrs.len();
    let mut keys = Vec::new();
    for node in 0..n {
        if let Some(k) = (0..10_000).find(|&k| cluster.replica(k) == Some(node)) {
            keys.push((node, k));
        }
    }
    keys
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_string())
}

struct Plan {
    seconds: f64,
    concurrencies: Vec<usize>,
    clients: Vec<String>,
    node_counts: Vec<usize>,
    probe: bool,
}

fn plan() -> Result<Plan, BoxError> {
    Ok(Plan {
        seconds: env_or("DRIVER_BENCH_SECONDS", 3.0),
        concurrencies: env_list("DRIVER_BENCH_CONCURRENCY", "1,32,512")
            .iter()
            .map(|c| c.parse())
            .collect::<Result<_, _>>()?,
        clients: env_list("DRIVER_BENCH_CLIENTS", "ours,scylla,python"),
        node_counts: env_list("DRIVER_BENCH_NODES", "1,3")
            .iter()
            .map(|c| c.parse())
            .collect::<Result<_, _>>()?,
        probe: std::env::var("DRIVER_BENCH_PROBE").map_or(true, |v| v != "0"),
    })
}

fn orchestrate() -> Result<(), BoxError> {
    let plan = plan()?;
    let python = python();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "driver throughput on a cluster: prepared single-row SELECT (bind the int partition \
         key), primed cql-sim cluster (one process, nodes on 127.0.0.x), keyspace RF 1, one \
         connection per host, protocol v4, each client's default load balancing (see the \
         routing probe), {} s per run after a {} ms warm-up; {cpus} CPUs, load average {} \
         at start",
        plan.seconds,
        common::WARMUP.as_millis(),
        load()
    );
    let mut cells = Vec::new();
    let mut probes = Vec::new();
    let mut notes = Vec::new();
    for &nodes in &plan.node_counts {
        let mut cluster = Cluster::start(nodes)?;
        for &concurrency in &plan.concurrencies {
            for kind in &plan.clients {
                eprintln!("{nodes} node(s), {kind} at {concurrency}...");
                match run_client(
                    &mut cluster,
                    kind,
                    concurrency,
                    plan.seconds,
                    None,
                    python.as_deref(),
                ) {
                    Ok((measure, side)) => cells.push(Cell {
                        nodes,
                        kind: kind.clone(),
                        concurrency,
                        measure,
                        side,
                    }),
                    Err(e) => notes.push(format!(
                        "{} at {concurrency} on {nodes} node(s): {e}",
                        label(kind)
                    )),
                }
            }
        }
        if plan.probe && nodes > 1 {
            let keys = probe_keys(&mut cluster);
            for kind in &plan.clients {
                let mut shares = Vec::new();
                for &(node, key) in &keys {
                    eprintln!("{nodes} nodes, {kind}: routing probe, key {key} (node {node})...");
                    match run_client(
                        &mut cluster,
                        kind,
                        PROBE_CONCURRENCY,
                        PROBE_SECONDS,
                        Some(key),
                        python.as_deref(),
                    ) {
                        Ok((_, side)) => {
                            let total: u64 = side.requests.iter().sum();
                            let on = side.requests.get(node).copied().unwrap_or(0);
                            shares.push(on as f64 * 100.0 / total.max(1) as f64);
                        }
                        Err(e) => notes.push(format!("{} probe: {e}", label(kind))),
                    }
                }
                probes.push((nodes, kind.clone(), keys.clone(), shares));
            }
        }
        cluster.stop();
    }
    report(&plan, &cells, &probes, &notes);
    println!();
    println!("load average at end: {}", load());
    Ok(())
}

type Probe = (usize, String, Vec<(usize, i32)>, Vec<f64>);

fn report(plan: &Plan, cells: &[Cell], probes: &[Probe], notes: &[String]) {
    println!();
    println!(
        "| nodes | client | concurrency | requests/s | client CPU s / 100k req | peak client RSS (MiB) | node CPU s / 100k req | requests per node (%) |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---|");
    for c in cells {
        let errors = if c.measure.errors > 0 {
            format!(" ({} errors)", c.measure.errors)
        } else {
            String::new()
        };
        println!(
            "| {} | {} | {} | {:.0}{errors} | {:.3} | {:.1} | {:.3} | {} |",
            c.nodes,
            label(&c.kind),
            c.concurrency,
            c.measure.per_second(),
            c.measure.cpu_per_100k(),
            c.measure.peak_rss_kib as f64 / 1024.0,
            c.node_cpu_per_100k(),
            c.spread()
        );
    }
    let (Some(&low), Some(&high)) = (plan.node_counts.iter().min(), plan.node_counts.iter().max())
    else {
        return;
    };
    let get = |nodes: usize, kind: &str, conc: usize| {
        cells
            .iter()
            .find(|c| c.nodes == nodes && c.kind == kind && c.concurrency == conc)
    };
    if high > low {
        println!();
        println!(
            "| client | concurrency | requests/s, {low} node(s) | requests/s, {high} nodes | growth {high}/{low} | client CPU s / 100k, {low} → {high} |"
        );
        println!("|---|---:|---:|---:|---:|---:|");
        for &conc in &plan.concurrencies {
            for kind in &plan.clients {
                if let (Some(a), Some(b)) = (get(low, kind, conc), get(high, kind, conc)) {
                    println!(
                        "| {} | {conc} | {:.0} | {:.0} | {:.2} | {:.3} → {:.3} |",
                        label(kind),
                        a.measure.per_second(),
                        b.measure.per_second(),
                        b.measure.per_second() / a.measure.per_second().max(1e-9),
                        a.measure.cpu_per_100k(),
                        b.measure.cpu_per_100k()
                    );
                }
            }
        }
    }
    if let Some(&conc) = plan.concurrencies.iter().max() {
        println!();
        println!("at concurrency {conc}, {high} node(s), relative to scylla:");
        for kind in &plan.clients {
            if let (Some(c), Some(s)) = (get(high, kind, conc), get(high, "scylla", conc)) {
                println!(
                    "  {}: throughput x{:.2}, CPU per request x{:.2}",
                    label(kind),
                    c.measure.per_second() / s.measure.per_second().max(1e-9),
                    c.measure.cpu_per_100k() / s.measure.cpu_per_100k().max(1e-9)
                );
            }
        }
    }
    if !probes.is_empty() {
        println!();
        println!(
            "routing probe ({PROBE_CONCURRENCY} tasks, {PROBE_SECONDS} s, one key owned by each node in turn): share of the requests that reached the key's replica"
        );
        println!();
        println!("| nodes | client | keys (owner) | on the replica (%) |");
        println!("|---:|---|---|---|");
        for (nodes, kind, keys, shares) in probes {
            let keys: Vec<String> = keys
                .iter()
                .map(|(n, k)| format!("{k} (node {n})"))
                .collect();
            let shares: Vec<String> = shares.iter().map(|s| format!("{s:.0}")).collect();
            println!(
                "| {nodes} | {} | {} | {} |",
                label(kind),
                keys.join(", "),
                shares.join(" / ")
            );
        }
    }
    if !notes.is_empty() {
        println!();
        for n in notes {
            println!("note: {n}");
        }
    }
}
