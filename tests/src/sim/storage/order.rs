//! How Cassandra orders serialized values of each CQL type (clustering keys, set
//! elements, map keys, `min`/`max`).

use std::cmp::Ordering;

use cql_core::types::ColumnType;

/// Compares two serialized values of type `typ` as Cassandra's `AbstractType.compare`
/// does. An empty value sorts before every non-empty one; malformed values fall back to a
/// bytewise comparison instead of failing.
pub fn compare(typ: &ColumnType, a: &[u8], b: &[u8]) -> Ordering {
    use ColumnType as T;
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    match typ {
        T::Int
        | T::BigInt
        | T::Counter
        | T::SmallInt
        | T::TinyInt
        | T::Timestamp
        | T::Time
        | T::Varint => compare_signed(a, b),
        T::Float => match (f32_of(a), f32_of(b)) {
            (Some(x), Some(y)) => java_float_cmp(f64::from(x), f64::from(y)),
            _ => a.cmp(b),
        },
        T::Double => match (f64_of(a), f64_of(b)) {
            (Some(x), Some(y)) => java_float_cmp(x, y),
            _ => a.cmp(b),
        },
        T::Decimal => compare_decimal(a, b),
        T::Uuid => compare_uuid(a, b),
        T::Timeuuid => compare_timeuuid(a, b),
        T::List(e) | T::Set(e) => compare_collection(a, b, &[e, e], 1),
        T::Map(k, v) => compare_collection(a, b, &[k, v], 2),
        T::Tuple(types) => compare_fields(a, b, types.iter()),
        T::Udt { fields, .. } => compare_fields(a, b, fields.iter().map(|(_, t)| t)),
        // text, ascii, blob, inet, boolean, date (unsigned), duration, custom: bytewise.
        _ => a.cmp(b),
    }
}

