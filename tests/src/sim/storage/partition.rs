//! Partitions, rows and cells, and what of them is live at a given time.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use bytes::Bytes;
use cql_core::types::ColumnType;

use super::order::compare;
use crate::sim::schema::Table;
use crate::sim::schema::model::{ClusteringOrder, ColumnKind};

/// One written value (or tombstone) with its timestamp and expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The value; `None` is a tombstone.
    pub value: Option<Bytes>,
    /// The write timestamp (microseconds).
    pub timestamp: i64,
    /// The TTL it was written with (seconds, 0 = none).
    pub ttl: i32,
    /// When it expires (seconds since the epoch; `i64::MAX` = never).
    pub expires: i64,
}

impl Cell {
    /// A live cell; `ttl` is `(seconds, now in seconds)` when the cell expires.
    pub fn live(value: Bytes, timestamp: i64, ttl: Option<(i32, i64)>) -> Self {
        let (ttl, expires) = match ttl {
            Some((t, now)) if t > 0 => (t, now.saturating_add(i64::from(t))),
            _ => (0, i64::MAX),
        };
        Self {
            value: Some(value),
            timestamp,
            ttl,
            expires,
        }
    }

    /// A tombstone.
    pub fn tombstone(timestamp: i64) -> Self {
        Self {
            value: None,
            timestamp,
            ttl: 0,
            expires: i64::MAX,
        }
    }

    /// Whether the cell holds a value at `now` (seconds).
    pub fn is_live(&self, now: i64) -> bool {
        self.value.is_some() && now < self.expires
    }

    /// Whether `self` wins over `other` when both are written to the same place
    /// (Cassandra's reconciliation: greater timestamp; then the dead one; then the greater
    /// value; then the later expiry).
    pub fn wins_over(&self, other: &Cell, now: i64) -> bool {
        if self.timestamp != other.timestamp {
            return self.timestamp > other.timestamp;
        }
        match (self.is_live(now), other.is_live(now)) {
            (false, true) => return true,
            (true, false) => return false,
            _ => {}
        }
        match self.value.cmp(&other.value) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => self.expires >= other.expires,
        }
    }
}

/// What a column of a row holds: one cell, or the elements of a non-frozen collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnData {
    /// A single value.
    Simple(Cell),
    /// Collection elements by key (list: position key, set: element, map: key), sorted
    /// by the key type's order; elements older than `deleted_at` are gone.
    Complex {
        /// The timestamp of the last whole-collection deletion (overwrite or DELETE).
        deleted_at: Option<i64>,
        /// The elements: key and the cell holding the value (empty for sets).
        items: Vec<(Bytes, Cell)>,
    },
}

/// A row: its primary key liveness marker, its deletion and its columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// The row marker INSERT writes (its cell value is empty).
    pub marker: Option<Cell>,
    /// The timestamp of the last row deletion.
    pub deleted_at: Option<i64>,
    /// Columns by name.
    pub columns: BTreeMap<String, ColumnData>,
}

impl Row {
    /// Writes a simple cell, keeping whichever of the old and new wins.
    pub fn write_cell(&mut self, column: &str, cell: Cell, now: i64) {
        match self.columns.get_mut(column) {
            Some(ColumnData::Simple(old)) => {
                if cell.wins_over(old, now) {
                    *old = cell;
                }
            }
            _ => {
                self.columns
                    .insert(column.to_string(), ColumnData::Simple(cell));
            }
        }
    }

    /// Writes the row marker.
    pub fn write_marker(&mut self, cell: Cell, now: i64) {
        match &self.marker {
            Some(old) if !cell.wins_over(old, now) => {}
            _ => self.marker = Some(cell),
        }
    }

    /// Deletes the whole row at `timestamp`.
    pub fn delete(&mut self, timestamp: i64) {
        self.deleted_at = Some(self.deleted_at.map_or(timestamp, |d| d.max(timestamp)));
    }

