//! The cluster-aware session (`cql_core::session`, issue 7) over TCP against simulated
//! nodes on real sockets: single nodes (discovery, schema agreement, refill, failover
//! between contact points) and multi-node `SimCluster`s on 127.0.0.x (token-aware and
//! DC-aware routing, node failure and reconnection, retries per error type and
//! speculative execution checked through the nodes' request records, nodes joining,
//! schema agreement, control connection failover, event storms, and a thousand
//! concurrent writes surviving a node's death).

#[path = "cluster/failover.rs"]
mod failover;
#[path = "cluster/retries.rs"]
mod retries;
#[path = "cluster/routing.rs"]
mod routing;
#[path = "cluster/single_node.rs"]
mod single_node;
#[path = "cluster/topology.rs"]
mod topology;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cql_testkit::sim::cluster::{SimCluster, SimClusterConfig};
use cql_testkit::sim::faults::{RequestLog, RequestRecord};
use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::Session;
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::cluster::host::HostDistance;
use cql_transport_tcp::cluster::token::Partitioner;
use cql_transport_tcp::policies::reconnection::ConstantReconnectionPolicy;
use cql_transport_tcp::runtime::NodeAddr;
use cql_transport_tcp::session::{Error, HostInfo};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A builder for a session on `cluster` (its first node as the contact point), with
/// short timeouts and a fast reconnection policy.
fn on(cluster: &SimCluster) -> SessionBuilder {
    SessionBuilder::new()
        .contact_point(cluster.contact_points()[0])
        .request_timeout(Some(Duration::from_secs(5)))
        .reconnection_policy(Arc::new(ConstantReconnectionPolicy::new(
            Duration::from_millis(100),
        )))
}

/// The session's view of the node listening on `addr`.
fn host(session: &Session, addr: SocketAddr) -> HostInfo {
    let addr = NodeAddr::from(addr);
    session
        .hosts()
        .into_iter()
        .find(|h| h.addr == addr)
        .unwrap_or_else(|| panic!("{addr} is not among {:?}", session.hosts()))
}

/// The records `pick` selects from each node's request log, with the node's index.
fn records(
    cluster: &SimCluster,
    pick: impl Fn(&RequestLog) -> Vec<RequestRecord>,
) -> Vec<(usize, RequestRecord)> {
    cluster
        .nodes()
        .iter()
        .enumerate()
        .flat_map(|(i, n)| pick(n.request_log()).into_iter().map(move |r| (i, r)))
        .collect()
}

/// The indices of the nodes (with repetition, in no particular order) that received a
/// request whose text is `cql`.
fn nodes_that_ran(cluster: &SimCluster, cql: &str) -> Vec<usize> {
    records(cluster, |log| log.with_query(cql))
        .into_iter()
        .map(|(i, _)| i)
        .collect()
}

fn clear_records(cluster: &SimCluster) {
    for n in cluster.nodes() {
        n.request_log().clear();
    }
}

/// Creates keyspace `ks` (SimpleStrategy with `rf`) and table `ks.kv (k int PRIMARY KEY,
/// v text)`.
async fn kv(session: &Session, ks: &str, rf: usize) {
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

async fn session(builder: SessionBuilder) -> Session {
    builder
        .connect_timeout(Duration::from_secs(2))
        .connect()
        .await
        .unwrap()
}

fn addr(server: &SimServerHandle) -> NodeAddr {
    server.local_addr().into()
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

/// A TCP proxy to `target` whose connections can all be cut at once, and which can
/// refuse new ones (accepting and closing them at once).
struct Proxy {
    addr: std::net::SocketAddr,
    pipes: Arc<Mutex<Vec<JoinHandle<()>>>>,
    refuse: Arc<AtomicBool>,
    accept: JoinHandle<()>,
}

impl Proxy {
    async fn start(target: std::net::SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let pipes: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let refuse = Arc::new(AtomicBool::new(false));
        let (list, refusing) = (pipes.clone(), refuse.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if refusing.load(Ordering::Acquire) {
                    continue;
                }
                let Ok(mut node) = TcpStream::connect(target).await else {
                    continue;
                };
                list.lock().unwrap().push(tokio::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut node).await;
                }));
            }
        });
        Self {
            addr,
            pipes,
            refuse,
            accept,
        }
    }

    /// Refuses new connections (or accepts them again).
    fn refuse(&self, refuse: bool) {
        self.refuse.store(refuse, Ordering::Release);
    }

    /// Closes every connection through the proxy.
    fn cut(&self) -> usize {
        let pipes = std::mem::take(&mut *self.pipes.lock().unwrap());
        let n = pipes.iter().filter(|p| !p.is_finished()).count();
        for p in pipes {
            p.abort();
        }
        n
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}
