//! Protocol version negotiation: recognising a node's refusal of the version a client
//! opened with, and choosing the version to reconnect with.
//!
//! Cassandra answers a version it does not speak with a protocol error such as
//! `Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4,
//! 5/v5-beta)` and then closes the connection; Cassandra 3.x answers v5 with `Beta version
//! of the protocol used (5/v5-beta), but USE_BETA flag is unset`; Scylla says `Invalid or
//! unsupported protocol version: 5`. When the message names versions, the client goes
//! straight to the highest one both speak; otherwise it steps down one version.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::frame::ProtocolVersion;
use crate::message::{DbError, ErrorResponse};

/// The version to start with: `fixed` when given, else the newest (v4 when Snappy
/// compression is asked, which v5 cannot carry).
pub fn initial_version(
    fixed: Option<ProtocolVersion>,
    compression: crate::frame::Compression,
) -> ProtocolVersion {
    match fixed {
        Some(v) => v,
        None if compression == crate::frame::Compression::Snappy => ProtocolVersion::V4,
        None => ProtocolVersion::NEWEST,
    }
}

/// Whether `error`, received in answer to the first frame, refuses the protocol version.
pub fn is_version_refusal(error: &ErrorResponse) -> bool {
    if error.error != DbError::ProtocolError {
        return false;
    }
    let message = error.message.to_ascii_lowercase();
    message.contains("protocol version") || message.contains("beta")
}

/// The non-beta versions a refusal message names (`supported versions are (3/v3, 4/v4,
/// 5/v5-beta)` gives v3 and v4), in the order named; `None` when it has no list.
pub fn named_versions(message: &str) -> Option<Vec<ProtocolVersion>> {
    let lower = message.to_ascii_lowercase();
    let at = lower.find("supported versions are")?;
    let rest = lower
        .get(at + "supported versions are".len()..)
        .unwrap_or("");
    let rest = rest.trim_start().trim_start_matches('(');
    let list = rest.split(')').next().unwrap_or("");
    let versions = list
        .split(',')
        .filter(|entry| !entry.contains("beta"))
        .filter_map(|entry| {
            let entry = entry.trim().trim_start_matches('v');
            let digits: String = entry.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u8>().ok().and_then(ProtocolVersion::from_u8)
        })
        .collect();
    Some(versions)
}

/// The version to reconnect with after `refused` was refused with `message`: the highest
/// version below `refused` the message names, or the next lower version when it names
/// none.
///
/// # Errors
/// A message saying why no version is left (the node names only versions this driver
/// does not speak, or v3 was refused).
pub fn fallback_version(
    refused: ProtocolVersion,
    message: &str,
) -> Result<ProtocolVersion, String> {
    let Some(named) = named_versions(message) else {
        return match refused {
            ProtocolVersion::V5 => Ok(ProtocolVersion::V4),
            ProtocolVersion::V4 => Ok(ProtocolVersion::V3),
            _ => Err(format!(
                "the node refused protocol {refused}, the oldest this driver speaks ({message})"
            )),
        };
    };
    named
        .iter()
        .copied()
        .filter(|v| *v < refused)
        .max()
        .ok_or_else(|| {
            format!(
                "the node refused protocol {refused} and names no older version this driver speaks (v3, v4, v5): {message}"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn refusal(message: &str) -> ErrorResponse {
        ErrorResponse {
            error: DbError::ProtocolError,
            message: message.to_string(),
        }
    }

    #[test]
    fn cassandra_lists_are_parsed() {
        let m = "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4, 5/v5-beta)";
        assert!(is_version_refusal(&refusal(m)));
        assert_eq!(
            named_versions(m),
            Some(vec![ProtocolVersion::V3, ProtocolVersion::V4])
        );
        assert_eq!(
            fallback_version(ProtocolVersion::V5, m),
            Ok(ProtocolVersion::V4)
        );
        let only3 = "Invalid or unsupported protocol version (5); supported versions are (3/v3)";
        assert_eq!(
            fallback_version(ProtocolVersion::V5, only3),
            Ok(ProtocolVersion::V3)
        );
        let old =
            "Invalid or unsupported protocol version (5); supported versions are (1/v1, 2/v2)";
        assert!(fallback_version(ProtocolVersion::V5, old).is_err());
    }

    #[test]
    fn messages_without_a_list_step_down() {
        let scylla = "Invalid or unsupported protocol version: 5";
        assert!(is_version_refusal(&refusal(scylla)));
        assert_eq!(
            fallback_version(ProtocolVersion::V5, scylla),
            Ok(ProtocolVersion::V4)
        );
        let beta = "Beta version of the protocol used (5/v5-beta), but USE_BETA flag is unset";
        assert!(is_version_refusal(&refusal(beta)));
        assert_eq!(
            fallback_version(ProtocolVersion::V5, beta),
            Ok(ProtocolVersion::V4)
        );
        assert_eq!(
            fallback_version(ProtocolVersion::V4, scylla),
            Ok(ProtocolVersion::V3)
        );
        assert!(fallback_version(ProtocolVersion::V3, scylla).is_err());
    }

    #[test]
    fn other_errors_are_not_refusals() {
        assert!(!is_version_refusal(&refusal("Unknown opcode 77")));
        assert!(!is_version_refusal(&ErrorResponse {
            error: DbError::ServerError,
            message: "protocol version".to_string(),
        }));
        assert_eq!(
            initial_version(None, crate::frame::Compression::Snappy),
            ProtocolVersion::V4
        );
        assert_eq!(
            initial_version(None, crate::frame::Compression::Lz4),
            ProtocolVersion::V5
        );
    }
}
