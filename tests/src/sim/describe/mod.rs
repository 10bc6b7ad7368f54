//! Server-side `DESCRIBE`, as Cassandra 4.0+ answers it (`DescribeStatement`): rows of
//! `keyspace_name, type, name[, create_statement]` in table `system.describe`, or the
//! `cluster, partitioner, snitch[, range_ownership]` row of `DESCRIBE CLUSTER`, paged by
//! row offset with the schema version in the paging state.
//!
//! ```text
//!   cql      the CREATE statements of keyspaces, types, functions, aggregates, tables,
//!            indexes and materialized views
//!   cluster  DESCRIBE CLUSTER's partitioner, snitch and range ownership
//! ```

pub mod cluster;
pub mod cql;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use bytes::{BufMut, Bytes, BytesMut};
use cql_core::types::{ColumnSpec, ColumnType};
use uuid::Uuid;

use crate::cql::ast::{Describe, DescribeTarget, QualifiedName, quote_ident};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::info::NodeInfo;
use crate::sim::outcome::{ExecParams, Outcome, RowsResult};
use crate::sim::schema::{Keyspace, Schema, Table, UserAggregate, UserFunction, UserType, View};

/// The keyspaces Cassandra 4.1 counts as system ones (left out of `DESCRIBE SCHEMA`).
pub const SYSTEM_KEYSPACES: [&str; 7] = [
    "system",
    "system_schema",
    "system_views",
    "system_virtual_schema",
    "system_auth",
    "system_distributed",
    "system_traces",
];

/// Cassandra's answer when the schema changed between two pages of a DESCRIBE.
pub const SCHEMA_CHANGED_WHILE_PAGING: &str = "The schema has changed since the previous page of the DESCRIBE statement result. Please retry the DESCRIBE statement.";

/// Whether a keyspace is a system keyspace.
pub fn is_system_keyspace(name: &str) -> bool {
    SYSTEM_KEYSPACES.contains(&name)
}

/// One schema element in a DESCRIBE result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Its keyspace (unquoted).
    pub keyspace: String,
    /// `keyspace`, `type`, `function`, `aggregate`, `table`, `index` or `materialized_view`.
    pub kind: &'static str,
    /// Its name (unquoted).
    pub name: String,
    /// Its CQL (`create_statement`); `None` in listings.
    pub create: Option<String>,
}

impl Element {
    fn listed(keyspace: &str, kind: &'static str, name: &str) -> Self {
        Self {
            keyspace: keyspace.to_string(),
            kind,
            name: name.to_string(),
            create: None,
        }
    }
}

/// Java's `compareToIgnoreCase`, which orders every DESCRIBE listing.
fn by_name_ignoring_case(a: &str, b: &str) -> Ordering {
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "system".to_string(),
        table: "describe".to_string(),
        name: name.to_string(),
        typ,
    }
}

/// Whether `DESCRIBE CLUSTER` adds `range_ownership` for the keyspace in use.
fn returns_ownership(keyspace: Option<&str>) -> bool {
    keyspace.is_some_and(|k| !is_system_keyspace(k))
}

/// Whether the statement lists names only (three columns, no `create_statement`).
fn is_listing(target: &DescribeTarget) -> bool {
    matches!(
        target,
        DescribeTarget::Keyspaces
            | DescribeTarget::Tables
            | DescribeTarget::Types
            | DescribeTarget::Functions
            | DescribeTarget::Aggregates
    )
}

/// The result columns of a DESCRIBE run with `keyspace` in use (for prepared metadata too).
pub fn result_columns(describe: &Describe, keyspace: Option<&str>) -> Vec<ColumnSpec> {
    if describe.target == DescribeTarget::Cluster {
        let mut cols = vec![
            spec("cluster", ColumnType::Text),
            spec("partitioner", ColumnType::Text),
            spec("snitch", ColumnType::Text),
        ];
        if returns_ownership(keyspace) {
            cols.push(spec(
                "range_ownership",
                ColumnType::Map(
                    Box::new(ColumnType::Text),
                    Box::new(ColumnType::List(Box::new(ColumnType::Text))),
                ),
            ));
        }
        return cols;
    }
    let mut cols = vec![
        spec("keyspace_name", ColumnType::Text),
        spec("type", ColumnType::Text),
        spec("name", ColumnType::Text),
    ];
    if !is_listing(&describe.target) {
        cols.push(spec("create_statement", ColumnType::Text));
    }
    cols
}

