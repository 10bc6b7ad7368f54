//! `cql-derive`: `DeserializeRow`, `SerializeRow`, `DeserializeValue` and `SerializeValue` against rows built with
//! `Rows::from_cells` and bind-marker specs.

use std::collections::BTreeMap;

use cql_core::frame::primitives::RawValue;
use cql_core::message::ResultMetadata;
use cql_core::message::Rows;
use cql_core::types::{
    ColumnSpec, ColumnType, CqlTimestamp, CqlValue, DeserializeError, DeserializeRow,
    DeserializeValue, MaybeUnset, SerializeError, SerializeRow, SerializeValue, SerializedValues,
};
use uuid::Uuid;

fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "ks".into(),
        table: "t".into(),
        name: name.into(),
        typ,
    }
}

/// The bytes of `v` as `typ` (`None` is null).
fn cell(v: Option<CqlValue>, typ: &ColumnType) -> Option<Vec<u8>> {
    v.map(|v| {
        let mut out = Vec::new();
        v.serialize(typ, &mut out).unwrap();
        out
    })
}

fn rows(specs: &[ColumnSpec], data: &[Vec<Option<CqlValue>>]) -> Rows {
    let cells: Vec<Vec<Option<Vec<u8>>>> = data
        .iter()
        .map(|r| {
            r.iter()
                .zip(specs)
                .map(|(v, s)| cell(v.clone(), &s.typ))
                .collect()
        })
        .collect();
    Rows::from_cells(
        ResultMetadata::new(specs.to_vec(), None),
        cells.iter().map(|r| r.iter().map(|c| c.as_deref())),
    )
    .unwrap()
}

fn address_type() -> ColumnType {
    ColumnType::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![
            ("street".into(), ColumnType::Text),
            ("zip".into(), ColumnType::Int),
            ("extra".into(), ColumnType::Boolean),
        ],
    }
}

#[derive(Debug, PartialEq, Default, cql_derive::DeserializeValue, cql_derive::SerializeValue)]
struct Address {
    street: String,
    #[cql(rename = "zip")]
    postcode: Option<i32>,
    #[cql(skip)]
    local_note: u8,
}

#[derive(Debug, PartialEq, cql_derive::DeserializeRow)]
struct User<'a> {
    id: Uuid,
    name: &'a str,
    #[cql(rename = "e-mails")]
    emails: Vec<String>,
    age: Option<i32>,
    avatar: Option<&'a [u8]>,
    home: Option<Address>,
    #[cql(skip)]
    cached: Vec<u8>,
    #[cql(default)]
    nickname: Option<String>,
}

fn user_specs() -> Vec<ColumnSpec> {
    vec![
        spec("ignored", ColumnType::Timestamp),
        spec("name", ColumnType::Text),
        spec("id", ColumnType::Uuid),
        spec("e-mails", ColumnType::List(Box::new(ColumnType::Text))),
        spec("age", ColumnType::Int),
        spec("avatar", ColumnType::Blob),
        spec("home", address_type()),
    ]
}

#[test]
fn from_row_by_name_with_borrowing_fields() {
    let specs = user_specs();
    let id = Uuid::from_u128(0x1234);
    let home = CqlValue::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![
            ("street".into(), Some(CqlValue::Text("Main St".into()))),
            ("zip".into(), None),
        ],
    };
    let rows = rows(
        &specs,
        &[
            vec![
                Some(CqlValue::Timestamp(CqlTimestamp(5))),
                Some(CqlValue::Text("ann".into())),
                Some(CqlValue::Uuid(id)),
                Some(CqlValue::List(vec![CqlValue::Text("a@x".into())])),
                Some(CqlValue::Int(41)),
                Some(CqlValue::Blob(vec![1, 2])),
                Some(home),
            ],
            vec![
                None,
                Some(CqlValue::Text("bob".into())),
                Some(CqlValue::Uuid(id)),
                Some(CqlValue::List(vec![])),
                None,
                None,
                None,
            ],
        ],
    );
    let users: Vec<User<'_>> = rows.typed().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        users[0],
        User {
            id,
            name: "ann",
            emails: vec!["a@x".into()],
            age: Some(41),
            avatar: Some(&[1, 2]),
            home: Some(Address {
                street: "Main St".into(),
                postcode: None,
                local_note: 0
            }),
            cached: vec![],
            nickname: None,
        }
    );
    assert_eq!(users[1].name, "bob");
    assert_eq!(users[1].age, None);
    assert_eq!(users[1].home, None);
    // `name` borrows from the frame.
    let content = rows.content.as_ptr_range();
    assert!(content.contains(&users[0].name.as_ptr()));
}

