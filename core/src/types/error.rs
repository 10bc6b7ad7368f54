//! Errors of the types layer: writing Rust/CQL values in wire form and reading them back.
//!
//! Both error types stay small (at most 64 bytes) so that `Result`s on the row-decoding hot
//! path stay cheap: details that would make them larger are boxed.

use alloc::boxed::Box;

use super::ColumnType;
use super::date_range::DateRangeError;
use super::geo::GeoError;
use crate::frame::error::{DecodeError, EncodeError};

/// A value could not be written as the requested CQL type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SerializeError {
    /// The Rust (or [`CqlValue`](super::CqlValue)) value cannot be written as the column's type.
    #[error("type mismatch: cannot write {given} as CQL type {expected}")]
    TypeMismatch {
        /// The Rust type (or CQL value kind) that was given.
        given: &'static str,
        /// The CQL type that was expected.
        expected: Box<ColumnType>,
    },
    /// The value has the right type but is outside what the CQL type allows.
    #[error("invalid value for CQL {typ}: {reason}")]
    InvalidValue {
        /// The CQL type name.
        typ: &'static str,
        /// Why the value is not allowed.
        reason: &'static str,
    },
    /// A vector, tuple or UDT value has the wrong number of elements.
    #[error("{what} has {given} elements, the type has {expected}")]
    WrongElementCount {
        /// What was being written (`"vector"`, `"tuple"`, `"udt"`).
        what: &'static str,
        /// Elements the type declares.
        expected: usize,
        /// Elements that were given.
        given: usize,
    },
    /// A UDT value names a field the type does not have.
    #[error("udt has no field named {0:?}")]
    UnknownField(Box<str>),
    /// A null (or unset) value where the protocol allows none: inside a list, set, map or vector.
    #[error("null or unset element inside a {0}")]
    NullElement(&'static str),
    /// A row has a different number of values than the statement has bind markers.
    #[error("wrong number of values: the statement has {expected} columns, {given} values given")]
    WrongValueCount {
        /// Bind markers of the statement.
        expected: usize,
        /// Values given.
        given: usize,
    },
    /// No value was given for a named bind marker.
    #[error("no value given for column {0:?}")]
    MissingColumn(Box<str>),
    /// A named value matches no bind marker of the statement.
    #[error("value given for unknown column {0:?}")]
    UnknownColumn(Box<str>),
    /// Writing one column of a row failed.
    #[error("column {name:?}: {source}")]
    Column {
        /// The column's name.
        name: Box<str>,
        /// What went wrong.
        source: Box<SerializeError>,
    },
    /// A value (or row) was bound without metadata (a simple statement) but has no
    /// natural CQL type to be written as.
    #[error(
        "{0} has no natural CQL type to be sent without metadata: prepare the statement, or bind a value of a plain type (CqlValue, i32, String...)"
    )]
    NeedsMetadata(&'static str),
    /// A length did not fit its wire prefix.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// Writing one field of a user-defined type value failed.
    #[error("field {name:?}: {source}")]
    Field {
        /// The field's name.
        name: Box<str>,
        /// What went wrong.
        source: Box<SerializeError>,
    },
    /// A failure reported by a value mapping outside this crate's codecs (for instance a
    /// `serde::Serialize` implementation), in its own words.
    #[error("{0}")]
    Custom(Box<str>),
}

impl SerializeError {
    /// A [`SerializeError::TypeMismatch`] for `given` against `expected`.
    pub fn mismatch(given: &'static str, expected: &ColumnType) -> Self {
        Self::TypeMismatch {
            given,
            expected: Box::new(expected.clone()),
        }
    }

    /// Wraps this error with the name of the column it happened in.
    pub fn in_column(self, name: &str) -> Self {
        Self::Column {
            name: name.into(),
            source: Box::new(self),
        }
    }

    /// Wraps this error with the name of the user-defined type field it happened in.
    pub fn in_field(self, name: &str) -> Self {
        Self::Field {
            name: name.into(),
            source: Box::new(self),
        }
    }
}

