//! Arbitrary bytes as a v3/v4/v5 frame: header parsing and body extraction with every
//! compression, under a small body limit.
#![no_main]

use cql_core::frame::{Compression, FrameHeader, read_frame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = FrameHeader::parse(data);
    for compression in [Compression::None, Compression::Lz4, Compression::Snappy] {
        let _ = read_frame(data, 64 * 1024, compression);
    }
});
