//! [`ValueDeserializer`]: a `serde::Deserializer` over the bytes of one CQL value.

use alloc::string::String;
use core::fmt::Write as _;

use serde::de::value::{MapDeserializer, StrDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::text;
use crate::frame::primitives::Reader;
use crate::types::ColumnType;
use crate::types::codec::{
    VectorElements, decode_ascii, decode_decimal, decode_duration, decode_inet, decode_text,
    empty_is_valid, fixed, read_count, read_element, vector_elements,
};
use crate::types::dse_types::dse_text;
use crate::types::error::DeserializeError;
use crate::types::value::CqlVarint;

/// A `serde::Deserializer` over one CQL value of type `typ` (`bytes` is `None` for null),
/// borrowing text and blobs from the frame.
///
/// The CQL type decides what is produced (see the [module docs](super) for the table);
/// the Rust type's hint only picks between equivalent forms (a `uuid` as its string or its
/// 16 bytes, a `blob` as bytes or a sequence of `u8`, a `varint` as a number or a string).
#[derive(Debug, Clone, Copy)]
pub struct ValueDeserializer<'frame> {
    typ: &'frame ColumnType,
    bytes: Option<&'frame [u8]>,
}

impl<'frame> ValueDeserializer<'frame> {
    /// A deserializer for the value `bytes` (`None` is null) of CQL type `typ`.
    pub fn new(typ: &'frame ColumnType, bytes: Option<&'frame [u8]>) -> Self {
        Self { typ, bytes }
    }

    /// The bytes when the value is not null; a zero-length value of a type for which that
    /// is no valid encoding counts as null, as everywhere in this crate.
    fn present(&self) -> Option<&'frame [u8]> {
        match self.bytes {
            Some([]) if !empty_is_valid(self.typ) => None,
            b => b,
        }
    }

    /// The non-null bytes, or [`DeserializeError::UnexpectedNull`] naming what was asked.
    fn non_null(&self, asked: &'static str) -> Result<&'frame [u8], DeserializeError> {
        self.present()
            .ok_or(DeserializeError::UnexpectedNull(asked))
    }

    /// The value in its natural serde form (the `deserialize_any` behaviour).
    fn natural<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
        use ColumnType as T;
        let Some(b) = self.present() else {
            return visitor.visit_none();
        };
        match self.typ {
            T::Custom(_) => match dse_text(self.typ, b)? {
                Some(text) => visitor.visit_string(text),
                None => visitor.visit_borrowed_bytes(b),
            },
            T::Blob => visitor.visit_borrowed_bytes(b),
            T::Ascii => visitor.visit_borrowed_str(decode_ascii(b)?),
            T::Text => visitor.visit_borrowed_str(decode_text(b)?),
            T::BigInt => visitor.visit_i64(i64::from_be_bytes(fixed("bigint", b)?)),
            T::Counter => visitor.visit_i64(i64::from_be_bytes(fixed("counter", b)?)),
            T::Int => visitor.visit_i32(i32::from_be_bytes(fixed("int", b)?)),
            T::SmallInt => visitor.visit_i16(i16::from_be_bytes(fixed("smallint", b)?)),
            T::TinyInt => visitor.visit_i8(i8::from_be_bytes(fixed("tinyint", b)?)),
            T::Float => visitor.visit_f32(f32::from_be_bytes(fixed("float", b)?)),
            T::Double => visitor.visit_f64(f64::from_be_bytes(fixed("double", b)?)),
            T::Boolean => visitor.visit_bool(fixed::<1>("boolean", b)? != [0]),
            T::Timestamp => visitor.visit_i64(i64::from_be_bytes(fixed("timestamp", b)?)),
            T::Date => {
                visitor.visit_i64(i64::from(u32::from_be_bytes(fixed("date", b)?)) - (1i64 << 31))
            }
            T::Time => visitor.visit_i64(i64::from_be_bytes(fixed("time", b)?)),
            T::Uuid | T::Timeuuid => {
                let u = uuid::Uuid::from_bytes(fixed("uuid", b)?);
                let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
                visitor.visit_str(u.hyphenated().encode_lower(&mut buf))
            }
            T::Inet => {
                let mut s = String::new();
                let _ = write!(s, "{}", decode_inet(b)?);
                visitor.visit_str(&s)
            }
            T::Varint => visitor.visit_str(&CqlVarint(b.into()).to_decimal_string()),
            T::Decimal => {
                let mut s = String::new();
                let _ = write!(s, "{}", decode_decimal(b)?);
                visitor.visit_str(&s)
            }
            T::Duration => {
                let d = decode_duration(b)?;
                visitor.visit_map(MapDeserializer::new(
                    [
                        ("months", i64::from(d.months)),
                        ("days", i64::from(d.days)),
                        ("nanoseconds", d.nanoseconds),
                    ]
                    .into_iter(),
                ))
            }
            T::List(e) | T::Set(e) => {
                let mut r = Reader::new(b);
                let left = read_count(&mut r, 4, "collection elements")?;
                let mut seq = CollectionAccess {
                    element: e,
                    reader: r,
                    left,
                };
                let v = visitor.visit_seq(&mut seq)?;
                seq.finish()?;
                Ok(v)
            }
            T::Vector {
                element,
                dimensions,
            } => {
                let mut seq = VectorAccess {
                    element,
                    elements: vector_elements(element, *dimensions, b)?,
                };
                let v = visitor.visit_seq(&mut seq)?;
                seq.finish()?;
                Ok(v)
            }
            T::Map(k, v) => {
                let mut r = Reader::new(b);
                let left = read_count(&mut r, 8, "map entries")?;
                let mut map = MapAccess {
                    key: k,
                    value: v,
                    reader: r,
                    left,
                    pending: None,
                };
                let out = visitor.visit_map(&mut map)?;
                map.finish()?;
                Ok(out)
            }
            T::Tuple(types) => {
                let mut seq = TupleAccess {
                    types: types.iter(),
                    reader: Reader::new(b),
                };
                let v = visitor.visit_seq(&mut seq)?;
                seq.finish()?;
                Ok(v)
            }
            T::Udt { fields, .. } => {
                let mut map = UdtAccess {
                    fields: fields.iter(),
                    reader: Reader::new(b),
                    pending: None,
                };
                let v = visitor.visit_map(&mut map)?;
                map.finish()?;
                Ok(v)
            }
        }
    }

    /// A `varint` as an `i128` when it fits.
    fn varint_i128(&self, b: &[u8]) -> Result<i128, DeserializeError> {
        CqlVarint(b.into())
            .to_i128()
            .ok_or(DeserializeError::OutOfRange("i128"))
    }
}

