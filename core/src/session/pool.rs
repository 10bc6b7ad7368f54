//! Connection pools, one per host the load-balancing policies use.
//!
//! A [`HostPool`] keeps up to its target size of open connections (the size configured
//! for the host's [`HostDistance`]) and hands out the least busy one. Connections are
//! watched: when one dies the pool refills in the background; when the last one dies
//! (or connecting fails while none is open) the host is marked down and reconnected on
//! the [`ReconnectionPolicy`]'s schedule — each attempt logged, the schedule dropped on
//! success, when the host is marked up again.
//!
//! Background work per pool is one task at a time ([`HostPool::ensure_maintained`]); it
//! holds the pool weakly, so a pool dropped from the cluster (or a dropped session)
//! stops it. Requests that find no open connection anywhere may ask a pool to connect
//! now ([`HostPool::connect_now`]): concurrent askers share one attempt.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use core::time::Duration;

use futures::StreamExt;
use futures::future::select;
use tracing::Instrument;

use super::error::Error;
use super::host_events::{HostEventKind, HostListeners};
use super::metrics::SessionMetrics;
use crate::cluster::host::{Host, HostDistance};
use crate::connection::{Connection, ConnectionConfig, ConnectionError};
use crate::frame::ProtocolVersion;
use crate::policies::reconnection::{ReconnectionPolicy, ReconnectionSchedule};
use crate::runtime::{NodeAddr, Runtime, Transport};
use crate::sync::{Notify, Signal};

/// What every pool of a session shares: how to open connections, the session keyspace,
/// the metrics, the reconnection policy and whether the session is closing.
pub(crate) struct PoolContext {
    pub(crate) runtime: Arc<dyn Runtime>,
    pub(crate) transport: Arc<dyn Transport>,
    /// Every connection's settings; the keyspace and the host's version are filled in.
    pub(crate) connection: ConnectionConfig,
    /// The session's keyspace (new connections start in it).
    pub(crate) keyspace: spin::Mutex<Option<Arc<str>>>,
    pub(crate) metrics: SessionMetrics,
    pub(crate) reconnection: Arc<dyn ReconnectionPolicy>,
    /// Told when hosts go up or down and when connection attempts fail.
    pub(crate) listeners: HostListeners,
    /// The session is closing: no new connections.
    pub(crate) closed: AtomicBool,
}

impl PoolContext {
    /// The session's keyspace.
    pub(crate) fn keyspace(&self) -> Option<Arc<str>> {
        self.keyspace.lock().clone()
    }

    /// Whether the session is closing.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Opens a connection to `addr` (speaking `version` when the host's is known), in
    /// the session keyspace.
    pub(crate) async fn open(
        &self,
        addr: &NodeAddr,
        version: Option<ProtocolVersion>,
    ) -> Result<Connection, Error> {
        let mut config = self.connection.clone();
        config.protocol_version = version.or(config.protocol_version);
        config.keyspace = self.keyspace().map(|k| String::from(&*k));
        let span = tracing::debug_span!("cql.connection.open", host = %addr);
        let result = Connection::open(&*self.transport, self.runtime.clone(), addr.clone(), config)
            .instrument(span)
            .await;
        match result {
            Ok(conn) => {
                tracing::debug!(host = %addr, version = ?conn.protocol_version(), "connection open");
                Ok(conn)
            }
            Err(e) => {
                tracing::warn!(host = %addr, error = %e, "connection failed");
                Err(Error::from_connection(addr.clone(), e))
            }
        }
    }
}

/// The connections to one host (see the [module docs](self)).
pub(crate) struct HostPool {
    ctx: Arc<PoolContext>,
    /// The host (replaced when a refresh gives it new facts; the address never changes:
    /// a host that moved gets a new pool).
    host: spin::Mutex<Arc<Host>>,
    /// Where the connections go.
    pub(crate) addr: NodeAddr,
    distance: AtomicU8,
    target: AtomicUsize,
    /// The version the host negotiated, reused for its later connections.
    version: spin::Mutex<Option<ProtocolVersion>>,
    conns: spin::Mutex<Vec<Connection>>,
    /// A background task is filling or reconnecting the pool.
    maintaining: AtomicBool,
    /// Cuts the background task's wait short (an UP event, a request waiting, closing).
    wake: Arc<Signal>,
    /// Told after each connection attempt of the background task.
    attempted: Notify,
    /// Why the last connection attempt failed.
    last_error: spin::Mutex<Option<Error>>,
    closed: AtomicBool,
}

