//! Running a request: routing information → the profile's load-balancing plan → for each
//! host the least busy connection of its pool → an attempt (re-preparing statements the
//! node does not know) → the retry policy's decision → and, for idempotent requests,
//! speculative executions on the next hosts of the same plan.
//!
//! **Cancellation.** A speculative execution that loses is dropped, and with it the
//! future of its in-flight `Connection::send`. That is safe: `send` queues the request
//! when called, and dropping its future cancels the request's reply slot and marks its
//! stream id abandoned in the connection state, which keeps the id reserved until the
//! node's late answer arrives (the answer is then discarded and the id freed). A stream
//! id is never reused while the node may still answer on it, exactly as after a
//! client-side timeout (see `Connection::send` and `Pending`'s `Drop` in
//! `connection/handle.rs`).

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::time::Duration;

use futures::StreamExt;
use futures::future::{Either, select};
use futures::stream::FuturesUnordered;
use tracing::Instrument;

use super::config::ExecutionProfile;
use super::error::Error;
use super::pool::HostPool;
use super::prepared::ResultColumns;
use super::request::{ExecRequest, Payload, build_message, find_prepared};
use super::result::QueryResult;
use super::routing::{request_keyspace, request_token};
use super::session::Session;
use super::state::SessionState;
use super::statement::ResolvedOptions;
use super::tracker::RequestObserver;
use crate::connection::{Connection, ConnectionError, RequestOptions};
use crate::frame::ProtocolVersion;
use crate::message::{
    self, Consistency, DbError, Prepare, Request, Response, ResponseFrame, ResultMessage,
    SchemaChangeTarget,
};
use crate::policies::load_balancing::{LoadBalancingPolicy, QueryPlan, RoutingInfo};
use crate::policies::retry::{RetryContext, RetryDecision, checked_decision};
use crate::policies::speculative::{SpeculativeExecutionPolicy, checked_next_delay};
use crate::runtime::{BoxFuture, Instant, MaybeSend, NodeAddr};
use crate::sync::Outlined;
use crate::types::ColumnSpec;

/// How one execution (the first or a speculative one) ended.
// Moved once per execution; boxing the result would allocate on every request.
#[allow(clippy::large_enum_variant)]
enum ExecutionEnd {
    /// A result, or an error that ends the request.
    Finished(Result<QueryResult, Error>),
    /// The plan had no host left for it (the hosts' errors are in [`Shared::errors`]).
    PlanExhausted,
}

/// What a speculative run waits for next.
#[allow(clippy::large_enum_variant)]
enum SpeculationEvent {
    /// An execution ended (`None`: every execution has ended).
    Ended(Option<ExecutionEnd>),
    /// The delay before the next speculative execution passed.
    DelayPassed,
}

/// A connection to try, and whether its attempt was already counted (a connection opened
/// on demand is part of its attempt).
enum Candidate {
    /// An open connection of the plan's next host: its attempt starts now.
    Pooled(Connection),
    /// A connection just opened on demand, its attempt already counted.
    OpenedForThisAttempt(Connection),
}

/// What the executions of one request share (behind one short lock, never held across
/// an `.await`).
struct Shared<'a, 'o> {
    plan: QueryPlan<'a>,
    plan_done: bool,
    observer: &'a mut RequestObserver<'o>,
    /// Each host's error, for `NoHostAvailable`.
    errors: Vec<(NodeAddr, Error)>,
    /// Retries made so far (all executions together).
    retries: u32,
    /// Whether an attempt was sent (or a connection attempted) anywhere.
    attempted: bool,
    /// Pools the plan named that had no open connection: connected on demand, last, if
    /// nothing else could be tried.
    skipped: Vec<Arc<HostPool>>,
    /// The on-demand candidates, once built.
    fallback: Option<Vec<Arc<HostPool>>>,
}

/// One request in execution.
struct Exec<'a, 'o> {
    request: &'a ExecRequest,
    resolved: &'a ResolvedOptions,
    timestamp: Option<i64>,
    state: &'a SessionState,
    shared: spin::Mutex<Shared<'a, 'o>>,
}

