//! The server's side of fault rules and records, without I/O: what a rule sees of a
//! decoded request, the facts an error answer is completed from, and the record of a
//! request. [`crate::sim::server::client_state::Session::serve`] calls these.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use cql_core::frame::{Frame, ProtocolVersion};
use cql_core::message::{BatchStatement, Consistency, Request, RequestFrame, Response};

use super::action::RequestFacts;
use super::injector::{Decision, FaultInjector};
use super::matcher::RequestView;
use super::records::{Disposition, Payload, RequestLog, StoredRecord};
use crate::sim::node::{Node, PreparedStatement};

/// One connection's records not yet in the log, and what makes recording cheap: one
/// clock reading per batch of frames (they arrived in the same read), the node's slot in
/// the log's node table looked up once, and the connection's keyspace shared between its
/// records.
#[derive(Debug)]
pub struct Recorder {
    records: Vec<StoredRecord>,
    /// When the current batch of frames was received ([`StoredRecord::nanos`]).
    stamp: Option<u64>,
    node: u16,
    /// The last keyspace named, with its slot in the log's keyspace table.
    keyspace: Option<(Box<str>, u16)>,
}

impl Recorder {
    /// A recorder for the server listening on `node`, writing to `log`.
    pub fn new(log: &RequestLog, node: SocketAddr) -> Self {
        Self {
            records: Vec::new(),
            stamp: None,
            node: log.node_slot(node),
            keyspace: None,
        }
    }

    /// Appends the kept records to `log` and starts a new batch.
    pub fn flush(&mut self, log: &RequestLog) {
        log.append(&mut self.records);
        self.stamp = None;
    }

    /// The record field for `keyspace` ([`StoredRecord::keyspace`]): the log's table is
    /// consulted only when the connection names another keyspace than last time.
    pub fn keyspace(&mut self, log: &RequestLog, keyspace: Option<&str>) -> u16 {
        let Some(name) = keyspace else {
            return 0;
        };
        match &self.keyspace {
            Some((last, slot)) if **last == *name => *slot,
            _ => {
                let slot = log.keyspace_slot(name);
                self.keyspace = Some((name.into(), slot));
                slot
            }
        }
    }

    /// Keeps the record of `frame`: its decoded `request` (its texts are taken, not
    /// copied; `None` when it did not pass the handshake checks or did not decode), the
    /// connection's keyspace for requests that do not name one, and what the node did.
    pub fn record(
        &mut self,
        log: &RequestLog,
        connection: u64,
        frame: &Frame,
        request: Option<&mut RequestFrame<'static>>,
        session_keyspace: u16,
        disposition: Disposition,
    ) {
        let nanos = *self
            .stamp
            .get_or_insert_with(|| log.nanos_at(Instant::now()));
        let mut record = StoredRecord {
            nanos,
            connection: u32::try_from(connection).unwrap_or(u32::MAX),
            payload: Payload::None,
            keyspace: session_keyspace,
            disposition: disposition.into(),
            node: self.node,
            stream: frame.header.stream,
            version: frame.header.version,
            opcode: frame.header.opcode,
            consistency: None,
            serial_consistency: None,
        };
        if let Some(request) = request {
            (record.consistency, record.serial_consistency) = consistencies(request);
            let mut named = |ks: &Option<Cow<'_, str>>| match ks {
                Some(ks) => self.keyspace(log, Some(ks)),
                None => session_keyspace,
            };
            let text = |q: &mut Cow<'_, str>| {
                Payload::Query(std::mem::take(q).into_owned().into_boxed_str())
            };
            match &mut request.request {
                Request::Query(q) => {
                    record.payload = text(&mut q.query);
                    record.keyspace = named(&q.params.keyspace);
                }
                Request::Prepare(p) => {
                    record.payload = text(&mut p.query);
                    record.keyspace = named(&p.keyspace);
                }
                Request::Execute(e) => {
                    // Copied: a record must not keep the whole frame body alive.
                    record.payload = match <[u8; 16]>::try_from(&e.id[..]) {
                        Ok(id) => Payload::Id16(id),
                        Err(_) => Payload::Id(e.id.to_vec().into_boxed_slice()),
                    };
                    record.keyspace = named(&e.params.keyspace);
                }
                Request::Batch(b) => {
                    let entries = std::mem::take(&mut b.entries);
                    let entries = entries.into_iter().map(|e| match e.statement {
                        BatchStatement::Prepared(id) => {
                            BatchStatement::Prepared(Bytes::copy_from_slice(&id))
                        }
                        query => query,
                    });
                    record.payload = Payload::Batch(entries.collect());
                    record.keyspace = named(&b.keyspace);
                }
                _ => {}
            }
        }
        self.records.push(record);
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
    request: &RequestFrame<'_>,
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
pub fn facts<'a>(
    request: &'a RequestFrame<'_>,
    version: ProtocolVersion,
    node: SocketAddr,
) -> RequestFacts<'a> {
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
fn consistencies(request: &RequestFrame<'_>) -> (Option<Consistency>, Option<Consistency>) {
    match &request.request {
        Request::Query(q) => (Some(q.params.consistency), q.params.serial_consistency),
        Request::Execute(e) => (Some(e.params.consistency), e.params.serial_consistency),
        Request::Batch(b) => (Some(b.consistency), b.serial_consistency),
        _ => (None, None),
    }
}

/// Whether the request names its own keyspace (v5 keyspace field, PREPARE's keyspace).
pub fn names_keyspace(request: &RequestFrame<'_>) -> bool {
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
