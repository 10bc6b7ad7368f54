//! What to re-read after schema changes, the queries that read it, and how the rows they
//! return replace the elements of a snapshot.
//!
//! A full load reads every `system_schema` table whole. After SCHEMA_CHANGE events only
//! the changed elements are read again, with their keys bound as values: a keyspace
//! change re-reads that keyspace, a table change its table (or view) rows, columns,
//! indexes and triggers, a type, function or aggregate change its own rows. Changes to
//! keyspaces outside the [`SchemaFilter`] are ignored.

use super::sorted_map::SortedMap;
use crate::cluster::sort::sort_vec_by;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use super::model::{KeyspaceMetadata, SchemaMetadata};
use super::parse::{self, SchemaRows};
use crate::message::{SchemaChange, SchemaChangeTarget};

/// Which keyspaces' schema the driver keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SchemaFilter {
    /// None: schema metadata is switched off (keyspace replication, needed for routing,
    /// is still read).
    Off,
    /// Every keyspace.
    #[default]
    All,
    /// Only these keyspaces.
    Keyspaces(Vec<String>),
}

impl SchemaFilter {
    /// Only the keyspaces named.
    pub fn keyspaces<I: IntoIterator<Item = S>, S: Into<String>>(names: I) -> Self {
        let mut names: Vec<String> = names.into_iter().map(Into::into).collect();
        sort_vec_by(&mut names, &|a, b| a.cmp(b));
        names.dedup();
        Self::Keyspaces(names)
    }

    /// Whether schema metadata is read at all.
    pub fn is_enabled(&self) -> bool {
        *self != Self::Off
    }

    /// Whether the schema of `keyspace` is kept.
    pub fn includes(&self, keyspace: &str) -> bool {
        match self {
            Self::Off => false,
            Self::All => true,
            Self::Keyspaces(names) => names.iter().any(|n| n == keyspace),
        }
    }
}

/// One element to read again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RefreshTarget {
    /// Everything the filter keeps.
    Everything,
    /// A keyspace and every element in it.
    Keyspace(String),
    /// A table or materialized view.
    Table {
        /// Its keyspace.
        keyspace: String,
        /// Its name.
        name: String,
    },
    /// A user type.
    Type {
        /// Its keyspace.
        keyspace: String,
        /// Its name.
        name: String,
    },
    /// Every overload of a function.
    Function {
        /// Its keyspace.
        keyspace: String,
        /// Its name.
        name: String,
    },
    /// Every overload of an aggregate.
    Aggregate {
        /// Its keyspace.
        keyspace: String,
        /// Its name.
        name: String,
    },
}

impl RefreshTarget {
    fn keyspace(&self) -> Option<&str> {
        match self {
            Self::Everything => None,
            Self::Keyspace(k)
            | Self::Table { keyspace: k, .. }
            | Self::Type { keyspace: k, .. }
            | Self::Function { keyspace: k, .. }
            | Self::Aggregate { keyspace: k, .. } => Some(k),
        }
    }
}

/// More element refreshes than this in one batch re-read whole keyspaces instead.
const MAX_ELEMENT_TARGETS: usize = 32;

/// The refreshes a batch of schema changes calls for: deduplicated, a keyspace change
/// covering every element of its keyspace, keyspaces outside `filter` left out.
pub fn plan(changes: &[SchemaChange], filter: &SchemaFilter) -> Vec<RefreshTarget> {
    let mut keyspaces: Vec<String> = Vec::new();
    let mut elements: Vec<RefreshTarget> = Vec::new();
    for change in changes {
        let ks = change.target.keyspace();
        if !filter.includes(ks) {
            continue;
        }
        let owned = || String::from(ks);
        match &change.target {
            SchemaChangeTarget::Keyspace { .. } => {
                keyspaces.push(owned());
            }
            SchemaChangeTarget::Table { name, .. } => {
                elements.push(RefreshTarget::Table {
                    keyspace: owned(),
                    name: name.clone(),
                });
            }
            SchemaChangeTarget::Type { name, .. } => {
                elements.push(RefreshTarget::Type {
                    keyspace: owned(),
                    name: name.clone(),
                });
            }
            SchemaChangeTarget::Function { name, .. } => {
                elements.push(RefreshTarget::Function {
                    keyspace: owned(),
                    name: name.clone(),
                });
            }
            SchemaChangeTarget::Aggregate { name, .. } => {
                elements.push(RefreshTarget::Aggregate {
                    keyspace: owned(),
                    name: name.clone(),
                });
            }
        }
    }
    sort_vec_by(&mut elements, &|a, b| a.cmp(b));
    elements.dedup();
    if elements.len() > MAX_ELEMENT_TARGETS {
        keyspaces.extend(
            elements
                .iter()
                .filter_map(|e| e.keyspace().map(String::from)),
        );
        elements.clear();
    }
    sort_vec_by(&mut keyspaces, &|a, b| a.cmp(b));
    keyspaces.dedup();
    let mut out: Vec<RefreshTarget> = keyspaces
        .iter()
        .cloned()
        .map(RefreshTarget::Keyspace)
        .collect();
    out.extend(elements.into_iter().filter(|e| {
        e.keyspace()
            .is_none_or(|k| !keyspaces.iter().any(|n| n == k))
    }));
    out
}

