//! The schema metadata model: immutable snapshots of what `system_schema` describes.
//!
//! Maps are keyed by name and ordered by the names' bytes, as Cassandra orders the rows
//! of `system_schema`. Keyspaces are behind [`Arc`] so that a refresh of one keyspace
//! shares every other keyspace with the previous snapshot.

use super::sorted_map::SortedMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use uuid::Uuid;

use crate::types::ColumnType;

/// Every keyspace the driver knows the schema of: a cheap, immutable snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaMetadata {
    /// Keyspaces by name (user, system and virtual ones).
    pub keyspaces: SortedMap<String, Arc<KeyspaceMetadata>>,
}

impl SchemaMetadata {
    /// A keyspace by name (case-sensitive, unquoted).
    pub fn keyspace(&self, name: &str) -> Option<&KeyspaceMetadata> {
        self.keyspaces.get(name).map(|k| &**k)
    }

    /// A table by keyspace and name.
    pub fn table(&self, keyspace: &str, name: &str) -> Option<&TableMetadata> {
        self.keyspace(keyspace)?.tables.get(name)
    }

    /// A materialized view by keyspace and name.
    pub fn view(&self, keyspace: &str, name: &str) -> Option<&ViewMetadata> {
        self.keyspace(keyspace)?.views.get(name)
    }

    /// A user-defined type by keyspace and name.
    pub fn user_type(&self, keyspace: &str, name: &str) -> Option<&UserTypeMetadata> {
        self.keyspace(keyspace)?.user_types.get(name)
    }
}

/// A keyspace and everything defined in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyspaceMetadata {
    /// Its name.
    pub name: String,
    /// `durable_writes` (virtual keyspaces have none: `false`).
    pub durable_writes: bool,
    /// The replication map as stored: `class` (the strategy's full class name) and the
    /// strategy's options. Empty for virtual keyspaces.
    pub replication: SortedMap<String, String>,
    /// A virtual keyspace (from `system_virtual_schema`).
    pub is_virtual: bool,
    /// DSE 6.8's `graph_engine` (`Core`, `Classic`), when the keyspace is a graph.
    pub graph_engine: Option<String>,
    /// Tables by name.
    pub tables: SortedMap<String, TableMetadata>,
    /// Materialized views by name.
    pub views: SortedMap<String, ViewMetadata>,
    /// User-defined types by name.
    pub user_types: SortedMap<String, UserTypeMetadata>,
    /// User-defined functions by signature (overloads are separate entries).
    pub functions: SortedMap<FunctionSignature, FunctionMetadata>,
    /// User-defined aggregates by signature.
    pub aggregates: SortedMap<FunctionSignature, AggregateMetadata>,
    /// Why the keyspace's own row could not be read, if it could not.
    pub parse_error: Option<String>,
}

impl KeyspaceMetadata {
    /// The functions called `name`, every overload.
    pub fn functions_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a FunctionMetadata> + 'a {
        self.functions.values().filter(move |f| f.name == name)
    }

    /// The aggregates called `name`, every overload.
    pub fn aggregates_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a AggregateMetadata> + 'a {
        self.aggregates.values().filter(move |a| a.name == name)
    }

    /// The replication strategy's class name without Cassandra's package
    /// (`SimpleStrategy`, `NetworkTopologyStrategy`, or a custom class as stored).
    pub fn strategy_class(&self) -> Option<&str> {
        let class = self.replication.get("class")?;
        Some(match class.strip_prefix("org.apache.cassandra.locator.") {
            Some(short) if !short.contains('.') => short,
            _ => class,
        })
    }
}

/// The name and argument types (CQL type text, as stored) that identify a function or
/// aggregate among its overloads.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FunctionSignature {
    /// The function's name.
    pub name: String,
    /// Its argument types, in order.
    pub argument_types: Vec<String>,
}

/// A table (or a virtual table).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableMetadata {
    /// Its keyspace.
    pub keyspace: String,
    /// Its name.
    pub name: String,
    /// `system_schema.tables.id` (virtual tables have none).
    pub id: Option<Uuid>,
    /// Every column: the partition key in position order, the clustering columns in
    /// position order, then the others in `system_schema.columns` order (by name).
    pub columns: Vec<ColumnMetadata>,
    /// Every option column of the table's row (`comment`, `compaction`, `caching`, ...),
    /// by column name, with its value as stored.
    pub options: SortedMap<String, OptionValue>,
    /// `extensions`: names to opaque values.
    pub extensions: SortedMap<String, Vec<u8>>,
    /// `flags` (`compound`; `dense` or `super` for legacy compact storage tables).
    pub flags: Vec<String>,
    /// Secondary indexes by name.
    pub indexes: SortedMap<String, IndexMetadata>,
    /// Triggers by name.
    pub triggers: SortedMap<String, TriggerMetadata>,
    /// The names of the materialized views on this table (the views themselves are in
    /// [`KeyspaceMetadata::views`]).
    pub views: Vec<String>,
    /// A virtual table.
    pub is_virtual: bool,
    /// DSE 6.8: the vertex label of a graph table.
    pub vertex: Option<VertexMetadata>,
    /// DSE 6.8: the edge label of a graph table.
    pub edge: Option<EdgeMetadata>,
    /// Why some of the table's rows could not be read (the rest of the table is kept).
    pub parse_error: Option<String>,
}

