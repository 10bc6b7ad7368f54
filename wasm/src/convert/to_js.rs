//! CQL values → JavaScript values (the table is in the crate's README and `index.d.ts`):
//! native values (`bigint`, `Map`, `Set`, `Uint8Array`, `Date`, value classes with
//! `toString`/`toJSON`), or with `json: true` values `JSON.stringify` keeps whole.

use cql_core::types::date_range::{DateRange, DateRangeBound};
use cql_core::types::{
    ColumnSpec, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlValue, CqlVarint, Point,
};
use js_sys::{Array, BigInt, Date, Map, Object, Reflect, Set, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::calendar::civil_from_days;
use crate::encoding;

#[wasm_bindgen(module = "/js/support.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeDecimal)]
    pub(crate) fn make_decimal(unscaled: JsValue, scale: i32) -> JsValue;
    #[wasm_bindgen(js_name = makeDate)]
    pub(crate) fn make_date(year: f64, month: u32, day: u32) -> JsValue;
    #[wasm_bindgen(js_name = makeTime)]
    pub(crate) fn make_time(hour: u32, minute: u32, second: u32, nanosecond: u32) -> JsValue;
    #[wasm_bindgen(js_name = makeDuration)]
    pub(crate) fn make_duration(months: i32, days: i32, nanoseconds: JsValue) -> JsValue;
    #[wasm_bindgen(js_name = makePoint)]
    pub(crate) fn make_point(x: f64, y: f64) -> JsValue;
    #[wasm_bindgen(js_name = makeLineString)]
    pub(crate) fn make_line_string(xy: Vec<f64>) -> JsValue;
    #[wasm_bindgen(js_name = makePolygon)]
    pub(crate) fn make_polygon(rings: Array) -> JsValue;
    #[wasm_bindgen(js_name = makeDateRangeBound)]
    pub(crate) fn make_date_range_bound(ms: Option<f64>, precision: u8) -> JsValue;
    #[wasm_bindgen(js_name = makeDateRange)]
    pub(crate) fn make_date_range(value: JsValue, lower: JsValue, upper: JsValue) -> JsValue;
}

/// How `timestamp` values come out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimestampMode {
    /// `Date` (a `bigint` of milliseconds outside `Date`'s range, ±8.64e15 ms; an ISO
    /// string in JSON mode).
    #[default]
    Date,
    /// A `number` of milliseconds since the epoch.
    Number,
}

/// Options of the CQL → JS conversion.
#[derive(Debug, Clone, Copy, Default)]
pub struct ToJs {
    /// How timestamps come out.
    pub timestamps: TimestampMode,
    /// JSON-safe values: strings for 64-bit and bigger integers, decimals, blobs (base64),
    /// dates, times, durations and timestamps; arrays for sets; objects for maps.
    pub json: bool,
}

/// Sets `obj[key] = value` (plain objects never refuse).
pub fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// A BigInt from an i64 (exact).
pub fn bigint_i64(v: i64) -> JsValue {
    BigInt::from(v).into()
}

fn bigint_varint(v: &CqlVarint) -> JsValue {
    let text = v.to_decimal_string();
    BigInt::new(&JsValue::from_str(&text)).map_or_else(|_| JsValue::from_str(&text), JsValue::from)
}

/// `(hour, minute, second, nanosecond)` of a time of day.
fn time_parts(t: CqlTime) -> (u32, u32, u32, u32) {
    let ns = t.0;
    (
        (ns / 3_600_000_000_000) as u32,
        (ns / 60_000_000_000 % 60) as u32,
        (ns / 1_000_000_000 % 60) as u32,
        (ns % 1_000_000_000) as u32,
    )
}

fn date_object(d: CqlDate) -> JsValue {
    let (y, m, day) = civil_from_days(d.days_since_epoch());
    make_date(y as f64, m, day)
}

pub(crate) fn time_object(t: CqlTime) -> JsValue {
    let (h, m, s, ns) = time_parts(t);
    make_time(h, m, s, ns)
}

pub(crate) fn duration_object(d: CqlDuration) -> JsValue {
    make_duration(d.months, d.days, bigint_i64(d.nanoseconds))
}

fn decimal_object(d: &CqlDecimal) -> JsValue {
    make_decimal(bigint_varint(&d.unscaled), d.scale)
}

