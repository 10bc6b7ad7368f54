//! CQL type syntax (`int`, `frozen<list<text>>`, `map<text, frozen<set<int>>>`,
//! `vector<float, 3>`, `"MyUdt"`) ⇄ [`ColumnType`].
//!
//! Parsing: keywords are case-insensitive; `frozen<..>` is accepted and dropped (the model
//! does not represent freezing); `varchar` is `text`; a quoted string literal
//! (`'org.example.MyType'`) is a custom type. Any other identifier, plain (folded to lower
//! case) or double-quoted (kept as written), optionally keyspace-qualified (`ks.address`),
//! names a user-defined type: [`ColumnType::parse_cql_with`] resolves it through a
//! caller-supplied lookup, while [`ColumnType::parse_cql`] leaves it *unresolved*, as a
//! [`ColumnType::Udt`] with no fields (and an empty keyspace when unqualified).
//!
//! Display writes the canonical CQL form: collections, tuples and UDTs nested in another
//! type, and UDTs at top level, are written `frozen<..>`; a UDT is written by its name only
//! (tables can only use types of their own keyspace), double-quoted when it is not a plain
//! lower-case identifier.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::ColumnType;
use super::column_type::MAX_TYPE_DEPTH;
use super::error::TypeParseError;

impl ColumnType {
    /// Parses CQL type syntax, leaving user-defined types unresolved (a [`ColumnType::Udt`]
    /// with its keyspace, possibly empty, its name and no fields).
    ///
    /// # Errors
    /// [`TypeParseError`] for malformed syntax or wrong parameter counts.
    pub fn parse_cql(s: &str) -> Result<Self, TypeParseError> {
        Self::parse_cql_with(s, |_, _| None)
    }

    /// Parses CQL type syntax, resolving user-defined type names with `lookup(keyspace,
    /// name)` (keyspace `None` when the name is unqualified). When `lookup` returns `None`
    /// the type is left unresolved, as by [`parse_cql`](Self::parse_cql).
    ///
    /// # Errors
    /// As [`parse_cql`](Self::parse_cql).
    pub fn parse_cql_with(
        s: &str,
        lookup: impl Fn(Option<&str>, &str) -> Option<ColumnType>,
    ) -> Result<Self, TypeParseError> {
        let mut p = Parser {
            s,
            pos: 0,
            lookup: &lookup,
        };
        let t = p.parse(0)?;
        p.skip_ws();
        if p.pos != s.len() {
            return Err(p.err("trailing characters"));
        }
        Ok(t)
    }
}