impl TableMetadata {
    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&ColumnMetadata> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The partition key columns, in order.
    pub fn partition_key(&self) -> impl Iterator<Item = &ColumnMetadata> {
        of_kind(&self.columns, ColumnKind::PartitionKey)
    }

    /// The clustering columns, in order.
    pub fn clustering_key(&self) -> impl Iterator<Item = &ColumnMetadata> {
        of_kind(&self.columns, ColumnKind::Clustering)
    }

    /// Whether the table uses legacy compact storage (from its flags).
    pub fn is_compact_storage(&self) -> bool {
        if self.is_virtual {
            return false;
        }
        let has = |f: &str| self.flags.iter().any(|x| x == f);
        has("dense") || has("super") || !has("compound")
    }
}

/// A value of a table option column, as stored in `system_schema.tables`.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// A text option (`comment`, `speculative_retry`, `read_repair`, ...).
    Text(String),
    /// An integer option (`gc_grace_seconds`, `default_time_to_live`, ...).
    Int(i64),
    /// A floating-point option (`bloom_filter_fp_chance`, `crc_check_chance`, ...).
    Double(f64),
    /// A boolean option (`cdc`).
    Bool(bool),
    /// A map option (`caching`, `compaction`, `compression`, `nodesync`).
    Map(SortedMap<String, String>),
    /// A set or list of text.
    List(Vec<String>),
}

impl OptionValue {
    /// The text, for a text option.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The map, for a map option.
    pub fn as_map(&self) -> Option<&SortedMap<String, String>> {
        match self {
            Self::Map(m) => Some(m),
            _ => None,
        }
    }
}

/// The columns of `kind`, in order (tables and views keep their key columns in order).
fn of_kind(columns: &[ColumnMetadata], kind: ColumnKind) -> impl Iterator<Item = &ColumnMetadata> {
    columns.iter().filter(move |c| c.kind == kind)
}

/// Where a column sits in the primary key, if it does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ColumnKind {
    /// Part of the partition key.
    PartitionKey,
    /// A clustering column.
    Clustering,
    /// A static column.
    Static,
    /// A regular column.
    #[default]
    Regular,
}

impl ColumnKind {
    /// The kind named as `system_schema.columns.kind` names it.
    pub fn from_schema_name(name: &str) -> Option<Self> {
        Some(match name {
            "partition_key" => Self::PartitionKey,
            "clustering" => Self::Clustering,
            "static" => Self::Static,
            "regular" => Self::Regular,
            _ => return None,
        })
    }
}

/// The order of a clustering column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ClusteringOrder {
    /// Ascending.
    Asc,
    /// Descending (a reversed column).
    Desc,
    /// Not a clustering column.
    #[default]
    None,
}

/// A column of a table or view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnMetadata {
    /// Its name.
    pub name: String,
    /// Its CQL type as stored (`frozen<address>`, `map<text, int>`).
    pub type_text: String,
    /// The type parsed (user types by name, without fields; `frozen` dropped), or `None`
    /// when the text could not be parsed (the table then carries a parse error).
    pub column_type: Option<ColumnType>,
    /// Its role in the primary key.
    pub kind: ColumnKind,
    /// Its position in the partition or clustering key (-1 for other columns).
    pub position: i32,
    /// The clustering order (`None` for non-clustering columns).
    pub clustering_order: ClusteringOrder,
}

impl ColumnMetadata {
    /// Whether the column is static.
    pub fn is_static(&self) -> bool {
        self.kind == ColumnKind::Static
    }

    /// Whether the column is a clustering column in descending order.
    pub fn is_reversed(&self) -> bool {
        self.clustering_order == ClusteringOrder::Desc
    }

    /// Whether the column is stored cell by cell: a collection or user type not written
    /// `frozen<...>`.
    pub fn is_multi_cell(&self) -> bool {
        !self.type_text.starts_with("frozen<")
            && matches!(
                self.column_type,
                Some(
                    ColumnType::List(_)
                        | ColumnType::Set(_)
                        | ColumnType::Map(_, _)
                        | ColumnType::Udt { .. }
                )
            )
    }
}

/// A secondary index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexMetadata {
    /// Its name.
    pub name: String,
    /// `COMPOSITES`, `KEYS` or `CUSTOM`.
    pub kind: String,
    /// Its options: `target` (`v`, `keys(m)`, `full(f)`), `class_name` for custom ones,
    /// and any others given at creation.
    pub options: SortedMap<String, String>,
}

