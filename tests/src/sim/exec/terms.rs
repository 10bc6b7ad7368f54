//! Terms of a statement (constants, markers, collection literals, function calls) turned
//! into serialized values of the column they are assigned or compared to.

use bytes::Bytes;
use cql_core::types::ColumnType;
use cql_core::types::dse_types::dse_type;
use cql_core::{CqlDate, CqlTime, CqlTimestamp, CqlValue};

use super::functions;
use super::literal::{
    number_value, parse_date, parse_duration, parse_hex, parse_time, parse_timestamp,
};
use crate::cql::ast::{BindMarker, Literal, Term};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::outcome::{BoundValue, BoundValues};

/// What terms are evaluated against: the bound values and the statement's time.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// The values bound to the markers.
    pub values: &'a BoundValues,
    /// Microseconds since the epoch.
    pub now_micros: i64,
    /// Where user-defined functions are found (`None`: only native functions).
    pub udfs: Option<super::udf::UdfScope<'a>>,
}

/// The value a marker is bound to; `receiver` is the marker's bind spec name, used to match
/// named values sent for `?` markers.
///
/// # Errors
/// `Invalid` when no value was bound to it.
pub fn bound(env: &Env<'_>, marker: &BindMarker, receiver: &str) -> CqlResult<BoundValue> {
    let vals = env.values;
    let found = match &vals.names {
        Some(names) => {
            let want = marker.name.as_deref().unwrap_or(receiver);
            names
                .iter()
                .position(|n| n == want)
                .and_then(|i| vals.values.get(i))
        }
        None => vals.values.get(marker.index),
    };
    match found {
        Some(v) => Ok(v.clone()),
        None if vals.names.is_some() => Err(CqlError::invalid(format!(
            "Invalid null value for bind variable {}",
            marker.name.as_deref().unwrap_or(receiver)
        ))),
        None => Err(CqlError::invalid(format!(
            "There were {} markers(?) in CQL but {} bound variables",
            marker.index + 1,
            vals.values.len()
        ))),
    }
}

/// The kind name Cassandra gives a constant in type errors.
fn kind_name(lit: &Literal) -> &'static str {
    match lit {
        Literal::String(_) => "STRING",
        Literal::Integer(_) => "INTEGER",
        Literal::Float(_) => "FLOAT",
        Literal::Boolean(_) => "BOOLEAN",
        Literal::Hex(_) => "HEX",
        Literal::Uuid(_) => "UUID",
        Literal::Duration(_) => "DURATION",
    }
}

fn lit_text(lit: &Literal) -> String {
    match lit {
        Literal::Hex(h) => format!("0x{h}"),
        other => other.as_text(),
    }
}

/// The CQL text of a type as Cassandra prints it in messages.
pub fn type_name(typ: &ColumnType) -> String {
    match typ {
        ColumnType::Udt { name, .. } => name.clone(),
        t => t.to_string(),
    }
}

fn ser(v: &CqlValue, typ: &ColumnType) -> CqlResult<Bytes> {
    let mut out = Vec::new();
    v.serialize(typ, &mut out)
        .map_err(|e| CqlError::invalid(e.to_string()))?;
    Ok(Bytes::from(out))
}