/// The natural form, except that a `varint` is given as an integer.
macro_rules! integer {
    ($($method:ident)+) => {$(
        fn $method<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
            if matches!(self.typ, ColumnType::Varint) {
                let b = self.non_null("integer")?;
                let v = self.varint_i128(b)?;
                return match i64::try_from(v) {
                    Ok(small) => visitor.visit_i64(small),
                    Err(_) => visitor.visit_i128(v),
                };
            }
            self.natural(visitor)
        }
    )+};
}

/// The natural form, with a non-`Option` null refused.
macro_rules! natural {
    ($($method:ident)+) => {$(
        fn $method<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
            self.non_null(stringify!($method))?;
            self.natural(visitor)
        }
    )+};
}

impl<'frame> de::Deserializer<'frame> for ValueDeserializer<'frame> {
    type Error = DeserializeError;

    fn deserialize_any<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
        self.natural(visitor)
    }

    integer!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128);

    natural!(deserialize_bool deserialize_char deserialize_identifier);

    fn deserialize_f32<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
        if matches!(self.typ, ColumnType::Decimal) {
            // Lossy by nature: asked for explicitly by a float field.
            let mut s = String::new();
            let _ = write!(s, "{}", decode_decimal(self.non_null("f64")?)?);
            let f: f64 = s.parse().map_err(|_| DeserializeError::OutOfRange("f64"))?;
            return visitor.visit_f64(f);
        }
        self.non_null("f64")?;
        self.natural(visitor)
    }

    fn deserialize_str<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
        let b = self.non_null("str")?;
        let formatted = match self.typ {
            ColumnType::Timestamp => text::timestamp(i64::from_be_bytes(fixed("timestamp", b)?)),
            ColumnType::Date => {
                text::date(i64::from(u32::from_be_bytes(fixed("date", b)?)) - (1i64 << 31))
            }
            ColumnType::Time => text::time(i64::from_be_bytes(fixed("time", b)?)),
            _ => return self.natural(visitor),
        };
        visitor.visit_str(&formatted)
    }

    fn deserialize_string<V: Visitor<'frame>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'frame>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        let b = self.non_null("bytes")?;
        match self.typ {
            // The raw forms: 16 uuid bytes, address octets, two's complement, UTF-8, the
            // bytes of a custom type (WKB for the DSE geometries).
            ColumnType::Custom(_) => visitor.visit_borrowed_bytes(b),
            ColumnType::Uuid
            | ColumnType::Timeuuid
            | ColumnType::Inet
            | ColumnType::Varint
            | ColumnType::Ascii
            | ColumnType::Text => {
                if matches!(self.typ, ColumnType::Uuid | ColumnType::Timeuuid) {
                    fixed::<16>("uuid", b)?;
                }
                if matches!(self.typ, ColumnType::Inet) {
                    decode_inet(b)?;
                }
                visitor.visit_borrowed_bytes(b)
            }
            _ => self.natural(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'frame>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'frame>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        match self.present() {
            None => visitor.visit_none(),
            Some(_) => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'frame>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        match self.present() {
            None => visitor.visit_unit(),
            Some(_) => self.natural(visitor),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'frame>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'frame>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
        let b = self.non_null("sequence")?;
        match self.typ {
            // `Vec<u8>` asks for a sequence: give a blob's bytes one by one.
            ColumnType::Blob | ColumnType::Custom(_) => visitor.visit_seq(
                de::value::SeqDeserializer::<_, DeserializeError>::new(b.iter().copied()),
            ),
            // A UDT read positionally: its field values in declaration order.
            ColumnType::Udt { fields, .. } => {
                let mut seq = TupleAccess {
                    types: UdtTypes(fields.iter()),
                    reader: Reader::new(b),
                };
                let v = visitor.visit_seq(&mut seq)?;
                seq.finish()?;
                Ok(v)
            }
            _ => self.natural(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'frame>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'frame>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
        self.non_null("map")?;
        self.natural(visitor)
    }

    fn deserialize_struct<V: Visitor<'frame>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        self.non_null("struct")?;
        self.natural(visitor)
    }

    fn deserialize_enum<V: Visitor<'frame>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        // Unit variants stored as their name in a text column.
        let b = self.non_null("enum")?;
        let name = match self.typ {
            ColumnType::Ascii => decode_ascii(b)?,
            ColumnType::Text => decode_text(b)?,
            other => return Err(DeserializeError::mismatch("enum", other)),
        };
        let d: StrDeserializer<'_, DeserializeError> = name.into_deserializer();
        visitor.visit_enum(d)
    }

    fn deserialize_ignored_any<V: Visitor<'frame>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        visitor.visit_unit()
    }
}

