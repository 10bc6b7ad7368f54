//! GraphSON 1.0: untyped JSON. Values read as their JSON kind; the Python driver's
//! `graph_object_row_factory` turns results shaped as vertices and edges into elements and
//! leaves everything else as it is; typed readers ([`read_as`]) give a value the CQL type
//! the caller knows it has (`GraphSON1Deserializer.deserialize_<type>`).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::IpAddr;

use super::decode::{DecodeError, invalid, untyped_number};
use crate::graph::json::Json;
use crate::graph::value::{
    BigDecimal, BigInteger, Edge, GraphValue, Instant, JavaDuration, LocalDate, LocalTime, Path,
    Vertex, VertexProperty,
};
use crate::types::base64;
use crate::types::geo::{LineString, Point, Polygon};

/// JSON as an untyped graph value: integers as `Int64` (`BigInteger` beyond), other numbers as
/// `Double`, arrays as lists, objects as maps with string keys.
pub fn from_json(json: &Json) -> GraphValue {
    match json {
        Json::Null => GraphValue::Null,
        Json::Bool(b) => GraphValue::Bool(*b),
        Json::Number(n) => untyped_number(n),
        Json::String(s) => GraphValue::String(s.clone()),
        Json::Array(items) => GraphValue::List(items.iter().map(from_json).collect()),
        Json::Object(members) => GraphValue::Map(
            members
                .iter()
                .map(|(k, v)| (GraphValue::String(k.clone()), from_json(v)))
                .collect(),
        ),
    }
}

/// One result as `graph_object_row_factory` returns it: an object whose `type` is `vertex`
/// or `edge` becomes a [`Vertex`] or [`Edge`], anything else stays the untyped value (the
/// Python driver wraps it in a `Result`).
pub fn object_row(json: &Json) -> Result<GraphValue, DecodeError> {
    element_or_value(from_json(json))
}

fn element_or_value(value: GraphValue) -> Result<GraphValue, DecodeError> {
    match value.get("type").and_then(GraphValue::as_str) {
        Some("vertex") => Ok(vertex(&value)?.into()),
        Some("edge") => Ok(edge(&value)?.into()),
        _ => Ok(value),
    }
}

fn required<'v>(
    shape: &str,
    value: &'v GraphValue,
    key: &str,
) -> Result<&'v GraphValue, DecodeError> {
    value
        .get(key)
        .ok_or_else(|| invalid(shape, format!("no `{key}` member")))
}

fn text(shape: &str, value: &GraphValue, key: &str) -> Result<String, DecodeError> {
    let v = required(shape, value, key)?;
    v.as_str()
        .map(String::from)
        .ok_or_else(|| invalid(shape, format!("`{key}` is a {}, not a string", v.kind())))
}

fn string_keyed(
    shape: &str,
    what: &str,
    value: Option<&GraphValue>,
) -> Result<Vec<(String, GraphValue)>, DecodeError> {
    match value {
        None | Some(GraphValue::Null) => Ok(Vec::new()),
        Some(GraphValue::Map(entries)) => entries
            .iter()
            .map(|(k, v)| match k {
                GraphValue::String(k) => Ok((k.clone(), v.clone())),
                other => Err(invalid(
                    shape,
                    format!("{what} have a {} key", other.kind()),
                )),
            })
            .collect(),
        Some(other) => Err(invalid(
            shape,
            format!("{what} are a {}, not a map", other.kind()),
        )),
    }
}

/// A vertex from its GraphSON 1.0 map (`Result.as_vertex()`): `id`, `label`, and
/// `properties` mapping each name to a list of `{id?, value, properties?}`.
pub fn vertex(value: &GraphValue) -> Result<Vertex, DecodeError> {
    let shape = "GraphSON 1.0 vertex";
    let mut properties = Vec::new();
    for (name, values) in string_keyed(shape, "properties", value.get("properties"))? {
        let Some(values) = values.as_list() else {
            return Err(invalid(
                shape,
                format!("property `{name}` is a {}, not a list", values.kind()),
            ));
        };
        let values = values
            .iter()
            .map(|p| {
                Ok(VertexProperty {
                    id: p.get("id").cloned(),
                    label: name.clone(),
                    value: required(shape, p, "value")?.clone(),
                    properties: string_keyed(shape, "meta-properties", p.get("properties"))?,
                })
            })
            .collect::<Result<_, DecodeError>>()?;
        properties.push((name, values));
    }
    Ok(Vertex {
        id: required(shape, value, "id")?.clone(),
        label: text(shape, value, "label")?,
        properties,
    })
}

/// An edge from its GraphSON 1.0 map (`Result.as_edge()`): `id`, `label`, `inV`,
/// `inVLabel`, `outV`, `outVLabel`, `properties`.
pub fn edge(value: &GraphValue) -> Result<Edge, DecodeError> {
    let shape = "GraphSON 1.0 edge";
    Ok(Edge {
        id: required(shape, value, "id")?.clone(),
        label: text(shape, value, "label")?,
        in_v: required(shape, value, "inV")?.clone(),
        in_v_label: text(shape, value, "inVLabel")?,
        out_v: required(shape, value, "outV")?.clone(),
        out_v_label: text(shape, value, "outVLabel")?,
        properties: string_keyed(shape, "properties", value.get("properties"))?,
    })
}

