//! `system.local` and `system.peers*` rows → [`NodeRow`]s and a [`TopologySnapshot`].

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::net::IpAddr;

use uuid::Uuid;

use super::rows::{Cells, Table};
use super::{NodeRow, PeersTable, TopologyError, TopologySnapshot};
use crate::cluster::token::{Partitioner, Token, TokenError};
use crate::message::Rows;
use crate::runtime::NodeAddr;
use crate::types::DeserializeError;

/// The columns that may hold a node's native-protocol address, in the order real drivers
/// read them: the last one present (and not null) wins.
const ADDRESS_COLUMNS: [&str; 3] = ["rpc_address", "native_address", "native_transport_address"];

/// Why a row does not describe a usable node.
enum Problem {
    Missing(&'static str),
    Invalid(String),
    Column(DeserializeError),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing(what) => write!(f, "no {what}"),
            Self::Invalid(what) => f.write_str(what),
            Self::Column(e) => write!(f, "{e}"),
        }
    }
}

impl From<DeserializeError> for Problem {
    fn from(e: DeserializeError) -> Self {
        Self::Column(e)
    }
}

impl From<TokenError> for Problem {
    fn from(e: TokenError) -> Self {
        Self::Invalid(e.to_string())
    }
}

/// Decodes one refresh: the `system.local` result, the peers result read from
/// `peers_table`, the address the control connection is connected to, and the port nodes
/// listen on when a row does not say (the cluster's configured port, 9042 by default).
///
/// Invalid and duplicate peer rows are skipped with a warning (see the
/// [module docs](super)).
///
/// # Errors
/// [`TopologyError`] when either result lacks column metadata, `system.local` has no row,
/// or the local row lacks its host id, datacenter or rack, or holds a malformed cell.
pub fn decode_topology(
    local: &Rows,
    peers: &Rows,
    peers_table: PeersTable,
    control_addr: &NodeAddr,
    default_port: u16,
) -> Result<TopologySnapshot, TopologyError> {
    let local_table = Table::new(local, "system.local")?;
    let column = |source| TopologyError::Column {
        table: "system.local",
        source,
    };
    let row = local_table.rows().next().ok_or(TopologyError::NoLocalRow)?;
    let cluster_name = row.get::<String>("cluster_name").map_err(column)?;
    let partitioner = match row.get::<&str>("partitioner").map_err(column)? {
        None => None,
        Some(name) => match Partitioner::from_class_name(name) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!(error = %e, "token-aware routing is off");
                None
            }
        },
    };
    let local_row = local_node(
        &row,
        local_table.has_column("tokens"),
        partitioner,
        control_addr,
    )
    .map_err(|p| match p {
        Problem::Column(source) => column(source),
        other => TopologyError::InvalidLocalRow(other.to_string()),
    })?;

    let peers_result = Table::new(peers, peers_table.table_name())?;
    let mut seen_addrs = BTreeSet::from([local_row.addr.clone()]);
    let mut seen_ids = BTreeSet::from([local_row.host_id]);
    let mut peer_rows = Vec::new();
    for cells in peers_result.rows() {
        let peer = match peer_node(&cells, &peers_result, partitioner, default_port) {
            Ok(peer) => peer,
            Err(problem) => {
                let host_id = cells.get::<Uuid>("host_id").ok().flatten();
                let address = cells.get::<IpAddr>("peer").ok().flatten();
                tracing::warn!(
                    table = peers_result.name(),
                    host_id = ?host_id,
                    peer = ?address,
                    reason = %problem,
                    "skipping an invalid peer row"
                );
                continue;
            }
        };
        if !seen_addrs.insert(peer.addr.clone()) {
            tracing::warn!(
                endpoint = %peer.addr,
                host_id = %peer.host_id,
                "found several nodes with the same endpoint; skipping this peer row"
            );
            continue;
        }
        if !seen_ids.insert(peer.host_id) {
            tracing::warn!(
                endpoint = %peer.addr,
                host_id = %peer.host_id,
                "found several nodes with the same host id; skipping this peer row"
            );
            continue;
        }
        peer_rows.push(peer);
    }
    Ok(TopologySnapshot {
        cluster_name,
        partitioner,
        control_addr: control_addr.clone(),
        local: local_row,
        peers: peer_rows,
    })
}

