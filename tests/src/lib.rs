//! `cql-testkit`: the simulated Cassandra cluster and interop suites. Not built yet: see
//! this crate's README.

pub use cql_core as core;

pub mod cql;
