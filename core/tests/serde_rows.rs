//! The serde mapping (feature `serde`): rows into `#[derive(Deserialize)]` types, every CQL
//! type family, errors naming the column, and binding `Serialize` structs by name.
#![cfg(feature = "serde")]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

use cql_core::frame::primitives::RawValue;
use cql_core::message::ResultMetadata;
use cql_core::message::Rows;
use cql_core::types::serde::{SerdeRow, SerdeValue, SerdeValues, from_value};
use cql_core::types::{
    ColumnSpec, ColumnType, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue,
    CqlVarint, DeserializeError, SerializeError, SerializeRow, SerializedValues,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "ks".into(),
        table: "t".into(),
        name: name.into(),
        typ,
    }
}

fn bytes(v: &CqlValue, typ: &ColumnType) -> Vec<u8> {
    let mut out = Vec::new();
    v.serialize(typ, &mut out).unwrap();
    out
}

fn rows(specs: &[ColumnSpec], data: &[Vec<Option<CqlValue>>]) -> Rows {
    let cells: Vec<Vec<Option<Vec<u8>>>> = data
        .iter()
        .map(|r| {
            r.iter()
                .zip(specs)
                .map(|(v, s)| v.as_ref().map(|v| bytes(v, &s.typ)))
                .collect()
        })
        .collect();
    Rows::from_cells(
        ResultMetadata::new(specs.to_vec(), None),
        cells.iter().map(|r| r.iter().map(|c| c.as_deref())),
    )
    .unwrap()
}

/// Reads `v` of type `typ` as a `T` through serde.
fn read<'a, T: Deserialize<'a>>(typ: &'a ColumnType, b: &'a [u8]) -> Result<T, DeserializeError> {
    from_value(typ, Some(b))
}

macro_rules! check {
    ($typ:expr, $value:expr, $rust:ty, $expected:expr) => {{
        let typ = $typ;
        let b = bytes(&$value, &typ);
        let got: $rust = read(&typ, &b).unwrap();
        assert_eq!(got, $expected, "{}", typ);
    }};
}

#[derive(Debug, PartialEq, Deserialize)]
struct User<'a> {
    id: Uuid,
    name: &'a str,
    #[serde(rename = "e-mails")]
    emails: Vec<String>,
    age: Option<i32>,
    #[serde(borrow)]
    avatar: Option<&'a [u8]>,
    nickname: Option<String>,
}

#[test]
fn struct_by_column_name_borrowing() {
    let specs = vec![
        spec("age", ColumnType::Int),
        spec("unused", ColumnType::Boolean),
        spec("name", ColumnType::Text),
        spec("e-mails", ColumnType::Set(Box::new(ColumnType::Text))),
        spec("id", ColumnType::Uuid),
        spec("avatar", ColumnType::Blob),
    ];
    let id = Uuid::from_u128(42);
    let rows = rows(
        &specs,
        &[
            vec![
                Some(CqlValue::Int(7)),
                Some(CqlValue::Boolean(true)),
                Some(CqlValue::Text("ann".into())),
                Some(CqlValue::Set(vec![CqlValue::Text("a@x".into())])),
                Some(CqlValue::Uuid(id)),
                Some(CqlValue::Blob(vec![9])),
            ],
            vec![
                None,
                None,
                Some(CqlValue::Text("bob".into())),
                Some(CqlValue::Set(vec![])),
                Some(CqlValue::Uuid(id)),
                None,
            ],
        ],
    );
    let users: Vec<SerdeRow<User<'_>>> = rows.typed().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        users[0].0,
        User {
            id,
            name: "ann",
            emails: vec!["a@x".into()],
            age: Some(7),
            avatar: Some(&[9]),
            nickname: None,
        }
    );
    assert_eq!(users[1].0.age, None);
    assert_eq!(users[1].0.avatar, None);
    assert!(
        rows.content
            .as_ptr_range()
            .contains(&users[0].0.name.as_ptr())
    );

    // Positionally: tuples and sequences of the same rows.
    type T<'a> = (
        Option<i32>,
        Option<bool>,
        &'a str,
        Vec<&'a str>,
        Uuid,
        Option<&'a [u8]>,
    );
    let tuples: Vec<SerdeRow<T<'_>>> = rows.typed().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(tuples[0].0.2, "ann");
    assert_eq!(tuples[1].0.0, None);
    let err = rows
        .typed::<SerdeRow<(i32, bool)>>()
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        err,
        DeserializeError::WrongColumnCount {
            expected: 2,
            got: 6
        }
    );
    // A map of the row: JSON has no bytes, so the blob column is refused by name ...
    let err = rows
        .typed::<SerdeRow<BTreeMap<String, serde_json::Value>>>()
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&err, DeserializeError::Column { index: 5, name, .. } if &**name == "avatar"),
        "{err}"
    );
    // ... and the other columns read as JSON values.
    let cut = self::rows(
        &specs[..5],
        &[vec![
            Some(CqlValue::Int(7)),
            None,
            Some(CqlValue::Text("ann".into())),
            Some(CqlValue::Set(vec![CqlValue::Text("a@x".into())])),
            Some(CqlValue::Uuid(id)),
        ]],
    );
    let maps: Vec<SerdeRow<BTreeMap<String, serde_json::Value>>> =
        cut.typed().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        serde_json::Value::Object(maps[0].0.clone().into_iter().collect()),
        serde_json::json!({
            "age": 7, "unused": null, "name": "ann", "e-mails": ["a@x"], "id": id.to_string()
        })
    );
}

