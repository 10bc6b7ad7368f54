//! Session metrics, the request tracker and concurrent execution end to end: the TCP
//! transport and tokio runtime against the simulated node (and, for the errors the
//! simulated node never gives — unavailable, overloaded, read timeouts, no answer — a
//! small scripted node on 127.0.0.1).

mod common;

use common::sessions::{session_for, with_table};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cql_testkit::sim::server::{SimServer, SimServerConfig};
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::frame::{Compression, ProtocolVersion, read_frame};
use cql_transport_tcp::message::{
    Consistency, DbError, ErrorResponse, Request, RequestFrame, Response, ResponseFrame,
    ResultMessage, Supported,
};
use cql_transport_tcp::runtime::NodeAddr;
use cql_transport_tcp::session::{
    AttemptFailure, ConcurrentError, Error, ErrorKind, RequestEnd, RequestStart, RequestTracker,
    Session, Statement, StatementKind, StatementRef,
};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn count_rows(session: &Session) -> usize {
    let mut rows = session.execute_iter("SELECT k FROM kv", ()).unwrap();
    let mut n = 0;
    while let Some(row) = rows.next().await {
        row.unwrap();
        n += 1;
    }
    n
}

// ---- a tracker that remembers everything it is told -----------------------------------

/// One tracker call, with owned copies of what it was given.
#[derive(Debug, Clone)]
enum Seen {
    Start {
        id: u64,
        kind: StatementKind,
        query: Option<String>,
        consistency: Consistency,
    },
    Success {
        id: u64,
        host: Option<NodeAddr>,
        latency: Duration,
        attempts: u32,
    },
    Failure {
        id: u64,
        host: Option<NodeAddr>,
        latency: Duration,
        kind: ErrorKind,
    },
    Attempt {
        id: u64,
        host: NodeAddr,
        attempt: u32,
        kind: ErrorKind,
        retried: bool,
    },
}

#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
    /// Requests finished (success or error).
    finished: AtomicUsize,
}

impl Recorder {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl RequestTracker for Recorder {
    fn on_start(&self, r: &RequestStart<'_>) {
        self.seen.lock().unwrap().push(Seen::Start {
            id: r.id,
            kind: r.kind,
            query: r.query.map(String::from),
            consistency: r.consistency,
        });
    }

    fn on_success(&self, r: &RequestEnd<'_>) {
        self.seen.lock().unwrap().push(Seen::Success {
            id: r.id,
            host: r.host.cloned(),
            latency: r.latency,
            attempts: r.attempts,
        });
        self.finished.fetch_add(1, Ordering::SeqCst);
    }

    fn on_error(&self, r: &RequestEnd<'_>, e: &Error) {
        self.seen.lock().unwrap().push(Seen::Failure {
            id: r.id,
            host: r.host.cloned(),
            latency: r.latency,
            kind: ErrorKind::of(e),
        });
        self.finished.fetch_add(1, Ordering::SeqCst);
    }

