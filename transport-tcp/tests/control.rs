//! The control connection (`cql_core::session::control`) over TCP against simulated
//! nodes: topology and keyspaces, schema agreement, events (delivered and debounced),
//! the `system.peers` fallback and failover to another node.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use cql_core::connection::{Connection, ConnectionConfig, RequestOptions};
use cql_core::sync::Receiver;
use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_testkit::sim::{NodeConfig, NodeInfo, PeerInfo};
use cql_transport_tcp::cluster::debounce::DebounceConfig;
use cql_transport_tcp::cluster::replication::ReplicationStrategy;
use cql_transport_tcp::cluster::token::Partitioner;
use cql_transport_tcp::cluster::topology::TopologySnapshot;
use cql_transport_tcp::frame::ProtocolVersion;
use cql_transport_tcp::message::{
    Event, Query, QueryParameters, Request, Response, SchemaChangeTarget, SchemaChangeType,
    StatusChangeType, TopologyChangeType,
};
use cql_transport_tcp::runtime::{NodeAddr, Transport};
use cql_transport_tcp::session::Error;
use cql_transport_tcp::session::control::{
    ControlConfig, ControlConnection, ControlEvent, ControlHosts,
};
use cql_transport_tcp::{TcpTransport, TokioRuntime};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type Control = ControlConnection;

fn config() -> ControlConfig {
    ControlConfig {
        connection: ConnectionConfig {
            connect_timeout: Duration::from_secs(2),
            ..ConnectionConfig::default()
        },
        debounce: DebounceConfig {
            window: Duration::from_millis(150),
            ..DebounceConfig::default()
        },
        reconnect_delay: Duration::from_millis(100),
        ..ControlConfig::default()
    }
}

fn addr(server: &SimServerHandle) -> NodeAddr {
    server.local_addr().into()
}

fn transport() -> Arc<dyn Transport> {
    Arc::new(TcpTransport::new())
}

async fn connect_with(config: ControlConfig, hosts: Arc<dyn ControlHosts>) -> Control {
    ControlConnection::connect(
        transport(),
        std::sync::Arc::new(TokioRuntime::new()),
        config,
        hosts,
    )
    .await
    .unwrap()
}

async fn connect(server: &SimServerHandle) -> Control {
    let a = addr(server);
    connect_with(config(), Arc::new(move || vec![a.clone()])).await
}

/// A port nothing listens on.
async fn dead_addr() -> NodeAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = listener.local_addr().unwrap();
    drop(listener);
    a.into()
}

/// Runs `cql` on a separate connection to `server` (DDL from "another client").
async fn run(server: &SimServerHandle, cql: &str) {
    let conn = Connection::open(
        &TcpTransport::new(),
        std::sync::Arc::new(TokioRuntime::new()),
        addr(server),
        ConnectionConfig::default(),
    )
    .await
    .unwrap();
    let answer = conn
        .send(
            Request::Query(Query {
                query: cql.to_string().into(),
                params: QueryParameters::default(),
            }),
            RequestOptions::default(),
        )
        .await
        .unwrap();
    assert!(
        !matches!(answer.response, Response::Error(_)),
        "{cql}: {:?}",
        answer.response
    );
    conn.close().await;
}

/// The next event matching `want` within `within`; panics listing what came instead.
async fn expect_event(
    rx: &mut Receiver<ControlEvent>,
    within: Duration,
    mut want: impl FnMut(&ControlEvent) -> bool,
) -> ControlEvent {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, rx.next()).await {
            Ok(Some(event)) if want(&event) => return event,
            Ok(Some(event)) => seen.push(event),
            Ok(None) => panic!("the event stream ended; got {seen:#?}"),
            Err(_) => panic!("no matching event within {within:?}; got {seen:#?}"),
        }
    }
}

/// Every event arriving within `within`.
async fn collect_for(rx: &mut Receiver<ControlEvent>, within: Duration) -> Vec<ControlEvent> {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    while let Ok(Some(event)) = tokio::time::timeout_at(deadline, rx.next()).await {
        out.push(event);
    }
    out
}

fn refreshed_topology(event: &ControlEvent) -> Option<&TopologySnapshot> {
    match event {
        ControlEvent::Refreshed(r) => r.topology.as_ref(),
        _ => None,
    }
}

