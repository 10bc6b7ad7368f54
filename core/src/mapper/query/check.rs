//! The checks a `SELECT` passes before it is sent (see the [parent module](super)):
//! restrictions grouped per column, the partition key's and the clustering columns'
//! states, what an index serves, and what would make the server filter.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::types::ColumnType;
use crate::types::cql_syntax::quote_identifier;

use super::column;
use crate::mapper::model::{ColumnDef, IndexDef, IndexTarget, KeyRole, ModelSchema};
use crate::mapper::spec::{Op, SelectSpec, Selection, TokenBound, TokenFilter, ValueForm};

/// The restrictions of the `WHERE` clause on one column, in filter order.
struct Restriction<'s> {
    index: usize,
    column: &'s ColumnDef,
    ops: Vec<Op>,
}

impl Restriction<'_> {
    fn has(&self, pred: impl Fn(Op) -> bool) -> bool {
        self.ops.iter().any(|&o| pred(o))
    }

    /// Whether the column's index serves every restriction on it.
    fn served(&self) -> bool {
        self.ops.iter().all(|&o| index_serves(self.column, o))
    }
}

/// How the partition key is restricted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PartitionKey {
    /// Not at all: every partition is read.
    Unrestricted,
    /// By token restrictions: a range of partitions.
    Token,
    /// Every column by `=` or `IN`: known partitions.
    Fixed,
    /// Some columns only (served through an index).
    Partial,
}

/// Clustering restrictions that leave the clustering prefix.
#[derive(Default)]
struct Clustering {
    /// The restricted clustering columns, in clustering order.
    restricted: Vec<usize>,
    /// (restricted column, the column whose range precedes it).
    after_slice: Option<(usize, usize)>,
    /// (restricted column, the unrestricted column before it).
    after_gap: Option<(usize, usize)>,
    /// A clustering column restricted by CONTAINS / CONTAINS KEY / LIKE.
    contains: Option<(usize, Op)>,
}

impl Clustering {
    fn needs_filtering(&self) -> bool {
        self.after_slice.is_some() || self.after_gap.is_some() || self.contains.is_some()
    }
}

