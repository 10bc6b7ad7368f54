//! The CQL 3 lexer: turns query text into tokens that carry their line and column.
//!
//! The rules follow Cassandra's `Lexer.g`: keywords are case-insensitive (they are lexed as
//! identifiers and recognised by the parser), unquoted identifiers are lower-cased,
//! double-quoted identifiers keep their case (`""` escapes a quote), string literals use `''`
//! as escape or `$$...$$`, numbers, hex blobs, uuids and durations (`1h30m`, and the ISO
//! 8601 forms `P1DT2H`, `P2W`, `P0001-02-03T04:05:06`) are their own tokens. Whitespace and
//! comments (`--`, `//`, `/* */`) are kept as hidden tokens so error snippets can be rebuilt
//! exactly as Cassandra builds them.
//!
//! Unlike Cassandra's lexer, a leading `-` is never part of a number token: the parser folds
//! `-` followed by a number into a negative literal, which also accepts `c - 1`.

/// A punctuation or operator token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `;`
    Semicolon,
    /// `.`
    Dot,
    /// `:`
    Colon,
    /// `?`
    QMark,
    /// `=`
    Eq,
    /// `!=`
    Neq,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `+=`
    PlusEq,
    /// `-=`
    MinusEq,
}

impl Symbol {
    /// The symbol as written in CQL.
    pub fn as_str(self) -> &'static str {
        match self {
            Symbol::LParen => "(",
            Symbol::RParen => ")",
            Symbol::LBracket => "[",
            Symbol::RBracket => "]",
            Symbol::LBrace => "{",
            Symbol::RBrace => "}",
            Symbol::Comma => ",",
            Symbol::Semicolon => ";",
            Symbol::Dot => ".",
            Symbol::Colon => ":",
            Symbol::QMark => "?",
            Symbol::Eq => "=",
            Symbol::Neq => "!=",
            Symbol::Lt => "<",
            Symbol::Lte => "<=",
            Symbol::Gt => ">",
            Symbol::Gte => ">=",
            Symbol::Plus => "+",
            Symbol::Minus => "-",
            Symbol::Star => "*",
            Symbol::Slash => "/",
            Symbol::Percent => "%",
            Symbol::PlusEq => "+=",
            Symbol::MinusEq => "-=",
        }
    }
}

/// What a token is, with its decoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// An unquoted identifier or keyword, lower-cased.
    Ident(String),
    /// A double-quoted identifier, unescaped, case kept.
    QuotedIdent(String),
    /// A string literal (`'...'` or `$$...$$`), unescaped.
    Str(String),
    /// An integer literal, digits only (no sign).
    Integer(String),
    /// A floating point literal as written (no sign).
    Float(String),
    /// A blob literal, the hex digits after `0x`.
    Hex(String),
    /// A uuid literal as written.
    Uuid(String),
    /// A duration literal such as `1h30m`, as written.
    Duration(String),
    /// Punctuation or an operator.
    Sym(Symbol),
    /// Whitespace or a comment (hidden from the parser).
    Hidden,
    /// The end of the input.
    Eof,
}

/// One token with its position in the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
    /// 1-based line.
    pub line: u32,
    /// 0-based column in characters, as Cassandra (ANTLR) reports it.
    pub column: u32,
}

/// An error found by the lexer; the first one is kept and reported in Cassandra's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Byte offset of the offending character.
    pub offset: usize,
    /// 1-based line.
    pub line: u32,
    /// 0-based column.
    pub column: u32,
    /// The message without the `line L:C` header.
    pub message: String,
}

/// The tokens of a query (hidden ones included, ending with one `Eof`) and the first lexer
/// error, if any. The lexer recovers from errors by skipping one character, as ANTLR does.
#[derive(Debug, Clone)]
pub struct Lexed {
    /// Every token, hidden ones included; the last one is `Eof`.
    pub tokens: Vec<Token>,
    /// The first error found, if any.
    pub error: Option<LexError>,
}

struct Cursor<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    column: u32,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 0;
        } else {
            self.column += 1;
        }
        Some(c)
    }
    fn bump_n(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Length in bytes of a uuid at the start of `s`, if one is there and not followed by an
/// identifier character.
fn uuid_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let groups = [8usize, 4, 4, 4, 12];
    let mut i = 0;
    for (g, n) in groups.iter().enumerate() {
        for _ in 0..*n {
            if !b.get(i)?.is_ascii_hexdigit() {
                return None;
            }
            i += 1;
        }
        if g < 4 {
            if *b.get(i)? != b'-' {
                return None;
            }
            i += 1;
        }
    }
    match b.get(i) {
        Some(c) if is_ident_char(char::from(*c)) || *c == b'-' => None,
        _ => Some(i),
    }
}

