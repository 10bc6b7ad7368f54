//! Failed attempts of every kind, for the retry policy tests.

use alloc::string::String;
use core::fmt;

use super::AttemptError;
use crate::connection::ConnectionError;
use crate::message::{Consistency, DbError, ErrorResponse, Failures, WriteType};

/// A failed attempt the tests own; policies see it as [`AttemptError`] ([`Failed::attempt`]),
/// as the session gives them its errors.
#[derive(Debug, Clone)]
pub(crate) enum Failed {
    Server(DbError),
    ClientTimeout,
    Connection(ConnectionError),
    Unrecoverable {
        not_applied: bool,
        what: &'static str,
    },
}

impl Failed {
    pub(crate) fn attempt(&self) -> AttemptError<'_> {
        match self {
            Self::Server(e) => AttemptError::Server(e),
            Self::ClientTimeout => AttemptError::ClientTimeout,
            Self::Connection(e) => AttemptError::Connection(e),
            Self::Unrecoverable { not_applied, .. } => AttemptError::Unrecoverable {
                not_applied: *not_applied,
            },
        }
    }
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Server(e) => write!(f, "{e}"),
            Self::ClientTimeout => f.write_str("client timeout"),
            Self::Connection(e) => write!(f, "{e}"),
            Self::Unrecoverable { what, .. } => f.write_str(what),
        }
    }
}

pub(crate) fn server(error: DbError) -> Failed {
    Failed::Server(error)
}

pub(crate) fn read_timeout(received: i32, block_for: i32, data_present: bool) -> Failed {
    server(DbError::ReadTimeout {
        consistency: Consistency::Quorum,
        received,
        block_for,
        data_present,
    })
}

pub(crate) fn serial_read_timeout(received: i32, block_for: i32) -> Failed {
    server(DbError::ReadTimeout {
        consistency: Consistency::Serial,
        received,
        block_for,
        data_present: false,
    })
}

pub(crate) fn write_timeout(write_type: WriteType, received: i32, block_for: i32) -> Failed {
    server(DbError::WriteTimeout {
        consistency: Consistency::Quorum,
        received,
        block_for,
        write_type,
        contentions: None,
    })
}

pub(crate) fn unavailable(required: i32, alive: i32) -> Failed {
    server(DbError::Unavailable {
        consistency: Consistency::Quorum,
        required,
        alive,
    })
}

pub(crate) fn serial_unavailable() -> Failed {
    server(DbError::Unavailable {
        consistency: Consistency::Serial,
        required: 2,
        alive: 1,
    })
}

pub(crate) fn read_failure() -> Failed {
    server(DbError::ReadFailure {
        consistency: Consistency::Quorum,
        received: 1,
        block_for: 2,
        failures: Failures::Count(1),
        data_present: false,
    })
}

pub(crate) fn write_failure() -> Failed {
    server(DbError::WriteFailure {
        consistency: Consistency::Quorum,
        received: 1,
        block_for: 2,
        failures: Failures::Count(1),
        write_type: WriteType::Simple,
    })
}

pub(crate) fn cas_unknown() -> Failed {
    server(DbError::CasWriteUnknown {
        consistency: Consistency::Serial,
        received: 0,
        block_for: 2,
    })
}

pub(crate) fn client_timeout() -> Failed {
    Failed::ClientTimeout
}

pub(crate) fn closed() -> Failed {
    Failed::Connection(ConnectionError::Closed("reset by peer".into()))
}

pub(crate) fn handshake_failed() -> Failed {
    Failed::Connection(ConnectionError::Handshake(ErrorResponse {
        error: DbError::ProtocolError,
        message: String::from("no"),
    }))
}

/// The node refused the credentials (the session's authentication error).
pub(crate) fn authentication() -> Failed {
    Failed::Unrecoverable {
        not_applied: false,
        what: "authentication failed",
    }
}

/// A value that could not be written: the request never left.
pub(crate) fn invalid_argument() -> Failed {
    Failed::Unrecoverable {
        not_applied: true,
        what: "invalid argument",
    }
}

/// An answer that could not be read.
pub(crate) fn protocol_error() -> Failed {
    Failed::Unrecoverable {
        not_applied: false,
        what: "garbled rows",
    }
}
