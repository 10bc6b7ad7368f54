//! DSE Graph for a DSE-mode node: a QUERY whose custom payload carries `graph-language`
//! is a graph request, answered with RESULT Rows of one text column `gremlin`, one
//! `{"result": ...}` GraphSON row per result.
//!
//! ```text
//!   request    payload options, dispatch by language, paging over result rows
//!   reader     GraphSON in: g:Bytecode and its arguments (also result rows, for tests)
//!   traversal  the step engine over a store::Graph
//!   store      the in-memory property graphs (one per graph name, shared by a cluster)
//!   predicate  P / TextP / DSE search and geo predicates
//!   graphson   GraphSON 1.0 / 2.0 / 3.0 writers
//!   value      the version-neutral values; neutral: their typed JSON form for primes
//!   primes     gremlin-groovy scripts answered from primes; groovy: the few scripts
//!              the node runs itself (g.V(), g.V().count(), system.graph(...))
//! ```
//!
//! `bytecode-json` requests run on the in-memory graph named by `graph-name` (a keyspace
//! created with a `graph_engine`, or a graph named by a prime); a batch (a JSON array of
//! bytecodes) runs in order, all or nothing. `gremlin-groovy` requests are answered from
//! primes, or run when they are one of the simple forms of [`groovy`].

pub mod graphson;
pub mod groovy;
pub mod json;
pub mod neutral;
pub mod predicate;
pub mod primes;
pub mod reader;
pub mod request;
pub mod store;
pub mod traversal;
pub mod value;

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

pub use graphson::GraphsonVersion;
pub use store::{Graph, Graphs};
pub use value::Value;

/// How many paged result sets a cluster keeps for clients to resume.
const KEPT_CURSORS: usize = 256;

/// What the nodes of one cluster share for graph requests: the graphs and the result
/// rows of paged requests not read to the end.
#[derive(Debug, Default)]
pub struct GraphState {
    graphs: Mutex<Graphs>,
    cursors: Mutex<Cursors>,
}

#[derive(Debug, Default)]
struct Cursors {
    next: u64,
    open: VecDeque<(u64, Vec<String>)>,
}

impl GraphState {
    /// Locks the graphs.
    pub fn graphs(&self) -> MutexGuard<'_, Graphs> {
        self.graphs.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn cursors(&self) -> MutexGuard<'_, Cursors> {
        self.cursors.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `rows` for later pages; returns the cursor's number.
    fn open_cursor(&self, rows: Vec<String>) -> u64 {
        let mut c = self.cursors();
        c.next += 1;
        let id = c.next;
        if c.open.len() >= KEPT_CURSORS {
            c.open.pop_front();
        }
        c.open.push_back((id, rows));
        id
    }

    /// The rows of cursor `id`, if still kept.
    fn cursor_rows(&self, id: u64) -> Option<Vec<String>> {
        self.cursors()
            .open
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, rows)| rows.clone())
    }
}

#[cfg(test)]
mod tests;
