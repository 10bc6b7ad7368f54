//! Writing graph values as GraphSON: the parameters of a graph query exactly as the Python
//! driver sends them, and the values inside Gremlin bytecode.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::GraphsonVersion;
use crate::graph::json::{self, Json, JsonNumber, Separators};
use crate::graph::value::{GraphValue, TypeDefinition, python_int_is_int32};
use crate::types::base64;

/// A value cannot be written in the requested GraphSON version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The version has no form for this kind of value (the Python driver refuses it too:
    /// lists, sets, tuples and null in 2.0; sets, DSE durations and UDTs in 1.0; elements
    /// everywhere).
    #[error("GraphSON {version} cannot write a {kind} value")]
    Unsupported {
        /// The version asked for.
        version: GraphsonVersion,
        /// What kind of value it was.
        kind: &'static str,
    },
    /// A map key of a kind JSON object keys cannot take (GraphSON 1.0 and 2.0 write maps as
    /// JSON objects; only strings, numbers, booleans and null become keys).
    #[error("GraphSON {version} writes maps as JSON objects, whose keys cannot be a {kind}")]
    MapKey {
        /// The version asked for.
        version: GraphsonVersion,
        /// What kind of key it was.
        kind: &'static str,
    },
    /// Gremlin bytecode is written in GraphSON 2.0 or 3.0 only.
    #[error("Gremlin bytecode is written in GraphSON 2.0 or 3.0, not {0}")]
    BytecodeVersion(GraphsonVersion),
}

/// The parameters of a graph query as the JSON text the Python driver sends: for 1.0 and 2.0
/// a JSON object `{"name": value, ...}`, for 3.0 a `g:Map`; `json.dumps` separators
/// (`", "`, `": "`) and ASCII-only escapes. The caller sends it as the query's one value.
pub fn encode_parameters<S: AsRef<str>>(
    version: GraphsonVersion,
    params: &[(S, GraphValue)],
) -> Result<String, EncodeError> {
    let params: Vec<(&str, &GraphValue)> = params.iter().map(|(n, v)| (n.as_ref(), v)).collect();
    parameters(version, &params)
}

fn parameters(
    version: GraphsonVersion,
    params: &[(&str, &GraphValue)],
) -> Result<String, EncodeError> {
    let encoder = Encoder {
        version,
        bytecode: false,
    };
    let json = match version {
        GraphsonVersion::V1 | GraphsonVersion::V2 => Json::Object(
            params
                .iter()
                .map(|(name, v)| Ok((String::from(*name), encoder.value(v)?)))
                .collect::<Result<_, EncodeError>>()?,
        ),
        GraphsonVersion::V3 => {
            let mut flat = Vec::with_capacity(params.len() * 2);
            for (name, v) in params {
                flat.push(Json::string(*name));
                flat.push(encoder.value(v)?);
            }
            tagged("g:Map", Json::Array(flat))
        }
    };
    Ok(json::to_string(&json, Separators::Python))
}

/// One value as GraphSON text of `version`, as the Python driver's serializer writes it
/// (`json.dumps` of its output).
pub fn encode_value(version: GraphsonVersion, value: &GraphValue) -> Result<String, EncodeError> {
    let encoder = Encoder {
        version,
        bytecode: false,
    };
    Ok(json::to_string(&encoder.value(value)?, Separators::Python))
}

/// `{"@type": tag, "@value": value}`.
pub(crate) fn tagged(tag: &str, value: Json) -> Json {
    Json::Object(vec![
        (String::from("@type"), Json::string(tag)),
        (String::from("@value"), value),
    ])
}

/// Writes values as one GraphSON version, for query parameters or (`bytecode`) for the
/// arguments of Gremlin bytecode, where the Python driver also writes null, `T` and
/// `Direction` tokens, and in 2.0 lists and tuples as plain JSON arrays.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Encoder {
    pub(crate) version: GraphsonVersion,
    pub(crate) bytecode: bool,
}

impl Encoder {
    fn unsupported(&self, value: &GraphValue) -> EncodeError {
        EncodeError::Unsupported {
            version: self.version,
            kind: value.kind(),
        }
    }

    /// `value` as a JSON tree.
    pub(crate) fn value(&self, value: &GraphValue) -> Result<Json, EncodeError> {
        match self.version {
            GraphsonVersion::V1 => self.untyped(value),
            GraphsonVersion::V2 | GraphsonVersion::V3 => self.typed(value),
        }
    }

