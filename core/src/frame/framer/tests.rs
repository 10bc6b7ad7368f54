//! Unit tests of the framer: round trips in every framing, arbitrary feed boundaries, the
//! switch with bytes buffered, and every malformed input.

use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::frame::segment::{MAX_PAYLOAD_LEN, write_segment};
use crate::frame::{Direction, Opcode, write_frame};

const MAX: usize = 1 << 20;

/// A whole frame, body uncompressed.
fn frame(version: ProtocolVersion, stream: i16, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_frame(
        &mut out,
        version,
        Direction::Response,
        FrameFlags::default(),
        stream,
        Opcode::Result,
        body,
        Compression::None,
    )
    .unwrap();
    out
}

/// A body of `len` bytes that compresses somewhat.
fn body(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| {
            if i % 3 == 0 {
                (i / 7) as u8 ^ seed
            } else {
                seed
            }
        })
        .collect()
}

/// Writes `bodies` as frames on streams 0, 1, … through `framer`, then flushes.
fn write_all(framer: &mut Framer, version: ProtocolVersion, bodies: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (stream, b) in bodies.iter().enumerate() {
        framer
            .write_frame(&mut out, |buf| -> Result<(), FrameError> {
                buf.extend_from_slice(&frame(version, stream as i16, b));
                Ok(())
            })
            .unwrap();
    }
    framer.flush(&mut out).unwrap();
    out
}

/// Feeds `wire` `chunk` bytes at a time and collects every frame.
fn read_all(framer: &mut Framer, wire: &[u8], chunk: usize) -> Vec<Frame> {
    let mut frames = Vec::new();
    for part in wire.chunks(chunk) {
        framer.feed(part);
        while let Some(f) = framer.next_frame().unwrap() {
            frames.push(f);
        }
    }
    assert_eq!(framer.buffered_len(), 0);
    frames
}

/// A writer and a reader, both switched to `framing` after the handshake.
fn pair(version: ProtocolVersion, compression: Compression) -> (Framer, Framer) {
    let mut writer = Framer::new(MAX);
    let mut reader = Framer::new(MAX);
    writer.start_framing(version, compression).unwrap();
    reader.start_framing(version, compression).unwrap();
    (writer, reader)
}

const FRAMINGS: [(ProtocolVersion, Compression); 6] = [
    (ProtocolVersion::V3, Compression::Snappy),
    (ProtocolVersion::V4, Compression::None),
    (ProtocolVersion::V4, Compression::Lz4),
    (ProtocolVersion::V4, Compression::Snappy),
    (ProtocolVersion::V5, Compression::None),
    (ProtocolVersion::V5, Compression::Lz4),
];

#[test]
fn frames_round_trip_in_every_framing_and_chunking() {
    let bodies = vec![
        vec![],
        body(1, 1),
        body(300, 2),
        body(COPIED_BODY_MAX, 3),
        body(COPIED_BODY_MAX + 1, 4),
        body(40_000, 5),
    ];
    for (version, compression) in FRAMINGS {
        for chunk in [1, 7, 4096, usize::MAX] {
            let (mut writer, mut reader) = pair(version, compression);
            let wire = write_all(&mut writer, version, &bodies);
            let frames = read_all(&mut reader, &wire, chunk.min(wire.len()));
            assert_eq!(frames.len(), bodies.len(), "{version} {compression:?}");
            for (i, (f, b)) in frames.iter().zip(&bodies).enumerate() {
                assert_eq!(&f.body[..], &b[..], "{version} {compression:?} frame {i}");
                assert_eq!(f.header.stream, i as i16);
                assert_eq!(f.header.length as usize == b.len(), {
                    !f.header.flags.contains(FrameFlags::COMPRESSION)
                });
            }
        }
    }
}

#[test]
fn bodies_are_compressed_only_after_the_switch_in_v4() {
    for compression in [Compression::Lz4, Compression::Snappy] {
        let mut writer = Framer::new(MAX);
        let big = body(1000, 9);
        let before = write_all(
            &mut writer,
            ProtocolVersion::V4,
            core::slice::from_ref(&big),
        );
        assert_eq!(before, frame(ProtocolVersion::V4, 0, &big));
        writer
            .start_framing(ProtocolVersion::V4, compression)
            .unwrap();
        assert_eq!(writer.framing(), Framing::Frames(compression));
        let after = write_all(&mut writer, ProtocolVersion::V4, &[big.clone(), vec![]]);
        let mut reader = Framer::new(MAX);
        reader
            .start_framing(ProtocolVersion::V4, compression)
            .unwrap();
        let frames = read_all(&mut reader, &after, 5);
        assert!(frames[0].header.flags.contains(FrameFlags::COMPRESSION));
        assert!(after.len() < big.len());
        assert_eq!(&frames[0].body[..], &big[..]);
        // An empty body is never compressed.
        assert!(!frames[1].header.flags.contains(FrameFlags::COMPRESSION));
    }
}

