//! The control connection: one connection, registered for TOPOLOGY_CHANGE, STATUS_CHANGE
//! and SCHEMA_CHANGE events, that reads the cluster's topology (`system.local`,
//! `system.peers_v2` or `system.peers`), keyspace replication (`system_schema.keyspaces`)
//! and schema versions, and keeps them current in the background.
//!
//! Lifecycle (what the session does):
//!
//! 1. [`ControlConnection::connect`] opens a connection to the first reachable candidate
//!    its [`ControlHosts`] names (contact points at first, the known hosts later);
//! 2. [`refresh_topology`](ControlConnection::refresh_topology),
//!    [`fetch_keyspaces`](ControlConnection::fetch_keyspaces) and
//!    [`fetch_schema`](ControlConnection::fetch_schema) give the starting metadata;
//! 3. [`start`](ControlConnection::start) spawns the background task and returns the
//!    stream of [`ControlEvent`]s: events are debounced ([`Debouncer`]) into refreshes
//!    whose results are delivered; when the connection dies the task moves to another
//!    candidate (the failed one last), re-reads everything and says so;
//! 4. after a DDL, [`wait_for_schema_agreement`](ControlConnection::wait_for_schema_agreement);
//! 5. [`shutdown`](ControlConnection::shutdown) (or dropping every handle) stops the task
//!    and closes the connection.
//!
//! Every query is a QUERY at consistency ONE without literals: the system tables are read
//! whole, and the targeted schema refreshes that follow SCHEMA_CHANGE events bind their
//! keys as values ([`schema::refresh`](crate::cluster::schema::refresh)). `system.peers_v2` is tried first; after a server error on it
//! (a node older than Cassandra 4) `system.peers` is used from then on.

mod task;

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use futures::future::{join, join_all};
use tracing::Instrument;
use uuid::Uuid;

use super::error::Error;
use crate::cluster::debounce::DebounceConfig;
use crate::cluster::replication::ReplicationStrategy;
use crate::cluster::schema::refresh::{self as schema_refresh, RefreshTarget};
use crate::cluster::schema::{SchemaFilter, SchemaMetadata, SchemaRows};
use crate::cluster::topology::{
    PeersTable, TopologyDiff, TopologySnapshot, decode_topology, keyspaces_from_rows,
    local_schema_version, peer_schema_versions, schema_versions,
};
use crate::connection::{Connection, ConnectionConfig, ConnectionError, RequestOptions};
use crate::message::{
    Consistency, EventType, Query, QueryParameters, Request, Response, ResultMessage, Rows,
    SchemaChange,
};
use crate::runtime::{BoxFuture, MaybeSend, MaybeSync, NodeAddr, Runtime, Transport};
use crate::sync::{Receiver, Signal};
use crate::types::SerializedValues;

#[cfg(doc)]
use crate::cluster::debounce::Debouncer;

/// The local node, every column (the table has one row).
const LOCAL_QUERY: &str = "SELECT * FROM system.local";
/// The peers (Cassandra 4.0+), every column.
const PEERS_V2_QUERY: &str = "SELECT * FROM system.peers_v2";
/// The peers (before Cassandra 4.0), every column.
const PEERS_QUERY: &str = "SELECT * FROM system.peers";
/// Each keyspace's replication.
const KEYSPACES_QUERY: &str = "SELECT keyspace_name, replication FROM system_schema.keyspaces";
/// The local schema version.
const SCHEMA_LOCAL_QUERY: &str = "SELECT schema_version FROM system.local";
/// The peers' schema versions (Cassandra 4.0+).
const SCHEMA_PEERS_V2_QUERY: &str = "SELECT host_id, schema_version FROM system.peers_v2";
/// The peers' schema versions (before Cassandra 4.0).
const SCHEMA_PEERS_QUERY: &str = "SELECT host_id, schema_version FROM system.peers";

