//! Value codecs: [`CqlValue`] ⇄ the bytes of one CQL value (without its `[bytes]` length).
//!
//! Semantics follow Cassandra and the reference Python driver:
//! * `varint` is minimal big-endian two's complement; `decimal` is an `[int]` scale followed
//!   by the unscaled `varint`; `date` is a `u32` centred on 2^31; `time` is nanoseconds since
//!   midnight; `duration` is three zig-zag vints (months, days, nanoseconds); `inet` is the 4
//!   or 16 address bytes; `counter` is an `i64`.
//! * Collection elements carry `[int]` lengths. Vector elements of fixed-size types are
//!   concatenated, other elements are prefixed by an unsigned vint length.
//! * The DSE custom types `PointType`, `LineStringType`, `PolygonType` (WKB, see
//!   [`geo`](super::geo)) and `DateRangeType` (see [`date_range`](super::date_range)) decode
//!   to their own [`CqlValue`] variants; other custom types stay raw bytes.
//! * Decoding: a zero-length value of a type for which that is no valid encoding (anything
//!   but `ascii`, `text`, `blob` and custom types other than the DSE ones) decodes as null, as the Python driver
//!   does; inside a collection, where null cannot be expressed, it decodes as
//!   [`CqlValue::Empty`]. A non-zero boolean byte is true. A tuple or UDT whose trailing
//!   fields are left off decodes with those fields null. A null element inside a list, set,
//!   map or vector is refused (Cassandra never sends one).

use alloc::string::ToString;
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use uuid::Uuid;

use super::ColumnType;
use super::date_range::DateRange;
use super::dse_types::{DseType, dse_type};
use super::error::{DeserializeError, SerializeError};
use super::geo::{LineString, Point, Polygon};
use super::value::{CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue, CqlVarint};
use crate::frame::error::DecodeError;
use crate::frame::primitives::{Reader, int_len, write_unsigned_vint, write_vint};

/// Nanoseconds in a day: `time` values lie in `0..NANOS_PER_DAY`.
pub const NANOS_PER_DAY: i64 = 86_400_000_000_000;

/// Whether a zero-length value is a valid (non-null) encoding of `typ`.
pub fn empty_is_valid(typ: &ColumnType) -> bool {
    match typ {
        ColumnType::Ascii | ColumnType::Text | ColumnType::Blob => true,
        ColumnType::Custom(_) => dse_type(typ).is_none(),
        _ => false,
    }
}

/// The fixed serialized size of `typ` when it is used as a vector element (elements of
/// such types are concatenated without length prefixes), or `None` when elements carry an
/// unsigned-vint length. Matches the Python driver's `serial_size()` and Cassandra's
/// `valueLengthIfFixed`: smallint, tinyint, date and time are *not* fixed-size.
pub fn vector_element_fixed_size(typ: &ColumnType) -> Option<usize> {
    match typ {
        ColumnType::Boolean => Some(1),
        ColumnType::Int | ColumnType::Float => Some(4),
        ColumnType::BigInt | ColumnType::Counter | ColumnType::Double | ColumnType::Timestamp => {
            Some(8)
        }
        ColumnType::Uuid | ColumnType::Timeuuid => Some(16),
        ColumnType::Vector {
            element,
            dimensions,
        } => vector_element_fixed_size(element)
            .and_then(|s| s.checked_mul(usize::try_from(*dimensions).ok()?)),
        _ => None,
    }
}

