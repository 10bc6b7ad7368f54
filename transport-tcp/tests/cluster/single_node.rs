//! Single nodes: discovery, schema agreement, the local datacenter check, refill and
//! reconnection through a proxy, failover between two contact points, close.

use super::*;

#[tokio::test]
async fn a_single_node_is_discovered_with_its_datacenter_and_tokens() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let s = session(SessionBuilder::new().contact_point(addr(&server))).await;
    let hosts = s.hosts();
    assert_eq!(hosts.len(), 1, "{hosts:?}");
    let h = &hosts[0];
    assert_eq!(h.addr, addr(&server));
    assert_eq!(h.host_id, server.node().info().host_id);
    assert_eq!(h.datacenter.as_deref(), Some("datacenter1"));
    assert!(h.rack.is_some());
    assert!(h.up);
    assert_eq!(h.distance, HostDistance::Local);
    assert_eq!(h.open_connections, 1);
    let view = s.cluster_view();
    assert_eq!(view.partitioner(), Some(Partitioner::Murmur3));
    assert_eq!(view.local_datacenter_hint(), Some("datacenter1"));
    assert!(!view.ring().is_empty());
    assert_eq!(view.local_host().map(|h| h.host_id), Some(h.host_id));
    // System keyspaces are known from the start.
    assert!(view.keyspaces().any(|k| k == "system"), "{view:?}");
    s.close().await;
    server.stop().await;
}

#[tokio::test]
async fn ddl_waits_for_schema_agreement_and_updates_the_view() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let s = session(SessionBuilder::new().contact_point(addr(&server))).await;
    let r = s
        .execute(
            "CREATE KEYSPACE agree WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await
        .unwrap();
    assert!(r.schema_change.is_some());
    assert_eq!(r.schema_agreement, Some(true));
    // The new keyspace's replication is in the view at once (token-aware routing).
    assert!(s.cluster_view().keyspace_strategy("agree").is_some());
    s.use_keyspace("agree").await.unwrap();
    let r = s
        .execute("CREATE TABLE t (k int PRIMARY KEY, v int)", ())
        .await
        .unwrap();
    assert_eq!(r.schema_agreement, Some(true));
    // Not a schema change: no agreement to report.
    let r = s
        .execute("INSERT INTO t (k, v) VALUES (1, 1)", ())
        .await
        .unwrap();
    assert_eq!(r.schema_agreement, None);
    assert!(s.await_schema_agreement().await.unwrap());
    s.refresh_topology().await.unwrap();
    assert_eq!(s.hosts().len(), 1);

    // With the wait off, DDL reports nothing about agreement.
    let quick = session(
        SessionBuilder::new()
            .contact_point(addr(&server))
            .max_schema_agreement_wait(Duration::ZERO),
    )
    .await;
    let r = quick
        .execute("CREATE TABLE agree.u (k int PRIMARY KEY)", ())
        .await
        .unwrap();
    assert_eq!(r.schema_agreement, None);
    assert!(quick.await_schema_agreement().await.unwrap());
    quick.close().await;
    s.close().await;
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_local_datacenter_is_refused_naming_the_real_ones() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let e = SessionBuilder::new()
        .contact_point(addr(&server))
        .local_datacenter("dc9")
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("\"dc9\"") && msg.contains("\"datacenter1\""),
        "{msg}"
    );
    // The right one works.
    let s = session(
        SessionBuilder::new()
            .contact_point(addr(&server))
            .local_datacenter("datacenter1"),
    )
    .await;
    s.execute("SELECT * FROM system.local", ()).await.unwrap();
    s.close().await;
    server.stop().await;
}

#[tokio::test]
async fn lost_connections_are_refilled_and_requests_go_on() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let proxy = Proxy::start(server.local_addr()).await;
    let s = session(
        SessionBuilder::new()
            .contact_point(NodeAddr::from(proxy.addr))
            .connections_per_host(2)
            .reconnection_policy(Arc::new(ConstantReconnectionPolicy::new(
                Duration::from_millis(50),
            ))),
    )
    .await;
    eventually(Duration::from_secs(5), "two pooled connections", || {
        s.hosts()[0].open_connections == 2
    })
    .await;
    // The node becomes unreachable: the control connection and both pooled connections
    // close, reconnecting fails, the host is marked down.
    proxy.refuse(true);
    assert_eq!(proxy.cut(), 3);
    eventually(Duration::from_secs(5), "the host is marked down", || {
        !s.hosts()[0].up
    })
    .await;
    let e = s
        .execute("SELECT * FROM system.local", ())
        .await
        .unwrap_err();
    assert!(e.to_string().contains(&proxy.addr.to_string()), "{e}");
    // Reachable again: the next request connects at once rather than waiting for the
    // reconnection schedule.
    proxy.refuse(false);
    let r = s.execute("SELECT * FROM system.local", ()).await.unwrap();
    assert_eq!(r.host, NodeAddr::from(proxy.addr));
    assert!(s.hosts()[0].up);
    eventually(Duration::from_secs(5), "the pool is full again", || {
        let h = &s.hosts()[0];
        h.up && h.open_connections == 2
    })
    .await;
    assert_eq!(
        s.metrics().open_connections_to(&NodeAddr::from(proxy.addr)),
        2
    );
    // The control connection comes back too: DDL still reports agreement.
    let r = s
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS refill WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await
        .unwrap();
    assert_eq!(r.schema_agreement, Some(true));
    s.close().await;
    drop(proxy);
    server.stop().await;
}

#[tokio::test]
async fn a_node_that_stops_is_marked_down_and_the_other_contact_point_takes_over() {
    // Two independent single-node clusters with the same host id, as contact points: the
    // session sees one host (the first's topology), then moves to the second when the
    // first goes away.
    let a = SimServer::start(SimServerConfig::default()).await.unwrap();
    let b = SimServer::start(SimServerConfig::default()).await.unwrap();
    let s = session(
        SessionBuilder::new()
            .contact_point(addr(&a))
            .contact_point(addr(&b))
            .reconnection_policy(Arc::new(ConstantReconnectionPolicy::new(
                Duration::from_millis(100),
            ))),
    )
    .await;
    assert_eq!(s.hosts().len(), 1);
    assert_eq!(s.hosts()[0].addr, addr(&a));
    s.execute("SELECT * FROM system.local", ()).await.unwrap();
    let a_addr = addr(&a);
    a.stop().await;
    eventually(
        Duration::from_secs(10),
        "the view moves to the second node",
        || {
            let hosts = s.hosts();
            hosts.len() == 1 && hosts[0].addr == addr(&b) && hosts[0].open_connections == 1
        },
    )
    .await;
    let r = s.execute("SELECT * FROM system.local", ()).await.unwrap();
    assert_eq!(r.host, addr(&b));
    assert_eq!(s.metrics().open_connections_to(&a_addr), 0);
    s.close().await;
    b.stop().await;
}

#[tokio::test]
async fn close_stops_everything_and_requests_after_it_fail() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let s = session(SessionBuilder::new().contact_point(addr(&server))).await;
    s.close().await;
    assert!(s.hosts().iter().all(|h| h.open_connections == 0));
    assert_eq!(s.metrics().total_open_connections(), 0);
    assert!(matches!(
        s.execute("SELECT * FROM system.local", ()).await,
        Err(Error::Closed(_))
    ));
    assert!(matches!(s.refresh_topology().await, Err(Error::Closed(_))));
    assert!(matches!(
        s.await_schema_agreement().await,
        Err(Error::Closed(_))
    ));
    server.stop().await;
}
