//! [`WebSocketTransport`]: the native client end of the tunnel, over tokio-tungstenite,
//! with TCP and rustls TLS (`wss`) from `cql-transport-tcp`.

use std::sync::Arc;

use bytes::{Buf, Bytes};
use cql_core::runtime::{
    BoxFuture, NodeAddr, Stream, StreamReader, StreamWriter, Transport, TransportError,
    TransportErrorKind,
};
use cql_transport_tcp::{TcpTransport, TlsConfig, TlsTransport};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::protocol::{self, BridgeAddressMap, CloseReason, MAX_CHUNK};

/// How the bearer token travels in the upgrade request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenPlacement {
    /// `Authorization: Bearer <token>` (the default natively).
    #[default]
    AuthorizationHeader,
    /// `Sec-WebSocket-Protocol: cql.bearer.<token>, cql.v1` (what browsers must use).
    Subprotocol,
}

/// A [`Transport`] that reaches every node through a `cql-bridge` WebSocket tunnel.
///
/// `connect(node)` opens `ws[s]://bridge/...?target=node` (the URL from the
/// [`BridgeAddressMap`]); the returned stream's reader yields the CQL bytes of binary
/// messages regardless of message boundaries, and its writer sends binary messages of at
/// most 64 KiB (configurable). A refusal by the bridge surfaces on the first read as a
/// [`TransportErrorKind::Refused`] error naming the close code and reason.
///
/// ```no_run
/// use cql_transport_tcp::SessionBuilder;
/// use cql_transport_websocket::{BridgeAddressMap, WebSocketTransport};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let transport = WebSocketTransport::new(BridgeAddressMap::new("wss://bridge.example.com/cql")?)
///     .with_token("web.1767225600.5f1c...");
/// let session = SessionBuilder::new()
///     .contact_point("10.0.0.5:9042")
///     .transport(transport).connect()
///     .await?;
/// # drop(session);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct WebSocketTransport {
    map: BridgeAddressMap,
    token: Option<String>,
    placement: TokenPlacement,
    origin: Option<String>,
    tcp: TcpTransport,
    tls: Option<TlsConfig>,
    max_message: usize,
}

impl std::fmt::Debug for WebSocketTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the token.
        f.debug_struct("WebSocketTransport")
            .field("map", &self.map)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("placement", &self.placement)
            .field("origin", &self.origin)
            .field("tls", &self.tls)
            .field("max_message", &self.max_message)
            .finish()
    }
}

impl WebSocketTransport {
    /// A transport reaching nodes through the bridges of `map`, without a token, trusting
    /// the system's roots for `wss`.
    pub fn new(map: BridgeAddressMap) -> Self {
        Self {
            map,
            token: None,
            placement: TokenPlacement::default(),
            origin: None,
            tcp: TcpTransport::new(),
            tls: None,
            max_message: MAX_CHUNK,
        }
    }

    /// Sends `token` with every upgrade request.
    #[must_use]
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Chooses where the token travels (the `Authorization` header by default).
    #[must_use]
    pub fn with_token_placement(mut self, placement: TokenPlacement) -> Self {
        self.placement = placement;
        self
    }

