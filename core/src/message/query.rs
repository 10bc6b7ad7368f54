//! QUERY requests and the `<query_parameters>` they share with EXECUTE.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use bytes::Bytes;

use super::consistency::Consistency;
use super::flags;
use crate::frame::ProtocolVersion;
use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{
    Reader, write_bytes, write_i32, write_i64, write_long_string, write_string, write_u16,
};
use crate::types::SerializedValues;

/// Query flag: bound values follow.
const VALUES: u32 = 0x01;
/// Query flag: the result should not repeat the metadata the client already has.
const SKIP_METADATA: u32 = 0x02;
/// Query flag: a page size follows.
const PAGE_SIZE: u32 = 0x04;
/// Query flag: a paging state follows.
const WITH_PAGING_STATE: u32 = 0x08;
/// Query flag: a serial consistency follows.
const WITH_SERIAL_CONSISTENCY: u32 = 0x10;
/// Query flag: a default timestamp follows.
const WITH_DEFAULT_TIMESTAMP: u32 = 0x20;
/// Query flag: each bound value is preceded by its name.
const WITH_NAMES_FOR_VALUES: u32 = 0x40;
/// Query flag (v5): a keyspace follows.
const WITH_KEYSPACE: u32 = 0x80;
/// Query flag (v5): a "now" in seconds follows.
const WITH_NOW_IN_SECONDS: u32 = 0x100;

/// The `<query_parameters>` of a QUERY or EXECUTE request: consistency, bound values
/// and the optional settings selected by the flags.
///
/// The flags are derived from the fields when encoding, so they can never disagree with
/// what follows them. The values and keyspace are borrowed by a driver sending them (each
/// attempt reuses what the request serialized once) and owned after decoding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryParameters<'a> {
    /// Consistency level of the request.
    pub consistency: Consistency,
    /// Bound values, positional or named (flag 0x40 follows [`SerializedValues::is_named`]).
    pub values: Cow<'a, SerializedValues>,
    /// Ask the server not to send result metadata (the client has it from PREPARE).
    pub skip_metadata: bool,
    /// Maximum number of rows in one page of results.
    pub page_size: Option<i32>,
    /// Where to resume paging, as returned by a previous Rows result.
    pub paging_state: Option<Bytes>,
    /// Serial consistency for lightweight transactions (SERIAL or LOCAL_SERIAL).
    pub serial_consistency: Option<Consistency>,
    /// Default write timestamp, in microseconds since the epoch.
    pub timestamp: Option<i64>,
    /// Keyspace to run the statement in (protocol v5 only).
    pub keyspace: Option<Cow<'a, str>>,
    /// The server's notion of "now" in seconds, for TTL and function tests (v5 only).
    pub now_in_seconds: Option<i32>,
}

impl QueryParameters<'_> {
    /// Parameters with the given consistency and everything else left unset.
    pub fn with_consistency(consistency: Consistency) -> Self {
        Self {
            consistency,
            ..Self::default()
        }
    }

    /// Appends the parameters. `always_values` sets the VALUES flag even without values
    /// (EXECUTE does this, as other drivers do).
    ///
    /// # Errors
    /// [`EncodeError::Unsupported`] for a keyspace or now-in-seconds before v5, and
    /// length errors from the primitives.
    pub(crate) fn encode(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
        always_values: bool,
    ) -> Result<(), EncodeError> {
        let mut f = 0u32;
        let has_values = always_values || !self.values.is_empty();
        if has_values {
            f |= VALUES;
            if self.values.is_named() {
                f |= WITH_NAMES_FOR_VALUES;
            }
        }
        if self.skip_metadata {
            f |= SKIP_METADATA;
        }
        if self.page_size.is_some() {
            f |= PAGE_SIZE;
        }
        if self.paging_state.is_some() {
            f |= WITH_PAGING_STATE;
        }
        if self.serial_consistency.is_some() {
            f |= WITH_SERIAL_CONSISTENCY;
        }
        if self.timestamp.is_some() {
            f |= WITH_DEFAULT_TIMESTAMP;
        }
        if self.keyspace.is_some() {
            f |= WITH_KEYSPACE;
        }
        if self.now_in_seconds.is_some() {
            f |= WITH_NOW_IN_SECONDS;
        }
        if !version.has_int_flags() {
            if self.keyspace.is_some() {
                return Err(EncodeError::Unsupported("a per-query keyspace"));
            }
            if self.now_in_seconds.is_some() {
                return Err(EncodeError::Unsupported("now_in_seconds"));
            }
        }
        write_u16(out, self.consistency.code());
        flags::write(out, version, f);
        if has_values {
            write_u16(out, count_u16(self.values.len())?);
            out.extend_from_slice(self.values.as_bytes());
        }
        if let Some(n) = self.page_size {
            write_i32(out, n);
        }
        if let Some(state) = &self.paging_state {
            write_bytes(out, Some(state))?;
        }
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

    /// Reads parameters written by [`encode`](Self::encode) (as a server does).
    ///
    /// # Errors
    /// [`DecodeError`] for truncated input, unknown flags or consistency codes.
    pub(crate) fn decode(
        version: ProtocolVersion,
        r: &mut Reader<'_>,
    ) -> Result<QueryParameters<'static>, DecodeError> {
        let consistency = Consistency::from_code(r.read_u16()?)?;
        let known = if version.has_int_flags() { 0x1ff } else { 0x7f };
        let f = flags::read(r, version, known, "query flags")?;
        let values = if f & VALUES != 0 {
            let count = r.read_u16()?;
            read_values(r, count, f & WITH_NAMES_FOR_VALUES != 0)?
        } else {
            SerializedValues::new()
        };
        let page_size = if f & PAGE_SIZE != 0 {
            Some(r.read_i32()?)
        } else {
            None
        };
        let paging_state = if f & WITH_PAGING_STATE != 0 {
            // A null paging state means "from the start", the same as none.
            r.read_bytes()?.map(Bytes::copy_from_slice)
        } else {
            None
        };
        let OptionalTail {
            serial_consistency,
            timestamp,
            keyspace,
            now_in_seconds,
        } = OptionalTail::read(r, f)?;
        Ok(QueryParameters {
            consistency,
            values: Cow::Owned(values),
            skip_metadata: f & SKIP_METADATA != 0,
            page_size,
            paging_state,
            serial_consistency,
            timestamp,
            keyspace: keyspace.map(Cow::Owned),
            now_in_seconds,
        })
    }
}

