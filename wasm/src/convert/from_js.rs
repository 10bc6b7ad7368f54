//! JavaScript values → CQL values: typed (the column's type from prepared metadata or a
//! hint) or natural (a simple statement without metadata).

use std::net::IpAddr;
use std::str::FromStr;

use cql_core::types::dse_types::{DseType, dse_type};
use cql_core::types::{
    ColumnType, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue, CqlVarint,
    MaybeUnset,
};
use js_sys::{Array, ArrayBuffer, BigInt, Date, Map, Object, Reflect, Set, Uint8Array};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::calendar::days_from_civil;

/// A bound value: unset (`undefined`), null, or a value.
pub type Bound = MaybeUnset<Option<CqlValue>>;

/// A conversion failure, worded for the user.
pub type ConvResult<T> = Result<T, String>;

fn describe(v: &JsValue) -> String {
    if v.is_null() {
        return "null".into();
    }
    if let Some(s) = v.as_string() {
        let mut s = format!("{s:?}");
        if s.len() > 40 {
            s.truncate(40);
            s.push_str("...");
        }
        return format!("the string {s}");
    }
    let t = v.js_typeof().as_string().unwrap_or_default();
    if t == "object" {
        if Array::is_array(v) {
            return "an array".into();
        }
        if v.is_instance_of::<Date>() {
            return "a Date".into();
        }
        if v.is_instance_of::<Uint8Array>() {
            return "a Uint8Array".into();
        }
        if v.is_instance_of::<ArrayBuffer>() || ArrayBuffer::is_view(v) {
            return "bytes (an ArrayBuffer or a view of one)".into();
        }
        if v.is_instance_of::<Map>() {
            return "a Map".into();
        }
        if v.is_instance_of::<Set>() {
            return "a Set".into();
        }
        return "an object".into();
    }
    if let Some(n) = v.as_f64() {
        return format!("the number {n}");
    }
    if t == "bigint" {
        return format!("the bigint {}n", bigint_text(v));
    }
    format!("a {t}")
}

fn mismatch(v: &JsValue, typ: &ColumnType, expected: &str) -> String {
    format!("cannot bind {} as {typ}: expected {expected}", describe(v))
}

/// A DSE geometry from WKT (`"POINT (1 2)"`) or a date range from its DSE text form
/// (`"[2019-06 TO *]"`).
fn dse_from_text(dse: DseType, text: &str, typ: &ColumnType) -> ConvResult<CqlValue> {
    let failed = |e: &dyn std::fmt::Display| format!("cannot bind {text:?} as {typ}: {e}");
    Ok(match dse {
        DseType::Point => CqlValue::Point(text.parse().map_err(|e| failed(&e))?),
        DseType::LineString => CqlValue::LineString(text.parse().map_err(|e| failed(&e))?),
        DseType::Polygon => CqlValue::Polygon(text.parse().map_err(|e| failed(&e))?),
        DseType::DateRange => CqlValue::DateRange(text.parse().map_err(|e| failed(&e))?),
        _ => return Err(format!("cannot bind {text:?} as {typ}")),
    })
}

/// Whether `v` is one of the package's DSE value classes (they carry `toString`).
fn is_dse_value(v: &JsValue) -> bool {
    matches!(
        super::to_js::class_name(v).as_str(),
        "Point" | "LineString" | "Polygon" | "DateRange"
    )
}

fn bigint_text(v: &JsValue) -> String {
    v.dyn_ref::<BigInt>()
        .and_then(|b| b.to_string(10).ok())
        .map(String::from)
        .unwrap_or_default()
}

fn is_bigint(v: &JsValue) -> bool {
    v.is_bigint()
}

