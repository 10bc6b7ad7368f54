//! Keyspace replication from `system_schema.keyspaces`, and schema agreement from the
//! `schema_version` columns of `system.local` and the peers tables.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;

use uuid::Uuid;

use super::TopologyError;
use super::rows::Table;
use crate::cluster::replication::ReplicationStrategy;
use crate::message::Rows;

/// Each keyspace's replication strategy, from the rows of
/// `SELECT keyspace_name, replication FROM system_schema.keyspaces` (or `SELECT *`), in
/// row order. A keyspace whose replication map cannot be understood (no `class`, a
/// malformed factor) is left out with a warning.
///
/// # Errors
/// [`TopologyError::NoMetadata`] without column specs; [`TopologyError::Column`] for a
/// cell of an unexpected type.
pub fn keyspaces_from_rows(
    rows: &Rows,
) -> Result<Vec<(String, ReplicationStrategy)>, TopologyError> {
    const TABLE: &str = "system_schema.keyspaces";
    let table = Table::new(rows, TABLE)?;
    let column = |source| TopologyError::Column {
        table: TABLE,
        source,
    };
    let mut out = Vec::new();
    for cells in table.rows() {
        let Some(name) = cells.get::<String>("keyspace_name").map_err(column)? else {
            tracing::warn!("skipping a system_schema.keyspaces row without keyspace_name");
            continue;
        };
        let replication = cells
            .get::<BTreeMap<&str, &str>>("replication")
            .map_err(column)?
            .unwrap_or_default();
        match ReplicationStrategy::from_replication_map(replication) {
            Ok(strategy) => out.push((name, strategy)),
            Err(e) => {
                tracing::warn!(keyspace = %name, error = %e, "ignoring the keyspace's replication");
            }
        }
    }
    Ok(out)
}

/// One peer's schema version, as the schema-agreement query reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerSchemaVersion {
    /// `host_id` (rows without one describe no known node and are not counted).
    pub host_id: Option<Uuid>,
    /// `schema_version` (`None`: not known yet, not counted).
    pub schema_version: Option<Uuid>,
}

/// `system.local.schema_version` from `SELECT schema_version FROM system.local`.
///
/// # Errors
/// [`TopologyError::NoMetadata`], [`TopologyError::NoLocalRow`], or
/// [`TopologyError::Column`] for a cell that is not a uuid.
pub fn local_schema_version(rows: &Rows) -> Result<Option<Uuid>, TopologyError> {
    let table = Table::new(rows, "system.local")?;
    let row = table.rows().next().ok_or(TopologyError::NoLocalRow)?;
    row.get::<Uuid>("schema_version")
        .map_err(|source| TopologyError::Column {
            table: "system.local",
            source,
        })
}

/// The peers' schema versions from a peers-table result with `host_id` and
/// `schema_version` columns (either table). Rows with malformed cells are skipped with a
/// warning.
///
/// # Errors
/// [`TopologyError::NoMetadata`] without column specs.
pub fn peer_schema_versions(rows: &Rows) -> Result<Vec<PeerSchemaVersion>, TopologyError> {
    let table = Table::new(rows, "system.peers")?;
    let mut out = Vec::new();
    for cells in table.rows() {
        match (
            cells.get::<Uuid>("host_id"),
            cells.get::<Uuid>("schema_version"),
        ) {
            (Ok(host_id), Ok(schema_version)) => out.push(PeerSchemaVersion {
                host_id,
                schema_version,
            }),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "skipping a malformed peer row in the schema-agreement check");
            }
        }
    }
    Ok(out)
}

/// The distinct non-null schema versions among the local node and the peers that have a
/// host id and are not known to be down (`is_down` by host id).
pub fn schema_versions(
    local: Option<Uuid>,
    peers: &[PeerSchemaVersion],
    is_down: impl Fn(&Uuid) -> bool,
) -> BTreeSet<Uuid> {
    let peer_versions = peers
        .iter()
        .filter_map(|p| match (p.host_id, p.schema_version) {
            (Some(id), Some(version)) if !is_down(&id) => Some(version),
            _ => None,
        });
    local.into_iter().chain(peer_versions).collect()
}

/// Whether the schema is in agreement: exactly one distinct non-null schema version among
/// the local node and the peers not known to be down.
pub fn schema_agreement(
    local: Option<Uuid>,
    peers: &[PeerSchemaVersion],
    is_down: impl Fn(&Uuid) -> bool,
) -> bool {
    schema_versions(local, peers, is_down).len() == 1
}
