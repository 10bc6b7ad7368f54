//! Nodes dying: requests fail over, the host is marked down and reconnected on the
//! reconnection policy's schedule, and comes back into use; the control connection moves
//! when its node dies; concurrent writes lose nothing that was acknowledged.

use super::*;
use cql_transport_tcp::policies::reconnection::{ReconnectionPolicy, ReconnectionSchedule};
use cql_transport_tcp::session::Statement;
use futures::StreamExt;

/// A constant reconnection policy that records when each delay was asked for (the
/// session asks right before waiting, then attempts).
#[derive(Debug)]
struct Recording {
    delay: Duration,
    asked: Arc<Mutex<Vec<std::time::Instant>>>,
}

#[derive(Debug)]
struct RecordingSchedule {
    delay: Duration,
    asked: Arc<Mutex<Vec<std::time::Instant>>>,
}

impl ReconnectionPolicy for Recording {
    fn new_schedule(&self) -> Box<dyn ReconnectionSchedule> {
        Box::new(RecordingSchedule {
            delay: self.delay,
            asked: self.asked.clone(),
        })
    }
}

impl ReconnectionSchedule for RecordingSchedule {
    fn next_delay(&mut self) -> Duration {
        self.asked.lock().unwrap().push(std::time::Instant::now());
        self.delay
    }
}

#[tokio::test]
async fn node_stop_fails_over_marks_it_down_reconnects_per_policy_and_uses_it_again() {
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let delay = Duration::from_millis(200);
    let s = on(&cluster)
        .idempotent(true)
        .reconnection_policy(Arc::new(Recording {
            delay,
            asked: asked.clone(),
        }))
        .connect()
        .await
        .unwrap();
    let victim = cluster.node(2).unwrap().address();
    let cql = "SELECT * FROM system.local";
    for _ in 0..30 {
        s.execute(cql, ()).await.unwrap();
    }
    assert!(nodes_that_ran(&cluster, cql).contains(&2));

    cluster.stop_node(2).await.unwrap();
    let stopped = std::time::Instant::now();
    // Requests keep succeeding on the other nodes (idempotent: a request caught on the
    // closing connection is retried on the next host).
    clear_records(&cluster);
    for _ in 0..30 {
        let r = s.execute(cql, ()).await.unwrap();
        assert_ne!(r.host, NodeAddr::from(victim));
    }
    eventually(
        Duration::from_secs(5),
        "the stopped node is marked down",
        || !host(&s, victim).up,
    )
    .await;
    let h = host(&s, victim);
    assert_eq!(h.open_connections, 0);
    assert_eq!(s.metrics().open_connections_to(&NodeAddr::from(victim)), 0);

    // Down for a while: attempts follow the schedule (one per delay, not faster).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let times = asked.lock().unwrap().clone();
    assert!(
        (3..=8).contains(&times.len()),
        "{} reconnection delays asked in {:?}",
        times.len(),
        stopped.elapsed()
    );
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= delay - Duration::from_millis(20),
            "attempts {gap:?} apart"
        );
    }
    assert!(nodes_that_ran(&cluster, cql).iter().all(|&i| i != 2));

    // Back: reconnected within about one delay, then used again.
    cluster.start_node(2).await.unwrap();
    eventually(Duration::from_secs(3), "the node is up again", || {
        let h = host(&s, victim);
        h.up && h.open_connections == 1
    })
    .await;
    clear_records(&cluster);
    for _ in 0..30 {
        s.execute(cql, ()).await.unwrap();
    }
    assert!(nodes_that_ran(&cluster, cql).contains(&2));
    s.close().await;
    cluster.stop().await;
}

#[tokio::test]
async fn control_connection_fails_over_when_its_node_dies() {
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let s = on(&cluster).idempotent(true).connect().await.unwrap();
    // The control connection is on the contact point, node 0: it read the peers there.
    let logs: Vec<_> = cluster
        .nodes()
        .iter()
        .map(|n| n.request_log().clone())
        .collect();
    let peers_reads = |i: usize| {
        logs[i].count_where(|r| {
            r.queries()
                .any(|q| q.starts_with("SELECT * FROM system.peers"))
        })
    };
    assert!(peers_reads(0) > 0);
    clear_records(&cluster);
    cluster.stop_node(0).await.unwrap();
    // It moves to another node and reads the topology there.
    eventually(
        Duration::from_secs(10),
        "the control connection moved",
        || peers_reads(1) + peers_reads(2) > 0,
    )
    .await;
    // It follows events from there: a node joining shows up, with a pool.
    let added = cluster.add_node("datacenter1", "rack1").await.unwrap();
    let addr = cluster.node(added).unwrap().address();
    eventually(Duration::from_secs(10), "the new node is known", || {
        s.hosts()
            .iter()
            .any(|h| h.addr == NodeAddr::from(addr) && h.open_connections == 1)
    })
    .await;
    // And schema agreement is checked through it.
    let r = s
        .execute(
            "CREATE KEYSPACE moved WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await
        .unwrap();
    assert_eq!(r.schema_agreement, Some(true));
    s.close().await;
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_writes_with_a_node_killed_midway_lose_no_acknowledged_write() {
    let mut cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let s = on(&cluster)
        .connections_per_host(2)
        .connect()
        .await
        .unwrap();
    kv(&s, "durable", 3).await;
    let insert = s
        .prepare("INSERT INTO durable.kv (k, v) VALUES (?, ?)")
        .await
        .unwrap()
        .with_idempotent(true)
        .with_consistency(cql_transport_tcp::message::Consistency::Quorum);
    let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writes = {
        let (s, counter) = (s.clone(), started.clone());
        tokio::spawn(async move {
            let values = (0..1000i32).map(move |k| {
                counter.fetch_add(1, Ordering::SeqCst);
                (k, format!("value-{k}"))
            });
            s.execute_concurrent_with_values(&insert, values, 64).await
        })
    };
    while started.load(Ordering::SeqCst) < 400 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    cluster.stop_node(1).await.unwrap();
    let results = writes.await.unwrap();
    assert_eq!(results.len(), 1000);
    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| e.to_string()))
        .collect();
    // Idempotent writes caught on the dying node are retried elsewhere: all succeed.
    assert!(
        failed.is_empty(),
        "{} failed, e.g. {:?}",
        failed.len(),
        failed.first()
    );
    let mut rows = s
        .execute_iter(&Statement::new("SELECT k, v FROM durable.kv"), ())
        .unwrap();
    let mut stored = std::collections::BTreeMap::new();
    while let Some(row) = rows.next().await {
        let row = row.unwrap();
        let k: i32 = row.get(0).unwrap();
        let v: String = row.get(1).unwrap();
        stored.insert(k, v);
    }
    // Every write was acknowledged (all 1000 results, none failed): each one is stored.
    for k in 0..1000i32 {
        assert_eq!(
            stored.get(&k).map(String::as_str),
            Some(format!("value-{k}").as_str()),
            "key {k}"
        );
    }
    s.close().await;
    cluster.stop().await;
}
