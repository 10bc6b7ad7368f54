//! `system_schema` rows → the metadata model.
//!
//! Every table's rows are optional: a node without `system_schema.views` (or a refresh
//! that did not read it) simply contributes nothing. A row the parser cannot read marks
//! the object it belongs to with a parse error (a keyspace row, a table and its columns,
//! indexes and triggers, a view, a type, a function, an aggregate) and is otherwise left
//! out; nothing here fails the whole schema. Rows without the key that names their
//! object are skipped with a warning.

use super::sorted_map::SortedMap;
use crate::cluster::sort::sort_vec_by;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

use uuid::Uuid;

use super::model::{
    AggregateMetadata, ClusteringOrder, ColumnKind, ColumnMetadata, EdgeMetadata, FunctionMetadata,
    IndexMetadata, KeyspaceMetadata, OptionValue, TableMetadata, TriggerMetadata, UserTypeMetadata,
    VertexMetadata, ViewMetadata,
};
use crate::cluster::topology::rows::{Cells, Table};
use crate::message::Rows;
use crate::types::{ColumnType, CqlValue, DeserializeError};

/// The results of the schema queries, one per `system_schema` (or
/// `system_virtual_schema`) table; `None` where the table was not read or the node does
/// not have it.
#[derive(Debug, Clone, Default)]
pub struct SchemaRows {
    /// `system_schema.keyspaces`.
    pub keyspaces: Option<Rows>,
    /// `system_schema.tables`.
    pub tables: Option<Rows>,
    /// `system_schema.columns`.
    pub columns: Option<Rows>,
    /// `system_schema.types`.
    pub types: Option<Rows>,
    /// `system_schema.functions`.
    pub functions: Option<Rows>,
    /// `system_schema.aggregates`.
    pub aggregates: Option<Rows>,
    /// `system_schema.triggers`.
    pub triggers: Option<Rows>,
    /// `system_schema.indexes`.
    pub indexes: Option<Rows>,
    /// `system_schema.views`.
    pub views: Option<Rows>,
    /// `system_virtual_schema.keyspaces`.
    pub virtual_keyspaces: Option<Rows>,
    /// `system_virtual_schema.tables`.
    pub virtual_tables: Option<Rows>,
    /// `system_virtual_schema.columns`.
    pub virtual_columns: Option<Rows>,
    /// DSE 6.8 `system_schema.vertices`.
    pub vertices: Option<Rows>,
    /// DSE 6.8 `system_schema.edges`.
    pub edges: Option<Rows>,
}

/// Columns of a table or view row that are not options.
const NOT_OPTIONS: [&str; 10] = [
    "keyspace_name",
    "table_name",
    "view_name",
    "id",
    "flags",
    "extensions",
    "base_table_id",
    "base_table_name",
    "include_all_columns",
    "where_clause",
];

/// Reads every keyspace the rows describe (user, system and virtual), with their
/// tables, views, types, functions and aggregates.
pub fn keyspaces(rows: &SchemaRows) -> SortedMap<String, Arc<KeyspaceMetadata>> {
    let mut out: SortedMap<String, KeyspaceMetadata> = SortedMap::new();
    read_keyspace_rows(rows.keyspaces.as_ref(), false, &mut out);
    read_keyspace_rows(rows.virtual_keyspaces.as_ref(), true, &mut out);
    add_elements(rows, &mut out);
    out.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()
}

/// Reads one keyspace from rows restricted to it (a targeted refresh); `None` when its
/// keyspace row is absent (it was dropped).
pub fn keyspace(rows: &SchemaRows, name: &str) -> Option<KeyspaceMetadata> {
    let mut all = keyspaces(rows);
    let ks = all.remove(name)?;
    Some(Arc::try_unwrap(ks).unwrap_or_else(|shared| (*shared).clone()))
}

/// Adds the elements in `rows` (types, functions, aggregates, tables, views) to the
/// keyspaces of `into` they name (elements of unknown keyspaces are dropped).
pub fn add_elements(rows: &SchemaRows, into: &mut SortedMap<String, KeyspaceMetadata>) {
    read_types(rows.types.as_ref(), into);
    read_functions(rows.functions.as_ref(), into);
    read_aggregates(rows.aggregates.as_ref(), into);
    let mut parts = TableParts::default();
    parts.read_columns(rows.columns.as_ref());
    parts.read_columns(rows.virtual_columns.as_ref());
    parts.read_indexes(rows.indexes.as_ref());
    parts.read_triggers(rows.triggers.as_ref());
    read_tables(rows.tables.as_ref(), false, &mut parts, into);
    read_tables(rows.virtual_tables.as_ref(), true, &mut parts, into);
    read_views(rows.views.as_ref(), &mut parts, into);
    read_graph_labels(rows, into);
}

