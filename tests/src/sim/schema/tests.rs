//! DDL tests: statements parsed, applied to a schema with the system keyspaces, and the
//! resulting model, schema changes and errors checked.

use std::collections::BTreeMap;

use cql_core::message::{DbError, SchemaChange, SchemaChangeTarget, SchemaChangeType};
use cql_core::types::ColumnType;

use super::ddl::execute;
use super::options::ReplicationContext;
use super::types::cql_type_string;
use super::{ClusteringOrder, ColumnKind, Schema};
use crate::cql::parse_statement;
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::system::system_keyspaces;

fn schema() -> Schema {
    let mut s = Schema::default();
    for ks in system_keyspaces() {
        s.keyspaces.insert(ks.name.clone(), ks);
    }
    s
}

fn run_in(s: &mut Schema, ks: Option<&str>, cql: &str) -> CqlResult<Option<SchemaChange>> {
    let parsed = parse_statement(cql).map_err(CqlError::from)?;
    execute(s, &parsed.statement, ks)
}

fn run(s: &mut Schema, cql: &str) -> CqlResult<Option<SchemaChange>> {
    run_in(s, Some("ks"), cql)
}

fn ok(s: &mut Schema, cql: &str) -> SchemaChange {
    match run(s, cql) {
        Ok(Some(c)) => c,
        other => panic!("{cql}: {other:?}"),
    }
}

fn err(s: &mut Schema, cql: &str) -> CqlError {
    match run(s, cql) {
        Err(e) => e,
        other => panic!("{cql}: expected an error, got {other:?}"),
    }
}

fn invalid(s: &mut Schema, cql: &str, message: &str) {
    let e = err(s, cql);
    assert_eq!(e.error, DbError::Invalid, "{cql}: {e}");
    assert_eq!(e.message, message, "{cql}");
}

fn config(s: &mut Schema, cql: &str, message: &str) {
    let e = err(s, cql);
    assert_eq!(e.error, DbError::ConfigError, "{cql}: {e}");
    assert_eq!(e.message, message, "{cql}");
}

fn unauthorized(s: &mut Schema, cql: &str, message: &str) {
    let e = err(s, cql);
    assert_eq!(e.error, DbError::Unauthorized, "{cql}: {e}");
    assert_eq!(e.message, message, "{cql}");
}

fn with_ks() -> Schema {
    let mut s = schema();
    ok(
        &mut s,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    s
}

fn target(c: &SchemaChange) -> (SchemaChangeType, SchemaChangeTarget) {
    (c.change_type, c.target.clone())
}

fn table_t(ks: &str, t: &str) -> SchemaChangeTarget {
    SchemaChangeTarget::Table {
        keyspace: ks.into(),
        name: t.into(),
    }
}

#[test]
fn create_keyspace_simple_and_nts() {
    let mut s = schema();
    let c = ok(
        &mut s,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3} AND durable_writes = false",
    );
    assert_eq!(
        target(&c),
        (
            SchemaChangeType::Created,
            SchemaChangeTarget::Keyspace {
                keyspace: "ks".into()
            }
        )
    );
    let ks = s.keyspace("ks").unwrap();
    assert!(!ks.durable_writes);
    assert_eq!(
        ks.replication.get("class").unwrap(),
        "org.apache.cassandra.locator.SimpleStrategy"
    );
    assert_eq!(ks.replication.get("replication_factor").unwrap(), "3");

    ok(
        &mut s,
        "CREATE KEYSPACE ks2 WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'dc1': 3, 'dc2': '2'}",
    );
    let ks2 = s.keyspace("ks2").unwrap();
    assert!(ks2.durable_writes);
    assert_eq!(
        ks2.replication.get("class").unwrap(),
        "org.apache.cassandra.locator.NetworkTopologyStrategy"
    );
    assert_eq!(ks2.replication.get("dc1").unwrap(), "3");
    assert_eq!(ks2.replication.get("dc2").unwrap(), "2");

    ok(
        &mut s,
        "CREATE KEYSPACE ks3 WITH replication = {'class': 'NetworkTopologyStrategy', 'replication_factor': 2}",
    );
    assert_eq!(
        s.keyspace("ks3")
            .unwrap()
            .replication
            .get("datacenter1")
            .unwrap(),
        "2"
    );
}

#[test]
fn nts_datacenters_checked_when_known() {
    let mut s = schema();
    let ctx = ReplicationContext {
        datacenters: vec!["dc1".into(), "dc2".into()],
    };
    let stmt = |cql: &str| parse_statement(cql).unwrap().statement;
    let e = super::ddl::execute_with(
        &mut s,
        &stmt(
            "CREATE KEYSPACE k WITH replication = {'class': 'NetworkTopologyStrategy', 'dc3': 1}",
        ),
        None,
        &ctx,
    )
    .unwrap_err();
    assert_eq!(e.error, DbError::ConfigError);
    assert_eq!(
        e.message,
        "Unrecognized strategy option {dc3} passed to NetworkTopologyStrategy for keyspace k"
    );
    super::ddl::execute_with(
        &mut s,
        &stmt("CREATE KEYSPACE k WITH replication = {'class': 'NetworkTopologyStrategy', 'replication_factor': 3, 'dc2': 1}"),
        None,
        &ctx,
    )
    .unwrap();
    let r = &s.keyspace("k").unwrap().replication;
    assert_eq!(r.get("dc1").unwrap(), "3");
    assert_eq!(r.get("dc2").unwrap(), "1");
    assert!(!r.contains_key("replication_factor"));
}