/// An integer from a number (must be an integer) or a bigint, within `[min, max]`.
fn integer(v: &JsValue, typ: &ColumnType, min: i128, max: i128) -> ConvResult<i128> {
    let n = if let Some(f) = v.as_f64() {
        if f.fract() != 0.0 || !f.is_finite() {
            return Err(mismatch(v, typ, "an integer"));
        }
        if f.abs() > 9_007_199_254_740_991.0 {
            return Err(format!(
                "cannot bind {} as {typ}: beyond Number.MAX_SAFE_INTEGER it may have lost precision; pass a bigint",
                describe(v)
            ));
        }
        f as i128
    } else if is_bigint(v) {
        bigint_text(v)
            .parse::<i128>()
            .map_err(|_| format!("cannot bind {} as {typ}: out of range", describe(v)))?
    } else if let Some(s) = v.as_string() {
        s.trim()
            .parse::<i128>()
            .map_err(|_| mismatch(v, typ, "an integer"))?
    } else {
        return Err(mismatch(v, typ, "a number or a bigint"));
    };
    if n < min || n > max {
        return Err(format!(
            "cannot bind {} as {typ}: out of range {min}..={max}",
            describe(v)
        ));
    }
    Ok(n)
}

fn varint(v: &JsValue, typ: &ColumnType) -> ConvResult<CqlVarint> {
    let text = if is_bigint(v) {
        bigint_text(v)
    } else if let Some(f) = v.as_f64() {
        if f.fract() != 0.0 || !f.is_finite() || f.abs() > 9_007_199_254_740_991.0 {
            return Err(mismatch(v, typ, "a safe integer or a bigint"));
        }
        format!("{}", f as i64)
    } else if let Some(s) = v.as_string() {
        s
    } else {
        return Err(mismatch(v, typ, "a bigint, an integer or a decimal string"));
    };
    CqlVarint::from_decimal_str(text.trim())
        .map_err(|e| format!("cannot bind {} as {typ}: {e}", describe(v)))
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn is_plain_object(v: &JsValue) -> bool {
    v.is_object()
        && !Array::is_array(v)
        && !v.is_instance_of::<Date>()
        && !ArrayBuffer::is_view(v)
        && !v.is_instance_of::<ArrayBuffer>()
        && !v.is_instance_of::<Map>()
        && !v.is_instance_of::<Set>()
}

fn decimal(v: &JsValue, typ: &ColumnType) -> ConvResult<CqlDecimal> {
    if is_plain_object(v) {
        let unscaled = varint(&get(v, "unscaled"), &ColumnType::Varint)
            .map_err(|e| format!("cannot bind {} as decimal: unscaled: {e}", describe(v)))?;
        let scale = integer(
            &get(v, "scale"),
            &ColumnType::Int,
            i32::MIN.into(),
            i32::MAX.into(),
        )
        .map_err(|e| format!("cannot bind {} as decimal: scale: {e}", describe(v)))?;
        return Ok(CqlDecimal::new(unscaled, scale as i32));
    }
    let text = if let Some(s) = v.as_string() {
        s
    } else if is_bigint(v) {
        bigint_text(v)
    } else if let Some(f) = v.as_f64() {
        if !f.is_finite() {
            return Err(mismatch(v, typ, "a finite number"));
        }
        // The shortest text that reads back as this double.
        js_sys::Number::from(f)
            .to_string_with_radix(10)
            .map(String::from)
            .map_err(|_| mismatch(v, typ, "a finite number"))?
    } else {
        return Err(mismatch(
            v,
            typ,
            "{ unscaled, scale }, a decimal string, a number or a bigint",
        ));
    };
    CqlDecimal::from_decimal_str(text.trim())
        .map_err(|e| format!("cannot bind {} as {typ}: {e}", describe(v)))
}

fn timestamp(v: &JsValue, typ: &ColumnType) -> ConvResult<CqlTimestamp> {
    if let Some(d) = v.dyn_ref::<Date>() {
        let ms = d.get_time();
        if ms.is_nan() {
            return Err(format!("cannot bind an invalid Date as {typ}"));
        }
        return Ok(CqlTimestamp(ms as i64));
    }
    if let Some(s) = v.as_string() {
        let ms = Date::parse(&s);
        if ms.is_nan() {
            return Err(mismatch(
                v,
                typ,
                "a Date, milliseconds, or a date string Date.parse accepts",
            ));
        }
        return Ok(CqlTimestamp(ms as i64));
    }
    let ms = integer(v, typ, i64::MIN.into(), i64::MAX.into()).map_err(|_| {
        mismatch(
            v,
            typ,
            "a Date, a number or bigint of milliseconds, or a date string",
        )
    })?;
    Ok(CqlTimestamp(ms as i64))
}

fn date(v: &JsValue, typ: &ColumnType) -> ConvResult<CqlDate> {
    let days = if is_plain_object(v) {
        if !get(v, "days").is_undefined() {
            integer(&get(v, "days"), typ, i64::MIN.into(), i64::MAX.into())? as i64
        } else {
            let part = |k: &str| integer(&get(v, k), typ, i64::MIN.into(), i64::MAX.into());
            let (y, m, d) = (part("year")?, part("month")?, part("day")?);
            days_from_civil(y as i64, m.clamp(0, 13) as u32, d.clamp(0, 32) as u32)
                .ok_or_else(|| format!("cannot bind {y}-{m}-{d} as date: no such day"))?
        }
    } else if let Some(dt) = v.dyn_ref::<Date>() {
        let ms = dt.get_time();
        if ms.is_nan() {
            return Err(format!("cannot bind an invalid Date as {typ}"));
        }
        (ms / 86_400_000.0).floor() as i64
    } else if let Some(s) = v.as_string() {
        parse_date(&s).ok_or_else(|| mismatch(v, typ, "a 'YYYY-MM-DD' string"))?
    } else {
        return Err(mismatch(
            v,
            typ,
            "{ year, month, day }, a 'YYYY-MM-DD' string or a Date",
        ));
    };
    CqlDate::from_days_since_epoch(days)
        .ok_or_else(|| format!("cannot bind {} as date: out of range", describe(v)))
}

fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let mut it = body.splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    days_from_civil(if neg { -y } else { y }, m, d)
}

