//! Text a client chose, made safe for a log line.
//!
//! A client controls parts of what the bridge logs — the target it asked for, the reason
//! built from it, errors quoting its request. Written raw into a text log, a CR/LF starts
//! a forged line and an ANSI escape rewrites the operator's terminal. [`Untrusted`]
//! quotes the text and escapes everything but printable ASCII, so one field stays one
//! field on one line, whatever the client sent.

use std::fmt;

/// Displays client-chosen text quoted, with `"`, `\` and every character outside
/// printable ASCII escaped (`\n`, `\r`, `\t`, `\u{1b}`...).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Untrusted<'a>(pub(crate) &'a str);

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                ' '..='~' => f.write_char(c)?,
                other => write!(f, "\\u{{{:x}}}", u32::from(other))?,
            }
        }
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_field_on_one_line() {
        let hostile =
            "x\r\n2026-01-01T00:00:00Z  INFO tunnel open subject=\"admin\"\u{1b}[31m\u{202e}\\";
        let shown = Untrusted(hostile).to_string();
        assert_eq!(
            shown,
            r#""x\r\n2026-01-01T00:00:00Z  INFO tunnel open subject=\"admin\"\u{1b}[31m\u{202e}\\""#
        );
        assert!(shown.chars().all(|c| (' '..='~').contains(&c)));
        assert_eq!(Untrusted("10.0.0.5:9042").to_string(), "\"10.0.0.5:9042\"");
    }
}
