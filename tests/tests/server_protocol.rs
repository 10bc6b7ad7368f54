//! The simulated node's native-protocol server over real sockets: handshakes, version
//! refusal, authentication, TLS, framing errors, errors from the node, pipelining, events,
//! primed responses and the load generator.

use std::time::Duration;

use bytes::Bytes;
use cql_core::frame::{Compression, Opcode, ProtocolVersion};
use cql_core::message::{
    DbError, Event, EventType, Execute, Prepare, Query, QueryParameters, Register, Request,
    RequestFrame, Response, ResultMessage, SchemaChange, SchemaChangeTarget, SchemaChangeType,
    Startup,
};
use cql_core::types::{ColumnSpec, ColumnType};
use cql_testkit::load::{LoadConfig, run};
use cql_testkit::raw::RawClient;
use cql_testkit::sim::server::{
    Prime, Primes, ServerCertificate, SimServer, SimServerConfig, SimServerHandle,
};
use cql_testkit::sim::{Outcome, RowsResult};

const V3: ProtocolVersion = ProtocolVersion::V3;
const V4: ProtocolVersion = ProtocolVersion::V4;
const V5: ProtocolVersion = ProtocolVersion::V5;

const PRIMED_ROWS: &str = "SELECT v FROM ks.t WHERE k = 1";
const PRIMED_VOID: &str = "INSERT INTO ks.t (k, v) VALUES (1, 2)";

fn col(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "ks".into(),
        table: "t".into(),
        name: name.into(),
        typ,
    }
}

fn primes() -> Primes {
    let rows = RowsResult {
        columns: vec![col("v", ColumnType::Int)],
        rows: vec![vec![Some(Bytes::from_static(&[0, 0, 0, 42]))]],
        paging_state: None,
    };
    let mut p = Primes::new().with(PRIMED_ROWS, Outcome::Rows(rows));
    p.insert(
        PRIMED_VOID,
        Prime::new(Outcome::Void).with_bind(vec![col("k", ColumnType::Int)]),
    );
    p
}

async fn start() -> SimServerHandle {
    SimServer::start(SimServerConfig::default().with_primes(primes()))
        .await
        .unwrap()
}

async fn ready(server: &SimServerHandle, version: ProtocolVersion, c: Compression) -> RawClient {
    let mut client = RawClient::connect(server.local_addr(), version)
        .await
        .unwrap();
    client.handshake(c, None).await.unwrap();
    client
}

fn error(response: &Response) -> (DbError, String) {
    match response {
        Response::Error(e) => (e.error.clone(), e.message.clone()),
        other => panic!("expected an ERROR, got {other:?}"),
    }
}

fn rows(response: &Response) -> &cql_core::message::Rows {
    match response {
        Response::Result(ResultMessage::Rows(r)) => r,
        other => panic!("expected Rows, got {other:?}"),
    }
}

async fn check_primed_round_trip(client: &mut RawClient) {
    let answer = client.query(PRIMED_ROWS).await.unwrap();
    let r = rows(&answer);
    assert_eq!(r.rows_count, 1);
    assert_eq!(&r.content[..], &[0, 0, 0, 4, 0, 0, 0, 42]);
    assert_eq!(r.metadata.columns.as_ref().unwrap()[0].name, "v");
}

