//! GraphSON 1.0, 2.0 and 3.0: reading graph results and writing graph query parameters the
//! way the Python driver (cassandra-driver 3.30.1) does.
//!
//! - [`decode_value`] / [`decode_json`]: GraphSON text or a JSON tree to a
//!   [`GraphValue`](crate::graph::GraphValue).
//!   1.0 is untyped JSON; 2.0 and 3.0 carry `{"@type", "@value"}` tags.
//! - [`decode_row`]: one row of a graph result (the `gremlin` column: `{"result": ...}`),
//!   with the Python driver's row factory of each version.
//! - [`encode_parameters`]: the parameters of a graph query as the JSON text the driver
//!   sends; [`encode_value`]: one value alone.
//! - [`graphson1`]: GraphSON 1.0 specifics (typed readers of untyped values, the
//!   vertex/edge/path shapes).
//!
//! # Reading as the Python driver reads
//!
//! - An unknown `@type` is not an error: the object reads as a plain map of its members
//!   (`{"@type": "gx:Char", "@value": "a"}` is a two-entry map). So does a known tag whose
//!   value lacks a member its reader needs (a `g:Edge` without `inV`), and a tag of 3.0
//!   (`g:List`, `g:Map`...) in 2.0.
//! - `g:Int32` and `g:Int64` values out of their range read as the next wider integer;
//!   `gx:BigInteger` and beyond-64-bit values as [`BigInteger`](super::value::BigInteger).
//! - A `g:Set` whose elements would collapse in a Python set (`g:Int32 1` and `g:Int64 1`,
//!   the same string twice) reads as a list.
//! - `gx:InetAddress` reads as an address (a string if it is none); a `gx:LocalDate`
//!   that is no date reads as its string.
//! - A `g:VertexProperty` keeps its id (the Python driver drops it); a `g:Property` inside an
//!   edge is unwrapped to its value (that driver makes a `{key: {key: value}}` map of it).
//! - Beyond that driver: `g:Date` and `g:Timestamp` (milliseconds) read as instants,
//!   `g:Direction` as a direction and `g:Traverser` as a traverser; it leaves them as maps.
//! - `dse:UDT` reads as a [`GraphUdt`](super::value::GraphUdt) with its definition (that
//!   driver needs the UDT's class registered on the cluster).

mod decode;
mod encode;
pub mod graphson1;
mod rows;

use core::fmt;

pub use decode::{DecodeError, decode_json, decode_value};
pub use encode::{EncodeError, encode_parameters, encode_value};
pub use rows::{GraphRow, decode_row};

pub(crate) use decode::{invalid, member};
pub(crate) use encode::{Encoder, tagged};

/// A GraphSON version: the `graph-results` protocol of a graph query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GraphsonVersion {
    /// GraphSON 1.0: untyped JSON (`graphson-1.0`).
    V1,
    /// GraphSON 2.0: typed scalars, plain JSON collections (`graphson-2.0`).
    V2,
    /// GraphSON 3.0: everything typed, maps with non-string keys (`graphson-3.0`).
    V3,
}

impl GraphsonVersion {
    /// The protocol name: `graphson-1.0`, `graphson-2.0`, `graphson-3.0`.
    pub fn protocol_name(self) -> &'static str {
        match self {
            GraphsonVersion::V1 => "graphson-1.0",
            GraphsonVersion::V2 => "graphson-2.0",
            GraphsonVersion::V3 => "graphson-3.0",
        }
    }

    /// The version of a protocol name.
    pub fn from_protocol_name(name: &str) -> Option<Self> {
        Some(match name {
            "graphson-1.0" => GraphsonVersion::V1,
            "graphson-2.0" => GraphsonVersion::V2,
            "graphson-3.0" => GraphsonVersion::V3,
            _ => return None,
        })
    }
}

impl fmt::Display for GraphsonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GraphsonVersion::V1 => "1.0",
            GraphsonVersion::V2 => "2.0",
            GraphsonVersion::V3 => "3.0",
        })
    }
}
