//! Dates, times and durations of GraphSON: `gx:Instant`, `gx:LocalDate`, `gx:LocalTime` and
//! `gx:Duration`, with the text forms the Python driver writes and reads.

use alloc::string::String;
use core::fmt;

use crate::types::calendar::{self, days_from_civil, days_in_month};
use crate::types::{CqlDate, CqlTime, CqlTimestamp};

const NANOS_PER_SECOND: i128 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
const NANOS_PER_DAY: u64 = 86_400_000_000_000;

/// A point on the UTC time line with nanosecond precision (`gx:Instant`; `g:Date` and
/// `g:Timestamp` read as one too).
///
/// Its text form ([`Display`](fmt::Display)) is what the Python driver writes for a
/// `datetime`: `2020-01-02T03:04:05Z`, with 6 fraction digits when there are microseconds
/// (`…05.123000Z`); 9 digits when the nanoseconds are not whole microseconds, which Python
/// cannot hold. Years outside 0..=9999 are written as ISO-8601 expanded years (`+10000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    seconds: i64,
    nanos: u32,
}

impl Instant {
    /// `seconds` since the Unix epoch plus `nanos` (below one second).
    pub fn from_unix(seconds: i64, nanos: u32) -> Option<Self> {
        (nanos < 1_000_000_000).then_some(Instant { seconds, nanos })
    }

    /// Milliseconds since the Unix epoch (what `g:Date`, `g:Timestamp` and CQL `timestamp`
    /// hold).
    pub fn from_millis(millis: i64) -> Self {
        Instant {
            seconds: millis.div_euclid(1000),
            // In 0..1000, so the product fits.
            nanos: (millis.rem_euclid(1000) as u32) * 1_000_000,
        }
    }

    /// The UTC calendar date and time of day.
    pub fn from_civil(date: LocalDate, time: LocalTime) -> Option<Self> {
        let seconds = date
            .days_since_epoch()
            .checked_mul(SECONDS_PER_DAY)?
            .checked_add((time.nanos_since_midnight() / 1_000_000_000) as i64)?;
        Some(Instant {
            seconds,
            nanos: (time.nanos_since_midnight() % 1_000_000_000) as u32,
        })
    }

    /// Whole seconds since the Unix epoch (rounded down).
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds after [`unix_seconds`](Self::unix_seconds).
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Milliseconds since the Unix epoch (rounded down), when they fit an `i64`.
    pub fn to_millis(&self) -> Option<i64> {
        self.seconds
            .checked_mul(1000)?
            .checked_add(i64::from(self.nanos / 1_000_000))
    }

    /// The UTC calendar date.
    pub fn date(&self) -> LocalDate {
        LocalDate::from_days_since_epoch(self.seconds.div_euclid(SECONDS_PER_DAY))
    }

