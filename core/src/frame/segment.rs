//! Protocol v5 segment framing: the outer layer that carries frames once the handshake
//! (STARTUP, then READY or AUTHENTICATE) is over.
//!
//! A segment is a little-endian header, its CRC24, a payload of at most
//! [`MAX_PAYLOAD_LEN`] bytes and the payload's CRC32:
//!
//! ```text
//! uncompressed: [payload_len:17 | self_contained:1 | pad:6]                    3 bytes
//! lz4:          [payload_len:17 | uncompressed_len:17 | self_contained:1 | pad:5] 5 bytes
//! then          crc24(header) 3 bytes LE | payload | crc32(payload) 4 bytes LE
//! ```
//!
//! A *self-contained* segment holds one or more whole frames; a frame longer than
//! [`MAX_PAYLOAD_LEN`] is cut into consecutive segments that are not self-contained. With
//! LZ4 the payload is a raw LZ4 block, or the bytes as they are with `uncompressed_len = 0`
//! when compressing would not shrink them; the CRC32 covers the payload as sent.
//!
//! [`SegmentEncoder`] coalesces frames into segments; [`SegmentDecoder`] is a streaming
//! decoder fed arbitrary chunks that hands back whole frames.

use alloc::vec::Vec;

use bytes::{Bytes, BytesMut};

use super::HEADER_LEN;
use super::compression::Compression;
use super::crc;
use super::error::{DecodeError, EncodeError, FrameError};

/// The largest payload one segment carries: 2^17 - 1 bytes (before compression).
pub const MAX_PAYLOAD_LEN: usize = 131_071;
/// Length of the CRC24 that follows the segment header.
pub const HEADER_CRC_LEN: usize = 3;
/// Length of the CRC32 that follows the payload.
pub const PAYLOAD_CRC_LEN: usize = 4;
/// Length of the segment header without compression (CRC not included).
pub const UNCOMPRESSED_HEADER_LEN: usize = 3;
/// Length of the segment header with LZ4 compression (CRC not included).
pub const LZ4_HEADER_LEN: usize = 5;

const LEN_MASK: u64 = 0x1_FFFF;

/// Whether `compression` compresses segments (LZ4), after checking it can frame segments
/// at all in this build: Snappy does not exist in v5, LZ4 needs the `lz4` feature.
fn uses_lz4(compression: Compression) -> Result<bool, FrameError> {
    match compression {
        Compression::None => Ok(false),
        Compression::Lz4 if compression.is_available() => Ok(true),
        Compression::Lz4 => Err(FrameError::Compression("lz4 support is not compiled in")),
        _ => Err(FrameError::Compression(
            "only lz4 can compress protocol v5 segments",
        )),
    }
}

/// The decoded header of one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SegmentHeader {
    /// Length of the payload as sent (compressed length when LZ4 compressed it).
    pub payload_len: u32,
    /// `None` for the 3-byte uncompressed header. With LZ4 (5-byte header): the length the
    /// payload decompresses to, or `Some(0)` when the payload is stored uncompressed.
    pub uncompressed_len: Option<u32>,
    /// The payload holds only whole frames (false: part of one large frame).
    pub self_contained: bool,
}

impl SegmentHeader {
    /// Length of the header for `compression`, without its CRC24: 3, or 5 with LZ4.
    pub fn encoded_len_for(lz4: bool) -> usize {
        if lz4 {
            LZ4_HEADER_LEN
        } else {
            UNCOMPRESSED_HEADER_LEN
        }
    }

    /// Length of this header without its CRC24: 3, or 5 with LZ4.
    pub fn encoded_len(&self) -> usize {
        Self::encoded_len_for(self.uncompressed_len.is_some())
    }

    /// Length of the whole segment: header, CRC24, payload and CRC32.
    pub fn segment_len(&self) -> usize {
        (self.encoded_len() + HEADER_CRC_LEN + PAYLOAD_CRC_LEN)
            .saturating_add(self.payload_len as usize)
    }

    /// The header as the little-endian integer that is sent (`header_le_int` in the vectors).
    pub fn to_bits(&self) -> u64 {
        let len = u64::from(self.payload_len) & LEN_MASK;
        match self.uncompressed_len {
            None => len | (u64::from(self.self_contained) << 17),
            Some(u) => {
                len | ((u64::from(u) & LEN_MASK) << 17) | (u64::from(self.self_contained) << 34)
            }
        }
    }

