//! CREATE/ALTER/DROP TABLE: definitions, column order, the ALTER actions and their
//! checks against indexes and views, as Cassandra 4.1 makes them.

use super::*;
use crate::sim::schema::graph_labels;

pub(super) fn create_table(
    schema: &mut Schema,
    s: &CreateTable,
    session: Option<&str>,
    dse_graph: bool,
) -> CqlResult<Option<SchemaChange>> {
    if s.graph_label.is_some() && !dse_graph {
        // Cassandra reads `WITH vertex ...` as a property missing its `=`.
        return Err(CqlError::syntax(
            "mismatched input 'LABEL' expecting '=' (VERTEX/EDGE LABEL is DSE 6.8 syntax)",
        ));
    }
    let ks_name = keyspace_of(&s.name, session)?;
    authorize(&ks_name, Perm::Create, Resource::Keyspace)?;
    check_modifiable(schema, &ks_name)?;
    let Some(keyspace) = schema.keyspaces.get_mut(&ks_name) else {
        return Err(missing_keyspace(&ks_name));
    };
    if keyspace.tables.contains_key(&s.name.name) {
        if s.if_not_exists {
            return Ok(None);
        }
        return Err(CqlError::already_exists(
            &ks_name,
            &s.name.name,
            format!(
                "Cannot add already existing table \"{}\" to keyspace \"{ks_name}\"",
                s.name.name
            ),
        ));
    }
    let mut table = build_table(keyspace, s)?;
    if let Some(label) = &s.graph_label {
        table.options.graph_label = Some(graph_labels::resolve(keyspace, &table, label)?);
    }
    keyspace.tables.insert(table.name.clone(), table);
    Ok(change(
        SchemaChangeType::Created,
        table_target(&ks_name, &s.name.name),
    ))
}

