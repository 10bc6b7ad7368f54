//! ERROR responses: the server's error code, message and per-code details.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::IpAddr;

use bytes::Bytes;

use super::consistency::Consistency;
use crate::frame::ProtocolVersion;
use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{
    Reader, int_len, write_i32, write_inetaddr, write_short_bytes, write_string, write_string_list,
    write_u8, write_u16,
};

/// The kind of write that failed or timed out (`<writeType>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WriteType {
    /// A non-batched, non-counter write.
    Simple,
    /// A logged batch whose batch log was written.
    Batch,
    /// An unlogged batch.
    UnloggedBatch,
    /// A counter write (batched or not).
    Counter,
    /// The write to the batch log of a logged batch.
    BatchLog,
    /// A lightweight transaction (compare and set).
    Cas,
    /// A materialized view update.
    View,
    /// A write to CDC-tracked data while CDC space was exhausted.
    Cdc,
    /// A write type this crate does not know, kept verbatim.
    Other(String),
}

impl WriteType {
    /// The wire name.
    pub fn name(&self) -> &str {
        match self {
            Self::Simple => "SIMPLE",
            Self::Batch => "BATCH",
            Self::UnloggedBatch => "UNLOGGED_BATCH",
            Self::Counter => "COUNTER",
            Self::BatchLog => "BATCH_LOG",
            Self::Cas => "CAS",
            Self::View => "VIEW",
            Self::Cdc => "CDC",
            Self::Other(s) => s,
        }
    }

    /// The write type for a wire name; unknown names become [`WriteType::Other`].
    pub fn from_name(name: &str) -> Self {
        match name {
            "SIMPLE" => Self::Simple,
            "BATCH" => Self::Batch,
            "UNLOGGED_BATCH" => Self::UnloggedBatch,
            "COUNTER" => Self::Counter,
            "BATCH_LOG" => Self::BatchLog,
            "CAS" => Self::Cas,
            "VIEW" => Self::View,
            "CDC" => Self::Cdc,
            other => Self::Other(other.to_string()),
        }
    }
}

/// How many replicas failed, and (v5) why.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Failures {
    /// Protocol v4: only the number of failed replicas (`<numfailures>`).
    Count(i32),
    /// Protocol v5: each failed replica and its failure reason code (`<reasonmap>`).
    ByReplica(Vec<(IpAddr, u16)>),
}

impl Failures {
    /// The number of failed replicas.
    pub fn count(&self) -> usize {
        match self {
            Self::Count(n) => usize::try_from(*n).unwrap_or(0),
            Self::ByReplica(map) => map.len(),
        }
    }
}

/// An error reported by the server, with the details its code carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DbError {
    /// 0x0000: an unexpected server-side failure (a server bug).
    ServerError,
    /// 0x000A: the client violated the protocol.
    ProtocolError,
    /// 0x0100: authentication failed.
    BadCredentials,
    /// 0x1000: not enough replicas alive to honour the consistency level.
    Unavailable {
        /// Consistency level of the request.
        consistency: Consistency,
        /// Replicas that had to be alive.
        required: i32,
        /// Replicas known to be alive.
        alive: i32,
    },
    /// 0x1001: the coordinator is overloaded.
    Overloaded,
    /// 0x1002: the coordinator is bootstrapping.
    IsBootstrapping,
    /// 0x1003: a TRUNCATE failed.
    TruncateError,
    /// 0x1100: a write timed out.
    WriteTimeout {
        /// Consistency level of the request.
        consistency: Consistency,
        /// Replicas that acknowledged.
        received: i32,
        /// Acknowledgements needed.
        block_for: i32,
        /// Kind of write.
        write_type: WriteType,
        /// Protocol v5, CAS writes only: contentions met during the Paxos round. Written
        /// only in v5 (and expected only with [`WriteType::Cas`]).
        contentions: Option<u16>,
    },
    /// 0x1200: a read timed out.
    ReadTimeout {
        /// Consistency level of the request.
        consistency: Consistency,
        /// Replicas that answered.
        received: i32,
        /// Answers needed.
        block_for: i32,
        /// Whether the replica asked for data answered.
        data_present: bool,
    },
    /// 0x1300: a read failed on some replicas (not a timeout).
    ReadFailure {
        /// Consistency level of the request.
        consistency: Consistency,
        /// Replicas that answered.
        received: i32,
        /// Answers needed.
        block_for: i32,
        /// The failed replicas.
        failures: Failures,
        /// Whether the replica asked for data answered.
        data_present: bool,
    },
    /// 0x1400: a user-defined function failed.
    FunctionFailure {
        /// Keyspace of the function.
        keyspace: String,
        /// Function name.
        function: String,
        /// CQL types of its arguments.
        arg_types: Vec<String>,
    },
    /// 0x1500: a write failed on some replicas (not a timeout).
    WriteFailure {
        /// Consistency level of the request.
        consistency: Consistency,
        /// Replicas that acknowledged.
        received: i32,
        /// Acknowledgements needed.
        block_for: i32,
        /// The failed replicas.
        failures: Failures,
        /// Kind of write.
        write_type: WriteType,
    },
    /// 0x1600: a write to CDC-tracked data failed (v5).
    CdcWriteFailure,
    /// 0x1700: a contended lightweight transaction may or may not have been applied (v5).
    CasWriteUnknown {
        /// Consistency level of the request.
        consistency: Consistency,
        /// Replicas that acknowledged.
        received: i32,
        /// Acknowledgements needed.
        block_for: i32,
    },
    /// 0x2000: the statement has a syntax error.
    SyntaxError,
    /// 0x2100: the user lacks a permission.
    Unauthorized,
    /// 0x2200: the statement is syntactically valid but invalid.
    Invalid,
    /// 0x2300: the statement conflicts with the configuration.
    ConfigError,
    /// 0x2400: the keyspace or table being created already exists.
    AlreadyExists {
        /// The keyspace (that exists, or that holds the table).
        keyspace: String,
        /// The table, or empty when the keyspace itself exists.
        table: String,
    },
    /// 0x2500: the prepared statement id is unknown to this node; prepare it again.
    Unprepared {
        /// The unknown id.
        id: Bytes,
    },
    /// An error code this crate does not know; any extra body bytes are ignored.
    Other(i32),
}

