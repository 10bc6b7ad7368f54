//! The traversal engine step by step, on TinkerPop's "modern" graph.

use serde_json::{Value as J, json};

use super::graphson::{GraphsonVersion, write};
use super::reader::read_request;
use super::store::Graph;
use super::traversal::execute;
use super::value::Value;

fn bytecode(steps: &J) -> J {
    json!({"@type": "g:Bytecode", "@value": {"step": steps}})
}

fn int(n: i32) -> J {
    json!({"@type": "g:Int32", "@value": n})
}

fn double(n: f64) -> J {
    json!({"@type": "g:Double", "@value": n})
}

fn p(name: &str, value: J) -> J {
    json!({"@type": "g:P", "@value": {"predicate": name, "value": value}})
}

fn order(name: &str) -> J {
    json!({"@type": "g:Order", "@value": name})
}

fn t(name: &str) -> J {
    json!({"@type": "g:T", "@value": name})
}

/// Runs steps; the results as GraphSON 1.0 JSON.
fn run(g: &mut Graph, steps: J) -> Vec<J> {
    try_run(g, steps).unwrap_or_else(|e| panic!("{e}"))
}

fn try_run(g: &mut Graph, steps: J) -> Result<Vec<J>, String> {
    let bc = read_request(&bytecode(&steps).to_string())?.remove(0);
    let out = execute(g, &bc)?;
    Ok(out
        .iter()
        .map(|v| serde_json::from_str(&write(v, GraphsonVersion::V1).to_text()).unwrap())
        .collect())
}

/// Runs steps; the results as values.
fn values(g: &mut Graph, steps: J) -> Vec<Value> {
    let bc = read_request(&bytecode(&steps).to_string())
        .unwrap()
        .remove(0);
    execute(g, &bc).unwrap()
}

/// TinkerPop's modern graph: vertices 1 marko, 2 vadas, 3 lop, 4 josh, 5 ripple,
/// 6 peter.
fn modern() -> Graph {
    let mut g = Graph::new();
    let person = |name: &str, age: i32| {
        json!([
            ["addV", "person"],
            ["property", "name", name],
            ["property", "age", int(age)]
        ])
    };
    let software = |name: &str| {
        json!([
            ["addV", "software"],
            ["property", "name", name],
            ["property", "lang", "java"]
        ])
    };
    run(&mut g, person("marko", 29));
    run(&mut g, person("vadas", 27));
    run(&mut g, software("lop"));
    run(&mut g, person("josh", 32));
    run(&mut g, software("ripple"));
    run(&mut g, person("peter", 35));
    let edge = |from: &str, label: &str, to: &str, weight: f64| {
        json!([
            ["V", from],
            ["as", "a"],
            ["V", to],
            ["addE", label],
            ["from", "a"],
            ["property", "weight", double(weight)]
        ])
    };
    run(
        &mut g,
        edge("dseg:/person/1", "knows", "dseg:/person/2", 0.5),
    );
    run(
        &mut g,
        edge("dseg:/person/1", "knows", "dseg:/person/4", 1.0),
    );
    run(
        &mut g,
        edge("dseg:/person/1", "created", "dseg:/software/3", 0.4),
    );
    run(
        &mut g,
        edge("dseg:/person/4", "created", "dseg:/software/5", 1.0),
    );
    run(
        &mut g,
        edge("dseg:/person/4", "created", "dseg:/software/3", 0.4),
    );
    run(
        &mut g,
        edge("dseg:/person/6", "created", "dseg:/software/3", 0.2),
    );
    g
}

fn names(g: &mut Graph, steps: J) -> Vec<J> {
    let mut steps = steps.as_array().unwrap().clone();
    steps.push(json!(["values", "name"]));
    run(g, J::Array(steps))
}

