//! Request records: every request a node received, with where it came from, what it asked
//! and what the node did, kept in a bounded, shareable [`RequestLog`].
//!
//! Recording is on the hot path of every request, so the log stores a compact form
//! (`StoredRecord`, one 64-byte cache line, no allocation for an EXECUTE of a 16-byte id) and
//! builds [`RequestRecord`]s when a test reads them.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use cql_core::frame::{Opcode, ProtocolVersion};
use cql_core::message::{BatchStatement, Consistency};
use regex::Regex;

use super::action::{CorruptKind, FaultEffect};
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
    pub batch: Vec<BatchStatement<'static>>,
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
                BatchStatement::Query(q) => Some(&**q),
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

/// What a request asked, stored compactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Payload {
    /// No text or id (OPTIONS, STARTUP, ...).
    None,
    /// A QUERY's or PREPARE's text.
    Query(Box<str>),
    /// An EXECUTE's id of the usual 16 bytes.
    Id16([u8; 16]),
    /// An EXECUTE's id of another length.
    Id(Box<[u8]>),
    /// A BATCH's entries.
    Batch(Box<[BatchStatement<'static>]>),
}

/// A request record as the log keeps it (see [`RequestRecord`] for the meaning of the
/// fields).
#[derive(Debug, Clone)]
pub(crate) struct StoredRecord {
    /// Nanoseconds between the log's creation and the request's receipt.
    pub nanos: u64,
    pub payload: Payload,
    pub disposition: PackedDisposition,
    /// The connection's number (saturated at `u32::MAX`).
    pub connection: u32,
    /// The node's slot in the log's node table ([`RequestLog::node_slot`]).
    pub node: u16,
    /// 0 for none, else 1 + the keyspace's slot in the log's keyspace table
    /// ([`RequestLog::keyspace_slot`]).
    pub keyspace: u16,
    pub stream: i16,
    pub version: ProtocolVersion,
    pub opcode: Opcode,
    pub consistency: Option<Consistency>,
    pub serial_consistency: Option<Consistency>,
}

/// A [`Disposition`] in 16 bytes (rule ids saturated at `u32::MAX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PackedDisposition {
    value: u64,
    rule: u32,
    kind: u8,
}