/// Serializes a constant as a value of `typ` for the receiver `name`.
///
/// # Errors
/// `Invalid` worded as Cassandra: `Invalid STRING constant (foo) for "k" of type int`, or
/// the type's parse error.
pub fn literal_bytes(lit: &Literal, name: &str, typ: &ColumnType) -> CqlResult<Bytes> {
    let mismatch = || {
        CqlError::invalid(format!(
            "Invalid {} constant ({}) for \"{name}\" of type {}",
            kind_name(lit),
            lit_text(lit),
            type_name(typ)
        ))
    };
    use ColumnType as T;
    let coerce =
        |what: &str| CqlError::invalid(format!("Unable to make {what} from '{}'", lit.as_text()));
    let v = match (lit, typ) {
        (Literal::String(s), T::Text) => CqlValue::Text(s.clone()),
        (Literal::String(s), T::Ascii) => {
            if !s.is_ascii() {
                return Err(CqlError::invalid(
                    "Invalid ASCII character in string literal",
                ));
            }
            CqlValue::Ascii(s.clone())
        }
        (Literal::String(s), T::Timestamp) | (Literal::Integer(s), T::Timestamp) => {
            let ms = parse_timestamp(s).ok_or_else(|| {
                CqlError::invalid(format!("Unable to parse a date/time from '{s}'"))
            })?;
            CqlValue::Timestamp(CqlTimestamp(ms))
        }
        (Literal::String(s) | Literal::Integer(s), T::Date) => {
            CqlValue::Date(CqlDate(parse_date(s).ok_or_else(|| {
                CqlError::invalid(format!("Unable to coerce '{s}' to a formatted date (long)"))
            })?))
        }
        (Literal::String(s) | Literal::Integer(s), T::Time) => {
            CqlValue::Time(CqlTime(parse_time(s).ok_or_else(|| {
                CqlError::invalid(format!("Unable to coerce '{s}' to a formatted time (long)"))
            })?))
        }
        (Literal::String(s), T::Inet) => {
            CqlValue::Inet(s.parse().map_err(|_| {
                CqlError::invalid(format!("Unable to make inet address from '{s}'"))
            })?)
        }
        (
            Literal::Integer(s),
            T::Int
            | T::BigInt
            | T::Counter
            | T::SmallInt
            | T::TinyInt
            | T::Varint
            | T::Decimal
            | T::Float
            | T::Double,
        )
        | (Literal::Float(s), T::Decimal | T::Float | T::Double) => number_value(s, typ)
            .ok_or_else(|| {
                coerce(match typ {
                    T::Int | T::Varint => "int",
                    T::BigInt | T::Counter => "long",
                    T::SmallInt => "short",
                    T::TinyInt => "byte",
                    T::Float => "float",
                    T::Double => "double",
                    _ => "decimal",
                })
            })?,
        (Literal::Boolean(b), T::Boolean) => CqlValue::Boolean(*b),
        // DSE's geometry and date-range types take their text forms (WKT, `[2019 TO *]`).
        (Literal::String(s), T::Custom(_)) if dse_type(typ).is_some() => dse_from_text(s, typ)
            .map_err(|e| {
                CqlError::invalid(format!("Unable to make {} from '{s}': {e}", type_name(typ)))
            })?,
        (Literal::Hex(h), T::Blob | T::Custom(_)) => CqlValue::Blob(
            parse_hex(h)
                .ok_or_else(|| CqlError::invalid(format!("cannot parse '0x{h}' as hex bytes")))?,
        ),
        (Literal::Uuid(u), T::Uuid | T::Timeuuid) => {
            let id = uuid::Uuid::parse_str(u)
                .map_err(|_| CqlError::invalid(format!("Unable to make UUID from '{u}'")))?;
            if *typ == T::Timeuuid && id.get_version_num() != 1 {
                return Err(CqlError::invalid(format!(
                    "Unsupported UUID version for timeuuid column: {}",
                    id.get_version_num()
                )));
            }
            CqlValue::Uuid(id)
        }
        (Literal::Duration(d) | Literal::String(d), T::Duration) => {
            CqlValue::Duration(parse_duration(d).ok_or_else(|| {
                CqlError::invalid(format!("Unable to convert '{d}' to a duration"))
            })?)
        }
        (Literal::Integer(s), T::Duration) if s == "0" => {
            CqlValue::Duration(cql_core::CqlDuration {
                months: 0,
                days: 0,
                nanoseconds: 0,
            })
        }
        _ => return Err(mismatch()),
    };
    ser(&v, typ)
}

