//! One framing codec for both ends of a connection: received bytes in, whole frames out,
//! and frames in, bytes to send out, in whichever framing the connection is in.
//!
//! Every connection starts with whole frames whose bodies are not compressed. After the
//! STARTUP exchange it switches once to the framing negotiated there: in v3/v4 still whole
//! frames, their bodies compressed with the agreed algorithm (LZ4 or Snappy); in v5 frames
//! carried inside [`segment`](super::segment)s, LZ4-compressed when LZ4 was agreed.
//!
//! Clients and servers frame the same way in each direction, so one [`Framer`] serves
//! both; only *when* each side switches differs, and that is the caller's protocol
//! knowledge (see [`Framer::start_framing`]).
//!
//! ```text
//!   bytes received ──feed──▶ ┌────────┐ ──next_frame──▶ Frame { header, body: Bytes }
//!                            │ Framer │
//!   encoded frames ─write──▶ └────────┘ ──(flush)─────▶ bytes to send
//! ```

use alloc::boxed::Box;
use alloc::vec::Vec;

use bytes::{Buf, Bytes, BytesMut};

use super::error::{DecodeError, FrameError};
use super::segment::{SegmentDecoder, SegmentEncoder};
use super::{Compression, Frame, FrameFlags, FrameHeader, HEADER_LEN, ProtocolVersion};

/// Largest frame body copied out of the received bytes rather than split off them.
///
/// A body split off shares the receive buffer's reference count with every other frame
/// taken from it; the tasks that take their answers on other threads then all update that
/// one count, which costs more than a private copy of a few hundred bytes. A copy also
/// leaves the receive buffer unshared, so it is reused instead of reallocated.
pub const COPIED_BODY_MAX: usize = 2048;

/// The framing a [`Framer`] reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Framing {
    /// Whole frames one after another: every version during the handshake, v3/v4 after
    /// it. Bodies are compressed with this algorithm ([`Compression::None`] before the
    /// switch); a received body is decompressed when its header says it is compressed.
    Frames(Compression),
    /// v5 after the handshake: frames inside segments, compressed with this algorithm
    /// ([`Compression::None`] or [`Compression::Lz4`]).
    Segments(Compression),
}

/// The version byte and stream id that start a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameStart {
    /// The protocol version number, direction bit removed (any value, not only 3 to 5).
    pub version: u8,
    /// The stream id (read as one byte from v1/v2 headers).
    pub stream: i16,
}

/// Why a [`Framer`] stopped reading: what is wrong with the received bytes and, when it
/// concerns one frame whose start was readable, which one (a server answers the error on
/// that frame's stream).
//
// Boxed: one pointer wide, it lets `Result<Option<Frame>, ReadError>` be as small as a
// `Frame`, which a connection's read loop, moving one per frame, measurably prefers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.error)]
pub struct ReadError(Box<Fault>);

/// What a [`ReadError`] carries; the framer passes it around unboxed until it reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fault {
    error: FrameError,
    frame: Option<FrameStart>,
}

impl Fault {
    /// `error` about the frame whose first bytes are `frame`.
    #[cold]
    fn at(frame: &[u8], error: FrameError) -> Self {
        Self {
            error,
            frame: frame_start(frame),
        }
    }
}

impl From<FrameError> for Fault {
    #[cold]
    fn from(error: FrameError) -> Self {
        Self { error, frame: None }
    }
}

impl ReadError {
    /// What is wrong.
    pub fn error(&self) -> &FrameError {
        &self.0.error
    }

    /// The frame at fault; `None` for errors of the segment layer (a bad CRC, segments
    /// that do not line up with frames, a frame above the limit announced inside one).
    pub fn frame(&self) -> Option<FrameStart> {
        self.0.frame
    }
}

