//! A simulated cluster: several nodes in one process sharing one schema and one store (a
//! perfectly repaired cluster: "replication" is placement, used for consistency decisions
//! and ownership reports), each with its own identity, prepared statements, event feed,
//! up/down state and reported schema version.
//!
//! ```text
//!   consistency  pure decisions: levels allowed, replicas required vs alive (Unavailable)
//!   topology     members, schema versions they report, ring and replica placement
//! ```

pub mod consistency;
pub mod topology;
