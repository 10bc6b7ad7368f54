//! The role model of CassandraRoleManager and the permission grants of
//! CassandraAuthorizer: roles with their flags, password hash and memberships, and the
//! permissions granted to each role on each resource.

use std::collections::{BTreeMap, BTreeSet};

use super::hash;
use super::resource::Resource;
use crate::cql::ast::Permission;
use crate::sim::error::{CqlError, CqlResult};

/// The role Cassandra creates when authentication is on and no role exists.
pub const DEFAULT_SUPERUSER: &str = "cassandra";

/// One role (a row of `system_auth.roles`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Its name.
    pub name: String,
    /// `SUPERUSER`
    pub is_superuser: bool,
    /// `LOGIN`
    pub can_login: bool,
    /// The salted password hash, when the role has a password.
    pub salted_hash: Option<String>,
    /// The roles granted to it.
    pub member_of: BTreeSet<String>,
}

/// Every role and every grant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles {
    roles: BTreeMap<String, Role>,
    /// Permissions by (role, resource); never empty sets.
    grants: BTreeMap<(String, Resource), BTreeSet<Permission>>,
    /// `resource_role_permissons_index`: (resource name, role), kept as Cassandra keeps it
    /// (a REVOKE removes the entry even when other permissions remain).
    index: BTreeSet<(String, String)>,
}

impl Roles {
    /// The roles of a node: none without authentication; otherwise the default
    /// `cassandra` superuser and each configured user as a superuser that can log in.
    pub fn new(authenticates: bool, users: &[(String, String)]) -> Self {
        let mut roles = Self::default();
        if !authenticates {
            return roles;
        }
        let defaults = [(DEFAULT_SUPERUSER.to_string(), DEFAULT_SUPERUSER.to_string())];
        for (name, password) in defaults.iter().chain(users) {
            roles.roles.insert(
                name.clone(),
                Role {
                    name: name.clone(),
                    is_superuser: true,
                    can_login: true,
                    salted_hash: Some(hash::hash(password)),
                    member_of: BTreeSet::new(),
                },
            );
        }
        roles
    }

    /// A role by name.
    pub fn get(&self, name: &str) -> Option<&Role> {
        self.roles.get(name)
    }

    /// Whether the role exists.
    pub fn exists(&self, name: &str) -> bool {
        self.roles.contains_key(name)
    }

    /// Every role, by name.
    pub fn all(&self) -> impl Iterator<Item = &Role> {
        self.roles.values()
    }