    fn on_attempt_error(&self, a: &AttemptFailure<'_>, _e: &Error) {
        self.seen.lock().unwrap().push(Seen::Attempt {
            id: a.id,
            host: a.host.clone(),
            attempt: a.attempt,
            kind: a.error_kind,
            retried: matches!(
                a.decision,
                Some(cql_transport_tcp::policies::retry::RetryDecision::RetryNextHost { .. })
            ),
        });
    }
}

// ---- a scripted node -------------------------------------------------------------------

/// How a scripted node answers a QUERY's text: `None` never answers.
type Script = fn(&str) -> Option<Response>;

fn server_error(error: DbError) -> Option<Response> {
    Some(Response::Error(ErrorResponse {
        error,
        message: String::from("scripted"),
    }))
}

/// Errors by query text; anything else is a Void result.
fn erroring(query: &str) -> Option<Response> {
    match query {
        "SELECT unavailable" => server_error(DbError::Unavailable {
            consistency: Consistency::Quorum,
            required: 2,
            alive: 1,
        }),
        "SELECT overloaded" => server_error(DbError::Overloaded),
        "SELECT read_timeout" => server_error(DbError::ReadTimeout {
            consistency: Consistency::Quorum,
            received: 1,
            block_for: 2,
            data_present: false,
        }),
        "SELECT silence" => None,
        _ => Some(Response::Result(ResultMessage::Void)),
    }
}

/// Void for everything but `SELECT silence`.
fn healthy(query: &str) -> Option<Response> {
    match query {
        "SELECT silence" => None,
        _ => Some(Response::Result(ResultMessage::Void)),
    }
}

/// A protocol v4 node on 127.0.0.1 answering the handshake, and QUERY per `script`.
async fn scripted_node(script: Script) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    while let Some((frame, used)) =
                        read_frame(&buf, 1 << 20, Compression::None).unwrap()
                    {
                        buf.drain(..used);
                        let version = frame.header.version;
                        let request = RequestFrame::decode(&frame).unwrap();
                        let answer = match &request.request {
                            Request::Options => Some(Response::Supported(Supported {
                                options: vec![
                                    ("CQL_VERSION".into(), vec!["3.4.5".into()]),
                                    ("COMPRESSION".into(), vec![]),
                                ],
                            })),
                            Request::Startup(_) | Request::Register(_) => Some(Response::Ready),
                            Request::Query(q) => script(&q.query),
                            _ => server_error(DbError::ServerError),
                        };
                        if let Some(response) = answer {
                            let mut out = Vec::new();
                            ResponseFrame::new(request.stream, response)
                                .encode(version, Compression::None, &mut out)
                                .unwrap();
                            if socket.write_all(&out).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    (addr, task)
}

// ---- tests -----------------------------------------------------------------------------

#[tokio::test]
async fn counters_and_latency_after_successes_and_server_errors() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = session_for(&server, SessionBuilder::new().connections_per_host(2)).await;
    with_table(&session, "ks_metrics").await;
    let before = session.metrics();
    let insert = session
        .prepare("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
        .await
        .unwrap();
    for i in 0..20i32 {
        let r = session.execute(&insert, (i, 0i32, "v")).await.unwrap();
        assert_eq!(r.request_info.attempts, 1);
        assert!(r.request_info.failed.is_empty());
        assert!(r.request_info.latency > Duration::ZERO);
        assert_eq!(r.host, NodeAddr::from(server.local_addr()));
    }
    let rows = session.execute("SELECT * FROM kv", ()).await.unwrap();
    assert_eq!(rows.row_count(), 20);
    let syntax = session.execute("SELEC nonsense", ()).await.unwrap_err();
    assert_eq!(syntax.db_error(), Some(&DbError::SyntaxError));
    let invalid = session
        .execute("SELECT * FROM no_such_table", ())
        .await
        .unwrap_err();
    assert_eq!(invalid.db_error(), Some(&DbError::Invalid));

    let m = session.metrics();
    // 21 successes and 2 errors since `before` (PREPARE is not a request).
    assert_eq!(m.requests - before.requests, 23);
    assert_eq!(m.successes - before.successes, 21);
    assert_eq!(m.failures - before.failures, 2);
    assert_eq!(m.in_flight(), 0);
    assert_eq!(m.errors.invalid_queries(), 2, "{:?}", m.errors);
    assert_eq!(m.errors.total(), 2);
    assert_eq!(m.retries.total(), 0);
    assert_eq!(m.ignores.total(), 0);
    assert_eq!(m.speculative_executions, 0);
    // Every finished request's latency, in a sane order.
    let latency = m.latency.since(&before.latency);
    assert_eq!(latency.count, 23);
    assert!(latency.min > Duration::ZERO);
    assert!(latency.min <= latency.p50 && latency.p50 <= latency.p75);
    assert!(latency.p75 <= latency.p95 && latency.p95 <= latency.p99);
    assert!(latency.p99 <= latency.p999 && latency.p999 <= latency.max);
    assert!(latency.max < Duration::from_secs(5), "{latency:?}");
    assert_eq!(m.latency.count, m.requests);
    // Two connections per host.
    let host = NodeAddr::from(server.local_addr());
    assert_eq!(m.open_connections_to(&host), 2);
    assert_eq!(m.total_open_connections(), 2);
    session.close().await;
    assert_eq!(session.metrics().total_open_connections(), 0);
    server.stop().await;
}

#[tokio::test]
async fn tracker_sees_start_success_and_error_with_host_and_latency_never_values() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let session = session_for(
        &server,
        SessionBuilder::new()
            .request_tracker(recorder.clone())
            .consistency(Consistency::One),
    )
    .await;
    with_table(&session, "ks_tracker").await;
    let host = NodeAddr::from(server.local_addr());
    let secret = "s3cret-bound-value";
    let insert = session
        .prepare("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
        .await
        .unwrap();
    recorder.seen.lock().unwrap().clear();
    let finished = recorder.finished.load(Ordering::SeqCst);
    session
        .execute(&insert, (1i32, 1i32, secret))
        .await
        .unwrap();
    session
        .execute(
            "INSERT INTO kv (k, c, v) VALUES (?, ?, ?)",
            (2i32, 2i32, secret),
        )
        .await
        .unwrap();
    session
        .execute("SELECT v FROM kv WHERE k = ? AND c = ?", (1i32, secret))
        .await
        .unwrap_err();
    let seen = recorder.seen();
    assert_eq!(seen.len(), 7, "{seen:#?}");
    // Nothing the tracker was given holds a bound value.
    let text = format!("{seen:?}");
    assert!(!text.contains(secret), "{text}");

    let Seen::Start {
        id: first,
        kind,
        query,
        consistency,
    } = &seen[0]
    else {
        panic!("{seen:#?}")
    };
    assert_eq!(*kind, StatementKind::Prepared);
    assert_eq!(
        query.as_deref(),
        Some("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
    );
    assert_eq!(*consistency, Consistency::One);
    let Seen::Success {
        id,
        host: h,
        latency,
        attempts,
    } = &seen[1]
    else {
        panic!("{seen:#?}")
    };
    assert_eq!((id, h.as_ref(), *attempts), (first, Some(&host), 1));
    assert!(*latency > Duration::ZERO);
    assert!(
        matches!(&seen[2], Seen::Start { kind: StatementKind::Simple, id, .. } if *id == first + 1)
    );
    assert!(matches!(&seen[3], Seen::Success { id, .. } if *id == first + 1));
    let Seen::Start {
        id: third, query, ..
    } = &seen[4]
    else {
        panic!("{seen:#?}")
    };
    assert_eq!(
        query.as_deref(),
        Some("SELECT v FROM kv WHERE k = ? AND c = ?")
    );
    // The failed attempt, then the failed request, both naming the host.
    let Seen::Attempt {
        id,
        host: h,
        attempt,
        kind,
        retried,
    } = &seen[5]
    else {
        panic!("{seen:#?}")
    };
    assert_eq!(
        (id, h, *attempt, *kind, *retried),
        (third, &host, 1, ErrorKind::InvalidQuery, false)
    );
    let Seen::Failure {
        id,
        host: h,
        latency,
        kind,
    } = &seen[6]
    else {
        panic!("{seen:#?}")
    };
    assert_eq!(
        (id, h.as_ref(), *kind),
        (third, Some(&host), ErrorKind::InvalidQuery)
    );
    assert!(*latency > Duration::ZERO);
    assert_eq!(recorder.finished.load(Ordering::SeqCst) - finished, 3);
    session.close().await;
    server.stop().await;
}

#[tokio::test]
async fn retries_failover_and_client_timeouts_are_counted_per_attempt() {
    let (bad, bad_task) = scripted_node(erroring).await;
    let (good, good_task) = scripted_node(healthy).await;
    let (bad, good) = (NodeAddr::from(bad), NodeAddr::from(good));
    let recorder = Arc::new(Recorder::default());
    let session = SessionBuilder::new()
        .contact_point(bad.clone())
        .contact_point(good.clone())
        .protocol_version(ProtocolVersion::V4)
        .request_timeout(Some(Duration::from_millis(300)))
        .request_tracker(recorder.clone())
        .connect()
        .await
        .unwrap();

    // Unavailable and overloaded: the default policy tries the next host once.
    let mut failed_over = 0;
    for query in ["SELECT unavailable", "SELECT overloaded"] {
        for _ in 0..6 {
            // Overloaded may come after part of a write was sent: retried for idempotent
            // statements only.
            let statement = Statement::new(query).with_idempotent(true);
            let r = session.execute(&statement, ()).await.unwrap();
            assert_eq!(r.host, good);
            match r.request_info.attempts {
                1 => assert!(r.request_info.failed.is_empty()),
                2 => {
                    failed_over += 1;
                    assert_eq!(r.request_info.failed.len(), 1);
                    assert_eq!(r.request_info.failed[0].0, bad);
                }
                n => panic!("{n} attempts"),
            }
        }
    }
    let m = session.metrics();
    assert!(
        failed_over > 0,
        "round robin never started at the erroring node"
    );
    assert_eq!(m.errors.unavailables() + m.errors.overloaded(), failed_over);
    assert_eq!(m.retries.unavailables(), m.errors.unavailables());
    assert_eq!(m.retries.overloaded(), m.errors.overloaded());
    assert_eq!(m.failures, 0);

    // A read timeout is not retried when the data replica did not answer: it fails on the
    // erroring node, succeeds on the other.
    let mut timeouts = 0;
    for _ in 0..4 {
        match session.execute("SELECT read_timeout", ()).await {
            Ok(r) => assert_eq!(r.host, good),
            Err(e) => {
                assert!(e.is_server_timeout(), "{e}");
                timeouts += 1;
            }
        }
    }
    let m2 = session.metrics();
    assert_eq!(m2.errors.read_timeouts(), timeouts);
    assert_eq!(m2.failures, timeouts);
    assert_eq!(m2.retries.read_timeouts(), 0);

    // No answer at all: a client timeout on each host; idempotent, so retried once.
    recorder.seen.lock().unwrap().clear();
    let silence = Statement::new("SELECT silence").with_idempotent(true);
    let e = session.execute(&silence, ()).await.unwrap_err();
    assert!(e.is_client_timeout(), "{e}");
    let m3 = session.metrics();
    assert_eq!(m3.errors.client_timeouts(), 2);
    assert_eq!(m3.retries.client_timeouts(), 1);
    assert_eq!(
        m3.errors.get(ErrorKind::NoHostAvailable),
        0,
        "counted per attempt"
    );
    assert_eq!(m3.failures, m2.failures + 1);
    assert!(
        m3.latency.max >= Duration::from_millis(600),
        "{:?}",
        m3.latency
    );
    let seen = recorder.seen();
    let attempts: Vec<(u32, ErrorKind, bool)> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Attempt {
                attempt,
                kind,
                retried,
                ..
            } => Some((*attempt, *kind, *retried)),
            _ => None,
        })
        .collect();
    assert_eq!(
        attempts,
        [
            (1, ErrorKind::ClientTimeout, true),
            (2, ErrorKind::ClientTimeout, false)
        ]
    );
    assert!(
        matches!(seen.last(), Some(Seen::Failure { kind: ErrorKind::ClientTimeout, latency, .. }) if *latency >= Duration::from_millis(600)),
        "{seen:#?}"
    );

    // Open connections per host.
    let m = session.metrics();
    assert_eq!(m.open_connections_to(&bad), 1);
    assert_eq!(m.open_connections_to(&good), 1);
    session.close().await;
    bad_task.abort();
    good_task.abort();
}

#[tokio::test]
async fn execute_concurrent_thousand_inserts_in_input_order() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = session_for(&server, SessionBuilder::new().connections_per_host(2)).await;
    with_table(&session, "ks_concurrent").await;
    let insert = session
        .prepare("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
        .await
        .unwrap();
    let results = session
        .execute_concurrent_with_values(
            &insert,
            (0..1000i32).map(|i| (i, 0i32, format!("v{i}"))),
            64,
        )
        .await;
    assert_eq!(results.len(), 1000);
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(count_rows(&session).await, 1000);

    // Reads in input order: result i holds row i.
    let select = session
        .prepare("SELECT k, v FROM kv WHERE k = ? AND c = 0")
        .await
        .unwrap();
    let reads = session
        .execute_concurrent((0..1000i32).map(|i| (&select, (i,))), 64)
        .await;
    assert_eq!(reads.len(), 1000);
    for (i, r) in reads.iter().enumerate() {
        let rows: Vec<(i32, String)> = r
            .as_ref()
            .unwrap()
            .typed()
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows, [(i as i32, format!("v{i}"))]);
    }