/// A path from its GraphSON 1.0 map (`Result.as_path()`): `labels` (a list of string lists)
/// and `objects`, vertices and edges among them made elements.
pub fn path(value: &GraphValue) -> Result<Path, DecodeError> {
    let shape = "GraphSON 1.0 path";
    let labels = required(shape, value, "labels")?
        .as_list()
        .ok_or_else(|| invalid(shape, "`labels` is not a list"))?
        .iter()
        .map(|names| {
            names
                .as_list()
                .ok_or_else(|| invalid(shape, "the labels of an object are not a list"))?
                .iter()
                .map(|n| {
                    n.as_str()
                        .map(String::from)
                        .ok_or_else(|| invalid(shape, "a label is not a string"))
                })
                .collect()
        })
        .collect::<Result<_, _>>()?;
    let objects = required(shape, value, "objects")?
        .as_list()
        .ok_or_else(|| invalid(shape, "`objects` is not a list"))?
        .iter()
        .map(|o| element_or_value(o.clone()))
        .collect::<Result<_, _>>()?;
    Ok(Path { labels, objects })
}

/// A vertex property from its GraphSON 1.0 map (`Result.as_vertex_property()`): `label`,
/// `value` and `properties`, each optional (an empty label, a null value, no
/// meta-properties when absent).
pub fn vertex_property(value: &GraphValue) -> Result<VertexProperty, DecodeError> {
    let shape = "GraphSON 1.0 vertex property";
    Ok(VertexProperty {
        id: value.get("id").cloned(),
        label: value
            .get("label")
            .and_then(GraphValue::as_str)
            .map(String::from)
            .unwrap_or_default(),
        value: value.get("value").cloned().unwrap_or(GraphValue::Null),
        properties: string_keyed(shape, "meta-properties", value.get("properties"))?,
    })
}

/// The CQL type a GraphSON 1.0 value is read as ([`read_as`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Graphson1Type {
    /// `int`.
    Int,
    /// `smallint`.
    SmallInt,
    /// `bigint`.
    BigInt,
    /// `varint`.
    VarInt,
    /// `double`.
    Double,
    /// `float`.
    Float,
    /// `boolean`.
    Boolean,
    /// `uuid`.
    Uuid,
    /// `decimal`.
    Decimal,
    /// `timestamp`.
    Timestamp,
    /// `date`.
    Date,
    /// `time`.
    Time,
    /// `duration` (a Java duration).
    Duration,
    /// `blob` (base64).
    Blob,
    /// `inet`.
    Inet,
    /// A point (WKT).
    Point,
    /// A linestring (WKT).
    LineString,
    /// A polygon (WKT).
    Polygon,
}

impl Graphson1Type {
    /// The type of a `GraphSON1Deserializer.deserialize_<name>` reader: `int`, `smallint`,
    /// `bigint`, `varint`, `double`, `float`, `boolean`, `uuid`, `decimal`, `timestamp`,
    /// `date`, `time`, `duration`, `blob`, `inet`, `point`, `linestring`, `polygon`.
    pub fn from_name(name: &str) -> Option<Self> {
        use Graphson1Type as G;
        Some(match name {
            "int" => G::Int,
            "smallint" => G::SmallInt,
            "bigint" => G::BigInt,
            "varint" => G::VarInt,
            "double" => G::Double,
            "float" => G::Float,
            "boolean" => G::Boolean,
            "uuid" => G::Uuid,
            "decimal" => G::Decimal,
            "timestamp" => G::Timestamp,
            "date" => G::Date,
            "time" => G::Time,
            "duration" => G::Duration,
            "blob" => G::Blob,
            "inet" => G::Inet,
            "point" => G::Point,
            "linestring" => G::LineString,
            "polygon" => G::Polygon,
            _ => return None,
        })
    }
}