/// Runs a DESCRIBE against the schema, with `keyspace` in use (`USE`, or v5's per-request
/// keyspace), paged as `params` ask.
///
/// # Errors
/// `Invalid` with Cassandra's messages: unknown keyspace (`'x' not found in keyspaces`),
/// unknown element, no keyspace in use, a paging state from another schema version.
pub fn execute(
    schema: &Schema,
    info: &NodeInfo,
    describe: &Describe,
    keyspace: Option<&str>,
    params: &ExecParams,
) -> CqlResult<Outcome> {
    let offset = match &params.paging_state {
        Some(state) => decode_paging_state(state, schema.version)?,
        None => 0,
    };
    let columns = result_columns(describe, keyspace);
    let rows: Vec<Vec<Option<Bytes>>> = if describe.target == DescribeTarget::Cluster {
        vec![cluster_row(schema, info, keyspace)]
    } else {
        elements(schema, &describe.target, keyspace, describe.with_internals)?
            .into_iter()
            .map(element_row)
            .collect()
    };
    let page_size = params
        .page_size
        .filter(|p| *p > 0)
        .and_then(|p| usize::try_from(p).ok());
    let mut page: Vec<_> = rows.into_iter().skip(offset).collect();
    let mut paging_state = None;
    if let Some(p) = page_size {
        page.truncate(p);
        // As Cassandra: a full page always announces another one, possibly empty.
        if page.len() == p {
            paging_state = Some(encode_paging_state(schema.version, offset + p));
        }
    }
    Ok(Outcome::Rows(RowsResult {
        columns,
        rows: page,
        paging_state,
    }))
}

fn text(s: &str) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(s.as_bytes()))
}

/// An element's name quoted when needed; a function's or aggregate's name only up to its
/// argument types (`"MyFunc"(int)`).
fn quoted_name(e: &Element) -> String {
    match e.name.split_once('(') {
        Some((name, args)) if matches!(e.kind, "function" | "aggregate") => {
            format!("{}({args}", quote_ident(name))
        }
        _ => quote_ident(&e.name),
    }
}

fn element_row(e: Element) -> Vec<Option<Bytes>> {
    let mut row = vec![
        text(&quote_ident(&e.keyspace)),
        text(e.kind),
        text(&quoted_name(&e)),
    ];
    if let Some(create) = &e.create {
        row.push(text(create));
    }
    row
}

fn cluster_row(schema: &Schema, info: &NodeInfo, keyspace: Option<&str>) -> Vec<Option<Bytes>> {
    let mut row = vec![
        text(&info.cluster_name),
        text(&cluster::partitioner(info)),
        text(cluster::SNITCH),
    ];
    if returns_ownership(keyspace) {
        let ks = keyspace.and_then(|k| schema.keyspace(k));
        row.push(Some(serialize_ownership(&cluster::range_ownership(
            info, ks,
        ))));
    }
    row
}

/// A `map<text, frozen<list<text>>>` value.
fn serialize_ownership(map: &BTreeMap<String, Vec<String>>) -> Bytes {
    let mut b = BytesMut::new();
    let len = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    b.put_i32(len(map.len()));
    for (token, endpoints) in map {
        b.put_i32(len(token.len()));
        b.put_slice(token.as_bytes());
        let mut list = BytesMut::new();
        list.put_i32(len(endpoints.len()));
        for e in endpoints {
            list.put_i32(len(e.len()));
            list.put_slice(e.as_bytes());
        }
        b.put_i32(len(list.len()));
        b.put_slice(&list);
    }
    b.freeze()
}

const PAGING_MAGIC: [u8; 2] = [0x00, 0x01];

fn encode_paging_state(version: Uuid, next_offset: usize) -> Bytes {
    let mut b = BytesMut::new();
    b.put_slice(&PAGING_MAGIC);
    b.put_slice(version.as_bytes());
    b.put_u64(next_offset as u64);
    b.freeze()
}

