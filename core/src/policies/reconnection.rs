//! Reconnection: how long the driver waits between attempts to reconnect to a host it
//! lost. Each lost host gets its own [`ReconnectionSchedule`]; a successful connection
//! drops it, and the next loss starts a fresh one.

use alloc::boxed::Box;
use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};
use core::time::Duration;

use super::rng::SplitMix64;
use crate::runtime::{MaybeSend, MaybeSync};

/// The delays before each reconnection attempt to one host.
pub trait ReconnectionSchedule: fmt::Debug + MaybeSend {
    /// The delay before the next attempt (the first call gives the delay before the first
    /// attempt). Schedules never end: the driver keeps trying.
    fn next_delay(&mut self) -> Duration;
}

/// Makes a [`ReconnectionSchedule`] for each host the driver loses.
pub trait ReconnectionPolicy: fmt::Debug + MaybeSend + MaybeSync {
    /// A fresh schedule, for a host that just went down.
    fn new_schedule(&self) -> Box<dyn ReconnectionSchedule>;
}

/// The same delay before every attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstantReconnectionPolicy {
    /// The delay before each attempt.
    pub delay: Duration,
}

impl ConstantReconnectionPolicy {
    /// A policy waiting `delay` before every attempt.
    pub fn new(delay: Duration) -> Self {
        Self { delay }
    }
}

/// The schedule of a [`ConstantReconnectionPolicy`].
#[derive(Debug, Clone, Copy)]
pub struct ConstantSchedule {
    delay: Duration,
}

impl ReconnectionSchedule for ConstantSchedule {
    fn next_delay(&mut self) -> Duration {
        self.delay
    }
}

impl ReconnectionPolicy for ConstantReconnectionPolicy {
    fn new_schedule(&self) -> Box<dyn ReconnectionSchedule> {
        Box::new(ConstantSchedule { delay: self.delay })
    }
}

/// The default seed of the jitter; the session replaces it with one from its runtime's
/// clock ([`ExponentialReconnectionPolicy::with_seed`]).
const DEFAULT_SEED: u64 = 0x0DDB_A11C_0FFE_E5ED;

/// Delays doubling from `base` up to `max`, each with a random jitter of ±15% (the Java
/// driver 4's and the Python driver's), clamped to `[base, max]`: attempt `n` (from 0)
/// waits about `min(base × 2ⁿ, max)`. Jitter keeps hosts lost together (a rack, a network
/// partition) from being retried in lockstep.
///
/// Default: base 1 s, max 10 minutes, jitter on. The arithmetic saturates: no overflow
/// however long a host stays down. With jitter, delays grow monotonically until they reach
/// the maximum, then vary within its last 15%.
#[derive(Debug)]
pub struct ExponentialReconnectionPolicy {
    base: Duration,
    max: Duration,
    jitter: bool,
    seed: u64,
    counter: AtomicUsize,
}

impl ExponentialReconnectionPolicy {
    /// Delays from `base` doubling up to `max` (raised to `base` if smaller), with jitter.
    pub fn new(base: Duration, max: Duration) -> Self {
        Self {
            base,
            max: max.max(base),
            jitter: true,
            seed: DEFAULT_SEED,
            counter: AtomicUsize::new(0),
        }
    }

    /// Turns the ±15% jitter on (default) or off.
    #[must_use]
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Seeds the jitter (same seed, same sequence of schedules).
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The first delay before jitter.
    pub fn base(&self) -> Duration {
        self.base
    }

    /// The largest delay.
    pub fn max(&self) -> Duration {
        self.max
    }

    /// A schedule with a concrete type (what [`ReconnectionPolicy::new_schedule`] boxes).
    pub fn schedule(&self) -> ExponentialSchedule {
        let rng = self.jitter.then(|| {
            let stream = self.counter.fetch_add(1, Ordering::Relaxed);
            SplitMix64::for_stream(self.seed, stream as u64)
        });
        ExponentialSchedule {
            base: self.base,
            max: self.max,
            attempt: 0,
            rng,
        }
    }
}

impl Default for ExponentialReconnectionPolicy {
    fn default() -> Self {
        Self::new(Duration::from_secs(1), Duration::from_secs(600))
    }
}

impl ReconnectionPolicy for ExponentialReconnectionPolicy {
    fn new_schedule(&self) -> Box<dyn ReconnectionSchedule> {
        Box::new(self.schedule())
    }
}

/// The schedule of an [`ExponentialReconnectionPolicy`].
#[derive(Debug, Clone)]
pub struct ExponentialSchedule {
    base: Duration,
    max: Duration,
    attempt: u32,
    rng: Option<SplitMix64>,
}