/// Duration units, longest first so `ms` wins over `m` and `mo` over `m`.
const DURATION_UNITS: [&str; 11] = ["mo", "ms", "us", "µs", "ns", "y", "w", "d", "h", "m", "s"];

/// Length in bytes of a duration such as `1h30m` at the start of `s` (which starts with a
/// digit), if the digits are followed by a unit.
fn duration_len(s: &str) -> Option<usize> {
    let mut i = 0;
    let mut groups = 0;
    loop {
        let digits = s
            .get(i..)?
            .bytes()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            break;
        }
        let after = s.get(i + digits..)?;
        let lower: String = after.chars().take(2).flat_map(char::to_lowercase).collect();
        let Some(unit) = DURATION_UNITS.iter().find(|u| lower.starts_with(**u)) else {
            break;
        };
        // byte length of the unit as written (case-insensitive ascii, or µ)
        let unit_len: usize = after
            .chars()
            .take(unit.chars().count())
            .map(char::len_utf8)
            .sum();
        i += digits + unit_len;
        groups += 1;
    }
    if groups == 0 { None } else { Some(i) }
}

/// Length of the digits-then-unit groups at the start of `b` whose units appear in `units`
/// in that order (each at most once); returns (bytes used, groups found).
fn iso_groups(b: &[u8], units: &[u8]) -> (usize, usize) {
    let (mut i, mut groups, mut next_unit) = (0, 0, 0);
    loop {
        let digits = b
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let unit = b.get(i + digits).map(u8::to_ascii_uppercase);
        let found = units
            .iter()
            .enumerate()
            .skip(next_unit)
            .find(|(_, u)| Some(**u) == unit);
        match found {
            Some((k, _)) if digits > 0 => {
                i += digits + 1;
                groups += 1;
                next_unit = k + 1;
            }
            _ => return (i, groups),
        }
    }
}

/// Length in bytes of an ISO 8601 duration (`P1Y2M3DT4H5M6S`, `P2W`,
/// `P0001-02-03T04:05:06`) at the start of `s`, not followed by an identifier character.
fn iso_duration_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(b'P' | b'p')) {
        return None;
    }
    let rest = b.get(1..)?;
    let alternative = rest.len() >= 19
        && rest.iter().take(19).enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => matches!(c, b'T' | b't'),
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    let len = if alternative {
        20
    } else {
        let (week, wg) = iso_groups(rest, b"W");
        if wg == 1 {
            1 + week
        } else {
            let (date, dg) = iso_groups(rest, b"YMD");
            let mut len = 1 + date;
            let mut groups = dg;
            if matches!(b.get(len), Some(b'T' | b't')) {
                let (time, tg) = iso_groups(b.get(len + 1..)?, b"HMS");
                if tg > 0 {
                    len += 1 + time;
                    groups += tg;
                }
            }
            if groups == 0 {
                return None;
            }
            len
        }
    };
    match b.get(len) {
        Some(c) if is_ident_char(char::from(*c)) => None,
        _ => Some(len),
    }
}

/// Lexes `src` completely.
pub fn lex(src: &str) -> Lexed {
    let mut cur = Cursor {
        src,
        pos: 0,
        line: 1,
        column: 0,
    };
    let mut tokens = Vec::new();
    let mut error: Option<LexError> = None;
    loop {
        let (start, line, column) = (cur.pos, cur.line, cur.column);
        let Some(c) = cur.peek() else {
            tokens.push(Token {
                kind: TokenKind::Eof,
                start,
                end: start,
                line,
                column,
            });
            break;
        };
        let kind = match lex_one(&mut cur, c) {
            Ok(k) => k,
            Err(message) => {
                if error.is_none() {
                    error = Some(LexError {
                        offset: cur.pos,
                        line: cur.line,
                        column: cur.column,
                        message,
                    });
                }
                if cur.pos == start {
                    cur.bump();
                }
                TokenKind::Hidden
            }
        };
        tokens.push(Token {
            kind,
            start,
            end: cur.pos,
            line,
            column,
        });
    }
    Lexed { tokens, error }
}

fn char_repr(c: Option<char>) -> String {
    match c {
        None => "<EOF>".to_string(),
        Some('\n') => "\\n".to_string(),
        Some('\r') => "\\r".to_string(),
        Some('\t') => "\\t".to_string(),
        Some(c) => c.to_string(),
    }
}

