//! The rows of computed system and virtual tables: `system.local`, `system.peers(_v2)`,
//! every `system_schema` table, `system_virtual_schema` and a few `system_views` tables.

use std::collections::BTreeMap;

use bytes::Bytes;
use cql_core::types::CqlValue;

use crate::sim::info::NodeInfo;
use crate::sim::schema::types::{cql_type_string, field_type_strings};
use crate::sim::schema::{Keyspace, Schema, Table};

/// A row as (column name, value) pairs; absent columns are null.
pub(super) type Named = Vec<(&'static str, CqlValue)>;

/// Serialises named values into the table's column order. A value that does not fit its
/// column's type is left null (a bug in this module, never a panic).
pub fn project(table: &Table, values: Named) -> Vec<Option<Bytes>> {
    let mut cells: Vec<Option<Bytes>> = vec![None; table.columns.len()];
    for (name, value) in values {
        let Some(i) = table.columns.iter().position(|c| c.name == name) else {
            continue;
        };
        let Some(column) = table.columns.get(i) else {
            continue;
        };
        let mut out = Vec::new();
        if value.serialize(&column.typ, &mut out).is_ok() {
            if let Some(cell) = cells.get_mut(i) {
                *cell = Some(Bytes::from(out));
            }
        }
    }
    cells
}

pub(super) fn text(s: impl Into<String>) -> CqlValue {
    CqlValue::Text(s.into())
}

pub(super) fn text_map(m: &BTreeMap<String, String>) -> CqlValue {
    CqlValue::Map(m.iter().map(|(k, v)| (text(k), text(v))).collect())
}

pub(super) fn text_list<I: IntoIterator<Item = String>>(items: I) -> CqlValue {
    CqlValue::List(items.into_iter().map(text).collect())
}

/// A `set<text>`: elements sorted as Cassandra sorts them (by UTF-8 bytes).
fn text_set<I: IntoIterator<Item = String>>(items: I) -> CqlValue {
    let mut v: Vec<String> = items.into_iter().collect();
    v.sort();
    v.dedup();
    CqlValue::Set(v.into_iter().map(text).collect())
}

fn tokens(tokens: &[i64]) -> CqlValue {
    text_set(tokens.iter().map(i64::to_string))
}

/// The rows of `system.local`.
pub fn local(schema: &Schema, info: &NodeInfo, table: &Table) -> Vec<Vec<Option<Bytes>>> {
    let port = |p: u16| CqlValue::Int(i32::from(p));
    vec![project(
        table,
        vec![
            ("key", text("local")),
            ("bootstrapped", text("COMPLETED")),
            ("broadcast_address", CqlValue::Inet(info.address)),
            ("broadcast_port", port(info.listen_port)),
            ("cluster_name", text(&info.cluster_name)),
            ("cql_version", text(&info.cql_version)),
            ("data_center", text(&info.datacenter)),
            ("gossip_generation", CqlValue::Int(1_700_000_000)),
            ("host_id", CqlValue::Uuid(info.host_id)),
            ("listen_address", CqlValue::Inet(info.address)),
            ("listen_port", port(info.listen_port)),
            ("native_protocol_version", text("5")),
            ("partitioner", text(&info.partitioner)),
            ("rack", text(&info.rack)),
            ("release_version", text(&info.release_version)),
            ("rpc_address", CqlValue::Inet(info.address)),
            ("rpc_port", port(info.native_port)),
            (
                "schema_version",
                CqlValue::Uuid(info.schema_version.unwrap_or(schema.version)),
            ),
            ("tokens", tokens(&info.tokens)),
        ]
        .into_iter()
        .chain(dse_values(
            info.dse.as_ref(),
            info.address,
            info.native_port,
            info.listen_port,
        ))
        .collect(),
    )]
}

/// The DSE identity columns of a `system.local` or `system.peers` row (none for an
/// Apache Cassandra node; tables without the columns ignore them).
fn dse_values(
    dse: Option<&crate::sim::info::DseInfo>,
    address: std::net::IpAddr,
    native_port: u16,
    storage_port: u16,
) -> Named {
    let Some(dse) = dse else {
        return Vec::new();
    };
    vec![
        ("dse_version", text(&dse.version)),
        ("graph", CqlValue::Boolean(dse.graph)),
        ("workload", text(&dse.workload)),
        ("workloads", text_set(dse.workloads.iter().cloned())),
        ("jmx_port", CqlValue::Int(7199)),
        ("native_transport_address", CqlValue::Inet(address)),
        (
            "native_transport_port",
            CqlValue::Int(i32::from(native_port)),
        ),
        ("storage_port", CqlValue::Int(i32::from(storage_port))),
    ]
}

/// The rows of `system.peers` (`v2` false) or `system.peers_v2` (`v2` true).
pub fn peers(info: &NodeInfo, table: &Table, v2: bool) -> Vec<Vec<Option<Bytes>>> {
    info.peers
        .iter()
        .map(|p| {
            let mut values: Named = vec![
                ("peer", CqlValue::Inet(p.address)),
                ("data_center", text(&p.datacenter)),
                ("host_id", CqlValue::Uuid(p.host_id)),
                ("rack", text(&p.rack)),
                ("release_version", text(&p.release_version)),
                ("tokens", tokens(&p.tokens)),
            ];
            if let Some(v) = p.schema_version {
                values.push(("schema_version", CqlValue::Uuid(v)));
            }
            // The nodes of a cluster are all DSE or all Cassandra.
            values.extend(dse_values(
                info.dse.as_ref(),
                p.address,
                p.native_port,
                info.listen_port,
            ));
            if v2 {
                values.push(("peer_port", CqlValue::Int(i32::from(info.listen_port))));
                values.push(("native_address", CqlValue::Inet(p.address)));
                values.push(("native_port", CqlValue::Int(i32::from(p.native_port))));
            } else {
                values.push(("rpc_address", CqlValue::Inet(p.address)));
            }
            project(table, values)
        })
        .collect()
}

/// Keyspaces `system_schema` describes: every non-virtual one.
fn described(schema: &Schema, is_virtual: bool) -> impl Iterator<Item = &Keyspace> {
    schema
        .keyspaces
        .values()
        .filter(move |k| k.is_virtual == is_virtual)
}

/// The option columns `system_schema.tables` and `system_schema.views` share, with the
/// table's keyspace and name (`table_name`; views rename it).
pub(super) fn table_option_values(t: &Table) -> Named {
    let o = &t.options;
    vec![
        ("keyspace_name", text(&t.keyspace)),
        ("table_name", text(&t.name)),
        ("additional_write_policy", text(&o.additional_write_policy)),
        (
            "bloom_filter_fp_chance",
            CqlValue::Double(o.bloom_filter_fp_chance),
        ),
        ("caching", text_map(&o.caching)),
        ("cdc", CqlValue::Boolean(o.cdc)),
        ("comment", text(&o.comment)),
        ("compaction", text_map(&o.compaction)),
        ("compression", text_map(&o.compression)),
        ("crc_check_chance", CqlValue::Double(o.crc_check_chance)),
        ("dclocal_read_repair_chance", CqlValue::Double(0.0)),
        (
            "default_time_to_live",
            CqlValue::Int(o.default_time_to_live),
        ),
        ("extensions", CqlValue::Map(Vec::new())),
        ("flags", text_set(o.flags.iter().cloned())),
        ("gc_grace_seconds", CqlValue::Int(o.gc_grace_seconds)),
        ("id", CqlValue::Uuid(t.id)),
        ("max_index_interval", CqlValue::Int(o.max_index_interval)),
        ("memtable", text("default")),
        (
            "memtable_flush_period_in_ms",
            CqlValue::Int(o.memtable_flush_period_in_ms),
        ),
        ("min_index_interval", CqlValue::Int(o.min_index_interval)),
        ("read_repair", text(&o.read_repair)),
        ("read_repair_chance", CqlValue::Double(0.0)),
        ("speculative_retry", text(&o.speculative_retry)),
    ]
}

fn column_rows<'a>(
    keyspaces: impl Iterator<Item = &'a Keyspace>,
    table: &Table,
) -> Vec<Vec<Option<Bytes>>> {
    let mut rows = Vec::new();
    for ks in keyspaces {
        let views = ks.views.values().map(|v| &v.table);
        for t in ks.tables.values().chain(views) {
            for c in &t.columns {
                rows.push(project(
                    table,
                    vec![
                        ("keyspace_name", text(&ks.name)),
                        ("table_name", text(&t.name)),
                        ("column_name", text(&c.name)),
                        ("clustering_order", text(c.order.schema_name())),
                        (
                            "column_name_bytes",
                            CqlValue::Blob(c.name.as_bytes().to_vec()),
                        ),
                        ("kind", text(c.kind.schema_name())),
                        ("position", CqlValue::Int(c.position)),
                        ("type", text(cql_type_string(&c.typ, c.frozen))),
                    ],
                ));
            }
        }
    }
    rows
}

