//! [`RequestTracker`]: a hook for users' own monitoring, told when each request starts,
//! when it ends (with the host and the latency) and when an attempt fails.
//!
//! Configure one with [`SessionBuilder::request_tracker`](super::SessionBuilder::request_tracker);
//! without one the session calls nothing. The events carry the statement's kind and CQL
//! text, never its bound values. Methods run inline on the request path: keep them short
//! (count, record, hand off to a channel), never block.

use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use super::error::Error;
use super::metrics::{ErrorKind, RequestInfo, SessionMetrics};
use super::request::{ExecRequest, Payload};
use super::result::QueryResult;
use super::statement::ResolvedOptions;
use crate::message::Consistency;
use crate::policies::retry::RetryDecision;
use crate::runtime::{Instant, MaybeSend, MaybeSync, NodeAddr, Runtime};

/// What kind of statement a request runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatementKind {
    /// CQL text (a QUERY message).
    Simple,
    /// A prepared statement (an EXECUTE message).
    Prepared,
    /// A batch.
    Batch,
    /// The preparation of CQL text (a PREPARE message).
    Prepare,
}

/// A request starting ([`RequestTracker::on_start`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RequestStart<'a> {
    /// The request's number in the session (from 0); the same in its end and attempt
    /// events, to pair them up.
    pub id: u64,
    /// The statement's kind.
    pub kind: StatementKind,
    /// The CQL text (of the prepared statement for [`StatementKind::Prepared`]); `None`
    /// for a batch.
    pub query: Option<&'a str>,
    /// Statements in the request: 1, or the batch's size.
    pub statements: usize,
    /// The consistency level asked for.
    pub consistency: Consistency,
    /// Whether the request is idempotent.
    pub idempotent: bool,
    /// When it started, on the session's runtime clock.
    pub started_at: Instant,
}

/// A request that ended ([`RequestTracker::on_success`], [`RequestTracker::on_error`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RequestEnd<'a> {
    /// The request's number (as in [`RequestStart::id`]).
    pub id: u64,
    /// The statement's kind.
    pub kind: StatementKind,
    /// The CQL text (`None` for a batch).
    pub query: Option<&'a str>,
    /// Statements in the request.
    pub statements: usize,
    /// The host that answered (success), or the host of the error / the last host tried
    /// (error; `None` when no host was tried).
    pub host: Option<&'a NodeAddr>,
    /// From start to end, retries included.
    pub latency: Duration,
    /// Attempts made (see [`RequestInfo::attempts`]).
    pub attempts: u32,
}

/// One failed attempt of a request ([`RequestTracker::on_attempt_error`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AttemptFailure<'a> {
    /// The request's number (as in [`RequestStart::id`]).
    pub id: u64,
    /// The statement's kind.
    pub kind: StatementKind,
    /// The CQL text (`None` for a batch).
    pub query: Option<&'a str>,
    /// The host tried.
    pub host: &'a NodeAddr,
    /// The attempt's number, from 1.
    pub attempt: u32,
    /// How long the attempt took.
    pub latency: Duration,
    /// The kind of error.
    pub error_kind: ErrorKind,
    /// What the retry policy decided, or `None` when it was not asked (no connection to
    /// the host could be opened: the next host is tried; or an error no policy sees).
    pub decision: Option<RetryDecision>,
}

/// Users' own request monitoring (see the [module docs](self)). Every method has an empty
/// default: implement the ones you need.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use cql_core::session::{RequestEnd, RequestTracker, SessionBuilder};
///
/// /// Counts requests slower than 100 ms.
/// #[derive(Debug, Default)]
/// struct SlowRequests(AtomicU64);
///
/// impl RequestTracker for SlowRequests {
///     fn on_success(&self, request: &RequestEnd<'_>) {
///         if request.latency.as_millis() > 100 {
///             self.0.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
///
/// let builder = SessionBuilder::new()
///     .contact_point("127.0.0.1")
///     .request_tracker(Arc::new(SlowRequests::default()));
/// ```
pub trait RequestTracker: fmt::Debug + MaybeSend + MaybeSync {
    /// A request starts (before the first attempt).
    fn on_start(&self, request: &RequestStart<'_>) {
        let _ = request;
    }

    /// A request ended with a result.
    fn on_success(&self, request: &RequestEnd<'_>) {
        let _ = request;
    }

    /// A request ended with `error`.
    fn on_error(&self, request: &RequestEnd<'_>, error: &Error) {
        let _ = (request, error);
    }

