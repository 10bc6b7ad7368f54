//! The statement forms the object mapper sends (`cql_core::mapper`): PREPARED, with bound
//! values, quoted identifiers and keyspace-qualified tables, answered as Cassandra 4.1
//! answers them.

use cql_core::message::DbError;
use cql_core::types::ColumnType;
use cql_core::{CqlTimestamp, CqlValue};

use crate::sim::error::CqlResult;
use crate::sim::node::{Node, NodeConfig, SessionState};
use crate::sim::outcome::{BoundValue, BoundValues, ExecParams, Outcome, RowsResult};
use crate::sim::schema::features::SchemaFeatures;

/// A bound value: a value of the marker's type, null or unset.
enum V {
    Val(CqlValue),
    Null,
    Unset,
}

fn i(v: i32) -> V {
    V::Val(CqlValue::Int(v))
}

fn t(v: &str) -> V {
    V::Val(CqlValue::Text(v.to_string()))
}

fn big(v: i64) -> V {
    V::Val(CqlValue::BigInt(v))
}

fn ints(v: &[i32]) -> V {
    V::Val(CqlValue::List(
        v.iter().map(|x| CqlValue::Int(*x)).collect(),
    ))
}

fn texts(v: &[&str]) -> V {
    V::Val(CqlValue::Set(
        v.iter().map(|x| CqlValue::Text((*x).to_string())).collect(),
    ))
}

struct Client {
    node: Node,
    session: SessionState,
}

const KS: &str = "CREATE KEYSPACE \"ks\" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";

impl Client {
    fn with(config: NodeConfig, ddl: &[&str]) -> Self {
        let mut c = Self {
            node: Node::new(config),
            session: SessionState::default(),
        };
        for q in std::iter::once(&KS).chain(ddl) {
            c.node
                .query(
                    q,
                    &BoundValues::default(),
                    &ExecParams::default(),
                    &mut c.session,
                )
                .unwrap_or_else(|e| panic!("{q}: {e:?}"));
        }
        c
    }

    fn new(ddl: &[&str]) -> Self {
        Self::with(NodeConfig::default(), ddl)
    }

    /// Prepares `q`, binds `values` by the markers' types and executes it.
    fn exec_with(&mut self, q: &str, values: Vec<V>, params: &ExecParams) -> CqlResult<Outcome> {
        let p = self.node.prepare(q, None, &self.session)?;
        assert_eq!(p.shape.bind.len(), values.len(), "{q}: markers");
        let values = p
            .shape
            .bind
            .iter()
            .zip(values)
            .map(|(spec, v)| match v {
                V::Val(v) => {
                    let mut out = Vec::new();
                    v.serialize(&spec.typ, &mut out)
                        .unwrap_or_else(|e| panic!("{q}: {} {e:?}", spec.name));
                    BoundValue::Bytes(out.into())
                }
                V::Null => BoundValue::Null,
                V::Unset => BoundValue::Unset,
            })
            .collect();
        let values = BoundValues {
            values,
            names: None,
        };
        self.node.execute(&p.id, &values, params, &mut self.session)
    }

    fn exec(&mut self, q: &str, values: Vec<V>) -> CqlResult<Outcome> {
        self.exec_with(q, values, &ExecParams::default())
    }

    fn ok(&mut self, q: &str, values: Vec<V>) {
        self.exec(q, values)
            .unwrap_or_else(|e| panic!("{q}: {e:?}"));
    }

    fn result(&mut self, q: &str, values: Vec<V>) -> RowsResult {
        match self
            .exec(q, values)
            .unwrap_or_else(|e| panic!("{q}: {e:?}"))
        {
            Outcome::Rows(r) => r,
            other => panic!("{q}: not rows: {other:?}"),
        }
    }

    /// The rows, decoded.
    fn rows(&mut self, q: &str, values: Vec<V>) -> Vec<Vec<Option<CqlValue>>> {
        decode(&self.result(q, values))
    }

    /// The rows' first column as ints.
    fn ints(&mut self, q: &str, values: Vec<V>) -> Vec<i64> {
        self.rows(q, values)
            .iter()
            .map(|r| match r.first() {
                Some(Some(CqlValue::Int(v))) => i64::from(*v),
                Some(Some(CqlValue::BigInt(v) | CqlValue::Counter(v))) => *v,
                other => panic!("{q}: not an int: {other:?}"),
            })
            .collect()
    }

    /// An LWT's answer: its column names and its one row.
    fn lwt(&mut self, q: &str, values: Vec<V>) -> (Vec<String>, Vec<Option<CqlValue>>) {
        let r = self.result(q, values);
        let names = r.columns.iter().map(|c| c.name.clone()).collect();
        let mut rows = decode(&r);
        assert_eq!(rows.len(), 1, "{q}: one row");
        (names, rows.remove(0))
    }

