//! Schema statements for the object mapper, and the diff `sync_table` / `sync_type` act
//! on: pure text generation, no I/O.
//!
//! ```text
//!   create_table / create_index / create_type / create_keyspace    what sync runs on a
//!   drop_table / drop_keyspace                                     missing object
//!   user_types_of                                                  the UDTs a model uses
//!   diff_table / diff_type                                         what brings an existing
//!                                                                  table or type up to the
//!                                                                  model, or why it cannot
//! ```
//!
//! The statements create the same `system_schema` rows as cqlengine's `sync_table` for the
//! same model: columns in model order with the model's types (nested collections, tuples
//! and UDTs frozen, a UDT column `frozen<..>` when the model says so), the primary key,
//! `CLUSTERING ORDER BY` naming every clustering column, then the model's options. They
//! differ in form only: identifiers are always double-quoted (case kept, reserved words
//! allowed) and `IF NOT EXISTS` / `IF EXISTS` make every statement safe to repeat.

mod diff;
mod literal;
#[cfg(test)]
mod tests;

pub use diff::{Incompatible, diff_table, diff_type};

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use super::model::{ColumnDef, IndexTarget, KeyRole, ModelSchema};
use crate::types::ColumnType;
use crate::types::cql_syntax::quote_identifier;

/// A keyspace's replication, for [`create_keyspace`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replication {
    /// `SimpleStrategy` with this many replicas.
    Simple {
        /// Replicas of each partition.
        replication_factor: u32,
    },
    /// `NetworkTopologyStrategy`: replicas per data center, in the order given.
    NetworkTopology(Vec<(String, u32)>),
}

/// `text` single-quoted as a CQL string literal (inner quotes doubled).
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `"ks"."name"`, or `"name"` without a keyspace.
fn qualified(keyspace: Option<&str>, name: &str) -> String {
    match keyspace {
        Some(ks) => format!("{}.{}", quote_identifier(ks), quote_identifier(name)),
        None => quote_identifier(name),
    }
}

/// The quoted names of `columns`, comma-separated.
fn quoted_names(columns: &[(usize, &ColumnDef)]) -> String {
    let names: Vec<String> = columns
        .iter()
        .map(|(_, c)| quote_identifier(&c.name))
        .collect();
    names.join(", ")
}

/// A column's definition in `CREATE TABLE` and `ALTER TABLE .. ADD`: `"c" type [static]`.
fn column_definition(column: &ColumnDef) -> String {
    let mut out = format!("{} {}", quote_identifier(&column.name), column.type_cql());
    if column.role == KeyRole::Static {
        out.push_str(" static");
    }
    out
}

/// `CREATE TABLE IF NOT EXISTS "ks"."t" (<columns>, PRIMARY KEY (..)) WITH CLUSTERING
/// ORDER BY (..) AND <options>`: the table of `schema`, in its keyspace or else in
/// `keyspace` (unqualified when neither names one).
///
/// Columns are written in model order; a single partition column as `PRIMARY KEY ("p",
/// ..)`, several as `PRIMARY KEY (("p1", "p2"), ..)`. `CLUSTERING ORDER BY` names every
/// clustering column (as cqlengine does) and is left out when there are none; the model's
/// options follow in their order, as `name = literal`.
pub fn create_table(schema: &ModelSchema, keyspace: Option<&str>) -> String {
    let mut out = format!(
        "CREATE TABLE IF NOT EXISTS {} (",
        schema.qualified_table(keyspace)
    );
    for column in &schema.columns {
        out.push_str(&column_definition(column));
        out.push_str(", ");
    }
    let partition = schema.partition_key();
    let clustering = schema.clustering_key();
    if partition.len() == 1 {
        let _ = write!(out, "PRIMARY KEY ({}", quoted_names(&partition));
    } else {
        let _ = write!(out, "PRIMARY KEY (({})", quoted_names(&partition));
    }
    if !clustering.is_empty() {
        let _ = write!(out, ", {}", quoted_names(&clustering));
    }
    out.push_str("))");
    let mut properties: Vec<String> = Vec::new();
    if !clustering.is_empty() {
        let order: Vec<String> = clustering
            .iter()
            .map(|(_, c)| {
                let descending = matches!(
                    c.role,
                    KeyRole::Clustering {
                        descending: true,
                        ..
                    }
                );
                let direction = if descending { "DESC" } else { "ASC" };
                format!("{} {direction}", quote_identifier(&c.name))
            })
            .collect();
        properties.push(format!("CLUSTERING ORDER BY ({})", order.join(", ")));
    }
    for (name, literal) in &schema.options {
        properties.push(format!("{name} = {literal}"));
    }
    if !properties.is_empty() {
        out.push_str(" WITH ");
        out.push_str(&properties.join(" AND "));
    }
    out
}

/// What an index on `column` indexes, as `CREATE INDEX` writes it: `"c"`, `values("c")`
/// (a non-frozen list, set or map's values), `keys("c")`, `entries("c")` or `full("c")`.
fn index_target(column: &ColumnDef, target: IndexTarget) -> String {
    let name = quote_identifier(&column.name);
    match target {
        IndexTarget::Values if column.is_multi_cell() => format!("values({name})"),
        IndexTarget::Values => name,
        IndexTarget::Keys => format!("keys({name})"),
        IndexTarget::Entries => format!("entries({name})"),
        IndexTarget::Full => format!("full({name})"),
    }
}

