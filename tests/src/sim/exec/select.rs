//! SELECT: partitions and rows in ring and clustering order, filters, limits, paging,
//! selectors, aggregates.

use std::ops::Bound;

use bytes::Bytes;
use cql_core::CqlValue;
use cql_core::types::{ColumnSpec, ColumnType};

use super::functions;
use super::pager::{self, After, Position, Resume};
use super::paging::NO_LIMIT;
use super::restrict::{FILTERING, Where, matches};
use super::terms::{Env, eval, udf_keyspace};
use super::udf::{self, Udf};
use crate::cql::ast::{Order, Select, Selection, Selector, Term};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::outcome::{BoundValue, ExecParams, RowsResult};
use crate::sim::schema::Table;
use crate::sim::schema::model::{ClusteringOrder, ColumnKind};
use crate::sim::storage::order::compare;
use crate::sim::storage::{LiveRow, Partition, PartitionPosition, TableData};

/// A compiled selector.
#[derive(Debug, Clone)]
pub enum Sel {
    /// A column's value.
    Column(String, ColumnType),
    /// `writetime(c)`
    WriteTime(String),
    /// `ttl(c)`
    Ttl(String),
    /// A constant.
    Const(Option<Bytes>, ColumnType),
    /// A scalar function.
    Func(String, Vec<Sel>, ColumnType),
    /// `count(*)`
    CountRows,
    /// `count`/`min`/`max`/`sum`/`avg` of a selector.
    Agg(String, Box<Sel>, ColumnType),
    /// `cast(s AS t)`
    Cast(Box<Sel>, ColumnType),
    /// A UDT field.
    Field(Box<Sel>, usize, ColumnType),
    /// `token(pk...)`
    Token,
    /// A user-defined function or aggregate.
    User(Box<Udf>, Vec<Sel>, ColumnType),
}

impl Sel {
    /// The result type.
    pub fn typ(&self) -> ColumnType {
        match self {
            Sel::Column(_, t) | Sel::Const(_, t) | Sel::Func(_, _, t) | Sel::Agg(_, _, t) => {
                t.clone()
            }
            Sel::Cast(_, t) | Sel::Field(_, _, t) | Sel::User(_, _, t) => t.clone(),
            Sel::WriteTime(_) | Sel::CountRows | Sel::Token => ColumnType::BigInt,
            Sel::Ttl(_) => ColumnType::Int,
        }
    }
    fn is_agg(&self) -> bool {
        match self {
            Sel::CountRows | Sel::Agg(..) => true,
            Sel::User(f, args, _) => {
                matches!(**f, Udf::Aggregate(_)) || args.iter().any(Sel::is_agg)
            }
            Sel::Func(_, args, _) => args.iter().any(Sel::is_agg),
            Sel::Cast(s, _) | Sel::Field(s, _, _) => s.is_agg(),
            _ => false,
        }
    }
}

fn cql_type_of(t: &crate::cql::ast::CqlType) -> CqlResult<ColumnType> {
    ColumnType::parse_cql(&t.to_string()).map_err(|e| CqlError::invalid(e.to_string()))
}

/// The column name Cassandra gives a selector in result metadata.
fn selector_name(s: &Selector) -> String {
    match s {
        Selector::Column(c) => c.clone(),
        Selector::CountStar => "count".to_string(),
        Selector::WriteTime(c) => format!("writetime({c})"),
        Selector::MaxWriteTime(c) => format!("maxwritetime({c})"),
        Selector::Ttl(c) => format!("ttl({c})"),
        Selector::Cast(inner, t) => format!("cast({} as {t})", selector_name(inner)),
        Selector::Function { name, args } => {
            let ks = name
                .keyspace
                .clone()
                .unwrap_or_else(|| "system".to_string());
            let args: Vec<String> = args.iter().map(selector_name).collect();
            format!("{ks}.{}({})", name.name, args.join(", "))
        }
        Selector::Field(inner, f) => format!("{}.{f}", selector_name(inner)),
        Selector::Term(t) => t.to_string(),
    }
}

/// The type Cassandra infers for a constant of the selection clause, when it can.
fn exact_type(t: &Term) -> Option<ColumnType> {
    use crate::cql::ast::Literal as L;
    Some(match t {
        Term::Literal(L::String(_)) => ColumnType::Text,
        Term::Literal(L::Integer(_)) => ColumnType::Int,
        Term::Literal(L::Float(_)) => ColumnType::Double,
        Term::Literal(L::Boolean(_)) => ColumnType::Boolean,
        Term::Literal(L::Hex(_)) => ColumnType::Blob,
        Term::Literal(L::Uuid(_)) => ColumnType::Uuid,
        Term::Literal(L::Duration(_)) => ColumnType::Duration,
        _ => return None,
    })
}

