//! The cluster changing under the session: nodes joining and leaving, schema agreement
//! taking time, storms of events.

use super::*;
use cql_transport_tcp::connection::{Connection, ConnectionConfig, RequestOptions};
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
        s.query(cql, ()).await.unwrap();
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
        .query(
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
        .query("CREATE TABLE slow.t (k int PRIMARY KEY)", ())
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
        TokioRuntime::new(),
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
                    ),
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