/// A distance as stored in an atomic.
fn distance_code(distance: HostDistance) -> u8 {
    match distance {
        HostDistance::Local => 0,
        HostDistance::Remote => 1,
        HostDistance::Ignored => 2,
    }
}

fn distance_of(code: u8) -> HostDistance {
    match code {
        0 => HostDistance::Local,
        1 => HostDistance::Remote,
        _ => HostDistance::Ignored,
    }
}

/// What a pool should do when its target size changes from `open` connections:
/// open more (`> 0`), drop some (`< 0`) or nothing.
pub(crate) fn resize_delta(open: usize, target: usize) -> isize {
    let open = isize::try_from(open).unwrap_or(isize::MAX);
    let target = isize::try_from(target).unwrap_or(isize::MAX);
    target.saturating_sub(open)
}

impl HostPool {
    /// An empty pool for `host` at `distance` holding up to `target` connections.
    pub(crate) fn new(
        ctx: Arc<PoolContext>,
        host: Arc<Host>,
        distance: HostDistance,
        target: usize,
    ) -> Self {
        let addr = host.addr.clone();
        Self {
            ctx,
            host: spin::Mutex::new(host),
            addr,
            distance: AtomicU8::new(distance_code(distance)),
            target: AtomicUsize::new(target),
            version: spin::Mutex::new(None),
            conns: spin::Mutex::new(Vec::new()),
            maintaining: AtomicBool::new(false),
            wake: Arc::new(Signal::new()),
            attempted: Notify::new(),
            last_error: spin::Mutex::new(None),
            closed: AtomicBool::new(false),
        }
    }

    /// The host.
    pub(crate) fn host(&self) -> Arc<Host> {
        Arc::clone(&self.host.lock())
    }

    /// Replaces the host object (same node, new facts).
    pub(crate) fn set_host(&self, host: Arc<Host>) {
        *self.host.lock() = host;
    }

    /// The host's distance when the pool was last sized.
    pub(crate) fn distance(&self) -> HostDistance {
        distance_of(self.distance.load(Ordering::Acquire))
    }

    /// The number of connections the pool keeps.
    pub(crate) fn target(&self) -> usize {
        self.target.load(Ordering::Acquire)
    }

    /// Sizes the pool for `distance`: opens more connections in the background, or drops
    /// the extra ones (they close once their requests in flight are answered).
    pub(crate) fn resize(self: &Arc<Self>, distance: HostDistance, target: usize) {
        self.distance
            .store(distance_code(distance), Ordering::Release);
        let previous = self.target.swap(target, Ordering::AcqRel);
        if previous == target {
            return;
        }
        let delta = resize_delta(self.open_count(), target);
        if delta > 0 {
            self.ensure_maintained(false);
        } else if delta < 0 {
            let extra = {
                let mut conns = self.conns.lock();
                let keep = target.min(conns.len());
                conns.split_off(keep)
            };
            tracing::debug!(host = %self.addr, dropped = extra.len(), target, "pool shrunk");
            drop(extra);
            self.update_gauge();
        }
    }

    /// The protocol version the host spoke last.
    pub(crate) fn version(&self) -> Option<ProtocolVersion> {
        *self.version.lock()
    }

