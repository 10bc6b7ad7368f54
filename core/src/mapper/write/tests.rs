//! Rendering and checks of INSERT / UPDATE / DELETE against hand-built schemas.

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use uuid::Uuid;

use super::*;
use crate::mapper::model::{ColumnDef, KeyRole, ModelSchema};
use crate::mapper::spec::{
    Assignment, Bound, Condition, DeleteSpec, DeleteTarget, Filter, InsertSpec, Lwt, Op,
    UpdateSpec, ValueForm,
};
use crate::types::{ColumnType, CqlTimestamp};

// Column indexes of `posts()`.
const ORG: usize = 0;
const BUCKET: usize = 1;
const POSTED: usize = 2;
const SEQ: usize = 3;
const OWNER: usize = 4;
const TITLE: usize = 5;
const TAGS: usize = 6;
const LABELS: usize = 7;
const ATTRS: usize = 8;
const HISTORY: usize = 9;
const BODY: usize = 10;
const PINNED: usize = 11;

// Column indexes of `page_views()`.
const PAGE: usize = 0;
const DAY: usize = 1;
const HITS: usize = 2;
const UNIQUES: usize = 3;

fn list(t: ColumnType) -> ColumnType {
    ColumnType::List(Box::new(t))
}
fn set(t: ColumnType) -> ColumnType {
    ColumnType::Set(Box::new(t))
}
fn map(k: ColumnType, v: ColumnType) -> ColumnType {
    ColumnType::Map(Box::new(k), Box::new(v))
}

fn col(field: &str, typ: ColumnType, role: KeyRole) -> ColumnDef {
    let mut c = ColumnDef::new(field, typ);
    c.role = role;
    c
}

/// A composite partition key, two clustering columns, two static columns, list / set /
/// map columns, a frozen list, and a column whose CQL name differs from its field.
fn posts() -> ModelSchema {
    let mut s = ModelSchema::new("Post", "posts");
    let mut history = col("history", list(ColumnType::Int), KeyRole::Regular);
    history.frozen = true;
    let mut body = col("body", ColumnType::Text, KeyRole::Regular);
    body.name = "Body \"Text\"".into();
    s.columns = vec![
        col("org", ColumnType::Text, KeyRole::Partition(0)),
        col("bucket", ColumnType::Int, KeyRole::Partition(1)),
        col(
            "posted",
            ColumnType::Timeuuid,
            KeyRole::Clustering {
                position: 0,
                descending: true,
            },
        ),
        col(
            "seq",
            ColumnType::Int,
            KeyRole::Clustering {
                position: 1,
                descending: false,
            },
        ),
        col("owner", ColumnType::Text, KeyRole::Static),
        col("title", ColumnType::Text, KeyRole::Regular),
        col("tags", list(ColumnType::Text), KeyRole::Regular),
        col("labels", set(ColumnType::Text), KeyRole::Regular),
        col(
            "attrs",
            map(ColumnType::Text, ColumnType::Int),
            KeyRole::Regular,
        ),
        history,
        body,
        col("pinned", list(ColumnType::Int), KeyRole::Static),
    ];
    s.validate().unwrap();
    s
}

/// A counter table: a partition key, one clustering column, two counters.
fn page_views() -> ModelSchema {
    let mut s = ModelSchema::new("PageViews", "page_views");
    s.keyspace = Some("stats".into());
    s.columns = vec![
        col("page", ColumnType::Text, KeyRole::Partition(0)),
        col(
            "day",
            ColumnType::Int,
            KeyRole::Clustering {
                position: 0,
                descending: false,
            },
        ),
        col("hits", ColumnType::Counter, KeyRole::Regular),
        col("uniques", ColumnType::Counter, KeyRole::Regular),
    ];
    s.validate().unwrap();
    s
}

fn text(v: &str) -> Bound {
    Bound::new(v, &ColumnType::Text).unwrap()
}
fn int(v: i32) -> Bound {
    Bound::new(&v, &ColumnType::Int).unwrap()
}
fn bigint(v: i64) -> Bound {
    Bound::new(&v, &ColumnType::BigInt).unwrap()
}
fn tuuid(v: u128) -> Bound {
    Bound::new(&Uuid::from_u128(v), &ColumnType::Timeuuid).unwrap()
}
fn ts(v: i64) -> Bound {
    Bound::new(&CqlTimestamp(v), &ColumnType::Timestamp).unwrap()
}
fn texts(v: &[&str]) -> Bound {
    let v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    Bound::new(&v, &list(ColumnType::Text)).unwrap()
}
fn text_set(v: &[&str]) -> Bound {
    let v: BTreeSet<String> = v.iter().map(|s| s.to_string()).collect();
    Bound::new(&v, &set(ColumnType::Text)).unwrap()
}
fn ints(v: &[i32]) -> Bound {
    Bound::new(&v.to_vec(), &list(ColumnType::Int)).unwrap()
}

fn filter(column: usize, op: Op, value: Bound) -> Filter {
    Filter {
        column,
        op,
        form: ValueForm::Plain,
        value,
    }
}
fn eq(column: usize, value: Bound) -> Filter {
    filter(column, Op::Eq, value)
}
fn cond(column: usize, op: Op, value: Bound) -> Condition {
    Condition { column, op, value }
}

/// The partition key `org = ?, bucket = ?`.
fn partition(org: &str, bucket: i32) -> Vec<Filter> {
    vec![eq(ORG, text(org)), eq(BUCKET, int(bucket))]
}

/// The whole primary key of a post.
fn row_key(org: &str, bucket: i32, posted: u128, seq: i32) -> Vec<Filter> {
    let mut f = partition(org, bucket);
    f.push(eq(POSTED, tuuid(posted)));
    f.push(eq(SEQ, int(seq)));
    f
}

const ROW_WHERE: &str = r#"WHERE "org" = ? AND "bucket" = ? AND "posted" = ? AND "seq" = ?"#;

fn row_key_values(org: &str, bucket: i32, posted: u128, seq: i32) -> Vec<Bound> {
    vec![text(org), int(bucket), tuuid(posted), int(seq)]
}

fn update(assignments: Vec<(usize, Assignment)>, filters: Vec<Filter>) -> UpdateSpec {
    UpdateSpec {
        assignments,
        filters,
        ..UpdateSpec::default()
    }
}

fn delete(targets: Vec<DeleteTarget>, filters: Vec<Filter>) -> DeleteSpec {
    DeleteSpec {
        targets,
        filters,
        ..DeleteSpec::default()
    }
}

/// The reason of the error, asserting it is on `model`.
fn reason(result: Result<Rendered, InvalidQuery>, model: &str) -> String {
    let err = result.unwrap_err();
    assert_eq!(err.model, model);
    err.reason
}

