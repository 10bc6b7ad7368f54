//! DSE mode against a node: system tables, graph keyspaces, Insights; and that nothing
//! of it shows without DSE mode.

use std::collections::BTreeMap;

use cql_core::message::DbError;
use cql_core::types::CqlValue;

use crate::sim::info::{DseInfo, NodeInfo};
use crate::sim::node::{Node, NodeConfig, SessionState};
use crate::sim::outcome::{BoundValues, ExecParams, Outcome};
use crate::sim::{CqlError, CqlResult};

/// A node in DSE mode (or not), with a session.
pub(crate) struct Client {
    pub(crate) node: Node,
    session: SessionState,
}

type Row = BTreeMap<String, Option<CqlValue>>;

impl Client {
    pub(crate) fn new(dse: bool) -> Self {
        let mut info = NodeInfo::default();
        if dse {
            info.dse = Some(DseInfo::default());
            info.release_version = DseInfo::default().release_version();
        }
        Self {
            node: Node::new(NodeConfig {
                info,
                ..NodeConfig::default()
            }),
            session: SessionState::default(),
        }
    }

    pub(crate) fn run(&mut self, q: &str) -> CqlResult<Outcome> {
        self.node.query(
            q,
            &BoundValues::default(),
            &ExecParams::default(),
            &mut self.session,
        )
    }