fn time(v: &JsValue, typ: &ColumnType) -> ConvResult<CqlTime> {
    const DAY: i128 = 86_400_000_000_000;
    let ns = if is_plain_object(v) {
        let part = |k: &str| {
            let x = get(v, k);
            if x.is_undefined() {
                Ok(0)
            } else {
                integer(&x, typ, 0, DAY)
            }
        };
        part("hour")? * 3_600_000_000_000
            + part("minute")? * 60_000_000_000
            + part("second")? * 1_000_000_000
            + part("nanosecond")?
    } else if let Some(s) = v.as_string() {
        parse_time(&s).ok_or_else(|| mismatch(v, typ, "an 'HH:MM:SS[.fffffffff]' string"))?
    } else {
        integer(v, typ, 0, DAY - 1).map_err(|_| {
            mismatch(
                v,
                typ,
                "{ hour, minute, second, nanosecond }, 'HH:MM:SS.fff' or nanoseconds",
            )
        })?
    };
    if !(0..DAY).contains(&ns) {
        return Err(format!(
            "cannot bind {} as time: not within one day",
            describe(v)
        ));
    }
    Ok(CqlTime(ns as i64))
}

fn parse_time(s: &str) -> Option<i128> {
    let (hms, frac) = match s.trim().split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (s.trim(), None),
    };
    let mut it = hms.split(':');
    let h: i128 = it.next()?.parse().ok()?;
    let m: i128 = it.next()?.parse().ok()?;
    let sec: i128 = it.next().map_or(Some(0), |x| x.parse().ok())?;
    if it.next().is_some() || h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let mut ns = 0i128;
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        ns = f.parse::<i128>().ok()? * 10i128.pow(9 - f.len() as u32);
    }
    Some(((h * 60 + m) * 60 + sec) * 1_000_000_000 + ns)
}

fn duration(v: &JsValue, typ: &ColumnType) -> ConvResult<CqlDuration> {
    if !is_plain_object(v) {
        return Err(mismatch(v, typ, "{ months, days, nanoseconds }"));
    }
    let part = |k: &str, min: i128, max: i128| {
        let x = get(v, k);
        if x.is_undefined() {
            Ok(0)
        } else {
            integer(&x, typ, min, max)
        }
    };
    Ok(CqlDuration {
        months: part("months", i32::MIN.into(), i32::MAX.into())? as i32,
        days: part("days", i32::MIN.into(), i32::MAX.into())? as i32,
        nanoseconds: part("nanoseconds", i64::MIN.into(), i64::MAX.into())? as i64,
    })
}