    /// Deletes a whole non-frozen collection at `timestamp` (its elements written earlier
    /// vanish).
    pub fn delete_collection(&mut self, column: &str, timestamp: i64) {
        let entry = self
            .columns
            .entry(column.to_string())
            .or_insert(ColumnData::Complex {
                deleted_at: None,
                items: Vec::new(),
            });
        match entry {
            ColumnData::Complex { deleted_at, items } => {
                *deleted_at = Some(deleted_at.map_or(timestamp, |d| d.max(timestamp)));
                items.retain(|(_, c)| c.timestamp > timestamp);
            }
            ColumnData::Simple(_) => {
                *entry = ColumnData::Complex {
                    deleted_at: Some(timestamp),
                    items: Vec::new(),
                };
            }
        }
    }

    /// Writes one collection element, keys ordered by `key_type`.
    pub fn write_element(
        &mut self,
        column: &str,
        key_type: &ColumnType,
        key: Bytes,
        cell: Cell,
        now: i64,
    ) {
        let entry = self
            .columns
            .entry(column.to_string())
            .or_insert(ColumnData::Complex {
                deleted_at: None,
                items: Vec::new(),
            });
        if let ColumnData::Simple(_) = entry {
            *entry = ColumnData::Complex {
                deleted_at: None,
                items: Vec::new(),
            };
        }
        if let ColumnData::Complex { deleted_at, items } = entry {
            if deleted_at.is_some_and(|d| d >= cell.timestamp) {
                return;
            }
            match items.binary_search_by(|(k, _)| compare(key_type, k, &key)) {
                Ok(i) => {
                    if let Some((_, old)) = items.get_mut(i) {
                        if cell.wins_over(old, now) {
                            *old = cell;
                        }
                    }
                }
                Err(i) => items.insert(i, (key, cell)),
            }
        }
    }

    /// The live elements of a collection column after `shadow` (the row's deletion time).
    pub fn live_elements(&self, column: &str, shadow: i64, now: i64) -> Vec<(Bytes, &Cell)> {
        match self.columns.get(column) {
            Some(ColumnData::Complex { deleted_at, items }) => {
                let floor = deleted_at.map_or(shadow, |d| d.max(shadow));
                items
                    .iter()
                    .filter(|(_, c)| c.timestamp > floor && c.is_live(now))
                    .map(|(k, c)| (k.clone(), c))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The live simple cell of a column after `shadow`.
    pub fn live_cell(&self, column: &str, shadow: i64, now: i64) -> Option<&Cell> {
        match self.columns.get(column) {
            Some(ColumnData::Simple(c)) if c.timestamp > shadow && c.is_live(now) => Some(c),
            _ => None,
        }
    }
}

/// A clustering range as DELETE writes it: an equal prefix and, on the next clustering
/// column, optional value bounds `(value, inclusive)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusteringSlice {
    /// Values of the first clustering columns.
    pub prefix: Vec<Bytes>,
    /// Lower bound on the next column's value.
    pub lower: Option<(Bytes, bool)>,
    /// Upper bound on the next column's value.
    pub upper: Option<(Bytes, bool)>,
}

impl ClusteringSlice {
    /// Whether a full clustering key falls inside the slice.
    pub fn contains(&self, types: &[ColumnType], key: &[Bytes]) -> bool {
        for (i, p) in self.prefix.iter().enumerate() {
            match (types.get(i), key.get(i)) {
                (Some(t), Some(k)) if compare(t, k, p).is_eq() => {}
                _ => return false,
            }
        }
        let i = self.prefix.len();
        let (Some(t), Some(k)) = (types.get(i), key.get(i)) else {
            return self.lower.is_none() && self.upper.is_none();
        };
        if let Some((b, incl)) = &self.lower {
            match compare(t, k, b) {
                Ordering::Less => return false,
                Ordering::Equal if !incl => return false,
                _ => {}
            }
        }
        if let Some((b, incl)) = &self.upper {
            match compare(t, k, b) {
                Ordering::Greater => return false,
                Ordering::Equal if !incl => return false,
                _ => {}
            }
        }
        true
    }
}

/// A deletion of a range of clustering keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeTombstone {
    /// The range.
    pub slice: ClusteringSlice,
    /// Its timestamp.
    pub timestamp: i64,
}

/// A partition: its key, deletion, static row, rows in clustering order and range
/// tombstones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// The partition key components (serialized values).
    pub key: Vec<Bytes>,
    /// The timestamp of the last partition deletion.
    pub deleted_at: Option<i64>,
    /// The static columns.
    pub static_row: Row,
    /// Rows sorted by clustering key in the table's clustering order.
    pub rows: Vec<(Vec<Bytes>, Row)>,
    /// Deleted clustering ranges.
    pub range_tombstones: Vec<RangeTombstone>,
}