/// Appends a `[bytes]`-framed value: a 4-byte length placeholder, whatever `write` appends,
/// then the length patched in.
pub(crate) fn write_framed(
    out: &mut Vec<u8>,
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), SerializeError>,
) -> Result<(), SerializeError> {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    write(out)?;
    let len = int_len("[bytes] value", out.len() - start - 4)?;
    if let Some(slot) = out.get_mut(start..start + 4) {
        slot.copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

/// Rewrites the `[bytes]`-framed value that starts at `start` in `out` into vector element
/// form: the 4-byte length is dropped for fixed-size element types (checking the size) and
/// replaced by an unsigned vint otherwise. A null or unset element is refused.
pub(crate) fn reframe_vector_element(
    out: &mut Vec<u8>,
    start: usize,
    element: &ColumnType,
) -> Result<(), SerializeError> {
    let mut len_bytes = [0u8; 4];
    if let Some(src) = out.get(start..start + 4) {
        len_bytes.copy_from_slice(src);
    }
    let len = i32::from_be_bytes(len_bytes);
    let Ok(len) = usize::try_from(len) else {
        return Err(SerializeError::NullElement("vector"));
    };
    let mut prefix = Vec::new();
    match vector_element_fixed_size(element) {
        Some(size) if size != len => {
            return Err(SerializeError::InvalidValue {
                typ: "vector",
                reason: "element does not have its type's fixed size",
            });
        }
        Some(_) => {}
        None => write_unsigned_vint(&mut prefix, len as u64),
    }
    out.splice(start..start + 4, prefix);
    Ok(())
}

fn count_i32(what: &'static str, n: usize) -> Result<[u8; 4], SerializeError> {
    Ok(int_len(what, n)?.to_be_bytes())
}

/// The name of a value's kind, for error messages.
fn kind(v: &CqlValue) -> &'static str {
    match v {
        CqlValue::Ascii(_) => "CqlValue::Ascii",
        CqlValue::BigInt(_) => "CqlValue::BigInt",
        CqlValue::Blob(_) => "CqlValue::Blob",
        CqlValue::Boolean(_) => "CqlValue::Boolean",
        CqlValue::Counter(_) => "CqlValue::Counter",
        CqlValue::Decimal(_) => "CqlValue::Decimal",
        CqlValue::Double(_) => "CqlValue::Double",
        CqlValue::Float(_) => "CqlValue::Float",
        CqlValue::Int(_) => "CqlValue::Int",
        CqlValue::Timestamp(_) => "CqlValue::Timestamp",
        CqlValue::Uuid(_) => "CqlValue::Uuid",
        CqlValue::Text(_) => "CqlValue::Text",
        CqlValue::Varint(_) => "CqlValue::Varint",
        CqlValue::Timeuuid(_) => "CqlValue::Timeuuid",
        CqlValue::Inet(_) => "CqlValue::Inet",
        CqlValue::Date(_) => "CqlValue::Date",
        CqlValue::Time(_) => "CqlValue::Time",
        CqlValue::SmallInt(_) => "CqlValue::SmallInt",
        CqlValue::TinyInt(_) => "CqlValue::TinyInt",
        CqlValue::Duration(_) => "CqlValue::Duration",
        CqlValue::List(_) => "CqlValue::List",
        CqlValue::Set(_) => "CqlValue::Set",
        CqlValue::Map(_) => "CqlValue::Map",
        CqlValue::Udt { .. } => "CqlValue::Udt",
        CqlValue::Tuple(_) => "CqlValue::Tuple",
        CqlValue::Vector(_) => "CqlValue::Vector",
        CqlValue::Custom(_) => "CqlValue::Custom",
        CqlValue::Point(_) => "CqlValue::Point",
        CqlValue::LineString(_) => "CqlValue::LineString",
        CqlValue::Polygon(_) => "CqlValue::Polygon",
        CqlValue::DateRange(_) => "CqlValue::DateRange",
        CqlValue::Empty => "CqlValue::Empty",
    }
}

/// Writes a string as `ascii` (checking it) or `text`.
pub(crate) fn write_str(
    s: &str,
    typ: &ColumnType,
    given: &'static str,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    match typ {
        ColumnType::Ascii if !s.is_ascii() => Err(SerializeError::InvalidValue {
            typ: "ascii",
            reason: "string has non-ASCII characters",
        }),
        ColumnType::Ascii | ColumnType::Text => {
            out.extend_from_slice(s.as_bytes());
            Ok(())
        }
        _ => Err(SerializeError::mismatch(given, typ)),
    }
}

/// Writes a `varint` (an empty byte string is written as zero).
pub(crate) fn write_varint(v: &CqlVarint, out: &mut Vec<u8>) {
    if v.0.is_empty() {
        out.push(0);
    } else {
        out.extend_from_slice(&v.0);
    }
}

/// Writes a `decimal`.
pub(crate) fn write_decimal(d: &CqlDecimal, out: &mut Vec<u8>) {
    out.extend_from_slice(&d.scale.to_be_bytes());
    write_varint(&d.unscaled, out);
}

/// Writes a `duration` as three zig-zag vints.
pub(crate) fn write_duration(d: &CqlDuration, out: &mut Vec<u8>) {
    write_vint(out, i64::from(d.months));
    write_vint(out, i64::from(d.days));
    write_vint(out, d.nanoseconds);
}

