//! Graph values ⇄ JavaScript: results of `executeGraph` as JS values (elements as the
//! package's `Vertex`, `Edge`, `VertexProperty`, `Property` and `Path` classes), and JS
//! parameters and traversal arguments as [`GraphValue`]s.

use cql_core::graph::value::{
    BigDecimal, BigInteger, Edge, GraphValue, Instant, LocalDate, LocalTime, Path, Vertex,
    VertexProperty,
};
use cql_core::types::{CqlDuration, CqlTime};
use js_sys::{Array, BigInt, Date, Map, Object, Set, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::to_js::{
    bigint_i64, class_name, duration_object, js_text, line_string_object, make_date, make_decimal,
    make_duration, make_point, polygon_object, set, time_object,
};
use crate::options::get;

#[wasm_bindgen(module = "/js/support.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeVertex)]
    fn make_vertex(id: JsValue, label: &str, properties: JsValue) -> JsValue;
    #[wasm_bindgen(js_name = makeEdge)]
    fn make_edge(
        id: JsValue,
        label: &str,
        out_v: JsValue,
        out_v_label: &str,
        in_v: JsValue,
        in_v_label: &str,
        properties: JsValue,
    ) -> JsValue;
    #[wasm_bindgen(js_name = makeVertexProperty)]
    fn make_vertex_property(
        id: JsValue,
        label: &str,
        value: JsValue,
        properties: JsValue,
    ) -> JsValue;
    #[wasm_bindgen(js_name = makeProperty)]
    fn make_property(key: &str, value: JsValue) -> JsValue;
    #[wasm_bindgen(js_name = makePath)]
    fn make_path(labels: JsValue, objects: JsValue) -> JsValue;
}

/// Bulk sets with more elements than this stay `{ value, bulk }` pairs instead of being
/// expanded (a node's count must not size the client's memory).
const MAX_BULK_EXPANSION: i64 = 100_000;

