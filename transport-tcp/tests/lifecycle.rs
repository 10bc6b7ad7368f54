//! Query traces (`Session::trace`, read from `system_traces`, which the simulated node
//! fills for traced requests) and graceful shutdown (`Session::close` while requests are
//! in flight: they finish, or fail with a clear error once the grace period is over; every
//! later request gets `Error::Closed`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::Session;
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::session::{Error, Statement};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn session(server: &SimServerHandle) -> Session {
    SessionBuilder::new()
        .contact_point(server.local_addr())
        .connect()
        .await
        .unwrap()
}

async fn kv(session: &Session) {
    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS life WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await
        .unwrap();
    session.use_keyspace("life").await.unwrap();
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS kv (k int PRIMARY KEY, v text)",
            (),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn traced_requests_have_a_trace() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = session(&server).await;
    kv(&session).await;

    // A simple statement.
    let cql = "INSERT INTO kv (k, v) VALUES (?, ?)";
    let r = session
        .execute(&Statement::new(cql).with_tracing(true), (1i32, "a"))
        .await
        .unwrap();
    let id = r
        .tracing_id
        .expect("a traced request carries its tracing id");
    let trace = session.trace(id).await.unwrap();
    assert_eq!(trace.id, id);
    assert_eq!(trace.request.as_deref(), Some("Execute CQL3 query"));
    assert_eq!(
        trace.coordinator,
        Some(server.node().info().address),
        "{trace:?}"
    );
    assert!(trace.duration_micros.is_some_and(|d| d > 0), "{trace:?}");
    assert!(trace.started_at.is_some());
    assert!(
        trace
            .parameters
            .contains(&("query".to_string(), cql.to_string())),
        "{:?}",
        trace.parameters
    );
    let activities: Vec<&str> = trace
        .events
        .iter()
        .filter_map(|e| e.activity.as_deref())
        .collect();
    assert_eq!(activities, ["Execute CQL3 query", "Request complete"]);
    assert!(trace.events.iter().all(|e| e.source.is_some()));

    // A prepared statement: its trace names the prepared query.
    let select = session
        .prepare("SELECT v FROM kv WHERE k = ?")
        .await
        .unwrap()
        .with_tracing(true);
    let r = session.execute(&select, (1i32,)).await.unwrap();
    let trace = session.trace(r.tracing_id.unwrap()).await.unwrap();
    assert_eq!(
        trace.request.as_deref(),
        Some("Execute CQL3 prepared query")
    );
    assert!(
        trace
            .parameters
            .iter()
            .any(|(k, v)| k == "query" && v == "SELECT v FROM kv WHERE k = ?")
    );

    // Untraced requests carry no id; an unknown id is a clear error.
    let r = session
        .execute(&select.clone().with_tracing(false), (1i32,))
        .await
        .unwrap();
    assert_eq!(r.tracing_id, None);
    // (A uuid made by the node: this crate has no uuid dependency.)
    let ids = session
        .execute("SELECT uuid() FROM system.local", ())
        .await
        .unwrap();
    let unknown = ids.first_row().unwrap().get(0).unwrap();
    let e = session.trace(unknown).await.unwrap_err();
    assert!(e.to_string().contains("no trace"), "{e}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_lets_requests_in_flight_finish_and_refuses_new_ones() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = session(&server).await;
    kv(&session).await;
    let insert = session
        .prepare("INSERT INTO kv (k, v) VALUES (?, ?)")
        .await
        .unwrap();
    let tasks: Vec<_> = (0..200i32)
        .map(|k| {
            let (s, p) = (session.clone(), insert.clone());
            tokio::spawn(async move { s.execute(&p, (k, "x")).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1)).await;
    session.close().await;
    let (mut finished, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => finished += 1,
            Err(Error::Closed(why)) => {
                refused += 1;
                assert!(why.contains("no new requests"), "{why}");
            }
            Err(e) => panic!("a request in flight failed with {e}"),
        }
    }
    assert_eq!(finished + refused, 200);
    println!("close: {finished} requests finished, {refused} refused");
    assert!(session.is_closed());

    // Everything after close: Error::Closed with a message saying so.
    let e = session.execute("SELECT * FROM kv", ()).await.unwrap_err();
    assert!(matches!(e, Error::Closed(_)), "{e}");
    assert!(e.to_string().contains("closed"), "{e}");
    assert!(matches!(
        session.prepare("SELECT k FROM kv").await,
        Err(Error::Closed(_))
    ));
    assert!(matches!(
        session.execute(&insert, (1i32, "y")).await,
        Err(Error::Closed(_))
    ));
    assert!(matches!(
        session.use_keyspace("life").await,
        Err(Error::Closed(_))
    ));
    let mut stream = session.execute_iter("SELECT * FROM kv", ()).unwrap();
    assert!(matches!(stream.next().await, Some(Err(Error::Closed(_)))));
    // Closing twice is harmless.
    session.close().await;
    server.stop().await;
}

/// A TCP proxy whose node-to-client direction can be held, so responses stop arriving.
async fn pausable_proxy(target: std::net::SocketAddr) -> (std::net::SocketAddr, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let paused = Arc::new(AtomicBool::new(false));
    let flag = paused.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let node = TcpStream::connect(target).await.unwrap();
            let (mut cr, mut cw) = client.into_split();
            let (mut nr, mut nw) = node.into_split();
            tokio::spawn(async move { tokio::io::copy(&mut cr, &mut nw).await });
            let flag = flag.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    let n = match nr.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    while flag.load(Ordering::Acquire) {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    if cw.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, paused)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_fails_requests_still_unanswered_after_the_grace_period() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let (proxy, paused) = pausable_proxy(server.local_addr()).await;
    // The grace period is the longest profile request timeout: 300 ms here.
    let session = SessionBuilder::new()
        .contact_point(proxy)
        .request_timeout(Some(Duration::from_millis(300)))
        .heartbeat_interval(None)
        .connect()
        .await
        .unwrap();
    kv(&session).await;
    paused.store(true, Ordering::Release);
    // This request waits longer than the grace period: close must not wait for it.
    let stuck = {
        let s = session.clone();
        tokio::spawn(async move {
            s.execute(
                &Statement::new("SELECT * FROM kv").with_timeout(Duration::from_secs(30)),
                (),
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    session.close().await;
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(5),
        "close waited {waited:?}"
    );
    let e = tokio::time::timeout(Duration::from_secs(5), stuck)
        .await
        .expect("the stuck request ends when the session closes")
        .unwrap()
        .unwrap_err();
    assert!(matches!(e, Error::Closed(_)), "{e:?}");
    assert!(
        e.to_string()
            .contains("closed while the request was in flight"),
        "{e}"
    );
    paused.store(false, Ordering::Release);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_traced_request_on_a_cluster_shows_its_replicas_at_work() {
    use cql_testkit::sim::cluster::{SimCluster, SimClusterConfig};
    let cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let session = cql_transport_tcp::SessionBuilder::new()
        .contact_point(cluster.contact_points()[0])
        .connect()
        .await
        .unwrap();
    session
        .execute(
            "CREATE KEYSPACE tr WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
            (),
        )
        .await
        .unwrap();
    session
        .execute("CREATE TABLE tr.kv (k int PRIMARY KEY, v text)", ())
        .await
        .unwrap();
    let write = Statement::new("INSERT INTO tr.kv (k, v) VALUES (1, 'a')")
        .with_tracing(true)
        .with_consistency(cql_transport_tcp::Consistency::All);
    let r = session.execute(&write, ()).await.unwrap();
    let trace = session.trace(r.tracing_id.unwrap()).await.unwrap();
    let coordinator = trace.coordinator.unwrap();
    let sources: std::collections::BTreeSet<_> =
        trace.events.iter().filter_map(|e| e.source).collect();
    assert_eq!(sources.len(), 3, "every replica traces its part: {trace:?}");
    let replica_events: Vec<&str> = trace
        .events
        .iter()
        .filter(|e| e.source != Some(coordinator))
        .filter_map(|e| e.activity.as_deref())
        .collect();
    assert!(
        replica_events
            .iter()
            .any(|a| a.starts_with("MUTATION_REQ message received from /")),
        "{replica_events:?}"
    );
    let read = Statement::new("SELECT v FROM tr.kv WHERE k = 1")
        .with_tracing(true)
        .with_consistency(cql_transport_tcp::Consistency::Quorum);
    let r = session.execute(&read, ()).await.unwrap();
    let trace = session.trace(r.tracing_id.unwrap()).await.unwrap();
    assert!(
        trace.events.iter().any(|e| e
            .activity
            .as_deref()
            .is_some_and(|a| a.starts_with("Executing single-partition query on kv"))
            && e.source != trace.coordinator),
        "{trace:?}"
    );
    session.close().await;
    cluster.stop().await;
}
