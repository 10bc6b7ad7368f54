//! Golden vectors of body compression (compression.json): LZ4 in the v4 frame-body form
//! and as a raw block (the v5 segment payload form), and Snappy. Every compressed field
//! must decompress to `uncompressed`; our own compressor's output must round-trip, and
//! whether it equals the C libraries' bytes is reported (not required).

#![cfg(all(feature = "lz4", feature = "snappy"))]

mod common;

use common::{load, unhex};
use cql_core::frame::Compression;
use cql_core::frame::compression::{lz4_compress_block, lz4_decompress_block};

const MAX: usize = 1 << 20;

#[test]
fn compression_vectors() {
    let file = load("compression.json");
    let vectors = file["vectors"].as_array().unwrap();
    let fields_total = file["counts"]["compressed_fields"].as_u64().unwrap() as usize;
    assert_eq!(
        vectors.len() as u64,
        file["counts"]["bodies"].as_u64().unwrap()
    );
    let mut checked = 0;
    let skipped = 0;
    let mut equal = Vec::new();
    let mut different = Vec::new();
    for v in vectors {
        let id = v["id"].as_str().unwrap();
        let plain = unhex(&v["uncompressed"]);
        assert_eq!(
            plain.len() as u64,
            v["uncompressed_length"].as_u64().unwrap(),
            "{id}"
        );

        let v4 = unhex(&v["lz4_v4_frame_body"]);
        assert_eq!(
            Compression::Lz4.decompress_body(&v4, MAX).unwrap(),
            plain,
            "{id}: lz4 v4 body"
        );
        checked += 1;

        let raw = unhex(&v["lz4_raw_block"]);
        assert_eq!(
            lz4_decompress_block(&raw, plain.len(), MAX).unwrap(),
            plain,
            "{id}: lz4 block"
        );
        assert_eq!(&v4[4..], &raw[..], "{id}: v4 body = length + raw block");
        checked += 1;

        let snappy = unhex(&v["snappy"]);
        assert_eq!(
            Compression::Snappy.decompress_body(&snappy, MAX).unwrap(),
            plain,
            "{id}: snappy"
        );
        checked += 1;

        // Our compressors: round trip, and note byte equality with theirs.
        for (name, algo, theirs) in [
            ("lz4", Compression::Lz4, &v4),
            ("snappy", Compression::Snappy, &snappy),
        ] {
            let mut ours = Vec::new();
            algo.compress_body(&plain, &mut ours).unwrap();
            assert_eq!(
                algo.decompress_body(&ours, MAX).unwrap(),
                plain,
                "{id}: our {name}"
            );
            if &ours == theirs {
                equal.push(format!("{id}/{name}"));
            } else {
                different.push(format!("{id}/{name}"));
            }
        }
        let mut block = Vec::new();
        lz4_compress_block(&plain, &mut block);
        assert_eq!(
            lz4_decompress_block(&block, plain.len(), MAX).unwrap(),
            plain,
            "{id}"
        );
        assert_eq!(block == raw, equal.contains(&format!("{id}/lz4")), "{id}");
    }
    eprintln!(
        "our compressed bytes equal the driver's for {equal:?}; differ (still valid) for {different:?}"
    );
    assert_eq!(checked + skipped, fields_total);
}

#[test]
fn lying_lengths_are_refused() {
    // An LZ4 v4 body announcing far more than its block can hold must fail before allocating.
    let body = [0x7f, 0xff, 0xff, 0xff, 0x10, 0x00];
    assert!(Compression::Lz4.decompress_body(&body, usize::MAX).is_err());
    assert!(lz4_decompress_block(&[0x10, 0x00], 1 << 30, usize::MAX).is_err());
    assert!(
        Compression::Snappy
            .decompress_body(&[0xff, 0xff, 0xff, 0xff, 0x0f], MAX)
            .is_err()
    );
}
