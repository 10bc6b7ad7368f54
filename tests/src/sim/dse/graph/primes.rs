//! Graph primes: `gremlin-groovy` scripts answered with fixed results (or an error),
//! keyed by graph name and exact query text, the results written once in the neutral
//! form ([`super::neutral`]) and rendered in whichever GraphSON version a request asks
//! for.
//!
//! A primes file is JSON (`cql-sim --graph-primes FILE`,
//! [`Primes::load_graph_file`](crate::sim::server::Primes::load_graph_file)):
//!
//! ```json
//! {"graph_primes": [
//!   {"graph": "g", "query": "g.V().has('name', 'marko')",
//!    "results": [{"vertex": {"id": "dseg:/person/1", "label": "person",
//!                            "properties": {"name": ["marko"]}}}]},
//!   {"query": "system.graphs()", "results": ["g"]},
//!   {"graph": "g", "query": "g.V().fail()",
//!    "error": {"code": "server", "message": "No signature of method: fail()"}}
//! ]}
//! ```
//!
//! `graph` is the request's `graph-name` (left out or `null`: requests without one);
//! `results` holds one neutral value per result row; `error.code` is `invalid`
//! (InvalidRequest), `server` (ServerError) or `syntax` (SyntaxError).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value as J;

use super::neutral;
use super::value::Value;
use crate::sim::error::CqlError;

/// What a primed script answers.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphPrime {
    /// These results, one row each.
    Results(Vec<Value>),
    /// This error.
    Error(CqlError),
}

/// Primed scripts by graph name (empty: no graph) and query text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphPrimes {
    by_key: HashMap<(String, String), Arc<GraphPrime>>,
}

impl GraphPrimes {
    /// Adds or replaces the prime of `query` on `graph`.
    pub fn insert(&mut self, graph: Option<&str>, query: impl Into<String>, prime: GraphPrime) {
        self.by_key.insert(
            (graph.unwrap_or_default().to_string(), query.into()),
            Arc::new(prime),
        );
    }

    /// The prime of `query` on `graph`, if any.
    pub fn get(&self, graph: Option<&str>, query: &str) -> Option<&Arc<GraphPrime>> {
        self.by_key
            .get(&(graph.unwrap_or_default().to_string(), query.to_string()))
    }

    /// Whether any prime names the graph `name` (which then counts as existing).
    pub fn names_graph(&self, name: &str) -> bool {
        self.by_key.keys().any(|(g, _)| g == name)
    }

    /// How many scripts are primed.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Adds the primes of a primes file's text; returns how many.
    ///
    /// # Errors
    /// The text is not a primes file; the message names the entry and what is wrong.
    pub fn add_json(&mut self, text: &str) -> Result<usize, String> {
        let json: J = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let entries = json
            .get("graph_primes")
            .and_then(J::as_array)
            .ok_or("a graph primes file is {\"graph_primes\": [...]}")?;
        for (i, entry) in entries.iter().enumerate() {
            let at = |what: &str| format!("graph_primes[{i}]: {what}");
            let graph = match entry.get("graph") {
                None | Some(J::Null) => None,
                Some(J::String(g)) => Some(g.as_str()),
                Some(other) => return Err(at(&format!("graph is not a string: {other}"))),
            };
            let query = entry
                .get("query")
                .and_then(J::as_str)
                .ok_or_else(|| at("no query"))?;
            let prime = match (entry.get("results"), entry.get("error")) {
                (Some(J::Array(results)), None) => GraphPrime::Results(
                    results
                        .iter()
                        .map(neutral::read)
                        .collect::<Result<_, _>>()
                        .map_err(|e| at(&e))?,
                ),
                (None, Some(error)) => GraphPrime::Error(error_of(error).map_err(|e| at(&e))?),
                _ => return Err(at("wants either results (a list) or error")),
            };
            self.insert(graph, query, prime);
        }
        Ok(entries.len())
    }
}

fn error_of(json: &J) -> Result<CqlError, String> {
    let message = json
        .get("message")
        .and_then(J::as_str)
        .ok_or("error without a message")?;
    match json.get("code").and_then(J::as_str).unwrap_or("server") {
        "invalid" => Ok(CqlError::invalid(message)),
        "server" => Ok(CqlError::server(message)),
        "syntax" => Ok(CqlError::syntax(message)),
        other => Err(format!("error code {other:?} (invalid, server or syntax)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_primes_file() {
        let mut p = GraphPrimes::default();
        let n = p
            .add_json(
                r#"{"graph_primes": [
                {"graph": "g", "query": "g.V().limit(1)", "results": [{"long": 1}, "two"]},
                {"query": "system.graphs()", "results": ["g"]},
                {"graph": "g", "query": "boom", "error": {"code": "invalid", "message": "no"}}]}"#,
            )
            .unwrap();
        assert_eq!(n, 3);
        assert_eq!(
            **p.get(Some("g"), "g.V().limit(1)").unwrap(),
            GraphPrime::Results(vec![Value::Int64(1), Value::text("two")])
        );
        assert!(p.get(None, "system.graphs()").is_some());
        assert!(p.get(Some("h"), "system.graphs()").is_none());
        assert_eq!(
            **p.get(Some("g"), "boom").unwrap(),
            GraphPrime::Error(CqlError::invalid("no"))
        );
        assert!(p.names_graph("g") && !p.names_graph("h"));
        let e = p
            .add_json(r#"{"graph_primes": [{"query": "q", "results": [{"int": "x"}]}]}"#)
            .unwrap_err();
        assert!(e.starts_with("graph_primes[0]"), "{e}");
        assert!(p.add_json(r#"{"graph_primes": [{"query": "q"}]}"#).is_err());
        assert!(p.add_json("[]").is_err());
    }
}
