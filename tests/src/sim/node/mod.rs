//! A simulated node: the request-level operations the server calls, over the schema and
//! data it shares with the other nodes of its cluster (one lock) and its own identity,
//! prepared statements, event feed, up/down state and reported schema version (kept in
//! the cluster's [`Topology`]). [`Node::new`] makes a cluster of one; [`Node::join`] adds
//! a node to an existing node's cluster.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cql_core::message::{
    Batch, BatchStatement, BatchType, Event, PreparedMetadata, ResultMetadata, SchemaChangeTarget,
    SchemaChangeType, TableSpec,
};
use cql_core::types::ColumnSpec;
use md5::{Digest, Md5};
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use crate::cql::ast::{BatchKind, Statement};
use crate::cql::{Parsed, parse_statement};
use crate::sim::auth::{self, AuthConfig, Caller, Roles};
use crate::sim::cluster::topology::{Availability, Topology};
use crate::sim::describe;
use crate::sim::dse::graph::GraphState;
use crate::sim::dse::{Insights, insights};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::exec::{self, ExecContext, NodeView, PreparedShape};
use crate::sim::info::NodeInfo;
use crate::sim::outcome::{BoundValues, ExecParams, Outcome};
use crate::sim::schema::options::ReplicationContext;
use crate::sim::schema::{Schema, SchemaFeatures, ddl};
use crate::sim::storage::Store;
use crate::sim::system;

// The DSE mode's accessors (Insights reports, graphs).
mod dse;

/// A clock returning microseconds since the Unix epoch; tests replace it to make TTLs
/// expire without waiting.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The wall clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
    })
}

/// How a node is set up.
#[derive(Clone)]
pub struct NodeConfig {
    /// Identity and topology.
    pub info: NodeInfo,
    /// Users for PasswordAuthenticator (name, password); empty means no authentication.
    pub users: Vec<(String, String)>,
    /// The clock.
    pub clock: Clock,
    /// Which optional schema objects (functions, views) the node accepts.
    pub features: SchemaFeatures,
    /// Authenticator and authorizer (users switch the authenticator on).
    pub auth: AuthConfig,
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            info: NodeInfo::default(),
            users: Vec::new(),
            clock: system_clock(),
            features: SchemaFeatures::default(),
            auth: AuthConfig::default(),
        }
    }
}

impl core::fmt::Debug for NodeConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NodeConfig")
            .field("info", &self.info)
            .field("users", &self.users.len())
            .finish_non_exhaustive()
    }
}

/// Per-connection state the node needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionState {
    /// The keyspace set by `USE`.
    pub keyspace: Option<String>,
    /// The role logged in (none: anonymous without authentication, the node itself with).
    pub user: Option<String>,
    /// The client warnings of the last request (the response frame's warnings).
    pub warnings: Vec<String>,
    /// The partitions the last request read or wrote through the replicas (what its
    /// trace shows the replicas doing).
    pub touched: Vec<crate::sim::exec::Touched>,
}

/// A prepared statement the node remembers.
#[derive(Debug, Clone)]
pub struct PreparedStatement {
    /// The statement id (MD5 of keyspace + query, as Cassandra computes it).
    pub id: [u8; 16],
    /// The query text.
    pub query: String,
    /// The keyspace it was prepared in, if any.
    pub keyspace: Option<String>,
    /// The parsed statement.
    pub parsed: Parsed,
    /// Bind and result columns.
    pub shape: PreparedShape,
    /// Id of the result metadata (v5).
    pub result_metadata_id: [u8; 16],
}

impl PreparedStatement {
    /// The bind metadata for a PREPARED result.
    pub fn bind_metadata(&self) -> PreparedMetadata {
        PreparedMetadata {
            pk_indexes: self.shape.pk_indexes.clone(),
            global_table_spec: global_spec(&self.shape.bind),
            columns: self.shape.bind.clone(),
        }
    }

    /// The result metadata for a PREPARED result.
    pub fn result_metadata(&self) -> ResultMetadata {
        result_metadata(&self.shape.result)
    }
}