pub(super) fn check(schema: &ModelSchema, spec: &SelectSpec) -> Result<(), String> {
    // Every column named exists.
    let selected: Vec<usize> = match &spec.selection {
        Selection::Model => (0..schema.columns.len()).collect(),
        Selection::Columns(list) => {
            if list.is_empty() {
                return Err("the selection names no column: select at least one".into());
            }
            for &i in list {
                column(schema, i, "the selection")?;
            }
            list.clone()
        }
        Selection::Count => Vec::new(),
    };
    for &(i, _) in &spec.order_by {
        column(schema, i, "ORDER BY")?;
    }
    let mut restrictions: Vec<Restriction<'_>> = Vec::new();
    for f in &spec.filters {
        let c = column(schema, f.column, "a filter")?;
        check_filter(c, f.op, f.form)?;
        match restrictions.iter_mut().find(|r| r.index == f.column) {
            Some(r) => r.ops.push(f.op),
            None => restrictions.push(Restriction {
                index: f.column,
                column: c,
                ops: alloc::vec![f.op],
            }),
        }
    }
    for r in &restrictions {
        check_merge(r)?;
    }
    let partition = schema.partition_key();
    check_token(schema, &spec.token)?;

    let has_index = restrictions
        .iter()
        .any(|r| r.has(|o| index_serves(r.column, o)));

    // The partition key.
    let pk_restricted: Vec<&Restriction<'_>> = restrictions
        .iter()
        .filter(|r| matches!(r.column.role, KeyRole::Partition(_)))
        .collect();
    if let Some(r) = pk_restricted.first().filter(|_| !spec.token.is_empty()) {
        return Err(format!(
            "{} is restricted both by = or IN and by the token: restrict the partition key \
             one way or the other, not both",
            label(r.column)
        ));
    }
    let pk_state = if !spec.token.is_empty() {
        PartitionKey::Token
    } else if pk_restricted.is_empty() {
        PartitionKey::Unrestricted
    } else if pk_restricted.len() == partition.len() {
        PartitionKey::Fixed
    } else {
        PartitionKey::Partial
    };
    if pk_state == PartitionKey::Partial && !has_index {
        let missing: Vec<&ColumnDef> = partition
            .iter()
            .filter(|(i, _)| !pk_restricted.iter().any(|r| r.index == *i))
            .map(|&(_, c)| c)
            .collect();
        return Err(format!(
            "partition key parts {} must be restricted as other parts are: restrict every \
             partition key column ({}) with = or IN, or none of them",
            labels(missing.iter().copied()),
            labels(partition.iter().map(|&(_, c)| c))
        ));
    }
    let pk_in = pk_restricted.iter().any(|r| r.has(|o| o == Op::In));
    let key_range = pk_state != PartitionKey::Fixed;

    // Clustering columns.
    let clustering = analyse_clustering(schema, &restrictions);
    let clustering_index_served = restrictions
        .iter()
        .any(|r| clustering.restricted.contains(&r.index) && r.has(|o| index_serves(r.column, o)));

    // Regular and static columns.
    let others: Vec<&Restriction<'_>> = restrictions
        .iter()
        .filter(|r| !r.column.role.is_primary_key())
        .collect();

    // What the server does with them (`StatementRestrictions`): whether it reads through a
    // secondary index, and which restrictions end up in the row filter.
    let index_early =
        has_index && matches!(pk_state, PartitionKey::Unrestricted | PartitionKey::Partial);
    let clustering_filtered =
        index_early || (key_range && clustering_index_served) || clustering.needs_filtering();
    let uses_index = index_early
        || (key_range && clustering_index_served)
        || (clustering.needs_filtering() && has_index)
        || (!others.is_empty() && has_index);
    let index_column = restrictions
        .iter()
        .find(|r| r.has(|o| index_serves(r.column, o)))
        .map(|r| r.column);

    // The selection.
    let selects_only_static = matches!(spec.selection, Selection::Columns(_))
        && selected.iter().any(|&i| {
            schema
                .columns
                .get(i)
                .is_some_and(|c| c.role == KeyRole::Static)
        })
        && selected.iter().all(|&i| {
            schema
                .columns
                .get(i)
                .is_some_and(|c| matches!(c.role, KeyRole::Partition(_) | KeyRole::Static))
        });
    if let Some(&ci) = clustering
        .restricted
        .first()
        .filter(|_| selects_only_static)
    {
        return Err(format!(
            "only partition key and static columns are selected, and {} is a clustering \
             column: Cassandra refuses clustering restrictions when only static columns are \
             selected; drop the restriction or select a non-static column",
            label_at(schema, ci)
        ));
    }
    if let Some(ic) = index_column.filter(|_| uses_index) {
        if pk_in {
            return Err(format!(
                "the partition key is restricted by IN while the secondary index on {} \
                 serves the query: Cassandra does not support both; restrict the partition \
                 key by = (one query per key) or drop the indexed restriction",
                label(ic)
            ));
        }
        if selects_only_static {
            return Err(format!(
                "the secondary index on {} serves the query, and queries served by an index \
                 cannot select only static columns: select a non-static column too",
                label(ic)
            ));
        }
    }
    if spec.selection == Selection::Count && spec.per_partition_limit.is_some() {
        return Err(
            "PER PARTITION LIMIT is not allowed with COUNT(*) (an aggregate): drop one".into(),
        );
    }

    if spec.distinct {
        check_distinct(schema, spec, &selected, &restrictions, key_range)?;
    }
    if !spec.order_by.is_empty() {
        check_order_by(
            schema,
            spec,
            key_range,
            uses_index.then_some(index_column).flatten(),
        )?;
    }

    if spec.allow_filtering {
        return Ok(());
    }

    // What needs ALLOW FILTERING.
    if let Some((ci, slice)) = clustering.after_slice {
        return Err(format!(
            "clustering column {} is restricted after the range on {}: that needs ALLOW \
             FILTERING; add allow_filtering(), or restrict {} by = or IN",
            label_at(schema, ci),
            label_at(schema, slice),
            label_at(schema, slice)
        ));
    }
    if !has_index {
        if let Some((ci, missing)) = clustering.after_gap {
            return Err(format!(
                "clustering column {} is restricted but {} before it is not: that needs \
                 ALLOW FILTERING; add allow_filtering() or an index on {}, or restrict {} too",
                label_at(schema, ci),
                label_at(schema, missing),
                label_at(schema, ci),
                label_at(schema, missing)
            ));
        }
        if let Some((ci, op)) = clustering.contains {
            return Err(format!(
                "{} on clustering column {} needs ALLOW FILTERING: add allow_filtering() or \
                 an index on it",
                op.cql(),
                label_at(schema, ci)
            ));
        }
        if let Some(r) = others.first() {
            return Err(format!(
                "filtering on {} needs ALLOW FILTERING ({}): add allow_filtering() or an \
                 index on it",
                label(r.column),
                unserved_reason(r)
            ));
        }
    }
    if !(key_range || uses_index) {
        return Ok(());
    }
    // The restrictions the server applies as a row filter (beyond what an index or the
    // key reads): more than one, or only clustering ones over many partitions, filter.
    let mut filtered: Vec<&Restriction<'_>> = Vec::new();
    if pk_state == PartitionKey::Partial {
        filtered.extend(pk_restricted.iter().copied());
    }
    if clustering_filtered {
        for ci in &clustering.restricted {
            filtered.extend(restrictions.iter().filter(|r| r.index == *ci));
        }
    }
    filtered.extend(others.iter().copied());
    if filtered.len() > 1 {
        let extra = filtered
            .iter()
            .find(|r| !r.served())
            .or_else(|| filtered.get(1))
            .copied();
        if let Some(r) = extra {
            return Err(filtering_reason(schema, r, index_column, pk_state));
        }
    }
    if filtered.is_empty() {
        if let Some(&ci) = clustering.restricted.first() {
            return Err(format!(
                "clustering column {} is restricted but the partition key ({}) is not \
                 restricted by = or IN: that needs ALLOW FILTERING; add allow_filtering(), \
                 restrict the partition key, or add an index",
                label_at(schema, ci),
                labels(partition.iter().map(|&(_, c)| c))
            ));
        }
    } else if let Some(r) = others
        .iter()
        .find(|r| r.ops.iter().filter(|&&o| is_contains(o)).count() > 1)
    {
        return Err(format!(
            "{} has several CONTAINS / CONTAINS KEY restrictions: an index serves one of \
             them and the others filter, which needs ALLOW FILTERING; add allow_filtering()",
            label(r.column)
        ));
    }
    Ok(())
}

