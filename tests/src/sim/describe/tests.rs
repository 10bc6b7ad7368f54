//! DESCRIBE against a node: every form, the exact CREATE text, errors, paging.

use bytes::Bytes;

use super::cql::java_double;
use super::*;
use crate::sim::node::{Node, NodeConfig, SessionState};
use crate::sim::outcome::BoundValues;

struct Client {
    node: Node,
    session: SessionState,
}

impl Client {
    fn new() -> Self {
        Self {
            node: Node::new(NodeConfig::default()),
            session: SessionState::default(),
        }
    }

    fn paged(&mut self, q: &str, params: &ExecParams) -> CqlResult<RowsResult> {
        match self
            .node
            .query(q, &BoundValues::default(), params, &mut self.session)?
        {
            Outcome::Rows(r) => Ok(r),
            other => panic!("{q}: {other:?}"),
        }
    }

    fn run(&mut self, q: &str) -> CqlResult<RowsResult> {
        self.paged(q, &ExecParams::default())
    }

    fn exec(&mut self, q: &str) {
        self.node
            .query(
                q,
                &BoundValues::default(),
                &ExecParams::default(),
                &mut self.session,
            )
            .unwrap_or_else(|e| panic!("{q}: {e:?}"));
    }

    /// The rows as text cells.
    fn rows(&mut self, q: &str) -> Vec<Vec<String>> {
        let r = self.run(q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
        r.rows
            .iter()
            .map(|row| row.iter().map(cell).collect())
            .collect()
    }

    fn error(&mut self, q: &str) -> String {
        match self.run(q) {
            Ok(r) => panic!("{q} answered {r:?}"),
            Err(e) => {
                assert!(
                    matches!(e.error, cql_core::message::DbError::Invalid),
                    "{q}: {e:?}"
                );
                e.to_response().message
            }
        }
    }
}

fn cell(c: &Option<Bytes>) -> String {
    String::from_utf8(c.clone().unwrap_or_default().to_vec()).unwrap_or_default()
}

fn shop() -> Client {
    let mut c = Client::new();
    for q in [
        "CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TYPE shop.address (street text, city text)",
        "CREATE TYPE shop.person (name text, home frozen<address>)",
        "CREATE TYPE shop.a_first (who frozen<person>, tags list<text>)",
        "CREATE TABLE shop.orders (customer int, placed timestamp, total decimal, items map<text, int>, \
         PRIMARY KEY (customer, placed)) WITH CLUSTERING ORDER BY (placed DESC)",
        "CREATE TABLE shop.\"Events\" (a int, b text, c int, d int, s text static, zz int, m list<int>, \
         f frozen<list<int>>, u frozen<address>, PRIMARY KEY ((a, b), c, d)) WITH comment = 'it''s' \
         AND bloom_filter_fp_chance = 0.0001 AND default_time_to_live = 60",
        "CREATE INDEX total_idx ON shop.orders (total)",
        "CREATE INDEX ON shop.orders (keys(items))",
    ] {
        c.exec(q);
    }
    c
}

const TABLE_OPTIONS: &str = "additional_write_policy = '99p'
    AND bloom_filter_fp_chance = 0.01
    AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}
    AND cdc = false
    AND comment = ''
    AND compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', 'min_threshold': '4'}
    AND compression = {'chunk_length_in_kb': '16', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor'}
    AND memtable = 'default'
    AND crc_check_chance = 1.0
    AND default_time_to_live = 0
    AND extensions = {}
    AND gc_grace_seconds = 864000
    AND max_index_interval = 2048
    AND memtable_flush_period_in_ms = 0
    AND min_index_interval = 128
    AND read_repair = 'BLOCKING'
    AND speculative_retry = '99p';";

fn orders_cql() -> String {
    format!(
        "CREATE TABLE shop.orders (
    customer int,
    placed timestamp,
    total decimal,
    items map<text, int>,
    PRIMARY KEY (customer, placed)
) WITH CLUSTERING ORDER BY (placed DESC)
    AND {TABLE_OPTIONS}"
    )
}

const KEYSPACE_CQL: &str = "CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}  AND durable_writes = true;";

fn row(ks: &str, kind: &str, name: &str, create: &str) -> Vec<String> {
    [ks, kind, name, create].map(str::to_string).to_vec()
}

