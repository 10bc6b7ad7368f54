//! Statement execution: SELECT, INSERT, UPDATE, DELETE, BATCH and TRUNCATE against the
//! schema and the store, and the metadata of prepared statements.
//!
//! ```text
//!   terms     constants, markers, collection literals, functions -> serialized values
//!   literal   text forms of timestamps, dates, times, durations, numbers
//!   functions now(), uuid(), toTimestamp(), blobAsX(), ...
//!   json      SELECT JSON / toJson() encodings, INSERT JSON / fromJson() decoding
//!   restrict  WHERE clauses: partitions, clustering ranges, filters
//!   select    SELECT: iteration, limits, selectors, aggregates
//!   udf       user-defined functions and aggregates run when called (a body subset)
//!   paging    paging states
//!   modify    INSERT / UPDATE / DELETE planned into writes, LWT conditions
//!   prepare   bind marker and result metadata of prepared statements
//!   validate  the checks Cassandra makes at PREPARE (restrictions, missing key parts)
//!   targets   the tables a prepared statement uses (dropped on schema changes)
//!   availability  consistency levels against the cluster's live replicas
//!   views     materialized views rebuilt after writes to their base table
//!   warnings  the client warnings of a response (large batches, aggregation, views)
//! ```

pub mod availability;
pub mod cas_batch;
pub mod functions;
pub mod json;
pub mod literal;
pub mod marshal;
pub mod modify;
pub mod pager;
pub mod paging;
pub mod prepare;
pub mod restrict;
pub mod select;
pub mod targets;
pub mod terms;
#[cfg(test)]
mod tests;
pub mod udf;
pub mod validate;
pub mod views;
pub mod warnings;

use std::borrow::Cow;
use std::time::Instant;

use cql_core::types::ColumnSpec;

use crate::cql::Parsed;
use crate::cql::ast::{BatchKind, BatchStatement, QualifiedName, Statement};
use crate::sim::cluster::topology::{Availability, Topology};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::info::NodeInfo;
use crate::sim::outcome::{BoundValues, ExecParams, Outcome};
use crate::sim::schema::{Schema, Table};
use crate::sim::storage::{Store, TableData};
use crate::sim::system;

use modify::Plan;
use terms::Env;

/// What a statement runs against.
pub struct ExecContext<'a> {
    /// The current schema (read only: DDL goes through [`crate::sim::schema::ddl`]).
    pub schema: &'a Schema,
    /// The data.
    pub store: &'a mut Store,
    /// The node's identity (for system tables), built when read.
    pub info: NodeView<'a>,
    /// The current time, microseconds since the epoch (write timestamps, TTL expiry).
    pub now_micros: i64,
    /// The keyspace unqualified names resolve to (`USE`, or v5's per-request keyspace).
    pub keyspace: Option<&'a str>,
    /// The cluster's replicas as the coordinating node sees them, against which
    /// consistency levels are checked; `None` checks nothing.
    pub availability: Option<Availability<'a>>,
    /// Client warnings for the response, in the order raised.
    pub warnings: Vec<String>,
    /// The single partitions read or written through their replicas, in order (recorded
    /// by the consistency checks, which see the context shared).
    pub touched: std::cell::RefCell<Vec<Touched>>,
}

/// A partition a request read or wrote through its replicas (for its trace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touched {
    /// Its keyspace.
    pub keyspace: String,
    /// Its table.
    pub table: String,
    /// Its token.
    pub token: i64,
    /// Written (a mutation) rather than read.
    pub write: bool,
}

/// A node's identity as its system tables show it, built on demand: a cluster member's
/// view copies its identity and lists every other member with its tokens, which only
/// system-table reads and DESCRIBE need.
#[derive(Debug, Clone, Copy)]
pub enum NodeView<'a> {
    /// A node alone: its identity as configured.
    Alone(&'a NodeInfo),
    /// A member of a cluster: its identity with the cluster as it sees it at `at`
    /// ([`Topology::view_of`]).
    Member {
        /// The member's configured identity.
        base: &'a NodeInfo,
        /// The cluster.
        topology: &'a Topology,
        /// The member's slot.
        slot: usize,
        /// When the view is taken.
        at: Instant,
    },
}

impl<'a> NodeView<'a> {
    /// The identity.
    pub fn info(&self) -> Cow<'a, NodeInfo> {
        match *self {
            Self::Alone(info) => Cow::Borrowed(info),
            Self::Member {
                base,
                topology,
                slot,
                at,
            } => Cow::Owned(topology.view_of(slot, base, at)),
        }
    }
}

