//! TLS for `wss`: a certificate chain and key from PEM files, or a CA and a certificate
//! for `localhost`/`127.0.0.1`/`::1` generated at start (for tests and local use; clients
//! trust the CA's PEM).

use std::path::PathBuf;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Where the bridge's `wss` certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerTls {
    /// A certificate chain (server certificate first) and its private key, as PEM files.
    Files {
        /// The certificate chain file.
        cert: PathBuf,
        /// The private key file (PKCS#8, PKCS#1 or SEC1).
        key: PathBuf,
    },
    /// A CA and a certificate it signs for `localhost`, `127.0.0.1` and `::1`, generated
    /// at start; the CA's PEM is [`BridgeHandle::ca_pem`](super::BridgeHandle::ca_pem).
    Generated,
}

/// Builds the acceptor, and for a generated certificate the CA's PEM.
pub(crate) fn acceptor(tls: &ServerTls) -> Result<(TlsAcceptor, Option<String>), String> {
    let (chain, key, ca_pem) = match tls {
        ServerTls::Files { cert, key } => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("cannot read certificate {}: {e}", cert.display()))?;
            if chain.is_empty() {
                return Err(format!("no certificate in {}", cert.display()));
            }
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("cannot read private key {}: {e}", key.display()))?;
            (chain, key, None)
        }
        ServerTls::Generated => {
            let (chain, key, ca) =
                generate().map_err(|e| format!("cannot generate the TLS certificate: {e}"))?;
            (chain, key, Some(ca))
        }
    };
    let config = ServerConfig::builder_with_provider(cql_transport_tcp::default_crypto_provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("TLS certificate rejected: {e}"))?;
    Ok((TlsAcceptor::from(Arc::new(config)), ca_pem))
}

type Generated = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>, String);

fn generate() -> Result<Generated, rcgen::Error> {
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.distinguished_name
        .push(DnType::CommonName, "cql-bridge local CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = ca.self_signed(&ca_key)?;
    let key = KeyPair::generate()?;
    let names = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    let mut leaf = CertificateParams::new(names)?;
    leaf.distinguished_name
        .push(DnType::CommonName, "cql-bridge");
    let leaf = leaf.signed_by(&key, &ca, &ca_key)?;
    let der = PrivateKeyDer::Pkcs8(key.serialize_der().into());
    Ok((vec![leaf.der().clone()], der, ca.pem()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_and_missing() {
        let (_, ca) = acceptor(&ServerTls::Generated).unwrap();
        assert!(ca.unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
        let e = acceptor(&ServerTls::Files {
            cert: "/nonexistent/c.pem".into(),
            key: "/nonexistent/k.pem".into(),
        })
        .err()
        .unwrap();
        assert!(e.contains("cannot read certificate"), "{e}");
    }
}
