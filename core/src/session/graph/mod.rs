//! Graph statements (DSE Graph): profiles, statements and their results.
//!
//! ```text
//!   profile    GraphProfile: an execution profile with graph options; default, analytics, system
//! ```

pub mod profile;

pub use profile::{GRAPH_ANALYTICS, GRAPH_DEFAULT, GRAPH_SYSTEM, GraphProfile};
