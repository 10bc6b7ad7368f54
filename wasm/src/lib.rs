//! wasm-bindgen bindings of the driver for browsers, Node.js and edge workers. Not built
//! yet: see this crate's README.

pub use cql_core as core;
