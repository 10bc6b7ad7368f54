//! [`QueryResult`] (one page of a result with its envelope: warnings, tracing id, paging
//! state, schema change) and [`Row`] (one row, cells read by index or column name).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use bytes::Bytes;
use uuid::Uuid;

use super::error::Error;
use super::metrics::RequestInfo;
use super::statement::PagingState;
use crate::frame::primitives::Reader;
use crate::message::{CustomPayload, Prepared, Rows, SchemaChange};
use crate::runtime::NodeAddr;
use crate::types::{
    ColumnSpec, CqlValue, DeserializeError, DeserializeRow, DeserializeValue, RowIterator,
};

/// The rows of one page, as the node sent them: what a [`QueryResult`] keeps of a Rows
/// message once its columns and paging state are taken out (small, because results are
/// moved through every layer of a request).
#[derive(Clone)]
pub(crate) struct PageRows {
    /// Number of rows in `content`.
    pub(crate) count: usize,
    /// Every cell of every row, as `[bytes]`.
    pub(crate) content: Bytes,
}

/// The answer to one request: rows (one page) or the outcome of a statement without rows.
#[derive(Clone)]
pub struct QueryResult {
    pub(crate) rows: Option<PageRows>,
    pub(crate) columns: Arc<[ColumnSpec]>,
    /// Where the next page starts, when there is one.
    pub paging_state: Option<PagingState>,
    /// Warnings the node attached.
    pub warnings: Vec<String>,
    /// The tracing session id, when tracing was asked for (see
    /// [`Session::trace`](super::Session::trace)).
    pub tracing_id: Option<Uuid>,
    /// The node's custom payload.
    pub custom_payload: CustomPayload,
    /// The schema change a DDL statement made (boxed: rare, and results are moved
    /// often).
    pub schema_change: Option<Box<SchemaChange>>,
    /// The keyspace a `USE` statement switched to.
    pub set_keyspace: Option<String>,
    /// After a schema change: whether every live node reported the same schema version
    /// before [`max_schema_agreement_wait`](super::SessionConfig::max_schema_agreement_wait)
    /// passed (`None`: no schema change, the wait is off, or the session has no control
    /// connection to check with).
    pub schema_agreement: Option<bool>,
    /// The node that answered.
    pub host: NodeAddr,
    /// Attempts, latency and failed hosts of the request that produced this result.
    pub request_info: RequestInfo,
    /// The answer to a PREPARE (what [`Session::prepare`](super::Session::prepare) makes
    /// its statement of).
    pub(crate) prepared: Option<Box<Prepared>>,
}

/// Prints the shape, not the cells.
impl fmt::Debug for QueryResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryResult")
            .field("rows", &self.rows.as_ref().map(|r| r.count))
            .field(
                "columns",
                &self
                    .columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("paging_state", &self.paging_state)
            .field("warnings", &self.warnings)
            .field("tracing_id", &self.tracing_id)
            .field("schema_change", &self.schema_change)
            .field("set_keyspace", &self.set_keyspace)
            .field("schema_agreement", &self.schema_agreement)
            .field("host", &self.host)
            .field("request_info", &self.request_info)
            .finish_non_exhaustive()
    }
}

impl QueryResult {
    /// A result without rows from `host`.
    pub(crate) fn empty(host: NodeAddr) -> Self {
        Self {
            rows: None,
            columns: Arc::from(Vec::new()),
            paging_state: None,
            warnings: Vec::new(),
            tracing_id: None,
            custom_payload: Vec::new(),
            schema_change: None,
            set_keyspace: None,
            schema_agreement: None,
            host,
            request_info: RequestInfo::default(),
            prepared: None,
        }
    }

