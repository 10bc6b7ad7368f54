//! Layer 1: bytes ⇄ frames.
//!
//! A frame is a 9-byte header (version and direction, flags, stream id, opcode, body
//! length) followed by the body, identical in protocol v3, v4 and v5. In v4 and earlier
//! the body may be compressed as a whole once a compression was agreed in STARTUP; in v5
//! frames travel inside [`segment`]s after the handshake and compression moves there.
//!
//! [`Framer`] puts these together for a connection, client or server alike: received
//! bytes in, whole frames out, frames in, bytes to send out, switching once from the
//! handshake's framing to the negotiated one.

pub mod compression;
pub mod crc;
pub mod error;
pub mod framer;
pub mod primitives;
pub mod segment;

use alloc::vec::Vec;

pub use compression::Compression;
pub use error::{DecodeError, EncodeError, FrameError};
pub use framer::{FrameStart, Framer, Framing, ReadError};

/// Length of the frame header in protocol v3, v4 and v5.
pub const HEADER_LEN: usize = 9;

/// The default maximum body size: 256 MiB, the limit the protocol specification states.
pub const DEFAULT_MAX_BODY_LEN: usize = 256 * 1024 * 1024;

/// A version of the CQL native protocol this crate speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ProtocolVersion {
    /// Protocol v3 (Cassandra 2.1+), for old clusters.
    V3 = 3,
    /// Protocol v4 (Cassandra 2.2+).
    V4 = 4,
    /// Protocol v5 (Cassandra 4.0+): segment framing, result metadata ids, keyspace per request.
    V5 = 5,
}

impl ProtocolVersion {
    /// The newest version this crate speaks.
    pub const NEWEST: Self = Self::V5;

    /// The version number as sent in the header, without the direction bit.
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    /// The version for a header byte's low 7 bits, if this crate speaks it.
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            3 => Some(Self::V3),
            4 => Some(Self::V4),
            5 => Some(Self::V5),
            _ => None,
        }
    }

    /// Whether frames travel inside v5 segments once the connection is ready.
    pub fn uses_segments(self) -> bool {
        self >= Self::V5
    }

    /// Whether QUERY/EXECUTE/BATCH/PREPARE flags are 4-byte ints (v5) rather than one byte.
    pub fn has_int_flags(self) -> bool {
        self >= Self::V5
    }
}

impl core::fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "v{}", self.as_u8())
    }
}

/// Whether a frame is a request (client to server) or a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Sent by a client.
    Request,
    /// Sent by a server (responses and events).
    Response,
}

/// Header flags of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FrameFlags(pub u8);

impl FrameFlags {
    /// The body is compressed (v3/v4 only).
    pub const COMPRESSION: u8 = 0x01;
    /// Request: trace this request. Response: the body starts with a tracing session id.
    pub const TRACING: u8 = 0x02;
    /// The body starts with a custom payload `[bytes map]`.
    pub const CUSTOM_PAYLOAD: u8 = 0x04;
    /// Response: the body starts with a `[string list]` of warnings.
    pub const WARNING: u8 = 0x08;
    /// The frame uses a beta protocol version.
    pub const USE_BETA: u8 = 0x10;

    /// Whether all bits of `flag` are set.
    pub fn contains(self, flag: u8) -> bool {
        self.0 & flag == flag
    }

    /// These flags with `flag` set or cleared.
    #[must_use]
    pub fn with(self, flag: u8, on: bool) -> Self {
        if on {
            Self(self.0 | flag)
        } else {
            Self(self.0 & !flag)
        }
    }
}

/// The message kind of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Opcode {
    /// ERROR response.
    Error = 0x00,
    /// STARTUP request.
    Startup = 0x01,
    /// READY response.
    Ready = 0x02,
    /// AUTHENTICATE response.
    Authenticate = 0x03,
    /// OPTIONS request.
    Options = 0x05,
    /// SUPPORTED response.
    Supported = 0x06,
    /// QUERY request.
    Query = 0x07,
    /// RESULT response.
    Result = 0x08,
    /// PREPARE request.
    Prepare = 0x09,
    /// EXECUTE request.
    Execute = 0x0A,
    /// REGISTER request.
    Register = 0x0B,
    /// EVENT response (pushed on stream -1).
    Event = 0x0C,
    /// BATCH request.
    Batch = 0x0D,
    /// AUTH_CHALLENGE response.
    AuthChallenge = 0x0E,
    /// AUTH_RESPONSE request.
    AuthResponse = 0x0F,
    /// AUTH_SUCCESS response.
    AuthSuccess = 0x10,
}

