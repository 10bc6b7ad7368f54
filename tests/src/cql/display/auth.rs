//! CQL text for the role and permission statements.

use core::fmt::{self, Display, Formatter};

use super::exists;
use crate::cql::ast::*;

fn role(f: &mut Formatter<'_>, name: &str) -> fmt::Result {
    f.write_str(&quote_ident(name))
}

impl Display for RoleOptions {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(p) = &self.password {
            parts.push(format!("PASSWORD = {}", Literal::String(p.clone())));
        }
        if let Some(p) = &self.hashed_password {
            parts.push(format!("HASHED PASSWORD = {}", Literal::String(p.clone())));
        }
        if let Some(b) = self.login {
            parts.push(format!("LOGIN = {b}"));
        }
        if let Some(b) = self.superuser {
            parts.push(format!("SUPERUSER = {b}"));
        }
        if let Some(m) = &self.options {
            let entries: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        Literal::String(k.clone()),
                        Literal::String(v.clone())
                    )
                })
                .collect();
            parts.push(format!("OPTIONS = {{{}}}", entries.join(", ")));
        }
        match &self.datacenters {
            Some(dcs) if dcs.is_empty() => parts.push("ACCESS TO ALL DATACENTERS".into()),
            Some(dcs) => {
                let dcs: Vec<String> = dcs
                    .iter()
                    .map(|d| Literal::String(d.clone()).to_string())
                    .collect();
                parts.push(format!("ACCESS TO DATACENTERS {{{}}}", dcs.join(", ")));
            }
            None => {}
        }
        f.write_str(&parts.join(" AND "))
    }
}

impl Display for Permissions {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Permissions::All => f.write_str("ALL PERMISSIONS"),
            Permissions::One(p) => f.write_str(p.name()),
        }
    }
}

impl Display for ResourceName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ResourceName::AllKeyspaces => f.write_str("ALL KEYSPACES"),
            ResourceName::Keyspace(k) => write!(f, "KEYSPACE {}", quote_ident(k)),
            ResourceName::Table(t) => write!(f, "TABLE {t}"),
            ResourceName::AllFunctions => f.write_str("ALL FUNCTIONS"),
            ResourceName::FunctionsIn(k) => {
                write!(f, "ALL FUNCTIONS IN KEYSPACE {}", quote_ident(k))
            }
            ResourceName::Function { name, arguments } => {
                let args: Vec<String> = arguments.iter().map(ToString::to_string).collect();
                write!(f, "FUNCTION {name}({})", args.join(", "))
            }
            ResourceName::AllRoles => f.write_str("ALL ROLES"),
            ResourceName::Role(r) => write!(f, "ROLE {}", quote_ident(r)),
            ResourceName::AllMbeans => f.write_str("ALL MBEANS"),
            ResourceName::Mbean(m) => write!(f, "MBEAN {}", Literal::String(m.clone())),
        }
    }
}

impl Display for AuthStatement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            AuthStatement::CreateRole {
                name,
                if_not_exists,
                options,
                ..
            } => {
                f.write_str("CREATE ROLE")?;
                exists(f, "IF NOT EXISTS", *if_not_exists)?;
                f.write_str(" ")?;
                role(f, name)?;
                if !options.is_empty() {
                    write!(f, " WITH {options}")?;
                }
                Ok(())
            }
            AuthStatement::AlterRole { name, options, .. } => {
                f.write_str("ALTER ROLE ")?;
                role(f, name)?;
                write!(f, " WITH {options}")
            }
            AuthStatement::DropRole {
                name, if_exists, ..
            } => {
                f.write_str("DROP ROLE")?;
                exists(f, "IF EXISTS", *if_exists)?;
                f.write_str(" ")?;
                role(f, name)
            }
            AuthStatement::GrantRole { role: r, grantee } => {
                f.write_str("GRANT ")?;
                role(f, r)?;
                f.write_str(" TO ")?;
                role(f, grantee)
            }
            AuthStatement::RevokeRole { role: r, revokee } => {
                f.write_str("REVOKE ")?;
                role(f, r)?;
                f.write_str(" FROM ")?;
                role(f, revokee)
            }
            AuthStatement::ListRoles {
                of,
                recursive,
                users,
            } => {
                if *users {
                    return f.write_str("LIST USERS");
                }
                f.write_str("LIST ROLES")?;
                if let Some(of) = of {
                    f.write_str(" OF ")?;
                    role(f, of)?;
                }
                exists(f, "NORECURSIVE", !recursive)
            }
            AuthStatement::Grant {
                permissions,
                resource,
                grantee,
            } => {
                write!(f, "GRANT {permissions} ON {resource} TO ")?;
                role(f, grantee)
            }
            AuthStatement::Revoke {
                permissions,
                resource,
                revokee,
            } => {
                write!(f, "REVOKE {permissions} ON {resource} FROM ")?;
                role(f, revokee)
            }
            AuthStatement::ListPermissions {
                permissions,
                resource,
                of,
                recursive,
            } => {
                write!(f, "LIST {permissions}")?;
                if let Some(r) = resource {
                    write!(f, " ON {r}")?;
                }
                if let Some(of) = of {
                    f.write_str(" OF ")?;
                    role(f, of)?;
                }
                exists(f, "NORECURSIVE", !recursive)
            }
        }
    }
}
