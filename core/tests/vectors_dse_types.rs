//! Golden vectors of `dse.json` (Python cassandra-driver 3.30.1) for the DSE data types:
//! sections `geo`, `daterange`, `timeuuid` and `column_encryption`, and the `rejected`
//! entries of those sections. Every entry is checked, or skipped with the reason in
//! [`SKIPPED`]; each test fails when an entry of its section is left unconsumed.
//!
//! * `geo`: the `[option]` reads to the custom type of `marshal_type`; `bytes` decode to the
//!   value (through `CqlValue` and the typed mapping, floats compared by bit pattern); the
//!   value encodes to `bytes` (direction `both`); the decoded value prints as `wkt`, and
//!   `wkt` parses back to it.
//! * `daterange`: the `input` built with our constructors gives `value`; `value` encodes to
//!   `bytes`, `bytes` decode to `value` (decode-only entries: the rounded value, and
//!   `reencoded` when written back); `value` prints as `string`, which parses back.
//! * `timeuuid`: the constants; per vector the timestamp (from seconds, or from a date-time
//!   in the driver's floating-point way), the UUID with the file's node and clock sequence,
//!   the lowest and highest UUIDs of the instant, and the time read back.
//! * `column_encryption`: the policy built from `key`, `iv` and `columns` encrypts each
//!   `value` (its `plaintext`) to `ciphertext` and decrypts `ciphertext` back;
//!   `result_rows_example` is decoded as a RESULT body and its encrypted cells decrypted.
//! * geo and date range vectors also decode as the columns of one RESULT row.

mod common;

use bytes::Bytes;
use common::cql_json::{float_of, same, to_cql};
use cql_core::frame::ProtocolVersion;
use cql_core::frame::primitives::Reader;
use cql_core::message::ResultMessage;
use cql_core::types::column_encryption::{ColumnEncryptionError, ColumnEncryptionPolicy};
use cql_core::types::date_range::{DATE_RANGE_CLASS, DateRangeError};
use cql_core::types::dse_types::{DseType, dse_type};
use cql_core::types::geo::{LINESTRING_CLASS, POINT_CLASS, POLYGON_CLASS};
use cql_core::types::timeuuid::{
    HIGHEST_TIME_UUID, LOWEST_TIME_UUID, TimeUuidError, UUID_EPOCH_OFFSET_100NS, max_time_uuid,
    min_time_uuid, timestamp_from_unix_datetime, timestamp_from_unix_seconds, timestamp_of,
    unix_millis_of, unix_seconds_of, uuid_from_unix_seconds,
};
use cql_core::types::{
    ColumnSpec, ColumnType, CqlValue, DateRange, DateRangeBound, DateRangePrecision,
    DeserializeValue, LineString, OwnedRow, Point, Polygon, RowIterator, SerializeError,
    SerializeValue,
};
use serde_json::Value;
use uuid::Uuid;

/// The sections this file consumes.
const SECTIONS: &[&str] = &["geo", "daterange", "timeuuid", "column_encryption"];

/// Entries deliberately not checked as the driver does, with the reason (`section/id`).
const SKIPPED: &[(&str, &str)] = &[
    (
        "daterange/input/datetime_tz_aware",
        "a Python-only shape: mixing a timezone-aware datetime with the driver's naive epoch \
         raises a TypeError; our bounds are UTC milliseconds, which have no such split",
    ),
    (
        "column_encryption/int/0/encode_and_encrypt",
        "a Python-only quirk: encode_and_encrypt refuses falsy values; our single encryption \
         path follows the driver's bind path, which encrypts 0 (checked by vector int/0)",
    ),
    (
        "column_encryption/text/empty/encode_and_encrypt",
        "a Python-only quirk: encode_and_encrypt refuses falsy values; our single encryption \
         path follows the driver's bind path, which encrypts '' (checked by vector text/empty)",
    ),
];

fn skip_reason(section: &str, id: &str) -> Option<&'static str> {
    let key = format!("{section}/{id}");
    SKIPPED.iter().find(|(k, _)| *k == key).map(|(_, r)| *r)
}

