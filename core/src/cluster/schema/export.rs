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
mod describe {
    use super::*;

    const LOCATOR_PACKAGE: &str = "org.apache.cassandra.locator.";

    /// `name(type, ...)`, by which DESCRIBE orders functions and aggregates.
    pub(super) fn signature(name: &str, types: &[String]) -> String {
        format!("{name}({})", types.join(", "))
    }
    const D: Dialect = Dialect::Cassandra;

    /// A double as Java's `Double.toString` prints it (`0.01`, `1.0`, `1.0E-5`).
    pub(crate) fn java_double(x: f64) -> String {
        if x.is_nan() {
            return "NaN".to_string();
        }
        if x.is_infinite() {
            return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
        }
        let magnitude = x.abs();
        if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
            let s = format!("{x}");
            return if s.contains('.') { s } else { format!("{s}.0") };
        }
        let s = format!("{x:e}");
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exponent}")
    }

    pub(super) fn keyspace(ks: &KeyspaceMetadata) -> String {
        let name = quote_if_needed(&ks.name, D);
        if ks.is_virtual {
            return format!(
                "/*\nWarning: Keyspace {name} is a virtual keyspace and cannot be recreated with CQL.\n\
                 Structure, for reference:\nVIRTUAL KEYSPACE {name};\n*/"
            );
        }
        let class = ks.replication.get("class").map_or("", String::as_str);
        let class = match class.strip_prefix(LOCATOR_PACKAGE) {
            Some(short) if !short.contains('.') => short,
            _ => class,
        };
        let mut replication = format!("{{'class': {}", single_quoted(class));
        for (k, v) in ks.replication.iter().filter(|(k, _)| *k != "class") {
            let _ = write!(replication, ", {}: {}", single_quoted(k), single_quoted(v));
        }
        replication.push('}');
        let mut out = format!(
            "CREATE KEYSPACE {name} WITH replication = {replication}  AND durable_writes = {}",
            ks.durable_writes
        );
        if let Some(engine) = &ks.graph_engine {
            let _ = write!(out, " AND graph_engine = {}", single_quoted(engine));
        }
        out.push(';');
        out
    }

    /// Partition key, clustering, then static and regular columns, single-cell ones by
    /// name before multi-cell ones by name (`allColumnsInCreateOrder`).
    fn columns_in_create_order(columns: &[ColumnMetadata]) -> Vec<&ColumnMetadata> {
        let mut out: Vec<&ColumnMetadata> = columns
            .iter()
            .filter(|c| c.kind == ColumnKind::PartitionKey)
            .collect();
        out.extend(columns.iter().filter(|c| c.kind == ColumnKind::Clustering));
        for kind in [ColumnKind::Static, ColumnKind::Regular] {
            let mut cols: Vec<&ColumnMetadata> =
                columns.iter().filter(|c| c.kind == kind).collect();
            sort_vec_by(&mut cols, &|a, b| {
                (a.is_multi_cell(), a.name.as_bytes()).cmp(&(b.is_multi_cell(), b.name.as_bytes()))
            });
            out.extend(cols);
        }
        out
    }

    fn names(cols: &[&ColumnMetadata]) -> String {
        cols.iter()
            .map(|c| quote_if_needed(&c.name, D))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `PRIMARY KEY (pk, ck)` / `PRIMARY KEY ((a, b), ck)`.
    fn primary_key(pk: &[&ColumnMetadata], clustering: &[&ColumnMetadata]) -> String {
        let partition = if pk.len() > 1 {
            format!("({})", names(pk))
        } else {
            names(pk)
        };
        let mut out = format!("PRIMARY KEY ({partition}");
        if !clustering.is_empty() {
            let _ = write!(out, ", {}", names(clustering));
        }
        out.push(')');
        out
    }

    fn clustering_order(clustering: &[&ColumnMetadata]) -> Option<String> {
        if clustering.is_empty() {
            return None;
        }
        let order: Vec<String> = clustering
            .iter()
            .map(|c| {
                let dir = if c.clustering_order == ClusteringOrder::Desc {
                    "DESC"
                } else {
                    "ASC"
                };
                format!("{} {dir}", quote_if_needed(&c.name, D))
            })
            .collect();
        Some(format!("CLUSTERING ORDER BY ({})", order.join(", ")))
    }

    pub(super) fn option_value(v: &OptionValue) -> String {
        match v {
            OptionValue::Text(s) => single_quoted(s),
            OptionValue::Int(i) => i.to_string(),
            OptionValue::Double(x) => java_double(*x),
            OptionValue::Bool(b) => b.to_string(),
            OptionValue::Map(m) => quoted_map(m),
            OptionValue::List(l) => {
                let items: Vec<String> = l.iter().map(|s| single_quoted(s)).collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }

    fn extensions(ext: &SortedMap<String, Vec<u8>>) -> String {
        let entries: Vec<String> = ext
            .iter()
            .map(|(k, v)| {
                let mut hex = String::from("0x");
                for b in v {
                    let _ = write!(hex, "{b:02x}");
                }
                format!("{}: {hex}", single_quoted(k))
            })
            .collect();
        format!("{{{}}}", entries.join(", "))
    }

    /// The options of a table (or, `is_view`, of a materialized view, which has no
    /// `default_time_to_live`).
    fn table_options(
        options: &SortedMap<String, OptionValue>,
        ext: &SortedMap<String, Vec<u8>>,
        is_view: bool,
    ) -> Vec<String> {
        DESCRIBE_OPTIONS
            .iter()
            .filter(|name| !(is_view && **name == "default_time_to_live"))
            .filter_map(|name| {
                if *name == "extensions" {
                    return Some(format!("extensions = {}", extensions(ext)));
                }
                options
                    .get(*name)
                    .map(|v| format!("{name} = {}", option_value(v)))
            })
            .collect()
    }

    pub(super) fn table(table: &TableMetadata) -> String {
        let mut out = String::new();
        let full_name = qualified(&table.keyspace, &table.name, D);
        let keyword = if table.is_virtual {
            let _ = write!(
                out,
                "/*\nWarning: Table {full_name} is a virtual table and cannot be recreated with CQL.\n\
                 Structure, for reference:\n"
            );
            "VIRTUAL"
        } else {
            "CREATE"
        };
        let _ = writeln!(out, "{keyword} TABLE {full_name} (");
        let pk: Vec<&ColumnMetadata> = table.partition_key().collect();
        let clustering: Vec<&ColumnMetadata> = table.clustering_key().collect();
        let single_key = pk.len() == 1 && clustering.is_empty();
        let columns = columns_in_create_order(&table.columns);
        for (i, column) in columns.iter().enumerate() {
            let _ = write!(
                out,
                "    {} {}",
                quote_if_needed(&column.name, D),
                column.type_text
            );
            if column.kind == ColumnKind::Static {
                out.push_str(" static");
            }
            if single_key && column.kind == ColumnKind::PartitionKey {
                out.push_str(" PRIMARY KEY");
            }
            if !single_key || i + 1 < columns.len() {
                out.push(',');
            }
            out.push('\n');
        }
        if !single_key {
            let _ = writeln!(out, "    {}", primary_key(&pk, &clustering));
        }
        out.push_str(") WITH ");
        let mut options: Vec<String> = Vec::new();
        options.extend(clustering_order(&clustering));
        if table.is_virtual {
            let comment = table
                .options
                .get("comment")
                .and_then(OptionValue::as_text)
                .unwrap_or("");
            options.push(format!("comment = {}", single_quoted(comment)));
        } else {
            options.extend(table_options(&table.options, &table.extensions, false));
        }
        if let Some(v) = &table.vertex {
            options.push(format!(
                "VERTEX LABEL {}",
                quote_if_needed(&v.label_name, D)
            ));
        }
        out.push_str(&options.join("\n    AND "));
        out.push(';');
        if table.is_virtual {
            out.push_str("\n*/");
        }
        out
    }

    pub(super) fn index(table: &TableMetadata, index: &IndexMetadata) -> String {
        format!("{};", index_statement(table, index, D, &single_quoted))
    }

    pub(super) fn view(view: &ViewMetadata) -> String {
        let pk: Vec<&ColumnMetadata> = view.partition_key().collect();
        let clustering: Vec<&ColumnMetadata> = view.clustering_key().collect();
        let all: Vec<&ColumnMetadata> = view.columns.iter().collect();
        let selected = if view.include_all_columns {
            "*".to_string()
        } else {
            names(&all)
        };
        let mut out = format!(
            "CREATE MATERIALIZED VIEW {} AS\n    SELECT {selected}\n    FROM {}\n    WHERE {}\n    {}\n WITH ",
            qualified(&view.keyspace, &view.name, D),
            qualified(&view.keyspace, &view.base_table, D),
            view.where_clause,
            primary_key(&pk, &clustering),
        );
        let mut options: Vec<String> = Vec::new();
        options.extend(clustering_order(&clustering));
        options.extend(table_options(&view.options, &view.extensions, true));
        out.push_str(&options.join("\n    AND "));
        out.push(';');
        out
    }
}

/// The Python driver's `export_as_string()` forms.
mod python {
    use super::*;

    const D: Dialect = Dialect::PythonDriver;

    /// A float as Python's `str()` prints it (`0.01`, `1.0`, `1e-05`, `1e+16`).
    pub(crate) fn python_float(x: f64) -> String {
        if x.is_nan() {
            return "nan".to_string();
        }
        if x.is_infinite() {
            return if x > 0.0 { "inf" } else { "-inf" }.to_string();
        }
        let magnitude = x.abs();
        if magnitude == 0.0 || (1e-4..1e16).contains(&magnitude) {
            let s = format!("{x}");
            return if s.contains('.') { s } else { format!("{s}.0") };
        }
        let s = format!("{x:e}");
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exponent),
        };
        format!("{mantissa}e{sign}{digits:0>2}")
    }

    pub(super) fn keyspace_line(ks: &KeyspaceMetadata) -> String {
        if ks.is_virtual {
            return format!("// VIRTUAL KEYSPACE {}", quote_if_needed(&ks.name, D));
        }
        let mut out = format!(
            "CREATE KEYSPACE {} WITH replication = {}  AND durable_writes = {}",
            quote_if_needed(&ks.name, D),
            replication(ks),
            ks.durable_writes
        );
        if let Some(engine) = &ks.graph_engine {
            let _ = write!(out, " AND graph_engine = '{engine}'");
        }
        out
    }

    /// `ReplicationStrategy.export_for_schema` of the known strategies; other classes
    /// print their whole map.
    fn replication(ks: &KeyspaceMetadata) -> String {
        let class = ks.strategy_class().unwrap_or("");
        match class {
            "SimpleStrategy" => format!(
                "{{'class': 'SimpleStrategy', 'replication_factor': '{}'}}",
                ks.replication
                    .get("replication_factor")
                    .map_or("", String::as_str)
            ),
            "NetworkTopologyStrategy" => {
                let mut out = String::from("{'class': 'NetworkTopologyStrategy'");
                for (dc, rf) in ks.replication.iter().filter(|(k, _)| *k != "class") {
                    let _ = write!(out, ", '{dc}': '{rf}'");
                }
                out.push('}');
                out
            }
            "LocalStrategy" | "EverywhereStrategy" => format!("{{'class': '{class}'}}"),
            _ => {
                let mut map = ks.replication.clone();
                map.insert("class".to_string(), class.to_string());
                quoted_map(&map)
            }
        }
    }

    pub(super) fn keyspace(ks: &KeyspaceMetadata) -> String {
        let mut parts = vec![format!("{};", keyspace_line(ks))];
        for t in types_in_dependency_order(ks) {
            parts.push(t.as_cql(ExportStyle::PythonDriver));
        }
        for f in ks.functions.values() {
            parts.push(f.as_cql(ExportStyle::PythonDriver));
        }
        for a in ks.aggregates.values() {
            parts.push(a.as_cql(ExportStyle::PythonDriver));
        }
        // Vertex tables before the others, so that edges find their vertices.
        let (vertices, others): (Vec<&TableMetadata>, Vec<&TableMetadata>) =
            ks.tables.values().partition(|t| t.vertex.is_some());
        for t in vertices.into_iter().chain(others) {
            parts.push(table_with_dependents(t, ks));
        }
        let cql = parts.join("\n\n");
        if ks.is_virtual {
            return format!(
                "/*\nWarning: Keyspace {} is a virtual keyspace and cannot be recreated with CQL.\n\
                 Structure, for reference:*/\n{cql}\n",
                ks.name
            );
        }
        cql
    }

    pub(super) fn table_with_dependents(table: &TableMetadata, ks: &KeyspaceMetadata) -> String {
        let mut out = table.as_cql(ExportStyle::PythonDriver);
        for i in table.indexes.values() {
            let _ = write!(out, "\n{};", index(table, i));
        }
        for t in table.triggers.values() {
            let _ = write!(out, "\n{}", trigger(table, t, D));
        }
        for v in table.views.iter().filter_map(|v| ks.views.get(v)) {
            let _ = write!(out, "\n\n{}", v.as_cql(ExportStyle::PythonDriver));
        }
        out
    }

    fn option_value(v: &OptionValue) -> String {
        match v {
            OptionValue::Text(s) => single_quoted(s),
            OptionValue::Int(i) => i.to_string(),
            OptionValue::Double(x) => python_float(*x),
            OptionValue::Bool(b) => b.to_string(),
            OptionValue::Map(m) => {
                let entries: Vec<String> = m.iter().map(|(k, v)| format!("'{k}': '{v}'")).collect();
                format!("{{{}}}", entries.join(", "))
            }
            OptionValue::List(l) => {
                let items: Vec<String> = l.iter().map(|s| single_quoted(s)).collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }

    /// `CLUSTERING ORDER BY` and the known options, sorted as text, joined with `AND`.
    fn properties(
        clustering: &[&ColumnMetadata],
        options: &SortedMap<String, OptionValue>,
        compact: bool,
    ) -> String {
        let mut props = Vec::new();
        if compact {
            props.push("COMPACT STORAGE".to_string());
        }
        if !clustering.is_empty() {
            let inner: Vec<String> = clustering
                .iter()
                .map(|c| {
                    let dir = if c.is_reversed() { "DESC" } else { "ASC" };
                    format!("{} {dir}", quote_if_needed(&c.name, D))
                })
                .collect();
            props.push(format!("CLUSTERING ORDER BY ({})", inner.join(", ")));
        }
        let known: &[&str] = if options.contains_key("read_repair") {
            &PYTHON_V4_OPTIONS
        } else {
            &PYTHON_V3_OPTIONS
        };
        let mut opts: Vec<String> = known
            .iter()
            .filter_map(|name| {
                options
                    .get(*name)
                    .map(|v| format!("{name} = {}", option_value(v)))
            })
            .collect();
        sort_vec_by(&mut opts, &|a, b| a.cmp(b));
        props.extend(opts);
        props.join("\n    AND ")
    }

    fn names(cols: &[&ColumnMetadata]) -> String {
        cols.iter()
            .map(|c| quote_if_needed(&c.name, D))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(super) fn table(table: &TableMetadata) -> String {
        let keyword = if table.is_virtual {
            "VIRTUAL"
        } else {
            "CREATE"
        };
        let mut out = format!(
            "{keyword} TABLE {} (\n",
            qualified(&table.keyspace, &table.name, D)
        );
        let pk: Vec<&ColumnMetadata> = table.partition_key().collect();
        let clustering: Vec<&ColumnMetadata> = table.clustering_key().collect();
        let mut columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                format!(
                    "    {} {}{}",
                    quote_if_needed(&c.name, D),
                    c.type_text,
                    if c.is_static() { " static" } else { "" }
                )
            })
            .collect();
        if pk.len() == 1 && clustering.is_empty() {
            if let Some(first) = columns.first_mut() {
                first.push_str(" PRIMARY KEY");
            }
        }
        out.push_str(&columns.join(",\n"));
        if pk.len() > 1 || !clustering.is_empty() {
            let partition = if pk.len() > 1 {
                format!("({})", names(&pk))
            } else {
                names(&pk)
            };
            let _ = write!(out, ",\n    PRIMARY KEY ({partition}");
            if !clustering.is_empty() {
                let _ = write!(out, ", {}", names(&clustering));
            }
            out.push(')');
        }
        out.push_str("\n) WITH ");
        out.push_str(&properties(
            &clustering,
            &table.options,
            table.is_compact_storage(),
        ));
        if let Some(v) = &table.vertex {
            let _ = write!(
                out,
                " AND VERTEX LABEL {}",
                quote_if_needed(&v.label_name, D)
            );
        }
        if let Some(e) = &table.edge {
            let _ = write!(out, " AND EDGE LABEL {}", quote_if_needed(&e.label_name, D));
            for (keyword, label, pk, ck) in [
                (
                    "FROM",
                    &e.from_label,
                    &e.from_partition_key_columns,
                    &e.from_clustering_columns,
                ),
                (
                    "TO",
                    &e.to_label,
                    &e.to_partition_key_columns,
                    &e.to_clustering_columns,
                ),
            ] {
                let quoted = |cols: &Vec<String>| {
                    cols.iter()
                        .map(|c| quote_if_needed(c, D))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = write!(out, " {keyword} {}(", quote_if_needed(label, D));
                if pk.len() > 1 {
                    let _ = write!(out, "({})", quoted(pk));
                } else {
                    out.push_str(&quoted(pk));
                }
                if !ck.is_empty() {
                    let _ = write!(out, ", {}", quoted(ck));
                }
                out.push(')');
            }
        }
        out.push(';');
        if table.is_virtual {
            return format!(
                "/*\nWarning: Table {}.{} is a virtual table and cannot be recreated with CQL.\n\
                 Structure, for reference:\n{out}\n*/",
                table.keyspace, table.name
            );
        }
        out
    }

    pub(super) fn index(table: &TableMetadata, index: &IndexMetadata) -> String {
        // The Python driver does not escape quotes in the class name.
        index_statement(table, index, D, &|class| format!("'{class}'"))
    }

    pub(super) fn view(view: &ViewMetadata) -> String {
        let pk: Vec<&ColumnMetadata> = view.partition_key().collect();
        let clustering: Vec<&ColumnMetadata> = view.clustering_key().collect();
        let all: Vec<&ColumnMetadata> = view.columns.iter().collect();
        let selected = if view.include_all_columns {
            "*".to_string()
        } else {
            names(&all)
        };
        let mut key = if pk.len() > 1 {
            format!("(({})", names(&pk))
        } else {
            format!("({}", names(&pk))
        };
        if !clustering.is_empty() {
            let _ = write!(key, ", {}", names(&clustering));
        }
        key.push(')');
        format!(
            "CREATE MATERIALIZED VIEW {} AS\n    SELECT {selected}\n    FROM {}\n    WHERE {}\n    PRIMARY KEY {key}\n    WITH {};",
            qualified(&view.keyspace, &view.name, D),
            qualified(&view.keyspace, &view.base_table, D),
            view.where_clause,
            properties(&clustering, &view.options, false),
        )
    }
}

#[cfg(test)]
pub(super) use describe::java_double;
#[cfg(test)]
pub(super) use python::python_float;
