//! In-memory storage: partitions ordered by token, rows by clustering order, cells with
//! write timestamps, TTLs and tombstones.

use uuid::Uuid;

/// All the data of a node.
#[derive(Debug, Default)]
pub struct Store {}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets a dropped table's data.
    pub fn drop_table(&mut self, table_id: Uuid) {
        let _ = table_id;
    }
}
