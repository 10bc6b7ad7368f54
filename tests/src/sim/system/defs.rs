//! The definitions of Cassandra 4.1's system and virtual keyspaces, written in the CQL
//! Cassandra itself declares them with and built by the node's own DDL code.

use std::collections::BTreeMap;

use md5::{Digest, Md5};
use uuid::Uuid;

use crate::cql::ast::Statement;
use crate::cql::parse_statement;
use crate::sim::schema::ddl::build_table;
use crate::sim::schema::options::{LOCAL_STRATEGY, SIMPLE_STRATEGY};
use crate::sim::schema::{Keyspace, Table};

/// One table definition: its CQL and the options Cassandra sets on it.
struct Def {
    cql: &'static str,
    comment: &'static str,
}

const fn def(cql: &'static str, comment: &'static str) -> Def {
    Def { cql, comment }
}

const SYSTEM: &[Def] = &[
    def(
        r#"CREATE TABLE "IndexInfo" (table_name text, index_name text, value blob, PRIMARY KEY ((table_name), index_name))"#,
        "built column indexes",
    ),
    def(
        "CREATE TABLE batches (id timeuuid, mutations list<blob>, version int, PRIMARY KEY ((id)))",
        "batches awaiting replay",
    ),
    def(
        "CREATE TABLE paxos (row_key blob, cf_id UUID, in_progress_ballot timeuuid, most_recent_commit blob, most_recent_commit_at timeuuid, most_recent_commit_version int, proposal blob, proposal_ballot timeuuid, proposal_version int, PRIMARY KEY ((row_key), cf_id))",
        "in-progress paxos proposals",
    ),
    def(
        "CREATE TABLE local (key text, bootstrapped text, broadcast_address inet, broadcast_port int, cluster_name text, cql_version text, data_center text, gossip_generation int, host_id uuid, listen_address inet, listen_port int, native_protocol_version text, partitioner text, rack text, release_version text, rpc_address inet, rpc_port int, schema_version uuid, tokens set<varchar>, truncated_at map<uuid, blob>, PRIMARY KEY ((key)))",
        "information about the local node",
    ),
    def(
        "CREATE TABLE peers_v2 (peer inet, peer_port int, data_center text, host_id uuid, preferred_ip inet, preferred_port int, rack text, release_version text, native_address inet, native_port int, schema_version uuid, tokens set<varchar>, PRIMARY KEY ((peer), peer_port))",
        "information about known peers in the cluster",
    ),
    def(
        "CREATE TABLE peers (peer inet, data_center text, host_id uuid, preferred_ip inet, rack text, release_version text, rpc_address inet, schema_version uuid, tokens set<varchar>, PRIMARY KEY ((peer)))",
        "information about known peers in the cluster",
    ),
    def(
        "CREATE TABLE peer_events_v2 (peer inet, peer_port int, hints_dropped map<uuid, int>, PRIMARY KEY ((peer), peer_port))",
        "events related to peers",
    ),
    def(
        "CREATE TABLE peer_events (peer inet, hints_dropped map<uuid, int>, PRIMARY KEY ((peer)))",
        "events related to peers",
    ),
    def(
        "CREATE TABLE compaction_history (id uuid, bytes_in bigint, bytes_out bigint, columnfamily_name text, compacted_at timestamp, keyspace_name text, rows_merged map<int, bigint>, PRIMARY KEY ((id)))",
        "week-long compaction history",
    ),
    def(
        "CREATE TABLE sstable_activity (keyspace_name text, columnfamily_name text, generation int, rate_120m double, rate_15m double, PRIMARY KEY ((keyspace_name, columnfamily_name, generation)))",
        "historic sstable read rates",
    ),
    def(
        "CREATE TABLE size_estimates (keyspace_name text, table_name text, range_start text, range_end text, mean_partition_size bigint, partitions_count bigint, PRIMARY KEY ((keyspace_name), table_name, range_start, range_end))",
        "per-table primary range size estimates, table is deprecated in favor of table_estimates",
    ),
    def(
        "CREATE TABLE table_estimates (keyspace_name text, table_name text, range_type text, range_start text, range_end text, mean_partition_size bigint, partitions_count bigint, PRIMARY KEY ((keyspace_name), table_name, range_type, range_start, range_end))",
        "per-table range size estimates",
    ),
    def(
        "CREATE TABLE available_ranges_v2 (keyspace_name text, full_ranges set<blob>, transient_ranges set<blob>, PRIMARY KEY ((keyspace_name)))",
        "available keyspace/ranges during bootstrap/replace that are ready to be served",
    ),
    def(
        "CREATE TABLE available_ranges (keyspace_name text, ranges set<blob>, PRIMARY KEY ((keyspace_name)))",
        "available keyspace/ranges during bootstrap/replace that are ready to be served",
    ),
    def(
        "CREATE TABLE transferred_ranges_v2 (operation text, peer inet, peer_port int, keyspace_name text, ranges set<blob>, PRIMARY KEY ((operation, keyspace_name), peer, peer_port))",
        "record of transferred ranges for streaming operation",
    ),
    def(
        "CREATE TABLE transferred_ranges (operation text, peer inet, keyspace_name text, ranges set<blob>, PRIMARY KEY ((operation, keyspace_name), peer))",
        "record of transferred ranges for streaming operation",
    ),
    def(
        "CREATE TABLE view_builds_in_progress (keyspace_name text, view_name text, start_token varchar, end_token varchar, last_token varchar, keys_built bigint, PRIMARY KEY ((keyspace_name), view_name, start_token, end_token))",
        "views builds current progress",
    ),
    def(
        "CREATE TABLE built_views (keyspace_name text, view_name text, status_replicated boolean, PRIMARY KEY ((keyspace_name), view_name))",
        "built views",
    ),
    def(
        "CREATE TABLE prepared_statements (prepared_id blob, logged_keyspace text, query_string text, PRIMARY KEY ((prepared_id)))",
        "prepared statements",
    ),
    def(
        "CREATE TABLE repairs (parent_id timeuuid, started_at timestamp, last_update timestamp, repaired_at timestamp, state int, coordinator inet, coordinator_port int, participants set<inet>, participants_wp set<text>, ranges set<blob>, cfids set<uuid>, PRIMARY KEY (parent_id))",
        "repairs",
    ),
];