/// Writes a `time`, checking its range.
pub(crate) fn write_time(t: CqlTime, out: &mut Vec<u8>) -> Result<(), SerializeError> {
    if !(0..NANOS_PER_DAY).contains(&t.0) {
        return Err(SerializeError::InvalidValue {
            typ: "time",
            reason: "nanoseconds since midnight must be in 0..86_400_000_000_000",
        });
    }
    out.extend_from_slice(&t.0.to_be_bytes());
    Ok(())
}

/// Writes a polygon's WKB, refusing interior rings without an exterior ring: the Python
/// driver writes such a polygon as empty, dropping the holes, so the two would disagree.
pub(crate) fn write_polygon(p: &Polygon, out: &mut Vec<u8>) -> Result<(), SerializeError> {
    if p.exterior.is_empty() && !p.interiors.is_empty() {
        return Err(SerializeError::InvalidValue {
            typ: "polygon",
            reason: "interior rings without an exterior ring",
        });
    }
    p.write_wkb(out);
    Ok(())
}

/// Writes an `inet`.
pub(crate) fn write_inet(ip: &IpAddr, out: &mut Vec<u8>) {
    match ip {
        IpAddr::V4(v4) => out.extend_from_slice(&v4.octets()),
        IpAddr::V6(v6) => out.extend_from_slice(&v6.octets()),
    }
}

impl CqlValue {
    /// Writes the value's bytes as `typ` (WITHOUT the `[bytes]` length that surrounds a value
    /// in a frame; elements of collections do carry their `[int]` lengths).
    ///
    /// [`CqlValue::Empty`] writes zero bytes for any type. Strings may be written as `ascii`
    /// (when they are ASCII) or `text`, 64-bit integers as `bigint` or `counter`, and UUIDs
    /// as `uuid` or `timeuuid`; a list or set value may be written as either collection. UDT
    /// values are matched to the type's fields by name: fields the value leaves out are
    /// written as null.
    ///
    /// # Errors
    /// [`SerializeError`] when the value does not match `typ`, is out of the type's domain,
    /// has the wrong number of elements, or is too long for its length prefix.
    pub fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        use ColumnType as T;
        use CqlValue as V;
        match (self, typ) {
            (V::Empty, _) => {}
            (V::Ascii(s) | V::Text(s), _) => write_str(s, typ, kind(self), out)?,
            (V::BigInt(v) | V::Counter(v), T::BigInt | T::Counter) => {
                out.extend_from_slice(&v.to_be_bytes());
            }
            (V::Blob(b) | V::Custom(b), T::Blob | T::Custom(_)) => out.extend_from_slice(b),
            (V::Point(p), T::Custom(_)) if dse_type(typ) == Some(DseType::Point) => {
                p.write_wkb(out);
            }
            (V::LineString(l), T::Custom(_)) if dse_type(typ) == Some(DseType::LineString) => {
                l.write_wkb(out);
            }
            (V::Polygon(p), T::Custom(_)) if dse_type(typ) == Some(DseType::Polygon) => {
                write_polygon(p, out)?;
            }
            (V::DateRange(r), T::Custom(_)) if dse_type(typ) == Some(DseType::DateRange) => {
                r.write_bytes(out);
            }
            (V::Boolean(b), T::Boolean) => out.push(u8::from(*b)),
            (V::Decimal(d), T::Decimal) => write_decimal(d, out),
            (V::Double(v), T::Double) => out.extend_from_slice(&v.to_be_bytes()),
            (V::Float(v), T::Float) => out.extend_from_slice(&v.to_be_bytes()),
            (V::Int(v), T::Int) => out.extend_from_slice(&v.to_be_bytes()),
            (V::Timestamp(v), T::Timestamp) => out.extend_from_slice(&v.0.to_be_bytes()),
            (V::Uuid(u) | V::Timeuuid(u), T::Uuid | T::Timeuuid) => {
                out.extend_from_slice(u.as_bytes());
            }
            (V::Varint(v), T::Varint) => write_varint(v, out),
            (V::Inet(ip), T::Inet) => write_inet(ip, out),
            (V::Date(d), T::Date) => out.extend_from_slice(&d.0.to_be_bytes()),
            (V::Time(t), T::Time) => write_time(*t, out)?,
            (V::SmallInt(v), T::SmallInt) => out.extend_from_slice(&v.to_be_bytes()),
            (V::TinyInt(v), T::TinyInt) => out.extend_from_slice(&v.to_be_bytes()),
            (V::Duration(d), T::Duration) => write_duration(d, out),
            (V::List(items) | V::Set(items), T::List(e) | T::Set(e)) => {
                out.extend_from_slice(&count_i32("collection", items.len())?);
                for item in items {
                    write_framed(out, |out| item.serialize(e, out))?;
                }
            }
            (V::Map(entries), T::Map(kt, vt)) => {
                out.extend_from_slice(&count_i32("map", entries.len())?);
                for (k, v) in entries {
                    write_framed(out, |out| k.serialize(kt, out))?;
                    write_framed(out, |out| v.serialize(vt, out))?;
                }
            }
            (V::Tuple(items), T::Tuple(types)) => {
                if items.len() != types.len() {
                    return Err(SerializeError::WrongElementCount {
                        what: "tuple",
                        expected: types.len(),
                        given: items.len(),
                    });
                }
                for (item, t) in items.iter().zip(types) {
                    write_optional(item.as_ref(), t, out)?;
                }
            }
            (V::Udt { fields, .. }, T::Udt { fields: types, .. }) => {
                if let Some((unknown, _)) = fields
                    .iter()
                    .find(|(name, _)| !types.iter().any(|(n, _)| n == name))
                {
                    return Err(SerializeError::UnknownField(unknown.as_str().into()));
                }
                for (name, t) in types {
                    let value = fields
                        .iter()
                        .find(|(n, _)| n == name)
                        .and_then(|(_, v)| v.as_ref());
                    write_optional(value, t, out)?;
                }
            }
            (
                V::Vector(items),
                T::Vector {
                    element,
                    dimensions,
                },
            ) => {
                if usize::try_from(*dimensions).ok() != Some(items.len()) {
                    return Err(SerializeError::WrongElementCount {
                        what: "vector",
                        expected: *dimensions as usize,
                        given: items.len(),
                    });
                }
                for item in items {
                    let start = out.len();
                    write_framed(out, |out| item.serialize(element, out))?;
                    reframe_vector_element(out, start, element)?;
                }
            }
            _ => return Err(SerializeError::mismatch(kind(self), typ)),
        }
        Ok(())
    }

    /// Reads a value of type `typ` from its bytes (`None` is a null value).
    ///
    /// Returns `Ok(None)` for null, and for a zero-length value of a type for which that is
    /// no valid encoding (see the [module docs](self)).
    ///
    /// # Errors
    /// [`DeserializeError`] for malformed bytes: wrong lengths, invalid UTF-8 or ASCII,
    /// truncated or trailing bytes, null collection elements.
    pub fn deserialize(
        typ: &ColumnType,
        bytes: Option<&[u8]>,
    ) -> Result<Option<CqlValue>, DeserializeError> {
        match bytes {
            None => Ok(None),
            Some([]) if !empty_is_valid(typ) => Ok(None),
            Some(b) => decode(typ, b).map(Some),
        }
    }
}

