//! Binding a `serde::Serialize` value as the named values of a statement: [`SerdeValues`].
//!
//! The value is first serialized into serde's data model (a small tree), then each field is
//! converted to the CQL type of the bind marker of the same name, so the Rust side needs
//! no knowledge of the schema. Conversions (the reverse of the reading table in the
//! [module docs](super)):
//!
//! | serde form | CQL types |
//! |---|---|
//! | integers | `tinyint` .. `bigint`, `counter` (range checked), `varint`, `decimal`, `timestamp` (ms), `date` (days since 1970-01-01), `time` (ns) |
//! | floats | `float`, `double` |
//! | `bool` | `boolean` |
//! | strings | `ascii`, `text`; parsed for `uuid`, `timeuuid`, `inet`, `varint`, `decimal` |
//! | bytes | `blob`, custom types; 16 bytes for `uuid`, 4 or 16 for `inet` |
//! | sequences | `list`, `set`, `vector`, `tuple`, a UDT positionally, `blob` (a sequence of `u8`) |
//! | maps and structs | `map`, a UDT by field name, `duration` (`{ months, days, nanoseconds }`) |
//! | `None`, unit | null |
//! | unit enum variants | their name, as a string |
//!
//! Every bind marker needs a field and every field a bind marker
//! ([`SerializeError::MissingColumn`], [`SerializeError::UnknownColumn`]).

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::IpAddr;

use serde::ser::{self, Serialize};
use uuid::Uuid;

use crate::types::dse_types::{dse_type, parse_dse_text};
use crate::types::error::SerializeError;
use crate::types::serialize::SerializeRow;
use crate::types::value::{
    CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue, CqlVarint,
};
use crate::types::{ColumnSpec, ColumnType, SerializedValues};

/// A `serde::Serialize` struct or map bound by bind-marker name:
/// `session.execute(&prepared, SerdeValues(&user))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SerdeValues<T>(pub T);

impl<T: Serialize> SerializeRow for SerdeValues<T> {
    fn serialize_row(
        &self,
        specs: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        let fields = match self.0.serialize(PlainSerializer)? {
            Plain::Map(entries) => entries,
            Plain::Unit | Plain::Null => Vec::new(),
            _ => {
                return Err(SerializeError::Custom(
                    "SerdeValues binds a struct or a map by column name".into(),
                ));
            }
        };
        let mut named = Vec::with_capacity(fields.len());
        for (k, v) in fields {
            let Plain::Str(name) = k else {
                return Err(SerializeError::Custom(
                    "SerdeValues needs string keys (column names)".into(),
                ));
            };
            if !specs.iter().any(|s| s.name == name) {
                return Err(SerializeError::UnknownColumn(name.into()));
            }
            named.push((name, v));
        }
        for spec in specs {
            let value = named
                .iter()
                .find(|(n, _)| *n == spec.name)
                .map(|(_, v)| v)
                .ok_or_else(|| SerializeError::MissingColumn(spec.name.as_str().into()))?;
            let cql = to_cql(value, &spec.typ).map_err(|e| e.in_column(&spec.name))?;
            out.add_framed(|buf| crate::types::SerializeValue::serialize(&cql, &spec.typ, buf))
                .map_err(|e| e.in_column(&spec.name))?;
        }
        Ok(())
    }
}

/// serde's data model, as produced by [`PlainSerializer`].
#[derive(Debug, Clone, PartialEq)]
enum Plain {
    Null,
    Unit,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Seq(Vec<Plain>),
    Map(Vec<(Plain, Plain)>),
}

impl Plain {
    fn kind(&self) -> &'static str {
        match self {
            Self::Null | Self::Unit => "null",
            Self::Bool(_) => "bool",
            Self::Int(_) => "integer",
            Self::Float(_) => "float",
            Self::Str(_) => "string",
            Self::Bytes(_) => "bytes",
            Self::Seq(_) => "sequence",
            Self::Map(_) => "map",
        }
    }
}

