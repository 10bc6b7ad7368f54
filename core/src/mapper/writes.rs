//! Writes of model rows: [`Insert`], [`Update`] and [`Delete`] builders (await them to
//! run them, or add them to a [`ModelBatch`](super::batch::ModelBatch)).

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::borrow::Borrow;
use core::future::IntoFuture;
use core::marker::PhantomData;
use core::time::Duration;

use crate::runtime::BoxFuture;

use super::error::{MapperError, clone_pending};
use super::expr::{CondExpr, CqlMap, column_of};
use super::model::{Column, CqlType, Model, ModelSchema};
use super::run::{Mapper, check_applied};
use super::spec::{
    Assignment, Bound, Condition, DeleteSpec, DeleteTarget, Filter, InsertSpec, InvalidQuery, Lwt,
    Op, Rendered, UpdateSpec, ValueForm,
};
use super::values::{
    ModelRow, Slot, bigint_bound, bound, bound_list, column_bound, int_bound, value_error,
    write_column,
};
use super::write::{
    AssignmentKind, assignment_types, delete_element_key_type, render_delete, render_insert,
    render_update,
};
use crate::message::Consistency;
use crate::session::StatementOptions;
use crate::types::ColumnType;

/// Options every write takes.
#[derive(Clone, Default)]
pub(crate) struct WriteOptions {
    pub ttl: Option<i32>,
    pub timestamp: Option<i64>,
    pub statement: StatementOptions,
}

/// The filters selecting `model`'s row (`=` on each primary key column), or with
/// `partition_only` its partition (`=` on each partition key column).
pub(crate) fn key_filters<M: Model>(
    schema: &ModelSchema,
    model: &M,
    partition_only: bool,
) -> Result<Vec<Filter>, MapperError> {
    let key = if partition_only {
        schema.partition_key()
    } else {
        schema.primary_key()
    };
    key.into_iter()
        .map(|(i, _)| {
            Ok(Filter {
                column: i,
                op: Op::Eq,
                form: ValueForm::Plain,
                value: column_bound(model, schema, i)?,
            })
        })
        .collect()
}

/// The row filters of `model` for an update or delete built from it, or the error to
/// report when it runs.
fn model_filters<M: Model>(model: &M) -> (Vec<Filter>, Option<MapperError>) {
    match M::schema()
        .map_err(MapperError::from)
        .and_then(|s| key_filters(s, model, false))
    {
        Ok(f) => (f, None),
        Err(e) => (Vec::new(), Some(e)),
    }
}

/// Refuses a `None` in a required field of `model`.
pub(crate) fn check_required<M: Model>(schema: &ModelSchema, model: &M) -> Result<(), MapperError> {
    for (i, c) in schema.columns.iter().enumerate() {
        if c.required && c.nullable && !c.has_default && model.column_is_null(i) {
            return Err(MapperError::Validation {
                model: schema.model_name.clone(),
                field: c.field.clone(),
                reason: "the field is required but is None".into(),
            });
        }
    }
    Ok(())
}

/// The first code of an insert's shape in the mapper's statement cache (selects start
/// with their selection's code, 0–2).
const INSERT_SHAPE: u32 = 1_000;

/// An `INSERT` of one model instance (cqlengine's `Model.create` / `save` of a new object).
/// Fields that are `None` are not written (no tombstones) unless they have a default.
#[must_use = "a write does nothing until it is awaited"]
pub struct Insert<'a, M> {
    mapper: &'a Mapper,
    model: &'a M,
    if_not_exists: bool,
    options: WriteOptions,
}

impl<'a, M: Model> Insert<'a, M> {
    pub(crate) fn new(mapper: &'a Mapper, model: &'a M) -> Self {
        Self {
            mapper,
            model,
            if_not_exists: false,
            options: WriteOptions::default(),
        }
    }

    /// `USING TTL seconds`: the written cells expire.
    pub fn ttl(mut self, seconds: i32) -> Self {
        self.options.ttl = Some(seconds);
        self
    }