#[test]
fn keyspace_errors() {
    let mut s = with_ks();
    let e = err(
        &mut s,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    assert_eq!(
        e.error,
        DbError::AlreadyExists {
            keyspace: "ks".into(),
            table: String::new()
        }
    );
    assert_eq!(e.message, "Cannot add existing keyspace \"ks\"");
    assert_eq!(
        run(
            &mut s,
            "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
        ),
        Ok(None)
    );
    invalid(
        &mut s,
        "CREATE KEYSPACE k2 WITH durable_writes = true",
        "Missing mandatory option 'replication'",
    );
    config(
        &mut s,
        "CREATE KEYSPACE k2 WITH replication = {'replication_factor': 1}",
        "Missing replication strategy class",
    );
    config(
        &mut s,
        "CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy'}",
        "SimpleStrategy requires a replication_factor strategy option.",
    );
    config(
        &mut s,
        "CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1, 'foo': 2}",
        "Unrecognized strategy option {foo} passed to SimpleStrategy for keyspace k2",
    );
    config(
        &mut s,
        "CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': -1}",
        "Replication factor must be non-negative, found -1",
    );
    config(
        &mut s,
        "CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 'x'}",
        "For input string: \"x\"",
    );
    config(
        &mut s,
        "CREATE KEYSPACE k2 WITH replication = {'class': 'FooStrategy'}",
        "Unable to find replication strategy class 'org.apache.cassandra.locator.FooStrategy'",
    );
    invalid(
        &mut s,
        "CREATE KEYSPACE k2 WITH replication = {'class': 'LocalStrategy'}",
        "Unable to use given strategy class: LocalStrategy is reserved for internal use.",
    );
    let e = err(
        &mut s,
        "CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND foo = 1",
    );
    assert_eq!(e.error, DbError::SyntaxError);
    assert_eq!(e.message, "Unknown property 'foo'");
    invalid(
        &mut s,
        "CREATE KEYSPACE \"bad-name\" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "Keyspace name must not be empty, more than 48 characters long, or contain non-alphanumeric-underscore characters (got 'bad-name')",
    );
    invalid(
        &mut s,
        "CREATE KEYSPACE system WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "System keyspace 'system' is not user-modifiable",
    );
    invalid(
        &mut s,
        "DROP KEYSPACE nope",
        "Keyspace 'nope' doesn't exist",
    );
    assert_eq!(run(&mut s, "DROP KEYSPACE IF EXISTS nope"), Ok(None));
    invalid(
        &mut s,
        "ALTER KEYSPACE nope WITH durable_writes = false",
        "Keyspace 'nope' doesn't exist",
    );
    assert_eq!(
        run(
            &mut s,
            "ALTER KEYSPACE IF EXISTS nope WITH durable_writes = false"
        ),
        Ok(None)
    );
}

#[test]
fn alter_and_drop_keyspace() {
    let mut s = with_ks();
    let c = ok(
        &mut s,
        "ALTER KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 2}",
    );
    assert_eq!(c.change_type, SchemaChangeType::Updated);
    assert_eq!(
        s.keyspace("ks")
            .unwrap()
            .replication
            .get("datacenter1")
            .unwrap(),
        "2"
    );
    // The same again changes nothing.
    assert_eq!(
        run(
            &mut s,
            "ALTER KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 2}"
        ),
        Ok(None)
    );
    ok(&mut s, "ALTER KEYSPACE ks WITH durable_writes = false");
    assert!(!s.keyspace("ks").unwrap().durable_writes);
    let c = ok(&mut s, "DROP KEYSPACE ks");
    assert_eq!(c.change_type, SchemaChangeType::Dropped);
    assert!(s.keyspace("ks").is_none());
}

#[test]
fn system_keyspaces_refused() {
    let mut s = with_ks();
    unauthorized(
        &mut s,
        "CREATE TABLE system.t (k int PRIMARY KEY)",
        "system keyspace is not user-modifiable.",
    );
    unauthorized(
        &mut s,
        "DROP TABLE system_schema.tables",
        "system_schema keyspace is not user-modifiable.",
    );
    unauthorized(
        &mut s,
        "ALTER KEYSPACE system WITH durable_writes = false",
        "system keyspace is not user-modifiable.",
    );
    unauthorized(
        &mut s,
        "DROP KEYSPACE system_views",
        "system_views keyspace is not user-modifiable.",
    );
    unauthorized(
        &mut s,
        "CREATE TABLE system_auth.t (k int PRIMARY KEY)",
        "Cannot CREATE <keyspace system_auth>",
    );
    unauthorized(
        &mut s,
        "ALTER TABLE system_auth.roles WITH comment = 'x'",
        "Cannot ALTER <table system_auth.roles>",
    );
    unauthorized(
        &mut s,
        "DROP KEYSPACE system_traces",
        "Cannot DROP <keyspace system_traces>",
    );
    unauthorized(
        &mut s,
        "CREATE TYPE system_distributed.u (a int)",
        "Cannot CREATE <all tables in system_distributed>",
    );
    // Replicated system keyspaces may be altered.
    let c = ok(
        &mut s,
        "ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
    );
    assert_eq!(c.change_type, SchemaChangeType::Updated);
    let e = err(
        &mut s,
        "CREATE KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    assert!(matches!(e.error, DbError::AlreadyExists { .. }));
}

#[test]
fn create_table_model() {
    let mut s = with_ks();
    let c = ok(
        &mut s,
        "CREATE TABLE t (a int, b text, c timestamp, s int STATIC, z list<int>, y frozen<set<text>>, x map<text, frozen<list<int>>>, w tuple<int, text>, v blob, PRIMARY KEY ((a, b), c, v)) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'hi' AND default_time_to_live = 10",
    );
    assert_eq!(target(&c), (SchemaChangeType::Created, table_t("ks", "t")));
    let t = s.table("ks", "t").unwrap();
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "v", "s", "w", "x", "y", "z"]);
    let c0 = t.column("b").unwrap();
    assert_eq!((c0.kind, c0.position), (ColumnKind::PartitionKey, 1));
    let cc = t.column("c").unwrap();
    assert_eq!(
        (cc.kind, cc.position, cc.order),
        (ColumnKind::Clustering, 0, ClusteringOrder::Desc)
    );
    assert_eq!(t.column("v").unwrap().order, ClusteringOrder::Asc);
    assert_eq!(t.column("s").unwrap().kind, ColumnKind::Static);
    assert_eq!(t.column("z").unwrap().position, -1);
    assert_eq!(t.options.comment, "hi");
    assert_eq!(t.options.default_time_to_live, 10);
    let ty = |n: &str| {
        let c = t.column(n).unwrap();
        cql_type_string(&c.typ, c.frozen)
    };
    assert_eq!(ty("z"), "list<int>");
    assert_eq!(ty("y"), "frozen<set<text>>");
    assert_eq!(ty("x"), "map<text, frozen<list<int>>>");
    assert_eq!(ty("w"), "frozen<tuple<int, text>>");
    assert_eq!(ty("c"), "timestamp");
    assert!(!t.id.is_nil());

    // IF NOT EXISTS, and the table id differs per table.
    assert_eq!(
        run(&mut s, "CREATE TABLE IF NOT EXISTS t (k int PRIMARY KEY)"),
        Ok(None)
    );
    ok(&mut s, "CREATE TABLE ks.t2 (k int PRIMARY KEY)");
    assert_ne!(
        s.table("ks", "t2").unwrap().id,
        s.table("ks", "t").unwrap().id
    );
}

