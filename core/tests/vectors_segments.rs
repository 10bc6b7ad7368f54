//! Golden vectors of protocol v5 segment framing (frames.json `v5_segments` and
//! `v5_crc_examples`), produced by the Python driver's `SegmentCodec`.

#![cfg(feature = "lz4")]

mod common;

use common::{load, unhex};
use cql_core::frame::crc::{crc24, crc32};
use cql_core::frame::segment::{
    SegmentDecoder, SegmentEncoder, SegmentHeader, read_segment, write_segment,
};
use cql_core::frame::{Compression, DEFAULT_MAX_BODY_LEN};
use serde_json::Value;

/// Segments whose payload LZ4 did compress: the C library the Python driver uses and
/// `lz4_flex` may emit different (equally valid) blocks, so for these byte equality of
/// our encoding is recorded, not required; decoding theirs and round-tripping ours is.
fn lz4_compressed(seg: &Value) -> bool {
    seg["uncompressed_length"].as_u64().is_some_and(|n| n > 0)
}

fn compression_of(v: &Value) -> Compression {
    match v["compression"].as_str().unwrap() {
        "none" => Compression::None,
        "lz4" => Compression::Lz4,
        other => panic!("unknown compression {other}"),
    }
}

fn hex_u32(v: &Value) -> u32 {
    u32::from_str_radix(v.as_str().unwrap(), 16).unwrap()
}

/// Decodes a whole stream with a decoder fed `chunk` bytes at a time.
fn decode_stream(wire: &[u8], compression: Compression, chunk: usize) -> Vec<Vec<u8>> {
    let mut d = SegmentDecoder::new(compression, DEFAULT_MAX_BODY_LEN).unwrap();
    let mut frames = Vec::new();
    for part in wire.chunks(chunk) {
        d.feed(part);
        while let Some(f) = d.next_frame().unwrap() {
            frames.push(f.to_vec());
        }
    }
    assert_eq!(d.buffered_len(), 0);
    frames
}

/// Checks one `v5_segments` entry; returns whether every segment of ours was byte-equal
/// to the driver's (false only for LZ4-compressed payloads, see [`lz4_compressed`]).
fn check_segment_vector(v: &Value) -> bool {
    let id = v["id"].as_str().unwrap();
    let compression = compression_of(v);
    let lz4 = compression == Compression::Lz4;
    let frame = unhex(&v["frame"]);
    let mut all_equal = true;

    // Every segment: header fields, CRCs, payload, and our own encoding of the same chunk.
    let mut reassembled = Vec::new();
    let mut theirs = Vec::new();
    for seg in v["segments"].as_array().unwrap() {
        let bytes = unhex(&seg["segment"]);
        theirs.extend_from_slice(&bytes);
        let header = SegmentHeader::parse(&bytes, lz4).unwrap().unwrap();
        assert_eq!(
            u64::from(header.payload_len),
            seg["payload_length"].as_u64().unwrap(),
            "{id}"
        );
        assert_eq!(
            header.uncompressed_len.map(u64::from),
            seg["uncompressed_length"].as_u64(),
            "{id}"
        );
        assert_eq!(
            header.self_contained,
            seg["self_contained"].as_bool().unwrap(),
            "{id}"
        );
        assert_eq!(
            header.to_bits(),
            seg["header_le_int"].as_u64().unwrap(),
            "{id}"
        );
        let hlen = header.encoded_len();
        assert_eq!(crc24(&bytes[..hlen]), hex_u32(&seg["header_crc24"]), "{id}");
        let payload_end = hlen + 3 + header.payload_len as usize;
        assert_eq!(
            crc32(&bytes[hlen + 3..payload_end]),
            hex_u32(&seg["payload_crc32"]),
            "{id}"
        );

        let (decoded, used) = read_segment(&bytes, compression).unwrap().unwrap();
        assert_eq!(used, bytes.len(), "{id}");
        assert_eq!(decoded.header, header, "{id}");

        let mut ours = Vec::new();
        write_segment(
            &mut ours,
            &decoded.payload,
            header.self_contained,
            compression,
        )
        .unwrap();
        if ours != bytes {
            assert!(lz4_compressed(seg), "{id}: our segment differs");
            all_equal = false;
            // Ours must still be valid and carry the same payload.
            let (back, _) = read_segment(&ours, compression).unwrap().unwrap();
            assert_eq!(back.payload, decoded.payload, "{id}");
        }
        reassembled.extend_from_slice(&decoded.payload);
    }
    assert_eq!(
        reassembled, frame,
        "{id}: payloads do not rebuild the frame"
    );

    // The whole stream, from the coalescing encoder.
    let mut ours = Vec::new();
    let mut enc = SegmentEncoder::new(compression).unwrap();
    enc.push_frame(&frame, &mut ours).unwrap();
    enc.flush(&mut ours).unwrap();
    if all_equal {
        assert_eq!(ours, theirs, "{id}: encoder stream");
    }
    if let Some(wire) = v["wire"].as_str() {
        assert_eq!(hex::decode(wire).unwrap(), theirs, "{id}: wire");
    } else {
        assert!(v["segments"].as_array().unwrap().len() > 1, "{id}");
    }

    // The decoder gives the frame back, from any chunking, from theirs and ours.
    for chunk in [1, 7, 4096, usize::MAX] {
        assert_eq!(
            decode_stream(&theirs, compression, chunk),
            std::slice::from_ref(&frame),
            "{id}"
        );
    }
    assert_eq!(
        decode_stream(&ours, compression, 1000),
        std::slice::from_ref(&frame),
        "{id}"
    );
    all_equal
}

#[test]
fn v5_segment_vectors() {
    let file = load("frames.json");
    let vectors = file["v5_segments"].as_array().unwrap();
    let total = vectors.len();
    assert_eq!(
        total as u64,
        file["counts"]["v5_segments"].as_u64().unwrap()
    );
    let skipped = 0;
    let mut checked = 0;
    let mut byte_equal = Vec::new();
    let mut lz4_differs = Vec::new();
    for v in vectors {
        if check_segment_vector(v) {
            byte_equal.push(v["id"].as_str().unwrap());
        } else {
            lz4_differs.push(v["id"].as_str().unwrap());
        }
        checked += 1;
    }
    eprintln!(
        "v5 segments: {} byte-equal, {} with a different but valid lz4 block: {lz4_differs:?}",
        byte_equal.len(),
        lz4_differs.len()
    );
    assert_eq!(checked + skipped, total);
}

#[test]
fn v5_crc_examples() {
    let file = load("frames.json");
    let ex = &file["v5_crc_examples"];
    let mut checked = 0;
    let skipped = 0;
    let crc24s = ex["crc24"].as_array().unwrap();
    for c in crc24s {
        let value = c["value_le_int"].as_u64().unwrap();
        let len = c["length_bytes"].as_u64().unwrap() as usize;
        let bytes = value.to_le_bytes();
        assert_eq!(
            u64::from(crc24(&bytes[..len])),
            c["crc24"].as_u64().unwrap(),
            "crc24 of {value} over {len} bytes"
        );
        checked += 1;
    }
    let crc32s = ex["crc32"].as_array().unwrap();
    for c in crc32s {
        assert_eq!(
            u64::from(crc32(&unhex(&c["data"]))),
            c["crc32"].as_u64().unwrap(),
            "crc32 of {}",
            c["data"]
        );
        checked += 1;
    }
    assert_eq!(checked + skipped, crc24s.len() + crc32s.len());
}
