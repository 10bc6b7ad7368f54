//! The golden vectors of `types.json` as rows of a table: which vectors can be written
//! as values (a plan of one row per vector), the schema that holds them, and how to read
//! the JSON value conventions (vectors README) as `CqlValue`s and compare them.
//!
//! Shared by `vector_types.rs` (this driver writes and reads) and `cross_client.rs` (the
//! Python driver writes what this driver reads, and the other way round). The value
//! conversion follows `core/tests/common/cql_json.rs`.
#![allow(dead_code)]

use std::path::PathBuf;

use cql_transport_tcp::frame::primitives::Reader;
use cql_transport_tcp::session::Session;
use cql_transport_tcp::types::{ColumnType, CqlValue};
use serde_json::{Value, json};

/// The keyspace of the vectors' user types (`ks.address`, `ks.person`).
pub const KEYSPACE: &str = "ks";
/// The table holding one row per vector (one column per CQL type).
pub const TABLE: &str = "vals";
/// The table of counter vectors (counters cannot share a table with other columns).
pub const COUNTER_TABLE: &str = "counts";

/// The directory of the golden vectors: `$CQL_VECTORS_DIR`, or `shared/vectors` beside
/// the repository.
pub fn vectors_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CQL_VECTORS_DIR") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors")
}

