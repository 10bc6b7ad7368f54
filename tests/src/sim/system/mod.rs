//! System and virtual keyspaces: their table definitions and their rows, computed from
//! the live schema and the node's identity on every read.

use bytes::Bytes;

use crate::sim::info::NodeInfo;
use crate::sim::schema::{Keyspace, Schema};

/// The system keyspaces a node starts with (`system`, `system_schema`, `system_auth`,
/// `system_distributed`, `system_traces`, and the virtual `system_views` and
/// `system_virtual_schema`), with their table definitions.
pub fn system_keyspaces() -> Vec<Keyspace> {
    Vec::new()
}

/// The rows of a table whose content is computed (system and virtual tables), cells in
/// the table's column order; `None` for a table whose rows live in storage.
pub fn rows(
    schema: &Schema,
    info: &NodeInfo,
    keyspace: &str,
    table: &str,
) -> Option<Vec<Vec<Option<Bytes>>>> {
    let _ = (schema, info, keyspace, table);
    None
}
