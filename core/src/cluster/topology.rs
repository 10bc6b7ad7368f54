//! The cluster's topology as the control connection reads it: `system.local` and
//! `system.peers_v2` (or `system.peers`) rows decoded into [`NodeRow`]s and a
//! [`TopologySnapshot`], the [`TopologyDiff`] between two snapshots, the [`Host`]s a
//! snapshot describes, keyspace replication from `system_schema.keyspaces`, and schema
//! agreement. Pure functions: no I/O, nothing read from the network can panic.
//!
//! Peer rows follow the rules real drivers apply (see the Python driver's
//! `_is_valid_peer` and the Java driver's `DefaultTopologyMonitor`):
//!
//! * a peer row is skipped (with a `tracing` warning) unless it has a `host_id`, a
//!   `data_center`, a `rack`, an RPC/native address and — when the `tokens` column exists —
//!   a non-empty `tokens` set;
//! * the reported address is the native/RPC address (`native_address` in `peers_v2`,
//!   `rpc_address` or `native_transport_address` in `peers`; the last one present wins),
//!   replaced by `peer` when it is the wildcard `0.0.0.0` or `::`; its port is
//!   `native_port` when the table has it, else the cluster's default port;
//! * a row whose endpoint or host id was already seen (the local node included) is
//!   dropped.
//!
//! The local node's reported address comes from `system.local` the same way (wildcards
//! fall back to `broadcast_address`, then `listen_address`, then the address the control
//! connection used). Its port is `native_port` when present, else the port the control
//! connection used: `system.local.rpc_port` is the Thrift port before Cassandra 4.

mod decode;
pub(crate) mod rows;
mod schema;
#[cfg(test)]
pub(crate) mod tests;

use alloc::string::String;
use alloc::vec::Vec;
use core::net::IpAddr;

use uuid::Uuid;

use super::host::Host;
use super::token::{Partitioner, Token};
use crate::runtime::NodeAddr;
use crate::types::DeserializeError;

pub use decode::decode_topology;
pub use schema::{
    PeerSchemaVersion, keyspaces_from_rows, local_schema_version, peer_schema_versions,
    schema_agreement, schema_versions,
};

/// Which peers table a result came from: their address and port columns differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeersTable {
    /// `system.peers_v2` (Cassandra 4.0+): `native_address`, `native_port`, `peer_port`.
    V2,
    /// `system.peers`: `rpc_address` (or DSE's `native_transport_address`), no port.
    V1,
}

impl PeersTable {
    /// The table's qualified name.
    pub fn table_name(self) -> &'static str {
        match self {
            Self::V2 => "system.peers_v2",
            Self::V1 => "system.peers",
        }
    }
}

/// One node as a `system.local` or `system.peers*` row describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRow {
    /// `host_id`: the node's stable identity.
    pub host_id: Uuid,
    /// The native-protocol address and port the node reports (before any address
    /// translation).
    pub addr: NodeAddr,
    /// The node's broadcast (inter-node) address: `peer` in the peers tables,
    /// `broadcast_address` in `system.local`; informational.
    pub broadcast_address: Option<IpAddr>,
    /// `data_center`.
    pub datacenter: String,
    /// `rack`.
    pub rack: String,
    /// `tokens`, parsed with the cluster's partitioner (empty when the partitioner is
    /// unknown or the query did not select them).
    pub tokens: Vec<Token>,
    /// `release_version`, e.g. `4.1.7`.
    pub release_version: Option<String>,
    /// `schema_version`, when known.
    pub schema_version: Option<Uuid>,
}

impl NodeRow {
    /// Whether `other` describes the same placement and address (schema version aside):
    /// what makes a host "changed" in a [`TopologyDiff`].
    pub fn same_topology(&self, other: &NodeRow) -> bool {
        self.host_id == other.host_id
            && self.addr == other.addr
            && self.datacenter == other.datacenter
            && self.rack == other.rack
            && self.tokens == other.tokens
            && self.release_version == other.release_version
    }
}

