//! `INSERT`, `UPDATE` and `DELETE`: a write spec ([`InsertSpec`], [`UpdateSpec`],
//! [`DeleteSpec`]) rendered to CQL text with bind markers and the marker values in order,
//! after the checks Cassandra would otherwise make on the server (a missing key column,
//! an `append` on a set, a `TTL` on counters...), each naming the field at fault and what
//! to do instead.
//!
//! ```text
//!   INSERT INTO t ("a", "b") VALUES (?, ?) [IF NOT EXISTS] [USING TTL ? AND TIMESTAMP ?]
//!   UPDATE t [USING TTL ? AND TIMESTAMP ?] SET "c" = ?, "l" = "l" + ? WHERE "k" = ? [IF ...]
//!   DELETE ["c", "m"[?]] FROM t [USING TIMESTAMP ?] WHERE "k" = ? [IF ...]
//! ```
//!
//! The text depends only on the spec's shape (which columns, which operations), never on
//! its values, so the execution layer can prepare it once and cache it. Pure: no I/O.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::model::{ColumnDef, KeyRole, ModelSchema};
use super::spec::{
    Assignment, Bound, Condition, DeleteSpec, DeleteTarget, Filter, InsertSpec, InvalidQuery, Lwt,
    Op, Rendered, UpdateSpec, ValueForm,
};
use crate::types::ColumnType;
use crate::types::cql_syntax::quote_identifier;

#[cfg(test)]
mod tests;

/// What an `UPDATE` assignment does, without its values: the variants of [`Assignment`].
/// The execution layer asks [`assignment_types`] which CQL types to serialize a kind's
/// values as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentKind {
    /// `c = ?`
    Set,
    /// `c = c + ?` on a list.
    Append,
    /// `c = ? + c` on a list.
    Prepend,
    /// `c = c - ?` on a list or a set.
    Remove,
    /// `c = c + ?` on a set.
    Add,
    /// `c[?] = ?` on a map or a list.
    PutEntry,
    /// `c = c + ?` on a map.
    PutAll,
    /// `c = c - ?` on a map (a set of keys).
    RemoveKeys,
    /// `c = c + ?` on a counter.
    Increment,
    /// `c = c - ?` on a counter.
    Decrement,
}

impl AssignmentKind {
    /// The operation as errors name it (`append to`, `put an entry into`...).
    pub fn describe(self) -> &'static str {
        match self {
            Self::Set => "set",
            Self::Append => "append to",
            Self::Prepend => "prepend to",
            Self::Remove => "remove elements from",
            Self::Add => "add elements to",
            Self::PutEntry => "put an entry into",
            Self::PutAll => "put entries into",
            Self::RemoveKeys => "remove keys from",
            Self::Increment => "increment",
            Self::Decrement => "decrement",
        }
    }

    /// Which columns the operation applies to, for errors.
    fn applies_to(self) -> &'static str {
        match self {
            Self::Set => "set applies to any column but counters",
            Self::Append | Self::Prepend => "append and prepend apply to non-frozen lists",
            Self::Remove => "remove applies to non-frozen lists and sets",
            Self::Add => "add applies to non-frozen sets",
            Self::PutEntry => {
                "putting one entry applies to non-frozen maps (by key) and lists (by index)"
            }
            Self::PutAll | Self::RemoveKeys => {
                "putting and removing map entries applies to non-frozen maps"
            }
            Self::Increment | Self::Decrement => {
                "increment and decrement apply to counter columns only (set the value instead)"
            }
        }
    }
}

impl Assignment {
    /// The assignment's operation, without its values.
    pub fn kind(&self) -> AssignmentKind {
        match self {
            Self::Set(_) => AssignmentKind::Set,
            Self::Append(_) => AssignmentKind::Append,
            Self::Prepend(_) => AssignmentKind::Prepend,
            Self::Remove(_) => AssignmentKind::Remove,
            Self::Add(_) => AssignmentKind::Add,
            Self::PutEntry { .. } => AssignmentKind::PutEntry,
            Self::PutAll(_) => AssignmentKind::PutAll,
            Self::RemoveKeys(_) => AssignmentKind::RemoveKeys,
            Self::Increment(_) => AssignmentKind::Increment,
            Self::Decrement(_) => AssignmentKind::Decrement,
        }
    }
}

