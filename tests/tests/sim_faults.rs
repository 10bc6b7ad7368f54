//! Fault rules and request records over real sockets: every action (errors with their
//! fields as cql-core decodes them, delays, silence, closes before/after executing,
//! corrupt frames, refused connections), every matcher and count filter, shared injectors
//! and logs across servers, the rules file of `cql-sim`, and the records themselves.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cql_core::frame::{Compression, Opcode, ProtocolVersion};
use cql_core::message::{
    Batch, BatchEntry, BatchStatement, Consistency, DbError, Execute, Failures, Prepare, Query,
    QueryParameters, Request, RequestFrame, Response, ResponseFrame, ResultMessage, WriteType,
};
use cql_core::types::SerializedValues;
use cql_testkit::raw::RawClient;
use cql_testkit::sim::faults::{
    Action, Disposition, FaultEffect, FaultInjector, Regex, RequestLog, Rule,
};
use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};

const V4: ProtocolVersion = ProtocolVersion::V4;
const V5: ProtocolVersion = ProtocolVersion::V5;
const READ: &str = "SELECT v FROM ks.t WHERE k = 1";
const WRITE: &str = "INSERT INTO ks.t (k, v) VALUES (1, 1)";
/// How long "never answered" is watched for.
const SILENCE: Duration = Duration::from_millis(300);

async fn start_config(config: SimServerConfig) -> SimServerHandle {
    let server = SimServer::start(config).await.unwrap();
    for ddl in [
        "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE IF NOT EXISTS ks.t (k int PRIMARY KEY, v int)",
    ] {
        server
            .node()
            .query(
                ddl,
                &Default::default(),
                &Default::default(),
                &mut Default::default(),
            )
            .unwrap();
    }
    server
}

async fn start() -> SimServerHandle {
    start_config(SimServerConfig::default()).await
}

async fn client(server: &SimServerHandle, version: ProtocolVersion) -> RawClient {
    let mut c = RawClient::connect(server.local_addr(), version)
        .await
        .unwrap();
    c.handshake(Compression::None, None).await.unwrap();
    c
}

