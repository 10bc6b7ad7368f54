//! The control connection's background task: reads the event stream, debounces it into
//! refreshes, runs them and delivers their results; fails over when the connection dies.

use alloc::boxed::Box;
use alloc::sync::Arc;
use core::time::Duration;

use futures::StreamExt;
use futures::future::{Either, pending, select};

use super::{ControlEvent, Inner, Refreshed};
use crate::cluster::debounce::{Debouncer, Refresh};
use crate::cluster::schema::refresh as schema_refresh;
use crate::cluster::topology::{TopologyDiff, TopologySnapshot};
use crate::connection::Connection;
use crate::runtime::{BoxFuture, NodeAddr};
use crate::session::error::Error;
use crate::sync::Sender;

/// Why the event loop on one connection ended.
enum Ended {
    /// Shut down: the task stops.
    Stopped,
    /// The connection died: fail over.
    Lost,
}

/// The task: serve the current connection until it dies, then move to another candidate.
pub(super) async fn run(inner: Arc<Inner>, tx: Sender<ControlEvent>) {
    let mut debouncer = Debouncer::new(inner.config.debounce);
    let mut failed_rounds: u32 = 0;
    let mut conn = inner.conn.lock().clone();
    loop {
        if inner.is_shut_down() {
            break;
        }
        let current = match conn.take() {
            Some(c) if !c.is_closed() => c,
            lost => {
                let failed = lost.as_ref().map(|c| c.addr().clone());
                match failover(&inner, &tx, failed.as_ref()).await {
                    Ok(c) => {
                        failed_rounds = 0;
                        c
                    }
                    Err(Error::Closed(_)) => break,
                    Err(error) => {
                        let delay = backoff(&inner, failed_rounds);
                        failed_rounds = failed_rounds.saturating_add(1);
                        tracing::warn!(error = %error, retry_in = ?delay, "no node reachable for the control connection");
                        let _ = tx.send(ControlEvent::Disconnected {
                            error,
                            retry_in: delay,
                        });
                        if let Either::Right(_) =
                            select(inner.runtime.sleep(delay), inner.stop.wait()).await
                        {
                            break;
                        }
                        conn = lost;
                        continue;
                    }
                }
            }
        };
        match serve(&inner, &tx, &current, &mut debouncer).await {
            Ended::Stopped => break,
            Ended::Lost => {
                // What is still pending stays pending: it was received, and is delivered
                // once connected again (a topology refresh then repeats the failover's).
                tracing::warn!(host = %current.addr(), "control connection lost; failing over");
                conn = Some(current);
            }
        }
    }
    tracing::debug!("control connection task stopped");
}

/// The wait after `failed_rounds` rounds in which every candidate failed.
fn backoff(inner: &Inner, failed_rounds: u32) -> Duration {
    let base = inner.config.reconnect_delay;
    let factor = 1u32.checked_shl(failed_rounds.min(16)).unwrap_or(u32::MAX);
    base.saturating_mul(factor)
        .min(inner.config.max_reconnect_delay.max(base))
}

/// Connects to another candidate and re-reads everything, telling the session.
async fn failover(
    inner: &Inner,
    tx: &Sender<ControlEvent>,
    failed: Option<&NodeAddr>,
) -> Result<Connection, Error> {
    let candidates = inner.hosts.candidates();
    let conn = inner.connect_any(candidates, failed).await?;
    tracing::info!(host = %conn.addr(), from = ?failed, "control connection moved");
    let _ = tx.send(ControlEvent::Reconnected {
        addr: conn.addr().clone(),
    });
    let (topology, diff) = inner.refresh_topology().await?;
    let keyspaces = inner.fetch_keyspaces().await?;
    // The schema may have changed while no connection listened: read it again.
    let schema = match inner.fetch_schema().await {
        Ok(schema) => Some(schema),
        Err(e) => {
            tracing::warn!(error = %e, "schema metadata could not be read after failover");
            None
        }
    };
    let _ = tx.send(ControlEvent::Refreshed(Box::new(Refreshed {
        topology: Some(topology),
        diff,
        keyspaces: Some(keyspaces),
        schema,
    })));
    Ok(conn)
}