    pub(crate) fn exec(&mut self, q: &str) {
        self.run(q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
    }

    fn error(&mut self, q: &str) -> CqlError {
        match self.run(q) {
            Ok(o) => panic!("{q} answered {o:?}"),
            Err(e) => e,
        }
    }

    fn rows(&mut self, q: &str) -> Vec<Row> {
        let Outcome::Rows(r) = self.run(q).unwrap_or_else(|e| panic!("{q}: {e:?}")) else {
            panic!("{q}: no rows");
        };
        r.rows
            .iter()
            .map(|row| {
                r.columns
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

    fn columns(&mut self, q: &str) -> Vec<String> {
        let Outcome::Rows(r) = self.run(q).unwrap() else {
            panic!("{q}: no rows");
        };
        r.columns.into_iter().map(|c| c.name).collect()
    }
}

fn text(s: &str) -> Option<CqlValue> {
    Some(CqlValue::Text(s.to_string()))
}

#[test]
fn system_local_reports_the_dse_identity() {
    let mut c = Client::new(true);
    let local = c.rows("SELECT * FROM system.local WHERE key = 'local'");
    let r = &local[0];
    assert_eq!(r["dse_version"], text("6.8.40"));
    assert_eq!(r["workload"], text("Cassandra"));
    assert_eq!(
        r["workloads"],
        Some(CqlValue::Set(vec![
            CqlValue::Text("Cassandra".into()),
            CqlValue::Text("Graph".into())
        ]))
    );
    assert_eq!(r["graph"], Some(CqlValue::Boolean(true)));
    assert_eq!(r["release_version"], text("4.0.0.6840"));
    assert_eq!(
        r["native_transport_address"],
        Some(CqlValue::Inet([127, 0, 0, 1].into()))
    );
    assert_eq!(r["native_transport_port"], Some(CqlValue::Int(9042)));
    // DSE 6.8 has no peers_v2: drivers fall back to system.peers, which has the columns.
    assert_eq!(
        c.error("SELECT * FROM system.peers_v2").error,
        DbError::Invalid
    );
    let peers = c.columns("SELECT * FROM system.peers");
    for col in [
        "dse_version",
        "workload",
        "workloads",
        "graph",
        "native_transport_address",
    ] {
        assert!(peers.iter().any(|p| p == col), "system.peers lacks {col}");
    }
}

#[test]
fn cassandra_mode_has_none_of_it() {
    let mut c = Client::new(false);
    let local = c.columns("SELECT * FROM system.local");
    assert!(!local.iter().any(|c| c == "dse_version" || c == "workloads"));
    c.exec("SELECT * FROM system.peers_v2");
    let ks = c.columns("SELECT * FROM system_schema.keyspaces");
    assert!(!ks.iter().any(|c| c == "graph_engine"));
    assert_eq!(
        c.error("SELECT * FROM system_schema.vertices").error,
        DbError::Invalid
    );
    let e = c.error(
        "CREATE KEYSPACE g WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND graph_engine = 'Core'",
    );
    assert_eq!(
        (e.error, e.message.as_str()),
        (DbError::SyntaxError, "Unknown property 'graph_engine'")
    );
    // CALL is not CQL to Cassandra.
    let e = c.error("CALL InsightsRpc.reportInsight('{}')");
    assert_eq!(e.error, DbError::SyntaxError);
    assert!(c.node.insights().is_empty());
}

#[test]
fn graph_keyspaces_show_their_engine() {
    let mut c = Client::new(true);
    c.exec(
        "CREATE KEYSPACE g WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND graph_engine = 'core'",
    );
    c.exec("CREATE KEYSPACE plain WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    let rows = c.rows("SELECT keyspace_name, graph_engine FROM system_schema.keyspaces");
    let engine = |name: &str| {
        rows.iter()
            .find(|r| r["keyspace_name"] == text(name))
            .map(|r| r["graph_engine"].clone())
            .unwrap()
    };
    assert_eq!(engine("g"), text("Core"));
    assert_eq!(engine("plain"), None);
    assert_eq!(engine("system"), None);
    let Outcome::Rows(d) = c.run("DESCRIBE KEYSPACE g").unwrap() else {
        panic!()
    };
    let create = String::from_utf8(d.rows[0][3].clone().unwrap().to_vec()).unwrap();
    assert_eq!(
        create,
        "CREATE KEYSPACE g WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}  AND durable_writes = true AND graph_engine = 'Core';"
    );
    c.exec("ALTER KEYSPACE plain WITH graph_engine = 'Classic'");
    assert_eq!(
        c.rows("SELECT graph_engine FROM system_schema.keyspaces WHERE keyspace_name = 'plain'")[0]
            ["graph_engine"],
        text("Classic")
    );
    let e = c.error(
        "CREATE KEYSPACE h WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND graph_engine = 'Native'",
    );
    assert_eq!(e.error, DbError::ConfigError);
    // The tables the DSE 6.8 schema parsers read exist, keyed as they query them.
    for t in ["vertices", "edges"] {
        c.exec(&format!(
            "SELECT * FROM system_schema.{t} WHERE keyspace_name = 'g' AND table_name = 'x'"
        ));
    }
    assert_eq!(
        c.columns("SELECT * FROM system_schema.edges"),
        [
            "keyspace_name",
            "table_name",
            "from_clustering_columns",
            "from_partition_key_columns",
            "from_table",
            "label_name",
            "to_clustering_columns",
            "to_partition_key_columns",
            "to_table"
        ]
    );
}

#[test]
fn insights_reports_are_recorded_per_node() {
    let mut c = Client::new(true);
    let outcome = c
        .run("CALL InsightsRpc.reportInsight('{\"metadata\": {\"name\": \"driver.startup\"}}')")
        .unwrap();
    assert_eq!(outcome, Outcome::Void);
    let other = c.node.join(NodeConfig {
        info: NodeInfo {
            dse: Some(DseInfo::default()),
            ..NodeInfo::default()
        },
        ..NodeConfig::default()
    });
    assert!(other.insights().is_empty(), "each node keeps its own list");
    let reports = c.node.insights().reports_json();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["metadata"]["name"], "driver.startup");
    let e = c.error("CALL Other.rpc('x')");
    assert_eq!(e.error, DbError::Invalid);
}

#[test]
fn vertex_and_edge_tables() {
    let mut c = Client::new(true);
    c.exec("CREATE KEYSPACE g WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND graph_engine = 'Core'");
    c.exec("CREATE TABLE g.person (id int PRIMARY KEY, name text) WITH VERTEX LABEL");
    c.exec("CREATE TABLE g.soft (id int, v int, name text, PRIMARY KEY (id, v)) WITH comment = 'x' AND VERTEX LABEL software");
    c.exec(
        "CREATE TABLE g.created (pid int, sid int, sv int, weight double, PRIMARY KEY ((pid), sid, sv)) \
         WITH EDGE LABEL created FROM person(pid) TO software(sid, sv)",
    );
    let vertices = c.rows("SELECT * FROM system_schema.vertices WHERE keyspace_name = 'g'");
    let labels: Vec<(Option<CqlValue>, Option<CqlValue>)> = vertices
        .iter()
        .map(|r| (r["table_name"].clone(), r["label_name"].clone()))
        .collect();
    assert_eq!(
        labels,
        [
            (text("person"), text("person")),
            (text("soft"), text("software"))
        ]
    );
    let edges = c.rows(
        "SELECT * FROM system_schema.edges WHERE keyspace_name = 'g' AND table_name = 'created'",
    );
    let list = |items: &[&str]| {
        Some(CqlValue::List(
            items.iter().map(|s| CqlValue::Text((*s).into())).collect(),
        ))
    };
    let e = &edges[0];
    assert_eq!(e["label_name"], text("created"));
    assert_eq!(e["from_table"], text("person"));
    assert_eq!(e["from_partition_key_columns"], list(&["pid"]));
    assert_eq!(e["from_clustering_columns"], list(&[]));
    assert_eq!(e["to_table"], text("soft"));
    assert_eq!(e["to_partition_key_columns"], list(&["sid"]));
    assert_eq!(e["to_clustering_columns"], list(&["sv"]));
    let Outcome::Rows(d) = c.run("DESCRIBE TABLE g.created").unwrap() else {
        panic!()
    };
    let create = String::from_utf8(d.rows[0][3].clone().unwrap().to_vec()).unwrap();
    assert!(
        create.ends_with("\n    AND EDGE LABEL created FROM person(pid) TO software(sid, sv);"),
        "{create}"
    );
    // Refusals.
    c.exec("CREATE KEYSPACE plain WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    let e = c.error("CREATE TABLE plain.v (id int PRIMARY KEY) WITH VERTEX LABEL v");
    assert_eq!(e.error, DbError::Invalid);
    let e = c.error(
        "CREATE TABLE g.e (a int PRIMARY KEY, b int) WITH EDGE LABEL FROM nope(a) TO person(b)",
    );
    assert!(e.message.contains("nope"), "{}", e.message);
    let e = c.error(
        "CREATE TABLE g.e (a int PRIMARY KEY, b int) WITH EDGE LABEL FROM person(x) TO person(b)",
    );
    assert!(e.message.contains("column x"), "{}", e.message);
    let mut cassandra = Client::new(false);
    cassandra.exec(
        "CREATE KEYSPACE k WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    let e = cassandra.error("CREATE TABLE k.v (id int PRIMARY KEY) WITH VERTEX LABEL v");
    assert_eq!(e.error, DbError::SyntaxError);
}

#[test]
fn graph_labels_parse_and_print() {
    for cql in [
        "CREATE TABLE g.v (id int, PRIMARY KEY ((id))) WITH VERTEX LABEL person",
        "CREATE TABLE g.v (id int, PRIMARY KEY ((id))) WITH comment = 'c' AND VERTEX LABEL",
        "CREATE TABLE g.e (a int, b int, c int, PRIMARY KEY ((a), b, c)) WITH EDGE LABEL knows FROM person((a, b), c) TO person(b)",
    ] {
        let parsed = crate::cql::parse_statement(cql).unwrap();
        assert_eq!(parsed.statement.to_string(), cql);
    }
}
