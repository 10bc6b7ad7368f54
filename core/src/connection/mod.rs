//! Layer 4: one connection to one node — handshake, version negotiation, authentication,
//! stream-id multiplexing, heartbeats and events.
//!
//! [`state`] is the sans-IO machine (bytes and the time go in; bytes to send, responses,
//! events and the next deadline come out); [`Connection`] runs it over a
//! [`Transport`](crate::runtime::Transport) stream on a [`Runtime`](crate::runtime::Runtime).

pub mod auth;
mod handle;
pub mod state;

pub use auth::{AuthSession, Authenticator, PlainTextAuthenticator};
pub use handle::{Connection, ConnectionConfig, ConnectionError, EventStream, RequestOptions};
