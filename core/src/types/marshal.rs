//! Java marshal class names (`org.apache.cassandra.db.marshal.*`) ⇄ [`ColumnType`].
//!
//! Cassandra describes types this way in CUSTOM `[option]`s (notably `vector<T, n>`) and in
//! its schema tables. `FrozenType(..)` and `ReversedType(..)` wrappers are accepted and
//! dropped, since the model does not represent freezing or clustering order. UDT names and
//! field names are hex-encoded, as Cassandra writes them. Class names may be given with or
//! without the `org.apache.cassandra.db.marshal.` package; unknown classes become
//! [`ColumnType::Custom`] holding their full text.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;

use super::ColumnType;
use super::column_type::MAX_TYPE_DEPTH;
use super::error::TypeParseError;

/// The package every built-in marshal class lives in.
pub const MARSHAL_PACKAGE: &str = "org.apache.cassandra.db.marshal.";

/// Parses a custom type's marshal class name into a [`ColumnType`] when it names a type
/// the model knows better than as an opaque custom type, which is `VectorType`; `None`
/// keeps it as [`ColumnType::Custom`]. Used by [`ColumnType::read`].
pub fn parse_marshal_class(class: &str) -> Option<ColumnType> {
    match parse_marshal(class) {
        Ok(t @ ColumnType::Vector { .. }) => Some(t),
        _ => None,
    }
}

/// Parses a marshal class string such as
/// `org.apache.cassandra.db.marshal.MapType(org.apache.cassandra.db.marshal.UTF8Type,org.apache.cassandra.db.marshal.Int32Type)`.
///
/// # Errors
/// [`TypeParseError`] for unbalanced parentheses, bad parameters (wrong count, bad hex in
/// UDT names, a bad vector dimension) or nesting deeper than [`MAX_TYPE_DEPTH`].
pub fn parse_marshal(class: &str) -> Result<ColumnType, TypeParseError> {
    let mut p = Parser { s: class, pos: 0 };
    let t = p.parse_type(0)?;
    p.skip_ws();
    if p.pos != class.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(t)
}

/// The marshal class string of a type, as Cassandra writes it.
///
/// Collections, tuples and UDTs nested inside another type are wrapped in `FrozenType`
/// (Cassandra requires them frozen there); a UDT is wrapped at top level too, since the
/// model cannot tell a non-frozen UDT column apart. Vectors are written with Cassandra's
/// ` , ` spacing: `VectorType(org.apache.cassandra.db.marshal.FloatType , 3)`.
pub fn marshal_class(typ: &ColumnType) -> String {
    let mut out = String::new();
    write_class(&mut out, typ, false);
    out
}

fn simple_class(typ: &ColumnType) -> Option<&'static str> {
    Some(match typ {
        ColumnType::Ascii => "AsciiType",
        ColumnType::BigInt => "LongType",
        ColumnType::Blob => "BytesType",
        ColumnType::Boolean => "BooleanType",
        ColumnType::Counter => "CounterColumnType",
        ColumnType::Decimal => "DecimalType",
        ColumnType::Double => "DoubleType",
        ColumnType::Float => "FloatType",
        ColumnType::Int => "Int32Type",
        ColumnType::Timestamp => "TimestampType",
        ColumnType::Uuid => "UUIDType",
        ColumnType::Text => "UTF8Type",
        ColumnType::Varint => "IntegerType",
        ColumnType::Timeuuid => "TimeUUIDType",
        ColumnType::Inet => "InetAddressType",
        ColumnType::Date => "SimpleDateType",
        ColumnType::Time => "TimeType",
        ColumnType::SmallInt => "ShortType",
        ColumnType::TinyInt => "ByteType",
        ColumnType::Duration => "DurationType",
        _ => return None,
    })
}

