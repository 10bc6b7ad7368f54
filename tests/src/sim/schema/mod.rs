//! The node's schema: the model, DDL execution and CQL type strings.
//!
//! ```text
//!   model      keyspaces, tables, types, indexes, functions, aggregates, views, triggers
//!   ddl        keyspaces, tables, types and indexes; the dispatch of every DDL statement
//!   functions  CREATE/DROP FUNCTION and AGGREGATE
//!   views      CREATE/ALTER/DROP MATERIALIZED VIEW
//!   triggers   CREATE/DROP TRIGGER
//!   features   the switches that refuse functions and views
//! ```

mod aggregates;
pub mod ddl;
pub mod features;
mod functions;
pub mod graph_labels;
pub(crate) mod initcond;
pub mod model;
pub mod options;
#[cfg(test)]
mod tests;
mod triggers;
pub mod types;
mod views;

pub use features::SchemaFeatures;
pub use model::{
    ClusteringOrder, Column, ColumnKind, FunctionKey, Index, Keyspace, Schema, Table, TableOptions,
    UserAggregate, UserFunction, UserType, View, function_type_cql, function_type_string,
};
pub use types::{cql_type_string, field_type_strings};