    /// `USING TIMESTAMP micros`: the write's timestamp (µs since the epoch).
    pub fn timestamp(mut self, micros: i64) -> Self {
        self.options.timestamp = Some(micros);
        self
    }

    /// `IF NOT EXISTS`: a lightweight transaction; an existing row makes the insert fail
    /// with [`MapperError::NotApplied`] carrying that row.
    pub fn if_not_exists(mut self) -> Self {
        self.if_not_exists = true;
        self
    }

    /// The consistency level.
    pub fn consistency(mut self, c: Consistency) -> Self {
        self.options.statement.consistency = Some(c);
        self
    }

    /// The serial consistency of the `IF NOT EXISTS` round.
    pub fn serial_consistency(mut self, c: Consistency) -> Self {
        self.options.statement.serial_consistency = Some(c);
        self
    }

    /// The client-side timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.options.statement.timeout = Some(t);
        self
    }

    /// The statement's description (placeholder values: they are bound from the model
    /// through the slots) and where each marker's value comes from: the model's columns,
    /// then the extra values ([`extra_values`](Self::extra_values)) in their order.
    fn spec_and_slots(&self, schema: &ModelSchema) -> (InsertSpec, Vec<Slot>) {
        let mut slots = Vec::with_capacity(schema.columns.len() + 2);
        let mut spec = InsertSpec {
            values: Vec::with_capacity(schema.columns.len()),
            if_not_exists: self.if_not_exists,
            ttl: None,
            timestamp: None,
        };
        let mut extra = 0;
        let discriminator = discriminator_column(schema);
        for i in 0..schema.columns.len() {
            spec.values.push((i, Bound(Vec::new())));
            if discriminator == Some(i) {
                slots.push(Slot::Extra(extra));
                extra += 1;
            } else {
                slots.push(Slot::Column(i));
            }
        }
        if self.options.ttl.is_some() {
            spec.ttl = Some(Bound(Vec::new()));
            slots.push(Slot::Extra(extra));
            extra += 1;
        }
        if self.options.timestamp.is_some() {
            spec.timestamp = Some(Bound(Vec::new()));
            slots.push(Slot::Extra(extra));
        }
        (spec, slots)
    }

    /// The values not taken from the model's fields, in slot order: the discriminator's,
    /// the TTL, the timestamp.
    fn extra_values(&self, schema: &ModelSchema) -> Result<Vec<Bound>, MapperError> {
        let mut extra = Vec::new();
        if let Some(d) = &schema.discriminator {
            if let (Some(value), Some(c)) = (&d.value, schema.columns.get(d.column)) {
                extra.push(bound(schema, &c.field, value.as_str(), &c.column_type)?);
            }
        }
        if let Some(ttl) = self.options.ttl {
            extra.push(int_bound(ttl));
        }
        if let Some(ts) = self.options.timestamp {
            extra.push(bigint_bound(ts));
        }
        Ok(extra)
    }

    fn statement_options(&self) -> StatementOptions {
        let mut options = self.options.statement.clone();
        options.idempotent = Some(!self.if_not_exists);
        options
    }

    /// The statement with every value serialized (for batches).
    pub(crate) fn rendered(&self) -> Result<(Rendered, bool), MapperError> {
        let schema = M::schema()?;
        check_required(schema, self.model)?;
        let (spec, slots) = self.spec_and_slots(schema);
        let extra = self.extra_values(schema)?;
        let cql = render_insert(schema, self.mapper.keyspace(), &spec)?.cql;
        let mut values = Vec::with_capacity(slots.len());
        for slot in slots {
            values.push(match slot {
                Slot::Column(i) => {
                    let c = schema.columns.get(i).ok_or_else(|| no_column(schema, i))?;
                    let mut out = Vec::new();
                    write_column(self.model, i, Some(c), &c.column_type, &mut out)
                        .map_err(|e| value_error(schema, &c.field, e))?;
                    Bound(out)
                }
                Slot::Extra(i) => extra.get(i).cloned().ok_or_else(|| no_column(schema, i))?,
            });
        }
        Ok((Rendered { cql, values }, self.if_not_exists))
    }

    /// Runs the insert.
    ///
    /// # Errors
    /// [`MapperError::Validation`] for a required field left `None`,
    /// [`MapperError::NotApplied`] when `IF NOT EXISTS` found a row, or the request's error.
    pub async fn execute(self) -> Result<(), MapperError> {
        let schema = M::schema()?;
        check_required(schema, self.model)?;
        let extra = self.extra_values(schema)?;
        let options = self.statement_options();
        let codes = [
            INSERT_SHAPE,
            u32::from(self.if_not_exists),
            u32::from(self.options.ttl.is_some()),
            u32::from(self.options.timestamp.is_some()),
        ];
        let plan = self
            .mapper
            .planned(
                core::any::TypeId::of::<M>(),
                codes.iter().copied(),
                &options,
                || {
                    let (spec, slots) = self.spec_and_slots(schema);
                    Ok((
                        render_insert(schema, self.mapper.keyspace(), &spec)?.cql,
                        slots,
                    ))
                },
            )
            .await?;
        let statement = plan.statement(&options);
        let row = ModelRow {
            model: self.model,
            slots: &plan.slots,
            extra: &extra,
            schema,
        };
        let result = self.mapper.session().execute(&*statement, row).await?;
        if self.if_not_exists {
            check_applied(&schema.model_name, &result)?;
        }
        Ok(())
    }
}

