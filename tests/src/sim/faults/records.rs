//! Request records: every request a node received, with where it came from, what it asked
//! and what the node did, kept in a bounded, shareable [`RequestLog`].

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use cql_core::frame::{Opcode, ProtocolVersion};
use cql_core::message::{BatchStatement, Consistency};
use regex::Regex;

use super::action::FaultEffect;
use super::injector::RuleId;

/// How many records a log keeps by default (the oldest are dropped beyond).
pub const DEFAULT_LOG_CAPACITY: usize = 100_000;

/// What the node did with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Disposition {
    /// Answered normally; `error` is the ERROR code when the answer was an error.
    Answered {
        /// The error code of an ERROR answer.
        error: Option<i32>,
    },
    /// A fault rule acted on it.
    Fault {
        /// The rule.
        rule: RuleId,
        /// What it did.
        effect: FaultEffect,
    },
}

/// One request a node received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The address of the server that received it.
    pub node: SocketAddr,
    /// The connection's number on that server (from 1, in accept order).
    pub connection: u64,
    /// The request's stream id.
    pub stream: i16,
    /// The frame's protocol version.
    pub version: ProtocolVersion,
    /// The request's opcode.
    pub opcode: Opcode,
    /// The text of a QUERY or PREPARE.
    pub query: Option<String>,
    /// The id of an EXECUTE.
    pub prepared_id: Option<Bytes>,
    /// A BATCH's entries (query texts and prepared ids); empty otherwise.
    pub batch: Vec<BatchStatement>,
    /// The consistency of a QUERY, EXECUTE or BATCH.
    pub consistency: Option<Consistency>,
    /// The serial consistency, when the request sets one.
    pub serial_consistency: Option<Consistency>,
    /// The keyspace the request names (v5 keyspace field, PREPARE's keyspace), else the
    /// connection's `USE` keyspace.
    pub keyspace: Option<String>,
    /// When the node decoded it (monotonic).
    pub received: Instant,
    /// When the node decoded it, in microseconds since the Unix epoch.
    pub received_micros: i64,
    /// What the node did.
    pub disposition: Disposition,
}

impl RequestRecord {
    /// Every query text of the request: a QUERY's or PREPARE's, a BATCH's query entries.
    pub fn queries(&self) -> impl Iterator<Item = &str> {
        self.query
            .as_deref()
            .into_iter()
            .chain(self.batch.iter().filter_map(|e| match e {
                BatchStatement::Query(q) => Some(q.as_str()),
                BatchStatement::Prepared(_) => None,
            }))
    }

    /// Every prepared id of the request: an EXECUTE's, a BATCH's prepared entries.
    pub fn prepared_ids(&self) -> impl Iterator<Item = &[u8]> {
        self.prepared_id
            .as_deref()
            .into_iter()
            .chain(self.batch.iter().filter_map(|e| match e {
                BatchStatement::Prepared(id) => Some(&id[..]),
                BatchStatement::Query(_) => None,
            }))
    }

    /// Whether a fault rule acted on the request.
    pub fn faulted(&self) -> bool {
        matches!(self.disposition, Disposition::Fault { .. })
    }

    /// The node's IP.
    pub fn node_ip(&self) -> IpAddr {
        self.node.ip()
    }
}

#[derive(Debug)]
struct LogInner {
    enabled: AtomicBool,
    capacity: AtomicUsize,
    dropped: AtomicU64,
    records: Mutex<VecDeque<RequestRecord>>,
}

/// The request records of one or more nodes: a cheap clonable handle (clones share the
/// records), bounded to [`capacity`](Self::capacity) records (the oldest are dropped and
/// counted in [`dropped`](Self::dropped)) and switchable off.
#[derive(Debug, Clone)]
pub struct RequestLog {
    inner: Arc<LogInner>,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestLog {
    /// An empty, enabled log keeping up to [`DEFAULT_LOG_CAPACITY`] records.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_LOG_CAPACITY)
    }