/// Compiles a constant (or marker) of the selection clause, typed by the function
/// parameter or cast it goes to, else by its own kind.
fn compile_term(t: &Term, hint: Option<&ColumnType>, env: &Env<'_>) -> CqlResult<Sel> {
    let Some(typ) = hint.cloned().or_else(|| exact_type(t)) else {
        return Err(CqlError::invalid(format!(
            "Cannot infer type for term {t} in selection clause (try using a cast to force a type)"
        )));
    };
    Ok(match eval(env, t, &t.to_string(), &typ)? {
        BoundValue::Bytes(b) => Sel::Const(Some(b), typ),
        _ => Sel::Const(None, typ),
    })
}

/// Compiles a selector.
fn compile(table: &Table, s: &Selector, env: &Env<'_>) -> CqlResult<Sel> {
    let col = |n: &str| {
        table
            .column(n)
            .ok_or_else(|| CqlError::invalid(format!("Undefined column name {n}")))
    };
    Ok(match s {
        Selector::Column(n) => Sel::Column(n.clone(), col(n)?.typ.clone()),
        Selector::CountStar => Sel::CountRows,
        Selector::WriteTime(n) | Selector::MaxWriteTime(n) | Selector::Ttl(n) => {
            let c = col(n)?;
            let what = if matches!(s, Selector::Ttl(_)) {
                "ttl"
            } else {
                "writeTime"
            };
            if matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
                return Err(CqlError::invalid(format!(
                    "Cannot use selection function {what} on PRIMARY KEY part {n}"
                )));
            }
            if !c.frozen
                && matches!(
                    c.typ,
                    ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..)
                )
            {
                return Err(CqlError::invalid(format!(
                    "Cannot use selection function {what} on non-frozen collection {n}"
                )));
            }
            if matches!(s, Selector::Ttl(_)) {
                Sel::Ttl(n.clone())
            } else {
                Sel::WriteTime(n.clone())
            }
        }
        Selector::Term(t) => compile_term(t, None, env)?,
        Selector::Cast(inner, t) => {
            let to = cql_type_of(t)?;
            let inner = match &**inner {
                Selector::Term(term) => compile_term(term, Some(&to), env)?,
                other => compile(table, other, env)?,
            };
            Sel::Cast(Box::new(inner), to)
        }
        Selector::Field(inner, f) => {
            let inner = compile(table, inner, env)?;
            let ColumnType::Udt { fields, .. } = inner.typ() else {
                return Err(CqlError::invalid(format!(
                    "Invalid field selection: {s} is not a user type"
                )));
            };
            let i = fields
                .iter()
                .position(|(n, _)| n == f)
                .ok_or_else(|| CqlError::invalid(format!("{s} has no field {f}")))?;
            let t = fields
                .get(i)
                .map(|(_, t)| t.clone())
                .unwrap_or(ColumnType::Blob);
            Sel::Field(Box::new(inner), i, t)
        }
        Selector::Function { name, args } => {
            let f = functions::base_name(name.keyspace.as_deref(), &name.name);
            if f == "fromjson" {
                return Err(CqlError::invalid(
                    "fromJson() cannot be used in the selection clause of a SELECT statement",
                ));
            }
            if let Some(scope) = env.udfs {
                if let Some(ks) = udf_keyspace(&scope, name, args.len()) {
                    return compile_udf(table, scope.schema, ks, name, args, env);
                }
            }
            let hints = functions::param_types(&f, args.len()).unwrap_or_default();
            let args: Vec<Sel> = args
                .iter()
                .enumerate()
                .map(|(i, a)| match a {
                    Selector::Term(t) => compile_term(t, hints.get(i), env),
                    other => compile(table, other, env),
                })
                .collect::<CqlResult<_>>()?;
            match f.as_str() {
                "token" => Sel::Token,
                "tojson" => {
                    if args.len() != 1 {
                        return Err(CqlError::invalid(format!(
                            "toJson() only accepts one argument (got {})",
                            args.len()
                        )));
                    }
                    Sel::Func(f, args, ColumnType::Text)
                }
                "count" | "min" | "max" | "sum" | "avg" => {
                    let [arg] = <[Sel; 1]>::try_from(args).map_err(|_| {
                        CqlError::invalid(format!(
                            "Invalid number of arguments in call to function system.{f}"
                        ))
                    })?;
                    let t = if f == "count" {
                        ColumnType::BigInt
                    } else {
                        arg.typ()
                    };
                    Sel::Agg(f, Box::new(arg), t)
                }
                _ => {
                    let types: Vec<ColumnType> = args.iter().map(Sel::typ).collect();
                    let t = functions::return_type(&f, &types)?;
                    Sel::Func(f, args, t)
                }
            }
        }
    })
}