/// The CQL types an assignment's values are serialized as: see [`assignment_types`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentTypes {
    /// The type of the key of a [`AssignmentKind::PutEntry`] (the map's key type, or
    /// `int` for a list index); `None` for the other kinds.
    pub key: Option<ColumnType>,
    /// The type of the value.
    pub value: ColumnType,
}

/// The CQL types the values of a `kind` assignment to `column` are serialized as: the
/// column's type for `Set`; the list (set) type for `Append`, `Prepend`, `Remove` (`Add`,
/// `Remove`); key and value types for `PutEntry` on a map, `int` and the element type on
/// a list; the map type for `PutAll`; a set of the key type for `RemoveKeys`; `bigint`
/// for `Increment` and `Decrement`.
///
/// # Errors
/// An [`InvalidQuery`] of `model`, naming the field, when the operation does not apply to
/// the column (an append to a set or a frozen list, a set of a counter...).
pub fn assignment_types(
    model: &str,
    column: &ColumnDef,
    kind: AssignmentKind,
) -> Result<AssignmentTypes, InvalidQuery> {
    use AssignmentKind as K;
    let multi = column.is_multi_cell();
    let typ = &column.column_type;
    let value = match (kind, typ) {
        (K::Set, ColumnType::Counter) => {
            return Err(InvalidQuery {
                model: model.into(),
                reason: format!(
                    "cannot set counter field `{}`: counters can only be incremented or \
                     decremented (use increment / decrement)",
                    column.field
                ),
            });
        }
        (K::Set, t) => t.clone(),
        (K::Increment | K::Decrement, ColumnType::Counter) => ColumnType::BigInt,
        (K::Append | K::Prepend | K::Remove, ColumnType::List(_))
        | (K::Add | K::Remove, ColumnType::Set(_))
        | (K::PutAll, ColumnType::Map(..))
            if multi =>
        {
            typ.clone()
        }
        (K::RemoveKeys, ColumnType::Map(k, _)) if multi => ColumnType::Set(k.clone()),
        (K::PutEntry, ColumnType::Map(k, v)) if multi => {
            return Ok(AssignmentTypes {
                key: Some((**k).clone()),
                value: (**v).clone(),
            });
        }
        (K::PutEntry, ColumnType::List(e)) if multi => {
            return Ok(AssignmentTypes {
                key: Some(ColumnType::Int),
                value: (**e).clone(),
            });
        }
        _ => {
            return Err(InvalidQuery {
                model: model.into(),
                reason: wrong_kind(column, kind),
            });
        }
    };
    Ok(AssignmentTypes { key: None, value })
}

fn wrong_kind(column: &ColumnDef, kind: AssignmentKind) -> String {
    let frozen_hint = if column.frozen
        && matches!(
            column.column_type,
            ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..)
        ) {
        " (a frozen collection is only ever replaced whole: set it)"
    } else {
        ""
    };
    format!(
        "cannot {} field `{}` of type {}: {}{frozen_hint}",
        kind.describe(),
        column.field,
        column.type_cql(),
        kind.applies_to(),
    )
}

/// The CQL type of the key of a `DELETE c[?]` of one element of `column`: the key type
/// of a map, `int` (the index) for a list.
///
/// # Errors
/// An [`InvalidQuery`] of `model`, naming the field, when the column is not a non-frozen
/// map or list.
pub fn delete_element_key_type(
    model: &str,
    column: &ColumnDef,
) -> Result<ColumnType, InvalidQuery> {
    match &column.column_type {
        ColumnType::Map(k, _) if column.is_multi_cell() => Ok((**k).clone()),
        ColumnType::List(_) if column.is_multi_cell() => Ok(ColumnType::Int),
        other => {
            let hint = if column.frozen {
                " (a frozen collection is only ever replaced or deleted whole)"
            } else if matches!(other, ColumnType::Set(_)) {
                " (remove set elements with an update's remove)"
            } else {
                ""
            };
            Err(InvalidQuery {
                model: model.into(),
                reason: format!(
                    "cannot delete one element of field `{}` of type {}: elements are deleted \
                     by key from non-frozen maps and by index from non-frozen lists{hint}",
                    column.field,
                    column.type_cql()
                ),
            })
        }
    }
}

