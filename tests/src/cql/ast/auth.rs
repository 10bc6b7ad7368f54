//! Syntax trees of the role and permission statements (`CREATE ROLE`, `GRANT`, `LIST
//! PERMISSIONS`, ...).

use super::{CqlType, QualifiedName};

/// A permission, in Cassandra's order (`org.apache.cassandra.auth.Permission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// `CREATE`
    Create,
    /// `ALTER`
    Alter,
    /// `DROP`
    Drop,
    /// `SELECT`
    Select,
    /// `MODIFY`
    Modify,
    /// `AUTHORIZE`
    Authorize,
    /// `DESCRIBE`
    Describe,
    /// `EXECUTE`
    Execute,
}

impl Permission {
    /// Every permission, in order (`ALL`).
    pub const ALL: [Permission; 8] = [
        Permission::Create,
        Permission::Alter,
        Permission::Drop,
        Permission::Select,
        Permission::Modify,
        Permission::Authorize,
        Permission::Describe,
        Permission::Execute,
    ];

    /// The upper-case name Cassandra prints and stores.
    pub fn name(self) -> &'static str {
        match self {
            Permission::Create => "CREATE",
            Permission::Alter => "ALTER",
            Permission::Drop => "DROP",
            Permission::Select => "SELECT",
            Permission::Modify => "MODIFY",
            Permission::Authorize => "AUTHORIZE",
            Permission::Describe => "DESCRIBE",
            Permission::Execute => "EXECUTE",
        }
    }

    /// The permission for a (lower-case) keyword or stored name, if it is one.
    pub fn from_name(name: &str) -> Option<Permission> {
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }
}

/// A resource as written in GRANT, REVOKE and LIST PERMISSIONS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceName {
    /// `ALL KEYSPACES`
    AllKeyspaces,
    /// `KEYSPACE ks`
    Keyspace(String),
    /// `[TABLE] [ks.]t` (the keyspace filled in from the session when omitted)
    Table(QualifiedName),
    /// `ALL FUNCTIONS`
    AllFunctions,
    /// `ALL FUNCTIONS IN KEYSPACE ks`
    FunctionsIn(String),
    /// `FUNCTION [ks.]f(type, ...)`
    Function {
        /// The function.
        name: QualifiedName,
        /// Its argument types.
        arguments: Vec<CqlType>,
    },
    /// `ALL ROLES`
    AllRoles,
    /// `ROLE r`
    Role(String),
    /// `ALL MBEANS`
    AllMbeans,
    /// `MBEAN name` / `MBEANS pattern`
    Mbean(String),
}

/// The options of CREATE ROLE / ALTER ROLE (and the USER forms), each when given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleOptions {
    /// `PASSWORD = '...'`
    pub password: Option<String>,
    /// `HASHED PASSWORD = '...'`
    pub hashed_password: Option<String>,
    /// `LOGIN = bool`
    pub login: Option<bool>,
    /// `SUPERUSER = bool`
    pub superuser: Option<bool>,
    /// `OPTIONS = {...}`
    pub options: Option<Vec<(String, String)>>,
    /// `ACCESS TO ALL DATACENTERS` (`Some(empty)`) or `ACCESS TO DATACENTERS {...}`.
    pub datacenters: Option<Vec<String>>,
}

impl RoleOptions {
    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        *self == RoleOptions::default()
    }
}

/// The permissions of a GRANT, REVOKE or LIST: `ALL [PERMISSIONS]` or one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permissions {
    /// `ALL [PERMISSIONS]`
    All,
    /// `p [PERMISSION]`
    One(Permission),
}

/// A role or permission statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthStatement {
    /// `CREATE ROLE [IF NOT EXISTS] r [WITH ...]` / `CREATE USER ...`
    CreateRole {
        /// The role.
        name: String,
        /// `IF NOT EXISTS`
        if_not_exists: bool,
        /// The options (LOGIN and SUPERUSER default to false; USER implies LOGIN).
        options: RoleOptions,
        /// Written as `CREATE USER`.
        user: bool,
    },
    /// `ALTER ROLE r WITH ...` / `ALTER USER ...`
    AlterRole {
        /// The role.
        name: String,
        /// The options.
        options: RoleOptions,
        /// Written as `ALTER USER`.
        user: bool,
    },
    /// `DROP ROLE [IF EXISTS] r` / `DROP USER ...`
    DropRole {
        /// The role.
        name: String,
        /// `IF EXISTS`
        if_exists: bool,
        /// Written as `DROP USER`.
        user: bool,
    },
    /// `GRANT role TO grantee`
    GrantRole {
        /// The role granted.
        role: String,
        /// Who receives it.
        grantee: String,
    },
    /// `REVOKE role FROM revokee`
    RevokeRole {
        /// The role revoked.
        role: String,
        /// Who loses it.
        revokee: String,
    },
    /// `LIST ROLES [OF r] [NORECURSIVE]` / `LIST USERS`
    ListRoles {
        /// `OF r`
        of: Option<String>,
        /// Without `NORECURSIVE`.
        recursive: bool,
        /// Written as `LIST USERS`.
        users: bool,
    },
    /// `GRANT permissions ON resource TO role`
    Grant {
        /// What is granted.
        permissions: Permissions,
        /// On what.
        resource: ResourceName,
        /// To whom.
        grantee: String,
    },
    /// `REVOKE permissions ON resource FROM role`
    Revoke {
        /// What is revoked.
        permissions: Permissions,
        /// On what.
        resource: ResourceName,
        /// From whom.
        revokee: String,
    },
    /// `LIST permissions [ON resource] [OF role] [NORECURSIVE]`
    ListPermissions {
        /// Which permissions.
        permissions: Permissions,
        /// `ON resource`
        resource: Option<ResourceName>,
        /// `OF role`
        of: Option<String>,
        /// Without `NORECURSIVE`.
        recursive: bool,
    },
}
