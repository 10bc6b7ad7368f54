//! serde for graph values (feature `serde`): `Serialize` for [`GraphValue`] and a
//! `serde::Deserializer` over `&GraphValue`, so results read straight into user types.
//!
//! The serde form of each kind of value is in the [module docs](super#serde).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde::ser::{self, SerializeMap, SerializeSeq};

use super::{GraphValue, VertexProperty};

/// A graph value could not be read into the requested type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);

impl de::Error for ValueError {
    fn custom<M: core::fmt::Display>(msg: M) -> Self {
        ValueError(msg.to_string())
    }
}

impl GraphValue {
    /// Reads this value into `D` (see the [table](super#serde) for the serde form of each
    /// kind), e.g. a struct from a map or from a vertex's properties.
    pub fn deserialize_into<'a, D: de::Deserialize<'a>>(&'a self) -> Result<D, ValueError> {
        D::deserialize(GraphValueDeserializer::new(self))
    }
}

/// A `serde::Deserializer` over a borrowed [`GraphValue`].
#[derive(Debug, Clone, Copy)]
pub struct GraphValueDeserializer<'a>(Node<'a>);

impl<'a> GraphValueDeserializer<'a> {
    /// A deserializer reading `value`.
    pub fn new(value: &'a GraphValue) -> Self {
        GraphValueDeserializer(Node::Value(value))
    }
}

impl<'a> IntoDeserializer<'a, ValueError> for &'a GraphValue {
    type Deserializer = GraphValueDeserializer<'a>;

    fn into_deserializer(self) -> Self::Deserializer {
        GraphValueDeserializer::new(self)
    }
}

/// What a deserializer stands on: a value, or one of the synthetic pieces of an element's
/// map view.
#[derive(Debug, Clone, Copy)]
enum Node<'a> {
    Value(&'a GraphValue),
    Str(&'a str),
    I64(i64),
    PropertyValues(&'a [VertexProperty]),
    Labels(&'a [Vec<String>]),
    Strings(&'a [String]),
    Values(&'a [GraphValue]),
}

impl<'a> IntoDeserializer<'a, ValueError> for Node<'a> {
    type Deserializer = GraphValueDeserializer<'a>;

    fn into_deserializer(self) -> Self::Deserializer {
        GraphValueDeserializer(self)
    }
}

type Entries<'a> = Vec<(Node<'a>, Node<'a>)>;

fn entry<'a>(key: &'a str, value: Node<'a>) -> (Node<'a>, Node<'a>) {
    (Node::Str(key), value)
}

fn visit_map<'a, V: Visitor<'a>>(entries: Entries<'a>, visitor: V) -> Result<V::Value, ValueError> {
    let mut map = MapDeserializer::new(entries.into_iter());
    let value = visitor.visit_map(&mut map)?;
    map.end()?;
    Ok(value)
}

fn visit_seq<'a, V: Visitor<'a>, I: Iterator<Item = Node<'a>>>(
    items: I,
    visitor: V,
) -> Result<V::Value, ValueError> {
    let mut seq = SeqDeserializer::new(items);
    let value = visitor.visit_seq(&mut seq)?;
    seq.end()?;
    Ok(value)
}

/// The map view of a vertex or edge: properties, plus `id` and `label` unless a property has
/// that name.
fn element_entries<'a>(
    id: &'a GraphValue,
    label: &'a str,
    names: impl Iterator<Item = &'a str> + Clone,
    mut properties: Entries<'a>,
) -> Entries<'a> {
    let mut entries = Vec::with_capacity(properties.len() + 2);
    if !names.clone().any(|n| n == "id") {
        entries.push(entry("id", Node::Value(id)));
    }
    if !names.clone().any(|n| n == "label") {
        entries.push(entry("label", Node::Str(label)));
    }
    entries.append(&mut properties);
    entries
}

