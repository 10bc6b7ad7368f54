//! DSE `DateRangeType`: a single date or a range of dates, each bound a millisecond instant
//! with a precision (year down to millisecond), either end possibly open (`*`).
//!
//! Values follow the Python driver's `util.DateRange`: building a range rounds its bounds, a
//! single value and a lower bound down to the start of their precision period and an upper
//! bound up to the last millisecond of it (`[2019 TO 2019]` covers all of 2019). The wire
//! codec and the constructors both round, so a value written and read back compares equal to
//! the rounded value. Instants outside years 1..=9999 are neither rounded nor formatted as
//! dates (their text form is `<ms>ms`), as in the Python driver.

mod text;
mod wire;

use crate::types::calendar::{MS_PER_DAY, civil_from_days, days_from_civil, days_in_month};

/// Marshal class of the DSE date range type (a CQL `CUSTOM` type).
pub const DATE_RANGE_CLASS: &str = "org.apache.cassandra.db.marshal.DateRangeType";

/// First millisecond of year 1 (`0001-01-01T00:00:00.000Z`).
const MIN_CALENDAR_MS: i64 = -62_135_596_800_000;
/// Last millisecond of year 9999 (`9999-12-31T23:59:59.999Z`).
const MAX_CALENDAR_MS: i64 = 253_402_300_799_999;

/// How precise a [`DateRangeBound`] is; the wire code is the discriminant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DateRangePrecision {
    /// A whole year (wire 0).
    Year = 0,
    /// A whole month (wire 1).
    Month = 1,
    /// A whole day (wire 2).
    Day = 2,
    /// A whole hour (wire 3).
    Hour = 3,
    /// A whole minute (wire 4).
    Minute = 4,
    /// A whole second (wire 5).
    Second = 5,
    /// One millisecond (wire 6).
    Millisecond = 6,
}

impl DateRangePrecision {
    /// All precisions, coarsest first.
    pub const ALL: [DateRangePrecision; 7] = [
        DateRangePrecision::Year,
        DateRangePrecision::Month,
        DateRangePrecision::Day,
        DateRangePrecision::Hour,
        DateRangePrecision::Minute,
        DateRangePrecision::Second,
        DateRangePrecision::Millisecond,
    ];

    /// The precision with wire code `code` (0 year … 6 millisecond).
    pub fn from_wire(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }

    /// The wire code (0 year … 6 millisecond).
    pub fn wire_code(self) -> u8 {
        self as u8
    }

    /// The name the Python driver and DSE use: `YEAR` … `MILLISECOND`.
    pub fn name(self) -> &'static str {
        match self {
            DateRangePrecision::Year => "YEAR",
            DateRangePrecision::Month => "MONTH",
            DateRangePrecision::Day => "DAY",
            DateRangePrecision::Hour => "HOUR",
            DateRangePrecision::Minute => "MINUTE",
            DateRangePrecision::Second => "SECOND",
            DateRangePrecision::Millisecond => "MILLISECOND",
        }
    }

    /// Length of the period in milliseconds for the fixed-length precisions (day and finer).
    fn fixed_period_ms(self) -> Option<i64> {
        match self {
            DateRangePrecision::Year | DateRangePrecision::Month => None,
            DateRangePrecision::Day => Some(MS_PER_DAY),
            DateRangePrecision::Hour => Some(3_600_000),
            DateRangePrecision::Minute => Some(60_000),
            DateRangePrecision::Second => Some(1_000),
            DateRangePrecision::Millisecond => Some(1),
        }
    }
}

/// One end of a range, or a single date: an instant in milliseconds since the Unix epoch
/// (negative before it) and how precise it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRangeBound {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub ms: i64,
    /// The precision of the bound.
    pub precision: DateRangePrecision,
}

impl DateRangeBound {
    /// A bound at `ms` with `precision`, not rounded (ranges round it when built).
    pub const fn new(ms: i64, precision: DateRangePrecision) -> Self {
        DateRangeBound { ms, precision }
    }

