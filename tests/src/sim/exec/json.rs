//! JSON as Cassandra 4.1 speaks it: `SELECT JSON` rows and `toJson()` (each type's
//! `toJSONString`), `INSERT JSON` documents and `fromJson()` (each type's
//! `fromJSONObject`), with Cassandra's error wording. Values decoded from JSON become CQL
//! terms typed by their column, so they are checked exactly as literals are.

use bytes::Bytes;
use cql_core::CqlValue;
use cql_core::types::ColumnType;

use super::literal::civil_from_days;
use super::terms::{Env, eval};
use crate::cql::ast::{Literal, Term};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::outcome::BoundValue;
use crate::sim::schema::Table;
use crate::sim::schema::model::Column;

/// Deepest nesting a JSON document may have (hostile input must not exhaust the stack).
const MAX_DEPTH: usize = 64;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in document order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The class Jackson would have decoded the value to, as Cassandra names it in errors.
    fn class(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "Boolean",
            Json::Number(n) if n.contains(['.', 'e', 'E']) => "Double",
            Json::Number(n) if n.trim_start_matches('-').len() > 9 => "Long",
            Json::Number(_) => "Integer",
            Json::String(_) => "String",
            Json::Array(_) => "ArrayList",
            Json::Object(_) => "LinkedHashMap",
        }
    }

    /// The value as Java's `toString` of the decoded object prints it (for errors).
    fn java(&self) -> String {
        match self {
            Json::Null => "null".into(),
            Json::Bool(b) => b.to_string(),
            Json::Number(n) | Json::String(n) => n.clone(),
            Json::Array(items) => {
                let items: Vec<String> = items.iter().map(Json::java).collect();
                format!("[{}]", items.join(", "))
            }
            Json::Object(entries) => {
                let e: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.java()))
                    .collect();
                format!("{{{}}}", e.join(", "))
            }
        }
    }
}

/// Parses a JSON document.
///
/// # Errors
/// A description of the first problem.
pub fn parse(text: &str) -> Result<Json, String> {
    let mut p = JsonParser {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.i < p.s.len() {
        return Err(format!("Unexpected character at position {}", p.i));
    }
    Ok(v)
}

struct JsonParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!(
                "expected '{}' at position {}",
                char::from(c),
                self.i
            ))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err("document nested too deeply".into());
        }
        self.ws();
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Json::Object(entries));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.expect(b':')?;
                    let v = self.value(depth + 1)?;
                    entries.push((k, v));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Object(entries));
                        }
                        _ => return Err(format!("expected ',' or '}}' at position {}", self.i)),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(format!("expected ',' or ']' at position {}", self.i)),
                    }
                }
            }
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || b"+-.eE".contains(&c))
                {
                    self.i += 1;
                }
                let n = String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or_default());
                if n.parse::<f64>().is_err() {
                    return Err(format!("malformed number '{n}'"));
                }
                Ok(Json::Number(n.into_owned()))
            }
            _ => Err(format!("unexpected token at position {}", self.i)),
        }
    }

    fn word(&mut self, w: &str, v: Json) -> Result<Json, String> {
        if self.s.get(self.i..self.i + w.len()) == Some(w.as_bytes()) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(format!("unrecognized token at position {}", self.i))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        if self.peek() != Some(b'"') {
            return Err(format!("expected a string at position {}", self.i));
        }
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err("unterminated string".into());
            };
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err("unterminated string".into());
                    };
                    self.i += 1;
                    let ch = match e {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => {
                            let hex = self.s.get(self.i..self.i + 4).unwrap_or_default();
                            self.i += 4;
                            let code = u32::from_str_radix(&String::from_utf8_lossy(hex), 16)
                                .map_err(|_| "bad \\u escape".to_string())?;
                            char::from_u32(code).unwrap_or('\u{fffd}')
                        }
                        other => char::from(other),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|_| "invalid UTF-8 in string".into())
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Java's `Double.toString` (and `Float.toString`): `1.0`, `0.001`, `1.0E7`, `1.0E-4`.
fn java_float(v: f64, shortest: &str) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let a = v.abs();
    if a == 0.0 || (1e-3..1e7).contains(&a) {
        if shortest.contains(['.', 'e']) {
            shortest.to_string()
        } else {
            format!("{shortest}.0")
        }
    } else {
        let e = format!("{:e}", shortest.parse::<f64>().unwrap_or(v));
        let (m, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let m = if m.contains('.') {
            m.to_string()
        } else {
            format!("{m}.0")
        };
        format!("{m}E{exp}")
    }
}

