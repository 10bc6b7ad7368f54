//! Text forms of CQL values: timestamps, dates, times, durations and the other constants
//! a query can write, parsed as Cassandra's `fromString` parses them.

use cql_core::types::ColumnType;
use cql_core::{CqlDecimal, CqlDuration, CqlValue, CqlVarint};

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.pos;
        while self.pos < self.s.len() && self.pos - start < max {
            match self.s.get(self.pos) {
                Some(c) if c.is_ascii_digit() => self.pos += 1,
                _ => break,
            }
        }
        let n = self.pos - start;
        if n < min {
            return None;
        }
        std::str::from_utf8(self.s.get(start..self.pos)?)
            .ok()?
            .parse()
            .ok()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }
    fn done(&self) -> bool {
        self.pos >= self.s.len()
    }
}

/// Parses `hh:mm[:ss[.fffffffff]]` into nanoseconds since midnight.
fn parse_clock(c: &mut Cursor<'_>, need_seconds: bool) -> Option<i64> {
    let h = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let m = c.digits(2, 2)?;
    let mut s = 0;
    let mut nanos = 0;
    if c.eat(b':') {
        s = c.digits(2, 2)?;
        if c.eat(b'.') {
            let start = c.pos;
            let frac = c.digits(1, 9)?;
            let n = c.pos - start;
            nanos = frac * 10i64.pow(9 - n as u32);
        }
    } else if need_seconds {
        return None;
    }
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    Some(((h * 60 + m) * 60 + s) * 1_000_000_000 + nanos)
}

fn parse_ymd(c: &mut Cursor<'_>) -> Option<i64> {
    let neg = c.eat(b'-');
    let y = c.digits(1, 9)?;
    let y = if neg { -y } else { y };
    if !c.eat(b'-') {
        return None;
    }
    let m = c.digits(1, 2)?;
    if !c.eat(b'-') {
        return None;
    }
    let d = c.digits(1, 2)?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Parses a timestamp literal (`'2024-01-02 03:04:05.678+0000'`, `'2024-01-02'`, a number
/// of milliseconds, ...) into milliseconds since the epoch (UTC when no zone is given).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(ms) = t.parse::<i64>() {
        return Some(ms);
    }
    let mut c = Cursor {
        s: t.as_bytes(),
        pos: 0,
    };
    let days = parse_ymd(&mut c)?;
    let mut nanos = 0;
    if c.eat(b' ') || c.eat(b'T') {
        nanos = parse_clock(&mut c, false)?;
    }
    while c.eat(b' ') {}
    let mut offset_min = 0i64;
    match c.peek() {
        None => {}
        Some(b'Z' | b'z') => {
            c.pos += 1;
        }
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let h = c.digits(2, 2)?;
            c.eat(b':');
            let m = c.digits(0, 2).unwrap_or(0);
            offset_min = h * 60 + m;
            if sign == b'-' {
                offset_min = -offset_min;
            }
        }
        _ => {
            let rest = std::str::from_utf8(c.s.get(c.pos..)?).ok()?;
            if rest.eq_ignore_ascii_case("utc") || rest.eq_ignore_ascii_case("gmt") {
                c.pos = c.s.len();
            } else {
                return None;
            }
        }
    }
    if !c.done() {
        return None;
    }
    Some(days * 86_400_000 + nanos / 1_000_000 - offset_min * 60_000)
}

/// Parses a date literal (`'2024-01-02'` or an unsigned day number centred on 2^31).
pub fn parse_date(text: &str) -> Option<u32> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u32>().ok();
    }
    let mut c = Cursor {
        s: t.as_bytes(),
        pos: 0,
    };
    let days = parse_ymd(&mut c)?;
    if !c.done() {
        return None;
    }
    u32::try_from(days + (1i64 << 31)).ok()
}

/// Parses a time literal (`'08:12:54.123456789'` or nanoseconds).
pub fn parse_time(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok().filter(|n| *n < 86_400_000_000_000);
    }
    let mut c = Cursor {
        s: t.as_bytes(),
        pos: 0,
    };
    let n = parse_clock(&mut c, true)?;
    c.done().then_some(n)
}

