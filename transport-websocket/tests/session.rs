//! The native driver through cql-bridge to the simulated node: queries, paging, prepared
//! statements, large frames, TLS on both legs.

mod common;

use common::*;
use cql_core::session::Session;
use cql_testkit::sim::server::{ServerCertificate, SimServer, SimServerConfig};
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::TlsConfig;
use cql_transport_websocket::TokenPlacement;
use cql_transport_websocket::bridge::{ServerTls, mint_token};
use futures::StreamExt;

async fn workload(session: &Session, ks: &str) {
    session
        .execute(
            &format!("CREATE KEYSPACE IF NOT EXISTS {ks} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}"),
            (),
        )
        .await
        .unwrap();
    session.use_keyspace(ks).await.unwrap();
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS kv (k int, c int, v text, PRIMARY KEY (k, c))",
            (),
        )
        .await
        .unwrap();
    session
        .execute(
            "INSERT INTO kv (k, c, v) VALUES (?, ?, ?)",
            (0i32, 0i32, "simple"),
        )
        .await
        .unwrap();
    let insert = session
        .prepare("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
        .await
        .unwrap();
    for c in 0..250i32 {
        session
            .execute(&insert, (1i32, c, format!("v{c}")))
            .await
            .unwrap();
    }
    let row = session
        .execute("SELECT v FROM kv WHERE k = 0 AND c = 0", ())
        .await
        .unwrap()
        .first_row()
        .unwrap();
    assert_eq!(row.get::<String>("v").unwrap(), "simple");
    let select = session
        .prepare("SELECT c, v FROM kv WHERE k = ?")
        .await
        .unwrap();
    let mut rows = session
        .execute_iter(&select, (1i32,))
        .unwrap()
        .typed::<(i32, String)>();
    let mut expected = 0;
    while let Some(row) = rows.next().await {
        let (c, v) = row.unwrap();
        assert_eq!((c, v), (expected, format!("v{expected}")));
        expected += 1;
    }
    assert_eq!(expected, 250);
}

#[tokio::test]
async fn queries_paging_and_prepared_through_the_bridge() {
    let sim = sim().await;
    let bridge = bridge(config(&[sim.local_addr()])).await;
    let session = session(
        sim.local_addr(),
        transport(&bridge),
        SessionBuilder::new().page_size(Some(40)),
    )
    .await;
    workload(&session, "ks_ws").await;
    assert!(bridge.active_connections() >= 1);
    session.close().await;
    bridge.stop().await;
    sim.stop().await;
}

#[tokio::test]
async fn tls_to_the_node_and_wss_to_the_bridge_with_a_signed_token_in_the_subprotocol() {
    let sim = SimServer::start(SimServerConfig::default().with_tls(ServerCertificate::Generated))
        .await
        .unwrap();
    let mut config = config(&[sim.local_addr()]);
    config.upstream_tls = Some(
        TlsConfig::builder()
            .ca_pem(&sim.tls().unwrap().ca_pem)
            .build()
            .unwrap(),
    );
    config.tls = Some(ServerTls::Generated);
    let bridge = bridge(config).await;
    assert!(bridge.url().starts_with("wss://127.0.0.1:"));
    let expiry = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    let token = mint_token(SECRET, "browser", expiry).unwrap();
    let transport = transport(&bridge)
        .with_token(token)
        .with_token_placement(TokenPlacement::Subprotocol)
        .with_tls(
            TlsConfig::builder()
                .ca_pem(bridge.ca_pem().unwrap())
                .build()
                .unwrap(),
        );
    let session = session(
        sim.local_addr(),
        transport,
        SessionBuilder::new().page_size(Some(100)),
    )
    .await;
    workload(&session, "ks_wss").await;
    session.close().await;
    bridge.stop().await;
    sim.stop().await;
}

#[tokio::test]
async fn a_one_mebibyte_blob_round_trips_across_many_messages() {
    let sim = sim().await;
    let mut config = config(&[sim.local_addr()]);
    // Far below the frame size: the client must split its writes into messages.
    config.limits.max_message_size = 128 * 1024;
    let bridge = bridge(config).await;
    let session = session(sim.local_addr(), transport(&bridge), SessionBuilder::new()).await;
    session
        .execute("CREATE KEYSPACE ks_blob WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", ())
        .await
        .unwrap();
    session
        .execute("CREATE TABLE ks_blob.b (k int PRIMARY KEY, v blob)", ())
        .await
        .unwrap();
    let blob: Vec<u8> = (0..1024 * 1024u32)
        .map(|i| (i * 7 + i / 251) as u8)
        .collect();
    let insert = session
        .prepare("INSERT INTO ks_blob.b (k, v) VALUES (?, ?)")
        .await
        .unwrap();
    session
        .execute(&insert, (1i32, blob.clone()))
        .await
        .unwrap();
    let row = session
        .execute("SELECT v FROM ks_blob.b WHERE k = 1", ())
        .await
        .unwrap()
        .first_row()
        .unwrap();
    assert_eq!(row.get::<Vec<u8>>("v").unwrap(), blob);
    session.close().await;
    bridge.stop().await;
    sim.stop().await;
}
