//! The tunnel protocol between a WebSocket client (native or wasm) and `cql-bridge`.
//! Target-independent: the native client, the wasm client and the bridge all use it.
//!
//! # Opening a tunnel
//!
//! The client opens a WebSocket to the bridge's URL with the node it wants as the
//! `target` query parameter:
//!
//! ```text
//! ws[s]://bridge.example.com[:port]/cql?target=10.0.0.5:9042
//! ws[s]://bridge.example.com/cql?target=%5B2001%3Adb8%3A%3A1%5D%3A9042     (IPv6: [addr]:port)
//! ```
//!
//! The path is the bridge's configured path (default [`DEFAULT_PATH`], `/cql`); the
//! `target` value is `host:port` (IPv6 in brackets), percent-encoded. Other query
//! parameters are ignored. The bridge dials the target only if its allow-list contains
//! it; it never resolves a name to check a range.
//!
//! # Authentication
//!
//! A bearer token travels in the upgrade request, either as
//!
//! * `Authorization: Bearer <token>` (native clients), or
//! * a `Sec-WebSocket-Protocol` value `cql.bearer.<token>` ([`BEARER_PROTOCOL_PREFIX`]),
//!   because browsers cannot set headers on a WebSocket. The client then also offers
//!   [`SUBPROTOCOL`] (`cql.v1`), which the bridge selects, so the token is never echoed
//!   back in the response. For this form a token may only contain RFC 7230 token
//!   characters (letters, digits and ``!#$%&'*+-.^_`|~``); see [`is_token_safe`].
//!
//! Tokens are either static strings configured in the bridge or signed, expiring tokens
//! `<subject>.<expiry>.<signature>`: `expiry` in Unix seconds, `signature` the lowercase
//! hex HMAC-SHA256 of `<subject>.<expiry>` under a secret shared by the bridge and the
//! token minter (`cql-bridge token`). Subjects are 1 to 64 characters of letters, digits,
//! `-` and `_` ([`is_valid_subject`]).
//!
//! # Data
//!
//! Binary messages carry the CQL byte stream in both directions. Message boundaries carry
//! no meaning: a CQL frame may be split across several messages and one message may hold
//! several frames. Text messages are a protocol violation (close code 1003). Senders keep
//! messages at most [`MAX_CHUNK`] bytes (64 KiB); the bridge refuses messages above its
//! configured limit with close code 1009.
//!
//! # Closing
//!
//! The bridge decides on the upgrade request alone (path, target, Origin, token,
//! allow-list, limits) before it answers. A refusal is then reported as a close frame
//! right after the upgrade, with a [`CloseReason`] code (4000-4999, the range RFC 6455
//! leaves to applications; the last three digits echo the matching HTTP status) and a
//! short human-readable reason, so that browsers, which hide HTTP statuses of failed
//! upgrades, can show why; the bridge reads next to nothing from a refused client. A
//! request that is not a WebSocket upgrade gets a plain HTTP error. See [`CloseReason`]
//! for the table.

use core::fmt;

use cql_core::runtime::NodeAddr;

pub use crate::address_map::BridgeAddressMap;

/// The path the bridge serves tunnels on unless configured otherwise.
pub const DEFAULT_PATH: &str = "/cql";

/// The query parameter naming the node to reach.
pub const TARGET_PARAM: &str = "target";

/// The subprotocol the bridge selects when a client offers it (browser clients must offer
/// it next to their `cql.bearer.<token>` value).
pub const SUBPROTOCOL: &str = "cql.v1";

/// The prefix of the `Sec-WebSocket-Protocol` value carrying a bearer token.
pub const BEARER_PROTOCOL_PREFIX: &str = "cql.bearer.";

/// The largest binary message a sender emits (64 KiB); longer writes are split.
pub const MAX_CHUNK: usize = 64 * 1024;

