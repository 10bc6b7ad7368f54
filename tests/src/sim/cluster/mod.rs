//! A simulated cluster: several nodes in one process sharing one schema and one store (a
//! perfectly repaired cluster: "replication" is placement, used for consistency decisions
//! and ownership reports), each with its own identity, prepared statements, event feed,
//! up/down state and reported schema version.
//!
//! ```text
//!   config       layout (datacenters, racks, tokens, addresses) and shared settings
//!   sim          SimCluster: start, stop/start/restart/pause/resume/add/remove nodes, events
//!   control      a line-based control port over a running cluster (what cql-ccm drives)
//!   consistency  pure decisions: levels allowed, replicas required vs alive (Unavailable)
//!   topology     members, schema versions they report, ring and replica placement
//! ```
//!
//! What is simulated and what is not: every node serves every request from the one
//! shared copy of the data (never stale); consistency levels are checked against the
//! replicas the keyspace's strategy places and which of their nodes are up, with
//! Cassandra's Unavailable numbers; no timeouts happen on their own (fault injection
//! does that). Schema changes apply at once everywhere; only the version the other
//! nodes report lags by the configured delay.

pub mod config;
pub mod consistency;
pub mod control;
pub mod sim;
pub mod topology;

pub use config::{Addressing, SimClusterConfig, TokenLayout};
pub use sim::{ClusterNode, SimCluster};

#[cfg(test)]
mod tests;