    /// A bound at a UTC calendar instant; `None` unless every field is in range
    /// (year 1..=9999, a real day of the month, hour < 24, minute and second < 60,
    /// millisecond < 1000).
    #[allow(clippy::too_many_arguments)]
    pub fn from_civil(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
        millisecond: u32,
        precision: DateRangePrecision,
    ) -> Option<Self> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60
            && millisecond < 1000;
        valid.then(|| {
            let time_ms = ((i64::from(hour) * 60 + i64::from(minute)) * 60 + i64::from(second))
                * 1000
                + i64::from(millisecond);
            DateRangeBound::new(
                days_from_civil(year, month, day) * MS_PER_DAY + time_ms,
                precision,
            )
        })
    }

    /// Whether the instant falls in years 1..=9999, where the bound is rounded and printed as
    /// a date.
    pub fn is_calendar_date(&self) -> bool {
        (MIN_CALENDAR_MS..=MAX_CALENDAR_MS).contains(&self.ms)
    }

    /// The bound moved to the first millisecond of its precision period (a lower bound or a
    /// single value). Outside years 1..=9999 it is returned unchanged.
    pub fn rounded_down(self) -> Self {
        if !self.is_calendar_date() {
            return self;
        }
        let ms = match self.precision.fixed_period_ms() {
            Some(period) => self.ms - self.ms.rem_euclid(period),
            None => {
                let (year, month, _) = civil_from_days(self.ms.div_euclid(MS_PER_DAY));
                let first_month = if self.precision == DateRangePrecision::Year {
                    1
                } else {
                    month
                };
                days_from_civil(year, first_month, 1) * MS_PER_DAY
            }
        };
        DateRangeBound::new(ms, self.precision)
    }

    /// The bound moved to the last millisecond of its precision period (an upper bound).
    /// Outside years 1..=9999 it is returned unchanged.
    pub fn rounded_up(self) -> Self {
        if !self.is_calendar_date() {
            return self;
        }
        let ms = match self.precision.fixed_period_ms() {
            Some(period) => self.ms - self.ms.rem_euclid(period) + (period - 1),
            None => {
                let (year, month, _) = civil_from_days(self.ms.div_euclid(MS_PER_DAY));
                let (next_year, next_month) = match (self.precision, month) {
                    (DateRangePrecision::Year, _) | (_, 12) => (year + 1, 1),
                    _ => (year, month + 1),
                };
                days_from_civil(next_year, next_month, 1) * MS_PER_DAY - 1
            }
        };
        DateRangeBound::new(ms, self.precision)
    }
}

/// A DSE date range value.
///
/// Build one with the constructors, which round as the Python driver does
/// ([`single`](Self::single), [`between`](Self::between), [`starting_at`](Self::starting_at),
/// [`ending_at`](Self::ending_at), [`unbounded`](Self::unbounded),
/// [`any_date`](Self::any_date)), or parse its DSE text form (`"[2017-01-01 TO *]"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateRange {
    /// A single date at its precision, e.g. `2019-06-20` (wire kind 0).
    Single(DateRangeBound),
    /// `*`: a single, open date (wire kind 5).
    SingleOpen,
    /// `[lower TO upper]`; `None` is an open end (`*`). Wire kinds 1 (closed), 2 (open
    /// high), 3 (open low) and 4 (both open).
    Range {
        /// The lower bound, or `None` for `*`.
        lower: Option<DateRangeBound>,
        /// The upper bound, or `None` for `*`.
        upper: Option<DateRangeBound>,
    },
}

impl DateRange {
    /// A single date, rounded down to the start of its precision.
    pub fn single(value: DateRangeBound) -> Self {
        DateRange::Single(value.rounded_down())
    }

    /// `*`, the open single date.
    pub const fn any_date() -> Self {
        DateRange::SingleOpen
    }

    /// `[lower TO upper]`: the lower bound rounded down, the upper rounded up.
    pub fn between(lower: DateRangeBound, upper: DateRangeBound) -> Self {
        DateRange::Range {
            lower: Some(lower.rounded_down()),
            upper: Some(upper.rounded_up()),
        }
    }

    /// `[lower TO *]`, the lower bound rounded down.
    pub fn starting_at(lower: DateRangeBound) -> Self {
        DateRange::Range {
            lower: Some(lower.rounded_down()),
            upper: None,
        }
    }

    /// `[* TO upper]`, the upper bound rounded up.
    pub fn ending_at(upper: DateRangeBound) -> Self {
        DateRange::Range {
            lower: None,
            upper: Some(upper.rounded_up()),
        }
    }

    /// `[* TO *]`.
    pub const fn unbounded() -> Self {
        DateRange::Range {
            lower: None,
            upper: None,
        }
    }

    /// The same range with its bounds rounded as the constructors round them (a no-op for
    /// ranges built by them or decoded).
    pub fn rounded(self) -> Self {
        match self {
            DateRange::Single(value) => DateRange::Single(value.rounded_down()),
            DateRange::SingleOpen => DateRange::SingleOpen,
            DateRange::Range { lower, upper } => DateRange::Range {
                lower: lower.map(DateRangeBound::rounded_down),
                upper: upper.map(DateRangeBound::rounded_up),
            },
        }
    }
}