/// Compiles a call of a user-defined function or aggregate of `keyspace`: its arguments
/// are typed by the overload they resolve to.
fn compile_udf(
    table: &Table,
    schema: &crate::sim::schema::Schema,
    keyspace: &str,
    name: &crate::cql::ast::QualifiedName,
    args: &[Selector],
    env: &Env<'_>,
) -> CqlResult<Sel> {
    let mut typed = Vec::with_capacity(args.len());
    for a in args {
        let t = match a {
            Selector::Term(_) => None,
            other => Some(compile(table, other, env)?.typ()),
        };
        typed.push((t, selector_name(a)));
    }
    let Some(f) = udf::resolve(schema, keyspace, &name.name, &typed)? else {
        return Err(CqlError::invalid(format!(
            "Unknown function '{keyspace}.{}'",
            name.name
        )));
    };
    let params = match &f {
        Udf::Scalar(u) => u.arguments.iter().map(|(_, t)| t.clone()).collect(),
        Udf::Aggregate(a) => a.aggregate.argument_types.clone(),
    };
    let sels = args
        .iter()
        .zip(&params)
        .map(|(a, p)| match a {
            Selector::Term(t) => compile_term(t, Some(p), env),
            other => compile(table, other, env),
        })
        .collect::<CqlResult<Vec<_>>>()?;
    if matches!(f, Udf::Aggregate(_)) && sels.iter().any(Sel::is_agg) {
        return Err(CqlError::invalid(
            "aggregate functions cannot be used as arguments of aggregate functions",
        ));
    }
    let t = f.return_type();
    Ok(Sel::User(Box::new(f), sels, t))
}

/// The compiled selection: selectors with their result specs.
pub fn selection(
    table: &Table,
    select: &Select,
    env: &Env<'_>,
) -> CqlResult<(Vec<Sel>, Vec<ColumnSpec>)> {
    let spec = |name: String, typ: ColumnType| ColumnSpec {
        keyspace: table.keyspace.clone(),
        table: table.name.clone(),
        name,
        typ,
    };
    let mut sels = Vec::new();
    let mut specs = Vec::new();
    match &select.selection {
        Selection::Star => {
            for c in &table.columns {
                sels.push(Sel::Column(c.name.clone(), c.typ.clone()));
                specs.push(spec(c.name.clone(), c.typ.clone()));
            }
        }
        Selection::Items(items) => {
            for it in items {
                let s = compile(table, &it.selector, env)?;
                let name = it
                    .alias
                    .clone()
                    .unwrap_or_else(|| selector_name(&it.selector));
                specs.push(spec(name, s.typ()));
                sels.push(s);
            }
        }
    }
    if select.json {
        return Ok((sels, vec![spec("[json]".to_string(), ColumnType::Text)]));
    }
    Ok((sels, specs))
}

fn positive_limit(env: &Env<'_>, t: &Term, what: &str) -> CqlResult<Option<usize>> {
    match eval(env, t, what, &ColumnType::Int)? {
        BoundValue::Bytes(b) => {
            let n = i32::from_be_bytes(
                b.as_ref()
                    .try_into()
                    .map_err(|_| CqlError::invalid("Invalid limit"))?,
            );
            if n <= 0 {
                let label = if what == "[limit]" {
                    "LIMIT"
                } else {
                    "PER PARTITION LIMIT"
                };
                return Err(CqlError::invalid(format!(
                    "{label} must be strictly positive"
                )));
            }
            Ok(Some(n as usize))
        }
        BoundValue::Unset => Ok(None),
        BoundValue::Null => Err(CqlError::invalid(format!("Invalid null value of {what}"))),
    }
}