    /// The UTC time of day.
    pub fn time(&self) -> LocalTime {
        let seconds = self.seconds.rem_euclid(SECONDS_PER_DAY) as u64;
        LocalTime(seconds * 1_000_000_000 + u64::from(self.nanos))
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS[.f]Z` (1 to 9 fraction digits; an expanded `±YYYYY` year
    /// allowed), the forms of `gx:Instant`.
    pub fn parse(text: &str) -> Option<Self> {
        let body = text.strip_suffix('Z')?;
        let (date, time) = body.split_once('T')?;
        let date = LocalDate::parse(date)?;
        let time = LocalTime::parse(time)?;
        // `HH:MM` is a valid local time but not a valid instant.
        if time_has_seconds(body) {
            Instant::from_civil(date, time)
        } else {
            None
        }
    }
}

fn time_has_seconds(body: &str) -> bool {
    body.rsplit_once('T')
        .is_some_and(|(_, t)| t.bytes().filter(|b| *b == b':').count() == 2)
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = self.time();
        write!(f, "{}T", self.date())?;
        write_hms(f, time.0 / 1_000_000_000)?;
        write_fraction(f, self.nanos, false)?;
        f.write_str("Z")
    }
}

impl From<CqlTimestamp> for Instant {
    fn from(v: CqlTimestamp) -> Self {
        Instant::from_millis(v.0)
    }
}

/// A calendar date without a time zone (`gx:LocalDate`), proleptic Gregorian.
///
/// Its text form is ISO-8601 (`2020-01-02`); years outside 0..=9999 take a sign and at least
/// four digits (`-0005-03-01`, `+10000-01-01`), as Java writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDate {
    year: i64,
    month: u8,
    day: u8,
}

impl LocalDate {
    /// The date `year-month-day`, if it exists.
    pub fn new(year: i64, month: u32, day: u32) -> Option<Self> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        // Keep day counts far from overflow.
        let in_range = (-1_000_000_000..=1_000_000_000).contains(&year);
        (valid && in_range).then_some(LocalDate {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Self {
        let (year, month, day) = civil_from_days(days);
        LocalDate { year, month, day }
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(&self) -> i64 {
        days_from_civil(self.year, u32::from(self.month), u32::from(self.day))
    }

    /// The year (astronomical numbering: 0 is 1 BC).
    pub fn year(&self) -> i64 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u32 {
        u32::from(self.day)
    }

    /// Reads `YYYY-MM-DD`, or an expanded year `±YYYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let (sign, rest) = match text.as_bytes().first()? {
            b'-' => (-1, text.get(1..)?),
            b'+' => (1, text.get(1..)?),
            _ => (1, text),
        };
        let mut parts = rest.split('-');
        let year = parts.next()?;
        let month = parts.next()?;
        let day = parts.next()?;
        if parts.next().is_some() || year.len() < 4 || year.len() > 10 {
            return None;
        }
        let year = digits(year)? as i64 * sign;
        LocalDate::new(year, two_digits(month)?, two_digits(day)?)
    }

    /// The date as a CQL `date`, when it is in that type's range.
    pub fn to_cql_date(&self) -> Option<CqlDate> {
        let shifted = self.days_since_epoch().checked_add(1 << 31)?;
        u32::try_from(shifted).ok().map(CqlDate)
    }
}

impl From<CqlDate> for LocalDate {
    fn from(v: CqlDate) -> Self {
        LocalDate::from_days_since_epoch(i64::from(v.0) - (1 << 31))
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            0..=9999 => write!(f, "{:04}", self.year)?,
            y if y < 0 => write!(f, "-{:04}", y.unsigned_abs())?,
            y => write!(f, "+{y:04}")?,
        }
        write!(f, "-{:02}-{:02}", self.month, self.day)
    }
}

/// A time of day without a time zone (`gx:LocalTime`): nanoseconds since midnight.
///
/// Its text form is what the Python driver writes (`strftime('%H:%M:%S.%f')`): always 6
/// fraction digits (`00:00:00.000000`), 9 when the nanoseconds are not whole microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(u64);

impl LocalTime {
    /// The time `nanos` after midnight, if that is within the day.
    pub fn from_nanos_since_midnight(nanos: u64) -> Option<Self> {
        (nanos < NANOS_PER_DAY).then_some(LocalTime(nanos))
    }

    /// The time `hour:minute:second.nanos`.
    pub fn new(hour: u32, minute: u32, second: u32, nanos: u32) -> Option<Self> {
        if hour > 23 || minute > 59 || second > 59 || nanos >= 1_000_000_000 {
            return None;
        }
        let seconds = u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
        Some(LocalTime(seconds * 1_000_000_000 + u64::from(nanos)))
    }

    /// Nanoseconds since midnight.
    pub fn nanos_since_midnight(&self) -> u64 {
        self.0
    }

