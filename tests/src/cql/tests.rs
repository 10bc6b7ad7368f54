//! Parser tests: every statement kind, error positions and messages, and "never panics".

use super::ast::*;
use super::{ErrorKind, INVALID, SYNTAX_ERROR, parse_script, parse_statement};
use proptest::prelude::*;

fn stmt(q: &str) -> Statement {
    match parse_statement(q) {
        Ok(p) => p.statement,
        Err(e) => panic!("{q:?} failed: {e}"),
    }
}

fn err(q: &str) -> super::ParseError {
    match parse_statement(q) {
        Ok(p) => panic!("{q:?} parsed: {:?}", p.statement),
        Err(e) => e,
    }
}

fn int(s: &str) -> Term {
    Term::Literal(Literal::Integer(s.into()))
}

fn text(s: &str) -> Term {
    Term::Literal(Literal::String(s.into()))
}

fn marker(index: usize) -> Term {
    Term::Bind(BindMarker { index, name: None })
}

fn select(q: &str) -> Select {
    match stmt(q) {
        Statement::Select(s) => s,
        other => panic!("not a select: {other:?}"),
    }
}

fn update(q: &str) -> Update {
    match stmt(q) {
        Statement::Update(s) => s,
        other => panic!("not an update: {other:?}"),
    }
}

// ---------------------------------------------------------------- DDL

#[test]
fn create_keyspace() {
    let s = stmt(
        "CREATE KEYSPACE IF NOT EXISTS Ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND durable_writes = false;",
    );
    let Statement::CreateKeyspace(k) = s else {
        panic!()
    };
    assert_eq!(k.name, "ks");
    assert!(k.if_not_exists);
    assert_eq!(
        k.properties
            .get("replication")
            .unwrap()
            .as_text_map()
            .unwrap(),
        vec![
            ("class".to_string(), "SimpleStrategy".to_string()),
            ("replication_factor".to_string(), "1".to_string())
        ]
    );
    assert_eq!(
        k.properties.get("durable_writes"),
        Some(&PropertyValue::Literal(Literal::Boolean(false)))
    );
}

#[test]
fn alter_and_drop_keyspace() {
    let Statement::AlterKeyspace(a) = stmt(
        "ALTER KEYSPACE \"MyKs\" WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}",
    ) else {
        panic!()
    };
    assert_eq!(a.name, "MyKs");
    assert!(!a.if_exists);
    assert_eq!(
        stmt("drop keyspace if exists ks"),
        Statement::DropKeyspace {
            name: "ks".into(),
            if_exists: true
        }
    );
}

#[test]
fn create_table_inline_key() {
    let Statement::CreateTable(t) =
        stmt("CREATE TABLE ks.users (id uuid PRIMARY KEY, name text, age int)")
    else {
        panic!()
    };
    assert_eq!(t.name, QualifiedName::qualified("ks", "users"));
    assert_eq!(t.partition_key, vec!["id"]);
    assert!(t.clustering_key.is_empty());
    assert_eq!(t.columns.len(), 3);
    assert_eq!(t.columns[0].ty, CqlType::Native(NativeType::Uuid));
}

#[test]
fn create_table_composite_key_and_options() {
    let Statement::CreateTable(t) = stmt(
        "CREATE TABLE IF NOT EXISTS t (a int, b text, c timeuuid, d int, s int STATIC, v frozen<map<text, list<int>>>, \
         PRIMARY KEY ((a, b), c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC) AND comment = 'hi' \
         AND compaction = {'class': 'SizeTieredCompactionStrategy'} AND gc_grace_seconds = 864000 AND speculative_retry = '99p'",
    ) else {
        panic!()
    };
    assert!(t.if_not_exists);
    assert_eq!(t.partition_key, vec!["a", "b"]);
    assert_eq!(t.clustering_key, vec!["c", "d"]);
    assert_eq!(
        t.clustering_order,
        vec![("c".into(), Order::Desc), ("d".into(), Order::Asc)]
    );
    assert!(t.columns[4].is_static);
    assert_eq!(t.columns[5].ty.to_string(), "frozen<map<text, list<int>>>");
    assert_eq!(
        t.properties.get("comment"),
        Some(&PropertyValue::Literal(Literal::String("hi".into())))
    );
    assert_eq!(
        t.properties
            .get("gc_grace_seconds")
            .unwrap()
            .as_text()
            .unwrap(),
        "864000"
    );
    assert_eq!(t.properties.0.len(), 4);
}

#[test]
fn create_table_simple_key_clause_and_trailing_comma() {
    let Statement::CreateTable(t) =
        stmt("CREATE COLUMNFAMILY t (k int, c int, v int, PRIMARY KEY (k, c),)")
    else {
        panic!()
    };
    assert_eq!(t.partition_key, vec!["k"]);
    assert_eq!(t.clustering_key, vec!["c"]);
}

#[test]
fn types_parse_and_print() {
    let cases = [
        (
            "frozen<map<text, list<int>>>",
            "frozen<map<text, list<int>>>",
        ),
        (
            "tuple<int, text, frozen<set<uuid>>>",
            "tuple<int, text, frozen<set<uuid>>>",
        ),
        ("vector<float, 3>", "vector<float, 3>"),
        ("varchar", "text"),
        ("address", "address"),
        ("ks.address", "ks.address"),
        ("frozen<\"Addr\">", "frozen<\"Addr\">"),
        (
            "'org.apache.cassandra.db.marshal.BytesType'",
            "'org.apache.cassandra.db.marshal.BytesType'",
        ),
        ("duration", "duration"),
        ("counter", "counter"),
    ];
    for (ty, printed) in cases {
        let Statement::CreateTable(t) =
            stmt(&format!("CREATE TABLE t (k int PRIMARY KEY, v {ty})"))
        else {
            panic!()
        };
        assert_eq!(t.columns[1].ty.to_string(), printed, "{ty}");
    }
    let Statement::CreateTable(t) = stmt("CREATE TABLE t (k int PRIMARY KEY, v vector<float, 3>)")
    else {
        panic!()
    };
    assert_eq!(
        t.columns[1].ty,
        CqlType::Vector(Box::new(CqlType::Native(NativeType::Float)), 3)
    );
}