/// A peer at 127.0.0.`n`:`port` with a fresh host id and no schema version.
fn peer(n: u8, port: u16) -> PeerInfo {
    PeerInfo {
        address: IpAddr::from([127, 0, 0, n]),
        native_port: port,
        // A fresh random uuid (this crate does not depend on `uuid` directly).
        host_id: NodeInfo::default().host_id,
        datacenter: "dc2".to_string(),
        rack: "rack2".to_string(),
        tokens: vec![i64::from(n) * 1000, -i64::from(n) * 1000],
        release_version: "4.1.7".to_string(),
        schema_version: None,
    }
}

/// `peer(n, port)` reporting a schema version nobody else has.
fn stale_peer(n: u8, port: u16) -> PeerInfo {
    PeerInfo {
        schema_version: Some(NodeInfo::default().host_id),
        ..peer(n, port)
    }
}

async fn server_with_peers(peers: Vec<PeerInfo>) -> SimServerHandle {
    SimServer::start(SimServerConfig {
        node: NodeConfig {
            info: NodeInfo {
                peers,
                ..NodeInfo::default()
            },
            ..NodeConfig::default()
        },
        ..SimServerConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn connects_and_reads_the_topology() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let control = connect(&server).await;
    assert_eq!(control.addr(), Some(addr(&server)));
    assert!(control.is_connected());
    let snap = control.refresh_topology().await.unwrap();
    let info = server.node().info();
    assert_eq!(snap.cluster_name.as_deref(), Some("Test Cluster"));
    assert_eq!(snap.partitioner, Some(Partitioner::Murmur3));
    assert_eq!(snap.control_addr, addr(&server));
    assert_eq!(snap.local.host_id, info.host_id);
    assert_eq!(snap.local.addr, addr(&server));
    assert_eq!(snap.local.datacenter, "datacenter1");
    assert_eq!(snap.local.rack, "rack1");
    assert_eq!(snap.local.tokens.len(), 16);
    let mut expected: Vec<_> = info
        .tokens
        .iter()
        .map(|t| cql_transport_tcp::cluster::token::Token::Murmur3(*t))
        .collect();
    let mut got = snap.local.tokens.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(snap.local.release_version.as_deref(), Some("4.1.7"));
    assert_eq!(
        snap.local.schema_version,
        Some(server.node().schema_version())
    );
    assert!(snap.peers.is_empty());
    assert!(control.uses_peers_v2());
    assert_eq!(control.last_topology(), Some(snap.clone()));
    let hosts = snap.hosts(|a| a.clone());
    assert_eq!(hosts.len(), 1);
    assert_eq!(hosts[0].host_id, info.host_id);
    assert_eq!(hosts[0].tokens.len(), 16);
    control.shutdown().await;
    assert!(!control.is_connected());
    server.stop().await;
}

#[tokio::test]
async fn reads_peers_from_peers_v2() {
    let peers = vec![stale_peer(2, 9043), peer(3, 9044)];
    let server = server_with_peers(peers.clone()).await;
    let control = connect(&server).await;
    let snap = control.refresh_topology().await.unwrap();
    assert_eq!(snap.peers.len(), 2);
    // Rows come in the table's (token) order: look the peers up by host id.
    let p = snap.node(&peers[0].host_id).unwrap();
    assert_eq!(p.addr, NodeAddr::new("127.0.0.2", 9043));
    assert_eq!((p.datacenter.as_str(), p.rack.as_str()), ("dc2", "rack2"));
    assert_eq!(p.tokens.len(), 2);
    assert_eq!(p.schema_version, peers[0].schema_version);
    let q = snap.node(&peers[1].host_id).unwrap();
    assert_eq!(q.addr, NodeAddr::new("127.0.0.3", 9044));
    assert_eq!(q.schema_version, None);
    control.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn skips_unreachable_candidates() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let dead = dead_addr().await;
    let live = addr(&server);
    let candidates = vec![dead.clone(), live.clone()];
    let control = connect_with(config(), Arc::new(move || candidates.clone())).await;
    assert_eq!(control.addr(), Some(live));
    control.shutdown().await;

    let dead2 = dead_addr().await;
    let all_dead = vec![dead.clone(), dead2.clone()];
    let err = ControlConnection::connect(
        transport(),
        std::sync::Arc::new(TokioRuntime::new()),
        config(),
        Arc::new(move || all_dead.clone()),
    )
    .await
    .unwrap_err();
    let tried: Vec<&NodeAddr> = err.host_errors().iter().map(|(a, _)| a).collect();
    assert_eq!(tried, vec![&dead, &dead2], "{err}");
    let none = ControlConnection::connect(
        transport(),
        std::sync::Arc::new(TokioRuntime::new()),
        config(),
        Arc::new(Vec::<NodeAddr>::new),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(none, Error::NoHostAvailable(ref v) if v.is_empty()),
        "{none}"
    );
    server.stop().await;
}

#[tokio::test]
async fn keyspaces_after_create_keyspace() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    run(
        &server,
        "CREATE KEYSPACE ks_nts WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}",
    )
    .await;
    run(
        &server,
        "CREATE KEYSPACE ks_simple WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}",
    )
    .await;
    let control = connect(&server).await;
    let keyspaces = control.fetch_keyspaces().await.unwrap();
    let find = |name: &str| {
        keyspaces
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| panic!("no {name} in {keyspaces:?}"))
    };
    assert_eq!(
        find("ks_nts"),
        ReplicationStrategy::NetworkTopology {
            datacenters: [("datacenter1".to_string(), 1)].into_iter().collect()
        }
    );
    assert_eq!(
        find("ks_simple"),
        ReplicationStrategy::Simple {
            replication_factor: 2
        }
    );
    assert_eq!(find("system"), ReplicationStrategy::Local);
    control.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn schema_agreement() {
    // One node: in agreement at once.
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let control = connect(&server).await;
    assert!(control.check_schema_agreement().await.unwrap());
    run(
        &server,
        "CREATE KEYSPACE agree WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    )
    .await;
    let started = tokio::time::Instant::now();
    assert!(
        control
            .wait_for_schema_agreement(Duration::from_secs(10))
            .await
            .unwrap()
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    control.shutdown().await;
    server.stop().await;

    // A peer stuck on another version: no agreement, after waiting as long as asked.
    let server = server_with_peers(vec![stale_peer(2, 9042), peer(3, 9042)]).await;
    let control = connect(&server).await;
    assert!(!control.check_schema_agreement().await.unwrap());
    let started = tokio::time::Instant::now();
    assert!(
        !control
            .wait_for_schema_agreement(Duration::from_millis(700))
            .await
            .unwrap()
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(700) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    control.shutdown().await;
    server.stop().await;

    // A peer that reports no version yet does not count.
    let server = server_with_peers(vec![peer(2, 9042)]).await;
    let control = connect(&server).await;
    assert!(control.check_schema_agreement().await.unwrap());
    control.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn schema_change_events_are_delivered() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let control = connect(&server).await;
    control.refresh_topology().await.unwrap();
    control.fetch_keyspaces().await.unwrap();
    let mut events = control.start().unwrap();
    assert!(control.start().is_err(), "started twice");
    run(
        &server,
        "CREATE KEYSPACE evks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    )
    .await;
    run(&server, "CREATE TABLE evks.t (k int PRIMARY KEY, v text)").await;
    // The keyspace change makes the control connection re-read the keyspaces...
    let refreshed = expect_event(
        &mut events,
        Duration::from_secs(5),
        |e| matches!(e, ControlEvent::Refreshed(r) if r.keyspaces.is_some()),
    )
    .await;
    let ControlEvent::Refreshed(r) = refreshed else {
        unreachable!()
    };
    let keyspaces = r.keyspaces.unwrap();
    assert!(
        keyspaces.iter().any(|(n, s)| n == "evks"
            && *s
                == ReplicationStrategy::Simple {
                    replication_factor: 1
                }),
        "{keyspaces:?}"
    );
    assert!(r.topology.is_none());
    // ... and passes the changes on, both in one batch.
    let changed = expect_event(&mut events, Duration::from_secs(5), |e| {
        matches!(e, ControlEvent::SchemaChanged(_))
    })
    .await;
    let ControlEvent::SchemaChanged(changes) = changed else {
        unreachable!()
    };
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[0].change_type, SchemaChangeType::Created);
    assert_eq!(
        changes[0].target,
        SchemaChangeTarget::Keyspace {
            keyspace: "evks".to_string()
        }
    );
    assert!(matches!(
        &changes[1].target,
        SchemaChangeTarget::Table { keyspace, name } if keyspace == "evks" && name == "t"
    ));
    control.shutdown().await;
    // The task stops: the event stream ends.
    let rest = tokio::time::timeout(Duration::from_secs(5), async {
        let mut rest = Vec::new();
        while let Some(e) = events.next().await {
            rest.push(e);
        }
        rest
    })
    .await
    .expect("the event stream ends after shutdown");
    assert!(rest.is_empty(), "{rest:?}");
    server.stop().await;
}

fn sock(n: u8, port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, n], port))
}

#[tokio::test]
async fn event_storm_is_debounced() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    // The default 1 s window, so that a slow machine does not split the storm.
    let mut config = config();
    config.debounce = DebounceConfig::default();
    let a = addr(&server);
    let control = connect_with(config, Arc::new(move || vec![a.clone()])).await;
    control.refresh_topology().await.unwrap();
    let mut events = control.start().unwrap();
    // Let the task subscribe before the storm.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let node = server.node();
    for i in 0..500u32 {
        let change = match i % 3 {
            0 => TopologyChangeType::NewNode,
            1 => TopologyChangeType::MovedNode,
            _ => TopologyChangeType::RemovedNode,
        };
        node.publish(Event::TopologyChange {
            change,
            address: sock(2 + (i % 50) as u8, 9042),
        });
    }
    let got = collect_for(&mut events, Duration::from_millis(2500)).await;
    let refreshes = got
        .iter()
        .filter(|e| refreshed_topology(e).is_some())
        .count();
    assert_eq!(refreshes, 1, "500 events, one refresh: {got:#?}");
    assert_eq!(got.len(), 1, "{got:#?}");

    // DOWN is passed on at once; UP of a known node after the window; UP of a node
    // nobody knows makes the topology be read again.
    let local: SocketAddr = server.local_addr();
    let unknown = sock(9, 9042);
    node.publish(Event::StatusChange {
        change: StatusChangeType::Down,
        address: local,
    });
    // Well within the 1 s window.
    let down = expect_event(&mut events, Duration::from_millis(500), |_| true).await;
    assert_eq!(down, ControlEvent::HostDown(local.into()));
    node.publish(Event::StatusChange {
        change: StatusChangeType::Up,
        address: local,
    });
    node.publish(Event::StatusChange {
        change: StatusChangeType::Up,
        address: unknown,
    });
    let got = collect_for(&mut events, Duration::from_secs(2)).await;
    assert_eq!(got.len(), 3, "{got:#?}");
    assert_eq!(got[0], ControlEvent::HostUp(local.into()));
    assert!(refreshed_topology(&got[1]).is_some(), "{got:#?}");
    assert_eq!(got[2], ControlEvent::HostUp(unknown.into()));
    control.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn fails_over_to_the_next_candidate() {
    let first = SimServer::start(SimServerConfig::default()).await.unwrap();
    let second = SimServer::start(SimServerConfig::default()).await.unwrap();
    let second_id = second.node().info().host_id;
    let candidates = vec![addr(&first), addr(&second)];
    let control = connect_with(config(), Arc::new(move || candidates.clone())).await;
    assert_eq!(control.addr(), Some(addr(&first)));
    let before = control.refresh_topology().await.unwrap();
    control.fetch_keyspaces().await.unwrap();
    let mut events = control.start().unwrap();

    first.stop().await;
    let moved = expect_event(&mut events, Duration::from_secs(5), |_| true).await;
    assert_eq!(
        moved,
        ControlEvent::Reconnected {
            addr: addr(&second)
        }
    );
    let refreshed = expect_event(&mut events, Duration::from_secs(5), |_| true).await;
    let ControlEvent::Refreshed(r) = refreshed else {
        panic!("expected a refresh, got {refreshed:?}")
    };
    let topology = r.topology.as_ref().expect("the topology is re-read");
    assert_eq!(topology.local.host_id, second_id);
    assert_eq!(topology.control_addr, addr(&second));
    assert!(r.keyspaces.as_ref().is_some_and(|k| !k.is_empty()));
    // Two unrelated single-node clusters: the first node is gone, the second is new.
    assert_eq!(r.diff.removed.len(), 1);
    assert_eq!(r.diff.removed[0].host_id, before.local.host_id);
    assert_eq!(r.diff.added.len(), 1);
    assert_eq!(r.diff.added[0].host_id, second_id);
    assert_eq!(control.addr(), Some(addr(&second)));
    assert!(control.is_connected());
    assert_eq!(
        control.refresh_topology().await.unwrap().local.host_id,
        second_id
    );
    // Events now come from the second node.
    run(
        &second,
        "CREATE KEYSPACE after_failover WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    )
    .await;
    expect_event(&mut events, Duration::from_secs(5), |e| {
        matches!(e, ControlEvent::SchemaChanged(c) if c.iter().any(|c| matches!(&c.target, SchemaChangeTarget::Keyspace { keyspace } if keyspace == "after_failover")))
    })
    .await;

    // Every candidate gone: Disconnected, retried with the delay.
    second.stop().await;
    let lost = expect_event(&mut events, Duration::from_secs(5), |_| true).await;
    assert!(
        matches!(&lost, ControlEvent::Disconnected { error: Error::NoHostAvailable(v), .. } if v.len() == 2),
        "{lost:?}"
    );
    control.shutdown().await;
}

/// A frame-aware proxy (protocol v4, uncompressed) that renames `system.peers_v2` in
/// every request to a table that does not exist, as a Cassandra 3 node would refuse it.
async fn peers_v2_hiding_proxy(upstream: SocketAddr) -> SocketAddr {
    async fn pump_requests(
        mut from: tokio::net::tcp::OwnedReadHalf,
        mut to: tokio::net::tcp::OwnedWriteHalf,
    ) {
        loop {
            let mut header = [0u8; 9];
            if from.read_exact(&mut header).await.is_err() {
                return;
            }
            let len = u32::from_be_bytes([header[5], header[6], header[7], header[8]]) as usize;
            let mut body = vec![0u8; len];
            if from.read_exact(&mut body).await.is_err() {
                return;
            }
            let needle = b"system.peers_v2";
            let mut i = 0;
            while i + needle.len() <= body.len() {
                if &body[i..i + needle.len()] == needle {
                    body[i + needle.len() - 2..i + needle.len()].copy_from_slice(b"vX");
                }
                i += 1;
            }
            if to.write_all(&header).await.is_err() || to.write_all(&body).await.is_err() {
                return;
            }
        }
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let local = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = TcpStream::connect(upstream).await.unwrap();
            let (client_rd, client_wr) = client.into_split();
            let (mut server_rd, server_wr) = server.into_split();
            tokio::spawn(pump_requests(client_rd, server_wr));
            tokio::spawn(async move {
                let mut client_wr = client_wr;
                let _ = tokio::io::copy(&mut server_rd, &mut client_wr).await;
            });
        }
    });
    local
}

