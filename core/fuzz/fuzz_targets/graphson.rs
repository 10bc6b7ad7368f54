//! Arbitrary text through the graph readers: the JSON reader, the GraphSON 1.0/2.0/3.0
//! value and row readers, and the bytecode reader must fail cleanly, never panic, and
//! never allocate beyond the input. What reads must write back (or be refused) without
//! panicking too.
#![no_main]

use cql_core::graph::graphson::{GraphsonVersion, decode_json, decode_row, encode_value};
use cql_core::graph::json;
use cql_core::graph::traversal::Bytecode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    for version in [GraphsonVersion::V1, GraphsonVersion::V2, GraphsonVersion::V3] {
        let _ = decode_row(version, text);
    }
    if let Ok(tree) = json::parse(text) {
        let _ = json::to_string(&tree, json::Separators::Python);
        for version in [GraphsonVersion::V1, GraphsonVersion::V2, GraphsonVersion::V3] {
            if let Ok(value) = decode_json(version, &tree) {
                let _ = encode_value(version, &value);
            }
        }
        if let Ok(bytecode) = Bytecode::from_json(&tree) {
            let _ = bytecode.to_graphson(GraphsonVersion::V3);
        }
    }
    let _ = Bytecode::batch_from_graphson(text);
});