/// The message for a restriction the server would filter on.
fn filtering_reason(
    schema: &ModelSchema,
    r: &Restriction<'_>,
    index_column: Option<&ColumnDef>,
    pk_state: PartitionKey,
) -> String {
    let l = label(r.column);
    match r.column.role {
        KeyRole::Partition(_) => format!(
            "the partition key is only partly restricted, so Cassandra filters on {l}: that \
             needs ALLOW FILTERING; add allow_filtering() or restrict every partition key \
             column ({})",
            labels(schema.partition_key().iter().map(|&(_, c)| c))
        ),
        KeyRole::Clustering { .. } if pk_state != PartitionKey::Fixed => format!(
            "clustering column {l} is restricted while the partition key is not restricted \
             by = or IN, so Cassandra filters on it: that needs ALLOW FILTERING; add \
             allow_filtering() or restrict the partition key ({})",
            labels(schema.partition_key().iter().map(|&(_, c)| c))
        ),
        _ if r.served() => match index_column {
            Some(ic) if !core::ptr::eq(ic, r.column) => format!(
                "filtering on {l} needs ALLOW FILTERING: a query reads through one index, \
                 the one on {}, and filters the rest; add allow_filtering()",
                label(ic)
            ),
            _ => format!("filtering on {l} needs ALLOW FILTERING: add allow_filtering()"),
        },
        _ => match index_column {
            // Another column's index reads: an index on this one would not help.
            Some(ic) => format!(
                "filtering on {l} needs ALLOW FILTERING ({}; the query reads through the \
                 index on {} and filters the rest): add allow_filtering()",
                unserved_reason(r),
                label(ic)
            ),
            None => format!(
                "filtering on {l} needs ALLOW FILTERING ({}): add allow_filtering() or an \
                 index on it",
                unserved_reason(r)
            ),
        },
    }
}

