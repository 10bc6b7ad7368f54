//! The typed graph value model: what GraphSON 1.0, 2.0 and 3.0 decode to and what graph query
//! parameters and traversal arguments are made of.
//!
//! # Numbers
//!
//! Rust integers keep their width: an `i32` is [`GraphValue::Int32`] (`g:Int32`), an `i64`
//! [`GraphValue::Int64`] (`g:Int64`), an `i16` [`GraphValue::Int16`] (`gx:Int16`).
//! [`GraphValue::BigInteger`] is an integer without a width, what a Python `int` is: it is
//! written the way the Python driver writes one (see [`BigInteger`]).
//!
//! A Rust `f64` is [`GraphValue::Double`] (`g:Double`), which DSE reads without narrowing; an
//! `f32` is [`GraphValue::Float`] (`g:Float`). The Python driver writes every Python float as
//! `g:Float` with all its 64-bit digits: [`GraphValue::Float`] holds an `f64` so that form can
//! be written exactly. Choose `Float` for requests byte-identical to that driver's.
//!
//! # Reading values
//!
//! Accessors answer `None` when the value is of another kind: [`GraphValue::as_str`],
//! [`GraphValue::as_i64`], [`GraphValue::get`] (a map entry, a vertex or edge property, a
//! UDT field), [`GraphValue::vertex`]... With the `serde` feature, a value deserializes into
//! any `serde::Deserialize` type (`GraphValue::deserialize_into`, below).
//!
//! # serde
//!
//! How a value deserializes (`deserialize_any`):
//!
//! | value | serde form |
//! |-------|------------|
//! | null | unit (`None` for an `Option`) |
//! | integers, floats, booleans, strings | the same (a big integer beyond 64 bits as its digits) |
//! | list, set, tuple | a sequence |
//! | map | a map; a UDT a map of its fields; a bulk set a map of value to count |
//! | vertex | a map of its properties (a single value as itself, several as a sequence), plus `id` and `label` unless a property has that name |
//! | edge | a map of its properties, plus `id` and `label` likewise |
//! | vertex property, property | its value |
//! | path | a map `{labels, objects}`; a traverser `{bulk, value}` |
//! | UUID, instant, date, time, duration, inet, geometry, big decimal | its text form |
//! | DSE duration | a map `{months, days, nanos}` |
//! | blob | bytes |
//! | `T`, direction | their names (`id`, `OUT`), also as unit enum variants |
//!
//! `Serialize` writes the structure as it is: a vertex as `{id, label, properties}` with
//! every property value and its meta-properties, an edge with `inV`/`outV` and their labels.

mod composite;
mod element;
mod number;
#[cfg(feature = "serde")]
mod serde;
mod time;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::IpAddr;

use uuid::Uuid;

pub(crate) use composite::python_int_is_int32;
pub use composite::{GraphTuple, GraphUdt, TypeDefinition};
pub use element::{Direction, Edge, Path, Property, T, Traverser, Vertex, VertexProperty};
pub use number::{BigDecimal, BigInteger, InvalidNumber};
#[cfg(feature = "serde")]
pub use serde::{GraphValueDeserializer, ValueError};
pub use time::{Instant, JavaDuration, LocalDate, LocalTime};

use crate::types::CqlDuration;
use crate::types::geo::{LineString, Point, Polygon};

