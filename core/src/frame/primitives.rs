//! The protocol's primitive notations (`[int]`, `[string]`, `[bytes]`, `[value]`,
//! `[inet]`, `[string map]`, vints ...): a borrowing [`Reader`] and `write_*` functions.
//!
//! Every read checks the length it is about to consume against what remains, and every
//! collection read checks its element count against the smallest possible encoding of
//! that many elements before allocating, so hostile input can neither panic nor make
//! the reader allocate beyond the input's size.

use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use uuid::Uuid;

use super::error::{DecodeError, EncodeError};

/// A `[value]` as it appears on the wire: a byte slice, null (`-1`) or not set (`-2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawValue<'a> {
    /// `[int] -1`: the value is null.
    Null,
    /// `[int] -2`: the value is not set (protocol v4+), leaving the column untouched.
    Unset,
    /// The value's bytes.
    Bytes(&'a [u8]),
}

/// A cursor over a borrowed byte slice that reads the protocol's primitive notations.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Starts reading at the beginning of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf }
    }

    /// Bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// Whether everything was consumed.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The unconsumed bytes, without consuming them.
    pub fn rest(&self) -> &'a [u8] {
        self.buf
    }

    /// Fails with [`DecodeError::TrailingBytes`] unless everything was consumed.
    pub fn finish(&self, what: &'static str) -> Result<(), DecodeError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes {
                what,
                count: self.buf.len(),
            })
        }
    }

    /// Consumes exactly `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.buf.len() {
            return Err(DecodeError::UnexpectedEnd {
                needed: n,
                remaining: self.buf.len(),
            });
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Consumes everything that is left.
    pub fn take_rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.buf)
    }

    /// Reads a `[byte]`.
    pub fn read_u8(&mut self) -> Result<u8, DecodeError> {
        Ok(u8::from_be_bytes(self.take_array()?))
    }

    /// Reads a signed byte (tinyint).
    pub fn read_i8(&mut self) -> Result<i8, DecodeError> {
        Ok(i8::from_be_bytes(self.take_array()?))
    }

    /// Reads a `[short]` (unsigned 16-bit big-endian).
    pub fn read_u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.take_array()?))
    }

    /// Reads a signed 16-bit big-endian integer.
    pub fn read_i16(&mut self) -> Result<i16, DecodeError> {
        Ok(i16::from_be_bytes(self.take_array()?))
    }

    /// Reads an `[int]` (signed 32-bit big-endian).
    pub fn read_i32(&mut self) -> Result<i32, DecodeError> {
        Ok(i32::from_be_bytes(self.take_array()?))
    }

    /// Reads an unsigned 32-bit big-endian integer (v5 flags).
    pub fn read_u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.take_array()?))
    }

    /// Reads a `[long]` (signed 64-bit big-endian).
    pub fn read_i64(&mut self) -> Result<i64, DecodeError> {
        Ok(i64::from_be_bytes(self.take_array()?))
    }

    /// Reads a non-negative `[int]` length, as used by `[long string]`.
    fn read_len_i32(&mut self, what: &'static str) -> Result<usize, DecodeError> {
        let n = self.read_i32()?;
        usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
            what,
            length: i64::from(n),
        })
    }

    /// Reads a `[string]`: a `[short]` length and that many UTF-8 bytes.
    pub fn read_string(&mut self) -> Result<&'a str, DecodeError> {
        let n = usize::from(self.read_u16()?);
        core::str::from_utf8(self.take(n)?).map_err(|_| DecodeError::InvalidUtf8("[string]"))
    }

    /// Reads a `[long string]`: an `[int]` length and that many UTF-8 bytes.
    pub fn read_long_string(&mut self) -> Result<&'a str, DecodeError> {
        let n = self.read_len_i32("[long string]")?;
        core::str::from_utf8(self.take(n)?).map_err(|_| DecodeError::InvalidUtf8("[long string]"))
    }

    /// Reads a `[short bytes]`: a `[short]` length and that many bytes.
    pub fn read_short_bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = usize::from(self.read_u16()?);
        self.take(n)
    }

    /// Reads a `[bytes]`: an `[int]` length (negative means null) and that many bytes.
    pub fn read_bytes(&mut self) -> Result<Option<&'a [u8]>, DecodeError> {
        let n = self.read_i32()?;
        match usize::try_from(n) {
            Ok(n) => self.take(n).map(Some),
            Err(_) => Ok(None),
        }
    }

    /// Reads a `[value]`: like `[bytes]`, plus `-2` meaning "not set".
    pub fn read_value(&mut self) -> Result<RawValue<'a>, DecodeError> {
        let n = self.read_i32()?;
        match n {
            -1 => Ok(RawValue::Null),
            -2 => Ok(RawValue::Unset),
            n if n < 0 => Err(DecodeError::InvalidLength {
                what: "[value]",
                length: i64::from(n),
            }),
            n => self.take(n as usize).map(RawValue::Bytes),
        }
    }

    /// Reads a `[uuid]` (16 bytes).
    pub fn read_uuid(&mut self) -> Result<Uuid, DecodeError> {
        Ok(Uuid::from_bytes(self.take_array()?))
    }

    /// Checks that `count` elements of at least `min_size` bytes each can fit in what
    /// remains, so that a `Vec::with_capacity(count)` is bounded by the input size.
    pub fn check_count(
        &self,
        count: usize,
        min_size: usize,
        what: &'static str,
    ) -> Result<(), DecodeError> {
        if count.saturating_mul(min_size.max(1)) > self.buf.len() {
            Err(DecodeError::InvalidLength {
                what,
                length: count as i64,
            })
        } else {
            Ok(())
        }
    }

    /// Reads a `[string list]`.
    pub fn read_string_list(&mut self) -> Result<Vec<&'a str>, DecodeError> {
        let n = usize::from(self.read_u16()?);
        self.check_count(n, 2, "[string list]")?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.read_string()?);
        }
        Ok(out)
    }

    /// Reads a `[string map]` as key/value pairs in wire order.
    pub fn read_string_map(&mut self) -> Result<Vec<(&'a str, &'a str)>, DecodeError> {
        let n = usize::from(self.read_u16()?);
        self.check_count(n, 4, "[string map]")?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.read_string()?;
            let v = self.read_string()?;
            out.push((k, v));
        }
        Ok(out)
    }

    /// Reads a `[string multimap]` as key/values pairs in wire order.
    pub fn read_string_multimap(&mut self) -> Result<Vec<(&'a str, Vec<&'a str>)>, DecodeError> {
        let n = usize::from(self.read_u16()?);
        self.check_count(n, 4, "[string multimap]")?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.read_string()?;
            let v = self.read_string_list()?;
            out.push((k, v));
        }
        Ok(out)
    }

    /// Reads a `[bytes map]` as key/value pairs in wire order.
    #[allow(clippy::type_complexity)]
    pub fn read_bytes_map(&mut self) -> Result<Vec<(&'a str, Option<&'a [u8]>)>, DecodeError> {
        let n = usize::from(self.read_u16()?);
        self.check_count(n, 6, "[bytes map]")?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.read_string()?;
            let v = self.read_bytes()?;
            out.push((k, v));
        }
        Ok(out)
    }

    /// Reads an `[inetaddr]`: a one-byte length (4 or 16) and the address bytes.
    pub fn read_inetaddr(&mut self) -> Result<IpAddr, DecodeError> {
        let n = self.read_u8()?;
        match n {
            4 => Ok(IpAddr::V4(Ipv4Addr::from(self.take_array::<4>()?))),
            16 => Ok(IpAddr::V6(Ipv6Addr::from(self.take_array::<16>()?))),
            n => Err(DecodeError::InvalidLength {
                what: "[inetaddr]",
                length: i64::from(n),
            }),
        }
    }

    /// Reads an `[inet]`: an `[inetaddr]` followed by an `[int]` port.
    pub fn read_inet(&mut self) -> Result<SocketAddr, DecodeError> {
        let ip = self.read_inetaddr()?;
        let port = self.read_i32()?;
        let port = u16::try_from(port).map_err(|_| DecodeError::InvalidValue {
            what: "[inet] port",
            value: i64::from(port),
        })?;
        Ok(SocketAddr::new(ip, port))
    }

    /// Reads an unsigned vint as Cassandra's `VIntCoding` writes it: the number of
    /// leading one bits of the first byte is the number of extra bytes that follow.
    pub fn read_unsigned_vint(&mut self) -> Result<u64, DecodeError> {
        let first = self.read_u8()?;
        let extra = first.leading_ones() as usize;
        if extra == 0 {
            return Ok(u64::from(first));
        }
        let bytes = self.take(extra)?;
        // With 8 extra bytes the first byte carries no value bits.
        let mut value = if extra >= 8 {
            0
        } else {
            u64::from(first & (0xffu8 >> extra))
        };
        for b in bytes {
            value = (value << 8) | u64::from(*b);
        }
        Ok(value)
    }

    /// Reads a signed (zig-zag encoded) vint.
    pub fn read_vint(&mut self) -> Result<i64, DecodeError> {
        let n = self.read_unsigned_vint()?;
        Ok(((n >> 1) as i64) ^ -((n & 1) as i64))
    }
}