/// Renders an `INSERT` of one row: `INSERT INTO t ("a", "b") VALUES (?, ?)
/// [IF NOT EXISTS] [USING TTL ? [AND TIMESTAMP ?] | USING TIMESTAMP ?]`. The values are
/// the column values in spec order, then the TTL, then the timestamp.
///
/// # Errors
/// An [`InvalidQuery`] naming the field when a primary key column has no value (or a
/// null or unset one), a column is a counter (counters are updated, never inserted), a
/// column index is out of range or given twice; or when `IF NOT EXISTS` comes with a
/// timestamp.
pub fn render_insert(
    schema: &ModelSchema,
    keyspace: Option<&str>,
    spec: &InsertSpec,
) -> Result<Rendered, InvalidQuery> {
    let model = &schema.model_name;
    let mut names: Vec<String> = Vec::with_capacity(spec.values.len());
    for (pos, (index, value)) in spec.values.iter().enumerate() {
        let col = column_at(schema, *index, "the insert")?;
        if spec.values.iter().take(pos).any(|(i, _)| i == index) {
            return Err(invalid(
                schema,
                format!("insert of model {model} writes field `{}` twice", col.field),
            ));
        }
        if col.is_counter() {
            return Err(invalid(
                schema,
                format!(
                    "insert of model {model} cannot write counter field `{}`: counters are \
                     updated, never inserted (use increment / decrement)",
                    col.field
                ),
            ));
        }
        if col.role.is_primary_key() && is_null_or_unset(value) {
            return Err(missing_key_value(schema, col));
        }
        names.push(quote_identifier(&col.name));
    }
    if schema.is_counter_table() {
        return Err(invalid(
            schema,
            format!(
                "model {model} is a counter table: its rows are never inserted, their counters \
                 are updated (use increment / decrement)"
            ),
        ));
    }
    for (index, col) in schema.primary_key() {
        if !spec.values.iter().any(|(i, _)| *i == index) {
            return Err(missing_key_value(schema, col));
        }
    }
    if spec.if_not_exists && spec.timestamp.is_some() {
        return Err(lwt_with_timestamp(schema, "insert"));
    }

    let mut cql = format!(
        "INSERT INTO {} ({}) VALUES (",
        schema.qualified_table(keyspace),
        names.join(", ")
    );
    let mut values: Vec<Bound> = Vec::with_capacity(spec.values.len() + 2);
    for (pos, (_, value)) in spec.values.iter().enumerate() {
        if pos > 0 {
            cql.push_str(", ");
        }
        cql.push('?');
        values.push(value.clone());
    }
    cql.push(')');
    if spec.if_not_exists {
        cql.push_str(" IF NOT EXISTS");
    }
    push_using(
        &mut cql,
        &mut values,
        spec.ttl.as_ref(),
        spec.timestamp.as_ref(),
    );
    Ok(Rendered { cql, values })
}

fn missing_key_value(schema: &ModelSchema, col: &ColumnDef) -> InvalidQuery {
    invalid(
        schema,
        format!(
            "insert of model {} needs a value for primary key field `{}`",
            schema.model_name, col.field
        ),
    )
}