fn assert_reason(result: Result<Rendered, InvalidQuery>, model: &str, parts: &[&str]) {
    let r = reason(result, model);
    for p in parts {
        assert!(r.contains(p), "{r:?} does not mention {p:?}");
    }
}

// ---------------------------------------------------------------------------------------
// INSERT

fn full_insert(org: &str, bucket: i32, posted: u128, seq: i32, title: &str) -> InsertSpec {
    InsertSpec {
        values: vec![
            (ORG, text(org)),
            (BUCKET, int(bucket)),
            (POSTED, tuuid(posted)),
            (SEQ, int(seq)),
            (TITLE, text(title)),
        ],
        ..InsertSpec::default()
    }
}

#[test]
fn insert_renders_columns_and_markers_in_spec_order() {
    let r = render_insert(&posts(), Some("blog"), &full_insert("acme", 3, 7, 1, "hi")).unwrap();
    assert_eq!(
        r.cql,
        r#"INSERT INTO "blog"."posts" ("org", "bucket", "posted", "seq", "title") VALUES (?, ?, ?, ?, ?)"#
    );
    assert_eq!(
        r.values,
        vec![text("acme"), int(3), tuuid(7), int(1), text("hi")]
    );
}

#[test]
fn insert_quotes_column_names_and_uses_the_model_keyspace() {
    let mut schema = posts();
    schema.keyspace = Some("Own KS".into());
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.values.insert(0, (BODY, text("body")));
    let r = render_insert(&schema, Some("blog"), &spec).unwrap();
    assert_eq!(
        r.cql,
        r#"INSERT INTO "Own KS"."posts" ("Body ""Text""", "org", "bucket", "posted", "seq", "title") VALUES (?, ?, ?, ?, ?, ?)"#
    );
    assert_eq!(r.values.first(), Some(&text("body")));
}

