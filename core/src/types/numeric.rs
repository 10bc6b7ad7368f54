//! Arbitrary-precision `varint` and `decimal` helpers: conversions from and to `i128` and
//! decimal strings, implemented by hand on big-endian two's-complement bytes (no bignum
//! dependency), for values of any size.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;

use super::value::{CqlDecimal, CqlVarint};

/// A decimal string could not be parsed as a `varint` or `decimal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid number: {0}")]
pub struct ParseNumberError(pub &'static str);

/// Removes redundant sign bytes from big-endian two's-complement bytes (keeps at least one).
fn minimize(mut bytes: Vec<u8>) -> Vec<u8> {
    let redundant = bytes
        .windows(2)
        .take_while(|w| match w {
            [0x00, b] => b & 0x80 == 0,
            [0xff, b] => b & 0x80 != 0,
            _ => false,
        })
        .count();
    bytes.drain(..redundant);
    if bytes.is_empty() {
        bytes.push(0);
    }
    bytes
}

/// Two's-complement negation in place (invert, add one), over the whole width.
fn negate(bytes: &mut [u8]) {
    let mut carry = true;
    for b in bytes.iter_mut().rev() {
        let (v, c) = (!*b).overflowing_add(u8::from(carry));
        *b = v;
        carry = c;
    }
}

/// Big-endian unsigned bytes → little-endian u32 limbs.
fn to_limbs(be: &[u8]) -> Vec<u32> {
    let mut limbs = Vec::with_capacity(be.len() / 4 + 1);
    for chunk in be.rchunks(4) {
        let mut v = 0u32;
        for b in chunk {
            v = (v << 8) | u32::from(*b);
        }
        limbs.push(v);
    }
    limbs
}

impl CqlVarint {
    /// The value in minimal two's-complement form (what Cassandra and the drivers write).
    pub fn normalized(&self) -> Self {
        Self(minimize(self.0.clone()))
    }

    /// The minimal encoding of `v`.
    pub fn from_i128(v: i128) -> Self {
        Self(minimize(v.to_be_bytes().to_vec()))
    }

    /// The value as an `i128`, or `None` when it does not fit (or the bytes are empty).
    pub fn to_i128(&self) -> Option<i128> {
        let b = minimize(self.0.clone());
        if self.0.is_empty() || b.len() > 16 {
            return None;
        }
        let fill = if b.first().is_some_and(|f| f & 0x80 != 0) {
            0xff
        } else {
            0
        };
        let mut full = [fill; 16];
        full.get_mut(16 - b.len()..)?.copy_from_slice(&b);
        Some(i128::from_be_bytes(full))
    }

    /// Whether the value is negative.
    pub fn is_negative(&self) -> bool {
        self.0.first().is_some_and(|f| f & 0x80 != 0)
    }

    /// Parses a decimal integer string (`-?[0-9]+`, a leading `+` allowed) of any length.
    ///
    /// # Errors
    /// [`ParseNumberError`] for an empty string or a non-digit character.
    pub fn from_decimal_str(s: &str) -> Result<Self, ParseNumberError> {
        let (negative, digits) = match s.as_bytes().first() {
            Some(b'-') => (true, s.get(1..).unwrap_or_default()),
            Some(b'+') => (false, s.get(1..).unwrap_or_default()),
            _ => (false, s),
        };
        if digits.is_empty() {
            return Err(ParseNumberError("no digits"));
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseNumberError("not a decimal digit"));
        }
        let mut limbs: Vec<u32> = Vec::new();
        for chunk in digits.as_bytes().chunks(9) {
            let mut chunk_val = 0u64;
            let mut scale = 1u64;
            for d in chunk {
                chunk_val = chunk_val * 10 + u64::from(d - b'0');
                scale *= 10;
            }
            // limbs = limbs * scale + chunk_val
            let mut carry = chunk_val;
            for limb in &mut limbs {
                let v = u64::from(*limb) * scale + carry;
                *limb = v as u32;
                carry = v >> 32;
            }
            if carry != 0 {
                limbs.push(carry as u32);
            }
        }
        let mut bytes = Vec::with_capacity(limbs.len() * 4 + 1);
        bytes.push(0);
        for limb in limbs.iter().rev() {
            bytes.extend_from_slice(&limb.to_be_bytes());
        }
        if negative {
            negate(&mut bytes);
        }
        Ok(Self(minimize(bytes)))
    }

    /// The value as a decimal string (`"0"` for empty bytes).
    pub fn to_decimal_string(&self) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = fmt::write(&mut s, format_args!("{self}"));
        s
    }
}

