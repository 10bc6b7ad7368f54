//! [`ConnectionError`]: why a connection could not be opened or a request on it failed.

use alloc::string::String;
use core::time::Duration;

use crate::message::ErrorResponse;
use crate::runtime::TransportError;

/// Why a connection could not be opened or a request on it failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// Opening, reading or writing the byte stream failed.
    #[error("transport error: {0}")]
    Transport(#[from] TransportError),
    /// The node answered the handshake with an error (other than a version refusal).
    #[error("handshake refused by the node: {}", .0.message)]
    Handshake(ErrorResponse),
    /// Authentication failed or was required without credentials.
    #[error("authentication failed: {0}")]
    Authentication(String),
    /// No protocol version both sides speak.
    #[error("no common protocol version: {0}")]
    UnsupportedVersion(String),
    /// The node broke the protocol (undecodable frame, unexpected message).
    #[error("protocol violation: {0}")]
    Protocol(String),
    /// No answer within the client-side timeout.
    #[error("no response within {0:?}")]
    Timeout(Duration),
    /// The connection is closed (or closed while the request was in flight).
    #[error("connection closed: {0}")]
    Closed(String),
    /// The compression asked for cannot be used: the node does not offer it, this build
    /// lacks it, or the protocol version cannot carry it.
    #[error("compression unavailable: {0}")]
    Compression(String),
    /// The request cannot be encoded for the connection's protocol version (a field the
    /// version cannot carry, a value too long for its length prefix).
    #[error("request cannot be sent: {0}")]
    InvalidRequest(String),
}
