//! Schema statements for functions, aggregates, materialized views and triggers.

use super::ddl::COMPACT_STORAGE_MESSAGE;
use super::{PResult, Parser};
use crate::cql::ast::{
    AlterView, CqlType, CreateAggregate, CreateFunction, CreateTrigger, CreateView, DropFunction,
    DropTrigger, Order, Properties, Statement,
};
use crate::cql::lexer::{Symbol, TokenKind};

impl Parser<'_> {
    /// After `CREATE [OR REPLACE]`: `FUNCTION ...` or `AGGREGATE ...`.
    pub(crate) fn create_routine(&mut self, or_replace: bool) -> PResult<Statement> {
        if self.eat_kw("function") {
            return self
                .create_function(or_replace)
                .map(Statement::CreateFunction);
        }
        if self.eat_kw("aggregate") {
            return self
                .create_aggregate(or_replace)
                .map(Statement::CreateAggregate);
        }
        Err(self.no_viable())
    }

    fn string_literal(&mut self) -> PResult<String> {
        match self.cur().clone() {
            TokenKind::Str(s) => {
                self.advance();
                Ok(s)
            }
            _ => Err(self.mismatched("STRING_LITERAL")),
        }
    }

    /// `( [type (, type)*] )`
    pub(crate) fn type_list(&mut self) -> PResult<Vec<CqlType>> {
        self.expect_sym(Symbol::LParen)?;
        let mut types = Vec::new();
        if self.eat_sym(Symbol::RParen) {
            return Ok(types);
        }
        loop {
            types.push(self.cql_type()?);
            if self.eat_sym(Symbol::RParen) {
                return Ok(types);
            }
            self.expect_sym(Symbol::Comma)?;
        }
    }

    fn create_function(&mut self, or_replace: bool) -> PResult<CreateFunction> {
        let if_not_exists = self.if_not_exists()?;
        let name = self.qualified_name()?;
        self.expect_sym(Symbol::LParen)?;
        let mut arguments = Vec::new();
        if !self.eat_sym(Symbol::RParen) {
            loop {
                let arg = self.ident()?;
                let ty = self.cql_type()?;
                arguments.push((arg, ty));
                if self.eat_sym(Symbol::RParen) {
                    break;
                }
                self.expect_sym(Symbol::Comma)?;
            }
        }
        let called_on_null_input = if self.eat_kw("called") {
            true
        } else {
            self.expect_kw("returns")?;
            self.expect_kw("null")?;
            false
        };
        self.expect_kw("on")?;
        self.expect_kw("null")?;
        self.expect_kw("input")?;
        self.expect_kw("returns")?;
        let return_type = self.cql_type()?;
        self.expect_kw("language")?;
        let language = match self.cur().clone() {
            TokenKind::Ident(w) => {
                self.advance();
                w
            }
            _ => return Err(self.mismatched("IDENT")),
        };
        self.expect_kw("as")?;
        let body = self.string_literal()?;
        Ok(CreateFunction {
            name,
            or_replace,
            if_not_exists,
            arguments,
            called_on_null_input,
            return_type,
            language,
            body,
        })
    }

    fn create_aggregate(&mut self, or_replace: bool) -> PResult<CreateAggregate> {
        let if_not_exists = self.if_not_exists()?;
        let name = self.qualified_name()?;
        let arguments = self.type_list()?;
        self.expect_kw("sfunc")?;
        let state_function = self.ident()?;
        self.expect_kw("stype")?;
        let state_type = self.cql_type()?;
        let final_function = if self.eat_kw("finalfunc") {
            Some(self.ident()?)
        } else {
            None
        };
        let initcond = if self.eat_kw("initcond") {
            Some(self.term()?)
        } else {
            None
        };
        Ok(CreateAggregate {
            name,
            or_replace,
            if_not_exists,
            arguments,
            state_function,
            state_type,
            final_function,
            initcond,
        })
    }

    /// After `DROP FUNCTION` / `DROP AGGREGATE`: `[IF EXISTS] [ks.]f[(types)]`.
    pub(crate) fn drop_routine(&mut self) -> PResult<DropFunction> {
        let if_exists = self.if_exists()?;
        let name = self.qualified_name()?;
        let arguments = if self.at_sym(Symbol::LParen) {
            Some(self.type_list()?)
        } else {
            None
        };
        Ok(DropFunction {
            name,
            if_exists,
            arguments,
        })
    }

    /// After `CREATE MATERIALIZED VIEW`.
    pub(crate) fn create_view(&mut self) -> PResult<CreateView> {
        let if_not_exists = self.if_not_exists()?;
        let name = self.qualified_name()?;
        self.expect_kw("as")?;
        self.expect_kw("select")?;
        let mut columns = Vec::new();
        if !self.eat_sym(Symbol::Star) {
            columns.push(self.select_item()?);
            while self.eat_sym(Symbol::Comma) {
                columns.push(self.select_item()?);
            }
        }
        self.expect_kw("from")?;
        let base = self.qualified_name()?;
        let where_clause = if self.eat_kw("where") {
            self.where_clause()?
        } else {
            Vec::new()
        };
        self.expect_kw("primary")?;
        self.expect_kw("key")?;
        self.expect_sym(Symbol::LParen)?;
        let partition_key = if self.at_sym(Symbol::LParen) {
            self.ident_list()?
        } else {
            vec![self.ident()?]
        };
        let mut clustering_key = Vec::new();
        while self.eat_sym(Symbol::Comma) {
            clustering_key.push(self.ident()?);
        }
        self.expect_sym(Symbol::RParen)?;
        let mut view = CreateView {
            name,
            if_not_exists,
            columns,
            base,
            where_clause,
            partition_key,
            clustering_key,
            clustering_order: Vec::new(),
            properties: Properties::default(),
        };
        if self.eat_kw("with") {
            loop {
                if self.eat_kw("compact") {
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
                        if view.clustering_order.iter().any(|(c, _)| *c == col) {
                            return Err(self.invalid(&format!(
                                "Duplicate column '{col}' in CLUSTERING ORDER BY clause for view '{}'",
                                view.name
                            )));
                        }
                        view.clustering_order.push((col, order));
                        if self.eat_sym(Symbol::RParen) {
                            break;
                        }
                        self.expect_sym(Symbol::Comma)?;
                    }
                } else {
                    let (name, value) = self.property()?;
                    view.properties.0.push((name, value));
                }
                if !self.eat_kw("and") {
                    break;
                }
            }
        }
        if !self.markers.is_empty() {
            return Err(self
                .invalid("Bind variables are not allowed in CREATE MATERIALIZED VIEW statements"));
        }
        Ok(view)
    }

    /// After `ALTER MATERIALIZED VIEW`.
    pub(crate) fn alter_view(&mut self) -> PResult<AlterView> {
        let if_exists = self.if_exists()?;
        let name = self.qualified_name()?;
        self.expect_kw("with")?;
        let properties = self.properties()?;
        Ok(AlterView {
            name,
            if_exists,
            properties,
        })
    }

    /// After `CREATE TRIGGER`.
    pub(crate) fn create_trigger(&mut self) -> PResult<CreateTrigger> {
        let if_not_exists = self.if_not_exists()?;
        let name = self.ident()?;
        self.expect_kw("on")?;
        let table = self.qualified_name()?;
        self.expect_kw("using")?;
        let class = self.string_literal()?;
        Ok(CreateTrigger {
            name,
            if_not_exists,
            table,
            class,
        })
    }

    /// After `DROP TRIGGER`.
    pub(crate) fn drop_trigger(&mut self) -> PResult<DropTrigger> {
        let if_exists = self.if_exists()?;
        let name = self.ident()?;
        self.expect_kw("on")?;
        let table = self.qualified_name()?;
        Ok(DropTrigger {
            name,
            if_exists,
            table,
        })
    }
}
