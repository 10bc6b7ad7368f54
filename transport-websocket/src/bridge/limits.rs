//! Connection counting: the bridge's total and each client's (token subject, or IP for
//! anonymous clients). Guards give the slot back when dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    refusing: usize,
    per_client: HashMap<String, usize>,
}

/// Counts open tunnels against the limits.
#[derive(Debug)]
pub(crate) struct Limiter {
    counts: Mutex<Counts>,
    // Atomics so a configuration reload can change them for the tunnels that follow.
    max_total: AtomicUsize,
    max_per_client: AtomicUsize,
    max_refusing: usize,
}

/// What [`Limiter::admit`] decided for a new TCP connection.
pub(crate) enum Admission {
    /// A slot of the total.
    Slot(#[allow(dead_code)] TotalGuard), // held for its Drop
    /// Over the total: handshake only to send the refusal (bounded separately).
    Refuse(#[allow(dead_code)] RefusalGuard), // held for its Drop
    /// Over the total and too many refusals in flight: drop the socket.
    Drop,
}

impl Limiter {
    pub(crate) fn new(max_total: usize, max_per_client: usize) -> Arc<Self> {
        Arc::new(Self {
            counts: Mutex::new(Counts::default()),
            max_total: AtomicUsize::new(max_total),
            max_per_client: AtomicUsize::new(max_per_client),
            max_refusing: 64,
        })
    }

    /// Changes the limits for connections admitted from now on (open ones stay).
    pub(crate) fn set_limits(&self, max_total: usize, max_per_client: usize) {
        self.max_total.store(max_total, Ordering::Relaxed);
        self.max_per_client.store(max_per_client, Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a slot of the total, or a refusal slot when the total is used up.
    pub(crate) fn admit(self: &Arc<Self>) -> Admission {
        let mut c = self.lock();
        if c.total < self.max_total.load(Ordering::Relaxed) {
            c.total += 1;
            Admission::Slot(TotalGuard(self.clone()))
        } else if c.refusing < self.max_refusing {
            c.refusing += 1;
            Admission::Refuse(RefusalGuard(self.clone()))
        } else {
            Admission::Drop
        }
    }

    /// Takes a slot of `client`'s limit.
    pub(crate) fn client(self: &Arc<Self>, client: &str) -> Option<ClientGuard> {
        let mut c = self.lock();
        let n = c.per_client.entry(client.to_string()).or_insert(0);
        if *n >= self.max_per_client.load(Ordering::Relaxed) {
            return None;
        }
        *n += 1;
        Some(ClientGuard(self.clone(), client.to_string()))
    }

    /// Open tunnels (and handshakes in progress) counted against the total.
    pub(crate) fn total(&self) -> usize {
        self.lock().total
    }
}

/// A slot of the total.
pub(crate) struct TotalGuard(Arc<Limiter>);

impl Drop for TotalGuard {
    fn drop(&mut self) {
        let mut c = self.0.lock();
        c.total = c.total.saturating_sub(1);
    }
}

/// A slot for refusing a connection over the total.
pub(crate) struct RefusalGuard(Arc<Limiter>);

impl Drop for RefusalGuard {
    fn drop(&mut self) {
        let mut c = self.0.lock();
        c.refusing = c.refusing.saturating_sub(1);
    }
}

/// A slot of one client's limit.
pub(crate) struct ClientGuard(Arc<Limiter>, String);

impl Drop for ClientGuard {
    fn drop(&mut self) {
        let mut c = self.0.lock();
        if let Some(n) = c.per_client.get_mut(&self.1) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                c.per_client.remove(&self.1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_releases() {
        let l = Limiter::new(2, 1);
        let a = l.admit();
        let b = l.admit();
        assert!(matches!(a, Admission::Slot(_)) && matches!(b, Admission::Slot(_)));
        assert!(matches!(l.admit(), Admission::Refuse(_)));
        assert_eq!(l.total(), 2);
        drop(a);
        assert!(matches!(l.admit(), Admission::Slot(_)));
        let g = l.client("web").unwrap();
        assert!(l.client("web").is_none());
        assert!(l.client("other").is_some());
        drop(g);
        assert!(l.client("web").is_some());
        drop(b);
    }

    #[test]
    fn new_limits_apply_to_later_connections() {
        let l = Limiter::new(1, 1);
        let a = l.admit();
        assert!(matches!(l.admit(), Admission::Refuse(_)));
        l.set_limits(2, 2);
        assert!(matches!(l.admit(), Admission::Slot(_)));
        let c1 = l.client("x");
        assert!(c1.is_some() && l.client("x").is_some());
        drop(a);
    }
}
