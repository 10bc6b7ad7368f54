//! INSERT, UPDATE and DELETE: planned into writes and optional conditions, then applied.

use bytes::Bytes;
use cql_core::types::{ColumnSpec, ColumnType};

use super::restrict::{analyze, compare_keys};
use super::terms::{Env, eval};
use crate::cql::ast::{
    Assignment, ConditionTest, Delete, DeleteTarget, IfClause, InValues, Insert, InsertValues,
    Operator, Term, Update, Using,
};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::outcome::{BoundValue, RowsResult};
use crate::sim::schema::model::ColumnKind;
use crate::sim::schema::{Column, Table};
use crate::sim::storage::order::{collection_items, compare, tuple_fields};
use crate::sim::storage::{Cell, ClusteringSlice, LiveRow, Store};

/// Maximum TTL Cassandra accepts (20 years).
const MAX_TTL: i64 = 630_720_000;

/// Where a write goes: a partition and a row (`None` = the static row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Partition key components.
    pub pk: Vec<Bytes>,
    /// Clustering key, or `None` for the static row.
    pub ck: Option<Vec<Bytes>>,
}

/// One change to the store.
#[derive(Debug, Clone)]
pub enum Op {
    /// The row marker (INSERT).
    Marker(Target),
    /// A simple cell (`None` = tombstone).
    Cell(Target, String, Option<Bytes>),
    /// A whole non-frozen collection deleted (at timestamp - 1 when overwritten).
    DeleteCollection(Target, String, bool),
    /// A collection element (set/map key) written or removed.
    Element(Target, String, ColumnType, Bytes, Option<Bytes>),
    /// List elements appended or prepended.
    ListAdd(Target, String, Vec<Bytes>, bool),
    /// A list element replaced (or removed) by index.
    ListSet(Target, String, usize, Option<Bytes>),
    /// Every list element equal to one of these removed.
    ListRemove(Target, String, ColumnType, Vec<Bytes>),
    /// A counter incremented.
    Counter(Target, String, i64),
    /// A UDT field replaced.
    UdtField(Target, String, usize, usize, Option<Bytes>),
    /// A row deleted.
    DeleteRow(Target),
    /// A clustering range deleted.
    DeleteRange(Vec<Bytes>, ClusteringSlice),
    /// A partition deleted.
    DeletePartition(Vec<Bytes>),
}

/// An `IF` clause to check before writing.
#[derive(Debug, Clone)]
pub enum CasCheck {
    /// `IF NOT EXISTS`
    NotExists,
    /// `IF EXISTS`
    Exists,
    /// `IF col op value AND ...`
    Conditions(Vec<Cond>),
}

/// One `IF` condition, values evaluated.
#[derive(Debug, Clone)]
pub struct Cond {
    /// The column.
    pub column: String,
    /// Element key / field index looked at, with its type.
    pub element: Option<(Bytes, ColumnType)>,
    /// UDT field index.
    pub field: Option<(usize, ColumnType)>,
    /// Operator (`Eq` for IN, with several values).
    pub op: Operator,
    /// Values compared with (`None` = null); several for IN.
    pub values: Vec<Option<Bytes>>,
    /// Whether it is an IN.
    pub is_in: bool,
}

/// A planned modification.
#[derive(Debug, Clone)]
pub struct Plan<'s> {
    /// The table.
    pub table: &'s Table,
    /// The writes.
    pub ops: Vec<Op>,
    /// The write timestamp.
    pub timestamp: i64,
    /// TTL in seconds (0 = none).
    pub ttl: i32,
    /// The condition, with the row it is checked on.
    pub cas: Option<(CasCheck, Target)>,
    /// Whether it writes counters.
    pub counter: bool,
}

fn int_of(env: &Env<'_>, t: &Term, name: &str, typ: &ColumnType) -> CqlResult<Option<i64>> {
    match eval(env, t, name, typ)? {
        BoundValue::Bytes(b) => Ok(Some(match b.len() {
            4 => i64::from(i32::from_be_bytes(
                b.as_ref()
                    .try_into()
                    .map_err(|_| CqlError::invalid("bad int"))?,
            )),
            8 => i64::from_be_bytes(
                b.as_ref()
                    .try_into()
                    .map_err(|_| CqlError::invalid("bad bigint"))?,
            ),
            _ => return Err(CqlError::invalid(format!("Invalid value for {name}"))),
        })),
        BoundValue::Unset => Ok(None),
        BoundValue::Null => Err(CqlError::invalid(format!(
            "Invalid null value of {}",
            match name {
                "[ttl]" => "TTL",
                _ => "timestamp",
            }
        ))),
    }
}

/// Timestamp and TTL from `USING`, the request, the table default and the clock.
fn timing(
    env: &Env<'_>,
    using: &Using,
    table: &Table,
    default_ts: Option<i64>,
) -> CqlResult<(i64, i32)> {
    let ts = match &using.timestamp {
        Some(t) => int_of(env, t, "[timestamp]", &ColumnType::BigInt)?,
        None => None,
    }
    .or(default_ts)
    .unwrap_or(env.now_micros);
    let ttl = match &using.ttl {
        Some(t) => match int_of(env, t, "[ttl]", &ColumnType::Int)? {
            Some(v) if v < 0 => {
                return Err(CqlError::invalid(format!(
                    "A TTL must be greater or equal to 0, but was {v}"
                )));
            }
            Some(v) if v > MAX_TTL => {
                return Err(CqlError::invalid(format!(
                    "ttl is too large. requested ({v}) maximum ({MAX_TTL})"
                )));
            }
            Some(v) => v as i32,
            None => table.options.default_time_to_live,
        },
        None => table.options.default_time_to_live,
    };
    Ok((ts, ttl))
}

