//! Who a simulated node is: the identity and topology facts `system.local` and
//! `system.peers` report.

use std::net::{IpAddr, Ipv4Addr};

use uuid::Uuid;

use crate::sim::clients::ConnectedClients;

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
    /// The schema version this node reports in `system.local`, when it differs from the
    /// schema's own (a cluster node that has not caught up with a schema change yet);
    /// `None`: the schema's current version.
    pub schema_version: Option<Uuid>,
    /// The client connections open to the node (`system_views.clients`); clones of the
    /// identity share them.
    pub clients: ConnectedClients,
    /// DataStax Enterprise identity (`dse_version`, workloads) when the node plays a DSE
    /// 6.8 node ([`crate::sim::dse`]); `None`: Apache Cassandra.
    pub dse: Option<DseInfo>,
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
            schema_version: None,
            clients: ConnectedClients::default(),
            dse: None,
        }
    }
}

/// What a DataStax Enterprise node adds to its identity in `system.local` and
/// `system.peers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DseInfo {
    /// `dse_version` (e.g. `6.8.40`).
    pub version: String,
    /// `workload`: the legacy single workload name.
    pub workload: String,
    /// `workloads`: every workload the node runs.
    pub workloads: Vec<String>,
    /// `graph`: whether DSE Graph runs on the node.
    pub graph: bool,
}

impl Default for DseInfo {
    /// DSE 6.8.40 with the Cassandra and Graph workloads.
    fn default() -> Self {
        Self {
            version: "6.8.40".to_string(),
            workload: "Cassandra".to_string(),
            workloads: vec!["Cassandra".to_string(), "Graph".to_string()],
            graph: true,
        }
    }
}

impl DseInfo {
    /// The `release_version` a DSE node of this version reports: the Cassandra
    /// version DSE 6.8 is built on, followed by the DSE version without dots
    /// (`4.0.0.6840` for 6.8.40).
    pub fn release_version(&self) -> String {
        format!("4.0.0.{}", self.version.replace('.', ""))
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

/// The tokens of node `index` of a cluster of `nodes` nodes with `count` tokens each:
/// `count * nodes` tokens spaced evenly over the Murmur3 ring and dealt round-robin, so
/// every node owns an equal share made of `count` ranges interleaved with the others'.
/// Deterministic: the same arguments always give the same tokens.
pub fn interleaved_tokens(count: usize, index: usize, nodes: usize) -> Vec<i64> {
    let count = count.max(1);
    let nodes = nodes.max(1);
    let total = (count as u128) * (nodes as u128);
    let step = (1u128 << 64) / total;
    (0..count)
        .map(|j| {
            let slot = (j as u128) * (nodes as u128) + (index as u128);
            // Offset by half a step so no token sits on the ring's minimum.
            let offset = step * slot + step / 2;
            let t = i128::from(i64::MIN) + offset as i128;
            t.clamp(i128::from(i64::MIN) + 1, i128::from(i64::MAX)) as i64
        })
        .collect()
}

/// The single token ccm gives node `index` of a datacenter of `nodes` nodes, the
/// datacenter being number `dc` (from 0) of the cluster: evenly spaced from the ring's
/// minimum, each datacenter's ring shifted by 100 per datacenter before it (ccm's
/// `balanced_tokens` and `balanced_tokens_across_dcs`), so drivers' token-dependent
/// tests find the replicas they expect.
pub fn ccm_token(index: usize, nodes: usize, dc: usize) -> i64 {
    let step = (1u128 << 64) / (nodes.max(1) as u128);
    let t = i128::from(i64::MIN) + (step * index as u128) as i128 + 100 * dc as i128;
    t.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// `count` new tokens for a node joining a ring that already holds `existing`: the
/// midpoints of the `count` widest ranges (ties to the lower token), as an allocator
/// balancing ownership would place them. Deterministic.
pub fn joining_tokens(existing: &[i64], count: usize) -> Vec<i64> {
    let count = count.max(1);
    let mut ring: Vec<i64> = existing.to_vec();
    ring.sort_unstable();
    ring.dedup();
    if ring.is_empty() {
        return interleaved_tokens(count, 0, 1);
    }
    let mut chosen = Vec::with_capacity(count);
    for _ in 0..count {
        // Ranges (previous, token]; the first one wraps around from the last token.
        let mut best: Option<(u128, i64)> = None;
        for (i, &end) in ring.iter().enumerate() {
            let start = if i == 0 {
                ring.last().copied().unwrap_or(end)
            } else {
                ring.get(i - 1).copied().unwrap_or(end)
            };
            let width = (i128::from(end) - i128::from(start)).rem_euclid(1i128 << 64) as u128;
            let width = if width == 0 { 1u128 << 64 } else { width };
            if best.is_none_or(|(w, _)| width > w) {
                let mid = i128::from(start) + (width / 2) as i128;
                let mid =
                    (mid - i128::from(i64::MIN)).rem_euclid(1i128 << 64) + i128::from(i64::MIN);
                best = Some((width, mid as i64));
            }
        }
        let Some((_, token)) = best else { break };
        let token = if token == i64::MIN {
            i64::MIN + 1
        } else {
            token
        };
        if ring.binary_search(&token).is_ok() {
            break;
        }
        chosen.push(token);
        if let Err(at) = ring.binary_search(&token) {
            ring.insert(at, token);
        }
    }
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaved_tokens_are_distinct_sorted_and_balanced() {
        let nodes = 3;
        let all: Vec<Vec<i64>> = (0..nodes)
            .map(|i| interleaved_tokens(16, i, nodes))
            .collect();
        let mut flat: Vec<(i64, usize)> = all
            .iter()
            .enumerate()
            .flat_map(|(i, ts)| ts.iter().map(move |t| (*t, i)))
            .collect();
        flat.sort_unstable();
        assert_eq!(flat.len(), 48);
        assert!(flat.windows(2).all(|w| w[0].0 < w[1].0), "distinct tokens");
        // Owners alternate round-robin around the ring.
        for (k, (_, owner)) in flat.iter().enumerate() {
            assert_eq!(*owner, k % nodes);
        }
        assert_eq!(interleaved_tokens(16, 1, 3), all[1], "deterministic");
        assert!(all.iter().flatten().all(|t| *t != i64::MIN));
        assert_eq!(interleaved_tokens(1, 0, 1), vec![0]);
    }

    #[test]
    fn joining_tokens_split_the_widest_ranges() {
        let existing: Vec<i64> = (0..2).flat_map(|i| interleaved_tokens(4, i, 2)).collect();
        let new = joining_tokens(&existing, 4);
        assert_eq!(new.len(), 4);
        assert!(new.iter().all(|t| !existing.contains(t)));
        assert_eq!(joining_tokens(&existing, 4), new, "deterministic");
        // Every range of an evenly spaced ring is as wide: the new tokens are midpoints.
        let mut ring = existing.clone();
        ring.sort_unstable();
        for t in &new {
            let at = ring.partition_point(|x| x < t);
            let prev = if at == 0 {
                *ring.last().unwrap()
            } else {
                ring[at - 1]
            };
            let next = ring[at % ring.len()];
            let left = (i128::from(*t) - i128::from(prev)).rem_euclid(1 << 64);
            let right = (i128::from(next) - i128::from(*t)).rem_euclid(1 << 64);
            // (A midpoint on the ring minimum moves up by one.)
            assert!((left - right).abs() <= 2, "{t} is a midpoint");
        }
        assert_eq!(joining_tokens(&[], 2), interleaved_tokens(2, 0, 1));
    }
}