/// Renders an `UPDATE`: `UPDATE t [USING TTL ? AND TIMESTAMP ?] SET <assignments> WHERE
/// <filters> [IF EXISTS | IF "c" = ? AND ...]`. The values are the `USING` values (TTL,
/// timestamp), then the assignments' in order (a `PutEntry`'s key before its value), then
/// the filters', then the conditions'.
///
/// # Errors
/// An [`InvalidQuery`] naming the field at fault: no assignment; an assignment to a
/// primary key column, or one the column's type does not allow ([`assignment_types`]); a
/// TTL or timestamp on counters; a `WHERE` clause that does not select whole rows by
/// their key (every partition key column by `=` or `IN`, every clustering column by `=`,
/// `IN` on the last; only the partition key when every assignment is to a static column);
/// conditions on key columns, on a counter table, or with unsupported operators.
pub fn render_update(
    schema: &ModelSchema,
    keyspace: Option<&str>,
    spec: &UpdateSpec,
) -> Result<Rendered, InvalidQuery> {
    let model = &schema.model_name;
    if spec.assignments.is_empty() {
        return Err(invalid(
            schema,
            format!("update of model {model} assigns nothing: give at least one column a value"),
        ));
    }
    let mut targets: Vec<&ColumnDef> = Vec::with_capacity(spec.assignments.len());
    for (index, assignment) in &spec.assignments {
        let col = column_at(schema, *index, "the update")?;
        if col.role.is_primary_key() {
            return Err(invalid(
                schema,
                format!(
                    "update of model {model} cannot change primary key field `{}`: a row's key \
                     is fixed (delete the row and insert a new one)",
                    col.field
                ),
            ));
        }
        assignment_types(model, col, assignment.kind())?;
        targets.push(col);
    }
    if schema.is_counter_table() {
        if spec.ttl.is_some() {
            return Err(invalid(
                schema,
                format!(
                    "update of model {model} cannot use a TTL: counters never expire \
                     (delete the row instead)"
                ),
            ));
        }
        if spec.timestamp.is_some() {
            return Err(invalid(
                schema,
                format!(
                    "update of model {model} cannot use a custom timestamp: counter updates \
                     take the server's"
                ),
            ));
        }
    }
    let static_only = targets.iter().all(|c| c.role == KeyRole::Static);
    let lwt = spec.lwt.is_conditional();
    let rule = if static_only {
        ClusteringRule::PartitionOnly
    } else {
        ClusteringRule::Full
    };
    check_where(schema, &spec.filters, rule, lwt, "update")?;
    check_lwt(
        schema,
        &spec.lwt,
        spec.timestamp.is_some(),
        static_only,
        "update",
    )?;

    let mut cql = format!("UPDATE {}", schema.qualified_table(keyspace));
    let mut values: Vec<Bound> = Vec::new();
    push_using(
        &mut cql,
        &mut values,
        spec.ttl.as_ref(),
        spec.timestamp.as_ref(),
    );
    cql.push_str(" SET ");
    for (pos, ((_, assignment), col)) in spec.assignments.iter().zip(&targets).enumerate() {
        if pos > 0 {
            cql.push_str(", ");
        }
        push_assignment(&mut cql, &mut values, col, assignment);
    }
    push_where(&mut cql, &mut values, schema, &spec.filters);
    push_lwt(&mut cql, &mut values, schema, &spec.lwt);
    Ok(Rendered { cql, values })
}

fn push_assignment(
    cql: &mut String,
    values: &mut Vec<Bound>,
    col: &ColumnDef,
    assignment: &Assignment,
) {
    let c = quote_identifier(&col.name);
    match assignment {
        Assignment::Set(v) => {
            cql.push_str(&format!("{c} = ?"));
            values.push(v.clone());
        }
        Assignment::Append(v)
        | Assignment::Add(v)
        | Assignment::PutAll(v)
        | Assignment::Increment(v) => {
            cql.push_str(&format!("{c} = {c} + ?"));
            values.push(v.clone());
        }
        Assignment::Prepend(v) => {
            cql.push_str(&format!("{c} = ? + {c}"));
            values.push(v.clone());
        }
        Assignment::Remove(v) | Assignment::RemoveKeys(v) | Assignment::Decrement(v) => {
            cql.push_str(&format!("{c} = {c} - ?"));
            values.push(v.clone());
        }
        Assignment::PutEntry { key, value } => {
            cql.push_str(&format!("{c}[?] = ?"));
            values.push(key.clone());
            values.push(value.clone());
        }
    }
}

