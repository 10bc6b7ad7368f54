//! WebSocket-tunnelled transport for `cql-core`, and `cql-bridge`, the server at the other
//! end of the tunnel.
//!
//! ```text
//!   driver ──Transport──▶ WebSocket (binary messages) ──▶ cql-bridge ──TCP/TLS──▶ node
//! ```
//!
//! * [`protocol`] (every target): the tunnel protocol — URL and `target` parameter, bearer
//!   tokens in the upgrade request, close codes.
//! * [`address_map`] (every target): [`BridgeAddressMap`], which maps every node address
//!   the session opens — contact points and the nodes it discovers in `system.peers` — to
//!   a tunnel URL (which bridge, which target); its documentation tells how it fits with
//!   the session's address translator.
//! * `WebSocketTransport` (native): a [`Transport`](cql_core::runtime::Transport) over
//!   tokio-tungstenite, with rustls for `wss`.
//! * `bridge` (native): the bridge as a library; the `cql-bridge` binary wraps it.
//! * `wasm` (`target_arch = "wasm32"`): `WebSocketTransport` over the host's WebSocket
//!   (browsers, Node.js 22+ or 20 with `--experimental-websocket`, workerd) and
//!   `WasmRuntime` (spawn_local, setTimeout, performance.now, Date.now).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod address_map;
pub mod protocol;

pub use protocol::{BridgeAddressMap, CloseReason};

#[cfg(not(target_arch = "wasm32"))]
mod client;
#[cfg(not(target_arch = "wasm32"))]
pub use client::{TokenPlacement, WebSocketTransport};
#[cfg(not(target_arch = "wasm32"))]
pub mod bridge;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
#[cfg(target_arch = "wasm32")]
pub use wasm::{WasmRuntime, WebSocketTransport};
