//! Graph options — graph name, traversal source, language, results protocol, graph read and
//! write consistency — and the custom payload a graph request carries them in.
//!
//! A DSE node reads a graph request's options from the QUERY's custom payload, one key per
//! option. The keys keep the order the options were set in (the Python driver's, so
//! requests compare byte for byte); the source and language defaults follow the options
//! set, then the results protocol resolved for the request, then the proxy user, then the
//! request timeout.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::time::Duration;

use bytes::Bytes;

use crate::graph::graphson::GraphsonVersion;
use crate::message::Consistency;
use crate::message::envelope::CustomPayload;

/// The payload key of the graph name.
pub const GRAPH_NAME_KEY: &str = "graph-name";
/// The payload key of the traversal source (`g`, `a` for analytics, `default`).
pub const GRAPH_SOURCE_KEY: &str = "graph-source";
/// The payload key of the query language (`gremlin-groovy`, `bytecode-json`).
pub const GRAPH_LANGUAGE_KEY: &str = "graph-language";
/// The payload key of the results protocol (`graphson-1.0`, `graphson-2.0`, `graphson-3.0`).
pub const GRAPH_RESULTS_KEY: &str = "graph-results";
/// The payload key of the consistency of the graph's reads.
pub const GRAPH_READ_CONSISTENCY_KEY: &str = "graph-read-consistency";
/// The payload key of the consistency of the graph's writes.
pub const GRAPH_WRITE_CONSISTENCY_KEY: &str = "graph-write-consistency";
/// The payload key of the server-side timeout (int64 big-endian milliseconds).
pub const REQUEST_TIMEOUT_KEY: &str = "request-timeout";
/// The payload key of the role a request executes as (proxy execution).
pub const PROXY_EXECUTE_KEY: &str = "ProxyExecute";

/// The default traversal source.
pub const DEFAULT_SOURCE: &str = "g";
/// The analytics (OLAP) traversal source.
pub const ANALYTICS_SOURCE: &str = "a";
/// The Gremlin-Groovy script language, the default.
pub const GREMLIN_GROOVY: &str = "gremlin-groovy";
/// The language of traversals sent as GraphSON bytecode.
pub const BYTECODE_JSON: &str = "bytecode-json";

/// The results protocol of a request without one set: GraphSON 3.0 on a graph of the Core
/// engine, GraphSON 1.0 for Gremlin-Groovy, GraphSON 2.0 for any other language (the
/// Python driver's rule).
pub fn resolve_protocol(language: &str, core_engine: bool) -> GraphsonVersion {
    if core_engine {
        GraphsonVersion::V3
    } else if language == GREMLIN_GROOVY {
        GraphsonVersion::V1
    } else {
        GraphsonVersion::V2
    }
}

/// One graph option.
#[derive(Debug, Clone, PartialEq, Eq)]
enum GraphOption {
    Name(String),
    Source(String),
    Language(String),
    Protocol(GraphsonVersion),
    ReadConsistency(Consistency),
    WriteConsistency(Consistency),
}

impl GraphOption {
    fn key(&self) -> &'static str {
        match self {
            Self::Name(_) => GRAPH_NAME_KEY,
            Self::Source(_) => GRAPH_SOURCE_KEY,
            Self::Language(_) => GRAPH_LANGUAGE_KEY,
            Self::Protocol(_) => GRAPH_RESULTS_KEY,
            Self::ReadConsistency(_) => GRAPH_READ_CONSISTENCY_KEY,
            Self::WriteConsistency(_) => GRAPH_WRITE_CONSISTENCY_KEY,
        }
    }

    fn value(&self) -> Bytes {
        let text: &str = match self {
            Self::Name(s) | Self::Source(s) | Self::Language(s) => s,
            Self::Protocol(p) => p.protocol_name(),
            Self::ReadConsistency(c) | Self::WriteConsistency(c) => c.name(),
        };
        Bytes::copy_from_slice(text.as_bytes())
    }
}

/// The options of graph requests: which graph, which traversal source, which language,
/// which results protocol and the graph's read and write consistency. Unset options take
/// the defaults of [`payload`](Self::payload); options of a statement override its
/// profile's ([`merged_over`](Self::merged_over)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphOptions {
    /// The options set, in the order they were first set.
    set: Vec<GraphOption>,
}

macro_rules! option_accessors {
    ($(($set:ident, $get:ident, $variant:ident, $ty:ty, $doc:literal)),* $(,)?) => {
        $(
            #[doc = concat!("Sets ", $doc, ".")]
            #[must_use]
            pub fn $set(mut self, value: impl Into<$ty>) -> Self {
                self.put(GraphOption::$variant(value.into()));
                self
            }

            #[doc = concat!(
                "The ",
                $doc,
                " set, if any."
            )]
            pub fn $get(&self) -> Option<&$ty> {
                self.set.iter().find_map(|o| match o {
                    GraphOption::$variant(v) => Some(v),
                    _ => None,
                })
            }
        )*
    };
}

impl GraphOptions {
    /// No option set.
    pub fn new() -> Self {
        Self::default()
    }

    option_accessors!(
        (
            graph_name,
            name,
            Name,
            String,
            "the graph (its keyspace) requests run on"
        ),
        (
            graph_source,
            source,
            Source,
            String,
            "the traversal source (`g`, `a` for analytics, `default`)"
        ),
        (
            graph_language,
            language,
            Language,
            String,
            "the query language (`gremlin-groovy`, `bytecode-json`)"
        ),
        (
            graph_protocol,
            protocol,
            Protocol,
            GraphsonVersion,
            "the results protocol (default: resolved per request)"
        ),
        (
            read_consistency,
            graph_read_consistency,
            ReadConsistency,
            Consistency,
            "the consistency of the graph's reads"
        ),
        (
            write_consistency,
            graph_write_consistency,
            WriteConsistency,
            Consistency,
            "the consistency of the graph's writes"
        ),
    );