#[test]
fn errors_name_the_column() {
    let specs = vec![spec("id", ColumnType::Uuid), spec("name", ColumnType::Text)];
    let rows = rows(&specs, &[vec![Some(CqlValue::Uuid(Uuid::nil())), None]]);
    // Null into a non-Option field.
    let err = rows
        .typed::<SerdeRow<(Uuid, String)>>()
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&err, DeserializeError::Column { index: 1, name, .. } if &**name == "name"),
        "{err}"
    );
    // A field without a column.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Missing {
        id: Uuid,
        email: String,
    }
    let err = rows
        .typed::<SerdeRow<Missing>>()
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(err, DeserializeError::MissingColumn("email".into()));
    // A mistyped field.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Mistyped {
        id: i64,
    }
    let err = rows
        .typed::<SerdeRow<Mistyped>>()
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("column 0 (\"id\"): invalid type: string"),
        "{err}"
    );
}

#[test]
fn single_column_rows() {
    let specs = vec![spec("count", ColumnType::BigInt)];
    let rows = rows(&specs, &[vec![Some(CqlValue::BigInt(12))]]);
    let n: Vec<SerdeRow<u64>> = rows.typed().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(n[0].0, 12);
}

#[test]
fn numbers_booleans_text_blobs() {
    check!(ColumnType::TinyInt, CqlValue::TinyInt(-3), i8, -3);
    check!(ColumnType::SmallInt, CqlValue::SmallInt(300), i16, 300);
    check!(ColumnType::Int, CqlValue::Int(-70000), i32, -70000);
    check!(ColumnType::Int, CqlValue::Int(70000), i64, 70000);
    check!(ColumnType::Int, CqlValue::Int(70000), u32, 70000);
    check!(ColumnType::BigInt, CqlValue::BigInt(1 << 40), i64, 1 << 40);
    check!(ColumnType::Counter, CqlValue::Counter(5), i64, 5);
    check!(ColumnType::Float, CqlValue::Float(1.5), f32, 1.5);
    check!(ColumnType::Double, CqlValue::Double(-2.25), f64, -2.25);
    check!(ColumnType::Boolean, CqlValue::Boolean(true), bool, true);
    check!(
        ColumnType::Ascii,
        CqlValue::Ascii("abc".into()),
        String,
        "abc"
    );
    check!(ColumnType::Text, CqlValue::Text("é".into()), String, "é");
    check!(
        ColumnType::Blob,
        CqlValue::Blob(vec![1, 2, 3]),
        Vec<u8>,
        vec![1, 2, 3]
    );
    check!(
        ColumnType::Custom("x.Y".into()),
        CqlValue::Custom(vec![4]),
        Vec<u8>,
        vec![4]
    );
    // A negative int does not fit a u32: serde's own range error.
    let typ = ColumnType::Int;
    let b = bytes(&CqlValue::Int(-1), &typ);
    assert!(read::<u32>(&typ, &b).is_err());
    // A unit enum from its name in a text column.
    #[derive(Debug, PartialEq, Deserialize)]
    enum Role {
        Admin,
        User,
    }
    check!(
        ColumnType::Text,
        CqlValue::Text("Admin".into()),
        Role,
        Role::Admin
    );
    let b = bytes(&CqlValue::Text("Root".into()), &ColumnType::Text);
    assert!(read::<Role>(&ColumnType::Text, &b).is_err());
    let _ = Role::User;
    // Empty values of fixed-size types are null.
    assert_eq!(read::<Option<i32>>(&ColumnType::Int, &[]).unwrap(), None);
    assert!(read::<i32>(&ColumnType::Int, &[]).is_err());
    assert_eq!(
        read::<Option<String>>(&ColumnType::Text, &[]).unwrap(),
        Some(String::new())
    );
    assert_eq!(
        from_value::<Option<i32>>(&ColumnType::Int, None).unwrap(),
        None
    );
}