fn entries(pairs: &[(String, GraphValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        set(&o, k, &to_js(v));
    }
    o.into()
}

fn vertex(v: &Vertex) -> JsValue {
    let props = Object::new();
    for (name, values) in &v.properties {
        let list: Array = values.iter().map(vertex_property).collect();
        set(&props, name, &list.into());
    }
    make_vertex(to_js(&v.id), &v.label, props.into())
}

fn vertex_property(p: &VertexProperty) -> JsValue {
    let id = p.id.as_ref().map_or(JsValue::NULL, to_js);
    make_vertex_property(id, &p.label, to_js(&p.value), entries(&p.properties))
}

fn edge(e: &Edge) -> JsValue {
    make_edge(
        to_js(&e.id),
        &e.label,
        to_js(&e.out_v),
        &e.out_v_label,
        to_js(&e.in_v),
        &e.in_v_label,
        entries(&e.properties),
    )
}

fn path(p: &Path) -> JsValue {
    let labels: Array = p
        .labels
        .iter()
        .map(|l| JsValue::from(l.iter().map(|s| JsValue::from_str(s)).collect::<Array>()))
        .collect();
    let objects: Array = p.objects.iter().map(to_js).collect();
    make_path(labels.into(), objects.into())
}

/// A decimal text (`1.10`, `-1E+3`) as the package's `CqlDecimal`.
fn decimal(d: &BigDecimal) -> JsValue {
    let text = d.to_string();
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().unwrap_or(0)),
        None => (text.as_str(), 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let scale = i32::try_from(frac.len())
        .unwrap_or(i32::MAX)
        .saturating_sub(exponent);
    match BigInt::new(&JsValue::from_str(digits.trim_start_matches('+'))) {
        Ok(unscaled) => make_decimal(unscaled.into(), scale),
        Err(_) => JsValue::from_str(&text),
    }
}

fn big_integer(b: &BigInteger) -> JsValue {
    let text = b.to_string();
    BigInt::new(&JsValue::from_str(&text)).map_or_else(|_| JsValue::from_str(&text), JsValue::from)
}

fn instant(i: &Instant) -> JsValue {
    match i.to_millis() {
        Some(ms) if ms.unsigned_abs() <= 8_640_000_000_000_000 => {
            Date::new(&JsValue::from_f64(ms as f64)).into()
        }
        _ => JsValue::from_str(&i.to_string()),
    }
}

fn local_date(d: &LocalDate) -> JsValue {
    make_date(d.year() as f64, d.month(), d.day())
}

/// A map: a plain object when every key is a string, else a `Map`.
fn map(pairs: &[(GraphValue, GraphValue)]) -> JsValue {
    if pairs
        .iter()
        .all(|(k, _)| matches!(k, GraphValue::String(_)))
    {
        let o = Object::new();
        for (k, v) in pairs {
            if let GraphValue::String(k) = k {
                set(&o, k, &to_js(v));
            }
        }
        return o.into();
    }
    let m = Map::new();
    for (k, v) in pairs {
        m.set(&to_js(k), &to_js(v));
    }
    m.into()
}

fn bulk_set(items: &[(GraphValue, i64)]) -> JsValue {
    let total: i64 = items
        .iter()
        .map(|(_, n)| (*n).max(0))
        .fold(0, i64::saturating_add);
    if total <= MAX_BULK_EXPANSION {
        let out = Array::new();
        for (v, n) in items {
            let js = to_js(v);
            for _ in 0..*n {
                out.push(&js);
            }
        }
        return out.into();
    }
    items
        .iter()
        .map(|(v, n)| {
            let o = Object::new();
            set(&o, "value", &to_js(v));
            set(&o, "bulk", &bigint_i64(*n));
            JsValue::from(o)
        })
        .collect::<Array>()
        .into()
}

/// A graph value as a JS value (the table is in the package's README).
pub fn to_js(v: &GraphValue) -> JsValue {
    match v {
        GraphValue::Null => JsValue::NULL,
        GraphValue::Bool(b) => JsValue::from_bool(*b),
        GraphValue::Int16(n) => JsValue::from(*n),
        GraphValue::Int32(n) => JsValue::from(*n),
        GraphValue::Int64(n) => bigint_i64(*n),
        GraphValue::BigInteger(b) => big_integer(b),
        GraphValue::Float(f) | GraphValue::Double(f) => JsValue::from_f64(*f),
        GraphValue::BigDecimal(d) => decimal(d),
        GraphValue::String(s) => JsValue::from_str(s),
        GraphValue::List(items) => items.iter().map(to_js).collect::<Array>().into(),
        GraphValue::Set(items) => {
            let s = Set::new(&JsValue::UNDEFINED);
            for i in items {
                s.add(&to_js(i));
            }
            s.into()
        }
        GraphValue::Map(pairs) => map(pairs),
        GraphValue::BulkSet(items) => bulk_set(items),
        GraphValue::Uuid(u) => JsValue::from_str(&u.to_string()),
        GraphValue::Instant(i) => instant(i),
        GraphValue::LocalDate(d) => local_date(d),
        GraphValue::LocalTime(t) => time_object(CqlTime(t.nanos_since_midnight() as i64)),
        GraphValue::Duration(d) => make_duration(
            0,
            0,
            BigInt::new(&JsValue::from_str(&d.total_nanos().to_string()))
                .map_or(JsValue::NULL, JsValue::from),
        ),
        GraphValue::DseDuration(d) => duration_object(*d),
        GraphValue::Blob(b) => Uint8Array::from(b.as_slice()).into(),
        GraphValue::Inet(ip) => JsValue::from_str(&ip.to_string()),
        GraphValue::Point(p) => make_point(p.x, p.y),
        GraphValue::LineString(l) => line_string_object(l),
        GraphValue::Polygon(p) => polygon_object(p),
        GraphValue::Tuple(t) => t.values.iter().map(to_js).collect::<Array>().into(),
        GraphValue::Udt(u) => {
            let o = Object::new();
            for (d, v) in u.definition.iter().zip(&u.values) {
                set(&o, d.field_name.as_deref().unwrap_or(""), &to_js(v));
            }
            o.into()
        }
        GraphValue::T(t) => JsValue::from_str(t.name()),
        GraphValue::Direction(d) => JsValue::from_str(d.name()),
        GraphValue::Vertex(v) => vertex(v),
        GraphValue::Edge(e) => edge(e),
        GraphValue::VertexProperty(p) => vertex_property(p),
        GraphValue::Property(p) => make_property(&p.key, to_js(&p.value)),
        GraphValue::Path(p) => path(p),
        GraphValue::Traverser(t) => {
            let o = Object::new();
            set(&o, "bulk", &bigint_i64(t.bulk));
            set(&o, "value", &to_js(&t.value));
            o.into()
        }
        _ => JsValue::NULL,
    }
}

fn integral(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0).then_some(n as i64)
}

