//! Quickstart: a short printed tour of the driver.
//!
//! ```sh
//! cargo run -p cql-examples --example quickstart                       # in-process cql-sim
//! cargo run -p cql-examples --example quickstart -- --contact-point 127.0.0.1:9042 \
//!     [--user cassandra --password cassandra] [--tls-ca ca.pem]       # a real cluster
//! ```
//!
//! Without arguments it starts the project's simulated Cassandra node inside this process
//! and runs the tour against it over a real socket; with `--contact-point` the same tour
//! runs against a real cluster, in keyspace `quickstart`, which is dropped at the end.

use cql_examples::{QuickstartArgs, connect, tour};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = match QuickstartArgs::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let (session, sim) = connect(&args).await?;
    let (addr, version) = session
        .host_versions()
        .first()
        .map(|(a, v)| (a.to_string(), v.map(|v| v.to_string()).unwrap_or_default()))
        .unwrap_or_default();
    match &sim {
        Some(_) => println!(
            "cql-rs quickstart: in-process simulated node (cql-sim) at {addr}, protocol {version}"
        ),
        None => println!("cql-rs quickstart: cluster at {addr}, protocol {version}"),
    }
    let mut stdout = std::io::stdout();
    let result = tour(&session, "quickstart", &mut stdout).await;
    session.close().await;
    if let Some(server) = sim {
        server.stop().await;
    }
    result?;
    println!("done: every step ran through cql_core::session::Session over tokio TCP");
    Ok(())
}
