//! User-defined functions and aggregates called from SELECT and WHERE.

use cql_core::message::DbError;

use crate::sim::error::CqlResult;
use crate::sim::node::{Node, NodeConfig, SessionState};
use crate::sim::outcome::{BoundValues, ExecParams, Outcome};

const SCHEMA: [&str; 9] = [
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    "CREATE TABLE ks.t (k int, c int, v int, s text, PRIMARY KEY (k, c))",
    "CREATE FUNCTION ks.plus(a int, b int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS 'return a + b;'",
    "CREATE FUNCTION ks.inv(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return 100 / a;'",
    "CREATE FUNCTION ks.label(s text, v int) CALLED ON NULL INPUT RETURNS text LANGUAGE javascript AS 's + \":\" + (v == null ? \"-\" : v * 2)'",
    "CREATE FUNCTION ks.avg_state(state tuple<int, bigint>, val int) CALLED ON NULL INPUT RETURNS tuple<int, bigint> LANGUAGE java AS 'if (val != null) { state.setInt(0, state.getInt(0) + 1); state.setLong(1, state.getLong(1) + val.intValue()); } return state;'",
    "CREATE FUNCTION ks.avg_final(state tuple<int, bigint>) CALLED ON NULL INPUT RETURNS double LANGUAGE java AS 'double r = 0; if (state.getInt(0) == 0) return null; r = state.getLong(1); r /= state.getInt(0); return Double.valueOf(r);'",
    "CREATE AGGREGATE ks.average(int) SFUNC avg_state STYPE tuple<int, bigint> FINALFUNC avg_final INITCOND (0, 0)",
    "CREATE FUNCTION ks.weird(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'int t = 0; for (;;) { t++; }'",
];

fn node() -> Node {
    let n = Node::new(NodeConfig::default());
    for q in SCHEMA {
        run(&n, q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
    }
    for (c, v) in [(1, "1"), (2, "2"), (3, "null"), (4, "4")] {
        run(
            &n,
            &format!("INSERT INTO ks.t (k, c, v, s) VALUES (1, {c}, {v}, 'r{c}')"),
        )
        .unwrap();
    }
    n
}

fn run(n: &Node, q: &str) -> CqlResult<Outcome> {
    n.query(
        q,
        &BoundValues::default(),
        &ExecParams::default(),
        &mut SessionState::default(),
    )
}

fn column(n: &Node, q: &str) -> Vec<Option<Vec<u8>>> {
    let Ok(Outcome::Rows(r)) = run(n, q) else {
        panic!("{q}: no rows");
    };
    r.rows
        .iter()
        .map(|row| row.first().cloned().flatten().map(|b| b.to_vec()))
        .collect()
}

fn int(v: i32) -> Option<Vec<u8>> {
    Some(v.to_be_bytes().to_vec())
}

#[test]
fn scalar_functions_run_per_row() {
    let n = node();
    assert_eq!(
        column(&n, "SELECT ks.plus(v, c) FROM ks.t WHERE k = 1"),
        vec![int(2), int(4), None, int(8)]
    );
    assert_eq!(
        column(&n, "SELECT ks.plus(v, 10) FROM ks.t WHERE k = 1 AND c = 1"),
        vec![int(11)]
    );
    assert_eq!(
        column(
            &n,
            "SELECT ks.label(s, v) FROM ks.t WHERE k = 1 AND c IN (2, 3)"
        ),
        vec![Some(b"r2:4".to_vec()), Some(b"r3:-".to_vec())]
    );
    let Ok(Outcome::Rows(r)) = run(&n, "SELECT ks.plus(v, c) FROM ks.t WHERE k = 1") else {
        panic!()
    };
    assert_eq!(r.columns[0].name, "ks.plus(v, c)");
    // A function of constants in WHERE.
    assert_eq!(
        column(
            &n,
            "SELECT v FROM ks.t WHERE k = ks.plus(0, 1) AND c = ks.plus(1, 1)"
        ),
        vec![int(2)]
    );
}

#[test]
fn failures_are_function_failures() {
    let n = node();
    run(&n, "INSERT INTO ks.t (k, c, v) VALUES (3, 1, 0)").unwrap();
    let err = run(&n, "SELECT ks.inv(v) FROM ks.t WHERE k = 3").unwrap_err();
    assert_eq!(
        err.message,
        "execution of 'ks.inv[int]' failed: java.lang.ArithmeticException: / by zero"
    );
    assert!(matches!(err.error, DbError::FunctionFailure { .. }));
    assert_eq!(
        run(&n, "SELECT ks.inv(v) FROM ks.t WHERE k = 1")
            .unwrap_err()
            .message,
        "execution of 'ks.inv[int]' failed: java.lang.NullPointerException"
    );
    let err = run(&n, "SELECT ks.weird(v) FROM ks.t WHERE k = 1").unwrap_err();
    assert!(
        err.message
            .starts_with("execution of 'ks.weird[int]' failed: cql-sim cannot evaluate")
    );
    assert_eq!(
        run(&n, "SELECT ks.plus(v) FROM ks.t").unwrap_err().message,
        "Invalid number of arguments in call to function ks.plus: 2 required but 1 provided"
    );
    assert_eq!(
        run(&n, "SELECT ks.plus(v, s) FROM ks.t")
            .unwrap_err()
            .message,
        "Type error: s cannot be passed as argument 1 of function ks.plus of type int"
    );
    assert_eq!(
        run(&n, "SELECT ks.nope(v) FROM ks.t").unwrap_err().message,
        "Unknown function 'ks.nope'"
    );
    assert_eq!(
        run(&n, "CREATE FUNCTION ks.bad(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return a / 2.0;'")
            .unwrap_err()
            .message,
        "Java source compilation failed:\nLine 1: Type mismatch: cannot convert from double to Integer\n"
    );
}

#[test]
fn aggregates_fold_the_selected_rows() {
    let n = node();
    assert_eq!(
        column(&n, "SELECT ks.average(v) FROM ks.t WHERE k = 1"),
        vec![Some((7.0f64 / 3.0).to_be_bytes().to_vec())]
    );
    assert_eq!(
        column(&n, "SELECT ks.average(v) FROM ks.t WHERE k = 2"),
        vec![None]
    );
    let mut s = SessionState::default();
    n.query(
        "USE ks",
        &BoundValues::default(),
        &ExecParams::default(),
        &mut s,
    )
    .unwrap();
    let Ok(Outcome::Rows(r)) = n.query(
        "SELECT average(v), plus(1, 2) FROM t WHERE k = 1 AND c < 3",
        &BoundValues::default(),
        &ExecParams::default(),
        &mut s,
    ) else {
        panic!()
    };
    assert_eq!(r.rows[0][0].as_deref(), Some(&1.5f64.to_be_bytes()[..]));
    assert_eq!(r.rows[0][1].as_deref(), Some(&3i32.to_be_bytes()[..]));
}

#[test]
fn markers_passed_to_functions_are_typed_by_their_parameters() {
    let n = node();
    let s = SessionState::default();
    let p = n
        .prepare(
            "SELECT ks.plus(v, ?) FROM ks.t WHERE k = ks.plus(?, 0) AND c = ?",
            None,
            &s,
        )
        .unwrap();
    let types: Vec<_> = p.shape.bind.iter().map(|b| b.typ.clone()).collect();
    assert_eq!(types, vec![cql_core::types::ColumnType::Int; 3]);
    // `FunctionResolver.makeArgSpec`: the function's qualified name, lower-cased
    assert_eq!(p.shape.bind[0].name, "arg1(ks.plus)");
}
