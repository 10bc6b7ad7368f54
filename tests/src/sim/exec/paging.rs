//! Paging states in Cassandra's protocol v4+ layout (`PagingState` in
//! `org.apache.cassandra.service.pager`): the last partition key and row mark, each with
//! an unsigned vint length, then the unsigned vint counts left for the query's LIMIT and
//! for the current partition's PER PARTITION LIMIT. Clients send them back, possibly on
//! another connection, to get the next page.

use bytes::Bytes;
use cql_core::frame::primitives::{Reader, write_unsigned_vint};

use crate::sim::error::{CqlError, CqlResult};

/// Cassandra's count for "no limit" (`DataLimits.NO_LIMIT`).
pub const NO_LIMIT: usize = i32::MAX as usize;

/// A paging state as it travels: raw key and mark plus the two counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagingState {
    /// The serialized partition key (`CompositeType` form when composite); absent for
    /// single-partition queries.
    pub partition_key: Option<Bytes>,
    /// The last regular row's clustering, serialized by [`encode_mark`]; absent when no
    /// such row was returned or the table has no clustering columns.
    pub row_mark: Option<Bytes>,
    /// Rows the query's LIMIT still allows.
    pub remaining: usize,
    /// Rows the PER PARTITION LIMIT still allows in the key's partition (0: it is done).
    pub remaining_in_partition: usize,
}

fn invalid() -> CqlError {
    CqlError::protocol("Invalid value for the paging state")
}

impl PagingState {
    /// The opaque bytes.
    pub fn encode(&self) -> Bytes {
        let mut b = Vec::new();
        for part in [&self.partition_key, &self.row_mark] {
            let part = part.as_deref().unwrap_or_default();
            write_unsigned_vint(&mut b, part.len() as u64);
            b.extend_from_slice(part);
        }
        write_unsigned_vint(&mut b, self.remaining as u64);
        write_unsigned_vint(&mut b, self.remaining_in_partition as u64);
        Bytes::from(b)
    }

    /// Reads the v4+ layout; empty key and mark read as absent.
    ///
    /// # Errors
    /// `ProtocolError` "Invalid value for the paging state" for anything else (short,
    /// long, or counts beyond an int).
    pub fn decode(b: &[u8]) -> CqlResult<Self> {
        let mut r = Reader::new(b);
        let mut part = || -> CqlResult<Option<Bytes>> {
            let n = r.read_unsigned_vint().map_err(|_| invalid())?;
            let n = usize::try_from(n).map_err(|_| invalid())?;
            let s = r.take(n).map_err(|_| invalid())?;
            Ok((!s.is_empty()).then(|| Bytes::copy_from_slice(s)))
        };
        let partition_key = part()?;
        let row_mark = part()?;
        let mut count = || -> CqlResult<usize> {
            let n = r.read_unsigned_vint().map_err(|_| invalid())?;
            usize::try_from(n)
                .ok()
                .filter(|n| *n <= NO_LIMIT)
                .ok_or_else(invalid)
        };
        let remaining = count()?;
        let remaining_in_partition = count()?;
        if !r.is_empty() {
            return Err(invalid());
        }
        Ok(Self {
            partition_key,
            row_mark,
            remaining,
            remaining_in_partition,
        })
    }
}

/// A partition key's components as Cassandra serializes the key: the value itself, or
/// `CompositeType` (length, value, end-of-component byte per component).
pub fn encode_key(components: &[Bytes]) -> Bytes {
    Bytes::from(cql_core::cluster::token::routing_key(components).unwrap_or_default())
}

/// The `n` components of a key made by [`encode_key`].
///
/// # Errors
/// `ProtocolError` when the bytes are not such a key.
pub fn decode_key(b: &[u8], n: usize) -> CqlResult<Vec<Bytes>> {
    if n == 1 {
        return Ok(vec![Bytes::copy_from_slice(b)]);
    }
    let mut r = Reader::new(b);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.take(2).map_err(|_| invalid())?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        out.push(Bytes::copy_from_slice(r.take(len).map_err(|_| invalid())?));
        r.take(1).map_err(|_| invalid())?;
    }
    if !r.is_empty() {
        return Err(invalid());
    }
    Ok(out)
}

