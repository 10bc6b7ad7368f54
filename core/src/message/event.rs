//! EVENT responses: topology, status and schema changes pushed on stream -1.

use alloc::vec::Vec;
use core::net::SocketAddr;

use super::register::EventType;
use super::schema_change::SchemaChange;
use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{Reader, write_inet, write_string};

/// A change in the ring's membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TopologyChangeType {
    /// A node joined the cluster.
    NewNode,
    /// A node left the cluster.
    RemovedNode,
    /// A node moved its tokens.
    MovedNode,
}

impl TopologyChangeType {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Self::NewNode => "NEW_NODE",
            Self::RemovedNode => "REMOVED_NODE",
            Self::MovedNode => "MOVED_NODE",
        }
    }

    fn from_name(name: &str) -> Result<Self, DecodeError> {
        match name {
            "NEW_NODE" => Ok(Self::NewNode),
            "REMOVED_NODE" => Ok(Self::RemovedNode),
            "MOVED_NODE" => Ok(Self::MovedNode),
            _ => Err(DecodeError::Malformed("unknown topology change type")),
        }
    }
}

/// A node's reachability as seen by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusChangeType {
    /// The node came up.
    Up,
    /// The node went down.
    Down,
}

impl StatusChangeType {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Up => "UP",
            Self::Down => "DOWN",
        }
    }

    fn from_name(name: &str) -> Result<Self, DecodeError> {
        match name {
            "UP" => Ok(Self::Up),
            "DOWN" => Ok(Self::Down),
            _ => Err(DecodeError::Malformed("unknown status change type")),
        }
    }
}

/// An EVENT response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Event {
    /// TOPOLOGY_CHANGE.
    TopologyChange {
        /// What changed.
        change: TopologyChangeType,
        /// The node's native-protocol address.
        address: SocketAddr,
    },
    /// STATUS_CHANGE.
    StatusChange {
        /// Up or down.
        change: StatusChangeType,
        /// The node's native-protocol address.
        address: SocketAddr,
    },
    /// SCHEMA_CHANGE.
    SchemaChange(SchemaChange),
}

impl Event {
    /// The event's type, as registered for with REGISTER.
    pub fn event_type(&self) -> EventType {
        match self {
            Self::TopologyChange { .. } => EventType::TopologyChange,
            Self::StatusChange { .. } => EventType::StatusChange,
            Self::SchemaChange(_) => EventType::SchemaChange,
        }
    }

    /// Appends the EVENT body.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] for oversized schema names.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_string(out, self.event_type().name())?;
        match self {
            Self::TopologyChange { change, address } => {
                write_string(out, change.name())?;
                write_inet(out, address);
            }
            Self::StatusChange { change, address } => {
                write_string(out, change.name())?;
                write_inet(out, address);
            }
            Self::SchemaChange(change) => change.encode(out)?,
        }
        Ok(())
    }

    /// Reads an EVENT body.
    ///
    /// # Errors
    /// [`DecodeError`] for truncated input or unknown event or change names.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match EventType::from_name(r.read_string()?)? {
            EventType::TopologyChange => Self::TopologyChange {
                change: TopologyChangeType::from_name(r.read_string()?)?,
                address: r.read_inet()?,
            },
            EventType::StatusChange => Self::StatusChange {
                change: StatusChangeType::from_name(r.read_string()?)?,
                address: r.read_inet()?,
            },
            EventType::SchemaChange => Self::SchemaChange(SchemaChange::decode(r)?),
        })
    }
}
