//! DDL execution: CREATE/ALTER/DROP KEYSPACE, TABLE, TYPE and INDEX applied to a [`Schema`],
//! with Cassandra 4.1's checks, in its order, and its error wording; functions, aggregates,
//! materialized views and triggers are dispatched to their own modules.

use std::collections::{BTreeMap, BTreeSet};

use cql_core::message::{SchemaChange, SchemaChangeTarget, SchemaChangeType};
use cql_core::types::ColumnType;
use uuid::Uuid;

use super::features::SchemaFeatures;
use super::options::{self, ReplicationContext};
use super::types::{self, ResolvedType};
use super::{ClusteringOrder, Column, ColumnKind, Index, Keyspace, Schema, Table, TableOptions};
use super::{UserType, aggregates, functions, triggers, views};
use crate::cql::ast::{
    AlterKeyspace, AlterTable, AlterTableAction, AlterType, AlterTypeAction, ColumnDef, CqlType,
    CreateIndex, CreateKeyspace, CreateTable, CreateType, IndexKind, NativeType, Order,
    QualifiedName, Statement, quote_ident,
};
use crate::sim::error::{CqlError, CqlResult};

/// Keyspaces local to each node (plus the virtual ones): no DDL at all.
pub const LOCAL_SYSTEM_KEYSPACES: [&str; 4] = [
    "system",
    "system_schema",
    "system_views",
    "system_virtual_schema",
];
/// Replicated system keyspaces: only ALTER KEYSPACE is allowed.
pub const REPLICATED_SYSTEM_KEYSPACES: [&str; 3] =
    ["system_auth", "system_distributed", "system_traces"];

const NO_KEYSPACE: &str =
    "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename";

/// Applies a DDL statement. Returns the schema change to announce, or `None` when an
/// `IF [NOT] EXISTS` made it a no-op (or the statement changed nothing).
/// `session_keyspace` resolves unqualified names. NetworkTopologyStrategy datacenters are
/// not checked (see [`execute_with`]).
///
/// # Errors
/// Cassandra's errors: `AlreadyExists`, `Invalid` (unknown keyspace/table/type, bad
/// definitions), `ConfigError` (bad options), `SyntaxError` (unknown properties),
/// `Unauthorized` (system keyspaces).
pub fn execute(
    schema: &mut Schema,
    statement: &Statement,
    session_keyspace: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    execute_with(
        schema,
        statement,
        session_keyspace,
        &ReplicationContext::default(),
    )
}

/// [`execute`], checking NetworkTopologyStrategy datacenters against `ctx` and expanding
/// its `replication_factor` option to them.
///
/// # Errors
/// As [`execute`].
pub fn execute_with(
    schema: &mut Schema,
    statement: &Statement,
    session_keyspace: Option<&str>,
    ctx: &ReplicationContext,
) -> CqlResult<Option<SchemaChange>> {
    execute_in(
        schema,
        statement,
        session_keyspace,
        ctx,
        &SchemaFeatures::default(),
    )
}

/// [`execute_with`], refusing the functions and views `features` switches off as
/// Cassandra refuses them.
///
/// # Errors
/// As [`execute`].
pub fn execute_in(
    schema: &mut Schema,
    statement: &Statement,
    session_keyspace: Option<&str>,
    ctx: &ReplicationContext,
    features: &SchemaFeatures,
) -> CqlResult<Option<SchemaChange>> {
    let session = session_keyspace;
    match statement {
        Statement::CreateFunction(s) => functions::create(schema, s, session, features),
        Statement::DropFunction(s) => functions::drop(schema, s, session),
        Statement::CreateAggregate(s) => aggregates::create(schema, s, session),
        Statement::DropAggregate(s) => aggregates::drop(schema, s, session),
        Statement::CreateView(s) => views::create(schema, s, session, features),
        Statement::AlterView(s) => views::alter(schema, s, session),
        Statement::DropView { name, if_exists } => views::drop(schema, name, *if_exists, session),
        Statement::CreateTrigger(s) => triggers::create(schema, s, session),
        Statement::DropTrigger(s) => triggers::drop(schema, s, session),
        Statement::CreateKeyspace(s) => create_keyspace(schema, s, ctx),
        Statement::AlterKeyspace(s) => alter_keyspace(schema, s, ctx),
        Statement::DropKeyspace { name, if_exists } => drop_keyspace(schema, name, *if_exists),
        Statement::CreateTable(s) => create_table(schema, s, session_keyspace),
        Statement::AlterTable(s) => alter_table(schema, s, session_keyspace),
        Statement::DropTable { name, if_exists } => {
            drop_table(schema, name, *if_exists, session_keyspace)
        }
        Statement::CreateType(s) => create_type(schema, s, session_keyspace),
        Statement::AlterType(s) => alter_type(schema, s, session_keyspace),
        Statement::DropType { name, if_exists } => {
            drop_type(schema, name, *if_exists, session_keyspace)
        }
        Statement::CreateIndex(s) => create_index(schema, s, session_keyspace),
        Statement::DropIndex { name, if_exists } => {
            drop_index(schema, name, *if_exists, session_keyspace)
        }
        _ => Err(CqlError::invalid("Not a schema statement")),
    }
}