    /// Reads `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f` (1 to 9 fraction digits), the forms the
    /// Python driver reads.
    pub fn parse(text: &str) -> Option<Self> {
        let (clock, fraction) = match text.split_once('.') {
            Some((clock, fraction)) => (clock, Some(fraction)),
            None => (text, None),
        };
        let mut parts = clock.split(':');
        let hour = two_digits(parts.next()?)?;
        let minute = two_digits(parts.next()?)?;
        let second = match parts.next() {
            Some(s) => two_digits(s)?,
            None if fraction.is_none() => 0,
            None => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        let nanos = match fraction {
            Some(f) => fraction_nanos(f)?,
            None => 0,
        };
        LocalTime::new(hour, minute, second, nanos)
    }
}

impl From<CqlTime> for LocalTime {
    fn from(v: CqlTime) -> Self {
        LocalTime(u64::try_from(v.0).unwrap_or(0) % NANOS_PER_DAY)
    }
}

impl From<LocalTime> for CqlTime {
    fn from(v: LocalTime) -> Self {
        // Below one day of nanoseconds, so it fits.
        CqlTime(v.0 as i64)
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hms(f, self.0 / 1_000_000_000)?;
        write_fraction(f, (self.0 % 1_000_000_000) as u32, true)
    }
}

/// A `java.time.Duration` (`gx:Duration`): an exact amount of time, seconds and nanoseconds,
/// either sign. The Python driver's `timedelta` is one with microsecond precision.
///
/// Its text form is what the Python driver writes: `P{days}DT{hours}H{minutes}M{seconds}S`
/// after Python's floor division (so one second less than zero is `P-1DT23H59M59.0S`), the
/// seconds as a Python float (`3.5`, `0.0`). [`JavaDuration::parse`] reads what that driver
/// reads, which excludes its own negative form, and the exponent form Python gives seconds
/// below 0.0001 (`P0DT0H0M8.0936e-05S`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JavaDuration {
    seconds: i64,
    nanos: u32,
}

impl JavaDuration {
    /// `seconds` plus `nanos` (any values; normalised so the nanoseconds are below one
    /// second), if the total fits.
    pub fn new(seconds: i64, nanos: i64) -> Option<Self> {
        let total = i128::from(seconds) * NANOS_PER_SECOND + i128::from(nanos);
        JavaDuration::from_total_nanos(total)
    }

    /// A Python `timedelta(days, seconds, microseconds)`.
    pub fn from_days_seconds_micros(days: i64, seconds: i64, micros: i64) -> Option<Self> {
        let total = (i128::from(days) * i128::from(SECONDS_PER_DAY) + i128::from(seconds))
            * NANOS_PER_SECOND
            + i128::from(micros) * 1000;
        JavaDuration::from_total_nanos(total)
    }

    /// The duration of `nanos` nanoseconds, if it fits.
    pub fn from_total_nanos(nanos: i128) -> Option<Self> {
        let seconds = i64::try_from(nanos.div_euclid(NANOS_PER_SECOND)).ok()?;
        Some(JavaDuration {
            seconds,
            nanos: nanos.rem_euclid(NANOS_PER_SECOND) as u32,
        })
    }

    /// Whole seconds, rounded down (as `java.time.Duration.getSeconds`).
    pub fn seconds(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds after [`seconds`](Self::seconds), below one second.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// The whole duration in nanoseconds.
    pub fn total_nanos(&self) -> i128 {
        i128::from(self.seconds) * NANOS_PER_SECOND + i128::from(self.nanos)
    }

    /// Reads the forms the Python driver reads: `P[nD]T[nH][nM][n.nS]` with unsigned
    /// numbers (the `T` is required; seconds are rounded to the nanosecond).
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix('P')?;
        let (days, rest) = match rest.split_once('D') {
            Some((d, rest)) => (digits(d)?, rest),
            None => (0, rest),
        };
        let mut rest = rest.strip_prefix('T')?;
        let mut total = i128::from(days) * i128::from(SECONDS_PER_DAY) * NANOS_PER_SECOND;
        for (unit, seconds) in [('H', 3600), ('M', 60)] {
            if let Some((n, tail)) = rest.split_once(unit) {
                if n.bytes().all(|b| b.is_ascii_digit()) {
                    total += i128::from(digits(n)?) * seconds * NANOS_PER_SECOND;
                    rest = tail;
                }
            }
        }
        if !rest.is_empty() {
            let s = rest.strip_suffix('S')?;
            let (whole, fraction) = match s.split_once('.') {
                Some((w, f)) => (w, f),
                None => (s, ""),
            };
            if whole.is_empty() && fraction.is_empty() {
                return None;
            }
            let whole = if whole.is_empty() { 0 } else { digits(whole)? };
            let nanos = if fraction.is_empty() {
                0
            } else {
                fraction_nanos_rounded(fraction)?
            };
            total += i128::from(whole) * NANOS_PER_SECOND + i128::from(nanos);
        }
        JavaDuration::from_total_nanos(total)
    }
}