fn warn_unreadable(table: &str, error: &dyn core::fmt::Display) {
    tracing::warn!(table, error = %error, "skipping unreadable schema rows");
}

// Called from many places: one copy instead of one per call site (browser build size).
#[inline(never)]
fn each_row<'a>(rows: Option<&'a Rows>, name: &'static str) -> Vec<Cells<'a>> {
    let Some(rows) = rows else {
        return Vec::new();
    };
    match Table::new(rows, name) {
        Ok(table) => table.rows().collect(),
        Err(e) => {
            warn_unreadable(name, &e);
            Vec::new()
        }
    }
}

/// A cell's value of a type the schema tables use, read through [`CqlValue`] (one
/// decoder for every column: the parser is linked into every build, the browser's too).
trait FromCell: Sized {
    /// What the parser expects, for errors.
    const EXPECTED: &'static str;
    /// The value, if `v` has the expected type.
    fn from_value(v: CqlValue) -> Option<Self>;
}

impl FromCell for String {
    const EXPECTED: &'static str = "text";
    fn from_value(v: CqlValue) -> Option<Self> {
        match v {
            CqlValue::Text(s) | CqlValue::Ascii(s) => Some(s),
            _ => None,
        }
    }
}

impl FromCell for bool {
    const EXPECTED: &'static str = "boolean";
    fn from_value(v: CqlValue) -> Option<Self> {
        match v {
            CqlValue::Boolean(b) => Some(b),
            _ => None,
        }
    }
}

impl FromCell for i32 {
    const EXPECTED: &'static str = "int";
    fn from_value(v: CqlValue) -> Option<Self> {
        match v {
            CqlValue::Int(i) => Some(i),
            _ => None,
        }
    }
}

impl FromCell for Uuid {
    const EXPECTED: &'static str = "uuid";
    fn from_value(v: CqlValue) -> Option<Self> {
        match v {
            CqlValue::Uuid(u) | CqlValue::Timeuuid(u) => Some(u),
            _ => None,
        }
    }
}

impl FromCell for Vec<String> {
    const EXPECTED: &'static str = "a list or set of text";
    fn from_value(v: CqlValue) -> Option<Self> {
        match v {
            CqlValue::List(items) | CqlValue::Set(items) => {
                items.into_iter().map(String::from_value).collect()
            }
            _ => None,
        }
    }
}

impl FromCell for SortedMap<String, String> {
    const EXPECTED: &'static str = "a map of text to text";
    fn from_value(v: CqlValue) -> Option<Self> {
        match v {
            CqlValue::Map(pairs) => pairs
                .into_iter()
                .map(|(k, v)| Some((String::from_value(k)?, String::from_value(v)?)))
                .collect(),
            _ => None,
        }
    }
}

