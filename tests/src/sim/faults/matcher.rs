//! Which requests (and which new connections) a fault rule applies to: pure matching over
//! a [`RequestView`], no I/O and no counting (see [`super::count`] for that).

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use cql_core::cluster::token::byte_ordered_to_hex;
use cql_core::frame::Opcode;
use regex::Regex;

use crate::sim::server::client_state::type_name;

/// Which node a rule targets: one server of a cluster sharing an injector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeMatch {
    /// Any server listening on this IP (any port).
    Ip(IpAddr),
    /// The server listening on exactly this address.
    Addr(SocketAddr),
}

impl NodeMatch {
    /// Whether a server listening on `node` is targeted.
    pub fn matches(&self, node: SocketAddr) -> bool {
        match self {
            Self::Ip(ip) => node.ip() == *ip,
            Self::Addr(addr) => node == *addr,
        }
    }

    /// Reads `127.0.0.2` (an IP: any port) or `127.0.0.2:9042` (one address).
    ///
    /// # Errors
    /// Neither an IP nor an `IP:port` address.
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(Self::Ip(ip));
        }
        text.parse::<SocketAddr>().map(Self::Addr).map_err(|_| {
            format!("node {text:?} is neither an IP (127.0.0.2) nor an address (127.0.0.2:9042)")
        })
    }
}

impl From<IpAddr> for NodeMatch {
    fn from(ip: IpAddr) -> Self {
        Self::Ip(ip)
    }
}

impl From<SocketAddr> for NodeMatch {
    fn from(addr: SocketAddr) -> Self {
        Self::Addr(addr)
    }
}

impl fmt::Display for NodeMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ip(ip) => write!(f, "{ip}"),
            Self::Addr(addr) => write!(f, "{addr}"),
        }
    }
}

/// How a rule matches query text.
#[derive(Debug, Clone)]
pub enum QueryMatch {
    /// The text, byte for byte.
    Exact(String),
    /// A regular expression found anywhere in the text (anchor it with `^...$` to match
    /// the whole text).
    Pattern(Regex),
}

impl QueryMatch {
    /// Whether `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        match self {
            Self::Exact(exact) => exact == text,
            Self::Pattern(re) => re.is_match(text),
        }
    }
}

impl fmt::Display for QueryMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(text) => write!(f, "query = {text:?}"),
            Self::Pattern(re) => write!(f, "query ~ /{}/", re.as_str()),
        }
    }
}

/// The request opcode named `name` (case-insensitive: `query`, `EXECUTE`, ...).
///
/// # Errors
/// Not the name of a request opcode; the message lists the valid names.
pub fn parse_opcode(name: &str) -> Result<Opcode, String> {
    const REQUESTS: [Opcode; 8] = [
        Opcode::Startup,
        Opcode::Options,
        Opcode::Query,
        Opcode::Prepare,
        Opcode::Execute,
        Opcode::Register,
        Opcode::Batch,
        Opcode::AuthResponse,
    ];
    REQUESTS
        .into_iter()
        .find(|op| type_name(*op).eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            let names: Vec<_> = REQUESTS.iter().map(|op| type_name(*op)).collect();
            format!(
                "unknown opcode {name:?}; expected one of {}",
                names.join(", ")
            )
        })
}

/// What a rule can see of one request.
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    /// The address the receiving server listens on.
    pub node: SocketAddr,
    /// The connection's number on that server (from 1, in accept order).
    pub connection: u64,
    /// The request's opcode.
    pub opcode: Opcode,
    /// Query texts: a QUERY's or PREPARE's text, a BATCH's query entries, and the text an
    /// EXECUTE (or a BATCH's prepared entries) was prepared from when the node knows it.
    pub queries: &'a [&'a str],
    /// Prepared ids: an EXECUTE's, and a BATCH's prepared entries'.
    pub prepared_ids: &'a [&'a [u8]],
}

/// The matchers of a rule; every one that is set must match (an empty matcher matches
/// every request).
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    /// Only requests received by this node.
    pub node: Option<NodeMatch>,
    /// Only requests on this connection (numbered from 1 per server, in accept order).
    pub connection: Option<u64>,
    /// Only requests with this opcode.
    pub opcode: Option<Opcode>,
    /// Only requests with a query text matching (any batch entry may match).
    pub query: Option<QueryMatch>,
    /// Only EXECUTEs of this prepared id, or BATCHes with an entry of it.
    pub prepared_id: Option<Vec<u8>>,
}

impl Matcher {
    /// Whether `request` matches every matcher that is set.
    pub fn matches(&self, request: &RequestView<'_>) -> bool {
        self.matches_where(request.node, request.connection)
            && self.opcode.is_none_or(|op| op == request.opcode)
            && self
                .query
                .as_ref()
                .is_none_or(|q| request.queries.iter().any(|t| q.matches(t)))
            && self
                .prepared_id
                .as_deref()
                .is_none_or(|id| request.prepared_ids.contains(&id))
    }

    /// Whether a new connection (numbered `connection` on the server listening on `node`)
    /// matches: request matchers (opcode, query, prepared id) never match a connection.
    pub fn matches_connection(&self, node: SocketAddr, connection: u64) -> bool {
        !self.has_request_matchers() && self.matches_where(node, connection)
    }

