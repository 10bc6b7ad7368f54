//! The schema as CQL: the statements that recreate it.
//!
//! Two styles, because the two references disagree in small ways:
//!
//! * [`ExportStyle::Describe`] prints what Cassandra 4.1's server-side `DESCRIBE` returns
//!   (what `cqlsh` shows): one statement per element, keyspaces and tables ordered by
//!   name ignoring case, static and regular columns with single-cell ones first, every
//!   table option of 4.1 (`memtable`, `extensions` included), names quoted per 4.1's
//!   reserved words.
//! * [`ExportStyle::PythonDriver`] prints what the Python driver's `export_as_string()`
//!   does: the options it knows, sorted as text; indexes and triggers right under their
//!   table; argument types of functions without `frozen`; names quoted per its own
//!   (larger) reserved-word list.
//!
//! Both join a keyspace's statements with a blank line.

use super::sorted_map::SortedMap;
use crate::cluster::sort::sort_vec_by;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt::Write;

use super::model::{
    AggregateMetadata, ClusteringOrder, ColumnKind, ColumnMetadata, FunctionMetadata,
    IndexMetadata, KeyspaceMetadata, OptionValue, SchemaMetadata, TableMetadata, TriggerMetadata,
    UserTypeMetadata, ViewMetadata,
};
use super::names::{Dialect, quote_if_needed};
use crate::types::ColumnType;

/// Whose form of CQL an export follows (see the [module docs](self)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExportStyle {
    /// Cassandra 4.1's `DESCRIBE`.
    #[default]
    Describe,
    /// The Python driver's `export_as_string()`.
    PythonDriver,
}

impl ExportStyle {
    fn dialect(self) -> Dialect {
        match self {
            Self::Describe => Dialect::Cassandra,
            Self::PythonDriver => Dialect::PythonDriver,
        }
    }
}

/// The keyspaces Cassandra counts as system ones (left out of a whole-schema export).
pub const SYSTEM_KEYSPACES: [&str; 7] = [
    "system",
    "system_auth",
    "system_distributed",
    "system_schema",
    "system_traces",
    "system_views",
    "system_virtual_schema",
];

/// Whether `name` is one of Cassandra's system keyspaces.
pub fn is_system_keyspace(name: &str) -> bool {
    SYSTEM_KEYSPACES.contains(&name)
}

/// The table options Cassandra 4.1 prints, in its order (`TableParams.appendCqlTo`);
/// `extensions` is printed from the table's extensions.
const DESCRIBE_OPTIONS: [&str; 17] = [
    "additional_write_policy",
    "bloom_filter_fp_chance",
    "caching",
    "cdc",
    "comment",
    "compaction",
    "compression",
    "memtable",
    "crc_check_chance",
    "default_time_to_live",
    "extensions",
    "gc_grace_seconds",
    "max_index_interval",
    "memtable_flush_period_in_ms",
    "min_index_interval",
    "read_repair",
    "speculative_retry",
];

/// The options the Python driver prints for Cassandra 4.x tables (plus DSE's `nodesync`).
const PYTHON_V4_OPTIONS: [&str; 16] = [
    "additional_write_policy",
    "bloom_filter_fp_chance",
    "caching",
    "cdc",
    "comment",
    "compaction",
    "compression",
    "crc_check_chance",
    "default_time_to_live",
    "gc_grace_seconds",
    "max_index_interval",
    "memtable_flush_period_in_ms",
    "min_index_interval",
    "nodesync",
    "read_repair",
    "speculative_retry",
];

/// The options the Python driver prints for Cassandra 3.x tables.
const PYTHON_V3_OPTIONS: [&str; 15] = [
    "bloom_filter_fp_chance",
    "caching",
    "cdc",
    "comment",
    "compaction",
    "compression",
    "crc_check_chance",
    "dclocal_read_repair_chance",
    "default_time_to_live",
    "gc_grace_seconds",
    "max_index_interval",
    "memtable_flush_period_in_ms",
    "min_index_interval",
    "read_repair_chance",
    "speculative_retry",
];

