//! Graph elements and tokens: vertices, edges, properties, paths, traversers, `T` and
//! `Direction`.

use alloc::string::String;
use alloc::vec::Vec;

use super::GraphValue;

/// A vertex: its id, label and properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Vertex {
    /// The id (a map for DSE 6.7 and older, a string such as `dseg:/person/1` for core
    /// graphs, a number for TinkerGraph).
    pub id: GraphValue,
    /// The label (`vertex` when the result had none).
    pub label: String,
    /// The properties by name, each with its values (a name can have several, and each
    /// value its own meta-properties), in the order they arrived.
    pub properties: Vec<(String, Vec<VertexProperty>)>,
}

impl Vertex {
    /// A vertex with no properties.
    pub fn new(id: impl Into<GraphValue>, label: impl Into<String>) -> Self {
        Vertex {
            id: id.into(),
            label: label.into(),
            properties: Vec::new(),
        }
    }

    /// Every value of the property `key` (empty when it has none).
    pub fn properties_named(&self, key: &str) -> &[VertexProperty] {
        self.properties
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&[], |(_, props)| props.as_slice())
    }

    /// The first value of the property `key`.
    pub fn property(&self, key: &str) -> Option<&VertexProperty> {
        self.properties_named(key).first()
    }

    /// The value of the first property named `key`.
    pub fn value(&self, key: &str) -> Option<&GraphValue> {
        self.property(key).map(|p| &p.value)
    }
}

/// One value of a vertex property, with its meta-properties.
#[derive(Debug, Clone, PartialEq)]
pub struct VertexProperty {
    /// The property's own id, when the result carried one (the Python driver drops it).
    pub id: Option<GraphValue>,
    /// The property name.
    pub label: String,
    /// The value.
    pub value: GraphValue,
    /// Meta-properties: properties of this property value, by name.
    pub properties: Vec<(String, GraphValue)>,
}

impl VertexProperty {
    /// A property value without id or meta-properties.
    pub fn new(label: impl Into<String>, value: impl Into<GraphValue>) -> Self {
        VertexProperty {
            id: None,
            label: label.into(),
            value: value.into(),
            properties: Vec::new(),
        }
    }

    /// The meta-property `key`.
    pub fn meta(&self, key: &str) -> Option<&GraphValue> {
        lookup(&self.properties, key)
    }
}

/// An edge: its id, label, the two vertices it joins, and its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// The id.
    pub id: GraphValue,
    /// The label (the Python driver's GraphSON 2/3 reader defaults a missing one to
    /// `vertex`, and so does this one).
    pub label: String,
    /// The id of the vertex the edge points to.
    pub in_v: GraphValue,
    /// The label of the vertex the edge points to.
    pub in_v_label: String,
    /// The id of the vertex the edge starts from.
    pub out_v: GraphValue,
    /// The label of the vertex the edge starts from.
    pub out_v_label: String,
    /// The properties by name with their values (a `g:Property` is unwrapped to its value).
    pub properties: Vec<(String, GraphValue)>,
}

impl Edge {
    /// The property `key`.
    pub fn property(&self, key: &str) -> Option<&GraphValue> {
        lookup(&self.properties, key)
    }

    /// The vertex the edge points to, as the Python driver's GraphSON 2/3 readers make it
    /// (no properties).
    pub fn in_vertex(&self) -> Vertex {
        Vertex::new(self.in_v.clone(), self.in_v_label.clone())
    }

    /// The vertex the edge starts from (no properties).
    pub fn out_vertex(&self) -> Vertex {
        Vertex::new(self.out_v.clone(), self.out_v_label.clone())
    }
}

/// A property outside a vertex (`g:Property`): an edge property or a meta-property.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The property name.
    pub key: String,
    /// The value.
    pub value: GraphValue,
}

/// A path through the graph: the objects visited and, for each, the step labels it carries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Path {
    /// For each object, the labels (`as(...)`) given to it; often empty.
    pub labels: Vec<Vec<String>>,
    /// The objects (vertices, edges, property values...) in order.
    pub objects: Vec<GraphValue>,
}

/// A traversal result with its bulk (`g:Traverser`): `value` stands for `bulk` equal results.
#[derive(Debug, Clone, PartialEq)]
pub struct Traverser {
    /// How many results this one stands for.
    pub bulk: i64,
    /// The result.
    pub value: GraphValue,
}

/// A Gremlin token naming an element's built-in fields (`g:T`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum T {
    /// The element id.
    Id,
    /// A property's key.
    Key,
    /// The element label.
    Label,
    /// A property's value.
    Value,
}

impl T {
    /// The GraphSON name: `id`, `key`, `label`, `value`.
    pub fn name(self) -> &'static str {
        match self {
            T::Id => "id",
            T::Key => "key",
            T::Label => "label",
            T::Value => "value",
        }
    }

    /// The token of a GraphSON name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "id" => T::Id,
            "key" => T::Key,
            "label" => T::Label,
            "value" => T::Value,
            _ => return None,
        })
    }
}

/// An edge direction (`g:Direction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Outgoing edges.
    Out,
    /// Incoming edges.
    In,
    /// Both.
    Both,
}

impl Direction {
    /// The GraphSON name: `OUT`, `IN`, `BOTH`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Out => "OUT",
            Direction::In => "IN",
            Direction::Both => "BOTH",
        }
    }

    /// The direction of a GraphSON name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "OUT" => Direction::Out,
            "IN" => Direction::In,
            "BOTH" => Direction::Both,
            _ => return None,
        })
    }
}

fn lookup<'a>(pairs: &'a [(String, GraphValue)], key: &str) -> Option<&'a GraphValue> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}
