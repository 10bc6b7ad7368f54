//! The option names each options object accepts, and what to say about any other: the
//! equivalent of a DataStax Node.js driver option, or the closest known name. An unknown
//! option is an error, never silently ignored (a mistyped `pageSize` would page by 5000).

/// `Client.connect` options.
pub const CONNECT: &[&str] = &[
    "bridge",
    "token",
    "contactPoints",
    "addressTranslation",
    "networkBridges",
    "port",
    "keyspace",
    "credentials",
    "localDatacenter",
    "consistency",
    "serialConsistency",
    "pageSize",
    "protocolVersion",
    "compression",
    "connectTimeout",
    "requestTimeout",
    "heartbeatInterval",
    "connectionsPerHost",
    "idempotent",
    "applicationName",
    "applicationVersion",
    "schemaMetadata",
    "timestamps",
    "json",
];

/// Options of `execute` and `stream`.
pub const QUERY: &[&str] = &[
    "prepare",
    "hints",
    "consistency",
    "serialConsistency",
    "pageSize",
    "pageState",
    "timestamp",
    "timeout",
    "idempotent",
    "tracing",
    "keyspace",
    "executionProfile",
    "timestamps",
    "json",
];

/// Options of `batch`: the query options and these.
pub const BATCH_EXTRA: &[&str] = &["logged", "counter"];

/// DataStax Node.js driver options (and a few other drivers' spellings) and what to use
/// here instead.
const RENAMED: &[(&str, &str)] = &[
    ("fetchSize", "`fetchSize` is `pageSize` here"),
    (
        "localDataCenter",
        "`localDataCenter` is `localDatacenter` here",
    ),
    (
        "queryOptions",
        "`queryOptions` is not needed here: give its defaults (`consistency`, `serialConsistency`, `pageSize`, `idempotent`) directly in the connect options",
    ),
    (
        "protocolOptions",
        "`protocolOptions` is not needed here: use `port` and `protocolVersion` directly",
    ),
    (
        "authProvider",
        "`authProvider` is `credentials: { username, password }` here",
    ),
    (
        "socketOptions",
        "`socketOptions` is not needed here: use `connectTimeout` and `requestTimeout` (and `heartbeatInterval`) directly",
    ),
    (
        "pooling",
        "`pooling` is `connectionsPerHost` here (and `heartbeatInterval`)",
    ),
    (
        "sslOptions",
        "`sslOptions` has no equivalent: TLS to the bridge comes from a `wss://` bridge URL, and the bridge's own configuration secures its connections to the nodes",
    ),
    (
        "policies",
        "`policies` cannot be set here: load balancing follows `localDatacenter`, retries follow `idempotent`",
    ),
    (
        "readTimeout",
        "`readTimeout` is `timeout` here (`requestTimeout` when connecting)",
    ),
    ("traceQuery", "`traceQuery` is `tracing` here"),
    ("isIdempotent", "`isIdempotent` is `idempotent` here"),
    (
        "autoPage",
        "`autoPage` is not needed here: `client.stream(...)` reads every row across pages",
    ),
    (
        "captureStackTrace",
        "`captureStackTrace` is not needed here: errors always carry the caller's stack",
    ),
    ("contactPoint", "`contactPoint` is `contactPoints` here"),
    (
        "isMetadataSyncEnabled",
        "`isMetadataSyncEnabled` is `schemaMetadata` here (true, false, or the keyspaces to keep)",
    ),
    ("pageStates", "`pageStates` is `pageState` here"),
    (
        "consistencyLevel",
        "`consistencyLevel` is `consistency` here",
    ),
    (
        "serialConsistencyLevel",
        "`serialConsistencyLevel` is `serialConsistency` here",
    ),
];

/// Why `key` is not an option of `what` (e.g. "query options"), and what to use instead.
pub fn unknown(what: &str, key: &str, known: &[&str]) -> String {
    if let Some((_, advice)) = RENAMED.iter().find(|(name, _)| *name == key) {
        return format!("unknown option `{key}` in the {what}: {advice}");
    }
    match closest(key, known) {
        Some(near) => format!("unknown option `{key}` in the {what}: did you mean `{near}`?"),
        None => format!(
            "unknown option `{key}` in the {what}; the options are {}",
            known.join(", ")
        ),
    }
}

/// The known name closest to `key`: equal ignoring case, or within two edits.
fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        return Some(k);
    }
    known
        .iter()
        .map(|k| (edit_distance(&key.to_lowercase(), &k.to_lowercase()), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance (names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(0);
            let left = row.get(j).copied().unwrap_or(0);
            let cost = usize::from(ca != *cb);
            let best = (diagonal + cost).min(above + 1).min(left + 1);
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_driver_names_get_their_equivalent() {
        let m = unknown("query options", "fetchSize", QUERY);
        assert_eq!(
            m,
            "unknown option `fetchSize` in the query options: `fetchSize` is `pageSize` here"
        );
        assert!(
            unknown("connect options", "localDataCenter", CONNECT).contains("`localDatacenter`")
        );
        assert!(unknown("connect options", "queryOptions", CONNECT).contains("`consistency`"));
        assert!(unknown("connect options", "protocolOptions", CONNECT).contains("`port`"));
    }

    #[test]
    fn typos_get_the_closest_name_and_others_the_list() {
        assert!(unknown("query options", "pagesize", QUERY).ends_with("did you mean `pageSize`?"));
        assert!(unknown("query options", "pageSzie", QUERY).ends_with("did you mean `pageSize`?"));
        assert!(unknown("query options", "tracng", QUERY).ends_with("did you mean `tracing`?"));
        let far = unknown("query options", "frobnicate", QUERY);
        assert!(far.contains("the options are prepare, hints"), "{far}");
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn every_known_name_is_distinct_from_the_renamed_ones() {
        for (old, _) in RENAMED {
            assert!(!CONNECT.contains(old) && !QUERY.contains(old), "{old}");
        }
    }
}
