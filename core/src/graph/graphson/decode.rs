//! Reading GraphSON 2.0 and 3.0 (typed) and 1.0 (untyped) into graph values.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::IpAddr;

use super::{GraphsonVersion, graphson1};
use crate::graph::json::{self, Json, JsonError, JsonNumber};
use crate::graph::value::{
    BigDecimal, BigInteger, Direction, Edge, GraphTuple, GraphUdt, GraphValue, Instant,
    JavaDuration, LocalDate, LocalTime, Path, Property, T, Traverser, TypeDefinition, Vertex,
    VertexProperty,
};
use crate::types::CqlDuration;
use crate::types::base64;
use crate::types::geo::{LineString, Point, Polygon};

/// A graph result or value could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The text is not JSON.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// A typed value (or a GraphSON 1.0 shape) is malformed: `tag` names the type.
    #[error("{tag}: {reason}")]
    Invalid {
        /// The GraphSON type (`g:Int32`, `g:Vertex`...) or shape being read.
        tag: String,
        /// What was wrong.
        reason: String,
    },
    /// A result row is not `{"result": ...}`.
    #[error("graph result row: {0}")]
    Row(&'static str),
}

pub(crate) fn invalid(tag: &str, reason: impl Into<String>) -> DecodeError {
    DecodeError::Invalid {
        tag: String::from(tag),
        reason: reason.into(),
    }
}

/// Reads GraphSON text of `version` (one value, not a result row).
pub fn decode_value(version: GraphsonVersion, text: &str) -> Result<GraphValue, DecodeError> {
    decode_json(version, &json::parse(text)?)
}

/// Reads a JSON tree as GraphSON of `version`: 1.0 untyped ([`graphson1::from_json`]),
/// 2.0 and 3.0 with their type tags.
pub fn decode_json(version: GraphsonVersion, json: &Json) -> Result<GraphValue, DecodeError> {
    match version {
        GraphsonVersion::V1 => Ok(graphson1::from_json(json)),
        GraphsonVersion::V2 => Reader { v3: false }.read(json),
        GraphsonVersion::V3 => Reader { v3: true }.read(json),
    }
}

/// An untyped JSON number: an integer literal as `Int64` (or `BigInteger` beyond), any other
/// as `Double`.
pub(crate) fn untyped_number(n: &JsonNumber) -> GraphValue {
    if n.is_integer() {
        match n.to_i64() {
            Some(v) => GraphValue::Int64(v),
            None => BigInteger::parse(n.as_str())
                .map_or(GraphValue::Double(n.to_f64()), GraphValue::BigInteger),
        }
    } else {
        GraphValue::Double(n.to_f64())
    }
}

pub(crate) fn member<'j>(members: &'j [(String, Json)], key: &str) -> Option<&'j Json> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The typed reader; `Ok(None)` from a type's reader means "read the object as a plain
/// map", which is what the Python driver does when a member is missing.
struct Reader {
    v3: bool,
}

type Typed = Result<Option<GraphValue>, DecodeError>;

impl Reader {
    fn read(&self, json: &Json) -> Result<GraphValue, DecodeError> {
        match json {
            Json::Null => Ok(GraphValue::Null),
            Json::Bool(b) => Ok(GraphValue::Bool(*b)),
            Json::Number(n) => Ok(untyped_number(n)),
            Json::String(s) => Ok(GraphValue::String(s.clone())),
            Json::Array(items) => items
                .iter()
                .map(|i| self.read(i))
                .collect::<Result<_, _>>()
                .map(GraphValue::List),
            Json::Object(members) => {
                if let (Some(Json::String(tag)), Some(value)) =
                    (member(members, "@type"), member(members, "@value"))
                {
                    if let Some(v) = self.typed(tag, value)? {
                        return Ok(v);
                    }
                }
                let entries = members
                    .iter()
                    .map(|(k, v)| Ok((GraphValue::String(k.clone()), self.read(v)?)))
                    .collect::<Result<_, DecodeError>>()?;
                Ok(GraphValue::Map(entries))
            }
        }
    }

