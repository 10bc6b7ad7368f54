//! The SASL authentication exchange: AUTHENTICATE, AUTH_RESPONSE, AUTH_CHALLENGE and
//! AUTH_SUCCESS.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use bytes::Bytes;

use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{Reader, write_bytes, write_string};

/// AUTHENTICATE response: the server requires authentication with the named
/// authenticator class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticate {
    /// Full class name of the server's `IAuthenticator`.
    pub authenticator: String,
}

impl Authenticate {
    /// Appends the AUTHENTICATE body.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] for a class name above 65,535 bytes.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_string(out, &self.authenticator)
    }

    /// Reads an AUTHENTICATE body.
    ///
    /// # Errors
    /// [`DecodeError`] for a malformed `[string]`.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            authenticator: r.read_string()?.to_string(),
        })
    }
}

/// A SASL token carried as `[bytes]` (null allowed); the body of AUTH_RESPONSE,
/// AUTH_CHALLENGE and AUTH_SUCCESS.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthToken {
    /// The token, or `None` for a null `[bytes]`.
    pub token: Option<Bytes>,
}

impl AuthToken {
    /// A token with the given bytes.
    pub fn new(token: impl Into<Bytes>) -> Self {
        Self {
            token: Some(token.into()),
        }
    }

    /// Appends the token.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] for a token above `i32::MAX` bytes.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_bytes(out, self.token.as_deref())
    }

    /// Reads a token.
    ///
    /// # Errors
    /// [`DecodeError`] for a truncated `[bytes]`.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            token: r.read_bytes()?.map(Bytes::copy_from_slice),
        })
    }
}

/// AUTH_RESPONSE request: the client's SASL response.
pub type AuthResponse = AuthToken;
/// AUTH_CHALLENGE response: a SASL challenge from the server.
pub type AuthChallenge = AuthToken;
/// AUTH_SUCCESS response: authentication succeeded, with the server's final token.
pub type AuthSuccess = AuthToken;
