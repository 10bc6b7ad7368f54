use super::*;
use crate::mapper::model::{ColumnDef, IndexDef, IndexTarget, KeyRole, ModelSchema};
use crate::mapper::spec::{Bound, Filter, Op, TokenFilter};
use crate::types::ColumnType;
use crate::types::CqlTimestamp;
use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::string::ToString;
use alloc::vec;

// users: PRIMARY KEY ((a, b), c, d) WITH CLUSTERING ORDER BY (c ASC, d DESC)
const A: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;
const S: usize = 4;
const X: usize = 5;
const Y: usize = 6;
const TAGS: usize = 7;
const ATTRS: usize = 8;
const NAME: usize = 9;

fn text() -> ColumnType {
    ColumnType::Text
}

fn users() -> ModelSchema {
    let mut schema = ModelSchema::new("User", "users");
    let mut a = ColumnDef::new("a", ColumnType::Int);
    a.role = KeyRole::Partition(0);
    let mut b = ColumnDef::new("b", text());
    b.role = KeyRole::Partition(1);
    let mut c = ColumnDef::new("c", ColumnType::Int);
    c.role = KeyRole::Clustering {
        position: 0,
        descending: false,
    };
    let mut d = ColumnDef::new("d", ColumnType::Timeuuid);
    d.role = KeyRole::Clustering {
        position: 1,
        descending: true,
    };
    let mut s = ColumnDef::new("s", text());
    s.role = KeyRole::Static;
    let mut x = ColumnDef::new("x", ColumnType::Int);
    x.index = Some(IndexDef::default());
    let y = ColumnDef::new("y", ColumnType::Int);
    let mut tags = ColumnDef::new("tags", ColumnType::Set(Box::new(text())));
    tags.index = Some(IndexDef::default());
    let mut attrs = ColumnDef::new(
        "attrs",
        ColumnType::Map(Box::new(text()), Box::new(ColumnType::Int)),
    );
    attrs.index = Some(IndexDef {
        target: IndexTarget::Keys,
        ..IndexDef::default()
    });
    let mut name = ColumnDef::new("name", text());
    name.index = Some(IndexDef {
        custom_class: Some("org.apache.cassandra.index.sasi.SASIIndex".into()),
        ..IndexDef::default()
    });
    schema.columns = vec![a, b, c, d, s, x, y, tags, attrs, name];
    schema.validate().unwrap();
    schema
}

/// `users` with one more column (at index 10).
fn users_with(column: ColumnDef) -> ModelSchema {
    let mut schema = users();
    schema.columns.push(column);
    schema.validate().unwrap();
    schema
}

fn int(v: i32) -> Bound {
    Bound::new(&v, &ColumnType::Int).unwrap()
}

fn txt(v: &str) -> Bound {
    Bound::new(v, &text()).unwrap()
}

fn filter(column: usize, op: Op, value: Bound) -> Filter {
    Filter {
        column,
        op,
        form: ValueForm::Plain,
        value,
    }
}

fn eq(column: usize) -> Filter {
    filter(column, Op::Eq, int(1))
}

fn op(column: usize, op: Op) -> Filter {
    filter(column, op, int(1))
}

/// `a = ? AND b = ?`
fn partition() -> Vec<Filter> {
    vec![eq(A), filter(B, Op::Eq, txt("k"))]
}

fn with_partition(more: Vec<Filter>) -> Vec<Filter> {
    let mut filters = partition();
    filters.extend(more);
    filters
}

fn select(filters: Vec<Filter>) -> SelectSpec {
    SelectSpec {
        filters,
        ..SelectSpec::default()
    }
}

fn filtering(filters: Vec<Filter>) -> SelectSpec {
    SelectSpec {
        filters,
        allow_filtering: true,
        ..SelectSpec::default()
    }
}

fn token(op: Op, value: i64) -> TokenFilter {
    TokenFilter {
        op,
        bound: TokenBound::Token(Bound::new(&value, &ColumnType::BigInt).unwrap()),
    }
}

fn ok(schema: &ModelSchema, spec: &SelectSpec) {
    if let Err(e) = check_select(schema, spec) {
        panic!("expected {spec:?} to pass, got: {e}");
    }
}

/// The reason of the refusal; also checks the model is named and that rendering refuses.
fn refused(schema: &ModelSchema, spec: &SelectSpec) -> String {
    let err = check_select(schema, spec).expect_err("expected a refusal");
    assert_eq!(err.model, schema.model_name);
    assert_eq!(render_select(schema, None, spec), Err(err.clone()));
    err.reason
}

fn assert_mentions(reason: &str, parts: &[&str]) {
    for part in parts {
        assert!(reason.contains(part), "{reason:?} should mention {part:?}");
    }
}

