//! The object mapper: Rust structs mapped to tables, typed query sets, writes with TTLs,
//! timestamps, conditions and batches, and schema sync — cqlengine's model in Rust.
//!
//! ```text
//!   model    what a model is: ModelSchema, the Model / UserTypeModel / CqlType traits
//!   spec     statements described before rendering: values, filters, conditions
//!   query    SELECT: rendering and the checks made before sending (ALLOW FILTERING...)
//!   write    INSERT / UPDATE / DELETE rendering and checks
//!   ddl      CREATE TABLE / TYPE / INDEX, and the diff that syncs a table
//! ```
//!
//! Everything above is pure (no I/O); the session-bound layer on top runs it: [`Mapper`]
//! (query sets, inserts, updates, deletes, batches, change tracking, schema sync).
//!
//! ```ignore
//! use cql_core::mapper::{Mapper, Model};
//!
//! #[derive(Debug, Model)]
//! #[cql(table = "users")]
//! struct User {
//!     #[cql(partition_key)]
//!     id: i32,
//!     name: String,
//!     #[cql(index)]
//!     email: Option<String>,
//! }
//!
//! let mapper = Mapper::new(session).with_keyspace("shop");
//! mapper.sync_table::<User>().await?; // CREATE TABLE / INDEX, or the missing columns
//! mapper.insert(&User { id: 1, name: "Ada".into(), email: None }).ttl(3600).await?;
//! let ada = mapper.objects::<User>().filter(User::ID.eq(1)).get().await?;
//! mapper.update(&ada).set(User::EMAIL, "ada@example.com").await?;
//! let n = mapper.objects::<User>().filter(User::EMAIL.eq("ada@example.com")).count().await?;
//! ```
//!
//! `examples/examples/object_mapper.rs` runs every part of it; `cql-derive`'s docs list
//! the attributes.

mod batch;
pub mod ddl;
mod derive_support;
mod error;
mod expr;
pub mod model;
pub mod model_merge;
pub mod query;
mod query_set;
mod run;
mod server_indexes;
pub mod spec;
mod sync;
mod tracked;
mod values;
pub mod write;
mod writes;

/// The derives of the traits of the same names (feature `derive`), as serde pairs them.
#[cfg(feature = "derive")]
pub use cql_derive::{Model, Polymorphic, UserType};

pub use batch::ModelBatch;
pub use error::{MapperError, NotApplied};
pub use expr::{CondExpr, CqlCollection, CqlMap, FilterExpr, OrderExpr};
pub use query_set::{Page, QuerySet};
pub use run::Mapper;
pub use sync::SyncReport;
pub use tracked::Tracked;
pub use writes::{Delete, Insert, Update};

pub use model::{
    Column, ColumnDef, CqlType, Discriminator, IndexDef, IndexTarget, KeyRole, Model, ModelSchema,
    SchemaError, UserTypeModel,
};
pub use spec::{
    Assignment, Bound, Condition, DeleteSpec, DeleteTarget, Filter, InsertSpec, InvalidQuery, Lwt,
    Op, Rendered, SelectSpec, Selection, TokenBound, TokenFilter, UpdateSpec, ValueForm,
};

/// Support for the code `#[derive(Model)]` and `#[derive(UserType)]` generate; not a
/// stable API.
#[doc(hidden)]
pub mod __private {
    pub use super::derive_support::*;
    pub use spin::Once;
}