/// The shape of a prepared statement: its bind markers' columns, the partition key
/// indexes among them, and its result columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreparedShape {
    /// One spec per bind marker.
    pub bind: Vec<ColumnSpec>,
    /// Indexes into `bind` of the partition key columns, in key order, when every one is bound.
    pub pk_indexes: Vec<u16>,
    /// The result columns (empty for writes).
    pub result: Vec<ColumnSpec>,
}

/// Finds a table, with Cassandra's errors for a missing keyspace or table.
///
/// # Errors
/// `Invalid`: no keyspace given, unknown keyspace, unknown table.
pub fn resolve_table<'s>(
    schema: &'s Schema,
    name: &QualifiedName,
    session: Option<&str>,
) -> CqlResult<&'s Table> {
    let ks = name.keyspace.as_deref().or(session).ok_or_else(|| {
        CqlError::invalid(
            "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename",
        )
    })?;
    let keyspace = schema
        .keyspace(ks)
        .ok_or_else(|| CqlError::invalid(format!("Keyspace {ks} does not exist")))?;
    keyspace
        .tables
        .get(&name.name)
        .or_else(|| keyspace.views.get(&name.name).map(|v| &v.table))
        .ok_or_else(|| CqlError::invalid(format!("table {} does not exist", name.name)))
}

fn check_marker_count(parsed: &Parsed, values: &BoundValues) -> CqlResult<()> {
    if values.names.is_none() && values.values.len() != parsed.bind_markers.len() {
        return Err(CqlError::invalid(format!(
            "There were {} markers(?) in CQL but {} bound variables",
            parsed.bind_markers.len(),
            values.values.len()
        )));
    }
    Ok(())
}

/// Runs a DML statement or a SELECT.
///
/// # Errors
/// Cassandra's errors for the statement (`Invalid` for unknown tables/columns or wrong
/// values, ...).
pub fn execute(
    ctx: &mut ExecContext<'_>,
    parsed: &Parsed,
    values: &BoundValues,
    params: &ExecParams,
) -> CqlResult<Outcome> {
    if let Err(e) = check_marker_count(parsed, values) {
        // Cassandra prepares a query before it counts the values bound to it.
        prepare::shape(ctx.schema, parsed, ctx.keyspace)?;
        return Err(e);
    }
    let env = Env {
        values,
        now_micros: ctx.now_micros,
        udfs: Some(udf::UdfScope {
            schema: ctx.schema,
            keyspace: ctx.keyspace,
        }),
    };
    let schema = ctx.schema;
    match &parsed.statement {
        Statement::Select(sel) => {
            let table = resolve_table(schema, &sel.table, ctx.keyspace)?;
            let computed = if system::is_computed(&table.keyspace, &table.name) {
                system::rows(schema, &ctx.info.info(), &table.keyspace, &table.name)
                    .map(|rows| TableData::from_rows(table, &rows))
            } else {
                None
            };
            let data = match &computed {
                Some(d) => Some(d),
                None => ctx.store.table(table.id),
            };
            let w = restrict::analyze(table, &sel.where_clause, &env)?;
            let rows = select::run(table, data, sel, &w, &env, params)?;
            availability::check_select(ctx, table, &w, params)?;
            if let Some(w) = warnings::aggregation(sel, w.keys.is_some()) {
                ctx.warnings.push(w.to_string());
            }
            Ok(Outcome::Rows(rows))
        }
        Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => {
            let plan = plan_statement(
                schema,
                &parsed.statement,
                &env,
                ctx.keyspace,
                params.timestamp,
            )?;
            if plan.table.is_virtual {
                return Err(CqlError::invalid(format!(
                    "Modification is not supported on virtual table {}.{}",
                    plan.table.keyspace, plan.table.name
                )));
            }
            run_plans(ctx, &[plan], params, false)
        }
        Statement::Batch(b) => {
            let stmts: Vec<Statement> = b
                .statements
                .iter()
                .map(|s| match s {
                    BatchStatement::Insert(i) => Statement::Insert(i.clone()),
                    BatchStatement::Update(u) => Statement::Update(u.clone()),
                    BatchStatement::Delete(d) => Statement::Delete(d.clone()),
                })
                .collect();
            let ts = match &b.using.timestamp {
                Some(t) => {
                    match terms::eval(&env, t, "[timestamp]", &cql_core::ColumnType::BigInt)? {
                        crate::sim::outcome::BoundValue::Bytes(v) => Some(i64::from_be_bytes(
                            v.as_ref()
                                .try_into()
                                .map_err(|_| CqlError::invalid("Invalid timestamp"))?,
                        )),
                        _ => None,
                    }
                }
                None => params.timestamp,
            };
            if b.using.ttl.is_some() {
                return Err(CqlError::invalid(
                    "Global TTL on the BATCH statement is not supported.",
                ));
            }
            let refs: Vec<(&Statement, &BoundValues)> = stmts.iter().map(|s| (s, values)).collect();
            batch(ctx, b.kind, &refs, ts, b.using.timestamp.is_some(), params)
        }
        Statement::Truncate(name) => {
            let table = resolve_table(schema, name, ctx.keyspace)?;
            if is_view(schema, table) {
                return Err(CqlError::invalid(
                    "Cannot TRUNCATE materialized view directly; must truncate base table instead",
                ));
            }
            availability::check_truncate(ctx)?;
            ctx.store.truncate(table.id);
            views::refresh(schema, ctx.store, table.id, ctx.now_micros);
            Ok(Outcome::Void)
        }
        _ => Err(CqlError::invalid("Statement not supported by the executor")),
    }
}