fn simple_type(short: &str) -> Option<ColumnType> {
    Some(match short {
        "AsciiType" => ColumnType::Ascii,
        "LongType" => ColumnType::BigInt,
        "BytesType" => ColumnType::Blob,
        "BooleanType" => ColumnType::Boolean,
        "CounterColumnType" => ColumnType::Counter,
        "DecimalType" => ColumnType::Decimal,
        "DoubleType" => ColumnType::Double,
        "FloatType" => ColumnType::Float,
        "Int32Type" => ColumnType::Int,
        // DateType is the pre-2.0 name of the timestamp marshal.
        "TimestampType" | "DateType" => ColumnType::Timestamp,
        "UUIDType" => ColumnType::Uuid,
        "UTF8Type" => ColumnType::Text,
        "IntegerType" => ColumnType::Varint,
        "TimeUUIDType" => ColumnType::Timeuuid,
        "InetAddressType" => ColumnType::Inet,
        "SimpleDateType" => ColumnType::Date,
        "TimeType" => ColumnType::Time,
        "ShortType" => ColumnType::SmallInt,
        "ByteType" => ColumnType::TinyInt,
        "DurationType" => ColumnType::Duration,
        _ => return None,
    })
}

fn write_class(out: &mut String, typ: &ColumnType, nested: bool) {
    if let Some(simple) = simple_class(typ) {
        out.push_str(MARSHAL_PACKAGE);
        out.push_str(simple);
        return;
    }
    let frozen = match typ {
        ColumnType::Udt { .. } => true,
        ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..) | ColumnType::Tuple(_) => {
            nested
        }
        _ => false,
    };
    if frozen {
        out.push_str(MARSHAL_PACKAGE);
        out.push_str("FrozenType(");
    }
    match typ {
        ColumnType::Custom(class) => out.push_str(class),
        ColumnType::List(e) => {
            out.push_str(MARSHAL_PACKAGE);
            out.push_str("ListType(");
            write_class(out, e, true);
            out.push(')');
        }
        ColumnType::Set(e) => {
            out.push_str(MARSHAL_PACKAGE);
            out.push_str("SetType(");
            write_class(out, e, true);
            out.push(')');
        }
        ColumnType::Map(k, v) => {
            out.push_str(MARSHAL_PACKAGE);
            out.push_str("MapType(");
            write_class(out, k, true);
            out.push(',');
            write_class(out, v, true);
            out.push(')');
        }
        ColumnType::Tuple(elems) => {
            out.push_str(MARSHAL_PACKAGE);
            out.push_str("TupleType(");
            for (i, e) in elems.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_class(out, e, true);
            }
            out.push(')');
        }
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            out.push_str(MARSHAL_PACKAGE);
            out.push_str("UserType(");
            out.push_str(keyspace);
            out.push(',');
            push_hex(out, name);
            for (field, t) in fields {
                out.push(',');
                push_hex(out, field);
                out.push(':');
                write_class(out, t, true);
            }
            out.push(')');
        }
        ColumnType::Vector {
            element,
            dimensions,
        } => {
            out.push_str(MARSHAL_PACKAGE);
            out.push_str("VectorType(");
            write_class(out, element, true);
            // Writing to a String cannot fail.
            let _ = write!(out, " , {dimensions})");
        }
        _ => {}
    }
    if frozen {
        out.push(')');
    }
}

