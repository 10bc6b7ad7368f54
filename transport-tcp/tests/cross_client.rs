//! Cross-client proof: rows written with the real Python `cassandra-driver` (PyPI) through
//! the simulated node read back equal with this driver, and the other way round, for every
//! value of the golden vectors (`types.json`: every CQL type).
//!
//! The Python side is `tests/interop/cross_client.py` (modes `write` and `read`, values in
//! the vectors' JSON conventions). The interpreter comes from `$CQL_PYTHON`, else
//! `.ci-venv/bin/python` at the repository root (the test command creates that venv and
//! runs this file in its interop step). Without either the tests say so and pass, unless
//! `$CQL_REQUIRE_INTEROP` is set, in which case a missing interpreter is a failure.
//!
//! Comparison: field by field as `CqlValue`s, floats by bit pattern, sets and maps in any
//! order (a node returns them in its own order); an empty collection in a non-frozen column
//! reads back as null, as Cassandra stores no cells for it. Vectors not written are listed
//! with the reason and checked + skipped == total is asserted.

#[path = "common/vectors.rs"]
mod vectors;

use std::path::PathBuf;
use std::process::Command;

use cql_testkit::interop::python;
use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::Session;
use cql_transport_tcp::SessionBuilder;
use serde_json::Value;

/// Runs the helper in `mode` against `server` with `plan`; returns its stdout.
async fn run_python(python: PathBuf, server: &SimServerHandle, mode: &str, plan: &Value) -> String {
    let path = std::env::temp_dir().join(format!(
        "cql-cross-client-{}-{mode}.json",
        std::process::id()
    ));
    std::fs::write(&path, serde_json::to_vec(plan).unwrap()).unwrap();
    let script = cql_testkit::interop::repo_root().join("tests/interop/cross_client.py");
    let port = server.local_addr().port().to_string();
    let mode = mode.to_string();
    let plan_path = path.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .arg(&mode)
            .arg("--plan")
            .arg(&plan_path)
            .args(["--host", "127.0.0.1", "--port", &port])
            .output()
    })
    .await
    .unwrap()
    .expect("python runs");
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.lines().any(|l| l.starts_with("summary:")),
        "the Python helper failed:\n{stdout}\nstderr tail:\n{}",
        stderr.lines().rev().take(30).collect::<Vec<_>>().join("\n")
    );
    for line in stdout.lines().filter(|l| !l.starts_with("RESULT ")) {
        println!("python: {line}");
    }
    stdout
}

async fn node_with_schema(plan: &vectors::Plan) -> (SimServerHandle, Session) {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = SessionBuilder::new()
        .contact_point(server.local_addr())
        .connect()
        .await
        .unwrap();
    plan.create_schema(&session).await;
    (server, session)
}

fn finish(label: &str, plan: &vectors::Plan, checked: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{label}: {} of {} vector(s) differ:\n{}",
        failures.len(),
        plan.rows.len(),
        failures.join("\n")
    );
    for (id, why) in &plan.skipped {
        println!("skipped {id}: {why}");
    }
    assert_eq!(checked + plan.skipped.len(), plan.total);
    println!(
        "PASS {label}: {checked} vectors equal, {} skipped",
        plan.skipped.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_writes_this_driver_reads() {
    let Some(python) = python("cross-client proof") else {
        return;
    };
    let file = vectors::load_types();
    let plan = vectors::plan(&file);
    let (server, session) = node_with_schema(&plan).await;
    run_python(python, &server, "write", &plan.to_json("py:")).await;
    let mut checked = 0;
    let mut failures = Vec::new();
    for row in &plan.rows {
        let got = vectors::read_one(&session, row, "py:").await;
        if vectors::read_matches(row, got.as_ref()) {
            checked += 1;
        } else {
            failures.push(format!(
                "{} ({}): Python wrote {}, this driver read {got:?}",
                row.vector_id, row.cql_type, row.json
            ));
        }
    }
    finish(
        "python_driver_writes_this_driver_reads",
        &plan,
        checked,
        &failures,
    );
    session.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_driver_writes_python_driver_reads() {
    let Some(python) = python("cross-client proof") else {
        return;
    };
    let file = vectors::load_types();
    let plan = vectors::plan(&file);
    let (server, session) = node_with_schema(&plan).await;
    vectors::write_all(&session, &plan, "rs:").await;
    let stdout = run_python(python, &server, "read", &plan.to_json("rs:")).await;
    let result: Value = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .map(|j| serde_json::from_str(j).expect("the helper's JSON"))
        .expect("a RESULT line");
    let mut checked = 0;
    let mut failures = Vec::new();
    for row in &plan.rows {
        let read = &result[format!("rs:{}", row.vector_id)];
        let got = match read {
            Value::String(s) if s == "<missing row>" => {
                failures.push(format!("{}: the Python driver found no row", row.vector_id));
                continue;
            }
            v => vectors::to_cql(&row.typ, v),
        };
        if vectors::read_matches(row, got.as_ref()) {
            checked += 1;
        } else {
            failures.push(format!(
                "{} ({}): this driver wrote {}, Python read {read}",
                row.vector_id, row.cql_type, row.json
            ));
        }
    }
    finish(
        "this_driver_writes_python_driver_reads",
        &plan,
        checked,
        &failures,
    );
    session.close().await;
    server.stop().await;
}
