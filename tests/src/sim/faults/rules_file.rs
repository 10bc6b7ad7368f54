//! The rules file of `cql-sim --rules FILE`: TOML, one `[[rule]]` table per rule, flat
//! keys for matchers, count and action (see `tests/examples/faults.toml`). Errors name
//! the line and the field.
//!
//! ```toml
//! [[rule]]
//! node = "127.0.0.2"              # IP (any port) or IP:port; omitted: every node
//! opcode = "QUERY"                # STARTUP, OPTIONS, QUERY, PREPARE, EXECUTE, REGISTER, BATCH, AUTH_RESPONSE
//! query_pattern = '^SELECT .* FROM ks\.t'   # or query = "exact text"
//! first = 2                       # or every = N, or after = N
//! action = "read_timeout"
//! consistency = "QUORUM"          # omitted: the request's own
//! received = 1
//! block_for = 2
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use cql_core::frame::Opcode;
use cql_core::message::{Consistency, DbError, Failures, WriteType};
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::action::{Action, CorruptKind, ErrorAction};
use super::count::CountFilter;
use super::injector::Rule;
use super::matcher::{Matcher, NodeMatch, QueryMatch, parse_opcode};
use crate::sim::exec::literal::parse_hex;

/// A rules file could not be read or is invalid; the message names the file, the line
/// and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError {
    /// What is wrong, and where.
    pub message: String,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RulesError {}

/// Reads the rules of a TOML rules file.
///
/// # Errors
/// The file cannot be read, or [`parse_rules`] fails (the message starts with the path).
pub fn load_rules(path: &Path) -> Result<Vec<Rule>, RulesError> {
    let text = std::fs::read_to_string(path).map_err(|e| RulesError {
        message: format!("{}: {e}", path.display()),
    })?;
    parse_rules(&text).map_err(|e| RulesError {
        message: format!("{}: {}", path.display(), e.message),
    })
}

/// Reads the rules of a TOML rules document, in order.
///
/// # Errors
/// Invalid TOML, unknown keys, invalid values, or keys that do not fit the rule's action;
/// the message names the line and the field.
pub fn parse_rules(text: &str) -> Result<Vec<Rule>, RulesError> {
    let file: RulesFile = toml::from_str(text).map_err(|e| RulesError {
        message: e.to_string().trim_end().to_string(),
    })?;
    file.rule
        .into_iter()
        .enumerate()
        .map(|(i, spec)| {
            let line = line_of(text, spec.span().start);
            spec.into_inner().into_rule().map_err(|e| RulesError {
                message: format!("rule {} (line {line}): {e}", i + 1),
            })
        })
        .collect()
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |t| t.bytes().filter(|b| *b == b'\n').count())
        + 1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    rule: Vec<Spanned<RuleSpec>>,
}

/// One `[[rule]]` table, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    node: Option<NodeSpec>,
    connection: Option<u64>,
    opcode: Option<OpcodeSpec>,
    query: Option<String>,
    query_pattern: Option<PatternSpec>,
    prepared_id: Option<HexSpec>,
    first: Option<u64>,
    every: Option<u64>,
    after: Option<u64>,
    action: ActionName,
    // The action's parameters (which apply depends on the action); kept in this struct
    // because serde's `flatten` does not work with `deny_unknown_fields`.
    message: Option<String>,
    consistency: Option<ConsistencySpec>,
    received: Option<i32>,
    block_for: Option<i32>,
    data_present: Option<bool>,
    write_type: Option<WriteTypeSpec>,
    contentions: Option<u16>,
    required: Option<i32>,
    alive: Option<i32>,
    failures: Option<i32>,
    reasons: Option<BTreeMap<String, u16>>,
    id: Option<HexSpec>,
    millis: Option<u64>,
    kind: Option<KindSpec>,
}

