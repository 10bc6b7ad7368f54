//! INSERT JSON, SELECT JSON, toJson(), fromJson(), constants in the selection clause, and
//! the client warnings of responses.

use bytes::Bytes;

use crate::sim::error::CqlResult;
use crate::sim::node::{Node, NodeConfig, SessionState};
use crate::sim::outcome::{BoundValue, BoundValues, ExecParams, Outcome};

fn node() -> Node {
    let n = Node::new(NodeConfig::default());
    for q in [
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TYPE ks.addr (street text, no int)",
        "CREATE TABLE ks.j (k int PRIMARY KEY, t text, l list<int>, m map<int, text>, ts timestamp, b blob, d double, tu tuple<int, text>, a frozen<addr>, dt date, tm time, du duration)",
    ] {
        run(&n, q, BoundValues::default()).unwrap();
    }
    n
}

fn run(n: &Node, q: &str, values: BoundValues) -> CqlResult<Outcome> {
    n.query(
        q,
        &values,
        &ExecParams::default(),
        &mut SessionState::default(),
    )
}

fn exec(n: &Node, q: &str) {
    run(n, q, BoundValues::default()).unwrap_or_else(|e| panic!("{q}: {e:?}"));
}

fn error(n: &Node, q: &str) -> String {
    run(n, q, BoundValues::default()).unwrap_err().message
}

fn texts(n: &Node, q: &str) -> Vec<String> {
    let Ok(Outcome::Rows(r)) = run(n, q, BoundValues::default()) else {
        panic!("{q}: no rows");
    };
    r.rows
        .iter()
        .flat_map(|row| {
            row.iter()
                .map(|c| String::from_utf8_lossy(c.as_deref().unwrap_or(b"null")).into_owned())
        })
        .collect()
}

