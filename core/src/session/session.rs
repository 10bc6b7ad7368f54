//! [`Session`]: the async driver over a pool of connections — statements, prepared
//! statements, batches, paging, keyspaces, traces and graceful shutdown.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use core::time::Duration;

use tracing::Instrument;

use super::batch::{Batch, BatchItem};
use super::config::{SessionBuilder, SessionConfig};
use super::error::{Error, HostErrors};
use super::metrics::{MetricsSnapshot, SessionMetrics};
use super::paging::RowStream;
use super::pool::{HostPool, Pool};
use super::prepared::PreparedStatement;
use super::result::QueryResult;
use super::retry::{RetryContext, RetryDecision};
use super::statement::{ResolvedOptions, Statement, StatementOptions, StatementRef};
use super::trace::QueryTrace;
use super::tracker::RequestObserver;
use crate::connection::{Connection, ConnectionConfig, ConnectionError, RequestOptions};
use crate::frame::{Compression, ProtocolVersion};
use crate::message::{
    self, BatchEntry, BatchStatement, Consistency, DbError, Execute, Prepare, Query,
    QueryParameters, Request, Response, ResponseFrame, ResultMessage,
};
use crate::runtime::{NodeAddr, Runtime, Transport};
use crate::types::{ColumnSpec, SerializeRow, SerializedValues};

/// What a request runs: CQL text, a prepared statement or a batch, with values written.
#[derive(Clone)]
pub(crate) enum Payload {
    Query(Arc<str>, SerializedValues),
    Execute(PreparedStatement, SerializedValues),
    Batch(crate::message::BatchType, Vec<BatchItem>),
}

/// A request ready to run (and to run again for the next page).
#[derive(Clone)]
pub(crate) struct ExecRequest {
    pub(crate) payload: Payload,
    pub(crate) options: StatementOptions,
}

impl ExecRequest {
    fn kind(&self) -> &'static str {
        match self.payload {
            Payload::Query(..) => "QUERY",
            Payload::Execute(..) => "EXECUTE",
            Payload::Batch(..) => "BATCH",
        }
    }
}

struct Inner<R: Runtime> {
    runtime: R,
    transport: Arc<dyn Transport>,
    config: SessionConfig,
    pool: Pool<R>,
    keyspace: spin::Mutex<Option<String>>,
    prepared: spin::Mutex<BTreeMap<(String, Option<String>), PreparedStatement>>,
    closed: AtomicBool,
    in_flight: AtomicUsize,
    metrics: SessionMetrics,
}

/// A session: connections to the cluster's nodes and everything to run statements over
/// them. Cheap to clone (clones share the connections); generic over the host's
/// [`Runtime`] (and built with any [`Transport`]).
pub struct Session<R: Runtime> {
    inner: Arc<Inner<R>>,
}

impl<R: Runtime> Clone for Session<R> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<R: Runtime> fmt::Debug for Session<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field(
                "hosts",
                &self
                    .inner
                    .pool
                    .hosts()
                    .iter()
                    .map(|h| &h.addr)
                    .collect::<Vec<_>>(),
            )
            .field("keyspace", &*self.inner.keyspace.lock())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// Counts a request in flight for as long as it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl SessionBuilder {
    /// Opens the session: `connections_per_host` connections to every contact point.
    /// Succeeds when at least one host is reachable.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a bad configuration; [`Error::NoHostAvailable`] with
    /// each contact point's error when none could be reached.
    pub async fn build<T: Transport, R: Runtime>(
        self,
        transport: T,
        runtime: R,
    ) -> Result<Session<R>, Error> {
        Session::connect(self.into_config(), Arc::new(transport), runtime).await
    }
}