/// A `system_schema` (or `system_virtual_schema`) table the driver reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaTable {
    /// `system_schema.keyspaces`.
    Keyspaces,
    /// `system_schema.tables`.
    Tables,
    /// `system_schema.columns`.
    Columns,
    /// `system_schema.types`.
    Types,
    /// `system_schema.functions`.
    Functions,
    /// `system_schema.aggregates`.
    Aggregates,
    /// `system_schema.triggers`.
    Triggers,
    /// `system_schema.indexes`.
    Indexes,
    /// `system_schema.views`.
    Views,
    /// `system_virtual_schema.keyspaces`.
    VirtualKeyspaces,
    /// `system_virtual_schema.tables`.
    VirtualTables,
    /// `system_virtual_schema.columns`.
    VirtualColumns,
    /// DSE 6.8 `system_schema.vertices`.
    Vertices,
    /// DSE 6.8 `system_schema.edges`.
    Edges,
}

impl SchemaTable {
    /// The qualified table name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Keyspaces => "system_schema.keyspaces",
            Self::Tables => "system_schema.tables",
            Self::Columns => "system_schema.columns",
            Self::Types => "system_schema.types",
            Self::Functions => "system_schema.functions",
            Self::Aggregates => "system_schema.aggregates",
            Self::Triggers => "system_schema.triggers",
            Self::Indexes => "system_schema.indexes",
            Self::Views => "system_schema.views",
            Self::VirtualKeyspaces => "system_virtual_schema.keyspaces",
            Self::VirtualTables => "system_virtual_schema.tables",
            Self::VirtualColumns => "system_virtual_schema.columns",
            Self::Vertices => "system_schema.vertices",
            Self::Edges => "system_schema.edges",
        }
    }

    /// Where its rows go in a [`SchemaRows`].
    pub fn slot(self, rows: &mut SchemaRows) -> &mut Option<crate::message::Rows> {
        match self {
            Self::Keyspaces => &mut rows.keyspaces,
            Self::Tables => &mut rows.tables,
            Self::Columns => &mut rows.columns,
            Self::Types => &mut rows.types,
            Self::Functions => &mut rows.functions,
            Self::Aggregates => &mut rows.aggregates,
            Self::Triggers => &mut rows.triggers,
            Self::Indexes => &mut rows.indexes,
            Self::Views => &mut rows.views,
            Self::VirtualKeyspaces => &mut rows.virtual_keyspaces,
            Self::VirtualTables => &mut rows.virtual_tables,
            Self::VirtualColumns => &mut rows.virtual_columns,
            Self::Vertices => &mut rows.vertices,
            Self::Edges => &mut rows.edges,
        }
    }

    /// Whether a node may lack the table (an error reading it means "none").
    pub fn is_optional(self) -> bool {
        !matches!(self, Self::Keyspaces | Self::Tables | Self::Columns)
    }
}

/// One query of a refresh: `SELECT * FROM <table> [WHERE ...]` with the key values to
/// bind, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaQuery {
    /// The table read.
    pub table: SchemaTable,
    /// The CQL.
    pub cql: String,
    /// The text values bound to its markers.
    pub values: Vec<String>,
}

fn select(table: SchemaTable, keys: &[(&str, &str)]) -> SchemaQuery {
    let mut cql = alloc::format!("SELECT * FROM {}", table.name());
    for (i, (column, _)) in keys.iter().enumerate() {
        cql.push_str(if i == 0 { " WHERE " } else { " AND " });
        cql.push_str(column);
        cql.push_str(" = ?");
    }
    SchemaQuery {
        table,
        cql,
        values: keys.iter().map(|(_, v)| String::from(*v)).collect(),
    }
}

/// Every table of a full load (vertices and edges are read after it, for DSE graph
/// keyspaces only).
pub const FULL_LOAD: [SchemaTable; 12] = [
    SchemaTable::Keyspaces,
    SchemaTable::Tables,
    SchemaTable::Columns,
    SchemaTable::Types,
    SchemaTable::Functions,
    SchemaTable::Aggregates,
    SchemaTable::Triggers,
    SchemaTable::Indexes,
    SchemaTable::Views,
    SchemaTable::VirtualKeyspaces,
    SchemaTable::VirtualTables,
    SchemaTable::VirtualColumns,
];

