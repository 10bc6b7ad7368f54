//! Layer 3: every request and response message of the native protocol, encodable and
//! decodable in both directions (clients encode requests and decode responses; the
//! simulated node does the reverse).
//!
//! [`Request`] and [`Response`] are the message bodies; [`RequestFrame`] and
//! [`ResponseFrame`] add the stream id and the envelope fields the header flags announce
//! (tracing, warnings, custom payload) and turn messages into whole frames and back.
//!
//! Decoding never panics and never allocates more than the input could hold. Request
//! bodies must be consumed exactly; response bodies may carry bytes after the known
//! fields, which are ignored as the specification asks of clients.

pub mod auth;
pub mod batch;
pub mod consistency;
pub mod envelope;
pub mod error;
mod error_meaning;
pub mod event;
pub mod execute;
mod flags;
pub mod metadata;
pub mod prepare;
pub mod query;
pub mod register;
pub mod result;
pub mod schema_change;
pub mod startup;
pub mod supported;

use alloc::vec::Vec;

use bytes::Bytes;

use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::Reader;
use crate::frame::{Opcode, ProtocolVersion};

pub use auth::{AuthChallenge, AuthResponse, AuthSuccess, AuthToken, Authenticate};
pub use batch::{Batch, BatchEntry, BatchStatement, BatchType};
pub use consistency::Consistency;
pub use envelope::{CustomPayload, RequestFrame, ResponseFrame};
pub use error::{DbError, ErrorResponse, Failures, WriteType};
pub use error_meaning::DbErrorKind;
pub use event::{Event, StatusChangeType, TopologyChangeType};
pub use execute::Execute;
pub use metadata::{KnownColumns, PreparedMetadata, ResultMetadata, TableSpec};
pub use prepare::Prepare;
pub use query::{Query, QueryParameters};
pub use register::{EventType, Register};
pub use result::{Prepared, RawRow, RawRows, ResultMessage, Rows};
pub use schema_change::{SchemaChange, SchemaChangeTarget, SchemaChangeType};
pub use startup::Startup;
pub use supported::Supported;

/// A message sent by a client.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Request<'a> {
    /// STARTUP: open the connection with options.
    Startup(Startup),
    /// OPTIONS: ask which startup options the server supports.
    Options,
    /// QUERY: run a CQL statement.
    Query(Query<'a>),
    /// PREPARE: prepare a statement.
    Prepare(Prepare<'a>),
    /// EXECUTE: run a prepared statement.
    Execute(Execute<'a>),
    /// BATCH: apply several statements together.
    Batch(Batch<'a>),
    /// REGISTER: subscribe to events.
    Register(Register),
    /// AUTH_RESPONSE: answer an authentication challenge.
    AuthResponse(AuthResponse),
}

impl Request<'_> {
    /// A close upper estimate of the encoded body's size, so an encoder can reserve its
    /// buffer once instead of growing it field by field.
    pub fn encoded_len_hint(&self) -> usize {
        // Flags, consistency, counts, page size, timestamps: a generous allowance.
        const FIXED: usize = 48;
        let params = |p: &QueryParameters| {
            FIXED
                + p.values.as_bytes().len()
                + p.paging_state.as_ref().map_or(0, |s| s.len() + 4)
                + p.keyspace.as_ref().map_or(0, |k| k.len() + 2)
        };
        match self {
            Self::Query(q) => 4 + q.query.len() + params(&q.params),
            Self::Execute(e) => {
                4 + e.id.len()
                    + e.result_metadata_id.as_ref().map_or(0, |m| m.len() + 2)
                    + params(&e.params)
            }
            Self::Prepare(p) => FIXED + p.query.len() + p.keyspace.as_ref().map_or(0, |k| k.len()),
            Self::Batch(b) => {
                FIXED
                    + b.keyspace.as_ref().map_or(0, |k| k.len())
                    + b.entries
                        .iter()
                        .map(|e| {
                            let statement = match &e.statement {
                                batch::BatchStatement::Query(q) => q.len(),
                                batch::BatchStatement::Prepared(id) => id.len(),
                            };
                            8 + statement + e.values.as_bytes().len()
                        })
                        .sum::<usize>()
            }
            Self::AuthResponse(a) => 4 + a.token.as_ref().map_or(0, Bytes::len),
            Self::Startup(_) | Self::Options | Self::Register(_) => FIXED,
        }
    }

    /// The opcode of the message.
    pub fn opcode(&self) -> Opcode {
        match self {
            Self::Startup(_) => Opcode::Startup,
            Self::Options => Opcode::Options,
            Self::Query(_) => Opcode::Query,
            Self::Prepare(_) => Opcode::Prepare,
            Self::Execute(_) => Opcode::Execute,
            Self::Batch(_) => Opcode::Batch,
            Self::Register(_) => Opcode::Register,
            Self::AuthResponse(_) => Opcode::AuthResponse,
        }
    }

    /// Appends the message body (no envelope prefix) for `version`.
    ///
    /// # Errors
    /// [`EncodeError::Unsupported`] for fields `version` cannot carry; length errors.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            Self::Startup(m) => m.encode(out),
            Self::Options => Ok(()),
            Self::Query(m) => m.encode(version, out),
            Self::Prepare(m) => m.encode(version, out),
            Self::Execute(m) => m.encode(version, out),
            Self::Batch(m) => m.encode(version, out),
            Self::Register(m) => m.encode(out),
            Self::AuthResponse(m) => m.encode(out),
        }
    }

    /// Reads a request body (no envelope prefix), which must be consumed exactly.
    ///
    /// # Errors
    /// [`DecodeError::InvalidValue`] for a response opcode; any malformed field;
    /// [`DecodeError::TrailingBytes`] when bytes are left over.
    pub fn decode(
        opcode: Opcode,
        version: ProtocolVersion,
        body: &[u8],
    ) -> Result<Request<'static>, DecodeError> {
        let r = &mut Reader::new(body);
        let msg = match opcode {
            Opcode::Startup => Request::Startup(Startup::decode(r)?),
            Opcode::Options => Request::Options,
            Opcode::Query => Request::Query(Query::decode(version, r)?),
            Opcode::Prepare => Request::Prepare(Prepare::decode(version, r)?),
            Opcode::Execute => Request::Execute(Execute::decode(version, r)?),
            Opcode::Batch => Request::Batch(Batch::decode(version, r)?),
            Opcode::Register => Request::Register(Register::decode(r)?),
            Opcode::AuthResponse => Request::AuthResponse(AuthResponse::decode(r)?),
            other => {
                return Err(DecodeError::InvalidValue {
                    what: "request opcode",
                    value: i64::from(other as u8),
                });
            }
        };
        r.finish("request")?;
        Ok(msg)
    }
}

