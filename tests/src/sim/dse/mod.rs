//! DataStax Enterprise 6.8 mode: what a DSE node shows and answers beyond Apache
//! Cassandra.
//!
//! ```text
//!   identity   system.local / system.peers report dse_version, workload(s), graph
//!              (crate::sim::info::DseInfo; DSE's table shapes in crate::sim::system)
//!   schema     system_schema.keyspaces.graph_engine, system_schema.vertices / edges,
//!              CREATE KEYSPACE ... AND graph_engine = 'Core'
//!   insights   CALL InsightsRpc.reportInsight(json): VOID, recorded per node
//!   graph      graph requests (a QUERY with graph-language in its custom payload):
//!              bytecode traversals of in-memory graphs, primed gremlin-groovy scripts,
//!              GraphSON 1.0/2.0/3.0 rows
//! ```
//!
//! A node is in DSE mode when its [`NodeInfo::dse`](crate::sim::info::NodeInfo::dse)
//! is set: [`SimServerConfig::with_dse`](crate::sim::server::SimServerConfig::with_dse),
//! [`SimClusterConfig::with_dse`](crate::sim::cluster::SimClusterConfig::with_dse) or
//! `cql-sim --dse`. Without it nothing here applies.

pub mod graph;
pub mod insights;

pub use insights::Insights;

#[cfg(test)]
pub(crate) mod tests;
