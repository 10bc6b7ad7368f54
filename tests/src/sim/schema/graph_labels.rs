//! DSE 6.8 graph labels of tables: a Core graph keyspace's tables declared `WITH VERTEX
//! LABEL` hold vertices, those declared `WITH EDGE LABEL ... FROM v(cols) TO v(cols)` hold
//! edges (`system_schema.vertices` / `edges`, DESCRIBE).

use crate::cql::ast::{EdgeEnd, GraphLabel};
use crate::sim::error::{CqlError, CqlResult};

use super::{Keyspace, Table};

/// A table's graph label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableLabel {
    /// The table holds vertices of this label.
    Vertex(String),
    /// The table holds edges.
    Edge(EdgeLabel),
}

/// An edge table's label and its two vertex tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeLabel {
    /// The edge label.
    pub label: String,
    /// The outgoing vertex side.
    pub from: EdgeSide,
    /// The incoming vertex side.
    pub to: EdgeSide,
}

/// One side of an edge table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeSide {
    /// The vertex table.
    pub table: String,
    /// Its vertex label.
    pub label: String,
    /// The edge table's columns holding the vertex's partition key.
    pub partition_key: Vec<String>,
    /// The edge table's columns holding the vertex's clustering columns.
    pub clustering: Vec<String>,
}

impl TableLabel {
    /// The clause DESCRIBE ends the table's options with (`VERTEX LABEL person`).
    pub fn cql(&self) -> String {
        let quote = crate::cql::ast::quote_ident;
        match self {
            Self::Vertex(label) => format!("VERTEX LABEL {}", quote(label)),
            Self::Edge(e) => {
                let side = |s: &EdgeSide| {
                    let pk = match s.partition_key.as_slice() {
                        [one] => quote(one),
                        many => format!(
                            "({})",
                            many.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    let ck: String = s
                        .clustering
                        .iter()
                        .map(|c| format!(", {}", quote(c)))
                        .collect();
                    format!("{}({pk}{ck})", quote(&s.label))
                };
                format!(
                    "EDGE LABEL {} FROM {} TO {}",
                    quote(&e.label),
                    side(&e.from),
                    side(&e.to)
                )
            }
        }
    }
}

/// The label a CREATE TABLE declares for `table` in `keyspace`, checked: the keyspace is
/// a Core graph, an edge's vertex labels exist and its key columns are the table's.
///
/// # Errors
/// `Invalid` naming what is wrong.
pub fn resolve(keyspace: &Keyspace, table: &Table, label: &GraphLabel) -> CqlResult<TableLabel> {
    if keyspace.graph_engine.as_deref() != Some("Core") {
        return Err(CqlError::invalid(format!(
            "Graph labels can only be declared on tables of a Core graph keyspace; keyspace {} has no graph_engine 'Core'",
            keyspace.name
        )));
    }
    match label {
        GraphLabel::Vertex(name) => Ok(TableLabel::Vertex(
            name.clone().unwrap_or_else(|| table.name.clone()),
        )),
        GraphLabel::Edge { label, from, to } => Ok(TableLabel::Edge(EdgeLabel {
            label: label.clone().unwrap_or_else(|| table.name.clone()),
            from: side(keyspace, table, from)?,
            to: side(keyspace, table, to)?,
        })),
    }
}

fn side(keyspace: &Keyspace, table: &Table, end: &EdgeEnd) -> CqlResult<EdgeSide> {
    let vertex_table = keyspace
        .tables
        .values()
        .find(|t| matches!(&t.options.graph_label, Some(TableLabel::Vertex(l)) if *l == end.label))
        .ok_or_else(|| {
            CqlError::invalid(format!(
                "Vertex label {} does not exist in keyspace {}",
                end.label, keyspace.name
            ))
        })?;
    for c in end.partition_key.iter().chain(&end.clustering) {
        if table.column(c).is_none() {
            return Err(CqlError::invalid(format!(
                "Edge table {} has no column {c} for vertex label {}",
                table.name, end.label
            )));
        }
    }
    Ok(EdgeSide {
        table: vertex_table.name.clone(),
        label: end.label.clone(),
        partition_key: end.partition_key.clone(),
        clustering: end.clustering.clone(),
    })
}