/// A date range could not be read from its wire or text form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateRangeError {
    /// The value ends before a field it needs.
    #[error("date range truncated: {needed} bytes needed at offset {offset}, {available} left")]
    Truncated {
        /// Offset of the field that did not fit.
        offset: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left from that offset.
        available: usize,
    },
    /// The bound kind byte is not 0..=5.
    #[error("date range bound kind {0} is not one of 0..=5")]
    BoundKind(u8),
    /// A precision byte is not 0..=6.
    #[error("date range precision {0} is not one of 0 (YEAR) ..= 6 (MILLISECOND)")]
    Precision(u8),
    /// The value has bytes after its last bound.
    #[error("date range has {0} bytes after its last bound")]
    TrailingBytes(usize),
    /// The text form is malformed.
    #[error("invalid date range text at byte {position}: expected {expected}")]
    Syntax {
        /// Byte offset where parsing stopped.
        position: usize,
        /// What was expected there.
        expected: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateRangePrecision::*;

    fn bound(ms: i64, precision: DateRangePrecision) -> DateRangeBound {
        DateRangeBound::new(ms, precision)
    }

    #[test]
    fn calendar_limits_match_the_constants() {
        assert_eq!(days_from_civil(1, 1, 1) * MS_PER_DAY, MIN_CALENDAR_MS);
        assert_eq!(
            days_from_civil(10_000, 1, 1) * MS_PER_DAY - 1,
            MAX_CALENDAR_MS
        );
    }

    #[test]
    fn rounds_like_the_python_driver() {
        let t = 1_561_042_722_123; // 2019-06-20T14:58:42.123Z
        assert_eq!(bound(t, Year).rounded_down().ms, 1_546_300_800_000);
        assert_eq!(bound(t, Month).rounded_down().ms, 1_559_347_200_000);
        assert_eq!(bound(t, Day).rounded_down().ms, 1_560_988_800_000);
        assert_eq!(bound(t, Hour).rounded_down().ms, 1_561_039_200_000);
        assert_eq!(bound(t, Minute).rounded_down().ms, 1_561_042_680_000);
        assert_eq!(bound(t, Second).rounded_down().ms, 1_561_042_722_000);
        assert_eq!(bound(t, Millisecond).rounded_down().ms, t);
        assert_eq!(bound(t, Year).rounded_up().ms, 1_577_836_799_999);
        assert_eq!(
            bound(1_582_934_400_000, Month).rounded_up().ms,
            1_583_020_799_999
        );
        assert_eq!(bound(-1, Year).rounded_down().ms, -31_536_000_000);
        assert_eq!(bound(-1_234_567, Minute).rounded_up().ms, -1_200_001);
        assert_eq!(bound(-1_500, Second).rounded_down().ms, -2_000);
        assert_eq!(
            bound(MAX_CALENDAR_MS, Year).rounded_up().ms,
            MAX_CALENDAR_MS
        );
        assert_eq!(
            bound(MIN_CALENDAR_MS, Year).rounded_down().ms,
            MIN_CALENDAR_MS
        );
        let beyond = bound(253_402_387_200_005, Day);
        assert_eq!(beyond.rounded_down(), beyond);
        assert_eq!(bound(i64::MIN, Year).rounded_up().ms, i64::MIN);
    }

    #[test]
    fn civil_constructor_checks_fields() {
        assert_eq!(
            DateRangeBound::from_civil(2020, 2, 29, 1, 2, 3, 457, Millisecond),
            Some(bound(1_582_938_123_457, Millisecond))
        );
        assert_eq!(
            DateRangeBound::from_civil(2019, 2, 29, 0, 0, 0, 0, Day),
            None
        );
        assert_eq!(DateRangeBound::from_civil(0, 1, 1, 0, 0, 0, 0, Day), None);
        assert_eq!(
            DateRangeBound::from_civil(2019, 1, 1, 24, 0, 0, 0, Day),
            None
        );
    }

    #[test]
    fn precision_codes() {
        for (code, precision) in DateRangePrecision::ALL.iter().enumerate() {
            assert_eq!(usize::from(precision.wire_code()), code);
            assert_eq!(DateRangePrecision::from_wire(code as u8), Some(*precision));
        }
        assert_eq!(DateRangePrecision::from_wire(7), None);
    }
}