impl Session {
    /// Runs a request over the query plan, with re-preparation, the retry policy and
    /// speculative executions; waits for schema agreement after a schema change.
    ///
    /// Outlined: every statement call and the row streams await it.
    pub(crate) fn run<'a>(
        &'a self,
        request: &'a ExecRequest,
    ) -> Outlined<impl Future<Output = Result<QueryResult, Error>> + MaybeSend + 'a> {
        Outlined::new(self.run_inner(request))
    }

    async fn run_inner(&self, request: &ExecRequest) -> Result<QueryResult, Error> {
        let _guard = self.enter()?;
        let config = &self.inner.config;
        let profile = config.profile(request.options.execution_profile.as_deref())?;
        let resolved = ResolvedOptions::resolve(&request.options, profile);
        let timestamp = request.options.timestamp.or_else(|| {
            config
                .timestamp_generator
                .next_timestamp(self.inner.ctx.runtime.wall_clock_micros())
        });
        let mut observer = RequestObserver::start(
            &self.inner.ctx.metrics,
            config.request_tracker.as_deref(),
            &*self.inner.ctx.runtime,
            request,
            &resolved,
        );
        let span = tracing::debug_span!("cql.request", kind = request.kind());
        let mut outcome = self
            .run_plan(request, profile, &resolved, timestamp, &mut observer)
            .instrument(span)
            .await;
        if let Ok(result) = &mut outcome {
            if result.schema_change.is_some() {
                Box::pin(self.after_schema_change(result)).await;
            }
        }
        observer.finish(outcome)
    }

    async fn run_plan(
        &self,
        request: &ExecRequest,
        profile: &ExecutionProfile,
        resolved: &ResolvedOptions,
        timestamp: Option<i64>,
        observer: &mut RequestObserver<'_>,
    ) -> Result<QueryResult, Error> {
        let state = self.inner.state.current();
        let view = &*state.view;
        let token = request_token(request, view.partitioner());
        let request_ks = request_keyspace(request);
        // The session keyspace is read only when a token makes it useful.
        let session_keyspace = match (&token, request_ks) {
            (Some(_), None) => self.inner.ctx.keyspace(),
            _ => None,
        };
        let keyspace = request_ks.or(session_keyspace.as_deref());
        let mut routing = RoutingInfo::new().with_consistency(resolved.consistency);
        if let Some(ks) = keyspace {
            routing = routing.with_keyspace(ks);
        }
        if let Some(t) = &token {
            routing = routing.with_token(t);
        }
        let policy: &dyn LoadBalancingPolicy = match &profile.load_balancing_policy {
            Some(p) => &**p,
            None => &*self.inner.policy,
        };
        let exec = Exec {
            request,
            resolved,
            timestamp,
            state: &state,
            shared: spin::Mutex::new(Shared {
                plan: policy.plan(view, &routing),
                plan_done: false,
                observer,
                errors: Vec::new(),
                retries: 0,
                attempted: false,
                skipped: Vec::new(),
                fallback: None,
            }),
        };
        let speculation = profile
            .speculative_execution_policy
            .as_deref()
            .and_then(|p| checked_next_delay(p, 1, resolved.idempotent).map(|d| (p, d)));
        let end = match speculation {
            None => self.execution(&exec).await,
            Some((policy, delay)) => Box::pin(self.speculate(&exec, policy, delay)).await,
        };
        match end {
            ExecutionEnd::Finished(result) => result,
            ExecutionEnd::PlanExhausted => {
                let mut errors = core::mem::take(&mut exec.shared.lock().errors);
                match errors.len() {
                    1 => Err(errors
                        .pop()
                        .map_or(Error::NoHostAvailable(Vec::new()), |(_, e)| e)),
                    _ => Err(Error::NoHostAvailable(errors)),
                }
            }
        }
    }

    /// The first execution, then one more each time the policy's delay passes without an
    /// answer (while the plan has hosts left); the first to finish wins and the others
    /// are dropped (see the [module docs](self) on cancellation).
    async fn speculate(
        &self,
        exec: &Exec<'_, '_>,
        policy: &dyn SpeculativeExecutionPolicy,
        first_delay: Duration,
    ) -> ExecutionEnd {
        let runtime = &self.inner.ctx.runtime;
        let mut running = FuturesUnordered::new();
        running.push(self.execution(exec));
        let mut started: u32 = 1;
        let mut timer: Option<BoxFuture<'static, ()>> = Some(runtime.sleep(first_delay));
        loop {
            let next = running.next();
            let event = match timer.as_mut() {
                Some(t) => match select(next, t.as_mut()).await {
                    Either::Left((ended, _)) => SpeculationEvent::Ended(ended),
                    Either::Right(((), _)) => SpeculationEvent::DelayPassed,
                },
                None => SpeculationEvent::Ended(next.await),
            };
            match event {
                SpeculationEvent::Ended(Some(ExecutionEnd::Finished(result))) => {
                    return ExecutionEnd::Finished(result);
                }
                SpeculationEvent::Ended(Some(ExecutionEnd::PlanExhausted))
                    if !running.is_empty() => {}
                SpeculationEvent::Ended(_) => return ExecutionEnd::PlanExhausted,
                SpeculationEvent::DelayPassed => {
                    timer = None;
                    if exec.shared.lock().plan_done {
                        continue;
                    }
                    started = started.saturating_add(1);
                    self.inner.ctx.metrics.speculative_execution();
                    tracing::debug!(execution = started, "starting a speculative execution");
                    running.push(self.execution(exec));
                    timer = checked_next_delay(policy, started, true).map(|d| runtime.sleep(d));
                }
            }
        }
    }

    /// One execution: hosts from the shared plan, attempts and retries on each, until a
    /// result, an error the retry policy gives up on, or the end of the plan.
    ///
    /// Outlined: awaited directly and inside speculative executions.
    fn execution<'a>(
        &'a self,
        exec: &'a Exec<'_, '_>,
    ) -> Outlined<impl Future<Output = ExecutionEnd> + MaybeSend + 'a> {
        Outlined::new(self.execution_inner(exec))
    }

    async fn execution_inner(&self, exec: &Exec<'_, '_>) -> ExecutionEnd {
        let mut consistency = exec.resolved.consistency;
        loop {
            let (conn, mut counted) = match self.next_connection(exec).await {
                Some(Candidate::Pooled(conn)) => (conn, false),
                Some(Candidate::OpenedForThisAttempt(conn)) => (conn, true),
                None => return ExecutionEnd::PlanExhausted,
            };
            loop {
                let mut started = None;
                if !counted {
                    let mut shared = exec.shared.lock();
                    shared.attempted = true;
                    started = shared.observer.attempt_started();
                }
                counted = false;
                let error = match self
                    .attempt(
                        &conn,
                        exec.request,
                        exec.resolved,
                        consistency,
                        exec.timestamp,
                        started,
                    )
                    .await
                {
                    Ok(result) => return ExecutionEnd::Finished(Ok(result)),
                    Err(e @ (Error::Closed(_) | Error::Serialize(_) | Error::Encode(_))) => {
                        return ExecutionEnd::Finished(Err(e));
                    }
                    Err(e) => e,
                };
                let host = conn.addr();
                let mut shared = exec.shared.lock();
                let context = RetryContext::new(
                    error.as_attempt(),
                    exec.resolved.idempotent,
                    shared.retries,
                    consistency,
                );
                let decision = checked_decision(&*exec.resolved.retry_policy, &context);
                tracing::debug!(host = %host, error = %error, ?decision, "request failed");
                shared.observer.attempt_failed(host, &error, Some(decision));
                match decision {
                    RetryDecision::RetrySameHost { consistency: c } => {
                        shared.retries += 1;
                        consistency = c.unwrap_or(consistency);
                    }
                    RetryDecision::RetryNextHost { consistency: c } => {
                        shared.retries += 1;
                        consistency = c.unwrap_or(consistency);
                        shared.errors.push((host.clone(), error));
                        break;
                    }
                    RetryDecision::Ignore => {
                        return ExecutionEnd::Finished(Ok(QueryResult::empty(host.clone())));
                    }
                    RetryDecision::Rethrow => return ExecutionEnd::Finished(Err(error)),
                }
            }
        }
    }

    /// The next connection to try: the least busy of the next plan host that has one.
    /// When the plan is used up before anything could be tried, connects on demand to
    /// the hosts it skipped, then to the local hosts that are down (so a session whose
    /// only node lost its connection, or whose nodes are all down, still tries).
    async fn next_connection(&self, exec: &Exec<'_, '_>) -> Option<Candidate> {
        loop {
            let host = {
                let mut shared = exec.shared.lock();
                if shared.plan_done {
                    break;
                }
                let host = shared.plan.next();
                shared.plan_done = host.is_none();
                host
            };
            let Some(host) = host else { break };
            let Some(pool) = exec.state.pool(&host.host_id) else {
                continue;
            };
            if let Some(conn) = pool.least_busy() {
                return Some(Candidate::Pooled(conn));
            }
            tracing::trace!(host = %host.addr, "no open connection; skipped");
            exec.shared.lock().skipped.push(Arc::clone(pool));
        }
        loop {
            let pool = {
                let mut shared = exec.shared.lock();
                if shared.attempted && shared.fallback.is_none() {
                    return None;
                }
                if shared.fallback.is_none() {
                    let mut candidates = core::mem::take(&mut shared.skipped);
                    for pool in exec.state.down_local_pools() {
                        if !candidates.iter().any(|p| Arc::ptr_eq(p, pool)) {
                            candidates.push(Arc::clone(pool));
                        }
                    }
                    candidates.reverse();
                    shared.fallback = Some(candidates);
                }
                let next = shared.fallback.as_mut().and_then(Vec::pop);
                if next.is_some() {
                    shared.attempted = true;
                    shared.observer.attempt_started();
                }
                next?
            };
            match pool.connect_now().await {
                Ok(conn) => return Some(Candidate::OpenedForThisAttempt(conn)),
                Err(e) => {
                    let mut shared = exec.shared.lock();
                    shared.observer.attempt_failed(&pool.addr, &e, None);
                    shared.errors.push((pool.addr.clone(), e));
                }
            }
        }
    }

    /// Sends one request on `conn`, mapping transport failures.
    pub(super) async fn send(
        &self,
        conn: &Connection,
        request: Request<'_>,
        options: RequestOptions,
    ) -> Result<ResponseFrame, Error> {
        conn.send(request, options)
            .await
            .map_err(|e| self.connection_error(conn, e))
    }

    /// The error a request sees when `conn` failed it.
    fn connection_error(&self, conn: &Connection, e: ConnectionError) -> Error {
        if self.is_closed() && matches!(e, ConnectionError::Closed(_)) {
            Error::Closed("the session was closed while the request was in flight")
        } else {
            Error::from_connection(conn.addr().clone(), e)
        }
    }

    /// One attempt of `request` on `conn` with its default-profile options, outside any
    /// plan: for requests that go to connections chosen by the caller (the `USE`
    /// broadcast).
    pub(super) async fn attempt_on(
        &self,
        conn: &Connection,
        request: &ExecRequest,
    ) -> Result<QueryResult, Error> {
        let profile = &self.inner.config.default_profile;
        let resolved = ResolvedOptions::resolve(&request.options, profile);
        let consistency = resolved.consistency;
        self.attempt(conn, request, &resolved, consistency, None, None)
            .await
    }

    /// One attempt on one connection, re-preparing unknown statements as often as the
    /// request has prepared statements.
    async fn attempt(
        &self,
        conn: &Connection,
        request: &ExecRequest,
        resolved: &ResolvedOptions,
        consistency: Consistency,
        timestamp: Option<i64>,
        mut started: Option<Instant>,
    ) -> Result<QueryResult, Error> {
        let version = conn.protocol_version();
        if let Payload::Prepare(_, Some(keyspace)) = &request.payload {
            check_prepare_keyspace(self, conn, keyspace)?;
        }
        let mut reprepares = request.prepared_count();
        loop {
            // Read once: the statement id, and the columns a Rows answer is recognised by
            // (without decoding its specs) and then carries.
            let current = match &request.payload {
                Payload::Execute(p, _) => Some(p.current()),
                _ => None,
            };
            let known = current.as_ref().and_then(|c| c.result.as_deref());
            let message = build_message(
                request,
                current.as_deref(),
                resolved,
                consistency,
                timestamp,
                version,
            );
            let options = RequestOptions {
                timeout: resolved.timeout,
                tracing: request.options.tracing,
                custom_payload: request.options.custom_payload.clone(),
                started: started.take(),
            };
            let hint = known.and_then(|k| k.known.as_ref());
            // Awaited directly (no wrapper future): every nesting level copies the
            // request's state once more.
            let frame = match conn.send_with(message, options, hint).await {
                Ok(frame) => frame,
                Err(e) => return Err(self.connection_error(conn, e)),
            };
            let ResponseFrame {
                tracing_id,
                warnings,
                custom_payload,
                response,
                ..
            } = frame;
            for w in &warnings {
                tracing::warn!(host = %conn.addr(), warning = %w, "node warning");
            }
            let result = match response {
                Response::Result(r) => r,
                Response::Error(e) => {
                    if let DbError::Unprepared { id } = &e.error
                        && reprepares > 0
                        && let Some(p) = find_prepared(request, id)
                    {
                        reprepares -= 1;
                        tracing::debug!(host = %conn.addr(), "re-preparing an unknown statement");
                        let prepared = Box::pin(self.prepare_on(
                            conn,
                            p.cql(),
                            p.prepared_keyspace(),
                            resolved.timeout,
                        ))
                        .await?;
                        p.update_from(&prepared);
                        continue;
                    }
                    return Err(Error::from_response(conn.addr().clone(), e));
                }
                other => return Err(unexpected(&other, request.kind())),
            };
            let mut out = match result {
                ResultMessage::Rows(rows) => {
                    let columns = columns_of(request, known, &rows)?;
                    QueryResult::from_rows(conn.addr().clone(), rows, columns)
                }
                ResultMessage::Prepared(prepared)
                    if matches!(request.payload, Payload::Prepare(..)) =>
                {
                    tracing::debug!(host = %conn.addr(), "statement prepared");
                    let mut out = QueryResult::empty(conn.addr().clone());
                    out.prepared = Some(prepared);
                    out
                }
                other => Box::pin(self.result_without_rows(conn, request, other)).await?,
            };
            out.tracing_id = tracing_id;
            out.warnings = warnings;
            out.custom_payload = custom_payload;
            return Ok(out);
        }
    }

    /// Prepares `cql` again on `conn` (the node answered UNPREPARED) in `keyspace`
    /// (`None`: the connection's, which is the session's).
    async fn prepare_on(
        &self,
        conn: &Connection,
        cql: &str,
        keyspace: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<message::Prepared, Error> {
        if let Some(ks) = keyspace {
            check_prepare_keyspace(self, conn, ks)?;
        }
        let keyspace = keyspace
            .filter(|_| conn.protocol_version() >= ProtocolVersion::V5)
            .map(Cow::Borrowed);
        let request = Request::Prepare(Prepare {
            query: Cow::Borrowed(cql),
            keyspace,
        });
        let options = RequestOptions {
            timeout,
            ..RequestOptions::default()
        };
        let frame = self.send(conn, request, options).await?;
        match frame.response {
            Response::Result(ResultMessage::Prepared(p)) => {
                tracing::debug!(host = %conn.addr(), "statement prepared");
                Ok(*p)
            }
            Response::Error(e) => Err(Error::from_response(conn.addr().clone(), e)),
            other => Err(unexpected(&other, "PREPARE")),
        }
    }

    /// The result of a request answered with something else than rows.
    async fn result_without_rows(
        &self,
        conn: &Connection,
        request: &ExecRequest,
        result: ResultMessage,
    ) -> Result<QueryResult, Error> {
        let mut out = QueryResult::empty(conn.addr().clone());
        match result {
            ResultMessage::Void | ResultMessage::Rows(_) => {}
            ResultMessage::SetKeyspace(ks) => {
                // A USE statement ran on one connection: run it on the others (unless
                // this is one of those).
                if !matches!(request.payload, Payload::Use(..))
                    && self.keyspace().as_deref() != Some(ks.as_str())
                {
                    self.set_keyspace_everywhere(&ks).await?;
                }
                out.set_keyspace = Some(ks);
            }
            ResultMessage::SchemaChange(change) => {
                tracing::debug!(change = ?change, "schema changed");
                out.schema_change = Some(Box::new(change));
            }
            ResultMessage::Prepared(_) => {
                return Err(Error::Protocol(format!(
                    "the node answered {} with a Prepared result",
                    request.kind()
                )));
            }
            #[allow(unreachable_patterns)]
            _ => {
                return Err(Error::Protocol(String::from("unknown result kind")));
            }
        }
        Ok(out)
    }

    /// After a schema change: waits for schema agreement (up to
    /// `max_schema_agreement_wait`) and, when a keyspace changed, reads the keyspaces'
    /// replication into the view at once (token-aware routing needs it).
    async fn after_schema_change(&self, result: &mut QueryResult) {
        let Some(control) = &self.inner.control else {
            return;
        };
        let wait = self.inner.config.max_schema_agreement_wait;
        if !wait.is_zero() {
            let agreed = match control.wait_for_schema_agreement(wait).await {
                Ok(agreed) => agreed,
                Err(e) => {
                    tracing::warn!(error = %e, "could not check schema agreement");
                    false
                }
            };
            result.schema_agreement = Some(agreed);
        }
        let keyspace_changed = result
            .schema_change
            .as_ref()
            .is_some_and(|c| matches!(c.target, SchemaChangeTarget::Keyspace { .. }));
        if keyspace_changed {
            match control.fetch_keyspaces().await {
                Ok(keyspaces) => self.inner.apply_refresh(None, Some(keyspaces)),
                Err(e) => {
                    tracing::debug!(error = %e, "keyspaces not refreshed after a schema change")
                }
            }
        }
    }
}