#[test]
fn create_table_options() {
    let mut s = with_ks();
    ok(
        &mut s,
        "CREATE TABLE t (k int PRIMARY KEY, v int) WITH gc_grace_seconds = 5 AND bloom_filter_fp_chance = 0.1 \
         AND caching = {'keys': 'none', 'rows_per_partition': 10} \
         AND compaction = {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 160} \
         AND compression = {'class': 'SnappyCompressor', 'chunk_length_in_kb': 64} \
         AND crc_check_chance = 0.5 AND max_index_interval = 4096 AND min_index_interval = 64 \
         AND memtable_flush_period_in_ms = 100 AND read_repair = 'none' AND speculative_retry = '95percentile' \
         AND additional_write_policy = '10ms' AND cdc = true AND id = 5a1c395e-b41f-11e5-9f22-ba0be0483c18",
    );
    let t = s.table("ks", "t").unwrap();
    let o = &t.options;
    assert_eq!(o.gc_grace_seconds, 5);
    assert!((o.bloom_filter_fp_chance - 0.1).abs() < 1e-12);
    assert_eq!(o.caching.get("keys").unwrap(), "NONE");
    assert_eq!(o.caching.get("rows_per_partition").unwrap(), "10");
    assert_eq!(
        o.compaction.get("class").unwrap(),
        "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"
    );
    assert_eq!(o.compaction.get("sstable_size_in_mb").unwrap(), "160");
    assert_eq!(o.compaction.get("max_threshold").unwrap(), "32");
    assert_eq!(
        o.compression.get("class").unwrap(),
        "org.apache.cassandra.io.compress.SnappyCompressor"
    );
    assert_eq!(o.compression.get("chunk_length_in_kb").unwrap(), "64");
    assert!((o.crc_check_chance - 0.5).abs() < 1e-12);
    assert_eq!((o.max_index_interval, o.min_index_interval), (4096, 64));
    assert_eq!(o.memtable_flush_period_in_ms, 100);
    assert_eq!(o.read_repair, "NONE");
    assert_eq!(o.speculative_retry, "95p");
    assert_eq!(o.additional_write_policy, "10ms");
    assert!(o.cdc);
    assert_eq!(t.id.to_string(), "5a1c395e-b41f-11e5-9f22-ba0be0483c18");

    let e = err(&mut s, "CREATE TABLE t3 (k int PRIMARY KEY) WITH foo = 1");
    assert_eq!(e.error, DbError::SyntaxError);
    assert_eq!(e.message, "Unknown property 'foo'");
    config(
        &mut s,
        "CREATE TABLE t3 (k int PRIMARY KEY) WITH gc_grace_seconds = -1",
        "gc_grace_seconds must be greater than or equal to 0 (got -1)",
    );
    config(
        &mut s,
        "CREATE TABLE t3 (k int PRIMARY KEY) WITH default_time_to_live = 630720001",
        "default_time_to_live must be less than or equal to 630720000 (got 630720001)",
    );
    config(
        &mut s,
        "CREATE TABLE t3 (k int PRIMARY KEY) WITH compaction = {'min_threshold': 2}",
        "Missing sub-option 'class' for the 'compaction' option.",
    );
    config(
        &mut s,
        "CREATE TABLE t3 (k int PRIMARY KEY) WITH caching = {'keys': 'some'}",
        "Invalid value 'some' for caching sub-option 'keys': only 'ALL' and 'NONE' are allowed",
    );
    config(
        &mut s,
        "CREATE TABLE t3 (k int PRIMARY KEY) WITH bloom_filter_fp_chance = 2",
        "bloom_filter_fp_chance must be larger than 6.71E-5 and less than or equal to 1.0 (got 2.0)",
    );
}

