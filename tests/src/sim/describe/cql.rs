//! The CQL text Cassandra 4.1 gives schema elements in `DESCRIBE` results
//! (`KeyspaceMetadata`, `UserType`, `TableMetadata`, `IndexMetadata`, `UDFunction`,
//! `UDAggregate` and `ViewMetadata.toCqlString`).

use std::collections::BTreeMap;
use std::fmt::Write;

use cql_core::types::ColumnType;

use crate::cql::ast::quote_ident;
use crate::sim::schema::types::{cql_type_string, field_type_strings, is_freezable};
use crate::sim::schema::{
    ClusteringOrder, Column, ColumnKind, Index, Keyspace, Table, UserAggregate, UserFunction,
    UserType, View, function_type_cql,
};

/// The package whose strategy classes Cassandra names without it.
const LOCATOR_PACKAGE: &str = "org.apache.cassandra.locator.";

/// `'text'` with inner quotes doubled.
pub fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `{'k': 'v', ...}` in key order, as `CqlBuilder.append(Map)` writes it.
pub fn quoted_map(map: &BTreeMap<String, String>) -> String {
    let entries: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}: {}", single_quoted(k), single_quoted(v)))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// A double as Java's `Double.toString` prints it (`0.01`, `1.0`, `1.0E-5`).
pub fn java_double(x: f64) -> String {
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

/// `ks.name` with each part quoted when needed (`TableMetadata.toString`).
pub fn qualified(keyspace: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(keyspace), quote_ident(name))
}

/// `CREATE KEYSPACE ks WITH replication = {...}  AND durable_writes = b;` (two spaces
/// before `AND`, as Cassandra writes it; DSE adds ` AND graph_engine = 'Core'` for a
/// graph keyspace), or the commented structure of a virtual keyspace.
pub fn keyspace_cql(ks: &Keyspace) -> String {
    let name = quote_ident(&ks.name);
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
    let graph_engine = ks
        .graph_engine
        .as_deref()
        .map(|e| format!(" AND graph_engine = {}", single_quoted(e)))
        .unwrap_or_default();
    format!(
        "CREATE KEYSPACE {name} WITH replication = {replication}  AND durable_writes = {}{graph_engine};",
        ks.durable_writes
    )
}

/// `CREATE TYPE ks.t (\n    f type,\n    ...\n);`
pub fn type_cql(udt: &UserType) -> String {
    let fields: Vec<String> = udt
        .fields
        .iter()
        .zip(field_type_strings(udt))
        .map(|((name, _), typ)| format!("    {} {typ}", quote_ident(name)))
        .collect();
    format!(
        "CREATE TYPE {} (\n{}\n);",
        qualified(&udt.keyspace, &udt.name),
        fields.join(",\n")
    )
}

/// `CREATE [CUSTOM] INDEX name ON ks.t (target)[ USING 'class'[ WITH OPTIONS = {...}]];`
pub fn index_cql(table: &Table, index: &Index) -> String {
    let mut options = index.options.clone();
    let target = options.remove("target").unwrap_or_default();
    let on = qualified(&table.keyspace, &table.name);
    let name = quote_ident(&index.name);
    if index.kind == "CUSTOM" {
        let class = options.remove("class_name").unwrap_or_default();
        let mut out = format!(
            "CREATE CUSTOM INDEX {name} ON {on} ({target}) USING {}",
            single_quoted(&class)
        );
        if !options.is_empty() {
            let _ = write!(out, " WITH OPTIONS = {}", quoted_map(&options));
        }
        out.push(';');
        out
    } else {
        format!("CREATE INDEX {name} ON {on} ({target});")
    }
}

/// Whether a column is stored cell by cell (a non-frozen collection or user type), which
/// Cassandra lists after the single-cell columns of the same kind.
fn is_multi_cell(column: &Column) -> bool {
    !column.frozen && is_freezable(&column.typ) && !matches!(column.typ, ColumnType::Tuple(_))
}