    /// The message of an `Invalid` answer to EXECUTE (the statement prepares).
    fn err(&mut self, q: &str, values: Vec<V>) -> String {
        let e = self.exec(q, values).expect_err(q);
        assert_eq!(e.error, DbError::Invalid, "{q}: {}", e.message);
        e.message
    }

    /// The message of an `Invalid` answer to PREPARE.
    fn prepare_err(&self, q: &str) -> String {
        let e = self.node.prepare(q, None, &self.session).expect_err(q);
        assert_eq!(e.error, DbError::Invalid, "{q}: {}", e.message);
        e.message
    }
}

fn decode(r: &RowsResult) -> Vec<Vec<Option<CqlValue>>> {
    r.rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&r.columns)
                .map(|(v, c)| CqlValue::deserialize(&c.typ, v.as_deref()).unwrap())
                .collect()
        })
        .collect()
}

fn applied(v: bool) -> Option<CqlValue> {
    Some(CqlValue::Boolean(v))
}

fn text(v: &str) -> Option<CqlValue> {
    Some(CqlValue::Text(v.to_string()))
}

fn int(v: i32) -> Option<CqlValue> {
    Some(CqlValue::Int(v))
}

const FILTERING: &str = crate::sim::exec::restrict::FILTERING;

const IX: &str = "CREATE TABLE \"ks\".\"ix\" (\"p\" int, \"c\" int, \"a\" text, \"n\" int, \
     \"tags\" set<text>, \"attrs\" map<text, text>, \"fl\" frozen<list<int>>, \"name\" text, \
     \"pre\" text, \"nm\" text, PRIMARY KEY (\"p\", \"c\"))";

fn indexed() -> Client {
    let mut c = Client::new(&[
        IX,
        "CREATE INDEX \"ix_a\" ON \"ks\".\"ix\" (\"a\")",
        "CREATE INDEX \"ix_tags\" ON \"ks\".\"ix\" (values(\"tags\"))",
        "CREATE INDEX \"ix_keys\" ON \"ks\".\"ix\" (keys(\"attrs\"))",
        "CREATE INDEX \"ix_entries\" ON \"ks\".\"ix\" (entries(\"attrs\"))",
        "CREATE INDEX \"ix_fl\" ON \"ks\".\"ix\" (full(\"fl\"))",
        "CREATE CUSTOM INDEX \"ix_name\" ON \"ks\".\"ix\" (\"name\") \
         USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {'mode': 'CONTAINS'}",
        "CREATE CUSTOM INDEX \"ix_pre\" ON \"ks\".\"ix\" (\"pre\") \
         USING 'org.apache.cassandra.index.sasi.SASIIndex'",
    ]);
    let q = "INSERT INTO \"ks\".\"ix\" (\"p\", \"c\", \"a\", \"n\", \"tags\", \"attrs\", \"fl\", \"name\", \"pre\") \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    let attrs = |k: &str, v: &str| {
        V::Val(CqlValue::Map(vec![(
            CqlValue::Text(k.to_string()),
            CqlValue::Text(v.to_string()),
        )]))
    };
    for (p, ck, a, tags, (k, v), fl, name) in [
        (
            1,
            1,
            "x",
            &["red", "blue"][..],
            ("k1", "v1"),
            &[1, 2][..],
            "abc",
        ),
        (1, 2, "y", &["red"][..], ("k2", "v2"), &[3][..], "xaby"),
        (
            2,
            1,
            "x",
            &["green"][..],
            ("k1", "other"),
            &[1, 2][..],
            "zzab",
        ),
    ] {
        c.ok(
            q,
            vec![
                i(p),
                i(ck),
                t(a),
                i(p * 10 + ck),
                texts(tags),
                attrs(k, v),
                ints(fl),
                t(name),
                t(name),
            ],
        );
    }
    c
}

fn keys(rows: Vec<Vec<Option<CqlValue>>>) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = rows
        .iter()
        .map(|r| match (&r[0], &r[1]) {
            (Some(CqlValue::Int(p)), Some(CqlValue::Int(c))) => (*p, *c),
            other => panic!("not a key: {other:?}"),
        })
        .collect();
    out.sort_unstable();
    out
}

