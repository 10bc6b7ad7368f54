//! The two checksums of protocol v5 segment framing, written by hand so the crate needs
//! no dependency for them:
//!
//! * [`crc24`] guards the 3- or 5-byte segment header (init `0x875060`, polynomial
//!   `0x1974F0B`, bytes fed low byte first, not reflected), as Cassandra's `Crc.java`.
//! * [`crc32`] guards the segment payload: the usual IEEE/zlib CRC32, except that
//!   Cassandra first feeds it the four bytes `FA 2D 55 CA`, so the CRC of an empty payload
//!   is `0x4477_F9D3` rather than 0.
//!
//! Both are table-driven with tables built at compile time.

/// Initial value of the header CRC24.
pub const CRC24_INIT: u32 = 0x0087_5060;
/// Generator polynomial of the header CRC24 (with its x^24 term).
pub const CRC24_POLY: u32 = 0x0197_4F0B;
/// Bytes Cassandra feeds the payload CRC32 before the payload itself.
pub const CRC32_SEED_BYTES: [u8; 4] = [0xFA, 0x2D, 0x55, 0xCA];

const CRC24_TABLE: [u32; 256] = crc24_table();
const CRC32_TABLE: [u32; 256] = crc32_table();

// Evaluated at compile time only: an out-of-range index would fail the build.
#[allow(clippy::indexing_slicing)]
const fn crc24_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u32) << 16;
        let mut bit = 0;
        while bit < 8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= CRC24_POLY;
            }
            bit += 1;
        }
        table[i] = crc & 0x00FF_FFFF;
        i += 1;
    }
    table
}

// Evaluated at compile time only: an out-of-range index would fail the build.
#[allow(clippy::indexing_slicing)]
const fn crc32_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
}

/// A table entry; a `u8` index always fits, so the fallback is never taken (and is
/// optimised away).
#[inline(always)]
fn entry(table: &[u32; 256], index: u8) -> u32 {
    table.get(usize::from(index)).copied().unwrap_or(0)
}

/// The CRC24 of a segment header's bytes (the 3 or 5 little-endian header bytes, without
/// the CRC itself). The result fits in 24 bits and is written little-endian after the header.
pub fn crc24(bytes: &[u8]) -> u32 {
    let mut crc = CRC24_INIT;
    for &b in bytes {
        let index = (((crc >> 16) ^ u32::from(b)) & 0xFF) as u8;
        crc = ((crc << 8) ^ entry(&CRC24_TABLE, index)) & 0x00FF_FFFF;
    }
    crc
}

/// An incremental CRC32 in Cassandra's seeded form; feed it with [`Crc32::update`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crc32 {
    /// The running register, pre-inverted as zlib keeps it.
    state: u32,
}

impl Crc32 {
    /// A CRC32 that has already consumed Cassandra's four seed bytes.
    pub fn new() -> Self {
        let mut crc = Self { state: !0 };
        crc.update(&CRC32_SEED_BYTES);
        crc
    }

    /// Feeds more bytes.
    pub fn update(&mut self, data: &[u8]) {
        let mut crc = self.state;
        for &b in data {
            let index = ((crc ^ u32::from(b)) & 0xFF) as u8;
            crc = (crc >> 8) ^ entry(&CRC32_TABLE, index);
        }
        self.state = crc;
    }

    /// The CRC of everything fed so far (the value written little-endian after a payload).
    pub fn finish(self) -> u32 {
        !self.state
    }
}

impl Default for Crc32 {
    fn default() -> Self {
        Self::new()
    }
}

/// The CRC32 of a segment payload, in Cassandra's seeded form.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = Crc32::new();
    crc.update(data);
    crc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc24_of_a_zero_header() {
        assert_eq!(crc24(&[0, 0, 0]), 8_251_255);
    }

    #[test]
    fn crc32_of_nothing_is_the_seed_crc() {
        assert_eq!(crc32(&[]), 1_148_681_939);
        assert_eq!(crc32(b"hello"), 3_054_403_700);
    }

    #[test]
    fn crc32_is_incremental() {
        let mut c = Crc32::new();
        c.update(b"hel");
        c.update(b"lo");
        assert_eq!(c.finish(), crc32(b"hello"));
    }
}