fn date_string(days: u32) -> String {
    let (y, m, d) = civil_from_days(i64::from(days) - (1i64 << 31));
    format!("{y:04}-{m:02}-{d:02}")
}

fn time_string(nanos: i64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:09}",
        nanos / 3_600_000_000_000,
        nanos / 60_000_000_000 % 60,
        nanos / 1_000_000_000 % 60,
        nanos % 1_000_000_000
    )
}

/// A duration as Cassandra prints it: `1y2mo3w4d5h6m7s8ms9us10ns` (zero parts omitted).
pub fn duration_string(months: i32, days: i32, nanos: i64) -> String {
    if months == 0 && days == 0 && nanos == 0 {
        return "0s".into();
    }
    let negative = months < 0 || days < 0 || nanos < 0;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    let mut part = |v: i64, unit: &str| {
        if v != 0 {
            out.push_str(&format!("{v}{unit}"));
        }
    };
    let months = i64::from(months).abs();
    part(months / 12, "y");
    part(months % 12, "mo");
    let days = i64::from(days).abs();
    part(days / 7, "w");
    part(days % 7, "d");
    let n = nanos.abs();
    part(n / 3_600_000_000_000, "h");
    part(n / 60_000_000_000 % 60, "m");
    part(n / 1_000_000_000 % 60, "s");
    part(n / 1_000_000 % 1000, "ms");
    part(n / 1000 % 1000, "us");
    part(n % 1000, "ns");
    out
}

/// A value's JSON text as Cassandra writes it (`toJSONString`); `null` for null.
pub fn encode(typ: &ColumnType, value: Option<&[u8]>) -> String {
    match CqlValue::deserialize(typ, value) {
        Ok(Some(v)) => encode_value(&v),
        _ => "null".into(),
    }
}