#[test]
fn compression_disabled_as_cassandra_stores_it() {
    let mut s = with_ks();
    let off = BTreeMap::from([("enabled".to_string(), "false".to_string())]);
    for (t, with) in [
        ("a", "{}"),
        ("b", "{'enabled': false}"),
        ("c", "{'enabled': 'false'}"),
        ("d", "{'enabled': 'no'}"),
    ] {
        ok(
            &mut s,
            &format!("CREATE TABLE {t} (k int PRIMARY KEY) WITH compression = {with}"),
        );
        assert_eq!(s.table("ks", t).unwrap().options.compression, off, "{with}");
    }
    ok(
        &mut s,
        "ALTER TABLE a WITH compression = {'class': 'LZ4Compressor', 'enabled': 'TRUE'}",
    );
    assert_eq!(
        s.table("ks", "a")
            .unwrap()
            .options
            .compression
            .get("class")
            .unwrap(),
        "org.apache.cassandra.io.compress.LZ4Compressor"
    );
    ok(&mut s, "ALTER TABLE a WITH compression = {}");
    assert_eq!(s.table("ks", "a").unwrap().options.compression, off);
    for (with, message) in [
        (
            "{'chunk_length_in_kb': 32}",
            "Missing sub-option 'class' for the 'compression' option.",
        ),
        (
            "{'enabled': 'false', 'class': 'SnappyCompressor'}",
            "If the 'enabled' option is set to false no other options must be specified",
        ),
        (
            "{'enabled': 'false', 'chunk_length_in_kb': 32}",
            "If the 'enabled' option is set to false no other options must be specified",
        ),
        (
            "{'class': ''}",
            "The 'class' option must not be empty. To disable compression use 'enabled' : false",
        ),
    ] {
        config(
            &mut s,
            &format!("CREATE TABLE e (k int PRIMARY KEY) WITH compression = {with}"),
            message,
        );
    }
}

#[test]
fn create_table_errors() {
    let mut s = with_ks();
    ok(&mut s, "CREATE TABLE t (k int PRIMARY KEY)");
    let e = err(&mut s, "CREATE TABLE t (k int PRIMARY KEY)");
    assert_eq!(
        e.error,
        DbError::AlreadyExists {
            keyspace: "ks".into(),
            table: "t".into()
        }
    );
    assert_eq!(
        e.message,
        "Cannot add already existing table \"t\" to keyspace \"ks\""
    );
    invalid(
        &mut s,
        "CREATE TABLE nope.t (k int PRIMARY KEY)",
        "Keyspace 'nope' doesn't exist",
    );
    let e = run_in(&mut s, None, "CREATE TABLE t9 (k int PRIMARY KEY)").unwrap_err();
    assert_eq!(
        e.message,
        "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename"
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int, v int, PRIMARY KEY (x))",
        "Unknown column 'x' referenced in PRIMARY KEY for table 't2'",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int, k text, PRIMARY KEY (k))",
        "Multiple definition of identifier k",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int, PRIMARY KEY (k, k))",
        "Duplicate column 'k' in PRIMARY KEY clause for table 't2'",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k list<int> PRIMARY KEY)",
        "Invalid non-frozen collection type list<int> for PRIMARY KEY column 'k'",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k counter PRIMARY KEY)",
        "counter type is not supported for PRIMARY KEY column 'k'",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k duration PRIMARY KEY)",
        "duration type is not supported for PRIMARY KEY column 'k'",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int PRIMARY KEY, s int static)",
        "Static columns are only useful (and thus allowed) if the table has at least one clustering column",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int, c int, s int static, PRIMARY KEY (k, s))",
        "Static column 's' cannot be part of the PRIMARY KEY",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int PRIMARY KEY, c counter, v int)",
        "Cannot mix counter and non counter columns in the same table",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int PRIMARY KEY, c counter) WITH default_time_to_live = 1",
        "Cannot set default_time_to_live on a table with counters",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int, c int, d int, PRIMARY KEY (k, c, d)) WITH CLUSTERING ORDER BY (d DESC, c ASC)",
        "The order of columns in the CLUSTERING ORDER directive must match that of the clustering columns (c must appear before d)",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int, c int, d int, PRIMARY KEY (k, c, d)) WITH CLUSTERING ORDER BY (d DESC)",
        "Missing CLUSTERING ORDER for column c",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC, k ASC)",
        "Only clustering columns can be defined in CLUSTERING ORDER directive",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int PRIMARY KEY, v list<list<int>>)",
        "Non-frozen collections are not allowed inside collections: list<list<int>>",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int PRIMARY KEY, v set<counter>)",
        "Counters are not allowed inside collections: set<counter>",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int PRIMARY KEY, v frozen<int>)",
        "frozen<> is only allowed on collections, tuples, and user-defined types (got int)",
    );
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int PRIMARY KEY, v nosuch)",
        "Unknown type ks.nosuch",
    );
    config(
        &mut s,
        "CREATE TABLE t2345678901234567890123456789012345678901234567890 (k int PRIMARY KEY)",
        "Table name must not be empty, more than 48 characters long, or contain non-alphanumeric-underscore characters (got \"t2345678901234567890123456789012345678901234567890\")",
    );
}

