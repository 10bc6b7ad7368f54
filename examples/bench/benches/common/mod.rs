//! What the throughput benchmarks share (`driver_throughput`, `driver_throughput_cluster`):
//! the workload (a primed single-row SELECT binding one int), the client processes'
//! arguments and measurement (closed loop, process CPU, peak RSS, the `RESULT` line), this
//! driver's and the `scylla` crate's clients, and how the orchestrators start a client
//! process (this binary again, or the Python script beside it).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cql_core::frame::ProtocolVersion;
use cql_core::types::{ColumnSpec, ColumnType};
use cql_testkit::sim::server::Prime;
use cql_testkit::sim::{Outcome, RowsResult};
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::runtime::NodeAddr;

/// The primed statement every client prepares and executes.
pub const QUERY: &str = "SELECT v FROM bench.kv WHERE k = ?";
/// The value of the one cell of the one row the node answers.
pub const CELL: i32 = 42;
/// How long a client runs the workload before it measures.
pub const WARMUP: Duration = Duration::from_millis(500);

/// Any error of a benchmark process.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The multi-threaded tokio runtime (default worker count) every process runs on.
pub fn runtime() -> Result<tokio::runtime::Runtime, BoxError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// The spec of an int column `name` of `bench.kv`.
pub fn spec(name: &str) -> ColumnSpec {
    ColumnSpec {
        keyspace: "bench".into(),
        table: "kv".into(),
        name: name.into(),
        typ: ColumnType::Int,
    }
}

// ---- measuring ------------------------------------------------------------------------

/// What one client measured.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    /// Requests answered as expected in the window.
    pub completed: u64,
    /// The window's length in seconds.
    pub elapsed: f64,
    /// User+sys CPU seconds of the client process in the window.
    pub cpu: f64,
    /// Peak RSS of the client process, KiB.
    pub peak_rss_kib: u64,
    /// Requests that failed or answered something else.
    pub errors: u64,
}

impl Measure {
    /// Prints the `RESULT` line the orchestrator parses.
    pub fn print(&self) {
        println!(
            "RESULT {} {:.6} {:.6} {} {}",
            self.completed, self.elapsed, self.cpu, self.peak_rss_kib, self.errors
        );
    }

    /// Parses a `RESULT` line.
    pub fn parse(line: &str) -> Option<Self> {
        let mut it = line.strip_prefix("RESULT ")?.split_whitespace();
        Some(Self {
            completed: it.next()?.parse().ok()?,
            elapsed: it.next()?.parse().ok()?,
            cpu: it.next()?.parse().ok()?,
            peak_rss_kib: it.next()?.parse().ok()?,
            errors: it.next()?.parse().ok()?,
        })
    }

    /// Requests per second.
    pub fn per_second(&self) -> f64 {
        self.completed as f64 / self.elapsed.max(1e-9)
    }

    /// Client CPU seconds per 100k requests.
    pub fn cpu_per_100k(&self) -> f64 {
        self.cpu * 100_000.0 / (self.completed.max(1) as f64)
    }
}

/// User+sys CPU seconds of process `pid` ("self": this one), all its threads, from
/// `/proc/PID/stat` (utime+stime, what getrusage reports, in ticks of 10 ms).
pub fn cpu_seconds_of(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3 (state);
    // utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // USER_HZ is 100 on Linux.
    (ticks(11) + ticks(12)) as f64 / 100.0
}

/// User+sys CPU seconds of this process.
pub fn process_cpu_seconds() -> f64 {
    cpu_seconds_of("self")
}

/// Peak resident set size of this process in KiB (`VmHWM`).
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

// ---- the client processes -------------------------------------------------------------

/// The arguments of a client process.
pub struct ClientArgs {
    /// `ours`, `scylla`, `raw`, `raw-lean`.
    pub kind: String,
    /// Requests in flight.
    pub concurrency: usize,
    /// The measured window.
    pub seconds: f64,
    /// The contact points (`--addr A[,B...]`).
    pub addrs: Vec<SocketAddr>,
    /// `--fixed-key K`: every request binds K (a routing probe) instead of keys spread
    /// over the ring.
    pub fixed_key: Option<i32>,
}

