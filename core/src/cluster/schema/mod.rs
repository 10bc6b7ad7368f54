//! Schema metadata: keyspaces, tables, columns, indexes, materialized views, user types,
//! functions, aggregates and triggers, read from `system_schema.*` and
//! `system_virtual_schema.*` (Cassandra 3.x, 4.x and 5.0 shapes; DSE 6.8's graph engine
//! and vertex/edge labels where present), and exported as CQL.
//!
//! ```text
//!   model    the immutable metadata types (SchemaMetadata > KeyspaceMetadata > ...)
//!   parse    system_schema rows -> model; a row it cannot read marks that object only
//!   export   model -> CQL, as Cassandra 4.1's DESCRIBE or the Python driver print it
//!   names    identifier quoting and the reserved words of each dialect
//!   refresh  which rows a SCHEMA_CHANGE calls for, and the queries that read them
//!   sorted_map  the model's map: a vector sorted by key (small code, for the browser)
//! ```
//!
//! Everything here is a pure computation: the session's control connection runs the
//! queries [`refresh`] names and hands their rows to [`parse`].

pub mod export;
pub mod model;
pub mod names;
pub mod parse;
pub mod refresh;
pub mod sorted_map;
#[cfg(test)]
mod tests;

pub use export::ExportStyle;
pub use model::{
    AggregateMetadata, ClusteringOrder, ColumnKind, ColumnMetadata, EdgeMetadata, FunctionMetadata,
    FunctionSignature, IndexMetadata, KeyspaceMetadata, OptionValue, SchemaMetadata, TableMetadata,
    TriggerMetadata, UserTypeMetadata, VertexMetadata, ViewMetadata,
};
pub use parse::SchemaRows;
pub use refresh::{RefreshTarget, SchemaFilter};
pub use sorted_map::SortedMap;
