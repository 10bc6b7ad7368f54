//! Row decoding (hand-built system-table results), diffs, hosts, keyspaces and schema
//! agreement.

use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::net::IpAddr;

use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::cluster::replication::ReplicationStrategy;
use crate::message::{ResultMetadata, Rows};
use crate::types::{ColumnSpec, ColumnType, CqlValue};

const LOCAL_COLUMNS: &[(&str, &str)] = &[
    ("key", "text"),
    ("broadcast_address", "inet"),
    ("cluster_name", "text"),
    ("data_center", "text"),
    ("host_id", "uuid"),
    ("listen_address", "inet"),
    ("partitioner", "text"),
    ("rack", "text"),
    ("release_version", "text"),
    ("rpc_address", "inet"),
    ("rpc_port", "int"),
    ("schema_version", "uuid"),
    ("tokens", "set<text>"),
];

const PEERS_V2_COLUMNS: &[(&str, &str)] = &[
    ("peer", "inet"),
    ("peer_port", "int"),
    ("data_center", "text"),
    ("host_id", "uuid"),
    ("rack", "text"),
    ("release_version", "text"),
    ("native_address", "inet"),
    ("native_port", "int"),
    ("schema_version", "uuid"),
    ("tokens", "set<text>"),
];

const PEERS_COLUMNS: &[(&str, &str)] = &[
    ("peer", "inet"),
    ("data_center", "text"),
    ("host_id", "uuid"),
    ("rack", "text"),
    ("release_version", "text"),
    ("rpc_address", "inet"),
    ("schema_version", "uuid"),
    ("tokens", "set<text>"),
];

const MURMUR3: &str = "org.apache.cassandra.dht.Murmur3Partitioner";