#[test]
fn uuid_and_inet() {
    let u = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    check!(ColumnType::Uuid, CqlValue::Uuid(u), Uuid, u);
    check!(ColumnType::Timeuuid, CqlValue::Timeuuid(u), Uuid, u);
    check!(
        ColumnType::Uuid,
        CqlValue::Uuid(u),
        String,
        u.hyphenated().to_string()
    );
    check!(
        ColumnType::Uuid,
        CqlValue::Uuid(u),
        serde_bytes_like::Bytes,
        serde_bytes_like::Bytes(u.as_bytes().to_vec())
    );
    let ip: IpAddr = "10.1.2.3".parse().unwrap();
    check!(ColumnType::Inet, CqlValue::Inet(ip), IpAddr, ip);
    check!(ColumnType::Inet, CqlValue::Inet(ip), String, "10.1.2.3");
    let ip6: IpAddr = "::1".parse().unwrap();
    check!(ColumnType::Inet, CqlValue::Inet(ip6), IpAddr, ip6);
}

/// A minimal `serde_bytes::ByteBuf` (asks for bytes).
mod serde_bytes_like {
    use serde::de::{Deserializer, Visitor};

    #[derive(Debug, PartialEq)]
    pub struct Bytes(pub Vec<u8>);

    impl<'de> serde::Deserialize<'de> for Bytes {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = Bytes;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes, E> {
                    Ok(Bytes(v.to_vec()))
                }
            }
            d.deserialize_bytes(V)
        }
    }
}

#[test]
fn temporal_types() {
    let ts = CqlTimestamp(1_704_164_645_678); // 2024-01-02T03:04:05.678Z
    check!(ColumnType::Timestamp, CqlValue::Timestamp(ts), i64, ts.0);
    check!(
        ColumnType::Timestamp,
        CqlValue::Timestamp(ts),
        CqlTimestamp,
        ts
    );
    check!(
        ColumnType::Timestamp,
        CqlValue::Timestamp(ts),
        String,
        "2024-01-02T03:04:05.678Z"
    );
    let d = CqlDate::from_days_since_epoch(19_724).unwrap(); // 2024-01-02
    check!(ColumnType::Date, CqlValue::Date(d), i64, 19_724);
    check!(ColumnType::Date, CqlValue::Date(d), CqlDate, d);
    check!(ColumnType::Date, CqlValue::Date(d), String, "2024-01-02");
    let before = CqlDate::from_days_since_epoch(-1).unwrap();
    check!(
        ColumnType::Date,
        CqlValue::Date(before),
        String,
        "1969-12-31"
    );
    let t = CqlTime(3 * 3_600_000_000_000 + 4 * 60_000_000_000 + 5_000_000_006);
    check!(ColumnType::Time, CqlValue::Time(t), i64, t.0);
    check!(ColumnType::Time, CqlValue::Time(t), CqlTime, t);
    check!(
        ColumnType::Time,
        CqlValue::Time(t),
        String,
        "03:04:05.000000006"
    );
    let dur = CqlDuration {
        months: 1,
        days: -2,
        nanoseconds: 3,
    };
    check!(
        ColumnType::Duration,
        CqlValue::Duration(dur),
        CqlDuration,
        dur
    );
    check!(
        ColumnType::Duration,
        CqlValue::Duration(dur),
        BTreeMap<String, i64>,
        BTreeMap::from([("months".into(), 1), ("days".into(), -2), ("nanoseconds".into(), 3)])
    );
}

