//! BATCH requests: several modifications applied together.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use bytes::Bytes;

use super::consistency::Consistency;
use super::flags;
use super::query::{OptionalTail, count_u16, read_values};
use crate::frame::ProtocolVersion;
use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{
    Reader, write_i32, write_i64, write_long_string, write_short_bytes, write_string, write_u8,
    write_u16,
};
use crate::types::SerializedValues;

/// Batch flag: a serial consistency follows.
const WITH_SERIAL_CONSISTENCY: u32 = 0x10;
/// Batch flag: a default timestamp follows.
const WITH_DEFAULT_TIMESTAMP: u32 = 0x20;
/// Batch flag: every value is preceded by its name (the spec warns the server cannot
/// honour it; supported here only so both sides round-trip).
const WITH_NAMES_FOR_VALUES: u32 = 0x40;
/// Batch flag (v5): a keyspace follows.
const WITH_KEYSPACE: u32 = 0x80;
/// Batch flag (v5): a "now" in seconds follows.
const WITH_NOW_IN_SECONDS: u32 = 0x100;

/// How the server applies a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum BatchType {
    /// Written to the batch log first, so it is eventually applied entirely.
    #[default]
    Logged = 0,
    /// Applied without the batch log.
    Unlogged = 1,
    /// Counter updates only.
    Counter = 2,
}

impl BatchType {
    /// The type for its wire byte.
    ///
    /// # Errors
    /// [`DecodeError::InvalidValue`] for an unknown byte.
    pub fn from_code(code: u8) -> Result<Self, DecodeError> {
        match code {
            0 => Ok(Self::Logged),
            1 => Ok(Self::Unlogged),
            2 => Ok(Self::Counter),
            other => Err(DecodeError::InvalidValue {
                what: "batch type",
                value: i64::from(other),
            }),
        }
    }
}

/// The statement of one batch entry: CQL text or a prepared id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchStatement<'a> {
    /// A CQL string (kind 0).
    Query(Cow<'a, str>),
    /// A prepared statement id (kind 1).
    Prepared(Bytes),
}

/// One entry of a batch: a statement and its bound values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEntry<'a> {
    /// What to run.
    pub statement: BatchStatement<'a>,
    /// Its bound values.
    pub values: Cow<'a, SerializedValues>,
}

/// A BATCH request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Batch<'a> {
    /// Logged, unlogged or counter.
    pub batch_type: BatchType,
    /// The statements, applied in order.
    pub entries: Vec<BatchEntry<'a>>,
    /// Consistency level of the batch.
    pub consistency: Consistency,
    /// Serial consistency for conditional statements.
    pub serial_consistency: Option<Consistency>,
    /// Default write timestamp, in microseconds since the epoch.
    pub timestamp: Option<i64>,
    /// Keyspace for unqualified names (protocol v5 only).
    pub keyspace: Option<Cow<'a, str>>,
    /// The server's notion of "now" in seconds (v5 only).
    pub now_in_seconds: Option<i32>,
}

