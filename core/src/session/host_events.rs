//! What happens to the cluster's hosts, as a user can follow it: a [`HostListener`]
//! registered with [`SessionBuilder::host_listener`](super::SessionBuilder::host_listener)
//! is told when a host is added to or removed from the cluster, goes down (with why, when
//! the driver knows) or comes back up, and of every failed connection attempt — the
//! Python driver's `HostStateListener` and the Java driver's `NodeStateListener`, plus
//! the failures that otherwise only show in logs.
//!
//! Listeners are called from the driver's tasks, after the state changed and with no
//! lock held: keep them short and non-blocking (hand the event to a channel or a queue).

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use uuid::Uuid;

use super::error::Error;
use crate::cluster::host::Host;
use crate::runtime::{MaybeSend, MaybeSync, NodeAddr};

/// What happened to a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostEventKind {
    /// A node joined the cluster (seen in a topology refresh after the session started).
    Added,
    /// A node left the cluster.
    Removed,
    /// The host is usable again: a connection to it opened after it was down (or the
    /// cluster reported it up, for a host the driver keeps no connections to).
    Up,
    /// The host is down: no connection to it could be opened, or the cluster reported it
    /// down. Requests go to other hosts; reconnection follows the session's policy.
    Down,
    /// One attempt to open a connection to the host failed (it may still be up through
    /// other connections). Repeats on every reconnection attempt while the host is down.
    ConnectFailed,
}

impl HostEventKind {
    /// A short name: `added`, `removed`, `up`, `down`, `connect_failed`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Up => "up",
            Self::Down => "down",
            Self::ConnectFailed => "connect_failed",
        }
    }
}

/// One change of a host, as listeners receive it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HostEvent {
    /// What happened.
    pub kind: HostEventKind,
    /// Where the driver connects to the host (after address translation).
    pub addr: NodeAddr,
    /// The host's `host_id`.
    pub host_id: Uuid,
    /// Why, for [`Down`](HostEventKind::Down) and
    /// [`ConnectFailed`](HostEventKind::ConnectFailed) when a connection attempt failed;
    /// `None` when the cluster reported the host down.
    pub error: Option<Error>,
}

impl HostEvent {
    /// An event about `host`.
    pub fn new(kind: HostEventKind, host: &Host, error: Option<Error>) -> Self {
        Self {
            kind,
            addr: host.addr.clone(),
            host_id: host.host_id,
            error,
        }
    }
}

impl fmt::Display for HostEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, &self.error) {
            (HostEventKind::Added, _) => write!(f, "host {} added to the cluster", self.addr),
            (HostEventKind::Removed, _) => {
                write!(f, "host {} removed from the cluster", self.addr)
            }
            (HostEventKind::Up, _) => write!(f, "host {} up", self.addr),
            (HostEventKind::Down, Some(e)) => write!(f, "host {} down: {e}", self.addr),
            (HostEventKind::Down, None) => {
                write!(f, "host {} down (reported by the cluster)", self.addr)
            }
            (HostEventKind::ConnectFailed, Some(e)) => write!(f, "{e}"),
            (HostEventKind::ConnectFailed, None) => {
                write!(f, "connection to {} failed", self.addr)
            }
        }
    }
}

/// Told about host events (see the [module docs](self)).
pub trait HostListener: fmt::Debug + MaybeSend + MaybeSync {
    /// One event. Called with no lock held; must not block.
    fn on_event(&self, event: &HostEvent);
}

/// The session's listeners (none by default: then nothing is built or called).
#[derive(Debug, Clone, Default)]
pub(crate) struct HostListeners(Vec<Arc<dyn HostListener>>);

impl HostListeners {
    pub(crate) fn new(listeners: Vec<Arc<dyn HostListener>>) -> Self {
        Self(listeners)
    }

    /// Tells every listener that `kind` happened to `host` (the error cloned for each).
    pub(crate) fn notify(&self, kind: HostEventKind, host: &Host, error: Option<&Error>) {
        if self.0.is_empty() {
            return;
        }
        let event = HostEvent::new(kind, host, error.cloned());
        for listener in &self.0 {
            listener.on_event(&event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::{String, ToString};
    use alloc::vec;

    #[derive(Debug, Default)]
    struct Recorder(spin::Mutex<Vec<String>>);

    impl HostListener for Recorder {
        fn on_event(&self, event: &HostEvent) {
            self.0
                .lock()
                .push(alloc::format!("{}: {event}", event.kind.name()));
        }
    }

    #[test]
    fn listeners_hear_every_event_with_its_reason() {
        let recorder = Arc::new(Recorder::default());
        let listeners = HostListeners::new(vec![recorder.clone() as Arc<dyn HostListener>]);
        let addr = NodeAddr::new("10.0.0.1", 9042);
        let host = Host::new(Uuid::from_u128(1), addr.clone(), addr);
        let refused = Error::InvalidArgument("refused".to_string());
        listeners.notify(HostEventKind::Down, &host, Some(&refused));
        listeners.notify(HostEventKind::Down, &host, None);
        listeners.notify(HostEventKind::Up, &host, None);
        assert_eq!(
            *recorder.0.lock(),
            [
                "down: host 10.0.0.1:9042 down: invalid argument: refused",
                "down: host 10.0.0.1:9042 down (reported by the cluster)",
                "up: host 10.0.0.1:9042 up",
            ]
        );
        // No listeners: nothing to do.
        HostListeners::default().notify(HostEventKind::Up, &host, None);
    }
}