fn lex_one(cur: &mut Cursor<'_>, c: char) -> Result<TokenKind, String> {
    let rest = cur.rest();
    if c.is_whitespace() {
        while cur.peek().is_some_and(char::is_whitespace) {
            cur.bump();
        }
        return Ok(TokenKind::Hidden);
    }
    if rest.starts_with("--") || rest.starts_with("//") {
        while cur.peek().is_some_and(|c| c != '\n') {
            cur.bump();
        }
        return Ok(TokenKind::Hidden);
    }
    if rest.starts_with("/*") {
        cur.bump_n(2);
        loop {
            if cur.rest().starts_with("*/") {
                cur.bump_n(2);
                return Ok(TokenKind::Hidden);
            }
            if cur.bump().is_none() {
                return Err("mismatched character '<EOF>' expecting '*'".to_string());
            }
        }
    }
    if c == '\'' {
        cur.bump();
        let mut value = String::new();
        loop {
            match cur.bump() {
                None => return Err("mismatched character '<EOF>' expecting '''".to_string()),
                Some('\'') => {
                    if cur.peek() == Some('\'') {
                        cur.bump();
                        value.push('\'');
                    } else {
                        return Ok(TokenKind::Str(value));
                    }
                }
                Some(ch) => value.push(ch),
            }
        }
    }
    if rest.starts_with("$$") {
        cur.bump_n(2);
        let mut value = String::new();
        loop {
            if cur.rest().starts_with("$$") {
                cur.bump_n(2);
                return Ok(TokenKind::Str(value));
            }
            match cur.bump() {
                None => return Err("mismatched character '<EOF>' expecting '$'".to_string()),
                Some(ch) => value.push(ch),
            }
        }
    }
    if c == '"' {
        cur.bump();
        let mut value = String::new();
        loop {
            match cur.bump() {
                None => return Err("mismatched character '<EOF>' expecting '\"'".to_string()),
                Some('"') => {
                    if cur.peek() == Some('"') {
                        cur.bump();
                        value.push('"');
                    } else {
                        return Ok(TokenKind::QuotedIdent(value));
                    }
                }
                Some(ch) => value.push(ch),
            }
        }
    }
    if let Some(n) = uuid_len(rest) {
        let text = rest.get(..n).unwrap_or("").to_string();
        cur.bump_n(n);
        return Ok(TokenKind::Uuid(text));
    }
    if c.is_ascii_digit() {
        return Ok(lex_number(cur));
    }
    if let Some(n) = iso_duration_len(rest) {
        let text = rest.get(..n).unwrap_or("").to_string();
        cur.bump_n(n);
        return Ok(TokenKind::Duration(text));
    }
    if c.is_ascii_alphabetic() {
        let n = rest
            .bytes()
            .take_while(|b| is_ident_char(char::from(*b)))
            .count();
        let text = rest.get(..n).unwrap_or("").to_ascii_lowercase();
        cur.bump_n(n);
        return Ok(TokenKind::Ident(text));
    }
    let two = rest.get(..2).unwrap_or("");
    let sym2 = match two {
        "!=" => Some(Symbol::Neq),
        "<=" => Some(Symbol::Lte),
        ">=" => Some(Symbol::Gte),
        "+=" => Some(Symbol::PlusEq),
        "-=" => Some(Symbol::MinusEq),
        _ => None,
    };
    if let Some(s) = sym2 {
        cur.bump_n(2);
        return Ok(TokenKind::Sym(s));
    }
    let sym = match c {
        '(' => Symbol::LParen,
        ')' => Symbol::RParen,
        '[' => Symbol::LBracket,
        ']' => Symbol::RBracket,
        '{' => Symbol::LBrace,
        '}' => Symbol::RBrace,
        ',' => Symbol::Comma,
        ';' => Symbol::Semicolon,
        '.' => Symbol::Dot,
        ':' => Symbol::Colon,
        '?' => Symbol::QMark,
        '=' => Symbol::Eq,
        '<' => Symbol::Lt,
        '>' => Symbol::Gt,
        '+' => Symbol::Plus,
        '-' => Symbol::Minus,
        '*' => Symbol::Star,
        '/' => Symbol::Slash,
        '%' => Symbol::Percent,
        other => {
            return Err(format!(
                "no viable alternative at character '{}'",
                char_repr(Some(other))
            ));
        }
    };
    cur.bump();
    Ok(TokenKind::Sym(sym))
}

