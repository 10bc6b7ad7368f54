//! What a model is: the table it maps to, its columns and their roles, and the traits a
//! mapped struct implements (`#[derive(Model)]` and `#[derive(UserType)]` write them).
//!
//! A [`ModelSchema`] is a plain value, so the same code generates CQL for a model derived
//! from a Rust struct and for one declared at run time (the npm package's mapper, tests).

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use uuid::Uuid;

use crate::types::error::SerializeError;
use crate::types::{
    ColumnType, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlVarint, DeserializeRow,
    SerializeValue,
};

/// The role of a column in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    /// Part of the partition key, at this position (0-based).
    Partition(usize),
    /// A clustering column at this position (0-based), with its clustering order.
    Clustering {
        /// Position among the clustering columns.
        position: usize,
        /// `CLUSTERING ORDER BY (.. DESC)`.
        descending: bool,
    },
    /// A static column: one value per partition.
    Static,
    /// A regular column.
    Regular,
}

impl KeyRole {
    /// Whether the column is part of the primary key.
    pub fn is_primary_key(self) -> bool {
        matches!(self, Self::Partition(_) | Self::Clustering { .. })
    }
}

/// What a secondary index on a column indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndexTarget {
    /// The values (of a non-collection column, or of a list/set/map's values): `values(c)`
    /// for collections, `c` otherwise.
    #[default]
    Values,
    /// A map's keys: `keys(c)`.
    Keys,
    /// A map's entries: `entries(c)`.
    Entries,
    /// A frozen collection as a whole: `full(c)`.
    Full,
}

/// A secondary index declared on a column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexDef {
    /// The index name; `None` lets the server name it (`<table>_<column>_idx`).
    pub name: Option<String>,
    /// What is indexed.
    pub target: IndexTarget,
    /// The class of a custom index (`org.apache.cassandra.index.sasi.SASIIndex`,
    /// `StorageAttachedIndex`...); `None` for a built-in secondary index.
    pub custom_class: Option<String>,
    /// Options of a custom index (`mode` → `CONTAINS`...).
    pub options: Vec<(String, String)>,
}

impl IndexDef {
    /// The name the index has on the server: the declared one, else the server's default
    /// `<table>_<column>_idx`.
    pub fn effective_name(&self, table: &str, column: &str) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => format!("{table}_{column}_idx"),
        }
    }

    /// Whether the index can serve `LIKE` (SASI indexes can; storage-attached ones cannot).
    pub fn supports_like(&self) -> bool {
        self.custom_class.as_deref().is_some_and(|c| {
            let c = c.to_ascii_lowercase();
            c.contains("sasi")
        })
    }
}

/// One column of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// The Rust field it is read into and written from (named by validation errors).
    pub field: String,
    /// The CQL column name.
    pub name: String,
    /// Its CQL type.
    pub column_type: ColumnType,
    /// Written `frozen<..>` at top level (a frozen collection, tuple or UDT column).
    /// Nested collections and UDTs are always frozen.
    pub frozen: bool,
    /// Partition key, clustering, static or regular.
    pub role: KeyRole,
    /// The field may hold no value (an `Option`): null reads as `None`, and `None` is not
    /// written on insert (no tombstone).
    pub nullable: bool,
    /// A `None` is refused on insert and save, naming the field.
    pub required: bool,
    /// The model supplies a value for a `None` on insert ([`Model::write_default`]).
    pub has_default: bool,
    /// A secondary index on the column.
    pub index: Option<IndexDef>,
}

impl ColumnDef {
    /// A regular, non-null column named as its field.
    pub fn new(field: impl Into<String>, column_type: ColumnType) -> Self {
        let field = field.into();
        Self {
            name: field.clone(),
            field,
            column_type,
            frozen: false,
            role: KeyRole::Regular,
            nullable: false,
            required: false,
            has_default: false,
            index: None,
        }
    }