pub(super) fn change(
    change_type: SchemaChangeType,
    target: SchemaChangeTarget,
) -> Option<SchemaChange> {
    Some(SchemaChange {
        change_type,
        target,
    })
}

fn keyspace_target(keyspace: &str) -> SchemaChangeTarget {
    SchemaChangeTarget::Keyspace {
        keyspace: keyspace.to_string(),
    }
}

pub(super) fn table_target(keyspace: &str, name: &str) -> SchemaChangeTarget {
    SchemaChangeTarget::Table {
        keyspace: keyspace.to_string(),
        name: name.to_string(),
    }
}

fn type_target(keyspace: &str, name: &str) -> SchemaChangeTarget {
    SchemaChangeTarget::Type {
        keyspace: keyspace.to_string(),
        name: name.to_string(),
    }
}

/// Whether a keyspace is a node-local system keyspace (`system`, `system_schema`, and the
/// virtual ones).
pub fn is_local_system_keyspace(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    LOCAL_SYSTEM_KEYSPACES.contains(&lower.as_str())
}

/// Whether a keyspace is a replicated system keyspace (`system_auth`,
/// `system_distributed`, `system_traces`).
pub fn is_replicated_system_keyspace(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    REPLICATED_SYSTEM_KEYSPACES.contains(&lower.as_str())
}

pub(super) fn keyspace_of(name: &QualifiedName, session: Option<&str>) -> CqlResult<String> {
    name.keyspace
        .clone()
        .or_else(|| session.map(str::to_string))
        .ok_or_else(|| CqlError::invalid(NO_KEYSPACE))
}

#[derive(Clone, Copy)]
pub(super) enum Perm {
    Create,
    Alter,
    Drop,
}

impl Perm {
    fn name(self) -> &'static str {
        match self {
            Perm::Create => "CREATE",
            Perm::Alter => "ALTER",
            Perm::Drop => "DROP",
        }
    }
}

pub(super) enum Resource<'a> {
    Keyspace,
    AllTables,
    Table(&'a str),
}

/// Cassandra's `ClientState.preventSystemKSSchemaModification`.
pub(super) fn authorize(keyspace: &str, perm: Perm, resource: Resource<'_>) -> CqlResult<()> {
    if is_local_system_keyspace(keyspace) {
        return Err(CqlError::unauthorized(format!(
            "{keyspace} keyspace is not user-modifiable."
        )));
    }
    if is_replicated_system_keyspace(keyspace) {
        if matches!(perm, Perm::Alter) && matches!(resource, Resource::Keyspace) {
            return Ok(());
        }
        let resource = match resource {
            Resource::Keyspace => format!("<keyspace {keyspace}>"),
            Resource::AllTables => format!("<all tables in {keyspace}>"),
            Resource::Table(t) => format!("<table {keyspace}.{t}>"),
        };
        return Err(CqlError::unauthorized(format!(
            "Cannot {} {resource}",
            perm.name()
        )));
    }
    Ok(())
}