    // Simple and prepared statements mixed, failures kept in place.
    let bad = Statement::new("SELEC 1");
    let good = Statement::new("SELECT k FROM kv WHERE k = ? AND c = 0");
    let mixed: Vec<(StatementRef<'_>, (i32,))> = (0..10)
        .map(|i| match i % 3 {
            0 => (StatementRef::from(&select), (i,)),
            1 => (StatementRef::from(&bad), (i,)),
            _ => (StatementRef::from(&good), (i,)),
        })
        .collect();
    let out = session.execute_concurrent(mixed, 4).await;
    for (i, r) in out.iter().enumerate() {
        assert_eq!(r.is_err(), i % 3 == 1, "{i}: {r:?}");
    }

    // The ordered stream gives the same order.
    let streamed: Vec<i32> = session
        .execute_concurrent_stream((0..200i32).map(|i| (&select, (i,))), 16)
        .map(|r| {
            r.unwrap()
                .typed::<(i32, String)>()
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .0
        })
        .collect()
        .await;
    assert_eq!(streamed, (0..200).collect::<Vec<_>>());
    session.close().await;
    server.stop().await;
}

#[tokio::test]
async fn try_execute_concurrent_stops_at_the_first_error() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = session_for(&server, SessionBuilder::new()).await;
    with_table(&session, "ks_stop").await;
    let insert = Statement::new("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)");
    let broken = Statement::new("INSERT INTO kv (k, c, v) VALUES (?, ?, ?");
    let pulled = AtomicUsize::new(0);
    let items = (0..500i32).map(|i| {
        pulled.fetch_add(1, Ordering::SeqCst);
        let statement = if i == 50 { &broken } else { &insert };
        (statement, (i, 0i32, "v"))
    });
    let e = session.try_execute_concurrent(items, 8).await.unwrap_err();
    assert_eq!(e.index, 50);
    assert_eq!(e.error.db_error(), Some(&DbError::SyntaxError));
    assert!(e.to_string().contains("statement 50"), "{e}");
    let pulled = pulled.load(Ordering::SeqCst);
    assert!(pulled <= 50 + 8 + 1, "{pulled} statements were read");
    let written = count_rows(&session).await;
    // Statements before the failing one may have been abandoned while in flight.
    assert!(
        (50 - 8..pulled).contains(&written),
        "{written} rows, {pulled} read"
    );
    // `?` turns it into the session's error.
    fn propagate(e: ConcurrentError) -> Result<(), Error> {
        Err::<(), _>(e)?;
        Ok(())
    }
    assert!(propagate(e).unwrap_err().db_error().is_some());

