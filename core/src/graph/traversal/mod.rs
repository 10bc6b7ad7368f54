//! Gremlin traversals built in Rust and written as bytecode GraphSON (the `bytecode-json`
//! graph language), as the Python driver's fluent API (`DseGraph`) writes them.
//!
//! ```
//! use cql_core::graph::graphson::GraphsonVersion;
//! use cql_core::graph::predicate::P;
//! use cql_core::graph::traversal::{__, Order, g};
//!
//! let t = g()
//!     .v()
//!     .has_label(&["person"])
//!     .has("age", P::gt(30i32))
//!     .where_(__().out(&["created"]))
//!     .order()
//!     .by_order("name", Order::Desc)
//!     .values(&["name"]);
//! let json = t.to_graphson(GraphsonVersion::V2).unwrap();
//! assert!(json.starts_with(r#"{"@type":"g:Bytecode","@value":{"step":[["V"],["hasLabel","person"]"#));
//! ```
//!
//! Steps take their arguments as [`Argument`]s: values convert (`&str`, integers, floats,
//! [`GraphValue`], `T`...), and so do [`Predicate`]s, anonymous traversals ([`__`]) and
//! tokens ([`Order`], [`Scope`], [`Cardinality`], [`Column`], [`Pop`]). A step this builder
//! lacks is [`GraphTraversal::step`]. Rust integers keep their width (`limit` and `range`
//! take `i64`, written `g:Int64` as Java's signatures have it).

mod bytecode;

use alloc::string::String;
use alloc::vec::Vec;

pub use bytecode::{
    Argument, Bytecode, Cardinality, Column, Instruction, Order, Pop, Scope, Token,
};

use crate::graph::graphson::{EncodeError, GraphsonVersion};
use crate::graph::predicate::Predicate;
use crate::graph::value::{BigDecimal, BigInteger, Direction, GraphValue, T};

/// A graph traversal source, `g`: where traversals start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphTraversalSource {
    source: Vec<Instruction>,
}

/// The traversal source `g`.
pub fn g() -> GraphTraversalSource {
    GraphTraversalSource::default()
}

/// An anonymous traversal (Gremlin's `__`), for steps that take a traversal argument:
/// `where_(__().out(&["knows"]))`.
pub fn __() -> GraphTraversal {
    GraphTraversal::default()
}

impl GraphTraversalSource {
    /// Adds a source instruction (`withSideEffect`, `withStrategies`...).
    pub fn with(mut self, operator: &str, arguments: Vec<Argument>) -> Self {
        self.source.push(Instruction::new(operator, arguments));
        self
    }

    fn start(&self, operator: &str, arguments: Vec<Argument>) -> GraphTraversal {
        GraphTraversal {
            bytecode: Bytecode {
                source: self.source.clone(),
                step: alloc::vec![Instruction::new(operator, arguments)],
            },
        }
    }

    /// `V()`: every vertex.
    pub fn v(&self) -> GraphTraversal {
        self.start("V", Vec::new())
    }

    /// `V(ids...)`: the vertices with these ids.
    pub fn v_ids<I: Into<GraphValue>>(&self, ids: impl IntoIterator<Item = I>) -> GraphTraversal {
        self.start("V", values(ids))
    }

    /// `E()`: every edge.
    pub fn e(&self) -> GraphTraversal {
        self.start("E", Vec::new())
    }

    /// `E(ids...)`: the edges with these ids.
    pub fn e_ids<I: Into<GraphValue>>(&self, ids: impl IntoIterator<Item = I>) -> GraphTraversal {
        self.start("E", values(ids))
    }

    /// `addV(label)`: adds a vertex.
    pub fn add_v(&self, label: &str) -> GraphTraversal {
        self.start("addV", strings(&[label]))
    }

    /// `addE(label)`: adds an edge (give its ends with `from_` and `to`).
    pub fn add_e(&self, label: &str) -> GraphTraversal {
        self.start("addE", strings(&[label]))
    }
}

