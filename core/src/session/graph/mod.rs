//! Graph statements (DSE Graph): profiles, statements and their results.
//!
//! ```text
//!   profile    GraphProfile: an execution profile with graph options; default, analytics, system
//!   statement  GraphStatement (script or traversal, parameters, options) → GraphRequest
//!   execute    Session::execute_graph / execute_graph_page → GraphResultSet
//! ```

mod execute;
pub mod profile;
pub mod statement;

pub use execute::GraphResultSet;
pub use profile::{GRAPH_ANALYTICS, GRAPH_DEFAULT, GRAPH_SYSTEM, GraphProfile};
pub use statement::{GraphRequest, GraphStatement};
