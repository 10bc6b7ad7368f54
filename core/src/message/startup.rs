//! STARTUP requests: the options a client opens a connection with.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::frame::Compression;
use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{Reader, write_string_map};

/// The STARTUP option naming the CQL version (mandatory).
pub const CQL_VERSION: &str = "CQL_VERSION";
/// The STARTUP option naming the body compression.
pub const COMPRESSION: &str = "COMPRESSION";
/// The STARTUP option naming the client driver.
pub const DRIVER_NAME: &str = "DRIVER_NAME";
/// The STARTUP option giving the client driver's version.
pub const DRIVER_VERSION: &str = "DRIVER_VERSION";
/// The STARTUP option asking the server to answer OVERLOADED instead of applying
/// backpressure when it is overloaded (Cassandra 4+).
pub const THROW_ON_OVERLOAD: &str = "THROW_ON_OVERLOAD";

/// A STARTUP request: a `[string map]` of options, kept in wire order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Startup {
    /// Option names and values, in the order they are written.
    pub options: Vec<(String, String)>,
}

impl Startup {
    /// A STARTUP carrying only `CQL_VERSION`.
    pub fn new(cql_version: &str) -> Self {
        Self {
            options: alloc::vec![(CQL_VERSION.to_string(), cql_version.to_string())],
        }
    }

    /// The value of option `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The compression this STARTUP asks for: [`Compression::None`] when absent,
    /// `Err(name)` for an algorithm this crate does not know.
    pub fn compression(&self) -> Result<Compression, &str> {
        match self.get(COMPRESSION) {
            None => Ok(Compression::None),
            Some(name) => Compression::from_name(name).ok_or(name),
        }
    }

    /// Appends the STARTUP body.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] for an option that does not fit a `[string]`.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_string_map(out, &self.options)
    }

    /// Reads a STARTUP body.
    ///
    /// # Errors
    /// [`DecodeError`] for a malformed `[string map]`.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let options = r
            .read_string_map()?
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Ok(Self { options })
    }
}
