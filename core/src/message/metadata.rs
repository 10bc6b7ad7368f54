//! Column metadata of RESULT messages: the `<metadata>` of Rows results and of the two
//! metadata sections of Prepared results.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use bytes::Bytes;

use crate::frame::ProtocolVersion;
use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{
    Reader, int_len, write_bytes, write_i32, write_short_bytes, write_string, write_u16,
};
use crate::types::{ColumnSpec, ColumnType};

/// Metadata flag: one table spec for all columns.
const GLOBAL_TABLES_SPEC: i32 = 0x0001;
/// Rows flag: more pages follow; a paging state is present.
const HAS_MORE_PAGES: i32 = 0x0002;
/// Rows flag: no column specs (the client has them from PREPARE).
const NO_METADATA: i32 = 0x0004;
/// Rows flag (v5): the result metadata changed; a new id is present.
const METADATA_CHANGED: i32 = 0x0008;

/// A keyspace and table name pair (`<global_table_spec>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TableSpec {
    /// Keyspace name.
    pub keyspace: String,
    /// Table name.
    pub table: String,
}

/// The `<metadata>` of a Rows result (also a Prepared result's `<result_metadata>`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResultMetadata {
    /// Number of columns in each row. When [`columns`](Self::columns) is present its
    /// length is what gets written; this field matters only without column specs.
    pub columns_count: usize,
    /// Present when more pages follow (flag Has_more_pages): pass it back to fetch the
    /// next page.
    pub paging_state: Option<Bytes>,
    /// Protocol v5 (flag Metadata_changed): the new result metadata id, to use in later
    /// EXECUTE requests.
    pub new_metadata_id: Option<Bytes>,
    /// When set (flag Global_tables_spec), written once instead of per column; every
    /// column then belongs to this table.
    pub global_table_spec: Option<TableSpec>,
    /// Column specs, or `None` when the server sent none (flag No_metadata).
    pub columns: Option<Vec<ColumnSpec>>,
}

impl ResultMetadata {
    /// Metadata describing `columns`, all of one table when `global` names it.
    pub fn new(columns: Vec<ColumnSpec>, global: Option<TableSpec>) -> Self {
        Self {
            columns_count: columns.len(),
            paging_state: None,
            new_metadata_id: None,
            global_table_spec: global,
            columns: Some(columns),
        }
    }

    /// Metadata without column specs (flag No_metadata), for `columns_count` columns.
    pub fn without_columns(columns_count: usize) -> Self {
        Self {
            columns_count,
            ..Self::default()
        }
    }

    /// The number of columns of each row.
    pub fn column_count(&self) -> usize {
        self.columns.as_ref().map_or(self.columns_count, Vec::len)
    }