#[test]
fn start_steps_and_adjacency() {
    let mut g = modern();
    assert_eq!(run(&mut g, json!([["V"], ["count"]])), [json!(6)]);
    assert_eq!(run(&mut g, json!([["E"], ["count"]])), [json!(6)]);
    assert_eq!(
        names(&mut g, json!([["V", "dseg:/person/1", "dseg:/person/4"]])),
        ["marko", "josh"]
    );
    assert_eq!(
        names(&mut g, json!([["V", "dseg:/person/1"], ["out"]])),
        ["vadas", "josh", "lop"]
    );
    assert_eq!(
        names(&mut g, json!([["V", "dseg:/person/1"], ["out", "knows"]])),
        ["vadas", "josh"]
    );
    assert_eq!(
        names(&mut g, json!([["V", "dseg:/software/3"], ["in"]])),
        ["marko", "josh", "peter"]
    );
    assert_eq!(
        names(&mut g, json!([["V", "dseg:/person/4"], ["both"]])),
        ["marko", "ripple", "lop"]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["V", "dseg:/person/1"], ["outE"], ["label"]])
        ),
        ["knows", "knows", "created"]
    );
    assert_eq!(
        run(&mut g, json!([["V", "dseg:/person/4"], ["inE"], ["label"]])),
        ["knows"]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["V", "dseg:/person/4"], ["bothE", "created"], ["count"]])
        ),
        [json!(2)]
    );
    assert_eq!(
        names(
            &mut g,
            json!([["V", "dseg:/person/1"], ["outE", "created"], ["inV"]])
        ),
        ["lop"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([["V", "dseg:/software/5"], ["inE"], ["outV"]])
        ),
        ["josh"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([["V", "dseg:/software/5"], ["inE"], ["bothV"]])
        ),
        ["josh", "ripple"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([["V", "dseg:/person/4"], ["outE"], ["otherV"]])
        ),
        ["ripple", "lop"]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["E", "dseg:/person-knows-person/1/2"], ["values", "weight"]])
        ),
        [json!(0.5)]
    );
    assert_eq!(run(&mut g, json!([["V", "dseg:/nope/1"]])), Vec::<J>::new());
}

#[test]
fn has_and_its_predicates() {
    let mut g = modern();
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "name", "marko"]])),
        ["marko"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "age", p("gt", int(30))]])),
        ["josh", "peter"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "age", p("gte", int(32))]])),
        ["josh", "peter"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "age", p("lt", int(29))]])),
        ["vadas"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "age", p("lte", int(29))]])),
        ["marko", "vadas"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "age", p("neq", int(29))]])).len(),
        3
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "age", p("eq", int(27))]])),
        ["vadas"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([
                ["V"],
                ["has", "age", p("within", json!([int(27), int(35)]))]
            ])
        ),
        ["vadas", "peter"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([
                ["V"],
                ["has", "age", p("without", json!([int(27), int(35)]))]
            ])
        ),
        ["marko", "josh"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([
                ["V"],
                ["has", "age", p("between", json!([int(29), int(35)]))]
            ])
        ),
        ["marko", "josh"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([
                ["V"],
                ["has", "age", p("inside", json!([int(29), int(35)]))]
            ])
        ),
        ["josh"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([
                ["V"],
                ["has", "age", p("outside", json!([int(28), int(33)]))]
            ])
        ),
        ["vadas", "peter"]
    );
    let and = json!({"@type": "g:P", "@value": {"predicate": "and", "value": [p("gt", int(27)), p("lt", int(35))]}});
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "age", and]])),
        ["marko", "josh"]
    );
    let or = json!({"@type": "g:P", "@value": {"predicate": "or", "value": [p("lt", int(28)), p("gt", int(34))]}});
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "age", or]])),
        ["vadas", "peter"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "person", "name", "josh"]])),
        ["josh"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "software", "name", "josh"]])).len(),
        0
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "lang"]])),
        ["lop", "ripple"]
    );
    assert_eq!(names(&mut g, json!([["V"], ["hasNot", "lang"]])).len(), 4);
    assert_eq!(
        names(&mut g, json!([["V"], ["has", t("label"), "software"]])),
        ["lop", "ripple"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["hasLabel", "software"]])),
        ["lop", "ripple"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["hasLabel", "software", "person"]])).len(),
        6
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["hasId", "dseg:/person/6"]])),
        ["peter"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["has", t("id"), "dseg:/person/6"]])),
        ["peter"]
    );
    let search = json!({"@type": "g:P", "@value": {"predicate": "tokenPrefix", "value": "rip"}});
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "name", search]])),
        ["ripple"]
    );
    let fuzzy = json!({"@type": "g:P", "@value": {"predicate": "fuzzy", "value": {"query": "jash", "distance": int(1)}}});
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "name", fuzzy]])),
        ["josh"]
    );
    let regex = json!({"@type": "g:P", "@value": {"predicate": "regex", "value": "p.*r"}});
    assert_eq!(
        names(&mut g, json!([["V"], ["has", "name", regex]])),
        ["peter"]
    );
}

