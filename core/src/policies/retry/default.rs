//! [`DefaultRetryPolicy`]: Cassandra's retry semantics, as the Java driver 4 applies them.

use super::{FailureKind, RetryContext, RetryDecision, RetryPolicy};
use crate::message::WriteType;

/// The default policy: retries only where Cassandra's answer shows a retry can succeed and
/// cannot apply a write twice.
///
/// | failure | decision |
/// |---------|----------|
/// | read timeout | once on the same host, when enough replicas answered (`received >= block_for`) but the data replica did not (`!data_present`): the retry will likely find the data |
/// | write timeout | once on the same host, only for `BATCH_LOG` writes (the batch log write timed out, the batch itself was not written yet) and only for idempotent requests, as in the Java driver 4 (the Python driver does not check idempotence here) |
/// | unavailable | once on the next host (the coordinator may have a stale view of its peers); the request did not run, so any request |
/// | bootstrapping / unknown prepared id | on the next host, any request: the node did not run it |
/// | overloaded, server error, truncate error, CAS outcome unknown, CDC failure, connection lost | on the next host for idempotent requests, else rethrow (a connection that failed before the request was written: any request) |
/// | client-side timeout | once on the next host for idempotent requests (each attempt waits a whole request timeout, so one retry bounds the latency at twice the timeout), else rethrow |
/// | read / write failure | rethrow (a replica failed, e.g. too many tombstones: another coordinator meets the same replicas), as both reference drivers do |
/// | anything else (syntax, invalid, unauthorized, authentication, protocol...) | rethrow |
///
/// "Once" means only when no retry happened yet for the request ([`RetryContext::retries`]
/// is 0); next-host retries for the other errors are bounded by the query plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefaultRetryPolicy;

