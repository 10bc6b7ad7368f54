//! The schema model of a simulated node: keyspaces, tables, columns, user types, indexes,
//! user-defined functions and aggregates, materialized views and triggers, as
//! `system_schema` describes them.

use std::collections::BTreeMap;

use cql_core::types::ColumnType;
use uuid::Uuid;

/// Every keyspace the node knows, user and system alike.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    /// Keyspaces by name.
    pub keyspaces: BTreeMap<String, Keyspace>,
    /// Changes on every DDL; reported as `schema_version` in `system.local`/`peers`.
    pub version: Uuid,
}

impl Schema {
    /// A keyspace by name.
    pub fn keyspace(&self, name: &str) -> Option<&Keyspace> {
        self.keyspaces.get(name)
    }

    /// A table, or the table of a materialized view, by keyspace and name (reads treat
    /// both alike).
    pub fn table(&self, keyspace: &str, name: &str) -> Option<&Table> {
        let ks = self.keyspaces.get(keyspace)?;
        ks.tables
            .get(name)
            .or_else(|| ks.views.get(name).map(|v| &v.table))
    }

    /// A materialized view by keyspace and name.
    pub fn view(&self, keyspace: &str, name: &str) -> Option<&View> {
        self.keyspaces.get(keyspace)?.views.get(name)
    }
}

/// What identifies a function or aggregate among its overloads: its name and the CQL
/// types of its arguments as `system_schema` writes them (the order of its clustering).
pub type FunctionKey = (String, Vec<String>);

/// A keyspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyspace {
    /// Its name.
    pub name: String,
    /// `durable_writes`.
    pub durable_writes: bool,
    /// The replication map as `system_schema.keyspaces.replication` shows it: `class` with
    /// the full strategy class name, then the strategy's options.
    pub replication: BTreeMap<String, String>,
    /// Tables by name.
    pub tables: BTreeMap<String, Table>,
    /// User-defined types by name.
    pub types: BTreeMap<String, UserType>,
    /// User-defined functions by name and argument types.
    pub functions: BTreeMap<FunctionKey, UserFunction>,
    /// User-defined aggregates by name and argument types.
    pub aggregates: BTreeMap<FunctionKey, UserAggregate>,
    /// Materialized views by name.
    pub views: BTreeMap<String, View>,
    /// A virtual keyspace (listed in `system_virtual_schema`, not `system_schema`).
    pub is_virtual: bool,
    /// DSE 6.8's `graph_engine` (`Core` or `Classic`) of a graph keyspace; `None` for
    /// every other keyspace.
    pub graph_engine: Option<String>,
}

/// A table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its keyspace.
    pub keyspace: String,
    /// Its name.
    pub name: String,
    /// Its id (`system_schema.tables.id`).
    pub id: Uuid,
    /// Every column: partition key columns in position order, then clustering columns in
    /// position order, then static columns ordered by name, then regular columns ordered
    /// by name (Cassandra's `SELECT *` order).
    pub columns: Vec<Column>,
    /// Table options as `system_schema.tables` reports them.
    pub options: TableOptions,
    /// Secondary indexes by name.
    pub indexes: BTreeMap<String, Index>,
    /// Triggers by name, with their class (stored, never run).
    pub triggers: BTreeMap<String, String>,
    /// A virtual table (rows computed on read).
    pub is_virtual: bool,
}

impl Table {
    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The partition key columns, in order.
    pub fn partition_key(&self) -> impl Iterator<Item = &Column> {
        self.columns
            .iter()
            .filter(|c| c.kind == ColumnKind::PartitionKey)
    }

    /// The clustering columns, in order.
    pub fn clustering(&self) -> impl Iterator<Item = &Column> {
        self.columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Clustering)
    }
}

/// Where a column sits in the primary key, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColumnKind {
    /// Part of the partition key.
    PartitionKey,
    /// A clustering column.
    Clustering,
    /// A static column (one value per partition).
    Static,
    /// A regular column.
    Regular,
}