#[test]
fn from_row_type_check_names_the_column() {
    let mut specs = user_specs();
    specs.retain(|s| s.name != "age");
    let err = User::type_check(&specs).unwrap_err();
    assert_eq!(err, DeserializeError::MissingColumn("age".into()));
    assert_eq!(err.to_string(), "the result has no column named \"age\"");

    let mut specs = user_specs();
    specs[4] = spec("age", ColumnType::BigInt);
    let err = RowIterator_new_err(&specs);
    assert!(
        matches!(&err, DeserializeError::Column { index: 4, name, .. } if &**name == "age"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "column 4 (\"age\"): type mismatch: cannot read CQL type bigint into i32"
    );

    // A UDT lacking a field the struct needs.
    let mut specs = user_specs();
    specs[6] = spec(
        "home",
        ColumnType::Udt {
            keyspace: "ks".into(),
            name: "address".into(),
            fields: vec![("zip".into(), ColumnType::Int)],
        },
    );
    let err = User::type_check(&specs).unwrap_err();
    assert_eq!(
        err.to_string(),
        "column 6 (\"home\"): no field named \"street\""
    );
    // `nickname` has `#[cql(default)]`: no column needed, but type-checked when present.
    let mut specs = user_specs();
    specs.push(spec("nickname", ColumnType::Int));
    assert!(User::type_check(&specs).is_err());
}

#[allow(non_snake_case)]
fn RowIterator_new_err(specs: &[ColumnSpec]) -> DeserializeError {
    cql_core::types::RowIterator::<User<'_>>::new(specs, 0, &[]).unwrap_err()
}

#[test]
fn from_row_null_into_non_option_names_the_column() {
    let specs = user_specs();
    let rows = rows(
        &specs,
        &[vec![
            None,
            None,
            Some(CqlValue::Uuid(Uuid::nil())),
            Some(CqlValue::List(vec![])),
            None,
            None,
            None,
        ]],
    );
    let err = rows
        .typed::<User<'_>>()
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "column 1 (\"name\"): unexpected null for &str; use Option<_> to accept nulls"
    );
}

#[derive(Debug, PartialEq, cql_derive::DeserializeRow, cql_derive::SerializeRow)]
struct Generic<T> {
    key: i32,
    value: T,
}

#[test]
fn generic_structs() {
    let specs = vec![
        spec("value", ColumnType::Text),
        spec("key", ColumnType::Int),
    ];
    let rows = rows(
        &specs,
        &[vec![
            Some(CqlValue::Text("v".into())),
            Some(CqlValue::Int(3)),
        ]],
    );
    let got: Vec<Generic<String>> = rows.typed().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        got,
        vec![Generic {
            key: 3,
            value: "v".into()
        }]
    );
    let mut out = SerializedValues::new();
    got[0].serialize_row(&specs, &mut out).unwrap();
    let values: Vec<_> = out.iter().map(|(_, v)| v).collect();
    assert_eq!(
        values,
        [RawValue::Bytes(b"v"), RawValue::Bytes(&[0, 0, 0, 3])]
    );
}

#[derive(cql_derive::SerializeRow)]
struct NewUser<'a> {
    id: i32,
    name: &'a str,
    #[cql(rename = "tags")]
    labels: Vec<&'a str>,
    note: MaybeUnset<&'a str>,
    #[cql(skip)]
    #[allow(dead_code)]
    local: u64,
}

#[test]
fn serialize_row_by_marker_name() {
    let specs = vec![
        spec("name", ColumnType::Text),
        spec("id", ColumnType::Int),
        spec("tags", ColumnType::Set(Box::new(ColumnType::Text))),
        spec("note", ColumnType::Text),
    ];
    let row = NewUser {
        id: 7,
        name: "ann",
        labels: vec!["a"],
        note: MaybeUnset::Unset,
        local: 1,
    };
    let mut out = SerializedValues::new();
    row.serialize_row(&specs, &mut out).unwrap();
    let values: Vec<_> = out.iter().map(|(_, v)| v).collect();
    assert_eq!(values[0], RawValue::Bytes(b"ann"));
    assert_eq!(values[1], RawValue::Bytes(&[0, 0, 0, 7]));
    assert_eq!(values[3], RawValue::Unset);

    // Same as the hand-written named form.
    let named: [(&str, &dyn SerializeValue); 4] = [
        ("id", &7i32),
        ("name", &"ann"),
        ("tags", &vec!["a"]),
        ("note", &cql_core::types::Unset),
    ];
    let mut expected = SerializedValues::new();
    named.serialize_row(&specs, &mut expected).unwrap();
    assert_eq!(out, expected);

    // A marker without a field, a field without a marker, a mistyped value.
    let err = row
        .serialize_row(&specs[..3], &mut SerializedValues::new())
        .unwrap_err();
    assert_eq!(err, SerializeError::UnknownColumn("note".into()));
    let mut more = specs.clone();
    more.push(spec("email", ColumnType::Text));
    let err = row
        .serialize_row(&more, &mut SerializedValues::new())
        .unwrap_err();
    assert_eq!(err, SerializeError::MissingColumn("email".into()));
    let mut wrong = specs.clone();
    wrong[1] = spec("id", ColumnType::BigInt);
    let err = row
        .serialize_row(&wrong, &mut SerializedValues::new())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "column \"id\": type mismatch: cannot write i32 as CQL type bigint"
    );
}

