//! [`Mapper`]: the object mapper bound to a session — where query sets, writes, batches
//! and schema sync run.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use spin::Mutex;

use super::error::{MapperError, NotApplied};
use super::spec::Rendered;
use super::values::{BoundRow, Slot};
use crate::session::{PreparedStatement, QueryResult, Session, Statement, StatementOptions};

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
    /// Statements by model and shape (which columns, operators and clauses), so a query
    /// or insert of a shape seen before is neither checked nor rendered again.
    plans: Arc<Mutex<BTreeMap<PlanKey, Arc<Plan>>>>,
}

/// A statement's identity without its values: the model's type and its shape's hash
/// (the plan keeps the codes, compared on every hit).
type PlanKey = (core::any::TypeId, u64);

/// A statement prepared for one shape of one model's query or write.
pub(crate) struct Plan {
    /// The shape's codes (everything but the values).
    pub codes: Vec<u32>,
    /// The statement, with the options its kind of statement usually runs with.
    pub prepared: PreparedStatement,
    /// Where each bind marker's value comes from (writes of a model instance).
    pub slots: Vec<Slot>,
}

impl Plan {
    /// The statement with `options` (a copy only when they differ from the plan's).
    pub fn statement(
        &self,
        options: &StatementOptions,
    ) -> alloc::borrow::Cow<'_, PreparedStatement> {
        if options == self.prepared.options() {
            alloc::borrow::Cow::Borrowed(&self.prepared)
        } else {
            let mut p = self.prepared.clone();
            *p.options_mut() = options.clone();
            alloc::borrow::Cow::Owned(p)
        }
    }
}

/// A shape's codes, built without allocating for all but unusually long shapes.
pub(crate) struct ShapeCodes {
    inline: [u32; 40],
    len: usize,
    spill: Vec<u32>,
}

impl ShapeCodes {
    /// No codes yet.
    pub fn new() -> Self {
        Self {
            inline: [0; 40],
            len: 0,
            spill: Vec::new(),
        }
    }

    /// Appends a code.
    pub fn push(&mut self, code: u32) {
        match self.inline.get_mut(self.len) {
            Some(slot) => {
                *slot = code;
                self.len += 1;
            }
            None => self.spill.push(code),
        }
    }

    /// Appends a count or index as a code.
    pub fn push_usize(&mut self, n: usize) {
        self.push(u32::try_from(n).unwrap_or(u32::MAX));
    }

    /// The codes in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + Clone + '_ {
        self.inline
            .get(..self.len)
            .unwrap_or_default()
            .iter()
            .chain(&self.spill)
            .copied()
    }
}

/// FNV-1a over a shape's codes.
fn shape_hash(codes: impl Iterator<Item = u32>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in codes {
        for b in c.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

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

    /// The keyspace a model's statements run in: the one it declares, else the
    /// mapper's, else the session's.
    pub(crate) fn keyspace_for(&self, declared: Option<&str>) -> Option<String> {
        declared
            .or(self.keyspace())
            .map(String::from)
            .or_else(|| self.session.keyspace())
    }

    /// The prepared statement for `cql` with `options` (the session prepares each text
    /// once and caches it).
    pub(crate) async fn prepared(
        &self,
        cql: &str,
        options: &StatementOptions,
    ) -> Result<PreparedStatement, MapperError> {
        let mut statement = Statement::new(cql);
        *statement.options_mut() = options.clone();
        Ok(self.session.prepare(statement).await?)
    }

    /// The plan of model `model`'s statement of shape `codes`: from the cache, or
    /// checked, rendered (`render` gives the CQL and the value slots) and prepared on
    /// first use.
    pub(crate) async fn planned<I>(
        &self,
        model: core::any::TypeId,
        codes: I,
        base: &StatementOptions,
        render: impl FnOnce() -> Result<(String, Vec<Slot>), MapperError>,
    ) -> Result<Arc<Plan>, MapperError>
    where
        I: Iterator<Item = u32> + Clone,
    {
        let key = (model, shape_hash(codes.clone()));
        let hit = self
            .plans
            .lock()
            .get(&key)
            .filter(|plan| plan.codes.iter().copied().eq(codes.clone()))
            .cloned();
        if let Some(plan) = hit {
            return Ok(plan);
        }
        let (cql, slots) = render()?;
        // Boxed: preparing is the rare path, and this keeps every query's future small.
        let prepared = Box::pin(self.prepared(&cql, base)).await?;
        let plan = Arc::new(Plan {
            codes: codes.collect(),
            prepared,
            slots,
        });
        self.plans.lock().insert(key, Arc::clone(&plan));
        Ok(plan)
    }

    /// Runs a rendered write (prepared once per text, values bound); a conditional one
    /// that was not applied is [`MapperError::NotApplied`].
    pub(crate) async fn run_write(
        &self,
        model: &str,
        rendered: &Rendered,
        options: &StatementOptions,
        conditional: bool,
    ) -> Result<(), MapperError> {
        // Preparing is boxed: it is the rare path, and this keeps every write's future
        // to one request future.
        let prepared = Box::pin(self.prepared(&rendered.cql, options)).await?;
        let values = BoundRow(rendered.values.iter());
        let result = self.session.execute(&prepared, values).await?;
        if conditional {
            check_applied(model, &result)?;
        }
        Ok(())
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