#[test]
fn varint_and_decimal() {
    let big = CqlVarint::from_decimal_str("123456789012345678901234567890").unwrap();
    check!(
        ColumnType::Varint,
        CqlValue::Varint(big.clone()),
        CqlVarint,
        big.clone()
    );
    check!(
        ColumnType::Varint,
        CqlValue::Varint(big.clone()),
        String,
        "123456789012345678901234567890"
    );
    check!(
        ColumnType::Varint,
        CqlValue::Varint(CqlVarint::from_i128(-5)),
        i64,
        -5
    );
    check!(
        ColumnType::Varint,
        CqlValue::Varint(big.clone()),
        i128,
        123456789012345678901234567890
    );
    let b = bytes(&CqlValue::Varint(big.clone()), &ColumnType::Varint);
    assert!(read::<i64>(&ColumnType::Varint, &b).is_err());
    let dec = CqlDecimal::from_decimal_str("-1.50").unwrap();
    check!(
        ColumnType::Decimal,
        CqlValue::Decimal(dec.clone()),
        CqlDecimal,
        dec.clone()
    );
    check!(
        ColumnType::Decimal,
        CqlValue::Decimal(dec.clone()),
        String,
        "-1.50"
    );
    check!(
        ColumnType::Decimal,
        CqlValue::Decimal(dec.clone()),
        f64,
        -1.5
    );
}

#[derive(Debug, PartialEq, Deserialize)]
struct Address<'a> {
    street: &'a str,
    zip: Option<i32>,
}

