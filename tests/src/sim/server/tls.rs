//! TLS for the simulated node: rustls (ring provider) with a certificate generated when
//! the node starts, or one loaded from PEM files.
//!
//! The generated material is a small CA and a server certificate it signs for
//! `localhost` and `127.0.0.1` (and `::1`); clients trust the CA's PEM
//! ([`TlsInfo::ca_pem`]). A separate CA is used because rustls/webpki refuse a
//! self-signed end-entity certificate as its own trust anchor.

use std::path::PathBuf;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Where the node's TLS certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerCertificate {
    /// Generate a CA and a certificate for `localhost`/`127.0.0.1` at start.
    Generated,
    /// Load a certificate chain and its private key from PEM files.
    Files {
        /// PEM file with the certificate chain (server certificate first).
        cert: PathBuf,
        /// PEM file with the private key (PKCS#8, PKCS#1 or SEC1).
        key: PathBuf,
    },
    /// A certificate chain and its private key given as PEM text (the nodes of a
    /// simulated cluster share one, see [`generate_pem`]).
    Pem {
        /// The certificate chain (server certificate first).
        cert: String,
        /// The private key.
        key: String,
    },
}

/// A CA and a server certificate it signs, as PEM text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedPem {
    /// The CA certificate clients trust.
    pub ca_pem: String,
    /// The server certificate followed by the CA certificate.
    pub chain_pem: String,
    /// The server's private key (PKCS#8).
    pub key_pem: String,
}

/// Generates a CA and a certificate it signs for `names` (host names and IP addresses),
/// to share between servers with [`ServerCertificate::Pem`].
///
/// # Errors
/// Certificate generation failures, as a message.
pub fn generate_pem(names: &[String]) -> Result<GeneratedPem, String> {
    let (ca, cert, key) = generate_for(names)?;
    Ok(GeneratedPem {
        chain_pem: format!("{}{}", cert.pem(), ca.pem()),
        ca_pem: ca.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// The certificates a TLS-enabled node presents, as PEM, for clients to trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsInfo {
    /// The PEM of the certificate to trust: the generated CA, or for loaded files the last
    /// certificate of the chain.
    pub ca_pem: String,
    /// The PEM of the server certificate chain.
    pub cert_pem: String,
}

/// A ready TLS acceptor and what clients need to trust it.
#[derive(Clone)]
pub struct TlsSetup {
    /// Accepts TLS connections.
    pub acceptor: TlsAcceptor,
    /// The certificates, as PEM.
    pub info: TlsInfo,
}

impl core::fmt::Debug for TlsSetup {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TlsSetup")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// Builds the acceptor for `config`.
///
/// # Errors
/// Unreadable or invalid PEM files, or certificate generation failures, as a message.
pub fn setup(config: &ServerCertificate) -> Result<TlsSetup, String> {
    let (chain, key, info) = match config {
        ServerCertificate::Generated => generate()?,
        ServerCertificate::Files { cert, key } => load(cert, key)?,
        ServerCertificate::Pem { cert, key } => from_pem(cert, key)?,
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let server = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("TLS certificate rejected: {e}"))?;
    Ok(TlsSetup {
        acceptor: TlsAcceptor::from(Arc::new(server)),
        info,
    })
}

type Material = (
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
    TlsInfo,
);

fn generate() -> Result<Material, String> {
    let names = ["localhost", "127.0.0.1", "::1"].map(str::to_string);
    let (ca, cert, key) = generate_for(&names)?;
    let info = TlsInfo {
        ca_pem: ca.pem(),
        cert_pem: cert.pem(),
    };
    let chain = vec![cert.der().clone()];
    let key = PrivateKeyDer::try_from(key.serialize_der()).map_err(|e| e.to_string())?;
    Ok((chain, key, info))
}

/// A CA, a certificate it signs for `names`, and the certificate's key.
fn generate_for(
    names: &[String],
) -> Result<(rcgen::Certificate, rcgen::Certificate, KeyPair), String> {
    let err = |e: rcgen::Error| format!("cannot generate the TLS certificate: {e}");
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "cql-sim test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = ca_params.self_signed(&ca_key).map_err(err)?;

    let key = KeyPair::generate().map_err(err)?;
    let mut params = CertificateParams::new(names.to_vec()).map_err(err)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "cql-sim");
    let cert = params.signed_by(&key, &ca, &ca_key).map_err(err)?;
    Ok((ca, cert, key))
}

fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Material, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("invalid certificate PEM: {e}"))?;
    if chain.is_empty() {
        return Err("no certificate in the PEM text".to_string());
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| format!("invalid private key PEM: {e}"))?;
    let last = chain
        .last()
        .map(|c| pem_of("CERTIFICATE", c.as_ref()))
        .unwrap_or_default();
    Ok((
        chain,
        key,
        TlsInfo {
            ca_pem: last,
            cert_pem: cert_pem.to_string(),
        },
    ))
}

fn load(cert: &PathBuf, key: &PathBuf) -> Result<Material, String> {
    let cert_pem = std::fs::read_to_string(cert)
        .map_err(|e| format!("cannot read certificate {}: {e}", cert.display()))?;
    let key_pem = std::fs::read_to_string(key)
        .map_err(|e| format!("cannot read private key {}: {e}", key.display()))?;
    from_pem(&cert_pem, &key_pem).map_err(|e| {
        format!(
            "{e} (certificate {}, key {})",
            cert.display(),
            key.display()
        )
    })
}

/// Wraps DER bytes in a PEM block.
fn pem_of(label: &str, der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::with_capacity(der.len() * 4 / 3 + 4);
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = ((n >> (18 - 6 * i)) & 63) as usize;
                b64.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'A')));
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(core::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A TLS session's protocol and cipher suite as Java names them (`TLSv1.3`,
/// `TLS_AES_256_GCM_SHA384`), for `system_views.clients`.
pub fn session_names(session: &rustls::ServerConnection) -> (String, String) {
    let protocol = match session.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    };
    let suite = session
        .negotiated_cipher_suite()
        .map(|s| format!("{:?}", s.suite()).replace("TLS13_", "TLS_"))
        .unwrap_or_default();
    (protocol, suite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_material_is_pem_and_loads_back() {
        let setup = setup(&ServerCertificate::Generated).unwrap();
        assert!(setup.info.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(
            setup
                .info
                .cert_pem
                .starts_with("-----BEGIN CERTIFICATE-----")
        );
        let ca = CertificateDer::from_pem_slice(setup.info.ca_pem.as_bytes()).unwrap();
        assert_eq!(
            pem_of("CERTIFICATE", ca.as_ref()).trim(),
            setup.info.ca_pem.trim()
        );
    }

    #[test]
    fn shared_pem_material_sets_up_with_its_ca_last() {
        let g = generate_pem(&["127.0.0.2".to_string()]).unwrap();
        let s = setup(&ServerCertificate::Pem {
            cert: g.chain_pem.clone(),
            key: g.key_pem.clone(),
        })
        .unwrap();
        assert_eq!(s.info.ca_pem.trim(), g.ca_pem.trim());
        assert!(
            setup(&ServerCertificate::Pem {
                cert: String::new(),
                key: g.key_pem
            })
            .is_err()
        );
    }

    #[test]
    fn missing_files_are_reported() {
        let e = setup(&ServerCertificate::Files {
            cert: "/nonexistent/cert.pem".into(),
            key: "/nonexistent/key.pem".into(),
        })
        .unwrap_err();
        assert!(e.contains("cannot read certificate"), "{e}");
    }
}