    // Without errors the stop-early variant returns every result, in order.
    let ok = session
        .try_execute_concurrent_with_values(&insert, (1000..1100i32).map(|i| (i, 0i32, "w")), 8)
        .await
        .unwrap();
    assert_eq!(ok.len(), 100);
    session.close().await;
    server.stop().await;
}

#[tokio::test]
async fn concurrent_input_is_read_lazily() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let session = session_for(
        &server,
        SessionBuilder::new().request_tracker(recorder.clone()),
    )
    .await;
    with_table(&session, "ks_lazy").await;
    let insert = session
        .prepare("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
        .await
        .unwrap();
    const CONCURRENCY: usize = 16;
    let base = recorder.finished.load(Ordering::SeqCst);
    let pulled = AtomicUsize::new(0);
    let max_ahead = AtomicUsize::new(0);
    // Never more than `concurrency` + 1 items ahead of the finished requests.
    let counting = |n: i32| {
        (0..n).map(|i| {
            let p = pulled.fetch_add(1, Ordering::SeqCst) + 1;
            let done = recorder.finished.load(Ordering::SeqCst) - base;
            max_ahead.fetch_max(p - done, Ordering::SeqCst);
            (i, 0i32, "lazy")
        })
    };
    let results = session
        .execute_concurrent_with_values(&insert, counting(500), CONCURRENCY)
        .await;
    assert_eq!(results.len(), 500);
    assert_eq!(pulled.load(Ordering::SeqCst), 500);
    let ahead = max_ahead.load(Ordering::SeqCst);
    assert!(ahead <= CONCURRENCY + 1, "read {ahead} ahead");
    assert!(ahead >= CONCURRENCY / 2, "never concurrent: {ahead}");

    // The stream variant, consumed slowly: the input waits for the consumer.
    let (pulled, max_ahead) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let consumed = AtomicUsize::new(0);
    let input = (0..100i32).map(|i| {
        let p = pulled.fetch_add(1, Ordering::SeqCst) + 1;
        max_ahead.fetch_max(p - consumed.load(Ordering::SeqCst), Ordering::SeqCst);
        (&insert, (i, 1i32, "slow"))
    });
    let mut stream = std::pin::pin!(session.execute_concurrent_stream(input, 4));
    while let Some(r) = stream.next().await {
        r.unwrap();
        consumed.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(consumed.load(Ordering::SeqCst), 100);
    let ahead = max_ahead.load(Ordering::SeqCst);
    assert!(ahead <= 4 + 1, "read {ahead} ahead of the consumer");
    session.close().await;
    server.stop().await;
}