    /// An empty, enabled log keeping up to `capacity` records.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            inner: Arc::new(LogInner {
                enabled: AtomicBool::new(true),
                capacity: AtomicUsize::new(capacity),
                dropped: AtomicU64::new(0),
                records: Mutex::new(VecDeque::new()),
            }),
        }
    }

    /// A log that records nothing until [`set_enabled`](Self::set_enabled).
    pub fn disabled() -> Self {
        let log = Self::new();
        log.set_enabled(false);
        log
    }

    /// Turns recording on or off (records kept so far stay).
    pub fn set_enabled(&self, enabled: bool) {
        self.inner.enabled.store(enabled, Ordering::Relaxed);
    }

    /// Whether requests are being recorded.
    pub fn is_enabled(&self) -> bool {
        self.inner.enabled.load(Ordering::Relaxed)
    }

    /// Changes the bound, dropping the oldest records beyond it.
    pub fn set_capacity(&self, capacity: usize) {
        self.inner.capacity.store(capacity, Ordering::Relaxed);
        let mut records = self.lock();
        self.trim(&mut records, capacity);
    }

    /// The most records kept.
    pub fn capacity(&self) -> usize {
        self.inner.capacity.load(Ordering::Relaxed)
    }

    /// How many records were dropped because the log was full.
    pub fn dropped(&self) -> u64 {
        self.inner.dropped.load(Ordering::Relaxed)
    }

    /// How many records are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no record is kept.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// A copy of every record kept, oldest first.
    pub fn records(&self) -> Vec<RequestRecord> {
        self.lock().iter().cloned().collect()
    }

    /// Removes and returns every record kept, oldest first.
    pub fn take(&self) -> Vec<RequestRecord> {
        self.lock().drain(..).collect()
    }

    /// Forgets every record (and the dropped count).
    pub fn clear(&self) {
        self.lock().clear();
        self.inner.dropped.store(0, Ordering::Relaxed);
    }

    /// The records for which `keep` holds, oldest first.
    pub fn filter(&self, keep: impl Fn(&RequestRecord) -> bool) -> Vec<RequestRecord> {
        self.lock().iter().filter(|r| keep(r)).cloned().collect()
    }

    /// How many records `keep` holds for.
    pub fn count_where(&self, keep: impl Fn(&RequestRecord) -> bool) -> usize {
        self.lock().iter().filter(|r| keep(r)).count()
    }

    /// The requests with `opcode`.
    pub fn with_opcode(&self, opcode: Opcode) -> Vec<RequestRecord> {
        self.filter(|r| r.opcode == opcode)
    }

    /// The requests received by the server listening on `node`.
    pub fn on_node(&self, node: SocketAddr) -> Vec<RequestRecord> {
        self.filter(|r| r.node == node)
    }

    /// The requests with this exact query text (QUERY, PREPARE or a BATCH entry).
    pub fn with_query(&self, text: &str) -> Vec<RequestRecord> {
        self.filter(|r| r.queries().any(|q| q == text))
    }

    /// The requests with a query text in which `pattern` is found.
    pub fn queries_matching(&self, pattern: &Regex) -> Vec<RequestRecord> {
        self.filter(|r| r.queries().any(|q| pattern.is_match(q)))
    }

    /// The requests naming prepared id `id` (EXECUTE or a BATCH entry).
    pub fn with_prepared_id(&self, id: &[u8]) -> Vec<RequestRecord> {
        self.filter(|r| r.prepared_ids().any(|p| p == id))
    }

    /// Appends `batch` (emptying it), when enabled; drops the oldest beyond the bound.
    pub(crate) fn append(&self, batch: &mut Vec<RequestRecord>) {
        if batch.is_empty() {
            return;
        }
        let capacity = self.capacity();
        let mut records = self.lock();
        records.extend(batch.drain(..));
        self.trim(&mut records, capacity);
    }

    fn trim(&self, records: &mut VecDeque<RequestRecord>, capacity: usize) {
        let excess = records.len().saturating_sub(capacity);
        if excess > 0 {
            records.drain(..excess);
            self.inner
                .dropped
                .fetch_add(u64::try_from(excess).unwrap_or(u64::MAX), Ordering::Relaxed);
        }
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<RequestRecord>> {
        self.inner.records.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(stream: i16, opcode: Opcode, query: Option<&str>) -> RequestRecord {
        RequestRecord {
            node: "127.0.0.1:9042".parse().unwrap(),
            connection: 1,
            stream,
            version: ProtocolVersion::V4,
            opcode,
            query: query.map(str::to_string),
            prepared_id: None,
            batch: Vec::new(),
            consistency: None,
            serial_consistency: None,
            keyspace: None,
            received: Instant::now(),
            received_micros: 0,
            disposition: Disposition::Answered { error: None },
        }
    }

    #[test]
    fn bounded_oldest_dropped() {
        let log = RequestLog::with_capacity(3);
        let mut batch: Vec<_> = (0..5).map(|i| record(i, Opcode::Options, None)).collect();
        log.append(&mut batch);
        assert!(batch.is_empty());
        let streams: Vec<_> = log.records().iter().map(|r| r.stream).collect();
        assert_eq!(streams, [2, 3, 4]);
        assert_eq!(log.dropped(), 2);
        log.set_capacity(1);
        assert_eq!(log.records()[0].stream, 4);
        assert_eq!(log.dropped(), 4);
        log.clear();
        assert!(log.is_empty());
        assert_eq!(log.dropped(), 0);
    }

    #[test]
    fn switch_and_shared_handles() {
        let log = RequestLog::disabled();
        assert!(!log.is_enabled());
        let clone = log.clone();
        clone.set_enabled(true);
        assert!(log.is_enabled());
        clone.append(&mut vec![record(1, Opcode::Query, Some("x"))]);
        assert_eq!(log.len(), 1);
        assert_eq!(log.take().len(), 1);
        assert!(clone.is_empty());
    }

    #[test]
    fn queries_ids_and_filters() {
        let log = RequestLog::new();
        let mut batch = record(3, Opcode::Batch, None);
        batch.batch = vec![
            BatchStatement::Query("INSERT INTO ks.t (k) VALUES (1)".into()),
            BatchStatement::Prepared(Bytes::from_static(&[9, 9])),
        ];
        let mut exec = record(2, Opcode::Execute, None);
        exec.prepared_id = Some(Bytes::from_static(&[9, 9]));
        exec.disposition = Disposition::Fault {
            rule: RuleId(1),
            effect: FaultEffect::NoAnswer,
        };
        log.append(&mut vec![
            record(1, Opcode::Query, Some("SELECT * FROM ks.t")),
            exec,
            batch,
        ]);
        assert_eq!(log.with_query("SELECT * FROM ks.t").len(), 1);
        assert_eq!(
            log.queries_matching(&Regex::new("ks\\.t").unwrap()).len(),
            2
        );
        assert_eq!(log.with_prepared_id(&[9, 9]).len(), 2);
        assert_eq!(log.with_opcode(Opcode::Execute).len(), 1);
        assert_eq!(log.count_where(RequestRecord::faulted), 1);
        assert_eq!(log.on_node("127.0.0.1:9042".parse().unwrap()).len(), 3);
        let b = &log.with_opcode(Opcode::Batch)[0];
        assert_eq!(b.queries().count(), 1);
        assert_eq!(b.prepared_ids().collect::<Vec<_>>(), [&[9u8, 9][..]]);
        assert_eq!(b.node_ip(), IpAddr::from([127, 0, 0, 1]));
    }
}
