//! Values inside a function body: the Java objects a UDF sees for each CQL type of the
//! subset, read from and written back to serialized values.

use bytes::Bytes;
use cql_core::CqlValue;
use cql_core::types::ColumnType;

use crate::sim::describe::cql::java_double;
use crate::sim::schema::initcond::java_float;
use crate::sim::storage::order::tuple_fields;

/// A value of the body subset.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `boolean`
    Bool(bool),
    /// `byte` (tinyint)
    Byte(i8),
    /// `short` (smallint)
    Short(i16),
    /// `int`
    Int(i32),
    /// `long` (bigint, counter)
    Long(i64),
    /// `float`
    Float(f32),
    /// `double`
    Double(f64),
    /// `String` (text, ascii)
    Str(String),
    /// A `TupleValue` or `UDTValue`: the type (tuple or UDT) and each field serialized.
    Tuple(ColumnType, Vec<Option<Bytes>>),
}

/// The Java class name of a CQL type, as compile errors name a return type.
pub fn java_class(t: &ColumnType) -> &'static str {
    match t {
        ColumnType::Boolean => "Boolean",
        ColumnType::TinyInt => "Byte",
        ColumnType::SmallInt => "Short",
        ColumnType::Int => "Integer",
        ColumnType::BigInt | ColumnType::Counter => "Long",
        ColumnType::Float => "Float",
        ColumnType::Double => "Double",
        ColumnType::Text | ColumnType::Ascii => "String",
        ColumnType::Tuple(_) => "TupleValue",
        ColumnType::Udt { .. } => "UDTValue",
        _ => "Object",
    }
}

impl Value {
    /// The Java type name of the value (primitive names for numbers, as Java's
    /// compiler names expression types).
    pub fn java_type(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Byte(_) => "byte",
            Value::Short(_) => "short",
            Value::Int(_) => "int",
            Value::Long(_) => "long",
            Value::Float(_) => "float",
            Value::Double(_) => "double",
            Value::Str(_) => "String",
            Value::Tuple(ColumnType::Udt { .. }, _) => "UDTValue",
            Value::Tuple(..) => "TupleValue",
        }
    }

    /// The value as a double, for numbers.
    pub fn as_f64(&self) -> Option<f64> {
        Some(match self {
            Value::Byte(n) => f64::from(*n),
            Value::Short(n) => f64::from(*n),
            Value::Int(n) => f64::from(*n),
            Value::Long(n) => *n as f64,
            Value::Float(n) => f64::from(*n),
            Value::Double(n) => *n,
            _ => return None,
        })
    }

    /// The value as a long, for integral numbers.
    pub fn as_i64(&self) -> Option<i64> {
        Some(match self {
            Value::Byte(n) => i64::from(*n),
            Value::Short(n) => i64::from(*n),
            Value::Int(n) => i64::from(*n),
            Value::Long(n) => *n,
            _ => return None,
        })
    }

    /// Java's `String.valueOf`.
    pub fn java_string(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Byte(n) => n.to_string(),
            Value::Short(n) => n.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Long(n) => n.to_string(),
            Value::Float(n) => java_float(*n),
            Value::Double(n) => java_double(*n),
            Value::Str(s) => s.clone(),
            Value::Tuple(t, fields) => tuple_text(t, fields),
        }
    }

    /// JavaScript's `String(x)` (numbers are doubles: `3`, `2.5`).
    pub fn js_string(&self) -> String {
        match self.as_f64() {
            Some(n) if n.is_nan() => "NaN".into(),
            Some(n) if n.is_infinite() => {
                if n > 0.0 {
                    "Infinity".into()
                } else {
                    "-Infinity".into()
                }
            }
            Some(n) if n.fract() == 0.0 && n.abs() < 1e21 => format!("{n:.0}"),
            Some(n) => format!("{n}"),
            None => self.java_string(),
        }
    }
}

fn tuple_text(t: &ColumnType, fields: &[Option<Bytes>]) -> String {
    let types: Vec<&ColumnType> = match t {
        ColumnType::Tuple(ts) => ts.iter().collect(),
        ColumnType::Udt { fields, .. } => fields.iter().map(|(_, t)| t).collect(),
        _ => Vec::new(),
    };
    let parts: Vec<String> = fields
        .iter()
        .zip(types)
        .map(|(f, t)| match from_bytes(t, f.as_deref()) {
            Ok(Value::Str(s)) => format!("'{s}'"),
            Ok(v) => v.java_string(),
            Err(_) => "?".into(),
        })
        .collect();
    format!("({})", parts.join(","))
}

/// Whether a serialized argument counts as null for `RETURNS NULL ON NULL INPUT`: null,
/// or empty for a type whose empty value means nothing.
pub fn is_null_or_empty(t: &ColumnType, v: Option<&[u8]>) -> bool {
    match v {
        None => true,
        Some(b) => b.is_empty() && crate::sim::schema::initcond::empty_is_meaningless(t),
    }
}

