//! [`ModelBatch`]: model writes grouped into one `BATCH` (logged, unlogged or counter).

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use super::error::MapperError;
use super::model::Model;
use super::run::{Mapper, check_applied};
use super::spec::Rendered;
use super::values::BoundRow;
use super::writes::{Delete, Insert, Update};
use crate::message::{BatchType, Consistency};
use crate::session::Batch;

/// Model writes collected into one batch (cqlengine's `BatchQuery`): add inserts, updates
/// and deletes, then [`execute`](Self::execute). Statements are prepared once each.
pub struct ModelBatch<'a> {
    mapper: &'a Mapper,
    batch_type: BatchType,
    items: Vec<Rendered>,
    conditional: bool,
    model: String,
    consistency: Option<Consistency>,
    serial_consistency: Option<Consistency>,
    timestamp: Option<i64>,
    timeout: Option<Duration>,
}

impl<'a> ModelBatch<'a> {
    /// The number of writes added.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no write was added.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn push(&mut self, rendered: Rendered, conditional: bool, model: &str) -> &mut Self {
        self.items.push(rendered);
        self.conditional |= conditional;
        if self.model.is_empty() {
            self.model = model.into();
        }
        self
    }

    /// Adds an insert (`mapper.insert(&m)` with its options).
    ///
    /// # Errors
    /// The insert's pre-send errors (validation, values).
    pub fn insert<M: Model>(&mut self, insert: Insert<'_, M>) -> Result<&mut Self, MapperError> {
        let (r, c) = insert.rendered()?;
        Ok(self.push(r, c, &M::schema()?.model_name))
    }

    /// Adds an update (`mapper.update(&m).set(..)` or a query set's `update()`).
    ///
    /// # Errors
    /// The update's pre-send errors.
    pub fn update<M: Model>(&mut self, update: Update<'_, M>) -> Result<&mut Self, MapperError> {
        let (r, c) = update.rendered()?;
        Ok(self.push(r, c, &M::schema()?.model_name))
    }

    /// Adds a delete.
    ///
    /// # Errors
    /// The delete's pre-send errors.
    pub fn delete<M: Model>(&mut self, delete: Delete<'_, M>) -> Result<&mut Self, MapperError> {
        let (r, c) = delete.rendered()?;
        Ok(self.push(r, c, &M::schema()?.model_name))
    }

    /// The batch's write timestamp (µs since the epoch) for statements without their own.
    pub fn timestamp(&mut self, micros: i64) -> &mut Self {
        self.timestamp = Some(micros);
        self
    }

    /// The consistency level.
    pub fn consistency(&mut self, c: Consistency) -> &mut Self {
        self.consistency = Some(c);
        self
    }

    /// The serial consistency of conditional statements.
    pub fn serial_consistency(&mut self, c: Consistency) -> &mut Self {
        self.serial_consistency = Some(c);
        self
    }

    /// The client-side timeout.
    pub fn timeout(&mut self, t: Duration) -> &mut Self {
        self.timeout = Some(t);
        self
    }

    /// Runs the batch. A batch with conditions that were not applied is
    /// [`MapperError::NotApplied`] carrying the row the server returned.
    ///
    /// # Errors
    /// [`MapperError::Session`] for an empty batch or the request's error, and
    /// [`MapperError::NotApplied`].
    pub async fn execute(&self) -> Result<(), MapperError> {
        let mut batch = Batch::new(self.batch_type);
        let plain = crate::session::StatementOptions::default();
        for item in &self.items {
            let prepared = self.mapper.prepared(&item.cql, &plain).await?;
            batch.add(&prepared, BoundRow(item.values.iter()))?;
        }
        let options = batch.options_mut();
        options.consistency = self.consistency;
        options.serial_consistency = self.serial_consistency;
        options.timestamp = self.timestamp;
        options.timeout = self.timeout;
        options.idempotent = Some(false);
        let result = self.mapper.session().batch(&batch).await?;
        if self.conditional {
            check_applied(&self.model, &result)?;
        }
        Ok(())
    }
}

impl Mapper {
    /// An empty batch of model writes (`BatchType::Logged`, `Unlogged` or `Counter`).
    pub fn batch(&self, batch_type: BatchType) -> ModelBatch<'_> {
        ModelBatch {
            mapper: self,
            batch_type,
            items: Vec::new(),
            conditional: false,
            model: String::new(),
            consistency: None,
            serial_consistency: None,
            timestamp: None,
            timeout: None,
        }
    }
}
