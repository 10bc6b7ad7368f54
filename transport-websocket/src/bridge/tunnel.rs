//! One tunnel: TLS, the upgrade request and the admission checks (path and target,
//! Origin, token, allow-list, limits) — all decided before the upgrade is answered —
//! then the connection to the node and the copy loop. A refused client gets its close
//! code over a WebSocket that reads almost nothing ([`refusal_config`]).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use cql_core::runtime::NodeAddr;
use cql_transport_tcp::{TcpTransport, TlsTransport};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tracing::Instrument;

use super::handshake::{self, RequestInfo};
use super::limits::{HandshakeGuard, TunnelGuard};
use super::untrusted::Untrusted;
use super::{BridgeConfig, Limits, Shared};
use crate::protocol::{self, CloseReason, MAX_CHUNK};

/// A refusal or an ending: the close code and the reason sent to the client.
struct Close {
    reason: CloseReason,
    text: String,
}

impl Close {
    fn new(reason: CloseReason) -> Self {
        Self {
            reason,
            text: reason.description().to_string(),
        }
    }

    fn with_text(reason: CloseReason, text: impl Into<String>) -> Self {
        Self {
            reason,
            text: text.into(),
        }
    }
}

/// The most a refused client's WebSocket reads at once, and the largest frame it takes
/// from it: enough for a client's first CQL frames and its close reply, nothing more.
const REFUSAL_READ_LIMIT: usize = 4 * 1024;

/// The WebSocket of a refused client: a small read buffer, and frames over
/// [`REFUSAL_READ_LIMIT`] end the exchange instead of being buffered.
fn refusal_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(REFUSAL_READ_LIMIT)
        .write_buffer_size(0)
        .max_message_size(Some(REFUSAL_READ_LIMIT))
        .max_frame_size(Some(REFUSAL_READ_LIMIT))
}

/// The WebSocket of an admitted tunnel.
fn tunnel_config(limits: &Limits) -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(limits.max_message_size))
        .max_frame_size(Some(limits.max_message_size))
}

pub(crate) async fn run(
    tcp: TcpStream,
    peer: SocketAddr,
    id: u64,
    shared: Arc<Shared>,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    slot: HandshakeGuard,
    stop: watch::Receiver<bool>,
) {
    let span = tracing::info_span!("tunnel", id, peer = %peer.ip());
    async move {
        // The configuration at accept time holds for the tunnel's whole life.
        let config = shared.config();
        // One deadline for TLS and the upgrade request together.
        let deadline = Instant::now() + config.limits.handshake_timeout;
        match acceptor {
            Some(acceptor) => match tokio::time::timeout_at(deadline, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => serve(tls, peer, &shared, &config, slot, deadline, stop).await,
                Ok(Err(e)) => {
                    tracing::info!(error = %Untrusted(&e.to_string()), "TLS handshake failed");
                }
                Err(_) => tracing::info!("TLS handshake timed out"),
            },
            None => serve(tcp, peer, &shared, &config, slot, deadline, stop).await,
        }
    }
    .instrument(span)
    .await;
}

async fn serve<S>(
    mut stream: S,
    peer: SocketAddr,
    shared: &Shared,
    config: &BridgeConfig,
    slot: HandshakeGuard,
    deadline: Instant,
    stop: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (request, tail) =
        match tokio::time::timeout_at(deadline, handshake::read_request(&mut stream)).await {
            Ok(Ok(read)) => read,
            Ok(Err(e)) => {
                tracing::info!(error = %Untrusted(&e.message), "upgrade request refused");
                let _ = tokio::time::timeout_at(deadline, handshake::answer_error(&mut stream, &e))
                    .await;
                return;
            }
            Err(_) => {
                tracing::info!("upgrade request timed out");
                return;
            }
        };
    let info = RequestInfo::of(&request);
    // Decided on the request alone, before anything is accepted.
    let decision = admit(&info, peer.ip(), shared, config);
    match tokio::time::timeout_at(deadline, handshake::accept(&mut stream, &request, &info)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::info!(error = %Untrusted(&e.message), "WebSocket upgrade failed");
            return;
        }
        Err(_) => {
            tracing::info!("WebSocket upgrade timed out");
            return;
        }
    }
    let admitted = match decision {
        Ok(admitted) => admitted,
        Err(close) => {
            // Still counted as a handshake (per IP) until the close is sent.
            let ws = WebSocketStream::from_partially_read(
                stream,
                tail,
                Role::Server,
                Some(refusal_config()),
            )
            .await;
            let (mut sink, mut source) = ws.split();
            refuse(&mut sink, &mut source, close).await;
            drop(slot);
            return;
        }
    };
    drop(slot);
    let ws = WebSocketStream::from_partially_read(
        stream,
        tail,
        Role::Server,
        Some(tunnel_config(&config.limits)),
    )
    .await;
    let (mut sink, mut source) = ws.split();
    let Admitted {
        target,
        subject,
        slot,
    } = admitted;
    let span = tracing::info_span!(
        "upstream",
        subject = subject.as_deref().unwrap_or("-"),
        target = %Untrusted(&target.to_string())
    );
    async move {
        let upstream = match dial(config, &target).await {
            Ok(up) => up,
            Err(message) => {
                let text = protocol::clip_reason(&message).to_string();
                return refuse(
                    &mut sink,
                    &mut source,
                    Close::with_text(CloseReason::UpstreamFailed, text),
                )
                .await;
            }
        };
        tracing::info!("tunnel open");
        let started = Instant::now();
        let (ending, bytes_in, bytes_out) = pump(
            &mut sink,
            &mut source,
            upstream,
            config.limits.idle_timeout,
            stop,
        )
        .await;
        tracing::info!(
            code = ending.reason.code(),
            reason = %Untrusted(&ending.text),
            bytes_in,
            bytes_out,
            secs = started.elapsed().as_secs_f64(),
            "tunnel closed"
        );
        finish(&mut sink, &mut source, ending).await;
        drop(slot);
    }
    .instrument(span)
    .await;
}

