//! Materialized views kept up to date: after a write to a base table, each of its views is
//! rebuilt from the base table's live rows (cells keep their write time and expiry).

use bytes::Bytes;
use uuid::Uuid;

use super::terms::{self, Env};
use crate::cql::ast::{Operator, Relation};
use crate::sim::outcome::{BoundValue, BoundValues};
use crate::sim::schema::{Schema, Table, View};
use crate::sim::storage::Store;
use crate::sim::storage::order::compare;
use crate::sim::storage::{Cell, LiveRow};

/// Rebuilds every view of the table `base_id` at `now_micros`.
pub fn refresh(schema: &Schema, store: &mut Store, base_id: Uuid, now_micros: i64) {
    let Some((base, views)) = schema.keyspaces.values().find_map(|k| {
        let base = k.tables.values().find(|t| t.id == base_id)?;
        let views: Vec<&View> = k
            .views
            .values()
            .filter(|v| v.base_table_id == base_id)
            .collect();
        Some((base, views))
    }) else {
        return;
    };
    if views.is_empty() {
        return;
    }
    let now = now_micros.div_euclid(1_000_000);
    let mut rows: Vec<(LiveRow, i64)> = Vec::new();
    if let Some(data) = store.table(base_id) {
        for p in data.partitions.values() {
            let statics = p.live_static(base, now);
            for i in 0..p.rows.len() {
                if let Some(row) = p.live_row(base, i, &statics, now) {
                    let marker_expiry = p
                        .rows
                        .get(i)
                        .and_then(|(_, r)| r.marker.as_ref())
                        .filter(|m| m.is_live(now))
                        .map(|m| m.expires);
                    let expiry = row_expiry(&row, marker_expiry, now);
                    rows.push((row, expiry));
                }
            }
        }
    }
    for view in views {
        store.truncate(view.table.id);
        for (row, expiry) in &rows {
            write_view_row(store, base, view, row, *expiry, now);
        }
    }
}

/// When the base row stops being live: its marker's or its longest-lived cell's expiry.
fn row_expiry(row: &LiveRow, marker_expiry: Option<i64>, now: i64) -> i64 {
    let mut expiry = marker_expiry.unwrap_or(i64::MIN);
    for cell in row.cells.values() {
        let e = cell
            .ttl
            .map_or(i64::MAX, |t| now.saturating_add(i64::from(t)));
        expiry = expiry.max(e);
    }
    expiry
}

fn write_view_row(
    store: &mut Store,
    base: &Table,
    view: &View,
    row: &LiveRow,
    expiry: i64,
    now: i64,
) {
    if !matches_filters(base, view, row) {
        return;
    }
    let key_of = |cols: Vec<&str>| -> Option<Vec<Bytes>> {
        cols.into_iter().map(|c| row.value(base, c)).collect()
    };
    let vt = &view.table;
    let Some(pk) = key_of(vt.partition_key().map(|c| c.name.as_str()).collect()) else {
        return;
    };
    let Some(ck) = key_of(vt.clustering().map(|c| c.name.as_str()).collect()) else {
        return;
    };
    let timestamp = row.cells.values().map(|c| c.timestamp).max().unwrap_or(0);
    let ttl_of = |e: i64| (e != i64::MAX).then(|| i32::try_from(e - now).unwrap_or(i32::MAX));
    let data = store.table_mut(vt.id);
    let partition = data.partition_mut(&pk);
    let target = partition.row_mut(vt, &ck);
    let marker_ttl = ttl_of(expiry).map(|t| (t, now));
    target.write_marker(Cell::live(Bytes::new(), timestamp, marker_ttl), now);
    for column in vt
        .columns
        .iter()
        .filter(|c| row.cells.contains_key(&c.name))
    {
        if column.kind != crate::sim::schema::ColumnKind::Regular {
            continue;
        }
        if let Some(cell) = row.cells.get(&column.name) {
            let ttl = cell.ttl.map(|t| (t, now));
            target.write_cell(
                &column.name,
                Cell::live(cell.value.clone(), cell.timestamp, ttl),
                now,
            );
        }
    }
}

/// Whether a base row passes the view's WHERE clause (IS NOT NULL and comparisons with
/// constants; other relations keep every row).
fn matches_filters(base: &Table, view: &View, row: &LiveRow) -> bool {
    let values = BoundValues::default();
    let env = Env {
        values: &values,
        now_micros: 0,
        udfs: None,
    };
    view.filters.iter().all(|r| match r {
        Relation::IsNotNull { column } => row.value(base, column).is_some(),
        Relation::Compare { column, op, value } => {
            let Some(col) = base.column(column) else {
                return true;
            };
            let Some(actual) = row.value(base, column) else {
                return false;
            };
            let Ok(BoundValue::Bytes(expected)) = terms::eval(&env, value, column, &col.typ) else {
                return true;
            };
            let ord = compare(&col.typ, &actual, &expected);
            match op {
                Operator::Eq => ord.is_eq(),
                Operator::Neq => ord.is_ne(),
                Operator::Lt => ord.is_lt(),
                Operator::Lte => ord.is_le(),
                Operator::Gt => ord.is_gt(),
                Operator::Gte => ord.is_ge(),
            }
        }
        _ => true,
    })
}
