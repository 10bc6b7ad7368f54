//! The pieces statements are described with before they are rendered to CQL: bound values,
//! filter operators, filters, conditions. Shared by query sets ([`super::query`]) and writes
//! ([`super::write`]).

use alloc::vec::Vec;

use crate::types::error::SerializeError;
use crate::types::{ColumnType, SerializeValue};

/// A value already serialized for its bind marker: a full `[value]` (`[int]` length and
/// bytes, `-1` for null, `-2` for unset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound(pub Vec<u8>);

impl Bound {
    /// Serializes `value` as `typ`.
    ///
    /// # Errors
    /// The value's [`SerializeError`] (a type mismatch names both types).
    pub fn new<V: SerializeValue + ?Sized>(
        value: &V,
        typ: &ColumnType,
    ) -> Result<Self, SerializeError> {
        let mut out = Vec::new();
        value.serialize(typ, &mut out)?;
        Ok(Self(out))
    }

    /// The unset value (`-2`): leaves a column untouched.
    pub fn unset() -> Self {
        Self((-2i32).to_be_bytes().to_vec())
    }

    /// The null value (`-1`).
    pub fn null() -> Self {
        Self((-1i32).to_be_bytes().to_vec())
    }
}

/// A comparison in a `WHERE` clause or an `IF` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=` (conditions only)
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `IN` (the value is a list of the column's type)
    In,
    /// `CONTAINS` (the value is an element of the collection)
    Contains,
    /// `CONTAINS KEY` (the value is a key of the map)
    ContainsKey,
    /// `LIKE` (SASI / SAI; the value is text with `%`)
    Like,
}

impl Op {
    /// The operator as CQL writes it.
    pub fn cql(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::In => "IN",
            Self::Contains => "CONTAINS",
            Self::ContainsKey => "CONTAINS KEY",
            Self::Like => "LIKE",
        }
    }

    /// Whether it restricts a range (`>`, `>=`, `<`, `<=`).
    pub fn is_slice(self) -> bool {
        matches!(self, Self::Gt | Self::Ge | Self::Lt | Self::Le)
    }

    /// The CQL type its bound value has for a column of type `column`: the column's type,
    /// a `list` of it for `IN`, the element (or key) type for `CONTAINS` (`CONTAINS KEY`),
    /// `text` for `LIKE`. `None` when the operator does not apply to the type (CONTAINS on
    /// a non-collection).
    pub fn value_type(self, column: &ColumnType) -> Option<ColumnType> {
        use alloc::boxed::Box;
        match self {
            Self::In => Some(ColumnType::List(Box::new(column.clone()))),
            Self::Contains => match column {
                ColumnType::List(e) | ColumnType::Set(e) => Some((**e).clone()),
                ColumnType::Map(_, v) => Some((**v).clone()),
                _ => None,
            },
            Self::ContainsKey => match column {
                ColumnType::Map(k, _) => Some((**k).clone()),
                _ => None,
            },
            Self::Like => match column {
                ColumnType::Text | ColumnType::Ascii => Some(column.clone()),
                _ => None,
            },
            _ => Some(match column {
                // Counters compare (and bind) as bigint.
                ColumnType::Counter => ColumnType::BigInt,
                other => other.clone(),
            }),
        }
    }
}

/// How the value of a filter is written in CQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueForm {
    /// `?`
    Plain,
    /// `minTimeuuid(?)` (the value is a timestamp)
    MinTimeuuid,
    /// `maxTimeuuid(?)` (the value is a timestamp)
    MaxTimeuuid,
}

/// One restriction of a query's `WHERE` clause on a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Index of the column in [`ModelSchema::columns`](super::ModelSchema::columns).
    pub column: usize,
    /// The comparison.
    pub op: Op,
    /// How the value is written (`?`, `minTimeuuid(?)`...).
    pub form: ValueForm,
    /// The value, serialized for the marker.
    pub value: Bound,
}

/// A restriction on the token of the partition key: `token(pk...) > ?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFilter {
    /// `>`, `>=`, `<`, `<=` (or `=`).
    pub op: Op,
    /// What the token is compared with.
    pub bound: TokenBound,
}

/// The right-hand side of a token restriction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenBound {
    /// A token value (`bigint` for Murmur3): `token(pk) > ?`.
    Token(Bound),
    /// The token of a partition key, one value per partition key column:
    /// `token(pk) > token(?, ?)`.
    Key(Vec<Bound>),
}

/// One `IF` condition of a lightweight transaction: `column op ?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Index of the column in [`ModelSchema::columns`](super::ModelSchema::columns).
    pub column: usize,
    /// `=`, `!=`, `>`, `>=`, `<`, `<=` or `IN`.
    pub op: Op,
    /// The value, serialized for the marker.
    pub value: Bound,
}

