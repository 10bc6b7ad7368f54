//! The protocol state machine of one connection: handshake (OPTIONS, STARTUP,
//! authentication), then requests dispatched to the [`Node`], each answered with one
//! response frame. No I/O here; [`super::connection`] moves the bytes.
//!
//! [`ClientState::serve`] also consults the server's fault rules and records the request
//! (see [`crate::sim::faults`]); [`ClientState::handle`] only answers.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use cql_core::frame::{Compression, Frame, FrameError, Opcode, ProtocolVersion};
use cql_core::message::{
    AuthToken, Authenticate, Batch, CustomPayload, Event, EventType, Execute, Prepare,
    PreparedMetadata, Query, Request, RequestFrame, Response, ResponseFrame, Supported,
};
use tokio::sync::broadcast;
use uuid::Uuid;

use super::primes::{PreparedPrimes, Prime, Primes};
use super::results::{
    MetadataMode, batch_params, bound_values, exec_params, execute_metadata_mode, prepared_message,
    result_message,
};
use super::version::version_name;
use crate::sim::clients::{ClientHandle, ConnectedClient};
use crate::sim::dse::graph;
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::faults::hooks::{self, Origin, Recorder};
use crate::sim::faults::{Action, CorruptKind, Disposition, FaultInjector, RequestLog};
use crate::sim::node::{Node, SessionState, result_metadata, result_metadata_id, statement_id};
use crate::sim::outcome::Outcome;

/// The authenticator class a node with users announces.
pub const PASSWORD_AUTHENTICATOR: &str = "org.apache.cassandra.auth.PasswordAuthenticator";

/// What every connection of one server shares.
#[derive(Debug)]
pub struct Shared {
    /// The node answering requests.
    pub node: Node,
    /// Primed statements.
    pub primes: Primes,
    /// Primed statements prepared by clients.
    pub prepared_primes: PreparedPrimes,
    /// Accepted protocol versions, ascending.
    pub versions: Vec<ProtocolVersion>,
    /// The address the server listens on: the node's name in fault rules and records.
    pub addr: SocketAddr,
    /// The fault rules consulted for every request and new connection.
    pub faults: FaultInjector,
    /// Where every request is recorded.
    pub log: RequestLog,
}

impl Shared {
    /// Whether a fault rule refuses the server's new connection number `connection`.
    pub fn refuses(&self, connection: u64) -> bool {
        self.faults.refuses(self.addr, connection).is_some()
    }
}

/// Where the handshake is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Only OPTIONS and STARTUP are accepted.
    Initial,
    /// STARTUP answered AUTHENTICATE: only AUTH_RESPONSE is accepted.
    Authenticating,
    /// Requests are served.
    Ready,
}

/// How framing changes once a response is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// v3/v4: frame bodies are compressed from now on (`None`: unchanged).
    BodyCompression(Compression),
    /// v5: frames travel inside segments from now on.
    Segments(Compression),
}

/// The answer to one request frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The response.
    pub frame: ResponseFrame,
    /// The version to encode it in.
    pub version: ProtocolVersion,
    /// A framing change that applies to everything after this response.
    pub switch: Option<Switch>,
}

/// What to do with one request frame, as [`ClientState::serve`] decided (fault rules
/// included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Served {
    /// Send this answer now.
    Send(Reply),
    /// Send this answer once the delay has passed.
    Delay(Reply, Duration),
    /// Send nothing; the stream stays unanswered.
    NoAnswer,
    /// Send a corrupt frame on the answer's stream instead of the answer (its framing
    /// switch still applies).
    Corrupt(Reply, CorruptKind),
    /// Close the connection once the answers to earlier requests are sent.
    Close,
}

/// The protocol state the node keeps for one client connection.
#[derive(Debug)]
pub struct ClientState {
    shared: Arc<Shared>,
    /// The connection's number on its server (from 1; 0 when not numbered).
    connection: u64,
    phase: Phase,
    version: Option<ProtocolVersion>,
    state: SessionState,
    registered: Vec<EventType>,
    events: Option<broadcast::Receiver<Event>>,
    /// Records not yet appended to the server's log (see [`ClientState::flush_records`]).
    recorder: Recorder,
    /// The connection as `system_views.clients` lists it, when registered.
    client: Option<ClientHandle>,
}

