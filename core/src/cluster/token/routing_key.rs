//! Routing keys: the bytes a partitioner hashes, built from a partition key's components.
//!
//! A single-component partition key is the component's serialized value, unchanged. A
//! composite key (Cassandra's `CompositeType` encoding) is, for each component in partition
//! key order: its length as a big-endian `u16`, its bytes, then one `0x00` end-of-component
//! byte.

use alloc::vec::Vec;

use super::TokenError;

/// Builds the routing key of a partition key from its components' serialized values, in
/// partition-key order.
///
/// Fails when a component of a composite key is longer than 65535 bytes (its `u16` length
/// cannot express it). Zero components give an empty key.
pub fn routing_key<C: AsRef<[u8]>>(components: &[C]) -> Result<Vec<u8>, TokenError> {
    let mut out = Vec::new();
    write_routing_key(&mut out, components)?;
    Ok(out)
}

/// Appends the routing key of `components` to `out` (see [`routing_key`]). On error `out`
/// is left as it was.
pub fn write_routing_key<C: AsRef<[u8]>>(
    out: &mut Vec<u8>,
    components: &[C],
) -> Result<(), TokenError> {
    if let [single] = components {
        out.extend_from_slice(single.as_ref());
        return Ok(());
    }
    let mut total = 0usize;
    for (index, component) in components.iter().enumerate() {
        let len = component.as_ref().len();
        if u16::try_from(len).is_err() {
            return Err(TokenError::ComponentTooLong { index, length: len });
        }
        total = total.saturating_add(len + 3);
    }
    out.reserve(total);
    for component in components {
        let bytes = component.as_ref();
        let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(bytes);
        out.push(0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_and_composite() {
        assert_eq!(routing_key(&[[0u8, 0, 0, 1]]).unwrap(), [0, 0, 0, 1]);
        assert_eq!(
            routing_key(&[&b"a"[..], &b"bc"[..]]).unwrap(),
            [0, 1, b'a', 0, 0, 2, b'b', b'c', 0]
        );
        let empty: [&[u8]; 0] = [];
        assert!(routing_key(&empty).unwrap().is_empty());
        let big = alloc::vec![0u8; 65536];
        assert_eq!(
            routing_key(&[&b"a"[..], &big[..]]),
            Err(TokenError::ComponentTooLong {
                index: 1,
                length: 65536
            })
        );
    }
}
