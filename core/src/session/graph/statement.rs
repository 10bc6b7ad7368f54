//! [`GraphStatement`]: a Gremlin script or a traversal, its parameters and graph options;
//! and [`GraphRequest`], the CQL statement it becomes for one session.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use bytes::Bytes;

use crate::graph::GraphValue;
use crate::graph::graphson::{self, GraphsonVersion};
use crate::graph::options::{BYTECODE_JSON, GraphOptions};
use crate::graph::traversal::{Bytecode, TraversalBatch};
use crate::message::Consistency;
use crate::session::error::Error;
use crate::session::statement::Statement;

use super::profile::{GRAPH_DEFAULT, GraphProfile};

/// What a graph statement runs.
#[derive(Debug, Clone, PartialEq)]
enum GraphQuery {
    /// A script in the statement's language (Gremlin-Groovy by default).
    Script(String),
    /// A traversal, sent as GraphSON bytecode.
    Traversal(Bytecode),
    /// Traversals run together, in one transaction.
    Batch(TraversalBatch),
}

/// A graph statement: a Gremlin-Groovy script with named parameters, or a traversal built
/// with [`crate::graph::traversal`], with the graph options that override its profile's.
///
/// ```ignore
/// let stmt = GraphStatement::new("g.V().has('name', name)")
///     .with_parameter("name", "marko")
///     .with_graph_name("modern");
/// let results = session.execute_graph(&stmt).await?;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GraphStatement {
    query: GraphQuery,
    parameters: Vec<(String, GraphValue)>,
    options: GraphOptions,
    profile: Option<String>,
    execute_as: Option<String>,
    consistency: Option<Consistency>,
    timeout: Option<Duration>,
    timestamp: Option<i64>,
    page_size: Option<i32>,
}

impl GraphStatement {
    /// A statement running `script` (Gremlin-Groovy unless the options name another
    /// language).
    pub fn new(script: impl Into<String>) -> Self {
        Self::of(GraphQuery::Script(script.into()))
    }

    /// A statement running a traversal, sent as bytecode (language `bytecode-json`).
    pub fn traversal(traversal: impl Into<Bytecode>) -> Self {
        Self::of(GraphQuery::Traversal(traversal.into()))
    }

    /// A statement running a batch of traversals together (language `bytecode-json`).
    pub fn batch(batch: TraversalBatch) -> Self {
        Self::of(GraphQuery::Batch(batch))
    }

    fn of(query: GraphQuery) -> Self {
        let options = match query {
            GraphQuery::Script(_) => GraphOptions::new(),
            GraphQuery::Traversal(_) | GraphQuery::Batch(_) => {
                GraphOptions::new().graph_language(BYTECODE_JSON)
            }
        };
        Self {
            query,
            parameters: Vec::new(),
            options,
            profile: None,
            execute_as: None,
            consistency: None,
            timeout: None,
            timestamp: None,
            page_size: None,
        }
    }