/// Why a column's index does not serve its restrictions.
fn unserved_reason(r: &Restriction<'_>) -> String {
    match &r.column.index {
        None => "it has no index".into(),
        Some(index) => match r.ops.iter().find(|&&o| !index_serves(r.column, o)) {
            Some(&op) if op.is_slice() && !index.supports_like() => format!(
                "its index does not serve {}: only SASI and storage-attached indexes serve \
                 ranges",
                op.cql()
            ),
            Some(&op) => format!("its index does not serve {}", op.cql()),
            None => "its index serves one restriction per query".into(),
        },
    }
}

/// Refuses a filter whatever ALLOW FILTERING says: operators that do not apply to the
/// column's type or role.
fn check_filter(c: &ColumnDef, op: Op, form: ValueForm) -> Result<(), String> {
    let l = label(c);
    let typ = c.type_cql();
    if op == Op::Ne {
        return Err(format!(
            "{l} is restricted by !=, which WHERE does not support (IF conditions do): use \
             =, a range or IN"
        ));
    }
    if c.is_counter() && matches!(op, Op::Contains | Op::ContainsKey | Op::Like) {
        return Err(format!(
            "{l} is a counter: {} does not apply to counters; compare it with = or a range",
            op.cql()
        ));
    }
    if !c.frozen && matches!(c.column_type, ColumnType::Udt { .. }) {
        return Err(format!(
            "{l} is a non-frozen user-defined type ({typ}): Cassandra cannot restrict it; \
             declare it frozen to compare it whole"
        ));
    }
    let Some(value_type) = op.value_type(&c.column_type) else {
        return Err(match op {
            Op::Contains => {
                format!("{l} is {typ}, not a collection: CONTAINS needs a list, set or map column")
            }
            Op::ContainsKey => {
                format!("{l} is {typ}, not a map: CONTAINS KEY needs a map column")
            }
            Op::Like => format!("{l} is {typ}: LIKE needs a text or ascii column"),
            other => format!("{} does not apply to {l} ({typ})", other.cql()),
        });
    };
    if c.is_multi_cell() && !is_contains(op) {
        let contains = if matches!(c.column_type, ColumnType::Map(..)) {
            "CONTAINS or CONTAINS KEY"
        } else {
            "CONTAINS"
        };
        return Err(format!(
            "{l} is a non-frozen collection ({typ}): it can be restricted only with \
             {contains}, not {}",
            op.cql()
        ));
    }
    if op.is_slice() && c.column_type == ColumnType::Duration {
        return Err(format!(
            "{l} is a duration: durations have no order, so {} does not apply; use =",
            op.cql()
        ));
    }
    if let Some(function) = match form {
        ValueForm::Plain => None,
        ValueForm::MinTimeuuid => Some("minTimeuuid"),
        ValueForm::MaxTimeuuid => Some("maxTimeuuid"),
    } {
        if op == Op::In {
            return Err(format!(
                "{function}(?) is one value and cannot be the list of IN on {l}: use a range \
                 or ="
            ));
        }
        if value_type != ColumnType::Timeuuid {
            return Err(format!(
                "{function}(?) is a timeuuid, and {l} compares with {value_type}: \
                 {function} applies to timeuuid columns"
            ));
        }
    }
    match c.role {
        KeyRole::Partition(_) if op.is_slice() => {
            return Err(format!(
                "{l} is a partition key column: it can be restricted only by = or IN; for a \
                 range of partitions restrict the token instead (token(..) {} ?)",
                op.cql()
            ));
        }
        KeyRole::Partition(_) if !matches!(op, Op::Eq | Op::In) => {
            return Err(format!(
                "{l} is a partition key column: it can be restricted only by = or IN, not {}",
                op.cql()
            ));
        }
        _ => {}
    }
    if op == Op::Like && !c.index.as_ref().is_some_and(IndexDef::supports_like) {
        return Err(format!(
            "LIKE on {l} needs a SASI or storage-attached index on it (ALLOW FILTERING does \
             not help): declare one, or use ="
        ));
    }
    Ok(())
}