/// What the session tells the control connection about the hosts: where it may connect
/// and which hosts it knows to be down.
///
/// Any `Fn() -> Vec<NodeAddr>` closure is one (with no host known down).
pub trait ControlHosts: MaybeSend + MaybeSync + 'static {
    /// Where the control connection may connect, in order of preference: the contact
    /// points at first, the known hosts' addresses once there are some.
    fn candidates(&self) -> Vec<NodeAddr>;

    /// Whether the host with `host_id` is known to be down (it is then left out of schema
    /// agreement). None by default.
    fn is_down(&self, host_id: &Uuid) -> bool {
        let _ = host_id;
        false
    }
}

impl<F> ControlHosts for F
where
    F: Fn() -> Vec<NodeAddr> + MaybeSend + MaybeSync + 'static,
{
    fn candidates(&self) -> Vec<NodeAddr> {
        self()
    }
}

/// How the control connection connects, queries and reacts to events.
#[derive(Debug, Clone)]
pub struct ControlConfig {
    /// How its connection is opened (credentials, compression, protocol version, connect
    /// timeout, heartbeat). Its `events` are replaced by all three event types and its
    /// `keyspace` is ignored.
    pub connection: ConnectionConfig,
    /// The port of nodes whose rows do not say (`system.peers` has no port column): the
    /// cluster's native port, 9042 by default.
    pub default_port: u16,
    /// Client-side timeout of each query (default 5 s).
    pub query_timeout: Duration,
    /// Time between two schema-version checks while waiting for agreement (default
    /// 200 ms).
    pub schema_agreement_interval: Duration,
    /// Longest wait for schema agreement (default 10 s; the session's setting).
    pub max_schema_agreement_wait: Duration,
    /// How events are batched into refreshes (default: 1 s window).
    pub debounce: DebounceConfig,
    /// Wait after every candidate failed, doubled after each failed round (default 1 s).
    pub reconnect_delay: Duration,
    /// Upper bound of that wait (default 60 s).
    pub max_reconnect_delay: Duration,
    /// Which keyspaces' schema metadata is read and kept current (default: all).
    pub schema: SchemaFilter,
}

impl Default for ControlConfig {
    fn default() -> Self {
        Self {
            connection: ConnectionConfig::default(),
            default_port: super::config::DEFAULT_PORT,
            query_timeout: Duration::from_secs(5),
            schema_agreement_interval: Duration::from_millis(200),
            max_schema_agreement_wait: Duration::from_secs(10),
            debounce: DebounceConfig::default(),
            reconnect_delay: Duration::from_secs(1),
            max_reconnect_delay: Duration::from_secs(60),
            schema: SchemaFilter::All,
        }
    }
}

/// Metadata re-read by the control connection.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Refreshed {
    /// The topology, when it was re-read.
    pub topology: Option<TopologySnapshot>,
    /// How the topology changed since the previous snapshot the control connection read
    /// (everything is added the first time; empty when the topology was not re-read).
    pub diff: TopologyDiff,
    /// Every keyspace's replication, when it was re-read.
    pub keyspaces: Option<Vec<(String, ReplicationStrategy)>>,
    /// The schema metadata, when some of it was re-read.
    pub schema: Option<Arc<SchemaMetadata>>,
}

/// What the control connection's background task tells the session.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ControlEvent {
    /// The control connection moved to another node after its own failed (a
    /// [`Refreshed`] with the topology and keyspaces follows).
    Reconnected {
        /// The node it is now connected to.
        addr: NodeAddr,
    },
    /// Every candidate failed; the next round starts after `retry_in`.
    Disconnected {
        /// Each candidate's error.
        error: Error,
        /// The wait before the next round.
        retry_in: Duration,
    },
    /// Metadata was re-read (after topology events, keyspace changes or a reconnection).
    Refreshed(Box<Refreshed>),
    /// A node reported up (its native address as the cluster reports it; compare with
    /// [`Host::reported_addr`](crate::cluster::host::Host::reported_addr)).
    HostUp(NodeAddr),
    /// A node reported down (same addressing as `HostUp`).
    HostDown(NodeAddr),
    /// Schema elements changed (deduplicated, in arrival order).
    SchemaChanged(Vec<SchemaChange>),
}

