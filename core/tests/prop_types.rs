//! Property tests of the types layer: round trips of every type (nested collections, UDTs,
//! tuples, vectors included) through the value codecs, the `[option]`, marshal-class and CQL
//! type syntaxes, the typed Rust mapping; and "arbitrary bytes never panic" for every
//! decoder.

use core::net::IpAddr;
use std::collections::{BTreeMap, BTreeSet};

use cql_core::frame::primitives::Reader;
use cql_core::types::marshal::{marshal_class, parse_marshal};
use cql_core::types::{
    ColumnSpec, ColumnType, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue,
    CqlVarint, DeserializeValue, OwnedRow, RowIterator, SerializeValue,
};
use proptest::collection::vec;
use proptest::prelude::*;
use uuid::Uuid;

fn leaf_type() -> impl Strategy<Value = ColumnType> {
    prop_oneof![
        Just(ColumnType::Ascii),
        Just(ColumnType::BigInt),
        Just(ColumnType::Blob),
        Just(ColumnType::Boolean),
        Just(ColumnType::Counter),
        Just(ColumnType::Decimal),
        Just(ColumnType::Double),
        Just(ColumnType::Float),
        Just(ColumnType::Int),
        Just(ColumnType::Timestamp),
        Just(ColumnType::Uuid),
        Just(ColumnType::Text),
        Just(ColumnType::Varint),
        Just(ColumnType::Timeuuid),
        Just(ColumnType::Inet),
        Just(ColumnType::Date),
        Just(ColumnType::Time),
        Just(ColumnType::SmallInt),
        Just(ColumnType::TinyInt),
        Just(ColumnType::Duration),
        Just(ColumnType::Custom("com.example.MyType".into())),
    ]
}

fn arb_type() -> impl Strategy<Value = ColumnType> {
    leaf_type().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| ColumnType::List(Box::new(e))),
            inner.clone().prop_map(|e| ColumnType::Set(Box::new(e))),
            (inner.clone(), inner.clone())
                .prop_map(|(k, v)| ColumnType::Map(Box::new(k), Box::new(v))),
            vec(inner.clone(), 1..4).prop_map(ColumnType::Tuple),
            ("[a-z][a-z0-9_]{0,6}", vec(inner.clone(), 1..4)).prop_map(|(name, types)| {
                ColumnType::Udt {
                    keyspace: "ks".into(),
                    name,
                    fields: types
                        .into_iter()
                        .enumerate()
                        .map(|(i, t)| (format!("f{i}"), t))
                        .collect(),
                }
            }),
            (inner, 1u32..4).prop_map(|(e, n)| ColumnType::Vector {
                element: Box::new(e),
                dimensions: n
            }),
        ]
    })
}