#[test]
fn insert_without_keyspace_names_the_bare_table() {
    let r = render_insert(&posts(), None, &full_insert("a", 1, 2, 3, "t")).unwrap();
    assert!(r.cql.starts_with(r#"INSERT INTO "posts" ("#), "{}", r.cql);
}

#[test]
fn insert_if_not_exists() {
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.if_not_exists = true;
    let r = render_insert(&posts(), None, &spec).unwrap();
    assert!(
        r.cql.ends_with("VALUES (?, ?, ?, ?, ?) IF NOT EXISTS"),
        "{}",
        r.cql
    );
    assert_eq!(r.values.len(), 5);
}

#[test]
fn insert_using_ttl_and_timestamp_values_after_the_columns() {
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.ttl = Some(int(60));
    spec.timestamp = Some(bigint(1_000));
    let r = render_insert(&posts(), None, &spec).unwrap();
    assert!(
        r.cql
            .ends_with("VALUES (?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?"),
        "{}",
        r.cql
    );
    let mut expected = row_key_values("a", 1, 2, 3);
    expected.extend([text("t"), int(60), bigint(1_000)]);
    assert_eq!(r.values, expected);
}

#[test]
fn insert_using_ttl_alone_and_timestamp_alone() {
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.ttl = Some(int(60));
    let r = render_insert(&posts(), None, &spec).unwrap();
    assert!(r.cql.ends_with(") USING TTL ?"), "{}", r.cql);
    assert_eq!(r.values.last(), Some(&int(60)));

    spec.ttl = None;
    spec.timestamp = Some(bigint(5));
    let r = render_insert(&posts(), None, &spec).unwrap();
    assert!(r.cql.ends_with(") USING TIMESTAMP ?"), "{}", r.cql);
    assert_eq!(r.values.last(), Some(&bigint(5)));
}

#[test]
fn insert_if_not_exists_comes_before_using() {
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.if_not_exists = true;
    spec.ttl = Some(int(60));
    let r = render_insert(&posts(), None, &spec).unwrap();
    assert!(r.cql.ends_with(") IF NOT EXISTS USING TTL ?"), "{}", r.cql);
}

#[test]
fn insert_of_collections_and_statics() {
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.values.push((TAGS, texts(&["x"])));
    spec.values.push((OWNER, text("me")));
    spec.values.push((HISTORY, ints(&[1, 2])));
    let r = render_insert(&posts(), None, &spec).unwrap();
    assert!(
        r.cql
            .contains(r#""title", "tags", "owner", "history") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"#),
        "{}",
        r.cql
    );
}

#[test]
fn insert_same_shape_renders_the_same_text() {
    let a = render_insert(&posts(), None, &full_insert("a", 1, 2, 3, "t")).unwrap();
    let b = render_insert(&posts(), None, &full_insert("zzz", 9, 8, 7, "other")).unwrap();
    assert_eq!(a.cql, b.cql);
    assert_ne!(a.values, b.values);
}

#[test]
fn insert_names_the_missing_primary_key_field() {
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.values.retain(|(c, _)| *c != SEQ);
    assert_eq!(
        reason(render_insert(&posts(), None, &spec), "Post"),
        "insert of model Post needs a value for primary key field `seq`"
    );
    spec.values.retain(|(c, _)| *c != ORG);
    assert_eq!(
        reason(render_insert(&posts(), None, &spec), "Post"),
        "insert of model Post needs a value for primary key field `org`"
    );
}

#[test]
fn insert_refuses_a_null_or_unset_primary_key() {
    for value in [Bound::null(), Bound::unset()] {
        let mut spec = full_insert("a", 1, 2, 3, "t");
        spec.values.retain(|(c, _)| *c != BUCKET);
        spec.values.push((BUCKET, value));
        assert_eq!(
            reason(render_insert(&posts(), None, &spec), "Post"),
            "insert of model Post needs a value for primary key field `bucket`"
        );
    }
}

#[test]
fn insert_allows_null_and_unset_regular_columns() {
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.values.push((OWNER, Bound::null()));
    spec.values.push((TAGS, Bound::unset()));
    let r = render_insert(&posts(), None, &spec).unwrap();
    assert_eq!(r.values.len(), 7);
}

#[test]
fn insert_refuses_counters() {
    let spec = InsertSpec {
        values: vec![(PAGE, text("/")), (DAY, int(1)), (HITS, bigint(1))],
        ..InsertSpec::default()
    };
    assert_reason(
        render_insert(&page_views(), None, &spec),
        "PageViews",
        &["counter field `hits`", "never inserted", "increment"],
    );
    // Key columns only: still a counter table.
    let spec = InsertSpec {
        values: vec![(PAGE, text("/")), (DAY, int(1))],
        ..InsertSpec::default()
    };
    assert_reason(
        render_insert(&page_views(), None, &spec),
        "PageViews",
        &["counter table", "increment"],
    );
}

#[test]
fn insert_refuses_a_bad_index_and_duplicates() {
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.values.push((42, text("x")));
    assert_reason(
        render_insert(&posts(), None, &spec),
        "Post",
        &["index 42", "12 columns"],
    );
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.values.push((TITLE, text("again")));
    assert_reason(
        render_insert(&posts(), None, &spec),
        "Post",
        &["field `title` twice"],
    );
}

#[test]
fn insert_if_not_exists_refuses_a_timestamp() {
    let mut spec = full_insert("a", 1, 2, 3, "t");
    spec.if_not_exists = true;
    spec.timestamp = Some(bigint(1));
    assert_reason(
        render_insert(&posts(), None, &spec),
        "Post",
        &["custom timestamp"],
    );
}

// ---------------------------------------------------------------------------------------
// UPDATE: rendering

#[test]
fn update_set_renders_set_where_and_values_in_order() {
    let spec = update(
        vec![
            (TITLE, Assignment::Set(text("new"))),
            (BODY, Assignment::Set(text("b"))),
        ],
        row_key("acme", 3, 7, 1),
    );
    let r = render_update(&posts(), Some("blog"), &spec).unwrap();
    assert_eq!(
        r.cql,
        format!(r#"UPDATE "blog"."posts" SET "title" = ?, "Body ""Text""" = ? {ROW_WHERE}"#)
    );
    let mut expected = vec![text("new"), text("b")];
    expected.extend(row_key_values("acme", 3, 7, 1));
    assert_eq!(r.values, expected);
}

#[test]
fn update_renders_every_collection_operation() {
    let spec = update(
        vec![
            (TAGS, Assignment::Append(texts(&["a"]))),
            (TAGS, Assignment::Prepend(texts(&["b"]))),
            (TAGS, Assignment::Remove(texts(&["c"]))),
            (LABELS, Assignment::Add(text_set(&["d"]))),
            (LABELS, Assignment::Remove(text_set(&["e"]))),
            (
                ATTRS,
                Assignment::PutEntry {
                    key: text("k"),
                    value: int(1),
                },
            ),
            (
                TAGS,
                Assignment::PutEntry {
                    key: int(0),
                    value: text("first"),
                },
            ),
            (ATTRS, Assignment::PutAll(bigint(99))),
            (ATTRS, Assignment::RemoveKeys(text_set(&["gone"]))),
        ],
        row_key("o", 1, 2, 3),
    );
    let r = render_update(&posts(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        format!(
            "UPDATE \"posts\" SET \
             \"tags\" = \"tags\" + ?, \
             \"tags\" = ? + \"tags\", \
             \"tags\" = \"tags\" - ?, \
             \"labels\" = \"labels\" + ?, \
             \"labels\" = \"labels\" - ?, \
             \"attrs\"[?] = ?, \
             \"tags\"[?] = ?, \
             \"attrs\" = \"attrs\" + ?, \
             \"attrs\" = \"attrs\" - ? \
             {ROW_WHERE}"
        )
    );
    let mut expected = vec![
        texts(&["a"]),
        texts(&["b"]),
        texts(&["c"]),
        text_set(&["d"]),
        text_set(&["e"]),
        text("k"),
        int(1),
        int(0),
        text("first"),
        bigint(99),
        text_set(&["gone"]),
    ];
    expected.extend(row_key_values("o", 1, 2, 3));
    assert_eq!(r.values, expected);
}

#[test]
fn update_of_counters() {
    let spec = update(
        vec![
            (HITS, Assignment::Increment(bigint(1))),
            (UNIQUES, Assignment::Decrement(bigint(2))),
        ],
        vec![eq(PAGE, text("/")), eq(DAY, int(20))],
    );
    let r = render_update(&page_views(), Some("ignored"), &spec).unwrap();
    assert_eq!(
        r.cql,
        r#"UPDATE "stats"."page_views" SET "hits" = "hits" + ?, "uniques" = "uniques" - ? WHERE "page" = ? AND "day" = ?"#
    );
    assert_eq!(r.values, vec![bigint(1), bigint(2), text("/"), int(20)]);
}

#[test]
fn update_using_values_come_first() {
    let mut spec = update(
        vec![(TITLE, Assignment::Set(text("t")))],
        row_key("o", 1, 2, 3),
    );
    spec.ttl = Some(int(30));
    spec.timestamp = Some(bigint(77));
    let r = render_update(&posts(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        format!(r#"UPDATE "posts" USING TTL ? AND TIMESTAMP ? SET "title" = ? {ROW_WHERE}"#)
    );
    let mut expected = vec![int(30), bigint(77), text("t")];
    expected.extend(row_key_values("o", 1, 2, 3));
    assert_eq!(r.values, expected);

    spec.ttl = None;
    let r = render_update(&posts(), None, &spec).unwrap();
    assert!(
        r.cql.starts_with(r#"UPDATE "posts" USING TIMESTAMP ? SET"#),
        "{}",
        r.cql
    );
    assert_eq!(r.values.first(), Some(&bigint(77)));

    spec.ttl = Some(int(30));
    spec.timestamp = None;
    let r = render_update(&posts(), None, &spec).unwrap();
    assert!(
        r.cql.starts_with(r#"UPDATE "posts" USING TTL ? SET"#),
        "{}",
        r.cql
    );
    assert_eq!(r.values.first(), Some(&int(30)));
}

#[test]
fn update_if_exists() {
    let mut spec = update(
        vec![(TITLE, Assignment::Set(text("t")))],
        row_key("o", 1, 2, 3),
    );
    spec.lwt = Lwt::IfExists;
    let r = render_update(&posts(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        format!(r#"UPDATE "posts" SET "title" = ? {ROW_WHERE} IF EXISTS"#)
    );
    assert_eq!(r.values.len(), 5);
}

#[test]
fn update_if_conditions_with_every_operator_values_last() {
    let ops = [Op::Eq, Op::Ne, Op::Gt, Op::Ge, Op::Lt, Op::Le, Op::In];
    let mut spec = update(
        vec![(TITLE, Assignment::Set(text("t")))],
        row_key("o", 1, 2, 3),
    );
    spec.lwt = Lwt::If(
        ops.iter()
            .enumerate()
            .map(|(i, op)| {
                let v = if *op == Op::In {
                    texts(&["x", "y"])
                } else {
                    text(&i.to_string())
                };
                cond(TITLE, *op, v)
            })
            .collect(),
    );
    spec.ttl = Some(int(9));
    let r = render_update(&posts(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        format!(
            r#"UPDATE "posts" USING TTL ? SET "title" = ? {ROW_WHERE} IF "title" = ? AND "title" != ? AND "title" > ? AND "title" >= ? AND "title" < ? AND "title" <= ? AND "title" IN ?"#
        )
    );
    let mut expected = vec![int(9), text("t")];
    expected.extend(row_key_values("o", 1, 2, 3));
    expected.extend((0..6).map(|i: i32| text(&i.to_string())));
    expected.push(texts(&["x", "y"]));
    assert_eq!(r.values, expected);
}

#[test]
fn update_with_in_on_the_partition_key_and_the_last_clustering_column() {
    let spec = update(
        vec![(TITLE, Assignment::Set(text("t")))],
        vec![
            filter(ORG, Op::In, texts(&["a", "b"])),
            eq(BUCKET, int(1)),
            eq(POSTED, tuuid(2)),
            filter(SEQ, Op::In, ints(&[1, 2])),
        ],
    );
    let r = render_update(&posts(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        r#"UPDATE "posts" SET "title" = ? WHERE "org" IN ? AND "bucket" = ? AND "posted" = ? AND "seq" IN ?"#
    );
}

#[test]
fn update_filters_render_in_spec_order() {
    let mut filters = row_key("o", 1, 2, 3);
    filters.reverse();
    let r = render_update(
        &posts(),
        None,
        &update(vec![(TITLE, Assignment::Set(text("t")))], filters),
    )
    .unwrap();
    assert!(
        r.cql
            .ends_with(r#"WHERE "seq" = ? AND "posted" = ? AND "bucket" = ? AND "org" = ?"#),
        "{}",
        r.cql
    );
    assert_eq!(&r.values[1..], &[int(3), tuuid(2), int(1), text("o")]);
}

#[test]
fn update_of_static_columns_restricts_the_partition_only() {
    let mut spec = update(
        vec![
            (OWNER, Assignment::Set(text("me"))),
            (PINNED, Assignment::Append(ints(&[4]))),
        ],
        partition("o", 1),
    );
    spec.lwt = Lwt::If(vec![cond(OWNER, Op::Eq, text("you"))]);
    let r = render_update(&posts(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        r#"UPDATE "posts" SET "owner" = ?, "pinned" = "pinned" + ? WHERE "org" = ? AND "bucket" = ? IF "owner" = ?"#
    );
    assert_eq!(
        r.values,
        vec![text("me"), ints(&[4]), text("o"), int(1), text("you")]
    );
}

#[test]
fn update_mixing_static_and_regular_columns_needs_the_whole_key() {
    let spec = update(
        vec![
            (OWNER, Assignment::Set(text("me"))),
            (TITLE, Assignment::Set(text("t"))),
        ],
        partition("o", 1),
    );
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["clustering field `posted`", "="],
    );
    let spec = update(
        vec![
            (OWNER, Assignment::Set(text("me"))),
            (TITLE, Assignment::Set(text("t"))),
        ],
        row_key("o", 1, 2, 3),
    );
    assert!(render_update(&posts(), None, &spec).is_ok());
}

#[test]
fn update_same_shape_renders_the_same_text() {
    let shape = |org: &str, n: i32, tag: &str| {
        let mut spec = update(
            vec![
                (TITLE, Assignment::Set(text(tag))),
                (
                    ATTRS,
                    Assignment::PutEntry {
                        key: text(tag),
                        value: int(n),
                    },
                ),
            ],
            row_key(org, n, 5, n),
        );
        spec.ttl = Some(int(n));
        spec.lwt = Lwt::If(vec![cond(BODY, Op::Ne, text(tag))]);
        render_update(&posts(), None, &spec).unwrap()
    };
    let a = shape("a", 1, "x");
    let b = shape("bb", 200, "yyy");
    assert_eq!(a.cql, b.cql);
    assert_ne!(a.values, b.values);
    assert_eq!(a.values.len(), b.values.len());
}

// ---------------------------------------------------------------------------------------
// UPDATE: checks

#[test]
fn update_needs_an_assignment() {
    assert_reason(
        render_update(&posts(), None, &update(vec![], row_key("o", 1, 2, 3))),
        "Post",
        &["assigns nothing"],
    );
}

#[test]
fn update_refuses_primary_key_assignments() {
    for (index, field) in [
        (ORG, "org"),
        (BUCKET, "bucket"),
        (POSTED, "posted"),
        (SEQ, "seq"),
    ] {
        let spec = update(
            vec![(index, Assignment::Set(int(1)))],
            row_key("o", 1, 2, 3),
        );
        assert_reason(
            render_update(&posts(), None, &spec),
            "Post",
            &[&format!("primary key field `{field}`"), "delete the row"],
        );
    }
}

#[test]
fn update_refuses_an_out_of_range_column() {
    let spec = update(vec![(99, Assignment::Set(int(1)))], row_key("o", 1, 2, 3));
    assert_reason(render_update(&posts(), None, &spec), "Post", &["index 99"]);
}

#[test]
fn update_refuses_operations_the_column_type_does_not_allow() {
    let v = || texts(&["x"]);
    let cases: Vec<(usize, Assignment, &str)> = vec![
        (LABELS, Assignment::Append(v()), "labels"),
        (ATTRS, Assignment::Prepend(v()), "attrs"),
        (TITLE, Assignment::Append(v()), "title"),
        (TAGS, Assignment::Add(v()), "tags"),
        (ATTRS, Assignment::Remove(v()), "attrs"),
        (TITLE, Assignment::Remove(v()), "title"),
        (LABELS, Assignment::PutAll(v()), "labels"),
        (TAGS, Assignment::RemoveKeys(v()), "tags"),
        (
            LABELS,
            Assignment::PutEntry {
                key: v(),
                value: v(),
            },
            "labels",
        ),
        (TITLE, Assignment::Increment(bigint(1)), "title"),
        (BODY, Assignment::Decrement(bigint(1)), "body"),
        // A frozen list is replaced whole, never appended to.
        (HISTORY, Assignment::Append(ints(&[1])), "history"),
        (
            HISTORY,
            Assignment::PutEntry {
                key: int(0),
                value: int(1),
            },
            "history",
        ),
    ];
    for (index, assignment, field) in cases {
        let kind = assignment.kind();
        let spec = update(vec![(index, assignment)], row_key("o", 1, 2, 3));
        let r = reason(render_update(&posts(), None, &spec), "Post");
        assert!(
            r.contains(&format!("field `{field}`")) && r.contains(kind.describe()),
            "{kind:?} on {field}: {r}"
        );
    }
}

#[test]
fn update_of_a_frozen_collection_says_to_set_it() {
    let spec = update(
        vec![(HISTORY, Assignment::Append(ints(&[1])))],
        row_key("o", 1, 2, 3),
    );
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["frozen<list<int>>", "frozen collection", "set it"],
    );
    let spec = update(
        vec![(HISTORY, Assignment::Set(ints(&[1])))],
        row_key("o", 1, 2, 3),
    );
    assert!(render_update(&posts(), None, &spec).is_ok());
}

#[test]
fn update_refuses_setting_a_counter() {
    let spec = update(
        vec![(HITS, Assignment::Set(bigint(5)))],
        vec![eq(PAGE, text("/")), eq(DAY, int(1))],
    );
    assert_reason(
        render_update(&page_views(), None, &spec),
        "PageViews",
        &["counter field `hits`", "incremented"],
    );
}

#[test]
fn update_of_counters_refuses_ttl_and_timestamp() {
    let mut spec = update(
        vec![(HITS, Assignment::Increment(bigint(1)))],
        vec![eq(PAGE, text("/")), eq(DAY, int(1))],
    );
    spec.ttl = Some(int(10));
    assert_reason(
        render_update(&page_views(), None, &spec),
        "PageViews",
        &["TTL", "counters"],
    );
    spec.ttl = None;
    spec.timestamp = Some(bigint(10));
    assert_reason(
        render_update(&page_views(), None, &spec),
        "PageViews",
        &["timestamp", "counter"],
    );
}

#[test]
fn update_of_counters_refuses_conditions() {
    for lwt in [Lwt::IfExists, Lwt::If(vec![cond(HITS, Op::Eq, bigint(1))])] {
        let mut spec = update(
            vec![(HITS, Assignment::Increment(bigint(1)))],
            vec![eq(PAGE, text("/")), eq(DAY, int(1))],
        );
        spec.lwt = lwt;
        assert_reason(
            render_update(&page_views(), None, &spec),
            "PageViews",
            &["counter tables"],
        );
    }
}

#[test]
fn update_needs_every_partition_key_column() {
    let spec = update(
        vec![(TITLE, Assignment::Set(text("t")))],
        vec![eq(ORG, text("o")), eq(POSTED, tuuid(1)), eq(SEQ, int(1))],
    );
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["partition key field `bucket`", "= or IN"],
    );
    let spec = update(vec![(TITLE, Assignment::Set(text("t")))], vec![]);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["partition key field `org`"],
    );
}

#[test]
fn update_refuses_a_range_on_the_partition_key() {
    let mut filters = row_key("o", 1, 2, 3);
    filters[1] = filter(BUCKET, Op::Gt, int(1));
    let spec = update(vec![(TITLE, Assignment::Set(text("t")))], filters);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["partition key field `bucket`", "not >"],
    );
}

#[test]
fn update_needs_every_clustering_column() {
    let mut filters = partition("o", 1);
    filters.push(eq(POSTED, tuuid(1)));
    let spec = update(vec![(TITLE, Assignment::Set(text("t")))], filters);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["clustering field `seq`", "restricted with ="],
    );
}

#[test]
fn update_refuses_ranges_and_early_in_on_clustering_columns() {
    let mut filters = row_key("o", 1, 2, 3);
    filters[3] = filter(SEQ, Op::Ge, int(3));
    let spec = update(vec![(TITLE, Assignment::Set(text("t")))], filters);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["clustering field `seq`", "not >="],
    );

    let mut filters = row_key("o", 1, 2, 3);
    filters[2] = filter(POSTED, Op::In, list_of_tuuids(&[1, 2]));
    let spec = update(vec![(TITLE, Assignment::Set(text("t")))], filters);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["clustering field `posted`", "last clustering column"],
    );
}

fn list_of_tuuids(v: &[u128]) -> Bound {
    let v: Vec<Uuid> = v.iter().map(|u| Uuid::from_u128(*u)).collect();
    Bound::new(&v, &list(ColumnType::Timeuuid)).unwrap()
}

#[test]
fn update_refuses_a_column_restricted_twice() {
    let mut filters = row_key("o", 1, 2, 3);
    filters.push(eq(SEQ, int(4)));
    let spec = update(vec![(TITLE, Assignment::Set(text("t")))], filters);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["field `seq` more than once"],
    );
    let mut filters = row_key("o", 1, 2, 3);
    filters.push(eq(ORG, text("p")));
    let spec = update(vec![(TITLE, Assignment::Set(text("t")))], filters);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["field `org` more than once"],
    );
}

#[test]
fn update_refuses_filters_on_non_key_columns() {
    let mut filters = row_key("o", 1, 2, 3);
    filters.push(eq(TITLE, text("x")));
    let spec = update(vec![(BODY, Assignment::Set(text("t")))], filters);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["filter on field `title`", "not part of the primary key"],
    );
    let mut filters = row_key("o", 1, 2, 3);
    filters.push(eq(OWNER, text("x")));
    let spec = update(vec![(BODY, Assignment::Set(text("t")))], filters);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["field `owner`"],
    );
}

#[test]
fn update_refuses_query_only_operators_and_null_keys() {
    for op in [Op::Contains, Op::ContainsKey, Op::Like, Op::Ne] {
        let mut filters = row_key("o", 1, 2, 3);
        filters[0] = filter(ORG, op, text("o"));
        let spec = update(vec![(TITLE, Assignment::Set(text("t")))], filters);
        assert_reason(
            render_update(&posts(), None, &spec),
            "Post",
            &["field `org`", op.cql()],
        );
    }
    let mut filters = row_key("o", 1, 2, 3);
    filters[1] = eq(BUCKET, Bound::null());
    let spec = update(vec![(TITLE, Assignment::Set(text("t")))], filters);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["field `bucket`", "null or unset"],
    );
}

#[test]
fn update_of_static_columns_refuses_clustering_restrictions() {
    let spec = update(
        vec![(OWNER, Assignment::Set(text("me")))],
        row_key("o", 1, 2, 3),
    );
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["static columns only", "clustering field `posted`"],
    );
}

#[test]
fn update_of_static_columns_conditions_only_on_static_columns() {
    let mut spec = update(
        vec![(OWNER, Assignment::Set(text("me")))],
        partition("o", 1),
    );
    spec.lwt = Lwt::If(vec![cond(TITLE, Op::Eq, text("x"))]);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["static columns", "field `title`"],
    );
}

