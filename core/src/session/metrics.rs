//! Per-session metrics: requests, outcomes, errors by kind, retries, ignores, speculative
//! executions, a latency histogram and open connections per host.
//!
//! The session records into its counters on every request with relaxed atomic
//! operations only (no lock, no allocation); [`Session::metrics`](super::Session::metrics)
//! reads them into a [`MetricsSnapshot`], plain data to print or export.
//!
//! Errors are grouped as the Java and Python drivers group them (read/write timeouts,
//! unavailable, overloaded, other server errors, client timeouts, connection errors...,
//! see [`ErrorKind`]) and counted once per failed attempt: a request that fails on two
//! hosts counts two errors (and, if it is retried, one retry) but one failed request.

mod histogram;

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;

pub use histogram::{LatencyHistogram, LatencySnapshot};

use super::error::Error;
use crate::message::DbErrorKind;
use crate::runtime::NodeAddr;
use crate::sync::stripe::StripedCounter;

/// The kind of a failed attempt or request, as metrics count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The coordinator's replicas did not answer a read in time (`READ_TIMEOUT`).
    ReadTimeout,
    /// The coordinator's replicas did not acknowledge a write in time (`WRITE_TIMEOUT`).
    WriteTimeout,
    /// Too few replicas alive for the consistency level (`UNAVAILABLE`).
    Unavailable,
    /// The coordinator could not take the request now (`OVERLOADED`, `IS_BOOTSTRAPPING`).
    Overloaded,
    /// Any other error the node answered with about running the request: server error,
    /// protocol error, truncate error, read/write/function/CDC failures, unknown LWT
    /// outcome, unknown codes.
    OtherServer,
    /// The node refused the request itself: syntax error, invalid query, unauthorized,
    /// configuration error, already exists.
    InvalidQuery,
    /// No answer within the client-side request timeout.
    ClientTimeout,
    /// A connection could not be opened or failed with the request in flight.
    Connection,
    /// The node refused the credentials.
    Authentication,
    /// No host could be tried at all.
    NoHostAvailable,
    /// Rejected by the driver: values that do not fit, a request that cannot be encoded,
    /// a result that cannot be read, a bad argument, a closed session.
    Client,
    /// Anything else (e.g. a node that broke the protocol).
    Other,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 12] = [
        Self::ReadTimeout,
        Self::WriteTimeout,
        Self::Unavailable,
        Self::Overloaded,
        Self::OtherServer,
        Self::InvalidQuery,
        Self::ClientTimeout,
        Self::Connection,
        Self::Authentication,
        Self::NoHostAvailable,
        Self::Client,
        Self::Other,
    ];

    /// The kind of `error`.
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Server(e) => match e.error.kind() {
                DbErrorKind::ReadTimeout => Self::ReadTimeout,
                DbErrorKind::WriteTimeout => Self::WriteTimeout,
                DbErrorKind::Unavailable => Self::Unavailable,
                DbErrorKind::Overloaded | DbErrorKind::Bootstrapping => Self::Overloaded,
                DbErrorKind::InvalidRequest => Self::InvalidQuery,
                DbErrorKind::Authentication => Self::Authentication,
                DbErrorKind::Unprepared
                | DbErrorKind::ReplicaFailure
                | DbErrorKind::ServerSide
                | DbErrorKind::FunctionFailure
                | DbErrorKind::Protocol => Self::OtherServer,
            },
            Error::Timeout { .. } => Self::ClientTimeout,
            Error::Connection { .. } => Self::Connection,
            Error::Authentication { .. } => Self::Authentication,
            Error::NoHostAvailable(_) => Self::NoHostAvailable,
            Error::Serialize(_)
            | Error::Encode(_)
            | Error::Deserialize(_)
            | Error::InvalidArgument(_)
            | Error::Closed(_) => Self::Client,
            Error::Protocol(_) => Self::Other,
        }
    }

    /// A short snake_case name for exporters (`"read_timeouts"`, `"unavailables"`...).
    pub fn name(self) -> &'static str {
        match self {
            Self::ReadTimeout => "read_timeouts",
            Self::WriteTimeout => "write_timeouts",
            Self::Unavailable => "unavailables",
            Self::Overloaded => "overloaded",
            Self::OtherServer => "other_server_errors",
            Self::InvalidQuery => "invalid_queries",
            Self::ClientTimeout => "client_timeouts",
            Self::Connection => "connection_errors",
            Self::Authentication => "authentication_errors",
            Self::NoHostAvailable => "no_host_available",
            Self::Client => "client_errors",
            Self::Other => "other_errors",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A count per [`ErrorKind`] (errors, retries or ignores). Plain data; `Debug` prints
/// the non-zero counts by name.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct ErrorCounts([u64; ErrorKind::ALL.len()]);

impl fmt::Debug for ErrorCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(k, n)| (k.name(), n)),
            )
            .finish()
    }
}

