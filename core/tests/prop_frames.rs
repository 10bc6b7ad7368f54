//! Property tests of the frame layer: v5 segments round-trip whatever the frame sizes and
//! however the stream is chunked; frame headers and (compressed) frames round-trip; and
//! arbitrary bytes fed to any decoder give an error or a value, never a panic.

#![cfg(all(feature = "lz4", feature = "snappy"))]

use cql_core::frame::segment::{
    MAX_PAYLOAD_LEN, SegmentDecoder, SegmentEncoder, read_segment, write_segment,
};
use cql_core::frame::{
    Compression, DEFAULT_MAX_BODY_LEN, Direction, FrameFlags, FrameHeader, HEADER_LEN, Opcode,
    ProtocolVersion, read_frame, write_frame,
};
use proptest::prelude::*;

const OPCODES: [Opcode; 16] = [
    Opcode::Error,
    Opcode::Startup,
    Opcode::Ready,
    Opcode::Authenticate,
    Opcode::Options,
    Opcode::Supported,
    Opcode::Query,
    Opcode::Result,
    Opcode::Prepare,
    Opcode::Execute,
    Opcode::Register,
    Opcode::Event,
    Opcode::Batch,
    Opcode::AuthChallenge,
    Opcode::AuthResponse,
    Opcode::AuthSuccess,
];

/// A body of `len` bytes: compressible runs or noise, depending on `seed`.
fn body(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let noisy = seed % 3 == 0;
    (0..len)
        .map(|i| {
            if noisy {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            } else {
                (i / 16) as u8 ^ seed as u8
            }
        })
        .collect()
}

/// A complete v5 frame with a body of `len` bytes.
fn frame(stream: i16, len: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    write_frame(
        &mut out,
        ProtocolVersion::V5,
        Direction::Request,
        FrameFlags::default(),
        stream,
        Opcode::Query,
        &body(len, seed),
        Compression::None,
    )
    .unwrap();
    out
}

fn segment_compression() -> impl Strategy<Value = Compression> {
    prop_oneof![Just(Compression::None), Just(Compression::Lz4)]
}

fn any_compression() -> impl Strategy<Value = Compression> {
    prop_oneof![
        Just(Compression::None),
        Just(Compression::Lz4),
        Just(Compression::Snappy)
    ]
}

/// Body sizes: mostly small, sometimes around or above one segment.
fn body_len() -> impl Strategy<Value = usize> {
    prop_oneof![
        8 => 0usize..300,
        2 => 300usize..20_000,
        1 => (MAX_PAYLOAD_LEN - HEADER_LEN - 2)..(MAX_PAYLOAD_LEN - HEADER_LEN + 2),
        1 => MAX_PAYLOAD_LEN..(3 * MAX_PAYLOAD_LEN),
    ]
}