#[test]
fn like_is_answered_by_sasi_indexes_by_their_mode() {
    let mut c = indexed();
    let q = "SELECT \"p\", \"c\" FROM \"ks\".\"ix\" WHERE \"name\" LIKE ?";
    assert_eq!(keys(c.rows(q, vec![t("ab%")])), [(1, 1)]);
    assert_eq!(keys(c.rows(q, vec![t("%ab")])), [(2, 1)]);
    assert_eq!(keys(c.rows(q, vec![t("%ab%")])), [(1, 1), (1, 2), (2, 1)]);
    assert_eq!(keys(c.rows(q, vec![t("abc")])), [(1, 1)]);
    // only the first and last % are wildcards
    assert_eq!(keys(c.rows(q, vec![t("a%c")])), []);
    assert_eq!(c.err(q, vec![t("%")]), "LIKE value can't be empty.");
    let p = c.node.prepare(q, None, &c.session).unwrap();
    assert_eq!(p.shape.bind[0].name, "name");
    // PREFIX mode (the default): prefix and exact match only, refused once the value is known
    let q = "SELECT \"p\", \"c\" FROM \"ks\".\"ix\" WHERE \"pre\" LIKE ?";
    assert_eq!(keys(c.rows(q, vec![t("xa%")])), [(1, 2)]);
    assert_eq!(keys(c.rows(q, vec![t("zzab")])), [(2, 1)]);
    assert_eq!(
        c.err(q, vec![t("%ab")]),
        "pre LIKE '%<term>' ab is only supported on properly indexed columns"
    );
    assert_eq!(
        c.err(q, vec![t("%ab%")]),
        "pre LIKE '%<term>%' ab is only supported on properly indexed columns"
    );
    // `=` through a SASI index
    let q = "SELECT \"p\", \"c\" FROM \"ks\".\"ix\" WHERE \"name\" = ?";
    assert_eq!(keys(c.rows(q, vec![t("xaby")])), [(1, 2)]);
    // no index: refused when prepared, ALLOW FILTERING or not
    for q in [
        "SELECT \"p\" FROM \"ks\".\"ix\" WHERE \"nm\" LIKE ?",
        "SELECT \"p\" FROM \"ks\".\"ix\" WHERE \"nm\" LIKE ? ALLOW FILTERING",
    ] {
        assert_eq!(
            c.prepare_err(q),
            "LIKE restriction is only supported on properly indexed columns. nm LIKE ? is not valid."
        );
    }
    assert_eq!(
        c.prepare_err("SELECT \"p\" FROM \"ks\".\"ix\" WHERE \"nm\" LIKE 'a%'"),
        "LIKE restriction is only supported on properly indexed columns. nm LIKE 'a%' is not valid."
    );
}

#[test]
fn sasi_indexes_warn_and_can_be_switched_off() {
    let mut c = Client::new(&[IX]);
    let q = "CREATE CUSTOM INDEX IF NOT EXISTS \"s\" ON \"ks\".\"ix\" (\"name\") \
             USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {'mode': 'CONTAINS'}";
    c.ok(q, vec![]);
    assert_eq!(
        c.session.warnings,
        ["SASI indexes are experimental and are not recommended for production use."]
    );
    for (target, options, want) in [
        ("tags", "", "complex columns are not yet supported by SASI"),
        (
            "nm",
            " WITH OPTIONS = {'mode': 'SPARSE'}",
            "SPARSE mode is only supported on non-literal columns.",
        ),
    ] {
        let q = format!(
            "CREATE CUSTOM INDEX ON \"ks\".\"ix\" (\"{target}\") USING 'org.apache.cassandra.index.sasi.SASIIndex'{options}"
        );
        let e = c.exec(&q, vec![]).unwrap_err();
        assert_eq!((e.error, e.message.as_str()), (DbError::ConfigError, want));
    }
    let off = NodeConfig {
        features: SchemaFeatures::cassandra_defaults(),
        ..NodeConfig::default()
    };
    let mut c = Client::with(off, &[IX]);
    assert_eq!(
        c.err(q, vec![]),
        "SASI indexes are disabled. Enable in cassandra.yaml to use."
    );
    c.ok("CREATE INDEX \"plain\" ON \"ks\".\"ix\" (\"name\")", vec![]);
}

