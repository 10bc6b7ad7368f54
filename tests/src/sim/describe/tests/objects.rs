//! DESCRIBE of functions, aggregates and materialized views, alone and in their keyspace.

use super::{Client, TABLE_OPTIONS, row};

fn lab() -> Client {
    let mut c = Client::new();
    for q in [
        "CREATE KEYSPACE lab WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE lab.t (id int, c int, v text, w int, PRIMARY KEY (id, c))",
        "CREATE FUNCTION lab.plus(a int, b int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return a + b;'",
        "CREATE FUNCTION lab.plus(a text) RETURNS NULL ON NULL INPUT RETURNS text LANGUAGE javascript AS $$a + 'x'$$",
        "CREATE FUNCTION lab.\"Half\"(s tuple<int, int>) CALLED ON NULL INPUT RETURNS double LANGUAGE java AS 'return 0.5;'",
        "CREATE FUNCTION lab.acc(s tuple<int, int>, v int) CALLED ON NULL INPUT RETURNS tuple<int, int> LANGUAGE java AS 'return s;'",
        "CREATE AGGREGATE lab.average(int) SFUNC acc STYPE tuple<int, int> FINALFUNC \"Half\" INITCOND (0, 0)",
        "CREATE MATERIALIZED VIEW lab.by_v AS SELECT id, c, v FROM lab.t WHERE v IS NOT NULL AND id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (v, id, c) WITH CLUSTERING ORDER BY (id DESC, c ASC)",
        "CREATE MATERIALIZED VIEW lab.all_t AS SELECT * FROM lab.t WHERE id IS NOT NULL AND c IS NOT NULL PRIMARY KEY (c, id)",
        "CREATE TRIGGER audit ON lab.t USING 'org.example.Audit'",
    ] {
        c.exec(q);
    }
    c
}

const PLUS_INT: &str = "CREATE FUNCTION lab.plus(a int, b int)
    CALLED ON NULL INPUT
    RETURNS int
    LANGUAGE java
    AS $$return a + b;$$;";

const PLUS_TEXT: &str = "CREATE FUNCTION lab.plus(a text)
    RETURNS NULL ON NULL INPUT
    RETURNS text
    LANGUAGE javascript
    AS $$a + 'x'$$;";

const AVERAGE: &str = "CREATE AGGREGATE lab.average(int)
    SFUNC acc
    STYPE tuple<int, int>
    FINALFUNC \"Half\"
    INITCOND (0, 0);";

fn view_options() -> String {
    TABLE_OPTIONS.replace("    AND default_time_to_live = 0\n", "")
}

fn by_v() -> String {
    format!(
        "CREATE MATERIALIZED VIEW lab.by_v AS
    SELECT v, id, c
    FROM lab.t
    WHERE v IS NOT NULL AND id IS NOT NULL AND c IS NOT NULL
    PRIMARY KEY (v, id, c)
 WITH CLUSTERING ORDER BY (id DESC, c ASC)
    AND {}",
        view_options()
    )
}

fn all_t() -> String {
    format!(
        "CREATE MATERIALIZED VIEW lab.all_t AS
    SELECT *
    FROM lab.t
    WHERE id IS NOT NULL AND c IS NOT NULL
    PRIMARY KEY (c, id)
 WITH CLUSTERING ORDER BY (id ASC)
    AND {}",
        view_options()
    )
}

#[test]
fn describe_function_lists_every_overload() {
    let mut c = lab();
    assert_eq!(
        c.rows("DESCRIBE FUNCTION lab.plus"),
        vec![
            row("lab", "function", "plus(int, int)", PLUS_INT),
            row("lab", "function", "plus(text)", PLUS_TEXT),
        ]
    );
    assert_eq!(
        c.error("DESCRIBE FUNCTION lab.nope"),
        "User defined function 'nope' not found in 'lab'"
    );
}

#[test]
fn describe_aggregate() {
    let mut c = lab();
    assert_eq!(
        c.rows("DESCRIBE AGGREGATE lab.average"),
        vec![row("lab", "aggregate", "average(int)", AVERAGE)]
    );
    assert_eq!(
        c.error("DESCRIBE AGGREGATE lab.plus"),
        "User defined aggregate 'plus' not found in 'lab'"
    );
}

#[test]
fn describe_materialized_view() {
    let mut c = lab();
    assert_eq!(
        c.rows("DESCRIBE MATERIALIZED VIEW lab.by_v"),
        vec![row("lab", "materialized_view", "by_v", &by_v())]
    );
    assert_eq!(
        c.rows("DESCRIBE lab.all_t"),
        vec![row("lab", "materialized_view", "all_t", &all_t())]
    );
    let id = c.node.schema().view("lab", "all_t").unwrap().table.id;
    let internals = c.rows("DESCRIBE MATERIALIZED VIEW lab.all_t WITH INTERNALS");
    assert!(
        internals[0][3].contains(&format!(
            " WITH ID = {id}\n    AND CLUSTERING ORDER BY (id ASC)\n"
        )),
        "{}",
        internals[0][3]
    );
    assert_eq!(
        c.error("DESCRIBE MATERIALIZED VIEW lab.t"),
        "Materialized view 't' not found in 'lab'"
    );
}

#[test]
fn listings_of_functions_and_aggregates() {
    let mut c = lab();
    let listed = |c: &mut Client, q: &str| -> Vec<Vec<String>> {
        c.rows(q).into_iter().filter(|r| r[0] == "lab").collect()
    };
    let three = |k: &str, t: &str, n: &str| vec![k.to_string(), t.to_string(), n.to_string()];
    assert_eq!(
        listed(&mut c, "DESCRIBE FUNCTIONS"),
        vec![
            three("lab", "function", "acc(tuple<int, int>, int)"),
            three("lab", "function", "\"Half\"(tuple<int, int>)"),
            three("lab", "function", "plus(int, int)"),
            three("lab", "function", "plus(text)"),
        ]
    );
    assert_eq!(
        listed(&mut c, "DESCRIBE AGGREGATES"),
        vec![three("lab", "aggregate", "average(int)")]
    );
    // Views are no tables.
    let tables: Vec<String> = listed(&mut c, "DESCRIBE TABLES")
        .into_iter()
        .map(|r| r[2].clone())
        .collect();
    assert_eq!(tables, ["t"]);
}

#[test]
fn keyspace_order_types_functions_aggregates_tables_views() {
    let mut c = lab();
    let kinds: Vec<(String, String)> = c
        .rows("DESCRIBE KEYSPACE lab")
        .into_iter()
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("keyspace", "lab"),
        ("function", "acc(tuple<int, int>, int)"),
        ("function", "\"Half\"(tuple<int, int>)"),
        ("function", "plus(int, int)"),
        ("function", "plus(text)"),
        ("aggregate", "average(int)"),
        ("table", "t"),
        ("materialized_view", "all_t"),
        ("materialized_view", "by_v"),
    ]
    .iter()
    .map(|(k, n)| (k.to_string(), n.to_string()))
    .collect();
    assert_eq!(kinds, expected);
    // DESCRIBE TABLE gives the table and its indexes only; no trigger is printed (4.1's
    // `TableMetadata.toCqlString` has none).
    let table = c.rows("DESCRIBE TABLE lab.t");
    assert_eq!(table.len(), 1);
    assert!(!table[0][3].contains("TRIGGER"));
}
