//! `Connection` over an in-memory transport (tokio duplex pipes) against a scripted node,
//! on a tokio `Runtime` with paused time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cql_core::connection::{
    Connection, ConnectionConfig, ConnectionError, PlainTextAuthenticator, RequestOptions,
};
use cql_core::frame::{Compression, Framer, ProtocolVersion};
use cql_core::message::{
    AuthToken, Authenticate, DbError, ErrorResponse, Event, EventType, Query, QueryParameters,
    Request, RequestFrame, Response, ResponseFrame, ResultMessage, StatusChangeType, Supported,
};
use cql_core::runtime::{
    BoxFuture, Instant, NodeAddr, Runtime, Stream, StreamReader, StreamWriter, Transport,
    TransportError, TransportErrorKind,
};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::mpsc;

// ---------------------------------------------------------------- runtime and transport

#[derive(Clone, Debug)]
struct TokioRuntime {
    origin: tokio::time::Instant,
}

impl TokioRuntime {
    fn new() -> Self {
        Self {
            origin: tokio::time::Instant::now(),
        }
    }
}

impl Runtime for TokioRuntime {
    fn spawn(&self, task: BoxFuture<'static, ()>) {
        tokio::spawn(task);
    }
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
    fn now(&self) -> Instant {
        Instant::from_nanos((tokio::time::Instant::now() - self.origin).as_nanos() as u64)
    }
    fn wall_clock_micros(&self) -> i64 {
        0
    }
}

struct Reader(ReadHalf<DuplexStream>);
struct Writer(WriteHalf<DuplexStream>);

fn io_error(e: std::io::Error) -> TransportError {
    TransportError::new(TransportErrorKind::Io, e.to_string())
}

impl StreamReader for Reader {
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> BoxFuture<'a, Result<usize, TransportError>> {
        Box::pin(async move { self.0.read(buf).await.map_err(io_error) })
    }
}

impl StreamWriter for Writer {
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> BoxFuture<'a, Result<(), TransportError>> {
        Box::pin(async move { self.0.write_all(buf).await.map_err(io_error) })
    }
    fn close(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = self.0.shutdown().await;
        })
    }
}

/// Each `connect` starts a [`MiniNode`] with `behaviour` on the far end of a pipe.
struct MockTransport {
    behaviour: Behaviour,
    connects: Arc<AtomicUsize>,
}

