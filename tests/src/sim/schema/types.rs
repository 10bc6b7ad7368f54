//! CQL types in DDL: the parser's [`CqlType`] resolved to a [`ColumnType`] (user types
//! looked up, freezing rules checked as Cassandra checks them), and the CQL type strings
//! Cassandra 4.1 writes in `system_schema.columns.type` and `system_schema.types.field_types`.

use std::collections::BTreeMap;

use cql_core::types::{ColumnType, marshal};

use super::model::UserType;
use crate::cql::ast::{CqlType, NativeType, quote_ident};
use crate::sim::error::{CqlError, CqlResult};

/// A type resolved from DDL: the value type and whether it is frozen at top level.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedType {
    /// The type.
    pub typ: ColumnType,
    /// Frozen at top level (always true for tuples; false for native types and vectors).
    pub frozen: bool,
}

impl ResolvedType {
    /// A collection or user type that is not frozen (stored cell by cell).
    pub fn is_multi_cell(&self) -> bool {
        !self.frozen && is_freezable(&self.typ) && !matches!(self.typ, ColumnType::Tuple(_))
    }
}

/// Whether `frozen<..>` means something for the type: collections, tuples and user types.
pub fn is_freezable(typ: &ColumnType) -> bool {
    matches!(
        typ,
        ColumnType::List(_)
            | ColumnType::Set(_)
            | ColumnType::Map(..)
            | ColumnType::Tuple(_)
            | ColumnType::Udt { .. }
    )
}

/// Whether the type is a collection (list, set or map).
pub fn is_collection(typ: &ColumnType) -> bool {
    matches!(
        typ,
        ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..)
    )
}

/// Whether `duration` appears anywhere in the type.
pub fn references_duration(typ: &ColumnType) -> bool {
    match typ {
        ColumnType::Duration => true,
        ColumnType::List(t) | ColumnType::Set(t) => references_duration(t),
        ColumnType::Map(k, v) => references_duration(k) || references_duration(v),
        ColumnType::Tuple(ts) => ts.iter().any(references_duration),
        ColumnType::Udt { fields, .. } => fields.iter().any(|(_, t)| references_duration(t)),
        ColumnType::Vector { element, .. } => references_duration(element),
        _ => false,
    }
}

/// Whether the user type `keyspace.name` appears anywhere in the type.
pub fn references_udt(typ: &ColumnType, keyspace: &str, name: &str) -> bool {
    match typ {
        ColumnType::Udt {
            keyspace: k,
            name: n,
            fields,
        } => {
            (k == keyspace && n == name)
                || fields
                    .iter()
                    .any(|(_, t)| references_udt(t, keyspace, name))
        }
        ColumnType::List(t) | ColumnType::Set(t) => references_udt(t, keyspace, name),
        ColumnType::Map(k, v) => {
            references_udt(k, keyspace, name) || references_udt(v, keyspace, name)
        }
        ColumnType::Tuple(ts) => ts.iter().any(|t| references_udt(t, keyspace, name)),
        ColumnType::Vector { element, .. } => references_udt(element, keyspace, name),
        _ => false,
    }
}

/// Replaces every occurrence of the user type `new` (same keyspace and name) inside `typ`
/// with its new definition.
pub fn refresh_udt(typ: &mut ColumnType, new: &UserType) {
    match typ {
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            if *keyspace == new.keyspace && *name == new.name {
                *fields = new.fields.clone();
            } else {
                for (_, t) in fields.iter_mut() {
                    refresh_udt(t, new);
                }
            }
        }
        ColumnType::List(t) | ColumnType::Set(t) => refresh_udt(t, new),
        ColumnType::Map(k, v) => {
            refresh_udt(k, new);
            refresh_udt(v, new);
        }
        ColumnType::Tuple(ts) => ts.iter_mut().for_each(|t| refresh_udt(t, new)),
        ColumnType::Vector { element, .. } => refresh_udt(element, new),
        _ => {}
    }
}

/// The column type of a native CQL type.
pub fn native(t: NativeType) -> ColumnType {
    match t {
        NativeType::Ascii => ColumnType::Ascii,
        NativeType::BigInt => ColumnType::BigInt,
        NativeType::Blob => ColumnType::Blob,
        NativeType::Boolean => ColumnType::Boolean,
        NativeType::Counter => ColumnType::Counter,
        NativeType::Date => ColumnType::Date,
        NativeType::Decimal => ColumnType::Decimal,
        NativeType::Double => ColumnType::Double,
        NativeType::Duration => ColumnType::Duration,
        NativeType::Float => ColumnType::Float,
        NativeType::Inet => ColumnType::Inet,
        NativeType::Int => ColumnType::Int,
        NativeType::SmallInt => ColumnType::SmallInt,
        NativeType::Text => ColumnType::Text,
        NativeType::Time => ColumnType::Time,
        NativeType::Timestamp => ColumnType::Timestamp,
        NativeType::TimeUuid => ColumnType::Timeuuid,
        NativeType::TinyInt => ColumnType::TinyInt,
        NativeType::Uuid => ColumnType::Uuid,
        NativeType::VarInt => ColumnType::Varint,
    }
}

