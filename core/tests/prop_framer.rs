//! Property tests of `frame::Framer`: frames written in any framing, switched after any
//! number of handshake frames and fed back in chunks of any size, come out identical;
//! arbitrary bytes give frames or an error, never a panic, and are not held beyond what
//! was received.

#![cfg(all(feature = "lz4", feature = "snappy"))]

use cql_core::frame::segment::{MAX_PAYLOAD_LEN, write_segment};
use cql_core::frame::{
    Compression, Direction, Frame, FrameFlags, FrameHeader, Framer, Framing, HEADER_LEN, Opcode,
    ProtocolVersion, write_frame,
};
use proptest::prelude::*;

const OPCODES: [Opcode; 6] = [
    Opcode::Ready,
    Opcode::Query,
    Opcode::Result,
    Opcode::Execute,
    Opcode::Event,
    Opcode::Error,
];

/// The framings negotiated after STARTUP, as (version, compression).
fn negotiated() -> impl Strategy<Value = (ProtocolVersion, Compression)> {
    prop_oneof![
        Just((ProtocolVersion::V3, Compression::Snappy)),
        Just((ProtocolVersion::V4, Compression::None)),
        Just((ProtocolVersion::V4, Compression::Lz4)),
        Just((ProtocolVersion::V4, Compression::Snappy)),
        Just((ProtocolVersion::V5, Compression::None)),
        Just((ProtocolVersion::V5, Compression::Lz4)),
    ]
}

/// Body sizes: mostly small, sometimes around the copy threshold, one segment or more.
fn body_len() -> impl Strategy<Value = usize> {
    prop_oneof![
        8 => 0usize..300,
        2 => 1900usize..2200,
        1 => 300usize..20_000,
        1 => (MAX_PAYLOAD_LEN - HEADER_LEN - 2)..(MAX_PAYLOAD_LEN - HEADER_LEN + 2),
        1 => MAX_PAYLOAD_LEN..(2 * MAX_PAYLOAD_LEN + 100),
    ]
}

/// A frame to send: stream, opcode, header flags (never COMPRESSION: the framer sets it),
/// body length and a seed for its bytes.
fn frame_spec() -> impl Strategy<Value = (i16, Opcode, u8, usize, u64)> {
    (
        any::<i16>(),
        prop::sample::select(&OPCODES[..]),
        any::<u8>().prop_map(|f| f & !FrameFlags::COMPRESSION),
        body_len(),
        any::<u64>(),
    )
}

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

/// A header and body as the receiver should see them.
type Sent = (FrameHeader, Vec<u8>);

/// Writes `spec` in `version` through `framer`, returning what was sent.
fn send(
    framer: &mut Framer,
    version: ProtocolVersion,
    (stream, opcode, flags, len, seed): (i16, Opcode, u8, usize, u64),
    wire: &mut Vec<u8>,
) -> Sent {
    let body = body(len, seed);
    let flags = FrameFlags(flags);
    framer
        .write_frame(wire, |buf| {
            write_frame(
                buf,
                version,
                Direction::Response,
                flags,
                stream,
                opcode,
                &body,
                Compression::None,
            )
        })
        .unwrap();
    let header = FrameHeader {
        version,
        direction: Direction::Response,
        flags,
        stream,
        opcode,
        length: len as u32,
    };
    (header, body)
}