/// Feeds `wire` in chunks of the given sizes (cycled) and collects every frame.
fn decode_chunked(
    wire: &[u8],
    compression: Compression,
    chunks: &[usize],
) -> Result<Vec<Vec<u8>>, cql_core::frame::FrameError> {
    let mut d = SegmentDecoder::new(compression, DEFAULT_MAX_BODY_LEN)?;
    let mut frames = Vec::new();
    let mut rest = wire;
    let mut sizes = chunks.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().unwrap()).min(rest.len());
        let (part, tail) = rest.split_at(n);
        rest = tail;
        d.feed(part);
        while let Some(f) = d.next_frame()? {
            frames.push(f.to_vec());
        }
    }
    assert_eq!(d.buffered_len(), 0, "bytes left in the decoder");
    Ok(frames)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn segments_round_trip(
        compression in segment_compression(),
        sizes in prop::collection::vec((body_len(), any::<u64>()), 0..6),
        flush_after in prop::collection::vec(any::<bool>(), 6),
        max_payload in prop_oneof![Just(MAX_PAYLOAD_LEN), 1usize..2000],
        chunks in prop::collection::vec(prop_oneof![1usize..16, 16usize..70_000], 1..8),
    ) {
        let frames: Vec<Vec<u8>> = sizes
            .iter()
            .enumerate()
            .map(|(i, &(len, seed))| frame(i as i16, len, seed))
            .collect();
        let mut enc = SegmentEncoder::with_max_payload_len(compression, max_payload).unwrap();
        let mut wire = Vec::new();
        for (f, flush) in frames.iter().zip(&flush_after) {
            enc.push_frame(f, &mut wire).unwrap();
            if *flush {
                enc.flush(&mut wire).unwrap();
            }
        }
        enc.flush(&mut wire).unwrap();
        prop_assert_eq!(enc.pending_len(), 0);
        prop_assert_eq!(decode_chunked(&wire, compression, &chunks).unwrap(), frames);
    }

    #[test]
    fn frame_headers_round_trip(
        version in prop_oneof![Just(ProtocolVersion::V3), Just(ProtocolVersion::V4), Just(ProtocolVersion::V5)],
        response in any::<bool>(),
        flags in any::<u8>(),
        stream in any::<i16>(),
        opcode in prop::sample::select(&OPCODES[..]),
        length in any::<u32>(),
    ) {
        let h = FrameHeader {
            version,
            direction: if response { Direction::Response } else { Direction::Request },
            flags: FrameFlags(flags),
            stream,
            opcode,
            length,
        };
        let mut out = Vec::new();
        h.write(&mut out);
        prop_assert_eq!(out.len(), HEADER_LEN);
        prop_assert_eq!(FrameHeader::parse(&out).unwrap(), h);
    }

    #[test]
    fn frames_round_trip_with_compression(
        compression in any_compression(),
        len in prop_oneof![0usize..64, 64usize..5000],
        seed in any::<u64>(),
        stream in any::<i16>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let body = body(len, seed);
        let mut out = Vec::new();
        write_frame(
            &mut out,
            ProtocolVersion::V4,
            Direction::Response,
            FrameFlags(FrameFlags::WARNING),
            stream,
            Opcode::Result,
            &body,
            compression,
        )
        .unwrap();
        let (frame, used) = read_frame(&out, DEFAULT_MAX_BODY_LEN, compression).unwrap().unwrap();
        prop_assert_eq!(used, out.len());
        prop_assert_eq!(&frame.body[..], &body[..]);
        prop_assert_eq!(frame.header.stream, stream);
        prop_assert_eq!(
            frame.header.flags.contains(FrameFlags::COMPRESSION),
            compression != Compression::None && !body.is_empty()
        );
        // Any strict prefix asks for more.
        let short = cut.index(out.len());
        prop_assert_eq!(read_frame(&out[..short], DEFAULT_MAX_BODY_LEN, compression).unwrap(), None);
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        data in prop::collection::vec(any::<u8>(), 0..600),
        chunk in 1usize..64,
        max in prop_oneof![Just(DEFAULT_MAX_BODY_LEN), 0usize..200],
    ) {
        let _ = FrameHeader::parse(&data);
        for compression in [Compression::None, Compression::Lz4, Compression::Snappy] {
            let _ = read_frame(&data, max, compression);
            let _ = compression.decompress_body(&data, max);
            let _ = read_segment(&data, compression);
        }
        if let Some((&len, block)) = data.split_first() {
            let _ = cql_core::frame::compression::lz4_decompress_block(block, usize::from(len) * 64, max);
        }
        for compression in [Compression::None, Compression::Lz4] {
            let mut d = SegmentDecoder::new(compression, max).unwrap();
            for part in data.chunks(chunk) {
                d.feed(part);
                while let Ok(Some(_)) = d.next_frame() {}
            }
        }
    }

    /// Segments with valid CRCs but arbitrary payloads and flags reach the frame
    /// splitting and reassembly logic, which must fail cleanly.
    #[test]
    fn well_checksummed_garbage_never_panics(
        compression in segment_compression(),
        segments in prop::collection::vec(
            (prop::collection::vec(any::<u8>(), 0..300), any::<bool>()),
            1..6,
        ),
        chunk in 1usize..100,
        max in prop_oneof![Just(DEFAULT_MAX_BODY_LEN), 0usize..200],
    ) {
        let mut wire = Vec::new();
        for (payload, self_contained) in &segments {
            write_segment(&mut wire, payload, *self_contained, compression).unwrap();
        }
        let mut d = SegmentDecoder::new(compression, max).unwrap();
        let mut fed = 0;
        for part in wire.chunks(chunk) {
            d.feed(part);
            fed += part.len();
            // Held: what was received, one decompressed segment, a frame within the limit.
            let reassembly = (HEADER_LEN + max).min(fed * 256);
            prop_assert!(d.buffered_len() <= fed + MAX_PAYLOAD_LEN + reassembly);
            loop {
                match d.next_frame() {
                    Ok(Some(f)) => prop_assert!(f.len() >= HEADER_LEN),
                    Ok(None) => break,
                    Err(_) => {
                        prop_assert!(d.has_failed());
                        break;
                    }
                }
            }
        }
    }
}
