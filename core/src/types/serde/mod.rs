//! serde mapping of rows (feature `serde`): read a row into any `serde::Deserialize` type,
//! by column name or by position, borrowing text and blobs from the frame.
//!
//! ```ignore
//! #[derive(serde::Deserialize)]
//! struct User<'a> { id: uuid::Uuid, name: &'a str, emails: Vec<String>, age: Option<i32> }
//! for user in rows.typed::<SerdeRow<User<'_>>>()? { let SerdeRow(user) = user?; }
//! ```
//!
//! A row is a map from column name to value for structs and maps (fields match columns by
//! name in any order; columns without a field are skipped; a field without a column is a
//! [`DeserializeError::MissingColumn`] unless it is an `Option` or `#[serde(default)]`), a
//! sequence of values for tuples and `Vec`s, and the value itself for other types when it
//! has one column. Serde cannot check a type against the column specs before reading, so
//! [`SerdeRow::type_check`](crate::types::DeserializeRow::type_check) accepts every page
//! and mismatches surface when the first row is read, as [`DeserializeError::Column`]
//! naming the column.
//!
//! Values (what `deserialize_any` sees; the Rust type's hint picks between the forms
//! listed, so a `Uuid` field, a `String` field and a `[u8; 16]` field can all read a
//! `uuid`):
//!
//! | CQL type | serde form |
//! |---|---|
//! | `tinyint`, `smallint`, `int`, `bigint`, `counter` | `i8`, `i16`, `i32`, `i64` (serde converts to any integer type that holds the value) |
//! | `float`, `double`, `boolean` | `f32`, `f64`, `bool` |
//! | `ascii`, `text` | borrowed string (`&'frame str`, `String`, `Cow<str>`); a unit enum variant by name |
//! | DSE `PointType`, `LineStringType`, `PolygonType` | WKT string such as `"POINT (1.0 2.0)"`; the WKB bytes when bytes are asked |
//! | DSE `DateRangeType` | DSE text form such as `"[2019-06 TO *]"`; the raw bytes when bytes are asked |
//! | `blob`, other custom types | borrowed bytes (`&'frame [u8]`, `serde_bytes`), or a sequence of `u8` for `Vec<u8>` |
//! | `uuid`, `timeuuid` | hyphenated lower-case string (so `uuid::Uuid` works), 16 bytes when bytes are asked |
//! | `inet` | string such as `"10.0.0.1"` (so `IpAddr` works), the 4 or 16 octets when bytes are asked |
//! | `timestamp` | `i64` milliseconds since the Unix epoch; RFC 3339 `"2024-01-02T03:04:05.678Z"` when a string is asked |
//! | `date` | `i64` days since 1970-01-01; `"2024-01-02"` when a string is asked |
//! | `time` | `i64` nanoseconds since midnight; `"03:04:05.000000006"` when a string is asked |
//! | `duration` | map `{ months, days, nanoseconds }` (as [`CqlDuration`](crate::types::CqlDuration) reads it) |
//! | `varint` | decimal string; an integer when an integer type asks and the value fits; two's-complement bytes when bytes are asked |
//! | `decimal` | decimal string such as `"-1.50"`; `f64` when a float asks (lossy) |
//! | `list`, `set`, `vector` | sequence |
//! | `map` | map |
//! | `tuple` | sequence (trailing fields left off read as null) |
//! | user-defined type | map from field name to value (struct by name), or a sequence of field values (tuple) |
//! | null (and empty values of types where empty is no valid encoding) | `None` for `Option`; [`DeserializeError::UnexpectedNull`] otherwise |
//!
//! The [`CqlTimestamp`](crate::types::CqlTimestamp), [`CqlDate`](crate::types::CqlDate),
//! [`CqlTime`](crate::types::CqlTime), [`CqlDuration`](crate::types::CqlDuration),
//! [`CqlVarint`](crate::types::CqlVarint) and [`CqlDecimal`](crate::types::CqlDecimal)
//! types implement `Serialize`/`Deserialize` in these forms, and so do the DSE
//! [`Point`](crate::types::Point), [`LineString`](crate::types::LineString),
//! [`Polygon`](crate::types::Polygon) and [`DateRange`](crate::types::DateRange) (as their
//! text forms).
//!
//! Binding: [`SerdeValues`] binds a `serde::Serialize` struct (or map) as the values of a
//! statement, matched to the bind markers by name (see [`ser`]).

mod error;
mod impls;
mod row;
pub mod ser;
mod text;
mod value;

pub use row::RowDeserializer;
pub use ser::SerdeValues;
pub use value::ValueDeserializer;

use serde::Deserialize;

use crate::types::error::DeserializeError;
use crate::types::row::{ColumnIterator, DeserializeRow};
use crate::types::{ColumnSpec, ColumnType, DeserializeValue};

/// Reads one row (the cells `columns` yields) into any `serde::Deserialize` type.
///
/// # Errors
/// [`DeserializeError::Column`] around the first cell that does not fit,
/// [`DeserializeError::MissingColumn`] for a struct field without a column,
/// [`DeserializeError::WrongColumnCount`] for a tuple of the wrong arity.
pub fn from_columns<'frame, T: Deserialize<'frame>>(
    columns: &mut ColumnIterator<'frame>,
) -> Result<T, DeserializeError> {
    T::deserialize(RowDeserializer::new(columns))
}

/// Reads one CQL value (`bytes` is `None` for null) of type `typ` into any
/// `serde::Deserialize` type.
///
/// # Errors
/// [`DeserializeError`] when the value does not fit `T` or its bytes are malformed.
pub fn from_value<'frame, T: Deserialize<'frame>>(
    typ: &'frame ColumnType,
    bytes: Option<&'frame [u8]>,
) -> Result<T, DeserializeError> {
    T::deserialize(ValueDeserializer::new(typ, bytes))
}

/// A row read through serde: `rows.typed::<SerdeRow<User>>()` yields `SerdeRow(user)`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SerdeRow<T>(pub T);

impl<'frame, T: Deserialize<'frame>> DeserializeRow<'frame> for SerdeRow<T> {
    /// Accepts every page: serde types carry no schema to check against.
    fn type_check(_specs: &[ColumnSpec]) -> Result<(), DeserializeError> {
        Ok(())
    }

    fn deserialize(row: &mut ColumnIterator<'frame>) -> Result<Self, DeserializeError> {
        from_columns(row).map(Self)
    }
}

/// A single value read through serde, for use inside typed rows and collections:
/// `(i32, SerdeValue<Address>)` reads a UDT column into a `serde::Deserialize` struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SerdeValue<T>(pub T);

impl<'frame, T: Deserialize<'frame>> DeserializeValue<'frame> for SerdeValue<T> {
    /// Accepts every type: serde types carry no schema to check against.
    fn type_check(_typ: &ColumnType) -> Result<(), DeserializeError> {
        Ok(())
    }

    fn deserialize(
        typ: &'frame ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        from_value(typ, bytes).map(Self)
    }
}
