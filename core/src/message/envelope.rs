//! Whole frames: a message with its stream id and the envelope fields announced by the
//! header flags.
//!
//! A response body starts with, in this order and only when the matching flag is set:
//! the tracing session id (`[uuid]`, flag TRACING), the warnings (`[string list]`, flag
//! WARNING) and the custom payload (`[bytes map]`, flag CUSTOM_PAYLOAD). A request may
//! carry a custom payload; its TRACING flag asks for tracing and adds no bytes.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use bytes::Bytes;
use uuid::Uuid;

use super::{KnownColumns, Request, Response};
use crate::frame::error::{EncodeError, FrameError};
use crate::frame::primitives::{Reader, write_bytes_map, write_string_list, write_uuid};
use crate::frame::{
    Compression, Direction, Frame, FrameFlags, FrameHeader, HEADER_LEN, Opcode, ProtocolVersion,
};

/// A custom payload: `[bytes map]` entries in wire order (a `None` value is null).
pub type CustomPayload = Vec<(String, Option<Bytes>)>;

/// A request with its stream id and envelope fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFrame<'a> {
    /// Stream id the response will carry (0..=32767 for clients).
    pub stream: i16,
    /// Ask the server to trace this request (header flag TRACING).
    pub tracing: bool,
    /// Custom payload for the server (flag CUSTOM_PAYLOAD when non-empty; v4+).
    pub custom_payload: CustomPayload,
    /// The message.
    pub request: Request<'a>,
}

impl<'a> RequestFrame<'a> {
    /// A frame for `request` on `stream`, without tracing or custom payload.
    pub fn new(stream: i16, request: Request<'a>) -> Self {
        Self {
            stream,
            tracing: false,
            custom_payload: Vec::new(),
            request,
        }
    }

    /// Appends the whole frame to `out`: header, envelope prefix and message, the body
    /// compressed with `compression` (v3/v4 only; pass [`Compression::None`] for v5,
    /// whose segments compress instead, and before STARTUP completes).
    ///
    /// # Errors
    /// [`FrameError::Encode`] when a field cannot be written for `version`;
    /// [`FrameError::Compression`] and [`FrameError::BodyTooLarge`].
    pub fn encode(
        &self,
        version: ProtocolVersion,
        compression: Compression,
        out: &mut Vec<u8>,
    ) -> Result<(), FrameError> {
        let mut flags = FrameFlags::default().with(FrameFlags::TRACING, self.tracing);
        let head = |body: &mut Vec<u8>| -> Result<(), EncodeError> {
            if !self.custom_payload.is_empty() {
                check_v4("a custom payload", version)?;
                write_bytes_map(body, &self.custom_payload)?;
            }
            self.request.encode(version, body)
        };
        flags = flags.with(FrameFlags::CUSTOM_PAYLOAD, !self.custom_payload.is_empty());
        out.reserve(HEADER_LEN + self.request.encoded_len_hint());
        encode_frame(
            out,
            version,
            Direction::Request,
            flags,
            self.stream,
            self.request.opcode(),
            compression,
            head,
        )
    }

    /// Decodes a request frame read by [`read_frame`](crate::frame::read_frame).
    ///
    /// # Errors
    /// [`FrameError::WrongDirection`] for a response frame; [`FrameError::Decode`] for a
    /// malformed body.
    pub fn decode(frame: &Frame) -> Result<RequestFrame<'static>, FrameError> {
        let h = &frame.header;
        if h.direction != Direction::Request || h.opcode.direction() != Direction::Request {
            return Err(FrameError::WrongDirection);
        }
        let mut r = Reader::new(&frame.body);
        let custom_payload = if h.flags.contains(FrameFlags::CUSTOM_PAYLOAD) {
            read_payload(&mut r)?
        } else {
            Vec::new()
        };
        let request = Request::decode(h.opcode, h.version, r.rest())?;
        Ok(RequestFrame {
            stream: h.stream,
            tracing: h.flags.contains(FrameFlags::TRACING),
            custom_payload,
            request,
        })
    }
}

/// A response with its stream id and envelope fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseFrame {
    /// Stream id of the request answered, or -1 for events.
    pub stream: i16,
    /// Tracing session id, when the request asked for tracing (flag TRACING).
    pub tracing_id: Option<Uuid>,
    /// Server warnings (flag WARNING when non-empty; v4+).
    pub warnings: Vec<String>,
    /// Custom payload (flag CUSTOM_PAYLOAD when non-empty; v4+).
    pub custom_payload: CustomPayload,
    /// The message.
    pub response: Response,
}

impl ResponseFrame {
    /// A frame for `response` on `stream`, with no envelope fields.
    pub fn new(stream: i16, response: Response) -> Self {
        Self {
            stream,
            tracing_id: None,
            warnings: Vec::new(),
            custom_payload: Vec::new(),
            response,
        }
    }

