//! Rust values → CQL bound values: [`SerializeValue`] for one value, [`SerializeRow`] for
//! the values of a statement.
//!
//! Every write is checked against the column's [`ColumnType`], so a wrong Rust type is
//! reported before anything is sent, naming the column and both types.
//!
//! | Rust type | CQL types |
//! |---|---|
//! | `i8`, `i16`, `i32` | `tinyint`, `smallint`, `int` |
//! | `i64` | `bigint`, `counter` |
//! | `f32`, `f64`, `bool` | `float`, `double`, `boolean` |
//! | `str`, `String` | `text`, `ascii` (checked to be ASCII) |
//! | `[u8]`, `Vec<u8>` | `blob`, custom types |
//! | `Uuid` | `uuid`, `timeuuid` |
//! | `IpAddr`, `Ipv4Addr`, `Ipv6Addr` | `inet` |
//! | `CqlTimestamp`, `CqlDate`, `CqlTime`, `CqlDuration`, `CqlVarint`, `CqlDecimal` | their type |
//! | `Point`, `LineString`, `Polygon`, `DateRange` | the DSE custom type of their marshal class |
//! | `[T]`, `Vec<T>`, `[T; N]` | `list`, `set`, `vector` |
//! | `BTreeSet<T>` | `set`, `list` |
//! | `BTreeMap<K, V>` | `map` |
//! | tuples of up to 16 values | `tuple` of the same arity |
//! | `CqlValue` | any type it matches |
//! | `Option<T>` | null when `None` |
//! | [`Unset`], [`MaybeUnset<T>`] | leaves the column untouched (protocol v4+) |

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use uuid::Uuid;

use super::codec::{
    reframe_vector_element, write_decimal, write_duration, write_framed, write_inet, write_polygon,
    write_str, write_time, write_varint,
};
use super::date_range::{DATE_RANGE_CLASS, DateRange};
use super::dse_types::{DseType, dse_type};
use super::error::SerializeError;
use super::geo::{LINESTRING_CLASS, LineString, POINT_CLASS, POLYGON_CLASS, Point, Polygon};
use super::value::{CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue, CqlVarint};
use super::{ColumnSpec, ColumnType, SerializedValues};
use crate::frame::primitives::int_len;

/// A Rust value that can be bound to a statement as a CQL value of a given type.
pub trait SerializeValue {
    /// Appends the value to `out` as a full `[value]`: the `[int]` length and the bytes, or
    /// `-1` for null and `-2` for unset.
    ///
    /// # Errors
    /// [`SerializeError::TypeMismatch`] when the value cannot be a `typ`, and the other
    /// [`SerializeError`]s for values outside the type's domain or too long.
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError>;

    /// The CQL type this value has on its own (`i32` → `int`, `String` → `text`,
    /// `Vec<T>` → `list<T>`...), used to bind it where no metadata names the column's type:
    /// the values of a simple (unprepared) statement.
    ///
    /// `None` when the value fits any type (null, unset, [`CqlValue::Empty`]) or tells
    /// nothing about its type; the value is then written as `blob`, which null and unset
    /// values ignore and other values refuse with a type mismatch.
    fn natural_type(&self) -> Option<ColumnType> {
        None
    }
}

/// Serializes `value` as its [natural type](SerializeValue::natural_type).
///
/// # Errors
/// [`SerializeError::NeedsMetadata`] when the value has no natural type (and is not null
/// or unset), else the value's own errors.
pub fn serialize_natural<T: SerializeValue + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    match value.natural_type() {
        Some(typ) => value.serialize(&typ, out),
        None => value
            .serialize(&ColumnType::Blob, out)
            .map_err(|e| match e {
                SerializeError::TypeMismatch { given, .. } => SerializeError::NeedsMetadata(given),
                other => other,
            }),
    }
}

/// The natural type of a sequence's elements: the first element that tells one, else
/// `blob` (an empty sequence's element type does not matter on the wire).
fn element_type<'a, T: SerializeValue + 'a>(mut items: impl Iterator<Item = &'a T>) -> ColumnType {
    items
        .find_map(SerializeValue::natural_type)
        .unwrap_or(ColumnType::Blob)
}