    fn typed(&self, tag: &str, value: &Json) -> Typed {
        let v =
            match tag {
                "gx:Int16" => integer(tag, value, IntWidth::I16)?,
                "g:Int32" => integer(tag, value, IntWidth::I32)?,
                "g:Int64" => integer(tag, value, IntWidth::I64)?,
                "gx:BigInteger" => integer(tag, value, IntWidth::Big)?,
                "g:Float" => GraphValue::Float(float(tag, value)?),
                "g:Double" => GraphValue::Double(float(tag, value)?),
                "gx:BigDecimal" => GraphValue::BigDecimal(decimal(tag, value)?),
                "g:UUID" => {
                    let text = text(tag, value)?;
                    GraphValue::Uuid(
                        uuid::Uuid::parse_str(text)
                            .map_err(|_| invalid(tag, format!("`{text}` is not a UUID")))?,
                    )
                }
                "gx:Instant" => {
                    let text = text(tag, value)?;
                    GraphValue::Instant(Instant::parse(text).ok_or_else(|| {
                        invalid(tag, format!("`{text}` is not an ISO-8601 instant"))
                    })?)
                }
                "g:Date" | "g:Timestamp" => match integer(tag, value, IntWidth::I64)? {
                    GraphValue::Int64(ms) => GraphValue::Instant(Instant::from_millis(ms)),
                    _ => return Err(invalid(tag, "milliseconds out of the 64-bit range")),
                },
                "dse:Blob" | "gx:ByteBuffer" => {
                    let text = text(tag, value)?;
                    GraphValue::Blob(
                        base64::decode(text).ok_or_else(|| invalid(tag, "not valid base64"))?,
                    )
                }
                "dse:Point" => GraphValue::Point(geo(tag, value, Point::from_wkt)?),
                "dse:LineString" => GraphValue::LineString(geo(tag, value, LineString::from_wkt)?),
                "dse:Polygon" => GraphValue::Polygon(Box::new(geo(tag, value, Polygon::from_wkt)?)),
                "gx:LocalDate" => {
                    let text = text(tag, value)?;
                    // The Python driver keeps a date it cannot read (a negative year) as its text.
                    LocalDate::parse(text)
                        .map_or_else(|| GraphValue::String(text.into()), GraphValue::LocalDate)
                }
                "gx:LocalTime" => {
                    let text = text(tag, value)?;
                    GraphValue::LocalTime(
                        LocalTime::parse(text)
                            .ok_or_else(|| invalid(tag, format!("`{text}` is not a local time")))?,
                    )
                }
                "gx:Duration" => {
                    let text = text(tag, value)?;
                    GraphValue::Duration(
                        JavaDuration::parse(text)
                            .ok_or_else(|| invalid(tag, format!("invalid duration `{text}`")))?,
                    )
                }
                "gx:InetAddress" => match value {
                    Json::String(s) => s
                        .parse::<IpAddr>()
                        .map_or_else(|_| GraphValue::String(s.clone()), GraphValue::Inet),
                    other => self.read(other)?,
                },
                "g:Vertex" => return self.vertex(value),
                "g:VertexProperty" => return self.vertex_property(value),
                "g:Edge" => return self.edge(value),
                "g:Property" => return self.property(value),
                "g:Path" => return self.path(value),
                "g:Traverser" => return self.traverser(value),
                "g:TraversalMetrics" | "g:Metrics" => self.read(value)?,
                "g:Direction" => match value.as_str().and_then(Direction::from_name) {
                    Some(d) => GraphValue::Direction(d),
                    None => return Ok(None),
                },
                _ if !self.v3 => return Ok(None),
                "g:List" => GraphValue::List(self.array(tag, value)?),
                "g:Set" => {
                    let items = self.array(tag, value)?;
                    if collapses_in_python_set(&items) {
                        GraphValue::List(items)
                    } else {
                        GraphValue::Set(items)
                    }
                }
                "g:Map" => {
                    let items = array(tag, value)?;
                    let entries = items
                        .chunks_exact(2)
                        .map(|pair| match pair {
                            [k, v] => Ok((self.read(k)?, self.read(v)?)),
                            _ => Err(invalid(tag, "odd entry")),
                        })
                        .collect::<Result<_, _>>()?;
                    GraphValue::Map(entries)
                }
                "g:BulkSet" => {
                    let items = array(tag, value)?;
                    let entries = items
                        .chunks_exact(2)
                        .map(|pair| match pair {
                            [v, bulk] => {
                                let bulk = self.read(bulk)?.as_i64().ok_or_else(|| {
                                    invalid(tag, "a bulk is not a 64-bit integer")
                                })?;
                                Ok((self.read(v)?, bulk))
                            }
                            _ => Err(invalid(tag, "odd entry")),
                        })
                        .collect::<Result<_, _>>()?;
                    GraphValue::BulkSet(entries)
                }
                "dse:Tuple" => return self.tuple(value),
                "dse:UDT" => return self.udt(value),
                "dse:Duration" => return self.dse_duration(value),
                "g:T" => match value.as_str().and_then(T::from_name) {
                    Some(t) => GraphValue::T(t),
                    None => return Ok(None),
                },
                _ => return Ok(None),
            };
        Ok(Some(v))
    }