/// The refusal names the column and asks for ALLOW FILTERING; with it, the query passes.
fn needs_filtering(spec: SelectSpec, column: &str) -> String {
    let schema = users();
    let reason = refused(&schema, &spec);
    assert_mentions(
        &reason,
        &[column, "ALLOW FILTERING", "add allow_filtering()"],
    );
    let spec = SelectSpec {
        allow_filtering: true,
        ..spec
    };
    ok(&schema, &spec);
    reason
}

/// Refused, with ALLOW FILTERING or without.
fn hard_error(schema: &ModelSchema, spec: SelectSpec, parts: &[&str]) -> String {
    let reason = refused(schema, &spec);
    assert_mentions(&reason, parts);
    let spec = SelectSpec {
        allow_filtering: true,
        ..spec
    };
    let again = refused(schema, &spec);
    assert_eq!(
        again, reason,
        "ALLOW FILTERING must not change a hard error"
    );
    reason
}

// ----- rendering ------------------------------------------------------------------------

#[test]
fn model_selection_lists_every_column_in_model_order() {
    let r = render_select(&users(), Some("ks"), &SelectSpec::default()).unwrap();
    assert_eq!(
        r.cql,
        r#"SELECT "a", "b", "c", "d", "s", "x", "y", "tags", "attrs", "name" FROM "ks"."users""#
    );
    assert!(r.values.is_empty());
}

#[test]
fn table_is_qualified_by_the_model_keyspace_first() {
    let mut schema = users();
    let spec = SelectSpec {
        selection: Selection::Count,
        ..SelectSpec::default()
    };
    assert_eq!(
        render_select(&schema, None, &spec).unwrap().cql,
        r#"SELECT COUNT(*) FROM "users""#
    );
    schema.keyspace = Some("app".into());
    assert_eq!(
        render_select(&schema, Some("other"), &spec).unwrap().cql,
        r#"SELECT COUNT(*) FROM "app"."users""#
    );
}

#[test]
fn columns_selection_in_the_given_order_with_quoted_names() {
    let mut renamed = ColumnDef::new("user_name", text());
    renamed.name = "userName".into();
    let schema = users_with(renamed);
    let spec = SelectSpec {
        selection: Selection::Columns(vec![10, A, Y]),
        ..SelectSpec::default()
    };
    assert_eq!(
        render_select(&schema, None, &spec).unwrap().cql,
        r#"SELECT "userName", "a", "y" FROM "users""#
    );
}

#[test]
fn distinct_selection() {
    let spec = SelectSpec {
        selection: Selection::Columns(vec![A, B, S]),
        distinct: true,
        ..SelectSpec::default()
    };
    assert_eq!(
        render_select(&users(), None, &spec).unwrap().cql,
        r#"SELECT DISTINCT "a", "b", "s" FROM "users""#
    );
}