/// The clustering column types and orders of a table.
pub fn clustering_layout(table: &Table) -> Vec<(ColumnType, bool)> {
    table
        .clustering()
        .map(|c| (c.typ.clone(), c.order == ClusteringOrder::Desc))
        .collect()
}

/// Compares two clustering keys in the table's clustering order.
pub fn compare_clustering(layout: &[(ColumnType, bool)], a: &[Bytes], b: &[Bytes]) -> Ordering {
    for (i, (t, desc)) in layout.iter().enumerate() {
        let o = match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => compare(t, x, y),
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        let o = if *desc { o.reverse() } else { o };
        if o.is_ne() {
            return o;
        }
    }
    Ordering::Equal
}

/// A live cell as a read sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveCell {
    /// The value (a non-frozen collection serialized whole).
    pub value: Bytes,
    /// Its write timestamp (the latest element's for collections).
    pub timestamp: i64,
    /// Remaining TTL in seconds, when it expires.
    pub ttl: Option<i32>,
}

/// A live row as a read sees it: the primary key and each non-null column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveRow {
    /// Partition key components.
    pub partition_key: Vec<Bytes>,
    /// Clustering key (empty for the static-only row of a partition without live rows).
    pub clustering: Vec<Bytes>,
    /// Static and regular column values by name.
    pub cells: BTreeMap<String, LiveCell>,
}

impl LiveRow {
    /// The value of a column by name (key columns included).
    pub fn value(&self, table: &Table, column: &str) -> Option<Bytes> {
        let col = table.column(column)?;
        match col.kind {
            ColumnKind::PartitionKey => {
                let i = table.partition_key().position(|c| c.name == column)?;
                self.partition_key.get(i).cloned()
            }
            ColumnKind::Clustering => {
                let i = table.clustering().position(|c| c.name == column)?;
                self.clustering.get(i).cloned()
            }
            _ => self.cells.get(column).map(|c| c.value.clone()),
        }
    }
}

impl Partition {
    /// An empty partition.
    pub fn new(key: Vec<Bytes>) -> Self {
        Self {
            key,
            deleted_at: None,
            static_row: Row::default(),
            rows: Vec::new(),
            range_tombstones: Vec::new(),
        }
    }

    /// Index of a row by clustering key (`Err` = where it would be inserted).
    pub fn find_row(&self, table: &Table, ck: &[Bytes]) -> Result<usize, usize> {
        let layout = clustering_layout(table);
        self.rows
            .binary_search_by(|(k, _)| compare_clustering(&layout, k, ck))
    }

    /// The row with this clustering key, created empty when absent.
    pub fn row_mut(&mut self, table: &Table, ck: &[Bytes]) -> &mut Row {
        let i = match self.find_row(table, ck) {
            Ok(i) => i,
            Err(i) => {
                self.rows.insert(i, (ck.to_vec(), Row::default()));
                i
            }
        };
        match self.rows.get_mut(i) {
            Some((_, r)) => r,
            None => unreachable_row(),
        }
    }

    /// Deletes the whole partition at `timestamp`.
    pub fn delete(&mut self, timestamp: i64) {
        self.deleted_at = Some(self.deleted_at.map_or(timestamp, |d| d.max(timestamp)));
    }

    /// Deletes a range of clustering keys at `timestamp`.
    pub fn delete_range(&mut self, slice: ClusteringSlice, timestamp: i64) {
        self.range_tombstones
            .push(RangeTombstone { slice, timestamp });
    }

