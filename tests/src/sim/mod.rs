//! The simulated Cassandra node: schema, storage, execution, system tables and the
//! native-protocol server in front of them.
//!
//! ```text
//!   server   tokio listener, per-connection framing (v4/v5), compression, TLS, auth, events
//!   auth     roles, permissions and their checks (system_auth)
//!   node     the glue: parse, dispatch, prepared cache, schema versions, event feed
//!   describe server-side DESCRIBE: CREATE statements, listings, DESCRIBE CLUSTER
//!   dse      DataStax Enterprise 6.8 mode: DSE identity and schema tables, Insights,
//!            graph requests
//!   exec     SELECT / INSERT / UPDATE / DELETE / BATCH / TRUNCATE over `storage`
//!   faults   fault rules (errors, delays, silence, closes, corrupt frames) and request records
//!   schema   the schema model and DDL execution
//!   system   system and virtual tables computed from the schema and the node's identity
//!   storage  in-memory partitions, rows and cells with timestamps, TTLs and tombstones
//!   cluster  several nodes sharing one schema and store: topology, consistency levels,
//!            node lifecycle (`SimCluster`)
//! ```

pub mod auth;
pub mod clients;
pub mod cluster;
pub mod describe;
pub mod dse;
pub mod error;
pub mod exec;
pub mod faults;
pub mod info;
pub mod node;
pub mod outcome;
pub mod schema;
pub mod server;
pub mod storage;
pub mod system;

pub use error::{CqlError, CqlResult};
pub use info::{DseInfo, NodeInfo, PeerInfo};
pub use node::{Node, NodeConfig, SessionState};
pub use outcome::{BoundValue, BoundValues, ExecParams, Outcome, RowsResult};