#[test]
fn insert_json_round_trips_through_select_json() {
    let n = node();
    exec(
        &n,
        r#"INSERT INTO ks.j JSON '{"k": 1, "t": "a\"b", "l": [1, 2], "m": {"3": "c"}, "ts": "2020-01-01 00:00:00+0000", "b": "0x0102", "d": 1.0, "tu": [1, "x"], "a": {"street": "s", "no": 2}, "dt": "2020-01-02", "tm": "10:00:00", "du": "1h30m"}'"#,
    );
    assert_eq!(
        texts(&n, "SELECT JSON * FROM ks.j"),
        [
            r#"{"k": 1, "a": {"street": "s", "no": 2}, "b": "0x0102", "d": 1.0, "dt": "2020-01-02", "du": "1h30m", "l": [1, 2], "m": {"3": "c"}, "t": "a\"b", "tm": "10:00:00.000000000", "ts": "2020-01-01 00:00:00.000Z", "tu": [1, "x"]}"#
        ]
    );
    assert_eq!(
        texts(&n, "SELECT toJson(l), toJson(ts) AS t FROM ks.j"),
        ["[1, 2]", "\"2020-01-01 00:00:00.000Z\""]
    );
    exec(
        &n,
        r#"INSERT INTO ks.j JSON '{"k": 1, "t": "only"}' DEFAULT UNSET"#,
    );
    assert_eq!(
        texts(&n, "SELECT JSON t, l FROM ks.j"),
        [r#"{"t": "only", "l": [1, 2]}"#]
    );
    exec(&n, r#"INSERT INTO ks.j JSON '{"k": 1, "t": "again"}'"#);
    assert_eq!(
        texts(&n, "SELECT JSON t, l FROM ks.j"),
        [r#"{"t": "again", "l": null}"#]
    );
    let doc = Bytes::from_static(br#"{"k": 2, "t": "bound"}"#);
    run(
        &n,
        "INSERT INTO ks.j JSON ?",
        BoundValues {
            values: vec![BoundValue::Bytes(doc)],
            names: None,
        },
    )
    .unwrap();
    exec(
        &n,
        r#"INSERT INTO ks.j (k, t) VALUES (3, fromJson('"from"'))"#,
    );
    assert_eq!(
        texts(&n, "SELECT t FROM ks.j WHERE k IN (2, 3)"),
        ["bound", "from"]
    );
}

#[test]
fn json_errors_are_worded_as_cassandra() {
    let n = node();
    assert_eq!(
        error(&n, r#"INSERT INTO ks.j JSON '{"k": 1, "nope": 1}'"#),
        "JSON values map contains unrecognized column: nope"
    );
    assert_eq!(
        error(&n, r#"INSERT INTO ks.j JSON '{"k": 1, "t": 5}'"#),
        "Error decoding JSON value for t: Expected a UTF-8 string, but got a Integer: 5"
    );
    assert_eq!(
        error(&n, r#"INSERT INTO ks.j JSON '{"k": 1, "b": "12"}'"#),
        "Error decoding JSON value for b: String representation of blob is missing 0x prefix: 12"
    );
    assert!(
        error(&n, "INSERT INTO ks.j JSON 'nope'")
            .starts_with("Could not decode JSON string as a map: ")
    );
    assert_eq!(
        error(&n, "SELECT fromJson('1') FROM ks.j"),
        "fromJson() cannot be used in the selection clause of a SELECT statement"
    );
    assert_eq!(
        error(&n, "INSERT INTO ks.j (k, t) VALUES (1, fromJson('1'))"),
        "execution of 'system.fromjson[text]' failed: Expected a UTF-8 string, but got a Integer: 1"
    );
}

#[test]
fn constants_and_functions_of_constants_are_selected() {
    let n = node();
    exec(&n, "INSERT INTO ks.j (k) VALUES (1)");
    assert_eq!(
        texts(&n, "SELECT textAsBlob('hi'), 'lit' FROM ks.j"),
        ["hi", "lit"]
    );
    let Ok(Outcome::Rows(r)) = run(
        &n,
        "SELECT 3, minTimeuuid('2020-01-01 00:00:00+0000') FROM ks.j",
        BoundValues::default(),
    ) else {
        panic!()
    };
    assert_eq!(r.columns[0].name, "3");
    assert_eq!(r.rows[0][0].as_deref(), Some(&[0, 0, 0, 3][..]));
    assert_eq!(
        r.columns[1].name,
        "system.mintimeuuid('2020-01-01 00:00:00+0000')"
    );
    assert!(r.rows[0][1].is_some());
    assert_eq!(
        error(&n, "SELECT null FROM ks.j"),
        "Cannot infer type for term null in selection clause (try using a cast to force a type)"
    );
}

#[test]
fn warnings_are_raised_as_cassandra_words_them() {
    let n = node();
    let mut session = SessionState::default();
    let mut warned = |q: &str| {
        n.query(
            q,
            &BoundValues::default(),
            &ExecParams::default(),
            &mut session,
        )
        .unwrap_or_else(|e| panic!("{q}: {e:?}"));
        core::mem::take(&mut session.warnings)
    };
    assert_eq!(
        warned("SELECT count(*) FROM ks.j"),
        ["Aggregation query used without partition key"]
    );
    assert!(warned("SELECT count(*) FROM ks.j WHERE k = 1").is_empty());
    let big = "x".repeat(3000);
    let batch = format!(
        "BEGIN BATCH INSERT INTO ks.j (k, t) VALUES (1, '{big}'); INSERT INTO ks.j (k, t) VALUES (2, '{big}'); APPLY BATCH"
    );
    assert_eq!(
        warned(&batch),
        [
            "Batch for [ks.j] is of size 5.859KiB, exceeding specified threshold of 5.000KiB by 0.859KiB."
        ]
    );
    let inserts: String = (0..11)
        .map(|i| format!("INSERT INTO ks.j (k) VALUES ({i}); "))
        .collect();
    assert_eq!(
        warned(&format!("BEGIN UNLOGGED BATCH {inserts} APPLY BATCH")),
        [
            "Unlogged batch covering 11 partitions detected against table [ks.j]. You should use a logged batch for atomicity, or asynchronous writes for performance."
        ]
    );
    assert_eq!(
        warned(
            "CREATE MATERIALIZED VIEW ks.v AS SELECT k, t FROM ks.j WHERE t IS NOT NULL AND k IS NOT NULL PRIMARY KEY (t, k)"
        ),
        ["Materialized views are experimental and are not recommended for production use."]
    );
}