#[test]
fn update_refuses_conditions_on_key_columns_and_bad_operators() {
    let mut spec = update(
        vec![(TITLE, Assignment::Set(text("t")))],
        row_key("o", 1, 2, 3),
    );
    spec.lwt = Lwt::If(vec![cond(SEQ, Op::Eq, int(3))]);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["condition on primary key field `seq`"],
    );
    for op in [Op::Contains, Op::ContainsKey, Op::Like] {
        spec.lwt = Lwt::If(vec![cond(TAGS, op, text("x"))]);
        assert_reason(
            render_update(&posts(), None, &spec),
            "Post",
            &[op.cql(), "field `tags`"],
        );
    }
    spec.lwt = Lwt::If(vec![cond(77, Op::Eq, int(3))]);
    assert_reason(render_update(&posts(), None, &spec), "Post", &["index 77"]);
}

#[test]
fn update_refuses_if_not_exists_and_an_empty_if() {
    let mut spec = update(
        vec![(TITLE, Assignment::Set(text("t")))],
        row_key("o", 1, 2, 3),
    );
    spec.lwt = Lwt::IfNotExists;
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["IF NOT EXISTS", "use IF EXISTS"],
    );
    spec.lwt = Lwt::If(vec![]);
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["no condition"],
    );
}

#[test]
fn conditional_update_refuses_in_and_a_timestamp() {
    let mut filters = row_key("o", 1, 2, 3);
    filters[3] = filter(SEQ, Op::In, ints(&[1, 2]));
    let mut spec = update(vec![(TITLE, Assignment::Set(text("t")))], filters);
    spec.lwt = Lwt::IfExists;
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["conditional update", "field `seq`", "not IN"],
    );

    let mut filters = row_key("o", 1, 2, 3);
    filters[0] = filter(ORG, Op::In, texts(&["a"]));
    spec.filters = filters;
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["conditional update", "field `org`", "not IN"],
    );

    spec.filters = row_key("o", 1, 2, 3);
    spec.timestamp = Some(bigint(1));
    assert_reason(
        render_update(&posts(), None, &spec),
        "Post",
        &["custom timestamp"],
    );
}