/// Cassandra's name of a message type, as used in its error messages.
pub fn type_name(opcode: Opcode) -> &'static str {
    match opcode {
        Opcode::Error => "ERROR",
        Opcode::Startup => "STARTUP",
        Opcode::Ready => "READY",
        Opcode::Authenticate => "AUTHENTICATE",
        Opcode::Options => "OPTIONS",
        Opcode::Supported => "SUPPORTED",
        Opcode::Query => "QUERY",
        Opcode::Result => "RESULT",
        Opcode::Prepare => "PREPARE",
        Opcode::Execute => "EXECUTE",
        Opcode::Register => "REGISTER",
        Opcode::Event => "EVENT",
        Opcode::Batch => "BATCH",
        Opcode::AuthChallenge => "AUTH_CHALLENGE",
        Opcode::AuthResponse => "AUTH_RESPONSE",
        Opcode::AuthSuccess => "AUTH_SUCCESS",
        _ => "UNKNOWN",
    }
}

impl ClientState {
    /// A fresh connection's state.
    pub fn new(shared: Arc<Shared>) -> Self {
        Self::for_connection(shared, 0)
    }

    /// A fresh state for the server's connection number `connection` (as fault rules and
    /// records name it).
    pub fn for_connection(shared: Arc<Shared>, connection: u64) -> Self {
        Self {
            connection,
            phase: Phase::Initial,
            version: None,
            state: SessionState::default(),
            registered: Vec::new(),
            events: None,
            recorder: Recorder::new(&shared.log, shared.addr),
            client: None,
            shared,
        }
    }

    /// Lists the connection in the node's `system_views.clients` while the state lives.
    pub fn attach_client(&mut self, client: ClientHandle) {
        self.client = Some(client);
    }

    fn update_client(&self, f: impl FnOnce(&mut ConnectedClient)) {
        if let Some(c) = &self.client {
            c.update(f);
        }
    }

    /// The connection's number on its server.
    pub fn connection(&self) -> u64 {
        self.connection
    }

    /// The shared server state.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Appends the records of the requests served since the last call to the server's
    /// log (one lock per batch of frames rather than per request). The requests served
    /// between two calls are recorded as received at the time the first was.
    pub fn flush_records(&mut self) {
        self.recorder.flush(&self.shared.log);
    }

    /// Where the handshake is.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The connection's version, once STARTUP succeeded.
    pub fn version(&self) -> Option<ProtocolVersion> {
        self.version
    }

    /// The protocol versions the server accepts.
    pub fn accepted_versions(&self) -> &[ProtocolVersion] {
        &self.shared.versions
    }

    /// The keyspace set by `USE`.
    pub fn keyspace(&self) -> Option<&str> {
        self.state.keyspace.as_deref()
    }

    /// The event feed, once the client REGISTERed.
    pub fn events_mut(&mut self) -> Option<&mut broadcast::Receiver<Event>> {
        self.events.as_mut()
    }

    /// Whether the client registered for this event's type.
    pub fn wants(&self, event: &Event) -> bool {
        self.registered.contains(&event.event_type())
    }

    /// Answers one request frame as the server does: the first fault rule that applies
    /// acts (see [`crate::sim::faults`]), otherwise the request is answered; either way it
    /// is recorded (kept until [`flush_records`](Self::flush_records)). Frames that fail
    /// the handshake checks or do not decode are answered with their error, never faulted.
    pub fn serve(&mut self, frame: &Frame) -> Served {
        self.update_client(|c| c.request_count += 1);
        let recording = self.shared.log.is_enabled();
        let armed = !self.shared.faults.is_empty();
        if !recording && !armed {
            return Served::Send(self.handle(frame));
        }
        let origin = Origin {
            node: self.shared.addr,
            connection: self.connection,
        };
        let mut request = match self.check(frame) {
            Ok(request) => request,
            Err(e) => {
                let reply = self.error_reply(frame, &e);
                if recording {
                    let disposition = hooks::answered(&reply.frame.response);
                    let log = &self.shared.log;
                    let connection = self.connection;
                    (self.recorder).record(log, connection, frame, None, 0, disposition);
                }
                return Served::Send(reply);
            }
        };
        // Before answering: a USE answered now must not show up as its own keyspace.
        let keyspace = match recording && !hooks::names_keyspace(&request) {
            true => (self.recorder).keyspace(&self.shared.log, self.state.keyspace.as_deref()),
            false => 0,
        };
        let decision = match armed {
            false => None,
            true => hooks::decide(
                &self.shared.faults,
                &self.shared.node,
                origin,
                frame,
                &request,
            ),
        };
        let Some(decision) = decision else {
            let reply = self.answer(frame, &request);
            if recording {
                let disposition = hooks::answered(&reply.frame.response);
                self.record(frame, &mut request, keyspace, disposition);
            }
            return Served::Send(reply);
        };
        let disposition = Disposition::Fault {
            rule: decision.rule,
            effect: decision.action.effect(),
        };
        let served = self.apply(frame, &request, decision.action);
        if recording {
            self.record(frame, &mut request, keyspace, disposition);
        }
        served
    }

