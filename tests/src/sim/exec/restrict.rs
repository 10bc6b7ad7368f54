//! WHERE clauses: which partitions and rows a statement touches, and the filters rows
//! must pass.

use std::cmp::Ordering;

use bytes::Bytes;
use cql_core::types::ColumnType;

use super::terms::{Env, eval};
use crate::cql::ast::{InValues, Operator, Relation, Term};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::outcome::BoundValue;
use crate::sim::schema::Table;
use crate::sim::schema::model::ColumnKind;
use crate::sim::storage::order::{collection_items, compare, tuple_fields};
use crate::sim::storage::{ClusteringSlice, LiveRow, token_of};

/// Cassandra's message when a query needs ALLOW FILTERING.
pub const FILTERING: &str = "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING";

/// One restriction, evaluated against a live row.
#[derive(Debug, Clone)]
pub enum Pred {
    /// `col op value`
    Cmp(String, ColumnType, Operator, Bytes),
    /// `col IN (values)`
    In(String, ColumnType, Vec<Bytes>),
    /// `col CONTAINS v` / `CONTAINS KEY v`
    Contains(String, ColumnType, bool, Bytes),
    /// `col[key] op value`
    Element(String, ColumnType, Bytes, Operator, Bytes),
    /// `col LIKE pattern`: the kind of pattern and the text between its `%`s.
    Like(String, LikeKind, Bytes),
    /// `(cols) op (values)`
    MultiCmp(Vec<(String, ColumnType)>, Operator, Vec<Bytes>),
    /// `(cols) IN ((values), ...)`
    MultiIn(Vec<(String, ColumnType)>, Vec<Vec<Bytes>>),
    /// `token(pk) op t`
    Token(Operator, i64),
}

/// What a `LIKE` pattern asks for, as Cassandra splits it (`LikeRestriction.makeSpecific`):
/// only a leading and a trailing `%` are wildcards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LikeKind {
    /// `'ab%'`
    Prefix,
    /// `'%ab'`
    Suffix,
    /// `'%ab%'`
    Contains,
    /// `'ab'`
    Matches,
}

impl LikeKind {
    /// The pattern's kind and the text it looks for, or Cassandra's error for an empty one.
    fn split(pattern: &[u8]) -> CqlResult<(LikeKind, &[u8])> {
        let n = pattern.len();
        let starts = pattern.first() == Some(&b'%');
        let ends = pattern.last() == Some(&b'%');
        let (kind, begin, end) = match (starts, ends) {
            (true, true) => (LikeKind::Contains, 1, n.saturating_sub(1)),
            (false, true) => (LikeKind::Prefix, 0, n.saturating_sub(1)),
            (true, false) => (LikeKind::Suffix, 1, n),
            (false, false) => (LikeKind::Matches, 0, n),
        };
        match pattern.get(begin..end) {
            Some(body) if !body.is_empty() => Ok((kind, body)),
            _ => Err(CqlError::invalid("LIKE value can't be empty.")),
        }
    }

    /// The operator as Cassandra prints it in its errors (`Operator.toString()`).
    pub fn operator(self) -> &'static str {
        match self {
            LikeKind::Prefix => "LIKE '<term>%'",
            LikeKind::Suffix => "LIKE '%<term>'",
            LikeKind::Contains => "LIKE '%<term>%'",
            LikeKind::Matches => "LIKE '<term>'",
        }
    }

    fn holds(self, value: &[u8], body: &[u8]) -> bool {
        match self {
            LikeKind::Prefix => value.starts_with(body),
            LikeKind::Suffix => value.ends_with(body),
            LikeKind::Contains => value.windows(body.len()).any(|w| w == body),
            LikeKind::Matches => value == body,
        }
    }
}

/// What a restriction asks of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexOp {
    /// `c = v` (a whole value, frozen collections included).
    Eq,
    /// `c > v` and the other slices.
    Slice,
    /// `c CONTAINS v`.
    Contains,
    /// `c CONTAINS KEY k`.
    ContainsKey,
    /// `c[k] = v`.
    Entry,
    /// `c LIKE p`, any kind (what makes a LIKE acceptable at all).
    Like,
    /// `c LIKE p` of this kind (what the index must answer once the pattern is known).
    LikeOf(LikeKind),
    /// `c IN (...)`: no index answers it.
    In,
}

