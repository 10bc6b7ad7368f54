//! RESULT responses: Void, Rows, Set_keyspace, Prepared and Schema_change.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use bytes::Bytes;

use super::metadata::{KnownColumns, PreparedMetadata, ResultMetadata};
use super::schema_change::SchemaChange;
use crate::frame::ProtocolVersion;
use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{
    Reader, int_len, write_bytes, write_i32, write_short_bytes, write_string,
};
use crate::types::{ColumnSpec, DeserializeError, DeserializeRow, RowIterator};

/// A Rows result: metadata, then `rows_count` rows kept in wire form.
///
/// The rows are not decoded here: [`content`](Self::content) is a zero-copy slice of the
/// frame body holding `rows_count × column_count` `[bytes]` cells, checked to be
/// well-formed when the message was decoded. Iterate it with [`rows`](Self::rows).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rows {
    /// Column specs, paging state and new metadata id.
    pub metadata: ResultMetadata,
    /// Number of rows in [`content`](Self::content).
    pub rows_count: usize,
    /// The `<rows_content>`: every cell of every row, as `[bytes]`.
    pub content: Bytes,
}

impl Rows {
    /// Builds a Rows result from cells (`None` is a null cell), as a server does.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] when a cell exceeds `i32::MAX` bytes, and
    /// [`EncodeError::Unsupported`] when a row's length differs from the metadata's
    /// column count.
    pub fn from_cells<'a, R, C>(metadata: ResultMetadata, rows: R) -> Result<Self, EncodeError>
    where
        R: IntoIterator<Item = C>,
        C: IntoIterator<Item = Option<&'a [u8]>>,
    {
        let columns = metadata.column_count();
        let mut content = Vec::new();
        let mut rows_count = 0;
        for row in rows {
            let mut n = 0;
            for cell in row {
                write_bytes(&mut content, cell)?;
                n += 1;
            }
            if n != columns {
                return Err(EncodeError::Unsupported(
                    "a row whose length differs from the column count",
                ));
            }
            rows_count += 1;
        }
        Ok(Self {
            metadata,
            rows_count,
            content: Bytes::from(content),
        })
    }

    /// Typed rows decoded straight from the frame buffer: `R` is type-checked once against
    /// the result's column specs, then each row borrows its text and blob cells from
    /// [`content`](Self::content) instead of copying them.
    ///
    /// # Errors
    /// [`DeserializeError::Decode`] when the result carried no metadata (the request
    /// skipped it: use [`typed_with`](Self::typed_with) and the prepared statement's
    /// columns), or a type-check error when `R` does not fit the columns.
    pub fn typed<'a, R: DeserializeRow<'a>>(
        &'a self,
    ) -> Result<RowIterator<'a, R>, DeserializeError> {
        let specs = self
            .metadata
            .columns
            .as_deref()
            .ok_or(DeserializeError::Decode(DecodeError::Malformed(
                "rows without metadata: the column specs must come from the prepared statement",
            )))?;
        RowIterator::new(specs, self.rows_count, &self.content)
    }

    /// Like [`typed`](Self::typed), with the column specs supplied by the caller (for a
    /// result whose metadata was skipped).
    ///
    /// # Errors
    /// A type-check error when `R` does not fit `specs`.
    pub fn typed_with<'a, R: DeserializeRow<'a>>(
        &'a self,
        specs: &'a [ColumnSpec],
    ) -> Result<RowIterator<'a, R>, DeserializeError> {
        RowIterator::new(specs, self.rows_count, &self.content)
    }

    /// Iterates over the rows; each row iterates over its cells.
    pub fn rows(&self) -> RawRows<'_> {
        RawRows {
            reader: Reader::new(&self.content),
            columns: self.metadata.column_count(),
            remaining: self.rows_count,
        }
    }

    /// A zero-copy [`Bytes`] for a cell slice obtained from [`rows`](Self::rows), so
    /// it can outlive the borrow; `None` if `cell` is not part of this result.
    pub fn cell_bytes(&self, cell: &[u8]) -> Option<Bytes> {
        let base = self.content.as_ptr() as usize;
        let start = (cell.as_ptr() as usize).checked_sub(base)?;
        let end = start.checked_add(cell.len())?;
        (end <= self.content.len()).then(|| self.content.slice(start..end))
    }

    fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.metadata.encode(version, out)?;
        write_i32(out, int_len("rows count", self.rows_count)?);
        out.extend_from_slice(&self.content);
        Ok(())
    }

    /// Reads a Rows result; `r` must run over `body` (as in [`ResultMessage::decode`]),
    /// so the content can be sliced out of `body` without copying.
    fn decode(
        version: ProtocolVersion,
        body: &Bytes,
        r: &mut Reader<'_>,
        known: Option<&KnownColumns>,
    ) -> Result<Self, DecodeError> {
        let metadata = ResultMetadata::decode_with(version, r, known)?;
        let n = r.read_i32()?;
        let rows_count = usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
            what: "rows count",
            length: i64::from(n),
        })?;
        let cells =
            rows_count
                .checked_mul(metadata.column_count())
                .ok_or(DecodeError::InvalidLength {
                    what: "rows content",
                    length: i64::from(n),
                })?;
        r.check_count(cells, 4, "rows content")?;
        let start = body.len().checked_sub(r.remaining());
        for _ in 0..cells {
            r.read_bytes()?;
        }
        let end = body.len().checked_sub(r.remaining());
        let content = match (start, end) {
            (Some(start), Some(end)) if start <= end => body.slice(start..end),
            _ => return Err(DecodeError::Malformed("rows content outside the body")),
        };
        Ok(Self {
            metadata,
            rows_count,
            content,
        })
    }
}