/// Renders a `DELETE`: `DELETE ["a", "m"[?]] FROM t [USING TIMESTAMP ?] WHERE <filters>
/// [IF EXISTS | IF "c" = ? AND ...]`. No targets deletes the rows the filters select (a
/// partition, a clustering range, a row). The values are the element keys in target
/// order, then the timestamp, then the filters', then the conditions'.
///
/// # Errors
/// An [`InvalidQuery`] naming the field at fault: a target that is a primary key column,
/// an element target on anything but a non-frozen map or list; a partition key not fully
/// restricted by `=` or `IN`; clustering restrictions that are not a prefix of the
/// clustering key with at most a final range (for row deletes), not the whole clustering
/// key without ranges (for column deletes), or any (for deletes of static columns only);
/// a conditional delete whose key is not fully restricted by `=`; a timestamp on a counter
/// table or with conditions.
pub fn render_delete(
    schema: &ModelSchema,
    keyspace: Option<&str>,
    spec: &DeleteSpec,
) -> Result<Rendered, InvalidQuery> {
    let model = &schema.model_name;
    let mut targets: Vec<&ColumnDef> = Vec::with_capacity(spec.targets.len());
    for target in &spec.targets {
        let index = match target {
            DeleteTarget::Column(i) => *i,
            DeleteTarget::Element { column, .. } => *column,
        };
        let col = column_at(schema, index, "the delete")?;
        if col.role.is_primary_key() {
            return Err(invalid(
                schema,
                format!(
                    "delete of model {model} cannot delete primary key field `{}` on its own: \
                     delete the row (no target columns) instead",
                    col.field
                ),
            ));
        }
        if matches!(target, DeleteTarget::Element { .. }) {
            delete_element_key_type(model, col)?;
        }
        targets.push(col);
    }
    if schema.is_counter_table() && spec.timestamp.is_some() {
        return Err(invalid(
            schema,
            format!(
                "delete of model {model} cannot use a custom timestamp: model {model} is a \
                 counter table"
            ),
        ));
    }
    let static_only = !targets.is_empty() && targets.iter().all(|c| c.role == KeyRole::Static);
    let lwt = spec.lwt.is_conditional();
    let rule = if static_only {
        ClusteringRule::PartitionOnly
    } else if lwt || !targets.is_empty() {
        ClusteringRule::Full
    } else {
        ClusteringRule::PrefixWithSlice
    };
    check_where(schema, &spec.filters, rule, lwt, "delete")?;
    check_lwt(
        schema,
        &spec.lwt,
        spec.timestamp.is_some(),
        static_only,
        "delete",
    )?;

    let mut cql = String::from("DELETE ");
    let mut values: Vec<Bound> = Vec::new();
    for (pos, (target, col)) in spec.targets.iter().zip(&targets).enumerate() {
        if pos > 0 {
            cql.push_str(", ");
        }
        cql.push_str(&quote_identifier(&col.name));
        if let DeleteTarget::Element { key, .. } = target {
            cql.push_str("[?]");
            values.push(key.clone());
        }
    }
    if !spec.targets.is_empty() {
        cql.push(' ');
    }
    cql.push_str("FROM ");
    cql.push_str(&schema.qualified_table(keyspace));
    push_using(&mut cql, &mut values, None, spec.timestamp.as_ref());
    push_where(&mut cql, &mut values, schema, &spec.filters);
    push_lwt(&mut cql, &mut values, schema, &spec.lwt);
    Ok(Rendered { cql, values })
}

/// Which clustering restrictions a write's `WHERE` clause must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClusteringRule {
    /// None: the write changes static columns only, which belong to the partition.
    PartitionOnly,
    /// Every clustering column by `=` (`IN` on the last): whole rows.
    Full,
    /// A prefix of the clustering key by `=` / `IN`, then at most a range on the next
    /// column: a range of rows (row deletes, Cassandra 3.0+).
    PrefixWithSlice,
}

