//! Query traces: [`QueryTrace`] read from `system_traces.sessions` and
//! `system_traces.events` for a traced request's tracing id.

use alloc::string::String;
use alloc::vec::Vec;
use core::net::IpAddr;
use core::time::Duration;

use uuid::Uuid;

use super::error::Error;
use super::result::Row;
use super::session::Session;
use crate::message::Consistency;
use crate::types::{CqlTimestamp, CqlValue};

/// A request's trace: the session row and its events.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct QueryTrace {
    /// The tracing id.
    pub id: Uuid,
    /// The request type (e.g. `Execute CQL3 query`).
    pub request: Option<String>,
    /// The coordinator.
    pub coordinator: Option<IpAddr>,
    /// The client, as the coordinator saw it.
    pub client: Option<IpAddr>,
    /// Total duration in microseconds (`None` while the trace is incomplete).
    pub duration_micros: Option<i32>,
    /// When the request started.
    pub started_at: Option<CqlTimestamp>,
    /// Request parameters (the query text, consistency...).
    pub parameters: Vec<(String, String)>,
    /// The events, in order.
    pub events: Vec<TraceEvent>,
}

/// One event of a [`QueryTrace`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TraceEvent {
    /// The event id (a timeuuid).
    pub id: Uuid,
    /// What happened.
    pub activity: Option<String>,
    /// The node it happened on.
    pub source: Option<IpAddr>,
    /// Microseconds since the request started on that node.
    pub source_elapsed_micros: Option<i32>,
    /// The thread.
    pub thread: Option<String>,
}

fn opt<T: for<'a> crate::types::DeserializeValue<'a>>(row: &Row, name: &str) -> Option<T> {
    row.get::<Option<T>>(name).ok().flatten()
}

fn params(row: &Row) -> Vec<(String, String)> {
    match row.value("parameters") {
        Ok(Some(CqlValue::Map(entries))) => entries
            .into_iter()
            .filter_map(|(k, v)| match (k, v) {
                (
                    CqlValue::Text(k) | CqlValue::Ascii(k),
                    CqlValue::Text(v) | CqlValue::Ascii(v),
                ) => Some((k, v)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads the trace, retrying (up to about 2 s) while it is missing or incomplete, as the
/// node writes traces asynchronously.
pub(crate) async fn fetch(session: &Session, id: Uuid) -> Result<QueryTrace, Error> {
    let sessions = super::statement::Statement::new(
        "SELECT * FROM system_traces.sessions WHERE session_id = ?",
    )
    .with_consistency(Consistency::One);
    let events =
        super::statement::Statement::new("SELECT * FROM system_traces.events WHERE session_id = ?")
            .with_consistency(Consistency::One);
    let mut wait = Duration::from_millis(3);
    let mut waited = Duration::ZERO;
    loop {
        let result = session.execute(&sessions, (id,)).await?;
        if let Some(row) = result.first_row() {
            let duration_micros = opt::<i32>(&row, "duration");
            if duration_micros.is_some() || waited >= Duration::from_secs(2) {
                let events_result = session.execute(&events, (id,)).await?;
                let events = events_result
                    .rows()
                    .map(|e| TraceEvent {
                        id: opt::<Uuid>(&e, "event_id").unwrap_or_default(),
                        activity: opt::<String>(&e, "activity"),
                        source: opt::<IpAddr>(&e, "source"),
                        source_elapsed_micros: opt::<i32>(&e, "source_elapsed"),
                        thread: opt::<String>(&e, "thread"),
                    })
                    .collect();
                return Ok(QueryTrace {
                    id,
                    request: opt::<String>(&row, "request"),
                    coordinator: opt::<IpAddr>(&row, "coordinator"),
                    client: opt::<IpAddr>(&row, "client"),
                    duration_micros,
                    started_at: opt::<CqlTimestamp>(&row, "started_at"),
                    parameters: params(&row),
                    events,
                });
            }
        } else if waited >= Duration::from_secs(2) {
            return Err(Error::InvalidArgument(alloc::format!(
                "no trace {id} in system_traces.sessions after {waited:?} (was the request traced?)"
            )));
        }
        session.runtime().sleep(wait).await;
        waited += wait;
        wait = (wait * 2).min(Duration::from_millis(250));
    }
}