impl fmt::Display for JavaDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Python: int(total_seconds()) truncates toward zero, then floor divisions; the
        // sub-second part is always the non-negative remainder.
        let total = self.total_nanos();
        let whole = total / NANOS_PER_SECOND;
        let fraction = total.rem_euclid(NANOS_PER_SECOND);
        let days = whole.div_euclid(i128::from(SECONDS_PER_DAY));
        let rem = whole.rem_euclid(i128::from(SECONDS_PER_DAY));
        let (hours, rem) = (rem / 3600, rem % 3600);
        let (minutes, seconds) = (rem / 60, rem % 60);
        let seconds = seconds as f64 + fraction as f64 / 1e9;
        let mut text = String::new();
        crate::types::float_repr::write_python_repr(&mut text, seconds);
        write!(f, "P{days}DT{hours}H{minutes}M{text}S")
    }
}

fn write_hms(f: &mut fmt::Formatter<'_>, seconds_of_day: u64) -> fmt::Result {
    let (h, rem) = (seconds_of_day / 3600, seconds_of_day % 3600);
    write!(f, "{:02}:{:02}:{:02}", h, rem / 60, rem % 60)
}

/// `.ffffff` (or `.fffffffff` when not whole microseconds); nothing for zero unless
/// `always`.
fn write_fraction(f: &mut fmt::Formatter<'_>, nanos: u32, always: bool) -> fmt::Result {
    if nanos % 1000 != 0 {
        write!(f, ".{nanos:09}")
    } else if nanos != 0 || always {
        write!(f, ".{:06}", nanos / 1000)
    } else {
        Ok(())
    }
}

/// Unsigned decimal digits (at most 18, so the value fits).
fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn two_digits(text: &str) -> Option<u32> {
    if text.len() != 2 {
        return None;
    }
    digits(text).map(|v| v as u32)
}

/// 1 to 9 fraction digits as nanoseconds.
fn fraction_nanos(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 9 {
        return None;
    }
    fraction_nanos_truncated(text)
}

/// Fraction digits as nanoseconds, digits past the ninth dropped.
fn fraction_nanos_truncated(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos = 0u32;
    for i in 0..9 {
        let d = text.as_bytes().get(i).map_or(0, |b| u32::from(b - b'0'));
        nanos = nanos * 10 + d;
    }
    Some(nanos)
}

/// Fraction digits as nanoseconds, rounded to the nearest (up to a whole second): the
/// seconds a Python float sum wrote (`16.874930890999998`) read back as the nanoseconds
/// they were made of.
fn fraction_nanos_rounded(text: &str) -> Option<u32> {
    let nanos = fraction_nanos_truncated(text)?;
    let round_up = text.as_bytes().get(9).is_some_and(|d| *d >= b'5');
    Some(nanos + u32::from(round_up))
}