/// A DSE geometry or date range from its text form.
fn dse_from_text(s: &str, typ: &ColumnType) -> Result<CqlValue, String> {
    use cql_core::types::dse_types::DseType;
    let e = |e: &dyn std::fmt::Display| e.to_string();
    Ok(match dse_type(typ) {
        Some(DseType::Point) => CqlValue::Point(s.parse().map_err(|x| e(&x))?),
        Some(DseType::LineString) => CqlValue::LineString(s.parse().map_err(|x| e(&x))?),
        Some(DseType::Polygon) => CqlValue::Polygon(s.parse().map_err(|x| e(&x))?),
        Some(DseType::DateRange) => CqlValue::DateRange(s.parse().map_err(|x| e(&x))?),
        _ => return Err("not a DSE type with a text form".into()),
    })
}

fn framed(out: &mut Vec<u8>, v: &[u8]) {
    out.extend_from_slice(&(v.len() as i32).to_be_bytes());
    out.extend_from_slice(v);
}

/// Sorts and deduplicates set elements / map entries by key as Cassandra stores them.
fn sort_keys<T>(items: &mut Vec<(Bytes, T)>, key_type: &ColumnType) {
    items.sort_by(|a, b| crate::sim::storage::order::compare(key_type, &a.0, &b.0));
    items.dedup_by(|b, a| crate::sim::storage::order::compare(key_type, &a.0, &b.0).is_eq());
}