/// State shared by the handles and the background task.
struct Inner {
    runtime: Arc<dyn Runtime>,
    transport: Arc<dyn Transport>,
    config: ControlConfig,
    hosts: Arc<dyn ControlHosts>,
    /// The current connection (kept once closed, for its address, until replaced).
    conn: spin::Mutex<Option<Connection>>,
    /// `system.peers_v2` failed once: use `system.peers` from now on.
    peers_v1: AtomicBool,
    /// The last topology read (the base of the next diff).
    last_topology: spin::Mutex<Option<TopologySnapshot>>,
    /// The schema metadata read so far (the base of targeted refreshes).
    schema: spin::Mutex<Arc<SchemaMetadata>>,
    started: AtomicBool,
    shut_down: AtomicBool,
    /// Wakes the background task to stop.
    stop: Signal,
}

/// Stops everything when the last [`ControlConnection`] handle goes.
struct Guard {
    inner: Arc<Inner>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(conn) = self.inner.stop_task() {
            self.inner
                .runtime
                .spawn(Box::pin(async move { conn.close().await }));
        }
    }
}

/// The control connection (cheap to clone; clones share it). See the
/// [module docs](self).
pub struct ControlConnection {
    guard: Arc<Guard>,
}

impl Clone for ControlConnection {
    fn clone(&self) -> Self {
        Self {
            guard: Arc::clone(&self.guard),
        }
    }
}

impl fmt::Debug for ControlConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ControlConnection")
            .field("addr", &self.addr())
            .field("connected", &self.is_connected())
            .field("peers_v2", &self.uses_peers_v2())
            .finish_non_exhaustive()
    }
}

impl ControlConnection {
    /// Connects to the first reachable of `hosts.candidates()`, registered for topology,
    /// status and schema events. Nothing runs in the background until
    /// [`start`](Self::start).
    ///
    /// # Errors
    /// [`Error::NoHostAvailable`] with each candidate's error when none could be reached
    /// (with none when there was no candidate).
    pub async fn connect(
        transport: Arc<dyn Transport>,
        runtime: Arc<dyn Runtime>,
        config: ControlConfig,
        hosts: Arc<dyn ControlHosts>,
    ) -> Result<Self, Error> {
        let inner = Arc::new(Inner {
            runtime,
            transport,
            config,
            hosts,
            conn: spin::Mutex::new(None),
            peers_v1: AtomicBool::new(false),
            last_topology: spin::Mutex::new(None),
            schema: spin::Mutex::new(Arc::new(SchemaMetadata::default())),
            started: AtomicBool::new(false),
            shut_down: AtomicBool::new(false),
            stop: Signal::new(),
        });
        let candidates = inner.hosts.candidates();
        inner.connect_any(candidates, None).await?;
        Ok(Self {
            guard: Arc::new(Guard { inner }),
        })
    }

    fn inner(&self) -> &Inner {
        &self.guard.inner
    }

    /// The node the control connection is (or was last) connected to.
    pub fn addr(&self) -> Option<NodeAddr> {
        self.inner().conn.lock().as_ref().map(|c| c.addr().clone())
    }

    /// Whether its connection is open.
    pub fn is_connected(&self) -> bool {
        self.inner()
            .conn
            .lock()
            .as_ref()
            .is_some_and(|c| !c.is_closed())
    }

    /// Whether peers are read from `system.peers_v2` (false once it failed and
    /// `system.peers` is used instead).
    pub fn uses_peers_v2(&self) -> bool {
        !self.inner().peers_v1.load(Ordering::Acquire)
    }

    /// Reads `system.local` and the peers table (both queries sent at once) into a
    /// snapshot, which also becomes the base of the background task's next diff.
    ///
    /// # Errors
    /// Connection and server errors; [`Error::Protocol`] for rows that make no sense
    /// (no local row, no host id).
    pub async fn refresh_topology(&self) -> Result<TopologySnapshot, Error> {
        Ok(self.inner().refresh_topology().await?.0)
    }