    /// Appends the header and its CRC24 to `out`.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] when a length does not fit in its 17 bits.
    pub fn write(&self, out: &mut Vec<u8>) -> Result<(), FrameError> {
        for (what, len) in [
            ("segment payload", Some(self.payload_len)),
            ("segment uncompressed payload", self.uncompressed_len),
        ] {
            if let Some(len) = len {
                if len as usize > MAX_PAYLOAD_LEN {
                    return Err(EncodeError::TooLong {
                        what,
                        length: len as usize,
                        max: MAX_PAYLOAD_LEN,
                    }
                    .into());
                }
            }
        }
        let bits = self.to_bits().to_le_bytes();
        let header = bits.get(..self.encoded_len()).unwrap_or_default();
        out.extend_from_slice(header);
        let crc = crc::crc24(header).to_le_bytes();
        out.extend_from_slice(crc.get(..HEADER_CRC_LEN).unwrap_or_default());
        Ok(())
    }

    /// Parses a header and checks its CRC24 from the front of `buf`; `lz4` selects the
    /// 5-byte form. Returns `Ok(None)` while `buf` is shorter than header and CRC.
    ///
    /// # Errors
    /// [`FrameError::HeaderCrcMismatch`].
    pub fn parse(buf: &[u8], lz4: bool) -> Result<Option<Self>, FrameError> {
        let len = Self::encoded_len_for(lz4);
        let (Some(header), Some(crc_bytes)) = (buf.get(..len), buf.get(len..len + HEADER_CRC_LEN))
        else {
            return Ok(None);
        };
        let mut expected = [0u8; 4];
        if let Some(slot) = expected.get_mut(..HEADER_CRC_LEN) {
            slot.copy_from_slice(crc_bytes);
        }
        let expected = u32::from_le_bytes(expected);
        let computed = crc::crc24(header);
        if expected != computed {
            return Err(FrameError::HeaderCrcMismatch { expected, computed });
        }
        let mut bits = [0u8; 8];
        if let Some(slot) = bits.get_mut(..len) {
            slot.copy_from_slice(header);
        }
        let bits = u64::from_le_bytes(bits);
        let payload_len = (bits & LEN_MASK) as u32;
        Ok(Some(if lz4 {
            Self {
                payload_len,
                uncompressed_len: Some(((bits >> 17) & LEN_MASK) as u32),
                self_contained: bits & (1 << 34) != 0,
            }
        } else {
            Self {
                payload_len,
                uncompressed_len: None,
                self_contained: bits & (1 << 17) != 0,
            }
        }))
    }
}

/// Appends one segment carrying `payload` to `out`.
///
/// With [`Compression::Lz4`] the payload is compressed, or stored as it is (with
/// `uncompressed_len = 0`) when compressing would not make it smaller.
///
/// # Errors
/// [`EncodeError::TooLong`] for a payload above [`MAX_PAYLOAD_LEN`];
/// [`FrameError::Compression`] for Snappy, or LZ4 in a build without it.
pub fn write_segment(
    out: &mut Vec<u8>,
    payload: &[u8],
    self_contained: bool,
    compression: Compression,
) -> Result<(), FrameError> {
    let lz4 = uses_lz4(compression)?;
    let too_long = || -> FrameError {
        EncodeError::TooLong {
            what: "segment payload",
            length: payload.len(),
            max: MAX_PAYLOAD_LEN,
        }
        .into()
    };
    let len = u32::try_from(payload.len()).map_err(|_| too_long())?;
    if payload.len() > MAX_PAYLOAD_LEN {
        return Err(too_long());
    }
    let compressed = if lz4 { lz4_compress(payload) } else { None };
    let (header, body) = match &compressed {
        Some(block) if block.len() < payload.len() => (
            SegmentHeader {
                payload_len: block.len() as u32,
                uncompressed_len: Some(len),
                self_contained,
            },
            block.as_slice(),
        ),
        _ => (
            SegmentHeader {
                payload_len: len,
                uncompressed_len: lz4.then_some(0),
                self_contained,
            },
            payload,
        ),
    };
    out.reserve(header.segment_len());
    header.write(out)?;
    out.extend_from_slice(body);
    out.extend_from_slice(&crc::crc32(body).to_le_bytes());
    Ok(())
}

