//! [`Error`]: everything a session operation can fail with, each with a message a user
//! can act on.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use crate::connection::ConnectionError;
use crate::frame::error::EncodeError;
use crate::message::{DbError, ErrorResponse, WriteType};
use crate::policies::retry::AttemptError;
use crate::runtime::NodeAddr;
use crate::types::{DeserializeError, SerializeError};

/// Why a session operation failed.
///
/// Server errors keep every field the node sent ([`DbError`] has a variant per error code
/// with its details); the helpers ([`db_error`](Self::db_error),
/// [`is_unavailable`](Self::is_unavailable)...) reach them without matching.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The node answered with an ERROR (boxed: it is much larger than the other kinds).
    #[error("{0}")]
    Server(Box<ServerError>),
    /// No answer within the client-side request timeout. The request may still have been
    /// applied by the node.
    #[error(
        "no response from {host} within {timeout:?} (client-side timeout; the request may still have been applied; raise the request timeout or the statement's timeout)"
    )]
    Timeout {
        /// The node the request was sent to.
        host: NodeAddr,
        /// The timeout that expired.
        timeout: Duration,
    },
    /// A connection could not be opened, or failed while the request was in flight.
    #[error("connection to {host} failed: {source}")]
    Connection {
        /// The node.
        host: NodeAddr,
        /// What went wrong.
        source: Box<ConnectionError>,
    },
    /// The node refused the credentials (or asked for some when none were configured).
    #[error("authentication with {host} failed: {message}")]
    Authentication {
        /// The node.
        host: NodeAddr,
        /// What the node or the authenticator said.
        message: String,
    },
    /// Every host was tried and none could run the request; each host's error is kept.
    #[error("no host available: {}", list_hosts(.0))]
    NoHostAvailable(Vec<(NodeAddr, Error)>),
    /// The node broke the protocol, or answered with a message that makes no sense for
    /// the request.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// A bound value could not be written (wrong type or count, named after the column).
    #[error("cannot bind values: {0}")]
    Serialize(#[from] SerializeError),
    /// A request could not be encoded (a v5-only option on a v4 connection, a value too
    /// long...).
    #[error("cannot encode the request: {0}")]
    Encode(#[from] EncodeError),
    /// A result value could not be read as the requested Rust type.
    #[error("cannot read the result: {0}")]
    Deserialize(#[from] DeserializeError),
    /// A configuration or argument problem detected before anything was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The session is closed (or closed while the request was in flight).
    #[error("the session is closed: {0}")]
    Closed(&'static str),
}

/// An ERROR a node answered with: its code, the details the code carries, and the node's
/// message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    /// The node that answered.
    pub host: NodeAddr,
    /// The error code and its details.
    pub error: DbError,
    /// The node's own message.
    pub message: String,
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (from {}): {}", self.error, self.host, self.message)
    }
}

fn list_hosts(errors: &[(NodeAddr, Error)]) -> String {
    use core::fmt::Write;
    if errors.is_empty() {
        return String::from("no hosts were tried (are all contact points down?)");
    }
    let mut s = String::new();
    for (i, (host, e)) in errors.iter().enumerate() {
        if i > 0 {
            s.push_str("; ");
        }
        let _ = write!(s, "{host}: {e}");
    }
    s
}

impl Error {
    /// The error for an ERROR response from `host`.
    pub fn from_response(host: NodeAddr, response: ErrorResponse) -> Self {
        match response.error {
            DbError::BadCredentials => Self::Authentication {
                host,
                message: response.message,
            },
            error => Self::Server(Box::new(ServerError {
                host,
                error,
                message: response.message,
            })),
        }
    }

    /// The error for a failed connection to `host`, mapping timeouts and authentication
    /// failures to their own variants.
    pub fn from_connection(host: NodeAddr, source: ConnectionError) -> Self {
        match source {
            ConnectionError::Timeout(timeout) => Self::Timeout { host, timeout },
            ConnectionError::Authentication(message) => Self::Authentication { host, message },
            ConnectionError::Handshake(ErrorResponse {
                error: DbError::BadCredentials,
                message,
            }) => Self::Authentication { host, message },
            source => Self::Connection {
                host,
                source: Box::new(source),
            },
        }
    }

    /// The server error's code and details, if the node answered with an ERROR.
    pub fn db_error(&self) -> Option<&DbError> {
        match self {
            Self::Server(e) => Some(&e.error),
            _ => None,
        }
    }

    /// The server's message, if the node answered with an ERROR.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            Self::Server(e) => Some(&e.message),
            Self::Authentication { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The host the error came from, when one did.
    pub fn host(&self) -> Option<&NodeAddr> {
        match self {
            Self::Server(e) => Some(&e.host),
            Self::Timeout { host, .. }
            | Self::Connection { host, .. }
            | Self::Authentication { host, .. } => Some(host),
            _ => None,
        }
    }

    /// Each host's error, for [`Error::NoHostAvailable`] (empty otherwise).
    pub fn host_errors(&self) -> &[(NodeAddr, Error)] {
        match self {
            Self::NoHostAvailable(errors) => errors,
            _ => &[],
        }
    }

    /// Whether this is (or, for [`Error::NoHostAvailable`], every host failed with) an
    /// authentication error.
    pub fn is_authentication(&self) -> bool {
        match self {
            Self::Authentication { .. } => true,
            Self::NoHostAvailable(errors) => {
                !errors.is_empty() && errors.iter().all(|(_, e)| e.is_authentication())
            }
            _ => false,
        }
    }

    /// Whether the node reported too few live replicas.
    pub fn is_unavailable(&self) -> bool {
        matches!(self.db_error(), Some(DbError::Unavailable { .. }))
    }

    /// Whether the node reported a read or write timeout (server side).
    pub fn is_server_timeout(&self) -> bool {
        matches!(
            self.db_error(),
            Some(DbError::ReadTimeout { .. } | DbError::WriteTimeout { .. })
        )
    }

    /// Whether the client-side timeout expired.
    pub fn is_client_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// The write type of a write timeout or failure.
    pub fn write_type(&self) -> Option<&WriteType> {
        match self.db_error() {
            Some(
                DbError::WriteTimeout { write_type, .. } | DbError::WriteFailure { write_type, .. },
            ) => Some(write_type),
            _ => None,
        }
    }

    /// Whether the request certainly never ran on the node (so retrying it anywhere is
    /// safe even when it is not idempotent): a server error that proves it
    /// ([`DbError::certainly_not_applied`]), or a request that could not be written.
    pub fn request_not_applied(&self) -> bool {
        match self {
            Self::Server(e) => e.error.certainly_not_applied(),
            Self::Serialize(_) | Self::Encode(_) | Self::InvalidArgument(_) => true,
            Self::Timeout { .. }
            | Self::Connection { .. }
            | Self::Authentication { .. }
            | Self::NoHostAvailable(_)
            | Self::Protocol(_)
            | Self::Deserialize(_)
            | Self::Closed(_) => false,
        }
    }

    /// This error as one failed attempt, for the retry policy.
    pub(crate) fn as_attempt(&self) -> AttemptError<'_> {
        match self {
            Self::Server(e) => AttemptError::Server(&e.error),
            Self::Timeout { .. } => AttemptError::ClientTimeout,
            Self::Connection { source, .. } => AttemptError::Connection(source),
            Self::Serialize(_) | Self::Encode(_) | Self::InvalidArgument(_) => {
                AttemptError::Unrecoverable { not_applied: true }
            }
            Self::Authentication { .. }
            | Self::NoHostAvailable(_)
            | Self::Protocol(_)
            | Self::Deserialize(_)
            | Self::Closed(_) => AttemptError::Unrecoverable { not_applied: false },
        }
    }
}

/// A `Box<Error>` prints as the error.
impl From<Box<Error>> for Error {
    fn from(e: Box<Error>) -> Self {
        *e
    }
}

/// Prints an [`Error`] list one per line (for logs).
pub(crate) struct HostErrors<'a>(pub &'a [(NodeAddr, Error)]);

