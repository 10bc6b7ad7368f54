//! The object mapper: declare models with `#[derive(Model)]`, create and evolve their
//! tables with `sync_table`, query them with typed filters, write with TTLs, conditions
//! and collection updates, group writes in batches, save only what changed, and keep
//! several Rust types in one table (polymorphic models) — cqlengine's model in Rust.
//!
//! ```sh
//! cargo run -p cql-examples --example object_mapper                                # simulated node
//! cargo run -p cql-examples --example object_mapper -- --contact-point 127.0.0.1:9042
//! ```
//!
//! The derives need `cql-core`'s `derive` feature. Works in keyspace `shop`, dropped at
//! the end.

use std::collections::{BTreeMap, BTreeSet};

use cql_core::{Model, Polymorphic, UserType};
use cql_examples::ExampleCluster;
use cql_transport_tcp::mapper::{Mapper, MapperError, Tracked};
use cql_transport_tcp::{BatchType, SessionBuilder};
use futures::TryStreamExt;

/// A user-defined type: `sync_table` creates it before the tables that use it.
#[derive(Debug, Clone, PartialEq, UserType)]
struct Address {
    street: String,
    city: String,
}

/// `shop.customers`: one row per customer. Every field is a column; `Option` fields may
/// be null (and a `None` is not written on insert).
#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "customers", options(comment = "'one row per customer'"))]
struct Customer {
    #[cql(partition_key)]
    id: i32,
    name: String,
    /// Queried by value: an index serves `Customer::EMAIL.eq(..)`.
    #[cql(index)]
    email: Option<String>,
    #[cql(index)]
    tags: Option<BTreeSet<String>>,
    prefs: Option<BTreeMap<String, String>>,
    address: Option<Address>,
    /// Written as 1 when left `None` on insert.
    #[cql(default = 1)]
    tier: Option<i32>,
}

/// `shop.orders`: a customer's orders, newest first.
#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "orders")]
struct Order {
    #[cql(partition_key)]
    customer: i32,
    #[cql(clustering(desc))]
    number: i32,
    total_cents: i64,
    /// One value per customer (a static column).
    #[cql(static)]
    customer_name: Option<String>,
}

/// `shop.visits`: counters.
#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "visits")]
struct Visits {
    #[cql(partition_key)]
    page: String,
    #[cql(counter)]
    count: i64,
}

/// Two kinds of product in one table, told apart by the `kind` column.
#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "products", discriminator_value = "book")]
struct Book {
    #[cql(partition_key)]
    sku: String,
    #[cql(discriminator, index)]
    kind: String,
    title: String,
    pages: Option<i32>,
}

/// The other kind of product.
#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "products", discriminator_value = "lamp")]
struct Lamp {
    #[cql(partition_key)]
    sku: String,
    #[cql(discriminator, index)]
    kind: String,
    title: String,
    watts: Option<i32>,
}

/// Any product: rows are read as the variant their `kind` names.
#[derive(Debug, Clone, PartialEq, Polymorphic)]
enum Product {
    Book(Book),
    Lamp(Lamp),
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args().await?;
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .connect()
        .await?;
    // Models that name no keyspace use the mapper's.
    let mapper = Mapper::new(session).with_keyspace("shop");
    mapper.create_keyspace_simple("shop", 1).await?;

    // Create the tables (and the type and indexes); a second sync changes nothing.
    for report in [
        mapper.sync_table::<Customer>().await?,
        mapper.sync_table::<Order>().await?,
        mapper.sync_table::<Visits>().await?,
        mapper.sync_table::<Product>().await?,
    ] {
        for statement in &report.statements {
            println!("sync: {statement}");
        }
    }
    assert!(mapper.sync_table::<Customer>().await?.is_unchanged());

