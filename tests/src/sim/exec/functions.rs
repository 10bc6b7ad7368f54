//! Cassandra's native scalar functions (`now()`, `uuid()`, `toTimestamp()`, `blobAsX()`,
//! ...) over serialized values.

use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use cql_core::types::ColumnType;
use cql_core::types::cql_syntax::native_type_by_name;
use uuid::Uuid;

use crate::sim::error::{CqlError, CqlResult};

/// 100-nanosecond intervals between 1582-10-15 and 1970-01-01.
const GREGORIAN_OFFSET: i64 = 0x01B2_1DD2_1381_4000;

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

fn timeuuid_from_ticks(ticks: i64, lsb: u64) -> Uuid {
    let t = ticks as u64;
    let msb =
        ((t & 0xffff_ffff) << 32) | (((t >> 32) & 0xffff) << 16) | 0x1000 | ((t >> 48) & 0x0fff);
    Uuid::from_u64_pair(msb, lsb)
}

/// A fresh version-1 uuid for `micros` since the epoch, unique within the process.
pub fn timeuuid_at(micros: i64) -> Uuid {
    let seq = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let ticks = micros.saturating_mul(10).saturating_add(GREGORIAN_OFFSET) + (seq % 10) as i64;
    let random = Uuid::new_v4().as_u64_pair().1;
    let lsb = 0x8000_0000_0000_0000 | (random & 0x3fff_ffff_ffff_ffff);
    timeuuid_from_ticks(ticks, lsb)
}

/// The smallest (`max == false`) or greatest timeuuid of a millisecond, as
/// `minTimeuuid`/`maxTimeuuid` give.
pub fn bound_timeuuid(millis: i64, max: bool) -> Uuid {
    let ticks = millis
        .saturating_mul(10_000)
        .saturating_add(GREGORIAN_OFFSET);
    if max {
        timeuuid_from_ticks(ticks + 9_999, 0x7f7f_7f7f_7f7f_7f7f)
    } else {
        timeuuid_from_ticks(ticks, 0x8080_8080_8080_8080)
    }
}

/// Milliseconds since the epoch of a version-1 uuid.
pub fn timeuuid_millis(bytes: &[u8]) -> Option<i64> {
    let u = Uuid::from_slice(bytes).ok()?;
    let (msb, _) = u.as_u64_pair();
    let ticks = ((msb & 0x0fff) << 48) | (((msb >> 16) & 0xffff) << 32) | (msb >> 32);
    Some((ticks as i64 - GREGORIAN_OFFSET).div_euclid(10_000))
}

/// Strips an optional `system.` qualifier from a function name.
pub fn base_name(keyspace: Option<&str>, name: &str) -> String {
    match keyspace {
        Some("system") | None => name.to_ascii_lowercase(),
        Some(ks) => format!("{ks}.{name}"),
    }
}

/// The argument types a function expects (the first candidate when it has overloads),
/// used to type literals and markers passed to it; `None` for unknown functions.
pub fn param_types(name: &str, arity: usize) -> Option<Vec<ColumnType>> {
    Some(match name {
        "now" | "uuid" | "currenttimestamp" | "currentdate" | "currenttime" | "currenttimeuuid" => {
            Vec::new()
        }
        "totimestamp" | "todate" | "tounixtimestamp" | "dateof" | "unixtimestampof" => {
            vec![ColumnType::Timeuuid]
        }
        "mintimeuuid" | "maxtimeuuid" => vec![ColumnType::Timestamp],
        n => {
            if let Some(t) = n.strip_prefix("blobas").and_then(native_type_by_name) {
                let _ = t;
                vec![ColumnType::Blob]
            } else if let Some(t) = n.strip_suffix("asblob").and_then(native_type_by_name) {
                vec![t]
            } else if n == "token" {
                vec![ColumnType::Blob; arity]
            } else {
                return None;
            }
        }
    })
}

/// The result type of a function given its argument types.
///
/// # Errors
/// `Invalid` for an unknown function.
pub fn return_type(name: &str, args: &[ColumnType]) -> CqlResult<ColumnType> {
    Ok(match name {
        "now" | "currenttimeuuid" | "mintimeuuid" | "maxtimeuuid" => ColumnType::Timeuuid,
        "uuid" => ColumnType::Uuid,
        "currenttimestamp" | "totimestamp" | "dateof" => ColumnType::Timestamp,
        "currentdate" | "todate" => ColumnType::Date,
        "currenttime" => ColumnType::Time,
        "tounixtimestamp" | "unixtimestampof" | "token" => ColumnType::BigInt,
        n => {
            if let Some(t) = n.strip_prefix("blobas").and_then(native_type_by_name) {
                t
            } else if n
                .strip_suffix("asblob")
                .and_then(native_type_by_name)
                .is_some()
            {
                ColumnType::Blob
            } else {
                let _ = args;
                return Err(unknown(name));
            }
        }
    })
}

fn unknown(name: &str) -> CqlError {
    CqlError::invalid(format!("Unknown function '{name}'"))
}

fn ts_bytes(ms: i64) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(&ms.to_be_bytes()))
}

