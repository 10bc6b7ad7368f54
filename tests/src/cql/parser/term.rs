//! Terms, types, WHERE relations, IF conditions and USING clauses.

use super::{PResult, Parser, is_reserved};
use crate::cql::ast::{
    Condition, ConditionTest, CqlType, InValues, Literal, NativeType, Operator, QualifiedName,
    Relation, Term, Using,
};
use crate::cql::lexer::{Symbol, TokenKind};

/// Nesting limit for terms and types, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    /// Whether the current token can start a term (used to tell `(type) term` casts from tuples).
    pub(crate) fn at_term_start(&self) -> bool {
        match self.cur() {
            TokenKind::Str(_)
            | TokenKind::Integer(_)
            | TokenKind::Float(_)
            | TokenKind::Hex(_)
            | TokenKind::Uuid(_)
            | TokenKind::Duration(_) => true,
            TokenKind::Sym(s) => matches!(
                s,
                Symbol::QMark
                    | Symbol::Colon
                    | Symbol::LBracket
                    | Symbol::LBrace
                    | Symbol::LParen
                    | Symbol::Minus
            ),
            TokenKind::Ident(w)
                if ["true", "false", "null", "nan", "infinity"].contains(&w.as_str()) =>
            {
                true
            }
            TokenKind::Ident(_) | TokenKind::QuotedIdent(_) => self.at_function_call(),
            _ => false,
        }
    }

    /// Whether the cursor is on `name(` or `ks.name(`.
    pub(crate) fn at_function_call(&self) -> bool {
        let word = |n: usize| {
            matches!(self.peek(n), TokenKind::Ident(_))
                || matches!(self.peek(n), TokenKind::QuotedIdent(w) if !w.is_empty())
        };
        word(0)
            && (self.at_sym_n(1, Symbol::LParen)
                || (self.at_sym_n(1, Symbol::Dot) && word(2) && self.at_sym_n(3, Symbol::LParen)))
    }

    /// Parses a term.
    pub(crate) fn term(&mut self) -> PResult<Term> {
        self.term_at(0)
    }

    fn term_at(&mut self, depth: usize) -> PResult<Term> {
        if depth > MAX_DEPTH {
            return Err(self.no_viable());
        }
        let kind = self.cur().clone();
        let lit = match kind {
            TokenKind::Str(s) => Literal::String(s),
            TokenKind::Integer(s) => Literal::Integer(s),
            TokenKind::Float(s) => Literal::Float(s),
            TokenKind::Hex(s) => Literal::Hex(s),
            TokenKind::Uuid(s) => Literal::Uuid(s),
            TokenKind::Duration(s) => Literal::Duration(s),
            TokenKind::Sym(Symbol::Minus) => {
                self.advance();
                let lit = match self.cur().clone() {
                    TokenKind::Integer(s) => Literal::Integer(format!("-{s}")),
                    TokenKind::Float(s) => Literal::Float(format!("-{s}")),
                    TokenKind::Duration(s) => Literal::Duration(format!("-{s}")),
                    TokenKind::Ident(w) if w == "nan" => Literal::Float("NaN".into()),
                    TokenKind::Ident(w) if w == "infinity" => Literal::Float("-Infinity".into()),
                    _ => return Err(self.no_viable()),
                };
                self.advance();
                return Ok(Term::Literal(lit));
            }
            TokenKind::Ident(ref w) if w == "true" || w == "false" => Literal::Boolean(w == "true"),
            TokenKind::Ident(ref w) if w == "nan" => Literal::Float("NaN".into()),
            TokenKind::Ident(ref w) if w == "infinity" => Literal::Float("Infinity".into()),
            TokenKind::Ident(ref w) if w == "null" => {
                self.advance();
                return Ok(Term::Null);
            }
            TokenKind::Sym(Symbol::QMark) => {
                self.advance();
                return Ok(Term::Bind(self.new_marker(None)));
            }
            TokenKind::Sym(Symbol::Colon) => {
                self.advance();
                let name = self.ident()?;
                return Ok(Term::Bind(self.new_marker(Some(name))));
            }
            TokenKind::Sym(Symbol::LBracket) => {
                self.advance();
                let items = self.term_list(Symbol::RBracket, depth)?;
                return Ok(Term::List(items));
            }
            TokenKind::Sym(Symbol::LBrace) => return self.brace_term(depth),
            TokenKind::Sym(Symbol::LParen) => return self.paren_term(depth),
            TokenKind::Ident(_) | TokenKind::QuotedIdent(_) if self.at_function_call() => {
                return self.function_term(depth);
            }
            _ => return Err(self.no_viable()),
        };
        self.advance();
        Ok(Term::Literal(lit))
    }

    /// Parses `t, t, ... close` (the opening bracket already consumed); may be empty.
    fn term_list(&mut self, close: Symbol, depth: usize) -> PResult<Vec<Term>> {
        let mut items = Vec::new();
        if self.eat_sym(close) {
            return Ok(items);
        }
        loop {
            items.push(self.term_at(depth + 1)?);
            if self.eat_sym(close) {
                return Ok(items);
            }
            self.expect_sym(Symbol::Comma)?;
        }
    }

    /// Parses `name(args)` / `ks.name(args)`; `token` and other reserved words are allowed as
    /// function names.
    fn function_term(&mut self, depth: usize) -> PResult<Term> {
        let name = self.function_name()?;
        self.expect_sym(Symbol::LParen)?;
        let args = self.term_list(Symbol::RParen, depth)?;
        Ok(Term::Function { name, args })
    }

    /// Parses a function name: `[ks.]name`, where the name may be a reserved word (`token`).
    pub(crate) fn function_name(&mut self) -> PResult<QualifiedName> {
        let word = |p: &mut Self| -> PResult<String> {
            let w = match p.cur() {
                TokenKind::Ident(w) => w.clone(),
                TokenKind::QuotedIdent(w) if !w.is_empty() => w.clone(),
                _ => return Err(p.no_viable()),
            };
            p.advance();
            Ok(w)
        };
        let first = word(self)?;
        if self.at_sym(Symbol::Dot) {
            self.advance();
            let name = word(self)?;
            Ok(QualifiedName {
                keyspace: Some(first),
                name,
            })
        } else {
            Ok(QualifiedName {
                keyspace: None,
                name: first,
            })
        }
    }

    /// Parses `{}`, `{k: v, ...}`, `{a, b}` or a UDT literal `{field: v, ...}`.
    fn brace_term(&mut self, depth: usize) -> PResult<Term> {
        self.expect_sym(Symbol::LBrace)?;
        if self.eat_sym(Symbol::RBrace) {
            return Ok(Term::Map(Vec::new()));
        }
        // A UDT literal starts with a bare field name followed by ':'.
        let is_udt = matches!(self.cur(), TokenKind::Ident(w) if !["true", "false", "null", "nan", "infinity"].contains(&w.as_str()))
            || matches!(self.cur(), TokenKind::QuotedIdent(_));
        if is_udt && self.at_sym_n(1, Symbol::Colon) {
            let mut fields = Vec::new();
            loop {
                let field = self.ident()?;
                self.expect_sym(Symbol::Colon)?;
                fields.push((field, self.term_at(depth + 1)?));
                if self.eat_sym(Symbol::RBrace) {
                    return Ok(Term::Udt(fields));
                }
                self.expect_sym(Symbol::Comma)?;
            }
        }
        let first = self.term_at(depth + 1)?;
        if self.eat_sym(Symbol::Colon) {
            let mut entries = vec![(first, self.term_at(depth + 1)?)];
            loop {
                if self.eat_sym(Symbol::RBrace) {
                    return Ok(Term::Map(entries));
                }
                self.expect_sym(Symbol::Comma)?;
                let k = self.term_at(depth + 1)?;
                self.expect_sym(Symbol::Colon)?;
                entries.push((k, self.term_at(depth + 1)?));
            }
        }
        let mut items = vec![first];
        loop {
            if self.eat_sym(Symbol::RBrace) {
                return Ok(Term::Set(items));
            }
            self.expect_sym(Symbol::Comma)?;
            items.push(self.term_at(depth + 1)?);
        }
    }

    /// Parses `(type) term` or a tuple `(a, b, ...)`.
    fn paren_term(&mut self, depth: usize) -> PResult<Term> {
        let save = (self.pos, self.markers.len());
        self.expect_sym(Symbol::LParen)?;
        if let Ok(ty) = self.cql_type_at(depth + 1) {
            if self.eat_sym(Symbol::RParen) && self.at_term_start() {
                let inner = self.term_at(depth + 1)?;
                return Ok(Term::Cast(ty, Box::new(inner)));
            }
        }
        self.pos = save.0;
        self.markers.truncate(save.1);
        self.expect_sym(Symbol::LParen)?;
        let items = self.term_list(Symbol::RParen, depth)?;
        if items.is_empty() {
            // `()` is not a term; report at the closing parenthesis as Cassandra would.
            self.pos -= 1;
            return Err(self.no_viable());
        }
        Ok(Term::Tuple(items))
    }

    /// Parses a CQL type: native names, collections, `frozen<>`, `tuple<>`, `vector<T, N>`,
    /// UDT names and `'custom.Class'`.
    pub(crate) fn cql_type(&mut self) -> PResult<CqlType> {
        self.cql_type_at(0)
    }

    fn cql_type_at(&mut self, depth: usize) -> PResult<CqlType> {
        if depth > MAX_DEPTH {
            return Err(self.no_viable());
        }
        let word = match self.cur().clone() {
            TokenKind::Str(s) => {
                self.advance();
                return Ok(CqlType::Custom(s));
            }
            TokenKind::QuotedIdent(_) => return Ok(CqlType::Udt(self.qualified_name()?)),
            TokenKind::Ident(w) => w,
            _ => return Err(self.no_viable()),
        };
        let parameterised = self.at_sym_n(1, Symbol::Lt);
        match word.as_str() {
            "frozen" | "list" | "set" if parameterised => {
                self.advance();
                self.advance();
                let inner = Box::new(self.cql_type_at(depth + 1)?);
                self.expect_sym(Symbol::Gt)?;
                Ok(match word.as_str() {
                    "frozen" => CqlType::Frozen(inner),
                    "list" => CqlType::List(inner),
                    _ => CqlType::Set(inner),
                })
            }
            "map" if parameterised => {
                self.advance();
                self.advance();
                let k = self.cql_type_at(depth + 1)?;
                self.expect_sym(Symbol::Comma)?;
                let v = self.cql_type_at(depth + 1)?;
                self.expect_sym(Symbol::Gt)?;
                Ok(CqlType::Map(Box::new(k), Box::new(v)))
            }
            "tuple" if parameterised => {
                self.advance();
                self.advance();
                let mut items = vec![self.cql_type_at(depth + 1)?];
                while self.eat_sym(Symbol::Comma) {
                    items.push(self.cql_type_at(depth + 1)?);
                }
                self.expect_sym(Symbol::Gt)?;
                Ok(CqlType::Tuple(items))
            }
            "vector" if parameterised => {
                self.advance();
                self.advance();
                let inner = self.cql_type_at(depth + 1)?;
                self.expect_sym(Symbol::Comma)?;
                let n = match self.cur() {
                    TokenKind::Integer(n) => n.parse::<u32>().ok(),
                    _ => None,
                };
                let Some(n) = n else {
                    return Err(self.mismatched("INTEGER"));
                };
                self.advance();
                self.expect_sym(Symbol::Gt)?;
                Ok(CqlType::Vector(Box::new(inner), n))
            }
            _ => {
                if let Some(t) = NativeType::from_name(&word) {
                    self.advance();
                    return Ok(CqlType::Native(t));
                }
                if is_reserved(&word) {
                    return Err(self.no_viable());
                }
                Ok(CqlType::Udt(self.qualified_name()?))
            }
        }
    }

    /// Parses a comparison operator if one is next.
    pub(crate) fn operator(&mut self) -> Option<Operator> {
        let op = match self.cur() {
            TokenKind::Sym(Symbol::Eq) => Operator::Eq,
            TokenKind::Sym(Symbol::Neq) => Operator::Neq,
            TokenKind::Sym(Symbol::Lt) => Operator::Lt,
            TokenKind::Sym(Symbol::Lte) => Operator::Lte,
            TokenKind::Sym(Symbol::Gt) => Operator::Gt,
            TokenKind::Sym(Symbol::Gte) => Operator::Gte,
            _ => return None,
        };
        self.advance();
        Some(op)
    }

    /// Parses the right-hand side of `IN`: `?`, `:name` or `(t, ...)`.
    pub(crate) fn in_values(&mut self) -> PResult<InValues> {
        if self.eat_sym(Symbol::QMark) {
            return Ok(InValues::Bind(self.new_marker(None)));
        }
        if self.eat_sym(Symbol::Colon) {
            let name = self.ident()?;
            return Ok(InValues::Bind(self.new_marker(Some(name))));
        }
        if !self.eat_sym(Symbol::LParen) {
            return Err(self.no_viable());
        }
        Ok(InValues::List(self.term_list(Symbol::RParen, 0)?))
    }

    /// Parses `(a, b, ...)` of identifiers (the `(` is current).
    pub(crate) fn ident_list(&mut self) -> PResult<Vec<String>> {
        self.expect_sym(Symbol::LParen)?;
        let mut out = vec![self.ident()?];
        while self.eat_sym(Symbol::Comma) {
            out.push(self.ident()?);
        }
        self.expect_sym(Symbol::RParen)?;
        Ok(out)
    }

    /// Parses `relation (AND relation)*`.
    pub(crate) fn where_clause(&mut self) -> PResult<Vec<Relation>> {
        let mut out = vec![self.relation()?];
        while self.eat_kw("and") {
            out.push(self.relation()?);
        }
        Ok(out)
    }

    fn relation(&mut self) -> PResult<Relation> {
        if self.at_kw("token") && self.at_sym_n(1, Symbol::LParen) {
            self.advance();
            let columns = self.ident_list()?;
            let Some(op) = self.operator() else {
                return Err(self.no_viable());
            };
            let value = self.term()?;
            return Ok(Relation::Token { columns, op, value });
        }
        if self.at_sym(Symbol::LParen) {
            let columns = self.ident_list()?;
            if self.eat_kw("in") {
                let values = self.in_values()?;
                return Ok(Relation::MultiIn { columns, values });
            }
            let Some(op) = self.operator() else {
                return Err(self.no_viable());
            };
            let value = self.term()?;
            return Ok(Relation::MultiCompare { columns, op, value });
        }
        let column = self.ident()?;
        if let Some(op) = self.operator() {
            let value = self.term()?;
            return Ok(Relation::Compare { column, op, value });
        }
        if self.eat_kw("in") {
            let values = self.in_values()?;
            return Ok(Relation::In { column, values });
        }
        if self.eat_kw("like") {
            let value = self.term()?;
            return Ok(Relation::Like { column, value });
        }
        if self.eat_kw("contains") {
            let key = self.eat_kw("key");
            let value = self.term()?;
            return Ok(Relation::Contains { column, key, value });
        }
        if self.eat_sym(Symbol::LBracket) {
            let key = self.term()?;
            self.expect_sym(Symbol::RBracket)?;
            let Some(op) = self.operator() else {
                return Err(self.no_viable());
            };
            let value = self.term()?;
            return Ok(Relation::Element {
                column,
                key,
                op,
                value,
            });
        }
        if self.eat_kw("is") {
            self.expect_kw("not")?;
            self.expect_kw("null")?;
            return Ok(Relation::IsNotNull { column });
        }
        Err(self.no_viable())
    }

    /// Parses `IF cond (AND cond)*` after `IF` (not `IF EXISTS`).
    pub(crate) fn conditions(&mut self) -> PResult<Vec<Condition>> {
        let mut out = vec![self.condition()?];
        while self.eat_kw("and") {
            out.push(self.condition()?);
        }
        Ok(out)
    }

    fn condition(&mut self) -> PResult<Condition> {
        let column = self.ident()?;
        let mut element = None;
        let mut field = None;
        if self.eat_sym(Symbol::LBracket) {
            element = Some(self.term()?);
            self.expect_sym(Symbol::RBracket)?;
        } else if self.eat_sym(Symbol::Dot) {
            field = Some(self.ident()?);
        }
        let test = if self.eat_kw("in") {
            ConditionTest::In(self.in_values()?)
        } else if let Some(op) = self.operator() {
            ConditionTest::Compare(op, self.term()?)
        } else {
            return Err(self.no_viable());
        };
        Ok(Condition {
            column,
            element,
            field,
            test,
        })
    }

    /// Parses `USING item (AND item)*` if `USING` is next.
    pub(crate) fn using_clause(&mut self) -> PResult<Using> {
        let mut using = Using::default();
        if !self.eat_kw("using") {
            return Ok(using);
        }
        loop {
            if self.eat_kw("ttl") {
                using.ttl = Some(self.term()?);
            } else if self.eat_kw("timestamp") {
                using.timestamp = Some(self.term()?);
            } else {
                return Err(self.no_viable());
            }
            if !self.eat_kw("and") {
                return Ok(using);
            }
        }
    }
}
