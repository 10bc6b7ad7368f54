//! Version 1 (time-based) UUIDs as `timeuuid` columns use them: building one from a time,
//! the lowest and highest UUID of an instant (for range queries on `timeuuid` columns), and
//! the time back out of one.
//!
//! The 60-bit timestamp of a version 1 UUID counts 100-nanosecond intervals since the UUID
//! epoch, 1582-10-15T00:00:00Z. The conversions from seconds follow the Python driver's
//! `util.uuid_from_time` step for step, in binary floating point, so they give the same UUID
//! bit for bit (including its rounding where a float cannot hold the exact time).
//!
//! Nothing here is random: the caller supplies the node and clock sequence (a client would
//! pick a random node once and a random clock sequence per process).

use uuid::Uuid;

/// 100-ns intervals from the UUID epoch (1582-10-15) to the Unix epoch (1970-01-01).
pub const UUID_EPOCH_OFFSET_100NS: u64 = 0x01B2_1DD2_1381_4000;

/// The lowest time UUID as Cassandra sorts them (timestamp 0, node and clock sequence bytes
/// all `0x80`, the lowest signed byte).
pub const LOWEST_TIME_UUID: Uuid = Uuid::from_u128(0x0000_0000_0000_1000_8080_8080_8080_8080);

/// The highest time UUID as Cassandra sorts them (every timestamp bit set, node and clock
/// sequence bytes `0x7f` after the variant bits).
pub const HIGHEST_TIME_UUID: Uuid = Uuid::from_u128(0xffff_ffff_ffff_1fff_bf7f_7f7f_7f7f_7f7f);

/// Node of [`min_time_uuid`]: every byte `0x80`.
const MIN_NODE: u64 = 0x8080_8080_8080;
/// Clock sequence of [`min_time_uuid`]: bytes `0x80 0x80` once the variant is set.
const MIN_CLOCK_SEQ: u16 = 0x0080;
/// Node of [`max_time_uuid`]: every byte `0x7f`.
const MAX_NODE: u64 = 0x7f7f_7f7f_7f7f;
/// Clock sequence of [`max_time_uuid`]: bytes `0xbf 0x7f` once the variant is set.
const MAX_CLOCK_SEQ: u16 = 0x3f7f;
/// One past the largest 60-bit timestamp.
const TIMESTAMP_LIMIT: u64 = 1 << 60;
/// 100-ns intervals in a millisecond.
const INTERVALS_PER_MS: u64 = 10_000;

/// A time UUID could not be built, or a UUID holds no time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeUuidError {
    /// The clock sequence does not fit in 14 bits.
    #[error("clock sequence {0} is out of range (it must fit in 14 bits, below 16384)")]
    ClockSeqOutOfRange(u16),
    /// The node does not fit in 48 bits.
    #[error("node {0:#x} is out of range (it must fit in 48 bits)")]
    NodeOutOfRange(u64),
    /// The time is not finite, or lies before 1582-10-15 or after the 60-bit timestamp's
    /// end (year 5236).
    #[error("time is outside what a version 1 UUID can hold (1582-10-15 to 5236-03-31)")]
    TimeOutOfRange,
    /// The UUID is not version 1, so it holds no time.
    #[error("UUID version {0} holds no time (a time UUID is version 1)")]
    NotVersion1(usize),
}

/// Checks that a 100-ns count from the UUID epoch fits the 60-bit timestamp.
fn checked_timestamp(intervals: i128) -> Result<u64, TimeUuidError> {
    u64::try_from(intervals)
        .ok()
        .filter(|&t| t < TIMESTAMP_LIMIT)
        .ok_or(TimeUuidError::TimeOutOfRange)
}

/// Truncates a float toward zero as Python's `int()` does, refusing values no timestamp can
/// be built from (the bound keeps the cast exact).
fn python_int(value: f64) -> Result<i128, TimeUuidError> {
    const BOUND: f64 = 1e30;
    if value.is_finite() && value.abs() < BOUND {
        // `as` truncates toward zero, and the bound keeps the result in range.
        Ok(value as i128)
    } else {
        Err(TimeUuidError::TimeOutOfRange)
    }
}

