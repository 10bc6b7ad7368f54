//! The wire form: a `u8` bound kind, then per bound present an `i64` big-endian millisecond
//! count and a `u8` precision.

use alloc::vec::Vec;

use super::{DateRange, DateRangeBound, DateRangeError, DateRangePrecision};

const SINGLE_DATE: u8 = 0;
const CLOSED_RANGE: u8 = 1;
const OPEN_RANGE_HIGH: u8 = 2;
const OPEN_RANGE_LOW: u8 = 3;
const BOTH_OPEN_RANGE: u8 = 4;
const SINGLE_DATE_OPEN: u8 = 5;

struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], DateRangeError> {
        let field = self
            .offset
            .checked_add(N)
            .and_then(|end| self.bytes.get(self.offset..end))
            .and_then(|slice| <[u8; N]>::try_from(slice).ok())
            .ok_or(DateRangeError::Truncated {
                offset: self.offset,
                needed: N,
                available: self.bytes.len().saturating_sub(self.offset),
            })?;
        self.offset += N;
        Ok(field)
    }

    fn bound(&mut self) -> Result<DateRangeBound, DateRangeError> {
        let ms = i64::from_be_bytes(self.take::<8>()?);
        let [code] = self.take::<1>()?;
        let precision =
            DateRangePrecision::from_wire(code).ok_or(DateRangeError::Precision(code))?;
        Ok(DateRangeBound::new(ms, precision))
    }
}

impl DateRange {
    /// Reads the wire form; the bounds are rounded as when building the range (as the Python
    /// driver does), and the whole input must be used.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DateRangeError> {
        let mut reader = Reader { bytes, offset: 0 };
        let [kind] = reader.take::<1>()?;
        let range = match kind {
            SINGLE_DATE => DateRange::single(reader.bound()?),
            CLOSED_RANGE => {
                let lower = reader.bound()?;
                DateRange::between(lower, reader.bound()?)
            }
            OPEN_RANGE_HIGH => DateRange::starting_at(reader.bound()?),
            OPEN_RANGE_LOW => DateRange::ending_at(reader.bound()?),
            BOTH_OPEN_RANGE => DateRange::unbounded(),
            SINGLE_DATE_OPEN => DateRange::SingleOpen,
            other => return Err(DateRangeError::BoundKind(other)),
        };
        match bytes.len().saturating_sub(reader.offset) {
            0 => Ok(range),
            left => Err(DateRangeError::TrailingBytes(left)),
        }
    }

    /// Appends the wire form to `out`, rounding the bounds first (so a hand-built value is
    /// written as the Python driver would write it).
    pub fn write_bytes(&self, out: &mut Vec<u8>) {
        fn bound(out: &mut Vec<u8>, bound: &DateRangeBound) {
            out.extend_from_slice(&bound.ms.to_be_bytes());
            out.push(bound.precision.wire_code());
        }
        match self.rounded() {
            DateRange::Single(value) => {
                out.push(SINGLE_DATE);
                bound(out, &value);
            }
            DateRange::SingleOpen => out.push(SINGLE_DATE_OPEN),
            DateRange::Range {
                lower: Some(lower),
                upper: Some(upper),
            } => {
                out.push(CLOSED_RANGE);
                bound(out, &lower);
                bound(out, &upper);
            }
            DateRange::Range {
                lower: Some(lower),
                upper: None,
            } => {
                out.push(OPEN_RANGE_HIGH);
                bound(out, &lower);
            }
            DateRange::Range {
                lower: None,
                upper: Some(upper),
            } => {
                out.push(OPEN_RANGE_LOW);
                bound(out, &upper);
            }
            DateRange::Range {
                lower: None,
                upper: None,
            } => out.push(BOTH_OPEN_RANGE),
        }
    }

    /// The wire form (see [`write_bytes`](Self::write_bytes)).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(19);
        self.write_bytes(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateRangePrecision::*;

    #[test]
    fn round_trips_every_kind() {
        let a = DateRangeBound::new(1_561_042_722_123, Millisecond);
        let b = DateRangeBound::new(1_561_042_723_123, Second);
        for range in [
            DateRange::single(a),
            DateRange::SingleOpen,
            DateRange::between(a, b),
            DateRange::starting_at(a),
            DateRange::ending_at(b),
            DateRange::unbounded(),
        ] {
            assert_eq!(DateRange::from_bytes(&range.to_bytes()), Ok(range));
        }
    }

    #[test]
    fn rejects_malformed_input() {
        assert!(matches!(
            DateRange::from_bytes(&[]),
            Err(DateRangeError::Truncated { offset: 0, .. })
        ));
        assert_eq!(
            DateRange::from_bytes(&[6]),
            Err(DateRangeError::BoundKind(6))
        );
        assert_eq!(
            DateRange::from_bytes(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 7]),
            Err(DateRangeError::Precision(7))
        );
        assert!(matches!(
            DateRange::from_bytes(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 6]),
            Err(DateRangeError::Truncated { offset: 10, .. })
        ));
        assert_eq!(
            DateRange::from_bytes(&[4, 0]),
            Err(DateRangeError::TrailingBytes(1))
        );
    }
}
