//! Partitioner tokens: which token a partition key hashes to, and how tokens are written in
//! `system.local` / `system.peers`.
//!
//! * [`Partitioner`] names a cluster's partitioner (parsed from its Java class name) and
//!   computes and parses its [`Token`]s.
//! * [`routing_key()`] builds the bytes a partitioner hashes from partition-key components.
//! * [`murmur3`], [`random`] and [`byte_ordered`] hold each partitioner's arithmetic.

pub mod byte_ordered;
pub mod murmur3;
pub mod random;
pub mod routing_key;

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;

pub use byte_ordered::{byte_ordered_to_hex, byte_ordered_token, parse_byte_ordered_token};
pub use murmur3::{murmur3_cassandra_x64_128, murmur3_hash_token, murmur3_token};
pub use random::{RANDOM_MAX_TOKEN, parse_random_token, random_token};
pub use routing_key::{routing_key, write_routing_key};

/// A position on the token ring.
///
/// Tokens of one partitioner are totally ordered the way Cassandra orders them: Murmur3 as
/// signed 64-bit integers, RandomPartitioner as non-negative integers, ByteOrdered as
/// unsigned byte strings (a prefix sorts first). Comparing tokens of two different
/// partitioners is meaningless; the derived order puts all `Murmur3` tokens first, then
/// `Random`, then `ByteOrdered`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Token {
    /// A Murmur3Partitioner token.
    Murmur3(i64),
    /// A RandomPartitioner token, in `0..=2^127`.
    Random(u128),
    /// A ByteOrderedPartitioner token: raw key bytes.
    ByteOrdered(Vec<u8>),
}

impl Token {
    /// The partitioner this token belongs to.
    pub fn partitioner(&self) -> Partitioner {
        match self {
            Self::Murmur3(_) => Partitioner::Murmur3,
            Self::Random(_) => Partitioner::Random,
            Self::ByteOrdered(_) => Partitioner::ByteOrdered,
        }
    }
}

/// Writes the token as Cassandra's token factory does in `system.local`/`system.peers`:
/// decimal for Murmur3 and RandomPartitioner, lowercase hex for ByteOrdered.
impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Murmur3(t) => write!(f, "{t}"),
            Self::Random(t) => write!(f, "{t}"),
            Self::ByteOrdered(bytes) => f.write_str(&byte_ordered_to_hex(bytes)),
        }
    }
}

/// A cluster's partitioner: how partition keys map to tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Partitioner {
    /// `org.apache.cassandra.dht.Murmur3Partitioner` (the default since Cassandra 1.2).
    Murmur3,
    /// `org.apache.cassandra.dht.RandomPartitioner` (MD5).
    Random,
    /// `org.apache.cassandra.dht.ByteOrderedPartitioner` (raw key bytes).
    ByteOrdered,
}