/// Whether a table is a materialized view's.
fn is_view(schema: &Schema, table: &Table) -> bool {
    schema
        .view(&table.keyspace, &table.name)
        .is_some_and(|v| v.table.id == table.id)
}

/// Cassandra's refusal of an INSERT, UPDATE or DELETE on a materialized view (when
/// executed and when prepared).
///
/// # Errors
/// `Invalid` for a view; the errors of an unknown table.
pub fn refuse_view_writes(
    schema: &Schema,
    stmt: &Statement,
    keyspace: Option<&str>,
) -> CqlResult<()> {
    let target = match stmt {
        Statement::Insert(i) => Some(&i.table),
        Statement::Update(u) => Some(&u.table),
        Statement::Delete(d) => Some(&d.table),
        _ => None,
    };
    if let Some(name) = target {
        if is_view(schema, resolve_table(schema, name, keyspace)?) {
            return Err(CqlError::invalid(
                "Cannot directly modify a materialized view",
            ));
        }
    }
    Ok(())
}

fn plan_statement<'s>(
    schema: &'s Schema,
    stmt: &Statement,
    env: &Env<'_>,
    keyspace: Option<&str>,
    default_ts: Option<i64>,
) -> CqlResult<Plan<'s>> {
    refuse_view_writes(schema, stmt, keyspace)?;
    match stmt {
        Statement::Insert(i) => modify::plan_insert(
            resolve_table(schema, &i.table, keyspace)?,
            i,
            env,
            default_ts,
        ),
        Statement::Update(u) => modify::plan_update(
            resolve_table(schema, &u.table, keyspace)?,
            u,
            env,
            default_ts,
        ),
        Statement::Delete(d) => modify::plan_delete(
            resolve_table(schema, &d.table, keyspace)?,
            d,
            env,
            default_ts,
        ),
        _ => Err(CqlError::invalid(
            "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.",
        )),
    }
}

/// Checks the consistency level against the live replicas, then conditions (all or
/// nothing), and applies the plans.
fn run_plans(
    ctx: &mut ExecContext<'_>,
    plans: &[Plan<'_>],
    params: &ExecParams,
    is_batch: bool,
) -> CqlResult<Outcome> {
    let now = ctx.now_micros.div_euclid(1_000_000);
    let conditional: Vec<&Plan<'_>> = plans.iter().filter(|p| p.cas.is_some()).collect();
    if let Some(first) = conditional.first() {
        availability::check_paxos(ctx, first, params)?;
        let mut failed = None;
        for p in &conditional {
            if let Some(extra) = modify::check(ctx.store, p, now) {
                failed = Some(extra);
                break;
            }
        }
        if let Some(extra) = failed {
            if is_batch {
                if let Some(r) = cas_batch::failure(ctx.store, &conditional, now) {
                    return Ok(Outcome::Rows(r));
                }
            }
            let extra = (!extra.0.is_empty()).then_some(extra);
            return Ok(Outcome::Rows(modify::applied_result(
                first.table,
                false,
                extra,
            )));
        }
        availability::check_commit(ctx, plans, params)?;
        for p in plans {
            modify::apply(ctx.store, p, ctx.now_micros)?;
        }
        refresh_views(ctx, plans);
        return Ok(Outcome::Rows(modify::applied_result(
            first.table,
            true,
            None,
        )));
    }
    availability::check_writes(ctx, plans, params)?;
    for p in plans {
        modify::apply(ctx.store, p, ctx.now_micros)?;
    }
    refresh_views(ctx, plans);
    Ok(Outcome::Void)
}

/// Rebuilds the views of every table the plans wrote to.
fn refresh_views(ctx: &mut ExecContext<'_>, plans: &[Plan<'_>]) {
    let mut done = Vec::new();
    for p in plans {
        if !done.contains(&p.table.id) {
            done.push(p.table.id);
            views::refresh(ctx.schema, ctx.store, p.table.id, ctx.now_micros);
        }
    }
}