#[test]
fn collections_tuples_udts_vectors() {
    let list = ColumnType::List(Box::new(ColumnType::Int));
    let v = CqlValue::List(vec![CqlValue::Int(1), CqlValue::Int(2)]);
    check!(list.clone(), v.clone(), Vec<i32>, vec![1, 2]);
    check!(list.clone(), v.clone(), (i32, i32), (1, 2));
    let set = ColumnType::Set(Box::new(ColumnType::Text));
    check!(
        set,
        CqlValue::Set(vec![CqlValue::Text("a".into()), CqlValue::Text("b".into())]),
        HashSet<String>,
        HashSet::from(["a".into(), "b".into()])
    );
    let map = ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::BigInt));
    check!(
        map,
        CqlValue::Map(vec![(CqlValue::Text("k".into()), CqlValue::BigInt(9))]),
        HashMap<String, i64>,
        HashMap::from([("k".into(), 9)])
    );
    let tuple = ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text, ColumnType::Boolean]);
    check!(
        tuple.clone(),
        CqlValue::Tuple(vec![
            Some(CqlValue::Int(1)),
            None,
            Some(CqlValue::Boolean(true))
        ]),
        (i32, Option<String>, bool),
        (1, None, true)
    );
    // Trailing tuple fields left off read as null.
    let short = [0, 0, 0, 4, 0, 0, 0, 1];
    assert_eq!(
        read::<(i32, Option<String>, Option<bool>)>(&tuple, &short).unwrap(),
        (1, None, None)
    );
    let vector = ColumnType::Vector {
        element: Box::new(ColumnType::Float),
        dimensions: 3,
    };
    check!(
        vector,
        CqlValue::Vector(vec![
            CqlValue::Float(1.0),
            CqlValue::Float(2.0),
            CqlValue::Float(3.0)
        ]),
        [f32; 3],
        [1.0, 2.0, 3.0]
    );
    let udt = ColumnType::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![
            ("street".into(), ColumnType::Text),
            ("zip".into(), ColumnType::Int),
            ("extra".into(), ColumnType::Boolean),
        ],
    };
    let value = CqlValue::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![
            ("street".into(), Some(CqlValue::Text("Main".into()))),
            ("zip".into(), None),
        ],
    };
    let b = bytes(&value, &udt);
    assert_eq!(
        read::<Address<'_>>(&udt, &b).unwrap(),
        Address {
            street: "Main",
            zip: None
        }
    );
    assert_eq!(
        read::<(String, Option<i32>, Option<bool>)>(&udt, &b).unwrap(),
        ("Main".into(), None, None)
    );
    // A UDT without a field the struct needs, and a mistyped UDT field.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct NeedsCity {
        city: String,
    }
    let err = read::<NeedsCity>(&udt, &b).unwrap_err();
    assert_eq!(err, DeserializeError::MissingColumn("city".into()));
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct WrongStreet {
        street: i32,
    }
    let err = read::<WrongStreet>(&udt, &b).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("field \"street\": invalid type"),
        "{err}"
    );
    // Inside a row, the missing UDT field is named as a field of the column.
    let specs = vec![spec("home", udt.clone())];
    let rows = rows(&specs, &[vec![Some(value)]]);
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Home {
        home: NeedsCity,
    }
    let err = rows
        .typed::<SerdeRow<Home>>()
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "column 0 (\"home\"): no field named \"city\""
    );
    // SerdeValue inside typed tuple rows.
    let got: Vec<(SerdeValue<Address<'_>>,)> =
        rows.typed().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(got[0].0.0.street, "Main");
}

#[test]
fn malformed_bytes_never_panic() {
    let types = [
        ColumnType::Int,
        ColumnType::Text,
        ColumnType::Uuid,
        ColumnType::Inet,
        ColumnType::Decimal,
        ColumnType::Duration,
        ColumnType::List(Box::new(ColumnType::Text)),
        ColumnType::Map(Box::new(ColumnType::Int), Box::new(ColumnType::Text)),
        ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text]),
        ColumnType::Vector {
            element: Box::new(ColumnType::Text),
            dimensions: 2,
        },
    ];
    let inputs: [&[u8]; 6] = [
        &[0xff],
        &[0, 0, 0, 5, 1],
        &[0x7f, 0xff, 0xff, 0xff],
        &[0, 0, 0, 1, 0, 0, 0, 9, 0],
        &[0xc3, 0x28, 0, 0],
        &[0; 17],
    ];
    for typ in &types {
        for b in inputs {
            let _ = read::<serde_json::Value>(typ, b);
            let _ = read::<Vec<String>>(typ, b);
            let _ = read::<BTreeMap<i32, String>>(typ, b);
        }
    }
}

#[derive(Serialize)]
struct NewUser<'a> {
    id: Uuid,
    name: &'a str,
    tags: Vec<&'a str>,
    age: Option<i32>,
    born: CqlDate,
    #[serde(with = "serde_bytes_ser")]
    avatar: Vec<u8>,
    addr: AddressOut,
}

#[derive(Serialize)]
struct AddressOut {
    street: String,
}

mod serde_bytes_ser {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
}

