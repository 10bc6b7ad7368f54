//! Bytes ⇄ frames for one server connection, without any I/O: [`FrameReader`] turns
//! received bytes into request frames (plain, v4-compressed or inside v5 segments) and
//! [`FrameWriter`] turns response frames into bytes to send.
//!
//! Errors are classified the way Cassandra treats them: a frame in a version the node does
//! not speak and every framing error (bad segment, oversized or undecompressable frame,
//! unknown opcode) are answered and then the connection is closed.

use bytes::{Buf, BytesMut};
use cql_core::frame::segment::{SegmentDecoder, SegmentEncoder, write_segment};
use cql_core::frame::{
    Compression, Frame, FrameError, HEADER_LEN, Opcode, ProtocolVersion, read_frame,
};
use cql_core::message::{Response, ResponseFrame};

use crate::sim::error::CqlError;

/// Why the reader cannot go on: answer with [`FrameFailure::error`] on
/// [`FrameFailure::stream`] (in the version [`super::version::reply_version`] picks) and
/// close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameFailure {
    /// Stream id to answer on (0 when it could not be read).
    pub stream: i16,
    /// The raw protocol version of the offending frame, when it is one the node does not
    /// accept (the answer is then encoded as [`super::version::reply_version`] decides).
    pub rejected_version: Option<u8>,
    /// The error to send.
    pub error: CqlError,
}

/// Decodes request frames from the bytes a client sends.
#[derive(Debug)]
pub struct FrameReader {
    max_body_len: usize,
    accepted: Vec<ProtocolVersion>,
    /// v3/v4 body compression, once the STARTUP answer was sent.
    compression: Compression,
    /// v5 segment decoder, once the STARTUP answer was sent.
    segments: Option<SegmentDecoder>,
    buf: BytesMut,
}

impl FrameReader {
    /// A reader accepting frames in `accepted` versions with bodies up to `max_body_len`.
    pub fn new(accepted: Vec<ProtocolVersion>, max_body_len: usize) -> Self {
        Self {
            max_body_len,
            accepted,
            compression: Compression::None,
            segments: None,
            buf: BytesMut::with_capacity(16 * 1024),
        }
    }

    /// The buffer to read socket bytes into.
    pub fn buffer(&mut self) -> &mut BytesMut {
        &mut self.buf
    }