impl From<Disposition> for PackedDisposition {
    fn from(d: Disposition) -> Self {
        let (kind, rule, value) = match d {
            Disposition::Answered { error: None } => (0, 0, 0),
            Disposition::Answered { error: Some(code) } => (1, 0, code_bits(code)),
            Disposition::Fault { rule, effect } => {
                let (kind, value) = match effect {
                    FaultEffect::Error(code) => (2, code_bits(code)),
                    FaultEffect::Delayed(d) => (3, u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
                    FaultEffect::NoAnswer => (4, 0),
                    FaultEffect::ClosedBeforeExecuting => (5, 0),
                    FaultEffect::ClosedAfterExecuting => (6, 0),
                    FaultEffect::Corrupted(CorruptKind::Header) => (7, 0),
                    FaultEffect::Corrupted(CorruptKind::Body) => (8, 0),
                    FaultEffect::RefusedConnection => (9, 0),
                };
                (kind, u32::try_from(rule.0).unwrap_or(u32::MAX), value)
            }
        };
        Self { rule, value, kind }
    }
}

fn code_bits(code: i32) -> u64 {
    u64::from(u32::from_ne_bytes(code.to_ne_bytes()))
}

impl From<PackedDisposition> for Disposition {
    fn from(p: PackedDisposition) -> Self {
        let code = i32::from_ne_bytes(u32::try_from(p.value).unwrap_or(0).to_ne_bytes());
        let effect = match p.kind {
            0 => return Self::Answered { error: None },
            1 => return Self::Answered { error: Some(code) },
            2 => FaultEffect::Error(code),
            3 => FaultEffect::Delayed(Duration::from_nanos(p.value)),
            4 => FaultEffect::NoAnswer,
            5 => FaultEffect::ClosedBeforeExecuting,
            6 => FaultEffect::ClosedAfterExecuting,
            7 => FaultEffect::Corrupted(CorruptKind::Header),
            8 => FaultEffect::Corrupted(CorruptKind::Body),
            _ => FaultEffect::RefusedConnection,
        };
        Self::Fault {
            rule: RuleId(u64::from(p.rule)),
            effect,
        }
    }
}

/// Copies of the log's node and keyspace tables, to expand records.
struct Tables {
    nodes: Vec<SocketAddr>,
    keyspaces: Vec<Arc<str>>,
}

fn copy_of<T: Clone>(table: &Mutex<Vec<T>>) -> Vec<T> {
    table.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

fn slot_of<T: PartialEq>(table: &mut Vec<T>, item: T) -> usize {
    match table.iter().position(|t| *t == item) {
        Some(i) => i,
        None => {
            table.push(item);
            table.len() - 1
        }
    }
}

#[derive(Debug)]
struct LogInner {
    enabled: AtomicBool,
    capacity: AtomicUsize,
    dropped: AtomicU64,
    /// When the log was created, monotonic and in microseconds since the Unix epoch:
    /// records keep an offset from it.
    base: Instant,
    base_micros: i64,
    /// The addresses of the nodes writing to the log (records keep an index).
    nodes: Mutex<Vec<SocketAddr>>,
    /// The keyspaces named in records (records keep an index).
    keyspaces: Mutex<Vec<Arc<str>>>,
    records: Mutex<VecDeque<StoredRecord>>,
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
        let base_micros = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
        Self {
            inner: Arc::new(LogInner {
                enabled: AtomicBool::new(true),
                capacity: AtomicUsize::new(capacity),
                dropped: AtomicU64::new(0),
                base: Instant::now(),
                base_micros,
                nodes: Mutex::new(Vec::new()),
                keyspaces: Mutex::new(Vec::new()),
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
        self.filter(|_| true)
    }

    /// Removes and returns every record kept, oldest first.
    pub fn take(&self) -> Vec<RequestRecord> {
        let stored: Vec<_> = self.lock().drain(..).collect();
        let tables = self.tables();
        stored.iter().map(|r| self.expand(r, &tables)).collect()
    }

    /// Forgets every record (and the dropped count).
    pub fn clear(&self) {
        self.lock().clear();
        self.inner.dropped.store(0, Ordering::Relaxed);
    }

    /// The records for which `keep` holds, oldest first.
    pub fn filter(&self, keep: impl Fn(&RequestRecord) -> bool) -> Vec<RequestRecord> {
        let tables = self.tables();
        let records = self.lock();
        records
            .iter()
            .map(|r| self.expand(r, &tables))
            .filter(|r| keep(r))
            .collect()
    }

    /// How many records `keep` holds for.
    pub fn count_where(&self, keep: impl Fn(&RequestRecord) -> bool) -> usize {
        self.filter(keep).len()
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

    /// The slot of `node` in the log's node table (added when new), for
    /// [`StoredRecord::node`].
    pub(crate) fn node_slot(&self, node: SocketAddr) -> u16 {
        let mut nodes = self.inner.nodes.lock().unwrap_or_else(|e| e.into_inner());
        u16::try_from(slot_of(&mut nodes, node)).unwrap_or(u16::MAX)
    }

    /// [`StoredRecord::keyspace`] for `keyspace` (added to the log's table when new).
    pub(crate) fn keyspace_slot(&self, keyspace: &str) -> u16 {
        let mut keyspaces = self
            .inner
            .keyspaces
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let slot = match keyspaces.iter().position(|k| &**k == keyspace) {
            Some(i) => i,
            None => {
                keyspaces.push(Arc::from(keyspace));
                keyspaces.len() - 1
            }
        };
        u16::try_from(slot + 1).unwrap_or(u16::MAX)
    }

    /// [`StoredRecord::nanos`] for `instant`.
    pub(crate) fn nanos_at(&self, instant: Instant) -> u64 {
        let since = instant.saturating_duration_since(self.inner.base);
        u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
    }

    fn tables(&self) -> Tables {
        Tables {
            nodes: copy_of(&self.inner.nodes),
            keyspaces: copy_of(&self.inner.keyspaces),
        }
    }

    fn expand(&self, r: &StoredRecord, tables: &Tables) -> RequestRecord {
        let node = tables
            .nodes
            .get(usize::from(r.node))
            .copied()
            .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
        let keyspace = usize::from(r.keyspace)
            .checked_sub(1)
            .and_then(|i| tables.keyspaces.get(i))
            .map(|k| k.to_string());
        let (query, prepared_id, batch) = match &r.payload {
            Payload::None => (None, None, Vec::new()),
            Payload::Query(q) => (Some(q.to_string()), None, Vec::new()),
            Payload::Id16(id) => (None, Some(Bytes::copy_from_slice(id)), Vec::new()),
            Payload::Id(id) => (None, Some(Bytes::copy_from_slice(id)), Vec::new()),
            Payload::Batch(entries) => (None, None, entries.to_vec()),
        };
        let micros = i64::try_from(r.nanos / 1000).unwrap_or(i64::MAX);
        RequestRecord {
            node,
            connection: u64::from(r.connection),
            stream: r.stream,
            version: r.version,
            opcode: r.opcode,
            query,
            prepared_id,
            batch,
            consistency: r.consistency,
            serial_consistency: r.serial_consistency,
            keyspace,
            received: self.inner.base + Duration::from_nanos(r.nanos),
            received_micros: self.inner.base_micros.saturating_add(micros),
            disposition: r.disposition.into(),
        }
    }

    /// Appends `batch` (emptying it); drops the oldest beyond the bound.
    pub(crate) fn append(&self, batch: &mut Vec<StoredRecord>) {
        if batch.is_empty() {
            return;
        }
        let capacity = self.capacity();
        let mut records = self.lock();
        records.extend(batch.drain(..));
        self.trim(&mut records, capacity);
    }

    fn trim(&self, records: &mut VecDeque<StoredRecord>, capacity: usize) {
        let excess = records.len().saturating_sub(capacity);
        if excess > 0 {
            records.drain(..excess);
            self.inner
                .dropped
                .fetch_add(u64::try_from(excess).unwrap_or(u64::MAX), Ordering::Relaxed);
        }
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<StoredRecord>> {
        self.inner.records.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(log: &RequestLog, stream: i16, opcode: Opcode, payload: Payload) -> StoredRecord {
        StoredRecord {
            nanos: log.nanos_at(Instant::now()),
            connection: 1,
            payload,
            keyspace: 0,
            disposition: Disposition::Answered { error: None }.into(),
            node: log.node_slot("127.0.0.1:9042".parse().unwrap()),
            stream,
            version: ProtocolVersion::V4,
            opcode,
            consistency: None,
            serial_consistency: None,
        }
    }

    #[test]
    fn bounded_oldest_dropped() {
        let log = RequestLog::with_capacity(3);
        let mut batch: Vec<_> = (0..5)
            .map(|i| stored(&log, i, Opcode::Options, Payload::None))
            .collect();
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
        clone.append(&mut vec![stored(&log, 1, Opcode::Query, Payload::None)]);
        assert_eq!(log.len(), 1);
        assert_eq!(log.take().len(), 1);
        assert!(clone.is_empty());
    }

    #[test]
    fn nodes_and_times_expand() {
        let log = RequestLog::new();
        let a = log.node_slot("127.0.0.1:9042".parse().unwrap());
        let b = log.node_slot("127.0.0.2:9042".parse().unwrap());
        assert_eq!((a, b), (0, 1));
        assert_eq!(log.node_slot("127.0.0.2:9042".parse().unwrap()), 1);
        let before = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_micros();
        let now = Instant::now();
        let mut r = stored(&log, 1, Opcode::Query, Payload::Query("SELECT 1".into()));
        r.node = b;
        r.nanos = log.nanos_at(now);
        r.keyspace = log.keyspace_slot("ks");
        assert_eq!(log.keyspace_slot("other"), 2);
        assert_eq!(log.keyspace_slot("ks"), 1);
        r.consistency = Some(Consistency::Quorum);
        log.append(&mut vec![r]);
        let r = &log.records()[0];
        assert_eq!(r.node, "127.0.0.2:9042".parse().unwrap());
        assert_eq!(r.received, now);
        let micros = i128::from(r.received_micros) - i128::try_from(before).unwrap();
        assert!(micros.abs() < 1_000_000, "{micros}");
        assert_eq!(r.keyspace.as_deref(), Some("ks"));
        assert_eq!(r.consistency, Some(Consistency::Quorum));
        assert_eq!(r.query.as_deref(), Some("SELECT 1"));
    }

    #[test]
    fn dispositions_pack_and_unpack() {
        let rule = RuleId(7);
        for d in [
            Disposition::Answered { error: None },
            Disposition::Answered {
                error: Some(0x2200),
            },
            Disposition::Answered { error: Some(-1) },
        ]
        .into_iter()
        .chain(
            [
                FaultEffect::Error(0x1200),
                FaultEffect::Delayed(Duration::from_millis(1500)),
                FaultEffect::NoAnswer,
                FaultEffect::ClosedBeforeExecuting,
                FaultEffect::ClosedAfterExecuting,
                FaultEffect::Corrupted(CorruptKind::Header),
                FaultEffect::Corrupted(CorruptKind::Body),
                FaultEffect::RefusedConnection,
            ]
            .map(|effect| Disposition::Fault { rule, effect }),
        ) {
            assert_eq!(Disposition::from(PackedDisposition::from(d)), d);
        }
        assert_eq!(std::mem::size_of::<StoredRecord>(), 64);
    }

    #[test]
    fn queries_ids_and_filters() {
        let log = RequestLog::new();
        let batch = Payload::Batch(
            vec![
                BatchStatement::Query("INSERT INTO ks.t (k) VALUES (1)".into()),
                BatchStatement::Prepared(Bytes::from_static(&[9, 9])),
            ]
            .into(),
        );
        let mut exec = stored(&log, 2, Opcode::Execute, Payload::Id(vec![9, 9].into()));
        exec.disposition = Disposition::Fault {
            rule: RuleId(1),
            effect: FaultEffect::NoAnswer,
        }
        .into();
        let query = Payload::Query("SELECT * FROM ks.t".into());
        log.append(&mut vec![
            stored(&log, 1, Opcode::Query, query),
            exec,
            stored(&log, 3, Opcode::Batch, batch),
            stored(&log, 4, Opcode::Execute, Payload::Id16([1; 16])),
        ]);
        assert_eq!(log.with_query("SELECT * FROM ks.t").len(), 1);
        assert_eq!(
            log.queries_matching(&Regex::new("ks\\.t").unwrap()).len(),
            2
        );
        assert_eq!(log.with_prepared_id(&[9, 9]).len(), 2);
        assert_eq!(log.with_prepared_id(&[1; 16]).len(), 1);
        assert_eq!(log.with_opcode(Opcode::Execute).len(), 2);
        assert_eq!(log.count_where(RequestRecord::faulted), 1);
        assert_eq!(log.on_node("127.0.0.1:9042".parse().unwrap()).len(), 4);
        let b = &log.with_opcode(Opcode::Batch)[0];
        assert_eq!(b.queries().count(), 1);
        assert_eq!(b.prepared_ids().collect::<Vec<_>>(), [&[9u8, 9][..]]);
        assert_eq!(b.node_ip(), IpAddr::from([127, 0, 0, 1]));
    }
}