/// The timestamp for `seconds` since the Unix epoch given as a number, computed as the
/// Python driver does: `int(seconds * 1e6) * 10 + offset` (so sub-microsecond digits are
/// truncated, after the float multiplication rounded).
///
/// # Errors
/// [`TimeUuidError::TimeOutOfRange`] for a non-finite or unrepresentable time.
pub fn timestamp_from_unix_seconds(seconds: f64) -> Result<u64, TimeUuidError> {
    let micros = python_int(seconds * 1e6)?;
    checked_timestamp(micros * 10 + i128::from(UUID_EPOCH_OFFSET_100NS))
}

/// The timestamp for a UTC date-time given as whole `seconds` since the Unix epoch and a
/// `microsecond` (0..1_000_000), computed as the Python driver does for a `datetime`:
/// `int((seconds * 1e6 + microsecond) * 10) + offset` in floating point, which can be off
/// by a few 100-ns units for times far from 1970.
///
/// # Errors
/// [`TimeUuidError::TimeOutOfRange`] for an unrepresentable time.
pub fn timestamp_from_unix_datetime(seconds: i64, microsecond: u32) -> Result<u64, TimeUuidError> {
    let micros = seconds as f64 * 1e6 + f64::from(microsecond);
    let intervals = python_int(micros * 10.0)?;
    checked_timestamp(intervals + i128::from(UUID_EPOCH_OFFSET_100NS))
}

/// The timestamp of the first 100-ns interval of millisecond `ms` since the Unix epoch,
/// exactly.
///
/// # Errors
/// [`TimeUuidError::TimeOutOfRange`] for a time a timestamp cannot hold.
pub fn timestamp_from_unix_millis(ms: i64) -> Result<u64, TimeUuidError> {
    checked_timestamp(
        i128::from(ms) * i128::from(INTERVALS_PER_MS) + i128::from(UUID_EPOCH_OFFSET_100NS),
    )
}

/// A version 1 UUID with the given 60-bit `timestamp`, 48-bit `node` and 14-bit
/// `clock_seq` (RFC 4122 variant).
///
/// # Errors
/// [`TimeUuidError`] when a field does not fit its width.
pub fn time_uuid(timestamp: u64, node: u64, clock_seq: u16) -> Result<Uuid, TimeUuidError> {
    if timestamp >= TIMESTAMP_LIMIT {
        return Err(TimeUuidError::TimeOutOfRange);
    }
    if clock_seq > 0x3fff {
        return Err(TimeUuidError::ClockSeqOutOfRange(clock_seq));
    }
    if node >= 1 << 48 {
        return Err(TimeUuidError::NodeOutOfRange(node));
    }
    let time_low = timestamp & 0xffff_ffff;
    let time_mid = (timestamp >> 32) & 0xffff;
    let time_hi_and_version = ((timestamp >> 48) & 0x0fff) | 0x1000;
    let clock_seq_hi_and_variant = 0x80 | ((clock_seq >> 8) & 0x3f);
    let clock_seq_low = clock_seq & 0xff;
    Ok(Uuid::from_u128(
        (u128::from(time_low) << 96)
            | (u128::from(time_mid) << 80)
            | (u128::from(time_hi_and_version) << 64)
            | (u128::from(clock_seq_hi_and_variant) << 56)
            | (u128::from(clock_seq_low) << 48)
            | u128::from(node),
    ))
}

/// A version 1 UUID for `timestamp` with a random node and clock sequence made of
/// `random` (8 bytes from the platform's random source: 48 bits of node, 14 of clock
/// sequence), as the Python driver's `uuid_from_time(t)` without a node and clock sequence.
/// The node's multicast bit is set, as RFC 4122 (§4.5) asks of a node that is not a MAC
/// address, so it can never equal a real one.
///
/// # Errors
/// [`TimeUuidError::TimeOutOfRange`] for a timestamp wider than 60 bits.
pub fn time_uuid_with_random(timestamp: u64, random: [u8; 8]) -> Result<Uuid, TimeUuidError> {
    let bits = u64::from_be_bytes(random);
    let node = (bits >> 16) | (1 << 40);
    let clock_seq = (bits & 0x3fff) as u16;
    time_uuid(timestamp, node, clock_seq)
}

/// The version 1 UUID for `seconds` since the Unix epoch, as the Python driver's
/// `uuid_from_time(seconds, node, clock_seq)`.
///
/// # Errors
/// [`TimeUuidError`] for an out-of-range time, node or clock sequence.
pub fn uuid_from_unix_seconds(
    seconds: f64,
    node: u64,
    clock_seq: u16,
) -> Result<Uuid, TimeUuidError> {
    time_uuid(timestamp_from_unix_seconds(seconds)?, node, clock_seq)
}