impl Partitioner {
    /// The partitioner's fully-qualified Java class name, as `system.local.partitioner`
    /// holds it.
    pub const fn class_name(self) -> &'static str {
        match self {
            Self::Murmur3 => "org.apache.cassandra.dht.Murmur3Partitioner",
            Self::Random => "org.apache.cassandra.dht.RandomPartitioner",
            Self::ByteOrdered => "org.apache.cassandra.dht.ByteOrderedPartitioner",
        }
    }

    /// The partitioner named by a Java class name, fully qualified
    /// (`org.apache.cassandra.dht.Murmur3Partitioner`) or short (`Murmur3Partitioner`).
    ///
    /// Other partitioners (OrderPreservingPartitioner, LocalPartitioner, custom ones) are
    /// reported as [`TokenError::UnsupportedPartitioner`]; a driver then routes without
    /// token awareness.
    pub fn from_class_name(name: &str) -> Result<Self, TokenError> {
        let trimmed = name.trim();
        let short = trimmed.rsplit('.').next().unwrap_or(trimmed);
        match short {
            "Murmur3Partitioner" => Ok(Self::Murmur3),
            "RandomPartitioner" => Ok(Self::Random),
            "ByteOrderedPartitioner" => Ok(Self::ByteOrdered),
            _ => Err(TokenError::UnsupportedPartitioner(trimmed.to_string())),
        }
    }

    /// The token of a partition key given as its routing key bytes (see [`routing_key()`]),
    /// exactly as Cassandra computes it. For Murmur3 a zero-length key gives the minimum
    /// token `i64::MIN`, as Cassandra's `getToken` does.
    pub fn token(self, key: &[u8]) -> Token {
        match self {
            Self::Murmur3 => Token::Murmur3(murmur3_token(key)),
            Self::Random => Token::Random(random_token(key)),
            Self::ByteOrdered => Token::ByteOrdered(byte_ordered_token(key)),
        }
    }

    /// The token of a partition key given as its components' serialized values, in
    /// partition-key order (builds the routing key, then hashes it).
    pub fn token_of_components<C: AsRef<[u8]>>(
        self,
        components: &[C],
    ) -> Result<Token, TokenError> {
        Ok(self.token(&routing_key(components)?))
    }

    /// Parses one element of a `system.local`/`system.peers` `tokens` column.
    pub fn parse_token(self, text: &str) -> Result<Token, TokenError> {
        let token = match self {
            Self::Murmur3 => text.trim().parse::<i64>().ok().map(Token::Murmur3),
            Self::Random => parse_random_token(text).map(Token::Random),
            Self::ByteOrdered => parse_byte_ordered_token(text).map(Token::ByteOrdered),
        };
        token.ok_or_else(|| TokenError::InvalidToken {
            partitioner: self,
            text: text.to_string(),
        })
    }

    /// The ring's minimum token, which no key maps to (except Murmur3's empty key).
    pub fn min_token(self) -> Token {
        match self {
            Self::Murmur3 => Token::Murmur3(i64::MIN),
            Self::Random => Token::Random(0),
            Self::ByteOrdered => Token::ByteOrdered(Vec::new()),
        }
    }
}

impl FromStr for Partitioner {
    type Err = TokenError;

    /// Same as [`Partitioner::from_class_name`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_class_name(s)
    }
}

impl fmt::Display for Partitioner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.class_name())
    }
}

/// A token, partitioner name or routing key could not be handled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The partitioner class is not one this driver computes tokens for.
    #[error(
        "unsupported partitioner {0:?} (supported: Murmur3Partitioner, RandomPartitioner, ByteOrderedPartitioner)"
    )]
    UnsupportedPartitioner(String),
    /// A token string is not valid for the partitioner.
    #[error("invalid {partitioner} token {text:?}")]
    InvalidToken {
        /// The partitioner the text was parsed for.
        partitioner: Partitioner,
        /// The offending text.
        text: String,
    },
    /// A composite partition-key component does not fit its `u16` length prefix.
    #[error(
        "partition key component {index} is {length} bytes long; composite keys allow at most 65535"
    )]
    ComponentTooLong {
        /// Position of the component in the partition key.
        index: usize,
        /// Its length in bytes.
        length: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names() {
        for p in [
            Partitioner::Murmur3,
            Partitioner::Random,
            Partitioner::ByteOrdered,
        ] {
            assert_eq!(Partitioner::from_class_name(p.class_name()), Ok(p));
            assert_eq!(p.class_name().parse::<Partitioner>(), Ok(p));
        }
        assert_eq!(
            Partitioner::from_class_name("Murmur3Partitioner"),
            Ok(Partitioner::Murmur3)
        );
        assert!(matches!(
            Partitioner::from_class_name("org.apache.cassandra.dht.LocalPartitioner"),
            Err(TokenError::UnsupportedPartitioner(_))
        ));
    }

    #[test]
    fn parse_and_display_tokens() {
        let t = Partitioner::Murmur3
            .parse_token("-9000000000000000000")
            .unwrap();
        assert_eq!(t, Token::Murmur3(-9_000_000_000_000_000_000));
        assert_eq!(t.to_string(), "-9000000000000000000");
        assert!(
            Partitioner::Murmur3
                .parse_token("9223372036854775808")
                .is_err()
        );
        let r = Partitioner::Random.parse_token("123").unwrap();
        assert_eq!(r.to_string(), "123");
        let b = Partitioner::ByteOrdered.parse_token("0aff").unwrap();
        assert_eq!(b, Token::ByteOrdered(alloc::vec![0x0a, 0xff]));
        assert_eq!(b.to_string(), "0aff");
        assert!(Partitioner::ByteOrdered.min_token() < b);
    }
}
