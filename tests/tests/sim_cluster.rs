//! The simulated cluster over real sockets on 127.0.0.x: every node's system tables, the
//! events of node lifecycle, consistency levels against live replicas, prepared
//! statements forgotten on restart, schema agreement, and data shared by every node.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use cql_core::Consistency;
use cql_core::frame::{Compression, ProtocolVersion};
use cql_core::message::{
    DbError, Event, EventType, Execute, Prepare, Query, QueryParameters, Register, Request,
    Response, ResultMessage, SchemaChangeType, StatusChangeType, TopologyChangeType,
};
use cql_core::types::CqlValue;
use cql_testkit::raw::RawClient;
use cql_testkit::sim::cluster::{SimCluster, SimClusterConfig};

const V4: ProtocolVersion = ProtocolVersion::V4;
const WAIT: Duration = Duration::from_secs(5);

async fn ready(addr: SocketAddr) -> RawClient {
    let mut c = RawClient::connect(addr, V4).await.unwrap();
    c.handshake(Compression::None, None).await.unwrap();
    c
}

async fn client(cluster: &SimCluster, index: usize) -> RawClient {
    ready(cluster.node(index).unwrap().address()).await
}

async fn query_at(c: &mut RawClient, cql: &str, cl: Consistency) -> Response {
    let params = QueryParameters::with_consistency(cl);
    c.request(Request::Query(Query {
        query: cql.to_string().into(),
        params,
    }))
    .await
    .unwrap()
    .response
}

async fn exec(c: &mut RawClient, cql: &str) {
    match c.query(cql).await.unwrap() {
        Response::Result(_) => {}
        other => panic!("{cql}: {other:?}"),
    }
}

/// Every row's cells, deserialized by the result's column types, by column name.
fn rows(response: &Response) -> Vec<Vec<(String, Option<CqlValue>)>> {
    let Response::Result(ResultMessage::Rows(r)) = response else {
        panic!("expected rows, got {response:?}");
    };
    let columns = r.metadata.columns.clone().expect("metadata");
    r.rows()
        .map(|row| {
            columns
                .iter()
                .zip(row)
                .map(|(c, cell)| (c.name.clone(), CqlValue::deserialize(&c.typ, cell).unwrap()))
                .collect()
        })
        .collect()
}

fn cell<'a>(row: &'a [(String, Option<CqlValue>)], name: &str) -> &'a CqlValue {
    row.iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.as_ref())
        .unwrap_or_else(|| panic!("no {name} in {row:?}"))
}

fn unavailable(response: &Response) -> (Consistency, i32, i32, String) {
    match response {
        Response::Error(e) => match &e.error {
            DbError::Unavailable {
                consistency,
                required,
                alive,
            } => (*consistency, *required, *alive, e.message.clone()),
            other => panic!("expected Unavailable, got {other:?}: {}", e.message),
        },
        other => panic!("expected an error, got {other:?}"),
    }
}

fn fields(response: &Response) -> (Consistency, i32, i32) {
    let (c, r, a, _) = unavailable(response);
    (c, r, a)
}

fn is_void_or_rows(response: &Response) -> bool {
    matches!(response, Response::Result(_))
}

async fn register(c: &mut RawClient, events: Vec<EventType>) {
    let answer = c
        .request(Request::Register(Register { events }))
        .await
        .unwrap();
    assert_eq!(answer.response, Response::Ready);
}

async fn next_event(c: &mut RawClient) -> Event {
    loop {
        let frame = tokio::time::timeout(WAIT, c.recv())
            .await
            .expect("an event in time")
            .unwrap();
        if frame.stream == -1 {
            if let Response::Event(e) = frame.response {
                return e;
            }
        }
    }
}

