//! Prepared statements and batches: prepare once and execute many times with values
//! checked against the statement's markers, apply several writes together in a logged
//! batch, update counters in a counter batch, and write only if a condition holds (a
//! lightweight transaction).
//!
//! ```sh
//! cargo run -p cql-examples --example prepared_and_batches                  # simulated node
//! cargo run -p cql-examples --example prepared_and_batches -- --contact-point 127.0.0.1:9042
//! ```
//!
//! Works in keyspace `shop`, dropped at the end.

use cql_examples::ExampleCluster;
use cql_transport_tcp::{Batch, SessionBuilder};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args().await?;
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .connect()
        .await?;
    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS shop \
             WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS shop.orders \
             (customer int, order_id int, item text, quantity int, PRIMARY KEY (customer, order_id))",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS shop.order_counts (customer int PRIMARY KEY, orders counter)",
            (),
        )
        .await?;

    // Prepared once: the node parses the statement once, and the driver learns the type
    // of each bind marker (and which ones form the partition key, to route by token).
    let insert_order = session
        .prepare("INSERT INTO shop.orders (customer, order_id, item, quantity) VALUES (?, ?, ?, ?)")
        .await?;
    let markers: Vec<String> = insert_order
        .bind_specs()
        .iter()
        .map(|spec| format!("{} {}", spec.name, spec.typ))
        .collect();
    println!("prepared with markers: {}", markers.join(", "));

    for (order_id, item, quantity) in [(1, "pencil", 12), (2, "eraser", 3), (3, "ruler", 1)] {
        session
            .execute(&insert_order, (7, order_id, item, quantity))
            .await?;
    }

    // Values are checked against the markers' types before anything is sent.
    if let Err(e) = session
        .execute(&insert_order, (7, 4, "stapler", "three"))
        .await
    {
        println!("rejected before sending: {e}");
    }

    // A logged batch: its statements are applied all together or not at all. Prepared
    // and simple statements can be mixed.
    let mut batch = Batch::logged();
    batch
        .add(&insert_order, (8, 1, "notebook", 2))?
        .add(&insert_order, (8, 2, "ink", 1))?
        .add(
            "DELETE FROM shop.orders WHERE customer = ? AND order_id = ?",
            (7, 3),
        )?;
    session.batch(&batch).await?;
    println!("logged batch of {} statements applied", batch.len());

    // Counters change only in counter batches (or on their own).
    let count_orders = session
        .prepare("UPDATE shop.order_counts SET orders = orders + ? WHERE customer = ?")
        .await?;
    let mut counters = Batch::counter();
    counters
        .add(&count_orders, (2i64, 7))?
        .add(&count_orders, (2i64, 8))?;
    session.batch(&counters).await?;

    // A lightweight transaction: the insert happens only if the row does not exist yet;
    // `applied()` says whether it did, and a refused one returns the row that is there.
    let first_order = session
        .prepare(
            "INSERT INTO shop.orders (customer, order_id, item, quantity) VALUES (?, ?, ?, ?) \
             IF NOT EXISTS",
        )
        .await?;
    let lamp = session.execute(&first_order, (9, 1, "lamp", 1)).await?;
    let chair = session.execute(&first_order, (9, 1, "chair", 4)).await?;
    let kept: Option<String> = match chair.first_row() {
        Some(row) => row.get("item")?,
        None => None,
    };
    println!(
        "IF NOT EXISTS: lamp applied: {}, chair applied: {} (the row keeps {:?})",
        lamp.applied().unwrap_or(false),
        chair.applied().unwrap_or(false),
        kept.unwrap_or_default()
    );

    let orders_of = session
        .prepare("SELECT order_id, item, quantity FROM shop.orders WHERE customer = ?")
        .await?;
    let counts_of = session
        .prepare("SELECT orders FROM shop.order_counts WHERE customer = ?")
        .await?;
    for customer in [7, 8, 9] {
        let orders = session.execute(&orders_of, (customer,)).await?;
        let items = orders
            .typed::<(i32, String, i32)>()?
            .map(|row| row.map(|(id, item, quantity)| format!("#{id} {quantity}x {item}")))
            .collect::<Result<Vec<String>, _>>()?;
        let counted: Option<i64> = match session.execute(&counts_of, (customer,)).await?.first_row()
        {
            Some(row) => row.get("orders")?,
            None => None,
        };
        println!(
            "customer {customer}: {} (counter: {})",
            items.join(", "),
            counted.map_or("none".to_string(), |n| n.to_string())
        );
    }

    session.execute("DROP KEYSPACE IF EXISTS shop", ()).await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}
