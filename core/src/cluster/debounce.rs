//! Event debouncing: the TOPOLOGY_CHANGE, STATUS_CHANGE and SCHEMA_CHANGE events a control
//! connection receives in, the refreshes to run out — so that a storm of events (a rolling
//! restart, a script creating a hundred tables) becomes one refresh, not one per event.
//!
//! Pure and clock-free: the caller passes the time to [`Debouncer::push`] and
//! [`Debouncer::poll`], and wakes up at [`Debouncer::deadline`]. The batching follows the
//! Java driver's debouncers (`advanced.metadata.topology-event-debouncer`,
//! `schema-change-listener`): each event restarts a quiet window (1 s by default); the
//! batch is delivered when the window passes without events, when it has waited
//! [`max_delay`](DebounceConfig::max_delay) since its first event, or at once when it
//! holds [`max_pending`](DebounceConfig::max_pending) distinct changes. Only distinct
//! changes count: a thousand NEW_NODE events are one topology refresh.
//!
//! A node reported DOWN is delivered at once (like the Python driver, which marks it down
//! straight away), and cancels a pending UP of the same node; an UP waits for the window,
//! so a node flapping down and up within it comes out as one DOWN then one UP.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::time::Duration;

use crate::message::{Event, SchemaChange, SchemaChangeTarget, StatusChangeType};
use crate::runtime::{Instant, NodeAddr};

/// How events are batched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebounceConfig {
    /// Quiet time after the last event before the batch is delivered (default 1 s).
    pub window: Duration,
    /// The longest a batch waits after its first event, however the events keep coming
    /// (default 10 s).
    pub max_delay: Duration,
    /// Distinct pending changes (the topology refresh, each node reported up, each schema
    /// change) that make the batch go out at once (default 64).
    pub max_pending: usize,
}

impl Default for DebounceConfig {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            max_pending: 64,
        }
    }
}

/// A refresh the control connection should run, or a status to pass on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refresh {
    /// Re-read `system.local` and the peers table: nodes joined, left or moved.
    Topology,
    /// A node reported up (the last status within the window).
    HostUp(NodeAddr),
    /// A node reported down (delivered without waiting).
    HostDown(NodeAddr),
    /// Schema elements changed.
    Schema {
        /// Whether a keyspace itself was created, altered or dropped (its replication may
        /// have changed: re-read `system_schema.keyspaces`).
        keyspaces: bool,
        /// The changes, without duplicates, in arrival order.
        changes: Vec<SchemaChange>,
    },
}

/// Turns events into batched [`Refresh`]es (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct Debouncer {
    config: DebounceConfig,
    /// When the pending batch's first and last events arrived.
    first: Option<Instant>,
    last: Option<Instant>,
    topology: bool,
    up: Vec<NodeAddr>,
    keyspaces: bool,
    schema: Vec<SchemaChange>,
    ready: VecDeque<Refresh>,
    received: u64,
}

impl Default for Debouncer {
    fn default() -> Self {
        Self::new(DebounceConfig::default())
    }
}