fn push_hex(out: &mut String, s: &str) {
    for b in s.bytes() {
        let _ = write!(out, "{b:02x}");
    }
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
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

    fn expect(&mut self, c: u8, reason: &'static str) -> Result<(), TypeParseError> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(reason))
        }
    }

    /// A bare token: everything up to `(`, `)`, `,`, `:` or whitespace.
    fn token(&mut self) -> &'a str {
        self.skip_ws();
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| !matches!(b, b'(' | b')' | b',' | b':') && !b.is_ascii_whitespace())
        {
            self.pos += 1;
        }
        self.s.get(start..self.pos).unwrap_or_default()
    }

    /// Skips a balanced parenthesised parameter list starting at `(`.
    fn skip_params(&mut self) -> Result<(), TypeParseError> {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(self.err("unbalanced parentheses"))
    }

    fn parse_type(&mut self, depth: usize) -> Result<ColumnType, TypeParseError> {
        if depth > MAX_TYPE_DEPTH {
            return Err(self.err("type nested too deeply"));
        }
        let d = depth + 1;
        self.skip_ws();
        let start = self.pos;
        let name = self.token();
        if name.is_empty() {
            return Err(self.err("expected a class name"));
        }
        let short = name.strip_prefix(MARSHAL_PACKAGE).unwrap_or(name);
        let has_params = self.peek() == Some(b'(');
        if !has_params {
            return Ok(simple_type(short).unwrap_or_else(|| ColumnType::Custom(name.to_string())));
        }
        let one = |p: &mut Self| -> Result<ColumnType, TypeParseError> {
            p.expect(b'(', "expected (")?;
            let t = p.parse_type(d)?;
            p.expect(b')', "expected )")?;
            Ok(t)
        };
        Ok(match short {
            "FrozenType" | "ReversedType" => one(self)?,
            "ListType" => ColumnType::List(Box::new(one(self)?)),
            "SetType" => ColumnType::Set(Box::new(one(self)?)),
            "MapType" => {
                self.expect(b'(', "expected (")?;
                let k = self.parse_type(d)?;
                self.expect(b',', "expected , between map key and value types")?;
                let v = self.parse_type(d)?;
                self.expect(b')', "expected )")?;
                ColumnType::Map(Box::new(k), Box::new(v))
            }
            "TupleType" => ColumnType::Tuple(self.type_list(d)?),
            "UserType" => self.user_type(d)?,
            "VectorType" => {
                self.expect(b'(', "expected (")?;
                let element = self.parse_type(d)?;
                self.expect(b',', "expected , before vector dimension")?;
                let n = self.token();
                let dimensions = n
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| self.err("bad vector dimension"))?;
                self.expect(b')', "expected )")?;
                ColumnType::Vector {
                    element: Box::new(element),
                    dimensions,
                }
            }
            _ => {
                self.skip_params()?;
                ColumnType::Custom(self.s.get(start..self.pos).unwrap_or_default().to_string())
            }
        })
    }

    fn type_list(&mut self, d: usize) -> Result<Vec<ColumnType>, TypeParseError> {
        self.expect(b'(', "expected (")?;
        let mut out = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b')') {
            self.pos += 1;
            return Ok(out);
        }
        loop {
            out.push(self.parse_type(d)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    return Ok(out);
                }
                _ => return Err(self.err("expected , or )")),
            }
        }
    }

    fn user_type(&mut self, d: usize) -> Result<ColumnType, TypeParseError> {
        self.expect(b'(', "expected (")?;
        let keyspace = self.token().to_string();
        self.expect(b',', "expected , after udt keyspace")?;
        let name = self.hex_token()?;
        let mut fields = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => self.pos += 1,
                _ => return Err(self.err("expected , or ) in udt")),
            }
            let field = self.hex_token()?;
            self.expect(b':', "expected : after udt field name")?;
            fields.push((field, self.parse_type(d)?));
        }
        Ok(ColumnType::Udt {
            keyspace,
            name,
            fields,
        })
    }

    fn hex_token(&mut self) -> Result<String, TypeParseError> {
        let hex = self.token();
        let bytes = decode_hex(hex).ok_or_else(|| self.err("bad hex name"))?;
        String::from_utf8(bytes).map_err(|_| self.err("hex name is not utf-8"))
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let hi = char::from(*pair.first()?).to_digit(16)?;
            let lo = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn wrappers_and_short_names() {
        assert_eq!(
            parse_marshal(
                "org.apache.cassandra.db.marshal.ReversedType(org.apache.cassandra.db.marshal.Int32Type)"
            ),
            Ok(ColumnType::Int)
        );
        assert_eq!(
            parse_marshal("ListType(FrozenType(SetType(UTF8Type)))"),
            Ok(ColumnType::List(Box::new(ColumnType::Set(Box::new(
                ColumnType::Text
            )))))
        );
        assert_eq!(
            parse_marshal("VectorType(FloatType,3)"),
            Ok(ColumnType::Vector {
                element: Box::new(ColumnType::Float),
                dimensions: 3
            })
        );
        assert_eq!(
            parse_marshal("com.example.Foo(a,b(c))"),
            Ok(ColumnType::Custom("com.example.Foo(a,b(c))".into()))
        );
        assert_eq!(parse_marshal("TupleType()"), Ok(ColumnType::Tuple(vec![])));
        assert!(parse_marshal("ListType(Int32Type").is_err());
        assert!(parse_marshal("VectorType(FloatType , 0)").is_err());
        assert!(parse_marshal("UserType(ks,zz)").is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut s = String::new();
        for _ in 0..100 {
            s.push_str("ListType(");
        }
        s.push_str("Int32Type");
        for _ in 0..100 {
            s.push(')');
        }
        assert!(parse_marshal(&s).is_err());
    }
}