/// A graph value: a GraphSON scalar, collection, CQL composite, graph element or token.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GraphValue {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A 16-bit integer (`gx:Int16`, CQL `smallint`).
    Int16(i16),
    /// A 32-bit integer (`g:Int32`, CQL `int`).
    Int32(i32),
    /// A 64-bit integer (`g:Int64`, CQL `bigint`).
    Int64(i64),
    /// An integer of any size without a declared width (`gx:BigInteger`, a Python `int`).
    BigInteger(BigInteger),
    /// A float tagged `g:Float`; the payload is an `f64` because the Python driver writes its
    /// 64-bit floats with this tag.
    Float(f64),
    /// A 64-bit float (`g:Double`, CQL `double`).
    Double(f64),
    /// A decimal of any precision (`gx:BigDecimal`).
    BigDecimal(BigDecimal),
    /// A string.
    String(String),
    /// A list (`g:List`, or a JSON array).
    List(Vec<GraphValue>),
    /// A set (`g:Set`), in the order it arrived.
    Set(Vec<GraphValue>),
    /// A map with keys of any kind (`g:Map`, or a JSON object with string keys), in order.
    Map(Vec<(GraphValue, GraphValue)>),
    /// A bulk set (`g:BulkSet`): each value with how many times it occurs.
    BulkSet(Vec<(GraphValue, i64)>),
    /// A UUID (`g:UUID`).
    Uuid(Uuid),
    /// A UTC instant (`gx:Instant`; `g:Date` and `g:Timestamp` read as one).
    Instant(Instant),
    /// A date (`gx:LocalDate`).
    LocalDate(LocalDate),
    /// A time of day (`gx:LocalTime`).
    LocalTime(LocalTime),
    /// An exact duration (`gx:Duration`, Java `Duration`, Python `timedelta`).
    Duration(JavaDuration),
    /// A CQL duration: months, days, nanoseconds (`dse:Duration`).
    DseDuration(CqlDuration),
    /// Bytes (`gx:ByteBuffer`, `dse:Blob`).
    Blob(Vec<u8>),
    /// An IP address (`gx:InetAddress`).
    Inet(IpAddr),
    /// A point (`dse:Point`).
    Point(Point),
    /// A linestring (`dse:LineString`).
    LineString(LineString),
    /// A polygon (`dse:Polygon`).
    Polygon(Box<Polygon>),
    /// A CQL tuple (`dse:Tuple`).
    Tuple(Box<GraphTuple>),
    /// A CQL user-defined type value (`dse:UDT`).
    Udt(Box<GraphUdt>),
    /// A `T` token (`g:T`), as the keys of `valueMap(true)`.
    T(T),
    /// An edge direction (`g:Direction`).
    Direction(Direction),
    /// A vertex (`g:Vertex`).
    Vertex(Box<Vertex>),
    /// An edge (`g:Edge`).
    Edge(Box<Edge>),
    /// A vertex property value (`g:VertexProperty`).
    VertexProperty(Box<VertexProperty>),
    /// A property (`g:Property`).
    Property(Box<Property>),
    /// A path (`g:Path`).
    Path(Box<Path>),
    /// A traverser: a value with a bulk (`g:Traverser`).
    Traverser(Box<Traverser>),
}

impl GraphValue {
    /// Bytes (`gx:ByteBuffer`).
    pub fn blob(bytes: impl Into<Vec<u8>>) -> Self {
        GraphValue::Blob(bytes.into())
    }

    /// A map from (key, value) pairs.
    pub fn map<K: Into<GraphValue>, V: Into<GraphValue>>(
        entries: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        GraphValue::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// A set of values (kept in the given order).
    pub fn set<V: Into<GraphValue>>(items: impl IntoIterator<Item = V>) -> Self {
        GraphValue::Set(items.into_iter().map(Into::into).collect())
    }

    /// A tuple of values, definitions derived from them ([`GraphTuple::new`]).
    pub fn tuple(values: Vec<GraphValue>) -> Self {
        GraphValue::Tuple(Box::new(GraphTuple::new(values)))
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, GraphValue::Null)
    }

