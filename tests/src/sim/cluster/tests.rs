//! Nodes of one cluster without sockets: shared data, per-node prepared statements and
//! views, and consistency levels at execution (the glue of `exec::availability`).

use cql_core::Consistency;
use cql_core::message::DbError;

use crate::sim::info::{NodeInfo, interleaved_tokens};
use crate::sim::node::{Node, NodeConfig, SessionState};
use crate::sim::outcome::{BoundValues, ExecParams, Outcome};

/// Three nodes (dc1, dc1, dc2) of one cluster.
fn cluster() -> Vec<Node> {
    let config = |i: usize, dc: &str| NodeConfig {
        info: NodeInfo {
            datacenter: dc.to_string(),
            address: format!("127.0.0.{}", i + 1).parse().unwrap(),
            tokens: interleaved_tokens(4, i, 3),
            ..NodeInfo::default()
        },
        ..NodeConfig::default()
    };
    let first = Node::new(config(0, "dc1"));
    let second = first.join(config(1, "dc1"));
    let third = first.join(config(2, "dc2"));
    vec![first, second, third]
}

fn run(node: &Node, cql: &str, cl: Consistency) -> Result<Outcome, crate::sim::CqlError> {
    let params = ExecParams {
        consistency: cl,
        ..ExecParams::default()
    };
    node.query(
        cql,
        &BoundValues::default(),
        &params,
        &mut SessionState::default(),
    )
}

fn ok(node: &Node, cql: &str) {
    if let Err(e) = run(node, cql, Consistency::One) {
        panic!("{cql}: {e}");
    }
}

fn invalid(node: &Node, cql: &str, cl: Consistency) -> String {
    match run(node, cql, cl) {
        Err(e) if e.error == DbError::Invalid => e.message,
        other => panic!("{cql} at {cl}: expected Invalid, got {other:?}"),
    }
}

fn unavailable(node: &Node, cql: &str, cl: Consistency) -> (Consistency, i32, i32) {
    match run(node, cql, cl) {
        Err(e) => match e.error {
            DbError::Unavailable {
                consistency,
                required,
                alive,
            } => (consistency, required, alive),
            other => panic!("{cql} at {cl}: {other:?} {}", e.message),
        },
        Ok(o) => panic!("{cql} at {cl}: expected Unavailable, got {o:?}"),
    }
}

