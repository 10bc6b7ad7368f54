//! Keyspace replication: which hosts hold the replicas of each token range.
//!
//! * [`ReplicationStrategy`] is a keyspace's strategy, parsed from the
//!   `system_schema.keyspaces.replication` map.
//! * [`ReplicaMap`] precomputes the replicas of every ring range for one strategy, so a
//!   lookup is a binary search on the ring.

mod network_topology;
mod replica_map;
mod simple;
mod strategy;

pub use replica_map::ReplicaMap;
pub use strategy::{ReplicationError, ReplicationStrategy, parse_replication_factor};