/// Reads a serialized value of `t`.
///
/// # Errors
/// A description when the type is outside the subset or the bytes do not decode.
pub fn from_bytes(t: &ColumnType, v: Option<&[u8]>) -> Result<Value, String> {
    if is_null_or_empty(t, v) {
        return Ok(Value::Null);
    }
    let Some(b) = v else { return Ok(Value::Null) };
    if let ColumnType::Tuple(types) = t {
        let fields = tuple_fields(b).ok_or("malformed tuple value")?;
        let mut out: Vec<Option<Bytes>> = fields
            .into_iter()
            .map(|f| f.map(Bytes::copy_from_slice))
            .collect();
        out.resize(types.len(), None);
        return Ok(Value::Tuple(t.clone(), out));
    }
    if let ColumnType::Udt { fields: types, .. } = t {
        let fields = tuple_fields(b).ok_or("malformed user type value")?;
        let mut out: Vec<Option<Bytes>> = fields
            .into_iter()
            .map(|f| f.map(Bytes::copy_from_slice))
            .collect();
        out.resize(types.len(), None);
        return Ok(Value::Tuple(t.clone(), out));
    }
    let decoded = CqlValue::deserialize(t, Some(b)).map_err(|e| e.to_string())?;
    Ok(match decoded {
        None => Value::Null,
        Some(CqlValue::Boolean(x)) => Value::Bool(x),
        Some(CqlValue::TinyInt(x)) => Value::Byte(x),
        Some(CqlValue::SmallInt(x)) => Value::Short(x),
        Some(CqlValue::Int(x)) => Value::Int(x),
        Some(CqlValue::BigInt(x) | CqlValue::Counter(x)) => Value::Long(x),
        Some(CqlValue::Float(x)) => Value::Float(x),
        Some(CqlValue::Double(x)) => Value::Double(x),
        Some(CqlValue::Text(s) | CqlValue::Ascii(s)) => Value::Str(s),
        Some(_) => return Err(format!("type {t} is not supported by cql-sim's UDF subset")),
    })
}

/// Writes a value as `t`, when it is exactly of `t`'s Java class (or null).
pub fn to_bytes(t: &ColumnType, v: &Value) -> Option<Option<Bytes>> {
    let n = |x: CqlValue| {
        let mut out = Vec::new();
        x.serialize(t, &mut out).ok()?;
        Some(Some(Bytes::from(out)))
    };
    match (t, v) {
        (_, Value::Null) => Some(None),
        (ColumnType::Boolean, Value::Bool(x)) => n(CqlValue::Boolean(*x)),
        (ColumnType::TinyInt, Value::Byte(x)) => n(CqlValue::TinyInt(*x)),
        (ColumnType::SmallInt, Value::Short(x)) => n(CqlValue::SmallInt(*x)),
        (ColumnType::Int, Value::Int(x)) => n(CqlValue::Int(*x)),
        (ColumnType::BigInt, Value::Long(x)) => n(CqlValue::BigInt(*x)),
        (ColumnType::Counter, Value::Long(x)) => n(CqlValue::Counter(*x)),
        (ColumnType::Float, Value::Float(x)) => n(CqlValue::Float(*x)),
        (ColumnType::Double, Value::Double(x)) => n(CqlValue::Double(*x)),
        (ColumnType::Text, Value::Str(s)) => n(CqlValue::Text(s.clone())),
        (ColumnType::Ascii, Value::Str(s)) if s.is_ascii() => n(CqlValue::Ascii(s.clone())),
        (ColumnType::Tuple(_) | ColumnType::Udt { .. }, Value::Tuple(vt, fields)) if vt == t => {
            let mut out = Vec::new();
            for f in fields {
                match f {
                    Some(b) => {
                        out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                        out.extend_from_slice(b);
                    }
                    None => out.extend_from_slice(&(-1i32).to_be_bytes()),
                }
            }
            Some(Some(Bytes::from(out)))
        }
        _ => None,
    }
}

/// Converts a number to `t`'s Java class as `Number.intValue()` and its siblings do
/// (JavaScript results); other values pass unchanged.
pub fn js_number_to(t: &ColumnType, v: Value) -> Value {
    let Some(x) = v.as_f64() else { return v };
    match t {
        ColumnType::Int => Value::Int(x as i32),
        ColumnType::BigInt | ColumnType::Counter => Value::Long(x as i64),
        ColumnType::SmallInt => Value::Short(x as i32 as i16),
        ColumnType::TinyInt => Value::Byte(x as i32 as i8),
        ColumnType::Float => Value::Float(x as f32),
        ColumnType::Double => Value::Double(x),
        _ => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_formats() {
        let t = ColumnType::Tuple(vec![ColumnType::Int, ColumnType::BigInt]);
        let bytes = [0, 0, 0, 4, 0, 0, 0, 2, 255, 255, 255, 255];
        let v = from_bytes(&t, Some(&bytes)).unwrap();
        assert_eq!(to_bytes(&t, &v).unwrap().unwrap().as_ref(), &bytes);
        assert_eq!(v.java_string(), "(2,null)");
        assert_eq!(
            from_bytes(&ColumnType::Int, Some(&[])).unwrap(),
            Value::Null
        );
        assert_eq!(Value::Double(1.0).java_string(), "1.0");
        assert_eq!(Value::Double(1.0).js_string(), "1");
        assert_eq!(Value::Double(2.5).js_string(), "2.5");
        assert!(to_bytes(&ColumnType::Int, &Value::Double(1.0)).is_none());
        assert_eq!(
            js_number_to(&ColumnType::Int, Value::Double(f64::NAN)),
            Value::Int(0)
        );
        assert_eq!(
            js_number_to(&ColumnType::Int, Value::Double(1e20)),
            Value::Int(i32::MAX)
        );
    }
}