#[tokio::test]
async fn handshakes_in_every_version_and_compression() {
    let server = start().await;
    for (version, compression) in [
        (V3, Compression::None),
        (V4, Compression::None),
        (V4, Compression::Lz4),
        (V4, Compression::Snappy),
        (V5, Compression::None),
        (V5, Compression::Lz4),
    ] {
        let mut client = ready(&server, version, compression).await;
        check_primed_round_trip(&mut client).await;
        // A big answer exercises compression and multi-segment frames.
        let answer = client
            .query(&format!("SELECT {}", "x".repeat(200_000)))
            .await
            .unwrap();
        assert_eq!(
            error(&answer).0,
            DbError::SyntaxError,
            "{version:?} {compression:?}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn v5_refuses_snappy_and_unknown_compression_is_refused() {
    let server = start().await;
    let mut client = RawClient::connect(server.local_addr(), V5).await.unwrap();
    let err = client
        .handshake(Compression::Snappy, None)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Snappy compression is not supported in protocol V5"),
        "{err}"
    );
    let mut startup = Startup::new("3.0.0");
    startup.options.push(("COMPRESSION".into(), "zstd".into()));
    let answer = client.request(Request::Startup(startup)).await.unwrap();
    assert_eq!(
        error(&answer.response),
        (
            DbError::ProtocolError,
            "Unknown compression algorithm: zstd".into()
        )
    );
    // The connection stays usable for a correct STARTUP.
    client.handshake(Compression::Lz4, None).await.unwrap();
    check_primed_round_trip(&mut client).await;
    server.stop().await;
}

#[tokio::test]
async fn options_answer_supported() {
    let server = start().await;
    let mut client = RawClient::connect(server.local_addr(), V4).await.unwrap();
    let answer = client.request(Request::Options).await.unwrap();
    let Response::Supported(s) = answer.response else {
        panic!("{answer:?}")
    };
    assert_eq!(
        s.get("CQL_VERSION"),
        [server.node().info().cql_version.clone()]
    );
    assert_eq!(s.get("COMPRESSION"), ["snappy", "lz4"]);
    assert_eq!(
        s.get("PROTOCOL_VERSIONS"),
        ["3/v3", "4/v4", "5/v5", "6/v6-beta"]
    );
    server.stop().await;
}

#[tokio::test]
async fn unsupported_versions_are_refused_as_cassandra_does() {
    let server = start().await;
    // Version 7: answered in v4 on the client's stream, then the connection is closed.
    let mut client = RawClient::connect(server.local_addr(), V4).await.unwrap();
    client
        .send_raw(&[0x07, 0, 0, 3, 0x05, 0, 0, 0, 0])
        .await
        .unwrap();
    let frame = client.recv_frame().await.unwrap();
    assert_eq!(frame.header.version, V4);
    assert_eq!(frame.header.stream, 3);
    assert_eq!(frame.header.opcode, Opcode::Error);
    let answer = cql_core::message::ResponseFrame::decode(&frame).unwrap();
    assert_eq!(
        error(&answer.response),
        (
            DbError::ProtocolError,
            "Invalid or unsupported protocol version (7); supported versions are (3/v3, 4/v4, 5/v5, 6/v6-beta)"
                .into()
        )
    );
    assert!(client.closed_by_peer().await);
    // Version 6 with the beta flag: 4.1 would speak v6-beta; this node refuses it as an
    // unsupported version, so drivers step down to v5.
    let mut client = RawClient::connect(server.local_addr(), V4).await.unwrap();
    client
        .send_raw(&[0x06, 0x10, 0, 4, 0x05, 0, 0, 0, 0])
        .await
        .unwrap();
    let answer =
        cql_core::message::ResponseFrame::decode(&client.recv_frame().await.unwrap()).unwrap();
    assert!(
        error(&answer.response)
            .1
            .starts_with("Invalid or unsupported protocol version (6)")
    );

    // A node limited to v3/v4 refuses v5 the same way, so drivers downgrade.
    let limited = SimServer::start(SimServerConfig::default().with_protocol_versions(vec![V3, V4]))
        .await
        .unwrap();
    let mut client = RawClient::connect(limited.local_addr(), V5).await.unwrap();
    let answer = client.request(Request::Options).await.unwrap();
    assert_eq!(
        error(&answer.response).1,
        "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4)"
    );
    limited.stop().await;
    server.stop().await;
}

#[tokio::test]
async fn v6_without_the_beta_flag_is_told_so_in_a_v6_header() {
    let server = start().await;
    let mut tcp = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tcp.write_all(&[0x06, 0, 0, 5, 0x05, 0, 0, 0, 0])
        .await
        .unwrap();
    let mut all = Vec::new();
    tcp.read_to_end(&mut all).await.unwrap();
    assert_eq!(&all[..5], &[0x86, 0, 0, 5, 0x00]);
    let len = u32::from_be_bytes([all[5], all[6], all[7], all[8]]) as usize;
    assert_eq!(all.len(), 9 + len);
    assert_eq!(&all[9..13], &[0, 0, 0, 0x0A]);
    let msg = String::from_utf8_lossy(&all[15..]);
    assert_eq!(
        msg,
        "Beta version of the protocol used (6/v6-beta), but USE_BETA flag is unset"
    );
    server.stop().await;
}

#[tokio::test]
async fn v2_refusal_uses_the_short_header() {
    let server = start().await;
    let mut tcp = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tcp.write_all(&[0x02, 0, 9, 0x05, 0, 0, 0, 0])
        .await
        .unwrap();
    let mut all = Vec::new();
    tcp.read_to_end(&mut all).await.unwrap();
    assert_eq!(&all[..4], &[0x82, 0, 9, 0x00]);
    let len = u32::from_be_bytes([all[4], all[5], all[6], all[7]]) as usize;
    assert_eq!(all.len(), 8 + len);
    assert_eq!(&all[8..12], &[0, 0, 0, 0x0A]);
    let msg = String::from_utf8_lossy(&all[14..]);
    assert!(
        msg.starts_with("Invalid or unsupported protocol version (2)"),
        "{msg}"
    );
    server.stop().await;
}

#[tokio::test]
async fn requests_before_startup_are_protocol_errors() {
    let server = start().await;
    let mut client = RawClient::connect(server.local_addr(), V4).await.unwrap();
    let answer = client.query(PRIMED_ROWS).await.unwrap();
    assert_eq!(
        error(&answer),
        (
            DbError::ProtocolError,
            "Unexpected message QUERY, expecting STARTUP or OPTIONS".into()
        )
    );
    client.handshake(Compression::None, None).await.unwrap();
    check_primed_round_trip(&mut client).await;
    server.stop().await;
}

#[tokio::test]
async fn password_authentication() {
    let config = SimServerConfig::default()
        .with_primes(primes())
        .with_user("cassandra", "cassandra");
    let server = SimServer::start(config).await.unwrap();
    for version in [V4, V5] {
        let mut client = RawClient::connect(server.local_addr(), version)
            .await
            .unwrap();
        let err = client
            .handshake(Compression::Lz4, Some(("cassandra", "wrong")))
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("Provided username cassandra and/or password are incorrect"),
            "{err}"
        );
        // Still authenticating: a query is refused, a right password then succeeds.
        let answer = client.query(PRIMED_ROWS).await.unwrap();
        assert_eq!(
            error(&answer).1,
            "Unexpected message QUERY, expecting SASL_RESPONSE"
        );
        let token = Bytes::from_static(b"\0cassandra\0cassandra");
        let answer = client
            .request(Request::AuthResponse(cql_core::message::AuthToken::new(
                token,
            )))
            .await
            .unwrap();
        assert!(
            matches!(answer.response, Response::AuthSuccess(_)),
            "{answer:?}"
        );
        check_primed_round_trip(&mut client).await;

        let mut client = RawClient::connect(server.local_addr(), version)
            .await
            .unwrap();
        client
            .handshake(Compression::None, Some(("cassandra", "cassandra")))
            .await
            .unwrap();
        check_primed_round_trip(&mut client).await;
    }
    server.stop().await;
}