/// Runs a SELECT over a table's data; `w` is its WHERE clause analysed
/// ([`super::restrict::analyze`]).
///
/// # Errors
/// Cassandra's validation errors (filtering, ORDER BY, limits, unknown columns).
pub fn run(
    table: &Table,
    data: Option<&TableData>,
    select: &Select,
    w: &Where,
    env: &Env<'_>,
    params: &ExecParams,
) -> CqlResult<RowsResult> {
    if w.needs_filtering && !select.allow_filtering {
        if let (Some(e), true, false) = (&w.clustering_error, w.keys.is_some(), w.uses_index) {
            return Err(CqlError::invalid(e.clone()));
        }
        return Err(CqlError::invalid(FILTERING));
    }
    let (sels, specs) = selection(table, select, env)?;
    if select.distinct {
        check_distinct(table, &sels, w)?;
    }
    let reversed = order_reversed(table, select, w)?;
    let limit = match &select.limit {
        Some(t) => positive_limit(env, t, "[limit]")?,
        None => None,
    };
    let per_partition = match &select.per_partition_limit {
        Some(t) => positive_limit(env, t, "[per_partition_limit]")?,
        None => None,
    };
    let aggregate = sels.iter().any(Sel::is_agg);
    let page_size = params
        .page_size
        .filter(|p| *p > 0 && !aggregate)
        .map(|p| p as usize);
    let empty = TableData::default();
    let data = data.unwrap_or(&empty);
    let now = env.now_micros.div_euclid(1_000_000);
    // IN on the partition key with ORDER BY: the partitions are read in key order, then
    // the rows sorted (`SelectStatement.orderResults`), which cannot be paged.
    let post_order = w.pk_in && !select.order_by.is_empty();
    if post_order && page_size.is_some_and(|p| limit.is_none_or(|l| l > p)) {
        return Err(CqlError::invalid(
            "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must either remove the ORDER BY or the IN and sort client side, or disable paging for this query",
        ));
    }
    let keys = w.keys.clone();
    let mut keys = keys;
    if reversed && !post_order {
        if let Some(k) = &mut keys {
            k.reverse();
        }
    }
    let mode = pager::Mode::of(keys.as_deref());
    let limits = pager::Limits {
        count: limit.unwrap_or(NO_LIMIT),
        per_partition: if select.distinct {
            1
        } else {
            per_partition.unwrap_or(NO_LIMIT)
        },
    };
    let (start, returned) = match &params.paging_state {
        Some(b) if !aggregate => pager::resume(table, mode, limits, b)?,
        _ => (Resume::Beginning, 0),
    };
    let mut scan = Scan {
        table,
        w,
        now,
        reversed,
        distinct: select.distinct,
        limit,
        per_partition,
        returned,
        out: Vec::new(),
        want: page_size,
    };
    match &start {
        Resume::Beginning => scan.run(data, keys.as_deref(), None),
        Resume::At(p) => scan.run(data, keys.as_deref(), Some(p)),
        Resume::Nothing => {}
    }
    let mut rows = scan.out;
    let mut paging_state = None;
    if let Some(p) = page_size {
        rows.truncate(p);
        paging_state = pager::next_state(
            table,
            mode,
            limits,
            p,
            &rows,
            params.paging_state.as_deref(),
        );
    }
    let mut live: Vec<LiveRow> = rows.into_iter().map(|(r, _, _)| r).collect();
    if post_order {
        let columns: Vec<(&String, ColumnType)> = select
            .order_by
            .iter()
            .filter_map(|(n, _)| table.column(n).map(|c| (n, c.typ.clone())))
            .collect();
        let natural = |a: &LiveRow, b: &LiveRow| {
            for (n, t) in &columns {
                let c = table.column(n);
                let o = match (a.value(table, n), b.value(table, n)) {
                    (Some(x), Some(y)) => compare(t, &x, &y),
                    (x, y) => x.is_some().cmp(&y.is_some()),
                };
                let o = if c.is_some_and(|c| c.order == ClusteringOrder::Desc) {
                    o.reverse()
                } else {
                    o
                };
                if o.is_ne() {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        };
        // A stable sort: rows equal on the ORDER BY columns keep their partition order.
        live.sort_by(|a, b| {
            let o = natural(a, b);
            if reversed { o.reverse() } else { o }
        });
    }
    let out_rows = if aggregate {
        vec![aggregate_row(table, &sels, &live, env)?]
    } else {
        live.iter()
            .map(|r| {
                sels.iter()
                    .map(|s| eval_sel(table, s, r, env))
                    .collect::<CqlResult<Vec<_>>>()
            })
            .collect::<CqlResult<Vec<_>>>()?
    };
    let out_rows = if select.json {
        let json_specs = specs_for_json(table, select, env)?;
        out_rows
            .into_iter()
            .map(|r| vec![Some(Bytes::from(json_row(&json_specs, &r)))])
            .collect()
    } else {
        out_rows
    };
    Ok(RowsResult {
        columns: specs,
        rows: out_rows,
        paging_state,
    })
}

fn specs_for_json(table: &Table, select: &Select, env: &Env<'_>) -> CqlResult<Vec<ColumnSpec>> {
    let plain = Select {
        json: false,
        ..select.clone()
    };
    Ok(selection(table, &plain, env)?.1)
}

fn json_row(specs: &[ColumnSpec], row: &[Option<Bytes>]) -> String {
    let fields: Vec<String> = specs
        .iter()
        .zip(row)
        .map(|(s, v)| {
            let name = super::json::encode(&ColumnType::Text, Some(s.name.as_bytes()));
            format!("{name}: {}", super::json::encode(&s.typ, v.as_deref()))
        })
        .collect();
    format!("{{{}}}", fields.join(", "))
}

/// Cassandra's checks of a SELECT DISTINCT (`validateDistinctSelection`): partition key
/// and static columns only, every partition key column when partitions are scanned, and
/// restrictions on the partition key and static columns only.
fn check_distinct(table: &Table, sels: &[Sel], w: &Where) -> CqlResult<()> {
    let restricted_regular = w.regular.iter().any(|n| {
        table
            .column(n)
            .is_some_and(|c| c.kind != ColumnKind::Static)
    });
    if w.has_clustering || restricted_regular {
        return Err(CqlError::invalid(
            "SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.",
        ));
    }
    let mut requested: Vec<&str> = Vec::new();
    for s in sels {
        sel_columns(s, &mut requested);
    }
    for n in &requested {
        let kind = table.column(n).map(|c| c.kind);
        if !matches!(kind, Some(ColumnKind::PartitionKey | ColumnKind::Static)) {
            return Err(CqlError::invalid(format!(
                "SELECT DISTINCT queries must only request partition key columns and/or static columns (not {n})"
            )));
        }
    }
    if w.keys.is_none() {
        if let Some(missing) = table
            .partition_key()
            .find(|c| !requested.contains(&c.name.as_str()))
        {
            return Err(CqlError::invalid(format!(
                "SELECT DISTINCT queries must request all the partition key columns (missing {})",
                missing.name
            )));
        }
    }
    Ok(())
}

/// The columns a selector reads, in order.
fn sel_columns<'s>(s: &'s Sel, out: &mut Vec<&'s str>) {
    match s {
        Sel::Column(n, _) | Sel::WriteTime(n) | Sel::Ttl(n) => {
            if !out.contains(&n.as_str()) {
                out.push(n);
            }
        }
        Sel::Func(_, args, _) | Sel::User(_, args, _) => {
            args.iter().for_each(|a| sel_columns(a, out));
        }
        Sel::Agg(_, inner, _) | Sel::Cast(inner, _) | Sel::Field(inner, _, _) => {
            sel_columns(inner, out);
        }
        Sel::Const(..) | Sel::CountRows | Sel::Token => {}
    }
}

fn order_reversed(table: &Table, select: &Select, w: &Where) -> CqlResult<bool> {
    if select.order_by.is_empty() {
        return Ok(false);
    }
    if w.keys.is_none() {
        return Err(CqlError::invalid(
            "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.",
        ));
    }
    // Cassandra collects the orderings in an insertion-ordered map: a column named again
    // keeps its first place and takes its last direction.
    let mut orderings: Vec<(&String, &Order)> = Vec::new();
    for (name, order) in &select.order_by {
        match orderings.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = order,
            None => orderings.push((name, order)),
        }
    }
    let ck: Vec<_> = table.clustering().collect();
    let mut reversed = None;
    // Columns before an ordered one may be skipped when restricted by `=`
    // (`SelectStatement.isReversed`).
    let mut next = 0;
    for (name, order) in orderings {
        let Some(c) = table.column(name) else {
            return Err(CqlError::invalid(format!("Undefined column name {name}")));
        };
        if c.kind != ColumnKind::Clustering {
            return Err(CqlError::invalid(format!(
                "Order by is currently only supported on the clustered columns of the PRIMARY KEY, got {name}"
            )));
        }
        let position = ck.iter().position(|x| x.name == *name).unwrap_or(0);
        while next != position {
            if next > position || !w.ck_eq.get(next).copied().unwrap_or(false) {
                return Err(CqlError::invalid(
                    "Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY",
                ));
            }
            next += 1;
        }
        next += 1;
        let natural = c.order == ClusteringOrder::Desc;
        let r = natural != (*order == Order::Desc);
        if reversed.is_some_and(|x| x != r) {
            return Err(CqlError::invalid("Unsupported order by relation"));
        }
        reversed = Some(r);
    }
    Ok(reversed.unwrap_or(false))
}