impl Batch<'_> {
    /// Appends the BATCH body.
    ///
    /// # Errors
    /// [`EncodeError::Unsupported`] for v5-only fields before v5 or for entries that mix
    /// named and positional values; length errors.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let named = self.entries.iter().any(|e| e.values.is_named());
        if named
            && self
                .entries
                .iter()
                .any(|e| !e.values.is_named() && !e.values.is_empty())
        {
            return Err(EncodeError::Unsupported(
                "mixing named and positional values in one batch",
            ));
        }
        if !version.has_int_flags() {
            if self.keyspace.is_some() {
                return Err(EncodeError::Unsupported("a batch keyspace"));
            }
            if self.now_in_seconds.is_some() {
                return Err(EncodeError::Unsupported("now_in_seconds"));
            }
        }
        write_u8(out, self.batch_type as u8);
        write_u16(
            out,
            u16::try_from(self.entries.len()).map_err(|_| EncodeError::TooLong {
                what: "batch statements",
                length: self.entries.len(),
                max: usize::from(u16::MAX),
            })?,
        );
        for entry in &self.entries {
            match &entry.statement {
                BatchStatement::Query(q) => {
                    write_u8(out, 0);
                    write_long_string(out, q)?;
                }
                BatchStatement::Prepared(id) => {
                    write_u8(out, 1);
                    write_short_bytes(out, id)?;
                }
            }
            write_u16(out, count_u16(entry.values.len())?);
            out.extend_from_slice(entry.values.as_bytes());
        }
        write_u16(out, self.consistency.code());
        let mut f = 0;
        if self.serial_consistency.is_some() {
            f |= WITH_SERIAL_CONSISTENCY;
        }
        if self.timestamp.is_some() {
            f |= WITH_DEFAULT_TIMESTAMP;
        }
        if named {
            f |= WITH_NAMES_FOR_VALUES;
        }
        if self.keyspace.is_some() {
            f |= WITH_KEYSPACE;
        }
        if self.now_in_seconds.is_some() {
            f |= WITH_NOW_IN_SECONDS;
        }
        flags::write(out, version, f);
        if let Some(c) = self.serial_consistency {
            write_u16(out, c.code());
        }
        if let Some(t) = self.timestamp {
            write_i64(out, t);
        }
        if let Some(ks) = &self.keyspace {
            write_string(out, ks)?;
        }
        if let Some(now) = self.now_in_seconds {
            write_i32(out, now);
        }
        Ok(())
    }

    /// Reads a BATCH body.
    ///
    /// The names flag (0x40) comes after the entries it describes, so the entries are
    /// first read as positional values; only if the flags then say "named" is the body
    /// read again with names.
    ///
    /// # Errors
    /// [`DecodeError`] for malformed input, unknown kinds, types or flags.
    pub fn decode(
        version: ProtocolVersion,
        r: &mut Reader<'_>,
    ) -> Result<Batch<'static>, DecodeError> {
        // Whether values are named is only known from the flags after the entries, so the
        // body is read as positional first. A BATCH ends the body, so a positional reading
        // that leaves bytes over is wrong too (an empty name reads as a short value).
        let start = r.clone();
        let first = Self::decode_assuming(version, r, false);
        if matches!(first, Ok((_, false))) && r.is_empty() {
            return first.map(|(batch, _)| batch);
        }
        let after_first = r.clone();
        *r = start;
        match Self::decode_assuming(version, r, true) {
            Ok((batch, true)) => Ok(batch),
            second => {
                *r = after_first;
                match first {
                    Ok((batch, false)) => Ok(batch),
                    Ok((_, true)) => Err(second
                        .err()
                        .unwrap_or(DecodeError::Malformed("batch names flag"))),
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// Reads a BATCH body with values named or not; returns the batch and whether the
    /// flags asked for names.
    fn decode_assuming(
        version: ProtocolVersion,
        r: &mut Reader<'_>,
        named: bool,
    ) -> Result<(Batch<'static>, bool), DecodeError> {
        let batch_type = BatchType::from_code(r.read_u8()?)?;
        let n = usize::from(r.read_u16()?);
        // kind byte + shortest statement (a [short bytes] id) + value count
        r.check_count(n, 5, "batch statements")?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let statement = match r.read_u8()? {
                0 => BatchStatement::Query(Cow::Owned(String::from(r.read_long_string()?))),
                1 => BatchStatement::Prepared(Bytes::copy_from_slice(r.read_short_bytes()?)),
                other => {
                    return Err(DecodeError::InvalidValue {
                        what: "batch statement kind",
                        value: i64::from(other),
                    });
                }
            };
            let count = r.read_u16()?;
            let values = read_values(r, count, named)?;
            entries.push(BatchEntry {
                statement,
                values: Cow::Owned(values),
            });
        }
        let consistency = Consistency::from_code(r.read_u16()?)?;
        let known = if version.has_int_flags() { 0x1f0 } else { 0x70 };
        let f = flags::read(r, version, known, "batch flags")?;
        let OptionalTail {
            serial_consistency,
            timestamp,
            keyspace,
            now_in_seconds,
        } = OptionalTail::read(r, f)?;
        let batch = Batch {
            batch_type,
            entries,
            consistency,
            serial_consistency,
            timestamp,
            keyspace: keyspace.map(Cow::Owned),
            now_in_seconds,
        };
        Ok((batch, f & WITH_NAMES_FOR_VALUES != 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::primitives::RawValue;

    #[test]
    fn named_batches_are_read_after_the_flags() {
        let mut values = SerializedValues::new();
        values.add_named("a", RawValue::Null).unwrap();
        let batch = Batch {
            entries: alloc::vec![BatchEntry {
                statement: BatchStatement::Query("INSERT".into()),
                values: values.into(),
            }],
            ..Batch::default()
        };
        for version in [ProtocolVersion::V4, ProtocolVersion::V5] {
            let mut out = Vec::new();
            batch.encode(version, &mut out).unwrap();
            let back = Batch::decode(version, &mut Reader::new(&out)).unwrap();
            assert_eq!(back, batch);
        }
    }

    #[test]
    fn mixed_named_and_positional_entries_are_refused() {
        let mut named = SerializedValues::new();
        named.add_named("a", RawValue::Null).unwrap();
        let mut positional = SerializedValues::new();
        positional.add(RawValue::Null).unwrap();
        let entry = |values: SerializedValues| BatchEntry {
            statement: BatchStatement::Query("X".into()),
            values: values.into(),
        };
        let batch = Batch {
            entries: alloc::vec![entry(named), entry(positional)],
            ..Batch::default()
        };
        assert!(batch.encode(ProtocolVersion::V4, &mut Vec::new()).is_err());
    }
}