    /// Whether the pool was closed (host removed, session closed).
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire) || self.ctx.is_closed()
    }

    /// Number of open connections.
    pub(crate) fn open_count(&self) -> usize {
        self.conns.lock().iter().filter(|c| !c.is_closed()).count()
    }

    /// Open connections.
    pub(crate) fn connections(&self) -> Vec<Connection> {
        self.conns
            .lock()
            .iter()
            .filter(|c| !c.is_closed())
            .cloned()
            .collect()
    }

    /// The open connection with the fewest requests in flight.
    pub(crate) fn least_busy(&self) -> Option<Connection> {
        self.conns
            .lock()
            .iter()
            .filter(|c| !c.is_closed())
            .min_by_key(|c| c.in_flight())
            .cloned()
    }

    /// Why the last connection attempt failed, if it did.
    pub(crate) fn last_error(&self) -> Option<Error> {
        self.last_error.lock().clone()
    }

    fn update_gauge(&self) {
        let open = self.open_count();
        self.ctx.metrics.set_open_connections(&self.addr, open);
    }

    /// Adds an open connection, watched so that its loss refills the pool.
    fn add(self: &Arc<Self>, conn: Connection) {
        *self.version.lock() = Some(conn.protocol_version());
        let mut events = conn.events();
        {
            let mut conns = self.conns.lock();
            conns.retain(|c| !c.is_closed());
            conns.push(conn);
        }
        self.update_gauge();
        // The event stream of a connection registered for no events ends exactly when the
        // connection closes: that is the watch.
        let weak = Arc::downgrade(self);
        self.ctx.runtime.spawn(Box::pin(async move {
            while events.next().await.is_some() {}
            if let Some(pool) = weak.upgrade() {
                pool.connection_lost();
            }
        }));
    }

    /// A connection closed: drop it and refill (a host known down is left to its
    /// reconnection).
    fn connection_lost(self: &Arc<Self>) {
        let open = {
            let mut conns = self.conns.lock();
            conns.retain(|c| !c.is_closed());
            conns.len()
        };
        self.update_gauge();
        if self.is_closed() || !self.host().is_up() {
            return;
        }
        tracing::debug!(host = %self.addr, open, "connection lost; refilling the pool");
        self.ensure_maintained(false);
    }

    /// Marks the host up; when it was down, listeners hear of it. Returns whether it
    /// changed.
    pub(crate) fn mark_up(&self) -> bool {
        let host = self.host();
        let changed = host.set_up(true);
        if changed {
            self.ctx.listeners.notify(HostEventKind::Up, &host, None);
        }
        changed
    }

    /// Marks the host down (`error`: why, when a connection attempt failed); when it was
    /// up, listeners hear of it. Returns whether it changed.
    pub(crate) fn mark_down(&self, error: Option<&Error>) -> bool {
        let host = self.host();
        let changed = host.set_up(false);
        if changed {
            self.ctx.listeners.notify(HostEventKind::Down, &host, error);
        }
        changed
    }

    /// Opens one connection (speaking the host's version once known); a failure is kept
    /// as the pool's last error and told to the listeners.
    async fn open_connection(&self) -> Result<Connection, Error> {
        let conn = match self.ctx.open(&self.addr, self.version()).await {
            Ok(conn) => conn,
            Err(e) => {
                *self.last_error.lock() = Some(e.clone());
                let host = self.host();
                self.ctx
                    .listeners
                    .notify(HostEventKind::ConnectFailed, &host, Some(&e));
                return Err(e);
            }
        };
        if self.is_closed() {
            conn.close().await;
            return Err(Error::Closed("closed while connecting"));
        }
        Ok(conn)
    }

    /// Opens the pool's connections one after the other (the first negotiates the
    /// version); used when the session starts. Fails with the first error when no
    /// connection could be opened; a partial pool is completed in the background.
    pub(crate) async fn fill_now(self: &Arc<Self>) -> Result<(), Error> {
        // Holding the task flag keeps a refill (a connection lost meanwhile) from opening
        // connections alongside.
        let owned = !self.maintaining.swap(true, Ordering::AcqRel);
        let target = self.target();
        let mut result = Ok(());
        while self.open_count() < target {
            match self.open_connection().await {
                Ok(conn) => self.add(conn),
                Err(e) => {
                    if self.open_count() == 0 {
                        result = Err(e);
                    }
                    break;
                }
            }
        }
        if owned {
            self.maintaining.store(false, Ordering::Release);
        }
        if result.is_ok() && self.open_count() < target {
            self.ensure_maintained(true);
        }
        result
    }

    /// Starts the background task unless it runs: it fills the pool to its target, and
    /// reconnects per the reconnection policy while the host is unreachable.
    /// `wait_first`: wait the schedule's first delay before the first attempt.
    pub(crate) fn ensure_maintained(self: &Arc<Self>, wait_first: bool) {
        if self.is_closed() || self.maintaining.swap(true, Ordering::AcqRel) {
            return;
        }
        let span = tracing::info_span!("cql.pool", host = %self.addr);
        self.ctx.runtime.spawn(Box::pin(
            maintain(Arc::downgrade(self), wait_first).instrument(span),
        ));
    }

    /// The node is reported down: mark the host down, close its connections and
    /// reconnect on the policy's schedule.
    pub(crate) fn host_down(self: &Arc<Self>) {
        if self.mark_down(None) {
            tracing::warn!(host = %self.addr, "host down (reported by the cluster)");
        }
        self.ensure_maintained(true);
        let conns = core::mem::take(&mut *self.conns.lock());
        self.update_gauge();
        if !conns.is_empty() {
            self.ctx.runtime.spawn(Box::pin(async move {
                for conn in conns {
                    conn.close().await;
                }
            }));
        }
    }

    /// The node is reported up: try to connect now (the host is marked up only once a
    /// connection opens).
    pub(crate) fn host_up(self: &Arc<Self>) {
        if self.open_count() >= self.target() {
            return;
        }
        tracing::info!(host = %self.addr, "host reported up; connecting");
        self.ensure_maintained(false);
        self.wake.notify();
    }

    /// An open connection, connecting now if there is none: waits for the background
    /// task's next attempt (started at once; shared with other waiting requests).
    pub(crate) async fn connect_now(self: &Arc<Self>) -> Result<Connection, Error> {
        if let Some(conn) = self.least_busy() {
            return Ok(conn);
        }
        if self.is_closed() {
            return Err(Error::Closed("the host's pool is closed"));
        }
        let notified = self.attempted.notified();
        self.ensure_maintained(false);
        self.wake.notify();
        // An attempt is bounded by the connect timeout (twice when the version is
        // negotiated down); wait a little longer than that.
        let limit = self
            .ctx
            .connection
            .connect_timeout
            .saturating_mul(2)
            .saturating_add(Duration::from_secs(1));
        let _ = select(notified, self.ctx.runtime.sleep(limit)).await;
        self.least_busy().ok_or_else(|| {
            self.last_error().unwrap_or_else(|| {
                Error::from_connection(
                    self.addr.clone(),
                    ConnectionError::Closed(String::from("no connection could be opened")),
                )
            })
        })
    }

    /// Stops the pool for good (host removed): its task ends, its connections are dropped
    /// (closing once their requests in flight are answered); returns them for callers
    /// that close them at once.
    pub(crate) fn close(&self) -> Vec<Connection> {
        self.closed.store(true, Ordering::Release);
        self.wake.notify();
        let conns = core::mem::take(&mut *self.conns.lock());
        self.attempted.notify_waiters();
        conns
    }
}