/// The queries that read `target`.
pub fn queries(target: &RefreshTarget) -> Vec<SchemaQuery> {
    use SchemaTable as T;
    match target {
        RefreshTarget::Everything => FULL_LOAD.iter().map(|t| select(*t, &[])).collect(),
        RefreshTarget::Keyspace(ks) => {
            let k = [("keyspace_name", ks.as_str())];
            [
                T::Keyspaces,
                T::Tables,
                T::Columns,
                T::Types,
                T::Functions,
                T::Aggregates,
                T::Triggers,
                T::Indexes,
                T::Views,
            ]
            .iter()
            .map(|t| select(*t, &k))
            .collect()
        }
        RefreshTarget::Table { keyspace, name } => {
            let k = [
                ("keyspace_name", keyspace.as_str()),
                ("table_name", name.as_str()),
            ];
            let mut out: Vec<SchemaQuery> = [T::Tables, T::Columns, T::Indexes, T::Triggers]
                .iter()
                .map(|t| select(*t, &k))
                .collect();
            out.push(select(
                T::Views,
                &[
                    ("keyspace_name", keyspace.as_str()),
                    ("view_name", name.as_str()),
                ],
            ));
            out
        }
        RefreshTarget::Type { keyspace, name } => vec![select(
            T::Types,
            &[
                ("keyspace_name", keyspace.as_str()),
                ("type_name", name.as_str()),
            ],
        )],
        RefreshTarget::Function { keyspace, name } => vec![select(
            T::Functions,
            &[
                ("keyspace_name", keyspace.as_str()),
                ("function_name", name.as_str()),
            ],
        )],
        RefreshTarget::Aggregate { keyspace, name } => vec![select(
            T::Aggregates,
            &[
                ("keyspace_name", keyspace.as_str()),
                ("aggregate_name", name.as_str()),
            ],
        )],
    }
}

/// The snapshot of a full load, keeping only what `filter` includes (virtual keyspaces
/// are kept with `All`).
pub fn full(rows: &SchemaRows, filter: &SchemaFilter) -> SchemaMetadata {
    let mut keyspaces = parse::keyspaces(rows);
    keyspaces.retain(|name, _| filter.includes(name));
    SchemaMetadata { keyspaces }
}

/// `current` with `target` replaced by what `rows` (the result of [`queries`]) say.
pub fn apply(
    current: &SchemaMetadata,
    target: &RefreshTarget,
    rows: &SchemaRows,
) -> SchemaMetadata {
    let mut keyspaces = current.keyspaces.clone();
    match target {
        RefreshTarget::Everything => {
            return SchemaMetadata {
                keyspaces: parse::keyspaces(rows),
            };
        }
        RefreshTarget::Keyspace(name) => match parse::keyspace(rows, name) {
            Some(ks) => {
                keyspaces.insert(name.clone(), Arc::new(ks));
            }
            None => {
                keyspaces.remove(name);
            }
        },
        RefreshTarget::Table { keyspace, name }
        | RefreshTarget::Type { keyspace, name }
        | RefreshTarget::Function { keyspace, name }
        | RefreshTarget::Aggregate { keyspace, name } => {
            let Some(old) = keyspaces.get(keyspace) else {
                // An element of a keyspace not known yet: its keyspace event follows.
                return SchemaMetadata { keyspaces };
            };
            let mut ks: KeyspaceMetadata = (**old).clone();
            let mut kept_views = Vec::new();
            match target {
                RefreshTarget::Table { .. } => {
                    if let Some(t) = ks.tables.remove(name) {
                        kept_views = t.views;
                    }
                    if let Some(v) = ks.views.remove(name) {
                        if let Some(base) = ks.tables.get_mut(&v.base_table) {
                            base.views.retain(|n| n != name);
                        }
                    }
                }
                RefreshTarget::Type { .. } => {
                    ks.user_types.remove(name);
                }
                RefreshTarget::Function { .. } => ks.functions.retain(|s, _| s.name != *name),
                _ => ks.aggregates.retain(|s, _| s.name != *name),
            }
            let mut one = SortedMap::new();
            one.insert(keyspace.clone(), ks);
            parse::add_elements(rows, &mut one);
            if let Some(mut ks) = one.remove(keyspace) {
                if let Some(t) = ks.tables.get_mut(name) {
                    for v in kept_views {
                        if !t.views.contains(&v) {
                            t.views.push(v);
                        }
                    }
                }
                keyspaces.insert(keyspace.clone(), Arc::new(ks));
            }
        }
    }
    SchemaMetadata { keyspaces }
}
