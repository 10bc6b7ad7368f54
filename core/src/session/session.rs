//! [`Session`]: the async driver over the cluster's connection pools — statements,
//! prepared statements, batches, paging, keyspaces, traces, cluster state and graceful
//! shutdown.
//!
//! Every public method of [`Session`] is in the one `impl` of this file; how they are
//! carried out is split by responsibility: startup in `connect.rs`, the control
//! connection's events in `events.rs`, request execution (query plan, retries,
//! speculative executions, re-preparation) in `executor.rs`, many statements at once in
//! `concurrent.rs`, the cluster state and its pools in `state.rs` and `pool.rs`.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};
use core::time::Duration;

use futures::future::join_all;
use futures::stream::{Stream, StreamExt};

use super::batch::Batch;
use super::concurrent::{ConcurrentError, in_order};
use super::config::SessionConfig;
use super::control::ControlConnection;
use super::error::Error;
use super::metadata::Metadata;
use super::metrics::MetricsSnapshot;
use super::paging::RowStream;
use super::pool::PoolContext;
use super::prepared::PreparedStatement;
use super::request::{ExecRequest, Payload};
use super::result::QueryResult;
use super::state::{CurrentState, HostInfo, distance};
use super::statement::{PagingState, Statement, StatementRef};
use super::trace::QueryTrace;
use crate::cluster::view::ClusterView;
use crate::frame::ProtocolVersion;
use crate::policies::load_balancing::LoadBalancingPolicy;
use crate::runtime::{NodeAddr, Runtime};
use crate::types::SerializeRow;

/// Everything a session's handles share.
pub(super) struct Inner {
    /// Runtime, transport, connection settings, keyspace, metrics, reconnection policy
    /// and the closed flag, shared with the pools.
    pub(super) ctx: Arc<PoolContext>,
    pub(super) config: SessionConfig,
    /// The view of the cluster and the pools of its hosts.
    pub(super) state: Arc<CurrentState>,
    /// The session's load-balancing policy (the configured one, or the default).
    pub(super) policy: Arc<dyn LoadBalancingPolicy>,
    /// Every policy whose distances decide pools: the session's and the profiles'.
    pub(super) policies: Vec<Arc<dyn LoadBalancingPolicy>>,
    /// `None` when the cluster's topology could not be read (the contact points are then
    /// the hosts).
    pub(super) control: Option<ControlConnection>,
    /// The datacenter of the node first reached, kept as every later view's hint.
    pub(super) local_dc_hint: Option<String>,
    pub(super) prepared: spin::Mutex<BTreeMap<(String, Option<String>), PreparedStatement>>,
    pub(super) in_flight: AtomicUsize,
}

/// A session: connections to the cluster's nodes and everything to run statements over
/// them. Cheap to clone (clones share the connections); the same type on every platform
/// (tokio, the browser, workerd). Open one with a
/// [`SessionBuilder`](super::SessionBuilderOn).
///
/// It follows the cluster through a control connection (nodes joining, leaving, going
/// down and up, keyspaces changing), keeps a pool of connections per host the
/// load-balancing policy uses, and runs each request over the policy's query plan with
/// the retry and speculative execution policies of its execution profile.
pub struct Session {
    pub(super) inner: Arc<Inner>,
}

