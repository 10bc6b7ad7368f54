//! Derive macros for `cql-core`'s row and value traits and for its object mapper.
//!
//! Each derive is named after the trait it implements, as with serde.
//!
//! * `#[derive(DeserializeRow)]` implements `DeserializeRow` for a struct with named fields:
//!   each field reads the column of the same name (any column order; extra columns are
//!   ignored). The struct is type-checked once per page against the column specs, with
//!   an error naming the missing or mistyped column. Fields may borrow from the frame
//!   (`&'a str`, `&'a [u8]`) when the struct has one lifetime parameter.
//! * `#[derive(SerializeRow)]` implements `SerializeRow`: each bind marker gets the field of
//!   the same name; every marker needs a field and every field a marker.
//! * `#[derive(DeserializeValue)]` and `#[derive(SerializeValue)]` implement those traits
//!   for a struct mapped to a user-defined type, field by field by name (UDT fields the
//!   struct lacks read nothing and are written as null); derive both to read and write it.
//! * `#[derive(Model)]` maps a struct to a table for the object mapper: it implements
//!   `cql_core::mapper::Model` (the table's schema, built and validated once, and writing
//!   each column), `DeserializeRow` (as the derive of that name) and one associated
//!   const per column, `Column<Self, FieldType>`, named as the field in upper case
//!   (`User::EMAIL`), for typed filters and updates.
//! * `#[derive(UserType)]` maps a struct to a user-defined type for the mapper: it
//!   implements `DeserializeValue` and `SerializeValue` (as the derives of those names),
//!   `cql_core::mapper::UserTypeModel` (so the mapper can create the type) and
//!   `cql_core::mapper::CqlType` (so a model's field can hold it).
//! * `#[derive(Polymorphic)]` maps an enum of models sharing one table to that table:
//!   `enum Animal { Cat(Cat), Dog(Dog) }`, each variant holding one `Model` with its
//!   `discriminator_value`. It implements `Model` (the union of the variants' schemas,
//!   see `cql_core::mapper::model_merge::merge_polymorphic`), `DeserializeRow` (the row's
//!   discriminator column picks the variant that reads it; an unknown value is an error
//!   naming it) and `From<Variant>` for each variant. Writing a column the variant does
//!   not have writes it unset.
//!
//! # Attributes
//!
//! All attributes are written `#[cql(..)]`. The row and value derives ignore the mapper's
//! attributes (so one struct can derive `Model` and `SerializeRow`); `Model`, `UserType`
//! and `Polymorphic` refuse the attributes they have no use for.
//!
//! On the type (any derive):
//! * `crate = "path::to::cql_core"` when `cql_core` is not a direct dependency (for
//!   instance through a re-export). The generated code names `cql_core` items only: this
//!   crate does not depend on it.
//!
//! On a field (any derive but `Polymorphic`):
//! * `rename = "column_name"`: the column (or UDT field) name; the field's name by default.
//! * `skip`: never read or written (`Default::default()` when reading); no column.
//! * `default` (bare): when reading, `Default::default()` if the column (or UDT field) is
//!   absent from the result.
//!
//! On a `Model` struct:
//! * `table = "users"`: the table; by default the struct's name in snake case as cqlengine
//!   writes it (an underscore between a lower-case letter and an upper-case one, all
//!   lower case, the last 48 characters): `UserAccount` → `user_account`.
//! * `keyspace = "shop"`: the table's keyspace; by default the mapper's (or session's).
//! * `options(comment = "'users of the shop'", default_time_to_live = "86400",
//!   compaction = "{'class': 'LeveledCompactionStrategy'}")`: table options, each value
//!   CQL literal text written as is after `WITH name =`, kept in order.
//! * `discriminator_value = "cat"`: the value this model's rows carry in its
//!   `discriminator` column (a variant of a polymorphic table); needs a discriminator field.
//!
//! On a `Model` field:
//! * `partition_key`: part of the partition key; the key's order is the fields' order.
//!   Every model needs one. Not on an `Option`.
//! * `clustering`, `clustering(asc)`, `clustering(desc)`: a clustering column, in field
//!   order, with its clustering order (ascending by default). Not on an `Option`.
//! * `static`: a static column (one value per partition); the table needs clustering
//!   columns.
//! * `type = "timeuuid"`: the column's CQL type, parsed when the schema is first built
//!   (a text that does not parse makes `Model::schema()` fail naming the field); by
//!   default the type is `<FieldType as CqlType>::cql_type()` (`i32` → `int`, `String` →
//!   `text`, `Option<T>` → `T`, nullable...).
//! * `frozen`: the column is `frozen<..>` (a frozen collection, tuple or user type).
//! * `counter`: the column is a `counter` (the field is an `i64`); same as
//!   `type = "counter"`. Not in the primary key.
//! * `required`: a `None` is refused on insert and save. Allowed (and trivially met) on a
//!   field that is no `Option`.
//! * `default = <expr>`: the value inserted for a `None`; `<expr>` has the field's type, or
//!   `T` for an `Option<T>` field: `#[cql(default = 18)] age: Option<i32>`. (The bare
//!   `default` keeps its reading meaning above.)
//! * `discriminator`: the column that tells apart the models of a polymorphic table (one
//!   per model at most).
//! * `index`, or `index(name = "users_by_email", keys | entries | full | values,
//!   custom = "org.apache.cassandra.index.sasi.SASIIndex", options(mode = "CONTAINS"))`: a
//!   secondary index on the column: its name (the server's default
//!   `<table>_<column>_idx` when left out), what it indexes of a collection (`values` by
//!   default), the class of a custom index and that index's options.
//! * `rename`, `skip` and the bare `default` as above.
//!
//! A field's `Option` is recognised by its written type (`Option<T>`, `std::option::Option<T>`):
//! a type alias for an `Option` is not seen as one when telling whether the column is
//! null.
//!
//! On a `UserType` struct:
//! * `type_name = "address"`: the type's name; by default the struct's name in snake case,
//!   as for a table.
//! * `keyspace = "shop"`: the type's keyspace; by default the model's that uses it.
//!
//! On a `UserType` field: `rename`, `skip`, the bare `default`, and `type = "..."`: the
//! field's CQL type; by default `<FieldType as CqlType>::cql_type()`. Since
//! `UserTypeModel::fields()` cannot fail, a text that does not parse is kept as a custom
//! type of that name (`ColumnType::Custom`), which the server refuses when the type is
//! created.
//!
//! On a `Polymorphic` enum: `crate` only. Each variant's model carries its
//! `discriminator_value`; all of them must map to the same table and keyspace, with the
//! same primary key and discriminator column.
//!
//! # Example
//!
//! ```
//! use cql_core::mapper::{KeyRole, Model as _};
//! use cql_core::{Model, UserType};
//!
//! #[derive(UserType)]
//! struct Address {
//!     street: String,
//!     zip: Option<i32>,
//! }
//!
//! #[derive(Model)]
//! #[cql(keyspace = "shop", options(comment = "'users of the shop'"))]
//! struct User {
//!     #[cql(partition_key)]
//!     id: uuid::Uuid,
//!     #[cql(clustering(desc), type = "timeuuid")]
//!     created: uuid::Uuid,
//!     #[cql(index(name = "users_by_email"))]
//!     email: String,
//!     #[cql(rename = "home_address")]
//!     home: Option<Address>,
//!     #[cql(default = 18)]
//!     age: Option<i32>,
//! }
//!
//! let schema = User::schema().unwrap();
//! assert_eq!(schema.table, "user");
//! assert_eq!(schema.columns[1].role, KeyRole::Clustering { position: 0, descending: true });
//! assert_eq!(User::EMAIL.index(), 2);
//! ```

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use syn::{DeriveInput, parse_macro_input};