fn write_optional(
    value: Option<&CqlValue>,
    typ: &ColumnType,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    match value {
        None => {
            out.extend_from_slice(&(-1i32).to_be_bytes());
            Ok(())
        }
        Some(v) => write_framed(out, |out| v.serialize(typ, out)),
    }
}

/// Reads exactly `N` bytes of a fixed-size type.
pub(crate) fn fixed<const N: usize>(
    typ: &'static str,
    bytes: &[u8],
) -> Result<[u8; N], DeserializeError> {
    bytes.try_into().map_err(|_| DeserializeError::WrongLength {
        typ,
        expected: N,
        got: bytes.len(),
    })
}

/// Decodes `ascii` bytes.
pub(crate) fn decode_ascii(bytes: &[u8]) -> Result<&str, DeserializeError> {
    if !bytes.is_ascii() {
        return Err(DecodeError::Malformed("ascii value with non-ASCII bytes").into());
    }
    decode_text(bytes)
}

/// Decodes `text` bytes.
pub(crate) fn decode_text(bytes: &[u8]) -> Result<&str, DeserializeError> {
    core::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8("text value").into())
}

/// Decodes an `inet`.
pub(crate) fn decode_inet(bytes: &[u8]) -> Result<IpAddr, DeserializeError> {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return Ok(IpAddr::V4(Ipv4Addr::from(v4)));
    }
    let v6: [u8; 16] = fixed("inet", bytes)?;
    Ok(IpAddr::V6(Ipv6Addr::from(v6)))
}