#[test]
fn each_index_kind_answers_its_own_operator() {
    let mut c = indexed();
    let sel = |w: &str| format!("SELECT \"p\", \"c\" FROM \"ks\".\"ix\" WHERE {w}");
    assert_eq!(
        keys(c.rows(&sel("\"a\" = ?"), vec![t("x")])),
        [(1, 1), (2, 1)]
    );
    assert_eq!(
        keys(c.rows(&sel("\"tags\" CONTAINS ?"), vec![t("red")])),
        [(1, 1), (1, 2)]
    );
    assert_eq!(
        keys(c.rows(&sel("\"attrs\" CONTAINS KEY ?"), vec![t("k1")])),
        [(1, 1), (2, 1)]
    );
    assert_eq!(
        keys(c.rows(&sel("\"attrs\"[?] = ?"), vec![t("k1"), t("v1")])),
        [(1, 1)]
    );
    assert_eq!(
        keys(c.rows(&sel("\"fl\" = ?"), vec![ints(&[1, 2])])),
        [(1, 1), (2, 1)]
    );
    assert_eq!(
        keys(c.rows(&sel("\"p\" = ? AND \"a\" = ?"), vec![i(1), t("x")])),
        [(1, 1)]
    );
    assert_eq!(
        keys(c.rows(
            &sel("\"p\" = ? AND \"c\" > ? AND \"a\" = ?"),
            vec![i(1), i(0), t("x")]
        )),
        [(1, 1)]
    );
    // the map's values have no index (keys and entries only); an IN never uses one
    for w in ["\"attrs\" CONTAINS ?", "\"a\" IN ?", "\"n\" = ?"] {
        assert_eq!(c.prepare_err(&sel(w)), FILTERING, "{w}");
    }
    // more than one column restricted beside the index: filtering
    for w in [
        "\"a\" = ? AND \"tags\" CONTAINS ?",
        "\"a\" = ? AND \"n\" = ?",
        "\"a\" = ? AND \"c\" = ?",
        "\"tags\" CONTAINS ? AND \"tags\" CONTAINS ?",
    ] {
        assert_eq!(c.prepare_err(&sel(w)), FILTERING, "{w}");
    }
    assert_eq!(
        keys(c.rows(
            &sel("\"a\" = ? AND \"tags\" CONTAINS ? ALLOW FILTERING"),
            vec![t("x"), t("green")]
        )),
        [(2, 1)]
    );
    assert_eq!(
        keys(c.rows(
            &sel("\"a\" IN ? ALLOW FILTERING"),
            vec![V::Val(CqlValue::List(vec![
                CqlValue::Text("y".into()),
                CqlValue::Text("q".into())
            ]))]
        )),
        [(1, 2)]
    );
    assert_eq!(
        c.prepare_err(&sel("\"p\" IN ? AND \"a\" = ?")),
        "Select on indexed columns and with IN clause for the PRIMARY KEY are not supported"
    );
    assert_eq!(
        c.prepare_err(&sel("\"tags\" CONTAINS KEY ?")),
        "Cannot use CONTAINS KEY on non-map column tags"
    );
    assert_eq!(
        c.prepare_err(&sel("\"n\" CONTAINS ?")),
        "Cannot use CONTAINS on non-collection column n"
    );
}

#[test]
fn a_partial_partition_key_with_an_index_needs_filtering() {
    let mut c = Client::new(&[
        "CREATE TABLE \"ks\".\"t\" (\"p1\" int, \"p2\" int, \"c\" int, \"a\" text, PRIMARY KEY ((\"p1\", \"p2\"), \"c\"))",
        "CREATE INDEX ON \"ks\".\"t\" (\"a\")",
    ]);
    c.ok(
        "INSERT INTO \"ks\".\"t\" (\"p1\", \"p2\", \"c\", \"a\") VALUES (?, ?, ?, ?)",
        vec![i(1), i(2), i(3), t("x")],
    );
    let q = "SELECT \"c\" FROM \"ks\".\"t\" WHERE \"p1\" = ? AND \"a\" = ?";
    assert_eq!(c.prepare_err(q), FILTERING);
    let q = "SELECT \"c\" FROM \"ks\".\"t\" WHERE \"p1\" = ? AND \"a\" = ? ALLOW FILTERING";
    assert_eq!(c.ints(q, vec![i(1), t("x")]), [3]);
    // a slice on the partition key without token() is filtering too
    assert_eq!(
        c.prepare_err("SELECT \"c\" FROM \"ks\".\"t\" WHERE \"p1\" > ? AND \"p2\" = ?"),
        FILTERING
    );
}

const CK: &str = "CREATE TABLE \"ks\".\"t\" (\"p\" int, \"c1\" int, \"c2\" int, \"v\" int, \
     PRIMARY KEY (\"p\", \"c1\", \"c2\")) WITH CLUSTERING ORDER BY (\"c1\" ASC, \"c2\" DESC)";

fn clustered() -> Client {
    let mut c = Client::new(&[CK]);
    for p in [2, 1] {
        for c1 in 1..=2 {
            for c2 in 1..=2 {
                c.ok(
                    "INSERT INTO \"ks\".\"t\" (\"p\", \"c1\", \"c2\", \"v\") VALUES (?, ?, ?, ?)",
                    vec![i(p), i(c1), i(c2), i(p * 100 + c1 * 10 + c2)],
                );
            }
        }
    }
    c
}

#[test]
fn order_by_may_skip_columns_restricted_by_equality() {
    let mut c = clustered();
    let q = "SELECT \"v\" FROM \"ks\".\"t\" WHERE \"p\" = ? AND \"c1\" = ? ORDER BY \"c2\" ASC";
    assert_eq!(c.ints(q, vec![i(1), i(2)]), [121, 122]);
    let q = "SELECT \"v\" FROM \"ks\".\"t\" WHERE \"p\" = ? AND \"c1\" IN ? ORDER BY \"c2\" ASC";
    assert_eq!(
        c.prepare_err(q),
        "Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY"
    );
    let q = "SELECT \"v\" FROM \"ks\".\"t\" WHERE \"p\" = ? ORDER BY \"c1\" DESC, \"c2\" DESC";
    assert_eq!(c.prepare_err(q), "Unsupported order by relation");
    let q = "SELECT \"v\" FROM \"ks\".\"t\" WHERE \"p\" = ? ORDER BY \"c1\" DESC, \"c2\" ASC";
    assert_eq!(c.ints(q, vec![i(1)]), [121, 122, 111, 112]);
    // a skipped clustering column beside an index: filtering, not the clustering error
    let q = "SELECT \"v\" FROM \"ks\".\"t\" WHERE \"p\" = ? AND \"c2\" = ? AND \"v\" = ?";
    assert_eq!(
        c.prepare_err(q),
        "PRIMARY KEY column \"c2\" cannot be restricted as preceding column \"c1\" is not restricted"
    );
    c.ok("CREATE INDEX ON \"ks\".\"t\" (\"v\")", vec![]);
    assert_eq!(c.prepare_err(q), FILTERING);
}