    /// Whether it is a `counter` column.
    pub fn is_counter(&self) -> bool {
        matches!(self.column_type, ColumnType::Counter)
    }

    /// Whether it is a non-frozen collection, whose elements CQL updates one by one
    /// (append, add, put...).
    pub fn is_multi_cell(&self) -> bool {
        !self.frozen
            && matches!(
                self.column_type,
                ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..)
            )
    }

    /// The column's type as written in DDL: `frozen<..>` when declared frozen.
    pub fn type_cql(&self) -> String {
        let inner = self.column_type.to_string();
        let already_frozen = inner.starts_with("frozen<");
        if self.frozen && !already_frozen {
            format!("frozen<{inner}>")
        } else if !self.frozen
            && already_frozen
            && matches!(self.column_type, ColumnType::Udt { .. })
        {
            // The type model writes a top-level UDT frozen; a non-frozen UDT column
            // (Cassandra 3.6+) is written bare.
            inner
                .strip_prefix("frozen<")
                .and_then(|s| s.strip_suffix('>'))
                .unwrap_or(&inner)
                .to_owned()
        } else {
            inner
        }
    }
}

/// A model's description of its table: what `#[derive(Model)]` generates, or what a
/// caller builds at run time.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSchema {
    /// The Rust type (or declared model) name, named by errors.
    pub model_name: String,
    /// The keyspace; `None` uses the mapper's (or session's) keyspace.
    pub keyspace: Option<String>,
    /// The table name.
    pub table: String,
    /// The columns in field order.
    pub columns: Vec<ColumnDef>,
    /// Table options as CQL literals in `WITH` syntax: (`comment`, `'users'`),
    /// (`default_time_to_live`, `86400`), (`compaction`, `{'class': 'LeveledCompactionStrategy'}`).
    pub options: Vec<(String, String)>,
    /// For a polymorphic model: the discriminator column's index in `columns` and the
    /// value rows of this model carry in it.
    pub discriminator: Option<Discriminator>,
}

/// The discriminator of a polymorphic model (one table, several Rust types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discriminator {
    /// Index of the discriminator column in [`ModelSchema::columns`].
    pub column: usize,
    /// The value this model's rows have in it; `None` for the base of the hierarchy,
    /// which reads every row.
    pub value: Option<String>,
}

impl ModelSchema {
    /// A schema with no columns yet.
    pub fn new(model_name: impl Into<String>, table: impl Into<String>) -> Self {
        Self {
            model_name: model_name.into(),
            keyspace: None,
            table: table.into(),
            columns: Vec::new(),
            options: Vec::new(),
            discriminator: None,
        }
    }

    /// The column named `name` (CQL name) and its index.
    pub fn column(&self, name: &str) -> Option<(usize, &ColumnDef)> {
        self.columns
            .iter()
            .enumerate()
            .find(|(_, c)| c.name == name)
    }

    /// The column read into the Rust field `field` and its index.
    pub fn column_by_field(&self, field: &str) -> Option<(usize, &ColumnDef)> {
        self.columns
            .iter()
            .enumerate()
            .find(|(_, c)| c.field == field)
    }

    /// The partition key columns in key order, with their indexes.
    pub fn partition_key(&self) -> Vec<(usize, &ColumnDef)> {
        self.key_columns(|r| match r {
            KeyRole::Partition(p) => Some(p),
            _ => None,
        })
    }

    /// The clustering columns in key order, with their indexes.
    pub fn clustering_key(&self) -> Vec<(usize, &ColumnDef)> {
        self.key_columns(|r| match r {
            KeyRole::Clustering { position, .. } => Some(position),
            _ => None,
        })
    }

    /// The primary key: partition key then clustering columns.
    pub fn primary_key(&self) -> Vec<(usize, &ColumnDef)> {
        let mut key = self.partition_key();
        key.extend(self.clustering_key());
        key
    }