/// Marker value that leaves a bound column untouched (`[int] -2`, protocol v4+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unset;

/// A value that may be left unset (see [`Unset`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaybeUnset<T> {
    /// Leave the column untouched.
    Unset,
    /// Bind this value.
    Set(T),
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), SerializeError> {
    out.extend_from_slice(&int_len("[bytes] value", bytes.len())?.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

macro_rules! fixed_impl {
    ($rust:ty, $name:literal, $natural:expr, $($cql:pat_param)|+) => {
        impl SerializeValue for $rust {
            fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
                match typ {
                    $($cql)|+ => put(out, &self.to_be_bytes()),
                    _ => Err(SerializeError::mismatch($name, typ)),
                }
            }

            fn natural_type(&self) -> Option<ColumnType> {
                Some($natural)
            }
        }
    };
}

fixed_impl!(i8, "i8", ColumnType::TinyInt, ColumnType::TinyInt);
fixed_impl!(i16, "i16", ColumnType::SmallInt, ColumnType::SmallInt);
fixed_impl!(i32, "i32", ColumnType::Int, ColumnType::Int);
fixed_impl!(
    i64,
    "i64",
    ColumnType::BigInt,
    ColumnType::BigInt | ColumnType::Counter
);
fixed_impl!(f32, "f32", ColumnType::Float, ColumnType::Float);
fixed_impl!(f64, "f64", ColumnType::Double, ColumnType::Double);

impl SerializeValue for bool {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match typ {
            ColumnType::Boolean => put(out, &[u8::from(*self)]),
            _ => Err(SerializeError::mismatch("bool", typ)),
        }
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::Boolean)
    }
}

impl SerializeValue for str {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        write_framed(out, |out| write_str(self, typ, "&str", out))
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::Text)
    }
}

impl SerializeValue for String {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        write_framed(out, |out| write_str(self, typ, "String", out))
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::Text)
    }
}

fn blob(
    bytes: &[u8],
    given: &'static str,
    typ: &ColumnType,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    match typ {
        ColumnType::Blob | ColumnType::Custom(_) => put(out, bytes),
        _ => Err(SerializeError::mismatch(given, typ)),
    }
}

impl SerializeValue for [u8] {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        blob(self, "&[u8]", typ, out)
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::Blob)
    }
}

impl SerializeValue for Vec<u8> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        blob(self, "Vec<u8>", typ, out)
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::Blob)
    }
}

impl SerializeValue for Uuid {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match typ {
            ColumnType::Uuid | ColumnType::Timeuuid => put(out, self.as_bytes()),
            _ => Err(SerializeError::mismatch("Uuid", typ)),
        }
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::Uuid)
    }
}

/// `SerializeValue` for a Rust type that maps to exactly one CQL type: `$write` appends
/// the value's bytes (without the length, which is framed around them).
macro_rules! single_type_impl {
    ($rust:ty, $name:literal, $cql:ident, |$value:ident, $out:ident| $write:expr) => {
        impl SerializeValue for $rust {
            fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
                let $value = self;
                match typ {
                    ColumnType::$cql => write_framed(out, |$out| $write),
                    _ => Err(SerializeError::mismatch($name, typ)),
                }
            }

            fn natural_type(&self) -> Option<ColumnType> {
                Some(ColumnType::$cql)
            }
        }
    };
}

single_type_impl!(IpAddr, "IpAddr", Inet, |v, out| {
    write_inet(v, out);
    Ok(())
});

impl SerializeValue for Ipv4Addr {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        IpAddr::V4(*self).serialize(typ, out)
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::Inet)
    }
}

impl SerializeValue for Ipv6Addr {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        IpAddr::V6(*self).serialize(typ, out)
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::Inet)
    }
}

single_type_impl!(CqlTimestamp, "CqlTimestamp", Timestamp, |v, out| {
    out.extend_from_slice(&v.0.to_be_bytes());
    Ok(())
});