mod attrs;
mod model;
mod polymorphic;
mod row;
mod udt;

use attrs::Input;
use udt::UdtSide;

/// Implements `cql_core::types::DeserializeRow` for a struct with named fields, matching
/// fields to columns by name. See the [crate docs](crate).
#[proc_macro_derive(DeserializeRow, attributes(cql))]
pub fn derive_deserialize_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, row::from_row)
}

/// Implements `cql_core::types::SerializeRow` for a struct with named fields, binding each
/// field to the bind marker of the same name. See the [crate docs](crate).
#[proc_macro_derive(SerializeRow, attributes(cql))]
pub fn derive_serialize_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, row::serialize_row)
}

/// Implements `cql_core::types::DeserializeValue` for a struct mapped to a user-defined
/// type by field name. See the [crate docs](crate).
#[proc_macro_derive(DeserializeValue, attributes(cql))]
pub fn derive_deserialize_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, |i| udt::user_type(i, UdtSide::Deserialize))
}

/// Implements `cql_core::types::SerializeValue` for a struct mapped to a user-defined type
/// by field name. See the [crate docs](crate).
#[proc_macro_derive(SerializeValue, attributes(cql))]
pub fn derive_serialize_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, |i| udt::user_type(i, UdtSide::Serialize))
}

/// Implements `cql_core::mapper::Model`, `cql_core::types::DeserializeRow` and one
/// `Column` const per column for a struct mapped to a table. See the [crate docs](crate).
#[proc_macro_derive(Model, attributes(cql))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, model::model)
}

/// Implements `cql_core::mapper::UserTypeModel`, `cql_core::mapper::CqlType` and the value
/// traits for a struct mapped to a user-defined type. See the [crate docs](crate).
#[proc_macro_derive(UserType, attributes(cql))]
pub fn derive_user_type(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, udt::user_type_model)
}

