//! wasm-bindgen bindings of the driver for browsers, Node.js and edge workers: a
//! Promise-based JavaScript/TypeScript API over `cql-core`'s session, reaching Cassandra
//! through a `cql-bridge` WebSocket tunnel.
//!
//! ```text
//!   client.rs    Client (connect, execute, prepare, batch, stream, close), Prepared, RowStream
//!   options.rs   ConnectOptions / QueryOptions objects → session builder, statement options
//!   convert/     JS ⇄ CQL values (to_js, from_js)
//!   calendar.rs  proleptic Gregorian days ⇄ (year, month, day) for `date`
//!   error.rs     driver errors → JS Error subclasses (js/support.js)
//!   types.ts     the TypeScript types of options, results and values (typescript_custom_section)
//! ```
//!
//! Built only for `wasm32`; on other targets the crate holds only the calendar helpers
//! (tested natively).

// Pure Rust, so its unit tests run natively too.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod calendar;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
pub mod convert;
#[cfg(target_arch = "wasm32")]
mod error;
#[cfg(target_arch = "wasm32")]
mod options;

#[cfg(target_arch = "wasm32")]
pub use client::{Client, Prepared, RowStream};
#[cfg(target_arch = "wasm32")]
pub use exports::error_classes;

#[cfg(target_arch = "wasm32")]
/// Free functions exported to JavaScript.
pub mod exports {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(typescript_custom_section)]
    const TYPES: &'static str = include_str!("types.ts");

    /// The error classes (`CqlError`, `ServerError`, `TimeoutError`, ...), for `instanceof`.
    #[wasm_bindgen(js_name = errorClasses, unchecked_return_type = "ErrorClasses")]
    pub fn error_classes() -> JsValue {
        crate::error::error_classes()
    }

    /// The version of this package.
    #[wasm_bindgen]
    pub fn version() -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }
}