impl fmt::Display for CqlVarint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let negative = self.is_negative();
        let mut mag = self.0.clone();
        if negative {
            negate(&mut mag);
        }
        let mut limbs = to_limbs(&mag);
        // Repeated division by 10^9 gives base-10^9 digits, least significant first.
        let mut groups: Vec<u32> = Vec::new();
        while limbs.iter().any(|l| *l != 0) {
            let mut rem = 0u64;
            for limb in limbs.iter_mut().rev() {
                let cur = (rem << 32) | u64::from(*limb);
                *limb = (cur / 1_000_000_000) as u32;
                rem = cur % 1_000_000_000;
            }
            groups.push(rem as u32);
            while limbs.last() == Some(&0) {
                limbs.pop();
            }
        }
        if negative {
            f.write_str("-")?;
        }
        let mut iter = groups.iter().rev();
        match iter.next() {
            None => f.write_str("0")?,
            Some(first) => write!(f, "{first}")?,
        }
        for g in iter {
            write!(f, "{g:09}")?;
        }
        Ok(())
    }
}

impl FromStr for CqlVarint {
    type Err = ParseNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_decimal_str(s)
    }
}

impl From<i128> for CqlVarint {
    fn from(v: i128) -> Self {
        Self::from_i128(v)
    }
}

impl From<i64> for CqlVarint {
    fn from(v: i64) -> Self {
        Self::from_i128(i128::from(v))
    }
}

impl TryFrom<&CqlVarint> for i128 {
    type Error = ParseNumberError;

    fn try_from(v: &CqlVarint) -> Result<Self, Self::Error> {
        v.to_i128().ok_or(ParseNumberError("does not fit in i128"))
    }
}

impl TryFrom<&CqlVarint> for i64 {
    type Error = ParseNumberError;

    fn try_from(v: &CqlVarint) -> Result<Self, Self::Error> {
        v.to_i128()
            .and_then(|v| i64::try_from(v).ok())
            .ok_or(ParseNumberError("does not fit in i64"))
    }
}

/// Longest zero padding [`CqlDecimal`]'s `Display` writes before it switches to exponent
/// notation, so a hostile scale cannot produce gigabytes of text.
const MAX_PLAIN_PADDING: i64 = 64;

impl CqlDecimal {
    /// `unscaled × 10^-scale`.
    pub fn new(unscaled: CqlVarint, scale: i32) -> Self {
        Self { unscaled, scale }
    }

    /// `unscaled × 10^-scale` from an `i128` unscaled value.
    pub fn from_i128(unscaled: i128, scale: i32) -> Self {
        Self::new(CqlVarint::from_i128(unscaled), scale)
    }

    /// Parses a decimal string: `[+-]digits[.digits][(e|E)[+-]digits]`, keeping every digit
    /// (so `"1.50"` has scale 2, like Java's `BigDecimal`).
    ///
    /// # Errors
    /// [`ParseNumberError`] for malformed input or a scale that does not fit an `i32`.
    pub fn from_decimal_str(s: &str) -> Result<Self, ParseNumberError> {
        let (mantissa, exponent) = match s.find(['e', 'E']) {
            Some(i) => (
                s.get(..i).unwrap_or_default(),
                s.get(i + 1..)
                    .unwrap_or_default()
                    .parse::<i64>()
                    .map_err(|_| ParseNumberError("bad exponent"))?,
            ),
            None => (s, 0),
        };
        let (int_part, frac_part) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        if !frac_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseNumberError("not a decimal digit"));
        }
        let mut digits = String::with_capacity(int_part.len() + frac_part.len());
        digits.push_str(int_part);
        digits.push_str(frac_part);
        if int_part.trim_start_matches(['+', '-']).is_empty() && frac_part.is_empty() {
            return Err(ParseNumberError("no digits"));
        }
        let unscaled = CqlVarint::from_decimal_str(&digits)?;
        let scale = i64::try_from(frac_part.len())
            .ok()
            .and_then(|f| f.checked_sub(exponent))
            .and_then(|s| i32::try_from(s).ok())
            .ok_or(ParseNumberError("scale out of range"))?;
        Ok(Self { unscaled, scale })
    }
}

