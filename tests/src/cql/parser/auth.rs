//! Role and permission statements: CREATE/ALTER/DROP ROLE and USER, GRANT, REVOKE and
//! LIST (roles, users, permissions).

use super::{PResult, Parser};
use crate::cql::ast::{
    AuthStatement, Literal, Permission, Permissions, ResourceName, RoleOptions, Statement,
};
use crate::cql::lexer::{Symbol, TokenKind};
use crate::cql::{ErrorKind, ParseError};

impl ResourceName {
    /// The permissions that apply to the resource, as Cassandra's resource classes list
    /// them.
    pub fn applicable_permissions(&self) -> &'static [Permission] {
        use Permission::*;
        match self {
            ResourceName::AllKeyspaces | ResourceName::Keyspace(_) => {
                &[Create, Alter, Drop, Select, Modify, Authorize]
            }
            ResourceName::Table(_) => &[Alter, Drop, Select, Modify, Authorize],
            ResourceName::AllFunctions | ResourceName::FunctionsIn(_) => {
                &[Create, Alter, Drop, Authorize, Execute]
            }
            ResourceName::Function { .. } => &[Alter, Drop, Authorize, Execute],
            ResourceName::AllRoles => &[Create, Alter, Drop, Authorize, Describe],
            ResourceName::Role(_) => &[Alter, Drop, Authorize],
            ResourceName::AllMbeans | ResourceName::Mbean(_) => {
                &[Authorize, Describe, Execute, Modify, Select]
            }
        }
    }

    /// The simple name of Cassandra's class for the resource (`DataResource`, ...).
    pub fn class_name(&self) -> &'static str {
        match self {
            ResourceName::AllKeyspaces | ResourceName::Keyspace(_) | ResourceName::Table(_) => {
                "DataResource"
            }
            ResourceName::AllFunctions
            | ResourceName::FunctionsIn(_)
            | ResourceName::Function { .. } => "FunctionResource",
            ResourceName::AllRoles | ResourceName::Role(_) => "RoleResource",
            ResourceName::AllMbeans | ResourceName::Mbean(_) => "JMXResource",
        }
    }
}