#[test]
fn frames_larger_than_a_segment_span_several() {
    for compression in [Compression::None, Compression::Lz4] {
        let (mut writer, mut reader) = pair(ProtocolVersion::V5, compression);
        let bodies = vec![body(3, 1), body(2 * MAX_PAYLOAD_LEN + 17, 2), body(5, 3)];
        let wire = write_all(&mut writer, ProtocolVersion::V5, &bodies);
        let frames = read_all(&mut reader, &wire, 10_000);
        let got: Vec<&[u8]> = frames.iter().map(|f| &f.body[..]).collect();
        let want: Vec<&[u8]> = bodies.iter().map(Vec::as_slice).collect();
        assert_eq!(got, want);
    }
}

#[test]
fn bytes_buffered_at_the_switch_are_read_in_the_new_framing() {
    for compression in [Compression::None, Compression::Lz4] {
        // READY, then at once the first frames in segments, all in one read.
        let mut server = Framer::new(MAX);
        let mut wire = write_all(&mut server, ProtocolVersion::V5, &[vec![]]);
        server
            .start_framing(ProtocolVersion::V5, compression)
            .unwrap();
        wire.extend(write_all(
            &mut server,
            ProtocolVersion::V5,
            &[body(10, 1), body(5000, 2)],
        ));
        let mut client = Framer::new(MAX);
        client.feed(&wire);
        let ready = client.next_frame().unwrap().unwrap();
        assert!(ready.body.is_empty());
        assert!(client.buffered_len() > 0);
        client
            .start_framing(ProtocolVersion::V5, compression)
            .unwrap();
        assert_eq!(client.framing(), Framing::Segments(compression));
        assert_eq!(
            &client.next_frame().unwrap().unwrap().body[..],
            &body(10, 1)[..]
        );
        assert_eq!(
            &client.next_frame().unwrap().unwrap().body[..],
            &body(5000, 2)[..]
        );
        assert_eq!(client.next_frame().unwrap(), None);
    }
    // v4: a compressed frame read before the switch is an error, after it a frame.
    let mut server = Framer::new(MAX);
    server
        .start_framing(ProtocolVersion::V4, Compression::Lz4)
        .unwrap();
    let wire = write_all(&mut server, ProtocolVersion::V4, &[body(100, 1)]);
    let mut client = Framer::new(MAX);
    client.feed(&wire);
    client
        .start_framing(ProtocolVersion::V4, Compression::Lz4)
        .unwrap();
    assert_eq!(
        &client.next_frame().unwrap().unwrap().body[..],
        &body(100, 1)[..]
    );
    let mut client = Framer::new(MAX);
    client.feed(&wire);
    assert_eq!(
        client.next_frame().unwrap_err().error(),
        &FrameError::UnexpectedCompression
    );
}

#[test]
fn encoded_frames_pass_through_or_enter_segments() {
    let f = frame(ProtocolVersion::V4, 3, b"abc");
    let mut framer = Framer::new(MAX);
    let mut out = Vec::new();
    framer.write_encoded_frame(&f, &mut out).unwrap();
    assert_eq!(out, f);
    framer
        .start_framing(ProtocolVersion::V4, Compression::Lz4)
        .unwrap();
    let mut out = Vec::new();
    framer.write_encoded_frame(&f, &mut out).unwrap();
    assert_eq!(out, f, "as it is: its header says it is not compressed");

    let (mut writer, mut reader) = pair(ProtocolVersion::V5, Compression::Lz4);
    let f = frame(ProtocolVersion::V5, 3, b"abc");
    let mut out = Vec::new();
    writer.write_encoded_frame(&f, &mut out).unwrap();
    assert!(out.is_empty() && writer.has_pending_output());
    writer.flush(&mut out).unwrap();
    assert!(!writer.has_pending_output());
    assert_eq!(&read_all(&mut reader, &out, 3)[0].body[..], b"abc");
    assert!(matches!(
        writer.write_encoded_frame(&f[..f.len() - 1], &mut out),
        Err(FrameError::Decode(DecodeError::InvalidLength { .. }))
    ));
}

#[test]
fn a_failed_encoding_leaves_the_output_as_it_was() {
    for (version, compression) in FRAMINGS {
        let (mut writer, _) = pair(version, compression);
        let mut out = vec![1, 2, 3];
        let result = writer.write_frame(&mut out, |buf| {
            buf.extend_from_slice(&[0x04, 0]);
            Err(FrameError::Compression("test"))
        });
        assert_eq!(result, Err(FrameError::Compression("test")));
        writer.flush(&mut out).unwrap();
        assert_eq!(out, [1, 2, 3], "{version} {compression:?}");
    }
    // Bytes that are not exactly one frame cannot be compressed.
    let (mut writer, _) = pair(ProtocolVersion::V4, Compression::Lz4);
    let mut out = Vec::new();
    let f = frame(ProtocolVersion::V4, 1, b"xyz");
    let result = writer.write_frame(&mut out, |buf| -> Result<(), FrameError> {
        buf.extend_from_slice(&f[..f.len() - 1]);
        Ok(())
    });
    assert!(matches!(
        result,
        Err(FrameError::Decode(DecodeError::InvalidLength { .. }))
    ));
}

