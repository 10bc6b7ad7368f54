//! ISO 8601 text forms of `timestamp`, `date` and `time`, given to Rust types that ask for
//! a string (chrono's and time's types do).

use alloc::string::String;
use core::fmt::Write as _;

/// `(year, month, day)` of the proleptic Gregorian date `days` after 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn push_date(s: &mut String, days: i64) {
    let (y, m, d) = civil(days);
    let _ = write!(s, "{y:04}-{m:02}-{d:02}");
}

/// `YYYY-MM-DD` for a `date` given as days since 1970-01-01.
pub(crate) fn date(days: i64) -> String {
    let mut s = String::new();
    push_date(&mut s, days);
    s
}

/// `HH:MM:SS.nnnnnnnnn` for a `time` given as nanoseconds since midnight.
pub(crate) fn time(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let frac = nanos.rem_euclid(1_000_000_000);
    let mut s = String::new();
    let _ = write!(
        s,
        "{:02}:{:02}:{:02}.{frac:09}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    s
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` (RFC 3339, UTC) for a `timestamp` in milliseconds since the
/// Unix epoch.
pub(crate) fn timestamp(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let ms = millis.rem_euclid(86_400_000);
    let secs = ms / 1000;
    let mut s = String::new();
    push_date(&mut s, days);
    let _ = write!(
        s,
        "T{:02}:{:02}:{:02}.{:03}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        ms % 1000
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_forms() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(date(19_723), "2024-01-01");
        assert_eq!(date(11_016), "2000-02-29");
        assert_eq!(time(0), "00:00:00.000000000");
        assert_eq!(time(86_399_999_999_999), "23:59:59.999999999");
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(timestamp(1_704_067_200_123), "2024-01-01T00:00:00.123Z");
    }
}