#[cfg(feature = "lz4")]
fn lz4_compress(payload: &[u8]) -> Option<Vec<u8>> {
    if payload.is_empty() {
        return None;
    }
    let mut block = Vec::new();
    super::compression::lz4_compress_block(payload, &mut block);
    Some(block)
}

#[cfg(not(feature = "lz4"))]
fn lz4_compress(_: &[u8]) -> Option<Vec<u8>> {
    None
}

#[cfg(feature = "lz4")]
fn lz4_decompress(block: &[u8], len: usize) -> Result<Vec<u8>, FrameError> {
    super::compression::lz4_decompress_block(block, len, MAX_PAYLOAD_LEN)
}

#[cfg(not(feature = "lz4"))]
fn lz4_decompress(_: &[u8], _: usize) -> Result<Vec<u8>, FrameError> {
    Err(FrameError::Compression("lz4 support is not compiled in"))
}

/// One decoded segment: its header and its payload, decompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The header as received.
    pub header: SegmentHeader,
    /// The payload after decompression (whole frames, or part of one frame).
    pub payload: Bytes,
}

/// Reads one segment from the front of `buf`, checking both CRCs and decompressing an
/// LZ4 payload. Returns `Ok(None)` while `buf` holds less than a whole segment, or the
/// segment and how many bytes of `buf` it used.
///
/// # Errors
/// [`FrameError::HeaderCrcMismatch`], [`FrameError::PayloadCrcMismatch`],
/// [`FrameError::Decompression`], and [`FrameError::Compression`] for a compression that
/// cannot frame segments.
pub fn read_segment(
    buf: &[u8],
    compression: Compression,
) -> Result<Option<(Segment, usize)>, FrameError> {
    let lz4 = uses_lz4(compression)?;
    let Some(header) = SegmentHeader::parse(buf, lz4)? else {
        return Ok(None);
    };
    let used = header.segment_len();
    let Some(raw) = buf.get(..used) else {
        return Ok(None);
    };
    let payload = checked_payload(&header, raw)?;
    let payload = decompress(&header, payload, Bytes::copy_from_slice)?;
    Ok(Some((Segment { header, payload }, used)))
}

/// The payload of a whole segment `raw` once its CRC32 matched.
fn checked_payload<'a>(header: &SegmentHeader, raw: &'a [u8]) -> Result<&'a [u8], FrameError> {
    let start = header.encoded_len() + HEADER_CRC_LEN;
    let end = start.saturating_add(header.payload_len as usize);
    let (Some(payload), Some(crc_bytes)) = (raw.get(start..end), raw.get(end..)) else {
        return Err(DecodeError::Malformed("segment shorter than its header announces").into());
    };
    let mut expected = [0u8; 4];
    if crc_bytes.len() != PAYLOAD_CRC_LEN {
        return Err(DecodeError::Malformed("segment payload crc32 missing").into());
    }
    expected.copy_from_slice(crc_bytes);
    let expected = u32::from_le_bytes(expected);
    let computed = crc::crc32(payload);
    if expected != computed {
        return Err(FrameError::PayloadCrcMismatch { expected, computed });
    }
    Ok(payload)
}

/// The payload decompressed when the header says it is; `keep` turns an uncompressed
/// payload into `Bytes` (copying or slicing).
fn decompress(
    header: &SegmentHeader,
    payload: &[u8],
    keep: impl FnOnce(&[u8]) -> Bytes,
) -> Result<Bytes, FrameError> {
    match header.uncompressed_len {
        Some(len) if len > 0 => Ok(Bytes::from(lz4_decompress(payload, len as usize)?)),
        _ => Ok(keep(payload)),
    }
}

/// The total length (header and body) of the frame starting `frame`, once its 9-byte
/// header is there; checks the body length against `max_body_len`.
fn frame_len(frame: &[u8], max_body_len: usize) -> Result<Option<usize>, FrameError> {
    let Some(len) = frame.get(5..HEADER_LEN) else {
        return Ok(None);
    };
    let mut be = [0u8; 4];
    be.copy_from_slice(len);
    let body = u32::from_be_bytes(be);
    if body as usize > max_body_len {
        return Err(FrameError::BodyTooLarge {
            length: u64::from(body),
            max: max_body_len as u64,
        });
    }
    // Saturating: on 32-bit targets a 4 GiB body must not wrap around.
    Ok(Some(HEADER_LEN.saturating_add(body as usize)))
}

