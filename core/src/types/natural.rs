//! The natural CQL type of a [`CqlValue`]: the type it is written as when no metadata
//! names the column's type (the bound values of a simple statement).

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::date_range::DATE_RANGE_CLASS;
use super::geo::{LINESTRING_CLASS, POINT_CLASS, POLYGON_CLASS};
use super::{ColumnType, CqlValue};

impl CqlValue {
    /// The CQL type this value is of on its own: `Int(_)` → `int`, `List([Text(_)])` →
    /// `list<text>`, a UDT → its fields' natural types. `None` for [`CqlValue::Empty`],
    /// which fits every type. Element types come from the first element (or are `blob`
    /// for empty collections, whose element type the wire does not carry); a
    /// [`CqlValue::Counter`] is a `bigint` (counter updates bind `bigint` deltas), a
    /// [`CqlValue::Custom`] a `blob` (the same bytes); the DSE values are the custom type of
    /// their marshal class.
    pub fn natural_type(&self) -> Option<ColumnType> {
        use ColumnType as T;
        use CqlValue as V;
        fn first(items: &[CqlValue]) -> ColumnType {
            items
                .iter()
                .find_map(CqlValue::natural_type)
                .unwrap_or(ColumnType::Blob)
        }
        fn or_blob(v: Option<&CqlValue>) -> ColumnType {
            v.and_then(CqlValue::natural_type)
                .unwrap_or(ColumnType::Blob)
        }
        Some(match self {
            V::Ascii(_) => T::Ascii,
            V::BigInt(_) | V::Counter(_) => T::BigInt,
            V::Blob(_) | V::Custom(_) => T::Blob,
            V::Boolean(_) => T::Boolean,
            V::Decimal(_) => T::Decimal,
            V::Double(_) => T::Double,
            V::Float(_) => T::Float,
            V::Int(_) => T::Int,
            V::Timestamp(_) => T::Timestamp,
            V::Uuid(_) => T::Uuid,
            V::Text(_) => T::Text,
            V::Varint(_) => T::Varint,
            V::Timeuuid(_) => T::Timeuuid,
            V::Inet(_) => T::Inet,
            V::Date(_) => T::Date,
            V::Time(_) => T::Time,
            V::SmallInt(_) => T::SmallInt,
            V::TinyInt(_) => T::TinyInt,
            V::Duration(_) => T::Duration,
            V::List(items) => T::List(Box::new(first(items))),
            V::Set(items) => T::Set(Box::new(first(items))),
            V::Map(entries) => T::Map(
                Box::new(
                    entries
                        .iter()
                        .find_map(|(k, _)| k.natural_type())
                        .unwrap_or(T::Blob),
                ),
                Box::new(
                    entries
                        .iter()
                        .find_map(|(_, v)| v.natural_type())
                        .unwrap_or(T::Blob),
                ),
            ),
            V::Udt {
                keyspace,
                name,
                fields,
            } => T::Udt {
                keyspace: keyspace.clone(),
                name: name.clone(),
                fields: fields
                    .iter()
                    .map(|(n, v)| (n.clone(), or_blob(v.as_ref())))
                    .collect::<Vec<_>>(),
            },
            V::Tuple(items) => T::Tuple(items.iter().map(|v| or_blob(v.as_ref())).collect()),
            V::Vector(items) => T::Vector {
                element: Box::new(first(items)),
                dimensions: u32::try_from(items.len()).unwrap_or(u32::MAX),
            },
            V::Point(_) => T::Custom(POINT_CLASS.into()),
            V::LineString(_) => T::Custom(LINESTRING_CLASS.into()),
            V::Polygon(_) => T::Custom(POLYGON_CLASS.into()),
            V::DateRange(_) => T::Custom(DATE_RANGE_CLASS.into()),
            V::Empty => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::serialize::serialize_natural;
    use crate::types::{SerializeError, SerializeRow, SerializeValue, SerializedValues, Unset};
    use alloc::collections::BTreeMap;
    use alloc::string::{String, ToString};
    use alloc::vec;

    #[test]
    fn natural_types_of_rust_and_cql_values() {
        assert_eq!(1i32.natural_type(), Some(ColumnType::Int));
        assert_eq!("x".natural_type(), Some(ColumnType::Text));
        assert_eq!(
            vec![1i64, 2].natural_type(),
            Some(ColumnType::List(Box::new(ColumnType::BigInt)))
        );
        assert_eq!(None::<i32>.natural_type(), None);
        assert_eq!(
            (1i8, None::<String>).natural_type(),
            Some(ColumnType::Tuple(vec![
                ColumnType::TinyInt,
                ColumnType::Blob
            ]))
        );
        let m: BTreeMap<String, f64> = BTreeMap::new();
        assert_eq!(
            m.natural_type(),
            Some(ColumnType::Map(
                Box::new(ColumnType::Blob),
                Box::new(ColumnType::Blob)
            ))
        );
        assert_eq!(
            CqlValue::Set(vec![CqlValue::Ascii("a".into())]).natural_type(),
            Some(ColumnType::Set(Box::new(ColumnType::Ascii)))
        );
        assert_eq!(CqlValue::Empty.natural_type(), None);
    }

    #[test]
    fn natural_serialization_of_values_and_rows() {
        let mut out = Vec::new();
        serialize_natural(&7i32, &mut out).unwrap();
        assert_eq!(out, [0, 0, 0, 4, 0, 0, 0, 7]);
        out.clear();
        serialize_natural(&None::<i32>, &mut out).unwrap();
        assert_eq!(out, (-1i32).to_be_bytes());
        out.clear();
        serialize_natural(&Unset, &mut out).unwrap();
        assert_eq!(out, (-2i32).to_be_bytes());

        let mut values = SerializedValues::new();
        (1i32, "a", Unset).serialize_natural(&mut values).unwrap();
        assert_eq!(values.len(), 3);
        assert!(!values.is_named());

        let mut named = SerializedValues::new();
        let row: [(&str, &dyn SerializeValue); 2] = [("k", &1i32), ("v", &"x")];
        row.serialize_natural(&mut named).unwrap();
        assert!(named.is_named());
        let names: Vec<_> = named.iter().map(|(n, _)| n).collect();
        assert_eq!(names, [Some("k"), Some("v")]);
    }

    #[test]
    fn values_without_a_natural_type_ask_for_metadata() {
        struct Opaque;
        impl SerializeValue for Opaque {
            fn serialize(&self, typ: &ColumnType, _: &mut Vec<u8>) -> Result<(), SerializeError> {
                Err(SerializeError::mismatch("Opaque", typ))
            }
        }
        let err = serialize_natural(&Opaque, &mut Vec::new()).unwrap_err();
        assert_eq!(err, SerializeError::NeedsMetadata("Opaque"));
        let mut values = SerializedValues::new();
        let err = (1i32, Opaque).serialize_natural(&mut values).unwrap_err();
        assert!(err.to_string().contains("#1"), "{err}");
    }
}
