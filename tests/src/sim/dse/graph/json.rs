//! JSON text as GraphSON rows carry it: compact (no spaces), object keys in the order
//! written, numbers written from their exact text, plus the base64 GraphSON uses for
//! bytes.

use core::fmt::Write as _;

/// A JSON value under construction.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as the text to write (`42`, `0.5`, `123456789012345678901234567890`).
    Number(String),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// A string.
    pub fn str(s: impl Into<String>) -> Self {
        Self::Str(s.into())
    }

    /// An integer.
    pub fn int(n: impl Into<i64>) -> Self {
        Self::Number(n.into().to_string())
    }

    /// A double, as Java writes it (`3.0`, `0.4`, `1.0E-7` becomes `1e-7`); NaN and the
    /// infinities as GraphSON's strings.
    pub fn double(n: f64) -> Self {
        if n.is_finite() {
            Self::Number(format!("{n:?}"))
        } else if n.is_nan() {
            Self::str("NaN")
        } else if n > 0.0 {
            Self::str("Infinity")
        } else {
            Self::str("-Infinity")
        }
    }

    /// An object from `(key, value)` pairs.
    pub fn object<K: Into<String>>(entries: impl IntoIterator<Item = (K, Json)>) -> Self {
        Self::Object(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// GraphSON 2.0/3.0's typed value `{"@type": tag, "@value": value}`.
    pub fn typed(tag: &str, value: Json) -> Self {
        Self::object([("@type", Self::str(tag)), ("@value", value)])
    }

    /// The compact JSON text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Number(n) => out.push_str(n),
            Self::Str(s) => write_string(out, s),
            Self::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Self::Object(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (the core's).
pub use cql_core::types::base64::encode as base64;

/// Decodes standard base64 (padding optional); `None` for anything else.
pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = BASE64.iter().position(|b| *b == c)?;
        acc = (acc << 6) | u32::try_from(v).ok()?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_ordered_text() {
        let j = Json::object([
            ("b", Json::int(1)),
            (
                "a",
                Json::Array(vec![Json::Null, Json::double(3.0), Json::str("x\"\n")]),
            ),
        ]);
        assert_eq!(j.to_text(), r#"{"b":1,"a":[null,3.0,"x\"\n"]}"#);
        assert_eq!(Json::double(0.4).to_text(), "0.4");
        assert_eq!(Json::double(f64::NAN).to_text(), "\"NaN\"");
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(base64(&[0xde, 0xad, 0xbe, 0xef]), "3q2+7w==");
        assert_eq!(base64(&[0x00, 0x01, 0xfe, 0xff]), "AAH+/w==");
        assert_eq!(base64(b""), "");
        assert_eq!(unbase64("3q2+7w==").unwrap(), [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(unbase64("AAH+/w").unwrap(), [0x00, 0x01, 0xfe, 0xff]);
        assert!(unbase64("!!").is_none());
    }
}
