//! Shared helpers of the runnable examples (the examples themselves come with the session).

pub use cql_core as core;
