//! What goes into and comes out of statement execution, independent of the wire.

use bytes::Bytes;
use cql_core::Consistency;
use cql_core::message::SchemaChange;
use cql_core::types::ColumnSpec;

/// One bound value as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoundValue {
    /// `[int] -1`: null.
    Null,
    /// `[int] -2`: unset (protocol v4+): leave the column alone.
    Unset,
    /// The value's bytes, in the bound column's type.
    Bytes(Bytes),
}

/// Bound values, positional or named (named ones are matched to markers by name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoundValues {
    /// The values in the order sent.
    pub values: Vec<BoundValue>,
    /// The names when the client sent named values (same length as `values`).
    pub names: Option<Vec<String>>,
}

/// The request-level parameters of a QUERY, EXECUTE or BATCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecParams {
    /// Consistency level.
    pub consistency: Consistency,
    /// Serial consistency for conditional statements.
    pub serial_consistency: Option<Consistency>,
    /// Rows per page, when the client pages.
    pub page_size: Option<i32>,
    /// Where to resume, from a previous page's paging state.
    pub paging_state: Option<Bytes>,
    /// Client-supplied default timestamp (microseconds).
    pub timestamp: Option<i64>,
    /// v5 per-request keyspace.
    pub keyspace: Option<String>,
    /// v5 "now" override in seconds (for TTL and functions).
    pub now_in_seconds: Option<i32>,
    /// The client asked not to receive result metadata.
    pub skip_metadata: bool,
}

impl Default for ExecParams {
    fn default() -> Self {
        Self {
            consistency: Consistency::One,
            serial_consistency: None,
            page_size: None,
            paging_state: None,
            timestamp: None,
            keyspace: None,
            now_in_seconds: None,
            skip_metadata: false,
        }
    }
}

/// Rows produced by a SELECT (or an LWT's `[applied]` answer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowsResult {
    /// The result columns.
    pub columns: Vec<ColumnSpec>,
    /// Each row's cells in column order (`None` is null).
    pub rows: Vec<Vec<Option<Bytes>>>,
    /// Present when more pages follow.
    pub paging_state: Option<Bytes>,
}

/// The result of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to return (writes).
    Void,
    /// Rows.
    Rows(RowsResult),
    /// `USE ks` succeeded.
    SetKeyspace(String),
    /// A DDL statement changed the schema.
    SchemaChange(SchemaChange),
}
