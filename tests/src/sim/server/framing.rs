//! The node's side of cql-core's [`Framer`]: reading request frames, with framing errors
//! classified the way Cassandra answers them, and writing responses and corrupt frames.
//!
//! A frame in a version the node does not accept and every framing error (bad segment,
//! oversized or undecompressable frame, unknown opcode) are answered and then the
//! connection is closed.

use cql_core::frame::segment::write_segment;
use cql_core::frame::{
    Compression, Frame, FrameError, Framer, Framing, HEADER_LEN, Opcode, ProtocolVersion, ReadError,
};
use cql_core::message::{Response, ResponseFrame};

use crate::sim::error::CqlError;

/// Why the node cannot read on: answer with [`FrameFailure::error`] on
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

/// The next whole request frame `framer` holds, or `Ok(None)` until more bytes arrive.
/// The version is checked first, as Cassandra does: a frame in a version outside
/// `accepted` is refused whatever else is wrong with it.
///
/// # Errors
/// A [`FrameFailure`] after which the connection must be closed.
pub fn next_request(
    framer: &mut Framer,
    accepted: &[ProtocolVersion],
) -> Result<Option<Frame>, FrameFailure> {
    match framer.next_frame() {
        Ok(Some(frame)) if accepted.contains(&frame.header.version) => Ok(Some(frame)),
        Ok(Some(frame)) => Err(version_failure(
            frame.header.version.as_u8(),
            frame.header.stream,
            accepted,
        )),
        Ok(None) => Ok(None),
        Err(e) => Err(read_failure(&e, accepted)),
    }
}

/// Appends `frame` encoded in `version` to `out` in the framing in use (in segments it
/// may wait for [`Framer::flush`]).
///
/// # Errors
/// Encoding errors (oversized strings and the like).
pub fn write_response(
    framer: &mut Framer,
    version: ProtocolVersion,
    frame: &ResponseFrame,
    out: &mut Vec<u8>,
) -> Result<(), FrameError> {
    framer.write_frame(out, |buf| frame.encode(version, Compression::None, buf))
}

/// Appends bytes as they are, even when they are not a valid frame: how a corrupt frame
/// is sent. In segments they travel alone in a valid self-contained segment (after the
/// frames pending), so the client finds the corruption inside it.
///
/// # Errors
/// Segment encoding errors (bytes longer than a segment's payload).
pub fn write_raw(framer: &mut Framer, bytes: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
    match framer.framing() {
        Framing::Frames(_) => {
            out.extend_from_slice(bytes);
            Ok(())
        }
        Framing::Segments(compression) => {
            framer.flush(out)?;
            write_segment(out, bytes, true, compression)
        }
    }
}

fn version_failure(raw: u8, stream: i16, accepted: &[ProtocolVersion]) -> FrameFailure {
    FrameFailure {
        stream,
        rejected_version: Some(raw),
        error: CqlError::protocol(super::version::invalid_version_message(raw, accepted)),
    }
}

