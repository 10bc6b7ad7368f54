//! Statements and their per-statement options: [`Statement`] (CQL text),
//! [`StatementOptions`], [`PagingState`], and how options combine with the execution
//! profile ([`ResolvedOptions`]).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;
use core::time::Duration;

use bytes::Bytes;

use super::config::{ExecutionProfile, SessionConfig};
use super::error::Error;
use super::prepared::PreparedStatement;
use crate::cluster::token::Token;
use crate::message::{Consistency, CustomPayload};
use crate::policies::retry::RetryPolicy;

/// Where a paged query stopped: hand it back (with the same statement and values) to get
/// the next page. Opaque; printed as its length only (it can hold key values).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PagingState(Bytes);

impl PagingState {
    /// A paging state from bytes a previous result returned (e.g. stored by a web
    /// application between requests).
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self(bytes.into())
    }

    /// The raw bytes, to store and hand back later.
    pub fn as_bytes(&self) -> &Bytes {
        &self.0
    }
}

impl fmt::Debug for PagingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PagingState({} bytes)", self.0.len())
    }
}

/// Options a statement may set; anything left `None` comes from its execution profile.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatementOptions {
    /// Consistency level.
    pub consistency: Option<Consistency>,
    /// Serial consistency (SERIAL or LOCAL_SERIAL) of a lightweight transaction.
    pub serial_consistency: Option<Consistency>,
    /// Write timestamp (µs since the epoch); default: the session's generator.
    pub timestamp: Option<i64>,
    /// Rows per page.
    pub page_size: Option<i32>,
    /// Client-side timeout.
    pub timeout: Option<Duration>,
    /// Whether the statement is safe to run twice.
    pub idempotent: Option<bool>,
    /// Ask the node to trace the request.
    pub tracing: bool,
    /// Custom payload (protocol v4+).
    pub custom_payload: CustomPayload,
    /// Keyspace to run in (protocol v5 only).
    pub keyspace: Option<String>,
    /// Name of the execution profile to use.
    pub execution_profile: Option<String>,
    /// The partition the statement touches, given explicitly, for token-aware routing of
    /// statements whose key the driver cannot work out (simple statements); wins over the
    /// key a prepared statement's values give. Boxed: most statements have none, and
    /// options are copied into every request.
    pub routing: Option<Box<ExplicitRouting>>,
}

/// The partition a statement touches, as the user gives it (see
/// [`StatementOptions::routing`]).
#[derive(Clone, PartialEq, Eq)]
pub enum ExplicitRouting {
    /// The routing key: the partition key's serialized value; for a composite key, the
    /// components as [`routing_key`](crate::cluster::token::routing_key()) joins them.
    Key(Bytes),
    /// The partition's token.
    Token(Token),
}

/// Prints a key's length only (it holds key values).
impl fmt::Debug for ExplicitRouting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Key(k) => write!(f, "Key({} bytes)", k.len()),
            Self::Token(t) => f.debug_tuple("Token").field(t).finish(),
        }
    }
}

/// Never prints the custom payload's values.
impl fmt::Debug for StatementOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatementOptions")
            .field("consistency", &self.consistency)
            .field("serial_consistency", &self.serial_consistency)
            .field("timestamp", &self.timestamp)
            .field("page_size", &self.page_size)
            .field("timeout", &self.timeout)
            .field("idempotent", &self.idempotent)
            .field("tracing", &self.tracing)
            .field(
                "custom_payload_keys",
                &self
                    .custom_payload
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<alloc::vec::Vec<_>>(),
            )
            .field("keyspace", &self.keyspace)
            .field("execution_profile", &self.execution_profile)
            .field("routing", &self.routing)
            .finish()
    }
}

/// Options after applying the execution profile: what a request is sent with.
#[derive(Debug, Clone)]
pub struct ResolvedOptions {
    /// Consistency level.
    pub consistency: Consistency,
    /// Serial consistency.
    pub serial_consistency: Option<Consistency>,
    /// Page size (`None`: no paging).
    pub page_size: Option<i32>,
    /// Client-side timeout (`None`: none).
    pub timeout: Option<Duration>,
    /// Whether the statement is idempotent.
    pub idempotent: bool,
    /// The retry policy.
    pub retry_policy: Arc<dyn RetryPolicy>,
}

