//! The CQL type model and its wire form, the protocol `[option]`.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{Reader, write_string, write_u16};

/// Deepest nesting of collection/tuple/UDT types accepted from the network, so hostile
/// input cannot exhaust the stack.
pub const MAX_TYPE_DEPTH: usize = 64;

/// A CQL column type, as carried in result and prepared metadata.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnType {
    /// A custom type named by its Java marshal class (option id 0x0000).
    Custom(String),
    /// `ascii`.
    Ascii,
    /// `bigint`.
    BigInt,
    /// `blob`.
    Blob,
    /// `boolean`.
    Boolean,
    /// `counter`.
    Counter,
    /// `decimal`.
    Decimal,
    /// `double`.
    Double,
    /// `float`.
    Float,
    /// `int`.
    Int,
    /// `timestamp`.
    Timestamp,
    /// `uuid`.
    Uuid,
    /// `text` / `varchar` (one id since protocol v3).
    Text,
    /// `varint`.
    Varint,
    /// `timeuuid`.
    Timeuuid,
    /// `inet`.
    Inet,
    /// `date`.
    Date,
    /// `time`.
    Time,
    /// `smallint`.
    SmallInt,
    /// `tinyint`.
    TinyInt,
    /// `duration`.
    Duration,
    /// `list<T>`.
    List(Box<ColumnType>),
    /// `map<K, V>`.
    Map(Box<ColumnType>, Box<ColumnType>),
    /// `set<T>`.
    Set(Box<ColumnType>),
    /// A user-defined type with its fields in declaration order.
    Udt {
        /// Keyspace the type lives in.
        keyspace: String,
        /// Type name.
        name: String,
        /// Field names and types, in declaration (wire) order.
        fields: Vec<(String, ColumnType)>,
    },
    /// `tuple<...>`.
    Tuple(Vec<ColumnType>),
    /// `vector<T, n>` (sent as a custom type naming `VectorType`).
    Vector {
        /// Element type.
        element: Box<ColumnType>,
        /// Number of elements.
        dimensions: u32,
    },
}

impl ColumnType {
    /// Reads an `[option]` describing a type.
    ///
    /// # Errors
    /// [`DecodeError`] for truncated input, unknown option ids, or nesting deeper than
    /// [`MAX_TYPE_DEPTH`].
    pub fn read(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Self::read_nested(r, 0)
    }

    fn read_nested(r: &mut Reader<'_>, depth: usize) -> Result<Self, DecodeError> {
        if depth > MAX_TYPE_DEPTH {
            return Err(DecodeError::Malformed("type nested too deeply"));
        }
        let id = r.read_u16()?;
        let d = depth + 1;
        Ok(match id {
            0x0000 => {
                let class = r.read_string()?;
                super::marshal::parse_marshal_class(class)
                    .unwrap_or_else(|| Self::Custom(class.to_string()))
            }
            0x0001 => Self::Ascii,
            0x0002 => Self::BigInt,
            0x0003 => Self::Blob,
            0x0004 => Self::Boolean,
            0x0005 => Self::Counter,
            0x0006 => Self::Decimal,
            0x0007 => Self::Double,
            0x0008 => Self::Float,
            0x0009 => Self::Int,
            0x000A => Self::Text, // legacy varchar id (v1/v2 text)
            0x000B => Self::Timestamp,
            0x000C => Self::Uuid,
            0x000D => Self::Text,
            0x000E => Self::Varint,
            0x000F => Self::Timeuuid,
            0x0010 => Self::Inet,
            0x0011 => Self::Date,
            0x0012 => Self::Time,
            0x0013 => Self::SmallInt,
            0x0014 => Self::TinyInt,
            0x0015 => Self::Duration,
            0x0020 => Self::List(Box::new(Self::read_nested(r, d)?)),
            0x0021 => {
                let k = Self::read_nested(r, d)?;
                let v = Self::read_nested(r, d)?;
                Self::Map(Box::new(k), Box::new(v))
            }
            0x0022 => Self::Set(Box::new(Self::read_nested(r, d)?)),
            0x0030 => {
                let keyspace = r.read_string()?.to_string();
                let name = r.read_string()?.to_string();
                let n = usize::from(r.read_u16()?);
                r.check_count(n, 4, "udt fields")?;
                let mut fields = Vec::with_capacity(n);
                for _ in 0..n {
                    let field = r.read_string()?.to_string();
                    fields.push((field, Self::read_nested(r, d)?));
                }
                Self::Udt {
                    keyspace,
                    name,
                    fields,
                }
            }
            0x0031 => {
                let n = usize::from(r.read_u16()?);
                r.check_count(n, 2, "tuple elements")?;
                let mut elems = Vec::with_capacity(n);
                for _ in 0..n {
                    elems.push(Self::read_nested(r, d)?);
                }
                Self::Tuple(elems)
            }
            other => {
                return Err(DecodeError::InvalidValue {
                    what: "type option id",
                    value: i64::from(other),
                });
            }
        })
    }