impl Opcode {
    /// The opcode for a header byte.
    pub fn from_u8(v: u8) -> Result<Self, FrameError> {
        Ok(match v {
            0x00 => Self::Error,
            0x01 => Self::Startup,
            0x02 => Self::Ready,
            0x03 => Self::Authenticate,
            0x05 => Self::Options,
            0x06 => Self::Supported,
            0x07 => Self::Query,
            0x08 => Self::Result,
            0x09 => Self::Prepare,
            0x0A => Self::Execute,
            0x0B => Self::Register,
            0x0C => Self::Event,
            0x0D => Self::Batch,
            0x0E => Self::AuthChallenge,
            0x0F => Self::AuthResponse,
            0x10 => Self::AuthSuccess,
            other => return Err(FrameError::UnknownOpcode(other)),
        })
    }

    /// The direction frames with this opcode travel in.
    pub fn direction(self) -> Direction {
        match self {
            Self::Startup
            | Self::Options
            | Self::Query
            | Self::Prepare
            | Self::Execute
            | Self::Register
            | Self::Batch
            | Self::AuthResponse => Direction::Request,
            _ => Direction::Response,
        }
    }
}

/// The 9-byte header that starts every frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameHeader {
    /// Protocol version.
    pub version: ProtocolVersion,
    /// Request or response.
    pub direction: Direction,
    /// Header flags.
    pub flags: FrameFlags,
    /// Stream id: the request/response correlation id; -1 for server-pushed events.
    pub stream: i16,
    /// The message kind.
    pub opcode: Opcode,
    /// Length of the body that follows the header.
    pub length: u32,
}

impl FrameHeader {
    /// Parses a header from the first [`HEADER_LEN`] bytes of `buf`.
    ///
    /// # Errors
    /// [`DecodeError::UnexpectedEnd`] when fewer than 9 bytes are given;
    /// [`FrameError::UnsupportedVersion`] (carrying the stream id, so a server can answer
    /// it) for a version other than 3, 4 or 5; [`FrameError::UnknownOpcode`].
    #[inline]
    pub fn parse(buf: &[u8]) -> Result<Self, FrameError> {
        let Some(&[version_byte, flags, s0, s1, opcode, l0, l1, l2, l3]) = buf.first_chunk() else {
            return Self::parse_fields(buf);
        };
        let raw_version = version_byte & 0x7f;
        let stream = i16::from_be_bytes([s0, s1]);
        Ok(Self {
            version: ProtocolVersion::from_u8(raw_version).ok_or(
                FrameError::UnsupportedVersion {
                    version: raw_version,
                    stream,
                },
            )?,
            direction: if version_byte & 0x80 == 0 {
                Direction::Request
            } else {
                Direction::Response
            },
            flags: FrameFlags(flags),
            stream,
            opcode: Opcode::from_u8(opcode)?,
            length: u32::from_be_bytes([l0, l1, l2, l3]),
        })
    }

    /// [`parse`](Self::parse) field by field, which also says which field a short
    /// `buf` ends in.
    #[cold]
    fn parse_fields(buf: &[u8]) -> Result<Self, FrameError> {
        let mut r = primitives::Reader::new(buf);
        let version_byte = r.read_u8()?;
        let flags = FrameFlags(r.read_u8()?);
        let stream = r.read_i16()?;
        let opcode = r.read_u8()?;
        let length = r.read_u32()?;
        let direction = if version_byte & 0x80 == 0 {
            Direction::Request
        } else {
            Direction::Response
        };
        let raw_version = version_byte & 0x7f;
        let version =
            ProtocolVersion::from_u8(raw_version).ok_or(FrameError::UnsupportedVersion {
                version: raw_version,
                stream,
            })?;
        let opcode = Opcode::from_u8(opcode)?;
        Ok(Self {
            version,
            direction,
            flags,
            stream,
            opcode,
            length,
        })
    }

    /// Appends the header's 9 bytes to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        let dir = match self.direction {
            Direction::Request => 0,
            Direction::Response => 0x80,
        };
        out.push(self.version.as_u8() | dir);
        out.push(self.flags.0);
        out.extend_from_slice(&self.stream.to_be_bytes());
        out.push(self.opcode as u8);
        out.extend_from_slice(&self.length.to_be_bytes());
    }
}