    /// Adds received bytes (for callers that do not read into [`buffer`](Self::buffer)).
    pub fn feed(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Whether bytes are buffered that did not form a whole frame yet.
    pub fn has_partial(&self) -> bool {
        !self.buf.is_empty() || self.segments.as_ref().is_some_and(|d| d.buffered_len() > 0)
    }

    /// From now on frame bodies may be compressed with `compression` (v3/v4).
    pub fn set_compression(&mut self, compression: Compression) {
        self.compression = compression;
    }

    /// From now on frames arrive inside v5 segments (compressed with LZ4 when
    /// `compression` is LZ4). Bytes already buffered are read as segments.
    ///
    /// # Errors
    /// The compression cannot frame segments (Snappy).
    pub fn start_segments(&mut self, compression: Compression) -> Result<(), FrameError> {
        let mut decoder = SegmentDecoder::new(compression, self.max_body_len)?;
        decoder.feed(&self.buf);
        self.buf.clear();
        self.segments = Some(decoder);
        self.compression = Compression::None;
        Ok(())
    }

    /// The next whole request frame, or `Ok(None)` until more bytes arrive.
    ///
    /// # Errors
    /// A [`FrameFailure`] after which the connection must be closed.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameFailure> {
        if let Some(decoder) = &mut self.segments {
            if !self.buf.is_empty() {
                decoder.feed(&self.buf);
                self.buf.clear();
            }
            let bytes = match decoder.next_frame() {
                Ok(Some(bytes)) => bytes,
                Ok(None) => return Ok(None),
                Err(e) => return Err(framing_failure(0, &e, self.max_body_len)),
            };
            if let Some(failure) = check_version(&bytes, &self.accepted) {
                return Err(failure);
            }
            return match read_frame(&bytes, self.max_body_len, Compression::None) {
                Ok(Some((frame, _))) => Ok(Some(frame)),
                Ok(None) => Err(FrameFailure {
                    stream: stream_of(&bytes),
                    rejected_version: None,
                    error: CqlError::protocol("Truncated frame inside a segment"),
                }),
                Err(e) => Err(framing_failure(stream_of(&bytes), &e, self.max_body_len)),
            };
        }
        if let Some(failure) = check_version(&self.buf, &self.accepted) {
            return Err(failure);
        }
        match read_frame(&self.buf, self.max_body_len, self.compression) {
            Ok(Some((frame, used))) => {
                self.buf.advance(used);
                Ok(Some(frame))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(framing_failure(stream_of(&self.buf), &e, self.max_body_len)),
        }
    }
}

/// The stream id in a v3+ header, or 0 when too few bytes are there.
fn stream_of(buf: &[u8]) -> i16 {
    match buf.get(2..4) {
        Some(&[a, b]) => i16::from_be_bytes([a, b]),
        _ => 0,
    }
}

/// Checks the version byte first, as Cassandra does before waiting for a whole header
/// (v1/v2 headers are shorter). Returns a failure once enough bytes are there to know the
/// stream id (1 byte in v1/v2 headers, 2 bytes otherwise).
fn check_version(buf: &[u8], accepted: &[ProtocolVersion]) -> Option<FrameFailure> {
    let first = *buf.first()?;
    let raw = first & 0x7f;
    if ProtocolVersion::from_u8(raw).is_some_and(|v| accepted.contains(&v)) {
        return None;
    }
    let stream = if raw <= 2 {
        i16::from(*buf.get(2)? as i8)
    } else {
        buf.get(3)?;
        stream_of(buf)
    };
    Some(FrameFailure {
        stream,
        rejected_version: Some(raw),
        error: CqlError::protocol(super::version::invalid_version_message(raw, accepted)),
    })
}

fn framing_failure(stream: i16, e: &FrameError, max_body_len: usize) -> FrameFailure {
    let error = match e {
        FrameError::BodyTooLarge { length, .. } => CqlError::invalid(format!(
            "Request is too big: length {} exceeds maximum allowed length {}.",
            length + HEADER_LEN as u64,
            max_body_len + HEADER_LEN
        )),
        FrameError::UnknownOpcode(op) => CqlError::protocol(format!("Unknown opcode {op}")),
        FrameError::UnexpectedCompression => CqlError::protocol(
            "Received a compressed frame but no compression was negotiated in STARTUP",
        ),
        FrameError::HeaderCrcMismatch { .. } | FrameError::PayloadCrcMismatch { .. } => {
            CqlError::protocol(format!("Frame processing failed: {e}"))
        }
        other => CqlError::protocol(format!("Invalid frame: {other}")),
    };
    FrameFailure {
        stream,
        rejected_version: None,
        error,
    }
}

/// Encodes response frames into the bytes to send.
#[derive(Debug)]
pub struct FrameWriter {
    compression: Compression,
    segments: Option<SegmentEncoder>,
    /// The segments' compression, once segments are on.
    segment_compression: Compression,
    scratch: Vec<u8>,
}

impl Default for FrameWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameWriter {
    /// A writer sending plain, uncompressed frames (the handshake's framing).
    pub fn new() -> Self {
        Self {
            compression: Compression::None,
            segments: None,
            segment_compression: Compression::None,
            scratch: Vec::new(),
        }
    }

    /// From now on v3/v4 frame bodies are compressed with `compression`.
    pub fn set_compression(&mut self, compression: Compression) {
        self.compression = compression;
    }

    /// From now on frames travel inside v5 segments.
    ///
    /// # Errors
    /// The compression cannot frame segments (Snappy).
    pub fn start_segments(&mut self, compression: Compression) -> Result<(), FrameError> {
        self.segments = Some(SegmentEncoder::new(compression)?);
        self.segment_compression = compression;
        self.compression = Compression::None;
        Ok(())
    }