/// A received frame in the form of [`Sent`]: the COMPRESSION flag and the length as the
/// wire had them are left out of the comparison.
fn received(frame: &Frame) -> Sent {
    let mut header = frame.header;
    header.flags = header.flags.with(FrameFlags::COMPRESSION, false);
    header.length = frame.body.len() as u32;
    (header, frame.body.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// What a node writes (handshake frames, the switch, then frames in the negotiated
    /// framing) a client reads back identically, switching right after the handshake
    /// frames whatever was already buffered, however the bytes were cut. Without
    /// handshake frames the client switches before reading, as a v3/v4 client does once
    /// it has sent STARTUP.
    #[test]
    fn frames_come_back_identical(
        (version, compression) in negotiated(),
        handshake in prop::collection::vec(frame_spec(), 0..3),
        frames in prop::collection::vec(frame_spec(), 0..6),
        flush_after in prop::collection::vec(any::<bool>(), 6),
        chunks in prop::collection::vec(prop_oneof![1usize..16, 16usize..70_000], 1..8),
    ) {
        let mut node = Framer::new(usize::MAX);
        let mut wire = Vec::new();
        let mut sent = Vec::new();
        for spec in &handshake {
            sent.push(send(&mut node, version, *spec, &mut wire));
        }
        node.start_framing(version, compression).unwrap();
        for (spec, flush) in frames.iter().zip(&flush_after) {
            sent.push(send(&mut node, version, *spec, &mut wire));
            if *flush {
                node.flush(&mut wire).unwrap();
            }
        }
        node.flush(&mut wire).unwrap();
        prop_assert!(!node.has_pending_output());

        let mut client = Framer::new(usize::MAX);
        if handshake.is_empty() {
            client.start_framing(version, compression).unwrap();
        }
        let mut got = Vec::new();
        let mut rest = wire.as_slice();
        let mut sizes = chunks.iter().cycle();
        while !rest.is_empty() {
            let n = (*sizes.next().unwrap()).min(rest.len());
            let (part, tail) = rest.split_at(n);
            rest = tail;
            client.feed(part);
            while let Some(frame) = client.next_frame().unwrap() {
                got.push(received(&frame));
                if got.len() == handshake.len() {
                    client.start_framing(version, compression).unwrap();
                }
            }
        }
        prop_assert_eq!(got, sent);
        prop_assert_eq!(client.buffered_len(), 0);
    }

    /// Arbitrary bytes in any framing: frames or an error, never a panic; the error stays;
    /// whole-frame framing holds no more than it received.
    #[test]
    fn arbitrary_bytes_never_panic(
        data in prop::collection::vec(any::<u8>(), 0..600),
        switch in prop::option::of(negotiated()),
        chunk in 1usize..64,
        max in prop_oneof![Just(usize::MAX), 0usize..200],
    ) {
        let mut framer = Framer::new(max);
        if let Some((version, compression)) = switch {
            framer.start_framing(version, compression).unwrap();
        }
        let segments = matches!(framer.framing(), Framing::Segments(_));
        let mut fed = 0;
        let mut failed = None;
        for part in data.chunks(chunk) {
            framer.feed(part);
            fed += part.len();
            loop {
                match framer.next_frame() {
                    Ok(Some(frame)) => prop_assert!(frame.body.len() <= max),
                    Ok(None) => break,
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            if failed.is_some() {
                break;
            }
            if !segments {
                prop_assert!(framer.buffered_len() <= fed);
            }
        }
        if let Some(e) = failed {
            prop_assert_eq!(framer.next_frame(), Err(e));
            prop_assert_eq!(framer.buffered_len(), 0);
        }
    }

    /// Segments with valid checksums around arbitrary payloads reach the frame reading
    /// behind them, which must fail cleanly.
    #[test]
    fn well_checksummed_garbage_never_panics(
        compression in prop_oneof![Just(Compression::None), Just(Compression::Lz4)],
        segments in prop::collection::vec(
            (prop::collection::vec(any::<u8>(), 0..300), any::<bool>()),
            1..6,
        ),
        chunk in 1usize..100,
        max in prop_oneof![Just(usize::MAX), 0usize..200],
    ) {
        let mut wire = Vec::new();
        for (payload, self_contained) in &segments {
            write_segment(&mut wire, payload, *self_contained, compression).unwrap();
        }
        let mut framer = Framer::new(max);
        framer.start_framing(ProtocolVersion::V5, compression).unwrap();
        for part in wire.chunks(chunk) {
            framer.feed(part);
            while let Ok(Some(frame)) = framer.next_frame() {
                prop_assert!(frame.body.len() <= max);
            }
        }
    }
}
