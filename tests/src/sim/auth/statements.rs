//! CREATE/ALTER/DROP ROLE and USER, GRANT and REVOKE of roles and permissions, LIST
//! ROLES, LIST USERS and LIST PERMISSIONS, each checked (access, then validity) and
//! answered as Cassandra 4.1 answers them.

use std::collections::BTreeSet;

use bytes::Bytes;
use cql_core::types::{ColumnSpec, ColumnType, CqlValue};

use super::resource::Resource;
use super::roles::Roles;
use super::{Caller, NOT_ANONYMOUS, Who};
use crate::cql::ast::{AuthStatement, Permission, Permissions, ResourceName, RoleOptions};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::outcome::{Outcome, RowsResult};
use crate::sim::schema::Schema;

const ROLE_MANAGER: &str = "org.apache.cassandra.auth.CassandraRoleManager";

/// What a role or permission statement runs against.
pub struct AuthContext<'a> {
    /// The roles and grants (changed in place).
    pub roles: &'a mut Roles,
    /// The schema (for resources).
    pub schema: &'a Schema,
    /// The session's keyspace (for bare table names).
    pub keyspace: Option<&'a str>,
    /// Who runs the statement.
    pub caller: Caller<'a>,
}

/// Runs a role or permission statement.
///
/// # Errors
/// Cassandra's `Unauthorized`, `Invalid` and (for GRANT/REVOKE without an authorizer)
/// `ServerError` answers.
pub fn execute(ctx: &mut AuthContext<'_>, stmt: &AuthStatement) -> CqlResult<Outcome> {
    match stmt {
        AuthStatement::CreateRole {
            name,
            if_not_exists,
            options,
            ..
        } => create_role(ctx, name, *if_not_exists, options),
        AuthStatement::AlterRole { name, options, .. } => alter_role(ctx, name, options),
        AuthStatement::DropRole {
            name, if_exists, ..
        } => drop_role(ctx, name, *if_exists),
        AuthStatement::GrantRole { role, grantee } => manage_role(ctx, role, grantee, true),
        AuthStatement::RevokeRole { role, revokee } => manage_role(ctx, role, revokee, false),
        AuthStatement::ListRoles {
            of,
            recursive,
            users,
        } => list_roles(ctx, of.as_deref(), *recursive, *users),
        AuthStatement::Grant {
            permissions,
            resource,
            grantee,
        } => change_permissions(ctx, *permissions, resource, grantee, true),
        AuthStatement::Revoke {
            permissions,
            resource,
            revokee,
        } => change_permissions(ctx, *permissions, resource, revokee, false),
        AuthStatement::ListPermissions {
            permissions,
            resource,
            of,
            recursive,
        } => list_permissions(
            ctx,
            *permissions,
            resource.as_ref(),
            of.as_deref(),
            *recursive,
        ),
    }
}

fn ensure_not_anonymous(caller: Caller<'_>) -> CqlResult<()> {
    match caller.who() {
        Who::Anonymous => Err(CqlError::unauthorized(NOT_ANONYMOUS)),
        _ => Ok(()),
    }
}

/// Whether the caller is a superuser (the internal caller is).
fn is_super(roles: &Roles, caller: Caller<'_>) -> bool {
    match caller.who() {
        Who::Internal => true,
        Who::Anonymous => false,
        Who::User(u) => roles.is_super(u),
    }
}

/// `ClientState.ensurePermission`: nothing to check without the authorizer.
///
/// # Errors
/// `Unauthorized` with Cassandra's message when neither the resource nor a parent grants
/// the permission.
pub fn ensure_permission(
    roles: &Roles,
    caller: Caller<'_>,
    permission: Permission,
    resource: &Resource,
) -> CqlResult<()> {
    let user = match caller.who() {
        _ if !caller.config.authorizer => return Ok(()),
        Who::Internal => return Ok(()),
        Who::Anonymous => return Err(CqlError::unauthorized("You have not logged in")),
        Who::User(u) => u,
    };
    let granted = std::iter::once(resource.clone())
        .chain(resource.parents())
        .any(|r| roles.authorize(user, &r).contains(&permission));
    if granted {
        Ok(())
    } else {
        Err(CqlError::unauthorized(format!(
            "User {user} has no {} permission on {resource} or any of its parents",
            permission.name()
        )))
    }
}

/// The role statements' permission check, with Cassandra's friendlier message.
fn check_role_permission(
    roles: &Roles,
    caller: Caller<'_>,
    permission: Permission,
    resource: &Resource,
) -> CqlResult<()> {
    ensure_permission(roles, caller, permission, resource).map_err(|_| {
        CqlError::unauthorized(format!(
            "User {} does not have sufficient privileges to perform the requested operation",
            caller.name()
        ))
    })
}

