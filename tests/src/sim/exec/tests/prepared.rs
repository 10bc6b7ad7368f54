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

#[test]
fn prepare_answers_the_errors_cassandra_gives_while_preparing() {
    let n = Node::new(NodeConfig::default());
    let mut s = SessionState::default();
    for q in [
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE ks.t (k1 int, k2 int, c1 int, c2 int, v int, l list<int>, PRIMARY KEY ((k1, k2), c1, c2))",
    ] {
        n.query(q, &BoundValues::default(), &ExecParams::default(), &mut s)
            .unwrap();
    }
    let cases = [
        (
            "SELECT * FROM ks.t WHERE k1 = ?",
            "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING",
        ),
        (
            "SELECT * FROM ks.t WHERE k1 = ? AND k2 = ? AND c2 = ?",
            "PRIMARY KEY column \"c2\" cannot be restricted as preceding column \"c1\" is not restricted",
        ),
        (
            "SELECT * FROM ks.t WHERE k1 = ? AND k2 = ? ORDER BY v",
            "Order by is currently only supported on the clustered columns of the PRIMARY KEY, got v",
        ),
        (
            "UPDATE ks.t SET v = ? WHERE k1 = ? AND c1 = ? AND c2 = ?",
            "Some partition key parts are missing: k2",
        ),
        (
            "UPDATE ks.t SET v = ? WHERE k1 = ? AND k2 = ? AND c1 = ?",
            "Some clustering keys are missing: c2",
        ),
        (
            "DELETE FROM ks.t WHERE k2 = ?",
            "Some partition key parts are missing: k1",
        ),
        (
            "INSERT INTO ks.t (k1, c1, c2, v) VALUES (?, ?, ?, ?)",
            "Some partition key parts are missing: k2",
        ),
        (
            "SELECT x FROM ks.t WHERE k1 = ? AND k2 = ?",
            "Undefined column name x",
        ),
        (
            "UPDATE ks.t SET x = ? WHERE k1 = ? AND k2 = ? AND c1 = ? AND c2 = ?",
            "Undefined column name x",
        ),
        (
            "SELECT ? FROM ks.t",
            "Cannot infer type for term ? in selection clause (try using a cast to force a type)",
        ),
    ];
    for (q, want) in cases {
        let prepared = n.prepare(q, None, &s).unwrap_err();
        let queried = n
            .query(q, &BoundValues::default(), &ExecParams::default(), &mut s)
            .unwrap_err();
        assert_eq!(prepared.message, want, "{q}");
        assert_eq!(prepared.error, DbError::Invalid, "{q}");
        assert_eq!(queried.message, want, "QUERY {q}");
    }
    // Values decide nothing at PREPARE: these prepare, whatever is bound later.
    for q in [
        "SELECT * FROM ks.t WHERE k1 = ? AND k2 = ? LIMIT ?",
        "SELECT * FROM ks.t WHERE k1 = ? AND k2 IN ? AND c1 > ? ORDER BY c1 DESC",
        "SELECT * FROM ks.t WHERE k1 = ? ALLOW FILTERING",
        "UPDATE ks.t USING TTL ? SET l[?] = ? WHERE k1 = ? AND k2 = ? AND c1 = ? AND c2 = ?",
        "DELETE l[?] FROM ks.t WHERE k1 = ? AND k2 = ? AND c1 = ? AND c2 = ?",
        "SELECT * FROM ks.t WHERE token(k1, k2) > ?",
        "BEGIN BATCH INSERT INTO ks.t (k1, k2, c1, c2) VALUES (?, ?, ?, ?) APPLY BATCH",
    ] {
        n.prepare(q, None, &s)
            .unwrap_or_else(|e| panic!("{q}: {e:?}"));
    }
}
