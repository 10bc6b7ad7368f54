//! In-memory storage: partitions ordered by token, rows by clustering order, cells with
//! write timestamps, TTLs and tombstones.
//!
//! The store knows little about CQL: the executor ([`crate::sim::exec`]) decides what to
//! write; the store keeps every write with its timestamp, resolves conflicts as Cassandra
//! does (last write wins, ties to the tombstone, then to the greater value) and answers
//! reads with what is live at a given time.

pub mod order;
mod partition;

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use cql_core::cluster::token::{Partitioner, Token};
use uuid::Uuid;

pub use partition::{
    Cell, ClusteringSlice, ColumnData, LiveCell, LiveRow, Partition, RangeTombstone, Row,
};

use crate::sim::schema::Table;

/// Where a partition sits in a table: its Murmur3 token, then its routing key bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartitionPosition {
    /// The Murmur3 token of the routing key.
    pub token: i64,
    /// The routing key (the serialized key, or `CompositeType` form for composite keys).
    pub key: Vec<u8>,
}

impl PartitionPosition {
    /// The position of a partition key given as its components' serialized values.
    pub fn of(components: &[Bytes]) -> Self {
        let key = cql_core::cluster::token::routing_key(components).unwrap_or_default();
        Self {
            token: token_of(&key),
            key,
        }
    }
}

/// The Murmur3 token of a routing key.
pub fn token_of(routing_key: &[u8]) -> i64 {
    match Partitioner::Murmur3.token(routing_key) {
        Token::Murmur3(t) => t,
        _ => i64::MIN,
    }
}

/// The data of one table.
#[derive(Debug, Clone, Default)]
pub struct TableData {
    /// Partitions in ring order.
    pub partitions: BTreeMap<PartitionPosition, Partition>,
}

impl TableData {
    /// The partition with this key, created empty when absent.
    pub fn partition_mut(&mut self, key: &[Bytes]) -> &mut Partition {
        self.partitions
            .entry(PartitionPosition::of(key))
            .or_insert_with(|| Partition::new(key.to_vec()))
    }

    /// The partition with this key, if any write reached it.
    pub fn partition(&self, key: &[Bytes]) -> Option<&Partition> {
        self.partitions.get(&PartitionPosition::of(key))
    }

    /// Loads rows given as cells in the table's column order (computed system tables),
    /// each written at timestamp 0 with a row marker.
    pub fn from_rows(table: &Table, rows: &[Vec<Option<Bytes>>]) -> Self {
        let mut data = Self::default();
        let pk_n = table.partition_key().count();
        let ck_n = table.clustering().count();
        for row in rows {
            let cell = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
            let pk: Vec<Bytes> = (0..pk_n).map(cell).collect();
            let ck: Vec<Bytes> = (pk_n..pk_n + ck_n).map(cell).collect();
            let partition = data.partition_mut(&pk);
            let mut cells = Vec::new();
            for (i, col) in table.columns.iter().enumerate().skip(pk_n + ck_n) {
                if let Some(Some(v)) = row.get(i) {
                    cells.push((col, v.clone()));
                }
            }
            let r = partition.row_mut(table, &ck);
            r.marker = Some(Cell::live(Bytes::new(), 0, None));
            for (col, v) in cells {
                let target = if col.kind == crate::sim::schema::model::ColumnKind::Static {
                    &mut partition.static_row
                } else {
                    partition.row_mut(table, &ck)
                };
                target.write_cell(&col.name, Cell::live(v, 0, None), 0);
            }
        }
        data
    }
}

/// All the data of a node.
#[derive(Debug, Default)]
pub struct Store {
    tables: HashMap<Uuid, TableData>,
    list_append: i64,
    list_prepend: i64,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets a dropped table's data.
    pub fn drop_table(&mut self, table_id: Uuid) {
        self.tables.remove(&table_id);
    }

    /// Removes every row of a table (TRUNCATE).
    pub fn truncate(&mut self, table_id: Uuid) {
        self.tables.remove(&table_id);
    }

    /// A table's data, if anything was ever written to it.
    pub fn table(&self, table_id: Uuid) -> Option<&TableData> {
        self.tables.get(&table_id)
    }

    /// A table's data, created empty when absent.
    pub fn table_mut(&mut self, table_id: Uuid) -> &mut TableData {
        self.tables.entry(table_id).or_default()
    }

    /// A fresh list element key sorting after every key handed out before (append).
    pub fn next_append_key(&mut self) -> Bytes {
        self.list_append += 1;
        list_key(self.list_append)
    }

    /// A fresh list element key sorting before every key handed out before (prepend).
    pub fn next_prepend_key(&mut self) -> Bytes {
        self.list_prepend -= 1;
        list_key(self.list_prepend)
    }
}

/// List element keys: signed sequence numbers encoded so that bytes sort as numbers.
fn list_key(seq: i64) -> Bytes {
    Bytes::copy_from_slice(&((seq as u64) ^ (1 << 63)).to_be_bytes())
}