#[test]
fn every_filter_form_renders_one_marker_and_its_value() {
    let schema = users();
    let ints = ColumnType::List(Box::new(ColumnType::Int));
    let cases: Vec<(Filter, &str)> = vec![
        (eq(C), r#""c" = ?"#),
        (
            filter(C, Op::In, Bound::new(&vec![1i32, 2, 3], &ints).unwrap()),
            r#""c" IN ?"#,
        ),
        (op(C, Op::Gt), r#""c" > ?"#),
        (op(C, Op::Ge), r#""c" >= ?"#),
        (op(C, Op::Lt), r#""c" < ?"#),
        (op(C, Op::Le), r#""c" <= ?"#),
    ];
    for (f, expected) in cases {
        let value = f.value.clone();
        let r = render_select(&schema, None, &select(with_partition(vec![f]))).unwrap();
        assert_eq!(
            r.cql,
            format!(
                r#"SELECT "a", "b", "c", "d", "s", "x", "y", "tags", "attrs", "name" FROM "users" WHERE "a" = ? AND "b" = ? AND {expected}"#
            )
        );
        assert_eq!(r.values, vec![int(1), txt("k"), value]);
    }
}

#[test]
fn collection_and_like_filters() {
    let schema = users();
    let count = |filters| SelectSpec {
        selection: Selection::Count,
        ..select(filters)
    };
    let r = render_select(
        &schema,
        None,
        &count(vec![filter(TAGS, Op::Contains, txt("red"))]),
    )
    .unwrap();
    assert_eq!(
        r.cql,
        r#"SELECT COUNT(*) FROM "users" WHERE "tags" CONTAINS ?"#
    );
    assert_eq!(r.values, vec![txt("red")]);
    let r = render_select(
        &schema,
        None,
        &count(vec![filter(ATTRS, Op::ContainsKey, txt("k"))]),
    )
    .unwrap();
    assert_eq!(
        r.cql,
        r#"SELECT COUNT(*) FROM "users" WHERE "attrs" CONTAINS KEY ?"#
    );
    let r = render_select(
        &schema,
        None,
        &count(vec![filter(NAME, Op::Like, txt("al%"))]),
    )
    .unwrap();
    assert_eq!(r.cql, r#"SELECT COUNT(*) FROM "users" WHERE "name" LIKE ?"#);
    assert_eq!(r.values, vec![txt("al%")]);
}

#[test]
fn timeuuid_functions_wrap_the_marker() {
    let at = Bound::new(&CqlTimestamp(1_700_000_000_000), &ColumnType::Timestamp).unwrap();
    let mut lower = filter(D, Op::Gt, at.clone());
    lower.form = ValueForm::MinTimeuuid;
    let mut upper = filter(D, Op::Le, at.clone());
    upper.form = ValueForm::MaxTimeuuid;
    let spec = SelectSpec {
        selection: Selection::Columns(vec![D]),
        ..select(with_partition(vec![eq(C), lower, upper]))
    };
    let r = render_select(&users(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        r#"SELECT "d" FROM "users" WHERE "a" = ? AND "b" = ? AND "c" = ? AND "d" > minTimeuuid(?) AND "d" <= maxTimeuuid(?)"#
    );
    assert_eq!(r.values, vec![int(1), txt("k"), int(1), at.clone(), at]);
}

#[test]
fn token_restrictions_on_a_token_value() {
    let spec = SelectSpec {
        selection: Selection::Columns(vec![A, B]),
        token: vec![token(Op::Gt, -5), token(Op::Le, 7)],
        ..SelectSpec::default()
    };
    let r = render_select(&users(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        r#"SELECT "a", "b" FROM "users" WHERE token("a", "b") > ? AND token("a", "b") <= ?"#
    );
    let big = |v: i64| Bound::new(&v, &ColumnType::BigInt).unwrap();
    assert_eq!(r.values, vec![big(-5), big(7)]);
}

#[test]
fn token_restrictions_on_the_token_of_a_key() {
    let spec = SelectSpec {
        selection: Selection::Columns(vec![A]),
        filters: vec![eq(X)],
        token: vec![TokenFilter {
            op: Op::Ge,
            bound: TokenBound::Key(vec![int(3), txt("z")]),
        }],
        ..SelectSpec::default()
    };
    let r = render_select(&users(), None, &spec).unwrap();
    assert_eq!(
        r.cql,
        r#"SELECT "a" FROM "users" WHERE "x" = ? AND token("a", "b") >= token(?, ?)"#
    );
    // Filters first, then the token values.
    assert_eq!(r.values, vec![int(1), int(3), txt("z")]);
}

#[test]
fn every_clause_in_order_and_values_in_marker_order() {
    let spec = SelectSpec {
        selection: Selection::Columns(vec![C, Y]),
        filters: with_partition(vec![op(C, Op::Gt), filter(Y, Op::Eq, int(9))]),
        order_by: vec![(C, true), (D, false)],
        per_partition_limit: Some(int(2)),
        limit: Some(int(100)),
        allow_filtering: true,
        ..SelectSpec::default()
    };
    let r = render_select(&users(), Some("ks"), &spec).unwrap();
    assert_eq!(
        r.cql,
        r#"SELECT "c", "y" FROM "ks"."users" WHERE "a" = ? AND "b" = ? AND "c" > ? AND "y" = ? ORDER BY "c" DESC, "d" ASC PER PARTITION LIMIT ? LIMIT ? ALLOW FILTERING"#
    );
    assert_eq!(
        r.values,
        vec![int(1), txt("k"), int(1), int(9), int(2), int(100)]
    );
}

#[test]
fn the_same_shape_with_other_values_renders_the_same_text() {
    let schema = users();
    let spec = |a: i32, b: &str, c: i32, limit: i32| SelectSpec {
        filters: vec![
            filter(A, Op::Eq, int(a)),
            filter(B, Op::Eq, txt(b)),
            filter(C, Op::Ge, int(c)),
        ],
        limit: Some(int(limit)),
        ..SelectSpec::default()
    };
    let one = render_select(&schema, None, &spec(1, "x", 10, 5)).unwrap();
    let two = render_select(&schema, None, &spec(2, "a much longer key", -3, 50)).unwrap();
    assert_eq!(one.cql, two.cql);
    assert_ne!(one.values, two.values);
    assert!(!one.cql.contains("10") && !two.cql.contains("longer"));
    assert_eq!(
        two.values,
        vec![int(2), txt("a much longer key"), int(-3), int(50)]
    );
}

#[test]
fn rendering_refuses_what_the_check_refuses() {
    let spec = select(vec![eq(Y)]);
    let err = render_select(&users(), None, &spec).unwrap_err();
    assert_eq!(err, check_select(&users(), &spec).unwrap_err());
    assert_eq!(err.model, "User");
}

#[test]
fn token_key_columns_are_the_partition_key_in_key_order() {
    let mut schema = users();
    // Declared out of order: b is the first key part.
    schema.columns[A].role = KeyRole::Partition(1);
    schema.columns[B].role = KeyRole::Partition(0);
    assert_eq!(token_key_columns(&schema), vec![B, A]);
    assert_eq!(token_key_columns(&users()), vec![A, B]);
    let spec = SelectSpec {
        selection: Selection::Count,
        token: vec![token(Op::Gt, 0)],
        ..SelectSpec::default()
    };
    assert_eq!(
        render_select(&schema, None, &spec).unwrap().cql,
        r#"SELECT COUNT(*) FROM "users" WHERE token("b", "a") > ?"#
    );
}

// ----- columns named by index -----------------------------------------------------------

#[test]
fn out_of_range_indexes_are_errors_not_panics() {
    let schema = users();
    let reason = refused(&schema, &select(vec![eq(42)]));
    assert_mentions(&reason, &["#42", "10 columns"]);
    let spec = SelectSpec {
        selection: Selection::Columns(vec![A, 10]),
        ..SelectSpec::default()
    };
    assert_mentions(&refused(&schema, &spec), &["selection", "#10"]);
    let spec = SelectSpec {
        order_by: vec![(99, false)],
        filters: partition(),
        ..SelectSpec::default()
    };
    assert_mentions(&refused(&schema, &spec), &["ORDER BY", "#99"]);
}

#[test]
fn an_empty_column_selection_is_refused() {
    let spec = SelectSpec {
        selection: Selection::Columns(vec![]),
        ..SelectSpec::default()
    };
    assert_mentions(&refused(&users(), &spec), &["no column"]);
}

#[test]
fn a_full_scan_needs_nothing() {
    ok(&users(), &SelectSpec::default());
    ok(
        &users(),
        &SelectSpec {
            token: vec![token(Op::Gt, 0), token(Op::Lt, 10)],
            ..SelectSpec::default()
        },
    );
}

// ----- partition key --------------------------------------------------------------------

#[test]
fn the_whole_partition_key_by_eq_or_in() {
    let schema = users();
    ok(&schema, &select(partition()));
    let list = ColumnType::List(Box::new(ColumnType::Int));
    ok(
        &schema,
        &select(vec![
            filter(A, Op::In, Bound::new(&vec![1i32, 2], &list).unwrap()),
            filter(B, Op::Eq, txt("k")),
        ]),
    );
}

#[test]
fn a_partly_restricted_partition_key_is_refused() {
    let reason = hard_error(
        &users(),
        select(vec![eq(A)]),
        &[
            "partition key parts `b` must be restricted as other parts are",
            "`a`, `b`",
        ],
    );
    assert!(!reason.contains("ALLOW FILTERING"));
}

#[test]
fn a_partly_restricted_partition_key_beside_an_index_is_filtering() {
    // Cassandra reads through the index on x and filters on a.
    let reason = needs_filtering(select(vec![eq(A), eq(X)]), "`a`");
    assert_mentions(&reason, &["partly restricted"]);
    // With an index on a itself, the index serves it.
    let mut schema = users();
    schema.columns[A].index = Some(IndexDef::default());
    ok(&schema, &select(vec![eq(A)]));
}

#[test]
fn slices_on_partition_key_columns_are_refused_in_favour_of_token_ranges() {
    for slice in [Op::Gt, Op::Ge, Op::Lt, Op::Le] {
        hard_error(
            &users(),
            select(vec![op(A, slice), filter(B, Op::Eq, txt("k"))]),
            &["`a`", "partition key", "token"],
        );
    }
    hard_error(
        &users(),
        select(vec![eq(A), filter(B, Op::Like, txt("k%"))]),
        &["`b`", "only by = or IN"],
    );
}

#[test]
fn token_and_partition_key_restrictions_do_not_mix() {
    let spec = SelectSpec {
        token: vec![token(Op::Gt, 0)],
        ..select(vec![eq(A)])
    };
    hard_error(&users(), spec, &["`a`", "token", "not both"]);
}

#[test]
fn token_restrictions_must_make_a_range() {
    let schema = users();
    let with = |token: Vec<TokenFilter>| SelectSpec {
        token,
        ..SelectSpec::default()
    };
    hard_error(&schema, with(vec![token(Op::In, 0)]), &["IN", "token"]);
    hard_error(&schema, with(vec![token(Op::Contains, 0)]), &["CONTAINS"]);
    hard_error(
        &schema,
        with(vec![token(Op::Gt, 0), token(Op::Ge, 1)]),
        &["two lower bounds"],
    );
    hard_error(
        &schema,
        with(vec![token(Op::Lt, 0), token(Op::Le, 1)]),
        &["two upper bounds"],
    );
    hard_error(
        &schema,
        with(vec![token(Op::Eq, 0), token(Op::Lt, 1)]),
        &["= and by another"],
    );
    ok(&schema, &with(vec![token(Op::Eq, 0)]));
}

#[test]
fn a_token_key_needs_one_value_per_partition_key_column() {
    let spec = SelectSpec {
        token: vec![TokenFilter {
            op: Op::Gt,
            bound: TokenBound::Key(vec![int(1)]),
        }],
        ..SelectSpec::default()
    };
    hard_error(&users(), spec, &["1 value", "2 column", "`a`, `b`"]);
}

// ----- clustering columns ---------------------------------------------------------------

#[test]
fn a_clustering_prefix_then_one_range_is_fine() {
    let schema = users();
    let list = ColumnType::List(Box::new(ColumnType::Int));
    let ins = || filter(C, Op::In, Bound::new(&vec![1i32, 2], &list).unwrap());
    for filters in [
        vec![eq(C)],
        vec![op(C, Op::Gt)],
        vec![op(C, Op::Gt), op(C, Op::Lt)],
        vec![eq(C), op(D, Op::Le)],
        vec![eq(C), eq(D)],
        vec![ins()],
        vec![ins(), eq(D)],
        vec![ins(), op(D, Op::Gt)],
    ] {
        ok(&schema, &select(with_partition(filters)));
    }
}

#[test]
fn a_clustering_restriction_after_a_gap_needs_filtering() {
    let reason = needs_filtering(select(with_partition(vec![eq(D)])), "`d`");
    assert_mentions(&reason, &["`c` before it", "an index"]);
}

#[test]
fn a_clustering_restriction_after_a_range_needs_filtering() {
    let reason = needs_filtering(select(with_partition(vec![op(C, Op::Gt), eq(D)])), "`d`");
    assert_mentions(&reason, &["after the range on `c`"]);
}

#[test]
fn clustering_restrictions_without_a_fixed_partition_need_filtering() {
    let reason = needs_filtering(select(vec![eq(C)]), "`c`");
    assert_mentions(&reason, &["partition key", "`a`, `b`"]);
    let spec = SelectSpec {
        token: vec![token(Op::Gt, 0)],
        ..select(vec![op(C, Op::Lt)])
    };
    needs_filtering(spec, "`c`");
}

#[test]
fn an_index_on_a_clustering_column_serves_a_gap() {
    let mut schema = users();
    schema.columns[D].index = Some(IndexDef::default());
    ok(&schema, &select(with_partition(vec![eq(D)])));
    ok(&schema, &select(vec![eq(D)]));
}

#[test]
fn contains_on_a_frozen_collection_clustering_column_needs_filtering() {
    let mut schema = users();
    schema.columns[C].column_type = ColumnType::List(Box::new(ColumnType::Int));
    schema.columns[C].frozen = true;
    let spec = select(with_partition(vec![op(C, Op::Contains)]));
    let reason = refused(&schema, &spec);
    assert_mentions(&reason, &["CONTAINS", "`c`", "add allow_filtering()"]);
    ok(
        &schema,
        &SelectSpec {
            allow_filtering: true,
            ..spec
        },
    );
}

#[test]
fn restrictions_that_do_not_combine_on_one_column() {
    let schema = users();
    hard_error(
        &schema,
        select(with_partition(vec![eq(C), op(C, Op::Gt)])),
        &["`c`", "restricted 2 times", "="],
    );
    hard_error(
        &schema,
        select(with_partition(vec![op(C, Op::Gt), op(C, Op::Ge)])),
        &["`c`", "lower bounds"],
    );
    hard_error(
        &schema,
        select(with_partition(vec![op(C, Op::Lt), op(C, Op::Le)])),
        &["`c`", "upper bounds"],
    );
    hard_error(&schema, select(vec![eq(X), eq(X)]), &["`x`", "2 times"]);
}

#[test]
fn only_static_columns_selected_with_a_clustering_restriction() {
    let spec = SelectSpec {
        selection: Selection::Columns(vec![A, S]),
        ..select(with_partition(vec![eq(C)]))
    };
    hard_error(&users(), spec, &["static", "`c`"]);
}

// ----- regular and static columns -------------------------------------------------------

#[test]
fn one_indexed_equality_is_served() {
    let schema = users();
    ok(&schema, &select(vec![eq(X)]));
    ok(&schema, &select(with_partition(vec![eq(X)])));
    ok(&schema, &select(with_partition(vec![eq(C), eq(X)])));
    ok(&schema, &select(with_partition(vec![op(C, Op::Gt), eq(X)])));
    let spec = SelectSpec {
        token: vec![token(Op::Gt, 0)],
        ..select(vec![eq(X)])
    };
    ok(&schema, &spec);
}

#[test]
fn an_unindexed_column_needs_filtering() {
    let reason = needs_filtering(select(vec![eq(Y)]), "`y`");
    assert_mentions(&reason, &["no index", "add allow_filtering() or an index"]);
    needs_filtering(select(with_partition(vec![eq(Y)])), "`y`");
    needs_filtering(select(with_partition(vec![op(Y, Op::Gt)])), "`y`");
    needs_filtering(
        select(with_partition(vec![filter(S, Op::Eq, txt("s"))])),
        "`s`",
    );
}

#[test]
fn a_second_restriction_beside_an_index_needs_filtering() {
    let reason = needs_filtering(select(vec![eq(X), eq(Y)]), "`y`");
    assert_mentions(&reason, &["no index", "the index on `x`"]);
    // Two indexed restrictions: one index reads, the other filters.
    let reason = needs_filtering(
        select(vec![eq(X), filter(NAME, Op::Eq, txt("n"))]),
        "`name`",
    );
    assert_mentions(&reason, &["the one on `x`"]);
}

#[test]
fn an_index_with_a_clustering_restriction_over_all_partitions_needs_filtering() {
    let reason = needs_filtering(select(vec![eq(X), eq(C)]), "`c`");
    assert_mentions(&reason, &["partition key"]);
}

#[test]
fn a_range_on_a_builtin_index_needs_filtering() {
    let reason = needs_filtering(select(vec![op(X, Op::Gt)]), "`x`");
    assert_mentions(&reason, &["does not serve >", "SASI"]);
}

#[test]
fn sasi_serves_ranges_equality_and_like() {
    let schema = users();
    ok(&schema, &select(vec![filter(NAME, Op::Ge, txt("m"))]));
    ok(
        &schema,
        &select(vec![
            filter(NAME, Op::Ge, txt("m")),
            filter(NAME, Op::Lt, txt("p")),
        ]),
    );
    ok(&schema, &select(vec![filter(NAME, Op::Eq, txt("m"))]));
    ok(&schema, &select(vec![filter(NAME, Op::Like, txt("%m%"))]));
}

#[test]
fn contains_on_indexed_collections() {
    let schema = users();
    ok(
        &schema,
        &select(vec![filter(TAGS, Op::Contains, txt("red"))]),
    );
    ok(
        &schema,
        &select(vec![filter(ATTRS, Op::ContainsKey, txt("k"))]),
    );
    // attrs indexes its keys, not its values.
    let reason = needs_filtering(select(vec![op(ATTRS, Op::Contains)]), "`attrs`");
    assert_mentions(&reason, &["does not serve CONTAINS"]);
    // tags indexes its values, and sets have no keys anyway.
    hard_error(
        &schema,
        select(vec![filter(TAGS, Op::ContainsKey, txt("k"))]),
        &["`tags`", "not a map"],
    );
}

#[test]
fn several_contains_on_one_column_need_filtering() {
    let reason = needs_filtering(
        select(vec![
            filter(TAGS, Op::Contains, txt("red")),
            filter(TAGS, Op::Contains, txt("blue")),
        ]),
        "`tags`",
    );
    assert_mentions(&reason, &["several CONTAINS"]);
}

#[test]
fn a_storage_attached_index_serves_collection_values() {
    let mut column = ColumnDef::new(
        "scores",
        ColumnType::Map(Box::new(text()), Box::new(ColumnType::Int)),
    );
    column.index = Some(IndexDef {
        custom_class: Some("StorageAttachedIndex".into()),
        ..IndexDef::default()
    });
    let schema = users_with(column);
    ok(&schema, &select(vec![op(10, Op::Contains)]));
    // A SASI index does not index collections.
    let mut sasi = schema.clone();
    if let Some(index) = sasi.columns[10].index.as_mut() {
        index.custom_class = Some("org.apache.cassandra.index.sasi.SASIIndex".into());
    }
    assert_mentions(
        &refused(&sasi, &select(vec![op(10, Op::Contains)])),
        &["`scores`", "does not serve CONTAINS"],
    );
}

#[test]
fn contains_needs_a_collection() {
    hard_error(
        &users(),
        select(vec![op(Y, Op::Contains)]),
        &["`y`", "not a collection", "int"],
    );
    hard_error(
        &users(),
        select(vec![filter(NAME, Op::ContainsKey, txt("k"))]),
        &["`name`", "not a map"],
    );
}

#[test]
fn like_needs_text_and_an_index_that_serves_it() {
    hard_error(
        &users(),
        select(vec![op(Y, Op::Like)]),
        &["`y`", "LIKE needs a text or ascii column"],
    );
    let reason = hard_error(
        &users(),
        select(with_partition(vec![filter(S, Op::Like, txt("a%"))])),
        &["`s`", "SASI", "ALLOW FILTERING does not help"],
    );
    assert!(!reason.contains("add allow_filtering()"));
    // A built-in index does not serve LIKE either.
    let mut schema = users();
    schema.columns[Y].column_type = text();
    schema.columns[Y].index = Some(IndexDef::default());
    hard_error(
        &schema,
        select(vec![filter(Y, Op::Like, txt("a%"))]),
        &["`y`", "SASI"],
    );
}

#[test]
fn in_on_a_non_primary_key_column_needs_filtering() {
    // Cassandra 4.0+ filters on IN over regular and static columns (CASSANDRA-14344); no
    // index serves it.
    let list = ColumnType::List(Box::new(ColumnType::Int));
    let values = Bound::new(&vec![1i32, 2], &list).unwrap();
    needs_filtering(select(vec![filter(X, Op::In, values.clone())]), "`x`");
    needs_filtering(
        select(with_partition(vec![filter(S, Op::In, values)])),
        "`s`",
    );
}

#[test]
fn a_non_frozen_collection_is_restricted_only_by_contains() {
    hard_error(
        &users(),
        select(vec![filter(TAGS, Op::Eq, txt("x"))]),
        &["`tags`", "non-frozen collection", "CONTAINS"],
    );
    hard_error(
        &users(),
        select(vec![op(ATTRS, Op::Gt)]),
        &["`attrs`", "CONTAINS or CONTAINS KEY"],
    );
}

#[test]
fn a_frozen_collection_with_a_full_index_serves_equality() {
    let mut column = ColumnDef::new("dims", ColumnType::List(Box::new(ColumnType::Int)));
    column.frozen = true;
    column.index = Some(IndexDef {
        target: IndexTarget::Full,
        ..IndexDef::default()
    });
    let schema = users_with(column);
    ok(&schema, &select(vec![eq(10)]));
    assert_mentions(
        &refused(&schema, &select(vec![op(10, Op::Contains)])),
        &["`dims`", "add allow_filtering()"],
    );
}

#[test]
fn not_equal_is_refused_in_where() {
    hard_error(&users(), select(vec![op(Y, Op::Ne)]), &["`y`", "!="]);
}

#[test]
fn ranges_on_durations_are_refused() {
    let schema = users_with(ColumnDef::new("took", ColumnType::Duration));
    hard_error(
        &schema,
        select(vec![op(10, Op::Lt)]),
        &["`took`", "duration"],
    );
    ok(&schema, &filtering(vec![eq(10)]));
}

#[test]
fn non_frozen_user_types_cannot_be_restricted() {
    let udt = ColumnType::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![("street".to_owned(), text())],
    };
    let schema = users_with(ColumnDef::new("home", udt.clone()));
    hard_error(&schema, select(vec![eq(10)]), &["`home`", "frozen"]);
    let mut frozen = ColumnDef::new("home", udt);
    frozen.frozen = true;
    ok(&users_with(frozen), &filtering(vec![eq(10)]));
}

#[test]
fn timeuuid_functions_need_a_timeuuid_column_and_one_value() {
    let mut on_int = op(C, Op::Gt);
    on_int.form = ValueForm::MinTimeuuid;
    hard_error(
        &users(),
        select(with_partition(vec![on_int])),
        &["minTimeuuid", "`c`", "timeuuid"],
    );
    let mut in_list = op(D, Op::In);
    in_list.form = ValueForm::MaxTimeuuid;
    hard_error(
        &users(),
        select(with_partition(vec![eq(C), in_list])),
        &["maxTimeuuid", "IN", "`d`"],
    );
}

#[test]
fn counters_refuse_contains_and_like() {
    let mut schema = ModelSchema::new("Hits", "hits");
    let mut page = ColumnDef::new("page", text());
    page.role = KeyRole::Partition(0);
    schema.columns = vec![page, ColumnDef::new("views", ColumnType::Counter)];
    schema.validate().unwrap();
    for op_ in [Op::Contains, Op::Like] {
        hard_error(
            &schema,
            select(vec![filter(0, Op::Eq, txt("home")), op(1, op_)]),
            &["`views`", "counter", op_.cql()],
        );
    }
    ok(
        &schema,
        &filtering(vec![Filter {
            column: 1,
            op: Op::Gt,
            form: ValueForm::Plain,
            value: Bound::new(&5i64, &ColumnType::Counter).unwrap(),
        }]),
    );
}

#[test]
fn a_renamed_column_is_named_by_field_and_column() {
    let mut column = ColumnDef::new("user_name", text());
    column.name = "userName".into();
    let schema = users_with(column);
    let reason = refused(&schema, &select(vec![filter(10, Op::Eq, txt("n"))]));
    assert_mentions(&reason, &["`user_name` (column \"userName\")"]);
}

#[test]
fn an_index_query_refuses_in_on_the_partition_key() {
    let list = ColumnType::List(Box::new(ColumnType::Int));
    let spec = select(vec![
        filter(A, Op::In, Bound::new(&vec![1i32, 2], &list).unwrap()),
        filter(B, Op::Eq, txt("k")),
        eq(X),
    ]);
    hard_error(&users(), spec, &["IN", "`x`"]);
}

#[test]
fn an_index_query_refuses_a_static_only_selection() {
    let spec = SelectSpec {
        selection: Selection::Columns(vec![A, B, S]),
        ..select(vec![eq(X)])
    };
    hard_error(&users(), spec, &["static", "`x`"]);
}

#[test]
fn count_refuses_a_per_partition_limit() {
    let spec = SelectSpec {
        selection: Selection::Count,
        per_partition_limit: Some(int(1)),
        ..SelectSpec::default()
    };
    hard_error(&users(), spec, &["PER PARTITION LIMIT", "COUNT(*)"]);
}

// ----- ORDER BY -------------------------------------------------------------------------

fn ordered(order_by: Vec<(usize, bool)>) -> SelectSpec {
    SelectSpec {
        order_by,
        ..select(partition())
    }
}

#[test]
fn order_by_as_declared_or_all_reversed() {
    let schema = users();
    // Declared: c ASC, d DESC.
    ok(&schema, &ordered(vec![(C, false)]));
    ok(&schema, &ordered(vec![(C, true)]));
    ok(&schema, &ordered(vec![(C, false), (D, true)]));
    ok(&schema, &ordered(vec![(C, true), (D, false)]));
}

#[test]
fn order_by_mixing_declared_and_reversed_is_refused() {
    let reason = hard_error(
        &users(),
        ordered(vec![(C, false), (D, false)]),
        &["`d` ASC conflicts with `c` ASC"],
    );
    assert_mentions(&reason, &["`c` ASC, `d` DESC"]);
}

#[test]
fn order_by_follows_the_clustering_order() {
    hard_error(
        &users(),
        ordered(vec![(D, true)]),
        &["order by `c` before `d`"],
    );
    hard_error(
        &users(),
        ordered(vec![(C, false), (C, false)]),
        &["`c`", "twice"],
    );
}

#[test]
fn order_by_only_clustering_columns() {
    hard_error(&users(), ordered(vec![(Y, false)]), &["`y`", "clustering"]);
    hard_error(&users(), ordered(vec![(A, false)]), &["`a`", "clustering"]);
}

#[test]
fn order_by_needs_a_fixed_partition() {
    let spec = SelectSpec {
        order_by: vec![(C, false)],
        ..SelectSpec::default()
    };
    hard_error(&users(), spec, &["partition key", "`a`, `b`"]);
    let spec = SelectSpec {
        order_by: vec![(C, false)],
        token: vec![token(Op::Gt, 0)],
        ..SelectSpec::default()
    };
    hard_error(&users(), spec, &["= or IN"]);
}

#[test]
fn order_by_is_not_supported_with_an_index() {
    let spec = SelectSpec {
        order_by: vec![(C, false)],
        ..select(with_partition(vec![eq(X)]))
    };
    hard_error(&users(), spec, &["secondary index", "`x`"]);
}

// ----- DISTINCT -------------------------------------------------------------------------

fn distinct(selection: Selection, filters: Vec<Filter>) -> SelectSpec {
    SelectSpec {
        selection,
        distinct: true,
        ..select(filters)
    }
}

#[test]
fn distinct_selects_partition_key_and_static_columns() {
    let schema = users();
    ok(&schema, &distinct(Selection::Columns(vec![A, B]), vec![]));
    ok(
        &schema,
        &distinct(Selection::Columns(vec![B, A, S]), vec![]),
    );
    ok(&schema, &distinct(Selection::Columns(vec![S]), partition()));
    hard_error(
        &schema,
        distinct(Selection::Model, vec![]),
        &["`c`", "select the partition key"],
    );
    hard_error(
        &schema,
        distinct(Selection::Columns(vec![A, B, Y]), vec![]),
        &["`y`", "neither"],
    );
}

#[test]
fn distinct_over_many_partitions_selects_the_whole_partition_key() {
    hard_error(
        &users(),
        distinct(Selection::Columns(vec![A, S]), vec![]),
        &["add `b`"],
    );
    let spec = SelectSpec {
        token: vec![token(Op::Gt, 0)],
        ..distinct(Selection::Columns(vec![A, B]), vec![])
    };
    ok(&users(), &spec);
}

#[test]
fn distinct_restricts_only_the_partition_key() {
    for f in [eq(C), eq(X), filter(S, Op::Eq, txt("s"))] {
        let name = format!("`{}`", users().columns[f.column].name);
        hard_error(
            &users(),
            distinct(Selection::Columns(vec![A, B]), with_partition(vec![f])),
            &[&name, "DISTINCT"],
        );
    }
}

#[test]
fn distinct_refuses_count_per_partition_limit_and_order_by() {
    let schema = users();
    hard_error(
        &schema,
        distinct(Selection::Count, vec![]),
        &["COUNT(*)", "DISTINCT"],
    );
    let spec = SelectSpec {
        per_partition_limit: Some(int(1)),
        ..distinct(Selection::Columns(vec![A, B]), vec![])
    };
    hard_error(&schema, spec, &["PER PARTITION LIMIT", "DISTINCT"]);
    let spec = SelectSpec {
        order_by: vec![(C, false)],
        ..distinct(Selection::Columns(vec![A, B]), partition())
    };
    hard_error(&schema, spec, &["ORDER BY", "DISTINCT"]);
}

#[test]
fn every_error_names_the_model() {
    let err = check_select(&users(), &select(vec![eq(Y)])).unwrap_err();
    assert!(err.to_string().starts_with("invalid query on model User: "));
}
