//! WebSocket-tunnelled transport for `cql-core` (web-sys in wasm, tokio-tungstenite
//! natively) and the `cql-bridge` server. Not built yet: see this crate's README.

pub use cql_core as core;