// ---------------------------------------------------------------------------------------
// DELETE: rendering

#[test]
fn delete_of_a_row() {
    let r = render_delete(
        &posts(),
        Some("blog"),
        &delete(vec![], row_key("o", 1, 2, 3)),
    )
    .unwrap();
    assert_eq!(r.cql, format!(r#"DELETE FROM "blog"."posts" {ROW_WHERE}"#));
    assert_eq!(r.values, row_key_values("o", 1, 2, 3));
}

#[test]
fn delete_of_a_partition() {
    let r = render_delete(&posts(), None, &delete(vec![], partition("o", 1))).unwrap();
    assert_eq!(
        r.cql,
        r#"DELETE FROM "posts" WHERE "org" = ? AND "bucket" = ?"#
    );
    assert_eq!(r.values, vec![text("o"), int(1)]);
}

#[test]
fn delete_of_several_partitions_with_in() {
    let filters = vec![
        filter(ORG, Op::In, texts(&["a", "b"])),
        filter(BUCKET, Op::In, ints(&[1, 2])),
    ];
    let r = render_delete(&posts(), None, &delete(vec![], filters)).unwrap();
    assert_eq!(
        r.cql,
        r#"DELETE FROM "posts" WHERE "org" IN ? AND "bucket" IN ?"#
    );
}

#[test]
fn delete_of_a_clustering_range_with_timeuuid_bounds() {
    let mut filters = partition("o", 1);
    filters.push(Filter {
        column: POSTED,
        op: Op::Gt,
        form: ValueForm::MinTimeuuid,
        value: ts(100),
    });
    filters.push(Filter {
        column: POSTED,
        op: Op::Le,
        form: ValueForm::MaxTimeuuid,
        value: ts(200),
    });
    let r = render_delete(&posts(), None, &delete(vec![], filters)).unwrap();
    assert_eq!(
        r.cql,
        r#"DELETE FROM "posts" WHERE "org" = ? AND "bucket" = ? AND "posted" > minTimeuuid(?) AND "posted" <= maxTimeuuid(?)"#
    );
    assert_eq!(r.values, vec![text("o"), int(1), ts(100), ts(200)]);
}

#[test]
fn delete_of_a_range_after_a_clustering_prefix() {
    let mut filters = partition("o", 1);
    filters.push(filter(POSTED, Op::In, list_of_tuuids(&[1, 2])));
    filters.push(filter(SEQ, Op::Lt, int(10)));
    let r = render_delete(&posts(), None, &delete(vec![], filters)).unwrap();
    assert_eq!(
        r.cql,
        r#"DELETE FROM "posts" WHERE "org" = ? AND "bucket" = ? AND "posted" IN ? AND "seq" < ?"#
    );
    // A prefix alone (every row of one `posted`).
    let mut filters = partition("o", 1);
    filters.push(eq(POSTED, tuuid(1)));
    assert!(render_delete(&posts(), None, &delete(vec![], filters)).is_ok());
}

#[test]
fn delete_of_columns_and_elements_values_in_order() {
    let mut spec = delete(
        vec![
            DeleteTarget::Column(TITLE),
            DeleteTarget::Element {
                column: ATTRS,
                key: text("k"),
            },
            DeleteTarget::Column(BODY),
            DeleteTarget::Element {
                column: TAGS,
                key: int(2),
            },
        ],
        row_key("o", 1, 2, 3),
    );
    spec.lwt = Lwt::If(vec![cond(TITLE, Op::Eq, text("old"))]);
    let r = render_delete(&posts(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        format!(
            r#"DELETE "title", "attrs"[?], "Body ""Text""", "tags"[?] FROM "posts" {ROW_WHERE} IF "title" = ?"#
        )
    );
    let mut expected = vec![text("k"), int(2)];
    expected.extend(row_key_values("o", 1, 2, 3));
    expected.push(text("old"));
    assert_eq!(r.values, expected);
}

#[test]
fn delete_using_timestamp_values_after_element_keys() {
    let mut spec = delete(
        vec![DeleteTarget::Element {
            column: ATTRS,
            key: text("k"),
        }],
        row_key("o", 1, 2, 3),
    );
    spec.timestamp = Some(bigint(50));
    let r = render_delete(&posts(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        format!(r#"DELETE "attrs"[?] FROM "posts" USING TIMESTAMP ? {ROW_WHERE}"#)
    );
    let mut expected = vec![text("k"), bigint(50)];
    expected.extend(row_key_values("o", 1, 2, 3));
    assert_eq!(r.values, expected);
}

#[test]
fn delete_if_exists() {
    let mut spec = delete(vec![], row_key("o", 1, 2, 3));
    spec.lwt = Lwt::IfExists;
    let r = render_delete(&posts(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        format!(r#"DELETE FROM "posts" {ROW_WHERE} IF EXISTS"#)
    );
}

#[test]
fn delete_of_static_columns_restricts_the_partition_only() {
    let mut spec = delete(
        vec![
            DeleteTarget::Column(OWNER),
            DeleteTarget::Element {
                column: PINNED,
                key: int(0),
            },
        ],
        partition("o", 1),
    );
    spec.lwt = Lwt::If(vec![cond(OWNER, Op::Eq, text("me"))]);
    let r = render_delete(&posts(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        r#"DELETE "owner", "pinned"[?] FROM "posts" WHERE "org" = ? AND "bucket" = ? IF "owner" = ?"#
    );
    assert_eq!(r.values, vec![int(0), text("o"), int(1), text("me")]);

    spec.filters = row_key("o", 1, 2, 3);
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["static columns only", "clustering field `posted`"],
    );
}

#[test]
fn delete_of_counters() {
    let spec = delete(
        vec![DeleteTarget::Column(HITS)],
        vec![eq(PAGE, text("/")), eq(DAY, int(1))],
    );
    let r = render_delete(&page_views(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        r#"DELETE "hits" FROM "stats"."page_views" WHERE "page" = ? AND "day" = ?"#
    );
}

#[test]
fn delete_same_shape_renders_the_same_text() {
    let shape = |org: &str, n: i32, key: &str| {
        let mut filters = partition(org, n);
        filters.push(filter(POSTED, Op::Ge, tuuid(n as u128)));
        let mut spec = delete(vec![], filters);
        spec.timestamp = Some(bigint(i64::from(n)));
        let a = render_delete(&posts(), None, &spec).unwrap();
        let mut spec = delete(
            vec![DeleteTarget::Element {
                column: ATTRS,
                key: text(key),
            }],
            row_key(org, n, 1, n),
        );
        spec.lwt = Lwt::If(vec![cond(TITLE, Op::In, texts(&[key, key]))]);
        let b = render_delete(&posts(), None, &spec).unwrap();
        (a, b)
    };
    let (a1, b1) = shape("a", 1, "x");
    let (a2, b2) = shape("other", 77, "key");
    assert_eq!(a1.cql, a2.cql);
    assert_eq!(b1.cql, b2.cql);
    assert_ne!(a1.values, a2.values);
    assert_ne!(b1.values, b2.values);
}

// ---------------------------------------------------------------------------------------
// DELETE: checks

#[test]
fn delete_refuses_primary_key_targets() {
    for (index, field) in [(ORG, "org"), (SEQ, "seq")] {
        let spec = delete(vec![DeleteTarget::Column(index)], row_key("o", 1, 2, 3));
        assert_reason(
            render_delete(&posts(), None, &spec),
            "Post",
            &[&format!("primary key field `{field}`"), "delete the row"],
        );
    }
}

#[test]
fn delete_of_an_element_needs_a_non_frozen_map_or_list() {
    for (index, field, hint) in [
        (LABELS, "labels", "remove set elements"),
        (HISTORY, "history", "frozen"),
        (TITLE, "title", "non-frozen maps"),
    ] {
        let spec = delete(
            vec![DeleteTarget::Element {
                column: index,
                key: int(0),
            }],
            row_key("o", 1, 2, 3),
        );
        assert_reason(
            render_delete(&posts(), None, &spec),
            "Post",
            &[&format!("field `{field}`"), hint],
        );
    }
}

#[test]
fn delete_refuses_an_out_of_range_target() {
    let spec = delete(vec![DeleteTarget::Column(12)], row_key("o", 1, 2, 3));
    assert_reason(render_delete(&posts(), None, &spec), "Post", &["index 12"]);
}

#[test]
fn delete_needs_the_whole_partition_key() {
    let spec = delete(vec![], vec![eq(ORG, text("o"))]);
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["partition key field `bucket`"],
    );
    let spec = delete(vec![], vec![]);
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["partition key field `org`"],
    );
    let spec = delete(
        vec![],
        vec![eq(ORG, text("o")), filter(BUCKET, Op::Lt, int(1))],
    );
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["partition key field `bucket`", "not <"],
    );
}

#[test]
fn delete_clustering_restrictions_must_be_a_prefix() {
    let mut filters = partition("o", 1);
    filters.push(eq(SEQ, int(1)));
    assert_reason(
        render_delete(&posts(), None, &delete(vec![], filters)),
        "Post",
        &["clustering field `seq` after `posted`", "prefix"],
    );
}

#[test]
fn delete_range_must_be_the_last_restriction() {
    let mut filters = partition("o", 1);
    filters.push(filter(POSTED, Op::Gt, tuuid(1)));
    filters.push(eq(SEQ, int(1)));
    assert_reason(
        render_delete(&posts(), None, &delete(vec![], filters)),
        "Post",
        &["clustering field `seq` after `posted`"],
    );
}

#[test]
fn delete_range_has_one_bound_each_way() {
    let mut filters = partition("o", 1);
    filters.push(filter(POSTED, Op::Gt, tuuid(1)));
    filters.push(filter(POSTED, Op::Ge, tuuid(2)));
    assert_reason(
        render_delete(&posts(), None, &delete(vec![], filters)),
        "Post",
        &["field `posted` more than once"],
    );
    let mut filters = partition("o", 1);
    filters.push(eq(POSTED, tuuid(1)));
    filters.push(filter(POSTED, Op::Lt, tuuid(2)));
    assert_reason(
        render_delete(&posts(), None, &delete(vec![], filters)),
        "Post",
        &["field `posted` more than once"],
    );
}

#[test]
fn delete_of_columns_needs_the_whole_key_without_ranges() {
    let mut filters = partition("o", 1);
    filters.push(eq(POSTED, tuuid(1)));
    let spec = delete(vec![DeleteTarget::Column(TITLE)], filters);
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["clustering field `seq`"],
    );
    let mut filters = partition("o", 1);
    filters.push(eq(POSTED, tuuid(1)));
    filters.push(filter(SEQ, Op::Gt, int(1)));
    let spec = delete(vec![DeleteTarget::Column(TITLE)], filters);
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["clustering field `seq`", "not >", "deleted whole"],
    );
}

#[test]
fn conditional_delete_needs_the_whole_key_by_equality() {
    let mut spec = delete(vec![], partition("o", 1));
    spec.lwt = Lwt::IfExists;
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["clustering field `posted`"],
    );

    let mut filters = partition("o", 1);
    filters.push(eq(POSTED, tuuid(1)));
    filters.push(filter(SEQ, Op::Gt, int(1)));
    spec.filters = filters;
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["clustering field `seq`", "not >", "one row"],
    );

    let mut filters = row_key("o", 1, 2, 3);
    filters[3] = filter(SEQ, Op::In, ints(&[1]));
    spec.filters = filters;
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["conditional delete", "field `seq`", "not IN"],
    );

    let mut filters = row_key("o", 1, 2, 3);
    filters[0] = filter(ORG, Op::In, texts(&["o"]));
    spec.filters = filters;
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["conditional delete", "field `org`", "not IN"],
    );
}

