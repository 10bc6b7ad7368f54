//! [`ExecutionProfile`]: how statements run — consistency, timeouts, paging, retries,
//! load balancing and speculative execution — per profile.

use alloc::sync::Arc;
use core::fmt;
use core::time::Duration;

use crate::message::Consistency;
use crate::policies::load_balancing::LoadBalancingPolicy;
use crate::policies::retry::{DefaultRetryPolicy, RetryPolicy};
use crate::policies::speculative::SpeculativeExecutionPolicy;

/// How statements run: consistency, timeouts, paging, retries, load balancing and
/// speculative execution. The session has a default profile (the `SessionBuilder`
/// settings of the same names) and any number of named ones a statement can pick with
/// `with_execution_profile`.
#[derive(Clone)]
pub struct ExecutionProfile {
    /// Consistency level (default LOCAL_ONE).
    pub consistency: Consistency,
    /// Serial consistency of lightweight transactions (default: none sent, so the node
    /// uses SERIAL).
    pub serial_consistency: Option<Consistency>,
    /// Client-side timeout of one request (default 10 s); `None` waits for ever.
    pub request_timeout: Option<Duration>,
    /// Rows per page (default 5000); `None` or a value ≤ 0 turns paging off.
    pub page_size: Option<i32>,
    /// What to do when a request fails.
    pub retry_policy: Arc<dyn RetryPolicy>,
    /// Whether statements are idempotent unless they say otherwise (default false).
    pub idempotent: bool,
    /// Which hosts requests of this profile try, in which order (default `None`: the
    /// session's [`load_balancing_policy`](super::SessionConfig::load_balancing_policy)). Hosts
    /// this policy considers closer than the session's get pools too.
    pub load_balancing_policy: Option<Arc<dyn LoadBalancingPolicy>>,
    /// When a further execution of a slow idempotent request starts on the next host
    /// (default `None`: never).
    pub speculative_execution_policy: Option<Arc<dyn SpeculativeExecutionPolicy>>,
}

impl Default for ExecutionProfile {
    fn default() -> Self {
        Self {
            consistency: Consistency::LocalOne,
            serial_consistency: None,
            request_timeout: Some(Duration::from_secs(10)),
            page_size: Some(5000),
            retry_policy: Arc::new(DefaultRetryPolicy),
            idempotent: false,
            load_balancing_policy: None,
            speculative_execution_policy: None,
        }
    }
}

impl fmt::Debug for ExecutionProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutionProfile")
            .field("consistency", &self.consistency)
            .field("serial_consistency", &self.serial_consistency)
            .field("request_timeout", &self.request_timeout)
            .field("page_size", &self.page_size)
            .field("retry_policy", &self.retry_policy)
            .field("idempotent", &self.idempotent)
            .field("load_balancing_policy", &self.load_balancing_policy)
            .field(
                "speculative_execution_policy",
                &self.speculative_execution_policy,
            )
            .finish()
    }
}

impl ExecutionProfile {
    /// Sets the consistency level.
    #[must_use]
    pub fn with_consistency(mut self, consistency: Consistency) -> Self {
        self.consistency = consistency;
        self
    }

    /// Sets the serial consistency.
    #[must_use]
    pub fn with_serial_consistency(mut self, consistency: Option<Consistency>) -> Self {
        self.serial_consistency = consistency;
        self
    }

    /// Sets the request timeout.
    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the page size.
    #[must_use]
    pub fn with_page_size(mut self, page_size: Option<i32>) -> Self {
        self.page_size = page_size;
        self
    }

    /// Sets the retry policy.
    #[must_use]
    pub fn with_retry_policy(mut self, policy: Arc<dyn RetryPolicy>) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Sets the idempotence default.
    #[must_use]
    pub fn with_idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Sets the load-balancing policy of this profile's requests.
    #[must_use]
    pub fn with_load_balancing_policy(mut self, policy: Arc<dyn LoadBalancingPolicy>) -> Self {
        self.load_balancing_policy = Some(policy);
        self
    }

    /// Sets the speculative execution policy (idempotent requests only).
    #[must_use]
    pub fn with_speculative_execution_policy(
        mut self,
        policy: Arc<dyn SpeculativeExecutionPolicy>,
    ) -> Self {
        self.speculative_execution_policy = Some(policy);
        self
    }
}