    /// Sends an `Origin` header (as a browser would; for bridges that check it).
    #[must_use]
    pub fn with_origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }

    /// The TLS configuration for `wss` bridges (default: the system's trust store).
    #[must_use]
    pub fn with_tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Socket options for the TCP connection to the bridge.
    #[must_use]
    pub fn with_tcp(mut self, tcp: TcpTransport) -> Self {
        self.tcp = tcp;
        self
    }

    /// The largest binary message sent (64 KiB by default; at least 1 byte): longer writes
    /// are split.
    #[must_use]
    pub fn with_max_message_size(mut self, bytes: usize) -> Self {
        self.max_message = bytes.max(1);
        self
    }

    /// The address map.
    pub fn address_map(&self) -> &BridgeAddressMap {
        &self.map
    }

    async fn open(&self, node: &NodeAddr) -> Result<Stream, TransportError> {
        let bridge = self.map.bridge_for(node);
        let target = self.map.target_for(node);
        let url = bridge.tunnel_url(target);
        let peer = format!("bridge {} (target {target})", bridge.authority());
        let mut request = url.as_str().into_client_request().map_err(|e| {
            TransportError::new(
                TransportErrorKind::Other,
                format!("bad tunnel URL {url}: {e}"),
            )
        })?;
        let header = |v: &str, what: &str| {
            HeaderValue::from_str(v).map_err(|_| {
                TransportError::new(
                    TransportErrorKind::Other,
                    format!("the {what} cannot be sent in an HTTP header"),
                )
            })
        };
        let headers = request.headers_mut();
        if let Some(token) = &self.token {
            match self.placement {
                TokenPlacement::AuthorizationHeader => {
                    headers.insert(
                        "authorization",
                        header(&protocol::authorization_value(token), "token")?,
                    );
                }
                TokenPlacement::Subprotocol => {
                    let offered = protocol::bearer_subprotocols(token).map_err(|e| {
                        TransportError::new(TransportErrorKind::Other, e.to_string())
                    })?;
                    headers.insert(
                        "sec-websocket-protocol",
                        header(&offered.join(", "), "token")?,
                    );
                }
            }
        }
        if let Some(origin) = &self.origin {
            headers.insert("origin", header(origin, "origin")?);
        }
        let config = WebSocketConfig::default();
        let addr = bridge.socket_addr();
        if bridge.secure {
            let tls = match &self.tls {
                Some(tls) => tls.clone(),
                None => TlsConfig::builder()
                    .system_roots()
                    .build()
                    .map_err(|e| TransportError::new(TransportErrorKind::Tls, e.to_string()))?,
            };
            let stream = TlsTransport::new(tls)
                .with_tcp(self.tcp.clone())
                .connect_tls(&addr)
                .await?;
            let (ws, _) =
                tokio_tungstenite::client_async_with_config(request, stream, Some(config))
                    .await
                    .map_err(|e| handshake_error(e, &peer))?;
            Ok(split(ws, peer, self.max_message))
        } else {
            let stream = self.tcp.connect_socket(&addr).await?;
            let (ws, _) =
                tokio_tungstenite::client_async_with_config(request, stream, Some(config))
                    .await
                    .map_err(|e| handshake_error(e, &peer))?;
            Ok(split(ws, peer, self.max_message))
        }
    }
}

impl Transport for WebSocketTransport {
    fn connect<'a>(&'a self, addr: &'a NodeAddr) -> BoxFuture<'a, Result<Stream, TransportError>> {
        Box::pin(self.open(addr))
    }
}

fn handshake_error(e: WsError, peer: &str) -> TransportError {
    match e {
        WsError::Http(response) => TransportError::new(
            TransportErrorKind::Refused,
            format!(
                "{peer} refused the WebSocket upgrade: HTTP {}",
                response.status()
            ),
        ),
        WsError::Io(io) => TransportError::new(
            TransportErrorKind::Io,
            format!("I/O error during the WebSocket handshake with {peer}: {io}"),
        ),
        other => TransportError::new(
            TransportErrorKind::Io,
            format!("WebSocket handshake with {peer} failed: {other}"),
        ),
    }
}

fn split<S>(ws: WebSocketStream<S>, peer: String, max_message: usize) -> Stream
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let peer: Arc<str> = Arc::from(peer);
    let (sink, stream) = ws.split();
    Stream {
        reader: Box::new(WsReader {
            inner: stream,
            pending: Bytes::new(),
            peer: peer.clone(),
        }),
        writer: Box::new(WsWriter {
            inner: sink,
            peer,
            max_message,
        }),
    }
}