    /// Appends the whole frame to `out` (see [`RequestFrame::encode`] for compression).
    ///
    /// # Errors
    /// As [`RequestFrame::encode`].
    pub fn encode(
        &self,
        version: ProtocolVersion,
        compression: Compression,
        out: &mut Vec<u8>,
    ) -> Result<(), FrameError> {
        let flags = FrameFlags::default()
            .with(FrameFlags::TRACING, self.tracing_id.is_some())
            .with(FrameFlags::WARNING, !self.warnings.is_empty())
            .with(FrameFlags::CUSTOM_PAYLOAD, !self.custom_payload.is_empty());
        let head = |body: &mut Vec<u8>| -> Result<(), EncodeError> {
            if let Some(id) = &self.tracing_id {
                write_uuid(body, id);
            }
            if !self.warnings.is_empty() {
                check_v4("warnings", version)?;
                write_string_list(body, &self.warnings)?;
            }
            if !self.custom_payload.is_empty() {
                check_v4("a custom payload", version)?;
                write_bytes_map(body, &self.custom_payload)?;
            }
            self.response.encode(version, body)
        };
        encode_frame(
            out,
            version,
            Direction::Response,
            flags,
            self.stream,
            self.response.opcode(),
            compression,
            head,
        )
    }

    /// Decodes a response frame read by [`read_frame`](crate::frame::read_frame). Rows
    /// keep pointing into `frame.body` without copying.
    ///
    /// # Errors
    /// [`FrameError::WrongDirection`] for a request frame; [`FrameError::Decode`] for a
    /// malformed body.
    pub fn decode(frame: &Frame) -> Result<Self, FrameError> {
        Self::decode_with(frame, None)
    }

    /// Decodes a response frame like [`decode`](Self::decode); the column specs of Rows
    /// byte-equal to `known` are not decoded (see
    /// [`ResultMetadata::decode_with`](super::ResultMetadata::decode_with)).
    ///
    /// # Errors
    /// As [`decode`](Self::decode).
    pub fn decode_with(frame: &Frame, known: Option<&KnownColumns>) -> Result<Self, FrameError> {
        let h = &frame.header;
        if h.direction != Direction::Response || h.opcode.direction() != Direction::Response {
            return Err(FrameError::WrongDirection);
        }
        let mut r = Reader::new(&frame.body);
        let tracing_id = if h.flags.contains(FrameFlags::TRACING) {
            Some(r.read_uuid()?)
        } else {
            None
        };
        let warnings = if h.flags.contains(FrameFlags::WARNING) {
            r.read_string_list()?
                .into_iter()
                .map(str::to_string)
                .collect()
        } else {
            Vec::new()
        };
        let custom_payload = if h.flags.contains(FrameFlags::CUSTOM_PAYLOAD) {
            read_payload(&mut r)?
        } else {
            Vec::new()
        };
        let used = frame.body.len() - r.remaining();
        let body = frame.body.slice(used..);
        let response = Response::decode_with(h.opcode, h.version, &body, known)?;
        Ok(Self {
            stream: h.stream,
            tracing_id,
            warnings,
            custom_payload,
            response,
        })
    }
}

fn check_v4(what: &'static str, version: ProtocolVersion) -> Result<(), EncodeError> {
    if version < ProtocolVersion::V4 {
        Err(EncodeError::Unsupported(what))
    } else {
        Ok(())
    }
}

fn read_payload(r: &mut Reader<'_>) -> Result<CustomPayload, FrameError> {
    Ok(r.read_bytes_map()?
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.map(Bytes::copy_from_slice)))
        .collect())
}

/// Writes header and body into `out`. Without compression the body is written in place
/// and the length patched afterwards; with compression it is built aside first.
#[allow(clippy::too_many_arguments)]
fn encode_frame(
    out: &mut Vec<u8>,
    version: ProtocolVersion,
    direction: Direction,
    flags: FrameFlags,
    stream: i16,
    opcode: Opcode,
    compression: Compression,
    write_body: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<(), FrameError> {
    if compression != Compression::None {
        let mut body = Vec::new();
        write_body(&mut body)?;
        return crate::frame::write_frame(
            out,
            version,
            direction,
            flags,
            stream,
            opcode,
            &body,
            compression,
        );
    }
    let start = out.len();
    let header = FrameHeader {
        version,
        direction,
        flags: flags.with(FrameFlags::COMPRESSION, false),
        stream,
        opcode,
        length: 0,
    };
    header.write(out);
    if let Err(e) = write_body(out) {
        out.truncate(start);
        return Err(e.into());
    }
    let len = out.len() - start - HEADER_LEN;
    let Ok(len32) = u32::try_from(len) else {
        out.truncate(start);
        return Err(FrameError::BodyTooLarge {
            length: len as u64,
            max: u64::from(u32::MAX),
        });
    };
    if let Some(slot) = out.get_mut(start + 5..start + HEADER_LEN) {
        slot.copy_from_slice(&len32.to_be_bytes());
    }
    Ok(())
}
