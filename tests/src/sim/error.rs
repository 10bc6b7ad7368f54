//! The error a simulated node answers with: a protocol error code with its fields and a
//! message worded as Cassandra words it.

use core::fmt;

use bytes::Bytes;
use cql_core::message::{DbError, ErrorResponse};

use crate::cql::{ErrorKind, ParseError};

/// A request failed: what goes back to the client as an ERROR message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CqlError {
    /// The error code and its extra fields.
    pub error: DbError,
    /// The human-readable message.
    pub message: String,
}

impl CqlError {
    /// An error with the given code and message.
    pub fn new(error: DbError, message: impl Into<String>) -> Self {
        Self {
            error,
            message: message.into(),
        }
    }

    /// `Invalid` (0x2200): the request is well-formed but invalid (InvalidRequestException).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(DbError::Invalid, message)
    }

    /// `SyntaxError` (0x2000).
    pub fn syntax(message: impl Into<String>) -> Self {
        Self::new(DbError::SyntaxError, message)
    }

    /// `ServerError` (0x0000): something the node did not expect.
    pub fn server(message: impl Into<String>) -> Self {
        Self::new(DbError::ServerError, message)
    }

    /// `ProtocolError` (0x000A).
    pub fn protocol(message: impl Into<String>) -> Self {
        Self::new(DbError::ProtocolError, message)
    }

    /// `ConfigError` (0x2300).
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(DbError::ConfigError, message)
    }

    /// `BadCredentials` (0x0100).
    pub fn bad_credentials(message: impl Into<String>) -> Self {
        Self::new(DbError::BadCredentials, message)
    }

    /// `Unauthorized` (0x2100).
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(DbError::Unauthorized, message)
    }

    /// `AlreadyExists` (0x2400) for a keyspace (`table` empty) or a table.
    pub fn already_exists(keyspace: &str, table: &str, message: impl Into<String>) -> Self {
        Self::new(
            DbError::AlreadyExists {
                keyspace: keyspace.to_string(),
                table: table.to_string(),
            },
            message,
        )
    }

    /// `Unprepared` (0x2500) for a statement id the node does not know.
    pub fn unprepared(id: &[u8]) -> Self {
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        Self::new(
            DbError::Unprepared {
                id: Bytes::copy_from_slice(id),
            },
            format!(
                "Prepared query with ID {hex} not found (either the query was not prepared on this host (maybe the host has been restarted?) or you have prepared too many queries and it has been evicted from the internal cache)"
            ),
        )
    }

    /// The ERROR message body for this error.
    pub fn to_response(&self) -> ErrorResponse {
        ErrorResponse {
            error: self.error.clone(),
            message: self.message.clone(),
        }
    }
}

impl fmt::Display for CqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.error, self.message)
    }
}

impl std::error::Error for CqlError {}

impl From<ParseError> for CqlError {
    fn from(e: ParseError) -> Self {
        match e.kind {
            ErrorKind::Syntax => Self::syntax(e.message),
            ErrorKind::Invalid => Self::invalid(e.message),
        }
    }
}

/// The result type of the node's operations.
pub type CqlResult<T> = Result<T, CqlError>;
