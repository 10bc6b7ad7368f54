//! What a fault rule does to a request it applies to: answer with an error, delay the
//! answer, never answer, close the connection, send a corrupt frame, or (for new
//! connections) refuse them. The error bodies are cql-core's [`DbError`]s.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use cql_core::frame::{Opcode, ProtocolVersion};
use cql_core::message::{Consistency, DbError, Failures, WriteType};

use crate::sim::error::CqlError;

/// The most replicas a v5 reason map made up from a bare failure count lists.
const MAX_SYNTHETIC_FAILURES: i32 = 256;

/// An action of a fault rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answer with this error instead of executing the request.
    Error(ErrorAction),
    /// Execute the request at once, and send its answer after this long (later requests
    /// on the connection are answered meanwhile).
    Delay(Duration),
    /// Execute the request and never answer it; the connection stays open and later
    /// requests are answered.
    NoAnswer,
    /// Close the connection without executing the request (answers to earlier requests
    /// already produced are sent first).
    CloseBeforeExecuting,
    /// Execute the request, then close the connection without answering it.
    CloseAfterExecuting,
    /// Execute the request and answer with a corrupt frame on its stream.
    Corrupt(CorruptKind),
    /// For new connections only: accept the TCP connection and close it at once, before
    /// TLS or any protocol byte (clients see the connection reset or closed while they
    /// handshake). To have a node accept connections but never finish the handshake, use
    /// [`Action::NoAnswer`] on the `STARTUP` (or `OPTIONS`) opcode instead.
    RefuseConnection,
}

/// How a corrupt answer is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CorruptKind {
    /// A garbage frame header (unknown version 127, unknown opcode 0xFF, body length
    /// 0xFFFF_FFF0): a client cannot find the next frame and must close the connection.
    #[default]
    Header,
    /// A well-formed RESULT header on the request's stream whose body is not a RESULT
    /// (an unknown result kind): the request fails to decode, framing stays in step.
    Body,
}

/// An error answer: the error with its fields and the message sent with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorAction {
    /// The error code and its fields (cql-core's types). For [`DbError::Unprepared`] an
    /// empty id stands for the request's own prepared id.
    pub error: DbError,
    /// The message; `None` words it as Cassandra does for the error.
    pub message: Option<String>,
    /// Replace the error's consistency field by the request's consistency (when the
    /// request carries one).
    pub consistency_from_request: bool,
}

/// What the node knows about a request when it answers it with an error.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    /// The connection's protocol version.
    pub version: ProtocolVersion,
    /// The request's consistency, if it carries one.
    pub consistency: Option<Consistency>,
    /// The request's prepared id (EXECUTE, or the first prepared entry of a BATCH).
    pub prepared_id: Option<&'a [u8]>,
    /// The IP of the node (used for made-up v5 reason maps).
    pub node_ip: IpAddr,
}

impl ErrorAction {
    /// An error answered with Cassandra's message for it.
    pub fn new(error: DbError) -> Self {
        Self {
            error,
            message: None,
            consistency_from_request: false,
        }
    }

    /// The same error, with this message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// The same error, its consistency replaced by the request's.
    #[must_use]
    pub fn with_request_consistency(mut self) -> Self {
        self.consistency_from_request = true;
        self
    }

    /// The error to send for a request: fields completed from the request (consistency,
    /// Unprepared id) and fitted to its protocol version (a v5 client gets a reason map
    /// listing the node `count` times for a bare failure count).
    pub fn to_error(&self, facts: &RequestFacts<'_>) -> CqlError {
        let mut error = self.error.clone();
        if let (true, Some(c)) = (self.consistency_from_request, facts.consistency) {
            set_consistency(&mut error, c);
        }
        match &mut error {
            DbError::Unprepared { id } if id.is_empty() => {
                *id = Bytes::copy_from_slice(facts.prepared_id.unwrap_or_default());
            }
            DbError::ReadFailure { failures, .. } | DbError::WriteFailure { failures, .. } => {
                if let (true, Failures::Count(n)) =
                    (facts.version >= ProtocolVersion::V5, &*failures)
                {
                    let n = usize::try_from((*n).clamp(0, MAX_SYNTHETIC_FAILURES)).unwrap_or(0);
                    *failures = Failures::ByReplica(vec![(facts.node_ip, 0); n]);
                }
            }
            _ => {}
        }
        let message = match &self.message {
            Some(m) => m.clone(),
            None => default_message(&error),
        };
        CqlError::new(error, message)
    }
}