/// A message sent by a server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Response {
    /// ERROR: the request failed.
    Error(ErrorResponse),
    /// READY: the connection is ready for queries.
    Ready,
    /// AUTHENTICATE: authentication is required.
    Authenticate(Authenticate),
    /// SUPPORTED: the answer to OPTIONS.
    Supported(Supported),
    /// RESULT: the answer to QUERY, PREPARE, EXECUTE or BATCH.
    Result(ResultMessage),
    /// EVENT: a pushed event (stream -1).
    Event(Event),
    /// AUTH_CHALLENGE: a SASL challenge.
    AuthChallenge(AuthChallenge),
    /// AUTH_SUCCESS: authentication succeeded.
    AuthSuccess(AuthSuccess),
}

impl Response {
    /// The opcode of the message.
    pub fn opcode(&self) -> Opcode {
        match self {
            Self::Error(_) => Opcode::Error,
            Self::Ready => Opcode::Ready,
            Self::Authenticate(_) => Opcode::Authenticate,
            Self::Supported(_) => Opcode::Supported,
            Self::Result(_) => Opcode::Result,
            Self::Event(_) => Opcode::Event,
            Self::AuthChallenge(_) => Opcode::AuthChallenge,
            Self::AuthSuccess(_) => Opcode::AuthSuccess,
        }
    }

    /// Appends the message body (no envelope prefix) for `version`.
    ///
    /// # Errors
    /// [`EncodeError::Unsupported`] for fields `version` cannot carry; length errors.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            Self::Error(m) => m.encode(version, out),
            Self::Ready => Ok(()),
            Self::Authenticate(m) => m.encode(out),
            Self::Supported(m) => m.encode(out),
            Self::Result(m) => m.encode(version, out),
            Self::Event(m) => m.encode(out),
            Self::AuthChallenge(m) | Self::AuthSuccess(m) => m.encode(out),
        }
    }

    /// Reads a response body (no envelope prefix). Rows are sliced from `body` without
    /// copying; bytes after the known fields are ignored.
    ///
    /// # Errors
    /// [`DecodeError::InvalidValue`] for a request opcode; any malformed field.
    pub fn decode(
        opcode: Opcode,
        version: ProtocolVersion,
        body: &Bytes,
    ) -> Result<Self, DecodeError> {
        Self::decode_with(opcode, version, body, None)
    }

    /// Reads a response body like [`decode`](Self::decode); the column specs of Rows
    /// byte-equal to `known` are not decoded (see [`ResultMetadata::decode_with`]).
    ///
    /// # Errors
    /// As [`decode`](Self::decode).
    pub fn decode_with(
        opcode: Opcode,
        version: ProtocolVersion,
        body: &Bytes,
        known: Option<&KnownColumns>,
    ) -> Result<Self, DecodeError> {
        let r = &mut Reader::new(body);
        Ok(match opcode {
            Opcode::Error => Self::Error(ErrorResponse::decode(version, r)?),
            Opcode::Ready => Self::Ready,
            Opcode::Authenticate => Self::Authenticate(Authenticate::decode(r)?),
            Opcode::Supported => Self::Supported(Supported::decode(r)?),
            Opcode::Result => Self::Result(ResultMessage::decode_with(version, body, known)?),
            Opcode::Event => Self::Event(Event::decode(r)?),
            Opcode::AuthChallenge => Self::AuthChallenge(AuthChallenge::decode(r)?),
            Opcode::AuthSuccess => Self::AuthSuccess(AuthSuccess::decode(r)?),
            other => {
                return Err(DecodeError::InvalidValue {
                    what: "response opcode",
                    value: i64::from(other as u8),
                });
            }
        })
    }
}