#[tokio::test]
async fn tls_with_the_generated_certificate() {
    let config = SimServerConfig::default()
        .with_primes(primes())
        .with_tls(ServerCertificate::Generated);
    let server = SimServer::start(config).await.unwrap();
    let ca = server.tls().unwrap().ca_pem.clone();
    for version in [V4, V5] {
        let mut client = RawClient::connect_tls(server.local_addr(), version, &ca)
            .await
            .unwrap();
        client.handshake(Compression::Lz4, None).await.unwrap();
        check_primed_round_trip(&mut client).await;
    }
    // A client that does not trust the CA fails the TLS handshake.
    let other = cql_testkit::sim::server::tls::setup(&ServerCertificate::Generated).unwrap();
    assert!(
        RawClient::connect_tls(server.local_addr(), V4, &other.info.ca_pem)
            .await
            .is_err()
    );
    server.stop().await;
}

#[tokio::test]
async fn framing_errors_close_the_connection() {
    let server = start().await;
    // Unknown opcode.
    let mut client = ready(&server, V4, Compression::None).await;
    client
        .send_raw(&[0x04, 0, 0, 7, 0x42, 0, 0, 0, 0])
        .await
        .unwrap();
    let answer = client.recv().await.unwrap();
    assert_eq!(answer.stream, 7);
    assert_eq!(
        error(&answer.response),
        (DbError::ProtocolError, "Unknown opcode 66".into())
    );
    assert!(client.closed_by_peer().await);

    // Oversized frame.
    let small = SimServer::start(SimServerConfig {
        max_frame_body: 1024,
        ..SimServerConfig::default()
    })
    .await
    .unwrap();
    let mut client = ready(&small, V4, Compression::None).await;
    client
        .send_raw(&[0x04, 0, 0, 2, 0x07, 0, 0x10, 0, 0])
        .await
        .unwrap();
    let answer = client.recv().await.unwrap();
    let (code, message) = error(&answer.response);
    assert_eq!(code, DbError::Invalid);
    assert!(message.starts_with("Request is too big"), "{message}");
    assert!(client.closed_by_peer().await);
    small.stop().await;

    // A corrupted v5 segment.
    let mut client = ready(&server, V5, Compression::None).await;
    client
        .send_raw(&[0xde, 0xad, 0xbe, 0xef, 0, 0, 0])
        .await
        .unwrap();
    let answer = client.recv().await.unwrap();
    assert_eq!(error(&answer.response).0, DbError::ProtocolError);
    assert!(client.closed_by_peer().await);

    // The node is still serving others.
    let mut client = ready(&server, V4, Compression::None).await;
    check_primed_round_trip(&mut client).await;
    server.stop().await;
}