#[test]
fn delete_refuses_filters_on_non_key_columns() {
    let mut filters = row_key("o", 1, 2, 3);
    filters.push(eq(TITLE, text("t")));
    assert_reason(
        render_delete(&posts(), None, &delete(vec![], filters)),
        "Post",
        &["field `title`", "not part of the primary key"],
    );
}

#[test]
fn delete_timeuuid_forms_only_on_timeuuid_columns() {
    let mut filters = partition("o", 1);
    filters.push(eq(POSTED, tuuid(1)));
    filters.push(Filter {
        column: SEQ,
        op: Op::Gt,
        form: ValueForm::MinTimeuuid,
        value: ts(1),
    });
    assert_reason(
        render_delete(&posts(), None, &delete(vec![], filters)),
        "Post",
        &["minTimeuuid", "field `seq`"],
    );
}

#[test]
fn delete_conditions_checks() {
    let mut spec = delete(vec![], row_key("o", 1, 2, 3));
    spec.lwt = Lwt::If(vec![cond(ORG, Op::Eq, text("o"))]);
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["primary key field `org`"],
    );
    spec.lwt = Lwt::IfNotExists;
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["IF NOT EXISTS"],
    );
    spec.lwt = Lwt::IfExists;
    spec.timestamp = Some(bigint(1));
    assert_reason(
        render_delete(&posts(), None, &spec),
        "Post",
        &["conditional delete", "custom timestamp"],
    );
}