#[test]
fn describe_table_is_cassandra_text_with_its_indexes() {
    let mut c = shop();
    let rows = c.rows("DESCRIBE TABLE shop.orders");
    assert_eq!(
        rows,
        vec![
            row("shop", "table", "orders", &orders_cql()),
            row(
                "shop",
                "index",
                "orders_items_idx",
                "CREATE INDEX orders_items_idx ON shop.orders (keys(items));"
            ),
            row(
                "shop",
                "index",
                "total_idx",
                "CREATE INDEX total_idx ON shop.orders (total);"
            ),
        ]
    );
    let cols: Vec<_> = c
        .run("DESC TABLE shop.orders")
        .unwrap()
        .columns
        .iter()
        .map(|s| {
            (
                s.keyspace.clone(),
                s.table.clone(),
                s.name.clone(),
                s.typ.clone(),
            )
        })
        .collect();
    let text = |n: &str| {
        (
            "system".into(),
            "describe".into(),
            n.to_string(),
            ColumnType::Text,
        )
    };
    assert_eq!(
        cols,
        vec![
            text("keyspace_name"),
            text("type"),
            text("name"),
            text("create_statement")
        ]
    );
}

#[test]
fn column_order_key_layout_and_options() {
    let mut c = shop();
    let rows = c.rows("DESCRIBE TABLE shop.\"Events\"");
    let expected = "CREATE TABLE shop.\"Events\" (
    a int,
    b text,
    c int,
    d int,
    s text static,
    f frozen<list<int>>,
    u frozen<address>,
    zz int,
    m list<int>,
    PRIMARY KEY ((a, b), c, d)
) WITH CLUSTERING ORDER BY (c ASC, d ASC)
    AND additional_write_policy = '99p'
    AND bloom_filter_fp_chance = 1.0E-4
    AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}
    AND cdc = false
    AND comment = 'it''s'
";
    assert_eq!(rows[0][2], "\"Events\"");
    assert!(rows[0][3].starts_with(expected), "{}", rows[0][3]);
    assert!(rows[0][3].contains("\n    AND default_time_to_live = 60\n"));
}

#[test]
fn disabled_compression_is_described_as_stored() {
    let mut c = shop();
    c.exec("CREATE TABLE shop.plain (k int PRIMARY KEY) WITH compression = {}");
    let rows = c.rows("DESCRIBE TABLE shop.plain");
    assert!(
        rows[0][3].contains("\n    AND compression = {'enabled': 'false'}\n"),
        "{}",
        rows[0][3]
    );
}

#[test]
fn with_internals_adds_the_table_id() {
    let mut c = shop();
    let id = c.node.schema().table("shop", "orders").unwrap().id;
    let rows = c.rows("DESCRIBE TABLE shop.orders WITH INTERNALS");
    assert!(
        rows[0][3].contains(&format!(
            ") WITH ID = {id}\n    AND CLUSTERING ORDER BY (placed DESC)\n    AND additional_write_policy"
        )),
        "{}",
        rows[0][3]
    );
}

#[test]
fn describe_keyspace_orders_types_by_dependency_then_tables() {
    let mut c = shop();
    let rows = c.rows("DESCRIBE KEYSPACE shop");
    let names: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("keyspace", "shop"),
            ("type", "address"),
            ("type", "person"),
            ("type", "a_first"),
            ("table", "\"Events\""),
            ("table", "orders"),
            ("index", "orders_items_idx"),
            ("index", "total_idx"),
        ]
    );
    assert_eq!(rows[0][3], KEYSPACE_CQL);
    assert_eq!(
        rows[3][3],
        "CREATE TYPE shop.a_first (\n    who frozen<person>,\n    tags list<text>\n);"
    );
    assert_eq!(
        c.rows("DESCRIBE ONLY KEYSPACE shop"),
        vec![row("shop", "keyspace", "shop", KEYSPACE_CQL)]
    );
    c.exec("USE shop");
    assert_eq!(c.rows("DESCRIBE KEYSPACE"), rows);
    assert_eq!(c.rows("DESCRIBE shop"), rows);
}

#[test]
fn describe_type() {
    let mut c = shop();
    assert_eq!(
        c.rows("DESCRIBE TYPE shop.address"),
        vec![row(
            "shop",
            "type",
            "address",
            "CREATE TYPE shop.address (\n    street text,\n    city text\n);"
        )]
    );
}