impl FromCell for SortedMap<String, Vec<u8>> {
    const EXPECTED: &'static str = "a map of text to blob";
    fn from_value(v: CqlValue) -> Option<Self> {
        match v {
            CqlValue::Map(pairs) => pairs
                .into_iter()
                .map(|(k, v)| match v {
                    CqlValue::Blob(b) => Some((String::from_value(k)?, b)),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }
}

/// The cell of column `name` as a [`CqlValue`], `None` when absent or null.
// Called from many places: one copy instead of one per call site (browser build size).
#[inline(never)]
fn value(cells: &Cells<'_>, name: &str) -> Result<Option<CqlValue>, String> {
    cells.get::<CqlValue>(name).map_err(|e| e.to_string())
}

/// A column's value, `None` when absent or null; errors name the column.
// Called from many places: one copy instead of one per call site (browser build size).
#[inline(never)]
fn get<T: FromCell>(cells: &Cells<'_>, name: &str) -> Result<Option<T>, String> {
    match value(cells, name)? {
        None => Ok(None),
        Some(v) => T::from_value(v)
            .map(Some)
            .ok_or_else(|| format!("column {name}: expected {}", T::EXPECTED)),
    }
}

// Called from many places: one copy instead of one per call site (browser build size).
#[inline(never)]
fn required<T: FromCell>(cells: &Cells<'_>, name: &str) -> Result<T, String> {
    get(cells, name)?.ok_or_else(|| format!("column {name} is missing or null"))
}

// Called from many places: one copy instead of one per call site (browser build size).
#[inline(never)]
fn set_error(slot: &mut Option<String>, error: String) {
    match slot {
        Some(existing) => {
            existing.push_str("; ");
            existing.push_str(&error);
        }
        None => *slot = Some(error),
    }
}

fn read_keyspace_rows(
    rows: Option<&Rows>,
    is_virtual: bool,
    out: &mut SortedMap<String, KeyspaceMetadata>,
) {
    let table = if is_virtual {
        "system_virtual_schema.keyspaces"
    } else {
        "system_schema.keyspaces"
    };
    for cells in each_row(rows, table) {
        let name: String = match required(&cells, "keyspace_name") {
            Ok(name) => name,
            Err(e) => {
                warn_unreadable(table, &e);
                continue;
            }
        };
        let mut ks = KeyspaceMetadata {
            name: name.clone(),
            is_virtual,
            ..KeyspaceMetadata::default()
        };
        let read = || -> Result<_, String> {
            Ok((
                get::<bool>(&cells, "durable_writes")?,
                get::<SortedMap<String, String>>(&cells, "replication")?,
                get::<String>(&cells, "graph_engine")?,
            ))
        };
        match read() {
            Ok((durable, replication, graph_engine)) => {
                ks.durable_writes = durable.unwrap_or(false);
                ks.replication = replication.unwrap_or_default();
                ks.graph_engine = graph_engine;
            }
            Err(e) => ks.parse_error = Some(e),
        }
        out.insert(name, ks);
    }
}

/// The keyspace and element name of a row, or a warning and `None`.
// Called from many places: one copy instead of one per call site (browser build size).
#[inline(never)]
fn key(cells: &Cells<'_>, table: &str, name_column: &str) -> Option<(String, String)> {
    let read = || -> Result<(String, String), String> {
        Ok((
            required(cells, "keyspace_name")?,
            required(cells, name_column)?,
        ))
    };
    match read() {
        Ok(k) => Some(k),
        Err(e) => {
            warn_unreadable(table, &e);
            None
        }
    }
}

fn read_types(rows: Option<&Rows>, into: &mut SortedMap<String, KeyspaceMetadata>) {
    for cells in each_row(rows, "system_schema.types") {
        let Some((ks, name)) = key(&cells, "system_schema.types", "type_name") else {
            continue;
        };
        let Some(keyspace) = into.get_mut(&ks) else {
            continue;
        };
        let read = || -> Result<Vec<(String, String)>, String> {
            let names: Vec<String> = get(&cells, "field_names")?.unwrap_or_default();
            let types: Vec<String> = get(&cells, "field_types")?.unwrap_or_default();
            if names.len() != types.len() {
                return Err(format!(
                    "{} field names but {} field types",
                    names.len(),
                    types.len()
                ));
            }
            Ok(names.into_iter().zip(types).collect())
        };
        match read() {
            Ok(fields) => {
                keyspace.user_types.insert(
                    name.clone(),
                    UserTypeMetadata {
                        keyspace: ks,
                        name,
                        fields,
                    },
                );
            }
            Err(e) => set_error(&mut keyspace.parse_error, format!("type {name}: {e}")),
        }
    }
}

fn read_functions(rows: Option<&Rows>, into: &mut SortedMap<String, KeyspaceMetadata>) {
    for cells in each_row(rows, "system_schema.functions") {
        let Some((ks, name)) = key(&cells, "system_schema.functions", "function_name") else {
            continue;
        };
        let Some(keyspace) = into.get_mut(&ks) else {
            continue;
        };
        let read = || -> Result<FunctionMetadata, String> {
            Ok(FunctionMetadata {
                keyspace: ks.clone(),
                name: name.clone(),
                argument_names: get(&cells, "argument_names")?.unwrap_or_default(),
                argument_types: get(&cells, "argument_types")?.unwrap_or_default(),
                return_type: required(&cells, "return_type")?,
                language: required(&cells, "language")?,
                body: get(&cells, "body")?.unwrap_or_default(),
                called_on_null_input: get(&cells, "called_on_null_input")?.unwrap_or(false),
                deterministic: get(&cells, "deterministic")?.unwrap_or(false),
                monotonic: get(&cells, "monotonic")?.unwrap_or(false),
                monotonic_on: get(&cells, "monotonic_on")?.unwrap_or_default(),
            })
        };
        match read() {
            Ok(f) => {
                keyspace.functions.insert(f.signature(), f);
            }
            Err(e) => set_error(&mut keyspace.parse_error, format!("function {name}: {e}")),
        }
    }
}

fn read_aggregates(rows: Option<&Rows>, into: &mut SortedMap<String, KeyspaceMetadata>) {
    for cells in each_row(rows, "system_schema.aggregates") {
        let Some((ks, name)) = key(&cells, "system_schema.aggregates", "aggregate_name") else {
            continue;
        };
        let Some(keyspace) = into.get_mut(&ks) else {
            continue;
        };
        let read = || -> Result<AggregateMetadata, String> {
            Ok(AggregateMetadata {
                keyspace: ks.clone(),
                name: name.clone(),
                argument_types: get(&cells, "argument_types")?.unwrap_or_default(),
                state_func: required(&cells, "state_func")?,
                state_type: required(&cells, "state_type")?,
                final_func: get(&cells, "final_func")?,
                initcond: get(&cells, "initcond")?,
                return_type: required(&cells, "return_type")?,
                deterministic: get(&cells, "deterministic")?.unwrap_or(false),
            })
        };
        match read() {
            Ok(a) => {
                keyspace.aggregates.insert(a.signature(), a);
            }
            Err(e) => set_error(&mut keyspace.parse_error, format!("aggregate {name}: {e}")),
        }
    }
}

/// Columns, indexes and triggers by (keyspace, table or view), with the errors met
/// reading them.
#[derive(Default)]
struct TableParts {
    columns: SortedMap<(String, String), Vec<ColumnMetadata>>,
    indexes: SortedMap<(String, String), SortedMap<String, IndexMetadata>>,
    triggers: SortedMap<(String, String), SortedMap<String, TriggerMetadata>>,
    errors: SortedMap<(String, String), String>,
}

impl TableParts {
    fn error(&mut self, key: (String, String), error: String) {
        let slot = self.errors.get_or_insert_with(key, Default::default);
        if !slot.is_empty() {
            slot.push_str("; ");
        }
        slot.push_str(&error);
    }

    fn read_columns(&mut self, rows: Option<&Rows>) {
        for cells in each_row(rows, "system_schema.columns") {
            let Some(k) = key(&cells, "system_schema.columns", "table_name") else {
                continue;
            };
            match column(&cells) {
                Ok(c) => self.columns.get_or_insert_with(k, Default::default).push(c),
                Err(e) => self.error(k, e),
            }
        }
    }

    fn read_indexes(&mut self, rows: Option<&Rows>) {
        for cells in each_row(rows, "system_schema.indexes") {
            let Some(k) = key(&cells, "system_schema.indexes", "table_name") else {
                continue;
            };
            let read = || -> Result<IndexMetadata, String> {
                Ok(IndexMetadata {
                    name: required(&cells, "index_name")?,
                    kind: get(&cells, "kind")?.unwrap_or_default(),
                    options: get(&cells, "options")?.unwrap_or_default(),
                })
            };
            match read() {
                Ok(i) => {
                    self.indexes
                        .get_or_insert_with(k, Default::default)
                        .insert(i.name.clone(), i);
                }
                Err(e) => self.error(k, format!("index: {e}")),
            }
        }
    }

    fn read_triggers(&mut self, rows: Option<&Rows>) {
        for cells in each_row(rows, "system_schema.triggers") {
            let Some(k) = key(&cells, "system_schema.triggers", "table_name") else {
                continue;
            };
            let read = || -> Result<TriggerMetadata, String> {
                Ok(TriggerMetadata {
                    name: required(&cells, "trigger_name")?,
                    options: get(&cells, "options")?.unwrap_or_default(),
                })
            };
            match read() {
                Ok(t) => {
                    self.triggers
                        .get_or_insert_with(k, Default::default)
                        .insert(t.name.clone(), t);
                }
                Err(e) => self.error(k, format!("trigger: {e}")),
            }
        }
    }

    /// The columns of `key` in table order: the partition key and clustering columns by
    /// position, then the others in row order.
    fn take_columns(&mut self, key: &(String, String)) -> Vec<ColumnMetadata> {
        let mut columns = self.columns.remove(key).unwrap_or_default();
        let rank = |c: &ColumnMetadata| match c.kind {
            ColumnKind::PartitionKey => (0u8, c.position),
            ColumnKind::Clustering => (1, c.position),
            _ => (2, 0),
        };
        let mut ranked: Vec<((u8, i32), usize, ColumnMetadata)> = columns
            .drain(..)
            .enumerate()
            .map(|(i, c)| (rank(&c), i, c))
            .collect();
        sort_vec_by(&mut ranked, &|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        columns.extend(ranked.into_iter().map(|(_, _, c)| c));
        columns
    }
}

// Called from many places: one copy instead of one per call site (browser build size).
#[inline(never)]
fn column(cells: &Cells<'_>) -> Result<ColumnMetadata, String> {
    let name: String = required(cells, "column_name")?;
    let type_text: String = required(cells, "type")?;
    let kind_name: String = get(cells, "kind")?.unwrap_or_else(|| "regular".to_string());
    let kind = ColumnKind::from_schema_name(&kind_name)
        .ok_or_else(|| format!("column {name}: unknown kind {kind_name:?}"))?;
    let order: String = get(cells, "clustering_order")?.unwrap_or_default();
    let clustering_order = match order.to_ascii_lowercase().as_str() {
        "asc" => ClusteringOrder::Asc,
        "desc" => ClusteringOrder::Desc,
        _ => ClusteringOrder::None,
    };
    let column_type = ColumnType::parse_cql(&type_text).ok();
    if column_type.is_none() {
        return Err(format!("column {name}: cannot parse type {type_text:?}"));
    }
    Ok(ColumnMetadata {
        name,
        type_text,
        column_type,
        kind,
        position: get(cells, "position")?.unwrap_or(-1),
        clustering_order,
    })
}

/// A table or view row's options: every column that is not a key or an identity.
// Called from many places: one copy instead of one per call site (browser build size).
#[inline(never)]
fn options(cells: &Cells<'_>) -> Result<SortedMap<String, OptionValue>, String> {
    let mut out = SortedMap::new();
    for (spec, cell) in cells.columns() {
        let name = spec.name.as_str();
        if NOT_OPTIONS.contains(&name) {
            continue;
        }
        if let Some(value) = option_value(&spec.typ, cell).map_err(|e| format!("{name}: {e}"))? {
            out.insert(name.to_string(), value);
        }
    }
    Ok(out)
}

// Called from many places: one copy instead of one per call site (browser build size).
#[inline(never)]
fn option_value(
    typ: &ColumnType,
    cell: Option<&[u8]>,
) -> Result<Option<OptionValue>, DeserializeError> {
    let Some(v) = CqlValue::deserialize(typ, cell)? else {
        return Ok(None);
    };
    Ok(match v {
        CqlValue::Text(s) | CqlValue::Ascii(s) => Some(OptionValue::Text(s)),
        CqlValue::Int(i) => Some(OptionValue::Int(i.into())),
        CqlValue::BigInt(i) => Some(OptionValue::Int(i)),
        CqlValue::Double(x) => Some(OptionValue::Double(x)),
        CqlValue::Float(x) => Some(OptionValue::Double(x.into())),
        CqlValue::Boolean(b) => Some(OptionValue::Bool(b)),
        v @ CqlValue::Map(_) => SortedMap::<String, String>::from_value(v).map(OptionValue::Map),
        v @ (CqlValue::List(_) | CqlValue::Set(_)) => {
            Vec::<String>::from_value(v).map(OptionValue::List)
        }
        // Anything else (a type no Cassandra version uses for options) is not an option.
        _ => None,
    })
}

fn read_tables(
    rows: Option<&Rows>,
    is_virtual: bool,
    parts: &mut TableParts,
    into: &mut SortedMap<String, KeyspaceMetadata>,
) {
    let table_name = if is_virtual {
        "system_virtual_schema.tables"
    } else {
        "system_schema.tables"
    };
    for cells in each_row(rows, table_name) {
        let Some(k) = key(&cells, table_name, "table_name") else {
            continue;
        };
        let Some(keyspace) = into.get_mut(&k.0) else {
            continue;
        };
        let mut table = TableMetadata {
            keyspace: k.0.clone(),
            name: k.1.clone(),
            is_virtual,
            ..TableMetadata::default()
        };
        let read = |table: &mut TableMetadata| -> Result<(), String> {
            table.id = get::<Uuid>(&cells, "id")?;
            table.flags = get::<Vec<String>>(&cells, "flags")?.unwrap_or_default();
            table.extensions = get(&cells, "extensions")?.unwrap_or_default();
            table.options = options(&cells)?;
            Ok(())
        };
        if let Err(e) = read(&mut table) {
            set_error(&mut table.parse_error, e);
        }
        table.columns = parts.take_columns(&k);
        table.indexes = parts.indexes.remove(&k).unwrap_or_default();
        table.triggers = parts.triggers.remove(&k).unwrap_or_default();
        if let Some(e) = parts.errors.remove(&k) {
            set_error(&mut table.parse_error, e);
        }
        if table.columns.is_empty() {
            set_error(&mut table.parse_error, "no columns".to_string());
        }
        keyspace.tables.insert(k.1, table);
    }
}

fn read_views(
    rows: Option<&Rows>,
    parts: &mut TableParts,
    into: &mut SortedMap<String, KeyspaceMetadata>,
) {
    for cells in each_row(rows, "system_schema.views") {
        let Some(k) = key(&cells, "system_schema.views", "view_name") else {
            continue;
        };
        let Some(keyspace) = into.get_mut(&k.0) else {
            continue;
        };
        let mut view = ViewMetadata {
            keyspace: k.0.clone(),
            name: k.1.clone(),
            ..ViewMetadata::default()
        };
        let read = |view: &mut ViewMetadata| -> Result<(), String> {
            view.base_table = required(&cells, "base_table_name")?;
            view.base_table_id = get(&cells, "base_table_id")?;
            view.include_all_columns = get(&cells, "include_all_columns")?.unwrap_or(false);
            view.where_clause = get(&cells, "where_clause")?.unwrap_or_default();
            view.id = get(&cells, "id")?;
            view.extensions = get(&cells, "extensions")?.unwrap_or_default();
            view.options = options(&cells)?;
            Ok(())
        };
        if let Err(e) = read(&mut view) {
            set_error(&mut view.parse_error, e);
        }
        view.columns = parts.take_columns(&k);
        if let Some(e) = parts.errors.remove(&k) {
            set_error(&mut view.parse_error, e);
        }
        if let Some(base) = keyspace.tables.get_mut(&view.base_table) {
            if !base.views.contains(&view.name) {
                base.views.push(view.name.clone());
            }
        }
        keyspace.views.insert(k.1, view);
    }
}

fn read_graph_labels(rows: &SchemaRows, into: &mut SortedMap<String, KeyspaceMetadata>) {
    for cells in each_row(rows.vertices.as_ref(), "system_schema.vertices") {
        let Some((ks, table)) = key(&cells, "system_schema.vertices", "table_name") else {
            continue;
        };
        let Some(t) = into.get_mut(&ks).and_then(|k| k.tables.get_mut(&table)) else {
            continue;
        };
        match required::<String>(&cells, "label_name") {
            Ok(label_name) => t.vertex = Some(VertexMetadata { label_name }),
            Err(e) => set_error(&mut t.parse_error, format!("vertex label: {e}")),
        }
    }
    for cells in each_row(rows.edges.as_ref(), "system_schema.edges") {
        let Some((ks, table)) = key(&cells, "system_schema.edges", "table_name") else {
            continue;
        };
        let Some(keyspace) = into.get_mut(&ks) else {
            continue;
        };
        let label_of = |keyspace: &KeyspaceMetadata, table: &str| {
            keyspace
                .tables
                .get(table)
                .and_then(|t| t.vertex.as_ref())
                .map(|v| v.label_name.clone())
                .unwrap_or_default()
        };
        let read = || -> Result<EdgeMetadata, String> {
            let from_table: String = required(&cells, "from_table")?;
            let to_table: String = required(&cells, "to_table")?;
            Ok(EdgeMetadata {
                label_name: required(&cells, "label_name")?,
                from_label: label_of(keyspace, &from_table),
                to_label: label_of(keyspace, &to_table),
                from_table,
                to_table,
                from_partition_key_columns: get(&cells, "from_partition_key_columns")?
                    .unwrap_or_default(),
                from_clustering_columns: get(&cells, "from_clustering_columns")?
                    .unwrap_or_default(),
                to_partition_key_columns: get(&cells, "to_partition_key_columns")?
                    .unwrap_or_default(),
                to_clustering_columns: get(&cells, "to_clustering_columns")?.unwrap_or_default(),
            })
        };
        let edge = read();
        let Some(t) = keyspace.tables.get_mut(&table) else {
            continue;
        };
        match edge {
            Ok(edge) => t.edge = Some(edge),
            Err(e) => set_error(&mut t.parse_error, format!("edge label: {e}")),
        }
    }
}
