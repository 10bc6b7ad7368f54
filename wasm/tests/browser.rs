//! The end-to-end suite in headless Chromium, through the bridge to cql-sim. Run by
//! `wasm/tests/with-servers.sh`.
#![cfg(target_arch = "wasm32")]

mod common;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

suite!("browser");
