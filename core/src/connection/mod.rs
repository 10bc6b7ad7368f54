//! Layer 4: one connection to one node — handshake, version negotiation, authentication,
//! stream-id multiplexing, heartbeats and events.
//!
//! [`state`] is the sans-IO machine (bytes and the time go in; bytes to send, responses,
//! events and the next deadline come out); [`Connection`] runs it over a
//! [`Transport`](crate::runtime::Transport) stream on a [`Runtime`](crate::runtime::Runtime).

pub mod auth;
mod config;
mod error;
mod handle;
mod replies;
pub mod state;
pub mod streams;
pub mod version;

pub use auth::{AuthSession, Authenticator, PlainTextAuthenticator};
pub use config::{ConnectionConfig, RequestOptions};
pub use error::ConnectionError;
pub use handle::{Connection, EventStream};
pub use state::{ConnectionState, Output, Phase, SubmitError};
