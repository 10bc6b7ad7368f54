//! Reloading the bridge's configuration: new tunnels follow the new allow-list at once,
//! open tunnels keep theirs, and a reload that cannot apply leaves everything as it was —
//! through the library and through the binary's SIGHUP.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use cql_transport_tcp::SessionBuilder;
use cql_transport_websocket::CloseReason;
use cql_transport_websocket::bridge::{BridgeHandle, TargetAllowList};

/// The close code a tunnel to `target` ends with right away (`None`: it was admitted and
/// stayed open until the node-side handshake timed out, i.e. the target was allowed).
async fn refusal(bridge: &BridgeHandle, target: SocketAddr) -> u16 {
    let auth = bearer();
    close_of(
        bridge,
        &target_query(target),
        &[(auth.0, auth.1.as_str())],
        vec![],
    )
    .await
    .map_or(0, |(code, _)| code)
}

#[tokio::test]
async fn new_tunnels_follow_the_reloaded_allow_list() {
    let (a, b) = (sim().await, sim().await);
    let bridge = bridge(config(&[a.local_addr()])).await;
    let to_a = session(a.local_addr(), transport(&bridge), SessionBuilder::new()).await;
    assert_eq!(
        refusal(&bridge, b.local_addr()).await,
        CloseReason::TargetNotAllowed.code()
    );

    bridge.reload(config(&[b.local_addr()])).unwrap();
    let to_b = session(b.local_addr(), transport(&bridge), SessionBuilder::new()).await;
    to_b.execute("SELECT key FROM system.local", ())
        .await
        .unwrap();
    // The tunnel opened before the reload keeps running.
    to_a.execute("SELECT key FROM system.local", ())
        .await
        .unwrap();
    assert_eq!(
        refusal(&bridge, a.local_addr()).await,
        CloseReason::TargetNotAllowed.code()
    );

    // Refused reloads change nothing.
    let mut moved = config(&[a.local_addr()]);
    moved.listen = SocketAddr::from(([127, 0, 0, 2], 0));
    let e = bridge.reload(moved).unwrap_err();
    assert!(e.to_string().contains("listen address"), "{e}");
    let mut empty = config(&[]);
    empty.targets = TargetAllowList::new(Vec::new());
    let e = bridge.reload(empty).unwrap_err();
    assert!(e.to_string().contains("allow-list is empty"), "{e}");
    let mut wss = config(&[a.local_addr()]);
    wss.tls = Some(cql_transport_websocket::bridge::ServerTls::Generated);
    assert!(bridge.reload(wss).unwrap_err().to_string().contains("wss"));
    assert_eq!(
        refusal(&bridge, a.local_addr()).await,
        CloseReason::TargetNotAllowed.code()
    );
    let again = session(b.local_addr(), transport(&bridge), SessionBuilder::new()).await;
    again
        .execute("SELECT key FROM system.local", ())
        .await
        .unwrap();

    for s in [to_a, to_b, again] {
        s.close().await;
    }
    bridge.stop().await;
    a.stop().await;
    b.stop().await;
}

fn write_config(path: &std::path::Path, target: SocketAddr) {
    let toml = format!(
        "listen = \"127.0.0.1:0\"\ntargets = [\"{target}\"]\n\n[[auth.tokens]]\nsubject = \"tests\"\ntoken = \"{TOKEN}\"\n"
    );
    std::fs::write(path, toml).unwrap();
}

#[tokio::test]
async fn the_binary_reloads_its_file_on_sighup() {
    let (a, b) = (sim().await, sim().await);
    let dir = std::env::temp_dir().join(format!("cql-bridge-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bridge.toml");
    write_config(&file, a.local_addr());
    let mut child = Command::new(env!("CARGO_BIN_EXE_cql-bridge"))
        .arg("--config")
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    let addr: SocketAddr = url
        .trim_start_matches("ws://")
        .trim_end_matches("/cql")
        .parse()
        .unwrap();

    let tunnel_to = |target: SocketAddr| async move {
        let transport = cql_transport_websocket::WebSocketTransport::new(
            cql_transport_websocket::BridgeAddressMap::new(&format!("ws://{addr}/cql")).unwrap(),
        )
        .with_token(TOKEN);
        SessionBuilder::new()
            .contact_point(cql_core::runtime::NodeAddr::from(target))
            .connect_timeout(Duration::from_secs(2))
            .transport(transport)
            .connect()
            .await
    };
    tunnel_to(a.local_addr()).await.unwrap().close().await;
    assert!(tunnel_to(b.local_addr()).await.is_err());

    write_config(&file, b.local_addr());
    let status = Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut reached = false;
    for _ in 0..50 {
        if let Ok(s) = tunnel_to(b.local_addr()).await {
            s.close().await;
            reached = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reached, "the reloaded allow-list was not applied");
    assert!(tunnel_to(a.local_addr()).await.is_err());

    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    a.stop().await;
    b.stop().await;
}