impl ResolvedOptions {
    /// The statement's options over `profile`'s (statement wins).
    pub fn resolve(options: &StatementOptions, profile: &ExecutionProfile) -> Self {
        Self {
            consistency: options.consistency.unwrap_or(profile.consistency),
            serial_consistency: options.serial_consistency.or(profile.serial_consistency),
            page_size: options.page_size.or(profile.page_size).filter(|&n| n > 0),
            timeout: options.timeout.or(profile.request_timeout),
            idempotent: options.idempotent.unwrap_or(profile.idempotent),
            retry_policy: Arc::clone(&profile.retry_policy),
        }
    }

    /// The statement's options over its named (or the default) profile of `config`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown profile name.
    pub fn for_config(options: &StatementOptions, config: &SessionConfig) -> Result<Self, Error> {
        let profile = config.profile(options.execution_profile.as_deref())?;
        Ok(Self::resolve(options, profile))
    }
}

/// Setters shared by every kind of statement.
macro_rules! option_setters {
    ($t:ty) => {
        impl $t {
            /// The statement's options.
            pub fn options(&self) -> &$crate::session::StatementOptions {
                &self.options
            }

            /// The statement's options, to change in place.
            pub fn options_mut(&mut self) -> &mut $crate::session::StatementOptions {
                &mut self.options
            }

            /// Sets the consistency level.
            #[must_use]
            pub fn with_consistency(mut self, c: $crate::message::Consistency) -> Self {
                self.options.consistency = Some(c);
                self
            }

            /// Sets the serial consistency of a lightweight transaction.
            #[must_use]
            pub fn with_serial_consistency(mut self, c: $crate::message::Consistency) -> Self {
                self.options.serial_consistency = Some(c);
                self
            }

            /// Sets the write timestamp (microseconds since the Unix epoch).
            #[must_use]
            pub fn with_timestamp(mut self, micros: i64) -> Self {
                self.options.timestamp = Some(micros);
                self
            }

            /// Sets the page size (≤ 0: no paging).
            #[must_use]
            pub fn with_page_size(mut self, rows: i32) -> Self {
                self.options.page_size = Some(rows);
                self
            }

            /// Sets the client-side timeout.
            #[must_use]
            pub fn with_timeout(mut self, timeout: core::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Marks the statement idempotent (safe to retry) or not.
            #[must_use]
            pub fn with_idempotent(mut self, idempotent: bool) -> Self {
                self.options.idempotent = Some(idempotent);
                self
            }

            /// Asks the node to trace the request (see `QueryResult::tracing_id`).
            #[must_use]
            pub fn with_tracing(mut self, tracing: bool) -> Self {
                self.options.tracing = tracing;
                self
            }

            /// Adds a custom payload entry (protocol v4+).
            #[must_use]
            pub fn with_custom_payload(
                mut self,
                key: impl Into<alloc::string::String>,
                value: Option<bytes::Bytes>,
            ) -> Self {
                self.options.custom_payload.push((key.into(), value));
                self
            }

            /// Runs the statement in `keyspace` (protocol v5 only).
            #[must_use]
            pub fn with_keyspace(mut self, keyspace: impl Into<alloc::string::String>) -> Self {
                self.options.keyspace = Some(keyspace.into());
                self
            }

            /// Sets the routing key (the partition key's serialized value, composite keys
            /// joined as `cql_core::cluster::token::routing_key` does) so token-aware load balancing can
            /// send the statement to a replica (replaces a routing token set before).
            #[must_use]
            pub fn with_routing_key(mut self, key: impl Into<bytes::Bytes>) -> Self {
                self.options.routing = Some(alloc::boxed::Box::new(
                    $crate::session::statement::ExplicitRouting::Key(key.into()),
                ));
                self
            }

            /// Sets the partition's token directly (replaces a routing key set before).
            #[must_use]
            pub fn with_routing_token(mut self, token: $crate::cluster::token::Token) -> Self {
                self.options.routing = Some(alloc::boxed::Box::new(
                    $crate::session::statement::ExplicitRouting::Token(token),
                ));
                self
            }

            /// Runs the statement with the named execution profile.
            #[must_use]
            pub fn with_execution_profile(
                mut self,
                name: impl Into<alloc::string::String>,
            ) -> Self {
                self.options.execution_profile = Some(name.into());
                self
            }
        }
    };
}
pub(crate) use option_setters;

/// A simple statement: CQL text (with `?` or `:name` markers) sent as is; its values go
/// separately as protocol values, never into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    cql: Arc<str>,
    pub(crate) options: StatementOptions,
}

impl Statement {
    /// A statement of `cql` with default options.
    pub fn new(cql: impl Into<String>) -> Self {
        let cql: String = cql.into();
        Self {
            cql: Arc::from(cql),
            options: StatementOptions::default(),
        }
    }

    /// The CQL text.
    pub fn cql(&self) -> &str {
        &self.cql
    }

