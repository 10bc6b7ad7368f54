//! What a request runs ([`ExecRequest`]: CQL text, a prepared statement or a batch, with
//! values written) and the wire message it becomes for one connection.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::batch::BatchItem;
use super::error::Error;
use super::prepared::{Current, PreparedStatement};
use super::statement::{PagingState, ResolvedOptions, StatementOptions, StatementRef};
use crate::frame::ProtocolVersion;
use crate::message::{
    self, BatchEntry, BatchStatement, Consistency, Execute, Query, QueryParameters, Request,
};
use crate::types::{SerializeRow, SerializedValues};

/// What a request runs: CQL text, a prepared statement or a batch, with values written;
/// the preparation of CQL text (in a keyspace, when given); or the `USE` the session
/// sends every connection.
#[derive(Clone)]
pub(crate) enum Payload {
    Query(Arc<str>, SerializedValues),
    Execute(PreparedStatement, SerializedValues),
    Batch(crate::message::BatchType, Arc<Vec<BatchItem>>),
    Prepare(Arc<str>, Option<String>),
    /// `USE <keyspace>` for one connection of the broadcast (its answer starts no other).
    Use(Arc<str>),
}

/// A request ready to run (and to run again for the next page).
#[derive(Clone)]
pub(crate) struct ExecRequest {
    pub(crate) payload: Payload,
    pub(crate) options: StatementOptions,
    /// The page to ask for (`None`: the first).
    pub(crate) paging_state: Option<PagingState>,
}

impl ExecRequest {
    /// The request's opcode name, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self.payload {
            Payload::Query(..) => "QUERY",
            Payload::Execute(..) => "EXECUTE",
            Payload::Batch(..) => "BATCH",
            Payload::Prepare(..) => "PREPARE",
            Payload::Use(..) => "USE",
        }
    }

    /// The `USE` of `keyspace` sent to every connection (default options: the default
    /// profile's timeout).
    pub(crate) fn use_keyspace(keyspace: &str) -> Self {
        Self {
            payload: Payload::Use(Arc::from(alloc::format!(
                "USE {}",
                crate::types::cql_syntax::quote_identifier(keyspace)
            ))),
            options: StatementOptions::default(),
            paging_state: None,
        }
    }

    /// The preparation of `cql` in `keyspace` (`None`: the session's), with `options`
    /// (profile, timeout, payload); a PREPARE is idempotent whatever the options say.
    pub(crate) fn prepare(
        cql: Arc<str>,
        keyspace: Option<String>,
        options: &StatementOptions,
    ) -> Self {
        let mut options = options.clone();
        options.idempotent = Some(true);
        Self {
            payload: Payload::Prepare(cql, keyspace),
            options,
            paging_state: None,
        }
    }

    /// A request running `statement` with `values` (checked against a prepared statement's
    /// bind markers).
    pub(crate) fn new(
        statement: StatementRef<'_>,
        values: &impl SerializeRow,
    ) -> Result<Self, Error> {
        Ok(match statement {
            StatementRef::Text(cql) => {
                let mut v = SerializedValues::new();
                values.serialize_natural(&mut v)?;
                Self {
                    payload: Payload::Query(Arc::from(cql), v),
                    options: StatementOptions::default(),
                    paging_state: None,
                }
            }
            StatementRef::Simple(s) => {
                let mut v = SerializedValues::new();
                values.serialize_natural(&mut v)?;
                Self {
                    payload: Payload::Query(s.cql_arc(), v),
                    options: s.options.clone(),
                    paging_state: None,
                }
            }
            StatementRef::Prepared(p) => {
                // A prepared statement runs in the keyspace it was prepared in; a keyspace
                // option naming another would silently not apply.
                if let Some(ks) = &p.options.keyspace
                    && p.prepared_keyspace() != Some(ks.as_str())
                {
                    return Err(Error::InvalidArgument(alloc::format!(
                        "the statement was prepared in keyspace {:?}, not {ks:?}: prepare it with that keyspace",
                        p.prepared_keyspace().unwrap_or("(none)")
                    )));
                }
                Self {
                    payload: Payload::Execute(p.handle(), p.bind_values(values)?),
                    options: p.options.clone(),
                    paging_state: None,
                }
            }
        })
    }

    /// How many times one attempt may re-prepare an unknown statement: once per prepared
    /// statement the request carries.
    pub(crate) fn prepared_count(&self) -> usize {
        match &self.payload {
            Payload::Query(..) | Payload::Prepare(..) | Payload::Use(..) => 0,
            Payload::Execute(..) => 1,
            Payload::Batch(_, items) => items
                .iter()
                .filter(|i| matches!(i, BatchItem::Prepared(..)))
                .count(),
        }
    }
}

