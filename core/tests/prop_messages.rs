//! Property tests of the message layer: every request and response, in every protocol
//! version, survives encode → frame → decode unchanged; arbitrary or mutilated bytes
//! never make a decoder panic.

use core::net::{IpAddr, SocketAddr};

use bytes::Bytes;
use cql_core::frame::primitives::RawValue;
use cql_core::frame::{Compression, Frame, FrameHeader, Opcode, ProtocolVersion, read_frame};
use cql_core::message::*;
use cql_core::types::{ColumnSpec, ColumnType, SerializedValues};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

const VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V3,
    ProtocolVersion::V4,
    ProtocolVersion::V5,
];

fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop::sample::select(VERSIONS.to_vec())
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_ é日]{0,10}"
}

fn blob() -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..12).prop_map(Bytes::from)
}

fn consistency() -> impl Strategy<Value = Consistency> + Clone {
    (0u16..=10).prop_map(|c| Consistency::from_code(c).unwrap())
}

fn raw_value() -> impl Strategy<Value = Option<Option<Vec<u8>>>> {
    // None = unset, Some(None) = null, Some(Some(b)) = bytes
    option::of(option::of(vec(any::<u8>(), 0..8)))
}

fn values(named: bool, max: usize) -> impl Strategy<Value = SerializedValues> {
    vec((text(), raw_value()), 0..max).prop_map(move |items| {
        let mut out = SerializedValues::new();
        for (name, v) in &items {
            let raw = match v {
                None => RawValue::Unset,
                Some(None) => RawValue::Null,
                Some(Some(b)) => RawValue::Bytes(b),
            };
            if named {
                out.add_named(name, raw).unwrap();
            } else {
                out.add(raw).unwrap();
            }
        }
        out
    })
}

fn params(version: ProtocolVersion) -> impl Strategy<Value = QueryParameters<'static>> {
    let v5 = version >= ProtocolVersion::V5;
    (
        consistency(),
        any::<bool>().prop_flat_map(|named| values(named, 4)),
        any::<bool>(),
        option::of(any::<i32>()),
        option::of(blob()),
        option::of(consistency()),
        option::of(any::<i64>()),
        option::of(text()).prop_map(move |k| k.filter(|_| v5)),
        option::of(any::<i32>()).prop_map(move |n| n.filter(|_| v5)),
    )
        .prop_map(
            |(consistency, values, skip_metadata, page_size, paging_state, serial, ts, ks, now)| {
                QueryParameters {
                    consistency,
                    values: values.into(),
                    skip_metadata,
                    page_size,
                    paging_state,
                    serial_consistency: serial,
                    timestamp: ts,
                    keyspace: ks.map(Into::into),
                    now_in_seconds: now,
                }
            },
        )
}

fn batch(version: ProtocolVersion) -> impl Strategy<Value = Batch<'static>> {
    let v5 = version >= ProtocolVersion::V5;
    let entry = |named: bool| {
        (
            prop_oneof![
                text().prop_map(|q| BatchStatement::Query(q.into())),
                blob().prop_map(BatchStatement::Prepared)
            ],
            values(named, 3),
        )
            .prop_map(|(statement, values)| BatchEntry {
                statement,
                values: values.into(),
            })
    };
    (
        any::<bool>().prop_flat_map(move |named| vec(entry(named), 0..4)),
        prop::sample::select(vec![
            BatchType::Logged,
            BatchType::Unlogged,
            BatchType::Counter,
        ]),
        consistency(),
        option::of(consistency()),
        option::of(any::<i64>()),
        option::of(text()).prop_map(move |k| k.filter(|_| v5)),
        option::of(any::<i32>()).prop_map(move |n| n.filter(|_| v5)),
    )
        .prop_map(
            |(entries, batch_type, consistency, serial, timestamp, keyspace, now)| Batch {
                batch_type,
                entries,
                consistency,
                serial_consistency: serial,
                timestamp,
                keyspace: keyspace.map(Into::into),
                now_in_seconds: now,
            },
        )
}

