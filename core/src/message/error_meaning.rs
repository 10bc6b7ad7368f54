//! What a server error means, decided once: its name, its kind (what the driver does about
//! it), whether it proves the request never ran, and how it reads in a message. Every
//! match here lists every [`DbError`] variant without a wildcard, so a new code does not
//! compile until it is classified; the session's messages, its metrics, the retry
//! policies' safety rule and the JavaScript error fields all read from here.

use alloc::format;
use alloc::string::String;
use core::fmt;

use super::error::DbError;

/// What kind of trouble a server error is, as the driver reacts to it (metrics, logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DbErrorKind {
    /// READ_TIMEOUT: too few replicas answered a read in time.
    ReadTimeout,
    /// WRITE_TIMEOUT: too few replicas acknowledged a write in time.
    WriteTimeout,
    /// UNAVAILABLE: too few replicas alive; the coordinator did not run the request.
    Unavailable,
    /// OVERLOADED: the coordinator shed load.
    Overloaded,
    /// IS_BOOTSTRAPPING: the coordinator is joining the cluster and runs nothing yet.
    Bootstrapping,
    /// UNPREPARED: the coordinator does not know the prepared statement.
    Unprepared,
    /// READ_FAILURE or WRITE_FAILURE: replicas answered with a failure.
    ReplicaFailure,
    /// SERVER_ERROR, TRUNCATE_ERROR, CAS_WRITE_UNKNOWN, CDC_WRITE_FAILURE or a code this
    /// crate does not know: a failure on the node's side, possibly mid-way.
    ServerSide,
    /// FUNCTION_FAILURE: a user-defined function threw.
    FunctionFailure,
    /// SYNTAX_ERROR, INVALID, UNAUTHORIZED, CONFIG_ERROR, ALREADY_EXISTS: the statement
    /// itself is refused.
    InvalidRequest,
    /// BAD_CREDENTIALS.
    Authentication,
    /// PROTOCOL_ERROR: the node could not understand the message.
    Protocol,
}

impl DbError {
    /// The code's name as the protocol spec writes it: `"Unavailable"`, `"WriteTimeout"`,
    /// `"SyntaxError"`... (`"Unknown"` for a code this crate does not know).
    pub fn code_name(&self) -> &'static str {
        match self {
            Self::ServerError => "ServerError",
            Self::ProtocolError => "ProtocolError",
            Self::BadCredentials => "BadCredentials",
            Self::Unavailable { .. } => "Unavailable",
            Self::Overloaded => "Overloaded",
            Self::IsBootstrapping => "IsBootstrapping",
            Self::TruncateError => "TruncateError",
            Self::WriteTimeout { .. } => "WriteTimeout",
            Self::ReadTimeout { .. } => "ReadTimeout",
            Self::ReadFailure { .. } => "ReadFailure",
            Self::FunctionFailure { .. } => "FunctionFailure",
            Self::WriteFailure { .. } => "WriteFailure",
            Self::CdcWriteFailure => "CdcWriteFailure",
            Self::CasWriteUnknown { .. } => "CasWriteUnknown",
            Self::SyntaxError => "SyntaxError",
            Self::Unauthorized => "Unauthorized",
            Self::Invalid => "Invalid",
            Self::ConfigError => "ConfigError",
            Self::AlreadyExists { .. } => "AlreadyExists",
            Self::Unprepared { .. } => "Unprepared",
            Self::Other(_) => "Unknown",
        }
    }

    /// The error's kind.
    pub fn kind(&self) -> DbErrorKind {
        match self {
            Self::ReadTimeout { .. } => DbErrorKind::ReadTimeout,
            Self::WriteTimeout { .. } => DbErrorKind::WriteTimeout,
            Self::Unavailable { .. } => DbErrorKind::Unavailable,
            Self::Overloaded => DbErrorKind::Overloaded,
            Self::IsBootstrapping => DbErrorKind::Bootstrapping,
            Self::Unprepared { .. } => DbErrorKind::Unprepared,
            Self::ReadFailure { .. } | Self::WriteFailure { .. } => DbErrorKind::ReplicaFailure,
            Self::ServerError
            | Self::TruncateError
            | Self::CasWriteUnknown { .. }
            | Self::CdcWriteFailure
            | Self::Other(_) => DbErrorKind::ServerSide,
            Self::FunctionFailure { .. } => DbErrorKind::FunctionFailure,
            Self::SyntaxError
            | Self::Invalid
            | Self::Unauthorized
            | Self::ConfigError
            | Self::AlreadyExists { .. } => DbErrorKind::InvalidRequest,
            Self::BadCredentials => DbErrorKind::Authentication,
            Self::ProtocolError => DbErrorKind::Protocol,
        }
    }

    /// Whether the error proves the request never ran, so that sending it again cannot
    /// apply it twice, idempotent or not. Conservative: `false` for anything raised once
    /// execution may have begun. A read timeout or failure counts as not applied:
    /// Cassandra raises them from the read path, before any write of the statement (the
    /// read of a list update by index or of an LWT condition precedes its write).
    /// Overloaded does not: it can come after part of a multi-partition write was sent.
    pub fn certainly_not_applied(&self) -> bool {
        match self {
            Self::Unavailable { .. }
            | Self::IsBootstrapping
            | Self::Unprepared { .. }
            | Self::ReadTimeout { .. }
            | Self::ReadFailure { .. }
            | Self::SyntaxError
            | Self::Invalid
            | Self::Unauthorized
            | Self::ConfigError
            | Self::AlreadyExists { .. }
            | Self::BadCredentials => true,
            Self::ServerError
            | Self::ProtocolError
            | Self::Overloaded
            | Self::TruncateError
            | Self::WriteTimeout { .. }
            | Self::FunctionFailure { .. }
            | Self::WriteFailure { .. }
            | Self::CdcWriteFailure
            | Self::CasWriteUnknown { .. }
            | Self::Other(_) => false,
        }
    }
}

