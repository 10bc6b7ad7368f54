//! [`Connection`]: the state machine run over a transport stream (to be built).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use super::auth::Authenticator;
use crate::frame::{Compression, ProtocolVersion};
use crate::message::{CustomPayload, ErrorResponse, Event, EventType, Request, ResponseFrame};
use crate::runtime::{NodeAddr, Runtime, Transport, TransportError};

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
    /// Events to REGISTER for (delivered through [`Connection::events`]).
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
}

/// Why a connection could not be opened or a request on it failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// Opening, reading or writing the byte stream failed.
    #[error("transport error: {0}")]
    Transport(#[from] TransportError),
    /// The node answered the handshake with an error (other than a version refusal).
    #[error("handshake refused by the node: {}", .0.message)]
    Handshake(ErrorResponse),
    /// Authentication failed or was required without credentials.
    #[error("authentication failed: {0}")]
    Authentication(String),
    /// No protocol version both sides speak.
    #[error("no common protocol version: {0}")]
    UnsupportedVersion(String),
    /// The node broke the protocol (undecodable frame, unexpected message).
    #[error("protocol violation: {0}")]
    Protocol(String),
    /// No answer within the client-side timeout.
    #[error("no response within {0:?}")]
    Timeout(Duration),
    /// The connection is closed (or closed while the request was in flight).
    #[error("connection closed: {0}")]
    Closed(String),
}

/// An open connection to one node (cheap to clone; clones share it).
pub struct Connection<R: Runtime> {
    runtime: R,
    addr: NodeAddr,
    version: ProtocolVersion,
}

impl<R: Runtime> Clone for Connection<R> {
    fn clone(&self) -> Self {
        Self {
            runtime: self.runtime.clone(),
            addr: self.addr.clone(),
            version: self.version,
        }
    }
}

impl<R: Runtime> fmt::Debug for Connection<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("addr", &self.addr)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl<R: Runtime> Connection<R> {
    /// Opens a connection: stream, OPTIONS, STARTUP, authentication, optional USE and
    /// REGISTER.
    ///
    /// # Errors
    /// [`ConnectionError`] for every way this can fail.
    pub async fn open<T: Transport + ?Sized>(
        transport: &T,
        runtime: R,
        addr: NodeAddr,
        config: ConnectionConfig,
    ) -> Result<Self, ConnectionError> {
        let _ = (transport, runtime, addr, config);
        Err(ConnectionError::Closed(String::from("not built yet")))
    }

    /// Sends a request and waits for its response.
    ///
    /// # Errors
    /// [`ConnectionError::Timeout`], [`ConnectionError::Closed`], transport errors. A
    /// server ERROR is a successful [`ResponseFrame`] whose response is an error.
    pub async fn send(
        &self,
        request: Request,
        options: RequestOptions,
    ) -> Result<ResponseFrame, ConnectionError> {
        let _ = (request, options);
        Err(ConnectionError::Closed(String::from("not built yet")))
    }

    /// The node's address.
    pub fn addr(&self) -> &NodeAddr {
        &self.addr
    }

    /// The negotiated protocol version.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.version
    }

    /// Requests waiting for a response (including timed-out ones whose late answer has not
    /// arrived yet).
    pub fn in_flight(&self) -> usize {
        0
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        true
    }

    /// The events the connection registered for, as a stream that ends when the
    /// connection closes.
    pub fn events(&self) -> EventStream {
        EventStream { _private: () }
    }

    /// Closes the connection: in-flight requests fail with [`ConnectionError::Closed`].
    pub async fn close(&self) {}
}

/// The events of one connection (see [`Connection::events`]).
#[derive(Debug)]
pub struct EventStream {
    _private: (),
}

impl futures::Stream for EventStream {
    type Item = Event;

    fn poll_next(
        self: core::pin::Pin<&mut Self>,
        _cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Option<Event>> {
        core::task::Poll::Ready(None)
    }
}
