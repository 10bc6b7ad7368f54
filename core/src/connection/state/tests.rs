//! Unit tests of the connection state machine against a scripted node.

use alloc::string::ToString;
use alloc::vec;
use core::net::SocketAddr;

use super::*;
use crate::connection::PlainTextAuthenticator;
use crate::message::{Authenticate, ErrorResponse, ResultMessage, StatusChangeType, Supported};

fn t(ms: u64) -> Instant {
    Instant::from_nanos(ms * 1_000_000)
}

/// The node's side: reads the client's frames and writes answers, switching framing the
/// way Cassandra does (after sending the STARTUP answer).
struct Node {
    version: ProtocolVersion,
    /// The compression the client asked for in STARTUP.
    compression: Compression,
    framer: Framer,
}

impl Node {
    fn new(version: ProtocolVersion) -> Self {
        Self {
            version,
            compression: Compression::None,
            framer: Framer::new(1 << 20),
        }
    }

    /// Every request frame the client wrote since the last call, with whether its body
    /// was compressed.
    fn requests(&mut self, state: &mut ConnectionState) -> Vec<(RequestFrame<'static>, bool)> {
        let mut bytes = Vec::new();
        state.take_output(&mut bytes);
        self.framer.feed(&bytes);
        let mut out = Vec::new();
        while let Some(frame) = self.framer.next_frame().unwrap() {
            let compressed = frame
                .header
                .flags
                .contains(crate::frame::FrameFlags::COMPRESSION);
            out.push((RequestFrame::decode(&frame).unwrap(), compressed));
        }
        out
    }

    fn one_request(&mut self, state: &mut ConnectionState) -> RequestFrame<'static> {
        let mut all = self.requests(state);
        assert_eq!(all.len(), 1, "expected exactly one request: {all:?}");
        all.remove(0).0
    }

    fn answer(
        &mut self,
        state: &mut ConnectionState,
        stream: i16,
        response: Response,
        now: Instant,
    ) {
        let bytes = self.encode(&ResponseFrame::new(stream, response));
        state.handle_input(&bytes, now);
    }

    fn encode(&mut self, frame: &ResponseFrame) -> Vec<u8> {
        let mut out = Vec::new();
        let version = self.version;
        self.framer
            .write_frame(&mut out, |buf| {
                frame.encode(version, Compression::None, buf)
            })
            .unwrap();
        self.framer.flush(&mut out).unwrap();
        out
    }

    /// Answers the STARTUP answer and switches framing afterwards.
    fn answer_startup(&mut self, state: &mut ConnectionState, response: Response, now: Instant) {
        self.answer(state, HANDSHAKE_STREAM, response, now);
        self.framer
            .start_framing(self.version, self.compression)
            .unwrap();
    }

    /// OPTIONS → SUPPORTED → STARTUP; returns the STARTUP options.
    fn options_and_startup(
        &mut self,
        state: &mut ConnectionState,
        compressions: &[&str],
    ) -> Vec<(String, String)> {
        let options = self.one_request(state);
        assert_eq!(options.request, Request::Options);
        assert_eq!(options.stream, 0);
        let supported = Supported {
            options: vec![
                (
                    "CQL_VERSION".to_string(),
                    vec!["3.4.7".to_string(), "3.0.0".to_string()],
                ),
                (
                    "COMPRESSION".to_string(),
                    compressions.iter().map(|c| c.to_string()).collect(),
                ),
            ],
        };
        self.answer(state, 0, Response::Supported(supported), t(1));
        let startup = self.one_request(state);
        let Request::Startup(s) = startup.request else {
            panic!("expected STARTUP, got {startup:?}");
        };
        if let Ok(c) = s.compression() {
            self.compression = c;
        }
        s.options
    }
}

fn config() -> ConnectionConfig {
    ConnectionConfig {
        startup_options: vec![
            ("DRIVER_NAME".to_string(), "cql-rs".to_string()),
            ("DRIVER_VERSION".to_string(), "0.1.0".to_string()),
        ],
        ..ConnectionConfig::default()
    }
}

