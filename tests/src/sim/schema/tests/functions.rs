//! CREATE/DROP FUNCTION and AGGREGATE: the model, schema changes and Cassandra's errors.

use cql_core::message::{SchemaChangeTarget, SchemaChangeType};
use cql_core::types::ColumnType;

use super::super::ddl::execute_in;
use super::super::features::SchemaFeatures;
use super::super::options::ReplicationContext;
use super::{invalid, ok, run, target, with_ks};
use crate::cql::parse_statement;

const PLUS: &str = "CREATE FUNCTION ks.plus(a int, b int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return a + b;'";
const STATE: &str = "CREATE FUNCTION ks.acc(s int, v int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS $$return s + v;$$";
const FINAL: &str = "CREATE FUNCTION ks.half(s int) CALLED ON NULL INPUT RETURNS double LANGUAGE java AS 'return s / 2.0;'";

fn function_t(name: &str, args: &[&str]) -> SchemaChangeTarget {
    SchemaChangeTarget::Function {
        keyspace: "ks".into(),
        name: name.into(),
        arg_types: args.iter().map(|a| a.to_string()).collect(),
    }
}

fn aggregate_t(name: &str, args: &[&str]) -> SchemaChangeTarget {
    SchemaChangeTarget::Aggregate {
        keyspace: "ks".into(),
        name: name.into(),
        arg_types: args.iter().map(|a| a.to_string()).collect(),
    }
}

#[test]
fn create_function_and_replace() {
    let mut s = with_ks();
    let c = ok(&mut s, PLUS);
    assert_eq!(
        target(&c),
        (
            SchemaChangeType::Created,
            function_t("plus", &["int", "int"])
        )
    );
    let f = s
        .keyspace("ks")
        .unwrap()
        .functions
        .values()
        .next()
        .unwrap()
        .clone();
    assert_eq!(f.name, "plus");
    assert_eq!(
        f.arguments,
        vec![("a".into(), ColumnType::Int), ("b".into(), ColumnType::Int)]
    );
    assert!(f.called_on_null_input);
    assert_eq!(f.language, "java");
    assert_eq!(f.body, "return a + b;");

    invalid(&mut s, PLUS, "Function 'plus' already exists");
    assert_eq!(
        run(
            &mut s,
            &PLUS.replace("CREATE FUNCTION", "CREATE FUNCTION IF NOT EXISTS")
        )
        .unwrap(),
        None
    );
    let replace = PLUS.replace("CREATE", "CREATE OR REPLACE");
    assert_eq!(run(&mut s, &replace).unwrap(), None, "identical: no change");
    let c = ok(&mut s, &replace.replace("a + b", "b + a"));
    assert_eq!(
        target(&c),
        (
            SchemaChangeType::Updated,
            function_t("plus", &["int", "int"])
        )
    );
    invalid(
        &mut s,
        &replace.replace("CALLED ON", "RETURNS NULL ON"),
        "Function 'plus' must have RETURNS NULL ON NULL INPUT directive",
    );
    invalid(
        &mut s,
        &replace
            .replace("RETURNS int", "RETURNS bigint")
            .replace("a + b", "(long) a + b"),
        "Cannot replace function 'plus', the new return type bigint is not compatible with the return type int of existing function",
    );
    // Java compiles the body before looking at the existing function.
    invalid(
        &mut s,
        &replace.replace("RETURNS int", "RETURNS bigint"),
        "Java source compilation failed:\nLine 1: Type mismatch: cannot convert from int to Long\n",
    );
    // An overload is a new function.
    ok(
        &mut s,
        "CREATE FUNCTION ks.plus(a text) CALLED ON NULL INPUT RETURNS text LANGUAGE javascript AS 'a'",
    );
    assert_eq!(s.keyspace("ks").unwrap().functions.len(), 2);
}