/// A row as named values (shared with the schema parser's tests).
pub(crate) type Named = Vec<(&'static str, CqlValue)>;

fn specs(columns: &[(&str, &str)]) -> Vec<ColumnSpec> {
    columns
        .iter()
        .map(|(name, typ)| ColumnSpec {
            keyspace: "system".into(),
            table: "t".into(),
            name: (*name).into(),
            typ: ColumnType::parse_cql(typ).unwrap(),
        })
        .collect()
}

/// A Rows result with `columns`, each row given as named values (others null).
pub(crate) fn rows(columns: &[(&str, &str)], rows: &[Named]) -> Rows {
    let specs = specs(columns);
    let cells: Vec<Vec<Option<Vec<u8>>>> = rows
        .iter()
        .map(|row| {
            specs
                .iter()
                .map(|spec| {
                    row.iter().find(|(n, _)| *n == spec.name).map(|(_, v)| {
                        let mut out = Vec::new();
                        v.serialize(&spec.typ, &mut out).unwrap();
                        out
                    })
                })
                .collect()
        })
        .collect();
    Rows::from_cells(
        ResultMetadata::new(specs, None),
        cells.iter().map(|r| r.iter().map(|c| c.as_deref())),
    )
    .unwrap()
}

pub(crate) fn text(s: &str) -> CqlValue {
    CqlValue::Text(s.into())
}

fn inet(s: &str) -> CqlValue {
    CqlValue::Inet(s.parse().unwrap())
}

fn tokens(ts: &[i64]) -> CqlValue {
    CqlValue::Set(ts.iter().map(|t| text(&t.to_string())).collect())
}

fn id(n: u8) -> Uuid {
    Uuid::from_bytes([n; 16])
}

fn local_row(ip: &str) -> Named {
    vec![
        ("key", text("local")),
        ("broadcast_address", inet(ip)),
        ("cluster_name", text("Test Cluster")),
        ("data_center", text("dc1")),
        ("host_id", CqlValue::Uuid(id(1))),
        ("listen_address", inet(ip)),
        ("partitioner", text(MURMUR3)),
        ("rack", text("r1")),
        ("release_version", text("4.1.7")),
        ("rpc_address", inet(ip)),
        ("rpc_port", CqlValue::Int(9160)),
        ("schema_version", CqlValue::Uuid(id(100))),
        ("tokens", tokens(&[-5, 10, 3])),
    ]
}

fn peer_v2(n: u8, ip: &str, port: i32) -> Named {
    vec![
        ("peer", inet(ip)),
        ("peer_port", CqlValue::Int(7000)),
        ("data_center", text("dc2")),
        ("host_id", CqlValue::Uuid(id(n))),
        ("rack", text("r2")),
        ("release_version", text("4.1.7")),
        ("native_address", inet(ip)),
        ("native_port", CqlValue::Int(port)),
        ("schema_version", CqlValue::Uuid(id(100))),
        ("tokens", tokens(&[i64::from(n) * 100])),
    ]
}

fn peer_v1(n: u8, peer: &str, rpc: &str) -> Named {
    vec![
        ("peer", inet(peer)),
        ("data_center", text("dc1")),
        ("host_id", CqlValue::Uuid(id(n))),
        ("rack", text("r1")),
        ("release_version", text("3.11.4")),
        ("rpc_address", inet(rpc)),
        ("schema_version", CqlValue::Uuid(id(100))),
        ("tokens", tokens(&[i64::from(n)])),
    ]
}

fn without(mut row: Named, column: &str) -> Named {
    row.retain(|(n, _)| *n != column);
    row
}

fn with(mut row: Named, column: &'static str, value: CqlValue) -> Named {
    row.retain(|(n, _)| *n != column);
    row.push((column, value));
    row
}

fn control() -> NodeAddr {
    NodeAddr::new("127.0.0.1", 19042)
}

fn decode_v2(local: &[Named], peers: &[Named]) -> Result<TopologySnapshot, TopologyError> {
    decode_topology(
        &rows(LOCAL_COLUMNS, local),
        &rows(PEERS_V2_COLUMNS, peers),
        PeersTable::V2,
        &control(),
        9042,
    )
}

#[test]
fn local_and_peers_v2() {
    let snap = decode_v2(
        &[local_row("127.0.0.1")],
        &[peer_v2(2, "10.0.0.2", 9043), peer_v2(3, "10.0.0.3", 9044)],
    )
    .unwrap();
    assert_eq!(snap.cluster_name.as_deref(), Some("Test Cluster"));
    assert_eq!(snap.partitioner, Some(Partitioner::Murmur3));
    assert_eq!(snap.control_addr, control());
    let local = &snap.local;
    assert_eq!(local.host_id, id(1));
    // rpc_port (the Thrift port before Cassandra 4) is ignored: the connection's port.
    assert_eq!(local.addr, NodeAddr::new("127.0.0.1", 19042));
    assert_eq!(
        (local.datacenter.as_str(), local.rack.as_str()),
        ("dc1", "r1")
    );
    // Tokens keep the set's order (Cassandra sorts them as text).
    assert_eq!(
        local.tokens,
        vec![Token::Murmur3(-5), Token::Murmur3(10), Token::Murmur3(3)]
    );
    assert_eq!(local.release_version.as_deref(), Some("4.1.7"));
    assert_eq!(local.schema_version, Some(id(100)));
    assert_eq!(local.broadcast_address, Some("127.0.0.1".parse().unwrap()));
    assert_eq!(snap.peers.len(), 2);
    let p = &snap.peers[0];
    assert_eq!(p.addr, NodeAddr::new("10.0.0.2", 9043));
    assert_eq!(p.tokens, vec![Token::Murmur3(200)]);
    assert_eq!(p.datacenter, "dc2");
    assert_eq!(snap.peers[1].addr, NodeAddr::new("10.0.0.3", 9044));
    assert_eq!(snap.nodes().count(), 3);
    assert_eq!(snap.node(&id(3)).unwrap().addr.port, 9044);
    assert_eq!(
        snap.node_at(&NodeAddr::new("10.0.0.2", 9043))
            .unwrap()
            .host_id,
        id(2)
    );
    assert!(snap.node(&id(9)).is_none());
}

#[test]
fn peers_v1_rules() {
    let peers = [
        // A wildcard rpc_address means "use peer".
        peer_v1(2, "10.0.0.2", "0.0.0.0"),
        peer_v1(3, "10.0.0.3", "::"),
        // Missing facts: skipped.
        without(peer_v1(4, "10.0.0.4", "10.0.0.4"), "host_id"),
        without(peer_v1(5, "10.0.0.5", "10.0.0.5"), "data_center"),
        without(peer_v1(6, "10.0.0.6", "10.0.0.6"), "rack"),
        without(peer_v1(7, "10.0.0.7", "10.0.0.7"), "rpc_address"),
        without(peer_v1(8, "10.0.0.8", "10.0.0.8"), "tokens"),
        with(
            peer_v1(9, "10.0.0.9", "10.0.0.9"),
            "tokens",
            CqlValue::Set(vec![]),
        ),
        // A malformed token: skipped.
        with(
            peer_v1(10, "10.0.0.10", "10.0.0.10"),
            "tokens",
            CqlValue::Set(vec![text("not a token")]),
        ),
        // Same endpoint as node 2 (after the wildcard rule): the second is dropped.
        peer_v1(11, "10.0.0.2", "10.0.0.2"),
        // Same endpoint as the local node: dropped.
        peer_v1(12, "127.0.0.1", "127.0.0.1"),
        // Same host id as node 3 at another address: dropped.
        peer_v1(3, "10.0.0.13", "10.0.0.13"),
        peer_v1(14, "10.0.0.14", "10.0.0.14"),
    ];
    // The local row reports port 9042 through native_port, matching peer 12's default.
    let local = with(local_row("127.0.0.1"), "native_port", CqlValue::Int(9042));
    let mut local_columns = LOCAL_COLUMNS.to_vec();
    local_columns.push(("native_port", "int"));
    let snap = decode_topology(
        &rows(&local_columns, &[local]),
        &rows(PEERS_COLUMNS, &peers),
        PeersTable::V1,
        &control(),
        9042,
    )
    .unwrap();
    assert_eq!(snap.local.addr, NodeAddr::new("127.0.0.1", 9042));
    let got: Vec<(Uuid, String, u16)> = snap
        .peers
        .iter()
        .map(|p| (p.host_id, p.addr.host.clone(), p.addr.port))
        .collect();
    assert_eq!(
        got,
        vec![
            (id(2), "10.0.0.2".to_owned(), 9042),
            (id(3), "10.0.0.3".to_owned(), 9042),
            (id(14), "10.0.0.14".to_owned(), 9042),
        ]
    );
    assert_eq!(
        snap.peers[0].broadcast_address,
        Some("10.0.0.2".parse().unwrap())
    );
    assert_eq!(snap.peers[0].release_version.as_deref(), Some("3.11.4"));
}

#[test]
fn peers_without_token_column_and_last_address_wins() {
    // A tokens-off query: no tokens column, so rows without tokens are fine.
    let columns: Vec<(&str, &str)> = PEERS_COLUMNS
        .iter()
        .copied()
        .filter(|(n, _)| *n != "tokens")
        .chain([("native_transport_address", "inet")])
        .collect();
    let row = with(
        without(peer_v1(2, "10.0.0.2", "10.0.0.2"), "tokens"),
        "native_transport_address",
        inet("192.168.0.2"),
    );
    let snap = decode_topology(
        &rows(LOCAL_COLUMNS, &[local_row("127.0.0.1")]),
        &rows(&columns, &[row]),
        PeersTable::V1,
        &control(),
        9042,
    )
    .unwrap();
    assert_eq!(snap.peers[0].addr, NodeAddr::new("192.168.0.2", 9042));
    assert!(snap.peers[0].tokens.is_empty());
}

#[test]
fn peers_v2_ports_and_bad_ports() {
    let peers = [
        peer_v2(2, "10.0.0.2", 9999),
        without(peer_v2(3, "10.0.0.3", 0), "native_port"),
        peer_v2(4, "10.0.0.4", 70000),
        peer_v2(5, "10.0.0.5", -1),
        // Same address, another port: a distinct endpoint.
        peer_v2(6, "10.0.0.2", 9998),
        with(
            peer_v2(7, "10.0.0.7", 9042),
            "native_address",
            inet("0.0.0.0"),
        ),
    ];
    let snap = decode_v2(&[local_row("127.0.0.1")], &peers).unwrap();
    let got: Vec<NodeAddr> = snap.peers.iter().map(|p| p.addr.clone()).collect();
    assert_eq!(
        got,
        vec![
            NodeAddr::new("10.0.0.2", 9999),
            NodeAddr::new("10.0.0.3", 9042),
            NodeAddr::new("10.0.0.2", 9998),
            NodeAddr::new("10.0.0.7", 9042),
        ]
    );
}

#[test]
fn local_row_fallbacks_and_errors() {
    // Wildcard rpc address: broadcast_address, then listen_address, then the connection.
    let wildcard = with(local_row("10.1.1.1"), "rpc_address", inet("0.0.0.0"));
    let snap = decode_v2(core::slice::from_ref(&wildcard), &[]).unwrap();
    assert_eq!(snap.local.addr.host, "10.1.1.1");
    let no_broadcast = with(
        without(wildcard, "broadcast_address"),
        "listen_address",
        inet("10.2.2.2"),
    );
    assert_eq!(
        decode_v2(core::slice::from_ref(&no_broadcast), &[])
            .unwrap()
            .local
            .addr
            .host,
        "10.2.2.2"
    );
    let nothing = without(no_broadcast, "listen_address");
    assert_eq!(decode_v2(&[nothing], &[]).unwrap().local.addr, control());

    // No row, no host id, no rack, a mistyped column, no metadata.
    assert_eq!(decode_v2(&[], &[]).unwrap_err(), TopologyError::NoLocalRow);
    let e = decode_v2(&[without(local_row("127.0.0.1"), "host_id")], &[]).unwrap_err();
    assert_eq!(e.to_string(), "system.local: no host_id");
    let e = decode_v2(&[without(local_row("127.0.0.1"), "rack")], &[]).unwrap_err();
    assert!(matches!(e, TopologyError::InvalidLocalRow(_)), "{e}");
    let mut bad_columns = LOCAL_COLUMNS.to_vec();
    for c in &mut bad_columns {
        if c.0 == "cluster_name" {
            c.1 = "int";
        }
    }
    let row = with(local_row("127.0.0.1"), "cluster_name", CqlValue::Int(1));
    let e = decode_topology(
        &rows(&bad_columns, &[row]),
        &rows(PEERS_V2_COLUMNS, &[]),
        PeersTable::V2,
        &control(),
        9042,
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            TopologyError::Column {
                table: "system.local",
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("cluster_name"), "{e}");
    let mut no_metadata = rows(PEERS_V2_COLUMNS, &[]);
    no_metadata.metadata.columns = None;
    let e = decode_topology(
        &rows(LOCAL_COLUMNS, &[local_row("127.0.0.1")]),
        &no_metadata,
        PeersTable::V2,
        &control(),
        9042,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "system.peers_v2: the result has no column metadata"
    );
}

#[test]
fn unknown_partitioner_keeps_the_nodes_without_tokens() {
    let local = with(
        local_row("127.0.0.1"),
        "partitioner",
        text("org.apache.cassandra.dht.OrderPreservingPartitioner"),
    );
    let snap = decode_v2(&[local], &[peer_v2(2, "10.0.0.2", 9042)]).unwrap();
    assert_eq!(snap.partitioner, None);
    assert!(snap.local.tokens.is_empty());
    assert_eq!(snap.peers.len(), 1);
    assert!(snap.peers[0].tokens.is_empty());
}

#[test]
fn diff_by_host_id() {
    let old = decode_v2(
        &[local_row("127.0.0.1")],
        &[peer_v2(2, "10.0.0.2", 9042), peer_v2(3, "10.0.0.3", 9042)],
    )
    .unwrap();
    let all = TopologyDiff::between(None, &old);
    assert_eq!(all.added.len(), 3);
    assert!(all.removed.is_empty() && all.changed.is_empty());
    assert!(TopologyDiff::between(Some(&old), &old).is_empty());

    // Node 2 moves, node 3 leaves, node 4 joins; a new schema version changes nothing.
    let new = decode_v2(
        &[with(
            local_row("127.0.0.1"),
            "schema_version",
            CqlValue::Uuid(id(101)),
        )],
        &[
            with(peer_v2(2, "10.0.0.2", 9042), "tokens", tokens(&[7])),
            peer_v2(4, "10.0.0.4", 9042),
        ],
    )
    .unwrap();
    let diff = TopologyDiff::between(Some(&old), &new);
    let ids = |rows: &[NodeRow]| rows.iter().map(|r| r.host_id).collect::<Vec<_>>();
    assert_eq!(ids(&diff.added), vec![id(4)]);
    assert_eq!(ids(&diff.removed), vec![id(3)]);
    assert_eq!(ids(&diff.changed), vec![id(2)]);
    assert_eq!(diff.changed[0].tokens, vec![Token::Murmur3(7)]);
    assert!(!diff.is_empty());
}

#[test]
fn hosts_from_a_snapshot() {
    let snap = decode_v2(
        &[local_row("127.0.0.1")],
        &[
            peer_v2(2, "10.0.0.2", 9042),
            peer_v2(3, "10.0.0.3", 9042),
            peer_v2(4, "10.0.0.4", 9042),
        ],
    )
    .unwrap();
    // A translator mapping 10.0.0.x to a public address; 10.0.0.4 collides with .3.
    let hosts = snap.hosts(|a| {
        let last = a.host.rsplit('.').next().unwrap().to_string();
        let last = if last == "4" { "3".to_owned() } else { last };
        NodeAddr::new(alloc::format!("public-{last}"), 19000)
    });
    assert_eq!(hosts.len(), 3);
    assert_eq!(hosts[0].host_id, id(1));
    assert_eq!(hosts[0].addr, control());
    assert_eq!(hosts[0].reported_addr, NodeAddr::new("127.0.0.1", 19042));
    assert_eq!(hosts[1].addr, NodeAddr::new("public-2", 19000));
    assert_eq!(hosts[1].reported_addr, NodeAddr::new("10.0.0.2", 9042));
    assert_eq!(hosts[1].datacenter.as_deref(), Some("dc2"));
    assert_eq!(hosts[1].rack.as_deref(), Some("r2"));
    assert_eq!(hosts[1].tokens, vec![Token::Murmur3(200)]);
    assert_eq!(hosts[1].release_version.as_deref(), Some("4.1.7"));
    assert!(hosts.iter().all(Host::is_up));
    assert_eq!(hosts[2].host_id, id(3));
}

const KEYSPACE_COLUMNS: &[(&str, &str)] = &[
    ("keyspace_name", "text"),
    ("durable_writes", "boolean"),
    ("replication", "frozen<map<text, text>>"),
];

fn keyspace(name: &str, replication: &[(&str, &str)]) -> Named {
    vec![
        ("keyspace_name", text(name)),
        ("durable_writes", CqlValue::Boolean(true)),
        (
            "replication",
            CqlValue::Map(
                replication
                    .iter()
                    .map(|(k, v)| (text(k), text(v)))
                    .collect(),
            ),
        ),
    ]
}

#[test]
fn keyspace_strategies() {
    let result = rows(
        KEYSPACE_COLUMNS,
        &[
            keyspace(
                "simple",
                &[
                    ("class", "org.apache.cassandra.locator.SimpleStrategy"),
                    ("replication_factor", "3"),
                ],
            ),
            keyspace(
                "nts",
                &[
                    (
                        "class",
                        "org.apache.cassandra.locator.NetworkTopologyStrategy",
                    ),
                    ("dc1", "3"),
                    ("dc2", "2/1"),
                ],
            ),
            keyspace(
                "system",
                &[("class", "org.apache.cassandra.locator.LocalStrategy")],
            ),
            keyspace(
                "dse_system",
                &[("class", "org.apache.cassandra.locator.EverywhereStrategy")],
            ),
            keyspace("custom", &[("class", "com.example.MyStrategy")]),
            // No class: left out.
            keyspace("broken", &[("replication_factor", "3")]),
            without(keyspace("noname", &[]), "keyspace_name"),
        ],
    );
    let got = keyspaces_from_rows(&result).unwrap();
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["simple", "nts", "system", "dse_system", "custom"]);
    assert_eq!(
        got[0].1,
        ReplicationStrategy::Simple {
            replication_factor: 3
        }
    );
    assert_eq!(
        got[1].1,
        ReplicationStrategy::NetworkTopology {
            datacenters: BTreeMap::from([("dc1".to_owned(), 3), ("dc2".to_owned(), 2)])
        }
    );
    assert_eq!(got[2].1, ReplicationStrategy::Local);
    assert_eq!(got[3].1, ReplicationStrategy::Everywhere);
    assert!(matches!(got[4].1, ReplicationStrategy::Other { .. }));
}

#[test]
fn schema_agreement_rules() {
    let peer = |n: u8, v: Option<u8>| PeerSchemaVersion {
        host_id: Some(id(n)),
        schema_version: v.map(id),
    };
    let nobody_down = |_: &Uuid| false;
    assert!(schema_agreement(Some(id(100)), &[], nobody_down));
    assert!(!schema_agreement(None, &[], nobody_down));
    assert!(schema_agreement(
        Some(id(100)),
        &[peer(2, Some(100)), peer(3, Some(100))],
        nobody_down
    ));
    let split = [peer(2, Some(100)), peer(3, Some(101))];
    assert!(!schema_agreement(Some(id(100)), &split, nobody_down));
    assert_eq!(schema_versions(Some(id(100)), &split, nobody_down).len(), 2);
    // A peer known down does not count; nor do null versions and rows without host id.
    assert!(schema_agreement(Some(id(100)), &split, |h| *h == id(3)));
    assert!(schema_agreement(
        Some(id(100)),
        &[
            peer(2, None),
            PeerSchemaVersion {
                host_id: None,
                schema_version: Some(id(7)),
            },
        ],
        nobody_down
    ));
    // Local unknown: the peers alone decide.
    assert!(schema_agreement(None, &[peer(2, Some(100))], nobody_down));
}

#[test]
fn schema_version_queries() {
    let local = rows(
        &[("schema_version", "uuid")],
        &[vec![("schema_version", CqlValue::Uuid(id(100)))]],
    );
    assert_eq!(local_schema_version(&local).unwrap(), Some(id(100)));
    let empty = rows(&[("schema_version", "uuid")], &[]);
    assert_eq!(
        local_schema_version(&empty).unwrap_err(),
        TopologyError::NoLocalRow
    );
    let peers = rows(
        &[
            ("host_id", "uuid"),
            ("peer", "inet"),
            ("schema_version", "uuid"),
        ],
        &[
            vec![
                ("host_id", CqlValue::Uuid(id(2))),
                ("schema_version", CqlValue::Uuid(id(100))),
            ],
            vec![("peer", inet("10.0.0.3"))],
        ],
    );
    assert_eq!(
        peer_schema_versions(&peers).unwrap(),
        vec![
            PeerSchemaVersion {
                host_id: Some(id(2)),
                schema_version: Some(id(100)),
            },
            PeerSchemaVersion {
                host_id: None,
                schema_version: None,
            },
        ]
    );
}

fn arbitrary_rows(columns: &'static [(&'static str, &'static str)]) -> impl Strategy<Value = Rows> {
    let width = columns.len();
    prop::collection::vec(
        prop::collection::vec(
            prop::option::of(prop::collection::vec(any::<u8>(), 0..24)),
            width,
        ),
        0..4,
    )
    .prop_map(move |cells| {
        Rows::from_cells(
            ResultMetadata::new(specs(columns), None),
            cells.iter().map(|r| r.iter().map(|c| c.as_deref())),
        )
        .unwrap()
    })
}

proptest! {
    #[test]
    fn arbitrary_cells_never_panic(
        local in arbitrary_rows(LOCAL_COLUMNS),
        peers in arbitrary_rows(PEERS_V2_COLUMNS),
        v1 in arbitrary_rows(PEERS_COLUMNS),
        keyspaces in arbitrary_rows(KEYSPACE_COLUMNS),
    ) {
        let _ = decode_topology(&local, &peers, PeersTable::V2, &control(), 9042);
        let _ = decode_topology(&local, &v1, PeersTable::V1, &control(), 9042);
        let _ = keyspaces_from_rows(&keyspaces);
        let _ = local_schema_version(&local);
        let _ = peer_schema_versions(&peers);
    }

    #[test]
    fn valid_peers_survive(n in 1u8..40) {
        let peers: Vec<Named> = (2..2 + n).map(|i| peer_v2(i, &alloc::format!("10.0.1.{i}"), 9042)).collect();
        let snap = decode_v2(&[local_row("127.0.0.1")], &peers).unwrap();
        prop_assert_eq!(snap.peers.len(), usize::from(n));
        let ip: IpAddr = "10.0.1.2".parse().unwrap();
        prop_assert_eq!(snap.peers[0].broadcast_address, Some(ip));
    }
}