/// Cassandra's `AlterSchemaStatement.execute` checks, after authorization.
pub(super) fn check_modifiable(schema: &Schema, keyspace: &str) -> CqlResult<()> {
    if is_local_system_keyspace(keyspace) {
        return Err(CqlError::invalid(format!(
            "System keyspace '{keyspace}' is not user-modifiable"
        )));
    }
    if schema.keyspace(keyspace).is_some_and(|k| k.is_virtual) {
        return Err(CqlError::invalid(format!(
            "Virtual keyspace '{keyspace}' is not user-modifiable"
        )));
    }
    if !options::is_valid_name(keyspace) {
        return Err(CqlError::invalid(format!(
            "Keyspace name must not be empty, more than {} characters long, or contain non-alphanumeric-underscore characters (got '{keyspace}')",
            options::NAME_LENGTH
        )));
    }
    Ok(())
}

pub(super) fn missing_keyspace(keyspace: &str) -> CqlError {
    CqlError::invalid(format!("Keyspace '{keyspace}' doesn't exist"))
}

pub(super) fn missing_table(keyspace: &str, table: &str) -> CqlError {
    CqlError::invalid(format!("Table '{keyspace}.{table}' doesn't exist"))
}

/// `ks.t` as Cassandra prints a table (names quoted when needed).
pub(super) fn table_display(keyspace: &str, table: &str) -> String {
    format!("{}.{}", quote_ident(keyspace), quote_ident(table))
}

// ---------------------------------------------------------------------------------------
// Keyspaces

fn create_keyspace(
    schema: &mut Schema,
    s: &CreateKeyspace,
    ctx: &ReplicationContext,
) -> CqlResult<Option<SchemaChange>> {
    check_modifiable(schema, &s.name)?;
    let props = options::keyspace_properties(&s.properties)?;
    let Some(replication) = props.replication else {
        return Err(CqlError::invalid("Missing mandatory option 'replication'"));
    };
    if schema.keyspace(&s.name).is_some() {
        if s.if_not_exists {
            return Ok(None);
        }
        return Err(CqlError::already_exists(
            &s.name,
            "",
            format!("Cannot add existing keyspace \"{}\"", s.name),
        ));
    }
    let replication = options::replication(&replication, &s.name, ctx)?;
    schema.keyspaces.insert(
        s.name.clone(),
        Keyspace {
            name: s.name.clone(),
            durable_writes: props.durable_writes.unwrap_or(true),
            replication,
            tables: BTreeMap::new(),
            types: BTreeMap::new(),
            functions: BTreeMap::new(),
            aggregates: BTreeMap::new(),
            views: BTreeMap::new(),
            is_virtual: false,
        },
    );
    Ok(change(SchemaChangeType::Created, keyspace_target(&s.name)))
}

fn alter_keyspace(
    schema: &mut Schema,
    s: &AlterKeyspace,
    ctx: &ReplicationContext,
) -> CqlResult<Option<SchemaChange>> {
    authorize(&s.name, Perm::Alter, Resource::Keyspace)?;
    check_modifiable(schema, &s.name)?;
    let props = options::keyspace_properties(&s.properties)?;
    let Some(keyspace) = schema.keyspaces.get_mut(&s.name) else {
        if s.if_exists {
            return Ok(None);
        }
        return Err(missing_keyspace(&s.name));
    };
    let replication = match &props.replication {
        Some(r) => options::replication(r, &s.name, ctx)?,
        None => keyspace.replication.clone(),
    };
    let durable_writes = props.durable_writes.unwrap_or(keyspace.durable_writes);
    if replication == keyspace.replication && durable_writes == keyspace.durable_writes {
        return Ok(None);
    }
    keyspace.replication = replication;
    keyspace.durable_writes = durable_writes;
    Ok(change(SchemaChangeType::Updated, keyspace_target(&s.name)))
}

fn drop_keyspace(
    schema: &mut Schema,
    name: &str,
    if_exists: bool,
) -> CqlResult<Option<SchemaChange>> {
    authorize(name, Perm::Drop, Resource::Keyspace)?;
    check_modifiable(schema, name)?;
    if schema.keyspaces.remove(name).is_none() {
        if if_exists {
            return Ok(None);
        }
        return Err(missing_keyspace(name));
    }
    Ok(change(SchemaChangeType::Dropped, keyspace_target(name)))
}

