//! Rows of a RESULT Rows message: [`DeserializeRow`], the borrowing [`RowIterator`] over a
//! page, and the owned [`OwnedRow`].

use alloc::vec::Vec;
use core::marker::PhantomData;

use super::ColumnSpec;
use super::deserialize::DeserializeValue;
use super::error::DeserializeError;
use super::value::CqlValue;
use crate::frame::primitives::Reader;

/// One cell of a row, borrowed from the frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawColumn<'frame> {
    /// The column's spec (name and type).
    pub spec: &'frame ColumnSpec,
    /// The cell's bytes, `None` when null.
    pub bytes: Option<&'frame [u8]>,
}

/// The cells of one row, read one by one from the rows bytes.
#[derive(Debug, Clone)]
pub struct ColumnIterator<'frame> {
    specs: &'frame [ColumnSpec],
    reader: Reader<'frame>,
    index: usize,
}

impl<'frame> ColumnIterator<'frame> {
    /// The cells of the row starting at the beginning of `reader`.
    pub fn new(specs: &'frame [ColumnSpec], reader: Reader<'frame>) -> Self {
        Self {
            specs,
            reader,
            index: 0,
        }
    }

    /// Number of columns not yet read.
    pub fn columns_remaining(&self) -> usize {
        self.specs.len().saturating_sub(self.index)
    }

    /// The next cell, or `None` after the last column.
    ///
    /// # Errors
    /// [`DeserializeError::Column`] wrapping a decode error when the bytes are truncated.
    pub fn next_column(&mut self) -> Option<Result<RawColumn<'frame>, DeserializeError>> {
        let spec = self.specs.get(self.index)?;
        let index = self.index;
        self.index += 1;
        Some(
            self.reader
                .read_bytes()
                .map(|bytes| RawColumn { spec, bytes })
                .map_err(|e| DeserializeError::from(e).in_column(index, &spec.name)),
        )
    }

    /// Reads the next cell as a `T` (already type-checked); `index` is the column's
    /// position, for error messages.
    ///
    /// # Errors
    /// [`DeserializeError::Column`] around whatever went wrong, or
    /// [`DeserializeError::WrongColumnCount`] when the row has no more columns.
    #[inline]
    pub fn next_typed<T: DeserializeValue<'frame>>(
        &mut self,
        index: usize,
    ) -> Result<T, DeserializeError> {
        let Some(spec) = self.specs.get(self.index) else {
            return Err(DeserializeError::WrongColumnCount {
                expected: index + 1,
                got: self.specs.len(),
            });
        };
        self.index += 1;
        let bytes = self
            .reader
            .read_bytes()
            .map_err(|e| DeserializeError::from(e).in_column(index, &spec.name))?;
        T::deserialize(&spec.typ, bytes).map_err(|e| e.in_column(index, &spec.name))
    }

    /// Skips the columns not yet read, so the reader ends at the row's end.
    ///
    /// # Errors
    /// As [`next_column`](Self::next_column).
    pub fn skip_rest(&mut self) -> Result<(), DeserializeError> {
        while let Some(col) = self.next_column() {
            col?;
        }
        Ok(())
    }
}

impl<'frame> Iterator for ColumnIterator<'frame> {
    type Item = Result<RawColumn<'frame>, DeserializeError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_column()
    }
}

/// A Rust type that one row of a result can be read into.
pub trait DeserializeRow<'frame>: Sized {
    /// Checks once per page that rows with these columns can be read into `Self`.
    ///
    /// # Errors
    /// [`DeserializeError::WrongColumnCount`], or [`DeserializeError::Column`] around the
    /// type mismatch of the first column that does not fit.
    fn type_check(specs: &[ColumnSpec]) -> Result<(), DeserializeError>;

    /// Reads one row from its cells (after [`type_check`](Self::type_check) succeeded).
    ///
    /// # Errors
    /// [`DeserializeError::Column`] around the error of the first cell that failed.
    fn deserialize(row: &mut ColumnIterator<'frame>) -> Result<Self, DeserializeError>;
}

/// An owned row: every column as an optional [`CqlValue`], in column order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OwnedRow {
    /// The cells; `None` is null (or an empty value of a type where that means null).
    pub columns: Vec<Option<CqlValue>>,
}

impl<'frame> DeserializeRow<'frame> for Vec<Option<CqlValue>> {
    fn type_check(_specs: &[ColumnSpec]) -> Result<(), DeserializeError> {
        Ok(())
    }

    fn deserialize(row: &mut ColumnIterator<'frame>) -> Result<Self, DeserializeError> {
        let mut out = Vec::with_capacity(row.columns_remaining());
        let mut index = 0;
        while let Some(col) = row.next_column() {
            let col = col?;
            out.push(
                CqlValue::deserialize(&col.spec.typ, col.bytes)
                    .map_err(|e| e.in_column(index, &col.spec.name))?,
            );
            index += 1;
        }
        Ok(out)
    }
}