/// Packs whole frames into v5 segments.
///
/// Frames pushed with [`push_frame`](Self::push_frame) are gathered into one
/// self-contained segment until the next one would not fit in [`MAX_PAYLOAD_LEN`];
/// [`flush`](Self::flush) emits what is gathered (call it once the frames ready to send
/// are pushed). A frame larger than one segment is sent on its own across segments that
/// are not self-contained.
#[derive(Debug, Clone)]
pub struct SegmentEncoder {
    compression: Compression,
    max_payload_len: usize,
    pending: Vec<u8>,
}

impl SegmentEncoder {
    /// An encoder for `compression` ([`Compression::None`] or [`Compression::Lz4`]) that
    /// fills segments up to [`MAX_PAYLOAD_LEN`].
    ///
    /// # Errors
    /// [`FrameError::Compression`] for Snappy, or LZ4 in a build without it.
    pub fn new(compression: Compression) -> Result<Self, FrameError> {
        Self::with_max_payload_len(compression, MAX_PAYLOAD_LEN)
    }

    /// Like [`new`](Self::new) with smaller segments: `max_payload_len` is clamped to
    /// `1..=MAX_PAYLOAD_LEN` (lower latency for large frames; handy in tests).
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn with_max_payload_len(
        compression: Compression,
        max_payload_len: usize,
    ) -> Result<Self, FrameError> {
        uses_lz4(compression)?;
        Ok(Self {
            compression,
            max_payload_len: max_payload_len.clamp(1, MAX_PAYLOAD_LEN),
            pending: Vec::new(),
        })
    }

    /// The compression the segments use.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// Bytes of frames gathered and not yet written as a segment.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Adds one whole frame (9-byte header and body, as [`super::write_frame`] writes it),
    /// appending to `out` any segments that became full.
    ///
    /// # Errors
    /// [`DecodeError::InvalidLength`] when `frame` is not exactly one frame (its header's
    /// length must match), and the errors of [`write_segment`].
    pub fn push_frame(&mut self, frame: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
        if frame_len(frame, usize::MAX)? != Some(frame.len()) {
            return Err(DecodeError::InvalidLength {
                what: "frame given to the segment encoder",
                length: frame.len() as i64,
            }
            .into());
        }
        if frame.len() > self.max_payload_len {
            self.flush(out)?;
            for part in frame.chunks(self.max_payload_len) {
                write_segment(out, part, false, self.compression)?;
            }
            return Ok(());
        }
        if self.pending.len() + frame.len() > self.max_payload_len {
            self.flush(out)?;
        }
        self.pending.extend_from_slice(frame);
        Ok(())
    }

    /// Writes the gathered frames, if any, as one self-contained segment.
    ///
    /// # Errors
    /// The errors of [`write_segment`].
    pub fn flush(&mut self, out: &mut Vec<u8>) -> Result<(), FrameError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let result = write_segment(out, &self.pending, true, self.compression);
        self.pending.clear();
        result
    }
}

/// Turns a stream of v5 segments, fed in chunks of any size, back into frames.
///
/// [`feed`](Self::feed) received bytes, then call [`next_frame`](Self::next_frame) until
/// it returns `Ok(None)`. Each frame comes out whole (9-byte header and body, still to be
/// read with [`super::read_frame`]); only its length field is looked at here. Memory held
/// is what was received plus at most one decompressed segment. After an error the stream
/// cannot be trusted: every later call returns the same error.
#[derive(Debug, Clone)]
pub struct SegmentDecoder {
    lz4: bool,
    max_body_len: usize,
    /// Received bytes not yet read as segments.
    input: BytesMut,
    /// What is left of the current self-contained segment's payload.
    current: Bytes,
    /// A frame being reassembled from segments that are not self-contained.
    partial: BytesMut,
    failed: Option<FrameError>,
}

impl SegmentDecoder {
    /// A decoder for `compression` ([`Compression::None`] or [`Compression::Lz4`]) that
    /// refuses frames whose body exceeds `max_body_len` (see
    /// [`super::DEFAULT_MAX_BODY_LEN`]).
    ///
    /// # Errors
    /// [`FrameError::Compression`] for Snappy, or LZ4 in a build without it.
    pub fn new(compression: Compression, max_body_len: usize) -> Result<Self, FrameError> {
        Ok(Self {
            lz4: uses_lz4(compression)?,
            max_body_len,
            input: BytesMut::new(),
            current: Bytes::new(),
            partial: BytesMut::new(),
            failed: None,
        })
    }