/// The pool's background task (see [`HostPool::ensure_maintained`]).
async fn maintain(weak: Weak<HostPool>, mut wait_first: bool) {
    let mut schedule: Option<Box<dyn ReconnectionSchedule>> = None;
    let mut attempts: u32 = 0;
    loop {
        if wait_first {
            let (sleep, wake) = {
                let Some(pool) = weak.upgrade() else { return };
                if pool.is_closed() {
                    pool.maintaining.store(false, Ordering::Release);
                    return;
                }
                let delay = schedule
                    .get_or_insert_with(|| pool.ctx.reconnection.new_schedule())
                    .next_delay();
                tracing::info!(host = %pool.addr, delay = ?delay, attempt = attempts + 1, "reconnection scheduled");
                (pool.ctx.runtime.sleep(delay), Arc::clone(&pool.wake))
            };
            // Wait without holding the pool, so a dropped pool ends the task.
            let _ = select(sleep, wake.wait()).await;
        }
        let Some(pool) = weak.upgrade() else { return };
        if pool.is_closed() {
            pool.maintaining.store(false, Ordering::Release);
            return;
        }
        if pool.open_count() >= pool.target() {
            pool.maintaining.store(false, Ordering::Release);
            // A connection may have died between the check and the flag: look again.
            let again = pool.open_count() < pool.target()
                && !pool.is_closed()
                && !pool.maintaining.swap(true, Ordering::AcqRel);
            if again {
                wait_first = false;
                continue;
            }
            return;
        }
        attempts = attempts.saturating_add(1);
        match pool.open_connection().await {
            Ok(conn) => {
                pool.add(conn);
                *pool.last_error.lock() = None;
                if pool.mark_up() {
                    tracing::info!(host = %pool.addr, attempts, "host up: reconnected");
                }
                schedule = None;
                attempts = 0;
                wait_first = false;
            }
            Err(e) => {
                if pool.open_count() == 0 && pool.mark_down(Some(&e)) {
                    tracing::warn!(host = %pool.addr, error = %e, "host down: no connection could be opened");
                }
                tracing::warn!(host = %pool.addr, attempt = attempts, error = %e, "reconnection attempt failed");
                wait_first = true;
            }
        }
        pool.attempted.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resizing_opens_or_drops_the_difference() {
        assert_eq!(resize_delta(0, 2), 2);
        assert_eq!(resize_delta(2, 2), 0);
        assert_eq!(resize_delta(3, 1), -2);
        assert_eq!(resize_delta(1, 0), -1);
        assert_eq!(resize_delta(usize::MAX, 0), -isize::MAX);
    }

    #[test]
    fn distances_round_trip_through_their_codes() {
        for d in [
            HostDistance::Local,
            HostDistance::Remote,
            HostDistance::Ignored,
        ] {
            assert_eq!(distance_of(distance_code(d)), d);
        }
        assert_eq!(distance_of(200), HostDistance::Ignored);
    }
}