/// What the control connection learnt about the cluster in one refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopologySnapshot {
    /// `system.local.cluster_name`.
    pub cluster_name: Option<String>,
    /// The partitioner, when `system.local.partitioner` names one this driver computes
    /// tokens for (`None`: tokens are not parsed and routing is not token aware).
    pub partitioner: Option<Partitioner>,
    /// The address the control connection is connected to (the local node's address as
    /// the driver reaches it).
    pub control_addr: NodeAddr,
    /// The node the control connection is connected to.
    pub local: NodeRow,
    /// The other nodes (valid, deduplicated rows only).
    pub peers: Vec<NodeRow>,
}

impl TopologySnapshot {
    /// Every node: the local one first, then the peers in row order.
    pub fn nodes(&self) -> impl Iterator<Item = &NodeRow> {
        core::iter::once(&self.local).chain(self.peers.iter())
    }

    /// The node with `host_id`.
    pub fn node(&self, host_id: &Uuid) -> Option<&NodeRow> {
        self.nodes().find(|n| n.host_id == *host_id)
    }

    /// The node whose reported native address is `addr` (events name nodes this way).
    pub fn node_at(&self, addr: &NodeAddr) -> Option<&NodeRow> {
        self.nodes().find(|n| n.addr == *addr)
    }

    /// The [`Host`]s this snapshot describes, all marked up: the local node reached at
    /// [`control_addr`](Self::control_addr), each peer at `translate(reported address)`.
    /// A peer translated to an address already taken is left out (with a warning).
    pub fn hosts(&self, translate: impl Fn(&NodeAddr) -> NodeAddr) -> Vec<Host> {
        let mut hosts: Vec<Host> = Vec::with_capacity(self.peers.len() + 1);
        hosts.push(host_from_row(&self.local, self.control_addr.clone()));
        for row in &self.peers {
            let addr = translate(&row.addr);
            if hosts.iter().any(|h| h.addr == addr) {
                tracing::warn!(
                    host_id = %row.host_id,
                    reported = %row.addr,
                    translated = %addr,
                    "two nodes translate to the same address; leaving out the second"
                );
                continue;
            }
            hosts.push(host_from_row(row, addr));
        }
        hosts
    }
}

fn host_from_row(row: &NodeRow, addr: NodeAddr) -> Host {
    let mut host = Host::new(row.host_id, addr, row.addr.clone())
        .with_placement(row.datacenter.clone(), row.rack.clone())
        .with_tokens(row.tokens.clone());
    host.release_version = row.release_version.clone();
    host
}

/// How the nodes changed from one snapshot to the next (matched by host id).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TopologyDiff {
    /// Nodes in the new snapshot only.
    pub added: Vec<NodeRow>,
    /// Nodes in the old snapshot only.
    pub removed: Vec<NodeRow>,
    /// Nodes in both whose address, placement, tokens or release version changed (as
    /// the new snapshot has them).
    pub changed: Vec<NodeRow>,
}

impl TopologyDiff {
    /// The changes from `old` (`None`: nothing known, every node is added) to `new`.
    pub fn between(old: Option<&TopologySnapshot>, new: &TopologySnapshot) -> Self {
        let mut diff = Self::default();
        for row in new.nodes() {
            match old.and_then(|o| o.node(&row.host_id)) {
                None => diff.added.push(row.clone()),
                Some(before) if !before.same_topology(row) => diff.changed.push(row.clone()),
                Some(_) => {}
            }
        }
        if let Some(old) = old {
            diff.removed = old
                .nodes()
                .filter(|row| new.node(&row.host_id).is_none())
                .cloned()
                .collect();
        }
        diff
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// A system-table result could not be turned into topology facts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TopologyError {
    /// The result carried no column specs (the query must not skip metadata).
    #[error("{table}: the result has no column metadata")]
    NoMetadata {
        /// The table queried.
        table: &'static str,
    },
    /// `system.local` returned no row.
    #[error("system.local returned no row")]
    NoLocalRow,
    /// The `system.local` row lacks something every node has.
    #[error("system.local: {0}")]
    InvalidLocalRow(String),
    /// A cell did not have the expected type or was malformed.
    #[error("{table}: {source}")]
    Column {
        /// The table queried.
        table: &'static str,
        /// What went wrong, naming the column.
        source: DeserializeError,
    },
}