    /// Adds received bytes.
    pub fn feed(&mut self, data: &[u8]) {
        if self.failed.is_none() {
            self.input.extend_from_slice(data);
        }
    }

    /// Bytes received that have not come out as frames yet.
    pub fn buffered_len(&self) -> usize {
        self.input.len() + self.current.len() + self.partial.len()
    }

    /// Whether the decoder stopped on an error.
    pub fn has_failed(&self) -> bool {
        self.failed.is_some()
    }

    /// The next whole frame, or `Ok(None)` until more bytes are fed.
    ///
    /// # Errors
    /// [`FrameError::HeaderCrcMismatch`], [`FrameError::PayloadCrcMismatch`],
    /// [`FrameError::Decompression`], [`FrameError::BodyTooLarge`], and
    /// [`FrameError::Decode`] with [`DecodeError::Malformed`] when segments and frames do
    /// not line up (a self-contained segment ending inside a frame, a split frame followed
    /// by extra bytes or interrupted by a self-contained segment).
    pub fn next_frame(&mut self) -> Result<Option<Bytes>, FrameError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = self.advance();
        if let Err(e) = &result {
            self.failed = Some(e.clone());
            self.input = BytesMut::new();
            self.current = Bytes::new();
            self.partial = BytesMut::new();
        }
        result
    }

    fn advance(&mut self) -> Result<Option<Bytes>, FrameError> {
        loop {
            if !self.current.is_empty() {
                let Some(len) = frame_len(&self.current, self.max_body_len)? else {
                    return Err(malformed(
                        "self-contained segment ends inside a frame header",
                    ));
                };
                if len > self.current.len() {
                    return Err(malformed("self-contained segment ends inside a frame"));
                }
                return Ok(Some(self.current.split_to(len)));
            }
            let Some(segment) = self.next_segment()? else {
                return Ok(None);
            };
            if segment.header.self_contained {
                if !self.partial.is_empty() {
                    return Err(malformed(
                        "self-contained segment inside a frame split across segments",
                    ));
                }
                self.current = segment.payload;
                continue;
            }
            self.partial.extend_from_slice(&segment.payload);
            if let Some(len) = frame_len(&self.partial, self.max_body_len)? {
                if self.partial.len() > len {
                    return Err(malformed("segment continues past the end of its frame"));
                }
                if self.partial.len() == len {
                    return Ok(Some(self.partial.split().freeze()));
                }
            }
        }
    }

    /// Takes the next whole segment off the input, checked and decompressed.
    fn next_segment(&mut self) -> Result<Option<Segment>, FrameError> {
        let Some(header) = SegmentHeader::parse(&self.input, self.lz4)? else {
            return Ok(None);
        };
        let len = header.segment_len();
        if self.input.len() < len {
            return Ok(None);
        }
        let raw = self.input.split_to(len).freeze();
        let payload = checked_payload(&header, &raw)?;
        let payload = decompress(&header, payload, |p| raw.slice_ref(p))?;
        Ok(Some(Segment { header, payload }))
    }
}