struct Scan<'a> {
    table: &'a Table,
    w: &'a Where,
    now: i64,
    reversed: bool,
    distinct: bool,
    limit: Option<usize>,
    per_partition: Option<usize>,
    returned: usize,
    /// Rows with their count within their partition and the running total.
    out: Vec<(LiveRow, usize, usize)>,
    want: Option<usize>,
}

impl Scan<'_> {
    fn full(&self) -> bool {
        self.want.is_some_and(|w| self.out.len() >= w)
            || self.limit.is_some_and(|l| self.returned >= l)
    }

    /// Reads `keys` (in reading order) or the ring, from `state` on.
    fn run(&mut self, data: &TableData, keys: Option<&[Vec<Bytes>]>, state: Option<&Position>) {
        if let Some(keys) = keys {
            let mut started = state.is_none();
            for k in keys {
                let resume = match state {
                    Some(s) if !started => {
                        if *k != s.partition_key {
                            continue;
                        }
                        started = true;
                        Some(s)
                    }
                    _ => None,
                };
                if let Some(p) = data.partition(k) {
                    self.partition(p, resume);
                }
                if self.full() {
                    return;
                }
            }
        } else {
            let start = match (state, self.w.token_from) {
                (Some(s), _) => Bound::Included(PartitionPosition::of(&s.partition_key)),
                (None, Some((t, true))) => Bound::Included(PartitionPosition {
                    token: t,
                    key: Vec::new(),
                }),
                // Every key of token `t` sorts after `(t, [])`: "after t" starts at t + 1.
                (None, Some((t, false))) => match t.checked_add(1) {
                    Some(n) => Bound::Included(PartitionPosition {
                        token: n,
                        key: Vec::new(),
                    }),
                    None => return,
                },
                (None, None) => Bound::Unbounded,
            };
            for (_, p) in data.partitions.range((start, Bound::Unbounded)) {
                let resume = state.filter(|s| s.partition_key == p.key);
                self.partition(p, resume);
                if self.full() {
                    return;
                }
            }
        }
    }

    fn push(&mut self, row: LiveRow, in_part: &mut usize) -> bool {
        if !self.w.preds.iter().all(|pr| matches(self.table, &row, pr)) {
            return true;
        }
        *in_part += 1;
        self.returned += 1;
        self.out.push((row, *in_part, self.returned));
        !self.full() && self.per_partition.is_none_or(|l| *in_part < l)
    }

    fn partition(&mut self, p: &Partition, resume: Option<&Position>) {
        let statics = p.live_static(self.table, self.now);
        let mut in_part = resume.map_or(0, |s| s.in_partition);
        let resume = match resume.map(|s| &s.after) {
            Some(After::Done) => return,
            Some(After::Row(ck)) => Some(ck),
            Some(After::Start) | None => None,
        };
        if self.per_partition.is_some_and(|l| in_part >= l) {
            return;
        }
        if self.distinct {
            if resume.is_none() && p.has_live_data(self.table, self.now) {
                let row = LiveRow {
                    partition_key: p.key.clone(),
                    clustering: Vec::new(),
                    cells: statics,
                };
                self.push(row, &mut in_part);
            }
            return;
        }
        let n = p.rows.len();
        let order: Box<dyn Iterator<Item = usize>> = match resume {
            Some(ck) => match (p.find_row(self.table, ck), self.reversed) {
                (Ok(i), false) => Box::new(i + 1..n),
                (Err(i), false) => Box::new(i..n),
                (Ok(i), true) | (Err(i), true) => Box::new((0..i).rev()),
            },
            None if self.reversed => Box::new((0..n).rev()),
            None => Box::new(0..n),
        };
        let mut any = false;
        for i in order {
            if let Some(row) = p.live_row(self.table, i, &statics, self.now) {
                any = true;
                if !self.push(row, &mut in_part) {
                    return;
                }
            }
        }
        if resume.is_none()
            && !any
            && !statics.is_empty()
            && !self.w.has_clustering
            && !p
                .rows
                .iter()
                .enumerate()
                .any(|(i, _)| p.live_row(self.table, i, &statics, self.now).is_some())
        {
            let row = LiveRow {
                partition_key: p.key.clone(),
                clustering: Vec::new(),
                cells: statics,
            };
            self.push(row, &mut in_part);
        }
    }
}

