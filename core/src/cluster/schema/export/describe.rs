//! Cassandra 4.1's `DESCRIBE` forms.

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
        let mut cols: Vec<&ColumnMetadata> = columns.iter().filter(|c| c.kind == kind).collect();
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
