//! The sans-IO connection state machine: handshake, version negotiation, authentication,
//! stream ids, in-flight requests, heartbeats and events.
//!
//! Nothing here reads a socket or a clock. Inputs: received bytes
//! ([`handle_input`](ConnectionState::handle_input)), the time
//! ([`handle_timeout`](ConnectionState::handle_timeout)), requests
//! ([`submit`](ConnectionState::submit)), abandoned requests
//! ([`abandon`](ConnectionState::abandon)) and failures ([`fail`](ConnectionState::fail)).
//! Outputs: bytes to write ([`take_output`](ConnectionState::take_output)), [`Output`]s
//! ([`poll_output`](ConnectionState::poll_output)) and the next deadline
//! ([`next_deadline`](ConnectionState::next_deadline)).
//!
//! The handshake is `OPTIONS → SUPPORTED → STARTUP → READY`, or `→ AUTHENTICATE →` a SASL
//! exchange `→ AUTH_SUCCESS`, then `USE keyspace` and `REGISTER` when configured. Framing
//! ([`Framer`]) changes where Cassandra changes it, after the answer to STARTUP (READY or
//! AUTHENTICATE): v5 frames travel inside segments (LZ4-compressed when LZ4 was agreed)
//! once that answer is read; v3/v4 bodies are compressed with the agreed algorithm from
//! that answer on, which may itself be compressed, so that switch happens when STARTUP is
//! sent (nothing else is sent before its answer).

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use bytes::Bytes;

use super::auth::{AuthSession, Authenticator};
use super::config::ConnectionConfig;
use super::error::ConnectionError;
use super::streams::{MAX_STREAMS, StreamIds};
use super::version::{fallback_version, is_version_refusal};
use crate::frame::{Compression, Frame, FrameError, Framer, ProtocolVersion, ReadError};
use crate::message::{
    AuthToken, DbError, Event, EventType, KnownColumns, Query, QueryParameters, Register, Request,
    RequestFrame, Response, ResponseFrame, Startup, startup, supported,
};
use crate::runtime::Instant;

/// Where the connection is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// OPTIONS, STARTUP, authentication, USE, REGISTER.
    Handshaking,
    /// Requests can be submitted.
    Ready,
    /// Failed or closed; nothing more happens.
    Closed,
}

/// Something the machine tells its driver.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Output {
    /// The handshake completed in `version`.
    HandshakeDone {
        /// The protocol version in use.
        version: ProtocolVersion,
    },
    /// The answer to a submitted request (a server ERROR is an `Ok` response), or why it
    /// will never come.
    Response {
        /// The request's stream id.
        stream: i16,
        /// The response, or the connection failure that ended the request.
        result: Result<ResponseFrame, ConnectionError>,
    },
    /// The answer to a submitted request, not decoded yet (only after
    /// [`set_raw_responses`](ConnectionState::set_raw_responses)): the driver decodes it
    /// with [`ResponseFrame::decode`] wherever suits it (outside its locks, in the task
    /// that waits for it).
    RawResponse {
        /// The request's stream id.
        stream: i16,
        /// The whole response frame (decompressed).
        frame: Frame,
    },
    /// An event pushed by the node (stream -1).
    Event(Event),
    /// The node refused the protocol version; open a new stream and start again with
    /// this version (the node closes the refused one). A [`Output::Closed`] follows.
    RetryWithVersion(ProtocolVersion),
    /// The connection is over (handshake failure, dead connection, close); every
    /// in-flight request was answered with an `Err` [`Output::Response`] first.
    Closed(ConnectionError),
}

/// Why [`ConnectionState::submit`] refused a request.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitError {
    /// Every stream id is in use: wait for one to be freed (or use another connection).
    Busy,
    /// The handshake is not over.
    NotReady,
    /// The connection is closed, for this reason.
    Closed(ConnectionError),
    /// The request cannot be encoded ([`ConnectionError::InvalidRequest`]).
    Invalid(ConnectionError),
}

/// What the handshake waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Supported,
    StartupAnswer,
    Auth,
    UseKeyspace,
    Register,
}

impl Step {
    fn describe(self) -> &'static str {
        match self {
            Self::Supported => "SUPPORTED (the answer to OPTIONS)",
            Self::StartupAnswer => "READY or AUTHENTICATE (the answer to STARTUP)",
            Self::Auth => "AUTH_CHALLENGE or AUTH_SUCCESS",
            Self::UseKeyspace => "the RESULT of USE",
            Self::Register => "READY (the answer to REGISTER)",
        }
    }
}

