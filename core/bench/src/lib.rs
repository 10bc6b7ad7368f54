//! Shared payloads of the wire benchmarks, built once so that `cql-core` and `scylla-cql`
//! are measured on exactly the same bytes.

use std::time::{Duration, Instant};

/// Rows in the decoded RESULT page.
pub const PAGE_ROWS: usize = 1_000;

/// The prepared statement id used in the EXECUTE benchmark (16 bytes, as Cassandra's MD5 ids).
pub const PREPARED_ID: [u8; 16] = *b"0123456789abcdef";

/// The 64-byte blob bound in the EXECUTE benchmark.
pub const BLOB: [u8; 64] = [0xab; 64];

/// The body of a RESULT Rows message: global table spec `ks.events`, columns
/// `(id int, name text, owner uuid, at timestamp, payload blob)` and [`PAGE_ROWS`] rows,
/// written by hand from the v4 spec so neither implementation under test builds it.
pub fn result_page_body() -> Vec<u8> {
    fn string(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as u16).to_be_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    fn cell(out: &mut Vec<u8>, b: &[u8]) {
        out.extend_from_slice(&(b.len() as i32).to_be_bytes());
        out.extend_from_slice(b);
    }
    let mut out = Vec::new();
    out.extend_from_slice(&2i32.to_be_bytes()); // kind: Rows
    out.extend_from_slice(&1i32.to_be_bytes()); // flags: global table spec
    out.extend_from_slice(&5i32.to_be_bytes()); // column count
    string(&mut out, "ks");
    string(&mut out, "events");
    for (name, type_id) in [
        ("id", 0x0009u16),
        ("name", 0x000d),
        ("owner", 0x000c),
        ("at", 0x000b),
        ("payload", 0x0003),
    ] {
        string(&mut out, name);
        out.extend_from_slice(&type_id.to_be_bytes());
    }
    out.extend_from_slice(&(PAGE_ROWS as i32).to_be_bytes());
    for i in 0..PAGE_ROWS {
        cell(&mut out, &(i as i32).to_be_bytes());
        cell(&mut out, format!("user-{i:06}@example.com").as_bytes());
        cell(&mut out, &(i as u128 * 0x9e37_79b9_7f4a_7c15).to_be_bytes());
        cell(&mut out, &(1_700_000_000_000i64 + i as i64).to_be_bytes());
        cell(&mut out, &[i as u8; 48]);
    }
    out
}

/// Nanoseconds per call of `f`: the best of several timed batches, so that a noisy
/// neighbour inflates neither side of a ratio.
pub fn nanos_per_call(mut f: impl FnMut()) -> f64 {
    let mut batch = 1u32;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            f();
        }
        if start.elapsed() > Duration::from_millis(20) {
            break;
        }
        batch *= 2;
    }
    (0..15)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                f();
            }
            start.elapsed().as_nanos() as f64 / f64::from(batch)
        })
        .fold(f64::INFINITY, f64::min)
}