/// Evaluates a selector for one row.
pub fn eval_sel(table: &Table, s: &Sel, row: &LiveRow, env: &Env<'_>) -> CqlResult<Option<Bytes>> {
    Ok(match s {
        Sel::Column(n, _) => row.value(table, n),
        Sel::WriteTime(n) => row
            .cells
            .get(n)
            .map(|c| Bytes::copy_from_slice(&c.timestamp.to_be_bytes())),
        Sel::Ttl(n) => row
            .cells
            .get(n)
            .and_then(|c| c.ttl)
            .map(|t| Bytes::copy_from_slice(&t.to_be_bytes())),
        Sel::Const(v, _) => v.clone(),
        Sel::Token => {
            let t = crate::sim::storage::token_of(
                &cql_core::cluster::token::routing_key(&row.partition_key).unwrap_or_default(),
            );
            Some(Bytes::copy_from_slice(&t.to_be_bytes()))
        }
        Sel::Func(f, args, _) if f == "tojson" => {
            let Some(arg) = args.first() else {
                return Ok(None);
            };
            let v = eval_sel(table, arg, row, env)?;
            Some(Bytes::from(super::json::encode(&arg.typ(), v.as_deref())))
        }
        Sel::Func(f, args, _) => {
            let vals = args
                .iter()
                .map(|a| Ok((eval_sel(table, a, row, env)?, a.typ())))
                .collect::<CqlResult<Vec<_>>>()?;
            functions::call(f, &vals, env.now_micros)?.0
        }
        Sel::Cast(inner, t) => {
            let v = eval_sel(table, inner, row, env)?;
            cast(&inner.typ(), t, v)?
        }
        Sel::Field(inner, i, _) => {
            let v = eval_sel(table, inner, row, env)?;
            v.and_then(|b| {
                crate::sim::storage::order::tuple_fields(&b)
                    .and_then(|f| f.get(*i).copied().flatten().map(Bytes::copy_from_slice))
            })
        }
        Sel::User(f, args, _) => match &**f {
            Udf::Scalar(u) => {
                let vals = args
                    .iter()
                    .map(|a| eval_sel(table, a, row, env))
                    .collect::<CqlResult<Vec<_>>>()?;
                udf::call(u, &vals)?
            }
            Udf::Aggregate(_) => None,
        },
        Sel::CountRows | Sel::Agg(..) => None,
    })
}