/// The reading half: the payloads of binary messages as one byte stream.
struct WsReader<S> {
    inner: SplitStream<WebSocketStream<S>>,
    pending: Bytes,
    peer: Arc<str>,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> StreamReader for WsReader<S> {
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> BoxFuture<'a, Result<usize, TransportError>> {
        Box::pin(async move {
            loop {
                if !self.pending.is_empty() || buf.is_empty() {
                    let n = self.pending.len().min(buf.len());
                    if let (Some(dst), Some(src)) = (buf.get_mut(..n), self.pending.get(..n)) {
                        dst.copy_from_slice(src);
                    }
                    self.pending.advance(n);
                    return Ok(n);
                }
                match self.inner.next().await {
                    None => return Ok(0),
                    Some(Ok(Message::Binary(data))) => self.pending = data,
                    Some(Ok(Message::Text(_))) => {
                        return Err(TransportError::new(
                            TransportErrorKind::Io,
                            format!("{} sent a text message; the tunnel is binary", self.peer),
                        ));
                    }
                    Some(Ok(Message::Close(frame))) => return close_result(frame, &self.peer),
                    Some(Ok(_)) => {} // ping, pong: answered by tungstenite
                    Some(Err(e)) => return Err(ws_error(&e, "reading from", &self.peer)),
                }
            }
        })
    }
}

/// A close from the bridge: a normal close is the end of the stream, anything else an
/// error carrying the code and the reason.
fn close_result(frame: Option<CloseFrame>, peer: &str) -> Result<usize, TransportError> {
    let Some(frame) = frame else { return Ok(0) };
    let code = u16::from(frame.code);
    let reason = CloseReason::from_code(code);
    if reason == Some(CloseReason::Normal) {
        return Ok(0);
    }
    let kind = match reason {
        Some(r) if r.is_refusal() => TransportErrorKind::Refused,
        Some(CloseReason::UpstreamFailed) => TransportErrorKind::Connect,
        Some(
            CloseReason::MessageTooBig
            | CloseReason::TextMessage
            | CloseReason::ProtocolViolation
            | CloseReason::Internal,
        ) => TransportErrorKind::Io,
        _ => TransportErrorKind::Closed,
    };
    let text = if frame.reason.is_empty() {
        reason.map_or("no reason given", CloseReason::description)
    } else {
        frame.reason.as_str()
    };
    Err(TransportError::new(
        kind,
        format!("{peer} closed the tunnel: {text} (close code {code})"),
    ))
}

fn ws_error(e: &WsError, doing: &str, peer: &str) -> TransportError {
    let kind = match e {
        WsError::ConnectionClosed | WsError::AlreadyClosed => TransportErrorKind::Closed,
        WsError::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
                    | std::io::ErrorKind::ConnectionAborted
            ) =>
        {
            TransportErrorKind::Closed
        }
        _ => TransportErrorKind::Io,
    };
    TransportError::new(kind, format!("WebSocket error {doing} {peer}: {e}"))
}

/// The writing half: bytes as binary messages of at most `max_message` bytes.
struct WsWriter<S> {
    inner: SplitSink<WebSocketStream<S>, Message>,
    peer: Arc<str>,
    max_message: usize,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> StreamWriter for WsWriter<S> {
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> BoxFuture<'a, Result<(), TransportError>> {
        Box::pin(async move {
            for chunk in buf.chunks(self.max_message) {
                self.inner
                    .feed(Message::Binary(Bytes::copy_from_slice(chunk)))
                    .await
                    .map_err(|e| ws_error(&e, "writing to", &self.peer))?;
            }
            self.inner
                .flush()
                .await
                .map_err(|e| ws_error(&e, "writing to", &self.peer))
        })
    }

    fn close(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let frame = CloseFrame {
                code: CloseCode::Normal,
                reason: "".into(),
            };
            let _ = self.inner.send(Message::Close(Some(frame))).await;
            let _ = self.inner.close().await;
        })
    }
}