/// Why the bridge closed a tunnel: each refusal and each ending has its own close code.
///
/// | code | variant | meaning |
/// | --- | --- | --- |
/// | 1000 | [`Normal`](Self::Normal) | the node or the client ended the stream |
/// | 1001 | [`GoingAway`](Self::GoingAway) | the bridge is shutting down |
/// | 1002 | [`ProtocolViolation`](Self::ProtocolViolation) | the client broke the WebSocket protocol (RFC 6455) |
/// | 1003 | [`TextMessage`](Self::TextMessage) | a text message was sent (binary only) |
/// | 1009 | [`MessageTooBig`](Self::MessageTooBig) | a message exceeded the bridge's limit |
/// | 1011 | [`Internal`](Self::Internal) | an unexpected bridge failure |
/// | 4400 | [`BadRequest`](Self::BadRequest) | unknown path, missing or malformed `target` |
/// | 4401 | [`Unauthorized`](Self::Unauthorized) | token missing or not valid |
/// | 4402 | [`TokenExpired`](Self::TokenExpired) | signed token past its expiry |
/// | 4403 | [`OriginNotAllowed`](Self::OriginNotAllowed) | `Origin` not in the allow-list |
/// | 4404 | [`TargetNotAllowed`](Self::TargetNotAllowed) | target not in the allow-list |
/// | 4408 | [`IdleTimeout`](Self::IdleTimeout) | no data either way for the idle time |
/// | 4429 | [`ClientLimit`](Self::ClientLimit) | too many tunnels for this client (token subject or IP) |
/// | 4502 | [`UpstreamFailed`](Self::UpstreamFailed) | the node could not be reached (TCP/TLS) or failed |
/// | 4503 | [`BridgeFull`](Self::BridgeFull) | the bridge's total connection limit is reached |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloseReason {
    /// 1000: the node or the client ended the stream.
    Normal,
    /// 1001: the bridge is shutting down.
    GoingAway,
    /// 1002: the client broke the WebSocket protocol (an unmasked or malformed frame,
    /// reserved bits, a bad close frame...).
    ProtocolViolation,
    /// 1003: the client sent a text message.
    TextMessage,
    /// 1009: a message exceeded the bridge's size limit.
    MessageTooBig,
    /// 1011: an unexpected failure inside the bridge.
    Internal,
    /// 4400: unknown path, or the `target` parameter is missing or malformed.
    BadRequest,
    /// 4401: no token, or a token the bridge does not accept.
    Unauthorized,
    /// 4402: a signed token whose expiry has passed.
    TokenExpired,
    /// 4403: the `Origin` header is not in the bridge's allow-list.
    OriginNotAllowed,
    /// 4404: the target is not in the bridge's allow-list.
    TargetNotAllowed,
    /// 4408: no data in either direction for the idle timeout.
    IdleTimeout,
    /// 4429: this client (token subject, or IP address without one) has too many tunnels.
    ClientLimit,
    /// 4502: the bridge could not connect to the node (TCP or TLS), or the node's stream
    /// failed.
    UpstreamFailed,
    /// 4503: the bridge's total connection limit is reached.
    BridgeFull,
}

impl CloseReason {
    /// Every reason, in code order.
    pub const ALL: [CloseReason; 15] = [
        CloseReason::Normal,
        CloseReason::GoingAway,
        CloseReason::ProtocolViolation,
        CloseReason::TextMessage,
        CloseReason::MessageTooBig,
        CloseReason::Internal,
        CloseReason::BadRequest,
        CloseReason::Unauthorized,
        CloseReason::TokenExpired,
        CloseReason::OriginNotAllowed,
        CloseReason::TargetNotAllowed,
        CloseReason::IdleTimeout,
        CloseReason::ClientLimit,
        CloseReason::UpstreamFailed,
        CloseReason::BridgeFull,
    ];

    /// The WebSocket close code.
    pub fn code(self) -> u16 {
        match self {
            Self::Normal => 1000,
            Self::GoingAway => 1001,
            Self::ProtocolViolation => 1002,
            Self::TextMessage => 1003,
            Self::MessageTooBig => 1009,
            Self::Internal => 1011,
            Self::BadRequest => 4400,
            Self::Unauthorized => 4401,
            Self::TokenExpired => 4402,
            Self::OriginNotAllowed => 4403,
            Self::TargetNotAllowed => 4404,
            Self::IdleTimeout => 4408,
            Self::ClientLimit => 4429,
            Self::UpstreamFailed => 4502,
            Self::BridgeFull => 4503,
        }
    }