/// One statement of an export, with what it creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// `keyspace`, `type`, `function`, `aggregate`, `table`, `index` or
    /// `materialized_view`.
    pub kind: &'static str,
    /// The element's keyspace.
    pub keyspace: String,
    /// The element's name.
    pub name: String,
    /// Its CQL, ending with `;`.
    pub cql: String,
}

impl SchemaMetadata {
    /// Every non-system keyspace as CQL (`DESCRIBE SCHEMA`), statements separated by a
    /// blank line.
    pub fn export_as_string(&self, style: ExportStyle) -> String {
        let mut keyspaces: Vec<&KeyspaceMetadata> = self
            .keyspaces
            .values()
            .map(|k| &**k)
            .filter(|k| !k.is_virtual && !is_system_keyspace(&k.name))
            .collect();
        if style == ExportStyle::Describe {
            sort_vec_by(&mut keyspaces, &|a, b| {
                by_name_ignoring_case(&a.name, &b.name)
            });
        }
        let parts: Vec<String> = keyspaces
            .into_iter()
            .map(|k| k.export_as_string(style))
            .collect();
        parts.join("\n\n")
    }
}

impl KeyspaceMetadata {
    /// The keyspace and everything in it as CQL (`DESCRIBE KEYSPACE`).
    pub fn export_as_string(&self, style: ExportStyle) -> String {
        match style {
            ExportStyle::Describe => join_cql(&self.describe()),
            ExportStyle::PythonDriver => python::keyspace(self),
        }
    }

    /// The keyspace's `CREATE KEYSPACE` statement alone.
    pub fn as_cql(&self, style: ExportStyle) -> String {
        match style {
            ExportStyle::Describe => describe::keyspace(self),
            ExportStyle::PythonDriver => format!("{};", python::keyspace_line(self)),
        }
    }

    /// The statements of `DESCRIBE KEYSPACE`, in its order: the keyspace, its types (each
    /// after the types it uses), functions and aggregates by signature, then each table
    /// followed by its indexes and views.
    pub fn describe(&self) -> Vec<Element> {
        let element = |kind, name: &str, cql| Element {
            kind,
            keyspace: self.name.clone(),
            name: name.to_string(),
            cql,
        };
        let mut out = vec![element("keyspace", &self.name, describe::keyspace(self))];
        for t in types_in_dependency_order(self) {
            out.push(element("type", &t.name, t.as_cql(ExportStyle::Describe)));
        }
        let by_signature = |a: &(String, &str, String), b: &(String, &str, String)| {
            by_name_ignoring_case(&a.0, &b.0)
        };
        let mut routines: Vec<(String, &str, String)> = self
            .functions
            .values()
            .map(|f| {
                let sig = describe::signature(&f.name, &f.argument_types);
                (sig, f.name.as_str(), f.as_cql(ExportStyle::Describe))
            })
            .collect();
        sort_vec_by(&mut routines, &by_signature);
        for (_, name, cql) in routines {
            out.push(element("function", name, cql));
        }
        let mut routines: Vec<(String, &str, String)> = self
            .aggregates
            .values()
            .map(|a| {
                let sig = describe::signature(&a.name, &a.argument_types);
                (sig, a.name.as_str(), a.as_cql(ExportStyle::Describe))
            })
            .collect();
        sort_vec_by(&mut routines, &by_signature);
        for (_, name, cql) in routines {
            out.push(element("aggregate", name, cql));
        }
        let mut tables: Vec<&TableMetadata> = self.tables.values().collect();
        sort_vec_by(&mut tables, &|a, b| by_name_ignoring_case(&a.name, &b.name));
        for t in tables {
            out.extend(t.describe(self));
        }
        out
    }
}

