//! ByteOrderedPartitioner tokens: the key bytes themselves, compared as unsigned bytes,
//! written as lowercase hexadecimal (Cassandra's `BytesToken` token factory).

use alloc::string::String;
use alloc::vec::Vec;

/// The ByteOrderedPartitioner token of a partition key: a copy of its bytes.
pub fn byte_ordered_token(key: &[u8]) -> Vec<u8> {
    key.to_vec()
}

/// Parses a hexadecimal ByteOrderedPartitioner token as `system.local`/`system.peers` write
/// it. As Cassandra's `Hex.hexToBytes` does, an odd number of digits is read as if a `0`
/// preceded them. Upper and lower case are accepted; whitespace around the text is ignored.
pub fn parse_byte_ordered_token(text: &str) -> Option<Vec<u8>> {
    let text = text.trim().as_bytes();
    let mut out = Vec::with_capacity(text.len().div_ceil(2));
    let (first, rest) = if text.len() % 2 == 1 {
        text.split_at(1)
    } else {
        text.split_at(0)
    };
    if let Some(&digit) = first.first() {
        out.push(hex_value(digit)?);
    }
    for pair in rest.chunks_exact(2) {
        let (hi, lo) = pair.split_at(1);
        let hi = hex_value(*hi.first()?)?;
        let lo = hex_value(*lo.first()?)?;
        out.push((hi << 4) | lo);
    }
    Some(out)
}

/// Writes token bytes as lowercase hexadecimal.
pub fn byte_ordered_to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        for nibble in [b >> 4, b & 0x0f] {
            let digit = DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0');
            out.push(char::from(digit));
        }
    }
    out
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_odd_length() {
        assert_eq!(
            parse_byte_ordered_token("00ff7A"),
            Some(alloc::vec![0, 0xff, 0x7a])
        );
        assert_eq!(
            parse_byte_ordered_token("abc"),
            Some(alloc::vec![0x0a, 0xbc])
        );
        assert_eq!(parse_byte_ordered_token(""), Some(alloc::vec![]));
        assert_eq!(parse_byte_ordered_token("zz"), None);
        assert_eq!(byte_ordered_to_hex(&[0, 0xff, 0x7a]), "00ff7a");
    }
}