fn read_failure(e: &ReadError, accepted: &[ProtocolVersion]) -> FrameFailure {
    let stream = match e.frame() {
        Some(start) => {
            let known = ProtocolVersion::from_u8(start.version);
            if !known.is_some_and(|v| accepted.contains(&v)) {
                return version_failure(start.version, start.stream, accepted);
            }
            start.stream
        }
        None => 0,
    };
    let error = match e.error() {
        FrameError::BodyTooLarge { length, max } => CqlError::invalid(format!(
            "Request is too big: length {} exceeds maximum allowed length {}.",
            length + HEADER_LEN as u64,
            max + HEADER_LEN as u64
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

/// Appends an ERROR frame in the 9-byte header of protocol v3+ with a version number the
/// codec does not speak (`6` for 4.1's answer to a v6 client without `USE_BETA`); the
/// body is encoded as v5 encodes it.
pub fn write_error_header(version: u8, stream: i16, error: &CqlError, out: &mut Vec<u8>) {
    let mut body = Vec::new();
    if Response::Error(error.to_response())
        .encode(ProtocolVersion::V5, &mut body)
        .is_err()
    {
        return;
    }
    out.push(version | 0x80);
    out.push(0);
    out.extend_from_slice(&stream.to_be_bytes());
    out.push(Opcode::Error as u8);
    out.extend_from_slice(&u32::try_from(body.len()).unwrap_or(0).to_be_bytes());
    out.extend_from_slice(&body);
}

#[cfg(test)]
mod tests {
    use super::*;
    use cql_core::frame::segment::SegmentDecoder;
    use cql_core::frame::{Direction, FrameFlags, write_frame};
    use cql_core::message::{Request, RequestFrame};

    const ALL: [ProtocolVersion; 3] = super::super::version::ALL_VERSIONS;

    fn options(version: ProtocolVersion, stream: i16) -> Vec<u8> {
        let mut out = Vec::new();
        RequestFrame::new(stream, Request::Options)
            .encode(version, Compression::None, &mut out)
            .unwrap();
        out
    }

    #[test]
    fn plain_frames_come_out_one_by_one() {
        let mut f = Framer::new(1 << 20);
        let mut bytes = options(ProtocolVersion::V4, 1);
        bytes.extend(options(ProtocolVersion::V4, 2));
        f.feed(&bytes[..5]);
        assert_eq!(next_request(&mut f, &ALL).unwrap(), None);
        f.feed(&bytes[5..]);
        assert_eq!(
            next_request(&mut f, &ALL).unwrap().unwrap().header.stream,
            1
        );
        assert_eq!(
            next_request(&mut f, &ALL).unwrap().unwrap().header.stream,
            2
        );
        assert_eq!(next_request(&mut f, &ALL).unwrap(), None);
        assert_eq!(f.buffered_len(), 0);
    }

    #[test]
    fn unsupported_versions_are_refused_with_their_stream() {
        let mut f = Framer::new(1 << 20);
        f.feed(&[0x06, 0, 0x00]);
        assert_eq!(
            next_request(&mut f, &ALL).unwrap(),
            None,
            "waits for the stream id"
        );
        f.feed(&[0x07, 0x05, 0, 0, 0, 0]);
        let e = next_request(&mut f, &ALL).unwrap_err();
        assert_eq!(e.stream, 7);
        assert_eq!(e.rejected_version, Some(6));
        assert_eq!(
            e.error.message,
            "Invalid or unsupported protocol version (6); supported versions are (3/v3, 4/v4, 5/v5, 6/v6-beta)"
        );
        let mut f = Framer::new(1 << 20);
        f.feed(&[0x02, 0, 3, 5, 0, 0, 0, 0]);
        let e = next_request(&mut f, &ALL).unwrap_err();
        assert_eq!((e.stream, e.rejected_version), (3, Some(2)));
    }

    #[test]
    fn versions_the_node_does_not_accept_come_first() {
        let v3_v4 = [ProtocolVersion::V3, ProtocolVersion::V4];
        let mut f = Framer::new(1 << 20);
        f.feed(&options(ProtocolVersion::V5, 4));
        let e = next_request(&mut f, &v3_v4).unwrap_err();
        assert_eq!((e.stream, e.rejected_version), (4, Some(5)));
        // Even when the frame is also too big or of an unknown kind.
        for header in [
            [0x05, 0, 0, 9, 0x07, 0x7f, 0, 0, 0],
            [0x05, 0, 0, 9, 0x33, 0, 0, 0, 0],
        ] {
            let mut f = Framer::new(100);
            f.feed(&header);
            let e = next_request(&mut f, &v3_v4).unwrap_err();
            assert_eq!((e.stream, e.rejected_version), (9, Some(5)));
        }
    }

    #[test]
    fn oversized_and_unknown_opcode_frames_fail() {
        let mut f = Framer::new(100);
        f.feed(&[0x04, 0, 0, 9, 0x07, 0, 0, 1, 0]);
        let e = next_request(&mut f, &ALL).unwrap_err();
        assert_eq!(e.stream, 9);
        assert_eq!(
            e.error.message,
            "Request is too big: length 265 exceeds maximum allowed length 109."
        );
        let mut f = Framer::new(100);
        f.feed(&[0x04, 0, 0, 4, 0x33, 0, 0, 0, 0]);
        let e = next_request(&mut f, &ALL).unwrap_err();
        assert_eq!(e.error.message, "Unknown opcode 51");
    }

    #[test]
    fn segments_after_the_switch_including_buffered_bytes() {
        let mut client = Framer::new(1 << 20);
        client
            .start_framing(ProtocolVersion::V5, Compression::Lz4)
            .unwrap();
        let mut wire = options(ProtocolVersion::V5, 0);
        client
            .write_encoded_frame(&options(ProtocolVersion::V5, 5), &mut wire)
            .unwrap();
        client.flush(&mut wire).unwrap();
        let mut f = Framer::new(1 << 20);
        f.feed(&wire);
        assert_eq!(
            next_request(&mut f, &ALL).unwrap().unwrap().header.stream,
            0
        );
        f.start_framing(ProtocolVersion::V5, Compression::Lz4)
            .unwrap();
        assert_eq!(
            next_request(&mut f, &ALL).unwrap().unwrap().header.stream,
            5
        );
        assert_eq!(next_request(&mut f, &ALL).unwrap(), None);
        f.feed(&[0xff; 8]);
        let e = next_request(&mut f, &ALL).unwrap_err();
        assert_eq!(e.stream, 0);
        assert!(
            e.error.message.starts_with("Frame processing failed"),
            "bad crc"
        );
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
        let mut f = Framer::new(1 << 20);
        f.feed(&wire);
        let e = next_request(&mut f, &ALL).unwrap_err();
        assert_eq!(e.stream, 3);
        assert!(e.error.message.contains("no compression was negotiated"));
        let mut f = Framer::new(1 << 20);
        f.start_framing(ProtocolVersion::V4, Compression::Lz4)
            .unwrap();
        f.feed(&wire);
        assert_eq!(&next_request(&mut f, &ALL).unwrap().unwrap().body[..], b"x");
    }

    #[test]
    fn raw_bytes_travel_in_their_own_segment() {
        let mut w = Framer::new(1 << 20);
        let mut out = Vec::new();
        write_raw(&mut w, &[1, 2, 3], &mut out).unwrap();
        assert_eq!(out, [1, 2, 3]);
        w.start_framing(ProtocolVersion::V5, Compression::Lz4)
            .unwrap();
        let mut out = Vec::new();
        let ready = ResponseFrame::new(1, Response::Ready);
        write_response(&mut w, ProtocolVersion::V5, &ready, &mut out).unwrap();
        write_raw(&mut w, &[0xff; 9], &mut out).unwrap();
        let mut d = SegmentDecoder::new(Compression::Lz4, 1 << 20).unwrap();
        d.feed(&out);
        assert_eq!(d.next_frame().unwrap().unwrap().len(), HEADER_LEN);
        assert!(d.next_frame().is_err(), "the garbage frame is found");
    }

    #[test]
    fn responses_wait_in_segments_and_legacy_errors() {
        let mut w = Framer::new(1 << 20);
        w.start_framing(ProtocolVersion::V5, Compression::None)
            .unwrap();
        let mut out = Vec::new();
        let ready = ResponseFrame::new(1, Response::Ready);
        write_response(&mut w, ProtocolVersion::V5, &ready, &mut out).unwrap();
        assert!(out.is_empty());
        w.flush(&mut out).unwrap();
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
