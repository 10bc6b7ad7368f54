//! `cql-core`: the I/O-free heart of a driver for Apache Cassandra's CQL native protocol.
//!
//! The crate is `#![no_std]` + `alloc`, so the same code runs in tokio servers, browsers
//! (wasm32) and edge workers. It depends on no transport: the layers below are pure
//! functions over bytes.
//!
//! ```text
//!   mapper     the object mapper: models, query sets, writes, schema sync    (layer 7)
//!   session    the async driver: builder, statements, prepared, batches, paging (layer 6)
//!   policies   load balancing, retry, reconnection, speculative execution,
//!              address translation: pure decisions                          (layer 5)
//!   cluster    hosts, topology, tokens, the ring and replica placement, the
//!              cluster view the policies read                                (layer 5)
//!   connection one connection: handshake, auth, streams, heartbeats         (layer 4)
//!   graph      DSE Graph: options, GraphSON 1/2/3 values, rows, parameters, bytecode
//!   message    every request and response, encoded and decoded both ways   (layer 3)
//!   types      the CQL type model, values, Rust <-> CQL mapping              (layer 2)
//!   frame      v3/v4/v5 frame headers, v5 segments, compression, primitives (layer 1)
//!   runtime    the Transport and Runtime traits the async layers are written against
//!   sync       no_std async primitives (signal, notify, channel) for the async layers
//! ```
//!
//! A layer imports only from the layers below it (`.ci/check-layers.sh` fails the build
//! otherwise).
//!
//! # Start here
//!
//! Applications add the crate of their platform; it re-exports this crate's API, so the
//! import style is the same everywhere: the paved path from the crate root, the rest from
//! its module (`session::`, `policies::`, `types::`...).
//!
//! | platform | crate | opening a session |
//! |----------|-------|-------------------|
//! | tokio (servers, command-line tools) | `cql-transport-tcp` | `cql_transport_tcp::SessionBuilder::new()` (TCP; `.transport(TlsTransport)` for TLS) |
//! | behind a WebSocket bridge, native | `cql-transport-websocket` + `cql-transport-tcp` | the same builder with `.transport(WebSocketTransport)` |
//! | wasm32 hosts (browsers, Node.js, workers) | `cql-transport-websocket` | [`SessionBuilder`]`::new().transport(..).runtime(WasmRuntime::new())` |
//! | JavaScript | the `cql-wasm` npm package | `Client.connect({...})` |
//! | anything else | `cql-core` | [`SessionBuilder`]`::new().transport(..).runtime(..)` with your [`runtime::Transport`] and [`runtime::Runtime`] |
//!
//! ```ignore
//! use cql_transport_tcp::SessionBuilder; // or cql_core::SessionBuilder + .transport/.runtime
//!
//! let session = SessionBuilder::new()
//!     .contact_point("127.0.0.1:9042")
//!     .connect()
//!     .await?;
//! session
//!     .execute("INSERT INTO shop.users (id, name) VALUES (?, ?)", (42, "Ada"))
//!     .await?;
//! let user = session.prepare("SELECT name FROM shop.users WHERE id = ?").await?;
//! for row in session.execute(&user, (42,)).await?.rows() {
//!     let name: &str = row.get("name")?;
//!     println!("{name}");
//! }
//! ```
//!
//! (`cql-transport-tcp`'s front page compiles this; `examples/` runs one program per
//! topic.) Functions take `&Session`: it is cheap to clone and shared by every task.
//!
//! | to | call |
//! |----|------|
//! | run a statement and get every row (pages fetched as needed) | [`Session::execute`] |
//! | get one page and the [`PagingState`] to resume from | [`Session::execute_page`] |
//! | stream rows page by page, lazily | [`Session::execute_iter`] ([`RowStream`], typed: [`TypedRowStream`]) |
//! | prepare a statement | [`Session::prepare`] |
//! | run a batch | [`Session::batch`] |
//! | run many statements with bounded concurrency | [`Session::execute_concurrent`] |
//! | read the schema (tables, columns, views, types, functions), export it as CQL, find a partition's replicas | [`Session::metadata`] ([`cluster::schema`]) |
//! | read a column | [`Row::get`] by name or index; whole rows with [`DeserializeRow`] |
//! | tell what failed | [`Error`]; a node's answer is [`ServerError`] with a [`DbError`] |
//!
//! # Features
//!
//! | feature  | default | what it adds |
//! |----------|---------|--------------|
//! | `std`    | yes     | `std::error::Error` interop and std conversions; changes nothing on the wire |
//! | `lz4`    | yes     | LZ4 body (v4) and segment (v5) compression; works without std |
//! | `snappy` | yes     | Snappy body compression (v4); implies `std` |
//! | `column-encryption` | yes | client-side column encryption compatible with the Python driver's AES-256 policy (`types::column_encryption`); works without std |
//! | `serde`  | no      | rows into `serde::Deserialize` types (`types::serde::SerdeRow`), values from `Serialize` ones; works without std |
//! | `derive` | no      | `#[derive(DeserializeRow, SerializeRow, DeserializeValue, SerializeValue)]` (from `cql-derive`; each named after the trait it implements) |
#![no_std]
// Keeps the crate honest about what it needs: core first, then alloc, std only behind `std`.
#![warn(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod cluster;
pub mod connection;
pub mod frame;
pub mod graph;
pub mod mapper;
pub mod message;
pub mod policies;
pub mod runtime;
pub mod session;
pub mod sync;
pub mod types;

// The public interface at the root is what an application uses: open a session, run
// statements, read rows, handle errors. Everything else is under its layer's module.
pub use frame::{Compression, ProtocolVersion};
pub use message::{BatchType, Consistency, DbError};
pub use runtime::NodeAddr;
pub use session::{
    Batch, Error, ExecutionProfile, PagingState, PreparedStatement, QueryResult, Row, RowStream,
    ServerError, Session, SessionBuilder, SessionBuilderOn, SessionConfig, Statement,
    TypedRowStream,
};
// The row and value traits, and (feature `derive`) the derives of the same names.
pub use types::{
    ColumnType, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue, CqlVarint,
    DeserializeRow, DeserializeValue, MaybeUnset, SerializeRow, SerializeValue, Unset,
};
// The mapper's derives (feature `derive`); the traits they implement are in `mapper`.
#[cfg(feature = "derive")]
pub use cql_derive::{Model, Polymorphic, UserType};
