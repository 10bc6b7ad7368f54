//! Primed responses: statements answered with a fixed [`Outcome`] without parsing or
//! executing anything, so a benchmark measures the protocol path alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cql_core::types::ColumnSpec;

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

/// Query text (matched exactly) → prime.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Primes {
    by_query: HashMap<String, Arc<Prime>>,
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

    /// Whether no statement is primed.
    pub fn is_empty(&self) -> bool {
        self.by_query.is_empty()
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
