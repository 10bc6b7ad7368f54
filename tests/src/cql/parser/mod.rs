//! The recursive-descent parser: token cursor, error reporting and statement dispatch.
//!
//! The statement rules live in `dml` (SELECT, INSERT, UPDATE, DELETE, BATCH), `ddl` (schema
//! statements), `objects` (functions, aggregates, views, triggers), `describe` (DESCRIBE) and
//! `term` (terms, types, relations, conditions) and `auth` (roles and permissions).

mod auth;
mod ddl;
mod describe;
mod dml;
mod objects;
mod term;

pub(crate) use describe::LISTING_WORDS;

use super::ast::{BindMarker, QualifiedName, Statement};
use super::lexer::{Symbol, Token, TokenKind, lex};
use super::{ErrorKind, ParseError, Parsed};

/// Words Cassandra reserves: they cannot be used as unquoted identifiers.
const RESERVED: [&str; 56] = [
    "add",
    "allow",
    "alter",
    "and",
    "apply",
    "asc",
    "authorize",
    "batch",
    "begin",
    "by",
    "columnfamily",
    "create",
    "delete",
    "desc",
    "describe",
    "drop",
    "entries",
    "execute",
    "from",
    "full",
    "grant",
    "if",
    "in",
    "index",
    "infinity",
    "insert",
    "into",
    "keyspace",
    "limit",
    "modify",
    "nan",
    "norecursive",
    "not",
    "null",
    "of",
    "on",
    "or",
    "order",
    "primary",
    "rename",
    "replace",
    "revoke",
    "schema",
    "select",
    "set",
    "table",
    "to",
    "token",
    "truncate",
    "unlogged",
    "update",
    "use",
    "using",
    "where",
    "with",
    "view",
];

/// Words that are literals, never identifiers.
const LITERAL_WORDS: [&str; 5] = ["true", "false", "null", "nan", "infinity"];

/// Whether an unquoted word cannot be an identifier.
pub(crate) fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word) || LITERAL_WORDS.contains(&word)
}

/// Result of a parsing step.
pub(crate) type PResult<T> = Result<T, ParseError>;

/// The parser state: the tokens and a cursor over the significant ones.
pub(crate) struct Parser<'a> {
    src: &'a str,
    /// Every token, hidden ones included.
    raw: Vec<Token>,
    /// Indices into `raw` of the significant tokens; the last is `Eof`.
    sig: Vec<usize>,
    /// Cursor into `sig`.
    pos: usize,
    /// Bind markers of the statement being parsed.
    markers: Vec<BindMarker>,
}

