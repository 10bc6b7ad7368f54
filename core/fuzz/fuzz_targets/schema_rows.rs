//! Arbitrary bytes as a RESULT body (as a node's answer to a `system_schema` query) fed
//! to the schema metadata parser as every schema table at once, then exported: rows of
//! any shape must give keyspaces carrying parse errors, never a panic.
#![no_main]

use bytes::Bytes;
use cql_core::cluster::schema::{ExportStyle, SchemaFilter, SchemaRows, refresh};
use cql_core::frame::ProtocolVersion;
use cql_core::message::ResultMessage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(ResultMessage::Rows(rows)) =
        ResultMessage::decode(ProtocolVersion::V4, &Bytes::copy_from_slice(data))
    else {
        return;
    };
    let slot = || Some(rows.clone());
    let all = SchemaRows {
        keyspaces: slot(),
        tables: slot(),
        columns: slot(),
        types: slot(),
        functions: slot(),
        aggregates: slot(),
        triggers: slot(),
        indexes: slot(),
        views: slot(),
        virtual_keyspaces: slot(),
        virtual_tables: slot(),
        virtual_columns: slot(),
        vertices: slot(),
        edges: slot(),
    };
    let schema = refresh::full(&all, &SchemaFilter::All);
    let _ = schema.export_as_string(ExportStyle::Describe);
    let _ = schema.export_as_string(ExportStyle::PythonDriver);
    for ks in schema.keyspaces.values() {
        let _ = ks.export_as_string(ExportStyle::PythonDriver);
    }
});
