//! The node's schema: the model, DDL execution and CQL type strings.

pub mod ddl;
pub mod model;

pub use model::{
    ClusteringOrder, Column, ColumnKind, Index, Keyspace, Schema, Table, TableOptions, UserType,
};
