//! System keyspace tests: definitions as Cassandra 4.1 declares them, and the computed rows.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use bytes::Bytes;
use cql_core::types::CqlValue;
use uuid::Uuid;

use super::{computed, defs, system_keyspaces};
use crate::cql::parse_statement;
use crate::sim::info::{NodeInfo, PeerInfo};
use crate::sim::schema::types::cql_type_string;
use crate::sim::schema::{ColumnKind, Schema, Table, ddl};

fn schema() -> Schema {
    let mut s = Schema {
        version: Uuid::from_u128(0x1234),
        ..Schema::default()
    };
    for ks in system_keyspaces() {
        s.keyspaces.insert(ks.name.clone(), ks);
    }
    s
}

fn apply(s: &mut Schema, cql: &str) {
    let p = parse_statement(cql).unwrap();
    ddl::execute(s, &p.statement, Some("ks")).unwrap().unwrap();
}

/// Decodes computed rows into name → value maps.
fn decode(table: &Table, rows: &[Vec<Option<Bytes>>]) -> Vec<BTreeMap<String, Option<CqlValue>>> {
    rows.iter()
        .map(|row| {
            assert_eq!(row.len(), table.columns.len());
            table
                .columns
                .iter()
                .zip(row)
                .map(|(c, cell)| {
                    let v = CqlValue::deserialize(&c.typ, cell.as_deref()).unwrap();
                    (c.name.clone(), v)
                })
                .collect()
        })
        .collect()
}

fn read(s: &Schema, info: &NodeInfo, ks: &str, t: &str) -> Vec<BTreeMap<String, Option<CqlValue>>> {
    let rows = super::rows(s, info, ks, t).unwrap_or_else(|| panic!("{ks}.{t} not computed"));
    decode(s.table(ks, t).unwrap(), &rows)
}

fn text(v: &Option<CqlValue>) -> &str {
    match v {
        Some(CqlValue::Text(s)) => s,
        other => panic!("not text: {other:?}"),
    }
}

fn column_types(t: &Table) -> Vec<(String, String, ColumnKind)> {
    t.columns
        .iter()
        .map(|c| (c.name.clone(), cql_type_string(&c.typ, c.frozen), c.kind))
        .collect()
}

#[test]
fn every_definition_builds() {
    let total: usize = system_keyspaces().iter().map(|k| k.tables.len()).sum();
    assert_eq!(total, defs::definition_count());
    // DSE: 3 tables replaced (local, peers, keyspaces), peers_v2 gone, 2 added.
    let dse: usize = super::dse_system_keyspaces()
        .iter()
        .map(|k| k.tables.len())
        .sum();
    assert_eq!(dse, total + defs::dse_definition_count() - 3 - 1);
    let names: Vec<String> = system_keyspaces().into_iter().map(|k| k.name).collect();
    assert_eq!(
        names,
        [
            "system",
            "system_schema",
            "system_auth",
            "system_distributed",
            "system_traces",
            "system_views",
            "system_virtual_schema"
        ]
    );
}

#[test]
fn keyspace_settings() {
    let s = schema();
    let class = |ks: &str| s.keyspace(ks).unwrap().replication.get("class").cloned();
    for ks in [
        "system",
        "system_schema",
        "system_views",
        "system_virtual_schema",
    ] {
        assert_eq!(
            class(ks).as_deref(),
            Some("org.apache.cassandra.locator.LocalStrategy")
        );
    }
    for (ks, rf) in [
        ("system_auth", "1"),
        ("system_distributed", "3"),
        ("system_traces", "2"),
    ] {
        let k = s.keyspace(ks).unwrap();
        assert_eq!(
            k.replication.get("class").unwrap(),
            "org.apache.cassandra.locator.SimpleStrategy"
        );
        assert_eq!(k.replication.get("replication_factor").unwrap(), rf);
        assert!(!k.is_virtual);
    }
    assert!(s.keyspace("system_views").unwrap().is_virtual);
    let vt = s.table("system_virtual_schema", "columns").unwrap();
    assert!(vt.is_virtual);
    // System table ids are name-based, as Cassandra's TableId.forSystemTable.
    let local = s.table("system", "local").unwrap();
    assert_eq!(local.id, defs::system_table_id("system", "local"));
    assert_eq!(local.id.get_version_num(), 3);
    assert_eq!(local.options.comment, "information about the local node");
    assert_eq!(local.options.gc_grace_seconds, 0);
}

