//! CREATE/DROP TRIGGER with Cassandra 4.1's checks and wording. Triggers are stored and
//! listed, never run; every class name is taken to load.

use cql_core::message::{SchemaChange, SchemaChangeType};

use super::Schema;
use super::ddl::{change, check_modifiable, keyspace_of, missing_keyspace, table_target};
use crate::cql::ast::{CreateTrigger, DropTrigger};
use crate::sim::error::{CqlError, CqlResult};

/// `CREATE TRIGGER [IF NOT EXISTS] name ON [ks.]t USING 'class'`.
pub(super) fn create(
    schema: &mut Schema,
    s: &CreateTrigger,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.table, session)?;
    check_modifiable(schema, &ks_name)?;
    let t_name = &s.table.name;
    let Some(keyspace) = schema.keyspaces.get_mut(&ks_name) else {
        return Err(missing_keyspace(&ks_name));
    };
    if keyspace.views.contains_key(t_name) {
        return Err(CqlError::invalid(
            "Cannot CREATE TRIGGER for a materialized view",
        ));
    }
    let Some(table) = keyspace.tables.get_mut(t_name) else {
        return Err(CqlError::invalid(format!("Table '{t_name}' doesn't exist")));
    };
    if table.triggers.contains_key(&s.name) {
        if s.if_not_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "Trigger '{}' already exists",
            s.name
        )));
    }
    if s.class.trim().is_empty() {
        return Err(CqlError::invalid(format!(
            "Trigger class '{}' couldn't be loaded",
            s.class
        )));
    }
    table.triggers.insert(s.name.clone(), s.class.clone());
    Ok(change(
        SchemaChangeType::Updated,
        table_target(&ks_name, t_name),
    ))
}

/// `DROP TRIGGER [IF EXISTS] name ON [ks.]t`.
pub(super) fn drop(
    schema: &mut Schema,
    s: &DropTrigger,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.table, session)?;
    check_modifiable(schema, &ks_name)?;
    let t_name = &s.table.name;
    let removed = schema
        .keyspaces
        .get_mut(&ks_name)
        .and_then(|k| k.tables.get_mut(t_name))
        .and_then(|t| t.triggers.remove(&s.name));
    if removed.is_none() {
        if s.if_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "Trigger '{}' on '{ks_name}.{t_name}' doesn't exist",
            s.name
        )));
    }
    Ok(change(
        SchemaChangeType::Updated,
        table_target(&ks_name, t_name),
    ))
}
