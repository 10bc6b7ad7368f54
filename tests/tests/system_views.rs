//! `system_views.clients` over real sockets: one row per open connection, with what its
//! STARTUP said, its user and its TLS session.

use std::time::Duration;

use cql_core::frame::{Compression, ProtocolVersion};
use cql_core::message::{Request, Response, ResultMessage, Startup};
use cql_core::types::CqlValue;
use cql_testkit::raw::RawClient;
use cql_testkit::sim::server::{ServerCertificate, SimServer, SimServerConfig};

const CLIENTS: &str = "SELECT * FROM system_views.clients";

type Row = Vec<(String, Option<CqlValue>)>;

fn rows(response: &Response) -> Vec<Row> {
    let Response::Result(ResultMessage::Rows(r)) = response else {
        panic!("expected rows, got {response:?}");
    };
    let columns = r.metadata.columns.clone().expect("metadata");
    r.rows()
        .map(|row| {
            columns
                .iter()
                .zip(row)
                .map(|(c, cell)| (c.name.clone(), CqlValue::deserialize(&c.typ, cell).unwrap()))
                .collect()
        })
        .collect()
}

fn cell<'a>(row: &'a Row, name: &str) -> Option<&'a CqlValue> {
    row.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .1
        .as_ref()
}

fn text(row: &Row, name: &str) -> Option<String> {
    match cell(row, name) {
        Some(CqlValue::Text(s)) => Some(s.clone()),
        None => None,
        other => panic!("{name}: {other:?}"),
    }
}

#[tokio::test]
async fn one_row_per_connection_with_its_startup_options() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let mut a = RawClient::connect(server.local_addr(), ProtocolVersion::V5)
        .await
        .unwrap();
    let mut startup = Startup::new("3.0.0");
    startup
        .options
        .push(("DRIVER_NAME".into(), "test driver".into()));
    startup
        .options
        .push(("driver_version".into(), "1.2.3".into()));
    let answer = a.request(Request::Startup(startup)).await.unwrap();
    assert!(matches!(answer.response, Response::Ready), "{answer:?}");
    a.enable_framing(Compression::None).unwrap();
    let mut b = RawClient::connect(server.local_addr(), ProtocolVersion::V4)
        .await
        .unwrap();
    b.handshake(Compression::None, None).await.unwrap();

    let all = rows(&a.query(CLIENTS).await.unwrap());
    assert_eq!(all.len(), 2, "{all:?}");
    let mine = all
        .iter()
        .find(|r| text(r, "driver_name").is_some())
        .unwrap();
    assert_eq!(text(mine, "driver_name").as_deref(), Some("test driver"));
    assert_eq!(text(mine, "driver_version").as_deref(), Some("1.2.3"));
    assert_eq!(text(mine, "connection_stage").as_deref(), Some("ready"));
    assert_eq!(text(mine, "username").as_deref(), Some("anonymous"));
    assert_eq!(text(mine, "hostname").as_deref(), Some("127.0.0.1"));
    assert_eq!(cell(mine, "protocol_version"), Some(&CqlValue::Int(5)));
    assert_eq!(cell(mine, "request_count"), Some(&CqlValue::BigInt(2)));
    assert_eq!(cell(mine, "ssl_enabled"), Some(&CqlValue::Boolean(false)));
    assert_eq!(cell(mine, "ssl_protocol"), None);
    let Some(CqlValue::Map(options)) = cell(mine, "client_options") else {
        panic!("client_options");
    };
    assert!(options.contains(&(
        CqlValue::Text("DRIVER_VERSION".into()),
        CqlValue::Text("1.2.3".into())
    )));
    let other = all
        .iter()
        .find(|r| text(r, "driver_name").is_none())
        .unwrap();
    assert_eq!(cell(other, "protocol_version"), Some(&CqlValue::Int(4)));

    // a closed connection leaves the table
    drop(b);
    let mut left = 0;
    for _ in 0..50 {
        left = rows(&a.query(CLIENTS).await.unwrap()).len();
        if left == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(left, 1);
    server.stop().await;
}

#[tokio::test]
async fn users_and_tls_sessions_are_shown() {
    let config = SimServerConfig::default()
        .with_user("alice", "secret")
        .with_tls(ServerCertificate::Generated);
    let server = SimServer::start(config).await.unwrap();
    let ca = server.tls().unwrap().ca_pem.clone();
    let mut c = RawClient::connect_tls(server.local_addr(), ProtocolVersion::V4, &ca)
        .await
        .unwrap();
    c.handshake(Compression::None, Some(("alice", "secret")))
        .await
        .unwrap();
    let all = rows(&c.query(CLIENTS).await.unwrap());
    assert_eq!(all.len(), 1);
    let row = &all[0];
    assert_eq!(text(row, "username").as_deref(), Some("alice"));
    assert_eq!(cell(row, "ssl_enabled"), Some(&CqlValue::Boolean(true)));
    assert_eq!(text(row, "ssl_protocol").as_deref(), Some("TLSv1.3"));
    let suite = text(row, "ssl_cipher_suite").unwrap();
    assert!(suite.starts_with("TLS_"), "{suite}");
    server.stop().await;
}