    fn record(
        &mut self,
        frame: &Frame,
        request: &mut RequestFrame<'static>,
        keyspace: u16,
        disposition: Disposition,
    ) {
        let (log, connection) = (&self.shared.log, self.connection);
        (self.recorder).record(log, connection, frame, Some(request), keyspace, disposition);
    }

    /// Does what a fault rule's `action` says with a request that passed the checks.
    fn apply(&mut self, frame: &Frame, request: &RequestFrame<'_>, action: Action) -> Served {
        match action {
            Action::Error(e) => {
                let version = self.version.unwrap_or(frame.header.version);
                let facts = hooks::facts(request, version, self.shared.addr);
                Served::Send(self.error_reply(frame, &e.to_error(&facts)))
            }
            Action::Delay(delay) => Served::Delay(self.answer(frame, request), delay),
            Action::NoAnswer => {
                self.answer(frame, request);
                Served::NoAnswer
            }
            Action::CloseBeforeExecuting => Served::Close,
            Action::CloseAfterExecuting => {
                self.answer(frame, request);
                Served::Close
            }
            Action::Corrupt(kind) => Served::Corrupt(self.answer(frame, request), kind),
            // Connection rules are not consulted for requests.
            Action::RefuseConnection => Served::Send(self.answer(frame, request)),
        }
    }

    /// Answers one request frame (without fault rules or records: see
    /// [`serve`](Self::serve)).
    pub fn handle(&mut self, frame: &Frame) -> Reply {
        match self.check(frame) {
            Ok(request) => self.answer(frame, &request),
            Err(e) => self.error_reply(frame, &e),
        }
    }

    /// The reply carrying `e` to `frame`.
    pub(crate) fn error_reply(&self, frame: &Frame, e: &CqlError) -> Reply {
        Reply {
            frame: ResponseFrame::new(frame.header.stream, Response::Error(e.to_response())),
            version: self.version.unwrap_or(frame.header.version),
            switch: None,
        }
    }