fn outputs(state: &mut ConnectionState) -> Vec<Output> {
    core::iter::from_fn(|| state.poll_output()).collect()
}

fn ready(version: ProtocolVersion, config: &ConnectionConfig) -> (ConnectionState, Node) {
    let mut state = ConnectionState::new(config, version, t(0));
    let mut node = Node::new(version);
    let compressions: Vec<&str> = vec!["lz4", "snappy"];
    node.options_and_startup(&mut state, &compressions);
    node.answer_startup(&mut state, Response::Ready, t(2));
    assert_eq!(outputs(&mut state), [Output::HandshakeDone { version }]);
    (state, node)
}

fn query(text: &str) -> RequestFrame<'static> {
    RequestFrame::new(
        0,
        Request::Query(Query {
            query: text.to_string().into(),
            params: QueryParameters::default(),
        }),
    )
}

fn void() -> Response {
    Response::Result(ResultMessage::Void)
}

fn round_trip(state: &mut ConnectionState, node: &mut Node, text: &str) -> (bool, Output) {
    let stream = state.submit(&mut query(text), t(10)).unwrap();
    let (req, compressed) = node.requests(state).remove(0);
    assert_eq!(req.stream, stream);
    node.answer(state, stream, void(), t(11));
    (compressed, state.poll_output().unwrap())
}

#[test]
fn v4_handshake_sends_startup_options_and_goes_ready() {
    let mut state = ConnectionState::new(&config(), ProtocolVersion::V4, t(0));
    assert_eq!(state.phase(), Phase::Handshaking);
    assert_eq!(
        state.submit(&mut query("x"), t(0)),
        Err(SubmitError::NotReady)
    );
    let mut node = Node::new(ProtocolVersion::V4);
    let options = node.options_and_startup(&mut state, &["lz4"]);
    assert_eq!(
        options,
        vec![
            ("CQL_VERSION".to_string(), "3.4.7".to_string()),
            ("DRIVER_NAME".to_string(), "cql-rs".to_string()),
            ("DRIVER_VERSION".to_string(), "0.1.0".to_string()),
        ]
    );
    node.answer_startup(&mut state, Response::Ready, t(2));
    assert_eq!(
        outputs(&mut state),
        [Output::HandshakeDone {
            version: ProtocolVersion::V4
        }]
    );
    assert_eq!(state.phase(), Phase::Ready);
    let (compressed, out) = round_trip(&mut state, &mut node, "SELECT 1");
    assert!(!compressed);
    assert!(matches!(
        out,
        Output::Response {
            stream: 0,
            result: Ok(_)
        }
    ));
}