fn request(version: ProtocolVersion) -> impl Strategy<Value = Request<'static>> {
    let v5 = version >= ProtocolVersion::V5;
    prop_oneof![
        vec((text(), text()), 0..4).prop_map(|options| Request::Startup(Startup { options })),
        Just(Request::Options),
        (text(), params(version)).prop_map(|(query, params)| Request::Query(Query {
            query: query.into(),
            params
        })),
        (text(), option::of(text())).prop_map(move |(query, keyspace)| Request::Prepare(Prepare {
            query: query.into(),
            keyspace: keyspace.filter(|_| v5).map(Into::into),
        })),
        (blob(), blob(), params(version)).prop_map(move |(id, meta, params)| Request::Execute(
            Execute {
                id,
                result_metadata_id: v5.then_some(meta),
                params,
            }
        )),
        batch(version).prop_map(Request::Batch),
        vec(prop::sample::select(EventType::ALL.to_vec()), 0..4)
            .prop_map(|events| Request::Register(Register { events })),
        option::of(blob()).prop_map(|token| Request::AuthResponse(AuthToken { token })),
    ]
}

fn payload(version: ProtocolVersion) -> impl Strategy<Value = CustomPayload> {
    vec((text(), option::of(blob())), 0..3).prop_map(move |p| {
        if version >= ProtocolVersion::V4 {
            p
        } else {
            Vec::new()
        }
    })
}

fn compression(version: ProtocolVersion) -> impl Strategy<Value = Compression> {
    let choices = if version >= ProtocolVersion::V5 {
        vec![Compression::None]
    } else {
        vec![Compression::None, Compression::Lz4, Compression::Snappy]
    };
    prop::sample::select(choices)
}

fn ip() -> impl Strategy<Value = IpAddr> + Clone {
    prop_oneof![
        any::<[u8; 4]>().prop_map(IpAddr::from),
        any::<[u8; 16]>().prop_map(IpAddr::from),
    ]
}

fn write_type() -> impl Strategy<Value = WriteType> {
    prop_oneof![
        Just(WriteType::Simple),
        Just(WriteType::Batch),
        Just(WriteType::UnloggedBatch),
        Just(WriteType::Counter),
        Just(WriteType::BatchLog),
        Just(WriteType::Cas),
        Just(WriteType::View),
        Just(WriteType::Cdc),
        "x[a-z]{0,6}".prop_map(WriteType::Other),
    ]
}

fn failures(version: ProtocolVersion) -> BoxedStrategy<Failures> {
    if version >= ProtocolVersion::V5 {
        vec((ip(), any::<u16>()), 0..3)
            .prop_map(Failures::ByReplica)
            .boxed()
    } else {
        any::<i32>().prop_map(Failures::Count).boxed()
    }
}

fn db_error(version: ProtocolVersion) -> impl Strategy<Value = DbError> {
    let v5 = version >= ProtocolVersion::V5;
    let counts = (consistency(), any::<i32>(), any::<i32>());
    prop_oneof![
        prop::sample::select(vec![
            DbError::ServerError,
            DbError::ProtocolError,
            DbError::BadCredentials,
            DbError::Overloaded,
            DbError::IsBootstrapping,
            DbError::TruncateError,
            DbError::CdcWriteFailure,
            DbError::SyntaxError,
            DbError::Unauthorized,
            DbError::Invalid,
            DbError::ConfigError,
        ]),
        counts
            .clone()
            .prop_map(|(consistency, required, alive)| DbError::Unavailable {
                consistency,
                required,
                alive
            }),
        (counts.clone(), write_type(), any::<u16>()).prop_map(move |((c, r, b), wt, n)| {
            let contentions = (v5 && wt == WriteType::Cas).then_some(n);
            DbError::WriteTimeout {
                consistency: c,
                received: r,
                block_for: b,
                write_type: wt,
                contentions,
            }
        }),
        (counts.clone(), any::<bool>()).prop_map(|((c, r, b), d)| DbError::ReadTimeout {
            consistency: c,
            received: r,
            block_for: b,
            data_present: d
        }),
        (counts.clone(), failures(version), any::<bool>()).prop_map(|((c, r, b), f, d)| {
            DbError::ReadFailure {
                consistency: c,
                received: r,
                block_for: b,
                failures: f,
                data_present: d,
            }
        }),
        (text(), text(), vec(text(), 0..3)).prop_map(|(keyspace, function, arg_types)| {
            DbError::FunctionFailure {
                keyspace,
                function,
                arg_types,
            }
        }),
        (counts.clone(), failures(version), write_type()).prop_map(|((c, r, b), f, wt)| {
            DbError::WriteFailure {
                consistency: c,
                received: r,
                block_for: b,
                failures: f,
                write_type: wt,
            }
        }),
        counts.prop_map(|(c, r, b)| DbError::CasWriteUnknown {
            consistency: c,
            received: r,
            block_for: b
        }),
        (text(), text()).prop_map(|(keyspace, table)| DbError::AlreadyExists { keyspace, table }),
        blob().prop_map(|id| DbError::Unprepared { id }),
        (0x3000i32..0x7fff_ffff).prop_map(DbError::Other),
    ]
}