/// Converts a serde value to the CQL value of `typ` (`None` is null).
fn to_cql(v: &Plain, typ: &ColumnType) -> Result<Option<CqlValue>, SerializeError> {
    use ColumnType as T;
    use CqlValue as V;
    let int = |i: &i128, what: &'static str| -> Result<i64, SerializeError> {
        i64::try_from(*i).map_err(|_| SerializeError::InvalidValue {
            typ: what,
            reason: "integer out of range",
        })
    };
    let narrow = |_: &i128, what: &'static str| SerializeError::InvalidValue {
        typ: what,
        reason: "integer out of range",
    };
    let parsed = |what: &'static str| SerializeError::InvalidValue {
        typ: what,
        reason: "string does not parse as this type",
    };
    Ok(Some(match (v, typ) {
        (Plain::Null | Plain::Unit, _) => return Ok(None),
        (Plain::Bool(b), T::Boolean) => V::Boolean(*b),
        (Plain::Int(i), T::TinyInt) => {
            V::TinyInt(i8::try_from(*i).map_err(|_| narrow(i, "tinyint"))?)
        }
        (Plain::Int(i), T::SmallInt) => {
            V::SmallInt(i16::try_from(*i).map_err(|_| narrow(i, "smallint"))?)
        }
        (Plain::Int(i), T::Int) => V::Int(i32::try_from(*i).map_err(|_| narrow(i, "int"))?),
        (Plain::Int(i), T::BigInt) => V::BigInt(int(i, "bigint")?),
        (Plain::Int(i), T::Counter) => V::Counter(int(i, "counter")?),
        (Plain::Int(i), T::Varint) => V::Varint(CqlVarint::from_i128(*i)),
        (Plain::Int(i), T::Decimal) => V::Decimal(CqlDecimal::from_i128(*i, 0)),
        (Plain::Int(i), T::Timestamp) => V::Timestamp(CqlTimestamp(int(i, "timestamp")?)),
        (Plain::Int(i), T::Time) => V::Time(CqlTime(int(i, "time")?)),
        (Plain::Int(i), T::Date) => {
            V::Date(CqlDate::from_days_since_epoch(int(i, "date")?).ok_or(
                SerializeError::InvalidValue {
                    typ: "date",
                    reason: "day out of range",
                },
            )?)
        }
        (Plain::Int(i), T::Float) => V::Float(*i as f32),
        (Plain::Int(i), T::Double) => V::Double(*i as f64),
        (Plain::Float(f), T::Float) => V::Float(*f as f32),
        (Plain::Float(f), T::Double) => V::Double(*f),
        (Plain::Str(s), T::Ascii) => V::Ascii(s.clone()),
        (Plain::Str(s), T::Text) => V::Text(s.clone()),
        (Plain::Str(s), T::Uuid) => V::Uuid(Uuid::try_parse(s).map_err(|_| parsed("uuid"))?),
        (Plain::Str(s), T::Timeuuid) => {
            V::Timeuuid(Uuid::try_parse(s).map_err(|_| parsed("timeuuid"))?)
        }
        (Plain::Str(s), T::Inet) => V::Inet(s.parse::<IpAddr>().map_err(|_| parsed("inet"))?),
        (Plain::Str(s), T::Varint) => V::Varint(s.parse().map_err(|_| parsed("varint"))?),
        (Plain::Str(s), T::Decimal) => V::Decimal(s.parse().map_err(|_| parsed("decimal"))?),
        (Plain::Str(s), T::Custom(_)) => match dse_type(typ) {
            Some(dse) => parse_dse_text(dse, s).map_err(parsed)?,
            None => return Err(SerializeError::mismatch(v.kind(), typ)),
        },
        (Plain::Bytes(b), T::Blob) => V::Blob(b.clone()),
        (Plain::Bytes(b), T::Custom(_)) => V::Custom(b.clone()),
        (Plain::Bytes(b), T::Uuid | T::Timeuuid) => {
            let u = Uuid::from_slice(b).map_err(|_| SerializeError::InvalidValue {
                typ: "uuid",
                reason: "needs 16 bytes",
            })?;
            if matches!(typ, T::Uuid) {
                V::Uuid(u)
            } else {
                V::Timeuuid(u)
            }
        }
        (Plain::Bytes(b), T::Inet) => V::Inet(match b.len() {
            4 => IpAddr::from(<[u8; 4]>::try_from(b.as_slice()).unwrap_or_default()),
            16 => IpAddr::from(<[u8; 16]>::try_from(b.as_slice()).unwrap_or_default()),
            _ => {
                return Err(SerializeError::InvalidValue {
                    typ: "inet",
                    reason: "needs 4 or 16 bytes",
                });
            }
        }),
        (Plain::Seq(items), T::Blob | T::Custom(_)) => {
            let bytes = items
                .iter()
                .map(|i| match i {
                    Plain::Int(b) => u8::try_from(*b).ok(),
                    _ => None,
                })
                .collect::<Option<Vec<u8>>>()
                .ok_or(SerializeError::mismatch("sequence of non-bytes", typ))?;
            if matches!(typ, T::Blob) {
                V::Blob(bytes)
            } else {
                V::Custom(bytes)
            }
        }
        (Plain::Seq(items), T::List(e) | T::Set(e) | T::Vector { element: e, .. }) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(to_cql(item, e)?.ok_or(SerializeError::NullElement("collection"))?);
            }
            match typ {
                T::List(_) => V::List(out),
                T::Set(_) => V::Set(out),
                _ => V::Vector(out),
            }
        }
        (Plain::Seq(items), T::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(SerializeError::WrongElementCount {
                    what: "tuple",
                    expected: types.len(),
                    given: items.len(),
                });
            }
            V::Tuple(
                items
                    .iter()
                    .zip(types)
                    .map(|(i, t)| to_cql(i, t))
                    .collect::<Result<_, _>>()?,
            )
        }
        (
            Plain::Seq(items),
            T::Udt {
                keyspace,
                name,
                fields,
            },
        ) => {
            if items.len() > fields.len() {
                return Err(SerializeError::WrongElementCount {
                    what: "udt",
                    expected: fields.len(),
                    given: items.len(),
                });
            }
            let mut values = Vec::with_capacity(items.len());
            for (item, (field, t)) in items.iter().zip(fields) {
                values.push((field.clone(), to_cql(item, t)?));
            }
            V::Udt {
                keyspace: keyspace.clone(),
                name: name.clone(),
                fields: values,
            }
        }
        (Plain::Map(entries), T::Map(kt, vt)) => {
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                out.push((
                    to_cql(k, kt)?.ok_or(SerializeError::NullElement("map"))?,
                    to_cql(v, vt)?.ok_or(SerializeError::NullElement("map"))?,
                ));
            }
            V::Map(out)
        }
        (
            Plain::Map(entries),
            T::Udt {
                keyspace,
                name,
                fields,
            },
        ) => {
            let mut values = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let Plain::Str(key) = k else {
                    return Err(SerializeError::mismatch("map with non-string keys", typ));
                };
                let t = fields
                    .iter()
                    .find(|(n, _)| n == key)
                    .map(|(_, t)| t)
                    .ok_or_else(|| SerializeError::UnknownField(key.as_str().into()))?;
                values.push((key.clone(), to_cql(v, t)?));
            }
            V::Udt {
                keyspace: keyspace.clone(),
                name: name.clone(),
                fields: values,
            }
        }
        (Plain::Map(entries), T::Duration) => {
            let mut d = CqlDuration {
                months: 0,
                days: 0,
                nanoseconds: 0,
            };
            for (k, v) in entries {
                let (Plain::Str(key), Plain::Int(i)) = (k, v) else {
                    return Err(SerializeError::mismatch("map", typ));
                };
                let range = SerializeError::InvalidValue {
                    typ: "duration",
                    reason: "field out of range",
                };
                match key.as_str() {
                    "months" => d.months = i32::try_from(*i).map_err(|_| range)?,
                    "days" => d.days = i32::try_from(*i).map_err(|_| range)?,
                    "nanoseconds" => d.nanoseconds = i64::try_from(*i).map_err(|_| range)?,
                    other => return Err(SerializeError::UnknownField(other.into())),
                }
            }
            V::Duration(d)
        }
        _ => return Err(SerializeError::mismatch(v.kind(), typ)),
    }))
}