impl Clone for Session {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.state.current();
        f.debug_struct("Session")
            .field(
                "hosts",
                &state
                    .view
                    .hosts()
                    .iter()
                    .map(|h| &h.addr)
                    .collect::<Vec<_>>(),
            )
            .field("keyspace", &self.inner.ctx.keyspace())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// Counts a request in flight for as long as it lives.
pub(super) struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Session {
    /// The configuration the session was built with.
    pub fn config(&self) -> &SessionConfig {
        &self.inner.config
    }

    /// The keyspace statements run in (set by the builder, [`use_keyspace`](Self::use_keyspace)
    /// or a `USE` statement).
    pub fn keyspace(&self) -> Option<String> {
        self.inner.ctx.keyspace().map(|k| String::from(&*k))
    }

    /// The protocol version each pooled host speaks (`None` for hosts never reached).
    pub fn host_versions(&self) -> Vec<(NodeAddr, Option<ProtocolVersion>)> {
        let state = self.inner.state.current();
        state
            .view
            .hosts()
            .iter()
            .filter_map(|h| {
                state
                    .pool(&h.host_id)
                    .map(|p| (h.addr.clone(), p.version()))
            })
            .collect()
    }

    /// Every host of the cluster as the session sees it now: address, host id,
    /// datacenter, rack, up or down, distance and open connections.
    ///
    /// ```no_run
    /// # fn f<R: cql_core::runtime::Runtime>(session: cql_core::Session) {
    /// for h in session.hosts() {
    ///     println!("{} {:?}/{:?} up={} {:?} conns={}", h.addr, h.datacenter, h.rack, h.up, h.distance, h.open_connections);
    /// }
    /// # }
    /// ```
    pub fn hosts(&self) -> Vec<HostInfo> {
        let state = self.inner.state.current();
        let view = &*state.view;
        view.hosts()
            .iter()
            .map(|h| HostInfo {
                addr: h.addr.clone(),
                host_id: h.host_id,
                datacenter: h.datacenter.clone(),
                rack: h.rack.clone(),
                up: h.is_up(),
                distance: distance(&self.inner.policies, view, h),
                open_connections: state.pool(&h.host_id).map_or(0, |p| p.open_count()),
                last_error: state.pool(&h.host_id).and_then(|p| p.last_error()),
            })
            .collect()
    }

    /// The current snapshot of the cluster (hosts, datacenters, token ring, replicas per
    /// keyspace), as the load-balancing policies see it; replaced as a whole when the
    /// topology or the keyspaces change.
    pub fn cluster_view(&self) -> Arc<ClusterView> {
        Arc::clone(&self.inner.state.current().view)
    }

    /// The cluster's metadata now: the schema (keyspaces, tables, views, types,
    /// functions, aggregates, as the [`schema_metadata`](SessionConfig::schema_metadata)
    /// filter keeps them) and the hosts with their token ring, as one immutable
    /// snapshot. Kept current from the cluster's SCHEMA_CHANGE events by targeted
    /// refreshes; empty schema when the session has no control connection or schema
    /// metadata is off.
    ///
    /// ```no_run
    /// # fn f(session: cql_core::Session) {
    /// use cql_core::cluster::schema::ExportStyle;
    /// let metadata = session.metadata();
    /// if let Some(users) = metadata.table("shop", "users") {
    ///     let key: Vec<&str> = users.partition_key().map(|c| c.name.as_str()).collect();
    ///     println!("shop.users is keyed by {key:?}");
    /// }
    /// println!("{}", metadata.export_as_string(ExportStyle::Describe));
    /// # }
    /// ```
    pub fn metadata(&self) -> Metadata {
        let schema = self
            .inner
            .control
            .as_ref()
            .map(ControlConnection::schema)
            .unwrap_or_default();
        Metadata::new(schema, self.cluster_view())
    }

    /// Re-reads the whole schema metadata now (it is normally kept current from the
    /// cluster's events).
    ///
    /// # Errors
    /// The control connection's errors; [`Error::InvalidArgument`] when the session has
    /// no control connection.
    pub async fn refresh_schema(&self) -> Result<(), Error> {
        let _guard = self.enter()?;
        self.control()?.fetch_schema().await?;
        Ok(())
    }

    /// Re-reads the topology and the keyspaces through the control connection now
    /// (normally done on the cluster's events) and applies them: new hosts get pools,
    /// removed ones lose theirs.
    ///
    /// # Errors
    /// The control connection's errors; [`Error::InvalidArgument`] when the session has
    /// no control connection (the cluster's topology could not be read at startup).
    pub async fn refresh_topology(&self) -> Result<(), Error> {
        let _guard = self.enter()?;
        let control = self.control()?;
        let topology = control.refresh_topology().await?;
        let keyspaces = control.fetch_keyspaces().await?;
        self.inner.apply_refresh(Some(&topology), Some(keyspaces));
        Ok(())
    }

    /// Waits until every live node reports one schema version, for up to
    /// [`max_schema_agreement_wait`](SessionConfig::max_schema_agreement_wait) (checks
    /// once when that is zero). DDL statements already wait; this is for schema changes
    /// made elsewhere.
    ///
    /// # Errors
    /// The control connection's errors; [`Error::InvalidArgument`] when the session has
    /// no control connection.
    pub async fn await_schema_agreement(&self) -> Result<bool, Error> {
        let _guard = self.enter()?;
        let control = self.control()?;
        let wait = self.inner.config.max_schema_agreement_wait;
        if wait.is_zero() {
            control.check_schema_agreement().await
        } else {
            control.wait_for_schema_agreement(wait).await
        }
    }

    fn control(&self) -> Result<&ControlConnection, Error> {
        self.inner.control.as_ref().ok_or_else(|| {
            Error::InvalidArgument(String::from(
                "the session has no control connection: the cluster's topology could not be read at startup",
            ))
        })
    }

    /// The session's metrics now: requests, outcomes, errors by kind, retries, latency
    /// percentiles, open connections per host (see [`MetricsSnapshot`]).
    ///
    /// ```no_run
    /// # fn f<R: cql_core::runtime::Runtime>(session: cql_core::Session) {
    /// let m = session.metrics();
    /// println!(
    ///     "{} requests, {} failed, {} unavailable, p99 {:?}",
    ///     m.requests, m.failures, m.errors.unavailables(), m.latency.p99
    /// );
    /// # }
    /// ```
    pub fn metrics(&self) -> MetricsSnapshot {
        let metrics = &self.inner.ctx.metrics;
        for pool in self.inner.state.current().pools() {
            metrics.set_open_connections(&pool.addr, pool.open_count());
        }
        metrics.snapshot()
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.ctx.is_closed()
    }

    pub(super) fn enter(&self) -> Result<InFlight<'_>, Error> {
        self.inner.in_flight.fetch_add(1, Ordering::AcqRel);
        let guard = InFlight(&self.inner.in_flight);
        if self.is_closed() {
            return Err(Error::Closed("no new requests are accepted"));
        }
        Ok(guard)
    }

