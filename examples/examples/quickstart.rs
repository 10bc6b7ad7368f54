//! Quickstart: a printed tour of the driver's wire layer.
//!
//! Until the session lands (issue #4) this shows what `cql-core` does on its own: it
//! frames an OPTIONS request, compresses a body the way a v4 connection does, and reads
//! both back, printing every byte.

use cql_core::frame::{
    Compression, DEFAULT_MAX_BODY_LEN, Direction, FrameFlags, Opcode, ProtocolVersion, read_frame,
    write_frame,
};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut wire = Vec::new();
    write_frame(
        &mut wire,
        ProtocolVersion::V4,
        Direction::Request,
        FrameFlags::default(),
        0,
        Opcode::Options,
        &[],
        Compression::None,
    )?;
    println!("OPTIONS request, v4, stream 0: {}", hex(&wire));

    let body = b"SELECT release_version FROM system.local".repeat(4);
    let mut compressed = Vec::new();
    write_frame(
        &mut compressed,
        ProtocolVersion::V4,
        Direction::Request,
        FrameFlags::default(),
        1,
        Opcode::Query,
        &body,
        Compression::Lz4,
    )?;
    println!(
        "a {}-byte body compressed with LZ4 travels as a {}-byte frame",
        body.len(),
        compressed.len()
    );

    let (frame, used) = read_frame(&compressed, DEFAULT_MAX_BODY_LEN, Compression::Lz4)?
        .ok_or("incomplete frame")?;
    println!(
        "read back {used} bytes: {:?} on stream {}, body restored: {}",
        frame.header.opcode,
        frame.header.stream,
        frame.body.as_ref() == body.as_slice()
    );
    Ok(())
}
