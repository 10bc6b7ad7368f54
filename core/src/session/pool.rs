//! Connection pools: per host, the open connections (least busy first) and the protocol
//! version the host speaks; across hosts, a round-robin query plan.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::connection::Connection;
use crate::frame::ProtocolVersion;
use crate::runtime::{NodeAddr, Runtime};

/// The connections to one host.
pub(crate) struct HostPool<R: Runtime> {
    /// The host.
    pub(crate) addr: NodeAddr,
    /// The version the host negotiated, reused for its later connections.
    version: spin::Mutex<Option<ProtocolVersion>>,
    conns: spin::Mutex<Vec<Connection<R>>>,
}

impl<R: Runtime> HostPool<R> {
    pub(crate) fn new(addr: NodeAddr) -> Self {
        Self {
            addr,
            version: spin::Mutex::new(None),
            conns: spin::Mutex::new(Vec::new()),
        }
    }

    /// The protocol version the host spoke last.
    pub(crate) fn version(&self) -> Option<ProtocolVersion> {
        *self.version.lock()
    }

    /// Adds an open connection (dropping closed ones) and remembers its version.
    pub(crate) fn add(&self, conn: Connection<R>) {
        *self.version.lock() = Some(conn.protocol_version());
        let mut conns = self.conns.lock();
        conns.retain(|c| !c.is_closed());
        conns.push(conn);
    }

    /// Open connections.
    pub(crate) fn healthy(&self) -> Vec<Connection<R>> {
        self.conns
            .lock()
            .iter()
            .filter(|c| !c.is_closed())
            .cloned()
            .collect()
    }

    /// Number of open connections.
    pub(crate) fn healthy_count(&self) -> usize {
        self.conns.lock().iter().filter(|c| !c.is_closed()).count()
    }

    /// The open connection with the fewest requests in flight.
    pub(crate) fn least_busy(&self) -> Option<Connection<R>> {
        self.conns
            .lock()
            .iter()
            .filter(|c| !c.is_closed())
            .min_by_key(|c| c.in_flight())
            .cloned()
    }

    /// Removes and returns every connection.
    pub(crate) fn take_all(&self) -> Vec<Connection<R>> {
        core::mem::take(&mut *self.conns.lock())
    }
}

/// Every host's pool and the round-robin cursor.
pub(crate) struct Pool<R: Runtime> {
    hosts: Vec<Arc<HostPool<R>>>,
    next: AtomicUsize,
}

impl<R: Runtime> Pool<R> {
    pub(crate) fn new(addrs: Vec<NodeAddr>) -> Self {
        Self {
            hosts: addrs
                .into_iter()
                .map(|a| Arc::new(HostPool::new(a)))
                .collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// Every host, in contact point order.
    pub(crate) fn hosts(&self) -> &[Arc<HostPool<R>>] {
        &self.hosts
    }

    /// The hosts to try for one request: every host once, starting one further along
    /// than the previous plan; hosts with an open connection first. Allocates nothing
    /// for up to 64 hosts (it runs for every request).
    pub(crate) fn plan(&self) -> Plan<'_, R> {
        let n = self.hosts.len();
        let start = match n {
            0 => 0,
            _ => self.next.fetch_add(1, Ordering::Relaxed) % n,
        };
        let rotated = |k: usize| self.hosts.get((start + k) % n.max(1));
        let up = if n <= 64 {
            let mut mask = 0u64;
            for k in 0..n {
                if rotated(k).is_some_and(|h| h.healthy_count() > 0) {
                    mask |= 1 << k;
                }
            }
            Up::Mask(mask)
        } else {
            Up::Flags(
                (0..n)
                    .map(|k| rotated(k).is_some_and(|h| h.healthy_count() > 0))
                    .collect(),
            )
        };
        Plan {
            hosts: &self.hosts,
            start,
            up,
            pass_up: true,
            k: 0,
        }
    }
}

/// Which positions of a plan (in rotated order) had an open connection when it was made.
enum Up {
    Mask(u64),
    Flags(Vec<bool>),
}

impl Up {
    fn get(&self, k: usize) -> bool {
        match self {
            Self::Mask(m) => k < 64 && m & (1 << k) != 0,
            Self::Flags(f) => f.get(k).copied().unwrap_or(false),
        }
    }
}

/// One request's query plan (see [`Pool::plan`]): hosts with an open connection, then
/// the others, each once.
pub(crate) struct Plan<'a, R: Runtime> {
    hosts: &'a [Arc<HostPool<R>>],
    start: usize,
    up: Up,
    /// Yielding the hosts that were up (then the others).
    pass_up: bool,
    /// The next position in rotated order.
    k: usize,
}

impl<'a, R: Runtime> Iterator for Plan<'a, R> {
    type Item = &'a Arc<HostPool<R>>;

    fn next(&mut self) -> Option<Self::Item> {
        let n = self.hosts.len();
        loop {
            if self.k >= n {
                if !self.pass_up {
                    return None;
                }
                self.pass_up = false;
                self.k = 0;
                continue;
            }
            let k = self.k;
            self.k += 1;
            if self.up.get(k) == self.pass_up {
                return self.hosts.get((self.start + k) % n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{BoxFuture, Instant};
    use alloc::string::String;
    use core::time::Duration;

    #[derive(Clone)]
    struct NoRuntime;

    impl Runtime for NoRuntime {
        fn spawn(&self, _task: BoxFuture<'static, ()>) {}
        fn sleep(&self, _d: Duration) -> BoxFuture<'static, ()> {
            alloc::boxed::Box::pin(async {})
        }
        fn now(&self) -> Instant {
            Instant::from_nanos(0)
        }
        fn wall_clock_micros(&self) -> i64 {
            0
        }
    }

    #[test]
    fn plans_rotate_over_every_host() {
        let pool: Pool<NoRuntime> = Pool::new(
            ["a", "b", "c"]
                .into_iter()
                .map(|h| NodeAddr::new(String::from(h), 9042))
                .collect(),
        );
        let firsts: Vec<String> = (0..4)
            .map(|_| pool.plan().next().unwrap().addr.host.clone())
            .collect();
        assert_eq!(firsts, ["a", "b", "c", "a"]);
        let hosts: Vec<String> = pool.plan().map(|h| h.addr.host.clone()).collect();
        assert_eq!(hosts, ["b", "c", "a"]);
        assert!(pool.hosts()[0].least_busy().is_none());
        assert_eq!(pool.hosts()[0].version(), None);
        assert!(Pool::<NoRuntime>::new(Vec::new()).plan().next().is_none());
        // Past 64 hosts the plan keeps one flag per host: still every host once.
        let many: Pool<NoRuntime> = Pool::new(
            (0..100)
                .map(|i| NodeAddr::new(alloc::format!("h{i}"), 9042))
                .collect(),
        );
        let mut seen: Vec<String> = many.plan().map(|h| h.addr.host.clone()).collect();
        assert_eq!(seen.len(), 100);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 100);
    }
}
