//! A simulated node: the schema, the data, the prepared-statement cache and the event
//! feed behind one lock, and the request-level operations the server calls.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use cql_core::message::{
    Batch, BatchStatement, BatchType, Event, PreparedMetadata, ResultMetadata, SchemaChangeTarget,
    SchemaChangeType, TableSpec,
};
use cql_core::types::ColumnSpec;
use md5::{Digest, Md5};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::cql::ast::{BatchKind, Statement};
use crate::cql::{Parsed, parse_statement};
use crate::sim::describe;
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::exec::{self, ExecContext, PreparedShape};
use crate::sim::info::NodeInfo;
use crate::sim::outcome::{BoundValues, ExecParams, Outcome};
use crate::sim::schema::options::ReplicationContext;
use crate::sim::schema::{Schema, ddl};
use crate::sim::storage::Store;
use crate::sim::system;

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
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            info: NodeInfo::default(),
            users: Vec::new(),
            clock: system_clock(),
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

struct State {
    schema: Schema,
    store: Store,
    prepared: HashMap<[u8; 16], Arc<PreparedStatement>>,
}

/// A simulated Cassandra node (cheap to clone; clones share the node).
#[derive(Clone)]
pub struct Node {
    state: Arc<Mutex<State>>,
    config: Arc<NodeConfig>,
    events: broadcast::Sender<Event>,
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
    pub fn new(config: NodeConfig) -> Self {
        let mut schema = Schema {
            version: Uuid::new_v4(),
            ..Schema::default()
        };
        for ks in system::system_keyspaces() {
            schema.keyspaces.insert(ks.name.clone(), ks);
        }
        let (events, _) = broadcast::channel(1024);
        Self {
            state: Arc::new(Mutex::new(State {
                schema,
                store: Store::new(),
                prepared: HashMap::new(),
            })),
            config: Arc::new(config),
            events,
        }
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
        !self.config.users.is_empty()
    }

    /// Checks SASL PLAIN credentials.
    pub fn check_credentials(&self, user: &str, password: &str) -> bool {
        self.config
            .users
            .iter()
            .any(|(u, p)| u == user && p == password)
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
        self.lock().prepared.clear();
    }

    /// The datacenters of the cluster, which NetworkTopologyStrategy options are checked
    /// against.
    fn replication_context(&self) -> ReplicationContext {
        let info = &self.config.info;
        let mut datacenters = vec![info.datacenter.clone()];
        for peer in &info.peers {
            if !datacenters.contains(&peer.datacenter) {
                datacenters.push(peer.datacenter.clone());
            }
        }
        ReplicationContext { datacenters }
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
        if let Some(p) = self.lock().prepared.get(&id) {
            return Ok(p.clone());
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
        self.lock().prepared.insert(id, prepared.clone());
        Ok(prepared)
    }

    /// A prepared statement by id.
    ///
    /// # Errors
    /// `Unprepared` when the node does not know the id.
    pub fn prepared(&self, id: &[u8]) -> CqlResult<Arc<PreparedStatement>> {
        let key: [u8; 16] = id.try_into().map_err(|_| CqlError::unprepared(id))?;
        self.lock()
            .prepared
            .get(&key)
            .cloned()
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
        let mut state = self.lock();
        let State { schema, store, .. } = &mut *state;
        let mut ctx = ExecContext {
            schema,
            store,
            info: &self.config.info,
            now_micros: now,
            keyspace: keyspace.as_deref(),
        };
        exec::execute_batch(&mut ctx, kind, &pairs, params)
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
                let mut state = self.lock();
                let State { schema, store, .. } = &mut *state;
                let mut ctx = ExecContext {
                    schema,
                    store,
                    info: &self.config.info,
                    now_micros: now,
                    keyspace: keyspace.as_deref(),
                };
                exec::execute(&mut ctx, parsed, values, params)
            }
            Statement::Describe(d) => {
                let state = self.lock();
                describe::execute(
                    &state.schema,
                    &self.config.info,
                    d,
                    keyspace.as_deref(),
                    params,
                )
            }
            ddl_statement => self.apply_ddl(ddl_statement, keyspace.as_deref()),
        }
    }

    fn apply_ddl(&self, statement: &Statement, keyspace: Option<&str>) -> CqlResult<Outcome> {
        let change = {
            let mut state = self.lock();
            let before: Vec<Uuid> = table_ids(&state.schema);
            let Some(change) = ddl::execute_with(
                &mut state.schema,
                statement,
                keyspace,
                &self.replication_context(),
            )?
            else {
                return Ok(Outcome::Void);
            };
            state.schema.version = Uuid::new_v4();
            let after = table_ids(&state.schema);
            for id in before.into_iter().filter(|id| !after.contains(id)) {
                state.store.drop_table(id);
            }
            if matches!(
                change.change_type,
                SchemaChangeType::Updated | SchemaChangeType::Dropped
            ) {
                // Statements prepared against the old shape must be prepared again.
                let affected = affected_keyspace(&change.target).to_string();
                state
                    .prepared
                    .retain(|_, p| p.keyspace.as_deref() != Some(affected.as_str()));
            }
            change
        };
        self.publish(Event::SchemaChange(change.clone()));
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
        .flat_map(|k| k.tables.values().map(|t| t.id))
        .collect()
}
