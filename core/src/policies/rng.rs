//! A tiny seedable pseudo-random generator (SplitMix64) for shuffles and jitter.
//!
//! Not cryptographic; it only spreads load and desynchronizes retries. Core never reads a
//! random source itself: policies take a seed (the session derives one from its runtime's
//! clock) and mix in a counter, so their choices are reproducible in tests.

/// SplitMix64: one `u64` of state, full period, good enough statistical quality for
/// spreading load.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// A generator for the `stream`-th use of a policy seeded with `seed`: distinct streams
    /// of one seed give unrelated sequences.
    pub(crate) fn for_stream(seed: u64, stream: u64) -> Self {
        let mut mixer = Self::new(seed ^ stream.wrapping_mul(0xD134_2543_DE82_EF95));
        Self::new(mixer.next_u64())
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..bound` (0 when `bound` is 0), by Lemire's multiply-shift (the tiny
    /// bias is irrelevant here).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        let wide = u128::from(self.next_u64()) * u128::from(bound);
        (wide >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_bounded() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        assert_eq!(a.next_u64(), b.next_u64());
        let mut c = SplitMix64::for_stream(7, 1);
        let mut d = SplitMix64::for_stream(7, 2);
        assert_ne!(c.next_u64(), d.next_u64());
        let mut counts = [0u32; 5];
        for _ in 0..5000 {
            let v = a.below(5);
            assert!(v < 5);
            counts[v as usize] += 1;
        }
        assert!(counts.iter().all(|&n| n > 800), "{counts:?}");
        assert_eq!(a.below(0), 0);
    }
}
