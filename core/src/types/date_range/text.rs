//! The DSE text form, printed exactly as the Python driver's `str()`: `2019`, `2019-06`,
//! `2019-06-20`, `2019-06-20T14Z`, `2019-06-20T14:58Z`, `2019-06-20T14:58:42Z`,
//! `2019-06-20T14:58:42.123Z`, `*`, `[lower TO upper]`. Years are not zero-padded (`100-01-01`,
//! as glibc's `strftime` prints them); instants outside years 1..=9999 print as `<ms>ms`.
//!
//! Parsing takes the same forms; a bound's precision is the last field it gives. The
//! `<ms>ms` form carries no precision and is not accepted.

use core::fmt;
use core::str::FromStr;

use super::{DateRange, DateRangeBound, DateRangeError, DateRangePrecision};
use crate::types::calendar::{MS_PER_DAY, civil_from_days, days_in_month};

impl fmt::Display for DateRangePrecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for DateRangeBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.is_calendar_date() {
            return write!(f, "{}ms", self.ms);
        }
        let (year, month, day) = civil_from_days(self.ms.div_euclid(MS_PER_DAY));
        let time = self.ms.rem_euclid(MS_PER_DAY);
        let (hour, minute) = (time / 3_600_000, time / 60_000 % 60);
        let (second, millisecond) = (time / 1000 % 60, time % 1000);
        write!(f, "{year}")?;
        let precision = self.precision;
        if precision >= DateRangePrecision::Month {
            write!(f, "-{month:02}")?;
        }
        if precision >= DateRangePrecision::Day {
            write!(f, "-{day:02}")?;
        }
        if precision >= DateRangePrecision::Hour {
            write!(f, "T{hour:02}")?;
        }
        if precision >= DateRangePrecision::Minute {
            write!(f, ":{minute:02}")?;
        }
        if precision >= DateRangePrecision::Second {
            write!(f, ":{second:02}")?;
        }
        if precision >= DateRangePrecision::Millisecond {
            write!(f, ".{millisecond:03}")?;
        }
        if precision >= DateRangePrecision::Hour {
            f.write_str("Z")?;
        }
        Ok(())
    }
}

fn write_optional_bound(f: &mut fmt::Formatter<'_>, bound: Option<&DateRangeBound>) -> fmt::Result {
    match bound {
        Some(bound) => fmt::Display::fmt(bound, f),
        None => f.write_str("*"),
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateRange::Single(value) => fmt::Display::fmt(value, f),
            DateRange::SingleOpen => f.write_str("*"),
            DateRange::Range { lower, upper } => {
                f.write_str("[")?;
                write_optional_bound(f, lower.as_ref())?;
                f.write_str(" TO ")?;
                write_optional_bound(f, upper.as_ref())?;
                f.write_str("]")
            }
        }
    }
}

/// A cursor over the text being parsed.
struct Parser<'a> {
    text: &'a str,
    position: usize,
}