#[test]
fn properties_values_and_maps() {
    let mut g = modern();
    let marko = json!(["V", "dseg:/person/1"]);
    assert_eq!(
        run(&mut g, json!([marko, ["values", "name", "age"]])),
        [json!("marko"), json!(29)]
    );
    assert_eq!(run(&mut g, json!([marko, ["id"]])), ["dseg:/person/1"]);
    assert_eq!(run(&mut g, json!([marko, ["label"]])), ["person"]);
    assert_eq!(
        run(&mut g, json!([marko, ["valueMap"]])),
        [json!({"name": ["marko"], "age": [29]})]
    );
    assert_eq!(
        run(&mut g, json!([marko, ["valueMap", true, "name"]])),
        [json!({"id": "dseg:/person/1", "label": "person", "name": ["marko"]})]
    );
    assert_eq!(
        run(&mut g, json!([marko, ["elementMap"]])),
        [json!({"id": "dseg:/person/1", "label": "person", "name": "marko", "age": 29})]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["E", "dseg:/person-knows-person/1/2"], ["elementMap"]])
        ),
        [
            json!({"id": "dseg:/person-knows-person/1/2", "label": "knows",
            "IN": {"id": "dseg:/person/2", "label": "person"},
            "OUT": {"id": "dseg:/person/1", "label": "person"}, "weight": 0.5})
        ]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["E", "dseg:/person-knows-person/1/2"], ["valueMap"]])
        ),
        [json!({"weight": 0.5})]
    );
    assert_eq!(
        run(&mut g, json!([marko, ["properties", "name"]])),
        [json!({"id": 1, "value": "marko", "label": "name"})]
    );
    assert_eq!(
        run(&mut g, json!([marko, ["properties"], ["key"]])),
        ["name", "age"]
    );
    assert_eq!(
        run(&mut g, json!([marko, ["properties", "age"], ["value"]])),
        [json!(29)]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["E", "dseg:/person-knows-person/1/2"], ["properties"]])
        ),
        [json!({"key": "weight", "value": 0.5})]
    );
    // GraphSON 3.0 keeps the types: g:Int32 ages, a g:Map for valueMap with g:T keys.
    let v = values(&mut g, json!([marko, ["valueMap", true, "age"]]));
    assert_eq!(
        write(&v[0], GraphsonVersion::V3).to_text(),
        r#"{"@type":"g:Map","@value":[{"@type":"g:T","@value":"id"},"dseg:/person/1",{"@type":"g:T","@value":"label"},"person","age",{"@type":"g:List","@value":[{"@type":"g:Int32","@value":29}]}]}"#
    );
}

