//! RandomPartitioner tokens: the MD5 digest of the key read as a signed big-endian 128-bit
//! integer, made non-negative with its absolute value (Java's `BigInteger.abs()`).
//!
//! Tokens therefore range over `0..=2^127` and fit a `u128`; they are written in decimal.

use md5::{Digest, Md5};

/// The largest RandomPartitioner token, `2^127` (the absolute value of `i128::MIN`).
pub const RANDOM_MAX_TOKEN: u128 = 1u128 << 127;

/// The RandomPartitioner token of a partition key (its routing key bytes).
///
/// Cassandra hashes every key, the zero-length one included.
pub fn random_token(key: &[u8]) -> u128 {
    let digest = Md5::digest(key);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(digest.as_slice());
    i128::from_be_bytes(bytes).unsigned_abs()
}

/// Parses a RandomPartitioner token as `system.local`/`system.peers` write it: a decimal
/// integer in `0..=2^127` (surrounding ASCII whitespace is ignored).
pub fn parse_random_token(text: &str) -> Option<u128> {
    let text = text.trim();
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u128 = digits.parse().ok()?;
    (value <= RANDOM_MAX_TOKEN).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_bounds() {
        assert_eq!(parse_random_token("0"), Some(0));
        assert_eq!(
            parse_random_token("170141183460469231731687303715884105728"),
            Some(RANDOM_MAX_TOKEN)
        );
        assert_eq!(
            parse_random_token("170141183460469231731687303715884105729"),
            None
        );
        assert_eq!(parse_random_token("-1"), None);
        assert_eq!(parse_random_token(""), None);
    }
}
