//! [`DowngradingConsistencyRetryPolicy`]: retries at a lower consistency when the requested
//! one cannot be met (the Python driver's policy).

use super::{DefaultRetryPolicy, FailureKind, RetryContext, RetryDecision, RetryPolicy};
use crate::message::{Consistency, WriteType};

/// Retries with a lower consistency level than requested when the coordinator's answer
/// shows the requested one cannot be reached now — **trading consistency for
/// availability**: a read at `QUORUM` may then miss a preceding `QUORUM` write. Use it only
/// knowingly (the Python driver deprecates it; the Java driver 4 ships it as an example).
///
/// The Python driver's decisions, on the first failure only (later ones are rethrown):
///
/// | failure | decision |
/// |---------|----------|
/// | read timeout at `SERIAL`/`LOCAL_SERIAL` | rethrow |
/// | read timeout, fewer answers than needed | retry on the same host at `THREE`/`TWO`/`ONE` for 3+/2/1 answers; rethrow for 0 |
/// | read timeout, enough answers but no data | retry on the same host at the same level |
/// | write timeout `SIMPLE`, `BATCH`, `COUNTER` | ignore (success) if at least one replica acknowledged, else rethrow |
/// | write timeout `UNLOGGED_BATCH` | retry on the same host at the level the acknowledgements allow (as for reads) |
/// | write timeout `BATCH_LOG` | retry on the same host at the same level |
/// | unavailable at a serial level | retry on the next host (the Paxos phase failed) |
/// | unavailable | retry on the same host at the level the live replicas allow |
/// | anything else | as [`DefaultRetryPolicy`] |
///
/// Unlike the Python driver, the write-timeout retries (`UNLOGGED_BATCH`, `BATCH_LOG`) are
/// made for idempotent requests only: the driver never resends a write that may have been
/// applied unless it is idempotent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DowngradingConsistencyRetryPolicy;

/// The retry at the highest level `responses` replicas can satisfy, or rethrow.
fn downgrade(responses: i32) -> RetryDecision {
    let consistency = match responses {
        3.. => Consistency::Three,
        2 => Consistency::Two,
        1 => Consistency::One,
        _ => return RetryDecision::Rethrow,
    };
    RetryDecision::RetrySameHost {
        consistency: Some(consistency),
    }
}

