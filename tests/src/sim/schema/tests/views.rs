//! CREATE/ALTER/DROP MATERIALIZED VIEW and their effect on the base table's DDL.

use cql_core::message::{DbError, SchemaChangeType};

use super::super::ddl::execute_in;
use super::super::features::SchemaFeatures;
use super::super::options::ReplicationContext;
use super::{ClusteringOrder, ColumnKind, err, invalid, ok, run, table_t, target, with_ks};
use crate::cql::parse_statement;

fn with_base() -> super::Schema {
    let mut s = with_ks();
    ok(
        &mut s,
        "CREATE TABLE ks.t (id int, c int, v text, w int, s int static, l list<int>, PRIMARY KEY (id, c)) WITH CLUSTERING ORDER BY (c DESC)",
    );
    s
}

const VIEW: &str = "CREATE MATERIALIZED VIEW ks.by_v AS SELECT id, c, v, w FROM ks.t WHERE v IS NOT NULL AND id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (v, id, c)";

#[test]
fn create_view_builds_its_table() {
    let mut s = with_base();
    let c = ok(&mut s, VIEW);
    assert_eq!(
        target(&c),
        (SchemaChangeType::Created, table_t("ks", "by_v"))
    );
    let v = s.view("ks", "by_v").unwrap();
    assert_eq!(v.base_table, "t");
    assert_eq!(v.base_table_id, s.table("ks", "t").unwrap().id);
    assert!(!v.include_all_columns);
    assert_eq!(
        v.where_clause,
        "v IS NOT NULL AND id IS NOT NULL AND c IS NOT NULL"
    );
    let cols: Vec<(&str, ColumnKind, ClusteringOrder)> = v
        .table
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.kind, c.order))
        .collect();
    assert_eq!(
        cols,
        vec![
            ("v", ColumnKind::PartitionKey, ClusteringOrder::None),
            ("id", ColumnKind::Clustering, ClusteringOrder::Asc),
            ("c", ColumnKind::Clustering, ClusteringOrder::Desc),
            ("w", ColumnKind::Regular, ClusteringOrder::None),
        ]
    );
    // Readers find the view's table by name.
    assert_eq!(s.table("ks", "by_v").unwrap().id, v.table.id);
    let e = err(&mut s, VIEW);
    assert_eq!(
        e.error,
        DbError::AlreadyExists {
            keyspace: "ks".into(),
            table: "by_v".into()
        }
    );
    assert_eq!(
        e.message,
        "Cannot add already existing table \"by_v\" to keyspace \"ks\""
    );
    assert_eq!(
        run(&mut s, &VIEW.replace("VIEW ks", "VIEW IF NOT EXISTS ks")).unwrap(),
        None
    );
}

