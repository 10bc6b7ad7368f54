//! The Cassandra driver on tokio: the crate a native application adds. It opens sessions
//! over TCP or TLS (rustls) on tokio and re-exports the driver's API from `cql-core`, so
//! one dependency is enough.
//!
//! ```no_run
//! use cql_transport_tcp::{Session, SessionBuilder};
//!
//! # async fn demo() -> Result<(), cql_transport_tcp::Error> {
//! let session: Session = SessionBuilder::new()
//!     .contact_point("127.0.0.1:9042")
//!     .connect()
//!     .await?;
//! session
//!     .execute("INSERT INTO shop.users (id, name) VALUES (?, ?)", (42, "Ada"))
//!     .await?;
//! let user = session.prepare("SELECT name FROM shop.users WHERE id = ?").await?;
//! for row in session.execute(&user, (42,)).await?.rows() {
//!     let name: &str = row.get("name")?;
//!     println!("{name}");
//! }
//! # Ok(())
//! # }
//! ```
//!
//! ```text
//!   SessionBuilder  the session builder on tokio: plain TCP unless given another transport
//!   TcpTransport    plain TCP (TCP_NODELAY, optional keepalive), tokio's resolver
//!   TlsTransport    rustls (aws-lc-rs) over TcpTransport: CA from PEM or the system store,
//!                   optional client certificate, host names verified by default
//!   TokioRuntime    spawn, sleep and clocks on tokio
//! ```
//!
//! The root re-exports `cql-core`'s root (sessions, statements, results, values, errors)
//! and its modules for the rest (`session`, `types`, `policies`, `cluster`, `message`,
//! `runtime`, `frame`); `cql-core`'s other modules are the driver's insides.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod platform;
mod stream;
mod tcp;
pub mod timeuuid;
mod tls;
mod tokio_runtime;

// The driver's API, as `cql-core` exports it.
pub use cql_core::{
    Batch, BatchType, ColumnType, Compression, Consistency, CqlDate, CqlDecimal, CqlDuration,
    CqlTime, CqlTimestamp, CqlValue, CqlVarint, DbError, DeserializeRow, DeserializeValue, Error,
    ExecutionProfile, MaybeUnset, NodeAddr, PagingState, PreparedStatement, ProtocolVersion,
    QueryResult, Row, RowStream, SerializeRow, SerializeValue, ServerError, Session, SessionConfig,
    Statement, TypedRowStream, Unset,
};
pub use cql_core::{cluster, frame, graph, mapper, message, policies, runtime, session, types};
/// The rustls version the TLS transport is built on (for [`TlsConfig::from_rustls`]).
pub use rustls;

pub use platform::{SessionBuilder, TokioTcp};
pub use tcp::{TcpTransport, resolve};
pub use tls::{TlsConfig, TlsConfigBuilder, TlsConfigError, TlsTransport, default_crypto_provider};
pub use tokio_runtime::TokioRuntime;