/// Bytes read from the network could not be turned into the requested value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeserializeError {
    /// The Rust type cannot hold a value of the column's CQL type.
    #[error("type mismatch: cannot read CQL type {cql} into {rust_type}")]
    TypeMismatch {
        /// The Rust type asked for.
        rust_type: &'static str,
        /// The column's CQL type.
        cql: Box<ColumnType>,
    },
    /// A null (or empty) value where the Rust type has no null; use `Option<T>`.
    #[error("unexpected null for {0}; use Option<_> to accept nulls")]
    UnexpectedNull(&'static str),
    /// A fixed-size value has the wrong number of bytes.
    #[error("CQL {typ} value must be {expected} bytes, got {got}")]
    WrongLength {
        /// The CQL type name.
        typ: &'static str,
        /// Bytes the type requires.
        expected: usize,
        /// Bytes that were there.
        got: usize,
    },
    /// A value is well-formed but does not fit the Rust type (or the CQL type's domain).
    #[error("value out of range for {0}")]
    OutOfRange(&'static str),
    /// A row has a different number of columns than the Rust row type.
    #[error("wrong number of columns: the result has {got}, the row type expects {expected}")]
    WrongColumnCount {
        /// Columns the Rust row type has.
        expected: usize,
        /// Columns in the result.
        got: usize,
    },
    /// Reading one column failed.
    #[error("column {index} ({name:?}): {source}")]
    Column {
        /// Zero-based column index.
        index: usize,
        /// The column's name.
        name: Box<str>,
        /// What went wrong.
        source: Box<DeserializeError>,
    },
    /// The bytes are malformed (truncated, bad length, invalid UTF-8, trailing bytes ...).
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A DSE geometry value (point, linestring, polygon) is malformed WKB.
    #[error(transparent)]
    Geo(#[from] GeoError),
    /// A DSE date range value is malformed.
    #[error(transparent)]
    DateRange(#[from] DateRangeError),
    /// The result has no column of this name, and the row type (a struct mapped by column
    /// name) needs one.
    #[error("the result has no column named {0:?}")]
    MissingColumn(Box<str>),
    /// The user-defined type (or map) has no field of this name, and the Rust type needs one.
    #[error("no field named {0:?}")]
    MissingField(Box<str>),
    /// Reading one field of a user-defined type value failed.
    #[error("field {name:?}: {source}")]
    Field {
        /// The field's name.
        name: Box<str>,
        /// What went wrong.
        source: Box<DeserializeError>,
    },
    /// A failure reported by a value mapping outside this crate's codecs (for instance a
    /// `serde::Deserialize` implementation), in its own words.
    #[error("{0}")]
    Custom(Box<str>),
}

impl DeserializeError {
    /// A [`DeserializeError::TypeMismatch`] for `rust_type` against `cql`.
    pub fn mismatch(rust_type: &'static str, cql: &ColumnType) -> Self {
        Self::TypeMismatch {
            rust_type,
            cql: Box::new(cql.clone()),
        }
    }

    /// Wraps this error with the index and name of the column it happened in.
    pub fn in_column(self, index: usize, name: &str) -> Self {
        Self::Column {
            index,
            name: name.into(),
            source: Box::new(self),
        }
    }

    /// Wraps this error with the name of the user-defined type field it happened in.
    pub fn in_field(self, name: &str) -> Self {
        Self::Field {
            name: name.into(),
            source: Box::new(self),
        }
    }
}

/// A type description (a Java marshal class string or CQL type syntax) could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot parse type: {reason} at byte {position}")]
pub struct TypeParseError {
    /// What was wrong.
    pub reason: &'static str,
    /// Byte offset in the input where the problem was found.
    pub position: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_stay_small() {
        assert!(core::mem::size_of::<SerializeError>() <= 64);
        assert!(core::mem::size_of::<DeserializeError>() <= 64);
    }
}
