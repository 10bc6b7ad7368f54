//! Numbers without a fixed width: [`BigInteger`] and [`BigDecimal`], kept as decimal text.

use alloc::string::{String, ToString};
use core::fmt;
use core::str::FromStr;

use crate::types::{CqlDecimal, CqlVarint};

/// An integer of any size with no declared width: what a Python `int` is, and what
/// `gx:BigInteger` (and a `g:Int64` beyond 64 bits) reads as.
///
/// Written the way the Python driver writes an `int`: `g:Int32` for `-2^31 ..= 2^32 - 1`
/// (sic: that driver's bound), `g:Int64` for everything else, even beyond 64 bits; it never
/// writes `gx:BigInteger`. Use [`GraphValue::Int32`](super::GraphValue::Int32) or
/// [`GraphValue::Int64`](super::GraphValue::Int64) to choose the tag yourself.
///
/// Kept as canonical decimal text: an optional `-`, no leading zeros, `0` never negative.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BigInteger(String);

impl BigInteger {
    /// Reads decimal digits with an optional sign (`-12`, `+7`, `007`).
    pub fn parse(text: &str) -> Option<Self> {
        let (negative, digits) = match text.as_bytes().first() {
            Some(b'-') => (true, text.get(1..)?),
            Some(b'+') => (false, text.get(1..)?),
            _ => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = digits.trim_start_matches('0');
        let mut canonical = String::with_capacity(digits.len() + 1);
        if digits.is_empty() {
            canonical.push('0');
        } else {
            if negative {
                canonical.push('-');
            }
            canonical.push_str(digits);
        }
        Some(BigInteger(canonical))
    }

    /// The canonical decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.0.starts_with('-')
    }

    /// The value as an `i64`, when it fits.
    pub fn to_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    /// The value as an `i128`, when it fits.
    pub fn to_i128(&self) -> Option<i128> {
        self.0.parse().ok()
    }

    /// The value as a CQL `varint`.
    pub fn to_varint(&self) -> CqlVarint {
        // The text is canonical decimal, which `CqlVarint` always reads.
        CqlVarint::from_str(&self.0).unwrap_or_else(|_| CqlVarint::from(0i64))
    }
}

impl fmt::Display for BigInteger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for BigInteger {
    type Err = InvalidNumber;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        BigInteger::parse(text).ok_or(InvalidNumber("integer"))
    }
}

impl From<i64> for BigInteger {
    fn from(v: i64) -> Self {
        BigInteger(v.to_string())
    }
}

impl From<u64> for BigInteger {
    fn from(v: u64) -> Self {
        BigInteger(v.to_string())
    }
}

impl From<i128> for BigInteger {
    fn from(v: i128) -> Self {
        BigInteger(v.to_string())
    }
}

impl From<u128> for BigInteger {
    fn from(v: u128) -> Self {
        BigInteger(v.to_string())
    }
}

impl From<&CqlVarint> for BigInteger {
    fn from(v: &CqlVarint) -> Self {
        BigInteger(v.to_string())
    }
}

/// A decimal number of any precision (`gx:BigDecimal`), kept as its text: Python's
/// `str(Decimal)` or Java's `BigDecimal.toString()` (`1.10`, `-1E+3`). The text is written
/// back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BigDecimal(String);

impl BigDecimal {
    /// Reads a decimal literal: an optional sign, digits with an optional fraction (`1.10`,
    /// `.5`, `5.`), an optional exponent (`E+3`, `e-7`).
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
        let count_digits = |from: usize| {
            b.get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count()
        };
        let int_digits = count_digits(i);
        i += int_digits;
        let mut frac_digits = 0;
        if b.get(i) == Some(&b'.') {
            frac_digits = count_digits(i + 1);
            i += 1 + frac_digits;
        }
        if int_digits + frac_digits == 0 {
            return None;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'-' | b'+')) {
                i += 1;
            }
            let exp_digits = count_digits(i);
            if exp_digits == 0 {
                return None;
            }
            i += exp_digits;
        }
        (i == b.len()).then(|| BigDecimal(String::from(text)))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as a CQL `decimal`, when its exponent fits the 32-bit scale.
    pub fn to_cql_decimal(&self) -> Option<CqlDecimal> {
        CqlDecimal::from_str(&self.0).ok()
    }
}

impl fmt::Display for BigDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for BigDecimal {
    type Err = InvalidNumber;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        BigDecimal::parse(text).ok_or(InvalidNumber("decimal"))
    }
}

impl From<&CqlDecimal> for BigDecimal {
    fn from(v: &CqlDecimal) -> Self {
        BigDecimal(v.to_string())
    }
}

/// Text that is not the number it should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {0}")]
pub struct InvalidNumber(pub &'static str);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_canonical() {
        for (text, canonical) in [
            ("0", "0"),
            ("-0", "0"),
            ("+007", "7"),
            ("-18446744073709551616", "-18446744073709551616"),
        ] {
            assert_eq!(BigInteger::parse(text).unwrap().as_str(), canonical);
        }
        for bad in ["", "-", "1.0", "1e3", " 1", "0x10"] {
            assert!(BigInteger::parse(bad).is_none(), "{bad}");
        }
        let big = BigInteger::parse("18446744073709551616").unwrap();
        assert_eq!(big.to_i64(), None);
        assert_eq!(big.to_varint().to_string(), "18446744073709551616");
        assert_eq!(BigInteger::from(-5i64).to_i64(), Some(-5));
    }

    #[test]
    fn decimals_keep_their_text() {
        for ok in [
            "1.10",
            "-1E+3",
            ".5",
            "5.",
            "+1e-7",
            "123456789012345678901234567890.5",
        ] {
            assert_eq!(BigDecimal::parse(ok).unwrap().as_str(), ok);
        }
        for bad in ["", ".", "1e", "e3", "1.2.3", "NaN", "1 "] {
            assert!(BigDecimal::parse(bad).is_none(), "{bad}");
        }
        let d = BigDecimal::parse("1.10").unwrap().to_cql_decimal().unwrap();
        assert_eq!(d.scale, 2);
    }
}
