//! The Python driver's `export_as_string()` forms.

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