#[test]
fn create_function_errors() {
    let mut s = with_ks();
    invalid(
        &mut s,
        "CREATE OR REPLACE FUNCTION IF NOT EXISTS ks.f() CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return 1;'",
        "Cannot use both 'OR REPLACE' and 'IF NOT EXISTS' directives",
    );
    invalid(
        &mut s,
        "CREATE FUNCTION ks.f(a int, a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return a;'",
        "Duplicate argument names for given function f with argument names [a, a]",
    );
    invalid(
        &mut s,
        "CREATE FUNCTION ks.f(a frozen<list<int>>) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return 1;'",
        "Argument 'frozen<list<int>>' cannot be frozen; remove frozen<> modifier from 'frozen<list<int>>'",
    );
    invalid(
        &mut s,
        "CREATE FUNCTION ks.f(a int) CALLED ON NULL INPUT RETURNS frozen<set<int>> LANGUAGE java AS 'return null;'",
        "Return type 'frozen<set<int>>' cannot be frozen; remove frozen<> modifier from 'frozen<set<int>>'",
    );
    invalid(
        &mut s,
        "CREATE FUNCTION nope.f(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return a;'",
        "Keyspace 'nope' doesn't exist",
    );
    invalid(
        &mut s,
        "CREATE FUNCTION ks.f(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE python AS 'a'",
        "Invalid language 'python' for function 'ks.f'",
    );
    invalid(
        &mut s,
        "CREATE FUNCTION system.f(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return a;'",
        "System keyspace 'system' is not user-modifiable",
    );
}

#[test]
fn functions_can_be_switched_off() {
    let mut s = with_ks();
    let run_with = |s: &mut super::Schema, features: SchemaFeatures, cql: &str| {
        let p = parse_statement(cql).unwrap();
        execute_in(
            s,
            &p.statement,
            Some("ks"),
            &ReplicationContext::default(),
            &features,
        )
    };
    let off = SchemaFeatures::cassandra_defaults();
    let e = run_with(&mut s, off, PLUS).unwrap_err();
    assert_eq!(
        e.message,
        "User-defined functions are disabled in cassandra.yaml - set user_defined_functions_enabled=true to enable"
    );
    let java_only = SchemaFeatures {
        scripted_user_defined_functions: false,
        ..SchemaFeatures::default()
    };
    run_with(&mut s, java_only, PLUS).unwrap();
    let e = run_with(
        &mut s,
        java_only,
        "CREATE FUNCTION ks.g(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE javascript AS 'a'",
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "Scripted user-defined functions are disabled in cassandra.yaml - set scripted_user_defined_functions_enabled=true to enable if you are aware of the security risks"
    );
}

#[test]
fn drop_function_overloads_and_errors() {
    let mut s = with_ks();
    ok(&mut s, PLUS);
    ok(
        &mut s,
        "CREATE FUNCTION ks.plus(a text) CALLED ON NULL INPUT RETURNS text LANGUAGE java AS 'return a;'",
    );
    invalid(
        &mut s,
        "DROP FUNCTION ks.plus",
        "'DROP FUNCTION plus' matches multiple function definitions; specify the argument types by issuing a statement like 'DROP FUNCTION plus (type, type, ...)'. You can use cqlsh 'DESCRIBE FUNCTION plus' command to find all overloads",
    );
    invalid(
        &mut s,
        "DROP FUNCTION ks.plus(bigint)",
        "Function 'ks.plus(bigint)' doesn't exist",
    );
    invalid(
        &mut s,
        "DROP FUNCTION ks.nope",
        "Function 'ks.nope' doesn't exist",
    );
    invalid(
        &mut s,
        "DROP FUNCTION nope.f",
        "Function 'nope.f' doesn't exist",
    );
    assert_eq!(
        run(&mut s, "DROP FUNCTION IF EXISTS ks.nope").unwrap(),
        None
    );
    let c = ok(&mut s, "DROP FUNCTION ks.plus(text)");
    assert_eq!(
        target(&c),
        (SchemaChangeType::Dropped, function_t("plus", &["text"]))
    );
    let c = ok(&mut s, "DROP FUNCTION plus");
    assert_eq!(
        target(&c),
        (
            SchemaChangeType::Dropped,
            function_t("plus", &["int", "int"])
        )
    );
    assert!(s.keyspace("ks").unwrap().functions.is_empty());
}

