//! CQL values → Rust values: [`DeserializeValue`] for one value, [`DeserializeRow`] for a
//! row of a result.
//!
//! The type check (`type_check`) is separate from decoding, so a page of rows is checked
//! once against its column specs and each cell is then decoded without re-checking.
//! `&'frame str` and `&'frame [u8]` borrow from the frame: decoding them allocates nothing.
//! Decoding never panics, whatever the bytes, and still reports a mismatching type if
//! `type_check` was skipped.
//!
//! | CQL type | Rust types |
//! |---|---|
//! | `tinyint`, `smallint`, `int` | `i8`, `i16`, `i32` |
//! | `bigint`, `counter` | `i64` |
//! | `float`, `double`, `boolean` | `f32`, `f64`, `bool` |
//! | `ascii`, `text` | `&str`, `String` |
//! | `blob`, custom types | `&[u8]`, `Vec<u8>` |
//! | `uuid`, `timeuuid` | `Uuid` |
//! | `inet` | `IpAddr` |
//! | `timestamp`, `date`, `time`, `duration`, `varint`, `decimal` | `CqlTimestamp`, `CqlDate`, `CqlTime`, `CqlDuration`, `CqlVarint`, `CqlDecimal` |
//! | DSE `PointType`, `LineStringType`, `PolygonType`, `DateRangeType` (custom) | `Point`, `LineString`, `Polygon`, `DateRange` |
//! | `list`, `set`, `vector` | `Vec<T>` |
//! | `set`, `list` | `BTreeSet<T>` |
//! | `map` | `BTreeMap<K, V>`, `Vec<(K, V)>` is not provided (use `CqlValue` for wire order) |
//! | `tuple` | Rust tuples of the same arity (missing trailing fields read as null) |
//! | anything | `CqlValue` |
//!
//! Null — and a zero-length value of a type for which that is no valid encoding, which
//! Cassandra may hold for legacy reasons — decodes as `None` through `Option<T>` and is an
//! [`DeserializeError::UnexpectedNull`] otherwise (`CqlValue` gives [`CqlValue::Empty`] for
//! the zero-length case).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::IpAddr;

use uuid::Uuid;

use super::ColumnType;
use super::codec::{
    decode_ascii, decode_decimal, decode_duration, decode_inet, decode_text, empty_is_valid, fixed,
    read_count, read_element, vector_elements,
};
use super::date_range::DateRange;
use super::dse_types::{DseType, dse_type};
use super::error::DeserializeError;
use super::geo::{LineString, Point, Polygon};
use super::value::{CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue, CqlVarint};
use crate::frame::primitives::Reader;

/// A Rust type that a CQL value can be read into, possibly borrowing from the frame.
pub trait DeserializeValue<'frame>: Sized {
    /// Checks that values of CQL type `typ` can be read into `Self`.
    ///
    /// # Errors
    /// [`DeserializeError::TypeMismatch`] naming both types.
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError>;

    /// Reads a value of type `typ` from its bytes (`None` is null).
    ///
    /// # Errors
    /// [`DeserializeError`] for null into a non-`Option`, malformed bytes, or (when
    /// `type_check` was skipped) a mismatching type.
    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError>;
}

/// The bytes of a non-null value, treating the zero-length encoding of a type for which that
/// is not valid as null.
#[inline]
fn non_null<'a>(
    typ: &ColumnType,
    bytes: Option<&'a [u8]>,
    rust: &'static str,
) -> Result<&'a [u8], DeserializeError> {
    match bytes {
        Some(b) if !b.is_empty() || empty_is_valid(typ) => Ok(b),
        _ => Err(DeserializeError::UnexpectedNull(rust)),
    }
}

macro_rules! fixed_impl {
    ($rust:ty, $name:literal, $cqlname:literal, $($cql:pat_param)|+ => |$b:ident| $conv:expr) => {
        impl<'frame> DeserializeValue<'frame> for $rust {
            fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
                match typ {
                    $($cql)|+ => Ok(()),
                    _ => Err(DeserializeError::mismatch($name, typ)),
                }
            }

            #[inline]
            fn deserialize(
                typ: &'frame ColumnType,
                bytes: Option<&'frame [u8]>,
            ) -> Result<Self, DeserializeError> {
                Self::type_check(typ)?;
                let $b = fixed($cqlname, non_null(typ, bytes, $name)?)?;
                Ok($conv)
            }
        }
    };
}