fn text_set(v: &CqlValue) -> BTreeSet<String> {
    match v {
        CqlValue::Set(items) => items
            .iter()
            .map(|i| match i {
                CqlValue::Text(s) => s.clone(),
                other => panic!("{other:?}"),
            })
            .collect(),
        other => panic!("not a set: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_node_shows_itself_in_local_and_the_others_in_peers() {
    let cluster = SimCluster::start(SimClusterConfig::datacenters(&[("dc1", 2), ("dc2", 1)]))
        .await
        .unwrap();
    let port = cluster.node(0).unwrap().address().port();
    for (i, n) in cluster.nodes().iter().enumerate() {
        assert_eq!(n.address().to_string(), format!("127.0.0.{}:{port}", i + 1));
        assert_eq!(n.tokens().len(), 16);
    }
    for i in 0..3 {
        let me = cluster.node(i).unwrap();
        let mut c = client(&cluster, i).await;
        let local = rows(&c.query("SELECT * FROM system.local").await.unwrap());
        assert_eq!(local.len(), 1);
        let row = &local[0];
        assert_eq!(cell(row, "host_id"), &CqlValue::Uuid(me.host_id()));
        assert_eq!(
            cell(row, "data_center"),
            &CqlValue::Text(me.datacenter().into())
        );
        assert_eq!(cell(row, "rack"), &CqlValue::Text("rack1".into()));
        assert_eq!(cell(row, "rpc_address"), &CqlValue::Inet(me.address().ip()));
        assert_eq!(cell(row, "rpc_port"), &CqlValue::Int(i32::from(port)));
        let tokens: BTreeSet<String> = me.tokens().iter().map(i64::to_string).collect();
        assert_eq!(text_set(cell(row, "tokens")), tokens);

        for table in ["peers", "peers_v2"] {
            let peers = rows(
                &c.query(&format!("SELECT * FROM system.{table}"))
                    .await
                    .unwrap(),
            );
            assert_eq!(peers.len(), 2, "{table} of node {i}");
            for p in &peers {
                let CqlValue::Uuid(id) = cell(p, "host_id") else {
                    panic!()
                };
                let other = cluster
                    .nodes()
                    .iter()
                    .find(|n| n.host_id() == *id)
                    .expect("a peer is a node");
                assert_ne!(other.host_id(), me.host_id());
                assert_eq!(cell(p, "peer"), &CqlValue::Inet(other.address().ip()));
                assert_eq!(
                    cell(p, "data_center"),
                    &CqlValue::Text(other.datacenter().into())
                );
                let tokens: BTreeSet<String> = other.tokens().iter().map(i64::to_string).collect();
                assert_eq!(text_set(cell(p, "tokens")), tokens);
                assert!(matches!(cell(p, "schema_version"), CqlValue::Uuid(_)));
                assert_eq!(cell(p, "release_version"), &CqlValue::Text("4.1.7".into()));
                if table == "peers_v2" {
                    assert_eq!(
                        cell(p, "native_address"),
                        &CqlValue::Inet(other.address().ip())
                    );
                    assert_eq!(cell(p, "native_port"), &CqlValue::Int(i32::from(port)));
                } else {
                    assert_eq!(
                        cell(p, "rpc_address"),
                        &CqlValue::Inet(other.address().ip())
                    );
                }
            }
        }
    }
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_start_add_and_remove_are_announced_to_registered_clients() {
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let mut watcher = client(&cluster, 0).await;
    register(
        &mut watcher,
        vec![EventType::StatusChange, EventType::TopologyChange],
    )
    .await;
    let mut victim = client(&cluster, 2).await;
    let node2 = cluster.node(2).unwrap().address();

    cluster.stop_node(2).await.unwrap();
    assert_eq!(
        next_event(&mut watcher).await,
        Event::StatusChange {
            change: StatusChangeType::Down,
            address: node2
        }
    );
    assert!(
        victim.closed_by_peer().await,
        "the stopped node's clients are cut off"
    );
    assert!(
        RawClient::connect(node2, V4).await.is_err(),
        "nothing listens"
    );
    assert!(!cluster.node(2).unwrap().is_up());
    assert!(!cluster.node(2).unwrap().node().is_up());
    assert_eq!(cluster.contact_points().len(), 2);
    // A stopped node stays in the peers tables, as Cassandra lists down nodes.
    let peers = rows(
        &watcher
            .query("SELECT peer FROM system.peers")
            .await
            .unwrap(),
    );
    assert_eq!(peers.len(), 2);

    cluster.start_node(2).await.unwrap();
    assert_eq!(
        next_event(&mut watcher).await,
        Event::StatusChange {
            change: StatusChangeType::Up,
            address: node2
        }
    );
    let mut back = ready(node2).await;
    assert!(is_void_or_rows(
        &back.query("SELECT * FROM system.local").await.unwrap()
    ));

    let added = cluster.add_node("datacenter1", "rack1").await.unwrap();
    assert_eq!(added, 3);
    let node3 = cluster.node(3).unwrap().address();
    assert_eq!(node3.ip().to_string(), "127.0.0.4");
    assert_eq!(
        next_event(&mut watcher).await,
        Event::TopologyChange {
            change: TopologyChangeType::NewNode,
            address: node3
        }
    );
    for i in 0..4 {
        let mut c = client(&cluster, i).await;
        let peers = rows(&c.query("SELECT peer FROM system.peers_v2").await.unwrap());
        assert_eq!(peers.len(), 3, "node {i} sees the new node");
    }
    let mut newcomer = ready(node3).await;
    let local = rows(
        &newcomer
            .query("SELECT tokens FROM system.local")
            .await
            .unwrap(),
    );
    assert_eq!(text_set(cell(&local[0], "tokens")).len(), 16);

    cluster.remove_node(3).await.unwrap();
    assert_eq!(
        next_event(&mut watcher).await,
        Event::TopologyChange {
            change: TopologyChangeType::RemovedNode,
            address: node3
        }
    );
    assert!(newcomer.closed_by_peer().await);
    let peers = rows(
        &watcher
            .query("SELECT peer FROM system.peers")
            .await
            .unwrap(),
    );
    assert_eq!(peers.len(), 2);
    assert!(cluster.node(3).unwrap().is_removed());
    assert!(
        cluster.start_node(3).await.is_err(),
        "a removed node cannot start"
    );
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unavailable_when_replicas_are_down() {
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let mut c = client(&cluster, 0).await;
    exec(&mut c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}").await;
    exec(&mut c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)").await;
    exec(&mut c, "CREATE TABLE ks.c (k int PRIMARY KEY, n counter)").await;
    let write = "INSERT INTO ks.t (k, v) VALUES (1, 1)";
    let read = "SELECT * FROM ks.t WHERE k = 1";
    for cl in [Consistency::One, Consistency::Quorum, Consistency::All] {
        assert!(is_void_or_rows(&query_at(&mut c, write, cl).await), "{cl}");
        assert!(is_void_or_rows(&query_at(&mut c, read, cl).await), "{cl}");
    }
    cluster.stop_node(1).await.unwrap();
    assert!(is_void_or_rows(
        &query_at(&mut c, write, Consistency::Quorum).await
    ));
    assert_eq!(
        unavailable(&query_at(&mut c, read, Consistency::All).await),
        (
            Consistency::All,
            3,
            2,
            "Cannot achieve consistency level ALL".to_string()
        )
    );
    cluster.stop_node(2).await.unwrap();
    assert!(is_void_or_rows(
        &query_at(&mut c, write, Consistency::One).await
    ));
    assert!(is_void_or_rows(
        &query_at(&mut c, read, Consistency::LocalOne).await
    ));
    assert!(is_void_or_rows(
        &query_at(&mut c, write, Consistency::Any).await
    ));
    assert_eq!(
        fields(&query_at(&mut c, read, Consistency::Quorum).await),
        (Consistency::Quorum, 2, 1)
    );
    assert_eq!(
        fields(&query_at(&mut c, write, Consistency::Two).await),
        (Consistency::Two, 2, 1)
    );
    // A range scan needs every range.
    assert_eq!(
        fields(&query_at(&mut c, "SELECT * FROM ks.t", Consistency::Quorum).await),
        (Consistency::Quorum, 2, 1)
    );
    // Counters and batches are writes too.
    assert_eq!(
        fields(
            &query_at(
                &mut c,
                "UPDATE ks.c SET n = n + 1 WHERE k = 1",
                Consistency::Quorum
            )
            .await
        ),
        (Consistency::Quorum, 2, 1)
    );
    let batch = "BEGIN BATCH INSERT INTO ks.t (k, v) VALUES (2, 2); INSERT INTO ks.t (k, v) VALUES (3, 3); APPLY BATCH";
    assert_eq!(
        fields(&query_at(&mut c, batch, Consistency::All).await),
        (Consistency::All, 3, 1)
    );
    // LWT: the Paxos round needs a majority of the 3 replicas.
    let lwt = "INSERT INTO ks.t (k, v) VALUES (9, 9) IF NOT EXISTS";
    assert_eq!(
        fields(&query_at(&mut c, lwt, Consistency::One).await),
        (Consistency::Serial, 2, 1)
    );
    // TRUNCATE needs every node.
    assert_eq!(
        fields(&query_at(&mut c, "TRUNCATE ks.t", Consistency::One).await),
        (Consistency::All, 3, 1)
    );
    cluster.start_node(1).await.unwrap();
    let answer = query_at(&mut c, lwt, Consistency::Quorum).await;
    assert!(is_void_or_rows(&answer), "{answer:?}");
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_and_each_quorum_across_two_datacenters() {
    let mut cluster = SimCluster::start(SimClusterConfig::datacenters(&[("dc1", 3), ("dc2", 2)]))
        .await
        .unwrap();
    let mut dc1 = client(&cluster, 0).await;
    let mut dc2 = client(&cluster, 3).await;
    exec(&mut dc1, "CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}").await;
    exec(&mut dc1, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)").await;
    let write = "INSERT INTO ks.t (k, v) VALUES (1, 1)";
    assert!(is_void_or_rows(
        &query_at(&mut dc1, write, Consistency::EachQuorum).await
    ));
    cluster.stop_node(4).await.unwrap();
    let u = unavailable(&query_at(&mut dc1, write, Consistency::EachQuorum).await);
    assert_eq!(
        u,
        (
            Consistency::EachQuorum,
            2,
            0,
            "Cannot achieve consistency level EACH_QUORUM in DC dc2".to_string()
        )
    );
    assert!(is_void_or_rows(
        &query_at(&mut dc1, write, Consistency::LocalQuorum).await
    ));
    assert!(is_void_or_rows(
        &query_at(&mut dc1, write, Consistency::Quorum).await
    ));
    assert_eq!(
        fields(&query_at(&mut dc2, write, Consistency::LocalQuorum).await),
        (Consistency::LocalQuorum, 2, 1)
    );
    assert!(is_void_or_rows(
        &query_at(&mut dc2, write, Consistency::LocalOne).await
    ));
    let read = "SELECT * FROM ks.t WHERE k = 1";
    assert_eq!(
        fields(&query_at(&mut dc2, read, Consistency::LocalSerial).await),
        (Consistency::LocalSerial, 2, 1)
    );
    assert!(is_void_or_rows(
        &query_at(&mut dc1, read, Consistency::LocalSerial).await
    ));
    // EACH_QUORUM reads are allowed (Cassandra 4.1), ANY reads are not.
    assert_eq!(
        fields(&query_at(&mut dc1, read, Consistency::EachQuorum).await),
        (Consistency::EachQuorum, 2, 0)
    );
    match query_at(&mut dc1, read, Consistency::Any).await {
        Response::Error(e) => {
            assert_eq!(e.error, DbError::Invalid);
            assert_eq!(
                e.message,
                "ANY ConsistencyLevel is only supported for writes"
            );
        }
        other => panic!("{other:?}"),
    }
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_forgets_prepared_statements() {
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(2)).await.unwrap();
    let mut c = client(&cluster, 1).await;
    exec(&mut c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}").await;
    exec(&mut c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)").await;
    let prepared = c
        .request(Request::Prepare(Prepare::new(
            "SELECT v FROM ks.t WHERE k = 1",
        )))
        .await
        .unwrap()
        .response;
    let Response::Result(ResultMessage::Prepared(p)) = prepared else {
        panic!("{prepared:?}")
    };
    let execute = || {
        Request::Execute(Execute {
            id: p.id.clone(),
            result_metadata_id: None,
            params: QueryParameters::default(),
        })
    };
    assert!(is_void_or_rows(
        &c.request(execute()).await.unwrap().response
    ));
    // Prepared statements are per node: node 0 never saw it.
    let mut other = client(&cluster, 0).await;
    assert!(matches!(
        other.request(execute()).await.unwrap().response,
        Response::Error(ref e) if matches!(e.error, DbError::Unprepared { .. })
    ));
    assert_eq!(cluster.node(1).unwrap().node().prepared_ids().len(), 1);

    cluster.restart_node(1).await.unwrap();
    assert!(cluster.node(1).unwrap().node().prepared_ids().is_empty());
    let mut c = client(&cluster, 1).await;
    match c.request(execute()).await.unwrap().response {
        Response::Error(e) => assert_eq!(e.error, DbError::Unprepared { id: p.id.clone() }),
        other => panic!("expected UNPREPARED, got {other:?}"),
    }
    cluster.stop().await;
}

async fn schema_version(c: &mut RawClient) -> CqlValue {
    let local = rows(
        &c.query("SELECT schema_version FROM system.local")
            .await
            .unwrap(),
    );
    cell(&local[0], "schema_version").clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_versions_agree_after_the_delay() {
    let delay = Duration::from_millis(800);
    let cluster = SimCluster::start(SimClusterConfig::nodes(3).with_schema_agreement_delay(delay))
        .await
        .unwrap();
    let mut c0 = client(&cluster, 0).await;
    let mut c1 = client(&cluster, 1).await;
    let mut c2 = client(&cluster, 2).await;
    register(&mut c2, vec![EventType::SchemaChange]).await;
    let before = schema_version(&mut c0).await;
    assert_eq!(schema_version(&mut c1).await, before);

    exec(&mut c0, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}").await;
    let after = schema_version(&mut c0).await;
    assert_ne!(after, before);
    // The others still report the old version, and node 0's peers table says so.
    assert_eq!(schema_version(&mut c1).await, before);
    let peers = rows(
        &c0.query("SELECT schema_version FROM system.peers")
            .await
            .unwrap(),
    );
    assert!(peers.iter().all(|p| cell(p, "schema_version") == &before));
    let peers = rows(
        &c1.query("SELECT peer, schema_version FROM system.peers")
            .await
            .unwrap(),
    );
    let versions: Vec<&CqlValue> = peers.iter().map(|p| cell(p, "schema_version")).collect();
    assert!(versions.contains(&&after) && versions.contains(&&before));
    // Node 2's client heard of it (read first: a request drops the events meanwhile),
    // and the schema itself is there at once.
    match next_event(&mut c2).await {
        Event::SchemaChange(change) => assert_eq!(change.change_type, SchemaChangeType::Created),
        other => panic!("{other:?}"),
    }
    let ks = rows(
        &c2.query("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = 'ks'")
            .await
            .unwrap(),
    );
    assert_eq!(ks.len(), 1);

    tokio::time::sleep(delay + Duration::from_millis(100)).await;
    for c in [&mut c0, &mut c1, &mut c2] {
        assert_eq!(schema_version(c).await, after);
        let peers = rows(
            &c.query("SELECT schema_version FROM system.peers")
                .await
                .unwrap(),
        );
        assert!(peers.iter().all(|p| cell(p, "schema_version") == &after));
    }
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_written_through_one_node_is_read_through_another() {
    let cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let mut c0 = client(&cluster, 0).await;
    let mut c2 = client(&cluster, 2).await;
    exec(&mut c0, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}").await;
    exec(&mut c0, "CREATE TABLE ks.t (k int PRIMARY KEY, v text)").await;
    exec(&mut c0, "INSERT INTO ks.t (k, v) VALUES (7, 'seven')").await;
    let got = rows(&c2.query("SELECT v FROM ks.t WHERE k = 7").await.unwrap());
    assert_eq!(cell(&got[0], "v"), &CqlValue::Text("seven".into()));
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_follow_the_keyspace_strategy() {
    let cluster = SimCluster::start(
        SimClusterConfig::datacenters(&[("dc1", 3), ("dc2", 3)])
            .with_racks(3)
            .with_num_tokens(8),
    )
    .await
    .unwrap();
    let mut c = client(&cluster, 0).await;
    exec(&mut c, "CREATE KEYSPACE simple WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}").await;
    exec(&mut c, "CREATE KEYSPACE nts WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}").await;
    // The ring, to walk SimpleStrategy by hand.
    let mut ring: Vec<(i64, usize)> = cluster
        .nodes()
        .iter()
        .enumerate()
        .flat_map(|(i, n)| n.tokens().iter().map(move |t| (*t, i)))
        .collect();
    ring.sort_unstable();
    for k in 0..200i32 {
        let key = k.to_be_bytes();
        let token = cql_core::cluster::token::Partitioner::Murmur3.token(&key);
        let cql_core::cluster::token::Token::Murmur3(token) = token else {
            panic!()
        };
        let start = ring.partition_point(|(t, _)| *t < token) % ring.len();
        let mut expected = Vec::new();
        for step in 0..ring.len() {
            let owner = ring[(start + step) % ring.len()].1;
            if !expected.contains(&owner) {
                expected.push(owner);
            }
            if expected.len() == 2 {
                break;
            }
        }
        assert_eq!(cluster.replicas("simple", &key), expected, "key {k}");
        let nts = cluster.replicas("nts", &key);
        let dcs: Vec<&str> = nts
            .iter()
            .map(|i| cluster.node(*i).unwrap().datacenter())
            .collect();
        assert_eq!(dcs.iter().filter(|d| **d == "dc1").count(), 2, "key {k}");
        assert_eq!(dcs.iter().filter(|d| **d == "dc2").count(), 1, "key {k}");
        let racks: BTreeSet<&str> = nts
            .iter()
            .filter(|i| cluster.node(**i).unwrap().datacenter() == "dc1")
            .map(|i| cluster.node(*i).unwrap().rack())
            .collect();
        assert_eq!(racks.len(), 2, "dc1 replicas on distinct racks");
    }
    assert!(cluster.replicas("system", &[0, 0, 0, 1]).is_empty());
    assert!(cluster.replicas("nope", &[0, 0, 0, 1]).is_empty());
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_with_distinct_ports_and_tls() {
    let cluster = SimCluster::start(SimClusterConfig::nodes(2).on_one_address().with_tls())
        .await
        .unwrap();
    let a = cluster.node(0).unwrap().address();
    let b = cluster.node(1).unwrap().address();
    assert_eq!(a.ip(), b.ip());
    assert_ne!(a.port(), b.port());
    let ca = cluster.tls_ca_pem().unwrap().to_string();
    let mut c = RawClient::connect_tls(b, V4, &ca).await.unwrap();
    c.handshake(Compression::None, None).await.unwrap();
    let peers = rows(
        &c.query("SELECT native_address, native_port FROM system.peers_v2")
            .await
            .unwrap(),
    );
    assert_eq!(peers.len(), 1);
    assert_eq!(
        cell(&peers[0], "native_port"),
        &CqlValue::Int(i32::from(a.port()))
    );
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_node_cluster_refuses_quorum_over_three_replicas() {
    let cluster = SimCluster::start(SimClusterConfig::nodes(1)).await.unwrap();
    let mut c = client(&cluster, 0).await;
    exec(&mut c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}").await;
    exec(&mut c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)").await;
    let write = "INSERT INTO ks.t (k, v) VALUES (1, 1)";
    assert!(is_void_or_rows(
        &query_at(&mut c, write, Consistency::One).await
    ));
    assert_eq!(
        fields(&query_at(&mut c, write, Consistency::Quorum).await),
        (Consistency::Quorum, 2, 1)
    );
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_rules_are_shared_and_requests_recorded_per_node() {
    use cql_testkit::sim::faults::{Action, Rule};
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(2)).await.unwrap();
    let target = cluster.node(1).unwrap().address();
    cluster.faults().add(
        Rule::new(Action::overloaded())
            .node(target)
            .opcode(cql_core::frame::Opcode::Query),
    );
    let mut c0 = client(&cluster, 0).await;
    let mut c1 = client(&cluster, 1).await;
    assert!(is_void_or_rows(
        &c0.query("SELECT * FROM system.local").await.unwrap()
    ));
    match c1.query("SELECT * FROM system.local").await.unwrap() {
        Response::Error(e) => assert_eq!(e.error, DbError::Overloaded),
        other => panic!("{other:?}"),
    }
    let on = |cluster: &SimCluster, i: usize| {
        cluster
            .node(i)
            .unwrap()
            .request_log()
            .with_opcode(cql_core::frame::Opcode::Query)
            .len()
    };
    assert_eq!((on(&cluster, 0), on(&cluster, 1)), (1, 1));
    // A node's records survive its restart.
    cluster.restart_node(1).await.unwrap();
    assert_eq!(on(&cluster, 1), 1);
    cluster.faults().clear();
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn primes_are_answered_by_every_node_with_their_partition_key() {
    use cql_core::types::{ColumnSpec, ColumnType, SerializeRow};
    use cql_testkit::sim::server::{Prime, Primes};
    use cql_testkit::sim::{Outcome, RowsResult};
    const PRIMED: &str = "SELECT v FROM ks.kv WHERE k = ?";
    let spec = |name: &str| ColumnSpec {
        keyspace: "ks".into(),
        table: "kv".into(),
        name: name.into(),
        typ: ColumnType::Int,
    };
    let mut primes = Primes::new();
    primes.insert(
        PRIMED,
        Prime::new(Outcome::Rows(RowsResult {
            columns: vec![spec("v")],
            rows: vec![vec![Some(bytes::Bytes::from_static(&[0, 0, 0, 42]))]],
            paging_state: None,
        }))
        .with_bind(vec![spec("k")])
        .with_pk_indexes(vec![0]),
    );
    let cluster = SimCluster::start(SimClusterConfig::nodes(3).with_primes(primes))
        .await
        .unwrap();
    for i in 0..3 {
        let mut c = client(&cluster, i).await;
        let prepared = c
            .request(Request::Prepare(Prepare::new(PRIMED)))
            .await
            .unwrap()
            .response;
        let Response::Result(ResultMessage::Prepared(p)) = prepared else {
            panic!("node {i}: {prepared:?}")
        };
        assert_eq!(p.bind_metadata.pk_indexes, vec![0], "node {i}");
        let mut params = QueryParameters::with_consistency(Consistency::One);
        (7i32,)
            .serialize_row(&[spec("k")], params.values.to_mut())
            .unwrap();
        let answer = c
            .request(Request::Execute(Execute {
                id: p.id.clone(),
                result_metadata_id: None,
                params,
            }))
            .await
            .unwrap()
            .response;
        let got = rows(&answer);
        assert_eq!(got.len(), 1, "node {i}");
        assert_eq!(cell(&got[0], "v"), &CqlValue::Int(42), "node {i}");
    }
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_node_answers_nothing_until_resumed() {
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(2)).await.unwrap();
    let mut watcher = client(&cluster, 0).await;
    register(&mut watcher, vec![EventType::StatusChange]).await;
    let mut paused = client(&cluster, 1).await;
    let node1 = cluster.node(1).unwrap().address();
    cluster.pause_node(1).await.unwrap();
    assert_eq!(
        next_event(&mut watcher).await,
        Event::StatusChange {
            change: StatusChangeType::Down,
            address: node1
        }
    );
    // The connection stays open, and a request gets no answer while paused.
    let pending = tokio::spawn(async move {
        let answer = paused.query("SELECT key FROM system.local").await;
        (paused, answer)
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!pending.is_finished(), "a paused node does not answer");
    // A new connection is accepted by the kernel but not served.
    let fresh = tokio::time::timeout(Duration::from_millis(300), ready(node1)).await;
    assert!(fresh.is_err(), "a paused node completes no handshake");
    cluster.resume_node(1).await.unwrap();
    let (_, answer) = tokio::time::timeout(WAIT, pending).await.unwrap().unwrap();
    assert!(matches!(answer.unwrap(), Response::Result(_)));
    assert_eq!(
        next_event(&mut watcher).await,
        Event::StatusChange {
            change: StatusChangeType::Up,
            address: node1
        }
    );
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ccm_layout_puts_one_token_per_node_where_ccm_does() {
    use cql_testkit::sim::cluster::TokenLayout;
    let config = SimClusterConfig::datacenters(&[("dc1", 3), ("dc2", 2)])
        .with_token_layout(TokenLayout::Ccm);
    let cluster = SimCluster::start(config).await.unwrap();
    let tokens: Vec<Vec<i64>> = cluster
        .nodes()
        .iter()
        .map(|n| n.tokens().to_vec())
        .collect();
    let third = (1i128 << 64) / 3;
    let min = i128::from(i64::MIN);
    assert_eq!(
        tokens,
        [
            vec![i64::MIN],
            vec![(min + third) as i64],
            vec![(min + 2 * third) as i64],
            vec![i64::MIN + 100],
            vec![100],
        ]
    );
    cluster.stop().await;
}
