//! The CQL literals table options are written with (`'text'`, `86400`, `0.01`, `true`,
//! `{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 160}`), read back so a
//! model's option can be compared with the value `system_schema` holds.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// An option's value, read from its literal.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Literal {
    /// A string's text (quotes removed, doubled quotes undone), or a number or boolean
    /// as written.
    Scalar(String),
    /// A map's entries in the order written, values as [`Literal::Scalar`] holds them.
    Map(Vec<(String, String)>),
}

/// Reads `text` as one literal; `None` when it is not one this module knows (a list, a
/// nested map, a function call...).
pub(super) fn parse(text: &str) -> Option<Literal> {
    let mut p = Parser { s: text, pos: 0 };
    p.skip_ws();
    let literal = if p.peek() == Some(b'{') {
        p.pos += 1;
        Literal::Map(p.map_entries()?)
    } else {
        Literal::Scalar(p.scalar()?)
    };
    p.skip_ws();
    (p.pos == text.len()).then_some(literal)
}

/// Whether two scalars (as [`Literal::Scalar`] holds them, or an option's stored value
/// printed) are the same value: numerically for numbers (`86400` and `86400.0`, `0.1`
/// and `'0.1'`), case-insensitively for booleans, else as exact text.
pub(super) fn scalars_equal(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return x == y;
    }
    let boolean = |s: &str| s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false");
    boolean(a) && boolean(b) && a.eq_ignore_ascii_case(b)
}

/// `s` as a number, when it is one written in decimal (`12`, `-0.5`, `1e-3`).
fn number(s: &str) -> Option<f64> {
    let s = s.trim();
    let mut chars = s.chars();
    let first = chars.next()?;
    let numeric = (first.is_ascii_digit() || first == '-' || first == '+' || first == '.')
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'));
    if !numeric {
        return None;
    }
    s.parse::<f64>().ok()
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn rest(&self) -> &str {
        self.s.get(self.pos..).unwrap_or_default()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// `'..'` (doubled quotes undone), `$$..$$`, a number, `true` or `false`.
    fn scalar(&mut self) -> Option<String> {
        self.skip_ws();
        match self.peek()? {
            b'\'' => self.quoted(),
            b'$' if self.rest().starts_with("$$") => {
                let body = self.rest().get(2..)?;
                let end = body.find("$$")?;
                let text = body.get(..end)?.to_string();
                self.pos += end + 4;
                Some(text)
            }
            _ => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
                {
                    self.pos += 1;
                }
                let word = self.s.get(start..self.pos)?;
                let boolean =
                    word.eq_ignore_ascii_case("true") || word.eq_ignore_ascii_case("false");
                (boolean || number(word).is_some()).then(|| word.to_string())
            }
        }
    }

    /// A single-quoted string starting at its opening quote.
    fn quoted(&mut self) -> Option<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.rest();
            let end = rest.find('\'')?;
            out.push_str(rest.get(..end)?);
            self.pos += end + 1;
            if self.peek() == Some(b'\'') {
                out.push('\'');
                self.pos += 1;
            } else {
                return Some(out);
            }
        }
    }

    /// The entries of a map after its `{`, through its `}`.
    fn map_entries(&mut self) -> Option<Vec<(String, String)>> {
        let mut entries = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Some(entries);
        }
        loop {
            let key = self.scalar()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return None;
            }
            self.pos += 1;
            let value = self.scalar()?;
            entries.push((key, value));
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(entries);
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn reads_scalars() {
        assert_eq!(parse("'users'"), Some(Literal::Scalar("users".into())));
        assert_eq!(parse(" 'it''s' "), Some(Literal::Scalar("it's".into())));
        assert_eq!(parse("''"), Some(Literal::Scalar(String::new())));
        assert_eq!(parse("$$a 'b'$$"), Some(Literal::Scalar("a 'b'".into())));
        assert_eq!(parse("86400"), Some(Literal::Scalar("86400".into())));
        assert_eq!(parse("-0.5e-3"), Some(Literal::Scalar("-0.5e-3".into())));
        assert_eq!(parse("TRUE"), Some(Literal::Scalar("TRUE".into())));
    }

    #[test]
    fn reads_maps() {
        assert_eq!(
            parse("{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb' : 160}"),
            Some(Literal::Map(vec![
                ("class".into(), "LeveledCompactionStrategy".into()),
                ("sstable_size_in_mb".into(), "160".into()),
            ]))
        );
        assert_eq!(parse("{ }"), Some(Literal::Map(vec![])));
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        for text in [
            "",
            "'open",
            "NONE",
            "{'a': 'b'",
            "{'a' 'b'}",
            "{'a': {'b': 'c'}}",
            "['a']",
            "'a' 'b'",
            "12abc",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn compares_scalars_as_values() {
        assert!(scalars_equal("86400", "86400"));
        assert!(scalars_equal("0.1", "0.10"));
        assert!(scalars_equal("1", "1.0"));
        assert!(scalars_equal("true", "TRUE"));
        assert!(!scalars_equal("true", "false"));
        assert!(!scalars_equal("Users", "users"));
        assert!(!scalars_equal("1", "2"));
    }
}
