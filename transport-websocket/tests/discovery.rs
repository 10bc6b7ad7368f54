//! A driver behind the bridge still discovers the cluster and routes to its nodes: one
//! contact point through `cql-bridge` to a 3-node `SimCluster` on 127.0.0.1/.2/.3, the
//! peers it learns from `system.peers_v2` reached through the same bridge (each its own
//! tunnel), token-aware routing checked in the nodes' request records, a stopped node, a
//! node the bridge's allow-list leaves out, an address translator rewriting a node's
//! address to a bridge target, and a node served by a second bridge.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{TOKEN, bridge, config};
use cql_core::frame::Opcode;
use cql_core::policies::address_translation::MapAddressTranslator;
use cql_core::policies::reconnection::ConstantReconnectionPolicy;
use cql_core::runtime::NodeAddr;
use cql_core::session::{HostInfo, Session};
use cql_testkit::sim::cluster::{SimCluster, SimClusterConfig};
use cql_transport_tcp::SessionBuilder;
use cql_transport_websocket::{BridgeAddressMap, WebSocketTransport};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

type WsSession = Session;

/// A session through `map` with the cluster's first node as its only contact point.
async fn session(
    cluster: &SimCluster,
    map: BridgeAddressMap,
    builder: SessionBuilder,
) -> WsSession {
    builder
        .contact_point(cluster.contact_points()[0])
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Some(Duration::from_secs(5)))
        .reconnection_policy(Arc::new(ConstantReconnectionPolicy::new(
            Duration::from_millis(100),
        )))
        .transport(WebSocketTransport::new(map).with_token(TOKEN))
        .connect()
        .await
        .unwrap()
}

fn addresses(cluster: &SimCluster) -> Vec<SocketAddr> {
    cluster.nodes().iter().map(|n| n.address()).collect()
}

fn host(session: &WsSession, addr: SocketAddr) -> HostInfo {
    let addr = NodeAddr::from(addr);
    session
        .hosts()
        .into_iter()
        .find(|h| h.addr == addr)
        .unwrap_or_else(|| panic!("{addr} is not among {:?}", session.hosts()))
}

