//! Materialized views kept up to date by writes to their base table, read with SELECT.

use bytes::Bytes;

use crate::sim::error::CqlResult;
use crate::sim::node::{Node, NodeConfig, SessionState};
use crate::sim::outcome::{BoundValues, ExecParams, Outcome};

struct Client {
    node: Node,
    session: SessionState,
}

impl Client {
    fn new() -> Self {
        let mut c = Self {
            node: Node::new(NodeConfig::default()),
            session: SessionState::default(),
        };
        for q in [
            "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            "CREATE TABLE ks.t (id int, c int, v text, w int, PRIMARY KEY (id, c))",
            "CREATE MATERIALIZED VIEW ks.by_v AS SELECT id, c, v, w FROM ks.t WHERE v IS NOT NULL AND id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (v, id, c)",
        ] {
            c.exec(q);
        }
        c
    }

    fn run(&mut self, q: &str) -> CqlResult<Outcome> {
        self.node.query(
            q,
            &BoundValues::default(),
            &ExecParams::default(),
            &mut self.session,
        )
    }

    fn exec(&mut self, q: &str) {
        self.run(q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
    }

    fn error(&mut self, q: &str) -> String {
        match self.run(q) {
            Ok(o) => panic!("{q} answered {o:?}"),
            Err(e) => e.message,
        }
    }

    /// The rows as display strings (ints and text decoded).
    fn rows(&mut self, q: &str) -> Vec<Vec<String>> {
        let Ok(Outcome::Rows(r)) = self.run(q) else {
            panic!("{q}: no rows");
        };
        r.rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&r.columns)
                    .map(|(cell, spec)| show(cell.as_ref(), &spec.typ))
                    .collect()
            })
            .collect()
    }
}

fn show(cell: Option<&Bytes>, typ: &cql_core::types::ColumnType) -> String {
    match cql_core::CqlValue::deserialize(typ, cell.map(|b| b.as_ref())) {
        Ok(Some(cql_core::CqlValue::Int(i))) => i.to_string(),
        Ok(Some(cql_core::CqlValue::BigInt(i))) => i.to_string(),
        Ok(Some(cql_core::CqlValue::Text(s))) => s,
        Ok(None) => "null".to_string(),
        other => format!("{other:?}"),
    }
}

fn strs(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

#[test]
fn writes_reach_the_view() {
    let mut c = Client::new();
    c.exec("INSERT INTO ks.t (id, c, v, w) VALUES (1, 1, 'a', 10)");
    c.exec("INSERT INTO ks.t (id, c, v, w) VALUES (2, 1, 'b', 20)");
    c.exec("INSERT INTO ks.t (id, c, w) VALUES (3, 1, 30)");
    assert_eq!(
        c.rows("SELECT * FROM ks.by_v WHERE v = 'a'"),
        strs(&[&["a", "1", "1", "10"]])
    );
    // A row without the view's key column stays out of the view.
    assert_eq!(c.rows("SELECT v, id FROM ks.by_v").len(), 2);

    // UPDATE moves the row to its new view partition.
    c.exec("UPDATE ks.t SET v = 'z' WHERE id = 1 AND c = 1");
    assert!(c.rows("SELECT * FROM ks.by_v WHERE v = 'a'").is_empty());
    assert_eq!(
        c.rows("SELECT id, w FROM ks.by_v WHERE v = 'z'"),
        strs(&[&["1", "10"]])
    );

    // DELETE and BATCH.
    c.exec("DELETE FROM ks.t WHERE id = 2 AND c = 1");
    assert!(c.rows("SELECT * FROM ks.by_v WHERE v = 'b'").is_empty());
    c.exec(
        "BEGIN BATCH INSERT INTO ks.t (id, c, v) VALUES (4, 1, 'q'); UPDATE ks.t SET v = 'q', w = 5 WHERE id = 3 AND c = 1; APPLY BATCH",
    );
    assert_eq!(
        c.rows("SELECT id, w FROM ks.by_v WHERE v = 'q'"),
        strs(&[&["3", "5"], &["4", "null"]])
    );

    // TRUNCATE of the base empties the view.
    c.exec("TRUNCATE ks.t");
    assert!(c.rows("SELECT * FROM ks.by_v").is_empty());
}

#[test]
fn views_cannot_be_written_directly() {
    let mut c = Client::new();
    for q in [
        "INSERT INTO ks.by_v (v, id, c) VALUES ('a', 1, 1)",
        "UPDATE ks.by_v SET w = 1 WHERE v = 'a' AND id = 1 AND c = 1",
        "DELETE FROM ks.by_v WHERE v = 'a'",
    ] {
        assert_eq!(c.error(q), "Cannot directly modify a materialized view");
    }
    let e = c
        .node
        .prepare(
            "INSERT INTO ks.by_v (v, id, c) VALUES (?, ?, ?)",
            None,
            &c.session,
        )
        .unwrap_err();
    assert_eq!(e.message, "Cannot directly modify a materialized view");
    assert_eq!(
        c.error("TRUNCATE ks.by_v"),
        "Cannot TRUNCATE materialized view directly; must truncate base table instead"
    );
}

#[test]
fn where_clause_comparisons_filter_rows() {
    let mut c = Client::new();
    c.exec("CREATE MATERIALIZED VIEW ks.big AS SELECT id, c, w FROM ks.t WHERE id IS NOT NULL AND c > 5 PRIMARY KEY (c, id)");
    c.exec("INSERT INTO ks.t (id, c, w) VALUES (1, 1, 1)");
    c.exec("INSERT INTO ks.t (id, c, w) VALUES (1, 9, 2)");
    assert_eq!(
        c.rows("SELECT c, id, w FROM ks.big"),
        strs(&[&["9", "1", "2"]])
    );
    // Dropping the view drops its data; the base table can go afterwards.
    c.exec("DROP MATERIALIZED VIEW ks.big");
    assert!(c.error("SELECT * FROM ks.big").contains("big"));
}