    /// A boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            GraphValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// An integer of any width that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            GraphValue::Int16(v) => Some(i64::from(*v)),
            GraphValue::Int32(v) => Some(i64::from(*v)),
            GraphValue::Int64(v) => Some(*v),
            GraphValue::BigInteger(v) => v.to_i64(),
            _ => None,
        }
    }

    /// A number of any kind as an `f64` (integers beyond 2^53 rounded).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            GraphValue::Float(v) | GraphValue::Double(v) => Some(*v),
            GraphValue::BigInteger(v) => v.as_str().parse().ok(),
            other => other.as_i64().map(|v| v as f64),
        }
    }

    /// A string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            GraphValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements of a list or set.
    pub fn as_list(&self) -> Option<&[GraphValue]> {
        match self {
            GraphValue::List(items) | GraphValue::Set(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a map.
    pub fn as_map(&self) -> Option<&[(GraphValue, GraphValue)]> {
        match self {
            GraphValue::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// A UUID.
    pub fn as_uuid(&self) -> Option<Uuid> {
        match self {
            GraphValue::Uuid(u) => Some(*u),
            _ => None,
        }
    }

    /// An instant.
    pub fn as_instant(&self) -> Option<Instant> {
        match self {
            GraphValue::Instant(i) => Some(*i),
            _ => None,
        }
    }

    /// Bytes.
    pub fn as_blob(&self) -> Option<&[u8]> {
        match self {
            GraphValue::Blob(b) => Some(b),
            _ => None,
        }
    }

    /// A vertex.
    pub fn vertex(&self) -> Option<&Vertex> {
        match self {
            GraphValue::Vertex(v) => Some(v),
            _ => None,
        }
    }

    /// An edge.
    pub fn edge(&self) -> Option<&Edge> {
        match self {
            GraphValue::Edge(e) => Some(e),
            _ => None,
        }
    }

    /// A vertex property.
    pub fn vertex_property(&self) -> Option<&VertexProperty> {
        match self {
            GraphValue::VertexProperty(p) => Some(p),
            _ => None,
        }
    }

    /// A property.
    pub fn property(&self) -> Option<&Property> {
        match self {
            GraphValue::Property(p) => Some(p),
            _ => None,
        }
    }

    /// A path.
    pub fn path(&self) -> Option<&Path> {
        match self {
            GraphValue::Path(p) => Some(p),
            _ => None,
        }
    }

    /// The value under `key`: a map entry with that string key, a vertex's first property
    /// value of that name, an edge property, a vertex property's meta-property, a UDT field,
    /// or a property's value when its key is `key`.
    pub fn get(&self, key: &str) -> Option<&GraphValue> {
        match self {
            GraphValue::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            GraphValue::Vertex(v) => v.value(key),
            GraphValue::Edge(e) => e.property(key),
            GraphValue::VertexProperty(p) => p.meta(key),
            GraphValue::Udt(u) => u.get(key),
            GraphValue::Property(p) if p.key == key => Some(&p.value),
            _ => None,
        }
    }

    /// The element at `index` of a list, set or tuple.
    pub fn at(&self, index: usize) -> Option<&GraphValue> {
        match self {
            GraphValue::List(items) | GraphValue::Set(items) => items.get(index),
            GraphValue::Tuple(t) => t.values.get(index),
            _ => None,
        }
    }

    /// What kind of value this is, for messages: `null`, `int32`, `vertex`...
    pub fn kind(&self) -> &'static str {
        match self {
            GraphValue::Null => "null",
            GraphValue::Bool(_) => "boolean",
            GraphValue::Int16(_) => "int16",
            GraphValue::Int32(_) => "int32",
            GraphValue::Int64(_) => "int64",
            GraphValue::BigInteger(_) => "big integer",
            GraphValue::Float(_) => "float",
            GraphValue::Double(_) => "double",
            GraphValue::BigDecimal(_) => "big decimal",
            GraphValue::String(_) => "string",
            GraphValue::List(_) => "list",
            GraphValue::Set(_) => "set",
            GraphValue::Map(_) => "map",
            GraphValue::BulkSet(_) => "bulk set",
            GraphValue::Uuid(_) => "uuid",
            GraphValue::Instant(_) => "instant",
            GraphValue::LocalDate(_) => "local date",
            GraphValue::LocalTime(_) => "local time",
            GraphValue::Duration(_) => "duration",
            GraphValue::DseDuration(_) => "DSE duration",
            GraphValue::Blob(_) => "blob",
            GraphValue::Inet(_) => "inet address",
            GraphValue::Point(_) => "point",
            GraphValue::LineString(_) => "linestring",
            GraphValue::Polygon(_) => "polygon",
            GraphValue::Tuple(_) => "tuple",
            GraphValue::Udt(_) => "UDT",
            GraphValue::T(_) => "T token",
            GraphValue::Direction(_) => "direction",
            GraphValue::Vertex(_) => "vertex",
            GraphValue::Edge(_) => "edge",
            GraphValue::VertexProperty(_) => "vertex property",
            GraphValue::Property(_) => "property",
            GraphValue::Path(_) => "path",
            GraphValue::Traverser(_) => "traverser",
        }
    }
}

macro_rules! from_impls {
    ($($t:ty => |$v:ident| $e:expr;)*) => {
        $(impl From<$t> for GraphValue {
            fn from($v: $t) -> Self {
                $e
            }
        })*
    };
}

from_impls! {
    bool => |v| GraphValue::Bool(v);
    i8 => |v| GraphValue::Int16(i16::from(v));
    u8 => |v| GraphValue::Int16(i16::from(v));
    i16 => |v| GraphValue::Int16(v);
    u16 => |v| GraphValue::Int32(i32::from(v));
    i32 => |v| GraphValue::Int32(v);
    u32 => |v| GraphValue::Int64(i64::from(v));
    i64 => |v| GraphValue::Int64(v);
    u64 => |v| i64::try_from(v).map_or_else(|_| GraphValue::BigInteger(v.into()), GraphValue::Int64);
    f32 => |v| GraphValue::Float(f64::from(v));
    f64 => |v| GraphValue::Double(v);
    &str => |v| GraphValue::String(v.into());
    String => |v| GraphValue::String(v);
    BigInteger => |v| GraphValue::BigInteger(v);
    BigDecimal => |v| GraphValue::BigDecimal(v);
    Uuid => |v| GraphValue::Uuid(v);
    Instant => |v| GraphValue::Instant(v);
    LocalDate => |v| GraphValue::LocalDate(v);
    LocalTime => |v| GraphValue::LocalTime(v);
    JavaDuration => |v| GraphValue::Duration(v);
    CqlDuration => |v| GraphValue::DseDuration(v);
    IpAddr => |v| GraphValue::Inet(v);
    Point => |v| GraphValue::Point(v);
    LineString => |v| GraphValue::LineString(v);
    Polygon => |v| GraphValue::Polygon(Box::new(v));
    GraphTuple => |v| GraphValue::Tuple(Box::new(v));
    GraphUdt => |v| GraphValue::Udt(Box::new(v));
    T => |v| GraphValue::T(v);
    Direction => |v| GraphValue::Direction(v);
    Vertex => |v| GraphValue::Vertex(Box::new(v));
    Edge => |v| GraphValue::Edge(Box::new(v));
    VertexProperty => |v| GraphValue::VertexProperty(Box::new(v));
    Property => |v| GraphValue::Property(Box::new(v));
    Path => |v| GraphValue::Path(Box::new(v));
}

impl<V: Into<GraphValue>> From<Vec<V>> for GraphValue {
    fn from(items: Vec<V>) -> Self {
        GraphValue::List(items.into_iter().map(Into::into).collect())
    }
}

impl<V: Into<GraphValue>> From<Option<V>> for GraphValue {
    fn from(v: Option<V>) -> Self {
        v.map_or(GraphValue::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn accessors() {
        let mut vertex = Vertex::new(1i64, "person");
        vertex.properties.push((
            "name".into(),
            vec![
                VertexProperty::new("name", "marko"),
                VertexProperty::new("name", "m"),
            ],
        ));
        let v = GraphValue::from(vertex);
        assert_eq!(v.get("name").and_then(GraphValue::as_str), Some("marko"));
        assert_eq!(v.vertex().unwrap().properties_named("name").len(), 2);
        assert_eq!(v.vertex().unwrap().id.as_i64(), Some(1));
        let map = GraphValue::map([("a", 1i32), ("b", 2i32)]);
        assert_eq!(map.get("b").and_then(GraphValue::as_i64), Some(2));
        assert_eq!(map.get("c"), None);
        assert_eq!(
            GraphValue::from(vec![1i32, 2]).at(1),
            Some(&GraphValue::Int32(2))
        );
        assert_eq!(GraphValue::from(2.5f32).as_f64(), Some(2.5));
        assert!(GraphValue::from(None::<i32>).is_null());
        assert_eq!(GraphValue::from(u64::MAX).kind(), "big integer");
        let udt = GraphUdt::new("ks", "address").field("zip", TypeDefinition::simple("int"), 5i32);
        assert_eq!(
            GraphValue::from(udt).get("zip"),
            Some(&GraphValue::Int32(5))
        );
    }

    #[test]
    fn value_stays_small() {
        assert!(core::mem::size_of::<GraphValue>() <= 32);
    }
}