fn framed(bytes: &[u8]) -> Vec<u8> {
    let mut out = (bytes.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

fn custom_type(option_hex: &Value, id: &str) -> ColumnType {
    let option = common::unhex(option_hex);
    let mut r = Reader::new(&option);
    let typ = ColumnType::read(&mut r).unwrap_or_else(|e| panic!("{id}: {e}"));
    assert!(r.is_empty(), "{id}: option fully read");
    let mut written = Vec::new();
    typ.write(&mut written).unwrap();
    assert_eq!(written, option, "{id}: option written back");
    typ
}

// ---------------------------------------------------------------------------------------
// geo

fn point_of(v: &Value) -> Point {
    let [x, y] = v.as_array().map(Vec::as_slice).unwrap_or_default() else {
        panic!("point {v}");
    };
    Point::new(float_of(x), float_of(y))
}

fn points_of(v: &Value) -> Vec<Point> {
    v.as_array().unwrap().iter().map(point_of).collect()
}

/// The geo value of a vector as a `CqlValue`.
fn geo_value(geo_type: &str, v: &Value) -> CqlValue {
    match geo_type {
        "point" => CqlValue::Point(Point::new(float_of(&v["x"]), float_of(&v["y"]))),
        "linestring" => CqlValue::LineString(LineString {
            points: points_of(&v["points"]),
        }),
        "polygon" => CqlValue::Polygon(Polygon {
            exterior: points_of(&v["exterior"]),
            interiors: v["interiors"]
                .as_array()
                .unwrap()
                .iter()
                .map(points_of)
                .collect(),
        }),
        other => panic!("geo type {other}"),
    }
}

fn same_points(a: &[Point], b: &[Point]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(p, q)| p.x.to_bits() == q.x.to_bits() && p.y.to_bits() == q.y.to_bits())
}

/// Equality of geo values with coordinates compared by bit pattern (NaN, -0.0).
fn same_geo(a: &CqlValue, b: &CqlValue) -> bool {
    match (a, b) {
        (CqlValue::Point(p), CqlValue::Point(q)) => same_points(&[*p], &[*q]),
        (CqlValue::LineString(l), CqlValue::LineString(m)) => same_points(&l.points, &m.points),
        (CqlValue::Polygon(p), CqlValue::Polygon(q)) => {
            same_points(&p.exterior, &q.exterior)
                && p.interiors.len() == q.interiors.len()
                && p.interiors
                    .iter()
                    .zip(&q.interiors)
                    .all(|(r, s)| same_points(r, s))
        }
        _ => false,
    }
}

/// Decodes, prints and parses back through the typed mapping `T`, and for `both` encodes.
fn typed_geo<T>(
    id: &str,
    typ: &ColumnType,
    bytes: &[u8],
    wkt: &str,
    both: bool,
    wrap: fn(T) -> CqlValue,
) -> CqlValue
where
    T: for<'a> DeserializeValue<'a> + SerializeValue + core::str::FromStr + ToString,
    T::Err: core::fmt::Debug,
{
    T::type_check(typ).unwrap_or_else(|e| panic!("{id}: {e}"));
    let value = T::deserialize(typ, Some(bytes)).unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_eq!(value.to_string(), wkt, "{id}: typed WKT");
    if both {
        let mut out = Vec::new();
        value.serialize(typ, &mut out).unwrap();
        assert_eq!(out, framed(bytes), "{id}: typed encode");
    }
    let parsed: T = wkt.parse().unwrap_or_else(|e| panic!("{id}: {e:?}"));
    wrap(parsed)
}

#[test]
fn geo_vectors() {
    let file = common::load("dse.json");
    let vectors = file["geo"].as_array().unwrap();
    let (mut checked, mut decode_only) = (0, 0);
    for v in vectors {
        let id = v["id"].as_str().unwrap();
        assert!(
            skip_reason("geo", id).is_none(),
            "{id}: geo vectors are never skipped"
        );
        let geo_type = v["geo_type"].as_str().unwrap();
        let typ = custom_type(&v["type_option"], id);
        let marshal = v["marshal_type"].as_str().unwrap();
        assert_eq!(typ, ColumnType::Custom(marshal.into()), "{id}: custom type");
        let (class, dse) = match geo_type {
            "point" => (POINT_CLASS, DseType::Point),
            "linestring" => (LINESTRING_CLASS, DseType::LineString),
            "polygon" => (POLYGON_CLASS, DseType::Polygon),
            other => panic!("{id}: geo type {other}"),
        };
        assert_eq!(marshal, class, "{id}: marshal class constant");
        assert_eq!(dse_type(&typ), Some(dse), "{id}: recognised");

        let bytes = common::unhex(&v["bytes"]);
        let wkt = v["wkt"].as_str().unwrap();
        let expected = geo_value(geo_type, &v["value"]);
        let both = match v["direction"].as_str().unwrap() {
            "both" => true,
            "decode_only" => {
                decode_only += 1;
                false
            }
            other => panic!("{id}: direction {other}"),
        };

        let decoded = CqlValue::deserialize(&typ, Some(&bytes))
            .unwrap_or_else(|e| panic!("{id}: {e}"))
            .unwrap_or_else(|| panic!("{id}: decoded as null"));
        assert!(same_geo(&decoded, &expected), "{id}: decoded {decoded:?}");
        let printed = match &decoded {
            CqlValue::Point(p) => p.to_string(),
            CqlValue::LineString(l) => l.to_string(),
            CqlValue::Polygon(p) => p.to_string(),
            other => panic!("{id}: {other:?}"),
        };
        assert_eq!(printed, wkt, "{id}: WKT");

        if both {
            let mut out = Vec::new();
            expected
                .serialize(&typ, &mut out)
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(
                hex::encode(&out),
                v["bytes"].as_str().unwrap(),
                "{id}: encode"
            );
            let wkb = match &expected {
                CqlValue::Point(p) => p.to_wkb(),
                CqlValue::LineString(l) => l.to_wkb(),
                CqlValue::Polygon(p) => p.to_wkb(),
                other => panic!("{id}: {other:?}"),
            };
            assert_eq!(wkb, bytes, "{id}: to_wkb");
        }

        let parsed = match dse {
            DseType::Point => typed_geo(id, &typ, &bytes, wkt, both, CqlValue::Point),
            DseType::LineString => typed_geo(id, &typ, &bytes, wkt, both, CqlValue::LineString),
            _ => typed_geo(id, &typ, &bytes, wkt, both, CqlValue::Polygon),
        };
        assert!(
            same_geo(&parsed, &expected),
            "{id}: from_wkt gave {parsed:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, vectors.len(), "every geo vector checked");
    assert_eq!(checked, file["counts"]["geo"].as_u64().unwrap() as usize);
    assert_eq!(
        decode_only,
        file["counts"]["geo_decode_only"].as_u64().unwrap() as usize
    );
}

// ---------------------------------------------------------------------------------------
// daterange

fn precision_of(v: &Value) -> DateRangePrecision {
    let name = v.as_str().unwrap();
    DateRangePrecision::ALL
        .into_iter()
        .find(|p| p.name() == name)
        .unwrap_or_else(|| panic!("precision {name}"))
}

/// A naive ISO date-time `YYYY-MM-DDTHH:MM:SS[.ffffff]` as its fields and microsecond.
fn parse_datetime(text: &str) -> (i64, u32, u32, u32, u32, u32, u32) {
    let (date, time) = text.split_once('T').unwrap();
    let d: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let (hms, micro) = time.split_once('.').unwrap_or((time, "0"));
    let t: Vec<u32> = hms.split(':').map(|p| p.parse().unwrap()).collect();
    (
        d[0],
        d[1] as u32,
        d[2] as u32,
        t[0],
        t[1],
        t[2],
        micro.parse().unwrap(),
    )
}

/// A bound given as `{ms, precision}` or `{datetime, precision}`. A datetime's microseconds
/// round to milliseconds half to even, as the driver's `round(us, -3)`; a millisecond
/// count that rounds up to 1000 is refused by `from_civil` (the driver raises too).
fn bound_input(v: &Value) -> Option<DateRangeBound> {
    let precision = precision_of(&v["precision"]);
    if let Some(ms) = v["ms"].as_i64() {
        return Some(DateRangeBound::new(ms, precision));
    }
    let (y, mo, d, h, mi, s, us) = parse_datetime(v["datetime"].as_str().unwrap());
    let (ms, rest) = (us / 1000, us % 1000);
    let ms = if rest > 500 || (rest == 500 && ms % 2 == 1) {
        ms + 1
    } else {
        ms
    };
    DateRangeBound::from_civil(y, mo, d, h, mi, s, ms, precision)
}

/// A bound of an expected value: `"*"` is `None`.
fn bound_value(v: &Value) -> Option<DateRangeBound> {
    (v != "*")
        .then(|| DateRangeBound::new(v["ms"].as_i64().unwrap(), precision_of(&v["precision"])))
}

fn range_value(v: &Value) -> DateRange {
    if !v["value"].is_null() {
        return match bound_value(&v["value"]) {
            Some(b) => DateRange::Single(b),
            None => DateRange::SingleOpen,
        };
    }
    DateRange::Range {
        lower: bound_value(&v["lower_bound"]),
        upper: bound_value(&v["upper_bound"]),
    }
}

/// Builds a range from an `input` the way `util.DateRange(**input)` does.
fn range_input(id: &str, input: &Value) -> Option<DateRange> {
    let bound = |v: &Value| -> Option<Option<DateRangeBound>> {
        if v == "*" {
            Some(None)
        } else {
            bound_input(v).map(Some)
        }
    };
    if !input["value"].is_null() {
        return Some(match bound(&input["value"])? {
            Some(b) => DateRange::single(b),
            None => DateRange::any_date(),
        });
    }
    // A missing end is open, as the driver makes it.
    let lower = if input["lower_bound"].is_null() {
        None
    } else {
        bound(&input["lower_bound"])?
    };
    let upper = if input["upper_bound"].is_null() {
        None
    } else {
        bound(&input["upper_bound"])?
    };
    Some(match (lower, upper) {
        (Some(l), Some(u)) => DateRange::between(l, u),
        (Some(l), None) => DateRange::starting_at(l),
        (None, Some(u)) => DateRange::ending_at(u),
        (None, None) => {
            assert!(
                input.get("lower_bound").is_some(),
                "{id}: input names a bound"
            );
            DateRange::unbounded()
        }
    })
}

#[test]
fn daterange_vectors() {
    let file = common::load("dse.json");
    let vectors = file["daterange"].as_array().unwrap();
    let (mut checked, mut decode_only) = (0, 0);
    for v in vectors {
        let id = v["id"].as_str().unwrap();
        assert!(
            skip_reason("daterange", id).is_none(),
            "{id}: never skipped"
        );
        let typ = custom_type(&v["type_option"], id);
        assert_eq!(v["marshal_type"], DATE_RANGE_CLASS, "{id}");
        assert_eq!(typ, ColumnType::Custom(DATE_RANGE_CLASS.into()), "{id}");
        assert_eq!(dse_type(&typ), Some(DseType::DateRange), "{id}");

        let bytes = common::unhex(&v["bytes"]);
        let expected = range_value(&v["value"]);
        let string = v["string"].as_str().unwrap();
        let kind = [
            "SINGLE_DATE",
            "CLOSED_RANGE",
            "OPEN_RANGE_HIGH",
            "OPEN_RANGE_LOW",
            "BOTH_OPEN_RANGE",
            "SINGLE_DATE_OPEN",
        ]
        .iter()
        .position(|k| v["bound_kind"] == *k)
        .unwrap_or_else(|| panic!("{id}: bound kind"));
        assert_eq!(usize::from(bytes[0]), kind, "{id}: bound kind byte");

        // Decoding rounds, so the decoded value is the rounded one in every direction.
        let decoded = DateRange::from_bytes(&bytes).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(decoded, expected, "{id}: decode");
        assert_eq!(
            CqlValue::deserialize(&typ, Some(&bytes)),
            Ok(Some(CqlValue::DateRange(expected))),
            "{id}: CqlValue decode"
        );
        assert_eq!(
            DateRange::deserialize(&typ, Some(&bytes)),
            Ok(expected),
            "{id}: typed decode"
        );
        assert_eq!(expected.to_string(), string, "{id}: string");
        if string.ends_with("ms") {
            // Outside years 1..=9999 the text carries no precision: it does not parse back.
            assert!(
                string.parse::<DateRange>().is_err(),
                "{id}: '<ms>ms' parses"
            );
        } else {
            assert_eq!(string.parse::<DateRange>(), Ok(expected), "{id}: parse");
        }

        match v["direction"].as_str().unwrap() {
            "both" => {
                let built = range_input(id, &v["input"]).unwrap_or_else(|| panic!("{id}"));
                assert_eq!(built, expected, "{id}: built from input");
                check_rounded(id, &v["input"], &built, &v["rounded"]);
                assert_eq!(built.to_bytes(), bytes, "{id}: encode");
                let mut out = Vec::new();
                CqlValue::DateRange(built)
                    .serialize(&typ, &mut out)
                    .unwrap();
                assert_eq!(out, bytes, "{id}: CqlValue encode");
                let mut framed_out = Vec::new();
                SerializeValue::serialize(&built, &typ, &mut framed_out).unwrap();
                assert_eq!(framed_out, framed(&bytes), "{id}: typed encode");
            }
            "decode_only" => {
                decode_only += 1;
                assert_eq!(
                    hex::encode(decoded.to_bytes()),
                    v["reencoded"].as_str().unwrap(),
                    "{id}: re-encoded"
                );
            }
            other => panic!("{id}: direction {other}"),
        }
        checked += 1;
    }
    assert_eq!(checked, vectors.len());
    assert_eq!(
        checked,
        file["counts"]["daterange"].as_u64().unwrap() as usize
    );
    assert_eq!(
        decode_only,
        file["counts"]["daterange_decode_only"].as_u64().unwrap() as usize
    );
}

/// `rounded` names exactly the bounds whose held millisecond differs from the input's.
fn check_rounded(id: &str, input: &Value, built: &DateRange, rounded: &Value) {
    let named = |name: &str| rounded.as_array().unwrap().iter().any(|r| r == name);
    let check = |name: &str, held: Option<DateRangeBound>| {
        if let (Some(given), Some(held)) = (input[name]["ms"].as_i64(), held) {
            assert_eq!(given != held.ms, named(name), "{id}: {name} rounded");
        } else {
            assert!(
                !named(name) || input[name]["datetime"].is_string(),
                "{id}: {name}"
            );
        }
    };
    match built {
        DateRange::Single(b) => check("value", Some(*b)),
        DateRange::SingleOpen => assert!(!named("value"), "{id}"),
        DateRange::Range { lower, upper } => {
            check("lower_bound", *lower);
            check("upper_bound", *upper);
        }
    }
}

// ---------------------------------------------------------------------------------------
// geo and date ranges as the columns of RESULT rows

#[test]
fn geo_and_date_range_vectors_as_one_row() {
    let file = common::load("dse.json");
    let mut specs = Vec::new();
    let mut cells = Vec::new();
    let mut expected = Vec::new();
    for section in ["geo", "daterange"] {
        for v in file[section].as_array().unwrap() {
            let typ = custom_type(&v["type_option"], v["id"].as_str().unwrap());
            specs.push(ColumnSpec {
                keyspace: "ks".into(),
                table: "t".into(),
                name: v["id"].as_str().unwrap().into(),
                typ,
            });
            cells.extend(framed(&common::unhex(&v["bytes"])));
            expected.push(match section {
                "geo" => geo_value(v["geo_type"].as_str().unwrap(), &v["value"]),
                _ => CqlValue::DateRange(range_value(&v["value"])),
            });
        }
    }
    let mut rows = cells.clone();
    rows.extend_from_slice(&cells);
    let got: Vec<OwnedRow> = RowIterator::<OwnedRow>::new(&specs, 2, &rows)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(got.len(), 2);
    for row in &got {
        for ((cell, want), spec) in row.columns.iter().zip(&expected).zip(&specs) {
            let cell = cell
                .as_ref()
                .unwrap_or_else(|| panic!("{}: null", spec.name));
            let ok = match want {
                CqlValue::DateRange(_) => cell == want,
                _ => same_geo(cell, want),
            };
            assert!(ok, "{}: {cell:?}", spec.name);
        }
    }
}

// ---------------------------------------------------------------------------------------
// timeuuid

/// A date-time input `YYYY-MM-DDTHH:MM:SS[.ffffff][±HH:MM]` as UTC whole seconds since the
/// epoch and its microsecond.
fn unix_datetime(text: &str) -> (i64, u32) {
    let (local, offset_seconds) = match text.get(19..).and_then(|t| t.find(['+', '-'])) {
        Some(at) => {
            let (local, offset) = text.split_at(19 + at);
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (h, m) = offset[1..].split_once(':').unwrap();
            (
                local,
                sign * (h.parse::<i64>().unwrap() * 3600 + m.parse::<i64>().unwrap() * 60),
            )
        }
        None => (text, 0),
    };
    let (y, mo, d, h, mi, s, us) = parse_datetime(local);
    let days = days_from_civil(y, mo, d);
    let seconds = days * 86_400 + i64::from(h * 3600 + mi * 60 + s) - offset_seconds;
    (seconds, us)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// The naive ISO text Python prints for `datetime(1970, 1, 1) + timedelta(seconds=t)`.
fn python_datetime(unix_time: f64) -> String {
    let micros = (unix_time * 1e6).round() as i64;
    let (days, rest) = (
        micros.div_euclid(86_400_000_000),
        micros.rem_euclid(86_400_000_000),
    );
    let mut day = days_from_civil(1970, 1, 1) + days;
    // Walk to the civil date from a known anchor (the vectors span 1582 to 2100).
    let mut y = 1582;
    while days_from_civil(y + 1, 1, 1) <= day {
        y += 1;
    }
    day -= days_from_civil(y, 1, 1);
    let mut m = 1;
    while m < 12 && days_from_civil(y, m + 1, 1) - days_from_civil(y, 1, 1) <= day {
        m += 1;
    }
    let d = day - (days_from_civil(y, m, 1) - days_from_civil(y, 1, 1)) + 1;
    let secs = rest / 1_000_000;
    let us = rest % 1_000_000;
    let mut text = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if us != 0 {
        text += &format!(".{us:06}");
    }
    text
}

#[test]
fn timeuuid_vectors() {
    let file = common::load("dse.json");
    let section = &file["timeuuid"];
    let node = section["node"].as_u64().unwrap();
    assert_eq!(format!("{node:012x}"), section["node_hex"], "node_hex");
    let clock_seq = section["clock_seq"].as_u64().unwrap() as u16;
    let constants = &section["constants"];
    assert_eq!(LOWEST_TIME_UUID.to_string(), constants["LOWEST_TIME_UUID"]);
    assert_eq!(
        HIGHEST_TIME_UUID.to_string(),
        constants["HIGHEST_TIME_UUID"]
    );
    assert_eq!(
        UUID_EPOCH_OFFSET_100NS,
        constants["uuid_epoch_offset_100ns"].as_u64().unwrap()
    );

    let vectors = section["vectors"].as_array().unwrap();
    let mut checked = 0;
    for v in vectors {
        let id = v["id"].as_str().unwrap();
        assert!(skip_reason("timeuuid", id).is_none(), "{id}: never skipped");
        let expected_ts = v["timestamp_100ns"].as_u64().unwrap();
        let input = &v["input"];
        let ts = if let Some(seconds) = input["seconds"].as_f64() {
            let ts = timestamp_from_unix_seconds(seconds).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(
                uuid_from_unix_seconds(seconds, node, clock_seq).map(|u| u.to_string()),
                Ok(v["uuid"].as_str().unwrap().to_owned()),
                "{id}: uuid from seconds"
            );
            ts
        } else {
            let (seconds, micro) = unix_datetime(input["datetime"].as_str().unwrap());
            let ts = timestamp_from_unix_datetime(seconds, micro)
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            let exact = (i128::from(seconds) * 10_000_000
                + i128::from(micro) * 10
                + i128::from(UUID_EPOCH_OFFSET_100NS)) as u64;
            assert_eq!(
                exact,
                v["exact_timestamp_100ns"].as_u64().unwrap(),
                "{id}: exact"
            );
            let rounding = v["float_rounding_100ns"].as_i64().unwrap_or(0);
            assert_eq!(ts as i64 - exact as i64, rounding, "{id}: float rounding");
            ts
        };
        assert_eq!(ts, expected_ts, "{id}: timestamp");
        let uuid: Uuid = v["uuid"].as_str().unwrap().parse().unwrap();
        let built = cql_core::types::timeuuid::time_uuid(ts, node, clock_seq).unwrap();
        assert_eq!(built, uuid, "{id}: uuid");
        assert_eq!(
            min_time_uuid(ts).unwrap().to_string(),
            v["min_uuid"],
            "{id}: min"
        );
        assert_eq!(
            max_time_uuid(ts).unwrap().to_string(),
            v["max_uuid"],
            "{id}: max"
        );
        assert_eq!(timestamp_of(&uuid), Ok(expected_ts), "{id}: timestamp back");
        let unix_time = unix_seconds_of(&uuid).unwrap();
        assert_eq!(
            unix_time.to_bits(),
            v["unix_time"].as_f64().unwrap().to_bits(),
            "{id}: unix_time {unix_time}"
        );
        let since_unix = expected_ts as i64 - UUID_EPOCH_OFFSET_100NS as i64;
        assert_eq!(
            unix_millis_of(&uuid),
            Ok(since_unix.div_euclid(10_000)),
            "{id}: ms"
        );
        assert_eq!(python_datetime(unix_time), v["datetime"], "{id}: datetime");
        checked += 1;
    }
    assert_eq!(checked, vectors.len());
    assert_eq!(
        checked,
        file["counts"]["timeuuid"].as_u64().unwrap() as usize
    );
}

// ---------------------------------------------------------------------------------------
// column encryption

fn encryption_policy(section: &Value) -> ColumnEncryptionPolicy {
    let key = common::unhex(&section["key"]);
    let mut policy = ColumnEncryptionPolicy::new(&common::unhex(&section["iv"])).unwrap();
    for c in section["columns"].as_array().unwrap() {
        assert_eq!(c["schema_type"], "blob");
        let typ = ColumnType::parse_cql(c["cql_type"].as_str().unwrap()).unwrap();
        policy
            .add_column(
                c["keyspace"].as_str().unwrap(),
                c["table"].as_str().unwrap(),
                c["name"].as_str().unwrap(),
                &key,
                typ,
            )
            .unwrap();
    }
    policy
}

#[test]
fn column_encryption_vectors() {
    let file = common::load("dse.json");
    let section = &file["column_encryption"];
    assert_eq!(
        section["algorithm"],
        "AES-256-CBC, PKCS#7 padding, output = iv || ciphertext"
    );
    let policy = encryption_policy(section);
    let (ks, table) = ("ks", "enc");
    let vectors = section["vectors"].as_array().unwrap();
    let mut checked = 0;
    for v in vectors {
        let id = v["id"].as_str().unwrap();
        assert!(
            skip_reason("column_encryption", id).is_none(),
            "{id}: never skipped"
        );
        let name = v["column"].as_str().unwrap();
        let column = policy
            .column(ks, table, name)
            .unwrap_or_else(|| panic!("{id}"));
        let typ = ColumnType::parse_cql(v["cql_type"].as_str().unwrap()).unwrap();
        assert_eq!(column.typ, typ, "{id}: column type");
        let value = to_cql(&typ, &v["value"]).unwrap();
        let plaintext = common::unhex(&v["plaintext"]);
        let ciphertext = common::unhex(&v["ciphertext"]);
        assert_eq!(ciphertext[..16], common::unhex(&v["iv"]), "{id}: iv prefix");

        let mut serialized = Vec::new();
        value.serialize(&typ, &mut serialized).unwrap();
        assert_eq!(serialized, plaintext, "{id}: plaintext");
        match v["direction"].as_str().unwrap() {
            "both" => {
                assert_eq!(column.encrypt(&plaintext), ciphertext, "{id}: encrypt");
                assert_eq!(
                    policy.encrypt_value(ks, table, name, &value),
                    Ok(Some(ciphertext.clone())),
                    "{id}: encrypt_value"
                );
            }
            "decode_only" => assert_ne!(
                column.encrypt(&plaintext),
                ciphertext,
                "{id}: written with another IV"
            ),
            other => panic!("{id}: direction {other}"),
        }
        assert_eq!(column.decrypt(&ciphertext), Ok(plaintext), "{id}: decrypt");
        let back: CqlValue = policy
            .decrypt_value(ks, table, name, Some(&ciphertext))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(same(&back, &value), "{id}: decrypt_value {back:?}");
        checked += 1;
    }
    assert_eq!(checked, vectors.len());
    assert_eq!(
        checked,
        file["counts"]["column_encryption"].as_u64().unwrap() as usize
    );

    // result_rows_example: a RESULT Rows body whose encrypted columns are declared blob.
    let example = &section["result_rows_example"];
    let body = Bytes::from(common::unhex(&example["body"]));
    for version in example["protocol_versions"].as_array().unwrap() {
        let version = match version.as_u64().unwrap() {
            4 => ProtocolVersion::V4,
            5 => ProtocolVersion::V5,
            other => panic!("protocol {other}"),
        };
        let ResultMessage::Rows(rows) = ResultMessage::decode(version, &body).unwrap() else {
            panic!("not a Rows result");
        };
        let specs = rows.metadata.columns.clone().unwrap();
        let columns = example["columns"].as_array().unwrap();
        assert_eq!(specs.len(), columns.len());
        let decoded: Vec<OwnedRow> = rows
            .typed::<OwnedRow>()
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let expected_rows = example["decoded_rows"].as_array().unwrap();
        assert_eq!(decoded.len(), expected_rows.len());
        for (row, want) in decoded.iter().zip(expected_rows) {
            for (i, (spec, c)) in specs.iter().zip(columns).enumerate() {
                assert_eq!(spec.name, c["name"].as_str().unwrap());
                let typ = ColumnType::parse_cql(c["cql_type"].as_str().unwrap()).unwrap();
                let cell = row.columns[i].clone();
                let value = if c["encrypted"].as_bool().unwrap() {
                    assert_eq!(spec.typ, ColumnType::Blob, "{}: declared blob", spec.name);
                    assert!(policy.contains_column(&spec.keyspace, &spec.table, &spec.name));
                    let Some(CqlValue::Blob(encrypted)) = cell else {
                        panic!("{}: {cell:?}", spec.name);
                    };
                    policy
                        .decrypt_value::<CqlValue>(
                            &spec.keyspace,
                            &spec.table,
                            &spec.name,
                            Some(&encrypted),
                        )
                        .unwrap()
                } else {
                    assert!(!policy.contains_column(&spec.keyspace, &spec.table, &spec.name));
                    assert_eq!(spec.typ, typ);
                    cell.unwrap()
                };
                assert!(
                    same(&value, &to_cql(&typ, &want[i]).unwrap()),
                    "{}",
                    spec.name
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// rejected entries

#[test]
fn rejected_entries_of_these_sections() {
    let file = common::load("dse.json");
    let rejected: Vec<&Value> = file["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| SECTIONS.contains(&r["section"].as_str().unwrap()))
        .collect();
    let (mut checked, mut skipped) = (0, 0);
    for r in &rejected {
        let section = r["section"].as_str().unwrap();
        let id = r["id"].as_str().unwrap();
        let input = &r["input"];
        if let Some(reason) = skip_reason(section, id) {
            assert!(!reason.is_empty());
            skipped += 1;
            continue;
        }
        match (section, id) {
            ("geo", "polygon/holes_without_exterior") => {
                // The driver writes ring count 0, silently dropping the holes. We refuse to
                // write such a polygon; its bytes decode as the empty polygon here too.
                let CqlValue::Polygon(polygon) = geo_value("polygon", &input["value"]) else {
                    unreachable!()
                };
                let typ = ColumnType::Custom(POLYGON_CLASS.into());
                let err = polygon.serialize(&typ, &mut Vec::new()).unwrap_err();
                assert!(
                    matches!(err, SerializeError::InvalidValue { .. }),
                    "{id}: {err}"
                );
                assert!(
                    CqlValue::Polygon(polygon)
                        .serialize(&typ, &mut Vec::new())
                        .is_err()
                );
                assert_eq!(
                    Polygon::from_wkb(&common::unhex(&input["bytes"])),
                    Ok(Polygon::default()),
                    "{id}"
                );
            }
            ("daterange", "decode/bad_precision_7") => assert_eq!(
                DateRange::from_bytes(&common::unhex(&input["bytes"])),
                Err(DateRangeError::Precision(7)),
                "{id}"
            ),
            ("daterange", "decode/bad_bound_kind_6") => assert_eq!(
                DateRange::from_bytes(&common::unhex(&input["bytes"])),
                Err(DateRangeError::BoundKind(6)),
                "{id}"
            ),
            ("daterange", "decode/empty") => {
                assert!(matches!(
                    DateRange::from_bytes(&common::unhex(&input["bytes"])),
                    Err(DateRangeError::Truncated { .. })
                ));
                // As a column value, empty is null (as in the driver's from_binary).
                let typ = ColumnType::Custom(DATE_RANGE_CLASS.into());
                assert!(DateRange::deserialize(&typ, Some(&[])).is_err(), "{id}");
            }
            ("daterange", "input/datetime_999500us") => {
                // 999500 µs rounds (half to even) to 1000 ms: not a valid millisecond.
                assert_eq!(bound_input(input), None, "{id}");
            }
            ("column_encryption", "iv_15_bytes") => assert_eq!(
                ColumnEncryptionPolicy::new(&common::unhex(&input["iv"])).unwrap_err(),
                ColumnEncryptionError::IvLength(15),
                "{id}"
            ),
            ("column_encryption", "key_16_bytes") => {
                let mut policy = encryption_policy(&file["column_encryption"]);
                let err = policy
                    .add_column(
                        "ks",
                        "enc",
                        "c_x",
                        &common::unhex(&input["key"]),
                        ColumnType::Int,
                    )
                    .unwrap_err();
                assert_eq!(err, ColumnEncryptionError::KeyLength(16), "{id}");
            }
            ("column_encryption", "decrypt/bad_padding") => {
                let policy = encryption_policy(&file["column_encryption"]);
                let column = policy.column("ks", "enc", "c_int").unwrap();
                assert_eq!(
                    column.decrypt(&common::unhex(&input["ciphertext"])),
                    Err(ColumnEncryptionError::Padding),
                    "{id}"
                );
            }
            ("timeuuid", "clock_seq_too_big" | "node_too_big") => {
                let node = input["node"].as_u64().unwrap();
                let clock_seq = input["clock_seq"].as_u64().unwrap() as u16;
                let err =
                    uuid_from_unix_seconds(input["seconds"].as_f64().unwrap(), node, clock_seq)
                        .unwrap_err();
                let expected = if id == "node_too_big" {
                    TimeUuidError::NodeOutOfRange(node)
                } else {
                    TimeUuidError::ClockSeqOutOfRange(clock_seq)
                };
                assert_eq!(err, expected, "{id}");
            }
            _ => panic!("{section}/{id}: rejected entry not consumed"),
        }
        checked += 1;
    }
    assert_eq!(
        checked + skipped,
        rejected.len(),
        "every rejected entry consumed"
    );
    assert_eq!(skipped, SKIPPED.len(), "every skip names a rejected entry");
}