/// Evaluates a term as a value of `typ` for the receiver `name` (a column name, or e.g.
/// `value(m)` for elements). Markers give their bound value (null or unset included).
///
/// # Errors
/// `Invalid` for type mismatches, nulls inside collections and bad function calls.
pub fn eval(env: &Env<'_>, term: &Term, name: &str, typ: &ColumnType) -> CqlResult<BoundValue> {
    use ColumnType as T;
    let elem_not_null = |v: BoundValue| -> CqlResult<Bytes> {
        match v {
            BoundValue::Bytes(b) => Ok(b),
            BoundValue::Null => Err(CqlError::invalid(
                "null is not supported inside collections",
            )),
            BoundValue::Unset => Err(CqlError::invalid(
                "unset value is not supported inside collections",
            )),
        }
    };
    let literal_mismatch = |what: &str| {
        CqlError::invalid(format!(
            "Invalid {what} literal for {name} of type {}",
            type_name(typ)
        ))
    };
    Ok(match term {
        Term::Null => BoundValue::Null,
        Term::Literal(l) => BoundValue::Bytes(literal_bytes(l, name, typ)?),
        Term::Bind(m) => {
            let v = bound(env, m, name)?;
            if let BoundValue::Bytes(b) = &v {
                super::marshal::validate(typ, b).map_err(CqlError::invalid)?;
            }
            v
        }
        Term::List(items) => {
            let (elem, is_vector) = match typ {
                T::List(e) => (e.as_ref(), false),
                T::Vector { element, .. } => (element.as_ref(), true),
                _ => return Err(literal_mismatch("list")),
            };
            let mut vals = Vec::new();
            for it in items {
                vals.push(elem_not_null(eval(
                    env,
                    it,
                    &format!("value({name})"),
                    elem,
                )?)?);
            }
            if is_vector {
                let decoded: CqlResult<Vec<CqlValue>> = vals
                    .iter()
                    .map(|b| {
                        CqlValue::deserialize(elem, Some(b))
                            .ok()
                            .flatten()
                            .ok_or_else(|| literal_mismatch("vector"))
                    })
                    .collect();
                BoundValue::Bytes(ser(&CqlValue::Vector(decoded?), typ)?)
            } else {
                let mut out = (vals.len() as i32).to_be_bytes().to_vec();
                for v in &vals {
                    framed(&mut out, v);
                }
                BoundValue::Bytes(Bytes::from(out))
            }
        }
        Term::Set(items) => {
            let T::Set(elem) = typ else {
                return Err(literal_mismatch("set"));
            };
            let mut vals = Vec::new();
            for it in items {
                vals.push((
                    elem_not_null(eval(env, it, &format!("value({name})"), elem)?)?,
                    (),
                ));
            }
            sort_keys(&mut vals, elem);
            let mut out = (vals.len() as i32).to_be_bytes().to_vec();
            for (v, ()) in &vals {
                framed(&mut out, v);
            }
            BoundValue::Bytes(Bytes::from(out))
        }
        Term::Map(entries) => match typ {
            T::Set(_) | T::List(_) if entries.is_empty() => {
                BoundValue::Bytes(Bytes::from_static(&[0, 0, 0, 0]))
            }
            T::Map(kt, vt) => {
                let mut vals = Vec::new();
                for (k, v) in entries {
                    let k = elem_not_null(eval(env, k, &format!("key({name})"), kt)?)?;
                    let v = elem_not_null(eval(env, v, &format!("value({name})"), vt)?)?;
                    vals.push((k, v));
                }
                sort_keys(&mut vals, kt);
                let mut out = (vals.len() as i32).to_be_bytes().to_vec();
                for (k, v) in &vals {
                    framed(&mut out, k);
                    framed(&mut out, v);
                }
                BoundValue::Bytes(Bytes::from(out))
            }
            T::Udt { .. } if entries.is_empty() => udt_value(env, &[], name, typ)?,
            _ => return Err(literal_mismatch("map")),
        },
        Term::Tuple(items) => {
            let T::Tuple(types) = typ else {
                return Err(literal_mismatch("tuple"));
            };
            if items.len() > types.len() {
                return Err(CqlError::invalid(format!(
                    "Invalid tuple literal for {name}: too many elements. Type {} expects {} but got {}",
                    type_name(typ),
                    types.len(),
                    items.len()
                )));
            }
            let mut out = Vec::new();
            for (i, (it, t)) in items.iter().zip(types).enumerate() {
                match eval(env, it, &format!("{name}[{i}]"), t)? {
                    BoundValue::Bytes(b) => framed(&mut out, &b),
                    _ => out.extend_from_slice(&(-1i32).to_be_bytes()),
                }
            }
            for _ in items.len()..types.len() {
                out.extend_from_slice(&(-1i32).to_be_bytes());
            }
            BoundValue::Bytes(Bytes::from(out))
        }
        Term::Udt(fields) => udt_value(env, fields, name, typ)?,
        Term::Function { name: fname, args } if is_from_json(fname) => {
            let [arg] = args.as_slice() else {
                return Err(CqlError::invalid(format!(
                    "Invalid number of arguments in call to function system.fromjson: 1 required but {} provided",
                    args.len()
                )));
            };
            let doc = match eval(env, arg, "arg of fromjson", &T::Text)? {
                BoundValue::Bytes(b) => Some(b),
                _ => None,
            };
            super::json::from_json(env, doc.as_ref(), name, typ)?
        }
        Term::Function { name: fname, args } => {
            if let Some((v, t, shown)) = call_udf(env, fname, args)? {
                if !assignable(&t, typ) {
                    return Err(CqlError::invalid(format!(
                        "Type error: cannot assign result of function {shown} (type {}) to {name} (type {})",
                        type_name(&t),
                        type_name(typ)
                    )));
                }
                return Ok(v.map_or(BoundValue::Null, BoundValue::Bytes));
            }
            let f = functions::base_name(fname.keyspace.as_deref(), &fname.name);
            let params = functions::param_types(&f, args.len())
                .ok_or_else(|| CqlError::invalid(format!("Unknown function '{}'", fname.name)))?;
            let mut evaluated = Vec::new();
            for (i, a) in args.iter().enumerate() {
                let pt = params.get(i).cloned().unwrap_or(T::Blob);
                let (v, t) = eval_typed(env, a, &f, &pt)?;
                evaluated.push((v, t));
            }
            let (v, t) = functions::call(&f, &evaluated, env.now_micros)?;
            if !assignable(&t, typ) {
                return Err(CqlError::invalid(format!(
                    "Type error: cannot assign result of function system.{f} (type {}) to {name} (type {})",
                    type_name(&t),
                    type_name(typ)
                )));
            }
            v.map_or(BoundValue::Null, BoundValue::Bytes)
        }
        Term::Cast(_, inner) => eval(env, inner, name, typ)?,
    })
}