/// Result metadata for columns, with a global table spec when they share one table.
pub fn result_metadata(columns: &[ColumnSpec]) -> ResultMetadata {
    if columns.is_empty() {
        return ResultMetadata::without_columns(0);
    }
    ResultMetadata::new(columns.to_vec(), global_spec(columns))
}

fn global_spec(columns: &[ColumnSpec]) -> Option<TableSpec> {
    let first = columns.first()?;
    columns
        .iter()
        .all(|c| c.keyspace == first.keyspace && c.table == first.table)
        .then(|| TableSpec {
            keyspace: first.keyspace.clone(),
            table: first.table.clone(),
        })
}

/// The id of a prepared statement: MD5 of the keyspace (when given) followed by the query.
pub fn statement_id(keyspace: Option<&str>, query: &str) -> [u8; 16] {
    let mut md5 = Md5::new();
    if let Some(ks) = keyspace {
        md5.update(ks.as_bytes());
    }
    md5.update(query.as_bytes());
    md5.finalize().into()
}

/// The v5 result metadata id: MD5 over each result column's keyspace, table, name and type.
pub fn result_metadata_id(columns: &[ColumnSpec]) -> [u8; 16] {
    let mut md5 = Md5::new();
    for c in columns {
        for part in [&c.keyspace, &c.table, &c.name] {
            md5.update(part.as_bytes());
        }
        md5.update(c.typ.to_string().as_bytes());
    }
    md5.finalize().into()
}

/// What the nodes of one cluster share: one schema, one store (a perfectly repaired
/// cluster) and the membership.
struct State {
    schema: Schema,
    store: Store,
    topology: Topology,
    roles: Roles,
}

/// A simulated Cassandra node (cheap to clone; clones share the node).
#[derive(Clone)]
pub struct Node {
    state: Arc<Mutex<State>>,
    config: Arc<NodeConfig>,
    slot: usize,
    events: broadcast::Sender<Event>,
    /// `true` while the node is paused (as a stopped process: connections stay open,
    /// nothing is read or answered).
    paused: Arc<watch::Sender<bool>>,
    /// The Insights reports this node received (DSE mode).
    insights: Insights,
    /// The graphs of the cluster and its paged graph results (DSE mode).
    graphs: Arc<GraphState>,
}

impl core::fmt::Debug for Node {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Node")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Node {
    /// A node with the system keyspaces and no user data.
    pub fn new(mut config: NodeConfig) -> Self {
        // A DSE node takes DSE 6.8's schema extensions (graph keyspaces and labels).
        config.features.dse_graph |= config.info.dse.is_some();
        let mut schema = Schema {
            version: Uuid::new_v4(),
            ..Schema::default()
        };
        let system_keyspaces = match config.info.dse {
            Some(_) => system::dse_system_keyspaces(),
            None => system::system_keyspaces(),
        };
        for ks in system_keyspaces {
            schema.keyspaces.insert(ks.name.clone(), ks);
        }
        let (events, _) = broadcast::channel(1024);
        let topology = Topology::new(config.info.clone(), events.clone(), schema.version);
        let authenticates = config.auth.authenticates() || !config.users.is_empty();
        let roles = Roles::new(authenticates, &config.users);
        let mut store = Store::new();
        auth::mirror::write(&roles, &schema, &mut store);
        Self {
            state: Arc::new(Mutex::new(State {
                schema,
                store,
                topology,
                roles,
            })),
            config: Arc::new(config),
            slot: 0,
            events,
            paused: Arc::new(watch::channel(false).0),
            insights: Insights::new(),
            graphs: Arc::new(GraphState::default()),
        }
    }

