//! Tracing and metrics: watch what the driver does through its `tracing` spans and events
//! (printed here by `tracing-subscriber`), follow every request with a `RequestTracker`
//! and every host going down or up with a `HostListener`, and read the session's
//! counters and latencies with `session.metrics()`.
//!
//! ```sh
//! cargo run -p cql-examples --features tracing_and_metrics --example tracing_and_metrics
//! cargo run -p cql-examples --features tracing_and_metrics --example tracing_and_metrics -- \
//!     --contact-point 127.0.0.1:9042
//! ```
//!
//! On two simulated nodes, one read first fails (a fault rule) and is retried, and the
//! second node is stopped and started again; a real cluster is left alone. Works in
//! keyspace `observed`, dropped at the end.

use std::sync::Arc;
use std::time::Duration;

use cql_examples::ExampleCluster;
use cql_testkit::sim::cluster::SimClusterConfig;
use cql_testkit::sim::faults::{Action, Rule};
use cql_transport_tcp::frame::Opcode;
use cql_transport_tcp::session::{
    AttemptFailure, HostEvent, HostListener, RequestEnd, RequestTracker,
};
use cql_transport_tcp::{Consistency, Error, Session, SessionBuilder};
use tracing_subscriber::filter::LevelFilter;

/// Prints every request that ends and every attempt that fails. Trackers run on the
/// request path: a real one counts, or hands the event to a channel, and never blocks.
#[derive(Debug)]
struct PrintRequests;

impl RequestTracker for PrintRequests {
    fn on_success(&self, request: &RequestEnd<'_>) {
        println!(
            "[tracker] request {} ({:?}) ok on {} in {} µs, {} attempt(s): {}",
            request.id,
            request.kind,
            request
                .host
                .map_or("?".to_string(), |host| host.to_string()),
            request.latency.as_micros(),
            request.attempts,
            request.query.unwrap_or("(batch)")
        );
    }

    fn on_error(&self, request: &RequestEnd<'_>, error: &Error) {
        println!("[tracker] request {} failed: {error}", request.id);
    }

    fn on_attempt_error(&self, attempt: &AttemptFailure<'_>, error: &Error) {
        println!(
            "[tracker] request {} attempt {} on {} failed ({error}); retry policy: {:?}",
            attempt.id, attempt.attempt, attempt.host, attempt.decision
        );
    }
}

/// Prints what happens to the cluster's hosts.
#[derive(Debug)]
struct PrintHostEvents;

impl HostListener for PrintHostEvents {
    fn on_event(&self, event: &HostEvent) {
        println!("[host listener] {event}");
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The driver's INFO events: connections, hosts, the control connection. DEBUG adds
    // every request's span and each failed attempt.
    tracing_subscriber::fmt()
        .with_max_level(LevelFilter::INFO)
        .with_target(false)
        .with_ansi(false)
        .init();

    let mut cluster = ExampleCluster::from_args_or(SimClusterConfig::nodes(2)).await?;
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .request_tracker(Arc::new(PrintRequests))
        .host_listener(Arc::new(PrintHostEvents))
        .connect()
        .await?;

    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS observed \
             WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS observed.kv (k int PRIMARY KEY, v text)",
            (),
        )
        .await?;
    session
        .execute("INSERT INTO observed.kv (k, v) VALUES (?, ?)", (1, "one"))
        .await?;

    if let Some(sim) = cluster.simulated() {
        // The next read finds too few replicas alive; the default retry policy tries the
        // next node once.
        sim.faults().add(
            Rule::new(Action::unavailable(Consistency::LocalOne, 1, 0))
                .opcode(Opcode::Query)
                .query("SELECT v FROM observed.kv WHERE k = ?")
                .first(1),
        );
    }
    session
        .execute("SELECT v FROM observed.kv WHERE k = ?", (1,))
        .await?;
    if let Err(e) = session.execute("SELECT v FROM observed.missing", ()).await {
        println!("an invalid query fails at once: {e}");
    }

    if let Some(sim) = cluster.simulated_mut() {
        println!("stopping the second node, then starting it again");
        sim.stop_node(1).await?;
        wait_for_hosts(&session, false).await;
        sim.start_node(1).await?;
        wait_for_hosts(&session, true).await;
    }

    let metrics = session.metrics();
    println!(
        "metrics: {} requests, {} ok, {} failed, {} retried; errors: {} unavailable, {} invalid",
        metrics.requests,
        metrics.successes,
        metrics.failures,
        metrics.retries.total(),
        metrics.errors.unavailables(),
        metrics.errors.invalid_queries()
    );
    println!(
        "latency: p50 {:?}, p99 {:?}, max {:?}; {} connections open",
        metrics.latency.p50,
        metrics.latency.p99,
        metrics.latency.max,
        metrics.total_open_connections()
    );

    session
        .execute("DROP KEYSPACE IF EXISTS observed", ())
        .await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}

/// Waits (up to 10 s) until every host is up (`all_up`), or until one is down.
async fn wait_for_hosts(session: &Session, all_up: bool) {
    for _ in 0..100 {
        if session.hosts().iter().all(|host| host.up) == all_up {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
