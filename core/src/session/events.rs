//! The session's reaction to the control connection's events, in a background task:
//!
//! * `Refreshed` → a new [`ClusterView`](crate::cluster::view::ClusterView) is swapped in;
//!   added hosts get pools, removed ones lose theirs, every pool is resized for its
//!   host's distance;
//! * `HostDown` → the host is marked down, its pool closed and its reconnection
//!   scheduled (distances are re-evaluated: a DC-aware policy may now use another remote
//!   host);
//! * `HostUp` → a connection attempt; the host is marked up only when it succeeds;
//! * `SchemaChanged` → the schema listeners are told (the schema metadata and keyspace
//!   replication arrived before, in a `Refreshed`);
//! * `Reconnected` / `Disconnected` → logged.
//!
//! The task holds the session weakly: it ends when the session is dropped or closed (the
//! control connection then stops and its event stream ends).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;

use futures::StreamExt;
use tracing::Instrument;

use super::control::ControlEvent;
use super::host_events::HostEventKind;
use super::session::Inner;
use super::state::{build_view, keyspaces_of, merge_hosts};
use crate::cluster::replication::ReplicationStrategy;
use crate::cluster::topology::TopologySnapshot;
use crate::cluster::view::ClusterView;
use crate::runtime::NodeAddr;
use crate::sync::Receiver;

/// Spawns the task handling `events` for the session `inner`.
pub(super) fn spawn(inner: &Arc<Inner>, events: Receiver<ControlEvent>) {
    let span = tracing::info_span!("cql.session.events");
    inner.ctx.runtime.spawn(Box::pin(
        run(Arc::downgrade(inner), events).instrument(span),
    ));
}

async fn run(session: Weak<Inner>, mut events: Receiver<ControlEvent>) {
    while let Some(event) = events.next().await {
        let Some(inner) = session.upgrade() else {
            break;
        };
        if inner.ctx.is_closed() {
            break;
        }
        inner.handle_event(event);
    }
    tracing::debug!("session event task stopped");
}

impl Inner {
    /// Applies one control-connection event (see the [module docs](self)).
    pub(super) fn handle_event(&self, event: ControlEvent) {
        match event {
            ControlEvent::Refreshed(refreshed) => {
                let refreshed = *refreshed;
                if !refreshed.diff.is_empty() {
                    tracing::info!(
                        added = refreshed.diff.added.len(),
                        removed = refreshed.diff.removed.len(),
                        changed = refreshed.diff.changed.len(),
                        "topology changed"
                    );
                }
                self.apply_refresh(refreshed.topology.as_ref(), refreshed.keyspaces);
            }
            ControlEvent::HostDown(addr) => {
                let state = self.state.current();
                let Some(host) = state.view.host_by_reported_addr(&addr) else {
                    tracing::debug!(host = %addr, "DOWN event for an unknown node");
                    return;
                };
                match state.pool(&host.host_id) {
                    Some(pool) => pool.host_down(),
                    None => {
                        if host.set_up(false) {
                            self.ctx.listeners.notify(HostEventKind::Down, host, None);
                        }
                    }
                }
                self.reevaluate_distances();
            }
            ControlEvent::HostUp(addr) => {
                let state = self.state.current();
                let Some(host) = state.view.host_by_reported_addr(&addr) else {
                    tracing::debug!(host = %addr, "UP event for an unknown node");
                    return;
                };
                match state.pool(&host.host_id) {
                    Some(pool) => pool.host_up(),
                    // No pool (an ignored host): nothing to confirm it with; trust the event.
                    None => {
                        if host.set_up(true) {
                            self.ctx.listeners.notify(HostEventKind::Up, host, None);
                        }
                    }
                }
            }
            ControlEvent::SchemaChanged(changes) => {
                tracing::debug!(changes = changes.len(), "schema changed");
                if let (Some(control), false) =
                    (&self.control, self.config.schema_listeners.is_empty())
                {
                    let schema = control.schema();
                    for change in &changes {
                        for listener in &self.config.schema_listeners {
                            listener.on_schema_change(change, &schema);
                        }
                    }
                }
            }
            ControlEvent::Reconnected { addr } => {
                tracing::info!(host = %addr, "control connection moved");
            }
            ControlEvent::Disconnected { error, retry_in } => {
                tracing::warn!(error = %error, retry_in = ?retry_in, "control connection has no node");
            }
        }
    }

    /// Builds a view from a new topology and/or new keyspaces (what is not given is kept)
    /// and installs it with its pools.
    pub(super) fn apply_refresh(
        &self,
        topology: Option<&TopologySnapshot>,
        keyspaces: Option<Vec<(String, ReplicationStrategy)>>,
    ) {
        let old = self.state.current();
        let translator = &self.config.address_translator;
        let (hosts, partitioner, local) = match topology {
            Some(t) => (
                merge_hosts(&old.view, t.hosts(|a: &NodeAddr| translator.translate(a))),
                t.partitioner,
                Some(t.local.host_id),
            ),
            None => (
                old.view.hosts().to_vec(),
                old.view.partitioner(),
                old.view.local_host().map(|h| h.host_id),
            ),
        };
        let keyspaces = keyspaces.unwrap_or_else(|| keyspaces_of(&old.view));
        let view = build_view(
            hosts,
            partitioner,
            keyspaces,
            local,
            self.local_dc_hint.as_deref(),
        );
        let new = self.state.install(
            Arc::new(view),
            &self.ctx,
            &self.config,
            &self.policies,
            true,
        );
        if topology.is_some() {
            self.announce_membership(&old.view, &new.view);
        }
    }

    /// Tells the host listeners which hosts joined and which left between two views.
    fn announce_membership(&self, old: &ClusterView, new: &ClusterView) {
        let known = |view: &ClusterView, id| view.hosts().iter().any(|h| h.host_id == id);
        for h in new.hosts().iter().filter(|h| !known(old, h.host_id)) {
            self.ctx.listeners.notify(HostEventKind::Added, h, None);
        }
        for h in old.hosts().iter().filter(|h| !known(new, h.host_id)) {
            self.ctx.listeners.notify(HostEventKind::Removed, h, None);
        }
    }

    /// Re-sizes the pools for the hosts' distances now (up/down changes move a DC-aware
    /// policy's remote hosts).
    pub(super) fn reevaluate_distances(&self) {
        let view = Arc::clone(&self.state.current().view);
        self.state
            .install(view, &self.ctx, &self.config, &self.policies, true);
    }
}
