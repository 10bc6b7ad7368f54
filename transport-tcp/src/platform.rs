//! [`SessionBuilder`]: the session builder on tokio and TCP — this crate's default
//! [`Platform`], so `SessionBuilder::new().contact_point(..).connect().await?` needs
//! nothing more. TLS, a WebSocket tunnel or your own transport: give it with
//! [`transport`](cql_core::session::SessionBuilderOn::transport).

use cql_core::runtime::{DefaultPlatform, Platform};
use cql_core::session::SessionBuilderOn;

use crate::tcp::TcpTransport;
use crate::tokio_runtime::TokioRuntime;

/// The default platform of [`SessionBuilder`]: plain TCP ([`TcpTransport`]) on the tokio
/// runtime current where the session is built ([`TokioRuntime::new`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTcp;

impl DefaultPlatform for TokioTcp {
    fn platform() -> Option<Platform> {
        Some(Platform::new(TcpTransport::new(), TokioRuntime::new()))
    }
}

/// Builds a session on tokio: plain TCP unless given another transport.
///
/// ```no_run
/// use cql_transport_tcp::{Session, SessionBuilder, TlsConfig, TlsTransport};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// // Plain TCP.
/// let session: Session = SessionBuilder::new()
///     .contact_point("127.0.0.1:9042")
///     .connect()
///     .await?;
/// let rows = session
///     .execute("SELECT release_version FROM system.local", ())
///     .await?;
/// println!("{:?}", rows.first_row());
///
/// // TLS, with the node's CA and a password.
/// let tls = TlsConfig::builder().ca_pem_file("ca.pem").build()?;
/// let secure = SessionBuilder::new()
///     .contact_point("db1.example.com:9142")
///     .credentials("app", "secret")
///     .transport(TlsTransport::new(tls))
///     .connect()
///     .await?;
/// # drop((session, secure));
/// # Ok(())
/// # }
/// ```
pub type SessionBuilder = SessionBuilderOn<TokioTcp>;