/// Builds the `(... snippet [offending]...)` context Cassandra appends to parser errors: up
/// to ten raw tokens (whitespace included) before the offending one, the offending one in
/// brackets, and `...` where the query goes on.
fn snippet(src: &str, raw: &[Token], offending: usize) -> String {
    let Some(off) = raw.get(offending) else {
        return String::new();
    };
    let from = raw
        .get(offending.saturating_sub(10))
        .map_or(off.start, |t| t.start);
    let before = src.get(from..off.start).unwrap_or("");
    let text = src.get(off.start..off.end).unwrap_or("");
    let body: String = format!("{before}[{text}]").replace('\n', "");
    let query_end = src.trim_end_matches('\n').len();
    format!(
        " ({}{}{})",
        if from == 0 { "" } else { "..." },
        body,
        if off.end >= query_end { "" } else { "..." }
    )
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, raw: Vec<Token>) -> Self {
        let sig = raw
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind != TokenKind::Hidden)
            .map(|(i, _)| i)
            .collect();
        Parser {
            src,
            raw,
            sig,
            pos: 0,
            markers: Vec::new(),
        }
    }

    /// The `n`-th significant token from the cursor (the `Eof` token past the end).
    pub(crate) fn peek_tok(&self, n: usize) -> Option<&Token> {
        let i = self
            .sig
            .get(self.pos + n)
            .or_else(|| self.sig.last())
            .copied()?;
        self.raw.get(i)
    }

    /// The kind of the `n`-th significant token from the cursor.
    pub(crate) fn peek(&self, n: usize) -> &TokenKind {
        self.peek_tok(n).map_or(&TokenKind::Eof, |t| &t.kind)
    }

    /// The kind of the current token.
    pub(crate) fn cur(&self) -> &TokenKind {
        self.peek(0)
    }

    /// Moves past the current token (never past `Eof`).
    pub(crate) fn advance(&mut self) {
        if self.pos + 1 < self.sig.len() {
            self.pos += 1;
        }
    }

    /// Whether the `n`-th token is the unquoted word `kw`.
    pub(crate) fn at_kw_n(&self, n: usize, kw: &str) -> bool {
        matches!(self.peek(n), TokenKind::Ident(w) if w == kw)
    }

    /// Whether the current token is the unquoted word `kw`.
    pub(crate) fn at_kw(&self, kw: &str) -> bool {
        self.at_kw_n(0, kw)
    }

    /// Consumes the word `kw` if it is next.
    pub(crate) fn eat_kw(&mut self, kw: &str) -> bool {
        let at = self.at_kw(kw);
        if at {
            self.advance();
        }
        at
    }

    /// Consumes the word `kw` or fails with `mismatched input ... expecting K_KW`.
    pub(crate) fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.mismatched(&format!("K_{}", kw.to_ascii_uppercase())))
        }
    }

    /// Whether the `n`-th token is the symbol `s`.
    pub(crate) fn at_sym_n(&self, n: usize, s: Symbol) -> bool {
        *self.peek(n) == TokenKind::Sym(s)
    }

    /// Whether the current token is the symbol `s`.
    pub(crate) fn at_sym(&self, s: Symbol) -> bool {
        self.at_sym_n(0, s)
    }

    /// Consumes the symbol `s` if it is next.
    pub(crate) fn eat_sym(&mut self, s: Symbol) -> bool {
        let at = self.at_sym(s);
        if at {
            self.advance();
        }
        at
    }

    /// Consumes the symbol `s` or fails with `mismatched input ... expecting 's'`.
    pub(crate) fn expect_sym(&mut self, s: Symbol) -> PResult<()> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.mismatched(&format!("'{}'", s.as_str())))
        }
    }

    /// Whether the current token is an identifier (quoted, or unquoted and not reserved).
    pub(crate) fn at_ident(&self) -> bool {
        self.at_ident_n(0)
    }

    /// Whether the `n`-th token is an identifier.
    pub(crate) fn at_ident_n(&self, n: usize) -> bool {
        match self.peek(n) {
            TokenKind::Ident(w) => !is_reserved(w),
            TokenKind::QuotedIdent(w) => !w.is_empty(),
            _ => false,
        }
    }

    /// Parses an identifier.
    pub(crate) fn ident(&mut self) -> PResult<String> {
        let name = match self.cur() {
            TokenKind::Ident(w) if !is_reserved(w) => w.clone(),
            TokenKind::QuotedIdent(w) if !w.is_empty() => w.clone(),
            _ => return Err(self.no_viable()),
        };
        self.advance();
        Ok(name)
    }

    /// Parses `[ks.]name`.
    pub(crate) fn qualified_name(&mut self) -> PResult<QualifiedName> {
        let first = self.ident()?;
        if self.eat_sym(Symbol::Dot) {
            let name = self.ident()?;
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

    /// Parses an optional `IF NOT EXISTS`.
    pub(crate) fn if_not_exists(&mut self) -> PResult<bool> {
        if self.eat_kw("if") {
            self.expect_kw("not")?;
            self.expect_kw("exists")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Parses an optional `IF EXISTS`.
    pub(crate) fn if_exists(&mut self) -> PResult<bool> {
        if self.eat_kw("if") {
            self.expect_kw("exists")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Records a new bind marker.
    pub(crate) fn new_marker(&mut self, name: Option<String>) -> BindMarker {
        let m = BindMarker {
            index: self.markers.len(),
            name,
        };
        self.markers.push(m.clone());
        m
    }

    /// A syntax error at the current token: `line L:C what 'text'[ expecting E] (snippet)`.
    fn error_at_current(&self, what: &str, expecting: Option<&str>) -> ParseError {
        let raw_index = self.sig.get(self.pos).or_else(|| self.sig.last()).copied();
        let expecting = expecting.map_or(String::new(), |e| format!(" expecting {e}"));
        match raw_index.and_then(|i| self.raw.get(i).map(|t| (i, t))) {
            Some((i, t)) if t.kind != TokenKind::Eof => {
                let text = self.src.get(t.start..t.end).unwrap_or("");
                let line = i32::try_from(t.line).unwrap_or(i32::MAX);
                let column = i32::try_from(t.column).unwrap_or(i32::MAX);
                let snip = snippet(self.src, &self.raw, i);
                ParseError {
                    kind: ErrorKind::Syntax,
                    line,
                    column,
                    message: format!("line {line}:{column} {what} '{text}'{expecting}{snip}"),
                }
            }
            _ => ParseError {
                kind: ErrorKind::Syntax,
                line: 0,
                column: -1,
                message: format!("line 0:-1 {what} '<EOF>'{expecting}"),
            },
        }
    }

    /// `no viable alternative at input 'x'` at the current token.
    pub(crate) fn no_viable(&self) -> ParseError {
        self.error_at_current("no viable alternative at input", None)
    }

    /// `mismatched input 'x' expecting E` at the current token.
    pub(crate) fn mismatched(&self, expecting: &str) -> ParseError {
        self.error_at_current("mismatched input", Some(expecting))
    }

    /// An INVALID error (code 0x2200) with Cassandra's message.
    pub(crate) fn invalid(&self, message: &str) -> ParseError {
        ParseError {
            kind: ErrorKind::Invalid,
            line: 0,
            column: -1,
            message: message.to_string(),
        }
    }

    /// Byte offset where the current token starts (also orders parser against lexer errors).
    fn current_offset(&self) -> usize {
        self.peek_tok(0).map_or(self.src.len(), |t| t.start)
    }

    /// Byte offset where the previous significant token ends.
    fn previous_end(&self) -> usize {
        if self.pos == 0 {
            return 0;
        }
        self.sig
            .get(self.pos - 1)
            .and_then(|i| self.raw.get(*i))
            .map_or(0, |t| t.end)
    }

    /// Parses one statement (no trailing `;`).
    fn statement(&mut self) -> PResult<Statement> {
        let word = match self.cur() {
            TokenKind::Ident(w) => w.clone(),
            _ => return Err(self.no_viable()),
        };
        match word.as_str() {
            "select" => self.select().map(Statement::Select),
            "insert" => self.insert().map(Statement::Insert),
            "update" => self.update().map(Statement::Update),
            "delete" => self.delete().map(Statement::Delete),
            "begin" => self.batch().map(Statement::Batch),
            "use" => {
                self.advance();
                self.ident().map(Statement::Use)
            }
            "truncate" => {
                self.advance();
                if !self.eat_kw("table") {
                    self.eat_kw("columnfamily");
                }
                self.qualified_name().map(Statement::Truncate)
            }
            "create" => self.create(),
            "alter" => self.alter(),
            "drop" => self.drop_statement(),
            "describe" | "desc" => self.describe(),
            "grant" => self.grant(),
            "revoke" => self.revoke(),
            "list" => self.list(),
            _ => Err(self.no_viable()),
        }
    }

    /// Parses one statement starting at the cursor and returns it with its markers.
    fn parsed_statement(&mut self) -> PResult<Parsed> {
        self.markers.clear();
        let start = self.current_offset();
        let statement = self.statement()?;
        let end = self.previous_end();
        Ok(Parsed {
            statement,
            bind_markers: core::mem::take(&mut self.markers),
            span: start..end.max(start),
        })
    }
}

/// Combines a parser result with the first lexer error: whichever comes first in the query
/// is reported, as Cassandra's lexer and parser report into one collector in input order.
fn with_lex_error<T>(
    result: PResult<T>,
    lex_error: Option<super::lexer::LexError>,
    failed_at: Option<usize>,
) -> PResult<T> {
    let Some(le) = lex_error else {
        return result;
    };
    let lex = ParseError {
        kind: ErrorKind::Syntax,
        line: i32::try_from(le.line).unwrap_or(i32::MAX),
        column: i32::try_from(le.column).unwrap_or(i32::MAX),
        message: format!("line {}:{} {}", le.line, le.column, le.message),
    };
    match (result, failed_at) {
        (Err(e), Some(at)) if at < le.offset => Err(e),
        _ => Err(lex),
    }
}

/// Parses a single statement, with an optional trailing `;`.
///
/// Anything after the statement is `mismatched input 'x' expecting EOF`.
pub fn parse_statement(query: &str) -> Result<Parsed, ParseError> {
    let lexed = lex(query);
    let mut p = Parser::new(query, lexed.tokens);
    let result = (|| {
        let parsed = p.parsed_statement()?;
        p.eat_sym(Symbol::Semicolon);
        if *p.cur() != TokenKind::Eof {
            return Err(p.mismatched("EOF"));
        }
        Ok(parsed)
    })();
    let failed_at = result.is_err().then(|| p.current_offset());
    with_lex_error(result, lexed.error, failed_at)
}

/// Parses a script: statements separated by `;` (empty statements are skipped).
pub fn parse_script(script: &str) -> Result<Vec<Parsed>, ParseError> {
    let lexed = lex(script);
    let mut p = Parser::new(script, lexed.tokens);
    let result = (|| {
        let mut out = Vec::new();
        loop {
            while p.eat_sym(Symbol::Semicolon) {}
            if *p.cur() == TokenKind::Eof {
                return Ok(out);
            }
            out.push(p.parsed_statement()?);
            if *p.cur() != TokenKind::Eof && !p.at_sym(Symbol::Semicolon) {
                return Err(p.mismatched("';'"));
            }
        }
    })();
    let failed_at = result.is_err().then(|| p.current_offset());
    with_lex_error(result, lexed.error, failed_at)
}
