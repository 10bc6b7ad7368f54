//! Interop: the real Python `cassandra-driver` (PyPI) and `cqlsh` against cql-sim.
//!
//! The scenarios live in `tests/interop/python_driver_suite.py`; each prints `PASS name`,
//! `FAIL name: ...` or `SKIP name`, and these tests run it against a node started here
//! (plain, with TLS, with authentication) and fail when any scenario fails.
//!
//! The Python interpreter comes from `$CQL_PYTHON`, else `.ci-venv/bin/python` at the
//! repository root (the test command creates that venv). Without either, the tests say so
//! and pass, unless `$CQL_REQUIRE_INTEROP` is set (as the test command sets it), in which
//! case a missing interpreter is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle, TlsConfig};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The venv's interpreter, or `None` (with a note) when interop cannot run here.
fn python() -> Option<PathBuf> {
    let candidate = std::env::var_os("CQL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".ci-venv/bin/python"));
    if candidate.exists() {
        return Some(candidate);
    }
    assert!(
        std::env::var_os("CQL_REQUIRE_INTEROP").is_none(),
        "no Python interpreter at {} (the test command creates .ci-venv)",
        candidate.display()
    );
    eprintln!(
        "interop skipped: no Python venv at {} (run `bash .ci/test` once, or set CQL_PYTHON)",
        candidate.display()
    );
    None
}

/// Runs the scenario suite (optionally only some scenarios) and asserts none failed.
async fn run_suite(server: &SimServerHandle, extra: Vec<String>, label: &str) {
    let Some(python) = python() else { return };
    let port = server.local_addr().port().to_string();
    let script = repo_root().join("tests/interop/python_driver_suite.py");
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .args(["--host", "127.0.0.1", "--port", &port])
            .args(extra)
            .output()
    })
    .await
    .expect("the suite's thread")
    .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("--- python driver suite ({label}) ---\n{stdout}");
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL ")).collect();
    let summary = stdout.lines().rev().find(|l| l.starts_with("summary:"));
    assert!(
        summary.is_some(),
        "{label}: the suite did not finish\nstderr:\n{stderr}"
    );
    assert!(
        failures.is_empty() && output.status.success(),
        "{label}: {} scenario(s) failed: {failures:#?}\nstderr tail:\n{}",
        failures.len(),
        stderr.lines().rev().take(30).collect::<Vec<_>>().join("\n")
    );
}

fn only(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .flat_map(|n| ["--only".to_string(), (*n).to_string()])
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_scenarios() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    run_suite(&server, Vec::new(), "plain").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_over_tls() {
    let server = SimServer::start(SimServerConfig::default().with_tls(TlsConfig::Generated))
        .await
        .unwrap();
    let ca = std::env::temp_dir().join(format!("cql-sim-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, &server.tls().expect("tls is on").ca_pem).unwrap();
    let mut args = only(&["tls_connection", "connect_protocol_v5", "lz4_compression"]);
    args.extend(["--tls-ca".to_string(), ca.display().to_string()]);
    run_suite(&server, args, "tls").await;
    let _ = std::fs::remove_file(&ca);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_with_authentication() {
    let server = SimServer::start(SimServerConfig::default().with_user("cassandra", "s3cret"))
        .await
        .unwrap();
    let mut args = only(&[
        "credentials_checked",
        "connect_protocol_v4",
        "connect_protocol_v5",
    ]);
    args.extend(
        ["--user", "cassandra", "--password", "s3cret"]
            .iter()
            .map(|s| (*s).to_string()),
    );
    run_suite(&server, args, "auth").await;
    server.stop().await;
}

/// cqlsh's binary: `$CQLSH`, else the venv's.
fn cqlsh() -> Option<PathBuf> {
    let python = python()?;
    Some(
        std::env::var_os("CQLSH")
            .map(PathBuf::from)
            .unwrap_or_else(|| python.with_file_name("cqlsh")),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_cqlsh_script() {
    let Some(cqlsh) = cqlsh() else { return };
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let port = server.local_addr().port().to_string();
    let script = repo_root().join("tests/interop/cqlsh_script.cql");
    let output = tokio::task::spawn_blocking(move || {
        Command::new(cqlsh)
            .args(["127.0.0.1", &port, "--no-color", "-f"])
            .arg(script)
            .env("TZ", "UTC")
            .output()
    })
    .await
    .expect("cqlsh's thread")
    .expect("cqlsh runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("--- cqlsh ---\n{stdout}{stderr}");
    let expected =
        std::fs::read_to_string(repo_root().join("tests/interop/cqlsh_script.expected")).unwrap();
    assert!(stderr.trim().is_empty(), "cqlsh reported errors:\n{stderr}");
    assert_eq!(stdout.trim_end(), expected.trim_end(), "cqlsh output");
    println!("PASS cqlsh_script");
    server.stop().await;
}