fn decode_paging_state(state: &[u8], version: Uuid) -> CqlResult<usize> {
    let incompatible = || CqlError::invalid("Incompatible paging state");
    if state.len() != 26 || state.get(..2) != Some(&PAGING_MAGIC[..]) {
        return Err(incompatible());
    }
    let uuid = state
        .get(2..18)
        .and_then(|s| Uuid::from_slice(s).ok())
        .ok_or_else(incompatible)?;
    if uuid != version {
        return Err(CqlError::invalid(SCHEMA_CHANGED_WHILE_PAGING));
    }
    let offset: [u8; 8] = state
        .get(18..26)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(incompatible)?;
    usize::try_from(u64::from_be_bytes(offset)).map_err(|_| incompatible())
}

/// A keyspace by name, or Cassandra's `'x' not found in keyspaces`.
fn keyspace<'s>(schema: &'s Schema, name: &str) -> CqlResult<&'s Keyspace> {
    schema
        .keyspace(name)
        .ok_or_else(|| CqlError::invalid(format!("'{name}' not found in keyspaces")))
}

/// The keyspace of a single-element DESCRIBE: the one named, else the one in use.
fn element_keyspace<'s>(
    schema: &'s Schema,
    name: &QualifiedName,
    current: Option<&str>,
) -> CqlResult<&'s Keyspace> {
    let ks = name
        .keyspace
        .as_deref()
        .or(current)
        .ok_or_else(|| CqlError::invalid("No keyspace specified and no current keyspace"))?;
    keyspace(schema, ks)
}

fn sorted_keyspaces(schema: &Schema) -> Vec<&Keyspace> {
    let mut all: Vec<&Keyspace> = schema.keyspaces.values().collect();
    all.sort_by(|a, b| by_name_ignoring_case(&a.name, &b.name));
    all
}