    /// A new node in this node's cluster: it shares the schema and the data, is up,
    /// reports the current schema version and appears in every node's peers tables.
    /// (Announcing it to clients is the caller's business: see
    /// [`crate::sim::cluster::SimCluster::add_node`].)
    pub fn join(&self, config: NodeConfig) -> Node {
        let (events, _) = broadcast::channel(1024);
        let slot = {
            let mut state = self.lock();
            let version = state.schema.version;
            state
                .topology
                .add(config.info.clone(), events.clone(), version)
        };
        Self {
            state: self.state.clone(),
            config: Arc::new(config),
            slot,
            events,
            paused: Arc::new(watch::channel(false).0),
            insights: Insights::new(),
            graphs: self.graphs.clone(),
        }
    }

    /// The other nodes holding the partition with `token` of `keyspace` (replica order),
    /// with their address and storage port: whom a coordinator contacts for it.
    pub fn other_replicas(&self, keyspace: &str, token: i64) -> Vec<(std::net::IpAddr, u16)> {
        let state = self.lock();
        state
            .topology
            .replicas(keyspace, token)
            .into_iter()
            .filter(|slot| *slot != self.slot)
            .filter_map(|slot| {
                state
                    .topology
                    .member(slot)
                    .filter(|m| m.is_up())
                    .map(|m| (m.info().address, m.info().listen_port))
            })
            .collect()
    }

    /// Pauses the node (`true`) or lets it go on (`false`), as `kill -STOP`/`-CONT` would:
    /// while paused its connections read and answer nothing and send no events, and new
    /// connections are accepted but not served.
    pub fn set_paused(&self, paused: bool) {
        self.paused.send_replace(paused);
    }

