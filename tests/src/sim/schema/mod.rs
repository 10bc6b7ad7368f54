//! The node's schema: the model, DDL execution and CQL type strings.

pub mod ddl;
pub mod model;
pub mod options;
#[cfg(test)]
mod tests;
pub mod types;

pub use model::{
    ClusteringOrder, Column, ColumnKind, Index, Keyspace, Schema, Table, TableOptions, UserType,
};
pub use types::{cql_type_string, field_type_strings};