/// Cassandra's checks of a modification's attributes: conditions exclude counter tables
/// and a custom timestamp (when the statement is prepared), counters a custom timestamp
/// or TTL (`ModificationStatement.validate`, when it is executed).
fn check_attributes(table: &Table, using: &Using, conditional: bool) -> CqlResult<()> {
    let counter = is_counter_table(table);
    if conditional && counter {
        return Err(CqlError::invalid(
            "Conditional updates are not supported on counter tables",
        ));
    }
    if conditional && using.timestamp.is_some() {
        return Err(CqlError::invalid(
            "Cannot provide custom timestamp for conditional updates",
        ));
    }
    if counter && using.timestamp.is_some() {
        return Err(CqlError::invalid(
            "Cannot provide custom timestamp for counter updates",
        ));
    }
    if counter && using.ttl.is_some() {
        return Err(CqlError::invalid(
            "Cannot provide custom TTL for counter updates",
        ));
    }
    Ok(())
}

fn is_complex(c: &Column) -> bool {
    !c.frozen
        && matches!(
            c.typ,
            ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..)
        )
}

fn is_counter_table(table: &Table) -> bool {
    table.columns.iter().any(|c| c.typ == ColumnType::Counter)
}

fn column<'t>(table: &'t Table, name: &str) -> CqlResult<&'t Column> {
    table
        .column(name)
        .ok_or_else(|| CqlError::invalid(format!("Undefined column name {name}")))
}

/// Plans an INSERT.
///
/// # Errors
/// Cassandra's errors for missing keys, unknown columns, bad values.
pub fn plan_insert<'s>(
    table: &'s Table,
    ins: &Insert,
    env: &Env<'_>,
    default_ts: Option<i64>,
) -> CqlResult<Plan<'s>> {
    if is_counter_table(table) {
        return Err(CqlError::invalid(
            "INSERT statements are not allowed on counter tables, use UPDATE instead",
        ));
    }
    check_attributes(table, &ins.using, ins.if_not_exists)?;
    let mut assigned: Vec<(&Column, BoundValue)> = Vec::new();
    match &ins.values {
        InsertValues::Values { columns, values } => {
            if columns.len() != values.len() {
                return Err(CqlError::invalid("Unmatched column names/values"));
            }
            for (name, term) in columns.iter().zip(values) {
                let c = column(table, name)?;
                if assigned.iter().any(|(a, _)| a.name == *name) {
                    return Err(CqlError::invalid(format!(
                        "Multiple definitions found for column {name}"
                    )));
                }
                assigned.push((c, eval(env, term, name, &c.typ)?));
            }
        }
        InsertValues::Json {
            value,
            default_unset,
        } => assigned = super::json::insert_values(table, value, *default_unset, env)?,
    }
    let key_part = |c: &Column, what: &str| -> CqlResult<Bytes> {
        match assigned.iter().find(|(a, _)| a.name == c.name) {
            Some((_, BoundValue::Bytes(b))) => Ok(b.clone()),
            Some((_, BoundValue::Null)) => Err(CqlError::invalid(format!(
                "Invalid null value in condition for column {}",
                c.name
            ))),
            Some((_, BoundValue::Unset)) => Err(CqlError::invalid(format!(
                "Invalid unset value for column {}",
                c.name
            ))),
            None => Err(CqlError::invalid(format!(
                "Some {what} are missing: {}",
                c.name
            ))),
        }
    };
    let mut pk = Vec::new();
    for c in table.partition_key() {
        pk.push(key_part(c, "partition key parts")?);
    }
    let static_only = !assigned
        .iter()
        .any(|(c, _)| c.kind == ColumnKind::Clustering)
        && assigned.iter().any(|(c, _)| c.kind == ColumnKind::Static)
        && assigned
            .iter()
            .all(|(c, _)| matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Static));
    let mut ck = Vec::new();
    if !static_only {
        for c in table.clustering() {
            ck.push(key_part(c, "clustering keys")?);
        }
    }
    let (timestamp, ttl) = timing(env, &ins.using, table, default_ts)?;
    let row = Target {
        pk: pk.clone(),
        ck: (!static_only).then(|| ck.clone()),
    };
    let mut ops = vec![Op::Marker(row.clone())];
    for (c, v) in &assigned {
        if matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
            continue;
        }
        let target = if c.kind == ColumnKind::Static {
            Target {
                pk: pk.clone(),
                ck: None,
            }
        } else {
            row.clone()
        };
        set_column(&mut ops, target, c, v.clone())?;
    }
    Ok(Plan {
        table,
        ops,
        timestamp,
        ttl,
        cas: ins.if_not_exists.then(|| (CasCheck::NotExists, row)),
        counter: false,
    })
}

/// The ops writing a whole column value (`c = v`).
fn set_column(ops: &mut Vec<Op>, target: Target, c: &Column, v: BoundValue) -> CqlResult<()> {
    match v {
        BoundValue::Unset => {}
        BoundValue::Null if is_complex(c) => {
            ops.push(Op::DeleteCollection(target, c.name.clone(), false))
        }
        BoundValue::Null => ops.push(Op::Cell(target, c.name.clone(), None)),
        BoundValue::Bytes(b) if is_complex(c) => {
            ops.push(Op::DeleteCollection(target.clone(), c.name.clone(), true));
            add_elements(ops, target, c, &b, false)?;
        }
        BoundValue::Bytes(b) => ops.push(Op::Cell(target, c.name.clone(), Some(b))),
    }
    Ok(())
}

fn add_elements(
    ops: &mut Vec<Op>,
    target: Target,
    c: &Column,
    b: &[u8],
    prepend: bool,
) -> CqlResult<()> {
    let bad = || CqlError::invalid(format!("Invalid collection value for {}", c.name));
    match &c.typ {
        ColumnType::List(_) => {
            let items = collection_items(b, 1).ok_or_else(bad)?;
            ops.push(Op::ListAdd(
                target,
                c.name.clone(),
                items.into_iter().map(Bytes::copy_from_slice).collect(),
                prepend,
            ));
        }
        ColumnType::Set(e) => {
            for item in collection_items(b, 1).ok_or_else(bad)? {
                ops.push(Op::Element(
                    target.clone(),
                    c.name.clone(),
                    (**e).clone(),
                    Bytes::copy_from_slice(item),
                    Some(Bytes::new()),
                ));
            }
        }
        ColumnType::Map(k, _) => {
            let items = collection_items(b, 2).ok_or_else(bad)?;
            for kv in items.chunks(2) {
                if let [key, val] = kv {
                    ops.push(Op::Element(
                        target.clone(),
                        c.name.clone(),
                        (**k).clone(),
                        Bytes::copy_from_slice(key),
                        Some(Bytes::copy_from_slice(val)),
                    ));
                }
            }
        }
        _ => return Err(bad()),
    }
    Ok(())
}