// ---------------------------------------------------------------------------------------
// Tables

fn create_table(
    schema: &mut Schema,
    s: &CreateTable,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
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
    let table = build_table(keyspace, s)?;
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

fn alter_table(
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

fn drop_table(
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

// ---------------------------------------------------------------------------------------
// User types

fn type_display(keyspace: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(keyspace), quote_ident(name))
}

fn create_type(
    schema: &mut Schema,
    s: &CreateType,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.name, session)?;
    authorize(&ks_name, Perm::Create, Resource::AllTables)?;
    check_modifiable(schema, &ks_name)?;
    let Some(keyspace) = schema.keyspaces.get_mut(&ks_name) else {
        return Err(missing_keyspace(&ks_name));
    };
    let type_name = &s.name.name;
    if keyspace.types.contains_key(type_name) {
        if s.if_not_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "A user type with name '{type_name}' already exists"
        )));
    }
    let mut seen = BTreeSet::new();
    for (f, _) in &s.fields {
        if !seen.insert(f.as_str()) {
            return Err(CqlError::invalid(format!(
                "Duplicate field name '{f}' in type '{type_name}'"
            )));
        }
    }
    for (_, ty) in &s.fields {
        check_field_type(ty)?;
    }
    let mut fields = Vec::with_capacity(s.fields.len());
    let mut frozen_fields = Vec::with_capacity(s.fields.len());
    for (f, ty) in &s.fields {
        let t = types::resolve(ty, &ks_name, &keyspace.types)?;
        fields.push((f.clone(), t.typ));
        frozen_fields.push(t.frozen);
    }
    keyspace.types.insert(
        type_name.clone(),
        UserType {
            keyspace: ks_name.clone(),
            name: type_name.clone(),
            fields,
            frozen_fields,
        },
    );
    Ok(change(
        SchemaChangeType::Created,
        type_target(&ks_name, type_name),
    ))
}

fn check_field_type(ty: &CqlType) -> CqlResult<()> {
    if *ty == CqlType::Native(NativeType::Counter) {
        return Err(CqlError::invalid("A user type cannot contain counters"));
    }
    if matches!(ty, CqlType::Udt(_)) {
        return Err(CqlError::invalid(
            "A user type cannot contain non-frozen UDTs",
        ));
    }
    Ok(())
}

fn alter_type(
    schema: &mut Schema,
    s: &AlterType,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.name, session)?;
    authorize(&ks_name, Perm::Alter, Resource::AllTables)?;
    check_modifiable(schema, &ks_name)?;
    let type_name = &s.name.name;
    let Some(keyspace) = schema.keyspaces.get(&ks_name) else {
        if s.if_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "Type {ks_name}.{type_name} doesn't exist"
        )));
    };
    let Some(before) = keyspace.types.get(type_name) else {
        if s.if_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "Type {ks_name}.{type_name} doesn't exist"
        )));
    };
    let display = type_display(&ks_name, type_name);
    let mut udt = before.clone();
    match &s.action {
        AlterTypeAction::Add {
            if_not_exists,
            field,
            ty,
        } => {
            if udt.fields.iter().any(|(f, _)| f == field) {
                if !*if_not_exists {
                    return Err(CqlError::invalid(format!(
                        "Cannot add field {field} to type {display}: a field with name {field} already exists"
                    )));
                }
            } else {
                check_field_type(ty)?;
                let t = types::resolve(ty, &ks_name, &keyspace.types)?;
                if types::references_udt(&t.typ, &ks_name, type_name) {
                    return Err(CqlError::invalid(format!(
                        "Cannot add new field {field} of type {ty} to user type {display} as it would create a circular reference"
                    )));
                }
                let in_pk: Vec<String> = keyspace
                    .tables
                    .values()
                    .filter(|t| {
                        t.partition_key()
                            .any(|c| types::references_udt(&c.typ, &ks_name, type_name))
                    })
                    .map(|t| table_display(&t.keyspace, &t.name))
                    .collect();
                if !in_pk.is_empty() {
                    return Err(CqlError::invalid(format!(
                        "Cannot add new field {field} of type {ty} to user type {display} as the type is being used in partition key by the following tables: {}",
                        in_pk.join(", ")
                    )));
                }
                udt.fields.push((field.clone(), t.typ));
                udt.frozen_fields.resize(udt.fields.len() - 1, true);
                udt.frozen_fields.push(t.frozen);
            }
        }
        AlterTypeAction::Rename { if_exists, renames } => {
            for (old, new) in renames {
                match udt.fields.iter_mut().find(|(f, _)| f == old) {
                    Some(entry) => entry.0 = new.clone(),
                    None if *if_exists => {}
                    None => {
                        return Err(CqlError::invalid(format!(
                            "Unkown field {old} in user type {display}"
                        )));
                    }
                }
            }
            let mut seen = BTreeSet::new();
            for (f, _) in &udt.fields {
                if !seen.insert(f.as_str()) {
                    // Cassandra's format string prints the keyspace where the type belongs.
                    return Err(CqlError::invalid(format!(
                        "Duplicate field name {f} in type {ks_name}"
                    )));
                }
            }
        }
    }
    if &udt == before {
        return Ok(None);
    }
    if let Some(ks) = schema.keyspaces.get_mut(&ks_name) {
        ks.types.insert(type_name.clone(), udt.clone());
        propagate_udt(ks, &udt);
    }
    Ok(change(
        SchemaChangeType::Updated,
        type_target(&ks_name, type_name),
    ))
}

