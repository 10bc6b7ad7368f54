//! Interop: the real Python `cassandra-driver` (PyPI) and `cqlsh` against cql-sim.
//!
//! The scenarios live in `tests/interop/python_driver_suite.py`; each prints `PASS name`,
//! `FAIL name: ...` or `SKIP name`, and these tests run it against a node started here
//! (plain, with TLS, with authentication) and fail when any scenario fails.
//!
//! `tests/interop/mapper_forms.py` (the object mapper's statement forms) and
//! `tests/interop/cqlengine_smoke.py` (cqlengine's schema sync and queries) run the same
//! way against a plain node; `tests/interop/graph_python.py` (DSE Graph) against a node
//! in DSE mode with the graph primes of `tests/interop/graph_primes.json`.
//!
//! The cluster scenarios (`tests/interop/python_driver_cluster.py`) run against a 3-node
//! and a 2-datacenter [`SimCluster`]: the script asks this harness to stop, start and
//! restart nodes, for the sim's replicas of a partition and for the nodes' request
//! records (see the script's docstring).
//!
//! The Python interpreter comes from `$CQL_PYTHON`, else `.ci-venv/bin/python` at the
//! repository root (the test command creates that venv). Without either, the tests say so
//! and pass, unless `$CQL_REQUIRE_INTEROP` is set (as the test command sets it), in which
//! case a missing interpreter is a failure.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use cql_testkit::interop::python;
use cql_testkit::sim::cluster::{SimCluster, SimClusterConfig};
use cql_testkit::sim::server::{ServerCertificate, SimServer, SimServerConfig, SimServerHandle};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Runs the scenario suite (optionally only some scenarios) and asserts none failed.
async fn run_suite(server: &SimServerHandle, extra: Vec<String>, label: &str) {
    run_script(server, "python_driver_suite.py", extra, label).await;
}

/// Runs a scenario script of `tests/interop/` (`--host`, `--port`, then `extra`; `PASS`,
/// `FAIL` and `summary:` lines) and asserts none of its scenarios failed.
async fn run_script(server: &SimServerHandle, name: &str, extra: Vec<String>, label: &str) {
    let Some(python) = python("interop") else {
        return;
    };
    let port = server.local_addr().port().to_string();
    let script = cql_testkit::interop::repo_root()
        .join("tests/interop")
        .join(name);
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
    println!("--- {name} ({label}) ---\n{stdout}");
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

/// The statement forms the object mapper sends (`tests/interop/mapper_forms.py`),
/// prepared through the Python driver, with Cassandra 4.1's answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_mapper_forms() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    run_script(&server, "mapper_forms.py", Vec::new(), "mapper forms").await;
    server.stop().await;
}

/// cqlengine, the Python driver's object mapper (`tests/interop/cqlengine_smoke.py`):
/// keyspace and table sync read back from `system_schema`, then its queries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_cqlengine() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    run_script(&server, "cqlengine_smoke.py", Vec::new(), "cqlengine").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_over_tls() {
    let server =
        SimServer::start(SimServerConfig::default().with_tls(ServerCertificate::Generated))
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
async fn python_driver_with_authorizer() {
    let server = SimServer::start(SimServerConfig::default().with_authorizer())
        .await
        .unwrap();
    let mut args = only(&["roles_and_permissions", "connect_protocol_v4"]);
    args.extend(
        ["--user", "cassandra", "--password", "cassandra"]
            .iter()
            .map(|s| (*s).to_string()),
    );
    run_suite(&server, args, "authorizer").await;
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

/// DSE Graph (`tests/interop/graph_python.py`): the driver sees a DSE 6.8 node, reads
/// `graph_engine` from its DSE schema parser, decodes primed `gremlin-groovy` results in
/// GraphSON 1.0/2.0/3.0 and runs bytecode on the in-memory graph; its Insights reporter
/// reports to the node.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_dse_graph() {
    let mut primes = cql_testkit::sim::server::Primes::new();
    primes
        .load_graph_file(&cql_testkit::interop::script("graph_primes.json"))
        .unwrap();
    let server = SimServer::start(SimServerConfig::default().with_dse().with_primes(primes))
        .await
        .unwrap();
    if python("interop").is_some() {
        run_script(&server, "graph_python.py", Vec::new(), "dse graph").await;
        // The driver's Insights reporter sends its startup report when the session opens.
        let reports = server.node().insights().reports_json();
        assert!(
            reports
                .iter()
                .any(|r| r["metadata"]["name"] == "driver.startup"),
            "no driver.startup Insights report: {reports:?}"
        );
    }
    server.stop().await;
}

/// cqlsh's binary: `$CQLSH`, else the venv's.
fn cqlsh() -> Option<PathBuf> {
    let python = python("interop")?;
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
    let script = cql_testkit::interop::repo_root().join("tests/interop/cqlsh_script.cql");
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
    let expected = std::fs::read_to_string(
        cql_testkit::interop::repo_root().join("tests/interop/cqlsh_script.expected"),
    )
    .unwrap();
    assert!(stderr.trim().is_empty(), "cqlsh reported errors:\n{stderr}");
    assert_eq!(stdout.trim_end(), expected.trim_end(), "cqlsh output");
    println!("PASS cqlsh_script");
    server.stop().await;
}

