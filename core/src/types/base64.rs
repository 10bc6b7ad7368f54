//! Standard base64 (RFC 4648, `+/`, `=` padding): bytes in GraphSON (`gx:ByteBuffer`,
//! `dse:Blob`) and in JSON-safe values.

use alloc::string::String;
use alloc::vec::Vec;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `bytes` in padded standard base64.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                let index = ((n >> shift) & 0x3f) as usize;
                out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes padded standard base64, skipping ASCII whitespace. `None` for any other
/// character outside the alphabet, a length that is not a multiple of four, or misplaced
/// padding (only `=` may follow the first `=`).
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut quad = [0u8; 4];
    let mut filled = 0;
    let mut padding = 0;
    for b in text.bytes() {
        if b.is_ascii_whitespace() {
            continue;
        }
        let value = match b {
            b'=' => {
                padding += 1;
                0
            }
            _ if padding > 0 => return None,
            _ => sextet(b)?,
        };
        let slot = quad.get_mut(filled)?;
        *slot = value;
        filled += 1;
        if filled == 4 {
            if padding > 2 {
                return None;
            }
            let n = quad.iter().fold(0u32, |acc, &s| acc << 6 | u32::from(s));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(bytes.get(..3 - padding)?);
            filled = 0;
        }
    }
    (filled == 0).then_some(out)
}

fn sextet(b: u8) -> Option<u8> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for (bytes, text) in [
            (&b""[..], ""),
            (b"\x00\x01\xfe\xff", "AAH+/w=="),
            (b"\xde\xad\xbe\xef", "3q2+7w=="),
            (b"abc", "YWJj"),
            (b"ab", "YWI="),
        ] {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text).as_deref(), Some(bytes));
        }
        assert_eq!(decode("YW\nJj").as_deref(), Some(&b"abc"[..]));
        for bad in ["YWJ", "Y===", "YW=J", "YWI=YWJj", "YW*j"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
