//! The CQL language front end of the simulated node: lexer, syntax tree and parser.
//!
//! ```
//! use cql_testkit::cql::{parse_statement, ast::Statement};
//! let parsed = parse_statement("SELECT * FROM ks.t WHERE id = ?").unwrap();
//! assert!(matches!(parsed.statement, Statement::Select(_)));
//! assert_eq!(parsed.bind_markers.len(), 1);
//! ```
//!
//! Errors read like Cassandra's: `line 1:9 no viable alternative at input 'FORM' (SELECT *
//! [FORM]...)` with the SYNTAX_ERROR code (0x2000); a few checks Cassandra makes while
//! preparing a statement (e.g. COMPACT STORAGE) answer INVALID (0x2200) with its message.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod ast;
mod display;
pub mod lexer;
mod parser;
#[cfg(test)]
mod tests;

use core::fmt;
use core::ops::Range;

pub use parser::{parse_script, parse_statement};

/// The error code Cassandra answers a syntax error with (`SyntaxException`).
pub const SYNTAX_ERROR: u32 = 0x2000;
/// The error code Cassandra answers an invalid request with (`InvalidRequestException`).
pub const INVALID: u32 = 0x2200;

/// Which error answer a [`ParseError`] maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A syntax error (code 0x2000).
    Syntax,
    /// A statement that parses but Cassandra refuses while preparing it (code 0x2200).
    Invalid,
}

/// Why a query could not be parsed, worded as Cassandra words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Syntax or invalid request.
    pub kind: ErrorKind,
    /// 1-based line of the offending token; 0 when it is the end of input (as Cassandra).
    pub line: i32,
    /// 0-based column of the offending token; -1 at the end of input (as Cassandra).
    pub column: i32,
    /// The full message, e.g. `line 1:9 no viable alternative at input 'FORM' (SELECT * [FORM]...)`.
    pub message: String,
}

impl ParseError {
    /// The protocol error code to answer with.
    pub fn code(&self) -> u32 {
        match self.kind {
            ErrorKind::Syntax => SYNTAX_ERROR,
            ErrorKind::Invalid => INVALID,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl core::error::Error for ParseError {}

/// A parsed statement with the bind markers found in it (in order of appearance), which is
/// what prepared-statement metadata is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The statement.
    pub statement: ast::Statement,
    /// Every `?` / `:name`, indexed from 0 in order of appearance.
    pub bind_markers: Vec<ast::BindMarker>,
    /// Byte range of the statement in the input (without the trailing `;`).
    pub span: Range<usize>,
}
