//! The JSON reader: text to a [`Json`] tree.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Json, JsonNumber};

/// How deeply arrays and objects may nest; deeper input is refused.
pub const MAX_DEPTH: usize = 64;

/// The input is not JSON the reader accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at byte {offset}: {message}")]
pub struct JsonError {
    /// Byte offset into the input where reading stopped.
    pub offset: usize,
    /// What was wrong there.
    pub message: &'static str,
}

/// Reads one JSON value that spans all of `text` (whitespace around it aside).
///
/// Accepts RFC 8259 JSON plus the bare tokens `NaN`, `Infinity` and `-Infinity`, as
/// Python's `json.loads` does. Strings may not hold raw control characters; an escaped lone
/// surrogate (`\ud800`), which a Rust string cannot hold, reads as U+FFFD.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        pos: 0,
    };
    reader.skip_whitespace();
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.pos != reader.bytes.len() {
        return Err(reader.error("extra data after the value"));
    }
    Ok(value)
}

/// The length of the JSON number literal at the start of `bytes` (RFC 8259 grammar), or
/// `None` when `bytes` does not start with one.
pub(super) fn number_literal_len(bytes: &[u8]) -> Option<usize> {
    let at = |i: usize| bytes.get(i).copied();
    let digits_from = |mut i: usize| {
        while at(i).is_some_and(|b| b.is_ascii_digit()) {
            i += 1;
        }
        i
    };
    let mut i = usize::from(at(0) == Some(b'-'));
    match at(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits_from(i + 1),
        _ => return None,
    }
    if at(i) == Some(b'.') {
        let end = digits_from(i + 1);
        if end == i + 1 {
            return None;
        }
        i = end;
    }
    if matches!(at(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(at(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let end = digits_from(j);
        if end == j {
            return None;
        }
        i = end;
    }
    Some(i)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn error(&self, message: &'static str) -> JsonError {
        JsonError {
            offset: self.pos,
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Consumes `token` if the input continues with it.
    fn eat(&mut self, token: &str) -> bool {
        let end = self.pos + token.len();
        if self.bytes.get(self.pos..end) == Some(token.as_bytes()) {
            self.pos = end;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        match self.peek() {
            None => Err(self.error("unexpected end of input, expected a value")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') if self.eat("true") => Ok(Json::Bool(true)),
            Some(b'f') if self.eat("false") => Ok(Json::Bool(false)),
            Some(b'n') if self.eat("null") => Ok(Json::Null),
            Some(b'N') if self.eat("NaN") => Ok(number("NaN")),
            Some(b'I') if self.eat("Infinity") => Ok(number("Infinity")),
            Some(b'-') if self.eat("-Infinity") => Ok(number("-Infinity")),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
        }
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let len = number_literal_len(rest).ok_or_else(|| self.error("malformed number"))?;
        let text = rest
            .get(..len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .ok_or_else(|| self.error("malformed number"))?;
        self.pos += len;
        Ok(Json::Number(JsonNumber::from_valid_literal(String::from(
            text,
        ))))
    }

    fn array(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("arrays and objects nested more than 64 deep"));
        }
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.eat("]") {
            return Ok(Json::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            self.skip_whitespace();
            if self.eat(",") {
                continue;
            }
            if self.eat("]") {
                return Ok(Json::Array(items));
            }
            return Err(self.error("expected ',' or ']' in an array"));
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("arrays and objects nested more than 64 deep"));
        }
        self.pos += 1; // '{'
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.eat("}") {
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key in an object"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if !self.eat(":") {
                return Err(self.error("expected ':' after an object key"));
            }
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_whitespace();
            if self.eat(",") {
                continue;
            }
            if self.eat("}") {
                return Ok(Json::Object(members));
            }
            return Err(self.error("expected ',' or '}' in an object"));
        }
    }

    /// Reads a string; `pos` is at its opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // '"'
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The input is a `str` and the run stops only at ASCII bytes, so it is whole
            // UTF-8 characters.
            let run = self
                .bytes
                .get(start..self.pos)
                .and_then(|b| core::str::from_utf8(b).ok())
                .ok_or_else(|| self.error("invalid UTF-8 in a string"))?;
            out.push_str(run);
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.error("control character in a string")),
            }
        }
    }

    /// Reads the escape after a backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let Some(b) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                if (0xd800..0xdc00).contains(&unit) {
                    // A high surrogate: a low one must follow to make a character.
                    let save = self.pos;
                    if self.eat("\\u") {
                        let low = self.hex4()?;
                        if (0xdc00..0xe000).contains(&low) {
                            let code = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            return Ok(());
                        }
                    }
                    self.pos = save;
                    '\u{fffd}'
                } else {
                    char::from_u32(unit).unwrap_or('\u{fffd}')
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("invalid escape in a string"));
            }
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("truncated \\u escape"))?;
        let mut unit = 0u32;
        for &d in digits {
            let v = char::from(d)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid \\u escape"))?;
            unit = unit * 16 + v;
        }
        self.pos += 4;
        Ok(unit)
    }
}

