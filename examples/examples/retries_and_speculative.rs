//! Retries and speculative execution: a retry policy decides what happens when an attempt
//! fails; the driver sends a statement again after a failure that may have applied it
//! only when the statement is marked idempotent; speculative execution starts a second
//! attempt on another node when the first one is slow (idempotent statements only).
//!
//! ```sh
//! cargo run -p cql-examples --example retries_and_speculative               # 3 simulated nodes
//! cargo run -p cql-examples --example retries_and_speculative -- --contact-point 127.0.0.1:9042
//! ```
//!
//! On the simulated cluster, fault rules make a write time out and a read stall, so the
//! output shows each behaviour; a real cluster gets no faults, and every request succeeds
//! at its first attempt. Works in keyspace `retries`, dropped at the end.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cql_examples::ExampleCluster;
use cql_testkit::sim::cluster::SimClusterConfig;
use cql_testkit::sim::faults::{Action, Rule};
use cql_transport_tcp::frame::Opcode;
use cql_transport_tcp::message::WriteType;
use cql_transport_tcp::policies::retry::FailureKind;
use cql_transport_tcp::policies::retry::{RetryContext, RetryDecision, RetryPolicy};
use cql_transport_tcp::policies::speculative::ConstantSpeculativeExecutionPolicy;
use cql_transport_tcp::{Consistency, SessionBuilder, Statement};

/// After a timeout, an unavailable or an overloaded coordinator, tries one other node;
/// gives every other error to the caller. (The driver still refuses to resend a statement
/// that is not idempotent once it may have been applied, whatever a policy decides.)
#[derive(Debug)]
struct OneOtherNode;

impl RetryPolicy for OneOtherNode {
    fn decide(&self, ctx: &RetryContext<'_>) -> RetryDecision {
        let worth_retrying = matches!(
            ctx.kind(),
            FailureKind::ReadTimeout { .. }
                | FailureKind::WriteTimeout { .. }
                | FailureKind::Unavailable { .. }
                | FailureKind::Overloaded
        );
        if worth_retrying && ctx.retries == 0 {
            RetryDecision::NEXT_HOST
        } else {
            RetryDecision::Rethrow
        }
    }
}

const SET_VALUE: &str = "UPDATE retries.kv SET v = ? WHERE k = ?";
const GET_VALUE: &str = "SELECT v FROM retries.kv WHERE k = ?";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args_or(SimClusterConfig::nodes(3)).await?;
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .retry_policy(Arc::new(OneOtherNode))
        // Up to two executions: a second one on the next node after 100 ms without answer.
        .speculative_execution_policy(Arc::new(ConstantSpeculativeExecutionPolicy::new(
            Duration::from_millis(100),
            2,
        )))
        .connect()
        .await?;
    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS retries \
             WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS retries.kv (k int PRIMARY KEY, v int)",
            (),
        )
        .await?;

    // The next write times out on whichever node coordinates it.
    let write_times_out = || {
        if let Some(sim) = cluster.simulated() {
            sim.faults().add(
                Rule::new(Action::write_timeout(
                    Consistency::One,
                    0,
                    1,
                    WriteType::Simple,
                ))
                .opcode(Opcode::Query)
                .query(SET_VALUE)
                .first(1),
            );
        }
    };

    // Statements are not idempotent unless they say so: running one twice might apply it
    // twice (a counter increment, a list append), so after a write timeout it is not sent
    // again and the caller decides.
    write_times_out();
    let set_value = Statement::new(SET_VALUE);
    match session.execute(&set_value, (10, 1)).await {
        Ok(result) => println!(
            "not idempotent: applied at attempt {}",
            result.request_info.attempts
        ),
        Err(e) => println!("not idempotent: not retried, the error is ours to handle: {e}"),
    }

    // Setting a value twice leaves the same row: safe to retry on another node.
    write_times_out();
    let set_value = Statement::new(SET_VALUE).with_idempotent(true);
    let result = session.execute(&set_value, (10, 2)).await?;
    let failed: Vec<String> = (result.request_info.failed.iter())
        .map(|(host, error)| format!("{host} {error:?}"))
        .collect();
    println!(
        "idempotent: answered by {} at attempt {}; failed before: {failed:?}",
        result.host, result.request_info.attempts
    );

    // The next read stalls for half a second on the node that gets it.
    let read_stalls = || {
        if let Some(sim) = cluster.simulated() {
            sim.faults().add(
                Rule::new(Action::Delay(Duration::from_millis(500)))
                    .opcode(Opcode::Query)
                    .query(GET_VALUE)
                    .first(1),
            );
        }
    };

    read_stalls();
    let started = Instant::now();
    let result = session.execute(GET_VALUE, (10,)).await?;
    println!(
        "not idempotent read: answered by {} after {} ms (no speculative execution)",
        result.host,
        started.elapsed().as_millis()
    );

    read_stalls();
    let get_value = Statement::new(GET_VALUE).with_idempotent(true);
    let started = Instant::now();
    let result = session.execute(&get_value, (10,)).await?;
    println!(
        "idempotent read: answered by {} after {} ms; speculative executions so far: {}",
        result.host,
        started.elapsed().as_millis(),
        session.metrics().speculative_executions
    );

    session
        .execute("DROP KEYSPACE IF EXISTS retries", ())
        .await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}