/// What a stream id is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Free,
    /// A request whose answer is awaited.
    User,
    /// A request given up on by the client: the id stays reserved until the answer comes.
    Abandoned,
    /// A heartbeat OPTIONS.
    Heartbeat,
}

/// The stream id every handshake request uses (they are sent one at a time).
const HANDSHAKE_STREAM: i16 = 0;

/// One connection's protocol state (see the [module docs](self)).
pub struct ConnectionState {
    version: ProtocolVersion,
    auto_version: bool,
    asked_compression: Compression,
    /// The compression agreed in STARTUP.
    compression: Compression,
    startup_options: Vec<(String, String)>,
    keyspace: Option<String>,
    events: Vec<EventType>,
    authenticator: Option<Arc<dyn Authenticator>>,
    auth: Option<Box<dyn AuthSession>>,
    connect_timeout: Duration,
    heartbeat_interval: Option<Duration>,
    max_frame_len: usize,
    /// Hand user responses over undecoded ([`Output::RawResponse`]).
    raw_responses: bool,

    phase: Phase,
    step: Step,
    closed_error: Option<ConnectionError>,

    ids: StreamIds,
    slots: Vec<Slot>,
    /// User and abandoned requests.
    in_flight: usize,

    out: Vec<u8>,
    framer: Framer,
    outputs: VecDeque<Output>,

    started: Instant,
    last_activity: Instant,
    heartbeat: Option<(i16, Instant)>,
}

impl fmt::Debug for ConnectionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionState")
            .field("version", &self.version)
            .field("phase", &self.phase)
            .field("compression", &self.compression)
            .field("in_flight", &self.in_flight)
            .finish_non_exhaustive()
    }
}

impl ConnectionState {
    /// A machine opening a connection in `version` (see
    /// [`initial_version`](super::version::initial_version)) at `now`: OPTIONS is ready to
    /// be written. When `config.protocol_version` is `None`, a refusal of `version` yields
    /// [`Output::RetryWithVersion`].
    pub fn new(config: &ConnectionConfig, version: ProtocolVersion, now: Instant) -> Self {
        let mut state = Self {
            version,
            auto_version: config.protocol_version.is_none(),
            asked_compression: config.compression,
            compression: Compression::None,
            startup_options: config.startup_options.clone(),
            keyspace: config.keyspace.clone(),
            events: config.events.clone(),
            authenticator: config.authenticator.clone(),
            auth: None,
            connect_timeout: config.connect_timeout,
            heartbeat_interval: config.heartbeat_interval.filter(|d| !d.is_zero()),
            max_frame_len: config.max_frame_len,
            raw_responses: false,
            phase: Phase::Handshaking,
            step: Step::Supported,
            closed_error: None,
            ids: StreamIds::new(MAX_STREAMS),
            slots: Vec::new(),
            in_flight: 0,
            out: Vec::new(),
            framer: Framer::new(config.max_frame_len),
            outputs: VecDeque::new(),
            started: now,
            last_activity: now,
            heartbeat: None,
        };
        if let Err(e) = state.check_compression() {
            state.fail(e);
        } else {
            state.send_handshake(Request::Options);
        }
        state
    }

    /// Limits the stream ids to `0..max` (`1..=32768`; for tests and for nodes that
    /// should see fewer concurrent requests). Takes effect only before the handshake
    /// completes.
    pub fn set_max_streams(&mut self, max: usize) {
        if self.phase == Phase::Handshaking {
            self.ids = StreamIds::new(max);
        }
    }

    /// Answers to submitted requests come out as [`Output::RawResponse`] (undecoded)
    /// instead of [`Output::Response`] when `on`, so the driver can decode them outside
    /// the lock it keeps the machine under. Failures are still `Output::Response` errors.
    pub fn set_raw_responses(&mut self, on: bool) {
        self.raw_responses = on;
    }

    /// The protocol version of this connection.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// The compression agreed with the node.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// Where the connection is in its life.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Why the connection closed, once it has.
    pub fn closed_error(&self) -> Option<&ConnectionError> {
        self.closed_error.as_ref()
    }

    /// Requests awaiting an answer, including abandoned ones whose late answer has not
    /// arrived.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Stream ids free for new requests.
    pub fn free_streams(&self) -> usize {
        if self.phase == Phase::Ready {
            self.ids.free()
        } else {
            0
        }
    }