fn setup(nodes: &[Node]) {
    ok(
        &nodes[0],
        "CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}",
    );
    ok(&nodes[0], "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
    ok(
        &nodes[0],
        "CREATE TABLE ks.c (k int PRIMARY KEY, n counter)",
    );
}

#[test]
fn nodes_share_data_and_schema_but_not_prepared_statements() {
    let nodes = cluster();
    setup(&nodes);
    ok(&nodes[1], "INSERT INTO ks.t (k, v) VALUES (1, 10)");
    let Ok(Outcome::Rows(r)) = run(
        &nodes[2],
        "SELECT v FROM ks.t WHERE k = 1",
        Consistency::One,
    ) else {
        panic!()
    };
    assert_eq!(r.rows.len(), 1);
    let session = SessionState::default();
    let p = nodes[0]
        .prepare("SELECT v FROM ks.t WHERE k = ?", None, &session)
        .unwrap();
    assert!(nodes[0].prepared(&p.id).is_ok());
    assert!(nodes[1].prepared(&p.id).is_err());
    nodes[0].forget_prepared();
    assert!(nodes[0].prepared_ids().is_empty());
    // Every node's view lists the two others, with their datacenters.
    let view = nodes[2].view();
    let mut dcs: Vec<&str> = view.peers.iter().map(|p| p.datacenter.as_str()).collect();
    dcs.sort_unstable();
    assert_eq!(dcs, ["dc1", "dc1"]);
    assert_eq!(
        nodes[0].schema_version(),
        nodes[2].reported_schema_version()
    );
}

#[test]
fn ddl_forgets_statements_prepared_on_every_node() {
    let nodes = cluster();
    setup(&nodes);
    let session = SessionState::default();
    for n in &nodes {
        // (Invalidation goes by the keyspace a statement was prepared in.)
        n.prepare("SELECT v FROM t WHERE k = ?", Some("ks"), &session)
            .unwrap();
    }
    ok(&nodes[1], "ALTER TABLE ks.t ADD w int");
    assert!(nodes.iter().all(|n| n.prepared_ids().is_empty()));
}

#[test]
fn consistency_is_checked_against_the_live_replicas() {
    let nodes = cluster();
    setup(&nodes);
    let write = "INSERT INTO ks.t (k, v) VALUES (1, 1)";
    ok(&nodes[0], write);
    assert!(run(&nodes[0], write, Consistency::All).is_ok());
    nodes[2].set_up(false);
    assert!(!nodes[2].is_up());
    assert_eq!(
        unavailable(&nodes[0], write, Consistency::All),
        (Consistency::All, 3, 2)
    );
    assert!(run(&nodes[0], write, Consistency::LocalQuorum).is_ok());
    assert_eq!(
        unavailable(&nodes[0], write, Consistency::EachQuorum),
        (Consistency::EachQuorum, 1, 0)
    );
    // The coordinator counts itself alive even when marked down.
    assert!(run(&nodes[2], write, Consistency::LocalOne).is_ok());
    // Multi-partition reads check every partition; range scans every range.
    let many = "SELECT * FROM ks.t WHERE k IN (1, 2, 3, 4, 5)";
    assert_eq!(
        unavailable(&nodes[0], many, Consistency::All),
        (Consistency::All, 3, 2)
    );
    assert_eq!(
        unavailable(&nodes[0], "SELECT * FROM ks.t", Consistency::All),
        (Consistency::All, 3, 2)
    );
    // System tables involve the coordinator only.
    assert!(run(&nodes[0], "SELECT * FROM system.local", Consistency::All).is_ok());
    nodes[2].set_up(true);
    assert!(run(&nodes[0], write, Consistency::All).is_ok());
}

#[test]
fn levels_are_validated_as_cassandra_does() {
    let nodes = cluster();
    setup(&nodes);
    let n = &nodes[0];
    assert_eq!(
        invalid(n, "SELECT * FROM ks.t WHERE k = 1", Consistency::Any),
        "ANY ConsistencyLevel is only supported for writes"
    );
    assert_eq!(
        invalid(
            n,
            "INSERT INTO ks.t (k, v) VALUES (1, 1)",
            Consistency::Serial
        ),
        "You must use conditional updates for serializable writes"
    );
    assert_eq!(
        invalid(n, "UPDATE ks.c SET n = n + 1 WHERE k = 1", Consistency::Any),
        "Consistency level ANY is not yet supported for counter table c"
    );
    assert_eq!(
        invalid(
            n,
            "SELECT * FROM ks.t WHERE k IN (1, 2)",
            Consistency::Serial
        ),
        crate::sim::exec::availability::SERIAL_ONE_PARTITION
    );
    // a range read at SERIAL is a quorum range read, as in 4.1
    assert!(run(n, "SELECT * FROM ks.t", Consistency::LocalSerial).is_ok());
    assert!(run(n, "SELECT * FROM ks.t", Consistency::Serial).is_ok());
    nodes[1].set_up(false);
    nodes[2].set_up(false);
    assert_eq!(
        unavailable(n, "SELECT * FROM ks.t", Consistency::Serial),
        (Consistency::Serial, 2, 1)
    );
    nodes[1].set_up(true);
    nodes[2].set_up(true);
    assert!(
        invalid(
            n,
            "INSERT INTO ks.t (k, v) VALUES (1, 1) IF NOT EXISTS",
            Consistency::Serial
        )
        .starts_with("SERIAL is not supported as conditional update commit consistency.")
    );
    assert!(run(n, "SELECT * FROM ks.t WHERE k = 1", Consistency::Serial).is_ok());
    assert!(run(n, "INSERT INTO ks.t (k, v) VALUES (5, 5)", Consistency::Any).is_ok());
}

#[test]
fn lightweight_transactions_need_a_paxos_majority_then_a_quorum_read() {
    let nodes = cluster();
    setup(&nodes);
    let lwt = "INSERT INTO ks.t (k, v) VALUES (7, 7) IF NOT EXISTS";
    nodes[1].set_up(false);
    // Paxos: 2 of 3 placed replicas alive is a majority; the read at QUORUM (2 of 3)
    // passes too.
    assert!(run(&nodes[0], lwt, Consistency::One).is_ok());
    nodes[2].set_up(false);
    assert_eq!(
        unavailable(&nodes[0], lwt, Consistency::One),
        (Consistency::Serial, 2, 1)
    );
    nodes[1].set_up(true);
    nodes[2].set_up(true);
    // The condition fails: no commit, so the commit level is not checked.
    let Ok(Outcome::Rows(r)) = run(&nodes[0], lwt, Consistency::All) else {
        panic!()
    };
    assert_eq!(r.rows.len(), 1);
}

#[test]
fn left_nodes_leave_the_ring_and_the_peers() {
    let nodes = cluster();
    setup(&nodes);
    nodes[2].leave();
    assert_eq!(nodes[0].view().peers.len(), 1);
    // dc2 has no replicas now: EACH_QUORUM cannot be met there, LOCAL_QUORUM can.
    let write = "INSERT INTO ks.t (k, v) VALUES (1, 1)";
    assert_eq!(
        unavailable(&nodes[0], write, Consistency::EachQuorum),
        (Consistency::EachQuorum, 1, 0)
    );
    assert!(run(&nodes[0], write, Consistency::LocalQuorum).is_ok());
    assert!(nodes[0].replicas("ks", &1i32.to_be_bytes()).len() == 2);
}