/// Refuses restrictions on one column that do not combine: `=`, `IN` and `LIKE` with
/// anything, two lower (or upper) bounds.
fn check_merge(r: &Restriction<'_>) -> Result<(), String> {
    let l = label(r.column);
    if let Some(op) = r
        .ops
        .iter()
        .find(|o| matches!(o, Op::Eq | Op::In | Op::Like))
    {
        if r.ops.len() > 1 {
            return Err(format!(
                "{l} is restricted {} times, once by {}: a column restricted by =, IN or LIKE \
                 takes no other restriction; keep one",
                r.ops.len(),
                op.cql()
            ));
        }
    }
    let lower = r
        .ops
        .iter()
        .filter(|o| matches!(o, Op::Gt | Op::Ge))
        .count();
    let upper = r
        .ops
        .iter()
        .filter(|o| matches!(o, Op::Lt | Op::Le))
        .count();
    if lower > 1 {
        return Err(format!("{l} has {lower} lower bounds (> or >=): keep one"));
    }
    if upper > 1 {
        return Err(format!("{l} has {upper} upper bounds (< or <=): keep one"));
    }
    Ok(())
}

/// Refuses token restrictions that do not make a range: other operators, a key of the
/// wrong length, conflicting bounds.
fn check_token(schema: &ModelSchema, token: &[TokenFilter]) -> Result<(), String> {
    if token.is_empty() {
        return Ok(());
    }
    let partition = schema.partition_key();
    if partition.is_empty() {
        return Err("the model has no partition key to take the token of".into());
    }
    for t in token {
        if !(t.op == Op::Eq || t.op.is_slice()) {
            return Err(format!(
                "the token is restricted by {}: a token takes =, >, >=, < or <=",
                t.op.cql()
            ));
        }
        if let TokenBound::Key(values) = &t.bound {
            if values.len() != partition.len() {
                return Err(format!(
                    "token(..) is compared with the token of {} value(s), but the partition \
                     key has {} column(s) ({}): give one value per partition key column",
                    values.len(),
                    partition.len(),
                    labels(partition.iter().map(|&(_, c)| c))
                ));
            }
        }
    }
    let eq = token.iter().filter(|t| t.op == Op::Eq).count();
    let lower = token
        .iter()
        .filter(|t| matches!(t.op, Op::Gt | Op::Ge))
        .count();
    let upper = token
        .iter()
        .filter(|t| matches!(t.op, Op::Lt | Op::Le))
        .count();
    if eq > 0 && token.len() > 1 {
        return Err("the token is restricted by = and by another restriction: keep one".into());
    }
    if lower > 1 {
        return Err("the token has two lower bounds (> or >=): keep one".into());
    }
    if upper > 1 {
        return Err("the token has two upper bounds (< or <=): keep one".into());
    }
    Ok(())
}