fn bytes(v: &JsValue, typ: &ColumnType) -> ConvResult<Vec<u8>> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Ok(a.to_vec());
    }
    if let Some(b) = v.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(b).to_vec());
    }
    if ArrayBuffer::is_view(v) {
        let view: &js_sys::Object = v.unchecked_ref();
        let buf = get(view, "buffer");
        let off = get(view, "byteOffset").as_f64().unwrap_or(0.0) as u32;
        let len = get(view, "byteLength").as_f64().unwrap_or(0.0) as u32;
        return Ok(Uint8Array::new_with_byte_offset_and_length(&buf, off, len).to_vec());
    }
    Err(mismatch(
        v,
        typ,
        "a Uint8Array (or another ArrayBuffer view)",
    ))
}

/// The elements of an array, a Set or another iterable.
fn elements(v: &JsValue) -> Option<Vec<JsValue>> {
    if Array::is_array(v) {
        return Some(v.unchecked_ref::<Array>().iter().collect());
    }
    if let Some(s) = v.dyn_ref::<Set>() {
        let mut out = Vec::new();
        s.for_each(&mut |x, _, _| out.push(x));
        return Some(out);
    }
    None
}

/// Key/value pairs of a Map or a plain object.
fn entries(v: &JsValue) -> Option<Vec<(JsValue, JsValue)>> {
    if let Some(m) = v.dyn_ref::<Map>() {
        let mut out = Vec::new();
        m.for_each(&mut |val, key| out.push((key, val)));
        return Some(out);
    }
    if is_plain_object(v) {
        return Some(
            Object::entries(v.unchecked_ref::<Object>())
                .iter()
                .map(|e| {
                    let pair: &Array = e.unchecked_ref();
                    (pair.get(0), pair.get(1))
                })
                .collect(),
        );
    }
    None
}