/// Lexes an integer, float, hex blob or duration (the cursor is on a digit).
fn lex_number(cur: &mut Cursor<'_>) -> TokenKind {
    let rest = cur.rest();
    let b = rest.as_bytes();
    if b.first() == Some(&b'0') && matches!(b.get(1), Some(b'x' | b'X')) {
        let n = rest
            .get(2..)
            .unwrap_or("")
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count();
        let hex = rest.get(2..2 + n).unwrap_or("").to_string();
        cur.bump_n(2 + n);
        return TokenKind::Hex(hex);
    }
    if let Some(n) = duration_len(rest) {
        let text = rest.get(..n).unwrap_or("").to_string();
        cur.bump_n(rest.get(..n).unwrap_or("").chars().count());
        return TokenKind::Duration(text);
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut n = digits;
    let mut is_float = false;
    if b.get(n) == Some(&b'.') && b.get(n + 1).is_none_or(|c| *c != b'.') {
        n += 1;
        n += b
            .get(n..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        is_float = true;
    }
    if matches!(b.get(n), Some(b'e' | b'E')) {
        let mut m = n + 1;
        if matches!(b.get(m), Some(b'+' | b'-')) {
            m += 1;
        }
        let exp_digits = b
            .get(m..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if exp_digits > 0 {
            n = m + exp_digits;
            is_float = true;
        }
    }
    let text = rest.get(..n).unwrap_or("").to_string();
    cur.bump_n(n);
    if is_float {
        TokenKind::Float(text)
    } else {
        TokenKind::Integer(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<TokenKind> {
        lex(s)
            .tokens
            .into_iter()
            .map(|t| t.kind)
            .filter(|k| *k != TokenKind::Hidden)
            .collect()
    }

    #[test]
    fn identifiers_and_keywords() {
        assert_eq!(
            kinds("SELECT Foo \"Bar\"\"x\""),
            vec![
                TokenKind::Ident("select".into()),
                TokenKind::Ident("foo".into()),
                TokenKind::QuotedIdent("Bar\"x".into()),
                TokenKind::Eof
            ]
        );
    }

    #[test]
    fn strings() {
        assert_eq!(
            kinds("'it''s' $$a'b$c$$"),
            vec![
                TokenKind::Str("it's".into()),
                TokenKind::Str("a'b$c".into()),
                TokenKind::Eof
            ]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(
            kinds("12 1.5 1e10 2.5E-3 0xCAFE 0x 3."),
            vec![
                TokenKind::Integer("12".into()),
                TokenKind::Float("1.5".into()),
                TokenKind::Float("1e10".into()),
                TokenKind::Float("2.5E-3".into()),
                TokenKind::Hex("CAFE".into()),
                TokenKind::Hex("".into()),
                TokenKind::Float("3.".into()),
                TokenKind::Eof
            ]
        );
    }

    #[test]
    fn uuids_and_durations() {
        assert_eq!(
            kinds(
                "550e8400-e29b-41d4-a716-446655440000 abcdef01-0000-0000-0000-000000000000 1h30m 2mo3ms 1WHERE 5µs"
            ),
            vec![
                TokenKind::Uuid("550e8400-e29b-41d4-a716-446655440000".into()),
                TokenKind::Uuid("abcdef01-0000-0000-0000-000000000000".into()),
                TokenKind::Duration("1h30m".into()),
                TokenKind::Duration("2mo3ms".into()),
                TokenKind::Duration("1W".into()),
                TokenKind::Ident("here".into()),
                TokenKind::Duration("5µs".into()),
                TokenKind::Eof
            ]
        );
    }

    #[test]
    fn iso_durations() {
        assert_eq!(
            kinds("P1Y2M3DT4H5M6S P2W PT1H p1d P0001-02-03T04:05:06 P pt p1x P1D2"),
            vec![
                TokenKind::Duration("P1Y2M3DT4H5M6S".into()),
                TokenKind::Duration("P2W".into()),
                TokenKind::Duration("PT1H".into()),
                TokenKind::Duration("p1d".into()),
                TokenKind::Duration("P0001-02-03T04:05:06".into()),
                TokenKind::Ident("p".into()),
                TokenKind::Ident("pt".into()),
                TokenKind::Ident("p1x".into()),
                TokenKind::Ident("p1d2".into()),
                TokenKind::Eof
            ]
        );
    }

    #[test]
    fn comments_and_symbols() {
        assert_eq!(
            kinds("a -- x\n/* y\n */ b // z\n<= != >= += ?:"),
            vec![
                TokenKind::Ident("a".into()),
                TokenKind::Ident("b".into()),
                TokenKind::Sym(Symbol::Lte),
                TokenKind::Sym(Symbol::Neq),
                TokenKind::Sym(Symbol::Gte),
                TokenKind::Sym(Symbol::PlusEq),
                TokenKind::Sym(Symbol::QMark),
                TokenKind::Sym(Symbol::Colon),
                TokenKind::Eof
            ]
        );
    }

    #[test]
    fn positions() {
        let l = lex("SELECT *\n  FROM t");
        let sig: Vec<_> = l
            .tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Hidden)
            .map(|t| (t.line, t.column))
            .collect();
        assert_eq!(sig, vec![(1, 0), (1, 7), (2, 2), (2, 7), (2, 8)]);
    }

    #[test]
    fn errors() {
        let l = lex("SELECT 'abc");
        let e = l.error.unwrap();
        assert_eq!((e.line, e.column), (1, 11));
        assert_eq!(e.message, "mismatched character '<EOF>' expecting '''");
        let l = lex("a # b");
        let e = l.error.unwrap();
        assert_eq!((e.line, e.column), (1, 2));
        assert_eq!(e.message, "no viable alternative at character '#'");
    }
}
