//! Unit tests of the session state machine (kept apart to keep session.rs short).

use super::*;
use crate::sim::node::NodeConfig;
use bytes::Bytes;
use cql_core::frame::read_frame;
use cql_core::message::{DbError, ResultMessage, Startup};

fn shared(users: &[(&str, &str)]) -> Arc<Shared> {
    shared_with(users, FaultInjector::new())
}

fn shared_with(users: &[(&str, &str)], faults: FaultInjector) -> Arc<Shared> {
    let config = NodeConfig {
        users: users
            .iter()
            .map(|(u, p)| (u.to_string(), p.to_string()))
            .collect(),
        ..NodeConfig::default()
    };
    Arc::new(Shared {
        node: Node::new(config),
        primes: Primes::new().with("PRIMED", Outcome::Void),
        prepared_primes: PreparedPrimes::default(),
        versions: super::super::version::ALL_VERSIONS.to_vec(),
        addr: "127.0.0.1:9042".parse().unwrap(),
        faults,
        log: RequestLog::new(),
    })
}

/// An injector with a rule of every action, most of them on counts.
fn every_rule() -> FaultInjector {
    use crate::sim::faults::{Action, Rule};
    let faults = FaultInjector::new();
    faults.add_all([
        Rule::new(Action::unprepared()).every(7),
        Rule::new(Action::read_failure(
            Default::default(),
            0,
            1,
            cql_core::message::Failures::Count(3),
            false,
        ))
        .every(5),
        Rule::new(Action::delay_ms(1)).every(4),
        Rule::new(Action::NoAnswer).every(3),
        Rule::new(Action::corrupt_body()).every(6),
        Rule::new(Action::corrupt_header()).every(11),
        Rule::new(Action::CloseAfterExecuting).every(13),
        Rule::new(Action::CloseBeforeExecuting).every(17),
        Rule::new(Action::RefuseConnection),
        Rule::new(Action::overloaded())
            .query_pattern("^SELECT")
            .unwrap(),
    ]);
    faults
}

fn frame(version: ProtocolVersion, stream: i16, request: Request<'_>) -> Frame {
    let mut out = Vec::new();
    RequestFrame::new(stream, request)
        .encode(version, Compression::None, &mut out)
        .unwrap();
    read_frame(&out, 1 << 20, Compression::None)
        .unwrap()
        .unwrap()
        .0
}

fn error_of(r: &Reply) -> (DbError, String) {
    match &r.frame.response {
        Response::Error(e) => (e.error.clone(), e.message.clone()),
        other => panic!("not an error: {other:?}"),
    }
}

fn startup(opts: &[(&str, &str)]) -> Request<'static> {
    Request::Startup(Startup {
        options: opts
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    })
}

#[test]
fn handshake_and_unexpected_messages() {
    let v4 = ProtocolVersion::V4;
    let mut s = ClientState::new(shared(&[]));
    let r = s.handle(&frame(
        v4,
        1,
        Request::Register(cql_core::message::Register {
            events: vec![EventType::SchemaChange],
        }),
    ));
    assert_eq!(
        error_of(&r).1,
        "Unexpected message REGISTER, expecting STARTUP or OPTIONS"
    );
    let r = s.handle(&frame(v4, 2, Request::Options));
    let Response::Supported(sup) = &r.frame.response else {
        panic!()
    };
    assert_eq!(
        sup.get("PROTOCOL_VERSIONS"),
        ["3/v3", "4/v4", "5/v5", "6/v6-beta"]
    );
    assert_eq!(sup.get("COMPRESSION"), ["snappy", "lz4"]);
    let r = s.handle(&frame(
        v4,
        3,
        startup(&[("CQL_VERSION", "3.0.0"), ("COMPRESSION", "zstd")]),
    ));
    assert_eq!(error_of(&r).1, "Unknown compression algorithm: zstd");
    let r = s.handle(&frame(v4, 3, startup(&[("COMPRESSION", "lz4")])));
    assert_eq!(
        error_of(&r).1,
        "Missing value CQL_VERSION in STARTUP message"
    );
    let r = s.handle(&frame(v4, 3, startup(&[("cql_version", "2.0.0")])));
    assert!(error_of(&r).1.contains("supported version are >= 3.0.0"));
    let r = s.handle(&frame(
        v4,
        4,
        startup(&[("CQL_VERSION", "3.4.6"), ("COMPRESSION", "SNAPPY")]),
    ));
    assert_eq!(r.frame.response, Response::Ready);
    assert_eq!(r.switch, Some(Switch::BodyCompression(Compression::Snappy)));
    assert_eq!(s.phase(), Phase::Ready);
    let r = s.handle(&frame(v4, 5, startup(&[("CQL_VERSION", "3.4.6")])));
    assert_eq!(
        error_of(&r).1,
        "Unexpected message STARTUP, the connection is already initialized"
    );
    let r = s.handle(&frame(ProtocolVersion::V5, 6, Request::Options));
    assert_eq!(
        error_of(&r).1,
        "Invalid message version. Got 5/v5 but previous messages on this connection had version 4/v4"
    );
}

