//! Murmur3Partitioner tokens, computed exactly as Cassandra computes them.
//!
//! Cassandra hashes a partition key with the x64 128-bit variant of MurmurHash3 (seed 0)
//! and keeps the first 64-bit half. Its Java port differs from the reference C code in one
//! place: the up-to-15 tail bytes are read as *signed* Java bytes, so a tail byte `>= 0x80`
//! is sign-extended before it is shifted into place. Full 16-byte blocks are read unsigned.
//! The token `i64::MIN` is reserved as the ring's minimum, so a hash equal to it becomes
//! `i64::MAX`. A zero-length key is never hashed: `Murmur3Partitioner.getToken` returns the
//! minimum token (`i64::MIN`) for it. (The Python driver hashes it and gets 0; Cassandra
//! rejects empty partition keys anyway.)

const C1: u64 = 0x87c3_7b91_1142_53d5;
const C2: u64 = 0x4cf5_ad43_2745_937f;

/// The Murmur3Partitioner token of a partition key (its routing key bytes).
///
/// Matches Cassandra, including the zero-length key, which gives `i64::MIN`.
pub fn murmur3_token(key: &[u8]) -> i64 {
    if key.is_empty() {
        return i64::MIN;
    }
    normalize(murmur3_cassandra_x64_128(key).0 as i64)
}

/// The first 64 bits of Cassandra's MurmurHash3 x64/128 (seed 0) as a signed token, with
/// `i64::MIN` mapped to `i64::MAX`, but *without* the zero-length special case: an empty key
/// hashes to 0. This is what the Python driver's `Murmur3Token.hash_fn` returns.
pub fn murmur3_hash_token(key: &[u8]) -> i64 {
    normalize(murmur3_cassandra_x64_128(key).0 as i64)
}

fn normalize(token: i64) -> i64 {
    if token == i64::MIN { i64::MAX } else { token }
}

/// Cassandra's `MurmurHash.hash3_x64_128` with seed 0: both 64-bit halves `(h1, h2)`.
///
/// Tail bytes are sign-extended (Cassandra's quirk), so for keys whose tail has a byte
/// `>= 0x80` the result differs from reference MurmurHash3.
pub fn murmur3_cassandra_x64_128(key: &[u8]) -> (u64, u64) {
    let mut h1: u64 = 0;
    let mut h2: u64 = 0;

    let mut blocks = key.chunks_exact(16);
    for block in &mut blocks {
        let (lo, hi) = block.split_at(8);
        let k1 = u64::from_le_bytes(to_array(lo));
        let k2 = u64::from_le_bytes(to_array(hi));

        h1 ^= mix_k1(k1);
        h1 = h1.rotate_left(27).wrapping_add(h2);
        h1 = h1.wrapping_mul(5).wrapping_add(0x52dc_e729);

        h2 ^= mix_k2(k2);
        h2 = h2.rotate_left(31).wrapping_add(h1);
        h2 = h2.wrapping_mul(5).wrapping_add(0x3849_5ab5);
    }

    let tail = blocks.remainder();
    let mut k1: u64 = 0;
    let mut k2: u64 = 0;
    for (i, &byte) in tail.iter().enumerate() {
        // A Java `(long) byte` widening: sign-extended.
        let widened = i64::from(byte as i8) as u64;
        if i < 8 {
            k1 ^= widened << (8 * i);
        } else {
            k2 ^= widened << (8 * (i - 8));
        }
    }
    if tail.len() > 8 {
        h2 ^= mix_k2(k2);
    }
    if !tail.is_empty() {
        h1 ^= mix_k1(k1);
    }

    let len = key.len() as u64;
    h1 ^= len;
    h2 ^= len;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    (h1, h2)
}

fn to_array(bytes: &[u8]) -> [u8; 8] {
    let mut out = [0u8; 8];
    out.copy_from_slice(bytes);
    out
}

fn mix_k1(k1: u64) -> u64 {
    k1.wrapping_mul(C1).rotate_left(31).wrapping_mul(C2)
}

fn mix_k2(k2: u64) -> u64 {
    k2.wrapping_mul(C2).rotate_left(33).wrapping_mul(C1)
}

fn fmix(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_anchor_int_1() {
        assert_eq!(murmur3_token(&[0, 0, 0, 1]), -4_069_959_284_402_364_209);
    }

    #[test]
    fn empty_key_is_minimum_in_cassandra_and_zero_in_the_driver() {
        assert_eq!(murmur3_token(&[]), i64::MIN);
        assert_eq!(murmur3_hash_token(&[]), 0);
    }
}
