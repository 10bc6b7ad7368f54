//! [`SimCluster`]: N simulated nodes in one process, each serving the native protocol on
//! its own address, with their lifecycle (stop, start, restart, add, remove) announced to
//! clients as Cassandra announces it.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use cql_core::message::{Event, StatusChangeType, TopologyChangeType};
use tokio::net::TcpListener;
use uuid::Uuid;

use super::config::TokenLayout;
use super::config::{Addressing, SimClusterConfig};
use crate::sim::faults::{FaultInjector, RequestLog};
use crate::sim::info::{DseInfo, NodeInfo, joining_tokens};
use crate::sim::node::{Node, NodeConfig};
use crate::sim::server::{
    ServerCertificate, SimServer, SimServerConfig, SimServerHandle, generate_pem,
};

/// How many ports to try when looking for one free on every loopback address.
const PORT_ATTEMPTS: usize = 32;

/// One node of a [`SimCluster`].
#[derive(Debug)]
pub struct ClusterNode {
    node: Node,
    addr: SocketAddr,
    server: Option<SimServerHandle>,
    log: RequestLog,
}

impl ClusterNode {
    /// The native-protocol address (address and port) clients connect to.
    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// `host_id`.
    pub fn host_id(&self) -> Uuid {
        self.node.info().host_id
    }

    /// `data_center`.
    pub fn datacenter(&self) -> &str {
        &self.node.info().datacenter
    }

    /// `rack`.
    pub fn rack(&self) -> &str {
        &self.node.info().rack
    }

    /// The node's tokens.
    pub fn tokens(&self) -> &[i64] {
        &self.node.info().tokens
    }

    /// Whether the node is serving (its listener is open).
    pub fn is_up(&self) -> bool {
        self.server.is_some()
    }

    /// Whether the node was removed from the cluster.
    pub fn is_removed(&self) -> bool {
        self.node.is_removed()
    }

    /// The simulated node (run CQL on it directly, inspect its prepared statements...).
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// The requests this node received (kept across restarts).
    pub fn request_log(&self) -> &RequestLog {
        &self.log
    }
}

/// A simulated cluster: nodes sharing one schema and one store, each with its own
/// identity, tokens, prepared statements, event feed and server.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use cql_testkit::sim::cluster::{SimCluster, SimClusterConfig};
/// let mut cluster = SimCluster::start(SimClusterConfig::nodes(3)).await?;
/// let contact = cluster.contact_points()[0];
/// cluster.stop_node(2).await?;   // the others send STATUS_CHANGE DOWN
/// cluster.start_node(2).await?;  // ... and UP
/// cluster.stop().await;
/// # let _ = contact; Ok(()) }
/// ```
#[derive(Debug)]
pub struct SimCluster {
    config: SimClusterConfig,
    nodes: Vec<ClusterNode>,
    tls: Option<ServerCertificate>,
    ca_pem: Option<String>,
    port: u16,
}

