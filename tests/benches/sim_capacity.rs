//! The simulated node's capacity, the reference later driver benchmarks are held against.
//!
//! In one run: the raw load generator (pre-encoded EXECUTE frames pipelined over several
//! connections) against a primed statement, against a real single-row SELECT and a real
//! INSERT; then the Python cassandra-driver (concurrency 128) on the same node. Prints a
//! table and the ratio primed / Python (goal ≥ 5).
//!
//! `cargo bench -p cql-testkit --bench sim_capacity` (the Python row needs the venv the
//! test command creates, or `$CQL_PYTHON`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use cql_core::types::{ColumnSpec, ColumnType, SerializeRow, SerializedValues};
use cql_testkit::load::{LoadConfig, run};
use cql_testkit::sim::server::{Primes, SimServer, SimServerConfig};
use cql_testkit::sim::{BoundValues, ExecParams, Outcome, SessionState};

const PRIMED: &str = "SELECT v FROM bench.primed WHERE k = 1";
const SELECT: &str = "SELECT v FROM bench.kv WHERE k = 1";
const INSERT: &str = "INSERT INTO bench.kv (k, v) VALUES (?, 'value')";
const SECONDS: u64 = 3;

fn python() -> Option<PathBuf> {
    let p = std::env::var_os("CQL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci-venv/bin/python"));
    p.exists().then_some(p)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let primes = Primes::new().with(PRIMED, Outcome::Void);
    let server = SimServer::start(SimServerConfig::default().with_primes(primes))
        .await
        .expect("node starts");
    let node = server.node().clone();
    let mut session = SessionState::default();
    for ddl in [
        "CREATE KEYSPACE bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE bench.kv (k int PRIMARY KEY, v text)",
        "INSERT INTO bench.kv (k, v) VALUES (1, 'value')",
    ] {
        node.query(
            ddl,
            &BoundValues::default(),
            &ExecParams::default(),
            &mut session,
        )
        .expect("setup statement");
    }

    let addr = server.local_addr();
    let mut rows = Vec::new();
    for (label, statement) in [
        ("raw generator, primed statement", PRIMED),
        ("raw generator, single-row SELECT", SELECT),
        ("raw generator, single-row INSERT", INSERT),
    ] {
        let mut config = LoadConfig::new(addr, statement);
        config.duration = Duration::from_secs(SECONDS);
        if statement == INSERT {
            let spec = [ColumnSpec {
                keyspace: "bench".into(),
                table: "kv".into(),
                name: "k".into(),
                typ: ColumnType::Int,
            }];
            let mut values = SerializedValues::new();
            (7i32,)
                .serialize_row(&spec, &mut values)
                .expect("value fits");
            config.values = values;
        }
        let report = run(&config).await.expect("load run");
        assert_eq!(report.errors, 0, "{label}: errors");
        rows.push((label.to_string(), report.per_second()));
    }

    let python_rate = python().map(|python| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("interop/python_driver_load.py");
        let out = Command::new(python)
            .arg(script)
            .args([
                "--port",
                &addr.port().to_string(),
                "--seconds",
                &SECONDS.to_string(),
            ])
            .args(["--concurrency", "128", "--query", SELECT])
            .output()
            .expect("python runs");
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines()
            .find_map(|l| l.strip_prefix("requests_per_second: "))
            .and_then(|n| n.trim().parse::<f64>().ok())
            .unwrap_or_else(|| {
                panic!(
                    "python load failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                )
            })
    });
    if let Some(rate) = python_rate {
        rows.push((
            "Python cassandra-driver, SELECT, concurrency 128".to_string(),
            rate,
        ));
    }

    println!();
    println!("| load | requests/s |");
    println!("|---|---:|");
    for (label, rate) in &rows {
        println!("| {label} | {rate:.0} |");
    }
    match python_rate {
        Some(rate) => println!(
            "\nprimed capacity / Python driver = {:.1} (goal >= 5)",
            rows[0].1 / rate
        ),
        None => println!("\n(no Python venv: run `bash .ci/test` once or set CQL_PYTHON)"),
    }
    server.stop().await;
}