/// Iterator over the rows of a [`Rows`] result.
#[derive(Debug, Clone)]
pub struct RawRows<'a> {
    reader: Reader<'a>,
    columns: usize,
    remaining: usize,
}

impl<'a> Iterator for RawRows<'a> {
    type Item = RawRow<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let start = self.reader.clone();
        // The content was validated when decoded (or built by `from_cells`); stop
        // quietly should it ever be malformed.
        for _ in 0..self.columns {
            self.reader.read_bytes().ok()?;
        }
        Some(RawRow {
            reader: start,
            remaining: self.columns,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining))
    }
}

/// The cells of one row: `None` for null, else the cell's bytes.
#[derive(Debug, Clone)]
pub struct RawRow<'a> {
    reader: Reader<'a>,
    remaining: usize,
}

impl<'a> Iterator for RawRow<'a> {
    type Item = Option<&'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        self.reader.read_bytes().ok()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining))
    }
}

/// A Prepared result: the id to EXECUTE and the metadata of the bind markers and of
/// the rows the statement returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Prepared {
    /// The prepared statement id.
    pub id: Bytes,
    /// Protocol v5: the result metadata id to send with EXECUTE.
    pub result_metadata_id: Option<Bytes>,
    /// The bind markers.
    pub bind_metadata: PreparedMetadata,
    /// The columns of the result (`columns: None` for statements returning no rows).
    pub result_metadata: ResultMetadata,
}

impl Prepared {
    fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_short_bytes(out, &self.id)?;
        if version >= ProtocolVersion::V5 {
            let id = self
                .result_metadata_id
                .as_ref()
                .ok_or(EncodeError::Unsupported(
                    "a v5 Prepared result without result_metadata_id",
                ))?;
            write_short_bytes(out, id)?;
        }
        self.bind_metadata.encode(version, out)?;
        self.result_metadata.encode(version, out)
    }

    fn decode(version: ProtocolVersion, r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let id = Bytes::copy_from_slice(r.read_short_bytes()?);
        let result_metadata_id = if version >= ProtocolVersion::V5 {
            Some(Bytes::copy_from_slice(r.read_short_bytes()?))
        } else {
            None
        };
        Ok(Self {
            id,
            result_metadata_id,
            bind_metadata: PreparedMetadata::decode(version, r)?,
            result_metadata: ResultMetadata::decode(version, r)?,
        })
    }
}

/// A RESULT response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResultMessage {
    /// 0x0001: success without data.
    Void,
    /// 0x0002: rows of a SELECT.
    Rows(Rows),
    /// 0x0003: the keyspace a `USE` switched to.
    SetKeyspace(String),
    /// 0x0004: the answer to PREPARE (boxed: it is much larger than the other kinds).
    Prepared(Box<Prepared>),
    /// 0x0005: the answer to a schema-altering statement.
    SchemaChange(SchemaChange),
}

