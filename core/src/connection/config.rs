//! How a connection is opened ([`ConnectionConfig`]) and how one request is sent
//! ([`RequestOptions`]).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use super::auth::Authenticator;
use crate::frame::{Compression, ProtocolVersion};
use crate::message::{CustomPayload, EventType};
use crate::runtime::Instant;

/// How a connection is opened.
#[derive(Clone)]
pub struct ConnectionConfig {
    /// A fixed protocol version, or `None` to start at v5 and step down to the highest
    /// version the node names when it refuses.
    pub protocol_version: Option<ProtocolVersion>,
    /// Body (v4) or segment (v5) compression to ask for.
    pub compression: Compression,
    /// Credentials, when the node requires authentication.
    pub authenticator: Option<Arc<dyn Authenticator>>,
    /// Sent in STARTUP: `DRIVER_NAME`, `DRIVER_VERSION`, optional `APPLICATION_NAME`,
    /// `APPLICATION_VERSION` and `CLIENT_ID`.
    pub startup_options: Vec<(String, String)>,
    /// `USE` this keyspace right after the handshake.
    pub keyspace: Option<String>,
    /// Events to REGISTER for (delivered through [`Connection::events`](super::Connection::events)).
    pub events: Vec<EventType>,
    /// Limit for opening the stream and the handshake.
    pub connect_timeout: Duration,
    /// Send OPTIONS after this much idle time; a connection whose heartbeat is not
    /// answered within `connect_timeout` is closed.
    pub heartbeat_interval: Option<Duration>,
    /// Largest frame body accepted.
    pub max_frame_len: usize,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        Self {
            protocol_version: None,
            compression: Compression::None,
            authenticator: None,
            startup_options: Vec::new(),
            keyspace: None,
            events: Vec::new(),
            connect_timeout: Duration::from_secs(5),
            heartbeat_interval: Some(Duration::from_secs(30)),
            max_frame_len: crate::frame::DEFAULT_MAX_BODY_LEN,
        }
    }
}

impl fmt::Debug for ConnectionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionConfig")
            .field("protocol_version", &self.protocol_version)
            .field("compression", &self.compression)
            .field("authenticator", &self.authenticator.is_some())
            .field("keyspace", &self.keyspace)
            .field("connect_timeout", &self.connect_timeout)
            .field("heartbeat_interval", &self.heartbeat_interval)
            .finish_non_exhaustive()
    }
}

/// Per-request options.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// Client-side timeout; `None` waits for ever.
    pub timeout: Option<Duration>,
    /// Ask the node to trace the request.
    pub tracing: bool,
    /// Custom payload (v4+).
    pub custom_payload: CustomPayload,
    /// When the request started, if the caller has just read the runtime's clock (the
    /// timeout then counts from it, and `send` does not read the clock again); `None`:
    /// from when `send` is called.
    pub started: Option<Instant>,
}
