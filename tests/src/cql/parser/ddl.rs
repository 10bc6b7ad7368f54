//! Schema statements: keyspaces, tables, types, indexes; the dispatch to `objects` for
//! functions, aggregates, views and triggers.

use super::{PResult, Parser};
use crate::cql::ast::{
    AlterKeyspace, AlterTable, AlterTableAction, AlterType, AlterTypeAction, ColumnDef,
    CreateIndex, CreateKeyspace, CreateTable, CreateType, EdgeEnd, GraphLabel, IndexKind, Literal,
    Order, Properties, PropertyValue, Statement,
};
use crate::cql::lexer::{Symbol, TokenKind};

/// Cassandra's answer to `WITH COMPACT STORAGE` since 4.0.
pub(crate) const COMPACT_STORAGE_MESSAGE: &str =
    "Compact tables are not allowed in Cassandra starting with 4.0 version.";

impl Parser<'_> {
    /// `CREATE KEYSPACE | TABLE | COLUMNFAMILY | TYPE | [CUSTOM] INDEX`
    pub(crate) fn create(&mut self) -> PResult<Statement> {
        self.expect_kw("create")?;
        if self.at_kw("role") || self.at_kw("user") {
            return self.create_role();
        }
        if self.eat_kw("or") {
            self.expect_kw("replace")?;
            return self.create_routine(true);
        }
        if self.at_kw("function") || self.at_kw("aggregate") {
            return self.create_routine(false);
        }
        if self.at_kw("materialized") && self.at_kw_n(1, "view") {
            self.advance();
            self.advance();
            return self.create_view().map(Statement::CreateView);
        }
        if self.eat_kw("trigger") {
            return self.create_trigger().map(Statement::CreateTrigger);
        }
        if self.eat_kw("keyspace") || self.eat_kw("schema") {
            let if_not_exists = self.if_not_exists()?;
            let name = self.ident()?;
            self.expect_kw("with")?;
            let properties = self.properties()?;
            return Ok(Statement::CreateKeyspace(CreateKeyspace {
                name,
                if_not_exists,
                properties,
            }));
        }
        if self.eat_kw("table") || self.eat_kw("columnfamily") {
            return self.create_table().map(Statement::CreateTable);
        }
        if self.eat_kw("type") {
            let if_not_exists = self.if_not_exists()?;
            let name = self.qualified_name()?;
            self.expect_sym(Symbol::LParen)?;
            let mut fields = Vec::new();
            loop {
                let field = self.ident()?;
                let ty = self.cql_type()?;
                fields.push((field, ty));
                if self.eat_sym(Symbol::RParen) {
                    break;
                }
                self.expect_sym(Symbol::Comma)?;
            }
            return Ok(Statement::CreateType(CreateType {
                name,
                if_not_exists,
                fields,
            }));
        }
        let custom = self.eat_kw("custom");
        if self.eat_kw("index") {
            return self.create_index(custom).map(Statement::CreateIndex);
        }
        if custom {
            return Err(self.mismatched("K_INDEX"));
        }
        Err(self.no_viable())
    }

    fn create_table(&mut self) -> PResult<CreateTable> {
        let if_not_exists = self.if_not_exists()?;
        let name = self.qualified_name()?;
        self.expect_sym(Symbol::LParen)?;
        let mut columns = Vec::new();
        let mut keys: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        loop {
            if self.at_kw("primary") {
                self.advance();
                self.expect_kw("key")?;
                keys.push(self.primary_key()?);
            } else {
                let col = self.ident()?;
                let ty = self.cql_type()?;
                let is_static = self.eat_kw("static");
                if self.eat_kw("primary") {
                    self.expect_kw("key")?;
                    keys.push((vec![col.clone()], Vec::new()));
                }
                columns.push(ColumnDef {
                    name: col,
                    ty,
                    is_static,
                });
            }
            if self.eat_sym(Symbol::RParen) {
                break;
            }
            self.expect_sym(Symbol::Comma)?;
            if self.eat_sym(Symbol::RParen) {
                break;
            }
        }
        let mut table = CreateTable {
            name,
            if_not_exists,
            columns,
            partition_key: Vec::new(),
            clustering_key: Vec::new(),
            clustering_order: Vec::new(),
            properties: Properties::default(),
            graph_label: None,
        };
        if self.eat_kw("with") {
            loop {
                if (self.at_kw("vertex") || self.at_kw("edge")) && self.at_kw_n(1, "label") {
                    table.graph_label = Some(self.graph_label()?);
                } else if self.eat_kw("compact") {
                    self.expect_kw("storage")?;
                    return Err(self.invalid(COMPACT_STORAGE_MESSAGE));
                } else if self.eat_kw("clustering") {
                    self.expect_kw("order")?;
                    self.expect_kw("by")?;
                    self.expect_sym(Symbol::LParen)?;
                    loop {
                        let col = self.ident()?;
                        let order = if self.eat_kw("desc") {
                            Order::Desc
                        } else {
                            self.eat_kw("asc");
                            Order::Asc
                        };
                        table.clustering_order.push((col, order));
                        if self.eat_sym(Symbol::RParen) {
                            break;
                        }
                        self.expect_sym(Symbol::Comma)?;
                    }
                } else {
                    let (name, value) = self.property()?;
                    table.properties.0.push((name, value));
                }
                if !self.eat_kw("and") {
                    break;
                }
            }
        }
        match keys.len() {
            0 => {
                // Cassandra's wording, typo included.
                return Err(self.invalid(&format!(
                    "No PRIMARY KEY specifed for table '{}' (exactly one required)",
                    table.name.name
                )));
            }
            1 => {}
            _ => {
                return Err(self.invalid(&format!(
                    "Multiple PRIMARY KEY specified for table '{}' (exactly one required)",
                    table.name.name
                )));
            }
        }
        if let Some((pk, ck)) = keys.pop() {
            table.partition_key = pk;
            table.clustering_key = ck;
        }
        Ok(table)
    }

    /// `(pk, ck, ...)` or `((pk1, pk2), ck, ...)` after `PRIMARY KEY`.
    fn primary_key(&mut self) -> PResult<(Vec<String>, Vec<String>)> {
        self.expect_sym(Symbol::LParen)?;
        let partition = if self.at_sym(Symbol::LParen) {
            self.ident_list()?
        } else {
            vec![self.ident()?]
        };
        let mut clustering = Vec::new();
        while self.eat_sym(Symbol::Comma) {
            clustering.push(self.ident()?);
        }
        self.expect_sym(Symbol::RParen)?;
        Ok((partition, clustering))
    }

    /// `CREATE [CUSTOM] INDEX [IF NOT EXISTS] [name] ON t (target) [USING 'class'] [WITH ...]`
    fn create_index(&mut self, custom: bool) -> PResult<CreateIndex> {
        let if_not_exists = self.if_not_exists()?;
        let name = if self.at_kw("on") {
            None
        } else {
            Some(self.ident()?)
        };
        self.expect_kw("on")?;
        let table = self.qualified_name()?;
        self.expect_sym(Symbol::LParen)?;
        let mut kind = IndexKind::Simple;
        for (kw, k) in [
            ("keys", IndexKind::Keys),
            ("values", IndexKind::Values),
            ("entries", IndexKind::Entries),
            ("full", IndexKind::Full),
        ] {
            if self.at_kw(kw) && self.at_sym_n(1, Symbol::LParen) {
                kind = k;
            }
        }
        let column = if kind == IndexKind::Simple {
            self.ident()?
        } else {
            self.advance();
            self.advance();
            let c = self.ident()?;
            self.expect_sym(Symbol::RParen)?;
            c
        };
        self.expect_sym(Symbol::RParen)?;
        let mut custom_class = None;
        if custom {
            self.expect_kw("using")?;
            match self.cur().clone() {
                TokenKind::Str(s) => {
                    self.advance();
                    custom_class = Some(s);
                }
                _ => return Err(self.mismatched("STRING_LITERAL")),
            }
        }
        let properties = if self.eat_kw("with") {
            self.properties()?
        } else {
            Properties::default()
        };
        Ok(CreateIndex {
            name,
            if_not_exists,
            table,
            column,
            kind,
            custom_class,
            properties,
        })
    }

    /// `ALTER KEYSPACE | TABLE | COLUMNFAMILY | TYPE`
    pub(crate) fn alter(&mut self) -> PResult<Statement> {
        self.expect_kw("alter")?;
        if self.at_kw("role") || self.at_kw("user") {
            return self.alter_role();
        }
        if self.at_kw("materialized") && self.at_kw_n(1, "view") {
            self.advance();
            self.advance();
            return self.alter_view().map(Statement::AlterView);
        }
        if self.eat_kw("keyspace") || self.eat_kw("schema") {
            let if_exists = self.if_exists()?;
            let name = self.ident()?;
            self.expect_kw("with")?;
            let properties = self.properties()?;
            return Ok(Statement::AlterKeyspace(AlterKeyspace {
                name,
                if_exists,
                properties,
            }));
        }
        if self.eat_kw("table") || self.eat_kw("columnfamily") {
            let if_exists = self.if_exists()?;
            let name = self.qualified_name()?;
            let action = self.alter_table_action()?;
            return Ok(Statement::AlterTable(AlterTable {
                name,
                if_exists,
                action,
            }));
        }
        if self.eat_kw("type") {
            let if_exists = self.if_exists()?;
            let name = self.qualified_name()?;
            let action = if self.eat_kw("add") {
                let if_not_exists = self.if_not_exists()?;
                let field = self.ident()?;
                let ty = self.cql_type()?;
                AlterTypeAction::Add {
                    if_not_exists,
                    field,
                    ty,
                }
            } else if self.eat_kw("rename") {
                let if_exists = self.if_exists()?;
                AlterTypeAction::Rename {
                    if_exists,
                    renames: self.renames()?,
                }
            } else {
                return Err(self.no_viable());
            };
            return Ok(Statement::AlterType(AlterType {
                name,
                if_exists,
                action,
            }));
        }
        Err(self.no_viable())
    }

    fn alter_table_action(&mut self) -> PResult<AlterTableAction> {
        if self.eat_kw("add") {
            let if_not_exists = self.if_not_exists()?;
            let mut columns = Vec::new();
            let parenthesised = self.eat_sym(Symbol::LParen);
            loop {
                let name = self.ident()?;
                let ty = self.cql_type()?;
                let is_static = self.eat_kw("static");
                columns.push(ColumnDef {
                    name,
                    ty,
                    is_static,
                });
                if !parenthesised || self.eat_sym(Symbol::RParen) {
                    break;
                }
                self.expect_sym(Symbol::Comma)?;
            }
            return Ok(AlterTableAction::Add {
                if_not_exists,
                columns,
            });
        }
        if self.eat_kw("drop") {
            let if_exists = self.if_exists()?;
            let columns = if self.at_sym(Symbol::LParen) {
                self.ident_list()?
            } else {
                vec![self.ident()?]
            };
            let using = self.using_clause()?;
            if using.ttl.is_some() {
                return Err(self.no_viable());
            }
            return Ok(AlterTableAction::Drop {
                if_exists,
                columns,
                timestamp: using.timestamp,
            });
        }
        if self.eat_kw("rename") {
            let if_exists = self.if_exists()?;
            return Ok(AlterTableAction::Rename {
                if_exists,
                renames: self.renames()?,
            });
        }
        if self.eat_kw("alter") {
            let column = self.ident()?;
            self.expect_kw("type")?;
            let ty = self.cql_type()?;
            return Ok(AlterTableAction::AlterType { column, ty });
        }
        if self.eat_kw("with") {
            let mut props = Properties::default();
            loop {
                if self.at_kw("compact") {
                    self.advance();
                    self.expect_kw("storage")?;
                    return Err(self.invalid(COMPACT_STORAGE_MESSAGE));
                }
                let (name, value) = self.property()?;
                props.0.push((name, value));
                if !self.eat_kw("and") {
                    break;
                }
            }
            return Ok(AlterTableAction::With(props));
        }
        Err(self.no_viable())
    }

    /// `a TO b (AND c TO d)*`
    fn renames(&mut self) -> PResult<Vec<(String, String)>> {
        let mut out = Vec::new();
        loop {
            let from = self.ident()?;
            self.expect_kw("to")?;
            let to = self.ident()?;
            out.push((from, to));
            if !self.eat_kw("and") {
                return Ok(out);
            }
        }
    }

    /// `DROP KEYSPACE | TABLE | COLUMNFAMILY | TYPE | INDEX`
    pub(crate) fn drop_statement(&mut self) -> PResult<Statement> {
        self.expect_kw("drop")?;
        if self.at_kw("role") || self.at_kw("user") {
            return self.drop_role();
        }
        if self.eat_kw("keyspace") || self.eat_kw("schema") {
            let if_exists = self.if_exists()?;
            let name = self.ident()?;
            return Ok(Statement::DropKeyspace { name, if_exists });
        }
        if self.eat_kw("table") || self.eat_kw("columnfamily") {
            let if_exists = self.if_exists()?;
            let name = self.qualified_name()?;
            return Ok(Statement::DropTable { name, if_exists });
        }
        if self.eat_kw("type") {
            let if_exists = self.if_exists()?;
            let name = self.qualified_name()?;
            return Ok(Statement::DropType { name, if_exists });
        }
        if self.eat_kw("index") {
            let if_exists = self.if_exists()?;
            let name = self.qualified_name()?;
            return Ok(Statement::DropIndex { name, if_exists });
        }
        if self.eat_kw("function") {
            return self.drop_routine().map(Statement::DropFunction);
        }
        if self.eat_kw("aggregate") {
            return self.drop_routine().map(Statement::DropAggregate);
        }
        if self.at_kw("materialized") && self.at_kw_n(1, "view") {
            self.advance();
            self.advance();
            let if_exists = self.if_exists()?;
            let name = self.qualified_name()?;
            return Ok(Statement::DropView { name, if_exists });
        }
        if self.eat_kw("trigger") {
            return self.drop_trigger().map(Statement::DropTrigger);
        }
        Err(self.no_viable())
    }

    /// DSE's `VERTEX LABEL [name]` or `EDGE LABEL [name] FROM v(cols) TO v(cols)`.
    fn graph_label(&mut self) -> PResult<GraphLabel> {
        let edge = self.eat_kw("edge");
        if !edge {
            self.expect_kw("vertex")?;
        }
        self.expect_kw("label")?;
        let named = !(self.at_kw("and") || self.at_kw("from"))
            && matches!(self.cur(), TokenKind::Ident(_) | TokenKind::QuotedIdent(_));
        let label = if named { Some(self.ident()?) } else { None };
        if !edge {
            return Ok(GraphLabel::Vertex(label));
        }
        self.expect_kw("from")?;
        let from = self.edge_end()?;
        self.expect_kw("to")?;
        let to = self.edge_end()?;
        Ok(GraphLabel::Edge { label, from, to })
    }

    /// `label(pk)`, `label(pk, c1, ...)` or `label((pk1, pk2), c1, ...)`.
    fn edge_end(&mut self) -> PResult<EdgeEnd> {
        let label = self.ident()?;
        self.expect_sym(Symbol::LParen)?;
        let partition_key = if self.eat_sym(Symbol::LParen) {
            let mut cols = vec![self.ident()?];
            while self.eat_sym(Symbol::Comma) {
                cols.push(self.ident()?);
            }
            self.expect_sym(Symbol::RParen)?;
            cols
        } else {
            vec![self.ident()?]
        };
        let mut clustering = Vec::new();
        while self.eat_sym(Symbol::Comma) {
            clustering.push(self.ident()?);
        }
        self.expect_sym(Symbol::RParen)?;
        Ok(EdgeEnd {
            label,
            partition_key,
            clustering,
        })
    }

    /// `name = value (AND name = value)*`
    pub(crate) fn properties(&mut self) -> PResult<Properties> {
        let mut props = Properties::default();
        loop {
            let (name, value) = self.property()?;
            props.0.push((name, value));
            if !self.eat_kw("and") {
                return Ok(props);
            }
        }
    }

    pub(crate) fn property(&mut self) -> PResult<(String, PropertyValue)> {
        let name = self.ident()?;
        self.expect_sym(Symbol::Eq)?;
        if self.eat_sym(Symbol::LBrace) {
            let mut entries = Vec::new();
            if !self.eat_sym(Symbol::RBrace) {
                loop {
                    let k = self.constant()?;
                    self.expect_sym(Symbol::Colon)?;
                    let v = self.constant()?;
                    entries.push((k, v));
                    if self.eat_sym(Symbol::RBrace) {
                        break;
                    }
                    self.expect_sym(Symbol::Comma)?;
                }
            }
            return Ok((name, PropertyValue::Map(entries)));
        }
        if let TokenKind::Ident(w) = self.cur().clone() {
            if !matches!(w.as_str(), "true" | "false" | "nan" | "infinity") {
                if super::is_reserved(&w) {
                    return Err(self.no_viable());
                }
                self.advance();
                return Ok((name, PropertyValue::Word(w)));
            }
        }
        Ok((name, PropertyValue::Literal(self.constant()?)))
    }

    /// A constant: string, number (optionally negative), boolean, hex, uuid, duration.
    pub(crate) fn constant(&mut self) -> PResult<Literal> {
        match self.cur() {
            TokenKind::Str(_)
            | TokenKind::Integer(_)
            | TokenKind::Float(_)
            | TokenKind::Hex(_)
            | TokenKind::Uuid(_)
            | TokenKind::Duration(_)
            | TokenKind::Sym(Symbol::Minus) => {}
            TokenKind::Ident(w) if matches!(w.as_str(), "true" | "false" | "nan" | "infinity") => {}
            _ => return Err(self.no_viable()),
        }
        match self.term()? {
            crate::cql::ast::Term::Literal(l) => Ok(l),
            _ => Err(self.no_viable()),
        }
    }
}