/// The action's parameters of a rule.
#[derive(Debug, Default)]
struct Params {
    message: Option<String>,
    consistency: Option<ConsistencySpec>,
    received: Option<i32>,
    block_for: Option<i32>,
    data_present: Option<bool>,
    write_type: Option<WriteTypeSpec>,
    contentions: Option<u16>,
    required: Option<i32>,
    alive: Option<i32>,
    failures: Option<i32>,
    reasons: Option<BTreeMap<String, u16>>,
    id: Option<HexSpec>,
    millis: Option<u64>,
    kind: Option<KindSpec>,
}

impl Params {
    /// The names of the parameters that are set.
    fn present(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        let mut add = |name, on: bool| {
            if on {
                set.push(name);
            }
        };
        add("message", self.message.is_some());
        add("consistency", self.consistency.is_some());
        add("received", self.received.is_some());
        add("block_for", self.block_for.is_some());
        add("data_present", self.data_present.is_some());
        add("write_type", self.write_type.is_some());
        add("contentions", self.contentions.is_some());
        add("required", self.required.is_some());
        add("alive", self.alive.is_some());
        add("failures", self.failures.is_some());
        add("reasons", self.reasons.is_some());
        add("id", self.id.is_some());
        add("millis", self.millis.is_some());
        add("kind", self.kind.is_some());
        set
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ActionName {
    ReadTimeout,
    WriteTimeout,
    Unavailable,
    Overloaded,
    IsBootstrapping,
    ServerError,
    TruncateError,
    ReadFailure,
    WriteFailure,
    Unprepared,
    CasWriteUnknown,
    SyntaxError,
    Invalid,
    Unauthorized,
    Delay,
    NoAnswer,
    CloseBefore,
    CloseAfter,
    Corrupt,
    RefuseConnection,
}

impl ActionName {
    fn name(self) -> &'static str {
        match self {
            Self::ReadTimeout => "read_timeout",
            Self::WriteTimeout => "write_timeout",
            Self::Unavailable => "unavailable",
            Self::Overloaded => "overloaded",
            Self::IsBootstrapping => "is_bootstrapping",
            Self::ServerError => "server_error",
            Self::TruncateError => "truncate_error",
            Self::ReadFailure => "read_failure",
            Self::WriteFailure => "write_failure",
            Self::Unprepared => "unprepared",
            Self::CasWriteUnknown => "cas_write_unknown",
            Self::SyntaxError => "syntax_error",
            Self::Invalid => "invalid",
            Self::Unauthorized => "unauthorized",
            Self::Delay => "delay",
            Self::NoAnswer => "no_answer",
            Self::CloseBefore => "close_before",
            Self::CloseAfter => "close_after",
            Self::Corrupt => "corrupt",
            Self::RefuseConnection => "refuse_connection",
        }
    }

    /// The parameters the action takes.
    fn params(self) -> &'static [&'static str] {
        const COUNTS: [&str; 3] = ["consistency", "received", "block_for"];
        match self {
            Self::ReadTimeout => &[COUNTS[0], COUNTS[1], COUNTS[2], "data_present", "message"],
            Self::WriteTimeout => &[
                COUNTS[0],
                COUNTS[1],
                COUNTS[2],
                "write_type",
                "contentions",
                "message",
            ],
            Self::Unavailable => &["consistency", "required", "alive", "message"],
            Self::ReadFailure => &[
                COUNTS[0],
                COUNTS[1],
                COUNTS[2],
                "failures",
                "reasons",
                "data_present",
                "message",
            ],
            Self::WriteFailure => &[
                COUNTS[0],
                COUNTS[1],
                COUNTS[2],
                "failures",
                "reasons",
                "write_type",
                "message",
            ],
            Self::CasWriteUnknown => &[COUNTS[0], COUNTS[1], COUNTS[2], "message"],
            Self::Unprepared => &["id", "message"],
            Self::Overloaded
            | Self::IsBootstrapping
            | Self::ServerError
            | Self::TruncateError
            | Self::SyntaxError
            | Self::Invalid
            | Self::Unauthorized => &["message"],
            Self::Delay => &["millis"],
            Self::Corrupt => &["kind"],
            Self::NoAnswer | Self::CloseBefore | Self::CloseAfter | Self::RefuseConnection => &[],
        }
    }
}

