//! DDL execution: CREATE/ALTER/DROP KEYSPACE, TABLE, TYPE and INDEX applied to a [`Schema`].

use cql_core::message::SchemaChange;

use super::Schema;
use crate::cql::ast::Statement;
use crate::sim::error::{CqlError, CqlResult};

/// Applies a DDL statement. Returns the schema change to announce, or `None` when an
/// `IF [NOT] EXISTS` made it a no-op. `session_keyspace` resolves unqualified names.
///
/// # Errors
/// Cassandra's errors: `AlreadyExists`, `Invalid` (unknown keyspace/table/type, bad
/// options), `ConfigError`.
pub fn execute(
    schema: &mut Schema,
    statement: &Statement,
    session_keyspace: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let _ = (schema, statement, session_keyspace);
    Err(CqlError::invalid("DDL is not supported yet"))
}
