//! `cql_core::connection::Connection` over this crate's transports and runtime, against
//! the simulated node and against scripted local listeners (late answers, a node that
//! hangs up mid-request, a node that stops answering heartbeats).

use std::sync::Arc;
use std::time::Duration;

use cql_core::connection::{
    Connection, ConnectionConfig, ConnectionError, PlainTextAuthenticator, RequestOptions,
};
use cql_testkit::sim::server::{ServerCertificate, SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::frame::{Compression, DEFAULT_MAX_BODY_LEN, ProtocolVersion, read_frame};
use cql_transport_tcp::message::{
    Event, EventType, Query, QueryParameters, Request, RequestFrame, Response, ResponseFrame,
    ResultMessage, Supported,
};
use cql_transport_tcp::runtime::{NodeAddr, TransportErrorKind};
use cql_transport_tcp::{TcpTransport, TlsConfig, TlsTransport, TokioRuntime};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn query(cql: &'_ str) -> Request<'_> {
    Request::Query(Query {
        query: cql.to_string().into(),
        params: QueryParameters::default(),
    })
}

fn config(version: Option<ProtocolVersion>, compression: Compression) -> ConnectionConfig {
    ConnectionConfig {
        protocol_version: version,
        compression,
        ..ConnectionConfig::default()
    }
}

async fn open(server: &SimServerHandle, config: ConnectionConfig) -> Connection {
    Connection::open(
        &TcpTransport::new(),
        std::sync::Arc::new(TokioRuntime::new()),
        server.local_addr().into(),
        config,
    )
    .await
    .unwrap()
}

/// Runs `SELECT release_version FROM system.local` and checks a row came back.
async fn select_release_version(conn: &Connection) {
    let answer = conn
        .send(
            query("SELECT release_version FROM system.local"),
            RequestOptions {
                timeout: Some(Duration::from_secs(5)),
                ..RequestOptions::default()
            },
        )
        .await
        .unwrap();
    match answer.response {
        Response::Result(ResultMessage::Rows(rows)) => assert_eq!(rows.rows_count, 1),
        other => panic!("expected rows, got {other:?}"),
    }
}

fn is_closed_error(e: &ConnectionError) -> bool {
    match e {
        ConnectionError::Closed(_) => true,
        ConnectionError::Transport(t) => {
            matches!(t.kind, TransportErrorKind::Closed | TransportErrorKind::Io)
        }
        _ => false,
    }
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

// ---- the simulated node ----------------------------------------------------------------

#[tokio::test]
async fn handshakes_v4_and_v5() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    for version in [ProtocolVersion::V4, ProtocolVersion::V5] {
        let conn = open(&server, config(Some(version), Compression::None)).await;
        assert_eq!(conn.protocol_version(), version);
        assert!(!conn.is_closed());
        select_release_version(&conn).await;
        conn.close().await;
        assert!(conn.is_closed());
    }
    server.stop().await;
}

#[tokio::test]
async fn version_negotiation_steps_down_to_what_the_node_speaks() {
    let newest = SimServer::start(SimServerConfig::default()).await.unwrap();
    let conn = open(&newest, config(None, Compression::None)).await;
    assert_eq!(conn.protocol_version(), ProtocolVersion::V5);
    select_release_version(&conn).await;
    newest.stop().await;

    let v4_only = SimServer::start(
        SimServerConfig::default()
            .with_protocol_versions(vec![ProtocolVersion::V3, ProtocolVersion::V4]),
    )
    .await
    .unwrap();
    let conn = open(&v4_only, config(None, Compression::None)).await;
    assert_eq!(conn.protocol_version(), ProtocolVersion::V4);
    select_release_version(&conn).await;
    v4_only.stop().await;
}

#[tokio::test]
async fn compression_lz4_and_snappy() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    for (version, compression) in [
        (ProtocolVersion::V4, Compression::Lz4),
        (ProtocolVersion::V5, Compression::Lz4),
        (ProtocolVersion::V4, Compression::Snappy),
    ] {
        let conn = open(&server, config(Some(version), compression)).await;
        select_release_version(&conn).await;
        // Something larger than the compression threshold too.
        let answer = conn
            .send(
                query("SELECT * FROM system_schema.columns"),
                RequestOptions::default(),
            )
            .await
            .unwrap();
        assert!(matches!(
            answer.response,
            Response::Result(ResultMessage::Rows(_))
        ));
        conn.close().await;
    }
    server.stop().await;
}

#[tokio::test]
async fn authentication_good_bad_and_missing() {
    let server = SimServer::start(SimServerConfig::default().with_user("alice", "s3cret"))
        .await
        .unwrap();
    let with = |user: &str, pass: &str| ConnectionConfig {
        authenticator: Some(Arc::new(PlainTextAuthenticator::new(user, pass))),
        ..ConnectionConfig::default()
    };
    let good = open(&server, with("alice", "s3cret")).await;
    select_release_version(&good).await;

    let transport = TcpTransport::new();
    for config in [with("alice", "wrong"), ConnectionConfig::default()] {
        let err = Connection::open(
            &transport,
            std::sync::Arc::new(TokioRuntime::new()),
            server.local_addr().into(),
            config,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, ConnectionError::Authentication(_)), "{err}");
    }
    server.stop().await;
}

