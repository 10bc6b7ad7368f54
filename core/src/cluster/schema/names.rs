//! Identifier quoting for exported CQL: a name stays bare when it is a plain lower-case
//! word (`[a-z][a-z0-9_]*`) that is not a reserved keyword, and is double-quoted (inner
//! quotes doubled) otherwise. Which words are reserved depends on who prints: Cassandra
//! 4.1's grammar, or the Python driver's list (which adds DSE's words).

use alloc::string::{String, ToString};

/// The keywords Cassandra 4.1's grammar reserves (`ReservedKeywords`), sorted.
const CASSANDRA_RESERVED: [&str; 62] = [
    "add",
    "allow",
    "alter",
    "and",
    "apply",
    "asc",
    "authorize",
    "batch",
    "begin",
    "by",
    "columnfamily",
    "create",
    "default",
    "delete",
    "desc",
    "describe",
    "drop",
    "entries",
    "execute",
    "from",
    "full",
    "grant",
    "if",
    "in",
    "index",
    "infinity",
    "insert",
    "into",
    "is",
    "keyspace",
    "limit",
    "materialized",
    "mbean",
    "mbeans",
    "modify",
    "nan",
    "norecursive",
    "not",
    "null",
    "of",
    "on",
    "or",
    "order",
    "primary",
    "rename",
    "replace",
    "revoke",
    "schema",
    "select",
    "set",
    "table",
    "to",
    "token",
    "truncate",
    "unlogged",
    "unset",
    "update",
    "use",
    "using",
    "view",
    "where",
    "with",
];

/// The reserved words of the Python driver 3.30 (`cql_keywords_reserved`), sorted.
const PYTHON_DRIVER_RESERVED: [&str; 105] = [
    "active",
    "add",
    "allow",
    "alter",
    "and",
    "any",
    "application",
    "applications",
    "apply",
    "asc",
    "authentication",
    "authorize",
    "batch",
    "begin",
    "by",
    "call",
    "calls",
    "cluster",
    "columnfamily",
    "columns",
    "commit",
    "config",
    "create",
    "default",
    "delegation",
    "delete",
    "desc",
    "describe",
    "drop",
    "entries",
    "execute",
    "executor",
    "executors",
    "field",
    "from",
    "full",
    "grant",
    "if",
    "in",
    "index",
    "indices",
    "infinity",
    "insert",
    "internal",
    "into",
    "is",
    "java",
    "kerberos",
    "keyspace",
    "ldap",
    "limit",
    "lowercasestring",
    "materialized",
    "mbean",
    "mbeans",
    "method",
    "modify",
    "nan",
    "no",
    "node",
    "nodes",
    "norecursive",
    "not",
    "null",
    "object",
    "of",
    "on",
    "or",
    "order",
    "plan",
    "primary",
    "profiles",
    "rebuild",
    "redact",
    "reload",
    "remote",
    "rename",
    "renew",
    "replace",
    "restrict",
    "revoke",
    "rows",
    "schema",
    "scheme",
    "schemes",
    "search",
    "select",
    "set",
    "std_err",
    "std_out",
    "submission",
    "table",
    "to",
    "token",
    "truncate",
    "unlogged",
    "unrestrict",
    "unset",
    "update",
    "use",
    "using",
    "view",
    "where",
    "with",
    "workpool",
];

/// Whose reserved words decide quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Cassandra 4.1's grammar.
    Cassandra,
    /// The Python driver's `protect_name`.
    PythonDriver,
}

/// Whether `word` (compared in lower case) is reserved in `dialect`.
pub fn is_reserved(word: &str, dialect: Dialect) -> bool {
    let lower = word.to_ascii_lowercase();
    let w = lower.as_str();
    match dialect {
        Dialect::Cassandra => CASSANDRA_RESERVED.binary_search(&w).is_ok(),
        Dialect::PythonDriver => PYTHON_DRIVER_RESERVED.binary_search(&w).is_ok(),
    }
}

/// `name` as CQL text: bare when it is a plain lower-case word and not reserved in
/// `dialect`, double-quoted otherwise.
pub fn quote_if_needed(name: &str, dialect: Dialect) -> String {
    let mut chars = name.chars();
    let plain = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain && !is_reserved(name, dialect) {
        name.to_string()
    } else {
        let mut out = String::with_capacity(name.len() + 2);
        out.push('"');
        out.push_str(&name.replace('"', "\"\""));
        out.push('"');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_for_binary_search() {
        assert!(CASSANDRA_RESERVED.windows(2).all(|w| w[0] < w[1]));
        assert!(PYTHON_DRIVER_RESERVED.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn quoting_follows_the_dialect() {
        assert_eq!(quote_if_needed("users", Dialect::Cassandra), "users");
        assert_eq!(quote_if_needed("Users", Dialect::Cassandra), "\"Users\"");
        assert_eq!(quote_if_needed("select", Dialect::Cassandra), "\"select\"");
        assert_eq!(quote_if_needed("with", Dialect::Cassandra), "\"with\"");
        assert_eq!(quote_if_needed("a\"b", Dialect::Cassandra), "\"a\"\"b\"");
        assert_eq!(quote_if_needed("1a", Dialect::Cassandra), "\"1a\"");
        assert_eq!(quote_if_needed("", Dialect::Cassandra), "\"\"");
        // DSE words the Python driver reserves and Cassandra does not.
        assert_eq!(quote_if_needed("node", Dialect::Cassandra), "node");
        assert_eq!(quote_if_needed("node", Dialect::PythonDriver), "\"node\"");
        assert_eq!(
            quote_if_needed("workpool", Dialect::PythonDriver),
            "\"workpool\""
        );
    }
}