/// `types.json`, loaded; fails loudly when missing (every vector must be checked).
pub fn load_types() -> Value {
    let path = vectors_dir().join("types.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read golden vectors {}: {e} (set CQL_VECTORS_DIR or put shared/ beside the repo)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Vectors that are not written, with the reason: `decode_only` entries are bytes a
/// driver accepts but never produces from a value (empty values, a non-zero boolean
/// byte, UDTs and tuples missing trailing fields), so there is no value to write.
pub fn skip_reason(vector: &Value) -> Option<&'static str> {
    (vector["direction"] != "both")
        .then_some("decode-only: wire bytes no client writes from a value, so none to insert")
}

/// One vector written as one row.
#[derive(Debug, Clone)]
pub struct PlannedRow {
    /// The vector's id (the row key is a prefix plus this).
    pub vector_id: String,
    /// The table: [`TABLE`] or [`COUNTER_TABLE`].
    pub table: &'static str,
    /// The column holding the value (`n` in the counter table).
    pub column: String,
    /// The CQL type as the vector spells it.
    pub cql_type: String,
    /// The resolved type.
    pub typ: ColumnType,
    /// The value, as the vector's JSON.
    pub json: Value,
    /// The value as this driver's `CqlValue`.
    pub value: CqlValue,
}

/// The rows to write and the vectors skipped, with the columns of [`TABLE`].
#[derive(Debug, Clone)]
pub struct Plan {
    /// One row per vector written.
    pub rows: Vec<PlannedRow>,
    /// `(vector id, reason)` for each vector not written.
    pub skipped: Vec<(String, &'static str)>,
    /// `(column, CQL type)` of [`TABLE`] besides its key.
    pub columns: Vec<(String, String)>,
    /// Every vector in the file.
    pub total: usize,
    /// `CREATE TYPE` statements for the vectors' user types, in dependency order.
    pub create_types: Vec<String>,
}

/// The golden vectors' value conventions as `CqlValue`s, shared with cql-core's own tests.
#[allow(dead_code)]
#[path = "../../../core/tests/common/cql_json.rs"]
mod cql_json;

pub use cql_json::to_cql;

/// Decodes a lowercase hex string of the vectors.
fn unhex(v: &Value) -> Vec<u8> {
    let s = v.as_str().expect("hex string");
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// The `[option]` of a UDT of `udts[]`, built from its fields' options.
fn udt_option(udt: &Value) -> Vec<u8> {
    let mut out = vec![0x00, 0x30];
    for s in [&udt["keyspace"], &udt["name"]] {
        let s = s.as_str().unwrap();
        out.extend_from_slice(&(s.len() as u16).to_be_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    let fields = udt["fields"].as_array().unwrap();
    out.extend_from_slice(&(fields.len() as u16).to_be_bytes());
    for f in fields {
        let name = f["name"].as_str().unwrap();
        out.extend_from_slice(&(name.len() as u16).to_be_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend(unhex(&f["type_option"]));
    }
    out
}

/// The CQL type `cql_type`, with the file's user types resolved.
pub fn parse_type(file: &Value, cql_type: &str) -> ColumnType {
    let lookup = |ks: Option<&str>, name: &str| {
        let udt = file["udts"]
            .as_array()?
            .iter()
            .find(|u| u["name"] == name && ks.is_none_or(|k| u["keyspace"] == k))?;
        let opt = udt_option(udt);
        ColumnType::read(&mut Reader::new(&opt)).ok()
    };
    ColumnType::parse_cql_with(cql_type, lookup)
        .unwrap_or_else(|e| panic!("vector type {cql_type}: {e}"))
}

/// The plan for `types.json`: every `both` vector becomes a row; counters go to the
/// counter table.
pub fn plan(file: &Value) -> Plan {
    let vectors = file["vectors"].as_array().expect("vectors[]");
    let mut plan = Plan {
        rows: Vec::new(),
        skipped: Vec::new(),
        columns: Vec::new(),
        total: vectors.len(),
        create_types: file["udts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                let fields: Vec<String> = u["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| {
                        format!(
                            "{} {}",
                            f["name"].as_str().unwrap(),
                            f["cql_type"].as_str().unwrap()
                        )
                    })
                    .collect();
                format!(
                    "CREATE TYPE IF NOT EXISTS {KEYSPACE}.{} ({})",
                    u["name"].as_str().unwrap(),
                    fields.join(", ")
                )
            })
            .collect(),
    };
    for v in vectors {
        let id = v["id"].as_str().unwrap().to_string();
        if let Some(reason) = skip_reason(v) {
            plan.skipped.push((id, reason));
            continue;
        }
        let cql_type = v["cql_type"].as_str().unwrap().to_string();
        let typ = parse_type(file, &cql_type);
        let value = to_cql(&typ, &v["value"]).expect("a `both` vector has a non-null value");
        let (table, column) = if typ == ColumnType::Counter {
            (COUNTER_TABLE, "n".to_string())
        } else {
            let column = match plan.columns.iter().position(|(_, t)| *t == cql_type) {
                Some(i) => format!("c{i}"),
                None => {
                    let c = format!("c{}", plan.columns.len());
                    plan.columns.push((c.clone(), cql_type.clone()));
                    c
                }
            };
            (TABLE, column)
        };
        plan.rows.push(PlannedRow {
            vector_id: id,
            table,
            column,
            cql_type,
            typ,
            json: v["value"].clone(),
            value,
        });
    }
    plan
}

impl Plan {
    /// The DDL: keyspace, user types, the two tables.
    pub fn ddl(&self) -> Vec<String> {
        let mut out = vec![format!(
            "CREATE KEYSPACE IF NOT EXISTS {KEYSPACE} WITH replication = \
             {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
        )];
        out.extend(self.create_types.iter().cloned());
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|(c, t)| format!("{c} {t}"))
            .collect();
        out.push(format!(
            "CREATE TABLE IF NOT EXISTS {KEYSPACE}.{TABLE} (id text PRIMARY KEY, {})",
            columns.join(", ")
        ));
        out.push(format!(
            "CREATE TABLE IF NOT EXISTS {KEYSPACE}.{COUNTER_TABLE} (id text PRIMARY KEY, n counter)"
        ));
        out
    }

    /// Runs the DDL through `session`.
    pub async fn create_schema(&self, session: &Session) {
        for ddl in self.ddl() {
            session
                .execute(&ddl, ())
                .await
                .unwrap_or_else(|e| panic!("{ddl}: {e}"));
        }
    }

    /// The plan as JSON for the Python helper: keyspace, tables and rows keyed by
    /// `prefix` + vector id.
    pub fn to_json(&self, prefix: &str) -> Value {
        json!({
            "keyspace": KEYSPACE,
            "rows": self.rows.iter().map(|r| json!({
                "id": format!("{prefix}{}", r.vector_id),
                "table": r.table,
                "column": r.column,
                "cql_type": r.cql_type,
                "value": r.json,
            })).collect::<Vec<_>>(),
        })
    }
}

/// The statement writing `row` (bind markers: value, then id for counters; id, then
/// value otherwise).
pub fn write_cql(row: &PlannedRow) -> String {
    if row.table == COUNTER_TABLE {
        format!("UPDATE {KEYSPACE}.{COUNTER_TABLE} SET n = n + ? WHERE id = ?")
    } else {
        format!(
            "INSERT INTO {KEYSPACE}.{TABLE} (id, {}) VALUES (?, ?)",
            row.column
        )
    }
}

/// The statement reading `row`'s value back by id.
pub fn read_cql(row: &PlannedRow) -> String {
    format!(
        "SELECT {} FROM {KEYSPACE}.{} WHERE id = ?",
        row.column, row.table
    )
}

impl PlannedRow {
    /// What a node returns for the value: an empty collection in a non-frozen column is
    /// stored as no cells at all, so Cassandra (and cql-sim) read it back as null.
    pub fn expected_read(&self) -> Option<CqlValue> {
        match &self.value {
            CqlValue::List(v) | CqlValue::Set(v) if v.is_empty() => None,
            CqlValue::Map(m) if m.is_empty() => None,
            v => Some(v.clone()),
        }
    }

    /// Whether the value is stored as null (see [`expected_read`](Self::expected_read)).
    pub fn reads_as_null(&self) -> bool {
        self.expected_read().is_none()
    }
}

/// Reading `got` for `row` is what the node should return.
pub fn read_matches(row: &PlannedRow, got: Option<&CqlValue>) -> bool {
    match (row.expected_read(), got) {
        (None, None) => true,
        (Some(e), Some(g)) => same(&e, g),
        _ => false,
    }
}

/// Writes every row of the plan with this driver: prepared statements, the value bound
/// as a `CqlValue` checked against the prepared metadata.
pub async fn write_all(session: &Session, plan: &Plan, prefix: &str) {
    for row in &plan.rows {
        let cql = write_cql(row);
        let prepared = session.prepare(&cql).await.unwrap();
        let id = CqlValue::Text(format!("{prefix}{}", row.vector_id));
        let values = if row.table == COUNTER_TABLE {
            vec![row.value.clone(), id]
        } else {
            vec![id, row.value.clone()]
        };
        session
            .execute(&prepared, values)
            .await
            .unwrap_or_else(|e| panic!("writing {} ({}): {e}", row.vector_id, row.cql_type));
    }
}

/// Reads `row` back with this driver (`None` when the row or the cell is missing).
pub async fn read_one(session: &Session, row: &PlannedRow, prefix: &str) -> Option<CqlValue> {
    let prepared = session.prepare(&read_cql(row)).await.unwrap();
    let id = CqlValue::Text(format!("{prefix}{}", row.vector_id));
    let result = session
        .execute(&prepared, vec![id])
        .await
        .unwrap_or_else(|e| panic!("reading {}: {e}", row.vector_id));
    result.first_row()?.value(0).unwrap()
}

/// Equality with floats compared by bit pattern (NaN, -0.0), and sets and maps compared
/// without regard to order (see `cql_json::same_unordered`).
pub use cql_json::same_unordered as same;
