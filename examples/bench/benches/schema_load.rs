//! Schema metadata at startup for a large schema: a keyspace of `SCHEMA_BENCH_TABLES`
//! tables (default 1,000; 8 columns each, one index on every tenth) on one simulated
//! node, then
//!
//! * this driver: the time of a full schema load (`Session::refresh_schema`, every
//!   `system_schema` table read at once) and the heap the resulting snapshot keeps
//!   (bytes live after connecting with schema metadata on, minus with it off, counted by
//!   `stats_alloc` around the system allocator), and connect time with metadata on, restricted to another
//!   keyspace, and off;
//! * the Python cassandra-driver on the same node (when its venv is there): the time of
//!   `refresh_schema_metadata()` and the peak of Python allocations it makes
//!   (`tracemalloc`).
//!
//! Prints a table; medians of `SCHEMA_BENCH_RUNS` (default 5) runs.

use std::alloc::System;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::cluster::schema::SchemaFilter;
use cql_transport_tcp::{Session, SessionBuilder};

/// Counts the process's heap allocations (a thin wrapper over the system allocator).
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes live on the heap now, relative to the start of the process.
fn live() -> isize {
    let s = GLOBAL.stats();
    // Reallocations are already counted in both (growth as allocated, shrinking as
    // deallocated).
    s.bytes_allocated as isize - s.bytes_deallocated as isize
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

async fn connect(server: &SimServerHandle, filter: SchemaFilter) -> Session {
    SessionBuilder::new()
        .contact_point(server.local_addr())
        .schema_metadata(filter)
        .connect()
        .await
        .expect("connects")
}

async fn create_schema(server: &SimServerHandle, tables: usize) {
    let session = connect(server, SchemaFilter::Off).await;
    session
        .execute(
            "CREATE KEYSPACE bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await
        .unwrap();
    for i in 0..tables {
        session
            .execute(
                format!(
                    "CREATE TABLE bench.t{i:04} (id uuid, seq int, name text, score double, \
                     tags set<text>, attrs map<text, text>, at timestamp, body blob, \
                     PRIMARY KEY (id, seq)) WITH comment = 'table {i}'"
                )
                .as_str(),
                (),
            )
            .await
            .unwrap();
        if i % 10 == 0 {
            session
                .execute(format!("CREATE INDEX ON bench.t{i:04} (name)").as_str(), ())
                .await
                .unwrap();
        }
    }
    session.close().await;
}

/// Heap bytes a session connected with `filter` keeps, measured `runs` times.
async fn live_bytes(server: &SimServerHandle, filter: &SchemaFilter, runs: usize) -> f64 {
    let mut samples = Vec::new();
    for _ in 0..runs {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let before = live();
        let session = connect(server, filter.clone()).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let after = live();
        samples.push((after - before) as f64);
        session.close().await;
        drop(session);
    }
    median(samples)
}

async fn connect_ms(server: &SimServerHandle, filter: &SchemaFilter, runs: usize) -> f64 {
    let mut samples = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let session = connect(server, filter.clone()).await;
        samples.push(start.elapsed().as_secs_f64() * 1e3);
        session.close().await;
    }
    median(samples)
}

fn python() -> Option<PathBuf> {
    let candidate = std::env::var_os("CQL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci-venv/bin/python"));
    candidate.exists().then_some(candidate)
}

const PYTHON_SCRIPT: &str = r#"
import sys, time, tracemalloc
from cassandra.cluster import Cluster
from cassandra.policies import WhiteListRoundRobinPolicy
host, port, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = Cluster([host], port=port, protocol_version=4,
            load_balancing_policy=WhiteListRoundRobinPolicy([host]))
c.connect()
times, peaks = [], []
for _ in range(runs):
    tracemalloc.start()
    t = time.perf_counter()
    c.refresh_schema_metadata()
    times.append((time.perf_counter() - t) * 1e3)
    peaks.append(tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
times.sort(); peaks.sort()
print(f"{times[len(times)//2]} {peaks[len(peaks)//2]} {len(c.metadata.keyspaces['bench'].tables)}")
c.shutdown()
"#;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tables = env_usize("SCHEMA_BENCH_TABLES", 1000);
    let runs = env_usize("SCHEMA_BENCH_RUNS", 5).max(1);
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let created = Instant::now();
    create_schema(&server, tables).await;
    println!(
        "schema: keyspace bench, {tables} tables, {} indexes (created in {:.1} s)",
        tables.div_ceil(10),
        created.elapsed().as_secs_f64()
    );

    let session = connect(&server, SchemaFilter::All).await;
    let seen = session
        .metadata()
        .keyspace("bench")
        .map_or(0, |k| k.tables.len());
    assert_eq!(seen, tables, "the metadata holds every table");
    let mut loads = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        session.refresh_schema().await.unwrap();
        loads.push(start.elapsed().as_secs_f64() * 1e3);
    }
    // One snapshot's size: keep the current one alive while a refresh builds the next.
    let mut sizes = Vec::new();
    for _ in 0..runs {
        let held = session.metadata().schema_arc();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let before = live();
        session.refresh_schema().await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        sizes.push((live() - before) as f64);
        drop(held);
    }
    let snapshot = median(sizes);
    // The same measured by a deep copy of the snapshot (no I/O around it).
    let held = session.metadata().schema_arc();
    let before = live();
    let copy: Vec<_> = held.keyspaces.values().map(|k| (**k).clone()).collect();
    let deep = (live() - before) as f64;
    drop(copy);
    session.close().await;
    let load_ms = median(loads);

    let all = live_bytes(&server, &SchemaFilter::All, runs).await;
    let off = live_bytes(&server, &SchemaFilter::Off, runs).await;
    let other = SchemaFilter::keyspaces(["system_auth"]);
    let connect_all = connect_ms(&server, &SchemaFilter::All, runs).await;
    let connect_other = connect_ms(&server, &other, runs).await;
    let connect_off = connect_ms(&server, &SchemaFilter::Off, runs).await;

    println!();
    println!(
        "| client | full schema load | schema memory | connect: all / one small keyspace / off |"
    );
    println!("| --- | --- | --- | --- |");
    println!(
        "| this driver | {load_ms:.1} ms | {:.2} MiB one snapshot ({:.2} MiB as a deep copy); {:.2} MiB more heap kept by a session with metadata on than off | {connect_all:.1} / {connect_other:.1} / {connect_off:.1} ms |",
        snapshot / 1_048_576.0,
        deep / 1_048_576.0,
        (all - off) / 1_048_576.0
    );
    match python() {
        Some(py) => {
            let port = server.local_addr().port().to_string();
            let out = Command::new(py)
                .args(["-c", PYTHON_SCRIPT, "127.0.0.1", &port, &runs.to_string()])
                .output()
                .expect("python runs");
            let text = String::from_utf8_lossy(&out.stdout);
            let parts: Vec<f64> = text
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect();
            if let [ms, peak, seen] = parts[..] {
                assert_eq!(seen as usize, tables);
                println!(
                    "| Python cassandra-driver 3.30 | {ms:.1} ms | {:.2} MiB (peak traced during the load) | - |",
                    peak / 1_048_576.0
                );
            } else {
                println!(
                    "| Python cassandra-driver | failed: {} | | |",
                    String::from_utf8_lossy(&out.stderr)
                        .lines()
                        .last()
                        .unwrap_or("")
                );
            }
        }
        None => println!("| Python cassandra-driver | skipped: no venv (CQL_PYTHON) | | |"),
    }
    server.stop().await;
}