impl ErrorCounts {
    /// The count for `kind`.
    pub fn get(&self, kind: ErrorKind) -> u64 {
        self.0.get(kind.index()).copied().unwrap_or(0)
    }

    /// The sum over every kind.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Every kind with its count (zeros included), in [`ErrorKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (ErrorKind, u64)> + '_ {
        ErrorKind::ALL.iter().map(|&k| (k, self.get(k)))
    }

    /// Read timeouts.
    pub fn read_timeouts(&self) -> u64 {
        self.get(ErrorKind::ReadTimeout)
    }

    /// Write timeouts.
    pub fn write_timeouts(&self) -> u64 {
        self.get(ErrorKind::WriteTimeout)
    }

    /// Unavailable errors.
    pub fn unavailables(&self) -> u64 {
        self.get(ErrorKind::Unavailable)
    }

    /// Overloaded (and bootstrapping) coordinators.
    pub fn overloaded(&self) -> u64 {
        self.get(ErrorKind::Overloaded)
    }

    /// Other server errors.
    pub fn other_server_errors(&self) -> u64 {
        self.get(ErrorKind::OtherServer)
    }

    /// Invalid queries (syntax, invalid, unauthorized...).
    pub fn invalid_queries(&self) -> u64 {
        self.get(ErrorKind::InvalidQuery)
    }

    /// Client-side timeouts.
    pub fn client_timeouts(&self) -> u64 {
        self.get(ErrorKind::ClientTimeout)
    }

    /// Connection errors.
    pub fn connection_errors(&self) -> u64 {
        self.get(ErrorKind::Connection)
    }
}

/// One atomic counter per [`ErrorKind`].
#[derive(Debug, Default)]
struct KindCounters([AtomicU64; ErrorKind::ALL.len()]);

impl KindCounters {
    fn add(&self, kind: ErrorKind) {
        if let Some(c) = self.0.get(kind.index()) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn load(&self) -> ErrorCounts {
        let mut out = ErrorCounts::default();
        for (o, c) in out.0.iter_mut().zip(&self.0) {
            *o = c.load(Ordering::Relaxed);
        }
        out
    }
}

/// The live counters of one session. Hot-path recording is lock-free; the open
/// connections gauge (updated when connections open or close, not per request) sits
/// behind a short lock.
#[derive(Debug, Default)]
pub(crate) struct SessionMetrics {
    // Counted on every request from every worker thread: striped.
    requests: StripedCounter,
    successes: StripedCounter,
    failures: StripedCounter,
    request_ids: AtomicU64,
    speculative_executions: AtomicU64,
    errors: KindCounters,
    retries: KindCounters,
    ignores: KindCounters,
    latency: LatencyHistogram,
    open_connections: spin::Mutex<BTreeMap<NodeAddr, usize>>,
}

impl SessionMetrics {
    /// Counts a request starting.
    pub(crate) fn request_started(&self) {
        self.requests.add(1);
    }

    /// The next request number (from 0, unique in the session), for a request tracker:
    /// taken only when one is set, as it is one more count every thread shares.
    pub(crate) fn next_request_id(&self) -> u64 {
        self.request_ids.fetch_add(1, Ordering::Relaxed)
    }

    /// Counts a request that ended with a result after `latency`.
    pub(crate) fn request_succeeded(&self, latency: Duration) {
        self.latency.record(latency);
        self.successes.add(1);
    }

    /// Counts a request that ended with an error after `latency`.
    pub(crate) fn request_failed(&self, latency: Duration) {
        self.latency.record(latency);
        self.failures.add(1);
    }

    /// Counts one failed attempt's error.
    pub(crate) fn error(&self, kind: ErrorKind) {
        self.errors.add(kind);
    }

    /// Counts a retry caused by an error of `kind`.
    pub(crate) fn retry(&self, kind: ErrorKind) {
        self.retries.add(kind);
    }

    /// Counts an error the retry policy chose to ignore.
    pub(crate) fn ignore(&self, kind: ErrorKind) {
        self.ignores.add(kind);
    }

    /// Counts a speculative execution started.
    pub(crate) fn speculative_execution(&self) {
        self.speculative_executions.fetch_add(1, Ordering::Relaxed);
    }

    /// Sets the gauge of open connections to `host`.
    pub(crate) fn set_open_connections(&self, host: &NodeAddr, n: usize) {
        let mut map = self.open_connections.lock();
        match map.get_mut(host) {
            Some(v) => *v = n,
            None => {
                map.insert(host.clone(), n);
            }
        }
    }