/// A value with an explicit GraphSON type (`GraphTypes.int64(5)`).
fn typed(type_name: &str, v: &JsValue) -> Result<GraphValue, String> {
    let number = || {
        v.as_f64()
            .ok_or_else(|| format!("{type_name} needs a number"))
    };
    let whole = |min: i64, max: i64| -> Result<i64, String> {
        let n = match v.dyn_ref::<BigInt>() {
            Some(b) => b
                .to_string(10)
                .ok()
                .and_then(|s| String::from(s).parse::<i64>().ok()),
            None => v.as_f64().and_then(integral),
        };
        n.filter(|n| (min..=max).contains(n))
            .ok_or_else(|| format!("{type_name} needs an integer in {min}..={max}"))
    };
    Ok(match type_name {
        "gx:Int16" => GraphValue::Int16(whole(i16::MIN.into(), i16::MAX.into())? as i16),
        "g:Int32" => GraphValue::Int32(whole(i32::MIN.into(), i32::MAX.into())? as i32),
        "g:Int64" => GraphValue::Int64(whole(i64::MIN, i64::MAX)?),
        "g:Float" => GraphValue::Float(number()?),
        "g:Double" => GraphValue::Double(number()?),
        "g:UUID" => GraphValue::Uuid(
            js_text(v)
                .parse()
                .map_err(|_| format!("{type_name} needs a UUID string"))?,
        ),
        "gx:BigInteger" => GraphValue::BigInteger(
            BigInteger::parse(&js_text(v))
                .ok_or_else(|| format!("{type_name} needs an integer"))?,
        ),
        "gx:InetAddress" => GraphValue::Inet(
            js_text(v)
                .parse()
                .map_err(|_| format!("{type_name} needs an IP address"))?,
        ),
        other => return Err(format!("unknown graph type {other:?}")),
    })
}