    /// Checks the frame's version against the connection's and its opcode against the
    /// handshake phase, then decodes it; the error to answer otherwise.
    pub(crate) fn check(&self, frame: &Frame) -> Result<RequestFrame<'static>, CqlError> {
        if let Some(v) = self.version {
            if v != frame.header.version {
                return Err(CqlError::protocol(format!(
                    "Invalid message version. Got {} but previous messages on this connection had version {}",
                    version_name(frame.header.version),
                    version_name(v)
                )));
            }
        }
        let opcode = frame.header.opcode;
        let expected = match (self.phase, opcode) {
            (Phase::Initial, Opcode::Startup | Opcode::Options)
            | (Phase::Authenticating, Opcode::AuthResponse) => Ok(()),
            (Phase::Initial, _) => Err(format!(
                "Unexpected message {}, expecting STARTUP or OPTIONS",
                type_name(opcode)
            )),
            (Phase::Authenticating, _) => Err(format!(
                "Unexpected message {}, expecting SASL_RESPONSE",
                type_name(opcode)
            )),
            (Phase::Ready, Opcode::Startup) => {
                Err("Unexpected message STARTUP, the connection is already initialized".into())
            }
            (Phase::Ready, _) => Ok(()),
        };
        if let Err(message) = expected {
            return Err(CqlError::protocol(message));
        }
        match super::lenient::decode(frame) {
            Ok(r) => Ok(r),
            Err(FrameError::WrongDirection) => Err(CqlError::protocol(
                "Wrong protocol direction (expected REQUEST, got RESPONSE)",
            )),
            Err(e) => Err(CqlError::protocol(format!(
                "Invalid {} message: {e}",
                type_name(opcode)
            ))),
        }
    }

    /// Answers a request that passed [`check`](Self::check).
    pub(crate) fn answer(&mut self, frame: &Frame, request: &RequestFrame<'_>) -> Reply {
        let version = self.version.unwrap_or(frame.header.version);
        let stream = frame.header.stream;
        let opcode = frame.header.opcode;
        let reply = |response| Reply {
            frame: ResponseFrame::new(stream, response),
            version,
            switch: None,
        };
        let error = |e: CqlError| reply(Response::Error(e.to_response()));
        let traced = request.tracing;
        let trace_query = match &request.request {
            _ if !traced => None,
            Request::Query(q) => Some(q.query.to_string()),
            Request::Prepare(p) => Some(p.query.to_string()),
            Request::Execute(e) => self
                .shared
                .node
                .prepared(&e.id)
                .ok()
                .map(|p| p.query.clone()),
            _ => None,
        };
        let started = (self.shared.node.config().clock)();
        let result = match &request.request {
            Request::Options => Ok(Response::Supported(self.supported())),
            Request::Startup(startup) => {
                return match self.startup(startup, frame.header.version) {
                    Ok((response, switch)) => Reply {
                        switch: Some(switch),
                        ..reply(response)
                    },
                    Err(e) => error(e),
                };
            }
            Request::AuthResponse(token) => self.authenticate(token),
            Request::Query(q) => self.query(q, &request.custom_payload),
            Request::Prepare(p) => self.prepare(p, version),
            Request::Execute(e) => self.execute(e, version),
            Request::Batch(b) => self.batch(b),
            Request::Register(r) => {
                for t in &r.events {
                    if !self.registered.contains(t) {
                        self.registered.push(*t);
                    }
                }
                if self.events.is_none() {
                    self.events = Some(self.shared.node.subscribe());
                }
                Ok(Response::Ready)
            }
            _ => Err(CqlError::protocol(format!(
                "Unexpected message {}",
                type_name(opcode)
            ))),
        };
        let warnings = core::mem::take(&mut self.state.warnings);
        match result {
            Ok(response) => {
                let mut r = reply(response);
                // Warnings exist from protocol v4 on.
                if version >= ProtocolVersion::V4 {
                    r.frame.warnings = warnings;
                }
                if traced
                    && matches!(
                        opcode,
                        Opcode::Query | Opcode::Prepare | Opcode::Execute | Opcode::Batch
                    )
                {
                    let id = Uuid::new_v4();
                    self.record_trace(id, opcode, trace_query.as_deref(), started);
                    r.frame.tracing_id = Some(id);
                }
                r
            }
            Err(e) => error(e),
        }
    }

    /// Writes a traced request's trace as Cassandra would, minimally: one
    /// `system_traces.sessions` row and two `system_traces.events` rows (the request
    /// received, then complete), so drivers can fetch it by its tracing id.
    fn record_trace(&self, id: Uuid, opcode: Opcode, query: Option<&str>, started: i64) {
        let node = &self.shared.node;
        let now = (node.config().clock)();
        let duration = i32::try_from(now.saturating_sub(started).max(1)).unwrap_or(i32::MAX);
        let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let request = match opcode {
            Opcode::Prepare => "Preparing CQL3 query",
            Opcode::Execute => "Execute CQL3 prepared query",
            Opcode::Batch => "Execute batch of CQL3 queries",
            _ => "Execute CQL3 query",
        };
        let address = node.info().address.to_string();
        let mut parameters = vec![format!("'consistency_level': 'ONE'")];
        if let Some(q) = query {
            parameters.push(format!("'query': {}", quote(q)));
        }
        let mut statements = vec![format!(
            "INSERT INTO system_traces.sessions (session_id, client, command, coordinator, \
             coordinator_port, duration, parameters, request, started_at) VALUES \
             ({id}, {addr}, 'QUERY', {addr}, {port}, {duration}, {{{params}}}, {req}, {ms})",
            addr = quote(&address),
            port = node.info().native_port,
            params = parameters.join(", "),
            req = quote(request),
            ms = started / 1000,
        )];
        let coordinator = format!("/{address}:{}", node.info().listen_port);
        let events = trace_events(
            request,
            duration,
            (&address, node.info().native_port, &coordinator),
            &self.replica_steps(),
        );
        for (i, event) in events.into_iter().enumerate() {
            let event_id =
                crate::sim::exec::functions::timeuuid_at(started + i64::try_from(i).unwrap_or(0));
            statements.push(format!(
                "INSERT INTO system_traces.events (session_id, event_id, activity, source, \
                 source_port, source_elapsed, thread) VALUES ({id}, {event_id}, {}, {}, {}, \
                 {}, {})",
                quote(&event.activity),
                quote(&event.source),
                event.port,
                event.elapsed,
                quote(event.thread),
            ));
        }
        let mut scratch = SessionState::default();
        for cql in statements {
            if let Err(e) = node.query(&cql, &Default::default(), &Default::default(), &mut scratch)
            {
                eprintln!("cql-sim: could not record trace {id}: {}", e.message);
            }
        }
    }

    /// For each partition the last request sent to other replicas: the replica's address
    /// and storage port, the table and whether it was a write.
    fn replica_steps(&self) -> Vec<ReplicaStep> {
        let node = &self.shared.node;
        let mut steps = Vec::new();
        for t in &self.state.touched {
            for (ip, port) in node.other_replicas(&t.keyspace, t.token) {
                steps.push(ReplicaStep {
                    address: ip.to_string(),
                    port,
                    table: t.table.clone(),
                    write: t.write,
                });
            }
        }
        steps
    }

    fn supported(&self) -> Supported {
        let versions = super::version::supported_names(&self.shared.versions).into_iter();
        Supported {
            options: vec![
                (
                    "CQL_VERSION".to_string(),
                    vec![self.shared.node.info().cql_version.clone()],
                ),
                (
                    "COMPRESSION".to_string(),
                    vec!["snappy".to_string(), "lz4".to_string()],
                ),
                ("PROTOCOL_VERSIONS".to_string(), versions.collect()),
            ],
        }
    }

    fn startup(
        &mut self,
        startup: &cql_core::message::Startup,
        version: ProtocolVersion,
    ) -> CqlResult<(Response, Switch)> {
        // Cassandra upper-cases the option names.
        let option = |name: &str| {
            startup
                .options
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let cql_version = option("CQL_VERSION")
            .ok_or_else(|| CqlError::protocol("Missing value CQL_VERSION in STARTUP message"))?;
        check_cql_version(cql_version)?;
        let compression = match option("COMPRESSION").map(str::to_ascii_lowercase) {
            None => Compression::None,
            Some(c) if c == "lz4" => Compression::Lz4,
            Some(c) if c == "snappy" => {
                if version >= ProtocolVersion::V5 {
                    return Err(CqlError::protocol(
                        "Snappy compression is not supported in protocol V5",
                    ));
                }
                Compression::Snappy
            }
            Some(c) => {
                return Err(CqlError::protocol(format!(
                    "Unknown compression algorithm: {c}"
                )));
            }
        };
        self.version = Some(version);
        let requires_auth = self.shared.node.requires_auth();
        self.update_client(|c| {
            c.protocol_version = Some(version.as_u8());
            c.options = Some(
                startup
                    .options
                    .iter()
                    .map(|(k, v)| (k.to_ascii_uppercase(), v.clone()))
                    .collect(),
            );
            c.stage = if requires_auth {
                "authenticating"
            } else {
                "ready"
            };
            if !requires_auth {
                c.username = Some("anonymous".to_string());
            }
        });
        let response = if requires_auth {
            self.phase = Phase::Authenticating;
            Response::Authenticate(Authenticate {
                authenticator: PASSWORD_AUTHENTICATOR.to_string(),
            })
        } else {
            self.phase = Phase::Ready;
            Response::Ready
        };
        let switch = if version.uses_segments() {
            Switch::Segments(compression)
        } else {
            Switch::BodyCompression(compression)
        };
        Ok((response, switch))
    }

    fn authenticate(&mut self, token: &AuthToken) -> CqlResult<Response> {
        let node = &self.shared.node;
        if !node.requires_auth() {
            self.phase = Phase::Ready;
            return Ok(Response::AuthSuccess(AuthToken::default()));
        }
        let bytes = token.token.as_deref().unwrap_or_default();
        let (user, password) = decode_plain(bytes)?;
        node.login(&user, &password)?;
        self.phase = Phase::Ready;
        self.update_client(|c| {
            c.stage = "ready";
            c.username = Some(user.clone());
        });
        self.state.user = Some(user);
        Ok(Response::AuthSuccess(AuthToken::default()))
    }

    fn query(&mut self, q: &Query, payload: &CustomPayload) -> CqlResult<Response> {
        let mode = if q.params.skip_metadata {
            MetadataMode::Skip
        } else {
            MetadataMode::Full
        };
        // A DSE node answers graph requests; Cassandra ignores the payload and parses
        // the script as CQL (a syntax error).
        if self.shared.node.is_dse() {
            if let Some(request) = graph::request::parse(payload) {
                let outcome = graph::request::serve(
                    &self.shared.node,
                    self.shared.primes.graph(),
                    &request?,
                    &q.query,
                    &exec_params(&q.params),
                )?;
                return Ok(Response::Result(result_message(&outcome, mode)?));
            }
        }
        if let Some(prime) = self.shared.primes.get(&q.query) {
            return Ok(Response::Result(result_message(&prime.outcome, mode)?));
        }
        let outcome = self.shared.node.query(
            &q.query,
            &bound_values(&q.params.values),
            &exec_params(&q.params),
            &mut self.state,
        )?;
        Ok(Response::Result(result_message(&outcome, mode)?))
    }

    fn prepare(&mut self, p: &Prepare, version: ProtocolVersion) -> CqlResult<Response> {
        if let Some(prime) = self.shared.primes.get(&p.query) {
            let keyspace = p.keyspace.as_deref().or(self.state.keyspace.as_deref());
            let id = statement_id(keyspace, &p.query);
            self.shared.prepared_primes.insert(&id, prime.clone());
            let result = result_metadata(prime.result_columns());
            let bind = PreparedMetadata {
                pk_indexes: prime.pk_indexes.clone(),
                global_table_spec: result_metadata(&prime.bind).global_table_spec,
                columns: prime.bind.clone(),
            };
            let rm_id = result_metadata_id(prime.result_columns());
            return Ok(Response::Result(prepared_message(
                &id, &rm_id, bind, result, version,
            )));
        }
        let prepared = self
            .shared
            .node
            .prepare(&p.query, p.keyspace.as_deref(), &self.state)?;
        Ok(Response::Result(prepared_message(
            &prepared.id,
            &prepared.result_metadata_id,
            prepared.bind_metadata(),
            prepared.result_metadata(),
            version,
        )))
    }

    fn execute(&mut self, e: &Execute, version: ProtocolVersion) -> CqlResult<Response> {
        let skip = e.params.skip_metadata;
        let client_id = e.result_metadata_id.as_deref();
        let primed = |prime: &Prime| -> CqlResult<Response> {
            let prepared_id = result_metadata_id(prime.result_columns());
            let mode = execute_metadata_mode(
                version,
                prime.result_columns(),
                client_id,
                Some(&prepared_id),
                skip,
            );
            Ok(Response::Result(result_message(&prime.outcome, mode)?))
        };
        if let Some(prime) = self.shared.prepared_primes.get(&e.id) {
            return primed(&prime);
        }
        let prepared = self.shared.node.prepared(&e.id)?;
        if let Some(prime) = self.shared.primes.get(&prepared.query) {
            return primed(prime);
        }
        let outcome = self.shared.node.execute(
            &e.id,
            &bound_values(&e.params.values),
            &exec_params(&e.params),
            &mut self.state,
        )?;
        let mode = match &outcome {
            Outcome::Rows(rows) => execute_metadata_mode(
                version,
                &rows.columns,
                client_id,
                Some(&prepared.result_metadata_id),
                skip,
            ),
            _ => MetadataMode::Full,
        };
        Ok(Response::Result(result_message(&outcome, mode)?))
    }

    fn batch(&mut self, b: &Batch) -> CqlResult<Response> {
        let values: Vec<_> = b.entries.iter().map(|e| bound_values(&e.values)).collect();
        let outcome = self
            .shared
            .node
            .batch(b, &values, &batch_params(b), &mut self.state)?;
        Ok(Response::Result(result_message(
            &outcome,
            MetadataMode::Full,
        )?))
    }
}