fn encode_value(v: &CqlValue) -> String {
    use CqlValue as V;
    let join = |items: &mut dyn Iterator<Item = String>| items.collect::<Vec<_>>().join(", ");
    match v {
        V::Ascii(s) | V::Text(s) => quote(s),
        V::BigInt(n) | V::Counter(n) => n.to_string(),
        V::Int(n) => n.to_string(),
        V::SmallInt(n) => n.to_string(),
        V::TinyInt(n) => n.to_string(),
        V::Boolean(b) => b.to_string(),
        V::Double(d) => {
            let s = java_float(*d, &d.to_string());
            if d.is_finite() { s } else { quote(&s) }
        }
        V::Float(f) => {
            let s = java_float(f64::from(*f), &f.to_string());
            if f.is_finite() { s } else { quote(&s) }
        }
        V::Varint(x) => x.to_string(),
        V::Decimal(d) => d.to_string(),
        V::Uuid(u) | V::Timeuuid(u) => quote(&u.to_string()),
        V::Inet(i) => quote(&i.to_string()),
        V::Blob(b) | V::Custom(b) => quote(&format!(
            "0x{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        )),
        V::Timestamp(t) => {
            let s = super::literal::format_timestamp(t.0).replacen('T', " ", 1);
            quote(&s)
        }
        V::Date(d) => quote(&date_string(d.0)),
        V::Time(t) => quote(&time_string(t.0)),
        V::Duration(d) => quote(&duration_string(d.months, d.days, d.nanoseconds)),
        V::List(items) | V::Set(items) | V::Vector(items) => {
            format!("[{}]", join(&mut items.iter().map(encode_value)))
        }
        V::Map(entries) => {
            let mut e = entries.iter().map(|(k, v)| {
                let key = encode_value(k);
                let key = if key.starts_with('"') {
                    key
                } else {
                    quote(&key)
                };
                format!("{key}: {}", encode_value(v))
            });
            format!("{{{}}}", join(&mut e))
        }
        V::Tuple(items) => {
            let mut e = items
                .iter()
                .map(|i| i.as_ref().map_or("null".into(), encode_value));
            format!("[{}]", join(&mut e))
        }
        V::Udt { fields, .. } => {
            let mut e = fields.iter().map(|(n, v)| {
                format!(
                    "{}: {}",
                    quote(n),
                    v.as_ref().map_or("null".into(), encode_value)
                )
            });
            format!("{{{}}}", join(&mut e))
        }
        V::Empty => "null".into(),
        _ => "null".into(),
    }
}

/// The CQL type name Cassandra uses in JSON errors.
fn decode_error(found: &Json, expected: &str) -> String {
    format!(
        "Expected {expected}, but got a {}: {}",
        found.class(),
        found.java()
    )
}

/// Turns a JSON value into a CQL term for a value of `typ` (`fromJSONObject`).
///
/// # Errors
/// The reason, worded as Cassandra's marshal errors.
pub fn to_term(json: &Json, typ: &ColumnType) -> Result<Term, String> {
    use ColumnType as T;
    if *json == Json::Null {
        return Ok(Term::Null);
    }
    let string = |s: &str| Term::Literal(Literal::String(s.to_string()));
    Ok(match (typ, json) {
        (T::Text | T::Ascii, Json::String(s)) => string(s),
        (T::Text, other) => return Err(decode_error(other, "a UTF-8 string")),
        (T::Ascii, other) => return Err(decode_error(other, "an ascii string")),
        (T::Blob, Json::String(s)) => match s.strip_prefix("0x") {
            Some(hex) => Term::Literal(Literal::Hex(hex.to_string())),
            None => {
                return Err(format!(
                    "String representation of blob is missing 0x prefix: {s}"
                ));
            }
        },
        (T::Blob, other) => return Err(decode_error(other, "a hex string")),
        (T::Boolean, Json::Bool(b)) => Term::Literal(Literal::Boolean(*b)),
        (T::Boolean, Json::String(s)) if s.eq_ignore_ascii_case("true") => {
            Term::Literal(Literal::Boolean(true))
        }
        (T::Boolean, Json::String(s)) if s.eq_ignore_ascii_case("false") => {
            Term::Literal(Literal::Boolean(false))
        }
        (T::Boolean, other) => return Err(decode_error(other, "a boolean value")),
        (
            T::Int | T::BigInt | T::SmallInt | T::TinyInt | T::Varint | T::Counter,
            Json::Number(n),
        ) if !n.contains(['.', 'e', 'E']) => Term::Literal(Literal::Integer(n.clone())),
        (T::Float | T::Double | T::Decimal, Json::Number(n)) => {
            Term::Literal(Literal::Float(n.clone()))
        }
        (
            T::Int
            | T::BigInt
            | T::SmallInt
            | T::TinyInt
            | T::Varint
            | T::Counter
            | T::Float
            | T::Double
            | T::Decimal,
            Json::String(s),
        ) => {
            let number = s.trim();
            if number.parse::<f64>().is_err() && !matches!(number, "NaN" | "Infinity" | "-Infinity")
            {
                return Err(format!("Unable to make {} from '{s}'", java_type(typ)));
            }
            if number.contains(['.', 'e', 'E', 'N', 'I']) {
                Term::Literal(Literal::Float(number.to_string()))
            } else {
                Term::Literal(Literal::Integer(number.to_string()))
            }
        }
        (T::Int | T::BigInt | T::SmallInt | T::TinyInt | T::Varint | T::Counter, other) => {
            return Err(decode_error(other, &format!("an {} value", java_type(typ))));
        }
        (T::Float | T::Double | T::Decimal, other) => {
            return Err(decode_error(other, &format!("a {} value", java_type(typ))));
        }
        (T::Timestamp, Json::Number(n)) if !n.contains(['.', 'e', 'E']) => {
            Term::Literal(Literal::Integer(n.clone()))
        }
        (T::Uuid | T::Timeuuid, Json::String(s)) => Term::Literal(Literal::Uuid(s.clone())),
        (T::Date | T::Time, Json::Number(n)) => Term::Literal(Literal::Integer(n.clone())),
        (T::Timestamp | T::Date | T::Time | T::Inet | T::Duration, Json::String(s)) => string(s),
        (T::Duration, other) => {
            return Err(decode_error(other, "a string representation of a duration"));
        }
        (T::Uuid | T::Timeuuid | T::Timestamp | T::Date | T::Time | T::Inet, other) => {
            return Err(decode_error(other, "a string representation of a value"));
        }
        (T::List(e), Json::Array(items)) => Term::List(
            items
                .iter()
                .map(|i| to_term(i, e))
                .collect::<Result<_, _>>()?,
        ),
        (T::List(_), other) => return Err(decode_error(other, "a list")),
        (T::Set(e), Json::Array(items)) => Term::Set(
            items
                .iter()
                .map(|i| to_term(i, e))
                .collect::<Result<_, _>>()?,
        ),
        (T::Set(_), other) => return Err(decode_error(other, "a list (representing a set)")),
        (T::Map(k, v), Json::Object(entries)) => {
            let mut out = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                let key_json = match **k {
                    T::Text | T::Ascii => Json::String(key.clone()),
                    _ => parse(key).unwrap_or_else(|_| Json::String(key.clone())),
                };
                out.push((to_term(&key_json, k)?, to_term(value, v)?));
            }
            Term::Map(out)
        }
        (T::Map(..), other) => return Err(decode_error(other, "a map")),
        (T::Tuple(types), Json::Array(items)) => {
            if items.len() > types.len() {
                return Err(format!(
                    "Tuple contains extra items (expected {}): {}",
                    types.len(),
                    json.java()
                ));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, t) in items.iter().zip(types) {
                out.push(to_term(i, t)?);
            }
            Term::Tuple(out)
        }
        (T::Tuple(_), other) => {
            return Err(decode_error(other, "a list representation of a tuple"));
        }
        (T::Udt { name, fields, .. }, Json::Object(entries)) => {
            let mut out = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                let field = unquote_name(key);
                let Some((_, ft)) = fields.iter().find(|(n, _)| *n == field) else {
                    return Err(format!(
                        "Unknown field '{field}' in value of user defined type {name}"
                    ));
                };
                out.push((field, to_term(value, ft)?));
            }
            Term::Udt(out)
        }
        (T::Udt { .. }, other) => return Err(decode_error(other, "a map")),
        (_, other) => return Err(decode_error(other, "a value of the column's type")),
    })
}

