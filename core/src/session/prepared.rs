//! [`PreparedStatement`]: a statement the nodes parsed once, executed by id, its bound
//! values checked against the node's bind metadata before anything is sent.

use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;

use bytes::Bytes;

use super::error::Error;
use super::statement::{StatementOptions, option_setters};
use crate::message::{KnownColumns, Prepared, PreparedMetadata, ResultMetadata};
use crate::types::{ColumnSpec, SerializeRow, SerializedValues};

/// What may change when a statement is prepared again or the node reports new result
/// metadata (protocol v5's METADATA_CHANGED). Replaced whole, never changed in place: a
/// request reads it once (one short lock, one reference count).
#[derive(Debug, Clone)]
pub(crate) struct Current {
    /// The statement id.
    pub(crate) id: Bytes,
    /// The v5 result metadata id.
    pub(crate) result_metadata_id: Option<Bytes>,
    /// The result columns, if the statement returns rows.
    pub(crate) result: Option<Arc<ResultColumns>>,
}

/// The columns of the rows a prepared statement returns, with their encoding (to
/// recognise them in a response without decoding them).
#[derive(Debug)]
pub(crate) struct ResultColumns {
    /// The decoded columns.
    pub(crate) columns: Arc<[ColumnSpec]>,
    /// Their column specs as the node writes them.
    pub(crate) known: Option<KnownColumns>,
}

impl ResultColumns {
    /// The columns of `metadata`, if it has any.
    fn of(metadata: &ResultMetadata) -> Option<Arc<Self>> {
        let columns = metadata.columns.as_deref()?;
        Some(Arc::new(Self {
            columns: Arc::from(columns),
            known: KnownColumns::of(metadata),
        }))
    }
}

/// The shared part of a prepared statement (one per query and keyspace in the session's
/// cache).
pub(crate) struct PreparedShared {
    cql: Arc<str>,
    keyspace: Option<String>,
    bind: PreparedMetadata,
    current: spin::Mutex<Arc<Current>>,
}

/// A prepared statement. Cheap to clone: clones share the id and metadata, and each has its
/// own [`StatementOptions`].
#[derive(Clone)]
pub struct PreparedStatement {
    pub(crate) shared: Arc<PreparedShared>,
    pub(crate) options: StatementOptions,
}

impl fmt::Debug for PreparedStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedStatement")
            .field("cql", &self.cql())
            .field("keyspace", &self.shared.keyspace)
            .field("id", &HexId(&self.id()))
            .field("bind_markers", &self.bind_specs().len())
            .field("options", &self.options)
            .finish()
    }
}

struct HexId<'a>(&'a [u8]);

impl fmt::Debug for HexId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl PreparedStatement {
    /// A prepared statement from the node's Prepared result for `cql` prepared in
    /// `keyspace`.
    pub fn from_prepared(cql: &str, keyspace: Option<String>, prepared: Prepared) -> Self {
        let Prepared {
            id,
            result_metadata_id,
            bind_metadata,
            result_metadata,
        } = prepared;
        Self {
            shared: Arc::new(PreparedShared {
                cql: Arc::from(cql),
                keyspace,
                bind: bind_metadata,
                current: spin::Mutex::new(Arc::new(Current {
                    id,
                    result_metadata_id,
                    result: ResultColumns::of(&result_metadata),
                })),
            }),
            options: StatementOptions::default(),
        }
    }

    /// The CQL text.
    pub fn cql(&self) -> &str {
        &self.shared.cql
    }

    /// The keyspace the statement was prepared in (the session's at the time), if any.
    pub fn prepared_keyspace(&self) -> Option<&str> {
        self.shared.keyspace.as_deref()
    }

    /// The statement id.
    pub fn id(&self) -> Bytes {
        self.current().id.clone()
    }

    /// What may change (id, result metadata id, result columns), read at once.
    pub(crate) fn current(&self) -> Arc<Current> {
        Arc::clone(&self.shared.current.lock())
    }

    /// The v5 result metadata id (sent with EXECUTE; updated on METADATA_CHANGED).
    pub fn result_metadata_id(&self) -> Option<Bytes> {
        self.current().result_metadata_id.clone()
    }

    /// The bind markers: one spec per `?` or `:name`, in order.
    pub fn bind_specs(&self) -> &[ColumnSpec] {
        &self.shared.bind.columns
    }

    /// The keyspace of the table the bind markers belong to, as the prepared metadata says
    /// (`None` for a statement without bind markers); routing uses it before the keyspace
    /// the statement was prepared in.
    pub fn metadata_keyspace(&self) -> Option<&str> {
        let bind = &self.shared.bind;
        bind.global_table_spec
            .as_ref()
            .map(|t| t.keyspace.as_str())
            .or_else(|| bind.columns.first().map(|c| c.keyspace.as_str()))
            .filter(|k| !k.is_empty())
    }