    // Insert, then read back by key and by an indexed column.
    let ada = Customer {
        id: 1,
        name: "Ada".into(),
        email: Some("ada@example.com".into()),
        tags: Some(BTreeSet::from(["vip".to_string()])),
        prefs: None,
        address: Some(Address {
            street: "12 Analytical St".into(),
            city: "London".into(),
        }),
        tier: None,
    };
    mapper.insert(&ada).await?;
    mapper
        .insert(&Customer {
            id: 2,
            name: "Grace".into(),
            email: Some("grace@example.com".into()),
            ..ada.clone()
        })
        .ttl(86_400)
        .await?;
    let customers = mapper.objects::<Customer>();
    let found = customers.clone().filter(Customer::ID.eq(1)).get().await?;
    println!("get: {found:?}");
    assert_eq!(found.tier, Some(1));
    let by_email = customers
        .clone()
        .filter(Customer::EMAIL.eq("grace@example.com"))
        .get()
        .await?;
    println!("by email: {}", by_email.name);
    let vips = customers
        .clone()
        .filter(Customer::TAGS.contains("vip"))
        .count()
        .await?;
    println!("{vips} customers tagged vip");

    // A filter the schema cannot serve is refused before it is sent, with the reason.
    match customers
        .clone()
        .filter(Customer::NAME.eq("Ada"))
        .all()
        .await
    {
        Err(MapperError::Invalid(e)) => println!("refused: {e}"),
        other => panic!("expected a refusal, got {other:?}"),
    }

    // Collection operations and conditions.
    mapper
        .update(&found)
        .add(Customer::TAGS, BTreeSet::from(["early".to_string()]))
        .put(Customer::PREFS, "theme", "dark")
        .iff(Customer::NAME.if_eq("Ada"))
        .await?;
    match mapper.insert(&found).if_not_exists().await {
        Err(MapperError::NotApplied(n)) => {
            let current = n.current::<Customer>().expect("the existing row");
            println!("already there, tags now {:?}", current.tags);
        }
        other => panic!("expected not applied, got {other:?}"),
    }

    // Change tracking: save sends only the changed columns.
    let mut tracked = Tracked::loaded(customers.clone().filter(Customer::ID.eq(2)).get().await?)?;
    tracked.name = "Grace Hopper".into();
    println!("changed columns: {:?}", tracked.changed_columns()?);
    mapper.save(&mut tracked).await?;

    // A batch of writes, and a clustering range streamed page by page.
    let mut batch = mapper.batch(BatchType::Logged);
    for number in 1..=25 {
        let order = Order {
            customer: 1,
            number,
            total_cents: 1_000 + i64::from(number),
            customer_name: Some("Ada".into()),
        };
        batch.insert(mapper.insert(&order))?;
    }
    batch.execute().await?;
    let recent: Vec<Order> = mapper
        .objects::<Order>()
        .filter(Order::CUSTOMER.eq(1))
        .filter(Order::NUMBER.gt(20))
        .fetch_size(2)
        .stream()
        .await?
        .try_collect()
        .await?;
    println!(
        "recent orders: {:?}",
        recent.iter().map(|o| o.number).collect::<Vec<_>>()
    );

    // Counters.
    let home = Visits {
        page: "/".into(),
        count: 0,
    };
    mapper.update(&home).increment(Visits::COUNT, 3).await?;
    let visits = mapper
        .objects::<Visits>()
        .filter(Visits::PAGE.eq("/"))
        .get()
        .await?;
    println!("visits of /: {}", visits.count);

    // Polymorphic models: one table, each row read as its kind.
    mapper
        .insert(&Book {
            sku: "b1".into(),
            kind: String::new(),
            title: "Notes on the Analytical Engine".into(),
            pages: Some(65),
        })
        .await?;
    mapper
        .insert(&Lamp {
            sku: "l1".into(),
            kind: String::new(),
            title: "Desk lamp".into(),
            watts: Some(40),
        })
        .await?;
    for product in mapper.objects::<Product>().all().await? {
        match product {
            Product::Book(b) => println!("book {}: {} pages", b.title, b.pages.unwrap_or(0)),
            Product::Lamp(l) => println!("lamp {}: {} W", l.title, l.watts.unwrap_or(0)),
        }
    }
    println!("books: {}", mapper.objects::<Book>().count().await?);

    mapper.drop_keyspace("shop").await?;
    cluster.stop().await;
    Ok(())
}