/// Walks the clustering columns in order and notes the restrictions that leave the
/// prefix (`=`/`IN` on the first columns, then at most one range).
fn analyse_clustering(schema: &ModelSchema, restrictions: &[Restriction<'_>]) -> Clustering {
    enum Closed {
        Gap(usize),
        Slice(usize),
    }
    let mut out = Clustering::default();
    let mut closed: Option<Closed> = None;
    for (ci, _) in schema.clustering_key() {
        let Some(r) = restrictions.iter().find(|r| r.index == ci) else {
            if closed.is_none() {
                closed = Some(Closed::Gap(ci));
            }
            continue;
        };
        out.restricted.push(ci);
        if let Some(&op) = r.ops.iter().find(|&&o| is_contains(o) || o == Op::Like) {
            if out.contains.is_none() {
                out.contains = Some((ci, op));
            }
            continue;
        }
        match closed {
            Some(Closed::Gap(missing)) if out.after_gap.is_none() => {
                out.after_gap = Some((ci, missing));
            }
            Some(Closed::Slice(slice)) if out.after_slice.is_none() => {
                out.after_slice = Some((ci, slice));
            }
            Some(_) => {}
            None if r.has(Op::is_slice) => closed = Some(Closed::Slice(ci)),
            None => {}
        }
    }
    out
}

/// `SELECT DISTINCT`: partition key and static columns, restricted on the partition key.
fn check_distinct(
    schema: &ModelSchema,
    spec: &SelectSpec,
    selected: &[usize],
    restrictions: &[Restriction<'_>],
    key_range: bool,
) -> Result<(), String> {
    if spec.selection == Selection::Count {
        return Err(
            "COUNT(*) cannot be combined with DISTINCT (Cassandra counts rows, not \
                    partitions): select the distinct partition keys and count them"
                .into(),
        );
    }
    if spec.per_partition_limit.is_some() {
        return Err(
            "PER PARTITION LIMIT is not allowed with DISTINCT (it returns one row \
                    per partition already): drop one"
                .into(),
        );
    }
    if !spec.order_by.is_empty() {
        return Err("ORDER BY does not apply to DISTINCT (one row per partition): drop one".into());
    }
    let key_or_static = |c: &ColumnDef| matches!(c.role, KeyRole::Partition(_) | KeyRole::Static);
    if let Some(c) = selected
        .iter()
        .filter_map(|&i| schema.columns.get(i))
        .find(|c| !key_or_static(c))
    {
        return Err(if spec.selection == Selection::Model {
            format!(
                "DISTINCT selects partition key and static columns only, and the model's \
                 columns include {}: select the partition key (and static) columns explicitly",
                label(c)
            )
        } else {
            format!(
                "DISTINCT selects partition key and static columns only, and {} is neither: \
                 drop it from the selection",
                label(c)
            )
        });
    }
    if let Some(r) = restrictions
        .iter()
        .find(|r| !matches!(r.column.role, KeyRole::Partition(_)))
    {
        return Err(format!(
            "DISTINCT can be restricted only on the partition key (or its token), and {} is \
             not a partition key column: drop the restriction or the DISTINCT",
            label(r.column)
        ));
    }
    if key_range {
        let missing: Vec<&ColumnDef> = schema
            .partition_key()
            .into_iter()
            .filter(|(i, _)| !selected.contains(i))
            .map(|(_, c)| c)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "DISTINCT over a range of partitions must select every partition key column: \
                 add {}",
                labels(missing.iter().copied())
            ));
        }
    }
    Ok(())
}

