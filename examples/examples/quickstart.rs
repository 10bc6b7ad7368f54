//! Quickstart: connect, create a keyspace and a table, insert a row with bound values,
//! and read it back.
//!
//! ```sh
//! cargo run -p cql-examples --example quickstart                                # simulated node
//! cargo run -p cql-examples --example quickstart -- --contact-point 127.0.0.1:9042
//! ```
//!
//! Without `--contact-point` it starts a simulated Cassandra node inside this process and
//! talks to it over a real socket. It works in keyspace `quickstart` and drops it at the
//! end.

use cql_examples::ExampleCluster;
use cql_transport_tcp::SessionBuilder;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args().await?;
    println!("connecting to {cluster}");

    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .connect()
        .await?;

    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS quickstart \
             WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS quickstart.users (id int PRIMARY KEY, name text, email text)",
            (),
        )
        .await?;

    // Values travel beside the statement, never pasted into the CQL text.
    session
        .execute(
            "INSERT INTO quickstart.users (id, name, email) VALUES (?, ?, ?)",
            (1, "Ada Lovelace", "ada@example.com"),
        )
        .await?;
    session
        .execute(
            "INSERT INTO quickstart.users (id, name) VALUES (?, ?)",
            (2, "Alan Turing"),
        )
        .await?;

    let result = session
        .execute("SELECT id, name, email FROM quickstart.users", ())
        .await?;
    for row in result.rows() {
        let id: i32 = row.get("id")?;
        let name: &str = row.get("name")?;
        let email: Option<&str> = row.get("email")?;
        println!("user {id}: {name} <{}>", email.unwrap_or("no e-mail"));
    }

    session
        .execute("DROP KEYSPACE IF EXISTS quickstart", ())
        .await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}
