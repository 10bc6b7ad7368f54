//! End-to-end tests of the executor against hand-built tables.

use std::collections::BTreeMap;

use bytes::Bytes;
use cql_core::types::ColumnType;

use super::*;
use crate::cql::parse_statement;
use crate::sim::outcome::{BoundValue, RowsResult};
use crate::sim::schema::model::{ClusteringOrder, Column, ColumnKind, Keyspace, TableOptions};

fn col(
    name: &str,
    typ: ColumnType,
    kind: ColumnKind,
    position: i32,
    order: ClusteringOrder,
) -> Column {
    Column {
        name: name.into(),
        typ,
        frozen: false,
        kind,
        position,
        order,
    }
}

fn table(name: &str, columns: Vec<Column>) -> Table {
    Table {
        keyspace: "ks".into(),
        name: name.into(),
        id: uuid::Uuid::new_v4(),
        columns,
        options: TableOptions::default(),
        indexes: BTreeMap::new(),
        triggers: BTreeMap::new(),
        is_virtual: false,
    }
}

fn schema() -> Schema {
    use ClusteringOrder::{Asc, Desc, None as NoOrder};
    use ColumnKind::*;
    let t = table(
        "t",
        vec![
            col("k", ColumnType::Int, PartitionKey, 0, NoOrder),
            col("c", ColumnType::Int, Clustering, 0, Asc),
            col("s", ColumnType::Text, Static, -1, NoOrder),
            col("v", ColumnType::Text, Regular, -1, NoOrder),
        ],
    );
    let d = table(
        "d",
        vec![
            col("k", ColumnType::Text, PartitionKey, 0, NoOrder),
            col("c1", ColumnType::Int, Clustering, 0, Desc),
            col("c2", ColumnType::Text, Clustering, 1, Asc),
            col("v", ColumnType::Int, Regular, -1, NoOrder),
        ],
    );
    let coll = table(
        "coll",
        vec![
            col("k", ColumnType::Int, PartitionKey, 0, NoOrder),
            col(
                "l",
                ColumnType::List(Box::new(ColumnType::Int)),
                Regular,
                -1,
                NoOrder,
            ),
            col(
                "m",
                ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::Int)),
                Regular,
                -1,
                NoOrder,
            ),
            col(
                "st",
                ColumnType::Set(Box::new(ColumnType::Int)),
                Regular,
                -1,
                NoOrder,
            ),
        ],
    );
    let cnt = table(
        "cnt",
        vec![
            col("k", ColumnType::Int, PartitionKey, 0, NoOrder),
            col("n", ColumnType::Counter, Regular, -1, NoOrder),
        ],
    );
    let mut ks = Keyspace {
        name: "ks".into(),
        durable_writes: true,
        replication: BTreeMap::new(),
        tables: BTreeMap::new(),
        types: BTreeMap::new(),
        functions: BTreeMap::new(),
        aggregates: BTreeMap::new(),
        views: BTreeMap::new(),
        is_virtual: false,
        graph_engine: None,
    };
    for t in [t, d, coll, cnt] {
        ks.tables.insert(t.name.clone(), t);
    }
    let mut s = Schema::default();
    s.keyspaces.insert("ks".into(), ks);
    s
}

struct Harness {
    schema: Schema,
    store: Store,
    info: NodeInfo,
    now: i64,
}

impl Harness {
    fn new() -> Self {
        Self {
            schema: schema(),
            store: Store::new(),
            info: NodeInfo::default(),
            now: 1_700_000_000_000_000,
        }
    }

    fn run_with(
        &mut self,
        q: &str,
        values: Vec<BoundValue>,
        params: &ExecParams,
    ) -> CqlResult<Outcome> {
        let parsed = parse_statement(q)?;
        let mut ctx = ExecContext {
            schema: &self.schema,
            store: &mut self.store,
            info: NodeView::Alone(&self.info),
            now_micros: self.now,
            keyspace: Some("ks"),
            warnings: Vec::new(),
            availability: None,
            touched: Default::default(),
        };
        execute(
            &mut ctx,
            &parsed,
            &BoundValues {
                values,
                names: None,
            },
            params,
        )
    }

    fn run(&mut self, q: &str) -> CqlResult<Outcome> {
        self.run_with(q, Vec::new(), &ExecParams::default())
    }