fixed_impl!(i8, "i8", "tinyint", ColumnType::TinyInt => |b| i8::from_be_bytes(b));
fixed_impl!(i16, "i16", "smallint", ColumnType::SmallInt => |b| i16::from_be_bytes(b));
fixed_impl!(i32, "i32", "int", ColumnType::Int => |b| i32::from_be_bytes(b));
fixed_impl!(i64, "i64", "bigint", ColumnType::BigInt | ColumnType::Counter => |b| i64::from_be_bytes(b));
fixed_impl!(f32, "f32", "float", ColumnType::Float => |b| f32::from_be_bytes(b));
fixed_impl!(f64, "f64", "double", ColumnType::Double => |b| f64::from_be_bytes(b));
fixed_impl!(bool, "bool", "boolean", ColumnType::Boolean => |b| b != [0]);
fixed_impl!(Uuid, "Uuid", "uuid", ColumnType::Uuid | ColumnType::Timeuuid => |b| Uuid::from_bytes(b));
fixed_impl!(CqlTimestamp, "CqlTimestamp", "timestamp", ColumnType::Timestamp => |b| CqlTimestamp(i64::from_be_bytes(b)));
fixed_impl!(CqlDate, "CqlDate", "date", ColumnType::Date => |b| CqlDate(u32::from_be_bytes(b)));
fixed_impl!(CqlTime, "CqlTime", "time", ColumnType::Time => |b| CqlTime(i64::from_be_bytes(b)));

impl<'frame> DeserializeValue<'frame> for &'frame str {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        match typ {
            ColumnType::Ascii | ColumnType::Text => Ok(()),
            _ => Err(DeserializeError::mismatch("&str", typ)),
        }
    }

    #[inline]
    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let b = bytes.ok_or(DeserializeError::UnexpectedNull("&str"))?;
        match typ {
            ColumnType::Text => decode_text(b),
            ColumnType::Ascii => decode_ascii(b),
            _ => Err(DeserializeError::mismatch("&str", typ)),
        }
    }
}

impl<'frame> DeserializeValue<'frame> for String {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        <&str>::type_check(typ).map_err(|_| DeserializeError::mismatch("String", typ))
    }

    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        if bytes.is_none() {
            return Err(DeserializeError::UnexpectedNull("String"));
        }
        <&str>::deserialize(typ, bytes).map(ToString::to_string)
    }
}

impl<'frame> DeserializeValue<'frame> for &'frame [u8] {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        match typ {
            ColumnType::Blob | ColumnType::Custom(_) => Ok(()),
            _ => Err(DeserializeError::mismatch("&[u8]", typ)),
        }
    }

    #[inline]
    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        Self::type_check(typ)?;
        bytes.ok_or(DeserializeError::UnexpectedNull("&[u8]"))
    }
}

impl<'frame> DeserializeValue<'frame> for Vec<u8> {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        <&[u8]>::type_check(typ).map_err(|_| DeserializeError::mismatch("Vec<u8>", typ))
    }

    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        Self::type_check(typ)?;
        bytes
            .map(<[u8]>::to_vec)
            .ok_or(DeserializeError::UnexpectedNull("Vec<u8>"))
    }
}

macro_rules! codec_impl {
    ($rust:ty, $name:literal, $cql:pat_param => $decode:expr) => {
        impl<'frame> DeserializeValue<'frame> for $rust {
            fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
                match typ {
                    $cql => Ok(()),
                    _ => Err(DeserializeError::mismatch($name, typ)),
                }
            }

            fn deserialize(
                typ: &'frame ColumnType,
                bytes: Option<&'frame [u8]>,
            ) -> Result<Self, DeserializeError> {
                Self::type_check(typ)?;
                $decode(non_null(typ, bytes, $name)?)
            }
        }
    };
}

codec_impl!(IpAddr, "IpAddr", ColumnType::Inet => decode_inet);
codec_impl!(CqlDuration, "CqlDuration", ColumnType::Duration => decode_duration);
codec_impl!(CqlDecimal, "CqlDecimal", ColumnType::Decimal => decode_decimal);
codec_impl!(CqlVarint, "CqlVarint", ColumnType::Varint => |b: &[u8]| Ok(CqlVarint(b.to_vec())));

