//! [`QuerySet`]: a typed, lazily-run `SELECT` on a model's table (cqlengine's
//! `Model.objects.filter(..)`).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::marker::PhantomData;
use core::time::Duration;

use futures::{Stream, StreamExt};

use super::error::{MapperError, clone_pending};
use super::expr::{FilterExpr, OrderExpr};
use super::model::{Model, ModelSchema};
use super::query::render_select;
use super::run::{Mapper, Plan, ShapeCodes};
use super::server_indexes::with_server_indexes;
use super::spec::{
    Bound, Filter, InvalidQuery, Op, SelectSpec, Selection, TokenBound, TokenFilter, ValueForm,
};
use super::values::{BoundRow, bigint_bound, bound, int_bound, value_error};
use super::writes::{Delete, Update};
use crate::message::Consistency;
use crate::session::{PagingState, StatementOptions};
use crate::types::{DeserializeRow, SerializeValue};

/// Runs a query set's statement (with `selection` / `limit` overrides) and evaluates to
/// its result, every page fetched. A macro, not an async fn: each nested async fn would
/// hold (and move) the session's request future once more.
macro_rules! run_select {
    ($set:ident, $selection:expr, $limit:expr) => {{
        let limit: Option<&Bound> = $limit;
        let options = $set.read_options();
        let (plan, discriminator) = $set.plan($selection, limit, &options).await?;
        let values = $set.select_values(discriminator.as_ref(), limit);
        let statement = plan.statement(&options);
        $set.mapper.session().execute(&*statement, values).await?
    }};
}

/// Every row of `result` read as `R`.
fn rows_of<R: for<'a> DeserializeRow<'a>>(
    result: &crate::session::QueryResult,
) -> Result<Vec<R>, MapperError> {
    let rows = result.typed::<R>().map_err(MapperError::Session)?;
    let mut out = Vec::with_capacity(result.row_count());
    for row in rows {
        out.push(row.map_err(|e| MapperError::Session(e.into()))?);
    }
    Ok(out)
}

/// A `SELECT` on model `M`'s table, narrowed by filters and options; nothing is sent
/// until a terminal method (`all`, `get`, `first`, `count`, `stream`, `page`, `values`)
/// runs it. Building methods take and return the query set, so calls chain.
pub struct QuerySet<'m, M> {
    mapper: &'m Mapper,
    spec: SelectSpec,
    options: StatementOptions,
    paging_state: Option<PagingState>,
    /// The first error met while building (reported when the query set runs).
    pending: Option<MapperError>,
    _model: PhantomData<fn() -> M>,
}

/// `LIMIT 1` of `first` and `LIMIT 2` of `get` (which looks for a second row), made once.
static LIMIT_ONE: spin::Once<Bound> = spin::Once::new();
static LIMIT_TWO: spin::Once<Bound> = spin::Once::new();

/// One page of a query set's results.
#[derive(Debug)]
pub struct Page<T> {
    /// The rows of the page.
    pub items: Vec<T>,
    /// Where the next page starts (`None` after the last).
    pub paging_state: Option<PagingState>,
}

impl<'m, M: Model> QuerySet<'m, M> {
    pub(crate) fn new(mapper: &'m Mapper) -> Self {
        Self {
            mapper,
            spec: SelectSpec::default(),
            options: StatementOptions::default(),
            paging_state: None,
            pending: None,
            _model: PhantomData,
        }
    }

    fn fail(&mut self, e: MapperError) {
        if self.pending.is_none() {
            self.pending = Some(e);
        }
    }

    fn invalid(&mut self, reason: String) {
        let model = M::schema()
            .map(|s| s.model_name.clone())
            .unwrap_or_default();
        self.fail(InvalidQuery { model, reason }.into());
    }

