//! `cql-core`: the I/O-free heart of a driver for Apache Cassandra's CQL native protocol.
//!
//! The crate is `#![no_std]` + `alloc`, so the same code runs in tokio servers, browsers
//! (wasm32) and edge workers. It depends on no transport: the layers below are pure
//! functions over bytes.
//!
//! ```text
//!   session    the async driver: builder, statements, prepared, batches, paging (layer 6)
//!   policies   load balancing, retry, reconnection, speculative execution,
//!              address translation: pure decisions                          (layer 5)
//!   cluster    hosts, topology, tokens, the ring and replica placement, the
//!              cluster view the policies read                                (layer 5)
//!   connection one connection: handshake, auth, streams, heartbeats         (layer 4)
//!   message    every request and response, encoded and decoded both ways   (layer 3)
//!   types      the CQL type model, values, Rust <-> CQL mapping              (layer 2)
//!   frame      v3/v4/v5 frame headers, v5 segments, compression, primitives (layer 1)
//!   runtime    the Transport and Runtime traits the async layers are written against
//!   sync       no_std async primitives (signal, notify, channel) for the async layers
//! ```
//!
//! A layer imports only from the layers below it.
//!
//! # Features
//!
//! | feature  | default | what it adds |
//! |----------|---------|--------------|
//! | `std`    | yes     | `std::error::Error` interop and std conversions; changes nothing on the wire |
//! | `lz4`    | yes     | LZ4 body (v4) and segment (v5) compression; works without std |
//! | `snappy` | yes     | Snappy body compression (v4); implies `std` |
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
