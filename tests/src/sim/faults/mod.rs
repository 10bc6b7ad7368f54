//! Fault injection and request records for simulated nodes.
//!
//! A [`FaultInjector`] holds [`Rule`]s (a [`Matcher`], a [`CountFilter`] and an
//! [`Action`]) that servers consult for every decoded request and every new connection; a
//! [`RequestLog`] keeps a [`RequestRecord`] of every request a server received. Both are
//! clonable handles set in `SimServerConfig` (`with_faults`, `with_request_log`) and
//! reachable from the running server (`faults()`, `request_log()`), so a cluster can share
//! one between all its nodes or give each node its own. Rules can be added and removed
//! while the servers run.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use cql_core::frame::Opcode;
//! use cql_testkit::sim::faults::{Action, Rule};
//! use cql_testkit::sim::server::{SimServer, SimServerConfig};
//!
//! let server = SimServer::start(SimServerConfig::default()).await?;
//! let rule = server.faults().add(Rule::new(Action::overloaded()).opcode(Opcode::Query).first(1));
//! // ... the first QUERY gets OVERLOADED, the next ones are answered ...
//! let queries = server.request_log().with_opcode(Opcode::Query);
//! server.faults().remove(rule);
//! # Ok(()) }
//! ```
//!
//! ```text
//!   matcher     which requests / connections a rule applies to (pure)
//!   count       first N, every Nth, after N (pure)
//!   action      what a rule does; error bodies with Cassandra's messages; corrupt frames
//!   injector    Rule, the shared FaultInjector, per-rule counters
//!   records     RequestRecord and the bounded, shared RequestLog
//!   hooks       what the server's session gives rules and records (no I/O)
//!   rules_file  the TOML rules file of `cql-sim --rules`
//! ```

pub mod action;
pub mod count;
pub(crate) mod hooks;
pub mod injector;
pub mod matcher;
pub mod records;
pub mod rules_file;

pub use action::{Action, CorruptKind, ErrorAction, FaultEffect, RequestFacts};
pub use count::CountFilter;
pub use injector::{Decision, FaultInjector, Rule, RuleId, RuleStats};
pub use matcher::{Matcher, NodeMatch, QueryMatch, RequestView};
pub use records::{DEFAULT_LOG_CAPACITY, Disposition, RequestLog, RequestRecord};
pub use regex::Regex;
pub use rules_file::{RulesError, load_rules, parse_rules};