fn arb_value(t: &ColumnType) -> BoxedStrategy<CqlValue> {
    let t = t.clone();
    match &t {
        ColumnType::Ascii => "[\\x00-\\x7f]{0,8}".prop_map(CqlValue::Ascii).boxed(),
        ColumnType::Text => ".{0,8}".prop_map(CqlValue::Text).boxed(),
        ColumnType::BigInt => any::<i64>().prop_map(CqlValue::BigInt).boxed(),
        ColumnType::Counter => any::<i64>().prop_map(CqlValue::Counter).boxed(),
        ColumnType::Blob => vec(any::<u8>(), 0..8).prop_map(CqlValue::Blob).boxed(),
        ColumnType::Custom(_) => vec(any::<u8>(), 0..8).prop_map(CqlValue::Custom).boxed(),
        ColumnType::Boolean => any::<bool>().prop_map(CqlValue::Boolean).boxed(),
        ColumnType::Decimal => (any::<i128>(), any::<i32>())
            .prop_map(|(u, s)| CqlValue::Decimal(CqlDecimal::from_i128(u, s)))
            .boxed(),
        ColumnType::Double => any::<u64>()
            .prop_map(|b| CqlValue::Double(f64::from_bits(b)))
            .boxed(),
        ColumnType::Float => any::<u32>()
            .prop_map(|b| CqlValue::Float(f32::from_bits(b)))
            .boxed(),
        ColumnType::Int => any::<i32>().prop_map(CqlValue::Int).boxed(),
        ColumnType::Timestamp => any::<i64>()
            .prop_map(|v| CqlValue::Timestamp(CqlTimestamp(v)))
            .boxed(),
        ColumnType::Uuid => any::<u128>()
            .prop_map(|v| CqlValue::Uuid(Uuid::from_u128(v)))
            .boxed(),
        ColumnType::Timeuuid => any::<u128>()
            .prop_map(|v| CqlValue::Timeuuid(Uuid::from_u128(v)))
            .boxed(),
        ColumnType::Varint => any::<i128>()
            .prop_map(|v| CqlValue::Varint(CqlVarint::from_i128(v)))
            .boxed(),
        ColumnType::Inet => prop_oneof![
            any::<[u8; 4]>().prop_map(|b| CqlValue::Inet(IpAddr::from(b))),
            any::<[u8; 16]>().prop_map(|b| CqlValue::Inet(IpAddr::from(b))),
        ]
        .boxed(),
        ColumnType::Date => any::<u32>()
            .prop_map(|v| CqlValue::Date(CqlDate(v)))
            .boxed(),
        ColumnType::Time => (0i64..86_400_000_000_000)
            .prop_map(|v| CqlValue::Time(CqlTime(v)))
            .boxed(),
        ColumnType::SmallInt => any::<i16>().prop_map(CqlValue::SmallInt).boxed(),
        ColumnType::TinyInt => any::<i8>().prop_map(CqlValue::TinyInt).boxed(),
        ColumnType::Duration => (any::<i32>(), any::<i32>(), any::<i64>())
            .prop_map(|(months, days, nanoseconds)| {
                CqlValue::Duration(CqlDuration {
                    months,
                    days,
                    nanoseconds,
                })
            })
            .boxed(),
        ColumnType::List(e) => vec(arb_value(e), 0..4).prop_map(CqlValue::List).boxed(),
        ColumnType::Set(e) => vec(arb_value(e), 0..4).prop_map(CqlValue::Set).boxed(),
        ColumnType::Map(k, v) => vec((arb_value(k), arb_value(v)), 0..4)
            .prop_map(CqlValue::Map)
            .boxed(),
        ColumnType::Vector {
            element,
            dimensions,
        } => vec(arb_value(element), *dimensions as usize)
            .prop_map(CqlValue::Vector)
            .boxed(),
        ColumnType::Tuple(types) => types
            .iter()
            .map(|t| proptest::option::of(arb_value(t)))
            .collect::<Vec<_>>()
            .prop_map(CqlValue::Tuple)
            .boxed(),
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            let (keyspace, name) = (keyspace.clone(), name.clone());
            let names: Vec<String> = fields.iter().map(|(f, _)| f.clone()).collect();
            fields
                .iter()
                .map(|(_, t)| proptest::option::of(arb_value(t)))
                .collect::<Vec<_>>()
                .prop_map(move |values| CqlValue::Udt {
                    keyspace: keyspace.clone(),
                    name: name.clone(),
                    fields: names.iter().cloned().zip(values).collect(),
                })
                .boxed()
        }
        other => panic!("no strategy for {other:?}"),
    }
}

fn typed_value() -> impl Strategy<Value = (ColumnType, CqlValue)> {
    arb_type().prop_flat_map(|t| (Just(t.clone()), arb_value(&t)))
}

/// Equality with floats compared by bit pattern.
fn same(a: &CqlValue, b: &CqlValue) -> bool {
    let opt = |x: &Option<CqlValue>, y: &Option<CqlValue>| match (x, y) {
        (Some(p), Some(q)) => same(p, q),
        (None, None) => true,
        _ => false,
    };
    match (a, b) {
        (CqlValue::Float(x), CqlValue::Float(y)) => x.to_bits() == y.to_bits(),
        (CqlValue::Double(x), CqlValue::Double(y)) => x.to_bits() == y.to_bits(),
        (CqlValue::List(x), CqlValue::List(y))
        | (CqlValue::Set(x), CqlValue::Set(y))
        | (CqlValue::Vector(x), CqlValue::Vector(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (CqlValue::Map(x), CqlValue::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((a, b), (c, d))| same(a, c) && same(b, d))
        }
        (CqlValue::Tuple(x), CqlValue::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| opt(p, q))
        }
        (CqlValue::Udt { fields: x, .. }, CqlValue::Udt { fields: y, .. }) => {
            x.len() == y.len() && x.iter().zip(y).all(|((n, p), (m, q))| n == m && opt(p, q))
        }
        _ => a == b,
    }
}

