//! Which of a rule's matches it acts on: every one, the first N, every Nth, or those after
//! the first N. Each rule counts the requests (or connections) its matcher matched.

use std::fmt;

/// Which matches a rule acts on. Matches are numbered from 1 per rule, counting every
/// request the rule's matcher matched, whether or not the rule (or another) acted on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CountFilter {
    /// Every match.
    #[default]
    Always,
    /// Matches 1..=N (then the rule is spent; `First(0)` never acts).
    First(u64),
    /// Matches N, 2N, 3N, ... (`EveryNth(1)` is every match; `EveryNth(0)` never acts).
    EveryNth(u64),
    /// Matches N+1, N+2, ... (the first N go through untouched).
    After(u64),
}

impl CountFilter {
    /// Whether the rule acts on its `nth` match (numbered from 1).
    pub fn admits(self, nth: u64) -> bool {
        match self {
            Self::Always => true,
            Self::First(n) => nth <= n,
            Self::EveryNth(n) => nth.checked_rem(n) == Some(0),
            Self::After(n) => nth > n,
        }
    }
}

impl fmt::Display for CountFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Always => f.write_str("always"),
            Self::First(n) => write!(f, "first {n}"),
            Self::EveryNth(n) => write!(f, "every {n}"),
            Self::After(n) => write!(f, "after {n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admitted(filter: CountFilter) -> Vec<u64> {
        (1..=10).filter(|n| filter.admits(*n)).collect()
    }

    #[test]
    fn always() {
        assert_eq!(admitted(CountFilter::Always), (1..=10).collect::<Vec<_>>());
    }

    #[test]
    fn first_n() {
        assert_eq!(admitted(CountFilter::First(3)), [1, 2, 3]);
        assert_eq!(admitted(CountFilter::First(0)), [] as [u64; 0]);
    }

    #[test]
    fn every_nth() {
        assert_eq!(admitted(CountFilter::EveryNth(3)), [3, 6, 9]);
        assert_eq!(admitted(CountFilter::EveryNth(1)).len(), 10);
        assert_eq!(admitted(CountFilter::EveryNth(0)), [] as [u64; 0]);
    }

    #[test]
    fn after_n() {
        assert_eq!(admitted(CountFilter::After(7)), [8, 9, 10]);
        assert_eq!(admitted(CountFilter::After(0)).len(), 10);
    }

    #[test]
    fn display() {
        assert_eq!(CountFilter::EveryNth(2).to_string(), "every 2");
        assert_eq!(CountFilter::First(1).to_string(), "first 1");
    }
}
