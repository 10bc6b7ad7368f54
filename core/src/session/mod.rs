//! Layer 6: the session — the async, user-facing driver over pools of
//! [`Connection`](crate::connection::Connection)s.
//!
//! ```text
//!   config     SessionBuilder / SessionConfig / ExecutionProfile (defaults as documented)
//!   statement  Statement, StatementOptions, PagingState, option resolution
//!   prepared   PreparedStatement (cached per query + keyspace, re-prepared on UNPREPARED)
//!   batch      Batch (logged, unlogged, counter; simple and prepared mixed)
//!   result     QueryResult (one page) and Row (cells by index or name)
//!   paging     RowStream (every row, next page fetched on demand)
//!   session    Session: execution, retries, USE, close
//!   pool       per-host connections, round-robin plans
//!   control    the control connection: topology, keyspaces, schema agreement, events
//!   retry      RetryPolicy (a trait; DefaultRetryPolicy)
//!   metrics    per-session counters and latency histogram (MetricsSnapshot), RequestInfo
//!   tracker    RequestTracker: users' hook on request start, end and failed attempts
//!   concurrent execute_concurrent: many statements, bounded concurrency, results in order
//!   timestamp  TimestampGenerator (MonotonicTimestampGenerator by default)
//!   trace      QueryTrace from system_traces
//!   error      Error
//! ```
//!
//! Generic over [`Runtime`](crate::runtime::Runtime) and built with any
//! [`Transport`](crate::runtime::Transport): no tokio, no std. Bound values and credentials
//! never appear in `Debug` output or logs (`tracing` spans and events).

pub mod batch;
mod concurrent;
pub mod config;
pub mod control;
pub mod error;
pub mod metrics;
mod paging;
mod pool;
pub mod prepared;
pub mod result;
pub mod retry;
#[allow(clippy::module_inception)]
mod session;
pub mod statement;
pub mod timestamp;
pub mod trace;
pub mod tracker;

pub use batch::Batch;
pub use concurrent::ConcurrentError;
pub use config::{ContactPoint, DEFAULT_PORT, ExecutionProfile, SessionBuilder, SessionConfig};
pub use error::{Error, ServerError};
pub use metrics::{
    ErrorCounts, ErrorKind, LatencyHistogram, LatencySnapshot, MetricsSnapshot, RequestInfo,
};
pub use paging::{RowStream, TypedRowStream};
pub use prepared::PreparedStatement;
pub use result::{ColumnIndex, QueryResult, Row, RowsIter};
pub use retry::{
    DefaultRetryPolicy, FallthroughRetryPolicy, RetryContext, RetryDecision, RetryPolicy,
};
pub use session::Session;
pub use statement::{PagingState, ResolvedOptions, Statement, StatementOptions, StatementRef};
pub use timestamp::{MonotonicTimestampGenerator, ServerSideTimestamps, TimestampGenerator};
pub use trace::{QueryTrace, TraceEvent};
pub use tracker::{AttemptFailure, RequestEnd, RequestStart, RequestTracker, StatementKind};