    fn key_columns(&self, position: impl Fn(KeyRole) -> Option<usize>) -> Vec<(usize, &ColumnDef)> {
        let mut out: Vec<(usize, usize, &ColumnDef)> = self
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| position(c.role).map(|p| (p, i, c)))
            .collect();
        // Insertion sort: keys are short, and this keeps slice sorts out of wasm builds.
        for i in 1..out.len() {
            let mut j = i;
            while j > 0 && out.get(j - 1).map(|e| e.0) > out.get(j).map(|e| e.0) {
                out.swap(j - 1, j);
                j -= 1;
            }
        }
        out.into_iter().map(|(_, i, c)| (i, c)).collect()
    }

    /// Whether the table is a counter table (its non-key columns are counters).
    pub fn is_counter_table(&self) -> bool {
        self.columns.iter().any(ColumnDef::is_counter)
    }

    /// The keyspace-qualified, quoted table name (`"ks"."t"`), or the quoted table name
    /// when neither the model nor `default_keyspace` names a keyspace.
    pub fn qualified_table(&self, default_keyspace: Option<&str>) -> String {
        let q = crate::types::cql_syntax::quote_identifier;
        match self.keyspace.as_deref().or(default_keyspace) {
            Some(ks) => format!("{}.{}", q(ks), q(&self.table)),
            None => q(&self.table),
        }
    }

    /// Checks the schema is one CQL can create and the mapper can use: a partition key
    /// with no gaps, clustering positions with no gaps, no key column nullable, static
    /// columns only with clustering columns, counters only beside key columns, one
    /// discriminator at most, unique column names.
    ///
    /// # Errors
    /// A [`SchemaError`] naming the model and the field at fault.
    pub fn validate(&self) -> Result<(), SchemaError> {
        let err = |field: &str, reason: String| SchemaError {
            model: self.model_name.clone(),
            field: (!field.is_empty()).then(|| field.to_owned()),
            reason,
        };
        if self.table.is_empty() {
            return Err(err("", "the table name is empty".into()));
        }
        let mut seen = BTreeSet::new();
        for c in &self.columns {
            if !seen.insert(c.name.as_str()) {
                return Err(err(
                    &c.field,
                    format!("column name {:?} is used twice", c.name),
                ));
            }
            if c.role.is_primary_key() && c.nullable {
                return Err(err(
                    &c.field,
                    "a primary key column cannot be optional (Option)".into(),
                ));
            }
            if c.role.is_primary_key() && c.is_multi_cell() {
                return Err(err(
                    &c.field,
                    "a primary key column cannot be a non-frozen collection (declare it frozen)"
                        .into(),
                ));
            }
        }
        let partition = self.partition_key();
        if partition.is_empty() {
            return Err(err(
                "",
                "no partition key: mark at least one field #[cql(partition_key)]".into(),
            ));
        }
        for (expected, (_, c)) in partition.iter().enumerate() {
            if c.role != KeyRole::Partition(expected) {
                return Err(err(
                    &c.field,
                    format!("partition key positions must be 0, 1, 2...: expected {expected}"),
                ));
            }
        }
        let clustering = self.clustering_key();
        for (expected, (_, c)) in clustering.iter().enumerate() {
            if !matches!(c.role, KeyRole::Clustering { position, .. } if position == expected) {
                return Err(err(
                    &c.field,
                    format!("clustering positions must be 0, 1, 2...: expected {expected}"),
                ));
            }
        }
        for c in &self.columns {
            if c.role == KeyRole::Static && clustering.is_empty() {
                return Err(err(
                    &c.field,
                    "a static column needs clustering columns in the table".into(),
                ));
            }
            if c.is_counter() && c.role.is_primary_key() {
                return Err(err(
                    &c.field,
                    "a counter cannot be part of the primary key".into(),
                ));
            }
        }
        if self.is_counter_table() {
            if let Some(c) = self
                .columns
                .iter()
                .find(|c| !c.role.is_primary_key() && !c.is_counter())
            {
                return Err(err(
                    &c.field,
                    "a table with counters may have only counter columns beside its primary key"
                        .into(),
                ));
            }
        }
        if let Some(d) = &self.discriminator {
            if self.columns.get(d.column).is_none() {
                return Err(err("", "the discriminator names no column".into()));
            }
        }
        Ok(())
    }
}