/// Bytes ⇄ frames for one connection, client or server (see the [module docs](self)).
///
/// Reading: [`feed`](Self::feed) received bytes in chunks of any size, then call
/// [`next_frame`](Self::next_frame) until it returns `Ok(None)`. Writing:
/// [`write_frame`](Self::write_frame) or [`write_encoded_frame`](Self::write_encoded_frame)
/// append to the caller's buffer, and [`flush`](Self::flush) writes out frames a segment
/// still gathers before the bytes are sent. [`start_framing`](Self::start_framing) switches
/// from the handshake's framing to the negotiated one, once.
///
/// Malformed input is an error value, never a panic, and memory grows only with the bytes
/// received: each length is checked against the body limit before anything is allocated
/// or awaited. After a read error every later [`next_frame`](Self::next_frame) returns the
/// same error: the stream cannot be trusted any more.
#[derive(Debug, Clone)]
pub struct Framer {
    max_body_len: usize,
    mode: Mode,
    switched: bool,
    /// Received bytes not yet read as frames, while frames are not inside segments.
    input: BytesMut,
    /// A frame encoded before its body is compressed or it is put into a segment.
    scratch: Vec<u8>,
    failed: Option<Fault>,
}

#[derive(Debug, Clone)]
enum Mode {
    /// Whole frames, bodies compressed with this.
    Frames(Compression),
    /// Frames inside segments (the decoder holds the received bytes).
    Segments {
        decoder: SegmentDecoder,
        encoder: SegmentEncoder,
    },
}

impl Framer {
    /// A framer in the handshake's framing (whole frames, uncompressed bodies) that refuses
    /// frames whose body is longer than `max_body_len` (see
    /// [`DEFAULT_MAX_BODY_LEN`](super::DEFAULT_MAX_BODY_LEN)).
    pub fn new(max_body_len: usize) -> Self {
        Self {
            max_body_len,
            mode: Mode::Frames(Compression::None),
            switched: false,
            input: BytesMut::new(),
            scratch: Vec::new(),
            failed: None,
        }
    }

    /// The framing in use.
    pub fn framing(&self) -> Framing {
        match &self.mode {
            Mode::Frames(compression) => Framing::Frames(*compression),
            Mode::Segments { encoder, .. } => Framing::Segments(encoder.compression()),
        }
    }

    /// Switches, once, to the framing negotiated in STARTUP for `version`: bodies
    /// compressed with `compression` in v3/v4 (unchanged with [`Compression::None`]),
    /// segments in v5. Bytes received and not read yet are read in the new framing.
    ///
    /// The framing changes right after the STARTUP answer (READY or AUTHENTICATE): a
    /// server switches once it has written it, a client once it has read it. In v3/v4 a
    /// client may switch as soon as it has sent STARTUP, since it sends nothing before the
    /// answer, and it then also accepts an answer that is already compressed (as
    /// Cassandra 3.x sends it).
    ///
    /// # Errors
    /// [`FrameError::Compression`] when this build lacks the algorithm or `version` cannot
    /// use it (Snappy in v5), and [`FrameError::AlreadySwitched`] on a second call; the
    /// framing is then unchanged.
    pub fn start_framing(
        &mut self,
        version: ProtocolVersion,
        compression: Compression,
    ) -> Result<(), FrameError> {
        if self.switched {
            return Err(FrameError::AlreadySwitched);
        }
        if version.uses_segments() {
            let encoder = SegmentEncoder::new(compression)?;
            let mut decoder = SegmentDecoder::new(compression, self.max_body_len)?;
            decoder.feed(&self.input);
            self.input = BytesMut::new();
            self.mode = Mode::Segments { decoder, encoder };
        } else {
            if !compression.is_available() {
                return Err(FrameError::Compression(match compression {
                    Compression::Snappy => "snappy support is not compiled in",
                    _ => "lz4 support is not compiled in",
                }));
            }
            self.mode = Mode::Frames(compression);
        }
        self.switched = true;
        Ok(())
    }