/// Serializes any `Serialize` value into a [`Plain`] tree.
struct PlainSerializer;

/// Collects the elements of a sequence, tuple or tuple struct.
struct SeqCollector(Vec<Plain>);

/// Collects the entries of a map or the fields of a struct.
struct MapCollector {
    entries: Vec<(Plain, Plain)>,
    key: Option<Plain>,
}

type Result2 = Result<Plain, SerializeError>;

impl ser::Serializer for PlainSerializer {
    type Ok = Plain;
    type Error = SerializeError;
    type SerializeSeq = SeqCollector;
    type SerializeTuple = SeqCollector;
    type SerializeTupleStruct = SeqCollector;
    type SerializeTupleVariant = ser::Impossible<Plain, SerializeError>;
    type SerializeMap = MapCollector;
    type SerializeStruct = MapCollector;
    type SerializeStructVariant = ser::Impossible<Plain, SerializeError>;

    fn serialize_bool(self, v: bool) -> Result2 {
        Ok(Plain::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result2 {
        Ok(Plain::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result2 {
        Ok(Plain::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result2 {
        Ok(Plain::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result2 {
        Ok(Plain::Int(v.into()))
    }
    fn serialize_i128(self, v: i128) -> Result2 {
        Ok(Plain::Int(v))
    }
    fn serialize_u8(self, v: u8) -> Result2 {
        Ok(Plain::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result2 {
        Ok(Plain::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result2 {
        Ok(Plain::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result2 {
        Ok(Plain::Int(v.into()))
    }
    fn serialize_u128(self, v: u128) -> Result2 {
        i128::try_from(v)
            .map(Plain::Int)
            .map_err(|_| SerializeError::Custom("u128 value out of range".into()))
    }
    fn serialize_f32(self, v: f32) -> Result2 {
        Ok(Plain::Float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result2 {
        Ok(Plain::Float(v))
    }
    fn serialize_char(self, v: char) -> Result2 {
        Ok(Plain::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result2 {
        Ok(Plain::Str(v.into()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result2 {
        Ok(Plain::Bytes(v.into()))
    }
    fn serialize_none(self) -> Result2 {
        Ok(Plain::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result2 {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result2 {
        Ok(Plain::Unit)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result2 {
        Ok(Plain::Unit)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result2 {
        Ok(Plain::Str(variant.into()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result2 {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _value: &T,
    ) -> Result2 {
        Err(variant_error(name, variant))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqCollector, SerializeError> {
        Ok(SeqCollector(Vec::with_capacity(len.unwrap_or(0).min(1024))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqCollector, SerializeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqCollector, SerializeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, SerializeError> {
        Err(variant_error(name, variant))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapCollector, SerializeError> {
        Ok(MapCollector {
            entries: Vec::with_capacity(len.unwrap_or(0).min(1024)),
            key: None,
        })
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<MapCollector, SerializeError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, SerializeError> {
        Err(variant_error(name, variant))
    }
}

fn variant_error(name: &str, variant: &str) -> SerializeError {
    SerializeError::Custom(
        alloc::format!("{name}::{variant}: only unit enum variants map to CQL values").into(),
    )
}

impl ser::SerializeSeq for SeqCollector {
    type Ok = Plain;
    type Error = SerializeError;
    fn serialize_element<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), SerializeError> {
        self.0.push(value.serialize(PlainSerializer)?);
        Ok(())
    }
    fn end(self) -> Result2 {
        Ok(Plain::Seq(self.0))
    }
}

impl ser::SerializeTuple for SeqCollector {
    type Ok = Plain;
    type Error = SerializeError;
    fn serialize_element<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), SerializeError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result2 {
        Ok(Plain::Seq(self.0))
    }
}

impl ser::SerializeTupleStruct for SeqCollector {
    type Ok = Plain;
    type Error = SerializeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerializeError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result2 {
        Ok(Plain::Seq(self.0))
    }
}

impl ser::SerializeMap for MapCollector {
    type Ok = Plain;
    type Error = SerializeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerializeError> {
        self.key = Some(key.serialize(PlainSerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerializeError> {
        let key = self.key.take().ok_or(SerializeError::Custom(
            "map value given before its key".into(),
        ))?;
        self.entries.push((key, value.serialize(PlainSerializer)?));
        Ok(())
    }
    fn end(self) -> Result2 {
        Ok(Plain::Map(self.entries))
    }
}

impl ser::SerializeStruct for MapCollector {
    type Ok = Plain;
    type Error = SerializeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerializeError> {
        self.entries
            .push((Plain::Str(key.into()), value.serialize(PlainSerializer)?));
        Ok(())
    }
    fn skip_field(&mut self, _key: &'static str) -> Result<(), SerializeError> {
        Ok(())
    }
    fn end(self) -> Result2 {
        Ok(Plain::Map(self.entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tree() {
        let v = (1u8, "x", Some(2.5f64), None::<i32>)
            .serialize(PlainSerializer)
            .unwrap();
        assert_eq!(
            v,
            Plain::Seq(alloc::vec![
                Plain::Int(1),
                Plain::Str("x".into()),
                Plain::Float(2.5),
                Plain::Null
            ])
        );
    }
}
