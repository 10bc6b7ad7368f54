//! Cluster routing: the session discovers every node from one contact point, and sends a
//! prepared statement whose partition key is bound straight to a node that holds the
//! partition (token-aware routing); the node that answered each request shows it.
//!
//! ```sh
//! cargo run -p cql-examples --example cluster_routing                       # 3 simulated nodes
//! cargo run -p cql-examples --example cluster_routing -- --contact-point 10.0.0.5:9042
//! ```
//!
//! The simulated nodes listen on 127.0.0.1, 127.0.0.2 and 127.0.0.3. Works in keyspace
//! `routing` (one replica per partition, so that each key has exactly one owner), dropped
//! at the end.

use cql_examples::ExampleCluster;
use cql_testkit::sim::cluster::SimClusterConfig;
use cql_transport_tcp::SessionBuilder;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args_or(SimClusterConfig::nodes(3)).await?;
    // One contact point is enough: the others come from the cluster's system tables.
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .connect()
        .await?;
    for host in session.hosts() {
        println!(
            "host {} in {}/{}: up {}, {:?}, {} connection(s)",
            host.addr,
            host.datacenter.as_deref().unwrap_or("?"),
            host.rack.as_deref().unwrap_or("?"),
            host.up,
            host.distance,
            host.open_connections
        );
    }

    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS routing \
             WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS routing.accounts (id int PRIMARY KEY, balance int)",
            (),
        )
        .await?;

    // Prepared, the statement tells the driver which marker is the partition key; the
    // driver hashes the bound key to a token and finds the nodes that own it.
    let insert = session
        .prepare("INSERT INTO routing.accounts (id, balance) VALUES (?, ?)")
        .await?;
    let view = session.cluster_view();
    for id in 1..=6i32 {
        let result = session.execute(&insert, (id, 100 * id)).await?;
        // A partition key of one int is its 4 bytes, big-endian.
        let owners: Vec<String> = view
            .replicas_for_key("routing", &id.to_be_bytes())
            .iter()
            .map(|host| host.addr.to_string())
            .collect();
        println!(
            "account {id}: owned by {}, answered by {}",
            owners.join(", "),
            result.host
        );
    }

    // CQL text carries no routing information the driver can read, so it goes to the
    // nodes in turn, each coordinating the request for the owner.
    for id in 1..=3 {
        let result = session
            .execute("SELECT balance FROM routing.accounts WHERE id = ?", (id,))
            .await?;
        println!(
            "unprepared read of account {id}: answered by {}",
            result.host
        );
    }

    session
        .execute("DROP KEYSPACE IF EXISTS routing", ())
        .await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}