#[test]
fn create_table_key_errors_are_invalid() {
    let e = err("CREATE TABLE t (a int, b int)");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!(e.code(), INVALID);
    assert_eq!(
        e.message,
        "No PRIMARY KEY specifed for table 't' (exactly one required)"
    );
    let e = err("CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))");
    assert_eq!(
        e.message,
        "Multiple PRIMARY KEY specified for table 't' (exactly one required)"
    );
    let e = err("CREATE TABLE t (a int PRIMARY KEY, b int) WITH COMPACT STORAGE");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!(
        e.message,
        "Compact tables are not allowed in Cassandra starting with 4.0 version."
    );
}

#[test]
fn alter_table_forms() {
    let alter = |q: &str| match stmt(q) {
        Statement::AlterTable(a) => a,
        other => panic!("{other:?}"),
    };
    let a = alter("ALTER TABLE ks.t ADD v list<int>");
    assert_eq!(
        a.action,
        AlterTableAction::Add {
            if_not_exists: false,
            columns: vec![ColumnDef {
                name: "v".into(),
                ty: CqlType::List(Box::new(CqlType::Native(NativeType::Int))),
                is_static: false
            }]
        }
    );
    let a = alter("ALTER TABLE IF EXISTS t ADD IF NOT EXISTS (x int, y text static)");
    assert!(a.if_exists);
    let AlterTableAction::Add {
        if_not_exists,
        columns,
    } = a.action
    else {
        panic!()
    };
    assert!(if_not_exists);
    assert_eq!(columns.len(), 2);
    assert!(columns[1].is_static);
    assert_eq!(
        alter("ALTER TABLE t DROP (a, b) USING TIMESTAMP 5").action,
        AlterTableAction::Drop {
            if_exists: false,
            columns: vec!["a".into(), "b".into()],
            timestamp: Some(int("5"))
        }
    );
    assert_eq!(
        alter("ALTER TABLE t DROP IF EXISTS a").action,
        AlterTableAction::Drop {
            if_exists: true,
            columns: vec!["a".into()],
            timestamp: None
        }
    );
    assert_eq!(
        alter("ALTER TABLE t RENAME a TO b AND c TO \"D\"").action,
        AlterTableAction::Rename {
            if_exists: false,
            renames: vec![("a".into(), "b".into()), ("c".into(), "D".into())]
        }
    );
    let AlterTableAction::With(p) =
        alter("ALTER TABLE t WITH comment = 'x' AND default_time_to_live = 10").action
    else {
        panic!()
    };
    assert_eq!(p.0.len(), 2);
    assert_eq!(
        err("ALTER TABLE t WITH COMPACT STORAGE").kind,
        ErrorKind::Invalid
    );
}

#[test]
fn types_statements() {
    let Statement::CreateType(t) =
        stmt("CREATE TYPE IF NOT EXISTS ks.address (street text, zip int, tags frozen<set<text>>)")
    else {
        panic!()
    };
    assert!(t.if_not_exists);
    assert_eq!(t.name, QualifiedName::qualified("ks", "address"));
    assert_eq!(t.fields.len(), 3);
    let Statement::AlterType(a) = stmt("ALTER TYPE address ADD country text") else {
        panic!()
    };
    assert_eq!(
        a.action,
        AlterTypeAction::Add {
            if_not_exists: false,
            field: "country".into(),
            ty: CqlType::Native(NativeType::Text)
        }
    );
    let Statement::AlterType(a) =
        stmt("ALTER TYPE address RENAME zip TO zipcode AND street TO road")
    else {
        panic!()
    };
    assert!(matches!(a.action, AlterTypeAction::Rename { ref renames, .. } if renames.len() == 2));
    assert_eq!(
        stmt("DROP TYPE IF EXISTS ks.address"),
        Statement::DropType {
            name: QualifiedName::qualified("ks", "address"),
            if_exists: true
        }
    );
}

#[test]
fn index_statements() {
    let index = |q: &str| match stmt(q) {
        Statement::CreateIndex(i) => i,
        other => panic!("{other:?}"),
    };
    let i = index("CREATE INDEX ON ks.t (v)");
    assert_eq!(i.name, None);
    assert_eq!(i.column, "v");
    assert_eq!(i.kind, IndexKind::Simple);
    let i = index("CREATE INDEX IF NOT EXISTS m_keys ON t (KEYS(m))");
    assert_eq!(i.name.as_deref(), Some("m_keys"));
    assert!(i.if_not_exists);
    assert_eq!(i.kind, IndexKind::Keys);
    assert_eq!(
        index("CREATE INDEX ON t (values(m))").kind,
        IndexKind::Values
    );
    assert_eq!(
        index("CREATE INDEX ON t (entries(m))").kind,
        IndexKind::Entries
    );
    assert_eq!(index("CREATE INDEX ON t (full(l))").kind, IndexKind::Full);
    let i = index(
        "CREATE CUSTOM INDEX idx ON t (v) USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {'mode': 'CONTAINS'}",
    );
    assert_eq!(
        i.custom_class.as_deref(),
        Some("org.apache.cassandra.index.sasi.SASIIndex")
    );
    assert!(i.properties.get("options").is_some());
    assert_eq!(
        stmt("DROP INDEX IF EXISTS ks.idx"),
        Statement::DropIndex {
            name: QualifiedName::qualified("ks", "idx"),
            if_exists: true
        }
    );
}

