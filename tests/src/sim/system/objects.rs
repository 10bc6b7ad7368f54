//! The rows of `system_schema.functions`, `aggregates`, `views` and `triggers`.

use bytes::Bytes;
use cql_core::types::CqlValue;

use super::computed::{Named, project, table_option_values, text, text_list, text_map};
use crate::sim::schema::{Keyspace, Table, function_type_string};

/// The rows of one of the four tables (`table`), from the keyspaces `system_schema`
/// describes.
pub fn rows<'a>(
    keyspaces: impl Iterator<Item = &'a Keyspace>,
    table: &Table,
) -> Vec<Vec<Option<Bytes>>> {
    let mut rows = Vec::new();
    for ks in keyspaces {
        let named: Vec<Named> = match table.name.as_str() {
            "functions" => functions(ks),
            "aggregates" => aggregates(ks),
            "views" => views(ks),
            "triggers" => triggers(ks),
            _ => Vec::new(),
        };
        rows.extend(named.into_iter().map(|values| project(table, values)));
    }
    rows
}

fn functions(ks: &Keyspace) -> Vec<Named> {
    ks.functions
        .values()
        .map(|f| {
            vec![
                ("keyspace_name", text(&ks.name)),
                ("function_name", text(&f.name)),
                ("argument_types", text_list(f.argument_types())),
                (
                    "argument_names",
                    text_list(f.arguments.iter().map(|(n, _)| n.clone())),
                ),
                ("body", text(&f.body)),
                (
                    "called_on_null_input",
                    CqlValue::Boolean(f.called_on_null_input),
                ),
                ("language", text(&f.language)),
                ("return_type", text(function_type_string(&f.return_type))),
            ]
        })
        .collect()
}

fn aggregates(ks: &Keyspace) -> Vec<Named> {
    ks.aggregates
        .values()
        .map(|a| {
            let mut values = vec![
                ("keyspace_name", text(&ks.name)),
                ("aggregate_name", text(&a.name)),
                ("argument_types", text_list(a.argument_type_strings())),
                ("return_type", text(function_type_string(&a.return_type))),
                ("state_func", text(&a.state_function)),
                ("state_type", text(function_type_string(&a.state_type))),
            ];
            if let Some(f) = &a.final_function {
                values.push(("final_func", text(f)));
            }
            if let Some(i) = &a.initcond {
                values.push(("initcond", text(i)));
            }
            values
        })
        .collect()
}

fn views(ks: &Keyspace) -> Vec<Named> {
    ks.views
        .values()
        .map(|v| {
            let mut values: Named = table_option_values(&v.table)
                .into_iter()
                .filter(|(n, _)| !matches!(*n, "table_name" | "flags"))
                .collect();
            values.extend([
                ("view_name", text(&v.table.name)),
                ("base_table_id", CqlValue::Uuid(v.base_table_id)),
                ("base_table_name", text(&v.base_table)),
                (
                    "include_all_columns",
                    CqlValue::Boolean(v.include_all_columns),
                ),
                ("where_clause", text(&v.where_clause)),
            ]);
            values
        })
        .collect()
}

fn triggers(ks: &Keyspace) -> Vec<Named> {
    let mut out = Vec::new();
    for t in ks.tables.values() {
        for (name, class) in &t.triggers {
            let options = [("class".to_string(), class.clone())].into_iter().collect();
            out.push(vec![
                ("keyspace_name", text(&ks.name)),
                ("table_name", text(&t.name)),
                ("trigger_name", text(name)),
                ("options", text_map(&options)),
            ]);
        }
    }
    out
}