/// Appends a complete frame to `out`: the header, then `body` compressed with
/// `compression` when that is not [`Compression::None`] (v3/v4 whole-body compression;
/// pass `None` for v5 and during the handshake).
///
/// The header's COMPRESSION flag is set by this function; the body is left uncompressed
/// when empty, as drivers do.
///
/// # Errors
/// [`FrameError::Compression`] when the algorithm is unavailable in this build, and
/// [`FrameError::BodyTooLarge`] when the body does not fit in a 32-bit length.
#[allow(clippy::too_many_arguments)]
pub fn write_frame(
    out: &mut Vec<u8>,
    version: ProtocolVersion,
    direction: Direction,
    flags: FrameFlags,
    stream: i16,
    opcode: Opcode,
    body: &[u8],
    compression: Compression,
) -> Result<(), FrameError> {
    let start = out.len();
    let compress = compression != Compression::None && !body.is_empty();
    let mut header = FrameHeader {
        version,
        direction,
        flags: flags.with(FrameFlags::COMPRESSION, compress),
        stream,
        opcode,
        length: 0,
    };
    header.write(out);
    if compress {
        compression.compress_body(body, out)?;
    } else {
        out.extend_from_slice(body);
    }
    let len = out.len() - start - HEADER_LEN;
    header.length = u32::try_from(len).map_err(|_| FrameError::BodyTooLarge {
        length: len as u64,
        max: u64::from(u32::MAX),
    })?;
    let len_bytes = header.length.to_be_bytes();
    if let Some(slot) = out.get_mut(start + 5..start + 9) {
        slot.copy_from_slice(&len_bytes);
    }
    Ok(())
}

/// A complete frame: its header and its body, decompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The header as received (the COMPRESSION flag still reflects the wire).
    pub header: FrameHeader,
    /// The body, decompressed when the frame was compressed.
    pub body: bytes::Bytes,
}

/// Reads one frame from the front of `buf`.
///
/// Returns `Ok(None)` when `buf` holds less than a whole frame (read more and call
/// again), or the frame and how many bytes of `buf` it used. The announced body length
/// is checked against `max_body_len` before anything is allocated; a compressed body is
/// decompressed with `compression`.
///
/// # Errors
/// Header errors from [`FrameHeader::parse`], [`FrameError::BodyTooLarge`],
/// [`FrameError::UnexpectedCompression`] when a compressed frame arrives while no
/// compression is in use, and [`FrameError::Decompression`].
pub fn read_frame(
    buf: &[u8],
    max_body_len: usize,
    compression: Compression,
) -> Result<Option<(Frame, usize)>, FrameError> {
    let Some(head) = buf.get(..HEADER_LEN) else {
        return Ok(None);
    };
    let header = FrameHeader::parse(head)?;
    let len = header.length as usize;
    if len > max_body_len {
        return Err(FrameError::BodyTooLarge {
            length: u64::from(header.length),
            max: max_body_len as u64,
        });
    }
    let Some(raw) = buf.get(HEADER_LEN..HEADER_LEN + len) else {
        return Ok(None);
    };
    let body = if header.flags.contains(FrameFlags::COMPRESSION) {
        if compression == Compression::None {
            return Err(FrameError::UnexpectedCompression);
        }
        bytes::Bytes::from(compression.decompress_body(raw, max_body_len)?)
    } else {
        bytes::Bytes::copy_from_slice(raw)
    };
    Ok(Some((Frame { header, body }, HEADER_LEN + len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let h = FrameHeader {
            version: ProtocolVersion::V4,
            direction: Direction::Response,
            flags: FrameFlags(FrameFlags::TRACING | FrameFlags::WARNING),
            stream: -1,
            opcode: Opcode::Event,
            length: 42,
        };
        let mut out = Vec::new();
        h.write(&mut out);
        assert_eq!(out.len(), HEADER_LEN);
        assert_eq!(FrameHeader::parse(&out).unwrap(), h);
    }

    #[test]
    fn unsupported_version_keeps_the_stream() {
        let buf = [0x06, 0, 0x00, 0x07, 0x05, 0, 0, 0, 0];
        assert_eq!(
            FrameHeader::parse(&buf),
            Err(FrameError::UnsupportedVersion {
                version: 6,
                stream: 7
            })
        );
    }

    #[test]
    fn oversized_body_is_refused_before_allocation() {
        let buf = [0x84, 0, 0, 1, 0x08, 0x7f, 0xff, 0xff, 0xff];
        assert!(matches!(
            read_frame(&buf, DEFAULT_MAX_BODY_LEN, Compression::None),
            Err(FrameError::BodyTooLarge { .. })
        ));
    }

    #[test]
    fn partial_frames_ask_for_more() {
        let mut out = Vec::new();
        write_frame(
            &mut out,
            ProtocolVersion::V4,
            Direction::Request,
            FrameFlags::default(),
            3,
            Opcode::Options,
            &[],
            Compression::None,
        )
        .unwrap();
        assert_eq!(read_frame(&out[..5], 1024, Compression::None), Ok(None));
        let (frame, used) = read_frame(&out, 1024, Compression::None).unwrap().unwrap();
        assert_eq!(used, out.len());
        assert_eq!(frame.header.opcode, Opcode::Options);
    }
}