impl<'a, M: Model> IntoFuture for Insert<'a, M> {
    type Output = Result<(), MapperError>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.execute())
    }
}

/// The index of the column a polymorphic variant writes its discriminator value into.
fn discriminator_column(schema: &ModelSchema) -> Option<usize> {
    schema
        .discriminator
        .as_ref()
        .filter(|d| d.value.is_some())
        .map(|d| d.column)
}

fn no_column(schema: &ModelSchema, i: usize) -> MapperError {
    InvalidQuery {
        model: schema.model_name.clone(),
        reason: alloc::format!("the model has no column #{i}"),
    }
    .into()
}

/// The setters updates and deletes share: timestamp, conditions, consistency, timeout.
macro_rules! conditional_write_setters {
    () => {
        /// `USING TIMESTAMP micros`: the write's timestamp (µs since the epoch).
        pub fn timestamp(mut self, micros: i64) -> Self {
            self.spec.timestamp = Some(bigint_bound(micros));
            self
        }

        /// `IF EXISTS`: fails with [`MapperError::NotApplied`] when the row does not exist.
        pub fn if_exists(mut self) -> Self {
            self.spec.lwt = Lwt::IfExists;
            self
        }

        /// `IF condition` (ANDed with earlier ones): fails with [`MapperError::NotApplied`],
        /// carrying the current row, when a condition does not hold (cqlengine's `iff`).
        pub fn iff(mut self, condition: CondExpr<M>) -> Self {
            match condition.condition {
                Ok(c) => push_condition(&mut self.spec.lwt, c),
                Err(e) => self.fail(e),
            }
            self
        }

        /// The consistency level.
        pub fn consistency(mut self, c: Consistency) -> Self {
            self.options.statement.consistency = Some(c);
            self
        }

        /// The serial consistency of a conditional write.
        pub fn serial_consistency(mut self, c: Consistency) -> Self {
            self.options.statement.serial_consistency = Some(c);
            self
        }

        /// The client-side timeout.
        pub fn timeout(mut self, t: Duration) -> Self {
            self.options.statement.timeout = Some(t);
            self
        }
    };
}

/// An `UPDATE` of one row (from a model instance's primary key) or of the rows a query
/// set's filters select: assignments (set, collection operations, counter increments),
/// TTL, timestamp and conditions.
#[must_use = "a write does nothing until it is awaited"]
pub struct Update<'a, M> {
    mapper: &'a Mapper,
    spec: UpdateSpec,
    options: WriteOptions,
    pending: Option<MapperError>,
    _model: PhantomData<fn() -> M>,
}

