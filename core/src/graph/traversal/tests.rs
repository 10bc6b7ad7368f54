//! Bytecode GraphSON checked by hand against the Python driver's fluent serializers
//! (gremlinpython's `GraphSONWriter` with the DSE serializers: compact separators, values
//! typed by the DSE GraphSON writers, plain-array operands of `g:P`).

use alloc::string::String;
use alloc::vec;

use super::*;
use crate::graph::predicate::{CqlCollection, Distance, Geo, GeoUnit, P, Search};
use crate::types::geo::{Point, Polygon};

const V2: GraphsonVersion = GraphsonVersion::V2;
const V3: GraphsonVersion = GraphsonVersion::V3;

fn steps(inner: &str) -> String {
    alloc::format!(r#"{{"@type":"g:Bytecode","@value":{{"step":[{inner}]}}}}"#)
}

/// Writes `t` in `version`, checks the text, and reads it back to the same text.
fn check(t: &GraphTraversal, version: GraphsonVersion, expected: &str) {
    let text = t.to_graphson(version).unwrap();
    assert_eq!(text, expected);
    let back = Bytecode::from_graphson(&text).unwrap();
    assert_eq!(back.to_graphson(version).unwrap(), text, "read back");
}

#[test]
fn plain_steps() {
    let t = g()
        .v()
        .has_with_label("person", "name", "marko")
        .out(&["knows"])
        .values(&["name"]);
    let expected =
        steps(r#"["V"],["has","person","name","marko"],["out","knows"],["values","name"]"#);
    check(&t, V2, &expected);
    check(&t, V3, &expected);
    let t = g()
        .v_ids(["dseg:/person/1"])
        .in_(&[])
        .both_e(&["a", "b"])
        .other_v()
        .limit(2)
        .range(1, 3)
        .count();
    check(
        &t,
        V2,
        &steps(
            r#"["V","dseg:/person/1"],["in"],["bothE","a","b"],["otherV"],["limit",{"@type":"g:Int64","@value":2}],["range",{"@type":"g:Int64","@value":1},{"@type":"g:Int64","@value":3}],["count"]"#,
        ),
    );
}

#[test]
fn predicates() {
    let t = g().v().has("age", P::gt(30i32));
    let expected = steps(
        r#"["V"],["has","age",{"@type":"g:P","@value":{"predicate":"gt","value":{"@type":"g:Int32","@value":30}}}]"#,
    );
    check(&t, V2, &expected);
    check(&t, V3, &expected);

    let t = g()
        .v()
        .has("name", P::within(["a", "b"]))
        .has("n", P::without([1i32, 2]));
    check(
        &t,
        V2,
        &steps(
            r#"["V"],["has","name",{"@type":"g:P","@value":{"predicate":"within","value":["a","b"]}}],["has","n",{"@type":"g:P","@value":{"predicate":"without","value":[1,2]}}]"#,
        ),
    );
    check(
        &t,
        V3,
        &steps(
            r#"["V"],["has","name",{"@type":"g:P","@value":{"predicate":"within","value":{"@type":"g:List","@value":["a","b"]}}}],["has","n",{"@type":"g:P","@value":{"predicate":"without","value":{"@type":"g:List","@value":[{"@type":"g:Int32","@value":1},{"@type":"g:Int32","@value":2}]}}}]"#,
        ),
    );

    let t = __()
        .is(P::between(1i32, 5i32))
        .is(P::gt(1i32).and(P::lt(5i32)).or(P::eq(0i32)));
    check(
        &t,
        V3,
        &steps(concat!(
            r#"["is",{"@type":"g:P","@value":{"predicate":"between","value":[{"@type":"g:Int32","@value":1},{"@type":"g:Int32","@value":5}]}}],"#,
            r#"["is",{"@type":"g:P","@value":{"predicate":"or","value":[{"@type":"g:P","@value":{"predicate":"and","value":["#,
            r#"{"@type":"g:P","@value":{"predicate":"gt","value":{"@type":"g:Int32","@value":1}}},"#,
            r#"{"@type":"g:P","@value":{"predicate":"lt","value":{"@type":"g:Int32","@value":5}}}]}},"#,
            r#"{"@type":"g:P","@value":{"predicate":"eq","value":{"@type":"g:Int32","@value":0}}}]}}]"#
        )),
    );
}

#[test]
fn dse_search_and_collection_predicates() {
    let t = g()
        .v()
        .has("name", Search::token_prefix("dav"))
        .has("name", Search::fuzzy("david", 1))
        .has("bio", Search::phrase("big data", 2))
        .has("tags", CqlCollection::contains("x"));
    check(
        &t,
        V2,
        &steps(concat!(
            r#"["V"],["has","name",{"@type":"g:P","@value":{"predicate":"tokenPrefix","value":"dav"}}],"#,
            r#"["has","name",{"@type":"g:P","@value":{"predicate":"fuzzy","value":{"query":"david","distance":{"@type":"g:Int32","@value":1}}}}],"#,
            r#"["has","bio",{"@type":"g:P","@value":{"predicate":"phrase","value":{"query":"big data","distance":{"@type":"g:Int32","@value":2}}}}],"#,
            r#"["has","tags",{"@type":"g:P","@value":{"predicate":"contains","value":"x"}}]"#
        )),
    );
}

#[test]
fn geo_predicates() {
    let circle = Distance::new(Point::new(1.5, -2.0), 3.0);
    let geo = |p| {
        steps(&alloc::format!(
            r#"["has","loc",{{"@type":"dse:P","@value":{{"predicateType":"Geo","predicate":"inside","value":{p}}}}}]"#
        ))
    };
    check(
        &__().has("loc", Geo::inside(circle, GeoUnit::Degrees)),
        V2,
        &geo(r#"{"@type":"dse:Distance","@value":"DISTANCE ((1.5 -2.0) 3.0)"}"#),
    );
    // The radii the Python driver computes (`Geo.inside(Distance(1.5, -2.0, 3.0),
    // GeoUnit.KILOMETERS)`, and 10 miles).
    check(
        &__().has("loc", Geo::inside(circle, GeoUnit::Kilometers)),
        V3,
        &geo(r#"{"@type":"dse:Distance","@value":"DISTANCE ((1.5 -2.0) 0.026979611032849904)"}"#),
    );
    let ten_miles = Distance {
        radius: 10.0,
        ..circle
    };
    check(
        &__().has("loc", Geo::inside(ten_miles, GeoUnit::Miles)),
        V3,
        &geo(r#"{"@type":"dse:Distance","@value":"DISTANCE ((1.5 -2.0) 0.14473158388343468)"}"#),
    );
    let square = Polygon::new([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)], []);
    check(
        &__().has("loc", Geo::inside_polygon(square)),
        V3,
        &geo(
            r#"{"@type":"dse:Polygon","@value":"POLYGON ((0.0 0.0, 1.0 0.0, 1.0 1.0, 0.0 0.0))"}"#,
        ),
    );
    assert_eq!(GeoUnit::Meters.degrees(), 8.993203677616634e-06);
}

#[test]
fn tokens_and_anonymous_traversals() {
    let t = g()
        .v()
        .where_(__().out(&["created"]))
        .order()
        .by_order("name", Order::Desc)
        .by(T::Id)
        .as_("a")
        .select(&["a"])
        .value_map_with_tokens(&["name"]);
    check(
        &t,
        V2,
        &steps(concat!(
            r#"["V"],["where",{"@type":"g:Bytecode","@value":{"step":[["out","created"]]}}],["order"],"#,
            r#"["by","name",{"@type":"g:Order","@value":"desc"}],["by",{"@type":"g:T","@value":"id"}],"#,
            r#"["as","a"],["select","a"],["valueMap",true,"name"]"#
        )),
    );
    let t = g()
        .add_v("person")
        .property("name", "h\u{e9}")
        .property(T::Id, 1i32)
        .property_with_cardinality(Cardinality::List, "tag", 2.5f64)
        .step("count", vec![Scope::Local.into()]);
    check(
        &t,
        V3,
        &steps(concat!(
            r#"["addV","person"],["property","name","h\u00e9"],["property",{"@type":"g:T","@value":"id"},{"@type":"g:Int32","@value":1}],"#,
            r#"["property",{"@type":"g:Cardinality","@value":"list"},"tag",{"@type":"g:Double","@value":2.5}],"#,
            r#"["count",{"@type":"g:Scope","@value":"local"}]"#
        )),
    );
}

#[test]
fn values_by_version() {
    let t = __()
        .is(GraphValue::Null)
        .constant(GraphValue::map([("a", 1i32)]))
        .constant(GraphValue::from(vec![1i32]));
    check(
        &t,
        V2,
        &steps(r#"["is",null],["constant",{"a":{"@type":"g:Int32","@value":1}}],["constant",[1]]"#),
    );
    check(
        &t,
        V3,
        &steps(concat!(
            r#"["is",null],["constant",{"@type":"g:Map","@value":["a",{"@type":"g:Int32","@value":1}]}],"#,
            r#"["constant",{"@type":"g:List","@value":[{"@type":"g:Int32","@value":1}]}]"#
        )),
    );
    assert_eq!(
        t.to_graphson(GraphsonVersion::V1),
        Err(EncodeError::BytecodeVersion(GraphsonVersion::V1))
    );
    assert!(
        __().constant(GraphValue::set([1i32]))
            .to_graphson(V2)
            .is_err()
    );
}

#[test]
fn source_instructions_and_batches() {
    let source = g().with("withSideEffect", vec!["x".into(), 1i64.into()]);
    let t = source.v().drop();
    check(
        &t,
        V2,
        r#"{"@type":"g:Bytecode","@value":{"source":[["withSideEffect","x",{"@type":"g:Int64","@value":1}]],"step":[["V"],["drop"]]}}"#,
    );
    let mut batch = TraversalBatch::new();
    batch.push(g().add_v("person").property("name", "a"));
    batch.push(
        g().add_e("knows")
            .from_("a")
            .to(__().step("V", vec!["b".into()])),
    );
    assert_eq!(batch.len(), 2);
    let text = batch.to_graphson(V2).unwrap();
    assert_eq!(
        text,
        concat!(
            r#"[{"@type":"g:Bytecode","@value":{"step":[["addV","person"],["property","name","a"]]}},"#,
            r#"{"@type":"g:Bytecode","@value":{"step":[["addE","knows"],["from","a"],["to",{"@type":"g:Bytecode","@value":{"step":[["V","b"]]}}]]}}]"#
        )
    );
    let read = Bytecode::batch_from_graphson(&text).unwrap();
    assert_eq!(read.len(), 2);
    assert_eq!(
        read[1].step[2].arguments[0],
        Argument::Traversal(__().step("V", vec!["b".into()]).into_bytecode())
    );
    assert_eq!(
        Bytecode::from_graphson(r#"{"@type":"g:Bytecode","@value":{}}"#).unwrap(),
        Bytecode::default()
    );
}

#[test]
fn decoded_arguments_are_typed() {
    let t = g()
        .v()
        .has("age", P::between(1i32, 5i32))
        .order()
        .by_order("name", Order::Asc);
    let back = Bytecode::from_graphson(&t.to_graphson(V3).unwrap()).unwrap();
    assert_eq!(&back, t.bytecode());
    let geo = __().has(
        "loc",
        Geo::inside(Distance::new(Point::new(1.0, 2.0), 3.0), GeoUnit::Degrees),
    );
    let back = Bytecode::from_graphson(&geo.to_graphson(V3).unwrap()).unwrap();
    assert_eq!(&back, geo.bytecode());
    for bad in [
        "[]",
        r#"{"@type":"g:Bytecode"}"#,
        r#"{"@type":"g:Bytecode","@value":{"step":[[]]}}"#,
        r#"{"@type":"g:Bytecode","@value":{"step":[[1]]}}"#,
        r#"{"@type":"g:Bytecode","@value":{"step":[["is",{"@type":"g:P","@value":{"predicate":"and","value":[1]}}]]}}"#,
        r#"{"@type":"g:Bytecode","@value":{"step":[["is",{"@type":"dse:P","@value":{"predicateType":"Geo","predicate":"inside","value":"x"}}]]}}"#,
    ] {
        assert!(Bytecode::from_graphson(bad).is_err(), "{bad}");
    }
}