/// Rewrites every use of `udt` in the keyspace's other types and tables.
fn propagate_udt(keyspace: &mut Keyspace, udt: &UserType) {
    // A type may nest another that nests `udt`: refresh until nothing changes (bounded by
    // the number of types).
    for _ in 0..=keyspace.types.len() {
        let snapshot = keyspace.types.clone();
        for other in keyspace.types.values_mut() {
            if other.name == udt.name {
                continue;
            }
            for (_, t) in &mut other.fields {
                types::refresh_udt(t, udt);
                for nested in snapshot.values() {
                    if nested.name != udt.name {
                        types::refresh_udt(t, nested);
                    }
                }
            }
        }
        if snapshot == keyspace.types {
            break;
        }
    }
    let all: Vec<UserType> = keyspace.types.values().cloned().collect();
    let views = keyspace.views.values_mut().map(|v| &mut v.table);
    for table in keyspace.tables.values_mut().chain(views) {
        for c in &mut table.columns {
            for t in &all {
                types::refresh_udt(&mut c.typ, t);
            }
        }
    }
}

fn drop_type(
    schema: &mut Schema,
    name: &QualifiedName,
    if_exists: bool,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(name, session)?;
    authorize(&ks_name, Perm::Drop, Resource::AllTables)?;
    check_modifiable(schema, &ks_name)?;
    let type_name = &name.name;
    let Some(keyspace) = schema
        .keyspaces
        .get_mut(&ks_name)
        .filter(|k| k.types.contains_key(type_name))
    else {
        if if_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "Type '{ks_name}.{type_name}' doesn't exist"
        )));
    };
    let using_types: Vec<&str> = keyspace
        .types
        .values()
        .filter(|t| {
            t.name != *type_name
                && t.fields
                    .iter()
                    .any(|(_, ft)| types::references_udt(ft, &ks_name, type_name))
        })
        .map(|t| t.name.as_str())
        .collect();
    if !using_types.is_empty() {
        return Err(CqlError::invalid(format!(
            "Cannot drop user type '{ks_name}.{type_name}' as it is still used by user types {}",
            using_types.join(", ")
        )));
    }
    let using_tables: Vec<&str> = keyspace
        .tables
        .values()
        .filter(|t| {
            t.columns
                .iter()
                .any(|c| types::references_udt(&c.typ, &ks_name, type_name))
        })
        .map(|t| t.name.as_str())
        .collect();
    if !using_tables.is_empty() {
        return Err(CqlError::invalid(format!(
            "Cannot drop user type '{ks_name}.{type_name}' as it is still used by tables {}",
            using_tables.join(", ")
        )));
    }
    keyspace.types.remove(type_name);
    Ok(change(
        SchemaChangeType::Dropped,
        type_target(&ks_name, type_name),
    ))
}

