//! Property tests of the graph layer: values written as GraphSON 3.0 read back equal; the
//! JSON reader never panics on arbitrary text and what it reads writes back to the same tree;
//! nesting beyond the depth limit is refused at the offending bracket; the GraphSON and
//! bytecode readers never panic.

use core::net::IpAddr;

use cql_core::graph::GraphValue;
use cql_core::graph::graphson::{GraphsonVersion, decode_row, decode_value, encode_value};
use cql_core::graph::json::{self, MAX_DEPTH, Separators};
use cql_core::graph::traversal::Bytecode;
use cql_core::graph::value::{
    BigDecimal, BigInteger, GraphTuple, GraphUdt, Instant, JavaDuration, LocalDate, LocalTime,
    TypeDefinition,
};
use cql_core::types::CqlDuration;
use cql_core::types::geo::{LineString, Point, Polygon};
use proptest::collection::vec;
use proptest::prelude::*;
use uuid::Uuid;

fn finite() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |f| f.is_finite())
}

fn not_nan() -> impl Strategy<Value = f64> {
    prop_oneof![
        finite(),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0)
    ]
}

fn point() -> impl Strategy<Value = Point> {
    (finite(), finite()).prop_map(|(x, y)| Point::new(x, y))
}

/// Leaves that GraphSON 3.0 writes with a tag that reads back to the same variant.
fn leaf() -> impl Strategy<Value = GraphValue> {
    prop_oneof![
        any::<bool>().prop_map(GraphValue::Bool),
        any::<i16>().prop_map(GraphValue::Int16),
        any::<i32>().prop_map(GraphValue::Int32),
        any::<i64>().prop_map(GraphValue::Int64),
        // A BigInteger is written as a Python int: only beyond 64 bits does it read back as one.
        (any::<u64>(), any::<bool>()).prop_map(|(low, negative)| {
            let v = (i128::from(low) + (1i128 << 64)) * if negative { -1 } else { 1 };
            GraphValue::BigInteger(BigInteger::from(v))
        }),
        not_nan().prop_map(GraphValue::Float),
        not_nan().prop_map(GraphValue::Double),
        "-?[0-9]{1,30}(\\.[0-9]{1,10})?(E[+-][0-9]{1,3})?"
            .prop_map(|s| GraphValue::BigDecimal(BigDecimal::parse(&s).unwrap())),
        any::<String>().prop_map(GraphValue::String),
        any::<u128>().prop_map(|u| GraphValue::Uuid(Uuid::from_u128(u))),
        (-62_135_596_800i64..253_402_300_799, 0u32..1_000_000_000)
            .prop_map(|(s, n)| GraphValue::Instant(Instant::from_unix(s, n).unwrap())),
        (-1_000_000i64..3_000_000)
            .prop_map(|d| GraphValue::LocalDate(LocalDate::from_days_since_epoch(d))),
        (0u64..86_400_000_000_000)
            .prop_map(|n| GraphValue::LocalTime(LocalTime::from_nanos_since_midnight(n).unwrap())),
        // Python writes seconds below 1e-4 in exponent form (`P0DT0H0M8.0936e-05S`), which its
        // reader (and this one) refuses: such durations do not round-trip.
        (0i64..1 << 40, 0i64..1_000_000_000)
            .prop_filter("seconds part written as an exponent", |(s, n)| s % 60 != 0
                || *n == 0
                || *n >= 100_000)
            .prop_map(|(s, n)| GraphValue::Duration(JavaDuration::new(s, n).unwrap())),
        (any::<i32>(), any::<i32>(), any::<i64>()).prop_map(|(months, days, nanoseconds)| {
            GraphValue::DseDuration(CqlDuration {
                months,
                days,
                nanoseconds,
            })
        }),
        vec(any::<u8>(), 0..40).prop_map(GraphValue::Blob),
        any::<IpAddr>().prop_map(GraphValue::Inet),
        point().prop_map(GraphValue::Point),
        vec(point(), 0..5).prop_map(|points| GraphValue::LineString(LineString { points })),
        (vec(point(), 0..5), vec(vec(point(), 1..4), 0..2)).prop_map(|(exterior, interiors)| {
            let interiors = if exterior.is_empty() {
                Vec::new()
            } else {
                interiors
            };
            GraphValue::Polygon(Box::new(Polygon {
                exterior,
                interiors,
            }))
        }),
    ]
}