/// `RoleOptions.validate` against the options CassandraRoleManager supports.
fn validate_options(caller: Caller<'_>, o: &RoleOptions) -> CqlResult<()> {
    let password_ok = caller.config.authenticates();
    let unsupported = [
        ("PASSWORD", o.password.is_some() && !password_ok),
        (
            "HASHED_PASSWORD",
            o.hashed_password.is_some() && !password_ok,
        ),
        ("OPTIONS", o.options.is_some()),
    ];
    if let Some((name, _)) = unsupported.iter().find(|(_, bad)| *bad) {
        return Err(CqlError::invalid(format!(
            "{ROLE_MANAGER} doesn't support {name}"
        )));
    }
    if o.password.is_some() && o.hashed_password.is_some() {
        return Err(CqlError::invalid(
            "Options 'password' and 'hashed password' are mutually exclusive",
        ));
    }
    Ok(())
}

fn new_hash(o: &RoleOptions) -> Option<String> {
    match (&o.password, &o.hashed_password) {
        (Some(p), _) => Some(Roles::hash_password(p)),
        (None, Some(h)) => Some(h.clone()),
        (None, None) => None,
    }
}

/// Grants the creator of a resource every permission on it, as Cassandra does when the
/// authorizer supports grants and the creator is a logged-in user.
pub fn grant_to_creator(roles: &mut Roles, caller: Caller<'_>, resource: &Resource) {
    if let (true, Who::User(user)) = (caller.config.authorizer, caller.who()) {
        let user = user.to_string();
        roles.grant(&user, resource, resource.applicable_permissions());
    }
}

fn create_role(
    ctx: &mut AuthContext<'_>,
    name: &str,
    if_not_exists: bool,
    options: &RoleOptions,
) -> CqlResult<Outcome> {
    let caller = ctx.caller;
    check_role_permission(
        ctx.roles,
        caller,
        Permission::Create,
        &Resource::all_roles(),
    )?;
    if options.superuser == Some(true) && !is_super(ctx.roles, caller) {
        return Err(CqlError::unauthorized(
            "Only superusers can create a role with superuser status",
        ));
    }
    validate_options(caller, options)?;
    if name.is_empty() {
        return Err(CqlError::invalid("Role name can't be an empty string"));
    }
    ensure_not_anonymous(caller)?;
    if ctx.roles.exists(name) {
        if if_not_exists {
            return Ok(Outcome::Void);
        }
        return Err(CqlError::invalid(format!("{name} already exists")));
    }
    ctx.roles.create(
        name,
        options.superuser.unwrap_or(false),
        options.login.unwrap_or(false),
        new_hash(options),
    );
    grant_to_creator(ctx.roles, caller, &Resource::role(name));
    Ok(Outcome::Void)
}

fn alter_role(ctx: &mut AuthContext<'_>, name: &str, options: &RoleOptions) -> CqlResult<Outcome> {
    let caller = ctx.caller;
    let own_roles = match caller.who() {
        Who::User(u) => ctx.roles.roles_of(u, true),
        _ => BTreeSet::new(),
    };
    let superuser = is_super(ctx.roles, caller);
    if options.superuser.is_some() && own_roles.contains(name) {
        return Err(CqlError::unauthorized(
            "You aren't allowed to alter your own superuser status or that of a role granted to you",
        ));
    }
    if options.superuser.is_some() && !superuser {
        return Err(CqlError::unauthorized(
            "Only superusers are allowed to alter superuser status",
        ));
    }
    if !superuser {
        if caller.user == Some(name) {
            let alterable = caller.config.authenticates();
            let refused = [
                ("LOGIN", options.login.is_some()),
                ("OPTIONS", options.options.is_some()),
                ("PASSWORD", options.password.is_some() && !alterable),
                (
                    "HASHED_PASSWORD",
                    options.hashed_password.is_some() && !alterable,
                ),
            ];
            if let Some((option, _)) = refused.iter().find(|(_, r)| *r) {
                return Err(CqlError::unauthorized(format!(
                    "You aren't allowed to alter {option}"
                )));
            }
        } else {
            check_role_permission(ctx.roles, caller, Permission::Alter, &Resource::role(name))?;
        }
    }
    validate_options(caller, options)?;
    if options.is_empty() {
        return Err(CqlError::invalid("ALTER [ROLE|USER] can't be empty"));
    }
    ensure_not_anonymous(caller)?;
    let hash = new_hash(options);
    let Some(role) = ctx.roles.get_mut(name) else {
        return Err(CqlError::invalid(format!("{name} doesn't exist")));
    };
    if let Some(s) = options.superuser {
        role.is_superuser = s;
    }
    if let Some(l) = options.login {
        role.can_login = l;
    }
    if hash.is_some() {
        role.salted_hash = hash;
    }
    Ok(Outcome::Void)
}