/// Reads `conn`'s events and runs the refreshes they call for, until the connection dies
/// or the control connection shuts down.
async fn serve(
    inner: &Inner,
    tx: &Sender<ControlEvent>,
    conn: &Connection,
    debouncer: &mut Debouncer,
) -> Ended {
    let mut events = conn.events();
    loop {
        while let Some(refresh) = debouncer.poll(inner.runtime.now()) {
            if let Err(e) = apply(inner, tx, refresh).await {
                if conn.is_closed() {
                    return Ended::Lost;
                }
                if inner.is_shut_down() {
                    return Ended::Stopped;
                }
                tracing::warn!(error = %e, "control connection refresh failed");
            }
        }
        if inner.is_shut_down() {
            return Ended::Stopped;
        }
        let now = inner.runtime.now();
        let timer: BoxFuture<'static, ()> = match debouncer.deadline() {
            Some(at) => inner.runtime.sleep(at.saturating_duration_since(now)),
            None => Box::pin(pending()),
        };
        match select(select(events.next(), timer), inner.stop.wait()).await {
            Either::Left((Either::Left((Some(event), _)), _)) => {
                tracing::trace!(event = ?event, "control connection event");
                debouncer.push(inner.runtime.now(), event);
            }
            Either::Left((Either::Left((None, _)), _)) => {
                return if inner.is_shut_down() {
                    Ended::Stopped
                } else {
                    Ended::Lost
                };
            }
            Either::Left((Either::Right(_), _)) => {}
            Either::Right(_) => return Ended::Stopped,
        }
    }
}

/// Runs one refresh and delivers its results.
async fn apply(inner: &Inner, tx: &Sender<ControlEvent>, refresh: Refresh) -> Result<(), Error> {
    match refresh {
        Refresh::Topology => {
            let (topology, diff) = inner.refresh_topology().await?;
            let _ = tx.send(refreshed(topology, diff));
        }
        Refresh::HostUp(addr) => {
            let known = inner
                .last_topology
                .lock()
                .as_ref()
                .is_some_and(|t| t.node_at(&addr).is_some());
            if !known {
                // A node nobody knew: read the topology to learn it.
                let (topology, diff) = inner.refresh_topology().await?;
                let _ = tx.send(refreshed(topology, diff));
            }
            let _ = tx.send(ControlEvent::HostUp(addr));
        }
        Refresh::HostDown(addr) => {
            let _ = tx.send(ControlEvent::HostDown(addr));
        }
        Refresh::Schema { keyspaces, changes } => {
            // The changes are passed on even when re-reading fails.
            let mut failed = None;
            let mut replication = None;
            if keyspaces {
                match inner.fetch_keyspaces().await {
                    Ok(k) => replication = Some(k),
                    Err(e) => failed = Some(e),
                }
            }
            let targets = schema_refresh::plan(&changes, &inner.config.schema);
            let mut schema = None;
            if !targets.is_empty() {
                match inner.refresh_schema(&targets).await {
                    Ok(s) => schema = Some(s),
                    Err(e) => failed = Some(e),
                }
            }
            if replication.is_some() || schema.is_some() {
                let _ = tx.send(ControlEvent::Refreshed(Box::new(Refreshed {
                    topology: None,
                    diff: TopologyDiff::default(),
                    keyspaces: replication,
                    schema,
                })));
            }
            let _ = tx.send(ControlEvent::SchemaChanged(changes));
            if let Some(e) = failed {
                return Err(e);
            }
        }
    }
    Ok(())
}

/// A topology refresh's event.
fn refreshed(topology: TopologySnapshot, diff: TopologyDiff) -> ControlEvent {
    ControlEvent::Refreshed(Box::new(Refreshed {
        topology: Some(topology),
        diff,
        keyspaces: None,
        schema: None,
    }))
}
