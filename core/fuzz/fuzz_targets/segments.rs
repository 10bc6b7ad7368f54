//! Arbitrary bytes, fed in arbitrary chunks, into the v5 `SegmentDecoder`: it must fail
//! cleanly (never panic) and hold no more than it received, one decompressed segment
//! and a frame bounded by the body limit.
//!
//! Byte 0 picks the compression (bit 0), whether the rest is sent as is or first wrapped
//! into segments with valid CRCs (bit 1, so frame splitting and reassembly get fuzzed
//! past the checksums) and a small body limit (bit 2). Byte 1 seeds the chunk sizes.
#![no_main]

use cql_core::frame::segment::{MAX_PAYLOAD_LEN, SegmentDecoder, write_segment};
use cql_core::frame::{Compression, DEFAULT_MAX_BODY_LEN, HEADER_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [mode, seed, rest @ ..] = data else {
        return;
    };
    let compression = if mode & 1 == 0 {
        Compression::None
    } else {
        Compression::Lz4
    };
    let max = if mode & 4 == 0 {
        DEFAULT_MAX_BODY_LEN
    } else {
        256
    };
    let mut wire = Vec::new();
    if mode & 2 == 0 {
        wire.extend_from_slice(rest);
    } else {
        // Each piece: a length byte, a self-contained flag bit, then the payload.
        let mut input = rest;
        while let [len, more @ ..] = input {
            let n = usize::from(len >> 1).min(more.len());
            let (payload, tail) = more.split_at(n);
            let _ = write_segment(&mut wire, payload, len & 1 == 1, compression);
            input = tail;
        }
    }
    let Ok(mut decoder) = SegmentDecoder::new(compression, max) else {
        return;
    };
    let mut fed = 0usize;
    let mut step = usize::from(*seed) + 1;
    let mut input = wire.as_slice();
    while !input.is_empty() {
        let n = step.min(input.len());
        let (part, tail) = input.split_at(n);
        input = tail;
        fed += n;
        decoder.feed(part);
        while let Ok(Some(_)) = decoder.next_frame() {}
        // Received bytes, one decompressed segment, and a frame being reassembled that is
        // bounded by the body limit (and by LZ4's best ratio of the bytes received).
        let reassembly = (HEADER_LEN + max).min(fed.saturating_mul(256));
        assert!(decoder.buffered_len() <= fed + MAX_PAYLOAD_LEN + reassembly);
        step = (step * 7 + 3) % 257 + 1;
    }
});
