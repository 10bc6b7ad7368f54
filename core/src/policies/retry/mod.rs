//! Retry policies: what to do when an attempt fails — give the error to the caller, try
//! the same host again, try the next host of the plan, or pretend it succeeded.
//!
//! * [`RetryPolicy`] is the trait; [`RetryContext`] tells it about the failed attempt and
//!   classifies the error ([`FailureKind`]).
//! * [`DefaultRetryPolicy`]: Cassandra's semantics, as the Java driver 4 implements them.
//! * [`FallthroughRetryPolicy`]: never retries.
//! * [`DowngradingConsistencyRetryPolicy`]: the Python driver's downgrading policy.
//! * [`checked_decision`]: what the session calls — the policy's decision with the
//!   driver's safety rule enforced.
//!
//! **The rule:** a request that is not idempotent is never sent again once it may have been
//! applied ([`RetryContext::may_have_been_applied`]): after a write timeout, a client-side
//! timeout, a connection lost while it was in flight, or an error the coordinator may have
//! raised half-way (server error, overloaded, truncate, CAS outcome unknown...). Errors
//! that prove it did not run (unavailable, bootstrapping, read timeout, syntax...) may be
//! retried whatever the idempotence.

mod default;
mod downgrading;
mod fallthrough;

pub use default::DefaultRetryPolicy;
pub use downgrading::DowngradingConsistencyRetryPolicy;
pub use fallthrough::FallthroughRetryPolicy;

use core::fmt;

use crate::connection::ConnectionError;
use crate::message::{Consistency, DbError, WriteType};
use crate::runtime::{MaybeSend, MaybeSync};

/// What a [`RetryPolicy`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Give the error to the caller.
    Rethrow,
    /// Send the request again to the same host, at `consistency` (or the same one).
    RetrySameHost {
        /// A different consistency, or `None` to keep the request's.
        consistency: Option<Consistency>,
    },
    /// Send the request to the next host of the plan, at `consistency` (or the same one).
    RetryNextHost {
        /// A different consistency, or `None` to keep the request's.
        consistency: Option<Consistency>,
    },
    /// Pretend the request succeeded with an empty result.
    Ignore,
}

impl RetryDecision {
    /// Whether the decision sends the request again.
    pub fn is_retry(self) -> bool {
        matches!(
            self,
            Self::RetrySameHost { .. } | Self::RetryNextHost { .. }
        )
    }

    /// Retry on the same host at the same consistency.
    pub const SAME_HOST: Self = Self::RetrySameHost { consistency: None };
    /// Retry on the next host at the same consistency.
    pub const NEXT_HOST: Self = Self::RetryNextHost { consistency: None };
}

/// How one attempt failed, as a retry policy sees it: what can go wrong while a request
/// is tried on one host (the session's whole-request errors — no host available, a closed
/// session — never reach a policy).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum AttemptError<'a> {
    /// The node answered with an ERROR (every field it sent is in the [`DbError`]).
    Server(&'a DbError),
    /// The client-side request timeout expired: the request may still run on the node.
    ClientTimeout,
    /// The connection failed before or while the request was in flight.
    Connection(&'a ConnectionError),
    /// Something retrying cannot fix: an answer that could not be read, a request that
    /// could not be written (`not_applied`: it certainly never reached the node).
    Unrecoverable {
        /// The request certainly never ran.
        not_applied: bool,
    },
}

/// What a [`RetryPolicy`] is told about a failed attempt.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RetryContext<'a> {
    /// The error of this attempt.
    pub error: AttemptError<'a>,
    /// Whether the statement is idempotent (safe to run twice).
    pub idempotent: bool,
    /// Retries already made for this request (0 on the first failure).
    pub retries: u32,
    /// The consistency the attempt used.
    pub consistency: Consistency,
}

impl<'a> RetryContext<'a> {
    /// The context of a failed attempt.
    pub fn new(
        error: AttemptError<'a>,
        idempotent: bool,
        retries: u32,
        consistency: Consistency,
    ) -> Self {
        Self {
            error,
            idempotent,
            retries,
            consistency,
        }
    }

    /// The node's error code and details, if the node answered with an ERROR.
    pub fn db_error(&self) -> Option<&'a DbError> {
        match self.error {
            AttemptError::Server(e) => Some(e),
            _ => None,
        }
    }

    /// The failure, classified for retry decisions, with the fields that matter.
    pub fn kind(&self) -> FailureKind<'a> {
        FailureKind::of(self.error)
    }

    /// Whether the request may have been applied (fully or partly) despite the error, so
    /// that running it again could apply it twice. Conservative: `true` unless the error
    /// shows the request was not executed (or executed no write): a server error that
    /// proves it ([`DbError::certainly_not_applied`]), a connection that failed before
    /// the request was written, a request that could not be written.
    pub fn may_have_been_applied(&self) -> bool {
        match self.error {
            AttemptError::Server(e) => !e.certainly_not_applied(),
            AttemptError::ClientTimeout => true,
            AttemptError::Connection(e) => connection_in_flight(e),
            AttemptError::Unrecoverable { not_applied } => !not_applied,
        }
    }
}