/// Builds the table a CREATE TABLE statement describes in `keyspace` (its user types
/// resolve column types), with every check Cassandra makes on the definition. The table
/// gets a random id unless the statement gives one (`WITH id = ...`).
///
/// # Errors
/// `Invalid`, `ConfigError` or `SyntaxError` as Cassandra.
pub fn build_table(keyspace: &Keyspace, s: &CreateTable) -> CqlResult<Table> {
    let table_name = &s.name.name;
    let mut seen = BTreeSet::new();
    for c in &s.columns {
        if !seen.insert(c.name.as_str()) {
            return Err(CqlError::invalid(format!(
                "Multiple definition of identifier {}",
                c.name
            )));
        }
    }
    let mut opts = TableOptions::default();
    let id = options::apply_table_properties(&mut opts, &s.properties, true)?;

    // Types, in name order as Cassandra prepares them.
    let mut resolved: BTreeMap<&str, (ResolvedType, &ColumnDef)> = BTreeMap::new();
    for c in &s.columns {
        let t = types::resolve(&c.ty, &keyspace.name, &keyspace.types)?;
        resolved.insert(c.name.as_str(), (t, c));
    }
    for (t, _) in resolved.values() {
        check_udt_nesting(keyspace, t, None)?;
    }

    let mut pk_seen = BTreeSet::new();
    for name in s.partition_key.iter().chain(&s.clustering_key) {
        let Some((t, def)) = resolved.get(name.as_str()) else {
            return Err(CqlError::invalid(format!(
                "Unknown column '{name}' referenced in PRIMARY KEY for table '{table_name}'"
            )));
        };
        if !pk_seen.insert(name.as_str()) {
            return Err(CqlError::invalid(format!(
                "Duplicate column '{name}' in PRIMARY KEY clause for table '{table_name}'"
            )));
        }
        if t.is_multi_cell() {
            let what = if types::is_collection(&t.typ) {
                "non-frozen collection type"
            } else {
                "non-frozen user-defined type"
            };
            return Err(CqlError::invalid(format!(
                "Invalid {what} {} for PRIMARY KEY column '{name}'",
                types::cql_type_string(&t.typ, false)
            )));
        }
        if t.typ == ColumnType::Counter {
            return Err(CqlError::invalid(format!(
                "counter type is not supported for PRIMARY KEY column '{name}'"
            )));
        }
        if types::references_duration(&t.typ) {
            return Err(CqlError::invalid(format!(
                "duration type is not supported for PRIMARY KEY column '{name}'"
            )));
        }
        if def.is_static {
            return Err(CqlError::invalid(format!(
                "Static column '{name}' cannot be part of the PRIMARY KEY"
            )));
        }
    }

    let mut order: Vec<(&str, Order)> = Vec::new();
    for (c, o) in &s.clustering_order {
        if order.iter().any(|(n, _)| n == c) {
            return Err(CqlError::invalid(format!(
                "Duplicate column '{c}' in CLUSTERING ORDER BY clause for table '{table_name}'"
            )));
        }
        order.push((c.as_str(), *o));
    }
    if order.len() > s.clustering_key.len() {
        return Err(CqlError::invalid(
            "Only clustering columns can be defined in CLUSTERING ORDER directive",
        ));
    }
    for (n, (id, _)) in order.iter().enumerate() {
        let Some(c) = s.clustering_key.get(n) else {
            break;
        };
        if id != c {
            if order.iter().any(|(o, _)| o == c) {
                return Err(CqlError::invalid(format!(
                    "The order of columns in the CLUSTERING ORDER directive must match that of the clustering columns ({c} must appear before {id})"
                )));
            }
            return Err(CqlError::invalid(format!(
                "Missing CLUSTERING ORDER for column {c}"
            )));
        }
    }

    let has_static = s.columns.iter().any(|c| c.is_static);
    if s.clustering_key.is_empty() && has_static {
        return Err(CqlError::invalid(
            "Static columns are only useful (and thus allowed) if the table has at least one clustering column",
        ));
    }

    let has_counters = s
        .columns
        .iter()
        .any(|c| c.ty == CqlType::Native(NativeType::Counter));
    if has_counters {
        let mixed = resolved
            .iter()
            .filter(|(n, _)| !pk_seen.contains(*n))
            .any(|(_, (t, _))| t.typ != ColumnType::Counter);
        if mixed {
            return Err(CqlError::invalid(
                "Cannot mix counter and non counter columns in the same table",
            ));
        }
        if opts.default_time_to_live > 0 {
            return Err(CqlError::invalid(
                "Cannot set default_time_to_live on a table with counters",
            ));
        }
        opts.flags = vec!["compound".to_string(), "counter".to_string()];
    }

    if !options::is_valid_name(table_name) {
        return Err(CqlError::config(format!(
            "Table name must not be empty, more than {} characters long, or contain non-alphanumeric-underscore characters (got \"{table_name}\")",
            options::NAME_LENGTH
        )));
    }

    let mut columns = Vec::with_capacity(s.columns.len());
    for (i, name) in s.partition_key.iter().enumerate() {
        if let Some((t, _)) = resolved.get(name.as_str()) {
            columns.push(column(
                name,
                t,
                ColumnKind::PartitionKey,
                i,
                ClusteringOrder::None,
            ));
        }
    }
    for (i, name) in s.clustering_key.iter().enumerate() {
        if let Some((t, def)) = resolved.get(name.as_str()) {
            // A column declared with a custom ReversedType sorts descending, as
            // CLUSTERING ORDER BY ... DESC would make it.
            let reversed = matches!(&def.ty, CqlType::Custom(c) if types::is_reversed_class(c));
            let o = match order.get(i) {
                Some((_, Order::Desc)) => ClusteringOrder::Desc,
                _ if reversed => ClusteringOrder::Desc,
                _ => ClusteringOrder::Asc,
            };
            columns.push(column(name, t, ColumnKind::Clustering, i, o));
        }
    }
    for (name, (t, def)) in &resolved {
        if pk_seen.contains(name) {
            continue;
        }
        let kind = if def.is_static {
            ColumnKind::Static
        } else {
            ColumnKind::Regular
        };
        columns.push(column(name, t, kind, 0, ClusteringOrder::None));
    }
    sort_columns(&mut columns);
    Ok(Table {
        keyspace: keyspace.name.clone(),
        name: table_name.clone(),
        id: id.unwrap_or_else(Uuid::new_v4),
        columns,
        options: opts,
        indexes: BTreeMap::new(),
        triggers: BTreeMap::new(),
        is_virtual: false,
    })
}

fn column(
    name: &str,
    t: &ResolvedType,
    kind: ColumnKind,
    position: usize,
    order: ClusteringOrder,
) -> Column {
    let position = match kind {
        ColumnKind::PartitionKey | ColumnKind::Clustering => {
            i32::try_from(position).unwrap_or(i32::MAX)
        }
        _ => -1,
    };
    Column {
        name: name.to_string(),
        typ: t.typ.clone(),
        frozen: t.frozen,
        kind,
        position,
        order,
    }
}

/// Puts columns in the model's order: partition key and clustering columns by position,
/// then static columns by name, then regular columns by name.
pub fn sort_columns(columns: &mut [Column]) {
    columns.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(a.position.cmp(&b.position))
            .then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
    });
}