impl<'a> GraphValueDeserializer<'a> {
    fn any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        let value = match self.0 {
            Node::Value(v) => v,
            Node::Str(s) => return visitor.visit_borrowed_str(s),
            Node::I64(i) => return visitor.visit_i64(i),
            Node::PropertyValues(props) => {
                return visit_seq(props.iter().map(|p| Node::Value(&p.value)), visitor);
            }
            Node::Labels(labels) => {
                return visit_seq(labels.iter().map(|l| Node::Strings(l)), visitor);
            }
            Node::Strings(strings) => {
                return visit_seq(strings.iter().map(|s| Node::Str(s)), visitor);
            }
            Node::Values(values) => return visit_seq(values.iter().map(Node::Value), visitor),
        };
        use GraphValue as G;
        match value {
            G::Null => visitor.visit_unit(),
            G::Bool(b) => visitor.visit_bool(*b),
            G::Int16(i) => visitor.visit_i16(*i),
            G::Int32(i) => visitor.visit_i32(*i),
            G::Int64(i) => visitor.visit_i64(*i),
            G::BigInteger(i) => match (i.to_i64(), i.as_str().parse::<u64>()) {
                (Some(v), _) => visitor.visit_i64(v),
                (None, Ok(v)) => visitor.visit_u64(v),
                _ => visitor.visit_borrowed_str(i.as_str()),
            },
            G::Float(f) | G::Double(f) => visitor.visit_f64(*f),
            G::BigDecimal(d) => visitor.visit_borrowed_str(d.as_str()),
            G::String(s) => visitor.visit_borrowed_str(s),
            G::List(items) | G::Set(items) => visit_seq(items.iter().map(Node::Value), visitor),
            G::Tuple(t) => visit_seq(t.values.iter().map(Node::Value), visitor),
            G::Map(entries) => visit_map(
                entries
                    .iter()
                    .map(|(k, v)| (Node::Value(k), Node::Value(v)))
                    .collect(),
                visitor,
            ),
            G::BulkSet(entries) => visit_map(
                entries
                    .iter()
                    .map(|(k, n)| (Node::Value(k), Node::I64(*n)))
                    .collect(),
                visitor,
            ),
            G::Udt(u) => visit_map(
                u.fields().map(|(n, v)| entry(n, Node::Value(v))).collect(),
                visitor,
            ),
            G::DseDuration(d) => visit_map(
                alloc::vec![
                    entry("months", Node::I64(i64::from(d.months))),
                    entry("days", Node::I64(i64::from(d.days))),
                    entry("nanos", Node::I64(d.nanoseconds)),
                ],
                visitor,
            ),
            G::Vertex(v) => {
                let properties = v
                    .properties
                    .iter()
                    .map(|(name, values)| match values.as_slice() {
                        [single] => entry(name, Node::Value(&single.value)),
                        many => entry(name, Node::PropertyValues(many)),
                    })
                    .collect();
                let names = v.properties.iter().map(|(n, _)| n.as_str());
                visit_map(element_entries(&v.id, &v.label, names, properties), visitor)
            }
            G::Edge(e) => {
                let properties = e
                    .properties
                    .iter()
                    .map(|(name, value)| entry(name, Node::Value(value)))
                    .collect();
                let names = e.properties.iter().map(|(n, _)| n.as_str());
                visit_map(element_entries(&e.id, &e.label, names, properties), visitor)
            }
            G::VertexProperty(p) => GraphValueDeserializer::new(&p.value).any(visitor),
            G::Property(p) => GraphValueDeserializer::new(&p.value).any(visitor),
            G::Path(p) => visit_map(
                alloc::vec![
                    entry("labels", Node::Labels(&p.labels)),
                    entry("objects", Node::Values(&p.objects)),
                ],
                visitor,
            ),
            G::Traverser(t) => visit_map(
                alloc::vec![
                    entry("bulk", Node::I64(t.bulk)),
                    entry("value", Node::Value(&t.value))
                ],
                visitor,
            ),
            G::Blob(b) => visitor.visit_borrowed_bytes(b),
            G::T(t) => visitor.visit_borrowed_str(t.name()),
            G::Direction(d) => visitor.visit_borrowed_str(d.name()),
            G::Uuid(u) => visitor.visit_string(u.hyphenated().to_string()),
            G::Instant(i) => visitor.visit_string(i.to_string()),
            G::LocalDate(d) => visitor.visit_string(d.to_string()),
            G::LocalTime(t) => visitor.visit_string(t.to_string()),
            G::Duration(d) => visitor.visit_string(d.to_string()),
            G::Inet(a) => visitor.visit_string(a.to_string()),
            G::Point(p) => visitor.visit_string(p.to_string()),
            G::LineString(l) => visitor.visit_string(l.to_string()),
            G::Polygon(p) => visitor.visit_string(p.to_string()),
        }
    }
}