    /// A Rows result from `host` whose columns are `columns`.
    pub(crate) fn from_rows(host: NodeAddr, rows: Rows, columns: Arc<[ColumnSpec]>) -> Self {
        let Rows {
            metadata,
            rows_count,
            content,
        } = rows;
        let paging_state = metadata.paging_state.map(PagingState::from_bytes);
        Self {
            rows: Some(PageRows {
                count: rows_count,
                content,
            }),
            columns,
            paging_state,
            warnings: Vec::new(),
            tracing_id: None,
            custom_payload: Vec::new(),
            schema_change: None,
            set_keyspace: None,
            schema_agreement: None,
            host,
            request_info: RequestInfo::default(),
            prepared: None,
        }
    }

    /// Adds the rows of `page`, the next page of the same statement, and takes its paging
    /// state (where the page after it starts) and warnings.
    pub(crate) fn append_page(&mut self, page: QueryResult) {
        if let (Some(mine), Some(more)) = (&mut self.rows, page.rows) {
            if mine.count == 0 {
                *mine = more;
            } else if more.count > 0 {
                let mut content =
                    bytes::BytesMut::with_capacity(mine.content.len() + more.content.len());
                content.extend_from_slice(&mine.content);
                content.extend_from_slice(&more.content);
                mine.content = content.freeze();
                mine.count += more.count;
            }
        }
        self.paging_state = page.paging_state;
        self.warnings.extend(page.warnings);
    }

    /// Whether the result is a Rows result (a SELECT, or a lightweight transaction).
    pub fn is_rows(&self) -> bool {
        self.rows.is_some()
    }

    /// The result's columns (empty without rows).
    pub fn columns(&self) -> &[ColumnSpec] {
        &self.columns
    }

    /// Rows in this page.
    pub fn row_count(&self) -> usize {
        self.rows.as_ref().map_or(0, |r| r.count)
    }

    /// The page's `<rows_content>` as the node sent it (every cell of every row as
    /// `[bytes]`, [`row_count`](Self::row_count) rows of [`columns`](Self::columns)), for
    /// decoders of one's own; `None` without rows.
    pub fn raw_rows_content(&self) -> Option<&Bytes> {
        self.rows.as_ref().map(|r| &r.content)
    }

    /// Whether more pages follow.
    pub fn has_more_pages(&self) -> bool {
        self.paging_state.is_some()
    }

    /// The rows of this page, typed: `R` (a tuple, `Vec<Option<CqlValue>>`,
    /// `types::OwnedRow`, or a user type implementing [`DeserializeRow`]) is checked once
    /// against the columns, then each row is read straight from the frame (borrowing text
    /// and blobs).
    ///
    /// # Errors
    /// [`Error::Deserialize`] when `R` does not fit the columns; [`Error::InvalidArgument`]
    /// for a result without rows.
    pub fn typed<'a, R: DeserializeRow<'a>>(&'a self) -> Result<RowIterator<'a, R>, Error> {
        let rows = self.rows.as_ref().ok_or_else(no_rows)?;
        Ok(RowIterator::new(&self.columns, rows.count, &rows.content)?)
    }

    /// The rows of this page as [`Row`]s (each shares the frame's bytes).
    pub fn rows(&self) -> RowsIter<'_> {
        RowsIter {
            result: self,
            reader: Reader::new(self.rows.as_ref().map_or(&[][..], |r| &r.content[..])),
            remaining: self.row_count(),
        }
    }

    /// The first row, if any.
    pub fn first_row(&self) -> Option<Row> {
        self.rows().next()
    }

    /// All rows as owned [`Row`]s.
    pub fn into_rows(self) -> Vec<Row> {
        self.rows().collect()
    }

    /// The `[applied]` column of a lightweight transaction: `Some(true)` when it was
    /// applied, `Some(false)` (with the current values in the row's other columns) when
    /// not, `None` for results without that column.
    pub fn applied(&self) -> Option<bool> {
        let idx = self.columns.iter().position(|c| c.name == "[applied]")?;
        let row = self.first_row()?;
        row.get::<Option<bool>>(idx).ok().flatten()
    }
}

