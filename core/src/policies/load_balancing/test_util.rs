//! Hand-built cluster views for the policy tests.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use uuid::Uuid;

use super::QueryPlan;
use crate::cluster::host::Host;
use crate::cluster::replication::ReplicationStrategy;
use crate::cluster::token::{Partitioner, Token};
use crate::cluster::view::ClusterView;
use crate::runtime::NodeAddr;

/// A host at `addr`:9042 placed in `dc`/`rack` owning `tokens` (its id is derived from the
/// address).
pub(crate) fn host(addr: &str, dc: &str, rack: &str, tokens: &[i64]) -> Arc<Host> {
    let id = addr.bytes().fold(0u128, |acc, b| {
        acc.wrapping_mul(257).wrapping_add(u128::from(b))
    });
    let node = NodeAddr::new(addr, 9042);
    Arc::new(
        Host::new(Uuid::from_u128(id), node.clone(), node)
            .with_placement(dc, rack)
            .with_tokens(tokens.iter().map(|&t| Token::Murmur3(t)).collect()),
    )
}

/// Six hosts in two datacenters, racks r1/r2, tokens interleaving the datacenters:
///
/// | host     | dc  | rack | token |
/// |----------|-----|------|-------|
/// | 10.0.0.1 | dc1 | r1   | 0     |
/// | 10.0.0.2 | dc1 | r2   | 200   |
/// | 10.0.0.3 | dc1 | r1   | 400   |
/// | 10.1.0.1 | dc2 | r1   | 100   |
/// | 10.1.0.2 | dc2 | r2   | 300   |
/// | 10.1.0.3 | dc2 | r1   | 500   |
///
/// Keyspaces: `ks` (NTS dc1:1, dc2:1), `rf3` (SimpleStrategy 3), `nts` (NTS dc1:2,
/// dc2:2). The view was built around 10.0.0.1, so the local DC hint is dc1.
pub(crate) fn two_dc_view() -> ClusterView {
    let hosts = vec![
        host("10.0.0.1", "dc1", "r1", &[0]),
        host("10.0.0.2", "dc1", "r2", &[200]),
        host("10.0.0.3", "dc1", "r1", &[400]),
        host("10.1.0.1", "dc2", "r1", &[100]),
        host("10.1.0.2", "dc2", "r2", &[300]),
        host("10.1.0.3", "dc2", "r1", &[500]),
    ];
    let local = hosts[0].host_id;
    let nts = |a: usize, b: usize| ReplicationStrategy::NetworkTopology {
        datacenters: BTreeMap::from([("dc1".to_string(), a), ("dc2".to_string(), b)]),
    };
    ClusterView::builder(hosts)
        .partitioner(Partitioner::Murmur3)
        .keyspace("ks", nts(1, 1))
        .keyspace("nts", nts(2, 2))
        .keyspace(
            "rf3",
            ReplicationStrategy::Simple {
                replication_factor: 3,
            },
        )
        .local_host(local)
        .build()
}

/// The first token of the host at `addr`: under every strategy that host is the first
/// replica of its own range.
pub(crate) fn token_owned_by(view: &ClusterView, _keyspace: &str, addr: &str) -> Token {
    view.hosts()
        .iter()
        .find(|h| h.addr.host == addr)
        .and_then(|h| h.tokens.first().cloned())
        .unwrap_or(Token::Murmur3(i64::MIN))
}

/// Marks the host at `addr` up or down.
pub(crate) fn set_up(view: &ClusterView, addr: &str, up: bool) {
    for h in view.hosts() {
        if h.addr.host == addr {
            h.set_up(up);
        }
    }
}

/// The plan's host addresses.
pub(crate) fn addrs(plan: QueryPlan<'_>) -> Vec<String> {
    plan.map(|h| h.addr.host.clone()).collect()
}