fn arb_value() -> impl Strategy<Value = GraphValue> {
    leaf().prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(GraphValue::List),
            // Sets of distinct strings: numbers equal in Python would read back as a list.
            proptest::collection::btree_set(any::<String>(), 0..5)
                .prop_map(|s| GraphValue::Set(s.into_iter().map(GraphValue::String).collect())),
            vec((inner.clone(), inner.clone()), 0..4).prop_map(GraphValue::Map),
            vec(inner.clone(), 1..4)
                .prop_map(|values| GraphValue::Tuple(Box::new(GraphTuple::new(values)))),
            vec(inner, 1..4).prop_map(|values| {
                let mut udt = GraphUdt::new("ks", "t");
                for (i, v) in values.into_iter().enumerate() {
                    let typ = TypeDefinition::of_value(&v)
                        .unwrap_or_else(|| TypeDefinition::simple("text"));
                    udt = udt.field(format!("f{i}"), typ, v);
                }
                GraphValue::Udt(Box::new(udt))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn graphson3_round_trip(value in arb_value()) {
        let text = encode_value(GraphsonVersion::V3, &value).unwrap();
        let back = decode_value(GraphsonVersion::V3, &text).unwrap();
        prop_assert_eq!(&back, &value, "{}", text);
    }

    #[test]
    fn json_reader_never_panics(text in any::<String>()) {
        let _ = json::parse(&text);
    }

    #[test]
    fn json_reads_back_what_it_writes(text in r#"[\[\]{}",:0-9a-z\\ .eE+\-]{0,64}|NaN|-?Infinity"#) {
        if let Ok(tree) = json::parse(&text) {
            for separators in [Separators::Python, Separators::Compact] {
                let written = json::to_string(&tree, separators);
                prop_assert_eq!(json::parse(&written).unwrap(), tree.clone());
            }
        }
    }

    #[test]
    fn graph_readers_never_panic(text in r#"[\[\]{}",:0-9a-zA-Z@ .\-]{0,96}"#) {
        for version in [GraphsonVersion::V1, GraphsonVersion::V2, GraphsonVersion::V3] {
            let _ = decode_row(version, &text);
            let _ = decode_value(version, &text);
        }
        let _ = Bytecode::from_graphson(&text);
    }

    #[test]
    fn tagged_noise_never_panics(
        tag in prop_oneof![
            Just("g:Int32"), Just("g:Int64"), Just("gx:Int16"), Just("gx:BigInteger"), Just("g:Float"),
            Just("g:Double"), Just("g:UUID"), Just("gx:Instant"), Just("gx:LocalDate"),
            Just("gx:LocalTime"), Just("gx:Duration"), Just("dse:Blob"), Just("dse:Point"),
            Just("dse:Polygon"), Just("g:Vertex"), Just("g:Edge"), Just("g:VertexProperty"),
            Just("g:Property"), Just("g:Path"), Just("g:Map"), Just("g:List"), Just("g:Set"),
            Just("g:BulkSet"), Just("dse:Tuple"), Just("dse:UDT"), Just("dse:Duration"), Just("g:T"),
            Just("g:Traverser"), Just("g:Date"), Just("g:Bytecode"), Just("g:P"), Just("dse:P"),
        ],
        inner in r#"[\[\]{}",:0-9a-z .\-]{0,48}"#,
    ) {
        let text = format!(r#"{{"result":{{"@type":"{tag}","@value":{inner}}}}}"#);
        for version in [GraphsonVersion::V2, GraphsonVersion::V3] {
            let _ = decode_row(version, &text);
        }
        let _ = Bytecode::from_graphson(&format!(r#"{{"@type":"g:Bytecode","@value":{{"step":[["x",{{"@type":"{tag}","@value":{inner}}}]]}}}}"#));
    }

    #[test]
    fn depth_is_limited(openers in vec(any::<bool>(), 0..150)) {
        let mut text = String::new();
        for &array in &openers {
            text.push_str(if array { "[" } else { r#"{"k":"# });
        }
        text.push('1');
        for &array in openers.iter().rev() {
            text.push(if array { ']' } else { '}' });
        }
        match json::parse(&text) {
            Ok(_) => prop_assert!(openers.len() <= MAX_DEPTH),
            Err(e) => {
                prop_assert!(openers.len() > MAX_DEPTH);
                let offset: usize = openers[..MAX_DEPTH].iter().map(|&a| if a { 1 } else { 5 }).sum();
                prop_assert_eq!(e.offset, offset);
            }
        }
    }
}