/// The Java name of a numeric type in Cassandra's errors.
fn java_type(typ: &ColumnType) -> &'static str {
    match typ {
        ColumnType::Int => "int",
        ColumnType::BigInt | ColumnType::Counter => "long",
        ColumnType::SmallInt => "short",
        ColumnType::TinyInt => "byte",
        ColumnType::Varint => "varint",
        ColumnType::Float => "float",
        ColumnType::Double => "double",
        _ => "decimal",
    }
}

/// A JSON key as a column or field name: quoted keys keep their case, others are
/// lower-cased.
fn unquote_name(key: &str) -> String {
    match key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => key.to_lowercase(),
    }
}

/// Decodes one JSON value for a receiver (`fromJson()`, a column of INSERT JSON).
///
/// # Errors
/// `Invalid`: `Error decoding JSON value for NAME: REASON`, or the value's own check.
pub fn decode(env: &Env<'_>, json: &Json, name: &str, typ: &ColumnType) -> CqlResult<BoundValue> {
    let term = to_term(json, typ).map_err(|reason| {
        CqlError::invalid(format!("Error decoding JSON value for {name}: {reason}"))
    })?;
    eval(env, &term, name, typ).map_err(|e| {
        CqlError::invalid(format!(
            "Error decoding JSON value for {name}: {}",
            e.message
        ))
    })
}