    /// The reason for a close `code`, if it is one of this protocol's.
    pub fn from_code(code: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// A short description (what the bridge puts in the close frame when it has nothing
    /// more specific).
    pub fn description(self) -> &'static str {
        match self {
            Self::Normal => "stream ended",
            Self::GoingAway => "bridge shutting down",
            Self::ProtocolViolation => "WebSocket protocol error",
            Self::TextMessage => "text messages are not accepted; send binary",
            Self::MessageTooBig => "message too big",
            Self::Internal => "internal bridge error",
            Self::BadRequest => "bad tunnel request",
            Self::Unauthorized => "unauthorized",
            Self::TokenExpired => "token expired",
            Self::OriginNotAllowed => "origin not allowed",
            Self::TargetNotAllowed => "target not allowed",
            Self::IdleTimeout => "idle timeout",
            Self::ClientLimit => "connection limit for this client reached",
            Self::UpstreamFailed => "cannot reach the node",
            Self::BridgeFull => "bridge connection limit reached",
        }
    }

    /// Whether this code is a refusal of the tunnel by the bridge's policy (auth, origin,
    /// allow-list, limits) rather than the end of a working stream.
    pub fn is_refusal(self) -> bool {
        matches!(
            self,
            Self::BadRequest
                | Self::Unauthorized
                | Self::TokenExpired
                | Self::OriginNotAllowed
                | Self::TargetNotAllowed
                | Self::ClientLimit
                | Self::BridgeFull
        )
    }
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.description(), self.code())
    }
}

/// Clips a close reason to the 123 bytes a close frame can carry, on a character boundary.
pub fn clip_reason(reason: &str) -> &str {
    const MAX: usize = 123;
    if reason.len() <= MAX {
        return reason;
    }
    let mut end = MAX;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason.get(..end).unwrap_or("")
}

/// A URL or request that does not follow the tunnel protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    message: String,
}

impl ProtocolError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProtocolError {}

/// The parts of a bridge URL: `ws` or `wss`, authority, path, and an optional query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeUrl {
    /// Whether the URL is `wss` (TLS to the bridge).
    pub secure: bool,
    /// The bridge's host (IPv6 without brackets).
    pub host: String,
    /// The bridge's port (80/443 when the URL has none).
    pub port: u16,
    /// The path, starting with `/` (`/` when the URL has none).
    pub path: String,
    /// The query without `?`, if any.
    pub query: Option<String>,
}

impl BridgeUrl {
    /// Parses `ws://host[:port][/path][?query]` or `wss://...`.
    ///
    /// # Errors
    /// Another scheme, a missing host, a bad port, user info or a fragment.
    pub fn parse(url: &str) -> Result<Self, ProtocolError> {
        let bad = |why: &str| ProtocolError::new(format!("bad bridge URL `{url}`: {why}"));
        let (secure, rest) = if let Some(r) = strip_prefix_ci(url, "wss://") {
            (true, r)
        } else if let Some(r) = strip_prefix_ci(url, "ws://") {
            (false, r)
        } else {
            return Err(bad("the scheme must be ws:// or wss://"));
        };
        if rest.contains('#') {
            return Err(bad("fragments are not allowed"));
        }
        let (before_query, query) = match rest.split_once('?') {
            Some((b, q)) => (b, Some(q.to_string())),
            None => (rest, None),
        };
        let (authority, path) = match before_query.find('/') {
            Some(i) => before_query.split_at(i),
            None => (before_query, "/"),
        };
        if authority.contains('@') {
            return Err(bad("user info is not allowed; pass tokens separately"));
        }
        let default_port = if secure { 443 } else { 80 };
        let (host, port) =
            split_host_port(authority, Some(default_port)).map_err(|why| bad(&why))?;
        Ok(Self {
            secure,
            host,
            port,
            path: path.to_string(),
            query,
        })
    }

    /// The bridge's address as a [`NodeAddr`] (what to open a socket to).
    pub fn socket_addr(&self) -> NodeAddr {
        NodeAddr::new(self.host.clone(), self.port)
    }