#[tokio::test]
async fn undecodable_bodies_get_a_protocol_error_on_their_stream() {
    let server = start().await;
    let mut client = ready(&server, V4, Compression::None).await;
    // A QUERY whose [long string] claims 100 bytes but carries 3.
    let mut bad = vec![0x04, 0, 0, 5, 0x07, 0, 0, 0, 7];
    bad.extend_from_slice(&[0, 0, 0, 100, b'a', b'b', b'c']);
    client.send_raw(&bad).await.unwrap();
    let answer = client.recv().await.unwrap();
    assert_eq!(answer.stream, 5);
    let (code, message) = error(&answer.response);
    assert_eq!(code, DbError::ProtocolError);
    assert!(message.starts_with("Invalid QUERY message"), "{message}");
    // As in Cassandra, a bad body does not close the connection.
    check_primed_round_trip(&mut client).await;
    server.stop().await;
}

#[tokio::test]
async fn errors_from_the_node() {
    let server = start().await;
    let mut client = ready(&server, V4, Compression::None).await;
    assert_eq!(
        error(&client.query("USE nope").await.unwrap()),
        (DbError::Invalid, "Keyspace 'nope' does not exist".into())
    );
    assert_eq!(
        error(&client.query("SELCT * FROM t").await.unwrap()),
        (
            DbError::SyntaxError,
            "line 1:0 no viable alternative at input 'SELCT' ([SELCT]...)".into()
        )
    );
    let answer = client
        .request(Request::Prepare(Prepare::new("SELECT * FORM t")))
        .await
        .unwrap();
    assert_eq!(
        error(&answer.response),
        (
            DbError::SyntaxError,
            "line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM]...)".into()
        )
    );
    let id = Bytes::from_static(&[0xab; 16]);
    let answer = client
        .request(Request::Execute(Execute {
            id: id.clone(),
            result_metadata_id: None,
            params: QueryParameters::default(),
        }))
        .await
        .unwrap();
    let (code, message) = error(&answer.response);
    assert_eq!(code, DbError::Unprepared { id });
    assert!(
        message.starts_with("Prepared query with ID abababab"),
        "{message}"
    );
    server.stop().await;
}