/// A row mark: the clustering as `Clustering.serializer` writes it with every clustering
/// type taken as `BytesType` (as `PagingState.RowMark` does, so that schema changes cannot
/// break a state): per 32 values an unsigned vint header with two bits per value (empty,
/// null), then each non-empty value with an unsigned vint length.
pub fn encode_mark(clustering: &[Bytes]) -> Bytes {
    let mut b = Vec::new();
    for chunk in clustering.chunks(32) {
        let header = chunk
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_empty())
            .fold(0u64, |h, (i, _)| h | (1 << (i * 2)));
        write_unsigned_vint(&mut b, header);
        for v in chunk.iter().filter(|v| !v.is_empty()) {
            write_unsigned_vint(&mut b, v.len() as u64);
            b.extend_from_slice(v);
        }
    }
    Bytes::from(b)
}

/// The `n` clustering values of a mark made by [`encode_mark`] (a null reads as empty).
///
/// # Errors
/// `ProtocolError` when the bytes are not such a mark.
pub fn decode_mark(b: &[u8], n: usize) -> CqlResult<Vec<Bytes>> {
    let mut r = Reader::new(b);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let header = r.read_unsigned_vint().map_err(|_| invalid())?;
        let in_chunk = (n - out.len()).min(32);
        for i in 0..in_chunk {
            if header & (0b11 << (i * 2)) != 0 {
                out.push(Bytes::new());
                continue;
            }
            let len = r.read_unsigned_vint().map_err(|_| invalid())?;
            let len = usize::try_from(len).map_err(|_| invalid())?;
            out.push(Bytes::copy_from_slice(r.take(len).map_err(|_| invalid())?));
        }
    }
    if !r.is_empty() {
        return Err(invalid());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_layout_round_trips_and_rejects_garbage() {
        let s = PagingState {
            partition_key: Some(Bytes::from_static(b"k")),
            row_mark: Some(encode_mark(&[Bytes::from_static(&[0, 0, 0, 1])])),
            remaining: NO_LIMIT - 3,
            remaining_in_partition: 5,
        };
        let bytes = s.encode();
        // key, mark (header 0, then 4 bytes), remaining as a 5-byte vint, 5
        assert_eq!(
            bytes.as_ref(),
            [
                1, b'k', 6, 0, 4, 0, 0, 0, 1, 0xf0, 0x7f, 0xff, 0xff, 0xfc, 5
            ]
        );
        assert_eq!(PagingState::decode(&bytes).unwrap(), s);
        let none = PagingState {
            partition_key: None,
            row_mark: None,
            remaining: 0,
            remaining_in_partition: 0,
        };
        assert_eq!(none.encode().as_ref(), [0, 0, 0, 0]);
        assert_eq!(PagingState::decode(&none.encode()).unwrap(), none);
        for bad in [&[][..], &[1, 0xff, 0xff], &[0, 0, 0], &[0, 0, 0, 0, 0]] {
            let e = PagingState::decode(bad).unwrap_err();
            assert!(e.to_string().contains("Invalid value for the paging state"));
        }
        // a count beyond an int
        assert!(PagingState::decode(&[0, 0, 0xf0, 0x80, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn keys_and_marks_in_cassandra_form() {
        let pk = [Bytes::from_static(b"ab"), Bytes::from_static(&[7])];
        let k = encode_key(&pk);
        assert_eq!(k.as_ref(), [0, 2, b'a', b'b', 0, 0, 1, 7, 0]);
        assert_eq!(decode_key(&k, 2).unwrap(), pk);
        assert!(decode_key(&k[..5], 2).is_err());
        let ck = [
            Bytes::from_static(b"x"),
            Bytes::new(),
            Bytes::from_static(b"yz"),
        ];
        let m = encode_mark(&ck);
        // header: the second value is empty (bit 2)
        assert_eq!(m.as_ref(), [4, 1, b'x', 2, b'y', b'z']);
        assert_eq!(decode_mark(&m, 3).unwrap(), ck);
        assert!(decode_mark(&m, 4).is_err());
        assert!(decode_mark(&m[..4], 3).is_err());
        let many: Vec<Bytes> = (0..40u8).map(|i| Bytes::from(vec![i])).collect();
        assert_eq!(decode_mark(&encode_mark(&many), 40).unwrap(), many);
    }
}