struct Admitted {
    target: NodeAddr,
    subject: Option<String>,
    slot: TunnelGuard,
}

/// The admission checks, in order: path and target, Origin, token, allow-list, then a
/// tunnel slot (the bridge's total, then the client's share).
fn admit(
    info: &RequestInfo,
    ip: IpAddr,
    shared: &Shared,
    config: &BridgeConfig,
) -> Result<Admitted, Close> {
    if info.path != config.path {
        return Err(Close::with_text(
            CloseReason::BadRequest,
            format!("unknown path; tunnels are served on {}", config.path),
        ));
    }
    let target = protocol::parse_target(info.query.as_deref()).map_err(|e| {
        Close::with_text(
            CloseReason::BadRequest,
            protocol::clip_reason(e.message()).to_string(),
        )
    })?;
    if !config.allowed_origins.is_empty() {
        if let Some(origin) = &info.origin {
            if !config
                .allowed_origins
                .iter()
                .any(|o| o.eq_ignore_ascii_case(origin))
            {
                return Err(Close::new(CloseReason::OriginNotAllowed));
            }
        }
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let subject = config
        .auth
        .verify(info.token.as_deref(), now)
        .map_err(|reason| {
            let text = match (reason, &info.token) {
                (CloseReason::Unauthorized, None) => "unauthorized: no token (Authorization: Bearer or Sec-WebSocket-Protocol cql.bearer.<token>)",
                (CloseReason::Unauthorized, Some(_)) => "unauthorized: token not accepted",
                (r, _) => r.description(),
            };
            Close::with_text(reason, text)
        })?;
    if !config.targets.allows(&target) {
        return Err(Close::with_text(
            CloseReason::TargetNotAllowed,
            protocol::clip_reason(&format!(
                "target {target} is not in the bridge's allow-list"
            ))
            .to_string(),
        ));
    }
    let key = match &subject {
        Some(s) => format!("subject:{s}"),
        None => format!("ip:{ip}"),
    };
    let slot = shared.limiter.tunnel(&key).map_err(Close::new)?;
    Ok(Admitted {
        target,
        subject,
        slot,
    })
}

type Upstream = (
    Box<dyn AsyncRead + Unpin + Send>,
    Box<dyn AsyncWrite + Unpin + Send>,
);

async fn dial(config: &BridgeConfig, target: &NodeAddr) -> Result<Upstream, String> {
    let timeout = config.limits.connect_timeout;
    let tcp = TcpTransport::new();
    let connect = async {
        match &config.upstream_tls {
            Some(tls) => {
                let s = TlsTransport::new(tls.clone())
                    .with_tcp(tcp)
                    .connect_tls(target)
                    .await?;
                let (r, w) = tokio::io::split(s);
                Ok::<Upstream, cql_core::runtime::TransportError>((Box::new(r), Box::new(w)))
            }
            None => {
                let s = tcp.connect_socket(target).await?;
                let (r, w) = s.into_split();
                let up: Upstream = (Box::new(r), Box::new(w));
                Ok(up)
            }
        }
    };
    match tokio::time::timeout(timeout, connect).await {
        Ok(Ok(up)) => Ok(up),
        Ok(Err(e)) => {
            tracing::warn!(error = %Untrusted(&e.message), "cannot reach the node");
            Err(format!("cannot reach the node: {}", e.message))
        }
        Err(_) => {
            tracing::warn!("connecting to the node timed out");
            Err(format!(
                "cannot reach the node: timed out after {timeout:?}"
            ))
        }
    }
}

type Sink<S> = SplitSink<WebSocketStream<S>, Message>;
type Source<S> = SplitStream<WebSocketStream<S>>;

/// Copies bytes both ways until one side ends, the idle time passes or the bridge stops.
async fn pump<S>(
    sink: &mut Sink<S>,
    source: &mut Source<S>,
    upstream: Upstream,
    idle: Duration,
    mut stop: watch::Receiver<bool>,
) -> (Close, u64, u64)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut up_r, mut up_w) = upstream;
    let start = Instant::now();
    let last = AtomicU64::new(0);
    let touch = || {
        last.store(
            start.elapsed().as_millis().try_into().unwrap_or(u64::MAX),
            Ordering::Relaxed,
        )
    };
    let bytes_in = AtomicU64::new(0);
    let bytes_out = AtomicU64::new(0);
    let client_to_node = async {
        loop {
            match source.next().await {
                None => return Close::with_text(CloseReason::Normal, "client went away"),
                Some(Ok(Message::Binary(data))) => {
                    touch();
                    bytes_in.fetch_add(data.len() as u64, Ordering::Relaxed);
                    let written = async {
                        up_w.write_all(&data).await?;
                        up_w.flush().await
                    };
                    if let Err(e) = written.await {
                        tracing::info!(error = %Untrusted(&e.to_string()), "writing to the node failed");
                        return Close::with_text(
                            CloseReason::UpstreamFailed,
                            "the node's connection failed",
                        );
                    }
                }
                Some(Ok(Message::Text(_))) => return Close::new(CloseReason::TextMessage),
                Some(Ok(Message::Close(_))) => {
                    return Close::with_text(CloseReason::Normal, "client closed");
                }
                Some(Ok(_)) => touch(),
                Some(Err(e)) => return client_error(&e),
            }
        }
    };
    let node_to_client = async {
        let mut buf = vec![0u8; MAX_CHUNK];
        loop {
            match up_r.read(&mut buf).await {
                Ok(0) => {
                    return Close::with_text(CloseReason::Normal, "the node closed the connection");
                }
                Ok(n) => {
                    touch();
                    bytes_out.fetch_add(n as u64, Ordering::Relaxed);
                    let chunk = Bytes::copy_from_slice(buf.get(..n).unwrap_or_default());
                    if sink.send(Message::Binary(chunk)).await.is_err() {
                        return Close::with_text(CloseReason::Normal, "client went away");
                    }
                }
                Err(e) => {
                    tracing::info!(error = %Untrusted(&e.to_string()), "reading from the node failed");
                    return Close::with_text(
                        CloseReason::UpstreamFailed,
                        "the node's connection failed",
                    );
                }
            }
        }
    };
    let idle_timer = async {
        loop {
            let since = Duration::from_millis(last.load(Ordering::Relaxed));
            let deadline = start + since + idle;
            if Instant::now() >= deadline {
                return Close::new(CloseReason::IdleTimeout);
            }
            tokio::time::sleep_until(deadline).await;
        }
    };
    let stopped = async {
        let _ = stop.wait_for(|s| *s).await;
        Close::new(CloseReason::GoingAway)
    };
    let ending = tokio::select! {
        c = client_to_node => c,
        c = node_to_client => c,
        c = idle_timer => c,
        c = stopped => c,
    };
    let _ = up_w.shutdown().await;
    (ending, bytes_in.into_inner(), bytes_out.into_inner())
}

