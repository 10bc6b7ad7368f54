//! Stream-id allocation: ids `0..=32767` from a bitmap, found with a find-first-free scan
//! over 64-bit words.

use alloc::vec;
use alloc::vec::Vec;

/// The number of stream ids a client may use per connection in protocol v3 and later.
pub const MAX_STREAMS: usize = 32_768;

/// A set of stream ids, each free or taken.
#[derive(Debug, Clone)]
pub struct StreamIds {
    /// One bit per id, set when taken.
    words: Vec<u64>,
    /// How many ids exist (`1..=MAX_STREAMS`).
    capacity: usize,
    taken: usize,
    /// The word to start the next search at (every word before it was full when it was
    /// set; freeing an id moves it back).
    hint: usize,
}

impl StreamIds {
    /// A set of `capacity` ids (clamped to `1..=MAX_STREAMS`), all free.
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.clamp(1, MAX_STREAMS);
        let mut words = vec![0u64; capacity.div_ceil(64)];
        // Bits beyond capacity in the last word are permanently taken.
        let extra = words.len() * 64 - capacity;
        if extra > 0 {
            if let Some(last) = words.last_mut() {
                *last = !0u64 << (64 - extra);
            }
        }
        Self {
            words,
            capacity,
            taken: 0,
            hint: 0,
        }
    }

    /// The lowest free id, now taken; `None` when every id is taken.
    pub fn allocate(&mut self) -> Option<i16> {
        if self.taken >= self.capacity {
            return None;
        }
        let n = self.words.len();
        for k in 0..n {
            let i = (self.hint + k) % n;
            let Some(word) = self.words.get_mut(i) else {
                continue;
            };
            if *word != u64::MAX {
                let bit = word.trailing_ones() as usize;
                *word |= 1u64 << bit;
                self.taken += 1;
                self.hint = i;
                return i16::try_from(i * 64 + bit).ok();
            }
        }
        None
    }

    /// Frees `id`; returns whether it was taken.
    pub fn release(&mut self, id: i16) -> bool {
        let Some((i, mask)) = self.locate(id) else {
            return false;
        };
        let Some(word) = self.words.get_mut(i) else {
            return false;
        };
        if *word & mask == 0 {
            return false;
        }
        *word &= !mask;
        self.taken -= 1;
        if i < self.hint {
            self.hint = i;
        }
        true
    }

    /// Whether `id` is taken.
    pub fn is_taken(&self, id: i16) -> bool {
        self.locate(id)
            .and_then(|(i, mask)| self.words.get(i).map(|w| w & mask != 0))
            .unwrap_or(false)
    }

    /// Ids taken.
    pub fn taken(&self) -> usize {
        self.taken
    }

    /// Ids free.
    pub fn free(&self) -> usize {
        self.capacity - self.taken
    }

    /// How many ids exist.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn locate(&self, id: i16) -> Option<(usize, u64)> {
        let id = usize::try_from(id).ok().filter(|&id| id < self.capacity)?;
        Some((id / 64, 1u64 << (id % 64)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocates_lowest_free_and_exhausts() {
        let mut ids = StreamIds::new(MAX_STREAMS);
        for expected in 0..MAX_STREAMS {
            assert_eq!(ids.allocate(), Some(expected as i16));
        }
        assert_eq!(ids.allocate(), None);
        assert!(ids.release(1000));
        assert!(!ids.release(1000));
        assert_eq!(ids.allocate(), Some(1000));
        assert_eq!(ids.free(), 0);
    }

    #[test]
    fn small_capacity_and_bad_ids() {
        let mut ids = StreamIds::new(3);
        assert_eq!(ids.allocate(), Some(0));
        assert_eq!(ids.allocate(), Some(1));
        assert_eq!(ids.allocate(), Some(2));
        assert_eq!(ids.allocate(), None);
        assert!(!ids.release(-1));
        assert!(!ids.release(3));
        assert!(ids.release(0));
        assert!(!ids.is_taken(0));
        assert!(ids.is_taken(1));
        assert_eq!(ids.allocate(), Some(0));
    }
}