/// A failed attempt, classified the way retry decisions need it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum FailureKind<'a> {
    /// READ_TIMEOUT: the coordinator got `received` of `block_for` answers in time.
    ReadTimeout {
        /// The consistency the coordinator applied.
        consistency: Consistency,
        /// Answers received.
        received: i32,
        /// Answers needed.
        block_for: i32,
        /// Whether the replica asked for the data answered.
        data_present: bool,
    },
    /// WRITE_TIMEOUT: `received` of `block_for` acknowledgements in time.
    WriteTimeout {
        /// The consistency the coordinator applied.
        consistency: Consistency,
        /// Acknowledgements received.
        received: i32,
        /// Acknowledgements needed.
        block_for: i32,
        /// The kind of write.
        write_type: &'a WriteType,
    },
    /// UNAVAILABLE: the coordinator knew too few replicas alive and did not run the request.
    Unavailable {
        /// The consistency the coordinator applied.
        consistency: Consistency,
        /// Replicas needed.
        required: i32,
        /// Replicas alive.
        alive: i32,
    },
    /// The node refused to run the request (bootstrapping, or it does not know the
    /// prepared statement): another node can.
    NotExecuted,
    /// OVERLOADED: the coordinator shed load (possibly after part of a multi-partition
    /// write was sent, so it counts as possibly applied).
    Overloaded,
    /// A server-side failure that may have happened mid-way: SERVER_ERROR, TRUNCATE_ERROR,
    /// CAS_WRITE_UNKNOWN, CDC_WRITE_FAILURE or an unknown code.
    ServerSide(&'a DbError),
    /// READ_FAILURE or WRITE_FAILURE: replicas answered with a failure (tombstone overflow,
    /// a corrupt sstable...), which another attempt would most likely meet again.
    ReplicaFailure(&'a DbError),
    /// The client-side timeout expired: the request may still run on the node.
    ClientTimeout,
    /// The connection failed; `in_flight` tells whether the request may have been sent.
    Connection {
        /// `false` when the connection failed before the request could be written
        /// (handshake, authentication, version, compression, an unencodable request).
        in_flight: bool,
    },
    /// A problem retrying cannot fix: an invalid or unauthorized statement, a syntax error,
    /// a failing function, a protocol violation, an authentication failure, a value that
    /// could not be written or read, a closed session.
    Unrecoverable,
}

impl<'a> FailureKind<'a> {
    /// The classification of `error`.
    pub fn of(error: AttemptError<'a>) -> Self {
        match error {
            AttemptError::Server(e) => Self::of_db_error(e),
            AttemptError::ClientTimeout => Self::ClientTimeout,
            AttemptError::Connection(source) => Self::Connection {
                in_flight: connection_in_flight(source),
            },
            AttemptError::Unrecoverable { .. } => Self::Unrecoverable,
        }
    }

    /// The classification of an ERROR code and its details.
    pub fn of_db_error(error: &'a DbError) -> Self {
        match error {
            DbError::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            } => Self::ReadTimeout {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                data_present: *data_present,
            },
            DbError::WriteTimeout {
                consistency,
                received,
                block_for,
                write_type,
                ..
            } => Self::WriteTimeout {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                write_type,
            },
            DbError::Unavailable {
                consistency,
                required,
                alive,
            } => Self::Unavailable {
                consistency: *consistency,
                required: *required,
                alive: *alive,
            },
            DbError::IsBootstrapping | DbError::Unprepared { .. } => Self::NotExecuted,
            DbError::Overloaded => Self::Overloaded,
            DbError::ServerError
            | DbError::TruncateError
            | DbError::CasWriteUnknown { .. }
            | DbError::CdcWriteFailure
            | DbError::Other(_) => Self::ServerSide(error),
            DbError::ReadFailure { .. } | DbError::WriteFailure { .. } => {
                Self::ReplicaFailure(error)
            }
            DbError::ProtocolError
            | DbError::BadCredentials
            | DbError::FunctionFailure { .. }
            | DbError::SyntaxError
            | DbError::Unauthorized
            | DbError::Invalid
            | DbError::ConfigError
            | DbError::AlreadyExists { .. } => Self::Unrecoverable,
        }
    }
}

/// Whether a connection error may have happened after the request was written.
fn connection_in_flight(error: &ConnectionError) -> bool {
    !matches!(
        error,
        ConnectionError::Handshake(_)
            | ConnectionError::Authentication(_)
            | ConnectionError::UnsupportedVersion(_)
            | ConnectionError::Compression(_)
            | ConnectionError::InvalidRequest(_)
    )
}