    /// The last topology read, if any.
    pub fn last_topology(&self) -> Option<TopologySnapshot> {
        self.inner().last_topology.lock().clone()
    }

    /// Every keyspace's replication strategy, from `system_schema.keyspaces`.
    ///
    /// # Errors
    /// Connection and server errors; [`Error::Protocol`] for a malformed result.
    pub async fn fetch_keyspaces(&self) -> Result<Vec<(String, ReplicationStrategy)>, Error> {
        self.inner().fetch_keyspaces().await
    }

    /// Every keyspace's replication strategy: taken from `schema` when it holds every
    /// keyspace (the [filter](ControlConfig::schema) keeps all), else read from
    /// `system_schema.keyspaces` — one query fewer when the schema was just read.
    ///
    /// # Errors
    /// As [`fetch_keyspaces`](Self::fetch_keyspaces), when it has to read.
    pub async fn replication(
        &self,
        schema: Option<&SchemaMetadata>,
    ) -> Result<Vec<(String, ReplicationStrategy)>, Error> {
        self.inner().replication(schema).await
    }

    /// Reads the schema metadata the [filter](ControlConfig::schema) keeps, whole
    /// (every `system_schema` table at once; tables a node lacks count as empty), and
    /// makes it the base of later targeted refreshes. An empty snapshot when schema
    /// metadata is off.
    ///
    /// # Errors
    /// Connection and server errors on the tables every node has (keyspaces, tables,
    /// columns).
    pub async fn fetch_schema(&self) -> Result<Arc<SchemaMetadata>, Error> {
        self.inner().fetch_schema().await
    }

    /// Re-reads `targets` (see [`schema_refresh::plan`]) into a new snapshot, which it
    /// returns and keeps.
    ///
    /// # Errors
    /// Connection and server errors.
    pub async fn refresh_schema(
        &self,
        targets: &[RefreshTarget],
    ) -> Result<Arc<SchemaMetadata>, Error> {
        self.inner().refresh_schema(targets).await
    }

    /// The schema metadata read last.
    pub fn schema(&self) -> Arc<SchemaMetadata> {
        Arc::clone(&self.inner().schema.lock())
    }

    /// Whether the local node and every peer not known to be down report one schema
    /// version (checked once).
    ///
    /// # Errors
    /// Connection and server errors; [`Error::Protocol`] for a malformed result.
    pub async fn check_schema_agreement(&self) -> Result<bool, Error> {
        self.inner().check_schema_agreement().await
    }

    /// Checks schema agreement every
    /// [`schema_agreement_interval`](ControlConfig::schema_agreement_interval) until it
    /// is reached (`true`) or `max_wait` has passed (`false`). Connection failures while
    /// waiting (the control connection may be failing over) are retried until then.
    ///
    /// # Errors
    /// Server and protocol errors at once; the last connection error when no check
    /// succeeded before `max_wait`.
    pub async fn wait_for_schema_agreement(&self, max_wait: Duration) -> Result<bool, Error> {
        let inner = self.inner();
        let start = inner.runtime.now();
        let span = tracing::debug_span!("cql.control.schema_agreement", max_wait = ?max_wait);
        async {
            loop {
                let last_error = match inner.check_schema_agreement().await {
                    Ok(true) => return Ok(true),
                    Ok(false) => None,
                    Err(e @ (Error::Connection { .. } | Error::Timeout { .. })) => Some(e),
                    Err(e) => return Err(e),
                };
                let waited = inner.runtime.now().saturating_duration_since(start);
                if waited >= max_wait {
                    return match last_error {
                        Some(e) => Err(e),
                        None => {
                            tracing::warn!(waited = ?waited, "no schema agreement");
                            Ok(false)
                        }
                    };
                }
                let pause = inner
                    .config
                    .schema_agreement_interval
                    .min(max_wait - waited);
                inner.runtime.sleep(pause).await;
            }
        }
        .instrument(span)
        .await
    }