    /// Drops `host` from the open connections gauge (a host removed from the cluster).
    pub(crate) fn forget_host(&self, host: &NodeAddr) {
        self.open_connections.lock().remove(host);
    }

    /// Everything, read now.
    pub(crate) fn snapshot(&self) -> MetricsSnapshot {
        MetricsSnapshot {
            requests: self.requests.get(),
            successes: self.successes.get(),
            failures: self.failures.get(),
            speculative_executions: self.speculative_executions.load(Ordering::Relaxed),
            errors: self.errors.load(),
            retries: self.retries.load(),
            ignores: self.ignores.load(),
            latency: self.latency.snapshot(),
            open_connections: self
                .open_connections
                .lock()
                .iter()
                .map(|(h, n)| (h.clone(), *n))
                .collect(),
        }
    }
}

/// What it took to answer one request ([`QueryResult::request_info`](super::QueryResult::request_info)):
/// attempts, latency and the hosts that failed before the one that answered. Costs
/// nothing extra when the first attempt succeeds (`failed` then does not allocate).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RequestInfo {
    /// Hosts tried plus retries on the same host, the successful attempt included (a
    /// host whose connection could not be opened counts as an attempt).
    pub attempts: u32,
    /// From handing the request to the session to the result, retries included (the
    /// session's [`Runtime`](crate::runtime::Runtime) clock).
    pub latency: Duration,
    /// Each failed attempt before the answer: the host and the kind of error, in order.
    pub failed: Vec<(NodeAddr, ErrorKind)>,
}

/// A session's metrics at one moment ([`Session::metrics`](super::Session::metrics)).
/// Counters only grow; subtract two snapshots for rates ([`LatencySnapshot::since`] for
/// the latencies of an interval).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MetricsSnapshot {
    /// Requests started (statements, batches, pages; not PREPARE or USE sent by the
    /// session itself).
    pub requests: u64,
    /// Requests that ended with a result (including errors the retry policy ignored).
    pub successes: u64,
    /// Requests that ended with an error.
    pub failures: u64,
    /// Errors of failed attempts, by kind (a request tried on three hosts may count three).
    pub errors: ErrorCounts,
    /// Retries, by the kind of error that caused them.
    pub retries: ErrorCounts,
    /// Errors the retry policy turned into empty results, by kind.
    pub ignores: ErrorCounts,
    /// Speculative executions started.
    pub speculative_executions: u64,
    /// Latency of finished requests (successes and failures), start to end, retries
    /// included.
    pub latency: LatencySnapshot,
    /// Open connections per host, by address.
    pub open_connections: Vec<(NodeAddr, usize)>,
}

impl MetricsSnapshot {
    /// Requests started and not finished when the snapshot was taken.
    pub fn in_flight(&self) -> u64 {
        self.requests
            .saturating_sub(self.successes)
            .saturating_sub(self.failures)
    }

    /// Open connections to `host` (0 for an unknown host).
    pub fn open_connections_to(&self, host: &NodeAddr) -> usize {
        self.open_connections
            .iter()
            .find(|(h, _)| h == host)
            .map_or(0, |(_, n)| *n)
    }