/// `(year, month, day)` of a day number, month and day as bytes.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let (year, month, day) = calendar::civil_from_days(days);
    // Month 1..=12 and day 1..=31 always fit.
    (year, month as u8, day as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn calendar_round_trips() {
        for extreme in [i64::MAX, i64::MIN] {
            let date = LocalDate::from_days_since_epoch(extreme);
            let _ = (
                date.to_string(),
                date.days_since_epoch(),
                date.to_cql_date(),
            );
        }
        for days in [-719_468 - 366, -1, 0, 1, 18_263, 2_932_896, 10_000_000] {
            let date = LocalDate::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days);
            assert_eq!(LocalDate::parse(&date.to_string()), Some(date), "{date}");
        }
        assert_eq!(
            LocalDate::from_days_since_epoch(0).to_string(),
            "1970-01-01"
        );
        assert_eq!(LocalDate::new(1, 1, 1).unwrap().to_string(), "0001-01-01");
        assert_eq!(LocalDate::new(-5, 3, 1).unwrap().to_string(), "-0005-03-01");
        assert_eq!(
            LocalDate::new(10000, 1, 1).unwrap().to_string(),
            "+10000-01-01"
        );
        assert!(LocalDate::new(2019, 2, 29).is_none());
        assert!(LocalDate::new(2020, 2, 29).is_some());
        assert!(LocalDate::parse("2020-1-02").is_none());
    }

    #[test]
    fn instants_as_python_writes_them() {
        let i = Instant::parse("2020-01-02T03:04:05.123Z").unwrap();
        assert_eq!(i.to_string(), "2020-01-02T03:04:05.123000Z");
        assert_eq!(i.to_millis(), Some(1_577_934_245_123));
        let whole = Instant::parse("1969-07-20T20:17:40Z").unwrap();
        assert_eq!(whole.to_string(), "1969-07-20T20:17:40Z");
        assert_eq!(
            Instant::from_millis(-1).to_string(),
            "1969-12-31T23:59:59.999000Z"
        );
        let nanos = Instant::from_unix(0, 1).unwrap();
        assert_eq!(nanos.to_string(), "1970-01-01T00:00:00.000000001Z");
        assert_eq!(Instant::parse(&nanos.to_string()), Some(nanos));
        for bad in [
            "2020-01-02T03:04Z",
            "2020-01-02T03:04:05",
            "2020-01-02 03:04:05Z",
            "x",
        ] {
            assert!(Instant::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn local_times() {
        assert_eq!(
            LocalTime::parse("12:30").unwrap().to_string(),
            "12:30:00.000000"
        );
        assert_eq!(
            LocalTime::parse("12:30:45.123").unwrap().to_string(),
            "12:30:45.123000"
        );
        assert_eq!(
            LocalTime::parse("00:00:00").unwrap().to_string(),
            "00:00:00.000000"
        );
        for bad in [
            "24:00",
            "12:60",
            "12:30.5",
            "1:30",
            "12:30:45.",
            "12:30:45.1234567890",
        ] {
            assert!(LocalTime::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn durations_as_python_writes_them() {
        let d = JavaDuration::from_days_seconds_micros(1, 7203, 500_000).unwrap();
        assert_eq!(d.to_string(), "P1DT2H0M3.5S");
        assert_eq!(JavaDuration::parse("P1DT2H0M3.5S"), Some(d));
        let zero = JavaDuration::new(0, 0).unwrap();
        assert_eq!(zero.to_string(), "P0DT0H0M0.0S");
        let minus_one = JavaDuration::from_days_seconds_micros(-1, 86_399, 0).unwrap();
        assert_eq!(minus_one.to_string(), "P-1DT23H59M59.0S");
        assert_eq!(JavaDuration::parse("P-1DT23H59M59.0S"), None);
        assert_eq!(
            JavaDuration::parse("P2DT3H4M5.5S").unwrap().total_nanos(),
            (2 * 86_400 + 3 * 3600 + 4 * 60 + 5) * 1_000_000_000 + 500_000_000
        );
        assert_eq!(
            JavaDuration::parse("PT51H4M").unwrap().seconds(),
            51 * 3600 + 240
        );
        assert_eq!(JavaDuration::parse("PT").unwrap().seconds(), 0);
        let rounded = JavaDuration::parse("PT16.874930890999998S").unwrap();
        assert_eq!(
            (rounded.seconds(), rounded.subsec_nanos()),
            (16, 874_930_891)
        );
        let carried = JavaDuration::parse("PT0.9999999996S").unwrap();
        assert_eq!((carried.seconds(), carried.subsec_nanos()), (1, 0));
        for bad in ["P1D", "T1H", "P1DT1.2.3S", "PT.S", "PT1X"] {
            assert!(JavaDuration::parse(bad).is_none(), "{bad}");
        }
    }
}
