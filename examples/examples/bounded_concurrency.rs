//! Bounded concurrency: run many statements at once, but never more than a set number in
//! flight, so neither the client nor the cluster is swamped: with `execute_concurrent`
//! (results in input order) or with a stream's `buffer_unordered` (results as they come).
//!
//! ```sh
//! cargo run -p cql-examples --example bounded_concurrency                   # simulated node
//! cargo run -p cql-examples --example bounded_concurrency -- --contact-point 127.0.0.1:9042
//! ```
//!
//! Works in keyspace `bulk`, dropped at the end.

use std::time::Instant;

use cql_examples::ExampleCluster;
use cql_transport_tcp::SessionBuilder;
use futures::{StreamExt, TryStreamExt};

/// Requests in flight at most.
const CONCURRENCY: usize = 64;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args().await?;
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .connect()
        .await?;
    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS bulk \
             WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS bulk.scores (player int PRIMARY KEY, score int)",
            (),
        )
        .await?;

    // 2,000 inserts, at most 64 at a time. The values are produced lazily: a long (or
    // endless) iterator costs memory only for the requests in flight. The `try_` form
    // stops at the first failure; `execute_concurrent_with_values` runs them all and
    // returns every outcome.
    let insert = session
        .prepare("INSERT INTO bulk.scores (player, score) VALUES (?, ?)")
        .await?;
    let started = Instant::now();
    let written = session
        .try_execute_concurrent_with_values(
            &insert,
            (0..2000).map(|player| (player, (player * 37) % 1000)),
            CONCURRENCY,
        )
        .await?;
    println!(
        "execute_concurrent: {} inserts, at most {CONCURRENCY} in flight, in {} ms",
        written.len(),
        started.elapsed().as_millis()
    );

    // The same bound with a stream: `buffer_unordered` keeps up to 64 futures running
    // and yields their results in the order they finish.
    let select = session
        .prepare("SELECT score FROM bulk.scores WHERE player = ?")
        .await?;
    let started = Instant::now();
    let total: i64 = futures::stream::iter(0..2000)
        .map(|player| {
            let session = &session;
            let select = &select;
            async move {
                let result = session.execute(select, (player,)).await?;
                let score: i32 = match result.first_row() {
                    Some(row) => row.get("score")?,
                    None => 0,
                };
                Ok::<i64, cql_transport_tcp::Error>(i64::from(score))
            }
        })
        .buffer_unordered(CONCURRENCY)
        .try_fold(0, |sum, score| async move { Ok(sum + score) })
        .await?;
    println!(
        "buffer_unordered: 2000 reads, at most {CONCURRENCY} in flight, in {} ms; scores add up to {total}",
        started.elapsed().as_millis()
    );

    session.execute("DROP KEYSPACE IF EXISTS bulk", ()).await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}
