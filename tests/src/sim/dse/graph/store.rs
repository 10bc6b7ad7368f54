//! An in-memory property graph, one per graph name: vertices with multi-properties and
//! meta-properties, edges with properties.
//!
//! Ids follow DSE 6.8's Core engine in shape (strings), numbered per graph from 1 in
//! creation order:
//!
//! * a vertex: `dseg:/<label>/<n>` (`dseg:/person/1`);
//! * an edge: `dseg:/<out label>-<label>-<in label>/<out n>/<in n>`
//!   (`dseg:/person-knows-person/1/2`). As in a Core graph, where an edge is a row keyed
//!   by its two vertices, there is at most one edge of a label between two vertices in
//!   one direction: adding it again updates it;
//! * a vertex property: a `g:Int64` numbered per graph from 1.
//!
//! Vertices and edges list in creation order.

use std::collections::BTreeMap;

use super::value::{Edge, Property, Value, Vertex, VertexProperty};

/// A vertex as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct VertexRec {
    /// Its label.
    pub label: String,
    /// Its properties in the order added.
    pub props: Vec<PropRec>,
}

/// A vertex property as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PropRec {
    /// Its id.
    pub id: i64,
    /// Its key.
    pub key: String,
    /// Its value.
    pub value: Value,
    /// Its meta-properties.
    pub meta: Vec<(String, Value)>,
}

/// An edge as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRec {
    /// Its label.
    pub label: String,
    /// The outgoing vertex.
    pub out: u64,
    /// The incoming vertex.
    pub inv: u64,
    /// Its properties.
    pub props: Vec<(String, Value)>,
}

/// One graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Graph {
    vertices: BTreeMap<u64, VertexRec>,
    edges: BTreeMap<u64, EdgeRec>,
    next_vertex: u64,
    next_edge: u64,
    next_property: i64,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Vertex numbers in creation order.
    pub fn vertex_numbers(&self) -> Vec<u64> {
        self.vertices.keys().copied().collect()
    }

    /// Edge numbers in creation order.
    pub fn edge_numbers(&self) -> Vec<u64> {
        self.edges.keys().copied().collect()
    }

    /// A vertex.
    pub fn vertex(&self, n: u64) -> Option<&VertexRec> {
        self.vertices.get(&n)
    }

    /// A vertex, to change.
    pub fn vertex_mut(&mut self, n: u64) -> Option<&mut VertexRec> {
        self.vertices.get_mut(&n)
    }

    /// An edge.
    pub fn edge(&self, n: u64) -> Option<&EdgeRec> {
        self.edges.get(&n)
    }

    /// An edge, to change.
    pub fn edge_mut(&mut self, n: u64) -> Option<&mut EdgeRec> {
        self.edges.get_mut(&n)
    }

    /// Adds a vertex; returns its number.
    pub fn add_vertex(&mut self, label: &str) -> u64 {
        self.next_vertex += 1;
        let n = self.next_vertex;
        self.vertices.insert(
            n,
            VertexRec {
                label: label.to_string(),
                props: Vec::new(),
            },
        );
        n
    }

    /// Adds the edge `out -label-> inv`, or returns the one already there.
    pub fn add_edge(&mut self, label: &str, out: u64, inv: u64) -> u64 {
        if let Some((n, _)) = self
            .edges
            .iter()
            .find(|(_, e)| e.out == out && e.inv == inv && e.label == label)
        {
            return *n;
        }
        self.next_edge += 1;
        let n = self.next_edge;
        self.edges.insert(
            n,
            EdgeRec {
                label: label.to_string(),
                out,
                inv,
                props: Vec::new(),
            },
        );
        n
    }

    /// A new vertex property id.
    pub fn next_property_id(&mut self) -> i64 {
        self.next_property += 1;
        self.next_property
    }

    /// Removes a vertex and its edges.
    pub fn remove_vertex(&mut self, n: u64) {
        self.vertices.remove(&n);
        self.edges.retain(|_, e| e.out != n && e.inv != n);
    }

    /// Removes an edge.
    pub fn remove_edge(&mut self, n: u64) {
        self.edges.remove(&n);
    }

    /// The edges touching vertex `n` (`out`: leaving it; `inv`: arriving), in creation
    /// order.
    pub fn edges_of(&self, n: u64, out: bool, inv: bool) -> Vec<u64> {
        self.edges
            .iter()
            .filter(|(_, e)| (out && e.out == n) || (inv && e.inv == n))
            .map(|(k, _)| *k)
            .collect()
    }

    /// The id of vertex `n`.
    pub fn vertex_id(&self, n: u64) -> Value {
        let label = self.vertices.get(&n).map_or("vertex", |v| v.label.as_str());
        Value::Text(format!("dseg:/{label}/{n}"))
    }

    /// The id of edge `n`.
    pub fn edge_id(&self, n: u64) -> Value {
        let Some(e) = self.edges.get(&n) else {
            return Value::Null;
        };
        let label = |v: u64| self.vertices.get(&v).map_or("vertex", |v| v.label.as_str());
        Value::Text(format!(
            "dseg:/{}-{}-{}/{}/{}",
            label(e.out),
            e.label,
            label(e.inv),
            e.out,
            e.inv
        ))
    }

    /// The vertex whose id is `id` (its `dseg:/label/n` string, or `n`).
    pub fn find_vertex(&self, id: &Value) -> Option<u64> {
        let n = match id {
            Value::Text(s) => {
                let (label, n) = s.strip_prefix("dseg:/")?.rsplit_once('/')?;
                let n = n.parse().ok()?;
                (self.vertices.get(&n)?.label == label).then_some(n)?
            }
            Value::Vertex(v) => return self.find_vertex(&v.id),
            other => u64::try_from(other.as_i64()?).ok()?,
        };
        self.vertices.contains_key(&n).then_some(n)
    }

    /// The edge whose id is `id`.
    pub fn find_edge(&self, id: &Value) -> Option<u64> {
        if let Value::Edge(e) = id {
            return self.find_edge(&e.id);
        }
        self.edges
            .keys()
            .copied()
            .find(|n| crate::sim::dse::graph::value::same(&self.edge_id(*n), id))
    }

    /// Vertex `n` as a value.
    pub fn vertex_value(&self, n: u64) -> Value {
        let Some(v) = self.vertices.get(&n) else {
            return Value::Null;
        };
        Value::Vertex(Vertex {
            id: Box::new(self.vertex_id(n)),
            label: v.label.clone(),
            properties: v.props.iter().map(|p| self.prop_value(p)).collect(),
        })
    }

    /// A stored vertex property as a value.
    pub fn prop_value(&self, p: &PropRec) -> VertexProperty {
        VertexProperty {
            id: Box::new(Value::Int64(p.id)),
            label: p.key.clone(),
            value: Box::new(p.value.clone()),
            properties: p.meta.iter().map(|(k, v)| property(k, v)).collect(),
        }
    }

    /// Edge `n` as a value.
    pub fn edge_value(&self, n: u64) -> Value {
        let Some(e) = self.edges.get(&n) else {
            return Value::Null;
        };
        let label = |v: u64| {
            self.vertices
                .get(&v)
                .map_or_else(String::new, |v| v.label.clone())
        };
        Value::Edge(Edge {
            id: Box::new(self.edge_id(n)),
            label: e.label.clone(),
            out_v: Box::new(self.vertex_id(e.out)),
            out_v_label: label(e.out),
            in_v: Box::new(self.vertex_id(e.inv)),
            in_v_label: label(e.inv),
            properties: e.props.iter().map(|(k, v)| property(k, v)).collect(),
        })
    }
}