    /// Adds a restriction (`User::AGE.gt(30)`), ANDed with the others.
    #[must_use]
    pub fn filter(mut self, filter: FilterExpr<M>) -> Self {
        match filter.filter {
            Ok(f) => self.spec.filters.push(f),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Adds a restriction built on another model's column handle, matched to this
    /// model's column of the same name: filters on a polymorphic family's base with its
    /// variants' handles (`objects::<Pet>().filter_by(Cat::OWNER.eq("ann"))`).
    #[must_use]
    pub fn filter_by<V: Model>(mut self, filter: FilterExpr<V>) -> Self {
        let mapped = filter.filter.and_then(|mut f| {
            let from = V::schema()?;
            let to = M::schema()?;
            let name = from.columns.get(f.column).map(|c| c.name.as_str());
            let index = name.and_then(|n| to.column(n)).map(|(i, _)| i);
            f.column = index.ok_or_else(|| InvalidQuery {
                model: to.model_name.clone(),
                reason: alloc::format!(
                    "the model has no column {:?} (filter built on {})",
                    name.unwrap_or_default(),
                    from.model_name
                ),
            })?;
            Ok(f)
        });
        match mapped {
            Ok(f) => self.spec.filters.push(f),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Restricts the token of the partition key: `token(pk) <op> token` (Murmur3 tokens
    /// are `i64`), to scan the table range by range.
    #[must_use]
    pub fn token(mut self, op: Op, token: i64) -> Self {
        self.spec.token.push(TokenFilter {
            op,
            bound: TokenBound::Token(bigint_bound(token)),
        });
        self
    }

    /// Restricts the token of the partition key relative to a partition:
    /// `token(pk) <op> token(key...)`, one value per partition key column, in order.
    #[must_use]
    pub fn token_of_key(mut self, op: Op, key: &[&dyn SerializeValue]) -> Self {
        match token_key_values::<M>(key) {
            Ok(values) => self.spec.token.push(TokenFilter {
                op,
                bound: TokenBound::Key(values),
            }),
            Err(e) => self.fail(e),
        }
        self
    }

    /// `LIMIT n`
    #[must_use]
    pub fn limit(mut self, n: i32) -> Self {
        self.spec.limit = Some(int_bound(n));
        self
    }

    /// `PER PARTITION LIMIT n`
    #[must_use]
    pub fn per_partition_limit(mut self, n: i32) -> Self {
        self.spec.per_partition_limit = Some(int_bound(n));
        self
    }

    /// `ORDER BY` a clustering column (`Event::AT.desc()`); call again for the next one.
    #[must_use]
    pub fn order_by(mut self, order: OrderExpr<M>) -> Self {
        self.spec.order_by.push((order.column, order.descending));
        self
    }

    /// `ALLOW FILTERING`: lets the query filter rows the schema cannot find directly.
    #[must_use]
    pub fn allow_filtering(mut self) -> Self {
        self.spec.allow_filtering = true;
        self
    }

    /// `SELECT DISTINCT`: one row per partition (select partition key or static
    /// columns with [`only`](Self::only), read them with [`values`](Self::values)).
    #[must_use]
    pub fn distinct(mut self) -> Self {
        self.spec.distinct = true;
        self
    }

    /// Selects only these columns (by field or column name), in this order; read the
    /// rows with [`values`](Self::values) (cqlengine's `only` and `values_list`).
    #[must_use]
    pub fn only(mut self, names: &[&str]) -> Self {
        let schema = match M::schema() {
            Ok(s) => s,
            Err(e) => {
                self.fail(e.into());
                return self;
            }
        };
        let mut columns = Vec::with_capacity(names.len());
        for name in names {
            match column_named(schema, name) {
                Some(i) => columns.push(i),
                None => {
                    self.invalid(alloc::format!("`{name}` is no column of the model"));
                    return self;
                }
            }
        }
        self.spec.selection = Selection::Columns(columns);
        self
    }

    /// Selects every column but these (by field or column name), in model order; read
    /// the rows with [`values`](Self::values) (cqlengine's `defer`).
    #[must_use]
    pub fn defer(mut self, names: &[&str]) -> Self {
        let schema = match M::schema() {
            Ok(s) => s,
            Err(e) => {
                self.fail(e.into());
                return self;
            }
        };
        for name in names {
            if column_named(schema, name).is_none() {
                self.invalid(alloc::format!("`{name}` is no column of the model"));
                return self;
            }
        }
        let columns = schema
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !names.iter().any(|n| *n == c.name || *n == c.field))
            .map(|(i, _)| i)
            .collect();
        self.spec.selection = Selection::Columns(columns);
        self
    }

    /// Rows per page fetched from the server.
    #[must_use]
    pub fn fetch_size(mut self, rows: i32) -> Self {
        self.options.page_size = Some(rows);
        self
    }

    /// The consistency level to read at.
    #[must_use]
    pub fn consistency(mut self, consistency: Consistency) -> Self {
        self.options.consistency = Some(consistency);
        self
    }

    /// The client-side timeout of each request.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Starts at the page `state` names (a previous [`Page::paging_state`]).
    #[must_use]
    pub fn paging_state(mut self, state: PagingState) -> Self {
        self.paging_state = Some(state);
        self
    }

    /// The discriminator filter a polymorphic variant's query sets add.
    fn discriminator_filter(schema: &ModelSchema) -> Result<Option<Filter>, MapperError> {
        let Some(d) = &schema.discriminator else {
            return Ok(None);
        };
        match (&d.value, schema.columns.get(d.column)) {
            (Some(value), Some(col)) => Ok(Some(Filter {
                column: d.column,
                op: Op::Eq,
                form: ValueForm::Plain,
                value: bound(schema, &col.field, value.as_str(), &col.column_type)?,
            })),
            _ => Ok(None),
        }
    }

    /// The prepared statement the query set runs (with `selection` and `limit` in place
    /// of its own when given) and the discriminator filter bound after the user's
    /// filters: checked and rendered the first time this shape runs, then from the
    /// mapper's cache.
    async fn plan(
        &self,
        selection: Option<&Selection>,
        limit: Option<&Bound>,
        options: &StatementOptions,
    ) -> Result<(Arc<Plan>, Option<Filter>), MapperError> {
        if let Some(e) = &self.pending {
            return Err(clone_pending(e));
        }
        let schema = M::schema()?;
        let discriminator = Self::discriminator_filter(schema)?;
        let selection = selection.unwrap_or(&self.spec.selection);
        let limit = limit.or(self.spec.limit.as_ref());
        let codes = shape(&self.spec, selection, limit.is_some());
        let plan = self
            .mapper
            .planned(core::any::TypeId::of::<M>(), codes.iter(), options, || {
                let mut spec = self.spec.clone();
                spec.selection = selection.clone();
                spec.limit = limit.cloned();
                spec.filters.extend(discriminator.clone());
                // Indexes the table has but the model does not declare serve queries
                // too (rendering checks the query first).
                let metadata = self.mapper.session().metadata();
                let keyspace = self.mapper.keyspace_for(schema.keyspace.as_deref());
                let table = keyspace.and_then(|ks| metadata.table(&ks, &schema.table));
                let effective = match table {
                    Some(table) => Cow::Owned(with_server_indexes(schema, table)),
                    None => Cow::Borrowed(schema),
                };
                let cql = render_select(&effective, self.mapper.keyspace(), &spec)?.cql;
                Ok((cql, Vec::new()))
            })
            .await?;
        Ok((plan, discriminator))
    }

    /// The values of the statement [`plan`](Self::plan) returned, in marker order, as
    /// `render_select` orders them: the filters', the discriminator's, the token bounds',
    /// the per-partition limit, the limit.
    fn select_values<'s>(
        &'s self,
        discriminator: Option<&'s Filter>,
        limit: Option<&'s Bound>,
    ) -> BoundRow<impl Iterator<Item = &'s Bound> + Clone> {
        let token = self.spec.token.iter().flat_map(|t| match &t.bound {
            TokenBound::Token(b) => core::slice::from_ref(b).iter(),
            TokenBound::Key(values) => values.iter(),
        });
        BoundRow(
            self.spec
                .filters
                .iter()
                .map(|f| &f.value)
                .chain(discriminator.map(|f| &f.value))
                .chain(token)
                .chain(self.spec.per_partition_limit.as_ref())
                .chain(limit.or(self.spec.limit.as_ref())),
        )
    }

    fn read_options(&self) -> StatementOptions {
        let mut options = self.options.clone();
        options.idempotent = Some(true);
        // Cassandra cannot page a query ordered across partitions named by IN: it sorts
        // them in memory, so the whole result comes in one page.
        let in_on_partition = M::schema().is_ok_and(|schema| {
            self.spec.filters.iter().any(|f| {
                f.op == Op::In
                    && schema
                        .columns
                        .get(f.column)
                        .is_some_and(|c| matches!(c.role, super::model::KeyRole::Partition(_)))
            })
        });
        if in_on_partition && !self.spec.order_by.is_empty() {
            options.page_size = Some(-1);
        }
        options
    }

    /// Every matching row as `M` (all pages fetched; for large results use
    /// [`stream`](Self::stream)).
    ///
    /// # Errors
    /// A pre-send [`MapperError::Invalid`], or the request's error.
    pub async fn all(&self) -> Result<Vec<M>, MapperError> {
        self.values::<M>().await
    }

    /// Every matching row as `R` (a tuple, a struct deriving `DeserializeRow`, or `M`):
    /// the way to read [`only`](Self::only), [`defer`](Self::defer) and
    /// [`distinct`](Self::distinct) selections.
    ///
    /// # Errors
    /// As [`all`](Self::all).
    pub async fn values<R: for<'a> DeserializeRow<'a>>(&self) -> Result<Vec<R>, MapperError> {
        rows_of(&run_select!(self, None, None))
    }

    /// The first matching row, if any (the query runs with `LIMIT 1` unless a limit is set).
    ///
    /// # Errors
    /// As [`all`](Self::all).
    pub async fn first(&self) -> Result<Option<M>, MapperError> {
        let limit = if self.spec.limit.is_some() {
            None
        } else {
            Some(LIMIT_ONE.call_once(|| int_bound(1)))
        };
        Ok(rows_of::<M>(&run_select!(self, None, limit))?
            .into_iter()
            .next())
    }

    /// The one matching row: [`MapperError::DoesNotExist`] when there is none,
    /// [`MapperError::MultipleObjectsReturned`] when there are more.
    ///
    /// # Errors
    /// Those two, and those of [`all`](Self::all).
    pub async fn get(&self) -> Result<M, MapperError> {
        let limit = if self.spec.limit.is_some() {
            None
        } else {
            Some(LIMIT_TWO.call_once(|| int_bound(2)))
        };
        let mut rows = rows_of::<M>(&run_select!(self, None, limit))?.into_iter();
        let model = || {
            M::schema()
                .map(|s| s.model_name.clone())
                .unwrap_or_default()
        };
        match (rows.next(), rows.next()) {
            (Some(row), None) => Ok(row),
            (None, _) => Err(MapperError::DoesNotExist { model: model() }),
            (Some(_), Some(_)) => Err(MapperError::MultipleObjectsReturned { model: model() }),
        }
    }

    pub(crate) fn clone_set(&self) -> Self {
        Self {
            mapper: self.mapper,
            spec: self.spec.clone(),
            options: self.options.clone(),
            paging_state: self.paging_state.clone(),
            pending: self.pending.as_ref().map(clone_pending),
            _model: PhantomData,
        }
    }

    /// The number of matching rows (`SELECT COUNT(*)`).
    ///
    /// # Errors
    /// As [`all`](Self::all).
    pub async fn count(&self) -> Result<i64, MapperError> {
        let result = run_select!(self, Some(&Selection::Count), None);
        let row = result.first_row().ok_or_else(|| {
            MapperError::Session(crate::session::Error::Protocol(
                "COUNT(*) returned no row".into(),
            ))
        })?;
        Ok(row.get::<i64>(0)?)
    }

    /// One page of matching rows (from the [`paging_state`](Self::paging_state) given, or
    /// the first) and where the next starts.
    ///
    /// # Errors
    /// As [`all`](Self::all).
    pub async fn page(&self) -> Result<Page<M>, MapperError> {
        let options = self.read_options();
        let (plan, discriminator) = self.plan(None, None, &options).await?;
        let values = self.select_values(discriminator.as_ref(), None);
        let statement = plan.statement(&options);
        let result = self
            .mapper
            .session()
            .execute_page(&*statement, values, self.paging_state.clone())
            .await?;
        let mut items = Vec::with_capacity(result.row_count());
        for row in result.typed::<M>()? {
            items.push(row.map_err(|e| MapperError::Session(e.into()))?);
        }
        Ok(Page {
            items,
            paging_state: result.paging_state.clone(),
        })
    }

    /// Every matching row as a stream, the next page fetched only when the rows of the
    /// current one have been consumed (memory stays at about one page).
    ///
    /// # Errors
    /// A pre-send error or the first request's preparation error; later errors come
    /// from the stream.
    pub async fn stream(
        &self,
    ) -> Result<impl Stream<Item = Result<M, MapperError>> + Unpin + use<M>, MapperError> {
        let options = self.read_options();
        let (plan, discriminator) = self.plan(None, None, &options).await?;
        let values = self.select_values(discriminator.as_ref(), None);
        let statement = plan.statement(&options);
        let mut rows = self.mapper.session().execute_iter(&*statement, values)?;
        if let Some(state) = &self.paging_state {
            rows = rows.resume_from(state.clone());
        }
        Ok(rows.typed::<M>().map(|r| r.map_err(MapperError::Session)))
    }

    /// An `UPDATE` of the rows the filters select (they must name whole primary keys, or
    /// partitions for static columns): add assignments, then await it.
    pub fn update(&self) -> Update<'m, M> {
        Update::from_filters(
            self.mapper,
            self.spec.filters.clone(),
            self.pending.as_ref().map(clone_pending),
        )
    }

    /// A `DELETE` of the rows the filters select (a partition, a row, or a clustering
    /// range): await it.
    pub fn delete(&self) -> Delete<'m, M> {
        Delete::from_filters(
            self.mapper,
            self.spec.filters.clone(),
            self.pending.as_ref().map(clone_pending),
        )
    }
}

