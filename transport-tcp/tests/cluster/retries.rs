//! Retry decisions per error type and speculative execution, checked through the nodes'
//! request records: which node received each attempt, and in which order.

use super::*;
use cql_testkit::sim::faults::{Action, Rule};
use cql_transport_tcp::message::{BatchType, Consistency, WriteType};
use cql_transport_tcp::policies::speculative::ConstantSpeculativeExecutionPolicy;
use cql_transport_tcp::session::{Batch, ExecutionProfile, Statement};

/// The nodes that received `cql`, in the order they received it, with whether a fault
/// rule answered.
fn attempts(cluster: &SimCluster, cql: &str) -> Vec<(usize, bool)> {
    let mut seen = records(cluster, |log| log.with_query(cql));
    seen.sort_by_key(|(_, r)| r.received);
    seen.into_iter().map(|(i, r)| (i, r.faulted())).collect()
}

/// Makes the cluster answer the first request with `cql` with `action` (a fault rule
/// that fires once).
fn fail_once(cluster: &SimCluster, cql: &str, action: Action) {
    cluster.faults().add(Rule::new(action).query(cql).first(1));
}

async fn cluster_and_session() -> (SimCluster, Session) {
    let cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let s = on(&cluster)
        .request_timeout(Some(Duration::from_millis(500)))
        .connect()
        .await
        .unwrap();
    kv(&s, "r", 3).await;
    (cluster, s)
}

#[tokio::test]
async fn retry_decisions_per_error_type() {
    let (cluster, s) = cluster_and_session().await;
    let faults = cluster.faults();

    // Read timeout, enough replicas answered but not the data one: once more on the same
    // node (same node, first attempt faulted).
    let cql = "SELECT v FROM r.kv WHERE k = 1";
    fail_once(
        &cluster,
        cql,
        Action::read_timeout(Consistency::Quorum, 2, 2, false),
    );
    s.execute(cql, ()).await.unwrap();
    let a = attempts(&cluster, cql);
    assert_eq!(a.len(), 2, "{a:?}");
    assert!(a[0].1 && !a[1].1);
    assert_eq!(a[0].0, a[1].0, "read timeout: retried on the same node");

    // Read timeout with too few replicas: rethrown.
    let cql = "SELECT v FROM r.kv WHERE k = 2";
    fail_once(
        &cluster,
        cql,
        Action::read_timeout(Consistency::Quorum, 1, 2, false),
    );
    let e = s.execute(cql, ()).await.unwrap_err();
    assert!(e.is_server_timeout(), "{e}");
    assert_eq!(attempts(&cluster, cql).len(), 1);

    // Unavailable: once on the next node, whatever the idempotence.
    let cql = "SELECT v FROM r.kv WHERE k = 3";
    fail_once(
        &cluster,
        cql,
        Action::unavailable(Consistency::Quorum, 2, 1),
    );
    s.execute(cql, ()).await.unwrap();
    let a = attempts(&cluster, cql);
    assert_eq!(a.len(), 2, "{a:?}");
    assert_ne!(a[0].0, a[1].0, "unavailable: retried on another node");
    // ... only once.
    let cql = "SELECT v FROM r.kv WHERE k = 4";
    faults.add(
        Rule::new(Action::unavailable(Consistency::Quorum, 2, 1))
            .query(cql)
            .first(2),
    );
    let e = s.execute(cql, ()).await.unwrap_err();
    assert!(e.is_unavailable(), "{e}");
    assert_eq!(attempts(&cluster, cql).len(), 2);

    // Overloaded: the next node for an idempotent statement; rethrown otherwise.
    let cql = "SELECT v FROM r.kv WHERE k = 5";
    faults.add(Rule::new(Action::overloaded()).query(cql).first(2));
    let e = s.execute(cql, ()).await.unwrap_err();
    assert_eq!(
        e.db_error(),
        Some(&cql_transport_tcp::message::DbError::Overloaded)
    );
    assert_eq!(
        attempts(&cluster, cql).len(),
        1,
        "not idempotent: not retried"
    );
    s.execute(&Statement::new(cql).with_idempotent(true), ())
        .await
        .unwrap();
    let a = attempts(&cluster, cql);
    assert_eq!(a.len(), 3, "{a:?}");
    assert_ne!(a[1].0, a[2].0);

    // Server error on an idempotent statement: the next node.
    let cql = "SELECT v FROM r.kv WHERE k = 6";
    fail_once(&cluster, cql, Action::server_error("boom"));
    s.execute(&Statement::new(cql).with_idempotent(true), ())
        .await
        .unwrap();
    let a = attempts(&cluster, cql);
    assert_eq!(a.len(), 2);
    assert_ne!(a[0].0, a[1].0);

    // Write timeout of the batch log: once more on the same node, idempotent batches only.
    let cql = "INSERT INTO r.kv (k, v) VALUES (7, 'x')";
    fail_once(
        &cluster,
        cql,
        Action::write_timeout(Consistency::Quorum, 0, 2, WriteType::BatchLog),
    );
    let mut batch = Batch::new(BatchType::Logged).with_idempotent(true);
    batch.add(&Statement::new(cql), ()).unwrap();
    s.batch(&batch).await.unwrap();
    let a = attempts(&cluster, cql);
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(a[0].0, a[1].0);

    // Syntax-level refusals are never retried.
    let cql = "SELECT v FROM r.kv WHERE k = 8";
    fail_once(&cluster, cql, Action::invalid("no"));
    assert!(s.execute(cql, ()).await.is_err());
    assert_eq!(attempts(&cluster, cql).len(), 1);

    let m = s.metrics();
    assert!(
        m.retries.read_timeouts() >= 1 && m.retries.unavailables() >= 2,
        "{m:?}"
    );
    s.close().await;
    cluster.stop().await;
}