impl RuleSpec {
    fn into_rule(self) -> Result<Rule, String> {
        let count = match (self.first, self.every, self.after) {
            (None, None, None) => CountFilter::Always,
            (Some(n), None, None) => CountFilter::First(n),
            (None, Some(0), None) => return Err("`every` must be at least 1".into()),
            (None, Some(n), None) => CountFilter::EveryNth(n),
            (None, None, Some(n)) => CountFilter::After(n),
            _ => return Err("`first`, `every` and `after` exclude each other".into()),
        };
        let query = match (self.query, self.query_pattern) {
            (Some(_), Some(_)) => {
                return Err("`query` and `query_pattern` exclude each other".into());
            }
            (Some(q), None) => Some(QueryMatch::Exact(q)),
            (None, Some(p)) => Some(QueryMatch::Pattern(p.0)),
            (None, None) => None,
        };
        let matcher = Matcher {
            node: self.node.map(|n| n.0),
            connection: self.connection,
            opcode: self.opcode.map(|o| o.0),
            query,
            prepared_id: self.prepared_id.map(|h| h.0),
        };
        let name = self.action;
        let params = Params {
            message: self.message,
            consistency: self.consistency,
            received: self.received,
            block_for: self.block_for,
            data_present: self.data_present,
            write_type: self.write_type,
            contentions: self.contentions,
            required: self.required,
            alive: self.alive,
            failures: self.failures,
            reasons: self.reasons,
            id: self.id,
            millis: self.millis,
            kind: self.kind,
        };
        let allowed = name.params();
        if let Some(stray) = params.present().into_iter().find(|p| !allowed.contains(p)) {
            let takes = if allowed.is_empty() {
                "no parameters".to_string()
            } else {
                format!("only {}", allowed.join(", "))
            };
            return Err(format!(
                "`{stray}` does not apply to action \"{}\" (it takes {takes})",
                name.name()
            ));
        }
        let action = build_action(name, params)?;
        if action.is_connection_action() && matcher.has_request_matchers() {
            return Err(
                "action \"refuse_connection\" applies to new connections: `opcode`, `query`, \
                 `query_pattern` and `prepared_id` cannot be used with it"
                    .into(),
            );
        }
        Ok(Rule {
            matcher,
            count,
            action,
        })
    }
}