impl TableMetadata {
    /// The `CREATE TABLE` statement alone (no indexes).
    pub fn as_cql(&self, style: ExportStyle) -> String {
        let cql = match style {
            ExportStyle::Describe => describe::table(self),
            ExportStyle::PythonDriver => python::table(self),
        };
        with_parse_warning(
            cql,
            self.parse_error.as_deref(),
            "Table",
            &self.keyspace,
            &self.name,
        )
    }

    /// The table with its indexes, triggers and views (`keyspace` holds the views) as
    /// CQL (`DESCRIBE TABLE`).
    pub fn export_as_string(&self, keyspace: &KeyspaceMetadata, style: ExportStyle) -> String {
        match style {
            ExportStyle::Describe => join_cql(&self.describe(keyspace)),
            ExportStyle::PythonDriver => python::table_with_dependents(self, keyspace),
        }
    }

    /// The statements of `DESCRIBE TABLE`: the table, its indexes by name, its
    /// materialized views by name (triggers are not printed, as in Cassandra 4.1).
    pub fn describe(&self, keyspace: &KeyspaceMetadata) -> Vec<Element> {
        let element = |kind, name: &str, cql| Element {
            kind,
            keyspace: self.keyspace.clone(),
            name: name.to_string(),
            cql,
        };
        let mut out = vec![element(
            "table",
            &self.name,
            self.as_cql(ExportStyle::Describe),
        )];
        let mut indexes: Vec<&IndexMetadata> = self.indexes.values().collect();
        sort_vec_by(&mut indexes, &|a, b| {
            by_name_ignoring_case(&a.name, &b.name)
        });
        for i in indexes {
            out.push(element("index", &i.name, describe::index(self, i)));
        }
        let mut views: Vec<&ViewMetadata> = self
            .views
            .iter()
            .filter_map(|v| keyspace.views.get(v))
            .collect();
        sort_vec_by(&mut views, &|a, b| by_name_ignoring_case(&a.name, &b.name));
        for v in views {
            out.push(element(
                "materialized_view",
                &v.name,
                v.as_cql(ExportStyle::Describe),
            ));
        }
        // Cassandra 4.1's DESCRIBE prints no triggers (the Python driver's export does).
        out
    }
}

impl IndexMetadata {
    /// The `CREATE [CUSTOM] INDEX` statement of this index of `table`.
    pub fn as_cql(&self, table: &TableMetadata, style: ExportStyle) -> String {
        match style {
            ExportStyle::Describe => describe::index(table, self),
            ExportStyle::PythonDriver => format!("{};", python::index(table, self)),
        }
    }
}

impl ViewMetadata {
    /// The `CREATE MATERIALIZED VIEW` statement.
    pub fn as_cql(&self, style: ExportStyle) -> String {
        let cql = match style {
            ExportStyle::Describe => describe::view(self),
            ExportStyle::PythonDriver => python::view(self),
        };
        with_parse_warning(
            cql,
            self.parse_error.as_deref(),
            "Materialized view",
            &self.keyspace,
            &self.name,
        )
    }
}

impl UserTypeMetadata {
    /// The `CREATE TYPE` statement (the same in both styles but for quoting).
    pub fn as_cql(&self, style: ExportStyle) -> String {
        let d = style.dialect();
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|(name, typ)| format!("    {} {typ}", quote_if_needed(name, d)))
            .collect();
        format!(
            "CREATE TYPE {} (\n{}\n);",
            qualified(&self.keyspace, &self.name, d),
            fields.join(",\n")
        )
    }
}