impl<'de> de::Deserializer<'de> for GraphValueDeserializer<'de> {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Node::Value(GraphValue::Null) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Node::Value(GraphValue::Null) => visitor.visit_unit(),
            _ => self.any(visitor),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        let name = match self.0 {
            Node::Str(s) => s,
            Node::Value(GraphValue::String(s)) => s.as_str(),
            Node::Value(GraphValue::T(t)) => t.name(),
            Node::Value(GraphValue::Direction(d)) => d.name(),
            Node::Value(other) => {
                return Err(ValueError(alloc::format!(
                    "a {} cannot be read as an enum (only unit variants, from their names)",
                    other.kind()
                )));
            }
            _ => return Err(ValueError("this value cannot be read as an enum".into())),
        };
        visitor.visit_enum(name.into_deserializer())
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        seq tuple tuple_struct map struct identifier
    }
}

impl ser::Serialize for GraphValue {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use GraphValue as G;
        match self {
            G::Null => s.serialize_none(),
            G::Bool(b) => s.serialize_bool(*b),
            G::Int16(i) => s.serialize_i16(*i),
            G::Int32(i) => s.serialize_i32(*i),
            G::Int64(i) => s.serialize_i64(*i),
            G::BigInteger(i) => match (i.to_i64(), i.as_str().parse::<u64>()) {
                (Some(v), _) => s.serialize_i64(v),
                (None, Ok(v)) => s.serialize_u64(v),
                _ => s.serialize_str(i.as_str()),
            },
            G::Float(f) | G::Double(f) => s.serialize_f64(*f),
            G::BigDecimal(d) => s.serialize_str(d.as_str()),
            G::String(v) => s.serialize_str(v),
            G::List(items) | G::Set(items) => s.collect_seq(items),
            G::Tuple(t) => s.collect_seq(&t.values),
            G::Map(entries) => s.collect_map(entries.iter().map(|(k, v)| (k, v))),
            G::BulkSet(entries) => s.collect_map(entries.iter().map(|(k, n)| (k, n))),
            G::Udt(u) => s.collect_map(u.fields()),
            G::DseDuration(d) => {
                let mut m = s.serialize_map(Some(3))?;
                m.serialize_entry("months", &d.months)?;
                m.serialize_entry("days", &d.days)?;
                m.serialize_entry("nanos", &d.nanoseconds)?;
                m.end()
            }
            G::Vertex(v) => {
                let mut m = s.serialize_map(Some(3))?;
                m.serialize_entry("id", &v.id)?;
                m.serialize_entry("label", &v.label)?;
                m.serialize_entry("properties", &NamedProperties(&v.properties))?;
                m.end()
            }
            G::Edge(e) => {
                let mut m = s.serialize_map(Some(7))?;
                m.serialize_entry("id", &e.id)?;
                m.serialize_entry("label", &e.label)?;
                m.serialize_entry("inV", &e.in_v)?;
                m.serialize_entry("inVLabel", &e.in_v_label)?;
                m.serialize_entry("outV", &e.out_v)?;
                m.serialize_entry("outVLabel", &e.out_v_label)?;
                m.serialize_entry("properties", &Pairs(&e.properties))?;
                m.end()
            }
            G::VertexProperty(p) => serialize_vertex_property(p, s),
            G::Property(p) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("key", &p.key)?;
                m.serialize_entry("value", &p.value)?;
                m.end()
            }
            G::Path(p) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("labels", &p.labels)?;
                m.serialize_entry("objects", &p.objects)?;
                m.end()
            }
            G::Traverser(t) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("bulk", &t.bulk)?;
                m.serialize_entry("value", &t.value)?;
                m.end()
            }
            G::Blob(b) => s.serialize_bytes(b),
            G::T(t) => s.serialize_str(t.name()),
            G::Direction(d) => s.serialize_str(d.name()),
            G::Uuid(u) => s.collect_str(&u.hyphenated()),
            G::Instant(i) => s.collect_str(i),
            G::LocalDate(d) => s.collect_str(d),
            G::LocalTime(t) => s.collect_str(t),
            G::Duration(d) => s.collect_str(d),
            G::Inet(a) => s.collect_str(a),
            G::Point(p) => s.collect_str(p),
            G::LineString(l) => s.collect_str(l),
            G::Polygon(p) => s.collect_str(p),
        }
    }
}