/// A type with UDTs reduced to their names, as `parse_cql` leaves them unresolved.
fn unresolved(t: &ColumnType) -> ColumnType {
    match t {
        ColumnType::List(e) => ColumnType::List(Box::new(unresolved(e))),
        ColumnType::Set(e) => ColumnType::Set(Box::new(unresolved(e))),
        ColumnType::Map(k, v) => ColumnType::Map(Box::new(unresolved(k)), Box::new(unresolved(v))),
        ColumnType::Tuple(ts) => ColumnType::Tuple(ts.iter().map(unresolved).collect()),
        ColumnType::Vector {
            element,
            dimensions,
        } => ColumnType::Vector {
            element: Box::new(unresolved(element)),
            dimensions: *dimensions,
        },
        ColumnType::Udt { name, .. } => ColumnType::Udt {
            keyspace: String::new(),
            name: name.clone(),
            fields: Vec::new(),
        },
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn values_round_trip((t, v) in typed_value()) {
        let mut bytes = Vec::new();
        v.serialize(&t, &mut bytes).unwrap();
        let back = CqlValue::deserialize(&t, Some(&bytes)).unwrap();
        let back = back.unwrap_or(CqlValue::Empty);
        // The only values that encode to zero bytes of a type where that means null.
        if bytes.is_empty() {
            prop_assert!(matches!(t, ColumnType::Ascii | ColumnType::Text | ColumnType::Blob | ColumnType::Custom(_)));
        }
        prop_assert!(same(&v, &back), "{:?} -> {:02x?} -> {:?}", v, bytes, back);
        // The framed form is the same bytes behind their length.
        let mut framed = Vec::new();
        SerializeValue::serialize(&v, &t, &mut framed).unwrap();
        prop_assert_eq!(&framed[4..], &bytes[..]);
        prop_assert_eq!(i32::from_be_bytes(framed[..4].try_into().unwrap()) as usize, bytes.len());
        // And reads back through the typed CqlValue mapping.
        let typed = <CqlValue as DeserializeValue>::deserialize(&t, Some(&bytes)).unwrap();
        prop_assert!(same(&v, &typed));
    }

    #[test]
    fn type_descriptions_round_trip(t in arb_type()) {
        let mut option = Vec::new();
        t.write(&mut option).unwrap();
        let mut r = Reader::new(&option);
        prop_assert_eq!(ColumnType::read(&mut r).unwrap(), t.clone());
        prop_assert!(r.is_empty());
        let class = marshal_class(&t);
        prop_assert_eq!(parse_marshal(&class).unwrap(), t.clone(), "{}", class);
        let cql = t.to_string();
        prop_assert_eq!(ColumnType::parse_cql(&cql).unwrap(), unresolved(&t), "{}", cql);
    }

    #[test]
    fn typed_rust_values_round_trip(
        a in any::<i8>(), b in any::<i16>(), c in any::<i32>(), d in any::<i64>(),
        e in any::<u32>(), f in any::<u64>(), g in any::<bool>(), h in ".{0,12}",
        i in vec(any::<u8>(), 0..12), j in any::<u128>(),
        k in proptest::collection::btree_map(".{0,4}", any::<i32>(), 0..4),
        l in proptest::collection::btree_set(any::<i64>(), 0..4),
        m in vec(vec(any::<i32>(), 0..3), 0..3),
        n in (any::<u32>(), any::<u32>(), any::<u32>()),
        o in proptest::option::of(any::<i32>()),
        p in any::<i128>(), q in any::<i32>(),
    ) {
        fn rt<T>(v: T, typ: &ColumnType) -> Result<(), TestCaseError>
        where
            T: SerializeValue + for<'a> DeserializeValue<'a> + PartialEq + core::fmt::Debug,
        {
            let mut out = Vec::new();
            v.serialize(typ, &mut out).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let len = i32::from_be_bytes(out[..4].try_into().unwrap());
            let bytes = usize::try_from(len).ok().map(|n| &out[4..4 + n]);
            prop_assert!(T::type_check(typ).is_ok());
            let back = T::deserialize(typ, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, v);
            Ok(())
        }
        use ColumnType as T;
        rt(a, &T::TinyInt)?;
        rt(b, &T::SmallInt)?;
        rt(c, &T::Int)?;
        rt(d, &T::BigInt)?;
        rt(d, &T::Counter)?;
        if !f32::from_bits(e).is_nan() {
            rt(f32::from_bits(e), &T::Float)?;
        }
        rt(f64::from_bits(f).max(0.0), &T::Double)?;
        rt(g, &T::Boolean)?;
        rt(h.clone(), &T::Text)?;
        rt(i.clone(), &T::Blob)?;
        rt(Uuid::from_u128(j), &T::Timeuuid)?;
        rt(IpAddr::from(j.to_be_bytes()), &T::Inet)?;
        rt(CqlTimestamp(d), &T::Timestamp)?;
        rt(CqlDate(e), &T::Date)?;
        rt(CqlTime(d.rem_euclid(86_400_000_000_000)), &T::Time)?;
        rt(CqlDuration { months: c, days: q, nanoseconds: d }, &T::Duration)?;
        rt(CqlVarint::from_i128(p), &T::Varint)?;
        rt(CqlDecimal::from_i128(p, q), &T::Decimal)?;
        rt(k.clone(), &T::Map(Box::new(T::Text), Box::new(T::Int)))?;
        rt(l.clone(), &T::Set(Box::new(T::BigInt)))?;
        rt(m.clone(), &T::List(Box::new(T::List(Box::new(T::Int)))))?;
        rt(vec![n.0, n.1, n.2].into_iter().map(f32::from_bits).filter(|x| !x.is_nan()).collect::<Vec<f32>>(), &T::List(Box::new(T::Float)))?;
        rt(vec![c, q], &T::Vector { element: Box::new(T::Int), dimensions: 2 })?;
        rt(vec![h.clone(), h.clone()], &T::Vector { element: Box::new(T::Text), dimensions: 2 })?;
        rt(vec![a, a], &T::Vector { element: Box::new(T::TinyInt), dimensions: 2 })?;
        rt((c, h.clone(), o), &T::Tuple(vec![T::Int, T::Text, T::Int]))?;
        rt(o, &T::Int)?;
        // Varint and decimal strings agree with i128's.
        prop_assert_eq!(CqlVarint::from_i128(p).to_string(), p.to_string());
        prop_assert_eq!(p.to_string().parse::<CqlVarint>().unwrap().to_i128(), Some(p));
        prop_assert_eq!(CqlDecimal::from_i128(p, q).to_string().parse::<CqlDecimal>().unwrap().unscaled.to_i128(), Some(p));
    }

    #[test]
    fn long_decimal_strings_round_trip(digits in "[1-9][0-9]{0,80}", neg in any::<bool>()) {
        let s = if neg { format!("-{digits}") } else { digits };
        let v: CqlVarint = s.parse().unwrap();
        prop_assert_eq!(v.to_string(), s);
        prop_assert_eq!(v.normalized(), v);
    }

    #[test]
    fn arbitrary_bytes_never_panic(t in arb_type(), bytes in vec(any::<u8>(), 0..64)) {
        let _ = CqlValue::deserialize(&t, Some(&bytes));
        let _ = <CqlValue as DeserializeValue>::deserialize(&t, Some(&bytes));
        let _ = <Option<i32>>::deserialize(&t, Some(&bytes));
        let _ = <&str>::deserialize(&t, Some(&bytes));
        let _ = <Vec<Option<String>>>::deserialize(&t, Some(&bytes));
        let _ = <BTreeMap<String, Vec<u8>>>::deserialize(&t, Some(&bytes));
        let _ = <BTreeSet<i64>>::deserialize(&t, Some(&bytes));
        let _ = <Vec<Vec<f32>>>::deserialize(&t, Some(&bytes));
        let _ = <(Option<i32>, Option<&str>)>::deserialize(&t, Some(&bytes));
        let _ = <CqlDuration>::deserialize(&t, Some(&bytes));
        let _ = <CqlDecimal>::deserialize(&t, Some(&bytes));
        let _ = <IpAddr>::deserialize(&t, Some(&bytes));
        let specs = vec![ColumnSpec { keyspace: "k".into(), table: "t".into(), name: "c".into(), typ: t }];
        if let Ok(it) = RowIterator::<OwnedRow>::new(&specs, 4, &bytes) {
            for row in it {
                let _ = row;
            }
        }
        let _ = ColumnType::read(&mut Reader::new(&bytes));
        let s = String::from_utf8_lossy(&bytes);
        let _ = parse_marshal(&s);
        let _ = ColumnType::parse_cql(&s);
    }

    #[test]
    fn arbitrary_type_strings_never_panic(s in "[a-zA-Z<>(), :.'\"0-9]{0,40}") {
        let _ = parse_marshal(&s);
        let _ = ColumnType::parse_cql(&s);
    }
}