#[tokio::test]
async fn a_non_idempotent_write_that_times_out_is_not_retried() {
    let (cluster, s) = cluster_and_session().await;
    // Server-side write timeout of a simple write.
    let cql = "INSERT INTO r.kv (k, v) VALUES (1, 'a')";
    fail_once(
        &cluster,
        cql,
        Action::write_timeout(Consistency::Quorum, 1, 2, WriteType::Simple),
    );
    let e = s.execute(cql, ()).await.unwrap_err();
    assert!(e.is_server_timeout(), "{e}");
    assert_eq!(attempts(&cluster, cql).len(), 1);
    // Even marked idempotent, a SIMPLE write timeout is rethrown (Cassandra's semantics).
    let cql = "INSERT INTO r.kv (k, v) VALUES (2, 'a')";
    fail_once(
        &cluster,
        cql,
        Action::write_timeout(Consistency::Quorum, 1, 2, WriteType::Simple),
    );
    assert!(
        s.execute(&Statement::new(cql).with_idempotent(true), ())
            .await
            .is_err()
    );
    assert_eq!(attempts(&cluster, cql).len(), 1);

    // Client-side timeout (no answer): a non-idempotent write is not sent again ...
    let cql = "INSERT INTO r.kv (k, v) VALUES (3, 'a')";
    fail_once(&cluster, cql, Action::NoAnswer);
    let e = s.execute(cql, ()).await.unwrap_err();
    assert!(e.is_client_timeout(), "{e}");
    assert_eq!(attempts(&cluster, cql).len(), 1);
    // ... an idempotent one is, once, on another node.
    let cql = "INSERT INTO r.kv (k, v) VALUES (4, 'a')";
    fail_once(&cluster, cql, Action::NoAnswer);
    s.execute(&Statement::new(cql).with_idempotent(true), ())
        .await
        .unwrap();
    let a = attempts(&cluster, cql);
    assert_eq!(a.len(), 2);
    assert_ne!(a[0].0, a[1].0);
    s.close().await;
    cluster.stop().await;
}

#[tokio::test]
async fn speculative_execution_starts_a_second_attempt_after_the_delay_and_cancels_the_loser() {
    let cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let s = on(&cluster)
        .default_profile(
            ExecutionProfile::default()
                .with_request_timeout(Some(Duration::from_secs(5)))
                .with_speculative_execution_policy(Arc::new(
                    ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(100), 2),
                )),
        )
        .connect()
        .await
        .unwrap();
    kv(&s, "spec", 3).await;
    let faults = cluster.faults();

    // The first attempt (wherever it lands) is answered after 2 s.
    let cql = "SELECT v FROM spec.kv WHERE k = 1";
    faults.add(Rule::new(Action::delay_ms(2000)).query(cql).first(1));
    let started = std::time::Instant::now();
    let r = s
        .execute(&Statement::new(cql).with_idempotent(true), ())
        .await
        .unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(90) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    let a = attempts(&cluster, cql);
    assert_eq!(a.len(), 2, "{a:?}");
    assert_ne!(
        a[0].0, a[1].0,
        "the speculative execution went to the next node"
    );
    let slow = NodeAddr::from(cluster.node(a[0].0).unwrap().address());
    assert_ne!(r.host, slow, "the fast execution won");
    assert_eq!(s.metrics().speculative_executions, 1);
    assert_eq!(r.request_info.attempts, 2);

    // The loser was dropped: its late answer (after 2 s) is absorbed by the connection,
    // which keeps working.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    for _ in 0..10 {
        s.execute("SELECT * FROM system.local", ()).await.unwrap();
    }
    assert_eq!(s.metrics().failures, 0);

    // Not idempotent: no speculation, the request waits for the slow answer.
    let cql = "SELECT v FROM spec.kv WHERE k = 2";
    faults.add(Rule::new(Action::delay_ms(400)).query(cql).first(1));
    let started = std::time::Instant::now();
    s.execute(cql, ()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(380));
    assert_eq!(attempts(&cluster, cql).len(), 1);
    assert_eq!(s.metrics().speculative_executions, 1);
    s.close().await;
    cluster.stop().await;
}