fn column_type() -> impl Strategy<Value = ColumnType> {
    let leaf = prop::sample::select(vec![
        ColumnType::Ascii,
        ColumnType::BigInt,
        ColumnType::Blob,
        ColumnType::Boolean,
        ColumnType::Counter,
        ColumnType::Decimal,
        ColumnType::Double,
        ColumnType::Float,
        ColumnType::Int,
        ColumnType::Timestamp,
        ColumnType::Uuid,
        ColumnType::Text,
        ColumnType::Varint,
        ColumnType::Timeuuid,
        ColumnType::Inet,
        ColumnType::Date,
        ColumnType::Time,
        ColumnType::SmallInt,
        ColumnType::TinyInt,
        ColumnType::Duration,
    ])
    .boxed();
    let leaf = prop_oneof![
        9 => leaf,
        1 => "com\\.example\\.[A-Z][a-z]{0,6}".prop_map(ColumnType::Custom),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| ColumnType::List(Box::new(t))),
            inner.clone().prop_map(|t| ColumnType::Set(Box::new(t))),
            (inner.clone(), inner.clone())
                .prop_map(|(k, v)| ColumnType::Map(Box::new(k), Box::new(v))),
            vec(inner.clone(), 0..3).prop_map(ColumnType::Tuple),
            (text(), text(), vec((text(), inner), 0..3)).prop_map(|(keyspace, name, fields)| {
                ColumnType::Udt {
                    keyspace,
                    name,
                    fields,
                }
            }),
        ]
    })
}

/// Column specs, all of one table when a global spec is chosen.
fn columns() -> impl Strategy<Value = (Option<TableSpec>, Vec<ColumnSpec>)> {
    (
        option::of((text(), text())),
        vec((text(), text(), text(), column_type()), 0..4),
    )
        .prop_map(|(global, cols)| {
            let global = global.map(|(keyspace, table)| TableSpec { keyspace, table });
            let cols = cols
                .into_iter()
                .map(|(ks, table, name, typ)| match &global {
                    Some(g) => ColumnSpec {
                        keyspace: g.keyspace.clone(),
                        table: g.table.clone(),
                        name,
                        typ,
                    },
                    None => ColumnSpec {
                        keyspace: ks,
                        table,
                        name,
                        typ,
                    },
                })
                .collect();
            (global, cols)
        })
}

fn result_metadata(version: ProtocolVersion) -> impl Strategy<Value = ResultMetadata> {
    let v5 = version >= ProtocolVersion::V5;
    (
        columns(),
        any::<bool>(),
        0usize..5,
        option::of(blob()),
        option::of(blob()),
    )
        .prop_map(move |((global, cols), present, count, paging, new_id)| {
            let mut m = if present {
                ResultMetadata::new(cols, global)
            } else {
                ResultMetadata::without_columns(count)
            };
            m.paging_state = paging;
            m.new_metadata_id = new_id.filter(|_| v5);
            m
        })
}

fn rows(version: ProtocolVersion) -> impl Strategy<Value = Rows> {
    result_metadata(version).prop_flat_map(|m| {
        let n = m.column_count();
        vec(vec(option::of(vec(any::<u8>(), 0..6)), n..=n), 0..4).prop_map(move |cells| {
            let rows = cells.iter().map(|r| r.iter().map(|c| c.as_deref()));
            Rows::from_cells(m.clone(), rows).unwrap()
        })
    })
}