/// Converts a non-null value to the CQL value of `typ`.
pub fn typed(v: &JsValue, typ: &ColumnType) -> ConvResult<CqlValue> {
    Ok(match typ {
        ColumnType::Ascii | ColumnType::Text => {
            let s = v.as_string().ok_or_else(|| mismatch(v, typ, "a string"))?;
            if matches!(typ, ColumnType::Ascii) {
                if !s.is_ascii() {
                    return Err(format!("cannot bind {} as ascii: not ASCII", describe(v)));
                }
                CqlValue::Ascii(s)
            } else {
                CqlValue::Text(s)
            }
        }
        ColumnType::Boolean => {
            CqlValue::Boolean(v.as_bool().ok_or_else(|| mismatch(v, typ, "a boolean"))?)
        }
        ColumnType::TinyInt => {
            CqlValue::TinyInt(integer(v, typ, i8::MIN.into(), i8::MAX.into())? as i8)
        }
        ColumnType::SmallInt => {
            CqlValue::SmallInt(integer(v, typ, i16::MIN.into(), i16::MAX.into())? as i16)
        }
        ColumnType::Int => CqlValue::Int(integer(v, typ, i32::MIN.into(), i32::MAX.into())? as i32),
        ColumnType::BigInt => {
            CqlValue::BigInt(integer(v, typ, i64::MIN.into(), i64::MAX.into())? as i64)
        }
        ColumnType::Counter => {
            CqlValue::Counter(integer(v, typ, i64::MIN.into(), i64::MAX.into())? as i64)
        }
        ColumnType::Varint => CqlValue::Varint(varint(v, typ)?),
        ColumnType::Float | ColumnType::Double => {
            let f = v.as_f64().ok_or_else(|| mismatch(v, typ, "a number"))?;
            if matches!(typ, ColumnType::Float) {
                CqlValue::Float(f as f32)
            } else {
                CqlValue::Double(f)
            }
        }
        ColumnType::Decimal => CqlValue::Decimal(decimal(v, typ)?),
        ColumnType::Blob => CqlValue::Blob(bytes(v, typ)?),
        ColumnType::Custom(_) => match dse_type(typ) {
            Some(dse) if v.is_string() || is_dse_value(v) => {
                // The package's Point, LineString, Polygon and DateRange print their WKT /
                // DSE text form.
                dse_from_text(dse, &super::to_js::js_text(v), typ)?
            }
            _ => CqlValue::Custom(bytes(v, typ)?),
        },
        ColumnType::Uuid | ColumnType::Timeuuid => {
            let s = v
                .as_string()
                .ok_or_else(|| mismatch(v, typ, "a UUID string"))?;
            let u = Uuid::parse_str(s.trim())
                .map_err(|e| format!("cannot bind {} as {typ}: {e}", describe(v)))?;
            if matches!(typ, ColumnType::Timeuuid) {
                if u.get_version_num() != 1 {
                    return Err(format!(
                        "cannot bind {} as timeuuid: not a version 1 UUID",
                        describe(v)
                    ));
                }
                CqlValue::Timeuuid(u)
            } else {
                CqlValue::Uuid(u)
            }
        }
        ColumnType::Inet => {
            let s = v
                .as_string()
                .ok_or_else(|| mismatch(v, typ, "an IP address string"))?;
            CqlValue::Inet(
                IpAddr::from_str(s.trim())
                    .map_err(|e| format!("cannot bind {} as inet: {e}", describe(v)))?,
            )
        }
        ColumnType::Timestamp => CqlValue::Timestamp(timestamp(v, typ)?),
        ColumnType::Date => CqlValue::Date(date(v, typ)?),
        ColumnType::Time => CqlValue::Time(time(v, typ)?),
        ColumnType::Duration => CqlValue::Duration(duration(v, typ)?),
        ColumnType::List(elem) | ColumnType::Set(elem) => {
            let items = elements(v).ok_or_else(|| mismatch(v, typ, "an array or a Set"))?;
            let vals = items
                .iter()
                .map(|i| non_null(i, elem))
                .collect::<ConvResult<Vec<_>>>()?;
            if matches!(typ, ColumnType::Set(_)) {
                CqlValue::Set(vals)
            } else {
                CqlValue::List(vals)
            }
        }
        ColumnType::Vector {
            element,
            dimensions,
        } => {
            let items = elements(v).ok_or_else(|| mismatch(v, typ, "an array"))?;
            if items.len() != *dimensions as usize {
                return Err(format!(
                    "cannot bind an array of {} elements as {typ}: expected {dimensions}",
                    items.len()
                ));
            }
            CqlValue::Vector(
                items
                    .iter()
                    .map(|i| non_null(i, element))
                    .collect::<ConvResult<_>>()?,
            )
        }
        ColumnType::Map(kt, vt) => {
            let pairs = entries(v).ok_or_else(|| mismatch(v, typ, "a Map or a plain object"))?;
            let mut out = Vec::with_capacity(pairs.len());
            for (k, val) in pairs {
                // Plain-object keys are strings: read them as the key type.
                let key = if k.is_string() && !matches!(**kt, ColumnType::Ascii | ColumnType::Text)
                {
                    string_key(&k, kt)?
                } else {
                    non_null(&k, kt)?
                };
                out.push((key, non_null(&val, vt)?));
            }
            CqlValue::Map(out)
        }
        ColumnType::Tuple(types) => {
            let items = elements(v).ok_or_else(|| mismatch(v, typ, "an array"))?;
            if items.len() != types.len() {
                return Err(format!(
                    "cannot bind an array of {} elements as {typ}: expected {}",
                    items.len(),
                    types.len()
                ));
            }
            CqlValue::Tuple(
                items
                    .iter()
                    .zip(types)
                    .map(|(i, t)| nullable(i, t))
                    .collect::<ConvResult<_>>()?,
            )
        }
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            if !is_plain_object(v) {
                return Err(mismatch(v, typ, "a plain object"));
            }
            let keys: Vec<String> = Object::keys(v.unchecked_ref::<Object>())
                .iter()
                .filter_map(|k| k.as_string())
                .collect();
            if let Some(unknown) = keys.iter().find(|k| !fields.iter().any(|(f, _)| f == *k)) {
                return Err(format!(
                    "cannot bind an object as {typ}: it has no field {unknown:?}"
                ));
            }
            let mut out = Vec::with_capacity(fields.len());
            for (f, t) in fields {
                let x = get(v, f);
                let val = nullable(&x, t).map_err(|e| format!("field {f}: {e}"))?;
                out.push((f.clone(), val));
            }
            CqlValue::Udt {
                keyspace: keyspace.clone(),
                name: name.clone(),
                fields: out,
            }
        }
        _ => return Err(format!("binding values of type {typ} is not supported")),
    })
}