    /// Whether bytes are waiting to be written.
    pub fn has_output(&self) -> bool {
        !self.out.is_empty() || self.framer.has_pending_output()
    }

    /// Moves the bytes to write into `buf` (cleared first), coalescing pending v5 frames
    /// into segments.
    pub fn take_output(&mut self, buf: &mut Vec<u8>) {
        buf.clear();
        if let Err(e) = self.framer.flush(&mut self.out) {
            let error = ConnectionError::Protocol(format!("cannot write a segment: {e}"));
            self.out.clear();
            self.fail(error);
        }
        core::mem::swap(&mut self.out, buf);
    }

    /// The next thing to report, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) should be called next: the handshake
    /// deadline, the heartbeat's answer deadline, or when the next heartbeat is due.
    pub fn next_deadline(&self) -> Option<Instant> {
        match self.phase {
            Phase::Closed => None,
            Phase::Handshaking => Some(self.started + self.connect_timeout),
            Phase::Ready => match self.heartbeat {
                Some((_, sent)) => Some(sent + self.connect_timeout),
                None => self.heartbeat_interval.map(|i| self.last_activity + i),
            },
        }
    }

    /// Tells the machine the time is `now`: fails a handshake past `connect_timeout`,
    /// sends a heartbeat after `heartbeat_interval` without traffic, and declares the
    /// connection dead when a heartbeat is not answered within `connect_timeout`.
    pub fn handle_timeout(&mut self, now: Instant) {
        match self.phase {
            Phase::Closed => {}
            Phase::Handshaking => {
                if now >= self.started + self.connect_timeout {
                    let step = self.step.describe();
                    self.fail(ConnectionError::Closed(format!(
                        "handshake not completed within {:?} (waiting for {step})",
                        self.connect_timeout
                    )));
                }
            }
            Phase::Ready => {
                if let Some((_, sent)) = self.heartbeat {
                    if now >= sent + self.connect_timeout {
                        self.fail(ConnectionError::Closed(format!(
                            "heartbeat not answered within {:?}: the connection is dead",
                            self.connect_timeout
                        )));
                    }
                } else if let Some(interval) = self.heartbeat_interval {
                    if now >= self.last_activity + interval {
                        self.send_heartbeat(now);
                    }
                }
            }
        }
    }

    /// Sends `frame` (its stream id is set here) and returns the stream id its answer
    /// will come back on as an [`Output::Response`].
    ///
    /// # Errors
    /// [`SubmitError::Busy`] when every stream id is in use, [`SubmitError::NotReady`]
    /// during the handshake, [`SubmitError::Closed`], and [`SubmitError::Invalid`] when the
    /// request cannot be encoded for this protocol version.
    pub fn submit(
        &mut self,
        frame: &mut RequestFrame<'_>,
        now: Instant,
    ) -> Result<i16, SubmitError> {
        match self.phase {
            Phase::Handshaking => return Err(SubmitError::NotReady),
            Phase::Closed => return Err(SubmitError::Closed(self.closed_reason())),
            Phase::Ready => {}
        }
        let stream = self.ids.allocate().ok_or(SubmitError::Busy)?;
        frame.stream = stream;
        if let Err(e) = self.write_frame(frame) {
            self.ids.release(stream);
            return Err(SubmitError::Invalid(ConnectionError::InvalidRequest(
                format!("{e} (protocol {})", self.version),
            )));
        }
        self.set_slot(stream, Slot::User);
        self.in_flight += 1;
        self.last_activity = now;
        Ok(stream)
    }

    /// The client gave up on the request on `stream` (timeout, cancellation): its stream
    /// id stays reserved until the late answer arrives, which is then dropped. Returns
    /// whether the request was in flight.
    pub fn abandon(&mut self, stream: i16) -> bool {
        if self.slot(stream) == Slot::User {
            self.set_slot(stream, Slot::Abandoned);
            true
        } else {
            false
        }
    }

