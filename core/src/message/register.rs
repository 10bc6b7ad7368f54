//! REGISTER requests and the event kinds a connection can subscribe to.

use alloc::vec::Vec;

use crate::frame::error::{DecodeError, EncodeError};
use crate::frame::primitives::{Reader, write_string_list};

/// A kind of server-pushed event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventType {
    /// Nodes joining, leaving or moving in the ring.
    TopologyChange,
    /// Nodes going up or down.
    StatusChange,
    /// Keyspaces, tables, types, functions or aggregates changing.
    SchemaChange,
}

impl EventType {
    /// Every event type, in the order drivers usually register them.
    pub const ALL: [Self; 3] = [Self::TopologyChange, Self::StatusChange, Self::SchemaChange];

    /// The wire name (`TOPOLOGY_CHANGE`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::TopologyChange => "TOPOLOGY_CHANGE",
            Self::StatusChange => "STATUS_CHANGE",
            Self::SchemaChange => "SCHEMA_CHANGE",
        }
    }

    /// The event type for a wire name.
    ///
    /// # Errors
    /// [`DecodeError::Malformed`] for an unknown name.
    pub fn from_name(name: &str) -> Result<Self, DecodeError> {
        match name {
            "TOPOLOGY_CHANGE" => Ok(Self::TopologyChange),
            "STATUS_CHANGE" => Ok(Self::StatusChange),
            "SCHEMA_CHANGE" => Ok(Self::SchemaChange),
            _ => Err(DecodeError::Malformed("unknown event type")),
        }
    }
}

/// A REGISTER request: subscribe this connection to the listed events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    /// The event types to receive.
    pub events: Vec<EventType>,
}

impl Register {
    /// Appends the REGISTER body.
    ///
    /// # Errors
    /// [`EncodeError::TooLong`] never in practice (at most three names).
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let names: Vec<&str> = self.events.iter().map(|e| e.name()).collect();
        write_string_list(out, &names)
    }

    /// Reads a REGISTER body.
    ///
    /// # Errors
    /// [`DecodeError`] for a malformed list or an unknown event name.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let events = r
            .read_string_list()?
            .into_iter()
            .map(EventType::from_name)
            .collect::<Result<_, _>>()?;
        Ok(Self { events })
    }
}
