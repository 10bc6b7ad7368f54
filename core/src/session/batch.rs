//! [`Batch`]: several modifications (simple and prepared, mixed) applied together.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use super::error::Error;
use super::prepared::PreparedStatement;
use super::statement::{StatementOptions, StatementRef, option_setters};
use crate::message::BatchType;
use crate::types::{SerializeRow, SerializedValues};

/// One statement of a batch, its values already written.
#[derive(Clone)]
pub(crate) enum BatchItem {
    /// CQL text and values written with their natural types.
    Simple(Arc<str>, SerializedValues),
    /// A prepared statement and values checked against its bind markers.
    Prepared(PreparedStatement, SerializedValues),
}

/// A batch: LOGGED (default), UNLOGGED or COUNTER. Values are checked and written when a
/// statement is added, so a wrong value fails at [`add`](Self::add), naming the column.
#[derive(Clone)]
pub struct Batch {
    batch_type: BatchType,
    /// Shared with the requests that run the batch (running it copies nothing; adding to
    /// a batch that is running copies the items once).
    pub(crate) items: Arc<Vec<BatchItem>>,
    pub(crate) options: StatementOptions,
}

/// Never prints bound values.
impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let statements: Vec<&str> = self
            .items
            .iter()
            .map(|i| match i {
                BatchItem::Simple(cql, _) => &**cql,
                BatchItem::Prepared(p, _) => p.cql(),
            })
            .collect();
        f.debug_struct("Batch")
            .field("batch_type", &self.batch_type)
            .field("statements", &statements)
            .field("options", &self.options)
            .finish()
    }
}

impl Default for Batch {
    fn default() -> Self {
        Self::new(BatchType::Logged)
    }
}

impl Batch {
    /// An empty batch of `batch_type`.
    pub fn new(batch_type: BatchType) -> Self {
        Self {
            batch_type,
            items: Arc::new(Vec::new()),
            options: StatementOptions::default(),
        }
    }

    /// An empty LOGGED batch.
    pub fn logged() -> Self {
        Self::new(BatchType::Logged)
    }

    /// An empty UNLOGGED batch.
    pub fn unlogged() -> Self {
        Self::new(BatchType::Unlogged)
    }

    /// An empty COUNTER batch.
    pub fn counter() -> Self {
        Self::new(BatchType::Counter)
    }

    /// The batch type.
    pub fn batch_type(&self) -> BatchType {
        self.batch_type
    }

    /// Number of statements.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the batch has no statements.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a statement (CQL text, simple or prepared) with its values. The batch's own
    /// options apply; the statement's options are ignored.
    ///
    /// # Errors
    /// [`Error::Serialize`] when the values do not fit (a prepared statement's markers, or
    /// a simple statement's values without a natural type); [`Error::InvalidArgument`] past
    /// 65,535 statements.
    pub fn add<'a>(
        &mut self,
        statement: impl Into<StatementRef<'a>>,
        values: impl SerializeRow,
    ) -> Result<&mut Self, Error> {
        if self.items.len() >= usize::from(u16::MAX) {
            return Err(Error::InvalidArgument(String::from(
                "a batch holds at most 65,535 statements",
            )));
        }
        let item = match statement.into() {
            StatementRef::Text(cql) => {
                let mut v = SerializedValues::new();
                values.serialize_natural(&mut v)?;
                BatchItem::Simple(alloc::sync::Arc::from(cql), v)
            }
            StatementRef::Simple(s) => {
                let mut v = SerializedValues::new();
                values.serialize_natural(&mut v)?;
                BatchItem::Simple(s.cql_arc(), v)
            }
            StatementRef::Prepared(p) => {
                let v = p.bind_values(&values)?;
                BatchItem::Prepared(p.clone(), v)
            }
        };
        Arc::make_mut(&mut self.items).push(item);
        Ok(self)
    }
}

option_setters!(Batch);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn values_are_written_when_added_and_not_printed() {
        let mut b = Batch::unlogged();
        b.add("INSERT INTO t (k, v) VALUES (?, ?)", (1i32, "hunter2"))
            .unwrap()
            .add("DELETE FROM t WHERE k = ?", (2i32,))
            .unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b.batch_type(), BatchType::Unlogged);
        let d = format!("{b:?}");
        assert!(d.contains("DELETE FROM t") && !d.contains("hunter2"), "{d}");
        assert!(Batch::default().is_empty());
        assert_eq!(Batch::counter().batch_type(), BatchType::Counter);
    }
}