/// The elements (with their CQL, unless listing) a DESCRIBE other than CLUSTER returns.
///
/// # Errors
/// As [`execute`].
pub fn elements(
    schema: &Schema,
    target: &DescribeTarget,
    current: Option<&str>,
    with_internals: bool,
) -> CqlResult<Vec<Element>> {
    use DescribeTarget as D;
    let not_found = |what: &str, name: &str, ks: &str| {
        CqlError::invalid(format!("{what} '{name}' not found in '{ks}'"))
    };
    Ok(match target {
        D::Cluster => Vec::new(),
        D::Keyspaces => sorted_keyspaces(schema)
            .into_iter()
            .map(|k| Element::listed(&k.name, "keyspace", &k.name))
            .collect(),
        D::Tables | D::Types | D::Functions | D::Aggregates => {
            let keyspaces = match current {
                Some(k) => vec![keyspace(schema, k)?],
                None => sorted_keyspaces(schema),
            };
            let mut out = Vec::new();
            for ks in keyspaces {
                let mut names: Vec<(String, &'static str)> = match target {
                    D::Tables => ks.tables.keys().map(|n| (n.clone(), "table")).collect(),
                    D::Types => ks.types.keys().map(|n| (n.clone(), "type")).collect(),
                    D::Functions => ks
                        .functions
                        .values()
                        .map(|f| (function_signature(f), "function"))
                        .collect(),
                    D::Aggregates => ks
                        .aggregates
                        .values()
                        .map(|a| (aggregate_signature(a), "aggregate"))
                        .collect(),
                    _ => Vec::new(),
                };
                names.sort_by(|a, b| by_name_ignoring_case(&a.0, &b.0));
                out.extend(
                    names
                        .into_iter()
                        .map(|(n, kind)| Element::listed(&ks.name, kind, &n)),
                );
            }
            out
        }
        D::Schema { full } => sorted_keyspaces(schema)
            .into_iter()
            .filter(|k| *full || !is_system_keyspace(&k.name))
            .flat_map(|k| keyspace_elements(k, false, with_internals))
            .collect(),
        D::Keyspace { name, only } => {
            let ks = name.as_deref().or(current).ok_or_else(|| {
                CqlError::invalid("No keyspace specified and no current keyspace")
            })?;
            keyspace_elements(keyspace(schema, ks)?, *only, with_internals)
        }
        D::Table(name) => {
            let ks = element_keyspace(schema, name, current)?;
            let table = ks.tables.get(&name.name).ok_or_else(|| {
                CqlError::invalid(format!(
                    "Table '{}' not found in keyspace '{}'",
                    name.name, ks.name
                ))
            })?;
            table_elements(table, with_internals)
        }
        D::Index(name) => {
            let ks = element_keyspace(schema, name, current)?;
            let table = indexed_table(ks, &name.name)
                .ok_or_else(|| not_found("Table for existing index", &name.name, &ks.name))?;
            index_elements(table, Some(&name.name))
        }
        D::MaterializedView(name) => {
            let ks = element_keyspace(schema, name, current)?;
            let view = ks
                .views
                .get(&name.name)
                .ok_or_else(|| not_found("Materialized view", &name.name, &ks.name))?;
            vec![view_element(view, with_internals)]
        }
        D::Type(name) => {
            let ks = element_keyspace(schema, name, current)?;
            let udt = ks
                .types
                .get(&name.name)
                .ok_or_else(|| not_found("User defined type", &name.name, &ks.name))?;
            vec![type_element(udt)]
        }
        D::Function(name) => {
            let ks = element_keyspace(schema, name, current)?;
            let found: Vec<Element> = ks
                .functions
                .values()
                .filter(|f| f.name == name.name)
                .map(function_element)
                .collect();
            if found.is_empty() {
                return Err(not_found("User defined function", &name.name, &ks.name));
            }
            found
        }
        D::Aggregate(name) => {
            let ks = element_keyspace(schema, name, current)?;
            let found: Vec<Element> = ks
                .aggregates
                .values()
                .filter(|a| a.name == name.name)
                .map(aggregate_element)
                .collect();
            if found.is_empty() {
                return Err(not_found("User defined aggregate", &name.name, &ks.name));
            }
            found
        }
        D::Generic(name) => {
            // A keyspace, else a table, an index or a materialized view (in that order).
            let ks_name = match &name.keyspace {
                Some(k) => k.as_str(),
                None if schema.keyspace(&name.name).is_some() => {
                    return Ok(keyspace_elements(
                        keyspace(schema, &name.name)?,
                        false,
                        with_internals,
                    ));
                }
                None => current.unwrap_or(&name.name),
            };
            let ks = keyspace(schema, ks_name)?;
            if let Some(table) = ks.tables.get(&name.name) {
                table_elements(table, with_internals)
            } else if let Some(table) = indexed_table(ks, &name.name) {
                index_elements(table, Some(&name.name))
            } else if let Some(view) = ks.views.get(&name.name) {
                vec![view_element(view, with_internals)]
            } else {
                return Err(CqlError::invalid(format!(
                    "'{}' not found in keyspace '{}'",
                    name.name, ks.name
                )));
            }
        }
    })
}

/// The keyspace, then (unless `only`) its types in dependency order, its functions and
/// aggregates by name, and its tables by name, each followed by its indexes and its
/// materialized views by name (`DescribeStatement.getKeyspaceElements`).
fn keyspace_elements(ks: &Keyspace, only: bool, with_internals: bool) -> Vec<Element> {
    let mut out = vec![Element {
        keyspace: ks.name.clone(),
        kind: "keyspace",
        name: ks.name.clone(),
        create: Some(cql::keyspace_cql(ks)),
    }];
    if only {
        return out;
    }
    out.extend(types_in_dependency_order(ks).into_iter().map(type_element));
    let mut functions: Vec<Element> = ks.functions.values().map(function_element).collect();
    functions.sort_by(|a, b| by_name_ignoring_case(&a.name, &b.name));
    out.extend(functions);
    let mut aggregates: Vec<Element> = ks.aggregates.values().map(aggregate_element).collect();
    aggregates.sort_by(|a, b| by_name_ignoring_case(&a.name, &b.name));
    out.extend(aggregates);
    let mut tables: Vec<&Table> = ks.tables.values().collect();
    tables.sort_by(|a, b| by_name_ignoring_case(&a.name, &b.name));
    for table in tables {
        out.extend(table_elements(table, with_internals));
        let mut views: Vec<&View> = ks
            .views
            .values()
            .filter(|v| v.base_table_id == table.id)
            .collect();
        views.sort_by(|a, b| by_name_ignoring_case(&a.table.name, &b.table.name));
        out.extend(views.into_iter().map(|v| view_element(v, with_internals)));
    }
    out
}

