//! `TlsTransport` and `TlsConfig` against the simulated node (generated CA) and small
//! rustls servers of the tests' own.

mod common;

use std::sync::Arc;

use cql_testkit::sim::server::{ServerCertificate, SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::runtime::{NodeAddr, Transport, TransportError, TransportErrorKind};
use cql_transport_tcp::{TlsConfig, TlsConfigError, TlsTransport, rustls};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn tls_sim(listen: &str) -> SimServerHandle {
    SimServer::start(
        SimServerConfig::new(listen.parse().unwrap()).with_tls(ServerCertificate::Generated),
    )
    .await
    .unwrap()
}

fn ca_of(server: &SimServerHandle) -> String {
    server.tls().unwrap().ca_pem.clone()
}

async fn connect_err(transport: &TlsTransport, addr: &NodeAddr) -> TransportError {
    match transport.connect(addr).await {
        Ok(_) => panic!("the TLS connection to {addr} should have failed"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn generated_ca_is_trusted_over_ip_and_name() {
    let server = tls_sim("127.0.0.1:0").await;
    let config = TlsConfig::builder().ca_pem(ca_of(&server)).build().unwrap();
    assert!(config.verifies_hostnames());
    assert!(!config.has_client_cert());
    let transport = TlsTransport::new(config);
    let port = server.local_addr().port();
    for host in ["127.0.0.1", "localhost"] {
        let mut stream = transport.connect(&NodeAddr::new(host, port)).await.unwrap();
        let supported = common::options(&mut stream).await;
        assert!(!supported.get("CQL_VERSION").is_empty());
        stream.writer.close().await;
    }
    server.stop().await;
}

#[tokio::test]
async fn the_crypto_provider_is_the_default_or_the_one_given() {
    // No process default is installed here: aws-lc-rs, post-quantum hybrid first.
    let default = cql_transport_tcp::default_crypto_provider();
    assert_eq!(
        default.kx_groups.first().map(|g| g.name()),
        Some(rustls::NamedGroup::X25519MLKEM768)
    );
    let server = tls_sim("127.0.0.1:0").await;
    // A provider restricted to X25519 still reaches the node...
    let mut x25519 = rustls::crypto::aws_lc_rs::default_provider();
    x25519.kx_groups = vec![rustls::crypto::aws_lc_rs::kx_group::X25519];
    let config = TlsConfig::builder()
        .ca_pem(ca_of(&server))
        .crypto_provider(Arc::new(x25519))
        .build()
        .unwrap();
    let addr = NodeAddr::new("127.0.0.1", server.local_addr().port());
    let mut stream = TlsTransport::new(config).connect(&addr).await.unwrap();
    assert!(
        !common::options(&mut stream)
            .await
            .get("CQL_VERSION")
            .is_empty()
    );
    stream.writer.close().await;
    // ...and one with no cipher suites is refused when the configuration is built.
    let mut empty = rustls::crypto::aws_lc_rs::default_provider();
    empty.cipher_suites.clear();
    let refused = TlsConfig::builder()
        .ca_pem(ca_of(&server))
        .crypto_provider(Arc::new(empty))
        .build()
        .unwrap_err();
    assert!(matches!(refused, TlsConfigError::Rustls(_)), "{refused}");
    server.stop().await;
}

#[tokio::test]
async fn ca_from_a_pem_file() {
    let server = tls_sim("127.0.0.1:0").await;
    let dir = std::env::temp_dir().join(format!("cql-tcp-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ca.pem");
    std::fs::write(&path, ca_of(&server)).unwrap();
    let config = TlsConfig::builder().ca_pem_file(&path).build().unwrap();
    let mut stream = TlsTransport::new(config)
        .connect(&server.local_addr().into())
        .await
        .unwrap();
    common::options(&mut stream).await;
    let _ = std::fs::remove_dir_all(&dir);
    server.stop().await;
}

#[tokio::test]
async fn unknown_ca_fails_naming_the_reason() {
    let server = tls_sim("127.0.0.1:0").await;
    let (other_ca, _, _) = common::ca_and_leaf(&["localhost"]);
    let transport = TlsTransport::new(TlsConfig::builder().ca_pem(other_ca).build().unwrap());
    let err = connect_err(&transport, &server.local_addr().into()).await;
    assert_eq!(err.kind, TransportErrorKind::Tls, "{err}");
    assert!(err.message.contains("unknown issuer"), "{err}");
    assert!(
        err.message.contains(&server.local_addr().to_string()),
        "{err}"
    );
    server.stop().await;
}

#[tokio::test]
async fn system_roots_do_not_trust_the_generated_ca() {
    let server = tls_sim("127.0.0.1:0").await;
    let config = match TlsConfig::builder().system_roots().build() {
        Ok(c) => c,
        // A machine without a CA bundle: the error says so.
        Err(TlsConfigError::SystemRoots(why)) => {
            eprintln!("no system roots here: {why}");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let err = connect_err(&TlsTransport::new(config), &server.local_addr().into()).await;
    assert_eq!(err.kind, TransportErrorKind::Tls, "{err}");
    assert!(err.message.contains("unknown issuer"), "{err}");
    server.stop().await;
}

/// The generated certificate names localhost, 127.0.0.1 and ::1; a node reached as
/// 127.0.0.2 (loopback too on Linux) presents a certificate that does not name it.
#[tokio::test]
async fn host_name_mismatch_fails_unless_explicitly_accepted() {
    let server = tls_sim("127.0.0.2:0").await;
    let addr: NodeAddr = server.local_addr().into();
    assert_eq!(addr.host, "127.0.0.2");

    let strict = TlsTransport::new(TlsConfig::builder().ca_pem(ca_of(&server)).build().unwrap());
    let err = connect_err(&strict, &addr).await;
    assert_eq!(err.kind, TransportErrorKind::Tls, "{err}");
    assert!(err.message.contains("host name mismatch"), "{err}");
    assert!(err.message.contains("127.0.0.2"), "{err}");

    let lax_config = TlsConfig::builder()
        .ca_pem(ca_of(&server))
        .danger_accept_invalid_hostnames()
        .build()
        .unwrap();
    assert!(!lax_config.verifies_hostnames());
    let lax = TlsTransport::new(lax_config);
    let mut stream = lax.connect(&addr).await.unwrap();
    common::options(&mut stream).await;
    server.stop().await;
}

#[tokio::test]
async fn accepting_any_host_name_still_verifies_the_chain() {
    let server = tls_sim("127.0.0.2:0").await;
    let (other_ca, _, _) = common::ca_and_leaf(&["localhost"]);
    let lax = TlsTransport::new(
        TlsConfig::builder()
            .ca_pem(other_ca)
            .danger_accept_invalid_hostnames()
            .build()
            .unwrap(),
    );
    let err = connect_err(&lax, &server.local_addr().into()).await;
    assert_eq!(err.kind, TransportErrorKind::Tls, "{err}");
    assert!(err.message.contains("unknown issuer"), "{err}");
    server.stop().await;
}

#[tokio::test]
async fn plain_node_is_a_tls_error() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let transport = TlsTransport::new(
        TlsConfig::builder()
            .ca_pem(common::ca_and_leaf(&[]).0)
            .build()
            .unwrap(),
    );
    let err = connect_err(&transport, &server.local_addr().into()).await;
    assert_eq!(err.kind, TransportErrorKind::Tls, "{err}");
    assert!(err.message.contains("client encryption"), "{err}");
    server.stop().await;
}

#[tokio::test]
async fn tcp_errors_pass_through() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let transport = TlsTransport::new(
        TlsConfig::builder()
            .ca_pem(common::ca_and_leaf(&[]).0)
            .build()
            .unwrap(),
    );
    let refused = connect_err(&transport, &NodeAddr::new("127.0.0.1", port)).await;
    assert_eq!(refused.kind, TransportErrorKind::Connect, "{refused}");
    let unresolved = connect_err(&transport, &NodeAddr::new("no-such-node.invalid", port)).await;
    assert_eq!(unresolved.kind, TransportErrorKind::Resolve, "{unresolved}");
    let bad_name = connect_err(&transport, &NodeAddr::new("bad name!", port)).await;
    assert_eq!(bad_name.kind, TransportErrorKind::Tls, "{bad_name}");
}

#[test]
fn builder_errors_name_what_is_wrong() {
    assert_eq!(
        TlsConfig::builder().build().unwrap_err(),
        TlsConfigError::NoTrustAnchors
    );
    let missing = TlsConfig::builder()
        .ca_pem_file("/no/such/ca.pem")
        .build()
        .unwrap_err();
    assert!(matches!(missing, TlsConfigError::Read { .. }), "{missing}");
    assert!(missing.to_string().contains("/no/such/ca.pem"), "{missing}");
    let empty = TlsConfig::builder()
        .ca_pem("not a pem")
        .build()
        .unwrap_err();
    assert!(matches!(empty, TlsConfigError::InvalidCa(_)), "{empty}");
    let (ca, cert, key) = common::ca_and_leaf(&["client"]);
    let bad_key = TlsConfig::builder()
        .ca_pem(&ca)
        .client_cert_pem(&cert, "no key here")
        .build()
        .unwrap_err();
    assert!(
        matches!(bad_key, TlsConfigError::InvalidClientCert(_)),
        "{bad_key}"
    );
    // A key that does not match the certificate.
    let (_, _, other_key) = common::ca_and_leaf(&["client"]);
    let mismatched = TlsConfig::builder()
        .ca_pem(&ca)
        .client_cert_pem(&cert, &other_key)
        .build()
        .unwrap_err();
    assert!(
        matches!(mismatched, TlsConfigError::InvalidClientCert(_)),
        "{mismatched}"
    );
    let ok = TlsConfig::builder()
        .ca_pem(&ca)
        .client_cert_pem(&cert, &key)
        .build()
        .unwrap();
    assert!(ok.has_client_cert());
}

/// A one-connection TLS echo server that requires a client certificate signed by
/// `client_ca`; returns its address.
async fn mtls_echo_server(server_cert: &str, server_key: &str, client_ca: &str) -> NodeAddr {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(client_ca.as_bytes()) {
        roots.add(c.unwrap()).unwrap();
    }
    let provider = cql_transport_tcp::default_crypto_provider();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(server_cert.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_slice(server_key.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().into();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let mut buf = [0u8; 64];
                    while let Ok(n) = tls.read(&mut buf).await {
                        if n == 0 || tls.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        let _ = tls.flush().await;
                    }
                }
            });
        }
    });
    addr
}

#[tokio::test]
async fn mutual_tls_presents_the_client_certificate() {
    let (server_ca, server_cert, server_key) = common::ca_and_leaf(&["127.0.0.1"]);
    let (client_ca, client_cert, client_key) = common::ca_and_leaf(&["cql-client"]);
    let addr = mtls_echo_server(&server_cert, &server_key, &client_ca).await;

    let dir = std::env::temp_dir().join(format!("cql-tcp-mtls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("client.pem"), &client_cert).unwrap();
    std::fs::write(dir.join("client.key"), &client_key).unwrap();
    let config = TlsConfig::builder()
        .ca_pem(&server_ca)
        .client_cert_pem_files(dir.join("client.pem"), dir.join("client.key"))
        .build()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(config.has_client_cert());
    let mut stream = TlsTransport::new(config).connect(&addr).await.unwrap();
    stream.writer.write_all(b"ping").await.unwrap();
    let mut buf = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        let n = stream.reader.read(&mut buf[got..]).await.unwrap();
        assert!(n > 0);
        got += n;
    }
    assert_eq!(&buf, b"ping");

    // Without a client certificate the node refuses (with TLS 1.3 the refusal arrives
    // after the client's side of the handshake, on the first read).
    let anonymous = TlsTransport::new(TlsConfig::builder().ca_pem(&server_ca).build().unwrap());
    let err = match anonymous.connect(&addr).await {
        Err(e) => e,
        Ok(mut stream) => {
            let _ = stream.writer.write_all(b"ping").await;
            let mut buf = [0u8; 4];
            stream.reader.read(&mut buf).await.unwrap_err()
        }
    };
    assert_eq!(err.kind, TransportErrorKind::Tls, "{err}");
    assert!(err.message.contains("client certificate"), "{err}");
}
