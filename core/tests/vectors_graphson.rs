//! Golden vectors of `dse.json` section `graphson` (Python cassandra-driver 3.30.1):
//! every entry of `values` and `results`, and every `rejected` entry of section
//! `graphson.values`, is checked here or skipped with a written reason. (`requests` belongs
//! to the session's tests.)
//!
//! `values`: the entry's `value` (the neutral form of a Python value) becomes a
//! `GraphValue` (a Python `int` is a `BigInteger`, a Python `float` a `Float`, a
//! `to_int()`-style wrapper the matching width) and must write `graphson` and, as the
//! parameter `x`, `params_json` byte for byte. `graphson` read back (GraphSON 1.0 through
//! the entry's `GraphSON1Deserializer` reader) must give `decoded` in the neutral form, or
//! fail where the Python reader fails (`reader_error`); `roundtrip` must agree.
//!
//! `results`: each row decoded with the version's row factory equals `decoded` (GraphSON 1.0
//! results that are no vertex or edge wrapped as `Result`), and the GraphSON 1.0
//! `accessors` (`Result.as_path()`, `as_vertex_property()`) match too.
//!
//! `rejected`: our writer refuses the same inputs, with the matching error.

mod common;

use std::net::IpAddr;

use cql_core::graph::GraphValue;
use cql_core::graph::graphson::graphson1::{self, Graphson1Type};
use cql_core::graph::graphson::{
    EncodeError, GraphsonVersion, decode_row, decode_value, encode_parameters, encode_value,
};
use cql_core::graph::json;
use cql_core::graph::value::{
    BigDecimal, BigInteger, GraphUdt, Instant, JavaDuration, LocalDate, LocalTime, Path,
    TypeDefinition,
};
use cql_core::types::geo::{LineString, Point, Polygon};
use cql_core::types::{ColumnType, CqlDuration};
use serde_json::{Value, json};

/// Rejected inputs deliberately not fed to our writer, with the reason.
const SKIPPED_REJECTED: &[(&str, &str)] = &[
    (
        "graphson1/wrapped/",
        "to_*() wrappers are a Python construct; a Rust Int16/Int32/Int64/Float/Double is a \
         plain JSON number in GraphSON 1.0",
    ),
    (
        "graphson2/wrapped/",
        "to_*() wrappers are a Python construct (its TypeIOWrapper is registered for 3.0 only); \
         a Rust Int16/Int32/Int64/Float/Double carries its width and is written with its tag \
         (gx:Int16, g:Int32, g:Int64, g:Float, g:Double), which GraphSON 2.0 readers accept",
    ),
];

