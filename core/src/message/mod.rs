//! Layer 3: every request and response message of the native protocol, encodable and
//! decodable in both directions (clients encode requests and decode responses; the
//! simulated node does the reverse).

pub mod consistency;

pub use consistency::Consistency;