#[test]
fn serde_values_bind_by_name() {
    let udt = ColumnType::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![
            ("street".into(), ColumnType::Text),
            ("zip".into(), ColumnType::Int),
        ],
    };
    let specs = vec![
        spec("name", ColumnType::Text),
        spec("id", ColumnType::Uuid),
        spec("tags", ColumnType::Set(Box::new(ColumnType::Text))),
        spec("age", ColumnType::Int),
        spec("born", ColumnType::Date),
        spec("avatar", ColumnType::Blob),
        spec("addr", udt.clone()),
    ];
    let id = Uuid::from_u128(7);
    let user = NewUser {
        id,
        name: "ann",
        tags: vec!["a"],
        age: None,
        born: CqlDate::from_days_since_epoch(10).unwrap(),
        avatar: vec![1, 2],
        addr: AddressOut {
            street: "Main".into(),
        },
    };
    let mut out = SerializedValues::new();
    SerdeValues(&user).serialize_row(&specs, &mut out).unwrap();
    let values: Vec<_> = out.iter().map(|(_, v)| v).collect();
    assert_eq!(values[0], RawValue::Bytes(b"ann"));
    assert_eq!(values[1], RawValue::Bytes(id.as_bytes()));
    assert_eq!(values[3], RawValue::Null);
    assert_eq!(
        values[4],
        RawValue::Bytes(&(10u32 + (1 << 31)).to_be_bytes())
    );
    assert_eq!(values[5], RawValue::Bytes(&[1, 2]));
    let addr = CqlValue::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![("street".into(), Some(CqlValue::Text("Main".into())))],
    };
    assert_eq!(values[6], RawValue::Bytes(&bytes(&addr, &udt)));

    // Mistyped, missing and unknown columns.
    let mut wrong = specs.clone();
    wrong[0] = spec("name", ColumnType::Int);
    let err = SerdeValues(&user)
        .serialize_row(&wrong, &mut SerializedValues::new())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "column \"name\": type mismatch: cannot write string as CQL type int"
    );
    let mut more = specs.clone();
    more.push(spec("email", ColumnType::Text));
    assert_eq!(
        SerdeValues(&user).serialize_row(&more, &mut SerializedValues::new()),
        Err(SerializeError::MissingColumn("email".into()))
    );
    assert_eq!(
        SerdeValues(&user).serialize_row(&specs[1..], &mut SerializedValues::new()),
        Err(SerializeError::UnknownColumn("name".into()))
    );
    // Out-of-range integers are refused.
    let small = vec![spec("v", ColumnType::TinyInt)];
    let err = SerdeValues(BTreeMap::from([("v", 300)]))
        .serialize_row(&small, &mut SerializedValues::new())
        .unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
}

#[test]
fn value_types_round_trip_through_json() {
    let d = CqlDuration {
        months: 1,
        days: 2,
        nanoseconds: 3,
    };
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(json, r#"{"months":1,"days":2,"nanoseconds":3}"#);
    assert_eq!(serde_json::from_str::<CqlDuration>(&json).unwrap(), d);
    let dec = CqlDecimal::from_decimal_str("12.345").unwrap();
    assert_eq!(serde_json::to_string(&dec).unwrap(), "\"12.345\"");
    assert_eq!(
        serde_json::from_str::<CqlDecimal>("\"12.345\"").unwrap(),
        dec
    );
    assert_eq!(
        serde_json::from_str::<CqlVarint>("42").unwrap(),
        CqlVarint::from_i128(42)
    );
    assert_eq!(
        serde_json::to_string(&CqlDate::from_days_since_epoch(-3).unwrap()).unwrap(),
        "-3"
    );
    assert_eq!(serde_json::to_string(&CqlTimestamp(5)).unwrap(), "5");
    assert_eq!(serde_json::to_string(&CqlTime(6)).unwrap(), "6");
}

mod arbitrary_bytes {
    use super::*;
    use proptest::prelude::*;

    fn types() -> Vec<ColumnType> {
        vec![
            ColumnType::Int,
            ColumnType::Text,
            ColumnType::Decimal,
            ColumnType::Duration,
            ColumnType::Inet,
            ColumnType::List(Box::new(ColumnType::Text)),
            ColumnType::Map(Box::new(ColumnType::Int), Box::new(ColumnType::Blob)),
            ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text]),
            ColumnType::Udt {
                keyspace: "ks".into(),
                name: "u".into(),
                fields: vec![
                    ("a".into(), ColumnType::Int),
                    ("b".into(), ColumnType::Text),
                ],
            },
            ColumnType::Vector {
                element: Box::new(ColumnType::Text),
                dimensions: 3,
            },
        ]
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Any {
        a: Option<i32>,
        b: Option<String>,
    }

    proptest! {
        /// Whatever the bytes, reading them through serde never panics.
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..64)) {
            for typ in types() {
                let _ = read::<serde_json::Value>(&typ, &b);
                let _ = read::<Option<Any>>(&typ, &b);
                let _ = read::<(i32, String)>(&typ, &b);
                let _ = read::<Vec<String>>(&typ, &b);
                let _ = read::<BTreeMap<String, String>>(&typ, &b);
            }
        }

        /// Whole rows of arbitrary bytes never panic either.
        #[test]
        fn rows_never_panic(b in proptest::collection::vec(any::<u8>(), 0..96)) {
            let specs: Vec<ColumnSpec> = types()
                .into_iter()
                .enumerate()
                .map(|(i, t)| spec(&format!("c{i}"), t))
                .collect();
            if let Ok(it) = cql_core::types::RowIterator::<SerdeRow<BTreeMap<String, serde_json::Value>>>::new(&specs, 2, &b) {
                for r in it {
                    let _ = r;
                }
            }
        }
    }
}

