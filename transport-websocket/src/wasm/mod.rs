//! The wasm side: [`WebSocketTransport`] over the host's `WebSocket` and [`WasmRuntime`].
//!
//! ```text
//!   mod.rs      WebSocketTransport: node address → tunnel URL (+ bearer subprotocols)
//!   socket.rs   one WebSocket as a byte stream (reads across message boundaries)
//!   runtime.rs  WasmRuntime: spawn_local, setTimeout sleeps, performance.now, Date.now
//! ```
//!
//! Works wherever a global `WebSocket` exists: browsers (window and workers), Node.js 22+
//! (Node.js 20 with `--experimental-websocket`), Deno and workerd. A bearer token travels
//! as the `cql.bearer.<token>` subprotocol (browsers cannot set headers on a WebSocket).

mod runtime;
mod socket;

use cql_core::runtime::{BoxFuture, NodeAddr, Stream, Transport, TransportError};

pub use runtime::{Sleep, WasmRuntime};
pub use socket::set_websocket_implementation;

use crate::protocol::{BridgeAddressMap, ProtocolError, bearer_subprotocols};

/// A [`Transport`] that reaches each node through a `cql-bridge` WebSocket tunnel, using
/// the host's `WebSocket`.
///
/// ```ignore
/// let transport = WebSocketTransport::new("wss://bridge.example.com/cql")?.with_token("s3cret");
/// let session = SessionBuilder::new()
///     .contact_point("10.0.0.5:9042")
///     .transport(transport).runtime(WasmRuntime::new()).connect()
///     .await?;
/// ```
#[derive(Debug, Clone)]
pub struct WebSocketTransport {
    map: BridgeAddressMap,
    protocols: Vec<String>,
}

impl WebSocketTransport {
    /// Every node through the bridge at `bridge_url` (`ws://` or `wss://`, with the
    /// bridge's path, e.g. `wss://bridge.example.com/cql`).
    ///
    /// # Errors
    /// A URL that is not `ws://` or `wss://`.
    pub fn new(bridge_url: &str) -> Result<Self, ProtocolError> {
        Ok(Self::with_address_map(BridgeAddressMap::new(bridge_url)?))
    }

    /// Nodes reached as `map` says (several bridges, translated targets).
    pub fn with_address_map(map: BridgeAddressMap) -> Self {
        Self {
            map,
            protocols: Vec::new(),
        }
    }

    /// Authenticates to the bridge with a bearer `token` (a static token or a signed one
    /// from `cql-bridge token`).
    ///
    /// # Errors
    /// A token with characters a `Sec-WebSocket-Protocol` value cannot hold.
    pub fn with_token(mut self, token: &str) -> Result<Self, ProtocolError> {
        self.protocols = bearer_subprotocols(token)?.to_vec();
        Ok(self)
    }

    /// The address map in use.
    pub fn address_map(&self) -> &BridgeAddressMap {
        &self.map
    }
}

impl Transport for WebSocketTransport {
    fn connect<'a>(&'a self, addr: &'a NodeAddr) -> BoxFuture<'a, Result<Stream, TransportError>> {
        Box::pin(async move {
            let url = self.map.url_for(addr);
            let socket = socket::Socket::open(&url, &self.protocols).await?;
            Ok(Stream {
                reader: Box::new(socket::Reader(std::rc::Rc::clone(&socket))),
                writer: Box::new(socket::Writer(socket)),
            })
        })
    }
}
