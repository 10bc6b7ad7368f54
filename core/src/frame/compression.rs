//! Whole-body compression of v3/v4 frames: LZ4 (a 4-byte big-endian uncompressed length,
//! then a raw LZ4 block) and Snappy (a raw Snappy block). v5 compresses segments instead
//! (see [`super::segment`]).

use alloc::vec::Vec;

use super::error::FrameError;

/// A compression algorithm agreed in STARTUP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Compression {
    /// No compression.
    #[default]
    None,
    /// LZ4 (block format).
    Lz4,
    /// Snappy (raw block format), v3/v4 only.
    Snappy,
}

impl Compression {
    /// The name used in STARTUP's COMPRESSION option and SUPPORTED's list.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Self::None => None,
            Self::Lz4 => Some("lz4"),
            Self::Snappy => Some("snappy"),
        }
    }

    /// The algorithm for a STARTUP COMPRESSION option value (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("lz4") {
            Some(Self::Lz4)
        } else if name.eq_ignore_ascii_case("snappy") {
            Some(Self::Snappy)
        } else {
            None
        }
    }

    /// Whether this build can (de)compress with the algorithm.
    pub fn is_available(self) -> bool {
        match self {
            Self::None => true,
            Self::Lz4 => cfg!(feature = "lz4"),
            Self::Snappy => cfg!(feature = "snappy"),
        }
    }

    /// Appends `body` compressed in the v3/v4 frame-body form to `out`.
    ///
    /// # Errors
    /// [`FrameError::Compression`] when the algorithm is not compiled in or fails.
    pub fn compress_body(self, body: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
        match self {
            Self::None => {
                out.extend_from_slice(body);
                Ok(())
            }
            Self::Lz4 => lz4_compress_body(body, out),
            Self::Snappy => snappy_compress(body, out),
        }
    }

    /// Decompresses a v3/v4 frame body, refusing output larger than `max_len`.
    ///
    /// # Errors
    /// [`FrameError::Decompression`] for corrupt input or an announced size above
    /// `max_len`; [`FrameError::Compression`] when the algorithm is not compiled in.
    pub fn decompress_body(self, body: &[u8], max_len: usize) -> Result<Vec<u8>, FrameError> {
        match self {
            Self::None => Ok(body.to_vec()),
            Self::Lz4 => lz4_decompress_body(body, max_len),
            Self::Snappy => snappy_decompress(body, max_len),
        }
    }
}

#[cfg(feature = "lz4")]
fn lz4_compress_body(body: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
    let len = u32::try_from(body.len()).map_err(|_| FrameError::Compression("body too large"))?;
    out.extend_from_slice(&len.to_be_bytes());
    lz4_compress_block(body, out);
    Ok(())
}

#[cfg(not(feature = "lz4"))]
fn lz4_compress_body(_: &[u8], _: &mut Vec<u8>) -> Result<(), FrameError> {
    Err(FrameError::Compression("lz4 support is not compiled in"))
}

#[cfg(feature = "lz4")]
fn lz4_decompress_body(body: &[u8], max_len: usize) -> Result<Vec<u8>, FrameError> {
    let (len, block) = match body {
        [a, b, c, d, rest @ ..] => (u32::from_be_bytes([*a, *b, *c, *d]) as usize, rest),
        _ => {
            return Err(FrameError::Decompression(
                "lz4 body shorter than its length prefix",
            ));
        }
    };
    lz4_decompress_block(block, len, max_len)
}

#[cfg(not(feature = "lz4"))]
fn lz4_decompress_body(_: &[u8], _: usize) -> Result<Vec<u8>, FrameError> {
    Err(FrameError::Compression("lz4 support is not compiled in"))
}

/// Appends `input` compressed as one raw LZ4 block (no length prefix) to `out`.
#[cfg(feature = "lz4")]
pub fn lz4_compress_block(input: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(
        start + lz4_flex::block::get_maximum_output_size(input.len()),
        0,
    );
    // The buffer was sized with the crate's own bound, so this cannot run out of room;
    // should it ever fail, fall back to an empty block rather than panic.
    let written = lz4_flex::block::compress_into(input, out.get_mut(start..).unwrap_or_default())
        .unwrap_or(0);
    out.truncate(start + written);
}

/// Decompresses one raw LZ4 block that must expand to exactly `len` bytes (at most `max_len`).
///
/// # Errors
/// [`FrameError::Decompression`] when the block is corrupt, expands to another size, or
/// `len` exceeds `max_len`.
#[cfg(feature = "lz4")]
pub fn lz4_decompress_block(
    block: &[u8],
    len: usize,
    max_len: usize,
) -> Result<Vec<u8>, FrameError> {
    if len > max_len {
        return Err(FrameError::Decompression(
            "lz4 uncompressed length above the maximum",
        ));
    }
    // LZ4's best ratio is about 255:1, so a larger claim is a lie; refuse it before allocating.
    if len > block.len().saturating_mul(255).saturating_add(16) {
        return Err(FrameError::Decompression(
            "lz4 uncompressed length impossible for its input",
        ));
    }
    let mut out = alloc::vec![0u8; len];
    match lz4_flex::block::decompress_into(block, &mut out) {
        Ok(n) if n == len => Ok(out),
        Ok(_) => Err(FrameError::Decompression(
            "lz4 block shorter than announced",
        )),
        Err(_) => Err(FrameError::Decompression("corrupt lz4 block")),
    }
}

#[cfg(feature = "snappy")]
fn snappy_compress(body: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
    let start = out.len();
    out.resize(start + snap::raw::max_compress_len(body.len()), 0);
    let n = snap::raw::Encoder::new()
        .compress(body, out.get_mut(start..).unwrap_or_default())
        .map_err(|_| FrameError::Compression("snappy compression failed"))?;
    out.truncate(start + n);
    Ok(())
}

#[cfg(not(feature = "snappy"))]
fn snappy_compress(_: &[u8], _: &mut Vec<u8>) -> Result<(), FrameError> {
    Err(FrameError::Compression("snappy support is not compiled in"))
}

#[cfg(feature = "snappy")]
fn snappy_decompress(body: &[u8], max_len: usize) -> Result<Vec<u8>, FrameError> {
    let len = snap::raw::decompress_len(body)
        .map_err(|_| FrameError::Decompression("corrupt snappy header"))?;
    if len > max_len || len > body.len().saturating_mul(64).saturating_add(64) {
        return Err(FrameError::Decompression(
            "snappy uncompressed length above the maximum",
        ));
    }
    snap::raw::Decoder::new()
        .decompress_vec(body)
        .map_err(|_| FrameError::Decompression("corrupt snappy block"))
}

#[cfg(not(feature = "snappy"))]
fn snappy_decompress(_: &[u8], _: usize) -> Result<Vec<u8>, FrameError> {
    Err(FrameError::Compression("snappy support is not compiled in"))
}
