//! CQL tuples and user-defined types as graph values (`dse:Tuple`, `dse:UDT`), with the type
//! definitions GraphSON 3.0 carries next to their values.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::GraphValue;
use crate::types::ColumnType;
use crate::types::geo::{LINESTRING_CLASS, POINT_CLASS, POLYGON_CLASS};

/// The type of a tuple element or UDT field as GraphSON 3.0 describes it:
/// `{"fieldName"?, "cqlType", "keyspace"?, "name"?, "definition"?}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeDefinition {
    /// The field name, for a UDT field.
    pub field_name: Option<String>,
    /// The CQL type name: `int`, `text`, `list`, `tuple`, `udt`, or a marshal class for the
    /// geometry types.
    pub cql_type: String,
    /// The keyspace of a UDT.
    pub keyspace: Option<String>,
    /// The name of a UDT.
    pub name: Option<String>,
    /// The element types of a collection, tuple or UDT (`None`: the key is absent).
    pub definition: Option<Vec<TypeDefinition>>,
}

impl TypeDefinition {
    /// A type with no parameters (`int`, `text`...).
    pub fn simple(cql_type: impl Into<String>) -> Self {
        TypeDefinition {
            field_name: None,
            cql_type: cql_type.into(),
            keyspace: None,
            name: None,
            definition: None,
        }
    }

    /// A parameterised type (`list`, `set`, `map`, `tuple`) with its element types.
    pub fn with_elements(cql_type: impl Into<String>, elements: Vec<TypeDefinition>) -> Self {
        TypeDefinition {
            definition: Some(elements),
            ..TypeDefinition::simple(cql_type)
        }
    }

    /// A user-defined type with its fields (each carrying its field name).
    pub fn udt(
        keyspace: impl Into<String>,
        name: impl Into<String>,
        fields: Vec<TypeDefinition>,
    ) -> Self {
        TypeDefinition {
            field_name: None,
            cql_type: String::from("udt"),
            keyspace: Some(keyspace.into()),
            name: Some(name.into()),
            definition: Some(fields),
        }
    }

    /// This type as the UDT field `name`.
    pub fn field(mut self, name: impl Into<String>) -> Self {
        self.field_name = Some(name.into());
        self
    }

    /// The definition of a CQL type, as the Python driver builds a UDT field's from schema
    /// metadata (`frozen` left out).
    pub fn from_column_type(typ: &ColumnType) -> Self {
        let of = TypeDefinition::from_column_type;
        match typ {
            ColumnType::List(e) => TypeDefinition::with_elements("list", alloc::vec![of(e)]),
            ColumnType::Set(e) => TypeDefinition::with_elements("set", alloc::vec![of(e)]),
            ColumnType::Map(k, v) => {
                TypeDefinition::with_elements("map", alloc::vec![of(k), of(v)])
            }
            ColumnType::Tuple(items) => {
                TypeDefinition::with_elements("tuple", items.iter().map(of).collect())
            }
            ColumnType::Udt {
                keyspace,
                name,
                fields,
            } => TypeDefinition::udt(
                keyspace.clone(),
                name.clone(),
                fields.iter().map(|(n, t)| of(t).field(n.clone())).collect(),
            ),
            ColumnType::Custom(class) => TypeDefinition::simple(class.clone()),
            other => TypeDefinition::simple(other.to_string()),
        }
    }

    /// The definition the Python driver derives from a value: `int` for an integer up to
    /// `2^32 - 1` written as `g:Int32` and `bigint` beyond, `float` for a Python float,
    /// `text`, the geometry marshal classes, a collection with the definition of its first
    /// element (or first entry), a tuple's or UDT's own. `None` for null and for values
    /// that are not parameters (elements, tokens).
    pub fn of_value(value: &GraphValue) -> Option<Self> {
        use GraphValue as V;
        let simple = |name: &str| Some(TypeDefinition::simple(name));
        match value {
            V::Bool(_) => simple("boolean"),
            V::Int16(_) => simple("smallint"),
            V::Int32(_) => simple("int"),
            V::Int64(_) => simple("bigint"),
            V::BigInteger(i) => simple(if python_int_is_int32(i) {
                "int"
            } else {
                "bigint"
            }),
            V::Float(_) => simple("float"),
            V::Double(_) => simple("double"),
            V::BigDecimal(_) => simple("bigdecimal"),
            V::String(_) => simple("text"),
            V::Uuid(_) => simple("uuid"),
            V::Instant(_) => simple("timestamp"),
            V::LocalDate(_) => simple("date"),
            V::LocalTime(_) => simple("time"),
            V::Duration(_) | V::DseDuration(_) => simple("duration"),
            V::Blob(_) => simple("blob"),
            V::Inet(_) => simple("inet"),
            V::Point(_) => simple(POINT_CLASS),
            V::LineString(_) => simple(LINESTRING_CLASS),
            V::Polygon(_) => simple(POLYGON_CLASS),
            V::List(items) => first_of("list", items.first().map(core::slice::from_ref)),
            V::Set(items) => first_of("set", items.first().map(core::slice::from_ref)),
            V::Map(entries) => {
                let mut defs = Vec::new();
                if let Some((k, v)) = entries.first() {
                    defs.push(TypeDefinition::of_value(k)?);
                    defs.push(TypeDefinition::of_value(v)?);
                }
                Some(TypeDefinition::with_elements("map", defs))
            }
            V::Tuple(t) => Some(TypeDefinition::with_elements("tuple", t.definition.clone())),
            V::Udt(u) => Some(u.type_definition()),
            _ => None,
        }
    }
}