const SYSTEM_SCHEMA: &[Def] = &[
    def(
        "CREATE TABLE keyspaces (keyspace_name text, durable_writes boolean, replication frozen<map<text, text>>, PRIMARY KEY ((keyspace_name)))",
        "keyspace definitions",
    ),
    def(
        "CREATE TABLE tables (keyspace_name text, table_name text, bloom_filter_fp_chance double, caching frozen<map<text, text>>, comment text, compaction frozen<map<text, text>>, compression frozen<map<text, text>>, memtable text, crc_check_chance double, dclocal_read_repair_chance double, default_time_to_live int, extensions frozen<map<text, blob>>, flags frozen<set<text>>, gc_grace_seconds int, id uuid, max_index_interval int, memtable_flush_period_in_ms int, min_index_interval int, read_repair_chance double, speculative_retry text, additional_write_policy text, cdc boolean, read_repair text, PRIMARY KEY ((keyspace_name), table_name))",
        "table definitions",
    ),
    def(
        "CREATE TABLE columns (keyspace_name text, table_name text, column_name text, clustering_order text, column_name_bytes blob, kind text, position int, type text, PRIMARY KEY ((keyspace_name), table_name, column_name))",
        "column definitions",
    ),
    def(
        "CREATE TABLE triggers (keyspace_name text, table_name text, trigger_name text, options frozen<map<text, text>>, PRIMARY KEY ((keyspace_name), table_name, trigger_name))",
        "trigger definitions",
    ),
    def(
        "CREATE TABLE dropped_columns (keyspace_name text, table_name text, column_name text, dropped_time timestamp, kind text, type text, PRIMARY KEY ((keyspace_name), table_name, column_name))",
        "dropped column registry",
    ),
    def(
        "CREATE TABLE views (keyspace_name text, view_name text, base_table_id uuid, base_table_name text, where_clause text, bloom_filter_fp_chance double, caching frozen<map<text, text>>, comment text, compaction frozen<map<text, text>>, compression frozen<map<text, text>>, memtable text, crc_check_chance double, dclocal_read_repair_chance double, default_time_to_live int, extensions frozen<map<text, blob>>, gc_grace_seconds int, id uuid, include_all_columns boolean, max_index_interval int, memtable_flush_period_in_ms int, min_index_interval int, read_repair_chance double, speculative_retry text, additional_write_policy text, cdc boolean, read_repair text, PRIMARY KEY ((keyspace_name), view_name))",
        "view definitions",
    ),
    def(
        "CREATE TABLE types (keyspace_name text, type_name text, field_names frozen<list<text>>, field_types frozen<list<text>>, PRIMARY KEY ((keyspace_name), type_name))",
        "user defined type definitions",
    ),
    def(
        "CREATE TABLE functions (keyspace_name text, function_name text, argument_types frozen<list<text>>, argument_names frozen<list<text>>, body text, language text, return_type text, called_on_null_input boolean, PRIMARY KEY ((keyspace_name), function_name, argument_types))",
        "user defined function definitions",
    ),
    def(
        "CREATE TABLE aggregates (keyspace_name text, aggregate_name text, argument_types frozen<list<text>>, final_func text, initcond text, return_type text, state_func text, state_type text, PRIMARY KEY ((keyspace_name), aggregate_name, argument_types))",
        "user defined aggregate definitions",
    ),
    def(
        "CREATE TABLE indexes (keyspace_name text, table_name text, index_name text, kind text, options frozen<map<text, text>>, PRIMARY KEY ((keyspace_name), table_name, index_name))",
        "secondary index definitions",
    ),
];