fn malformed(what: &'static str) -> FrameError {
    DecodeError::Malformed(what).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body_len: usize, fill: u8) -> Vec<u8> {
        let mut f = alloc::vec![0x05, 0, 0, 1, 0x07];
        f.extend_from_slice(&(body_len as u32).to_be_bytes());
        f.resize(HEADER_LEN + body_len, fill);
        f
    }

    fn decode_all(wire: &[u8], compression: Compression) -> Vec<Bytes> {
        let mut d = SegmentDecoder::new(compression, 1 << 20).unwrap();
        d.feed(wire);
        let mut frames = Vec::new();
        while let Some(f) = d.next_frame().unwrap() {
            frames.push(f);
        }
        assert_eq!(d.buffered_len(), 0);
        frames
    }

    #[test]
    fn small_frames_share_one_segment() {
        let mut e = SegmentEncoder::new(Compression::None).unwrap();
        let mut out = Vec::new();
        e.push_frame(&frame(3, 1), &mut out).unwrap();
        e.push_frame(&frame(0, 0), &mut out).unwrap();
        assert!(out.is_empty());
        e.flush(&mut out).unwrap();
        let (seg, used) = read_segment(&out, Compression::None).unwrap().unwrap();
        assert_eq!(used, out.len());
        assert!(seg.header.self_contained);
        assert_eq!(seg.header.payload_len, 21);
        assert_eq!(
            decode_all(&out, Compression::None),
            [frame(3, 1), frame(0, 0)]
        );
    }

    #[test]
    fn large_frames_are_split() {
        for compression in [Compression::None, Compression::Lz4] {
            let big = frame(MAX_PAYLOAD_LEN * 2, 7);
            let mut e = SegmentEncoder::new(compression).unwrap();
            let mut out = Vec::new();
            e.push_frame(&frame(1, 2), &mut out).unwrap();
            e.push_frame(&big, &mut out).unwrap();
            e.push_frame(&frame(1, 3), &mut out).unwrap();
            e.flush(&mut out).unwrap();
            assert_eq!(
                decode_all(&out, compression),
                [frame(1, 2), big.clone(), frame(1, 3)]
            );
        }
    }

    #[test]
    fn corrupt_crcs_are_reported() {
        let mut out = Vec::new();
        write_segment(&mut out, &frame(2, 9), true, Compression::None).unwrap();
        let mut bad = out.clone();
        bad[3] ^= 1;
        assert!(matches!(
            read_segment(&bad, Compression::None),
            Err(FrameError::HeaderCrcMismatch { .. })
        ));
        let mut bad = out.clone();
        bad[8] ^= 1;
        let mut d = SegmentDecoder::new(Compression::None, 100).unwrap();
        d.feed(&bad);
        assert!(matches!(
            d.next_frame(),
            Err(FrameError::PayloadCrcMismatch { .. })
        ));
        assert!(d.has_failed());
        assert!(d.next_frame().is_err());
    }

    #[test]
    fn frames_above_the_maximum_are_refused() {
        let mut out = Vec::new();
        write_segment(&mut out, &frame(50, 9), true, Compression::None).unwrap();
        let mut d = SegmentDecoder::new(Compression::None, 49).unwrap();
        d.feed(&out);
        assert!(matches!(
            d.next_frame(),
            Err(FrameError::BodyTooLarge {
                length: 50,
                max: 49
            })
        ));
    }

    fn first_error(wire: &[u8]) -> FrameError {
        let mut d = SegmentDecoder::new(Compression::None, 1 << 20).unwrap();
        d.feed(wire);
        loop {
            match d.next_frame() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("no error"),
                Err(e) => return e,
            }
        }
    }

    #[test]
    fn misaligned_frames_are_malformed() {
        let f = frame(4, 1);
        // A self-contained segment ending inside a frame.
        let mut wire = Vec::new();
        write_segment(&mut wire, &f[..f.len() - 1], true, Compression::None).unwrap();
        assert!(matches!(
            first_error(&wire),
            FrameError::Decode(DecodeError::Malformed(_))
        ));
        // A split frame interrupted by a self-contained segment.
        let mut wire = Vec::new();
        write_segment(&mut wire, &f[..5], false, Compression::None).unwrap();
        write_segment(&mut wire, &f, true, Compression::None).unwrap();
        assert!(matches!(
            first_error(&wire),
            FrameError::Decode(DecodeError::Malformed(_))
        ));
        // A split frame followed by extra bytes in its last segment.
        let mut wire = Vec::new();
        let mut long = f.clone();
        long.push(0);
        write_segment(&mut wire, &long, false, Compression::None).unwrap();
        assert!(matches!(
            first_error(&wire),
            FrameError::Decode(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn lz4_header_layout() {
        let h = SegmentHeader {
            payload_len: 138,
            uncompressed_len: Some(152),
            self_contained: true,
        };
        assert_eq!(h.to_bits(), 17_199_792_266);
        let mut out = Vec::new();
        h.write(&mut out).unwrap();
        assert_eq!(SegmentHeader::parse(&out, true).unwrap(), Some(h));
        assert_eq!(SegmentHeader::parse(&out[..7], true).unwrap(), None);
    }

    #[test]
    fn snappy_is_refused() {
        assert!(SegmentEncoder::new(Compression::Snappy).is_err());
        assert!(SegmentDecoder::new(Compression::Snappy, 10).is_err());
    }
}