/// Checks a STARTUP CQL_VERSION as Cassandra does: a version `major.minor[.patch...]` of
/// at least 3.0.0.
fn check_cql_version(v: &str) -> CqlResult<()> {
    let mut parts = v.split(['.', '-', '+']);
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
    match (major, minor) {
        (Some(major), Some(_)) if major >= 3 => Ok(()),
        (Some(_), Some(_)) => Err(CqlError::protocol(format!(
            "CQL version {v} is not supported by the binary protocol (supported version are >= 3.0.0)"
        ))),
        _ => Err(CqlError::protocol(format!("Invalid version value: {v}"))),
    }
}

/// Splits a SASL PLAIN token `[authzid] NUL authcid NUL password` as Cassandra's
/// PlainTextSaslAuthenticator does (scanning from the end).
fn decode_plain(bytes: &[u8]) -> CqlResult<(String, String)> {
    let mut fields = bytes.rsplitn(3, |b| *b == 0);
    let password = fields.next().unwrap_or_default();
    let user = fields.next();
    if fields.next().is_some_and(|authz| authz.contains(&0)) {
        return Err(CqlError::bad_credentials(
            "Credential format error: username or password is empty or contains NUL(\\0) character",
        ));
    }
    let Some(user) = user else {
        return Err(CqlError::bad_credentials("Password must not be null"));
    };
    if password.is_empty() {
        return Err(CqlError::bad_credentials("Password must not be null"));
    }
    if user.is_empty() {
        return Err(CqlError::bad_credentials(
            "Authentication ID must not be null",
        ));
    }
    Ok((
        String::from_utf8_lossy(user).into_owned(),
        String::from_utf8_lossy(password).into_owned(),
    ))
}