/// Refuses a non-frozen user type with a non-frozen collection field.
fn check_udt_nesting(keyspace: &Keyspace, t: &ResolvedType, column: Option<&str>) -> CqlResult<()> {
    if !t.is_multi_cell() {
        return Ok(());
    }
    let ColumnType::Udt { name, .. } = &t.typ else {
        return Ok(());
    };
    let Some(udt) = keyspace.types.get(name) else {
        return Ok(());
    };
    let nested = udt
        .fields
        .iter()
        .enumerate()
        .any(|(i, (_, ft))| types::is_collection(ft) && !udt.field_frozen(i));
    if nested {
        return Err(CqlError::invalid(match column {
            None => {
                "Non-frozen UDTs with nested non-frozen collections are not supported".to_string()
            }
            Some(c) => format!(
                "Non-frozen UDTs with nested non-frozen collections are not supported for column {c}"
            ),
        }));
    }
    Ok(())
}

pub(super) fn alter_table(
    schema: &mut Schema,
    s: &AlterTable,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.name, session)?;
    let t_name = &s.name.name;
    authorize(&ks_name, Perm::Alter, Resource::Table(t_name))?;
    check_modifiable(schema, &ks_name)?;
    let Some(keyspace) = schema.keyspaces.get(&ks_name) else {
        if s.if_exists {
            return Ok(None);
        }
        return Err(missing_table(&ks_name, t_name));
    };
    if keyspace.views.contains_key(t_name) {
        return Err(CqlError::invalid(
            "Cannot use ALTER TABLE on a materialized view; use ALTER MATERIALIZED VIEW instead",
        ));
    }
    let Some(before) = keyspace.tables.get(t_name) else {
        if s.if_exists {
            return Ok(None);
        }
        return Err(missing_table(&ks_name, t_name));
    };
    let has_views = keyspace
        .views
        .values()
        .any(|v| v.base_table_id == before.id);
    let mut table = before.clone();
    match &s.action {
        AlterTableAction::AlterType { .. } => {
            return Err(CqlError::invalid(
                "Altering column types is no longer supported",
            ));
        }
        AlterTableAction::Add {
            if_not_exists,
            columns,
        } => add_columns(keyspace, &mut table, columns, *if_not_exists)?,
        AlterTableAction::Drop {
            if_exists, columns, ..
        } => drop_columns(&mut table, columns, *if_exists, has_views)?,
        AlterTableAction::Rename { if_exists, renames } => {
            rename_columns(&mut table, renames, *if_exists)?;
        }
        AlterTableAction::With(props) => {
            let mut opts = table.options.clone();
            options::apply_table_properties(&mut opts, props, false)?;
            let is_counter = table.columns.iter().any(|c| c.typ == ColumnType::Counter);
            if is_counter && opts.default_time_to_live > 0 {
                return Err(CqlError::invalid(
                    "Cannot set default_time_to_live on a table with counters",
                ));
            }
            table.options = opts;
        }
    }
    if &table == before {
        return Ok(None);
    }
    if let Some(ks) = schema.keyspaces.get_mut(&ks_name) {
        views::follow_base_columns(ks, &table);
        ks.tables.insert(t_name.clone(), table);
    }
    Ok(change(
        SchemaChangeType::Updated,
        table_target(&ks_name, t_name),
    ))
}

fn add_columns(
    keyspace: &Keyspace,
    table: &mut Table,
    defs: &[ColumnDef],
    if_not_exists: bool,
) -> CqlResult<()> {
    let is_counter = table.columns.iter().any(|c| c.typ == ColumnType::Counter);
    for def in defs {
        let t = types::resolve(&def.ty, &keyspace.name, &keyspace.types)?;
        if table.column(&def.name).is_some() {
            if if_not_exists {
                continue;
            }
            return Err(CqlError::invalid(format!(
                "Column with name '{}' already exists",
                def.name
            )));
        }
        if def.is_static && table.clustering().next().is_none() {
            return Err(CqlError::invalid(
                "Static columns are only useful (and thus allowed) if the table has at least one clustering column",
            ));
        }
        check_udt_nesting(keyspace, &t, Some(&def.name))?;
        let counter = t.typ == ColumnType::Counter;
        if counter && !is_counter {
            return Err(CqlError::config(format!(
                "Cannot add a counter column ({}) in a non counter column family",
                def.name
            )));
        }
        if !counter && is_counter {
            return Err(CqlError::config(format!(
                "Cannot add a non counter column ({}) in a counter column family",
                def.name
            )));
        }
        let kind = if def.is_static {
            ColumnKind::Static
        } else {
            ColumnKind::Regular
        };
        table
            .columns
            .push(column(&def.name, &t, kind, 0, ClusteringOrder::None));
    }
    sort_columns(&mut table.columns);
    Ok(())
}

