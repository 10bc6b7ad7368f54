//! Striped counters: a count kept in a few cache-line-padded parts, each thread adding
//! to its own part, so threads counting the same thing do not fight over one cache line
//! (metrics are counted on every request, from every worker thread).
//!
//! With std, a thread's part is fixed at its first count (threads take parts in turn);
//! without std (one thread in browsers and edge functions) every count goes to part 0.

use core::sync::atomic::{AtomicU64, Ordering};

/// How many parts a striped value has (one without std: a single thread counts).
pub(crate) const STRIPES: usize = if cfg!(feature = "std") { 4 } else { 1 };

/// A value alone on its cache line(s) (128 bytes: adjacent-line prefetching pairs lines).
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Padded<T>(pub(crate) T);

impl<T> core::ops::Deref for Padded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// The part the current thread counts into, in `0..STRIPES`.
#[cfg(feature = "std")]
pub(crate) fn stripe() -> usize {
    use core::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::thread_local! {
        static STRIPE: usize = NEXT.fetch_add(1, Ordering::Relaxed) % STRIPES;
    }
    STRIPE.try_with(|s| *s).unwrap_or(0)
}

/// The part the current thread counts into: always 0 without std.
#[cfg(not(feature = "std"))]
pub(crate) fn stripe() -> usize {
    0
}

/// A counter added to from many threads and read rarely.
#[derive(Debug, Default)]
pub(crate) struct StripedCounter {
    parts: [Padded<AtomicU64>; STRIPES],
}

impl StripedCounter {
    /// Adds `n` to the current thread's part.
    pub(crate) fn add(&self, n: u64) {
        self.add_to(stripe(), n);
    }

    /// Adds `n` to part `stripe` (a value of [`stripe`], for callers that update other
    /// striped values of the same thread too).
    pub(crate) fn add_to(&self, stripe: usize, n: u64) {
        if let Some(p) = self.parts.get(stripe) {
            p.0.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// The total (parts read one after the other: counts made meanwhile may be missed).
    pub(crate) fn get(&self) -> u64 {
        self.parts
            .iter()
            .fold(0u64, |sum, p| sum.wrapping_add(p.0.load(Ordering::Relaxed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_across_threads() {
        let c = std::sync::Arc::new(StripedCounter::default());
        let threads: std::vec::Vec<_> = (0..6)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        c.add(1);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(c.get(), 6000);
        assert!(stripe() < STRIPES);
        assert_eq!(core::mem::align_of::<Padded<u8>>(), 128);
    }
}