#[test]
fn truncate_use_drop_table() {
    assert_eq!(
        stmt("TRUNCATE t"),
        Statement::Truncate(QualifiedName::bare("t"))
    );
    assert_eq!(
        stmt("truncate table ks.t;"),
        Statement::Truncate(QualifiedName::qualified("ks", "t"))
    );
    assert_eq!(stmt("USE \"MyKs\""), Statement::Use("MyKs".into()));
    assert_eq!(stmt("use MyKs"), Statement::Use("myks".into()));
    assert_eq!(
        stmt("DROP TABLE IF EXISTS ks.t"),
        Statement::DropTable {
            name: QualifiedName::qualified("ks", "t"),
            if_exists: true
        }
    );
}

// ---------------------------------------------------------------- DML

#[test]
fn insert_values() {
    let p = parse_statement(
        "INSERT INTO ks.t (a, b, c, d) VALUES (?, :name, [1, 2], {'k': 1.5}) IF NOT EXISTS USING TTL ? AND TIMESTAMP 123",
    )
    .unwrap();
    let Statement::Insert(i) = p.statement else {
        panic!()
    };
    assert!(i.if_not_exists);
    let InsertValues::Values { columns, values } = i.values else {
        panic!()
    };
    assert_eq!(columns, vec!["a", "b", "c", "d"]);
    assert_eq!(values[0], marker(0));
    assert_eq!(
        values[1],
        Term::Bind(BindMarker {
            index: 1,
            name: Some("name".into())
        })
    );
    assert_eq!(values[2], Term::List(vec![int("1"), int("2")]));
    assert_eq!(
        values[3],
        Term::Map(vec![(
            text("k"),
            Term::Literal(Literal::Float("1.5".into()))
        )])
    );
    assert_eq!(i.using.ttl, Some(marker(2)));
    assert_eq!(i.using.timestamp, Some(int("123")));
    assert_eq!(p.bind_markers.len(), 3);
    assert_eq!(p.bind_markers[1].name.as_deref(), Some("name"));
}

#[test]
fn insert_json() {
    let Statement::Insert(i) = stmt("INSERT INTO t JSON '{\"a\": 1}' DEFAULT UNSET") else {
        panic!()
    };
    assert_eq!(
        i.values,
        InsertValues::Json {
            value: text("{\"a\": 1}"),
            default_unset: true
        }
    );
}

#[test]
fn insert_count_mismatch_is_invalid() {
    let e = err("INSERT INTO t (a, b) VALUES (1)");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!(e.message, "Unmatched column names/values");
}

#[test]
fn terms_of_every_kind() {
    let Statement::Insert(i) = stmt(
        "INSERT INTO t (a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p) VALUES (-5, -1.5e3, NaN, -Infinity, 0xCAFE, \
         550e8400-e29b-41d4-a716-446655440000, 1h30m, true, null, {1, 2}, (1, 'x'), {street: 'a', \"Zip\": 1}, \
         now(), (bigint) 3, {}, blobAsText(0x61))",
    ) else {
        panic!()
    };
    let InsertValues::Values { values, .. } = i.values else {
        panic!()
    };
    assert_eq!(values[0], int("-5"));
    assert_eq!(values[1], Term::Literal(Literal::Float("-1.5e3".into())));
    assert_eq!(values[2], Term::Literal(Literal::Float("NaN".into())));
    assert_eq!(values[3], Term::Literal(Literal::Float("-Infinity".into())));
    assert_eq!(values[4], Term::Literal(Literal::Hex("CAFE".into())));
    assert_eq!(
        values[5],
        Term::Literal(Literal::Uuid("550e8400-e29b-41d4-a716-446655440000".into()))
    );
    assert_eq!(values[6], Term::Literal(Literal::Duration("1h30m".into())));
    assert_eq!(values[7], Term::Literal(Literal::Boolean(true)));
    assert_eq!(values[8], Term::Null);
    assert_eq!(values[9], Term::Set(vec![int("1"), int("2")]));
    assert_eq!(values[10], Term::Tuple(vec![int("1"), text("x")]));
    assert_eq!(
        values[11],
        Term::Udt(vec![("street".into(), text("a")), ("Zip".into(), int("1"))])
    );
    assert_eq!(
        values[12],
        Term::Function {
            name: QualifiedName::bare("now"),
            args: vec![]
        }
    );
    assert_eq!(
        values[13],
        Term::Cast(CqlType::Native(NativeType::BigInt), Box::new(int("3")))
    );
    assert_eq!(values[14], Term::Map(vec![]));
    assert_eq!(
        values[15],
        Term::Function {
            name: QualifiedName::bare("blobastext"),
            args: vec![Term::Literal(Literal::Hex("61".into()))]
        }
    );
}

#[test]
fn update_assignments() {
    let u = update(
        "UPDATE ks.t USING TTL 10 SET a = 1, l = l + [2], l = [0] + l, s = s - {'x'}, m['k'] = 'v', \
         c = c + 1, d = d - ?, e += 2, f -= 3, addr.city = 'Paris' WHERE k = ? IF EXISTS",
    );
    assert_eq!(u.using.ttl, Some(int("10")));
    let expected = vec![
        Assignment::Set {
            column: "a".into(),
            value: int("1"),
        },
        Assignment::Add {
            column: "l".into(),
            value: Term::List(vec![int("2")]),
        },
        Assignment::Prepend {
            column: "l".into(),
            value: Term::List(vec![int("0")]),
        },
        Assignment::Subtract {
            column: "s".into(),
            value: Term::Set(vec![text("x")]),
        },
        Assignment::SetElement {
            column: "m".into(),
            key: text("k"),
            value: text("v"),
        },
        Assignment::Add {
            column: "c".into(),
            value: int("1"),
        },
        Assignment::Subtract {
            column: "d".into(),
            value: marker(0),
        },
        Assignment::Add {
            column: "e".into(),
            value: int("2"),
        },
        Assignment::Subtract {
            column: "f".into(),
            value: int("3"),
        },
        Assignment::SetField {
            column: "addr".into(),
            field: "city".into(),
            value: text("Paris"),
        },
    ];
    assert_eq!(u.assignments, expected);
    assert_eq!(
        u.where_clause,
        vec![Relation::Compare {
            column: "k".into(),
            op: Operator::Eq,
            value: marker(1)
        }]
    );
    assert_eq!(u.if_clause, Some(IfClause::Exists));
}