impl<'a, M: Model> Update<'a, M> {
    pub(crate) fn from_filters(
        mapper: &'a Mapper,
        filters: Vec<Filter>,
        pending: Option<MapperError>,
    ) -> Self {
        Self {
            mapper,
            spec: UpdateSpec {
                filters,
                ..UpdateSpec::default()
            },
            options: WriteOptions::default(),
            pending,
            _model: PhantomData,
        }
    }

    pub(crate) fn for_model(mapper: &'a Mapper, model: &M) -> Self {
        let (filters, pending) = model_filters(model);
        Self::from_filters(mapper, filters, pending)
    }

    fn fail(&mut self, e: MapperError) {
        if self.pending.is_none() {
            self.pending = Some(e);
        }
    }

    fn assign(
        mut self,
        column: usize,
        kind: AssignmentKind,
        build: impl FnOnce(
            &ModelSchema,
            &str,
            Option<ColumnType>,
            ColumnType,
        ) -> Result<Assignment, MapperError>,
    ) -> Self {
        let result = M::schema().map_err(MapperError::from).and_then(|schema| {
            let c = schema
                .columns
                .get(column)
                .ok_or_else(|| no_column(schema, column))?;
            let types = assignment_types(&schema.model_name, c, kind)?;
            build(schema, &c.field, types.key, types.value)
        });
        match result {
            Ok(a) => self.spec.assignments.push((column, a)),
            Err(e) => self.fail(e),
        }
        self
    }

    /// `column = value`
    pub fn set<T: CqlType>(self, column: Column<M, T>, value: impl Borrow<T::Arg>) -> Self {
        self.assign(column.index(), AssignmentKind::Set, |s, f, _, t| {
            Ok(Assignment::Set(bound(s, f, value.borrow(), &t)?))
        })
    }

    /// `column = null`: removes the column's value.
    pub fn set_null<T: CqlType>(self, column: Column<M, T>) -> Self {
        self.assign(column.index(), AssignmentKind::Set, |_, _, _, _| {
            Ok(Assignment::Set(Bound::null()))
        })
    }

    /// `list = list + values`
    pub fn append<T: CqlType>(self, column: Column<M, T>, values: impl Borrow<T::Arg>) -> Self {
        self.assign(column.index(), AssignmentKind::Append, |s, f, _, t| {
            Ok(Assignment::Append(bound(s, f, values.borrow(), &t)?))
        })
    }

    /// `list = values + list`
    pub fn prepend<T: CqlType>(self, column: Column<M, T>, values: impl Borrow<T::Arg>) -> Self {
        self.assign(column.index(), AssignmentKind::Prepend, |s, f, _, t| {
            Ok(Assignment::Prepend(bound(s, f, values.borrow(), &t)?))
        })
    }

    /// `list = list - values` (every occurrence) or `set = set - values`.
    pub fn remove<T: CqlType>(self, column: Column<M, T>, values: impl Borrow<T::Arg>) -> Self {
        self.assign(column.index(), AssignmentKind::Remove, |s, f, _, t| {
            Ok(Assignment::Remove(bound(s, f, values.borrow(), &t)?))
        })
    }

    /// `set = set + values`
    pub fn add<T: CqlType>(self, column: Column<M, T>, values: impl Borrow<T::Arg>) -> Self {
        self.assign(column.index(), AssignmentKind::Add, |s, f, _, t| {
            Ok(Assignment::Add(bound(s, f, values.borrow(), &t)?))
        })
    }

    /// `map[key] = value`
    pub fn put<T: CqlType + CqlMap>(
        self,
        column: Column<M, T>,
        key: impl Borrow<T::Key>,
        value: impl Borrow<T::Value>,
    ) -> Self {
        self.assign(column.index(), AssignmentKind::PutEntry, |s, f, k, t| {
            let k = k.unwrap_or(ColumnType::Blob);
            Ok(Assignment::PutEntry {
                key: bound(s, f, key.borrow(), &k)?,
                value: bound(s, f, value.borrow(), &t)?,
            })
        })
    }