/// Reads an untyped GraphSON 1.0 value as `typ`, as the Python driver's
/// `GraphSON1Deserializer.deserialize_<type>` does: integers from numbers or digit strings,
/// floats from numbers or float strings, and the text forms of the others (a `date` that is
/// no date stays its string; an `inet` that is no address too).
pub fn read_as(typ: Graphson1Type, value: &GraphValue) -> Result<GraphValue, DecodeError> {
    use Graphson1Type as G;
    let shape = "GraphSON 1.0 value";
    let text = || {
        value
            .as_str()
            .ok_or_else(|| invalid(shape, format!("a {} where text was expected", value.kind())))
    };
    let wrong = |what: &str| {
        invalid(
            shape,
            format!("`{}` is not {what}", value.as_str().unwrap_or(value.kind())),
        )
    };
    Ok(match typ {
        G::Int | G::SmallInt | G::BigInt | G::VarInt => {
            let big = match value {
                GraphValue::String(s) => {
                    BigInteger::parse(s.trim()).ok_or_else(|| wrong("an integer"))?
                }
                GraphValue::BigInteger(b) => b.clone(),
                GraphValue::Float(f) | GraphValue::Double(f) if f.is_finite() => {
                    // `as` truncates toward zero, as Python's `int()`.
                    BigInteger::from(*f as i128)
                }
                other => BigInteger::from(other.as_i64().ok_or_else(|| wrong("an integer"))?),
            };
            match (typ, big.to_i64()) {
                (G::VarInt, _) | (_, None) => GraphValue::BigInteger(big),
                (G::Int, Some(v)) if i32::try_from(v).is_ok() => GraphValue::Int32(v as i32),
                (G::SmallInt, Some(v)) if i16::try_from(v).is_ok() => GraphValue::Int16(v as i16),
                (_, Some(v)) => GraphValue::Int64(v),
            }
        }
        G::Double | G::Float => {
            let f = match value {
                GraphValue::String(s) => s.trim().parse().map_err(|_| wrong("a float"))?,
                other => other.as_f64().ok_or_else(|| wrong("a float"))?,
            };
            if typ == G::Double {
                GraphValue::Double(f)
            } else {
                GraphValue::Float(f)
            }
        }
        G::Boolean => value.clone(),
        G::Uuid => GraphValue::Uuid(uuid::Uuid::parse_str(text()?).map_err(|_| wrong("a UUID"))?),
        G::Decimal => match value {
            GraphValue::String(s) => {
                GraphValue::BigDecimal(BigDecimal::parse(s).ok_or_else(|| wrong("a decimal"))?)
            }
            other => {
                let digits = other.as_i64().ok_or_else(|| wrong("a decimal"))?;
                GraphValue::BigDecimal(
                    BigDecimal::parse(&alloc::string::ToString::to_string(&digits))
                        .ok_or_else(|| wrong("a decimal"))?,
                )
            }
        },
        G::Timestamp => {
            GraphValue::Instant(Instant::parse(text()?).ok_or_else(|| wrong("an instant"))?)
        }
        G::Date => {
            let t = text()?;
            LocalDate::parse(t).map_or_else(|| GraphValue::String(t.into()), GraphValue::LocalDate)
        }
        G::Time => {
            GraphValue::LocalTime(LocalTime::parse(text()?).ok_or_else(|| wrong("a local time"))?)
        }
        G::Duration => {
            let t = text()?;
            GraphValue::Duration(
                JavaDuration::parse(t)
                    .ok_or_else(|| invalid(shape, format!("invalid duration `{t}`")))?,
            )
        }
        G::Blob => GraphValue::Blob(base64::decode(text()?).ok_or_else(|| wrong("base64"))?),
        G::Inet => match value.as_str().map(str::parse::<IpAddr>) {
            Some(Ok(a)) => GraphValue::Inet(a),
            _ => value.clone(),
        },
        G::Point => GraphValue::Point(Point::from_wkt(text()?).map_err(|_| wrong("a WKT point"))?),
        G::LineString => GraphValue::LineString(
            LineString::from_wkt(text()?).map_err(|_| wrong("a WKT linestring"))?,
        ),
        G::Polygon => GraphValue::Polygon(alloc::boxed::Box::new(
            Polygon::from_wkt(text()?).map_err(|_| wrong("a WKT polygon"))?,
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::json::parse;

    #[test]
    fn vertices_and_edges_become_elements() {
        let row = parse(
            r#"{"id":1,"label":"person","type":"vertex","properties":{"name":[{"id":5,"value":"marko","properties":{"since":2001}}]}}"#,
        )
        .unwrap();
        let v = object_row(&row).unwrap();
        let vertex = v.vertex().unwrap();
        let name = vertex.property("name").unwrap();
        assert_eq!(name.value.as_str(), Some("marko"));
        assert_eq!(name.meta("since").and_then(GraphValue::as_i64), Some(2001));
        assert_eq!(name.id.as_ref().and_then(GraphValue::as_i64), Some(5));
        let other = object_row(&parse(r#"{"type":"other","x":1}"#).unwrap()).unwrap();
        assert!(other.as_map().is_some());
        assert!(object_row(&parse(r#"{"type":"edge","id":1}"#).unwrap()).is_err());
    }

    #[test]
    fn typed_readers() {
        let s = |t: &str| GraphValue::String(t.into());
        assert_eq!(
            read_as(Graphson1Type::Int, &GraphValue::Int64(5)).unwrap(),
            GraphValue::Int32(5)
        );
        assert_eq!(
            read_as(Graphson1Type::BigInt, &s("12")).unwrap(),
            GraphValue::Int64(12)
        );
        assert_eq!(
            read_as(Graphson1Type::Double, &s("NaN"))
                .unwrap()
                .as_f64()
                .map(f64::is_nan),
            Some(true)
        );
        assert_eq!(
            read_as(Graphson1Type::Date, &s("-0005-13-01")).unwrap(),
            s("-0005-13-01")
        );
        assert!(read_as(Graphson1Type::Duration, &s("P-1DT23H59M59.0S")).is_err());
        assert_eq!(
            read_as(Graphson1Type::Blob, &s("AAH+/w==")).unwrap(),
            GraphValue::blob([0, 1, 0xfe, 0xff])
        );
    }
}
