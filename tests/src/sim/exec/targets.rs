//! The keyspaces a prepared statement reads or writes, so a schema change can drop the
//! prepared statements it affects (as Cassandra's prepared statement cache does on
//! ALTER/DROP TABLE and DROP KEYSPACE).

use crate::cql::Parsed;
use crate::cql::ast::{BatchStatement, QualifiedName, Statement};

/// The (keyspace, table) pairs a statement targets, unqualified names resolved in the
/// keyspace it was prepared in.
pub fn tables(parsed: &Parsed, keyspace: Option<&str>) -> Vec<(String, String)> {
    let resolve = |n: &QualifiedName| {
        n.keyspace
            .as_deref()
            .or(keyspace)
            .map(|ks| (ks.to_string(), n.name.clone()))
    };
    let names: Vec<&QualifiedName> = match &parsed.statement {
        Statement::Select(s) => vec![&s.table],
        Statement::Insert(i) => vec![&i.table],
        Statement::Update(u) => vec![&u.table],
        Statement::Delete(d) => vec![&d.table],
        Statement::Batch(b) => b
            .statements
            .iter()
            .map(|s| match s {
                BatchStatement::Insert(i) => &i.table,
                BatchStatement::Update(u) => &u.table,
                BatchStatement::Delete(d) => &d.table,
            })
            .collect(),
        _ => Vec::new(),
    };
    names.into_iter().filter_map(resolve).collect()
}

/// Whether a statement prepared in `keyspace` is affected by a change of `changed_ks`
/// (and, for a table change, of `changed_table`): it targets that table or keyspace, or
/// it was prepared in that keyspace.
pub fn affected(
    parsed: &Parsed,
    keyspace: Option<&str>,
    changed_ks: &str,
    changed_table: Option<&str>,
) -> bool {
    let targets = tables(parsed, keyspace);
    let hit = targets
        .iter()
        .any(|(ks, t)| ks == changed_ks && changed_table.is_none_or(|c| c == t));
    hit || (targets.is_empty() && keyspace == Some(changed_ks))
}