impl Parser<'_> {
    fn error(&self, expected: &'static str) -> DateRangeError {
        DateRangeError::Syntax {
            position: self.position,
            expected,
        }
    }

    fn rest(&self) -> &str {
        self.text.get(self.position..).unwrap_or("")
    }

    fn skip_whitespace(&mut self) -> usize {
        let rest = self.rest();
        let skipped = rest.len() - rest.trim_start().len();
        self.position += skipped;
        skipped
    }

    /// Consumes `prefix` if the text continues with it.
    fn eat(&mut self, prefix: &str) -> bool {
        let found = self.rest().starts_with(prefix);
        if found {
            self.position += prefix.len();
        }
        found
    }

    /// Reads between `min` and `max` ASCII digits as a number.
    fn digits(
        &mut self,
        min: usize,
        max: usize,
        expected: &'static str,
    ) -> Result<u32, DateRangeError> {
        let rest = self.rest();
        let count = rest
            .bytes()
            .take(max)
            .take_while(u8::is_ascii_digit)
            .count();
        let value = rest
            .get(..count)
            .filter(|_| count >= min)
            .and_then(|digits| digits.parse().ok())
            .ok_or_else(|| self.error(expected))?;
        self.position += count;
        Ok(value)
    }

    /// A field that must lie in `range`; the error points at its start.
    fn field(
        &mut self,
        width: usize,
        range: core::ops::RangeInclusive<u32>,
        expected: &'static str,
    ) -> Result<u32, DateRangeError> {
        let start = self.position;
        let value = self.digits(width, width, expected)?;
        if range.contains(&value) {
            Ok(value)
        } else {
            self.position = start;
            Err(self.error(expected))
        }
    }

    fn bound(&mut self) -> Result<DateRangeBound, DateRangeError> {
        use DateRangePrecision::*;
        let start = self.position;
        let year = self.digits(1, 4, "a year from 1 to 9999")?;
        if year == 0 {
            self.position = start;
            return Err(self.error("a year from 1 to 9999"));
        }
        let year = i64::from(year);
        let (mut month, mut day, mut hour, mut minute, mut second, mut millisecond) =
            (1, 1, 0, 0, 0, 0);
        let mut precision = Year;
        if self.eat("-") {
            month = self.field(2, 1..=12, "a two-digit month 01..12")?;
            precision = Month;
            if self.eat("-") {
                day = self.field(
                    2,
                    1..=days_in_month(year, month),
                    "a two-digit day of the month",
                )?;
                precision = Day;
                if self.eat("T") {
                    hour = self.field(2, 0..=23, "a two-digit hour 00..23")?;
                    precision = Hour;
                    if self.eat(":") {
                        minute = self.field(2, 0..=59, "a two-digit minute 00..59")?;
                        precision = Minute;
                        if self.eat(":") {
                            second = self.field(2, 0..=59, "a two-digit second 00..59")?;
                            precision = Second;
                            if self.eat(".") {
                                millisecond = self.field(3, 0..=999, "three millisecond digits")?;
                                precision = Millisecond;
                            }
                        }
                    }
                    self.eat("Z");
                }
            }
        }
        DateRangeBound::from_civil(
            year,
            month,
            day,
            hour,
            minute,
            second,
            millisecond,
            precision,
        )
        .ok_or_else(|| self.error("a valid date"))
    }

    /// `*` (returned as `None`) or a bound.
    fn optional_bound(&mut self) -> Result<Option<DateRangeBound>, DateRangeError> {
        if self.eat("*") {
            Ok(None)
        } else {
            self.bound().map(Some)
        }
    }

    fn range(&mut self) -> Result<DateRange, DateRangeError> {
        self.skip_whitespace();
        let range = if self.eat("[") {
            self.skip_whitespace();
            let lower = self.optional_bound()?;
            if self.skip_whitespace() == 0 || !self.eat("TO") || self.skip_whitespace() == 0 {
                return Err(self.error("' TO ' between the bounds"));
            }
            let upper = self.optional_bound()?;
            self.skip_whitespace();
            if !self.eat("]") {
                return Err(self.error("']'"));
            }
            match (lower, upper) {
                (Some(lower), Some(upper)) => DateRange::between(lower, upper),
                (Some(lower), None) => DateRange::starting_at(lower),
                (None, Some(upper)) => DateRange::ending_at(upper),
                (None, None) => DateRange::unbounded(),
            }
        } else {
            match self.optional_bound()? {
                Some(value) => DateRange::single(value),
                None => DateRange::SingleOpen,
            }
        };
        self.skip_whitespace();
        if self.rest().is_empty() {
            Ok(range)
        } else {
            Err(self.error("end of text"))
        }
    }
}

impl FromStr for DateRangeBound {
    type Err = DateRangeError;

    /// Parses one bound (not `*`); the precision is the last field given, and the instant is
    /// the start of that field's period.
    fn from_str(text: &str) -> Result<Self, DateRangeError> {
        let mut parser = Parser { text, position: 0 };
        let bound = parser.bound()?;
        if parser.rest().is_empty() {
            Ok(bound)
        } else {
            Err(parser.error("end of the date"))
        }
    }
}

