//! Schema change descriptions, shared by RESULT (kind Schema_change) and EVENT
//! (SCHEMA_CHANGE).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{Reader, write_string, write_string_list};

/// What happened to the schema element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemaChangeType {
    /// The element was created.
    Created,
    /// The element was altered.
    Updated,
    /// The element was dropped.
    Dropped,
}

impl SchemaChangeType {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Created => "CREATED",
            Self::Updated => "UPDATED",
            Self::Dropped => "DROPPED",
        }
    }

    /// The change type for a wire name.
    ///
    /// # Errors
    /// [`DecodeError::Malformed`] for an unknown name.
    pub fn from_name(name: &str) -> Result<Self, DecodeError> {
        match name {
            "CREATED" => Ok(Self::Created),
            "UPDATED" => Ok(Self::Updated),
            "DROPPED" => Ok(Self::Dropped),
            _ => Err(DecodeError::Malformed("unknown schema change type")),
        }
    }
}

/// The schema element that changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemaChangeTarget {
    /// A keyspace.
    Keyspace {
        /// Its name.
        keyspace: String,
    },
    /// A table (or view).
    Table {
        /// Its keyspace.
        keyspace: String,
        /// Its name.
        name: String,
    },
    /// A user-defined type.
    Type {
        /// Its keyspace.
        keyspace: String,
        /// Its name.
        name: String,
    },
    /// A user-defined function.
    Function {
        /// Its keyspace.
        keyspace: String,
        /// Its name.
        name: String,
        /// The CQL types of its arguments (functions may be overloaded).
        arg_types: Vec<String>,
    },
    /// A user-defined aggregate.
    Aggregate {
        /// Its keyspace.
        keyspace: String,
        /// Its name.
        name: String,
        /// The CQL types of its arguments.
        arg_types: Vec<String>,
    },
}

impl SchemaChangeTarget {
    /// The wire name of the target kind (`KEYSPACE`, `TABLE`, ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Keyspace { .. } => "KEYSPACE",
            Self::Table { .. } => "TABLE",
            Self::Type { .. } => "TYPE",
            Self::Function { .. } => "FUNCTION",
            Self::Aggregate { .. } => "AGGREGATE",
        }
    }

    /// The keyspace the element lives in (or is).
    pub fn keyspace(&self) -> &str {
        match self {
            Self::Keyspace { keyspace }
            | Self::Table { keyspace, .. }
            | Self::Type { keyspace, .. }
            | Self::Function { keyspace, .. }
            | Self::Aggregate { keyspace, .. } => keyspace,
        }
    }
}

/// A schema change: what happened to which element.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchemaChange {
    /// Created, updated or dropped.
    pub change_type: SchemaChangeType,
    /// The element.
    pub target: SchemaChangeTarget,
}

impl SchemaChange {
    /// Appends `<change_type><target><options>`.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] for oversized names.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_string(out, self.change_type.name())?;
        write_string(out, self.target.kind_name())?;
        match &self.target {
            SchemaChangeTarget::Keyspace { keyspace } => write_string(out, keyspace),
            SchemaChangeTarget::Table { keyspace, name }
            | SchemaChangeTarget::Type { keyspace, name } => {
                write_string(out, keyspace)?;
                write_string(out, name)
            }
            SchemaChangeTarget::Function {
                keyspace,
                name,
                arg_types,
            }
            | SchemaChangeTarget::Aggregate {
                keyspace,
                name,
                arg_types,
            } => {
                write_string(out, keyspace)?;
                write_string(out, name)?;
                write_string_list(out, arg_types)
            }
        }
    }

    /// Reads `<change_type><target><options>`.
    ///
    /// # Errors
    /// [`DecodeError`] for truncated input or unknown change types and targets.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let change_type = SchemaChangeType::from_name(r.read_string()?)?;
        let target = r.read_string()?;
        let keyspace = r.read_string()?.to_string();
        let target = match target {
            "KEYSPACE" => SchemaChangeTarget::Keyspace { keyspace },
            "TABLE" => SchemaChangeTarget::Table {
                keyspace,
                name: r.read_string()?.to_string(),
            },
            "TYPE" => SchemaChangeTarget::Type {
                keyspace,
                name: r.read_string()?.to_string(),
            },
            "FUNCTION" | "AGGREGATE" => {
                let name = r.read_string()?.to_string();
                let arg_types = r
                    .read_string_list()?
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                if target == "FUNCTION" {
                    SchemaChangeTarget::Function {
                        keyspace,
                        name,
                        arg_types,
                    }
                } else {
                    SchemaChangeTarget::Aggregate {
                        keyspace,
                        name,
                        arg_types,
                    }
                }
            }
            _ => return Err(DecodeError::Malformed("unknown schema change target")),
        };
        Ok(Self {
            change_type,
            target,
        })
    }
}
