//! The cluster changing under the session: nodes joining and leaving, schema agreement
//! taking time, storms of events.

use super::*;
use cql_core::connection::{Connection, ConnectionConfig, RequestOptions};
use cql_transport_tcp::message::{Query, QueryParameters, Request, Response};
use cql_transport_tcp::{TcpTransport, TokioRuntime};

#[tokio::test]
async fn a_new_node_joining_gets_a_pool_and_a_removed_one_loses_it() {
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(2)).await.unwrap();
    let s = on(&cluster).connect().await.unwrap();
    assert_eq!(s.hosts().len(), 2);
    let ring_before = s.cluster_view().ring().len();
    let added = cluster.add_node("datacenter1", "rack1").await.unwrap();
    let addr = cluster.node(added).unwrap().address();
    eventually(Duration::from_secs(10), "the new node has a pool", || {
        s.hosts()
            .iter()
            .any(|h| h.addr == NodeAddr::from(addr) && h.up && h.open_connections == 1)
    })
    .await;
    assert_eq!(s.hosts().len(), 3);
    assert!(
        s.cluster_view().ring().len() > ring_before,
        "its tokens are in the ring"
    );
    assert_eq!(s.metrics().open_connections_to(&NodeAddr::from(addr)), 1);
    // Requests reach it.
    let cql = "SELECT * FROM system.local";
    for _ in 0..30 {
        s.execute(cql, ()).await.unwrap();
    }
    assert!(nodes_that_ran(&cluster, cql).contains(&added));

    // Decommissioned: it leaves the view, its pool closes, its gauge goes.
    cluster.remove_node(added).await.unwrap();
    eventually(Duration::from_secs(10), "the removed node is gone", || {
        s.hosts().len() == 2
    })
    .await;
    assert!(s.hosts().iter().all(|h| h.addr != NodeAddr::from(addr)));
    assert!(
        s.metrics()
            .open_connections
            .iter()
            .all(|(a, _)| *a != NodeAddr::from(addr)),
        "{:?}",
        s.metrics().open_connections
    );
    s.close().await;
    cluster.stop().await;
}

#[tokio::test]
async fn schema_agreement_wait() {
    let cluster = SimCluster::start(
        SimClusterConfig::nodes(3).with_schema_agreement_delay(Duration::from_millis(600)),
    )
    .await
    .unwrap();
    let s = on(&cluster).connect().await.unwrap();
    let started = std::time::Instant::now();
    let r = s
        .execute(
            "CREATE KEYSPACE slow WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
            (),
        )
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(r.schema_agreement, Some(true));
    assert!(
        took >= Duration::from_millis(450),
        "returned before agreement: {took:?}"
    );
    assert!(s.await_schema_agreement().await.unwrap());

    // A wait shorter than the cluster needs: the DDL returns saying so.
    let impatient = on(&cluster)
        .max_schema_agreement_wait(Duration::from_millis(150))
        .connect()
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let r = impatient
        .execute("CREATE TABLE slow.t (k int PRIMARY KEY)", ())
        .await
        .unwrap();
    assert_eq!(r.schema_agreement, Some(false));
    assert!(started.elapsed() < Duration::from_millis(550));
    // Later, everyone agrees.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(s.await_schema_agreement().await.unwrap());
    impatient.close().await;
    s.close().await;
    cluster.stop().await;
}

