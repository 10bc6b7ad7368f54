//! [`LatencyHistogram`]: a fixed log-linear histogram of durations in microseconds, the
//! shape HdrHistogram uses. Recording is a handful of relaxed atomic operations and never
//! allocates; percentiles come from a [`LatencySnapshot`].
//!
//! Values below 128 µs have a bucket each; above, every power of two is split into 64
//! equal buckets, so a reported percentile is at most 1/64 (1.6 %) above the true value.
//! Values up to 2^36 µs (about 19 hours) are resolved; larger ones land in the last
//! bucket (the exact maximum is kept apart).

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;

use crate::sync::stripe::{STRIPES, StripedCounter, stripe};

/// log2 of the buckets each power of two is split into.
const SUB_BITS: u32 = 6;
/// Buckets per power of two (and the values below that are exact).
const SUB: u64 = 1 << SUB_BITS;
/// Values at or above `2^MAX_EXP` µs share the last bucket.
const MAX_EXP: u32 = 36;
/// The largest value with a bucket of its own precision.
const MAX_VALUE: u64 = (1 << MAX_EXP) - 1;
/// Number of buckets: `SUB` exact ones, then `SUB` per power of two from `2^SUB_BITS`.
const BUCKETS: usize = (SUB + (MAX_EXP - SUB_BITS) as u64 * SUB) as usize;

/// The bucket of `micros`.
fn bucket_of(micros: u64) -> usize {
    let v = micros.min(MAX_VALUE);
    if v < SUB {
        return v as usize;
    }
    let exp = 63 - v.leading_zeros();
    let shift = exp - SUB_BITS;
    let mantissa = (v >> shift) - SUB;
    (SUB + u64::from(shift) * SUB + mantissa) as usize
}

/// The smallest and largest values of bucket `index`.
fn bucket_range(index: usize) -> (u64, u64) {
    let i = index as u64;
    if i < SUB {
        return (i, i);
    }
    let shift = (i - SUB) / SUB;
    let mantissa = (i - SUB) % SUB;
    let low = (SUB + mantissa) << shift;
    (low, low + (1 << shift) - 1)
}

fn micros_of(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// A concurrent latency histogram: record from any number of tasks, read percentiles
/// through [`snapshot`](Self::snapshot).
///
/// Values below 128 µs have a bucket each; above, every power of two is split into 64
/// equal buckets, so a reported percentile is at most 1/64 (1.6 %) above the true value
/// (HdrHistogram's log-linear shape). Values up to 2^36 µs (about 19 hours) are resolved;
/// larger ones land in the last bucket (the exact maximum is kept apart).
pub struct LatencyHistogram {
    /// One set of buckets per stripe (see `sync::stripe`): each worker thread records
    /// into its own, and a snapshot adds them up.
    stripes: Box<[Box<[AtomicU64]>]>,
    sum: StripedCounter,
    min: AtomicU64,
    max: AtomicU64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for LatencyHistogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LatencyHistogram")
            .field(&self.snapshot())
            .finish()
    }
}

impl LatencyHistogram {
    /// An empty histogram (its buckets take 16 KiB per stripe — 4 with std, 1 without —
    /// allocated once here).
    pub fn new() -> Self {
        Self {
            stripes: (0..STRIPES)
                .map(|_| (0..BUCKETS).map(|_| AtomicU64::new(0)).collect())
                .collect(),
            sum: StripedCounter::default(),
            min: AtomicU64::new(u64::MAX),
            max: AtomicU64::new(0),
        }
    }

    /// Records one duration (microsecond resolution). Lock-free, allocation-free.
    pub fn record(&self, latency: Duration) {
        let us = micros_of(latency);
        let stripe = stripe();
        self.sum.add_to(stripe, us);
        if let Some(b) = self
            .stripes
            .get(stripe)
            .and_then(|buckets| buckets.get(bucket_of(us)))
        {
            b.fetch_add(1, Ordering::Relaxed);
        }
        // Read first: the extremes rarely change, and a read leaves the line shared.
        if us < self.min.load(Ordering::Relaxed) {
            self.min.fetch_min(us, Ordering::Relaxed);
        }
        if us > self.max.load(Ordering::Relaxed) {
            self.max.fetch_max(us, Ordering::Relaxed);
        }
    }

