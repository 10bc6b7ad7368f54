//! Golden vectors of `types.json` (Python cassandra-driver 3.30.1): every entry of
//! `vectors[]` and `rejected[]` is checked here; none is skipped.
//!
//! Per vector: the `[option]` reads to a type and writes back byte-exact; the marshal class
//! string parses to the same type and is written back byte-exact; the CQL type string parses
//! (UDTs resolved from `udts[]`) to the same type and displays back; the value encodes to
//! `bytes` (direction `both`) and `bytes` decodes to the value (both directions), through
//! `CqlValue` and, for the types that have one, through the typed Rust mapping too.
//!
//! `rejected[]`: the Python driver's Cython decoder refuses a null element inside a list;
//! ours refuses it too (a `CqlValue::List` cannot hold a null), both through `CqlValue` and
//! through `Vec<i32>`.

mod common;

use core::net::IpAddr;

use common::cql_json::{same, to_cql};
use cql_core::frame::primitives::Reader;
use cql_core::types::marshal::{marshal_class, parse_marshal};
use cql_core::types::{
    ColumnSpec, ColumnType, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue,
    CqlVarint, DeserializeValue, OwnedRow, RowIterator, SerializeValue,
};
use serde_json::Value;
use uuid::Uuid;

/// Vectors deliberately not checked, with the reason. Empty: every vector is checked.
const SKIPPED: &[(&str, &str)] = &[];

fn udt_lookup(file: &Value) -> impl Fn(Option<&str>, &str) -> Option<ColumnType> + '_ {
    move |ks, name| {
        let udt = file["udts"]
            .as_array()?
            .iter()
            .find(|u| u["name"] == name && ks.is_none_or(|k| u["keyspace"] == k))?;
        let opt = common::unhex(&udt_option(udt));
        ColumnType::read(&mut Reader::new(&opt)).ok()
    }
}

/// The `[option]` of a UDT from `udts[]`, built from its fields' options.
fn udt_option(udt: &Value) -> Value {
    let mut hex = String::from("0030");
    for s in [&udt["keyspace"], &udt["name"]] {
        let s = s.as_str().unwrap();
        hex += &format!("{:04x}{}", s.len(), hex::encode(s));
    }
    let fields = udt["fields"].as_array().unwrap();
    hex += &format!("{:04x}", fields.len());
    for f in fields {
        let name = f["name"].as_str().unwrap();
        hex += &format!("{:04x}{}", name.len(), hex::encode(name));
        hex += f["type_option"].as_str().unwrap();
    }
    Value::String(hex)
}