/// The lowest UUID with this timestamp as Cassandra compares time UUIDs (node and clock
/// sequence bytes `0x80`); the Python driver's `min_uuid_from_time` for the same time.
///
/// # Errors
/// [`TimeUuidError::TimeOutOfRange`] for a timestamp wider than 60 bits.
pub fn min_time_uuid(timestamp: u64) -> Result<Uuid, TimeUuidError> {
    time_uuid(timestamp, MIN_NODE, MIN_CLOCK_SEQ)
}

/// The highest UUID with this timestamp as Cassandra compares time UUIDs (node and clock
/// sequence bytes `0x7f`); the Python driver's `max_uuid_from_time` for the same time.
///
/// # Errors
/// [`TimeUuidError::TimeOutOfRange`] for a timestamp wider than 60 bits.
pub fn max_time_uuid(timestamp: u64) -> Result<Uuid, TimeUuidError> {
    time_uuid(timestamp, MAX_NODE, MAX_CLOCK_SEQ)
}

/// The lowest time UUID of millisecond `ms` (its first 100-ns interval), as CQL's
/// `minTimeuuid(ms)`.
///
/// # Errors
/// [`TimeUuidError::TimeOutOfRange`] for a time a timestamp cannot hold.
pub fn min_time_uuid_of_millis(ms: i64) -> Result<Uuid, TimeUuidError> {
    min_time_uuid(timestamp_from_unix_millis(ms)?)
}

/// The highest time UUID of millisecond `ms` (its last 100-ns interval), as CQL's
/// `maxTimeuuid(ms)`.
///
/// # Errors
/// [`TimeUuidError::TimeOutOfRange`] for a time a timestamp cannot hold.
pub fn max_time_uuid_of_millis(ms: i64) -> Result<Uuid, TimeUuidError> {
    max_time_uuid(timestamp_from_unix_millis(ms)? + (INTERVALS_PER_MS - 1))
}

/// The 60-bit timestamp of a version 1 UUID.
///
/// # Errors
/// [`TimeUuidError::NotVersion1`] for any other version.
pub fn timestamp_of(uuid: &Uuid) -> Result<u64, TimeUuidError> {
    match uuid.get_version_num() {
        1 => {}
        other => return Err(TimeUuidError::NotVersion1(other)),
    }
    let bits = uuid.as_u128();
    // Each field is masked to its width, so the casts keep every bit.
    let time_low = ((bits >> 96) & 0xffff_ffff) as u64;
    let time_mid = ((bits >> 80) & 0xffff) as u64;
    let time_hi = ((bits >> 64) & 0x0fff) as u64;
    Ok((time_hi << 48) | (time_mid << 32) | time_low)
}

/// 100-ns intervals from the Unix epoch to the UUID's time (negative before 1970).
fn intervals_since_unix_epoch(uuid: &Uuid) -> Result<i64, TimeUuidError> {
    // Both are below 2^60, so the casts are exact and the difference cannot overflow.
    Ok(timestamp_of(uuid)? as i64 - UUID_EPOCH_OFFSET_100NS as i64)
}

/// The time of a version 1 UUID in seconds since the Unix epoch, as the Python driver's
/// `unix_time_from_uuid1`: `(timestamp - offset) / 1e7` in floating point.
///
/// # Errors
/// [`TimeUuidError::NotVersion1`] for any other version.
pub fn unix_seconds_of(uuid: &Uuid) -> Result<f64, TimeUuidError> {
    let since_unix = intervals_since_unix_epoch(uuid)?;
    Ok(since_unix as f64 / 1e7)
}