/// The rows of a `system_schema` table, from the live schema.
pub fn system_schema(schema: &Schema, table: &Table) -> Vec<Vec<Option<Bytes>>> {
    let mut rows = Vec::new();
    match table.name.as_str() {
        "keyspaces" => {
            for ks in described(schema, false) {
                rows.push(project(
                    table,
                    vec![
                        ("keyspace_name", text(&ks.name)),
                        ("durable_writes", CqlValue::Boolean(ks.durable_writes)),
                        ("replication", text_map(&ks.replication)),
                    ]
                    .into_iter()
                    .chain(
                        ks.graph_engine
                            .as_deref()
                            .map(|e| ("graph_engine", text(e))),
                    )
                    .collect(),
                ));
            }
        }
        "tables" => {
            for ks in described(schema, false) {
                for t in ks.tables.values() {
                    rows.push(project(table, table_option_values(t)));
                }
            }
        }
        "columns" => rows = column_rows(described(schema, false), table),
        "types" => {
            for ks in described(schema, false) {
                for u in ks.types.values() {
                    rows.push(project(
                        table,
                        vec![
                            ("keyspace_name", text(&ks.name)),
                            ("type_name", text(&u.name)),
                            (
                                "field_names",
                                text_list(u.fields.iter().map(|(n, _)| n.clone())),
                            ),
                            ("field_types", text_list(field_type_strings(u))),
                        ],
                    ));
                }
            }
        }
        "indexes" => {
            for ks in described(schema, false) {
                for t in ks.tables.values() {
                    for i in t.indexes.values() {
                        rows.push(project(
                            table,
                            vec![
                                ("keyspace_name", text(&ks.name)),
                                ("table_name", text(&t.name)),
                                ("index_name", text(&i.name)),
                                ("kind", text(&i.kind)),
                                ("options", text_map(&i.options)),
                            ],
                        ));
                    }
                }
            }
        }
        "vertices" | "edges" => rows = graph_label_rows(described(schema, false), table),
        "functions" | "aggregates" | "views" | "triggers" => {
            rows = super::objects::rows(described(schema, false), table);
        }
        // dropped_columns: the model keeps none.
        _ => {}
    }
    rows
}