#[test]
fn in_on_the_partition_key_with_order_by_sorts_the_rows_and_cannot_page() {
    let mut c = clustered();
    let paged = ExecParams {
        page_size: Some(100),
        ..ExecParams::default()
    };
    let q = "SELECT \"v\" FROM \"ks\".\"t\" WHERE \"p\" IN ? ORDER BY \"c1\" DESC";
    let e = c.exec_with(q, vec![ints(&[2, 1])], &paged).unwrap_err();
    assert_eq!(
        e.message,
        "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must either remove the ORDER BY or the IN and sort client side, or disable paging for this query"
    );
    // unpaged: the rows of both partitions sorted by the ordering columns, ties in key order
    assert_eq!(
        c.ints(q, vec![ints(&[2, 1])]),
        [121, 122, 221, 222, 111, 112, 211, 212]
    );
    // a limit within the page: not paged, the first rows in key order, then sorted
    let q = "SELECT \"v\" FROM \"ks\".\"t\" WHERE \"p\" IN ? ORDER BY \"c1\" DESC LIMIT ?";
    let r = match c.exec_with(q, vec![ints(&[2, 1]), i(5)], &paged).unwrap() {
        Outcome::Rows(r) => r,
        other => panic!("{other:?}"),
    };
    assert!(r.paging_state.is_none());
    let v: Vec<_> = decode(&r).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(v, [int(121), int(122), int(221), int(111), int(112)]);
}

#[test]
fn select_distinct_checks() {
    let mut c = Client::new(&[
        "CREATE TABLE \"ks\".\"t\" (\"p1\" int, \"p2\" int, \"c\" int, \"s\" int static, \"v\" int, PRIMARY KEY ((\"p1\", \"p2\"), \"c\"))",
    ]);
    assert_eq!(
        c.prepare_err("SELECT DISTINCT \"p1\" FROM \"ks\".\"t\""),
        "SELECT DISTINCT queries must request all the partition key columns (missing p2)"
    );
    assert_eq!(
        c.prepare_err("SELECT DISTINCT \"p1\", \"v\" FROM \"ks\".\"t\""),
        "SELECT DISTINCT queries must only request partition key columns and/or static columns (not v)"
    );
    assert_eq!(
        c.prepare_err(
            "SELECT DISTINCT \"p1\", \"p2\" FROM \"ks\".\"t\" WHERE \"p1\" = ? AND \"p2\" = ? AND \"c\" = ?"
        ),
        "SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns."
    );
    c.ok(
        "INSERT INTO \"ks\".\"t\" (\"p1\", \"p2\", \"c\", \"s\") VALUES (?, ?, ?, ?)",
        vec![i(1), i(2), i(3), i(4)],
    );
    // the whole key given: one partition, a part of the key may be selected
    let q = "SELECT DISTINCT \"p1\", \"s\" FROM \"ks\".\"t\" WHERE \"p1\" = ? AND \"p2\" = ?";
    assert_eq!(c.rows(q, vec![i(1), i(2)]), [vec![int(1), int(4)]]);
}

const LWT: &str = "CREATE TABLE \"ks\".\"t\" (\"p\" int, \"c\" int, \"a\" text, \"b\" int, \
     \"st\" text static, PRIMARY KEY (\"p\", \"c\"))";