#[test]
fn user_type_round_trip_and_errors() {
    let typ = address_type();
    let a = Address {
        street: "Elm".into(),
        postcode: Some(12345),
        local_note: 9,
    };
    let mut out = Vec::new();
    a.serialize(&typ, &mut out).unwrap();
    // Same bytes as the CqlValue form (the struct lacks `extra`: written as null).
    let mut expected = Vec::new();
    SerializeValue::serialize(
        &CqlValue::Udt {
            keyspace: "ks".into(),
            name: "address".into(),
            fields: vec![
                ("street".into(), Some(CqlValue::Text("Elm".into()))),
                ("zip".into(), Some(CqlValue::Int(12345))),
                ("extra".into(), None),
            ],
        },
        &typ,
        &mut expected,
    )
    .unwrap();
    assert_eq!(out, expected);
    let back = Address::deserialize(&typ, Some(&out[4..])).unwrap();
    assert_eq!(
        back,
        Address {
            local_note: 0,
            street: a.street.clone(),
            ..a
        }
    );
    Address::type_check(&typ).unwrap();
    assert!(Address::type_check(&ColumnType::Int).is_err());
    // Trailing fields left off read as null.
    let short = [0, 0, 0, 1, b'x'];
    assert_eq!(
        Address::deserialize(&typ, Some(&short)).unwrap(),
        Address {
            street: "x".into(),
            postcode: None,
            local_note: 0
        }
    );
    // Field errors are named.
    let bad = [0, 0, 0, 1, b'x', 0, 0, 0, 2, 0, 0];
    let err = Address::deserialize(&typ, Some(&bad)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field \"zip\": CQL int value must be 4 bytes, got 2"
    );
    let null_street = [0xff, 0xff, 0xff, 0xff];
    let err = Address::deserialize(&typ, Some(&null_street)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("field \"street\": unexpected null"),
        "{err}"
    );
    // Writing against a UDT without one of the struct's fields.
    let narrow = ColumnType::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![("street".into(), ColumnType::Text)],
    };
    assert_eq!(
        a.serialize(&narrow, &mut Vec::new()),
        Err(SerializeError::UnknownField("zip".into()))
    );
    let wrong = ColumnType::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![
            ("street".into(), ColumnType::Int),
            ("zip".into(), ColumnType::Int),
        ],
    };
    assert_eq!(
        a.serialize(&wrong, &mut Vec::new())
            .unwrap_err()
            .to_string(),
        "field \"street\": type mismatch: cannot write String as CQL type int"
    );
    // Truncated bytes never panic.
    for n in 0..out.len() - 4 {
        let _ = Address::deserialize(&typ, Some(&out[4..4 + n]));
    }
}

#[test]
fn user_types_nest_in_collections() {
    let typ = ColumnType::Map(Box::new(ColumnType::Text), Box::new(address_type()));
    let mut m = BTreeMap::new();
    m.insert(
        "home".to_string(),
        Address {
            street: "A".into(),
            postcode: None,
            local_note: 0,
        },
    );
    let mut out = Vec::new();
    m.serialize(&typ, &mut out).unwrap();
    let back = BTreeMap::<String, Address>::deserialize(&typ, Some(&out[4..])).unwrap();
    assert_eq!(back, m);
}

mod renamed_crate {
    // The generated code can name cql-core through another path.
    use cql_core as core_again;

    #[derive(cql_derive::DeserializeRow)]
    #[cql(crate = "core_again")]
    #[allow(dead_code)]
    pub struct Count {
        pub count: i64,
    }

    #[test]
    fn crate_override() {
        use core_again::types::DeserializeRow;
        let specs = [super::spec("count", core_again::ColumnType::BigInt)];
        Count::type_check(&specs).unwrap();
    }
}

mod arbitrary_bytes {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the bytes, the derived decoders never panic.
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..96)) {
            let _ = Address::deserialize(&address_type(), Some(&b));
            let specs = user_specs();
            if let Ok(it) = cql_core::types::RowIterator::<User<'_>>::new(&specs, 2, &b) {
                for r in it {
                    let _ = r;
                }
            }
        }
    }
}