/// The elements of a `list` or `set`.
struct CollectionAccess<'frame> {
    element: &'frame ColumnType,
    reader: Reader<'frame>,
    left: usize,
}

impl CollectionAccess<'_> {
    fn finish(&self) -> Result<(), DeserializeError> {
        if self.left > 0 {
            return Err(DeserializeError::Custom(
                "elements left unread in a list or set".into(),
            ));
        }
        Ok(self.reader.finish("collection value")?)
    }
}

impl<'frame> de::SeqAccess<'frame> for CollectionAccess<'frame> {
    type Error = DeserializeError;

    fn next_element_seed<S: DeserializeSeed<'frame>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeserializeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let item = read_element(&mut self.reader, "null element in a list or set")?;
        seed.deserialize(ValueDeserializer::new(self.element, Some(item)))
            .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// The elements of a `vector`.
struct VectorAccess<'frame> {
    element: &'frame ColumnType,
    elements: VectorElements<'frame>,
}

impl VectorAccess<'_> {
    fn finish(&self) -> Result<(), DeserializeError> {
        if self.elements.len() > 0 {
            return Err(DeserializeError::Custom(
                "elements left unread in a vector".into(),
            ));
        }
        self.elements.finish()
    }
}

impl<'frame> de::SeqAccess<'frame> for VectorAccess<'frame> {
    type Error = DeserializeError;

    fn next_element_seed<S: DeserializeSeed<'frame>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeserializeError> {
        match self.elements.next_element() {
            None => Ok(None),
            Some(item) => seed
                .deserialize(ValueDeserializer::new(self.element, Some(item?)))
                .map(Some),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.elements.len())
    }
}