fn drop_role(ctx: &mut AuthContext<'_>, name: &str, if_exists: bool) -> CqlResult<Outcome> {
    let caller = ctx.caller;
    check_role_permission(ctx.roles, caller, Permission::Drop, &Resource::role(name))?;
    let exists = ctx.roles.exists(name);
    if exists && ctx.roles.is_super(name) && !is_super(ctx.roles, caller) {
        return Err(CqlError::unauthorized(
            "Only superusers can drop a role with superuser status",
        ));
    }
    ensure_not_anonymous(caller)?;
    if !exists && !if_exists {
        return Err(CqlError::invalid(format!("{name} doesn't exist")));
    }
    if caller.user == Some(name) {
        return Err(CqlError::invalid(
            "Cannot DROP primary role for current login",
        ));
    }
    if exists {
        ctx.roles.drop(name);
    }
    Ok(Outcome::Void)
}

fn manage_role(
    ctx: &mut AuthContext<'_>,
    role: &str,
    grantee: &str,
    grant: bool,
) -> CqlResult<Outcome> {
    let caller = ctx.caller;
    check_role_permission(
        ctx.roles,
        caller,
        Permission::Authorize,
        &Resource::role(role),
    )?;
    ensure_not_anonymous(caller)?;
    for r in [role, grantee] {
        if !ctx.roles.exists(r) {
            return Err(CqlError::invalid(format!("{r} doesn't exist")));
        }
    }
    if grant {
        ctx.roles.grant_role(role, grantee)?;
    } else {
        ctx.roles.revoke_role(role, grantee)?;
    }
    Ok(Outcome::Void)
}

fn spec(table: &str, name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "system_auth".into(),
        table: table.into(),
        name: name.into(),
        typ,
    }
}

fn cell(value: CqlValue, typ: &ColumnType) -> Option<Bytes> {
    let mut out = Vec::new();
    value.serialize(typ, &mut out).ok()?;
    Some(Bytes::from(out))
}

fn text(s: &str) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(s.as_bytes()))
}

fn boolean(b: bool) -> Option<Bytes> {
    Some(Bytes::from(vec![u8::from(b)]))
}

fn list_roles(
    ctx: &mut AuthContext<'_>,
    of: Option<&str>,
    recursive: bool,
    users: bool,
) -> CqlResult<Outcome> {
    let caller = ctx.caller;
    let roles = &*ctx.roles;
    ensure_not_anonymous(caller)?;
    if let Some(of) = of {
        if !roles.exists(of) {
            return Err(CqlError::invalid(format!("<role {of}> doesn't exist")));
        }
    }
    let describe_all = match caller.who() {
        Who::User(u) if caller.config.authorizer => roles
            .authorize(u, &Resource::all_roles())
            .contains(&Permission::Describe),
        _ => true,
    };
    let listed: BTreeSet<String> = match (describe_all, of, caller.who()) {
        (true, None, _) => roles.all().map(|r| r.name.clone()).collect(),
        (true, Some(of), _) => roles.roles_of(of, recursive),
        (false, None, Who::User(u)) => roles.roles_of(u, recursive),
        (false, Some(of), Who::User(u)) if roles.roles_of(u, true).contains(of) => {
            roles.roles_of(of, recursive)
        }
        (false, Some(of), _) => {
            return Err(CqlError::unauthorized(format!(
                "You are not authorized to view roles granted to {of} "
            )));
        }
        (false, None, _) => BTreeSet::new(),
    };
    if listed.is_empty() {
        return Ok(Outcome::Void);
    }
    let options_type = ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::Text));
    let (columns, rows) = if users {
        let columns = vec![
            spec("users", "name", ColumnType::Text),
            spec("users", "super", ColumnType::Boolean),
            spec("users", "datacenters", ColumnType::Text),
        ];
        let rows = listed
            .iter()
            .filter(|r| roles.get(r).is_some_and(|r| r.can_login))
            .map(|r| vec![text(r), boolean(roles.is_super(r)), text("ALL")])
            .collect();
        (columns, rows)
    } else {
        let columns = vec![
            spec("roles", "role", ColumnType::Text),
            spec("roles", "super", ColumnType::Boolean),
            spec("roles", "login", ColumnType::Boolean),
            spec("roles", "options", options_type.clone()),
            spec("roles", "datacenters", ColumnType::Text),
        ];
        let rows = listed
            .iter()
            .filter_map(|r| roles.get(r))
            .map(|r| {
                vec![
                    text(&r.name),
                    boolean(r.is_superuser),
                    boolean(r.can_login),
                    cell(CqlValue::Map(Vec::new()), &options_type),
                    text("ALL"),
                ]
            })
            .collect();
        (columns, rows)
    };
    Ok(Outcome::Rows(RowsResult {
        columns,
        rows,
        paging_state: None,
    }))
}