/// The keyspace whose user-defined functions a call names: its own qualifier, or the
/// session's for an unqualified name that is no native function.
pub fn udf_keyspace<'a>(
    scope: &super::udf::UdfScope<'a>,
    name: &'a crate::cql::ast::QualifiedName,
    arity: usize,
) -> Option<&'a str> {
    match name.keyspace.as_deref() {
        Some(ks) if ks.eq_ignore_ascii_case("system") => None,
        Some(ks) => Some(ks),
        None => {
            let f = functions::base_name(None, &name.name);
            let native = functions::param_types(&f, arity).is_some()
                || matches!(
                    f.as_str(),
                    "fromjson" | "tojson" | "count" | "min" | "max" | "sum" | "avg"
                );
            if native { None } else { scope.keyspace }
        }
    }
}

/// Calls a user-defined function named by a term, when the name is one: its value, its
/// return type and its name as errors show it.
fn call_udf(
    env: &Env<'_>,
    fname: &crate::cql::ast::QualifiedName,
    args: &[Term],
) -> CqlResult<Option<(Option<Bytes>, ColumnType, String)>> {
    let Some(scope) = env.udfs else {
        return Ok(None);
    };
    let Some(ks) = udf_keyspace(&scope, fname, args.len()) else {
        return Ok(None);
    };
    let shown: Vec<(Option<ColumnType>, String)> =
        args.iter().map(|a| (None, a.to_string())).collect();
    let full = format!("{ks}.{}", fname.name);
    let f = match super::udf::resolve(scope.schema, ks, &fname.name, &shown)? {
        Some(super::udf::Udf::Scalar(f)) => f,
        Some(super::udf::Udf::Aggregate(_)) => {
            return Err(CqlError::invalid(format!(
                "Aggregate function {full} cannot be used as a term"
            )));
        }
        None if fname.keyspace.is_some() => {
            return Err(CqlError::invalid(format!("Unknown function '{full}'")));
        }
        None => return Ok(None),
    };
    let mut vals = Vec::with_capacity(args.len());
    for (a, (_, t)) in args.iter().zip(&f.arguments) {
        vals.push(eval_typed(env, a, &full, t)?.0);
    }
    let v = super::udf::call(&f, &vals)?;
    Ok(Some((v, f.return_type.clone(), full)))
}

fn is_from_json(name: &crate::cql::ast::QualifiedName) -> bool {
    functions::base_name(name.keyspace.as_deref(), &name.name) == "fromjson"
}

/// Evaluates a function argument: a nested function gives its own type, anything else is
/// typed by the parameter.
fn eval_typed(
    env: &Env<'_>,
    term: &Term,
    fname: &str,
    param: &ColumnType,
) -> CqlResult<(Option<Bytes>, ColumnType)> {
    if let Term::Function { name, args } = term {
        if let Some((v, t, _)) = call_udf(env, name, args)? {
            return Ok((v, t));
        }
        let f = functions::base_name(name.keyspace.as_deref(), &name.name);
        let params = functions::param_types(&f, args.len())
            .ok_or_else(|| CqlError::invalid(format!("Unknown function '{}'", name.name)))?;
        let mut evaluated = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let pt = params.get(i).cloned().unwrap_or(ColumnType::Blob);
            evaluated.push(eval_typed(env, a, &f, &pt)?);
        }
        return functions::call(&f, &evaluated, env.now_micros);
    }
    let param = match (term, param) {
        (Term::Literal(Literal::String(_)), ColumnType::Timeuuid) => ColumnType::Date,
        (Term::Literal(Literal::Integer(_) | Literal::String(_)), ColumnType::Timestamp) => {
            ColumnType::Timestamp
        }
        _ => param.clone(),
    };
    let v = eval(env, term, &format!("arg of {fname}"), &param)?;
    Ok((
        match v {
            BoundValue::Bytes(b) => Some(b),
            _ => None,
        },
        param,
    ))
}