use crate::sim::schema::ddl::SASI_CLASS as SASI;

/// An index target (`v`, `keys(m)`, `"Quoted"`) as (kind, column name).
fn index_target(target: &str) -> (&str, String) {
    let (kind, inner) = match target.split_once('(') {
        Some((k, rest)) if rest.ends_with(')') && !target.starts_with('"') => {
            (k, &rest[..rest.len() - 1])
        }
        _ => ("", target),
    };
    let name = match inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(q) => q.replace("\"\"", "\""),
        None => inner.to_string(),
    };
    (kind, name)
}

/// Whether an index of `table` answers `op` on `column`, as Cassandra 4.1's index
/// implementations say (`supportsExpression`): a regular index `=` on its column (or on
/// a frozen collection with `full()`), `values()` CONTAINS, `keys()` CONTAINS KEY,
/// `entries()` `c[k] = v`; a SASI index `=`, `LIKE` on text (prefix and exact match in
/// PREFIX mode, also suffix and contains in CONTAINS mode) and slices on non-text
/// columns outside CONTAINS mode.
pub fn index_supports(table: &Table, column: &str, op: IndexOp) -> bool {
    let Some(col) = table.column(column) else {
        return false;
    };
    table.indexes.values().any(|index| {
        let Some((kind, name)) = index.options.get("target").map(|t| index_target(t)) else {
            return false;
        };
        if name != column {
            return false;
        }
        match index.options.get("class_name") {
            Some(class) if class == SASI => {
                let literal = matches!(col.typ, ColumnType::Text | ColumnType::Ascii);
                let mode = index
                    .options
                    .get("mode")
                    .map_or("PREFIX".to_string(), |m| m.to_ascii_uppercase());
                let contains_mode = mode == "CONTAINS";
                match op {
                    IndexOp::Eq => true,
                    IndexOp::Like => literal,
                    IndexOp::LikeOf(LikeKind::Prefix | LikeKind::Matches) => {
                        literal && mode != "SPARSE"
                    }
                    IndexOp::LikeOf(LikeKind::Suffix | LikeKind::Contains) => {
                        literal && contains_mode
                    }
                    IndexOp::Slice => !literal && !contains_mode,
                    _ => false,
                }
            }
            // Other custom classes: answered as a regular index on the value.
            Some(_) => op == IndexOp::Eq,
            None => matches!(
                (kind, op),
                ("" | "full", IndexOp::Eq)
                    | ("values", IndexOp::Contains)
                    | ("keys", IndexOp::ContainsKey)
                    | ("entries", IndexOp::Entry)
            ),
        }
    })
}

/// A WHERE clause analysed against a table.
#[derive(Debug, Clone, Default)]
pub struct Where {
    /// Every partition key when each key column is restricted by `=` or `IN` (sorted by
    /// key order, deduplicated).
    pub keys: Option<Vec<Vec<Bytes>>>,
    /// Every full clustering key when each clustering column is restricted by `=` or
    /// `IN` (single-column relations only).
    pub clustering_keys: Option<Vec<Vec<Bytes>>>,
    /// The clustering restriction as one slice (an `=` prefix and bounds on the next
    /// column), when it is one.
    pub slice: Option<ClusteringSlice>,
    /// The clustering restriction as slices, one per combination of the `=`/`IN` prefix
    /// values, when it is not every full key (single-column relations only): what a
    /// DELETE removes as range tombstones.
    pub slices: Vec<ClusteringSlice>,
    /// Whether any clustering column is restricted.
    pub has_clustering: bool,
    /// Whether the token function restricts the partitions.
    pub on_token: bool,
    /// Lower token bound.
    pub token_from: Option<(i64, bool)>,
    /// Every restriction as a row filter.
    pub preds: Vec<Pred>,
    /// Whether Cassandra would require ALLOW FILTERING.
    pub needs_filtering: bool,
    /// The specific error for clustering restrictions that skip a column, when no
    /// filtering is allowed.
    pub clustering_error: Option<String>,
    /// Partition key columns without an `=`/`IN` restriction.
    pub missing_pk: Vec<String>,
    /// Columns restricted by slices on the partition key.
    pub pk_slice: bool,
    /// Non-primary-key columns restricted.
    pub regular: Vec<String>,
    /// Whether a partition key column is restricted by `IN` (`keyIsInRelation`).
    pub pk_in: bool,
    /// Per clustering column, whether it is restricted by `=` (what ORDER BY may skip).
    pub ck_eq: Vec<bool>,
    /// Whether a secondary index answers the query (`usesSecondaryIndexing`).
    pub uses_index: bool,
}

