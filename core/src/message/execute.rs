//! EXECUTE requests.

use alloc::vec::Vec;

use bytes::Bytes;

use super::query::QueryParameters;
use crate::frame::ProtocolVersion;
use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{Reader, write_short_bytes};

/// An EXECUTE request: run a prepared statement by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execute<'a> {
    /// The prepared statement id returned by PREPARE.
    pub id: Bytes,
    /// The result metadata id returned by PREPARE (protocol v5; required there, and
    /// ignored by earlier versions, which have no such field).
    pub result_metadata_id: Option<Bytes>,
    /// Consistency, values, paging and the other parameters.
    pub params: QueryParameters<'a>,
}

impl Execute<'_> {
    /// Appends the EXECUTE body. The VALUES flag is always set, with a count of 0 when
    /// there are no values, as other drivers do.
    ///
    /// # Errors
    /// [`EncodeError::Unsupported`] for a v5 EXECUTE without a result metadata id;
    /// [`QueryParameters`] errors.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_short_bytes(out, &self.id)?;
        if version.has_int_flags() {
            let id = self
                .result_metadata_id
                .as_ref()
                .ok_or(EncodeError::Unsupported(
                    "EXECUTE without result_metadata_id",
                ))?;
            write_short_bytes(out, id)?;
        }
        self.params.encode(version, out, true)
    }

    /// Reads an EXECUTE body.
    ///
    /// # Errors
    /// [`DecodeError`] for malformed input.
    pub fn decode(
        version: ProtocolVersion,
        r: &mut Reader<'_>,
    ) -> Result<Execute<'static>, DecodeError> {
        let id = Bytes::copy_from_slice(r.read_short_bytes()?);
        let result_metadata_id = if version.has_int_flags() {
            Some(Bytes::copy_from_slice(r.read_short_bytes()?))
        } else {
            None
        };
        let params = QueryParameters::decode(version, r)?;
        Ok(Execute {
            id,
            result_metadata_id,
            params,
        })
    }
}