const SYSTEM_AUTH: &[Def] = &[
    def(
        "CREATE TABLE roles (role text, is_superuser boolean, can_login boolean, salted_hash text, member_of set<text>, PRIMARY KEY(role))",
        "role definitions",
    ),
    def(
        "CREATE TABLE role_members (role text, member text, PRIMARY KEY(role, member))",
        "role memberships lookup table",
    ),
    def(
        "CREATE TABLE role_permissions (role text, resource text, permissions set<text>, PRIMARY KEY(role, resource))",
        "permissions granted to db roles",
    ),
    def(
        "CREATE TABLE resource_role_permissons_index (resource text, role text, PRIMARY KEY(resource, role))",
        "index of db roles with permissions granted on a resource",
    ),
    def(
        "CREATE TABLE network_permissions (role text, dcs frozen<set<text>>, PRIMARY KEY(role))",
        "user network permissions",
    ),
];

const SYSTEM_DISTRIBUTED: &[Def] = &[
    def(
        "CREATE TABLE repair_history (keyspace_name text, columnfamily_name text, id timeuuid, parent_id timeuuid, range_begin text, range_end text, coordinator inet, coordinator_port int, participants set<inet>, participants_v2 set<text>, exception_message text, exception_stacktrace text, status text, started_at timestamp, finished_at timestamp, PRIMARY KEY ((keyspace_name, columnfamily_name), id))",
        "Repair history",
    ),
    def(
        "CREATE TABLE parent_repair_history (parent_id timeuuid, keyspace_name text, columnfamily_names set<text>, started_at timestamp, finished_at timestamp, exception_message text, exception_stacktrace text, requested_ranges set<text>, successful_ranges set<text>, options map<text, text>, PRIMARY KEY (parent_id))",
        "Repair history",
    ),
    def(
        "CREATE TABLE view_build_status (keyspace_name text, view_name text, host_id uuid, status text, PRIMARY KEY ((keyspace_name, view_name), host_id))",
        "Materialized View build status",
    ),
];

const SYSTEM_TRACES: &[Def] = &[
    def(
        "CREATE TABLE sessions (session_id uuid, command text, client inet, coordinator inet, coordinator_port int, duration int, parameters map<text, text>, request text, started_at timestamp, PRIMARY KEY ((session_id)))",
        "tracing sessions",
    ),
    def(
        "CREATE TABLE events (session_id uuid, event_id timeuuid, activity text, source inet, source_port int, source_elapsed int, thread text, PRIMARY KEY ((session_id), event_id))",
        "tracing events",
    ),
];

const SYSTEM_VIEWS: &[Def] = &[
    def(
        "CREATE TABLE caches (name text PRIMARY KEY, capacity_bytes bigint, entry_count int, hit_count bigint, hit_ratio double, recent_hit_rate_per_second bigint, recent_request_rate_per_second bigint, request_count bigint, size_bytes bigint)",
        "system caches",
    ),
    def(
        "CREATE TABLE clients (address inet, port int, hostname text, username text, connection_stage text, protocol_version int, client_options frozen<map<text, text>>, driver_name text, driver_version text, request_count bigint, ssl_enabled boolean, ssl_protocol text, ssl_cipher_suite text, PRIMARY KEY ((address), port))",
        "currently connected clients",
    ),
    def(
        "CREATE TABLE settings (name text PRIMARY KEY, value text)",
        "current settings",
    ),
    def(
        "CREATE TABLE sstable_tasks (keyspace_name text, table_name text, task_id timeuuid, kind text, progress bigint, total bigint, unit text, PRIMARY KEY ((keyspace_name), table_name, task_id))",
        "current sstable tasks",
    ),
    def(
        "CREATE TABLE system_properties (name text PRIMARY KEY, value text)",
        "Cassandra relevant system properties",
    ),
    def(
        "CREATE TABLE thread_pools (name text PRIMARY KEY, active_tasks int, active_tasks_limit int, blocked_tasks bigint, blocked_tasks_all_time bigint, completed_tasks bigint, pending_tasks int)",
        "",
    ),
];