#[test]
fn delete_on_a_counter_table_refuses_a_timestamp_and_conditions() {
    let mut spec = delete(vec![], vec![eq(PAGE, text("/")), eq(DAY, int(1))]);
    spec.timestamp = Some(bigint(1));
    assert_reason(
        render_delete(&page_views(), None, &spec),
        "PageViews",
        &["custom timestamp", "counter table"],
    );
    spec.timestamp = None;
    spec.lwt = Lwt::IfExists;
    assert_reason(
        render_delete(&page_views(), None, &spec),
        "PageViews",
        &["counter tables"],
    );
}

// ---------------------------------------------------------------------------------------
// Assignment types

fn column(index: usize) -> ColumnDef {
    posts().columns[index].clone()
}

#[test]
fn assignment_kind_matches_the_variant() {
    let b = || int(1);
    let cases = [
        (Assignment::Set(b()), AssignmentKind::Set),
        (Assignment::Append(b()), AssignmentKind::Append),
        (Assignment::Prepend(b()), AssignmentKind::Prepend),
        (Assignment::Remove(b()), AssignmentKind::Remove),
        (Assignment::Add(b()), AssignmentKind::Add),
        (
            Assignment::PutEntry {
                key: b(),
                value: b(),
            },
            AssignmentKind::PutEntry,
        ),
        (Assignment::PutAll(b()), AssignmentKind::PutAll),
        (Assignment::RemoveKeys(b()), AssignmentKind::RemoveKeys),
        (Assignment::Increment(b()), AssignmentKind::Increment),
        (Assignment::Decrement(b()), AssignmentKind::Decrement),
    ];
    for (assignment, kind) in cases {
        assert_eq!(assignment.kind(), kind);
    }
}