/// Big-endian two's complement integers of any width, compared numerically.
fn compare_signed(a: &[u8], b: &[u8]) -> Ordering {
    let neg_a = a.first().is_some_and(|x| x & 0x80 != 0);
    let neg_b = b.first().is_some_and(|x| x & 0x80 != 0);
    if neg_a != neg_b {
        return if neg_a {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    let len = a.len().max(b.len());
    let fill = if neg_a { 0xff } else { 0 };
    let ext = |v: &[u8], i: usize| -> u8 {
        let pad = len - v.len();
        if i < pad {
            fill
        } else {
            v.get(i - pad).copied().unwrap_or(0)
        }
    };
    (0..len)
        .map(|i| ext(a, i).cmp(&ext(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn f32_of(v: &[u8]) -> Option<f32> {
    Some(f32::from_be_bytes(v.try_into().ok()?))
}

fn f64_of(v: &[u8]) -> Option<f64> {
    Some(f64::from_be_bytes(v.try_into().ok()?))
}

/// Java's `Double.compare`: -0.0 < 0.0, NaN after everything.
fn java_float_cmp(x: f64, y: f64) -> Ordering {
    match (x.is_nan(), y.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => x.total_cmp(&y),
    }
}

/// A decimal as sign, significant digits (no leading/trailing zeros) and the power of ten
/// of the first digit.
fn decimal_parts(v: &[u8]) -> Option<(bool, String, i64)> {
    let scale = i32::from_be_bytes(v.get(..4)?.try_into().ok()?);
    let unscaled = cql_core::CqlVarint(v.get(4..)?.to_vec());
    let text = unscaled.to_decimal_string();
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d.to_string()),
        None => (false, text),
    };
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        return Some((false, String::new(), 0));
    }
    let exp = trimmed.len() as i64 - i64::from(scale);
    Some((neg, trimmed.trim_end_matches('0').to_string(), exp))
}

fn compare_decimal(a: &[u8], b: &[u8]) -> Ordering {
    let (Some((na, da, ea)), Some((nb, db, eb))) = (decimal_parts(a), decimal_parts(b)) else {
        return a.cmp(b);
    };
    let sign = |neg: bool, d: &str| -> i8 {
        if d.is_empty() {
            0
        } else if neg {
            -1
        } else {
            1
        }
    };
    let (sa, sb) = (sign(na, &da), sign(nb, &db));
    if sa != sb || sa == 0 {
        return sa.cmp(&sb);
    }
    let magnitude = ea.cmp(&eb).then_with(|| da.cmp(&db));
    if sa < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

fn reorder_timestamp(msb: u64) -> u64 {
    (msb << 48) | ((msb << 16) & 0xFFFF_0000_0000) | (msb >> 32)
}

fn uuid_halves(v: &[u8]) -> Option<(u64, u64)> {
    let msb = u64::from_be_bytes(v.get(..8)?.try_into().ok()?);
    let lsb = u64::from_be_bytes(v.get(8..16)?.try_into().ok()?);
    (v.len() == 16).then_some((msb, lsb))
}

/// `UUIDType`: version first, then the timestamp for version 1 (else the high half
/// unsigned), then the low half unsigned.
fn compare_uuid(a: &[u8], b: &[u8]) -> Ordering {
    let (Some((ma, la)), Some((mb, lb))) = (uuid_halves(a), uuid_halves(b)) else {
        return a.len().cmp(&b.len()).then_with(|| a.cmp(b));
    };
    let (va, vb) = ((ma >> 12) & 0xf, (mb >> 12) & 0xf);
    if va != vb {
        return va.cmp(&vb);
    }
    let high = if va == 1 {
        reorder_timestamp(ma).cmp(&reorder_timestamp(mb))
    } else {
        ma.cmp(&mb)
    };
    high.then(la.cmp(&lb))
}

/// `TimeUUIDType`: the timestamp, then the low half as signed bytes.
fn compare_timeuuid(a: &[u8], b: &[u8]) -> Ordering {
    let (Some((ma, _)), Some((mb, _))) = (uuid_halves(a), uuid_halves(b)) else {
        return a.cmp(b);
    };
    reorder_timestamp(ma)
        .cmp(&reorder_timestamp(mb))
        .then_with(|| {
            let sa = a.iter().skip(8).map(|x| *x as i8);
            let sb = b.iter().skip(8).map(|x| *x as i8);
            sa.cmp(sb)
        })
}

/// Splits a serialized collection into its `[int]`-framed items (`None` when malformed).
pub fn collection_items(v: &[u8], per_entry: usize) -> Option<Vec<&[u8]>> {
    let n = usize::try_from(i32::from_be_bytes(v.get(..4)?.try_into().ok()?)).ok()?;
    let mut pos = 4;
    let mut out = Vec::new();
    for _ in 0..n.checked_mul(per_entry)? {
        let len = i32::from_be_bytes(v.get(pos..pos + 4)?.try_into().ok()?);
        pos += 4;
        let len = usize::try_from(len).ok()?;
        out.push(v.get(pos..pos + len)?);
        pos += len;
    }
    (pos == v.len()).then_some(out)
}

fn compare_collection(a: &[u8], b: &[u8], types: &[&ColumnType; 2], per: usize) -> Ordering {
    let (Some(xa), Some(xb)) = (collection_items(a, per), collection_items(b, per)) else {
        return a.cmp(b);
    };
    for (i, (x, y)) in xa.iter().zip(&xb).enumerate() {
        let t = types[i % per];
        let o = compare(t, x, y);
        if o.is_ne() {
            return o;
        }
    }
    xa.len().cmp(&xb.len())
}

/// Splits tuple/UDT bytes into fields (`None` entries are nulls).
pub fn tuple_fields(v: &[u8]) -> Option<Vec<Option<&[u8]>>> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < v.len() {
        let len = i32::from_be_bytes(v.get(pos..pos + 4)?.try_into().ok()?);
        pos += 4;
        if len < 0 {
            out.push(None);
            continue;
        }
        let len = usize::try_from(len).ok()?;
        out.push(Some(v.get(pos..pos + len)?));
        pos += len;
    }
    Some(out)
}

fn compare_fields<'t>(a: &[u8], b: &[u8], types: impl Iterator<Item = &'t ColumnType>) -> Ordering {
    let (Some(fa), Some(fb)) = (tuple_fields(a), tuple_fields(b)) else {
        return a.cmp(b);
    };
    for (i, t) in types.enumerate() {
        let o = match (fa.get(i), fb.get(i)) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(None), Some(None)) => Ordering::Equal,
            (Some(None), Some(Some(_))) => Ordering::Less,
            (Some(Some(_)), Some(None)) => Ordering::Greater,
            (Some(Some(x)), Some(Some(y))) => compare(t, x, y),
        };
        if o.is_ne() {
            return o;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_integers() {
        let i = |v: i32| v.to_be_bytes().to_vec();
        assert_eq!(compare(&ColumnType::Int, &i(-1), &i(1)), Ordering::Less);
        assert_eq!(compare(&ColumnType::Int, &i(7), &i(3)), Ordering::Greater);
        assert_eq!(compare(&ColumnType::Int, &[], &i(-9)), Ordering::Less);
        // varints of different widths
        assert_eq!(
            compare(&ColumnType::Varint, &[0x01, 0x00], &[0x7f]),
            Ordering::Greater
        );
        assert_eq!(
            compare(&ColumnType::Varint, &[0xff, 0x00], &[0x80]),
            Ordering::Less
        );
        assert_eq!(
            compare(&ColumnType::Varint, &[0xfe, 0xff], &[0xff]),
            Ordering::Less
        );
    }

    #[test]
    fn floats_and_decimals() {
        let d = |v: f64| v.to_be_bytes().to_vec();
        assert_eq!(
            compare(&ColumnType::Double, &d(-2.5), &d(1.0)),
            Ordering::Less
        );
        assert_eq!(
            compare(&ColumnType::Double, &d(f64::NAN), &d(f64::INFINITY)),
            Ordering::Greater
        );
        assert_eq!(
            compare(&ColumnType::Double, &d(-0.0), &d(0.0)),
            Ordering::Less
        );
        let dec = |unscaled: i64, scale: i32| {
            let mut v = scale.to_be_bytes().to_vec();
            v.extend(cql_core::CqlVarint::from(unscaled).0);
            v
        };
        assert_eq!(
            compare(&ColumnType::Decimal, &dec(10, 1), &dec(1, 0)),
            Ordering::Equal
        );
        assert_eq!(
            compare(&ColumnType::Decimal, &dec(15, 1), &dec(2, 0)),
            Ordering::Less
        );
        assert_eq!(
            compare(&ColumnType::Decimal, &dec(-15, 1), &dec(-2, 0)),
            Ordering::Greater
        );
        assert_eq!(
            compare(&ColumnType::Decimal, &dec(0, 3), &dec(-1, 5)),
            Ordering::Greater
        );
        assert_eq!(
            compare(&ColumnType::Decimal, &dec(123, 0), &dec(99, 0)),
            Ordering::Greater
        );
    }

    #[test]
    fn uuids() {
        let v4 = uuid::Uuid::parse_str("00000000-0000-4000-8000-000000000000").unwrap();
        let v1_early = uuid::Uuid::parse_str("ffffffff-0000-1000-8000-000000000000").unwrap();
        let v1_late = uuid::Uuid::parse_str("00000000-0001-1000-8000-000000000000").unwrap();
        // version first
        assert_eq!(
            compare(&ColumnType::Uuid, v1_late.as_bytes(), v4.as_bytes()),
            Ordering::Less
        );
        // v1 by time, not bytes
        assert_eq!(
            compare(&ColumnType::Uuid, v1_early.as_bytes(), v1_late.as_bytes()),
            Ordering::Less
        );
        assert_eq!(
            compare(
                &ColumnType::Timeuuid,
                v1_early.as_bytes(),
                v1_late.as_bytes()
            ),
            Ordering::Less
        );
        // timeuuid tail compared as signed bytes
        let a = uuid::Uuid::parse_str("00000000-0000-1000-8000-000000000000").unwrap();
        let b = uuid::Uuid::parse_str("00000000-0000-1000-0000-000000000000").unwrap();
        assert_eq!(
            compare(&ColumnType::Timeuuid, a.as_bytes(), b.as_bytes()),
            Ordering::Less
        );
        assert_eq!(
            compare(&ColumnType::Uuid, a.as_bytes(), b.as_bytes()),
            Ordering::Greater
        );
    }

    #[test]
    fn text_tuples_and_collections() {
        assert_eq!(compare(&ColumnType::Text, b"ab", b"b"), Ordering::Less);
        let tuple = ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text]);
        let t = |i: i32, s: &str| {
            let mut v = 4i32.to_be_bytes().to_vec();
            v.extend(i.to_be_bytes());
            v.extend((s.len() as i32).to_be_bytes());
            v.extend(s.as_bytes());
            v
        };
        assert_eq!(compare(&tuple, &t(-1, "z"), &t(0, "a")), Ordering::Less);
        assert_eq!(compare(&tuple, &t(1, "b"), &t(1, "a")), Ordering::Greater);
        let list = ColumnType::List(Box::new(ColumnType::Int));
        let l = |xs: &[i32]| {
            let mut v = (xs.len() as i32).to_be_bytes().to_vec();
            for x in xs {
                v.extend(4i32.to_be_bytes());
                v.extend(x.to_be_bytes());
            }
            v
        };
        assert_eq!(compare(&list, &l(&[1, 2]), &l(&[1, 2, 0])), Ordering::Less);
        assert_eq!(compare(&list, &l(&[-1, 5]), &l(&[1])), Ordering::Less);
    }
}
