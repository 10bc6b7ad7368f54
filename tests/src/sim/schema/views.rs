//! CREATE/ALTER/DROP MATERIALIZED VIEW with Cassandra 4.1's checks and wording
//! (`CreateViewStatement`, `AlterViewStatement`, `DropViewStatement`).

use std::collections::{BTreeMap, BTreeSet};

use cql_core::message::{SchemaChange, SchemaChangeType};
use cql_core::types::ColumnType;
use uuid::Uuid;

use super::ddl::{
    Perm, Resource, authorize, change, check_modifiable, keyspace_of, missing_keyspace,
    sort_columns, table_target,
};
use super::features::SchemaFeatures;
use super::{
    ClusteringOrder, Column, ColumnKind, Keyspace, Schema, Table, TableOptions, View, options,
    types,
};
use crate::cql::ast::{
    AlterView, CreateView, Order, QualifiedName, Relation, Selector, quote_ident,
};
use crate::sim::error::{CqlError, CqlResult};

/// Cassandra's answer to a view while `materialized_views_enabled` is off.
pub const VIEWS_DISABLED: &str =
    "Materialized views are disabled. Enable in cassandra.yaml to use.";

/// `CREATE MATERIALIZED VIEW [IF NOT EXISTS]`.
pub(super) fn create(
    schema: &mut Schema,
    s: &CreateView,
    session: Option<&str>,
    features: &SchemaFeatures,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.name, session)?;
    if s.base.keyspace.as_ref().is_some_and(|k| *k != ks_name) {
        return Err(CqlError::invalid(
            "Cannot create a materialized view on a table in a different keyspace",
        ));
    }
    authorize(&ks_name, Perm::Alter, Resource::Table(&s.base.name))?;
    check_modifiable(schema, &ks_name)?;
    if !features.materialized_views {
        return Err(CqlError::invalid(VIEWS_DISABLED));
    }
    let Some(keyspace) = schema.keyspaces.get(&ks_name) else {
        return Err(missing_keyspace(&ks_name));
    };
    let view_name = &s.name.name;
    let Some(base) = keyspace.tables.get(&s.base.name) else {
        return Err(CqlError::invalid(format!(
            "Base table '{}' doesn't exist",
            s.base.name
        )));
    };
    if keyspace.tables.contains_key(view_name) {
        return Err(CqlError::invalid(format!(
            "Cannot create materialized view '{view_name}' - a table with the same name already exists"
        )));
    }
    if keyspace.views.contains_key(view_name) {
        if s.if_not_exists {
            return Ok(None);
        }
        return Err(CqlError::already_exists(
            &ks_name,
            view_name,
            format!("Cannot add already existing table \"{view_name}\" to keyspace \"{ks_name}\""),
        ));
    }
    let view = build(keyspace, base, s)?;
    if let Some(ks) = schema.keyspaces.get_mut(&ks_name) {
        ks.views.insert(view_name.clone(), view);
    }
    Ok(change(
        SchemaChangeType::Created,
        table_target(&ks_name, view_name),
    ))
}

/// The columns a view selects from `base` (every column for `SELECT *`).
fn selected_columns(base: &Table, s: &CreateView) -> CqlResult<BTreeSet<String>> {
    if s.columns.is_empty() {
        return Ok(base.columns.iter().map(|c| c.name.clone()).collect());
    }
    let mut selected = BTreeSet::new();
    for item in &s.columns {
        if let Some(alias) = &item.alias {
            return Err(CqlError::invalid(format!(
                "Cannot use aliases when defining a materialized view (got {} AS {})",
                item.selector,
                quote_ident(alias)
            )));
        }
        let Selector::Column(name) = &item.selector else {
            return Err(CqlError::invalid(format!(
                "Can only select columns by name when defining a materialized view (got {})",
                item.selector
            )));
        };
        if base.column(name).is_none() {
            return Err(CqlError::invalid(format!(
                "Undefined column name {} in table {}.{}",
                quote_ident(name),
                quote_ident(&base.keyspace),
                quote_ident(&base.name)
            )));
        }
        selected.insert(name.clone());
    }
    Ok(selected)
}