fn first_of(cql_type: &str, first: Option<&[GraphValue]>) -> Option<TypeDefinition> {
    let mut defs = Vec::new();
    for v in first.unwrap_or_default() {
        defs.push(TypeDefinition::of_value(v)?);
    }
    Some(TypeDefinition::with_elements(cql_type, defs))
}

/// Whether the Python driver tags this integer `g:Int32`: `-2^31 ..= 2^32 - 1`.
pub(crate) fn python_int_is_int32(i: &super::BigInteger) -> bool {
    i.to_i64()
        .is_some_and(|v| (-(1i64 << 31)..=(1i64 << 32) - 1).contains(&v))
}

/// A CQL tuple value with the definition of each element (`dse:Tuple`).
#[derive(Debug, Clone, PartialEq)]
pub struct GraphTuple {
    /// The type of each element.
    pub definition: Vec<TypeDefinition>,
    /// The elements.
    pub values: Vec<GraphValue>,
}

impl GraphTuple {
    /// A tuple of `values`, each element's definition derived from its value as the Python
    /// driver does ([`TypeDefinition::of_value`]). An element with no such definition (a
    /// null) gets an empty `cqlType`; GraphSON 3.0 cannot write a null anyway.
    pub fn new(values: Vec<GraphValue>) -> Self {
        let definition = values
            .iter()
            .map(|v| TypeDefinition::of_value(v).unwrap_or_else(|| TypeDefinition::simple("")))
            .collect();
        GraphTuple { definition, values }
    }
}

/// A CQL user-defined type value with its definition (`dse:UDT`).
#[derive(Debug, Clone, PartialEq)]
pub struct GraphUdt {
    /// The keyspace the type lives in (the graph's keyspace).
    pub keyspace: String,
    /// The type name.
    pub name: String,
    /// The fields' definitions in declaration order, each with its field name.
    pub definition: Vec<TypeDefinition>,
    /// The field values, in the order of `definition`.
    pub values: Vec<GraphValue>,
}

impl GraphUdt {
    /// An empty value of the type `keyspace.name`; add fields with [`field`](Self::field).
    pub fn new(keyspace: impl Into<String>, name: impl Into<String>) -> Self {
        GraphUdt {
            keyspace: keyspace.into(),
            name: name.into(),
            definition: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Adds the field `name` of type `typ` holding `value` (declaration order).
    pub fn field(
        mut self,
        name: impl Into<String>,
        typ: TypeDefinition,
        value: impl Into<GraphValue>,
    ) -> Self {
        self.definition.push(typ.field(name));
        self.values.push(value.into());
        self
    }

    /// The value of the field `name`.
    pub fn get(&self, name: &str) -> Option<&GraphValue> {
        self.fields().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The fields as (name, value) pairs, in declaration order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &GraphValue)> {
        self.definition
            .iter()
            .map(|d| d.field_name.as_deref().unwrap_or_default())
            .zip(&self.values)
    }

    /// The definition of this UDT type (`cqlType` `udt` with keyspace, name and fields).
    pub fn type_definition(&self) -> TypeDefinition {
        TypeDefinition::udt(
            self.keyspace.clone(),
            self.name.clone(),
            self.definition.clone(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::value::BigInteger;
    use alloc::boxed::Box;
    use alloc::vec;

    #[test]
    fn definitions_from_values() {
        let tuple = GraphTuple::new(vec![
            GraphValue::BigInteger(BigInteger::from(1i64)),
            GraphValue::BigInteger(BigInteger::from(1i64 << 32)),
            GraphValue::Float(2.5),
            GraphValue::List(vec![GraphValue::String("x".into())]),
            GraphValue::List(vec![]),
        ]);
        let names: Vec<&str> = tuple
            .definition
            .iter()
            .map(|d| d.cql_type.as_str())
            .collect();
        assert_eq!(names, ["int", "bigint", "float", "list", "list"]);
        assert_eq!(
            tuple.definition[3].definition,
            Some(vec![TypeDefinition::simple("text")])
        );
        assert_eq!(tuple.definition[4].definition, Some(vec![]));
        assert_eq!(TypeDefinition::of_value(&GraphValue::Null), None);
    }

    #[test]
    fn definitions_from_column_types() {
        let address = ColumnType::Udt {
            keyspace: "ks".into(),
            name: "address".into(),
            fields: vec![
                ("street".into(), ColumnType::Text),
                ("zip".into(), ColumnType::Int),
            ],
        };
        let def = TypeDefinition::from_column_type(&ColumnType::List(Box::new(address)));
        assert_eq!(def.cql_type, "list");
        let inner = &def.definition.as_ref().unwrap()[0];
        assert_eq!(inner.cql_type, "udt");
        assert_eq!(inner.name.as_deref(), Some("address"));
        let fields = inner.definition.as_ref().unwrap();
        assert_eq!(fields[1].field_name.as_deref(), Some("zip"));
        assert_eq!(fields[1].cql_type, "int");
    }
}
