//! Schema changes drop the prepared statements that use what changed.

use cql_core::message::DbError;

use crate::sim::node::{Node, NodeConfig, SessionState};
use crate::sim::outcome::{BoundValues, ExecParams};

#[test]
fn altering_or_dropping_a_table_unprepares_its_statements() {
    let n = Node::new(NodeConfig::default());
    let mut s = SessionState::default();
    let run = |n: &Node, q: &str, s: &mut SessionState| {
        n.query(q, &BoundValues::default(), &ExecParams::default(), s)
            .unwrap_or_else(|e| panic!("{q}: {e:?}"));
    };
    run(
        &n,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        &mut s,
    );
    run(&n, "CREATE TABLE ks.a (k int PRIMARY KEY, v int)", &mut s);
    run(&n, "CREATE TABLE ks.b (k int PRIMARY KEY, v int)", &mut s);
    let a = n.prepare("SELECT * FROM ks.a", None, &s).unwrap();
    let b = n.prepare("SELECT * FROM ks.b", None, &s).unwrap();
    let exec = |id: &[u8], s: &mut SessionState| {
        n.execute(id, &BoundValues::default(), &ExecParams::default(), s)
    };
    run(&n, "ALTER TABLE ks.a ADD w int", &mut s);
    assert!(matches!(
        exec(&a.id, &mut s).unwrap_err().error,
        DbError::Unprepared { .. }
    ));
    exec(&b.id, &mut s).unwrap();
    let again = n.prepare("SELECT * FROM ks.a", None, &s).unwrap();
    assert_eq!(again.id, a.id);
    assert_ne!(again.result_metadata_id, a.result_metadata_id);
    run(&n, "DROP KEYSPACE ks", &mut s);
    assert!(matches!(
        exec(&b.id, &mut s).unwrap_err().error,
        DbError::Unprepared { .. }
    ));
}
