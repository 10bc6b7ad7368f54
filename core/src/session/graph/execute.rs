//! `Session::execute_graph`: a graph statement run as a CQL QUERY, its rows decoded from
//! GraphSON into [`GraphValue`]s ([`GraphResultSet`]).

use alloc::string::String;
use alloc::vec::Vec;

use crate::graph::GraphValue;
use crate::graph::graphson::{self, GraphsonVersion};
use crate::runtime::NodeAddr;
use crate::session::error::Error;
use crate::session::result::QueryResult;
use crate::session::session::Session;
use crate::session::statement::PagingState;

use super::statement::{GraphRequest, GraphStatement};

/// The most results one bulked row expands to (a node's count must not size the client's
/// memory); a larger bulk is an error.
const MAX_BULK: i64 = 1 << 20;

/// The results of a graph statement, decoded from GraphSON: one [`GraphValue`] per result
/// (a row of the `gremlin` column).
#[derive(Debug, Clone)]
pub struct GraphResultSet {
    results: Vec<GraphValue>,
    /// Where the next page starts ([`Session::execute_graph_page`]); `None` on the last.
    pub paging_state: Option<PagingState>,
    /// The GraphSON version the results came in.
    pub protocol: GraphsonVersion,
    /// Warnings the node attached.
    pub warnings: Vec<String>,
    /// The node that answered.
    pub host: NodeAddr,
}

impl GraphResultSet {
    /// The results, in order.
    pub fn results(&self) -> &[GraphValue] {
        &self.results
    }

    /// The number of results.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// Whether there is no result.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    /// The first result, if any.
    pub fn first(&self) -> Option<&GraphValue> {
        self.results.first()
    }

    /// The results, in order.
    pub fn iter(&self) -> core::slice::Iter<'_, GraphValue> {
        self.results.iter()
    }

    fn decode(result: QueryResult, protocol: GraphsonVersion) -> Result<Self, Error> {
        let mut results = Vec::with_capacity(result.row_count());
        for row in result.rows() {
            let text: &str = row.get(0)?;
            let row = graphson::decode_row(protocol, text).map_err(|e| {
                Error::Protocol(alloc::format!(
                    "a graph result is not valid GraphSON {protocol}: {e}"
                ))
            })?;
            if row.bulk > MAX_BULK {
                return Err(Error::Protocol(alloc::format!(
                    "a graph row stands for {} results, more than the {MAX_BULK} allowed",
                    row.bulk
                )));
            }
            // A bulked row stands for `bulk` equal results.
            for _ in 1..row.bulk.clamp(1, MAX_BULK) {
                results.push(row.result.clone());
            }
            results.push(row.result);
        }
        Ok(Self {
            results,
            paging_state: result.paging_state,
            protocol,
            warnings: result.warnings,
            host: result.host,
        })
    }
}

impl IntoIterator for GraphResultSet {
    type Item = GraphValue;
    type IntoIter = alloc::vec::IntoIter<GraphValue>;

    fn into_iter(self) -> Self::IntoIter {
        self.results.into_iter()
    }
}

impl<'a> IntoIterator for &'a GraphResultSet {
    type Item = &'a GraphValue;
    type IntoIter = core::slice::Iter<'a, GraphValue>;

    fn into_iter(self) -> Self::IntoIter {
        self.results.iter()
    }
}

impl Session {
    /// Runs a graph statement and returns every result, decoded from GraphSON (the pages
    /// after the first fetched one after the other).
    ///
    /// The statement runs with its graph profile ([`GRAPH_DEFAULT`](super::GRAPH_DEFAULT)
    /// unless it names another): consistency, timeout (sent to the node too), page size,
    /// no retries, and the profile's graph options under the statement's. Without a
    /// protocol set, a graph whose keyspace the schema metadata shows with
    /// `graph_engine = 'Core'` gets GraphSON 3.0; Gremlin-Groovy otherwise GraphSON 1.0, any
    /// other language GraphSON 2.0.
    ///
    /// # Errors
    /// See [`Error`]; [`Error::InvalidArgument`] for a parameter the protocol cannot carry
    /// or an unknown graph profile, [`Error::Protocol`] for a result that is not valid
    /// GraphSON.
    pub async fn execute_graph(&self, statement: &GraphStatement) -> Result<GraphResultSet, Error> {
        let request = self.graph_request(statement)?;
        let result = match &request.parameters {
            Some(p) => self.execute(&request.statement, (p.as_ref(),)).await?,
            None => self.execute(&request.statement, ()).await?,
        };
        GraphResultSet::decode(result, request.protocol)
    }

    /// Runs a graph statement and returns one page of results: the first, or the one
    /// `paging_state` (a previous page's) names.
    ///
    /// # Errors
    /// As [`execute_graph`](Self::execute_graph).
    pub async fn execute_graph_page(
        &self,
        statement: &GraphStatement,
        paging_state: Option<PagingState>,
    ) -> Result<GraphResultSet, Error> {
        let request = self.graph_request(statement)?;
        let result = match &request.parameters {
            Some(p) => {
                self.execute_page(&request.statement, (p.as_ref(),), paging_state)
                    .await?
            }
            None => {
                self.execute_page(&request.statement, (), paging_state)
                    .await?
            }
        };
        GraphResultSet::decode(result, request.protocol)
    }

    /// The CQL request `statement` becomes on this session (its profile, and the graph's
    /// engine from the schema metadata).
    ///
    /// # Errors
    /// As [`GraphStatement::request`], and an unknown graph profile.
    pub fn graph_request(&self, statement: &GraphStatement) -> Result<GraphRequest, Error> {
        let config = self.config();
        let profile = config.graph_profile(Some(statement.profile_name()))?;
        statement.request(profile, |name| {
            self.metadata()
                .keyspace(name)
                .and_then(|k| k.graph_engine.as_deref())
                == Some("Core")
        })
    }
}