    /// `map = map + entries`
    pub fn put_all<T: CqlType + CqlMap>(
        self,
        column: Column<M, T>,
        entries: impl Borrow<T::Arg>,
    ) -> Self {
        self.assign(column.index(), AssignmentKind::PutAll, |s, f, _, t| {
            Ok(Assignment::PutAll(bound(s, f, entries.borrow(), &t)?))
        })
    }

    /// `map = map - {keys}`
    pub fn remove_keys<T: CqlType + CqlMap, I>(self, column: Column<M, T>, keys: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<T::Key>,
    {
        self.assign(column.index(), AssignmentKind::RemoveKeys, |s, f, _, t| {
            let element = match &t {
                ColumnType::Set(e) => (**e).clone(),
                other => other.clone(),
            };
            Ok(Assignment::RemoveKeys(bound_list::<T::Key, I>(
                s, f, keys, &element,
            )?))
        })
    }

    /// `list[index] = value`
    pub fn set_index<T: CqlType + super::expr::CqlCollection>(
        self,
        column: Column<M, T>,
        index: i32,
        value: impl Borrow<T::Elem>,
    ) -> Self {
        self.assign(column.index(), AssignmentKind::PutEntry, |s, f, _, t| {
            Ok(Assignment::PutEntry {
                key: int_bound(index),
                value: bound(s, f, value.borrow(), &t)?,
            })
        })
    }

    /// `counter = counter + by`
    pub fn increment<T>(self, column: Column<M, T>, by: i64) -> Self {
        self.assign(column.index(), AssignmentKind::Increment, |_, _, _, _| {
            Ok(Assignment::Increment(bigint_bound(by)))
        })
    }

    /// `counter = counter - by`
    pub fn decrement<T>(self, column: Column<M, T>, by: i64) -> Self {
        self.assign(column.index(), AssignmentKind::Decrement, |_, _, _, _| {
            Ok(Assignment::Decrement(bigint_bound(by)))
        })
    }

    /// `USING TTL seconds`
    pub fn ttl(mut self, seconds: i32) -> Self {
        self.spec.ttl = Some(int_bound(seconds));
        self
    }

    conditional_write_setters!();

    pub(crate) fn rendered(&self) -> Result<(Rendered, bool), MapperError> {
        if let Some(e) = &self.pending {
            return Err(clone_pending(e));
        }
        let schema = M::schema()?;
        let rendered = render_update(schema, self.mapper.keyspace(), &self.spec)?;
        Ok((rendered, self.spec.lwt.is_conditional()))
    }

    fn idempotent(&self) -> bool {
        !self.spec.lwt.is_conditional()
            && self.spec.assignments.iter().all(|(_, a)| {
                !matches!(
                    a,
                    Assignment::Append(_)
                        | Assignment::Prepend(_)
                        | Assignment::Increment(_)
                        | Assignment::Decrement(_)
                )
            })
    }

    /// Runs the update.
    ///
    /// # Errors
    /// A pre-send [`MapperError::Invalid`] (e.g. an assignment to a key column),
    /// [`MapperError::NotApplied`], or the request's error.
    pub async fn execute(self) -> Result<(), MapperError> {
        let (rendered, conditional) = self.rendered()?;
        let mut options = self.options.statement.clone();
        options.idempotent = Some(self.idempotent());
        let model = M::schema()?.model_name.as_str();
        self.mapper
            .run_write(model, &rendered, &options, conditional)
            .await
    }
}

impl<'a, M: Model> IntoFuture for Update<'a, M> {
    type Output = Result<(), MapperError>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.execute())
    }
}

fn push_condition(lwt: &mut Lwt, c: Condition) {
    match lwt {
        Lwt::If(list) => list.push(c),
        other => *other = Lwt::If(alloc::vec![c]),
    }
}

/// A `DELETE` of one row (from a model instance's primary key), of the rows a query set's
/// filters select, or of some columns or collection elements of them.
#[must_use = "a write does nothing until it is awaited"]
pub struct Delete<'a, M> {
    mapper: &'a Mapper,
    spec: DeleteSpec,
    options: WriteOptions,
    pending: Option<MapperError>,
    _model: PhantomData<fn() -> M>,
}

