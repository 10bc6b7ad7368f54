//! Parsing the function, aggregate, materialized view and trigger statements.

use crate::cql::ast::*;
use crate::cql::parse_statement;

fn stmt(q: &str) -> Statement {
    parse_statement(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .statement
}

const ROUND_TRIP: &[&str] = &[
    "CREATE FUNCTION ks.f(a int, \"B\" list<text>) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return a;'",
    "CREATE OR REPLACE FUNCTION f() RETURNS NULL ON NULL INPUT RETURNS text LANGUAGE javascript AS $$'it''s'$$",
    "CREATE FUNCTION IF NOT EXISTS f(a tuple<int, int>) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return 1;'",
    "CREATE AGGREGATE ks.a(int, text) SFUNC s STYPE map<text, int> FINALFUNC f INITCOND {'a': 1}",
    "CREATE OR REPLACE AGGREGATE a() SFUNC s STYPE int",
    "DROP FUNCTION IF EXISTS ks.f(int, frozen<list<int>>)",
    "DROP FUNCTION f",
    "DROP FUNCTION f()",
    "DROP AGGREGATE ks.a(int)",
    "CREATE MATERIALIZED VIEW IF NOT EXISTS ks.v AS SELECT a, b FROM ks.t WHERE a IS NOT NULL AND b IS NOT NULL PRIMARY KEY ((b), a) WITH CLUSTERING ORDER BY (a DESC) AND comment = 'c'",
    "CREATE MATERIALIZED VIEW v AS SELECT * FROM t WHERE a IS NOT NULL AND b > 3 PRIMARY KEY ((a, b))",
    "ALTER MATERIALIZED VIEW IF EXISTS ks.v WITH gc_grace_seconds = 10",
    "DROP MATERIALIZED VIEW IF EXISTS ks.v",
    "CREATE TRIGGER IF NOT EXISTS \"Audit\" ON ks.t USING 'org.example.Audit'",
    "DROP TRIGGER IF EXISTS audit ON t",
];

#[test]
fn objects_round_trip() {
    for q in ROUND_TRIP {
        let first = stmt(q);
        let printed = first.to_string();
        let second = stmt(&printed);
        assert_eq!(first, second, "{printed}");
        assert_eq!(second.to_string(), printed);
    }
}

#[test]
fn create_function_parts() {
    let Statement::CreateFunction(f) = stmt(
        "create or replace function KS.F(x double) returns null on null input returns double language JAVA as $$return x;$$",
    ) else {
        panic!("not a function");
    };
    assert_eq!(f.name, QualifiedName::qualified("ks", "f"));
    assert!(f.or_replace && !f.if_not_exists && !f.called_on_null_input);
    assert_eq!(
        f.arguments,
        vec![("x".to_string(), CqlType::Native(NativeType::Double))]
    );
    assert_eq!(f.language, "java");
    assert_eq!(f.body, "return x;");
}

#[test]
fn drop_routine_arguments() {
    let Statement::DropAggregate(d) = stmt("DROP AGGREGATE a") else {
        panic!("not a drop");
    };
    assert_eq!(d.arguments, None);
    let Statement::DropFunction(d) = stmt("DROP FUNCTION f()") else {
        panic!("not a drop");
    };
    assert_eq!(d.arguments, Some(Vec::new()));
}

#[test]
fn create_view_parts() {
    let Statement::CreateView(v) = stmt(
        "CREATE MATERIALIZED VIEW ks.v AS SELECT * FROM ks.t WHERE a IS NOT NULL AND b IS NOT NULL PRIMARY KEY (b, a)",
    ) else {
        panic!("not a view");
    };
    assert!(v.columns.is_empty());
    assert_eq!(v.partition_key, vec!["b"]);
    assert_eq!(v.clustering_key, vec!["a"]);
    assert_eq!(v.where_clause.len(), 2);
}

#[test]
fn object_syntax_errors() {
    let e = |q: &str| parse_statement(q).unwrap_err().message;
    assert_eq!(
        e("CREATE FUNCTION f(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS x"),
        "line 1:75 mismatched input 'x' expecting STRING_LITERAL (...RETURNS int LANGUAGE java AS [x])"
    );
    assert_eq!(
        e(
            "CREATE MATERIALIZED VIEW v AS SELECT * FROM t WHERE a IS NOT NULL PRIMARY KEY (a) WITH COMPACT STORAGE"
        ),
        "Compact tables are not allowed in Cassandra starting with 4.0 version."
    );
    assert_eq!(
        e(
            "CREATE MATERIALIZED VIEW v AS SELECT * FROM t WHERE a IS NOT NULL AND b IS NOT NULL PRIMARY KEY (a, b) WITH CLUSTERING ORDER BY (b ASC, b DESC)"
        ),
        "Duplicate column 'b' in CLUSTERING ORDER BY clause for view 'v'"
    );
}