#[test]
fn listings() {
    let mut c = shop();
    let names = |rows: Vec<Vec<String>>| -> Vec<String> {
        rows.into_iter()
            .map(|r| format!("{}:{}:{}", r[0], r[1], r[2]))
            .collect()
    };
    assert_eq!(
        names(c.rows("DESCRIBE KEYSPACES")),
        [
            "shop",
            "system",
            "system_auth",
            "system_distributed",
            "system_schema",
            "system_traces",
            "system_views",
            "system_virtual_schema"
        ]
        .map(|k| format!("{k}:keyspace:{k}"))
    );
    assert_eq!(c.run("DESCRIBE KEYSPACES").unwrap().columns.len(), 3);
    let all_tables = names(c.rows("DESCRIBE TABLES"));
    assert!(all_tables.len() > 20);
    assert_eq!(all_tables[0], "shop:table:\"Events\"");
    assert!(all_tables.contains(&"system:table:local".to_string()));
    c.exec("USE shop");
    assert_eq!(
        names(c.rows("DESCRIBE TABLES")),
        ["shop:table:\"Events\"", "shop:table:orders"]
    );
    assert_eq!(
        names(c.rows("DESCRIBE TYPES")),
        ["shop:type:a_first", "shop:type:address", "shop:type:person"]
    );
    assert!(c.rows("DESCRIBE FUNCTIONS").is_empty());
    assert!(c.rows("DESCRIBE AGGREGATES").is_empty());
}

#[test]
fn schema_and_full_schema() {
    let mut c = shop();
    let schema = c.rows("DESCRIBE SCHEMA");
    assert!(schema.iter().all(|r| r[0] == "shop"));
    assert_eq!(schema.len(), 8);
    let full = c.rows("DESCRIBE FULL SCHEMA");
    assert!(full.len() > 30);
    let views = full
        .iter()
        .find(|r| r[1] == "keyspace" && r[2] == "system_views")
        .unwrap();
    assert_eq!(
        views[3],
        "/*\nWarning: Keyspace system_views is a virtual keyspace and cannot be recreated with CQL.\n\
         Structure, for reference:\nVIRTUAL KEYSPACE system_views;\n*/"
    );
    let system = full
        .iter()
        .find(|r| r[1] == "keyspace" && r[2] == "system")
        .unwrap();
    assert!(
        system[3].contains("{'class': 'LocalStrategy'}"),
        "{}",
        system[3]
    );
}

#[test]
fn generic_describe_resolves_keyspace_table_index() {
    let mut c = shop();
    assert_eq!(c.rows("DESCRIBE shop.orders")[0][3], orders_cql());
    assert_eq!(
        c.rows("DESCRIBE shop.total_idx"),
        vec![row(
            "shop",
            "index",
            "total_idx",
            "CREATE INDEX total_idx ON shop.orders (total);"
        )]
    );
    assert_eq!(
        c.rows("DESCRIBE INDEX shop.total_idx"),
        c.rows("DESCRIBE shop.total_idx")
    );
    c.exec("USE shop");
    assert_eq!(c.rows("DESCRIBE orders")[0][3], orders_cql());
}

#[test]
fn errors_are_worded_as_cassandra() {
    let mut c = shop();
    for (q, message) in [
        ("DESCRIBE nothing", "'nothing' not found in keyspaces"),
        (
            "DESCRIBE KEYSPACE nothing",
            "'nothing' not found in keyspaces",
        ),
        (
            "DESCRIBE shop.nothing",
            "'nothing' not found in keyspace 'shop'",
        ),
        (
            "DESCRIBE TABLE shop.nothing",
            "Table 'nothing' not found in keyspace 'shop'",
        ),
        (
            "DESCRIBE TYPE shop.nothing",
            "User defined type 'nothing' not found in 'shop'",
        ),
        (
            "DESCRIBE INDEX shop.nothing",
            "Table for existing index 'nothing' not found in 'shop'",
        ),
        (
            "DESCRIBE FUNCTION shop.f",
            "User defined function 'f' not found in 'shop'",
        ),
        (
            "DESCRIBE AGGREGATE shop.a",
            "User defined aggregate 'a' not found in 'shop'",
        ),
        (
            "DESCRIBE MATERIALIZED VIEW shop.v",
            "Materialized view 'v' not found in 'shop'",
        ),
        (
            "DESCRIBE TABLE t",
            "No keyspace specified and no current keyspace",
        ),
        (
            "DESCRIBE TYPE t",
            "No keyspace specified and no current keyspace",
        ),
        (
            "DESCRIBE INDEX i",
            "No keyspace specified and no current keyspace",
        ),
        (
            "DESCRIBE KEYSPACE",
            "No keyspace specified and no current keyspace",
        ),
        (
            "DESCRIBE TABLE nothing.t",
            "'nothing' not found in keyspaces",
        ),
    ] {
        assert_eq!(c.error(q), message, "{q}");
    }
}