#[cfg(test)]
#[path = "client_state_tests.rs"]
mod tests;

/// A replica a traced request was sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaStep {
    /// The replica's address.
    pub address: String,
    /// Its storage port (the one trace messages name).
    pub port: u16,
    /// The table read or written.
    pub table: String,
    /// A mutation rather than a read.
    pub write: bool,
}

/// One row of `system_traces.events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEvent {
    /// What happened, as Cassandra words it.
    pub activity: String,
    /// The node where it happened.
    pub source: String,
    /// That node's port.
    pub port: u16,
    /// Microseconds since the request reached that node.
    pub elapsed: i32,
    /// The thread, as Cassandra names its stages.
    pub thread: &'static str,
}

/// The events of a traced request: the coordinator's (`coordinator` = its address, native
/// port and `/ip:storage_port` name) and, for every replica step, the messages Cassandra
/// 4.1 traces on both sides (request sent, received, executed, response sent and
/// received), each with the replica as its source.
pub fn trace_events(
    request: &str,
    duration: i32,
    coordinator: (&str, u16, &str),
    replicas: &[ReplicaStep],
) -> Vec<TraceEvent> {
    let (address, port, name) = coordinator;
    let at = |activity: String, elapsed: i32, thread| TraceEvent {
        activity,
        source: address.to_string(),
        port,
        elapsed,
        thread,
    };
    let mut out = vec![at(request.to_string(), 0, "Native-Transport-Requests-1")];
    for (i, r) in replicas.iter().enumerate() {
        let step = i32::try_from(i).unwrap_or(0).saturating_mul(10);
        let (verb, stage, work) = if r.write {
            (
                "MUTATION",
                "MutationStage-1",
                format!("Appending to commitlog; adding to {} memtable", r.table),
            )
        } else {
            (
                "READ",
                "ReadStage-1",
                format!("Executing single-partition query on {}", r.table),
            )
        };
        let peer = format!("/{}:{}", r.address, r.port);
        let remote = |activity: String, elapsed: i32, thread| TraceEvent {
            activity,
            source: r.address.clone(),
            port: r.port,
            elapsed,
            thread,
        };
        out.push(at(
            format!("Sending {verb}_REQ message to {peer}"),
            step + 1,
            "Messaging-EventLoop-3-1",
        ));
        out.push(remote(
            format!("{verb}_REQ message received from {name}"),
            1,
            "Messaging-EventLoop-3-1",
        ));
        out.push(remote(work, 2, stage));
        out.push(remote(format!("Enqueuing response to {name}"), 3, stage));
        out.push(remote(
            format!("Sending {verb}_RSP message to {name}"),
            4,
            "Messaging-EventLoop-3-1",
        ));
        out.push(at(
            format!("{verb}_RSP message received from {peer}"),
            step + 5,
            "Messaging-EventLoop-3-1",
        ));
    }
    out.push(at(
        "Request complete".to_string(),
        duration.max(1),
        "Native-Transport-Requests-1",
    ));
    out
}