/// Resolves a DDL type in `keyspace`, whose user types are `types`.
///
/// # Errors
/// `Invalid` as Cassandra: unknown user types, user types of another keyspace, non-frozen
/// collections or user types nested in collections, counters inside collections or tuples,
/// `frozen<>` around a native type, vectors without dimensions.
pub fn resolve(
    raw: &CqlType,
    keyspace: &str,
    types: &BTreeMap<String, UserType>,
) -> CqlResult<ResolvedType> {
    resolve_in(raw, keyspace, types, false)
}

fn is_raw_counter(raw: &CqlType) -> bool {
    matches!(raw, CqlType::Native(NativeType::Counter))
}

fn resolve_in(
    raw: &CqlType,
    keyspace: &str,
    types: &BTreeMap<String, UserType>,
    in_frozen: bool,
) -> CqlResult<ResolvedType> {
    let nested = |inner: &CqlType| -> CqlResult<ColumnType> {
        if is_raw_counter(inner) {
            return Err(CqlError::invalid(format!(
                "Counters are not allowed inside collections: {raw}"
            )));
        }
        let r = resolve_in(inner, keyspace, types, in_frozen)?;
        if r.is_multi_cell() {
            let what = if matches!(r.typ, ColumnType::Udt { .. }) {
                "UDTs"
            } else {
                "collections"
            };
            return Err(CqlError::invalid(format!(
                "Non-frozen {what} are not allowed inside collections: {raw}"
            )));
        }
        Ok(r.typ)
    };
    Ok(match raw {
        CqlType::Native(t) => ResolvedType {
            typ: native(*t),
            frozen: false,
        },
        CqlType::List(e) => ResolvedType {
            typ: ColumnType::List(Box::new(nested(e)?)),
            frozen: in_frozen,
        },
        CqlType::Set(e) => ResolvedType {
            typ: ColumnType::Set(Box::new(nested(e)?)),
            frozen: in_frozen,
        },
        CqlType::Map(k, v) => ResolvedType {
            typ: ColumnType::Map(Box::new(nested(k)?), Box::new(nested(v)?)),
            frozen: in_frozen,
        },
        CqlType::Frozen(inner) => {
            if !matches!(
                **inner,
                CqlType::List(_)
                    | CqlType::Set(_)
                    | CqlType::Map(..)
                    | CqlType::Tuple(_)
                    | CqlType::Udt(_)
                    | CqlType::Frozen(_)
            ) {
                return Err(CqlError::invalid(format!(
                    "frozen<> is only allowed on collections, tuples, and user-defined types (got {inner})"
                )));
            }
            let r = resolve_in(inner, keyspace, types, true)?;
            ResolvedType {
                typ: r.typ,
                frozen: true,
            }
        }
        CqlType::Tuple(elements) => {
            let mut out = Vec::with_capacity(elements.len());
            for e in elements {
                if is_raw_counter(e) {
                    return Err(CqlError::invalid("Counters are not allowed inside tuples"));
                }
                out.push(resolve_in(e, keyspace, types, true)?.typ);
            }
            ResolvedType {
                typ: ColumnType::Tuple(out),
                frozen: true,
            }
        }
        CqlType::Vector(e, n) => {
            if *n == 0 {
                return Err(CqlError::invalid(format!(
                    "vectors may only have positive dimensions; given {n}"
                )));
            }
            if is_raw_counter(e) {
                return Err(CqlError::invalid(format!(
                    "vectors may not use counters; given {raw}"
                )));
            }
            let element = resolve_in(e, keyspace, types, true)?.typ;
            ResolvedType {
                typ: ColumnType::Vector {
                    element: Box::new(element),
                    dimensions: *n,
                },
                frozen: false,
            }
        }
        CqlType::Udt(name) => {
            if let Some(ks) = &name.keyspace {
                if ks != keyspace {
                    return Err(CqlError::invalid(format!(
                        "Statement on keyspace {keyspace} cannot refer to a user type in keyspace {ks}; user types can only be used in the keyspace they are defined in"
                    )));
                }
            }
            let Some(udt) = types.get(&name.name) else {
                return Err(CqlError::invalid(format!(
                    "Unknown type {}.{}",
                    quote_ident(keyspace),
                    quote_ident(&name.name)
                )));
            };
            ResolvedType {
                typ: udt_type(udt),
                frozen: in_frozen,
            }
        }
        CqlType::Custom(class) => ResolvedType {
            typ: custom_type(class),
            frozen: false,
        },
    })
}

/// The type of a custom type string (`'BytesType'`, `'org.apache.cassandra.db.marshal.
/// LongType'`, ...), as Cassandra 4.1 keeps it: a class it knows as a CQL type is that
/// type (`AbstractType.asCQL3Type`, so `'BytesType'` is `blob` and a `ReversedType` is
/// its base type); any other stays custom, its classes fully qualified as
/// `AbstractType.toString` writes them.
pub fn custom_type(class: &str) -> ColumnType {
    match marshal::parse_marshal(class.trim()) {
        Ok(ColumnType::Custom(c)) => ColumnType::Custom(qualify(&c)),
        Ok(t) => t,
        Err(_) => ColumnType::Custom(qualify(class.trim())),
    }
}

