//! SUPPORTED responses: the startup options a server accepts (the answer to OPTIONS).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{Reader, write_string_multimap};

/// The SUPPORTED key listing CQL versions.
pub const CQL_VERSION: &str = "CQL_VERSION";
/// The SUPPORTED key listing compression algorithms.
pub const COMPRESSION: &str = "COMPRESSION";
/// The SUPPORTED key listing protocol versions, as `4/v4`, `5/v5-beta`, ...
pub const PROTOCOL_VERSIONS: &str = "PROTOCOL_VERSIONS";

/// A SUPPORTED response: a `[string multimap]` kept in wire order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Supported {
    /// Option names and their accepted values.
    pub options: Vec<(String, Vec<String>)>,
}

impl Supported {
    /// The values listed for `name` (empty when absent).
    pub fn get(&self, name: &str) -> &[String] {
        self.options
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_slice())
            .unwrap_or_default()
    }

    /// Appends the SUPPORTED body.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] for names or lists that overflow their prefixes.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_string_multimap(out, &self.options)
    }

    /// Reads a SUPPORTED body.
    ///
    /// # Errors
    /// [`DecodeError`] for a malformed `[string multimap]`.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let options = r
            .read_string_multimap()?
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
            .collect();
        Ok(Self { options })
    }
}
