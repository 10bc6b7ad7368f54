//! Speculative execution: when the driver starts another execution of a request that has
//! not answered yet, on the next host of its plan. Only idempotent requests are ever
//! executed speculatively (two executions may both apply).

use core::fmt;
use core::time::Duration;

use crate::runtime::{MaybeSend, MaybeSync};

/// Decides whether, and after how long, another execution of a running request starts.
///
/// The session asks once when the request starts (`running_executions` = 1) and again each
/// time a speculative execution starts; the first execution to succeed wins and the others
/// are cancelled.
pub trait SpeculativeExecutionPolicy: fmt::Debug + MaybeSend + MaybeSync {
    /// The delay before starting execution number `running_executions + 1`, counting from
    /// the start of the latest one, or `None` for no further execution.
    /// `running_executions` counts the executions already started, the first
    /// (non-speculative) one included.
    fn next_delay(&self, running_executions: u32, idempotent: bool) -> Option<Duration>;
}

/// The delay `policy` gives for the next execution, with the driver's rule enforced:
/// never for a request that is not idempotent.
pub fn checked_next_delay<P: SpeculativeExecutionPolicy + ?Sized>(
    policy: &P,
    running_executions: u32,
    idempotent: bool,
) -> Option<Duration> {
    if idempotent {
        policy.next_delay(running_executions, idempotent)
    } else {
        None
    }
}

/// No speculative execution (the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoSpeculativeExecutionPolicy;

impl SpeculativeExecutionPolicy for NoSpeculativeExecutionPolicy {
    fn next_delay(&self, _running_executions: u32, _idempotent: bool) -> Option<Duration> {
        None
    }
}

/// Starts another execution every `delay` until `max_executions` run (the first one
/// included, as the Java driver counts them): `max_executions` = 3 means the request plus
/// up to two speculative executions. Idempotent requests only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstantSpeculativeExecutionPolicy {
    /// Time between the start of one execution and the next.
    pub delay: Duration,
    /// Executions in total, the first included (values below 2 disable speculation).
    pub max_executions: u32,
}

impl ConstantSpeculativeExecutionPolicy {
    /// A policy starting a new execution every `delay`, up to `max_executions` in total.
    pub fn new(delay: Duration, max_executions: u32) -> Self {
        Self {
            delay,
            max_executions,
        }
    }
}

impl SpeculativeExecutionPolicy for ConstantSpeculativeExecutionPolicy {
    fn next_delay(&self, running_executions: u32, idempotent: bool) -> Option<Duration> {
        (idempotent && running_executions < self.max_executions).then_some(self.delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::sync::Arc;

    #[test]
    fn none_never_speculates() {
        for running in 0..4 {
            assert_eq!(NoSpeculativeExecutionPolicy.next_delay(running, true), None);
        }
    }

    #[test]
    fn constant_delays_up_to_the_maximum_for_idempotent_requests() {
        let ms = Duration::from_millis(50);
        let p = ConstantSpeculativeExecutionPolicy::new(ms, 3);
        assert_eq!(p.next_delay(1, true), Some(ms));
        assert_eq!(p.next_delay(2, true), Some(ms));
        assert_eq!(p.next_delay(3, true), None);
        assert_eq!(p.next_delay(10, true), None);
        for running in 1..4 {
            assert_eq!(p.next_delay(running, false), None);
        }
        for max in [0, 1] {
            let off = ConstantSpeculativeExecutionPolicy::new(ms, max);
            assert_eq!(off.next_delay(1, true), None);
        }
    }

    #[derive(Debug)]
    struct Eager;

    impl SpeculativeExecutionPolicy for Eager {
        fn next_delay(&self, _running: u32, _idempotent: bool) -> Option<Duration> {
            Some(Duration::ZERO)
        }
    }

    #[test]
    fn checked_delay_never_speculates_non_idempotent_requests() {
        let p: Arc<dyn SpeculativeExecutionPolicy> = Arc::new(Eager);
        assert_eq!(checked_next_delay(&*p, 1, false), None);
        assert_eq!(checked_next_delay(&*p, 1, true), Some(Duration::ZERO));
    }
}