#[test]
fn create_aggregate_checks_its_functions() {
    let mut s = with_ks();
    invalid(
        &mut s,
        "CREATE AGGREGATE ks.total(int) SFUNC acc STYPE int INITCOND 0",
        "State function ks.acc(int, int) doesn't exist",
    );
    ok(&mut s, STATE);
    ok(&mut s, FINAL);
    invalid(
        &mut s,
        "CREATE AGGREGATE ks.total(int) SFUNC acc STYPE int",
        "Cannot create aggregate 'total' without INITCOND because state function ks.acc does not accept 'null' arguments",
    );
    invalid(
        &mut s,
        "CREATE AGGREGATE ks.total(int) SFUNC acc STYPE int FINALFUNC nope INITCOND 0",
        "Final function ks.nope(int) doesn't exist",
    );
    invalid(
        &mut s,
        "CREATE AGGREGATE ks.total(int) SFUNC acc STYPE frozen<list<int>> INITCOND 0",
        "State type 'frozen<list<int>>' cannot be frozen; remove frozen<> modifier from 'frozen<list<int>>'",
    );
    ok(
        &mut s,
        "CREATE FUNCTION ks.wrong(s bigint, v int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return v;'",
    );
    invalid(
        &mut s,
        "CREATE AGGREGATE ks.w(int) SFUNC wrong STYPE bigint",
        "State function ks.wrong(bigint, int) return type must be the same as the first argument type - check STYPE, argument and return types",
    );
    let c = ok(
        &mut s,
        "CREATE AGGREGATE ks.average(int) SFUNC acc STYPE int FINALFUNC half INITCOND 0",
    );
    assert_eq!(
        target(&c),
        (SchemaChangeType::Created, aggregate_t("average", &["int"]))
    );
    let a = s
        .keyspace("ks")
        .unwrap()
        .aggregates
        .values()
        .next()
        .unwrap()
        .clone();
    assert_eq!(a.state_function, "acc");
    assert_eq!(a.final_function.as_deref(), Some("half"));
    assert_eq!(a.initcond.as_deref(), Some("0"));
    assert_eq!(a.return_type, ColumnType::Double);
    invalid(
        &mut s,
        "CREATE AGGREGATE ks.average(int) SFUNC acc STYPE int INITCOND 0",
        "Aggregate 'average' already exists",
    );
    invalid(
        &mut s,
        "CREATE OR REPLACE AGGREGATE ks.average(int) SFUNC acc STYPE int INITCOND 0",
        "Cannot replace aggregate 'average', the new return type int isn't compatible with the return type double of existing function",
    );
    invalid(
        &mut s,
        "CREATE OR REPLACE AGGREGATE ks.half(int) SFUNC acc STYPE int INITCOND 0",
        "Aggregate 'half' cannot replace a function",
    );
    invalid(
        &mut s,
        "CREATE FUNCTION ks.average(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return a;'",
        "Function 'average' cannot replace an aggregate",
    );
    invalid(
        &mut s,
        "DROP FUNCTION ks.acc",
        "Function 'ks.acc' is still referenced by aggregates ks.average",
    );
    invalid(
        &mut s,
        "DROP AGGREGATE ks.nope(int)",
        "Aggregate 'ks.nope(int)' doesn't exist",
    );
    let c = ok(&mut s, "DROP AGGREGATE ks.average");
    assert_eq!(
        target(&c),
        (SchemaChangeType::Dropped, aggregate_t("average", &["int"]))
    );
    ok(&mut s, "DROP FUNCTION ks.acc");
}

#[test]
fn aggregate_initcond_is_stored_as_a_cql_literal() {
    let mut s = with_ks();
    ok(
        &mut s,
        "CREATE FUNCTION ks.cat(s text, v text) CALLED ON NULL INPUT RETURNS text LANGUAGE java AS 'return s + v;'",
    );
    ok(
        &mut s,
        "CREATE FUNCTION ks.dsum(s double, v double) CALLED ON NULL INPUT RETURNS double LANGUAGE java AS 'return s + v;'",
    );
    ok(
        &mut s,
        "CREATE FUNCTION ks.pair(s tuple<int, bigint>, v int) CALLED ON NULL INPUT RETURNS tuple<int, bigint> LANGUAGE java AS 'return s;'",
    );
    ok(
        &mut s,
        "CREATE AGGREGATE ks.c(text) SFUNC cat STYPE text INITCOND 'it''s'",
    );
    ok(
        &mut s,
        "CREATE AGGREGATE ks.d(double) SFUNC dsum STYPE double INITCOND 0",
    );
    ok(
        &mut s,
        "CREATE AGGREGATE ks.p(int) SFUNC pair STYPE tuple<int, bigint> INITCOND (0, 0)",
    );
    ok(&mut s, "CREATE AGGREGATE ks.n(text) SFUNC cat STYPE text");
    let ks = s.keyspace("ks").unwrap();
    let init = |n: &str| {
        ks.aggregates
            .values()
            .find(|a| a.name == n)
            .and_then(|a| a.initcond.clone())
    };
    assert_eq!(init("c").as_deref(), Some("'it''s'"));
    assert_eq!(init("d").as_deref(), Some("0.0"));
    assert_eq!(init("p").as_deref(), Some("(0, 0)"));
    assert_eq!(init("n"), None);
    invalid(
        &mut s,
        "CREATE AGGREGATE ks.e(double) SFUNC dsum STYPE double INITCOND ''",
        "Invalid STRING constant () for \"(dummy)\" of type double",
    );
}