    /// The deletion time shadowing a row (partition, range and row deletions).
    pub fn row_shadow(&self, table: &Table, ck: &[Bytes], row: Option<&Row>) -> i64 {
        let types: Vec<ColumnType> = table.clustering().map(|c| c.typ.clone()).collect();
        let mut shadow = self.deleted_at.unwrap_or(i64::MIN);
        for rt in &self.range_tombstones {
            if rt.timestamp > shadow && rt.slice.contains(&types, ck) {
                shadow = rt.timestamp;
            }
        }
        if let Some(d) = row.and_then(|r| r.deleted_at) {
            shadow = shadow.max(d);
        }
        shadow
    }

    /// The static columns' live values.
    pub fn live_static(&self, table: &Table, now: i64) -> BTreeMap<String, LiveCell> {
        let shadow = self
            .deleted_at
            .unwrap_or(i64::MIN)
            .max(self.static_row.deleted_at.unwrap_or(i64::MIN));
        let mut cells = BTreeMap::new();
        for col in table
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Static)
        {
            if let Some(c) = live_column(&self.static_row, col, shadow, now) {
                cells.insert(col.name.clone(), c);
            }
        }
        cells
    }

    /// The row at index `i` as a read sees it, or `None` when it is not live.
    pub fn live_row(
        &self,
        table: &Table,
        i: usize,
        statics: &BTreeMap<String, LiveCell>,
        now: i64,
    ) -> Option<LiveRow> {
        let (ck, row) = self.rows.get(i)?;
        let shadow = self.row_shadow(table, ck, Some(row));
        let mut live = row
            .marker
            .as_ref()
            .is_some_and(|m| m.timestamp > shadow && m.is_live(now));
        let mut cells = statics.clone();
        for col in table
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Regular)
        {
            if let Some(c) = live_column(row, col, shadow, now) {
                live = true;
                cells.insert(col.name.clone(), c);
            }
        }
        live.then(|| LiveRow {
            partition_key: self.key.clone(),
            clustering: ck.clone(),
            cells,
        })
    }

    /// Whether the partition has any live row (static row included).
    pub fn has_live_data(&self, table: &Table, now: i64) -> bool {
        let statics = self.live_static(table, now);
        !statics.is_empty()
            || (0..self.rows.len()).any(|i| self.live_row(table, i, &statics, now).is_some())
    }
}

fn unreachable_row() -> ! {
    // `row_mut` just made sure the index exists.
    unreachable!("row index checked above")
}

/// A column's live value in a row: the cell, or the live elements serialized as the
/// collection.
fn live_column(
    row: &Row,
    col: &crate::sim::schema::Column,
    shadow: i64,
    now: i64,
) -> Option<LiveCell> {
    let ttl_of = |c: &Cell| {
        (c.expires != i64::MAX).then(|| (c.expires - now).clamp(0, i64::from(i32::MAX)) as i32)
    };
    match row.columns.get(&col.name)? {
        ColumnData::Simple(_) => {
            let c = row.live_cell(&col.name, shadow, now)?;
            Some(LiveCell {
                value: c.value.clone().unwrap_or_default(),
                timestamp: c.timestamp,
                ttl: ttl_of(c),
            })
        }
        ColumnData::Complex { .. } => {
            let elements = row.live_elements(&col.name, shadow, now);
            if elements.is_empty() {
                return None;
            }
            let mut out = Vec::new();
            out.extend_from_slice(&(elements.len() as i32).to_be_bytes());
            let mut ts = i64::MIN;
            let mut ttl = None;
            for (k, c) in &elements {
                ts = ts.max(c.timestamp);
                if ttl.is_none() {
                    ttl = ttl_of(c);
                }
                let v = c.value.clone().unwrap_or_default();
                match &col.typ {
                    ColumnType::Set(_) => push_framed(&mut out, k),
                    ColumnType::Map(_, _) => {
                        push_framed(&mut out, k);
                        push_framed(&mut out, &v);
                    }
                    _ => push_framed(&mut out, &v),
                }
            }
            Some(LiveCell {
                value: Bytes::from(out),
                timestamp: ts,
                ttl,
            })
        }
    }
}

fn push_framed(out: &mut Vec<u8>, v: &[u8]) {
    out.extend_from_slice(&(v.len() as i32).to_be_bytes());
    out.extend_from_slice(v);
}