single_type_impl!(CqlDate, "CqlDate", Date, |v, out| {
    out.extend_from_slice(&v.0.to_be_bytes());
    Ok(())
});

single_type_impl!(CqlTime, "CqlTime", Time, |v, out| write_time(*v, out));

single_type_impl!(CqlDuration, "CqlDuration", Duration, |v, out| {
    write_duration(v, out);
    Ok(())
});

single_type_impl!(CqlVarint, "CqlVarint", Varint, |v, out| {
    write_varint(v, out);
    Ok(())
});

single_type_impl!(CqlDecimal, "CqlDecimal", Decimal, |v, out| {
    write_decimal(v, out);
    Ok(())
});

/// `SerializeValue` for a DSE value type: written only as the custom type of its class.
macro_rules! dse_impl {
    ($rust:ty, $name:literal, $dse:ident, $class:ident, |$value:ident, $out:ident| $write:expr) => {
        impl SerializeValue for $rust {
            fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
                let $value = self;
                match dse_type(typ) {
                    Some(DseType::$dse) => write_framed(out, |$out| $write),
                    _ => Err(SerializeError::mismatch($name, typ)),
                }
            }

            fn natural_type(&self) -> Option<ColumnType> {
                Some(ColumnType::Custom($class.into()))
            }
        }
    };
}

dse_impl!(Point, "Point", Point, POINT_CLASS, |v, out| {
    v.write_wkb(out);
    Ok(())
});

dse_impl!(
    LineString,
    "LineString",
    LineString,
    LINESTRING_CLASS,
    |v, out| {
        v.write_wkb(out);
        Ok(())
    }
);

dse_impl!(Polygon, "Polygon", Polygon, POLYGON_CLASS, |v, out| {
    write_polygon(v, out)
});

dse_impl!(
    DateRange,
    "DateRange",
    DateRange,
    DATE_RANGE_CLASS,
    |v, out| {
        v.write_bytes(out);
        Ok(())
    }
);

impl SerializeValue for CqlValue {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        write_framed(out, |out| CqlValue::serialize(self, typ, out))
    }

    fn natural_type(&self) -> Option<ColumnType> {
        CqlValue::natural_type(self)
    }
}

impl<T: SerializeValue> SerializeValue for Option<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match self {
            Some(v) => v.serialize(typ, out),
            None => {
                out.extend_from_slice(&(-1i32).to_be_bytes());
                Ok(())
            }
        }
    }

    fn natural_type(&self) -> Option<ColumnType> {
        self.as_ref().and_then(SerializeValue::natural_type)
    }
}

impl SerializeValue for Unset {
    fn serialize(&self, _typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        out.extend_from_slice(&(-2i32).to_be_bytes());
        Ok(())
    }
}

impl<T: SerializeValue> SerializeValue for MaybeUnset<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match self {
            Self::Set(v) => v.serialize(typ, out),
            Self::Unset => Unset.serialize(typ, out),
        }
    }

    fn natural_type(&self) -> Option<ColumnType> {
        match self {
            Self::Set(v) => v.natural_type(),
            Self::Unset => None,
        }
    }
}

impl<T: SerializeValue + ?Sized> SerializeValue for &T {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        T::serialize(self, typ, out)
    }

    fn natural_type(&self) -> Option<ColumnType> {
        T::natural_type(self)
    }
}

impl<T: SerializeValue + ?Sized> SerializeValue for Box<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        T::serialize(self, typ, out)
    }

    fn natural_type(&self) -> Option<ColumnType> {
        T::natural_type(self)
    }
}

/// Writes one collection element (framed), refusing null and unset.
fn element<T: SerializeValue + ?Sized>(
    v: &T,
    typ: &ColumnType,
    what: &'static str,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    let start = out.len();
    v.serialize(typ, out)?;
    let mut len = [0u8; 4];
    if let Some(b) = out.get(start..start + 4) {
        len.copy_from_slice(b);
    }
    if i32::from_be_bytes(len) < 0 {
        return Err(SerializeError::NullElement(what));
    }
    Ok(())
}

fn count(n: usize) -> Result<[u8; 4], SerializeError> {
    Ok(int_len("collection", n)?.to_be_bytes())
}