fn serialize_vertex_property<S: ser::Serializer>(
    p: &VertexProperty,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(None)?;
    if let Some(id) = &p.id {
        m.serialize_entry("id", id)?;
    }
    m.serialize_entry("label", &p.label)?;
    m.serialize_entry("value", &p.value)?;
    m.serialize_entry("properties", &Pairs(&p.properties))?;
    m.end()
}

/// String-keyed pairs as a map.
struct Pairs<'a>(&'a [(String, GraphValue)]);

impl ser::Serialize for Pairs<'_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A vertex's properties: name to the list of its values.
struct NamedProperties<'a>(&'a [(String, Vec<VertexProperty>)]);

impl ser::Serialize for NamedProperties<'_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (name, values) in self.0 {
            m.serialize_entry(name, &PropertyList(values))?;
        }
        m.end()
    }
}

struct PropertyList<'a>(&'a [VertexProperty]);

impl ser::Serialize for PropertyList<'_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for p in self.0 {
            seq.serialize_element(&VertexPropertyRef(p))?;
        }
        seq.end()
    }
}

struct VertexPropertyRef<'a>(&'a VertexProperty);

impl ser::Serialize for VertexPropertyRef<'_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_vertex_property(self.0, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::value::{Vertex, VertexProperty};
    use alloc::vec;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Person<'a> {
        id: i64,
        name: &'a str,
        age: Option<i32>,
        nicknames: Vec<String>,
    }

    #[test]
    fn struct_from_vertex_properties() {
        let mut vertex = Vertex::new(7i64, "person");
        vertex.properties = vec![
            ("name".into(), vec![VertexProperty::new("name", "marko")]),
            (
                "nicknames".into(),
                vec![
                    VertexProperty::new("nicknames", "m"),
                    VertexProperty::new("nicknames", "mk"),
                ],
            ),
        ];
        let value = GraphValue::from(vertex);
        let person: Person<'_> = value.deserialize_into().unwrap();
        assert_eq!(
            person,
            Person {
                id: 7,
                name: "marko",
                age: None,
                nicknames: vec!["m".into(), "mk".into()],
            }
        );
    }

    #[test]
    fn struct_from_map_and_errors() {
        #[derive(Deserialize)]
        struct Row {
            count: u8,
            kind: Kind,
        }
        #[derive(Deserialize, Debug, PartialEq)]
        #[serde(rename_all = "lowercase")]
        enum Kind {
            Id,
            Label,
        }
        let map = GraphValue::map([
            ("count", GraphValue::Int64(3)),
            ("kind", GraphValue::T(crate::graph::value::T::Label)),
        ]);
        let row: Row = map.deserialize_into().unwrap();
        assert_eq!((row.count, row.kind), (3, Kind::Label));
        let too_big = GraphValue::map([("count", GraphValue::Int64(300)), ("kind", "id".into())]);
        assert!(too_big.deserialize_into::<Row>().is_err());
    }
}
