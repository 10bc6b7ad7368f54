//! Wire messages ⇄ the node's types: request parameters into [`ExecParams`] and
//! [`BoundValues`], outcomes into RESULT messages.

use bytes::Bytes;
use cql_core::frame::ProtocolVersion;
use cql_core::frame::primitives::RawValue;
use cql_core::message::{Batch, Prepared, QueryParameters, ResultMessage, ResultMetadata, Rows};
use cql_core::types::{ColumnSpec, SerializedValues};

use crate::sim::error::CqlError;
use crate::sim::node::{result_metadata, result_metadata_id};
use crate::sim::outcome::{BoundValue, BoundValues, ExecParams, Outcome, RowsResult};

/// The bound values of a request.
pub fn bound_values(values: &SerializedValues) -> BoundValues {
    let mut out = Vec::with_capacity(values.len());
    let mut names = values.is_named().then(|| Vec::with_capacity(values.len()));
    for (name, value) in values.iter() {
        out.push(match value {
            RawValue::Null => BoundValue::Null,
            RawValue::Unset => BoundValue::Unset,
            RawValue::Bytes(b) => BoundValue::Bytes(Bytes::copy_from_slice(b)),
        });
        if let Some(names) = &mut names {
            names.push(name.unwrap_or_default().to_string());
        }
    }
    BoundValues { values: out, names }
}

/// The execution parameters of a QUERY or EXECUTE.
pub fn exec_params(p: &QueryParameters<'_>) -> ExecParams {
    ExecParams {
        consistency: p.consistency,
        serial_consistency: p.serial_consistency,
        page_size: p.page_size,
        paging_state: p.paging_state.clone(),
        timestamp: p.timestamp,
        keyspace: p.keyspace.as_deref().map(String::from),
        now_in_seconds: p.now_in_seconds,
        skip_metadata: p.skip_metadata,
    }
}

/// The execution parameters of a BATCH.
pub fn batch_params(b: &Batch<'_>) -> ExecParams {
    ExecParams {
        consistency: b.consistency,
        serial_consistency: b.serial_consistency,
        timestamp: b.timestamp,
        keyspace: b.keyspace.as_deref().map(String::from),
        now_in_seconds: b.now_in_seconds,
        ..ExecParams::default()
    }
}

/// How the result metadata of a Rows answer is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataMode {
    /// Full column specs.
    Full,
    /// No column specs (flag No_metadata): the client has them from PREPARE.
    Skip,
    /// v5: full column specs, flag Metadata_changed and the new metadata id.
    Changed,
}

/// Decides the metadata of an EXECUTE's Rows answer as Cassandra does: in v5 the id of the
/// columns being returned is compared with the one the client sent (changed → new id and
/// full metadata; equal → skipped when asked); before v5 metadata is skipped when asked
/// and the columns are still those prepared. Conditional statements (`[applied]` first)
/// always get full metadata without the changed flag.
pub fn execute_metadata_mode(
    version: ProtocolVersion,
    columns: &[ColumnSpec],
    client_id: Option<&[u8]>,
    prepared_id: Option<&[u8; 16]>,
    skip_metadata: bool,
) -> MetadataMode {
    if columns.first().is_some_and(|c| c.name == "[applied]") {
        return MetadataMode::Full;
    }
    let actual = result_metadata_id(columns);
    if version >= ProtocolVersion::V5 {
        if client_id != Some(&actual[..]) {
            MetadataMode::Changed
        } else if skip_metadata {
            MetadataMode::Skip
        } else {
            MetadataMode::Full
        }
    } else if skip_metadata && prepared_id.is_none_or(|id| id == &actual) {
        MetadataMode::Skip
    } else {
        MetadataMode::Full
    }
}

/// The RESULT message for an outcome.
///
/// # Errors
/// `ServerError` when the rows do not match their columns.
pub fn result_message(outcome: &Outcome, mode: MetadataMode) -> Result<ResultMessage, CqlError> {
    Ok(match outcome {
        Outcome::Void => ResultMessage::Void,
        Outcome::Rows(rows) => ResultMessage::Rows(rows_message(rows, mode)?),
        Outcome::SetKeyspace(ks) => ResultMessage::SetKeyspace(ks.clone()),
        Outcome::SchemaChange(change) => ResultMessage::SchemaChange(change.clone()),
    })
}