/// Implements `cql_core::mapper::Model`, `cql_core::types::DeserializeRow` and
/// `From<Variant>` for an enum of models sharing a table. See the [crate docs](crate).
#[proc_macro_derive(Polymorphic, attributes(cql))]
pub fn derive_polymorphic(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    polymorphic::polymorphic(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand(
    input: &DeriveInput,
    generate: impl FnOnce(&Input<'_>) -> syn::Result<TokenStream2>,
) -> TokenStream {
    attrs::parse(input)
        .and_then(|parsed| generate(&parsed))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declarations the derives refuse, each a `compile_fail` doc test.
///
/// No partition key:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct NoKey {
///     id: i32,
/// }
/// ```
///
/// An unknown attribute:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct Typo {
///     #[cql(partition_kye)]
///     id: i32,
/// }
/// ```
///
/// An unknown attribute on the struct:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// #[cql(tabel = "t")]
/// struct Typo {
///     #[cql(partition_key)]
///     id: i32,
/// }
/// ```
///
/// A user type's attribute on a model:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// #[cql(type_name = "t")]
/// struct Wrong {
///     #[cql(partition_key)]
///     id: i32,
/// }
/// ```
///
/// Partition key and clustering at once:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct Both {
///     #[cql(partition_key, clustering)]
///     id: i32,
/// }
/// ```
///
/// A static key column:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct StaticKey {
///     #[cql(partition_key)]
///     id: i32,
///     #[cql(clustering, static)]
///     at: i32,
/// }
/// ```
///
/// A static column without clustering columns:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct StaticAlone {
///     #[cql(partition_key)]
///     id: i32,
///     #[cql(static)]
///     note: String,
/// }
/// ```
///
/// An optional key column:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct OptionalKey {
///     #[cql(partition_key)]
///     id: Option<i32>,
/// }
/// ```
///
/// A `discriminator_value` without a discriminator field:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// #[cql(discriminator_value = "cat")]
/// struct Cat {
///     #[cql(partition_key)]
///     id: i32,
/// }
/// ```
///
/// Two discriminators:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct Cat {
///     #[cql(partition_key)]
///     id: i32,
///     #[cql(discriminator)]
///     kind: String,
///     #[cql(discriminator)]
///     kind2: String,
/// }
/// ```
///
/// A counter with a type, and a counter in the key:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct Hits {
///     #[cql(partition_key)]
///     page: String,
///     #[cql(counter, type = "bigint")]
///     hits: i64,
/// }
/// ```
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct Hits {
///     #[cql(partition_key, counter)]
///     hits: i64,
/// }
/// ```
///
/// A mapper attribute on a skipped field:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct Skipped {
///     #[cql(partition_key)]
///     id: i32,
///     #[cql(skip, index)]
///     cache: String,
/// }
/// ```
///
/// Two index targets:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct Tags {
///     #[cql(partition_key)]
///     id: i32,
///     #[cql(index(keys, entries))]
///     tags: std::collections::BTreeMap<String, String>,
/// }
/// ```
///
/// A generic model:
/// ```compile_fail
/// #[derive(cql_derive::Model)]
/// struct Generic<T> {
///     #[cql(partition_key)]
///     id: T,
/// }
/// ```
///
/// A model attribute on a user type:
/// ```compile_fail
/// #[derive(cql_derive::UserType)]
/// struct Address {
///     #[cql(partition_key)]
///     street: String,
/// }
/// ```
///
/// A polymorphic enum whose variant holds no single model, and one on a struct:
/// ```compile_fail
/// #[derive(cql_derive::Polymorphic)]
/// enum Animal {
///     Cat { lives: i32 },
/// }
/// ```
/// ```compile_fail
/// #[derive(cql_derive::Polymorphic)]
/// struct Animal {
///     id: i32,
/// }
/// ```
///
/// The same declarations, corrected, compile:
/// ```
/// #[derive(cql_derive::Model)]
/// #[cql(discriminator_value = "cat")]
/// struct Cat {
///     #[cql(partition_key)]
///     id: i32,
///     #[cql(clustering)]
///     at: i32,
///     #[cql(static)]
///     note: String,
///     #[cql(discriminator)]
///     kind: String,
///     #[cql(skip)]
///     cache: String,
///     #[cql(index(keys))]
///     tags: std::collections::BTreeMap<String, String>,
/// }
/// #[derive(cql_derive::Model)]
/// struct Hits {
///     #[cql(partition_key)]
///     page: String,
///     #[cql(counter)]
///     hits: i64,
/// }
/// #[derive(cql_derive::Polymorphic)]
/// enum Animal {
///     Cat(Cat),
/// }
/// ```
mod compile_fail {}