    fn ok(&mut self, q: &str) {
        self.run(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    }

    fn rows(&mut self, q: &str) -> RowsResult {
        match self.run(q).unwrap_or_else(|e| panic!("{q}: {e}")) {
            Outcome::Rows(r) => r,
            other => panic!("not rows: {other:?}"),
        }
    }

    fn err(&mut self, q: &str) -> String {
        self.run(q).expect_err(q).message
    }
}

fn int(v: &Option<Bytes>) -> Option<i64> {
    v.as_ref().map(|b| match b.len() {
        4 => i64::from(i32::from_be_bytes(b.as_ref().try_into().unwrap())),
        8 => i64::from_be_bytes(b.as_ref().try_into().unwrap()),
        _ => panic!("not an int: {b:?}"),
    })
}

fn text(v: &Option<Bytes>) -> Option<String> {
    v.as_ref().map(|b| String::from_utf8(b.to_vec()).unwrap())
}

fn ints(r: &RowsResult, i: usize) -> Vec<Option<i64>> {
    r.rows.iter().map(|row| int(&row[i])).collect()
}

#[test]
fn insert_select_and_clustering_order() {
    let mut h = Harness::new();
    for c in [3, -1, 2] {
        h.ok(&format!("INSERT INTO t (k, c, v) VALUES (1, {c}, 'v{c}')"));
    }
    let r = h.rows("SELECT * FROM t WHERE k = 1");
    assert_eq!(
        r.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["k", "c", "s", "v"]
    );
    assert_eq!(ints(&r, 1), [Some(-1), Some(2), Some(3)]);
    let r = h.rows("SELECT c FROM t WHERE k = 1 ORDER BY c DESC");
    assert_eq!(ints(&r, 0), [Some(3), Some(2), Some(-1)]);
    // a column named twice keeps its first place and its last direction
    let r = h.rows("SELECT c FROM t WHERE k = 1 ORDER BY c ASC, c DESC");
    assert_eq!(ints(&r, 0), [Some(3), Some(2), Some(-1)]);
    let r = h.rows("SELECT c FROM t WHERE k = 1 ORDER BY c DESC, c ASC");
    assert_eq!(ints(&r, 0), [Some(-1), Some(2), Some(3)]);
    assert_eq!(
        h.err("SELECT * FROM d WHERE k = 'a' ORDER BY c1 DESC, c2 ASC, c1 ASC"),
        "Unsupported order by relation"
    );
    h.rows("SELECT * FROM d WHERE k = 'a' ORDER BY c1 ASC, c2 ASC, c1 DESC");
    let r = h.rows("SELECT c, v AS val FROM t WHERE k = 1 AND c > -1 AND c <= 3");
    assert_eq!(ints(&r, 0), [Some(2), Some(3)]);
    assert_eq!(r.columns[1].name, "val");
    let r = h.rows("SELECT c FROM t WHERE k = 1 AND c IN (3, -1) LIMIT 1");
    assert_eq!(ints(&r, 0), [Some(-1)]);
    let r = h.rows("SELECT count(*) FROM t WHERE k = 1");
    assert_eq!(r.columns[0].name, "count");
    assert_eq!(ints(&r, 0), [Some(3)]);
    let r = h.rows("SELECT max(c), min(c), sum(c) FROM t WHERE k = 1");
    assert_eq!(r.columns[0].name, "system.max(c)");
    assert_eq!(
        r.rows[0].iter().map(int).collect::<Vec<_>>(),
        [Some(3), Some(-1), Some(4)]
    );
}

#[test]
fn desc_clustering_and_multi_column_relations() {
    let mut h = Harness::new();
    for (c1, c2) in [(1, "a"), (2, "b"), (2, "a"), (3, "z")] {
        h.ok(&format!(
            "INSERT INTO d (k, c1, c2, v) VALUES ('p', {c1}, '{c2}', {c1})"
        ));
    }
    let r = h.rows("SELECT c1, c2 FROM d WHERE k = 'p'");
    let keys: Vec<(Option<i64>, Option<String>)> =
        r.rows.iter().map(|x| (int(&x[0]), text(&x[1]))).collect();
    assert_eq!(
        keys,
        [
            (Some(3), Some("z".into())),
            (Some(2), Some("a".into())),
            (Some(2), Some("b".into())),
            (Some(1), Some("a".into()))
        ]
    );
    let r = h.rows("SELECT c1 FROM d WHERE k = 'p' AND c1 > 1 AND c1 < 3");
    assert_eq!(ints(&r, 0), [Some(2), Some(2)]);
    let r = h.rows("SELECT c2 FROM d WHERE k = 'p' AND (c1, c2) = (2, 'b')");
    assert_eq!(r.rows.len(), 1);
    let r = h.rows("SELECT c1 FROM d WHERE k = 'p' AND (c1, c2) IN ((1, 'a'), (3, 'z'))");
    assert_eq!(ints(&r, 0), [Some(3), Some(1)]);
    assert!(
        h.err("SELECT * FROM d WHERE k = 'p' AND c2 = 'a'")
            .contains("cannot be restricted as preceding column")
    );
    let r = h.rows("SELECT c1 FROM d WHERE k = 'p' AND c2 = 'a' ALLOW FILTERING");
    assert_eq!(ints(&r, 0), [Some(2), Some(1)]);
}

#[test]
fn filtering_errors_and_scans() {
    let mut h = Harness::new();
    for k in 0..10 {
        h.ok(&format!(
            "INSERT INTO t (k, c, v) VALUES ({k}, 0, 'x{}')",
            k % 2
        ));
    }
    assert_eq!(h.err("SELECT * FROM t WHERE v = 'x1'"), restrict::FILTERING);
    let r = h.rows("SELECT k FROM t WHERE v = 'x1' ALLOW FILTERING");
    assert_eq!(r.rows.len(), 5);
    // a full scan is in token order
    let r = h.rows("SELECT k, token(k) FROM t");
    assert_eq!(r.columns[1].name, "system.token(k)");
    let tokens: Vec<i64> = r.rows.iter().map(|x| int(&x[1]).unwrap()).collect();
    let mut sorted = tokens.clone();
    sorted.sort();
    assert_eq!(tokens, sorted);
    let mid = tokens[4];
    let r = h.rows(&format!("SELECT k FROM t WHERE token(k) > {mid}"));
    assert_eq!(r.rows.len(), 5);
    let r = h.rows("SELECT k FROM t WHERE k IN (5, 1, 3)");
    assert_eq!(ints(&r, 0), [Some(1), Some(3), Some(5)]);
    let r = h.rows("SELECT DISTINCT k FROM t");
    assert_eq!(r.rows.len(), 10);
}

#[test]
fn errors_are_worded_as_cassandra() {
    let mut h = Harness::new();
    assert_eq!(
        h.err("SELECT * FROM nope.t"),
        "Keyspace nope does not exist"
    );
    assert_eq!(h.err("SELECT * FROM ks.nope"), "table nope does not exist");
    assert_eq!(h.err("SELECT nope FROM t"), "Undefined column name nope");
    assert_eq!(
        h.err("INSERT INTO t (c, v) VALUES (1, 'a')"),
        "Some partition key parts are missing: k"
    );
    assert_eq!(
        h.err("INSERT INTO t (k, v) VALUES (1, 'a')"),
        "Some clustering keys are missing: c"
    );
    assert_eq!(
        h.err("INSERT INTO t (k, c) VALUES ('a', 1)"),
        "Invalid STRING constant (a) for \"k\" of type int"
    );
    assert_eq!(
        h.err("UPDATE t SET v = 'a' WHERE c = 1"),
        "Some partition key parts are missing: k"
    );
    assert_eq!(
        h.err("INSERT INTO cnt (k, n) VALUES (1, 1)"),
        "INSERT statements are not allowed on counter tables, use UPDATE instead"
    );
}

#[test]
fn last_write_wins_and_tombstones() {
    let mut h = Harness::new();
    h.ok("INSERT INTO t (k, c, v) VALUES (1, 1, 'new') USING TIMESTAMP 20");
    h.ok("INSERT INTO t (k, c, v) VALUES (1, 1, 'old') USING TIMESTAMP 10");
    let r = h.rows("SELECT v, writetime(v) FROM t WHERE k = 1");
    assert_eq!(text(&r.rows[0][0]).as_deref(), Some("new"));
    assert_eq!(int(&r.rows[0][1]), Some(20));
    assert_eq!(r.columns[1].name, "writetime(v)");
    // equal timestamps: the tombstone wins
    h.ok("DELETE v FROM t USING TIMESTAMP 20 WHERE k = 1 AND c = 1");
    let r = h.rows("SELECT v FROM t WHERE k = 1");
    assert_eq!(r.rows[0][0], None, "row stays: its marker is live");
    // equal timestamps, both live: the greater value wins
    h.ok("UPDATE t USING TIMESTAMP 30 SET v = 'a' WHERE k = 2 AND c = 1");
    h.ok("UPDATE t USING TIMESTAMP 30 SET v = 'b' WHERE k = 2 AND c = 1");
    h.ok("UPDATE t USING TIMESTAMP 30 SET v = 'a' WHERE k = 2 AND c = 1");
    assert_eq!(
        text(&h.rows("SELECT v FROM t WHERE k = 2").rows[0][0]).as_deref(),
        Some("b")
    );
    // UPDATE writes no row marker: nulling the only cell removes the row
    h.ok("DELETE v FROM t WHERE k = 2 AND c = 1");
    assert!(h.rows("SELECT * FROM t WHERE k = 2").rows.is_empty());
    // range and partition deletions
    for c in 0..5 {
        h.ok(&format!("INSERT INTO t (k, c, v) VALUES (3, {c}, 'x')"));
    }
    h.ok("DELETE FROM t WHERE k = 3 AND c >= 1 AND c < 3");
    assert_eq!(
        ints(&h.rows("SELECT c FROM t WHERE k = 3"), 0),
        [Some(0), Some(3), Some(4)]
    );
    h.ok("DELETE FROM t WHERE k = 3 AND c = 4");
    assert_eq!(
        ints(&h.rows("SELECT c FROM t WHERE k = 3"), 0),
        [Some(0), Some(3)]
    );
    h.ok("DELETE FROM t WHERE k = 3");
    assert!(h.rows("SELECT c FROM t WHERE k = 3").rows.is_empty());
    // older writes stay shadowed; newer ones come back
    h.ok("INSERT INTO t (k, c, v) VALUES (3, 7, 'old') USING TIMESTAMP 1");
    assert!(h.rows("SELECT c FROM t WHERE k = 3").rows.is_empty());
    h.now += 1;
    h.ok("INSERT INTO t (k, c, v) VALUES (3, 7, 'new')");
    assert_eq!(h.rows("SELECT c FROM t WHERE k = 3").rows.len(), 1);
    h.ok("TRUNCATE t");
    assert!(h.rows("SELECT * FROM t").rows.is_empty());
}

#[test]
fn range_deletions_on_clustering_prefixes() {
    let mut h = Harness::new();
    let fill = |h: &mut Harness| {
        h.ok("TRUNCATE d");
        for c1 in 1..=3 {
            for c2 in ["a", "b", "c"] {
                h.ok(&format!(
                    "INSERT INTO d (k, c1, c2, v) VALUES ('p', {c1}, '{c2}', 0)"
                ));
            }
        }
    };
    let left = |h: &mut Harness| {
        h.rows("SELECT c1, c2 FROM d WHERE k = 'p'")
            .rows
            .iter()
            .map(|r| format!("{}{}", int(&r[0]).unwrap(), text(&r[1]).unwrap()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // IN on a prefix: one range tombstone per value
    fill(&mut h);
    h.ok("DELETE FROM d WHERE k = 'p' AND c1 IN (1, 3)");
    assert_eq!(left(&mut h), "2a 2b 2c");
    // IN on a prefix, then a slice on the next column
    fill(&mut h);
    h.ok("DELETE FROM d WHERE k = 'p' AND c1 IN (2, 3) AND c2 > 'a'");
    assert_eq!(left(&mut h), "3a 2a 1a 1b 1c");
    // a slice on the first column; an equal prefix
    fill(&mut h);
    h.ok("DELETE FROM d WHERE k = 'p' AND c1 >= 2");
    assert_eq!(left(&mut h), "1a 1b 1c");
    h.ok("DELETE FROM d WHERE k = 'p' AND c1 = 1");
    assert_eq!(left(&mut h), "");
    // named columns need a whole row
    for q in [
        "DELETE v FROM d WHERE k = 'p' AND c1 = 1",
        "DELETE v FROM d WHERE k = 'p' AND c1 IN (1, 2)",
        "DELETE v FROM d WHERE k = 'p' AND c1 = 1 AND c2 > 'a'",
    ] {
        assert_eq!(
            h.err(q),
            "Range deletions are not supported for specific columns",
            "{q}"
        );
    }
    // no clustering restriction at all: the whole partition, worded apart
    // (`DeleteStatement.addUpdateForKey` with an empty clustering)
    assert_eq!(
        h.err("DELETE v FROM d WHERE k = 'p'"),
        "Range deletion is not supported for specific columns"
    );
    assert_eq!(
        h.err("DELETE FROM d WHERE k = 'p' AND c1 > 1 AND c2 > 'a'"),
        "Clustering column \"c2\" cannot be restricted (preceding column \"c1\" is restricted by a non-EQ relation)"
    );
    assert!(
        h.err("DELETE FROM d WHERE k = 'p' AND c1 IN (1, 2) IF v = 0")
            .starts_with(
                "DELETE statements must restrict all PRIMARY KEY columns with equality relations"
            )
    );
}

#[test]
fn ttl_expiry() {
    let mut h = Harness::new();
    h.ok("INSERT INTO t (k, c, v) VALUES (1, 1, 'x') USING TTL 100");
    h.ok("INSERT INTO t (k, c, v) VALUES (1, 2, 'y')");
    h.ok("UPDATE t USING TTL 10 SET v = 'z' WHERE k = 1 AND c = 2");
    h.now += 5_000_000;
    let r = h.rows("SELECT c, ttl(v) FROM t WHERE k = 1");
    assert_eq!(r.columns[1].name, "ttl(v)");
    assert_eq!(r.columns[1].typ, ColumnType::Int);
    assert_eq!(ints(&r, 1), [Some(95), Some(5)]);
    h.now += 10_000_000;
    let r = h.rows("SELECT c, v FROM t WHERE k = 1");
    assert_eq!(ints(&r, 0), [Some(1), Some(2)]);
    assert_eq!(
        r.rows[1][1], None,
        "the expired cell is gone, the row stays"
    );
    h.now += 100_000_000;
    let r = h.rows("SELECT c FROM t WHERE k = 1");
    assert_eq!(ints(&r, 0), [Some(2)]);
    assert!(
        h.err("INSERT INTO t (k, c) VALUES (1, 1) USING TTL -1")
            .contains("greater or equal to 0")
    );
}

#[test]
fn statics_collections_and_counters() {
    let mut h = Harness::new();
    h.ok("INSERT INTO t (k, s) VALUES (9, 'static')");
    let r = h.rows("SELECT k, c, s FROM t WHERE k = 9");
    assert_eq!(
        (int(&r.rows[0][1]), text(&r.rows[0][2]).as_deref()),
        (None, Some("static"))
    );
    h.ok("INSERT INTO t (k, c, v) VALUES (9, 1, 'a')");
    let r = h.rows("SELECT c, s FROM t WHERE k = 9");
    assert_eq!(r.rows.len(), 1);
    assert_eq!(text(&r.rows[0][1]).as_deref(), Some("static"));

    h.ok("INSERT INTO coll (k, l, m, st) VALUES (1, [1, 2], {'a': 1}, {3, 1})");
    h.ok("UPDATE coll SET l = l + [3], l = [0] + l, st = st + {2}, m['b'] = 2 WHERE k = 1");
    let list = |h: &mut Harness| {
        let r = h.rows("SELECT l FROM coll WHERE k = 1");
        r.rows[0][0].as_ref().map(|b| {
            crate::sim::storage::order::collection_items(b, 1)
                .unwrap()
                .iter()
                .map(|x| i32::from_be_bytes((*x).try_into().unwrap()))
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(list(&mut h), Some(vec![0, 1, 2, 3]));
    h.ok("UPDATE coll SET l[1] = 10 WHERE k = 1");
    h.ok("UPDATE coll SET l = l - [2] WHERE k = 1");
    assert_eq!(list(&mut h), Some(vec![0, 10, 3]));
    h.ok("DELETE l[0] FROM coll WHERE k = 1");
    assert_eq!(list(&mut h), Some(vec![10, 3]));
    assert!(
        h.err("UPDATE coll SET l[5] = 1 WHERE k = 1")
            .contains("out of bound")
    );
    let r = h.rows("SELECT st, m FROM coll WHERE k = 1");
    assert_eq!(
        r.rows[0][0].as_deref(),
        Some(
            &[
                0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 3
            ][..]
        )
    );
    h.ok("UPDATE coll SET m = m - {'a'}, st = st - {1, 2, 3} WHERE k = 1");
    let r = h.rows("SELECT st, m FROM coll WHERE k = 1");
    assert_eq!(r.rows[0][0], None);
    assert_eq!(
        r.rows[0][1].as_deref(),
        Some(&[0, 0, 0, 1, 0, 0, 0, 1, b'b', 0, 0, 0, 4, 0, 0, 0, 2][..])
    );
    let r = h.rows("SELECT k FROM coll WHERE m CONTAINS KEY 'b' ALLOW FILTERING");
    assert_eq!(r.rows.len(), 1);

    h.ok("UPDATE cnt SET n = n + 5 WHERE k = 1");
    h.ok("UPDATE cnt SET n = n - 2 WHERE k = 1");
    assert_eq!(ints(&h.rows("SELECT n FROM cnt WHERE k = 1"), 0), [Some(3)]);
    assert!(
        h.err("UPDATE cnt SET n = 1 WHERE k = 1")
            .starts_with("Cannot set the value of counter column n")
    );
}

#[test]
fn lightweight_transactions() {
    let mut h = Harness::new();
    let r = h.rows("INSERT INTO t (k, c, v) VALUES (1, 1, 'a') IF NOT EXISTS");
    assert_eq!(r.columns.len(), 1);
    assert_eq!(r.columns[0].name, "[applied]");
    assert_eq!(r.rows[0][0].as_deref(), Some(&[1u8][..]));
    let r = h.rows("INSERT INTO t (k, c, v) VALUES (1, 1, 'b') IF NOT EXISTS");
    assert_eq!(r.rows[0][0].as_deref(), Some(&[0u8][..]));
    assert_eq!(
        r.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["[applied]", "k", "c", "s", "v"]
    );
    assert_eq!(text(&r.rows[0][4]).as_deref(), Some("a"));
    let r = h.rows("UPDATE t SET v = 'c' WHERE k = 1 AND c = 1 IF v = 'x'");
    assert_eq!(r.rows[0][0].as_deref(), Some(&[0u8][..]));
    assert_eq!(
        r.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["[applied]", "v"]
    );
    assert_eq!(text(&r.rows[0][1]).as_deref(), Some("a"));
    let r = h.rows("UPDATE t SET v = 'c' WHERE k = 1 AND c = 1 IF v = 'a'");
    assert_eq!(r.rows[0][0].as_deref(), Some(&[1u8][..]));
    let r = h.rows("UPDATE t SET v = 'd' WHERE k = 5 AND c = 1 IF EXISTS");
    assert_eq!(
        (r.columns.len(), r.rows[0][0].as_deref()),
        (1, Some(&[0u8][..]))
    );
    let r = h.rows("DELETE FROM t WHERE k = 1 AND c = 1 IF EXISTS");
    assert_eq!(r.rows[0][0].as_deref(), Some(&[1u8][..]));
    assert!(h.rows("SELECT * FROM t WHERE k = 1").rows.is_empty());
}

#[test]
fn batches() {
    let mut h = Harness::new();
    h.ok("BEGIN BATCH INSERT INTO t (k, c, v) VALUES (1, 1, 'a'); INSERT INTO t (k, c, v) VALUES (2, 1, 'b') APPLY BATCH");
    assert_eq!(h.rows("SELECT * FROM t").rows.len(), 2);
    h.ok("BEGIN BATCH USING TIMESTAMP 5 UPDATE t SET v = 'x' WHERE k = 3 AND c = 1; UPDATE t SET v = 'y' WHERE k = 4 AND c = 1 APPLY BATCH");
    let r = h.rows("SELECT writetime(v) FROM t WHERE k IN (3, 4)");
    assert_eq!(ints(&r, 0), [Some(5), Some(5)]);
    assert_eq!(
        h.err("BEGIN BATCH UPDATE cnt SET n = n + 1 WHERE k = 1 APPLY BATCH"),
        "Cannot include a counter statement in a logged batch"
    );
    assert_eq!(
        h.err("BEGIN COUNTER BATCH INSERT INTO t (k, c) VALUES (1, 1) APPLY BATCH"),
        "Cannot include non-counter statement in a counter batch"
    );
    h.ok("BEGIN COUNTER BATCH UPDATE cnt SET n = n + 1 WHERE k = 1; UPDATE cnt SET n = n + 1 WHERE k = 1 APPLY BATCH");
    assert_eq!(ints(&h.rows("SELECT n FROM cnt WHERE k = 1"), 0), [Some(2)]);
    // conditional batch: all or nothing
    let r = h.rows("BEGIN BATCH INSERT INTO t (k, c, v) VALUES (1, 2, 'n') IF NOT EXISTS; UPDATE t SET v = 'q' WHERE k = 1 AND c = 1 IF v = 'zzz' APPLY BATCH");
    assert_eq!(r.rows[0][0].as_deref(), Some(&[0u8][..]));
    assert_eq!(h.rows("SELECT * FROM t WHERE k = 1").rows.len(), 1);
    let r = h.rows("BEGIN BATCH INSERT INTO t (k, c, v) VALUES (1, 2, 'n') IF NOT EXISTS; UPDATE t SET v = 'q' WHERE k = 1 AND c = 1 IF v = 'a' APPLY BATCH");
    assert_eq!(r.rows[0][0].as_deref(), Some(&[1u8][..]));
    assert_eq!(h.rows("SELECT * FROM t WHERE k = 1").rows.len(), 2);
    assert!(h.err("BEGIN BATCH INSERT INTO t (k, c) VALUES (1, 3) IF NOT EXISTS; INSERT INTO t (k, c) VALUES (2, 3) IF NOT EXISTS APPLY BATCH").contains("multiple partitions"));
}

#[test]
fn failed_conditional_batches_answer_one_row_per_conditioned_row() {
    let mut h = Harness::new();
    h.ok("INSERT INTO t (k, c, v) VALUES (1, 1, 'a')");
    h.ok("INSERT INTO t (k, c, v) VALUES (1, 2, 'b')");
    let names = |r: &RowsResult| r.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let r = h.rows(
        "BEGIN BATCH UPDATE t SET v = 'y' WHERE k = 1 AND c = 2 IF v = 'zzz'; \
         UPDATE t SET v = 'x' WHERE k = 1 AND c = 1 IF v = 'a'; \
         UPDATE t SET v = 'w' WHERE k = 1 AND c = 3 IF v = 'q' APPLY BATCH",
    );
    assert_eq!(names(&r), ["[applied]", "k", "c", "v"]);
    assert_eq!(r.rows.len(), 2);
    assert!(
        r.rows
            .iter()
            .all(|row| row[0].as_deref() == Some(&[0u8][..]))
    );
    assert_eq!(ints(&r, 2), [Some(1), Some(2)]);
    assert_eq!(text(&r.rows[0][3]).as_deref(), Some("a"));
    assert_eq!(text(&r.rows[1][3]).as_deref(), Some("b"));
    // no conditioned row exists: [applied] alone
    let r = h.rows(
        "BEGIN BATCH UPDATE t SET v = 'w' WHERE k = 1 AND c = 3 IF v = 'q'; \
         INSERT INTO t (k, c, v) VALUES (1, 4, 'n') APPLY BATCH",
    );
    assert_eq!(names(&r), ["[applied]"]);
    assert_eq!(r.rows.len(), 1);
    // IF NOT EXISTS: every column
    let r = h.rows(
        "BEGIN BATCH INSERT INTO t (k, c, v) VALUES (1, 1, 'n') IF NOT EXISTS; \
         UPDATE t SET v = 'q' WHERE k = 1 AND c = 2 IF v = 'b' APPLY BATCH",
    );
    assert_eq!(names(&r), ["[applied]", "k", "c", "s", "v"]);
    assert_eq!(r.rows.len(), 2);
}

#[test]
fn paging_resumes_exactly() {
    let mut h = Harness::new();
    for k in 0..7 {
        for c in 0..5 {
            h.ok(&format!("INSERT INTO t (k, c, v) VALUES ({k}, {c}, 'x')"));
        }
    }
    let all = h.rows("SELECT k, c FROM t");
    assert_eq!(all.rows.len(), 35);
    for (query, limit) in [
        ("SELECT k, c FROM t", 35),
        ("SELECT k, c FROM t LIMIT 11", 11),
        ("SELECT k, c FROM t PER PARTITION LIMIT 2", 14),
    ] {
        let mut got = Vec::new();
        let mut state = None;
        let mut pages = 0;
        loop {
            let params = ExecParams {
                page_size: Some(4),
                paging_state: state.clone(),
                ..ExecParams::default()
            };
            let Outcome::Rows(r) = h.run_with(query, Vec::new(), &params).unwrap() else {
                panic!()
            };
            assert!(r.rows.len() <= 4);
            pages += 1;
            got.extend(r.rows.clone());
            state = r.paging_state;
            if state.is_none() {
                break;
            }
        }
        assert_eq!(got.len(), limit, "{query}");
        assert_eq!(
            pages,
            limit.div_ceil(4),
            "{query}: no state on the last page"
        );
        if limit == 35 {
            assert_eq!(got, all.rows);
        }
    }
    // reversed single-partition paging
    let mut got = Vec::new();
    let mut state = None;
    loop {
        let params = ExecParams {
            page_size: Some(2),
            paging_state: state.clone(),
            ..ExecParams::default()
        };
        let Outcome::Rows(r) = h
            .run_with(
                "SELECT c FROM t WHERE k = 3 ORDER BY c DESC",
                Vec::new(),
                &params,
            )
            .unwrap()
        else {
            panic!()
        };
        got.extend(ints(&r, 0));
        state = r.paging_state;
        if state.is_none() {
            break;
        }
    }
    assert_eq!(got, [Some(4), Some(3), Some(2), Some(1), Some(0)]);
}

#[test]
fn bound_values_of_the_wrong_size_get_cassandras_marshal_errors() {
    let mut h = Harness::new();
    let b = |v: &[u8]| BoundValue::Bytes(Bytes::copy_from_slice(v));
    let e = h
        .run_with(
            "INSERT INTO t (k, c, v) VALUES (?, ?, ?)",
            vec![b(&[0, 0, 1]), b(&2i32.to_be_bytes()), b(b"x")],
            &ExecParams::default(),
        )
        .unwrap_err();
    assert_eq!(e.error, cql_core::message::DbError::Invalid);
    assert_eq!(e.message, "Expected 4 or 0 byte int (3)");
    let e = h
        .run_with(
            "SELECT * FROM t WHERE k = ?",
            vec![b(&[1; 8])],
            &ExecParams::default(),
        )
        .unwrap_err();
    assert_eq!(e.message, "Expected 4 or 0 byte int (8)");
    let e = h
        .run_with(
            "INSERT INTO t (k, c, v) VALUES (1, 1, ?)",
            vec![b(&[0xff, 0xfe])],
            &ExecParams::default(),
        )
        .unwrap_err();
    assert_eq!(e.message, "String didn't validate.");
}

#[test]
fn bind_markers_and_prepare() {
    let mut h = Harness::new();
    let b = |v: &[u8]| BoundValue::Bytes(Bytes::copy_from_slice(v));
    h.run_with(
        "INSERT INTO t (k, c, v) VALUES (?, ?, ?) USING TTL ?",
        vec![
            b(&1i32.to_be_bytes()),
            b(&2i32.to_be_bytes()),
            b(b"hi"),
            b(&50i32.to_be_bytes()),
        ],
        &ExecParams::default(),
    )
    .unwrap();
    // unset leaves the column alone
    h.run_with(
        "UPDATE t SET v = ? WHERE k = ? AND c = ?",
        vec![
            BoundValue::Unset,
            b(&1i32.to_be_bytes()),
            b(&2i32.to_be_bytes()),
        ],
        &ExecParams::default(),
    )
    .unwrap();
    let Outcome::Rows(r) = h
        .run_with(
            "SELECT v FROM t WHERE k = ? AND c IN ? LIMIT ?",
            vec![
                b(&1i32.to_be_bytes()),
                b(&[0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2]),
                b(&10i32.to_be_bytes()),
            ],
            &ExecParams::default(),
        )
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(text(&r.rows[0][0]).as_deref(), Some("hi"));
    assert!(
        h.run_with(
            "SELECT * FROM t WHERE k = ?",
            vec![],
            &ExecParams::default()
        )
        .is_err()
    );

    let shape = |q: &str| prepare(&h.schema, &parse_statement(q).unwrap(), Some("ks")).unwrap();
    let s = shape("SELECT k, v FROM t WHERE k = ? AND c IN ? LIMIT ?");
    let names: Vec<(&str, String)> = s
        .bind
        .iter()
        .map(|c| (c.name.as_str(), c.typ.to_string()))
        .collect();
    assert_eq!(
        names,
        [
            ("k", "int".into()),
            ("in(c)", "list<int>".into()),
            ("[limit]", "int".into())
        ]
    );
    assert_eq!(s.pk_indexes, [0]);
    assert_eq!(
        s.result.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["k", "v"]
    );
    let s = shape("UPDATE t USING TTL ? AND TIMESTAMP ? SET v = ? WHERE k = ? AND c = ?");
    let names: Vec<&str> = s.bind.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["[ttl]", "[timestamp]", "v", "k", "c"]);
    assert_eq!(s.bind[1].typ, ColumnType::BigInt);
    assert_eq!(s.pk_indexes, [3]);
    assert!(s.result.is_empty());
    let s = shape("SELECT * FROM t WHERE token(k) > ?");
    assert_eq!(
        (s.bind[0].name.as_str(), &s.bind[0].typ),
        ("partition key token", &ColumnType::BigInt)
    );
    assert!(s.pk_indexes.is_empty());
    let s = shape("UPDATE coll SET m[?] = ? WHERE k = ?");
    assert_eq!(
        s.bind.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["key(m)", "value(m)", "k"]
    );
    assert!(
        prepare(
            &h.schema,
            &parse_statement("SELECT * FROM t WHERE nope = ?").unwrap(),
            Some("ks")
        )
        .is_err()
    );
}

#[test]
fn functions_in_statements() {
    let mut h = Harness::new();
    h.ok("INSERT INTO t (k, c, v) VALUES (1, 1, 'x')");
    let r = h.rows(
        "SELECT toTimestamp(now()), blobAsText(textAsBlob(v)), cast(c AS text) FROM t WHERE k = 1",
    );
    assert_eq!(r.columns[0].name, "system.totimestamp(system.now())");
    assert_eq!(r.columns[0].typ, ColumnType::Timestamp);
    assert_eq!(int(&r.rows[0][0]), Some(h.now / 1000));
    assert_eq!(text(&r.rows[0][1]).as_deref(), Some("x"));
    assert_eq!(text(&r.rows[0][2]).as_deref(), Some("1"));
}

mod json;
mod mapper;
mod paging;
mod prepared;
mod udf;
mod views;
