//! Arbitrary bytes as compressed bodies and raw LZ4 blocks: decompression must fail
//! cleanly and never allocate beyond the limit it is given.
#![no_main]

use cql_core::frame::Compression;
use cql_core::frame::compression::lz4_decompress_block;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Compression::Lz4.decompress_body(data, 64 * 1024);
    let _ = Compression::Snappy.decompress_body(data, 64 * 1024);
    if let [a, b, rest @ ..] = data {
        let announced = usize::from(u16::from_be_bytes([*a, *b]));
        let _ = lz4_decompress_block(rest, announced, 64 * 1024);
    }
});