#[test]
fn local_and_peers_definitions() {
    let s = schema();
    let local = column_types(s.table("system", "local").unwrap());
    let find = |cols: &[(String, String, ColumnKind)], n: &str| {
        cols.iter()
            .find(|c| c.0 == n)
            .map(|c| c.1.clone())
            .unwrap_or_else(|| panic!("no column {n}"))
    };
    assert_eq!(
        local[0],
        ("key".into(), "text".into(), ColumnKind::PartitionKey)
    );
    assert_eq!(find(&local, "tokens"), "set<text>");
    assert_eq!(find(&local, "truncated_at"), "map<uuid, blob>");
    assert_eq!(find(&local, "schema_version"), "uuid");
    assert_eq!(find(&local, "rpc_address"), "inet");
    assert_eq!(local.len(), 20);
    let peers_v2 = column_types(s.table("system", "peers_v2").unwrap());
    assert_eq!(
        peers_v2[1],
        ("peer_port".into(), "int".into(), ColumnKind::Clustering)
    );
    assert_eq!(find(&peers_v2, "native_address"), "inet");
    let tables = column_types(s.table("system_schema", "tables").unwrap());
    assert_eq!(find(&tables, "caching"), "frozen<map<text, text>>");
    assert_eq!(find(&tables, "flags"), "frozen<set<text>>");
    assert_eq!(find(&tables, "extensions"), "frozen<map<text, blob>>");
    let traces = column_types(s.table("system_traces", "events").unwrap());
    assert_eq!(
        traces[1],
        ("event_id".into(), "timeuuid".into(), ColumnKind::Clustering)
    );
}

fn info_with_peer() -> NodeInfo {
    NodeInfo {
        host_id: Uuid::from_u128(7),
        tokens: vec![-5, 100, 20],
        peers: vec![PeerInfo {
            address: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)),
            native_port: 9043,
            host_id: Uuid::from_u128(8),
            datacenter: "dc2".into(),
            rack: "r2".into(),
            tokens: vec![1, 2],
            release_version: "4.1.7".into(),
            schema_version: Some(Uuid::from_u128(0x1234)),
        }],
        ..NodeInfo::default()
    }
}

