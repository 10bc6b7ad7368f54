//! [`Mapper`]: the object mapper bound to a session — where query sets, writes, batches
//! and schema sync run.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use spin::Mutex;

use super::error::{MapperError, NotApplied};
use super::model::Model;
use super::query_set::QuerySet;
use crate::session::{PreparedStatement, QueryResult, Session, StatementOptions};
use crate::types::SerializeRow;

/// The object mapper on a session: `mapper.objects::<User>()` to query, `mapper.insert(&user)`,
/// `mapper.update(&user)`, `mapper.delete(&user)` to write, `mapper.batch(..)` to group
/// writes, `mapper.sync_table::<User>()` to create or evolve a table. Cheap to clone.
///
/// Every statement is prepared once (per CQL text) and its values are bound, never
/// pasted into the text.
#[derive(Clone)]
pub struct Mapper {
    session: Session,
    keyspace: Option<Arc<str>>,
    prepared: Arc<Mutex<BTreeMap<Box<str>, PreparedStatement>>>,
    /// Statements by model and shape (which columns, operators and clauses), so a query
    /// or insert of a shape seen before is neither checked nor rendered again.
    plans: Arc<Mutex<BTreeMap<PlanKey, PreparedStatement>>>,
}

/// A statement's identity without its values: the model's type and the shape's codes.
pub(crate) type PlanKey = (core::any::TypeId, Vec<u32>);

impl core::fmt::Debug for Mapper {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Mapper")
            .field("keyspace", &self.keyspace)
            .finish_non_exhaustive()
    }
}

impl Mapper {
    /// A mapper running on `session`; models that name no keyspace use the session's.
    pub fn new(session: Session) -> Self {
        Self {
            session,
            keyspace: None,
            prepared: Arc::default(),
            plans: Arc::default(),
        }
    }

    /// The same mapper with `keyspace` for models that name none (cqlengine's
    /// `default_keyspace`).
    #[must_use]
    pub fn with_keyspace(mut self, keyspace: impl Into<String>) -> Self {
        self.keyspace = Some(Arc::from(keyspace.into()));
        self
    }

    /// The session the mapper runs on.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The keyspace models that name none use (`None`: the session's).
    pub fn keyspace(&self) -> Option<&str> {
        self.keyspace.as_deref()
    }

    /// Every row of `M`'s table, to narrow with filters (cqlengine's `Model.objects`).
    pub fn objects<M: Model>(&self) -> QuerySet<M> {
        QuerySet::new(self.clone())
    }

    /// The prepared statement for `cql` (prepared on first use, then from the cache) with
    /// `options`.
    pub(crate) async fn prepared(
        &self,
        cql: &str,
        options: &StatementOptions,
    ) -> Result<PreparedStatement, MapperError> {
        let cached = self.prepared.lock().get(cql).cloned();
        let mut prepared = match cached {
            Some(p) => p,
            None => {
                let p = self.session.prepare(cql).await?;
                self.prepared.lock().insert(Box::from(cql), p.clone());
                p
            }
        };
        *prepared.options_mut() = options.clone();
        Ok(prepared)
    }

    /// The prepared statement of shape `key`: from the cache, or checked, rendered
    /// (`render`) and prepared on first use; with `options`.
    pub(crate) async fn planned(
        &self,
        key: PlanKey,
        options: &StatementOptions,
        render: impl FnOnce() -> Result<String, MapperError>,
    ) -> Result<PreparedStatement, MapperError> {
        let cached = self.plans.lock().get(&key).cloned();
        let mut prepared = match cached {
            Some(p) => p,
            None => {
                let cql = render()?;
                let p = self.prepared(&cql, &StatementOptions::default()).await?;
                self.plans.lock().insert(key, p.clone());
                p
            }
        };
        if *options != StatementOptions::default() {
            *prepared.options_mut() = options.clone();
        }
        Ok(prepared)
    }

    /// Runs `cql` (prepared) with `values` and `options`, every page fetched.
    pub(crate) async fn run(
        &self,
        cql: &str,
        values: impl SerializeRow,
        options: &StatementOptions,
    ) -> Result<QueryResult, MapperError> {
        let prepared = self.prepared(cql, options).await?;
        Ok(self.session.execute(&prepared, values).await?)
    }

    /// Runs a write; a conditional one that was not applied is [`MapperError::NotApplied`].
    pub(crate) async fn run_write(
        &self,
        model: &str,
        cql: &str,
        values: impl SerializeRow,
        options: &StatementOptions,
        conditional: bool,
    ) -> Result<QueryResult, MapperError> {
        let result = self.run(cql, values, options).await?;
        if conditional {
            check_applied(model, &result)?;
        }
        Ok(result)
    }
}

/// [`MapperError::NotApplied`] with the current row when a conditional write's answer
/// says it was not applied.
pub(crate) fn check_applied(model: &str, result: &QueryResult) -> Result<(), MapperError> {
    if result.applied() == Some(false) {
        return Err(MapperError::NotApplied(Box::new(NotApplied {
            model: model.into(),
            row: result.first_row(),
        })));
    }
    Ok(())
}