    /// Sets `option`, in place when it was set before (its position is kept).
    fn put(&mut self, option: GraphOption) {
        match self.set.iter_mut().find(|o| o.key() == option.key()) {
            Some(slot) => *slot = option,
            None => self.set.push(option),
        }
    }

    /// These options with `overrides`' set options applied over them (a statement's over
    /// its profile's).
    #[must_use]
    pub fn merged_over(&self, overrides: &GraphOptions) -> GraphOptions {
        let mut out = self.clone();
        for option in &overrides.set {
            out.put(option.clone());
        }
        out
    }

    /// The language requests use: the one set, else Gremlin-Groovy.
    pub fn effective_language(&self) -> &str {
        self.language().map_or(GREMLIN_GROOVY, String::as_str)
    }

    /// The results protocol of a request: the one set, else
    /// [`resolve_protocol`] for the language and whether the graph is of the Core
    /// engine.
    pub fn effective_protocol(&self, core_engine: bool) -> GraphsonVersion {
        self.protocol()
            .copied()
            .unwrap_or_else(|| resolve_protocol(self.effective_language(), core_engine))
    }

    /// The custom payload of a request: the options set in their order, the source and
    /// language defaults when unset, `protocol` when no protocol is set, the proxy role,
    /// and the server-side timeout in milliseconds.
    pub fn payload(
        &self,
        protocol: GraphsonVersion,
        execute_as: Option<&str>,
        request_timeout: Option<Duration>,
    ) -> CustomPayload {
        let mut out: CustomPayload = self
            .set
            .iter()
            .map(|o| (o.key().to_string(), Some(o.value())))
            .collect();
        let mut default = |key: &str, value: &str| {
            if !out.iter().any(|(k, _)| k == key) {
                out.push((
                    key.to_string(),
                    Some(Bytes::copy_from_slice(value.as_bytes())),
                ));
            }
        };
        default(GRAPH_SOURCE_KEY, DEFAULT_SOURCE);
        default(GRAPH_LANGUAGE_KEY, GREMLIN_GROOVY);
        default(GRAPH_RESULTS_KEY, protocol.protocol_name());
        if let Some(role) = execute_as {
            out.push((
                PROXY_EXECUTE_KEY.to_string(),
                Some(Bytes::copy_from_slice(role.as_bytes())),
            ));
        }
        if let Some(timeout) = request_timeout {
            let ms = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX);
            out.push((
                REQUEST_TIMEOUT_KEY.to_string(),
                Some(Bytes::copy_from_slice(&ms.to_be_bytes())),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(p: &CustomPayload) -> Vec<&str> {
        p.iter().map(|(k, _)| k.as_str()).collect()
    }

    fn text(p: &CustomPayload, key: &str) -> String {
        let v = p.iter().find(|(k, _)| k == key).unwrap().1.clone().unwrap();
        String::from_utf8(v.to_vec()).unwrap()
    }

    #[test]
    fn defaults_follow_the_options_set_then_results_proxy_and_timeout() {
        let o = GraphOptions::new()
            .graph_name("g1")
            .graph_protocol(GraphsonVersion::V2);
        let p = o.payload(
            GraphsonVersion::V2,
            Some("alice"),
            Some(Duration::from_millis(2500)),
        );
        assert_eq!(
            keys(&p),
            [
                "graph-name",
                "graph-results",
                "graph-source",
                "graph-language",
                "ProxyExecute",
                "request-timeout"
            ]
        );
        assert_eq!(text(&p, "graph-source"), "g");
        assert_eq!(text(&p, "graph-language"), "gremlin-groovy");
        assert_eq!(text(&p, "ProxyExecute"), "alice");
        let ms = p.last().unwrap().1.clone().unwrap();
        assert_eq!(&ms[..], &2500i64.to_be_bytes());
    }

    #[test]
    fn setting_again_keeps_the_first_position_and_statement_options_win() {
        let profile = GraphOptions::new().graph_source("g").graph_name("a");
        let statement = GraphOptions::new()
            .graph_name("b")
            .read_consistency(Consistency::LocalQuorum);
        let merged = profile.merged_over(&statement);
        let p = merged.payload(GraphsonVersion::V1, None, None);
        assert_eq!(
            keys(&p),
            [
                "graph-source",
                "graph-name",
                "graph-read-consistency",
                "graph-language",
                "graph-results"
            ]
        );
        assert_eq!(text(&p, "graph-name"), "b");
        assert_eq!(text(&p, "graph-read-consistency"), "LOCAL_QUORUM");
    }

    #[test]
    fn protocol_resolution_follows_engine_then_language() {
        assert_eq!(resolve_protocol(GREMLIN_GROOVY, false), GraphsonVersion::V1);
        assert_eq!(resolve_protocol(BYTECODE_JSON, false), GraphsonVersion::V2);
        assert_eq!(resolve_protocol(GREMLIN_GROOVY, true), GraphsonVersion::V3);
        let explicit = GraphOptions::new().graph_protocol(GraphsonVersion::V2);
        assert_eq!(explicit.effective_protocol(true), GraphsonVersion::V2);
        assert_eq!(
            GraphsonVersion::from_protocol_name("graphson-3.0"),
            Some(GraphsonVersion::V3)
        );
    }
}