/// Writes a sequence as a list, set or vector.
fn sequence<'a, T: SerializeValue + 'a>(
    items: impl ExactSizeIterator<Item = &'a T>,
    given: &'static str,
    typ: &ColumnType,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    match typ {
        ColumnType::List(e) | ColumnType::Set(e) => write_framed(out, |out| {
            out.extend_from_slice(&count(items.len())?);
            for item in items {
                element(item, e, "list or set", out)?;
            }
            Ok(())
        }),
        ColumnType::Vector {
            element: e,
            dimensions,
        } => {
            if usize::try_from(*dimensions).ok() != Some(items.len()) {
                return Err(SerializeError::WrongElementCount {
                    what: "vector",
                    expected: *dimensions as usize,
                    given: items.len(),
                });
            }
            write_framed(out, |out| {
                for item in items {
                    let start = out.len();
                    element(item, e, "vector", out)?;
                    reframe_vector_element(out, start, e)?;
                }
                Ok(())
            })
        }
        _ => Err(SerializeError::mismatch(given, typ)),
    }
}

impl<T: SerializeValue> SerializeValue for [T] {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        sequence(self.iter(), "slice", typ, out)
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::List(Box::new(element_type(self.iter()))))
    }
}

impl<T: SerializeValue> SerializeValue for Vec<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        sequence(self.iter(), "Vec", typ, out)
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::List(Box::new(element_type(self.iter()))))
    }
}

impl<T: SerializeValue, const N: usize> SerializeValue for [T; N] {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        sequence(self.iter(), "array", typ, out)
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::List(Box::new(element_type(self.iter()))))
    }
}

impl<T: SerializeValue> SerializeValue for BTreeSet<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match typ {
            ColumnType::List(_) | ColumnType::Set(_) => sequence(self.iter(), "BTreeSet", typ, out),
            _ => Err(SerializeError::mismatch("BTreeSet", typ)),
        }
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::Set(Box::new(element_type(self.iter()))))
    }
}

impl<K: SerializeValue, V: SerializeValue> SerializeValue for BTreeMap<K, V> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        let ColumnType::Map(kt, vt) = typ else {
            return Err(SerializeError::mismatch("BTreeMap", typ));
        };
        write_framed(out, |out| {
            out.extend_from_slice(&count(self.len())?);
            for (k, v) in self {
                element(k, kt, "map", out)?;
                element(v, vt, "map", out)?;
            }
            Ok(())
        })
    }

    fn natural_type(&self) -> Option<ColumnType> {
        Some(ColumnType::Map(
            Box::new(element_type(self.keys())),
            Box::new(element_type(self.values())),
        ))
    }
}

macro_rules! tuple_impls {
    ($( ($($name:ident $idx:tt),+) = $len:literal; )+) => {$(
        impl<$($name: SerializeValue),+> SerializeValue for ($($name,)+) {
            fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
                let ColumnType::Tuple(types) = typ else {
                    return Err(SerializeError::mismatch("tuple", typ));
                };
                if types.len() != $len {
                    return Err(SerializeError::WrongElementCount {
                        what: "tuple",
                        expected: types.len(),
                        given: $len,
                    });
                }
                write_framed(out, |out| {
                    $( self.$idx.serialize(types.get($idx).unwrap_or(typ), out)?; )+
                    Ok(())
                })
            }

            fn natural_type(&self) -> Option<ColumnType> {
                Some(ColumnType::Tuple(alloc::vec![
                    $( self.$idx.natural_type().unwrap_or(ColumnType::Blob) ),+
                ]))
            }
        }

        impl<$($name: SerializeValue),+> SerializeRow for ($($name,)+) {
            fn serialize_row(&self, specs: &[ColumnSpec], out: &mut SerializedValues) -> Result<(), SerializeError> {
                if specs.len() != $len {
                    return Err(SerializeError::WrongValueCount { expected: specs.len(), given: $len });
                }
                // A guess that covers typical rows (fixed-size values plus short strings).
                out.reserve($len * 16);
                $(
                    if let Some(spec) = specs.get($idx) {
                        out.add_framed(|buf| self.$idx.serialize(&spec.typ, buf))
                            .map_err(|e| e.in_column(&spec.name))?;
                    }
                )+
                Ok(())
            }

            fn serialize_natural(&self, out: &mut SerializedValues) -> Result<(), SerializeError> {
                $(
                    out.add_framed(|buf| serialize_natural(&self.$idx, buf))
                        .map_err(|e| e.in_column(&alloc::format!("#{}", $idx)))?;
                )+
                Ok(())
            }
        }
    )+};
}

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