    /// Appends `frame` encoded for `version` to `out` (in segment mode it may stay pending
    /// until [`finish`](Self::finish)).
    ///
    /// # Errors
    /// Encoding errors (oversized strings and the like).
    pub fn write(
        &mut self,
        version: ProtocolVersion,
        frame: &ResponseFrame,
        out: &mut Vec<u8>,
    ) -> Result<(), FrameError> {
        match &mut self.segments {
            None => frame.encode(version, self.compression, out),
            Some(encoder) => {
                self.scratch.clear();
                frame.encode(version, Compression::None, &mut self.scratch)?;
                encoder.push_frame(&self.scratch, out)
            }
        }
    }

    /// Appends bytes as they are, even when they are not a valid frame: how a corrupt
    /// frame is sent. In segment mode they travel alone in a valid self-contained segment
    /// (after the frames pending), so the client finds the corruption inside it.
    ///
    /// # Errors
    /// Segment encoding errors (bytes longer than a segment's payload).
    pub fn write_raw(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
        match &mut self.segments {
            None => {
                out.extend_from_slice(bytes);
                Ok(())
            }
            Some(encoder) => {
                encoder.flush(out)?;
                write_segment(out, bytes, true, self.segment_compression)
            }
        }
    }

    /// Writes frames still pending in a segment.
    ///
    /// # Errors
    /// Segment encoding errors.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), FrameError> {
        match &mut self.segments {
            Some(encoder) => encoder.flush(out),
            None => Ok(()),
        }
    }
}

/// Appends an ERROR frame in the short header of protocol v1/v2 (1-byte stream id), the
/// way Cassandra answers clients that ask for those versions.
pub fn write_legacy_error(version: u8, stream: i16, error: &CqlError, out: &mut Vec<u8>) {
    let mut body = Vec::new();
    // v3 encoding of ERROR bodies is identical for the codes sent here.
    if Response::Error(error.to_response())
        .encode(ProtocolVersion::V3, &mut body)
        .is_err()
    {
        return;
    }
    out.push(version | 0x80);
    out.push(0);
    out.push(stream.to_be_bytes()[1]);
    out.push(Opcode::Error as u8);
    out.extend_from_slice(&u32::try_from(body.len()).unwrap_or(0).to_be_bytes());
    out.extend_from_slice(&body);
}

#[cfg(test)]
mod tests {
    use super::*;
    use cql_core::frame::{Direction, FrameFlags, write_frame};
    use cql_core::message::{Request, RequestFrame};

    fn all() -> Vec<ProtocolVersion> {
        vec![
            ProtocolVersion::V3,
            ProtocolVersion::V4,
            ProtocolVersion::V5,
        ]
    }

    fn options(version: ProtocolVersion, stream: i16) -> Vec<u8> {
        let mut out = Vec::new();
        RequestFrame::new(stream, Request::Options)
            .encode(version, Compression::None, &mut out)
            .unwrap();
        out
    }

    #[test]
    fn plain_frames_come_out_one_by_one() {
        let mut r = FrameReader::new(all(), 1 << 20);
        let mut bytes = options(ProtocolVersion::V4, 1);
        bytes.extend(options(ProtocolVersion::V4, 2));
        r.feed(&bytes[..5]);
        assert_eq!(r.next_frame().unwrap(), None);
        r.feed(&bytes[5..]);
        assert_eq!(r.next_frame().unwrap().unwrap().header.stream, 1);
        assert_eq!(r.next_frame().unwrap().unwrap().header.stream, 2);
        assert_eq!(r.next_frame().unwrap(), None);
        assert!(!r.has_partial());
    }

    #[test]
    fn unsupported_versions_are_refused_with_their_stream() {
        let mut r = FrameReader::new(all(), 1 << 20);
        r.feed(&[0x06, 0, 0x00]);
        assert_eq!(r.next_frame().unwrap(), None, "waits for the stream id");
        r.feed(&[0x07, 0x05, 0, 0, 0, 0]);
        let f = r.next_frame().unwrap_err();
        assert_eq!(f.stream, 7);
        assert_eq!(f.rejected_version, Some(6));
        assert_eq!(
            f.error.message,
            "Invalid or unsupported protocol version (6); supported versions are (3/v3, 4/v4, 5/v5)"
        );
        let mut r = FrameReader::new(all(), 1 << 20);
        r.feed(&[0x02, 0, 3, 5, 0, 0, 0, 0]);
        let f = r.next_frame().unwrap_err();
        assert_eq!((f.stream, f.rejected_version), (3, Some(2)));
    }

