//! `system_schema.functions`, `aggregates`, `views`, `triggers` and the view's columns.

use cql_core::types::CqlValue;

use super::{apply, read, schema, text};
use crate::sim::info::NodeInfo;

fn list(v: &Option<CqlValue>) -> Vec<String> {
    match v {
        Some(CqlValue::List(items)) => items
            .iter()
            .map(|i| match i {
                CqlValue::Text(s) => s.clone(),
                other => panic!("not text: {other:?}"),
            })
            .collect(),
        other => panic!("not a list: {other:?}"),
    }
}

fn with_objects() -> crate::sim::schema::Schema {
    let mut s = schema();
    for q in [
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE ks.t (id int, c int, v text, w int, PRIMARY KEY (id, c))",
        "CREATE FUNCTION ks.acc(s tuple<int, bigint>, v int) CALLED ON NULL INPUT RETURNS tuple<int, bigint> LANGUAGE java AS 'return s;'",
        "CREATE FUNCTION ks.avg_final(s tuple<int, bigint>) RETURNS NULL ON NULL INPUT RETURNS double LANGUAGE javascript AS '0'",
        "CREATE AGGREGATE ks.average(int) SFUNC acc STYPE tuple<int, bigint> FINALFUNC avg_final INITCOND (0, 0)",
        "CREATE MATERIALIZED VIEW ks.by_v AS SELECT id, c, v FROM ks.t WHERE v IS NOT NULL AND id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (v, id, c) WITH comment = 'mv'",
        "CREATE TRIGGER audit ON ks.t USING 'org.example.Audit'",
    ] {
        apply(&mut s, q);
    }
    s
}

#[test]
fn functions_rows() {
    let s = with_objects();
    let rows = read(&s, &NodeInfo::default(), "system_schema", "functions");
    assert_eq!(rows.len(), 2);
    let acc = &rows[0];
    assert_eq!(text(&acc["keyspace_name"]), "ks");
    assert_eq!(text(&acc["function_name"]), "acc");
    assert_eq!(
        list(&acc["argument_types"]),
        ["frozen<tuple<int, bigint>>", "int"]
    );
    assert_eq!(list(&acc["argument_names"]), ["s", "v"]);
    assert_eq!(text(&acc["body"]), "return s;");
    assert_eq!(acc["called_on_null_input"], Some(CqlValue::Boolean(true)));
    assert_eq!(text(&acc["language"]), "java");
    assert_eq!(text(&acc["return_type"]), "frozen<tuple<int, bigint>>");
    let fin = &rows[1];
    assert_eq!(text(&fin["function_name"]), "avg_final");
    assert_eq!(fin["called_on_null_input"], Some(CqlValue::Boolean(false)));
    assert_eq!(text(&fin["language"]), "javascript");
}

#[test]
fn aggregates_rows() {
    let s = with_objects();
    let rows = read(&s, &NodeInfo::default(), "system_schema", "aggregates");
    assert_eq!(rows.len(), 1);
    let a = &rows[0];
    assert_eq!(text(&a["aggregate_name"]), "average");
    assert_eq!(list(&a["argument_types"]), ["int"]);
    assert_eq!(text(&a["final_func"]), "avg_final");
    assert_eq!(text(&a["initcond"]), "(0, 0)");
    assert_eq!(text(&a["return_type"]), "double");
    assert_eq!(text(&a["state_func"]), "acc");
    assert_eq!(text(&a["state_type"]), "frozen<tuple<int, bigint>>");
}

#[test]
fn views_rows_and_columns() {
    let s = with_objects();
    let info = NodeInfo::default();
    let rows = read(&s, &info, "system_schema", "views");
    assert_eq!(rows.len(), 1);
    let v = &rows[0];
    let base = s.table("ks", "t").unwrap();
    let view = s.view("ks", "by_v").unwrap();
    assert_eq!(text(&v["keyspace_name"]), "ks");
    assert_eq!(text(&v["view_name"]), "by_v");
    assert_eq!(v["base_table_id"], Some(CqlValue::Uuid(base.id)));
    assert_eq!(text(&v["base_table_name"]), "t");
    assert_eq!(v["include_all_columns"], Some(CqlValue::Boolean(false)));
    assert_eq!(
        text(&v["where_clause"]),
        "v IS NOT NULL AND id IS NOT NULL AND c IS NOT NULL"
    );
    assert_eq!(v["id"], Some(CqlValue::Uuid(view.table.id)));
    assert_eq!(text(&v["comment"]), "mv");
    assert_eq!(v["gc_grace_seconds"], Some(CqlValue::Int(864_000)));
    assert_eq!(text(&v["speculative_retry"]), "99p");

    // The view is no table, but its columns are listed.
    let tables = read(&s, &info, "system_schema", "tables");
    assert!(tables.iter().all(|t| text(&t["table_name"]) != "by_v"));
    let mut columns: Vec<(String, String, i32)> = read(&s, &info, "system_schema", "columns")
        .iter()
        .filter(|c| text(&c["table_name"]) == "by_v")
        .map(|c| {
            let Some(CqlValue::Int(p)) = c["position"] else {
                panic!("position");
            };
            (
                text(&c["column_name"]).to_string(),
                text(&c["kind"]).to_string(),
                p,
            )
        })
        .collect();
    columns.sort();
    assert_eq!(
        columns,
        [
            ("c".to_string(), "clustering".to_string(), 1),
            ("id".to_string(), "clustering".to_string(), 0),
            ("v".to_string(), "partition_key".to_string(), 0),
        ]
    );
}

#[test]
fn triggers_rows() {
    let s = with_objects();
    let rows = read(&s, &NodeInfo::default(), "system_schema", "triggers");
    assert_eq!(rows.len(), 1);
    let t = &rows[0];
    assert_eq!(text(&t["table_name"]), "t");
    assert_eq!(text(&t["trigger_name"]), "audit");
    assert_eq!(
        t["options"],
        Some(CqlValue::Map(vec![(
            CqlValue::Text("class".into()),
            CqlValue::Text("org.example.Audit".into())
        )]))
    );
}