#[test]
fn counter_table_flags() {
    let mut s = with_ks();
    ok(&mut s, "CREATE TABLE c (k int PRIMARY KEY, n counter)");
    assert_eq!(
        s.table("ks", "c").unwrap().options.flags,
        vec!["compound".to_string(), "counter".to_string()]
    );
    invalid(
        &mut s,
        "ALTER TABLE c WITH default_time_to_live = 5",
        "Cannot set default_time_to_live on a table with counters",
    );
    config(
        &mut s,
        "ALTER TABLE c ADD v int",
        "Cannot add a non counter column (v) in a counter column family",
    );
}

#[test]
fn alter_table() {
    let mut s = with_ks();
    ok(
        &mut s,
        "CREATE TABLE t (k int, c int, v int, PRIMARY KEY (k, c))",
    );
    let c = ok(&mut s, "ALTER TABLE t ADD (a text, b set<int>)");
    assert_eq!(target(&c), (SchemaChangeType::Updated, table_t("ks", "t")));
    let names: Vec<String> = s
        .table("ks", "t")
        .unwrap()
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(names, ["k", "c", "a", "b", "v"]);
    ok(&mut s, "ALTER TABLE t ADD st int static");
    assert_eq!(
        s.table("ks", "t").unwrap().columns[2].kind,
        ColumnKind::Static
    );
    invalid(
        &mut s,
        "ALTER TABLE t ADD v int",
        "Column with name 'v' already exists",
    );
    assert_eq!(
        run(&mut s, "ALTER TABLE t ADD IF NOT EXISTS v int"),
        Ok(None)
    );

    ok(&mut s, "ALTER TABLE t DROP a");
    assert!(s.table("ks", "t").unwrap().column("a").is_none());
    invalid(
        &mut s,
        "ALTER TABLE t DROP a",
        "Column a was not found in table 'ks.t'",
    );
    assert_eq!(run(&mut s, "ALTER TABLE t DROP IF EXISTS a"), Ok(None));
    invalid(
        &mut s,
        "ALTER TABLE t DROP k",
        "Cannot drop PRIMARY KEY column k",
    );

    ok(&mut s, "ALTER TABLE t RENAME c TO cc");
    let t = s.table("ks", "t").unwrap();
    assert_eq!(t.column("cc").unwrap().kind, ColumnKind::Clustering);
    invalid(
        &mut s,
        "ALTER TABLE t RENAME v TO w",
        "Cannot rename non PRIMARY KEY column v",
    );
    invalid(
        &mut s,
        "ALTER TABLE t RENAME k TO v",
        "Cannot rename column k to v in table 'ks.t'; another column with that name already exists",
    );
    invalid(
        &mut s,
        "ALTER TABLE t RENAME nope TO x",
        "Column nope was not found in table ks.t",
    );

    ok(
        &mut s,
        "ALTER TABLE t WITH comment = 'c' AND gc_grace_seconds = 1",
    );
    let t = s.table("ks", "t").unwrap();
    assert_eq!(
        (t.options.comment.as_str(), t.options.gc_grace_seconds),
        ("c", 1)
    );
    assert_eq!(run(&mut s, "ALTER TABLE t WITH comment = 'c'"), Ok(None));
    config(
        &mut s,
        "ALTER TABLE t WITH id = 5a1c395e-b41f-11e5-9f22-ba0be0483c18",
        "Cannot alter table id.",
    );
    invalid(
        &mut s,
        "ALTER TABLE t ALTER v TYPE bigint",
        "Altering column types is no longer supported",
    );
    invalid(
        &mut s,
        "ALTER TABLE nope ADD x int",
        "Table 'ks.nope' doesn't exist",
    );
    assert_eq!(
        run(&mut s, "ALTER TABLE IF EXISTS nope ADD x int"),
        Ok(None)
    );
}

