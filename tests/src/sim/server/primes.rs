//! Primed responses: statements answered with a fixed [`Outcome`] without parsing or
//! executing anything, so a benchmark measures the protocol path alone; and, for DSE
//! mode, `gremlin-groovy` scripts answered with fixed graph results
//! ([`crate::sim::dse::graph::primes`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cql_core::types::ColumnSpec;

use crate::sim::dse::graph::Value as GraphValue;
use crate::sim::dse::graph::primes::{GraphPrime, GraphPrimes};
use crate::sim::outcome::Outcome;

/// One primed statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prime {
    /// The answer to every QUERY and EXECUTE of the statement.
    pub outcome: Outcome,
    /// The bind markers reported when the statement is PREPAREd (none by default).
    pub bind: Vec<ColumnSpec>,
    /// The indexes (into `bind`) of the partition key's columns, in key order, reported
    /// in the PREPARED metadata (protocol v4+): what lets a driver route an EXECUTE to
    /// the replicas of its key (none by default: no routing).
    pub pk_indexes: Vec<u16>,
}

impl Prime {
    /// A prime answering `outcome`, with no bind markers.
    pub fn new(outcome: Outcome) -> Self {
        Self {
            outcome,
            bind: Vec::new(),
            pk_indexes: Vec::new(),
        }
    }

    /// The same prime, reporting `bind` as its bind markers when prepared.
    #[must_use]
    pub fn with_bind(mut self, bind: Vec<ColumnSpec>) -> Self {
        self.bind = bind;
        self
    }

    /// The same prime, reporting the bind markers at `pk_indexes` as the partition key
    /// (e.g. `[0]` for `... WHERE k = ?` with `k` the whole partition key). The bind
    /// markers' keyspace and table (of [`with_bind`](Self::with_bind)) name the table
    /// whose replication routes the key.
    #[must_use]
    pub fn with_pk_indexes(mut self, pk_indexes: Vec<u16>) -> Self {
        self.pk_indexes = pk_indexes;
        self
    }

    /// The result columns (those of a Rows outcome, else none).
    pub fn result_columns(&self) -> &[ColumnSpec] {
        match &self.outcome {
            Outcome::Rows(rows) => &rows.columns,
            _ => &[],
        }
    }
}

/// Query text (matched exactly) → prime; (graph name, script text) → graph prime.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Primes {
    by_query: HashMap<String, Arc<Prime>>,
    graph: GraphPrimes,
}

impl Primes {
    /// No primes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a prime answering `query` with `outcome`.
    #[must_use]
    pub fn with(mut self, query: impl Into<String>, outcome: Outcome) -> Self {
        self.insert(query, Prime::new(outcome));
        self
    }

    /// Adds or replaces the prime of `query`.
    pub fn insert(&mut self, query: impl Into<String>, prime: Prime) {
        self.by_query.insert(query.into(), Arc::new(prime));
    }

    /// The prime of `query`, if any.
    pub fn get(&self, query: &str) -> Option<&Arc<Prime>> {
        self.by_query.get(query)
    }

    /// Whether no statement (and no graph script) is primed.
    pub fn is_empty(&self) -> bool {
        self.by_query.is_empty() && self.graph.is_empty()
    }

    /// Adds a graph prime: the `gremlin-groovy` script `query` on graph `graph` (`None`:
    /// requests without a graph name) answers `results`, one row each, in the GraphSON
    /// version the request asks for.
    #[must_use]
    pub fn with_graph(
        mut self,
        graph: Option<&str>,
        query: impl Into<String>,
        results: Vec<GraphValue>,
    ) -> Self {
        self.graph
            .insert(graph, query, GraphPrime::Results(results));
        self
    }

    /// Adds a graph prime answering an error.
    #[must_use]
    pub fn with_graph_error(
        mut self,
        graph: Option<&str>,
        query: impl Into<String>,
        error: crate::sim::error::CqlError,
    ) -> Self {
        self.graph.insert(graph, query, GraphPrime::Error(error));
        self
    }

    /// Adds the graph primes of a JSON primes file's text (format:
    /// [`crate::sim::dse::graph::primes`]); returns how many.
    ///
    /// # Errors
    /// The text is not a graph primes file (the message names the entry).
    pub fn add_graph_json(&mut self, text: &str) -> Result<usize, String> {
        self.graph.add_json(text)
    }

    /// Adds the graph primes of a JSON primes file; returns how many.
    ///
    /// # Errors
    /// The file cannot be read or is not a graph primes file.
    pub fn load_graph_file(&mut self, path: &std::path::Path) -> Result<usize, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        self.add_graph_json(&text)
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The graph primes.
    pub fn graph(&self) -> &GraphPrimes {
        &self.graph
    }
}

/// Primed statements that clients prepared, by statement id (shared by the connections
/// of one server).
#[derive(Debug, Default)]
pub struct PreparedPrimes {
    by_id: Mutex<HashMap<Vec<u8>, Arc<Prime>>>,
}

impl PreparedPrimes {
    /// Remembers that `id` was prepared from a primed statement.
    pub fn insert(&self, id: &[u8], prime: Arc<Prime>) {
        self.lock().insert(id.to_vec(), prime);
    }

    /// The prime prepared as `id`, if any.
    pub fn get(&self, id: &[u8]) -> Option<Arc<Prime>> {
        self.lock().get(id).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, Arc<Prime>>> {
        self.by_id.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primes_match_exact_text() {
        let p = Primes::new().with("SELECT 1", Outcome::Void);
        assert!(p.get("SELECT 1").is_some());
        assert!(p.get("select 1").is_none());
        let pp = PreparedPrimes::default();
        pp.insert(b"id", p.get("SELECT 1").unwrap().clone());
        assert_eq!(pp.get(b"id").unwrap().outcome, Outcome::Void);
        assert!(pp.get(b"other").is_none());
    }
}