    /// GraphSON 1.0: plain JSON, the other scalars as their text.
    fn untyped(&self, value: &GraphValue) -> Result<Json, EncodeError> {
        use GraphValue as G;
        Ok(match value {
            G::Null => Json::Null,
            G::Bool(b) => Json::Bool(*b),
            G::Int16(_)
            | G::Int32(_)
            | G::Int64(_)
            | G::BigInteger(_)
            | G::Float(_)
            | G::Double(_) => Json::Number(number(value).ok_or_else(|| self.unsupported(value))?),
            G::List(items) => Json::Array(
                items
                    .iter()
                    .map(|v| self.untyped(v))
                    .collect::<Result<_, _>>()?,
            ),
            G::Tuple(t) => Json::Array(
                t.values
                    .iter()
                    .map(|v| self.untyped(v))
                    .collect::<Result<_, _>>()?,
            ),
            G::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| Ok((self.key(k)?, self.untyped(v)?)))
                    .collect::<Result<_, EncodeError>>()?,
            ),
            other => Json::String(text(other).ok_or_else(|| self.unsupported(other))?),
        })
    }

    /// GraphSON 2.0 and 3.0: typed.
    fn typed(&self, value: &GraphValue) -> Result<Json, EncodeError> {
        use GraphValue as G;
        let v3 = self.version == GraphsonVersion::V3;
        Ok(match value {
            G::Null if self.bytecode => Json::Null,
            G::Bool(b) => Json::Bool(*b),
            G::String(s) => Json::string(s.clone()),
            G::Int16(_)
            | G::Int32(_)
            | G::Int64(_)
            | G::BigInteger(_)
            | G::Float(_)
            | G::Double(_) => {
                let n = number(value).ok_or_else(|| self.unsupported(value))?;
                tagged(number_tag(value), Json::Number(n))
            }
            G::Map(entries) if v3 => {
                let mut flat = Vec::with_capacity(entries.len() * 2);
                for (k, v) in entries {
                    flat.push(self.typed(k)?);
                    flat.push(self.typed(v)?);
                }
                tagged("g:Map", Json::Array(flat))
            }
            G::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| Ok((self.key(k)?, self.typed(v)?)))
                    .collect::<Result<_, EncodeError>>()?,
            ),
            G::List(items) if v3 => tagged("g:List", self.typed_items(items)?),
            G::Set(items) if v3 => tagged("g:Set", self.typed_items(items)?),
            G::Tuple(t) if v3 => tagged(
                "dse:Tuple",
                Json::Object(vec![
                    (String::from("cqlType"), Json::string("tuple")),
                    (String::from("definition"), definitions(&t.definition)),
                    (String::from("value"), self.typed_items(&t.values)?),
                ]),
            ),
            G::Udt(u) if v3 => tagged(
                "dse:UDT",
                Json::Object(vec![
                    (String::from("cqlType"), Json::string("udt")),
                    (String::from("keyspace"), Json::string(u.keyspace.clone())),
                    (String::from("name"), Json::string(u.name.clone())),
                    (String::from("definition"), definitions(&u.definition)),
                    (String::from("value"), self.typed_items(&u.values)?),
                ]),
            ),
            G::DseDuration(d) if v3 => tagged(
                "dse:Duration",
                Json::Object(vec![
                    (String::from("months"), int(i64::from(d.months))),
                    (String::from("days"), int(i64::from(d.days))),
                    (String::from("nanos"), int(d.nanoseconds)),
                ]),
            ),
            // The Python driver hands lists and tuples it has no GraphSON 2.0 writer for to
            // `json.dumps` when they are bytecode arguments.
            G::List(_) | G::Tuple(_) if self.bytecode => self.untyped(value)?,
            G::T(t) if self.bytecode => tagged("g:T", Json::string(t.name())),
            G::Direction(d) if self.bytecode => tagged("g:Direction", Json::string(d.name())),
            other => {
                let tag = text_tag(other).ok_or_else(|| self.unsupported(other))?;
                tagged(
                    tag,
                    Json::String(text(other).ok_or_else(|| self.unsupported(other))?),
                )
            }
        })
    }

    fn typed_items(&self, items: &[GraphValue]) -> Result<Json, EncodeError> {
        items
            .iter()
            .map(|v| self.typed(v))
            .collect::<Result<_, _>>()
            .map(Json::Array)
    }

    /// A map key as `json.dumps` turns it into an object key.
    fn key(&self, key: &GraphValue) -> Result<String, EncodeError> {
        match key {
            GraphValue::String(s) => Ok(s.clone()),
            GraphValue::Bool(b) => Ok(String::from(if *b { "true" } else { "false" })),
            GraphValue::Null => Ok(String::from("null")),
            other => number(other)
                .map(|n| n.as_str().to_string())
                .ok_or(EncodeError::MapKey {
                    version: self.version,
                    kind: other.kind(),
                }),
        }
    }
}

fn int(v: i64) -> Json {
    Json::Number(JsonNumber::from_i64(v))
}

/// A numeric value's literal.
fn number(value: &GraphValue) -> Option<JsonNumber> {
    Some(match value {
        GraphValue::Int16(i) => JsonNumber::from_i64(i64::from(*i)),
        GraphValue::Int32(i) => JsonNumber::from_i64(i64::from(*i)),
        GraphValue::Int64(i) => JsonNumber::from_i64(*i),
        GraphValue::BigInteger(i) => JsonNumber::from_literal(i.as_str())?,
        GraphValue::Float(f) | GraphValue::Double(f) => JsonNumber::from_f64(*f),
        _ => return None,
    })
}

