//! The values a graph request answers with, independent of the GraphSON version they
//! are written in: scalars with their Java type (a `g:Int32` and a `g:Int64` differ),
//! collections, and the graph structures (vertices, edges, properties, paths).

use core::cmp::Ordering;

use uuid::Uuid;

/// A graph value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A Java `short` (`gx:Int16`).
    Int16(i16),
    /// A Java `int` (`g:Int32`).
    Int32(i32),
    /// A Java `long` (`g:Int64`).
    Int64(i64),
    /// A Java `float` (`g:Float`).
    Float(f32),
    /// A Java `double` (`g:Double`).
    Double(f64),
    /// A `BigInteger`, as its decimal digits (`gx:BigInteger`).
    BigInteger(String),
    /// A `BigDecimal`, as its decimal text (`gx:BigDecimal`).
    BigDecimal(String),
    /// A string.
    Text(String),
    /// A UUID (`g:UUID`).
    Uuid(Uuid),
    /// An instant in ISO-8601 (`gx:Instant`, e.g. `2016-12-14T16:39:19.349Z`).
    Instant(String),
    /// A date `yyyy-mm-dd` (`gx:LocalDate`).
    LocalDate(String),
    /// A time of day (`gx:LocalTime`).
    LocalTime(String),
    /// An ISO-8601 duration (`gx:Duration`, e.g. `P2DT3H4M5.5S`).
    Duration(String),
    /// Bytes (`gx:ByteBuffer`, base64 in JSON).
    Blob(Vec<u8>),
    /// An IP address (`gx:InetAddress`).
    Inet(String),
    /// A point in WKT (`dse:Point`).
    Point(String),
    /// A line string in WKT (`dse:LineString`).
    LineString(String),
    /// A polygon in WKT (`dse:Polygon`).
    Polygon(String),
    /// A list.
    List(Vec<Value>),
    /// A set (elements in the order given).
    Set(Vec<Value>),
    /// A map, entries in order.
    Map(Vec<(Value, Value)>),
    /// A bulk set: each value with its count (`g:BulkSet` in GraphSON 3.0; expanded to a
    /// list before).
    BulkSet(Vec<(Value, i64)>),
    /// A token: `T.id`, `T.label`, ... or a `Direction` (`valueMap(true)`,
    /// `elementMap()` keys).
    Token(Token),
    /// A vertex.
    Vertex(Vertex),
    /// An edge.
    Edge(Edge),
    /// A vertex property.
    VertexProperty(VertexProperty),
    /// An edge's property or a meta-property.
    Property(Property),
    /// A path.
    Path(Path),
}

/// `T` and `Direction` tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// `T.id`.
    Id,
    /// `T.label`.
    Label,
    /// `T.key`.
    Key,
    /// `T.value`.
    Value,
    /// `Direction.IN`.
    In,
    /// `Direction.OUT`.
    Out,
}

impl Token {
    /// The token's name in GraphSON (`id`, `label`, ..., `IN`, `OUT`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Label => "label",
            Self::Key => "key",
            Self::Value => "value",
            Self::In => "IN",
            Self::Out => "OUT",
        }
    }

    /// Whether it is a `Direction` rather than a `T`.
    pub fn is_direction(self) -> bool {
        matches!(self, Self::In | Self::Out)
    }
}

/// A vertex with its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Vertex {
    /// Its id.
    pub id: Box<Value>,
    /// Its label.
    pub label: String,
    /// Its properties in order (several may share a key: multi-properties).
    pub properties: Vec<VertexProperty>,
}

/// An edge with its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Its id.
    pub id: Box<Value>,
    /// Its label.
    pub label: String,
    /// The outgoing vertex's id.
    pub out_v: Box<Value>,
    /// The outgoing vertex's label.
    pub out_v_label: String,
    /// The incoming vertex's id.
    pub in_v: Box<Value>,
    /// The incoming vertex's label.
    pub in_v_label: String,
    /// Its properties.
    pub properties: Vec<Property>,
}