    fn matches_where(&self, node: SocketAddr, connection: u64) -> bool {
        self.node.is_none_or(|n| n.matches(node)) && self.connection.is_none_or(|c| c == connection)
    }

    /// Whether a matcher that only requests have (opcode, query, prepared id) is set.
    pub fn has_request_matchers(&self) -> bool {
        self.opcode.is_some() || self.query.is_some() || self.prepared_id.is_some()
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(n) = &self.node {
            parts.push(format!("node = {n}"));
        }
        if let Some(c) = self.connection {
            parts.push(format!("connection = {c}"));
        }
        if let Some(op) = self.opcode {
            parts.push(format!("opcode = {}", type_name(op)));
        }
        if let Some(q) = &self.query {
            parts.push(q.to_string());
        }
        if let Some(id) = &self.prepared_id {
            parts.push(format!("prepared_id = {}", byte_ordered_to_hex(id)));
        }
        if parts.is_empty() {
            f.write_str("every request")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn view<'a>(queries: &'a [&'a str], ids: &'a [&'a [u8]]) -> RequestView<'a> {
        RequestView {
            node: addr("127.0.0.2:9042"),
            connection: 3,
            opcode: Opcode::Query,
            queries,
            prepared_ids: ids,
        }
    }

    #[test]
    fn empty_matcher_matches_everything() {
        assert!(Matcher::default().matches(&view(&[], &[])));
        assert!(Matcher::default().matches_connection(addr("10.0.0.1:1"), 99));
        assert_eq!(Matcher::default().to_string(), "every request");
    }

    #[test]
    fn node_by_ip_or_address() {
        let v = view(&[], &[]);
        let by_ip = |ip: &str| Matcher {
            node: Some(NodeMatch::parse(ip).unwrap()),
            ..Matcher::default()
        };
        assert!(by_ip("127.0.0.2").matches(&v));
        assert!(by_ip("127.0.0.2:9042").matches(&v));
        assert!(!by_ip("127.0.0.2:9043").matches(&v));
        assert!(!by_ip("127.0.0.1").matches(&v));
        assert!(NodeMatch::parse("localhost").is_err());
        assert_eq!(NodeMatch::parse("::1").unwrap().to_string(), "::1");
    }

    #[test]
    fn connection_and_opcode() {
        let v = view(&[], &[]);
        let m = |connection, opcode| Matcher {
            connection,
            opcode,
            ..Matcher::default()
        };
        assert!(m(Some(3), Some(Opcode::Query)).matches(&v));
        assert!(!m(Some(4), None).matches(&v));
        assert!(!m(None, Some(Opcode::Execute)).matches(&v));
        assert!(m(Some(3), None).matches_connection(v.node, 3));
        assert!(!m(Some(3), None).matches_connection(v.node, 2));
    }

    #[test]
    fn query_exact_and_pattern_over_every_text() {
        let texts = ["SELECT * FROM ks.t", "INSERT INTO ks.u (k) VALUES (1)"];
        let v = view(&texts, &[]);
        let m = |q| Matcher {
            query: Some(q),
            ..Matcher::default()
        };
        assert!(m(QueryMatch::Exact("SELECT * FROM ks.t".into())).matches(&v));
        assert!(!m(QueryMatch::Exact("SELECT * FROM ks.T".into())).matches(&v));
        assert!(m(QueryMatch::Pattern(Regex::new(r"INTO ks\.u").unwrap())).matches(&v));
        assert!(!m(QueryMatch::Pattern(Regex::new(r"^INTO").unwrap())).matches(&v));
        // No text at all (an OPTIONS, or an EXECUTE of an unknown id): no match.
        assert!(!m(QueryMatch::Pattern(Regex::new(".*").unwrap())).matches(&view(&[], &[])));
    }

    #[test]
    fn prepared_ids() {
        let ids: [&[u8]; 2] = [&[1, 2], &[3, 4]];
        let v = view(&[], &ids);
        let m = |id: &[u8]| Matcher {
            prepared_id: Some(id.to_vec()),
            ..Matcher::default()
        };
        assert!(m(&[3, 4]).matches(&v));
        assert!(!m(&[3]).matches(&v));
        assert_eq!(m(&[0xab]).to_string(), "prepared_id = ab");
    }

    #[test]
    fn request_matchers_never_match_connections() {
        let m = Matcher {
            opcode: Some(Opcode::Query),
            ..Matcher::default()
        };
        assert!(m.has_request_matchers());
        assert!(!m.matches_connection(addr("127.0.0.2:9042"), 1));
        assert!(!Matcher::default().has_request_matchers());
    }

    #[test]
    fn opcode_names() {
        assert_eq!(parse_opcode("query"), Ok(Opcode::Query));
        assert_eq!(parse_opcode("AUTH_RESPONSE"), Ok(Opcode::AuthResponse));
        let e = parse_opcode("RESULT").unwrap_err();
        assert!(e.contains("expected one of STARTUP, OPTIONS, QUERY"), "{e}");
        assert_eq!(type_name(Opcode::Batch), "BATCH");
    }
}