/// Checks a write's `WHERE` clause: key columns only, the partition key fully restricted
/// by `=` / `IN`, the clustering columns as `rule` says; no `IN` at all when `lwt`.
fn check_where(
    schema: &ModelSchema,
    filters: &[Filter],
    rule: ClusteringRule,
    lwt: bool,
    statement: &str,
) -> Result<(), InvalidQuery> {
    let model = &schema.model_name;
    for f in filters {
        let col = column_at(schema, f.column, "a filter")?;
        if !col.role.is_primary_key() {
            return Err(invalid(
                schema,
                format!(
                    "{statement} of model {model} cannot filter on field `{}`: it is not part of \
                     the primary key, and writes select rows by their key only",
                    col.field
                ),
            ));
        }
        if !(matches!(f.op, Op::Eq | Op::In) || f.op.is_slice()) {
            return Err(invalid(
                schema,
                format!(
                    "{statement} of model {model} cannot restrict field `{}` with {}: key \
                     columns are restricted with =, IN (or a range of clustering columns in a \
                     delete)",
                    col.field,
                    f.op.cql()
                ),
            ));
        }
        if f.form != ValueForm::Plain && (col.column_type != ColumnType::Timeuuid || f.op == Op::In)
        {
            return Err(invalid(
                schema,
                format!(
                    "{statement} of model {model}: minTimeuuid / maxTimeuuid compare a \
                     timeuuid column with one value, and field `{}` is {} restricted with {}",
                    col.field,
                    col.type_cql(),
                    f.op.cql()
                ),
            ));
        }
        if is_null_or_unset(&f.value) {
            return Err(invalid(
                schema,
                format!(
                    "{statement} of model {model} restricts key field `{}` with a null or unset \
                     value: give it a value",
                    col.field
                ),
            ));
        }
    }

    let on =
        |index: usize| -> Vec<&Filter> { filters.iter().filter(|f| f.column == index).collect() };
    let twice = |col: &ColumnDef| {
        invalid(
            schema,
            format!(
                "{statement} of model {model} restricts field `{}` more than once",
                col.field
            ),
        )
    };
    let in_with_lwt = |col: &ColumnDef| {
        invalid(
            schema,
            format!(
                "conditional {statement} (IF ...) of model {model} must restrict field `{}` \
                 with =, not IN: a lightweight transaction applies to one row",
                col.field
            ),
        )
    };

    for (index, col) in schema.partition_key() {
        let fs = on(index);
        let mut it = fs.iter();
        let (Some(f), None) = (it.next(), it.next()) else {
            if fs.is_empty() {
                return Err(invalid(
                    schema,
                    format!(
                        "{statement} of model {model} needs partition key field `{}` restricted \
                         with = or IN",
                        col.field
                    ),
                ));
            }
            return Err(twice(col));
        };
        match f.op {
            Op::Eq => {}
            Op::In if !lwt => {}
            Op::In => return Err(in_with_lwt(col)),
            op => {
                return Err(invalid(
                    schema,
                    format!(
                        "{statement} of model {model} must restrict partition key field `{}` \
                         with = or IN, not {}",
                        col.field,
                        op.cql()
                    ),
                ));
            }
        }
    }

    let clustering = schema.clustering_key();
    let count = clustering.len();
    match rule {
        ClusteringRule::PartitionOnly => {
            if let Some((_, col)) = clustering.iter().find(|(i, _)| !on(*i).is_empty()) {
                return Err(invalid(
                    schema,
                    format!(
                        "{statement} of model {model} changes static columns only, which belong \
                         to the whole partition: restrict the partition key only, not \
                         clustering field `{}`",
                        col.field
                    ),
                ));
            }
        }
        ClusteringRule::Full => {
            for (pos, (index, col)) in clustering.iter().enumerate() {
                let fs = on(*index);
                let mut it = fs.iter();
                let (Some(f), None) = (it.next(), it.next()) else {
                    if fs.is_empty() {
                        return Err(invalid(
                            schema,
                            format!(
                                "{statement} of model {model} needs clustering field `{}` \
                                 restricted with = (the whole primary key selects the row)",
                                col.field
                            ),
                        ));
                    }
                    return Err(twice(col));
                };
                match f.op {
                    Op::Eq => {}
                    Op::In if lwt => return Err(in_with_lwt(col)),
                    Op::In if pos + 1 == count => {}
                    Op::In => {
                        return Err(invalid(
                            schema,
                            format!(
                                "{statement} of model {model} can restrict clustering field \
                                 `{}` with = only: IN is allowed on the last clustering column",
                                col.field
                            ),
                        ));
                    }
                    op => {
                        let why = if lwt {
                            "a conditional write applies to one row"
                        } else if statement == "delete" {
                            "ranges of rows can only be deleted whole (no target columns)"
                        } else {
                            "an update writes rows selected by their whole primary key"
                        };
                        return Err(invalid(
                            schema,
                            format!(
                                "{statement} of model {model} must restrict clustering field \
                                 `{}` with =, not {}: {why}",
                                col.field,
                                op.cql()
                            ),
                        ));
                    }
                }
            }
        }
        ClusteringRule::PrefixWithSlice => {
            // The first clustering column left unrestricted, or restricted by a range:
            // nothing after it may be restricted.
            let mut ended: Option<&ColumnDef> = None;
            for (index, col) in &clustering {
                let fs = on(*index);
                if fs.is_empty() {
                    ended = ended.or(Some(col));
                    continue;
                }
                if let Some(earlier) = ended {
                    return Err(invalid(
                        schema,
                        format!(
                            "{statement} of model {model} restricts clustering field `{}` after \
                             `{}`, which is unrestricted or a range: restrictions must cover a \
                             prefix of the clustering key, with at most a range on the last",
                            col.field, earlier.field
                        ),
                    ));
                }
                if fs.iter().all(|f| f.op.is_slice()) {
                    let lower = fs
                        .iter()
                        .filter(|f| matches!(f.op, Op::Gt | Op::Ge))
                        .count();
                    if lower > 1 || fs.len() - lower > 1 {
                        return Err(twice(col));
                    }
                    ended = Some(col);
                } else if fs.len() > 1 {
                    return Err(twice(col));
                }
            }
        }
    }
    Ok(())
}