fn number_tag(value: &GraphValue) -> &'static str {
    match value {
        GraphValue::Int16(_) => "gx:Int16",
        GraphValue::Int32(_) => "g:Int32",
        GraphValue::BigInteger(i) if python_int_is_int32(i) => "g:Int32",
        GraphValue::Float(_) => "g:Float",
        GraphValue::Double(_) => "g:Double",
        _ => "g:Int64",
    }
}

/// The tag of a value written as text in 2.0 and 3.0.
fn text_tag(value: &GraphValue) -> Option<&'static str> {
    Some(match value {
        GraphValue::BigDecimal(_) => "gx:BigDecimal",
        GraphValue::Uuid(_) => "g:UUID",
        GraphValue::Instant(_) => "gx:Instant",
        GraphValue::LocalDate(_) => "gx:LocalDate",
        GraphValue::LocalTime(_) => "gx:LocalTime",
        GraphValue::Duration(_) => "gx:Duration",
        GraphValue::Blob(_) => "gx:ByteBuffer",
        GraphValue::Inet(_) => "gx:InetAddress",
        GraphValue::Point(_) => "dse:Point",
        GraphValue::LineString(_) => "dse:LineString",
        GraphValue::Polygon(_) => "dse:Polygon",
        _ => return None,
    })
}

/// The text form of a scalar written as a string (in 1.0, and under its tag in 2.0/3.0).
fn text(value: &GraphValue) -> Option<String> {
    Some(match value {
        GraphValue::String(s) => s.clone(),
        GraphValue::BigDecimal(d) => d.as_str().to_string(),
        GraphValue::Uuid(u) => u.hyphenated().to_string(),
        GraphValue::Instant(i) => i.to_string(),
        GraphValue::LocalDate(d) => d.to_string(),
        GraphValue::LocalTime(t) => t.to_string(),
        GraphValue::Duration(d) => d.to_string(),
        GraphValue::Blob(b) => base64::encode(b),
        GraphValue::Inet(a) => a.to_string(),
        GraphValue::Point(p) => p.to_string(),
        GraphValue::LineString(l) => l.to_string(),
        GraphValue::Polygon(p) => p.to_string(),
        _ => return None,
    })
}

fn definitions(defs: &[TypeDefinition]) -> Json {
    Json::Array(defs.iter().map(definition).collect())
}

/// A type definition: `fieldName`, `cqlType`, `keyspace`, `name`, `definition`, each when
/// present, in that order (the Python driver's).
fn definition(def: &TypeDefinition) -> Json {
    let mut members = Vec::with_capacity(5);
    if let Some(f) = &def.field_name {
        members.push((String::from("fieldName"), Json::string(f.clone())));
    }
    members.push((String::from("cqlType"), Json::string(def.cql_type.clone())));
    if let Some(k) = &def.keyspace {
        members.push((String::from("keyspace"), Json::string(k.clone())));
    }
    if let Some(n) = &def.name {
        members.push((String::from("name"), Json::string(n.clone())));
    }
    if let Some(d) = &def.definition {
        members.push((String::from("definition"), definitions(d)));
    }
    Json::Object(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::value::BigInteger;

    #[test]
    fn parameters_of_each_version() {
        let params = [("x", GraphValue::BigInteger(BigInteger::from(1i64)))];
        assert_eq!(
            encode_parameters(GraphsonVersion::V1, &params).unwrap(),
            r#"{"x": 1}"#
        );
        assert_eq!(
            encode_parameters(GraphsonVersion::V2, &params).unwrap(),
            r#"{"x": {"@type": "g:Int32", "@value": 1}}"#
        );
        assert_eq!(
            encode_parameters(GraphsonVersion::V3, &params).unwrap(),
            r#"{"@type": "g:Map", "@value": ["x", {"@type": "g:Int32", "@value": 1}]}"#
        );
    }

    #[test]
    fn refusals() {
        let list = GraphValue::List(vec![]);
        assert_eq!(
            encode_value(GraphsonVersion::V2, &list),
            Err(EncodeError::Unsupported {
                version: GraphsonVersion::V2,
                kind: "list"
            })
        );
        assert!(encode_value(GraphsonVersion::V3, &GraphValue::Null).is_err());
        assert!(encode_value(GraphsonVersion::V1, &GraphValue::set([1i32])).is_err());
        let uuid_key = GraphValue::map([(GraphValue::Uuid(uuid::Uuid::nil()), 1.0f64)]);
        assert!(matches!(
            encode_value(GraphsonVersion::V2, &uuid_key),
            Err(EncodeError::MapKey { .. })
        ));
        assert_eq!(
            encode_value(
                GraphsonVersion::V2,
                &GraphValue::map([(1.5f64, "a"), (f64::NAN, "b")])
            )
            .unwrap(),
            r#"{"1.5": "a", "NaN": "b"}"#
        );
    }
}