impl SimCluster {
    /// Binds every node's address, creates the nodes and starts serving.
    ///
    /// # Errors
    /// An address cannot be bound (no port free on every loopback address), or the TLS
    /// setup failed.
    pub async fn start(config: SimClusterConfig) -> io::Result<SimCluster> {
        let count = config.node_count();
        if count == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a cluster needs at least one node",
            ));
        }
        let listeners = bind_all(&config.addressing, count).await?;
        let port = match config.addressing {
            Addressing::Loopback { .. } => listeners
                .first()
                .and_then(|l| l.local_addr().ok())
                .map_or(0, |a| a.port()),
            Addressing::SingleAddress { .. } => 0,
        };
        let (tls, ca_pem) = if config.tls {
            let mut names = vec!["localhost".to_string()];
            for l in &listeners {
                names.push(l.local_addr()?.ip().to_string());
            }
            let pem = generate_pem(&names).map_err(io::Error::other)?;
            (
                Some(ServerCertificate::Pem {
                    cert: pem.chain_pem,
                    key: pem.key_pem,
                }),
                Some(pem.ca_pem),
            )
        } else {
            (None, None)
        };
        let mut cluster = SimCluster {
            config,
            nodes: Vec::with_capacity(count),
            tls,
            ca_pem,
            port,
        };
        let placement = cluster.config.placement();
        let tokens = cluster.config.initial_tokens(count);
        let mut first: Option<Node> = None;
        for ((listener, (dc, rack)), tokens) in listeners.into_iter().zip(placement).zip(tokens) {
            let addr = listener.local_addr()?;
            let node_config = cluster.node_config(addr, dc, rack, tokens);
            let node = match &first {
                None => {
                    let n = Node::new(node_config);
                    n.set_schema_agreement_delay(cluster.config.schema_agreement_delay);
                    first = Some(n.clone());
                    n
                }
                Some(f) => f.join(node_config),
            };
            let log = RequestLog::new();
            let server_config = cluster.server_config(addr, &log);
            let server = SimServer::start_with_listener(listener, node.clone(), server_config)?;
            cluster.nodes.push(ClusterNode {
                node,
                addr,
                server: Some(server),
                log,
            });
        }
        Ok(cluster)
    }

    fn node_config(
        &self,
        addr: SocketAddr,
        dc: String,
        rack: String,
        tokens: Vec<i64>,
    ) -> NodeConfig {
        NodeConfig {
            info: NodeInfo {
                cluster_name: self.config.cluster_name.clone(),
                datacenter: dc,
                rack,
                host_id: Uuid::new_v4(),
                address: addr.ip(),
                native_port: addr.port(),
                tokens,
                release_version: self.config.dse.as_ref().map_or_else(
                    || NodeInfo::default().release_version,
                    DseInfo::release_version,
                ),
                dse: self.config.dse.clone(),
                ..NodeInfo::default()
            },
            users: self.config.users.clone(),
            clock: self.config.clock.clone(),
            features: self.config.features,
            auth: self.config.auth,
        }
    }

    fn server_config(&self, addr: SocketAddr, log: &RequestLog) -> SimServerConfig {
        SimServerConfig {
            listen: addr,
            tls: self.tls.clone(),
            primes: self.config.primes.clone(),
            protocol_versions: self.config.protocol_versions.clone(),
            faults: self.config.faults.clone(),
            request_log: log.clone(),
            ..SimServerConfig::default()
        }
    }

    /// The fault rules every node consults (add rules naming a node's address to fault
    /// that node only).
    pub fn faults(&self) -> &FaultInjector {
        &self.config.faults
    }

    /// The configuration the cluster started with.
    pub fn config(&self) -> &SimClusterConfig {
        &self.config
    }

    /// Every node, by index (removed ones included: indices are stable).
    pub fn nodes(&self) -> &[ClusterNode] {
        &self.nodes
    }

    /// Node `index`.
    pub fn node(&self, index: usize) -> Option<&ClusterNode> {
        self.nodes.get(index)
    }

    /// The addresses of the nodes that are up, in index order.
    pub fn contact_points(&self) -> Vec<SocketAddr> {
        self.nodes
            .iter()
            .filter(|n| n.is_up())
            .map(|n| n.addr)
            .collect()
    }

    /// The PEM of the CA to trust when TLS is on.
    pub fn tls_ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Changes how long the nodes that did not coordinate a schema change take to report
    /// its version.
    pub fn set_schema_agreement_delay(&mut self, delay: Duration) {
        self.config.schema_agreement_delay = delay;
        if let Some(n) = self.nodes.first() {
            n.node.set_schema_agreement_delay(delay);
        }
    }

    /// The indices of the nodes holding the replicas of a partition of `keyspace`
    /// (`partition_key`: the serialized key, composite keys in their `CompositeType`
    /// form, see [`cql_core::cluster::token::routing_key()`]), in the strategy's order; empty for system
    /// and unknown keyspaces.
    pub fn replicas(&self, keyspace: &str, partition_key: &[u8]) -> Vec<usize> {
        self.nodes
            .first()
            .map(|n| n.node.replicas(keyspace, partition_key))
            .unwrap_or_default()
    }

    fn get(&self, index: usize) -> io::Result<&ClusterNode> {
        match self.nodes.get(index) {
            Some(n) if !n.is_removed() => Ok(n),
            Some(_) => Err(invalid(format!("node {index} was removed"))),
            None => Err(invalid(format!(
                "no node {index}: the cluster has {}",
                self.nodes.len()
            ))),
        }
    }

    /// Sends an event to the registered clients of every node up except `except`.
    fn announce(&self, except: usize, event: &Event) {
        for (i, n) in self.nodes.iter().enumerate() {
            if i != except && n.is_up() {
                n.node.publish(event.clone());
            }
        }
    }

    /// Stops node `index`: its listener closes, every client connection to it is
    /// closed, the others consider it down (for consistency levels) and, after the
    /// configured down detection delay, send STATUS_CHANGE DOWN to their registered
    /// clients. Stopping a stopped node does nothing.
    ///
    /// # Errors
    /// No such node, or it was removed.
    pub async fn stop_node(&mut self, index: usize) -> io::Result<()> {
        self.get(index)?;
        let Some(n) = self.nodes.get_mut(index) else {
            return Ok(());
        };
        let Some(server) = n.server.take() else {
            return Ok(());
        };
        server.stop().await;
        n.node.set_up(false);
        let address = n.addr;
        let delay = self.config.down_detection_delay;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        self.announce(
            index,
            &Event::StatusChange {
                change: StatusChangeType::Down,
                address,
            },
        );
        Ok(())
    }

    /// Starts node `index` again on the same address and port: it reports the current
    /// schema, and the others send STATUS_CHANGE UP. Starting a running node does
    /// nothing.
    ///
    /// # Errors
    /// No such node, it was removed, or its address cannot be bound again.
    pub async fn start_node(&mut self, index: usize) -> io::Result<()> {
        let n = self.get(index)?;
        if n.is_up() {
            return Ok(());
        }
        let addr = n.addr;
        let listener = TcpListener::bind(addr).await?;
        let server_config = self.server_config(addr, &n.log);
        let server = SimServer::start_with_listener(listener, n.node.clone(), server_config)?;
        // A node started after being paused and stopped runs normally.
        n.node.set_paused(false);
        n.node.set_up(true);
        if let Some(n) = self.nodes.get_mut(index) {
            n.server = Some(server);
        }
        self.announce(
            index,
            &Event::StatusChange {
                change: StatusChangeType::Up,
                address: addr,
            },
        );
        Ok(())
    }

    /// Pauses node `index`, as `kill -STOP` pauses a Cassandra process (ccm's `pause`):
    /// its connections stay open but it reads and answers nothing; after the down
    /// detection delay the others consider it down and send STATUS_CHANGE DOWN, as
    /// gossip would. Pausing a paused or stopped node does nothing.
    ///
    /// # Errors
    /// No such node, or it was removed.
    pub async fn pause_node(&mut self, index: usize) -> io::Result<()> {
        let n = self.get(index)?;
        if !n.is_up() || n.node.is_paused() {
            return Ok(());
        }
        n.node.set_paused(true);
        n.node.set_up(false);
        let address = n.addr;
        let delay = self.config.down_detection_delay;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        self.announce(
            index,
            &Event::StatusChange {
                change: StatusChangeType::Down,
                address,
            },
        );
        Ok(())
    }

    /// Lets a paused node `index` go on (ccm's `resume`): it answers what it received
    /// meanwhile, and the others send STATUS_CHANGE UP. Resuming a node that is not
    /// paused does nothing.
    ///
    /// # Errors
    /// No such node, or it was removed.
    pub async fn resume_node(&mut self, index: usize) -> io::Result<()> {
        let n = self.get(index)?;
        if !n.node.is_paused() {
            return Ok(());
        }
        n.node.set_paused(false);
        n.node.set_up(true);
        let address = n.addr;
        self.announce(
            index,
            &Event::StatusChange {
                change: StatusChangeType::Up,
                address,
            },
        );
        Ok(())
    }

    /// Stops node `index`, makes it forget its prepared statements (as a restarted
    /// Cassandra does) and starts it again.
    ///
    /// # Errors
    /// As [`stop_node`](Self::stop_node) and [`start_node`](Self::start_node).
    pub async fn restart_node(&mut self, index: usize) -> io::Result<()> {
        self.stop_node(index).await?;
        if let Some(n) = self.nodes.get(index) {
            n.node.forget_prepared();
        }
        self.start_node(index).await
    }

    /// Adds a node to datacenter `dc` on `rack` (on the next loopback address, or a new
    /// port), with `num_tokens` tokens splitting the widest ranges of the ring; the
    /// others list it in their peers tables and send TOPOLOGY_CHANGE NEW_NODE. Returns
    /// its index.
    ///
    /// # Errors
    /// Its address cannot be bound (or `dc` is empty).
    pub async fn add_node(&mut self, dc: &str, rack: &str) -> io::Result<usize> {
        if dc.is_empty() {
            return Err(invalid("a node needs a datacenter".to_string()));
        }
        let index = self.nodes.len();
        let addr = self.config.addressing.address(index, self.port);
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let existing: Vec<i64> = self
            .nodes
            .iter()
            .filter(|n| !n.is_removed())
            .flat_map(|n| n.tokens().iter().copied())
            .collect();
        let per_node = match self.config.token_layout {
            TokenLayout::Ccm => 1,
            TokenLayout::Interleaved => self.config.num_tokens,
        };
        let tokens = joining_tokens(&existing, per_node);
        let config = self.node_config(addr, dc.to_string(), rack.to_string(), tokens);
        let Some(first) = self.nodes.first() else {
            return Err(invalid("the cluster has no node to join".to_string()));
        };
        let node = first.node.join(config);
        let log = RequestLog::new();
        let server_config = self.server_config(addr, &log);
        let server = SimServer::start_with_listener(listener, node.clone(), server_config)?;
        self.nodes.push(ClusterNode {
            node,
            addr,
            server: Some(server),
            log,
        });
        self.announce(
            index,
            &Event::TopologyChange {
                change: TopologyChangeType::NewNode,
                address: addr,
            },
        );
        Ok(index)
    }

    /// Removes node `index` (decommission): it stops if running, leaves the ring and
    /// every peers table, and the others send TOPOLOGY_CHANGE REMOVED_NODE.
    ///
    /// # Errors
    /// No such node, or it was removed already.
    pub async fn remove_node(&mut self, index: usize) -> io::Result<()> {
        self.get(index)?;
        let Some(n) = self.nodes.get_mut(index) else {
            return Ok(());
        };
        if let Some(server) = n.server.take() {
            server.stop().await;
        }
        n.node.leave();
        let address = n.addr;
        self.announce(
            index,
            &Event::TopologyChange {
                change: TopologyChangeType::RemovedNode,
                address,
            },
        );
        Ok(())
    }

    /// Stops every node and waits until all connections are closed.
    pub async fn stop(mut self) {
        self.stop_all().await;
    }

    /// Stops every node at once, without announcing anything (the whole cluster goes
    /// away), for owners that cannot give the cluster up by value.
    pub async fn stop_all(&mut self) {
        for n in &mut self.nodes {
            if let Some(server) = n.server.take() {
                server.stop().await;
            }
        }
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Binds the first `count` addresses: on one port free on every loopback address, or
/// each on a free port of one address.
async fn bind_all(addressing: &Addressing, count: usize) -> io::Result<Vec<TcpListener>> {
    match *addressing {
        Addressing::SingleAddress { ip } => {
            let mut out = Vec::with_capacity(count);
            for _ in 0..count {
                out.push(TcpListener::bind(SocketAddr::new(ip, 0)).await?);
            }
            Ok(out)
        }
        Addressing::Loopback { port, .. } => {
            let attempts = if port == 0 { PORT_ATTEMPTS } else { 1 };
            let mut last_error = None;
            for _ in 0..attempts {
                match bind_on_one_port(addressing, count, port).await {
                    Ok(listeners) => return Ok(listeners),
                    Err(e) => last_error = Some(e),
                }
            }
            Err(last_error.unwrap_or_else(|| io::Error::other("no free port")))
        }
    }
}

async fn bind_on_one_port(
    addressing: &Addressing,
    count: usize,
    port: u16,
) -> io::Result<Vec<TcpListener>> {
    let first = TcpListener::bind(addressing.address(0, port)).await?;
    let port = first.local_addr()?.port();
    let mut out = vec![first];
    for i in 1..count {
        out.push(TcpListener::bind(addressing.address(i, port)).await?);
    }
    Ok(out)
}