#[test]
fn update_conditions() {
    let u = update(
        "UPDATE t SET v = 2 WHERE k = 1 IF v = 1 AND m['a'] = 'b' AND w IN (1, 2) AND x > 3 AND u.f = 1",
    );
    let Some(IfClause::Conditions(c)) = u.if_clause else {
        panic!()
    };
    assert_eq!(c.len(), 5);
    assert_eq!(c[0].test, ConditionTest::Compare(Operator::Eq, int("1")));
    assert_eq!(c[1].element, Some(text("a")));
    assert_eq!(
        c[2].test,
        ConditionTest::In(InValues::List(vec![int("1"), int("2")]))
    );
    assert_eq!(c[3].test, ConditionTest::Compare(Operator::Gt, int("3")));
    assert_eq!(c[4].field.as_deref(), Some("f"));
    assert_eq!(
        err("UPDATE t SET a = b + 1 WHERE k = 1").message,
        "Only expressions of the form X = X + <value> are supported."
    );
}

#[test]
fn delete_forms() {
    let Statement::Delete(d) = stmt(
        "DELETE a, m['k'], l[0], u.f FROM ks.t USING TIMESTAMP 99 WHERE k = 1 AND c >= 2 AND c < 5 IF a = 3",
    ) else {
        panic!()
    };
    assert_eq!(
        d.targets,
        vec![
            DeleteTarget::Column("a".into()),
            DeleteTarget::Element("m".into(), text("k")),
            DeleteTarget::Element("l".into(), int("0")),
            DeleteTarget::Field("u".into(), "f".into()),
        ]
    );
    assert_eq!(d.using.timestamp, Some(int("99")));
    assert_eq!(d.where_clause.len(), 3);
    assert!(matches!(d.if_clause, Some(IfClause::Conditions(ref c)) if c.len() == 1));
    let Statement::Delete(d) = stmt("DELETE FROM t WHERE k IN ? IF EXISTS") else {
        panic!()
    };
    assert!(d.targets.is_empty());
    assert_eq!(
        d.where_clause,
        vec![Relation::In {
            column: "k".into(),
            values: InValues::Bind(BindMarker {
                index: 0,
                name: None
            })
        }]
    );
    assert_eq!(d.if_clause, Some(IfClause::Exists));
    assert_eq!(
        err("DELETE FROM t USING TTL 3 WHERE k = 1").kind,
        ErrorKind::Invalid
    );
}

#[test]
fn batches() {
    let p = parse_statement(
        "BEGIN UNLOGGED BATCH USING TIMESTAMP 5 INSERT INTO t (k, v) VALUES (?, ?); \
         UPDATE t SET v = ? WHERE k = ?; DELETE FROM t WHERE k = ? APPLY BATCH;",
    )
    .unwrap();
    let Statement::Batch(b) = p.statement else {
        panic!()
    };
    assert_eq!(b.kind, BatchKind::Unlogged);
    assert_eq!(b.using.timestamp, Some(int("5")));
    assert_eq!(b.statements.len(), 3);
    assert_eq!(p.bind_markers.len(), 5);
    assert_eq!(p.bind_markers[4].index, 4);
    let Statement::Batch(b) =
        stmt("BEGIN COUNTER BATCH UPDATE t SET c = c + 1 WHERE k = 1 APPLY BATCH")
    else {
        panic!()
    };
    assert_eq!(b.kind, BatchKind::Counter);
    let Statement::Batch(b) = stmt("begin batch apply batch") else {
        panic!()
    };
    assert_eq!(b.kind, BatchKind::Logged);
    assert!(b.statements.is_empty());
}

#[test]
fn select_full() {
    let s = select(
        "SELECT DISTINCT a AS x, count(*), count(1), writetime(b), ttl(b), token(a, b), toTimestamp(now()), \
         cast(c AS text), blobAsText(d), min(e) AS lo, u.f, 'lit' FROM ks.t WHERE token(a, b) > token(?, ?) \
         AND c IN (1, 2) AND (c1, c2) > (1, 2) AND m CONTAINS KEY 'k' AND l CONTAINS 3 AND m['x'] = 1 \
         GROUP BY a ORDER BY c DESC, d PER PARTITION LIMIT 2 LIMIT ? ALLOW FILTERING",
    );
    assert!(s.distinct);
    assert!(!s.json);
    let Selection::Items(items) = &s.selection else {
        panic!()
    };
    assert_eq!(items.len(), 12);
    assert_eq!(items[0].alias.as_deref(), Some("x"));
    assert_eq!(items[1].selector, Selector::CountStar);
    assert_eq!(
        items[2].selector,
        Selector::Function {
            name: QualifiedName::bare("count"),
            args: vec![Selector::Term(int("1"))]
        }
    );
    assert_eq!(items[3].selector, Selector::WriteTime("b".into()));
    assert_eq!(items[4].selector, Selector::Ttl("b".into()));
    assert_eq!(
        items[5].selector,
        Selector::Function {
            name: QualifiedName::bare("token"),
            args: vec![Selector::Column("a".into()), Selector::Column("b".into())]
        }
    );
    assert_eq!(
        items[7].selector,
        Selector::Cast(
            Box::new(Selector::Column("c".into())),
            CqlType::Native(NativeType::Text)
        )
    );
    assert_eq!(
        items[10].selector,
        Selector::Field(Box::new(Selector::Column("u".into())), "f".into())
    );
    assert_eq!(items[11].selector, Selector::Term(text("lit")));
    assert_eq!(
        s.where_clause[0],
        Relation::Token {
            columns: vec!["a".into(), "b".into()],
            op: Operator::Gt,
            value: Term::Function {
                name: QualifiedName::bare("token"),
                args: vec![marker(0), marker(1)]
            }
        }
    );
    assert_eq!(
        s.where_clause[2],
        Relation::MultiCompare {
            columns: vec!["c1".into(), "c2".into()],
            op: Operator::Gt,
            value: Term::Tuple(vec![int("1"), int("2")])
        }
    );
    assert_eq!(
        s.where_clause[3],
        Relation::Contains {
            column: "m".into(),
            key: true,
            value: text("k")
        }
    );
    assert!(matches!(s.where_clause[5], Relation::Element { .. }));
    assert_eq!(s.group_by, vec!["a"]);
    assert_eq!(
        s.order_by,
        vec![("c".into(), Order::Desc), ("d".into(), Order::Asc)]
    );
    assert_eq!(s.per_partition_limit, Some(int("2")));
    assert_eq!(s.limit, Some(marker(2)));
    assert!(s.allow_filtering);
}