fn set_consistency(error: &mut DbError, c: Consistency) {
    match error {
        DbError::Unavailable { consistency, .. }
        | DbError::WriteTimeout { consistency, .. }
        | DbError::ReadTimeout { consistency, .. }
        | DbError::ReadFailure { consistency, .. }
        | DbError::WriteFailure { consistency, .. }
        | DbError::CasWriteUnknown { consistency, .. } => *consistency = c,
        _ => {}
    }
}

/// The message Cassandra 4.1 sends with `error` (a neutral one for the errors whose
/// message depends on what failed).
pub fn default_message(error: &DbError) -> String {
    match error {
        DbError::ReadTimeout { received, .. } | DbError::WriteTimeout { received, .. } => {
            format!("Operation timed out - received only {received} responses.")
        }
        DbError::Unavailable { consistency, .. } => {
            format!("Cannot achieve consistency level {}", consistency.name())
        }
        DbError::ReadFailure {
            received, failures, ..
        }
        | DbError::WriteFailure {
            received, failures, ..
        } => format!(
            "Operation failed - received {received} responses and {} failures",
            failures.count()
        ),
        DbError::CasWriteUnknown { received, .. } => format!(
            "CAS operation result is unknown - proposal accepted by {received} but not a quorum."
        ),
        DbError::Unprepared { id } => CqlError::unprepared(id).message,
        DbError::Overloaded => {
            "Server is in overloaded state. Cannot accept more requests at this point".into()
        }
        DbError::IsBootstrapping => "Cannot read from a bootstrapping node".into(),
        DbError::TruncateError => "Error during truncate: injected failure".into(),
        DbError::ServerError => "Injected server error".into(),
        DbError::SyntaxError => "Injected syntax error".into(),
        DbError::Invalid => "Injected invalid request".into(),
        DbError::Unauthorized => "Injected: user has no permission".into(),
        other => format!("Injected error 0x{:04x}", other.code()),
    }
}

impl Action {
    /// Answer with `error` and Cassandra's message for it.
    pub fn error(error: DbError) -> Self {
        Self::Error(ErrorAction::new(error))
    }

    /// Answer with `error` and `message`.
    pub fn error_with_message(error: DbError, message: impl Into<String>) -> Self {
        Self::Error(ErrorAction::new(error).with_message(message))
    }

    /// READ_TIMEOUT (0x1200).
    pub fn read_timeout(
        consistency: Consistency,
        received: i32,
        block_for: i32,
        data_present: bool,
    ) -> Self {
        Self::error(DbError::ReadTimeout {
            consistency,
            received,
            block_for,
            data_present,
        })
    }

    /// WRITE_TIMEOUT (0x1100) of a write of `write_type`.
    pub fn write_timeout(
        consistency: Consistency,
        received: i32,
        block_for: i32,
        write_type: WriteType,
    ) -> Self {
        Self::error(DbError::WriteTimeout {
            consistency,
            received,
            block_for,
            write_type,
            contentions: None,
        })
    }

    /// WRITE_TIMEOUT (0x1100) of a CAS write, with the Paxos contentions v5 clients get.
    pub fn cas_write_timeout(
        consistency: Consistency,
        received: i32,
        block_for: i32,
        contentions: u16,
    ) -> Self {
        Self::error(DbError::WriteTimeout {
            consistency,
            received,
            block_for,
            write_type: WriteType::Cas,
            contentions: Some(contentions),
        })
    }

