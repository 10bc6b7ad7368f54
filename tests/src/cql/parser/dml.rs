//! SELECT, INSERT, UPDATE, DELETE and BATCH.

use super::{PResult, Parser};
use crate::cql::ast::{
    Assignment, Batch, BatchKind, BatchStatement, Delete, DeleteTarget, IfClause, Insert,
    InsertValues, Order, Select, SelectItem, Selection, Selector, Term,
};
use crate::cql::lexer::{Symbol, TokenKind};

/// Nesting limit for selectors.
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    /// Whether the word at the cursor is a modifier keyword (`JSON`, `DISTINCT`) rather than a
    /// column of that name: a column would be followed by `FROM`, `,`, `AS`, `(` or `.`.
    fn at_modifier(&self, kw: &str) -> bool {
        self.at_kw(kw)
            && !(self.at_kw_n(1, "from")
                || self.at_kw_n(1, "as")
                || self.at_sym_n(1, Symbol::Comma)
                || self.at_sym_n(1, Symbol::LParen)
                || self.at_sym_n(1, Symbol::Dot))
    }

    /// `SELECT ...`
    pub(crate) fn select(&mut self) -> PResult<Select> {
        self.expect_kw("select")?;
        let json = self.at_modifier("json") && {
            self.advance();
            true
        };
        let distinct = self.at_modifier("distinct") && {
            self.advance();
            true
        };
        let selection = if self.eat_sym(Symbol::Star) {
            Selection::Star
        } else {
            let mut items = vec![self.select_item()?];
            while self.eat_sym(Symbol::Comma) {
                items.push(self.select_item()?);
            }
            Selection::Items(items)
        };
        self.expect_kw("from")?;
        let table = self.qualified_name()?;
        let mut select = Select {
            json,
            distinct,
            selection,
            table,
            where_clause: Vec::new(),
            group_by: Vec::new(),
            order_by: Vec::new(),
            per_partition_limit: None,
            limit: None,
            allow_filtering: false,
        };
        if self.eat_kw("where") {
            select.where_clause = self.where_clause()?;
        }
        if self.eat_kw("group") {
            self.expect_kw("by")?;
            select.group_by.push(self.ident()?);
            while self.eat_sym(Symbol::Comma) {
                select.group_by.push(self.ident()?);
            }
        }
        if self.eat_kw("order") {
            self.expect_kw("by")?;
            loop {
                let column = self.ident()?;
                let order = if self.eat_kw("desc") {
                    Order::Desc
                } else {
                    self.eat_kw("asc");
                    Order::Asc
                };
                select.order_by.push((column, order));
                if !self.eat_sym(Symbol::Comma) {
                    break;
                }
            }
        }
        if self.eat_kw("per") {
            self.expect_kw("partition")?;
            self.expect_kw("limit")?;
            select.per_partition_limit = Some(self.limit_value()?);
        }
        if self.eat_kw("limit") {
            select.limit = Some(self.limit_value()?);
        }
        if self.eat_kw("allow") {
            self.expect_kw("filtering")?;
            select.allow_filtering = true;
        }
        Ok(select)
    }

    /// A LIMIT value: an integer or a bind marker.
    fn limit_value(&mut self) -> PResult<Term> {
        match self.cur() {
            TokenKind::Integer(_) | TokenKind::Sym(Symbol::QMark | Symbol::Colon) => self.term(),
            _ => Err(self.no_viable()),
        }
    }

    pub(crate) fn select_item(&mut self) -> PResult<SelectItem> {
        let selector = self.selector(0)?;
        let alias = if self.eat_kw("as") {
            Some(self.ident()?)
        } else {
            None
        };
        Ok(SelectItem { selector, alias })
    }

    fn selector(&mut self, depth: usize) -> PResult<Selector> {
        if depth > MAX_DEPTH {
            return Err(self.no_viable());
        }
        let mut sel = self.selector_base(depth)?;
        while self.at_sym(Symbol::Dot) {
            self.advance();
            let field = self.ident()?;
            sel = Selector::Field(Box::new(sel), field);
        }
        Ok(sel)
    }

    fn selector_base(&mut self, depth: usize) -> PResult<Selector> {
        let is_word = matches!(self.cur(), TokenKind::Ident(_) | TokenKind::QuotedIdent(_));
        if is_word && self.at_function_call() {
            let plain = |p: &Self, w: &str| p.at_kw(w) && p.at_sym_n(1, Symbol::LParen);
            if plain(self, "count") && self.at_sym_n(2, Symbol::Star) {
                self.advance();
                self.advance();
                self.advance();
                self.expect_sym(Symbol::RParen)?;
                return Ok(Selector::CountStar);
            }
            for (kw, make) in [
                ("writetime", Selector::WriteTime as fn(String) -> Selector),
                ("maxwritetime", Selector::MaxWriteTime),
                ("ttl", Selector::Ttl),
            ] {
                if plain(self, kw) {
                    self.advance();
                    self.advance();
                    let column = self.ident()?;
                    self.expect_sym(Symbol::RParen)?;
                    return Ok(make(column));
                }
            }
            if plain(self, "cast") {
                self.advance();
                self.advance();
                let inner = self.selector(depth + 1)?;
                self.expect_kw("as")?;
                let ty = self.cql_type()?;
                self.expect_sym(Symbol::RParen)?;
                return Ok(Selector::Cast(Box::new(inner), ty));
            }
            let name = self.function_name()?;
            self.expect_sym(Symbol::LParen)?;
            let mut args = Vec::new();
            if !self.eat_sym(Symbol::RParen) {
                loop {
                    args.push(self.selector(depth + 1)?);
                    if self.eat_sym(Symbol::RParen) {
                        break;
                    }
                    self.expect_sym(Symbol::Comma)?;
                }
            }
            return Ok(Selector::Function { name, args });
        }
        if self.at_ident() {
            return Ok(Selector::Column(self.ident()?));
        }
        if self.at_term_start() {
            return Ok(Selector::Term(self.term()?));
        }
        Err(self.no_viable())
    }

    /// `INSERT INTO ...`
    pub(crate) fn insert(&mut self) -> PResult<Insert> {
        self.expect_kw("insert")?;
        self.expect_kw("into")?;
        let table = self.qualified_name()?;
        let values = if self.eat_kw("json") {
            let value = self.term()?;
            let mut default_unset = false;
            if self.eat_kw("default") {
                if self.eat_kw("unset") {
                    default_unset = true;
                } else if !self.eat_kw("null") {
                    return Err(self.no_viable());
                }
            }
            InsertValues::Json {
                value,
                default_unset,
            }
        } else {
            let columns = self.ident_list()?;
            self.expect_kw("values")?;
            self.expect_sym(Symbol::LParen)?;
            let mut values = vec![self.term()?];
            while self.eat_sym(Symbol::Comma) {
                values.push(self.term()?);
            }
            self.expect_sym(Symbol::RParen)?;
            if columns.len() != values.len() {
                return Err(self.invalid("Unmatched column names/values"));
            }
            InsertValues::Values { columns, values }
        };
        let if_not_exists = self.if_not_exists()?;
        let using = self.using_clause()?;
        Ok(Insert {
            table,
            values,
            if_not_exists,
            using,
        })
    }

    /// `UPDATE ...`
    pub(crate) fn update(&mut self) -> PResult<crate::cql::ast::Update> {
        self.expect_kw("update")?;
        let table = self.qualified_name()?;
        let using = self.using_clause()?;
        self.expect_kw("set")?;
        let mut assignments = vec![self.assignment()?];
        while self.eat_sym(Symbol::Comma) {
            assignments.push(self.assignment()?);
        }
        self.expect_kw("where")?;
        let where_clause = self.where_clause()?;
        let if_clause = self.if_clause()?;
        Ok(crate::cql::ast::Update {
            table,
            using,
            assignments,
            where_clause,
            if_clause,
        })
    }

    /// `IF EXISTS` or `IF conditions`, if `IF` is next.
    fn if_clause(&mut self) -> PResult<Option<IfClause>> {
        if !self.eat_kw("if") {
            return Ok(None);
        }
        if self.at_kw("exists") && !self.at_ident_n(1) {
            // `exists` could also be a column named exists followed by an operator
            let followed_by_test = matches!(self.peek(1), TokenKind::Sym(s) if !matches!(s, Symbol::Semicolon))
                || self.at_kw_n(1, "in");
            if !followed_by_test {
                self.advance();
                return Ok(Some(IfClause::Exists));
            }
        }
        Ok(Some(IfClause::Conditions(self.conditions()?)))
    }

    fn assignment(&mut self) -> PResult<Assignment> {
        let column = self.ident()?;
        if self.eat_sym(Symbol::PlusEq) {
            let value = self.term()?;
            return Ok(Assignment::Add { column, value });
        }
        if self.eat_sym(Symbol::MinusEq) {
            let value = self.term()?;
            return Ok(Assignment::Subtract { column, value });
        }
        if self.eat_sym(Symbol::LBracket) {
            let key = self.term()?;
            self.expect_sym(Symbol::RBracket)?;
            self.expect_sym(Symbol::Eq)?;
            let value = self.term()?;
            return Ok(Assignment::SetElement { column, key, value });
        }
        if self.eat_sym(Symbol::Dot) {
            let field = self.ident()?;
            self.expect_sym(Symbol::Eq)?;
            let value = self.term()?;
            return Ok(Assignment::SetField {
                column,
                field,
                value,
            });
        }
        self.expect_sym(Symbol::Eq)?;
        if self.at_ident() && !self.at_term_start() {
            // c = c + t / c = c - t
            let other = self.ident()?;
            if other != column {
                return Err(
                    self.invalid("Only expressions of the form X = X + <value> are supported.")
                );
            }
            let add = if self.eat_sym(Symbol::Plus) {
                true
            } else if self.eat_sym(Symbol::Minus) {
                false
            } else {
                return Err(self.no_viable());
            };
            let value = self.term()?;
            return Ok(if add {
                Assignment::Add { column, value }
            } else {
                Assignment::Subtract { column, value }
            });
        }
        let value = self.term()?;
        if self.eat_sym(Symbol::Plus) {
            let other = self.ident()?;
            if other != column {
                return Err(
                    self.invalid("Only expressions of the form X = <value> + X are supported.")
                );
            }
            return Ok(Assignment::Prepend { column, value });
        }
        Ok(Assignment::Set { column, value })
    }

    /// `DELETE ...`
    pub(crate) fn delete(&mut self) -> PResult<Delete> {
        self.expect_kw("delete")?;
        let mut targets = Vec::new();
        if !self.at_kw("from") {
            loop {
                let column = self.ident()?;
                let target = if self.eat_sym(Symbol::LBracket) {
                    let key = self.term()?;
                    self.expect_sym(Symbol::RBracket)?;
                    DeleteTarget::Element(column, key)
                } else if self.eat_sym(Symbol::Dot) {
                    DeleteTarget::Field(column, self.ident()?)
                } else {
                    DeleteTarget::Column(column)
                };
                targets.push(target);
                if !self.eat_sym(Symbol::Comma) {
                    break;
                }
            }
        }
        self.expect_kw("from")?;
        let table = self.qualified_name()?;
        let using = self.using_clause()?;
        if using.ttl.is_some() {
            return Err(self.invalid("TTL attributes are not supported for DELETE statements"));
        }
        self.expect_kw("where")?;
        let where_clause = self.where_clause()?;
        let if_clause = self.if_clause()?;
        Ok(Delete {
            targets,
            table,
            using,
            where_clause,
            if_clause,
        })
    }

    /// `BEGIN [UNLOGGED | COUNTER] BATCH [USING TIMESTAMP t] ... APPLY BATCH`
    pub(crate) fn batch(&mut self) -> PResult<Batch> {
        self.expect_kw("begin")?;
        let kind = if self.eat_kw("unlogged") {
            BatchKind::Unlogged
        } else if self.eat_kw("counter") {
            BatchKind::Counter
        } else {
            BatchKind::Logged
        };
        self.expect_kw("batch")?;
        let using = self.using_clause()?;
        if using.ttl.is_some() {
            return Err(self.invalid("Global TTL on the BATCH statement is not supported."));
        }
        let mut statements = Vec::new();
        loop {
            while self.eat_sym(Symbol::Semicolon) {}
            if self.eat_kw("apply") {
                self.expect_kw("batch")?;
                break;
            }
            let stmt = if self.at_kw("insert") {
                BatchStatement::Insert(self.insert()?)
            } else if self.at_kw("update") {
                BatchStatement::Update(self.update()?)
            } else if self.at_kw("delete") {
                BatchStatement::Delete(self.delete()?)
            } else {
                return Err(self.no_viable());
            };
            statements.push(stmt);
        }
        Ok(Batch {
            kind,
            using,
            statements,
        })
    }
}
