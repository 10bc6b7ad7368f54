//! The JSON writer: a [`Json`] tree to text, as Python's `json.dumps` writes it.

use alloc::string::String;

use super::Json;

/// The separators between items and between a key and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Separators {
    /// `", "` and `": "`: `json.dumps` defaults (the parameters of a graph query).
    #[default]
    Python,
    /// `","` and `":"`: `json.dumps(separators=(',', ':'))` (Gremlin bytecode).
    Compact,
}

impl Separators {
    fn item(self) -> &'static str {
        match self {
            Separators::Python => ", ",
            Separators::Compact => ",",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Separators::Python => ": ",
            Separators::Compact => ":",
        }
    }
}

/// `value` as JSON text.
pub fn to_string(value: &Json, separators: Separators) -> String {
    let mut out = String::new();
    write_json(&mut out, value, separators);
    out
}

/// Appends `value` as JSON text: members in their order, numbers as their literal text,
/// strings with [`write_string`].
pub fn write_json(out: &mut String, value: &Json, separators: Separators) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        Json::Number(n) => out.push_str(n.as_str()),
        Json::String(s) => write_string(out, s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(separators.item());
                }
                write_json(out, item, separators);
            }
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(separators.item());
                }
                write_string(out, key);
                out.push_str(separators.key());
                write_json(out, item, separators);
            }
            out.push('}');
        }
    }
}

/// Appends `s` as a JSON string the way `json.dumps` does with `ensure_ascii=True`: `\"`,
/// `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, every other character outside `' '..='~'` as a
/// lowercase `\uXXXX` (a surrogate pair above U+FFFF); `/` is not escaped.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    push_unit(out, *unit);
                }
            }
        }
    }
    out.push('"');
}

fn push_unit(out: &mut String, unit: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        let nibble = usize::from((unit >> shift) & 0xf);
        out.push(char::from(HEX.get(nibble).copied().unwrap_or(b'0')));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::json::{JsonNumber, parse};
    use alloc::vec;

    #[test]
    fn python_separators() {
        let value = Json::Object(vec![
            (
                "x".into(),
                Json::Array(vec![Json::Number(JsonNumber::from_i64(1)), Json::Null]),
            ),
            ("y".into(), Json::Object(vec![])),
        ]);
        assert_eq!(
            to_string(&value, Separators::Python),
            r#"{"x": [1, null], "y": {}}"#
        );
        assert_eq!(
            to_string(&value, Separators::Compact),
            r#"{"x":[1,null],"y":{}}"#
        );
    }

    #[test]
    fn ensure_ascii_escapes() {
        let text = "h\u{e9} \u{2603} \u{1f600} a \"q\" \\ /\n\u{1}\u{7f}\u{8}\u{c}\r\t";
        let mut out = String::new();
        write_string(&mut out, text);
        assert_eq!(
            out,
            r#""h\u00e9 \u2603 \ud83d\ude00 a \"q\" \\ /\n\u0001\u007f\b\f\r\t""#
        );
        assert_eq!(parse(&out).unwrap().as_str(), Some(text));
    }

    #[test]
    fn numbers_keep_their_text() {
        let text = "[18446744073709551616, 1e+300, NaN, -0.0]";
        assert_eq!(to_string(&parse(text).unwrap(), Separators::Python), text);
    }
}