#[test]
fn failed_conditions_answer_the_condition_columns_in_if_order() {
    let mut c = Client::new(&[LWT]);
    let upd = |cond: &str| {
        format!("UPDATE \"ks\".\"t\" SET \"a\" = ? WHERE \"p\" = ? AND \"c\" = ? IF {cond}")
    };
    // no row: not applied, `[applied]` alone
    let (names, row) = c.lwt(
        &upd("\"a\" = ? AND \"b\" > ?"),
        vec![t("v"), i(1), i(1), t("x"), i(0)],
    );
    assert_eq!(
        (names, row),
        (vec!["[applied]".to_string()], vec![applied(false)])
    );
    let (names, row) = c.lwt(&upd("EXISTS"), vec![t("v"), i(1), i(1)]);
    assert_eq!(
        (names, row),
        (vec!["[applied]".to_string()], vec![applied(false)])
    );
    // `= null` holds on a missing row
    let (_, row) = c.lwt(&upd("\"a\" = ?"), vec![t("v"), i(1), i(1), V::Null]);
    assert_eq!(row, [applied(true)]);
    c.ok(
        "UPDATE \"ks\".\"t\" SET \"b\" = ?, \"st\" = ? WHERE \"p\" = ? AND \"c\" = ?",
        vec![i(5), t("s"), i(1), i(1)],
    );
    let (names, row) = c.lwt(
        &upd("\"st\" = ? AND \"b\" > ? AND \"a\" = ? AND \"b\" < ?"),
        vec![t("w"), i(1), i(1), t("s"), i(9), t("v"), i(10)],
    );
    assert_eq!(names, ["[applied]", "b", "a", "st"]);
    assert_eq!(row, [applied(false), int(5), text("v"), text("s")]);
    let (names, row) = c.lwt(
        &upd("\"a\" IN ?"),
        vec![
            t("w"),
            i(1),
            i(1),
            V::Val(CqlValue::List(vec![CqlValue::Text("q".into())])),
        ],
    );
    assert_eq!((names.len(), row), (2, vec![applied(false), text("v")]));
    let (names, row) = c.lwt(&upd("\"a\" != ?"), vec![t("w"), i(1), i(1), t("v")]);
    assert_eq!((names.len(), row), (2, vec![applied(false), text("v")]));
    // static conditions read the partition: null statics of a partition with rows answer
    c.ok(
        "INSERT INTO \"ks\".\"t\" (\"p\", \"c\", \"a\") VALUES (?, ?, ?)",
        vec![i(2), i(1), t("x")],
    );
    let q = "UPDATE \"ks\".\"t\" SET \"st\" = ? WHERE \"p\" = ? IF \"st\" = ?";
    let (names, row) = c.lwt(q, vec![t("n"), i(2), t("other")]);
    assert_eq!(names, ["[applied]", "st"]);
    assert_eq!(row, [applied(false), None]);
    let (names, _) = c.lwt(q, vec![t("n"), i(3), t("other")]);
    assert_eq!(names, ["[applied]"]);
    // IF NOT EXISTS on an existing row: the whole row
    let q = "INSERT INTO \"ks\".\"t\" (\"p\", \"c\", \"a\") VALUES (?, ?, ?) IF NOT EXISTS";
    let (names, row) = c.lwt(q, vec![i(1), i(1), t("z")]);
    assert_eq!(names, ["[applied]", "p", "c", "st", "a", "b"]);
    assert_eq!(
        row,
        [applied(false), int(1), int(1), text("s"), text("v"), int(5)]
    );
}

#[test]
fn modification_attributes_are_checked_as_cassandra_checks_them() {
    let mut c = Client::new(&[
        LWT,
        "CREATE TABLE \"ks\".\"cnt\" (\"p\" int PRIMARY KEY, \"n\" counter)",
    ]);
    for q in [
        "INSERT INTO \"ks\".\"t\" (\"p\", \"c\", \"a\") VALUES (?, ?, ?) IF NOT EXISTS USING TTL ? AND TIMESTAMP ?",
        "UPDATE \"ks\".\"t\" USING TIMESTAMP ? SET \"a\" = ? WHERE \"p\" = ? AND \"c\" = ? IF EXISTS",
        "DELETE FROM \"ks\".\"t\" USING TIMESTAMP ? WHERE \"p\" = ? AND \"c\" = ? IF \"a\" = ?",
    ] {
        assert_eq!(
            c.prepare_err(q),
            "Cannot provide custom timestamp for conditional updates",
            "{q}"
        );
    }
    assert_eq!(
        c.prepare_err("UPDATE \"ks\".\"cnt\" SET \"n\" = \"n\" + ? WHERE \"p\" = ? IF EXISTS"),
        "Conditional updates are not supported on counter tables"
    );
    // counters: refused when executed, not when prepared
    assert_eq!(
        c.err(
            "UPDATE \"ks\".\"cnt\" USING TTL ? SET \"n\" = \"n\" + ? WHERE \"p\" = ?",
            vec![i(5), big(1), i(1)]
        ),
        "Cannot provide custom TTL for counter updates"
    );
    assert_eq!(
        c.err(
            "UPDATE \"ks\".\"cnt\" USING TIMESTAMP ? SET \"n\" = \"n\" - ? WHERE \"p\" = ?",
            vec![big(5), big(1), i(1)]
        ),
        "Cannot provide custom timestamp for counter updates"
    );
    c.ok(
        "UPDATE \"ks\".\"cnt\" SET \"n\" = \"n\" - ? WHERE \"p\" = ?",
        vec![big(2), i(1)],
    );
    assert_eq!(
        c.ints(
            "SELECT \"n\" FROM \"ks\".\"cnt\" WHERE \"p\" = ?",
            vec![i(1)]
        ),
        [-2]
    );
    // an LWT with a TTL is fine
    let (_, row) = c.lwt(
        "INSERT INTO \"ks\".\"t\" (\"p\", \"c\", \"a\") VALUES (?, ?, ?) IF NOT EXISTS USING TTL ?",
        vec![i(1), i(1), t("a"), i(100)],
    );
    assert_eq!(row, [applied(true)]);
    let ttl = c.ints(
        "SELECT TTL(\"a\") FROM \"ks\".\"t\" WHERE \"p\" = ? AND \"c\" = ?",
        vec![i(1), i(1)],
    );
    assert!(matches!(ttl.as_slice(), [99 | 100]), "{ttl:?}");
}