#[tokio::test]
async fn pipelined_requests_are_answered_on_their_streams() {
    let server = start().await;
    for version in [V4, V5] {
        let mut client = ready(&server, version, Compression::Lz4).await;
        let mut out = Vec::new();
        for stream in 0..200i16 {
            let query = match stream % 3 {
                0 => PRIMED_ROWS.to_string(),
                1 => PRIMED_VOID.to_string(),
                _ => format!("USE ks{stream}"),
            };
            let frame = RequestFrame::new(
                stream,
                Request::Query(Query {
                    query: query.into(),
                    params: QueryParameters::default(),
                }),
            );
            client.encode(&frame, &mut out).unwrap();
        }
        client.finish(&mut out).unwrap();
        client.send_raw(&out).await.unwrap();
        for expected in 0..200i16 {
            let answer = client.recv().await.unwrap();
            assert_eq!(answer.stream, expected, "answered in order");
            match expected % 3 {
                0 => assert_eq!(rows(&answer.response).rows_count, 1),
                1 => assert_eq!(answer.response, Response::Result(ResultMessage::Void)),
                _ => assert_eq!(
                    error(&answer.response).1,
                    format!("Keyspace 'ks{expected}' does not exist")
                ),
            }
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn tracing_requests_get_a_tracing_id() {
    let server = start().await;
    let mut client = ready(&server, V4, Compression::None).await;
    let mut frame = RequestFrame::new(
        9,
        Request::Query(Query {
            query: PRIMED_VOID.into(),
            params: QueryParameters::default(),
        }),
    );
    frame.tracing = true;
    client.send(&frame).await.unwrap();
    let answer = client.recv().await.unwrap();
    assert!(answer.tracing_id.is_some());
    assert_eq!(answer.response, Response::Result(ResultMessage::Void));
    server.stop().await;
}

fn keyspace_created(name: &str) -> Event {
    Event::SchemaChange(SchemaChange {
        change_type: SchemaChangeType::Created,
        target: SchemaChangeTarget::Keyspace {
            keyspace: name.into(),
        },
    })
}

#[tokio::test]
async fn registered_connections_receive_events() {
    let server = start().await;
    for version in [V4, V5] {
        let mut registered = ready(&server, version, Compression::Lz4).await;
        let answer = registered
            .request(Request::Register(Register {
                events: vec![EventType::SchemaChange],
            }))
            .await
            .unwrap();
        assert_eq!(answer.response, Response::Ready);
        let mut status_only = ready(&server, version, Compression::None).await;
        status_only
            .request(Request::Register(Register {
                events: vec![EventType::StatusChange],
            }))
            .await
            .unwrap();

        server.node().publish(keyspace_created("ks1"));
        let event = tokio::time::timeout(Duration::from_secs(5), registered.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(event.stream, -1);
        assert_eq!(event.response, Response::Event(keyspace_created("ks1")));
        // Not registered for schema changes: nothing arrives; requests still work.
        check_primed_round_trip(&mut status_only).await;
        assert!(
            tokio::time::timeout(Duration::from_millis(100), status_only.recv())
                .await
                .is_err()
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn ddl_pushes_a_schema_change_event() {
    let server = start().await;
    let mut registered = ready(&server, V5, Compression::Lz4).await;
    registered
        .request(Request::Register(Register {
            events: vec![EventType::SchemaChange],
        }))
        .await
        .unwrap();
    let mut client = ready(&server, V4, Compression::None).await;
    let answer = client
        .query("CREATE KEYSPACE ks1 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        .await
        .unwrap();
    assert!(
        matches!(answer, Response::Result(ResultMessage::SchemaChange(_))),
        "{answer:?}"
    );
    let event = tokio::time::timeout(Duration::from_secs(5), registered.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.response, Response::Event(keyspace_created("ks1")));
    server.stop().await;
}

#[tokio::test]
async fn primed_statements_prepare_and_execute_with_v5_metadata_ids() {
    let server = start().await;
    let mut client = ready(&server, V5, Compression::Lz4).await;
    let answer = client
        .request(Request::Prepare(Prepare::new(PRIMED_ROWS)))
        .await
        .unwrap();
    let Response::Result(ResultMessage::Prepared(prepared)) = answer.response else {
        panic!("{answer:?}")
    };
    assert_eq!(prepared.result_metadata.columns.as_ref().unwrap().len(), 1);
    let rm_id = prepared.result_metadata_id.clone().unwrap();
    let execute = |result_metadata_id: Bytes| {
        Request::Execute(Execute {
            id: prepared.id.clone(),
            result_metadata_id: Some(result_metadata_id),
            params: QueryParameters {
                skip_metadata: true,
                ..QueryParameters::default()
            },
        })
    };
    // The client's id matches: metadata skipped.
    let answer = client.request(execute(rm_id.clone())).await.unwrap();
    let r = rows(&answer.response);
    assert!(r.metadata.columns.is_none());
    assert_eq!(&r.content[..], &[0, 0, 0, 4, 0, 0, 0, 42]);
    // A stale id: full metadata, METADATA_CHANGED with the current id.
    let answer = client
        .request(execute(Bytes::from_static(&[0; 16])))
        .await
        .unwrap();
    let r = rows(&answer.response);
    assert!(r.metadata.columns.is_some());
    assert_eq!(r.metadata.new_metadata_id.as_ref(), Some(&rm_id));

    // A primed write with bind markers.
    let answer = client
        .request(Request::Prepare(Prepare::new(PRIMED_VOID)))
        .await
        .unwrap();
    let Response::Result(ResultMessage::Prepared(p)) = answer.response else {
        panic!("{answer:?}")
    };
    assert_eq!(p.bind_metadata.columns.len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn the_load_generator_counts_answers() {
    let server = start().await;
    for (version, compression) in [(V4, Compression::None), (V5, Compression::Lz4)] {
        let mut config = LoadConfig::new(server.local_addr(), PRIMED_ROWS);
        config.connections = 2;
        config.in_flight = 16;
        config.duration = Duration::from_millis(200);
        config.version = version;
        config.compression = compression;
        let report = run(&config).await.unwrap();
        assert!(report.completed > 100, "{report:?}");
        assert_eq!(report.errors, 0);
        assert!(report.per_second() > 0.0);
    }
    server.stop().await;
}

#[tokio::test]
async fn stop_closes_every_connection() {
    let server = start().await;
    let addr = server.local_addr();
    let mut client = ready(&server, V4, Compression::None).await;
    server.stop().await;
    assert!(
        tokio::time::timeout(Duration::from_secs(5), client.closed_by_peer())
            .await
            .unwrap()
    );
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn binds_only_the_given_address() {
    let server = start().await;
    assert!(server.local_addr().ip().is_loopback());
    assert_eq!(server.node().info().native_port, server.local_addr().port());
    server.stop().await;
}

/// A v4 QUERY frame for `cql` at ONE with `flags` and `extra` bytes after the message.
fn raw_query(stream: u8, cql: &str, flags: u8, extra: &[u8]) -> Vec<u8> {
    let mut body = (cql.len() as u32).to_be_bytes().to_vec();
    body.extend_from_slice(cql.as_bytes());
    body.extend_from_slice(&[0, 1, flags]);
    body.extend_from_slice(extra);
    let mut frame = vec![0x04, 0, 0, stream, 0x07];
    frame.extend_from_slice(&(body.len() as u32).to_be_bytes());
    frame.extend(body);
    frame
}

#[tokio::test]
async fn trailing_bytes_and_unknown_flag_bits_are_ignored_as_cassandra_does() {
    let server = start().await;
    let mut client = ready(&server, V4, Compression::None).await;
    for (stream, flags, extra) in [
        (1u8, 0u8, &[0xde, 0xad, 0xbe, 0xef][..]),
        (2, 0x80, &[][..]),
        (3, 0x80, &[1, 2][..]),
    ] {
        client
            .send_raw(&raw_query(stream, PRIMED_ROWS, flags, extra))
            .await
            .unwrap();
        let answer = client.recv().await.unwrap();
        assert_eq!(answer.stream, i16::from(stream));
        assert_eq!(rows(&answer.response).rows_count, 1, "{answer:?}");
    }
    server.stop().await;
}