    /// Adds received bytes (ignored once a read failed).
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        match &mut self.mode {
            Mode::Frames(_) => self.input.extend_from_slice(bytes),
            Mode::Segments { decoder, .. } => decoder.feed(bytes),
        }
    }

    /// Bytes received that have not come out as frames yet.
    pub fn buffered_len(&self) -> usize {
        match &self.mode {
            Mode::Frames(_) => self.input.len(),
            Mode::Segments { decoder, .. } => decoder.buffered_len(),
        }
    }

    /// The next whole frame received, or `Ok(None)` until more bytes are fed.
    ///
    /// The body comes out decompressed; the header is as received (its COMPRESSION flag
    /// still says whether the body travelled compressed). A body longer than
    /// [`COPIED_BODY_MAX`] shares the received bytes without copying.
    ///
    /// A frame whose version byte names a version this crate does not speak is refused as
    /// soon as its stream id is in rather than when its header is: v1/v2 headers are only
    /// 8 bytes long (with a 1-byte stream id), and their sender waits for an answer.
    ///
    /// # Errors
    /// A [`ReadError`] carrying [`FrameError::UnsupportedVersion`] or
    /// [`FrameError::UnknownOpcode`] (header errors), [`FrameError::BodyTooLarge`],
    /// [`FrameError::UnexpectedCompression`] (a compressed body while none was agreed, or
    /// inside a segment), [`FrameError::Decompression`] or [`FrameError::Compression`],
    /// and the segment errors of [`SegmentDecoder::next_frame`].
    #[inline]
    pub fn next_frame(&mut self) -> Result<Option<Frame>, ReadError> {
        // Only frames come out of this part, no error values: it inlines into the caller's
        // read loop, where a frame then travels in registers.
        if self.failed.is_none() {
            let max = self.max_body_len;
            let frame = match &mut self.mode {
                Mode::Frames(compression) => take_whole_frame(&mut self.input, *compression, max),
                Mode::Segments { decoder, .. } => {
                    next_segmented_frame(decoder).unwrap_or_else(|fault| {
                        self.failed = Some(fault);
                        None
                    })
                }
            };
            if frame.is_some() {
                return Ok(frame);
            }
        }
        match self.fault() {
            Some(fault) => Err(ReadError(Box::new(fault))),
            None => Ok(None),
        }
    }

    /// Why no frame came out: the error found (remembered from now on, the received
    /// bytes dropped), or `None` while the next frame is incomplete.
    #[inline(never)]
    fn fault(&mut self) -> Option<Fault> {
        if let (None, Mode::Frames(compression)) = (&self.failed, &self.mode) {
            self.failed = whole_frame_fault(&self.input, *compression, self.max_body_len);
            if self.failed.is_some() {
                self.input = BytesMut::new();
            }
        }
        self.failed.clone()
    }

    /// Appends one frame to `out` in the current framing. `encode` appends the frame with
    /// its body uncompressed to the buffer it is given (as the message layer's frame
    /// encoders do when given [`Compression::None`]); the framer then compresses the body
    /// or puts the frame into a segment. In segments the frame may wait for
    /// [`flush`](Self::flush).
    ///
    /// # Errors
    /// `encode`'s errors (`out` is then left as it was); after the switch, what
    /// [`write_encoded_frame`](Self::write_encoded_frame) reports, and
    /// [`FrameError::Compression`].
    #[inline]
    pub fn write_frame<E: From<FrameError>>(
        &mut self,
        out: &mut Vec<u8>,
        encode: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        if let Mode::Frames(Compression::None) = self.mode {
            // The hot path: nothing to transform, so the frame is encoded in place.
            let start = out.len();
            return match encode(out) {
                Ok(()) => Ok(()),
                Err(e) => {
                    out.truncate(start);
                    Err(e)
                }
            };
        }
        self.scratch.clear();
        encode(&mut self.scratch)?;
        Ok(self.write_scratch_frame(out)?)
    }

    /// Appends the frame encoded in `scratch` to `out`, its body compressed or the frame
    /// put into a segment.
    fn write_scratch_frame(&mut self, out: &mut Vec<u8>) -> Result<(), FrameError> {
        match &mut self.mode {
            Mode::Frames(compression) => compress_frame(&self.scratch, *compression, out),
            Mode::Segments { encoder, .. } => encoder.push_frame(&self.scratch, out),
        }
    }

    /// Appends one frame that is already encoded in its final form to `out`: as it is in
    /// whole-frame framing (a v3/v4 header says itself whether its body is compressed),
    /// inside segments in v5 (it may wait for [`flush`](Self::flush)).
    ///
    /// # Errors
    /// In segments, [`DecodeError::InvalidLength`] when `frame` is not exactly one frame,
    /// and the errors of [`SegmentEncoder::push_frame`].
    pub fn write_encoded_frame(
        &mut self,
        frame: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), FrameError> {
        match &mut self.mode {
            Mode::Frames(_) => {
                out.extend_from_slice(frame);
                Ok(())
            }
            Mode::Segments { encoder, .. } => encoder.push_frame(frame, out),
        }
    }

    /// Whether frames wait in a segment for [`flush`](Self::flush).
    pub fn has_pending_output(&self) -> bool {
        match &self.mode {
            Mode::Frames(_) => false,
            Mode::Segments { encoder, .. } => encoder.pending_len() > 0,
        }
    }

    /// Appends the frames a segment still gathers to `out`; call it before sending.
    ///
    /// # Errors
    /// The errors of [`SegmentEncoder::flush`].
    pub fn flush(&mut self, out: &mut Vec<u8>) -> Result<(), FrameError> {
        match &mut self.mode {
            Mode::Frames(_) => Ok(()),
            Mode::Segments { encoder, .. } => encoder.flush(out),
        }
    }
}