    /// Open connections to every host.
    pub fn total_open_connections(&self) -> usize {
        self.open_connections.iter().map(|(_, n)| n).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::ConnectionError;
    use crate::message::{Consistency, DbError, ErrorResponse, WriteType};
    use alloc::string::String;

    fn host() -> NodeAddr {
        NodeAddr::new("10.0.0.1", 9042)
    }

    fn server(error: DbError) -> Error {
        Error::from_response(
            host(),
            ErrorResponse {
                error,
                message: String::from("x"),
            },
        )
    }

    #[test]
    fn errors_are_grouped_like_the_java_and_python_drivers() {
        let cases = [
            (
                server(DbError::ReadTimeout {
                    consistency: Consistency::One,
                    received: 0,
                    block_for: 1,
                    data_present: false,
                }),
                ErrorKind::ReadTimeout,
            ),
            (
                server(DbError::WriteTimeout {
                    consistency: Consistency::One,
                    received: 0,
                    block_for: 1,
                    write_type: WriteType::Simple,
                    contentions: None,
                }),
                ErrorKind::WriteTimeout,
            ),
            (
                server(DbError::Unavailable {
                    consistency: Consistency::Quorum,
                    required: 2,
                    alive: 1,
                }),
                ErrorKind::Unavailable,
            ),
            (server(DbError::Overloaded), ErrorKind::Overloaded),
            (server(DbError::IsBootstrapping), ErrorKind::Overloaded),
            (server(DbError::ServerError), ErrorKind::OtherServer),
            (server(DbError::TruncateError), ErrorKind::OtherServer),
            (server(DbError::SyntaxError), ErrorKind::InvalidQuery),
            (server(DbError::Invalid), ErrorKind::InvalidQuery),
            (server(DbError::Unauthorized), ErrorKind::InvalidQuery),
            (server(DbError::BadCredentials), ErrorKind::Authentication),
            (
                Error::Timeout {
                    host: host(),
                    timeout: Duration::from_secs(1),
                },
                ErrorKind::ClientTimeout,
            ),
            (
                Error::from_connection(host(), ConnectionError::Closed(String::from("reset"))),
                ErrorKind::Connection,
            ),
            (
                Error::NoHostAvailable(Vec::new()),
                ErrorKind::NoHostAvailable,
            ),
            (Error::Closed("closed"), ErrorKind::Client),
            (
                Error::InvalidArgument(String::from("bad")),
                ErrorKind::Client,
            ),
            (Error::Protocol(String::from("odd")), ErrorKind::Other),
        ];
        for (error, kind) in &cases {
            assert_eq!(ErrorKind::of(error), *kind, "{error}");
        }
        let names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for (i, k) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i);
        }
    }

    #[test]
    fn counters_add_up() {
        let m = SessionMetrics::default();
        assert_eq!(m.snapshot(), MetricsSnapshot::default());
        for _ in 0..3 {
            m.request_started();
        }
        m.request_succeeded(Duration::from_millis(2));
        m.request_succeeded(Duration::from_millis(4));
        m.error(ErrorKind::Unavailable);
        m.retry(ErrorKind::Unavailable);
        m.error(ErrorKind::Unavailable);
        m.error(ErrorKind::InvalidQuery);
        m.ignore(ErrorKind::WriteTimeout);
        m.speculative_execution();
        m.request_started();
        assert_eq!(m.next_request_id(), 0, "request numbers count from 0");
        assert_eq!(m.next_request_id(), 1);
        m.request_failed(Duration::from_millis(6));
        let s = m.snapshot();
        assert_eq!((s.requests, s.successes, s.failures), (4, 2, 1));
        assert_eq!(s.in_flight(), 1);
        assert_eq!(s.errors.unavailables(), 2);
        assert_eq!(s.errors.invalid_queries(), 1);
        assert_eq!(s.errors.total(), 3);
        assert_eq!(s.retries.get(ErrorKind::Unavailable), 1);
        assert_eq!(s.retries.total(), 1);
        assert_eq!(s.ignores.write_timeouts(), 1);
        assert_eq!(s.speculative_executions, 1);
        assert_eq!(s.latency.count, 3);
        assert_eq!(s.latency.mean, Duration::from_millis(4));
        assert_eq!(s.latency.max, Duration::from_millis(6));
        assert_eq!(s.errors.iter().filter(|(_, n)| *n > 0).count(), 2);
        assert_eq!(
            alloc::format!("{:?}", s.errors),
            r#"{"unavailables": 2, "invalid_queries": 1}"#
        );
        assert_eq!(
            (
                s.errors.read_timeouts(),
                s.errors.write_timeouts(),
                s.errors.overloaded(),
                s.errors.other_server_errors(),
                s.errors.client_timeouts(),
                s.errors.connection_errors()
            ),
            (0, 0, 0, 0, 0, 0)
        );
    }

    #[test]
    fn open_connections_gauge() {
        let m = SessionMetrics::default();
        let other = NodeAddr::new("10.0.0.2", 9042);
        m.set_open_connections(&host(), 2);
        m.set_open_connections(&other, 1);
        m.set_open_connections(&host(), 3);
        let s = m.snapshot();
        assert_eq!(s.open_connections_to(&host()), 3);
        assert_eq!(s.open_connections_to(&other), 1);
        assert_eq!(s.total_open_connections(), 4);
        assert_eq!(s.open_connections.len(), 2);
        m.forget_host(&other);
        let s = m.snapshot();
        assert_eq!(s.open_connections_to(&other), 0);
        assert_eq!(s.open_connections, alloc::vec![(host(), 3)]);
    }

    #[test]
    fn concurrent_counting_loses_nothing() {
        let m = std::sync::Arc::new(SessionMetrics::default());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let m = m.clone();
                std::thread::spawn(move || {
                    for i in 0..5000u64 {
                        m.request_started();
                        m.error(ErrorKind::ClientTimeout);
                        m.request_succeeded(Duration::from_micros(i));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let s = m.snapshot();
        assert_eq!(s.requests, 20_000);
        assert_eq!(s.successes, 20_000);
        assert_eq!(s.errors.client_timeouts(), 20_000);
        assert_eq!(s.latency.count, 20_000);
    }
}
