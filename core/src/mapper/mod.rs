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
//! Everything above is pure (no I/O); the session-bound layer on top runs it.

pub mod ddl;
pub mod model;
pub mod model_merge;
pub mod query;
pub mod spec;
pub mod write;

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
    pub use spin::Once;
}