/// Checks a write's `IF` clause (updates and deletes): `IF EXISTS` or conditions on
/// non-key columns (static ones when the write changes static columns only), never on a
/// counter table, never with a custom timestamp.
fn check_lwt(
    schema: &ModelSchema,
    lwt: &Lwt,
    has_timestamp: bool,
    static_only: bool,
    statement: &str,
) -> Result<(), InvalidQuery> {
    let model = &schema.model_name;
    if !lwt.is_conditional() {
        return Ok(());
    }
    if schema.is_counter_table() {
        return Err(invalid(
            schema,
            format!(
                "{statement} of model {model} cannot be conditional (IF ...): lightweight \
                 transactions are not supported on counter tables"
            ),
        ));
    }
    if has_timestamp {
        return Err(lwt_with_timestamp(schema, statement));
    }
    let conditions = match lwt {
        Lwt::None | Lwt::IfExists => return Ok(()),
        Lwt::IfNotExists => {
            return Err(invalid(
                schema,
                format!(
                    "{statement} of model {model} cannot use IF NOT EXISTS, which is for \
                     inserts: use IF EXISTS"
                ),
            ));
        }
        Lwt::If(conditions) => conditions,
    };
    if conditions.is_empty() {
        return Err(invalid(
            schema,
            format!("{statement} of model {model} has an IF clause with no condition"),
        ));
    }
    for c in conditions {
        let col = column_at(schema, c.column, "a condition")?;
        if col.role.is_primary_key() {
            return Err(invalid(
                schema,
                format!(
                    "{statement} of model {model} cannot have a condition on primary key field \
                     `{}`: the WHERE clause already selects the row by its key",
                    col.field
                ),
            ));
        }
        if !matches!(
            c.op,
            Op::Eq | Op::Ne | Op::Gt | Op::Ge | Op::Lt | Op::Le | Op::In
        ) {
            return Err(invalid(
                schema,
                format!(
                    "{statement} of model {model} cannot have a condition {} on field `{}`: \
                     conditions compare with =, !=, >, >=, <, <= or IN",
                    c.op.cql(),
                    col.field
                ),
            ));
        }
        if static_only && col.role != KeyRole::Static {
            return Err(invalid(
                schema,
                format!(
                    "{statement} of model {model} changes static columns only, so its conditions \
                     can only be on static columns, not on field `{}`",
                    col.field
                ),
            ));
        }
    }
    Ok(())
}