impl Debouncer {
    /// A debouncer with nothing pending.
    pub fn new(config: DebounceConfig) -> Self {
        Self {
            config,
            first: None,
            last: None,
            topology: false,
            up: Vec::new(),
            keyspaces: false,
            schema: Vec::new(),
            ready: VecDeque::new(),
            received: 0,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &DebounceConfig {
        &self.config
    }

    /// Takes in an event received at `now`. Call [`poll`](Self::poll) afterwards: a DOWN,
    /// or a batch that just became full, is ready at once.
    pub fn push(&mut self, now: Instant, event: Event) {
        self.received = self.received.saturating_add(1);
        match event {
            Event::TopologyChange { .. } => self.topology = true,
            Event::StatusChange { change, address } => {
                let addr = NodeAddr::from(address);
                self.up.retain(|a| *a != addr);
                match change {
                    StatusChangeType::Up => self.up.push(addr),
                    // Delivered now; the batch's timing is left alone.
                    StatusChangeType::Down => {
                        let down = Refresh::HostDown(addr);
                        if !self.ready.contains(&down) {
                            self.ready.push_back(down);
                        }
                        return;
                    }
                }
            }
            Event::SchemaChange(change) => {
                if matches!(change.target, SchemaChangeTarget::Keyspace { .. }) {
                    self.keyspaces = true;
                }
                if !self.schema.contains(&change) {
                    self.schema.push(change);
                }
            }
        }
        self.first.get_or_insert(now);
        self.last = Some(now);
        if self.pending() >= self.config.max_pending.max(1) {
            self.flush();
        }
    }

    /// Distinct changes waiting in the current batch.
    pub fn pending(&self) -> usize {
        usize::from(self.topology) + self.up.len() + self.schema.len()
    }

    /// Events taken in so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// When the pending batch is due (`None`: nothing pending). Refreshes already ready
    /// are returned by [`poll`](Self::poll) whatever the time.
    pub fn deadline(&self) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        let quiet = last + self.config.window;
        let longest = first + self.config.max_delay;
        Some(if quiet < longest { quiet } else { longest })
    }

    /// Whether [`poll`](Self::poll) has something to return without waiting.
    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    /// The next refresh due at `now`: ready ones first, then the pending batch once its
    /// deadline has passed (topology, then the nodes up, then the schema changes).
    pub fn poll(&mut self, now: Instant) -> Option<Refresh> {
        if self.ready.is_empty() && self.deadline().is_some_and(|d| d <= now) {
            self.flush();
        }
        self.ready.pop_front()
    }

    /// Makes the pending batch ready now, whatever its deadline.
    pub fn flush(&mut self) {
        self.first = None;
        self.last = None;
        if core::mem::take(&mut self.topology) {
            self.ready.push_back(Refresh::Topology);
        }
        for addr in self.up.drain(..) {
            self.ready.push_back(Refresh::HostUp(addr));
        }
        let keyspaces = core::mem::take(&mut self.keyspaces);
        if !self.schema.is_empty() {
            self.ready.push_back(Refresh::Schema {
                keyspaces,
                changes: core::mem::take(&mut self.schema),
            });
        }
    }

    /// Forgets everything pending and ready (after a reconnection, which refreshes
    /// everything anyway).
    pub fn clear(&mut self) {
        self.flush();
        self.ready.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{SchemaChangeType, TopologyChangeType};
    use alloc::string::ToString;
    use alloc::vec;
    use core::net::SocketAddr;

    fn at(ms: u64) -> Instant {
        Instant::from_nanos(ms * 1_000_000)
    }

    fn sock(n: u8) -> SocketAddr {
        SocketAddr::from(([10, 0, 0, n], 9042))
    }

    fn addr(n: u8) -> NodeAddr {
        NodeAddr::from(sock(n))
    }

    fn new_node(n: u8) -> Event {
        Event::TopologyChange {
            change: TopologyChangeType::NewNode,
            address: sock(n),
        }
    }

    fn status(n: u8, change: StatusChangeType) -> Event {
        Event::StatusChange {
            change,
            address: sock(n),
        }
    }

    fn table(ks: &str, t: &str) -> Event {
        Event::SchemaChange(SchemaChange {
            change_type: SchemaChangeType::Created,
            target: SchemaChangeTarget::Table {
                keyspace: ks.to_string(),
                name: t.to_string(),
            },
        })
    }

    fn keyspace(ks: &str) -> Event {
        Event::SchemaChange(SchemaChange {
            change_type: SchemaChangeType::Updated,
            target: SchemaChangeTarget::Keyspace {
                keyspace: ks.to_string(),
            },
        })
    }

    fn drain(d: &mut Debouncer, now: Instant) -> Vec<Refresh> {
        core::iter::from_fn(|| d.poll(now)).collect()
    }

    #[test]
    fn a_storm_becomes_one_refresh() {
        let mut d = Debouncer::default();
        assert_eq!(d.deadline(), None);
        // 1000 events, 0.5 ms apart: the window keeps restarting.
        for i in 0..1000u64 {
            d.push(at(i / 2), new_node((i % 200) as u8));
            assert_eq!(d.poll(at(i / 2)), None);
        }
        assert_eq!(d.received(), 1000);
        assert_eq!(d.pending(), 1);
        assert_eq!(d.deadline(), Some(at(499 + 1000)));
        assert_eq!(d.poll(at(1498)), None);
        assert_eq!(drain(&mut d, at(1499)), vec![Refresh::Topology]);
        assert_eq!(d.deadline(), None);
        assert_eq!(d.poll(at(5000)), None);
    }

    #[test]
    fn max_delay_bounds_an_endless_trickle() {
        let mut d = Debouncer::new(DebounceConfig {
            window: Duration::from_secs(1),
            max_delay: Duration::from_secs(5),
            max_pending: 64,
        });
        let mut delivered = Vec::new();
        // One event every 900 ms for 12 s: the window alone would never close.
        for i in 0..=13u64 {
            let now = at(i * 900);
            d.push(now, table("ks", "t"));
            delivered.extend(drain(&mut d, now).into_iter().map(|_| now));
        }
        assert_eq!(delivered, vec![at(5400), at(11700)]);
    }

    #[test]
    fn a_full_batch_goes_out_at_once() {
        let mut d = Debouncer::new(DebounceConfig {
            max_pending: 3,
            ..DebounceConfig::default()
        });
        d.push(at(0), table("ks", "a"));
        d.push(at(1), table("ks", "a")); // a duplicate: still one pending change
        d.push(at(2), table("ks", "b"));
        assert!(!d.has_ready());
        d.push(at(3), new_node(1));
        assert!(d.has_ready());
        assert_eq!(
            drain(&mut d, at(3)),
            vec![
                Refresh::Topology,
                Refresh::Schema {
                    keyspaces: false,
                    changes: vec![
                        match table("ks", "a") {
                            Event::SchemaChange(c) => c,
                            _ => unreachable!(),
                        },
                        match table("ks", "b") {
                            Event::SchemaChange(c) => c,
                            _ => unreachable!(),
                        },
                    ],
                },
            ]
        );
    }

    #[test]
    fn down_is_immediate_and_up_is_debounced() {
        let mut d = Debouncer::default();
        d.push(at(0), new_node(9));
        d.push(at(10), status(1, StatusChangeType::Down));
        d.push(at(11), status(1, StatusChangeType::Down));
        // The DOWN (once) without waiting; the topology batch keeps its deadline.
        assert_eq!(drain(&mut d, at(11)), vec![Refresh::HostDown(addr(1))]);
        assert_eq!(d.deadline(), Some(at(1000)));
        // Flapping: up, down, up within the window → one DOWN now, one UP later.
        d.push(at(20), status(2, StatusChangeType::Up));
        d.push(at(30), status(2, StatusChangeType::Down));
        assert_eq!(drain(&mut d, at(30)), vec![Refresh::HostDown(addr(2))]);
        d.push(at(40), status(2, StatusChangeType::Up));
        d.push(at(50), status(3, StatusChangeType::Up));
        assert_eq!(d.pending(), 3);
        assert_eq!(drain(&mut d, at(1049)), vec![]);
        assert_eq!(
            drain(&mut d, at(1050)),
            vec![
                Refresh::Topology,
                Refresh::HostUp(addr(2)),
                Refresh::HostUp(addr(3))
            ]
        );
    }

    #[test]
    fn keyspace_changes_ask_for_a_keyspace_refresh() {
        let mut d = Debouncer::default();
        d.push(at(0), table("ks", "t"));
        d.push(at(0), keyspace("ks"));
        let out = drain(&mut d, at(1000));
        assert!(matches!(
            out.as_slice(),
            [Refresh::Schema { keyspaces: true, changes }] if changes.len() == 2
        ));
        // The flag does not leak into the next batch.
        d.push(at(2000), table("ks", "u"));
        let out = drain(&mut d, at(3000));
        assert!(matches!(
            out.as_slice(),
            [Refresh::Schema {
                keyspaces: false,
                ..
            }]
        ));
    }

    #[test]
    fn clear_forgets_everything() {
        let mut d = Debouncer::default();
        d.push(at(0), new_node(1));
        d.push(at(0), status(1, StatusChangeType::Down));
        d.clear();
        assert_eq!(d.deadline(), None);
        assert_eq!(drain(&mut d, at(10_000)), vec![]);
        d.flush();
        assert_eq!(d.poll(at(10_000)), None);
    }
}