impl ResultMessage {
    /// The wire `kind`.
    pub fn kind(&self) -> i32 {
        match self {
            Self::Void => 1,
            Self::Rows(_) => 2,
            Self::SetKeyspace(_) => 3,
            Self::Prepared(_) => 4,
            Self::SchemaChange(_) => 5,
        }
    }

    /// Appends the RESULT body.
    ///
    /// # Errors
    /// Length errors and version mismatches ([`EncodeError::Unsupported`]).
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_i32(out, self.kind());
        match self {
            Self::Void => Ok(()),
            Self::Rows(rows) => rows.encode(version, out),
            Self::SetKeyspace(ks) => write_string(out, ks),
            Self::Prepared(p) => p.encode(version, out),
            Self::SchemaChange(c) => c.encode(out),
        }
    }

    /// Reads a RESULT body (the message only, envelope prefix already removed). Rows
    /// are sliced from `body` without copying; bytes after the message are ignored, as
    /// the specification asks of clients.
    ///
    /// # Errors
    /// [`DecodeError`] for malformed input or an unknown kind.
    pub fn decode(version: ProtocolVersion, body: &Bytes) -> Result<Self, DecodeError> {
        Self::decode_with(version, body, None)
    }

    /// Reads a RESULT body like [`decode`](Self::decode); the column specs of Rows
    /// byte-equal to `known` are not decoded (see [`ResultMetadata::decode_with`]).
    ///
    /// # Errors
    /// As [`decode`](Self::decode).
    pub fn decode_with(
        version: ProtocolVersion,
        body: &Bytes,
        known: Option<&KnownColumns>,
    ) -> Result<Self, DecodeError> {
        let r = &mut Reader::new(body);
        Ok(match r.read_i32()? {
            1 => Self::Void,
            2 => Self::Rows(Rows::decode(version, body, r, known)?),
            3 => Self::SetKeyspace(r.read_string()?.to_string()),
            4 => Self::Prepared(Box::new(Prepared::decode(version, r)?)),
            5 => Self::SchemaChange(SchemaChange::decode(r)?),
            other => {
                return Err(DecodeError::InvalidValue {
                    what: "result kind",
                    value: i64::from(other),
                });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sliced_from_the_body_and_iterable() {
        let rows = Rows::from_cells(
            ResultMetadata::without_columns(2),
            [[Some(&b"ab"[..]), None], [Some(&b""[..]), Some(&b"z"[..])]],
        )
        .unwrap();
        let mut body = Vec::new();
        ResultMessage::Rows(rows.clone())
            .encode(ProtocolVersion::V4, &mut body)
            .unwrap();
        let body = Bytes::from(body);
        let ResultMessage::Rows(decoded) =
            ResultMessage::decode(ProtocolVersion::V4, &body).unwrap()
        else {
            panic!("not rows")
        };
        assert_eq!(decoded, rows);
        // Zero-copy: the content points into the body.
        assert!(body.as_ptr_range().contains(&decoded.content.as_ptr()));
        let cells: Vec<Vec<Option<&[u8]>>> = decoded.rows().map(Iterator::collect).collect();
        assert_eq!(
            cells,
            [
                alloc::vec![Some(&b"ab"[..]), None],
                alloc::vec![Some(&b""[..]), Some(&b"z"[..])]
            ]
        );
        let first = cells[0][0].unwrap();
        assert_eq!(
            decoded.cell_bytes(first).unwrap(),
            Bytes::from_static(b"ab")
        );
        assert_eq!(decoded.cell_bytes(b"elsewhere"), None);
    }

    #[test]
    fn hostile_row_counts_fail_before_allocating() {
        // Rows, no metadata, 1000 columns, i32::MAX rows, nothing else.
        let body = Bytes::from_static(&[
            0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0x03, 0xe8, 0x7f, 0xff, 0xff, 0xff,
        ]);
        assert!(matches!(
            ResultMessage::decode(ProtocolVersion::V4, &body),
            Err(DecodeError::InvalidLength { .. })
        ));
    }
}
