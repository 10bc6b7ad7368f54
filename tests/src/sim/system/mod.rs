//! System and virtual keyspaces: their table definitions and their rows, computed from
//! the live schema and the node's identity on every read.
//!
//! Which tables are computed: every table of `system`, `system_schema` and the virtual
//! keyspaces `system_views` and `system_virtual_schema` ([`rows`] answers `Some`, possibly
//! empty). `system_auth`, `system_distributed` and `system_traces` tables live in storage
//! ([`rows`] answers `None`); the server writes a traced request's trace there.

pub mod computed;
pub mod defs;
mod objects;
#[cfg(test)]
mod tests;

use bytes::Bytes;

use crate::sim::info::NodeInfo;
use crate::sim::schema::{Keyspace, Schema};

/// The system keyspaces a node starts with (`system`, `system_schema`, `system_auth`,
/// `system_distributed`, `system_traces`, and the virtual `system_views` and
/// `system_virtual_schema`), with their table definitions.
pub fn system_keyspaces() -> Vec<Keyspace> {
    defs::keyspaces(false)
}

/// The system keyspaces of a DataStax Enterprise 6.8 node: as
/// [`system_keyspaces`], with DSE's `system.local`, `system.peers` (no `peers_v2`),
/// `system_schema.keyspaces` (`graph_engine`) and `system_schema.vertices`/`edges`.
pub fn dse_system_keyspaces() -> Vec<Keyspace> {
    defs::keyspaces(true)
}

/// Whether the rows of `keyspace.table` are computed by [`rows`] rather than stored.
pub fn is_computed(keyspace: &str, _table: &str) -> bool {
    matches!(
        keyspace,
        "system" | "system_schema" | "system_views" | "system_virtual_schema"
    )
}

/// The rows of a table whose content is computed (system and virtual tables), cells in
/// the table's column order; `None` for a table whose rows live in storage (or that does
/// not exist). Rows are complete: the caller applies WHERE, ordering and paging.
pub fn rows(
    schema: &Schema,
    info: &NodeInfo,
    keyspace: &str,
    table: &str,
) -> Option<Vec<Vec<Option<Bytes>>>> {
    if !is_computed(keyspace, table) {
        return None;
    }
    let t = schema.table(keyspace, table)?;
    Some(match (keyspace, table) {
        ("system", "local") => computed::local(schema, info, t),
        ("system", "peers") => computed::peers(info, t, false),
        ("system", "peers_v2") => computed::peers(info, t, true),
        ("system_schema", _) => computed::system_schema(schema, t),
        ("system_virtual_schema", _) => computed::virtual_schema(schema, t),
        ("system_views", _) => computed::system_views(info, t),
        _ => Vec::new(),
    })
}