/// Whether a value of type `from` can be stored in a `to` column.
pub fn assignable(from: &ColumnType, to: &ColumnType) -> bool {
    from == to
        || matches!(
            (from, to),
            (ColumnType::Timeuuid, ColumnType::Uuid)
                | (ColumnType::Ascii, ColumnType::Text)
                | (ColumnType::BigInt, ColumnType::Counter)
                | (ColumnType::Counter, ColumnType::BigInt)
                | (ColumnType::Blob, ColumnType::Custom(_))
        )
}

fn udt_value(
    env: &Env<'_>,
    fields: &[(String, Term)],
    name: &str,
    typ: &ColumnType,
) -> CqlResult<BoundValue> {
    let ColumnType::Udt {
        fields: types,
        name: tname,
        ..
    } = typ
    else {
        return Err(CqlError::invalid(format!(
            "Invalid user type literal for {name} of type {}",
            type_name(typ)
        )));
    };
    if let Some((unknown, _)) = fields
        .iter()
        .find(|(f, _)| !types.iter().any(|(n, _)| n == f))
    {
        return Err(CqlError::invalid(format!(
            "Unknown field '{unknown}' in value of user defined type {tname}"
        )));
    }
    let mut out = Vec::new();
    for (fname, ftype) in types {
        match fields.iter().find(|(f, _)| f == fname) {
            Some((_, t)) => match eval(env, t, &format!("{name}.{fname}"), ftype)? {
                BoundValue::Bytes(b) => framed(&mut out, &b),
                _ => out.extend_from_slice(&(-1i32).to_be_bytes()),
            },
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    Ok(BoundValue::Bytes(Bytes::from(out)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cql::ast::QualifiedName;

    fn env(values: &BoundValues) -> Env<'_> {
        Env {
            values,
            now_micros: 1_000_000,
            udfs: None,
        }
    }

    fn bytes(v: BoundValue) -> Vec<u8> {
        match v {
            BoundValue::Bytes(b) => b.to_vec(),
            other => panic!("not bytes: {other:?}"),
        }
    }

    #[test]
    fn constants_of_each_type() {
        let vals = BoundValues::default();
        let e = env(&vals);
        let lit = |l: Literal, t: ColumnType| bytes(eval(&e, &Term::Literal(l), "c", &t).unwrap());
        assert_eq!(
            lit(Literal::Integer("-2".into()), ColumnType::Int),
            (-2i32).to_be_bytes()
        );
        assert_eq!(lit(Literal::Integer("3".into()), ColumnType::TinyInt), [3]);
        assert_eq!(
            lit(Literal::Float("NaN".into()), ColumnType::Double),
            f64::NAN.to_be_bytes()
        );
        assert_eq!(
            lit(Literal::Integer("1".into()), ColumnType::Double),
            1f64.to_be_bytes()
        );
        assert_eq!(lit(Literal::String("a".into()), ColumnType::Text), b"a");
        assert_eq!(
            lit(Literal::Hex("0aff".into()), ColumnType::Blob),
            [10, 255]
        );
        assert_eq!(lit(Literal::Boolean(true), ColumnType::Boolean), [1]);
        assert_eq!(
            lit(
                Literal::String("1970-01-01 00:00:01+0000".into()),
                ColumnType::Timestamp
            ),
            1000i64.to_be_bytes()
        );
        assert_eq!(
            lit(Literal::String("127.0.0.1".into()), ColumnType::Inet),
            [127, 0, 0, 1]
        );
        assert_eq!(
            lit(Literal::Integer("256".into()), ColumnType::Varint),
            [1, 0]
        );
        let d = lit(Literal::Duration("1d".into()), ColumnType::Duration);
        assert_eq!(d, [0, 2, 0]);
    }

    #[test]
    fn type_errors_are_worded_as_cassandra() {
        let vals = BoundValues::default();
        let e = env(&vals);
        let err = eval(
            &e,
            &Term::Literal(Literal::String("foo".into())),
            "k",
            &ColumnType::Int,
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "Invalid STRING constant (foo) for \"k\" of type int"
        );
        let err = eval(
            &e,
            &Term::Literal(Literal::Integer("99999999999".into())),
            "k",
            &ColumnType::Int,
        )
        .unwrap_err();
        assert_eq!(err.message, "Unable to make int from '99999999999'");
    }

    #[test]
    fn collections_tuples_and_udts() {
        let vals = BoundValues::default();
        let e = env(&vals);
        let int = |i: &str| Term::Literal(Literal::Integer(i.into()));
        let set = ColumnType::Set(Box::new(ColumnType::Int));
        let v = bytes(
            eval(
                &e,
                &Term::Set(vec![int("3"), int("-1"), int("3")]),
                "s",
                &set,
            )
            .unwrap(),
        );
        assert_eq!(
            v,
            [
                0, 0, 0, 2, 0, 0, 0, 4, 255, 255, 255, 255, 0, 0, 0, 4, 0, 0, 0, 3
            ]
        );
        let empty = bytes(eval(&e, &Term::Map(vec![]), "s", &set).unwrap());
        assert_eq!(empty, [0, 0, 0, 0]);
        assert!(eval(&e, &Term::Set(vec![Term::Null]), "s", &set).is_err());
        let tuple = ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text]);
        let v = bytes(eval(&e, &Term::Tuple(vec![int("1")]), "t", &tuple).unwrap());
        assert_eq!(v, [0, 0, 0, 4, 0, 0, 0, 1, 255, 255, 255, 255]);
        let udt = ColumnType::Udt {
            keyspace: "ks".into(),
            name: "u".into(),
            fields: vec![("a".into(), ColumnType::Int), ("b".into(), ColumnType::Int)],
        };
        let v = bytes(eval(&e, &Term::Udt(vec![("b".into(), int("2"))]), "u", &udt).unwrap());
        assert_eq!(v, [255, 255, 255, 255, 0, 0, 0, 4, 0, 0, 0, 2]);
        assert!(eval(&e, &Term::Udt(vec![("z".into(), int("2"))]), "u", &udt).is_err());
    }

    #[test]
    fn markers_and_functions() {
        let vals = BoundValues {
            values: vec![
                BoundValue::Bytes(Bytes::from_static(&[0, 0, 0, 9])),
                BoundValue::Unset,
            ],
            names: None,
        };
        let e = env(&vals);
        let m = |i| {
            Term::Bind(BindMarker {
                index: i,
                name: None,
            })
        };
        assert_eq!(
            bytes(eval(&e, &m(0), "k", &ColumnType::Int).unwrap()),
            [0, 0, 0, 9]
        );
        assert_eq!(
            eval(&e, &m(1), "k", &ColumnType::Int).unwrap(),
            BoundValue::Unset
        );
        assert!(eval(&e, &m(0), "k", &ColumnType::BigInt).is_err());
        assert!(eval(&e, &m(2), "k", &ColumnType::Int).is_err());
        let now = Term::Function {
            name: QualifiedName::bare("now"),
            args: vec![],
        };
        assert_eq!(
            bytes(eval(&e, &now, "t", &ColumnType::Timeuuid).unwrap()).len(),
            16
        );
        assert!(eval(&e, &now, "t", &ColumnType::Int).is_err());
        let ts = Term::Function {
            name: QualifiedName::bare("totimestamp"),
            args: vec![now],
        };
        assert_eq!(
            bytes(eval(&e, &ts, "t", &ColumnType::Timestamp).unwrap()),
            1000i64.to_be_bytes()
        );
        let named = BoundValues {
            values: vec![BoundValue::Bytes(Bytes::from_static(&[0, 0, 0, 5]))],
            names: Some(vec!["k".into()]),
        };
        let e = env(&named);
        assert_eq!(
            bytes(eval(&e, &m(0), "k", &ColumnType::Int).unwrap()),
            [0, 0, 0, 5]
        );
    }
}