#[test]
fn create_view_errors() {
    let mut s = with_base();
    let v = |body: &str| format!("CREATE MATERIALIZED VIEW ks.mv AS {body}");
    invalid(
        &mut s,
        &v("SELECT * FROM ks.nope WHERE id IS NOT NULL PRIMARY KEY (id)"),
        "Base table 'nope' doesn't exist",
    );
    invalid(
        &mut s,
        &v("SELECT id, c, v FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (id, c)")
            .replace("ks.mv", "ks.t"),
        "Cannot create materialized view 't' - a table with the same name already exists",
    );
    invalid(
        &mut s,
        &v("SELECT * FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (id, c)"),
        "Cannot include static column 's' in materialized view 'mv'",
    );
    invalid(
        &mut s,
        &v(
            "SELECT id, c, v AS x FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (id, c)",
        ),
        "Cannot use aliases when defining a materialized view (got v AS x)",
    );
    invalid(
        &mut s,
        &v(
            "SELECT id, c, writetime(v) FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (id, c)",
        ),
        "Can only select columns by name when defining a materialized view (got writetime(v))",
    );
    invalid(
        &mut s,
        &v("SELECT id, c FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (id, c, v)"),
        "Unknown column 'v' referenced in PRIMARY KEY for materialized view 'mv'",
    );
    invalid(
        &mut s,
        &v("SELECT id, c, v FROM ks.t WHERE id IS NOT NULL AND v IS NOT NULL PRIMARY KEY (v, id)"),
        "Cannot create materialized view 'mv' without primary key columns c from base table 't'",
    );
    invalid(
        &mut s,
        &v(
            "SELECT id, c, v, w FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL AND v IS NOT NULL AND w IS NOT NULL PRIMARY KEY ((v, w), id, c)",
        ),
        "Cannot include more than one non-primary key column in materialized view primary key (got v, w)",
    );
    invalid(
        &mut s,
        &v(
            "SELECT id, c, v FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (v, id, c)",
        ),
        "Primary key columns v must be restricted with 'IS NOT NULL' or otherwise",
    );
    invalid(
        &mut s,
        &v(
            "SELECT id, c, v, w FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL AND w = 1 PRIMARY KEY (id, c)",
        ),
        "Non-primary key columns can only be restricted with 'IS NOT NULL' (got: w restricted illegally)",
    );
    invalid(
        &mut s,
        &v(
            "SELECT id, c, l FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL AND l IS NOT NULL PRIMARY KEY (l, id, c)",
        ),
        "Invalid non-frozen collection type 'list<int>' for PRIMARY KEY column 'l'",
    );
    invalid(
        &mut s,
        &v(
            "SELECT id, c FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (id, c) WITH CLUSTERING ORDER BY (id ASC)",
        ),
        "Clustering key columns must exactly match columns in CLUSTERING ORDER BY directive",
    );
    invalid(
        &mut s,
        &v(
            "SELECT id, c FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (id, c) WITH default_time_to_live = 5",
        ),
        "Cannot set default_time_to_live for a materialized view. Data in a materialized view always expire at the same time than the corresponding data in the parent table.",
    );
    invalid(
        &mut s,
        &v("SELECT id, c FROM ks.t WHERE token(id) > 0 AND c IS NOT NULL PRIMARY KEY (id, c)"),
        "Cannot use token relation when defining a materialized view",
    );
    invalid(
        &mut s,
        &v("SELECT id, c FROM other.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (id, c)"),
        "Cannot create a materialized view on a table in a different keyspace",
    );
    ok(
        &mut s,
        "CREATE TABLE ks.counts (id int PRIMARY KEY, n counter)",
    );
    invalid(
        &mut s,
        &v("SELECT * FROM ks.counts WHERE id IS NOT NULL PRIMARY KEY (id)"),
        "Materialized views are not supported on counter tables",
    );
    ok(
        &mut s,
        "CREATE TABLE ks.nogc (id int PRIMARY KEY, v int) WITH gc_grace_seconds = 0",
    );
    invalid(
        &mut s,
        &v("SELECT * FROM ks.nogc WHERE id IS NOT NULL PRIMARY KEY (id)"),
        "Cannot create materialized view 'mv' for base table 'nogc' with gc_grace_seconds of 0, since this value is used to TTL undelivered updates. Setting gc_grace_seconds too low might cause undelivered updates to expire before being replayed.",
    );
    let parse = |q: &str| crate::cql::parse_statement(q).unwrap_err().message;
    assert_eq!(
        parse(
            "CREATE MATERIALIZED VIEW ks.mv AS SELECT * FROM ks.t WHERE id = ? AND c IS NOT NULL PRIMARY KEY (id, c)"
        ),
        "Bind variables are not allowed in CREATE MATERIALIZED VIEW statements"
    );
}

#[test]
fn views_can_be_switched_off() {
    let mut s = with_base();
    let p = parse_statement(VIEW).unwrap();
    let off = SchemaFeatures {
        materialized_views: false,
        ..SchemaFeatures::default()
    };
    let e = execute_in(
        &mut s,
        &p.statement,
        Some("ks"),
        &ReplicationContext::default(),
        &off,
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "Materialized views are disabled. Enable in cassandra.yaml to use."
    );
}

