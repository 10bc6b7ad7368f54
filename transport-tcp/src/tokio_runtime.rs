//! [`TokioRuntime`]: the driver's [`Runtime`] on tokio.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cql_core::runtime::{BoxFuture, Instant, Runtime};
use tokio::runtime::Handle;

/// Spawning, sleeping and clocks on tokio.
///
/// By default tasks go to the tokio runtime current where [`Runtime::spawn`] is called
/// (calling it outside a tokio runtime panics, as `tokio::spawn` does);
/// [`with_handle`](Self::with_handle) pins them to one runtime instead.
///
/// [`Runtime::now`] reads tokio's clock, so tests that pause time (`tokio::time::pause`)
/// pause the driver's timeouts and heartbeats too.
#[derive(Debug, Clone, Default)]
pub struct TokioRuntime {
    handle: Option<Handle>,
}

impl TokioRuntime {
    /// A runtime that spawns onto the tokio runtime current at each spawn.
    pub fn new() -> Self {
        Self::default()
    }

    /// A runtime that spawns onto the runtime behind `handle` (usable from any thread).
    pub fn with_handle(handle: Handle) -> Self {
        Self {
            handle: Some(handle),
        }
    }
}

/// The process-wide origin of [`Runtime::now`], fixed at its first reading.
fn origin() -> tokio::time::Instant {
    static ORIGIN: OnceLock<tokio::time::Instant> = OnceLock::new();
    *ORIGIN.get_or_init(tokio::time::Instant::now)
}

impl Runtime for TokioRuntime {
    fn spawn(&self, task: BoxFuture<'static, ()>) {
        // The JoinHandle is dropped: the task runs detached until it completes.
        match &self.handle {
            Some(handle) => drop(handle.spawn(task)),
            None => drop(tokio::spawn(task)),
        }
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        // The timer is created on first poll, inside whatever runtime polls it, so the
        // future can be made anywhere.
        Box::pin(async move { tokio::time::sleep(duration).await })
    }

    fn now(&self) -> Instant {
        let origin = origin();
        let elapsed = tokio::time::Instant::now().saturating_duration_since(origin);
        Instant::from_nanos(u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX))
    }

    fn wall_clock_micros(&self) -> i64 {
        let micros = |d: Duration| i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => micros(after),
            Err(before) => -micros(before.duration()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_is_near_system_time() {
        let rt = TokioRuntime::new();
        let expected = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_micros() as i64;
        let got = rt.wall_clock_micros();
        assert!((got - expected).abs() < 5_000_000, "{got} vs {expected}");
    }

    #[test]
    fn now_is_monotonic_outside_a_runtime() {
        let rt = TokioRuntime::new();
        let a = rt.now();
        std::thread::sleep(Duration::from_millis(2));
        let b = rt.now();
        assert!(b - a >= Duration::from_millis(2));
    }
}