const SYSTEM_VIRTUAL_SCHEMA: &[Def] = &[
    def(
        "CREATE TABLE keyspaces (keyspace_name text PRIMARY KEY)",
        "virtual keyspace definitions",
    ),
    def(
        "CREATE TABLE tables (keyspace_name text, table_name text, comment text, PRIMARY KEY ((keyspace_name), table_name))",
        "virtual table definitions",
    ),
    def(
        "CREATE TABLE columns (keyspace_name text, table_name text, column_name text, clustering_order text, column_name_bytes blob, kind text, position int, type text, PRIMARY KEY ((keyspace_name), table_name, column_name))",
        "virtual column definitions",
    ),
];

/// DSE 6.8's `system.local` and `system.peers`: Cassandra's columns plus the DSE
/// identity (`dse_version`, `graph`, `workload`, `workloads`, ports); DSE 6.8 has no
/// `peers_v2`.
const DSE_SYSTEM: &[Def] = &[
    def(
        "CREATE TABLE local (key text, bootstrapped text, broadcast_address inet, broadcast_port int, cluster_name text, cql_version text, data_center text, dse_version text, gossip_generation int, graph boolean, host_id uuid, jmx_port int, listen_address inet, listen_port int, native_protocol_version text, native_transport_address inet, native_transport_port int, native_transport_port_ssl int, partitioner text, rack text, release_version text, rpc_address inet, rpc_port int, schema_version uuid, server_id text, storage_port int, storage_port_ssl int, tokens set<varchar>, truncated_at map<uuid, blob>, workload text, workloads frozen<set<text>>, PRIMARY KEY ((key)))",
        "information about the local node",
    ),
    def(
        "CREATE TABLE peers (peer inet, data_center text, dse_version text, graph boolean, host_id uuid, jmx_port int, native_transport_address inet, native_transport_port int, native_transport_port_ssl int, preferred_ip inet, rack text, release_version text, rpc_address inet, schema_version uuid, server_id text, storage_port int, storage_port_ssl int, tokens set<varchar>, workload text, workloads frozen<set<text>>, PRIMARY KEY ((peer)))",
        "information about known peers in the cluster",
    ),
];

/// DSE 6.8's `system_schema` additions: `graph_engine` on keyspaces, and the graph
/// labels of vertex and edge tables (what the drivers' DSE 6.8 schema parsers read).
const DSE_SYSTEM_SCHEMA: &[Def] = &[
    def(
        "CREATE TABLE keyspaces (keyspace_name text, durable_writes boolean, graph_engine text, replication frozen<map<text, text>>, PRIMARY KEY ((keyspace_name)))",
        "keyspace definitions",
    ),
    def(
        "CREATE TABLE vertices (keyspace_name text, table_name text, label_name text, PRIMARY KEY ((keyspace_name), table_name))",
        "vertex label definitions",
    ),
    def(
        "CREATE TABLE edges (keyspace_name text, table_name text, label_name text, from_table text, from_partition_key_columns frozen<list<text>>, from_clustering_columns frozen<list<text>>, to_table text, to_partition_key_columns frozen<list<text>>, to_clustering_columns frozen<list<text>>, PRIMARY KEY ((keyspace_name), table_name))",
        "edge label definitions",
    ),
];

/// The id Cassandra gives a system table: the name-based (MD5, version 3) UUID of the
/// keyspace name followed by the table name.
pub fn system_table_id(keyspace: &str, table: &str) -> Uuid {
    let mut md5 = Md5::new();
    md5.update(keyspace.as_bytes());
    md5.update(table.as_bytes());
    let mut bytes: [u8; 16] = md5.finalize().into();
    bytes[6] = (bytes[6] & 0x0f) | 0x30;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes)
}

/// How a system keyspace is set up.
struct Setup {
    name: &'static str,
    defs: &'static [Def],
    replication: &'static [(&'static str, &'static str)],
    virtual_ks: bool,
    gc_grace_seconds: i32,
    memtable_flush_period_in_ms: i32,
}

