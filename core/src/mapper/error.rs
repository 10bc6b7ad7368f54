//! What a mapper operation can fail with.

use alloc::boxed::Box;
use alloc::string::String;

use super::model::{Model, SchemaError};
use super::spec::InvalidQuery;
use crate::session::{Error as SessionError, Row};
use crate::types::error::SerializeError;

/// The error of a mapper operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MapperError {
    /// The request failed (connection, timeout, a node's error...).
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The model's declaration is invalid.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The query or write cannot be sent as described (checked before sending).
    #[error(transparent)]
    Invalid(#[from] InvalidQuery),
    /// A value of the model breaks its declaration (a required field is `None`...).
    #[error("model {model}, field `{field}`: {reason}")]
    Validation {
        /// The model.
        model: String,
        /// The Rust field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A value could not be written as its column's type.
    #[error("model {model}, field `{field}`: {source}")]
    Value {
        /// The model.
        model: String,
        /// The Rust field (or filter column).
        field: String,
        /// The serialization error.
        source: SerializeError,
    },
    /// `get` found no row.
    #[error("{model} matching the query does not exist")]
    DoesNotExist {
        /// The model.
        model: String,
    },
    /// `get` found more than one row.
    #[error("more than one {model} matches the query (get expects exactly one)")]
    MultipleObjectsReturned {
        /// The model.
        model: String,
    },
    /// A conditional write (`IF NOT EXISTS`, `IF EXISTS`, `IF ...`) was not applied.
    #[error("the conditional write on {} was not applied", .0.model)]
    NotApplied(Box<NotApplied>),
    /// `sync_table` / `sync_type` found a table or type it cannot change into the model
    /// (the mapper never drops or retypes columns).
    #[error("model {model} is incompatible with the existing schema: {differences}")]
    Incompatible {
        /// The model (or user type).
        model: String,
        /// Every difference, `; `-separated.
        differences: String,
    },
    /// Schema changes were made but the nodes did not agree on the schema in time.
    #[error("the nodes did not reach schema agreement after {what}")]
    SchemaDisagreement {
        /// The change made.
        what: String,
    },
}

/// A conditional write that was not applied, with the row as it is now.
#[derive(Debug)]
pub struct NotApplied {
    /// The model.
    pub model: String,
    /// The server's answer: the `[applied]` column, then the current values of the row
    /// (absent when the row does not exist).
    pub row: Option<Row>,
}

impl NotApplied {
    /// The current row read as the model, when the answer carries every model column.
    pub fn current<M: Model>(&self) -> Option<M> {
        self.row.as_ref().and_then(|r| r.typed::<M>().ok())
    }
}

impl MapperError {
    /// The row a not-applied conditional write found, if that is this error.
    pub fn not_applied(&self) -> Option<&NotApplied> {
        match self {
            Self::NotApplied(n) => Some(n),
            _ => None,
        }
    }
}

/// A copy of a building error (building errors are descriptions, not I/O results).
pub(crate) fn clone_pending(e: &MapperError) -> MapperError {
    match e {
        MapperError::Schema(s) => MapperError::Schema(s.clone()),
        MapperError::Invalid(i) => MapperError::Invalid(i.clone()),
        MapperError::Value {
            model,
            field,
            source,
        } => MapperError::Value {
            model: model.clone(),
            field: field.clone(),
            source: source.clone(),
        },
        other => MapperError::Invalid(InvalidQuery {
            model: String::new(),
            reason: alloc::format!("{other}"),
        }),
    }
}