#[tokio::test]
async fn event_storm_is_debounced() {
    let cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let s = on(&cluster).connect().await.unwrap();
    const KEYSPACES_QUERY: &str = "SELECT keyspace_name, replication FROM system_schema.keyspaces";
    // Thirty keyspaces created by another client in a burst: thirty SCHEMA_CHANGE events
    // reach the session's control connection.
    let other = Connection::open(
        &TcpTransport::new(),
        std::sync::Arc::new(TokioRuntime::new()),
        NodeAddr::from(cluster.node(2).unwrap().address()),
        ConnectionConfig::default(),
    )
    .await
    .unwrap();
    clear_records(&cluster);
    for i in 0..30 {
        let answer = other
            .send(
                Request::Query(Query {
                    query: format!(
                        "CREATE KEYSPACE storm{i} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
                    ).into(),
                    params: QueryParameters::default(),
                }),
                RequestOptions::default(),
            )
            .await
            .unwrap();
        assert!(!matches!(answer.response, Response::Error(_)));
    }
    // Every keyspace ends up in the session's view ...
    eventually(
        Duration::from_secs(10),
        "the keyspaces are in the view",
        || {
            let view = s.cluster_view();
            (0..30).all(|i| view.keyspace_strategy(&format!("storm{i}")).is_some())
        },
    )
    .await;
    // ... read a handful of times, not thirty.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let reads = nodes_that_ran(&cluster, KEYSPACES_QUERY).len();
    assert!(
        (1..=4).contains(&reads),
        "{reads} keyspace reads for 30 events"
    );
    other.close().await;
    s.close().await;
    cluster.stop().await;
}

/// Records host events as `(kind, address, has an error)`.
#[derive(Debug, Default)]
struct HostEvents(Mutex<Vec<(&'static str, NodeAddr, bool)>>);

impl cql_transport_tcp::session::HostListener for HostEvents {
    fn on_event(&self, event: &cql_transport_tcp::session::HostEvent) {
        self.0
            .lock()
            .unwrap()
            .push((event.kind.name(), event.addr.clone(), event.error.is_some()));
    }
}

impl HostEvents {
    fn saw(&self, kind: &str, addr: &NodeAddr) -> bool {
        self.0
            .lock()
            .unwrap()
            .iter()
            .any(|(k, a, _)| *k == kind && a == addr)
    }
}

#[tokio::test]
async fn host_listeners_hear_joins_leaves_downs_and_ups_and_hosts_keep_the_last_error() {
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(2)).await.unwrap();
    let events = Arc::new(HostEvents::default());
    let s = on(&cluster)
        .host_listener(events.clone())
        .connect()
        .await
        .unwrap();
    let added = cluster.add_node("datacenter1", "rack1").await.unwrap();
    let addr = NodeAddr::from(cluster.node(added).unwrap().address());
    eventually(Duration::from_secs(10), "the join is announced", || {
        events.saw("added", &addr)
    })
    .await;

    // Stopped: down, each failed reconnection attempt told with its error, and the host
    // keeps the last one.
    cluster.stop_node(added).await.unwrap();
    eventually(
        Duration::from_secs(10),
        "down, then failed attempts",
        || events.saw("down", &addr) && events.saw("connect_failed", &addr),
    )
    .await;
    assert!(
        events
            .0
            .lock()
            .unwrap()
            .iter()
            .filter(|(k, a, _)| *k == "connect_failed" && *a == addr)
            .all(|(_, _, has_error)| *has_error)
    );
    let down = host(&s, cluster.node(added).unwrap().address());
    assert!(!down.up);
    let reason = down.last_error.expect("the last connection error");
    assert!(reason.to_string().contains(&addr.to_string()), "{reason}");

    // Back: up, and the error is cleared.
    cluster.start_node(added).await.unwrap();
    eventually(Duration::from_secs(10), "up again", || {
        events.saw("up", &addr)
    })
    .await;
    eventually(
        Duration::from_secs(5),
        "no last error once connected",
        || {
            let h = host(&s, cluster.node(added).unwrap().address());
            h.up && h.last_error.is_none()
        },
    )
    .await;

    // Decommissioned: removed.
    cluster.remove_node(added).await.unwrap();
    eventually(Duration::from_secs(10), "the leave is announced", || {
        events.saw("removed", &addr)
    })
    .await;
    // The two original nodes never changed.
    let first = NodeAddr::from(cluster.node(0).unwrap().address());
    assert!(!events.0.lock().unwrap().iter().any(|(_, a, _)| *a == first));
    s.close().await;
    cluster.stop().await;
}