impl MockTransport {
    fn new(behaviour: Behaviour) -> Self {
        Self {
            behaviour,
            connects: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl Transport for MockTransport {
    fn connect<'a>(&'a self, _addr: &'a NodeAddr) -> BoxFuture<'a, Result<Stream, TransportError>> {
        Box::pin(async move {
            self.connects.fetch_add(1, Ordering::SeqCst);
            let (client, server) = tokio::io::duplex(256 * 1024);
            tokio::spawn(MiniNode::run(self.behaviour.clone(), server));
            let (r, w) = tokio::io::split(client);
            Ok(Stream {
                reader: Box::new(Reader(r)),
                writer: Box::new(Writer(w)),
            })
        })
    }
}

// ---------------------------------------------------------------- the scripted node

#[derive(Clone, Default)]
struct Behaviour {
    /// Highest version spoken (v5 when `None`).
    max_version: Option<ProtocolVersion>,
    /// `Some((user, password))`: PasswordAuthenticator.
    credentials: Option<(&'static str, &'static str)>,
    /// Never answer anything (a black hole).
    silent: bool,
    /// Stop answering once the handshake is over (a node that died without a FIN).
    mute_after_handshake: bool,
    /// Event pushed right after REGISTER is answered.
    event: Option<Event>,
    /// Requests seen, by kind.
    seen: Arc<Mutex<Vec<String>>>,
}

#[allow(clippy::large_enum_variant)]
enum Out {
    Frame(ResponseFrame),
    /// Switch framing after what was queued before.
    Switch(Compression),
    Close,
}

struct MiniNode;

impl MiniNode {
    async fn run(b: Behaviour, stream: DuplexStream) {
        let (mut rd, mut wr) = tokio::io::split(stream);
        let max = b.max_version.unwrap_or(ProtocolVersion::V5);
        let (tx, mut rx) = mpsc::unbounded_channel::<(ProtocolVersion, Out)>();
        // Writer: frames in order, switching framing when told. Reading and writing
        // switch at different moments (after STARTUP is read, after its answer is
        // written), so each task has its own framer.
        tokio::spawn(async move {
            let mut framer = Framer::new(1 << 24);
            while let Some((version, out)) = rx.recv().await {
                let mut bytes = Vec::new();
                match out {
                    Out::Frame(f) => {
                        framer
                            .write_frame(&mut bytes, |buf| {
                                f.encode(version, Compression::None, buf)
                            })
                            .unwrap();
                        framer.flush(&mut bytes).unwrap();
                    }
                    Out::Switch(c) => framer.start_framing(version, c).unwrap(),
                    Out::Close => {
                        let _ = wr.shutdown().await;
                        return;
                    }
                }
                if wr.write_all(&bytes).await.is_err() {
                    return;
                }
            }
        });
        let mut framer = Framer::new(1 << 24);
        let mut version;
        let mut ready = false;
        let mut buf = vec![0u8; 65536];
        loop {
            let n = match rd.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if b.silent || (ready && b.mute_after_handshake) {
                continue;
            }
            framer.feed(&buf[..n]);
            while let Some(frame) = framer.next_frame().unwrap() {
                if frame.header.version > max {
                    let error = ErrorResponse {
                        error: DbError::ProtocolError,
                        message: format!(
                            "Invalid or unsupported protocol version ({}); supported versions are (3/v3, 4/v4{})",
                            frame.header.version.as_u8(),
                            if max == ProtocolVersion::V4 {
                                ", 5/v5-beta"
                            } else {
                                ""
                            }
                        ),
                    };
                    let reply = ResponseFrame::new(frame.header.stream, Response::Error(error));
                    let _ = tx.send((ProtocolVersion::V4, Out::Frame(reply)));
                    let _ = tx.send((ProtocolVersion::V4, Out::Close));
                    return;
                }
                version = frame.header.version;
                let req = RequestFrame::decode(&frame).unwrap();
                let stream = req.stream;
                let send = |r: Response| {
                    let _ = tx.send((version, Out::Frame(ResponseFrame::new(stream, r))));
                };
                let kind = format!("{:?}", req.request.opcode());
                b.seen.lock().unwrap().push(kind);
                match req.request {
                    Request::Options => send(Response::Supported(Supported {
                        options: vec![
                            ("CQL_VERSION".into(), vec!["3.4.7".into()]),
                            ("COMPRESSION".into(), vec!["lz4".into(), "snappy".into()]),
                        ],
                    })),
                    Request::Startup(s) => {
                        let c = s.compression().unwrap();
                        match b.credentials {
                            Some(_) => send(Response::Authenticate(Authenticate {
                                authenticator: "org.apache.cassandra.auth.PasswordAuthenticator"
                                    .into(),
                            })),
                            None => {
                                send(Response::Ready);
                                ready = b.event.is_none();
                            }
                        }
                        let _ = tx.send((version, Out::Switch(c)));
                        framer.start_framing(version, c).unwrap();
                    }
                    Request::AuthResponse(AuthToken { token }) => {
                        let (u, p) = b.credentials.unwrap();
                        let expected = cql_core::connection::auth::plain_token(u, p);
                        if token.as_deref() == Some(&expected[..]) {
                            send(Response::AuthSuccess(AuthToken::default()));
                            ready = b.event.is_none();
                        } else {
                            send(Response::Error(ErrorResponse {
                                error: DbError::BadCredentials,
                                message: "Provided username and/or password are incorrect".into(),
                            }));
                        }
                    }
                    Request::Register(_) => {
                        send(Response::Ready);
                        if let Some(e) = &b.event {
                            let _ = tx.send((
                                version,
                                Out::Frame(ResponseFrame::new(-1, Response::Event(e.clone()))),
                            ));
                        }
                        ready = true;
                    }
                    Request::Query(q) => {
                        if let Some(ms) = q.query.strip_prefix("sleep:") {
                            let ms: u64 = ms.parse().unwrap();
                            let tx = tx.clone();
                            tokio::spawn(async move {
                                tokio::time::sleep(Duration::from_millis(ms)).await;
                                let f = ResponseFrame::new(
                                    stream,
                                    Response::Result(ResultMessage::Void),
                                );
                                let _ = tx.send((version, Out::Frame(f)));
                            });
                        } else if q.query == "close" {
                            let _ = tx.send((version, Out::Close));
                            return;
                        } else if q.query.starts_with("USE ") {
                            send(Response::Result(ResultMessage::SetKeyspace("ks".into())));
                        } else {
                            let echo = ResultMessage::SetKeyspace(q.query.to_string());
                            send(Response::Result(echo));
                        }
                    }
                    other => panic!("unexpected request {other:?}"),
                }
            }
        }
    }
}

// ---------------------------------------------------------------- helpers

fn addr() -> NodeAddr {
    NodeAddr::new("node1", 9042)
}

fn query(text: &'_ str) -> Request<'_> {
    Request::Query(Query {
        query: text.to_string().into(),
        params: QueryParameters::default(),
    })
}

fn timeout(ms: u64) -> RequestOptions {
    RequestOptions {
        timeout: Some(Duration::from_millis(ms)),
        ..RequestOptions::default()
    }
}

async fn open(
    b: Behaviour,
    config: ConnectionConfig,
) -> (Result<Connection, ConnectionError>, usize) {
    let transport = MockTransport::new(b);
    let result = Connection::open(&transport, Arc::new(TokioRuntime::new()), addr(), config).await;
    (result, transport.connects.load(Ordering::SeqCst))
}

fn echo(frame: &ResponseFrame) -> &str {
    match &frame.response {
        Response::Result(ResultMessage::SetKeyspace(s)) => s,
        other => panic!("unexpected {other:?}"),
    }
}

// ---------------------------------------------------------------- tests

#[tokio::test(start_paused = true)]
async fn opens_at_v5_with_lz4_and_serves_concurrent_requests() {
    let config = ConnectionConfig {
        compression: Compression::Lz4,
        ..ConnectionConfig::default()
    };
    let (conn, connects) = open(Behaviour::default(), config).await;
    let conn = conn.unwrap();
    assert_eq!(connects, 1);
    assert_eq!(conn.protocol_version(), ProtocolVersion::V5);
    assert_eq!(conn.compression(), Compression::Lz4);
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let conn = conn.clone();
            tokio::spawn(async move {
                let text = format!("SELECT {i} -- {}", "x".repeat(i));
                let frame = conn
                    .send(query(&text), RequestOptions::default())
                    .await
                    .unwrap();
                assert_eq!(echo(&frame), text);
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(conn.in_flight(), 0);
    assert!(!conn.is_closed());
}

#[tokio::test(start_paused = true)]
async fn a_v4_node_makes_the_driver_reconnect_straight_at_v4() {
    let b = Behaviour {
        max_version: Some(ProtocolVersion::V4),
        ..Behaviour::default()
    };
    let (conn, connects) = open(b, ConnectionConfig::default()).await;
    let conn = conn.unwrap();
    assert_eq!(conn.protocol_version(), ProtocolVersion::V4);
    assert_eq!(connects, 2);
    let frame = conn.send(query("hello"), timeout(1000)).await.unwrap();
    assert_eq!(echo(&frame), "hello");

    // With the version fixed there is no negotiation.
    let b = Behaviour {
        max_version: Some(ProtocolVersion::V4),
        ..Behaviour::default()
    };
    let config = ConnectionConfig {
        protocol_version: Some(ProtocolVersion::V5),
        ..ConnectionConfig::default()
    };
    let (conn, connects) = open(b, config).await;
    assert!(matches!(conn, Err(ConnectionError::UnsupportedVersion(_))));
    assert_eq!(connects, 1);
}

#[tokio::test(start_paused = true)]
async fn authentication_keyspace_register_and_events() {
    let event = Event::StatusChange {
        change: StatusChangeType::Up,
        address: "10.0.0.9:9042".parse().unwrap(),
    };
    let b = Behaviour {
        credentials: Some(("cassandra", "cassandra")),
        event: Some(event.clone()),
        ..Behaviour::default()
    };
    let seen = b.seen.clone();
    let config = ConnectionConfig {
        authenticator: Some(Arc::new(PlainTextAuthenticator::new(
            "cassandra",
            "cassandra",
        ))),
        keyspace: Some("ks".into()),
        events: vec![EventType::StatusChange],
        compression: Compression::Snappy,
        ..ConnectionConfig::default()
    };
    let (conn, _) = open(b, config).await;
    let conn = conn.unwrap();
    // Snappy cannot be used with v5, so v4 is used from the start.
    assert_eq!(conn.protocol_version(), ProtocolVersion::V4);
    // The event pushed right after REGISTER is kept for the first subscriber.
    let mut events = conn.events();
    let frame = conn.send(query("q"), timeout(1000)).await.unwrap();
    assert_eq!(echo(&frame), "q");
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "Options",
            "Startup",
            "AuthResponse",
            "Query",
            "Register",
            "Query"
        ]
    );
    conn.close().await;
    // The stream ends when the connection closes.
    assert_eq!(events.next().await, Some(event));
    assert_eq!(events.next().await, None);
    assert!(conn.is_closed());
}

#[tokio::test(start_paused = true)]
async fn bad_and_missing_credentials_fail_clearly() {
    let b = Behaviour {
        credentials: Some(("cassandra", "cassandra")),
        ..Behaviour::default()
    };
    let config = ConnectionConfig {
        authenticator: Some(Arc::new(PlainTextAuthenticator::new("cassandra", "wrong"))),
        ..ConnectionConfig::default()
    };
    let (conn, _) = open(b.clone(), config).await;
    match conn {
        Err(ConnectionError::Authentication(m)) => assert!(m.contains("incorrect"), "{m}"),
        other => panic!("{other:?}"),
    }
    let (conn, _) = open(b, ConnectionConfig::default()).await;
    match conn {
        Err(ConnectionError::Authentication(m)) => assert!(m.contains("no credentials"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_silent_node_times_the_opening_out() {
    let b = Behaviour {
        silent: true,
        ..Behaviour::default()
    };
    let config = ConnectionConfig {
        connect_timeout: Duration::from_secs(2),
        ..ConnectionConfig::default()
    };
    let start = tokio::time::Instant::now();
    let (conn, _) = open(b, config).await;
    assert!(matches!(
        conn,
        Err(ConnectionError::Timeout(_)) | Err(ConnectionError::Closed(_))
    ));
    assert!(start.elapsed() <= Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn timed_out_requests_keep_their_stream_until_the_late_answer() {
    let (conn, _) = open(Behaviour::default(), ConnectionConfig::default()).await;
    let conn = conn.unwrap();
    let r = conn.send(query("sleep:500"), timeout(100)).await;
    assert_eq!(r, Err(ConnectionError::Timeout(Duration::from_millis(100))));
    assert_eq!(conn.in_flight(), 1, "the id stays reserved");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(conn.in_flight(), 0, "the late answer freed it");
    // Dropping a request's future abandons it the same way.
    let fut = conn.send(query("sleep:300"), RequestOptions::default());
    let _ = tokio::time::timeout(Duration::from_millis(50), fut).await;
    assert_eq!(conn.in_flight(), 1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(conn.in_flight(), 0);
    // `send` submits before returning its future: one dropped unpolled abandons too.
    drop(conn.send(query("sleep:300"), RequestOptions::default()));
    assert_eq!(conn.in_flight(), 1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(conn.in_flight(), 0);
    let frame = conn.send(query("after"), timeout(100)).await.unwrap();
    assert_eq!(echo(&frame), "after");
}

#[tokio::test(start_paused = true)]
async fn requests_wait_for_a_free_stream_when_all_are_busy() {
    let (conn, _) = open(Behaviour::default(), ConnectionConfig::default()).await;
    let conn = conn.unwrap();
    let n = 32_768 + 500;
    let peak = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let conn = conn.clone();
            let peak = peak.clone();
            tokio::spawn(async move {
                let f = conn.send(query("sleep:100"), timeout(10_000));
                let r = f.await;
                peak.fetch_max(conn.in_flight(), Ordering::Relaxed);
                r.unwrap();
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert!(peak.load(Ordering::Relaxed) <= 32_768);
    assert_eq!(conn.in_flight(), 0);
    // Waiting is bounded by the request timeout.
    let holders: Vec<_> = (0..32_768)
        .map(|_| {
            let conn = conn.clone();
            tokio::spawn(async move { conn.send(query("sleep:5000"), timeout(10_000)).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(conn.free_streams(), 0);
    let r = conn.send(query("x"), timeout(200)).await;
    assert_eq!(r, Err(ConnectionError::Timeout(Duration::from_millis(200))));
    for h in holders {
        h.await.unwrap().unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn a_node_closing_mid_request_fails_in_flight_requests_at_once() {
    let (conn, _) = open(Behaviour::default(), ConnectionConfig::default()).await;
    let conn = conn.unwrap();
    let slow = {
        let conn = conn.clone();
        tokio::spawn(async move {
            conn.send(query("sleep:60000"), RequestOptions::default())
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    let r = conn.send(query("close"), RequestOptions::default()).await;
    assert!(matches!(r, Err(ConnectionError::Closed(_))), "{r:?}");
    let r = slow.await.unwrap();
    match r {
        Err(ConnectionError::Closed(m)) => assert!(m.contains("closed the connection"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(conn.is_closed());
    let r = conn.send(query("again"), RequestOptions::default()).await;
    assert!(matches!(r, Err(ConnectionError::Closed(_))));
}

#[tokio::test(start_paused = true)]
async fn an_unanswered_heartbeat_declares_the_connection_dead() {
    let b = Behaviour {
        mute_after_handshake: true,
        ..Behaviour::default()
    };
    let config = ConnectionConfig {
        heartbeat_interval: Some(Duration::from_secs(1)),
        connect_timeout: Duration::from_millis(500),
        ..ConnectionConfig::default()
    };
    let (conn, _) = open(b, config).await;
    let conn = conn.unwrap();
    let start = tokio::time::Instant::now();
    let r = conn
        .send(query("never answered"), RequestOptions::default())
        .await;
    match r {
        Err(ConnectionError::Closed(m)) => assert!(m.contains("heartbeat"), "{m}"),
        other => panic!("{other:?}"),
    }
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_millis(1600),
        "{waited:?}"
    );
    assert!(conn.is_closed());
}

#[tokio::test(start_paused = true)]
async fn close_fails_in_flight_requests_and_dropping_every_handle_closes() {
    let (conn, _) = open(Behaviour::default(), ConnectionConfig::default()).await;
    let conn = conn.unwrap();
    let slow = {
        let conn = conn.clone();
        tokio::spawn(async move {
            conn.send(query("sleep:60000"), RequestOptions::default())
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(conn.in_flight(), 1);
    conn.close().await;
    assert!(matches!(
        slow.await.unwrap(),
        Err(ConnectionError::Closed(_))
    ));
    assert!(conn.is_closed());
    assert!(matches!(
        conn.closed_error(),
        Some(ConnectionError::Closed(_))
    ));

    let b = Behaviour::default();
    let transport = MockTransport::new(b);
    let conn = Connection::open(
        &transport,
        Arc::new(TokioRuntime::new()),
        addr(),
        ConnectionConfig::default(),
    )
    .await
    .unwrap();
    let events = conn.events();
    drop(conn);
    // The event stream ends: the connection closed with its last handle.
    assert_eq!(events.collect::<Vec<_>>().await, vec![]);
}