fn query_frame(stream: i16, cql: &'_ str, consistency: Consistency) -> RequestFrame<'_> {
    RequestFrame::new(
        stream,
        Request::Query(Query {
            query: cql.to_string().into(),
            params: QueryParameters {
                consistency,
                ..QueryParameters::default()
            },
        }),
    )
}

async fn query_at(c: &mut RawClient, cql: &str, consistency: Consistency) -> Response {
    let stream = c.next_stream();
    c.send(&query_frame(stream, cql, consistency))
        .await
        .unwrap();
    recv_on(c, stream).await.response
}

async fn recv_on(c: &mut RawClient, stream: i16) -> ResponseFrame {
    loop {
        let answer = tokio::time::timeout(Duration::from_secs(5), c.recv())
            .await
            .expect("an answer within 5 s")
            .unwrap();
        if answer.stream == stream {
            return answer;
        }
    }
}

fn error(response: &Response) -> (DbError, String) {
    match response {
        Response::Error(e) => (e.error.clone(), e.message.clone()),
        other => panic!("expected an ERROR, got {other:?}"),
    }
}

fn is_ok(response: &Response) -> bool {
    matches!(response, Response::Result(_))
}

async fn rows_of(c: &mut RawClient, cql: &str) -> usize {
    match c.query(cql).await.unwrap() {
        Response::Result(ResultMessage::Rows(r)) => r.rows_count,
        other => panic!("expected rows, got {other:?}"),
    }
}

/// A prepared statement's id and (v5) result metadata id.
struct Ids {
    id: Bytes,
    result_metadata_id: Option<Bytes>,
}

async fn prepare(c: &mut RawClient, cql: &str) -> Ids {
    let request = Request::Prepare(Prepare::new(cql));
    match c.request(request).await.unwrap().response {
        Response::Result(ResultMessage::Prepared(p)) => Ids {
            id: p.id,
            result_metadata_id: p.result_metadata_id,
        },
        other => panic!("expected Prepared, got {other:?}"),
    }
}

fn execute(ids: &'_ Ids, consistency: Consistency) -> Request<'_> {
    Request::Execute(Execute {
        id: ids.id.clone(),
        result_metadata_id: ids.result_metadata_id.clone(),
        params: QueryParameters {
            consistency,
            ..QueryParameters::default()
        },
    })
}

#[tokio::test]
async fn errors_carry_their_fields_in_v4_and_v5() {
    let server = start().await;
    let ip = server.local_addr().ip();
    let cases: Vec<(Action, ProtocolVersion, DbError)> = vec![
        (
            Action::read_timeout(Consistency::Quorum, 1, 2, true),
            V4,
            DbError::ReadTimeout {
                consistency: Consistency::Quorum,
                received: 1,
                block_for: 2,
                data_present: true,
            },
        ),
        (
            Action::write_timeout(Consistency::All, 2, 3, WriteType::BatchLog),
            V4,
            DbError::WriteTimeout {
                consistency: Consistency::All,
                received: 2,
                block_for: 3,
                write_type: WriteType::BatchLog,
                contentions: None,
            },
        ),
        (
            Action::cas_write_timeout(Consistency::Serial, 0, 2, 5),
            V5,
            DbError::WriteTimeout {
                consistency: Consistency::Serial,
                received: 0,
                block_for: 2,
                write_type: WriteType::Cas,
                contentions: Some(5),
            },
        ),
        (
            Action::unavailable(Consistency::LocalQuorum, 2, 1),
            V4,
            DbError::Unavailable {
                consistency: Consistency::LocalQuorum,
                required: 2,
                alive: 1,
            },
        ),
        (Action::overloaded(), V4, DbError::Overloaded),
        (Action::is_bootstrapping(), V4, DbError::IsBootstrapping),
        (Action::server_error("boom"), V4, DbError::ServerError),
        (Action::truncate_error(), V4, DbError::TruncateError),
        (
            Action::read_failure(Consistency::Two, 1, 2, Failures::Count(1), false),
            V4,
            DbError::ReadFailure {
                consistency: Consistency::Two,
                received: 1,
                block_for: 2,
                failures: Failures::Count(1),
                data_present: false,
            },
        ),
        (
            Action::read_failure(Consistency::Two, 1, 2, Failures::Count(2), true),
            V5,
            DbError::ReadFailure {
                consistency: Consistency::Two,
                received: 1,
                block_for: 2,
                failures: Failures::ByReplica(vec![(ip, 0), (ip, 0)]),
                data_present: true,
            },
        ),
        (
            Action::write_failure(
                Consistency::Quorum,
                0,
                2,
                Failures::ByReplica(vec![(ip, 3)]),
                WriteType::Counter,
            ),
            V5,
            DbError::WriteFailure {
                consistency: Consistency::Quorum,
                received: 0,
                block_for: 2,
                failures: Failures::ByReplica(vec![(ip, 3)]),
                write_type: WriteType::Counter,
            },
        ),
        (
            Action::cas_write_unknown(Consistency::LocalSerial, 1, 2),
            V5,
            DbError::CasWriteUnknown {
                consistency: Consistency::LocalSerial,
                received: 1,
                block_for: 2,
            },
        ),
        (
            Action::unprepared_id(&[7; 16]),
            V4,
            DbError::Unprepared {
                id: Bytes::from_static(&[7; 16]),
            },
        ),
        (Action::syntax_error("bad"), V4, DbError::SyntaxError),
        (Action::invalid("no"), V4, DbError::Invalid),
        (Action::unauthorized("nope"), V4, DbError::Unauthorized),
    ];
    for (action, version, expected) in cases {
        let id = server.faults().add(Rule::new(action).query(READ));
        let mut c = client(&server, version).await;
        let (got, message) = error(&query_at(&mut c, READ, Consistency::One).await);
        assert_eq!(got, expected, "{version:?}");
        assert!(!message.is_empty());
        assert!(server.faults().remove(id));
        // The node still answers normally afterwards.
        assert_eq!(rows_of(&mut c, READ).await, 0);
    }
    server.stop().await;
}

#[tokio::test]
async fn error_consistency_from_the_request_and_unprepared_with_its_id() {
    let server = start().await;
    let Action::Error(timeout) = Action::read_timeout(Consistency::One, 0, 1, false) else {
        unreachable!()
    };
    server
        .faults()
        .add(Rule::new(Action::Error(timeout.with_request_consistency())).query(READ));
    let mut c = client(&server, V4).await;
    let (e, message) = error(&query_at(&mut c, READ, Consistency::EachQuorum).await);
    assert!(
        matches!(
            e,
            DbError::ReadTimeout {
                consistency: Consistency::EachQuorum,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(message, "Operation timed out - received only 0 responses.");

    let ids = prepare(&mut c, WRITE).await;
    let id = ids.id.clone();
    server.faults().add(
        Rule::new(Action::unprepared())
            .opcode(Opcode::Execute)
            .first(1),
    );
    let answer = c.request(execute(&ids, Consistency::One)).await.unwrap();
    let (e, message) = error(&answer.response);
    assert_eq!(e, DbError::Unprepared { id: id.clone() });
    assert!(message.contains("not found"), "{message}");
    // Only the first: re-executing works (the driver's re-prepare path).
    let answer = c.request(execute(&ids, Consistency::One)).await.unwrap();
    assert!(is_ok(&answer.response), "{answer:?}");
    server.stop().await;
}

#[tokio::test]
async fn count_filters_first_every_and_after() {
    let server = start().await;
    let mut c = client(&server, V4).await;
    let check = |label: &str, answers: Vec<bool>, expected: &[bool]| {
        assert_eq!(answers, expected, "{label}: true = faulted");
    };
    for (label, rule, expected) in [
        (
            "first 2",
            Rule::new(Action::overloaded()).first(2),
            [true, true, false, false, false, false],
        ),
        (
            "every 3",
            Rule::new(Action::overloaded()).every(3),
            [false, false, true, false, false, true],
        ),
        (
            "after 4",
            Rule::new(Action::overloaded()).after(4),
            [false, false, false, false, true, true],
        ),
    ] {
        let id = server.faults().add(rule.opcode(Opcode::Query));
        let mut answers = Vec::new();
        for _ in 0..6 {
            answers.push(!is_ok(&query_at(&mut c, READ, Consistency::One).await));
        }
        check(label, answers, &expected);
        let stats = server.faults().stats(id).unwrap();
        assert_eq!(stats.matched, 6);
        assert_eq!(stats.applied, 2);
        server.faults().remove(id);
    }
    server.stop().await;
}

#[tokio::test]
async fn delayed_answers_do_not_hold_back_later_streams() {
    let server = start().await;
    server
        .faults()
        .add(Rule::new(Action::delay_ms(400)).query(READ));
    for version in [V4, V5] {
        let mut c = client(&server, version).await;
        let started = Instant::now();
        c.send(&query_frame(100, READ, Consistency::One))
            .await
            .unwrap();
        c.send(&query_frame(
            101,
            "SELECT v FROM ks.t WHERE k = 2",
            Consistency::One,
        ))
        .await
        .unwrap();
        let first = c.recv().await.unwrap();
        assert_eq!(first.stream, 101, "the undelayed stream answers first");
        let second = c.recv().await.unwrap();
        assert_eq!(second.stream, 100);
        assert!(is_ok(&second.response), "{second:?}");
        assert!(started.elapsed() >= Duration::from_millis(400));
    }
    server.stop().await;
}

#[tokio::test]
async fn never_answered_streams_stay_open() {
    let server = start().await;
    let rule = server
        .faults()
        .add(Rule::new(Action::NoAnswer).query(WRITE));
    let mut c = client(&server, V5).await;
    c.send(&query_frame(7, WRITE, Consistency::One))
        .await
        .unwrap();
    assert!(
        tokio::time::timeout(SILENCE, c.recv()).await.is_err(),
        "nothing comes back"
    );
    // Later requests on other streams are answered; the write itself was executed.
    assert_eq!(rows_of(&mut c, READ).await, 1);
    let records = server.request_log().with_query(WRITE);
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].disposition,
        Disposition::Fault {
            rule,
            effect: FaultEffect::NoAnswer
        }
    );

    // A handshake that never completes: STARTUP is not answered.
    server
        .faults()
        .add(Rule::new(Action::NoAnswer).opcode(Opcode::Startup));
    let mut c = RawClient::connect(server.local_addr(), V4).await.unwrap();
    let handshake = c.handshake(Compression::None, None);
    assert!(tokio::time::timeout(SILENCE, handshake).await.is_err());
    server.stop().await;
}

#[tokio::test]
async fn close_before_executing_leaves_no_write() {
    let server = start().await;
    server
        .faults()
        .add(Rule::new(Action::CloseBeforeExecuting).query(WRITE));
    let mut c = client(&server, V4).await;
    // An earlier answer in the same batch of frames is still sent.
    let mut out = Vec::new();
    c.encode(&query_frame(1, READ, Consistency::One), &mut out)
        .unwrap();
    c.encode(&query_frame(2, WRITE, Consistency::One), &mut out)
        .unwrap();
    c.send_raw(&out).await.unwrap();
    assert_eq!(c.recv().await.unwrap().stream, 1);
    assert!(c.closed_by_peer().await);
    let mut other = client(&server, V4).await;
    assert_eq!(
        rows_of(&mut other, READ).await,
        0,
        "the write never happened"
    );
    server.stop().await;
}

#[tokio::test]
async fn close_after_executing_keeps_the_write() {
    let server = start().await;
    server
        .faults()
        .add(Rule::new(Action::CloseAfterExecuting).query(WRITE));
    let mut c = client(&server, V5).await;
    c.send(&query_frame(3, WRITE, Consistency::One))
        .await
        .unwrap();
    assert!(c.closed_by_peer().await);
    let mut other = client(&server, V4).await;
    assert_eq!(rows_of(&mut other, READ).await, 1, "the write happened");
    server.stop().await;
}

#[tokio::test]
async fn corrupt_frames_are_detected_by_the_client() {
    let server = start().await;
    let header = server
        .faults()
        .add(Rule::new(Action::corrupt_header()).query(READ));
    for version in [V4, V5] {
        let mut c = client(&server, version).await;
        c.send(&query_frame(4, READ, Consistency::One))
            .await
            .unwrap();
        let err = tokio::time::timeout(Duration::from_secs(5), c.recv_frame())
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::InvalidData,
            "{version:?}: {err}"
        );
    }
    server.faults().remove(header);
    server
        .faults()
        .add(Rule::new(Action::corrupt_body()).query(READ));
    for version in [V4, V5] {
        let mut c = client(&server, version).await;
        c.send(&query_frame(5, READ, Consistency::One))
            .await
            .unwrap();
        let frame = c.recv_frame().await.unwrap();
        assert_eq!(frame.header.stream, 5);
        assert!(ResponseFrame::decode(&frame).is_err(), "{version:?}");
        // Framing stayed in step: the next request is answered.
        assert!(is_ok(&c.query(WRITE).await.unwrap()));
    }
    server.stop().await;
}

#[tokio::test]
async fn refused_connections_are_closed_at_once() {
    let server = start().await;
    let rule = server
        .faults()
        .add(Rule::new(Action::RefuseConnection).first(2));
    for _ in 0..2 {
        let mut c = RawClient::connect(server.local_addr(), V4).await.unwrap();
        assert!(c.handshake(Compression::None, None).await.is_err());
    }
    // The third connection is served.
    let mut c = client(&server, V4).await;
    assert_eq!(rows_of(&mut c, READ).await, 0);
    assert_eq!(server.faults().stats(rule).unwrap().applied, 2);
    // Refused connections sent nothing, so nothing was recorded for them.
    assert!(
        server
            .request_log()
            .records()
            .iter()
            .all(|r| r.connection == 3)
    );
    server.stop().await;
}

#[tokio::test]
async fn one_injector_and_one_log_shared_by_two_nodes() {
    let faults = FaultInjector::new();
    let log = RequestLog::new();
    let config = |ip: [u8; 4]| {
        SimServerConfig::new(SocketAddr::from((ip, 0)))
            .with_faults(faults.clone())
            .with_request_log(log.clone())
    };
    let a = start_config(config([127, 0, 0, 1])).await;
    let b = start_config(config([127, 0, 0, 2])).await;
    faults.add(Rule::new(Action::overloaded()).node(b.local_addr().ip()));
    faults.add(Rule::new(Action::is_bootstrapping()).node(SocketAddr::from(([127, 0, 0, 1], 1))));
    let mut ca = client(&a, V4).await;
    let mut cb = RawClient::connect(b.local_addr(), V4).await.unwrap();
    assert_eq!(rows_of(&mut ca, READ).await, 0, "node a is not targeted");
    let err = cb.handshake(Compression::None, None).await.unwrap_err();
    assert!(err.to_string().contains("overloaded"), "{err}");
    assert_eq!(
        log.on_node(a.local_addr()).len(),
        2,
        "STARTUP and the SELECT"
    );
    assert_eq!(log.on_node(b.local_addr()).len(), 1);
    assert!(log.on_node(b.local_addr())[0].faulted());
    assert_eq!(log.records().len(), 3);
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn connection_prepared_id_and_batch_matchers() {
    let server = start().await;
    let mut first = client(&server, V4).await;
    let mut second = client(&server, V4).await;
    let only_second = server
        .faults()
        .add(Rule::new(Action::overloaded()).connection(2).query(READ));
    assert!(is_ok(&first.query(READ).await.unwrap()));
    assert!(!is_ok(&second.query(READ).await.unwrap()));
    server.faults().remove(only_second);

    // EXECUTE: by prepared id, or by the text it was prepared from.
    let ids = prepare(&mut first, WRITE).await;
    let id = ids.id.clone();
    let other = prepare(&mut first, "INSERT INTO ks.t (k, v) VALUES (2, 2)").await;
    let by_id = server
        .faults()
        .add(Rule::new(Action::overloaded()).prepared_id(&id));
    assert!(!is_ok(
        &first
            .request(execute(&ids, Consistency::One))
            .await
            .unwrap()
            .response
    ));
    assert!(is_ok(
        &first
            .request(execute(&other, Consistency::One))
            .await
            .unwrap()
            .response
    ));
    server.faults().remove(by_id);
    server.faults().add(
        Rule::new(Action::invalid("by text"))
            .query_pattern(r"VALUES \(2, 2\)")
            .unwrap(),
    );
    let answer = first
        .request(execute(&other, Consistency::One))
        .await
        .unwrap();
    assert_eq!(
        error(&answer.response),
        (DbError::Invalid, "by text".into())
    );

    // BATCH: any entry's text or prepared id.
    server.faults().clear();
    server.faults().add(
        Rule::new(Action::write_timeout(
            Consistency::One,
            0,
            1,
            WriteType::Batch,
        ))
        .query_pattern("k, v\\) VALUES \\(3")
        .unwrap(),
    );
    let batch = |statements: Vec<BatchStatement<'static>>| {
        Request::Batch(Batch {
            entries: statements
                .into_iter()
                .map(|statement| BatchEntry {
                    statement,
                    values: SerializedValues::new().into(),
                })
                .collect(),
            consistency: Consistency::Quorum,
            ..Batch::default()
        })
    };
    let hit = batch(vec![
        BatchStatement::Prepared(id.clone()),
        BatchStatement::Query("INSERT INTO ks.t (k, v) VALUES (3, 3)".into()),
    ]);
    let (e, _) = error(&first.request(hit).await.unwrap().response);
    assert!(matches!(
        e,
        DbError::WriteTimeout {
            write_type: WriteType::Batch,
            ..
        }
    ));
    let miss = batch(vec![BatchStatement::Prepared(id.clone())]);
    assert!(is_ok(&first.request(miss).await.unwrap().response));
    let batches = server.request_log().with_opcode(Opcode::Batch);
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[0].batch.len(), 2);
    assert_eq!(batches[0].consistency, Some(Consistency::Quorum));
    assert_eq!(batches[1].prepared_ids().collect::<Vec<_>>(), [&id[..]]);
    server.stop().await;
}

#[tokio::test]
async fn records_say_what_was_asked_where_and_what_happened() {
    let server = start().await;
    let log = server.request_log().clone();
    let mut c = client(&server, V5).await;
    c.query("USE ks").await.unwrap();
    let stream = c.next_stream();
    c.send(&query_frame(stream, READ, Consistency::LocalQuorum))
        .await
        .unwrap();
    recv_on(&mut c, stream).await;
    let ids = prepare(&mut c, WRITE).await;
    let id = ids.id.clone();
    let rule = server
        .faults()
        .add(Rule::new(Action::overloaded()).opcode(Opcode::Execute));
    let answer = c.request(execute(&ids, Consistency::Three)).await.unwrap();
    let records = log.records();
    let opcodes: Vec<_> = records.iter().map(|r| r.opcode).collect();
    assert_eq!(
        opcodes,
        [
            Opcode::Startup,
            Opcode::Query,
            Opcode::Query,
            Opcode::Prepare,
            Opcode::Execute
        ]
    );
    assert!(
        records
            .iter()
            .all(|r| r.node == server.local_addr() && r.connection == 1)
    );
    assert!(records.iter().all(|r| r.version == V5));
    assert!(records.windows(2).all(|w| w[0].received <= w[1].received));
    let select = &records[2];
    assert_eq!(select.stream, stream);
    assert_eq!(select.query.as_deref(), Some(READ));
    assert_eq!(select.consistency, Some(Consistency::LocalQuorum));
    assert_eq!(select.keyspace.as_deref(), Some("ks"));
    assert_eq!(select.disposition, Disposition::Answered { error: None });
    assert_eq!(
        records[1].keyspace, None,
        "USE itself ran without a keyspace"
    );
    let exec = &records[4];
    assert_eq!(exec.prepared_id.as_deref(), Some(&id[..]));
    assert_eq!(exec.stream, answer.stream);
    assert_eq!(exec.consistency, Some(Consistency::Three));
    assert_eq!(
        exec.disposition,
        Disposition::Fault {
            rule,
            effect: FaultEffect::Error(0x1001)
        }
    );
    let now_micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    let age = now_micros - u128::try_from(exec.received_micros).unwrap();
    assert!(age < 10_000_000, "received {age} µs ago");
    // Node errors are recorded as answered with their code.
    c.query("SELECT * FROM nowhere.t").await.unwrap();
    let last = log.records().pop().unwrap();
    assert_eq!(
        last.disposition,
        Disposition::Answered {
            error: Some(0x2200)
        }
    );
    // Helpers.
    assert_eq!(log.count_where(|r| r.opcode == Opcode::Query), 3);
    assert_eq!(
        log.queries_matching(&Regex::new("^SELECT").unwrap()).len(),
        2
    );
    assert_eq!(log.with_prepared_id(&id).len(), 1);
    log.clear();
    assert!(log.is_empty());
    log.set_enabled(false);
    c.query(READ).await.unwrap();
    assert!(log.is_empty(), "recording switched off");
    server.stop().await;
}

#[tokio::test]
async fn a_bounded_log_drops_the_oldest() {
    let log = RequestLog::with_capacity(3);
    let server = start_config(SimServerConfig::default().with_request_log(log.clone())).await;
    let mut c = client(&server, V4).await;
    for _ in 0..5 {
        c.query(READ).await.unwrap();
    }
    let records = log.records();
    assert_eq!(records.len(), 3);
    assert!(records.iter().all(|r| r.opcode == Opcode::Query));
    assert_eq!(log.dropped(), 3, "STARTUP and two SELECTs");
    server.stop().await;
}

#[tokio::test]
async fn cql_sim_reads_its_rules_file() {
    let dir = std::env::temp_dir().join(format!("cql-sim-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[rule]]\naction = \"delay\"\nmilis = 5\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cql-sim"))
        .args(["--listen", "127.0.0.1:0", "--rules"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3") && stderr.contains("milis"),
        "{stderr}"
    );

    let good = dir.join("good.toml");
    std::fs::write(
        &good,
        format!("[[rule]]\nquery = \"{READ}\"\naction = \"unavailable\"\nconsistency = \"ALL\"\nrequired = 3\nalive = 2\n"),
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cql-sim"))
        .args(["--listen", "127.0.0.1:0", "--rules"])
        .arg(&good)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr: SocketAddr = line.trim().rsplit(' ').next().unwrap().parse().unwrap();
    let mut c = RawClient::connect(addr, V4).await.unwrap();
    c.handshake(Compression::None, None).await.unwrap();
    let answer = c.query(READ).await.unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        error(&answer),
        (
            DbError::Unavailable {
                consistency: Consistency::All,
                required: 3,
                alive: 2
            },
            "Cannot achieve consistency level ALL".into()
        )
    );
}