#[test]
fn mutations() {
    let mut g = Graph::new();
    run(
        &mut g,
        json!([
            ["addV", "person"],
            ["property", "name", "a"],
            ["as", "x"],
            ["addV", "person"],
            ["property", "name", "b"],
            ["addE", "knows"],
            ["from", "x"]
        ]),
    );
    assert_eq!(
        names(
            &mut g,
            json!([["V"], ["has", "name", "a"], ["out", "knows"]])
        ),
        ["b"]
    );
    // from/to with vertices and anonymous traversals.
    let to = bytecode(&json!([["V"], ["has", "name", "a"]]));
    run(
        &mut g,
        json!([["V", "dseg:/person/2"], ["addE", "likes"], ["to", to]]),
    );
    assert_eq!(
        names(&mut g, json!([["V", "dseg:/person/2"], ["out", "likes"]])),
        ["a"]
    );
    let vertex =
        json!({"@type": "g:Vertex", "@value": {"id": "dseg:/person/2", "label": "person"}});
    run(
        &mut g,
        json!([
            ["addE", "rates"],
            ["from", vertex],
            ["to", "dseg:/person/1"],
            ["property", "stars", int(5)]
        ]),
    );
    assert_eq!(
        run(
            &mut g,
            json!([["E"], ["hasLabel", "rates"], ["values", "stars"]])
        ),
        [json!(5)]
    );
    // One edge per label between two vertices (Core engine): adding again updates it.
    run(
        &mut g,
        json!([
            ["addE", "rates"],
            ["from", vertex],
            ["to", "dseg:/person/1"],
            ["property", "stars", int(4)]
        ]),
    );
    assert_eq!(
        run(
            &mut g,
            json!([["E"], ["hasLabel", "rates"], ["values", "stars"]])
        ),
        [json!(4)]
    );
    // Cardinalities and meta-properties.
    let list = json!({"@type": "g:Cardinality", "@value": "list"});
    let set = json!({"@type": "g:Cardinality", "@value": "set"});
    run(
        &mut g,
        json!([
            ["V", "dseg:/person/1"],
            ["property", list, "city", "rome", "since", int(2001)],
            ["property", list, "city", "paris"],
            ["property", set, "city", "paris"]
        ]),
    );
    assert_eq!(
        run(&mut g, json!([["V", "dseg:/person/1"], ["values", "city"]])),
        ["rome", "paris"]
    );
    assert_eq!(
        run(
            &mut g,
            json!([
                ["V", "dseg:/person/1"],
                ["properties", "city"],
                ["has", "since"],
                ["values", "since"]
            ])
        ),
        [json!(2001)]
    );
    run(
        &mut g,
        json!([["V", "dseg:/person/1"], ["property", "city", "oslo"]]),
    );
    assert_eq!(
        run(&mut g, json!([["V", "dseg:/person/1"], ["values", "city"]])),
        ["oslo"],
        "single replaces"
    );
    run(
        &mut g,
        json!([
            ["V", "dseg:/person/1"],
            ["properties", "city"],
            ["property", "since", int(2020)]
        ]),
    );
    let vertex = values(&mut g, json!([["V", "dseg:/person/1"]]));
    assert_eq!(
        write(&vertex[0], GraphsonVersion::V1).to_text(),
        r#"{"id":"dseg:/person/1","label":"person","type":"vertex","properties":{"name":[{"id":1,"value":"a"}],"city":[{"id":6,"value":"oslo","properties":{"since":2020}}]}}"#
    );
    // drop: properties, edges, vertices (with their edges).
    run(
        &mut g,
        json!([["V", "dseg:/person/1"], ["properties", "city"], ["drop"]]),
    );
    assert_eq!(
        run(&mut g, json!([["V", "dseg:/person/1"], ["values", "city"]])).len(),
        0
    );
    run(&mut g, json!([["E"], ["hasLabel", "likes"], ["drop"]]));
    assert_eq!(run(&mut g, json!([["E"], ["count"]])), [json!(2)]);
    run(&mut g, json!([["V", "dseg:/person/1"], ["drop"]]));
    assert_eq!(run(&mut g, json!([["E"], ["count"]])), [json!(0)]);
    assert_eq!(run(&mut g, json!([["V"], ["count"]])), [json!(1)]);
    assert!(
        try_run(&mut g, json!([["addE", "x"]]))
            .unwrap_err()
            .contains("from()")
    );
}

#[test]
fn counting_limiting_ordering() {
    let mut g = modern();
    assert_eq!(
        names(&mut g, json!([["V"], ["hasLabel", "person"], ["limit", 2]])),
        ["marko", "vadas"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["range", 1, 3]])),
        ["vadas", "lop"]
    );
    assert_eq!(
        names(&mut g, json!([["V"], ["skip", 4]])),
        ["ripple", "peter"]
    );
    assert_eq!(names(&mut g, json!([["V"], ["tail", 1]])), ["peter"]);
    assert_eq!(
        names(
            &mut g,
            json!([
                ["V"],
                ["hasLabel", "person"],
                ["order"],
                ["by", "age", order("desc")]
            ])
        ),
        ["peter", "josh", "marko", "vadas"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([["V"], ["hasLabel", "person"], ["order"], ["by", "name"]])
        ),
        ["josh", "marko", "peter", "vadas"]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["V"], ["values", "age"], ["order"], ["by", order("desc")]])
        ),
        [json!(35), json!(32), json!(29), json!(27)]
    );
    assert_eq!(
        run(&mut g, json!([["V"], ["values", "age"], ["order"]])),
        [json!(27), json!(29), json!(32), json!(35)]
    );
    let by_out = bytecode(&json!([["outE"], ["count"]]));
    assert_eq!(
        names(
            &mut g,
            json!([
                ["V"],
                ["hasLabel", "person"],
                ["order"],
                ["by", by_out, order("desc")],
                ["limit", 1]
            ])
        ),
        ["marko"]
    );
    assert_eq!(
        run(&mut g, json!([["V"], ["out"], ["dedup"], ["count"]])),
        [json!(4)]
    );
    assert_eq!(run(&mut g, json!([["V"], ["out"], ["count"]])), [json!(6)]);
    assert_eq!(
        run(&mut g, json!([["V"], ["values", "age"], ["sum"]])),
        [json!(123)]
    );
    assert_eq!(
        run(&mut g, json!([["V"], ["values", "age"], ["max"]])),
        [json!(35)]
    );
    assert_eq!(
        run(&mut g, json!([["V"], ["values", "age"], ["min"]])),
        [json!(27)]
    );
    assert_eq!(
        run(&mut g, json!([["V"], ["values", "age"], ["mean"]])),
        [json!(30.75)]
    );
    let c = values(&mut g, json!([["V"], ["count"]]));
    assert_eq!(c, [Value::Int64(6)], "count() is a long");
}

