//! CREATE/DROP TRIGGER.

use cql_core::message::SchemaChangeType;

use super::{invalid, ok, run, table_t, target, with_ks};

#[test]
fn create_and_drop_trigger() {
    let mut s = with_ks();
    ok(&mut s, "CREATE TABLE ks.t (id int PRIMARY KEY, v int)");
    let c = ok(
        &mut s,
        "CREATE TRIGGER audit ON ks.t USING 'org.example.Audit'",
    );
    assert_eq!(target(&c), (SchemaChangeType::Updated, table_t("ks", "t")));
    let t = s.table("ks", "t").unwrap();
    assert_eq!(
        t.triggers.get("audit").map(String::as_str),
        Some("org.example.Audit")
    );
    invalid(
        &mut s,
        "CREATE TRIGGER audit ON ks.t USING 'org.example.Other'",
        "Trigger 'audit' already exists",
    );
    assert_eq!(
        run(
            &mut s,
            "CREATE TRIGGER IF NOT EXISTS audit ON ks.t USING 'x'"
        )
        .unwrap(),
        None
    );
    invalid(
        &mut s,
        "CREATE TRIGGER a ON ks.nope USING 'x'",
        "Table 'nope' doesn't exist",
    );
    invalid(
        &mut s,
        "CREATE TRIGGER a ON nope.t USING 'x'",
        "Keyspace 'nope' doesn't exist",
    );
    invalid(
        &mut s,
        "CREATE TRIGGER a ON ks.t USING ''",
        "Trigger class '' couldn't be loaded",
    );
    invalid(
        &mut s,
        "DROP TRIGGER nope ON ks.t",
        "Trigger 'nope' on 'ks.t' doesn't exist",
    );
    assert_eq!(
        run(&mut s, "DROP TRIGGER IF EXISTS nope ON ks.t").unwrap(),
        None
    );
    let c = ok(&mut s, "DROP TRIGGER audit ON t");
    assert_eq!(target(&c), (SchemaChangeType::Updated, table_t("ks", "t")));
    assert!(s.table("ks", "t").unwrap().triggers.is_empty());
}