fn rows_message(rows: &RowsResult, mode: MetadataMode) -> Result<Rows, CqlError> {
    let mut metadata = match mode {
        MetadataMode::Skip => ResultMetadata::without_columns(rows.columns.len()),
        MetadataMode::Full | MetadataMode::Changed => result_metadata(&rows.columns),
    };
    if rows.columns.is_empty() {
        // Zero columns: no specs either way (Cassandra sends flag No_metadata).
        metadata = ResultMetadata::without_columns(0);
    }
    if mode == MetadataMode::Changed {
        metadata.new_metadata_id = Some(Bytes::copy_from_slice(&result_metadata_id(&rows.columns)));
    }
    metadata.paging_state = rows.paging_state.clone();
    Rows::from_cells(
        metadata,
        rows.rows.iter().map(|r| r.iter().map(|c| c.as_deref())),
    )
    .map_err(|e| CqlError::server(format!("cannot encode rows: {e}")))
}

/// A PREPARED result.
pub fn prepared_message(
    id: &[u8],
    result_metadata_id: &[u8; 16],
    bind: cql_core::message::PreparedMetadata,
    result: ResultMetadata,
    version: ProtocolVersion,
) -> ResultMessage {
    ResultMessage::Prepared(Box::new(Prepared {
        id: Bytes::copy_from_slice(id),
        result_metadata_id: (version >= ProtocolVersion::V5)
            .then(|| Bytes::copy_from_slice(result_metadata_id)),
        bind_metadata: bind,
        result_metadata: result,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cql_core::Consistency;
    use cql_core::types::ColumnType;

    fn col(name: &str) -> ColumnSpec {
        ColumnSpec {
            keyspace: "ks".into(),
            table: "t".into(),
            name: name.into(),
            typ: ColumnType::Int,
        }
    }

    #[test]
    fn values_and_params_convert() {
        let mut v = SerializedValues::new();
        v.add_named("a", RawValue::Bytes(&[1])).unwrap();
        v.add_named("b", RawValue::Null).unwrap();
        let b = bound_values(&v);
        assert_eq!(
            b.values,
            vec![
                BoundValue::Bytes(Bytes::from_static(&[1])),
                BoundValue::Null
            ]
        );
        assert_eq!(b.names, Some(vec!["a".to_string(), "b".to_string()]));
        let mut p = QueryParameters::with_consistency(Consistency::Quorum);
        p.page_size = Some(10);
        p.skip_metadata = true;
        let e = exec_params(&p);
        assert_eq!(e.consistency, Consistency::Quorum);
        assert_eq!(e.page_size, Some(10));
        assert!(e.skip_metadata);
    }

    #[test]
    fn metadata_modes() {
        let cols = vec![col("a")];
        let id = result_metadata_id(&cols);
        let v5 = ProtocolVersion::V5;
        let v4 = ProtocolVersion::V4;
        assert_eq!(
            execute_metadata_mode(v5, &cols, Some(&id), None, true),
            MetadataMode::Skip
        );
        assert_eq!(
            execute_metadata_mode(v5, &cols, Some(&id), None, false),
            MetadataMode::Full
        );
        assert_eq!(
            execute_metadata_mode(v5, &cols, Some(b"other"), None, true),
            MetadataMode::Changed
        );
        assert_eq!(
            execute_metadata_mode(v4, &cols, None, Some(&id), true),
            MetadataMode::Skip
        );
        assert_eq!(
            execute_metadata_mode(v4, &cols, None, Some(&[0; 16]), true),
            MetadataMode::Full
        );
        assert_eq!(
            execute_metadata_mode(v5, &[col("[applied]")], None, None, true),
            MetadataMode::Full
        );
    }

    #[test]
    fn rows_results_carry_paging_state_and_new_ids() {
        let rows = RowsResult {
            columns: vec![col("a")],
            rows: vec![vec![Some(Bytes::from_static(&[0, 0, 0, 1]))], vec![None]],
            paging_state: Some(Bytes::from_static(b"p")),
        };
        let ResultMessage::Rows(r) =
            result_message(&Outcome::Rows(rows.clone()), MetadataMode::Changed).unwrap()
        else {
            panic!()
        };
        assert_eq!(r.rows_count, 2);
        assert_eq!(r.metadata.paging_state.as_deref(), Some(&b"p"[..]));
        assert!(r.metadata.new_metadata_id.is_some());
        assert_eq!(r.metadata.global_table_spec.as_ref().unwrap().table, "t");
        let ResultMessage::Rows(r) =
            result_message(&Outcome::Rows(rows), MetadataMode::Skip).unwrap()
        else {
            panic!()
        };
        assert!(r.metadata.columns.is_none());
        assert_eq!(r.metadata.columns_count, 1);
    }
}