fn no_rows() -> Error {
    Error::InvalidArgument(String::from(
        "the result has no rows (the statement was not a SELECT)",
    ))
}

/// Iterator over the [`Row`]s of a [`QueryResult`].
#[derive(Debug, Clone)]
pub struct RowsIter<'a> {
    result: &'a QueryResult,
    reader: Reader<'a>,
    remaining: usize,
}

impl Iterator for RowsIter<'_> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let rows = self.result.rows.as_ref()?;
        let start = rows.content.len().checked_sub(self.reader.remaining())?;
        for _ in 0..self.result.columns.len() {
            // Validated when the frame was decoded; stop quietly if ever malformed.
            self.reader.read_bytes().ok()?;
        }
        let end = rows.content.len().checked_sub(self.reader.remaining())?;
        Some(Row {
            columns: Arc::clone(&self.result.columns),
            raw: rows.content.slice(start..end),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining))
    }
}

/// Selects a column of a [`Row`]: by index (`usize`) or by name (`&str`).
pub trait ColumnIndex {
    /// The column's index in `columns`, or an error naming what was asked for.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an index past the end or an unknown name.
    fn index_in(&self, columns: &[ColumnSpec]) -> Result<usize, Error>;
}

impl ColumnIndex for usize {
    fn index_in(&self, columns: &[ColumnSpec]) -> Result<usize, Error> {
        if *self < columns.len() {
            Ok(*self)
        } else {
            Err(Error::InvalidArgument(alloc::format!(
                "column index {self} out of range: the row has {} columns",
                columns.len()
            )))
        }
    }
}