#[test]
fn drop_table() {
    let mut s = with_ks();
    ok(&mut s, "CREATE TABLE t (k int PRIMARY KEY)");
    let c = ok(&mut s, "DROP TABLE t");
    assert_eq!(target(&c), (SchemaChangeType::Dropped, table_t("ks", "t")));
    invalid(&mut s, "DROP TABLE t", "Table 'ks.t' doesn't exist");
    assert_eq!(run(&mut s, "DROP TABLE IF EXISTS t"), Ok(None));
}

fn type_t(ks: &str, t: &str) -> SchemaChangeTarget {
    SchemaChangeTarget::Type {
        keyspace: ks.into(),
        name: t.into(),
    }
}

#[test]
fn user_types() {
    let mut s = with_ks();
    let c = ok(
        &mut s,
        "CREATE TYPE address (street text, zip int, tags list<text>, f frozen<list<int>>)",
    );
    assert_eq!(
        target(&c),
        (SchemaChangeType::Created, type_t("ks", "address"))
    );
    let u = s
        .keyspace("ks")
        .unwrap()
        .types
        .get("address")
        .unwrap()
        .clone();
    assert_eq!(
        super::field_type_strings(&u),
        ["text", "int", "list<text>", "frozen<list<int>>"]
    );
    invalid(
        &mut s,
        "CREATE TYPE address (a int)",
        "A user type with name 'address' already exists",
    );
    assert_eq!(
        run(&mut s, "CREATE TYPE IF NOT EXISTS address (a int)"),
        Ok(None)
    );
    invalid(
        &mut s,
        "CREATE TYPE u2 (a int, a text)",
        "Duplicate field name 'a' in type 'u2'",
    );
    invalid(
        &mut s,
        "CREATE TYPE u2 (a counter)",
        "A user type cannot contain counters",
    );
    invalid(
        &mut s,
        "CREATE TYPE u2 (a address)",
        "A user type cannot contain non-frozen UDTs",
    );
    ok(&mut s, "CREATE TYPE simple (a int, b text)");
    ok(&mut s, "CREATE TYPE outer_t (s frozen<simple>)");

    // Columns get the resolved type with its fields.
    ok(
        &mut s,
        "CREATE TABLE t (k int PRIMARY KEY, a frozen<address>, b simple, o frozen<outer_t>)",
    );
    let t = s.table("ks", "t").unwrap();
    let a = t.column("a").unwrap();
    assert!(a.frozen);
    assert_eq!(cql_type_string(&a.typ, a.frozen), "frozen<address>");
    let b = t.column("b").unwrap();
    assert_eq!(cql_type_string(&b.typ, b.frozen), "simple");
    match &b.typ {
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            assert_eq!((keyspace.as_str(), name.as_str()), ("ks", "simple"));
            assert_eq!(fields.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    invalid(
        &mut s,
        "CREATE TABLE t2 (k int PRIMARY KEY, a address)",
        "Non-frozen UDTs with nested non-frozen collections are not supported",
    );

    // ALTER TYPE ADD / RENAME propagate to tables and enclosing types.
    let c = ok(&mut s, "ALTER TYPE simple ADD c int");
    assert_eq!(
        target(&c),
        (SchemaChangeType::Updated, type_t("ks", "simple"))
    );
    let fields = |s: &Schema, col: &str| match &s.table("ks", "t").unwrap().column(col).unwrap().typ
    {
        ColumnType::Udt { fields, .. } => fields.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(fields(&s, "b").len(), 3);
    match &fields(&s, "o")[0].1 {
        ColumnType::Udt { fields, .. } => assert_eq!(fields.len(), 3),
        other => panic!("{other:?}"),
    }
    ok(&mut s, "ALTER TYPE simple RENAME a TO aa AND b TO bb");
    assert_eq!(fields(&s, "b")[0].0, "aa");
    invalid(
        &mut s,
        "ALTER TYPE simple ADD c int",
        "Cannot add field c to type ks.simple: a field with name c already exists",
    );
    assert_eq!(
        run(&mut s, "ALTER TYPE simple ADD IF NOT EXISTS c int"),
        Ok(None)
    );
    invalid(
        &mut s,
        "ALTER TYPE simple RENAME zz TO y",
        "Unkown field zz in user type ks.simple",
    );
    invalid(
        &mut s,
        "ALTER TYPE simple RENAME aa TO bb",
        "Duplicate field name bb in type ks",
    );
    invalid(
        &mut s,
        "ALTER TYPE simple ADD me frozen<outer_t>",
        "Cannot add new field me of type frozen<outer_t> to user type ks.simple as it would create a circular reference",
    );
    invalid(
        &mut s,
        "ALTER TYPE nope ADD a int",
        "Type ks.nope doesn't exist",
    );
    assert_eq!(run(&mut s, "ALTER TYPE IF EXISTS nope ADD a int"), Ok(None));

    // DROP TYPE refuses types in use.
    invalid(
        &mut s,
        "DROP TYPE simple",
        "Cannot drop user type 'ks.simple' as it is still used by user types outer_t",
    );
    invalid(
        &mut s,
        "DROP TYPE address",
        "Cannot drop user type 'ks.address' as it is still used by tables t",
    );
    invalid(&mut s, "DROP TYPE nope", "Type 'ks.nope' doesn't exist");
    assert_eq!(run(&mut s, "DROP TYPE IF EXISTS nope"), Ok(None));
    ok(&mut s, "DROP TABLE t");
    let c = ok(&mut s, "DROP TYPE outer_t");
    assert_eq!(
        target(&c),
        (SchemaChangeType::Dropped, type_t("ks", "outer_t"))
    );
    ok(&mut s, "DROP TYPE simple");
    assert!(!s.keyspace("ks").unwrap().types.contains_key("simple"));
}

#[test]
fn udt_of_other_keyspace_refused() {
    let mut s = with_ks();
    ok(
        &mut s,
        "CREATE KEYSPACE other WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    ok(&mut s, "CREATE TYPE other.u (a int)");
    invalid(
        &mut s,
        "CREATE TABLE t (k int PRIMARY KEY, v frozen<other.u>)",
        "Statement on keyspace ks cannot refer to a user type in keyspace other; user types can only be used in the keyspace they are defined in",
    );
}

#[test]
fn indexes() {
    let mut s = with_ks();
    ok(
        &mut s,
        "CREATE TABLE t (k int, c int, v int, l list<int>, m map<text, int>, f frozen<list<int>>, d duration, PRIMARY KEY (k, c))",
    );
    let c = ok(&mut s, "CREATE INDEX ON t (v)");
    assert_eq!(target(&c), (SchemaChangeType::Updated, table_t("ks", "t")));
    let t = s.table("ks", "t").unwrap();
    let i = t.indexes.get("t_v_idx").unwrap();
    assert_eq!(i.kind, "COMPOSITES");
    assert_eq!(i.options.get("target").unwrap(), "v");

    ok(&mut s, "CREATE INDEX named ON t (keys(m))");
    ok(&mut s, "CREATE INDEX ON t (entries(m))");
    ok(&mut s, "CREATE INDEX ON t (l)");
    ok(&mut s, "CREATE INDEX ON t (full(f))");
    ok(&mut s, "CREATE INDEX ON t (c)");
    let t = s.table("ks", "t").unwrap();
    let target_of = |n: &str| {
        t.indexes
            .get(n)
            .unwrap()
            .options
            .get("target")
            .unwrap()
            .clone()
    };
    assert_eq!(target_of("named"), "keys(m)");
    assert_eq!(target_of("t_m_idx"), "entries(m)");
    assert_eq!(target_of("t_l_idx"), "values(l)");
    assert_eq!(target_of("t_f_idx"), "full(f)");
    assert_eq!(target_of("t_c_idx"), "c");

    invalid(
        &mut s,
        "CREATE INDEX ON t (v)",
        "Index t_v_idx_1 is a duplicate of existing index t_v_idx",
    );
    assert_eq!(run(&mut s, "CREATE INDEX IF NOT EXISTS ON t (v)"), Ok(None));
    invalid(
        &mut s,
        "CREATE INDEX named ON t (c)",
        "Index 'named' already exists",
    );
    assert_eq!(
        run(&mut s, "CREATE INDEX IF NOT EXISTS named ON t (c)"),
        Ok(None)
    );
    invalid(
        &mut s,
        "CREATE INDEX ON t (k)",
        "Cannot create secondary index on the only partition key column k",
    );
    invalid(
        &mut s,
        "CREATE INDEX ON t (f)",
        "Cannot create values() index on frozen column f. Frozen collections are immutable and must be fully indexed by using the 'full(f)' modifier",
    );
    invalid(
        &mut s,
        "CREATE INDEX ON t (full(l))",
        "full() indexes can only be created on frozen collections",
    );
    invalid(
        &mut s,
        "CREATE INDEX ON t (keys(v))",
        "Cannot create keys() index on v. Non-collection columns only support simple indexes",
    );
    invalid(
        &mut s,
        "CREATE INDEX ON t (keys(l))",
        "Cannot create index on keys of column l with non-map type",
    );
    invalid(
        &mut s,
        "CREATE INDEX ON t (d)",
        "Secondary indexes are not supported on duration columns",
    );
    invalid(
        &mut s,
        "CREATE INDEX ON t (nope)",
        "Undefined column name nope in table ks.t",
    );
    invalid(
        &mut s,
        "CREATE INDEX ON nope (v)",
        "Table 'nope' doesn't exist",
    );
    invalid(
        &mut s,
        "CREATE INDEX i2 ON t (v) WITH options = {'a': 'b'}",
        "Cannot specify options for a non-CUSTOM index",
    );
    ok(
        &mut s,
        "CREATE CUSTOM INDEX ci ON t (c) USING 'org.example.Idx' WITH OPTIONS = {'mode': 'x'}",
    );
    let t = s.table("ks", "t").unwrap();
    let ci = t.indexes.get("ci").unwrap();
    assert_eq!(ci.kind, "CUSTOM");
    assert_eq!(ci.options.get("class_name").unwrap(), "org.example.Idx");
    assert_eq!(ci.options.get("mode").unwrap(), "x");
    assert_eq!(ci.options.get("target").unwrap(), "c");

    invalid(
        &mut s,
        "ALTER TABLE t DROP v",
        "Cannot drop column v because it has dependent secondary indexes (t_v_idx)",
    );
    let c = ok(&mut s, "DROP INDEX t_v_idx");
    assert_eq!(target(&c), (SchemaChangeType::Updated, table_t("ks", "t")));
    invalid(
        &mut s,
        "DROP INDEX t_v_idx",
        "Index 'ks.t_v_idx' doesn't exist'",
    );
    assert_eq!(run(&mut s, "DROP INDEX IF EXISTS ks.t_v_idx"), Ok(None));
    ok(&mut s, "ALTER TABLE t DROP v");

    ok(&mut s, "CREATE TABLE cnt (k int PRIMARY KEY, n counter)");
    invalid(
        &mut s,
        "CREATE INDEX ON cnt (n)",
        "Secondary indexes on counter tables aren't supported",
    );
}

#[test]
fn type_strings() {
    use ColumnType as T;
    let udt = T::Udt {
        keyspace: "ks".into(),
        name: "Address".into(),
        fields: vec![],
    };
    let cases: Vec<(T, bool, &str)> = vec![
        (T::Text, false, "text"),
        (T::Varint, false, "varint"),
        (T::Timeuuid, false, "timeuuid"),
        (T::List(Box::new(T::Int)), false, "list<int>"),
        (T::List(Box::new(T::Int)), true, "frozen<list<int>>"),
        (
            T::Map(Box::new(T::Text), Box::new(T::Int)),
            false,
            "map<text, int>",
        ),
        (
            T::Set(Box::new(T::Map(Box::new(T::Int), Box::new(T::Text)))),
            false,
            "set<frozen<map<int, text>>>",
        ),
        (udt.clone(), false, "\"Address\""),
        (udt.clone(), true, "frozen<\"Address\">"),
        (T::List(Box::new(udt)), false, "list<frozen<\"Address\">>"),
        (
            T::Tuple(vec![T::Int, T::List(Box::new(T::Text))]),
            false,
            "frozen<tuple<int, frozen<list<text>>>>",
        ),
        (
            T::Vector {
                element: Box::new(T::Float),
                dimensions: 3,
            },
            false,
            "vector<float, 3>",
        ),
        (T::Custom("org.example.T".into()), false, "'org.example.T'"),
    ];
    for (t, frozen, want) in cases {
        assert_eq!(cql_type_string(&t, frozen), want, "{t:?}");
    }
}

#[test]
fn non_ddl_statement_is_refused() {
    let mut s = with_ks();
    invalid(&mut s, "SELECT * FROM t", "Not a schema statement");
}

mod properties {
    use std::collections::BTreeMap;

    use cql_core::types::ColumnType;
    use proptest::prelude::*;

    use crate::cql::ast::{CqlType, NativeType};
    use crate::sim::schema::types::{cql_type_string, resolve};

    fn native() -> impl Strategy<Value = CqlType> {
        prop::sample::select(NativeType::NAMES.to_vec()).prop_map(|(_, t)| CqlType::Native(t))
    }

    fn cql_type() -> impl Strategy<Value = CqlType> {
        native().prop_recursive(4, 24, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(|t| CqlType::List(Box::new(t))),
                inner.clone().prop_map(|t| CqlType::Set(Box::new(t))),
                (inner.clone(), inner.clone())
                    .prop_map(|(k, v)| CqlType::Map(Box::new(k), Box::new(v))),
                prop::collection::vec(inner.clone(), 1..4).prop_map(CqlType::Tuple),
                inner.clone().prop_map(|t| CqlType::Frozen(Box::new(t))),
                (inner, 1u32..5).prop_map(|(t, n)| CqlType::Vector(Box::new(t), n)),
            ]
        })
    }

    proptest! {
        /// Whatever type DDL names, resolving never panics, and an accepted type's string
        /// parses back to the same type.
        #[test]
        fn resolved_type_strings_parse_back(raw in cql_type()) {
            if let Ok(t) = resolve(&raw, "ks", &BTreeMap::new()) {
                let s = cql_type_string(&t.typ, t.frozen);
                let back = ColumnType::parse_cql(&s);
                prop_assert_eq!(back.as_ref().ok(), Some(&t.typ), "{}", s);
            }
        }
    }
}

#[test]
fn ddl_through_the_node() {
    use crate::sim::{BoundValues, ExecParams, Node, NodeConfig, Outcome, SessionState};
    let node = Node::new(NodeConfig::default());
    let mut session = SessionState::default();
    let before = node.schema_version();
    let out = node
        .query(
            "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            &BoundValues::default(),
            &ExecParams::default(),
            &mut session,
        )
        .unwrap();
    assert!(matches!(out, Outcome::SchemaChange(_)));
    assert_ne!(node.schema_version(), before);
    assert!(node.schema().keyspace("system_schema").is_some());
}

mod functions;
mod triggers;
mod views;