/// The `IF` clause of a write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Lwt {
    /// No condition: a plain write.
    #[default]
    None,
    /// `IF NOT EXISTS` (inserts).
    IfNotExists,
    /// `IF EXISTS` (updates, deletes).
    IfExists,
    /// `IF c1 = ? AND c2 > ?` (updates, deletes).
    If(Vec<Condition>),
}

impl Lwt {
    /// Whether the write is a lightweight transaction.
    pub fn is_conditional(&self) -> bool {
        !matches!(self, Self::None)
    }
}

/// A statement rendered from a spec: its CQL text (bind markers only, never values) and
/// the values of its markers in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The CQL text.
    pub cql: alloc::string::String,
    /// One value per bind marker, in marker order.
    pub values: Vec<Bound>,
}

/// Why a query or write cannot be sent as described; checked before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidQuery {
    /// The model.
    pub model: alloc::string::String,
    /// What is wrong, and what to do about it.
    pub reason: alloc::string::String,
}

impl core::fmt::Display for InvalidQuery {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "invalid query on model {}: {}", self.model, self.reason)
    }
}

impl core::error::Error for InvalidQuery {}

/// Which columns a `SELECT` returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Selection {
    /// Every column of the model, in model order (rows read into the model).
    #[default]
    Model,
    /// These columns (indexes into the model's columns), in this order: `only`, `defer`,
    /// values lists.
    Columns(Vec<usize>),
    /// `COUNT(*)`.
    Count,
}

/// A `SELECT` on a model's table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SelectSpec {
    /// What is selected.
    pub selection: Selection,
    /// `SELECT DISTINCT` (partition key and static columns only).
    pub distinct: bool,
    /// Column restrictions, ANDed, in the order given.
    pub filters: Vec<Filter>,
    /// Token restrictions on the partition key, ANDed after the filters.
    pub token: Vec<TokenFilter>,
    /// `ORDER BY` clustering columns: (column index, descending).
    pub order_by: Vec<(usize, bool)>,
    /// `PER PARTITION LIMIT ?` (the value is an `int`).
    pub per_partition_limit: Option<Bound>,
    /// `LIMIT ?` (the value is an `int`).
    pub limit: Option<Bound>,
    /// `ALLOW FILTERING`.
    pub allow_filtering: bool,
}

/// What an `UPDATE` does to one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignment {
    /// `c = ?`
    Set(Bound),
    /// `c = c + ?` on a list (value: list).
    Append(Bound),
    /// `c = ? + c` on a list (value: list).
    Prepend(Bound),
    /// `c = c - ?` on a list (value: list) or a set (value: set).
    Remove(Bound),
    /// `c = c + ?` on a set (value: set).
    Add(Bound),
    /// `c[?] = ?` on a map (key, value) or a list (index `int`, value).
    PutEntry {
        /// The map key, or the list index.
        key: Bound,
        /// The value.
        value: Bound,
    },
    /// `c = c + ?` on a map (value: map).
    PutAll(Bound),
    /// `c = c - ?` on a map (value: set of keys).
    RemoveKeys(Bound),
    /// `c = c + ?` on a counter (value: bigint).
    Increment(Bound),
    /// `c = c - ?` on a counter (value: bigint).
    Decrement(Bound),
}

/// An `INSERT` of one row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InsertSpec {
    /// The columns written (indexes), with their values (unset leaves a column untouched).
    pub values: Vec<(usize, Bound)>,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// `USING TTL ?` (value: int seconds).
    pub ttl: Option<Bound>,
    /// `USING TIMESTAMP ?` (value: bigint microseconds).
    pub timestamp: Option<Bound>,
}

/// An `UPDATE` of the rows its filters select (a whole primary key, or a partition for
/// static columns).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateSpec {
    /// What happens to which column (index), in order.
    pub assignments: Vec<(usize, Assignment)>,
    /// The `WHERE` clause: `=` (or `IN`) on key columns.
    pub filters: Vec<Filter>,
    /// `USING TTL ?` (value: int seconds).
    pub ttl: Option<Bound>,
    /// `USING TIMESTAMP ?` (value: bigint microseconds).
    pub timestamp: Option<Bound>,
    /// The `IF` clause.
    pub lwt: Lwt,
}

/// What a `DELETE` removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteTarget {
    /// A whole column: `DELETE c FROM ..`.
    Column(usize),
    /// One element of a map (by key) or list (by `int` index): `DELETE c[?] FROM ..`.
    Element {
        /// The column index.
        column: usize,
        /// The key or index.
        key: Bound,
    },
}

/// A `DELETE` of rows (no targets) or of some of their columns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteSpec {
    /// The columns or elements removed; empty removes the rows.
    pub targets: Vec<DeleteTarget>,
    /// The `WHERE` clause: key columns (a clustering range deletes a range of rows).
    pub filters: Vec<Filter>,
    /// `USING TIMESTAMP ?` (value: bigint microseconds).
    pub timestamp: Option<Bound>,
    /// The `IF` clause.
    pub lwt: Lwt,
}