/// Parses `--client KIND --concurrency N --seconds S --addr A[,B...] [--fixed-key K]`.
pub fn parse_client_args(args: &[String]) -> Result<ClientArgs, BoxError> {
    let find = |name: &str| -> Result<Option<&str>, BoxError> {
        match args.iter().position(|a| a == name) {
            None => Ok(None),
            Some(i) => Ok(Some(
                args.get(i + 1)
                    .ok_or_else(|| format!("{name} needs a value"))?,
            )),
        }
    };
    let value = |name: &str| -> Result<&str, BoxError> {
        find(name)?.ok_or_else(|| format!("{name} is required").into())
    };
    Ok(ClientArgs {
        kind: value("--client")?.to_string(),
        concurrency: value("--concurrency")?.parse()?,
        seconds: value("--seconds")?.parse()?,
        addrs: value("--addr")?
            .split(',')
            .map(str::parse)
            .collect::<Result<_, _>>()?,
        fixed_key: find("--fixed-key")?.map(str::parse).transpose()?,
    })
}

/// A client under test: runs one request (binding `k`) and checks the answer. Each task
/// holds its own clone and borrows it for every request, as an application would.
pub trait Client: Clone + Send + Sync + 'static {
    /// One request; whether it answered the expected row.
    fn one(&self, k: i32) -> impl std::future::Future<Output = bool> + Send + '_;
}

/// Runs `concurrency` tasks, each executing requests in a loop for `duration` (task `t`
/// binds keys t, t+1, ... — spread over the ring — or `fixed_key`); returns (completed,
/// errors, elapsed).
pub async fn closed_loop<C: Client>(
    concurrency: usize,
    duration: Duration,
    fixed_key: Option<i32>,
    client: &C,
) -> (u64, u64, f64) {
    let start = Instant::now();
    let deadline = start + duration;
    let errors = Arc::new(AtomicU64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..concurrency {
        let client = client.clone();
        let errors = errors.clone();
        tasks.spawn(async move {
            let (mut done, mut failed) = (0u64, 0u64);
            let mut key = t as i32;
            while Instant::now() < deadline {
                if client.one(fixed_key.unwrap_or(key)).await {
                    done += 1;
                } else {
                    failed += 1;
                }
                key = key.wrapping_add(1);
            }
            errors.fetch_add(failed, Ordering::Relaxed);
            done
        });
    }
    let mut completed = 0;
    while let Some(done) = tasks.join_next().await {
        completed += done.unwrap_or(0);
    }
    (
        completed,
        errors.load(Ordering::Relaxed),
        start.elapsed().as_secs_f64(),
    )
}

/// Tells the orchestrator the measured window starts (it samples the node then).
pub fn announce_window() {
    println!("MEASURING");
    let _ = std::io::stdout().flush();
}

/// Warms up, then measures `client` at the requested concurrency.
pub async fn measure<C: Client>(args: &ClientArgs, client: C) -> Measure {
    closed_loop(args.concurrency, WARMUP, args.fixed_key, &client).await;
    announce_window();
    let cpu0 = process_cpu_seconds();
    let (completed, errors, elapsed) = closed_loop(
        args.concurrency,
        Duration::from_secs_f64(args.seconds),
        args.fixed_key,
        &client,
    )
    .await;
    Measure {
        completed,
        elapsed,
        cpu: process_cpu_seconds() - cpu0,
        peak_rss_kib: peak_rss_kib(),
        errors,
    }
}

/// This driver's client.
#[derive(Clone)]
pub struct Ours {
    session: cql_transport_tcp::session::Session,
    prepared: cql_transport_tcp::session::PreparedStatement,
}

impl Client for Ours {
    async fn one(&self, k: i32) -> bool {
        match self.session.execute(&self.prepared, (k,)).await {
            Ok(r) => r
                .first_row()
                .is_some_and(|row| row.get::<i32>(0).is_ok_and(|v| v == CELL)),
            Err(_) => false,
        }
    }
}

/// This driver: every contact point given, one connection per host, protocol v4, the
/// session's default load balancing.
pub async fn ours(args: &ClientArgs) -> Result<Measure, BoxError> {
    let session = SessionBuilder::new()
        .contact_points(args.addrs.iter().map(|a| NodeAddr::from(*a)))
        .protocol_version(ProtocolVersion::V4)
        .connections_per_host(1)
        .connect()
        .await?;
    let prepared = session.prepare(QUERY).await?;
    Ok(measure(args, Ours { session, prepared }).await)
}

/// The `scylla` crate's client.
#[derive(Clone)]
pub struct Scylla {
    session: Arc<scylla::client::session::Session>,
    prepared: scylla::statement::prepared::PreparedStatement,
}

impl Client for Scylla {
    async fn one(&self, k: i32) -> bool {
        match self.session.execute_unpaged(&self.prepared, (k,)).await {
            Ok(r) => r
                .into_rows_result()
                .ok()
                .and_then(|rows| rows.single_row::<(i32,)>().ok())
                .is_some_and(|(v,)| v == CELL),
            Err(_) => false,
        }
    }
}

/// The `scylla` crate: every contact point given, one connection per host (its control
/// connection aside), its default load balancing (token-aware, every DC local).
pub async fn scylla(args: &ClientArgs) -> Result<Measure, BoxError> {
    use scylla::client::PoolSize;
    use scylla::client::session_builder::SessionBuilder as ScyllaBuilder;
    let mut builder = ScyllaBuilder::new().pool_size(PoolSize::PerHost(NonZeroUsize::MIN));
    for addr in &args.addrs {
        builder = builder.known_node_addr(*addr);
    }
    let session = builder.build().await?;
    let prepared = session.prepare(QUERY).await?;
    let client = Scylla {
        session: Arc::new(session),
        prepared,
    };
    Ok(measure(args, client).await)
}

// ---- the orchestrator's side ----------------------------------------------------------

/// A comma-separated list from the environment, or `default`.
/// The environment variable `name` parsed, or `default` when unset or unparsable.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The workload's prime: `QUERY` answered with one row holding `CELL`.
pub fn prime() -> Prime {
    let row = RowsResult {
        columns: vec![spec("v")],
        rows: vec![vec![Some(Bytes::copy_from_slice(&CELL.to_be_bytes()))]],
        paging_state: None,
    };
    Prime::new(Outcome::Rows(row)).with_bind(vec![spec("k")])
}

pub fn env_list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The Python with cassandra-driver: `CQL_PYTHON`, else the repository's `.ci-venv`, else
/// the main worktree's.
pub fn python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CQL_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut candidates = vec![repo.join(".ci-venv/bin/python")];
    // In a git worktree, the main worktree's venv.
    if let Ok(out) = Command::new("git")
        .args(["rev-parse", "--path-format=absolute", "--git-common-dir"])
        .current_dir(&repo)
        .output()
    {
        let common = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if let Some(main) = common.parent() {
            candidates.push(main.join(".ci-venv/bin/python"));
        }
    }
    candidates.into_iter().find(|p| p.exists())
}