/// DSE's `system_schema.vertices` or `edges`: the tables with that kind of graph label.
fn graph_label_rows<'a>(
    keyspaces: impl Iterator<Item = &'a Keyspace>,
    table: &Table,
) -> Vec<Vec<Option<Bytes>>> {
    use crate::sim::schema::graph_labels::TableLabel;
    let mut rows = Vec::new();
    for ks in keyspaces {
        for t in ks.tables.values() {
            let mut values: Named = vec![
                ("keyspace_name", text(&ks.name)),
                ("table_name", text(&t.name)),
            ];
            match (&t.options.graph_label, table.name.as_str()) {
                (Some(TableLabel::Vertex(label)), "vertices") => {
                    values.push(("label_name", text(label)));
                }
                (Some(TableLabel::Edge(e)), "edges") => {
                    values.extend([
                        ("label_name", text(&e.label)),
                        ("from_table", text(&e.from.table)),
                        (
                            "from_partition_key_columns",
                            text_list(e.from.partition_key.clone()),
                        ),
                        (
                            "from_clustering_columns",
                            text_list(e.from.clustering.clone()),
                        ),
                        ("to_table", text(&e.to.table)),
                        (
                            "to_partition_key_columns",
                            text_list(e.to.partition_key.clone()),
                        ),
                        ("to_clustering_columns", text_list(e.to.clustering.clone())),
                    ]);
                }
                _ => continue,
            }
            rows.push(project(table, values));
        }
    }
    rows
}