impl ColumnKind {
    /// The name `system_schema.columns.kind` uses.
    pub fn schema_name(self) -> &'static str {
        match self {
            Self::PartitionKey => "partition_key",
            Self::Clustering => "clustering",
            Self::Static => "static",
            Self::Regular => "regular",
        }
    }
}

/// The order of a clustering column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusteringOrder {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
    /// Not a clustering column.
    None,
}

impl ClusteringOrder {
    /// The name `system_schema.columns.clustering_order` uses.
    pub fn schema_name(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
            Self::None => "none",
        }
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type (a non-frozen collection or UDT is written as such in `system_schema`).
    pub typ: ColumnType,
    /// Whether a collection/UDT column is frozen (affects the CQL type string only).
    pub frozen: bool,
    /// Primary-key role.
    pub kind: ColumnKind,
    /// Position within the partition key or clustering key; -1 otherwise.
    pub position: i32,
    /// Clustering order; `None` for other columns.
    pub order: ClusteringOrder,
}

/// A user-defined type.
#[derive(Debug, Clone, PartialEq)]
pub struct UserType {
    /// Its keyspace.
    pub keyspace: String,
    /// Its name.
    pub name: String,
    /// Field names and types in declaration order.
    pub fields: Vec<(String, ColumnType)>,
    /// Per field (same order as `fields`): whether a collection field was declared frozen.
    /// A field without an entry counts as frozen. Only the CQL type string depends on it.
    pub frozen_fields: Vec<bool>,
}

impl UserType {
    /// Whether field `i` is frozen at top level (see [`UserType::frozen_fields`]).
    pub fn field_frozen(&self, i: usize) -> bool {
        self.frozen_fields.get(i).copied().unwrap_or(true)
    }
}

/// The CQL type string of a function's argument or return type as `system_schema` writes
/// it (a tuple is `frozen<tuple<..>>`).
pub fn function_type_string(typ: &ColumnType) -> String {
    super::types::cql_type_string(typ, false)
}

/// The CQL type string of a function's argument or return type as `DESCRIBE` writes it:
/// tuples without their implicit `frozen<>`.
pub fn function_type_cql(typ: &ColumnType) -> String {
    let s = function_type_string(typ);
    match typ {
        ColumnType::Tuple(_) => s
            .strip_prefix("frozen<")
            .and_then(|r| r.strip_suffix('>'))
            .map_or(s.clone(), str::to_string),
        _ => s,
    }
}

/// A user-defined function (`CREATE FUNCTION`).
#[derive(Debug, Clone, PartialEq)]
pub struct UserFunction {
    /// Its keyspace.
    pub keyspace: String,
    /// Its name.
    pub name: String,
    /// Argument names and types, in order.
    pub arguments: Vec<(String, ColumnType)>,
    /// The return type.
    pub return_type: ColumnType,
    /// `CALLED ON NULL INPUT` (true) or `RETURNS NULL ON NULL INPUT` (false).
    pub called_on_null_input: bool,
    /// `java` or `javascript`, lower-cased.
    pub language: String,
    /// The body, as written between the quotes.
    pub body: String,
}

impl UserFunction {
    /// The argument types as `system_schema.functions.argument_types` lists them.
    pub fn argument_types(&self) -> Vec<String> {
        self.arguments
            .iter()
            .map(|(_, t)| function_type_string(t))
            .collect()
    }

    /// Its key among the keyspace's functions.
    pub fn key(&self) -> FunctionKey {
        (self.name.clone(), self.argument_types())
    }
}

/// A user-defined aggregate (`CREATE AGGREGATE`).
#[derive(Debug, Clone, PartialEq)]
pub struct UserAggregate {
    /// Its keyspace.
    pub keyspace: String,
    /// Its name.
    pub name: String,
    /// The argument types, in order.
    pub argument_types: Vec<ColumnType>,
    /// The state function's name (in the same keyspace).
    pub state_function: String,
    /// The state type.
    pub state_type: ColumnType,
    /// The final function's name, if any.
    pub final_function: Option<String>,
    /// The initial state as a CQL literal (`system_schema.aggregates.initcond`).
    pub initcond: Option<String>,
    /// The initial state's serialized value.
    pub initial_state: Option<Vec<u8>>,
    /// The return type: the final function's, else the state type.
    pub return_type: ColumnType,
}