/// The values of a statement, written against its bind markers' [`ColumnSpec`]s.
///
/// Positional rows (tuples; slices and `Vec`s of `CqlValue`, `Option<CqlValue>`,
/// `&dyn SerializeValue` or `Box<dyn SerializeValue>`) must have exactly one value per bind marker.
/// Named rows (`[(&str, &dyn SerializeValue)]`, `BTreeMap<String, T>`) are matched to the
/// markers by name and written in the markers' order; every marker needs a value and every
/// value a marker.
pub trait SerializeRow {
    /// Appends the row's values to `out`, one per spec, in spec order.
    ///
    /// # Errors
    /// [`SerializeError::WrongValueCount`], [`SerializeError::MissingColumn`],
    /// [`SerializeError::UnknownColumn`], or [`SerializeError::Column`] wrapping the error of
    /// the column whose value did not match its type. On error `out` may hold the values
    /// written before the failing one.
    fn serialize_row(
        &self,
        specs: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError>;

    /// Appends the row's values, each as its
    /// [natural type](SerializeValue::natural_type), for a statement sent without bind
    /// metadata (a simple statement): positional rows give positional values, named rows
    /// named values, and the server matches them to the markers.
    ///
    /// # Errors
    /// [`SerializeError::NeedsMetadata`] for rows (or values) that cannot be written
    /// without knowing the columns' types; [`SerializeError::Column`] around a value's
    /// error. The default refuses, so a row type must opt in.
    fn serialize_natural(&self, out: &mut SerializedValues) -> Result<(), SerializeError> {
        let _ = out;
        Err(SerializeError::NeedsMetadata("this row type"))
    }
}

/// Appends positional values as their natural types.
fn natural_positional<'a, T: SerializeValue + ?Sized + 'a>(
    values: impl Iterator<Item = &'a T>,
    out: &mut SerializedValues,
) -> Result<(), SerializeError> {
    for (i, v) in values.enumerate() {
        out.add_framed(|buf| serialize_natural(v, buf))
            .map_err(|e| e.in_column(&alloc::format!("#{i}")))?;
    }
    Ok(())
}

/// Appends named values as their natural types.
fn natural_named<'a, V: SerializeValue + ?Sized + 'a>(
    values: impl Iterator<Item = (&'a str, &'a V)>,
    out: &mut SerializedValues,
) -> Result<(), SerializeError> {
    for (name, v) in values {
        out.add_named_framed(name, |buf| serialize_natural(v, buf))
            .map_err(|e| e.in_column(name))?;
    }
    Ok(())
}

impl SerializeRow for () {
    fn serialize_row(
        &self,
        specs: &[ColumnSpec],
        _out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        if specs.is_empty() {
            Ok(())
        } else {
            Err(SerializeError::WrongValueCount {
                expected: specs.len(),
                given: 0,
            })
        }
    }