/// The rows of a `system_virtual_schema` table.
pub fn virtual_schema(schema: &Schema, table: &Table) -> Vec<Vec<Option<Bytes>>> {
    let mut rows = Vec::new();
    match table.name.as_str() {
        "keyspaces" => {
            for ks in described(schema, true) {
                rows.push(project(table, vec![("keyspace_name", text(&ks.name))]));
            }
        }
        "tables" => {
            for ks in described(schema, true) {
                for t in ks.tables.values() {
                    rows.push(project(
                        table,
                        vec![
                            ("keyspace_name", text(&ks.name)),
                            ("table_name", text(&t.name)),
                            ("comment", text(&t.options.comment)),
                        ],
                    ));
                }
            }
        }
        "columns" => rows = column_rows(described(schema, true), table),
        _ => {}
    }
    rows
}

/// The rows of a `system_views` table (only `settings` has any).
pub fn system_views(info: &NodeInfo, table: &Table) -> Vec<Vec<Option<Bytes>>> {
    if table.name == "clients" {
        return clients(info, table);
    }
    if table.name != "settings" {
        return Vec::new();
    }
    let address = info.address.to_string();
    let mut settings: Vec<(&str, String)> = vec![
        ("cluster_name", info.cluster_name.clone()),
        (
            "endpoint_snitch",
            "org.apache.cassandra.locator.SimpleSnitch".to_string(),
        ),
        ("listen_address", address.clone()),
        ("native_transport_port", info.native_port.to_string()),
        ("num_tokens", info.tokens.len().to_string()),
        ("partitioner", info.partitioner.clone()),
        ("rpc_address", address),
        ("storage_port", info.listen_port.to_string()),
    ];
    settings.sort();
    settings
        .into_iter()
        .map(|(name, value)| project(table, vec![("name", text(name)), ("value", text(value))]))
        .collect()
}

/// `system_views.clients`: one row per open connection, with the STARTUP options.
fn clients(info: &NodeInfo, table: &Table) -> Vec<Vec<Option<Bytes>>> {
    info.clients
        .list()
        .into_iter()
        .map(|c| {
            let mut row: Named = vec![
                ("address", CqlValue::Inet(c.address.ip())),
                ("port", CqlValue::Int(i32::from(c.address.port()))),
                ("hostname", text(c.address.ip().to_string())),
                ("connection_stage", text(c.stage)),
                (
                    "request_count",
                    CqlValue::BigInt(i64::try_from(c.request_count).unwrap_or(i64::MAX)),
                ),
                ("ssl_enabled", CqlValue::Boolean(c.ssl.is_some())),
            ];
            let texts = [
                ("username", c.username.as_deref()),
                ("driver_name", c.option("DRIVER_NAME")),
                ("driver_version", c.option("DRIVER_VERSION")),
                ("ssl_protocol", c.ssl.as_ref().map(|s| s.0.as_str())),
                ("ssl_cipher_suite", c.ssl.as_ref().map(|s| s.1.as_str())),
            ];
            row.extend(texts.into_iter().filter_map(|(n, v)| Some((n, text(v?)))));
            if let Some(v) = c.protocol_version {
                row.push(("protocol_version", CqlValue::Int(i32::from(v))));
            }
            if let Some(o) = &c.options {
                row.push(("client_options", text_map(o)));
            }
            project(table, row)
        })
        .collect()
}