#[test]
fn select_simple_forms() {
    let s = select("select * from system.local where key='local'");
    assert_eq!(s.selection, Selection::Star);
    assert_eq!(s.table, QualifiedName::qualified("system", "local"));
    let s = select("SELECT JSON * FROM t");
    assert!(s.json);
    // columns named like modifier keywords
    let s = select("SELECT json, distinct FROM t");
    assert!(!s.json && !s.distinct);
    let s = select(
        "SELECT key, type, value, ttl FROM t WHERE token(k) > ? AND (a, b) IN ((1, 2), (3, 4))",
    );
    assert_eq!(
        s.where_clause[0],
        Relation::Token {
            columns: vec!["k".into()],
            op: Operator::Gt,
            value: marker(0)
        }
    );
    assert!(
        matches!(s.where_clause[1], Relation::MultiIn { values: InValues::List(ref v), .. } if v.len() == 2)
    );
    let s = select("SELECT \"Quoted\" FROM \"Ks\".\"Tab\" WHERE k IN ()");
    assert_eq!(s.table, QualifiedName::qualified("Ks", "Tab"));
    assert_eq!(
        s.where_clause[0],
        Relation::In {
            column: "k".into(),
            values: InValues::List(vec![])
        }
    );
}

#[test]
fn scripts_and_comments() {
    let stmts = parse_script(
        "-- a comment\nCREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'};\n\
         /* block\n comment */ USE ks;;\nINSERT INTO t (k) VALUES (?); // trailing\nSELECT * FROM t WHERE k = ?",
    )
    .unwrap();
    assert_eq!(stmts.len(), 4);
    // markers are numbered per statement
    assert_eq!(stmts[2].bind_markers.len(), 1);
    assert_eq!(stmts[3].bind_markers[0].index, 0);
    let src = "USE ks; SELECT * FROM t";
    let stmts = parse_script(src).unwrap();
    assert_eq!(&src[stmts[0].span.clone()], "USE ks");
    assert_eq!(&src[stmts[1].span.clone()], "SELECT * FROM t");
    assert!(parse_script("").unwrap().is_empty());
    assert!(parse_script(" ; ; ").unwrap().is_empty());
}

#[test]
fn dollar_strings_and_escapes() {
    let Statement::Insert(i) = stmt("INSERT INTO t (a, b) VALUES ($$it's$$, 'it''s')") else {
        panic!()
    };
    let InsertValues::Values { values, .. } = i.values else {
        panic!()
    };
    assert_eq!(values, vec![text("it's"), text("it's")]);
}

#[test]
fn driver_and_cqlengine_queries_parse() {
    let queries = [
        "SELECT * FROM system.local WHERE key='local'",
        "SELECT host_id, cluster_name, data_center, rack, partitioner, release_version, schema_version FROM system.local WHERE key='local'",
        "SELECT host_id, peer, peer_port, native_address, native_port, schema_version FROM system.peers_v2",
        "SELECT * from system_virtual_schema.keyspaces",
        "SELECT * FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 't'",
        "SELECT * FROM system_traces.sessions WHERE session_id = 550e8400-e29b-41d4-a716-446655440000",
        "CREATE TABLE ks.model (\"id\" uuid, \"created\" timestamp, \"name\" text, PRIMARY KEY ((\"id\"), \"created\")) \
         WITH CLUSTERING ORDER BY (\"created\" DESC) AND compaction = {'class': 'SizeTieredCompactionStrategy'}",
        "CREATE INDEX IF NOT EXISTS index_model_name ON ks.model (\"name\");",
        "ALTER TABLE ks.model ADD \"extra\" int",
        "SELECT \"id\", \"name\" FROM ks.model WHERE \"id\" = 550e8400-e29b-41d4-a716-446655440000 LIMIT 10000",
        "SELECT COUNT(*) FROM ks.model WHERE token(\"id\") > token(550e8400-e29b-41d4-a716-446655440000) LIMIT 100",
        "UPDATE ks.model SET \"name\" = 'x' WHERE \"id\" = 550e8400-e29b-41d4-a716-446655440000 AND \"created\" = '2024-01-01'",
        "DELETE FROM ks.model WHERE \"id\" IN (550e8400-e29b-41d4-a716-446655440000)",
        "SELECT release_version FROM system.local",
    ];
    for q in queries {
        if let Err(e) = parse_statement(q) {
            panic!("{q}: {e}");
        }
    }
}

// ---------------------------------------------------------------- errors