/// The document of an INSERT JSON, from its literal or bound value.
fn document(env: &Env<'_>, value: &Term) -> CqlResult<String> {
    match eval(env, value, "[json]", &ColumnType::Text)? {
        BoundValue::Bytes(b) => String::from_utf8(b.to_vec())
            .map_err(|_| CqlError::invalid("Invalid UTF-8 in INSERT JSON value")),
        BoundValue::Null => Err(CqlError::invalid("Got null for INSERT JSON values")),
        BoundValue::Unset => Err(CqlError::invalid("Got unset for INSERT JSON values")),
    }
}

/// The columns and values of an INSERT JSON: every column of the table, those absent
/// from the document null (`DEFAULT NULL`) or left alone (`DEFAULT UNSET`).
///
/// # Errors
/// Cassandra's errors for undecodable documents, unknown columns and bad values.
pub fn insert_values<'t>(
    table: &'t Table,
    value: &Term,
    default_unset: bool,
    env: &Env<'_>,
) -> CqlResult<Vec<(&'t Column, BoundValue)>> {
    let text = document(env, value)?;
    let entries = match parse(&text) {
        Ok(Json::Object(entries)) => entries,
        Ok(other) => {
            return Err(CqlError::invalid(format!(
                "Could not decode JSON string as a map: {}",
                decode_error(&other, "a map")
            )));
        }
        Err(e) => {
            return Err(CqlError::invalid(format!(
                "Could not decode JSON string as a map: {e}"
            )));
        }
    };
    let mut given: Vec<(String, Json)> = Vec::with_capacity(entries.len());
    for (key, v) in entries {
        let name = unquote_name(&key);
        if table.column(&name).is_none() {
            return Err(CqlError::invalid(format!(
                "JSON values map contains unrecognized column: {name}"
            )));
        }
        given.push((name, v));
    }
    let mut out = Vec::with_capacity(table.columns.len());
    for c in &table.columns {
        let v = match given.iter().rev().find(|(n, _)| *n == c.name) {
            Some((_, j)) => decode(env, j, &c.name, &c.typ)?,
            None if default_unset => BoundValue::Unset,
            None => BoundValue::Null,
        };
        out.push((c, v));
    }
    Ok(out)
}

/// `fromJson(doc)` for a receiver of type `typ`.
///
/// # Errors
/// `FunctionFailure`-like `Invalid` errors worded as Cassandra's.
pub fn from_json(
    env: &Env<'_>,
    doc: Option<&Bytes>,
    name: &str,
    typ: &ColumnType,
) -> CqlResult<BoundValue> {
    let Some(doc) = doc else {
        return Ok(BoundValue::Null);
    };
    let text = String::from_utf8_lossy(doc);
    let failure = |cause: String| {
        CqlError::new(
            cql_core::message::DbError::FunctionFailure {
                keyspace: "system".into(),
                function: "fromjson".into(),
                arg_types: vec!["text".into()],
            },
            format!("execution of 'system.fromjson[text]' failed: {cause}"),
        )
    };
    let json =
        parse(&text).map_err(|e| failure(format!("Could not decode JSON string '{text}': {e}")))?;
    let term = to_term(&json, typ).map_err(failure)?;
    eval(env, &term, name, typ).map_err(|e| failure(e.message))
}