impl Mapper {
    /// Every row of `M`'s table, to narrow with filters (cqlengine's `Model.objects`).
    pub fn objects<M: Model>(&self) -> QuerySet<'_, M> {
        QuerySet::new(self)
    }
}

impl<M: Model> Clone for QuerySet<'_, M> {
    fn clone(&self) -> Self {
        self.clone_set()
    }
}

/// The codes of a `SELECT`'s shape: everything but the values (which columns, which
/// operators, which clauses), so equal codes render equal text.
fn shape(spec: &SelectSpec, selection: &Selection, limit: bool) -> ShapeCodes {
    let mut out = ShapeCodes::new();
    match selection {
        Selection::Model => out.push(0),
        Selection::Count => out.push(1),
        Selection::Columns(c) => {
            out.push(2);
            out.push_usize(c.len());
            c.iter().for_each(|&i| out.push_usize(i));
        }
    }
    out.push(u32::from(spec.distinct));
    out.push_usize(spec.filters.len());
    for f in &spec.filters {
        out.push_usize(f.column);
        out.push(f.op as u32);
        out.push(f.form as u32);
    }
    out.push_usize(spec.token.len());
    for t in &spec.token {
        out.push(t.op as u32);
        match &t.bound {
            TokenBound::Token(_) => out.push(u32::MAX),
            TokenBound::Key(values) => out.push_usize(values.len()),
        }
    }
    out.push_usize(spec.order_by.len());
    for (c, desc) in &spec.order_by {
        out.push_usize(*c);
        out.push(u32::from(*desc));
    }
    out.push(u32::from(spec.per_partition_limit.is_some()));
    out.push(u32::from(limit));
    out.push(u32::from(spec.allow_filtering));
    out
}

/// The column named `name` (CQL name or Rust field name).
fn column_named(schema: &ModelSchema, name: &str) -> Option<usize> {
    schema
        .column(name)
        .or_else(|| schema.column_by_field(name))
        .map(|(i, _)| i)
}

/// The values of `token(?, ?)`: one per partition key column, as its type.
fn token_key_values<M: Model>(key: &[&dyn SerializeValue]) -> Result<Vec<Bound>, MapperError> {
    let schema = M::schema()?;
    let pk = schema.partition_key();
    if pk.len() != key.len() {
        return Err(InvalidQuery {
            model: schema.model_name.clone(),
            reason: alloc::format!(
                "token(..) of a key takes {} values (the partition key), {} given",
                pk.len(),
                key.len()
            ),
        }
        .into());
    }
    pk.iter()
        .zip(key)
        .map(|((_, c), v)| {
            let mut out = Vec::new();
            v.serialize(&c.column_type, &mut out)
                .map_err(|e| value_error(schema, &c.field, e))?;
            Ok(Bound(out))
        })
        .collect()
}