fn framed(bytes: &[u8]) -> Vec<u8> {
    let mut out = (bytes.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

/// Decodes `bytes` through the typed mapping `T` and, for `both`, writes it back.
fn typed<T>(id: &str, typ: &ColumnType, bytes: &[u8], expect_null: bool, both: bool)
where
    T: for<'a> DeserializeValue<'a> + SerializeValue + core::fmt::Debug,
{
    T::type_check(typ).unwrap_or_else(|e| panic!("{id}: {e}"));
    let got = Option::<T>::deserialize(typ, Some(bytes)).unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_eq!(got.is_none(), expect_null, "{id}: typed null-ness");
    if both {
        let mut out = Vec::new();
        got.serialize(typ, &mut out).unwrap();
        assert_eq!(out, framed(bytes), "{id}: typed re-encoding");
    }
}

/// Runs the typed mapping for the types that have one; returns whether it did.
fn typed_check(id: &str, typ: &ColumnType, bytes: &[u8], null: bool, both: bool) -> bool {
    let text = Box::new(ColumnType::Text);
    match typ {
        ColumnType::TinyInt => typed::<i8>(id, typ, bytes, null, both),
        ColumnType::SmallInt => typed::<i16>(id, typ, bytes, null, both),
        ColumnType::Int => typed::<i32>(id, typ, bytes, null, both),
        ColumnType::BigInt | ColumnType::Counter => typed::<i64>(id, typ, bytes, null, both),
        ColumnType::Float => typed::<f32>(id, typ, bytes, null, both),
        ColumnType::Double => typed::<f64>(id, typ, bytes, null, both),
        ColumnType::Boolean if both => typed::<bool>(id, typ, bytes, null, both),
        ColumnType::Ascii | ColumnType::Text => typed::<String>(id, typ, bytes, null, both),
        ColumnType::Blob => typed::<Vec<u8>>(id, typ, bytes, null, both),
        ColumnType::Uuid | ColumnType::Timeuuid => typed::<Uuid>(id, typ, bytes, null, both),
        ColumnType::Inet => typed::<IpAddr>(id, typ, bytes, null, both),
        ColumnType::Timestamp => typed::<CqlTimestamp>(id, typ, bytes, null, both),
        ColumnType::Date => typed::<CqlDate>(id, typ, bytes, null, both),
        ColumnType::Time => typed::<CqlTime>(id, typ, bytes, null, both),
        ColumnType::Duration => typed::<CqlDuration>(id, typ, bytes, null, both),
        ColumnType::Varint => typed::<CqlVarint>(id, typ, bytes, null, both),
        ColumnType::Decimal => typed::<CqlDecimal>(id, typ, bytes, null, both),
        ColumnType::List(e) if **e == ColumnType::Int => {
            typed::<Vec<i32>>(id, typ, bytes, null, both)
        }
        ColumnType::Set(e) if *e == text => typed::<Vec<String>>(id, typ, bytes, null, both),
        ColumnType::Vector { element, .. } if **element == ColumnType::Float => {
            typed::<Vec<f32>>(id, typ, bytes, null, both)
        }
        ColumnType::Vector { element, .. } if *element == text => {
            typed::<Vec<String>>(id, typ, bytes, null, both)
        }
        ColumnType::Tuple(t) if t.len() == 3 => {
            typed::<(Option<i32>, Option<String>, Option<bool>)>(id, typ, bytes, null, both)
        }
        _ => return false,
    }
    true
}

#[test]
fn every_types_vector() {
    let file = common::load("types.json");
    let vectors = file["vectors"].as_array().unwrap();
    let rejected = file["rejected"].as_array().unwrap();
    let lookup = udt_lookup(&file);
    let (mut checked, mut typed_checked) = (0, 0);
    let mut skipped = 0;
    for v in vectors {
        let id = v["id"].as_str().unwrap();
        if SKIPPED.iter().any(|(s, _)| *s == id) {
            skipped += 1;
            continue;
        }
        // [option] read and written back byte-exact.
        let option = common::unhex(&v["type_option"]);
        let mut r = Reader::new(&option);
        let typ = ColumnType::read(&mut r).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(r.is_empty(), "{id}: option fully read");
        let mut written = Vec::new();
        typ.write(&mut written).unwrap();
        assert_eq!(written, option, "{id}: option written back");

        // Marshal class parsed to the same type and written back byte-exact.
        let marshal = v["marshal_type"].as_str().unwrap();
        assert_eq!(
            parse_marshal(marshal),
            Ok(typ.clone()),
            "{id}: marshal parse"
        );
        assert_eq!(marshal_class(&typ), marshal, "{id}: marshal written back");

        // CQL syntax parsed (UDTs resolved) to the same type and displayed back.
        let cql = v["cql_type"].as_str().unwrap();
        assert_eq!(
            ColumnType::parse_cql_with(cql, &lookup),
            Ok(typ.clone()),
            "{id}: cql parse"
        );
        assert_eq!(
            typ.to_string(),
            cql.replace("varchar", "text"),
            "{id}: display"
        );

        // UDT field order is the declared order of udts[].
        if let ColumnType::Udt { name, fields, .. } = &typ {
            let udt = file["udts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["name"] == name.as_str())
                .unwrap();
            let declared: Vec<_> = udt["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["name"].as_str().unwrap())
                .collect();
            let ours: Vec<_> = fields.iter().map(|(f, _)| f.as_str()).collect();
            assert_eq!(ours, declared, "{id}: udt field order");
        }

        let bytes = common::unhex(&v["bytes"]);
        let expected = to_cql(&typ, &v["value"]);
        let both = match v["direction"].as_str().unwrap() {
            "both" => true,
            "decode_only" => false,
            other => panic!("{id}: unknown direction {other}"),
        };

        // Decode.
        let decoded =
            CqlValue::deserialize(&typ, Some(&bytes)).unwrap_or_else(|e| panic!("{id}: {e}"));
        match (&decoded, &expected) {
            (Some(d), Some(e)) => assert!(same(d, e), "{id}: decoded {d:?}, expected {e:?}"),
            (None, None) => {}
            _ => panic!("{id}: decoded {decoded:?}, expected {expected:?}"),
        }
        if let (Some(CqlValue::Varint(d)), Value::String(s)) = (&decoded, &v["value"]) {
            assert_eq!(&d.to_string(), s, "{id}: varint string");
        }
        if let Some(CqlValue::Decimal(d)) = &decoded {
            assert_eq!(d.unscaled.to_string(), v["value"]["unscaled"], "{id}");
        }

        // Encode.
        if both {
            let value = expected.as_ref().expect("encodable vectors are not null");
            let mut out = Vec::new();
            value
                .serialize(&typ, &mut out)
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(
                hex::encode(&out),
                v["bytes"].as_str().unwrap(),
                "{id}: encode"
            );
            let mut framed_out = Vec::new();
            SerializeValue::serialize(value, &typ, &mut framed_out).unwrap();
            assert_eq!(framed_out, framed(&bytes), "{id}: framed encode");
        }

        if typed_check(id, &typ, &bytes, expected.is_none(), both) {
            typed_checked += 1;
        }
        checked += 1;
    }

    // rejected[]: a null element in a list<int> is refused by our decoders as well.
    for r in rejected {
        let id = r["id"].as_str().unwrap();
        let typ = ColumnType::parse_cql(r["cql_type"].as_str().unwrap()).unwrap();
        let bytes = common::unhex(&r["bytes"]);
        assert!(CqlValue::deserialize(&typ, Some(&bytes)).is_err(), "{id}");
        assert!(Vec::<i32>::deserialize(&typ, Some(&bytes)).is_err(), "{id}");
        assert!(
            Vec::<Option<i32>>::deserialize(&typ, Some(&bytes)).is_err(),
            "{id}"
        );
        checked += 1;
    }

    let total = vectors.len() + rejected.len();
    assert_eq!(checked + skipped, total, "every vector checked or skipped");
    assert_eq!(skipped, SKIPPED.len());
    assert!(
        typed_checked > 150,
        "typed mapping covered {typed_checked} vectors"
    );
    println!(
        "types.json: {checked} checked ({typed_checked} also through typed Rust values), {skipped} skipped, {total} total"
    );
}

/// All vectors as the columns of one RESULT row, read back through the row iterator.
#[test]
fn vectors_as_one_row() {
    let file = common::load("types.json");
    let vectors = file["vectors"].as_array().unwrap();
    let mut specs = Vec::new();
    let mut rows = Vec::new();
    for v in vectors {
        let option = common::unhex(&v["type_option"]);
        let typ = ColumnType::read(&mut Reader::new(&option)).unwrap();
        specs.push(ColumnSpec {
            keyspace: "ks".into(),
            table: "t".into(),
            name: v["id"].as_str().unwrap().into(),
            typ,
        });
        rows.extend(framed(&common::unhex(&v["bytes"])));
    }
    let first = rows.clone();
    rows.extend_from_slice(&first);
    let got: Vec<OwnedRow> = RowIterator::<OwnedRow>::new(&specs, 2, &rows)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(got.len(), 2);
    for (i, (v, spec)) in vectors.iter().zip(&specs).enumerate() {
        let expected = to_cql(&spec.typ, &v["value"]);
        for row in &got {
            match (&row.columns[i], &expected) {
                (Some(d), Some(e)) => assert!(same(d, e), "{}", spec.name),
                (None, None) => {}
                other => panic!("{}: {other:?}", spec.name),
            }
        }
    }
    // Truncated input ends in an error, not a panic.
    let mut it = RowIterator::<OwnedRow>::new(&specs, 3, &rows).unwrap();
    assert!(it.next().unwrap().is_ok());
    assert!(it.next().unwrap().is_ok());
    assert!(it.next().unwrap().is_err());
    assert!(it.next().is_none());
}