/// The version byte and stream id at the front of `frame`, once they are there.
fn frame_start(frame: &[u8]) -> Option<FrameStart> {
    let version = frame.first()? & 0x7f;
    // v1 and v2 (and the meaningless 0) had 8-byte headers with a 1-byte stream id.
    let stream = if version <= 2 {
        i16::from(*frame.get(2)? as i8)
    } else {
        i16::from_be_bytes([*frame.get(2)?, *frame.get(3)?])
    };
    Some(FrameStart { version, stream })
}

/// Why the header at the front of `head` did not parse.
#[cold]
fn header_error(head: &[u8], error: FrameError) -> Fault {
    unknown_version(head).unwrap_or_else(|| Fault::at(head, error))
}

/// The refusal of the frame at the front of `frame` when its version byte names a version
/// this crate does not speak and its stream id is in.
fn unknown_version(frame: &[u8]) -> Option<Fault> {
    let version = frame.first()? & 0x7f;
    if ProtocolVersion::from_u8(version).is_some() {
        return None;
    }
    let start = frame_start(frame)?;
    let error = FrameError::UnsupportedVersion {
        version,
        stream: start.stream,
    };
    Some(Fault {
        error,
        frame: Some(start),
    })
}

/// The whole frame at the front of `input`, taken off it, when it is all there and
/// valid; `None` while it is incomplete and when it is not valid ([`whole_frame_fault`]
/// then says why).
#[inline(always)]
fn take_whole_frame(
    input: &mut BytesMut,
    compression: Compression,
    max_body_len: usize,
) -> Option<Frame> {
    let header = FrameHeader::parse(input.get(..HEADER_LEN)?).ok()?;
    let len = header.length as usize;
    if len > max_body_len || input.len() - HEADER_LEN < len {
        return None;
    }
    let body = if header.flags.contains(FrameFlags::COMPRESSION) {
        take_compressed_body(input, len, compression, max_body_len)?
    } else {
        split_body(input, len)
    };
    Some(Frame { header, body })
}

/// The body of the whole compressed frame at the front of `input`, decompressed, once
/// the frame is taken off `input`; `None` when it does not decompress.
#[inline(never)]
fn take_compressed_body(
    input: &mut BytesMut,
    len: usize,
    compression: Compression,
    max_body_len: usize,
) -> Option<Bytes> {
    if compression == Compression::None {
        return None;
    }
    let raw = input.get(HEADER_LEN..)?.get(..len)?;
    let body = compression.decompress_body(raw, max_body_len).ok()?;
    input.advance(HEADER_LEN + len);
    Some(Bytes::from(body))
}

