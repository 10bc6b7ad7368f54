use super::*;
use crate::frame::primitives::RawValue;
use alloc::string::ToString;
use alloc::vec;

use crate::types::column_type::test_spec as spec;

#[test]
fn rows_are_checked_against_specs() {
    let specs = [
        spec("id", ColumnType::Int),
        spec("name", ColumnType::Text),
        spec("tags", ColumnType::Set(Box::new(ColumnType::Text))),
    ];
    let mut out = SerializedValues::new();
    (1i32, "ann", vec!["a", "b"])
        .serialize_row(&specs, &mut out)
        .unwrap();
    assert_eq!(out.len(), 3);
    let values: Vec<_> = out.iter().map(|(_, v)| v).collect();
    assert_eq!(values[0], RawValue::Bytes(&[0, 0, 0, 1]));
    assert_eq!(values[1], RawValue::Bytes(b"ann"));

    let err = (1i64, "ann", vec!["a"])
        .serialize_row(&specs, &mut SerializedValues::new())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "column \"id\": type mismatch: cannot write i64 as CQL type int"
    );
    let err = (1i32, "x").serialize_row(&specs, &mut SerializedValues::new());
    assert_eq!(
        err,
        Err(SerializeError::WrongValueCount {
            expected: 3,
            given: 2
        })
    );

    let named: [(&str, &dyn SerializeValue); 3] = [
        ("tags", &BTreeSet::from(["z"])),
        ("id", &Some(7i32)),
        ("name", &Unset),
    ];
    let mut out = SerializedValues::new();
    named.serialize_row(&specs, &mut out).unwrap();
    let values: Vec<_> = out.iter().map(|(_, v)| v).collect();
    assert_eq!(values[0], RawValue::Bytes(&[0, 0, 0, 7]));
    assert_eq!(values[1], RawValue::Unset);
    let missing: [(&str, &dyn SerializeValue); 1] = [("id", &1i32)];
    assert_eq!(
        missing.serialize_row(&specs, &mut SerializedValues::new()),
        Err(SerializeError::MissingColumn("name".into()))
    );
    let mut map = BTreeMap::new();
    map.insert("id".to_string(), CqlValue::Int(1));
    map.insert("nope".to_string(), CqlValue::Int(1));
    assert_eq!(
        map.serialize_row(&specs, &mut SerializedValues::new()),
        Err(SerializeError::UnknownColumn("nope".into()))
    );
    let mut out = SerializedValues::new();
    vec![
        CqlValue::Int(1),
        CqlValue::Text("x".into()),
        CqlValue::Set(vec![]),
    ]
    .serialize_row(&specs, &mut out)
    .unwrap();
    assert_eq!(out.len(), 3);
}

#[test]
fn nulls_inside_collections_and_bad_vectors_are_refused() {
    let list = ColumnType::List(Box::new(ColumnType::Int));
    let mut out = Vec::new();
    assert_eq!(
        vec![Some(1i32), None].serialize(&list, &mut out),
        Err(SerializeError::NullElement("list or set"))
    );
    let vector = ColumnType::Vector {
        element: Box::new(ColumnType::Float),
        dimensions: 3,
    };
    assert!(matches!(
        vec![1.0f32].serialize(&vector, &mut out),
        Err(SerializeError::WrongElementCount { .. })
    ));
    assert!(matches!(
        "é".serialize(&ColumnType::Ascii, &mut out),
        Err(SerializeError::InvalidValue { .. })
    ));
    let mut out = Vec::new();
    [1.0f32, 2.5, -3.0].serialize(&vector, &mut out).unwrap();
    assert_eq!(
        out,
        [
            0, 0, 0, 12, 0x3f, 0x80, 0, 0, 0x40, 0x20, 0, 0, 0xc0, 0x40, 0, 0
        ]
    );
}
