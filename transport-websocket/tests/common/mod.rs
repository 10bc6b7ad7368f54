//! Shared set-up: a simulated node, a bridge in front of it, sessions through the bridge,
//! and a raw WebSocket client to read close codes.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use cql_core::runtime::NodeAddr;
use cql_core::session::Session;
use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::SessionBuilder;
use cql_transport_websocket::BridgeAddressMap;
use cql_transport_websocket::WebSocketTransport;
use cql_transport_websocket::bridge::{
    Bridge, BridgeConfig, BridgeHandle, Secret, StaticToken, TargetAllowList, TargetRule,
};
use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};

pub const TOKEN: &str = "static-token-for-tests-0123456789";
pub const SECRET: &[u8] = b"signing-secret-for-tests";

/// A bridge configuration for `targets` on 127.0.0.1, with [`TOKEN`] (subject `tests`)
/// and [`SECRET`].
pub fn config(targets: &[SocketAddr]) -> BridgeConfig {
    let rules = targets
        .iter()
        .map(|a| TargetRule::Exact {
            host: a.ip().to_string(),
            port: a.port(),
        })
        .collect();
    let mut config = BridgeConfig::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        TargetAllowList::new(rules),
    );
    config.auth.tokens.push(StaticToken {
        subject: "tests".into(),
        token: Secret::new(TOKEN),
    });
    config.auth.secret = Some(Secret::new(SECRET));
    config
}

pub async fn sim() -> SimServerHandle {
    SimServer::start(SimServerConfig::default()).await.unwrap()
}

pub async fn bridge(config: BridgeConfig) -> BridgeHandle {
    Bridge::start(config).await.unwrap()
}

pub fn transport(bridge: &BridgeHandle) -> WebSocketTransport {
    WebSocketTransport::new(BridgeAddressMap::new(bridge.url()).unwrap()).with_token(TOKEN)
}

pub async fn session(
    node: SocketAddr,
    transport: WebSocketTransport,
    builder: SessionBuilder,
) -> Session {
    builder
        .contact_point(NodeAddr::from(node))
        .connect_timeout(Duration::from_secs(5))
        .transport(transport)
        .connect()
        .await
        .unwrap()
}

/// Opens a raw WebSocket to `bridge` asking for `target` with `headers`, sends `send`
/// (binary messages) and returns the close code and reason the bridge ends with (or
/// `None` if the stream ends without a close frame).
pub async fn close_of(
    bridge: &BridgeHandle,
    path_and_query: &str,
    headers: &[(&str, &str)],
    send: Vec<Vec<u8>>,
) -> Option<(u16, String)> {
    let url = format!("ws://{}{path_and_query}", bridge.local_addr());
    let mut request = url.as_str().into_client_request().unwrap();
    for (k, v) in headers {
        request.headers_mut().insert(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    let tcp = TcpStream::connect(bridge.local_addr()).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(request, tcp).await.unwrap();
    for m in send {
        if ws.send(Message::Binary(m.into())).await.is_err() {
            break;
        }
    }
    let deadline = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(m) = ws.next().await {
            match m {
                Ok(Message::Close(Some(f))) => {
                    return Some((u16::from(f.code), f.reason.to_string()));
                }
                Ok(Message::Close(None)) => return None,
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    });
    deadline.await.unwrap()
}

pub fn target_query(addr: SocketAddr) -> String {
    format!("/cql?target={addr}")
}

pub fn bearer() -> (&'static str, String) {
    ("authorization", format!("Bearer {TOKEN}"))
}