#[test]
fn v5_snappy_is_refused_and_lz4_switches_to_segments() {
    let v5 = ProtocolVersion::V5;
    let mut s = ClientState::new(shared(&[]));
    let r = s.handle(&frame(
        v5,
        0,
        startup(&[("CQL_VERSION", "3.0.0"), ("COMPRESSION", "snappy")]),
    ));
    assert_eq!(error_of(&r).0, DbError::ProtocolError);
    let r = s.handle(&frame(
        v5,
        0,
        startup(&[("CQL_VERSION", "3.0.0"), ("COMPRESSION", "lz4")]),
    ));
    assert_eq!(r.switch, Some(Switch::Segments(Compression::Lz4)));
}

#[test]
fn password_authentication() {
    let v4 = ProtocolVersion::V4;
    let mut s = ClientState::new(shared(&[("cassandra", "secret")]));
    let r = s.handle(&frame(v4, 0, startup(&[("CQL_VERSION", "3.0.0")])));
    assert_eq!(
        r.frame.response,
        Response::Authenticate(Authenticate {
            authenticator: PASSWORD_AUTHENTICATOR.into()
        })
    );
    let r = s.handle(&frame(v4, 1, Request::Options));
    assert_eq!(
        error_of(&r).1,
        "Unexpected message OPTIONS, expecting SASL_RESPONSE"
    );
    let bad = Request::AuthResponse(AuthToken::new(Bytes::from_static(b"\0cassandra\0nope")));
    let r = s.handle(&frame(v4, 2, bad));
    assert_eq!(
        error_of(&r),
        (
            DbError::BadCredentials,
            "Provided username cassandra and/or password are incorrect".into()
        )
    );
    let good = Request::AuthResponse(AuthToken::new(Bytes::from_static(b"\0cassandra\0secret")));
    let r = s.handle(&frame(v4, 3, good));
    assert!(matches!(r.frame.response, Response::AuthSuccess(_)));
    assert_eq!(s.phase(), Phase::Ready);
}

#[test]
fn sasl_plain_tokens() {
    assert_eq!(
        decode_plain(b"authz\0u\0p").unwrap(),
        ("u".to_string(), "p".to_string())
    );
    assert!(decode_plain(b"\0u\0").is_err());
    assert!(decode_plain(b"\0\0p").is_err());
    assert!(decode_plain(b"nonul").is_err());
    assert!(decode_plain(b"a\0b\0u\0p").is_err());
}