/// `ORDER BY`: the clustering order (as declared or all reversed) within fixed partitions.
fn check_order_by(
    schema: &ModelSchema,
    spec: &SelectSpec,
    key_range: bool,
    index_column: Option<&ColumnDef>,
) -> Result<(), String> {
    let clustering = schema.clustering_key();
    let mut reversed: Option<(bool, &ColumnDef, bool)> = None;
    for (position, &(i, descending)) in spec.order_by.iter().enumerate() {
        let c = column(schema, i, "ORDER BY")?;
        if spec.order_by.iter().take(position).any(|&(j, _)| j == i) {
            return Err(format!("ORDER BY names {} twice: name it once", label(c)));
        }
        let KeyRole::Clustering {
            position: declared_position,
            descending: declared_descending,
        } = c.role
        else {
            return Err(format!(
                "ORDER BY {}: only clustering columns ({}) can order rows",
                label(c),
                labels(clustering.iter().map(|&(_, c)| c))
            ));
        };
        if declared_position != position {
            let expected = clustering
                .get(position)
                .map_or_else(|| "another column".into(), |&(_, e)| label(e));
            return Err(format!(
                "ORDER BY must follow the clustering order ({}): order by {expected} before {}",
                labels(clustering.iter().map(|&(_, c)| c)),
                label(c)
            ));
        }
        let this = descending != declared_descending;
        match reversed {
            None => reversed = Some((this, c, descending)),
            Some((first, first_column, first_descending)) if first != this => {
                let dir = |d: bool| if d { "DESC" } else { "ASC" };
                return Err(format!(
                    "ORDER BY {} {} conflicts with {} {}: order every column as the table \
                     declares it ({}) or every one reversed",
                    label(c),
                    dir(descending),
                    label(first_column),
                    dir(first_descending),
                    declared_order(&clustering)
                ));
            }
            Some(_) => {}
        }
    }
    if key_range {
        return Err(format!(
            "ORDER BY needs the partition key restricted by = or IN: restrict {}",
            labels(schema.partition_key().iter().map(|&(_, c)| c))
        ));
    }
    if let Some(ic) = index_column {
        return Err(format!(
            "ORDER BY is not supported when a secondary index serves the query (the index on \
             {}): sort client side or drop the indexed restriction",
            label(ic)
        ));
    }
    Ok(())
}

fn declared_order(clustering: &[(usize, &ColumnDef)]) -> String {
    let mut out = String::new();
    for (n, (_, c)) in clustering.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        let descending = matches!(
            c.role,
            KeyRole::Clustering {
                descending: true,
                ..
            }
        );
        out.push_str(&format!(
            "{} {}",
            label(c),
            if descending { "DESC" } else { "ASC" }
        ));
    }
    out
}

fn is_contains(op: Op) -> bool {
    matches!(op, Op::Contains | Op::ContainsKey)
}

fn is_collection(typ: &ColumnType) -> bool {
    matches!(
        typ,
        ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..)
    )
}

fn is_storage_attached(index: &IndexDef) -> bool {
    index.custom_class.as_deref().is_some_and(|c| {
        let c = c.to_ascii_lowercase();
        c.contains("storageattached") || c == "sai"
    })
}

/// Whether the column's index (if any) serves `op`: `=` (a built-in index on a value or a
/// frozen collection, any custom index), `CONTAINS` / `CONTAINS KEY` on an indexed
/// collection's values / map keys (built-in or storage-attached), ranges and `LIKE`
/// (SASI and storage-attached).
fn index_serves(column: &ColumnDef, op: Op) -> bool {
    let Some(index) = &column.index else {
        return false;
    };
    let custom = index.custom_class.is_some();
    match op {
        Op::Eq => {
            !column.is_multi_cell()
                && matches!(index.target, IndexTarget::Values | IndexTarget::Full)
        }
        Op::Gt | Op::Ge | Op::Lt | Op::Le => {
            index.supports_like()
                && !is_collection(&column.column_type)
                && index.target == IndexTarget::Values
        }
        Op::Like => index.supports_like(),
        Op::Contains => {
            column.is_multi_cell()
                && index.target == IndexTarget::Values
                && (!custom || is_storage_attached(index))
        }
        Op::ContainsKey => {
            column.is_multi_cell()
                && matches!(column.column_type, ColumnType::Map(..))
                && index.target == IndexTarget::Keys
                && (!custom || is_storage_attached(index))
        }
        Op::In | Op::Ne => false,
    }
}

/// A column as errors name it: `` `field` ``, with the CQL name when it differs.
fn label(c: &ColumnDef) -> String {
    if c.field == c.name {
        format!("`{}`", c.field)
    } else {
        format!("`{}` (column {})", c.field, quote_identifier(&c.name))
    }
}

fn label_at(schema: &ModelSchema, index: usize) -> String {
    schema
        .columns
        .get(index)
        .map_or_else(|| format!("column #{index}"), label)
}

fn labels<'c>(columns: impl Iterator<Item = &'c ColumnDef>) -> String {
    let mut out = String::new();
    for (n, c) in columns.enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(&label(c));
    }
    out
}