// ---------------------------------------------------------------------------------------
// Indexes

fn keyspace_has_index(keyspace: &Keyspace, name: &str) -> bool {
    keyspace
        .tables
        .values()
        .any(|t| t.indexes.contains_key(name))
}

/// The default name of an index on `column` of `table`: `<table>_<column>_idx` without
/// non-word characters, suffixed `_1`, `_2`, ... when taken.
pub fn default_index_name(keyspace: &Keyspace, table: &str, column: &str) -> String {
    let base: String = format!("{table}_{column}_idx")
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if !keyspace_has_index(keyspace, &base) {
        return base;
    }
    (1..)
        .map(|i| format!("{base}_{i}"))
        .find(|n| !keyspace_has_index(keyspace, n))
        .unwrap_or(base)
}

fn create_index(
    schema: &mut Schema,
    s: &CreateIndex,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.table, session)?;
    let t_name = &s.table.name;
    authorize(&ks_name, Perm::Alter, Resource::Table(t_name))?;
    check_modifiable(schema, &ks_name)?;

    let mut custom_options = BTreeMap::new();
    for (name, value) in &s.properties.0 {
        if s.custom_class.is_none() {
            return Err(CqlError::invalid(
                "Cannot specify options for a non-CUSTOM index",
            ));
        }
        if name != "options" {
            return Err(CqlError::syntax(format!("Unknown property '{name}'")));
        }
        let Some(map) = value.as_text_map() else {
            return Err(CqlError::syntax(
                "Invalid value for property 'options'. It should be a map.",
            ));
        };
        for (k, v) in map {
            if k == "class_name" || k == "target" {
                return Err(CqlError::invalid(format!(
                    "Cannot specify {k} as a CUSTOM option"
                )));
            }
            custom_options.insert(k, v);
        }
    }

    let Some(keyspace) = schema.keyspaces.get(&ks_name) else {
        return Err(missing_keyspace(&ks_name));
    };
    if keyspace.views.contains_key(t_name) {
        return Err(CqlError::invalid(
            "Secondary indexes are not supported on materialized views",
        ));
    }
    let Some(table) = keyspace.tables.get(t_name) else {
        return Err(CqlError::invalid(format!("Table '{t_name}' doesn't exist")));
    };
    if let Some(name) = &s.name {
        if keyspace_has_index(keyspace, name) {
            if s.if_not_exists {
                return Ok(None);
            }
            return Err(CqlError::invalid(format!("Index '{name}' already exists")));
        }
    }
    if table.columns.iter().any(|c| c.typ == ColumnType::Counter) {
        return Err(CqlError::invalid(
            "Secondary indexes on counter tables aren't supported",
        ));
    }
    let Some(column) = table.column(&s.column) else {
        return Err(CqlError::invalid(format!(
            "Undefined column name {} in table {}",
            quote_ident(&s.column),
            table_display(&ks_name, t_name)
        )));
    };
    let is_coll = types::is_collection(&column.typ);
    let kind = if s.kind == IndexKind::Simple && is_coll {
        IndexKind::Values
    } else {
        s.kind
    };
    validate_index_target(table, column, kind)?;

    let quoted = quote_ident(&column.name);
    let target = match kind {
        IndexKind::Simple => quoted,
        IndexKind::Keys => format!("keys({quoted})"),
        IndexKind::Values => format!("values({quoted})"),
        IndexKind::Entries => format!("entries({quoted})"),
        IndexKind::Full => format!("full({quoted})"),
    };
    let name = match &s.name {
        Some(n) => n.clone(),
        None => default_index_name(keyspace, t_name, &column.name),
    };
    let mut index_options = custom_options;
    index_options.insert("target".to_string(), target);
    let index_kind = match &s.custom_class {
        Some(class) => {
            index_options.insert("class_name".to_string(), class.clone());
            "CUSTOM"
        }
        None => "COMPOSITES",
    };
    let index = Index {
        name: name.clone(),
        kind: index_kind.to_string(),
        options: index_options,
    };
    if let Some(existing) = table
        .indexes
        .values()
        .find(|i| i.kind == index.kind && i.options == index.options)
    {
        if s.if_not_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "Index {name} is a duplicate of existing index {}",
            existing.name
        )));
    }
    if let Some(t) = schema
        .keyspaces
        .get_mut(&ks_name)
        .and_then(|k| k.tables.get_mut(t_name))
    {
        t.indexes.insert(name, index);
    }
    Ok(change(
        SchemaChangeType::Updated,
        table_target(&ks_name, t_name),
    ))
}