#[test]
fn alter_and_drop_view() {
    let mut s = with_base();
    ok(&mut s, VIEW);
    let c = ok(
        &mut s,
        "ALTER MATERIALIZED VIEW ks.by_v WITH comment = 'by value'",
    );
    assert_eq!(
        target(&c),
        (SchemaChangeType::Updated, table_t("ks", "by_v"))
    );
    assert_eq!(
        s.view("ks", "by_v").unwrap().table.options.comment,
        "by value"
    );
    invalid(
        &mut s,
        "ALTER MATERIALIZED VIEW ks.by_v WITH gc_grace_seconds = 0",
        "Cannot alter gc_grace_seconds of a materialized view to 0, since this value is used to TTL undelivered updates. Setting gc_grace_seconds too low might cause undelivered updates to expire before being replayed.",
    );
    invalid(
        &mut s,
        "ALTER MATERIALIZED VIEW ks.by_v WITH default_time_to_live = 10",
        "Forbidden default_time_to_live detected for a materialized view. Data in a materialized view always expire at the same time than the corresponding data in the parent table. default_time_to_live must be set to zero, see CASSANDRA-12868 for more information",
    );
    invalid(
        &mut s,
        "ALTER MATERIALIZED VIEW ks.nope WITH comment = 'x'",
        "Materialized view 'ks.nope' doesn't exist",
    );
    assert_eq!(
        run(
            &mut s,
            "ALTER MATERIALIZED VIEW IF EXISTS ks.nope WITH comment = 'x'"
        )
        .unwrap(),
        None
    );

    // The base table is tied to its views.
    invalid(
        &mut s,
        "DROP TABLE ks.t",
        "Cannot drop a table when materialized views still depend on it (ks)",
    );
    invalid(
        &mut s,
        "DROP TABLE ks.by_v",
        "Cannot use DROP TABLE on a materialized view. Please use DROP MATERIALIZED VIEW instead.",
    );
    invalid(
        &mut s,
        "ALTER TABLE ks.by_v WITH comment = 'x'",
        "Cannot use ALTER TABLE on a materialized view; use ALTER MATERIALIZED VIEW instead",
    );
    invalid(
        &mut s,
        "ALTER TABLE ks.t DROP w",
        "Cannot drop column w on base table t with materialized views",
    );
    invalid(
        &mut s,
        "CREATE INDEX ON ks.by_v (w)",
        "Secondary indexes are not supported on materialized views",
    );
    invalid(
        &mut s,
        "CREATE TRIGGER tr ON ks.by_v USING 'x'",
        "Cannot CREATE TRIGGER for a materialized view",
    );

    let c = ok(&mut s, "DROP MATERIALIZED VIEW ks.by_v");
    assert_eq!(
        target(&c),
        (SchemaChangeType::Dropped, table_t("ks", "by_v"))
    );
    invalid(
        &mut s,
        "DROP MATERIALIZED VIEW ks.by_v",
        "Materialized view 'ks.by_v' doesn't exist",
    );
    assert_eq!(
        run(&mut s, "DROP MATERIALIZED VIEW IF EXISTS ks.by_v").unwrap(),
        None
    );
    ok(&mut s, "DROP TABLE ks.t");
}

#[test]
fn select_star_views_follow_added_columns() {
    let mut s = with_ks();
    ok(
        &mut s,
        "CREATE TABLE ks.t (id int, c int, v int, PRIMARY KEY (id, c))",
    );
    ok(
        &mut s,
        "CREATE MATERIALIZED VIEW ks.mv AS SELECT * FROM ks.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (c, id)",
    );
    assert!(s.view("ks", "mv").unwrap().include_all_columns);
    ok(&mut s, "ALTER TABLE ks.t ADD extra text");
    assert!(s.view("ks", "mv").unwrap().table.column("extra").is_some());
}