impl IndexMetadata {
    /// The indexed target (`v`, `keys(m)`, ...).
    pub fn target(&self) -> Option<&str> {
        self.options.get("target").map(String::as_str)
    }

    /// Whether it is a custom index (`CREATE CUSTOM INDEX`).
    pub fn is_custom(&self) -> bool {
        self.kind == "CUSTOM"
    }
}

/// A trigger (stored by the cluster; the driver never runs it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TriggerMetadata {
    /// Its name.
    pub name: String,
    /// Its options (`class`).
    pub options: SortedMap<String, String>,
}

/// A materialized view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewMetadata {
    /// Its keyspace.
    pub keyspace: String,
    /// Its name.
    pub name: String,
    /// The table it is built from.
    pub base_table: String,
    /// The base table's id.
    pub base_table_id: Option<Uuid>,
    /// `SELECT *` (rather than a column list).
    pub include_all_columns: bool,
    /// The `WHERE` clause, as stored.
    pub where_clause: String,
    /// `system_schema.views.id`.
    pub id: Option<Uuid>,
    /// Its columns, ordered as a table's.
    pub columns: Vec<ColumnMetadata>,
    /// Its options, as a table's.
    pub options: SortedMap<String, OptionValue>,
    /// `extensions`.
    pub extensions: SortedMap<String, Vec<u8>>,
    /// Why some of its rows could not be read.
    pub parse_error: Option<String>,
}

impl ViewMetadata {
    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&ColumnMetadata> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The partition key columns, in order.
    pub fn partition_key(&self) -> impl Iterator<Item = &ColumnMetadata> {
        of_kind(&self.columns, ColumnKind::PartitionKey)
    }

    /// The clustering columns, in order.
    pub fn clustering_key(&self) -> impl Iterator<Item = &ColumnMetadata> {
        of_kind(&self.columns, ColumnKind::Clustering)
    }
}

/// A user-defined type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserTypeMetadata {
    /// Its keyspace.
    pub keyspace: String,
    /// Its name.
    pub name: String,
    /// Field names and CQL types (as stored), in declaration order.
    pub fields: Vec<(String, String)>,
}

/// A user-defined function.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunctionMetadata {
    /// Its keyspace.
    pub keyspace: String,
    /// Its name.
    pub name: String,
    /// Argument names, in order.
    pub argument_names: Vec<String>,
    /// Argument CQL types, in order.
    pub argument_types: Vec<String>,
    /// The return CQL type.
    pub return_type: String,
    /// `java`, `javascript`, ...
    pub language: String,
    /// The body, as written.
    pub body: String,
    /// `CALLED ON NULL INPUT` (rather than `RETURNS NULL ON NULL INPUT`).
    pub called_on_null_input: bool,
    /// `DETERMINISTIC` (DSE 6.0+ and Cassandra versions that have the column).
    pub deterministic: bool,
    /// `MONOTONIC` on every argument.
    pub monotonic: bool,
    /// `MONOTONIC ON` these arguments.
    pub monotonic_on: Vec<String>,
}

impl FunctionMetadata {
    /// Its signature.
    pub fn signature(&self) -> FunctionSignature {
        FunctionSignature {
            name: self.name.clone(),
            argument_types: self.argument_types.clone(),
        }
    }
}

/// A user-defined aggregate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AggregateMetadata {
    /// Its keyspace.
    pub keyspace: String,
    /// Its name.
    pub name: String,
    /// Argument CQL types, in order.
    pub argument_types: Vec<String>,
    /// The state function's name.
    pub state_func: String,
    /// The state CQL type.
    pub state_type: String,
    /// The final function's name, if any.
    pub final_func: Option<String>,
    /// The initial condition as a CQL literal, if any.
    pub initcond: Option<String>,
    /// The return CQL type.
    pub return_type: String,
    /// `DETERMINISTIC` (DSE 6.0+).
    pub deterministic: bool,
}

impl AggregateMetadata {
    /// Its signature.
    pub fn signature(&self) -> FunctionSignature {
        FunctionSignature {
            name: self.name.clone(),
            argument_types: self.argument_types.clone(),
        }
    }
}

/// DSE 6.8: a table that is a graph's vertex label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VertexMetadata {
    /// The label's name.
    pub label_name: String,
}

/// DSE 6.8: a table that is a graph's edge label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EdgeMetadata {
    /// The label's name.
    pub label_name: String,
    /// The table of the vertices edges start from.
    pub from_table: String,
    /// The label of the vertices edges start from.
    pub from_label: String,
    /// The edge table's columns holding the start vertex's partition key.
    pub from_partition_key_columns: Vec<String>,
    /// ... and its clustering columns.
    pub from_clustering_columns: Vec<String>,
    /// The table of the vertices edges end at.
    pub to_table: String,
    /// The label of the vertices edges end at.
    pub to_label: String,
    /// The edge table's columns holding the end vertex's partition key.
    pub to_partition_key_columns: Vec<String>,
    /// ... and its clustering columns.
    pub to_clustering_columns: Vec<String>,
}