/// The optional fields that end both query parameters and a BATCH, in wire order, each
/// present when its flag is set.
pub(crate) struct OptionalTail {
    pub serial_consistency: Option<Consistency>,
    pub timestamp: Option<i64>,
    pub keyspace: Option<String>,
    pub now_in_seconds: Option<i32>,
}

impl OptionalTail {
    /// Reads the fields whose flags are set in `f`.
    pub(crate) fn read(r: &mut Reader<'_>, f: u32) -> Result<Self, DecodeError> {
        let serial_consistency = if f & WITH_SERIAL_CONSISTENCY != 0 {
            Some(Consistency::from_code(r.read_u16()?)?)
        } else {
            None
        };
        let timestamp = if f & WITH_DEFAULT_TIMESTAMP != 0 {
            Some(r.read_i64()?)
        } else {
            None
        };
        let keyspace = if f & WITH_KEYSPACE != 0 {
            Some(String::from(r.read_string()?))
        } else {
            None
        };
        let now_in_seconds = if f & WITH_NOW_IN_SECONDS != 0 {
            Some(r.read_i32()?)
        } else {
            None
        };
        Ok(Self {
            serial_consistency,
            timestamp,
            keyspace,
            now_in_seconds,
        })
    }
}

/// Reads `count` bound values; an empty list is always the plain positional one, so
/// a decoded message compares equal to the one that was encoded.
pub(crate) fn read_values(
    r: &mut Reader<'_>,
    count: u16,
    named: bool,
) -> Result<SerializedValues, DecodeError> {
    if count == 0 {
        Ok(SerializedValues::new())
    } else {
        SerializedValues::read(r, count, named)
    }
}

/// Converts a value count to its `[short]` prefix.
pub(crate) fn count_u16(n: usize) -> Result<u16, EncodeError> {
    u16::try_from(n).map_err(|_| EncodeError::TooLong {
        what: "bound values",
        length: n,
        max: usize::from(u16::MAX),
    })
}

/// A QUERY request: a CQL statement run once, without preparing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query<'a> {
    /// The CQL text.
    pub query: Cow<'a, str>,
    /// Consistency, values, paging and the other parameters.
    pub params: QueryParameters<'a>,
}

impl Query<'_> {
    /// Appends the QUERY body.
    ///
    /// # Errors
    /// As [`QueryParameters`] encoding, plus an oversized query string.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_long_string(out, &self.query)?;
        self.params.encode(version, out, false)
    }

    /// Reads a QUERY body.
    ///
    /// # Errors
    /// [`DecodeError`] for malformed input.
    pub fn decode(
        version: ProtocolVersion,
        r: &mut Reader<'_>,
    ) -> Result<Query<'static>, DecodeError> {
        let query = Cow::Owned(String::from(r.read_long_string()?));
        let params = QueryParameters::decode(version, r)?;
        Ok(Query { query, params })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::primitives::RawValue;

    #[test]
    fn v5_only_fields_are_refused_in_v4() {
        let mut p = QueryParameters::with_consistency(Consistency::One);
        p.keyspace = Some("ks".into());
        let q = Query {
            query: "SELECT 1".into(),
            params: p,
        };
        assert_eq!(
            q.encode(ProtocolVersion::V4, &mut Vec::new()),
            Err(EncodeError::Unsupported("a per-query keyspace"))
        );
        assert!(q.encode(ProtocolVersion::V5, &mut Vec::new()).is_ok());
    }

    #[test]
    fn named_values_and_now_in_seconds_round_trip() {
        let mut p = QueryParameters::with_consistency(Consistency::Quorum);
        p.values
            .to_mut()
            .add_named("k", RawValue::Bytes(&[0, 0, 0, 1]))
            .unwrap();
        p.skip_metadata = true;
        p.now_in_seconds = Some(1_700_000_000);
        let mut out = Vec::new();
        p.encode(ProtocolVersion::V5, &mut out, false).unwrap();
        // consistency, then int flags VALUES|SKIP_METADATA|NAMES|NOW_IN_SECONDS
        assert_eq!(out[..6], [0, 4, 0, 0, 0x01, 0x43]);
        let back = QueryParameters::decode(ProtocolVersion::V5, &mut Reader::new(&out)).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn unknown_flags_are_refused() {
        // v4: consistency ONE, flag byte 0x80 (v5's WITH_KEYSPACE) is not a v4 flag.
        let body = [0, 1, 0x80];
        assert!(matches!(
            QueryParameters::decode(ProtocolVersion::V4, &mut Reader::new(&body)),
            Err(DecodeError::InvalidValue {
                what: "query flags",
                ..
            })
        ));
    }
}