#[test]
fn error_no_viable_alternative() {
    let e = err("SELECT * FORM t");
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert_eq!(e.code(), SYNTAX_ERROR);
    assert_eq!((e.line, e.column), (1, 9));
    assert_eq!(
        e.message,
        "line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM]...)"
    );
    let e = err("SELCT * FROM t");
    assert_eq!(
        e.message,
        "line 1:0 no viable alternative at input 'SELCT' ([SELCT]...)"
    );
}

#[test]
fn error_expecting_eof() {
    let e = err("SELECT * FROM t x");
    assert_eq!((e.line, e.column), (1, 16));
    assert_eq!(
        e.message,
        "line 1:16 mismatched input 'x' expecting EOF (SELECT * FROM t [x])"
    );
}

#[test]
fn error_snippet_shape_from_cassandra() {
    // The shape Cassandra gives for a missing space: `1W` is a duration, `HERE` is unexpected.
    let e = err("UPDATE schema_version SET count = count + 1WHERE name = 'x'");
    assert_eq!(
        e.message,
        "line 1:44 mismatched input 'HERE' expecting K_WHERE (... count = count + 1W[HERE]...)"
    );
}

#[test]
fn error_multiline_positions() {
    let e = err("CREATE KEYSPACE IF NOT EXISTS\n  my-project WITH replication = {}");
    assert_eq!((e.line, e.column), (2, 4));
    assert!(
        e.message
            .starts_with("line 2:4 mismatched input '-' expecting K_WITH ("),
        "{}",
        e.message
    );
    assert!(e.message.contains("my[-]..."), "{}", e.message);
}

#[test]
fn error_at_end_of_input() {
    let e = err("SELECT * FROM");
    assert_eq!((e.line, e.column), (0, -1));
    assert_eq!(
        e.message,
        "line 0:-1 no viable alternative at input '<EOF>'"
    );
    let e = err("INSERT INTO t (a) VALUES (1");
    assert_eq!(
        e.message,
        "line 0:-1 mismatched input '<EOF>' expecting ')'"
    );
    let e = err("");
    assert_eq!(
        e.message,
        "line 0:-1 no viable alternative at input '<EOF>'"
    );
}

#[test]
fn error_reserved_identifier() {
    let e = err("CREATE TABLE select (a int PRIMARY KEY)");
    assert_eq!(
        e.message,
        "line 1:13 no viable alternative at input 'select' (CREATE TABLE [select]...)"
    );
    // quoting makes it legal
    assert!(parse_statement("CREATE TABLE \"select\" (a int PRIMARY KEY)").is_ok());
}

#[test]
fn error_lexer() {
    let e = err("SELECT * FROM t WHERE a = 'abc");
    assert_eq!(
        e.message,
        "line 1:30 mismatched character '<EOF>' expecting '''"
    );
    let e = err("SELECT # FROM t");
    assert_eq!(e.message, "line 1:7 no viable alternative at character '#'");
    // a parser error before the lexer error wins
    let e = err("SELEC * FROM t WHERE a = #");
    assert!(
        e.message
            .starts_with("line 1:0 no viable alternative at input 'SELEC'"),
        "{}",
        e.message
    );
}

// ---------------------------------------------------------------- printing

/// Statements whose printed form must parse back to the same tree.
const ROUND_TRIP: &[&str] = &[
    "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND durable_writes = false",
    "ALTER KEYSPACE \"MyKs\" WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': '3'}",
    "DROP KEYSPACE IF EXISTS ks",
    "CREATE TABLE IF NOT EXISTS ks.t (a int, b text, c timeuuid, \"D\" int, s int STATIC, v frozen<map<text, list<int>>>, \
     w tuple<int, vector<float, 3>>, x ks.addr, PRIMARY KEY ((a, b), c, \"D\")) WITH CLUSTERING ORDER BY (c DESC, \"D\" ASC) \
     AND comment = 'it''s' AND compaction = {'class': 'LeveledCompactionStrategy'} AND bloom_filter_fp_chance = 0.01 AND read_repair = NONE",
    "CREATE TABLE t (k int PRIMARY KEY, \"select\" text)",
    "ALTER TABLE ks.t ADD IF NOT EXISTS (x int, y text STATIC)",
    "ALTER TABLE IF EXISTS t DROP (a, b) USING TIMESTAMP 5",
    "ALTER TABLE t RENAME IF EXISTS a TO b AND c TO \"D\"",
    "ALTER TABLE t WITH comment = 'x' AND default_time_to_live = 10",
    "ALTER TABLE t ALTER v TYPE blob",
    "DROP TABLE IF EXISTS ks.t",
    "CREATE TYPE IF NOT EXISTS ks.address (street text, zip int, tags frozen<set<text>>)",
    "ALTER TYPE address ADD IF NOT EXISTS country text",
    "ALTER TYPE IF EXISTS address RENAME zip TO zipcode AND street TO road",
    "DROP TYPE IF EXISTS ks.address",
    "CREATE INDEX IF NOT EXISTS m_keys ON ks.t (keys(m))",
    "CREATE INDEX ON t (v)",
    "CREATE INDEX ON t (full(l))",
    "CREATE CUSTOM INDEX idx ON t (v) USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH options = {'mode': 'CONTAINS'}",
    "DROP INDEX IF EXISTS ks.idx",
    "TRUNCATE ks.t",
    "USE \"MyKs\"",
    "INSERT INTO ks.t (a, b, c, d) VALUES (?, :name, [1, 2], {'k': 1.5}) IF NOT EXISTS USING TTL ? AND TIMESTAMP 123",
    "INSERT INTO t JSON '{\"a\": 1}' DEFAULT UNSET",
    "INSERT INTO t (a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p) VALUES (-5, -1.5e3, NaN, -Infinity, 0xCAFE, \
     550e8400-e29b-41d4-a716-446655440000, -1h30m, true, null, {1, 2}, (1, 'x'), {street: 'a', \"Zip\": 1}, \
     now(), (bigint) 3, {}, ks.blobAsText(0x61))",
    "UPDATE ks.t USING TTL 10 SET a = 1, l = l + [2], l = [0] + l, s = s - {'x'}, m['k'] = 'v', \
     c = c + 1, addr.city = 'Paris' WHERE k = ? IF EXISTS",
    "UPDATE t SET v = 2 WHERE k = 1 IF v = 1 AND m['a'] = 'b' AND w IN (1, 2) AND x > 3 AND u.f = 1 AND z IN ?",
    "DELETE a, m['k'], u.f FROM ks.t USING TIMESTAMP 99 WHERE k = 1 AND c >= 2 AND c < 5 IF a = 3",
    "DELETE FROM t WHERE k IN :keys IF EXISTS",
    "BEGIN UNLOGGED BATCH USING TIMESTAMP 5 INSERT INTO t (k, v) VALUES (?, ?); UPDATE t SET v = ? WHERE k = ?; \
     DELETE FROM t WHERE k = ? APPLY BATCH",
    "BEGIN COUNTER BATCH UPDATE t SET c = c - 1 WHERE k = 1 APPLY BATCH",
    "SELECT DISTINCT a AS x, count(*), count(1), writetime(b), maxwritetime(b), ttl(b), token(a, b), toTimestamp(now()), \
     cast(c AS text), blobAsText(d), min(e) AS lo, u.f, 'lit' FROM ks.t WHERE token(a, b) > token(?, ?) \
     AND c IN (1, 2) AND (c1, c2) > (1, 2) AND (c1, c2) IN ((1, 2)) AND m CONTAINS KEY 'k' AND l CONTAINS 3 \
     AND m['x'] = 1 AND v IS NOT NULL GROUP BY a, b ORDER BY c DESC, d ASC PER PARTITION LIMIT 2 LIMIT ? ALLOW FILTERING",
    "SELECT JSON json, \"Quoted\" FROM \"Ks\".\"Tab\" WHERE k IN () AND key != 'local'",
];