/// The rows a modification's WHERE clause names: partition keys and clustering keys
/// (`None` when only a prefix/range or nothing of the clustering key is given).
struct Keys {
    pk_in: bool,
    ck_in: bool,
    pks: Vec<Vec<Bytes>>,
    cks: Option<Vec<Vec<Bytes>>>,
    slice: Option<ClusteringSlice>,
    slices: Vec<ClusteringSlice>,
    has_clustering: bool,
}

fn keys(
    table: &Table,
    where_clause: &[crate::cql::ast::Relation],
    env: &Env<'_>,
    stmt: &str,
) -> CqlResult<Keys> {
    for rel in where_clause {
        match rel {
            crate::cql::ast::Relation::Token { .. } => {
                return Err(CqlError::invalid(format!(
                    "The token function cannot be used in WHERE clauses for {stmt} statements"
                )));
            }
            crate::cql::ast::Relation::Compare { column: n, .. }
            | crate::cql::ast::Relation::In { column: n, .. }
            | crate::cql::ast::Relation::Contains { column: n, .. }
            | crate::cql::ast::Relation::Like { column: n, .. }
            | crate::cql::ast::Relation::Element { column: n, .. } => {
                let c = column(table, n)?;
                if !matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
                    return Err(CqlError::invalid(format!(
                        "Non PRIMARY KEY columns found in where clause: {n} "
                    )));
                }
            }
            _ => {}
        }
    }
    let w = analyze(table, where_clause, env)?;
    if !w.missing_pk.is_empty() {
        return Err(CqlError::invalid(format!(
            "Some partition key parts are missing: {}",
            w.missing_pk.join(", ")
        )));
    }
    if w.pk_slice {
        return Err(CqlError::invalid(format!(
            "Only EQ and IN relation are supported on the partition key (unless you use the token() function) for {stmt} statements"
        )));
    }
    if let Some(e) = w.clustering_error {
        // An UPDATE names whole rows: a skipped clustering column is a missing one
        // (reported after the slice check, by `plan_update`).
        if !(stmt == "UPDATE" && e.starts_with("PRIMARY KEY column")) {
            return Err(CqlError::invalid(e));
        }
    }
    let ck_in = where_clause.iter().any(|r| match r {
        crate::cql::ast::Relation::In { column, .. } => table
            .column(column)
            .is_some_and(|c| c.kind == ColumnKind::Clustering),
        crate::cql::ast::Relation::MultiIn { .. } => true,
        _ => false,
    });
    Ok(Keys {
        pk_in: w.pk_in,
        ck_in,
        pks: w.keys.unwrap_or_default(),
        cks: w.clustering_keys,
        slice: w.slice,
        slices: w.slices,
        has_clustering: w.has_clustering,
    })
}

fn conditions(
    table: &Table,
    clause: &Option<IfClause>,
    env: &Env<'_>,
) -> CqlResult<Option<CasCheck>> {
    let Some(clause) = clause else {
        return Ok(None);
    };
    Ok(Some(match clause {
        IfClause::Exists => CasCheck::Exists,
        IfClause::Conditions(conds) => {
            let mut out = Vec::new();
            for c in conds {
                let col = column(table, &c.column)?;
                if matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
                    return Err(CqlError::invalid(format!(
                        "PRIMARY KEY column '{}' cannot have IF conditions",
                        c.column
                    )));
                }
                let mut typ = col.typ.clone();
                let mut element = None;
                let mut field = None;
                if let Some(k) = &c.element {
                    let (kt, vt) = match &col.typ {
                        ColumnType::Map(k, v) => ((**k).clone(), (**v).clone()),
                        ColumnType::List(e) => (ColumnType::Int, (**e).clone()),
                        _ => {
                            return Err(CqlError::invalid(format!(
                                "Invalid element access on {}",
                                c.column
                            )));
                        }
                    };
                    if let BoundValue::Bytes(b) = eval(env, k, &format!("key({})", c.column), &kt)?
                    {
                        element = Some((b, col.typ.clone()));
                    }
                    typ = vt;
                }
                if let Some(f) = &c.field {
                    if let ColumnType::Udt { fields, .. } = &col.typ {
                        let i = fields.iter().position(|(n, _)| n == f).ok_or_else(|| {
                            CqlError::invalid(format!("Unknown field {f} in {}", c.column))
                        })?;
                        typ = fields
                            .get(i)
                            .map(|(_, t)| t.clone())
                            .unwrap_or(ColumnType::Blob);
                        field = Some((i, typ.clone()));
                    }
                }
                let to_opt = |v: BoundValue| match v {
                    BoundValue::Bytes(b) => Some(b),
                    _ => None,
                };
                let (op, values, is_in) = match &c.test {
                    ConditionTest::Compare(op, t) => {
                        (*op, vec![to_opt(eval(env, t, &c.column, &typ)?)], false)
                    }
                    ConditionTest::In(InValues::List(ts)) => (
                        Operator::Eq,
                        ts.iter()
                            .map(|t| Ok(to_opt(eval(env, t, &c.column, &typ)?)))
                            .collect::<CqlResult<_>>()?,
                        true,
                    ),
                    ConditionTest::In(InValues::Bind(m)) => {
                        let list = ColumnType::List(Box::new(typ.clone()));
                        let vals = match eval(env, &Term::Bind(m.clone()), &c.column, &list)? {
                            BoundValue::Bytes(b) => collection_items(&b, 1)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|x| Some(Bytes::copy_from_slice(x)))
                                .collect(),
                            _ => Vec::new(),
                        };
                        (Operator::Eq, vals, true)
                    }
                };
                out.push(Cond {
                    column: c.column.clone(),
                    element,
                    field,
                    op,
                    values,
                    is_in,
                });
            }
            CasCheck::Conditions(out)
        }
    }))
}

