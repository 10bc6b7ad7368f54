//! Native transport for `cql-core`: tokio TCP and rustls TLS byte streams, and the tokio
//! [`Runtime`](cql_core::runtime::Runtime).
//!
//! ```text
//!   TcpTransport   plain TCP (TCP_NODELAY, optional keepalive), tokio's resolver
//!   TlsTransport   rustls (ring) over TcpTransport: CA from PEM or the system store,
//!                  optional client certificate, host names verified by default
//!   TokioRuntime   spawn, sleep and clocks on tokio
//! ```
//!
//! The crate re-exports the whole protocol core (`cql_transport_tcp::message`,
//! `cql_transport_tcp::connection`, ...), so native users depend on one crate. The
//! driver's session lands here in a later milestone.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod stream;
mod tcp;
mod tls;
mod tokio_runtime;

pub use cql_core::*;
/// The rustls version the TLS transport is built on (for [`TlsConfig::from_rustls`]).
pub use rustls;

pub use tcp::{TcpTransport, resolve};
pub use tls::{TlsConfig, TlsConfigBuilder, TlsConfigError, TlsTransport};
pub use tokio_runtime::TokioRuntime;
