//! Statement execution: SELECT, INSERT, UPDATE, DELETE, BATCH and TRUNCATE against the
//! schema and the store, and the metadata of prepared statements.

use cql_core::types::ColumnSpec;

use crate::cql::Parsed;
use crate::cql::ast::BatchKind;
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::info::NodeInfo;
use crate::sim::outcome::{BoundValues, ExecParams, Outcome};
use crate::sim::schema::Schema;
use crate::sim::storage::Store;

/// What a statement runs against.
pub struct ExecContext<'a> {
    /// The current schema (read only: DDL goes through [`crate::sim::schema::ddl`]).
    pub schema: &'a Schema,
    /// The data.
    pub store: &'a mut Store,
    /// The node's identity (for system tables and functions).
    pub info: &'a NodeInfo,
    /// The current time, microseconds since the epoch (write timestamps, TTL expiry).
    pub now_micros: i64,
    /// The keyspace unqualified names resolve to (`USE`, or v5's per-request keyspace).
    pub keyspace: Option<&'a str>,
}

/// The shape of a prepared statement: its bind markers' columns, the partition key
/// indexes among them, and its result columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreparedShape {
    /// One spec per bind marker.
    pub bind: Vec<ColumnSpec>,
    /// Indexes into `bind` of the partition key columns, in key order, when every one is bound.
    pub pk_indexes: Vec<u16>,
    /// The result columns (empty for writes).
    pub result: Vec<ColumnSpec>,
}

/// Runs a DML statement or a SELECT.
///
/// # Errors
/// Cassandra's errors for the statement (`Invalid` for unknown tables/columns or wrong
/// values, ...).
pub fn execute(
    ctx: &mut ExecContext<'_>,
    parsed: &Parsed,
    values: &BoundValues,
    params: &ExecParams,
) -> CqlResult<Outcome> {
    let _ = (ctx, parsed, values, params);
    Err(CqlError::invalid("statement not supported yet"))
}

/// Runs the statements of a BATCH message (or a `BEGIN BATCH` statement expanded) as one
/// batch: all of them or, for a conditional batch, none.
///
/// # Errors
/// As [`execute`], plus Cassandra's batch rules (no counters in logged batches, ...).
pub fn execute_batch(
    ctx: &mut ExecContext<'_>,
    kind: BatchKind,
    statements: &[(&Parsed, &BoundValues)],
    params: &ExecParams,
) -> CqlResult<Outcome> {
    let _ = (ctx, kind, statements, params);
    Err(CqlError::invalid("BATCH not supported yet"))
}

/// The prepared shape of a statement.
///
/// # Errors
/// The errors preparing it would give in Cassandra (unknown table or column, ...).
pub fn prepare(
    schema: &Schema,
    parsed: &Parsed,
    keyspace: Option<&str>,
) -> CqlResult<PreparedShape> {
    let _ = (schema, parsed, keyspace);
    Err(CqlError::invalid("PREPARE not supported yet"))
}
