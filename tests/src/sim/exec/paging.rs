//! Paging states: where a paged SELECT stopped, as opaque bytes a client sends back
//! (possibly on another connection) to get the next page.

use bytes::{BufMut, Bytes, BytesMut};

use crate::sim::error::{CqlError, CqlResult};

/// The position after the last row of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagingState {
    /// The last row's partition key components.
    pub partition_key: Vec<Bytes>,
    /// The last row's clustering key.
    pub clustering: Vec<Bytes>,
    /// The last row was the static-only row of its partition.
    pub static_row: bool,
    /// Rows already returned from that partition (PER PARTITION LIMIT).
    pub in_partition: usize,
    /// Rows already returned in total (LIMIT).
    pub returned: usize,
}

const VERSION: u8 = 1;

fn invalid() -> CqlError {
    CqlError::protocol("Invalid value for the paging state")
}

impl PagingState {
    /// The opaque bytes.
    pub fn encode(&self) -> Bytes {
        let mut b = BytesMut::new();
        b.put_u8(VERSION);
        for part in [&self.partition_key, &self.clustering] {
            b.put_u16(part.len() as u16);
            for c in part {
                b.put_u32(c.len() as u32);
                b.put_slice(c);
            }
        }
        b.put_u8(u8::from(self.static_row));
        b.put_u64(self.in_partition as u64);
        b.put_u64(self.returned as u64);
        b.freeze()
    }

    /// Reads bytes made by [`encode`](Self::encode).
    ///
    /// # Errors
    /// `ProtocolError` for anything else.
    pub fn decode(b: &[u8]) -> CqlResult<Self> {
        let mut r = Reader { b, pos: 0 };
        if r.take(1)? != [VERSION] {
            return Err(invalid());
        }
        let mut parts = Vec::new();
        for _ in 0..2 {
            let n = u16::from_be_bytes(r.take(2)?.try_into().map_err(|_| invalid())?);
            let mut comps = Vec::new();
            for _ in 0..n {
                let len = u32::from_be_bytes(r.take(4)?.try_into().map_err(|_| invalid())?);
                comps.push(Bytes::copy_from_slice(r.take(len as usize)?));
            }
            parts.push(comps);
        }
        let static_row = r.take(1)? == [1];
        let in_partition = u64::from_be_bytes(r.take(8)?.try_into().map_err(|_| invalid())?);
        let returned = u64::from_be_bytes(r.take(8)?.try_into().map_err(|_| invalid())?);
        if r.pos != b.len() {
            return Err(invalid());
        }
        let clustering = parts.pop().unwrap_or_default();
        let partition_key = parts.pop().unwrap_or_default();
        Ok(Self {
            partition_key,
            clustering,
            static_row,
            in_partition: usize::try_from(in_partition).map_err(|_| invalid())?,
            returned: usize::try_from(returned).map_err(|_| invalid())?,
        })
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> CqlResult<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or_else(invalid)?;
        let s = self.b.get(self.pos..end).ok_or_else(invalid)?;
        self.pos = end;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        let s = PagingState {
            partition_key: vec![Bytes::from_static(b"k")],
            clustering: vec![Bytes::from_static(&[0, 0, 0, 1]), Bytes::new()],
            static_row: false,
            in_partition: 3,
            returned: 10,
        };
        assert_eq!(PagingState::decode(&s.encode()).unwrap(), s);
        assert!(PagingState::decode(&[]).is_err());
        assert!(PagingState::decode(&[1, 0xff, 0xff]).is_err());
        let mut long = s.encode().to_vec();
        long.push(0);
        assert!(PagingState::decode(&long).is_err());
    }
}
