//! The end-to-end suite in Node.js (20 needs `NODE_ARGS=--experimental-websocket`), through
//! the bridge to cql-sim. Run by `wasm/tests/with-servers.sh`.
#![cfg(target_arch = "wasm32")]

mod common;

// ES-module Node output: the suite and the package's JS snippets are ES modules.
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_node_experimental);

suite!("node");
