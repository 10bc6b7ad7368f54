//! The server's side of fault rules and records, without I/O: what a rule sees of a
//! decoded request, the facts an error answer is completed from, and the record of a
//! request. [`crate::sim::server::session::Session::serve`] calls these.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use cql_core::frame::{Frame, ProtocolVersion};
use cql_core::message::{BatchStatement, Consistency, Request, RequestFrame, Response};

use super::action::RequestFacts;
use super::injector::{Decision, FaultInjector};
use super::matcher::RequestView;
use super::records::{Disposition, RequestRecord};
use crate::sim::node::{Node, PreparedStatement};

/// When a request was received.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    /// Monotonic time.
    pub instant: Instant,
    /// Microseconds since the Unix epoch.
    pub micros: i64,
}

impl Stamp {
    /// Now.
    pub fn now() -> Self {
        let micros = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
        Self {
            instant: Instant::now(),
            micros,
        }
    }
}

/// Where a request arrived: the server's address and the connection's number.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    /// The address the server listens on.
    pub node: SocketAddr,
    /// The connection's number on that server.
    pub connection: u64,
}

/// The rule acting on `request`, if any. EXECUTEs and BATCHes are matched on the text
/// their prepared ids were prepared from (when the node knows them and a rule matches
/// query text).
pub fn decide(
    faults: &FaultInjector,
    node: &Node,
    origin: Origin,
    frame: &Frame,
    request: &RequestFrame,
) -> Option<Decision> {
    let mut queries: Vec<&str> = Vec::new();
    let mut ids: Vec<&[u8]> = Vec::new();
    match &request.request {
        Request::Query(q) => queries.push(&q.query),
        Request::Prepare(p) => queries.push(&p.query),
        Request::Execute(e) => ids.push(&e.id),
        Request::Batch(b) => {
            for entry in &b.entries {
                match &entry.statement {
                    BatchStatement::Query(q) => queries.push(q),
                    BatchStatement::Prepared(id) => ids.push(id),
                }
            }
        }
        _ => {}
    }
    let prepared: Vec<Arc<PreparedStatement>> = if !ids.is_empty() && faults.wants_query_text() {
        ids.iter().filter_map(|id| node.prepared(id).ok()).collect()
    } else {
        Vec::new()
    };
    queries.extend(prepared.iter().map(|p| p.query.as_str()));
    faults.decide(&RequestView {
        node: origin.node,
        connection: origin.connection,
        opcode: frame.header.opcode,
        queries: &queries,
        prepared_ids: &ids,
    })
}

/// What an error answer to `request` is completed from.
pub fn facts(
    request: &RequestFrame,
    version: ProtocolVersion,
    node: SocketAddr,
) -> RequestFacts<'_> {
    let prepared_id = match &request.request {
        Request::Execute(e) => Some(&e.id[..]),
        Request::Batch(b) => b.entries.iter().find_map(|e| match &e.statement {
            BatchStatement::Prepared(id) => Some(&id[..]),
            BatchStatement::Query(_) => None,
        }),
        _ => None,
    };
    RequestFacts {
        version,
        consistency: consistencies(request).0,
        prepared_id,
        node_ip: node.ip(),
    }
}

/// The request's consistency and serial consistency, when it carries them.
fn consistencies(request: &RequestFrame) -> (Option<Consistency>, Option<Consistency>) {
    match &request.request {
        Request::Query(q) => (Some(q.params.consistency), q.params.serial_consistency),
        Request::Execute(e) => (Some(e.params.consistency), e.params.serial_consistency),
        Request::Batch(b) => (Some(b.consistency), b.serial_consistency),
        _ => (None, None),
    }
}

/// Whether the request names its own keyspace (v5 keyspace field, PREPARE's keyspace).
pub fn names_keyspace(request: &RequestFrame) -> bool {
    match &request.request {
        Request::Query(q) => q.params.keyspace.is_some(),
        Request::Execute(e) => e.params.keyspace.is_some(),
        Request::Prepare(p) => p.keyspace.is_some(),
        Request::Batch(b) => b.keyspace.is_some(),
        _ => false,
    }
}

/// How a normal answer is recorded.
pub fn answered(response: &Response) -> Disposition {
    Disposition::Answered {
        error: match response {
            Response::Error(e) => Some(e.error.code()),
            _ => None,
        },
    }
}

/// The record of `frame`: its decoded `request` (moved in, so its texts are not copied;
/// `None` when it did not pass the handshake checks or did not decode), and the
/// connection's keyspace for requests that do not name one.
pub fn record(
    origin: Origin,
    frame: &Frame,
    request: Option<RequestFrame>,
    session_keyspace: Option<String>,
    stamp: Stamp,
    disposition: Disposition,
) -> RequestRecord {
    let mut record = RequestRecord {
        node: origin.node,
        connection: origin.connection,
        stream: frame.header.stream,
        version: frame.header.version,
        opcode: frame.header.opcode,
        query: None,
        prepared_id: None,
        batch: Vec::new(),
        consistency: None,
        serial_consistency: None,
        keyspace: session_keyspace,
        received: stamp.instant,
        received_micros: stamp.micros,
        disposition,
    };
    let Some(request) = request else {
        return record;
    };
    (record.consistency, record.serial_consistency) = consistencies(&request);
    // Copies of ids, so a record does not keep the whole frame body alive.
    let own = |id: &Bytes| Bytes::copy_from_slice(id);
    match request.request {
        Request::Query(q) => {
            record.query = Some(q.query);
            record.keyspace = q.params.keyspace.or(record.keyspace);
        }
        Request::Prepare(p) => {
            record.query = Some(p.query);
            record.keyspace = p.keyspace.or(record.keyspace);
        }
        Request::Execute(e) => {
            record.prepared_id = Some(own(&e.id));
            record.keyspace = e.params.keyspace.or(record.keyspace);
        }
        Request::Batch(b) => {
            record.batch = b
                .entries
                .into_iter()
                .map(|e| match e.statement {
                    BatchStatement::Prepared(id) => BatchStatement::Prepared(own(&id)),
                    query => query,
                })
                .collect();
            record.keyspace = b.keyspace.or(record.keyspace);
        }
        _ => {}
    }
    record
}
