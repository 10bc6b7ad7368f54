//! Calls of user-defined functions and aggregates on serialized values.

use bytes::Bytes;
use cql_core::message::DbError;
use cql_core::types::ColumnType;

use super::*;

fn func(lang: &str, args: &[(&str, ColumnType)], ret: ColumnType, body: &str) -> UserFunction {
    UserFunction {
        keyspace: "ks".into(),
        name: "f".into(),
        arguments: args
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect(),
        return_type: ret,
        called_on_null_input: true,
        language: lang.into(),
        body: body.into(),
    }
}

fn int(v: i32) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(&v.to_be_bytes()))
}

fn big(v: i64) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(&v.to_be_bytes()))
}

fn dbl(v: f64) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(&v.to_be_bytes()))
}

fn text(s: &str) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(s.as_bytes()))
}

fn run(f: &UserFunction, args: &[Option<Bytes>]) -> Option<Bytes> {
    call(f, args).unwrap()
}

#[test]
fn java_arithmetic_wraps_and_promotes() {
    let a = [("a", ColumnType::Int), ("b", ColumnType::Int)];
    let plus = func("java", &a, ColumnType::Int, "return a + b;");
    assert_eq!(run(&plus, &[int(2), int(3)]), int(5));
    assert_eq!(run(&plus, &[int(i32::MAX), int(1)]), int(i32::MIN));
    let div = func("java", &a, ColumnType::Int, "return a / b;");
    assert_eq!(run(&div, &[int(7), int(-2)]), int(-3));
    let err = call(&div, &[int(1), int(0)]).unwrap_err();
    assert_eq!(
        err.message,
        "execution of 'ks.f[int, int]' failed: java.lang.ArithmeticException: / by zero"
    );
    assert!(matches!(err.error, DbError::FunctionFailure { ref function, .. } if function == "f"));
    let rem = func("java", &a, ColumnType::Int, "return a % b;");
    assert_eq!(run(&rem, &[int(-7), int(2)]), int(-1));
    let half = func(
        "java",
        &a,
        ColumnType::Double,
        "return a / 2.0 + Math.max(a, b);",
    );
    assert_eq!(run(&half, &[int(3), int(4)]), dbl(5.5));
    let ternary = func("java", &a, ColumnType::Double, "return a > b ? a : 0.5;");
    assert_eq!(run(&ternary, &[int(3), int(1)]), dbl(3.0));
    let long = func(
        "java",
        &[("a", ColumnType::BigInt)],
        ColumnType::BigInt,
        "return a * 1000000L + Math.round(2.5);",
    );
    assert_eq!(run(&long, &[big(4_000_000)]), big(4_000_000_000_003));
    let cast = func(
        "java",
        &[("d", ColumnType::Double)],
        ColumnType::Int,
        "return (int) Math.floor(d);",
    );
    assert_eq!(run(&cast, &[dbl(-1.5)]), int(-2));
}

#[test]
fn strings_nulls_and_booleans() {
    let s = [("s", ColumnType::Text), ("n", ColumnType::Int)];
    let cat = func("java", &s, ColumnType::Text, "return s + \"-\" + n + 1.0;");
    assert_eq!(run(&cat, &[text("x"), int(2)]), text("x-21.0"));
    let nul = func(
        "java",
        &s,
        ColumnType::Text,
        "return n == null ? \"none\" : s;",
    );
    assert_eq!(run(&nul, &[text("x"), None]), text("none"));
    let npe = func("java", &s, ColumnType::Int, "return n + 1;");
    assert_eq!(
        call(&npe, &[text("x"), None]).unwrap_err().message,
        "execution of 'ks.f[text, int]' failed: java.lang.NullPointerException"
    );
    let mut strict = npe.clone();
    strict.called_on_null_input = false;
    assert_eq!(run(&strict, &[text("x"), None]), None);
    let logic = func(
        "java",
        &s,
        ColumnType::Boolean,
        "return !(n > 1 && n < 5) || s.length() == 0;",
    );
    assert_eq!(
        run(&logic, &[text("x"), int(3)]),
        Some(Bytes::from_static(&[0]))
    );
}

#[test]
fn javascript_numbers_are_doubles() {
    let a = [("a", ColumnType::Int)];
    let js = func("javascript", &a, ColumnType::Int, "a / 2");
    assert_eq!(run(&js, &[int(7)]), int(3));
    let js = func("javascript", &a, ColumnType::Double, "a / 0");
    assert_eq!(run(&js, &[int(7)]), dbl(f64::INFINITY));
    let js = func("javascript", &a, ColumnType::Text, "'n=' + a + ';'");
    assert_eq!(run(&js, &[int(7)]), text("n=7;"));
    let js = func("javascript", &a, ColumnType::Int, "'x'");
    assert!(
        call(&js, &[int(7)])
            .unwrap_err()
            .message
            .contains("ClassCastException")
    );
}

#[test]
fn bodies_outside_the_subset_fail_naming_the_function() {
    let f = func(
        "java",
        &[("a", ColumnType::Int)],
        ColumnType::Int,
        "for (int i = 0; i < a; i++) {} return a;",
    );
    let err = call(&f, &[int(1)]).unwrap_err();
    assert!(
        err.message
            .starts_with("execution of 'ks.f[int]' failed: cql-sim cannot evaluate")
    );
    assert!(matches!(err.error, DbError::FunctionFailure { .. }));
}

#[test]
fn create_refuses_java_returning_the_wrong_type() {
    let f = func(
        "java",
        &[("a", ColumnType::Int)],
        ColumnType::Int,
        "return a / 2.0;",
    );
    assert_eq!(
        check_create(&f).unwrap_err().message,
        "Java source compilation failed:\nLine 1: Type mismatch: cannot convert from double to Integer\n"
    );
    let f = func(
        "java",
        &[("a", ColumnType::Int)],
        ColumnType::Int,
        "return whatever(a);",
    );
    assert!(check_create(&f).is_ok());
}

#[test]
fn the_classic_average_aggregate() {
    let state_t = ColumnType::Tuple(vec![ColumnType::Int, ColumnType::BigInt]);
    let state = UserFunction {
        name: "avg_state".into(),
        ..func(
            "java",
            &[("state", state_t.clone()), ("val", ColumnType::Int)],
            state_t.clone(),
            "if (val != null) { state.setInt(0, state.getInt(0) + 1); state.setLong(1, state.getLong(1) + val.intValue()); } return state;",
        )
    };
    let finish = UserFunction {
        name: "avg_final".into(),
        ..func(
            "java",
            &[("state", state_t.clone())],
            ColumnType::Double,
            "double r = 0; if (state.getInt(0) == 0) return null; r = state.getLong(1); r /= state.getInt(0); return Double.valueOf(r);",
        )
    };
    let uda = Uda {
        aggregate: UserAggregate {
            keyspace: "ks".into(),
            name: "average".into(),
            argument_types: vec![ColumnType::Int],
            state_function: "avg_state".into(),
            state_type: state_t,
            final_function: Some("avg_final".into()),
            initcond: Some("(0, 0)".into()),
            initial_state: Some(vec![
                0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0,
            ]),
            return_type: ColumnType::Double,
        },
        state,
        finish: Some(finish),
    };
    let rows = vec![vec![int(1)], vec![int(2)], vec![None], vec![int(4)]];
    assert_eq!(aggregate(&uda, &rows).unwrap(), dbl(7.0 / 3.0));
    assert_eq!(aggregate(&uda, &[]).unwrap(), None);
}