/// `name` double-quoted for CQL text (inner quotes doubled), unless it is quoted already.
/// Quoting always keeps the name's case and lets reserved words through (`"select"`), so
/// it names exactly the keyspace, table or column called `name`.
pub fn quote_identifier(name: &str) -> String {
    if name.len() >= 2 && name.starts_with('"') && name.ends_with('"') {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    out.push_str(&name.replace('"', "\"\""));
    out.push('"');
    out
}

/// The native (non-parameterised) type a CQL keyword names, case-insensitively
/// (`varchar` is `text`): `int`, `timeuuid`, ...
pub fn native_type_by_name(word: &str) -> Option<ColumnType> {
    let lower = word.to_ascii_lowercase();
    Some(match lower.as_str() {
        "ascii" => ColumnType::Ascii,
        "bigint" => ColumnType::BigInt,
        "blob" => ColumnType::Blob,
        "boolean" => ColumnType::Boolean,
        "counter" => ColumnType::Counter,
        "date" => ColumnType::Date,
        "decimal" => ColumnType::Decimal,
        "double" => ColumnType::Double,
        "duration" => ColumnType::Duration,
        "float" => ColumnType::Float,
        "inet" => ColumnType::Inet,
        "int" => ColumnType::Int,
        "smallint" => ColumnType::SmallInt,
        "text" | "varchar" => ColumnType::Text,
        "time" => ColumnType::Time,
        "timestamp" => ColumnType::Timestamp,
        "timeuuid" => ColumnType::Timeuuid,
        "tinyint" => ColumnType::TinyInt,
        "uuid" => ColumnType::Uuid,
        "varint" => ColumnType::Varint,
        _ => return None,
    })
}

type Lookup<'l> = &'l dyn Fn(Option<&str>, &str) -> Option<ColumnType>;

struct Parser<'a, 'l> {
    s: &'a str,
    pos: usize,
    lookup: Lookup<'l>,
}

impl<'a> Parser<'a, '_> {
    fn err(&self, reason: &'static str) -> TypeParseError {
        TypeParseError {
            reason,
            position: self.pos,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8, reason: &'static str) -> Result<(), TypeParseError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(reason))
        }
    }

    /// An identifier: plain (`[A-Za-z0-9_]+`, folded to lower case) or double-quoted.
    /// Returns the name and whether it was quoted.
    fn ident(&mut self) -> Result<(String, bool), TypeParseError> {
        self.skip_ws();
        if self.peek() == Some(b'"') {
            return Ok((self.quoted(b'"')?, true));
        }
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.err("expected a type name"));
        }
        Ok((
            self.s.get(start..self.pos).unwrap_or_default().to_string(),
            false,
        ))
    }

    /// A `q`-quoted string starting at the opening quote; a doubled quote escapes itself.
    fn quoted(&mut self, q: u8) -> Result<String, TypeParseError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.s.get(self.pos..).unwrap_or_default();
            let Some(i) = rest.bytes().position(|b| b == q) else {
                return Err(self.err("unterminated quoted name"));
            };
            out.push_str(rest.get(..i).unwrap_or_default());
            self.pos += i + 1;
            if self.peek() == Some(q) {
                out.push(char::from(q));
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }

    fn parse(&mut self, depth: usize) -> Result<ColumnType, TypeParseError> {
        if depth > MAX_TYPE_DEPTH {
            return Err(self.err("type nested too deeply"));
        }
        let d = depth + 1;
        self.skip_ws();
        if self.peek() == Some(b'\'') {
            return Ok(ColumnType::Custom(self.quoted(b'\'')?));
        }
        let (word, quoted) = self.ident()?;
        if !quoted {
            let lower = word.to_ascii_lowercase();
            let generic = matches!(
                lower.as_str(),
                "frozen" | "list" | "set" | "map" | "tuple" | "vector"
            );
            if generic && self.eat(b'<') {
                let t = match lower.as_str() {
                    "frozen" => self.parse(d)?,
                    "list" => ColumnType::List(Box::new(self.parse(d)?)),
                    "set" => ColumnType::Set(Box::new(self.parse(d)?)),
                    "map" => {
                        let k = self.parse(d)?;
                        self.expect(b',', "expected , between map key and value types")?;
                        let v = self.parse(d)?;
                        ColumnType::Map(Box::new(k), Box::new(v))
                    }
                    "tuple" => {
                        let mut elems = Vec::new();
                        loop {
                            elems.push(self.parse(d)?);
                            if !self.eat(b',') {
                                break;
                            }
                        }
                        ColumnType::Tuple(elems)
                    }
                    _ => {
                        let element = self.parse(d)?;
                        self.expect(b',', "expected , before vector dimension")?;
                        let (n, _) = self.ident()?;
                        let dimensions = n
                            .parse::<u32>()
                            .ok()
                            .filter(|n| *n > 0)
                            .ok_or_else(|| self.err("bad vector dimension"))?;
                        ColumnType::Vector {
                            element: Box::new(element),
                            dimensions,
                        }
                    }
                };
                self.expect(b'>', "expected >")?;
                return Ok(t);
            }
            if let Some(t) = native_type_by_name(&word) {
                return Ok(t);
            }
        }
        // A user-defined type name, maybe keyspace-qualified.
        let fold = |(name, quoted): (String, bool)| {
            if quoted {
                name
            } else {
                name.to_ascii_lowercase()
            }
        };
        let first = fold((word, quoted));
        let (keyspace, name) = if self.eat(b'.') {
            (Some(first), fold(self.ident()?))
        } else {
            (None, first)
        };
        Ok(
            (self.lookup)(keyspace.as_deref(), &name).unwrap_or(ColumnType::Udt {
                keyspace: keyspace.unwrap_or_default(),
                name,
                fields: Vec::new(),
            }),
        )
    }
}

fn write_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    let plain = name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && native_type_by_name(name).is_none()
        && !matches!(name, "frozen" | "list" | "set" | "map" | "tuple" | "vector");
    if plain {
        return f.write_str(name);
    }
    f.write_str("\"")?;
    for (i, part) in name.split('"').enumerate() {
        if i > 0 {
            f.write_str("\"\"")?;
        }
        f.write_str(part)?;
    }
    f.write_str("\"")
}