    /// Spawns the background task and returns its events: debounced refreshes, node
    /// status, schema changes and failovers. Call it once, after the first
    /// [`refresh_topology`](Self::refresh_topology) and
    /// [`fetch_keyspaces`](Self::fetch_keyspaces); events received since
    /// [`connect`](Self::connect) are not lost.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when already started; [`Error::Closed`] after shutdown.
    pub fn start(&self) -> Result<Receiver<ControlEvent>, Error> {
        let inner = &self.guard.inner;
        if inner.shut_down.load(Ordering::Acquire) {
            return Err(Error::Closed("the control connection was shut down"));
        }
        if inner.started.swap(true, Ordering::AcqRel) {
            return Err(Error::InvalidArgument(String::from(
                "the control connection's background task is already running",
            )));
        }
        let (tx, rx) = crate::sync::channel();
        let span = tracing::info_span!("cql.control");
        inner
            .runtime
            .spawn(Box::pin(task::run(Arc::clone(inner), tx).instrument(span)));
        Ok(rx)
    }

    /// Stops the background task and closes the connection.
    pub async fn shutdown(&self) {
        if let Some(conn) = self.inner().stop_task() {
            conn.close().await;
        }
    }
}

impl Inner {
    /// Marks the control connection shut down and wakes the task; returns the connection
    /// to close (once).
    fn stop_task(&self) -> Option<Connection> {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return None;
        }
        self.stop.notify();
        self.conn.lock().clone()
    }

    fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::Acquire)
    }

    /// The open connection.
    fn connection(&self) -> Result<Connection, Error> {
        if self.is_shut_down() {
            return Err(Error::Closed("the control connection was shut down"));
        }
        match self.conn.lock().as_ref() {
            Some(c) if !c.is_closed() => Ok(c.clone()),
            Some(c) => Err(Error::from_connection(
                c.addr().clone(),
                c.closed_error().unwrap_or_else(|| {
                    ConnectionError::Closed(String::from("the control connection is down"))
                }),
            )),
            None => Err(Error::Closed("the control connection is not connected")),
        }
    }

    /// Opens a connection to the first reachable of `candidates` (duplicates ignored,
    /// `failed` tried last) and makes it the current one.
    async fn connect_any(
        &self,
        candidates: Vec<NodeAddr>,
        failed: Option<&NodeAddr>,
    ) -> Result<Connection, Error> {
        let mut order: Vec<NodeAddr> = Vec::with_capacity(candidates.len());
        for addr in candidates {
            if !order.contains(&addr) {
                order.push(addr);
            }
        }
        if let Some(failed) = failed {
            if let Some(i) = order.iter().position(|a| a == failed) {
                let last = order.remove(i);
                order.push(last);
            }
        }
        let mut errors = Vec::new();
        for addr in order {
            if self.is_shut_down() {
                return Err(Error::Closed("the control connection was shut down"));
            }
            match self.open(addr.clone()).await {
                Ok(conn) => {
                    tracing::info!(host = %addr, version = ?conn.protocol_version(), "control connection open");
                    let old = self.conn.lock().replace(conn.clone());
                    if let Some(old) = old {
                        if !old.is_closed() {
                            old.close().await;
                        }
                    }
                    if self.is_shut_down() {
                        conn.close().await;
                        return Err(Error::Closed("the control connection was shut down"));
                    }
                    return Ok(conn);
                }
                Err(e) => {
                    tracing::warn!(host = %addr, error = %e, "control connection failed");
                    errors.push((addr, e));
                }
            }
        }
        Err(Error::NoHostAvailable(errors))
    }

    async fn open(&self, addr: NodeAddr) -> Result<Connection, Error> {
        let mut config = self.config.connection.clone();
        config.events = EventType::ALL.to_vec();
        config.keyspace = None;
        let span = tracing::debug_span!("cql.control.connect", host = %addr);
        Connection::open(&*self.transport, self.runtime.clone(), addr.clone(), config)
            .instrument(span)
            .await
            .map_err(|e| Error::from_connection(addr, e))
    }

    /// Runs `cql` at consistency ONE and returns its rows.
    async fn query(&self, conn: &Connection, cql: &'static str) -> Result<Rows, Error> {
        self.query_with(conn, Cow::Borrowed(cql), SerializedValues::new())
            .await
    }

    /// Runs `cql` with `values` bound at consistency ONE and returns its rows.
    async fn query_with(
        &self,
        conn: &Connection,
        cql: Cow<'_, str>,
        values: SerializedValues,
    ) -> Result<Rows, Error> {
        let mut params = QueryParameters::with_consistency(Consistency::One);
        params.values = Cow::Owned(values);
        let request = Request::Query(Query { query: cql, params });
        let options = RequestOptions {
            timeout: Some(self.config.query_timeout),
            ..RequestOptions::default()
        };
        let addr = conn.addr();
        let frame = conn
            .send(request, options)
            .await
            .map_err(|e| Error::from_connection(addr.clone(), e))?;
        match frame.response {
            Response::Result(ResultMessage::Rows(rows)) => Ok(rows),
            Response::Error(e) => Err(Error::from_response(addr.clone(), e)),
            other => Err(Error::Protocol(format!(
                "expected rows from {addr}, got {:?}",
                other.opcode()
            ))),
        }
    }

    /// Runs the queries of `targets` at once and folds their rows into the schema.
    /// Boxed: the startup, the background task and the session each await it, and one
    /// copy of its state machine keeps the browser build small.
    fn read_schema<'a>(
        &'a self,
        conn: &'a Connection,
        base: &'a SchemaMetadata,
        targets: &'a [RefreshTarget],
    ) -> BoxFuture<'a, Result<SchemaMetadata, Error>> {
        Box::pin(async move {
            let mut schema = base.clone();
            for target in targets {
                let queries = schema_refresh::queries(target);
                let results = join_all(queries.iter().map(|q| {
                    let mut values = SerializedValues::new();
                    let bound = q.values.iter().try_for_each(|v| {
                        values.add(crate::frame::primitives::RawValue::Bytes(v.as_bytes()))
                    });
                    async move {
                        bound.map_err(|e| Error::Protocol(format!("{}: {e}", q.cql)))?;
                        self.query_with(conn, Cow::Borrowed(q.cql.as_str()), values)
                            .await
                    }
                }))
                .await;
                let mut rows = SchemaRows::default();
                for (query, result) in queries.iter().zip(results) {
                    match result {
                        Ok(r) => *query.table.slot(&mut rows) = Some(r),
                        Err(Error::Server(e)) if query.table.is_optional() => {
                            tracing::debug!(table = query.table.name(), error = %e, "schema table unavailable");
                        }
                        Err(e) => return Err(e),
                    }
                }
                schema = match target {
                    RefreshTarget::Everything => schema_refresh::full(&rows, &self.config.schema),
                    _ => schema_refresh::apply(&schema, target, &rows),
                };
                match target {
                    RefreshTarget::Everything => {
                        self.add_graph_labels(conn, &mut schema, None).await;
                    }
                    RefreshTarget::Keyspace(k) => {
                        self.add_graph_labels(conn, &mut schema, Some(k)).await;
                    }
                    _ => {}
                }
            }
            Ok(schema)
        })
    }

    /// DSE 6.8: reads the vertex and edge labels of the graph keyspaces (only `only`,
    /// when given) and puts them on their tables; nodes without the tables give none.
    async fn add_graph_labels(
        &self,
        conn: &Connection,
        schema: &mut SchemaMetadata,
        only: Option<&str>,
    ) {
        let mut keyspaces: crate::cluster::schema::SortedMap<String, _> = schema
            .keyspaces
            .iter()
            .filter(|(n, k)| k.graph_engine.is_some() && only.is_none_or(|o| o == n.as_str()))
            .map(|(n, k)| (n.clone(), (**k).clone()))
            .collect();
        if keyspaces.is_empty() {
            return;
        }
        let read = |table: &'static str| {
            let mut values = SerializedValues::new();
            let cql = match only {
                Some(k) => {
                    // A keyspace name always fits a value.
                    let _ = values.add(crate::frame::primitives::RawValue::Bytes(k.as_bytes()));
                    Cow::Owned(format!("SELECT * FROM {table} WHERE keyspace_name = ?"))
                }
                None => Cow::Owned(format!("SELECT * FROM {table}")),
            };
            self.query_with(conn, cql, values)
        };
        let (vertices, edges) =
            join(read("system_schema.vertices"), read("system_schema.edges")).await;
        for ks in keyspaces.values_mut() {
            for t in ks.tables.values_mut() {
                t.vertex = None;
                t.edge = None;
            }
        }
        let labels = SchemaRows {
            vertices: vertices.ok(),
            edges: edges.ok(),
            ..SchemaRows::default()
        };
        crate::cluster::schema::parse::add_elements(&labels, &mut keyspaces);
        for (name, ks) in keyspaces {
            schema.keyspaces.insert(name, Arc::new(ks));
        }
    }

    async fn fetch_schema(&self) -> Result<Arc<SchemaMetadata>, Error> {
        let targets: Vec<RefreshTarget> = match &self.config.schema {
            SchemaFilter::Off => Vec::new(),
            SchemaFilter::All => vec![RefreshTarget::Everything],
            SchemaFilter::Keyspaces(names) => {
                names.iter().cloned().map(RefreshTarget::Keyspace).collect()
            }
        };
        let conn = self.connection()?;
        let span = tracing::debug_span!("cql.control.fetch_schema", host = %conn.addr());
        let schema = self
            .read_schema(&conn, &SchemaMetadata::default(), &targets)
            .instrument(span)
            .await?;
        tracing::debug!(keyspaces = schema.keyspaces.len(), "schema metadata read");
        let schema = Arc::new(schema);
        *self.schema.lock() = Arc::clone(&schema);
        Ok(schema)
    }

    async fn refresh_schema(
        &self,
        targets: &[RefreshTarget],
    ) -> Result<Arc<SchemaMetadata>, Error> {
        let conn = self.connection()?;
        let base = Arc::clone(&self.schema.lock());
        let span = tracing::debug_span!("cql.control.refresh_schema", targets = targets.len());
        let schema = Arc::new(
            self.read_schema(&conn, &base, targets)
                .instrument(span)
                .await?,
        );
        *self.schema.lock() = Arc::clone(&schema);
        Ok(schema)
    }

    /// Runs the local query and the peers query (`v2`/`v1` variants) at once; after a
    /// server error on `system.peers_v2`, switches to `system.peers` for good and asks it.
    async fn local_and_peers(
        &self,
        conn: &Connection,
        local: &'static str,
        peers_v2: &'static str,
        peers_v1: &'static str,
    ) -> Result<(Rows, Rows, PeersTable), Error> {
        let v1 = self.peers_v1.load(Ordering::Acquire);
        let peers_query = if v1 { peers_v1 } else { peers_v2 };
        let (local_rows, peer_rows) =
            join(self.query(conn, local), self.query(conn, peers_query)).await;
        let local_rows = local_rows?;
        match peer_rows {
            Ok(rows) => Ok((
                local_rows,
                rows,
                if v1 { PeersTable::V1 } else { PeersTable::V2 },
            )),
            Err(Error::Server(e)) if !v1 => {
                tracing::info!(
                    host = %conn.addr(),
                    error = %e,
                    "system.peers_v2 unavailable; reading system.peers from now on"
                );
                self.peers_v1.store(true, Ordering::Release);
                let rows = self.query(conn, peers_v1).await?;
                Ok((local_rows, rows, PeersTable::V1))
            }
            Err(e) => Err(e),
        }
    }

    /// Reads the topology; returns it with its diff from the previous one read.
    async fn refresh_topology(&self) -> Result<(TopologySnapshot, TopologyDiff), Error> {
        let conn = self.connection()?;
        let span = tracing::debug_span!("cql.control.refresh_topology", host = %conn.addr());
        async {
            let (local, peers, table) = self
                .local_and_peers(&conn, LOCAL_QUERY, PEERS_V2_QUERY, PEERS_QUERY)
                .await?;
            let snapshot =
                decode_topology(&local, &peers, table, conn.addr(), self.config.default_port)
                    .map_err(|e| Error::Protocol(format!("topology from {}: {e}", conn.addr())))?;
            let mut last = self.last_topology.lock();
            let diff = TopologyDiff::between(last.as_ref(), &snapshot);
            *last = Some(snapshot.clone());
            drop(last);
            tracing::debug!(
                peers = snapshot.peers.len(),
                added = diff.added.len(),
                removed = diff.removed.len(),
                changed = diff.changed.len(),
                "topology refreshed"
            );
            Ok((snapshot, diff))
        }
        .instrument(span)
        .await
    }

    async fn fetch_keyspaces(&self) -> Result<Vec<(String, ReplicationStrategy)>, Error> {
        let conn = self.connection()?;
        let rows = self.query(&conn, KEYSPACES_QUERY).await?;
        let keyspaces = keyspaces_from_rows(&rows)
            .map_err(|e| Error::Protocol(format!("keyspaces from {}: {e}", conn.addr())))?;
        tracing::debug!(keyspaces = keyspaces.len(), "keyspaces refreshed");
        Ok(keyspaces)
    }

    async fn replication(
        &self,
        schema: Option<&SchemaMetadata>,
    ) -> Result<Vec<(String, ReplicationStrategy)>, Error> {
        match (&self.config.schema, schema) {
            (SchemaFilter::All, Some(schema)) => Ok(replication_of(schema)),
            _ => self.fetch_keyspaces().await,
        }
    }

    async fn check_schema_agreement(&self) -> Result<bool, Error> {
        let conn = self.connection()?;
        let (local, peers, _) = self
            .local_and_peers(
                &conn,
                SCHEMA_LOCAL_QUERY,
                SCHEMA_PEERS_V2_QUERY,
                SCHEMA_PEERS_QUERY,
            )
            .await?;
        let protocol = |e| Error::Protocol(format!("schema versions from {}: {e}", conn.addr()));
        let local = local_schema_version(&local).map_err(protocol)?;
        let peers = peer_schema_versions(&peers).map_err(protocol)?;
        let versions = schema_versions(local, &peers, |id| self.hosts.is_down(id));
        tracing::debug!(versions = versions.len(), "schema versions");
        Ok(versions.len() == 1)
    }
}