/// Calls a scalar function on serialized arguments with their types; `now_micros` is the
/// statement's time. Returns the value (or null) and its type.
///
/// # Errors
/// `Invalid` for unknown functions, wrong argument counts or malformed arguments.
pub fn call(
    name: &str,
    args: &[(Option<Bytes>, ColumnType)],
    now_micros: i64,
) -> CqlResult<(Option<Bytes>, ColumnType)> {
    let arity = |n: usize| -> CqlResult<()> {
        if args.len() == n {
            Ok(())
        } else {
            Err(CqlError::invalid(format!(
                "Invalid number of arguments in call to function {name}: {n} required but {} provided",
                args.len()
            )))
        }
    };
    let ret = return_type(
        name,
        &args.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>(),
    )?;
    let now_ms = now_micros.div_euclid(1000);
    let arg = args.first().map(|(v, t)| (v.as_deref(), t));
    let value = match name {
        "now" | "currenttimeuuid" => {
            arity(0)?;
            Some(Bytes::copy_from_slice(timeuuid_at(now_micros).as_bytes()))
        }
        "uuid" => {
            arity(0)?;
            Some(Bytes::copy_from_slice(Uuid::new_v4().as_bytes()))
        }
        "currenttimestamp" => {
            arity(0)?;
            ts_bytes(now_ms)
        }
        "currentdate" => {
            arity(0)?;
            let days = now_ms.div_euclid(86_400_000) + (1i64 << 31);
            Some(Bytes::copy_from_slice(&(days as u32).to_be_bytes()))
        }
        "currenttime" => {
            arity(0)?;
            let nanos = now_micros.rem_euclid(86_400_000_000) * 1000;
            Some(Bytes::copy_from_slice(&nanos.to_be_bytes()))
        }
        "totimestamp" | "dateof" | "tounixtimestamp" | "unixtimestampof" | "todate" => {
            arity(1)?;
            let ms = match arg {
                Some((None, _)) | None => None,
                Some((Some(v), t)) => Some(millis_of(v, t).ok_or_else(|| {
                    CqlError::invalid(format!("Invalid argument to function {name}"))
                })?),
            };
            ms.and_then(|ms| match name {
                "todate" => {
                    let days = ms.div_euclid(86_400_000) + (1i64 << 31);
                    Some(Bytes::copy_from_slice(&(days as u32).to_be_bytes()))
                }
                _ => ts_bytes(ms),
            })
        }
        "mintimeuuid" | "maxtimeuuid" => {
            arity(1)?;
            match arg {
                Some((Some(v), t)) => {
                    let ms = millis_of(v, t)
                        .ok_or_else(|| CqlError::invalid(format!("Invalid argument to {name}")))?;
                    Some(Bytes::copy_from_slice(
                        bound_timeuuid(ms, name == "maxtimeuuid").as_bytes(),
                    ))
                }
                _ => None,
            }
        }
        _ => {
            // blobAsX / xAsBlob: the bytes are unchanged, only validated.
            arity(1)?;
            let v = arg.and_then(|(v, _)| v).map(Bytes::copy_from_slice);
            if let Some(b) = &v {
                if cql_core::CqlValue::deserialize(&ret, Some(b)).is_err() {
                    return Err(CqlError::invalid(format!(
                        "In call to function system.{name}, value 0x{} is not a valid binary representation for type {ret}",
                        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
                    )));
                }
            }
            v
        }
    };
    Ok((value, ret))
}

/// Milliseconds since the epoch of a timestamp, date or timeuuid value.
fn millis_of(v: &[u8], t: &ColumnType) -> Option<i64> {
    match t {
        ColumnType::Timestamp | ColumnType::BigInt => Some(i64::from_be_bytes(v.try_into().ok()?)),
        ColumnType::Date => {
            let d = u32::from_be_bytes(v.try_into().ok()?);
            Some((i64::from(d) - (1i64 << 31)) * 86_400_000)
        }
        ColumnType::Timeuuid | ColumnType::Uuid => timeuuid_millis(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeuuids_round_trip_their_time() {
        let u = timeuuid_at(1_700_000_000_123_000);
        assert_eq!(u.get_version_num(), 1);
        assert_eq!(timeuuid_millis(u.as_bytes()), Some(1_700_000_000_123));
        let lo = bound_timeuuid(1000, false);
        let hi = bound_timeuuid(1000, true);
        assert_eq!(timeuuid_millis(lo.as_bytes()), Some(1000));
        assert_eq!(timeuuid_millis(hi.as_bytes()), Some(1000));
        assert!(
            crate::sim::storage::order::compare(
                &ColumnType::Timeuuid,
                lo.as_bytes(),
                hi.as_bytes()
            )
            .is_lt()
        );
    }

    #[test]
    fn conversions() {
        let u = timeuuid_at(86_400_000_000);
        let args = [(
            Some(Bytes::copy_from_slice(u.as_bytes())),
            ColumnType::Timeuuid,
        )];
        let (v, t) = call("totimestamp", &args, 0).unwrap();
        assert_eq!(t, ColumnType::Timestamp);
        assert_eq!(v.unwrap().as_ref(), &86_400_000i64.to_be_bytes());
        let (v, _) = call("todate", &args, 0).unwrap();
        assert_eq!(v.unwrap().as_ref(), &((1u32 << 31) + 1).to_be_bytes());
        let (v, t) = call(
            "blobasint",
            &[(Some(Bytes::from_static(&[0, 0, 0, 7])), ColumnType::Blob)],
            0,
        )
        .unwrap();
        assert_eq!(
            (v.unwrap().as_ref(), t),
            (&[0u8, 0, 0, 7][..], ColumnType::Int)
        );
        assert!(
            call(
                "blobasint",
                &[(Some(Bytes::from_static(&[7])), ColumnType::Blob)],
                0
            )
            .is_err()
        );
        assert!(call("nosuch", &[], 0).is_err());
    }
}
