//! `SELECT` statements: a [`SelectSpec`] rendered to CQL text with bind markers, and the
//! checks made before it is sent.
//!
//! [`check_select`] refuses what Cassandra (3.x and 4.x) would refuse, and what it would
//! run only with `ALLOW FILTERING`, with a reason that names the column and says what to
//! do. It follows the server's own rules (`StatementRestrictions` and `SelectStatement`):
//!
//! - the partition key is restricted by `=` / `IN` on every column, by the token, or not
//!   at all (a partly restricted key needs an index); a range of partitions is a token
//!   range, never a slice on a key column;
//! - clustering restrictions form a prefix: `=` or `IN` on the first columns, then at most
//!   one range; anything after a gap or a range, or any clustering restriction while the
//!   partition key is not fixed, makes the server filter;
//! - a secondary index serves one restriction of a query (`=`; `CONTAINS` / `CONTAINS
//!   KEY` on an indexed collection; ranges and `LIKE` for SASI and storage-attached
//!   indexes); every further restriction on a regular or static column is filtering;
//! - `ORDER BY` follows the clustering order (as declared or all reversed) within fixed
//!   partitions; `DISTINCT` reads partition keys and static columns.
//!
//! One thing it cannot see: the server refuses to *page* a query with both `ORDER BY` and
//! `IN` on the partition key, so such a query must run with paging off.
//!
//! [`render_select`] checks first, so an invalid spec is never rendered. Values are never
//! written into the text: the same shape of query renders the same CQL, which the session
//! prepares once.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::types::cql_syntax::quote_identifier;

use super::model::{ColumnDef, ModelSchema};
use super::spec::{InvalidQuery, Rendered, SelectSpec, Selection, TokenBound, ValueForm};

/// The indexes (in [`ModelSchema::columns`]) of the partition key columns, in key order:
/// the columns `token(..)` is taken of, and the order of a [`TokenBound::Key`]'s values.
pub fn token_key_columns(schema: &ModelSchema) -> Vec<usize> {
    schema.partition_key().into_iter().map(|(i, _)| i).collect()
}

/// Renders a `SELECT` on the model's table: `SELECT [DISTINCT] cols FROM t [WHERE ..]
/// [ORDER BY ..] [PER PARTITION LIMIT ?] [LIMIT ?] [ALLOW FILTERING]`, with identifiers
/// quoted and one bind marker per value. The values are the filters' (in filter order),
/// then the token restrictions', then the per-partition limit, then the limit.
///
/// `keyspace` is used when the model names none. The spec is checked first
/// ([`check_select`]).
///
/// # Errors
/// The [`InvalidQuery`] of a spec the server would refuse or that needs `ALLOW FILTERING`
/// without asking for it.
pub fn render_select(
    schema: &ModelSchema,
    keyspace: Option<&str>,
    spec: &SelectSpec,
) -> Result<Rendered, InvalidQuery> {
    check_select(schema, spec)?;
    render(schema, keyspace, spec).map_err(|reason| invalid(schema, reason))
}

/// Checks a `SELECT` before it is sent: refuses what Cassandra would refuse, and what it
/// would run only with `ALLOW FILTERING` when the spec does not ask for it.
///
/// # Errors
/// An [`InvalidQuery`] whose reason names the column(s) at fault and what to do.
pub fn check_select(schema: &ModelSchema, spec: &SelectSpec) -> Result<(), InvalidQuery> {
    check(schema, spec).map_err(|reason| invalid(schema, reason))
}

fn invalid(schema: &ModelSchema, reason: String) -> InvalidQuery {
    InvalidQuery {
        model: schema.model_name.clone(),
        reason,
    }
}

// ---------------------------------------------------------------------------------------
// Rendering

fn render(
    schema: &ModelSchema,
    keyspace: Option<&str>,
    spec: &SelectSpec,
) -> Result<Rendered, String> {
    let mut cql = String::from("SELECT ");
    let mut values = Vec::new();
    if spec.distinct {
        cql.push_str("DISTINCT ");
    }
    match &spec.selection {
        Selection::Model => {
            for (n, c) in schema.columns.iter().enumerate() {
                if n > 0 {
                    cql.push_str(", ");
                }
                cql.push_str(&quote_identifier(&c.name));
            }
        }
        Selection::Columns(list) => {
            for (n, &i) in list.iter().enumerate() {
                if n > 0 {
                    cql.push_str(", ");
                }
                cql.push_str(&quote_identifier(&column(schema, i, "the selection")?.name));
            }
        }
        Selection::Count => cql.push_str("COUNT(*)"),
    }
    cql.push_str(" FROM ");
    cql.push_str(&schema.qualified_table(keyspace));

    let mut clauses = 0usize;
    let mut next_clause = |cql: &mut String| {
        cql.push_str(if clauses == 0 { " WHERE " } else { " AND " });
        clauses += 1;
    };
    for f in &spec.filters {
        let c = column(schema, f.column, "a filter")?;
        next_clause(&mut cql);
        cql.push_str(&quote_identifier(&c.name));
        cql.push(' ');
        cql.push_str(f.op.cql());
        cql.push(' ');
        cql.push_str(match f.form {
            ValueForm::Plain => "?",
            ValueForm::MinTimeuuid => "minTimeuuid(?)",
            ValueForm::MaxTimeuuid => "maxTimeuuid(?)",
        });
        values.push(f.value.clone());
    }
    if !spec.token.is_empty() {
        let mut token = String::from("token(");
        for (n, (_, c)) in schema.partition_key().into_iter().enumerate() {
            if n > 0 {
                token.push_str(", ");
            }
            token.push_str(&quote_identifier(&c.name));
        }
        token.push(')');
        for t in &spec.token {
            next_clause(&mut cql);
            cql.push_str(&token);
            cql.push(' ');
            cql.push_str(t.op.cql());
            match &t.bound {
                TokenBound::Token(b) => {
                    cql.push_str(" ?");
                    values.push(b.clone());
                }
                TokenBound::Key(key) => {
                    cql.push_str(" token(");
                    for (n, b) in key.iter().enumerate() {
                        cql.push_str(if n > 0 { ", ?" } else { "?" });
                        values.push(b.clone());
                    }
                    cql.push(')');
                }
            }
        }
    }
    if !spec.order_by.is_empty() {
        cql.push_str(" ORDER BY ");
        for (n, &(i, descending)) in spec.order_by.iter().enumerate() {
            if n > 0 {
                cql.push_str(", ");
            }
            cql.push_str(&quote_identifier(&column(schema, i, "ORDER BY")?.name));
            cql.push_str(if descending { " DESC" } else { " ASC" });
        }
    }
    if let Some(b) = &spec.per_partition_limit {
        cql.push_str(" PER PARTITION LIMIT ?");
        values.push(b.clone());
    }
    if let Some(b) = &spec.limit {
        cql.push_str(" LIMIT ?");
        values.push(b.clone());
    }
    if spec.allow_filtering {
        cql.push_str(" ALLOW FILTERING");
    }
    Ok(Rendered { cql, values })
}

/// The column at `index`, or why there is none (`place` says who named it).
fn column<'s>(schema: &'s ModelSchema, index: usize, place: &str) -> Result<&'s ColumnDef, String> {
    schema.columns.get(index).ok_or_else(|| {
        format!(
            "{place} names column #{index}, but the model has {} columns (0 to {})",
            schema.columns.len(),
            schema.columns.len().saturating_sub(1)
        )
    })
}

mod check;

use check::check;

#[cfg(test)]
mod tests;