fn number(token: &str) -> Json {
    Json::Number(JsonNumber::from_valid_literal(String::from(token)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;

    #[test]
    fn reads_every_kind() {
        let json =
            parse(r#" {"a": [1, -2.5e3, true, false, null, "x\u00e9\ud83d\ude00\n"], "b": {}} "#)
                .unwrap();
        let a = json.get("a").unwrap().as_array().unwrap();
        assert_eq!(a.len(), 6);
        assert_eq!(a[0].as_i64(), Some(1));
        assert_eq!(a[1].as_number().unwrap().as_str(), "-2.5e3");
        assert_eq!(a[5].as_str(), Some("x\u{e9}\u{1f600}\n"));
        assert_eq!(json.get("b"), Some(&Json::Object(Vec::new())));
    }

    #[test]
    fn keeps_member_order_and_repeated_keys() {
        let json = parse(r#"{"z": 1, "a": 2, "z": 3}"#).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["z", "a", "z"]);
    }

    #[test]
    fn keeps_number_text() {
        let json =
            parse("[18446744073709551616, 0.1000, 1E+300, NaN, Infinity, -Infinity]").unwrap();
        let texts: Vec<String> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_number().unwrap().to_string())
            .collect();
        assert_eq!(
            texts,
            [
                "18446744073709551616",
                "0.1000",
                "1E+300",
                "NaN",
                "Infinity",
                "-Infinity"
            ]
        );
    }

    #[test]
    fn lone_surrogate_reads_as_replacement() {
        assert_eq!(parse(r#""\ud800x""#).unwrap().as_str(), Some("\u{fffd}x"));
        assert_eq!(parse(r#""\udc00""#).unwrap().as_str(), Some("\u{fffd}"));
        assert_eq!(
            parse(r#""\ud800\u0041""#).unwrap().as_str(),
            Some("\u{fffd}A")
        );
    }

    #[test]
    fn errors_name_the_offset() {
        for (text, offset) in [
            ("", 0),
            ("[1,]", 3),
            ("{\"a\" 1}", 5),
            ("[1] x", 4),
            ("\"a\nb\"", 2),
            ("\"\\x\"", 2),
            ("01", 1),
            ("-", 0),
            ("1.", 0),
            ("nul", 0),
            ("{1: 2}", 1),
            ("\"abc", 4),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.offset, offset, "{text:?}: {err}");
        }
        assert_eq!(
            parse("[1,]").unwrap_err().to_string(),
            "invalid JSON at byte 3: expected a value"
        );
    }

    #[test]
    fn depth_is_limited() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let err = parse(&deep).unwrap_err();
        assert_eq!(err.offset, MAX_DEPTH);
        let deep_objects = "{\"a\":".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep_objects).is_err());
    }
}