impl ExponentialSchedule {
    /// `min(base × 2^attempt, max)`, saturating (computed in nanoseconds, `u128`).
    fn ideal(&self) -> Duration {
        let max = self.max.as_nanos();
        let nanos = 1u128
            .checked_shl(self.attempt)
            .and_then(|factor| self.base.as_nanos().checked_mul(factor))
            .map_or(max, |n| n.min(max));
        duration_from_nanos(nanos)
    }
}

impl ReconnectionSchedule for ExponentialSchedule {
    fn next_delay(&mut self) -> Duration {
        let ideal = self.ideal();
        if ideal < self.max {
            self.attempt += 1;
        }
        let Some(rng) = &mut self.rng else {
            return ideal;
        };
        let percent = 85 + u128::from(rng.below(31));
        let jittered = ideal.as_nanos() * percent / 100;
        let nanos = jittered.min(self.max.as_nanos()).max(self.base.as_nanos());
        duration_from_nanos(nanos)
    }
}

/// A duration of `nanos` nanoseconds (saturating at `Duration::MAX`).
fn duration_from_nanos(nanos: u128) -> Duration {
    const NANOS_PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / NANOS_PER_SEC).unwrap_or(u64::MAX);
    let sub = (nanos % NANOS_PER_SEC) as u32;
    Duration::new(secs, sub)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn delays(schedule: &mut dyn ReconnectionSchedule, n: usize) -> Vec<Duration> {
        (0..n).map(|_| schedule.next_delay()).collect()
    }

    #[test]
    fn constant_is_constant() {
        let p = ConstantReconnectionPolicy::new(Duration::from_millis(250));
        let mut s = p.new_schedule();
        assert!(
            delays(&mut *s, 5)
                .iter()
                .all(|&d| d == Duration::from_millis(250))
        );
    }

    #[test]
    fn exponential_doubles_up_to_the_cap_without_jitter() {
        let p = ExponentialReconnectionPolicy::default().with_jitter(false);
        assert_eq!(p.base(), Duration::from_secs(1));
        assert_eq!(p.max(), Duration::from_secs(600));
        let d = delays(&mut *p.new_schedule(), 14);
        let secs: Vec<u64> = d.iter().map(Duration::as_secs).collect();
        assert_eq!(
            secs,
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600, 600]
        );
        assert!(d.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn exponential_jitter_stays_within_15_percent_and_the_bounds() {
        let p = ExponentialReconnectionPolicy::default().with_seed(42);
        let mut saw_below = false;
        let mut saw_above = false;
        for _ in 0..50 {
            let mut s = p.schedule();
            let mut previous: Option<(Duration, Duration)> = None;
            for attempt in 0..20u32 {
                let ideal = Duration::from_secs(1u64 << attempt.min(20)).min(p.max());
                let d = s.next_delay();
                assert!(d >= p.base() && d <= p.max(), "{d:?}");
                assert!(
                    d.as_nanos() * 100 >= ideal.as_nanos() * 85,
                    "{d:?} vs {ideal:?}"
                );
                assert!(
                    d.as_nanos() * 100 <= ideal.as_nanos() * 115,
                    "{d:?} vs {ideal:?}"
                );
                saw_below |= d < ideal;
                saw_above |= d > ideal;
                // Monotone while the next ideal delay is below the cap.
                if let Some((prev, prev_ideal)) = previous {
                    if ideal < p.max() {
                        assert!(d > prev, "{prev:?} then {d:?} (ideal {prev_ideal:?})");
                    }
                }
                previous = Some((d, ideal));
            }
        }
        assert!(saw_below && saw_above);
        // Same seed, same schedules; distinct schedules differ.
        let a = ExponentialReconnectionPolicy::default().with_seed(9);
        let b = ExponentialReconnectionPolicy::default().with_seed(9);
        let (da, db) = (delays(&mut a.schedule(), 10), delays(&mut b.schedule(), 10));
        assert_eq!(da, db);
        assert_ne!(da, delays(&mut a.schedule(), 10));
    }

    #[test]
    fn exponential_never_overflows() {
        let huge = ExponentialReconnectionPolicy::new(Duration::MAX / 2, Duration::MAX);
        let mut s = huge.schedule();
        for _ in 0..100 {
            let d = s.next_delay();
            assert!(d >= Duration::MAX / 2);
        }
        let tiny = ExponentialReconnectionPolicy::new(Duration::from_nanos(1), Duration::MAX)
            .with_jitter(false);
        let mut s = tiny.schedule();
        let d = delays(&mut s, 200);
        assert!(d.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(d[199], Duration::MAX);
        // max below base is raised to base.
        let odd =
            ExponentialReconnectionPolicy::new(Duration::from_secs(5), Duration::from_secs(1));
        assert_eq!(odd.max(), Duration::from_secs(5));
        assert_eq!(odd.schedule().next_delay(), Duration::from_secs(5));
        let zero = ExponentialReconnectionPolicy::new(Duration::ZERO, Duration::from_secs(1));
        assert_eq!(zero.schedule().next_delay(), Duration::ZERO);
    }
}