/// The columns in the order Cassandra's `allColumnsInCreateOrder` gives: partition key,
/// clustering, then static and regular columns, single-cell ones by name before
/// multi-cell ones by name.
fn columns_in_create_order(table: &Table) -> Vec<&Column> {
    let mut out: Vec<&Column> = table.partition_key().collect();
    out.extend(table.clustering());
    for kind in [ColumnKind::Static, ColumnKind::Regular] {
        let mut cols: Vec<&Column> = table.columns.iter().filter(|c| c.kind == kind).collect();
        cols.sort_by(|a, b| {
            (is_multi_cell(a), a.name.as_bytes()).cmp(&(is_multi_cell(b), b.name.as_bytes()))
        });
        out.extend(cols);
    }
    out
}

/// The `CREATE TABLE` statement of a table (with `ID = ...` first among the options
/// when `with_internals`), or the commented structure of a virtual table.
pub fn table_cql(table: &Table, with_internals: bool) -> String {
    let mut out = String::new();
    let full_name = qualified(&table.keyspace, &table.name);
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
    let pk: Vec<&Column> = table.partition_key().collect();
    let clustering: Vec<&Column> = table.clustering().collect();
    let single_key = pk.len() == 1 && clustering.is_empty();
    let columns = columns_in_create_order(table);
    for (i, column) in columns.iter().enumerate() {
        let _ = write!(
            out,
            "    {} {}",
            quote_ident(&column.name),
            cql_type_string(&column.typ, column.frozen)
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
        let names = |cols: &[&Column]| {
            cols.iter()
                .map(|c| quote_ident(&c.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let partition = if pk.len() > 1 {
            format!("({})", names(&pk))
        } else {
            names(&pk)
        };
        let _ = write!(out, "    PRIMARY KEY ({partition}");
        if !clustering.is_empty() {
            let _ = write!(out, ", {}", names(&clustering));
        }
        out.push_str(")\n");
    }
    out.push_str(") WITH ");
    let mut options: Vec<String> = Vec::new();
    if with_internals {
        options.push(format!("ID = {}", table.id));
    }
    if !clustering.is_empty() {
        options.push(clustering_order(&clustering));
    }
    if table.is_virtual {
        options.push(format!(
            "comment = {}",
            single_quoted(&table.options.comment)
        ));
    } else {
        options.extend(table_options(table, false));
    }
    if let Some(label) = &table.options.graph_label {
        options.push(label.cql());
    }
    out.push_str(&options.join("\n    AND "));
    out.push(';');
    if table.is_virtual {
        out.push_str("\n*/");
    }
    out
}

/// `TableParams.appendCqlTo` of Cassandra 4.1, one option per entry (a view has no
/// `default_time_to_live`).
fn table_options(table: &Table, is_view: bool) -> Vec<String> {
    let o = &table.options;
    let mut options = vec![
        format!(
            "additional_write_policy = {}",
            single_quoted(&o.additional_write_policy)
        ),
        format!(
            "bloom_filter_fp_chance = {}",
            java_double(o.bloom_filter_fp_chance)
        ),
        format!("caching = {}", quoted_map(&o.caching)),
        format!("cdc = {}", o.cdc),
        format!("comment = {}", single_quoted(&o.comment)),
        format!("compaction = {}", quoted_map(&o.compaction)),
        format!("compression = {}", quoted_map(&o.compression)),
        "memtable = 'default'".to_string(),
        format!("crc_check_chance = {}", java_double(o.crc_check_chance)),
        format!("default_time_to_live = {}", o.default_time_to_live),
        "extensions = {}".to_string(),
        format!("gc_grace_seconds = {}", o.gc_grace_seconds),
        format!("max_index_interval = {}", o.max_index_interval),
        format!(
            "memtable_flush_period_in_ms = {}",
            o.memtable_flush_period_in_ms
        ),
        format!("min_index_interval = {}", o.min_index_interval),
        format!("read_repair = {}", single_quoted(&o.read_repair)),
        format!(
            "speculative_retry = {}",
            single_quoted(&o.speculative_retry)
        ),
    ];
    options.retain(|o| !(is_view && o.starts_with("default_time_to_live")));
    options
}

/// A function's or aggregate's name as DESCRIBE names it: `f(int, text)`.
pub fn signature(name: &str, types: &[&cql_core::types::ColumnType]) -> String {
    let types: Vec<String> = types.iter().map(|t| function_type_cql(t)).collect();
    format!("{name}({})", types.join(", "))
}

/// `CREATE FUNCTION ks.f(a int)\n    CALLED ON NULL INPUT\n    RETURNS int\n    LANGUAGE java\n    AS $$...$$;`
pub fn function_cql(f: &UserFunction) -> String {
    let args: Vec<String> = f
        .arguments
        .iter()
        .map(|(n, t)| format!("{} {}", quote_ident(n), function_type_cql(t)))
        .collect();
    let null_input = if f.called_on_null_input {
        "CALLED"
    } else {
        "RETURNS NULL"
    };
    format!(
        "CREATE FUNCTION {}({})\n    {null_input} ON NULL INPUT\n    RETURNS {}\n    LANGUAGE {}\n    AS $${}$$;",
        qualified(&f.keyspace, &f.name),
        args.join(", "),
        function_type_cql(&f.return_type),
        f.language,
        f.body
    )
}

/// `CREATE AGGREGATE ks.a(int)\n    SFUNC s\n    STYPE int[\n    FINALFUNC f][\n    INITCOND 0];`
pub fn aggregate_cql(a: &UserAggregate) -> String {
    let args: Vec<String> = a.argument_types.iter().map(function_type_cql).collect();
    let mut out = format!(
        "CREATE AGGREGATE {}({})\n    SFUNC {}\n    STYPE {}",
        qualified(&a.keyspace, &a.name),
        args.join(", "),
        quote_ident(&a.state_function),
        function_type_cql(&a.state_type)
    );
    if let Some(f) = &a.final_function {
        let _ = write!(out, "\n    FINALFUNC {}", quote_ident(f));
    }
    if let Some(i) = &a.initcond {
        let _ = write!(out, "\n    INITCOND {i}");
    }
    out.push(';');
    out
}

/// `CREATE MATERIALIZED VIEW ks.v AS\n    SELECT ...\n    FROM ks.t\n    WHERE ...\n
/// PRIMARY KEY (...)\n WITH ...;` (the options start a line with one space, as
/// Cassandra's builder leaves them).
pub fn view_cql(view: &View, with_internals: bool) -> String {
    let t = &view.table;
    let mut out = format!(
        "CREATE MATERIALIZED VIEW {} AS\n    SELECT ",
        qualified(&t.keyspace, &t.name)
    );
    if view.include_all_columns {
        out.push('*');
    } else {
        let names: Vec<String> = t.columns.iter().map(|c| quote_ident(&c.name)).collect();
        out.push_str(&names.join(", "));
    }
    let _ = write!(
        out,
        "\n    FROM {}\n    WHERE {}\n    ",
        qualified(&t.keyspace, &view.base_table),
        view.where_clause
    );
    let pk: Vec<String> = t.partition_key().map(|c| quote_ident(&c.name)).collect();
    let clustering: Vec<&Column> = t.clustering().collect();
    let partition = if pk.len() > 1 {
        format!("({})", pk.join(", "))
    } else {
        pk.join(", ")
    };
    let _ = write!(out, "PRIMARY KEY ({partition}");
    for c in &clustering {
        let _ = write!(out, ", {}", quote_ident(&c.name));
    }
    out.push_str(")\n WITH ");
    let mut options: Vec<String> = Vec::new();
    if with_internals {
        options.push(format!("ID = {}", t.id));
    }
    if !clustering.is_empty() {
        options.push(clustering_order(&clustering));
    }
    options.extend(table_options(t, true));
    out.push_str(&options.join("\n    AND "));
    out.push(';');
    out
}

fn clustering_order(clustering: &[&Column]) -> String {
    let order: Vec<String> = clustering
        .iter()
        .map(|c| {
            let dir = if c.order == ClusteringOrder::Desc {
                "DESC"
            } else {
                "ASC"
            };
            format!("{} {dir}", quote_ident(&c.name))
        })
        .collect();
    format!("CLUSTERING ORDER BY ({})", order.join(", "))
}
