//! Retry policies, where the session has always exported them; they live in
//! [`crate::policies::retry`] with the other policies.

pub use crate::policies::retry::{
    DefaultRetryPolicy, DowngradingConsistencyRetryPolicy, FailureKind, FallthroughRetryPolicy,
    RetryContext, RetryDecision, RetryPolicy, checked_decision,
};