    /// The authority for the `Host` header: `host[:port]` (the port omitted when it is the
    /// scheme's default), IPv6 in brackets.
    pub fn authority(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let default_port = if self.secure { 443 } else { 80 };
        if self.port == default_port {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// The request target (`path?query`) for a tunnel to `target`.
    pub fn request_target(&self, target: &NodeAddr) -> String {
        let param = format!("{TARGET_PARAM}={}", percent_encode(&target.to_string()));
        match &self.query {
            Some(q) if !q.is_empty() => format!("{}?{q}&{param}", self.path),
            _ => format!("{}?{param}", self.path),
        }
    }

    /// The full tunnel URL for `target`.
    pub fn tunnel_url(&self, target: &NodeAddr) -> String {
        let scheme = if self.secure { "wss" } else { "ws" };
        format!(
            "{scheme}://{}{}",
            self.authority(),
            self.request_target(target)
        )
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Splits `host:port` (IPv6 as `[addr]:port`) into host (brackets removed) and port;
/// without a port, `default_port` is used if given.
///
/// # Errors
/// An empty host, a bad or missing port, unbalanced brackets.
pub fn split_host_port(s: &str, default_port: Option<u16>) -> Result<(String, u16), String> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("`{s}`: unbalanced `[`"))?;
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| format!("`{s}`: expected `:port` after `]`"))?,
            ),
        };
        (host, port)
    } else {
        match s.rsplit_once(':') {
            Some((h, _)) if h.contains(':') => {
                return Err(format!("`{s}`: IPv6 addresses must be written [addr]:port"));
            }
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if host.is_empty() {
        return Err(format!("`{s}`: empty host"));
    }
    if host
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "/?#@[]%".contains(c))
    {
        return Err(format!("`{s}`: invalid character in host"));
    }
    let port = match (port, default_port) {
        (Some(p), _) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("`{s}`: bad port `{p}`"))?,
        (None, Some(d)) => d,
        (None, None) => return Err(format!("`{s}`: missing port")),
    };
    Ok((host.to_string(), port))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (and `+` as a space, as forms do).
///
/// # Errors
/// A truncated or non-hex escape, or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Result<String, ProtocolError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| core::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| ProtocolError::new(format!("bad percent escape in `{s}`")))?;
                out.push(hex);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| ProtocolError::new(format!("`{s}` is not UTF-8")))
}

/// The target a tunnel request names: the `target` parameter of `query` (the part of the
/// request target after `?`).
///
/// # Errors
/// No `target` parameter, more than one, or one that is not `host:port`.
pub fn parse_target(query: Option<&str>) -> Result<NodeAddr, ProtocolError> {
    let mut found = None;
    for pair in query.unwrap_or("").split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name == TARGET_PARAM {
            if found.is_some() {
                return Err(ProtocolError::new("more than one `target` parameter"));
            }
            found = Some(value);
        }
    }
    let raw = found.ok_or_else(|| {
        ProtocolError::new("missing `target` parameter (expected ?target=host:port)")
    })?;
    let decoded = percent_decode(raw)?;
    let (host, port) = split_host_port(&decoded, None)
        .map_err(|why| ProtocolError::new(format!("bad target {why}")))?;
    Ok(NodeAddr::new(host, port))
}