/// `DeserializeValue` for a DSE value type, read only from the custom type of its class.
macro_rules! dse_impl {
    ($rust:ty, $name:literal, $dse:ident, $decode:expr) => {
        impl<'frame> DeserializeValue<'frame> for $rust {
            fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
                match dse_type(typ) {
                    Some(DseType::$dse) => Ok(()),
                    _ => Err(DeserializeError::mismatch($name, typ)),
                }
            }

            fn deserialize(
                typ: &'frame ColumnType,
                bytes: Option<&'frame [u8]>,
            ) -> Result<Self, DeserializeError> {
                Self::type_check(typ)?;
                Ok($decode(non_null(typ, bytes, $name)?)?)
            }
        }
    };
}

dse_impl!(Point, "Point", Point, Point::from_wkb);
dse_impl!(LineString, "LineString", LineString, LineString::from_wkb);
dse_impl!(Polygon, "Polygon", Polygon, Polygon::from_wkb);
dse_impl!(DateRange, "DateRange", DateRange, DateRange::from_bytes);

impl<'frame> DeserializeValue<'frame> for CqlValue {
    fn type_check(_typ: &ColumnType) -> Result<(), DeserializeError> {
        Ok(())
    }

    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        match bytes {
            None => Err(DeserializeError::UnexpectedNull("CqlValue")),
            Some([]) if !empty_is_valid(typ) => Ok(CqlValue::Empty),
            b => CqlValue::deserialize(typ, b)?.ok_or(DeserializeError::UnexpectedNull("CqlValue")),
        }
    }
}

impl<'frame, T: DeserializeValue<'frame>> DeserializeValue<'frame> for Option<T> {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        T::type_check(typ)
    }

    #[inline]
    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        match bytes {
            None => Ok(None),
            Some([]) if !empty_is_valid(typ) => Ok(None),
            b => T::deserialize(typ, b).map(Some),
        }
    }
}

/// The element type of a list, set or vector, for the sequence impls.
fn sequence_element<'t>(
    typ: &'t ColumnType,
    rust: &'static str,
) -> Result<&'t ColumnType, DeserializeError> {
    match typ {
        ColumnType::List(e) | ColumnType::Set(e) => Ok(e),
        ColumnType::Vector { element, .. } => Ok(element),
        _ => Err(DeserializeError::mismatch(rust, typ)),
    }
}

/// Calls `each` with every element of a list, set or vector value.
fn for_each_element<'frame>(
    typ: &'frame ColumnType,
    bytes: &'frame [u8],
    rust: &'static str,
    mut each: impl FnMut(&'frame ColumnType, &'frame [u8], usize) -> Result<(), DeserializeError>,
) -> Result<(), DeserializeError> {
    match typ {
        ColumnType::List(e) | ColumnType::Set(e) => {
            let mut r = Reader::new(bytes);
            let n = read_count(&mut r, 4, "collection elements")?;
            for i in 0..n {
                each(
                    e,
                    read_element(&mut r, "null element in a list or set")?,
                    if i == 0 { n } else { 0 },
                )?;
            }
            Ok(r.finish("collection value")?)
        }
        ColumnType::Vector {
            element,
            dimensions,
        } => {
            let mut elems = vector_elements(element, *dimensions, bytes)?;
            let n = elems.len();
            let mut first = true;
            while let Some(item) = elems.next_element() {
                each(element, item?, if first { n } else { 0 })?;
                first = false;
            }
            elems.finish()
        }
        _ => Err(DeserializeError::mismatch(rust, typ)),
    }
}

impl<'frame, T: DeserializeValue<'frame>> DeserializeValue<'frame> for Vec<T> {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        T::type_check(sequence_element(typ, "Vec")?)
    }

    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let b = non_null(typ, bytes, "Vec")?;
        let mut out = Vec::new();
        for_each_element(typ, b, "Vec", |e, item, hint| {
            if hint > 0 {
                out.reserve_exact(hint);
            }
            out.push(T::deserialize(e, Some(item))?);
            Ok(())
        })?;
        Ok(out)
    }
}

impl<'frame, T: DeserializeValue<'frame> + Ord> DeserializeValue<'frame> for BTreeSet<T> {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        match typ {
            ColumnType::List(e) | ColumnType::Set(e) => T::type_check(e),
            _ => Err(DeserializeError::mismatch("BTreeSet", typ)),
        }
    }

    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        if !matches!(typ, ColumnType::List(_) | ColumnType::Set(_)) {
            return Err(DeserializeError::mismatch("BTreeSet", typ));
        }
        let b = non_null(typ, bytes, "BTreeSet")?;
        let mut out = BTreeSet::new();
        for_each_element(typ, b, "BTreeSet", |e, item, _| {
            out.insert(T::deserialize(e, Some(item))?);
            Ok(())
        })?;
        Ok(out)
    }
}