#[test]
fn update_and_delete_key_checks() {
    let mut c = Client::new(&[
        "CREATE TABLE \"ks\".\"t\" (\"p\" int, \"c1\" int, \"c2\" int, \"a\" int, \"m\" map<text, int>, \
         \"st\" int static, PRIMARY KEY (\"p\", \"c1\", \"c2\"))",
    ]);
    assert_eq!(
        c.prepare_err("UPDATE \"ks\".\"t\" SET \"a\" = ? WHERE \"p\" = ?"),
        "Some clustering keys are missing: c1, c2"
    );
    assert_eq!(
        c.prepare_err("UPDATE \"ks\".\"t\" SET \"a\" = ? WHERE \"p\" = ? AND \"c2\" = ?"),
        "Some clustering keys are missing: c1"
    );
    assert_eq!(
        c.prepare_err("DELETE FROM \"ks\".\"t\" WHERE \"p\" = ? AND \"c2\" = ?"),
        "PRIMARY KEY column \"c2\" cannot be restricted as preceding column \"c1\" is not restricted"
    );
    assert_eq!(
        c.prepare_err("UPDATE \"ks\".\"t\" SET \"a\" = ? WHERE \"p\" = ? AND \"c1\" > ?"),
        "Slice restrictions are not supported on the clustering columns in UPDATE statements"
    );
    // static columns alone need the partition key only
    c.ok(
        "UPDATE \"ks\".\"t\" SET \"st\" = ? WHERE \"p\" = ?",
        vec![i(7), i(1)],
    );
    // conditional DELETEs name whole rows, unless they touch static columns only
    assert_eq!(
        c.prepare_err("DELETE FROM \"ks\".\"t\" WHERE \"p\" = ? AND \"c1\" > ? IF EXISTS"),
        "DELETE statements must restrict all PRIMARY KEY columns with equality relations in order to delete non static columns"
    );
    assert_eq!(
        c.prepare_err("DELETE \"st\" FROM \"ks\".\"t\" WHERE \"p\" = ? IF \"a\" = ?"),
        "DELETE statements must restrict all PRIMARY KEY columns with equality relations in order to use IF condition on non static columns"
    );
    let (names, row) = c.lwt(
        "DELETE \"st\" FROM \"ks\".\"t\" WHERE \"p\" = ? IF \"st\" = ?",
        vec![i(1), i(7)],
    );
    assert_eq!(
        (names, row),
        (vec!["[applied]".to_string()], vec![applied(true)])
    );
    assert_eq!(
        c.err(
            "DELETE FROM \"ks\".\"t\" WHERE \"p\" IN ? AND \"c1\" = ? AND \"c2\" = ? IF EXISTS",
            vec![ints(&[1, 2]), i(1), i(1)]
        ),
        "IN on the partition key is not supported with conditional deletions"
    );
    assert_eq!(
        c.err(
            "UPDATE \"ks\".\"t\" SET \"a\" = ? WHERE \"p\" = ? AND \"c1\" IN ? AND \"c2\" = ? IF EXISTS",
            vec![i(1), i(1), ints(&[1, 2]), i(1)]
        ),
        "IN on the clustering key columns is not supported with conditional updates"
    );
    // columns of a range of rows: Cassandra's two wordings
    assert_eq!(
        c.err(
            "DELETE \"m\"[?] FROM \"ks\".\"t\" WHERE \"p\" = ?",
            vec![t("k"), i(1)]
        ),
        "Range deletion is not supported for specific columns"
    );
    assert_eq!(
        c.err(
            "DELETE \"a\" FROM \"ks\".\"t\" WHERE \"p\" = ? AND \"c1\" = ?",
            vec![i(1), i(1)]
        ),
        "Range deletions are not supported for specific columns"
    );
}

#[test]
fn function_markers_are_named_after_the_qualified_function() {
    let c = Client::new(&[
        "CREATE TABLE \"ks\".\"tu\" (\"p\" int, \"u\" timeuuid, PRIMARY KEY (\"p\", \"u\"))",
    ]);
    let p = c
        .node
        .prepare(
            "SELECT \"u\" FROM \"ks\".\"tu\" WHERE \"p\" = ? AND \"u\" > minTimeuuid(?) AND \"u\" < maxTimeuuid(?)",
            None,
            &c.session,
        )
        .unwrap();
    let names: Vec<(&str, &ColumnType)> = p
        .shape
        .bind
        .iter()
        .map(|s| (s.name.as_str(), &s.typ))
        .collect();
    assert_eq!(
        names,
        [
            ("p", &ColumnType::Int),
            ("arg0(system.mintimeuuid)", &ColumnType::Timestamp),
            ("arg0(system.maxtimeuuid)", &ColumnType::Timestamp)
        ]
    );
}