impl Parser<'_> {
    /// A role name: an identifier (lower-cased unless quoted) or a string literal.
    fn role_name(&mut self) -> PResult<String> {
        if let TokenKind::Str(s) = self.cur().clone() {
            self.advance();
            return Ok(s);
        }
        self.ident()
    }

    /// After `CREATE`: `ROLE ...` or `USER ...`, when the cursor is on one of them.
    pub(crate) fn create_role(&mut self) -> PResult<Statement> {
        let user = self.eat_kw("user");
        if !user {
            self.expect_kw("role")?;
        }
        let if_not_exists = self.if_not_exists()?;
        let name = self.role_name()?;
        let mut options = if user {
            self.user_options()?
        } else if self.eat_kw("with") {
            self.role_options()?
        } else {
            RoleOptions::default()
        };
        if user {
            options.login = Some(true);
        } else {
            options.login.get_or_insert(false);
        }
        options.superuser.get_or_insert(false);
        Ok(Statement::Auth(AuthStatement::CreateRole {
            name,
            if_not_exists,
            options,
            user,
        }))
    }

    /// After `ALTER`: `ROLE ...` or `USER ...`.
    pub(crate) fn alter_role(&mut self) -> PResult<Statement> {
        let user = self.eat_kw("user");
        if !user {
            self.expect_kw("role")?;
        }
        let name = self.role_name()?;
        let options = if user {
            self.user_options()?
        } else {
            self.expect_kw("with")?;
            self.role_options()?
        };
        Ok(Statement::Auth(AuthStatement::AlterRole {
            name,
            options,
            user,
        }))
    }

    /// After `DROP`: `ROLE ...` or `USER ...`.
    pub(crate) fn drop_role(&mut self) -> PResult<Statement> {
        let user = self.eat_kw("user");
        if !user {
            self.expect_kw("role")?;
        }
        let if_exists = self.if_exists()?;
        let name = self.role_name()?;
        Ok(Statement::Auth(AuthStatement::DropRole {
            name,
            if_exists,
            user,
        }))
    }

    /// `[WITH [HASHED] PASSWORD 'p'] [SUPERUSER | NOSUPERUSER]` of the USER forms.
    fn user_options(&mut self) -> PResult<RoleOptions> {
        let mut options = RoleOptions::default();
        if self.eat_kw("with") {
            let hashed = self.eat_kw("hashed");
            self.expect_kw("password")?;
            let value = self.string()?;
            if hashed {
                options.hashed_password = Some(value);
            } else {
                options.password = Some(value);
            }
        }
        if self.eat_kw("superuser") {
            options.superuser = Some(true);
        } else if self.eat_kw("nosuperuser") {
            options.superuser = Some(false);
        }
        Ok(options)
    }

    fn string(&mut self) -> PResult<String> {
        match self.cur().clone() {
            TokenKind::Str(s) => {
                self.advance();
                Ok(s)
            }
            _ => Err(self.mismatched("STRING_LITERAL")),
        }
    }

    fn boolean(&mut self) -> PResult<bool> {
        if self.eat_kw("true") {
            Ok(true)
        } else if self.eat_kw("false") {
            Ok(false)
        } else {
            Err(self.mismatched("BOOLEAN"))
        }
    }

    /// `option [AND option]*` of the ROLE forms.
    fn role_options(&mut self) -> PResult<RoleOptions> {
        let mut o = RoleOptions::default();
        loop {
            let word = match self.cur() {
                TokenKind::Ident(w) => w.clone(),
                _ => return Err(self.no_viable()),
            };
            self.advance();
            let duplicate = match word.as_str() {
                "password" => {
                    self.expect_sym(Symbol::Eq)?;
                    o.password.replace(self.string()?).is_some()
                }
                "hashed" => {
                    self.expect_kw("password")?;
                    self.expect_sym(Symbol::Eq)?;
                    o.hashed_password.replace(self.string()?).is_some()
                }
                "login" => {
                    self.expect_sym(Symbol::Eq)?;
                    o.login.replace(self.boolean()?).is_some()
                }
                "superuser" => {
                    self.expect_sym(Symbol::Eq)?;
                    o.superuser.replace(self.boolean()?).is_some()
                }
                "options" => {
                    self.expect_sym(Symbol::Eq)?;
                    let map = self.string_map()?;
                    o.options.replace(map).is_some()
                }
                "access" => {
                    self.expect_kw("to")?;
                    let dcs = if self.eat_kw("all") {
                        self.expect_kw("datacenters")?;
                        Vec::new()
                    } else {
                        self.expect_kw("datacenters")?;
                        self.string_set()?
                    };
                    o.datacenters.replace(dcs).is_some()
                }
                _ => return Err(self.no_viable_before()),
            };
            if duplicate {
                let name = match word.as_str() {
                    "hashed" => "HASHED_PASSWORD".to_string(),
                    "access" => "ACCESS_TO_DATACENTERS".to_string(),
                    w => w.to_ascii_uppercase(),
                };
                return Err(ParseError {
                    kind: ErrorKind::Syntax,
                    line: 0,
                    column: -1,
                    message: format!("Multiple definition for property '{name}'"),
                });
            }
            if !self.eat_kw("and") {
                return Ok(o);
            }
        }
    }

    /// The error for an unknown word just consumed.
    fn no_viable_before(&mut self) -> ParseError {
        self.pos = self.pos.saturating_sub(1);
        self.no_viable()
    }

    fn string_map(&mut self) -> PResult<Vec<(String, String)>> {
        self.expect_sym(Symbol::LBrace)?;
        let mut out = Vec::new();
        if self.eat_sym(Symbol::RBrace) {
            return Ok(out);
        }
        loop {
            let k = self.constant()?;
            self.expect_sym(Symbol::Colon)?;
            let v = self.constant()?;
            out.push((literal_text(&k), literal_text(&v)));
            if self.eat_sym(Symbol::RBrace) {
                return Ok(out);
            }
            self.expect_sym(Symbol::Comma)?;
        }
    }

    fn string_set(&mut self) -> PResult<Vec<String>> {
        self.expect_sym(Symbol::LBrace)?;
        let mut out = Vec::new();
        if self.eat_sym(Symbol::RBrace) {
            return Ok(out);
        }
        loop {
            out.push(self.string()?);
            if self.eat_sym(Symbol::RBrace) {
                return Ok(out);
            }
            self.expect_sym(Symbol::Comma)?;
        }
    }

    /// Whether the cursor is on a permission (or `ALL`) followed by what makes it one.
    fn at_permissions(&self) -> bool {
        let head = match self.cur() {
            TokenKind::Ident(w) => w.clone(),
            _ => return false,
        };
        (head == "all" || Permission::from_name(&head).is_some())
            && (self.at_kw_n(1, "on")
                || self.at_kw_n(1, "permission")
                || self.at_kw_n(1, "permissions")
                || self.at_kw_n(1, "of")
                || self.at_kw_n(1, "norecursive")
                || matches!(
                    self.peek(1),
                    TokenKind::Eof | TokenKind::Sym(Symbol::Semicolon)
                ))
    }

    fn permissions(&mut self) -> PResult<Permissions> {
        if self.eat_kw("all") {
            self.eat_kw("permissions");
            return Ok(Permissions::All);
        }
        let p = match self.cur() {
            TokenKind::Ident(w) => Permission::from_name(w),
            _ => None,
        };
        let Some(p) = p else {
            return Err(self.no_viable());
        };
        self.advance();
        self.eat_kw("permission");
        Ok(Permissions::One(p))
    }

    fn resource(&mut self) -> PResult<ResourceName> {
        if self.at_kw("all") {
            let which = match self.peek(1) {
                TokenKind::Ident(w) => w.clone(),
                _ => String::new(),
            };
            let resource = match which.as_str() {
                "keyspaces" => ResourceName::AllKeyspaces,
                "roles" => ResourceName::AllRoles,
                "mbeans" => ResourceName::AllMbeans,
                "functions" => ResourceName::AllFunctions,
                _ => {
                    self.advance();
                    return Err(self.no_viable());
                }
            };
            self.advance();
            self.advance();
            if resource == ResourceName::AllFunctions && self.eat_kw("in") {
                self.expect_kw("keyspace")?;
                return Ok(ResourceName::FunctionsIn(self.ident()?));
            }
            return Ok(resource);
        }
        if self.eat_kw("keyspace") {
            return Ok(ResourceName::Keyspace(self.ident()?));
        }
        if (self.at_kw("role") || self.at_kw("mbean") || self.at_kw("mbeans"))
            && matches!(
                self.peek(1),
                TokenKind::Str(_) | TokenKind::QuotedIdent(_) | TokenKind::Ident(_)
            )
            && self.at_ident_n(1) | matches!(self.peek(1), TokenKind::Str(_))
        {
            if self.eat_kw("role") {
                return Ok(ResourceName::Role(self.role_name()?));
            }
            self.advance();
            return Ok(ResourceName::Mbean(self.string()?));
        }
        if self.at_kw("function") && self.at_ident_n(1) {
            self.advance();
            let name = self.function_name()?;
            let arguments = self.type_list()?;
            return Ok(ResourceName::Function { name, arguments });
        }
        if !self.eat_kw("table") {
            self.eat_kw("columnfamily");
        }
        Ok(ResourceName::Table(self.qualified_name()?))
    }

    /// Keeps the permissions that apply to the resource; none is Cassandra's syntax error.
    fn check_applicable(
        &self,
        permissions: Permissions,
        resource: &ResourceName,
    ) -> PResult<Permissions> {
        match permissions {
            Permissions::One(p) if !resource.applicable_permissions().contains(&p) => {
                Err(ParseError {
                    kind: ErrorKind::Syntax,
                    line: 0,
                    column: -1,
                    message: format!(
                        "Resource type {} does not support any of the requested permissions",
                        resource.class_name()
                    ),
                })
            }
            other => Ok(other),
        }
    }

    /// `GRANT role TO role` or `GRANT permissions ON resource TO role`.
    pub(crate) fn grant(&mut self) -> PResult<Statement> {
        self.expect_kw("grant")?;
        if self.at_permissions() {
            let permissions = self.permissions()?;
            self.expect_kw("on")?;
            let resource = self.resource()?;
            self.expect_kw("to")?;
            let grantee = self.role_name()?;
            let permissions = self.check_applicable(permissions, &resource)?;
            return Ok(Statement::Auth(AuthStatement::Grant {
                permissions,
                resource,
                grantee,
            }));
        }
        let role = self.role_name()?;
        self.expect_kw("to")?;
        let grantee = self.role_name()?;
        Ok(Statement::Auth(AuthStatement::GrantRole { role, grantee }))
    }

    /// `REVOKE role FROM role` or `REVOKE permissions ON resource FROM role`.
    pub(crate) fn revoke(&mut self) -> PResult<Statement> {
        self.expect_kw("revoke")?;
        if self.at_permissions() {
            let permissions = self.permissions()?;
            self.expect_kw("on")?;
            let resource = self.resource()?;
            self.expect_kw("from")?;
            let revokee = self.role_name()?;
            let permissions = self.check_applicable(permissions, &resource)?;
            return Ok(Statement::Auth(AuthStatement::Revoke {
                permissions,
                resource,
                revokee,
            }));
        }
        let role = self.role_name()?;
        self.expect_kw("from")?;
        let revokee = self.role_name()?;
        Ok(Statement::Auth(AuthStatement::RevokeRole { role, revokee }))
    }

    /// `LIST ROLES [OF r] [NORECURSIVE]`, `LIST USERS`, `LIST permissions [ON resource]
    /// [OF r] [NORECURSIVE]`.
    pub(crate) fn list(&mut self) -> PResult<Statement> {
        self.expect_kw("list")?;
        if self.eat_kw("users") {
            return Ok(Statement::Auth(AuthStatement::ListRoles {
                of: None,
                recursive: true,
                users: true,
            }));
        }
        if self.eat_kw("roles") {
            let of = if self.eat_kw("of") {
                Some(self.role_name()?)
            } else {
                None
            };
            let recursive = !self.eat_kw("norecursive");
            return Ok(Statement::Auth(AuthStatement::ListRoles {
                of,
                recursive,
                users: false,
            }));
        }
        let permissions = self.permissions()?;
        let resource = if self.eat_kw("on") {
            Some(self.resource()?)
        } else {
            None
        };
        let of = if self.eat_kw("of") {
            Some(self.role_name()?)
        } else {
            None
        };
        let recursive = !self.eat_kw("norecursive");
        Ok(Statement::Auth(AuthStatement::ListPermissions {
            permissions,
            resource,
            of,
            recursive,
        }))
    }
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::String(s) => s.clone(),
        other => other.as_text(),
    }
}