/// The millisecond since the Unix epoch a version 1 UUID falls in (rounded down), exactly.
///
/// # Errors
/// [`TimeUuidError::NotVersion1`] for any other version.
pub fn unix_millis_of(uuid: &Uuid) -> Result<i64, TimeUuidError> {
    let since_unix = intervals_since_unix_epoch(uuid)?;
    Ok(since_unix.div_euclid(INTERVALS_PER_MS as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE: u64 = 0x0123_4567_89ab;
    const CLOCK_SEQ: u16 = 0x1234;

    fn uuid(text: &str) -> Uuid {
        Uuid::parse_str(text).unwrap()
    }

    #[test]
    fn builds_like_the_python_driver() {
        assert_eq!(
            uuid_from_unix_seconds(0.0, NODE, CLOCK_SEQ),
            Ok(uuid("13814000-1dd2-11b2-9234-0123456789ab"))
        );
        assert_eq!(
            uuid_from_unix_seconds(1_700_000_000.123456, NODE, CLOCK_SEQ),
            Ok(uuid("04c29680-833b-11ee-9234-0123456789ab"))
        );
        assert_eq!(
            uuid_from_unix_seconds(-12_219_292_800.0, NODE, CLOCK_SEQ),
            Ok(uuid("00000000-0000-1000-9234-0123456789ab"))
        );
        assert_eq!(
            timestamp_from_unix_datetime(-2_208_988_800, 1),
            Ok(100_103_040_000_000_008)
        );
    }

    #[test]
    fn lowest_and_highest() {
        assert_eq!(min_time_uuid(0), Ok(LOWEST_TIME_UUID));
        assert_eq!(max_time_uuid(TIMESTAMP_LIMIT - 1), Ok(HIGHEST_TIME_UUID));
        let ms = 1_561_042_722_123;
        let low = min_time_uuid_of_millis(ms).unwrap();
        let high = max_time_uuid_of_millis(ms).unwrap();
        assert_eq!(unix_millis_of(&low), Ok(ms));
        assert_eq!(unix_millis_of(&high), Ok(ms));
        assert_eq!(
            timestamp_of(&high).unwrap() - timestamp_of(&low).unwrap(),
            9_999
        );
        assert_eq!(
            min_time_uuid(timestamp_from_unix_seconds(0.0).unwrap()),
            Ok(uuid("13814000-1dd2-11b2-8080-808080808080"))
        );
        assert_eq!(
            max_time_uuid(timestamp_from_unix_seconds(0.0).unwrap()),
            Ok(uuid("13814000-1dd2-11b2-bf7f-7f7f7f7f7f7f"))
        );
    }

    #[test]
    fn reads_the_time_back() {
        let u = uuid("146621c0-1dd2-11b2-9234-0123456789ab");
        assert_eq!(unix_seconds_of(&u), Ok(1.5));
        assert_eq!(unix_millis_of(&u), Ok(1_500));
        let before = uuid("129c5e40-1dd2-11b2-9234-0123456789ab");
        assert_eq!(unix_seconds_of(&before), Ok(-1.5));
        assert_eq!(unix_millis_of(&before), Ok(-1_500));
        assert_eq!(
            timestamp_of(&Uuid::from_u128(0x4000 << 64)),
            Err(TimeUuidError::NotVersion1(4))
        );
    }

    #[test]
    fn refuses_out_of_range_fields() {
        assert_eq!(
            uuid_from_unix_seconds(0.0, NODE, 0x4000),
            Err(TimeUuidError::ClockSeqOutOfRange(0x4000))
        );
        assert_eq!(
            uuid_from_unix_seconds(0.0, 1 << 48, 1),
            Err(TimeUuidError::NodeOutOfRange(1 << 48))
        );
        for bad in [f64::NAN, f64::INFINITY, -1e300, 1e300, -12_219_292_801.0] {
            assert_eq!(
                timestamp_from_unix_seconds(bad),
                Err(TimeUuidError::TimeOutOfRange)
            );
        }
        assert_eq!(
            time_uuid(TIMESTAMP_LIMIT, 0, 0),
            Err(TimeUuidError::TimeOutOfRange)
        );
        assert_eq!(
            timestamp_from_unix_millis(i64::MAX),
            Err(TimeUuidError::TimeOutOfRange)
        );
    }

    #[test]
    fn a_random_time_uuid_keeps_its_time_and_marks_its_node_multicast() {
        let ts = timestamp_from_unix_millis(1_700_000_000_123).unwrap();
        let u = time_uuid_with_random(ts, [0xff; 8]).unwrap();
        assert_eq!(timestamp_of(&u).unwrap(), ts);
        assert_eq!(u.get_version_num(), 1);
        let node = u.as_u128() & 0xffff_ffff_ffff;
        assert_ne!(node & (1 << 40), 0);
        let other = time_uuid_with_random(ts, [0; 8]).unwrap();
        assert_ne!(u, other);
        assert_eq!(unix_millis_of(&other).unwrap(), 1_700_000_000_123);
    }
}
