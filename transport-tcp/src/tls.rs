//! TLS on rustls: [`TlsConfig`] built with [`TlsConfigBuilder`], and [`TlsTransport`],
//! which opens TCP through a [`TcpTransport`] and runs the handshake. The cryptography is
//! [`default_crypto_provider`] unless the builder is given another.
//!
//! Certificates and host names are verified by default: the node's certificate must chain
//! to a trusted CA and name the host the driver connected to (its DNS name or IP address,
//! which is also sent as SNI for DNS names). Turning the host-name check off takes an
//! explicitly named call, [`TlsConfigBuilder::danger_accept_invalid_hostnames`]; the chain
//! is always verified.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cql_core::runtime::{
    BoxFuture, NodeAddr, Stream, Transport, TransportError, TransportErrorKind,
};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use tokio_rustls::TlsConnector;

use crate::stream::{IoReader, IoWriter};
use crate::tcp::{TcpTransport, peer_name};

/// Why a [`TlsConfig`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsConfigError {
    /// No CA was configured (call `ca_pem_file`, `ca_pem` or `system_roots`).
    NoTrustAnchors,
    /// A PEM file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        message: String,
    },
    /// A CA certificate source is invalid or holds no certificate.
    InvalidCa(String),
    /// The system trust store could not be loaded or held no usable certificate.
    SystemRoots(String),
    /// The client certificate chain or its private key is invalid.
    InvalidClientCert(String),
    /// rustls refused the configuration.
    Rustls(String),
}

impl fmt::Display for TlsConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoTrustAnchors => f.write_str(
                "no trusted CA configured: call ca_pem_file(), ca_pem() or system_roots()",
            ),
            Self::Read { path, message } => {
                write!(f, "cannot read {}: {message}", path.display())
            }
            Self::InvalidCa(m) => write!(f, "invalid CA certificate: {m}"),
            Self::SystemRoots(m) => write!(f, "cannot use the system trust store: {m}"),
            Self::InvalidClientCert(m) => write!(f, "invalid client certificate: {m}"),
            Self::Rustls(m) => write!(f, "TLS configuration refused: {m}"),
        }
    }
}

impl std::error::Error for TlsConfigError {}

/// Where the trusted CA certificates come from.
#[derive(Debug, Clone)]
enum CaSource {
    PemFile(PathBuf),
    Pem(Vec<u8>),
    System,
}

/// Where the client certificate and key (mutual TLS) come from.
#[derive(Debug, Clone)]
enum ClientIdentity {
    PemFiles { cert: PathBuf, key: PathBuf },
    Pem { cert: Vec<u8>, key: Vec<u8> },
}