#[test]
fn primed_queries_and_traced_requests() {
    let v4 = ProtocolVersion::V4;
    let mut s = ClientState::new(shared(&[]));
    s.handle(&frame(v4, 0, startup(&[("CQL_VERSION", "3.0.0")])));
    let mut q = RequestFrame::new(
        1,
        Request::Query(Query {
            query: "PRIMED".into(),
            params: Default::default(),
        }),
    );
    q.tracing = true;
    let mut out = Vec::new();
    q.encode(v4, Compression::None, &mut out).unwrap();
    let f = read_frame(&out, 1 << 20, Compression::None)
        .unwrap()
        .unwrap()
        .0;
    let r = s.handle(&f);
    assert_eq!(r.frame.response, Response::Result(ResultMessage::Void));
    assert!(r.frame.tracing_id.is_some());
    let r = s.handle(&frame(v4, 2, Request::Prepare(Prepare::new("PRIMED"))));
    let Response::Result(ResultMessage::Prepared(p)) = &r.frame.response else {
        panic!("{r:?}")
    };
    let exec = Request::Execute(Execute {
        id: p.id.clone(),
        result_metadata_id: None,
        params: Default::default(),
    });
    let r = s.handle(&frame(v4, 3, exec));
    assert_eq!(r.frame.response, Response::Result(ResultMessage::Void));
    let unknown = Request::Execute(Execute {
        id: Bytes::from_static(&[1; 16]),
        result_metadata_id: None,
        params: Default::default(),
    });
    let r = s.handle(&frame(v4, 4, unknown));
    assert!(matches!(error_of(&r).0, DbError::Unprepared { .. }));
}

#[test]
fn primed_prepare_reports_bind_markers_partition_key_and_table() {
    use cql_core::types::{ColumnSpec, ColumnType};
    let spec = |name: &str| ColumnSpec {
        keyspace: "ks".into(),
        table: "t".into(),
        name: name.into(),
        typ: ColumnType::Int,
    };
    let mut sh = shared(&[]);
    Arc::get_mut(&mut sh).unwrap().primes.insert(
        "SELECT v FROM ks.t WHERE k = ? AND c = ?",
        Prime::new(Outcome::Void)
            .with_bind(vec![spec("k"), spec("c")])
            .with_pk_indexes(vec![0]),
    );
    let v4 = ProtocolVersion::V4;
    let mut s = ClientState::new(sh);
    s.handle(&frame(v4, 0, startup(&[("CQL_VERSION", "3.0.0")])));
    let prepare = Prepare::new("SELECT v FROM ks.t WHERE k = ? AND c = ?");
    let r = s.handle(&frame(v4, 1, Request::Prepare(prepare)));
    let Response::Result(ResultMessage::Prepared(p)) = &r.frame.response else {
        panic!("{r:?}")
    };
    assert_eq!(p.bind_metadata.pk_indexes, vec![0]);
    let table = p.bind_metadata.global_table_spec.as_ref().unwrap();
    assert_eq!((table.keyspace.as_str(), table.table.as_str()), ("ks", "t"));
    let names: Vec<&str> = p.bind_metadata.columns.iter().map(|c| &*c.name).collect();
    assert_eq!(names, ["k", "c"]);
    // Without pk indexes (the default) no routing information is reported.
    let r = s.handle(&frame(v4, 2, Request::Prepare(Prepare::new("PRIMED"))));
    let Response::Result(ResultMessage::Prepared(p)) = &r.frame.response else {
        panic!("{r:?}")
    };
    assert!(p.bind_metadata.pk_indexes.is_empty());
}