/// Decodes a `duration`.
pub(crate) fn decode_duration(bytes: &[u8]) -> Result<CqlDuration, DeserializeError> {
    let mut r = Reader::new(bytes);
    let months = i32::try_from(r.read_vint()?)
        .map_err(|_| DeserializeError::OutOfRange("duration months"))?;
    let days =
        i32::try_from(r.read_vint()?).map_err(|_| DeserializeError::OutOfRange("duration days"))?;
    let nanoseconds = r.read_vint()?;
    r.finish("duration value")?;
    Ok(CqlDuration {
        months,
        days,
        nanoseconds,
    })
}

/// Decodes a `decimal`.
pub(crate) fn decode_decimal(bytes: &[u8]) -> Result<CqlDecimal, DeserializeError> {
    let mut r = Reader::new(bytes);
    let scale = r.read_i32()?;
    let rest = r.take_rest();
    let unscaled = if rest.is_empty() {
        CqlVarint(alloc::vec![0])
    } else {
        CqlVarint(rest.to_vec())
    };
    Ok(CqlDecimal { unscaled, scale })
}

/// Reads a collection's `[int]` element count, bounded by the bytes that remain (each
/// element takes at least `min_size` bytes).
pub(crate) fn read_count(
    r: &mut Reader<'_>,
    min_size: usize,
    what: &'static str,
) -> Result<usize, DeserializeError> {
    let n = r.read_i32()?;
    let n = usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
        what,
        length: i64::from(n),
    })?;
    r.check_count(n, min_size, what)?;
    Ok(n)
}

/// Reads one collection element's `[bytes]`, refusing null.
pub(crate) fn read_element<'a>(
    r: &mut Reader<'a>,
    what: &'static str,
) -> Result<&'a [u8], DeserializeError> {
    r.read_bytes()?
        .ok_or(DeserializeError::Decode(DecodeError::Malformed(what)))
}

/// Splits a vector value into its `dimensions` element byte slices.
pub(crate) fn vector_elements<'a>(
    element: &ColumnType,
    dimensions: u32,
    bytes: &'a [u8],
) -> Result<VectorElements<'a>, DeserializeError> {
    let n = dimensions as usize;
    match vector_element_fixed_size(element) {
        Some(size) => {
            let expected = size.saturating_mul(n);
            if bytes.len() != expected || size == 0 {
                return Err(DeserializeError::WrongLength {
                    typ: "vector",
                    expected,
                    got: bytes.len(),
                });
            }
        }
        None => Reader::new(bytes).check_count(n, 1, "vector elements")?,
    }
    Ok(VectorElements {
        reader: Reader::new(bytes),
        fixed: vector_element_fixed_size(element),
        left: n,
    })
}

/// Iterator over the element byte slices of a vector value.
pub(crate) struct VectorElements<'a> {
    reader: Reader<'a>,
    fixed: Option<usize>,
    left: usize,
}

impl<'a> VectorElements<'a> {
    /// Number of elements not yet read.
    pub(crate) fn len(&self) -> usize {
        self.left
    }

    /// The next element, or `None` when done.
    pub(crate) fn next_element(&mut self) -> Option<Result<&'a [u8], DeserializeError>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let len = match self.fixed {
            Some(size) => Ok(size),
            None => self.reader.read_unsigned_vint().map(|n| n as usize),
        };
        Some(
            len.and_then(|len| self.reader.take(len))
                .map_err(DeserializeError::from),
        )
    }

    /// Fails when bytes are left after the last element.
    pub(crate) fn finish(&self) -> Result<(), DeserializeError> {
        Ok(self.reader.finish("vector value")?)
    }
}

/// Decodes a collection element (never null; empty decodes as [`CqlValue::Empty`] when that
/// is no valid encoding of the element type).
fn decode_element(typ: &ColumnType, bytes: &[u8]) -> Result<CqlValue, DeserializeError> {
    if bytes.is_empty() && !empty_is_valid(typ) {
        return Ok(CqlValue::Empty);
    }
    decode(typ, bytes)
}

