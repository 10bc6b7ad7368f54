//! The role model written into the `system_auth` tables (`roles`, `role_members`,
//! `role_permissions`, `resource_role_permissons_index`) as CassandraRoleManager and
//! CassandraAuthorizer fill them, so they read back with SELECT.

use cql_core::types::CqlValue;

use super::roles::Roles;
use crate::sim::schema::Schema;
use crate::sim::storage::{Store, TableData};
use crate::sim::system::computed::project;

fn text(s: &str) -> CqlValue {
    CqlValue::Text(s.to_string())
}

/// Rewrites the four tables from the model.
pub fn write(roles: &Roles, schema: &Schema, store: &mut Store) {
    let table = |name: &str| schema.table("system_auth", name);
    if let Some(t) = table("roles") {
        let rows: Vec<_> = roles
            .all()
            .map(|r| {
                let mut values = vec![
                    ("role", text(&r.name)),
                    ("is_superuser", CqlValue::Boolean(r.is_superuser)),
                    ("can_login", CqlValue::Boolean(r.can_login)),
                ];
                if let Some(h) = &r.salted_hash {
                    values.push(("salted_hash", text(h)));
                }
                if !r.member_of.is_empty() {
                    let set = r.member_of.iter().map(|m| text(m)).collect();
                    values.push(("member_of", CqlValue::Set(set)));
                }
                project(t, values)
            })
            .collect();
        *store.table_mut(t.id) = TableData::from_rows(t, &rows);
    }
    if let Some(t) = table("role_members") {
        let rows: Vec<_> = roles
            .all()
            .flat_map(|r| {
                r.member_of
                    .iter()
                    .map(|of| project(t, vec![("role", text(of)), ("member", text(&r.name))]))
            })
            .collect();
        *store.table_mut(t.id) = TableData::from_rows(t, &rows);
    }
    if let Some(t) = table("role_permissions") {
        let rows: Vec<_> = roles
            .grants()
            .map(|(role, resource, permissions)| {
                let mut names: Vec<&str> = permissions.iter().map(|p| p.name()).collect();
                names.sort_unstable();
                let set = names.into_iter().map(text).collect();
                project(
                    t,
                    vec![
                        ("role", text(role)),
                        ("resource", text(&resource.name)),
                        ("permissions", CqlValue::Set(set)),
                    ],
                )
            })
            .collect();
        *store.table_mut(t.id) = TableData::from_rows(t, &rows);
    }
    if let Some(t) = table("resource_role_permissons_index") {
        let rows: Vec<_> = roles
            .index()
            .map(|(resource, role)| {
                project(t, vec![("resource", text(resource)), ("role", text(role))])
            })
            .collect();
        *store.table_mut(t.id) = TableData::from_rows(t, &rows);
    }
}
