//! wasm-bindgen bindings of the driver for browsers, Node.js and edge workers: a
//! Promise-based JavaScript/TypeScript API over `cql-core`'s session, reaching Cassandra
//! through a `cql-bridge` WebSocket tunnel.
//!
//! ```text
//!   client.rs        Client (connect, execute, prepare, batch, stream, on, close), Prepared, RowStream
//!   call.rs          one API call: the caller's stack for errors; Node.js kept alive meanwhile
//!   options.rs       ConnectOptions / QueryOptions objects → session builder, statement options
//!   option_names.rs  the options each object accepts; advice for unknown ones
//!   events.rs        client.on(...): host events and schema changes to JS listeners
//!   graph.rs         client.executeGraph: graph statements (scripts, JS-recorded traversals)
//!   timeuuid.rs      timeUuid / minTimeUuid / maxTimeUuid / timeUuidDate (the core's helpers)
//!   metadata/        client.metadata: the schema snapshot's lookups, replicas, CQL export
//!   convert/         JS ⇄ CQL values (to_js, from_js), JSON-safe values
//!   calendar.rs      proleptic Gregorian days ⇄ (year, month, day) for `date`
//!   encoding.rs      base64 / hex for JSON values and paging states
//!   error.rs         driver errors → JS Error subclasses (js/support.js)
//!   types.ts         the TypeScript types of options, results and values (typescript_custom_section)
//! ```
//!
//! Built only for `wasm32`; on other targets the crate holds only its pure helpers
//! (calendar, encoding, option names), tested natively.

// Pure Rust, so its unit tests run natively too.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod calendar;
#[cfg(target_arch = "wasm32")]
mod call;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
pub mod convert;
// Pure Rust, tested natively.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod encoding;
#[cfg(target_arch = "wasm32")]
mod error;
#[cfg(target_arch = "wasm32")]
mod events;
// client.executeGraph: graph statements and their results.
#[cfg(target_arch = "wasm32")]
mod graph;
#[cfg(target_arch = "wasm32")]
mod metadata;
// timeUuid, minTimeUuid, maxTimeUuid, timeUuidDate.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod option_names;
#[cfg(target_arch = "wasm32")]
mod options;
#[cfg(target_arch = "wasm32")]
mod timeuuid;

#[cfg(target_arch = "wasm32")]
pub use client::{Client, Prepared, RowStream};
#[cfg(target_arch = "wasm32")]
pub use exports::error_classes;
#[cfg(target_arch = "wasm32")]
pub use metadata::Metadata;

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

    /// Makes the client use `constructor` (a class with the browser `WebSocket` API, such
    /// as the `ws` package's) instead of the global `WebSocket`; `null` goes back to the
    /// global one. The Node.js entry point sets the `ws` package's, whose sockets can be
    /// unreferenced: an idle client then never keeps the process running.
    #[wasm_bindgen(js_name = setWebSocketImplementation)]
    pub fn set_websocket_implementation(constructor: Option<js_sys::Function>) {
        cql_transport_websocket::wasm::set_websocket_implementation(constructor);
    }
}
