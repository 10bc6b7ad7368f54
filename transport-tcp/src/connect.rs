//! One-call sessions on tokio: [`SessionBuilderExt`] adds `connect` (plain TCP) and
//! `connect_tls` to [`SessionBuilder`], both on [`TokioRuntime`].

use std::future::Future;

use cql_core::session::{Error, Session, SessionBuilder};

use crate::tcp::TcpTransport;
use crate::tls::{TlsConfig, TlsTransport};
use crate::tokio_runtime::TokioRuntime;

/// A session on tokio (what [`SessionBuilderExt::connect`] returns).
pub type TokioSession = Session<TokioRuntime>;

/// Opens a [`SessionBuilder`]'s session on tokio without naming a transport or runtime.
///
/// `connect` uses plain TCP ([`TcpTransport`]), `connect_tls` rustls ([`TlsTransport`]);
/// both run on the tokio runtime current at the call ([`TokioRuntime::new`]). For any
/// other combination call [`SessionBuilder::build`] with the transport and runtime.
///
/// ```no_run
/// use cql_transport_tcp::session::SessionBuilder;
/// use cql_transport_tcp::{SessionBuilderExt, TlsConfig};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// // Plain TCP.
/// let session = SessionBuilder::new()
///     .contact_point("127.0.0.1:9042")
///     .connect()
///     .await?;
/// let rows = session
///     .query("SELECT release_version FROM system.local", ())
///     .await?;
/// println!("{:?}", rows.first_row());
///
/// // TLS, with the node's CA and a password.
/// let tls = TlsConfig::builder().ca_pem_file("ca.pem").build()?;
/// let secure = SessionBuilder::new()
///     .contact_point("db1.example.com:9142")
///     .credentials("app", "secret")
///     .connect_tls(tls)
///     .await?;
/// # drop((session, secure));
/// # Ok(())
/// # }
/// ```
pub trait SessionBuilderExt: Sized {
    /// Connects over plain TCP on the current tokio runtime.
    ///
    /// # Errors
    /// As [`SessionBuilder::build`]: a bad configuration, or no contact point reachable.
    fn connect(self) -> impl Future<Output = Result<TokioSession, Error>> + Send;

    /// Connects over TLS with `tls` on the current tokio runtime.
    ///
    /// # Errors
    /// As [`connect`](Self::connect); TLS handshake failures name the host.
    fn connect_tls(
        self,
        tls: TlsConfig,
    ) -> impl Future<Output = Result<TokioSession, Error>> + Send;
}

impl SessionBuilderExt for SessionBuilder {
    fn connect(self) -> impl Future<Output = Result<TokioSession, Error>> + Send {
        self.build(TcpTransport::new(), TokioRuntime::new())
    }

    fn connect_tls(
        self,
        tls: TlsConfig,
    ) -> impl Future<Output = Result<TokioSession, Error>> + Send {
        self.build(TlsTransport::new(tls), TokioRuntime::new())
    }
}