/// A JS parameter or traversal argument as a graph value: numbers are `g:Int32` /
/// `g:Int64` when integral, `g:Double` otherwise; `bigint` `g:Int64` (or `gx:BigInteger`
/// beyond 64 bits); `Date` an Instant; arrays lists; `Set`s sets; `Map`s and plain objects
/// maps; `Uint8Array` blobs; the package's Point/LineString/Polygon, CqlDuration,
/// CqlDecimal, CqlDate and CqlTime their graph types; `GraphTypes.*` wrappers their tag.
///
/// # Errors
/// A message naming what cannot be converted.
pub fn from_js(v: &JsValue, depth: usize) -> Result<GraphValue, String> {
    if depth > 64 {
        return Err("graph value nested more than 64 levels".into());
    }
    if v.is_null() || v.is_undefined() {
        return Ok(GraphValue::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(GraphValue::Bool(b));
    }
    if let Some(s) = v.as_string() {
        return Ok(GraphValue::String(s));
    }
    if let Some(n) = v.as_f64() {
        return Ok(match integral(n) {
            Some(i) => match i32::try_from(i) {
                Ok(i) => GraphValue::Int32(i),
                Err(_) => GraphValue::Int64(i),
            },
            None => GraphValue::Double(n),
        });
    }
    if let Some(b) = v.dyn_ref::<BigInt>() {
        let text = String::from(b.to_string(10).map_err(|_| "a bigint")?);
        return Ok(match text.parse::<i64>() {
            Ok(n) => GraphValue::Int64(n),
            Err(_) => GraphValue::BigInteger(BigInteger::parse(&text).ok_or("a bigint")?),
        });
    }
    if let Some(d) = v.dyn_ref::<Date>() {
        let ms = d.get_time();
        return integral(ms)
            .map(|ms| GraphValue::Instant(Instant::from_millis(ms)))
            .ok_or_else(|| "an invalid Date".into());
    }
    if let Some(bytes) = v.dyn_ref::<Uint8Array>() {
        return Ok(GraphValue::Blob(bytes.to_vec()));
    }
    let nested = |x: &JsValue| from_js(x, depth + 1);
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        return a
            .iter()
            .map(|x| nested(&x))
            .collect::<Result<_, _>>()
            .map(GraphValue::List);
    }
    if let Some(s) = v.dyn_ref::<Set>() {
        let mut out = Vec::new();
        for x in js_sys::try_iter(s).ok().flatten().into_iter().flatten() {
            out.push(nested(&x.map_err(|_| "a Set")?)?);
        }
        return Ok(GraphValue::Set(out));
    }
    if let Some(m) = v.dyn_ref::<Map>() {
        let mut out = Vec::new();
        m.for_each(&mut |value, key| out.push((key, value)));
        return out
            .iter()
            .map(|(k, x)| Ok((nested(k)?, nested(x)?)))
            .collect::<Result<_, String>>()
            .map(GraphValue::Map);
    }
    let class = class_name(v);
    let wkt = |what: &str| format!("cannot read this {what}'s WKT");
    Ok(match class.as_str() {
        "Point" => GraphValue::Point(js_text(v).parse().map_err(|_| wkt("Point"))?),
        "LineString" => GraphValue::LineString(js_text(v).parse().map_err(|_| wkt("LineString"))?),
        "Polygon" => GraphValue::Polygon(Box::new(js_text(v).parse().map_err(|_| wkt("Polygon"))?)),
        "CqlDuration" => GraphValue::DseDuration(CqlDuration {
            months: get(v, "months").as_f64().unwrap_or(0.0) as i32,
            days: get(v, "days").as_f64().unwrap_or(0.0) as i32,
            nanoseconds: js_text(&get(v, "nanoseconds")).parse().unwrap_or(0),
        }),
        "CqlDecimal" => GraphValue::BigDecimal(
            BigDecimal::parse(&js_text(v)).ok_or("a CqlDecimal that is not a decimal")?,
        ),
        "CqlDate" => GraphValue::LocalDate(
            LocalDate::parse(&js_text(v)).ok_or("a CqlDate outside the calendar")?,
        ),
        "CqlTime" => GraphValue::LocalTime(LocalTime::parse(&js_text(v)).ok_or("a CqlTime")?),
        "GraphTyped" => typed(&js_text(&get(v, "type")), &get(v, "value"))?,
        "GremlinEnum" => {
            let name = js_text(&get(v, "name"));
            match js_text(&get(v, "type")).as_str() {
                "T" => GraphValue::T(
                    cql_core::graph::value::T::from_name(&name).ok_or("an unknown T")?,
                ),
                other => return Err(format!("{other}.{name} is a traversal argument only")),
            }
        }
        _ => {
            let keys = Object::keys(v.unchecked_ref::<Object>());
            let mut out = Vec::new();
            for k in keys.iter() {
                let name = k.as_string().unwrap_or_default();
                out.push((GraphValue::String(name.clone()), nested(&get(v, &name))?));
            }
            GraphValue::Map(out)
        }
    })
}