/// The entries of a `map`.
struct MapAccess<'frame> {
    key: &'frame ColumnType,
    value: &'frame ColumnType,
    reader: Reader<'frame>,
    left: usize,
    pending: Option<&'frame [u8]>,
}

impl MapAccess<'_> {
    fn finish(&self) -> Result<(), DeserializeError> {
        if self.left > 0 {
            return Err(DeserializeError::Custom(
                "entries left unread in a map".into(),
            ));
        }
        Ok(self.reader.finish("map value")?)
    }
}

impl<'frame> de::MapAccess<'frame> for MapAccess<'frame> {
    type Error = DeserializeError;

    fn next_key_seed<S: DeserializeSeed<'frame>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeserializeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let k = read_element(&mut self.reader, "null key in a map")?;
        self.pending = Some(read_element(&mut self.reader, "null value in a map")?);
        seed.deserialize(ValueDeserializer::new(self.key, Some(k)))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'frame>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, DeserializeError> {
        let v = self.pending.take().ok_or(DeserializeError::Custom(
            "map value asked before its key".into(),
        ))?;
        seed.deserialize(ValueDeserializer::new(self.value, Some(v)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// Reads one tuple or UDT field: absent (trailing fields left off) gives null.
fn field<'frame>(r: &mut Reader<'frame>) -> Result<Option<&'frame [u8]>, DeserializeError> {
    if r.is_empty() {
        Ok(None)
    } else {
        Ok(r.read_bytes()?)
    }
}

/// The field types of a UDT, for reading it positionally.
struct UdtTypes<'frame>(core::slice::Iter<'frame, (String, ColumnType)>);

impl<'frame> Iterator for UdtTypes<'frame> {
    type Item = &'frame ColumnType;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(_, t)| t)
    }
}

/// The fields of a `tuple` (or of a UDT read positionally), in order.
struct TupleAccess<'frame, I> {
    types: I,
    reader: Reader<'frame>,
}

impl<'frame, I: Iterator<Item = &'frame ColumnType>> TupleAccess<'frame, I> {
    fn finish(&mut self) -> Result<(), DeserializeError> {
        // Fields the Rust type does not want are skipped, but must still be well-formed.
        for _ in self.types.by_ref() {
            field(&mut self.reader)?;
        }
        Ok(self.reader.finish("tuple value")?)
    }
}

impl<'frame, I: Iterator<Item = &'frame ColumnType>> de::SeqAccess<'frame>
    for TupleAccess<'frame, I>
{
    type Error = DeserializeError;

    fn next_element_seed<S: DeserializeSeed<'frame>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeserializeError> {
        let Some(typ) = self.types.next() else {
            return Ok(None);
        };
        let bytes = field(&mut self.reader)?;
        seed.deserialize(ValueDeserializer::new(typ, bytes))
            .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        self.types.size_hint().1
    }
}

/// The fields of a UDT as a map from field name to value.
struct UdtAccess<'frame> {
    fields: core::slice::Iter<'frame, (String, ColumnType)>,
    reader: Reader<'frame>,
    pending: Option<(&'frame str, &'frame ColumnType, Option<&'frame [u8]>)>,
}

impl UdtAccess<'_> {
    fn finish(&mut self) -> Result<(), DeserializeError> {
        for _ in self.fields.by_ref() {
            field(&mut self.reader)?;
        }
        Ok(self.reader.finish("udt value")?)
    }
}

impl<'frame> de::MapAccess<'frame> for UdtAccess<'frame> {
    type Error = DeserializeError;

    fn next_key_seed<S: DeserializeSeed<'frame>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeserializeError> {
        let Some((name, typ)) = self.fields.next() else {
            return Ok(None);
        };
        self.pending = Some((name, typ, field(&mut self.reader)?));
        let key: de::value::BorrowedStrDeserializer<'frame, DeserializeError> =
            de::value::BorrowedStrDeserializer::new(name);
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'frame>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, DeserializeError> {
        let (name, typ, bytes) = self.pending.take().ok_or(DeserializeError::Custom(
            "udt field value asked before its name".into(),
        ))?;
        seed.deserialize(ValueDeserializer::new(typ, bytes))
            .map_err(|e| match e {
                DeserializeError::MissingColumn(f) => DeserializeError::MissingField(f),
                e => e.in_field(name),
            })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}
