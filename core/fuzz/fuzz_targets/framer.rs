//! Bytes into a `Framer`, fed in arbitrary chunks, in any framing: it must give frames or
//! an error, never panic, hold no more than it received (whole-frame framing), keep
//! reporting its first error, and give back exactly the frames a `Framer` wrote.
//!
//! Byte 0: bits 0-2 pick the negotiated framing (version and compression), bit 3 a small
//! body limit, bit 4 whether the rest is sent as is or as frames written by a `Framer`
//! (each piece a length byte and that many body bytes), bits 5-7 after how many frames
//! both sides switch (0: before anything; as is, the reader switches up front when any
//! of those bits is set). Byte 1 seeds the chunk sizes.
#![no_main]

use cql_core::frame::{
    Compression, DEFAULT_MAX_BODY_LEN, Direction, FrameFlags, Framer, Framing, Opcode,
    ProtocolVersion, write_frame,
};
use libfuzzer_sys::fuzz_target;

const NEGOTIATED: [(ProtocolVersion, Compression); 8] = [
    (ProtocolVersion::V3, Compression::Snappy),
    (ProtocolVersion::V4, Compression::None),
    (ProtocolVersion::V4, Compression::Lz4),
    (ProtocolVersion::V4, Compression::Snappy),
    (ProtocolVersion::V5, Compression::None),
    (ProtocolVersion::V5, Compression::Lz4),
    (ProtocolVersion::V3, Compression::None),
    (ProtocolVersion::V5, Compression::Snappy),
];

fuzz_target!(|data: &[u8]| {
    let [mode, seed, rest @ ..] = data else {
        return;
    };
    let (version, compression) = NEGOTIATED[usize::from(mode & 7)];
    let max = if mode & 8 == 0 {
        DEFAULT_MAX_BODY_LEN
    } else {
        256
    };
    let structured = mode & 16 != 0;
    let switch_after = usize::from(mode >> 5);

    let mut wire = Vec::new();
    let mut sent = Vec::new();
    if structured {
        let mut writer = Framer::new(usize::MAX);
        if switch_after == 0 && writer.start_framing(version, compression).is_err() {
            // Snappy cannot frame v5 segments.
            return;
        }
        let mut input = rest;
        while let [len, more @ ..] = input {
            let (body, tail) = more.split_at(usize::from(*len).min(more.len()));
            input = tail;
            let stream = sent.len() as i16;
            writer
                .write_frame(&mut wire, |buf| {
                    write_frame(
                        buf,
                        version,
                        Direction::Response,
                        FrameFlags::default(),
                        stream,
                        Opcode::Result,
                        body,
                        Compression::None,
                    )
                })
                .unwrap();
            sent.push(body.to_vec());
            if sent.len() == switch_after {
                writer.flush(&mut wire).unwrap();
                if writer.start_framing(version, compression).is_err() {
                    return;
                }
            }
        }
        writer.flush(&mut wire).unwrap();
    } else {
        wire.extend_from_slice(rest);
    }

    let mut reader = Framer::new(max);
    let switch_up_front = if structured {
        switch_after == 0
    } else {
        switch_after != 0
    };
    if switch_up_front && reader.start_framing(version, compression).is_err() {
        return;
    }
    let mut got = Vec::new();
    let mut failed = None;
    let mut fed = 0usize;
    let mut step = usize::from(*seed) + 1;
    let mut input = wire.as_slice();
    'feeding: while !input.is_empty() {
        let (part, tail) = input.split_at(step.min(input.len()));
        input = tail;
        fed += part.len();
        reader.feed(part);
        loop {
            match reader.next_frame() {
                Ok(Some(frame)) => {
                    assert!(frame.body.len() <= max);
                    got.push(frame.body.to_vec());
                    if structured && got.len() == switch_after {
                        reader.start_framing(version, compression).unwrap();
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    failed = Some(e);
                    break 'feeding;
                }
            }
        }
        if let Framing::Frames(_) = reader.framing() {
            assert!(reader.buffered_len() <= fed);
        }
        step = (step * 7 + 3) % 257 + 1;
    }
    if let Some(e) = failed {
        assert_eq!(reader.next_frame(), Err(e));
        assert_eq!(reader.buffered_len(), 0);
    } else if structured && max == DEFAULT_MAX_BODY_LEN {
        assert_eq!(got, sent);
        assert_eq!(reader.buffered_len(), 0);
    }
});