#[test]
fn display_round_trips() {
    for q in ROUND_TRIP {
        let first = parse_statement(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        let printed = first.statement.to_string();
        let second = parse_statement(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
        assert_eq!(first.statement, second.statement, "{printed}");
        assert_eq!(first.bind_markers, second.bind_markers, "{printed}");
        assert_eq!(second.statement.to_string(), printed);
    }
}

#[test]
fn display_examples() {
    assert_eq!(
        stmt("select  A, \"B\" from KS.T where X = ? limit 10").to_string(),
        "SELECT a, \"B\" FROM ks.t WHERE x = ? LIMIT 10"
    );
    assert_eq!(
        stmt("CREATE TABLE t (k int PRIMARY KEY, v text)").to_string(),
        "CREATE TABLE t (k int, v text, PRIMARY KEY ((k)))"
    );
}

// ---------------------------------------------------------------- describe

fn describe(q: &str) -> Describe {
    match stmt(q) {
        Statement::Describe(d) => d,
        other => panic!("not a describe: {other:?}"),
    }
}

fn qn(ks: Option<&str>, name: &str) -> QualifiedName {
    QualifiedName {
        keyspace: ks.map(str::to_string),
        name: name.to_string(),
    }
}

#[test]
fn describe_forms() {
    use DescribeTarget as D;
    let cases: Vec<(&str, DescribeTarget)> = vec![
        ("DESCRIBE CLUSTER", D::Cluster),
        ("desc cluster;", D::Cluster),
        ("DESCRIBE SCHEMA", D::Schema { full: false }),
        ("DESC FULL SCHEMA", D::Schema { full: true }),
        ("DESCRIBE KEYSPACES", D::Keyspaces),
        (
            "DESCRIBE KEYSPACE",
            D::Keyspace {
                name: None,
                only: false,
            },
        ),
        (
            "DESCRIBE KEYSPACE Shop",
            D::Keyspace {
                name: Some("shop".into()),
                only: false,
            },
        ),
        (
            "DESCRIBE ONLY KEYSPACE \"Shop\"",
            D::Keyspace {
                name: Some("Shop".into()),
                only: true,
            },
        ),
        (
            "DESCRIBE ONLY KEYSPACE",
            D::Keyspace {
                name: None,
                only: true,
            },
        ),
        ("DESCRIBE TABLES", D::Tables),
        ("DESCRIBE COLUMNFAMILIES", D::Tables),
        ("DESCRIBE TABLE t", D::Table(qn(None, "t"))),
        ("DESCRIBE COLUMNFAMILY ks.t", D::Table(qn(Some("ks"), "t"))),
        ("DESCRIBE INDEX ks.i", D::Index(qn(Some("ks"), "i"))),
        (
            "DESCRIBE MATERIALIZED VIEW v",
            D::MaterializedView(qn(None, "v")),
        ),
        ("DESCRIBE TYPES", D::Types),
        (
            "DESCRIBE TYPE shop.address",
            D::Type(qn(Some("shop"), "address")),
        ),
        ("DESCRIBE FUNCTIONS", D::Functions),
        ("DESCRIBE FUNCTION ks.f", D::Function(qn(Some("ks"), "f"))),
        ("DESCRIBE AGGREGATES", D::Aggregates),
        ("DESCRIBE AGGREGATE a", D::Aggregate(qn(None, "a"))),
        ("DESCRIBE shop", D::Generic(qn(None, "shop"))),
        ("DESC shop.orders", D::Generic(qn(Some("shop"), "orders"))),
        (
            "DESCRIBE \"Mixed\".\"Case\"",
            D::Generic(qn(Some("Mixed"), "Case")),
        ),
        // Words that only sometimes are keywords.
        ("DESCRIBE type", D::Generic(qn(None, "type"))),
        ("DESCRIBE type.x", D::Generic(qn(Some("type"), "x"))),
        ("DESCRIBE only", D::Generic(qn(None, "only"))),
        (
            "DESCRIBE materialized",
            D::Generic(qn(None, "materialized")),
        ),
        ("DESCRIBE \"cluster\"", D::Generic(qn(None, "cluster"))),
        ("DESCRIBE internals", D::Generic(qn(None, "internals"))),
    ];
    for (q, target) in cases {
        let d = describe(q);
        assert_eq!(d.target, target, "{q}");
        assert!(!d.with_internals, "{q}");
    }
}

#[test]
fn describe_with_internals() {
    for q in [
        "DESCRIBE TABLE ks.t WITH INTERNALS",
        "DESC ks.t with internals;",
        "DESCRIBE KEYSPACE WITH INTERNALS",
        "DESCRIBE FULL SCHEMA WITH INTERNALS",
        "DESCRIBE type WITH INTERNALS",
    ] {
        assert!(describe(q).with_internals, "{q}");
    }
}

#[test]
fn describe_errors() {
    assert_eq!(
        err("DESCRIBE").message,
        "line 0:-1 no viable alternative at input '<EOF>'"
    );
    assert_eq!(
        err("DESCRIBE TABLE").message,
        "line 0:-1 no viable alternative at input '<EOF>'"
    );
    assert_eq!(
        err("DESCRIBE CLUSTER x").message,
        "line 1:17 mismatched input 'x' expecting EOF (DESCRIBE CLUSTER [x])"
    );
    assert_eq!(
        err("DESCRIBE FULL KEYSPACE").message,
        "line 1:14 mismatched input 'KEYSPACE' expecting K_SCHEMA (DESCRIBE FULL [KEYSPACE])"
    );
    assert_eq!(
        err("DESCRIBE t WITH x").message,
        "line 1:16 mismatched input 'x' expecting K_INTERNALS (DESCRIBE t WITH [x])"
    );
    assert_eq!(err("DESCRIBE TABLE ks.t x").kind, ErrorKind::Syntax);
}

#[test]
fn describe_prints_back() {
    for q in [
        "DESCRIBE CLUSTER",
        "DESCRIBE FULL SCHEMA WITH INTERNALS",
        "DESCRIBE ONLY KEYSPACE \"Ks\"",
        "DESCRIBE KEYSPACE",
        "DESCRIBE TABLE ks.\"T\"",
        "DESCRIBE MATERIALIZED VIEW v",
        "DESCRIBE TYPE ks.t",
        "DESCRIBE \"cluster\"",
        "DESCRIBE \"types\".t",
        "DESCRIBE type",
        "DESCRIBE ks.t WITH INTERNALS",
    ] {
        let first = stmt(q);
        let printed = first.to_string();
        assert_eq!(printed, q);
        assert_eq!(stmt(&printed), first, "{printed}");
    }
}

// ---------------------------------------------------------------- fuzz

const FRAGMENTS: &[&str] = &[
    "SELECT",
    "INSERT",
    "INTO",
    "UPDATE",
    "SET",
    "DELETE",
    "FROM",
    "WHERE",
    "AND",
    "IF",
    "EXISTS",
    "NOT",
    "CREATE",
    "TABLE",
    "KEYSPACE",
    "TYPE",
    "INDEX",
    "ON",
    "WITH",
    "PRIMARY",
    "KEY",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    ".",
    ":",
    "?",
    "=",
    "<",
    ">",
    "+",
    "-",
    "*",
    "'s'",
    "1",
    "1.5",
    "0x0",
    "1h",
    "t",
    "k",
    "frozen",
    "<",
    "map",
    "list",
    "token",
    "IN",
    "BEGIN",
    "BATCH",
    "APPLY",
    "USING",
    "TTL",
    "LIMIT",
    "ORDER",
    "BY",
    "$$",
    "\"",
    "'",
    "--",
    "/*",
    "\n",
    "count",
    "cast",
    "AS",
    "DESCRIBE",
    "DESC",
    "CLUSTER",
    "KEYSPACES",
    "TABLES",
    "ONLY",
    "FULL",
    "SCHEMA",
    "INTERNALS",
    "MATERIALIZED",
    "VIEW",
    "FUNCTION",
    "AGGREGATES",
];

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,200}") {
        let _ = parse_statement(&s);
        let _ = parse_script(&s);
    }

    #[test]
    fn token_soup_never_panics(parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..40)) {
        let q = parts.join(" ");
        let _ = parse_statement(&q);
        let _ = parse_script(&q);
    }

    #[test]
    fn whatever_parses_prints_back_the_same(parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 1..25)) {
        let q = parts.join(" ");
        if let Ok(first) = parse_statement(&q) {
            let printed = first.statement.to_string();
            let second = parse_statement(&printed);
            prop_assert!(second.is_ok(), "{} -> {}: {:?}", q, printed, second);
            if let Ok(second) = second {
                prop_assert_eq!(first.statement, second.statement);
            }
        }
    }

    #[test]
    fn errors_have_consistent_positions(parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 1..20)) {
        let q = parts.join(" ");
        if let Err(e) = parse_statement(&q) {
            if e.kind == ErrorKind::Syntax {
                let header = format!("line {}:{} ", e.line, e.column);
                prop_assert!(e.message.starts_with(&header), "{}", e.message);
            }
        }
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let q = format!(
        "INSERT INTO t (a) VALUES ({}1{})",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert!(parse_statement(&q).is_err());
    let q = format!(
        "CREATE TABLE t (a {}int{} PRIMARY KEY)",
        "list<".repeat(5000),
        ">".repeat(5000)
    );
    assert!(parse_statement(&q).is_err());
    let q = format!("SELECT {}a{} FROM t", "f(".repeat(5000), ")".repeat(5000));
    assert!(parse_statement(&q).is_err());
}

mod objects;