/// A human description of the code and its details (the node's own message is separate).
impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&describe(self))
    }
}

fn describe(e: &DbError) -> String {
    match e {
        DbError::ServerError => String::from("server error (a bug on the node)"),
        DbError::ProtocolError => String::from("protocol error reported by the node"),
        DbError::BadCredentials => String::from("bad credentials"),
        DbError::Unavailable {
            consistency,
            required,
            alive,
        } => format!(
            "unavailable: consistency {consistency:?} needs {required} replica(s), {alive} alive"
        ),
        DbError::Overloaded => String::from("coordinator overloaded"),
        DbError::IsBootstrapping => String::from("coordinator is bootstrapping"),
        DbError::TruncateError => String::from("truncate failed"),
        DbError::WriteTimeout {
            consistency,
            received,
            block_for,
            write_type,
            ..
        } => format!(
            "write timeout ({}) at consistency {consistency:?}: {received} of {block_for} acknowledgements",
            write_type.name()
        ),
        DbError::ReadTimeout {
            consistency,
            received,
            block_for,
            data_present,
        } => format!(
            "read timeout at consistency {consistency:?}: {received} of {block_for} responses{}",
            if *data_present {
                ""
            } else {
                ", data replica did not answer"
            }
        ),
        DbError::ReadFailure {
            consistency,
            received,
            block_for,
            failures,
            ..
        } => format!(
            "read failure at consistency {consistency:?}: {received} of {block_for} responses, {} replica(s) failed",
            failures.count()
        ),
        DbError::FunctionFailure {
            keyspace, function, ..
        } => format!("function {keyspace}.{function} failed"),
        DbError::WriteFailure {
            consistency,
            received,
            block_for,
            failures,
            write_type,
        } => format!(
            "write failure ({}) at consistency {consistency:?}: {received} of {block_for} acknowledgements, {} replica(s) failed",
            write_type.name(),
            failures.count()
        ),
        DbError::CdcWriteFailure => String::from("CDC write failure"),
        DbError::CasWriteUnknown {
            consistency,
            received,
            block_for,
        } => format!(
            "lightweight transaction outcome unknown at consistency {consistency:?}: {received} of {block_for} acknowledgements"
        ),
        DbError::SyntaxError => String::from("syntax error"),
        DbError::Unauthorized => String::from("unauthorized"),
        DbError::Invalid => String::from("invalid query"),
        DbError::ConfigError => String::from("configuration error"),
        DbError::AlreadyExists { keyspace, table } if table.is_empty() => {
            format!("keyspace {keyspace} already exists")
        }
        DbError::AlreadyExists { keyspace, table } => {
            format!("table {keyspace}.{table} already exists")
        }
        DbError::Unprepared { .. } => String::from("the node does not know the prepared statement"),
        DbError::Other(code) => format!("server error code 0x{code:04x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Consistency;
    use alloc::string::ToString;

    #[test]
    fn names_kinds_and_applied() {
        let unavailable = DbError::Unavailable {
            consistency: Consistency::Quorum,
            required: 2,
            alive: 1,
        };
        assert_eq!(unavailable.code_name(), "Unavailable");
        assert_eq!(unavailable.kind(), DbErrorKind::Unavailable);
        assert!(unavailable.certainly_not_applied());
        assert!(!DbError::Overloaded.certainly_not_applied());
        assert_eq!(DbError::Other(0x4242).code_name(), "Unknown");
        assert_eq!(DbError::Other(0x4242).kind(), DbErrorKind::ServerSide);
        assert_eq!(
            DbError::Other(0x4242).to_string(),
            "server error code 0x4242"
        );
        assert_eq!(
            unavailable.to_string(),
            "unavailable: consistency Quorum needs 2 replica(s), 1 alive"
        );
    }
}
