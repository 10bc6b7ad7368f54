//! Layer 3½: the DSE Graph data layer, exact against the Python driver (cassandra-driver
//! 3.30.1).
//!
//! - [`value`]: [`GraphValue`], the typed value model (scalars, collections, CQL tuples and
//!   UDTs, vertices, edges, paths), with accessors and serde support.
//! - [`graphson`]: GraphSON 1.0/2.0/3.0 readers, result rows, and the parameter writer.
//! - [`traversal`] and [`predicate`]: Gremlin traversals built in Rust, written as bytecode
//!   GraphSON (and read back, for servers and tools).
//! - [`options`]: [`GraphOptions`], and the custom payload a graph
//!   request carries them in.
//! - [`json`]: the JSON reader and writer GraphSON needs (member order kept, numbers as their
//!   literal text, `NaN`/`Infinity` tokens, Python's `json.dumps` output byte for byte).
//!
//! The layer sits above `types` and `message` and below `connection`: it only turns values
//! into text and back; running graph queries is the session's job.

pub mod graphson;
pub mod json;
pub mod options;
pub mod predicate;
pub mod traversal;
pub mod value;

pub use graphson::GraphsonVersion;
pub use options::GraphOptions;
pub use value::GraphValue;
