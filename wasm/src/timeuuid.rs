//! Time-UUID helpers for JavaScript: `timeUuid(date?, node?, clockSeq?)`,
//! `minTimeUuid(date)`, `maxTimeUuid(date)`, `timeUuidDate(uuid)` — the core's
//! `types::timeuuid`, with random bytes from the host's `crypto.getRandomValues`.

use cql_core::types::timeuuid::{
    self, TimeUuidError, max_time_uuid_of_millis, min_time_uuid_of_millis, time_uuid,
    time_uuid_with_random, timestamp_from_unix_millis,
};
use js_sys::{BigInt, Date};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::error::argument;

#[wasm_bindgen(module = "/js/support.js")]
extern "C" {
    #[wasm_bindgen(js_name = randomBytes)]
    fn random_bytes(n: usize) -> Vec<u8>;
}

/// Milliseconds since the epoch of a `Date` or a number (now for `undefined`).
fn millis(date: &JsValue) -> Result<i64, JsValue> {
    let ms = if date.is_undefined() || date.is_null() {
        Date::now()
    } else if let Some(d) = date.dyn_ref::<Date>() {
        d.get_time()
    } else {
        date.as_f64().ok_or_else(|| {
            argument("a time UUID's time must be a Date or milliseconds since the epoch")
        })?
    };
    if !ms.is_finite() || ms.fract() != 0.0 {
        return Err(argument(format!(
            "{ms} is not a whole number of milliseconds"
        )));
    }
    Ok(ms as i64)
}

fn failed(e: TimeUuidError) -> JsValue {
    argument(format!("time UUID: {e}"))
}

fn parse(uuid: &str) -> Result<Uuid, JsValue> {
    uuid.parse()
        .map_err(|_| argument(format!("{uuid:?} is not a UUID")))
}

/// A version 1 UUID (a `timeuuid`) of `date` (a `Date` or milliseconds; now when left
/// out), with `node` (48 bits, a `bigint` or number) and `clockSeq` (14 bits) when given,
/// random otherwise (the random node has its multicast bit set).
#[wasm_bindgen(js_name = timeUuid, skip_typescript)]
// Typed in types.ts (optional parameters).
pub fn time_uuid_js(
    date: JsValue,
    node: JsValue,
    clock_seq: Option<u16>,
) -> Result<String, JsValue> {
    let ts = timestamp_from_unix_millis(millis(&date)?).map_err(failed)?;
    let uuid = if node.is_undefined() || node.is_null() {
        let mut bytes = [0u8; 8];
        for (slot, b) in bytes.iter_mut().zip(random_bytes(8)) {
            *slot = b;
        }
        if let Some(cs) = clock_seq {
            let [hi, lo] = cs.to_be_bytes();
            bytes[6] = hi;
            bytes[7] = lo;
        }
        time_uuid_with_random(ts, bytes)
    } else {
        let node = match node.dyn_ref::<BigInt>() {
            Some(b) => String::from(b.to_string(10).map_err(|_| argument("node"))?)
                .parse::<u64>()
                .map_err(|_| argument("node must be a 48-bit unsigned integer"))?,
            None => node
                .as_f64()
                .filter(|n| *n >= 0.0 && n.fract() == 0.0)
                .ok_or_else(|| argument("node must be a 48-bit unsigned integer"))?
                as u64,
        };
        let cs = match clock_seq {
            Some(cs) => cs,
            None => {
                let r = random_bytes(2);
                u16::from_be_bytes([
                    r.first().copied().unwrap_or(0),
                    r.get(1).copied().unwrap_or(0),
                ]) & 0x3fff
            }
        };
        time_uuid(ts, node, cs)
    };
    uuid.map(|u| u.to_string()).map_err(failed)
}

/// The lowest time UUID of the millisecond of `date`, as CQL's `minTimeuuid` (for range
/// queries on a `timeuuid` column).
#[wasm_bindgen(js_name = minTimeUuid)]
pub fn min_time_uuid_js(date: JsValue) -> Result<String, JsValue> {
    min_time_uuid_of_millis(millis(&date)?)
        .map(|u| u.to_string())
        .map_err(failed)
}

/// The highest time UUID of the millisecond of `date`, as CQL's `maxTimeuuid`.
#[wasm_bindgen(js_name = maxTimeUuid)]
pub fn max_time_uuid_js(date: JsValue) -> Result<String, JsValue> {
    max_time_uuid_of_millis(millis(&date)?)
        .map(|u| u.to_string())
        .map_err(failed)
}

/// The time of a version 1 UUID, as a `Date` (to the millisecond).
#[wasm_bindgen(js_name = timeUuidDate)]
pub fn time_uuid_date(uuid: &str) -> Result<Date, JsValue> {
    let ms = timeuuid::unix_millis_of(&parse(uuid)?).map_err(failed)?;
    Ok(Date::new(&JsValue::from_f64(ms as f64)))
}
