//! TLS and authentication: trust the certificate authority that signed the nodes'
//! certificates, and log in with a user name and password.
//!
//! ```sh
//! cargo run -p cql-examples --example tls_and_auth       # simulated node with TLS and a user
//! cargo run -p cql-examples --example tls_and_auth -- --contact-point db1.example.com:9142 \
//!     --user app --password secret --tls-ca ca.pem
//! ```
//!
//! Without flags it starts a simulated node that generates a CA and a certificate for
//! `127.0.0.1` at start and wants the password of user `app`.

use cql_examples::ExampleCluster;
use cql_transport_tcp::{SessionBuilder, TlsConfig, TlsTransport};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (cluster, login) = ExampleCluster::secured_from_args("app", "app-password").await?;
    println!("connecting to {cluster}");

    // The CA as PEM text (`ca_pem_file` reads a file, `system_roots` uses the operating
    // system's store). Host names are verified against the certificates.
    let tls = TlsConfig::builder().ca_pem(&login.ca_pem).build()?;
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .credentials(&login.user, &login.password)
        .transport(TlsTransport::new(tls.clone()))
        .connect()
        .await?;
    let result = session
        .execute("SELECT cluster_name, release_version FROM system.local", ())
        .await?;
    if let Some(row) = result.first_row() {
        let cluster_name: &str = row.get("cluster_name")?;
        let version: &str = row.get("release_version")?;
        println!(
            "logged in as {} over TLS: cluster {cluster_name:?}, Cassandra {version}",
            login.user
        );
    }
    session.close().await;

    // A wrong password: the session does not open, and the error says why.
    let refused = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .credentials(&login.user, "not-the-password")
        .transport(TlsTransport::new(tls))
        .connect()
        .await;
    if let Err(e) = refused {
        println!("with a wrong password: {e}");
    }

    cluster.stop().await;
    Ok(())
}
