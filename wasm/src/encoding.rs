//! Bytes as text for JSON: base64 for blobs, hex for paging states, and both read back
//! (a paging state kept as a REST cursor comes back as a string).

/// Standard base64 with padding (the core's).
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))]
pub use cql_core::types::base64::encode as base64;

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    cql_core::cluster::token::byte_ordered_to_hex(bytes)
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn base64_digit(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Bytes from hex (an even number of hex digits, optionally after `0x`) or base64
/// (standard or URL-safe, padding optional). A string of even length made only of hex
/// digits is read as hex: the form [`hex`] writes.
pub fn bytes_from_text(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    let digits = t.strip_prefix("0x").unwrap_or(t).as_bytes();
    if digits.len() % 2 == 0 && digits.iter().all(|c| hex_digit(*c).is_some()) {
        return digits
            .chunks(2)
            .map(|p| Some((hex_digit(*p.first()?)? << 4) | hex_digit(*p.get(1)?)?))
            .collect();
    }
    let body = t.trim_end_matches('=').as_bytes();
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= u32::from(base64_digit(*c)?) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(bytes.get(1..chunk.len())?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_hex_round_trip() {
        for input in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            &[0, 255, 254, 1],
        ] {
            let b64 = base64(input);
            assert_eq!(bytes_from_text(&b64).as_deref(), Some(input), "{b64}");
            assert_eq!(bytes_from_text(&hex(input)).as_deref(), Some(input));
        }
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(hex(&[0, 0xab, 0x10]), "00ab10");
    }

    #[test]
    fn url_safe_unpadded_and_prefixed_forms() {
        assert_eq!(bytes_from_text("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(
            bytes_from_text("0xDEADbeef").as_deref(),
            Some(&[0xde, 0xad, 0xbe, 0xef][..])
        );
        assert_eq!(bytes_from_text("Zm8").as_deref(), Some(&b"fo"[..]));
        assert_eq!(bytes_from_text("not base64!"), None);
        assert_eq!(bytes_from_text("abcde"), None);
    }
}