impl ColumnIndex for &str {
    fn index_in(&self, columns: &[ColumnSpec]) -> Result<usize, Error> {
        columns.iter().position(|c| c.name == *self).ok_or_else(|| {
            Error::InvalidArgument(alloc::format!(
                "no column named {self:?} (columns: {})",
                columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}

/// One row of a result: cells read on demand, by index or name, as any Rust type the
/// column's CQL type converts to. Shares the frame's bytes (no copy).
#[derive(Clone)]
pub struct Row {
    columns: Arc<[ColumnSpec]>,
    raw: Bytes,
}

/// Prints the column names, not the cells.
impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Row")
            .field(
                "columns",
                &self
                    .columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Row {
    /// The columns.
    pub fn columns(&self) -> &[ColumnSpec] {
        &self.columns
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    fn cell(&self, index: usize) -> Result<Option<&[u8]>, Error> {
        let mut r = Reader::new(&self.raw);
        for _ in 0..index {
            r.read_bytes().map_err(DeserializeError::from)?;
        }
        Ok(r.read_bytes().map_err(DeserializeError::from)?)
    }

    /// The cell at `column` (an index or a name) as a `T`: `i32`, `&str`, `Option<T>` for
    /// nullable cells, `CqlValue`...
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown column; [`Error::Deserialize`] naming the
    /// column when its type does not convert to `T` (or it is null and `T` is no `Option`).
    pub fn get<'a, T: DeserializeValue<'a>>(
        &'a self,
        column: impl ColumnIndex,
    ) -> Result<T, Error> {
        let index = column.index_in(&self.columns)?;
        let spec = self
            .columns
            .get(index)
            .ok_or_else(|| Error::InvalidArgument(alloc::format!("no column {index}")))?;
        let wrap = |e: DeserializeError| Error::Deserialize(e.in_column(index, &spec.name));
        T::type_check(&spec.typ).map_err(wrap)?;
        let bytes = self.cell(index)?;
        T::deserialize(&spec.typ, bytes).map_err(wrap)
    }

    /// The cell at `column` as a [`CqlValue`] (`None` for null).
    ///
    /// # Errors
    /// As [`get`](Self::get).
    pub fn value(&self, column: impl ColumnIndex) -> Result<Option<CqlValue>, Error> {
        self.get::<Option<CqlValue>>(column)
    }

    /// Every cell as a [`CqlValue`].
    ///
    /// # Errors
    /// [`Error::Deserialize`] for a malformed cell.
    pub fn values(&self) -> Result<Vec<Option<CqlValue>>, Error> {
        self.typed()
    }

    /// The whole row as `R` (a tuple, or a type implementing [`DeserializeRow`]).
    ///
    /// # Errors
    /// [`Error::Deserialize`] when `R` does not fit the columns.
    pub fn typed<'a, R: DeserializeRow<'a>>(&'a self) -> Result<R, Error> {
        let mut it = RowIterator::<R>::new(&self.columns, 1, &self.raw)?;
        match it.next() {
            Some(r) => Ok(r?),
            None => Err(Error::Protocol(String::from("empty row"))),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::message::ResultMetadata;
    use crate::types::ColumnType;
    use alloc::string::ToString;
    use alloc::vec;

    use crate::types::column_type::test_spec as spec;

    fn result() -> QueryResult {
        let cols = vec![spec("id", ColumnType::Int), spec("name", ColumnType::Text)];
        let one = 1i32.to_be_bytes();
        let two = 2i32.to_be_bytes();
        let mut md = ResultMetadata::new(cols.clone(), None);
        md.paging_state = Some(Bytes::from_static(b"next"));
        let rows = Rows::from_cells(
            md,
            [[Some(&one[..]), Some(&b"a"[..])], [Some(&two[..]), None]],
        )
        .unwrap();
        QueryResult::from_rows(NodeAddr::new("h", 9042), rows, Arc::from(cols))
    }

    #[test]
    fn rows_by_index_and_name() {
        let r = result();
        assert_eq!(r.row_count(), 2);
        assert_eq!(
            r.paging_state.as_ref().unwrap().as_bytes(),
            &Bytes::from_static(b"next")
        );
        let rows = r.clone().into_rows();
        assert_eq!(rows[0].get::<i32>(0).unwrap(), 1);
        assert_eq!(rows[0].get::<&str>("name").unwrap(), "a");
        assert_eq!(rows[1].get::<Option<String>>("name").unwrap(), None);
        let e = rows[1].get::<String>("name").unwrap_err();
        assert!(e.to_string().contains("\"name\""), "{e}");
        let e = rows[0].get::<String>("id").unwrap_err();
        assert!(e.to_string().contains("type mismatch"), "{e}");
        assert!(
            rows[0]
                .get::<i32>("nope")
                .unwrap_err()
                .to_string()
                .contains("id, name")
        );
        assert!(rows[0].get::<i32>(5).is_err());
        assert_eq!(rows[1].typed::<(i32, Option<&str>)>().unwrap(), (2, None));
        assert_eq!(rows[0].value(0).unwrap(), Some(CqlValue::Int(1)));
        let typed: Vec<(i32, Option<String>)> =
            r.typed().unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(typed[0], (1, Some("a".into())));
        assert_eq!(r.applied(), None);
        let d = alloc::format!("{:?} {:?}", r, rows[0]);
        assert!(!d.contains("\"a\""), "{d}");
    }

    #[test]
    fn applied_reads_the_lwt_column() {
        let cols = vec![
            spec("[applied]", ColumnType::Boolean),
            spec("v", ColumnType::Int),
        ];
        let seven = 7i32.to_be_bytes();
        let rows = Rows::from_cells(
            ResultMetadata::new(cols.clone(), None),
            [[Some(&[0u8][..]), Some(&seven[..])]],
        )
        .unwrap();
        let r = QueryResult::from_rows(NodeAddr::new("h", 1), rows, Arc::from(cols));
        assert_eq!(r.applied(), Some(false));
        assert_eq!(r.first_row().unwrap().get::<i32>("v").unwrap(), 7);
        assert!(
            QueryResult::empty(NodeAddr::new("h", 1))
                .typed::<(i32,)>()
                .is_err()
        );
    }
}