impl<'frame, K, V> DeserializeValue<'frame> for BTreeMap<K, V>
where
    K: DeserializeValue<'frame> + Ord,
    V: DeserializeValue<'frame>,
{
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        match typ {
            ColumnType::Map(k, v) => {
                K::type_check(k)?;
                V::type_check(v)
            }
            _ => Err(DeserializeError::mismatch("BTreeMap", typ)),
        }
    }

    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let ColumnType::Map(kt, vt) = typ else {
            return Err(DeserializeError::mismatch("BTreeMap", typ));
        };
        let b = non_null(typ, bytes, "BTreeMap")?;
        let mut r = Reader::new(b);
        let n = read_count(&mut r, 8, "map entries")?;
        let mut out = BTreeMap::new();
        for _ in 0..n {
            let k = read_element(&mut r, "null key in a map")?;
            let v = read_element(&mut r, "null value in a map")?;
            out.insert(K::deserialize(kt, Some(k))?, V::deserialize(vt, Some(v))?);
        }
        r.finish("map value")?;
        Ok(out)
    }
}

/// Reads one tuple field: absent (trailing fields left off) gives null.
fn tuple_field<'frame>(r: &mut Reader<'frame>) -> Result<Option<&'frame [u8]>, DeserializeError> {
    if r.is_empty() {
        Ok(None)
    } else {
        Ok(r.read_bytes()?)
    }
}

macro_rules! tuple_impls {
    ($( ($($name:ident $idx:tt),+) = $len:literal; )+) => {$(
        impl<'frame, $($name: DeserializeValue<'frame>),+> DeserializeValue<'frame> for ($($name,)+) {
            fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
                match typ {
                    ColumnType::Tuple(types) if types.len() == $len => {
                        $( $name::type_check(types.get($idx).unwrap_or(typ))?; )+
                        Ok(())
                    }
                    _ => Err(DeserializeError::mismatch("tuple", typ)),
                }
            }

            fn deserialize(
                typ: &'frame ColumnType,
                bytes: Option<&'frame [u8]>,
            ) -> Result<Self, DeserializeError> {
                let types = match typ {
                    ColumnType::Tuple(types) if types.len() == $len => types,
                    _ => return Err(DeserializeError::mismatch("tuple", typ)),
                };
                let b = non_null(typ, bytes, "tuple")?;
                let mut r = Reader::new(b);
                let value = ($(
                    $name::deserialize(types.get($idx).unwrap_or(typ), tuple_field(&mut r)?)?,
                )+);
                r.finish("tuple value")?;
                Ok(value)
            }
        }

        impl<'frame, $($name: DeserializeValue<'frame>),+> DeserializeRow<'frame> for ($($name,)+) {
            fn type_check(specs: &[ColumnSpec]) -> Result<(), DeserializeError> {
                if specs.len() != $len {
                    return Err(DeserializeError::WrongColumnCount { expected: $len, got: specs.len() });
                }
                $(
                    if let Some(spec) = specs.get($idx) {
                        $name::type_check(&spec.typ).map_err(|e| e.in_column($idx, &spec.name))?;
                    }
                )+
                Ok(())
            }

            #[inline]
            fn deserialize(row: &mut ColumnIterator<'frame>) -> Result<Self, DeserializeError> {
                Ok(($( row.next_typed::<$name>($idx)?, )+))
            }
        }
    )+};
}

use super::ColumnSpec;
use super::row::{ColumnIterator, DeserializeRow};

tuple_impls! {
    (A 0) = 1;
    (A 0, B 1) = 2;
    (A 0, B 1, C 2) = 3;
    (A 0, B 1, C 2, D 3) = 4;
    (A 0, B 1, C 2, D 3, E 4) = 5;
    (A 0, B 1, C 2, D 3, E 4, F 5) = 6;
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6) = 7;
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7) = 8;
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8) = 9;
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9) = 10;
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10) = 11;
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11) = 12;
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12) = 13;
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13) = 14;
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14) = 15;
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15) = 16;
}
