//! The permission each ordinary statement needs (CassandraAuthorizer), checked before it
//! runs, and the grants that follow schema changes: a creator gets every permission on
//! what it created; dropping a keyspace, table or function drops the grants on it.

use std::collections::BTreeSet;

use super::resource::Resource;
use super::roles::Roles;
use super::statements::{ensure_permission, grant_to_creator};
use super::{Caller, Who};
use crate::cql::ast::{BatchStatement, IfClause, Permission, QualifiedName, Statement};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::schema::Schema;

/// The tables every logged-in user may read (drivers and cqlsh read them to connect).
fn always_readable(keyspace: &str, table: &str) -> bool {
    matches!(keyspace, "system_schema" | "system_virtual_schema")
        || (keyspace == "system" && matches!(table, "local" | "peers" | "peers_v2"))
}

/// Checks that the caller may run `statement`. Unknown keyspaces and tables pass: the
/// statement's own validation answers them.
///
/// # Errors
/// `Unauthorized` with Cassandra's message.
pub fn check(
    roles: &Roles,
    schema: &Schema,
    caller: Caller<'_>,
    statement: &Statement,
    keyspace: Option<&str>,
) -> CqlResult<()> {
    if !caller.config.authorizer || caller.who() == Who::Internal {
        return Ok(());
    }
    let ks_of = |name: &QualifiedName| name.keyspace.clone().or(keyspace.map(str::to_string));
    let table = |name: &QualifiedName| ks_of(name).map(|ks| Resource::table(&ks, &name.name));
    let need = |p: Permission, r: Option<Resource>| match r {
        Some(r) => ensure_permission(roles, caller, p, &r),
        None => Ok(()),
    };
    match statement {
        Statement::Select(s) => {
            let Some(ks) = ks_of(&s.table) else {
                return Ok(());
            };
            if always_readable(&ks, &s.table.name) {
                return Ok(());
            }
            let base = schema
                .view(&ks, &s.table.name)
                .map_or(s.table.name.clone(), |v| v.base_table.clone());
            need(Permission::Select, Some(Resource::table(&ks, &base)))
        }
        Statement::Insert(i) => need(Permission::Modify, table(&i.table)).and_then(|()| {
            if i.if_not_exists {
                need(Permission::Select, table(&i.table))
            } else {
                Ok(())
            }
        }),
        Statement::Update(u) => modify(roles, caller, table(&u.table), u.if_clause.as_ref()),
        Statement::Delete(d) => modify(roles, caller, table(&d.table), d.if_clause.as_ref()),
        Statement::Batch(b) => {
            for s in &b.statements {
                let single = match s {
                    BatchStatement::Insert(i) => Statement::Insert(i.clone()),
                    BatchStatement::Update(u) => Statement::Update(u.clone()),
                    BatchStatement::Delete(d) => Statement::Delete(d.clone()),
                };
                check(roles, schema, caller, &single, keyspace)?;
            }
            Ok(())
        }
        Statement::Truncate(t) => need(Permission::Modify, table(t)),
        Statement::CreateKeyspace(_) => need(Permission::Create, Some(Resource::all_keyspaces())),
        Statement::AlterKeyspace(a) => need(Permission::Alter, Some(Resource::keyspace(&a.name))),
        Statement::DropKeyspace { name, .. } => {
            need(Permission::Drop, Some(Resource::keyspace(name)))
        }
        Statement::CreateTable(c) => need(
            Permission::Create,
            ks_of(&c.name).map(|ks| Resource::keyspace(&ks)),
        ),
        Statement::AlterTable(a) => need(Permission::Alter, table(&a.name)),
        Statement::DropTable { name, .. } => need(Permission::Drop, table(name)),
        Statement::CreateType(t) => need(
            Permission::Create,
            ks_of(&t.name).map(|ks| Resource::keyspace(&ks)),
        ),
        Statement::AlterType(t) => need(
            Permission::Alter,
            ks_of(&t.name).map(|ks| Resource::keyspace(&ks)),
        ),
        Statement::DropType { name, .. } => need(
            Permission::Drop,
            ks_of(name).map(|ks| Resource::keyspace(&ks)),
        ),
        Statement::CreateIndex(i) => need(Permission::Alter, table(&i.table)),
        Statement::DropIndex { name, .. } => {
            let owner = ks_of(name).and_then(|ks| {
                let k = schema.keyspace(&ks)?;
                let t = k
                    .tables
                    .values()
                    .find(|t| t.indexes.contains_key(&name.name))?;
                Some(Resource::table(&ks, &t.name))
            });
            need(Permission::Alter, owner)
        }
        Statement::CreateView(v) => need(Permission::Alter, table(&v.base)),
        Statement::AlterView(v) => need(
            Permission::Alter,
            view_base(schema, ks_of(&v.name), &v.name),
        ),
        Statement::DropView { name, .. } => {
            need(Permission::Alter, view_base(schema, ks_of(name), name))
        }
        Statement::CreateFunction(f) => need(
            Permission::Create,
            ks_of(&f.name).map(|ks| Resource::functions_in(&ks)),
        ),
        Statement::CreateAggregate(a) => need(
            Permission::Create,
            ks_of(&a.name).map(|ks| Resource::functions_in(&ks)),
        ),
        Statement::DropFunction(d) | Statement::DropAggregate(d) => {
            let target = ks_of(&d.name).map(|ks| {
                function_resources(schema, &ks)
                    .into_iter()
                    .filter(|(n, _)| *n == d.name.name)
                    .map(|(_, r)| r)
                    .collect::<Vec<_>>()
            });
            match target.as_deref() {
                Some([only]) => need(Permission::Drop, Some(only.clone())),
                _ => need(
                    Permission::Drop,
                    ks_of(&d.name).map(|ks| Resource::functions_in(&ks)),
                ),
            }
        }
        Statement::CreateTrigger(_) | Statement::DropTrigger(_) => {
            let Who::User(u) = caller.who() else {
                return Ok(());
            };
            if roles.is_super(u) {
                return Ok(());
            }
            let what = if matches!(statement, Statement::CreateTrigger(_)) {
                "CREATE"
            } else {
                "DROP"
            };
            Err(CqlError::unauthorized(format!(
                "Only superusers are allowed to perform {what} TRIGGER queries"
            )))
        }
        Statement::Use(_) | Statement::Describe(_) | Statement::Auth(_) => Ok(()),
    }
}