fn lookup<'t>(table: &'t Table, name: &str) -> CqlResult<&'t crate::sim::schema::Column> {
    table
        .column(name)
        .ok_or_else(|| CqlError::invalid(format!("Undefined column name {name}")))
}

fn value(env: &Env<'_>, term: &Term, name: &str, typ: &ColumnType) -> CqlResult<Bytes> {
    match eval(env, term, name, typ)? {
        BoundValue::Bytes(b) => Ok(b),
        BoundValue::Null => Err(CqlError::invalid(format!(
            "Invalid null value in condition for column {name}"
        ))),
        BoundValue::Unset => Err(CqlError::invalid(format!(
            "Invalid unset value for column {name}"
        ))),
    }
}

fn in_values(
    env: &Env<'_>,
    values: &InValues,
    name: &str,
    typ: &ColumnType,
) -> CqlResult<Vec<Bytes>> {
    match values {
        InValues::List(terms) => terms.iter().map(|t| value(env, t, name, typ)).collect(),
        InValues::Bind(m) => {
            let list = ColumnType::List(Box::new(typ.clone()));
            let b = value(env, &Term::Bind(m.clone()), &format!("in({name})"), &list)?;
            let items = collection_items(&b, 1)
                .ok_or_else(|| CqlError::invalid(format!("Invalid list value for in({name})")))?;
            Ok(items.into_iter().map(Bytes::copy_from_slice).collect())
        }
    }
}