/// Checks a view key column as Cassandra checks it.
fn check_key_column(column: Option<&Column>, name: &str, view: &str) -> CqlResult<()> {
    let Some(column) = column else {
        return Err(CqlError::invalid(format!(
            "Unknown column '{name}' referenced in PRIMARY KEY for materialized view '{view}'"
        )));
    };
    let typ = &column.typ;
    let multi_cell =
        !column.frozen && types::is_freezable(typ) && !matches!(typ, ColumnType::Tuple(_));
    if multi_cell {
        let what = if types::is_collection(typ) {
            "collection"
        } else {
            "user-defined"
        };
        return Err(CqlError::invalid(format!(
            "Invalid non-frozen {what} type '{}' for PRIMARY KEY column '{name}'",
            types::cql_type_string(typ, false)
        )));
    }
    if *typ == ColumnType::Counter {
        return Err(CqlError::invalid(format!(
            "counter type is not supported for PRIMARY KEY column '{name}'"
        )));
    }
    if types::references_duration(typ) {
        return Err(CqlError::invalid(format!(
            "duration type is not supported for PRIMARY KEY column '{name}'"
        )));
    }
    Ok(())
}

/// The view a CREATE MATERIALIZED VIEW describes over `base`, checked in Cassandra's order.
fn build(keyspace: &Keyspace, base: &Table, s: &CreateView) -> CqlResult<View> {
    let view_name = &s.name.name;
    let base_name = &base.name;
    if base.columns.iter().any(|c| c.typ == ColumnType::Counter) {
        return Err(CqlError::invalid(
            "Materialized views are not supported on counter tables",
        ));
    }
    if base.options.gc_grace_seconds == 0 {
        return Err(CqlError::invalid(format!(
            "Cannot create materialized view '{view_name}' for base table '{base_name}' with gc_grace_seconds of 0, since this value is used to TTL undelivered updates. Setting gc_grace_seconds too low might cause undelivered updates to expire before being replayed."
        )));
    }
    let selected = selected_columns(base, s)?;
    if let Some(c) = base
        .columns
        .iter()
        .find(|c| c.kind == ColumnKind::Static && selected.contains(&c.name))
    {
        return Err(CqlError::invalid(format!(
            "Cannot include static column '{}' in materialized view '{view_name}'",
            c.name
        )));
    }
    let mut key: Vec<&str> = Vec::new();
    for name in s.partition_key.iter().chain(&s.clustering_key) {
        let column = base.column(name).filter(|_| selected.contains(name));
        check_key_column(column, name, view_name)?;
        if key.contains(&name.as_str()) {
            return Err(CqlError::invalid(format!(
                "Duplicate column '{name}' in PRIMARY KEY clause for materialized view '{view_name}'"
            )));
        }
        key.push(name);
    }
    if !s.clustering_order.is_empty() {
        let ordered: Vec<&String> = s.clustering_order.iter().map(|(c, _)| c).collect();
        if ordered != s.clustering_key.iter().collect::<Vec<_>>() {
            return Err(CqlError::invalid(
                "Clustering key columns must exactly match columns in CLUSTERING ORDER BY directive",
            ));
        }
    }
    let base_key: Vec<&Column> = base.partition_key().chain(base.clustering()).collect();
    let missing: Vec<&str> = base_key
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| !key.contains(n))
        .collect();
    if !missing.is_empty() {
        return Err(CqlError::invalid(format!(
            "Cannot create materialized view '{view_name}' without primary key columns {} from base table '{base_name}'",
            missing.join(", ")
        )));
    }
    let regular_in_key: Vec<&str> = key
        .iter()
        .copied()
        .filter(|n| !base_key.iter().any(|c| c.name == *n))
        .collect();
    if regular_in_key.len() > 1 {
        return Err(CqlError::invalid(format!(
            "Cannot include more than one non-primary key column in materialized view primary key (got {})",
            regular_in_key.join(", ")
        )));
    }
    check_where(base, s, &key)?;

    let mut opts = TableOptions::default();
    let id = options::apply_table_properties(&mut opts, &s.properties, true)?;
    if s.properties.get("default_time_to_live").is_some() {
        return Err(CqlError::invalid(
            "Cannot set default_time_to_live for a materialized view. Data in a materialized view always expire at the same time than the corresponding data in the parent table.",
        ));
    }
    let column_of = |name: &str, kind: ColumnKind, position: usize| -> Option<Column> {
        let c = base.column(name)?;
        let order = match kind {
            ColumnKind::Clustering => match s.clustering_order.get(position) {
                Some((_, Order::Desc)) => ClusteringOrder::Desc,
                Some((_, Order::Asc)) => ClusteringOrder::Asc,
                None if c.order == ClusteringOrder::Desc => ClusteringOrder::Desc,
                None => ClusteringOrder::Asc,
            },
            _ => ClusteringOrder::None,
        };
        let position = match kind {
            ColumnKind::PartitionKey | ColumnKind::Clustering => {
                i32::try_from(position).unwrap_or(i32::MAX)
            }
            _ => -1,
        };
        Some(Column {
            name: c.name.clone(),
            typ: c.typ.clone(),
            frozen: c.frozen,
            kind,
            position,
            order,
        })
    };
    let mut columns = Vec::new();
    for (i, n) in s.partition_key.iter().enumerate() {
        columns.extend(column_of(n, ColumnKind::PartitionKey, i));
    }
    for (i, n) in s.clustering_key.iter().enumerate() {
        columns.extend(column_of(n, ColumnKind::Clustering, i));
    }
    for n in selected.iter().filter(|n| !key.contains(&n.as_str())) {
        columns.extend(column_of(n, ColumnKind::Regular, 0));
    }
    sort_columns(&mut columns);
    let where_clause = s
        .where_clause
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" AND ");
    Ok(View {
        base_table: base_name.clone(),
        base_table_id: base.id,
        include_all_columns: s.columns.is_empty(),
        where_clause,
        filters: s.where_clause.clone(),
        table: Table {
            keyspace: keyspace.name.clone(),
            name: view_name.clone(),
            id: id.unwrap_or_else(Uuid::new_v4),
            columns,
            options: opts,
            indexes: BTreeMap::new(),
            triggers: BTreeMap::new(),
            is_virtual: false,
        },
    })
}

