//! Golden-vector values (JSON, per the vectors README's conventions) as `CqlValue`s, and
//! an equality that compares floats by bit pattern.

use cql_core::types::{
    ColumnType, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue,
};
use serde_json::Value;

/// A float of the vectors: a JSON number or `"NaN"` / `"Infinity"` / `"-Infinity"`.
pub fn float_of(v: &Value) -> f64 {
    match v {
        Value::String(s) => match s.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            other => panic!("bad float string {other}"),
        },
        v => v.as_f64().expect("float"),
    }
}

/// The JSON value of a vector as a `CqlValue` of `typ` (None for null).
pub fn to_cql(typ: &ColumnType, v: &Value) -> Option<CqlValue> {
    if v.is_null() {
        return None;
    }
    let int = || v.as_i64().expect("integer");
    let s = || v.as_str().expect("string").to_owned();
    let elems = |e: &ColumnType| -> Vec<CqlValue> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|x| to_cql(e, x).expect("non-null element"))
            .collect()
    };
    Some(match typ {
        ColumnType::Ascii => CqlValue::Ascii(s()),
        ColumnType::Text => CqlValue::Text(s()),
        ColumnType::BigInt => CqlValue::BigInt(int()),
        ColumnType::Counter => CqlValue::Counter(int()),
        ColumnType::Int => CqlValue::Int(int() as i32),
        ColumnType::SmallInt => CqlValue::SmallInt(int() as i16),
        ColumnType::TinyInt => CqlValue::TinyInt(int() as i8),
        ColumnType::Blob => CqlValue::Blob(super::unhex(v)),
        ColumnType::Boolean => CqlValue::Boolean(v.as_bool().unwrap()),
        ColumnType::Double => CqlValue::Double(float_of(v)),
        ColumnType::Float => CqlValue::Float(float_of(v) as f32),
        ColumnType::Varint => CqlValue::Varint(s().parse().unwrap()),
        ColumnType::Decimal => CqlValue::Decimal(CqlDecimal {
            unscaled: v["unscaled"].as_str().unwrap().parse().unwrap(),
            scale: v["scale"].as_i64().unwrap() as i32,
        }),
        ColumnType::Timestamp => CqlValue::Timestamp(CqlTimestamp(int())),
        ColumnType::Date => CqlValue::Date(CqlDate::from_days_since_epoch(int()).unwrap()),
        ColumnType::Time => CqlValue::Time(CqlTime(int())),
        ColumnType::Uuid => CqlValue::Uuid(s().parse().unwrap()),
        ColumnType::Timeuuid => CqlValue::Timeuuid(s().parse().unwrap()),
        ColumnType::Inet => CqlValue::Inet(s().parse().unwrap()),
        ColumnType::Duration => CqlValue::Duration(CqlDuration {
            months: v["months"].as_i64().unwrap() as i32,
            days: v["days"].as_i64().unwrap() as i32,
            nanoseconds: v["nanos"].as_i64().unwrap(),
        }),
        ColumnType::List(e) => CqlValue::List(elems(e)),
        ColumnType::Set(e) => CqlValue::Set(elems(e)),
        ColumnType::Vector { element, .. } => CqlValue::Vector(elems(element)),
        ColumnType::Map(k, val) => CqlValue::Map(
            v.as_array()
                .unwrap()
                .iter()
                .map(|pair| (to_cql(k, &pair[0]).unwrap(), to_cql(val, &pair[1]).unwrap()))
                .collect(),
        ),
        ColumnType::Tuple(types) => CqlValue::Tuple(
            types
                .iter()
                .zip(v.as_array().unwrap())
                .map(|(t, x)| to_cql(t, x))
                .collect(),
        ),
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            let obj = v.as_object().unwrap();
            assert_eq!(obj.len(), fields.len(), "udt value has every field");
            CqlValue::Udt {
                keyspace: keyspace.clone(),
                name: name.clone(),
                fields: fields
                    .iter()
                    .map(|(f, t)| (f.clone(), to_cql(t, &obj[f.as_str()])))
                    .collect(),
            }
        }
        other => panic!("no vector convention for {other:?}"),
    })
}

/// Equality with floats compared by bit pattern (NaN, -0.0).
pub fn same(a: &CqlValue, b: &CqlValue) -> bool {
    same_with(a, b, false)
}

/// As [`same`], with sets and maps compared without regard to order (a node returns them
/// in its own comparator's order, not in the order they were written).
pub fn same_unordered(a: &CqlValue, b: &CqlValue) -> bool {
    same_with(a, b, true)
}

fn same_with(a: &CqlValue, b: &CqlValue, unordered: bool) -> bool {
    let same = |p: &CqlValue, q: &CqlValue| same_with(p, q, unordered);
    let all = |x: &[CqlValue], y: &[CqlValue]| {
        x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
    };
    let any_order = |x: &[CqlValue], y: &[CqlValue]| {
        x.len() == y.len() && x.iter().all(|p| y.iter().any(|q| same(p, q)))
    };
    let opt = |x: &Option<CqlValue>, y: &Option<CqlValue>| match (x, y) {
        (Some(p), Some(q)) => same(p, q),
        (None, None) => true,
        _ => false,
    };
    match (a, b) {
        (CqlValue::Float(x), CqlValue::Float(y)) => x.to_bits() == y.to_bits(),
        (CqlValue::Double(x), CqlValue::Double(y)) => x.to_bits() == y.to_bits(),
        (CqlValue::List(x), CqlValue::List(y)) | (CqlValue::Vector(x), CqlValue::Vector(y)) => {
            all(x, y)
        }
        (CqlValue::Set(x), CqlValue::Set(y)) if unordered => any_order(x, y),
        (CqlValue::Set(x), CqlValue::Set(y)) => all(x, y),
        (CqlValue::Map(x), CqlValue::Map(y)) if unordered => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k1, v1)| y.iter().any(|(k2, v2)| same(k1, k2) && same(v1, v2)))
        }
        (CqlValue::Map(x), CqlValue::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
        }
        (CqlValue::Tuple(x), CqlValue::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| opt(p, q))
        }
        (
            CqlValue::Udt {
                keyspace: k1,
                name: n1,
                fields: f1,
            },
            CqlValue::Udt {
                keyspace: k2,
                name: n2,
                fields: f2,
            },
        ) => {
            k1 == k2
                && n1 == n2
                && f1.len() == f2.len()
                && f1
                    .iter()
                    .zip(f2)
                    .all(|((a, x), (b, y))| a == b && opt(x, y))
        }
        _ => a == b,
    }
}