/// A vertex property with its meta-properties.
#[derive(Debug, Clone, PartialEq)]
pub struct VertexProperty {
    /// Its id.
    pub id: Box<Value>,
    /// Its key (GraphSON's `label`).
    pub label: String,
    /// Its value.
    pub value: Box<Value>,
    /// Its meta-properties.
    pub properties: Vec<Property>,
}

/// A key and a value: an edge's property or a vertex property's meta-property.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The key.
    pub key: String,
    /// The value.
    pub value: Box<Value>,
}

/// A traversal's path: each step's object with the step labels given to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The labels of each object.
    pub labels: Vec<Vec<String>>,
    /// The objects.
    pub objects: Vec<Value>,
}

impl Value {
    /// A text value.
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    /// The number as an `f64`, for a numeric value.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Int16(n) => Some(f64::from(*n)),
            Self::Int32(n) => Some(f64::from(*n)),
            Self::Int64(n) => Some(*n as f64),
            Self::Float(n) => Some(f64::from(*n)),
            Self::Double(n) => Some(*n),
            Self::BigInteger(s) | Self::BigDecimal(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The integer, for an integral value that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int16(n) => Some(i64::from(*n)),
            Self::Int32(n) => Some(i64::from(*n)),
            Self::Int64(n) => Some(*n),
            Self::BigInteger(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Text(s) => Some(s),
            _ => None,
        }
    }

    fn is_number(&self) -> bool {
        self.as_f64().is_some()
    }

    /// A rank per kind, so values of different kinds still sort deterministically.
    fn rank(&self) -> u8 {
        match self {
            Self::Null => 0,
            Self::Bool(_) => 1,
            v if v.is_number() => 2,
            Self::Text(_) => 3,
            Self::Uuid(_) => 4,
            Self::Instant(_) | Self::LocalDate(_) | Self::LocalTime(_) | Self::Duration(_) => 5,
            _ => 6,
        }
    }
}

/// Compares two values as Gremlin's predicates do: numbers by value whatever their
/// type, strings, booleans, UUIDs and temporal texts within their kind; `None` when the
/// two cannot be compared.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    use Value as V;
    match (a, b) {
        (V::Null, V::Null) => Some(Ordering::Equal),
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(y)),
        (V::Text(x), V::Text(y)) => Some(x.cmp(y)),
        (V::Uuid(x), V::Uuid(y)) => Some(x.cmp(y)),
        (V::Instant(x), V::Instant(y))
        | (V::LocalDate(x), V::LocalDate(y))
        | (V::LocalTime(x), V::LocalTime(y)) => Some(x.cmp(y)),
        _ => match (a.as_i64(), b.as_i64()) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
        },
    }
}

/// Whether two values are equal as Gremlin compares them: numbers by value (an int 1
/// equals a long 1), everything else structurally.
pub fn same(a: &Value, b: &Value) -> bool {
    if a.is_number() && b.is_number() {
        return compare(a, b) == Some(Ordering::Equal);
    }
    match (a, b) {
        (Value::List(x), Value::List(y)) | (Value::Set(x), Value::Set(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        _ => a == b,
    }
}

/// A total order for sorting: [`compare`] where it answers, else by kind.
pub fn sort_order(a: &Value, b: &Value) -> Ordering {
    compare(a, b).unwrap_or_else(|| a.rank().cmp(&b.rank()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_across_types() {
        assert!(same(&Value::Int32(1), &Value::Int64(1)));
        assert!(same(&Value::Double(2.0), &Value::Int16(2)));
        assert!(!same(&Value::Int32(1), &Value::text("1")));
        assert_eq!(
            compare(&Value::Int64(3), &Value::Double(2.5)),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(&Value::text("a"), &Value::Int32(1)), None);
        assert_eq!(
            sort_order(&Value::text("a"), &Value::Int32(1)),
            Ordering::Greater
        );
        assert!(same(
            &Value::List(vec![Value::Int32(1)]),
            &Value::List(vec![Value::Int64(1)])
        ));
    }
}