    /// Binds the script parameter `name` (scripts only: a traversal carries its values).
    #[must_use]
    pub fn with_parameter(mut self, name: impl Into<String>, value: impl Into<GraphValue>) -> Self {
        let name = name.into();
        let value = value.into();
        match self.parameters.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.parameters.push((name, value)),
        }
        self
    }

    /// Graph options over the profile's (these win).
    #[must_use]
    pub fn with_options(mut self, options: GraphOptions) -> Self {
        self.options = self.options.merged_over(&options);
        self
    }

    /// The graph (its keyspace) to run on.
    #[must_use]
    pub fn with_graph_name(mut self, name: impl Into<String>) -> Self {
        self.options = self.options.graph_name(name);
        self
    }

    /// The graph profile to run with (default [`GRAPH_DEFAULT`]).
    #[must_use]
    pub fn with_profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Runs as `role` (proxy execution: the session's user must be allowed to).
    #[must_use]
    pub fn with_execute_as(mut self, role: impl Into<String>) -> Self {
        self.execute_as = Some(role.into());
        self
    }

    /// The consistency of the CQL request (the graph's own read and write consistency are
    /// graph options).
    #[must_use]
    pub fn with_consistency(mut self, consistency: Consistency) -> Self {
        self.consistency = Some(consistency);
        self
    }

    /// The client-side timeout, also sent to the node as `request-timeout`.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The write timestamp (µs since the epoch); default: the session's generator.
    #[must_use]
    pub fn with_timestamp(mut self, micros: i64) -> Self {
        self.timestamp = Some(micros);
        self
    }

    /// Results per page.
    #[must_use]
    pub fn with_page_size(mut self, results: i32) -> Self {
        self.page_size = Some(results);
        self
    }

    /// The graph options the statement sets (over its profile's).
    pub fn options(&self) -> &GraphOptions {
        &self.options
    }

    /// The name of the graph profile the statement runs with.
    pub fn profile_name(&self) -> &str {
        self.profile.as_deref().unwrap_or(GRAPH_DEFAULT)
    }

    /// The CQL request this statement becomes under `profile`: its query text (the script,
    /// or the traversal's bytecode in the resolved GraphSON version), its parameters as one
    /// JSON value, and the graph options as the custom payload. `is_core_graph` says whether
    /// the graph named is of DSE's Core engine (the session reads the schema metadata),
    /// which selects GraphSON 3.0 when no protocol is set; it is asked only then.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a parameter the protocol cannot carry, parameters
    /// given to a traversal, or a traversal asked for in GraphSON 1.0.
    pub fn request(
        &self,
        profile: &GraphProfile,
        is_core_graph: impl FnOnce(&str) -> bool,
    ) -> Result<GraphRequest, Error> {
        let options = profile.options.merged_over(&self.options);
        let core_engine =
            options.protocol().is_none() && options.name().is_some_and(|n| is_core_graph(n));
        let protocol = options.effective_protocol(core_engine);
        let text = match &self.query {
            GraphQuery::Script(s) => s.clone(),
            GraphQuery::Traversal(b) => {
                self.no_parameters()?;
                b.to_graphson(protocol).map_err(graph_error)?
            }
            GraphQuery::Batch(b) => {
                self.no_parameters()?;
                b.to_graphson(protocol).map_err(graph_error)?
            }
        };
        let parameters = if self.parameters.is_empty() {
            None
        } else {
            let json =
                graphson::encode_parameters(protocol, &self.parameters).map_err(graph_error)?;
            Some(Bytes::from(json.into_bytes()))
        };
        let timeout = self.timeout.or(profile.execution.request_timeout);
        let payload = options.payload(protocol, self.execute_as.as_deref(), timeout);
        let mut statement = Statement::new(text)
            .with_execution_profile(self.profile_name())
            .with_idempotent(false);
        if let Some(c) = self.consistency {
            statement = statement.with_consistency(c);
        }
        if let Some(t) = self.timeout {
            statement = statement.with_timeout(t);
        }
        if let Some(ts) = self.timestamp {
            statement = statement.with_timestamp(ts);
        }
        if let Some(n) = self.page_size {
            statement = statement.with_page_size(n);
        }
        statement.options_mut().custom_payload = payload;
        Ok(GraphRequest {
            statement,
            parameters,
            protocol,
        })
    }

    fn no_parameters(&self) -> Result<(), Error> {
        if self.parameters.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidArgument(String::from(
                "a traversal carries its values in its steps: parameters are for scripts",
            )))
        }
    }
}

fn graph_error(e: impl core::fmt::Display) -> Error {
    Error::InvalidArgument(alloc::format!("graph statement: {e}"))
}

/// The CQL request a [`GraphStatement`] becomes: the statement (text, graph payload,
/// options), the parameters' JSON (its one bound value) and the GraphSON version the
/// results come in.
#[derive(Debug, Clone)]
pub struct GraphRequest {
    /// The QUERY's text, options and custom payload.
    pub statement: Statement,
    /// The parameters as one JSON text, bound as the QUERY's only value; `None` without
    /// parameters.
    pub parameters: Option<Bytes>,
    /// The GraphSON version the results are asked in.
    pub protocol: GraphsonVersion,
}