/// Polls `check` every 20 ms until it holds or `within` passes.
async fn eventually(within: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + within;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not within {within:?}: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every host up with an open pool.
async fn all_pooled(session: &WsSession, n: usize) {
    eventually(Duration::from_secs(10), "every host up with a pool", || {
        let hosts = session.hosts();
        hosts.len() == n && hosts.iter().all(|h| h.up && h.open_connections > 0)
    })
    .await;
}

fn clear_records(cluster: &SimCluster) {
    for n in cluster.nodes() {
        n.request_log().clear();
    }
}

/// The indices of the nodes that received an EXECUTE since the last clear.
fn executed_on(cluster: &SimCluster) -> Vec<usize> {
    cluster
        .nodes()
        .iter()
        .enumerate()
        .flat_map(|(i, n)| {
            n.request_log()
                .records()
                .into_iter()
                .filter(|r| r.opcode == Opcode::Execute)
                .map(move |_| i)
        })
        .collect()
}

/// Creates keyspace `ks` (SimpleStrategy, `rf`) with table `kv (k int PRIMARY KEY, v
/// text)`.
async fn kv(session: &WsSession, ks: &str, rf: usize) {
    session
        .execute(
            &format!(
                "CREATE KEYSPACE {ks} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': {rf}}}"
            ),
            (),
        )
        .await
        .unwrap();
    session
        .execute(
            &format!("CREATE TABLE {ks}.kv (k int PRIMARY KEY, v text)"),
            (),
        )
        .await
        .unwrap();
}

/// Writes keys `0..n` with a prepared single-partition INSERT into `ks.kv`, checking that
/// each EXECUTE reached only a replica of its key (and the host the result names);
/// returns how many keys each node received.
async fn writes_reach_replicas(
    session: &WsSession,
    cluster: &SimCluster,
    ks: &str,
    n: i32,
    expected_host: impl Fn(usize) -> NodeAddr,
) -> Vec<usize> {
    let insert = session
        .prepare(&format!("INSERT INTO {ks}.kv (k, v) VALUES (?, ?)"))
        .await
        .unwrap();
    let mut hits = vec![0; cluster.nodes().len()];
    for k in 0..n {
        let replicas = cluster.replicas(ks, &k.to_be_bytes());
        clear_records(cluster);
        let r = session.execute(&insert, (k, "v")).await.unwrap();
        let on = executed_on(cluster);
        assert!(!on.is_empty(), "key {k}: no EXECUTE recorded");
        assert!(
            on.iter().all(|i| replicas.contains(i)),
            "key {k}: replicas {replicas:?}, executed on {on:?}"
        );
        assert_eq!(r.host, expected_host(on[0]), "key {k}");
        hits[on[0]] += 1;
    }
    hits
}

/// A TCP forwarder on 127.0.0.1 (a free port) to `target`: a second address for a node,
/// as a NAT would give it.
struct Forwarder {
    addr: SocketAddr,
    accept: JoinHandle<()>,
}

impl Forwarder {
    async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                tokio::spawn(async move {
                    if let Ok(mut node) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut node).await;
                    }
                });
            }
        });
        Self { addr, accept }
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Log lines (tracing's fmt output, no colours) of everything on this thread while the
/// guard lives: the session's and the bridge's (a current-thread test runtime runs both).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let sink = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || sink.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn one_contact_point_discovers_every_node_through_the_bridge() {
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let nodes = addresses(&cluster);
    let bridge = bridge(config(&nodes)).await;
    let map = BridgeAddressMap::new(bridge.url()).unwrap();
    // Idempotent: a request caught on a tunnel that closes when node 2 stops is retried
    // on the next host.
    let s = session(&cluster, map, SessionBuilder::new().idempotent(true)).await;

    // Three hosts learned from one contact point, each with a pool through the bridge.
    all_pooled(&s, 3).await;
    for (i, n) in cluster.nodes().iter().enumerate() {
        let h = host(&s, nodes[i]);
        assert_eq!(h.host_id, n.host_id());
        assert_eq!(h.datacenter.as_deref(), Some(n.datacenter()));
        assert_eq!(h.rack.as_deref(), Some(n.rack()));
    }

    // Prepared single-partition writes go to their key's replica, on every node.
    kv(&s, "rf1", 1).await;
    let hits = writes_reach_replicas(&s, &cluster, "rf1", 60, |i| NodeAddr::from(nodes[i])).await;
    assert!(
        hits.iter().all(|&n| n > 0),
        "every node owns keys: {hits:?}"
    );

    // A node stops: requests continue on the others, and it is marked down.
    kv(&s, "rf3", 3).await;
    let select = s.prepare("SELECT v FROM rf3.kv WHERE k = ?").await.unwrap();
    cluster.stop_node(2).await.unwrap();
    for k in 0..40i32 {
        let r = s.execute(&select, (k,)).await.unwrap();
        assert_ne!(r.host, NodeAddr::from(nodes[2]), "key {k}");
    }
    eventually(Duration::from_secs(5), "the stopped node is down", || {
        let h = host(&s, nodes[2]);
        !h.up && h.open_connections == 0
    })
    .await;
    // It comes back: the session reconnects through the bridge.
    cluster.start_node(2).await.unwrap();
    all_pooled(&s, 3).await;

    s.close().await;
    bridge.stop().await;
    cluster.stop().await;
}