/// `CREATE [CUSTOM] INDEX IF NOT EXISTS ["name"] ON "ks"."t" (<target>) [USING 'class'
/// [WITH OPTIONS = {..}]]`: the index declared on the column at `column` (an index in
/// [`ModelSchema::columns`]), or `None` when that column declares none (or there is no
/// such column).
///
/// An index without a declared name is left for the server to name
/// (`<table>_<column>_idx`). Options are written for custom indexes only (CQL takes them
/// nowhere else).
pub fn create_index(schema: &ModelSchema, keyspace: Option<&str>, column: usize) -> Option<String> {
    let c = schema.columns.get(column)?;
    let index = c.index.as_ref()?;
    let mut out = String::from("CREATE ");
    if index.custom_class.is_some() {
        out.push_str("CUSTOM ");
    }
    out.push_str("INDEX IF NOT EXISTS ");
    if let Some(name) = &index.name {
        out.push_str(&quote_identifier(name));
        out.push(' ');
    }
    let _ = write!(
        out,
        "ON {} ({})",
        schema.qualified_table(keyspace),
        index_target(c, index.target)
    );
    if let Some(class) = &index.custom_class {
        let _ = write!(out, " USING {}", single_quoted(class));
        if !index.options.is_empty() {
            let entries: Vec<String> = index
                .options
                .iter()
                .map(|(k, v)| format!("{}: {}", single_quoted(k), single_quoted(v)))
                .collect();
            let _ = write!(out, " WITH OPTIONS = {{{}}}", entries.join(", "));
        }
    }
    Some(out)
}

/// `CREATE TYPE IF NOT EXISTS "ks"."name" ("f" text, "g" map<text, frozen<list<int>>>)`:
/// a user-defined type with `fields` in order.
///
/// Field types are written as cqlengine writes them: collections, tuples and UDTs nested
/// in a field's type are frozen, UDT fields are `frozen<..>`, and a field that is itself a
/// list, set or map is written as declared (`list<int>`; Cassandra keeps it so, and
/// freezes it with the type wherever the type is used frozen).
pub fn create_type(keyspace: Option<&str>, name: &str, fields: &[(String, ColumnType)]) -> String {
    let defs: Vec<String> = fields
        .iter()
        .map(|(f, t)| format!("{} {t}", quote_identifier(f)))
        .collect();
    format!(
        "CREATE TYPE IF NOT EXISTS {} ({})",
        qualified(keyspace, name),
        defs.join(", ")
    )
}

/// A user-defined type a model uses: its keyspace (`None`: the model's), its name and its
/// fields in order.
type UserTypeDef = (Option<String>, String, Vec<(String, ColumnType)>);

/// Every user-defined type the model's columns use, also inside collections, tuples,
/// vectors and other UDTs: each once, every type after the types its fields use (the
/// order to create them in).
///
/// The keyspace is `None` for a type declared without one (it lives in the model's).
/// A type known by name only (no fields: a `type = ".."` override naming it) is left out:
/// the model cannot create it.
pub fn user_types_of(schema: &ModelSchema) -> Vec<UserTypeDef> {
    /// `visiting`: the types being listed, outer first, so a (malformed) type using
    /// itself ends the walk instead of recursing forever.
    fn visit<'a>(
        t: &'a ColumnType,
        visiting: &mut Vec<(&'a str, &'a str)>,
        out: &mut Vec<UserTypeDef>,
    ) {
        match t {
            ColumnType::List(e) | ColumnType::Set(e) => visit(e, visiting, out),
            ColumnType::Map(k, v) => {
                visit(k, visiting, out);
                visit(v, visiting, out);
            }
            ColumnType::Tuple(elements) => elements.iter().for_each(|e| visit(e, visiting, out)),
            ColumnType::Vector { element, .. } => visit(element, visiting, out),
            ColumnType::Udt {
                keyspace,
                name,
                fields,
            } => {
                let listed = out
                    .iter()
                    .any(|(k, n, _)| k.as_deref().unwrap_or_default() == keyspace && n == name);
                let key = (keyspace.as_str(), name.as_str());
                if fields.is_empty() || listed || visiting.contains(&key) {
                    return;
                }
                visiting.push(key);
                for (_, f) in fields {
                    visit(f, visiting, out);
                }
                visiting.pop();
                let keyspace = (!keyspace.is_empty()).then(|| keyspace.clone());
                out.push((keyspace, name.clone(), fields.clone()));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut visiting = Vec::new();
    for column in &schema.columns {
        visit(&column.column_type, &mut visiting, &mut out);
    }
    out
}

/// `CREATE KEYSPACE IF NOT EXISTS "name" WITH replication = {..} AND durable_writes = ..`.
///
/// Replication factors are written as strings (`'replication_factor': '3'`), as
/// cqlengine writes them and Cassandra stores them.
pub fn create_keyspace(name: &str, replication: &Replication, durable_writes: bool) -> String {
    let map = match replication {
        Replication::Simple { replication_factor } => {
            format!("{{'class': 'SimpleStrategy', 'replication_factor': '{replication_factor}'}}")
        }
        Replication::NetworkTopology(dcs) => {
            let mut map = String::from("{'class': 'NetworkTopologyStrategy'");
            for (dc, factor) in dcs {
                let _ = write!(map, ", {}: '{factor}'", single_quoted(dc));
            }
            map.push('}');
            map
        }
    };
    format!(
        "CREATE KEYSPACE IF NOT EXISTS {} WITH replication = {map} AND durable_writes = {durable_writes}",
        quote_identifier(name)
    )
}

/// `DROP KEYSPACE IF EXISTS "name"`.
pub fn drop_keyspace(name: &str) -> String {
    format!("DROP KEYSPACE IF EXISTS {}", quote_identifier(name))
}

/// `DROP TABLE IF EXISTS "ks"."t"`: the model's table, in its keyspace or else in
/// `keyspace`.
pub fn drop_table(schema: &ModelSchema, keyspace: Option<&str>) -> String {
    format!("DROP TABLE IF EXISTS {}", schema.qualified_table(keyspace))
}
