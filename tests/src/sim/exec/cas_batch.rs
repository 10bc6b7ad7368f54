//! The answer to a conditional BATCH whose conditions fail, as Cassandra 4.1 builds it
//! (`ModificationStatement.buildCasResultSet` with `isBatch`): `[applied] = false`, then
//! one row per existing row the conditions read, in clustering order, with the primary
//! key and the conditioned columns (every column when a statement says `IF [NOT]
//! EXISTS`); only `[applied]` when none of those rows exists.

use bytes::Bytes;
use cql_core::types::ColumnSpec;

use super::modify::{CasCheck, Plan, applied_result, current_row};
use crate::sim::outcome::RowsResult;
use crate::sim::schema::Table;
use crate::sim::schema::model::{Column, ColumnKind};
use crate::sim::storage::{LiveRow, Store};

/// The failed batch's rows; `conditional` are its statements with conditions (one
/// partition, checked before).
pub fn failure(store: &Store, conditional: &[&Plan<'_>], now: i64) -> Option<RowsResult> {
    let table = conditional.first()?.table;
    let mut result = applied_result(table, false, None);
    let rows = condition_rows(store, table, conditional, now);
    if rows.is_empty() {
        return Some(result);
    }
    let columns = columns(table, conditional);
    result.columns.extend(columns.iter().map(|c| ColumnSpec {
        keyspace: table.keyspace.clone(),
        table: table.name.clone(),
        name: c.name.clone(),
        typ: c.typ.clone(),
    }));
    let applied: Option<Bytes> = Some(Bytes::from_static(&[0]));
    result.rows = rows
        .iter()
        .map(|r| {
            std::iter::once(applied.clone())
                .chain(columns.iter().map(|c| r.value(table, &c.name)))
                .collect()
        })
        .collect();
    Some(result)
}

/// Every column for `IF [NOT] EXISTS`, else the primary key then the conditioned columns
/// in the order the conditions name them.
fn columns<'t>(table: &'t Table, conditional: &[&Plan<'_>]) -> Vec<&'t Column> {
    let exists = conditional.iter().any(|p| {
        matches!(
            p.cas.as_ref().map(|(c, _)| c),
            Some(CasCheck::Exists | CasCheck::NotExists)
        )
    });
    if exists {
        return table.columns.iter().collect();
    }
    let mut out: Vec<&Column> = table
        .columns
        .iter()
        .filter(|c| matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Clustering))
        .collect();
    for p in conditional {
        if let Some((CasCheck::Conditions(conds), _)) = &p.cas {
            for cond in conds {
                if let Some(c) = table.column(&cond.column) {
                    if !out.iter().any(|o| o.name == c.name) {
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}

/// The existing rows the conditions name, each once, in clustering order.
fn condition_rows(
    store: &Store,
    table: &Table,
    conditional: &[&Plan<'_>],
    now: i64,
) -> Vec<LiveRow> {
    let mut rows: Vec<(usize, LiveRow)> = Vec::new();
    for p in conditional {
        let Some((_, target)) = &p.cas else {
            continue;
        };
        let Some(row) = current_row(store, table, target, now) else {
            continue;
        };
        if rows.iter().any(|(_, r)| r.clustering == row.clustering) {
            continue;
        }
        let position = store
            .table(table.id)
            .and_then(|d| d.partition(&target.pk))
            .and_then(|part| part.find_row(table, &row.clustering).ok())
            .unwrap_or(0);
        rows.push((position, row));
    }
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, r)| r).collect()
}