/// Takes a frame of body length `len`, all of it in `input`, off `input` and returns its
/// body: copied when small, split off the received bytes otherwise.
#[inline(always)]
fn split_body(input: &mut BytesMut, len: usize) -> Bytes {
    if len <= COPIED_BODY_MAX {
        let body = input
            .get(HEADER_LEN..HEADER_LEN + len)
            .map_or_else(Bytes::new, Bytes::copy_from_slice);
        input.advance(HEADER_LEN + len);
        body
    } else {
        let mut whole = input.split_to(HEADER_LEN + len);
        whole.advance(HEADER_LEN);
        whole.freeze()
    }
}

/// Why the frame at the front of `input`, which [`take_whole_frame`] did not take, is not
/// valid; `None` while it is incomplete.
#[cold]
fn whole_frame_fault(input: &[u8], compression: Compression, max_body_len: usize) -> Option<Fault> {
    let Some(head) = input.get(..HEADER_LEN) else {
        return unknown_version(input);
    };
    let header = match FrameHeader::parse(head) {
        Ok(header) => header,
        Err(e) => return Some(header_error(head, e)),
    };
    let len = header.length as usize;
    if len > max_body_len {
        let error = FrameError::BodyTooLarge {
            length: u64::from(header.length),
            max: max_body_len as u64,
        };
        return Some(Fault::at(head, error));
    }
    let raw = input.get(HEADER_LEN..)?.get(..len)?;
    if !header.flags.contains(FrameFlags::COMPRESSION) {
        return None;
    }
    let error = match compression {
        Compression::None => FrameError::UnexpectedCompression,
        _ => compression.decompress_body(raw, max_body_len).err()?,
    };
    Some(Fault::at(head, error))
}

/// The next frame out of the segments `decoder` was fed.
#[inline(always)]
fn next_segmented_frame(decoder: &mut SegmentDecoder) -> Result<Option<Frame>, Fault> {
    // The decoder hands out exactly one frame, its body length checked against the limit.
    let Some(frame) = decoder.next_frame()? else {
        return Ok(None);
    };
    let (Some(head), Some(raw)) = (frame.get(..HEADER_LEN), frame.get(HEADER_LEN..)) else {
        let short = DecodeError::Malformed("frame shorter than its header");
        return Err(Fault::at(&frame, short.into()));
    };
    let header = match FrameHeader::parse(head) {
        Ok(header) => header,
        Err(e) => return Err(header_error(head, e)),
    };
    // v5 compresses segments, never bodies.
    if header.flags.contains(FrameFlags::COMPRESSION) {
        return Err(Fault::at(head, FrameError::UnexpectedCompression));
    }
    let body = if raw.len() <= COPIED_BODY_MAX {
        Bytes::copy_from_slice(raw)
    } else {
        frame.slice(HEADER_LEN..)
    };
    Ok(Some(Frame { header, body }))
}

/// Appends the one frame `frame` (body uncompressed) to `out` with its body compressed.
fn compress_frame(
    frame: &[u8],
    compression: Compression,
    out: &mut Vec<u8>,
) -> Result<(), FrameError> {
    let header = FrameHeader::parse(frame)?;
    let body = frame.get(HEADER_LEN..).unwrap_or_default();
    if body.len() != header.length as usize || header.flags.contains(FrameFlags::COMPRESSION) {
        return Err(DecodeError::InvalidLength {
            what: "frame given to the framer to compress",
            length: frame.len() as i64,
        }
        .into());
    }
    super::write_frame(
        out,
        header.version,
        header.direction,
        header.flags,
        header.stream,
        header.opcode,
        body,
        compression,
    )
}

#[cfg(test)]
mod tests;