    /// UNAVAILABLE (0x1000).
    pub fn unavailable(consistency: Consistency, required: i32, alive: i32) -> Self {
        Self::error(DbError::Unavailable {
            consistency,
            required,
            alive,
        })
    }

    /// OVERLOADED (0x1001).
    pub fn overloaded() -> Self {
        Self::error(DbError::Overloaded)
    }

    /// IS_BOOTSTRAPPING (0x1002).
    pub fn is_bootstrapping() -> Self {
        Self::error(DbError::IsBootstrapping)
    }

    /// SERVER_ERROR (0x0000) with `message`.
    pub fn server_error(message: impl Into<String>) -> Self {
        Self::error_with_message(DbError::ServerError, message)
    }

    /// TRUNCATE_ERROR (0x1003).
    pub fn truncate_error() -> Self {
        Self::error(DbError::TruncateError)
    }

    /// READ_FAILURE (0x1300). A [`Failures::Count`] reaches v5 clients as a reason map
    /// naming the node that many times (reason 0, UNKNOWN).
    pub fn read_failure(
        consistency: Consistency,
        received: i32,
        block_for: i32,
        failures: Failures,
        data_present: bool,
    ) -> Self {
        Self::error(DbError::ReadFailure {
            consistency,
            received,
            block_for,
            failures,
            data_present,
        })
    }

    /// WRITE_FAILURE (0x1500); failures as for [`read_failure`](Self::read_failure).
    pub fn write_failure(
        consistency: Consistency,
        received: i32,
        block_for: i32,
        failures: Failures,
        write_type: WriteType,
    ) -> Self {
        Self::error(DbError::WriteFailure {
            consistency,
            received,
            block_for,
            failures,
            write_type,
        })
    }

    /// UNPREPARED (0x2500) naming the request's own prepared id.
    pub fn unprepared() -> Self {
        Self::error(DbError::Unprepared { id: Bytes::new() })
    }

    /// UNPREPARED (0x2500) naming `id`.
    pub fn unprepared_id(id: &[u8]) -> Self {
        Self::error(DbError::Unprepared {
            id: Bytes::copy_from_slice(id),
        })
    }

    /// CAS_WRITE_UNKNOWN (0x1700, protocol v5).
    pub fn cas_write_unknown(consistency: Consistency, received: i32, block_for: i32) -> Self {
        Self::error(DbError::CasWriteUnknown {
            consistency,
            received,
            block_for,
        })
    }

    /// SYNTAX_ERROR (0x2000) with `message`.
    pub fn syntax_error(message: impl Into<String>) -> Self {
        Self::error_with_message(DbError::SyntaxError, message)
    }

    /// INVALID (0x2200) with `message`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::error_with_message(DbError::Invalid, message)
    }

    /// UNAUTHORIZED (0x2100) with `message`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::error_with_message(DbError::Unauthorized, message)
    }

    /// Delay the answer by `millis` milliseconds.
    pub fn delay_ms(millis: u64) -> Self {
        Self::Delay(Duration::from_millis(millis))
    }

    /// Answer with a frame whose header is garbage.
    pub fn corrupt_header() -> Self {
        Self::Corrupt(CorruptKind::Header)
    }

    /// Answer with a well-formed header and an undecodable body.
    pub fn corrupt_body() -> Self {
        Self::Corrupt(CorruptKind::Body)
    }

    /// Whether the action applies to new connections rather than to requests.
    pub fn is_connection_action(&self) -> bool {
        matches!(self, Self::RefuseConnection)
    }

    /// What the action does, for request records.
    pub fn effect(&self) -> FaultEffect {
        match self {
            Self::Error(e) => FaultEffect::Error(e.error.code()),
            Self::Delay(d) => FaultEffect::Delayed(*d),
            Self::NoAnswer => FaultEffect::NoAnswer,
            Self::CloseBeforeExecuting => FaultEffect::ClosedBeforeExecuting,
            Self::CloseAfterExecuting => FaultEffect::ClosedAfterExecuting,
            Self::Corrupt(kind) => FaultEffect::Corrupted(*kind),
            Self::RefuseConnection => FaultEffect::RefusedConnection,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Error(e) => write!(f, "error {:?}", e.error),
            Self::Delay(d) => write!(f, "delay {d:?}"),
            Self::NoAnswer => f.write_str("no answer"),
            Self::CloseBeforeExecuting => f.write_str("close before executing"),
            Self::CloseAfterExecuting => f.write_str("close after executing"),
            Self::Corrupt(k) => write!(f, "corrupt frame ({k:?})"),
            Self::RefuseConnection => f.write_str("refuse connection"),
        }
    }
}