#[tokio::test]
async fn over_tls_with_the_generated_ca() {
    let server =
        SimServer::start(SimServerConfig::default().with_tls(ServerCertificate::Generated))
            .await
            .unwrap();
    let tls = TlsTransport::new(
        TlsConfig::builder()
            .ca_pem(&server.tls().unwrap().ca_pem)
            .build()
            .unwrap(),
    );
    for version in [ProtocolVersion::V4, ProtocolVersion::V5] {
        let conn = Connection::open(
            &tls,
            std::sync::Arc::new(TokioRuntime::new()),
            NodeAddr::new("localhost", server.local_addr().port()),
            config(Some(version), Compression::Lz4),
        )
        .await
        .unwrap();
        select_release_version(&conn).await;
        conn.close().await;
    }
    // Over plain TCP the TLS node never answers the handshake: a transport error or a
    // timeout, never a hang.
    let plain = Connection::open(
        &TcpTransport::new(),
        std::sync::Arc::new(TokioRuntime::new()),
        server.local_addr().into(),
        ConnectionConfig {
            connect_timeout: Duration::from_millis(500),
            ..ConnectionConfig::default()
        },
    )
    .await;
    assert!(plain.is_err());
    server.stop().await;
}

/// Many requests in flight at once over one TLS stream (split into halves that read and
/// write concurrently), answers larger than a TLS record among them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_over_one_tls_connection() {
    let server =
        SimServer::start(SimServerConfig::default().with_tls(ServerCertificate::Generated))
            .await
            .unwrap();
    let tls = TlsTransport::new(
        TlsConfig::builder()
            .ca_pem(&server.tls().unwrap().ca_pem)
            .build()
            .unwrap(),
    );
    let conn = Connection::open(
        &tls,
        std::sync::Arc::new(TokioRuntime::new()),
        server.local_addr().into(),
        ConnectionConfig::default(),
    )
    .await
    .unwrap();
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let conn = conn.clone();
            tokio::spawn(async move {
                let cql = if i % 8 == 0 {
                    "SELECT * FROM system_schema.columns"
                } else {
                    "SELECT release_version FROM system.local"
                };
                let options = RequestOptions {
                    timeout: Some(Duration::from_secs(10)),
                    ..RequestOptions::default()
                };
                conn.send(query(cql), options).await
            })
        })
        .collect();
    for task in tasks {
        let answer = task.await.unwrap().unwrap();
        assert!(matches!(
            answer.response,
            Response::Result(ResultMessage::Rows(_))
        ));
    }
    assert_eq!(conn.in_flight(), 0);
    conn.close().await;
    server.stop().await;
}

#[tokio::test]
async fn keyspace_and_events() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let conn = open(
        &server,
        ConnectionConfig {
            keyspace: Some("system".to_string()),
            events: vec![EventType::StatusChange],
            ..ConnectionConfig::default()
        },
    )
    .await;
    // USE system took effect: an unqualified table resolves.
    let answer = conn
        .send(
            query("SELECT release_version FROM local"),
            RequestOptions::default(),
        )
        .await
        .unwrap();
    assert!(matches!(
        answer.response,
        Response::Result(ResultMessage::Rows(_))
    ));
    let mut events = conn.events();
    let event = Event::StatusChange {
        change: cql_transport_tcp::message::StatusChangeType::Down,
        address: "127.0.0.9:9042".parse().unwrap(),
    };
    server.node().publish(event.clone());
    let got = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .unwrap();
    assert_eq!(got, Some(event));
    conn.close().await;
    // The stream ends with the connection.
    let end = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .unwrap();
    assert_eq!(end, None);
    server.stop().await;
}

