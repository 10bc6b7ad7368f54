//! Protocol version negotiation: which versions the node accepts, how it names them in
//! SUPPORTED and in its refusal message, and which version the refusal is written in.

use cql_core::frame::ProtocolVersion;

/// Every version the simulated node can speak.
pub const ALL_VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V3,
    ProtocolVersion::V4,
    ProtocolVersion::V5,
];

/// How Cassandra names a version in SUPPORTED's PROTOCOL_VERSIONS and in errors: `4/v4`.
pub fn version_name(version: ProtocolVersion) -> String {
    format!("{0}/v{0}", version.as_u8())
}

/// The name of Cassandra 4.1's beta version, which it lists among its supported versions
/// (SUPPORTED, refusals) next to v5.
pub const V6_BETA: &str = "6/v6-beta";

/// The version number of [`V6_BETA`].
pub const V6_BETA_NUMBER: u8 = 6;

/// The header flag a client sets to use a beta version (`USE_BETA`).
pub const USE_BETA_FLAG: u8 = 0x10;

/// The versions a node lists in SUPPORTED and in its refusals: the accepted ones, and
/// `6/v6-beta` with v5 as 4.1 lists it (this node cannot speak v6: it refuses it).
pub fn supported_names(accepted: &[ProtocolVersion]) -> Vec<String> {
    let mut names: Vec<String> = accepted.iter().map(|v| version_name(*v)).collect();
    if accepted.contains(&ProtocolVersion::V5) {
        names.push(V6_BETA.to_string());
    }
    names
}

/// Cassandra 4.1's answer to a v6 frame without the `USE_BETA` flag, sent in a v6 header.
pub fn beta_flag_message() -> String {
    format!("Beta version of the protocol used ({V6_BETA}), but USE_BETA flag is unset")
}

/// Cassandra's refusal of a version: `Invalid or unsupported protocol version (7);
/// supported versions are (3/v3, 4/v4, 5/v5, 6/v6-beta)`. Drivers look for "unsupported
/// protocol version" in it to downgrade.
pub fn invalid_version_message(raw: u8, accepted: &[ProtocolVersion]) -> String {
    let names = supported_names(accepted);
    format!(
        "Invalid or unsupported protocol version ({raw}); supported versions are ({})",
        names.join(", ")
    )
}

/// The version the refusal of `raw` is written in, as Cassandra 4.1 does: v1 and v2 are
/// answered in their own (short-header) version, so old clients can read it; any other
/// version before the connection is established in Cassandra's preferred version v4 (the
/// "current" version; CASSANDRA-16581 stopped answering in the newest version), or the
/// connection's version once established. When the preferred version is disabled, the
/// highest accepted version below `raw`, else the lowest accepted.
pub enum ReplyVersion {
    /// A v1/v2 header (8 bytes, 1-byte stream id) with this version number.
    Legacy(u8),
    /// A normal frame in this version.
    Modern(ProtocolVersion),
}

/// See [`ReplyVersion`].
pub fn reply_version(
    raw: u8,
    accepted: &[ProtocolVersion],
    established: Option<ProtocolVersion>,
) -> ReplyVersion {
    if raw == 1 || raw == 2 {
        return ReplyVersion::Legacy(raw);
    }
    if let Some(v) = established {
        return ReplyVersion::Modern(v);
    }
    if accepted.contains(&ProtocolVersion::V4) {
        return ReplyVersion::Modern(ProtocolVersion::V4);
    }
    let below = accepted.iter().filter(|v| v.as_u8() < raw).max().copied();
    let lowest = accepted.iter().min().copied();
    ReplyVersion::Modern(below.or(lowest).unwrap_or(ProtocolVersion::V4))
}

/// Parses a list such as `3,4,5` or `v4 v5` into versions.
///
/// # Errors
/// A message naming the entry that is not a version the node speaks.
pub fn parse_versions(list: &str) -> Result<Vec<ProtocolVersion>, String> {
    let mut out = Vec::new();
    for part in list.split([',', ' ']).filter(|p| !p.is_empty()) {
        let digits = part.trim_start_matches(['v', 'V']);
        let version = digits
            .parse::<u8>()
            .ok()
            .and_then(ProtocolVersion::from_u8)
            .ok_or_else(|| format!("unknown protocol version {part:?} (expected 3, 4 or 5)"))?;
        if !out.contains(&version) {
            out.push(version);
        }
    }
    out.sort();
    if out.is_empty() {
        return Err("no protocol version given".to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_and_names_match_cassandra() {
        assert_eq!(version_name(ProtocolVersion::V5), "5/v5");
        assert_eq!(
            invalid_version_message(7, &ALL_VERSIONS),
            "Invalid or unsupported protocol version (7); supported versions are (3/v3, 4/v4, 5/v5, 6/v6-beta)"
        );
        assert_eq!(
            invalid_version_message(5, &[ProtocolVersion::V3, ProtocolVersion::V4]),
            "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4)"
        );
        assert_eq!(
            beta_flag_message(),
            "Beta version of the protocol used (6/v6-beta), but USE_BETA flag is unset"
        );
    }

    #[test]
    fn reply_versions() {
        let v = |r| match r {
            ReplyVersion::Legacy(n) => n + 100,
            ReplyVersion::Modern(v) => v.as_u8(),
        };
        assert_eq!(v(reply_version(6, &ALL_VERSIONS, None)), 4);
        assert_eq!(v(reply_version(2, &ALL_VERSIONS, None)), 102);
        assert_eq!(
            v(reply_version(66, &ALL_VERSIONS, Some(ProtocolVersion::V5))),
            5
        );
        assert_eq!(v(reply_version(5, &[ProtocolVersion::V3], None)), 3);
    }

    #[test]
    fn version_lists_parse() {
        assert_eq!(
            parse_versions("5,v4").unwrap(),
            vec![ProtocolVersion::V4, ProtocolVersion::V5]
        );
        assert!(parse_versions("6").is_err());
        assert!(parse_versions("").is_err());
    }
}