#[test]
fn paths_labels_selects_and_filters() {
    let mut g = modern();
    let path = values(
        &mut g,
        json!([
            ["V", "dseg:/person/1"],
            ["as", "a"],
            ["out", "created"],
            ["as", "b", "c"],
            ["path"]
        ]),
    );
    assert_eq!(
        write(&path[0], GraphsonVersion::V2).to_text(),
        r#"{"@type":"g:Path","@value":{"labels":[["a"],["b","c"]],"objects":[{"@type":"g:Vertex","@value":{"id":"dseg:/person/1","label":"person"}},{"@type":"g:Vertex","@value":{"id":"dseg:/software/3","label":"software"}}]}}"#
    );
    assert_eq!(
        run(
            &mut g,
            json!([["V", "dseg:/person/1"], ["out"], ["path"], ["by", "name"]])
        ),
        [
            json!({"labels": [[], []], "objects": ["marko", "vadas"]}),
            json!({"labels": [[], []], "objects": ["marko", "josh"]}),
            json!({"labels": [[], []], "objects": ["marko", "lop"]}),
        ]
    );
    assert_eq!(
        run(
            &mut g,
            json!([
                ["V", "dseg:/person/1"],
                ["as", "a"],
                ["out", "knows"],
                ["as", "b"],
                ["select", "a", "b"],
                ["by", "name"]
            ])
        ),
        [
            json!({"a": "marko", "b": "vadas"}),
            json!({"a": "marko", "b": "josh"})
        ]
    );
    assert_eq!(
        names(
            &mut g,
            json!([
                ["V", "dseg:/person/1"],
                ["as", "a"],
                ["out", "knows"],
                ["select", "a"]
            ])
        ),
        ["marko", "marko"]
    );
    // Co-creators of lop other than marko: where(neq('a')).
    assert_eq!(
        names(
            &mut g,
            json!([
                ["V", "dseg:/person/1"],
                ["as", "a"],
                ["out", "created"],
                ["in", "created"],
                ["where", p("neq", json!("a"))]
            ])
        ),
        ["josh", "peter"]
    );
    let knows = bytecode(&json!([["out", "knows"]]));
    assert_eq!(names(&mut g, json!([["V"], ["where", knows]])), ["marko"]);
    let created = bytecode(&json!([["out", "created"]]));
    assert_eq!(
        names(
            &mut g,
            json!([["V"], ["hasLabel", "person"], ["not", created]])
        ),
        ["vadas"]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["V"], ["values", "age"], ["is", p("gt", int(30))]])
        ),
        [json!(32), json!(35)]
    );
    assert_eq!(
        run(&mut g, json!([["V"], ["values", "age"], ["is", int(27)]])),
        [json!(27)]
    );
    let a = bytecode(&json!([["has", "age", p("gt", int(28))]]));
    let b = bytecode(&json!([["has", "age", p("lt", int(33))]]));
    assert_eq!(
        names(&mut g, json!([["V"], ["and", a, b]])),
        ["marko", "josh"]
    );
    assert_eq!(names(&mut g, json!([["V"], ["or", a, b]])).len(), 4);
}