fn prepared(version: ProtocolVersion) -> impl Strategy<Value = Prepared> {
    let v4 = version >= ProtocolVersion::V4;
    let v5 = version >= ProtocolVersion::V5;
    (
        blob(),
        blob(),
        vec(any::<u16>(), 0..3),
        columns(),
        result_metadata(version),
    )
        .prop_map(move |(id, meta_id, pk, (global, cols), result)| Prepared {
            id,
            result_metadata_id: v5.then_some(meta_id),
            bind_metadata: PreparedMetadata {
                pk_indexes: if v4 { pk } else { Vec::new() },
                global_table_spec: global,
                columns: cols,
            },
            result_metadata: result,
        })
}

fn schema_change() -> impl Strategy<Value = SchemaChange> {
    let target = prop_oneof![
        text().prop_map(|keyspace| SchemaChangeTarget::Keyspace { keyspace }),
        (text(), text()).prop_map(|(keyspace, name)| SchemaChangeTarget::Table { keyspace, name }),
        (text(), text()).prop_map(|(keyspace, name)| SchemaChangeTarget::Type { keyspace, name }),
        (text(), text(), vec(text(), 0..3)).prop_map(|(keyspace, name, arg_types)| {
            SchemaChangeTarget::Function {
                keyspace,
                name,
                arg_types,
            }
        }),
        (text(), text(), vec(text(), 0..3)).prop_map(|(keyspace, name, arg_types)| {
            SchemaChangeTarget::Aggregate {
                keyspace,
                name,
                arg_types,
            }
        }),
    ];
    (
        prop::sample::select(vec![
            SchemaChangeType::Created,
            SchemaChangeType::Updated,
            SchemaChangeType::Dropped,
        ]),
        target,
    )
        .prop_map(|(change_type, target)| SchemaChange {
            change_type,
            target,
        })
}

fn event() -> impl Strategy<Value = Event> {
    let addr = (ip(), any::<u16>()).prop_map(|(ip, port)| SocketAddr::new(ip, port));
    prop_oneof![
        (
            prop::sample::select(vec![
                TopologyChangeType::NewNode,
                TopologyChangeType::RemovedNode,
                TopologyChangeType::MovedNode
            ]),
            addr.clone()
        )
            .prop_map(|(change, address)| Event::TopologyChange { change, address }),
        (
            prop::sample::select(vec![StatusChangeType::Up, StatusChangeType::Down]),
            addr
        )
            .prop_map(|(change, address)| Event::StatusChange { change, address }),
        schema_change().prop_map(Event::SchemaChange),
    ]
}

fn response(version: ProtocolVersion) -> impl Strategy<Value = Response> {
    prop_oneof![
        (db_error(version), text())
            .prop_map(|(error, message)| Response::Error(ErrorResponse { error, message })),
        Just(Response::Ready),
        text().prop_map(|authenticator| Response::Authenticate(Authenticate { authenticator })),
        vec((text(), vec(text(), 0..3)), 0..3)
            .prop_map(|options| Response::Supported(Supported { options })),
        Just(Response::Result(ResultMessage::Void)),
        rows(version).prop_map(|r| Response::Result(ResultMessage::Rows(r))),
        text().prop_map(|ks| Response::Result(ResultMessage::SetKeyspace(ks))),
        prepared(version).prop_map(|p| Response::Result(ResultMessage::Prepared(Box::new(p)))),
        schema_change().prop_map(|c| Response::Result(ResultMessage::SchemaChange(c))),
        event().prop_map(Response::Event),
        option::of(blob()).prop_map(|token| Response::AuthChallenge(AuthToken { token })),
        option::of(blob()).prop_map(|token| Response::AuthSuccess(AuthToken { token })),
    ]
}

fn request_frame() -> impl Strategy<Value = (ProtocolVersion, Compression, RequestFrame<'static>)> {
    version().prop_flat_map(|v| {
        (
            Just(v),
            compression(v),
            any::<i16>(),
            any::<bool>(),
            payload(v),
            request(v),
        )
            .prop_map(|(v, c, stream, tracing, custom_payload, request)| {
                (
                    v,
                    c,
                    RequestFrame {
                        stream,
                        tracing,
                        custom_payload,
                        request,
                    },
                )
            })
    })
}