    /// Ends the connection with `error`: every in-flight request is answered with it,
    /// then [`Output::Closed`]. Does nothing once closed.
    pub fn fail(&mut self, error: ConnectionError) {
        if self.phase == Phase::Closed {
            return;
        }
        self.phase = Phase::Closed;
        for (i, slot) in self.slots.iter().enumerate() {
            if *slot == Slot::User {
                if let Ok(stream) = i16::try_from(i) {
                    self.outputs.push_back(Output::Response {
                        stream,
                        result: Err(error.clone()),
                    });
                }
            }
        }
        self.slots = Vec::new();
        self.ids = StreamIds::new(self.ids.capacity());
        self.in_flight = 0;
        self.heartbeat = None;
        self.auth = None;
        // Nothing received is read any more: drop it (frames still to send go to `out`).
        let _ = self.framer.flush(&mut self.out);
        self.framer = Framer::new(self.max_frame_len);
        self.closed_error = Some(error.clone());
        self.outputs.push_back(Output::Closed(error));
    }

    /// Closes the connection on the client's request: in-flight requests fail with
    /// [`ConnectionError::Closed`].
    pub fn close(&mut self) {
        self.fail(ConnectionError::Closed(String::from(
            "the connection was closed by the client",
        )));
    }

    /// Feeds bytes received from the node at `now`.
    pub fn handle_input(&mut self, data: &[u8], now: Instant) {
        if self.phase == Phase::Closed || data.is_empty() {
            return;
        }
        self.last_activity = now;
        self.framer.feed(data);
        while self.phase != Phase::Closed {
            match self.framer.next_frame() {
                Ok(Some(frame)) => self.on_frame(frame, now),
                Ok(None) => break,
                Err(e) => {
                    let error = self.frame_error(&e);
                    self.fail(error);
                }
            }
        }
    }

    fn closed_reason(&self) -> ConnectionError {
        self.closed_error
            .clone()
            .unwrap_or_else(|| ConnectionError::Closed(String::from("the connection is closed")))
    }

    fn frame_error(&self, e: &ReadError) -> ConnectionError {
        match e.error() {
            FrameError::UnsupportedVersion { version, .. } if self.step == Step::Supported => {
                ConnectionError::UnsupportedVersion(format!(
                    "the node answered in protocol v{version}; this driver speaks v3, v4 and v5"
                ))
            }
            _ => ConnectionError::Protocol(format!("undecodable data from the node: {e}")),
        }
    }

    fn check_compression(&self) -> Result<(), ConnectionError> {
        let c = self.asked_compression;
        let Some(name) = c.name() else {
            return Ok(());
        };
        if !c.is_available() {
            return Err(ConnectionError::Compression(format!(
                "{name} support is not compiled into this build of the driver"
            )));
        }
        if self.version.uses_segments() && c == Compression::Snappy {
            return Err(ConnectionError::Compression(format!(
                "protocol {} compresses with lz4 only, not snappy; ask for lz4, no compression, or protocol v4",
                self.version
            )));
        }
        Ok(())
    }

    fn slot(&self, stream: i16) -> Slot {
        usize::try_from(stream)
            .ok()
            .and_then(|i| self.slots.get(i).copied())
            .unwrap_or(Slot::Free)
    }

    fn set_slot(&mut self, stream: i16, slot: Slot) {
        let Ok(i) = usize::try_from(stream) else {
            return;
        };
        if i >= self.slots.len() {
            self.slots.resize(i + 1, Slot::Free);
        }
        if let Some(s) = self.slots.get_mut(i) {
            *s = slot;
        }
    }

    /// Encodes `frame` into the output in the current framing.
    // Inlined into `submit`, the per-request path, which it would otherwise call.
    #[inline(always)]
    fn write_frame(&mut self, frame: &RequestFrame<'_>) -> Result<(), FrameError> {
        let version = self.version;
        self.framer.write_frame(&mut self.out, |buf| {
            frame.encode(version, Compression::None, buf)
        })
    }

    fn send_handshake(&mut self, request: Request<'_>) {
        let frame = RequestFrame::new(HANDSHAKE_STREAM, request);
        if let Err(e) = self.write_frame(&frame) {
            self.fail(ConnectionError::InvalidRequest(format!(
                "cannot encode a handshake request: {e}"
            )));
        }
    }

    fn send_heartbeat(&mut self, now: Instant) {
        let Some(stream) = self.ids.allocate() else {
            // Every id is taken: the connection is anything but idle.
            self.last_activity = now;
            return;
        };
        let frame = RequestFrame::new(stream, Request::Options);
        if self.write_frame(&frame).is_err() {
            self.ids.release(stream);
            return;
        }
        self.set_slot(stream, Slot::Heartbeat);
        self.heartbeat = Some((stream, now));
        self.last_activity = now;
    }