    #[test]
    fn oversized_and_unknown_opcode_frames_fail() {
        let mut r = FrameReader::new(all(), 100);
        r.feed(&[0x04, 0, 0, 9, 0x07, 0, 0, 1, 0]);
        let f = r.next_frame().unwrap_err();
        assert_eq!(f.stream, 9);
        assert_eq!(
            f.error.message,
            "Request is too big: length 265 exceeds maximum allowed length 109."
        );
        let mut r = FrameReader::new(all(), 100);
        r.feed(&[0x04, 0, 0, 4, 0x33, 0, 0, 0, 0]);
        let f = r.next_frame().unwrap_err();
        assert_eq!(f.error.message, "Unknown opcode 51");
    }

    #[test]
    fn segments_after_the_switch_including_buffered_bytes() {
        let mut r = FrameReader::new(all(), 1 << 20);
        let mut enc = SegmentEncoder::new(Compression::Lz4).unwrap();
        let mut wire = options(ProtocolVersion::V5, 0);
        let mut segs = Vec::new();
        enc.push_frame(&options(ProtocolVersion::V5, 5), &mut segs)
            .unwrap();
        enc.flush(&mut segs).unwrap();
        wire.extend(&segs);
        r.feed(&wire);
        assert_eq!(r.next_frame().unwrap().unwrap().header.stream, 0);
        r.start_segments(Compression::Lz4).unwrap();
        assert_eq!(r.next_frame().unwrap().unwrap().header.stream, 5);
        assert_eq!(r.next_frame().unwrap(), None);
        r.feed(&[0xff; 8]);
        assert!(r.next_frame().is_err(), "bad crc");
    }

    #[test]
    fn compressed_bodies_need_negotiation() {
        let mut wire = Vec::new();
        write_frame(
            &mut wire,
            ProtocolVersion::V4,
            Direction::Request,
            FrameFlags::default(),
            3,
            Opcode::Options,
            b"x",
            Compression::Lz4,
        )
        .unwrap();
        let mut r = FrameReader::new(all(), 1 << 20);
        r.feed(&wire);
        assert!(r.next_frame().is_err());
        let mut r = FrameReader::new(all(), 1 << 20);
        r.set_compression(Compression::Lz4);
        r.feed(&wire);
        assert_eq!(&r.next_frame().unwrap().unwrap().body[..], b"x");
    }

    #[test]
    fn raw_bytes_travel_in_their_own_segment() {
        let mut w = FrameWriter::new();
        let mut out = Vec::new();
        w.write_raw(&[1, 2, 3], &mut out).unwrap();
        assert_eq!(out, [1, 2, 3]);
        w.start_segments(Compression::Lz4).unwrap();
        let mut out = Vec::new();
        w.write(
            ProtocolVersion::V5,
            &ResponseFrame::new(1, Response::Ready),
            &mut out,
        )
        .unwrap();
        w.write_raw(&[0xff; 9], &mut out).unwrap();
        let mut d = SegmentDecoder::new(Compression::Lz4, 1 << 20).unwrap();
        d.feed(&out);
        assert_eq!(d.next_frame().unwrap().unwrap().len(), HEADER_LEN);
        assert!(d.next_frame().is_err(), "the garbage frame is found");
    }

    #[test]
    fn writer_segments_and_legacy_errors() {
        let mut w = FrameWriter::new();
        w.start_segments(Compression::None).unwrap();
        let mut out = Vec::new();
        w.write(
            ProtocolVersion::V5,
            &ResponseFrame::new(1, Response::Ready),
            &mut out,
        )
        .unwrap();
        assert!(out.is_empty());
        w.finish(&mut out).unwrap();
        let mut d = SegmentDecoder::new(Compression::None, 1 << 20).unwrap();
        d.feed(&out);
        let f = d.next_frame().unwrap().unwrap();
        assert_eq!(f.len(), HEADER_LEN);

        let mut out = Vec::new();
        write_legacy_error(2, 4, &CqlError::protocol("x"), &mut out);
        assert_eq!(&out[..4], &[0x82, 0, 4, 0]);
        assert_eq!(out.len(), 8 + 4 + 2 + 1);
    }
}