fn lwt_with_timestamp(schema: &ModelSchema, statement: &str) -> InvalidQuery {
    invalid(
        schema,
        format!(
            "conditional {statement} (IF ...) of model {} cannot use a custom timestamp: \
             lightweight transactions take theirs from Paxos",
            schema.model_name
        ),
    )
}

/// Appends ` USING TTL ? AND TIMESTAMP ?` (or either alone), and their values.
fn push_using(
    cql: &mut String,
    values: &mut Vec<Bound>,
    ttl: Option<&Bound>,
    timestamp: Option<&Bound>,
) {
    let mut first = true;
    for (word, value) in [("TTL", ttl), ("TIMESTAMP", timestamp)] {
        if let Some(v) = value {
            cql.push_str(if first { " USING " } else { " AND " });
            cql.push_str(word);
            cql.push_str(" ?");
            values.push(v.clone());
            first = false;
        }
    }
}

/// Appends ` WHERE "a" = ? AND ...` (filters already checked), and their values.
fn push_where(cql: &mut String, values: &mut Vec<Bound>, schema: &ModelSchema, filters: &[Filter]) {
    for (pos, f) in filters.iter().enumerate() {
        cql.push_str(if pos == 0 { " WHERE " } else { " AND " });
        let name = schema.columns.get(f.column).map_or("", |c| c.name.as_str());
        let value = match f.form {
            ValueForm::Plain => "?",
            ValueForm::MinTimeuuid => "minTimeuuid(?)",
            ValueForm::MaxTimeuuid => "maxTimeuuid(?)",
        };
        cql.push_str(&format!(
            "{} {} {value}",
            quote_identifier(name),
            f.op.cql()
        ));
        values.push(f.value.clone());
    }
}

/// Appends ` IF EXISTS` / ` IF NOT EXISTS` / ` IF "c" = ? AND ...` (checked), and the
/// conditions' values.
fn push_lwt(cql: &mut String, values: &mut Vec<Bound>, schema: &ModelSchema, lwt: &Lwt) {
    match lwt {
        Lwt::None => {}
        Lwt::IfNotExists => cql.push_str(" IF NOT EXISTS"),
        Lwt::IfExists => cql.push_str(" IF EXISTS"),
        Lwt::If(conditions) => {
            for (pos, Condition { column, op, value }) in conditions.iter().enumerate() {
                cql.push_str(if pos == 0 { " IF " } else { " AND " });
                let name = schema.columns.get(*column).map_or("", |c| c.name.as_str());
                cql.push_str(&format!("{} {} ?", quote_identifier(name), op.cql()));
                values.push(value.clone());
            }
        }
    }
}

fn invalid(schema: &ModelSchema, reason: String) -> InvalidQuery {
    InvalidQuery {
        model: schema.model_name.clone(),
        reason,
    }
}

/// The column at `index`, or an error naming what referred to it.
fn column_at<'a>(
    schema: &'a ModelSchema,
    index: usize,
    what: &str,
) -> Result<&'a ColumnDef, InvalidQuery> {
    schema.columns.get(index).ok_or_else(|| {
        invalid(
            schema,
            format!(
                "{what} names column index {index}, but model {} has {} columns",
                schema.model_name,
                schema.columns.len()
            ),
        )
    })
}

/// Whether a bound value is null (`-1`) or unset (`-2`).
fn is_null_or_unset(value: &Bound) -> bool {
    let v = value.0.as_slice();
    v == (-1i32).to_be_bytes().as_slice() || v == (-2i32).to_be_bytes().as_slice()
}
