//! Python's `repr(float)`: the shortest digits that read back as the same `f64`, laid out the
//! way CPython does it. Geometry WKT and other text forms the Python driver produces print
//! their floats this way, so matching it byte for byte needs the same layout rules.

use alloc::string::String;
use core::fmt::Write;

/// Appends `v` to `out` exactly as Python's `repr(v)` prints it.
///
/// Rules (CPython's `float_repr`, mode `'r'`): the shortest round-trip digits; positional
/// notation with at least one digit after the point (`1.0`, `0.0001`) when the decimal
/// exponent is in `-4..16`; otherwise scientific with the fraction omitted when there is a
/// single digit, and a signed exponent of at least two digits (`1e-07`, `1.5e+300`, `1e+16`).
/// Non-finite values print as `nan`, `inf` and `-inf`; the sign of zero is kept (`-0.0`).
pub(crate) fn write_python_repr(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("nan");
        return;
    }
    if v.is_infinite() {
        out.push_str(if v < 0.0 { "-inf" } else { "inf" });
        return;
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    let magnitude = v.abs();
    if magnitude == 0.0 {
        out.push_str("0.0");
        return;
    }
    // Rust's `{:e}` prints the shortest round-trip digits (like Python's dtoa mode 0):
    // `d[.ddd]e[-]x`.
    let mut sci = String::new();
    // Writing to a String cannot fail.
    let _ = write!(sci, "{magnitude:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut exponent = exponent;
    if digits.ends_with(['1', '3', '5', '7', '9']) {
        if let Some((even, even_exponent)) = even_tie_alternative(magnitude, &digits, exponent) {
            digits = even;
            exponent = even_exponent;
        }
    }
    if (-4..16).contains(&exponent) {
        write_positional(out, &digits, exponent);
    } else {
        write_scientific(out, &digits, exponent);
    }
}

/// When `magnitude` lies exactly halfway between two shortest round-trip candidates, Python
/// (David Gay's dtoa) takes the one whose last digit is even, while Rust's formatter may take
/// the other. Returns the even candidate (digits and exponent) when that is the case and it
/// reads back as `magnitude`.
fn even_tie_alternative(magnitude: f64, digits: &str, exponent: i32) -> Option<(String, i32)> {
    // Every f64 has a finite decimal expansion of at most 767 significant digits, so this
    // prints it exactly (padded with zeros).
    let mut exact = String::new();
    let _ = write!(exact, "{magnitude:.800e}");
    let (exact_mantissa, exact_exponent) = exact.split_once('e')?;
    let exact_digits: String = exact_mantissa
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let exact_digits = exact_digits.trim_end_matches('0');
    let exact_exponent: i32 = exact_exponent.parse().ok()?;
    // A tie: the exact value is the `n` leading digits followed by a single 5.
    let (lower, half) = exact_digits.split_at_checked(digits.len())?;
    if half != "5" {
        return None;
    }
    let (mut candidate, mut candidate_exponent) = (String::from(lower), exact_exponent);
    if lower.ends_with(['1', '3', '5', '7', '9']) {
        candidate_exponent += increment_decimal(&mut candidate);
    }
    if candidate == digits && candidate_exponent == exponent {
        return None;
    }
    let mut text = String::new();
    let _ = write!(text, "0.{candidate}e{}", candidate_exponent + 1);
    let reads_back = text.parse::<f64>().ok()? == magnitude;
    reads_back.then_some((candidate, candidate_exponent))
}

/// Adds one unit in the last place to a string of decimal digits; returns 1 when a carry
/// out of the first digit made it one digit longer (which is then dropped again, keeping the
/// length, as the value gained a power of ten), else 0.
fn increment_decimal(digits: &mut String) -> i32 {
    let mut bytes = core::mem::take(digits).into_bytes();
    for byte in bytes.iter_mut().rev() {
        if *byte == b'9' {
            *byte = b'0';
        } else {
            *byte += 1;
            *digits = String::from_utf8(bytes).unwrap_or_default();
            return 0;
        }
    }
    // All nines: 99..9 + 1 = 100..0, one digit longer; keep the length by dropping a zero.
    bytes.insert(0, b'1');
    bytes.pop();
    *digits = String::from_utf8(bytes).unwrap_or_default();
    1
}

/// `digits` read as `d.ddd × 10^exponent`, written without an exponent.
fn write_positional(out: &mut String, digits: &str, exponent: i32) {
    if exponent < 0 {
        out.push_str("0.");
        for _ in 0..(-exponent - 1) {
            out.push('0');
        }
        out.push_str(digits);
        return;
    }
    // `exponent` is in 0..16 here, so the cast is exact.
    let int_len = exponent as usize + 1;
    if digits.len() <= int_len {
        out.push_str(digits);
        for _ in digits.len()..int_len {
            out.push('0');
        }
        out.push_str(".0");
    } else {
        let (int_part, frac_part) = digits.split_at(int_len);
        out.push_str(int_part);
        out.push('.');
        out.push_str(frac_part);
    }
}

/// `digits` read as `d.ddd × 10^exponent`, written as `d[.ddd]e±XX`.
fn write_scientific(out: &mut String, digits: &str, exponent: i32) {
    let (first, rest) = digits.split_at(digits.len().min(1));
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    out.push('e');
    out.push(if exponent < 0 { '-' } else { '+' });
    let _ = write!(out, "{:02}", exponent.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(v: f64) -> String {
        let mut s = String::new();
        write_python_repr(&mut s, v);
        s
    }

    #[test]
    fn special_values() {
        assert_eq!(repr(f64::NAN), "nan");
        assert_eq!(repr(-f64::NAN), "nan");
        assert_eq!(repr(f64::INFINITY), "inf");
        assert_eq!(repr(f64::NEG_INFINITY), "-inf");
        assert_eq!(repr(0.0), "0.0");
        assert_eq!(repr(-0.0), "-0.0");
    }

    #[test]
    fn positional_range() {
        assert_eq!(repr(1.0), "1.0");
        assert_eq!(repr(-1.5), "-1.5");
        assert_eq!(repr(2.25), "2.25");
        assert_eq!(repr(0.1), "0.1");
        assert_eq!(repr(0.2), "0.2");
        assert_eq!(repr(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(repr(0.0001), "0.0001");
        assert_eq!(repr(0.00012345), "0.00012345");
        assert_eq!(repr(-123456.789), "-123456.789");
        assert_eq!(repr(-122.4194155), "-122.4194155");
        assert_eq!(repr(37.7749295), "37.7749295");
        assert_eq!(repr(100.0), "100.0");
        assert_eq!(repr(123456789012345.6), "123456789012345.6");
        assert_eq!(repr(1e15), "1000000000000000.0");
        assert_eq!(repr(9999999999999998.0), "9999999999999998.0");
        assert_eq!(repr(1234567890123456.8), "1234567890123456.8");
    }

    #[test]
    fn scientific_range() {
        assert_eq!(repr(1e-07), "1e-07");
        assert_eq!(repr(0.00001), "1e-05");
        assert_eq!(repr(1.5e-5), "1.5e-05");
        assert_eq!(repr(1e16), "1e+16");
        assert_eq!(repr(1.2345e16), "1.2345e+16");
        assert_eq!(repr(1.5e300), "1.5e+300");
        assert_eq!(repr(-2.5e-300), "-2.5e-300");
        assert_eq!(repr(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(repr(f64::MIN_POSITIVE), "2.2250738585072014e-308");
        assert_eq!(repr(5e-324), "5e-324");
        assert_eq!(repr(1e100), "1e+100");
        assert_eq!(repr(1e22), "1e+22");
    }

    #[test]
    fn exact_ties_take_the_even_digit() {
        // x.25 and x.75 with an ulp of 0.125: two 16-digit candidates are equally close.
        assert_eq!(repr(693939394336734.0 + 0.25), "693939394336734.2");
        assert_eq!(repr(666063771149983.0 + 0.25), "666063771149983.2");
        assert_eq!(repr(909883898913768.0 + 0.75), "909883898913768.8");
        assert_eq!(repr(-(593851689206858.0 + 0.75)), "-593851689206858.8");
        assert_eq!(repr(1.5e-323), "1.5e-323");
        assert_eq!(repr(3.5e-323), "3.5e-323");
    }

    #[test]
    fn increments_with_carry() {
        let mut digits = String::from("1299");
        assert_eq!(increment_decimal(&mut digits), 0);
        assert_eq!(digits, "1300");
        let mut digits = String::from("99");
        assert_eq!(increment_decimal(&mut digits), 1);
        assert_eq!(digits, "10");
    }

    #[test]
    fn reads_back_as_the_same_float() {
        let samples = [
            0.1,
            1.0 / 3.0,
            2.0 / 3.0,
            core::f64::consts::PI,
            -core::f64::consts::E,
            123.456e-10,
            6.02214076e23,
            1e-4 - 1e-20,
            9.999999999999998e15,
        ];
        for v in samples {
            let s = repr(v);
            let back: f64 = s.parse().unwrap();
            assert_eq!(back.to_bits(), v.to_bits(), "{s}");
        }
    }
}
