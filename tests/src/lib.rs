//! `cql-testkit`: the simulated Cassandra cluster (`sim`), its CQL front end (`cql`) and
//! the interop suites.

pub use cql_core as core;

pub mod cql;
pub mod load;
pub mod raw;
pub mod sim;