    fn array(&self, tag: &str, value: &Json) -> Result<Vec<GraphValue>, DecodeError> {
        array(tag, value)?.iter().map(|i| self.read(i)).collect()
    }

    /// A member that must read as a map with string keys.
    fn string_keyed(
        &self,
        tag: &str,
        what: &str,
        json: &Json,
    ) -> Result<Vec<(String, GraphValue)>, DecodeError> {
        let GraphValue::Map(entries) = self.read(json)? else {
            return Err(invalid(tag, format!("{what} are not a map")));
        };
        entries
            .into_iter()
            .map(|(k, v)| match k {
                GraphValue::String(k) => Ok((k, v)),
                other => Err(invalid(tag, format!("{what} have a {} key", other.kind()))),
            })
            .collect()
    }

    fn vertex(&self, value: &Json) -> Typed {
        let tag = "g:Vertex";
        let obj = object(tag, value)?;
        let Some(id) = member(obj, "id") else {
            return Ok(None);
        };
        let id = self.read(id)?;
        let label = optional_label(tag, obj)?;
        let mut properties = Vec::new();
        if let Some(props) = member(obj, "properties") {
            for (name, values) in self.string_keyed(tag, "properties", props)? {
                let (GraphValue::List(values) | GraphValue::Set(values)) = values else {
                    return Err(invalid(
                        tag,
                        format!("property `{name}` is a {}, not a list", values.kind()),
                    ));
                };
                let values = values
                    .into_iter()
                    .map(|v| match v {
                        GraphValue::VertexProperty(p) => Ok(*p),
                        other => Err(invalid(
                            tag,
                            format!(
                                "property `{name}` holds a {} where a g:VertexProperty belongs",
                                other.kind()
                            ),
                        )),
                    })
                    .collect::<Result<_, _>>()?;
                properties.push((name, values));
            }
        }
        Ok(Some(
            Vertex {
                id,
                label,
                properties,
            }
            .into(),
        ))
    }

    fn vertex_property(&self, value: &Json) -> Typed {
        let tag = "g:VertexProperty";
        let obj = object(tag, value)?;
        let (Some(label), Some(v)) = (member(obj, "label"), member(obj, "value")) else {
            return Ok(None);
        };
        let label = string(tag, "label", label)?;
        let value = self.read(v)?;
        let id = member(obj, "id").map(|i| self.read(i)).transpose()?;
        let properties = match member(obj, "properties") {
            Some(p) => self.string_keyed(tag, "meta-properties", p)?,
            None => Vec::new(),
        };
        Ok(Some(
            VertexProperty {
                id,
                label,
                value,
                properties,
            }
            .into(),
        ))
    }

    fn edge(&self, value: &Json) -> Typed {
        let tag = "g:Edge";
        let obj = object(tag, value)?;
        let [
            Some(id),
            Some(in_v),
            Some(in_v_label),
            Some(out_v),
            Some(out_v_label),
        ] = ["id", "inV", "inVLabel", "outV", "outVLabel"].map(|k| member(obj, k))
        else {
            return Ok(None);
        };
        let properties = match member(obj, "properties") {
            Some(p) => self
                .string_keyed(tag, "properties", p)?
                .into_iter()
                .map(|(k, v)| match v {
                    GraphValue::Property(p) => (k, p.value),
                    other => (k, other),
                })
                .collect(),
            None => Vec::new(),
        };
        Ok(Some(
            Edge {
                id: self.read(id)?,
                label: optional_label(tag, obj)?,
                in_v: self.read(in_v)?,
                in_v_label: string(tag, "inVLabel", in_v_label)?,
                out_v: self.read(out_v)?,
                out_v_label: string(tag, "outVLabel", out_v_label)?,
                properties,
            }
            .into(),
        ))
    }

    fn property(&self, value: &Json) -> Typed {
        let tag = "g:Property";
        let obj = object(tag, value)?;
        let (Some(key), Some(v)) = (member(obj, "key"), member(obj, "value")) else {
            return Ok(None);
        };
        Ok(Some(
            Property {
                key: string(tag, "key", key)?,
                value: self.read(v)?,
            }
            .into(),
        ))
    }