fn single_row<'a>(k: &'a Keys, stmt: &str) -> CqlResult<(&'a Vec<Bytes>, Option<&'a Vec<Bytes>>)> {
    let what = if stmt == "DELETE" {
        "deletions"
    } else {
        "updates"
    };
    if k.pk_in {
        return Err(CqlError::invalid(format!(
            "IN on the partition key is not supported with conditional {what}"
        )));
    }
    let ck = match &k.cks {
        Some(_) if k.ck_in => {
            return Err(CqlError::invalid(format!(
                "IN on the clustering key columns is not supported with conditional {what}"
            )));
        }
        Some(c) => c.first(),
        None => None,
    };
    k.pks
        .first()
        .map(|p| (p, ck))
        .ok_or_else(|| CqlError::invalid("no partition key"))
}

/// Plans an UPDATE.
///
/// # Errors
/// Cassandra's errors for keys, assignments and values.
pub fn plan_update<'s>(
    table: &'s Table,
    upd: &Update,
    env: &Env<'_>,
    default_ts: Option<i64>,
) -> CqlResult<Plan<'s>> {
    let k = keys(table, &upd.where_clause, env, "UPDATE")?;
    let slice = upd.where_clause.iter().any(|r| match r {
        crate::cql::ast::Relation::Compare { column, op, .. } => {
            *op != Operator::Eq
                && table
                    .column(column)
                    .is_some_and(|c| c.kind == ColumnKind::Clustering)
        }
        crate::cql::ast::Relation::MultiCompare { op, .. } => *op != Operator::Eq,
        _ => false,
    });
    if slice {
        return Err(CqlError::invalid(
            "Slice restrictions are not supported on the clustering columns in UPDATE statements",
        ));
    }
    let only_static = upd.assignments.iter().all(|a| {
        table
            .column(assignment_column(a))
            .is_some_and(|c| c.kind == ColumnKind::Static)
    });
    let cks: Vec<Option<Vec<Bytes>>> = match (&k.cks, only_static && !k.has_clustering) {
        (_, true) => vec![None],
        (Some(cks), false) => cks.iter().cloned().map(Some).collect(),
        (None, false) => {
            let missing: Vec<String> = table
                .clustering()
                .filter(|c| !restricted_columns(&upd.where_clause).contains(&c.name.as_str()))
                .map(|c| c.name.clone())
                .collect();
            return Err(CqlError::invalid(format!(
                "Some clustering keys are missing: {}",
                missing.join(", ")
            )));
        }
    };
    check_attributes(table, &upd.using, upd.if_clause.is_some())?;
    let (timestamp, ttl) = timing(env, &upd.using, table, default_ts)?;
    let mut ops = Vec::new();
    let mut counter = false;
    for pk in &k.pks {
        for ck in &cks {
            let row = Target {
                pk: pk.clone(),
                ck: ck.clone(),
            };
            for a in &upd.assignments {
                let c = column(table, assignment_column(a))?;
                if matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
                    return Err(CqlError::invalid(format!(
                        "PRIMARY KEY part {} found in SET part",
                        c.name
                    )));
                }
                let target = if c.kind == ColumnKind::Static {
                    Target {
                        pk: pk.clone(),
                        ck: None,
                    }
                } else {
                    row.clone()
                };
                counter |= c.typ == ColumnType::Counter;
                assignment(&mut ops, target, c, a, env)?;
            }
        }
    }
    let cas = match conditions(table, &upd.if_clause, env)? {
        Some(check) => {
            let (pk, ck) = single_row(&k, "UPDATE")?;
            Some((
                check,
                Target {
                    pk: pk.clone(),
                    ck: ck.cloned(),
                },
            ))
        }
        None => None,
    };
    Ok(Plan {
        table,
        ops,
        timestamp,
        ttl,
        cas,
        counter,
    })
}

/// The columns a WHERE clause restricts.
fn restricted_columns(where_clause: &[crate::cql::ast::Relation]) -> Vec<&str> {
    use crate::cql::ast::Relation as R;
    let mut out = Vec::new();
    for r in where_clause {
        match r {
            R::Compare { column, .. }
            | R::In { column, .. }
            | R::Contains { column, .. }
            | R::Like { column, .. }
            | R::Element { column, .. }
            | R::IsNotNull { column } => out.push(column.as_str()),
            R::MultiCompare { columns, .. } | R::MultiIn { columns, .. } => {
                out.extend(columns.iter().map(String::as_str));
            }
            R::Token { .. } => {}
        }
    }
    out
}

fn assignment_column(a: &Assignment) -> &str {
    match a {
        Assignment::Set { column, .. }
        | Assignment::SetElement { column, .. }
        | Assignment::SetField { column, .. }
        | Assignment::Add { column, .. }
        | Assignment::Subtract { column, .. }
        | Assignment::Prepend { column, .. } => column,
    }
}

