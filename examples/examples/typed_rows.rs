//! Typed rows: read rows into your own structs and bind structs as a statement's values
//! with derives, map a user-defined type (UDT) to a struct, and do the same with serde
//! types instead of the derives.
//!
//! ```sh
//! cargo run -p cql-examples --example typed_rows                            # simulated node
//! cargo run -p cql-examples --example typed_rows -- --contact-point 127.0.0.1:9042
//! ```
//!
//! The derives need `cql-core`'s `derive` feature, serde its `serde` feature. Works in
//! keyspace `typed`, dropped at the end.

use cql_examples::ExampleCluster;
use cql_transport_tcp::types::{SerdeRow, SerdeValues};
use cql_transport_tcp::{
    DeserializeRow, DeserializeValue, SerializeRow, SerializeValue, SessionBuilder,
};

/// The UDT `typed.address`, field by field by name (both derives: to read and to write it).
#[derive(Debug, DeserializeValue, SerializeValue)]
struct Address {
    street: String,
    city: String,
    zip: Option<i32>,
}

/// The values of an INSERT: each field binds the marker of the same name.
#[derive(SerializeRow)]
struct NewUser<'a> {
    id: i32,
    name: &'a str,
    emails: Vec<&'a str>,
    home: Option<Address>,
}

/// A row of `typed.users`: each field reads the column of the same name, in any order.
/// `&str` borrows the text from the page the row came in, without a copy. Cassandra
/// stores an empty list as null, so the list reads as an `Option`.
#[derive(Debug, DeserializeRow)]
struct User<'a> {
    id: i32,
    name: &'a str,
    emails: Option<Vec<String>>,
    home: Option<Address>,
}

/// The same mapping with serde: any `Deserialize` type reads a row, any `Serialize` struct
/// binds named markers.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct UserCard {
    id: i32,
    name: String,
    emails: Option<Vec<String>>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args().await?;
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .connect()
        .await?;
    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS typed \
             WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TYPE IF NOT EXISTS typed.address (street text, city text, zip int)",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS typed.users \
             (id int PRIMARY KEY, name text, emails list<text>, home frozen<address>)",
            (),
        )
        .await?;

    // Structs bind to prepared statements, whose markers say each value's CQL type.
    let insert = session
        .prepare(
            "INSERT INTO typed.users (id, name, emails, home) VALUES (:id, :name, :emails, :home)",
        )
        .await?;
    let ada = NewUser {
        id: 1,
        name: "Ada Lovelace",
        emails: vec!["ada@example.com", "countess@example.org"],
        home: Some(Address {
            street: "12 St James's Square".into(),
            city: "London".into(),
            zip: None,
        }),
    };
    session.execute(&insert, ada).await?;
    let grace = NewUser {
        id: 2,
        name: "Grace Hopper",
        emails: vec![],
        home: None,
    };
    session.execute(&insert, grace).await?;

    let result = session
        .execute("SELECT id, name, emails, home FROM typed.users", ())
        .await?;
    // The columns are checked against `User` once per page, before any row is read.
    for user in result.typed::<User>()? {
        let User {
            id,
            name,
            emails,
            home,
        } = user?;
        println!("user {id}: {name}, e-mails {emails:?}, home {home:?}");
    }

    // serde: `SerdeValues` binds a `Serialize` struct by marker name, `SerdeRow` reads a
    // row into a `Deserialize` one.
    let card = UserCard {
        id: 3,
        name: "Alan Turing".into(),
        emails: Some(vec!["alan@example.com".into()]),
    };
    let insert_card = session
        .prepare("INSERT INTO typed.users (id, name, emails) VALUES (:id, :name, :emails)")
        .await?;
    session.execute(&insert_card, SerdeValues(&card)).await?;
    let cards = session
        .execute("SELECT id, name, emails FROM typed.users", ())
        .await?;
    for row in cards.typed::<SerdeRow<UserCard>>()? {
        let SerdeRow(card) = row?;
        println!("{card:?}");
    }

    session.execute("DROP KEYSPACE IF EXISTS typed", ()).await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}