impl DbError {
    /// The wire error code.
    pub fn code(&self) -> i32 {
        match self {
            Self::ServerError => 0x0000,
            Self::ProtocolError => 0x000A,
            Self::BadCredentials => 0x0100,
            Self::Unavailable { .. } => 0x1000,
            Self::Overloaded => 0x1001,
            Self::IsBootstrapping => 0x1002,
            Self::TruncateError => 0x1003,
            Self::WriteTimeout { .. } => 0x1100,
            Self::ReadTimeout { .. } => 0x1200,
            Self::ReadFailure { .. } => 0x1300,
            Self::FunctionFailure { .. } => 0x1400,
            Self::WriteFailure { .. } => 0x1500,
            Self::CdcWriteFailure => 0x1600,
            Self::CasWriteUnknown { .. } => 0x1700,
            Self::SyntaxError => 0x2000,
            Self::Unauthorized => 0x2100,
            Self::Invalid => 0x2200,
            Self::ConfigError => 0x2300,
            Self::AlreadyExists { .. } => 0x2400,
            Self::Unprepared { .. } => 0x2500,
            Self::Other(code) => *code,
        }
    }
}

/// An ERROR response: what went wrong, with the server's human-readable message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErrorResponse {
    /// The error and its details.
    pub error: DbError,
    /// The server's message.
    pub message: String,
}

impl core::fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "server error 0x{:04x}: {}",
            self.error.code(),
            self.message
        )
    }
}