/// Quotes a keyspace name for `USE` unless it is a plain lowercase identifier (as the
/// Python driver's `protect_name`).
pub(crate) fn quote_identifier(name: &str) -> String {
    if name.len() >= 2 && name.starts_with('"') && name.ends_with('"') {
        return name.to_string();
    }
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

impl<R: Runtime> Session<R> {
    /// A builder (same as [`SessionBuilder::new`]).
    pub fn builder() -> SessionBuilder {
        SessionBuilder::new()
    }

    /// Opens a session with `config` over `transport` (shared with other sessions if
    /// wanted).
    ///
    /// # Errors
    /// As [`SessionBuilder::build`].
    pub async fn connect(
        config: SessionConfig,
        transport: Arc<dyn Transport>,
        runtime: R,
    ) -> Result<Self, Error> {
        let addrs = config.resolve_contact_points()?;
        if config.compression == Compression::Snappy
            && config.protocol_version == Some(ProtocolVersion::V5)
        {
            return Err(Error::InvalidArgument(String::from(
                "Snappy compression does not exist in protocol v5: use LZ4 or no compression",
            )));
        }
        let keyspace = config.keyspace.clone();
        let session = Self {
            inner: Arc::new(Inner {
                runtime,
                transport,
                pool: Pool::new(addrs),
                config,
                keyspace: spin::Mutex::new(keyspace),
                prepared: spin::Mutex::new(BTreeMap::new()),
                closed: AtomicBool::new(false),
                in_flight: AtomicUsize::new(0),
                metrics: SessionMetrics::default(),
            }),
        };
        let span = tracing::info_span!("cql.session.connect");
        async {
            let mut errors = Vec::new();
            let per_host = session.inner.config.connections_per_host.max(1);
            for host in session.inner.pool.hosts() {
                for _ in 0..per_host {
                    match session.open_connection(host).await {
                        Ok(conn) => host.add(conn),
                        Err(e) => {
                            errors.push((host.addr.clone(), e));
                            break;
                        }
                    }
                }
            }
            let up = session
                .inner
                .pool
                .hosts()
                .iter()
                .filter(|h| h.healthy_count() > 0)
                .count();
            if up == 0 {
                tracing::warn!(errors = %HostErrors(&errors), "no contact point reachable");
                return Err(Error::NoHostAvailable(errors));
            }
            tracing::info!(hosts = up, "session connected");
            Ok(())
        }
        .instrument(span)
        .await?;
        Ok(session)
    }

    /// The configuration the session was built with.
    pub fn config(&self) -> &SessionConfig {
        &self.inner.config
    }

    /// The keyspace statements run in (set by the builder, [`use_keyspace`](Self::use_keyspace)
    /// or a `USE` statement).
    pub fn keyspace(&self) -> Option<String> {
        self.inner.keyspace.lock().clone()
    }

    /// The protocol version each host speaks (`None` for hosts never reached).
    pub fn host_versions(&self) -> Vec<(NodeAddr, Option<ProtocolVersion>)> {
        self.inner
            .pool
            .hosts()
            .iter()
            .map(|h| (h.addr.clone(), h.version()))
            .collect()
    }

    /// The session's metrics now: requests, outcomes, errors by kind, retries, latency
    /// percentiles, open connections per host (see [`MetricsSnapshot`]).
    ///
    /// ```no_run
    /// # fn f<R: cql_core::runtime::Runtime>(session: cql_core::Session<R>) {
    /// let m = session.metrics();
    /// println!(
    ///     "{} requests, {} failed, {} unavailable, p99 {:?}",
    ///     m.requests, m.failures, m.errors.unavailables(), m.latency.p99
    /// );
    /// # }
    /// ```
    pub fn metrics(&self) -> MetricsSnapshot {
        for host in self.inner.pool.hosts() {
            let open = host.healthy_count();
            self.inner.metrics.set_open_connections(&host.addr, open);
        }
        self.inner.metrics.snapshot()
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    fn enter(&self) -> Result<InFlight<'_>, Error> {
        self.inner.in_flight.fetch_add(1, Ordering::AcqRel);
        let guard = InFlight(&self.inner.in_flight);
        if self.is_closed() {
            return Err(Error::Closed("no new requests are accepted"));
        }
        Ok(guard)
    }

    fn connection_config(&self, host: &HostPool<R>) -> ConnectionConfig {
        let c = &self.inner.config;
        ConnectionConfig {
            protocol_version: host.version().or(c.protocol_version),
            compression: c.compression,
            authenticator: c.authenticator.clone(),
            startup_options: c.startup_options(),
            keyspace: self.keyspace(),
            events: Vec::new(),
            connect_timeout: c.connect_timeout,
            heartbeat_interval: c.heartbeat_interval,
            max_frame_len: c.max_frame_len,
        }
    }

    async fn open_connection(&self, host: &HostPool<R>) -> Result<Connection<R>, Error> {
        let config = self.connection_config(host);
        let span = tracing::debug_span!("cql.connection.open", host = %host.addr);
        let result = Connection::open(
            &*self.inner.transport,
            self.inner.runtime.clone(),
            host.addr.clone(),
            config,
        )
        .instrument(span)
        .await;
        match result {
            Ok(conn) => {
                tracing::debug!(host = %host.addr, version = ?conn.protocol_version(), "connection open");
                Ok(conn)
            }
            Err(e) => {
                tracing::warn!(host = %host.addr, error = %e, "connection failed");
                Err(Error::from_connection(host.addr.clone(), e))
            }
        }
    }

    /// The least busy open connection to `host`, opening one if there is none.
    async fn connection_to(&self, host: &HostPool<R>) -> Result<Connection<R>, Error> {
        if let Some(c) = host.least_busy() {
            return Ok(c);
        }
        // Boxed, as the other rare paths below: a future holds room for everything it
        // may await, and every request moves the request path's futures around.
        let conn = Box::pin(self.open_connection(host)).await?;
        if self.is_closed() {
            conn.close().await;
            return Err(Error::Closed("closed while connecting"));
        }
        host.add(conn.clone());
        Ok(conn)
    }

    /// Sends one request on `conn`, mapping transport failures.
    async fn send(
        &self,
        conn: &Connection<R>,
        request: Request,
        options: RequestOptions,
    ) -> Result<ResponseFrame, Error> {
        conn.send(request, options).await.map_err(|e| {
            if self.is_closed() && matches!(e, ConnectionError::Closed(_)) {
                Error::Closed("the session was closed while the request was in flight")
            } else {
                Error::from_connection(conn.addr().clone(), e)
            }
        })
    }

    // ---- statements ------------------------------------------------------------------

    /// Runs CQL text with `values` (positional `?` or named `:name` markers; `()` for
    /// none), sent as protocol values with their natural CQL types.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn query(&self, cql: &str, values: impl SerializeRow) -> Result<QueryResult, Error> {
        self.execute(&Statement::new(cql), values).await
    }

    /// Runs a simple or prepared statement with `values`; for a prepared statement they
    /// are checked against its bind markers first. Returns one page (see
    /// [`QueryResult::paging_state`] and [`execute_iter`](Self::execute_iter)).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn execute<'a>(
        &self,
        statement: impl Into<StatementRef<'a>>,
        values: impl SerializeRow,
    ) -> Result<QueryResult, Error> {
        let request = Self::request_for(statement.into(), &values)?;
        self.run(&request).await
    }

    /// Runs a batch.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn batch(&self, batch: &Batch) -> Result<QueryResult, Error> {
        if batch.is_empty() {
            return Err(Error::InvalidArgument(String::from(
                "the batch is empty: add statements first",
            )));
        }
        let request = ExecRequest {
            payload: Payload::Batch(batch.batch_type(), batch.items.clone()),
            options: batch.options.clone(),
        };
        self.run(&request).await
    }

    /// Every row of a statement's result as a stream, fetching the next page only when
    /// the rows of the current one have been consumed.
    ///
    /// # Errors
    /// [`Error::Serialize`] for values that do not fit; request errors come from the
    /// stream.
    pub fn execute_iter<'a>(
        &self,
        statement: impl Into<StatementRef<'a>>,
        values: impl SerializeRow,
    ) -> Result<RowStream<R>, Error> {
        let request = Self::request_for(statement.into(), &values)?;
        Ok(RowStream::new(self.clone(), request))
    }

    /// Like [`execute_iter`](Self::execute_iter) for CQL text.
    ///
    /// # Errors
    /// As [`execute_iter`](Self::execute_iter).
    pub fn query_iter(&self, cql: &str, values: impl SerializeRow) -> Result<RowStream<R>, Error> {
        self.execute_iter(&Statement::new(cql), values)
    }

    fn request_for(
        statement: StatementRef<'_>,
        values: &impl SerializeRow,
    ) -> Result<ExecRequest, Error> {
        Ok(match statement {
            StatementRef::Simple(s) => {
                let mut v = SerializedValues::new();
                values.serialize_natural(&mut v)?;
                ExecRequest {
                    payload: Payload::Query(s.cql_arc(), v),
                    options: s.options.clone(),
                }
            }
            StatementRef::Prepared(p) => ExecRequest {
                payload: Payload::Execute(p.handle(), p.bind_values(values)?),
                options: p.options.clone(),
            },
        })
    }

    /// Prepares `cql` (or returns the cached statement prepared for the same text in the
    /// current keyspace).
    ///
    /// # Errors
    /// See [`Error`]; a syntax error is an [`Error::Server`] with [`DbError::SyntaxError`].
    pub async fn prepare(&self, cql: &str) -> Result<PreparedStatement, Error> {
        let _guard = self.enter()?;
        let keyspace = self.keyspace();
        let key = (cql.to_string(), keyspace.clone());
        if let Some(p) = self.inner.prepared.lock().get(&key) {
            return Ok(p.clone());
        }
        let timeout = self.inner.config.default_profile.request_timeout;
        let mut errors = Vec::new();
        for host in self.inner.pool.plan() {
            let conn = match self.connection_to(host).await {
                Ok(c) => c,
                Err(e) => {
                    errors.push((host.addr.clone(), e));
                    continue;
                }
            };
            match self.prepare_on(&conn, cql, None, timeout).await {
                Ok(p) => {
                    let statement = PreparedStatement::from_prepared(cql, keyspace, p);
                    let mut cache = self.inner.prepared.lock();
                    let entry = cache.entry(key).or_insert(statement);
                    return Ok(entry.clone());
                }
                Err(e @ (Error::Connection { .. } | Error::Timeout { .. })) => {
                    errors.push((host.addr.clone(), e));
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::NoHostAvailable(errors))
    }

    async fn prepare_on(
        &self,
        conn: &Connection<R>,
        cql: &str,
        keyspace: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<message::Prepared, Error> {
        let keyspace = keyspace
            .filter(|_| conn.protocol_version() >= ProtocolVersion::V5)
            .map(String::from);
        let request = Request::Prepare(Prepare {
            query: cql.to_string(),
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

    /// Switches every connection (and those opened later) to `keyspace`.
    ///
    /// # Errors
    /// The first connection's error (e.g. an unknown keyspace, as [`DbError::Invalid`]).
    pub async fn use_keyspace(&self, keyspace: &str) -> Result<(), Error> {
        let _guard = self.enter()?;
        if keyspace.is_empty() {
            return Err(Error::InvalidArgument(String::from("empty keyspace name")));
        }
        self.set_keyspace_everywhere(keyspace).await
    }

    async fn set_keyspace_everywhere(&self, keyspace: &str) -> Result<(), Error> {
        let cql = format!("USE {}", quote_identifier(keyspace));
        let timeout = self.inner.config.default_profile.request_timeout;
        let mut first_error = None;
        for host in self.inner.pool.hosts() {
            for conn in host.healthy() {
                let request = Request::Query(Query {
                    query: cql.clone(),
                    params: QueryParameters::with_consistency(Consistency::One),
                });
                let options = RequestOptions {
                    timeout,
                    ..RequestOptions::default()
                };
                let result = match self.send(&conn, request, options).await {
                    Ok(frame) => match frame.response {
                        Response::Result(_) => Ok(()),
                        Response::Error(e) => Err(Error::from_response(conn.addr().clone(), e)),
                        other => Err(unexpected(&other, "USE")),
                    },
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    tracing::warn!(host = %conn.addr(), error = %e, "USE failed");
                    if first_error.is_none() {
                        first_error = Some(e);
                    }
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => {
                *self.inner.keyspace.lock() = Some(keyspace.to_string());
                tracing::debug!(keyspace, "keyspace set on every connection");
                Ok(())
            }
        }
    }

    /// Fetches the trace of a traced request (see [`QueryResult::tracing_id`]), waiting
    /// a little for the node to finish writing it.
    ///
    /// # Errors
    /// See [`Error`]; [`Error::InvalidArgument`] when no trace appears in time.
    pub async fn trace(&self, tracing_id: uuid::Uuid) -> Result<QueryTrace, Error> {
        super::trace::fetch(self, tracing_id).await
    }

    pub(crate) fn runtime(&self) -> &R {
        &self.inner.runtime
    }

    /// Stops the session: new requests fail with [`Error::Closed`] at once; requests in
    /// flight get up to the longest request timeout to finish, then the connections
    /// close and whatever is left fails with [`Error::Closed`].
    pub async fn close(&self) {
        if self.inner.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::info!("closing session");
        let c = &self.inner.config;
        let grace = c
            .profiles
            .values()
            .chain(core::iter::once(&c.default_profile))
            .filter_map(|p| p.request_timeout)
            .max()
            .unwrap_or(Duration::from_secs(10));
        let start = self.inner.runtime.now();
        while self.inner.in_flight.load(Ordering::Acquire) > 0
            && self.inner.runtime.now() - start < grace
        {
            self.inner.runtime.sleep(Duration::from_millis(2)).await;
        }
        for host in self.inner.pool.hosts() {
            for conn in host.take_all() {
                conn.close().await;
            }
        }
        tracing::info!("session closed");
    }

    // ---- execution -------------------------------------------------------------------

    /// Runs a request over the query plan, with re-preparation and the retry policy.
    pub(crate) async fn run(&self, request: &ExecRequest) -> Result<QueryResult, Error> {
        let _guard = self.enter()?;
        let resolved = ResolvedOptions::for_config(&request.options, &self.inner.config)?;
        let timestamp = request.options.timestamp.or_else(|| {
            self.inner
                .config
                .timestamp_generator
                .next_timestamp(self.inner.runtime.wall_clock_micros())
        });
        let mut observer = RequestObserver::start(
            &self.inner.metrics,
            self.inner.config.request_tracker.as_deref(),
            &self.inner.runtime,
            request,
            &resolved,
        );
        let span = tracing::debug_span!("cql.request", kind = request.kind());
        let outcome = self
            .run_plan(request, &resolved, timestamp, &mut observer)
            .instrument(span)
            .await;
        observer.finish(outcome)
    }

    async fn run_plan(
        &self,
        request: &ExecRequest,
        resolved: &ResolvedOptions,
        timestamp: Option<i64>,
        observer: &mut RequestObserver<'_, R>,
    ) -> Result<QueryResult, Error> {
        let mut errors = Vec::new();
        let mut consistency = resolved.consistency;
        let mut retries = 0u32;
        for host in self.inner.pool.plan() {
            observer.attempt_started();
            let conn = match self.connection_to(host).await {
                Ok(c) => c,
                Err(e) => {
                    observer.attempt_failed(&host.addr, &e, None);
                    errors.push((host.addr.clone(), e));
                    continue;
                }
            };
            loop {
                let error = match self
                    .attempt(&conn, request, resolved, consistency, timestamp)
                    .await
                {
                    Ok(result) => return Ok(result),
                    Err(e @ (Error::Closed(_) | Error::Serialize(_) | Error::Encode(_))) => {
                        return Err(e);
                    }
                    Err(e) => e,
                };
                let decision = resolved.retry_policy.decide(&RetryContext {
                    error: &error,
                    idempotent: resolved.idempotent,
                    retries,
                    consistency,
                });
                tracing::debug!(host = %host.addr, error = %error, ?decision, "request failed");
                observer.attempt_failed(&host.addr, &error, Some(decision));
                match decision {
                    RetryDecision::RetrySameHost { consistency: c } => {
                        observer.attempt_started();
                        retries += 1;
                        consistency = c.unwrap_or(consistency);
                    }
                    RetryDecision::RetryNextHost { consistency: c } => {
                        retries += 1;
                        consistency = c.unwrap_or(consistency);
                        errors.push((host.addr.clone(), error));
                        break;
                    }
                    RetryDecision::Ignore => return Ok(QueryResult::empty(host.addr.clone())),
                    RetryDecision::Rethrow => return Err(error),
                }
            }
        }
        match errors.len() {
            1 => Err(errors
                .pop()
                .map_or(Error::NoHostAvailable(Vec::new()), |(_, e)| e)),
            _ => Err(Error::NoHostAvailable(errors)),
        }
    }

    /// One attempt on one connection, re-preparing unknown statements as often as the
    /// request has prepared statements.
    async fn attempt(
        &self,
        conn: &Connection<R>,
        request: &ExecRequest,
        resolved: &ResolvedOptions,
        consistency: Consistency,
        timestamp: Option<i64>,
    ) -> Result<QueryResult, Error> {
        let version = conn.protocol_version();
        let mut reprepares = match &request.payload {
            Payload::Query(..) => 0,
            Payload::Execute(..) => 1,
            Payload::Batch(_, items) => items
                .iter()
                .filter(|i| matches!(i, BatchItem::Prepared(..)))
                .count(),
        };
        loop {
            let message = build_message(request, resolved, consistency, timestamp, version);
            let options = RequestOptions {
                timeout: resolved.timeout,
                tracing: request.options.tracing,
                custom_payload: request.options.custom_payload.clone(),
            };
            let frame = self.send(conn, message, options).await?;
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
                    let columns = self.columns_of(request, &rows)?;
                    QueryResult::from_rows(conn.addr().clone(), rows, columns)
                }
                other => Box::pin(self.result_without_rows(conn, request, other)).await?,
            };
            out.tracing_id = tracing_id;
            out.warnings = warnings;
            out.custom_payload = custom_payload;
            return Ok(out);
        }
    }

    /// The result of a request answered with something else than rows.
    async fn result_without_rows(
        &self,
        conn: &Connection<R>,
        request: &ExecRequest,
        result: ResultMessage,
    ) -> Result<QueryResult, Error> {
        let mut out = QueryResult::empty(conn.addr().clone());
        match result {
            ResultMessage::Void | ResultMessage::Rows(_) => {}
            ResultMessage::SetKeyspace(ks) => {
                if self.keyspace().as_deref() != Some(ks.as_str()) {
                    // A USE statement ran on one connection: run it on the others.
                    self.set_keyspace_everywhere(&ks).await?;
                }
                out.set_keyspace = Some(ks);
            }
            ResultMessage::SchemaChange(change) => {
                tracing::debug!(change = ?change, "schema changed");
                out.schema_change = Some(change);
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

    /// The columns of a Rows result: its own, or the prepared statement's when the
    /// request skipped them; updates the prepared statement on METADATA_CHANGED.
    fn columns_of(
        &self,
        request: &ExecRequest,
        rows: &message::Rows,
    ) -> Result<Arc<[ColumnSpec]>, Error> {
        let prepared = match &request.payload {
            Payload::Execute(p, _) => Some(p),
            _ => None,
        };
        if let (Some(p), Some(id)) = (prepared, &rows.metadata.new_metadata_id) {
            p.update_result_metadata(id.clone(), rows.metadata.columns.as_deref());
        }
        let known = prepared.and_then(PreparedStatement::result_columns);
        if let Some(cols) = &rows.metadata.columns {
            // Usually the prepared statement's columns again (v4 always sends them):
            // share those rather than copying every name.
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
}

fn find_prepared<'a>(request: &'a ExecRequest, id: &[u8]) -> Option<&'a PreparedStatement> {
    match &request.payload {
        Payload::Execute(p, _) => Some(p),
        Payload::Batch(_, items) => items.iter().find_map(|i| match i {
            BatchItem::Prepared(p, _) if p.id() == id => Some(p),
            _ => None,
        }),
        Payload::Query(..) => None,
    }
}

fn unexpected(response: &Response, request: &str) -> Error {
    Error::Protocol(format!(
        "unexpected {:?} response to {request}",
        response.opcode()
    ))
}

/// The wire message of `request` for a connection speaking `version`.
pub(crate) fn build_message(
    request: &ExecRequest,
    resolved: &ResolvedOptions,
    consistency: Consistency,
    timestamp: Option<i64>,
    version: ProtocolVersion,
) -> Request {
    let o = &request.options;
    let params = |values: &SerializedValues| QueryParameters {
        consistency,
        values: values.clone(),
        skip_metadata: false,
        page_size: resolved.page_size,
        paging_state: o.paging_state.as_ref().map(|s| s.as_bytes().clone()),
        serial_consistency: resolved.serial_consistency,
        timestamp,
        keyspace: o.keyspace.clone(),
        now_in_seconds: None,
    };
    match &request.payload {
        Payload::Query(cql, values) => Request::Query(Query {
            query: cql.to_string(),
            params: params(values),
        }),
        Payload::Execute(p, values) => {
            let result_metadata_id = p.result_metadata_id();
            let mut params = params(values);
            // Only v5 can skip result metadata safely: its metadata id tells a changed
            // schema apart.
            params.skip_metadata = version >= ProtocolVersion::V5
                && result_metadata_id.is_some()
                && p.result_columns().is_some();
            Request::Execute(Execute {
                id: p.id(),
                result_metadata_id,
                params,
            })
        }
        Payload::Batch(batch_type, items) => Request::Batch(message::Batch {
            batch_type: *batch_type,
            entries: items
                .iter()
                .map(|i| match i {
                    BatchItem::Simple(cql, v) => BatchEntry {
                        statement: BatchStatement::Query(cql.to_string()),
                        values: v.clone(),
                    },
                    BatchItem::Prepared(p, v) => BatchEntry {
                        statement: BatchStatement::Prepared(p.id()),
                        values: v.clone(),
                    },
                })
                .collect(),
            consistency,
            serial_consistency: resolved.serial_consistency,
            timestamp,
            keyspace: o.keyspace.clone(),
            now_in_seconds: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Prepared, PreparedMetadata, ResultMetadata};
    use crate::session::config::ExecutionProfile;
    use crate::session::statement::PagingState;
    use alloc::boxed::Box;
    use bytes::Bytes;

    #[test]
    fn identifiers_are_quoted_like_the_python_driver() {
        assert_eq!(quote_identifier("ks_1"), "ks_1");
        assert_eq!(quote_identifier("MyKs"), "\"MyKs\"");
        assert_eq!(quote_identifier("1ks"), "\"1ks\"");
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_identifier("\"Q\""), "\"Q\"");
    }

    fn resolved(options: &StatementOptions) -> ResolvedOptions {
        ResolvedOptions::resolve(options, &ExecutionProfile::default())
    }

    #[test]
    fn messages_carry_the_resolved_options() {
        let stmt = Statement::new("SELECT * FROM t WHERE k = ?")
            .with_serial_consistency(Consistency::LocalSerial)
            .with_paging_state(Some(PagingState::from_bytes(&b"p"[..])));
        let req = Session::<NoRt>::request_for(StatementRef::Simple(&stmt), &(1i32,)).unwrap();
        let r = resolved(&req.options);
        let Request::Query(q) =
            build_message(&req, &r, Consistency::Two, Some(77), ProtocolVersion::V4)
        else {
            panic!("not a query")
        };
        assert_eq!(q.query, "SELECT * FROM t WHERE k = ?");
        assert_eq!(q.params.consistency, Consistency::Two);
        assert_eq!(q.params.values.len(), 1);
        assert_eq!(q.params.page_size, Some(5000));
        assert_eq!(q.params.timestamp, Some(77));
        assert_eq!(q.params.serial_consistency, Some(Consistency::LocalSerial));
        assert_eq!(q.params.paging_state, Some(Bytes::from_static(b"p")));
    }

    #[test]
    fn execute_skips_metadata_only_in_v5_with_known_columns() {
        let p = PreparedStatement::from_prepared(
            "SELECT v FROM t",
            None,
            Prepared {
                id: Bytes::from_static(b"id"),
                result_metadata_id: Some(Bytes::from_static(b"m")),
                bind_metadata: PreparedMetadata::default(),
                result_metadata: ResultMetadata::new(
                    alloc::vec![crate::session::result::tests::spec(
                        "v",
                        crate::ColumnType::Int
                    )],
                    None,
                ),
            },
        );
        let req = Session::<NoRt>::request_for(StatementRef::Prepared(&p), &()).unwrap();
        let r = resolved(&req.options);
        for (version, skip) in [(ProtocolVersion::V4, false), (ProtocolVersion::V5, true)] {
            let Request::Execute(e) = build_message(&req, &r, Consistency::One, None, version)
            else {
                panic!("not an execute")
            };
            assert_eq!(e.params.skip_metadata, skip);
            assert_eq!(e.id, Bytes::from_static(b"id"));
        }
        // Too many values are refused before anything is sent.
        let Err(e) = Session::<NoRt>::request_for(StatementRef::Prepared(&p), &(1i32,)) else {
            panic!("values were accepted")
        };
        assert!(matches!(e, Error::Serialize(_)));
    }

    #[test]
    fn unprepared_ids_find_their_statement_in_a_batch() {
        let make = |id: &'static [u8]| {
            PreparedStatement::from_prepared(
                "INSERT",
                None,
                Prepared {
                    id: Bytes::from_static(id),
                    ..Prepared::default()
                },
            )
        };
        let (a, b) = (make(b"a"), make(b"b"));
        let req = ExecRequest {
            payload: Payload::Batch(
                crate::message::BatchType::Logged,
                alloc::vec![
                    BatchItem::Prepared(a, SerializedValues::new()),
                    BatchItem::Simple(Arc::from("UPDATE"), SerializedValues::new()),
                    BatchItem::Prepared(b.clone(), SerializedValues::new()),
                ],
            ),
            options: StatementOptions::default(),
        };
        assert!(find_prepared(&req, b"b").unwrap().same_statement(&b));
        assert!(find_prepared(&req, b"zz").is_none());
    }

    #[derive(Clone)]
    struct NoRt;

    impl Runtime for NoRt {
        fn spawn(&self, _task: crate::runtime::BoxFuture<'static, ()>) {}
        fn sleep(&self, _d: Duration) -> crate::runtime::BoxFuture<'static, ()> {
            Box::pin(async {})
        }
        fn now(&self) -> crate::runtime::Instant {
            crate::runtime::Instant::from_nanos(0)
        }
        fn wall_clock_micros(&self) -> i64 {
            0
        }
    }
}