impl<'frame> DeserializeRow<'frame> for OwnedRow {
    fn type_check(_specs: &[ColumnSpec]) -> Result<(), DeserializeError> {
        Ok(())
    }

    fn deserialize(row: &mut ColumnIterator<'frame>) -> Result<Self, DeserializeError> {
        Ok(Self {
            columns: <Vec<Option<CqlValue>> as DeserializeRow<'frame>>::deserialize(row)?,
        })
    }
}

/// Iterator over the rows of a page, decoding each into `R` straight from the frame's bytes.
///
/// The row type is checked once against the column specs when the iterator is made; each
/// row then costs only its cells' decoding (nothing is copied for borrowed types such as
/// `&str` and `&[u8]`). After the first error (for instance truncated input) the iterator
/// yields that error and then ends.
#[derive(Debug, Clone)]
pub struct RowIterator<'frame, R> {
    specs: &'frame [ColumnSpec],
    reader: Reader<'frame>,
    remaining: usize,
    _row: PhantomData<fn() -> R>,
}

impl<'frame, R: DeserializeRow<'frame>> RowIterator<'frame, R> {
    /// Rows of a RESULT Rows body: `specs` are the result's columns, `row_count` is the
    /// `[int]` rows count and `rows` the bytes after it (the cells, row by row).
    ///
    /// # Errors
    /// [`DeserializeRow::type_check`]'s error when `R` does not fit the columns.
    pub fn new(
        specs: &'frame [ColumnSpec],
        row_count: usize,
        rows: &'frame [u8],
    ) -> Result<Self, DeserializeError> {
        R::type_check(specs)?;
        Ok(Self {
            specs,
            reader: Reader::new(rows),
            remaining: row_count,
            _row: PhantomData,
        })
    }

    /// The result's column specs.
    pub fn specs(&self) -> &'frame [ColumnSpec] {
        self.specs
    }

    /// Rows not yet read.
    pub fn rows_remaining(&self) -> usize {
        self.remaining
    }
}

impl<'frame, R: DeserializeRow<'frame>> Iterator for RowIterator<'frame, R> {
    type Item = Result<R, DeserializeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let mut cols = ColumnIterator::new(self.specs, self.reader.clone());
        let result = R::deserialize(&mut cols).and_then(|row| {
            cols.skip_rest()?;
            Ok(row)
        });
        match result {
            Ok(row) => {
                self.reader = cols.reader;
                Some(Ok(row))
            }
            Err(e) => {
                self.remaining = 0;
                Some(Err(e))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ColumnType, CqlTimestamp};
    use alloc::vec;
    use uuid::Uuid;

    use crate::types::column_type::test_spec as spec;

    fn cell(out: &mut Vec<u8>, b: &[u8]) {
        out.extend_from_slice(&(b.len() as i32).to_be_bytes());
        out.extend_from_slice(b);
    }

    #[test]
    fn borrowing_rows() {
        let specs = vec![
            spec("id", ColumnType::Int),
            spec("name", ColumnType::Text),
            spec("u", ColumnType::Uuid),
            spec("ts", ColumnType::Timestamp),
            spec("data", ColumnType::Blob),
        ];
        let mut rows = Vec::new();
        for i in 0..3i32 {
            cell(&mut rows, &i.to_be_bytes());
            cell(&mut rows, b"name");
            cell(&mut rows, &[7; 16]);
            cell(&mut rows, &1000i64.to_be_bytes());
            rows.extend_from_slice(&(-1i32).to_be_bytes());
        }
        type R<'a> = (i32, &'a str, Uuid, CqlTimestamp, Option<&'a [u8]>);
        let got: Vec<R<'_>> = RowIterator::new(&specs, 3, &rows)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            got[2],
            (
                2,
                "name",
                Uuid::from_bytes([7; 16]),
                CqlTimestamp(1000),
                None
            )
        );

        // Type checked once, up front, naming the column.
        let err = RowIterator::<(i32, i32, Uuid, CqlTimestamp, &[u8])>::new(&specs, 3, &rows)
            .unwrap_err();
        assert!(
            matches!(err, DeserializeError::Column { index: 1, .. }),
            "{err}"
        );
        // A non-Option blob refuses the null.
        let mut it =
            RowIterator::<(i32, &str, Uuid, CqlTimestamp, &[u8])>::new(&specs, 3, &rows).unwrap();
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
        // Truncated input is an error, then the iterator ends.
        let mut it = RowIterator::<R<'_>>::new(&specs, 3, &rows[..rows.len() - 3]).unwrap();
        assert!(it.next().unwrap().is_ok());
        assert!(it.next().unwrap().is_ok());
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }
}