    /// Appends the metadata.
    ///
    /// # Errors
    /// [`EncodeError::Unsupported`] for a new metadata id before v5; length errors.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut flags = 0;
        if self.columns.is_none() {
            flags |= NO_METADATA;
        } else if self.global_table_spec.is_some() {
            flags |= GLOBAL_TABLES_SPEC;
        }
        if self.paging_state.is_some() {
            flags |= HAS_MORE_PAGES;
        }
        if self.new_metadata_id.is_some() {
            if version < ProtocolVersion::V5 {
                return Err(EncodeError::Unsupported("a new result metadata id"));
            }
            flags |= METADATA_CHANGED;
        }
        write_i32(out, flags);
        write_i32(out, int_len("columns count", self.column_count())?);
        if let Some(state) = &self.paging_state {
            write_bytes(out, Some(state))?;
        }
        if let Some(id) = &self.new_metadata_id {
            write_short_bytes(out, id)?;
        }
        if let Some(columns) = &self.columns {
            write_column_specs(out, self.global_table_spec.as_ref(), columns)?;
        }
        Ok(())
    }

    /// Reads the metadata. Flags this crate does not know are ignored.
    ///
    /// # Errors
    /// [`DecodeError`] for truncated input, negative counts or unknown types.
    pub fn decode(version: ProtocolVersion, r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Self::decode_with(version, r, None)
    }

    /// Reads the metadata like [`decode`](Self::decode), except that column specs
    /// byte-equal to `known` are skipped instead of decoded: `columns` is then `None`, as
    /// if the node had sent none (flag No_metadata), and the caller uses the columns
    /// `known` was made from. Saves a string allocation per name on every response to a
    /// prepared statement that cannot skip metadata (protocol v4).
    ///
    /// # Errors
    /// As [`decode`](Self::decode).
    pub fn decode_with(
        version: ProtocolVersion,
        r: &mut Reader<'_>,
        known: Option<&KnownColumns>,
    ) -> Result<Self, DecodeError> {
        let flags = r.read_i32()?;
        let columns_count = read_count(r, "columns count")?;
        let paging_state = if flags & HAS_MORE_PAGES != 0 {
            r.read_bytes()?.map(Bytes::copy_from_slice)
        } else {
            None
        };
        let new_metadata_id = if version >= ProtocolVersion::V5 && flags & METADATA_CHANGED != 0 {
            Some(Bytes::copy_from_slice(r.read_short_bytes()?))
        } else {
            None
        };
        let global = flags & GLOBAL_TABLES_SPEC != 0;
        let (global_table_spec, columns) = if flags & NO_METADATA != 0 {
            (None, None)
        } else if let Some(k) = known.filter(|k| k.matches(global, columns_count, r.rest())) {
            r.take(k.specs.len())?;
            (None, None)
        } else {
            let (global, columns) =
                read_column_specs(r, flags & GLOBAL_TABLES_SPEC != 0, columns_count)?;
            (global, Some(columns))
        };
        Ok(Self {
            columns_count,
            paging_state,
            new_metadata_id,
            global_table_spec,
            columns,
        })
    }
}

/// The column specs of a result's metadata as the node writes them (from the statement's
/// Prepared result), so later Rows results carrying the same specs can be recognised by
/// comparing bytes instead of decoding them (see [`ResultMetadata::decode_with`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownColumns {
    global: bool,
    count: usize,
    specs: Bytes,
}

impl KnownColumns {
    /// The encoded column specs of `metadata`; `None` when it has none (or they cannot be
    /// encoded).
    pub fn of(metadata: &ResultMetadata) -> Option<Self> {
        let columns = metadata.columns.as_ref()?;
        let mut out = Vec::new();
        write_column_specs(&mut out, metadata.global_table_spec.as_ref(), columns).ok()?;
        Some(Self {
            global: metadata.global_table_spec.is_some(),
            count: columns.len(),
            specs: Bytes::from(out),
        })
    }

    /// Whether specs starting `rest`, announced with these flag and count, are these.
    fn matches(&self, global: bool, count: usize, rest: &[u8]) -> bool {
        self.global == global && self.count == count && rest.starts_with(&self.specs)
    }
}

/// The `<metadata>` of a Prepared result: the bind markers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreparedMetadata {
    /// Indexes of the bind markers that form the partition key, in key order (v4+;
    /// empty when unknown, e.g. not every key column is bound).
    pub pk_indexes: Vec<u16>,
    /// When set, written once instead of per column (flag Global_tables_spec).
    pub global_table_spec: Option<TableSpec>,
    /// One spec per bind marker.
    pub columns: Vec<ColumnSpec>,
}

impl PreparedMetadata {
    /// Appends the metadata.
    ///
    /// # Errors
    /// Length errors.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let flags = if self.global_table_spec.is_some() {
            GLOBAL_TABLES_SPEC
        } else {
            0
        };
        write_i32(out, flags);
        write_i32(out, int_len("columns count", self.columns.len())?);
        if version >= ProtocolVersion::V4 {
            write_i32(out, int_len("pk count", self.pk_indexes.len())?);
            for i in &self.pk_indexes {
                write_u16(out, *i);
            }
        }
        write_column_specs(out, self.global_table_spec.as_ref(), &self.columns)
    }

    /// Reads the metadata.
    ///
    /// # Errors
    /// [`DecodeError`] for truncated input, negative counts or unknown types.
    pub fn decode(version: ProtocolVersion, r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let flags = r.read_i32()?;
        let columns_count = read_count(r, "columns count")?;
        let pk_indexes = if version >= ProtocolVersion::V4 {
            let n = read_count(r, "pk count")?;
            r.check_count(n, 2, "pk indexes")?;
            let mut pk = Vec::with_capacity(n);
            for _ in 0..n {
                pk.push(r.read_u16()?);
            }
            pk
        } else {
            Vec::new()
        };
        let (global_table_spec, columns) =
            read_column_specs(r, flags & GLOBAL_TABLES_SPEC != 0, columns_count)?;
        Ok(Self {
            pk_indexes,
            global_table_spec,
            columns,
        })
    }
}