impl RetryPolicy for DefaultRetryPolicy {
    fn decide(&self, ctx: &RetryContext<'_>) -> RetryDecision {
        let first = ctx.retries == 0;
        match ctx.kind() {
            FailureKind::ReadTimeout {
                received,
                block_for,
                data_present,
                ..
            } => {
                if first && received >= block_for && !data_present {
                    RetryDecision::SAME_HOST
                } else {
                    RetryDecision::Rethrow
                }
            }
            FailureKind::WriteTimeout { write_type, .. } => {
                if first && ctx.idempotent && *write_type == WriteType::BatchLog {
                    RetryDecision::SAME_HOST
                } else {
                    RetryDecision::Rethrow
                }
            }
            FailureKind::Unavailable { .. } => {
                if first {
                    RetryDecision::NEXT_HOST
                } else {
                    RetryDecision::Rethrow
                }
            }
            FailureKind::NotExecuted => RetryDecision::NEXT_HOST,
            FailureKind::ClientTimeout => {
                if first && ctx.idempotent {
                    RetryDecision::NEXT_HOST
                } else {
                    RetryDecision::Rethrow
                }
            }
            FailureKind::Overloaded
            | FailureKind::ServerSide(_)
            | FailureKind::Connection { .. } => {
                if ctx.idempotent || !ctx.may_have_been_applied() {
                    RetryDecision::NEXT_HOST
                } else {
                    RetryDecision::Rethrow
                }
            }
            FailureKind::ReplicaFailure(_) | FailureKind::Unrecoverable => RetryDecision::Rethrow,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::checked_decision;
    use super::super::test_errors::*;
    use super::*;
    use crate::message::{Consistency, DbError};

    fn decide(error: &Failed, idempotent: bool, retries: u32) -> RetryDecision {
        let ctx = RetryContext::new(error.attempt(), idempotent, retries, Consistency::Quorum);
        let decision = DefaultRetryPolicy.decide(&ctx);
        // The policy keeps the safety rule by itself.
        assert_eq!(checked_decision(&DefaultRetryPolicy, &ctx), decision);
        decision
    }

    use RetryDecision::Rethrow;
    const SAME: RetryDecision = RetryDecision::SAME_HOST;
    const NEXT: RetryDecision = RetryDecision::NEXT_HOST;

    #[test]
    fn read_timeout_retried_once_on_the_same_host_when_data_was_missing() {
        for idempotent in [true, false] {
            assert_eq!(decide(&read_timeout(2, 2, false), idempotent, 0), SAME);
            assert_eq!(decide(&read_timeout(3, 2, false), idempotent, 0), SAME);
            assert_eq!(decide(&read_timeout(2, 2, false), idempotent, 1), Rethrow);
            assert_eq!(decide(&read_timeout(1, 2, false), idempotent, 0), Rethrow);
            assert_eq!(decide(&read_timeout(2, 2, true), idempotent, 0), Rethrow);
        }
    }

    #[test]
    fn write_timeout_retried_once_only_for_idempotent_batch_log_writes() {
        assert_eq!(
            decide(&write_timeout(WriteType::BatchLog, 0, 1), true, 0),
            SAME
        );
        assert_eq!(
            decide(&write_timeout(WriteType::BatchLog, 0, 1), true, 1),
            Rethrow
        );
        assert_eq!(
            decide(&write_timeout(WriteType::BatchLog, 0, 1), false, 0),
            Rethrow
        );
        for wt in [
            WriteType::Simple,
            WriteType::Batch,
            WriteType::UnloggedBatch,
            WriteType::Counter,
            WriteType::Cas,
            WriteType::View,
            WriteType::Cdc,
        ] {
            for idempotent in [true, false] {
                assert_eq!(
                    decide(&write_timeout(wt.clone(), 1, 2), idempotent, 0),
                    Rethrow,
                    "{wt:?}"
                );
            }
        }
    }

    #[test]
    fn unavailable_tried_once_on_the_next_host_for_any_request() {
        for idempotent in [true, false] {
            assert_eq!(decide(&unavailable(3, 1), idempotent, 0), NEXT);
            assert_eq!(decide(&unavailable(3, 1), idempotent, 1), Rethrow);
        }
    }

    #[test]
    fn not_executed_goes_to_the_next_host() {
        for idempotent in [true, false] {
            for retries in [0, 3] {
                assert_eq!(
                    decide(&server(DbError::IsBootstrapping), idempotent, retries),
                    NEXT
                );
            }
        }
    }

    #[test]
    fn errors_that_may_have_applied_retry_only_idempotent_requests() {
        let cases = [
            server(DbError::Overloaded),
            server(DbError::ServerError),
            server(DbError::TruncateError),
            server(DbError::CdcWriteFailure),
            server(DbError::Other(0x1234)),
            cas_unknown(),
            closed(),
        ];
        for e in &cases {
            assert_eq!(decide(e, true, 0), NEXT, "{e}");
            assert_eq!(decide(e, true, 2), NEXT, "{e}: bounded by the plan");
            assert_eq!(decide(e, false, 0), Rethrow, "{e}");
        }
        // A client-side timeout: once.
        assert_eq!(decide(&client_timeout(), true, 0), NEXT);
        assert_eq!(decide(&client_timeout(), true, 1), Rethrow);
        assert_eq!(decide(&client_timeout(), false, 0), Rethrow);
        // A connection that failed before the request was written: any request.
        assert_eq!(decide(&handshake_failed(), false, 0), NEXT);
    }

    #[test]
    fn failures_and_request_errors_are_rethrown() {
        for e in [
            read_failure(),
            write_failure(),
            server(DbError::SyntaxError),
            server(DbError::Invalid),
            server(DbError::Unauthorized),
            server(DbError::ConfigError),
            server(DbError::ProtocolError),
            server(DbError::FunctionFailure {
                keyspace: "ks".into(),
                function: "f".into(),
                arg_types: alloc::vec![],
            }),
            server(DbError::AlreadyExists {
                keyspace: "ks".into(),
                table: "t".into(),
            }),
            authentication(),
            invalid_argument(),
            protocol_error(),
        ] {
            for idempotent in [true, false] {
                assert_eq!(decide(&e, idempotent, 0), Rethrow, "{e}");
            }
        }
    }
}