impl UserAggregate {
    /// The argument types as `system_schema.aggregates.argument_types` lists them.
    pub fn argument_type_strings(&self) -> Vec<String> {
        self.argument_types
            .iter()
            .map(function_type_string)
            .collect()
    }

    /// Its key among the keyspace's aggregates.
    pub fn key(&self) -> FunctionKey {
        (self.name.clone(), self.argument_type_strings())
    }
}

/// A materialized view: its own table (columns, key, options, data) and what it selects
/// from its base table.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// The base table's name (same keyspace).
    pub base_table: String,
    /// The base table's id.
    pub base_table_id: Uuid,
    /// `SELECT *`.
    pub include_all_columns: bool,
    /// The WHERE clause as Cassandra stores it (`a IS NOT NULL AND b IS NOT NULL`).
    pub where_clause: String,
    /// The WHERE relations, which decide the base rows the view holds.
    pub filters: Vec<crate::cql::ast::Relation>,
    /// The view's table: its name, id, columns (with the view's key) and options.
    pub table: Table,
}

/// A secondary index.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// Its name.
    pub name: String,
    /// `COMPOSITES`, `KEYS` or `CUSTOM`.
    pub kind: String,
    /// `target` (e.g. `v`, `keys(m)`), and `class_name` for custom indexes.
    pub options: BTreeMap<String, String>,
}

/// Table options, with Cassandra 4.1's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct TableOptions {
    /// `bloom_filter_fp_chance`.
    pub bloom_filter_fp_chance: f64,
    /// `caching`.
    pub caching: BTreeMap<String, String>,
    /// `cdc`.
    pub cdc: bool,
    /// `comment`.
    pub comment: String,
    /// `compaction`.
    pub compaction: BTreeMap<String, String>,
    /// `compression`.
    pub compression: BTreeMap<String, String>,
    /// `crc_check_chance`.
    pub crc_check_chance: f64,
    /// `default_time_to_live` (seconds; 0 = none).
    pub default_time_to_live: i32,
    /// `gc_grace_seconds`.
    pub gc_grace_seconds: i32,
    /// `max_index_interval`.
    pub max_index_interval: i32,
    /// `memtable_flush_period_in_ms`.
    pub memtable_flush_period_in_ms: i32,
    /// `min_index_interval`.
    pub min_index_interval: i32,
    /// `read_repair`.
    pub read_repair: String,
    /// `speculative_retry`.
    pub speculative_retry: String,
    /// `additional_write_policy`.
    pub additional_write_policy: String,
    /// `flags` (`compound` for every CQL table).
    pub flags: Vec<String>,
    /// DSE 6.8's vertex or edge label (tables of a Core graph keyspace).
    pub graph_label: Option<super::graph_labels::TableLabel>,
}

impl Default for TableOptions {
    fn default() -> Self {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect()
        };
        Self {
            bloom_filter_fp_chance: 0.01,
            caching: map(&[("keys", "ALL"), ("rows_per_partition", "NONE")]),
            cdc: false,
            comment: String::new(),
            compaction: map(&[
                (
                    "class",
                    "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
                ),
                ("max_threshold", "32"),
                ("min_threshold", "4"),
            ]),
            compression: map(&[
                ("chunk_length_in_kb", "16"),
                ("class", "org.apache.cassandra.io.compress.LZ4Compressor"),
            ]),
            crc_check_chance: 1.0,
            default_time_to_live: 0,
            gc_grace_seconds: 864_000,
            max_index_interval: 2048,
            memtable_flush_period_in_ms: 0,
            min_index_interval: 128,
            read_repair: "BLOCKING".to_string(),
            speculative_retry: "99p".to_string(),
            additional_write_policy: "99p".to_string(),
            flags: vec!["compound".to_string()],
            graph_label: None,
        }
    }
}
