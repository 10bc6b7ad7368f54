//! Client-side write timestamps: [`TimestampGenerator`] and the default
//! [`MonotonicTimestampGenerator`] (the Python driver's behaviour).

use core::fmt;
use core::sync::atomic::{AtomicI64, Ordering};

use crate::runtime::{MaybeSend, MaybeSync};

/// Gives each request its default timestamp (microseconds since the Unix epoch).
pub trait TimestampGenerator: fmt::Debug + MaybeSend + MaybeSync {
    /// The timestamp for the next request, given the wall clock now; `None` lets the
    /// node assign one.
    fn next_timestamp(&self, wall_clock_micros: i64) -> Option<i64>;
}

/// Strictly increasing timestamps from the wall clock: the clock reading, or one
/// microsecond past the last timestamp when the clock has not moved on (many requests in
/// one microsecond, or the clock stepped back). Warns (through `tracing`) when the clock is
/// more than [`warning_threshold_micros`](Self::with_warning) behind, at most once per
/// warning interval.
#[derive(Debug)]
pub struct MonotonicTimestampGenerator {
    last: AtomicI64,
    last_warning: AtomicI64,
    warning_threshold: i64,
    warning_interval: i64,
}

impl Default for MonotonicTimestampGenerator {
    fn default() -> Self {
        Self::new()
    }
}

impl MonotonicTimestampGenerator {
    /// A generator that warns when the clock is more than 1 s behind, at most once a second.
    pub const fn new() -> Self {
        Self {
            last: AtomicI64::new(i64::MIN),
            last_warning: AtomicI64::new(i64::MIN),
            warning_threshold: 1_000_000,
            warning_interval: 1_000_000,
        }
    }

    /// A generator with its own drift warning threshold and interval, in microseconds
    /// (a threshold of 0 turns the warning off).
    pub const fn with_warning(threshold_micros: i64, interval_micros: i64) -> Self {
        Self {
            last: AtomicI64::new(i64::MIN),
            last_warning: AtomicI64::new(i64::MIN),
            warning_threshold: threshold_micros,
            warning_interval: interval_micros,
        }
    }

    fn maybe_warn(&self, now: i64, last: i64) {
        if self.warning_threshold <= 0 || last.saturating_sub(now) <= self.warning_threshold {
            return;
        }
        let previous = self.last_warning.load(Ordering::Relaxed);
        if previous != i64::MIN && now.saturating_sub(previous) < self.warning_interval {
            return;
        }
        if self
            .last_warning
            .compare_exchange(previous, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            tracing::warn!(
                drift_micros = last.saturating_sub(now),
                "clock skew detected: timestamps run ahead of the wall clock"
            );
        }
    }
}

impl TimestampGenerator for MonotonicTimestampGenerator {
    fn next_timestamp(&self, wall_clock_micros: i64) -> Option<i64> {
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let next = if wall_clock_micros > last {
                wall_clock_micros
            } else {
                last.saturating_add(1)
            };
            match self
                .last
                .compare_exchange_weak(last, next, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => {
                    if next != wall_clock_micros {
                        self.maybe_warn(wall_clock_micros, next);
                    }
                    return Some(next);
                }
                Err(current) => last = current,
            }
        }
    }
}

/// Leaves timestamps to the node.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerSideTimestamps;

impl TimestampGenerator for ServerSideTimestamps {
    fn next_timestamp(&self, _wall_clock_micros: i64) -> Option<i64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::sync::Arc;
    use alloc::vec::Vec;

    #[test]
    fn follows_the_clock_and_never_repeats() {
        let g = MonotonicTimestampGenerator::new();
        assert_eq!(g.next_timestamp(1_000), Some(1_000));
        assert_eq!(g.next_timestamp(1_000), Some(1_001));
        assert_eq!(g.next_timestamp(1_000), Some(1_002));
        assert_eq!(g.next_timestamp(5_000), Some(5_000));
        // The clock stepped back: keep increasing.
        assert_eq!(g.next_timestamp(10), Some(5_001));
        assert_eq!(ServerSideTimestamps.next_timestamp(10), None);
    }

    #[test]
    fn strictly_increasing_across_threads() {
        let g = Arc::new(MonotonicTimestampGenerator::with_warning(0, 0));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let g = Arc::clone(&g);
                std::thread::spawn(move || {
                    (0..1000)
                        .map(|_| g.next_timestamp(42).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<i64> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        for chunk in all.chunks(1000) {
            assert!(chunk.windows(2).all(|w| w[0] < w[1]));
        }
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 4000);
        assert_eq!(all[0], 42);
    }
}