#[tokio::test]
async fn falls_back_to_system_peers_for_good() {
    let server = server_with_peers(vec![peer(2, 9043)]).await;
    let proxy = peers_v2_hiding_proxy(server.local_addr()).await;
    let mut config = config();
    config.connection.protocol_version = Some(ProtocolVersion::V4);
    config.default_port = 9999;
    let proxy_addr: NodeAddr = proxy.into();
    let control = connect_with(config, Arc::new(move || vec![proxy_addr.clone()])).await;
    assert!(control.uses_peers_v2());
    let snap = control.refresh_topology().await.unwrap();
    assert!(!control.uses_peers_v2());
    // system.peers has no port: the configured default port.
    assert_eq!(snap.peers.len(), 1);
    assert_eq!(snap.peers[0].addr, NodeAddr::new("127.0.0.2", 9999));
    assert_eq!(snap.local.host_id, server.node().info().host_id);
    // Sticky: the next refresh and the agreement check go straight to system.peers.
    assert_eq!(control.refresh_topology().await.unwrap(), snap);
    assert!(control.check_schema_agreement().await.unwrap());
    assert!(!control.uses_peers_v2());
    control.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn dropping_every_handle_stops_the_task() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let control = connect(&server).await;
    let clone = control.clone();
    let mut events = control.start().unwrap();
    drop(control);
    // A clone keeps it running.
    assert!(
        tokio::time::timeout(Duration::from_millis(200), events.next())
            .await
            .is_err()
    );
    assert!(clone.is_connected());
    drop(clone);
    let end = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .expect("the task stops once every handle is gone");
    assert_eq!(end, None);
    server.stop().await;
}