    // ---- statements ------------------------------------------------------------------

    /// Runs a statement — CQL text, a [`Statement`] or a [`PreparedStatement`] — with
    /// `values` (positional `?` or named `:name` markers; `()` for none) and returns its
    /// whole result: every row, the pages after the first fetched one after the other.
    /// Text and simple statements send values with their natural CQL types; a prepared
    /// statement checks them against its bind markers first.
    ///
    /// Every row is held in memory: for results of unknown size read them as they come
    /// with [`execute_iter`](Self::execute_iter), or a page at a time with
    /// [`execute_page`](Self::execute_page).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn execute<'a>(
        &self,
        statement: impl Into<StatementRef<'a>>,
        values: impl SerializeRow,
    ) -> Result<QueryResult, Error> {
        let mut request = ExecRequest::new(statement.into(), &values)?;
        let mut result = self.run(&request).await?;
        if result.paging_state.is_some() {
            // Boxed: most results have one page, and this keeps their future small.
            Box::pin(self.fetch_remaining_pages(&mut request, &mut result)).await?;
        }
        Ok(result)
    }

    /// Appends the pages after `result`'s to it until the last.
    async fn fetch_remaining_pages(
        &self,
        request: &mut ExecRequest,
        result: &mut QueryResult,
    ) -> Result<(), Error> {
        while let Some(next) = result.paging_state.take() {
            request.paging_state = Some(next);
            let page = self.run(request).await?;
            result.append_page(page);
        }
        Ok(())
    }

    /// Runs a statement (as [`execute`](Self::execute) does) and returns one page of its
    /// rows: the first, or the one `paging_state` (a previous page's
    /// [`QueryResult::paging_state`], kept as long as needed — e.g. as a REST cursor with
    /// [`PagingState::as_bytes`]) names. The result's `paging_state` says where the next
    /// page starts; `None` on the last.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn execute_page<'a>(
        &self,
        statement: impl Into<StatementRef<'a>>,
        values: impl SerializeRow,
        paging_state: Option<PagingState>,
    ) -> Result<QueryResult, Error> {
        let mut request = ExecRequest::new(statement.into(), &values)?;
        request.paging_state = paging_state;
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
            payload: Payload::Batch(batch.batch_type(), Arc::clone(&batch.items)),
            options: batch.options.clone(),
            paging_state: None,
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
    ) -> Result<RowStream, Error> {
        let request = ExecRequest::new(statement.into(), &values)?;
        Ok(RowStream::new(self.clone(), request))
    }

    // ---- many statements at once ----------------------------------------------------

    /// Runs every `(statement, values)` pair with at most `concurrency` (at least 1)
    /// requests in flight and returns each outcome in input order. Failures do not stop
    /// the run.
    ///
    /// ```no_run
    /// # async fn f<R: cql_core::runtime::Runtime>(session: cql_core::Session) {
    /// let insert = session.prepare("INSERT INTO kv (k, v) VALUES (?, ?)").await.unwrap();
    /// let results = session
    ///     .execute_concurrent((0..1000).map(|i| (&insert, (i, "v"))), 64)
    ///     .await;
    /// assert_eq!(results.len(), 1000);
    /// # }
    /// ```
    pub async fn execute_concurrent<'a, I, S, V>(
        &self,
        statements: I,
        concurrency: usize,
    ) -> Vec<Result<QueryResult, Error>>
    where
        I: IntoIterator<Item = (S, V)>,
        S: Into<StatementRef<'a>>,
        V: SerializeRow,
    {
        let run = |(s, v): (S, V)| self.execute(s, v);
        match in_order(statements, concurrency, run, false).await {
            Ok(results) => results,
            // Unreachable: only a stopping run ends early.
            Err(e) => alloc::vec![Err(e.error)],
        }
    }

    /// Runs `statement` once per value set of `values` (at most `concurrency` in
    /// flight) and returns each outcome in input order, as
    /// [`execute_concurrent`](Self::execute_concurrent).
    pub async fn execute_concurrent_with_values<'a, I>(
        &self,
        statement: impl Into<StatementRef<'a>>,
        values: I,
        concurrency: usize,
    ) -> Vec<Result<QueryResult, Error>>
    where
        I: IntoIterator,
        I::Item: SerializeRow,
    {
        let statement = statement.into();
        self.execute_concurrent(values.into_iter().map(|v| (statement, v)), concurrency)
            .await
    }

    /// Like [`execute_concurrent`](Self::execute_concurrent), but stops at the first
    /// failure (the first to complete, as the Python driver's `raise_on_first_error`):
    /// no further statement starts and the requests still in flight are abandoned (they
    /// may still run on the nodes).
    ///
    /// # Errors
    /// The first failure, with its statement's position.
    pub async fn try_execute_concurrent<'a, I, S, V>(
        &self,
        statements: I,
        concurrency: usize,
    ) -> Result<Vec<QueryResult>, ConcurrentError>
    where
        I: IntoIterator<Item = (S, V)>,
        S: Into<StatementRef<'a>>,
        V: SerializeRow,
    {
        let run = |(s, v): (S, V)| self.execute(s, v);
        let results = in_order(statements, concurrency, run, true).await?;
        Ok(results.into_iter().filter_map(Result::ok).collect())
    }

    /// [`execute_concurrent_with_values`](Self::execute_concurrent_with_values) that
    /// stops at the first failure, as [`try_execute_concurrent`](Self::try_execute_concurrent).
    ///
    /// # Errors
    /// The first failure, with its value set's position.
    pub async fn try_execute_concurrent_with_values<'a, I>(
        &self,
        statement: impl Into<StatementRef<'a>>,
        values: I,
        concurrency: usize,
    ) -> Result<Vec<QueryResult>, ConcurrentError>
    where
        I: IntoIterator,
        I::Item: SerializeRow,
    {
        let statement = statement.into();
        self.try_execute_concurrent(values.into_iter().map(|v| (statement, v)), concurrency)
            .await
    }

    /// The outcomes of `(statement, values)` pairs as a stream in input order, at most
    /// `concurrency` requests in flight. Nothing piles up: a finished request waiting
    /// for an earlier one still takes one of the `concurrency` places, so memory stays
    /// bounded however long the input is (a slow request also holds the others back).
    pub fn execute_concurrent_stream<'s, 'a, I, S, V>(
        &'s self,
        statements: I,
        concurrency: usize,
    ) -> impl Stream<Item = Result<QueryResult, Error>> + 's
    where
        I: IntoIterator<Item = (S, V)>,
        I::IntoIter: 's,
        S: Into<StatementRef<'a>> + 's,
        V: SerializeRow + 's,
        'a: 's,
    {
        futures::stream::iter(statements)
            .map(move |(s, v)| self.execute(s, v))
            .buffered(concurrency.max(1))
    }

    /// Prepares a statement — CQL text, or a [`Statement`] whose options the prepared
    /// statement takes over — on the first host of a query plan that answers, or returns
    /// the cached one prepared for the same text in the same keyspace.
    ///
    /// It is prepared in the statement's keyspace ([`Statement::with_keyspace`]) or else
    /// the session's. Another keyspace than the session's needs protocol v5, which carries
    /// it in PREPARE; on older versions that is an [`Error::InvalidArgument`] (qualify the
    /// table names instead).
    ///
    /// # Errors
    /// See [`Error`]; a syntax error is an [`Error::Server`] with [`DbError::SyntaxError`](crate::message::DbError::SyntaxError).
    pub async fn prepare(
        &self,
        statement: impl Into<Statement>,
    ) -> Result<PreparedStatement, Error> {
        let statement = statement.into();
        let cql = statement.cql();
        let _guard = self.enter()?;
        let explicit_keyspace = statement.options.keyspace.as_deref();
        let keyspace = explicit_keyspace
            .map(String::from)
            .or_else(|| self.keyspace());
        let key = (cql.to_string(), keyspace.clone());
        let with_options = |p: &PreparedStatement| {
            let mut p = p.clone();
            p.options = statement.options.clone();
            p
        };
        if let Some(p) = self.inner.prepared.lock().get(&key) {
            return Ok(with_options(p));
        }
        // Through the executor like any request: the query plan, retries (a PREPARE is
        // idempotent), speculative executions, metrics and the request tracker.
        let request = ExecRequest::prepare(
            statement.cql_arc(),
            explicit_keyspace.map(String::from),
            &statement.options,
        );
        let answer = self.run(&request).await?;
        let Some(prepared) = answer.prepared else {
            return Err(Error::Protocol(format!(
                "{} answered PREPARE without a Prepared result",
                answer.host
            )));
        };
        let prepared = PreparedStatement::from_prepared(cql, keyspace, *prepared);
        let mut cache = self.inner.prepared.lock();
        let entry = cache.entry(key).or_insert(prepared);
        Ok(with_options(entry))
    }

    /// Switches every connection (and those opened later) to `keyspace`.
    ///
    /// # Errors
    /// The first connection's error (e.g. an unknown keyspace, as [`DbError::Invalid`](crate::message::DbError::Invalid)).
    pub async fn use_keyspace(&self, keyspace: &str) -> Result<(), Error> {
        let _guard = self.enter()?;
        if keyspace.is_empty() {
            return Err(Error::InvalidArgument(String::from("empty keyspace name")));
        }
        self.set_keyspace_everywhere(keyspace).await
    }

    /// Sends `USE keyspace` to every open connection at once (each through the executor's
    /// attempt path, as one request on a connection it already chose) and, when all
    /// succeed, makes it the keyspace of the connections opened later.
    pub(super) async fn set_keyspace_everywhere(&self, keyspace: &str) -> Result<(), Error> {
        let request = ExecRequest::use_keyspace(keyspace);
        let state = self.inner.state.current();
        let connections: Vec<_> = state.pools().flat_map(|p| p.connections()).collect();
        let results = join_all(
            connections
                .iter()
                .map(|conn| self.attempt_on(conn, &request)),
        )
        .await;
        let mut first_error = None;
        for (conn, result) in connections.iter().zip(results) {
            if let Err(e) = result {
                tracing::warn!(host = %conn.addr(), error = %e, "USE failed");
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => {
                *self.inner.ctx.keyspace.lock() = Some(Arc::from(keyspace));
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

    pub(crate) fn runtime(&self) -> &Arc<dyn Runtime> {
        &self.inner.ctx.runtime
    }

    /// Stops the session: new requests fail with [`Error::Closed`] at once; requests in
    /// flight get up to the longest request timeout to finish, then the control
    /// connection, the background tasks (event handling, refills, reconnections) and the
    /// connections stop, and whatever is left fails with [`Error::Closed`].
    pub async fn close(&self) {
        if self.inner.ctx.closed.swap(true, Ordering::AcqRel) {
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
        let runtime = &self.inner.ctx.runtime;
        let start = runtime.now();
        while self.inner.in_flight.load(Ordering::Acquire) > 0 && runtime.now() - start < grace {
            runtime.sleep(Duration::from_millis(2)).await;
        }
        if let Some(control) = &self.inner.control {
            control.shutdown().await;
        }
        let state = self.inner.state.current();
        for pool in state.pools() {
            for conn in pool.close() {
                conn.close().await;
            }
            self.inner.ctx.metrics.set_open_connections(&pool.addr, 0);
        }
        tracing::info!("session closed");
    }
}
