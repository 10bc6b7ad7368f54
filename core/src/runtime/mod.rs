//! The two seams between the driver and its host: [`Transport`] (open a byte stream to a
//! node) and [`Runtime`] (spawn, sleep, read the clocks).
//!
//! Everything above them — connections, sessions, policies — is written once against these
//! traits. Native hosts use `cql-transport-tcp` (tokio, rustls); browsers and edge workers use
//! `cql-transport-websocket`. On `wasm32` nothing needs to be `Send` (one thread, JS
//! futures), so the bounds go through [`MaybeSend`] / [`MaybeSync`].

mod time;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::time::Duration;

pub use time::Instant;

/// `Send` on native targets; nothing on `wasm32`, where futures and handles live on one
/// thread.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}
/// `Send` on native targets; nothing on `wasm32`, where futures and handles live on one
/// thread.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}

/// `Sync` on native targets; nothing on `wasm32`.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSync: Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Sync + ?Sized> MaybeSync for T {}
/// `Sync` on native targets; nothing on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSync for T {}

/// A boxed future: `Send` on native targets, not on `wasm32`.
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future: `Send` on native targets, not on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Where a node listens: a host name or IP address, and a port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeAddr {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// Native protocol port (9042 by default).
    pub port: u16,
}

impl NodeAddr {
    /// An address from a host and a port.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
        }
    }
}

impl From<core::net::SocketAddr> for NodeAddr {
    fn from(addr: core::net::SocketAddr) -> Self {
        Self {
            host: alloc::format!("{}", addr.ip()),
            port: addr.port(),
        }
    }
}

impl fmt::Display for NodeAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// What went wrong opening or using a byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The host name did not resolve.
    Resolve,
    /// The node refused or could not be reached.
    Connect,
    /// The TLS handshake failed (certificate, host name, protocol).
    Tls,
    /// The peer closed the stream.
    Closed,
    /// Reading or writing failed.
    Io,
    /// The transport refused the address (e.g. a WebSocket bridge's allow-list).
    Refused,
    /// Anything else.
    Other,
}

/// An error of the transport, with a message a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct TransportError {
    /// The kind of failure.
    pub kind: TransportErrorKind,
    /// What happened, e.g. `connection refused (127.0.0.1:9042)`.
    pub message: String,
}

impl TransportError {
    /// An error of `kind` with `message`.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// The reading half of a byte stream to a node.
pub trait StreamReader: MaybeSend {
    /// Reads some bytes into `buf`, returning how many; `Ok(0)` means the peer closed.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> BoxFuture<'a, Result<usize, TransportError>>;
}

/// The writing half of a byte stream to a node.
pub trait StreamWriter: MaybeSend {
    /// Writes all of `buf` (and flushes it).
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> BoxFuture<'a, Result<(), TransportError>>;
    /// Closes the stream (a TLS close_notify, a WebSocket close, a TCP FIN).
    fn close(&mut self) -> BoxFuture<'_, ()>;
}

/// An open byte stream, split so one task can read while another writes.
pub struct Stream {
    /// The reading half.
    pub reader: Box<dyn StreamReader>,
    /// The writing half.
    pub writer: Box<dyn StreamWriter>,
}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stream").finish_non_exhaustive()
    }
}

/// Opens byte streams to nodes: plain TCP, TLS, a WebSocket tunnel...
pub trait Transport: MaybeSend + MaybeSync + 'static {
    /// Opens a duplex byte stream to `addr`.
    fn connect<'a>(&'a self, addr: &'a NodeAddr) -> BoxFuture<'a, Result<Stream, TransportError>>;
}

/// Spawning, sleeping and clocks, supplied by the host (tokio, the browser's event loop...).
///
/// Held as `Arc<dyn Runtime>`, as the transport is: nothing above this seam is generic over
/// the host.
pub trait Runtime: fmt::Debug + MaybeSend + MaybeSync + 'static {
    /// Runs `task` in the background until it completes.
    fn spawn(&self, task: BoxFuture<'static, ()>);
    /// Completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
    /// A monotonic clock reading (for timeouts, heartbeats, latencies).
    fn now(&self) -> Instant;
    /// Wall-clock time in microseconds since the Unix epoch (for client-side write
    /// timestamps).
    fn wall_clock_micros(&self) -> i64;
}

/// Where a session runs: how it opens byte streams to nodes and how it spawns, sleeps and
/// reads clocks. `cql-transport-tcp` supplies tokio with TCP or TLS; the wasm side a
/// WebSocket tunnel with the JavaScript event loop.
#[derive(Clone)]
pub struct Platform {
    /// Opens byte streams to nodes.
    pub transport: Arc<dyn Transport>,
    /// Spawns tasks, sleeps, reads the clocks.
    pub runtime: Arc<dyn Runtime>,
}

impl Platform {
    /// A platform of `transport` and `runtime`.
    pub fn new(transport: impl Transport, runtime: impl Runtime) -> Self {
        Self {
            transport: Arc::new(transport),
            runtime: Arc::new(runtime),
        }
    }
}

impl fmt::Debug for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Platform")
            .field("runtime", &self.runtime)
            .finish_non_exhaustive()
    }
}

/// The platform a session builder uses for what it is not given: a host crate names its
/// own (`cql_transport_tcp::SessionBuilder` builds on tokio and TCP), so that
/// `SessionBuilder::new().contact_point(..).connect()` needs nothing more.
pub trait DefaultPlatform {
    /// The default platform, or `None` when there is none (the builder must be given a
    /// transport and a runtime).
    fn platform() -> Option<Platform>;
}

/// No default platform: a builder must be given a transport and a runtime.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDefaultPlatform;

impl DefaultPlatform for NoDefaultPlatform {
    fn platform() -> Option<Platform> {
        None
    }
}
