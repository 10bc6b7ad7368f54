//! Retry policies: what to do when a request fails. A trait, so issue 7's policies (and
//! users' own) plug in; [`DefaultRetryPolicy`] is deliberately plain.

use core::fmt;

use super::error::Error;
use crate::message::Consistency;
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

/// What a [`RetryPolicy`] is told about a failed attempt.
#[derive(Debug, Clone, Copy)]
pub struct RetryContext<'a> {
    /// The error of this attempt.
    pub error: &'a Error,
    /// Whether the statement is idempotent (safe to run twice).
    pub idempotent: bool,
    /// Attempts already retried for this request (0 on the first failure).
    pub retries: u32,
    /// The consistency the attempt used.
    pub consistency: Consistency,
}

/// Decides whether and where a failed request is tried again.
///
/// Implementations must keep the driver's safety rule: a request that may have reached a
/// node ([`Error::request_not_applied`] is false) is retried only when idempotent.
pub trait RetryPolicy: fmt::Debug + MaybeSend + MaybeSync {
    /// The decision for one failed attempt.
    fn decide(&self, ctx: &RetryContext<'_>) -> RetryDecision;
}

/// The default policy, nothing fancy: one retry on the next host when the failure shows the
/// request did not run there (unavailable, overloaded, bootstrapping) or — for idempotent
/// statements only — when the connection failed or timed out; everything else goes to the
/// caller.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefaultRetryPolicy;

impl RetryPolicy for DefaultRetryPolicy {
    fn decide(&self, ctx: &RetryContext<'_>) -> RetryDecision {
        use crate::message::DbError;
        if ctx.retries > 0 {
            return RetryDecision::Rethrow;
        }
        let next = RetryDecision::RetryNextHost { consistency: None };
        match ctx.error {
            Error::Server(e)
                if matches!(
                    e.error,
                    DbError::Unavailable { .. } | DbError::Overloaded | DbError::IsBootstrapping
                ) =>
            {
                next
            }
            Error::Connection { .. } | Error::Timeout { .. } if ctx.idempotent => next,
            _ => RetryDecision::Rethrow,
        }
    }
}

/// A policy that never retries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FallthroughRetryPolicy;

impl RetryPolicy for FallthroughRetryPolicy {
    fn decide(&self, _ctx: &RetryContext<'_>) -> RetryDecision {
        RetryDecision::Rethrow
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::ConnectionError;
    use crate::message::DbError;
    use crate::runtime::NodeAddr;
    use core::time::Duration;

    fn ctx(error: &Error, idempotent: bool, retries: u32) -> RetryContext<'_> {
        RetryContext {
            error,
            idempotent,
            retries,
            consistency: Consistency::LocalOne,
        }
    }

    #[test]
    fn default_policy_retries_only_what_is_safe() {
        let host = NodeAddr::new("h", 9042);
        let overloaded = Error::from_response(
            host.clone(),
            crate::message::ErrorResponse {
                error: DbError::Overloaded,
                message: "busy".into(),
            },
        );
        let timeout = Error::Timeout {
            host: host.clone(),
            timeout: Duration::from_secs(1),
        };
        let closed = Error::from_connection(host.clone(), ConnectionError::Closed("reset".into()));
        let invalid = Error::from_response(
            host,
            crate::message::ErrorResponse {
                error: DbError::Invalid,
                message: "no".into(),
            },
        );
        let p = DefaultRetryPolicy;
        let next = RetryDecision::RetryNextHost { consistency: None };
        assert_eq!(p.decide(&ctx(&overloaded, false, 0)), next);
        assert_eq!(
            p.decide(&ctx(&overloaded, false, 1)),
            RetryDecision::Rethrow
        );
        assert_eq!(p.decide(&ctx(&timeout, true, 0)), next);
        assert_eq!(p.decide(&ctx(&timeout, false, 0)), RetryDecision::Rethrow);
        assert_eq!(p.decide(&ctx(&closed, true, 0)), next);
        assert_eq!(p.decide(&ctx(&closed, false, 0)), RetryDecision::Rethrow);
        assert_eq!(p.decide(&ctx(&invalid, true, 0)), RetryDecision::Rethrow);
        assert_eq!(
            FallthroughRetryPolicy.decide(&ctx(&overloaded, true, 0)),
            RetryDecision::Rethrow
        );
    }
}