fn done(result: std::io::Result<()>) -> Result<String, String> {
    result.map(|()| String::new()).map_err(|e| e.to_string())
}

/// Answers one command of the cluster script (`OK ...` or `ERR ...`).
async fn answer(cluster: &mut SimCluster, command: &str) -> String {
    let words: Vec<&str> = command.split_whitespace().collect();
    let index = |i: usize| -> Result<usize, String> {
        words
            .get(i)
            .and_then(|w| w.parse().ok())
            .ok_or_else(|| format!("a node index is missing in {command:?}"))
    };
    let result: Result<String, String> = async {
        match words.first().copied() {
            Some("NODES") => Ok(cluster
                .nodes()
                .iter()
                .map(|n| format!("{}/{}/{}", n.address(), n.datacenter(), n.rack()))
                .collect::<Vec<_>>()
                .join(" ")),
            Some("STOP") => done(cluster.stop_node(index(1)?).await),
            Some("START") => done(cluster.start_node(index(1)?).await),
            Some("RESTART") => done(cluster.restart_node(index(1)?).await),
            Some("EXECUTES") => Ok(cluster
                .nodes()
                .iter()
                .map(|n| {
                    let execute = cql_core::frame::Opcode::Execute;
                    n.request_log().with_opcode(execute).len().to_string()
                })
                .collect::<Vec<_>>()
                .join(",")),
            Some("PREPARED") => {
                let node = cluster.node(index(1)?).ok_or("no such node".to_string())?;
                Ok(node.node().prepared_ids().len().to_string())
            }
            Some("REPLICAS") => {
                let (Some(ks), Some(hex)) = (words.get(1), words.get(2)) else {
                    return Err(format!("REPLICAS wants a keyspace and a key: {command:?}"));
                };
                let key: Vec<u8> = (0..hex.len() / 2)
                    .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16))
                    .collect::<Result<_, _>>()
                    .map_err(|e| e.to_string())?;
                Ok(cluster
                    .replicas(ks, &key)
                    .iter()
                    .filter_map(|i| cluster.node(*i).map(|n| n.address().to_string()))
                    .collect::<Vec<_>>()
                    .join(","))
            }
            _ => Err(format!("unknown command {command:?}")),
        }
    }
    .await;
    match result {
        Ok(text) => format!("OK {text}"),
        Err(e) => format!("ERR {e}"),
    }
}

/// Runs the cluster scenarios against `cluster` (layout `three` or `twodc`), answering
/// the script's commands, and asserts none failed.
async fn run_cluster_suite(mut cluster: SimCluster, layout: &str) {
    let Some(python) = python("interop") else {
        cluster.stop().await;
        return;
    };
    let port = cluster.node(0).unwrap().address().port().to_string();
    let script = cql_testkit::interop::repo_root().join("tests/interop/python_driver_cluster.py");
    let mut child = tokio::process::Command::new(python)
        .arg(script)
        .args(["--host", "127.0.0.1", "--port", &port, "--layout", layout])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python runs");
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = child.stderr.take().unwrap();
    let stderr = tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text).await;
        text
    });
    let mut output = Vec::new();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(300), lines.next_line())
            .await
            .expect("the cluster suite kept talking")
            .expect("its output");
        let Some(line) = line else { break };
        if let Some(command) = line.strip_prefix("CMD ") {
            let reply = answer(&mut cluster, command).await;
            if !command.starts_with("REPLICAS") && command != "EXECUTES" {
                println!("  {command} -> {reply}");
            }
            stdin
                .write_all(format!("{reply}\n").as_bytes())
                .await
                .unwrap();
            stdin.flush().await.unwrap();
        } else {
            println!("{line}");
            output.push(line);
        }
    }
    let status = child.wait().await.unwrap();
    let stderr = stderr.await.unwrap();
    cluster.stop().await;
    let failures: Vec<&String> = output.iter().filter(|l| l.starts_with("FAIL ")).collect();
    assert!(
        output.iter().any(|l| l.starts_with("summary:")),
        "{layout}: the suite did not finish\nstderr:\n{stderr}"
    );
    assert!(
        failures.is_empty() && status.success(),
        "{layout}: {} scenario(s) failed: {failures:#?}\nstderr tail:\n{}",
        failures.len(),
        stderr.lines().rev().take(40).collect::<Vec<_>>().join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_cluster_three_nodes() {
    let cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    run_cluster_suite(cluster, "three").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_cluster_two_datacenters() {
    let cluster =
        SimCluster::start(SimClusterConfig::datacenters(&[("dc1", 3), ("dc2", 2)]).with_racks(2))
            .await
            .unwrap();
    run_cluster_suite(cluster, "twodc").await;
}