fn build_action(name: ActionName, p: Params) -> Result<Action, String> {
    let consistency = p.consistency.map_or(Consistency::One, |c| c.0);
    let received = p.received.unwrap_or(0);
    let block_for = p.block_for.unwrap_or(1);
    let failures = || -> Result<Failures, String> {
        match (p.failures, &p.reasons) {
            (Some(_), Some(_)) => Err("`failures` and `reasons` exclude each other".into()),
            (Some(n), None) => Ok(Failures::Count(n)),
            (None, None) => Ok(Failures::Count(1)),
            (None, Some(map)) => map
                .iter()
                .map(|(ip, code)| {
                    ip.parse::<IpAddr>()
                        .map(|ip| (ip, *code))
                        .map_err(|_| format!("`reasons`: {ip:?} is not an IP address"))
                })
                .collect::<Result<_, _>>()
                .map(Failures::ByReplica),
        }
    };
    let write_type = |default: WriteType| p.write_type.clone().map_or(default, |w| w.0);
    let error = match name {
        ActionName::ReadTimeout => DbError::ReadTimeout {
            consistency,
            received,
            block_for,
            data_present: p.data_present.unwrap_or(false),
        },
        ActionName::WriteTimeout => {
            let default = match p.contentions {
                Some(_) => WriteType::Cas,
                None => WriteType::Simple,
            };
            DbError::WriteTimeout {
                consistency,
                received,
                block_for,
                write_type: write_type(default),
                contentions: p.contentions,
            }
        }
        ActionName::Unavailable => DbError::Unavailable {
            consistency,
            required: p.required.unwrap_or(1),
            alive: p.alive.unwrap_or(0),
        },
        ActionName::ReadFailure => DbError::ReadFailure {
            consistency,
            received,
            block_for,
            failures: failures()?,
            data_present: p.data_present.unwrap_or(false),
        },
        ActionName::WriteFailure => DbError::WriteFailure {
            consistency,
            received,
            block_for,
            failures: failures()?,
            write_type: write_type(WriteType::Simple),
        },
        ActionName::CasWriteUnknown => DbError::CasWriteUnknown {
            consistency,
            received,
            block_for,
        },
        ActionName::Unprepared => DbError::Unprepared {
            id: Bytes::from(p.id.map(|h| h.0).unwrap_or_default()),
        },
        ActionName::Overloaded => DbError::Overloaded,
        ActionName::IsBootstrapping => DbError::IsBootstrapping,
        ActionName::ServerError => DbError::ServerError,
        ActionName::TruncateError => DbError::TruncateError,
        ActionName::SyntaxError => DbError::SyntaxError,
        ActionName::Invalid => DbError::Invalid,
        ActionName::Unauthorized => DbError::Unauthorized,
        ActionName::Delay => {
            let millis = p
                .millis
                .ok_or("action \"delay\" needs `millis` (the delay in milliseconds)")?;
            return Ok(Action::Delay(Duration::from_millis(millis)));
        }
        ActionName::NoAnswer => return Ok(Action::NoAnswer),
        ActionName::CloseBefore => return Ok(Action::CloseBeforeExecuting),
        ActionName::CloseAfter => return Ok(Action::CloseAfterExecuting),
        ActionName::Corrupt => {
            return Ok(Action::Corrupt(p.kind.map_or(CorruptKind::Header, |k| k.0)));
        }
        ActionName::RefuseConnection => return Ok(Action::RefuseConnection),
    };
    Ok(Action::Error(ErrorAction {
        error,
        message: p.message,
        consistency_from_request: p.consistency.is_none(),
    }))
}

/// `node = "127.0.0.2"` or `"127.0.0.2:9042"`.
#[derive(Debug, Deserialize)]
#[serde(try_from = "String")]
struct NodeSpec(NodeMatch);

impl TryFrom<String> for NodeSpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        NodeMatch::parse(&s).map(Self)
    }
}

#[derive(Debug, Deserialize)]
#[serde(try_from = "String")]
struct OpcodeSpec(Opcode);

impl TryFrom<String> for OpcodeSpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        parse_opcode(&s).map(Self)
    }
}

#[derive(Debug, Deserialize)]
#[serde(try_from = "String")]
struct PatternSpec(Regex);

impl TryFrom<String> for PatternSpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Regex::new(&s)
            .map(Self)
            .map_err(|e| format!("invalid regular expression: {e}"))
    }
}

/// Hex bytes, `"0a1b..."` (an optional `0x` prefix is allowed).
#[derive(Debug, Deserialize)]
#[serde(try_from = "String")]
struct HexSpec(Vec<u8>);

impl TryFrom<String> for HexSpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let digits = s.strip_prefix("0x").unwrap_or(&s);
        parse_hex(digits)
            .ok_or_else(|| format!("{s:?} is not hex bytes (like \"0a1b2c\")"))
            .map(Self)
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "String")]
struct ConsistencySpec(Consistency);