    /// Indexes of the bind markers forming the partition key (empty when unknown).
    pub fn pk_indexes(&self) -> &[u16] {
        &self.shared.bind.pk_indexes
    }

    /// The columns of the rows the statement returns (`None` for statements without rows).
    pub fn result_columns(&self) -> Option<Arc<[ColumnSpec]>> {
        self.result().map(|r| Arc::clone(&r.columns))
    }

    /// The result columns with their encoding (one short lock: read once per request).
    pub(crate) fn result(&self) -> Option<Arc<ResultColumns>> {
        self.current().result.clone()
    }

    /// Writes `values` against the bind markers, failing — before anything is sent —
    /// with an error naming the column whose value has the wrong type, or the counts when
    /// there are too many or too few values.
    ///
    /// # Errors
    /// [`Error::Serialize`].
    pub fn bind_values(
        &self,
        values: &(impl SerializeRow + ?Sized),
    ) -> Result<SerializedValues, Error> {
        let mut out = SerializedValues::new();
        values.serialize_row(self.bind_specs(), &mut out)?;
        Ok(out)
    }

    /// Another handle on the same statement without this one's options (cheaper to
    /// make than a clone: a request carries its options separately).
    pub(crate) fn handle(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            options: StatementOptions::default(),
        }
    }

    /// Whether the two handles share one prepared statement.
    pub fn same_statement(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Takes a new Prepared result (the statement was prepared again).
    pub(crate) fn update_from(&self, prepared: &Prepared) {
        let result = ResultColumns::of(&prepared.result_metadata);
        let mut current = self.shared.current.lock();
        let mut c = Current::clone(&current);
        c.id = prepared.id.clone();
        c.result_metadata_id = prepared.result_metadata_id.clone();
        if result.is_some() {
            c.result = result;
        }
        *current = Arc::new(c);
    }

    /// Takes new result metadata (v5 METADATA_CHANGED).
    pub(crate) fn update_result_metadata(&self, id: Bytes, metadata: &ResultMetadata) {
        let result = ResultColumns::of(metadata);
        let mut current = self.shared.current.lock();
        let mut c = Current::clone(&current);
        c.result_metadata_id = Some(id);
        if result.is_some() {
            c.result = result;
        }
        *current = Arc::new(c);
    }
}

option_setters!(PreparedStatement);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::ResultMetadata;
    use crate::types::{ColumnType, SerializeValue};
    use alloc::string::ToString;
    use alloc::{format, vec};

    use crate::types::column_type::test_spec as spec;

    fn prepared() -> PreparedStatement {
        PreparedStatement::from_prepared(
            "INSERT INTO t (id, name) VALUES (?, ?)",
            Some("ks".into()),
            Prepared {
                id: Bytes::from_static(&[0xab, 0xcd]),
                result_metadata_id: Some(Bytes::from_static(&[1])),
                bind_metadata: PreparedMetadata {
                    pk_indexes: vec![0],
                    global_table_spec: None,
                    columns: vec![spec("id", ColumnType::Int), spec("name", ColumnType::Text)],
                },
                result_metadata: ResultMetadata::default(),
            },
        )
    }

    #[test]
    fn values_are_checked_against_the_bind_markers() {
        let p = prepared();
        assert_eq!(p.bind_values(&(1i32, "a")).unwrap().len(), 2);
        let e = p.bind_values(&(1i32, 2i32)).unwrap_err();
        assert!(e.to_string().contains("\"name\""), "{e}");
        let e = p.bind_values(&(1i32,)).unwrap_err();
        assert!(e.to_string().contains("2 columns, 1 values"), "{e}");
        let named: [(&str, &dyn SerializeValue); 2] = [("name", &"x"), ("id", &7i32)];
        assert_eq!(p.bind_values(&named).unwrap().len(), 2);
        let wrong: [(&str, &dyn SerializeValue); 2] = [("nam", &"x"), ("id", &7i32)];
        assert!(
            p.bind_values(&wrong)
                .unwrap_err()
                .to_string()
                .contains("nam")
        );
        assert_eq!(p.pk_indexes(), [0]);
        assert_eq!(p.metadata_keyspace(), Some("ks"));
    }

    #[test]
    fn metadata_updates_are_shared_and_debug_is_safe() {
        let p = prepared().with_idempotent(true);
        let q = p.clone();
        p.update_result_metadata(
            Bytes::from_static(&[9]),
            &ResultMetadata::new(vec![spec("x", ColumnType::Int)], None),
        );
        assert_eq!(q.result_metadata_id().unwrap(), Bytes::from_static(&[9]));
        assert_eq!(q.result_columns().unwrap().len(), 1);
        assert!(p.same_statement(&q));
        let d = format!("{p:?}");
        assert!(d.contains("abcd") && d.contains("INSERT"), "{d}");
    }
}