impl FunctionMetadata {
    /// The `CREATE FUNCTION` statement.
    pub fn as_cql(&self, style: ExportStyle) -> String {
        let d = style.dialect();
        let args: Vec<String> = self
            .argument_names
            .iter()
            .zip(&self.argument_types)
            .map(|(n, t)| format!("{} {}", quote_if_needed(n, d), function_type(t, style)))
            .collect();
        let mut out = format!(
            "CREATE FUNCTION {}({})\n    {} ON NULL INPUT\n    RETURNS {}\n",
            qualified(&self.keyspace, &self.name, d),
            args.join(", "),
            if self.called_on_null_input {
                "CALLED"
            } else {
                "RETURNS NULL"
            },
            match style {
                ExportStyle::Describe => function_type(&self.return_type, style),
                ExportStyle::PythonDriver => self.return_type.clone(),
            },
        );
        if self.deterministic {
            out.push_str("    DETERMINISTIC\n");
        }
        if self.monotonic {
            out.push_str("    MONOTONIC\n");
        } else if let Some(on) = self.monotonic_on.first() {
            let _ = writeln!(out, "    MONOTONIC ON {}", quote_if_needed(on, d));
        }
        let _ = write!(
            out,
            "    LANGUAGE {}\n    AS $${}$$;",
            self.language, self.body
        );
        out
    }
}

impl AggregateMetadata {
    /// The `CREATE AGGREGATE` statement.
    pub fn as_cql(&self, style: ExportStyle) -> String {
        let d = style.dialect();
        let ty = |t: &str| function_type(t, style);
        let args: Vec<String> = self.argument_types.iter().map(|t| ty(t)).collect();
        let mut out = format!(
            "CREATE AGGREGATE {}({})\n    SFUNC {}\n    STYPE {}",
            qualified(&self.keyspace, &self.name, d),
            args.join(", "),
            quote_if_needed(&self.state_func, d),
            ty(&self.state_type),
        );
        if let Some(f) = &self.final_func {
            let _ = write!(out, "\n    FINALFUNC {}", quote_if_needed(f, d));
        }
        if let Some(init) = &self.initcond {
            let _ = write!(out, "\n    INITCOND {init}");
        }
        if self.deterministic {
            out.push_str("\n    DETERMINISTIC");
        }
        out.push(';');
        out
    }
}

/// A function's argument, return or state type as the style prints it: the Python
/// driver without any `frozen<>`, Cassandra's DESCRIBE without the `frozen<>` it implies
/// around a tuple.
fn function_type(type_text: &str, style: ExportStyle) -> String {
    match style {
        ExportStyle::PythonDriver => strip_frozen(type_text),
        ExportStyle::Describe => type_text
            .strip_prefix("frozen<tuple<")
            .and_then(|rest| rest.strip_suffix('>'))
            .map_or_else(|| type_text.to_string(), |inner| format!("tuple<{inner}")),
    }
}

/// Statements joined by a blank line.
fn join_cql(elements: &[Element]) -> String {
    let parts: Vec<&str> = elements.iter().map(|e| e.cql.as_str()).collect();
    parts.join("\n\n")
}

