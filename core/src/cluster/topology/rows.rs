//! Cells read by column name from a RESULT Rows message: the system tables' columns differ
//! between Cassandra versions (and DSE), so every lookup tolerates a missing column.

use alloc::vec::Vec;

use super::TopologyError;
use crate::message::Rows;
use crate::types::{ColumnSpec, DeserializeError, DeserializeValue};

/// A Rows result with its column specs, read by column name.
pub(crate) struct Table<'a> {
    table: &'static str,
    specs: &'a [ColumnSpec],
    rows: &'a Rows,
}

impl<'a> Table<'a> {
    /// The rows of `table` (named in errors); they must carry their column specs.
    pub(crate) fn new(rows: &'a Rows, table: &'static str) -> Result<Self, TopologyError> {
        let specs = rows
            .metadata
            .columns
            .as_deref()
            .ok_or(TopologyError::NoMetadata { table })?;
        Ok(Self { table, specs, rows })
    }

    /// The table's name, as given to [`new`](Self::new).
    pub(crate) fn name(&self) -> &'static str {
        self.table
    }

    /// Whether the result has a column called `name`.
    pub(crate) fn has_column(&self, name: &str) -> bool {
        self.specs.iter().any(|c| c.name == name)
    }

    /// Every row.
    pub(crate) fn rows(&self) -> impl Iterator<Item = Cells<'a>> + 'a {
        let specs = self.specs;
        self.rows.rows().map(move |row| Cells {
            specs,
            cells: row.collect(),
        })
    }
}

/// The cells of one row.
pub(crate) struct Cells<'a> {
    specs: &'a [ColumnSpec],
    cells: Vec<Option<&'a [u8]>>,
}

impl<'a> Cells<'a> {
    /// The cell of column `name` as a `T`: `None` when the column is absent or the cell is
    /// null (or empty, for types where that means null).
    ///
    /// # Errors
    /// The column's type does not convert to `T`, or its bytes are malformed.
    pub(crate) fn get<T: DeserializeValue<'a>>(
        &self,
        name: &str,
    ) -> Result<Option<T>, DeserializeError> {
        let Some(index) = self.specs.iter().position(|c| c.name == name) else {
            return Ok(None);
        };
        let (Some(spec), Some(cell)) = (self.specs.get(index), self.cells.get(index)) else {
            return Ok(None);
        };
        <Option<T>>::type_check(&spec.typ).map_err(|e| e.in_column(index, name))?;
        <Option<T>>::deserialize(&spec.typ, *cell).map_err(|e| e.in_column(index, name))
    }

    /// Every cell with its column's spec, in column order.
    pub(crate) fn columns(&self) -> impl Iterator<Item = (&'a ColumnSpec, Option<&'a [u8]>)> + '_ {
        self.specs.iter().zip(self.cells.iter().copied())
    }
}
