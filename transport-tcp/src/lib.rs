//! Native transport for `cql-core`: tokio TCP and rustls TLS byte streams, and the tokio
//! [`Runtime`](cql_core::runtime::Runtime).
//!
//! ```text
//!   TcpTransport   plain TCP (TCP_NODELAY, optional keepalive), tokio's resolver
//!   TlsTransport   rustls (aws-lc-rs) over TcpTransport: CA from PEM or the system store,
//!                  optional client certificate, host names verified by default
//!   TokioRuntime   spawn, sleep and clocks on tokio
//! ```
//!
//! The crate re-exports the whole protocol core (`cql_transport_tcp::message`,
//! `cql_transport_tcp::connection`, `cql_transport_tcp::session`, ...), so native users
//! depend on one crate. [`SessionBuilderExt`] opens a session in one call:
//! `SessionBuilder::new().contact_point("127.0.0.1:9042").connect().await?`.
//!
//! ```no_run
//! use cql_transport_tcp::runtime::{NodeAddr, Transport};
//! use cql_transport_tcp::{TlsConfig, TlsTransport};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let tls = TlsTransport::new(
//!     TlsConfig::builder()
//!         .ca_pem_file("ca.pem")
//!         .client_cert_pem_files("client.pem", "client.key")
//!         .build()?,
//! );
//! let stream = tls.connect(&NodeAddr::new("db1.example.com", 9042)).await?;
//! # drop(stream);
//! # Ok(())
//! # }
//! ```
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod connect;
mod stream;
mod tcp;
mod tls;
mod tokio_runtime;

pub use cql_core::*;
/// The rustls version the TLS transport is built on (for [`TlsConfig::from_rustls`]).
pub use rustls;

pub use connect::{SessionBuilderExt, TokioSession};
pub use tcp::{TcpTransport, resolve};
pub use tls::{TlsConfig, TlsConfigBuilder, TlsConfigError, TlsTransport, default_crypto_provider};
pub use tokio_runtime::TokioRuntime;