/// Writes a `[byte]`.
#[inline]
pub fn write_u8(out: &mut Vec<u8>, v: u8) {
    out.push(v);
}

/// Writes a `[short]`.
#[inline]
pub fn write_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Writes an `[int]`.
#[inline]
pub fn write_i32(out: &mut Vec<u8>, v: i32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Writes an unsigned 32-bit integer (v5 flags).
#[inline]
pub fn write_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Writes a `[long]`.
#[inline]
pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn short_len(what: &'static str, len: usize) -> Result<u16, EncodeError> {
    u16::try_from(len).map_err(|_| EncodeError::TooLong {
        what,
        length: len,
        max: u16::MAX as usize,
    })
}

/// Converts a length to an `[int]` length prefix, failing above `i32::MAX`.
pub fn int_len(what: &'static str, len: usize) -> Result<i32, EncodeError> {
    i32::try_from(len).map_err(|_| EncodeError::TooLong {
        what,
        length: len,
        max: i32::MAX as usize,
    })
}

/// Writes a `[string]`.
pub fn write_string(out: &mut Vec<u8>, s: &str) -> Result<(), EncodeError> {
    write_u16(out, short_len("[string]", s.len())?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Writes a `[long string]`.
pub fn write_long_string(out: &mut Vec<u8>, s: &str) -> Result<(), EncodeError> {
    write_i32(out, int_len("[long string]", s.len())?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Writes a `[short bytes]`.
pub fn write_short_bytes(out: &mut Vec<u8>, b: &[u8]) -> Result<(), EncodeError> {
    write_u16(out, short_len("[short bytes]", b.len())?);
    out.extend_from_slice(b);
    Ok(())
}

/// Writes a `[bytes]`; `None` is written as null (`-1`).
pub fn write_bytes(out: &mut Vec<u8>, b: Option<&[u8]>) -> Result<(), EncodeError> {
    match b {
        None => write_i32(out, -1),
        Some(b) => {
            write_i32(out, int_len("[bytes]", b.len())?);
            out.extend_from_slice(b);
        }
    }
    Ok(())
}

/// Writes a `[value]`.
pub fn write_value(out: &mut Vec<u8>, v: RawValue<'_>) -> Result<(), EncodeError> {
    match v {
        RawValue::Null => write_i32(out, -1),
        RawValue::Unset => write_i32(out, -2),
        RawValue::Bytes(b) => return write_bytes(out, Some(b)),
    }
    Ok(())
}

/// Writes a `[uuid]`.
pub fn write_uuid(out: &mut Vec<u8>, u: &Uuid) {
    out.extend_from_slice(u.as_bytes());
}

/// Writes a `[string list]`.
pub fn write_string_list<S: AsRef<str>>(out: &mut Vec<u8>, list: &[S]) -> Result<(), EncodeError> {
    write_u16(out, short_len("[string list]", list.len())?);
    for s in list {
        write_string(out, s.as_ref())?;
    }
    Ok(())
}

/// Writes a `[string map]` from key/value pairs, in the order given.
pub fn write_string_map<K: AsRef<str>, V: AsRef<str>>(
    out: &mut Vec<u8>,
    map: &[(K, V)],
) -> Result<(), EncodeError> {
    write_u16(out, short_len("[string map]", map.len())?);
    for (k, v) in map {
        write_string(out, k.as_ref())?;
        write_string(out, v.as_ref())?;
    }
    Ok(())
}

/// Writes a `[string multimap]` from key/values pairs, in the order given.
pub fn write_string_multimap<K: AsRef<str>, V: AsRef<str>>(
    out: &mut Vec<u8>,
    map: &[(K, Vec<V>)],
) -> Result<(), EncodeError> {
    write_u16(out, short_len("[string multimap]", map.len())?);
    for (k, v) in map {
        write_string(out, k.as_ref())?;
        write_string_list(out, v)?;
    }
    Ok(())
}

/// Writes a `[bytes map]` from key/value pairs, in the order given.
pub fn write_bytes_map<K: AsRef<str>, V: AsRef<[u8]>>(
    out: &mut Vec<u8>,
    map: &[(K, Option<V>)],
) -> Result<(), EncodeError> {
    write_u16(out, short_len("[bytes map]", map.len())?);
    for (k, v) in map {
        write_string(out, k.as_ref())?;
        write_bytes(out, v.as_ref().map(|v| v.as_ref()))?;
    }
    Ok(())
}

/// Writes an `[inetaddr]`.
pub fn write_inetaddr(out: &mut Vec<u8>, ip: &IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            out.push(4);
            out.extend_from_slice(&v4.octets());
        }
        IpAddr::V6(v6) => {
            out.push(16);
            out.extend_from_slice(&v6.octets());
        }
    }
}

/// Writes an `[inet]`.
pub fn write_inet(out: &mut Vec<u8>, addr: &SocketAddr) {
    write_inetaddr(out, &addr.ip());
    write_i32(out, i32::from(addr.port()));
}

/// Writes an unsigned vint in Cassandra's `VIntCoding` form.
pub fn write_unsigned_vint(out: &mut Vec<u8>, v: u64) {
    let magnitude_bits = 64 - v.leading_zeros() as usize;
    // Each extra byte adds 7 usable bits (8 value bits minus one marker bit in byte 0).
    let extra = if magnitude_bits <= 7 {
        0
    } else {
        ((magnitude_bits - 1) / 7).min(8)
    };
    if extra == 0 {
        out.push(v as u8);
        return;
    }
    let be = v.to_be_bytes();
    if extra >= 8 {
        out.push(0xff);
        out.extend_from_slice(&be);
        return;
    }
    // The value occupies the low `extra` bytes plus the low bits of the byte before them;
    // the marker's `extra` leading one bits never overlap those value bits.
    let value_bytes = be.get(7 - extra..).unwrap_or(&be);
    let marker = !(0xffu8 >> extra);
    if let Some((first, rest)) = value_bytes.split_first() {
        out.push(first | marker);
        out.extend_from_slice(rest);
    }
}

/// Writes a signed vint (zig-zag encoded).
pub fn write_vint(out: &mut Vec<u8>, v: i64) {
    write_unsigned_vint(out, ((v << 1) ^ (v >> 63)) as u64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_vint_round_trips_at_every_width() {
        let mut samples = alloc::vec![
            0u64,
            1,
            127,
            128,
            255,
            16383,
            16384,
            u64::MAX,
            u64::MAX >> 1
        ];
        for shift in 0..64 {
            samples.push(1u64 << shift);
            samples.push((1u64 << shift) - 1);
        }
        for v in samples {
            let mut out = Vec::new();
            write_unsigned_vint(&mut out, v);
            let mut r = Reader::new(&out);
            assert_eq!(
                r.read_unsigned_vint().unwrap(),
                v,
                "value {v} as {out:02x?}"
            );
            assert!(r.is_empty());
        }
    }

    #[test]
    fn vint_examples_match_cassandra() {
        let mut out = Vec::new();
        write_unsigned_vint(&mut out, 128);
        assert_eq!(out, [0x80, 0x80]);
        out.clear();
        write_vint(&mut out, -1);
        assert_eq!(out, [0x01]);
        out.clear();
        write_vint(&mut out, 1);
        assert_eq!(out, [0x02]);
    }

    #[test]
    fn hostile_lengths_fail_cleanly() {
        let mut r = Reader::new(&[0x7f, 0xff, 0xff, 0xff]);
        assert!(matches!(
            r.read_bytes(),
            Err(DecodeError::UnexpectedEnd { .. })
        ));
        let mut r = Reader::new(&[0xff, 0xff]);
        assert!(r.read_string_list().is_err());
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xfd]);
        assert!(matches!(
            r.read_value(),
            Err(DecodeError::InvalidLength { .. })
        ));
    }
}