    /// The recorded values so far: count, mean, extremes and percentiles. Reading while
    /// others record gives a view that may miss the latest few values.
    pub fn snapshot(&self) -> LatencySnapshot {
        let mut buckets = Vec::new();
        let mut count = 0u64;
        for i in 0..BUCKETS {
            let n = self
                .stripes
                .iter()
                .filter_map(|buckets| buckets.get(i))
                .fold(0u64, |n, b| n.wrapping_add(b.load(Ordering::Relaxed)));
            if n > 0 {
                count += n;
                buckets.push((i as u32, n));
            }
        }
        LatencySnapshot::from_parts(
            buckets,
            count,
            self.sum.get(),
            self.min.load(Ordering::Relaxed),
            self.max.load(Ordering::Relaxed),
        )
    }
}

/// A histogram's state at one moment: the usual summary as fields, any other percentile
/// through [`percentile`](Self::percentile). Plain data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LatencySnapshot {
    /// Values recorded.
    pub count: u64,
    /// The mean (zero when empty).
    pub mean: Duration,
    /// The smallest value (exact; zero when empty).
    pub min: Duration,
    /// The median.
    pub p50: Duration,
    /// The 75th percentile.
    pub p75: Duration,
    /// The 95th percentile.
    pub p95: Duration,
    /// The 99th percentile.
    pub p99: Duration,
    /// The 99.9th percentile.
    pub p999: Duration,
    /// The largest value (exact; zero when empty).
    pub max: Duration,
    /// Non-empty buckets: (index, count), by index.
    buckets: Vec<(u32, u64)>,
    /// Exact sum of the values in microseconds.
    sum_micros: u64,
}

impl LatencySnapshot {
    fn from_parts(buckets: Vec<(u32, u64)>, count: u64, sum: u64, min: u64, max: u64) -> Self {
        let mut s = Self {
            count,
            buckets,
            sum_micros: sum,
            ..Self::default()
        };
        if count == 0 {
            return s;
        }
        s.min = Duration::from_micros(min.min(max));
        s.max = Duration::from_micros(max);
        let mean_nanos = u128::from(sum) * 1000 / u128::from(count);
        s.mean = Duration::from_nanos(u64::try_from(mean_nanos).unwrap_or(u64::MAX));
        s.p50 = s.percentile(50.0);
        s.p75 = s.percentile(75.0);
        s.p95 = s.percentile(95.0);
        s.p99 = s.percentile(99.0);
        s.p999 = s.percentile(99.9);
        s
    }

    /// The value `percentile` % of the recorded values are at or below (0 to 100;
    /// clamped), as HdrHistogram reports it: the highest value of the bucket holding that
    /// rank, never above the exact maximum nor below the exact minimum. Zero when empty.
    pub fn percentile(&self, percentile: f64) -> Duration {
        if self.count == 0 {
            return Duration::ZERO;
        }
        let p = if percentile.is_nan() {
            0.0
        } else {
            percentile.clamp(0.0, 100.0)
        };
        // The rank (1-based) of the value asked for: ceil(p / 100 * count), in integers
        // (parts per billion; no float rounding functions without std).
        const PPB: u128 = 1_000_000_000;
        let ppb = (p * 1e7 + 0.5) as u128;
        let rank = (ppb * u128::from(self.count)).div_ceil(PPB);
        let rank = u64::try_from(rank)
            .unwrap_or(u64::MAX)
            .max(1)
            .min(self.count);
        let mut seen = 0u64;
        for &(index, n) in &self.buckets {
            seen += n;
            if seen >= rank {
                // The last bucket also holds everything beyond the range.
                let high = match index as usize {
                    i if i + 1 >= BUCKETS => u64::MAX,
                    i => bucket_range(i).1,
                };
                let us = high.min(micros_of(self.max)).max(micros_of(self.min));
                return Duration::from_micros(us);
            }
        }
        self.max
    }

    /// The exact sum of the recorded values.
    pub fn sum(&self) -> Duration {
        Duration::from_micros(self.sum_micros)
    }