/// The command running client `kind` (this binary again, or the Python script), with
/// the common arguments.
pub fn client_command(
    kind: &str,
    concurrency: usize,
    seconds: f64,
    addrs: &[SocketAddr],
    python: Option<&Path>,
) -> Result<Command, String> {
    let mut cmd = if kind == "python" {
        let python = python.ok_or("no Python venv: set CQL_PYTHON or create .ci-venv")?;
        let mut cmd = Command::new(python);
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/driver_throughput.py"))
            .args(["--query", QUERY]);
        cmd
    } else {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(exe);
        cmd.args(["--client", kind]);
        cmd
    };
    let addrs: Vec<String> = addrs.iter().map(SocketAddr::to_string).collect();
    cmd.args(["--concurrency", &concurrency.to_string()])
        .args(["--seconds", &seconds.to_string()])
        .args(["--addr", &addrs.join(",")])
        .stdin(Stdio::null());
    Ok(cmd)
}

/// What a client process reports while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientEvent {
    /// Its measured window starts (`MEASURING`).
    Window,
    /// Its measured window ended (its `RESULT` line arrived; the process still shuts
    /// down).
    Result,
}

/// Runs a client command to its end; its `RESULT`, or why there is none. `on_event` runs
/// as the client reports its window's start and end.
pub fn run_client_command(
    kind: &str,
    mut cmd: Command,
    mut on_event: impl FnMut(ClientEvent),
) -> Result<Measure, String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the {kind} client: {e}"))?;
    let mut stderr = child.stderr.take();
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_string(&mut text);
        }
        text
    });
    let mut result = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line == "MEASURING" {
                on_event(ClientEvent::Window);
            } else if let Some(m) = Measure::parse(&line) {
                on_event(ClientEvent::Result);
                result = Some(m);
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    let stderr = stderr.join().unwrap_or_default();
    result.ok_or_else(|| {
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        format!(
            "the {kind} client failed ({status}): {}",
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        )
    })
}

/// The label of a client in the tables.
pub fn label(kind: &str) -> &str {
    match kind {
        "raw" => "raw generator (pre-encoded frames)",
        "raw-lean" => "raw generator, leanest frame",
        "ours" => "cql-core driver (this)",
        "scylla" => "scylla crate 1.9",
        "python" => "Python cassandra-driver",
        other => other,
    }
}
