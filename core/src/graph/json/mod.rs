//! A small JSON tree with a reader and a writer, made for GraphSON.
//!
//! It differs from a general-purpose JSON library where GraphSON and the Python driver need
//! it to:
//! - objects keep their members in document order ([`Json::Object`] is a `Vec` of pairs, and
//!   a repeated key is kept as it came);
//! - numbers keep their literal text ([`JsonNumber`]), so integers beyond 64 bits and the exact
//!   digits of a float survive a read and a write;
//! - the reader accepts the bare `NaN`, `Infinity` and `-Infinity` tokens that Python's
//!   `json.dumps` writes for non-finite floats;
//! - the writer reproduces `json.dumps` byte for byte: `", "` / `": "` separators (or the
//!   compact `","` / `":"`), and `ensure_ascii` escapes (`\uXXXX`, surrogate pairs above
//!   U+FFFF).
//!
//! The reader nests at most [`MAX_DEPTH`] arrays and objects and allocates only in
//! proportion to its input.

mod read;
mod write;

use alloc::string::String;
use alloc::vec::Vec;

pub use read::{JsonError, MAX_DEPTH, parse};
pub use write::{Separators, to_string, write_json, write_string};

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as its literal text.
    Number(JsonNumber),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: its members in document order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object (the first one of that name); `None` for a missing
    /// member or a value that is not an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of an object.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The number of a number value.
    pub fn as_number(&self) -> Option<&JsonNumber> {
        match self {
            Json::Number(n) => Some(n),
            _ => None,
        }
    }

    /// A number value that is an integer fitting `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(JsonNumber::to_i64)
    }

    /// A string value.
    pub fn string(s: impl Into<String>) -> Json {
        Json::String(s.into())
    }

    /// What kind of value this is, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

/// A JSON number as its literal text: `-12`, `0.5`, `1e+300`, `18446744073709551616`, or one
/// of the non-standard tokens `NaN`, `Infinity`, `-Infinity`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsonNumber(String);

impl JsonNumber {
    /// The number whose literal is `text`, if `text` is a JSON number (RFC 8259 grammar) or
    /// one of `NaN`, `Infinity`, `-Infinity`.
    pub fn from_literal(text: &str) -> Option<Self> {
        let valid = matches!(text, "NaN" | "Infinity" | "-Infinity")
            || read::number_literal_len(text.as_bytes()) == Some(text.len());
        valid.then(|| JsonNumber(String::from(text)))
    }

    /// An integer.
    pub fn from_i64(v: i64) -> Self {
        let mut s = String::new();
        push_display(&mut s, v);
        JsonNumber(s)
    }

    /// A float as Python's `json.dumps` writes it: `repr(v)` (`1.0`, `1e-07`, `-0.0`), or
    /// `NaN`, `Infinity`, `-Infinity`.
    pub fn from_f64(v: f64) -> Self {
        let mut s = String::new();
        if v.is_nan() {
            s.push_str("NaN");
        } else if v.is_infinite() {
            s.push_str(if v > 0.0 { "Infinity" } else { "-Infinity" });
        } else {
            crate::types::float_repr::write_python_repr(&mut s, v);
        }
        JsonNumber(s)
    }

    /// Builds from text already known to be a valid literal.
    pub(crate) fn from_valid_literal(text: String) -> Self {
        JsonNumber(text)
    }

    /// The literal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the literal is an integer: digits with an optional minus sign, no fraction,
    /// no exponent.
    pub fn is_integer(&self) -> bool {
        let digits = self.0.strip_prefix('-').unwrap_or(&self.0);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    }

    /// The value as an `i64` when the literal is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        if self.is_integer() {
            self.0.parse().ok()
        } else {
            None
        }
    }

    /// The value as the nearest `f64` (correctly rounded, as Python's `float()`), with
    /// `NaN`/`Infinity`/`-Infinity` for the tokens and infinities for literals out of range.
    pub fn to_f64(&self) -> f64 {
        match self.0.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            // Every valid literal parses; the fallback only keeps this total.
            text => text.parse().unwrap_or(f64::NAN),
        }
    }
}

impl core::fmt::Display for JsonNumber {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Appends the `Display` form of `v`.
pub(crate) fn push_display(out: &mut String, v: impl core::fmt::Display) {
    use core::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = write!(out, "{v}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_literals() {
        assert!(JsonNumber::from_literal("-12").is_some());
        assert!(JsonNumber::from_literal("1e+300").is_some());
        assert!(JsonNumber::from_literal("NaN").is_some());
        assert!(JsonNumber::from_literal("01").is_none());
        assert!(JsonNumber::from_literal("1.").is_none());
        assert!(JsonNumber::from_literal("+1").is_none());
        assert!(JsonNumber::from_literal("").is_none());
        let big = JsonNumber::from_literal("18446744073709551616").unwrap();
        assert!(big.is_integer());
        assert_eq!(big.to_i64(), None);
        assert_eq!(JsonNumber::from_literal("-0").unwrap().to_i64(), Some(0));
        assert!(!JsonNumber::from_literal("1.0").unwrap().is_integer());
        assert_eq!(JsonNumber::from_literal("0.1").unwrap().to_f64(), 0.1);
    }

    #[test]
    fn floats_as_python_writes_them() {
        for (v, text) in [
            (1.5, "1.5"),
            (-0.0, "-0.0"),
            (1e300, "1e+300"),
            (1e-7, "1e-07"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(JsonNumber::from_f64(v).as_str(), text);
        }
    }
}