fn modify(
    roles: &Roles,
    caller: Caller<'_>,
    table: Option<Resource>,
    conditions: Option<&IfClause>,
) -> CqlResult<()> {
    let Some(table) = table else {
        return Ok(());
    };
    ensure_permission(roles, caller, Permission::Modify, &table)?;
    if conditions.is_some() {
        ensure_permission(roles, caller, Permission::Select, &table)?;
    }
    Ok(())
}

fn view_base(schema: &Schema, ks: Option<String>, name: &QualifiedName) -> Option<Resource> {
    let ks = ks?;
    let view = schema.view(&ks, &name.name)?;
    Some(Resource::table(&ks, &view.base_table))
}

/// Every function and aggregate of a keyspace as (name, resource).
fn function_resources(schema: &Schema, ks: &str) -> Vec<(String, Resource)> {
    let Some(k) = schema.keyspace(ks) else {
        return Vec::new();
    };
    let functions = k.functions.values().map(|f| {
        let args: Vec<_> = f.arguments.iter().map(|(_, t)| t.clone()).collect();
        (f.name.clone(), Resource::function(ks, &f.name, &args))
    });
    let aggregates = k.aggregates.values().map(|a| {
        (
            a.name.clone(),
            Resource::function(ks, &a.name, &a.argument_types),
        )
    });
    functions.chain(aggregates).collect()
}

/// The resources permissions can be granted on that a schema holds: its keyspaces (with
/// their function resources), tables and functions. Views are not resources of their
/// own.
pub fn schema_resources(schema: &Schema) -> BTreeSet<Resource> {
    let mut out = BTreeSet::new();
    for (name, k) in &schema.keyspaces {
        out.insert(Resource::keyspace(name));
        out.insert(Resource::functions_in(name));
        for t in k.tables.keys() {
            out.insert(Resource::table(name, t));
        }
        out.extend(function_resources(schema, name).into_iter().map(|(_, r)| r));
    }
    out
}

/// After a schema change: the creator of new resources gets every permission on them;
/// the grants on dropped ones go.
pub fn schema_changed(
    roles: &mut Roles,
    caller: Caller<'_>,
    before: &BTreeSet<Resource>,
    after: &BTreeSet<Resource>,
) {
    for gone in before.difference(after) {
        roles.revoke_all_on(&gone.name);
    }
    for new in after.difference(before) {
        grant_to_creator(roles, caller, new);
    }
}