impl<'a, M: Model> Delete<'a, M> {
    pub(crate) fn from_filters(
        mapper: &'a Mapper,
        filters: Vec<Filter>,
        pending: Option<MapperError>,
    ) -> Self {
        Self {
            mapper,
            spec: DeleteSpec {
                filters,
                ..DeleteSpec::default()
            },
            options: WriteOptions::default(),
            pending,
            _model: PhantomData,
        }
    }

    pub(crate) fn for_model(mapper: &'a Mapper, model: &M) -> Self {
        let (filters, pending) = model_filters(model);
        Self::from_filters(mapper, filters, pending)
    }

    fn fail(&mut self, e: MapperError) {
        if self.pending.is_none() {
            self.pending = Some(e);
        }
    }

    /// Deletes only this column (call again for more) instead of the row.
    pub fn column<T>(mut self, column: Column<M, T>) -> Self {
        self.spec.targets.push(DeleteTarget::Column(column.index()));
        self
    }

    /// Deletes one element of a map (by key) instead of the row.
    pub fn map_key<T: CqlType + CqlMap>(
        mut self,
        column: Column<M, T>,
        key: impl Borrow<T::Key>,
    ) -> Self {
        let result = column_of::<M>(column.index()).and_then(|(schema, field, _)| {
            let c = schema
                .columns
                .get(column.index())
                .ok_or_else(|| no_column(schema, column.index()))?;
            let typ = delete_element_key_type(&schema.model_name, c)?;
            bound(schema, field, key.borrow(), &typ)
        });
        match result {
            Ok(key) => self.spec.targets.push(DeleteTarget::Element {
                column: column.index(),
                key,
            }),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Deletes one element of a list (by index) instead of the row.
    pub fn list_index<T>(mut self, column: Column<M, T>, index: i32) -> Self {
        self.spec.targets.push(DeleteTarget::Element {
            column: column.index(),
            key: int_bound(index),
        });
        self
    }

    conditional_write_setters!();

    pub(crate) fn rendered(&self) -> Result<(Rendered, bool), MapperError> {
        if let Some(e) = &self.pending {
            return Err(clone_pending(e));
        }
        let schema = M::schema()?;
        let rendered = render_delete(schema, self.mapper.keyspace(), &self.spec)?;
        Ok((rendered, self.spec.lwt.is_conditional()))
    }

    /// Runs the delete.
    ///
    /// # Errors
    /// A pre-send [`MapperError::Invalid`], [`MapperError::NotApplied`], or the
    /// request's error.
    pub async fn execute(self) -> Result<(), MapperError> {
        let (rendered, conditional) = self.rendered()?;
        let mut options = self.options.statement.clone();
        options.idempotent = Some(!conditional);
        let model = M::schema()?.model_name.as_str();
        self.mapper
            .run_write(model, &rendered, &options, conditional)
            .await
    }
}

impl<'a, M: Model> IntoFuture for Delete<'a, M> {
    type Output = Result<(), MapperError>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.execute())
    }
}

impl Mapper {
    /// An `INSERT` of `model` (await it, or set TTL, timestamp, `if_not_exists` first).
    pub fn insert<'a, M: Model>(&'a self, model: &'a M) -> Insert<'a, M> {
        Insert::new(self, model)
    }

    /// An `UPDATE` of `model`'s row (by its primary key): add assignments, then await it.
    pub fn update<'a, M: Model>(&'a self, model: &M) -> Update<'a, M> {
        Update::for_model(self, model)
    }

    /// A `DELETE` of `model`'s row (by its primary key), or of some of its columns.
    pub fn delete<'a, M: Model>(&'a self, model: &M) -> Delete<'a, M> {
        Delete::for_model(self, model)
    }
}

impl<M: Model> Update<'_, M> {
    /// Adds an assignment already serialized (change tracking's changed columns).
    pub(crate) fn push_assignment(mut self, column: usize, assignment: Assignment) -> Self {
        self.spec.assignments.push((column, assignment));
        self
    }
}
