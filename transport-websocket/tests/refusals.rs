//! Every refusal and ending of the bridge, each with its documented close code; and the
//! bridge surviving garbage.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use cql_core::runtime::{NodeAddr, TransportErrorKind};
use cql_transport_tcp::SessionBuilder;
use cql_transport_websocket::CloseReason;
use cql_transport_websocket::bridge::mint_token;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn code(r: Option<(u16, String)>) -> u16 {
    r.expect("a close frame").0
}

#[tokio::test]
async fn policy_refusals_have_their_close_codes() {
    let sim = sim().await;
    let mut config = config(&[sim.local_addr()]);
    config.allowed_origins = vec!["https://app.example".into()];
    let bridge = bridge(config).await;
    let ok = target_query(sim.local_addr());
    let auth = bearer();
    let auth = [(auth.0, auth.1.as_str())];

    // Outside the allow-list (another port, another host).
    let elsewhere = target_query(SocketAddr::from((
        [127, 0, 0, 1],
        sim.local_addr().port() + 1,
    )));
    let r = close_of(&bridge, &elsewhere, &auth, vec![]).await.unwrap();
    assert_eq!(r.0, CloseReason::TargetNotAllowed.code());
    assert!(r.1.contains("allow-list"), "{}", r.1);
    assert_eq!(
        code(close_of(&bridge, "/cql?target=example.com:9042", &auth, vec![]).await),
        4404
    );
    // Bad requests.
    assert_eq!(code(close_of(&bridge, "/cql", &auth, vec![]).await), 4400);
    assert_eq!(
        code(close_of(&bridge, "/cql?target=nohost", &auth, vec![]).await),
        4400
    );
    assert_eq!(
        code(close_of(&bridge, &ok.replace("/cql", "/other"), &auth, vec![]).await),
        4400
    );
    // Tokens: missing, wrong, forged, expired.
    let r = close_of(&bridge, &ok, &[], vec![]).await.unwrap();
    assert_eq!(r.0, 4401);
    assert!(r.1.contains("no token"), "{}", r.1);
    assert_eq!(
        code(close_of(&bridge, &ok, &[("authorization", "Bearer nope")], vec![]).await),
        4401
    );
    let forged = mint_token(b"another-secret-entirely", "tests", now() + 60).unwrap();
    let forged = format!("Bearer {forged}");
    assert_eq!(
        code(close_of(&bridge, &ok, &[("authorization", &forged)], vec![]).await),
        4401
    );
    let expired = format!("Bearer {}", mint_token(SECRET, "tests", now() - 1).unwrap());
    assert_eq!(
        code(close_of(&bridge, &ok, &[("authorization", &expired)], vec![]).await),
        4402
    );
    let proto = format!(
        "cql.bearer.{}, cql.v1",
        mint_token(SECRET, "web", now() - 5).unwrap()
    );
    assert_eq!(
        code(close_of(&bridge, &ok, &[("sec-websocket-protocol", &proto)], vec![]).await),
        4402
    );
    // Origin.
    let bad_origin = [auth[0], ("origin", "https://evil.example")];
    assert_eq!(
        code(close_of(&bridge, &ok, &bad_origin, vec![]).await),
        4403
    );
    // An allowed origin goes through to the node (which answers OPTIONS, then we close).
    assert!(
        node_answers(&bridge, sim.local_addr(), "https://APP.example").await,
        "an allowed origin gets the node's SUPPORTED"
    );

    // The transport reports refusals as Refused errors naming the code.
    let err = SessionBuilder::new()
        .contact_point(NodeAddr::new("127.0.0.1", sim.local_addr().port() + 1))
        .transport(transport(&bridge))
        .connect()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("4404"), "{err}");
    bridge.stop().await;
    sim.stop().await;
}

/// Opens a tunnel to `node` through the transport with `origin`, sends an OPTIONS frame
/// and says whether the node answered.
async fn node_answers(
    bridge: &cql_transport_websocket::bridge::BridgeHandle,
    node: SocketAddr,
    origin: &str,
) -> bool {
    use cql_core::runtime::Transport;
    let t = transport(bridge).with_origin(origin);
    let mut stream = t.connect(&NodeAddr::from(node)).await.unwrap();
    stream
        .writer
        .write_all(&[0x04, 0, 0, 1, 0x05, 0, 0, 0, 0])
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let n = stream.reader.read(&mut buf).await.unwrap();
    stream.writer.close().await;
    n > 0
}