    fn serialize_natural(&self, _out: &mut SerializedValues) -> Result<(), SerializeError> {
        Ok(())
    }
}

fn positional<T: SerializeValue>(
    values: &[T],
    specs: &[ColumnSpec],
    out: &mut SerializedValues,
) -> Result<(), SerializeError> {
    if values.len() != specs.len() {
        return Err(SerializeError::WrongValueCount {
            expected: specs.len(),
            given: values.len(),
        });
    }
    for (v, spec) in values.iter().zip(specs) {
        out.add_framed(|buf| v.serialize(&spec.typ, buf))
            .map_err(|e| e.in_column(&spec.name))?;
    }
    Ok(())
}

macro_rules! positional_rows {
    ($($elem:ty),+) => {$(
        impl SerializeRow for [$elem] {
            fn serialize_row(
                &self,
                specs: &[ColumnSpec],
                out: &mut SerializedValues,
            ) -> Result<(), SerializeError> {
                positional(self, specs, out)
            }

            fn serialize_natural(&self, out: &mut SerializedValues) -> Result<(), SerializeError> {
                natural_positional(self.iter(), out)
            }
        }

        impl SerializeRow for Vec<$elem> {
            fn serialize_row(
                &self,
                specs: &[ColumnSpec],
                out: &mut SerializedValues,
            ) -> Result<(), SerializeError> {
                positional(self, specs, out)
            }

            fn serialize_natural(&self, out: &mut SerializedValues) -> Result<(), SerializeError> {
                natural_positional(self.iter(), out)
            }
        }
    )+};
}

// Concrete element types only: a generic `[T]` would overlap with the named form
// `[(&str, &dyn SerializeValue)]`, whose elements are themselves serializable pairs.
positional_rows!(
    CqlValue,
    Option<CqlValue>,
    &dyn SerializeValue,
    Box<dyn SerializeValue>
);

impl<T: SerializeRow + ?Sized> SerializeRow for &T {
    fn serialize_row(
        &self,
        specs: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        T::serialize_row(self, specs, out)
    }

    fn serialize_natural(&self, out: &mut SerializedValues) -> Result<(), SerializeError> {
        T::serialize_natural(self, out)
    }
}

fn named<'v, V: SerializeValue + ?Sized + 'v>(
    specs: &[ColumnSpec],
    names: impl Iterator<Item = &'v str> + Clone,
    find: impl Fn(&str) -> Option<&'v V>,
    out: &mut SerializedValues,
) -> Result<(), SerializeError> {
    if let Some(unknown) = names.clone().find(|n| !specs.iter().any(|s| s.name == *n)) {
        return Err(SerializeError::UnknownColumn(unknown.into()));
    }
    for spec in specs {
        let v = find(&spec.name)
            .ok_or_else(|| SerializeError::MissingColumn(spec.name.as_str().into()))?;
        out.add_framed(|buf| v.serialize(&spec.typ, buf))
            .map_err(|e| e.in_column(&spec.name))?;
    }
    Ok(())
}

impl SerializeRow for [(&str, &dyn SerializeValue)] {
    fn serialize_row(
        &self,
        specs: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        named(
            specs,
            self.iter().map(|(n, _)| *n),
            |name| self.iter().find(|(n, _)| *n == name).map(|(_, v)| *v),
            out,
        )
    }

    fn serialize_natural(&self, out: &mut SerializedValues) -> Result<(), SerializeError> {
        natural_named(self.iter().map(|(n, v)| (*n, *v)), out)
    }
}

impl<const N: usize> SerializeRow for [(&str, &dyn SerializeValue); N] {
    fn serialize_row(
        &self,
        specs: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        self.as_slice().serialize_row(specs, out)
    }

    fn serialize_natural(&self, out: &mut SerializedValues) -> Result<(), SerializeError> {
        self.as_slice().serialize_natural(out)
    }
}

impl<T: SerializeValue> SerializeRow for BTreeMap<String, T> {
    fn serialize_row(
        &self,
        specs: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        named(
            specs,
            self.keys().map(String::as_str),
            |name| self.get(name),
            out,
        )
    }

    fn serialize_natural(&self, out: &mut SerializedValues) -> Result<(), SerializeError> {
        natural_named(self.iter().map(|(n, v)| (n.as_str(), v)), out)
    }
}

impl<T: SerializeValue> SerializeRow for BTreeMap<&str, T> {
    fn serialize_row(
        &self,
        specs: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        named(specs, self.keys().copied(), |name| self.get(name), out)
    }

    fn serialize_natural(&self, out: &mut SerializedValues) -> Result<(), SerializeError> {
        natural_named(self.iter().map(|(n, v)| (*n, v)), out)
    }
}

#[cfg(test)]
mod tests;