#[test]
fn the_framing_switches_once() {
    let mut framer = Framer::new(MAX);
    assert_eq!(framer.framing(), Framing::Frames(Compression::None));
    assert!(matches!(
        framer.start_framing(ProtocolVersion::V5, Compression::Snappy),
        Err(FrameError::Compression(_))
    ));
    assert_eq!(framer.framing(), Framing::Frames(Compression::None));
    framer
        .start_framing(ProtocolVersion::V4, Compression::None)
        .unwrap();
    assert_eq!(
        framer.start_framing(ProtocolVersion::V5, Compression::None),
        Err(FrameError::AlreadySwitched)
    );
    assert_eq!(framer.framing(), Framing::Frames(Compression::None));
}

/// The first error reading `wire` (fed whole) in `framing`.
fn first_error(version: ProtocolVersion, compression: Compression, wire: &[u8]) -> ReadError {
    let mut framer = Framer::new(100);
    if compression != Compression::None || version.uses_segments() {
        framer.start_framing(version, compression).unwrap();
    }
    framer.feed(wire);
    loop {
        match framer.next_frame() {
            Ok(Some(_)) => {}
            Ok(None) => panic!("no error in {wire:?}"),
            Err(e) => return e,
        }
    }
}

#[test]
fn incomplete_frames_wait_for_more() {
    let f = frame(ProtocolVersion::V4, 1, &body(50, 1));
    let mut framer = Framer::new(MAX);
    for cut in 0..f.len() {
        framer.feed(&f[cut..=cut]);
        if cut + 1 < f.len() {
            assert_eq!(
                framer.next_frame().unwrap(),
                None,
                "after {} bytes",
                cut + 1
            );
            assert_eq!(framer.buffered_len(), cut + 1);
        }
    }
    assert!(framer.next_frame().unwrap().is_some());
}

#[test]
fn oversized_frames_are_refused_before_their_body_arrives() {
    let header = [0x84, 0, 0, 7, 0x08, 0, 0, 0, 101];
    let e = first_error(ProtocolVersion::V4, Compression::None, &header);
    assert_eq!(
        e.error(),
        &FrameError::BodyTooLarge {
            length: 101,
            max: 100
        }
    );
    assert_eq!(
        e.frame(),
        Some(FrameStart {
            version: 4,
            stream: 7
        })
    );
    // Inside segments the segment layer refuses it, before reassembling it.
    let mut wire = Vec::new();
    write_segment(&mut wire, &header, false, Compression::None).unwrap();
    let e = first_error(ProtocolVersion::V5, Compression::None, &wire);
    assert!(matches!(
        e.error(),
        FrameError::BodyTooLarge { length: 101, .. }
    ));
    assert_eq!(e.frame(), None);
}

#[test]
fn unknown_versions_are_refused_once_the_stream_id_is_in() {
    let mut framer = Framer::new(MAX);
    framer.feed(&[0x86, 0, 0]);
    assert_eq!(framer.next_frame().unwrap(), None);
    framer.feed(&[9]);
    let e = framer.next_frame().unwrap_err();
    assert_eq!(
        e.error(),
        &FrameError::UnsupportedVersion {
            version: 6,
            stream: 9
        }
    );
    // A v2 header is 8 bytes with a one-byte stream id.
    let e = first_error(
        ProtocolVersion::V4,
        Compression::None,
        &[0x02, 0, 0xff, 5, 0, 0, 0, 0],
    );
    assert_eq!(
        e.frame(),
        Some(FrameStart {
            version: 2,
            stream: -1
        })
    );
    // The same inside a segment.
    let mut wire = Vec::new();
    write_segment(
        &mut wire,
        &[0x07, 0, 0, 3, 5, 0, 0, 0, 0],
        true,
        Compression::None,
    )
    .unwrap();
    let e = first_error(ProtocolVersion::V5, Compression::None, &wire);
    assert_eq!(
        e.error(),
        &FrameError::UnsupportedVersion {
            version: 7,
            stream: 3
        }
    );
}