    fn on_frame(&mut self, frame: Frame, now: Instant) {
        let stream = frame.header.stream;
        if stream < 0 {
            // Events; a malformed one is dropped rather than killing the connection.
            if let Ok(ResponseFrame {
                response: Response::Event(event),
                ..
            }) = ResponseFrame::decode(&frame)
            {
                self.outputs.push_back(Output::Event(event));
            }
            return;
        }
        match self.phase {
            Phase::Closed => {}
            Phase::Handshaking => {
                if stream != HANDSHAKE_STREAM {
                    return;
                }
                match ResponseFrame::decode(&frame) {
                    Ok(f) => self.on_handshake(f.response, now),
                    Err(e) => self.fail(ConnectionError::Protocol(format!(
                        "undecodable {:?} while waiting for {}: {e}",
                        frame.header.opcode,
                        self.step.describe()
                    ))),
                }
            }
            Phase::Ready => self.on_response(stream, frame),
        }
    }

    fn on_response(&mut self, stream: i16, frame: Frame) {
        match self.slot(stream) {
            Slot::Free => {} // Not ours (already failed or never sent): dropped.
            Slot::User => {
                self.release(stream);
                if self.raw_responses {
                    self.outputs
                        .push_back(Output::RawResponse { stream, frame });
                    return;
                }
                let result = decode_response(&frame);
                self.outputs.push_back(Output::Response { stream, result });
            }
            Slot::Abandoned => self.release(stream),
            Slot::Heartbeat => {
                self.release(stream);
                self.heartbeat = None;
            }
        }
    }

    fn release(&mut self, stream: i16) {
        let was = self.slot(stream);
        if matches!(was, Slot::User | Slot::Abandoned) {
            self.in_flight = self.in_flight.saturating_sub(1);
        }
        self.set_slot(stream, Slot::Free);
        self.ids.release(stream);
    }

    fn on_handshake(&mut self, response: Response, now: Instant) {
        match (self.step, response) {
            (Step::Supported, Response::Supported(s)) => self.send_startup(&s),
            (Step::Supported, Response::Error(e)) if is_version_refusal(&e) => {
                self.on_version_refused(&e.message);
            }
            (Step::StartupAnswer, Response::Ready) => {
                if self.start_segments() {
                    self.after_auth(now);
                }
            }
            (Step::StartupAnswer, Response::Authenticate(a)) => {
                if self.start_segments() {
                    self.start_auth(&a.authenticator);
                }
            }
            (Step::Auth, Response::AuthChallenge(challenge)) => self.answer_challenge(&challenge),
            (Step::Auth, Response::AuthSuccess(success)) => {
                if let Some(session) = &mut self.auth {
                    session.on_success(success.token.as_deref());
                }
                self.auth = None;
                self.after_auth(now);
            }
            (Step::Auth, Response::Error(e)) if e.error == DbError::BadCredentials => {
                self.fail(ConnectionError::Authentication(e.message));
            }
            (Step::UseKeyspace, Response::Result(_)) => self.after_use(now),
            (Step::Register, Response::Ready) => self.finish_handshake(now),
            (_, Response::Error(e)) => self.fail(ConnectionError::Handshake(e)),
            (step, other) => self.fail(ConnectionError::Protocol(format!(
                "unexpected {:?} while waiting for {}",
                other.opcode(),
                step.describe()
            ))),
        }
    }

    fn on_version_refused(&mut self, message: &str) {
        let refused = self.version;
        if !self.auto_version {
            self.fail(ConnectionError::UnsupportedVersion(format!(
                "the node refused protocol {refused}, which the configuration fixes: {message}"
            )));
            return;
        }
        match fallback_version(refused, message) {
            Ok(next) => {
                self.outputs.push_back(Output::RetryWithVersion(next));
                self.fail(ConnectionError::UnsupportedVersion(format!(
                    "the node refused protocol {refused} ({message}); retry with {next}"
                )));
            }
            Err(why) => self.fail(ConnectionError::UnsupportedVersion(why)),
        }
    }