/// Why a model's schema cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The model.
    pub model: String,
    /// The Rust field at fault, if one is.
    pub field: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "model {}, field `{field}`: {}", self.model, self.reason),
            None => write!(f, "model {}: {}", self.model, self.reason),
        }
    }
}

impl core::error::Error for SchemaError {}

/// A struct mapped to a table: `#[derive(Model)]` implements it.
///
/// Columns are addressed by their index in [`ModelSchema::columns`] (field order).
pub trait Model: for<'r> DeserializeRow<'r> + Send + Sync + 'static {
    /// The model's schema, built and validated once.
    ///
    /// # Errors
    /// The [`SchemaError`] of an invalid declaration (e.g. an unparsable `type = ".."`).
    fn schema() -> Result<&'static ModelSchema, SchemaError>;

    /// Appends the value of column `column` to `out` as a full `[value]` of type `typ`
    /// (as [`SerializeValue::serialize`] does).
    ///
    /// # Errors
    /// The field's serialization error.
    fn serialize_column(
        &self,
        column: usize,
        typ: &ColumnType,
        out: &mut Vec<u8>,
    ) -> Result<(), SerializeError>;

    /// Whether the field of column `column` holds no value (`None`).
    fn column_is_null(&self, column: usize) -> bool;

    /// Appends the declared default of column `column` (for a `None` on insert). Returns
    /// `Ok(false)` when the column has no default.
    ///
    /// # Errors
    /// The default's serialization error.
    fn write_default(
        column: usize,
        typ: &ColumnType,
        out: &mut Vec<u8>,
    ) -> Result<bool, SerializeError> {
        let _ = (column, typ, out);
        Ok(false)
    }
}

/// A struct mapped to a user-defined type: `#[derive(UserType)]` implements it (with
/// [`CqlType`] and the value traits), so `sync_type` can create it.
pub trait UserTypeModel {
    /// The type's keyspace, when the declaration names one.
    fn keyspace() -> Option<&'static str>;
    /// The type's name.
    fn type_name() -> &'static str;
    /// Field names and CQL types, in declaration order.
    fn fields() -> Vec<(String, ColumnType)>;
}

/// The CQL type a Rust type maps to in a model: `i32` → `int`, `String` → `text`,
/// `Vec<T>` → `list<T>`, `Option<T>` → `T` (nullable)... `#[cql(type = "..")]` on a field
/// overrides it (`timeuuid`, `ascii`, `varint`...).
pub trait CqlType {
    /// What a filter, condition or update takes as a value for a column of this type
    /// (`str` for `String`, `[T]` for `Vec<T>`, `T` for `Option<T>`; usually `Self`).
    type Arg: ?Sized + SerializeValue;
    /// The column type.
    fn cql_type() -> ColumnType;
    /// Whether the Rust type can hold no value.
    const NULLABLE: bool = false;
}

macro_rules! cql_type {
    ($($rust:ty => $cql:expr),* $(,)?) => {
        $(impl CqlType for $rust {
            type Arg = Self;
            fn cql_type() -> ColumnType {
                $cql
            }
        })*
    };
}