#[tokio::test]
async fn refused_and_unresolvable_are_transport_errors() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let transport = TcpTransport::new();
    for (addr, kind) in [
        (
            NodeAddr::new("127.0.0.1", port),
            TransportErrorKind::Connect,
        ),
        (
            NodeAddr::new("no-such-node.invalid", port),
            TransportErrorKind::Resolve,
        ),
    ] {
        let err = Connection::open(
            &transport,
            std::sync::Arc::new(TokioRuntime::new()),
            addr,
            ConnectionConfig::default(),
        )
        .await
        .unwrap_err();
        match err {
            ConnectionError::Transport(t) => assert_eq!(t.kind, kind, "{t}"),
            other => panic!("expected a transport error, got {other}"),
        }
    }
}

// ---- scripted nodes --------------------------------------------------------------------

/// How a scripted node treats requests once the handshake (OPTIONS, STARTUP) is done.
#[derive(Debug, Clone, Copy)]
enum Script {
    /// Answers every request, but QUERY only after a delay (VOID).
    DelayQueries(Duration),
    /// Hangs up when a QUERY arrives.
    CloseOnQuery,
    /// Answers nothing at all (heartbeat OPTIONS included).
    Silent,
}

/// A node speaking just enough v4 (no compression) to complete a handshake, then
/// following `script`. Returns its address.
async fn scripted_node(script: Script) -> NodeAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().into();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve_scripted(socket, script));
        }
    });
    addr
}

