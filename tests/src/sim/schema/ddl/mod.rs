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

mod indexes;
mod tables;
mod user_types;

pub use indexes::default_index_name;
use indexes::{create_index, drop_index};
use tables::{alter_table, create_table, drop_table};
pub use tables::{build_table, index_target_column, sort_columns};
use user_types::{alter_type, create_type, drop_type};

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

/// The class of SASI indexes.
pub const SASI_CLASS: &str = "org.apache.cassandra.index.sasi.SASIIndex";

/// The client warning of CREATE CUSTOM INDEX with SASI (`SASIIndex.USAGE_WARNING`).
pub const SASI_WARNING: &str =
    "SASI indexes are experimental and are not recommended for production use.";

/// [`execute_with`], refusing the functions, views and SASI indexes `features` switches off as
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
        Statement::CreateKeyspace(s) => create_keyspace(schema, s, ctx, features.dse_graph),
        Statement::AlterKeyspace(s) => alter_keyspace(schema, s, ctx, features.dse_graph),
        Statement::DropKeyspace { name, if_exists } => drop_keyspace(schema, name, *if_exists),
        Statement::CreateTable(s) => create_table(schema, s, session_keyspace, features.dse_graph),
        Statement::AlterTable(s) => alter_table(schema, s, session_keyspace),
        Statement::DropTable { name, if_exists } => {
            drop_table(schema, name, *if_exists, session_keyspace)
        }
        Statement::CreateType(s) => create_type(schema, s, session_keyspace),
        Statement::AlterType(s) => alter_type(schema, s, session_keyspace),
        Statement::DropType { name, if_exists } => {
            drop_type(schema, name, *if_exists, session_keyspace)
        }
        Statement::CreateIndex(s) => {
            if !features.sasi_indexes && s.custom_class.as_deref() == Some(SASI_CLASS) {
                return Err(CqlError::invalid(
                    "SASI indexes are disabled. Enable in cassandra.yaml to use.",
                ));
            }
            create_index(schema, s, session_keyspace)
        }
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
    dse_graph: bool,
) -> CqlResult<Option<SchemaChange>> {
    check_modifiable(schema, &s.name)?;
    let props = options::keyspace_properties(&s.properties, dse_graph)?;
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
            graph_engine: props.graph_engine.clone(),
        },
    );
    Ok(change(SchemaChangeType::Created, keyspace_target(&s.name)))
}

fn alter_keyspace(
    schema: &mut Schema,
    s: &AlterKeyspace,
    ctx: &ReplicationContext,
    dse_graph: bool,
) -> CqlResult<Option<SchemaChange>> {
    authorize(&s.name, Perm::Alter, Resource::Keyspace)?;
    check_modifiable(schema, &s.name)?;
    let props = options::keyspace_properties(&s.properties, dse_graph)?;
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
    let graph_engine = props.graph_engine.or_else(|| keyspace.graph_engine.clone());
    if replication == keyspace.replication
        && durable_writes == keyspace.durable_writes
        && graph_engine == keyspace.graph_engine
    {
        return Ok(None);
    }
    keyspace.replication = replication;
    keyspace.durable_writes = durable_writes;
    keyspace.graph_engine = graph_engine;
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
