//! [`Tracked`]: a model instance that remembers its columns as loaded (or last saved), so
//! `save` writes only what changed (cqlengine's change tracking).

use alloc::vec::Vec;
use core::ops::{Deref, DerefMut};

use super::error::MapperError;
use super::model::{KeyRole, Model};
use super::run::Mapper;
use super::spec::{Assignment, Bound};
use super::values::value_error;
use super::writes::{Update, check_required, key_filters};

/// A model instance with a snapshot of its column values. Read and change it through
/// `Deref`/`DerefMut`; [`Mapper::save`] then inserts it (when new) or updates only the
/// columns that differ from the snapshot (when loaded), and takes a new snapshot.
#[derive(Debug, Clone)]
pub struct Tracked<M> {
    model: M,
    /// Each column's serialized value as last read or written; `None` when the object
    /// was never persisted.
    snapshot: Option<Vec<Vec<u8>>>,
}

impl<M: Model> Tracked<M> {
    /// A new object, not in the database yet: `save` inserts every column.
    pub fn new(model: M) -> Self {
        Self {
            model,
            snapshot: None,
        }
    }

    /// An object as read from the database: `save` writes only the columns changed since.
    ///
    /// # Errors
    /// A field that cannot be serialized as its column's type.
    pub fn loaded(model: M) -> Result<Self, MapperError> {
        let snapshot = Some(snapshot(&model)?);
        Ok(Self { model, snapshot })
    }

    /// Whether the object was read from (or saved to) the database.
    pub fn is_persisted(&self) -> bool {
        self.snapshot.is_some()
    }

    /// The indexes of the columns whose values differ from the snapshot (every column
    /// for a new object).
    ///
    /// # Errors
    /// A field that cannot be serialized as its column's type.
    pub fn changed_columns(&self) -> Result<Vec<usize>, MapperError> {
        let now = snapshot(&self.model)?;
        Ok(match &self.snapshot {
            None => (0..now.len()).collect(),
            Some(before) => now
                .iter()
                .zip(before)
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .map(|(i, _)| i)
                .collect(),
        })
    }

    /// The model, leaving tracking.
    pub fn into_inner(self) -> M {
        self.model
    }
}

impl<M> Deref for Tracked<M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.model
    }
}

impl<M> DerefMut for Tracked<M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.model
    }
}

/// Every column of `model` serialized as its type.
fn snapshot<M: Model>(model: &M) -> Result<Vec<Vec<u8>>, MapperError> {
    let schema = M::schema()?;
    let mut out = Vec::with_capacity(schema.columns.len());
    for (i, c) in schema.columns.iter().enumerate() {
        let mut bytes = Vec::new();
        model
            .serialize_column(i, &c.column_type, &mut bytes)
            .map_err(|e| value_error(schema, &c.field, e))?;
        out.push(bytes);
    }
    Ok(out)
}

impl Mapper {
    /// Saves a tracked object: inserts it when new, else updates the columns that changed
    /// since it was loaded or last saved (nothing is sent when none did); then takes a new
    /// snapshot. A changed primary key is an error (insert a new object instead).
    ///
    /// # Errors
    /// [`MapperError::Validation`] for a required field left `None` or a changed key, and
    /// the write's errors.
    pub async fn save<M: Model>(&self, tracked: &mut Tracked<M>) -> Result<(), MapperError> {
        let schema = M::schema()?;
        check_required(schema, &tracked.model)?;
        let now = snapshot(&tracked.model)?;
        let Some(before) = &tracked.snapshot else {
            self.insert(&tracked.model).execute().await?;
            tracked.snapshot = Some(now);
            return Ok(());
        };
        let mut assignments = Vec::new();
        for (i, (c, (a, b))) in schema
            .columns
            .iter()
            .zip(now.iter().zip(before))
            .enumerate()
        {
            if a == b {
                continue;
            }
            if c.role.is_primary_key() {
                return Err(MapperError::Validation {
                    model: schema.model_name.clone(),
                    field: c.field.clone(),
                    reason: "a primary key field changed: save updates the row it was loaded \
                             from; insert a new object for another key"
                        .into(),
                });
            }
            assignments.push((i, Assignment::Set(Bound(a.clone()))));
        }
        if !assignments.is_empty() {
            // Static columns belong to the partition: a write of only those names the
            // partition key alone, as CQL requires.
            let only_static = assignments.iter().all(|(i, _)| {
                schema
                    .columns
                    .get(*i)
                    .is_some_and(|c| c.role == KeyRole::Static)
            });
            let filters = key_filters(schema, &tracked.model, only_static)?;
            let mut update: Update<'_, M> = Update::from_filters(self, filters, None);
            for (i, a) in assignments {
                update = update.push_assignment(i, a);
            }
            update.execute().await?;
        }
        tracked.snapshot = Some(now);
        Ok(())
    }
}