/// The prepared statement of `request` whose id is `id` (the node answered UNPREPARED).
pub(crate) fn find_prepared<'a>(
    request: &'a ExecRequest,
    id: &[u8],
) -> Option<&'a PreparedStatement> {
    match &request.payload {
        Payload::Execute(p, _) => Some(p),
        Payload::Batch(_, items) => items.iter().find_map(|i| match i {
            BatchItem::Prepared(p, _) if p.id() == id => Some(p),
            _ => None,
        }),
        Payload::Query(..) | Payload::Prepare(..) | Payload::Use(..) => None,
    }
}

/// The wire message of `request` for a connection speaking `version`.
///
/// `current` is the prepared statement's id and metadata read for this attempt (read
/// here when `None`).
///
/// The message borrows the statement text and the values the request serialized once:
/// an attempt copies neither.
pub(crate) fn build_message<'a>(
    request: &'a ExecRequest,
    current: Option<&Current>,
    resolved: &ResolvedOptions,
    consistency: Consistency,
    timestamp: Option<i64>,
    version: ProtocolVersion,
) -> Request<'a> {
    let o = &request.options;
    let keyspace = o.keyspace.as_deref().map(Cow::Borrowed);
    let params = |values: &'a SerializedValues| QueryParameters {
        consistency,
        values: Cow::Borrowed(values),
        skip_metadata: false,
        page_size: resolved.page_size,
        paging_state: request.paging_state.as_ref().map(|s| s.as_bytes().clone()),
        serial_consistency: resolved.serial_consistency,
        timestamp,
        keyspace: keyspace.clone(),
        now_in_seconds: None,
    };
    match &request.payload {
        Payload::Query(cql, values) => Request::Query(Query {
            query: Cow::Borrowed(cql),
            params: params(values),
        }),
        Payload::Use(cql) => Request::Query(Query {
            query: Cow::Borrowed(cql),
            params: QueryParameters::with_consistency(consistency),
        }),
        Payload::Execute(p, values) => {
            let read;
            let c = match current {
                Some(c) => c,
                None => {
                    read = p.current();
                    &*read
                }
            };
            let mut params = params(values);
            // The keyspace is the one it was prepared in; EXECUTE carries none.
            params.keyspace = None;
            // Only v5 can skip result metadata safely: its metadata id tells a changed
            // schema apart.
            params.skip_metadata = version >= ProtocolVersion::V5
                && c.result_metadata_id.is_some()
                && c.result.is_some();
            Request::Execute(Execute {
                id: c.id.clone(),
                result_metadata_id: c.result_metadata_id.clone(),
                params,
            })
        }
        // The keyspace goes in PREPARE from v5 on (the attempt refused another keyspace
        // than the session's on older connections).
        Payload::Prepare(cql, keyspace) => Request::Prepare(message::Prepare {
            query: Cow::Borrowed(cql),
            keyspace: keyspace
                .as_deref()
                .filter(|_| version >= ProtocolVersion::V5)
                .map(Cow::Borrowed),
        }),
        Payload::Batch(batch_type, items) => Request::Batch(message::Batch {
            batch_type: *batch_type,
            entries: items
                .iter()
                .map(|i| match i {
                    BatchItem::Simple(cql, v) => BatchEntry {
                        statement: BatchStatement::Query(Cow::Borrowed(cql)),
                        values: Cow::Borrowed(v),
                    },
                    BatchItem::Prepared(p, v) => BatchEntry {
                        statement: BatchStatement::Prepared(p.id()),
                        values: Cow::Borrowed(v),
                    },
                })
                .collect(),
            consistency,
            serial_consistency: resolved.serial_consistency,
            timestamp,
            keyspace,
            now_in_seconds: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Prepared, PreparedMetadata, ResultMetadata};
    use crate::session::config::ExecutionProfile;
    use crate::session::statement::{PagingState, Statement};
    use bytes::Bytes;

    fn resolved(options: &StatementOptions) -> ResolvedOptions {
        ResolvedOptions::resolve(options, &ExecutionProfile::default())
    }

    #[test]
    fn messages_carry_the_resolved_options() {
        let stmt = Statement::new("SELECT * FROM t WHERE k = ?")
            .with_serial_consistency(Consistency::LocalSerial);
        let mut req = ExecRequest::new(StatementRef::Simple(&stmt), &(1i32,)).unwrap();
        req.paging_state = Some(PagingState::from_bytes(&b"p"[..]));
        let r = resolved(&req.options);
        let Request::Query(q) = build_message(
            &req,
            None,
            &r,
            Consistency::Two,
            Some(77),
            ProtocolVersion::V4,
        ) else {
            panic!("not a query")
        };
        assert_eq!(q.query, "SELECT * FROM t WHERE k = ?");
        assert_eq!(q.params.consistency, Consistency::Two);
        assert_eq!(q.params.values.len(), 1);
        assert_eq!(q.params.page_size, Some(5000));
        assert_eq!(q.params.timestamp, Some(77));
        assert_eq!(q.params.serial_consistency, Some(Consistency::LocalSerial));
        assert_eq!(q.params.paging_state, Some(Bytes::from_static(b"p")));
        assert_eq!(req.prepared_count(), 0);
    }

    #[test]
    fn execute_skips_metadata_only_in_v5_with_known_columns() {
        let p = PreparedStatement::from_prepared(
            "SELECT v FROM t",
            None,
            Prepared {
                id: Bytes::from_static(b"id"),
                result_metadata_id: Some(Bytes::from_static(b"m")),
                bind_metadata: PreparedMetadata::default(),
                result_metadata: ResultMetadata::new(
                    alloc::vec![crate::types::column_type::test_spec(
                        "v",
                        crate::ColumnType::Int
                    )],
                    None,
                ),
            },
        );
        let req = ExecRequest::new(StatementRef::Prepared(&p), &()).unwrap();
        assert_eq!(req.prepared_count(), 1);
        let r = resolved(&req.options);
        for (version, skip) in [(ProtocolVersion::V4, false), (ProtocolVersion::V5, true)] {
            let Request::Execute(e) =
                build_message(&req, None, &r, Consistency::One, None, version)
            else {
                panic!("not an execute")
            };
            assert_eq!(e.params.skip_metadata, skip);
            assert_eq!(e.id, Bytes::from_static(b"id"));
        }
        // Too many values are refused before anything is sent.
        let Err(e) = ExecRequest::new(StatementRef::Prepared(&p), &(1i32,)) else {
            panic!("values were accepted")
        };
        assert!(matches!(e, Error::Serialize(_)));
    }

    #[test]
    fn unprepared_ids_find_their_statement_in_a_batch() {
        let make = |id: &'static [u8]| {
            PreparedStatement::from_prepared(
                "INSERT",
                None,
                Prepared {
                    id: Bytes::from_static(id),
                    ..Prepared::default()
                },
            )
        };
        let (a, b) = (make(b"a"), make(b"b"));
        let req = ExecRequest {
            payload: Payload::Batch(
                crate::message::BatchType::Logged,
                Arc::new(alloc::vec![
                    BatchItem::Prepared(a, SerializedValues::new()),
                    BatchItem::Simple(Arc::from("UPDATE"), SerializedValues::new()),
                    BatchItem::Prepared(b.clone(), SerializedValues::new()),
                ]),
            ),
            options: StatementOptions::default(),
            paging_state: None,
        };
        assert!(find_prepared(&req, b"b").unwrap().same_statement(&b));
        assert!(find_prepared(&req, b"zz").is_none());
        assert_eq!(req.prepared_count(), 2);
    }
}
