//! Schema metadata: read keyspaces, tables, columns, indexes and types from
//! `session.metadata()`, follow a schema change as it happens, find the replicas of a
//! partition, and export a keyspace as CQL (as `DESCRIBE` prints it).
//!
//! ```sh
//! cargo run -p cql-examples --example schema_metadata                                # simulated node
//! cargo run -p cql-examples --example schema_metadata -- --contact-point 127.0.0.1:9042
//! ```
//!
//! Works in keyspace `catalog`, dropped at the end.

use std::sync::Arc;
use std::time::Duration;

use cql_examples::ExampleCluster;
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::cluster::schema::{ExportStyle, SchemaFilter, SchemaMetadata};
use cql_transport_tcp::message::SchemaChange;
use cql_transport_tcp::session::SchemaListener;

/// Prints every schema change the cluster announces.
#[derive(Debug)]
struct PrintChanges;

impl SchemaListener for PrintChanges {
    fn on_schema_change(&self, change: &SchemaChange, schema: &SchemaMetadata) {
        println!(
            "schema change: {:?} {} in {} ({} keyspaces known now)",
            change.change_type,
            change.target.kind_name(),
            change.target.keyspace(),
            schema.keyspaces.len()
        );
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args().await?;
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        // Keep the metadata of this keyspace only (the default is every keyspace).
        .schema_metadata(SchemaFilter::keyspaces(["catalog"]))
        .schema_listener(Arc::new(PrintChanges))
        .connect()
        .await?;
    for ddl in [
        "CREATE KEYSPACE IF NOT EXISTS catalog \
         WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TYPE IF NOT EXISTS catalog.price (amount decimal, currency text)",
        "CREATE TABLE IF NOT EXISTS catalog.products (shop text, sku text, name text, \
         price frozen<price>, tags set<text>, PRIMARY KEY (shop, sku)) \
         WITH CLUSTERING ORDER BY (sku DESC) AND comment = 'one row per product'",
        "CREATE INDEX IF NOT EXISTS products_name ON catalog.products (name)",
    ] {
        session.execute(ddl, ()).await?;
    }
    // DDL changes reach the metadata through the cluster's events; reading it all again
    // now is also possible.
    session.refresh_schema().await?;

    // 1. Lookups by name: an immutable snapshot, cheap to take.
    let metadata = session.metadata();
    let products = metadata
        .table("catalog", "products")
        .ok_or("catalog.products is not in the metadata")?;
    let key: Vec<&str> = products.partition_key().map(|c| c.name.as_str()).collect();
    println!("partition key: {key:?}");
    for c in products.clustering_key() {
        println!("clustering: {} (descending: {})", c.name, c.is_reversed());
    }
    for c in &products.columns {
        println!("column {} {} ({:?})", c.name, c.type_text, c.kind);
    }
    println!("indexes: {:?}", products.indexes.keys().collect::<Vec<_>>());

    // 2. Replicas of one partition, from its key values.
    for host in metadata.replicas("catalog", "products", &("corner-shop",))? {
        println!("replica of shop 'corner-shop': {}", host.addr);
    }

    // 3. A change shows up in the next snapshot (the listener prints it too).
    session
        .execute("ALTER TABLE catalog.products ADD stock int", ())
        .await?;
    for _ in 0..100 {
        let has_stock = session
            .metadata()
            .table("catalog", "products")
            .is_some_and(|t| t.column("stock").is_some());
        if has_stock {
            println!("the new column is in the metadata");
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // 4. The keyspace as CQL, as `DESCRIBE KEYSPACE catalog` prints it.
    let catalog = session.metadata();
    let catalog = catalog.keyspace("catalog").ok_or("no keyspace catalog")?;
    println!("{}", catalog.export_as_string(ExportStyle::Describe));

    session.execute("DROP KEYSPACE catalog", ()).await?;
    cluster.stop().await;
    Ok(())
}
