//! CQL values → JavaScript values (the table is in the crate's README and `index.d.ts`).

use cql_core::types::{ColumnSpec, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlValue, CqlVarint};
use js_sys::{Array, BigInt, Date, Map, Object, Reflect, Set, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::calendar::civil_from_days;

/// How `timestamp` values come out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimestampMode {
    /// `Date` (a `bigint` of milliseconds outside `Date`'s range, ±8.64e15 ms).
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

fn date_object(d: CqlDate) -> JsValue {
    let (y, m, day) = civil_from_days(d.days_since_epoch());
    let o = Object::new();
    set(&o, "year", &JsValue::from_f64(y as f64));
    set(&o, "month", &JsValue::from_f64(f64::from(m)));
    set(&o, "day", &JsValue::from_f64(f64::from(day)));
    o.into()
}

fn time_object(t: CqlTime) -> JsValue {
    let ns = t.0;
    let o = Object::new();
    set(
        &o,
        "hour",
        &JsValue::from_f64((ns / 3_600_000_000_000) as f64),
    );
    set(
        &o,
        "minute",
        &JsValue::from_f64((ns / 60_000_000_000 % 60) as f64),
    );
    set(
        &o,
        "second",
        &JsValue::from_f64((ns / 1_000_000_000 % 60) as f64),
    );
    set(
        &o,
        "nanosecond",
        &JsValue::from_f64((ns % 1_000_000_000) as f64),
    );
    o.into()
}

fn duration_object(d: CqlDuration) -> JsValue {
    let o = Object::new();
    set(&o, "months", &JsValue::from_f64(f64::from(d.months)));
    set(&o, "days", &JsValue::from_f64(f64::from(d.days)));
    set(&o, "nanoseconds", &bigint_i64(d.nanoseconds));
    o.into()
}

fn decimal_object(d: &CqlDecimal) -> JsValue {
    let o = Object::new();
    set(&o, "unscaled", &bigint_varint(&d.unscaled));
    set(&o, "scale", &JsValue::from_f64(f64::from(d.scale)));
    o.into()
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
            // An empty value of a type where that is not a valid encoding.
            CqlValue::Empty => JsValue::NULL,
            _ => JsValue::NULL,
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
