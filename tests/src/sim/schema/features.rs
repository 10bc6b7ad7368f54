//! The `cassandra.yaml` switches that let a node refuse optional schema objects.

/// Which optional schema objects a node accepts. Cassandra 4.1 ships with user-defined
/// functions, materialized views and SASI indexes disabled; a test kit accepts them unless told not to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaFeatures {
    /// `user_defined_functions_enabled`: CREATE FUNCTION at all.
    pub user_defined_functions: bool,
    /// `scripted_user_defined_functions_enabled`: functions in a language other than Java.
    pub scripted_user_defined_functions: bool,
    /// `materialized_views_enabled`: CREATE MATERIALIZED VIEW.
    pub materialized_views: bool,
    /// `sasi_indexes_enabled`: CREATE CUSTOM INDEX ... USING 'org.apache.cassandra.index.sasi.SASIIndex'.
    pub sasi_indexes: bool,
    /// DataStax Enterprise 6.8 graph keyspaces: `CREATE KEYSPACE ... AND graph_engine =
    /// 'Core'` (refused as an unknown property by Apache Cassandra).
    pub dse_graph: bool,
}

impl Default for SchemaFeatures {
    fn default() -> Self {
        Self {
            user_defined_functions: true,
            scripted_user_defined_functions: true,
            materialized_views: true,
            sasi_indexes: true,
            dse_graph: false,
        }
    }
}

impl SchemaFeatures {
    /// Everything refused, as a stock Cassandra 4.1 node.
    pub fn cassandra_defaults() -> Self {
        Self {
            user_defined_functions: false,
            scripted_user_defined_functions: false,
            materialized_views: false,
            sasi_indexes: false,
            dse_graph: false,
        }
    }
}