impl RetryPolicy for DowngradingConsistencyRetryPolicy {
    fn decide(&self, ctx: &RetryContext<'_>) -> RetryDecision {
        let kind = ctx.kind();
        let timeout_or_unavailable = matches!(
            kind,
            FailureKind::ReadTimeout { .. }
                | FailureKind::WriteTimeout { .. }
                | FailureKind::Unavailable { .. }
        );
        if timeout_or_unavailable && ctx.retries != 0 {
            return RetryDecision::Rethrow;
        }
        match kind {
            FailureKind::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            } => {
                if consistency.is_serial() {
                    RetryDecision::Rethrow
                } else if received < block_for {
                    downgrade(received)
                } else if !data_present {
                    RetryDecision::SAME_HOST
                } else {
                    RetryDecision::Rethrow
                }
            }
            FailureKind::WriteTimeout {
                received,
                write_type,
                ..
            } => match write_type {
                WriteType::Simple | WriteType::Batch | WriteType::Counter if received > 0 => {
                    RetryDecision::Ignore
                }
                WriteType::UnloggedBatch if ctx.idempotent => downgrade(received),
                WriteType::BatchLog if ctx.idempotent => RetryDecision::SAME_HOST,
                _ => RetryDecision::Rethrow,
            },
            FailureKind::Unavailable {
                consistency, alive, ..
            } => {
                if consistency.is_serial() {
                    RetryDecision::NEXT_HOST
                } else {
                    downgrade(alive)
                }
            }
            _ => DefaultRetryPolicy.decide(ctx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::checked_decision;
    use super::super::test_errors::*;
    use super::*;
    use crate::message::DbError;

    fn decide(error: &Failed, idempotent: bool, retries: u32) -> RetryDecision {
        let ctx = RetryContext::new(error.attempt(), idempotent, retries, Consistency::Quorum);
        let decision = DowngradingConsistencyRetryPolicy.decide(&ctx);
        assert_eq!(
            checked_decision(&DowngradingConsistencyRetryPolicy, &ctx),
            decision
        );
        decision
    }

    fn at(c: Consistency) -> RetryDecision {
        RetryDecision::RetrySameHost {
            consistency: Some(c),
        }
    }

    use RetryDecision::{Ignore, Rethrow};

    #[test]
    fn read_timeouts_downgrade_to_what_answered() {
        assert_eq!(
            decide(&read_timeout(3, 4, true), false, 0),
            at(Consistency::Three)
        );
        assert_eq!(
            decide(&read_timeout(5, 6, false), true, 0),
            at(Consistency::Three)
        );
        assert_eq!(
            decide(&read_timeout(2, 3, true), false, 0),
            at(Consistency::Two)
        );
        assert_eq!(
            decide(&read_timeout(1, 2, true), false, 0),
            at(Consistency::One)
        );
        assert_eq!(decide(&read_timeout(0, 2, true), false, 0), Rethrow);
        assert_eq!(
            decide(&read_timeout(2, 2, false), false, 0),
            RetryDecision::SAME_HOST
        );
        assert_eq!(decide(&read_timeout(2, 2, true), false, 0), Rethrow);
        assert_eq!(decide(&read_timeout(1, 2, true), false, 1), Rethrow);
        assert_eq!(decide(&serial_read_timeout(1, 2), true, 0), Rethrow);
    }

    #[test]
    fn write_timeouts_ignore_persisted_writes_and_downgrade_unlogged_batches() {
        for wt in [WriteType::Simple, WriteType::Batch, WriteType::Counter] {
            for idempotent in [true, false] {
                assert_eq!(
                    decide(&write_timeout(wt.clone(), 1, 2), idempotent, 0),
                    Ignore
                );
                assert_eq!(
                    decide(&write_timeout(wt.clone(), 0, 2), idempotent, 0),
                    Rethrow
                );
                assert_eq!(
                    decide(&write_timeout(wt.clone(), 1, 2), idempotent, 1),
                    Rethrow
                );
            }
        }
        let unlogged = |received| write_timeout(WriteType::UnloggedBatch, received, 3);
        assert_eq!(decide(&unlogged(2), true, 0), at(Consistency::Two));
        assert_eq!(decide(&unlogged(0), true, 0), Rethrow);
        assert_eq!(decide(&unlogged(2), false, 0), Rethrow, "never resent");
        let batch_log = write_timeout(WriteType::BatchLog, 0, 2);
        assert_eq!(decide(&batch_log, true, 0), RetryDecision::SAME_HOST);
        assert_eq!(decide(&batch_log, false, 0), Rethrow);
        for wt in [WriteType::Cas, WriteType::View, WriteType::Cdc] {
            assert_eq!(decide(&write_timeout(wt, 1, 2), true, 0), Rethrow);
        }
    }

    #[test]
    fn unavailable_downgrades_or_moves_on_for_serial() {
        for idempotent in [true, false] {
            assert_eq!(
                decide(&unavailable(3, 2), idempotent, 0),
                at(Consistency::Two)
            );
            assert_eq!(decide(&unavailable(3, 0), idempotent, 0), Rethrow);
            assert_eq!(decide(&unavailable(3, 2), idempotent, 1), Rethrow);
            assert_eq!(
                decide(&serial_unavailable(), idempotent, 0),
                RetryDecision::NEXT_HOST
            );
        }
    }

    #[test]
    fn other_errors_as_the_default_policy() {
        for e in [
            server(DbError::Overloaded),
            server(DbError::IsBootstrapping),
            read_failure(),
            client_timeout(),
            closed(),
            server(DbError::Invalid),
        ] {
            for idempotent in [true, false] {
                for retries in [0, 1] {
                    let ctx = RetryContext::new(e.attempt(), idempotent, retries, Consistency::One);
                    assert_eq!(
                        DowngradingConsistencyRetryPolicy.decide(&ctx),
                        DefaultRetryPolicy.decide(&ctx),
                        "{e}"
                    );
                }
            }
        }
    }
}