#[test]
fn timeuuid_bounds_and_unset_values() {
    let mut c = Client::new(&[
        "CREATE TABLE \"ks\".\"tu\" (\"p\" int, \"u\" timeuuid, \"a\" int, \"b\" int, PRIMARY KEY (\"p\", \"u\"))",
    ]);
    let base = 1_704_067_200_000i64; // 2024-01-01T00:00:00Z
    for m in 0..5 {
        let q = "INSERT INTO \"ks\".\"tu\" (\"p\", \"u\", \"a\", \"b\") VALUES (?, maxTimeuuid(?), ?, ?) USING TIMESTAMP ?";
        c.ok(
            q,
            vec![
                i(1),
                V::Val(CqlValue::Timestamp(CqlTimestamp(base + m * 60_000))),
                i(m as i32),
                i(0),
                big(1000),
            ],
        );
    }
    let q = "SELECT \"a\" FROM \"ks\".\"tu\" WHERE \"p\" = ? AND \"u\" > minTimeuuid(?) AND \"u\" < maxTimeuuid(?)";
    let at = |m: i64| V::Val(CqlValue::Timestamp(CqlTimestamp(base + m * 60_000)));
    assert_eq!(c.ints(q, vec![i(1), at(1), at(4)]), [1, 2, 3]);
    // an unset value leaves its column alone: no tombstone, no new timestamp
    let q =
        "UPDATE \"ks\".\"tu\" SET \"a\" = ?, \"b\" = ? WHERE \"p\" = ? AND \"u\" = maxTimeuuid(?)";
    c.ok(q, vec![V::Unset, i(9), i(1), at(0)]);
    let q = "SELECT \"a\", WRITETIME(\"a\"), \"b\" FROM \"ks\".\"tu\" WHERE \"p\" = ? AND \"u\" = maxTimeuuid(?)";
    assert_eq!(
        c.rows(q, vec![i(1), at(0)]),
        [vec![int(0), Some(CqlValue::BigInt(1000)), int(9)]]
    );
}

#[test]
fn batch_attributes_are_checked_as_cassandra_checks_them() {
    let mut c = Client::new(&[
        LWT,
        "CREATE TABLE \"ks\".\"cnt\" (\"p\" int PRIMARY KEY, \"n\" counter)",
    ]);
    let ins = "INSERT INTO \"ks\".\"t\" (\"p\", \"c\", \"a\") VALUES (?, ?, ?)";
    let inc = "UPDATE \"ks\".\"cnt\" SET \"n\" = \"n\" + ? WHERE \"p\" = ?";
    let cases = [
        (
            format!("BEGIN BATCH USING TTL ? {ins}; APPLY BATCH"),
            vec![i(5), i(1), i(1), t("a")],
            "Global TTL on the BATCH statement is not supported.",
        ),
        (
            format!("BEGIN BATCH USING TIMESTAMP ? {ins} IF NOT EXISTS; APPLY BATCH"),
            vec![big(5), i(1), i(1), t("a")],
            "Cannot provide custom timestamp for conditional BATCH",
        ),
        (
            format!("BEGIN COUNTER BATCH USING TIMESTAMP ? {inc}; APPLY BATCH"),
            vec![big(5), big(1), i(1)],
            "Cannot provide custom timestamp for counter BATCH",
        ),
        (
            format!("BEGIN UNLOGGED BATCH USING TIMESTAMP ? {inc}; APPLY BATCH"),
            vec![big(5), big(1), i(1)],
            "Cannot provide custom timestamp for a BATCH containing counters",
        ),
        (
            format!("BEGIN BATCH {ins}; {inc}; APPLY BATCH"),
            vec![i(1), i(1), t("a"), big(1), i(1)],
            "Counter and non-counter mutations cannot exist in the same batch",
        ),
        (
            format!("BEGIN BATCH {inc}; APPLY BATCH"),
            vec![big(1), i(1)],
            "Cannot include a counter statement in a logged batch",
        ),
        (
            format!("BEGIN COUNTER BATCH {ins}; APPLY BATCH"),
            vec![i(1), i(1), t("a")],
            "Cannot include non-counter statement in a counter batch",
        ),
    ];
    for (q, values, want) in cases {
        assert_eq!(c.err(&q, values), want, "{q}");
    }
    let q = format!("BEGIN COUNTER BATCH {inc}; {inc}; APPLY BATCH");
    c.ok(&q, vec![big(2), i(1), big(3), i(1)]);
    assert_eq!(
        c.ints(
            "SELECT \"n\" FROM \"ks\".\"cnt\" WHERE \"p\" = ?",
            vec![i(1)]
        ),
        [5]
    );
}
