//! Proleptic Gregorian calendar ⇄ days since 1970-01-01 for `date` values: the core's
//! calendar, with the month and day checked when a date comes from JavaScript.

use cql_core::types::calendar;

#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))]
pub use calendar::civil_from_days;

/// Days since 1970-01-01 of `year-month-day`, or `None` for a month or day out of range.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day < 1 || day > calendar::days_in_month(year, month) {
        return None;
    }
    Some(calendar::days_from_civil(year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for days in [
            -(1i64 << 31),
            -719_468,
            -1,
            0,
            1,
            19_000,
            2_932_896,
            (1i64 << 31) - 1,
        ] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), Some(days), "{days}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 2, 29), Some(11_016));
        assert_eq!(days_from_civil(1900, 2, 29), None);
    }
}