#[test]
fn system_local_row() {
    let s = schema();
    let info = info_with_peer();
    let rows = read(&s, &info, "system", "local");
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(text(&r["key"]), "local");
    assert_eq!(text(&r["bootstrapped"]), "COMPLETED");
    assert_eq!(text(&r["cluster_name"]), "Test Cluster");
    assert_eq!(text(&r["data_center"]), "datacenter1");
    assert_eq!(text(&r["rack"]), "rack1");
    assert_eq!(text(&r["native_protocol_version"]), "5");
    assert_eq!(text(&r["release_version"]), "4.1.7");
    assert_eq!(text(&r["cql_version"]), "3.4.6");
    assert_eq!(
        text(&r["partitioner"]),
        "org.apache.cassandra.dht.Murmur3Partitioner"
    );
    let localhost = Some(CqlValue::Inet(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    assert_eq!(r["rpc_address"], localhost);
    assert_eq!(r["broadcast_address"], localhost);
    assert_eq!(r["listen_address"], localhost);
    assert_eq!(r["rpc_port"], Some(CqlValue::Int(9042)));
    assert_eq!(r["listen_port"], Some(CqlValue::Int(7000)));
    assert_eq!(r["host_id"], Some(CqlValue::Uuid(Uuid::from_u128(7))));
    assert_eq!(
        r["schema_version"],
        Some(CqlValue::Uuid(Uuid::from_u128(0x1234)))
    );
    // Tokens as set<text>, in text order.
    assert_eq!(
        r["tokens"],
        Some(CqlValue::Set(vec![
            CqlValue::Text("-5".into()),
            CqlValue::Text("100".into()),
            CqlValue::Text("20".into()),
        ]))
    );
    assert_eq!(r["truncated_at"], None);
}

#[test]
fn system_peers_rows() {
    let s = schema();
    let info = info_with_peer();
    let peer = Some(CqlValue::Inet(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2))));
    let v1 = read(&s, &info, "system", "peers");
    assert_eq!(v1.len(), 1);
    assert_eq!(v1[0]["peer"], peer);
    assert_eq!(v1[0]["rpc_address"], peer);
    assert_eq!(text(&v1[0]["data_center"]), "dc2");
    assert_eq!(text(&v1[0]["rack"]), "r2");
    assert_eq!(v1[0]["host_id"], Some(CqlValue::Uuid(Uuid::from_u128(8))));
    assert_eq!(
        v1[0]["schema_version"],
        Some(CqlValue::Uuid(Uuid::from_u128(0x1234)))
    );
    let v2 = read(&s, &info, "system", "peers_v2");
    assert_eq!(v2[0]["native_address"], peer);
    assert_eq!(v2[0]["native_port"], Some(CqlValue::Int(9043)));
    assert_eq!(v2[0]["peer_port"], Some(CqlValue::Int(7000)));
    assert_eq!(
        v2[0]["tokens"],
        Some(CqlValue::Set(vec![
            CqlValue::Text("1".into()),
            CqlValue::Text("2".into())
        ]))
    );
    // No peers: no rows.
    assert!(read(&s, &NodeInfo::default(), "system", "peers").is_empty());
}

fn user_schema() -> Schema {
    let mut s = schema();
    apply(
        &mut s,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}",
    );
    apply(&mut s, "CREATE TYPE addr (street text, nums list<int>)");
    apply(
        &mut s,
        "CREATE TABLE t (k int, c text, v frozen<addr>, m map<text, int>, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'hello'",
    );
    apply(&mut s, "CREATE INDEX ON t (keys(m))");
    s
}

fn by<'a>(
    rows: &'a [BTreeMap<String, Option<CqlValue>>],
    pairs: &[(&str, &str)],
) -> &'a BTreeMap<String, Option<CqlValue>> {
    rows.iter()
        .find(|r| pairs.iter().all(|(k, v)| text(&r[*k]) == *v))
        .unwrap_or_else(|| panic!("no row {pairs:?}"))
}

fn text_map(pairs: &[(&str, &str)]) -> Option<CqlValue> {
    Some(CqlValue::Map(
        pairs
            .iter()
            .map(|(k, v)| (CqlValue::Text((*k).into()), CqlValue::Text((*v).into())))
            .collect(),
    ))
}