/// A traversal being built: its bytecode grows one step per call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphTraversal {
    bytecode: Bytecode,
}

fn values<I: Into<GraphValue>>(items: impl IntoIterator<Item = I>) -> Vec<Argument> {
    items
        .into_iter()
        .map(|v| Argument::Value(v.into()))
        .collect()
}

fn strings(items: &[&str]) -> Vec<Argument> {
    items
        .iter()
        .map(|s| Argument::Value(GraphValue::String(String::from(*s))))
        .collect()
}

macro_rules! no_argument_steps {
    ($($(#[$doc:meta])* $method:ident => $op:literal;)*) => {
        $($(#[$doc])* pub fn $method(self) -> Self {
            self.step($op, Vec::new())
        })*
    };
}

macro_rules! string_steps {
    ($($(#[$doc:meta])* $method:ident => $op:literal;)*) => {
        $($(#[$doc])* pub fn $method(self, names: &[&str]) -> Self {
            self.step($op, strings(names))
        })*
    };
}

macro_rules! one_argument_steps {
    ($($(#[$doc:meta])* $method:ident => $op:literal;)*) => {
        $($(#[$doc])* pub fn $method(self, argument: impl Into<Argument>) -> Self {
            self.step($op, alloc::vec![argument.into()])
        })*
    };
}

impl GraphTraversal {
    /// Appends the step `operator` with `arguments` (for steps without a method here).
    pub fn step(mut self, operator: &str, arguments: Vec<Argument>) -> Self {
        self.bytecode
            .step
            .push(Instruction::new(operator, arguments));
        self
    }

    /// The bytecode built so far.
    pub fn bytecode(&self) -> &Bytecode {
        &self.bytecode
    }

    /// The bytecode, consuming the traversal.
    pub fn into_bytecode(self) -> Bytecode {
        self.bytecode
    }

    /// The traversal as bytecode GraphSON of `version` (2.0 or 3.0): the query text of a
    /// `bytecode-json` graph statement.
    pub fn to_graphson(&self, version: GraphsonVersion) -> Result<String, EncodeError> {
        self.bytecode.to_graphson(version)
    }

    /// `has(key, value)`: the property `key` equals `value`, or passes the predicate.
    pub fn has(self, key: &str, value: impl Into<Argument>) -> Self {
        self.step(
            "has",
            alloc::vec![Argument::Value(key.into()), value.into()],
        )
    }

    /// `has(label, key, value)`: the label is `label` and the property `key` matches.
    pub fn has_with_label(self, label: &str, key: &str, value: impl Into<Argument>) -> Self {
        let mut arguments = strings(&[label, key]);
        arguments.push(value.into());
        self.step("has", arguments)
    }

    /// `has(key)`: the property `key` exists.
    pub fn has_key(self, key: &str) -> Self {
        self.step("has", strings(&[key]))
    }

    /// `hasId(ids...)`.
    pub fn has_id<I: Into<GraphValue>>(self, ids: impl IntoIterator<Item = I>) -> Self {
        self.step("hasId", values(ids))
    }

    /// `valueMap(true, keys...)`: the property map with the `T.id` and `T.label` tokens.
    pub fn value_map_with_tokens(self, keys: &[&str]) -> Self {
        let mut arguments = alloc::vec![Argument::Value(GraphValue::Bool(true))];
        arguments.extend(strings(keys));
        self.step("valueMap", arguments)
    }

    /// `property(key, value)`: sets a property (`key` a name or `T::Id`...).
    pub fn property(self, key: impl Into<Argument>, value: impl Into<Argument>) -> Self {
        self.step("property", alloc::vec![key.into(), value.into()])
    }

    /// `property(cardinality, key, value)`.
    pub fn property_with_cardinality(
        self,
        cardinality: Cardinality,
        key: impl Into<Argument>,
        value: impl Into<Argument>,
    ) -> Self {
        self.step(
            "property",
            alloc::vec![cardinality.into(), key.into(), value.into()],
        )
    }

    /// `limit(n)`.
    pub fn limit(self, n: i64) -> Self {
        self.step("limit", alloc::vec![Argument::Value(GraphValue::Int64(n))])
    }

    /// `range(low, high)`.
    pub fn range(self, low: i64, high: i64) -> Self {
        self.step(
            "range",
            alloc::vec![
                Argument::Value(GraphValue::Int64(low)),
                Argument::Value(GraphValue::Int64(high))
            ],
        )
    }

    /// `by()`: the modulator without argument (the object itself).
    pub fn by_identity(self) -> Self {
        self.step("by", Vec::new())
    }

    /// `by(key_or_traversal, order)`.
    pub fn by_order(self, by: impl Into<Argument>, order: Order) -> Self {
        self.step("by", alloc::vec![by.into(), order.into()])
    }

    /// `addV(label)` in the middle of a traversal.
    pub fn add_v(self, label: &str) -> Self {
        self.step("addV", strings(&[label]))
    }

    /// `addE(label)` in the middle of a traversal.
    pub fn add_e(self, label: &str) -> Self {
        self.step("addE", strings(&[label]))
    }

    no_argument_steps! {
        /// `otherV()`.
        other_v => "otherV";
        /// `outV()`.
        out_v => "outV";
        /// `inV()`.
        in_v => "inV";
        /// `bothV()`.
        both_v => "bothV";
        /// `drop()`.
        drop => "drop";
        /// `count()`.
        count => "count";
        /// `order()`.
        order => "order";
        /// `dedup()`.
        dedup => "dedup";
        /// `path()`.
        path => "path";
        /// `fold()`.
        fold => "fold";
        /// `unfold()`.
        unfold => "unfold";
        /// `group()`.
        group => "group";
        /// `groupCount()`.
        group_count => "groupCount";
        /// `id()`.
        id => "id";
        /// `label()`.
        label => "label";
        /// `key()`.
        key => "key";
        /// `value()`.
        value => "value";
        /// `identity()`.
        identity => "identity";
        /// `simplePath()`.
        simple_path => "simplePath";
        /// `sum()`.
        sum => "sum";
        /// `max()`.
        max => "max";
        /// `min()`.
        min => "min";
        /// `mean()`.
        mean => "mean";
        /// `emit()`.
        emit => "emit";
    }

    string_steps! {
        /// `hasLabel(labels...)`.
        has_label => "hasLabel";
        /// `out(edge labels...)`: adjacent vertices over outgoing edges.
        out => "out";
        /// `in(edge labels...)`: adjacent vertices over incoming edges.
        in_ => "in";
        /// `both(edge labels...)`.
        both => "both";
        /// `outE(edge labels...)`.
        out_e => "outE";
        /// `inE(edge labels...)`.
        in_e => "inE";
        /// `bothE(edge labels...)`.
        both_e => "bothE";
        /// `values(keys...)`: property values.
        values => "values";
        /// `valueMap(keys...)`.
        value_map => "valueMap";
        /// `elementMap(keys...)`.
        element_map => "elementMap";
        /// `properties(keys...)`.
        properties => "properties";
        /// `select(labels...)`.
        select => "select";
        /// `project(keys...)` (give each with `by`).
        project => "project";
        /// `hasNot(key)` (one name).
        has_not => "hasNot";
    }

    one_argument_steps! {
        /// `from(step label or traversal)`: the start of an edge being added.
        from_ => "from";
        /// `to(step label or traversal)`: the end of an edge being added.
        to => "to";
        /// `by(key, traversal, T or Order)`: modulates the previous step.
        by => "by";
        /// `as(label)`: labels the step.
        as_ => "as";
        /// `where(predicate or traversal)`.
        where_ => "where";
        /// `is(value or predicate)`.
        is => "is";
        /// `not(traversal)`.
        not => "not";
        /// `repeat(traversal)`.
        repeat => "repeat";
        /// `until(traversal or predicate)`.
        until => "until";
        /// `times(n)`.
        times => "times";
        /// `constant(value)`.
        constant => "constant";
        /// `coalesce(traversal)` (one branch; more with `step`).
        coalesce => "coalesce";
        /// `sideEffect(traversal)`.
        side_effect => "sideEffect";
        /// `tail(n)`.
        tail => "tail";
    }
}

/// Several traversals written as one query, run in one transaction (the Python driver's
/// `TraversalBatch`): a JSON array of their bytecode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraversalBatch {
    traversals: Vec<Bytecode>,
}

impl TraversalBatch {
    /// An empty batch.
    pub fn new() -> Self {
        TraversalBatch::default()
    }

    /// Adds a traversal.
    pub fn push(&mut self, traversal: GraphTraversal) {
        self.traversals.push(traversal.into_bytecode());
    }

    /// How many traversals the batch holds.
    pub fn len(&self) -> usize {
        self.traversals.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.traversals.is_empty()
    }

    /// The batch as query text: `[t1,t2,...]`, each traversal's bytecode GraphSON of
    /// `version` (2.0 or 3.0).
    pub fn to_graphson(&self, version: GraphsonVersion) -> Result<String, EncodeError> {
        let mut out = String::from("[");
        for (i, t) in self.traversals.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&t.to_graphson(version)?);
        }
        out.push(']');
        Ok(out)
    }
}

macro_rules! value_arguments {
    ($($t:ty),*) => {
        $(impl From<$t> for Argument {
            fn from(v: $t) -> Self {
                Argument::Value(v.into())
            }
        })*
    };
}

value_arguments!(
    bool,
    i8,
    u8,
    i16,
    u16,
    i32,
    u32,
    i64,
    u64,
    f32,
    f64,
    &str,
    String,
    GraphValue,
    BigInteger,
    BigDecimal,
    T,
    Direction,
    uuid::Uuid,
    crate::graph::value::Instant,
    crate::graph::value::LocalDate,
    crate::graph::value::LocalTime,
    crate::graph::value::JavaDuration,
    crate::types::CqlDuration,
    core::net::IpAddr,
    crate::types::geo::Point,
    crate::types::geo::LineString,
    crate::types::geo::Polygon
);

impl FromIterator<Bytecode> for TraversalBatch {
    fn from_iter<I: IntoIterator<Item = Bytecode>>(traversals: I) -> Self {
        TraversalBatch {
            traversals: traversals.into_iter().collect(),
        }
    }
}

impl FromIterator<GraphTraversal> for TraversalBatch {
    fn from_iter<I: IntoIterator<Item = GraphTraversal>>(traversals: I) -> Self {
        TraversalBatch {
            traversals: traversals
                .into_iter()
                .map(GraphTraversal::into_bytecode)
                .collect(),
        }
    }
}

impl From<Predicate> for Argument {
    fn from(p: Predicate) -> Self {
        Argument::Predicate(p)
    }
}

impl From<GraphTraversal> for Argument {
    fn from(t: GraphTraversal) -> Self {
        Argument::Traversal(t.into_bytecode())
    }
}

impl From<GraphTraversal> for Bytecode {
    fn from(t: GraphTraversal) -> Self {
        t.into_bytecode()
    }
}

impl From<&GraphTraversal> for Bytecode {
    fn from(t: &GraphTraversal) -> Self {
        t.bytecode.clone()
    }
}

impl From<Bytecode> for Argument {
    fn from(b: Bytecode) -> Self {
        Argument::Traversal(b)
    }
}

impl From<Token> for Argument {
    fn from(t: Token) -> Self {
        Argument::Token(t)
    }
}

#[cfg(test)]
mod tests;
