//! `cql-testkit`: the simulated Cassandra cluster (`sim`), its CQL front end (`cql`) and
//! the interop suites.

pub mod cql;
pub mod interop;
pub mod load;
pub mod raw;
pub mod sim;