fn tuple_value(env: &Env<'_>, term: &Term, cols: &[(String, ColumnType)]) -> CqlResult<Vec<Bytes>> {
    let name = format!(
        "({})",
        cols.iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    if let Term::Tuple(items) = term {
        if items.len() != cols.len() {
            return Err(CqlError::invalid(format!(
                "Expected {} elements in value tuple, but got {}: {term:?}",
                cols.len(),
                items.len()
            )));
        }
        return items
            .iter()
            .zip(cols)
            .map(|(t, (n, ty))| value(env, t, n, ty))
            .collect();
    }
    let tt = ColumnType::Tuple(cols.iter().map(|(_, t)| t.clone()).collect());
    let b = value(env, term, &name, &tt)?;
    split_tuple(&b, cols.len(), &name)
}

fn split_tuple(b: &[u8], n: usize, name: &str) -> CqlResult<Vec<Bytes>> {
    let fields =
        tuple_fields(b).ok_or_else(|| CqlError::invalid(format!("Invalid tuple for {name}")))?;
    if fields.len() != n {
        return Err(CqlError::invalid(format!("Invalid tuple for {name}")));
    }
    fields
        .into_iter()
        .map(|f| {
            f.map(Bytes::copy_from_slice).ok_or_else(|| {
                CqlError::invalid(format!("Invalid null value in condition for column {name}"))
            })
        })
        .collect()
}

/// Per-column restriction summary used to validate the clustering prefix.
#[derive(Default, Clone)]
struct ColRestr {
    eq: Option<Vec<Bytes>>,
    lower: Option<(Bytes, bool)>,
    upper: Option<(Bytes, bool)>,
    multi: bool,
}

/// Analyses a WHERE clause.
///
/// # Errors
/// `Invalid` for unknown columns, bad values and unsupported relations.
pub fn analyze(table: &Table, relations: &[Relation], env: &Env<'_>) -> CqlResult<Where> {
    let pk: Vec<&crate::sim::schema::Column> = table.partition_key().collect();
    let ck: Vec<&crate::sim::schema::Column> = table.clustering().collect();
    let mut w = Where::default();
    let mut pk_r: Vec<ColRestr> = vec![ColRestr::default(); pk.len()];
    let mut ck_r: Vec<ColRestr> = vec![ColRestr::default(); ck.len()];
    w.ck_eq = vec![false; ck.len()];
    // (column, op) of every restriction, for the index decisions at the end.
    let mut wants: Vec<(String, IndexOp)> = Vec::new();
    let pos = |cols: &[&crate::sim::schema::Column], n: &str| cols.iter().position(|c| c.name == n);
    for rel in relations {
        match rel {
            Relation::Compare {
                column,
                op,
                value: t,
            } => {
                let col = lookup(table, column)?;
                if *op == Operator::Neq {
                    return Err(CqlError::invalid(format!(
                        "Unsupported \"!=\" relation: {column} != {t}"
                    )));
                }
                let v = value(env, t, column, &col.typ)?;
                let want = if *op == Operator::Eq {
                    IndexOp::Eq
                } else {
                    IndexOp::Slice
                };
                wants.push((column.clone(), want));
                w.preds
                    .push(Pred::Cmp(column.clone(), col.typ.clone(), *op, v.clone()));
                let slot = match col.kind {
                    ColumnKind::PartitionKey => pos(&pk, column).and_then(|i| pk_r.get_mut(i)),
                    ColumnKind::Clustering => {
                        w.has_clustering = true;
                        pos(&ck, column).and_then(|i| ck_r.get_mut(i))
                    }
                    _ => {
                        w.regular.push(column.clone());
                        None
                    }
                };
                if *op == Operator::Eq && col.kind == ColumnKind::Clustering {
                    if let Some(e) = pos(&ck, column).and_then(|i| w.ck_eq.get_mut(i)) {
                        *e = true;
                    }
                }
                if let Some(r) = slot {
                    match op {
                        Operator::Eq => r.eq = Some(vec![v]),
                        Operator::Gt => r.lower = Some((v, false)),
                        Operator::Gte => r.lower = Some((v, true)),
                        Operator::Lt => r.upper = Some((v, false)),
                        Operator::Lte => r.upper = Some((v, true)),
                        Operator::Neq => {}
                    }
                }
            }
            Relation::In { column, values } => {
                let col = lookup(table, column)?;
                let vs = in_values(env, values, column, &col.typ)?;
                wants.push((column.clone(), IndexOp::In));
                w.preds
                    .push(Pred::In(column.clone(), col.typ.clone(), vs.clone()));
                match col.kind {
                    ColumnKind::PartitionKey => {
                        w.pk_in = true;
                        if let Some(r) = pos(&pk, column).and_then(|i| pk_r.get_mut(i)) {
                            r.eq = Some(vs);
                        }
                    }
                    ColumnKind::Clustering => {
                        w.has_clustering = true;
                        if let Some(r) = pos(&ck, column).and_then(|i| ck_r.get_mut(i)) {
                            r.eq = Some(vs);
                        }
                    }
                    _ => w.regular.push(column.clone()),
                }
            }
            Relation::Contains {
                column,
                key,
                value: t,
            } => {
                let col = lookup(table, column)?;
                let et = match (&col.typ, key) {
                    (ColumnType::Map(k, _), true) => k.as_ref().clone(),
                    (ColumnType::Map(_, v), false) => v.as_ref().clone(),
                    (ColumnType::List(e) | ColumnType::Set(e), false) => e.as_ref().clone(),
                    _ if *key => {
                        return Err(CqlError::invalid(format!(
                            "Cannot use CONTAINS KEY on non-map column {column}"
                        )));
                    }
                    _ => {
                        return Err(CqlError::invalid(format!(
                            "Cannot use CONTAINS on non-collection column {column}"
                        )));
                    }
                };
                let v = value(env, t, column, &et)?;
                wants.push((
                    column.clone(),
                    if *key {
                        IndexOp::ContainsKey
                    } else {
                        IndexOp::Contains
                    },
                ));
                w.preds
                    .push(Pred::Contains(column.clone(), col.typ.clone(), *key, v));
                w.regular.push(column.clone());
            }
            Relation::Like { column, value: t } => {
                let col = lookup(table, column)?;
                if !index_supports(table, column, IndexOp::Like) {
                    return Err(CqlError::invalid(format!(
                        "LIKE restriction is only supported on properly indexed columns. {column} LIKE {t} is not valid."
                    )));
                }
                let pattern = value(env, t, column, &col.typ)?;
                let (kind, body) = LikeKind::split(&pattern)?;
                if !index_supports(table, column, IndexOp::LikeOf(kind)) {
                    return Err(CqlError::invalid(format!(
                        "{column} {} {} is only supported on properly indexed columns",
                        kind.operator(),
                        String::from_utf8_lossy(body)
                    )));
                }
                wants.push((column.clone(), IndexOp::Like));
                w.preds.push(Pred::Like(
                    column.clone(),
                    kind,
                    Bytes::copy_from_slice(body),
                ));
                w.regular.push(column.clone());
            }
            Relation::Element {
                column,
                key,
                op,
                value: t,
            } => {
                let col = lookup(table, column)?;
                let ColumnType::Map(kt, vt) = &col.typ else {
                    return Err(CqlError::invalid(format!(
                        "Column {column} cannot be used as a map"
                    )));
                };
                let k = value(env, key, &format!("key({column})"), kt.as_ref())?;
                let v = value(env, t, &format!("value({column})"), vt.as_ref())?;
                wants.push((
                    column.clone(),
                    if *op == Operator::Eq {
                        IndexOp::Entry
                    } else {
                        IndexOp::Slice
                    },
                ));
                w.preds
                    .push(Pred::Element(column.clone(), col.typ.clone(), k, *op, v));
                w.regular.push(column.clone());
            }
            Relation::Token {
                columns,
                op,
                value: t,
            } => {
                let names: Vec<&str> = pk.iter().map(|c| c.name.as_str()).collect();
                if columns.iter().map(String::as_str).collect::<Vec<_>>() != names {
                    return Err(CqlError::invalid(format!(
                        "The token function arguments must be in the partition key order: {}",
                        names.join(", ")
                    )));
                }
                let tok = token_term(env, t, table)?;
                w.on_token = true;
                match op {
                    Operator::Gt => w.token_from = Some((tok, false)),
                    Operator::Gte | Operator::Eq => w.token_from = Some((tok, true)),
                    _ => {}
                }
                w.preds.push(Pred::Token(*op, tok));
            }
            Relation::MultiCompare {
                columns,
                op,
                value: t,
            } => {
                let cols = multi_columns(table, columns, &ck)?;
                w.has_clustering = true;
                let vs = tuple_value(env, t, &cols)?;
                if *op == Operator::Eq {
                    for ((n, _), v) in cols.iter().zip(&vs) {
                        if let Some(r) = pos(&ck, n).and_then(|i| ck_r.get_mut(i)) {
                            r.eq = Some(vec![v.clone()]);
                        }
                        if let Some(e) = pos(&ck, n).and_then(|i| w.ck_eq.get_mut(i)) {
                            *e = true;
                        }
                    }
                } else if let Some(r) = cols
                    .first()
                    .and_then(|(n, _)| pos(&ck, n))
                    .and_then(|i| ck_r.get_mut(i))
                {
                    r.multi = true;
                }
                w.preds.push(Pred::MultiCmp(cols, *op, vs));
            }
            Relation::MultiIn { columns, values } => {
                let cols = multi_columns(table, columns, &ck)?;
                w.has_clustering = true;
                let tuples: Vec<Vec<Bytes>> = match values {
                    InValues::List(terms) => terms
                        .iter()
                        .map(|t| tuple_value(env, t, &cols))
                        .collect::<CqlResult<_>>()?,
                    InValues::Bind(m) => {
                        let tt = ColumnType::Tuple(cols.iter().map(|(_, t)| t.clone()).collect());
                        let list = ColumnType::List(Box::new(tt));
                        let b = value(env, &Term::Bind(m.clone()), "in", &list)?;
                        collection_items(&b, 1)
                            .ok_or_else(|| CqlError::invalid("Invalid list of tuples"))?
                            .into_iter()
                            .map(|t| split_tuple(t, cols.len(), "in"))
                            .collect::<CqlResult<_>>()?
                    }
                };
                if cols.len() == 1 {
                    if let Some(r) = cols
                        .first()
                        .and_then(|(n, _)| pos(&ck, n))
                        .and_then(|i| ck_r.get_mut(i))
                    {
                        r.eq = Some(tuples.iter().filter_map(|t| t.first().cloned()).collect());
                    }
                } else if let Some(r) = cols
                    .first()
                    .and_then(|(n, _)| pos(&ck, n))
                    .and_then(|i| ck_r.get_mut(i))
                {
                    r.multi = true;
                }
                w.preds.push(Pred::MultiIn(cols, tuples));
            }
            Relation::IsNotNull { .. } => {}
        }
    }
    // Partition key.
    let mut keys: Vec<Vec<Bytes>> = vec![Vec::new()];
    for (c, r) in pk.iter().zip(&pk_r) {
        if r.lower.is_some() || r.upper.is_some() {
            w.pk_slice = true;
        }
        match &r.eq {
            Some(vs) => {
                keys = keys
                    .iter()
                    .flat_map(|k| {
                        vs.iter().map(move |v| {
                            let mut k = k.clone();
                            k.push(v.clone());
                            k
                        })
                    })
                    .collect();
            }
            None => w.missing_pk.push(c.name.clone()),
        }
    }
    if w.missing_pk.is_empty() {
        let types: Vec<ColumnType> = pk.iter().map(|c| c.typ.clone()).collect();
        keys.sort_by(|a, b| compare_keys(&types, a, b));
        keys.dedup_by(|a, b| compare_keys(&types, a, b).is_eq());
        w.keys = Some(keys);
    }
    // Clustering columns: an `=`/`IN` prefix, then at most one slice.
    let mut prefix_keys: Vec<Vec<Bytes>> = vec![Vec::new()];
    let mut in_prefix = true;
    let mut slice_seen = false;
    for (i, (c, r)) in ck.iter().zip(&ck_r).enumerate() {
        let restricted = r.eq.is_some() || r.lower.is_some() || r.upper.is_some() || r.multi;
        if !restricted {
            in_prefix = false;
            continue;
        }
        if !in_prefix || slice_seen {
            if w.clustering_error.is_none() {
                let prev = ck.get(i.saturating_sub(1)).map_or("", |c| c.name.as_str());
                w.clustering_error = Some(if in_prefix {
                    format!(
                        "Clustering column \"{}\" cannot be restricted (preceding column \"{prev}\" is restricted by a non-EQ relation)",
                        c.name
                    )
                } else {
                    format!(
                        "PRIMARY KEY column \"{}\" cannot be restricted as preceding column \"{prev}\" is not restricted",
                        c.name
                    )
                });
            }
            continue;
        }
        match &r.eq {
            Some(vs) if !r.multi => {
                prefix_keys = prefix_keys
                    .iter()
                    .flat_map(|k| {
                        vs.iter().map(move |v| {
                            let mut k = k.clone();
                            k.push(v.clone());
                            k
                        })
                    })
                    .collect();
            }
            _ => {
                slice_seen = true;
                if !r.multi {
                    w.slices = prefix_keys
                        .iter()
                        .map(|p| ClusteringSlice {
                            prefix: p.clone(),
                            lower: r.lower.clone(),
                            upper: r.upper.clone(),
                        })
                        .collect();
                    if let [one] = w.slices.as_slice() {
                        w.slice = Some(one.clone());
                    }
                }
            }
        }
    }
    let full = prefix_keys.first().is_some_and(|k| k.len() == ck.len());
    if !slice_seen && !full && w.has_clustering && w.clustering_error.is_none() {
        w.slices = prefix_keys
            .iter()
            .map(|p| ClusteringSlice {
                prefix: p.clone(),
                lower: None,
                upper: None,
            })
            .collect();
    }
    if !slice_seen && prefix_keys.len() == 1 && w.has_clustering {
        w.slice = Some(ClusteringSlice {
            prefix: prefix_keys.first().cloned().unwrap_or_default(),
            lower: None,
            upper: None,
        });
    }
    let every_column_by_eq = !ck.is_empty()
        && w.clustering_error.is_none()
        && ck_r.iter().all(|r| r.eq.is_some() && !r.multi);
    if !slice_seen && prefix_keys.first().is_some_and(|k| k.len() == ck.len()) {
        w.clustering_keys = Some(prefix_keys);
    } else if !slice_seen && prefix_keys.is_empty() && every_column_by_eq {
        // An empty IN: every column named, no row.
        w.clustering_keys = Some(Vec::new());
    } else if ck.is_empty() {
        w.clustering_keys = Some(vec![Vec::new()]);
    }
    decide_filtering(table, &mut w, &pk_r, &ck_r, &wants)?;
    Ok(w)
}

/// Whether the query needs ALLOW FILTERING and whether an index answers it, decided as
/// Cassandra 4.1 decides (`StatementRestrictions` and `SelectStatement.checkNeedsFiltering`):
/// an index makes a restriction queriable; with an index in use, a query restricting more
/// than one column outside the partition key needs ALLOW FILTERING, and so does one
/// restricting a partial partition key and an indexed column.
fn decide_filtering(
    table: &Table,
    w: &mut Where,
    pk_r: &[ColRestr],
    ck_r: &[ColRestr],
    wants: &[(String, IndexOp)],
) -> CqlResult<()> {
    let pk_count = table.partition_key().count();
    let kind_of = |n: &str| table.column(n).map(|c| c.kind);
    let supported = |(n, op): &(String, IndexOp)| index_supports(table, n, *op);
    let queriable = wants.iter().any(supported);
    let clustering_queriable = wants
        .iter()
        .any(|x| kind_of(&x.0) == Some(ColumnKind::Clustering) && supported(x));
    let pk_restricted = pk_r
        .iter()
        .filter(|r| r.eq.is_some() || r.lower.is_some() || r.upper.is_some())
        .count();
    let pk_unrestricted = pk_restricted == 0 && !w.on_token;
    let pk_needs_filtering =
        pk_restricted > 0 && (!w.missing_pk.is_empty() || w.pk_slice) && !w.on_token;
    let key_range = w.on_token || pk_unrestricted || pk_needs_filtering;
    let mut uses_index = false;
    let mut refused = false;
    if pk_unrestricted || pk_needs_filtering {
        uses_index = queriable;
    }
    if pk_needs_filtering && !queriable {
        refused = true;
    }
    let mut count = 0;
    if uses_index || pk_needs_filtering {
        count += pk_restricted;
    }
    let ck_needs_filtering = w.clustering_error.is_some();
    if ck_needs_filtering {
        if queriable {
            uses_index = true;
        } else {
            refused = true;
        }
    }
    if key_range && clustering_queriable {
        uses_index = true;
    }
    let ck_restricted = ck_r
        .iter()
        .filter(|r| r.eq.is_some() || r.lower.is_some() || r.upper.is_some() || r.multi)
        .count();
    if uses_index || ck_needs_filtering {
        count += ck_restricted;
    }
    let mut regular: Vec<&String> = Vec::new();
    for n in &w.regular {
        if !regular.contains(&n) {
            regular.push(n);
        }
    }
    if !regular.is_empty() {
        if queriable {
            uses_index = true;
        } else {
            refused = true;
        }
        count += regular.len();
    }
    let multiple_contains = regular.iter().any(|n| {
        w.preds
            .iter()
            .filter(|p| matches!(p, Pred::Contains(c, ..) | Pred::Element(c, ..) if c == *n))
            .count()
            > 1
    });
    if (key_range || uses_index)
        && (count > 1 || (count == 0 && w.has_clustering) || (count != 0 && multiple_contains))
    {
        refused = true;
    }
    if uses_index && w.pk_in {
        return Err(CqlError::invalid(
            "Select on indexed columns and with IN clause for the PRIMARY KEY are not supported",
        ));
    }
    let _ = pk_count;
    w.uses_index = uses_index;
    w.needs_filtering = refused;
    Ok(())
}

fn multi_columns(
    table: &Table,
    columns: &[String],
    ck: &[&crate::sim::schema::Column],
) -> CqlResult<Vec<(String, ColumnType)>> {
    let mut out = Vec::new();
    for n in columns {
        let c = lookup(table, n)?;
        if c.kind != ColumnKind::Clustering {
            return Err(CqlError::invalid(format!(
                "Multi-column relations can only be applied to clustering columns but was applied to: {n}"
            )));
        }
        out.push((n.clone(), c.typ.clone()));
    }
    let start = ck
        .iter()
        .position(|c| Some(&c.name) == columns.first())
        .unwrap_or(0);
    for (i, n) in columns.iter().enumerate() {
        if ck.get(start + i).map(|c| &c.name) != Some(n) {
            return Err(CqlError::invalid(format!(
                "Clustering columns must appear in the PRIMARY KEY order in multi-column relations: {}",
                columns.join(", ")
            )));
        }
    }
    Ok(out)
}

/// The token a `token(...)` relation compares with: `token(values)` or a bigint.
fn token_term(env: &Env<'_>, t: &Term, table: &Table) -> CqlResult<i64> {
    if let Term::Function { name, args } = t {
        if name.name == "token" {
            let pk: Vec<_> = table.partition_key().collect();
            if args.len() != pk.len() {
                return Err(CqlError::invalid(format!(
                    "Invalid number of arguments in call to function token: {} required but {} provided",
                    pk.len(),
                    args.len()
                )));
            }
            let mut parts = Vec::new();
            for (a, c) in args.iter().zip(&pk) {
                parts.push(value(env, a, &c.name, &c.typ)?);
            }
            return Ok(token_of(
                &cql_core::cluster::token::routing_key(&parts).unwrap_or_default(),
            ));
        }
    }
    let b = value(env, t, "partition key token", &ColumnType::BigInt)?;
    Ok(i64::from_be_bytes(
        b.as_ref()
            .try_into()
            .map_err(|_| CqlError::invalid("Invalid token"))?,
    ))
}

/// Compares partition keys component-wise by type.
pub fn compare_keys(types: &[ColumnType], a: &[Bytes], b: &[Bytes]) -> Ordering {
    for ((t, x), y) in types.iter().zip(a).zip(b) {
        let o = compare(t, x, y);
        if o.is_ne() {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

fn op_holds(op: Operator, o: Ordering) -> bool {
    match op {
        Operator::Eq => o.is_eq(),
        Operator::Neq => o.is_ne(),
        Operator::Lt => o.is_lt(),
        Operator::Lte => o.is_le(),
        Operator::Gt => o.is_gt(),
        Operator::Gte => o.is_ge(),
    }
}

/// Whether a live row passes a restriction.
pub fn matches(table: &Table, row: &LiveRow, pred: &Pred) -> bool {
    match pred {
        Pred::Cmp(n, t, op, v) => row
            .value(table, n)
            .is_some_and(|x| op_holds(*op, compare(t, &x, v))),
        Pred::In(n, t, vs) => row
            .value(table, n)
            .is_some_and(|x| vs.iter().any(|v| compare(t, &x, v).is_eq())),
        Pred::Contains(n, t, key, v) => {
            let Some(x) = row.value(table, n) else {
                return false;
            };
            match t {
                ColumnType::Map(kt, vt) => collection_items(&x, 2).is_some_and(|items| {
                    items
                        .chunks(2)
                        .any(|kv| match (kv.first(), kv.get(1), key) {
                            (Some(k), _, true) => compare(kt, k, v).is_eq(),
                            (_, Some(val), false) => compare(vt, val, v).is_eq(),
                            _ => false,
                        })
                }),
                ColumnType::List(e) | ColumnType::Set(e) => collection_items(&x, 1)
                    .is_some_and(|items| items.iter().any(|i| compare(e, i, v).is_eq())),
                _ => false,
            }
        }
        Pred::Element(n, t, k, op, v) => {
            let (Some(x), ColumnType::Map(kt, vt)) = (row.value(table, n), t) else {
                return false;
            };
            collection_items(&x, 2).is_some_and(|items| {
                items.chunks(2).any(|kv| match (kv.first(), kv.get(1)) {
                    (Some(key), Some(val)) => {
                        compare(kt, key, k).is_eq() && op_holds(*op, compare(vt, val, v))
                    }
                    _ => false,
                })
            })
        }
        Pred::MultiCmp(cols, op, vs) => {
            let mut o = Ordering::Equal;
            for ((n, t), v) in cols.iter().zip(vs) {
                let Some(x) = row.value(table, n) else {
                    return false;
                };
                o = compare(t, &x, v);
                if o.is_ne() {
                    break;
                }
            }
            op_holds(*op, o)
        }
        Pred::Like(n, kind, body) => row.value(table, n).is_some_and(|x| kind.holds(&x, body)),
        Pred::MultiIn(cols, tuples) => tuples.iter().any(|vs| {
            cols.iter().zip(vs).all(|((n, t), v)| {
                row.value(table, n)
                    .is_some_and(|x| compare(t, &x, v).is_eq())
            })
        }),
        Pred::Token(op, t) => {
            let tok = token_of(
                &cql_core::cluster::token::routing_key(&row.partition_key).unwrap_or_default(),
            );
            op_holds(*op, tok.cmp(t))
        }
    }
}