/// Whether `conn` can prepare in `keyspace`: v5 carries the keyspace in PREPARE; an older
/// connection can only prepare in the session's keyspace, and refuses another rather than
/// prepare in the wrong one.
fn check_prepare_keyspace(
    session: &Session,
    conn: &Connection,
    keyspace: &str,
) -> Result<(), Error> {
    let version = conn.protocol_version();
    if version >= ProtocolVersion::V5 || session.keyspace().as_deref() == Some(keyspace) {
        return Ok(());
    }
    Err(Error::InvalidArgument(format!(
        "preparing in keyspace {keyspace:?} needs protocol v5 ({} speaks {version:?}): \
         qualify the table names ({keyspace}.table) or switch the session to it",
        conn.addr()
    )))
}

/// The columns of a Rows result: its own, or the prepared statement's (`known`, read when
/// the request was sent) when the request skipped them or they were recognised without
/// decoding; updates the prepared statement on METADATA_CHANGED.
fn columns_of(
    request: &ExecRequest,
    known: Option<&ResultColumns>,
    rows: &message::Rows,
) -> Result<Arc<[ColumnSpec]>, Error> {
    if let (Payload::Execute(p, _), Some(id)) = (&request.payload, &rows.metadata.new_metadata_id) {
        p.update_result_metadata(id.clone(), &rows.metadata);
    }
    let known = known.map(|k| Arc::clone(&k.columns));
    if let Some(cols) = &rows.metadata.columns {
        // Usually the prepared statement's columns again (v4 always sends them): share
        // those rather than copying every name.
        return Ok(match known {
            Some(known) if *known == **cols => known,
            _ => Arc::from(cols.clone()),
        });
    }
    known.ok_or_else(|| {
        Error::Protocol(String::from(
            "the node sent rows without metadata and the statement has none",
        ))
    })
}

/// An unexpected response to `request`.
pub(super) fn unexpected(response: &Response, request: &str) -> Error {
    Error::Protocol(format!(
        "unexpected {:?} response to {request}",
        response.opcode()
    ))
}