#[test]
fn v5_segments_start_after_ready_with_lz4() {
    let cfg = ConnectionConfig {
        compression: Compression::Lz4,
        ..config()
    };
    let mut state = ConnectionState::new(&cfg, ProtocolVersion::V5, t(0));
    let mut node = Node::new(ProtocolVersion::V5);
    let options = node.options_and_startup(&mut state, &["snappy", "lz4"]);
    assert!(options.contains(&("COMPRESSION".to_string(), "lz4".to_string())));
    node.answer_startup(&mut state, Response::Ready, t(2));
    assert_eq!(state.compression(), Compression::Lz4);
    outputs(&mut state);
    // A long query compresses well: the node decodes it from an LZ4 segment.
    let long = "SELECT * FROM t WHERE k = 1 ".repeat(50);
    let (_, out) = round_trip(&mut state, &mut node, &long);
    assert!(matches!(out, Output::Response { result: Ok(_), .. }));
    // Several requests go out coalesced in one segment.
    let a = state.submit(&mut query("a"), t(20)).unwrap();
    let b = state.submit(&mut query("b"), t(20)).unwrap();
    assert_eq!(node.requests(&mut state).len(), 2);
    node.answer(&mut state, b, void(), t(21));
    node.answer(&mut state, a, void(), t(21));
    let done: Vec<i16> = outputs(&mut state)
        .into_iter()
        .map(|o| match o {
            Output::Response { stream, .. } => stream,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(done, [b, a]);
}

#[test]
fn v4_snappy_and_lz4_compress_bodies_after_the_startup_answer() {
    for c in [Compression::Snappy, Compression::Lz4] {
        let cfg = ConnectionConfig {
            compression: c,
            ..config()
        };
        let (mut state, mut node) = ready(ProtocolVersion::V4, &cfg);
        let (compressed, out) = round_trip(&mut state, &mut node, "SELECT now() FROM system.local");
        assert!(compressed, "{c:?}");
        assert!(matches!(out, Output::Response { result: Ok(_), .. }));
    }
}

#[test]
fn compression_the_node_does_not_offer_is_a_clear_error() {
    let cfg = ConnectionConfig {
        compression: Compression::Lz4,
        ..config()
    };
    let mut state = ConnectionState::new(&cfg, ProtocolVersion::V4, t(0));
    let mut node = Node::new(ProtocolVersion::V4);
    node.one_request(&mut state);
    let supported = Supported {
        options: vec![("COMPRESSION".to_string(), vec!["snappy".to_string()])],
    };
    node.answer(&mut state, 0, Response::Supported(supported), t(1));
    let out = outputs(&mut state);
    let Some(Output::Closed(ConnectionError::Compression(m))) = out.last() else {
        panic!("{out:?}");
    };
    assert!(
        m.contains("does not offer lz4") && m.contains("snappy"),
        "{m}"
    );
    // Snappy cannot frame v5 segments: refused before anything is sent.
    let cfg = ConnectionConfig {
        compression: Compression::Snappy,
        ..config()
    };
    let mut state = ConnectionState::new(&cfg, ProtocolVersion::V5, t(0));
    assert!(matches!(
        outputs(&mut state).as_slice(),
        [Output::Closed(ConnectionError::Compression(_))]
    ));
}

#[test]
fn a_v4_startup_answer_may_already_be_compressed() {
    // Cassandra 3.x compresses the answer to STARTUP itself (READY has no body, so this
    // shows with AUTHENTICATE); the driver compresses what it sends from then on.
    for c in [Compression::Lz4, Compression::Snappy] {
        let config = ConnectionConfig {
            compression: c,
            ..auth_config()
        };
        let mut state = ConnectionState::new(&config, ProtocolVersion::V4, t(0));
        let mut node = Node::new(ProtocolVersion::V4);
        node.options_and_startup(&mut state, &["lz4", "snappy"]);
        node.framer
            .start_framing(ProtocolVersion::V4, node.compression)
            .unwrap();
        node.answer(&mut state, 0, authenticate(), t(1));
        let (auth, compressed) = node.requests(&mut state).remove(0);
        assert!(matches!(auth.request, Request::AuthResponse(_)), "{c:?}");
        assert!(compressed, "{c:?}");
        assert_eq!(state.phase(), Phase::Handshaking);
    }
}

fn auth_config() -> ConnectionConfig {
    ConnectionConfig {
        authenticator: Some(Arc::new(PlainTextAuthenticator::new("cassandra", "s3cret"))),
        keyspace: Some("Ks".to_string()),
        events: vec![EventType::SchemaChange, EventType::StatusChange],
        ..config()
    }
}

fn authenticate() -> Response {
    Response::Authenticate(Authenticate {
        authenticator: "org.apache.cassandra.auth.PasswordAuthenticator".to_string(),
    })
}

#[test]
fn authentication_then_use_and_register_in_v5_segments() {
    let mut state = ConnectionState::new(&auth_config(), ProtocolVersion::V5, t(0));
    let mut node = Node::new(ProtocolVersion::V5);
    node.options_and_startup(&mut state, &[]);
    node.answer_startup(&mut state, authenticate(), t(2));
    // AUTH_RESPONSE already travels in a segment.
    let auth = node.one_request(&mut state);
    assert_eq!(
        auth.request,
        Request::AuthResponse(AuthToken::new(&b"\0cassandra\0s3cret"[..]))
    );
    node.answer(
        &mut state,
        0,
        Response::AuthSuccess(AuthToken::default()),
        t(3),
    );
    let use_ks = node.one_request(&mut state);
    let Request::Query(q) = use_ks.request else {
        panic!("{use_ks:?}")
    };
    assert_eq!(q.query, "USE \"Ks\"");
    node.answer(
        &mut state,
        0,
        Response::Result(ResultMessage::SetKeyspace("Ks".to_string())),
        t(4),
    );
    let register = node.one_request(&mut state);
    assert_eq!(
        register.request,
        Request::Register(Register {
            events: vec![EventType::SchemaChange, EventType::StatusChange]
        })
    );
    assert!(outputs(&mut state).is_empty());
    node.answer(&mut state, 0, Response::Ready, t(5));
    assert_eq!(
        outputs(&mut state),
        [Output::HandshakeDone {
            version: ProtocolVersion::V5
        }]
    );
}

struct Challenger;
struct ChallengeSession {
    round: u8,
}

impl Authenticator for Challenger {
    fn new_session(&self, class: &str) -> Box<dyn AuthSession> {
        assert_eq!(class, "custom.Auth");
        Box::new(ChallengeSession { round: 0 })
    }
}

impl AuthSession for ChallengeSession {
    fn initial_response(&mut self) -> Option<Vec<u8>> {
        Some(b"hello".to_vec())
    }

    fn evaluate_challenge(&mut self, challenge: Option<&[u8]>) -> Result<Option<Vec<u8>>, String> {
        self.round += 1;
        match challenge {
            Some(b"nonce") => Ok(Some(b"answer".to_vec())),
            _ => Err("unexpected challenge".to_string()),
        }
    }
}

#[test]
fn sasl_challenges_are_answered_and_failures_reported() {
    let cfg = ConnectionConfig {
        authenticator: Some(Arc::new(Challenger)),
        ..config()
    };
    let class = Response::Authenticate(Authenticate {
        authenticator: "custom.Auth".to_string(),
    });
    let mut state = ConnectionState::new(&cfg, ProtocolVersion::V4, t(0));
    let mut node = Node::new(ProtocolVersion::V4);
    node.options_and_startup(&mut state, &[]);
    node.answer_startup(&mut state, class.clone(), t(1));
    assert_eq!(
        node.one_request(&mut state).request,
        Request::AuthResponse(AuthToken::new(&b"hello"[..]))
    );
    node.answer(
        &mut state,
        0,
        Response::AuthChallenge(AuthToken::new(&b"nonce"[..])),
        t(2),
    );
    assert_eq!(
        node.one_request(&mut state).request,
        Request::AuthResponse(AuthToken::new(&b"answer"[..]))
    );
    node.answer(
        &mut state,
        0,
        Response::AuthSuccess(AuthToken::default()),
        t(3),
    );
    assert!(matches!(
        outputs(&mut state).as_slice(),
        [Output::HandshakeDone { .. }]
    ));

    // A challenge the session cannot answer.
    let mut state = ConnectionState::new(&cfg, ProtocolVersion::V4, t(0));
    let mut node = Node::new(ProtocolVersion::V4);
    node.options_and_startup(&mut state, &[]);
    node.answer_startup(&mut state, class, t(1));
    node.one_request(&mut state);
    node.answer(
        &mut state,
        0,
        Response::AuthChallenge(AuthToken::new(&b"?"[..])),
        t(2),
    );
    assert_eq!(
        outputs(&mut state),
        [Output::Closed(ConnectionError::Authentication(
            "unexpected challenge".to_string()
        ))]
    );
}

#[test]
fn missing_credentials_and_bad_credentials_are_authentication_errors() {
    let mut state = ConnectionState::new(&config(), ProtocolVersion::V4, t(0));
    let mut node = Node::new(ProtocolVersion::V4);
    node.options_and_startup(&mut state, &[]);
    node.answer_startup(&mut state, authenticate(), t(1));
    let out = outputs(&mut state);
    let [Output::Closed(ConnectionError::Authentication(m))] = out.as_slice() else {
        panic!("{out:?}")
    };
    assert!(m.contains("no credentials were configured") && m.contains("PasswordAuthenticator"));

    let mut state = ConnectionState::new(&auth_config(), ProtocolVersion::V4, t(0));
    let mut node = Node::new(ProtocolVersion::V4);
    node.options_and_startup(&mut state, &[]);
    node.answer_startup(&mut state, authenticate(), t(1));
    node.one_request(&mut state);
    let message = "Provided username cassandra and/or password are incorrect";
    node.answer(
        &mut state,
        0,
        Response::Error(ErrorResponse {
            error: DbError::BadCredentials,
            message: message.to_string(),
        }),
        t(2),
    );
    assert_eq!(
        outputs(&mut state),
        [Output::Closed(ConnectionError::Authentication(
            message.to_string()
        ))]
    );
}

#[test]
fn other_handshake_errors_are_reported_whole() {
    let cfg = ConnectionConfig {
        keyspace: Some("nope".to_string()),
        ..config()
    };
    let mut state = ConnectionState::new(&cfg, ProtocolVersion::V4, t(0));
    let mut node = Node::new(ProtocolVersion::V4);
    node.options_and_startup(&mut state, &[]);
    node.answer_startup(&mut state, Response::Ready, t(1));
    node.one_request(&mut state);
    let error = ErrorResponse {
        error: DbError::Invalid,
        message: "Keyspace 'nope' does not exist".to_string(),
    };
    node.answer(&mut state, 0, Response::Error(error.clone()), t(2));
    assert_eq!(
        outputs(&mut state),
        [Output::Closed(ConnectionError::Handshake(error))]
    );
    // An answer that makes no sense at this point.
    let mut state = ConnectionState::new(&config(), ProtocolVersion::V4, t(0));
    let mut node = Node::new(ProtocolVersion::V4);
    node.one_request(&mut state);
    node.answer(&mut state, 0, Response::Ready, t(1));
    assert!(matches!(
        outputs(&mut state).as_slice(),
        [Output::Closed(ConnectionError::Protocol(_))]
    ));
}

fn refuse(state: &mut ConnectionState, message: &str) -> Vec<Output> {
    // Cassandra 4.1 writes the refusal in v4 whatever the client asked for.
    let mut node = Node::new(ProtocolVersion::V4);
    node.one_request(state);
    let error = ErrorResponse {
        error: DbError::ProtocolError,
        message: message.to_string(),
    };
    node.answer(state, 0, Response::Error(error), t(1));
    outputs(state)
}

#[test]
fn version_refusals_pick_the_highest_named_version() {
    let cassandra3 = "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4, 5/v5-beta)";
    let mut state = ConnectionState::new(&config(), ProtocolVersion::V5, t(0));
    let out = refuse(&mut state, cassandra3);
    assert_eq!(
        out.first(),
        Some(&Output::RetryWithVersion(ProtocolVersion::V4))
    );
    assert!(matches!(
        out.get(1),
        Some(Output::Closed(ConnectionError::UnsupportedVersion(_)))
    ));
    assert_eq!(out.len(), 2);

    let only_v3 = "Invalid or unsupported protocol version (5); supported versions are (3/v3)";
    let mut state = ConnectionState::new(&config(), ProtocolVersion::V5, t(0));
    assert_eq!(
        refuse(&mut state, only_v3).first(),
        Some(&Output::RetryWithVersion(ProtocolVersion::V3))
    );

    let scylla = "Invalid or unsupported protocol version: 5";
    let mut state = ConnectionState::new(&config(), ProtocolVersion::V5, t(0));
    assert_eq!(
        refuse(&mut state, scylla).first(),
        Some(&Output::RetryWithVersion(ProtocolVersion::V4))
    );

    // A version fixed in the configuration is not negotiated.
    let cfg = ConnectionConfig {
        protocol_version: Some(ProtocolVersion::V5),
        ..config()
    };
    let mut state = ConnectionState::new(&cfg, ProtocolVersion::V5, t(0));
    let out = refuse(&mut state, cassandra3);
    let [Output::Closed(ConnectionError::UnsupportedVersion(m))] = out.as_slice() else {
        panic!("{out:?}")
    };
    assert!(m.contains("refused protocol v5"), "{m}");

    // v3 refused: nothing left.
    let mut state = ConnectionState::new(&config(), ProtocolVersion::V3, t(0));
    assert!(matches!(
        refuse(&mut state, scylla).as_slice(),
        [Output::Closed(ConnectionError::UnsupportedVersion(_))]
    ));
}

#[test]
fn an_answer_in_an_old_protocol_is_an_unsupported_version() {
    let mut state = ConnectionState::new(&config(), ProtocolVersion::V5, t(0));
    state.take_output(&mut Vec::new());
    // A v2 response header (Cassandra 2.0 answering).
    state.handle_input(&[0x82, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0], t(1));
    assert!(matches!(
        outputs(&mut state).as_slice(),
        [Output::Closed(ConnectionError::UnsupportedVersion(_))]
    ));
}

#[test]
fn responses_are_matched_out_of_order() {
    let (mut state, mut node) = ready(ProtocolVersion::V4, &config());
    let ids: Vec<i16> = (0..5)
        .map(|i| state.submit(&mut query(&i.to_string()), t(10)).unwrap())
        .collect();
    assert_eq!(ids, [0, 1, 2, 3, 4]);
    assert_eq!(state.in_flight(), 5);
    let reqs = node.requests(&mut state);
    assert_eq!(reqs.len(), 5);
    // Answer in reverse, all in one read.
    let mut bytes = Vec::new();
    for id in ids.iter().rev() {
        let text = Response::Result(ResultMessage::SetKeyspace(id.to_string()));
        bytes.extend(node.encode(&ResponseFrame::new(*id, text)));
    }
    state.handle_input(&bytes, t(11));
    for (output, id) in outputs(&mut state).into_iter().zip(ids.iter().rev()) {
        let Output::Response {
            stream,
            result: Ok(frame),
        } = output
        else {
            panic!("{output:?}")
        };
        assert_eq!(stream, *id);
        assert_eq!(
            frame.response,
            Response::Result(ResultMessage::SetKeyspace(id.to_string()))
        );
    }
    assert_eq!(state.in_flight(), 0);
    // Frames split across reads at every byte.
    let id = state.submit(&mut query("split"), t(12)).unwrap();
    node.requests(&mut state);
    let bytes = node.encode(&ResponseFrame::new(id, void()));
    for b in &bytes {
        state.handle_input(core::slice::from_ref(b), t(13));
    }
    assert!(matches!(
        outputs(&mut state).as_slice(),
        [Output::Response { result: Ok(_), .. }]
    ));
}

#[test]
fn raw_responses_come_out_undecoded_in_every_framing() {
    for compression in ["", "lz4", "snappy"] {
        let config = ConnectionConfig {
            compression: Compression::from_name(compression).unwrap_or(Compression::None),
            ..config()
        };
        for version in [ProtocolVersion::V4, ProtocolVersion::V5] {
            if version == ProtocolVersion::V5 && compression == "snappy" {
                continue;
            }
            let (mut state, mut node) = ready(version, &config);
            state.set_raw_responses(true);
            let ids: Vec<i16> = (0..3)
                .map(|i| state.submit(&mut query(&i.to_string()), t(10)).unwrap())
                .collect();
            node.requests(&mut state);
            // Two whole answers and a third split across reads.
            let mut bytes = Vec::new();
            for id in &ids {
                let answer = Response::Result(ResultMessage::SetKeyspace(id.to_string()));
                bytes.extend(node.encode(&ResponseFrame::new(*id, answer)));
            }
            let (first, rest) = bytes.split_at(bytes.len() - 3);
            state.handle_input(first, t(11));
            state.handle_input(rest, t(11));
            let got = outputs(&mut state);
            assert_eq!(got.len(), 3, "{version} {compression}: {got:?}");
            for (output, id) in got.into_iter().zip(&ids) {
                let Output::RawResponse { stream, frame } = output else {
                    panic!("{output:?}")
                };
                assert_eq!(stream, *id);
                assert_eq!(
                    decode_response(&frame).unwrap().response,
                    Response::Result(ResultMessage::SetKeyspace(id.to_string()))
                );
            }
            assert_eq!(state.in_flight(), 0);
        }
    }
}

#[test]
fn abandoned_streams_stay_reserved_until_the_late_answer() {
    let (mut state, mut node) = ready(ProtocolVersion::V4, &config());
    state.set_max_streams(1); // ignored once ready
    let id = state.submit(&mut query("slow"), t(10)).unwrap();
    node.requests(&mut state);
    assert!(state.abandon(id));
    assert!(!state.abandon(id));
    assert_eq!(state.in_flight(), 1);
    // The id is not reused while the answer may still come.
    let next = state.submit(&mut query("next"), t(11)).unwrap();
    assert_ne!(next, id);
    node.requests(&mut state);
    node.answer(&mut state, id, void(), t(12));
    assert!(outputs(&mut state).is_empty(), "late answer dropped");
    assert_eq!(state.in_flight(), 1);
    node.answer(&mut state, next, void(), t(13));
    assert_eq!(outputs(&mut state).len(), 1);
    // Now the id is free again.
    assert_eq!(state.submit(&mut query("again"), t(14)), Ok(id));
}

#[test]
fn exhausted_streams_report_busy() {
    let mut state = ConnectionState::new(&config(), ProtocolVersion::V4, t(0));
    state.set_max_streams(2);
    let mut node = Node::new(ProtocolVersion::V4);
    node.options_and_startup(&mut state, &[]);
    node.answer_startup(&mut state, Response::Ready, t(2));
    outputs(&mut state);
    let a = state.submit(&mut query("a"), t(3)).unwrap();
    let _b = state.submit(&mut query("b"), t(3)).unwrap();
    assert_eq!(state.free_streams(), 0);
    assert_eq!(state.submit(&mut query("c"), t(3)), Err(SubmitError::Busy));
    node.requests(&mut state);
    node.answer(&mut state, a, void(), t(4));
    assert_eq!(state.free_streams(), 1);
    assert_eq!(state.submit(&mut query("c"), t(5)), Ok(a));

    // The full 32768 ids.
    let (mut state, _node) = ready(ProtocolVersion::V4, &config());
    for i in 0..MAX_STREAMS {
        assert_eq!(state.submit(&mut query("x"), t(3)), Ok(i as i16));
    }
    assert_eq!(state.submit(&mut query("x"), t(3)), Err(SubmitError::Busy));
}

#[test]
fn events_on_stream_minus_one_are_delivered() {
    let (mut state, mut node) = ready(ProtocolVersion::V5, &config());
    let event = Event::StatusChange {
        change: StatusChangeType::Down,
        address: "10.0.0.2:9042".parse::<SocketAddr>().unwrap(),
    };
    let bytes = node.encode(&ResponseFrame::new(-1, Response::Event(event.clone())));
    state.handle_input(&bytes, t(10));
    assert_eq!(outputs(&mut state), [Output::Event(event)]);
}

#[test]
fn heartbeats_keep_idle_connections_and_detect_dead_ones() {
    let cfg = ConnectionConfig {
        heartbeat_interval: Some(Duration::from_secs(30)),
        connect_timeout: Duration::from_secs(5),
        ..config()
    };
    let (mut state, mut node) = ready(ProtocolVersion::V4, &cfg);
    assert_eq!(state.next_deadline(), Some(t(2) + Duration::from_secs(30)));
    state.handle_timeout(t(20_000));
    assert!(!state.has_output(), "not idle long enough");
    state.handle_timeout(t(30_002));
    let hb = node.one_request(&mut state);
    assert_eq!(hb.request, Request::Options);
    assert_eq!(state.in_flight(), 0, "heartbeats are not user requests");
    assert_eq!(state.next_deadline(), Some(t(35_002)));
    let supported = Response::Supported(Supported::default());
    node.answer(&mut state, hb.stream, supported, t(30_010));
    assert!(outputs(&mut state).is_empty());
    assert_eq!(state.next_deadline(), Some(t(60_010)));

    // Next time the heartbeat goes unanswered while requests are in flight.
    let a = state.submit(&mut query("a"), t(40_000)).unwrap();
    let b = state.submit(&mut query("b"), t(40_000)).unwrap();
    state.handle_timeout(t(70_000));
    assert_eq!(node.requests(&mut state).len(), 3);
    state.handle_timeout(t(74_999));
    assert_eq!(state.phase(), Phase::Ready);
    state.handle_timeout(t(75_000));
    let out = outputs(&mut state);
    assert_eq!(out.len(), 3);
    for (o, id) in out.iter().zip([a, b]) {
        let Output::Response {
            stream,
            result: Err(ConnectionError::Closed(m)),
        } = o
        else {
            panic!("{o:?}")
        };
        assert_eq!(*stream, id);
        assert!(m.starts_with("heartbeat"), "{m}");
    }
    assert!(matches!(out.last(), Some(Output::Closed(_))));
    assert_eq!(state.phase(), Phase::Closed);
    assert_eq!(state.next_deadline(), None);
    assert!(matches!(
        state.submit(&mut query("late"), t(80_000)),
        Err(SubmitError::Closed(ConnectionError::Closed(_)))
    ));
}

#[test]
fn handshake_times_out() {
    let mut state = ConnectionState::new(&config(), ProtocolVersion::V4, t(0));
    assert_eq!(state.next_deadline(), Some(t(5_000)));
    state.handle_timeout(t(4_999));
    assert!(outputs(&mut state).is_empty());
    state.handle_timeout(t(5_000));
    let out = outputs(&mut state);
    let [Output::Closed(ConnectionError::Closed(m))] = out.as_slice() else {
        panic!("{out:?}")
    };
    assert!(m.contains("SUPPORTED"), "{m}");
}

#[test]
fn close_fails_in_flight_requests() {
    let (mut state, _node) = ready(ProtocolVersion::V4, &config());
    let a = state.submit(&mut query("a"), t(3)).unwrap();
    state.close();
    let out = outputs(&mut state);
    assert!(matches!(
        out.first(),
        Some(Output::Response { stream, result: Err(ConnectionError::Closed(_)) }) if *stream == a
    ));
    assert!(matches!(out.get(1), Some(Output::Closed(_))));
    state.close();
    assert!(outputs(&mut state).is_empty());
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    // Garbage where a header should be.
    let (mut state, _node) = ready(ProtocolVersion::V4, &config());
    let a = state.submit(&mut query("a"), t(3)).unwrap();
    state.handle_input(&[0x84, 0, 0, 0, 0x77, 0, 0, 0, 0], t(4));
    let out = outputs(&mut state);
    assert!(
        matches!(out.first(), Some(Output::Response { stream, result: Err(ConnectionError::Protocol(_)) }) if *stream == a)
    );
    assert!(matches!(
        out.last(),
        Some(Output::Closed(ConnectionError::Protocol(_)))
    ));

    // A well-framed but undecodable body fails only its request.
    let (mut state, mut node) = ready(ProtocolVersion::V4, &config());
    let a = state.submit(&mut query("a"), t(3)).unwrap();
    node.requests(&mut state);
    let mut bytes = Vec::new();
    crate::frame::write_frame(
        &mut bytes,
        ProtocolVersion::V4,
        crate::frame::Direction::Response,
        crate::frame::FrameFlags::default(),
        a,
        crate::frame::Opcode::Result,
        &[0, 0, 0, 9],
        Compression::None,
    )
    .unwrap();
    state.handle_input(&bytes, t(4));
    assert!(matches!(
        outputs(&mut state).as_slice(),
        [Output::Response {
            result: Err(ConnectionError::Protocol(_)),
            ..
        }]
    ));
    assert_eq!(state.phase(), Phase::Ready);

    // A corrupt segment.
    let (mut state, _node) = ready(ProtocolVersion::V5, &config());
    state.handle_input(&[0xff; 64], t(4));
    assert!(matches!(
        outputs(&mut state).last(),
        Some(Output::Closed(ConnectionError::Protocol(_)))
    ));
}

mod properties;
