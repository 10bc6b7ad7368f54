//! Layer 3½: DSE Graph data — graph options and their custom payload.
//!
//! ```text
//!   options    GraphOptions, GraphProtocol, the graph request payload
//! ```

pub mod options;

pub use options::{GraphOptions, GraphProtocol};
