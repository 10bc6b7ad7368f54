//! `SessionBuilderExt`: one-call sessions on tokio over plain TCP and TLS, against the
//! simulated node.

use cql_testkit::sim::server::{ServerCertificate, SimServer, SimServerConfig};
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::session::Error;
use cql_transport_tcp::{Session, TlsConfig, TlsTransport};

async fn release_version(session: &Session) -> String {
    let r = session
        .execute("SELECT release_version FROM system.local", ())
        .await
        .unwrap();
    r.first_row().unwrap().get::<String>(0).unwrap()
}

#[tokio::test]
async fn connect_over_plain_tcp() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = SessionBuilder::new()
        .contact_point(server.local_addr().to_string())
        .connect()
        .await
        .unwrap();
    assert!(!release_version(&session).await.is_empty());
    session.close().await;
    server.stop().await;
}

#[tokio::test]
async fn connect_tls_verifies_the_node() {
    let server =
        SimServer::start(SimServerConfig::default().with_tls(ServerCertificate::Generated))
            .await
            .unwrap();
    let ca = server.tls().unwrap().ca_pem.clone();
    let tls = TlsConfig::builder().ca_pem(&ca).build().unwrap();
    let session = SessionBuilder::new()
        .contact_point(format!("localhost:{}", server.local_addr().port()))
        .transport(TlsTransport::new(tls))
        .connect()
        .await
        .unwrap();
    assert!(!release_version(&session).await.is_empty());
    session.close().await;

    // Plain TCP against a TLS port fails, naming the host.
    let e = SessionBuilder::new()
        .contact_point(server.local_addr().to_string())
        .connect_timeout(std::time::Duration::from_secs(2))
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NoHostAvailable(_)), "{e}");
    assert!(e.to_string().contains("127.0.0.1"), "{e}");
    server.stop().await;
}

#[tokio::test]
async fn connect_is_spawnable() {
    // The futures are Send: a session can be opened inside a spawned task.
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let addr = server.local_addr();
    let session = tokio::spawn(async move {
        SessionBuilder::new()
            .contact_point(addr)
            .connect()
            .await
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!release_version(&session).await.is_empty());
    server.stop().await;
}