impl ErrorResponse {
    /// Appends the ERROR body.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] for oversized strings or maps.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_i32(out, self.error.code());
        write_string(out, &self.message)?;
        match &self.error {
            DbError::Unavailable {
                consistency,
                required,
                alive,
            } => {
                write_u16(out, consistency.code());
                write_i32(out, *required);
                write_i32(out, *alive);
            }
            DbError::WriteTimeout {
                consistency,
                received,
                block_for,
                write_type,
                contentions,
            } => {
                write_counts(out, *consistency, *received, *block_for);
                write_string(out, write_type.name())?;
                if let (true, Some(n)) = (version >= ProtocolVersion::V5, contentions) {
                    write_u16(out, *n);
                }
            }
            DbError::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            } => {
                write_counts(out, *consistency, *received, *block_for);
                write_u8(out, u8::from(*data_present));
            }
            DbError::ReadFailure {
                consistency,
                received,
                block_for,
                failures,
                data_present,
            } => {
                write_counts(out, *consistency, *received, *block_for);
                write_failures(out, version, failures)?;
                write_u8(out, u8::from(*data_present));
            }
            DbError::FunctionFailure {
                keyspace,
                function,
                arg_types,
            } => {
                write_string(out, keyspace)?;
                write_string(out, function)?;
                write_string_list(out, arg_types)?;
            }
            DbError::WriteFailure {
                consistency,
                received,
                block_for,
                failures,
                write_type,
            } => {
                write_counts(out, *consistency, *received, *block_for);
                write_failures(out, version, failures)?;
                write_string(out, write_type.name())?;
            }
            DbError::CasWriteUnknown {
                consistency,
                received,
                block_for,
            } => write_counts(out, *consistency, *received, *block_for),
            DbError::AlreadyExists { keyspace, table } => {
                write_string(out, keyspace)?;
                write_string(out, table)?;
            }
            DbError::Unprepared { id } => write_short_bytes(out, id)?,
            DbError::ServerError
            | DbError::ProtocolError
            | DbError::BadCredentials
            | DbError::Overloaded
            | DbError::IsBootstrapping
            | DbError::TruncateError
            | DbError::CdcWriteFailure
            | DbError::SyntaxError
            | DbError::Unauthorized
            | DbError::Invalid
            | DbError::ConfigError
            | DbError::Other(_) => {}
        }
        Ok(())
    }

    /// Reads an ERROR body. Bytes after the fields of a known code are left unread, as
    /// the specification asks clients to tolerate; so is everything after the message
    /// of an unknown code.
    ///
    /// # Errors
    /// [`DecodeError`] for truncated fields or invalid consistency codes.
    pub fn decode(version: ProtocolVersion, r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let code = r.read_i32()?;
        let message = r.read_string()?.to_string();
        let error = match code {
            0x0000 => DbError::ServerError,
            0x000A => DbError::ProtocolError,
            0x0100 => DbError::BadCredentials,
            0x1000 => DbError::Unavailable {
                consistency: Consistency::from_code(r.read_u16()?)?,
                required: r.read_i32()?,
                alive: r.read_i32()?,
            },
            0x1001 => DbError::Overloaded,
            0x1002 => DbError::IsBootstrapping,
            0x1003 => DbError::TruncateError,
            0x1100 => {
                let (consistency, received, block_for) = read_counts(r)?;
                let write_type = WriteType::from_name(r.read_string()?);
                // v5 servers append <contentions> to CAS timeouts; tolerate its absence
                // (servers from before the field existed).
                let contentions = if version >= ProtocolVersion::V5
                    && write_type == WriteType::Cas
                    && r.remaining() >= 2
                {
                    Some(r.read_u16()?)
                } else {
                    None
                };
                DbError::WriteTimeout {
                    consistency,
                    received,
                    block_for,
                    write_type,
                    contentions,
                }
            }
            0x1200 => {
                let (consistency, received, block_for) = read_counts(r)?;
                DbError::ReadTimeout {
                    consistency,
                    received,
                    block_for,
                    data_present: r.read_u8()? != 0,
                }
            }
            0x1300 => {
                let (consistency, received, block_for) = read_counts(r)?;
                DbError::ReadFailure {
                    consistency,
                    received,
                    block_for,
                    failures: read_failures(r, version)?,
                    data_present: r.read_u8()? != 0,
                }
            }
            0x1400 => DbError::FunctionFailure {
                keyspace: r.read_string()?.to_string(),
                function: r.read_string()?.to_string(),
                arg_types: r
                    .read_string_list()?
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            },
            0x1500 => {
                let (consistency, received, block_for) = read_counts(r)?;
                DbError::WriteFailure {
                    consistency,
                    received,
                    block_for,
                    failures: read_failures(r, version)?,
                    write_type: WriteType::from_name(r.read_string()?),
                }
            }
            0x1600 => DbError::CdcWriteFailure,
            0x1700 => {
                let (consistency, received, block_for) = read_counts(r)?;
                DbError::CasWriteUnknown {
                    consistency,
                    received,
                    block_for,
                }
            }
            0x2000 => DbError::SyntaxError,
            0x2100 => DbError::Unauthorized,
            0x2200 => DbError::Invalid,
            0x2300 => DbError::ConfigError,
            0x2400 => DbError::AlreadyExists {
                keyspace: r.read_string()?.to_string(),
                table: r.read_string()?.to_string(),
            },
            0x2500 => DbError::Unprepared {
                id: Bytes::copy_from_slice(r.read_short_bytes()?),
            },
            other => {
                r.take_rest();
                DbError::Other(other)
            }
        };
        Ok(Self { error, message })
    }
}

fn write_counts(out: &mut Vec<u8>, consistency: Consistency, received: i32, block_for: i32) {
    write_u16(out, consistency.code());
    write_i32(out, received);
    write_i32(out, block_for);
}

fn read_counts(r: &mut Reader<'_>) -> Result<(Consistency, i32, i32), DecodeError> {
    Ok((
        Consistency::from_code(r.read_u16()?)?,
        r.read_i32()?,
        r.read_i32()?,
    ))
}

/// Writes `<numfailures>` (before v5) or `<reasonmap>` (v5). A v4 peer gets the number
/// of entries of a reason map; a v5 peer cannot be sent a bare count.
fn write_failures(
    out: &mut Vec<u8>,
    version: ProtocolVersion,
    failures: &Failures,
) -> Result<(), EncodeError> {
    if version >= ProtocolVersion::V5 {
        let Failures::ByReplica(map) = failures else {
            return Err(EncodeError::Unsupported(
                "a failure count without a reason map",
            ));
        };
        write_i32(out, int_len("reason map", map.len())?);
        for (addr, reason) in map {
            write_inetaddr(out, addr);
            write_u16(out, *reason);
        }
    } else {
        let n = match failures {
            Failures::Count(n) => *n,
            Failures::ByReplica(map) => int_len("reason map", map.len())?,
        };
        write_i32(out, n);
    }
    Ok(())
}

fn read_failures(r: &mut Reader<'_>, version: ProtocolVersion) -> Result<Failures, DecodeError> {
    let n = r.read_i32()?;
    if version < ProtocolVersion::V5 {
        return Ok(Failures::Count(n));
    }
    let n = usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
        what: "reason map",
        length: i64::from(n),
    })?;
    // Each entry is at least a 4-byte address with its length byte and a [short] code.
    r.check_count(n, 7, "reason map")?;
    let mut map = Vec::with_capacity(n);
    for _ in 0..n {
        let addr = r.read_inetaddr()?;
        map.push((addr, r.read_u16()?));
    }
    Ok(Failures::ByReplica(map))
}