/// The WHERE clause checks: no token relations, every key column restricted, non-key
/// columns only with `IS NOT NULL`.
fn check_where(base: &Table, s: &CreateView, key: &[&str]) -> CqlResult<()> {
    let mut restricted: Vec<&str> = Vec::new();
    let mut illegal: Vec<&str> = Vec::new();
    for r in &s.where_clause {
        let (columns, is_not_null): (Vec<&str>, bool) = match r {
            Relation::Token { .. } => {
                return Err(CqlError::invalid(
                    "Cannot use token relation when defining a materialized view",
                ));
            }
            Relation::IsNotNull { column } => (vec![column.as_str()], true),
            Relation::Compare { column, .. }
            | Relation::In { column, .. }
            | Relation::Contains { column, .. }
            | Relation::Like { column, .. }
            | Relation::Element { column, .. } => (vec![column.as_str()], false),
            Relation::MultiCompare { columns, .. } | Relation::MultiIn { columns, .. } => {
                (columns.iter().map(String::as_str).collect(), false)
            }
        };
        for c in columns {
            let Some(column) = base.column(c) else {
                return Err(CqlError::invalid(format!(
                    "Undefined column name {}",
                    quote_ident(c)
                )));
            };
            restricted.push(c);
            let is_key = matches!(
                column.kind,
                ColumnKind::PartitionKey | ColumnKind::Clustering
            );
            if !is_key && !is_not_null && !illegal.contains(&c) {
                illegal.push(c);
            }
        }
    }
    let unrestricted: Vec<&str> = key
        .iter()
        .copied()
        .filter(|k| !restricted.contains(k))
        .collect();
    if !unrestricted.is_empty() {
        return Err(CqlError::invalid(format!(
            "Primary key columns {} must be restricted with 'IS NOT NULL' or otherwise",
            unrestricted.join(", ")
        )));
    }
    if !illegal.is_empty() {
        return Err(CqlError::invalid(format!(
            "Non-primary key columns can only be restricted with 'IS NOT NULL' (got: {} restricted illegally)",
            illegal.join(",")
        )));
    }
    Ok(())
}