/// Whether `token` can travel in `Sec-WebSocket-Protocol` (non-empty, RFC 7230 token
/// characters only).
pub fn is_token_safe(token: &str) -> bool {
    !token.is_empty()
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `subject` is valid in a signed token: 1 to 64 letters, digits, `-` or `_`.
pub fn is_valid_subject(subject: &str) -> bool {
    (1..=64).contains(&subject.len())
        && subject
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The `Sec-WebSocket-Protocol` values a browser client offers to carry `token`:
/// `cql.bearer.<token>` and [`SUBPROTOCOL`].
///
/// # Errors
/// A token with characters a protocol value cannot hold ([`is_token_safe`]).
pub fn bearer_subprotocols(token: &str) -> Result<[String; 2], ProtocolError> {
    if !is_token_safe(token) {
        return Err(ProtocolError::new(
            "this token cannot travel in Sec-WebSocket-Protocol (only letters, digits and !#$%&'*+-.^_`|~ allowed)",
        ));
    }
    Ok([
        format!("{BEARER_PROTOCOL_PREFIX}{token}"),
        SUBPROTOCOL.to_string(),
    ])
}

/// The value of an `Authorization` header carrying `token`.
pub fn authorization_value(token: &str) -> String {
    format!("Bearer {token}")
}

/// The token of an `Authorization: Bearer <token>` header value, if it is one.
pub fn token_from_authorization(value: &str) -> Option<&str> {
    let value = value.trim();
    let scheme = value.get(..7)?;
    if !scheme.eq_ignore_ascii_case("bearer ") {
        return None;
    }
    let token = value.get(7..)?.trim();
    (!token.is_empty()).then_some(token)
}

/// The token in a `Sec-WebSocket-Protocol` header value (comma-separated protocols), if
/// one of them is `cql.bearer.<token>`.
pub fn token_from_subprotocols(value: &str) -> Option<&str> {
    value
        .split(',')
        .map(str::trim)
        .find_map(|p| p.strip_prefix(BEARER_PROTOCOL_PREFIX))
        .filter(|t| !t.is_empty())
}

/// Whether a `Sec-WebSocket-Protocol` header value offers [`SUBPROTOCOL`].
pub fn offers_subprotocol(value: &str) -> bool {
    value.split(',').map(str::trim).any(|p| p == SUBPROTOCOL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_round_trip_and_are_distinct() {
        for r in CloseReason::ALL {
            assert_eq!(CloseReason::from_code(r.code()), Some(r));
            assert!(r.description().len() <= 123);
        }
        assert_eq!(CloseReason::from_code(4999), None);
        assert_eq!(
            CloseReason::TargetNotAllowed.to_string(),
            "target not allowed (4404)"
        );
    }

    #[test]
    fn bridge_urls_parse() {
        let u = BridgeUrl::parse("wss://bridge.example.com/cql").unwrap();
        assert!(u.secure);
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("bridge.example.com", 443, "/cql")
        );
        assert_eq!(u.authority(), "bridge.example.com");
        let u = BridgeUrl::parse("ws://[::1]:8080").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("::1", 8080, "/")
        );
        assert_eq!(u.authority(), "[::1]:8080");
        let u = BridgeUrl::parse("WS://h:81/p?x=1").unwrap();
        assert_eq!(
            u.request_target(&NodeAddr::new("10.0.0.1", 9042)),
            "/p?x=1&target=10.0.0.1%3A9042"
        );
        for bad in [
            "http://h/",
            "ws://",
            "ws://u@h/",
            "ws://h:0/",
            "ws://h:x/",
            "ws://h/#f",
            "ws://::1/",
        ] {
            assert!(BridgeUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_round_trip() {
        for node in [
            NodeAddr::new("10.0.0.5", 9042),
            NodeAddr::new("::1", 9142),
            NodeAddr::new("db-1.example", 1),
        ] {
            let url = BridgeUrl::parse("ws://b/cql").unwrap();
            let target = url.request_target(&node);
            let query = target.split_once('?').unwrap().1;
            assert_eq!(parse_target(Some(query)).unwrap(), node);
        }
        assert_eq!(
            parse_target(Some("a=b&target=h%3A1")).unwrap(),
            NodeAddr::new("h", 1)
        );
        assert_eq!(
            parse_target(Some("target=[::1]:2")).unwrap(),
            NodeAddr::new("::1", 2)
        );
        for bad in [
            None,
            Some(""),
            Some("target="),
            Some("target=h"),
            Some("target=h:0"),
            Some("target=h:1&target=h:2"),
            Some("target=%zz"),
            Some("target=%C3"),
            Some("target=a/b:1"),
            Some("target=::1:9042"),
        ] {
            assert!(parse_target(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tokens_in_headers() {
        assert_eq!(token_from_authorization("Bearer abc"), Some("abc"));
        assert_eq!(token_from_authorization("bearer  abc "), Some("abc"));
        assert_eq!(token_from_authorization("Basic abc"), None);
        assert_eq!(token_from_authorization("Bearer "), None);
        assert_eq!(
            token_from_subprotocols("cql.v1, cql.bearer.a.b.c"),
            Some("a.b.c")
        );
        assert_eq!(token_from_subprotocols("cql.v1"), None);
        assert!(offers_subprotocol("cql.bearer.x, cql.v1"));
        assert!(!offers_subprotocol("cql.v2"));
        assert_eq!(
            bearer_subprotocols("web.1.ab").unwrap()[0],
            "cql.bearer.web.1.ab"
        );
        assert!(bearer_subprotocols("a b").is_err());
        assert!(bearer_subprotocols("").is_err());
        assert!(is_valid_subject("web-app_1"));
        assert!(!is_valid_subject("a.b"));
        assert!(!is_valid_subject(""));
    }

    #[test]
    fn clipping_keeps_char_boundaries() {
        let long = "é".repeat(100);
        let clipped = clip_reason(&long);
        assert!(clipped.len() <= 123);
        assert!(long.starts_with(clipped));
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics() {
        for s in ["%", "%4", "%%%", "target=%", "+", "\u{0}"] {
            let _ = percent_decode(s);
            let _ = parse_target(Some(s));
        }
    }
}