    pub(crate) fn cql_arc(&self) -> Arc<str> {
        Arc::clone(&self.cql)
    }
}

option_setters!(Statement);

impl From<&str> for Statement {
    fn from(cql: &str) -> Self {
        Self::new(cql)
    }
}

impl From<String> for Statement {
    fn from(cql: String) -> Self {
        Self::new(cql)
    }
}

impl From<&String> for Statement {
    fn from(cql: &String) -> Self {
        Self::new(cql.as_str())
    }
}

/// Something [`Session::execute`](super::Session::execute) runs: CQL text, a simple or a
/// prepared statement (`&str`, `&String`, `&Statement` and `&PreparedStatement` convert
/// into it).
#[derive(Debug, Clone, Copy)]
pub enum StatementRef<'a> {
    /// CQL text, run as a simple statement with default options.
    Text(&'a str),
    /// A simple statement: values are sent with their natural types.
    Simple(&'a Statement),
    /// A prepared statement: values are checked against its bind markers.
    Prepared(&'a PreparedStatement),
}

impl<'a> From<&'a str> for StatementRef<'a> {
    fn from(cql: &'a str) -> Self {
        Self::Text(cql)
    }
}

impl<'a> From<&'a String> for StatementRef<'a> {
    fn from(cql: &'a String) -> Self {
        Self::Text(cql)
    }
}

impl<'a> From<&'a Statement> for StatementRef<'a> {
    fn from(s: &'a Statement) -> Self {
        Self::Simple(s)
    }
}

impl<'a> From<&'a PreparedStatement> for StatementRef<'a> {
    fn from(p: &'a PreparedStatement) -> Self {
        Self::Prepared(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn statement_options_override_the_profile() {
        let profile = ExecutionProfile::default()
            .with_consistency(Consistency::Quorum)
            .with_page_size(Some(100))
            .with_idempotent(true);
        let stmt = Statement::new("SELECT * FROM t");
        let r = ResolvedOptions::resolve(stmt.options(), &profile);
        assert_eq!(r.consistency, Consistency::Quorum);
        assert_eq!(r.page_size, Some(100));
        assert!(r.idempotent);
        assert_eq!(r.timeout, Some(Duration::from_secs(10)));

        let stmt = stmt
            .with_consistency(Consistency::One)
            .with_serial_consistency(Consistency::LocalSerial)
            .with_page_size(0)
            .with_idempotent(false)
            .with_timeout(Duration::from_millis(5));
        let r = ResolvedOptions::resolve(stmt.options(), &profile);
        assert_eq!(r.consistency, Consistency::One);
        assert_eq!(r.serial_consistency, Some(Consistency::LocalSerial));
        assert_eq!(r.page_size, None, "page size 0 turns paging off");
        assert!(!r.idempotent);
        assert_eq!(r.timeout, Some(Duration::from_millis(5)));
    }

    #[test]
    fn named_profiles_are_looked_up() {
        let config = crate::session::SessionBuilder::new()
            .execution_profile(
                "slow",
                ExecutionProfile::default().with_request_timeout(Some(Duration::from_secs(60))),
            )
            .into_config();
        let stmt = Statement::new("x").with_execution_profile("slow");
        let r = ResolvedOptions::for_config(stmt.options(), &config).unwrap();
        assert_eq!(r.timeout, Some(Duration::from_secs(60)));
        let stmt = Statement::new("x").with_execution_profile("fast");
        assert!(ResolvedOptions::for_config(stmt.options(), &config).is_err());
    }

    #[test]
    fn debug_hides_payload_values_and_paging_state() {
        let stmt = Statement::new("SELECT 1")
            .with_routing_key(&b"secret-key"[..])
            .with_routing_token(Token::Murmur3(7))
            .with_custom_payload("token", Some(Bytes::from_static(b"topsecret")));
        let d = format!("{stmt:?}");
        assert!(d.contains("token") && !d.contains("topsecret"), "{d}");
        let state = format!("{:?}", PagingState::from_bytes(&b"pk=42"[..]));
        assert_eq!(state, "PagingState(5 bytes)");
        assert!(!d.contains("secret-key"), "{d}");
        assert_eq!(
            stmt.options().routing.as_deref(),
            Some(&ExplicitRouting::Token(Token::Murmur3(7)))
        );
        let keyed = Statement::new("SELECT 1").with_routing_key(&b"secret-key"[..]);
        let d = format!("{keyed:?}");
        assert!(
            d.contains("Key(10 bytes)") && !d.contains("secret-key"),
            "{d}"
        );
    }
}
