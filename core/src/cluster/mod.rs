//! Layer 5: what the driver knows of the cluster: tokens and replica placement, the
//! topology, and the schema.
//!
//! * [`debounce`]: control-connection events batched into refreshes (virtual time).
//! * [`host`]: a node as the driver sees it and its distance.
//! * [`token`]: partitioners, tokens and routing keys.
//! * [`ring`]: the token ring built from the hosts' tokens.
//! * [`replication`]: keyspace replication strategies and precomputed replica maps.
//! * [`token_map`]: a ring with the replica maps of the strategies in use.
//! * [`schema`]: schema metadata from `system_schema` (keyspaces, tables, views, types,
//!   functions, aggregates) and its CQL export.
//! * [`topology`]: `system.local`/`system.peers*` rows decoded into topology snapshots,
//!   their diffs, keyspace replication and schema agreement.
//! * [`view`]: an immutable snapshot of the cluster (hosts, groups, ring, replicas per
//!   keyspace) that the session swaps on refresh and the policies read.

pub mod debounce;
pub mod host;
pub mod replication;
pub mod ring;
pub mod schema;
pub(crate) mod sort;
pub mod token;
pub mod token_map;
pub mod topology;
pub mod view;