    /// Whether the node is paused.
    pub fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }

    /// A watch of the node's paused state (`true` while paused), for a connection to
    /// follow without subscribing again for every request.
    pub fn pause_watch(&self) -> watch::Receiver<bool> {
        self.paused.subscribe()
    }

    /// The node's place in its cluster's member list (0 for a node made by
    /// [`Node::new`]).
    pub fn slot(&self) -> usize {
        self.slot
    }

    /// Whether the node is up, as the other nodes see it.
    pub fn is_up(&self) -> bool {
        self.lock()
            .topology
            .member(self.slot)
            .is_some_and(|m| m.is_up())
    }

    /// Marks the node up or down for the other nodes (their consistency decisions). A
    /// node coming up reports the current schema version. Its server's listener and
    /// connections are the caller's business.
    pub fn set_up(&self, up: bool) {
        let mut state = self.lock();
        let version = state.schema.version;
        state.topology.set_up(self.slot, up);
        if up {
            state.topology.sync_schema(self.slot, version);
        }
    }

    /// Takes the node out of the cluster: out of the ring and of every peers table.
    pub fn leave(&self) {
        self.lock().topology.remove(self.slot);
    }

    /// Whether the node left the cluster ([`leave`](Self::leave)).
    pub fn is_removed(&self) -> bool {
        self.lock()
            .topology
            .member(self.slot)
            .is_some_and(|m| m.is_removed())
    }

    /// The schema version this node reports in `system.local` (it lags behind
    /// [`schema_version`](Self::schema_version) for the cluster's schema agreement delay
    /// after a change coordinated by another node).
    pub fn reported_schema_version(&self) -> Uuid {
        let state = self.lock();
        state
            .topology
            .member(self.slot)
            .map_or(state.schema.version, |m| {
                m.reported_schema_version(Instant::now())
            })
    }

    /// Sets how long the cluster's other nodes take to report a schema change's version.
    pub fn set_schema_agreement_delay(&self, delay: Duration) {
        self.lock().topology.set_schema_agreement_delay(delay);
    }

    /// The node's identity as its system tables show it now: the cluster's other members
    /// as peers (after any configured ones), and the schema version it reports.
    pub fn view(&self) -> NodeInfo {
        let state = self.lock();
        state
            .topology
            .view_of(self.slot, &self.config.info, Instant::now())
    }

    /// The member slots of the replicas of a partition of `keyspace` (`routing_key`: the
    /// serialized partition key, composite keys in their `CompositeType` form), in the
    /// strategy's order; empty for system, virtual and unknown keyspaces.
    pub fn replicas(&self, keyspace: &str, routing_key: &[u8]) -> Vec<usize> {
        let mut state = self.lock();
        let State {
            schema, topology, ..
        } = &mut *state;
        topology.refresh_placement(schema);
        topology.replicas(keyspace, crate::sim::storage::token_of(routing_key))
    }

    /// The ids of the statements this node has prepared.
    pub fn prepared_ids(&self) -> Vec<[u8; 16]> {
        self.lock()
            .topology
            .member(self.slot)
            .map(|m| m.prepared().keys().copied().collect())
            .unwrap_or_default()
    }

    /// The node's configuration.
    pub fn config(&self) -> &NodeConfig {
        &self.config
    }

    /// The node's identity.
    pub fn info(&self) -> &NodeInfo {
        &self.config.info
    }

    /// Whether clients must authenticate (PasswordAuthenticator).
    pub fn requires_auth(&self) -> bool {
        self.auth_config().authenticator
    }

    /// The authenticator and authorizer in effect (configured users imply the
    /// authenticator, and so does the authorizer).
    pub fn auth_config(&self) -> AuthConfig {
        let auth = self.config.auth;
        AuthConfig {
            authenticator: auth.authenticates() || !self.config.users.is_empty(),
            authorizer: auth.authorizer,
        }
    }

    /// Checks SASL PLAIN credentials.
    pub fn check_credentials(&self, user: &str, password: &str) -> bool {
        self.login(user, password).is_ok()
    }

    /// Logs a role in as PasswordAuthenticator does: configured users, the `cassandra`
    /// superuser and roles created WITH LOGIN and a PASSWORD.
    ///
    /// # Errors
    /// `BadCredentials` with Cassandra's message.
    pub fn login(&self, user: &str, password: &str) -> CqlResult<()> {
        self.lock().roles.login(user, password)
    }

    /// A copy of the roles and grants.
    pub fn roles(&self) -> Roles {
        self.lock().roles.clone()
    }

    fn caller<'a>(&self, session: &'a SessionState) -> Caller<'a> {
        Caller {
            user: session.user.as_deref(),
            config: self.auth_config(),
        }
    }

    /// Checks the caller's permission for a statement (CassandraAuthorizer).
    fn authorize(
        &self,
        statement: &Statement,
        session: &SessionState,
        keyspace: Option<&str>,
    ) -> CqlResult<()> {
        let caller = self.caller(session);
        if !caller.config.authorizer {
            return Ok(());
        }
        let state = self.lock();
        auth::authorize::check(&state.roles, &state.schema, caller, statement, keyspace)
    }

    /// Events (schema changes; topology and status changes in a cluster) for REGISTERed
    /// connections.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Publishes an event to every subscriber.
    pub fn publish(&self, event: Event) {
        let _ = self.events.send(event);
    }

    /// The current schema version.
    pub fn schema_version(&self) -> Uuid {
        self.lock().schema.version
    }

    /// A copy of the current schema.
    pub fn schema(&self) -> Schema {
        self.lock().schema.clone()
    }

    /// Forgets every prepared statement, as a restarted node does.
    pub fn forget_prepared(&self) {
        if let Some(m) = self.lock().topology.member_mut(self.slot) {
            m.prepared_mut().clear();
        }
    }

    /// The datacenters of the cluster, which NetworkTopologyStrategy options are checked
    /// against.
    fn replication_context(&self, topology: &Topology) -> ReplicationContext {
        let info = &self.config.info;
        let mut datacenters = vec![info.datacenter.clone()];
        for dc in topology.datacenters() {
            if !datacenters.contains(&dc) {
                datacenters.push(dc);
            }
        }
        for peer in &info.peers {
            if !datacenters.contains(&peer.datacenter) {
                datacenters.push(peer.datacenter.clone());
            }
        }
        ReplicationContext { datacenters }
    }

    /// Runs `f` on this node's prepared statements (`None` if the node left its cluster's
    /// member list, which cannot happen).
    fn with_prepared<T>(
        &self,
        f: impl FnOnce(&mut HashMap<[u8; 16], Arc<PreparedStatement>>) -> T,
    ) -> Option<T> {
        self.lock()
            .topology
            .member_mut(self.slot)
            .map(|m| f(m.prepared_mut()))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock is a bug in the node; keep serving regardless.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn now_micros(&self, params: &ExecParams) -> i64 {
        match params.now_in_seconds {
            Some(s) => i64::from(s) * 1_000_000,
            None => (self.config.clock)(),
        }
    }

    /// Runs a QUERY.
    ///
    /// # Errors
    /// The syntax or execution error Cassandra would answer.
    pub fn query(
        &self,
        query: &str,
        values: &BoundValues,
        params: &ExecParams,
        session: &mut SessionState,
    ) -> CqlResult<Outcome> {
        session.warnings.clear();
        session.touched.clear();
        if self.is_dse() && insights::is_call(query) {
            let json = insights::report_argument(query, values)?;
            self.insights.record(json);
            return Ok(Outcome::Void);
        }
        let parsed = parse_statement(query)?;
        self.run(&parsed, values, params, session, params.keyspace.clone())
    }

    /// Prepares a statement (or returns the one prepared before with the same id).
    ///
    /// # Errors
    /// The syntax or validation error Cassandra would answer.
    pub fn prepare(
        &self,
        query: &str,
        keyspace: Option<&str>,
        session: &SessionState,
    ) -> CqlResult<Arc<PreparedStatement>> {
        let keyspace = keyspace.or(session.keyspace.as_deref());
        let id = statement_id(keyspace, query);
        if let Some(p) = self
            .with_prepared(|cache| cache.get(&id).cloned())
            .flatten()
        {
            return Ok(p);
        }
        let parsed = parse_statement(query)?;
        let shape = match &parsed.statement {
            Statement::Select(_)
            | Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::Batch(_) => exec::prepare(&self.lock().schema, &parsed, keyspace)?,
            Statement::Describe(d) => PreparedShape {
                result: describe::result_columns(d, keyspace),
                ..PreparedShape::default()
            },
            _ if !parsed.bind_markers.is_empty() => {
                return Err(CqlError::invalid(
                    "Bind variables are not supported in this statement",
                ));
            }
            _ => PreparedShape::default(),
        };
        let prepared = Arc::new(PreparedStatement {
            id,
            query: query.to_string(),
            keyspace: keyspace.map(str::to_string),
            result_metadata_id: result_metadata_id(&shape.result),
            parsed,
            shape,
        });
        let entry = prepared.clone();
        self.with_prepared(|cache| cache.insert(id, entry));
        Ok(prepared)
    }

    /// A prepared statement by id.
    ///
    /// # Errors
    /// `Unprepared` when the node does not know the id.
    pub fn prepared(&self, id: &[u8]) -> CqlResult<Arc<PreparedStatement>> {
        let key: [u8; 16] = id.try_into().map_err(|_| CqlError::unprepared(id))?;
        self.with_prepared(|cache| cache.get(&key).cloned())
            .flatten()
            .ok_or_else(|| CqlError::unprepared(id))
    }

    /// Runs an EXECUTE.
    ///
    /// # Errors
    /// `Unprepared` for an unknown id; execution errors.
    pub fn execute(
        &self,
        id: &[u8],
        values: &BoundValues,
        params: &ExecParams,
        session: &mut SessionState,
    ) -> CqlResult<Outcome> {
        session.warnings.clear();
        session.touched.clear();
        let prepared = self.prepared(id)?;
        let keyspace = prepared.keyspace.clone().or(params.keyspace.clone());
        self.run(&prepared.parsed, values, params, session, keyspace)
    }

    /// Runs a BATCH message.
    ///
    /// # Errors
    /// `Unprepared` for an unknown id; syntax and execution errors.
    pub fn batch(
        &self,
        batch: &Batch,
        values: &[BoundValues],
        params: &ExecParams,
        session: &mut SessionState,
    ) -> CqlResult<Outcome> {
        session.warnings.clear();
        session.touched.clear();
        let mut statements = Vec::with_capacity(batch.entries.len());
        for entry in &batch.entries {
            let parsed = match &entry.statement {
                BatchStatement::Query(q) => Arc::new(parse_statement(q)?),
                BatchStatement::Prepared(id) => Arc::new(self.prepared(id)?.parsed.clone()),
            };
            if !matches!(
                parsed.statement,
                Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_)
            ) {
                return Err(CqlError::invalid(
                    "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.",
                ));
            }
            self.authorize(
                &parsed.statement,
                session,
                params.keyspace.as_deref().or(session.keyspace.as_deref()),
            )?;
            statements.push(parsed);
        }
        let kind = match batch.batch_type {
            BatchType::Unlogged => BatchKind::Unlogged,
            BatchType::Counter => BatchKind::Counter,
            _ => BatchKind::Logged,
        };
        let empty = BoundValues::default();
        let pairs: Vec<(&Parsed, &BoundValues)> = statements
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_ref(), values.get(i).unwrap_or(&empty)))
            .collect();
        let now = self.now_micros(params);
        let keyspace = params.keyspace.clone().or(session.keyspace.clone());
        self.with_context(now, keyspace.as_deref(), session, |ctx| {
            exec::execute_batch(ctx, kind, &pairs, params)
        })
    }

    /// Runs `f` with an execution context over the shared schema and data, this node's
    /// view of the cluster (its system tables) and the cluster's availability as seen
    /// from this node (consistency levels).
    fn with_context<T>(
        &self,
        now_micros: i64,
        keyspace: Option<&str>,
        session: &mut SessionState,
        f: impl FnOnce(&mut ExecContext<'_>) -> T,
    ) -> T {
        let mut state = self.lock();
        let State {
            schema,
            store,
            topology,
            ..
        } = &mut *state;
        topology.refresh_placement(schema);
        let topology = &*topology;
        let info = if topology.is_single() {
            NodeView::Alone(&self.config.info)
        } else {
            NodeView::Member {
                base: &self.config.info,
                topology,
                slot: self.slot,
                at: Instant::now(),
            }
        };
        let mut ctx = ExecContext {
            schema,
            store,
            info,
            now_micros,
            keyspace,
            availability: Some(Availability::new(topology, self.slot)),
            warnings: Vec::new(),
            touched: Default::default(),
        };
        let out = f(&mut ctx);
        session.warnings.append(&mut ctx.warnings);
        session.touched.append(ctx.touched.get_mut());
        out
    }

    fn run(
        &self,
        parsed: &Parsed,
        values: &BoundValues,
        params: &ExecParams,
        session: &mut SessionState,
        keyspace: Option<String>,
    ) -> CqlResult<Outcome> {
        let keyspace = keyspace.or(session.keyspace.clone());
        self.authorize(&parsed.statement, session, keyspace.as_deref())?;
        match &parsed.statement {
            Statement::Use(ks) => {
                if self.lock().schema.keyspace(ks).is_none() {
                    return Err(CqlError::invalid(format!("Keyspace '{ks}' does not exist")));
                }
                session.keyspace = Some(ks.clone());
                Ok(Outcome::SetKeyspace(ks.clone()))
            }
            Statement::Select(_)
            | Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::Batch(_)
            | Statement::Truncate(_) => {
                let now = self.now_micros(params);
                self.with_context(now, keyspace.as_deref(), session, |ctx| {
                    exec::execute(ctx, parsed, values, params)
                })
            }
            Statement::Describe(d) => self.with_context(
                0,
                keyspace.as_deref(),
                &mut SessionState::default(),
                |ctx| describe::execute(ctx.schema, &ctx.info.info(), d, ctx.keyspace, params),
            ),
            Statement::Auth(a) => self.run_auth(a, session, keyspace.as_deref()),
            ddl_statement => {
                let outcome = self.apply_ddl(ddl_statement, keyspace.as_deref(), session)?;
                if matches!(ddl_statement, Statement::CreateView(_)) {
                    session.warnings.push(exec::warnings::VIEWS.to_string());
                }
                if let Statement::CreateIndex(s) = ddl_statement {
                    if s.custom_class.as_deref() == Some(crate::sim::schema::ddl::SASI_CLASS) {
                        session
                            .warnings
                            .push(crate::sim::schema::ddl::SASI_WARNING.to_string());
                    }
                }
                Ok(outcome)
            }
        }
    }

    fn run_auth(
        &self,
        statement: &crate::cql::ast::AuthStatement,
        session: &SessionState,
        keyspace: Option<&str>,
    ) -> CqlResult<Outcome> {
        let caller = self.caller(session);
        let mut state = self.lock();
        let State {
            schema,
            store,
            roles,
            ..
        } = &mut *state;
        let mut ctx = auth::statements::AuthContext {
            roles,
            schema,
            keyspace,
            caller,
        };
        let outcome = auth::statements::execute(&mut ctx, statement)?;
        auth::mirror::write(roles, schema, store);
        Ok(outcome)
    }

    fn apply_ddl(
        &self,
        statement: &Statement,
        keyspace: Option<&str>,
        session: &SessionState,
    ) -> CqlResult<Outcome> {
        let caller = self.caller(session);
        let mut state = self.lock();
        let State {
            schema,
            store,
            topology,
            roles,
        } = &mut *state;
        let resources_before = auth::authorize::schema_resources(schema);
        let before: Vec<Uuid> = table_ids(schema);
        let context = self.replication_context(topology);
        let features = &self.config.features;
        let Some(change) = ddl::execute_in(schema, statement, keyspace, &context, features)? else {
            return Ok(Outcome::Void);
        };
        schema.version = Uuid::new_v4();
        let resources_after = auth::authorize::schema_resources(schema);
        auth::authorize::schema_changed(roles, caller, &resources_before, &resources_after);
        auth::mirror::write(roles, schema, store);
        let after = table_ids(schema);
        for id in before.into_iter().filter(|id| !after.contains(id)) {
            store.drop_table(id);
        }
        topology.schema_changed(self.slot, schema.version, Instant::now());
        if matches!(
            change.change_type,
            SchemaChangeType::Updated | SchemaChangeType::Dropped
        ) {
            // Statements prepared against the old shape must be prepared again, on every
            // node.
            let affected = affected_keyspace(&change.target).to_string();
            let table = match &change.target {
                SchemaChangeTarget::Table { name, .. } => Some(name.as_str()),
                _ => None,
            };
            for slot in 0..topology.members().len() {
                if let Some(m) = topology.member_mut(slot) {
                    m.prepared_mut().retain(|_, p| {
                        let ks = p.keyspace.as_deref();
                        !exec::targets::affected(&p.parsed, ks, &affected, table)
                    });
                }
            }
        }
        if let (SchemaChangeType::Dropped, SchemaChangeTarget::Keyspace { keyspace }) =
            (&change.change_type, &change.target)
        {
            // A dropped graph keyspace takes its graph along.
            self.graphs.graphs().remove(keyspace);
        }
        // Every live node tells its registered clients.
        topology.publish_to_live(&Event::SchemaChange(change.clone()));
        Ok(Outcome::SchemaChange(change))
    }
}

fn affected_keyspace(target: &SchemaChangeTarget) -> &str {
    #[allow(unreachable_patterns)]
    match target {
        SchemaChangeTarget::Keyspace { keyspace }
        | SchemaChangeTarget::Table { keyspace, .. }
        | SchemaChangeTarget::Type { keyspace, .. }
        | SchemaChangeTarget::Function { keyspace, .. }
        | SchemaChangeTarget::Aggregate { keyspace, .. } => keyspace,
        _ => "",
    }
}

fn table_ids(schema: &Schema) -> Vec<Uuid> {
    schema
        .keyspaces
        .values()
        .flat_map(|k| {
            k.tables
                .values()
                .map(|t| t.id)
                .chain(k.views.values().map(|v| v.table.id))
        })
        .collect()
}
