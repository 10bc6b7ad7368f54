//! Arbitrary bytes as message bodies of every opcode and protocol version, in both
//! directions, and as whole frames through the envelope decoders: decoding must fail
//! cleanly, never panic, and never allocate beyond the input.
//!
//! Byte 0 picks the opcode, byte 1 the version; the rest is the body.
#![no_main]

use bytes::Bytes;
use cql_core::frame::{Compression, Opcode, ProtocolVersion, read_frame};
use cql_core::message::{Request, RequestFrame, Response, ResponseFrame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [opcode, version, body @ ..] = data else {
        return;
    };
    let version = match version % 3 {
        0 => ProtocolVersion::V3,
        1 => ProtocolVersion::V4,
        _ => ProtocolVersion::V5,
    };
    if let Ok(opcode) = Opcode::from_u8(*opcode) {
        let _ = Request::decode(opcode, version, body);
        let _ = Response::decode(opcode, version, &Bytes::copy_from_slice(body));
    }
    if let Ok(Some((frame, _))) = read_frame(data, 64 * 1024, Compression::Lz4) {
        let _ = RequestFrame::decode(&frame);
        let _ = ResponseFrame::decode(&frame);
    }
});