impl TryFrom<String> for ConsistencySpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        (0..=10u16)
            .filter_map(|code| Consistency::from_code(code).ok())
            .find(|c| c.name().eq_ignore_ascii_case(&s))
            .map(Self)
            .ok_or_else(|| {
                format!(
                    "unknown consistency {s:?}; expected ANY, ONE, TWO, THREE, QUORUM, ALL, \
                     LOCAL_QUORUM, EACH_QUORUM, SERIAL, LOCAL_SERIAL or LOCAL_ONE"
                )
            })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
struct WriteTypeSpec(WriteType);

impl TryFrom<String> for WriteTypeSpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match WriteType::from_name(&s.to_ascii_uppercase()) {
            WriteType::Other(_) => Err(format!(
                "unknown write type {s:?}; expected SIMPLE, BATCH, UNLOGGED_BATCH, COUNTER, \
                 BATCH_LOG, CAS, VIEW or CDC"
            )),
            known => Ok(Self(known)),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "String")]
struct KindSpec(CorruptKind);

impl TryFrom<String> for KindSpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "header" => Ok(Self(CorruptKind::Header)),
            "body" => Ok(Self(CorruptKind::Body)),
            _ => Err(format!(
                "unknown corrupt kind {s:?}; expected \"header\" or \"body\""
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Rule {
        let mut rules = parse_rules(text).unwrap();
        assert_eq!(rules.len(), 1);
        rules.remove(0)
    }

    fn err(text: &str) -> String {
        parse_rules(text).unwrap_err().message
    }

    #[test]
    fn matchers_count_and_error_action() {
        let rule = one(r#"
            [[rule]]
            node = "127.0.0.2"
            connection = 3
            opcode = "query"
            query_pattern = '^SELECT .* FROM ks\.t'
            first = 2
            action = "read_timeout"
            consistency = "QUORUM"
            received = 1
            block_for = 2
            data_present = true
        "#);
        assert_eq!(
            rule.matcher.node,
            Some(NodeMatch::Ip([127, 0, 0, 2].into()))
        );
        assert_eq!(rule.matcher.connection, Some(3));
        assert_eq!(rule.matcher.opcode, Some(Opcode::Query));
        assert!(matches!(rule.matcher.query, Some(QueryMatch::Pattern(_))));
        assert_eq!(rule.count, CountFilter::First(2));
        assert_eq!(
            rule.action,
            Action::read_timeout(Consistency::Quorum, 1, 2, true)
        );
    }

    #[test]
    fn every_action_reads() {
        let text = r#"
            [[rule]]
            action = "write_timeout"
            contentions = 2
            [[rule]]
            action = "unavailable"
            required = 3
            alive = 1
            [[rule]]
            action = "write_failure"
            reasons = { "127.0.0.1" = 1, "127.0.0.2" = 0 }
            write_type = "batch_log"
            [[rule]]
            action = "read_failure"
            failures = 2
            [[rule]]
            action = "unprepared"
            id = "0xabcd"
            prepared_id = "abcd"
            [[rule]]
            action = "cas_write_unknown"
            [[rule]]
            action = "server_error"
            message = "boom"
            [[rule]]
            action = "delay"
            millis = 250
            every = 3
            [[rule]]
            action = "corrupt"
            kind = "body"
            [[rule]]
            action = "close_after"
            after = 1
            [[rule]]
            action = "refuse_connection"
            node = "127.0.0.3:9042"
        "#;
        let rules = parse_rules(text).unwrap();
        assert_eq!(rules.len(), 11);
        let Action::Error(e) = &rules[0].action else {
            panic!()
        };
        assert!(e.consistency_from_request, "no consistency: the request's");
        assert!(matches!(
            e.error,
            DbError::WriteTimeout {
                write_type: WriteType::Cas,
                contentions: Some(2),
                ..
            }
        ));
        let Action::Error(e) = &rules[2].action else {
            panic!()
        };
        let DbError::WriteFailure {
            failures: Failures::ByReplica(map),
            write_type: WriteType::BatchLog,
            ..
        } = &e.error
        else {
            panic!("{e:?}")
        };
        assert_eq!(map.len(), 2);
        assert_eq!(
            rules[4].matcher.prepared_id.as_deref(),
            Some(&[0xab, 0xcd][..])
        );
        assert_eq!(rules[7].action, Action::Delay(Duration::from_millis(250)));
        assert_eq!(rules[7].count, CountFilter::EveryNth(3));
        assert_eq!(rules[8].action, Action::Corrupt(CorruptKind::Body));
        assert_eq!(rules[9].count, CountFilter::After(1));
        assert_eq!(rules[10].action, Action::RefuseConnection);
        assert!(parse_rules("").unwrap().is_empty());
    }

    #[test]
    fn errors_name_line_and_field() {
        let e = err("[[rule]]\naction = \"no_answer\"\nopcode = \"QUER\"\n");
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("unknown opcode \"QUER\""), "{e}");
        let e = err("[[rule]]\naction = \"explode\"\n");
        assert!(e.contains("line 2") && e.contains("explode"), "{e}");
        let e = err("[[rule]]\naction = \"no_answer\"\nquery_patern = \"x\"\n");
        assert!(e.contains("line 3") && e.contains("query_patern"), "{e}");
        let e = err(
            "[[rule]]\naction = \"no_answer\"\n\n[[rule]]\naction = \"read_timeout\"\nmillis = 5\n",
        );
        assert!(e.starts_with("rule 2 (line 4)"), "{e}");
        assert!(
            e.contains("`millis` does not apply to action \"read_timeout\""),
            "{e}"
        );
        let e = err("[[rule]]\naction = \"delay\"\n");
        assert!(e.contains("needs `millis`"), "{e}");
        let e = err("[[rule]]\naction = \"no_answer\"\nfirst = 1\nafter = 2\n");
        assert!(e.contains("exclude each other"), "{e}");
        let e = err("[[rule]]\naction = \"refuse_connection\"\nopcode = \"QUERY\"\n");
        assert!(e.contains("applies to new connections"), "{e}");
        let e = err("[[rule]]\naction = \"no_answer\"\nquery_pattern = \"(\"\n");
        assert!(
            e.contains("line 3") && e.contains("invalid regular expression"),
            "{e}"
        );
        let e = err("[[rule]]\naction = \"read_failure\"\nreasons = { nope = 1 }\n");
        assert!(e.contains("`reasons`"), "{e}");
        let e = err("[[rule]]\naction = \"unprepared\"\nid = \"abc\"\n");
        assert!(e.contains("line 3") && e.contains("not hex"), "{e}");
        let e = err("[[rule]]\naction = \"no_answer\"\nevery = 0\n");
        assert!(e.contains("at least 1"), "{e}");
        let e = err("[[rules]]\naction = \"no_answer\"\n");
        assert!(e.contains("rules"), "{e}");
        let e = load_rules(Path::new("/nonexistent/faults.toml")).unwrap_err();
        assert!(e.message.starts_with("/nonexistent/faults.toml: "), "{e}");
    }

    #[test]
    fn the_example_file_reads() {
        let rules = parse_rules(include_str!("../../../examples/faults.toml")).unwrap();
        assert_eq!(rules.len(), 8);
        assert_eq!(rules[7].action, Action::RefuseConnection);
    }

    #[test]
    fn hex_and_names() {
        assert_eq!(
            HexSpec::try_from("0aff".to_string()).unwrap().0,
            [0x0a, 0xff]
        );
        assert!(HexSpec::try_from("zz".to_string()).is_err());
        assert_eq!(
            ConsistencySpec::try_from("local_quorum".to_string())
                .unwrap()
                .0,
            Consistency::LocalQuorum
        );
        assert!(ConsistencySpec::try_from("MOST".to_string()).is_err());
        assert!(WriteTypeSpec::try_from("SIMPLEST".to_string()).is_err());
        assert!(KindSpec::try_from("trailer".to_string()).is_err());
    }
}