/// Every (non-virtual) keyspace's replication strategy, from a schema snapshot; those
/// whose map cannot be understood are left out with a warning, as when read directly.
fn replication_of(schema: &SchemaMetadata) -> Vec<(String, ReplicationStrategy)> {
    let mut out = Vec::with_capacity(schema.keyspaces.len());
    for (name, ks) in schema.keyspaces.iter().filter(|(_, k)| !k.is_virtual) {
        let map = ks.replication.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        match ReplicationStrategy::from_replication_map(map) {
            Ok(strategy) => out.push((name.clone(), strategy)),
            Err(e) => {
                tracing::warn!(keyspace = %name, error = %e, "ignoring the keyspace's replication");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn replication_comes_from_the_schema_snapshot() {
        use crate::cluster::schema::{KeyspaceMetadata, SchemaMetadata};
        let mut schema = SchemaMetadata::default();
        let ks = |name: &str, class: &str, is_virtual: bool| KeyspaceMetadata {
            name: name.to_string(),
            replication: [
                ("class".to_string(), class.to_string()),
                ("replication_factor".to_string(), "3".to_string()),
            ]
            .into(),
            is_virtual,
            ..KeyspaceMetadata::default()
        };
        for k in [
            ks("shop", "org.apache.cassandra.locator.SimpleStrategy", false),
            ks("views", "", true),
            ks("odd", "SimpleStrategy", false),
        ] {
            schema.keyspaces.insert(k.name.clone(), Arc::new(k));
        }
        schema.keyspaces.insert(
            "broken".to_string(),
            Arc::new(KeyspaceMetadata {
                name: "broken".to_string(),
                ..KeyspaceMetadata::default()
            }),
        );
        let names: Vec<String> = replication_of(&schema)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["odd", "shop"]);
    }
}