impl fmt::Display for CqlDecimal {
    /// Plain notation (`-1.23`, `1000`) when that needs at most a little zero padding,
    /// otherwise `<unscaled>E<exponent>` (`1E+100`, `5E-200`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.unscaled.to_decimal_string();
        let (sign, digits) = match digits.strip_prefix('-') {
            Some(d) => ("-", d),
            None => ("", digits.as_str()),
        };
        let scale = i64::from(self.scale);
        let len = digits.len() as i64;
        if scale <= 0 {
            if -scale <= MAX_PLAIN_PADDING {
                f.write_str(sign)?;
                f.write_str(digits)?;
                for _ in 0..-scale {
                    f.write_str("0")?;
                }
                return Ok(());
            }
        } else if scale - len <= MAX_PLAIN_PADDING {
            f.write_str(sign)?;
            if scale >= len {
                f.write_str("0.")?;
                for _ in 0..scale - len {
                    f.write_str("0")?;
                }
                return f.write_str(digits);
            }
            let split = (len - scale) as usize;
            f.write_str(digits.get(..split).unwrap_or_default())?;
            f.write_str(".")?;
            return f.write_str(digits.get(split..).unwrap_or_default());
        }
        write!(f, "{sign}{digits}E{:+}", -scale)
    }
}

impl FromStr for CqlDecimal {
    type Err = ParseNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_decimal_str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn varint_round_trips_through_strings_and_i128() {
        for v in [
            0i128,
            1,
            -1,
            127,
            128,
            -128,
            -129,
            255,
            256,
            i128::MAX,
            i128::MIN,
        ] {
            let x = CqlVarint::from_i128(v);
            assert_eq!(x.to_i128(), Some(v));
            assert_eq!(x.to_string(), v.to_string());
            assert_eq!(CqlVarint::from_decimal_str(&v.to_string()).unwrap(), x);
        }
        assert_eq!(CqlVarint::from_i128(128).0, [0x00, 0x80]);
        assert_eq!(CqlVarint::from_i128(-129).0, [0xff, 0x7f]);
        let big = "-170141183460469231731687303715884105729";
        assert_eq!(CqlVarint::from_decimal_str(big).unwrap().to_string(), big);
        assert!(CqlVarint::from_decimal_str("1x").is_err());
        assert!(CqlVarint::from_decimal_str("-").is_err());
    }

    #[test]
    fn decimal_strings() {
        let d: CqlDecimal = "-1.50".parse().unwrap();
        assert_eq!(d, CqlDecimal::from_i128(-150, 2));
        assert_eq!(d.to_string(), "-1.50");
        assert_eq!(CqlDecimal::from_i128(1, -3).to_string(), "1000");
        assert_eq!(CqlDecimal::from_i128(5, 3).to_string(), "0.005");
        assert_eq!(CqlDecimal::from_i128(1, -100).to_string(), "1E+100");
        assert_eq!(
            "1E+3".parse::<CqlDecimal>().unwrap(),
            CqlDecimal::from_i128(1, -3)
        );
        assert_eq!(
            ".5".parse::<CqlDecimal>().unwrap(),
            CqlDecimal::from_i128(5, 1)
        );
        assert!("1.2.3".parse::<CqlDecimal>().is_err());
        assert!("".parse::<CqlDecimal>().is_err());
    }
}