/// Parses a duration: `1h30m`, `-2d`, ISO 8601 `P1Y2M3DT4H5M6S` or `P3W`.
pub fn parse_duration(text: &str) -> Option<CqlDuration> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let (mut months, mut days, mut nanos) = (0i64, 0i64, 0i64);
    if let Some(iso) = t.strip_prefix('P').or_else(|| t.strip_prefix('p')) {
        let mut in_time = false;
        let mut num = String::new();
        for ch in iso.chars() {
            match ch.to_ascii_uppercase() {
                'T' => in_time = true,
                d if d.is_ascii_digit() => num.push(d),
                unit => {
                    let n: i64 = num.parse().ok()?;
                    num.clear();
                    match (unit, in_time) {
                        ('Y', false) => months += n * 12,
                        ('M', false) => months += n,
                        ('W', false) => days += n * 7,
                        ('D', false) => days += n,
                        ('H', true) => nanos += n * 3_600_000_000_000,
                        ('M', true) => nanos += n * 60_000_000_000,
                        ('S', true) => nanos += n * 1_000_000_000,
                        _ => return None,
                    }
                }
            }
        }
        if !num.is_empty() {
            return None;
        }
    } else {
        let lower = t.to_ascii_lowercase();
        let b = lower.as_str();
        let mut i = 0;
        if b.is_empty() {
            return None;
        }
        while i < b.len() {
            let start = i;
            while b.as_bytes().get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let n: i64 = b.get(start..i)?.parse().ok()?;
            let ustart = i;
            while b.as_bytes().get(i).is_some_and(|c| !c.is_ascii_digit()) {
                i += 1;
            }
            match b.get(ustart..i)? {
                "y" => months += n * 12,
                "mo" => months += n,
                "w" => days += n * 7,
                "d" => days += n,
                "h" => nanos += n * 3_600_000_000_000,
                "m" => nanos += n * 60_000_000_000,
                "s" => nanos += n * 1_000_000_000,
                "ms" => nanos += n * 1_000_000,
                "us" | "µs" => nanos += n * 1_000,
                "ns" => nanos += n,
                _ => return None,
            }
        }
    }
    let sign = if neg { -1 } else { 1 };
    Some(CqlDuration {
        months: i32::try_from(months * sign).ok()?,
        days: i32::try_from(days * sign).ok()?,
        nanoseconds: nanos * sign,
    })
}

/// Decodes hex digits (the part after `0x`).
pub fn parse_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Formats a timestamp (milliseconds) as Cassandra's `toString`/CAST to text does:
/// `2024-01-02T03:04:05.678Z`.
pub fn format_timestamp(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

/// Converts a number written in a query to the value of a numeric type; `None` when it
/// does not fit.
pub fn number_value(text: &str, typ: &ColumnType) -> Option<CqlValue> {
    Some(match typ {
        ColumnType::Int => CqlValue::Int(text.parse().ok()?),
        ColumnType::BigInt => CqlValue::BigInt(text.parse().ok()?),
        ColumnType::Counter => CqlValue::Counter(text.parse().ok()?),
        ColumnType::SmallInt => CqlValue::SmallInt(text.parse().ok()?),
        ColumnType::TinyInt => CqlValue::TinyInt(text.parse().ok()?),
        ColumnType::Varint => CqlValue::Varint(CqlVarint::from_decimal_str(text).ok()?),
        ColumnType::Decimal => CqlValue::Decimal(CqlDecimal::from_decimal_str(text).ok()?),
        ColumnType::Float => CqlValue::Float(parse_float(text)? as f32),
        ColumnType::Double => CqlValue::Double(parse_float(text)?),
        _ => return None,
    })
}

fn parse_float(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        t => t.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("1970-01-01"), Some(0));
        assert_eq!(
            parse_timestamp("2011-02-03 04:05+0000"),
            Some(1_296_705_900_000)
        );
        assert_eq!(
            parse_timestamp("2011-02-03T04:05:00.123Z"),
            Some(1_296_705_900_123)
        );
        assert_eq!(
            parse_timestamp("2011-02-03 04:05:00+01:00"),
            Some(1_296_702_300_000)
        );
        assert_eq!(parse_timestamp("1296705900000"), Some(1_296_705_900_000));
        assert_eq!(parse_timestamp("nope"), None);
        assert_eq!(
            format_timestamp(1_296_705_900_123),
            "2011-02-03T04:05:00.123Z"
        );
        assert_eq!(
            civil_from_days(days_from_civil(1969, 12, 31)),
            (1969, 12, 31)
        );
    }

    #[test]
    fn dates_times_durations() {
        assert_eq!(parse_date("1970-01-02"), Some((1u32 << 31) + 1));
        assert_eq!(parse_time("00:00:01.5"), Some(1_500_000_000));
        assert_eq!(parse_time("25:00:00"), None);
        let d = parse_duration("1y2mo3w4d5h6m7s8ms9us10ns").unwrap();
        assert_eq!((d.months, d.days), (14, 25));
        assert_eq!(
            d.nanoseconds,
            5 * 3_600_000_000_000 + 6 * 60_000_000_000 + 7_008_009_010
        );
        let iso = parse_duration("-P1DT2H").unwrap();
        assert_eq!(
            (iso.months, iso.days, iso.nanoseconds),
            (0, -1, -7_200_000_000_000)
        );
        assert_eq!(parse_hex("0aff"), Some(vec![10, 255]));
    }
}