fn function_signature(f: &UserFunction) -> String {
    let types: Vec<_> = f.arguments.iter().map(|(_, t)| t).collect();
    cql::signature(&f.name, &types)
}

fn aggregate_signature(a: &UserAggregate) -> String {
    let types: Vec<_> = a.argument_types.iter().collect();
    cql::signature(&a.name, &types)
}

fn function_element(f: &UserFunction) -> Element {
    Element {
        keyspace: f.keyspace.clone(),
        kind: "function",
        name: function_signature(f),
        create: Some(cql::function_cql(f)),
    }
}

fn aggregate_element(a: &UserAggregate) -> Element {
    Element {
        keyspace: a.keyspace.clone(),
        kind: "aggregate",
        name: aggregate_signature(a),
        create: Some(cql::aggregate_cql(a)),
    }
}

fn view_element(v: &View, with_internals: bool) -> Element {
    Element {
        keyspace: v.table.keyspace.clone(),
        kind: "materialized_view",
        name: v.table.name.clone(),
        create: Some(cql::view_cql(v, with_internals)),
    }
}

/// The table, then its indexes by name.
fn table_elements(table: &Table, with_internals: bool) -> Vec<Element> {
    let mut out = vec![Element {
        keyspace: table.keyspace.clone(),
        kind: "table",
        name: table.name.clone(),
        create: Some(cql::table_cql(table, with_internals)),
    }];
    out.extend(index_elements(table, None));
    out
}

/// The indexes of a table by name, or only the one named.
fn index_elements(table: &Table, only: Option<&str>) -> Vec<Element> {
    let mut indexes: Vec<_> = table
        .indexes
        .values()
        .filter(|i| only.is_none_or(|n| i.name == n))
        .collect();
    indexes.sort_by(|a, b| by_name_ignoring_case(&a.name, &b.name));
    indexes
        .into_iter()
        .map(|i| Element {
            keyspace: table.keyspace.clone(),
            kind: "index",
            name: i.name.clone(),
            create: Some(cql::index_cql(table, i)),
        })
        .collect()
}

fn type_element(udt: &UserType) -> Element {
    Element {
        keyspace: udt.keyspace.clone(),
        kind: "type",
        name: udt.name.clone(),
        create: Some(cql::type_cql(udt)),
    }
}

/// The table holding index `name`.
fn indexed_table<'k>(ks: &'k Keyspace, name: &str) -> Option<&'k Table> {
    ks.tables.values().find(|t| t.indexes.contains_key(name))
}

/// The keyspace's types, each after the types it uses (`Types.sortedStream`): by name,
/// with every type's dependencies first.
fn types_in_dependency_order(ks: &Keyspace) -> Vec<&UserType> {
    fn visit<'k>(ks: &'k Keyspace, typ: &ColumnType, out: &mut Vec<&'k str>) {
        match typ {
            ColumnType::List(e) | ColumnType::Set(e) => visit(ks, e, out),
            ColumnType::Map(k, v) => {
                visit(ks, k, out);
                visit(ks, v, out);
            }
            ColumnType::Tuple(ts) => ts.iter().for_each(|t| visit(ks, t, out)),
            ColumnType::Vector { element, .. } => visit(ks, element, out),
            ColumnType::Udt {
                keyspace,
                name,
                fields,
            } => {
                fields.iter().for_each(|(_, t)| visit(ks, t, out));
                if *keyspace == ks.name {
                    if let Some((n, _)) = ks.types.get_key_value(name) {
                        if !out.contains(&n.as_str()) {
                            out.push(n.as_str());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut names: Vec<&str> = Vec::new();
    for udt in ks.types.values() {
        visit(ks, &crate::sim::schema::types::udt_type(udt), &mut names);
    }
    names.into_iter().filter_map(|n| ks.types.get(n)).collect()
}
