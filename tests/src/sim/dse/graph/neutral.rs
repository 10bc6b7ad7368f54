//! The neutral typed JSON form graph primes write their results in, once for every
//! GraphSON version:
//!
//! | JSON | value |
//! | --- | --- |
//! | `null`, `true`, `"text"` | null, boolean, string |
//! | `42` / `4.5` | `g:Int32` (`g:Int64` beyond an int) / `g:Double` |
//! | `[...]` | a list |
//! | `{"name": ..., ...}` (any other object) | a map with string keys, in order |
//! | `{"int": 1}`, `{"long": 1}`, `{"short": 1}`, `{"double": 1}`, `{"float": 1.5}` | that number type |
//! | `{"bigint": "123..."}`, `{"decimal": "3.14"}` | `gx:BigInteger`, `gx:BigDecimal` |
//! | `{"uuid": "..."}`, `{"instant": "2016-12-14T16:39:19.349Z"}`, `{"date": "2016-01-01"}`, `{"time": "12:30:45"}`, `{"duration": "PT1H"}` | those types |
//! | `{"blob": "cafe"}` (hex), `{"inet": "10.0.0.1"}` | bytes, address |
//! | `{"point": "POINT (1 2)"}`, `{"linestring": "LINESTRING (...)"}`, `{"polygon": "POLYGON ((...))"}` | geo values (WKT) |
//! | `{"list": [...]}`, `{"set": [...]}`, `{"map": [[k, v], ...]}`, `{"bulkset": [[v, n], ...]}` | collections (map keys of any type) |
//! | `{"t": "id"}`, `{"direction": "OUT"}` | `T` / `Direction` tokens |
//! | `{"vertex": {"id": ..., "label": "person", "properties": {"name": ["marko"], "location": [{"value": "santa fe", "id": 7, "properties": {"startTime": 2005}}]}}}` | a vertex (property ids default to 1, 2, ... `g:Int64`) |
//! | `{"edge": {"id": ..., "label": ..., "outV": ..., "outVLabel": ..., "inV": ..., "inVLabel": ..., "properties": {"weight": 0.4}}}` | an edge |
//! | `{"vertex_property": {"id": ..., "label": ..., "value": ..., "properties": {...}}}`, `{"property": {"key": ..., "value": ...}}` | properties |
//! | `{"path": {"labels": [["a"], []], "objects": [...]}}` | a path |
//!
//! A plain map whose only key is one of the names above must be written with `{"map":
//! [...]}`.

use serde_json::Value as J;
use uuid::Uuid;

use super::reader::MAX_DEPTH;
use super::value::{Edge, Path, Property, Token, Value, Vertex, VertexProperty};

type Res<T> = Result<T, String>;

/// Reads a neutral value.
///
/// # Errors
/// A typed object of the wrong shape, or nesting beyond the reader's bound; the message
/// shows the offending JSON.
pub fn read(json: &J) -> Res<Value> {
    read_at(json, 0)
}

fn read_at(json: &J, depth: usize) -> Res<Value> {
    if depth > MAX_DEPTH {
        return Err(format!("values nested deeper than {MAX_DEPTH} levels"));
    }
    let next = |j: &J| read_at(j, depth + 1);
    Ok(match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => i32::try_from(i).map_or(Value::Int64(i), Value::Int32),
            None => Value::Double(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Value::Text(s.clone()),
        J::Array(items) => Value::List(items.iter().map(next).collect::<Res<_>>()?),
        J::Object(obj) => {
            if obj.len() == 1 {
                if let Some((tag, body)) = obj.iter().next() {
                    if let Some(v) = typed(tag, body, depth)? {
                        return Ok(v);
                    }
                }
            }
            Value::Map(
                obj.iter()
                    .map(|(k, v)| Ok((Value::Text(k.clone()), next(v)?)))
                    .collect::<Res<_>>()?,
            )
        }
    })
}

fn bad(tag: &str, body: &J) -> String {
    format!("bad {{\"{tag}\": {body}}}")
}