    /// Writes the type as an `[option]`.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] when a name or field count does not fit its prefix.
    pub fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let simple = |out: &mut Vec<u8>, id: u16| {
            write_u16(out, id);
            Ok(())
        };
        match self {
            Self::Custom(class) => {
                write_u16(out, 0x0000);
                write_string(out, class)
            }
            Self::Ascii => simple(out, 0x0001),
            Self::BigInt => simple(out, 0x0002),
            Self::Blob => simple(out, 0x0003),
            Self::Boolean => simple(out, 0x0004),
            Self::Counter => simple(out, 0x0005),
            Self::Decimal => simple(out, 0x0006),
            Self::Double => simple(out, 0x0007),
            Self::Float => simple(out, 0x0008),
            Self::Int => simple(out, 0x0009),
            Self::Timestamp => simple(out, 0x000B),
            Self::Uuid => simple(out, 0x000C),
            Self::Text => simple(out, 0x000D),
            Self::Varint => simple(out, 0x000E),
            Self::Timeuuid => simple(out, 0x000F),
            Self::Inet => simple(out, 0x0010),
            Self::Date => simple(out, 0x0011),
            Self::Time => simple(out, 0x0012),
            Self::SmallInt => simple(out, 0x0013),
            Self::TinyInt => simple(out, 0x0014),
            Self::Duration => simple(out, 0x0015),
            Self::List(e) => {
                write_u16(out, 0x0020);
                e.write(out)
            }
            Self::Map(k, v) => {
                write_u16(out, 0x0021);
                k.write(out)?;
                v.write(out)
            }
            Self::Set(e) => {
                write_u16(out, 0x0022);
                e.write(out)
            }
            Self::Udt {
                keyspace,
                name,
                fields,
            } => {
                write_u16(out, 0x0030);
                write_string(out, keyspace)?;
                write_string(out, name)?;
                write_u16(out, count_u16("udt fields", fields.len())?);
                for (field, typ) in fields {
                    write_string(out, field)?;
                    typ.write(out)?;
                }
                Ok(())
            }
            Self::Tuple(elems) => {
                write_u16(out, 0x0031);
                write_u16(out, count_u16("tuple elements", elems.len())?);
                for e in elems {
                    e.write(out)?;
                }
                Ok(())
            }
            Self::Vector { .. } => {
                write_u16(out, 0x0000);
                write_string(out, &super::marshal::marshal_class(self))
            }
        }
    }
}

fn count_u16(what: &'static str, n: usize) -> Result<u16, EncodeError> {
    u16::try_from(n).map_err(|_| EncodeError::TooLong {
        what,
        length: n,
        max: u16::MAX as usize,
    })
}

/// The description of one column in result or prepared metadata.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnSpec {
    /// Keyspace of the column's table.
    pub keyspace: String,
    /// Table of the column.
    pub table: String,
    /// Column name (or alias).
    pub name: String,
    /// Column type.
    pub typ: ColumnType,
}

/// A column `name` of type `typ` in table `ks.t`: the spec unit tests build their
/// metadata from.
#[cfg(test)]
pub(crate) fn test_spec(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "ks".into(),
        table: "t".into(),
        name: name.into(),
        typ,
    }
}