#[test]
fn folding_and_grouping() {
    let mut g = modern();
    assert_eq!(
        run(
            &mut g,
            json!([
                ["V"],
                ["hasLabel", "software"],
                ["values", "name"],
                ["fold"]
            ])
        ),
        [json!(["lop", "ripple"])]
    );
    assert_eq!(
        run(
            &mut g,
            json!([
                ["V"],
                ["hasLabel", "software"],
                ["fold"],
                ["unfold"],
                ["values", "name"]
            ])
        ),
        ["lop", "ripple"]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["V"], ["group"], ["by", t("label")], ["by", "name"]])
        ),
        [json!({"person": ["marko", "vadas", "josh", "peter"], "software": ["lop", "ripple"]})]
    );
    let count = bytecode(&json!([["count"]]));
    assert_eq!(
        run(
            &mut g,
            json!([["V"], ["group"], ["by", t("label")], ["by", count]])
        ),
        [json!({"person": 4, "software": 2})]
    );
    assert_eq!(
        run(&mut g, json!([["V"], ["groupCount"], ["by", "lang"]])),
        [json!({"java": 2})]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["V"], ["out", "created"], ["groupCount"], ["by", "name"]])
        ),
        [json!({"lop": 3, "ripple": 1})]
    );
    assert_eq!(
        run(
            &mut g,
            json!([["V"], ["groupCount"], ["by", t("label")], ["unfold"]])
        ),
        [json!({"person": 4}), json!({"software": 2})]
    );
    let select_keys = json!({"@type": "g:Column", "@value": "keys"});
    assert_eq!(
        run(
            &mut g,
            json!([
                ["V"],
                ["groupCount"],
                ["by", t("label")],
                ["select", select_keys]
            ])
        ),
        [json!(["person", "software"])]
    );
    let out_count = bytecode(&json!([["out"], ["count"]]));
    assert_eq!(
        run(
            &mut g,
            json!([
                ["V", "dseg:/person/4"],
                ["project", "name", "out"],
                ["by", "name"],
                ["by", out_count]
            ])
        ),
        [json!({"name": "josh", "out": 2})]
    );
    let counted = values(&mut g, json!([["V"], ["groupCount"], ["by", t("label")]]));
    assert_eq!(
        write(&counted[0], GraphsonVersion::V3).to_text(),
        r#"{"@type":"g:Map","@value":["person",{"@type":"g:Int64","@value":4},"software",{"@type":"g:Int64","@value":2}]}"#
    );
}

#[test]
fn branching_and_injection() {
    let mut g = modern();
    let knows = bytecode(&json!([["out", "knows"]]));
    let created = bytecode(&json!([["out", "created"]]));
    assert_eq!(
        names(
            &mut g,
            json!([["V", "dseg:/person/1"], ["union", knows, created]])
        ),
        ["vadas", "josh", "lop"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([
                ["V", "dseg:/person/2"],
                ["coalesce", knows, created],
                ["constant", "x"],
                ["fold"],
                ["unfold"]
            ])
        )
        .len(),
        0,
        "vadas has neither"
    );
    let identity = bytecode(&json!([["identity"]]));
    assert_eq!(
        names(
            &mut g,
            json!([["V", "dseg:/person/2"], ["coalesce", knows, identity]])
        ),
        ["vadas"]
    );
    assert_eq!(
        names(
            &mut g,
            json!([["V", "dseg:/person/2"], ["optional", knows]])
        ),
        ["vadas"]
    );
    assert_eq!(
        run(&mut g, json!([["inject", int(1), "two"]])),
        [json!(1), json!("two")]
    );
    assert_eq!(
        run(&mut g, json!([["V"], ["limit", 1], ["constant", "c"]])),
        ["c"]
    );
    let local = bytecode(&json!([["outE"], ["count"]]));
    assert_eq!(
        run(&mut g, json!([["V"], ["local", local], ["fold"]])),
        [json!([3, 0, 0, 2, 0, 1])]
    );
}

#[test]
fn refusals_name_the_step() {
    let mut g = modern();
    let e = try_run(
        &mut g,
        json!([["V"], ["repeat", bytecode(&json!([["out"]]))]]),
    )
    .unwrap_err();
    assert!(e.starts_with("Unsupported step 'repeat'"), "{e}");
    let e = try_run(&mut g, json!([["V"], ["has", "a", "b", "c", "d"]])).unwrap_err();
    assert!(e.contains("has()"), "{e}");
    let with_source = json!({"@type": "g:Bytecode", "@value": {"source": [["withSack", int(1)]], "step": [["V"]]}});
    let bc = read_request(&with_source.to_string()).unwrap().remove(0);
    assert!(execute(&mut g, &bc).unwrap_err().contains("withSack"));
    let e = try_run(&mut g, json!([["V"], ["limit", "x"]])).unwrap_err();
    assert!(e.contains("limit"), "{e}");
}