fn typed(tag: &str, body: &J, depth: usize) -> Res<Option<Value>> {
    let next = |j: &J| read_at(j, depth + 1);
    let text = || {
        body.as_str()
            .map(str::to_string)
            .ok_or_else(|| bad(tag, body))
    };
    let int = || body.as_i64().ok_or_else(|| bad(tag, body));
    let items = || -> Res<Vec<Value>> {
        body.as_array()
            .ok_or_else(|| bad(tag, body))?
            .iter()
            .map(next)
            .collect()
    };
    let pairs = || -> Res<Vec<(Value, J)>> {
        body.as_array()
            .ok_or_else(|| bad(tag, body))?
            .iter()
            .map(|p| match p.as_array().map(Vec::as_slice) {
                Some([k, v]) => Ok((next(k)?, v.clone())),
                _ => Err(bad(tag, body)),
            })
            .collect()
    };
    Ok(Some(match tag {
        "int" => Value::Int32(i32::try_from(int()?).map_err(|_| bad(tag, body))?),
        "long" => Value::Int64(int()?),
        "short" => Value::Int16(i16::try_from(int()?).map_err(|_| bad(tag, body))?),
        "double" => Value::Double(body.as_f64().ok_or_else(|| bad(tag, body))?),
        "float" => Value::Float(body.as_f64().ok_or_else(|| bad(tag, body))? as f32),
        "bigint" => Value::BigInteger(match body {
            J::String(s) => s.clone(),
            J::Number(n) => n.to_string(),
            _ => return Err(bad(tag, body)),
        }),
        "decimal" => Value::BigDecimal(match body {
            J::String(s) => s.clone(),
            J::Number(n) => n.to_string(),
            _ => return Err(bad(tag, body)),
        }),
        "text" => Value::Text(text()?),
        "uuid" => Value::Uuid(Uuid::parse_str(&text()?).map_err(|_| bad(tag, body))?),
        "instant" => Value::Instant(text()?),
        "date" => Value::LocalDate(text()?),
        "time" => Value::LocalTime(text()?),
        "duration" => Value::Duration(text()?),
        "blob" => Value::Blob(hex(&text()?).ok_or_else(|| bad(tag, body))?),
        "inet" => Value::Inet(text()?),
        "point" => Value::Point(text()?),
        "linestring" => Value::LineString(text()?),
        "polygon" => Value::Polygon(text()?),
        "list" => Value::List(items()?),
        "set" => Value::Set(items()?),
        "map" => Value::Map(
            pairs()?
                .into_iter()
                .map(|(k, v)| Ok((k, next(&v)?)))
                .collect::<Res<_>>()?,
        ),
        "bulkset" => Value::BulkSet(
            pairs()?
                .into_iter()
                .map(|(v, n)| Ok((v, n.as_i64().ok_or_else(|| bad(tag, body))?)))
                .collect::<Res<_>>()?,
        ),
        "t" => Value::Token(match text()?.as_str() {
            "id" => Token::Id,
            "label" => Token::Label,
            "key" => Token::Key,
            "value" => Token::Value,
            _ => return Err(bad(tag, body)),
        }),
        "direction" => Value::Token(match text()?.as_str() {
            "IN" => Token::In,
            "OUT" => Token::Out,
            _ => return Err(bad(tag, body)),
        }),
        "vertex" => Value::Vertex(vertex(body, depth)?),
        "edge" => Value::Edge(edge(body, depth)?),
        "vertex_property" => Value::VertexProperty(VertexProperty {
            id: Box::new(field(body, "id", depth).unwrap_or(Ok(Value::Int64(1)))?),
            label: string(body, "label")?,
            value: Box::new(required(body, "value", depth)?),
            properties: properties(body, depth)?,
        }),
        "property" => Value::Property(Property {
            key: string(body, "key")?,
            value: Box::new(required(body, "value", depth)?),
        }),
        "path" => Value::Path(path(body, depth)?),
        _ => return Ok(None),
    }))
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn field(body: &J, name: &str, depth: usize) -> Option<Res<Value>> {
    body.get(name).map(|j| read_at(j, depth + 1))
}

fn required(body: &J, name: &str, depth: usize) -> Res<Value> {
    field(body, name, depth).unwrap_or_else(|| Err(format!("{name} missing in {body}")))
}

fn string(body: &J, name: &str) -> Res<String> {
    body.get(name)
        .and_then(J::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("{name} (a string) missing in {body}"))
}

/// `"properties": {"key": value, ...}` as key/value properties.
fn properties(body: &J, depth: usize) -> Res<Vec<Property>> {
    let Some(props) = body.get("properties") else {
        return Ok(Vec::new());
    };
    let props = props
        .as_object()
        .ok_or_else(|| format!("properties of {body} is not an object"))?;
    props
        .iter()
        .map(|(k, v)| {
            Ok(Property {
                key: k.clone(),
                value: Box::new(read_at(v, depth + 1)?),
            })
        })
        .collect()
}

fn vertex(body: &J, depth: usize) -> Res<Vertex> {
    let mut properties = Vec::new();
    if let Some(props) = body.get("properties") {
        let props = props
            .as_object()
            .ok_or_else(|| format!("vertex properties of {body} is not an object"))?;
        for (key, list) in props {
            let list = match list {
                J::Array(items) => items.clone(),
                one => vec![one.clone()],
            };
            for p in &list {
                let next_id = Value::Int64(i64::try_from(properties.len()).unwrap_or(0) + 1);
                let full = p.as_object().is_some_and(|o| o.contains_key("value"));
                properties.push(match full {
                    true => VertexProperty {
                        id: Box::new(field(p, "id", depth).unwrap_or(Ok(next_id))?),
                        label: key.clone(),
                        value: Box::new(required(p, "value", depth)?),
                        properties: self::properties(p, depth)?,
                    },
                    false => VertexProperty {
                        id: Box::new(next_id),
                        label: key.clone(),
                        value: Box::new(read_at(p, depth + 1)?),
                        properties: Vec::new(),
                    },
                });
            }
        }
    }
    Ok(Vertex {
        id: Box::new(required(body, "id", depth)?),
        label: body
            .get("label")
            .and_then(J::as_str)
            .unwrap_or("vertex")
            .to_string(),
        properties,
    })
}

fn edge(body: &J, depth: usize) -> Res<Edge> {
    Ok(Edge {
        id: Box::new(required(body, "id", depth)?),
        label: string(body, "label")?,
        out_v: Box::new(required(body, "outV", depth)?),
        out_v_label: string(body, "outVLabel")?,
        in_v: Box::new(required(body, "inV", depth)?),
        in_v_label: string(body, "inVLabel")?,
        properties: properties(body, depth)?,
    })
}

fn path(body: &J, depth: usize) -> Res<Path> {
    let labels = body
        .get("labels")
        .and_then(J::as_array)
        .ok_or_else(|| format!("path labels missing in {body}"))?
        .iter()
        .map(|l| {
            l.as_array()
                .and_then(|l| l.iter().map(|s| s.as_str().map(str::to_string)).collect())
                .ok_or_else(|| format!("path labels of {body} are not lists of strings"))
        })
        .collect::<Res<_>>()?;
    let objects = body
        .get("objects")
        .and_then(J::as_array)
        .ok_or_else(|| format!("path objects missing in {body}"))?
        .iter()
        .map(|o| read_at(o, depth + 1))
        .collect::<Res<_>>()?;
    Ok(Path { labels, objects })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::dse::graph::graphson::{GraphsonVersion, row};

    fn n(text: &str) -> Value {
        read(&serde_json::from_str(text).unwrap()).unwrap()
    }

    #[test]
    fn scalars_and_collections() {
        assert_eq!(n("42"), Value::Int32(42));
        assert_eq!(n("5000000000"), Value::Int64(5_000_000_000));
        assert_eq!(n(r#"{"long": 3}"#), Value::Int64(3));
        assert_eq!(n("0.5"), Value::Double(0.5));
        assert_eq!(n(r#"{"blob": "cafe"}"#), Value::Blob(vec![0xca, 0xfe]));
        assert_eq!(
            n(r#"{"name": ["marko"], "age": [29]}"#),
            Value::Map(vec![
                (Value::text("name"), Value::List(vec![Value::text("marko")])),
                (Value::text("age"), Value::List(vec![Value::Int32(29)])),
            ])
        );
        assert_eq!(
            n(r#"{"map": [[1, "one"], [{"t": "id"}, "x"]]}"#),
            Value::Map(vec![
                (Value::Int32(1), Value::text("one")),
                (Value::Token(Token::Id), Value::text("x")),
            ])
        );
        assert!(read(&serde_json::json!({"int": "x"})).is_err());
        assert!(read(&serde_json::json!({"uuid": "nope"})).is_err());
    }

    #[test]
    fn a_vertex_in_every_version() {
        let v = n(
            r#"{"vertex": {"id": "dseg:/person/1", "label": "person", "properties": {
            "name": ["marko"],
            "location": [{"value": "santa fe", "id": {"long": 7}, "properties": {"startTime": 2005}}]}}}"#,
        );
        assert_eq!(
            row(&v, 1, GraphsonVersion::V1),
            r#"{"result":{"id":"dseg:/person/1","label":"person","type":"vertex","properties":{"name":[{"id":1,"value":"marko"}],"location":[{"id":7,"value":"santa fe","properties":{"startTime":2005}}]}}}"#
        );
        assert_eq!(
            row(&v, 1, GraphsonVersion::V3),
            r#"{"result":{"@type":"g:Vertex","@value":{"id":"dseg:/person/1","label":"person","properties":{"name":[{"@type":"g:VertexProperty","@value":{"id":{"@type":"g:Int64","@value":1},"value":"marko","label":"name"}}],"location":[{"@type":"g:VertexProperty","@value":{"id":{"@type":"g:Int64","@value":7},"value":"santa fe","label":"location","properties":{"startTime":{"@type":"g:Int32","@value":2005}}}}]}}}}"#
        );
    }
}