#[test]
fn serve_lets_the_first_applying_rule_act_and_records_everything() {
    use crate::sim::faults::{Action, Disposition, FaultEffect, Rule};
    let v4 = ProtocolVersion::V4;
    let faults = FaultInjector::new();
    let s_shared = shared_with(&[], faults.clone());
    let log = s_shared.log.clone();
    let mut s = ClientState::for_connection(s_shared, 7);
    assert_eq!(s.connection(), 7);
    let query = |stream, text: &str| {
        frame(
            v4,
            stream,
            Request::Query(Query {
                query: text.into(),
                params: Default::default(),
            }),
        )
    };
    assert!(matches!(
        s.serve(&frame(v4, 0, startup(&[("CQL_VERSION", "3.0.0")]))),
        Served::Send(_)
    ));
    let delay = faults.add(Rule::new(Action::delay_ms(5)).query("PRIMED").first(1));
    faults.add(Rule::new(Action::NoAnswer).query("PRIMED").first(2));
    faults.add(Rule::new(Action::corrupt_body()).query("PRIMED").first(3));
    faults.add(
        Rule::new(Action::CloseAfterExecuting)
            .query("PRIMED")
            .first(4),
    );
    faults.add(Rule::new(Action::CloseBeforeExecuting).query("PRIMED"));
    let Served::Delay(reply, d) = s.serve(&query(1, "PRIMED")) else {
        panic!()
    };
    assert_eq!((reply.frame.stream, d), (1, Duration::from_millis(5)));
    assert_eq!(s.serve(&query(2, "PRIMED")), Served::NoAnswer);
    assert!(matches!(
        s.serve(&query(3, "PRIMED")),
        Served::Corrupt(_, CorruptKind::Body)
    ));
    assert_eq!(s.serve(&query(4, "PRIMED")), Served::Close);
    assert_eq!(s.serve(&query(5, "PRIMED")), Served::Close);
    // Frames failing the checks are answered, never faulted.
    let Served::Send(r) = s.serve(&frame(v4, 6, startup(&[("CQL_VERSION", "3.0.0")]))) else {
        panic!()
    };
    assert_eq!(error_of(&r).0, DbError::ProtocolError);
    assert!(log.is_empty(), "records wait for the flush");
    s.flush_records();
    let records = log.records();
    assert_eq!(records.len(), 7);
    assert!(records.iter().all(|r| r.connection == 7));
    assert_eq!(
        records[1].disposition,
        Disposition::Fault {
            rule: delay,
            effect: FaultEffect::Delayed(Duration::from_millis(5))
        }
    );
    assert_eq!(
        records[6].disposition,
        Disposition::Answered {
            error: Some(0x000A)
        }
    );
    assert_eq!(records[6].query, None);
}

proptest::proptest! {
    /// Whatever a client sends, decoding and answering never panic, before or after
    /// the handshake, in plain or segment framing.
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512),
        segments in proptest::bool::ANY,
        version in 3u8..=5,
        armed in proptest::bool::ANY,
    ) {
        use super::super::framing::{next_request, write_raw, write_response};
        let version = ProtocolVersion::from_u8(version).unwrap();
        let faults = if armed { every_rule() } else { FaultInjector::new() };
        let mut s = ClientState::new(shared_with(&[], faults));
        let accepted = super::super::version::ALL_VERSIONS;
        let mut framer = cql_core::frame::Framer::new(1 << 16);
        let mut out = Vec::new();
        if segments {
            s.handle(&frame(version, 0, startup(&[("CQL_VERSION", "3.0.0")])));
            framer.start_framing(version, Compression::None).unwrap();
        } else {
            // Make the bytes look like a frame of this version often.
            let mut header = vec![version.as_u8(), 0, 0, 1];
            header.extend_from_slice(&bytes);
            framer.feed(&header);
        }
        framer.feed(&bytes);
        while let Ok(Some(f)) = next_request(&mut framer, &accepted) {
            match s.serve(&f) {
                Served::Send(reply) | Served::Delay(reply, _) => {
                    let _ = write_response(&mut framer, reply.version, &reply.frame, &mut out);
                }
                Served::Corrupt(reply, kind) => {
                    let bytes = crate::sim::faults::action::corrupt_frame(
                        kind,
                        reply.version,
                        reply.frame.stream,
                    );
                    let _ = write_raw(&mut framer, &bytes, &mut out);
                }
                Served::NoAnswer | Served::Close => {}
            }
        }
        s.flush_records();
        let _ = framer.flush(&mut out);
    }
}