async fn serve_scripted(socket: tokio::net::TcpStream, script: Script) {
    let (mut reader, writer) = socket.into_split();
    let writer = Arc::new(tokio::sync::Mutex::new(writer));
    let reply = |version: ProtocolVersion, stream: i16, response: Response| {
        let writer = writer.clone();
        async move {
            let mut out = Vec::new();
            ResponseFrame::new(stream, response)
                .encode(version, Compression::None, &mut out)
                .unwrap();
            let _ = writer.lock().await.write_all(&out).await;
        }
    };
    let mut handshaken = false;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        while let Ok(Some((frame, used))) =
            read_frame(&buf, DEFAULT_MAX_BODY_LEN, Compression::None)
        {
            buf.drain(..used);
            let version = frame.header.version;
            let Ok(request) = RequestFrame::decode(&frame) else {
                return;
            };
            let stream = request.stream;
            let silent = handshaken && matches!(script, Script::Silent);
            match request.request {
                _ if silent => {}
                Request::Options => {
                    let supported = Supported {
                        options: vec![
                            ("CQL_VERSION".to_string(), vec!["3.4.6".to_string()]),
                            ("PROTOCOL_VERSIONS".to_string(), vec!["4/v4".to_string()]),
                            ("COMPRESSION".to_string(), Vec::new()),
                        ],
                    };
                    reply(version, stream, Response::Supported(supported)).await;
                }
                Request::Startup(_) => {
                    handshaken = true;
                    reply(version, stream, Response::Ready).await;
                }
                Request::Register(_) => reply(version, stream, Response::Ready).await,
                _ => match script {
                    Script::DelayQueries(delay) => {
                        let late = reply(version, stream, Response::Result(ResultMessage::Void));
                        tokio::spawn(async move {
                            tokio::time::sleep(delay).await;
                            late.await;
                        });
                    }
                    Script::CloseOnQuery => return,
                    Script::Silent => {}
                },
            }
        }
        match reader.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

async fn open_scripted(addr: NodeAddr, config: ConnectionConfig) -> Connection {
    Connection::open(
        &TcpTransport::new(),
        std::sync::Arc::new(TokioRuntime::new()),
        addr,
        config,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn request_timeout_then_late_response_is_absorbed() {
    let addr = scripted_node(Script::DelayQueries(Duration::from_millis(400))).await;
    let conn = open_scripted(addr, config(Some(ProtocolVersion::V4), Compression::None)).await;
    let short = RequestOptions {
        timeout: Some(Duration::from_millis(50)),
        ..RequestOptions::default()
    };
    let err = conn.send(query("SELECT slow"), short).await.unwrap_err();
    assert_eq!(err, ConnectionError::Timeout(Duration::from_millis(50)));
    // The stream id stays taken until the late answer arrives, then is freed.
    assert_eq!(conn.in_flight(), 1);
    eventually("the late answer frees its stream id", || {
        conn.in_flight() == 0
    })
    .await;
    assert!(!conn.is_closed());
    // The connection still works, and the late answer did not leak into this request.
    let patient = RequestOptions {
        timeout: Some(Duration::from_secs(5)),
        ..RequestOptions::default()
    };
    let answer = conn.send(query("SELECT again"), patient).await.unwrap();
    assert_eq!(answer.response, Response::Result(ResultMessage::Void));
    conn.close().await;
}

#[tokio::test]
async fn a_short_timeout_fires_on_time_behind_longer_ones() {
    // Request deadlines are kept by the connection's writer task: one that comes after
    // (and ends before) others must still re-arm its timer.
    let addr = scripted_node(Script::DelayQueries(Duration::from_secs(3))).await;
    let conn = open_scripted(addr, config(Some(ProtocolVersion::V4), Compression::None)).await;
    let long = {
        let conn = conn.clone();
        tokio::spawn(async move {
            let options = RequestOptions {
                timeout: Some(Duration::from_secs(2)),
                ..RequestOptions::default()
            };
            conn.send(query("SELECT long"), options).await
        })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    let started = std::time::Instant::now();
    let short = RequestOptions {
        timeout: Some(Duration::from_millis(100)),
        ..RequestOptions::default()
    };
    let err = conn.send(query("SELECT short"), short).await.unwrap_err();
    assert_eq!(err, ConnectionError::Timeout(Duration::from_millis(100)));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(100) && waited < Duration::from_millis(1500),
        "{waited:?}"
    );
    let err = long.await.unwrap().unwrap_err();
    assert_eq!(err, ConnectionError::Timeout(Duration::from_secs(2)));
    assert_eq!(
        conn.in_flight(),
        2,
        "both ids stay reserved for the late answers"
    );
    conn.close().await;
}

#[tokio::test]
async fn node_closing_mid_request_fails_the_request_and_the_connection() {
    let addr = scripted_node(Script::CloseOnQuery).await;
    let conn = open_scripted(addr, config(Some(ProtocolVersion::V4), Compression::None)).await;
    let options = RequestOptions {
        timeout: Some(Duration::from_secs(5)),
        ..RequestOptions::default()
    };
    let err = conn
        .send(query("SELECT boom"), options.clone())
        .await
        .unwrap_err();
    assert!(is_closed_error(&err), "{err}");
    eventually("the connection notices", || conn.is_closed()).await;
    assert_eq!(conn.in_flight(), 0);
    let after = conn.send(query("SELECT more"), options).await.unwrap_err();
    assert!(is_closed_error(&after), "{after}");
}

#[tokio::test]
async fn unanswered_heartbeat_closes_the_connection() {
    let addr = scripted_node(Script::Silent).await;
    let conn = open_scripted(
        addr,
        ConnectionConfig {
            protocol_version: Some(ProtocolVersion::V4),
            heartbeat_interval: Some(Duration::from_millis(100)),
            connect_timeout: Duration::from_millis(300),
            ..ConnectionConfig::default()
        },
    )
    .await;
    // A request with no timeout of its own is failed when the heartbeat gives up.
    let pending = {
        let conn = conn.clone();
        tokio::spawn(async move {
            conn.send(query("SELECT never"), RequestOptions::default())
                .await
        })
    };
    let result = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .expect("the heartbeat must fail the pending request")
        .unwrap();
    let err = result.unwrap_err();
    assert!(is_closed_error(&err), "{err}");
    eventually("the connection is closed", || conn.is_closed()).await;
}

/// The scripted nodes themselves behave as scripted (checked with the testkit's raw
/// client, so the tests above fail only for the connection's reasons).
#[tokio::test]
async fn scripted_nodes_follow_their_scripts() {
    use cql_testkit::raw::RawClient;
    let socket = |addr: NodeAddr| -> std::net::SocketAddr {
        format!("{}:{}", addr.host, addr.port).parse().unwrap()
    };

    let delayed = scripted_node(Script::DelayQueries(Duration::from_millis(100))).await;
    let mut client = RawClient::connect(socket(delayed), ProtocolVersion::V4)
        .await
        .unwrap();
    client.handshake(Compression::None, None).await.unwrap();
    let started = std::time::Instant::now();
    assert_eq!(
        client.query("SELECT slow").await.unwrap(),
        Response::Result(ResultMessage::Void)
    );
    assert!(started.elapsed() >= Duration::from_millis(100));

    let closing = scripted_node(Script::CloseOnQuery).await;
    let mut client = RawClient::connect(socket(closing), ProtocolVersion::V4)
        .await
        .unwrap();
    client.handshake(Compression::None, None).await.unwrap();
    let err = client.query("SELECT boom").await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);

    let silent = scripted_node(Script::Silent).await;
    let mut client = RawClient::connect(socket(silent), ProtocolVersion::V4)
        .await
        .unwrap();
    client.handshake(Compression::None, None).await.unwrap();
    let heartbeat =
        tokio::time::timeout(Duration::from_millis(200), client.request(Request::Options));
    assert!(
        heartbeat.await.is_err(),
        "a silent node must not answer OPTIONS"
    );
}