/// What a fault rule did to a request (or connection), as records show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultEffect {
    /// Answered with the error of this code, without executing.
    Error(i32),
    /// Executed; the answer was held this long.
    Delayed(Duration),
    /// Executed, never answered.
    NoAnswer,
    /// Not executed; the connection was closed.
    ClosedBeforeExecuting,
    /// Executed; the connection was closed instead of answering.
    ClosedAfterExecuting,
    /// Executed; answered with a corrupt frame.
    Corrupted(CorruptKind),
    /// The connection was refused.
    RefusedConnection,
}

/// The bytes of a corrupt answer on `stream`, before any v5 segment framing.
pub fn corrupt_frame(kind: CorruptKind, version: ProtocolVersion, stream: i16) -> Vec<u8> {
    let [s0, s1] = stream.to_be_bytes();
    match kind {
        CorruptKind::Header => vec![0xFF, 0xFF, s0, s1, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0],
        CorruptKind::Body => {
            let mut out = vec![0x80 | version.as_u8(), 0, s0, s1, Opcode::Result as u8];
            let body = [0x7F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];
            out.extend_from_slice(&u32::try_from(body.len()).unwrap_or(0).to_be_bytes());
            out.extend_from_slice(&body);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cql_core::frame::{Compression, DEFAULT_MAX_BODY_LEN, read_frame};
    use cql_core::message::ResponseFrame;

    fn facts(version: ProtocolVersion) -> RequestFacts<'static> {
        RequestFacts {
            version,
            consistency: Some(Consistency::LocalQuorum),
            prepared_id: Some(&[0xab, 0xcd]),
            node_ip: [127, 0, 0, 2].into(),
        }
    }

    fn error_of(action: &Action, version: ProtocolVersion) -> CqlError {
        match action {
            Action::Error(e) => e.to_error(&facts(version)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn timeouts_and_unavailable_with_cassandra_messages() {
        let e = error_of(
            &Action::read_timeout(Consistency::Quorum, 1, 2, true),
            ProtocolVersion::V4,
        );
        assert_eq!(
            e.message,
            "Operation timed out - received only 1 responses."
        );
        assert_eq!(
            e.error,
            DbError::ReadTimeout {
                consistency: Consistency::Quorum,
                received: 1,
                block_for: 2,
                data_present: true
            }
        );
        let e = error_of(
            &Action::unavailable(Consistency::All, 3, 2),
            ProtocolVersion::V4,
        );
        assert_eq!(e.message, "Cannot achieve consistency level ALL");
        let e = error_of(
            &Action::cas_write_unknown(Consistency::Serial, 1, 2),
            ProtocolVersion::V5,
        );
        assert_eq!(
            e.message,
            "CAS operation result is unknown - proposal accepted by 1 but not a quorum."
        );
    }

    #[test]
    fn consistency_from_the_request() {
        let Action::Error(e) = Action::write_timeout(Consistency::One, 0, 1, WriteType::Simple)
        else {
            unreachable!()
        };
        let e = e.with_request_consistency();
        let DbError::WriteTimeout { consistency, .. } =
            e.to_error(&facts(ProtocolVersion::V4)).error
        else {
            panic!()
        };
        assert_eq!(consistency, Consistency::LocalQuorum);
        let no_consistency = RequestFacts {
            consistency: None,
            ..facts(ProtocolVersion::V4)
        };
        let DbError::WriteTimeout { consistency, .. } = e.to_error(&no_consistency).error else {
            panic!()
        };
        assert_eq!(consistency, Consistency::One);
    }

    #[test]
    fn unprepared_takes_the_request_id_unless_given() {
        let e = error_of(&Action::unprepared(), ProtocolVersion::V4);
        assert_eq!(
            e.error,
            DbError::Unprepared {
                id: Bytes::from_static(&[0xab, 0xcd])
            }
        );
        assert!(
            e.message
                .starts_with("Prepared query with ID abcd not found")
        );
        let e = error_of(&Action::unprepared_id(&[1]), ProtocolVersion::V4);
        assert_eq!(
            e.error,
            DbError::Unprepared {
                id: Bytes::from_static(&[1])
            }
        );
    }

    #[test]
    fn failure_counts_become_reason_maps_in_v5() {
        let action = Action::read_failure(Consistency::Quorum, 0, 2, Failures::Count(2), false);
        let v4 = error_of(&action, ProtocolVersion::V4);
        let DbError::ReadFailure { failures, .. } = &v4.error else {
            panic!()
        };
        assert_eq!(failures, &Failures::Count(2));
        assert_eq!(
            v4.message,
            "Operation failed - received 0 responses and 2 failures"
        );
        let v5 = error_of(&action, ProtocolVersion::V5);
        let DbError::ReadFailure { failures, .. } = &v5.error else {
            panic!()
        };
        let ip: IpAddr = [127, 0, 0, 2].into();
        assert_eq!(failures, &Failures::ByReplica(vec![(ip, 0), (ip, 0)]));
        let silly = Action::write_failure(
            Consistency::One,
            0,
            1,
            Failures::Count(i32::MAX),
            WriteType::Batch,
        );
        let DbError::WriteFailure { failures, .. } = error_of(&silly, ProtocolVersion::V5).error
        else {
            panic!()
        };
        assert_eq!(failures.count(), 256);
    }

    #[test]
    fn every_error_has_a_message_and_effect() {
        for action in [
            Action::overloaded(),
            Action::is_bootstrapping(),
            Action::truncate_error(),
            Action::server_error("boom"),
            Action::syntax_error("bad"),
            Action::invalid("no"),
            Action::unauthorized("nope"),
            Action::cas_write_timeout(Consistency::Serial, 0, 1, 3),
            Action::error(DbError::ConfigError),
        ] {
            let e = error_of(&action, ProtocolVersion::V5);
            assert!(!e.message.is_empty());
            assert_eq!(action.effect(), FaultEffect::Error(e.error.code()));
            assert!(!action.is_connection_action());
        }
        assert_eq!(
            error_of(&Action::server_error("boom"), ProtocolVersion::V4).message,
            "boom"
        );
        assert!(Action::RefuseConnection.is_connection_action());
        assert_eq!(Action::corrupt_body(), Action::Corrupt(CorruptKind::Body));
        assert_eq!(
            Action::corrupt_header(),
            Action::Corrupt(CorruptKind::Header)
        );
        assert_eq!(
            Action::Delay(Duration::from_millis(5)).effect(),
            FaultEffect::Delayed(Duration::from_millis(5))
        );
    }

    #[test]
    fn corrupt_frames_are_detected() {
        let v4 = ProtocolVersion::V4;
        let header = corrupt_frame(CorruptKind::Header, v4, 7);
        assert!(read_frame(&header, DEFAULT_MAX_BODY_LEN, Compression::None).is_err());
        let body = corrupt_frame(CorruptKind::Body, v4, 7);
        let (frame, used) = read_frame(&body, DEFAULT_MAX_BODY_LEN, Compression::None)
            .unwrap()
            .unwrap();
        assert_eq!(used, body.len());
        assert_eq!(frame.header.stream, 7);
        assert!(ResponseFrame::decode(&frame).is_err());
    }
}