    /// One attempt failed with `error` (the request may still succeed on a retry).
    fn on_attempt_error(&self, attempt: &AttemptFailure<'_>, error: &Error) {
        let _ = (attempt, error);
    }
}

/// Records one request into the session's metrics and its tracker: created when the
/// request starts, told about each attempt, consumed with the outcome. A PREPARE is not a
/// request in the metrics (they count what the application runs); the tracker sees it, as
/// [`StatementKind::Prepare`].
pub(crate) struct RequestObserver<'a> {
    /// The session's metrics, or `None` for a PREPARE.
    metrics: Option<&'a SessionMetrics>,
    tracker: Option<&'a dyn RequestTracker>,
    runtime: &'a dyn Runtime,
    /// The request number given to the tracker (0 without one).
    id: u64,
    kind: StatementKind,
    query: Option<&'a str>,
    statements: usize,
    started: Instant,
    /// When the current attempt started (read only with a tracker).
    attempt_started: Instant,
    attempts: u32,
    failed: Vec<(NodeAddr, ErrorKind)>,
}

impl<'a> RequestObserver<'a> {
    /// Counts the request and tells the tracker.
    pub(crate) fn start(
        metrics: &'a SessionMetrics,
        tracker: Option<&'a dyn RequestTracker>,
        runtime: &'a dyn Runtime,
        request: &'a ExecRequest,
        resolved: &ResolvedOptions,
    ) -> Self {
        let (kind, query, statements) = match &request.payload {
            Payload::Query(cql, _) | Payload::Use(cql) => (StatementKind::Simple, Some(&**cql), 1),
            Payload::Execute(p, _) => (StatementKind::Prepared, Some(p.cql()), 1),
            Payload::Batch(_, items) => (StatementKind::Batch, None, items.len()),
            Payload::Prepare(cql, _) => (StatementKind::Prepare, Some(&**cql), 1),
        };
        let started = runtime.now();
        let id = tracker.map_or(0, |_| metrics.next_request_id());
        let metrics = (kind != StatementKind::Prepare).then_some(metrics);
        if let Some(m) = metrics {
            m.request_started();
        }
        if let Some(t) = tracker {
            t.on_start(&RequestStart {
                id,
                kind,
                query,
                statements,
                consistency: resolved.consistency,
                idempotent: resolved.idempotent,
                started_at: started,
            });
        }
        Self {
            metrics,
            tracker,
            runtime,
            id,
            kind,
            query,
            statements,
            started,
            attempt_started: started,
            attempts: 0,
            failed: Vec::new(),
        }
    }

    /// An attempt starts: a host is tried, or the same host again. Returns when it
    /// started if that is known without reading the clock again (the first attempt
    /// starts with the request; with a tracker the clock was just read).
    pub(crate) fn attempt_started(&mut self) -> Option<Instant> {
        self.attempts = self.attempts.saturating_add(1);
        if self.tracker.is_some() {
            self.attempt_started = self.runtime.now();
            return Some(self.attempt_started);
        }
        (self.attempts == 1).then_some(self.started)
    }

    /// The current attempt on `host` failed with `error`; `decision` is the retry
    /// policy's, when it was asked.
    pub(crate) fn attempt_failed(
        &mut self,
        host: &NodeAddr,
        error: &Error,
        decision: Option<RetryDecision>,
    ) {
        let kind = ErrorKind::of(error);
        if let Some(m) = self.metrics {
            m.error(kind);
            match decision {
                Some(RetryDecision::RetrySameHost { .. } | RetryDecision::RetryNextHost { .. }) => {
                    m.retry(kind);
                }
                Some(RetryDecision::Ignore) => m.ignore(kind),
                Some(RetryDecision::Rethrow) | None => {}
            }
        }
        self.failed.push((host.clone(), kind));
        if let Some(t) = self.tracker {
            t.on_attempt_error(
                &AttemptFailure {
                    id: self.id,
                    kind: self.kind,
                    query: self.query,
                    host,
                    attempt: self.attempts,
                    latency: self.runtime.now() - self.attempt_started,
                    error_kind: kind,
                    decision,
                },
                error,
            );
        }
    }