/// Decides whether and where a failed request is tried again.
///
/// Implementations should keep the driver's safety rule (see the [module docs](self)); the
/// session enforces it anyway through [`checked_decision`].
pub trait RetryPolicy: fmt::Debug + MaybeSend + MaybeSync {
    /// The decision for one failed attempt.
    fn decide(&self, ctx: &RetryContext<'_>) -> RetryDecision;
}

/// The decision of `policy` for `ctx`, with the safety rule enforced: a retry of a
/// non-idempotent request that may have been applied becomes [`RetryDecision::Rethrow`].
pub fn checked_decision<P: RetryPolicy + ?Sized>(
    policy: &P,
    ctx: &RetryContext<'_>,
) -> RetryDecision {
    let decision = policy.decide(ctx);
    if decision.is_retry() && !ctx.idempotent && ctx.may_have_been_applied() {
        RetryDecision::Rethrow
    } else {
        decision
    }
}

#[cfg(test)]
pub(crate) mod test_errors;

#[cfg(test)]
mod tests {
    use super::test_errors::*;
    use super::*;

    #[test]
    fn classification_keeps_the_fields() {
        let e = read_timeout(1, 2, false);
        let ctx = RetryContext::new(e.attempt(), false, 0, Consistency::Quorum);
        assert_eq!(
            ctx.kind(),
            FailureKind::ReadTimeout {
                consistency: Consistency::Quorum,
                received: 1,
                block_for: 2,
                data_present: false
            }
        );
        assert!(ctx.db_error().is_some());
        assert!(!ctx.may_have_been_applied());
        let e = write_timeout(WriteType::BatchLog, 0, 1);
        assert!(matches!(
            FailureKind::of(e.attempt()),
            FailureKind::WriteTimeout {
                write_type: WriteType::BatchLog,
                received: 0,
                block_for: 1,
                ..
            }
        ));
        let e = unavailable(3, 1);
        assert!(matches!(
            FailureKind::of(e.attempt()),
            FailureKind::Unavailable {
                required: 3,
                alive: 1,
                ..
            }
        ));
    }

    #[test]
    fn what_may_have_been_applied() {
        let applied = [
            write_timeout(WriteType::Simple, 0, 1),
            server(DbError::Overloaded),
            server(DbError::ServerError),
            server(DbError::TruncateError),
            server(DbError::CdcWriteFailure),
            server(DbError::Other(0x7777)),
            write_failure(),
            cas_unknown(),
            client_timeout(),
            closed(),
            protocol_error(),
        ];
        for e in &applied {
            assert!(
                RetryContext::new(e.attempt(), false, 0, Consistency::One).may_have_been_applied(),
                "{e}"
            );
        }
        let not_applied = [
            read_timeout(2, 2, false),
            unavailable(2, 1),
            server(DbError::IsBootstrapping),
            read_failure(),
            handshake_failed(),
        ];
        for e in &not_applied {
            assert!(
                !RetryContext::new(e.attempt(), false, 0, Consistency::One).may_have_been_applied(),
                "{e}"
            );
        }
        // Unrecoverable: the context refines with Error::request_not_applied.
        fn ctx(e: &Failed) -> RetryContext<'_> {
            RetryContext::new(e.attempt(), false, 0, Consistency::One)
        }
        for e in [server(DbError::SyntaxError), invalid_argument()] {
            assert!(!ctx(&e).may_have_been_applied(), "{e}");
        }
        for e in [protocol_error(), authentication()] {
            assert!(ctx(&e).may_have_been_applied(), "{e}");
        }
        for e in [
            server(DbError::SyntaxError),
            server(DbError::Invalid),
            server(DbError::Unauthorized),
            server(DbError::ConfigError),
            server(DbError::ProtocolError),
            authentication(),
            invalid_argument(),
        ] {
            assert_eq!(
                FailureKind::of(e.attempt()),
                FailureKind::Unrecoverable,
                "{e}"
            );
        }
    }

    #[derive(Debug)]
    struct AlwaysRetry;

    impl RetryPolicy for AlwaysRetry {
        fn decide(&self, _ctx: &RetryContext<'_>) -> RetryDecision {
            RetryDecision::NEXT_HOST
        }
    }

    #[test]
    fn checked_decision_never_resends_a_non_idempotent_request_that_may_have_run() {
        let timeout = write_timeout(WriteType::Simple, 0, 1);
        fn ctx(e: &test_errors::Failed, idempotent: bool) -> RetryContext<'_> {
            RetryContext::new(e.attempt(), idempotent, 0, Consistency::One)
        }
        assert_eq!(
            checked_decision(&AlwaysRetry, &ctx(&timeout, false)),
            RetryDecision::Rethrow
        );
        assert_eq!(
            checked_decision(&AlwaysRetry, &ctx(&timeout, true)),
            RetryDecision::NEXT_HOST
        );
        let unavailable = unavailable(2, 1);
        assert_eq!(
            checked_decision(&AlwaysRetry, &ctx(&unavailable, false)),
            RetryDecision::NEXT_HOST
        );
        let policy: &dyn RetryPolicy = &AlwaysRetry;
        assert_eq!(
            checked_decision(policy, &ctx(&client_timeout(), false)),
            RetryDecision::Rethrow
        );
        assert!(RetryDecision::SAME_HOST.is_retry());
        assert!(!RetryDecision::Ignore.is_retry() && !RetryDecision::Rethrow.is_retry());
    }
}
