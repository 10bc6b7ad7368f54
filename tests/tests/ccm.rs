//! `cql-ccm`, the ccm-compatible command, end to end: create, start, status, pause and
//! resume, stop and start a node, add and decommission one, updateconf, showlog, stop and
//! remove — each through the real binaries (`cql-ccm` driving `cql-sim` over its control
//! port), with ccm's layout on 127.0.42.x:9042 and its single tokens.

use std::path::PathBuf;
use std::process::Command;

use cql_core::frame::{Compression, ProtocolVersion};
use cql_core::message::{Response, ResultMessage};
use cql_core::types::CqlValue;
use cql_testkit::raw::RawClient;

const PREFIX: &str = "127.0.42.";

/// A ccm configuration directory of its own; removes its cluster (stopping it) on drop.
struct Ccm {
    dir: PathBuf,
}

impl Ccm {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("cql-ccm-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    /// Runs `ccm args...`; returns stdout, failing the test on a non-zero exit.
    fn run(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.try_run(args);
        assert!(ok, "ccm {args:?} failed: {err}\n{out}");
        out
    }

    fn try_run(&self, args: &[&str]) -> (bool, String, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_cql-ccm"))
            .args(args)
            .env("CCM_CONFIG_DIR", &self.dir)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

impl Drop for Ccm {
    fn drop(&mut self) {
        let _ = self.try_run(&["remove"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn status_of(ccm: &Ccm, node: &str) -> String {
    let out = ccm.run(&["status"]);
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{node}: ")))
        .unwrap_or_else(|| panic!("{node} not in status:\n{out}"))
        .to_string()
}

async fn peer_tokens(addr: &str) -> Vec<String> {
    let mut c = RawClient::connect(addr.parse().unwrap(), ProtocolVersion::V4)
        .await
        .unwrap();
    c.handshake(Compression::None, None).await.unwrap();
    let Response::Result(ResultMessage::Rows(rows)) =
        c.query("SELECT tokens FROM system.local").await.unwrap()
    else {
        panic!("no rows");
    };
    let spec = rows.metadata.columns.clone().unwrap();
    let row = rows.rows().next().unwrap();
    let cell = row.into_iter().next().unwrap();
    match CqlValue::deserialize(&spec[0].typ, cell).unwrap() {
        Some(CqlValue::Set(items)) => items
            .into_iter()
            .map(|v| match v {
                CqlValue::Text(t) => t,
                other => format!("{other:?}"),
            })
            .collect(),
        other => panic!("tokens: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ccm_commands_drive_a_simulated_cluster() {
    let ccm = Ccm::new();
    ccm.run(&[
        "create", "drivers", "-v", "4.1.3", "-n", "3", "-i", PREFIX, "-b",
    ]);
    assert!(ccm.run(&["list"]).contains(" *drivers"));
    ccm.run(&["start", "--wait-for-binary-proto", "--wait-other-notice"]);
    for node in ["node1", "node2", "node3"] {
        assert_eq!(status_of(&ccm, node), "UP");
    }
    // ccm's tokens: node1 at the ring's minimum, then every third.
    assert_eq!(
        peer_tokens(&format!("{PREFIX}1:9042")).await,
        ["-9223372036854775808"]
    );
    assert_eq!(
        peer_tokens(&format!("{PREFIX}2:9042")).await,
        ["-3074457345618258603"]
    );

    ccm.run(&["node2", "pause"]);
    assert_eq!(status_of(&ccm, "node2"), "UP (paused)");
    ccm.run(&["node2", "resume"]);
    assert_eq!(status_of(&ccm, "node2"), "UP");

    ccm.run(&["node3", "stop"]);
    assert_eq!(status_of(&ccm, "node3"), "DOWN");
    assert_eq!(ccm.run(&["liveset"]).trim(), format!("{PREFIX}1,{PREFIX}2"));
    ccm.run(&["node3", "start", "--wait-for-binary-proto"]);
    assert_eq!(status_of(&ccm, "node3"), "UP");

    ccm.run(&[
        "add",
        "node4",
        "-i",
        &format!("{PREFIX}4"),
        "-j",
        "7400",
        "-b",
        "-s",
    ]);
    assert_eq!(status_of(&ccm, "node4"), "UP");
    peer_tokens(&format!("{PREFIX}4:9042")).await;
    ccm.run(&["node4", "decommission"]);
    assert_eq!(status_of(&ccm, "node4"), "DECOMMISSIONED");

    ccm.run(&["node1", "nodetool", "flush"]);
    assert!(ccm.run(&["node1", "nodetool", "status"]).contains("node1"));
    ccm.run(&["updateconf", "authenticator: PasswordAuthenticator"]);
    assert!(ccm.run(&["show"]).contains("PasswordAuthenticator"));
    assert!(ccm.run(&["showlog"]).contains("cql-sim cluster ready"));
    let (ok, _, err) = ccm.try_run(&["node9", "frobnicate"]);
    assert!(!ok && err.contains("unknown node command"), "{err}");

    ccm.run(&["stop"]);
    assert_eq!(status_of(&ccm, "node1"), "DOWN (Not initialized)");
    assert!(
        RawClient::connect(
            format!("{PREFIX}1:9042").parse().unwrap(),
            ProtocolVersion::V4
        )
        .await
        .is_err()
    );
    ccm.run(&["remove"]);
    assert!(!ccm.dir.join("drivers").exists());
}