fn decode(typ: &ColumnType, b: &[u8]) -> Result<CqlValue, DeserializeError> {
    use ColumnType as T;
    use CqlValue as V;
    Ok(match typ {
        T::Custom(_) => match dse_type(typ) {
            Some(DseType::Point) => V::Point(Point::from_wkb(b)?),
            Some(DseType::LineString) => V::LineString(LineString::from_wkb(b)?),
            Some(DseType::Polygon) => V::Polygon(Polygon::from_wkb(b)?),
            Some(DseType::DateRange) => V::DateRange(DateRange::from_bytes(b)?),
            None => V::Custom(b.to_vec()),
        },
        T::Ascii => V::Ascii(decode_ascii(b)?.to_string()),
        T::Text => V::Text(decode_text(b)?.to_string()),
        T::Blob => V::Blob(b.to_vec()),
        T::BigInt => V::BigInt(i64::from_be_bytes(fixed("bigint", b)?)),
        T::Counter => V::Counter(i64::from_be_bytes(fixed("counter", b)?)),
        T::Boolean => V::Boolean(fixed::<1>("boolean", b)? != [0]),
        T::Decimal => V::Decimal(decode_decimal(b)?),
        T::Double => V::Double(f64::from_be_bytes(fixed("double", b)?)),
        T::Float => V::Float(f32::from_be_bytes(fixed("float", b)?)),
        T::Int => V::Int(i32::from_be_bytes(fixed("int", b)?)),
        T::Timestamp => V::Timestamp(CqlTimestamp(i64::from_be_bytes(fixed("timestamp", b)?))),
        T::Uuid => V::Uuid(Uuid::from_bytes(fixed("uuid", b)?)),
        T::Timeuuid => V::Timeuuid(Uuid::from_bytes(fixed("timeuuid", b)?)),
        T::Varint => V::Varint(CqlVarint(b.to_vec())),
        T::Inet => V::Inet(decode_inet(b)?),
        T::Date => V::Date(CqlDate(u32::from_be_bytes(fixed("date", b)?))),
        T::Time => V::Time(CqlTime(i64::from_be_bytes(fixed("time", b)?))),
        T::SmallInt => V::SmallInt(i16::from_be_bytes(fixed("smallint", b)?)),
        T::TinyInt => V::TinyInt(i8::from_be_bytes(fixed("tinyint", b)?)),
        T::Duration => V::Duration(decode_duration(b)?),
        T::List(e) | T::Set(e) => {
            let mut r = Reader::new(b);
            let n = read_count(&mut r, 4, "collection elements")?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                let item = read_element(&mut r, "null element in a list or set")?;
                items.push(decode_element(e, item)?);
            }
            r.finish("collection value")?;
            if matches!(typ, T::List(_)) {
                V::List(items)
            } else {
                V::Set(items)
            }
        }
        T::Map(kt, vt) => {
            let mut r = Reader::new(b);
            let n = read_count(&mut r, 8, "map entries")?;
            let mut entries = Vec::with_capacity(n);
            for _ in 0..n {
                let k = read_element(&mut r, "null key in a map")?;
                let v = read_element(&mut r, "null value in a map")?;
                entries.push((decode_element(kt, k)?, decode_element(vt, v)?));
            }
            r.finish("map value")?;
            V::Map(entries)
        }
        T::Tuple(types) => {
            let mut r = Reader::new(b);
            let mut items = Vec::with_capacity(types.len().min(b.len()));
            for t in types {
                items.push(read_field(&mut r, t)?);
            }
            r.finish("tuple value")?;
            V::Tuple(items)
        }
        T::Udt {
            keyspace,
            name,
            fields,
        } => {
            let mut r = Reader::new(b);
            let mut values = Vec::with_capacity(fields.len().min(b.len()));
            for (field, t) in fields {
                values.push((field.clone(), read_field(&mut r, t)?));
            }
            r.finish("udt value")?;
            V::Udt {
                keyspace: keyspace.clone(),
                name: name.clone(),
                fields: values,
            }
        }
        T::Vector {
            element,
            dimensions,
        } => {
            let mut elems = vector_elements(element, *dimensions, b)?;
            let mut items = Vec::with_capacity(elems.len());
            while let Some(item) = elems.next_element() {
                items.push(decode_element(element, item?)?);
            }
            elems.finish()?;
            V::Vector(items)
        }
    })
}

/// Reads one tuple or UDT field: absent (trailing fields left off) and null both give
/// `None`.
fn read_field(r: &mut Reader<'_>, typ: &ColumnType) -> Result<Option<CqlValue>, DeserializeError> {
    if r.is_empty() {
        return Ok(None);
    }
    CqlValue::deserialize(typ, r.read_bytes()?)
}

impl CqlDate {
    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        i64::from(self.0) - (1i64 << 31)
    }

    /// The date `days` after 1970-01-01, or `None` outside the representable range.
    pub fn from_days_since_epoch(days: i64) -> Option<Self> {
        days.checked_add(1i64 << 31)
            .and_then(|d| u32::try_from(d).ok())
            .map(Self)
    }
}