fn batch(
    ctx: &mut ExecContext<'_>,
    kind: BatchKind,
    statements: &[(&Statement, &BoundValues)],
    timestamp: Option<i64>,
    batch_has_timestamp: bool,
    params: &ExecParams,
) -> CqlResult<Outcome> {
    let schema = ctx.schema;
    let mut plans = Vec::new();
    for (stmt, values) in statements {
        let env = Env {
            values,
            now_micros: ctx.now_micros,
            udfs: Some(udf::UdfScope {
                schema,
                keyspace: ctx.keyspace,
            }),
        };
        if batch_has_timestamp {
            let own = match stmt {
                Statement::Insert(i) => i.using.timestamp.is_some(),
                Statement::Update(u) => u.using.timestamp.is_some(),
                Statement::Delete(d) => d.using.timestamp.is_some(),
                _ => false,
            };
            if own {
                return Err(CqlError::invalid(
                    "Timestamp must be set either on BATCH or individual statements",
                ));
            }
        }
        // Every statement of a batch shares one timestamp unless it sets its own.
        let ts = timestamp.or(Some(ctx.now_micros));
        plans.push(plan_statement(schema, stmt, &env, ctx.keyspace, ts)?);
    }
    // `BatchStatement.validate`, in its order.
    let has_counters = plans.iter().any(|p| p.counter);
    let has_non_counters = plans.iter().any(|p| !p.counter);
    if batch_has_timestamp {
        if plans.iter().any(|p| p.cas.is_some()) {
            return Err(CqlError::invalid(
                "Cannot provide custom timestamp for conditional BATCH",
            ));
        }
        if kind == BatchKind::Counter {
            return Err(CqlError::invalid(
                "Cannot provide custom timestamp for counter BATCH",
            ));
        }
        if has_counters {
            return Err(CqlError::invalid(
                "Cannot provide custom timestamp for a BATCH containing counters",
            ));
        }
    }
    if kind == BatchKind::Counter && has_non_counters {
        return Err(CqlError::invalid(
            "Cannot include non-counter statement in a counter batch",
        ));
    }
    if has_counters && has_non_counters {
        return Err(CqlError::invalid(
            "Counter and non-counter mutations cannot exist in the same batch",
        ));
    }
    if kind == BatchKind::Logged && has_counters {
        return Err(CqlError::invalid(
            "Cannot include a counter statement in a logged batch",
        ));
    }
    let raised = warnings::batch(kind, &plans);
    ctx.warnings.extend(raised);
    if plans.iter().any(|p| p.cas.is_some()) {
        let mut tables = plans.iter().map(|p| (p.table.id, &p.ops));
        let first = plans.first().map(|p| p.table.id);
        if tables.any(|(id, _)| Some(id) != first) {
            return Err(CqlError::invalid(
                "Batch with conditions cannot span multiple tables",
            ));
        }
        let pks: Vec<&Vec<bytes::Bytes>> = plans
            .iter()
            .filter_map(|p| p.cas.as_ref().map(|(_, t)| &t.pk))
            .collect();
        if pks.windows(2).any(|w| w.first() != w.get(1)) {
            return Err(CqlError::invalid(
                "Batch with conditions cannot span multiple partitions",
            ));
        }
    }
    run_plans(ctx, &plans, params, true)
}

/// Runs the statements of a BATCH message (or a `BEGIN BATCH` statement expanded) as one
/// batch: all of them or, for a conditional batch, none.
///
/// # Errors
/// As [`execute`], plus Cassandra's batch rules (no counters in logged batches, ...).
pub fn execute_batch(
    ctx: &mut ExecContext<'_>,
    kind: BatchKind,
    statements: &[(&Parsed, &BoundValues)],
    params: &ExecParams,
) -> CqlResult<Outcome> {
    for (p, v) in statements {
        check_marker_count(p, v)?;
    }
    let refs: Vec<(&Statement, &BoundValues)> =
        statements.iter().map(|(p, v)| (&p.statement, *v)).collect();
    batch(ctx, kind, &refs, params.timestamp, false, params)
}

/// The prepared shape of a statement.
///
/// # Errors
/// The errors preparing it would give in Cassandra (unknown table or column, ...).
pub fn prepare(
    schema: &Schema,
    parsed: &Parsed,
    keyspace: Option<&str>,
) -> CqlResult<PreparedShape> {
    prepare::shape(schema, parsed, keyspace)
}