    /// The role and the roles granted to it (recursively when asked), as
    /// `IRoleManager.getRoles` answers; empty for an unknown role.
    pub fn roles_of(&self, name: &str, recursive: bool) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let Some(role) = self.roles.get(name) else {
            return out;
        };
        out.insert(role.name.clone());
        let mut todo: Vec<&String> = role.member_of.iter().collect();
        while let Some(next) = todo.pop() {
            if !out.insert(next.clone()) || !recursive {
                continue;
            }
            if let Some(r) = self.roles.get(next) {
                todo.extend(r.member_of.iter());
            }
        }
        out
    }

    /// Whether the role or a role granted to it is a superuser.
    pub fn is_super(&self, name: &str) -> bool {
        self.roles_of(name, true)
            .iter()
            .any(|r| self.roles.get(r).is_some_and(|r| r.is_superuser))
    }

    /// Checks a login as PasswordAuthenticator and ClientState do.
    ///
    /// # Errors
    /// `BadCredentials`: unknown role, no password or a wrong one; a role without LOGIN.
    pub fn login(&self, user: &str, password: &str) -> CqlResult<()> {
        let role = self.roles.get(user);
        let matches = role
            .and_then(|r| r.salted_hash.as_deref())
            .is_some_and(|h| hash::check(password, h));
        if !matches {
            return Err(CqlError::bad_credentials(format!(
                "Provided username {user} and/or password are incorrect"
            )));
        }
        if !role.is_some_and(|r| r.can_login) {
            return Err(CqlError::bad_credentials(format!(
                "{user} is not permitted to log in"
            )));
        }
        Ok(())
    }

    /// Adds a role.
    pub fn create(&mut self, name: &str, superuser: bool, login: bool, hash: Option<String>) {
        self.roles.insert(
            name.to_string(),
            Role {
                name: name.to_string(),
                is_superuser: superuser,
                can_login: login,
                salted_hash: hash,
                member_of: BTreeSet::new(),
            },
        );
    }

    /// The role to change, if it exists.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Role> {
        self.roles.get_mut(name)
    }

    /// Removes a role, its memberships either way, its grants and the grants on it.
    pub fn drop(&mut self, name: &str) {
        self.roles.remove(name);
        for r in self.roles.values_mut() {
            r.member_of.remove(name);
        }
        self.grants.retain(|(role, _), _| role != name);
        self.index.retain(|(_, role)| role != name);
        self.revoke_all_on(&Resource::role(name).name);
    }

    /// `GRANT role TO grantee`.
    ///
    /// # Errors
    /// `Invalid` for a circular grant, as CassandraRoleManager words it.
    pub fn grant_role(&mut self, role: &str, grantee: &str) -> CqlResult<()> {
        if self.roles_of(grantee, true).contains(role) {
            return Err(CqlError::invalid(format!(
                "{grantee} is a member of {role}"
            )));
        }
        if self.roles_of(role, true).contains(grantee) {
            return Err(CqlError::invalid(format!(
                "{role} is a member of {grantee}"
            )));
        }
        if let Some(g) = self.roles.get_mut(grantee) {
            g.member_of.insert(role.to_string());
        }
        Ok(())
    }

    /// `REVOKE role FROM revokee`.
    ///
    /// # Errors
    /// `Invalid` when the revokee is not a member of the role.
    pub fn revoke_role(&mut self, role: &str, revokee: &str) -> CqlResult<()> {
        let member = self
            .roles
            .get_mut(revokee)
            .is_some_and(|r| r.member_of.remove(role));
        if member {
            Ok(())
        } else {
            Err(CqlError::invalid(format!(
                "{revokee} is not a member of {role}"
            )))
        }
    }

    /// Grants permissions on a resource to a role.
    pub fn grant(&mut self, role: &str, resource: &Resource, permissions: &[Permission]) {
        if permissions.is_empty() {
            return;
        }
        self.grants
            .entry((role.to_string(), resource.clone()))
            .or_default()
            .extend(permissions.iter().copied());
        self.index.insert((resource.name.clone(), role.to_string()));
    }

    /// Revokes permissions on a resource from a role.
    pub fn revoke(&mut self, role: &str, resource: &Resource, permissions: &[Permission]) {
        let key = (role.to_string(), resource.clone());
        if let Some(set) = self.grants.get_mut(&key) {
            for p in permissions {
                set.remove(p);
            }
            if set.is_empty() {
                self.grants.remove(&key);
            }
        }
        self.index
            .remove(&(resource.name.clone(), role.to_string()));
    }

    /// Removes every grant on the resource named and on the resources under it.
    pub fn revoke_all_on(&mut self, name: &str) {
        let under = |n: &str| n == name || n.starts_with(&format!("{name}/"));
        self.grants.retain(|(_, r), _| !under(&r.name));
        self.index.retain(|(r, _)| !under(r));
    }

    /// The permissions granted to the role itself on exactly this resource.
    pub fn granted(&self, role: &str, resource_name: &str) -> BTreeSet<Permission> {
        self.grants
            .iter()
            .filter(|((r, res), _)| r == role && res.name == resource_name)
            .flat_map(|(_, p)| p.iter().copied())
            .collect()
    }

    /// What CassandraAuthorizer answers for a user on exactly this resource: every
    /// applicable permission for a superuser, else the union over the user's roles.
    pub fn authorize(&self, user: &str, resource: &Resource) -> BTreeSet<Permission> {
        if self.is_super(user) {
            return resource.applicable_permissions().iter().copied().collect();
        }
        self.roles_of(user, true)
            .iter()
            .flat_map(|r| self.granted(r, &resource.name))
            .collect()
    }

    /// Every grant of `role` (any role when `None`) on `resource` (any when `None`), as
    /// (role, resource, permission).
    pub fn list(
        &self,
        role: Option<&str>,
        resource: Option<&str>,
    ) -> Vec<(String, Resource, Permission)> {
        self.grants
            .iter()
            .filter(|((r, res), _)| {
                role.is_none_or(|x| x == r) && resource.is_none_or(|x| x == res.name)
            })
            .flat_map(|((r, res), ps)| ps.iter().map(|p| (r.clone(), res.clone(), *p)))
            .collect()
    }

    /// The grants, for the mirror tables.
    pub fn grants(&self) -> impl Iterator<Item = (&str, &Resource, &BTreeSet<Permission>)> {
        self.grants.iter().map(|((r, res), p)| (r.as_str(), res, p))
    }

    /// The resource index entries (resource name, role), for the mirror tables.
    pub fn index(&self) -> impl Iterator<Item = &(String, String)> {
        self.index.iter()
    }

    /// A new salted hash of a password.
    pub fn hash_password(password: &str) -> String {
        hash::hash(password)
    }
}