/// How a failed read from the client ends the tunnel (RFC 6455's codes: 1002 for a
/// protocol violation, 1009 for a message over the limit).
fn client_error(e: &WsError) -> Close {
    match e {
        WsError::Capacity(_) => Close::with_text(
            CloseReason::MessageTooBig,
            "message too big for this bridge",
        ),
        WsError::Protocol(p) => {
            tracing::info!(error = %Untrusted(&p.to_string()), "client broke the WebSocket protocol");
            Close::with_text(
                CloseReason::ProtocolViolation,
                protocol::clip_reason(&format!("WebSocket protocol error: {p}")).to_string(),
            )
        }
        WsError::Utf8(_) => Close::new(CloseReason::TextMessage),
        other => {
            tracing::info!(error = %Untrusted(&other.to_string()), "client WebSocket error");
            Close::with_text(CloseReason::Normal, "client went away")
        }
    }
}

/// Refuses a tunnel: logs the code and reason (never the token), then closes.
async fn refuse<S>(sink: &mut Sink<S>, source: &mut Source<S>, close: Close)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    tracing::warn!(code = close.reason.code(), reason = %Untrusted(&close.text), "tunnel refused");
    finish(sink, source, close).await;
}

/// Sends the close frame, then reads (and drops) what the client still sends until its
/// close reply or a short timeout, so the close is not lost to a TCP reset.
async fn finish<S>(sink: &mut Sink<S>, source: &mut Source<S>, close: Close)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let frame = CloseFrame {
        code: CloseCode::from(close.reason.code()),
        reason: protocol::clip_reason(&close.text).to_string().into(),
    };
    let linger = Duration::from_secs(2);
    let _ = tokio::time::timeout(linger, sink.send(Message::Close(Some(frame)))).await;
    let drain = async {
        while let Some(Ok(m)) = source.next().await {
            if m.is_close() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(linger, drain).await;
    let _ = tokio::time::timeout(linger, sink.close()).await;
}