/// A key/value property.
pub fn property(key: &str, value: &Value) -> Property {
    Property {
        key: key.to_string(),
        value: Box::new(value.clone()),
    }
}

/// Every graph of a cluster, by name.
#[derive(Debug, Clone, Default)]
pub struct Graphs {
    by_name: BTreeMap<String, Graph>,
}

impl Graphs {
    /// The graph `name` (empty if nothing was written to it).
    pub fn get(&self, name: &str) -> Graph {
        self.by_name.get(name).cloned().unwrap_or_default()
    }

    /// Replaces the graph `name` (after a traversal that changed it succeeded).
    pub fn put(&mut self, name: &str, graph: Graph) {
        self.by_name.insert(name.to_string(), graph);
    }

    /// Forgets the graph `name` (its keyspace was dropped).
    pub fn remove(&mut self, name: &str) {
        self.by_name.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_core_edges() {
        let mut g = Graph::new();
        let a = g.add_vertex("person");
        let b = g.add_vertex("software");
        assert_eq!(g.vertex_id(a), Value::text("dseg:/person/1"));
        let e = g.add_edge("created", a, b);
        assert_eq!(
            g.edge_id(e),
            Value::text("dseg:/person-created-software/1/2")
        );
        assert_eq!(
            g.add_edge("created", a, b),
            e,
            "one edge per label and pair"
        );
        assert_ne!(g.add_edge("created", b, a), e);
        assert_eq!(g.find_vertex(&Value::text("dseg:/person/1")), Some(a));
        assert_eq!(g.find_vertex(&Value::text("dseg:/software/1")), None);
        assert_eq!(g.find_vertex(&Value::Int32(2)), Some(b));
        assert_eq!(g.find_edge(&g.edge_id(e)), Some(e));
        g.remove_vertex(a);
        assert!(g.edge_numbers().is_empty() && g.vertex_numbers() == [b]);
    }
}
