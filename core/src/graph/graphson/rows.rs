//! Graph result rows: each row of a graph query's result has one text column (`gremlin`)
//! holding `{"result": <value>}`, plus `"bulk": n` for traversal results.

use super::decode::{DecodeError, decode_json, member};
use super::{GraphsonVersion, graphson1};
use crate::graph::json::{self};
use crate::graph::value::GraphValue;

/// One decoded result row.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphRow {
    /// The result: for GraphSON 1.0 as `graph_object_row_factory` makes it (vertices and
    /// edges as elements, anything else as it came), for 2.0 and 3.0 as their readers do.
    pub result: GraphValue,
    /// The row's `bulk`: how many equal results it stands for (1 when absent).
    pub bulk: i64,
}

impl GraphRow {
    /// How many results the Python driver's traversal row factories yield for this row: the
    /// result, then `bulk - 1` copies (so at least one).
    pub fn copies(&self) -> u64 {
        u64::try_from(self.bulk).unwrap_or(0).max(1)
    }
}

/// Decodes the `gremlin` text of one result row for the protocol `version` of the query.
pub fn decode_row(version: GraphsonVersion, text: &str) -> Result<GraphRow, DecodeError> {
    let json = json::parse(text)?;
    let members = json
        .as_object()
        .ok_or(DecodeError::Row("a row is not a JSON object"))?;
    let result =
        member(members, "result").ok_or(DecodeError::Row("a row has no `result` member"))?;
    let result = match version {
        GraphsonVersion::V1 => graphson1::object_row(result)?,
        _ => decode_json(version, result)?,
    };
    let bulk = match member(members, "bulk") {
        None => 1,
        Some(bulk) => decode_json(version, bulk)?
            .as_i64()
            .ok_or(DecodeError::Row("`bulk` is not a 64-bit integer"))?,
    };
    Ok(GraphRow { result, bulk })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows() {
        let row = decode_row(
            GraphsonVersion::V2,
            r#"{"result":{"@type":"g:Int32","@value":1},"bulk":{"@type":"g:Int64","@value":3}}"#,
        )
        .unwrap();
        assert_eq!(row.copies(), 3);
        assert_eq!((row.result, row.bulk), (GraphValue::Int32(1), 3));
        let row = decode_row(GraphsonVersion::V1, r#"{"result":"x"}"#).unwrap();
        assert_eq!((row.result.as_str(), row.bulk), (Some("x"), 1));
        assert!(decode_row(GraphsonVersion::V3, r#"{"value":1}"#).is_err());
        assert!(decode_row(GraphsonVersion::V3, "[1]").is_err());
        assert!(decode_row(GraphsonVersion::V3, "{").is_err());
    }
}
