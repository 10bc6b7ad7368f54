//! SASL authentication: the [`Authenticator`] trait and the PLAIN mechanism Cassandra's
//! PasswordAuthenticator speaks.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::runtime::{MaybeSend, MaybeSync};

/// Creates an [`AuthSession`] for each connection the server asks to authenticate.
pub trait Authenticator: MaybeSend + MaybeSync {
    /// A new exchange for a server that named `authenticator_class` in AUTHENTICATE.
    fn new_session(&self, authenticator_class: &str) -> Box<dyn AuthSession>;
}

/// One SASL exchange.
pub trait AuthSession: MaybeSend {
    /// The first AUTH_RESPONSE token.
    fn initial_response(&mut self) -> Option<Vec<u8>>;
    /// The answer to an AUTH_CHALLENGE.
    ///
    /// # Errors
    /// A message when the challenge cannot be answered.
    fn evaluate_challenge(&mut self, challenge: Option<&[u8]>) -> Result<Option<Vec<u8>>, String>;
    /// Called with AUTH_SUCCESS's token.
    fn on_success(&mut self, _token: Option<&[u8]>) {}
}

/// Username and password over SASL PLAIN (`\0user\0password`).
#[derive(Clone, PartialEq, Eq)]
pub struct PlainTextAuthenticator {
    username: String,
    password: String,
}

impl PlainTextAuthenticator {
    /// An authenticator for `username` and `password`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }
}

/// Never prints the password.
impl fmt::Debug for PlainTextAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlainTextAuthenticator")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Authenticator for PlainTextAuthenticator {
    fn new_session(&self, _authenticator_class: &str) -> Box<dyn AuthSession> {
        Box::new(PlainSession {
            token: Some(plain_token(&self.username, &self.password)),
        })
    }
}

struct PlainSession {
    token: Option<Vec<u8>>,
}

impl AuthSession for PlainSession {
    fn initial_response(&mut self) -> Option<Vec<u8>> {
        self.token.take()
    }

    fn evaluate_challenge(&mut self, _challenge: Option<&[u8]>) -> Result<Option<Vec<u8>>, String> {
        Err(String::from(
            "the server sent a SASL challenge after the PLAIN response",
        ))
    }
}

/// The SASL PLAIN token: no authorization id, then the user name and the password, each
/// preceded by a zero byte.
pub fn plain_token(username: &str, password: &str) -> Vec<u8> {
    let mut token = Vec::with_capacity(username.len() + password.len() + 2);
    token.push(0);
    token.extend_from_slice(username.as_bytes());
    token.push(0);
    token.extend_from_slice(password.as_bytes());
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_token_layout_and_redaction() {
        assert_eq!(plain_token("u", "p"), b"\0u\0p");
        let auth = PlainTextAuthenticator::new("cassandra", "s3cret");
        assert!(!alloc::format!("{auth:?}").contains("s3cret"));
        let mut session = auth.new_session("org.apache.cassandra.auth.PasswordAuthenticator");
        assert_eq!(
            session.initial_response().as_deref(),
            Some(&b"\0cassandra\0s3cret"[..])
        );
    }
}