fn read_count(r: &mut Reader<'_>, what: &'static str) -> Result<usize, DecodeError> {
    let n = r.read_i32()?;
    usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
        what,
        length: i64::from(n),
    })
}

fn write_column_specs(
    out: &mut Vec<u8>,
    global: Option<&TableSpec>,
    columns: &[ColumnSpec],
) -> Result<(), EncodeError> {
    if let Some(spec) = global {
        write_string(out, &spec.keyspace)?;
        write_string(out, &spec.table)?;
    }
    for c in columns {
        if global.is_none() {
            write_string(out, &c.keyspace)?;
            write_string(out, &c.table)?;
        }
        write_string(out, &c.name)?;
        c.typ.write(out)?;
    }
    Ok(())
}

fn read_column_specs(
    r: &mut Reader<'_>,
    global: bool,
    count: usize,
) -> Result<(Option<TableSpec>, Vec<ColumnSpec>), DecodeError> {
    let global = if global {
        Some(TableSpec {
            keyspace: r.read_string()?.to_string(),
            table: r.read_string()?.to_string(),
        })
    } else {
        None
    };
    // Smallest spec: an empty [string] name and a 2-byte type id.
    r.check_count(count, 4, "column specs")?;
    let mut columns = Vec::with_capacity(count);
    for _ in 0..count {
        let (keyspace, table) = match &global {
            Some(spec) => (spec.keyspace.clone(), spec.table.clone()),
            None => (r.read_string()?.to_string(), r.read_string()?.to_string()),
        };
        let name = r.read_string()?.to_string();
        let typ = ColumnType::read(r)?;
        columns.push(ColumnSpec {
            keyspace,
            table,
            name,
            typ,
        });
    }
    Ok((global, columns))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::types::column_type::test_spec as spec;

    fn metadata(global: bool, names: &[&str]) -> ResultMetadata {
        let columns = names.iter().map(|n| spec(n, ColumnType::Int)).collect();
        let table = global.then(|| TableSpec {
            keyspace: "ks".into(),
            table: "t".into(),
        });
        ResultMetadata::new(columns, table)
    }

    #[test]
    fn known_column_specs_are_skipped_and_others_decoded() {
        for version in [ProtocolVersion::V4, ProtocolVersion::V5] {
            for global in [false, true] {
                let prepared = metadata(global, &["a", "b"]);
                let known = KnownColumns::of(&prepared).unwrap();
                let mut sent = prepared.clone();
                sent.paging_state = Some(Bytes::from_static(b"page"));
                let mut out = Vec::new();
                sent.encode(version, &mut out).unwrap();
                out.extend_from_slice(b"rest");
                let r = &mut Reader::new(&out);
                let m = ResultMetadata::decode_with(version, r, Some(&known)).unwrap();
                assert_eq!(m.columns, None);
                assert_eq!(m.column_count(), 2);
                assert_eq!(m.paging_state, sent.paging_state);
                assert_eq!(r.rest(), b"rest");
                // Other columns (a name, the count or the global flag differ) are decoded.
                for other in [
                    metadata(global, &["a", "c"]),
                    metadata(global, &["a"]),
                    metadata(!global, &["a", "b"]),
                ] {
                    let mut out = Vec::new();
                    other.encode(version, &mut out).unwrap();
                    let r = &mut Reader::new(&out);
                    let m = ResultMetadata::decode_with(version, r, Some(&known)).unwrap();
                    assert_eq!(m, other);
                    assert!(r.is_empty());
                }
            }
        }
        assert_eq!(KnownColumns::of(&ResultMetadata::without_columns(1)), None);
    }
}