fn assignment(
    ops: &mut Vec<Op>,
    target: Target,
    c: &Column,
    a: &Assignment,
    env: &Env<'_>,
) -> CqlResult<()> {
    let name = &c.name;
    let is_counter = c.typ == ColumnType::Counter;
    match a {
        Assignment::Set { value, .. } => {
            if is_counter {
                return Err(CqlError::invalid(format!(
                    "Cannot set the value of counter column {name} (counters can only be incremented/decremented, not set)"
                )));
            }
            set_column(ops, target, c, eval(env, value, name, &c.typ)?)?;
        }
        Assignment::Add { value, .. } | Assignment::Subtract { value, .. } => {
            let add = matches!(a, Assignment::Add { .. });
            if is_counter {
                let delta = match eval(env, value, name, &ColumnType::BigInt)? {
                    BoundValue::Bytes(b) => i64::from_be_bytes(
                        b.as_ref()
                            .try_into()
                            .map_err(|_| CqlError::invalid("bad counter delta"))?,
                    ),
                    BoundValue::Unset => return Ok(()),
                    BoundValue::Null => {
                        return Err(CqlError::invalid(
                            "Invalid null value for counter increment",
                        ));
                    }
                };
                ops.push(Op::Counter(
                    target,
                    name.clone(),
                    if add { delta } else { delta.wrapping_neg() },
                ));
                return Ok(());
            }
            if !is_complex(c) {
                let sign = if add { '+' } else { '-' };
                return Err(CqlError::invalid(if c.frozen {
                    format!(
                        "Invalid operation ({name} = {name} {sign} {value}) for frozen collection column {name}"
                    )
                } else {
                    format!(
                        "Invalid operation ({name} = {name} {sign} {value}) for non counter column {name}"
                    )
                }));
            }
            let vtype = match (&c.typ, add) {
                (ColumnType::Map(k, _), false) => ColumnType::Set(k.clone()),
                (t, _) => t.clone(),
            };
            let b = match eval(env, value, name, &vtype)? {
                BoundValue::Bytes(b) => b,
                BoundValue::Unset => return Ok(()),
                BoundValue::Null if add => return Ok(()),
                BoundValue::Null => return Ok(()),
            };
            if add {
                add_elements(ops, target, c, &b, false)?;
            } else {
                let items: Vec<Bytes> = collection_items(&b, 1)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Bytes::copy_from_slice)
                    .collect();
                match &c.typ {
                    ColumnType::List(e) => {
                        ops.push(Op::ListRemove(target, name.clone(), (**e).clone(), items))
                    }
                    ColumnType::Set(e) | ColumnType::Map(e, _) => {
                        for it in items {
                            ops.push(Op::Element(
                                target.clone(),
                                name.clone(),
                                (**e).clone(),
                                it,
                                None,
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
        Assignment::Prepend { value, .. } => {
            if !matches!(c.typ, ColumnType::List(_)) || !is_complex(c) {
                return Err(CqlError::invalid(format!(
                    "Invalid operation ({name} = {value} + {name}) for non list column {name}"
                )));
            }
            if let BoundValue::Bytes(b) = eval(env, value, name, &c.typ)? {
                add_elements(ops, target, c, &b, true)?;
            }
        }
        Assignment::SetElement { key, value, .. } => match &c.typ {
            ColumnType::List(e) if is_complex(c) => {
                let idx = match eval(env, key, &format!("idx({name})"), &ColumnType::Int)? {
                    BoundValue::Bytes(b) => i32::from_be_bytes(
                        b.as_ref()
                            .try_into()
                            .map_err(|_| CqlError::invalid("bad index"))?,
                    ),
                    _ => return Err(CqlError::invalid("Invalid null value for list index")),
                };
                let v = match eval(env, value, &format!("value({name})"), e)? {
                    BoundValue::Bytes(b) => Some(b),
                    BoundValue::Null => None,
                    BoundValue::Unset => return Ok(()),
                };
                let idx = usize::try_from(idx).map_err(|_| {
                    CqlError::invalid(format!("List index {idx} out of bound, list has size 0"))
                })?;
                ops.push(Op::ListSet(target, name.clone(), idx, v));
            }
            ColumnType::Map(kt, vt) if is_complex(c) => {
                let k = match eval(env, key, &format!("key({name})"), kt)? {
                    BoundValue::Bytes(b) => b,
                    _ => return Err(CqlError::invalid("Invalid null value for map key")),
                };
                let v = match eval(env, value, &format!("value({name})"), vt)? {
                    BoundValue::Bytes(b) => Some(b),
                    BoundValue::Null => None,
                    BoundValue::Unset => return Ok(()),
                };
                ops.push(Op::Element(target, name.clone(), (**kt).clone(), k, v));
            }
            _ => {
                return Err(CqlError::invalid(format!(
                    "Invalid operation ({name}[{key}] = {value}) for non collection column {name}"
                )));
            }
        },
        Assignment::SetField { field, value, .. } => {
            let ColumnType::Udt { fields, .. } = &c.typ else {
                return Err(CqlError::invalid(format!(
                    "Invalid operation ({name}.{field} = {value}) for non-UDT column {name}"
                )));
            };
            let i = fields.iter().position(|(n, _)| n == field).ok_or_else(|| {
                CqlError::invalid(format!(
                    "UDT column {name} does not have a field named {field}"
                ))
            })?;
            let ft = fields
                .get(i)
                .map(|(_, t)| t.clone())
                .unwrap_or(ColumnType::Blob);
            let v = match eval(env, value, &format!("{name}.{field}"), &ft)? {
                BoundValue::Bytes(b) => Some(b),
                BoundValue::Null => None,
                BoundValue::Unset => return Ok(()),
            };
            ops.push(Op::UdtField(target, name.clone(), i, fields.len(), v));
        }
    }
    Ok(())
}

/// Plans a DELETE.
///
/// # Errors
/// Cassandra's errors for keys and targets.
pub fn plan_delete<'s>(
    table: &'s Table,
    del: &Delete,
    env: &Env<'_>,
    default_ts: Option<i64>,
) -> CqlResult<Plan<'s>> {
    let k = keys(table, &del.where_clause, env, "DELETE")?;
    let only_static = !del.targets.is_empty()
        && del.targets.iter().all(|t| {
            let n = match t {
                DeleteTarget::Column(n)
                | DeleteTarget::Element(n, _)
                | DeleteTarget::Field(n, _) => n,
            };
            table
                .column(n)
                .is_some_and(|c| c.kind == ColumnKind::Static)
        });
    if only_static && k.has_clustering {
        return Err(CqlError::invalid(
            "Invalid restrictions on clustering columns since the DELETE statement modifies only static columns",
        ));
    }
    check_attributes(table, &del.using, del.if_clause.is_some())?;
    if let Some(clause) = &del.if_clause {
        // `DeleteStatement.Parsed.prepareInternal`: a conditional DELETE names its rows by
        // `=`/`IN` on every primary key column, unless it only touches static columns.
        let all_keys_by_eq = k.cks.is_some() || table.clustering().count() == 0;
        if !all_keys_by_eq {
            if !only_static {
                return Err(CqlError::invalid(
                    "DELETE statements must restrict all PRIMARY KEY columns with equality relations in order to delete non static columns",
                ));
            }
            let regular_conditions = match clause {
                IfClause::Exists => false,
                IfClause::Conditions(conds) => conds.iter().any(|c| {
                    table
                        .column(&c.column)
                        .is_some_and(|col| col.kind == ColumnKind::Regular)
                }),
            };
            if regular_conditions {
                return Err(CqlError::invalid(
                    "DELETE statements must restrict all PRIMARY KEY columns with equality relations in order to use IF condition on non static columns",
                ));
            }
        }
    }
    let (timestamp, _) = timing(env, &del.using, table, default_ts)?;
    let mut ops = Vec::new();
    for pk in &k.pks {
        if del.targets.is_empty() {
            match (&k.cks, &k.slice) {
                (Some(cks), _) if table.clustering().count() > 0 => {
                    for ck in cks {
                        ops.push(Op::DeleteRow(Target {
                            pk: pk.clone(),
                            ck: Some(ck.clone()),
                        }));
                    }
                }
                (_, Some(slice)) => ops.push(Op::DeleteRange(pk.clone(), slice.clone())),
                _ if !k.slices.is_empty() => {
                    for slice in &k.slices {
                        ops.push(Op::DeleteRange(pk.clone(), slice.clone()));
                    }
                }
                _ if k.has_clustering => {
                    return Err(CqlError::invalid(
                        "Invalid clustering restrictions for DELETE",
                    ));
                }
                _ => ops.push(Op::DeletePartition(pk.clone())),
            }
            continue;
        }
        let cks: Vec<Option<Vec<Bytes>>> = if only_static {
            vec![None]
        } else {
            match &k.cks {
                Some(c) => c.iter().cloned().map(Some).collect(),
                // No clustering restriction: the whole partition as a range
                // (`DeleteStatement.addUpdateForKey`, clustering of size 0).
                None if !k.has_clustering => {
                    return Err(CqlError::invalid(
                        "Range deletion is not supported for specific columns",
                    ));
                }
                None => {
                    return Err(CqlError::invalid(
                        "Range deletions are not supported for specific columns",
                    ));
                }
            }
        };
        for ck in &cks {
            for t in &del.targets {
                let n = match t {
                    DeleteTarget::Column(n)
                    | DeleteTarget::Element(n, _)
                    | DeleteTarget::Field(n, _) => n,
                };
                let c = column(table, n)?;
                if matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
                    return Err(CqlError::invalid(format!(
                        "Invalid identifier {n} for deletion (should not be a PRIMARY KEY part)"
                    )));
                }
                let target = Target {
                    pk: pk.clone(),
                    ck: if c.kind == ColumnKind::Static {
                        None
                    } else {
                        ck.clone()
                    },
                };
                match t {
                    DeleteTarget::Column(_) => set_column(&mut ops, target, c, BoundValue::Null)?,
                    DeleteTarget::Element(_, key) => match &c.typ {
                        ColumnType::List(_) if is_complex(c) => {
                            if let BoundValue::Bytes(b) =
                                eval(env, key, &format!("idx({n})"), &ColumnType::Int)?
                            {
                                let i = i32::from_be_bytes(
                                    b.as_ref()
                                        .try_into()
                                        .map_err(|_| CqlError::invalid("bad index"))?,
                                );
                                let i = usize::try_from(i).map_err(|_| {
                                    CqlError::invalid(format!(
                                        "List index {i} out of bound, list has size 0"
                                    ))
                                })?;
                                ops.push(Op::ListSet(target, n.clone(), i, None));
                            }
                        }
                        ColumnType::Map(kt, _) | ColumnType::Set(kt) if is_complex(c) => {
                            if let BoundValue::Bytes(b) = eval(env, key, &format!("key({n})"), kt)?
                            {
                                ops.push(Op::Element(target, n.clone(), (**kt).clone(), b, None));
                            }
                        }
                        _ => {
                            return Err(CqlError::invalid(format!(
                                "Invalid deletion operation for non collection column {n}"
                            )));
                        }
                    },
                    DeleteTarget::Field(_, f) => {
                        let ColumnType::Udt { fields, .. } = &c.typ else {
                            return Err(CqlError::invalid(format!(
                                "Invalid deletion operation for non-UDT column {n}"
                            )));
                        };
                        let i = fields.iter().position(|(x, _)| x == f).ok_or_else(|| {
                            CqlError::invalid(format!(
                                "UDT column {n} does not have a field named {f}"
                            ))
                        })?;
                        ops.push(Op::UdtField(target, n.clone(), i, fields.len(), None));
                    }
                }
            }
        }
    }
    let cas = match conditions(table, &del.if_clause, env)? {
        Some(check) => {
            let (pk, ck) = single_row(&k, "DELETE")?;
            Some((
                check,
                Target {
                    pk: pk.clone(),
                    ck: ck.cloned(),
                },
            ))
        }
        None => None,
    };
    Ok(Plan {
        table,
        ops,
        timestamp,
        ttl: 0,
        cas,
        counter: false,
    })
}

/// The live row a condition looks at (the static row when `ck` is `None`).
pub fn current_row(store: &Store, table: &Table, target: &Target, now: i64) -> Option<LiveRow> {
    let p = store.table(table.id)?.partition(&target.pk)?;
    let statics = p.live_static(table, now);
    match &target.ck {
        Some(ck) if table.clustering().count() > 0 || !ck.is_empty() => {
            let i = p.find_row(table, ck).ok()?;
            p.live_row(table, i, &statics, now)
        }
        _ => {
            if let Ok(i) = p.find_row(table, &[]) {
                if let Some(r) = p.live_row(table, i, &statics, now) {
                    return Some(r);
                }
            }
            (!statics.is_empty()).then(|| LiveRow {
                partition_key: p.key.clone(),
                clustering: Vec::new(),
                cells: statics,
            })
        }
    }
}

/// Checks a condition; `Ok(None)` when it holds, else the `[applied] = false` row's extra
/// columns and values.
pub fn check(
    store: &Store,
    plan: &Plan<'_>,
    now: i64,
) -> Option<(Vec<ColumnSpec>, Vec<Option<Bytes>>)> {
    let (check, target) = plan.cas.as_ref()?;
    let table = plan.table;
    let row = current_row(store, table, target, now);
    let spec = |c: &Column| ColumnSpec {
        keyspace: table.keyspace.clone(),
        table: table.name.clone(),
        name: c.name.clone(),
        typ: c.typ.clone(),
    };
    let all = |r: &LiveRow| -> (Vec<ColumnSpec>, Vec<Option<Bytes>>) {
        (
            table.columns.iter().map(spec).collect(),
            table
                .columns
                .iter()
                .map(|c| r.value(table, &c.name))
                .collect(),
        )
    };
    match check {
        CasCheck::NotExists => row
            .as_ref()
            .filter(|r| {
                target.ck.is_none() || !r.clustering.is_empty() || table.clustering().count() == 0
            })
            .map(all),
        CasCheck::Exists => match row {
            Some(_) => None,
            None => Some((Vec::new(), Vec::new())),
        },
        CasCheck::Conditions(conds) => {
            // Conditions on static columns alone read the partition's first live row
            // (`CQL3CasRequest.readCommand`): a partition with rows but no static values
            // still answers its (null) static columns.
            let row = row.or_else(|| {
                let statics_only = target.ck.is_none()
                    && conds.iter().all(|c| {
                        table
                            .column(&c.column)
                            .is_some_and(|x| x.kind == ColumnKind::Static)
                    });
                let p = store.table(table.id)?.partition(&target.pk)?;
                (statics_only && p.has_live_data(table, now)).then(|| LiveRow {
                    partition_key: p.key.clone(),
                    clustering: Vec::new(),
                    cells: Default::default(),
                })
            });
            let holds = conds.iter().all(|c| {
                let current = row.as_ref().and_then(|r| r.value(table, &c.column));
                let current = current.and_then(|v| select_part(&v, c));
                let typ = cond_type(table, c);
                c.values.iter().any(|want| match (&current, want) {
                    (None, None) => c.op == Operator::Eq,
                    (None, Some(_)) => c.op == Operator::Neq,
                    (Some(_), None) => c.op == Operator::Neq,
                    (Some(x), Some(y)) => {
                        let o = compare(&typ, x, y);
                        match c.op {
                            Operator::Eq => o.is_eq(),
                            Operator::Neq => o.is_ne(),
                            Operator::Lt => o.is_lt(),
                            Operator::Lte => o.is_le(),
                            Operator::Gt => o.is_gt(),
                            Operator::Gte => o.is_ge(),
                        }
                    }
                })
            });
            if holds {
                return None;
            }
            // No current row: `[applied]` alone.
            let Some(r) = row else {
                return Some((Vec::new(), Vec::new()));
            };
            // The conditioned columns in the order of the IF clause, each once, regular
            // ones before static ones (`ColumnConditions.getColumns`).
            let mut cols: Vec<&Column> = Vec::new();
            for statics in [false, true] {
                for cond in conds {
                    if let Some(c) = table.column(&cond.column) {
                        if (c.kind == ColumnKind::Static) == statics
                            && !cols.iter().any(|x| x.name == c.name)
                        {
                            cols.push(c);
                        }
                    }
                }
            }
            Some((
                cols.iter().map(|c| spec(c)).collect(),
                cols.iter().map(|c| r.value(table, &c.name)).collect(),
            ))
        }
    }
}

fn cond_type(table: &Table, c: &Cond) -> ColumnType {
    let t = table
        .column(&c.column)
        .map(|x| x.typ.clone())
        .unwrap_or(ColumnType::Blob);
    if let Some((_, ft)) = &c.field {
        return ft.clone();
    }
    match (&c.element, t) {
        (Some(_), ColumnType::Map(_, v)) => *v,
        (Some(_), ColumnType::List(e)) => *e,
        (_, t) => t,
    }
}

fn select_part(v: &Bytes, c: &Cond) -> Option<Bytes> {
    if let Some((i, _)) = &c.field {
        return tuple_fields(v)?
            .get(*i)
            .copied()
            .flatten()
            .map(Bytes::copy_from_slice);
    }
    match &c.element {
        None => Some(v.clone()),
        Some((k, ColumnType::Map(kt, _))) => {
            let items = collection_items(v, 2)?;
            items.chunks(2).find_map(|kv| match kv {
                [key, val] if compare(kt, key, k).is_eq() => Some(Bytes::copy_from_slice(val)),
                _ => None,
            })
        }
        Some((k, ColumnType::List(_))) => {
            let i = usize::try_from(i32::from_be_bytes(k.as_ref().try_into().ok()?)).ok()?;
            collection_items(v, 1)?
                .get(i)
                .map(|x| Bytes::copy_from_slice(x))
        }
        _ => None,
    }
}

/// Applies a plan's writes.
///
/// # Errors
/// `Invalid` for list indexes out of bounds.
pub fn apply(store: &mut Store, plan: &Plan<'_>, now_micros: i64) -> CqlResult<()> {
    let table = plan.table;
    let now = now_micros.div_euclid(1_000_000);
    let ts = plan.timestamp;
    let ttl = (plan.ttl > 0).then_some((plan.ttl, now));
    let pk_types: Vec<ColumnType> = table.partition_key().map(|c| c.typ.clone()).collect();
    let _ = compare_keys;
    let _ = &pk_types;
    for op in &plan.ops {
        match op {
            Op::ListAdd(t, col, values, prepend) => {
                let keys: Vec<Bytes> = if *prepend {
                    let mut k: Vec<Bytes> =
                        values.iter().map(|_| store.next_prepend_key()).collect();
                    k.reverse();
                    k
                } else {
                    values.iter().map(|_| store.next_append_key()).collect()
                };
                let row = row_of(store, table, t);
                for (k, v) in keys.into_iter().zip(values) {
                    row.write_element(
                        col,
                        &ColumnType::Blob,
                        k,
                        Cell::live(v.clone(), ts, ttl),
                        now,
                    );
                }
            }
            Op::Marker(t) => {
                row_of(store, table, t).write_marker(Cell::live(Bytes::new(), ts, ttl), now)
            }
            Op::Cell(t, col, v) => {
                let cell = match v {
                    Some(b) => Cell::live(b.clone(), ts, ttl),
                    None => Cell::tombstone(ts),
                };
                row_of(store, table, t).write_cell(col, cell, now);
            }
            Op::DeleteCollection(t, col, overwrite) => {
                row_of(store, table, t)
                    .delete_collection(col, if *overwrite { ts - 1 } else { ts });
            }
            Op::Element(t, col, kt, k, v) => {
                let cell = match v {
                    Some(b) => Cell::live(b.clone(), ts, ttl),
                    None => Cell::tombstone(ts),
                };
                row_of(store, table, t).write_element(col, kt, k.clone(), cell, now);
            }
            Op::ListSet(t, col, idx, v) => {
                let shadow = shadow_of(store, table, t);
                let row = row_of(store, table, t);
                let live = row.live_elements(col, shadow, now);
                let Some((key, _)) = live.get(*idx) else {
                    if v.is_none() {
                        continue;
                    }
                    return Err(CqlError::invalid(format!(
                        "List index {idx} out of bound, list has size {}",
                        live.len()
                    )));
                };
                let key = key.clone();
                let cell = match v {
                    Some(b) => Cell::live(b.clone(), ts, ttl),
                    None => Cell::tombstone(ts),
                };
                row.write_element(col, &ColumnType::Blob, key, cell, now);
            }
            Op::ListRemove(t, col, et, values) => {
                let shadow = shadow_of(store, table, t);
                let row = row_of(store, table, t);
                let doomed: Vec<Bytes> = row
                    .live_elements(col, shadow, now)
                    .into_iter()
                    .filter(|(_, c)| {
                        c.value
                            .as_ref()
                            .is_some_and(|v| values.iter().any(|x| compare(et, v, x).is_eq()))
                    })
                    .map(|(k, _)| k)
                    .collect();
                for k in doomed {
                    row.write_element(col, &ColumnType::Blob, k, Cell::tombstone(ts), now);
                }
            }
            Op::Counter(t, col, delta) => {
                let shadow = shadow_of(store, table, t);
                let row = row_of(store, table, t);
                let (old, old_ts) = match row.live_cell(col, shadow, now) {
                    Some(c) => (
                        c.value
                            .as_ref()
                            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
                            .map_or(0, i64::from_be_bytes),
                        c.timestamp,
                    ),
                    None => (0, i64::MIN),
                };
                let new_ts = ts
                    .max(old_ts.saturating_add(1))
                    .max(shadow.saturating_add(1));
                let sum = old.wrapping_add(*delta);
                row.write_cell(
                    col,
                    Cell::live(Bytes::copy_from_slice(&sum.to_be_bytes()), new_ts, None),
                    now,
                );
            }
            Op::UdtField(t, col, i, n, v) => {
                let shadow = shadow_of(store, table, t);
                let row = row_of(store, table, t);
                let current = row
                    .live_cell(col, shadow, now)
                    .and_then(|c| c.value.clone());
                let mut fields: Vec<Option<Vec<u8>>> = current
                    .as_ref()
                    .and_then(|b| tuple_fields(b))
                    .map(|f| f.into_iter().map(|x| x.map(<[u8]>::to_vec)).collect())
                    .unwrap_or_default();
                fields.resize(*n, None);
                if let Some(slot) = fields.get_mut(*i) {
                    *slot = v.as_ref().map(|b| b.to_vec());
                }
                let mut out = Vec::new();
                for f in &fields {
                    match f {
                        Some(b) => {
                            out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                            out.extend_from_slice(b);
                        }
                        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
                    }
                }
                row.write_cell(col, Cell::live(Bytes::from(out), ts, ttl), now);
            }
            Op::DeleteRow(t) => row_of(store, table, t).delete(ts),
            Op::DeleteRange(pk, slice) => store
                .table_mut(table.id)
                .partition_mut(pk)
                .delete_range(slice.clone(), ts),
            Op::DeletePartition(pk) => store.table_mut(table.id).partition_mut(pk).delete(ts),
        }
    }
    Ok(())
}

fn shadow_of(store: &Store, table: &Table, t: &Target) -> i64 {
    let Some(p) = store.table(table.id).and_then(|d| d.partition(&t.pk)) else {
        return i64::MIN;
    };
    match &t.ck {
        Some(ck) => {
            let row = p
                .find_row(table, ck)
                .ok()
                .and_then(|i| p.rows.get(i))
                .map(|(_, r)| r);
            p.row_shadow(table, ck, row)
        }
        None => p
            .deleted_at
            .unwrap_or(i64::MIN)
            .max(p.static_row.deleted_at.unwrap_or(i64::MIN)),
    }
}

fn row_of<'a>(store: &'a mut Store, table: &Table, t: &Target) -> &'a mut crate::sim::storage::Row {
    let p = store.table_mut(table.id).partition_mut(&t.pk);
    match &t.ck {
        Some(ck) => p.row_mut(table, ck),
        None => &mut p.static_row,
    }
}

/// The `[applied]` result of a conditional statement.
pub fn applied_result(
    table: &Table,
    applied: bool,
    extra: Option<(Vec<ColumnSpec>, Vec<Option<Bytes>>)>,
) -> RowsResult {
    let mut columns = vec![ColumnSpec {
        keyspace: table.keyspace.clone(),
        table: table.name.clone(),
        name: "[applied]".to_string(),
        typ: ColumnType::Boolean,
    }];
    let mut row = vec![Some(Bytes::from_static(if applied { &[1] } else { &[0] }))];
    if let Some((specs, values)) = extra {
        columns.extend(specs);
        row.extend(values);
    }
    RowsResult {
        columns,
        rows: vec![row],
        paging_state: None,
    }
}