    /// What was recorded after `earlier` (a snapshot of the same histogram): counts and
    /// percentiles of that interval. The interval's minimum and maximum are only known to
    /// bucket precision.
    #[must_use]
    pub fn since(&self, earlier: &LatencySnapshot) -> LatencySnapshot {
        let mut old = earlier.buckets.iter().peekable();
        let mut buckets = Vec::new();
        let mut count = 0u64;
        for &(index, n) in &self.buckets {
            while old.next_if(|(i, _)| *i < index).is_some() {}
            let before = old.next_if(|(i, _)| *i == index).map_or(0, |(_, m)| *m);
            let n = n.saturating_sub(before);
            if n > 0 {
                count += n;
                buckets.push((index, n));
            }
        }
        let (min, max) = match (buckets.first(), buckets.last()) {
            (Some(&(lo, _)), Some(&(hi, _))) => {
                let min = bucket_range(lo as usize).0.max(micros_of(self.min));
                let max = bucket_range(hi as usize).1.min(micros_of(self.max));
                (min, max)
            }
            _ => (0, 0),
        };
        let sum = self.sum_micros.saturating_sub(earlier.sum_micros);
        LatencySnapshot::from_parts(buckets, count, sum, min, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    /// The exact percentile of sorted values, as the histogram defines the rank
    /// (ceil(p / 100 * n), without the float error of 0.999 * n).
    fn exact(sorted: &[u64], p: f64) -> u64 {
        let rank =
            ((p / 100.0 * sorted.len() as f64 - 1e-9).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    /// A reported value is at or above the exact one and within one bucket (1/64) of it.
    fn assert_close(got: Duration, want: u64, what: &str) {
        let got = micros_of(got);
        let tolerance = want / SUB + 1;
        assert!(
            got >= want && got <= want + tolerance,
            "{what}: got {got} µs, want {want} µs (+{tolerance})"
        );
    }

    fn check_against_exact(values: &[u64]) {
        let h = LatencyHistogram::new();
        for &v in values {
            h.record(us(v));
        }
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let s = h.snapshot();
        assert_eq!(s.count, values.len() as u64);
        assert_eq!(s.max, us(*sorted.last().unwrap()));
        assert_eq!(s.min, us(sorted[0]));
        let sum: u64 = values.iter().sum();
        assert_eq!(s.sum(), us(sum));
        let mean = sum as f64 / values.len() as f64;
        assert!((s.mean.as_secs_f64() * 1e6 - mean).abs() < 0.01, "{s:?}");
        for (p, got) in [
            (50.0, s.p50),
            (75.0, s.p75),
            (95.0, s.p95),
            (99.0, s.p99),
            (99.9, s.p999),
            (100.0, s.max),
        ] {
            assert_close(got, exact(&sorted, p), &alloc::format!("p{p}"));
        }
        for p in [0.0, 1.0, 10.0, 33.3, 90.0, 99.99] {
            assert_close(s.percentile(p), exact(&sorted, p), &alloc::format!("p{p}"));
        }
    }

    #[test]
    fn buckets_are_contiguous_and_cover_the_range() {
        assert_eq!(BUCKETS, 1984);
        let mut next = 0u64;
        for i in 0..BUCKETS {
            let (low, high) = bucket_range(i);
            assert_eq!(low, next, "bucket {i}");
            assert!(high >= low);
            // Relative width at most 1/64 above the exact range.
            assert!(high - low <= low / SUB, "bucket {i}: {low}..={high}");
            assert_eq!(bucket_of(low), i);
            assert_eq!(bucket_of(high), i);
            next = high + 1;
        }
        assert_eq!(next, MAX_VALUE + 1);
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
        for v in 0..128 {
            assert_eq!(bucket_range(bucket_of(v)), (v, v), "exact below 128");
        }
    }

    #[test]
    fn uniform_distribution() {
        let values: Vec<u64> = (1..=10_000).collect();
        check_against_exact(&values);
        let h = LatencyHistogram::new();
        for v in values {
            h.record(us(v));
        }
        let s = h.snapshot();
        assert_eq!(s.mean, Duration::from_nanos(5_000_500));
        assert_close(s.p50, 5000, "p50");
        assert_close(s.p99, 9900, "p99");
    }

    /// A deterministic pseudo-random sequence (splitmix64) for the distributions below.
    fn rng(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed;
        move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn exponential_distribution() {
        let mut r = rng(7);
        // Mean 2 ms, the long right tail of request latencies.
        let values: Vec<u64> = (0..50_000)
            .map(|_| (-2000.0 * (1.0 - r()).ln()) as u64)
            .collect();
        check_against_exact(&values);
    }

    #[test]
    fn log_normal_and_bimodal_distributions() {
        let mut r = rng(42);
        let mut normal = move || {
            // Box-Muller.
            let (a, b) = (r().max(1e-12), r());
            (-2.0 * a.ln()).sqrt() * (2.0 * core::f64::consts::PI * b).cos()
        };
        let log_normal: Vec<u64> = (0..20_000)
            .map(|_| (6.0 + 1.5 * normal()).exp() as u64)
            .collect();
        check_against_exact(&log_normal);
        // 90 % fast local reads around 300 µs, 10 % slow ones around 80 ms.
        let bimodal: Vec<u64> = (0..20_000)
            .map(|i| {
                let jitter = (normal() * 20.0).abs() as u64;
                if i % 10 == 0 {
                    80_000 + jitter * 100
                } else {
                    300 + jitter
                }
            })
            .collect();
        check_against_exact(&bimodal);
    }

    #[test]
    fn constant_values_report_themselves_exactly() {
        let h = LatencyHistogram::new();
        for _ in 0..1000 {
            h.record(us(12_345));
        }
        let s = h.snapshot();
        // Clamped to the exact extremes, so no bucket rounding shows.
        for d in [s.min, s.p50, s.p99, s.p999, s.max, s.mean] {
            assert_eq!(d, us(12_345));
        }
    }

    #[test]
    fn empty_and_out_of_range_values() {
        let h = LatencyHistogram::new();
        assert_eq!(h.snapshot(), LatencySnapshot::default());
        assert_eq!(h.snapshot().percentile(50.0), Duration::ZERO);
        h.record(Duration::from_secs(100 * 3600));
        h.record(Duration::ZERO);
        h.record(Duration::from_nanos(999));
        let s = h.snapshot();
        assert_eq!(s.count, 3);
        assert_eq!(s.min, Duration::ZERO);
        assert_eq!(s.max, Duration::from_secs(100 * 3600));
        assert_eq!(s.percentile(100.0), s.max);
        assert_eq!(s.p50, Duration::ZERO);
        assert_eq!(s.percentile(f64::NAN), Duration::ZERO);
        assert_eq!(s.percentile(500.0), s.max);
        let _ = alloc::format!("{h:?}");
    }

    #[test]
    fn interval_snapshots_subtract() {
        let h = LatencyHistogram::new();
        for v in 1..=100 {
            h.record(us(v));
        }
        let first = h.snapshot();
        for _ in 0..100 {
            h.record(us(5000));
        }
        let interval = h.snapshot().since(&first);
        assert_eq!(interval.count, 100);
        assert_close(interval.p50, 5000, "interval p50");
        // The interval's minimum is its lowest bucket's start.
        assert!(interval.min <= us(5000) && interval.min >= us(5000 - 5000 / SUB));
        assert_eq!(interval.sum(), us(500_000));
        assert_eq!(interval.mean, us(5000));
        assert_eq!(h.snapshot().since(&h.snapshot()).count, 0);
    }

    #[test]
    fn concurrent_recording_loses_nothing() {
        let h = std::sync::Arc::new(LatencyHistogram::new());
        let threads: Vec<_> = (0..4u64)
            .map(|t| {
                let h = h.clone();
                std::thread::spawn(move || {
                    for v in 0..10_000u64 {
                        h.record(us(v * 4 + t));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let s = h.snapshot();
        assert_eq!(s.count, 40_000);
        assert_eq!(s.max, us(39_999));
        assert_eq!(s.min, us(0));
        let values: Vec<u64> = (0..40_000).collect();
        assert_close(s.p50, exact(&values, 50.0), "p50");
    }
}