    fn send_startup(&mut self, supported: &crate::message::Supported) {
        let cql_version = supported
            .get(supported::CQL_VERSION)
            .first()
            .cloned()
            .unwrap_or_else(|| String::from("3.0.0"));
        let mut options = alloc::vec![(startup::CQL_VERSION.to_owned(), cql_version)];
        if let Some(name) = self.asked_compression.name() {
            let offered = supported.get(supported::COMPRESSION);
            if !offered.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                let list = if offered.is_empty() {
                    String::from("none")
                } else {
                    offered.join(", ")
                };
                self.fail(ConnectionError::Compression(format!(
                    "the node does not offer {name} compression (it offers: {list})"
                )));
                return;
            }
            options.push((startup::COMPRESSION.to_owned(), name.to_owned()));
            self.compression = self.asked_compression;
        }
        for (key, value) in &self.startup_options {
            if key != startup::CQL_VERSION && key != startup::COMPRESSION {
                options.push((key.clone(), value.clone()));
            }
        }
        self.step = Step::StartupAnswer;
        self.send_handshake(Request::Startup(Startup { options }));
        // v3/v4: the answer itself may come compressed (see the module docs).
        if !self.version.uses_segments() {
            self.start_framing();
        }
    }

    /// Once the STARTUP answer is read, v5 frames travel in segments; false when that
    /// failed (the connection is then closed). v3/v4 switched when STARTUP was sent.
    fn start_segments(&mut self) -> bool {
        !self.version.uses_segments() || self.start_framing()
    }

    /// Switches to the framing agreed in STARTUP; false when that failed (the connection
    /// is then closed).
    fn start_framing(&mut self) -> bool {
        match self.framer.start_framing(self.version, self.compression) {
            Ok(()) => true,
            Err(e) => {
                self.fail(ConnectionError::Compression(format!(
                    "cannot frame protocol {} with {} compression: {e}",
                    self.version,
                    self.compression.name().unwrap_or("no")
                )));
                false
            }
        }
    }

    fn start_auth(&mut self, class: &str) {
        let Some(authenticator) = self.authenticator.clone() else {
            self.fail(ConnectionError::Authentication(format!(
                "the node requires authentication ({class}) but no credentials were configured"
            )));
            return;
        };
        let mut session = authenticator.new_session(class);
        let token = session.initial_response();
        self.auth = Some(session);
        self.step = Step::Auth;
        self.send_handshake(Request::AuthResponse(AuthToken {
            token: token.map(Bytes::from),
        }));
    }

    fn answer_challenge(&mut self, challenge: &AuthToken) {
        let Some(session) = &mut self.auth else {
            self.fail(ConnectionError::Protocol(String::from(
                "AUTH_CHALLENGE without an authentication in progress",
            )));
            return;
        };
        match session.evaluate_challenge(challenge.token.as_deref()) {
            Ok(token) => self.send_handshake(Request::AuthResponse(AuthToken {
                token: token.map(Bytes::from),
            })),
            Err(why) => self.fail(ConnectionError::Authentication(why)),
        }
    }

    fn after_auth(&mut self, now: Instant) {
        match &self.keyspace {
            Some(keyspace) => {
                let query = format!(
                    "USE {}",
                    crate::types::cql_syntax::quote_identifier(keyspace)
                );
                self.step = Step::UseKeyspace;
                self.send_handshake(Request::Query(Query {
                    query: query.into(),
                    params: QueryParameters::default(),
                }));
            }
            None => self.after_use(now),
        }
    }

    fn after_use(&mut self, now: Instant) {
        if self.events.is_empty() {
            self.finish_handshake(now);
        } else {
            self.step = Step::Register;
            let events = self.events.clone();
            self.send_handshake(Request::Register(Register { events }));
        }
    }

    fn finish_handshake(&mut self, now: Instant) {
        self.phase = Phase::Ready;
        self.last_activity = now;
        self.outputs.push_back(Output::HandshakeDone {
            version: self.version,
        });
    }
}

/// Decodes the answer to a user request; a malformed one is a protocol error naming its
/// opcode and stream.
pub fn decode_response(frame: &Frame) -> Result<ResponseFrame, ConnectionError> {
    decode_response_with(frame, None)
}

/// [`decode_response`], not decoding Rows column specs byte-equal to `known` (see
/// [`ResultMetadata::decode_with`](crate::message::ResultMetadata::decode_with)).
pub fn decode_response_with(
    frame: &Frame,
    known: Option<&KnownColumns>,
) -> Result<ResponseFrame, ConnectionError> {
    ResponseFrame::decode_with(frame, known).map_err(|e| {
        ConnectionError::Protocol(format!(
            "undecodable {:?} response on stream {}: {e}",
            frame.header.opcode, frame.header.stream
        ))
    })
}

#[cfg(test)]
mod tests;
