//! Side-by-side wire benchmarks: `cql-core` against `scylla-cql` on the same payloads.
//!
//! 1. Encoding an EXECUTE frame with 10 bound values (typed Rust values, checked against
//!    the prepared metadata, serialized, framed).
//! 2. Decoding a RESULT page of 1,000 rows × (int, text, uuid, timestamp, blob) into typed
//!    Rust values, borrowing text and blobs from the frame.
//!
//! Criterion prints its statistics per case; at the end a table gives our time, theirs and
//! the ratio (goal: ≤ 0.8).

use std::hint::black_box;

use bytes::Bytes;
use cql_core_bench::{BLOB, PREPARED_ID, nanos_per_call, result_page_body};
use criterion::Criterion;
use uuid::Uuid;

/// The 10 values bound in the EXECUTE benchmark, as a user would hold them.
struct ExecuteValues {
    id: i32,
    account: i64,
    name: String,
    owner: Uuid,
    at_millis: i64,
    payload: Vec<u8>,
    active: bool,
    score: f64,
    ratio: f32,
    note: &'static str,
}

fn execute_values() -> ExecuteValues {
    ExecuteValues {
        id: 42,
        account: 9_007_199_254_740_993,
        name: "Ada Lovelace".to_owned(),
        owner: Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        at_millis: 1_700_000_000_000,
        payload: BLOB.to_vec(),
        active: true,
        score: 98.25,
        ratio: 0.5,
        note: "bound as a protocol value, never pasted into CQL",
    }
}

mod ours {
    use bytes::Bytes;
    use cql_core::Consistency;
    use cql_core::frame::{Compression, ProtocolVersion};
    use cql_core::message::{Execute, QueryParameters, Request, RequestFrame, ResultMessage};
    use cql_core::types::{ColumnSpec, ColumnType, CqlTimestamp, SerializeRow, SerializedValues};
    use uuid::Uuid;

    use super::ExecuteValues;

    pub fn specs() -> Vec<ColumnSpec> {
        [
            ("id", ColumnType::Int),
            ("account", ColumnType::BigInt),
            ("name", ColumnType::Text),
            ("owner", ColumnType::Uuid),
            ("at", ColumnType::Timestamp),
            ("payload", ColumnType::Blob),
            ("active", ColumnType::Boolean),
            ("score", ColumnType::Double),
            ("ratio", ColumnType::Float),
            ("note", ColumnType::Text),
        ]
        .into_iter()
        .map(|(name, typ)| ColumnSpec {
            keyspace: "ks".into(),
            table: "events".into(),
            name: name.into(),
            typ,
        })
        .collect()
    }

    pub fn encode_execute(specs: &[ColumnSpec], id: &Bytes, v: &ExecuteValues) -> usize {
        let mut values = SerializedValues::new();
        (
            v.id,
            v.account,
            v.name.as_str(),
            v.owner,
            CqlTimestamp(v.at_millis),
            v.payload.as_slice(),
            v.active,
            v.score,
            v.ratio,
            v.note,
        )
            .serialize_row(specs, &mut values)
            .expect("values match the specs");
        let frame = RequestFrame {
            stream: 0,
            tracing: false,
            custom_payload: Vec::new(),
            request: Request::Execute(Execute {
                id: id.clone(),
                result_metadata_id: None,
                params: QueryParameters {
                    page_size: Some(5000),
                    values: std::borrow::Cow::Owned(values),
                    ..QueryParameters::with_consistency(Consistency::LocalOne)
                },
            }),
        };
        let mut out = Vec::new();
        frame
            .encode(ProtocolVersion::V4, Compression::None, &mut out)
            .expect("request encodes");
        out.len()
    }

    pub fn decode_page(body: &Bytes) -> u64 {
        let ResultMessage::Rows(rows) =
            ResultMessage::decode(ProtocolVersion::V4, body).expect("page decodes")
        else {
            panic!("not a Rows result")
        };
        let mut sum = 0u64;
        for row in rows
            .typed::<(i32, &str, Uuid, CqlTimestamp, &[u8])>()
            .expect("types match")
        {
            let (id, name, owner, at, payload) = row.expect("row decodes");
            sum = sum
                .wrapping_add(id as u64)
                .wrapping_add(name.len() as u64)
                .wrapping_add(owner.as_u128() as u64)
                .wrapping_add(at.0 as u64)
                .wrapping_add(payload.len() as u64);
        }
        sum
    }
}

mod scylla {
    use std::borrow::Cow;

    use bytes::Bytes;
    use scylla_cql::frame::SerializedRequest;
    use scylla_cql::frame::protocol_features::ProtocolFeatures;
    use scylla_cql::frame::request::execute::ExecuteV2;
    use scylla_cql::frame::request::query::QueryParameters;
    use scylla_cql::frame::response::result::{
        ColumnSpec, ColumnType, NativeType, ResultWithDeserializedMetadata, TableSpec,
        cow_bytes::CowBytes, deserialize_with_features,
    };
    use scylla_cql::serialize::row::{RowSerializationContext, SerializedValues};
    use scylla_cql::value::CqlTimestamp;
    use uuid::Uuid;