fn cast(from: &ColumnType, to: &ColumnType, v: Option<Bytes>) -> CqlResult<Option<Bytes>> {
    let Some(b) = v else { return Ok(None) };
    if from == to {
        return Ok(Some(b));
    }
    let val =
        CqlValue::deserialize(from, Some(&b)).map_err(|e| CqlError::invalid(e.to_string()))?;
    let Some(val) = val else { return Ok(None) };
    let num: Option<f64> = match &val {
        CqlValue::Int(n) => Some(f64::from(*n)),
        CqlValue::BigInt(n) | CqlValue::Counter(n) => Some(*n as f64),
        CqlValue::SmallInt(n) => Some(f64::from(*n)),
        CqlValue::TinyInt(n) => Some(f64::from(*n)),
        CqlValue::Float(n) => Some(f64::from(*n)),
        CqlValue::Double(n) => Some(*n),
        _ => None,
    };
    let text = || match &val {
        CqlValue::Text(s) | CqlValue::Ascii(s) => s.clone(),
        CqlValue::Int(n) => n.to_string(),
        CqlValue::BigInt(n) | CqlValue::Counter(n) => n.to_string(),
        CqlValue::SmallInt(n) => n.to_string(),
        CqlValue::TinyInt(n) => n.to_string(),
        CqlValue::Float(n) => n.to_string(),
        CqlValue::Double(n) => n.to_string(),
        CqlValue::Boolean(b) => b.to_string(),
        CqlValue::Uuid(u) | CqlValue::Timeuuid(u) => u.to_string(),
        CqlValue::Inet(i) => i.to_string(),
        CqlValue::Varint(v) => v.to_string(),
        CqlValue::Decimal(d) => d.to_string(),
        CqlValue::Timestamp(t) => super::literal::format_timestamp(t.0),
        other => format!("{other:?}"),
    };
    let out = match (to, num) {
        (ColumnType::Text | ColumnType::Ascii, _) => CqlValue::Text(text()),
        (ColumnType::Int, Some(n)) => CqlValue::Int(n as i32),
        (ColumnType::BigInt, Some(n)) => CqlValue::BigInt(n as i64),
        (ColumnType::SmallInt, Some(n)) => CqlValue::SmallInt(n as i16),
        (ColumnType::TinyInt, Some(n)) => CqlValue::TinyInt(n as i8),
        (ColumnType::Float, Some(n)) => CqlValue::Float(n as f32),
        (ColumnType::Double, Some(n)) => CqlValue::Double(n),
        _ => {
            return Err(CqlError::invalid(format!(
                "Cannot cast value of type {from} to type {to}"
            )));
        }
    };
    let mut buf = Vec::new();
    out.serialize(to, &mut buf)
        .map_err(|e| CqlError::invalid(e.to_string()))?;
    Ok(Some(Bytes::from(buf)))
}

