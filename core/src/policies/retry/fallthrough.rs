//! [`FallthroughRetryPolicy`]: every error goes to the caller.

use super::{RetryContext, RetryDecision, RetryPolicy};

/// A policy that never retries: every failed attempt's error goes to the caller, for
/// applications that retry themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FallthroughRetryPolicy;

impl RetryPolicy for FallthroughRetryPolicy {
    fn decide(&self, _ctx: &RetryContext<'_>) -> RetryDecision {
        RetryDecision::Rethrow
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_errors::*;
    use super::*;
    use crate::message::{Consistency, DbError, WriteType};

    #[test]
    fn never_retries() {
        for e in [
            read_timeout(2, 2, false),
            write_timeout(WriteType::BatchLog, 0, 1),
            unavailable(2, 1),
            server(DbError::IsBootstrapping),
            server(DbError::Overloaded),
            client_timeout(),
            closed(),
        ] {
            for idempotent in [false, true] {
                let ctx = RetryContext::new(e.attempt(), idempotent, 0, Consistency::One);
                assert_eq!(FallthroughRetryPolicy.decide(&ctx), RetryDecision::Rethrow);
            }
        }
    }
}