#[test]
fn dse_types_read_and_bind_as_their_text_forms() {
    use cql_core::types::date_range::DATE_RANGE_CLASS;
    use cql_core::types::geo::POINT_CLASS;
    use cql_core::types::{DateRange, Point};

    let point_t = ColumnType::Custom(POINT_CLASS.into());
    let range_t = ColumnType::Custom(DATE_RANGE_CLASS.into());
    let point = Point::new(1.0, -2.5);
    let range: DateRange = "[2019-06 TO *]".parse().unwrap();
    let wkb = point.to_wkb();
    let range_bytes = range.to_bytes();

    let text: String = from_value(&point_t, Some(&wkb)).unwrap();
    assert_eq!(text, "POINT (1.0 -2.5)");
    assert_eq!(from_value::<Point>(&point_t, Some(&wkb)).unwrap(), point);
    let raw: &[u8] = serde_bytes_like(&point_t, &wkb);
    assert_eq!(raw, wkb.as_slice());
    let text: String = from_value(&range_t, Some(&range_bytes)).unwrap();
    assert_eq!(text, "[2019-06 TO *]");
    assert_eq!(
        from_value::<DateRange>(&range_t, Some(&range_bytes)).unwrap(),
        range
    );
    assert_eq!(
        from_value::<Option<Point>>(&point_t, Some(&[])).unwrap(),
        None
    );

    #[derive(Serialize)]
    struct Place {
        location: Point,
        open: DateRange,
        area: &'static str,
    }
    let polygon_t = ColumnType::Custom("PolygonType".into());
    let specs = vec![
        spec("location", point_t.clone()),
        spec("open", range_t.clone()),
        spec("area", polygon_t.clone()),
    ];
    let place = Place {
        location: point,
        open: range,
        area: "POLYGON ((0 0, 1 0, 0 0))",
    };
    let mut out = SerializedValues::new();
    SerdeValues(&place).serialize_row(&specs, &mut out).unwrap();
    let values: Vec<_> = out.iter().map(|(_, v)| v).collect();
    assert_eq!(values[0], RawValue::Bytes(&wkb));
    assert_eq!(values[1], RawValue::Bytes(&range_bytes));
    let polygon = cql_core::types::Polygon::new([(0.0, 0.0), (1.0, 0.0), (0.0, 0.0)], []);
    assert_eq!(values[2], RawValue::Bytes(&polygon.to_wkb()));
}

/// The bytes of a custom value when a borrowed byte slice is asked for.
fn serde_bytes_like<'a>(typ: &'a ColumnType, bytes: &'a [u8]) -> &'a [u8] {
    struct Bytes<'a>(&'a [u8]);
    impl<'de: 'a, 'a> Deserialize<'de> for Bytes<'a> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = &'de [u8];
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<&'de [u8], E> {
                    Ok(v)
                }
            }
            d.deserialize_bytes(V).map(Bytes)
        }
    }
    from_value::<Bytes<'a>>(typ, Some(bytes)).unwrap().0
}
