//! Bearer tokens: static tokens from the configuration, and signed expiring tokens
//! `<subject>.<expiry>.<hex HMAC-SHA256(secret, "<subject>.<expiry>")>`.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::protocol::{CloseReason, is_valid_subject};

type HmacSha256 = Hmac<Sha256>;

/// A secret (token or HMAC key) that never appears in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps the secret bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The secret bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// A static token and the subject it stands for (the per-client limit's key and the name
/// in logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticToken {
    /// Who holds the token (appears in logs).
    pub subject: String,
    /// The token itself (never logged).
    pub token: Secret,
}

/// Mints a signed token for `subject` valid until `expiry` (Unix seconds).
///
/// # Errors
/// A subject that is not 1 to 64 letters, digits, `-` or `_`, or an empty secret.
pub fn mint_token(secret: &[u8], subject: &str, expiry: u64) -> Result<String, String> {
    if !is_valid_subject(subject) {
        return Err(format!(
            "subject `{subject}` must be 1 to 64 letters, digits, `-` or `_`"
        ));
    }
    let mac = signature(secret, subject, expiry)?;
    Ok(format!("{subject}.{expiry}.{}", hex::encode(mac)))
}

fn signature(secret: &[u8], subject: &str, expiry: u64) -> Result<Vec<u8>, String> {
    if secret.is_empty() {
        return Err("the signing secret is empty".to_string());
    }
    let mut mac = HmacSha256::new_from_slice(secret).map_err(|e| e.to_string())?;
    mac.update(format!("{subject}.{expiry}").as_bytes());
    Ok(mac.finalize().into_bytes().to_vec())
}

/// Decides who a token belongs to.
#[derive(Debug, Clone, Default)]
pub struct TokenAuth {
    /// Static tokens.
    pub tokens: Vec<StaticToken>,
    /// The HMAC key of signed tokens (none: signed tokens are not accepted).
    pub secret: Option<Secret>,
    /// Whether clients without a token are let in (their per-client key is their IP).
    pub allow_anonymous: bool,
}

impl TokenAuth {
    /// Whether any way to authenticate is configured (or anonymous access is allowed).
    pub fn is_configured(&self) -> bool {
        self.allow_anonymous || !self.tokens.is_empty() || self.secret.is_some()
    }

    /// The subject of `token` at time `now` (Unix seconds): `Ok(None)` for an anonymous
    /// client when allowed.
    ///
    /// # Errors
    /// [`Unauthorized`](CloseReason::Unauthorized) for a missing or unknown token,
    /// [`TokenExpired`](CloseReason::TokenExpired) for a correctly signed token past its
    /// expiry (a forged one is only ever "unauthorized").
    pub fn verify(&self, token: Option<&str>, now: u64) -> Result<Option<String>, CloseReason> {
        let Some(token) = token else {
            return if self.allow_anonymous {
                Ok(None)
            } else {
                Err(CloseReason::Unauthorized)
            };
        };
        // Compare against every static token in constant time per token.
        let mut found = None;
        for t in &self.tokens {
            if constant_time_eq(t.token.expose(), token.as_bytes()) {
                found = Some(t.subject.clone());
            }
        }
        if found.is_some() {
            return Ok(found);
        }
        let Some(secret) = &self.secret else {
            return Err(CloseReason::Unauthorized);
        };
        let mut parts = token.rsplitn(3, '.');
        let (Some(sig), Some(expiry), Some(subject)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(CloseReason::Unauthorized);
        };
        let (Ok(expiry_secs), Ok(sig)) = (expiry.parse::<u64>(), hex::decode(sig)) else {
            return Err(CloseReason::Unauthorized);
        };
        if !is_valid_subject(subject) || expiry_secs.to_string() != expiry {
            return Err(CloseReason::Unauthorized);
        }
        let Ok(mut mac) = HmacSha256::new_from_slice(secret.expose()) else {
            return Err(CloseReason::Unauthorized);
        };
        mac.update(format!("{subject}.{expiry}").as_bytes());
        if mac.verify_slice(&sig).is_err() {
            return Err(CloseReason::Unauthorized);
        }
        if expiry_secs <= now {
            return Err(CloseReason::TokenExpired);
        }
        Ok(Some(subject.to_string()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> TokenAuth {
        TokenAuth {
            tokens: vec![StaticToken {
                subject: "ops".into(),
                token: Secret::new("static-token"),
            }],
            secret: Some(Secret::new("s3cret")),
            allow_anonymous: false,
        }
    }

    #[test]
    fn static_and_signed_tokens() {
        let a = auth();
        assert_eq!(a.verify(Some("static-token"), 0), Ok(Some("ops".into())));
        assert_eq!(
            a.verify(Some("static-tokeN"), 0),
            Err(CloseReason::Unauthorized)
        );
        assert_eq!(a.verify(None, 0), Err(CloseReason::Unauthorized));
        let t = mint_token(b"s3cret", "web", 1000).unwrap();
        assert_eq!(a.verify(Some(&t), 999), Ok(Some("web".into())));
        assert_eq!(a.verify(Some(&t), 1000), Err(CloseReason::TokenExpired));
        let forged = mint_token(b"other", "web", 1000).unwrap();
        assert_eq!(a.verify(Some(&forged), 0), Err(CloseReason::Unauthorized));
        let swapped = t.replacen("web", "adm", 1);
        assert_eq!(a.verify(Some(&swapped), 0), Err(CloseReason::Unauthorized));
        let longer = t.replacen(".1000.", ".01000.", 1);
        assert_eq!(a.verify(Some(&longer), 0), Err(CloseReason::Unauthorized));
        for junk in ["", ".", "..", "a.b.c", "web.1.zz", "web.x.00"] {
            assert_eq!(
                a.verify(Some(junk), 0),
                Err(CloseReason::Unauthorized),
                "{junk}"
            );
        }
        assert!(mint_token(b"", "web", 1).is_err());
        assert!(mint_token(b"k", "a.b", 1).is_err());
        assert!(format!("{a:?}").contains("redacted"));
        assert!(!format!("{a:?}").contains("s3cret"));
    }

    #[test]
    fn anonymous() {
        let a = TokenAuth {
            allow_anonymous: true,
            ..TokenAuth::default()
        };
        assert_eq!(a.verify(None, 0), Ok(None));
        assert_eq!(a.verify(Some("x"), 0), Err(CloseReason::Unauthorized));
    }
}