fn aggregate_row(
    table: &Table,
    sels: &[Sel],
    rows: &[LiveRow],
    env: &Env<'_>,
) -> CqlResult<Vec<Option<Bytes>>> {
    sels.iter()
        .map(|s| match s {
            Sel::CountRows => Ok(Some(Bytes::copy_from_slice(
                &(rows.len() as i64).to_be_bytes(),
            ))),
            Sel::Agg(f, arg, t) => {
                let vals: Vec<Bytes> = rows
                    .iter()
                    .map(|r| eval_sel(table, arg, r, env))
                    .collect::<CqlResult<Vec<_>>>()?
                    .into_iter()
                    .flatten()
                    .collect();
                aggregate(f, t, &vals)
            }
            Sel::User(f, args, _) if matches!(**f, Udf::Aggregate(_)) => {
                let Udf::Aggregate(uda) = &**f else {
                    return Ok(None);
                };
                let inputs = rows
                    .iter()
                    .map(|r| {
                        args.iter()
                            .map(|a| eval_sel(table, a, r, env))
                            .collect::<CqlResult<Vec<_>>>()
                    })
                    .collect::<CqlResult<Vec<_>>>()?;
                udf::aggregate(uda, &inputs)
            }
            other => match rows.first() {
                Some(r) => eval_sel(table, other, r, env),
                None => Ok(None),
            },
        })
        .collect()
}

fn aggregate(f: &str, t: &ColumnType, vals: &[Bytes]) -> CqlResult<Option<Bytes>> {
    Ok(match f {
        "count" => Some(Bytes::copy_from_slice(&(vals.len() as i64).to_be_bytes())),
        "min" => vals.iter().min_by(|a, b| compare(t, a, b)).cloned(),
        "max" => vals.iter().max_by(|a, b| compare(t, a, b)).cloned(),
        _ => {
            let nums: Vec<CqlValue> = vals
                .iter()
                .filter_map(|b| CqlValue::deserialize(t, Some(b)).ok().flatten())
                .collect();
            let ints: i128 = nums
                .iter()
                .map(|v| match v {
                    CqlValue::Int(n) => i128::from(*n),
                    CqlValue::BigInt(n) | CqlValue::Counter(n) => i128::from(*n),
                    CqlValue::SmallInt(n) => i128::from(*n),
                    CqlValue::TinyInt(n) => i128::from(*n),
                    CqlValue::Varint(v) => v.to_i128().unwrap_or(0),
                    _ => 0,
                })
                .sum();
            let floats: f64 = nums
                .iter()
                .map(|v| match v {
                    CqlValue::Float(n) => f64::from(*n),
                    CqlValue::Double(n) => *n,
                    _ => 0.0,
                })
                .sum();
            let n = nums.len().max(1) as i128;
            let avg = f == "avg";
            let value = match t {
                ColumnType::Int => CqlValue::Int(if avg { ints / n } else { ints } as i32),
                ColumnType::BigInt | ColumnType::Counter => {
                    CqlValue::BigInt(if avg { ints / n } else { ints } as i64)
                }
                ColumnType::SmallInt => {
                    CqlValue::SmallInt(if avg { ints / n } else { ints } as i16)
                }
                ColumnType::TinyInt => CqlValue::TinyInt(if avg { ints / n } else { ints } as i8),
                ColumnType::Varint => {
                    CqlValue::Varint(cql_core::CqlVarint::from(if avg { ints / n } else { ints }))
                }
                ColumnType::Float => CqlValue::Float(if avg && !nums.is_empty() {
                    floats / nums.len() as f64
                } else {
                    floats
                } as f32),
                ColumnType::Double => CqlValue::Double(if avg && !nums.is_empty() {
                    floats / nums.len() as f64
                } else {
                    floats
                }),
                _ => {
                    return Err(CqlError::invalid(format!(
                        "Invalid call to function system.{f}: type {t} not supported"
                    )));
                }
            };
            let mut buf = Vec::new();
            value
                .serialize(t, &mut buf)
                .map_err(|e| CqlError::invalid(e.to_string()))?;
            Some(Bytes::from(buf))
        }
    })
}