#[test]
fn system_schema_round_trip() {
    let s = user_schema();
    let info = NodeInfo::default();

    let ks = read(&s, &info, "system_schema", "keyspaces");
    let names: Vec<&str> = ks.iter().map(|r| text(&r["keyspace_name"])).collect();
    assert_eq!(
        names,
        [
            "ks",
            "system",
            "system_auth",
            "system_distributed",
            "system_schema",
            "system_traces"
        ]
    );
    let r = by(&ks, &[("keyspace_name", "ks")]);
    assert_eq!(r["durable_writes"], Some(CqlValue::Boolean(true)));
    assert_eq!(
        r["replication"],
        text_map(&[
            ("class", "org.apache.cassandra.locator.SimpleStrategy"),
            ("replication_factor", "2")
        ])
    );

    let tables = read(&s, &info, "system_schema", "tables");
    let t = by(&tables, &[("keyspace_name", "ks"), ("table_name", "t")]);
    assert_eq!(text(&t["comment"]), "hello");
    assert_eq!(t["gc_grace_seconds"], Some(CqlValue::Int(864_000)));
    assert_eq!(t["bloom_filter_fp_chance"], Some(CqlValue::Double(0.01)));
    assert_eq!(
        t["flags"],
        Some(CqlValue::Set(vec![CqlValue::Text("compound".into())]))
    );
    assert_eq!(
        t["caching"],
        text_map(&[("keys", "ALL"), ("rows_per_partition", "NONE")])
    );
    assert_eq!(
        t["id"],
        Some(CqlValue::Uuid(s.table("ks", "t").unwrap().id))
    );
    assert_eq!(text(&t["speculative_retry"]), "99p");
    assert_eq!(text(&t["read_repair"]), "BLOCKING");
    // System tables are described too.
    by(
        &tables,
        &[("keyspace_name", "system"), ("table_name", "local")],
    );
    by(
        &tables,
        &[
            ("keyspace_name", "system_schema"),
            ("table_name", "columns"),
        ],
    );
    assert!(
        tables
            .iter()
            .all(|r| text(&r["keyspace_name"]) != "system_views")
    );

    let cols = read(&s, &info, "system_schema", "columns");
    let col = |n: &str| {
        by(
            &cols,
            &[
                ("keyspace_name", "ks"),
                ("table_name", "t"),
                ("column_name", n),
            ],
        )
    };
    assert_eq!(text(&col("k")["kind"]), "partition_key");
    assert_eq!(col("k")["position"], Some(CqlValue::Int(0)));
    assert_eq!(text(&col("k")["clustering_order"]), "none");
    assert_eq!(text(&col("c")["kind"]), "clustering");
    assert_eq!(text(&col("c")["clustering_order"]), "desc");
    assert_eq!(text(&col("v")["type"]), "frozen<addr>");
    assert_eq!(text(&col("v")["kind"]), "regular");
    assert_eq!(col("v")["position"], Some(CqlValue::Int(-1)));
    assert_eq!(text(&col("m")["type"]), "map<text, int>");
    assert_eq!(
        col("m")["column_name_bytes"],
        Some(CqlValue::Blob(b"m".to_vec()))
    );
    let tokens = by(
        &cols,
        &[
            ("keyspace_name", "system"),
            ("table_name", "local"),
            ("column_name", "tokens"),
        ],
    );
    assert_eq!(text(&tokens["type"]), "set<text>");

    let types = read(&s, &info, "system_schema", "types");
    assert_eq!(types.len(), 1);
    assert_eq!(text(&types[0]["type_name"]), "addr");
    assert_eq!(
        types[0]["field_names"],
        Some(CqlValue::List(vec![
            CqlValue::Text("street".into()),
            CqlValue::Text("nums".into())
        ]))
    );
    assert_eq!(
        types[0]["field_types"],
        Some(CqlValue::List(vec![
            CqlValue::Text("text".into()),
            CqlValue::Text("list<int>".into())
        ]))
    );

    let idx = read(&s, &info, "system_schema", "indexes");
    assert_eq!(idx.len(), 1);
    assert_eq!(text(&idx[0]["index_name"]), "t_m_idx");
    assert_eq!(text(&idx[0]["kind"]), "COMPOSITES");
    assert_eq!(idx[0]["options"], text_map(&[("target", "keys(m)")]));

    for empty in [
        "functions",
        "aggregates",
        "views",
        "triggers",
        "dropped_columns",
    ] {
        assert!(
            read(&s, &info, "system_schema", empty).is_empty(),
            "{empty}"
        );
    }
}

#[test]
fn virtual_schema_rows() {
    let s = schema();
    let info = NodeInfo::default();
    let ks = read(&s, &info, "system_virtual_schema", "keyspaces");
    let names: Vec<&str> = ks.iter().map(|r| text(&r["keyspace_name"])).collect();
    assert_eq!(names, ["system_views", "system_virtual_schema"]);
    let tables = read(&s, &info, "system_virtual_schema", "tables");
    let t = by(
        &tables,
        &[
            ("keyspace_name", "system_virtual_schema"),
            ("table_name", "columns"),
        ],
    );
    assert_eq!(text(&t["comment"]), "virtual column definitions");
    let cols = read(&s, &info, "system_virtual_schema", "columns");
    let c = by(
        &cols,
        &[
            ("keyspace_name", "system_views"),
            ("table_name", "clients"),
            ("column_name", "port"),
        ],
    );
    assert_eq!(text(&c["kind"]), "clustering");
    assert_eq!(text(&c["type"]), "int");
    let settings = read(&s, &info, "system_views", "settings");
    let cn = by(&settings, &[("name", "cluster_name")]);
    assert_eq!(text(&cn["value"]), "Test Cluster");
}