/// Java's `compareToIgnoreCase`, which orders Cassandra's DESCRIBE listings.
fn by_name_ignoring_case(a: &str, b: &str) -> Ordering {
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

/// `ks.name`, each part quoted when needed.
fn qualified(keyspace: &str, name: &str, d: Dialect) -> String {
    format!(
        "{}.{}",
        quote_if_needed(keyspace, d),
        quote_if_needed(name, d)
    )
}

/// `'text'` with inner quotes doubled.
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `{'k': 'v', ...}` in key order.
fn quoted_map(map: &SortedMap<String, String>) -> String {
    let entries: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}: {}", single_quoted(k), single_quoted(v)))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// A CQL type with every `frozen<...>` wrapper removed (the Python driver's
/// `strip_frozen`).
pub fn strip_frozen(type_text: &str) -> String {
    let mut out = String::with_capacity(type_text.len());
    let mut open: Vec<bool> = Vec::new();
    let mut rest = type_text;
    while let Some(c) = rest.chars().next() {
        if rest.len() >= 7
            && rest
                .get(..7)
                .is_some_and(|p| p.eq_ignore_ascii_case("frozen<"))
        {
            open.push(true);
            rest = rest.get(7..).unwrap_or("");
            continue;
        }
        match c {
            '<' => {
                open.push(false);
                out.push(c);
            }
            '>' => {
                if !open.pop().unwrap_or(false) {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

/// `CREATE [CUSTOM] INDEX name ON ks.t (target)[ USING class[ WITH OPTIONS = {...}]]`
/// without the final `;`, names quoted per `d`, the class written by `class_text`.
fn index_statement(
    table: &TableMetadata,
    index: &IndexMetadata,
    d: Dialect,
    class_text: &dyn Fn(&str) -> String,
) -> String {
    let mut options = index.options.clone();
    let target = options.remove("target").unwrap_or_default();
    let on = qualified(&table.keyspace, &table.name, d);
    let name = quote_if_needed(&index.name, d);
    if !index.is_custom() {
        return format!("CREATE INDEX {name} ON {on} ({target})");
    }
    let class = options.remove("class_name").unwrap_or_default();
    let mut out = format!(
        "CREATE CUSTOM INDEX {name} ON {on} ({target}) USING {}",
        class_text(&class)
    );
    if !options.is_empty() {
        let _ = write!(out, " WITH OPTIONS = {}", quoted_map(&options));
    }
    out
}

/// A CQL with a warning comment around it when its rows could not all be read.
fn with_parse_warning(
    cql: String,
    error: Option<&str>,
    what: &str,
    keyspace: &str,
    name: &str,
) -> String {
    match error {
        None => cql,
        Some(e) => format!(
            "/*\nWarning: {what} {keyspace}.{name} is incomplete because of an error processing metadata.\n{e}\n\
             Approximate structure, for reference:\n(this should not be used to reproduce this schema)\n\n{cql}\n*/"
        ),
    }
}

fn trigger(table: &TableMetadata, t: &TriggerMetadata, d: Dialect) -> String {
    let class = t.options.get("class").map_or("", String::as_str);
    format!(
        "CREATE TRIGGER {} ON {} USING {};",
        quote_if_needed(&t.name, d),
        qualified(&table.keyspace, &table.name, d),
        single_quoted(class)
    )
}

/// The names of the user types a CQL type text uses (by name, in order of appearance).
fn used_type_names(type_text: &str) -> Vec<String> {
    fn visit(t: &ColumnType, out: &mut Vec<String>) {
        match t {
            ColumnType::List(e) | ColumnType::Set(e) => visit(e, out),
            ColumnType::Map(k, v) => {
                visit(k, out);
                visit(v, out);
            }
            ColumnType::Tuple(ts) => ts.iter().for_each(|t| visit(t, out)),
            ColumnType::Vector { element, .. } => visit(element, out),
            ColumnType::Udt { name, .. } => out.push(name.clone()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(t) = ColumnType::parse_cql(type_text) {
        visit(&t, &mut out);
    }
    out
}

/// The keyspace's types by name, each after the types its fields use.
fn types_in_dependency_order(ks: &KeyspaceMetadata) -> Vec<&UserTypeMetadata> {
    fn visit<'k>(ks: &'k KeyspaceMetadata, name: &str, out: &mut Vec<&'k UserTypeMetadata>) {
        let Some(t) = ks.user_types.get(name) else {
            return;
        };
        if out.iter().any(|o| o.name == t.name) {
            return;
        }
        // Mark before visiting the fields so a (malformed) cycle ends.
        out.push(t);
        let at = out.len() - 1;
        let mut deps = Vec::new();
        for (_, typ) in &t.fields {
            for used in used_type_names(typ) {
                deps.push(used);
            }
        }
        let before = out.len();
        for d in deps {
            visit(ks, &d, out);
        }
        if out.len() > before {
            // Move this type after the dependencies just added.
            let me = out.remove(at);
            out.push(me);
        }
    }
    let mut out = Vec::new();
    for name in ks.user_types.keys() {
        visit(ks, name, &mut out);
    }
    out
}

/// Cassandra 4.1's `DESCRIBE` forms.
mod describe;

/// The Python driver's `export_as_string()` forms.
mod python;

#[cfg(test)]
pub(super) use describe::java_double;
#[cfg(test)]
pub(super) use python::python_float;
