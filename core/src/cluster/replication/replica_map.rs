//! Precomputed replicas of every ring range for one replication strategy.

use alloc::vec::Vec;

use super::network_topology::Topology;
use super::simple;
use super::strategy::ReplicationStrategy;
use crate::cluster::ring::{RingHost, TokenRing};
use crate::cluster::token::Token;

/// The replicas of every range of a [`TokenRing`] under one [`ReplicationStrategy`], as
/// host indices into that ring's [`TokenRing::hosts`].
///
/// Build one per distinct strategy (keyspaces sharing a strategy share a map) and rebuild it
/// when the ring changes; a map used with a ring other than the one it was built from gives
/// meaningless (but never panicking) answers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplicaMap {
    repr: Repr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Repr {
    /// Replicas per ring position: `spans[i]` is `(start, end)` into `hosts`.
    PerPosition {
        spans: Vec<(usize, usize)>,
        hosts: Vec<usize>,
    },
    /// The same replicas for every token (LocalStrategy, EverywhereStrategy, unknown ones).
    Shared(Vec<usize>),
}

impl Default for Repr {
    fn default() -> Self {
        Self::Shared(Vec::new())
    }
}

impl ReplicaMap {
    /// Computes the replicas of every ring range.
    ///
    /// * SimpleStrategy: the range's owner, then the next distinct hosts clockwise, up to
    ///   the replication factor (fewer if the ring has fewer hosts).
    /// * NetworkTopologyStrategy: per datacenter (in order of first appearance on the ring),
    ///   rack-aware as Cassandra places them; see the module `network_topology`.
    /// * LocalStrategy: the ring's local host (none if it was not set).
    /// * EverywhereStrategy: every host owning tokens, in order of first appearance on the
    ///   ring.
    /// * Other strategies: no replicas.
    ///
    /// Cost: SimpleStrategy and NTS walk the ring from each position until enough hosts are
    /// found, so typical rings take `O(tokens × rf)`.
    pub fn build<H>(ring: &TokenRing<H>, strategy: &ReplicationStrategy) -> Self {
        let owners = ring.owners();
        let repr = match strategy {
            ReplicationStrategy::Simple { replication_factor } => {
                let rf = (*replication_factor).min(distinct_owners(owners).len());
                let mut hosts = Vec::with_capacity(owners.len().saturating_mul(rf));
                let mut spans = Vec::with_capacity(owners.len());
                for position in 0..owners.len() {
                    let start = hosts.len();
                    simple::replicas(owners, position, rf, &mut hosts);
                    spans.push((start, hosts.len()));
                }
                Repr::PerPosition { spans, hosts }
            }
            ReplicationStrategy::NetworkTopology { datacenters } => {
                let topology = Topology::new(ring.hosts(), owners, datacenters);
                let mut hosts = Vec::new();
                let mut spans = Vec::with_capacity(owners.len());
                topology.for_each_position(owners, |replicas| {
                    let start = hosts.len();
                    hosts.extend_from_slice(replicas);
                    spans.push((start, hosts.len()));
                });
                Repr::PerPosition { spans, hosts }
            }
            ReplicationStrategy::Local => Repr::Shared(ring.local_host().into_iter().collect()),
            ReplicationStrategy::Everywhere => Repr::Shared(distinct_owners(owners)),
            ReplicationStrategy::Other { .. } => Repr::Shared(Vec::new()),
        };
        Self { repr }
    }

    /// The replicas (host indices) of the range ending at ring position `position`; empty
    /// for a position outside the ring.
    pub fn replicas_at(&self, position: usize) -> &[usize] {
        match &self.repr {
            Repr::PerPosition { spans, hosts } => spans
                .get(position)
                .and_then(|&(start, end)| hosts.get(start..end))
                .unwrap_or(&[]),
            Repr::Shared(hosts) => hosts,
        }
    }

    /// The replicas (host indices into `ring`) of `token`: those of the range
    /// `(previous, t]` that contains it. The first is the preferred coordinator (the
    /// range's owner under SimpleStrategy). Empty if the ring is empty or the strategy
    /// places no replicas.
    pub fn replicas<H>(&self, ring: &TokenRing<H>, token: &Token) -> &[usize] {
        match &self.repr {
            Repr::Shared(hosts) => hosts,
            Repr::PerPosition { .. } => match ring.position(token) {
                Some(position) => self.replicas_at(position),
                None => &[],
            },
        }
    }

    /// The replica hosts of `token` (see [`ReplicaMap::replicas`]).
    pub fn replica_hosts<'a, H>(
        &'a self,
        ring: &'a TokenRing<H>,
        token: &Token,
    ) -> impl Iterator<Item = &'a RingHost<H>> + 'a {
        self.replicas(ring, token)
            .iter()
            .filter_map(move |&index| ring.host(index))
    }
}

/// Host indices owning tokens, in order of first appearance on the ring.
fn distinct_owners(owners: &[usize]) -> Vec<usize> {
    let mut seen: Vec<usize> = Vec::new();
    let mut sorted: Vec<usize> = Vec::new();
    for &owner in owners {
        if let Err(slot) = sorted.binary_search(&owner) {
            sorted.insert(slot, owner);
            seen.push(owner);
        }
    }
    seen
}
