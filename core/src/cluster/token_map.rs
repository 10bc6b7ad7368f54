//! The token map: a ring plus one precomputed [`ReplicaMap`] per distinct replication
//! strategy, answering "which hosts hold this partition key" for token-aware routing.

use alloc::vec::Vec;

use super::replication::{ReplicaMap, ReplicationStrategy};
use super::ring::{RingHost, TokenRing};
use super::token::{Partitioner, Token};

/// A cluster's token ring with the replica maps of the strategies in use.
///
/// Keyspaces with equal strategies share one replica map. Rebuild the whole map when the
/// ring changes (a host joins, leaves or moves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenMap<H> {
    partitioner: Partitioner,
    ring: TokenRing<H>,
    maps: Vec<(ReplicationStrategy, ReplicaMap)>,
}

impl<H> TokenMap<H> {
    /// A token map over `ring`, whose keys are hashed with `partitioner`; no strategy yet.
    pub fn new(partitioner: Partitioner, ring: TokenRing<H>) -> Self {
        Self {
            partitioner,
            ring,
            maps: Vec::new(),
        }
    }

    /// The partitioner keys are hashed with.
    pub fn partitioner(&self) -> Partitioner {
        self.partitioner
    }

    /// The ring.
    pub fn ring(&self) -> &TokenRing<H> {
        &self.ring
    }

    /// Precomputes the replica map of `strategy` (nothing to do if it is already there).
    pub fn add_strategy(&mut self, strategy: &ReplicationStrategy) {
        if self.replica_map(strategy).is_none() {
            let map = ReplicaMap::build(&self.ring, strategy);
            self.maps.push((strategy.clone(), map));
        }
    }

    /// Drops the replica maps of strategies no longer used by any keyspace.
    pub fn retain_strategies(&mut self, mut keep: impl FnMut(&ReplicationStrategy) -> bool) {
        self.maps.retain(|(s, _)| keep(s));
    }

    /// The precomputed replica map of `strategy`, if [`TokenMap::add_strategy`] built it.
    pub fn replica_map(&self, strategy: &ReplicationStrategy) -> Option<&ReplicaMap> {
        self.maps
            .iter()
            .find(|(s, _)| s == strategy)
            .map(|(_, m)| m)
    }

    /// The token of a routing key (see [`routing_key`](super::token::routing_key())).
    pub fn token(&self, routing_key: &[u8]) -> Token {
        self.partitioner.token(routing_key)
    }

    /// The replicas (host indices into [`TokenRing::hosts`]) of `token` under `strategy`;
    /// empty if the strategy was not added or places no replicas.
    pub fn replicas_for_token(&self, strategy: &ReplicationStrategy, token: &Token) -> &[usize] {
        match self.replica_map(strategy) {
            Some(map) => map.replicas(&self.ring, token),
            None => &[],
        }
    }

    /// The replicas of the partition whose routing key is `routing_key`.
    pub fn replicas_for_key(&self, strategy: &ReplicationStrategy, routing_key: &[u8]) -> &[usize] {
        self.replicas_for_token(strategy, &self.token(routing_key))
    }

    /// The replica hosts of the partition whose routing key is `routing_key`.
    pub fn replica_hosts_for_key<'a>(
        &'a self,
        strategy: &ReplicationStrategy,
        routing_key: &[u8],
    ) -> impl Iterator<Item = &'a RingHost<H>> + 'a {
        let ring = &self.ring;
        self.replicas_for_key(strategy, routing_key)
            .iter()
            .filter_map(move |&index| ring.host(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn routes_keys_through_the_strategy_map() {
        let ring = TokenRing::new(
            vec![
                RingHost::new("a", "dc1", "r1"),
                RingHost::new("b", "dc1", "r2"),
            ],
            vec![(Token::Murmur3(0), "a"), (Token::Murmur3(i64::MAX), "b")],
        )
        .unwrap();
        let mut map = TokenMap::new(Partitioner::Murmur3, ring);
        let simple = ReplicationStrategy::Simple {
            replication_factor: 1,
        };
        assert!(map.replicas_for_key(&simple, &[0, 0, 0, 1]).is_empty());
        map.add_strategy(&simple);
        map.add_strategy(&simple);
        // int 1 hashes to -4069959284402364209, owned by the token 0.
        let hosts: Vec<&str> = map
            .replica_hosts_for_key(&simple, &[0, 0, 0, 1])
            .map(|h| h.id)
            .collect();
        assert_eq!(hosts, ["a"]);
        map.retain_strategies(|_| false);
        assert!(map.replica_map(&simple).is_none());
    }
}
