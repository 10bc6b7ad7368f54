//! Who a simulated node is: the identity and topology facts `system.local` and
//! `system.peers` report.

use std::net::{IpAddr, Ipv4Addr};

use uuid::Uuid;

/// The node's own identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// `cluster_name`.
    pub cluster_name: String,
    /// `data_center`.
    pub datacenter: String,
    /// `rack`.
    pub rack: String,
    /// `host_id`.
    pub host_id: Uuid,
    /// The address clients connect to (`rpc_address`, `broadcast_address`, `listen_address`).
    pub address: IpAddr,
    /// The native protocol port.
    pub native_port: u16,
    /// The inter-node port (`listen_port`), reported only.
    pub listen_port: u16,
    /// The Murmur3 tokens this node owns.
    pub tokens: Vec<i64>,
    /// `release_version` (e.g. `4.1.7`).
    pub release_version: String,
    /// The CQL version advertised in SUPPORTED and `system.local.cql_version`.
    pub cql_version: String,
    /// `partitioner` (full class name).
    pub partitioner: String,
    /// The other nodes of the cluster, as `system.peers`/`peers_v2` show them.
    pub peers: Vec<PeerInfo>,
}

impl Default for NodeInfo {
    fn default() -> Self {
        Self {
            cluster_name: "Test Cluster".to_string(),
            datacenter: "datacenter1".to_string(),
            rack: "rack1".to_string(),
            host_id: Uuid::new_v4(),
            address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            native_port: 9042,
            listen_port: 7000,
            tokens: spread_tokens(16, 0),
            release_version: "4.1.7".to_string(),
            cql_version: "3.4.6".to_string(),
            partitioner: "org.apache.cassandra.dht.Murmur3Partitioner".to_string(),
            peers: Vec::new(),
        }
    }
}

/// Another node of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerInfo {
    /// Its address (`peer`, `rpc_address`, `native_address`).
    pub address: IpAddr,
    /// Its native protocol port.
    pub native_port: u16,
    /// `host_id`.
    pub host_id: Uuid,
    /// `data_center`.
    pub datacenter: String,
    /// `rack`.
    pub rack: String,
    /// Its tokens.
    pub tokens: Vec<i64>,
    /// `release_version`.
    pub release_version: String,
    /// Its `schema_version`, or `None` when unknown.
    pub schema_version: Option<Uuid>,
}

/// `count` tokens spread evenly over the Murmur3 ring, shifted by `offset` so several
/// nodes interleave (node `i` of `n` uses `offset = i`, `count` each, stride `n`).
pub fn spread_tokens(count: usize, offset: usize) -> Vec<i64> {
    let count = count.max(1);
    let step = (u64::MAX / (count as u64)) as i128;
    (0..count)
        .map(|i| {
            let t = i128::from(i64::MIN) + step * i as i128 + (offset as i128) * 1_000_003;
            t.clamp(i128::from(i64::MIN) + 1, i128::from(i64::MAX)) as i64
        })
        .collect()
}
