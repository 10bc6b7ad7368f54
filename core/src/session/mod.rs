//! Layer 6: the session — the async, user-facing driver over pools of
//! [`Connection`](crate::connection::Connection)s.
//!
//! ```text
//!   builder    SessionBuilder: settings, the platform, connect — the one way to open a session
//!   config     SessionConfig (defaults as documented), ExecutionProfile
//!   profile    ExecutionProfile: per-request policies and defaults
//!   statement  Statement, StatementOptions, PagingState, option resolution
//!   prepared   PreparedStatement (cached per query + keyspace, re-prepared on UNPREPARED)
//!   batch      Batch (logged, unlogged, counter; simple and prepared mixed)
//!   result     QueryResult (one page) and Row (cells by index or name)
//!   paging     RowStream (every row, next page fetched on demand)
//!   session    Session: statements, prepare, USE, cluster state, close
//!   connect    startup: control connection, topology, first view, pools
//!   events     the control connection's events applied (views swapped, hosts up/down)
//!   executor   query plan → pool → attempt → retry → speculative executions
//!   request    ExecRequest and the wire message it becomes
//!   routing    keyspace and token of a request (token-aware routing)
//!   state      the current cluster view with its pools; HostInfo
//!   pool       per-host connections: sizing, least busy, refill, reconnection
//!   control    the control connection: topology, keyspaces, schema agreement, events
//!   metrics    per-session counters and latency histogram (MetricsSnapshot), RequestInfo
//!   tracker    RequestTracker: users' hook on request start, end and failed attempts
//!   host_events HostListener: users' hook on hosts added, removed, up, down, failing
//!   concurrent execute_concurrent: many statements, bounded concurrency, results in order
//!   timestamp  TimestampGenerator (MonotonicTimestampGenerator by default)
//!   trace      QueryTrace from system_traces
//!   graph      graph statements: GraphProfile (default, analytics, system)
//!   error      Error
//! ```
//!
//! Generic over [`Runtime`](crate::runtime::Runtime) and built with any
//! [`Transport`](crate::runtime::Transport): no tokio, no std. Bound values and credentials
//! never appear in `Debug` output or logs (`tracing` spans and events).

pub mod batch;
pub mod builder;
mod concurrent;
pub mod config;
mod connect;
pub mod control;
pub mod error;
mod events;
mod executor;
pub mod graph;
pub mod host_events;
pub mod metadata;
pub mod metrics;
mod paging;
mod pool;
pub mod prepared;
mod profile;
mod request;
pub mod result;
mod routing;
pub mod schema_listener;
#[allow(clippy::module_inception)]
mod session;
mod state;
pub mod statement;
pub mod timestamp;
pub mod trace;
pub mod tracker;

pub use batch::Batch;
pub use builder::{SessionBuilder, SessionBuilderOn};
pub use concurrent::ConcurrentError;
pub use config::{ContactPoint, DEFAULT_PORT, ExecutionProfile, SessionConfig};
pub use error::{Error, ServerError};
pub use host_events::{HostEvent, HostEventKind, HostListener};
pub use metadata::Metadata;
pub use metrics::{
    ErrorCounts, ErrorKind, LatencyHistogram, LatencySnapshot, MetricsSnapshot, RequestInfo,
};
pub use paging::{RowStream, TypedRowStream};
pub use prepared::PreparedStatement;
pub use result::{ColumnIndex, QueryResult, Row, RowsIter};
pub use schema_listener::SchemaListener;
pub use session::Session;
pub use state::HostInfo;
pub use statement::{
    ExplicitRouting, PagingState, ResolvedOptions, Statement, StatementOptions, StatementRef,
};
pub use timestamp::{MonotonicTimestampGenerator, ServerSideTimestamps, TimestampGenerator};
pub use trace::{QueryTrace, TraceEvent};
pub use tracker::{AttemptFailure, RequestEnd, RequestStart, RequestTracker, StatementKind};
