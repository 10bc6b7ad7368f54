//! Errors of every kind, for the retry policy tests.

use alloc::boxed::Box;
use alloc::string::String;
use core::time::Duration;

use crate::connection::ConnectionError;
use crate::message::{Consistency, DbError, ErrorResponse, Failures, WriteType};
use crate::runtime::NodeAddr;
use crate::session::{Error, ServerError};

fn node() -> NodeAddr {
    NodeAddr::new("10.0.0.1", 9042)
}

pub(crate) fn server(error: DbError) -> Error {
    Error::Server(Box::new(ServerError {
        host: node(),
        error,
        message: String::from("the node's words"),
    }))
}

pub(crate) fn read_timeout(received: i32, block_for: i32, data_present: bool) -> Error {
    server(DbError::ReadTimeout {
        consistency: Consistency::Quorum,
        received,
        block_for,
        data_present,
    })
}

pub(crate) fn serial_read_timeout(received: i32, block_for: i32) -> Error {
    server(DbError::ReadTimeout {
        consistency: Consistency::Serial,
        received,
        block_for,
        data_present: false,
    })
}

pub(crate) fn write_timeout(write_type: WriteType, received: i32, block_for: i32) -> Error {
    server(DbError::WriteTimeout {
        consistency: Consistency::Quorum,
        received,
        block_for,
        write_type,
        contentions: None,
    })
}

pub(crate) fn unavailable(required: i32, alive: i32) -> Error {
    server(DbError::Unavailable {
        consistency: Consistency::Quorum,
        required,
        alive,
    })
}

pub(crate) fn serial_unavailable() -> Error {
    server(DbError::Unavailable {
        consistency: Consistency::Serial,
        required: 2,
        alive: 1,
    })
}

pub(crate) fn read_failure() -> Error {
    server(DbError::ReadFailure {
        consistency: Consistency::Quorum,
        received: 1,
        block_for: 2,
        failures: Failures::Count(1),
        data_present: false,
    })
}

pub(crate) fn write_failure() -> Error {
    server(DbError::WriteFailure {
        consistency: Consistency::Quorum,
        received: 1,
        block_for: 2,
        failures: Failures::Count(1),
        write_type: WriteType::Simple,
    })
}

pub(crate) fn cas_unknown() -> Error {
    server(DbError::CasWriteUnknown {
        consistency: Consistency::Serial,
        received: 0,
        block_for: 2,
    })
}

pub(crate) fn client_timeout() -> Error {
    Error::Timeout {
        host: node(),
        timeout: Duration::from_secs(1),
    }
}

pub(crate) fn closed() -> Error {
    Error::from_connection(node(), ConnectionError::Closed("reset by peer".into()))
}

pub(crate) fn handshake_failed() -> Error {
    Error::from_connection(
        node(),
        ConnectionError::Handshake(ErrorResponse {
            error: DbError::ProtocolError,
            message: "no".into(),
        }),
    )
}

pub(crate) fn authentication() -> Error {
    Error::from_response(
        node(),
        ErrorResponse {
            error: DbError::BadCredentials,
            message: "bad password".into(),
        },
    )
}

pub(crate) fn invalid_argument() -> Error {
    Error::InvalidArgument("no".into())
}

pub(crate) fn protocol_error() -> Error {
    Error::Protocol("garbled rows".into())
}