fn missing_view(keyspace: &str, name: &str) -> CqlError {
    CqlError::invalid(format!(
        "Materialized view '{keyspace}.{name}' doesn't exist"
    ))
}

/// `ALTER MATERIALIZED VIEW [IF EXISTS] v WITH ...`.
pub(super) fn alter(
    schema: &mut Schema,
    s: &AlterView,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.name, session)?;
    let name = &s.name.name;
    if let Some(v) = schema.view(&ks_name, name) {
        authorize(&ks_name, Perm::Alter, Resource::Table(&v.base_table))?;
    }
    check_modifiable(schema, &ks_name)?;
    let Some(view) = schema
        .keyspaces
        .get_mut(&ks_name)
        .and_then(|k| k.views.get_mut(name))
    else {
        if s.if_exists {
            return Ok(None);
        }
        return Err(missing_view(&ks_name, name));
    };
    let mut opts = view.table.options.clone();
    options::apply_table_properties(&mut opts, &s.properties, false)?;
    if opts.gc_grace_seconds == 0 {
        return Err(CqlError::invalid(
            "Cannot alter gc_grace_seconds of a materialized view to 0, since this value is used to TTL undelivered updates. Setting gc_grace_seconds too low might cause undelivered updates to expire before being replayed.",
        ));
    }
    if opts.default_time_to_live > 0 {
        return Err(CqlError::invalid(
            "Forbidden default_time_to_live detected for a materialized view. Data in a materialized view always expire at the same time than the corresponding data in the parent table. default_time_to_live must be set to zero, see CASSANDRA-12868 for more information",
        ));
    }
    if opts == view.table.options {
        return Ok(None);
    }
    view.table.options = opts;
    Ok(change(
        SchemaChangeType::Updated,
        table_target(&ks_name, name),
    ))
}

/// `DROP MATERIALIZED VIEW [IF EXISTS] v`.
pub(super) fn drop(
    schema: &mut Schema,
    name: &QualifiedName,
    if_exists: bool,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(name, session)?;
    if let Some(v) = schema.view(&ks_name, &name.name) {
        authorize(&ks_name, Perm::Alter, Resource::Table(&v.base_table))?;
    }
    check_modifiable(schema, &ks_name)?;
    let removed = schema
        .keyspaces
        .get_mut(&ks_name)
        .and_then(|k| k.views.remove(&name.name));
    if removed.is_none() {
        if if_exists {
            return Ok(None);
        }
        return Err(missing_view(&ks_name, &name.name));
    }
    Ok(change(
        SchemaChangeType::Dropped,
        table_target(&ks_name, &name.name),
    ))
}

/// Gives the `SELECT *` views of `base` the regular columns ALTER TABLE ADD gave it.
pub(super) fn follow_base_columns(keyspace: &mut Keyspace, base: &Table) {
    for view in keyspace.views.values_mut() {
        if view.base_table_id != base.id || !view.include_all_columns {
            continue;
        }
        for c in base
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Regular)
        {
            if view.table.column(&c.name).is_none() {
                view.table.columns.push(c.clone());
            }
        }
        sort_columns(&mut view.table.columns);
    }
}