cql_type! {
    bool => ColumnType::Boolean,
    i8 => ColumnType::TinyInt,
    i16 => ColumnType::SmallInt,
    i32 => ColumnType::Int,
    i64 => ColumnType::BigInt,
    f32 => ColumnType::Float,
    f64 => ColumnType::Double,
    Uuid => ColumnType::Uuid,
    IpAddr => ColumnType::Inet,
    Ipv4Addr => ColumnType::Inet,
    Ipv6Addr => ColumnType::Inet,
    CqlTimestamp => ColumnType::Timestamp,
    CqlDate => ColumnType::Date,
    CqlTime => ColumnType::Time,
    CqlDuration => ColumnType::Duration,
    CqlVarint => ColumnType::Varint,
    CqlDecimal => ColumnType::Decimal,
    Vec<u8> => ColumnType::Blob,
}

impl CqlType for String {
    type Arg = str;
    fn cql_type() -> ColumnType {
        ColumnType::Text
    }
}

impl<T: CqlType> CqlType for Option<T> {
    type Arg = T::Arg;
    fn cql_type() -> ColumnType {
        T::cql_type()
    }
    const NULLABLE: bool = true;
}

/// `Vec<T>` is a `list<T>` (`Vec<u8>` a `blob`: `u8` is no CQL type).
impl<T: CqlType + SerializeValue> CqlType for Vec<T> {
    type Arg = [T];
    fn cql_type() -> ColumnType {
        ColumnType::List(Box::new(T::cql_type()))
    }
}

impl<T: CqlType + SerializeValue> CqlType for BTreeSet<T> {
    type Arg = Self;
    fn cql_type() -> ColumnType {
        ColumnType::Set(Box::new(T::cql_type()))
    }
}

impl<K: CqlType + SerializeValue, V: CqlType + SerializeValue> CqlType for BTreeMap<K, V> {
    type Arg = Self;
    fn cql_type() -> ColumnType {
        ColumnType::Map(Box::new(K::cql_type()), Box::new(V::cql_type()))
    }
}

/// `[T; N]` is a `vector<T, N>`.
impl<T: CqlType + SerializeValue, const N: usize> CqlType for [T; N] {
    type Arg = Self;
    fn cql_type() -> ColumnType {
        ColumnType::Vector {
            element: Box::new(T::cql_type()),
            dimensions: u32::try_from(N).unwrap_or(u32::MAX),
        }
    }
}

macro_rules! tuple_type {
    ($($t:ident),+) => {
        impl<$($t: CqlType + SerializeValue),+> CqlType for ($($t,)+) {
            type Arg = Self;
            fn cql_type() -> ColumnType {
                ColumnType::Tuple(alloc::vec![$($t::cql_type()),+])
            }
        }
    };
}
tuple_type!(A);
tuple_type!(A, B);
tuple_type!(A, B, C);
tuple_type!(A, B, C, D);
tuple_type!(A, B, C, D, E);
tuple_type!(A, B, C, D, E, F);
tuple_type!(A, B, C, D, E, F, G);
tuple_type!(A, B, C, D, E, F, G, H);

/// A UDT model's column type: the UDT with its fields, in the model's keyspace unless
/// the type names its own.
pub fn user_type_column<T: UserTypeModel>() -> ColumnType {
    ColumnType::Udt {
        keyspace: T::keyspace().unwrap_or_default().to_string(),
        name: T::type_name().to_string(),
        fields: T::fields(),
    }
}

/// A typed handle on a model's column, for filters and updates: `User::AGE.gt(30)`.
/// `#[derive(Model)]` generates one associated const per field (its name in upper case);
/// `T` is the field's Rust type.
pub struct Column<M, T> {
    index: usize,
    _model: core::marker::PhantomData<fn() -> (M, T)>,
}

impl<M, T> Column<M, T> {
    /// The handle on the column at `index` in [`ModelSchema::columns`].
    pub const fn new(index: usize) -> Self {
        Self {
            index,
            _model: core::marker::PhantomData,
        }
    }

    /// The column's index in [`ModelSchema::columns`].
    pub const fn index(&self) -> usize {
        self.index
    }
}

impl<M, T> Clone for Column<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T> Copy for Column<M, T> {}

impl<M, T> fmt::Debug for Column<M, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Column({})", self.index)
    }
}
