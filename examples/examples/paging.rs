//! Paging: read a result of many rows all at once, one page at a time (resuming later from
//! a saved paging state, as a REST API's cursor does), or as a stream of rows.
//!
//! ```sh
//! cargo run -p cql-examples --example paging                                # simulated node
//! cargo run -p cql-examples --example paging -- --contact-point 127.0.0.1:9042
//! ```
//!
//! Works in keyspace `paging`, dropped at the end.

use cql_examples::ExampleCluster;
use cql_transport_tcp::{PagingState, SessionBuilder, Statement};
use futures::{StreamExt, TryStreamExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args().await?;
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .connect()
        .await?;
    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS paging \
             WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS paging.readings \
             (sensor text, seq int, celsius double, PRIMARY KEY (sensor, seq))",
            (),
        )
        .await?;
    let insert = session
        .prepare("INSERT INTO paging.readings (sensor, seq, celsius) VALUES (?, ?, ?)")
        .await?;
    for seq in 0..25 {
        session
            .execute(&insert, ("boiler", seq, 60.0 + f64::from(seq) / 10.0))
            .await?;
    }

    // Ten rows per page (the session's default is 5000).
    let select = Statement::new("SELECT seq, celsius FROM paging.readings WHERE sensor = ?")
        .with_page_size(10);

    // 1. Every row at once: `execute` fetches page after page and returns them all.
    let all = session.execute(&select, ("boiler",)).await?;
    println!("execute: {} rows", all.row_count());

    // 2. One page per call: `execute_page` returns a page and where the next one starts.
    //    A web service hands that paging state to its client as an opaque cursor (hex
    //    here) and resumes from it on the client's next request, on any connection.
    let mut cursor: Option<String> = None;
    loop {
        let paging_state = cursor
            .as_deref()
            .map(hex::decode)
            .transpose()?
            .map(PagingState::from_bytes);
        let page = session
            .execute_page(&select, ("boiler",), paging_state)
            .await?;
        let seqs = page
            .typed::<(i32, f64)>()?
            .map(|row| row.map(|(seq, _celsius)| seq))
            .collect::<Result<Vec<i32>, _>>()?;
        println!("execute_page: seq {seqs:?}");
        cursor = page
            .paging_state
            .as_ref()
            .map(|state| hex::encode(state.as_bytes()));
        match &cursor {
            Some(next) => println!("  cursor of the next page: {next}"),
            None => break,
        }
    }

    // 3. A stream of rows: the next page is fetched when the rows of the current one have
    //    been read, so memory holds one page however large the result.
    let mut rows = session.execute_iter(&select, ("boiler",))?;
    let mut warmest = f64::MIN;
    while let Some(row) = rows.next().await {
        let celsius: f64 = row?.get("celsius")?;
        warmest = warmest.max(celsius);
    }
    println!(
        "execute_iter: warmest reading {warmest} °C, {} pages fetched",
        rows.pages_fetched()
    );

    // A stream can start where a page left off, and read rows as tuples (or structs, see
    // typed_rows).
    let first_page = session.execute_page(&select, ("boiler",), None).await?;
    if let Some(after_first_page) = first_page.paging_state {
        let rest: Vec<(i32, f64)> = session
            .execute_iter(&select, ("boiler",))?
            .resume_from(after_first_page)
            .typed::<(i32, f64)>()
            .try_collect()
            .await?;
        println!(
            "execute_iter resumed after the first page: {} rows, from seq {}",
            rest.len(),
            rest.first().map_or(-1, |(seq, _)| *seq)
        );
    }

    session
        .execute("DROP KEYSPACE IF EXISTS paging", ())
        .await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}