/// The rustls crypto provider TLS uses unless one is given: the process default when
/// the application installed one ([`CryptoProvider::install_default`]), otherwise
/// aws-lc-rs, rustls's default provider (with the post-quantum hybrid key exchange
/// X25519MLKEM768 preferred).
pub fn default_crypto_provider() -> Arc<CryptoProvider> {
    CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

/// Builds a [`TlsConfig`]: trusted CAs (at least one source), an optional client
/// certificate, and host-name verification (on unless switched off explicitly).
#[derive(Debug, Clone)]
pub struct TlsConfigBuilder {
    cas: Vec<CaSource>,
    identity: Option<ClientIdentity>,
    verify_hostnames: bool,
    provider: Option<Arc<CryptoProvider>>,
}

impl TlsConfigBuilder {
    /// Trusts the CA certificates in the PEM file at `path` (a bundle may hold several).
    #[must_use]
    pub fn ca_pem_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.cas.push(CaSource::PemFile(path.into()));
        self
    }

    /// Trusts the CA certificates in `pem` (one or more `CERTIFICATE` blocks).
    #[must_use]
    pub fn ca_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.cas.push(CaSource::Pem(pem.as_ref().to_vec()));
        self
    }

    /// Trusts the operating system's CA store (on Linux the distribution's bundle;
    /// `SSL_CERT_FILE` / `SSL_CERT_DIR` override it).
    #[must_use]
    pub fn system_roots(mut self) -> Self {
        self.cas.push(CaSource::System);
        self
    }

    /// Presents the client certificate chain in the PEM file `cert` (leaf first) with the
    /// private key in the PEM file `key` (PKCS#8, PKCS#1 or SEC1), for nodes that require
    /// client authentication.
    #[must_use]
    pub fn client_cert_pem_files(
        mut self,
        cert: impl Into<PathBuf>,
        key: impl Into<PathBuf>,
    ) -> Self {
        self.identity = Some(ClientIdentity::PemFiles {
            cert: cert.into(),
            key: key.into(),
        });
        self
    }

    /// Like [`client_cert_pem_files`](Self::client_cert_pem_files) with the PEM given as
    /// bytes.
    #[must_use]
    pub fn client_cert_pem(mut self, cert: impl AsRef<[u8]>, key: impl AsRef<[u8]>) -> Self {
        self.identity = Some(ClientIdentity::Pem {
            cert: cert.as_ref().to_vec(),
            key: key.as_ref().to_vec(),
        });
        self
    }

    /// Uses `provider` for the cryptography (a FIPS build, another library) instead of
    /// [`default_crypto_provider`].
    #[must_use]
    pub fn crypto_provider(mut self, provider: Arc<CryptoProvider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// **Dangerous**: accepts a node certificate that does not name the host connected to.
    /// The certificate must still chain to a trusted CA, but anyone holding any
    /// certificate from that CA can impersonate the node. For clusters whose certificates
    /// carry no usable names; prefer fixing the certificates.
    #[must_use]
    pub fn danger_accept_invalid_hostnames(mut self) -> Self {
        self.verify_hostnames = false;
        self
    }

    /// Loads the certificates and builds the configuration.
    ///
    /// # Errors
    /// [`TlsConfigError`] naming the file or certificate at fault.
    pub fn build(self) -> Result<TlsConfig, TlsConfigError> {
        if self.cas.is_empty() {
            return Err(TlsConfigError::NoTrustAnchors);
        }
        let mut roots = RootCertStore::empty();
        for source in &self.cas {
            add_cas(&mut roots, source)?;
        }
        let provider = self
            .provider
            .clone()
            .unwrap_or_else(default_crypto_provider);
        let rustls_err = |e: rustls::Error| TlsConfigError::Rustls(e.to_string());
        let versions = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(rustls_err)?;
        let verified = if self.verify_hostnames {
            versions.with_root_certificates(roots)
        } else {
            let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| TlsConfigError::InvalidCa(e.to_string()))?;
            versions
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyHostname(inner)))
        };
        let client = match &self.identity {
            None => verified.with_no_client_auth(),
            Some(identity) => {
                let (chain, key) = load_identity(identity)?;
                verified
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| TlsConfigError::InvalidClientCert(e.to_string()))?
            }
        };
        Ok(TlsConfig {
            client: Arc::new(client),
            verify_hostnames: self.verify_hostnames,
            client_auth: self.identity.is_some(),
        })
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, TlsConfigError> {
    std::fs::read(path).map_err(|e| TlsConfigError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn add_cas(roots: &mut RootCertStore, source: &CaSource) -> Result<(), TlsConfigError> {
    let (pem, origin) = match source {
        CaSource::System => return add_system_roots(roots),
        CaSource::PemFile(path) => (read_file(path)?, path.display().to_string()),
        CaSource::Pem(pem) => (pem.clone(), "the PEM given".to_string()),
    };
    let mut count = 0usize;
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| TlsConfigError::InvalidCa(format!("{origin}: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| TlsConfigError::InvalidCa(format!("{origin}: {e}")))?;
        count += 1;
    }
    if count == 0 {
        return Err(TlsConfigError::InvalidCa(format!(
            "no CERTIFICATE block in {origin}"
        )));
    }
    Ok(())
}

fn add_system_roots(roots: &mut RootCertStore) -> Result<(), TlsConfigError> {
    let loaded = rustls_native_certs::load_native_certs();
    let (added, _ignored) = roots.add_parsable_certificates(loaded.certs);
    if added == 0 {
        let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
        let why = if errors.is_empty() {
            "no certificate found".to_string()
        } else {
            errors.join("; ")
        };
        return Err(TlsConfigError::SystemRoots(why));
    }
    Ok(())
}

fn load_identity(
    identity: &ClientIdentity,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsConfigError> {
    let (cert_pem, key_pem, cert_origin, key_origin) = match identity {
        ClientIdentity::PemFiles { cert, key } => (
            read_file(cert)?,
            read_file(key)?,
            cert.display().to_string(),
            key.display().to_string(),
        ),
        ClientIdentity::Pem { cert, key } => (
            cert.clone(),
            key.clone(),
            "the certificate PEM given".to_string(),
            "the key PEM given".to_string(),
        ),
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| TlsConfigError::InvalidClientCert(format!("{cert_origin}: {e}")))?;
    if chain.is_empty() {
        return Err(TlsConfigError::InvalidClientCert(format!(
            "no CERTIFICATE block in {cert_origin}"
        )));
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| TlsConfigError::InvalidClientCert(format!("{key_origin}: {e}")))?;
    Ok((chain, key))
}

/// A ready TLS client configuration (cheap to clone).
#[derive(Clone)]
pub struct TlsConfig {
    client: Arc<ClientConfig>,
    verify_hostnames: bool,
    client_auth: bool,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("verify_hostnames", &self.verify_hostnames)
            .field("client_auth", &self.client_auth)
            .finish_non_exhaustive()
    }
}

impl TlsConfig {
    /// A builder with no CA, no client certificate and host-name verification on.
    pub fn builder() -> TlsConfigBuilder {
        TlsConfigBuilder {
            cas: Vec::new(),
            identity: None,
            verify_hostnames: true,
            provider: None,
        }
    }

    /// Wraps a rustls configuration built by hand (custom verifiers, ALPN, other crypto
    /// providers). What it verifies is then up to it. Its session cache is shared by every
    /// connection made with it, as with a built configuration.
    pub fn from_rustls(client: Arc<ClientConfig>) -> Self {
        Self {
            client,
            verify_hostnames: true,
            client_auth: false,
        }
    }

    /// The rustls configuration used for handshakes.
    pub fn rustls_config(&self) -> &Arc<ClientConfig> {
        &self.client
    }

    /// Whether node certificates must name the host connected to (false only after
    /// [`TlsConfigBuilder::danger_accept_invalid_hostnames`]; a configuration from
    /// [`from_rustls`](Self::from_rustls) reports `true`, whatever its verifier does).
    pub fn verifies_hostnames(&self) -> bool {
        self.verify_hostnames
    }

    /// Whether a client certificate is presented (mutual TLS).
    pub fn has_client_cert(&self) -> bool {
        self.client_auth
    }
}

/// Verifies the chain like rustls' WebPKI verifier and ignores only a name mismatch
/// (which WebPKI checks last, after the chain, validity and revocation).
#[derive(Debug)]
struct AnyHostname(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyHostname {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// Opens TLS streams: TCP through a [`TcpTransport`], then the rustls handshake with the
/// node's host name as SNI (DNS names only) and as the name to verify.
#[derive(Debug, Clone)]
pub struct TlsTransport {
    tcp: TcpTransport,
    config: TlsConfig,
}

impl TlsTransport {
    /// A TLS transport over a default [`TcpTransport`].
    pub fn new(config: TlsConfig) -> Self {
        Self {
            tcp: TcpTransport::default(),
            config,
        }
    }

    /// Uses `tcp` (its socket options) for the TCP part.
    #[must_use]
    pub fn with_tcp(mut self, tcp: TcpTransport) -> Self {
        self.tcp = tcp;
        self
    }

    /// The TLS configuration.
    pub fn config(&self) -> &TlsConfig {
        &self.config
    }

    /// Connects and runs the handshake, returning the TLS stream itself.
    ///
    /// # Errors
    /// As [`TcpTransport::connect_socket`], and [`Tls`](TransportErrorKind::Tls) when
    /// the handshake fails (the reason named: unknown issuer, host name mismatch, expired
    /// certificate, an alert from the node, a node not speaking TLS...).
    pub async fn connect_tls(
        &self,
        addr: &NodeAddr,
    ) -> Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>, TransportError> {
        let host = addr
            .host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(&addr.host);
        let name = ServerName::try_from(host.to_string()).map_err(|_| {
            TransportError::new(
                TransportErrorKind::Tls,
                format!("`{host}` is not a valid TLS server name (a DNS name or an IP address)"),
            )
        })?;
        let tcp = self.tcp.connect_socket(addr).await?;
        let peer = peer_name(&tcp, addr);
        TlsConnector::from(self.config.client.clone())
            .connect(name, tcp)
            .await
            .map_err(|e| handshake_error(&e, &peer))
    }
}

impl Transport for TlsTransport {
    fn connect<'a>(&'a self, addr: &'a NodeAddr) -> BoxFuture<'a, Result<Stream, TransportError>> {
        Box::pin(async move {
            let tls = self.connect_tls(addr).await?;
            let peer = peer_name(tls.get_ref().0, addr);
            let (read, write) = tokio::io::split(tls);
            Ok(Stream {
                reader: Box::new(IoReader::new(read, peer.clone())),
                writer: Box::new(IoWriter::new(write, peer)),
            })
        })
    }
}

/// The [`TransportError`] for a failed handshake with `peer`.
fn handshake_error(e: &io::Error, peer: &str) -> TransportError {
    let tls = |why: String| {
        TransportError::new(
            TransportErrorKind::Tls,
            format!("TLS handshake with {peer} failed: {why}"),
        )
    };
    if let Some(r) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return tls(describe_tls_error(r));
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => tls(format!(
            "the node closed the connection ({e}); is client encryption enabled on the node?"
        )),
        _ => TransportError::new(
            TransportErrorKind::Io,
            format!("I/O error during the TLS handshake with {peer}: {e}"),
        ),
    }
}

/// A rustls error in words a user can act on, keeping rustls' own detail.
pub(crate) fn describe_tls_error(e: &rustls::Error) -> String {
    use rustls::AlertDescription as Alert;
    match e {
        rustls::Error::InvalidCertificate(c) => {
            let reason = match c {
                CertificateError::UnknownIssuer => {
                    "unknown issuer: the node's certificate is not signed by a trusted CA"
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => {
                    "host name mismatch: the node's certificate does not name the host connected to"
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    "the node's certificate has expired"
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    "the node's certificate is not valid yet"
                }
                CertificateError::Revoked => "the node's certificate is revoked",
                CertificateError::BadSignature => "the node's certificate has a bad signature",
                _ => "the node's certificate is invalid",
            };
            format!("{reason} ({e})")
        }
        rustls::Error::AlertReceived(alert) => {
            let hint = match alert {
                Alert::CertificateRequired | Alert::BadCertificate | Alert::UnknownCA => {
                    "; does the node require a client certificate it trusts?"
                }
                Alert::HandshakeFailure | Alert::ProtocolVersion => {
                    "; no TLS version or cipher suite in common?"
                }
                _ => "",
            };
            format!("the node sent the TLS alert {alert:?}{hint}")
        }
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => format!(
            "the node did not answer with TLS ({e}); is client encryption enabled on the node?"
        ),
        other => other.to_string(),
    }
}