fn write_type(f: &mut fmt::Formatter<'_>, t: &ColumnType, nested: bool) -> fmt::Result {
    let frozen = match t {
        ColumnType::Udt { .. } => true,
        ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..) | ColumnType::Tuple(_) => {
            nested
        }
        _ => false,
    };
    if frozen {
        f.write_str("frozen<")?;
    }
    match t {
        ColumnType::Custom(class) => {
            f.write_str("'")?;
            f.write_str(&class.replace('\'', "''"))?;
            f.write_str("'")?;
        }
        ColumnType::Ascii => f.write_str("ascii")?,
        ColumnType::BigInt => f.write_str("bigint")?,
        ColumnType::Blob => f.write_str("blob")?,
        ColumnType::Boolean => f.write_str("boolean")?,
        ColumnType::Counter => f.write_str("counter")?,
        ColumnType::Decimal => f.write_str("decimal")?,
        ColumnType::Double => f.write_str("double")?,
        ColumnType::Float => f.write_str("float")?,
        ColumnType::Int => f.write_str("int")?,
        ColumnType::Timestamp => f.write_str("timestamp")?,
        ColumnType::Uuid => f.write_str("uuid")?,
        ColumnType::Text => f.write_str("text")?,
        ColumnType::Varint => f.write_str("varint")?,
        ColumnType::Timeuuid => f.write_str("timeuuid")?,
        ColumnType::Inet => f.write_str("inet")?,
        ColumnType::Date => f.write_str("date")?,
        ColumnType::Time => f.write_str("time")?,
        ColumnType::SmallInt => f.write_str("smallint")?,
        ColumnType::TinyInt => f.write_str("tinyint")?,
        ColumnType::Duration => f.write_str("duration")?,
        ColumnType::List(e) => {
            f.write_str("list<")?;
            write_type(f, e, true)?;
            f.write_str(">")?;
        }
        ColumnType::Set(e) => {
            f.write_str("set<")?;
            write_type(f, e, true)?;
            f.write_str(">")?;
        }
        ColumnType::Map(k, v) => {
            f.write_str("map<")?;
            write_type(f, k, true)?;
            f.write_str(", ")?;
            write_type(f, v, true)?;
            f.write_str(">")?;
        }
        ColumnType::Tuple(elems) => {
            f.write_str("tuple<")?;
            for (i, e) in elems.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_type(f, e, true)?;
            }
            f.write_str(">")?;
        }
        ColumnType::Udt { name, .. } => write_name(f, name)?,
        ColumnType::Vector {
            element,
            dimensions,
        } => {
            f.write_str("vector<")?;
            write_type(f, element, true)?;
            write!(f, ", {dimensions}>")?;
        }
    }
    if frozen {
        f.write_str(">")?;
    }
    Ok(())
}

impl fmt::Display for ColumnType {
    /// The type in CQL syntax (see the [module docs](self)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_type(f, self, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn identifiers_are_always_quoted_once() {
        assert_eq!(quote_identifier("ks_1"), "\"ks_1\"");
        assert_eq!(quote_identifier("MyKs"), "\"MyKs\"");
        assert_eq!(quote_identifier("select"), "\"select\"");
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_identifier("\"Q\""), "\"Q\"");
    }

    #[test]
    fn parses_and_displays() {
        let t = ColumnType::parse_cql("MAP<text, frozen<set<INT>>>").unwrap();
        assert_eq!(
            t,
            ColumnType::Map(
                Box::new(ColumnType::Text),
                Box::new(ColumnType::Set(Box::new(ColumnType::Int)))
            )
        );
        assert_eq!(t.to_string(), "map<text, frozen<set<int>>>");
        let v = ColumnType::parse_cql("vector<float, 3>").unwrap();
        assert_eq!(v.to_string(), "vector<float, 3>");
        let u = ColumnType::parse_cql("frozen<ks.\"My\"\"Type\">").unwrap();
        assert_eq!(
            u,
            ColumnType::Udt {
                keyspace: "ks".into(),
                name: "My\"Type".into(),
                fields: vec![]
            }
        );
        assert_eq!(u.to_string(), "frozen<\"My\"\"Type\">");
        let resolved = ColumnType::parse_cql_with("list<frozen<Address>>", |ks, name| {
            (ks.is_none() && name == "address").then(|| ColumnType::Udt {
                keyspace: "ks".into(),
                name: "address".into(),
                fields: vec![("zip".into(), ColumnType::Int)],
            })
        })
        .unwrap();
        assert_eq!(resolved.to_string(), "list<frozen<address>>");
        assert!(ColumnType::parse_cql("list<int").is_err());
        assert!(ColumnType::parse_cql("map<int>").is_err());
        assert!(ColumnType::parse_cql("vector<int, x>").is_err());
        assert_eq!(
            ColumnType::parse_cql("'org.x.Y'").unwrap().to_string(),
            "'org.x.Y'"
        );
    }
}