    fn path(&self, value: &Json) -> Typed {
        let tag = "g:Path";
        let obj = object(tag, value)?;
        let (Some(labels), Some(objects)) = (member(obj, "labels"), member(obj, "objects")) else {
            return Ok(None);
        };
        let (GraphValue::List(labels) | GraphValue::Set(labels)) = self.read(labels)? else {
            return Err(invalid(tag, "labels are not a list"));
        };
        let labels = labels
            .into_iter()
            .map(|l| match l {
                GraphValue::List(names) | GraphValue::Set(names) => names
                    .into_iter()
                    .map(|n| match n {
                        GraphValue::String(s) => Ok(s),
                        other => Err(invalid(tag, format!("a label is a {}", other.kind()))),
                    })
                    .collect(),
                other => Err(invalid(
                    tag,
                    format!("the labels of an object are a {}", other.kind()),
                )),
            })
            .collect::<Result<_, _>>()?;
        let (GraphValue::List(objects) | GraphValue::Set(objects)) = self.read(objects)? else {
            return Err(invalid(tag, "objects are not a list"));
        };
        Ok(Some(Path { labels, objects }.into()))
    }

    fn traverser(&self, value: &Json) -> Typed {
        let tag = "g:Traverser";
        let obj = object(tag, value)?;
        let (Some(bulk), Some(v)) = (member(obj, "bulk"), member(obj, "value")) else {
            return Ok(None);
        };
        let bulk = self
            .read(bulk)?
            .as_i64()
            .ok_or_else(|| invalid(tag, "the bulk is not a 64-bit integer"))?;
        Ok(Some(GraphValue::Traverser(Box::new(Traverser {
            bulk,
            value: self.read(v)?,
        }))))
    }

    fn tuple(&self, value: &Json) -> Typed {
        let tag = "dse:Tuple";
        let obj = object(tag, value)?;
        let Some(values) = member(obj, "value") else {
            return Ok(None);
        };
        let values = self.array(tag, values)?;
        // The Python driver ignores the definition; a missing or malformed one is derived
        // from the values instead.
        let definition = member(obj, "definition").and_then(definitions);
        Ok(Some(match definition {
            Some(definition) => GraphTuple { definition, values }.into(),
            None => GraphTuple::new(values).into(),
        }))
    }

    fn udt(&self, value: &Json) -> Typed {
        let tag = "dse:UDT";
        let obj = object(tag, value)?;
        let [Some(keyspace), Some(name), Some(definition), Some(values)] =
            ["keyspace", "name", "definition", "value"].map(|k| member(obj, k))
        else {
            return Ok(None);
        };
        let Some(definition) = definitions(definition) else {
            return Ok(None);
        };
        if definition.iter().any(|d| d.field_name.is_none()) {
            return Ok(None);
        }
        Ok(Some(
            GraphUdt {
                keyspace: string(tag, "keyspace", keyspace)?,
                name: string(tag, "name", name)?,
                definition,
                values: self.array(tag, values)?,
            }
            .into(),
        ))
    }

    fn dse_duration(&self, value: &Json) -> Typed {
        let tag = "dse:Duration";
        let obj = object(tag, value)?;
        let [Some(months), Some(days), Some(nanos)] =
            ["months", "days", "nanos"].map(|k| member(obj, k))
        else {
            return Ok(None);
        };
        let field = |name: &str, json: &Json| {
            self.read(json)?
                .as_i64()
                .ok_or_else(|| invalid(tag, format!("{name} is not a 64-bit integer")))
        };
        let narrow = |name: &str, v: i64| {
            i32::try_from(v)
                .map_err(|_| invalid(tag, format!("{name} {v} is out of the 32-bit range")))
        };
        Ok(Some(GraphValue::DseDuration(CqlDuration {
            months: narrow("months", field("months", months)?)?,
            days: narrow("days", field("days", days)?)?,
            nanoseconds: field("nanos", nanos)?,
        })))
    }
}

fn object<'j>(tag: &str, value: &'j Json) -> Result<&'j [(String, Json)], DecodeError> {
    value
        .as_object()
        .ok_or_else(|| invalid(tag, format!("expected an object, found {}", value.kind())))
}

fn array<'j>(tag: &str, value: &'j Json) -> Result<&'j [Json], DecodeError> {
    value
        .as_array()
        .ok_or_else(|| invalid(tag, format!("expected an array, found {}", value.kind())))
}

fn text<'j>(tag: &str, value: &'j Json) -> Result<&'j str, DecodeError> {
    value
        .as_str()
        .ok_or_else(|| invalid(tag, format!("expected a string, found {}", value.kind())))
}