#[test]
fn cluster_with_and_without_a_keyspace() {
    let mut c = shop();
    assert_eq!(
        c.rows("DESCRIBE CLUSTER"),
        vec![vec![
            "Test Cluster".to_string(),
            "Murmur3Partitioner".into(),
            "DynamicEndpointSnitch".into()
        ]]
    );
    c.exec("USE system");
    assert_eq!(c.run("DESCRIBE CLUSTER").unwrap().columns.len(), 3);
    c.exec("USE shop");
    let r = c.run("DESCRIBE CLUSTER").unwrap();
    assert_eq!(r.columns.len(), 4);
    assert_eq!(r.columns[3].name, "range_ownership");
    let info = c.node.info().clone();
    let ownership = cluster::range_ownership(&info, c.node.schema().keyspace("shop"));
    assert_eq!(ownership.len(), info.tokens.len());
    assert!(
        ownership
            .values()
            .all(|e| e == &vec!["/127.0.0.1:7000".to_string()])
    );
    assert_eq!(r.rows[0][3], Some(serialize_ownership(&ownership)));
}

#[test]
fn ownership_walks_the_ring() {
    use crate::sim::info::PeerInfo;
    let mut info = NodeInfo {
        tokens: vec![0, 100],
        ..NodeInfo::default()
    };
    info.peers.push(PeerInfo {
        address: "127.0.0.2".parse().unwrap(),
        native_port: 9042,
        host_id: Uuid::new_v4(),
        datacenter: "datacenter1".into(),
        rack: "rack1".into(),
        tokens: vec![50],
        release_version: "4.1.7".into(),
        schema_version: None,
    });
    let mut c = Client::new();
    c.exec("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}");
    let schema = c.node.schema();
    let map = cluster::range_ownership(&info, schema.keyspace("k2"));
    let one = "/127.0.0.1:7000".to_string();
    let two = "/127.0.0.2:7000".to_string();
    assert_eq!(map["0"], vec![one.clone(), two.clone()]);
    assert_eq!(map["50"], vec![two.clone(), one.clone()]);
    assert_eq!(map["100"], vec![one, two]);
}

#[test]
fn paging_by_offset_and_schema_changes() {
    let mut c = shop();
    let params = |state: Option<Bytes>| ExecParams {
        page_size: Some(3),
        paging_state: state,
        ..ExecParams::default()
    };
    let mut all = Vec::new();
    let mut state = None;
    loop {
        let page = c.paged("DESCRIBE KEYSPACES", &params(state)).unwrap();
        assert!(page.rows.len() <= 3);
        all.extend(page.rows.iter().map(|r| cell(&r[2])));
        state = page.paging_state;
        if state.is_none() {
            break;
        }
    }
    assert_eq!(all.len(), 8);
    let first = c.paged("DESCRIBE KEYSPACES", &params(None)).unwrap();
    c.exec("CREATE KEYSPACE other WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    let err = c
        .paged("DESCRIBE KEYSPACES", &params(first.paging_state))
        .unwrap_err();
    assert_eq!(err.to_response().message, SCHEMA_CHANGED_WHILE_PAGING);
    let err = c
        .paged(
            "DESCRIBE KEYSPACES",
            &params(Some(Bytes::from_static(b"junk"))),
        )
        .unwrap_err();
    assert_eq!(err.to_response().message, "Incompatible paging state");
}

#[test]
fn prepared_describe_has_result_metadata() {
    let c = shop();
    let p = c
        .node
        .prepare("DESCRIBE TABLES", None, &SessionState::default())
        .unwrap();
    assert_eq!(p.shape.result.len(), 3);
    let p = c
        .node
        .prepare("DESCRIBE CLUSTER", Some("shop"), &SessionState::default())
        .unwrap();
    assert_eq!(p.shape.result.len(), 4);
}

#[test]
fn java_doubles() {
    for (x, s) in [
        (0.01, "0.01"),
        (1.0, "1.0"),
        (0.1, "0.1"),
        (1e-5, "1.0E-5"),
        (0.00075, "7.5E-4"),
        (0.0, "0.0"),
        (12_345_678.0, "1.2345678E7"),
    ] {
        assert_eq!(java_double(x), s);
    }
}

mod objects;