    /// Records the outcome (and attaches the request's [`RequestInfo`] to a result).
    pub(crate) fn finish(self, outcome: Result<QueryResult, Error>) -> Result<QueryResult, Error> {
        let latency = self.runtime.now() - self.started;
        let mut end = RequestEnd {
            id: self.id,
            kind: self.kind,
            query: self.query,
            statements: self.statements,
            host: None,
            latency,
            attempts: self.attempts,
        };
        match outcome {
            Ok(mut result) => {
                if let Some(m) = self.metrics {
                    m.request_succeeded(latency);
                }
                if let Some(t) = self.tracker {
                    end.host = Some(&result.host);
                    t.on_success(&end);
                }
                result.request_info = RequestInfo {
                    attempts: self.attempts,
                    latency,
                    failed: self.failed,
                };
                Ok(result)
            }
            Err(error) => {
                if let Some(m) = self.metrics {
                    if self.failed.is_empty() {
                        // Failed before any attempt could be counted (no host to try, a
                        // closed session, values that do not fit): count the request's
                        // error.
                        m.error(ErrorKind::of(&error));
                    }
                    m.request_failed(latency);
                }
                if let Some(t) = self.tracker {
                    end.host = error.host().or(self.failed.last().map(|(h, _)| h));
                    t.on_error(&end, &error);
                }
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{DbError, ErrorResponse};
    use crate::runtime::BoxFuture;
    use crate::session::statement::{Statement, StatementOptions};
    use alloc::boxed::Box;
    use alloc::string::{String, ToString};
    use alloc::sync::Arc;
    use core::sync::atomic::{AtomicU64, Ordering};

    /// A runtime whose clock moves 1 ms each time it is read.
    #[derive(Clone, Default, Debug)]
    struct TickRt(Arc<AtomicU64>);

    impl Runtime for TickRt {
        fn spawn(&self, _task: BoxFuture<'static, ()>) {}
        fn sleep(&self, _d: Duration) -> BoxFuture<'static, ()> {
            Box::pin(async {})
        }
        fn now(&self) -> Instant {
            Instant::from_nanos(self.0.fetch_add(1_000_000, Ordering::Relaxed))
        }
        fn wall_clock_micros(&self) -> i64 {
            0
        }
    }

    /// Remembers every call as a line of text.
    #[derive(Debug, Default)]
    struct Log(spin::Mutex<Vec<String>>);

    impl RequestTracker for Log {
        fn on_start(&self, r: &RequestStart<'_>) {
            self.0.lock().push(alloc::format!(
                "start {} {:?} {:?} {:?}",
                r.id,
                r.kind,
                r.query,
                r.consistency
            ));
        }
        fn on_success(&self, r: &RequestEnd<'_>) {
            self.0.lock().push(alloc::format!(
                "success {} {:?} {:?} {} attempts={}",
                r.id,
                r.host.map(ToString::to_string),
                r.latency,
                r.statements,
                r.attempts
            ));
        }
        fn on_error(&self, r: &RequestEnd<'_>, e: &Error) {
            self.0.lock().push(alloc::format!(
                "error {} {:?} {:?} {:?}",
                r.id,
                r.host.map(ToString::to_string),
                r.latency,
                ErrorKind::of(e)
            ));
        }
        fn on_attempt_error(&self, a: &AttemptFailure<'_>, _e: &Error) {
            self.0.lock().push(alloc::format!(
                "attempt {} {} #{} {:?} {:?} {:?}",
                a.id,
                a.host,
                a.attempt,
                a.latency,
                a.error_kind,
                a.decision
            ));
        }
    }

    fn request(cql: &str) -> ExecRequest {
        ExecRequest {
            payload: Payload::Query(Arc::from(cql), crate::types::SerializedValues::new()),
            options: StatementOptions::default(),
            paging_state: None,
        }
    }

    fn resolved() -> ResolvedOptions {
        ResolvedOptions::resolve(
            &Statement::new("x").options,
            &crate::session::ExecutionProfile::default(),
        )
    }

    fn host(n: u8) -> NodeAddr {
        NodeAddr::new(alloc::format!("10.0.0.{n}"), 9042)
    }

    fn unavailable(h: NodeAddr) -> Error {
        Error::from_response(
            h,
            ErrorResponse {
                error: DbError::Unavailable {
                    consistency: Consistency::Quorum,
                    required: 2,
                    alive: 1,
                },
                message: String::from("x"),
            },
        )
    }

    #[test]
    fn a_retried_request_is_counted_and_reported() {
        let metrics = SessionMetrics::default();
        let log = Log::default();
        let rt = TickRt::default();
        let req = request("SELECT * FROM t");
        let resolved = resolved();
        let mut o = RequestObserver::start(&metrics, Some(&log), &rt, &req, &resolved);
        o.attempt_started();
        o.attempt_failed(
            &host(1),
            &unavailable(host(1)),
            Some(RetryDecision::RetryNextHost { consistency: None }),
        );
        o.attempt_started();
        let result = o.finish(Ok(QueryResult::empty(host(2)))).unwrap();
        assert_eq!(result.request_info.attempts, 2);
        assert_eq!(
            result.request_info.failed,
            alloc::vec![(host(1), ErrorKind::Unavailable)]
        );
        // Clock reads: start, attempt 1, its failure, attempt 2, the end.
        assert_eq!(result.request_info.latency, Duration::from_millis(4));
        let s = metrics.snapshot();
        assert_eq!((s.requests, s.successes, s.failures), (1, 1, 0));
        assert_eq!(s.errors.unavailables(), 1);
        assert_eq!(s.retries.unavailables(), 1);
        assert_eq!(s.latency.max, Duration::from_millis(4));
        assert_eq!(
            *log.0.lock(),
            [
                "start 0 Simple Some(\"SELECT * FROM t\") LocalOne",
                "attempt 0 10.0.0.1:9042 #1 1ms Unavailable Some(RetryNextHost { consistency: None })",
                "success 0 Some(\"10.0.0.2:9042\") 4ms 1 attempts=2",
            ]
        );
    }

    #[test]
    fn failures_count_once_and_ignores_are_kept_apart() {
        let metrics = SessionMetrics::default();
        let log = Log::default();
        let rt = TickRt::default();
        let req = request("INSERT");
        let resolved = resolved();
        // A request that fails before any attempt: its own error is counted.
        let o = RequestObserver::start(&metrics, Some(&log), &rt, &req, &resolved);
        let e = o
            .finish(Err(Error::NoHostAvailable(Vec::new())))
            .unwrap_err();
        assert!(matches!(e, Error::NoHostAvailable(_)));
        // A request whose only attempt fails: counted once.
        let mut o = RequestObserver::start(&metrics, Some(&log), &rt, &req, &resolved);
        o.attempt_started();
        let err = unavailable(host(3));
        o.attempt_failed(&host(3), &err, Some(RetryDecision::Rethrow));
        o.finish(Err(err)).unwrap_err();
        // An ignored error: a success, counted as an ignore.
        let mut o = RequestObserver::start(&metrics, None, &rt, &req, &resolved);
        o.attempt_started();
        o.attempt_failed(&host(1), &unavailable(host(1)), Some(RetryDecision::Ignore));
        o.finish(Ok(QueryResult::empty(host(1)))).unwrap();
        let s = metrics.snapshot();
        assert_eq!((s.requests, s.successes, s.failures), (3, 1, 2));
        assert_eq!(s.errors.get(ErrorKind::NoHostAvailable), 1);
        assert_eq!(s.errors.unavailables(), 2);
        assert_eq!(s.ignores.unavailables(), 1);
        assert_eq!(s.retries.total(), 0);
        let log = log.0.lock();
        assert_eq!(log.len(), 5, "{log:?}");
        assert!(log[1].starts_with("error 0 None"), "{log:?}");
        assert!(
            log[4].starts_with("error 1 Some(\"10.0.0.3:9042\")"),
            "{log:?}"
        );
    }

    #[test]
    fn batches_report_no_text_and_their_size() {
        let metrics = SessionMetrics::default();
        let log = Log::default();
        let rt = TickRt::default();
        let req = ExecRequest {
            payload: Payload::Batch(
                crate::message::BatchType::Logged,
                Arc::new(alloc::vec![
                    crate::session::batch::BatchItem::Simple(
                        Arc::from("INSERT 1"),
                        crate::types::SerializedValues::new()
                    );
                    3
                ]),
            ),
            options: StatementOptions::default(),
            paging_state: None,
        };
        let resolved = resolved();
        let mut o = RequestObserver::start(&metrics, Some(&log), &rt, &req, &resolved);
        o.attempt_started();
        o.finish(Ok(QueryResult::empty(host(1)))).unwrap();
        let log = log.0.lock();
        assert_eq!(log[0], "start 0 Batch None LocalOne");
        assert!(log[1].ends_with(" 3 attempts=1"), "{log:?}");
    }

    #[test]
    fn the_default_methods_do_nothing() {
        #[derive(Debug)]
        struct Nothing;
        impl RequestTracker for Nothing {}
        let metrics = SessionMetrics::default();
        let rt = TickRt::default();
        let req = request("SELECT");
        let resolved = resolved();
        let mut o = RequestObserver::start(&metrics, Some(&Nothing), &rt, &req, &resolved);
        o.attempt_started();
        o.attempt_failed(&host(1), &unavailable(host(1)), None);
        o.finish(Err(unavailable(host(1)))).unwrap_err();
        assert_eq!(metrics.snapshot().failures, 1);
    }
}
