//! `TcpTransport` against the simulated node and against nothing at all.

mod common;

use cql_testkit::sim::server::{SimServer, SimServerConfig};
use cql_transport_tcp::runtime::{NodeAddr, Transport, TransportErrorKind};
use cql_transport_tcp::{TcpTransport, resolve};
use std::time::Duration;

#[tokio::test]
async fn options_supported_over_tcp() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let mut stream = TcpTransport::new()
        .connect(&server.local_addr().into())
        .await
        .unwrap();
    let supported = common::options(&mut stream).await;
    assert!(!supported.get("CQL_VERSION").is_empty(), "{supported:?}");
    assert!(
        supported.get("COMPRESSION").iter().any(|c| c == "lz4"),
        "{supported:?}"
    );
    stream.writer.close().await;
    server.stop().await;
}

#[tokio::test]
async fn host_names_resolve() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let addr = NodeAddr::new("localhost", server.local_addr().port());
    // localhost may resolve to ::1 first, where nothing listens: the transport tries
    // every address.
    let mut stream = TcpTransport::new()
        .with_keepalive(Some(Duration::from_secs(60)))
        .connect(&addr)
        .await
        .unwrap();
    common::options(&mut stream).await;
    server.stop().await;
}

#[tokio::test]
async fn refused_is_a_connect_error_naming_the_address() {
    // Bind then drop a listener: its port is free and nothing listens there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = TcpTransport::new()
        .connect(&NodeAddr::new("127.0.0.1", port))
        .await
        .unwrap_err();
    assert_eq!(err.kind, TransportErrorKind::Connect, "{err}");
    assert!(err.message.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.message.to_lowercase().contains("refused"), "{err}");
}

#[tokio::test]
async fn unresolvable_host_is_a_resolve_error() {
    let addr = NodeAddr::new("no-such-node.invalid", 9042);
    let err = TcpTransport::new().connect(&addr).await.unwrap_err();
    assert_eq!(err.kind, TransportErrorKind::Resolve, "{err}");
    assert!(err.message.contains("no-such-node.invalid"), "{err}");
    assert_eq!(
        resolve(&addr).await.unwrap_err().kind,
        TransportErrorKind::Resolve
    );
}

#[tokio::test]
async fn ip_literals_skip_the_resolver() {
    let v6 = resolve(&NodeAddr::new("::1", 9042)).await.unwrap();
    assert_eq!(v6, vec!["[::1]:9042".parse().unwrap()]);
    let bracketed = resolve(&NodeAddr::new("[::1]", 9042)).await.unwrap();
    assert_eq!(bracketed, v6);
    let v4 = resolve(&NodeAddr::new("10.1.2.3", 1)).await.unwrap();
    assert_eq!(v4, vec!["10.1.2.3:1".parse().unwrap()]);
}

#[tokio::test]
async fn peer_close_reads_as_end_of_stream_then_writes_fail_closed() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: NodeAddr = listener.local_addr().unwrap().into();
    let accept = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        drop(socket);
    });
    let mut stream = TcpTransport::new().connect(&addr).await.unwrap();
    accept.await.unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(stream.reader.read(&mut buf).await.unwrap(), 0);
    // The first write may still be buffered by the kernel; a later one sees the reset.
    let mut failed = None;
    for _ in 0..50 {
        if let Err(e) = stream.writer.write_all(&[0u8; 1024]).await {
            failed = Some(e);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let err = failed.expect("writes to a closed peer must fail");
    assert_eq!(err.kind, TransportErrorKind::Closed, "{err}");
    assert!(err.message.contains(&addr.to_string()), "{err}");
}

#[tokio::test]
async fn ipv6_loopback() {
    let Ok(server) = SimServer::start(SimServerConfig::new("[::1]:0".parse().unwrap())).await
    else {
        eprintln!("no IPv6 loopback here; skipped");
        return;
    };
    let addr: NodeAddr = server.local_addr().into();
    assert_eq!(addr.host, "::1");
    let mut stream = TcpTransport::new().connect(&addr).await.unwrap();
    common::options(&mut stream).await;
    server.stop().await;
}
