//! Bound values of a QUERY, EXECUTE or BATCH statement, kept in their wire form.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{RawValue, Reader, write_string, write_value};

/// A list of bound values already in wire form: a sequence of `[value]`s, each preceded
/// by its `[string]` name when the list is named (QUERY flag 0x40).
///
/// Values are written once, when bound, and copied into the frame as one slice; the
/// count prefix (`[short]`) is written by the message encoder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SerializedValues {
    buf: Vec<u8>,
    count: u16,
    named: bool,
}

impl SerializedValues {
    /// An empty, positional list.
    pub const fn new() -> Self {
        Self {
            buf: Vec::new(),
            count: 0,
            named: false,
        }
    }

    /// An empty list with room for `bytes` bytes of values.
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            buf: Vec::with_capacity(bytes),
            count: 0,
            named: false,
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        usize::from(self.count)
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Whether the values carry names.
    pub fn is_named(&self) -> bool {
        self.named
    }

    /// The wire bytes of the values, without the count prefix.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    fn bump(&mut self) -> Result<(), EncodeError> {
        self.count = self.count.checked_add(1).ok_or(EncodeError::TooLong {
            what: "bound values",
            length: usize::from(u16::MAX) + 1,
            max: usize::from(u16::MAX),
        })?;
        Ok(())
    }

    /// Reserves room for at least `additional` more bytes of values, so a row written
    /// value by value grows its buffer once.
    pub fn reserve(&mut self, additional: usize) {
        self.buf.reserve(additional);
    }

    /// Appends a positional value.
    ///
    /// # Errors
    /// [`EncodeError::Unsupported`] when names were already used (a list is all
    /// positional or all named); [`EncodeError::TooLong`] past 65,535 values.
    pub fn add(&mut self, value: RawValue<'_>) -> Result<(), EncodeError> {
        if self.named {
            return Err(EncodeError::Unsupported(
                "mixing named and positional values",
            ));
        }
        self.bump()?;
        write_value(&mut self.buf, value)
    }

    /// Appends a named value.
    ///
    /// # Errors
    /// As [`add`](Self::add), with the roles of named and positional swapped.
    pub fn add_named(&mut self, name: &str, value: RawValue<'_>) -> Result<(), EncodeError> {
        if !self.named && self.count > 0 {
            return Err(EncodeError::Unsupported(
                "mixing named and positional values",
            ));
        }
        self.named = true;
        self.bump()?;
        write_string(&mut self.buf, name)?;
        write_value(&mut self.buf, value)
    }

    /// Appends a positional value by letting `write` append its bytes (without length);
    /// the `[int]` length is filled in afterwards. This is the allocation-free path used
    /// by the typed serializers. On error the list is left as it was.
    ///
    /// # Errors
    /// Whatever `write` returns, and [`EncodeError::TooLong`] for oversized values.
    pub fn add_with<E: From<EncodeError>>(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.add_framed(|buf| {
            let start = buf.len();
            buf.extend_from_slice(&[0; 4]);
            write(buf)?;
            let len = crate::frame::primitives::int_len("[value]", buf.len() - start - 4)?;
            if let Some(slot) = buf.get_mut(start..start + 4) {
                slot.copy_from_slice(&len.to_be_bytes());
            }
            Ok(())
        })
    }

    /// Appends a positional value by letting `write` append the whole `[value]`, length
    /// (or `-1` null / `-2` unset) included, as [`SerializeValue`](super::serialize::SerializeValue)
    /// does. On error the list is left as it was.
    ///
    /// # Errors
    /// Whatever `write` returns; [`EncodeError::Unsupported`] after named values;
    /// [`EncodeError::TooLong`] past 65,535 values.
    pub fn add_framed<E: From<EncodeError>>(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.named {
            return Err(EncodeError::Unsupported("mixing named and positional values").into());
        }
        self.bump()?;
        let start = self.buf.len();
        if let Err(e) = write(&mut self.buf) {
            self.buf.truncate(start);
            self.count = self.count.saturating_sub(1);
            return Err(e);
        }
        Ok(())
    }

    /// Appends a named value by letting `write` append the whole `[value]`, as
    /// [`add_framed`](Self::add_framed) does for positional ones. On error the list is
    /// left as it was.
    ///
    /// # Errors
    /// Whatever `write` returns; [`EncodeError::Unsupported`] after positional values;
    /// [`EncodeError::TooLong`] past 65,535 values or for a name over 65,535 bytes.
    pub fn add_named_framed<E: From<EncodeError>>(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        if !self.named && self.count > 0 {
            return Err(EncodeError::Unsupported("mixing named and positional values").into());
        }
        let start = self.buf.len();
        let was_named = self.named;
        self.bump()?;
        self.named = true;
        let result = write_string(&mut self.buf, name)
            .map_err(E::from)
            .and_then(|()| write(&mut self.buf));
        if let Err(e) = result {
            self.buf.truncate(start);
            self.count = self.count.saturating_sub(1);
            self.named = was_named;
            return Err(e);
        }
        Ok(())
    }

    /// Reads `count` values (named when `named`) from `r`, as a server does.
    ///
    /// # Errors
    /// [`DecodeError`] for truncated or malformed values.
    pub fn read(r: &mut Reader<'_>, count: u16, named: bool) -> Result<Self, DecodeError> {
        let before = r.rest();
        for _ in 0..count {
            if named {
                r.read_string()?;
            }
            r.read_value()?;
        }
        let used = before.len() - r.remaining();
        Ok(Self {
            buf: before.get(..used).unwrap_or_default().to_vec(),
            count,
            named,
        })
    }

    /// Iterates over the values with their names (`None` when positional).
    pub fn iter(&self) -> SerializedValuesIter<'_> {
        SerializedValuesIter {
            reader: Reader::new(&self.buf),
            named: self.named,
        }
    }
}

/// Owned values in a request message (as decoded, or built by hand).
impl From<SerializedValues> for Cow<'_, SerializedValues> {
    fn from(values: SerializedValues) -> Self {
        Cow::Owned(values)
    }
}

/// Values a request message borrows from the request that wrote them.
impl<'a> From<&'a SerializedValues> for Cow<'a, SerializedValues> {
    fn from(values: &'a SerializedValues) -> Self {
        Cow::Borrowed(values)
    }
}

/// Iterator over [`SerializedValues`], yielding `(name, value)`.
#[derive(Debug, Clone)]
pub struct SerializedValuesIter<'a> {
    reader: Reader<'a>,
    named: bool,
}

impl<'a> Iterator for SerializedValuesIter<'a> {
    type Item = (Option<&'a str>, RawValue<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.reader.is_empty() {
            return None;
        }
        // The buffer was built by this type's writers or validated by `read`, so these
        // reads cannot fail; stop quietly if they ever do.
        let name = if self.named {
            Some(self.reader.read_string().ok()?)
        } else {
            None
        };
        let value = self.reader.read_value().ok()?;
        Some((name, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positional_values_round_trip() {
        let mut v = SerializedValues::new();
        v.add(RawValue::Bytes(&[0, 0, 0, 1])).unwrap();
        v.add(RawValue::Null).unwrap();
        v.add_with::<EncodeError>(|out| {
            out.extend_from_slice(b"hi");
            Ok(())
        })
        .unwrap();
        assert_eq!(v.len(), 3);
        let read = SerializedValues::read(&mut Reader::new(v.as_bytes()), 3, false).unwrap();
        assert_eq!(read, v);
        let items: Vec<_> = v.iter().collect();
        assert_eq!(items[2], (None, RawValue::Bytes(b"hi")));
        assert!(v.add_named("x", RawValue::Unset).is_err());
    }
}
