//! The flags field of QUERY, EXECUTE, BATCH and PREPARE: one byte before v5, a 4-byte
//! int from v5 on.

use alloc::vec::Vec;

use crate::frame::ProtocolVersion;
use crate::frame::error::DecodeError;
use crate::frame::primitives::{Reader, write_u8, write_u32};

/// Writes `flags` in the width `version` uses. Callers only set bits that exist in
/// `version`, so nothing is lost when narrowing to a byte.
pub(crate) fn write(out: &mut Vec<u8>, version: ProtocolVersion, flags: u32) {
    if version.has_int_flags() {
        write_u32(out, flags);
    } else {
        write_u8(out, (flags & 0xff) as u8);
    }
}

/// Reads flags in the width `version` uses, refusing bits outside `known`.
pub(crate) fn read(
    r: &mut Reader<'_>,
    version: ProtocolVersion,
    known: u32,
    what: &'static str,
) -> Result<u32, DecodeError> {
    let flags = if version.has_int_flags() {
        r.read_u32()?
    } else {
        u32::from(r.read_u8()?)
    };
    if flags & !known != 0 {
        return Err(DecodeError::InvalidValue {
            what,
            value: i64::from(flags),
        });
    }
    Ok(flags)
}