fn index_kind_name(kind: IndexKind) -> &'static str {
    match kind {
        IndexKind::Simple => "simple",
        IndexKind::Keys => "keys",
        IndexKind::Values => "values",
        IndexKind::Entries => "entries",
        IndexKind::Full => "full",
    }
}

fn validate_index_target(table: &Table, column: &Column, kind: IndexKind) -> CqlResult<()> {
    let c = &column.name;
    let typ = &column.typ;
    if types::references_duration(typ) {
        let msg = match typ {
            ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..) => {
                "Secondary indexes are not supported on collections containing durations"
            }
            ColumnType::Tuple(_) => {
                "Secondary indexes are not supported on tuples containing durations"
            }
            ColumnType::Udt { .. } => {
                "Secondary indexes are not supported on UDTs containing durations"
            }
            _ => "Secondary indexes are not supported on duration columns",
        };
        return Err(CqlError::invalid(msg));
    }
    if column.kind == ColumnKind::PartitionKey && table.partition_key().count() == 1 {
        return Err(CqlError::invalid(format!(
            "Cannot create secondary index on the only partition key column {c}"
        )));
    }
    let is_coll = types::is_collection(typ);
    let frozen_coll = is_coll && column.frozen;
    let k = index_kind_name(kind);
    if frozen_coll && kind != IndexKind::Full {
        return Err(CqlError::invalid(format!(
            "Cannot create {k}() index on frozen column {c}. Frozen collections are immutable and must be fully indexed by using the 'full({c})' modifier"
        )));
    }
    if !frozen_coll && kind == IndexKind::Full {
        return Err(CqlError::invalid(
            "full() indexes can only be created on frozen collections",
        ));
    }
    if !is_coll && kind != IndexKind::Simple {
        return Err(CqlError::invalid(format!(
            "Cannot create {k}() index on {c}. Non-collection columns only support simple indexes"
        )));
    }
    let multi_cell_map = matches!(typ, ColumnType::Map(..)) && !column.frozen;
    if !multi_cell_map && matches!(kind, IndexKind::Keys | IndexKind::Entries) {
        return Err(CqlError::invalid(format!(
            "Cannot create index on {k} of column {c} with non-map type"
        )));
    }
    if matches!(typ, ColumnType::Udt { .. }) && !column.frozen {
        return Err(CqlError::invalid(format!(
            "Cannot create index on non-frozen UDT column {c}"
        )));
    }
    Ok(())
}

fn drop_index(
    schema: &mut Schema,
    name: &QualifiedName,
    if_exists: bool,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(name, session)?;
    let table_name = schema.keyspace(&ks_name).and_then(|k| {
        k.tables
            .values()
            .find(|t| t.indexes.contains_key(&name.name))
            .map(|t| t.name.clone())
    });
    if let Some(t) = &table_name {
        authorize(&ks_name, Perm::Alter, Resource::Table(t))?;
    }
    check_modifiable(schema, &ks_name)?;
    let Some(table_name) = table_name else {
        if if_exists {
            return Ok(None);
        }
        // Cassandra's wording, stray quote included.
        return Err(CqlError::invalid(format!(
            "Index '{ks_name}.{}' doesn't exist'",
            name.name
        )));
    };
    if let Some(t) = schema
        .keyspaces
        .get_mut(&ks_name)
        .and_then(|k| k.tables.get_mut(&table_name))
    {
        t.indexes.remove(&name.name);
    }
    Ok(change(
        SchemaChangeType::Updated,
        table_target(&ks_name, &table_name),
    ))
}