const LOCAL: &[(&str, &str)] = &[("class", LOCAL_STRATEGY)];

const SETUPS: [Setup; 7] = [
    Setup {
        name: "system",
        defs: SYSTEM,
        replication: LOCAL,
        virtual_ks: false,
        gc_grace_seconds: 0,
        memtable_flush_period_in_ms: 3_600_000,
    },
    Setup {
        name: "system_schema",
        defs: SYSTEM_SCHEMA,
        replication: LOCAL,
        virtual_ks: false,
        gc_grace_seconds: 604_800,
        memtable_flush_period_in_ms: 3_600_000,
    },
    Setup {
        name: "system_auth",
        defs: SYSTEM_AUTH,
        replication: &[("class", SIMPLE_STRATEGY), ("replication_factor", "1")],
        virtual_ks: false,
        gc_grace_seconds: 7_776_000,
        memtable_flush_period_in_ms: 0,
    },
    Setup {
        name: "system_distributed",
        defs: SYSTEM_DISTRIBUTED,
        replication: &[("class", SIMPLE_STRATEGY), ("replication_factor", "3")],
        virtual_ks: false,
        gc_grace_seconds: 864_000,
        memtable_flush_period_in_ms: 0,
    },
    Setup {
        name: "system_traces",
        defs: SYSTEM_TRACES,
        replication: &[("class", SIMPLE_STRATEGY), ("replication_factor", "2")],
        virtual_ks: false,
        gc_grace_seconds: 0,
        memtable_flush_period_in_ms: 0,
    },
    Setup {
        name: "system_views",
        defs: SYSTEM_VIEWS,
        replication: LOCAL,
        virtual_ks: true,
        gc_grace_seconds: 864_000,
        memtable_flush_period_in_ms: 0,
    },
    Setup {
        name: "system_virtual_schema",
        defs: SYSTEM_VIRTUAL_SCHEMA,
        replication: LOCAL,
        virtual_ks: true,
        gc_grace_seconds: 864_000,
        memtable_flush_period_in_ms: 0,
    },
];

fn build(keyspace: &Keyspace, setup: &Setup, d: &Def) -> Option<Table> {
    let parsed = parse_statement(d.cql).ok()?;
    let Statement::CreateTable(stmt) = parsed.statement else {
        return None;
    };
    let mut table = build_table(keyspace, &stmt).ok()?;
    table.id = system_table_id(&keyspace.name, &table.name);
    table.is_virtual = setup.virtual_ks;
    table.options.comment = d.comment.to_string();
    table.options.gc_grace_seconds = setup.gc_grace_seconds;
    table.options.memtable_flush_period_in_ms = setup.memtable_flush_period_in_ms;
    Some(table)
}

/// Every system keyspace with its tables; `dse` gives them DSE 6.8's shape
/// (the DSE_SYSTEM and DSE_SYSTEM_SCHEMA table lists of this module).
pub fn keyspaces(dse: bool) -> Vec<Keyspace> {
    SETUPS
        .iter()
        .map(|setup| {
            let mut ks = Keyspace {
                name: setup.name.to_string(),
                durable_writes: true,
                replication: setup
                    .replication
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                    .collect::<BTreeMap<_, _>>(),
                tables: BTreeMap::new(),
                types: BTreeMap::new(),
                functions: BTreeMap::new(),
                aggregates: BTreeMap::new(),
                views: BTreeMap::new(),
                is_virtual: setup.virtual_ks,
                graph_engine: None,
            };
            let dse_defs = match (dse, setup.name) {
                (true, "system") => DSE_SYSTEM,
                (true, "system_schema") => DSE_SYSTEM_SCHEMA,
                _ => &[],
            };
            for d in setup.defs.iter().chain(dse_defs) {
                if let Some(t) = build(&ks, setup, d) {
                    ks.tables.insert(t.name.clone(), t);
                }
            }
            if dse && setup.name == "system" {
                ks.tables.remove("peers_v2");
            }
            ks
        })
        .collect()
}

/// How many tables [`keyspaces`] defines (every definition must build).
#[cfg(test)]
pub(crate) fn definition_count() -> usize {
    SETUPS.iter().map(|s| s.defs.len()).sum()
}

/// How many DSE table definitions [`keyspaces`] adds or replaces.
#[cfg(test)]
pub(crate) fn dse_definition_count() -> usize {
    DSE_SYSTEM.len() + DSE_SYSTEM_SCHEMA.len()
}