#[test]
fn header_errors_name_their_frame() {
    let bad_opcode = [0x84, 0, 0, 4, 0x33, 0, 0, 0, 0];
    let e = first_error(ProtocolVersion::V4, Compression::None, &bad_opcode);
    assert_eq!(e.error(), &FrameError::UnknownOpcode(0x33));
    assert_eq!(e.frame().map(|f| f.stream), Some(4));
    let mut wire = Vec::new();
    write_segment(&mut wire, &bad_opcode, true, Compression::Lz4).unwrap();
    let e = first_error(ProtocolVersion::V5, Compression::Lz4, &wire);
    assert_eq!(e.error(), &FrameError::UnknownOpcode(0x33));
    assert_eq!(e.frame().map(|f| f.stream), Some(4));
}

#[test]
fn bad_checksums_and_misaligned_segments_are_errors() {
    let mut wire = Vec::new();
    write_segment(
        &mut wire,
        &frame(ProtocolVersion::V5, 1, b"x"),
        true,
        Compression::None,
    )
    .unwrap();
    let mut bad = wire.clone();
    bad[1] ^= 0x10;
    let e = first_error(ProtocolVersion::V5, Compression::None, &bad);
    assert!(matches!(e.error(), FrameError::HeaderCrcMismatch { .. }));
    let mut bad = wire.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let e = first_error(ProtocolVersion::V5, Compression::None, &bad);
    assert!(matches!(e.error(), FrameError::PayloadCrcMismatch { .. }));
    // A self-contained segment that ends inside its frame.
    let mut short = Vec::new();
    let f = frame(ProtocolVersion::V5, 1, b"xy");
    write_segment(&mut short, &f[..f.len() - 1], true, Compression::None).unwrap();
    let e = first_error(ProtocolVersion::V5, Compression::None, &short);
    assert!(matches!(
        e.error(),
        FrameError::Decode(DecodeError::Malformed(_))
    ));
}

#[test]
fn corrupt_compressed_input_is_an_error() {
    for compression in [Compression::Lz4, Compression::Snappy] {
        // A frame flagged compressed whose body is not valid compressed data.
        let mut f = frame(ProtocolVersion::V4, 2, &[0xff; 12]);
        f[1] |= FrameFlags::COMPRESSION;
        let e = first_error(ProtocolVersion::V4, compression, &f);
        assert!(
            matches!(e.error(), FrameError::Decompression(_)),
            "{compression:?}: {e:?}"
        );
        assert_eq!(e.frame().map(|f| f.stream), Some(2));
    }
    // An LZ4 segment whose block does not expand to its announced length.
    let mut wire = Vec::new();
    let header = super::super::segment::SegmentHeader {
        payload_len: 4,
        uncompressed_len: Some(60),
        self_contained: true,
    };
    header.write(&mut wire).unwrap();
    let payload = [0x1f, 1, 2, 3];
    wire.extend_from_slice(&payload);
    wire.extend_from_slice(&crate::frame::crc::crc32(&payload).to_le_bytes());
    let e = first_error(ProtocolVersion::V5, Compression::Lz4, &wire);
    assert!(matches!(e.error(), FrameError::Decompression(_)), "{e:?}");
    // A body flagged compressed inside a segment.
    let mut f = frame(ProtocolVersion::V5, 2, b"abc");
    f[1] |= FrameFlags::COMPRESSION;
    let mut wire = Vec::new();
    write_segment(&mut wire, &f, true, Compression::None).unwrap();
    let e = first_error(ProtocolVersion::V5, Compression::None, &wire);
    assert_eq!(e.error(), &FrameError::UnexpectedCompression);
}

#[test]
fn errors_are_sticky_and_release_the_input() {
    let mut framer = Framer::new(MAX);
    framer.feed(&[0x84, 0, 0, 4, 0x33, 0, 0, 0, 0, 1, 2, 3]);
    let e = framer.next_frame().unwrap_err();
    assert_eq!(framer.buffered_len(), 0);
    framer.feed(&frame(ProtocolVersion::V4, 1, b"ok"));
    assert_eq!(framer.buffered_len(), 0, "ignored after the error");
    assert_eq!(framer.next_frame(), Err(e));
}

#[test]
fn small_bodies_are_copied_and_large_ones_shared() {
    let small = frame(ProtocolVersion::V4, 1, &body(COPIED_BODY_MAX, 1));
    let large = frame(ProtocolVersion::V4, 2, &body(COPIED_BODY_MAX + 1, 2));
    let mut framer = Framer::new(MAX);
    framer.feed(&[small.as_slice(), large.as_slice()].concat());
    let input_start = framer.input.as_ptr() as usize;
    let first = framer.next_frame().unwrap().unwrap();
    let second = framer.next_frame().unwrap().unwrap();
    let inside = |b: &Bytes| {
        let p = b.as_ptr() as usize;
        p >= input_start && p < input_start + small.len() + large.len()
    };
    assert!(!inside(&first.body), "a small body is a copy");
    assert!(
        inside(&second.body),
        "a large body points into the received bytes"
    );
}