#[test]
fn computed_and_stored_tables() {
    let s = schema();
    let info = NodeInfo::default();
    assert_eq!(super::rows(&s, &info, "system_traces", "sessions"), None);
    assert_eq!(super::rows(&s, &info, "system_traces", "events"), None);
    assert_eq!(super::rows(&s, &info, "system", "paxos"), Some(vec![]));
    assert_eq!(super::rows(&s, &info, "system_auth", "roles"), None);
    assert_eq!(
        super::rows(&s, &info, "system_distributed", "repair_history"),
        None
    );
    assert_eq!(super::rows(&s, &info, "ks", "t"), None);
    assert_eq!(super::rows(&s, &info, "system", "nope"), None);
}

#[test]
fn every_computed_row_has_table_shape() {
    let s = user_schema();
    let info = info_with_peer();
    for ks in s.keyspaces.values() {
        for t in ks.tables.values() {
            if let Some(rows) = super::rows(&s, &info, &ks.name, &t.name) {
                // Decoding checks every cell against its column type.
                decode(t, &rows);
            }
        }
    }
    // Primary key cells are never null.
    let t = s.table("system_schema", "columns").unwrap();
    let rows = super::rows(&s, &info, "system_schema", "columns").unwrap();
    for row in &rows {
        for (c, cell) in t.columns.iter().zip(row) {
            if c.kind != ColumnKind::Regular {
                assert!(cell.is_some(), "{}", c.name);
            }
        }
    }
    // Unknown names are ignored.
    let row = computed::project(t, vec![("nope", CqlValue::Int(1))]);
    assert!(row.iter().all(Option::is_none));
}

mod objects;

#[test]
fn custom_types_are_stored_as_cassandra_keeps_them() {
    let mut s = schema();
    apply(
        &mut s,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    apply(
        &mut s,
        "CREATE TABLE ks.c (k int, r 'org.apache.cassandra.db.marshal.ReversedType(org.apache.cassandra.db.marshal.Int32Type)', \
         fq 'org.apache.cassandra.db.marshal.BytesType', sh 'BytesType', lg 'LongType', \
         li 'ListType(Int32Type)', dy 'DynamicCompositeType(s=>UTF8Type,i=>Int32Type)', \
         lx 'org.apache.cassandra.db.marshal.LexicalUUIDType', PRIMARY KEY (k, r))",
    );
    let rows = read(&s, &NodeInfo::default(), "system_schema", "columns");
    let col = |name: &str| {
        let r = rows
            .iter()
            .find(|r| text(&r["table_name"]) == "c" && text(&r["column_name"]) == name)
            .unwrap_or_else(|| panic!("{name}"));
        (
            text(&r["type"]).to_string(),
            text(&r["clustering_order"]).to_string(),
        )
    };
    assert_eq!(col("r"), ("int".into(), "desc".into()));
    assert_eq!(col("fq"), ("blob".into(), "none".into()));
    assert_eq!(col("sh").0, "blob");
    assert_eq!(col("lg").0, "bigint");
    assert_eq!(col("li").0, "list<int>");
    assert_eq!(
        col("dy").0,
        "'org.apache.cassandra.db.marshal.DynamicCompositeType(s=>org.apache.cassandra.db.marshal.UTF8Type,i=>org.apache.cassandra.db.marshal.Int32Type)'"
    );
    assert_eq!(
        col("lx").0,
        "'org.apache.cassandra.db.marshal.LexicalUUIDType'"
    );
}
