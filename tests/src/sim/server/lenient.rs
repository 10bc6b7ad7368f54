//! Request bodies read as Cassandra 4.1 reads them: its message codecs stop where the
//! message ends and ignore what follows, and its flag decoding (`QueryOptions.Codec`,
//! `PrepareMessage`) ignores bits it does not know. The codec here is strict, so a body
//! it refuses for either reason is decoded again trimmed or with those bits cleared.

use bytes::{Bytes, BytesMut};
use cql_core::frame::error::DecodeError;
use cql_core::frame::{Frame, FrameError, FrameFlags, Opcode, ProtocolVersion};
use cql_core::message::RequestFrame;

/// Decodes a request frame, tolerating trailing bytes and unknown flag bits.
///
/// # Errors
/// The codec's error for anything else.
pub fn decode(frame: &Frame) -> Result<RequestFrame<'static>, FrameError> {
    let mut frame = frame.clone();
    // Each retry fixes one problem; a body has at most the two.
    for _ in 0..3 {
        match RequestFrame::decode(&frame) {
            Err(FrameError::Decode(DecodeError::TrailingBytes { count, .. })) => {
                let keep = frame.body.len().saturating_sub(count);
                frame.body = frame.body.slice(..keep);
            }
            Err(FrameError::Decode(DecodeError::InvalidValue { what, value }))
                if what.ends_with(" flags") =>
            {
                match clear_unknown_flags(&frame, value) {
                    Some(body) => frame.body = body,
                    None => return RequestFrame::decode(&frame),
                }
            }
            other => return other,
        }
    }
    RequestFrame::decode(&frame)
}

/// The body with the QUERY/EXECUTE/PREPARE flags reduced to the known bits, when the
/// flags field can be found (no custom payload before the message).
fn clear_unknown_flags(frame: &Frame, value: i64) -> Option<Bytes> {
    let h = &frame.header;
    if h.flags.contains(FrameFlags::CUSTOM_PAYLOAD) {
        return None;
    }
    let v5 = h.version >= ProtocolVersion::V5;
    let b = &frame.body;
    let short = |at: usize| -> Option<usize> {
        Some(usize::from(u16::from_be_bytes([
            *b.get(at)?,
            *b.get(at + 1)?,
        ])))
    };
    let (at, known) = match h.opcode {
        Opcode::Query => {
            let len = u32::from_be_bytes(b.get(..4)?.try_into().ok()?) as usize;
            (4 + len + 2, query_known(v5))
        }
        Opcode::Execute => {
            let mut at = 2 + short(0)?;
            if v5 {
                at += 2 + short(at)?;
            }
            (at + 2, query_known(v5))
        }
        Opcode::Prepare if v5 => {
            let len = u32::from_be_bytes(b.get(..4)?.try_into().ok()?) as usize;
            (4 + len, 0x01)
        }
        _ => return None,
    };
    let width = if v5 { 4 } else { 1 };
    let field = b.get(at..at + width)?;
    let flags = field.iter().fold(0i64, |f, x| (f << 8) | i64::from(*x));
    if flags != value {
        return None;
    }
    let cleared = (flags as u32) & known;
    let mut out = BytesMut::from(b.as_ref());
    let bytes = cleared.to_be_bytes();
    out.get_mut(at..at + width)?
        .copy_from_slice(bytes.get(4 - width..)?);
    Some(out.freeze())
}

/// The query flags Cassandra 4.1 knows: VALUES to NOW_IN_SECONDS (v5), to
/// NAMES_FOR_VALUES before.
fn query_known(v5: bool) -> u32 {
    if v5 { 0x1ff } else { 0x7f }
}