/// A map key given as an object's string property, read as `typ`.
fn string_key(k: &JsValue, typ: &ColumnType) -> ConvResult<CqlValue> {
    let s = k.as_string().unwrap_or_default();
    let as_number = || s.parse::<f64>().ok().map(JsValue::from_f64);
    let converted = match typ {
        ColumnType::TinyInt
        | ColumnType::SmallInt
        | ColumnType::Int
        | ColumnType::Float
        | ColumnType::Double => as_number(),
        ColumnType::BigInt | ColumnType::Counter | ColumnType::Varint => {
            BigInt::new(k).ok().map(JsValue::from)
        }
        ColumnType::Boolean => match s.as_str() {
            "true" => Some(JsValue::TRUE),
            "false" => Some(JsValue::FALSE),
            _ => None,
        },
        _ => None,
    };
    non_null(converted.as_ref().unwrap_or(k), typ)
}

fn non_null(v: &JsValue, typ: &ColumnType) -> ConvResult<CqlValue> {
    if v.is_null() || v.is_undefined() {
        return Err(format!("collections cannot hold null (in a {typ})"));
    }
    typed(v, typ)
}

fn nullable(v: &JsValue, typ: &ColumnType) -> ConvResult<Option<CqlValue>> {
    if v.is_null() || v.is_undefined() {
        Ok(None)
    } else {
        typed(v, typ).map(Some)
    }
}

/// A bound value of `typ`: `undefined` is unset, `null` is null.
pub fn bound(v: &JsValue, typ: &ColumnType) -> ConvResult<Bound> {
    if v.is_undefined() {
        return Ok(MaybeUnset::Unset);
    }
    if v.is_null() {
        return Ok(MaybeUnset::Set(None));
    }
    typed(v, typ).map(|x| MaybeUnset::Set(Some(x)))
}

/// The natural CQL value of a JS value bound without metadata (see the README's table).
pub fn natural(v: &JsValue) -> ConvResult<CqlValue> {
    if let Some(s) = v.as_string() {
        return Ok(CqlValue::Text(s));
    }
    if let Some(b) = v.as_bool() {
        return Ok(CqlValue::Boolean(b));
    }
    if let Some(f) = v.as_f64() {
        return Ok(CqlValue::Double(f));
    }
    if is_bigint(v) {
        return typed(v, &ColumnType::BigInt);
    }
    if v.is_instance_of::<Date>() {
        return typed(v, &ColumnType::Timestamp);
    }
    // Any bytes: an ArrayBuffer or any view of one (Int8Array, DataView, Node's Buffer...),
    // before the iterable check that would read a typed array as a list of numbers.
    if v.is_instance_of::<ArrayBuffer>() || ArrayBuffer::is_view(v) {
        return typed(v, &ColumnType::Blob);
    }
    if let Some(m) = v.dyn_ref::<Map>() {
        let mut out = Vec::new();
        let mut err = None;
        m.for_each(&mut |val, key| match (natural(&key), natural(&val)) {
            (Ok(k), Ok(x)) => out.push((k, x)),
            (Err(e), _) | (_, Err(e)) => err = Some(e),
        });
        return err.map_or(Ok(CqlValue::Map(out)), Err);
    }
    if let Some(items) = elements(v) {
        let vals = items.iter().map(natural).collect::<ConvResult<Vec<_>>>()?;
        return Ok(if v.is_instance_of::<Set>() {
            CqlValue::Set(vals)
        } else {
            CqlValue::List(vals)
        });
    }
    Err(format!(
        "cannot bind {} without knowing the column's type: prepare the statement (the default when there are parameters) or give `hints`",
        describe(v)
    ))
}

/// A bound value without metadata: `undefined` is unset, `null` is null.
pub fn natural_bound(v: &JsValue) -> ConvResult<Bound> {
    if v.is_undefined() {
        return Ok(MaybeUnset::Unset);
    }
    if v.is_null() {
        return Ok(MaybeUnset::Set(None));
    }
    natural(v).map(|x| MaybeUnset::Set(Some(x)))
}