/// `YYYY-MM-DD` (years outside 0..=9999 as a sign and six digits), as `CqlDate.toString`.
pub fn date_text(d: CqlDate) -> String {
    let (y, m, day) = civil_from_days(d.days_since_epoch());
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{day:02}")
    } else {
        format!(
            "{}{:06}-{m:02}-{day:02}",
            if y < 0 { '-' } else { '+' },
            y.unsigned_abs()
        )
    }
}

/// `HH:MM:SS.nnnnnnnnn`, as `CqlTime.toString`.
pub fn time_text(t: CqlTime) -> String {
    let (h, m, s, ns) = time_parts(t);
    format!("{h:02}:{m:02}:{s:02}.{ns:09}")
}

/// CQL's duration text (`1y2mo3d4h5m6s7ms8us9ns`, `-` first when negative, `0s` for zero;
/// mixed signs as their raw components), as `CqlDuration.toString`.
pub fn duration_text(d: CqlDuration) -> String {
    let neg = d.months < 0 || d.days < 0 || d.nanoseconds < 0;
    let pos = d.months > 0 || d.days > 0 || d.nanoseconds > 0;
    if neg && pos {
        return format!("{}mo{}d{}ns", d.months, d.days, d.nanoseconds);
    }
    let mut out = String::new();
    let mut part = |n: u64, unit: &str| {
        if n != 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    };
    let months = u64::from(d.months.unsigned_abs());
    part(months / 12, "y");
    part(months % 12, "mo");
    part(u64::from(d.days.unsigned_abs()), "d");
    let mut ns = d.nanoseconds.unsigned_abs();
    for (size, unit) in [
        (3_600_000_000_000, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
        (1, "ns"),
    ] {
        part(ns / size, unit);
        ns %= size;
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    if neg { format!("-{out}") } else { out }
}

/// Largest |milliseconds| a JS `Date` holds.
const DATE_LIMIT_MS: i64 = 8_640_000_000_000_000;

impl ToJs {
    /// A nullable value: `null` for `None`.
    pub fn opt(&self, v: Option<&CqlValue>) -> JsValue {
        v.map_or(JsValue::NULL, |v| self.value(v))
    }

    /// One value.
    pub fn value(&self, v: &CqlValue) -> JsValue {
        if self.json {
            self.json_value(v)
        } else {
            self.native_value(v)
        }
    }

    /// One value as it is in JavaScript (see the README's table).
    fn native_value(&self, v: &CqlValue) -> JsValue {
        match v {
            CqlValue::Ascii(s) | CqlValue::Text(s) => JsValue::from_str(s),
            CqlValue::BigInt(n) | CqlValue::Counter(n) => bigint_i64(*n),
            CqlValue::Blob(b) | CqlValue::Custom(b) => Uint8Array::from(b.as_slice()).into(),
            CqlValue::Boolean(b) => JsValue::from_bool(*b),
            CqlValue::Decimal(d) => decimal_object(d),
            CqlValue::Double(f) => JsValue::from_f64(*f),
            CqlValue::Float(f) => JsValue::from_f64(f64::from(*f)),
            CqlValue::Int(n) => JsValue::from_f64(f64::from(*n)),
            CqlValue::SmallInt(n) => JsValue::from_f64(f64::from(*n)),
            CqlValue::TinyInt(n) => JsValue::from_f64(f64::from(*n)),
            CqlValue::Timestamp(t) => match self.timestamps {
                TimestampMode::Number => JsValue::from_f64(t.0 as f64),
                TimestampMode::Date if t.0.abs() <= DATE_LIMIT_MS => {
                    Date::new(&JsValue::from_f64(t.0 as f64)).into()
                }
                TimestampMode::Date => bigint_i64(t.0),
            },
            CqlValue::Uuid(u) | CqlValue::Timeuuid(u) => JsValue::from_str(&u.to_string()),
            CqlValue::Varint(v) => bigint_varint(v),
            CqlValue::Inet(ip) => JsValue::from_str(&ip.to_string()),
            CqlValue::Date(d) => date_object(*d),
            CqlValue::Time(t) => time_object(*t),
            CqlValue::Duration(d) => duration_object(*d),
            CqlValue::List(items) | CqlValue::Vector(items) => items
                .iter()
                .map(|i| self.value(i))
                .collect::<Array>()
                .into(),
            CqlValue::Set(items) => {
                let s = Set::new(&JsValue::UNDEFINED);
                for i in items {
                    s.add(&self.value(i));
                }
                s.into()
            }
            CqlValue::Map(entries) => {
                let m = Map::new();
                for (k, v) in entries {
                    m.set(&self.value(k), &self.value(v));
                }
                m.into()
            }
            CqlValue::Tuple(items) => items
                .iter()
                .map(|i| self.opt(i.as_ref()))
                .collect::<Array>()
                .into(),
            CqlValue::Udt { fields, .. } => {
                let o = Object::new();
                for (name, v) in fields {
                    set(&o, name, &self.opt(v.as_ref()));
                }
                o.into()
            }
            CqlValue::Point(p) => make_point(p.x, p.y),
            CqlValue::LineString(l) => line_string_object(l),
            CqlValue::Polygon(p) => polygon_object(p),
            CqlValue::DateRange(r) => date_range_object(r),
            // An empty value of a type where that is not a valid encoding.
            CqlValue::Empty => JsValue::NULL,
            _ => JsValue::NULL,
        }
    }

    /// One value, JSON-safe (see [`ToJs::json`]); what JSON keeps as it is (text,
    /// booleans, 32-bit numbers, uuids, addresses) comes out as natively.
    fn json_value(&self, v: &CqlValue) -> JsValue {
        let text = |s: String| JsValue::from_str(&s);
        match v {
            CqlValue::BigInt(n) | CqlValue::Counter(n) => text(n.to_string()),
            CqlValue::Varint(n) => text(n.to_decimal_string()),
            CqlValue::Decimal(d) => text(d.to_string()),
            CqlValue::Blob(b) | CqlValue::Custom(b) => text(encoding::base64(b)),
            CqlValue::Double(f) => json_number(*f),
            CqlValue::Float(f) => json_number(f64::from(*f)),
            CqlValue::Timestamp(t) => match self.timestamps {
                TimestampMode::Number => JsValue::from_f64(t.0 as f64),
                TimestampMode::Date if t.0.abs() <= DATE_LIMIT_MS => {
                    Date::new(&JsValue::from_f64(t.0 as f64))
                        .to_iso_string()
                        .into()
                }
                TimestampMode::Date => text(t.0.to_string()),
            },
            CqlValue::Point(_) | CqlValue::LineString(_) | CqlValue::Polygon(_) => {
                geometry(v, json_number)
            }
            CqlValue::Date(d) => text(date_text(*d)),
            CqlValue::Time(t) => text(time_text(*t)),
            CqlValue::Duration(d) => text(duration_text(*d)),
            CqlValue::List(items) | CqlValue::Vector(items) | CqlValue::Set(items) => items
                .iter()
                .map(|i| self.json_value(i))
                .collect::<Array>()
                .into(),
            CqlValue::Map(entries) => {
                let o = Object::new();
                for (k, v) in entries {
                    set(&o, &json_key(&self.json_value(k)), &self.json_value(v));
                }
                o.into()
            }
            CqlValue::Tuple(items) => items
                .iter()
                .map(|i| i.as_ref().map_or(JsValue::NULL, |i| self.json_value(i)))
                .collect::<Array>()
                .into(),
            CqlValue::Udt { fields, .. } => {
                let o = Object::new();
                for (name, v) in fields {
                    let v = v.as_ref().map_or(JsValue::NULL, |v| self.json_value(v));
                    set(&o, name, &v);
                }
                o.into()
            }
            scalar => self.native_value(scalar),
        }
    }

    /// A row as a plain object keyed by column name.
    pub fn row(&self, columns: &[ColumnSpec], values: &[Option<CqlValue>]) -> JsValue {
        let o = Object::new();
        for (spec, v) in columns.iter().zip(values) {
            set(&o, &spec.name, &self.opt(v.as_ref()));
        }
        o.into()
    }
}

/// Column metadata as `{ name, type, keyspace, table }` objects.
pub fn columns(specs: &[ColumnSpec]) -> Array {
    specs
        .iter()
        .map(|s| {
            let o = Object::new();
            set(&o, "name", &JsValue::from_str(&s.name));
            set(&o, "type", &JsValue::from_str(&s.typ.to_string()));
            set(&o, "keyspace", &JsValue::from_str(&s.keyspace));
            set(&o, "table", &JsValue::from_str(&s.table));
            JsValue::from(o)
        })
        .collect()
}

/// The coordinates of `points`, x then y of each.
fn flat(points: &[Point]) -> Vec<f64> {
    points.iter().flat_map(|p| [p.x, p.y]).collect()
}

/// A linestring as the package's `LineString`.
pub(crate) fn line_string_object(l: &cql_core::types::LineString) -> JsValue {
    make_line_string(flat(&l.points))
}

/// A polygon as the package's `Polygon`.
pub(crate) fn polygon_object(p: &cql_core::types::Polygon) -> JsValue {
    make_polygon(
        core::iter::once(&p.exterior)
            .chain(&p.interiors)
            .map(|ring| JsValue::from(js_sys::Float64Array::from(flat(ring).as_slice())))
            .collect(),
    )
}

/// `v` as text: a string as it is, anything else through its `toString()` (the package's
/// value classes print WKT, DSE date-range text, decimal text...).
pub(crate) fn js_text(v: &JsValue) -> String {
    v.as_string()
        .unwrap_or_else(|| String::from(v.unchecked_ref::<Object>().to_string()))
}

/// The package's class of `v` (its constructor's name), or "" for a primitive.
pub(crate) fn class_name(v: &JsValue) -> String {
    if !v.is_object() {
        return String::new();
    }
    Object::get_prototype_of(v)
        .constructor()
        .name()
        .as_string()
        .unwrap_or_default()
}

/// A DSE date range as the package's `DateRange` (bounds are `DateRangeBound`s, or
/// `OPEN_BOUND` for `*`).
fn date_range_object(r: &DateRange) -> JsValue {
    let bound = |b: Option<&DateRangeBound>| match b {
        Some(b) => make_date_range_bound(Some(b.ms as f64), b.precision.wire_code()),
        None => make_date_range_bound(None, 0),
    };
    match r {
        DateRange::Single(b) => make_date_range(bound(Some(b)), JsValue::NULL, JsValue::NULL),
        DateRange::SingleOpen => make_date_range(bound(None), JsValue::NULL, JsValue::NULL),
        DateRange::Range { lower, upper } => {
            make_date_range(JsValue::NULL, bound(lower.as_ref()), bound(upper.as_ref()))
        }
    }
}

/// A DSE geometry as plain objects: a point `{ x, y }`, a linestring `{ points: [point] }`,
/// a polygon `{ exterior: [point], interiors: [[point]] }`; `coordinate` converts each
/// coordinate (native or JSON-safe).
fn geometry(v: &CqlValue, coordinate: fn(f64) -> JsValue) -> JsValue {
    let point = |p: &Point| {
        let o = Object::new();
        set(&o, "x", &coordinate(p.x));
        set(&o, "y", &coordinate(p.y));
        JsValue::from(o)
    };
    let ring = |points: &[Point]| JsValue::from(points.iter().map(point).collect::<Array>());
    let o = Object::new();
    match v {
        CqlValue::Point(p) => return point(p),
        CqlValue::LineString(l) => set(&o, "points", &ring(&l.points)),
        CqlValue::Polygon(p) => {
            set(&o, "exterior", &ring(&p.exterior));
            let interiors = p.interiors.iter().map(|r| ring(r)).collect::<Array>();
            set(&o, "interiors", &interiors.into());
        }
        _ => return JsValue::NULL,
    }
    o.into()
}

/// A double as JSON keeps it: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`
/// (`JSON.stringify` would turn those into `null`).
fn json_number(f: f64) -> JsValue {
    if f.is_finite() {
        JsValue::from_f64(f)
    } else if f.is_nan() {
        JsValue::from_str("NaN")
    } else if f > 0.0 {
        JsValue::from_str("Infinity")
    } else {
        JsValue::from_str("-Infinity")
    }
}

/// A map key as an object key: a string as it is, anything else as its JSON text (as
/// Cassandra's `SELECT JSON` writes non-text keys).
fn json_key(key: &JsValue) -> String {
    key.as_string().unwrap_or_else(|| {
        js_sys::JSON::stringify(key)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    })
}
