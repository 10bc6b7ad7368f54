//! An aggregate's `INITCOND`: the term checked against the state type, and the CQL literal
//! Cassandra stores in `system_schema.aggregates.initcond` (`CQL3Type.toCQLLiteral`).

use bytes::Bytes;
use cql_core::CqlValue;
use cql_core::types::ColumnType;
use cql_core::types::ColumnType as T;

use crate::cql::ast::Term;
use crate::sim::describe::cql::java_double;
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::exec::literal::{civil_from_days, format_timestamp};
use crate::sim::exec::terms::{self, Env};
use crate::sim::outcome::{BoundValue, BoundValues};

/// The serialized initial state (`None` for `null`).
///
/// # Errors
/// Cassandra's errors for a term that does not fit the state type (the receiver is named
/// `(dummy)`, as Cassandra names it).
pub fn value(term: &Term, state_type: &ColumnType) -> CqlResult<Option<Bytes>> {
    let values = BoundValues::default();
    let env = Env {
        values: &values,
        now_micros: 0,
        udfs: None,
    };
    match terms::eval(&env, term, "(dummy)", state_type)? {
        BoundValue::Bytes(b) => Ok(Some(b)),
        BoundValue::Null | BoundValue::Unset => Ok(None),
    }
}

/// Whether an empty value means nothing for the type (everything but text, ascii, blob).
pub fn empty_is_meaningless(typ: &ColumnType) -> bool {
    !matches!(typ, T::Text | T::Ascii | T::Blob | T::Custom(_))
}

/// The CQL literal of a serialized value of `typ`.
///
/// # Errors
/// `Invalid` when the bytes do not decode as `typ`.
pub fn literal(bytes: &[u8], typ: &ColumnType) -> CqlResult<String> {
    let value = CqlValue::deserialize(typ, Some(bytes)).map_err(|_| {
        CqlError::invalid(format!(
            "Invalid value for INITCOND of type {}",
            super::function_type_string(typ)
        ))
    })?;
    Ok(value.map_or_else(|| "null".to_string(), |v| value_literal(&v)))
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A float as Java's `Float.toString` prints it (shortest digits, `E` notation outside
/// 10^-3 .. 10^7).
pub(crate) fn java_float(x: f32) -> String {
    if !x.is_finite() {
        return java_double(f64::from(x));
    }
    let magnitude = x.abs();
    if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
        let s = format!("{x}");
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    let s = format!("{x:e}");
    let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
    if mantissa.contains('.') {
        format!("{mantissa}E{exponent}")
    } else {
        format!("{mantissa}.0E{exponent}")
    }
}

fn join<'a>(items: impl Iterator<Item = &'a CqlValue>) -> String {
    items.map(value_literal).collect::<Vec<_>>().join(", ")
}

fn optional(v: Option<&CqlValue>) -> String {
    v.map_or_else(|| "null".to_string(), value_literal)
}

/// One value as a CQL literal.
fn value_literal(v: &CqlValue) -> String {
    match v {
        CqlValue::Ascii(s) | CqlValue::Text(s) => quoted(s),
        CqlValue::BigInt(n) | CqlValue::Counter(n) => n.to_string(),
        CqlValue::Int(n) => n.to_string(),
        CqlValue::SmallInt(n) => n.to_string(),
        CqlValue::TinyInt(n) => n.to_string(),
        CqlValue::Varint(n) => n.to_string(),
        CqlValue::Decimal(d) => d.to_string(),
        CqlValue::Double(d) => java_double(*d),
        CqlValue::Float(f) => java_float(*f),
        CqlValue::Boolean(b) => b.to_string(),
        CqlValue::Uuid(u) | CqlValue::Timeuuid(u) => u.to_string(),
        CqlValue::Blob(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            format!("0x{hex}")
        }
        CqlValue::Inet(a) => quoted(&a.to_string()),
        CqlValue::Timestamp(t) => quoted(&format_timestamp(t.0)),
        CqlValue::Date(d) => {
            let (y, m, day) = civil_from_days(i64::from(d.0) - (1 << 31));
            quoted(&format!("{y:04}-{m:02}-{day:02}"))
        }
        CqlValue::Time(t) => {
            let n = t.0;
            quoted(&format!(
                "{:02}:{:02}:{:02}.{:09}",
                n / 3_600_000_000_000,
                n / 60_000_000_000 % 60,
                n / 1_000_000_000 % 60,
                n % 1_000_000_000
            ))
        }
        CqlValue::List(items) | CqlValue::Vector(items) => format!("[{}]", join(items.iter())),
        CqlValue::Set(items) => format!("{{{}}}", join(items.iter())),
        CqlValue::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", value_literal(k), value_literal(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        CqlValue::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(|v| optional(v.as_ref())).collect();
            format!("({})", parts.join(", "))
        }
        CqlValue::Udt { fields, .. } => {
            let parts: Vec<String> = fields
                .iter()
                .map(|(n, v)| {
                    format!(
                        "{}: {}",
                        crate::cql::ast::quote_ident(n),
                        optional(v.as_ref())
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => quoted(&format!("{other:?}")),
    }
}