fn resolve(ctx: &AuthContext<'_>, written: &ResourceName) -> CqlResult<(Resource, bool)> {
    let roles = &*ctx.roles;
    Resource::resolve(written, ctx.keyspace, ctx.schema, |r| roles.exists(r))
}

fn expand(permissions: Permissions, resource: &Resource) -> Vec<Permission> {
    match permissions {
        Permissions::All => resource.applicable_permissions().to_vec(),
        Permissions::One(p) => vec![p],
    }
}

fn change_permissions(
    ctx: &mut AuthContext<'_>,
    permissions: Permissions,
    written: &ResourceName,
    role: &str,
    grant: bool,
) -> CqlResult<Outcome> {
    let caller = ctx.caller;
    ensure_not_anonymous(caller)?;
    if !ctx.roles.exists(role) {
        return Err(CqlError::invalid(format!("Role {role} doesn't exist")));
    }
    let (resource, exists) = resolve(ctx, written)?;
    if resource.name.starts_with("functions/system/") {
        return Err(CqlError::invalid(
            "Altering permissions on builtin functions is not supported",
        ));
    }
    if !exists {
        return Err(CqlError::invalid(format!(
            "Resource {resource} doesn't exist"
        )));
    }
    let permissions = expand(permissions, &resource);
    ensure_permission(ctx.roles, caller, Permission::Authorize, &resource)?;
    for p in &permissions {
        ensure_permission(ctx.roles, caller, *p, &resource)?;
    }
    if !caller.config.authorizer {
        let op = if grant { "GRANT" } else { "REVOKE" };
        return Err(CqlError::server(format!(
            "java.lang.UnsupportedOperationException: {op} operation is not supported by AllowAllAuthorizer"
        )));
    }
    if grant {
        ctx.roles.grant(role, &resource, &permissions);
    } else {
        ctx.roles.revoke(role, &resource, &permissions);
    }
    Ok(Outcome::Void)
}

fn list_permissions(
    ctx: &mut AuthContext<'_>,
    permissions: Permissions,
    written: Option<&ResourceName>,
    of: Option<&str>,
    recursive: bool,
) -> CqlResult<Outcome> {
    let caller = ctx.caller;
    ensure_not_anonymous(caller)?;
    let resource = match written {
        Some(w) => {
            let (resource, exists) = resolve(ctx, w)?;
            if !exists {
                return Err(CqlError::invalid(format!("{resource} doesn't exist")));
            }
            Some(resource)
        }
        None => None,
    };
    let roles = &*ctx.roles;
    if let Some(of) = of {
        if !roles.exists(of) {
            return Err(CqlError::invalid(format!("<role {of}> doesn't exist")));
        }
    }
    if !caller.config.authorizer {
        return Err(CqlError::invalid(
            "LIST PERMISSIONS operation is not supported by AllowAllAuthorizer",
        ));
    }
    if let Who::User(u) = caller.who() {
        let allowed =
            roles.is_super(u) || of.is_some_and(|of| roles.roles_of(u, true).contains(of));
        if !allowed {
            return Err(CqlError::unauthorized(format!(
                "You are not authorized to view {}'s permissions",
                of.unwrap_or("everyone")
            )));
        }
    }
    let resources: Vec<Option<String>> = match &resource {
        Some(r) if recursive => r.chain().into_iter().map(Some).collect(),
        Some(r) => vec![Some(r.name.clone())],
        None => vec![None],
    };
    let grantees: Vec<Option<String>> = match of {
        Some(of) => roles.roles_of(of, true).into_iter().map(Some).collect(),
        None => vec![None],
    };
    let wanted = |p: &Permission| match permissions {
        Permissions::All => true,
        Permissions::One(one) => *p == one,
    };
    let mut details: Vec<(String, Resource, Permission)> = Vec::new();
    for res in &resources {
        for g in &grantees {
            details.extend(
                roles
                    .list(g.as_deref(), res.as_deref())
                    .into_iter()
                    .filter(|(_, _, p)| wanted(p)),
            );
        }
    }
    details.sort_by(|a, b| (&a.0, &a.1.name, a.2).cmp(&(&b.0, &b.1.name, b.2)));
    details.dedup();
    if details.is_empty() {
        return Ok(Outcome::Void);
    }
    let table = "permissions";
    let columns = vec![
        spec(table, "role", ColumnType::Text),
        spec(table, "username", ColumnType::Text),
        spec(table, "resource", ColumnType::Text),
        spec(table, "permission", ColumnType::Text),
    ];
    let rows = details
        .iter()
        .map(|(role, resource, p)| {
            vec![
                text(role),
                text(role),
                text(&resource.display),
                text(p.name()),
            ]
        })
        .collect();
    Ok(Outcome::Rows(RowsResult {
        columns,
        rows,
        paging_state: None,
    }))
}