impl FromStr for DateRange {
    type Err = DateRangeError;

    /// Parses the DSE text form (`2019-06`, `*`, `[2017-01-01 TO *]`), rounding the bounds as
    /// the constructors do.
    fn from_str(text: &str) -> Result<Self, DateRangeError> {
        Parser { text, position: 0 }.range()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateRangePrecision::*;
    use alloc::string::ToString;

    fn single(ms: i64, precision: DateRangePrecision) -> DateRange {
        DateRange::single(DateRangeBound::new(ms, precision))
    }

    #[test]
    fn prints_like_python() {
        let t = 1_561_042_722_123;
        assert_eq!(single(t, Year).to_string(), "2019");
        assert_eq!(single(t, Month).to_string(), "2019-06");
        assert_eq!(single(t, Day).to_string(), "2019-06-20");
        assert_eq!(single(t, Hour).to_string(), "2019-06-20T14Z");
        assert_eq!(single(t, Minute).to_string(), "2019-06-20T14:58Z");
        assert_eq!(single(t, Second).to_string(), "2019-06-20T14:58:42Z");
        assert_eq!(
            single(t, Millisecond).to_string(),
            "2019-06-20T14:58:42.123Z"
        );
        assert_eq!(
            single(-1, Millisecond).to_string(),
            "1969-12-31T23:59:59.999Z"
        );
        assert_eq!(single(-59_011_459_200_000, Day).to_string(), "100-01-01");
        assert_eq!(
            single(253_402_387_200_005, Day).to_string(),
            "253402387200005ms"
        );
        assert_eq!(DateRange::SingleOpen.to_string(), "*");
        assert_eq!(DateRange::unbounded().to_string(), "[* TO *]");
        assert_eq!(
            DateRange::starting_at(DateRangeBound::new(t, Month)).to_string(),
            "[2019-06 TO *]"
        );
    }

    #[test]
    fn parses_every_form() {
        let t = 1_561_042_722_123;
        for precision in DateRangePrecision::ALL {
            let range = single(t, precision);
            assert_eq!(range.to_string().parse::<DateRange>(), Ok(range));
        }
        assert_eq!("*".parse::<DateRange>(), Ok(DateRange::SingleOpen));
        assert_eq!(
            " [ * TO * ] ".parse::<DateRange>(),
            Ok(DateRange::unbounded())
        );
        assert_eq!(
            "[2017-01-01 TO *]".parse::<DateRange>(),
            Ok(DateRange::starting_at(DateRangeBound::new(
                1_483_228_800_000,
                Day
            )))
        );
        assert_eq!(
            "[2019-06 TO 2019-06]".parse::<DateRange>(),
            Ok(DateRange::Range {
                lower: Some(DateRangeBound::new(1_559_347_200_000, Month)),
                upper: Some(DateRangeBound::new(1_561_939_199_999, Month)),
            })
        );
        assert_eq!(
            "2019-06-20T13".parse::<DateRangeBound>(),
            Ok(DateRangeBound::new(1_561_035_600_000, Hour))
        );
        assert_eq!(
            "100-01-01".parse::<DateRange>(),
            Ok(single(-59_011_459_200_000, Day))
        );
    }

    #[test]
    fn reports_where_and_what() {
        let err = |text: &str| match text.parse::<DateRange>() {
            Err(DateRangeError::Syntax { position, .. }) => position,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(err(""), 0);
        assert_eq!(err("0"), 0);
        assert_eq!(err("2019-13"), 5);
        assert_eq!(err("2019-02-29"), 8);
        assert_eq!(err("2019-06-20T24Z"), 11);
        assert_eq!(err("2019 x"), 5);
        assert_eq!(err("[2019 2020]"), 6);
        assert_eq!(err("[2019 TO 2020"), 13);
        assert_eq!(err("253402387200005ms"), 4);
        assert_eq!(err("2019-06-20T14:58:42.12Z"), 20);
    }
}