#[tokio::test]
async fn a_node_outside_the_allow_list_is_down_and_the_refusal_logged() {
    let logs = Logs::default();
    let _guard = logs.capture();
    let cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let nodes = addresses(&cluster);
    // The bridge reaches nodes 0 and 1 only.
    let bridge = bridge(config(&nodes[..2])).await;
    let s = session(
        &cluster,
        BridgeAddressMap::new(bridge.url()).unwrap(),
        SessionBuilder::new(),
    )
    .await;

    eventually(
        Duration::from_secs(10),
        "nodes 0 and 1 pooled, 2 down",
        || {
            let hosts = s.hosts();
            hosts.len() == 3
                && hosts.iter().all(|h| {
                    let reachable = h.addr != NodeAddr::from(nodes[2]);
                    h.up == reachable && (h.open_connections > 0) == reachable
                })
        },
    )
    .await;
    let text = logs.text();
    let refused = text
        .lines()
        .find(|l| l.contains("connection failed") && l.contains(&nodes[2].to_string()))
        .unwrap_or_else(|| panic!("no failed connection to {} logged:\n{text}", nodes[2]));
    assert!(
        refused.contains("4404") && refused.contains("allow-list"),
        "the refusal's close code and reason are in the log: {refused}"
    );
    assert!(!text.contains(TOKEN), "the token never reaches the logs");

    // The others keep working: every key, whichever node owns it, is written (a replica
    // that cannot be reached is passed over for a coordinator that can).
    kv(&s, "ks", 1).await;
    let insert = s
        .prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)")
        .await
        .unwrap();
    clear_records(&cluster);
    for k in 0..30i32 {
        let r = s.execute(&insert, (k, "v")).await.unwrap();
        assert_ne!(r.host, NodeAddr::from(nodes[2]));
    }
    assert!(!executed_on(&cluster).contains(&2));

    s.close().await;
    bridge.stop().await;
    cluster.stop().await;
}

#[tokio::test]
async fn translated_addresses_are_the_bridge_targets() {
    let cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let nodes = addresses(&cluster);
    // Node 2 is reachable from the bridge only at another address (a NAT); its own
    // address is not in the allow-list, so only the translated one can work.
    let nat = Forwarder::start(nodes[2]).await;
    let bridge = bridge(config(&[nodes[0], nodes[1], nat.addr])).await;
    let translator = MapAddressTranslator::new().with_address(nodes[2].into(), nat.addr.into());
    let s = session(
        &cluster,
        BridgeAddressMap::new(bridge.url()).unwrap(),
        SessionBuilder::new().address_translator(Arc::new(translator)),
    )
    .await;

    all_pooled(&s, 3).await;
    let h = host(&s, nat.addr);
    assert_eq!(h.host_id, cluster.nodes()[2].host_id());
    assert!(s.hosts().iter().all(|h| h.addr != NodeAddr::from(nodes[2])));

    // Node 2's keys reach node 2, through the translated address.
    kv(&s, "rf1", 1).await;
    let hits = writes_reach_replicas(&s, &cluster, "rf1", 60, |i| {
        NodeAddr::from(if i == 2 { nat.addr } else { nodes[i] })
    })
    .await;
    assert!(hits[2] > 0, "node 2 owns keys: {hits:?}");

    s.close().await;
    bridge.stop().await;
    cluster.stop().await;
}

#[tokio::test]
async fn a_network_behind_a_second_bridge() {
    let cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let nodes = addresses(&cluster);
    // Bridge A reaches nodes 0 and 1, bridge B node 2 only (e.g. one bridge per
    // datacenter, whose nodes share a network); node 2 is known only by its network
    // until the session discovers it.
    let a = bridge(config(&nodes[..2])).await;
    let b = bridge(config(&nodes[2..])).await;
    let map = BridgeAddressMap::new(a.url())
        .unwrap()
        .with_bridge_for_network(&format!("{}/32", nodes[2].ip()), b.url())
        .unwrap();
    let s = session(&cluster, map, SessionBuilder::new()).await;

    all_pooled(&s, 3).await;
    // Node 2's pool is bridge B's only tunnels.
    eventually(
        Duration::from_secs(5),
        "bridge B carries node 2's pool",
        || b.active_connections() == host(&s, nodes[2]).open_connections,
    )
    .await;
    kv(&s, "rf1", 1).await;
    let hits = writes_reach_replicas(&s, &cluster, "rf1", 60, |i| NodeAddr::from(nodes[i])).await;
    assert!(
        hits.iter().all(|&n| n > 0),
        "every node owns keys: {hits:?}"
    );

    s.close().await;
    a.stop().await;
    b.stop().await;
    cluster.stop().await;
}