/// The native address a row reports: the last address column present, `None` when all
/// are missing or null. Wildcards are returned as they are.
fn reported_ip(cells: &Cells<'_>) -> Result<Option<IpAddr>, DeserializeError> {
    let mut found = None;
    for name in ADDRESS_COLUMNS {
        if let Some(ip) = cells.get::<IpAddr>(name)? {
            found = Some(ip);
        }
    }
    Ok(found)
}

/// `native_port` as a port, when the row has one.
fn native_port(cells: &Cells<'_>) -> Result<Option<u16>, Problem> {
    match cells.get::<i32>("native_port")? {
        None => Ok(None),
        Some(p) => u16::try_from(p)
            .ok()
            .filter(|p| *p != 0)
            .map(Some)
            .ok_or_else(|| Problem::Invalid(format!("invalid native_port {p}"))),
    }
}

/// The tokens of a row: `None` when the column is absent or null, else each parsed with
/// the partitioner (none when it is unknown).
fn tokens(
    cells: &Cells<'_>,
    partitioner: Option<Partitioner>,
) -> Result<Option<Vec<Token>>, Problem> {
    let Some(texts) = cells.get::<Vec<&str>>("tokens")? else {
        return Ok(None);
    };
    if texts.is_empty() {
        return Ok(None);
    }
    let Some(p) = partitioner else {
        return Ok(Some(Vec::new()));
    };
    let mut out = Vec::with_capacity(texts.len());
    for t in texts {
        out.push(p.parse_token(t)?);
    }
    Ok(Some(out))
}

/// Host id, datacenter, rack, release and schema versions: the part every row shares.
struct Identity {
    host_id: Uuid,
    datacenter: String,
    rack: String,
    release_version: Option<String>,
    schema_version: Option<Uuid>,
}

fn identity(cells: &Cells<'_>) -> Result<Identity, Problem> {
    Ok(Identity {
        host_id: cells
            .get::<Uuid>("host_id")?
            .ok_or(Problem::Missing("host_id"))?,
        datacenter: cells
            .get::<String>("data_center")?
            .ok_or(Problem::Missing("data_center"))?,
        rack: cells
            .get::<String>("rack")?
            .ok_or(Problem::Missing("rack"))?,
        release_version: cells.get::<String>("release_version")?,
        schema_version: cells.get::<Uuid>("schema_version")?,
    })
}

fn local_node(
    cells: &Cells<'_>,
    has_tokens: bool,
    partitioner: Option<Partitioner>,
    control_addr: &NodeAddr,
) -> Result<NodeRow, Problem> {
    let id = identity(cells)?;
    let broadcast = cells.get::<IpAddr>("broadcast_address")?;
    let listen = cells.get::<IpAddr>("listen_address")?;
    let host = [reported_ip(cells)?, broadcast, listen]
        .into_iter()
        .flatten()
        .find(|ip| !ip.is_unspecified())
        .map_or_else(|| control_addr.host.clone(), |ip| ip.to_string());
    let port = native_port(cells)?.unwrap_or(control_addr.port);
    let tokens = if has_tokens {
        tokens(cells, partitioner)?.unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(NodeRow {
        host_id: id.host_id,
        addr: NodeAddr::new(host, port),
        broadcast_address: broadcast,
        datacenter: id.datacenter,
        rack: id.rack,
        tokens,
        release_version: id.release_version,
        schema_version: id.schema_version,
    })
}

fn peer_node(
    cells: &Cells<'_>,
    table: &Table<'_>,
    partitioner: Option<Partitioner>,
    default_port: u16,
) -> Result<NodeRow, Problem> {
    let id = identity(cells)?;
    let peer = cells.get::<IpAddr>("peer")?;
    let reported = reported_ip(cells)?.ok_or(Problem::Missing("rpc/native address"))?;
    let ip = if reported.is_unspecified() {
        peer.ok_or(Problem::Missing(
            "peer address (the rpc address is a wildcard)",
        ))?
    } else {
        reported
    };
    let port = native_port(cells)?.unwrap_or(default_port);
    let tokens = if table.has_column("tokens") {
        tokens(cells, partitioner)?.ok_or(Problem::Missing("tokens"))?
    } else {
        Vec::new()
    };
    Ok(NodeRow {
        host_id: id.host_id,
        addr: NodeAddr::new(ip.to_string(), port),
        broadcast_address: peer,
        datacenter: id.datacenter,
        rack: id.rack,
        tokens,
        release_version: id.release_version,
        schema_version: id.schema_version,
    })
}