/// Whether a custom type string is a `ReversedType` (a descending clustering column).
pub fn is_reversed_class(class: &str) -> bool {
    let c = class.trim();
    c.strip_prefix(marshal::MARSHAL_PACKAGE)
        .unwrap_or(c)
        .starts_with("ReversedType(")
}

/// Prefixes the marshal package to every unqualified class name (`...Type`) in a type
/// string; aliases (`s=>`) and qualified names are kept.
fn qualify(class: &str) -> String {
    let mut out = String::with_capacity(class.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.ends_with("Type") && !word.contains('.') {
            out.push_str(marshal::MARSHAL_PACKAGE);
        }
        out.push_str(word);
        word.clear();
    };
    for ch in class.chars() {
        if ch.is_ascii_alphanumeric() || matches!(ch, '_' | '.' | '$') {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The column type of a user type.
pub fn udt_type(udt: &UserType) -> ColumnType {
    ColumnType::Udt {
        keyspace: udt.keyspace.clone(),
        name: udt.name.clone(),
        fields: udt.fields.clone(),
    }
}

/// The CQL type string Cassandra 4.1 writes in `system_schema.columns.type` (and, for a
/// field, `system_schema.types.field_types`): `frozen` tells whether the type is frozen at
/// top level; everything nested in a collection, tuple or vector is frozen. Tuples are
/// always frozen; user types are named without keyspace (quoted when needed).
///
/// ```
/// use cql_core::types::ColumnType;
/// use cql_testkit::sim::schema::types::cql_type_string;
/// let l = ColumnType::List(Box::new(ColumnType::Int));
/// assert_eq!(cql_type_string(&l, true), "frozen<list<int>>");
/// assert_eq!(cql_type_string(&l, false), "list<int>");
/// ```
pub fn cql_type_string(typ: &ColumnType, frozen: bool) -> String {
    let mut out = String::new();
    write_type(&mut out, typ, frozen);
    out
}

fn write_type(out: &mut String, typ: &ColumnType, frozen: bool) {
    let wrap = frozen || matches!(typ, ColumnType::Tuple(_));
    let wrap = wrap && is_freezable(typ);
    if wrap {
        out.push_str("frozen<");
    }
    match typ {
        ColumnType::Custom(c) => {
            out.push('\'');
            out.push_str(&c.replace('\'', "''"));
            out.push('\'');
        }
        ColumnType::Ascii => out.push_str("ascii"),
        ColumnType::BigInt => out.push_str("bigint"),
        ColumnType::Blob => out.push_str("blob"),
        ColumnType::Boolean => out.push_str("boolean"),
        ColumnType::Counter => out.push_str("counter"),
        ColumnType::Decimal => out.push_str("decimal"),
        ColumnType::Double => out.push_str("double"),
        ColumnType::Float => out.push_str("float"),
        ColumnType::Int => out.push_str("int"),
        ColumnType::Timestamp => out.push_str("timestamp"),
        ColumnType::Uuid => out.push_str("uuid"),
        ColumnType::Text => out.push_str("text"),
        ColumnType::Varint => out.push_str("varint"),
        ColumnType::Timeuuid => out.push_str("timeuuid"),
        ColumnType::Inet => out.push_str("inet"),
        ColumnType::Date => out.push_str("date"),
        ColumnType::Time => out.push_str("time"),
        ColumnType::SmallInt => out.push_str("smallint"),
        ColumnType::TinyInt => out.push_str("tinyint"),
        ColumnType::Duration => out.push_str("duration"),
        ColumnType::List(e) => {
            out.push_str("list<");
            write_type(out, e, true);
            out.push('>');
        }
        ColumnType::Set(e) => {
            out.push_str("set<");
            write_type(out, e, true);
            out.push('>');
        }
        ColumnType::Map(k, v) => {
            out.push_str("map<");
            write_type(out, k, true);
            out.push_str(", ");
            write_type(out, v, true);
            out.push('>');
        }
        ColumnType::Udt { name, .. } => out.push_str(&quote_ident(name)),
        ColumnType::Tuple(ts) => {
            out.push_str("tuple<");
            for (i, t) in ts.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_type(out, t, true);
            }
            out.push('>');
        }
        ColumnType::Vector {
            element,
            dimensions,
        } => {
            out.push_str("vector<");
            write_type(out, element, true);
            out.push_str(", ");
            out.push_str(&dimensions.to_string());
            out.push('>');
        }
        #[allow(unreachable_patterns)]
        other => out.push_str(&other.to_string()),
    }
    if wrap {
        out.push('>');
    }
}

/// The `field_types` strings of a user type, in field order.
pub fn field_type_strings(udt: &UserType) -> Vec<String> {
    udt.fields
        .iter()
        .enumerate()
        .map(|(i, (_, t))| cql_type_string(t, udt.field_frozen(i)))
        .collect()
}