#[test]
fn assignment_types_per_kind() {
    use AssignmentKind as K;
    let value = |c: usize, k: K| {
        let t = assignment_types("Post", &column(c), k).unwrap();
        (t.key, t.value)
    };
    let text_list = list(ColumnType::Text);
    let text_set = set(ColumnType::Text);
    let text_int = map(ColumnType::Text, ColumnType::Int);
    assert_eq!(value(TITLE, K::Set), (None, ColumnType::Text));
    assert_eq!(value(TAGS, K::Set), (None, text_list.clone()));
    assert_eq!(value(HISTORY, K::Set), (None, list(ColumnType::Int)));
    assert_eq!(value(TAGS, K::Append), (None, text_list.clone()));
    assert_eq!(value(TAGS, K::Prepend), (None, text_list.clone()));
    assert_eq!(value(TAGS, K::Remove), (None, text_list));
    assert_eq!(value(LABELS, K::Add), (None, text_set.clone()));
    assert_eq!(value(LABELS, K::Remove), (None, text_set.clone()));
    assert_eq!(
        value(ATTRS, K::PutEntry),
        (Some(ColumnType::Text), ColumnType::Int)
    );
    assert_eq!(
        value(TAGS, K::PutEntry),
        (Some(ColumnType::Int), ColumnType::Text)
    );
    assert_eq!(value(ATTRS, K::PutAll), (None, text_int));
    assert_eq!(value(ATTRS, K::RemoveKeys), (None, text_set));

    let hits = page_views().columns[HITS].clone();
    for k in [K::Increment, K::Decrement] {
        let t = assignment_types("PageViews", &hits, k).unwrap();
        assert_eq!((t.key, t.value), (None, ColumnType::BigInt));
    }
}

#[test]
fn assignment_types_refuse_the_wrong_kind() {
    use AssignmentKind as K;
    let wrong = [
        (TITLE, K::Append),
        (TITLE, K::Add),
        (TITLE, K::PutEntry),
        (TITLE, K::Increment),
        (LABELS, K::Append),
        (LABELS, K::Prepend),
        (LABELS, K::PutEntry),
        (LABELS, K::RemoveKeys),
        (TAGS, K::Add),
        (TAGS, K::PutAll),
        (TAGS, K::RemoveKeys),
        (TAGS, K::Decrement),
        (ATTRS, K::Append),
        (ATTRS, K::Add),
        (ATTRS, K::Remove),
        (HISTORY, K::Append),
        (HISTORY, K::Remove),
        (HISTORY, K::PutEntry),
    ];
    for (index, kind) in wrong {
        let c = column(index);
        let err = assignment_types("Post", &c, kind).unwrap_err();
        assert_eq!(err.model, "Post");
        assert!(
            err.reason.contains(&format!("field `{}`", c.field)),
            "{kind:?}: {}",
            err.reason
        );
    }
    let hits = page_views().columns[HITS].clone();
    for kind in [K::Set, K::Append, K::PutEntry] {
        let err = assignment_types("PageViews", &hits, kind).unwrap_err();
        assert!(err.reason.contains("field `hits`"), "{}", err.reason);
    }
}

#[test]
fn delete_element_key_types() {
    assert_eq!(
        delete_element_key_type("Post", &column(ATTRS)).unwrap(),
        ColumnType::Text
    );
    assert_eq!(
        delete_element_key_type("Post", &column(TAGS)).unwrap(),
        ColumnType::Int
    );
    for index in [LABELS, HISTORY, TITLE] {
        let err = delete_element_key_type("Post", &column(index)).unwrap_err();
        assert_eq!(err.model, "Post");
        assert!(
            err.reason
                .contains(&format!("field `{}`", column(index).field))
        );
    }
}

#[test]
fn errors_display_the_model() {
    let err = render_update(&posts(), None, &update(vec![], vec![])).unwrap_err();
    assert!(err.to_string().starts_with("invalid query on model Post: "));
}

#[test]
fn map_values_serialize_for_put_all() {
    // The execution layer serializes PutAll values as the map type assignment_types gives.
    let t = assignment_types("Post", &column(ATTRS), AssignmentKind::PutAll).unwrap();
    let mut m = BTreeMap::new();
    m.insert(String::from("a"), 1i32);
    let spec = update(
        vec![(ATTRS, Assignment::PutAll(Bound::new(&m, &t.value).unwrap()))],
        row_key("o", 1, 2, 3),
    );
    assert!(render_update(&posts(), None, &spec).is_ok());
}