fn version_of(id: &str) -> GraphsonVersion {
    match id.split('/').next() {
        Some("graphson1") => GraphsonVersion::V1,
        Some("graphson2") => GraphsonVersion::V2,
        Some("graphson3") => GraphsonVersion::V3,
        other => panic!("{id}: unknown version prefix {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Neutral form (the vectors' `conventions.neutral`) to GraphValue, for the writer.

fn float_of(v: &Value) -> f64 {
    common::cql_json::float_of(v)
}

fn points(v: &Value) -> Vec<Point> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| Point::new(float_of(&p[0]), float_of(&p[1])))
        .collect()
}

/// The schema of the generator's graph keyspace `g3core` (its UDT field types).
fn udt_type(name: &str) -> ColumnType {
    let udt = |name: &str, fields: Vec<(&str, ColumnType)>| ColumnType::Udt {
        keyspace: "g3core".into(),
        name: name.into(),
        fields: fields.into_iter().map(|(n, t)| (n.into(), t)).collect(),
    };
    match name {
        "address" => udt(
            "address",
            vec![("street", ColumnType::Text), ("zip", ColumnType::Int)],
        ),
        "person" => udt(
            "person",
            vec![
                ("name", ColumnType::Text),
                ("home", udt_type("address")),
                ("tags", ColumnType::List(Box::new(ColumnType::Text))),
            ],
        ),
        other => panic!("no UDT {other} in the test schema"),
    }
}

/// A Python datetime's isoformat (naive, or with a `+HH:MM` offset) as a UTC instant.
fn instant_of(iso: &str) -> Instant {
    let (local, offset) = match iso.get(19..).and_then(|t| t.find(['+', '-'])) {
        Some(i) => iso.split_at(19 + i),
        None => (iso, ""),
    };
    let base = Instant::parse(&format!("{local}Z")).unwrap_or_else(|| panic!("instant {iso}"));
    let offset_seconds = if offset.is_empty() {
        0
    } else {
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let h: i64 = offset[1..3].parse().unwrap();
        let m: i64 = offset[4..6].parse().unwrap();
        sign * (h * 3600 + m * 60)
    };
    Instant::from_unix(base.unix_seconds() - offset_seconds, base.subsec_nanos()).unwrap()
}

fn to_value(v: &Value) -> GraphValue {
    match v {
        Value::Null => GraphValue::Null,
        Value::Bool(b) => GraphValue::Bool(*b),
        Value::Number(n) if n.is_f64() => GraphValue::Float(n.as_f64().unwrap()),
        Value::Number(n) => GraphValue::BigInteger(BigInteger::parse(&n.to_string()).unwrap()),
        Value::String(s) => GraphValue::String(s.clone()),
        Value::Array(items) => GraphValue::List(items.iter().map(to_value).collect()),
        Value::Object(o) => {
            let s = |k: &str| o[k].as_str().unwrap_or_else(|| panic!("{k} of {v}"));
            let i = |k: &str| o[k].as_i64().unwrap_or_else(|| panic!("{k} of {v}"));
            match s("type") {
                "int" => GraphValue::BigInteger(BigInteger::parse(s("value")).unwrap()),
                "float" => GraphValue::Float(float_of(&o["value"])),
                "map" => GraphValue::Map(
                    o["entries"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| (to_value(&e[0]), to_value(&e[1])))
                        .collect(),
                ),
                "set" => GraphValue::Set(
                    o["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(to_value)
                        .collect(),
                ),
                "tuple" => GraphValue::tuple(
                    o["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(to_value)
                        .collect(),
                ),
                "decimal" => GraphValue::BigDecimal(BigDecimal::parse(s("value")).unwrap()),
                "uuid" => GraphValue::Uuid(s("value").parse().unwrap()),
                "datetime" => GraphValue::Instant(instant_of(s("value"))),
                "date" => GraphValue::LocalDate(LocalDate::parse(s("value")).unwrap()),
                "time" => GraphValue::LocalTime(LocalTime::parse(s("value")).unwrap()),
                "timedelta" => GraphValue::Duration(
                    JavaDuration::from_days_seconds_micros(
                        i("days"),
                        i("seconds"),
                        i("microseconds"),
                    )
                    .unwrap(),
                ),
                "duration" => GraphValue::DseDuration(CqlDuration {
                    months: i("months") as i32,
                    days: i("days") as i32,
                    nanoseconds: i("nanos"),
                }),
                "blob" => GraphValue::Blob(hex::decode(s("hex")).unwrap()),
                "inet" => GraphValue::Inet(s("value").parse::<IpAddr>().unwrap()),
                "point" => GraphValue::Point(Point::new(float_of(&o["x"]), float_of(&o["y"]))),
                "linestring" => GraphValue::LineString(LineString {
                    points: points(&o["points"]),
                }),
                "polygon" => GraphValue::Polygon(Box::new(Polygon {
                    exterior: points(&o["exterior"]),
                    interiors: o["interiors"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(points)
                        .collect(),
                })),
                "udt" => {
                    let ColumnType::Udt {
                        keyspace,
                        name,
                        fields,
                    } = udt_type(s("name"))
                    else {
                        unreachable!()
                    };
                    let mut udt = GraphUdt::new(keyspace, name);
                    for (field, value) in o["fields"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|f| (f[0].as_str().unwrap(), &f[1]))
                    {
                        let (_, typ) = fields.iter().find(|(n, _)| n == field).unwrap();
                        udt = udt.field(
                            field,
                            TypeDefinition::from_column_type(typ),
                            to_value(value),
                        );
                    }
                    udt.into()
                }
                "typed" => {
                    let inner = &o["value"];
                    match s("graphson_type") {
                        "gx:Int16" => GraphValue::Int16(inner.as_i64().unwrap() as i16),
                        "g:Int32" => GraphValue::Int32(inner.as_i64().unwrap() as i32),
                        "g:Int64" => GraphValue::Int64(inner.as_i64().unwrap()),
                        "g:Double" => GraphValue::Double(float_of(inner)),
                        "g:Float" => GraphValue::Float(float_of(inner)),
                        other => panic!("typed {other}"),
                    }
                }
                other => panic!("no GraphValue for neutral type {other}"),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// GraphValue to the neutral form, for the readers.

#[derive(Clone, Copy)]
struct Ctx {
    version: GraphsonVersion,
}

fn float_json(f: f64) -> Value {
    if f.is_finite() {
        json!(f)
    } else {
        let name = if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        };
        json!({"type": "float", "value": name})
    }
}

fn map_json(entries: Vec<(Value, Value)>) -> Value {
    json!({"type": "map", "entries": entries.into_iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>()})
}

fn set_json(mut items: Vec<Value>) -> Value {
    items.sort_by_key(|v| serde_json::to_string(v).unwrap());
    json!({"type": "set", "items": items})
}

fn coords(points: &[Point]) -> Value {
    Value::Array(points.iter().map(|p| json!([p.x, p.y])).collect())
}

fn vertex_json(ctx: Ctx, id: &GraphValue, label: &str, properties: Value) -> Value {
    json!({"type": "Vertex", "id": neutral(ctx, id), "label": label, "properties": properties})
}

fn path_json(ctx: Ctx, p: &Path) -> Value {
    let labels: Vec<Value> = p
        .labels
        .iter()
        .map(|l| {
            let names: Vec<Value> = l.iter().map(|n| json!(n)).collect();
            match ctx.version {
                // Result.as_path() keeps the label lists as they came.
                GraphsonVersion::V1 => Value::Array(names),
                _ => set_json(names),
            }
        })
        .collect();
    let objects: Vec<Value> = p
        .objects
        .iter()
        .map(|o| match ctx.version {
            GraphsonVersion::V1 => result_json(ctx, o),
            _ => neutral(ctx, o),
        })
        .collect();
    json!({"type": "Path", "labels": labels, "objects": objects})
}

/// What `graph_object_row_factory` yields: elements as they are, anything else in a `Result`.
fn result_json(ctx: Ctx, v: &GraphValue) -> Value {
    match v {
        GraphValue::Vertex(_) | GraphValue::Edge(_) => neutral(ctx, v),
        other => json!({"type": "Result", "value": neutral(ctx, other)}),
    }
}

fn neutral(ctx: Ctx, v: &GraphValue) -> Value {
    let n = |v: &GraphValue| neutral(ctx, v);
    let typed = |t: &str, value: String| json!({"type": t, "value": value});
    match v {
        GraphValue::Null => Value::Null,
        GraphValue::Bool(b) => json!(b),
        GraphValue::BigInteger(i) => match i.to_i64() {
            Some(v) => json!(v),
            None => typed("int", i.to_string()),
        },
        GraphValue::Float(f) | GraphValue::Double(f) => float_json(*f),
        GraphValue::String(s) => json!(s),
        GraphValue::List(items) => Value::Array(items.iter().map(n).collect()),
        GraphValue::Set(items) => set_json(items.iter().map(n).collect()),
        GraphValue::Map(entries) => map_json(entries.iter().map(|(k, v)| (n(k), n(v))).collect()),
        GraphValue::BulkSet(entries) => Value::Array(
            entries
                .iter()
                .flat_map(|(v, count)| std::iter::repeat_n(n(v), *count as usize))
                .collect(),
        ),
        GraphValue::BigDecimal(d) => typed("decimal", d.to_string()),
        GraphValue::Uuid(u) => typed("uuid", u.to_string()),
        GraphValue::Instant(i) => {
            // Python's naive isoformat: no zone, fraction only when there are microseconds.
            let text = i.to_string();
            typed("datetime", text.trim_end_matches('Z').to_string())
        }
        GraphValue::LocalDate(d) if (1..=9999).contains(&d.year()) => typed("date", d.to_string()),
        // Python keeps a date it cannot represent as its text.
        GraphValue::LocalDate(d) => json!(d.to_string()),
        GraphValue::LocalTime(t) => {
            let text = t.to_string();
            let text = text.strip_suffix(".000000").unwrap_or(&text);
            typed("time", text.to_string())
        }
        GraphValue::Duration(d) => {
            let micros = d.total_nanos() / 1000;
            let days = micros.div_euclid(86_400_000_000);
            let rem = micros.rem_euclid(86_400_000_000);
            json!({"type": "timedelta", "days": days as i64, "seconds": (rem / 1_000_000) as i64, "microseconds": (rem % 1_000_000) as i64})
        }
        GraphValue::DseDuration(d) => {
            json!({"type": "duration", "months": d.months, "days": d.days, "nanos": d.nanoseconds})
        }
        GraphValue::Blob(b) => json!({"type": "blob", "hex": hex::encode(b)}),
        // The Python readers give the address as a plain string.
        GraphValue::Inet(a) => json!(a.to_string()),
        GraphValue::Point(p) => json!({"type": "point", "wkt": p.to_string(), "x": p.x, "y": p.y}),
        GraphValue::LineString(l) => {
            json!({"type": "linestring", "wkt": l.to_string(), "points": coords(&l.points)})
        }
        GraphValue::Polygon(p) => json!({
            "type": "polygon",
            "wkt": p.to_string(),
            "exterior": coords(&p.exterior),
            "interiors": p.interiors.iter().map(|r| coords(r)).collect::<Vec<_>>(),
        }),
        GraphValue::Tuple(t) => {
            json!({"type": "tuple", "items": t.values.iter().map(n).collect::<Vec<_>>()})
        }
        GraphValue::Udt(u) => json!({
            "type": "udt",
            "name": u.name,
            "fields": u.fields().map(|(f, v)| json!([f, n(v)])).collect::<Vec<_>>(),
        }),
        GraphValue::T(t) => json!({"type": "T", "name": t.name()}),
        GraphValue::Vertex(vertex) => {
            let properties = map_json(
                vertex
                    .properties
                    .iter()
                    .map(|(name, values)| {
                        let values = values
                            .iter()
                            .map(|p| n(&GraphValue::VertexProperty(Box::new(p.clone()))))
                            .collect();
                        (json!(name), Value::Array(values))
                    })
                    .collect(),
            );
            vertex_json(ctx, &vertex.id, &vertex.label, properties)
        }
        GraphValue::VertexProperty(p) => json!({
            "type": "VertexProperty",
            "label": p.label,
            "value": n(&p.value),
            "properties": map_json(p.properties.iter().map(|(k, v)| (json!(k), n(v))).collect()),
        }),
        GraphValue::Edge(e) => {
            let v1 = ctx.version == GraphsonVersion::V1;
            // GraphSON 2/3 readers make each edge property a {key: {key: value}} map and the
            // ends vertices without properties; GraphSON 1.0 keeps both as they came.
            let properties = map_json(
                e.properties
                    .iter()
                    .map(|(k, v)| {
                        let value = if v1 {
                            n(v)
                        } else {
                            map_json(vec![(json!(k), n(v))])
                        };
                        (json!(k), value)
                    })
                    .collect(),
            );
            let end = |id: &GraphValue, label: &str| {
                if v1 {
                    n(id)
                } else {
                    vertex_json(ctx, id, label, map_json(vec![]))
                }
            };
            json!({
                "type": "Edge",
                "id": n(&e.id),
                "label": e.label,
                "properties": properties,
                "inV": end(&e.in_v, &e.in_v_label),
                "inVLabel": e.in_v_label,
                "outV": end(&e.out_v, &e.out_v_label),
                "outVLabel": e.out_v_label,
            })
        }
        GraphValue::Property(p) => map_json(vec![(json!(p.key), n(&p.value))]),
        GraphValue::Path(p) => path_json(ctx, p),
        other => match other.as_i64() {
            Some(i) => json!(i),
            None => panic!("no neutral form for a {}", other.kind()),
        },
    }
}

/// Equality of neutral values with floats compared by bit pattern (-0.0 is not 0.0).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            x.is_f64() == y.is_f64()
                && x.as_f64().unwrap().to_bits() == y.as_f64().unwrap().to_bits()
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn assert_same(id: &str, what: &str, got: &Value, expected: &Value) {
    assert!(
        same(got, expected),
        "{id}: {what}\n  got:      {got}\n  expected: {expected}"
    );
}

// ---------------------------------------------------------------------------------------

/// Reads `graphson` as the entry's reader does.
fn read(
    id: &str,
    version: GraphsonVersion,
    reader: &str,
    graphson: &str,
) -> Result<GraphValue, String> {
    match version {
        GraphsonVersion::V1 => {
            let name = reader
                .strip_prefix("GraphSON1Deserializer.deserialize_")
                .unwrap_or_else(|| panic!("{id}: reader {reader}"));
            let typ =
                Graphson1Type::from_name(name).unwrap_or_else(|| panic!("{id}: reader {reader}"));
            let json = json::parse(graphson).map_err(|e| e.to_string())?;
            graphson1::read_as(typ, &graphson1::from_json(&json)).map_err(|e| e.to_string())
        }
        _ => decode_value(version, graphson).map_err(|e| e.to_string()),
    }
}

#[test]
fn every_graphson_value() {
    let file = common::load("dse.json");
    let entries = file["graphson"]["values"]
        .as_array()
        .expect("graphson.values");
    let (mut encoded, mut decoded, mut rejected_by_reader) = (0, 0, 0);
    for e in entries {
        let id = e["id"].as_str().unwrap();
        let version = version_of(id);
        assert_eq!(
            e["graphson_version"].as_u64(),
            Some(version as u64 + 1),
            "{id}"
        );
        let value = to_value(&e["value"]);

        let graphson = e["graphson"].as_str().unwrap();
        assert_eq!(
            encode_value(version, &value).as_deref(),
            Ok(graphson),
            "{id}: graphson"
        );
        let params = encode_parameters(version, &[("x", value.clone())]);
        assert_eq!(
            params.as_deref(),
            Ok(e["params_json"].as_str().unwrap()),
            "{id}: params_json"
        );
        encoded += 1;

        let roundtrip = e["roundtrip"].as_str().unwrap();
        match (e["reader"].as_str(), e.get("reader_error")) {
            (Some(reader), None) => {
                let got =
                    read(id, version, reader, graphson).unwrap_or_else(|err| panic!("{id}: {err}"));
                let got = neutral(Ctx { version }, &got);
                assert_same(id, "decoded", &got, &e["decoded"]);
                let same_as_input = same(&e["decoded"], &e["value"]);
                assert_eq!(
                    same_as_input,
                    roundtrip == "same",
                    "{id}: roundtrip {roundtrip}"
                );
                decoded += 1;
            }
            (None, Some(error)) => {
                assert_eq!(roundtrip, "reader_rejects", "{id}");
                let reader = match version {
                    GraphsonVersion::V1 => "GraphSON1Deserializer.deserialize_duration",
                    _ => "",
                };
                let err = read(id, version, reader, graphson).expect_err(id);
                assert!(
                    err.contains("invalid duration")
                        && error.as_str().unwrap().contains("Invalid duration"),
                    "{id}: {err} / {error}"
                );
                rejected_by_reader += 1;
            }
            (None, None) => assert_eq!(roundtrip, "not_applicable", "{id}"),
            (Some(_), Some(_)) => panic!("{id}: both a reader and a reader error"),
        }
    }
    assert_eq!(encoded, entries.len(), "every value written");
    println!(
        "graphson.values: {encoded} written byte-exact, {decoded} read back, {rejected_by_reader} refused by the reader as by Python's, {} total",
        entries.len()
    );
    assert!(decoded > 100);
}

#[test]
fn every_graphson_result() {
    let file = common::load("dse.json");
    let entries = file["graphson"]["results"]
        .as_array()
        .expect("graphson.results");
    let mut accessors = 0;
    for e in entries {
        let id = e["id"].as_str().unwrap();
        let version = version_of(id);
        let ctx = Ctx { version };
        let factory = e["row_factory"].as_str().unwrap();
        let expected_factory = match version {
            GraphsonVersion::V1 => "graph_object_row_factory",
            GraphsonVersion::V2 => "graph_graphson2_row_factory",
            GraphsonVersion::V3 => "graph_graphson3_row_factory",
        };
        assert_eq!(factory, expected_factory, "{id}");
        assert_eq!(e["column"], "gremlin", "{id}");
        let rows = e["rows"].as_array().unwrap();
        let expected = e["decoded"].as_array().unwrap();
        assert_eq!(rows.len(), expected.len(), "{id}");
        let mut results = Vec::new();
        for (row, want) in rows.iter().zip(expected) {
            let row = decode_row(version, row.as_str().unwrap())
                .unwrap_or_else(|err| panic!("{id}: {err}"));
            assert_eq!(row.bulk, 1, "{id}");
            let got = match version {
                GraphsonVersion::V1 => result_json(ctx, &row.result),
                _ => neutral(ctx, &row.result),
            };
            assert_same(id, "row", &got, want);
            results.push(row.result);
        }
        for a in e
            .get("accessors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let [result] = results.as_slice() else {
                panic!("{id}: accessors on several rows")
            };
            let got = match a["method"].as_str().unwrap() {
                "Result.as_path" => path_json(ctx, &graphson1::path(result).unwrap()),
                "Result.as_vertex_property" => {
                    neutral(ctx, &graphson1::vertex_property(result).unwrap().into())
                }
                other => panic!("{id}: accessor {other}"),
            };
            assert_same(id, a["method"].as_str().unwrap(), &got, &a["value"]);
            accessors += 1;
        }
    }
    println!(
        "graphson.results: {} entries, {accessors} accessors",
        entries.len()
    );
}

#[test]
fn every_rejected_graphson_value() {
    let file = common::load("dse.json");
    let (mut refused, mut skipped, mut total) = (0, 0, 0);
    for r in file["rejected"].as_array().unwrap() {
        if r["section"] != "graphson.values" {
            continue;
        }
        total += 1;
        let id = r["id"].as_str().unwrap();
        if SKIPPED_REJECTED
            .iter()
            .any(|(prefix, _)| id.starts_with(prefix))
        {
            skipped += 1;
            continue;
        }
        let version = version_of(id);
        let value = to_value(&r["input"]);
        let reason = r["reason"].as_str().unwrap();
        let err = encode_parameters(version, &[("x", value)]).expect_err(id);
        match err {
            EncodeError::MapKey { .. } => assert!(
                reason.starts_with("TypeError: keys must be"),
                "{id}: {reason}"
            ),
            EncodeError::Unsupported { version: v, .. } => {
                assert_eq!(v, version, "{id}");
                assert!(
                    reason.contains("not JSON serializable")
                        || reason.contains("Unable to find a serializer"),
                    "{id}: {reason}"
                );
            }
            other => panic!("{id}: {other}"),
        }
        refused += 1;
    }
    for (prefix, _) in SKIPPED_REJECTED {
        assert!(
            file["rejected"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"].as_str().unwrap().starts_with(prefix)),
            "skip {prefix} names no entry"
        );
    }
    assert_eq!(
        refused + skipped,
        total,
        "every rejected entry checked or skipped"
    );
    println!(
        "rejected graphson.values: {refused} refused as by Python, {skipped} skipped with a reason, {total} total"
    );
}