    use super::ExecuteValues;

    pub fn specs() -> Vec<ColumnSpec<'static>> {
        let table = TableSpec::borrowed("ks", "events");
        [
            ("id", NativeType::Int),
            ("account", NativeType::BigInt),
            ("name", NativeType::Text),
            ("owner", NativeType::Uuid),
            ("at", NativeType::Timestamp),
            ("payload", NativeType::Blob),
            ("active", NativeType::Boolean),
            ("score", NativeType::Double),
            ("ratio", NativeType::Float),
            ("note", NativeType::Text),
        ]
        .into_iter()
        .map(|(name, t)| ColumnSpec::borrowed(name, ColumnType::Native(t), table.clone()))
        .collect()
    }

    pub fn encode_execute(specs: &[ColumnSpec<'_>], v: &ExecuteValues) -> usize {
        let ctx = RowSerializationContext::from_specs(specs);
        let values = SerializedValues::from_serializable(
            &ctx,
            &(
                v.id,
                v.account,
                v.name.as_str(),
                v.owner,
                CqlTimestamp(v.at_millis),
                v.payload.as_slice(),
                v.active,
                v.score,
                v.ratio,
                v.note,
            ),
        )
        .expect("values match the specs");
        let request = ExecuteV2 {
            id: CowBytes::Borrowed(&super::PREPARED_ID),
            result_metadata_id: None,
            parameters: QueryParameters {
                consistency: scylla_cql::Consistency::LocalOne,
                page_size: Some(5000),
                values: Cow::Owned(values),
                ..QueryParameters::default()
            },
            tablet_version_block: None,
        };
        SerializedRequest::make(&request, None, false)
            .expect("request encodes")
            .get_data()
            .len()
    }

    pub fn decode_page(body: &Bytes) -> u64 {
        let result = deserialize_with_features(body.clone(), None, &ProtocolFeatures::default())
            .expect("page decodes")
            .deserialize_metadata()
            .expect("metadata decodes");
        let ResultWithDeserializedMetadata::Rows((rows, _)) = result else {
            panic!("not a Rows result")
        };
        let mut sum = 0u64;
        for row in rows
            .rows_iter::<(i32, &str, Uuid, CqlTimestamp, &[u8])>()
            .expect("types match")
        {
            let (id, name, owner, at, payload) = row.expect("row decodes");
            sum = sum
                .wrapping_add(id as u64)
                .wrapping_add(name.len() as u64)
                .wrapping_add(owner.as_u128() as u64)
                .wrapping_add(at.0 as u64)
                .wrapping_add(payload.len() as u64);
        }
        sum
    }
}

fn main() {
    let values = execute_values();
    let page = Bytes::from(result_page_body());
    let our_specs = ours::specs();
    let scylla_specs = scylla::specs();
    let id = Bytes::from_static(&PREPARED_ID);

    // Both sides must agree on what they measure before they are timed.
    assert_eq!(
        ours::decode_page(&page),
        scylla::decode_page(&page),
        "both decoders see the same page"
    );
    assert_eq!(
        ours::encode_execute(&our_specs, &id, &values),
        scylla::encode_execute(&scylla_specs, &values),
        "both EXECUTE frames have the same length"
    );

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("execute_10_values");
    group.bench_function("cql-core", |b| {
        b.iter(|| ours::encode_execute(&our_specs, &id, black_box(&values)))
    });
    group.bench_function("scylla-cql", |b| {
        b.iter(|| scylla::encode_execute(&scylla_specs, black_box(&values)))
    });
    group.finish();
    let mut group = c.benchmark_group("result_page_1000x5");
    group.bench_function("cql-core", |b| {
        b.iter(|| ours::decode_page(black_box(&page)))
    });
    group.bench_function("scylla-cql", |b| {
        b.iter(|| scylla::decode_page(black_box(&page)))
    });
    group.finish();
    c.final_summary();

    // Interleaved best-of-batches timings for the ratio table.
    let execute = (
        nanos_per_call(|| {
            black_box(ours::encode_execute(&our_specs, &id, black_box(&values)));
        }),
        nanos_per_call(|| {
            black_box(scylla::encode_execute(&scylla_specs, black_box(&values)));
        }),
    );
    let page_times = (
        nanos_per_call(|| {
            black_box(ours::decode_page(black_box(&page)));
        }),
        nanos_per_call(|| {
            black_box(scylla::decode_page(black_box(&page)));
        }),
    );
    println!();
    println!("| case | cql-core | scylla-cql | ours / theirs (goal <= 0.8) |");
    println!("|---|---:|---:|---:|");
    for (name, (ours, theirs)) in [
        ("EXECUTE, 10 bound values", execute),
        ("RESULT page, 1000 rows x 5 columns", page_times),
    ] {
        println!(
            "| {name} | {ours:.0} ns | {theirs:.0} ns | {:.2} |",
            ours / theirs
        );
    }
}
