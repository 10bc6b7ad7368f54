//! Syntax trees of the schema statements for functions, aggregates, materialized views and
//! triggers.

use super::{CqlType, Order, Properties, QualifiedName, Relation, SelectItem, Term};

/// `CREATE [OR REPLACE] FUNCTION [IF NOT EXISTS] [ks.]f(arg type, ...) ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateFunction {
    /// The function.
    pub name: QualifiedName,
    /// `OR REPLACE`
    pub or_replace: bool,
    /// `IF NOT EXISTS`
    pub if_not_exists: bool,
    /// Argument names and types, in order.
    pub arguments: Vec<(String, CqlType)>,
    /// `CALLED ON NULL INPUT` (true) or `RETURNS NULL ON NULL INPUT` (false).
    pub called_on_null_input: bool,
    /// `RETURNS type`
    pub return_type: CqlType,
    /// `LANGUAGE name`, lower-cased.
    pub language: String,
    /// The body (`AS '...'` or `AS $$...$$`).
    pub body: String,
}

/// `CREATE [OR REPLACE] AGGREGATE [IF NOT EXISTS] [ks.]a(types) SFUNC s STYPE t ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateAggregate {
    /// The aggregate.
    pub name: QualifiedName,
    /// `OR REPLACE`
    pub or_replace: bool,
    /// `IF NOT EXISTS`
    pub if_not_exists: bool,
    /// The argument types.
    pub arguments: Vec<CqlType>,
    /// `SFUNC name` (in the aggregate's keyspace).
    pub state_function: String,
    /// `STYPE type`
    pub state_type: CqlType,
    /// `FINALFUNC name`
    pub final_function: Option<String>,
    /// `INITCOND term`
    pub initcond: Option<Term>,
}

/// `DROP FUNCTION | AGGREGATE [IF EXISTS] [ks.]f[(types)]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropFunction {
    /// The function or aggregate.
    pub name: QualifiedName,
    /// `IF EXISTS`
    pub if_exists: bool,
    /// The argument types, when given (`f()` gives an empty list).
    pub arguments: Option<Vec<CqlType>>,
}

/// `CREATE MATERIALIZED VIEW [IF NOT EXISTS] [ks.]v AS SELECT ... FROM ... WHERE ...
/// PRIMARY KEY (...) [WITH ...]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateView {
    /// The view.
    pub name: QualifiedName,
    /// `IF NOT EXISTS`
    pub if_not_exists: bool,
    /// The selected columns; empty for `SELECT *`.
    pub columns: Vec<SelectItem>,
    /// The base table.
    pub base: QualifiedName,
    /// The WHERE restrictions.
    pub where_clause: Vec<Relation>,
    /// The partition key columns (empty when no PRIMARY KEY was written).
    pub partition_key: Vec<String>,
    /// The clustering columns.
    pub clustering_key: Vec<String>,
    /// `WITH CLUSTERING ORDER BY (...)`
    pub clustering_order: Vec<(String, Order)>,
    /// The other `WITH` options.
    pub properties: Properties,
}

/// `ALTER MATERIALIZED VIEW [IF EXISTS] [ks.]v WITH ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterView {
    /// The view.
    pub name: QualifiedName,
    /// `IF EXISTS`
    pub if_exists: bool,
    /// The new options.
    pub properties: Properties,
}

/// `CREATE TRIGGER [IF NOT EXISTS] name ON [ks.]t USING 'class'`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTrigger {
    /// The trigger.
    pub name: String,
    /// `IF NOT EXISTS`
    pub if_not_exists: bool,
    /// The table.
    pub table: QualifiedName,
    /// The trigger class.
    pub class: String,
}

/// `DROP TRIGGER [IF EXISTS] name ON [ks.]t`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropTrigger {
    /// The trigger.
    pub name: String,
    /// `IF EXISTS`
    pub if_exists: bool,
    /// The table.
    pub table: QualifiedName,
}