/// The column an index's `target` option names.
pub fn index_target_column(target: &str) -> String {
    let inner = ["keys(", "values(", "entries(", "full("]
        .iter()
        .find_map(|p| target.strip_prefix(p).and_then(|r| r.strip_suffix(')')))
        .unwrap_or(target);
    match inner.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(q) => q.replace("\"\"", "\""),
        None => inner.to_string(),
    }
}

fn dependent_indexes(table: &Table, column: &str, rename: bool) -> CqlResult<()> {
    let dependent: Vec<&str> = table
        .indexes
        .values()
        .filter(|i| {
            i.options
                .get("target")
                .is_none_or(|t| index_target_column(t) == column)
        })
        .map(|i| i.name.as_str())
        .collect();
    if dependent.is_empty() {
        return Ok(());
    }
    Err(CqlError::invalid(format!(
        "Cannot {} column {column} because it has dependent secondary indexes ({})",
        if rename { "rename" } else { "drop" },
        dependent.join(", ")
    )))
}

fn drop_columns(
    table: &mut Table,
    names: &[String],
    if_exists: bool,
    has_views: bool,
) -> CqlResult<()> {
    for name in names {
        let Some(current) = table.column(name) else {
            if if_exists {
                continue;
            }
            return Err(CqlError::invalid(format!(
                "Column {name} was not found in table '{}'",
                table_display(&table.keyspace, &table.name)
            )));
        };
        if matches!(
            current.kind,
            ColumnKind::PartitionKey | ColumnKind::Clustering
        ) {
            return Err(CqlError::invalid(format!(
                "Cannot drop PRIMARY KEY column {name}"
            )));
        }
        if matches!(current.typ, ColumnType::Udt { .. }) && !current.frozen {
            return Err(CqlError::invalid(format!(
                "Cannot drop non-frozen column {name} of user type {}",
                types::cql_type_string(&current.typ, false)
            )));
        }
        dependent_indexes(table, name, false)?;
        if has_views {
            return Err(CqlError::invalid(format!(
                "Cannot drop column {} on base table {} with materialized views",
                quote_ident(name),
                table.name
            )));
        }
        table.columns.retain(|c| &c.name != name);
    }
    Ok(())
}

fn rename_columns(
    table: &mut Table,
    renames: &[(String, String)],
    if_exists: bool,
) -> CqlResult<()> {
    for (old, new) in renames {
        let Some(current) = table.column(old) else {
            if if_exists {
                continue;
            }
            return Err(CqlError::invalid(format!(
                "Column {old} was not found in table {}",
                table_display(&table.keyspace, &table.name)
            )));
        };
        if !matches!(
            current.kind,
            ColumnKind::PartitionKey | ColumnKind::Clustering
        ) {
            return Err(CqlError::invalid(format!(
                "Cannot rename non PRIMARY KEY column {old}"
            )));
        }
        if table.column(new).is_some() {
            return Err(CqlError::invalid(format!(
                "Cannot rename column {old} to {new} in table '{}'; another column with that name already exists",
                table_display(&table.keyspace, &table.name)
            )));
        }
        dependent_indexes(table, old, true)?;
        for c in &mut table.columns {
            if &c.name == old {
                c.name = new.clone();
            }
        }
    }
    Ok(())
}

pub(super) fn drop_table(
    schema: &mut Schema,
    name: &QualifiedName,
    if_exists: bool,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(name, session)?;
    authorize(&ks_name, Perm::Drop, Resource::Table(&name.name))?;
    check_modifiable(schema, &ks_name)?;
    if let Some(ks) = schema.keyspace(&ks_name) {
        if ks.views.contains_key(&name.name) {
            return Err(CqlError::invalid(
                "Cannot use DROP TABLE on a materialized view. Please use DROP MATERIALIZED VIEW instead.",
            ));
        }
        if let Some(t) = ks.tables.get(&name.name) {
            if ks.views.values().any(|v| v.base_table_id == t.id) {
                // Cassandra's format string prints the keyspace where the views belong.
                return Err(CqlError::invalid(format!(
                    "Cannot drop a table when materialized views still depend on it ({ks_name})"
                )));
            }
        }
    }
    let removed = schema
        .keyspaces
        .get_mut(&ks_name)
        .and_then(|k| k.tables.remove(&name.name));
    if removed.is_none() {
        if if_exists {
            return Ok(None);
        }
        return Err(missing_table(&ks_name, &name.name));
    }
    Ok(change(
        SchemaChangeType::Dropped,
        table_target(&ks_name, &name.name),
    ))
}
