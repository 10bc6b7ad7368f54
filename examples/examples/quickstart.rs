//! Quickstart: a printed tour of what `cql-core` does on its own.
//!
//! Until the session and the simulated node land (issues #3 and #4), this shows the
//! pieces a connection is made of: a QUERY request with values bound as protocol values
//! (never pasted into the CQL text), framed for protocol v5 segments with LZ4; a RESULT
//! page as a server writes it, read back into typed Rust rows that borrow from the frame;
//! and the Murmur3 token that routes a partition key to its replicas.

use cql_core::frame::segment::{SegmentDecoder, SegmentEncoder};
use cql_core::frame::{Compression, DEFAULT_MAX_BODY_LEN, ProtocolVersion, read_frame};
use cql_core::message::{
    Query, QueryParameters, Request, RequestFrame, Response, ResponseFrame, ResultMessage,
    ResultMetadata, Rows, TableSpec,
};
use cql_core::types::{ColumnSpec, ColumnType, SerializeRow, SerializedValues};
use cql_core::{Consistency, Partitioner};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn column(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "shop".into(),
        table: "orders".into(),
        name: name.into(),
        typ,
    }
}

fn main() -> Result<(), Box<dyn core::error::Error>> {
    // 1. A QUERY with two bound values, type-checked against the statement's columns.
    let bind = [
        column("customer", ColumnType::Text),
        column("total", ColumnType::Int),
    ];
    let mut values = SerializedValues::new();
    ("ada", 42i32).serialize_row(&bind, &mut values)?;
    let request = RequestFrame {
        stream: 1,
        tracing: false,
        custom_payload: Vec::new(),
        request: Request::Query(Query {
            query: "INSERT INTO shop.orders (customer, total) VALUES (?, ?)".into(),
            params: QueryParameters {
                values,
                ..QueryParameters::with_consistency(Consistency::LocalQuorum)
            },
        }),
    };
    let mut frame = Vec::new();
    request.encode(ProtocolVersion::V5, Compression::None, &mut frame)?;
    println!(
        "QUERY frame, protocol v5 ({} bytes):\n  {}",
        frame.len(),
        hex(&frame)
    );

    // 2. After the v5 handshake, frames travel inside CRC-checked segments.
    let mut encoder = SegmentEncoder::new(Compression::Lz4)?;
    let mut wire = Vec::new();
    encoder.push_frame(&frame, &mut wire)?;
    encoder.flush(&mut wire)?;
    let mut decoder = SegmentDecoder::new(Compression::Lz4, DEFAULT_MAX_BODY_LEN)?;
    decoder.feed(&wire);
    let unwrapped = decoder.next_frame()?.ok_or("no frame in the segment")?;
    println!(
        "in one LZ4 segment: {} bytes on the wire, frame restored: {}",
        wire.len(),
        unwrapped.as_ref() == frame.as_slice()
    );

    // 3. A RESULT page, as a node answers `SELECT customer, total FROM shop.orders`.
    let columns = vec![
        column("customer", ColumnType::Text),
        column("total", ColumnType::Int),
    ];
    let global = TableSpec {
        keyspace: "shop".into(),
        table: "orders".into(),
    };
    let cells: [[Option<&[u8]>; 2]; 3] = [
        [Some(b"ada"), Some(&42i32.to_be_bytes())],
        [Some(b"grace"), Some(&7i32.to_be_bytes())],
        [Some(b"alan"), None],
    ];
    let rows = Rows::from_cells(ResultMetadata::new(columns, Some(global)), cells)?;
    let mut response = Vec::new();
    ResponseFrame::new(1, Response::Result(ResultMessage::Rows(rows))).encode(
        ProtocolVersion::V4,
        Compression::Lz4,
        &mut response,
    )?;
    let (raw, _) =
        read_frame(&response, DEFAULT_MAX_BODY_LEN, Compression::Lz4)?.ok_or("incomplete frame")?;
    let decoded = ResponseFrame::decode(&raw)?;
    let Response::Result(ResultMessage::Rows(page)) = &decoded.response else {
        return Err("expected rows".into());
    };
    println!(
        "RESULT page of {} rows (LZ4, {} bytes):",
        page.rows_count,
        response.len()
    );
    for row in page.typed::<(&str, Option<i32>)>()? {
        let (customer, total) = row?;
        println!("  {customer:<6} total = {total:?}");
    }

    // 4. The partition key's token decides which replicas own the row.
    let token = Partitioner::Murmur3.token(b"ada");
    println!("Murmur3 token of partition key 'ada': {token}");
    Ok(())
}
