//! DSE Insights: drivers connected to a DSE 6.8 node report their startup and status
//! data with `CALL InsightsRpc.reportInsight(json)`. A DSE-mode node answers VOID and
//! keeps each JSON argument, in the order received, in its own [`Insights`] list.
//!
//! The argument arrives either as a bind marker with one text value (the Java driver) or
//! as a CQL string literal (the Python driver binds parameters client-side). The text is
//! kept as sent, whether or not it parses as JSON.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::sim::error::{CqlError, CqlResult};
use crate::sim::outcome::{BoundValue, BoundValues};

/// The RPC object and method drivers call.
const REPORT_INSIGHT: &str = "insightsrpc.reportinsight";

/// Recorded Insights reports of one node (cheap to clone; clones share the list).
#[derive(Debug, Clone, Default)]
pub struct Insights {
    reports: Arc<Mutex<Vec<String>>>,
}

impl Insights {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// The JSON arguments received so far, oldest first.
    pub fn reports(&self) -> Vec<String> {
        self.lock().clone()
    }

    /// The JSON arguments received so far, parsed (a report that is not JSON is a
    /// `String` value holding its text).
    pub fn reports_json(&self) -> Vec<serde_json::Value> {
        self.lock()
            .iter()
            .map(|r| {
                serde_json::from_str(r).unwrap_or_else(|_| serde_json::Value::String(r.clone()))
            })
            .collect()
    }

    /// Takes every report received so far, leaving the list empty.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.lock())
    }

    /// How many reports were received.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether none was received.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Appends a report.
    pub fn record(&self, json: String) {
        self.lock().push(json);
    }

    fn lock(&self) -> MutexGuard<'_, Vec<String>> {
        self.reports.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether `query` is a `CALL` statement (DSE's RPC calls), leading whitespace and case
/// ignored.
pub fn is_call(query: &str) -> bool {
    let q = query.trim_start();
    q.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("call"))
        && q.get(4..5).is_some_and(|c| c.trim().is_empty() || c == "(")
}

/// The JSON argument of `CALL InsightsRpc.reportInsight(arg)`: a `?` bound to one text
/// value, or a string literal.
///
/// # Errors
/// `SyntaxError` for a malformed call; `Invalid` for an unknown RPC method or a missing
/// bound value.
pub fn report_argument(query: &str, values: &BoundValues) -> CqlResult<String> {
    let rest = query.trim().trim_end_matches(';').trim_end();
    let rest = rest
        .get(4..)
        .ok_or_else(|| CqlError::syntax("line 1:0 no viable alternative at input 'CALL'"))?
        .trim_start();
    let open = rest.find('(').ok_or_else(|| {
        CqlError::syntax(format!("line 1:5 mismatched input '{rest}' expecting '('"))
    })?;
    let target = rest.get(..open).unwrap_or_default().trim();
    if !target.eq_ignore_ascii_case(REPORT_INSIGHT) {
        return Err(CqlError::invalid(format!(
            "Unknown RPC method {target} (cql-sim knows InsightsRpc.reportInsight)"
        )));
    }
    let argument = rest
        .get(open + 1..)
        .and_then(|a| a.strip_suffix(')'))
        .ok_or_else(|| CqlError::syntax("line 1:5 missing ')' at '<EOF>'"))?
        .trim();
    if argument == "?" {
        return match values.values.first() {
            Some(BoundValue::Bytes(b)) => Ok(String::from_utf8_lossy(b).into_owned()),
            _ => Err(CqlError::invalid(
                "Invalid null or unset value for InsightsRpc.reportInsight",
            )),
        };
    }
    string_literal(argument).ok_or_else(|| {
        CqlError::syntax(format!(
            "line 1:0 InsightsRpc.reportInsight takes one string literal or '?', got {argument}"
        ))
    })
}

/// The text of a CQL string literal (`'...'` with `''` for a quote, or `$$...$$`).
fn string_literal(s: &str) -> Option<String> {
    if let Some(inner) = s.strip_prefix("$$").and_then(|s| s.strip_suffix("$$")) {
        return Some(inner.to_string());
    }
    let inner = s.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // Inside the literal a quote only appears doubled.
            if chars.next() != Some('\'') {
                return None;
            }
        }
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn literal_and_bound_arguments() {
        let none = BoundValues::default();
        let q = "CALL InsightsRpc.reportInsight('{\"a\": \"it''s\"}')";
        assert!(is_call(q));
        assert_eq!(report_argument(q, &none).unwrap(), "{\"a\": \"it's\"}");
        let bound = BoundValues {
            values: vec![BoundValue::Bytes(Bytes::from_static(b"{}"))],
            names: None,
        };
        let q = "call insightsrpc.reportInsight(?);";
        assert_eq!(report_argument(q, &bound).unwrap(), "{}");
        assert_eq!(
            report_argument(q, &none).unwrap_err().error,
            cql_core::message::DbError::Invalid
        );
        let e = report_argument("CALL Other.method('x')", &none).unwrap_err();
        assert!(e.message.contains("Other.method"), "{}", e.message);
        assert!(report_argument("CALL InsightsRpc.reportInsight('x)", &none).is_err());
        assert!(!is_call("CALLER"));
        assert!(!is_call("SELECT 1"));
    }

    #[test]
    fn the_list_is_shared_by_clones() {
        let a = Insights::new();
        let b = a.clone();
        a.record("{\"x\":1}".into());
        a.record("not json".into());
        assert_eq!(b.len(), 2);
        assert_eq!(b.reports_json()[0]["x"], 1);
        assert_eq!(b.reports_json()[1], "not json");
        assert_eq!(b.take().len(), 2);
        assert!(a.is_empty());
    }
}