fn string(tag: &str, what: &str, value: &Json) -> Result<String, DecodeError> {
    value
        .as_str()
        .map(String::from)
        .ok_or_else(|| invalid(tag, format!("{what} is {}, not a string", value.kind())))
}

/// An element's `label`, `vertex` when absent (the Python driver's default, for edges too).
fn optional_label(tag: &str, obj: &[(String, Json)]) -> Result<String, DecodeError> {
    member(obj, "label").map_or_else(|| Ok(String::from("vertex")), |l| string(tag, "label", l))
}

#[derive(Clone, Copy, PartialEq)]
enum IntWidth {
    I16,
    I32,
    I64,
    Big,
}

/// An integer literal (or, for `gx:BigInteger`, digits in a string) as the declared width, or
/// the next wider kind when it does not fit.
fn integer(tag: &str, value: &Json, width: IntWidth) -> Result<GraphValue, DecodeError> {
    let digits = match value {
        Json::Number(n) if n.is_integer() => n.as_str(),
        Json::String(s) if width == IntWidth::Big => s.as_str(),
        other => {
            return Err(invalid(
                tag,
                format!("expected an integer, found {}", other.kind()),
            ));
        }
    };
    let big = BigInteger::parse(digits)
        .ok_or_else(|| invalid(tag, format!("`{digits}` is not an integer")))?;
    if width == IntWidth::Big {
        return Ok(GraphValue::BigInteger(big));
    }
    let Some(v) = big.to_i64() else {
        return Ok(GraphValue::BigInteger(big));
    };
    Ok(match width {
        IntWidth::I16 if i16::try_from(v).is_ok() => GraphValue::Int16(v as i16),
        IntWidth::I16 | IntWidth::I32 if i32::try_from(v).is_ok() => GraphValue::Int32(v as i32),
        _ => GraphValue::Int64(v),
    })
}

/// A float as Python's `float()` reads it: a number, or a string such as `NaN`, `Infinity`,
/// `-Infinity` or `1.5`.
fn float(tag: &str, value: &Json) -> Result<f64, DecodeError> {
    match value {
        Json::Number(n) => Ok(n.to_f64()),
        Json::String(s) => s
            .trim()
            .parse()
            .map_err(|_| invalid(tag, format!("`{s}` is not a float"))),
        other => Err(invalid(
            tag,
            format!("expected a number, found {}", other.kind()),
        )),
    }
}

fn decimal(tag: &str, value: &Json) -> Result<BigDecimal, DecodeError> {
    let text = match value {
        Json::String(s) => s.as_str(),
        Json::Number(n) => n.as_str(),
        other => {
            return Err(invalid(
                tag,
                format!("expected a decimal, found {}", other.kind()),
            ));
        }
    };
    BigDecimal::parse(text).ok_or_else(|| invalid(tag, format!("`{text}` is not a decimal")))
}

fn geo<G, E: ToString>(
    tag: &str,
    value: &Json,
    parse: impl Fn(&str) -> Result<G, E>,
) -> Result<G, DecodeError> {
    parse(text(tag, value)?).map_err(|e| invalid(tag, e.to_string()))
}

/// The element definitions of a tuple or UDT; `None` when malformed.
fn definitions(json: &Json) -> Option<Vec<TypeDefinition>> {
    json.as_array()?.iter().map(type_definition).collect()
}

