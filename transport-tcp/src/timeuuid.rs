//! Time UUIDs of now or of any instant, with a random node and clock sequence (the core's
//! `types::timeuuid` needs them given; std gives the randomness here).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use cql_core::types::timeuuid::{
    TimeUuidError, time_uuid_with_random, timestamp_from_unix_datetime,
};
use uuid::Uuid;

/// 8 random bytes: std seeds every `RandomState` from the operating system's random source.
fn random_bytes() -> [u8; 8] {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0x9e37_79b9_7f4a_7c15);
    h.finish().to_be_bytes()
}

/// A version 1 UUID of `time` (to the microsecond) with a random node and clock sequence,
/// as the Python driver's `uuid_from_time(t)`.
///
/// # Errors
/// [`TimeUuidError::TimeOutOfRange`] for a time before 1582-10-15 or past the year 5236.
pub fn time_uuid_at(time: SystemTime) -> Result<Uuid, TimeUuidError> {
    let (seconds, micros) = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).map_err(|_| TimeUuidError::TimeOutOfRange)?,
            d.subsec_micros(),
        ),
        Err(before) => {
            let d = before.duration();
            let secs = i64::try_from(d.as_secs()).map_err(|_| TimeUuidError::TimeOutOfRange)?;
            match d.subsec_micros() {
                0 => (-secs, 0),
                us => (-secs - 1, 1_000_000 - us),
            }
        }
    };
    time_uuid_with_random(
        timestamp_from_unix_datetime(seconds, micros)?,
        random_bytes(),
    )
}

/// A version 1 UUID of now with a random node and clock sequence (a `timeuuid` key the
/// client makes, as `now()` does on the node).
pub fn time_uuid_now() -> Uuid {
    // Now is always in range.
    time_uuid_at(SystemTime::now()).unwrap_or(Uuid::nil())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use cql_core::types::timeuuid::unix_millis_of;

    use super::*;

    #[test]
    fn uuids_carry_their_time_and_differ() {
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        let (a, b) = (time_uuid_at(t).unwrap(), time_uuid_at(t).unwrap());
        assert_eq!(unix_millis_of(&a).unwrap(), 1_700_000_000_123);
        assert_ne!(a, b, "random node and clock sequence");
        let before = UNIX_EPOCH - Duration::from_micros(1_500_000);
        assert_eq!(
            unix_millis_of(&time_uuid_at(before).unwrap()).unwrap(),
            -1500
        );
        let now = time_uuid_now();
        assert_eq!(now.get_version_num(), 1);
    }
}
