//! `DESCRIBE CLUSTER`: the cluster name, the partitioner and the snitch, and — when a
//! non-system keyspace is in use — which endpoints replicate each token range of it.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::sim::info::NodeInfo;
use crate::sim::schema::Keyspace;

/// The snitch class Cassandra reports by default (the dynamic snitch wraps the
/// configured one), without the `org.apache.cassandra.locator.` prefix.
pub const SNITCH: &str = "DynamicEndpointSnitch";

/// The partitioner's class name without the `org.apache.cassandra.dht.` prefix.
pub fn partitioner(info: &NodeInfo) -> String {
    let p = info.partitioner.as_str();
    p.strip_prefix("org.apache.cassandra.dht.")
        .unwrap_or(p)
        .to_string()
}

/// One node of the ring.
struct RingNode {
    endpoint: String,
    datacenter: String,
}

/// An endpoint as `InetAddressAndPort.toString()` writes it: `/127.0.0.1:7000`.
fn endpoint(address: IpAddr, port: u16) -> String {
    match address {
        IpAddr::V4(a) => format!("/{a}:{port}"),
        IpAddr::V6(a) => format!("/[{a}]:{port}"),
    }
}

/// How many replicas a keyspace wants: in total (SimpleStrategy) or per datacenter
/// (NetworkTopologyStrategy).
enum Want {
    Total(usize),
    PerDc(BTreeMap<String, usize>),
}

fn want(keyspace: Option<&Keyspace>) -> Want {
    let Some(ks) = keyspace else {
        return Want::Total(1);
    };
    let count = |v: &String| v.parse::<usize>().unwrap_or(0);
    let class = ks.replication.get("class").map_or("", String::as_str);
    if class.ends_with("NetworkTopologyStrategy") {
        Want::PerDc(
            ks.replication
                .iter()
                .filter(|(k, _)| *k != "class")
                .map(|(k, v)| (k.clone(), count(v)))
                .collect(),
        )
    } else {
        Want::Total(ks.replication.get("replication_factor").map_or(1, count))
    }
}

/// Token (the right end of each range, as text) to the endpoints replicating it, walking
/// the ring clockwise from the range's token (racks are not considered). Keys are in text
/// order, as the serialized `map<text, list<text>>` carries them.
pub fn range_ownership(
    info: &NodeInfo,
    keyspace: Option<&Keyspace>,
) -> BTreeMap<String, Vec<String>> {
    let mut nodes = vec![RingNode {
        endpoint: endpoint(info.address, info.listen_port),
        datacenter: info.datacenter.clone(),
    }];
    let mut ring: Vec<(i64, usize)> = info.tokens.iter().map(|t| (*t, 0)).collect();
    for peer in &info.peers {
        let idx = nodes.len();
        nodes.push(RingNode {
            endpoint: endpoint(peer.address, info.listen_port),
            datacenter: peer.datacenter.clone(),
        });
        ring.extend(peer.tokens.iter().map(|t| (*t, idx)));
    }
    ring.sort_unstable();
    let want = want(keyspace);
    let mut out = BTreeMap::new();
    for start in 0..ring.len() {
        let mut chosen: Vec<usize> = Vec::new();
        let mut per_dc: BTreeMap<&str, usize> = BTreeMap::new();
        for step in 0..ring.len() {
            let Some(&(_, node)) = ring.get((start + step) % ring.len()) else {
                break;
            };
            if chosen.contains(&node) {
                continue;
            }
            let Some(n) = nodes.get(node) else { continue };
            let take = match &want {
                Want::Total(rf) => chosen.len() < *rf,
                Want::PerDc(rfs) => {
                    let have = per_dc.get(n.datacenter.as_str()).copied().unwrap_or(0);
                    have < rfs.get(&n.datacenter).copied().unwrap_or(0)
                }
            };
            if take {
                chosen.push(node);
                *per_dc.entry(n.datacenter.as_str()).or_insert(0) += 1;
            }
        }
        if let Some(&(token, _)) = ring.get(start) {
            let endpoints = chosen
                .iter()
                .filter_map(|i| nodes.get(*i).map(|n| n.endpoint.clone()))
                .collect();
            out.insert(token.to_string(), endpoints);
        }
    }
    out
}