#[tokio::test]
async fn per_client_and_total_limits() {
    let sim = sim().await;
    let mut config = config(&[sim.local_addr()]);
    config.limits.max_connections_per_client = 2;
    config.limits.max_connections = 3;
    config.auth.allow_anonymous = true;
    let bridge = bridge(config).await;
    let t = transport(&bridge);
    use cql_core::runtime::Transport;
    let node = NodeAddr::from(sim.local_addr());
    let a = t.connect(&node).await.unwrap();
    let b = t.connect(&node).await.unwrap();
    // The third tunnel of subject `tests` is refused on first read.
    let mut c = t.connect(&node).await.unwrap();
    let err = c.reader.read(&mut [0u8; 8]).await.unwrap_err();
    assert_eq!(err.kind, TransportErrorKind::Refused);
    assert!(err.message.contains("4429"), "{}", err.message);
    // Another client (anonymous: keyed by IP) still gets in, up to the total of 3.
    let anon = cql_transport_websocket::WebSocketTransport::new(
        cql_transport_websocket::BridgeAddressMap::new(bridge.url()).unwrap(),
    );
    let d = anon.connect(&node).await.unwrap();
    let mut e = anon.connect(&node).await.unwrap();
    let err = e.reader.read(&mut [0u8; 8]).await.unwrap_err();
    assert!(err.message.contains("4503"), "{}", err.message);
    drop((a, b, d));
    // Slots come back.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut f = t.connect(&node).await.unwrap();
    f.writer
        .write_all(&[0x04, 0, 0, 1, 0x05, 0, 0, 0, 0])
        .await
        .unwrap();
    assert!(f.reader.read(&mut [0u8; 8]).await.unwrap() > 0);
    bridge.stop().await;
    sim.stop().await;
}

#[tokio::test]
async fn oversized_text_idle_and_unreachable() {
    let sim = sim().await;
    // A port with nothing listening, but allowed.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let mut config = config(&[sim.local_addr(), closed]);
    config.limits.max_message_size = 1024;
    config.limits.idle_timeout = Duration::from_millis(300);
    let bridge = bridge(config).await;
    let ok = target_query(sim.local_addr());
    let auth = bearer();
    let auth = [(auth.0, auth.1.as_str())];
    assert_eq!(
        code(close_of(&bridge, &ok, &auth, vec![vec![0u8; 4096]]).await),
        1009
    );
    // Idle: nothing sent for 300 ms.
    let started = std::time::Instant::now();
    assert_eq!(code(close_of(&bridge, &ok, &auth, vec![]).await), 4408);
    assert!(started.elapsed() >= Duration::from_millis(250));
    // Text messages.
    let url = format!("ws://{}{ok}", bridge.local_addr());
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
            url.as_str(),
        )
        .unwrap();
    request
        .headers_mut()
        .insert("authorization", auth[0].1.parse().unwrap());
    let tcp = TcpStream::connect(bridge.local_addr()).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(request, tcp).await.unwrap();
    use futures::{SinkExt, StreamExt};
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        "hello".into(),
    ))
    .await
    .unwrap();
    let mut text_code = None;
    while let Some(Ok(m)) = ws.next().await {
        if let tokio_tungstenite::tungstenite::Message::Close(Some(f)) = m {
            text_code = Some(u16::from(f.code));
        }
    }
    assert_eq!(text_code, Some(1003));
    // Unreachable node.
    let r = close_of(&bridge, &target_query(closed), &auth, vec![])
        .await
        .unwrap();
    assert_eq!(r.0, 4502);
    assert!(r.1.contains("cannot reach the node"), "{}", r.1);
    bridge.stop().await;
    sim.stop().await;
}

#[tokio::test]
async fn the_bridge_survives_garbage() {
    let sim = sim().await;
    let bridge = bridge(config(&[sim.local_addr()])).await;
    // Not HTTP at all, truncated HTTP, HTTP without an upgrade.
    for junk in [
        &b"\x00\xff\x13garbage\r\n\r\n"[..],
        b"GET /cql HTTP/1.1\r\nHost: x\r\n",
        b"GET /cql?target=127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST / HTTP/1.0\r\nContent-Length: 99999999999\r\n\r\n",
    ] {
        let mut tcp = TcpStream::connect(bridge.local_addr()).await.unwrap();
        let _ = tcp.write_all(junk).await;
        let _ = tcp.shutdown().await;
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut sink)).await;
    }
    // Garbage through a working tunnel: the node answers or closes; the bridge goes on.
    let ok = target_query(sim.local_addr());
    let auth = bearer();
    let auth = [(auth.0, auth.1.as_str())];
    let garbage: Vec<Vec<u8>> = (0..20u32)
        .map(|i| (0..(i * 37 % 300)).map(|j| (j * 31 + i) as u8).collect())
        .collect();
    let _ = close_of(&bridge, &ok, &auth, garbage).await;
    // Still serving.
    let session = session(sim.local_addr(), transport(&bridge), SessionBuilder::new()).await;
    session
        .execute("SELECT release_version FROM system.local", ())
        .await
        .unwrap();
    session.close().await;
    bridge.stop().await;
    sim.stop().await;
}