fn type_definition(json: &Json) -> Option<TypeDefinition> {
    let obj = json.as_object()?;
    let text = |key: &str| match member(obj, key) {
        None => Some(None),
        Some(Json::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    };
    Some(TypeDefinition {
        field_name: text("fieldName")?,
        cql_type: text("cqlType")?.unwrap_or_default(),
        keyspace: text("keyspace")?,
        name: text("name")?,
        definition: match member(obj, "definition") {
            Some(d) => Some(definitions(d)?),
            None => None,
        },
    })
}

/// Whether two elements would be equal in Python, so that a Python `set` of them would be
/// smaller than the list: numbers (booleans included) by value, strings by text.
fn collapses_in_python_set(items: &[GraphValue]) -> bool {
    #[derive(PartialEq, PartialOrd)]
    enum Key<'a> {
        Int(i128),
        Float(f64),
        Text(&'a str),
        Big(&'a str),
    }
    let mut keys: Vec<Key<'_>> = items
        .iter()
        .filter_map(|item| {
            let float = match item {
                GraphValue::Bool(b) => return Some(Key::Int(i128::from(*b))),
                GraphValue::String(s) => return Some(Key::Text(s)),
                GraphValue::BigInteger(b) => {
                    return Some(b.to_i128().map_or(Key::Big(b.as_str()), Key::Int));
                }
                GraphValue::Float(f) | GraphValue::Double(f) => *f,
                other => return other.as_i64().map(|v| Key::Int(i128::from(v))),
            };
            if float.is_nan() {
                None
            } else if (-1e38..1e38).contains(&float) && (float as i128) as f64 == float {
                Some(Key::Int(float as i128))
            } else {
                Some(Key::Float(float))
            }
        })
        .collect();
    keys.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap_or(core::cmp::Ordering::Equal));
    keys.windows(2).any(|w| matches!(w, [a, b] if a == b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn v3(text: &str) -> GraphValue {
        decode_value(GraphsonVersion::V3, text).unwrap()
    }

    #[test]
    fn integers_widen_when_out_of_range() {
        assert_eq!(
            v3(r#"{"@type":"g:Int32","@value":2147483648}"#),
            GraphValue::Int64(1 << 31)
        );
        assert_eq!(
            v3(r#"{"@type":"gx:Int16","@value":7}"#),
            GraphValue::Int16(7)
        );
        assert_eq!(
            v3(r#"{"@type":"g:Int64","@value":18446744073709551616}"#),
            GraphValue::BigInteger(BigInteger::parse("18446744073709551616").unwrap())
        );
        assert!(decode_value(GraphsonVersion::V3, r#"{"@type":"g:Int32","@value":1.5}"#).is_err());
    }

    #[test]
    fn unknown_and_incomplete_tags_read_as_maps() {
        let char_map = v3(r#"{"@type":"gx:Char","@value":"a"}"#);
        assert_eq!(
            char_map.get("@type").and_then(GraphValue::as_str),
            Some("gx:Char")
        );
        let edge = v3(r#"{"@type":"g:Edge","@value":{"id":1}}"#);
        assert!(edge.as_map().is_some());
        let list_in_v2 =
            decode_value(GraphsonVersion::V2, r#"{"@type":"g:List","@value":[1]}"#).unwrap();
        assert!(list_in_v2.as_map().is_some());
        let t = v3(r#"{"@type":"g:T","@value":"nope"}"#);
        assert!(t.as_map().is_some());
    }

    #[test]
    fn sets_that_python_would_collapse_are_lists() {
        let mixed = v3(
            r#"{"@type":"g:Set","@value":[{"@type":"g:Int32","@value":1},{"@type":"g:Int64","@value":1}]}"#,
        );
        assert_eq!(
            mixed,
            GraphValue::List(vec![GraphValue::Int32(1), GraphValue::Int64(1)])
        );
        let float_int =
            v3(r#"{"@type":"g:Set","@value":[{"@type":"g:Double","@value":1.0},true]}"#);
        assert!(matches!(float_int, GraphValue::List(_)));
        let distinct = v3(r#"{"@type":"g:Set","@value":["a","b",1,1.5]}"#);
        assert!(matches!(distinct, GraphValue::Set(_)));
    }

    #[test]
    fn elements() {
        let v = v3(r#"{"@type":"g:Vertex","@value":{"id":{"@type":"g:Int64","@value":7}}}"#);
        let vertex = v.vertex().unwrap();
        assert_eq!(
            (vertex.id.as_i64(), vertex.label.as_str()),
            (Some(7), "vertex")
        );
        let bad = decode_value(
            GraphsonVersion::V3,
            r#"{"@type":"g:Vertex","@value":{"id":1,"properties":{"name":["marko"]}}}"#,
        );
        assert!(matches!(bad, Err(DecodeError::Invalid { .. })));
        assert!(decode_value(GraphsonVersion::V3, r#"{"@type":"g:Vertex","@value":"x"}"#).is_err());
    }

    #[test]
    fn extras_beyond_the_python_driver() {
        assert_eq!(
            v3(r#"{"@type":"g:Date","@value":1481750076295}"#),
            GraphValue::Instant(Instant::from_millis(1_481_750_076_295))
        );
        assert_eq!(
            v3(r#"{"@type":"g:Direction","@value":"OUT"}"#),
            GraphValue::Direction(Direction::Out)
        );
        let t = v3(
            r#"{"@type":"g:Traverser","@value":{"bulk":{"@type":"g:Int64","@value":2},"value":"a"}}"#,
        );
        assert!(matches!(t, GraphValue::Traverser(t) if t.bulk == 2));
    }
}