fn response_frame() -> impl Strategy<Value = (ProtocolVersion, Compression, ResponseFrame)> {
    version().prop_flat_map(|v| {
        let v4 = v >= ProtocolVersion::V4;
        (
            Just(v),
            compression(v),
            any::<i16>(),
            option::of(any::<[u8; 16]>()),
            vec(text(), 0..3).prop_map(move |w| if v4 { w } else { Vec::new() }),
            payload(v),
            response(v),
        )
            .prop_map(
                |(v, c, stream, tracing, warnings, custom_payload, response)| {
                    (
                        v,
                        c,
                        ResponseFrame {
                            stream,
                            tracing_id: tracing.map(uuid::Uuid::from_bytes),
                            warnings,
                            custom_payload,
                            response,
                        },
                    )
                },
            )
    })
}

fn frame_of(bytes: &[u8], compression: Compression) -> Frame {
    let (frame, used) = read_frame(bytes, usize::MAX, compression).unwrap().unwrap();
    assert_eq!(used, bytes.len());
    frame
}

const OPCODES: [u8; 16] = [
    0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn requests_round_trip((version, compression, frame) in request_frame()) {
        let mut wire = Vec::new();
        frame.encode(version, compression, &mut wire).unwrap();
        let decoded = RequestFrame::decode(&frame_of(&wire, compression)).unwrap();
        prop_assert_eq!(decoded, frame);
    }

    #[test]
    fn responses_round_trip((version, compression, frame) in response_frame()) {
        let mut wire = Vec::new();
        frame.encode(version, compression, &mut wire).unwrap();
        let decoded = ResponseFrame::decode(&frame_of(&wire, compression)).unwrap();
        prop_assert_eq!(decoded, frame);
    }

    #[test]
    fn arbitrary_bodies_never_panic(
        op in prop::sample::select(OPCODES.to_vec()),
        version in version(),
        body in vec(any::<u8>(), 0..64),
    ) {
        let opcode = Opcode::from_u8(op).unwrap();
        let bytes = Bytes::from(body.clone());
        let _ = Request::decode(opcode, version, &body);
        let _ = Response::decode(opcode, version, &bytes);
    }

    #[test]
    fn arbitrary_frames_never_panic(
        head in any::<[u8; 2]>(),
        version in version(),
        op in prop::sample::select(OPCODES.to_vec()),
        dir in any::<bool>(),
        body in vec(any::<u8>(), 0..64),
    ) {
        let mut wire = vec![version.as_u8() | if dir { 0x80 } else { 0 }, head[0] & 0x0f];
        wire.extend_from_slice(&[0, head[1], op]);
        wire.extend_from_slice(&(body.len() as u32).to_be_bytes());
        wire.extend_from_slice(&body);
        if let Ok(Some((frame, _))) = read_frame(&wire, 1 << 20, Compression::Lz4) {
            let _ = RequestFrame::decode(&frame);
            let _ = ResponseFrame::decode(&frame);
        }
    }

    /// Valid frames cut short or with a byte changed: decoding fails or succeeds, but
    /// never panics.
    #[test]
    fn mutilated_frames_never_panic(
        (version, _c, frame) in response_frame(),
        (rv, _rc, req) in request_frame(),
        cut in any::<prop::sample::Index>(),
        flip in any::<(prop::sample::Index, u8)>(),
    ) {
        let mut wire = Vec::new();
        frame.encode(version, Compression::None, &mut wire).unwrap();
        req.encode(rv, Compression::None, &mut wire).unwrap();
        let body_start = cql_core::frame::HEADER_LEN;
        let first_len = FrameHeader::parse(&wire).unwrap().length as usize;
        let mut body = wire[body_start..body_start + first_len].to_vec();
        if !body.is_empty() {
            let i = flip.0.index(body.len());
            body[i] ^= flip.1 | 1;
        }
        let cut_body = &wire[body_start..body_start + cut.index(first_len + 1)];
        for b in [&body[..], cut_body] {
            let bytes = Bytes::copy_from_slice(b);
            let _ = Response::decode(frame.response.opcode(), version, &bytes);
            let _ = Request::decode(req.request.opcode(), rv, b);
        }
        let req_wire = &wire[body_start + first_len..];
        let req_body = &req_wire[body_start..];
        for n in 0..req_body.len().min(48) {
            let _ = Request::decode(req.request.opcode(), rv, &req_body[..n]);
        }
    }
}
