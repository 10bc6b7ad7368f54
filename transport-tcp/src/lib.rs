//! Native transport for `cql-core`: tokio TCP and rustls TLS byte streams, and the tokio
//! `Runtime`. The driver's session lands here in a later milestone; today the crate
//! re-exports the protocol core so native users depend on one crate.

pub use cql_core as core;
