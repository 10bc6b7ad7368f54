//! Roles and permissions as Cassandra 4.1 keeps them with PasswordAuthenticator,
//! CassandraRoleManager and (when switched on) CassandraAuthorizer.
//!
//! ```text
//!   resource    the resources permissions are granted on, with Cassandra's names
//!               (`data/ks/t`) and printed forms (`<table ks.t>`)
//!   roles       the role model: roles, memberships, permissions, passwords
//!   statements  CREATE/ALTER/DROP ROLE and USER, GRANT, REVOKE, LIST ROLES/USERS/PERMISSIONS
//!   authorize   the permission every other statement needs, checked before it runs
//!   mirror      the model written into the system_auth tables after every change
//!   hash        salted password hashes
//! ```
//!
//! The model ([`Roles`]) is the truth; the `system_auth` tables are rewritten from it after
//! every change so `SELECT * FROM system_auth.roles` reads what Cassandra would show.
//! Without authentication every client is anonymous and role statements are refused as
//! Cassandra refuses them; without the authorizer (AllowAllAuthorizer, Cassandra's
//! default) every permission is granted and GRANT, REVOKE and LIST PERMISSIONS are
//! refused.

pub mod authorize;
mod hash;
pub mod mirror;
pub mod resource;
pub mod roles;
pub mod statements;
#[cfg(test)]
mod tests;

pub use resource::Resource;
pub use roles::{Role, Roles};

/// Which of Cassandra's authentication and authorization classes a node runs with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuthConfig {
    /// PasswordAuthenticator (clients log in; the `cassandra` superuser exists) rather
    /// than AllowAllAuthenticator. Configured users switch it on too.
    pub authenticator: bool,
    /// CassandraAuthorizer (permissions are checked) rather than AllowAllAuthorizer.
    /// Implies the authenticator, as Cassandra refuses the authorizer without it.
    pub authorizer: bool,
}

impl AuthConfig {
    /// Password authentication and permission checks.
    pub fn enforcing() -> Self {
        Self {
            authenticator: true,
            authorizer: true,
        }
    }

    /// Whether clients must log in.
    pub fn authenticates(&self) -> bool {
        self.authenticator || self.authorizer
    }
}

/// Who runs a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller<'a> {
    /// The logged-in role; `None` is the anonymous user of AllowAllAuthenticator.
    pub user: Option<&'a str>,
    /// The node's authentication and authorization classes.
    pub config: AuthConfig,
}

/// The message of Cassandra's refusal of an anonymous user.
pub const NOT_ANONYMOUS: &str =
    "You have to be logged in and not anonymous to perform this request";

/// Who a [`Caller`] is, as the checks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who<'a> {
    /// The node itself, or a test calling the node directly on a node with
    /// authentication (no logged-in user): nothing is checked.
    Internal,
    /// AllowAllAuthenticator's anonymous user.
    Anonymous,
    /// A logged-in role.
    User(&'a str),
}

impl<'a> Caller<'a> {
    /// Who is calling.
    pub fn who(&self) -> Who<'a> {
        match (self.user, self.config.authenticates()) {
            (Some(u), _) => Who::User(u),
            (None, true) => Who::Internal,
            (None, false) => Who::Anonymous,
        }
    }

    /// The user's name as Cassandra prints it in errors.
    pub fn name(&self) -> &'a str {
        self.user.unwrap_or("anonymous")
    }
}