impl fmt::Display for HostErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&list_hosts(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::ProtocolVersion;
    use crate::frame::primitives::Reader;
    use crate::message::{Consistency, Failures};
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn errors_stay_small() {
        assert!(
            core::mem::size_of::<Error>() <= 80,
            "{}",
            core::mem::size_of::<Error>()
        );
    }

    fn host() -> NodeAddr {
        NodeAddr::new("10.0.0.1", 9042)
    }

    fn round_trip(version: ProtocolVersion, error: DbError, message: &str) -> Error {
        let response = ErrorResponse {
            error,
            message: message.into(),
        };
        let mut body = Vec::new();
        response.encode(version, &mut body).unwrap();
        let decoded = ErrorResponse::decode(version, &mut Reader::new(&body)).unwrap();
        Error::from_response(host(), decoded)
    }

    fn cases(version: ProtocolVersion) -> Vec<DbError> {
        let failures = |n: i32| {
            if version >= ProtocolVersion::V5 {
                Failures::ByReplica(vec![("10.0.0.2".parse().unwrap(), 1); n as usize])
            } else {
                Failures::Count(n)
            }
        };
        vec![
            DbError::ServerError,
            DbError::ProtocolError,
            DbError::Unavailable {
                consistency: Consistency::Quorum,
                required: 2,
                alive: 1,
            },
            DbError::Overloaded,
            DbError::IsBootstrapping,
            DbError::TruncateError,
            DbError::WriteTimeout {
                consistency: Consistency::One,
                received: 0,
                block_for: 1,
                write_type: WriteType::BatchLog,
                contentions: None,
            },
            DbError::ReadTimeout {
                consistency: Consistency::LocalQuorum,
                received: 1,
                block_for: 2,
                data_present: false,
            },
            DbError::ReadFailure {
                consistency: Consistency::All,
                received: 1,
                block_for: 3,
                failures: failures(2),
                data_present: true,
            },
            DbError::FunctionFailure {
                keyspace: "ks".into(),
                function: "f".into(),
                arg_types: vec!["int".into()],
            },
            DbError::WriteFailure {
                consistency: Consistency::Two,
                received: 1,
                block_for: 2,
                failures: failures(1),
                write_type: WriteType::Simple,
            },
            DbError::CasWriteUnknown {
                consistency: Consistency::Serial,
                received: 0,
                block_for: 1,
            },
            DbError::SyntaxError,
            DbError::Unauthorized,
            DbError::Invalid,
            DbError::ConfigError,
            DbError::AlreadyExists {
                keyspace: "ks".into(),
                table: "t".into(),
            },
        ]
    }

    #[test]
    fn every_server_error_keeps_its_fields() {
        for version in [ProtocolVersion::V4, ProtocolVersion::V5] {
            for case in &cases(version) {
                let e = round_trip(version, case.clone(), "the node's words");
                assert_eq!(e.db_error(), Some(case), "{version:?}");
                assert_eq!(e.server_message(), Some("the node's words"));
                assert_eq!(e.host(), Some(&host()));
                let text = e.to_string();
                assert!(text.contains("the node's words"), "{text}");
                assert!(text.contains("10.0.0.1:9042"), "{text}");
            }
        }
        let cases = cases(ProtocolVersion::V4);
        let unavailable = round_trip(ProtocolVersion::V4, cases[2].clone(), "x");
        assert!(unavailable.is_unavailable());
        assert!(unavailable.request_not_applied());
        assert!(
            unavailable
                .to_string()
                .contains("consistency Quorum needs 2 replica(s), 1 alive")
        );
        let wt = round_trip(ProtocolVersion::V4, cases[6].clone(), "x");
        assert!(wt.is_server_timeout());
        assert_eq!(wt.write_type(), Some(&WriteType::BatchLog));
    }

    #[test]
    fn bad_credentials_is_an_authentication_error() {
        let e = round_trip(ProtocolVersion::V4, DbError::BadCredentials, "bad password");
        assert!(e.is_authentication());
        assert_eq!(e.server_message(), Some("bad password"));
        let nha = Error::NoHostAvailable(vec![(host(), e)]);
        assert!(nha.is_authentication());
        assert!(nha.to_string().contains("bad password"));
        assert_eq!(nha.host_errors().len(), 1);
    }

    #[test]
    fn connection_errors_map_to_their_variants() {
        let t = Error::from_connection(host(), ConnectionError::Timeout(Duration::from_secs(2)));
        assert!(t.is_client_timeout());
        assert!(t.to_string().contains("2s"));
        let a = Error::from_connection(host(), ConnectionError::Authentication("no".into()));
        assert!(a.is_authentication());
        let c = Error::from_connection(host(), ConnectionError::Closed("reset".into()));
        assert!(matches!(c, Error::Connection { .. }));
        assert!(!c.request_not_applied());
        assert!(
            Error::NoHostAvailable(Vec::new())
                .to_string()
                .contains("no hosts were tried")
        );
    }
}
