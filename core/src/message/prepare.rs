//! PREPARE requests.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use super::flags;
use crate::frame::ProtocolVersion;
use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{Reader, write_long_string, write_string};

/// PREPARE flag (v5): a keyspace follows.
const WITH_KEYSPACE: u32 = 0x01;

/// A PREPARE request: parse a statement once so it can be executed by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepare<'a> {
    /// The CQL text, possibly with bind markers.
    pub query: Cow<'a, str>,
    /// Keyspace to prepare the statement in (protocol v5 only).
    pub keyspace: Option<Cow<'a, str>>,
}

impl<'a> Prepare<'a> {
    /// A PREPARE of `query` in the connection's current keyspace.
    pub fn new(query: impl Into<Cow<'a, str>>) -> Self {
        Self {
            query: query.into(),
            keyspace: None,
        }
    }

    /// Appends the PREPARE body: the query, then in v5 the flags and optional keyspace.
    ///
    /// # Errors
    /// [`EncodeError::Unsupported`] for a keyspace before v5; length errors.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_long_string(out, &self.query)?;
        if version.has_int_flags() {
            let f = if self.keyspace.is_some() {
                WITH_KEYSPACE
            } else {
                0
            };
            flags::write(out, version, f);
            if let Some(ks) = &self.keyspace {
                write_string(out, ks)?;
            }
        } else if self.keyspace.is_some() {
            return Err(EncodeError::Unsupported("a PREPARE keyspace"));
        }
        Ok(())
    }

    /// Reads a PREPARE body.
    ///
    /// # Errors
    /// [`DecodeError`] for malformed input or unknown flags.
    pub fn decode(
        version: ProtocolVersion,
        r: &mut Reader<'_>,
    ) -> Result<Prepare<'static>, DecodeError> {
        let query = Cow::Owned(String::from(r.read_long_string()?));
        let mut keyspace = None;
        if version.has_int_flags() {
            let f = flags::read(r, version, WITH_KEYSPACE, "prepare flags")?;
            if f & WITH_KEYSPACE != 0 {
                keyspace = Some(Cow::Owned(String::from(r.read_string()?)));
            }
        }
        Ok(Prepare { query, keyspace })
    }
}
