//! [`TcpTransport`]: plain TCP streams to nodes, with host names resolved by tokio.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use cql_core::runtime::{
    BoxFuture, NodeAddr, Stream, Transport, TransportError, TransportErrorKind,
};
use tokio::net::TcpStream;

use crate::stream::{IoReader, IoWriter};

/// Opens plain TCP streams (`TCP_NODELAY` on by default).
///
/// There is no connect timeout here: the caller (the connection, which bounds the
/// connect and the handshake together) wraps [`Transport::connect`] in its own.
#[derive(Debug, Clone)]
pub struct TcpTransport {
    nodelay: bool,
    keepalive: Option<Duration>,
}

impl Default for TcpTransport {
    fn default() -> Self {
        Self {
            nodelay: true,
            keepalive: None,
        }
    }
}

impl TcpTransport {
    /// A transport with `TCP_NODELAY` on and no TCP keepalive.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `TCP_NODELAY` (on by default: CQL requests are small and latency-bound).
    #[must_use]
    pub fn with_nodelay(mut self, nodelay: bool) -> Self {
        self.nodelay = nodelay;
        self
    }

    /// Turns TCP keepalive on with `idle` time before the first probe (`None`: off, the
    /// default; the connection's CQL heartbeat already detects dead peers).
    #[must_use]
    pub fn with_keepalive(mut self, idle: Option<Duration>) -> Self {
        self.keepalive = idle;
        self
    }

    /// Resolves `addr` and connects to the first of its addresses that accepts, returning
    /// the socket itself (what [`Transport::connect`] splits into a [`Stream`]).
    ///
    /// # Errors
    /// [`Resolve`](TransportErrorKind::Resolve) when the host name does not resolve,
    /// [`Connect`](TransportErrorKind::Connect) (naming every address tried) when no
    /// address accepts, [`Io`](TransportErrorKind::Io) when the socket options fail.
    pub async fn connect_socket(&self, addr: &NodeAddr) -> Result<TcpStream, TransportError> {
        let candidates = resolve(addr).await?;
        let mut failures = Vec::new();
        for candidate in &candidates {
            match TcpStream::connect(candidate).await {
                Ok(tcp) => {
                    self.configure(&tcp, *candidate)?;
                    return Ok(tcp);
                }
                Err(e) => failures.push(format!("{candidate}: {e}")),
            }
        }
        let message = match failures.as_slice() {
            [one] if candidates.len() == 1 && addr.host.parse::<IpAddr>().is_ok() => {
                format!("cannot connect to {one}")
            }
            _ => format!("cannot connect to {addr} ({})", failures.join("; ")),
        };
        Err(TransportError::new(TransportErrorKind::Connect, message))
    }

    fn configure(&self, tcp: &TcpStream, peer: SocketAddr) -> Result<(), TransportError> {
        let fail = |what: &str, e: std::io::Error| {
            TransportError::new(
                TransportErrorKind::Io,
                format!("cannot set {what} on the socket to {peer}: {e}"),
            )
        };
        tcp.set_nodelay(self.nodelay)
            .map_err(|e| fail("TCP_NODELAY", e))?;
        if let Some(idle) = self.keepalive {
            let keepalive = socket2::TcpKeepalive::new().with_time(idle);
            socket2::SockRef::from(tcp)
                .set_tcp_keepalive(&keepalive)
                .map_err(|e| fail("SO_KEEPALIVE", e))?;
        }
        Ok(())
    }
}

impl Transport for TcpTransport {
    fn connect<'a>(&'a self, addr: &'a NodeAddr) -> BoxFuture<'a, Result<Stream, TransportError>> {
        Box::pin(async move {
            let tcp = self.connect_socket(addr).await?;
            let peer = peer_name(&tcp, addr);
            let (read, write) = tcp.into_split();
            Ok(Stream {
                reader: Box::new(IoReader::new(read, peer.clone())),
                writer: Box::new(IoWriter::new(write, peer)),
            })
        })
    }
}

/// The name errors use for a connected peer: the address, and the host name when it was
/// one.
pub(crate) fn peer_name(tcp: &TcpStream, addr: &NodeAddr) -> String {
    match tcp.peer_addr() {
        Ok(peer) if addr.host.parse::<IpAddr>().is_err() => format!("{addr} ({peer})"),
        Ok(peer) => peer.to_string(),
        Err(_) => addr.to_string(),
    }
}

/// The socket addresses of `addr`: an IP literal as it is (brackets around IPv6 are
/// tolerated), a host name through tokio's resolver (the system's `getaddrinfo`).
///
/// # Errors
/// [`Resolve`](TransportErrorKind::Resolve) when the name does not resolve or resolves to
/// nothing.
pub async fn resolve(addr: &NodeAddr) -> Result<Vec<SocketAddr>, TransportError> {
    let host = addr
        .host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(&addr.host);
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, addr.port)]);
    }
    let fail = |why: String| {
        TransportError::new(
            TransportErrorKind::Resolve,
            format!("cannot resolve host `{host}`: {why}"),
        )
    };
    let found: Vec<SocketAddr> = tokio::net::lookup_host((host, addr.port))
        .await
        .map_err(|e| fail(e.to_string()))?
        .collect();
    if found.is_empty() {
        return Err(fail("no addresses".to_string()));
    }
    Ok(found)
}
