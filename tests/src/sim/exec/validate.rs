//! The checks Cassandra 4.1 makes when it prepares a statement (restrictions, missing key
//! parts, ORDER BY, DISTINCT, assignments), made at PREPARE with the same messages a
//! QUERY gives.
//!
//! The statement is planned as EXECUTE would plan it, with a harmless placeholder bound
//! to every marker; only errors that do not depend on bound values are reported, so a
//! placeholder can never make a valid statement fail to prepare.

use bytes::Bytes;
use cql_core::types::{ColumnSpec, ColumnType};

use super::terms::Env;
use super::udf::UdfScope;
use super::{plan_statement, resolve_table, restrict, select};
use crate::cql::Parsed;
use crate::cql::ast::{BatchStatement, Statement};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::outcome::{BoundValue, BoundValues, ExecParams};
use crate::sim::schema::Schema;

/// The beginnings of the messages Cassandra gives while preparing: structural errors that
/// no bound value can cause or cure.
const PREPARE_TIME: [&str; 40] = [
    "SELECT DISTINCT with WHERE clause",
    "Conditional updates are not supported on counter tables",
    "Cannot provide custom timestamp for conditional updates",
    "DELETE statements must restrict all PRIMARY KEY columns",
    "Slice restrictions are not supported on the clustering columns",
    "LIKE restriction is only supported on properly indexed columns",
    "Select on indexed columns and with IN clause",
    "Cannot execute this query as it might involve data filtering",
    "Only EQ and IN relation are supported on the partition key",
    "PRIMARY KEY column",
    "PRIMARY KEY part",
    "Some partition key parts are missing",
    "Some clustering keys are missing",
    "Undefined column name",
    "ORDER BY is only supported",
    "Order by",
    "Unsupported order by relation",
    "SELECT DISTINCT queries",
    "Unsupported \"!=\" relation",
    "Cannot use CONTAINS",
    "The token function",
    "Non PRIMARY KEY columns found in where clause",
    "Multi-column relations can only be applied",
    "Clustering columns must appear in the PRIMARY KEY order",
    "IN on the partition key is not supported",
    "IN on the clustering key columns is not supported",
    "Invalid restrictions on clustering columns",
    "Invalid clustering restrictions",
    "Invalid identifier",
    "Cannot set the value of counter column",
    "INSERT statements are not allowed on counter tables",
    "Multiple definitions found for column",
    "Cannot use selection function",
    "Invalid field selection",
    "Cannot infer type for term",
    "Unknown function",
    "Invalid number of arguments in call to function",
    "Type error:",
    "Invalid call to function",
    "Ambiguous call to function",
];

fn framed(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as i32).to_be_bytes());
    out.extend_from_slice(b);
}

/// A valid, non-empty, non-null value of `t` (1 for numbers, `'a'` for text, empty
/// collections, tuples of placeholders).
pub fn placeholder(t: &ColumnType) -> Bytes {
    use ColumnType as T;
    let v: Vec<u8> = match t {
        T::Boolean | T::TinyInt | T::Varint => vec![1],
        T::SmallInt => 1i16.to_be_bytes().to_vec(),
        T::Int => 1i32.to_be_bytes().to_vec(),
        T::BigInt | T::Counter | T::Timestamp | T::Time => 1i64.to_be_bytes().to_vec(),
        T::Float => 1f32.to_be_bytes().to_vec(),
        T::Double => 1f64.to_be_bytes().to_vec(),
        T::Date => (1u32 << 31).to_be_bytes().to_vec(),
        T::Text | T::Ascii => b"a".to_vec(),
        T::Blob | T::Custom(_) => vec![0],
        T::Uuid => uuid::Uuid::from_u128(1).as_bytes().to_vec(),
        T::Timeuuid => super::functions::bound_timeuuid(0, false)
            .as_bytes()
            .to_vec(),
        T::Inet => vec![127, 0, 0, 1],
        T::Decimal => vec![0, 0, 0, 0, 1],
        T::Duration => vec![0, 0, 0],
        T::List(_) | T::Set(_) | T::Map(..) => vec![0, 0, 0, 0],
        T::Tuple(types) => {
            let mut out = Vec::new();
            for t in types {
                framed(&mut out, &placeholder(t));
            }
            out
        }
        T::Udt { fields, .. } => {
            let mut out = Vec::new();
            for (_, t) in fields {
                framed(&mut out, &placeholder(t));
            }
            out
        }
        T::Vector {
            element,
            dimensions,
        } => {
            let one = placeholder(element);
            let mut out = Vec::new();
            for _ in 0..(*dimensions).min(1 << 16) {
                out.extend_from_slice(&one);
            }
            out
        }
        _ => vec![0],
    };
    Bytes::from(v)
}

fn structural(e: &CqlError) -> bool {
    e.error == cql_core::message::DbError::Invalid
        && PREPARE_TIME.iter().any(|p| e.message.starts_with(p))
}

/// Plans the statement with placeholders bound to its markers (`bind`, one spec each)
/// and answers the errors Cassandra gives at PREPARE.
///
/// # Errors
/// The structural `Invalid` errors listed in `PREPARE_TIME`.
pub fn check(
    schema: &Schema,
    parsed: &Parsed,
    keyspace: Option<&str>,
    bind: &[ColumnSpec],
) -> CqlResult<()> {
    let values = BoundValues {
        values: bind
            .iter()
            .map(|s| BoundValue::Bytes(placeholder(&s.typ)))
            .collect(),
        names: None,
    };
    let env = Env {
        values: &values,
        now_micros: 0,
        udfs: Some(UdfScope { schema, keyspace }),
    };
    let result = match &parsed.statement {
        Statement::Select(sel) => resolve_table(schema, &sel.table, keyspace).and_then(|table| {
            let w = restrict::analyze(table, &sel.where_clause, &env)?;
            select::run(table, None, sel, &w, &env, &ExecParams::default()).map(|_| ())
        }),
        Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => {
            plan_statement(schema, &parsed.statement, &env, keyspace, None).map(|_| ())
        }
        Statement::Batch(b) => b.statements.iter().try_for_each(|s| {
            let s = match s {
                BatchStatement::Insert(i) => Statement::Insert(i.clone()),
                BatchStatement::Update(u) => Statement::Update(u.clone()),
                BatchStatement::Delete(d) => Statement::Delete(d.clone()),
            };
            plan_statement(schema, &s, &env, keyspace, None).map(|_| ())
        }),
        _ => Ok(()),
    };
    match result {
        Err(e) if structural(&e) => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_decode_as_their_type() {
        let types = [
            ColumnType::Int,
            ColumnType::Text,
            ColumnType::Timeuuid,
            ColumnType::Decimal,
            ColumnType::Duration,
            ColumnType::Date,
            ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Inet]),
            ColumnType::List(Box::new(ColumnType::Int)),
            ColumnType::Vector {
                element: Box::new(ColumnType::Float),
                dimensions: 3,
            },
        ];
        for t in types {
            let b = placeholder(&t);
            assert!(
                cql_core::CqlValue::deserialize(&t, Some(&b))
                    .unwrap()
                    .is_some(),
                "{t}"
            );
        }
    }
}
