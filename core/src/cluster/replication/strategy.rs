//! Replication strategies and the parsing of `system_schema.keyspaces.replication`.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};

/// A keyspace's replication strategy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReplicationStrategy {
    /// `SimpleStrategy`: the owner of the range, then the next distinct hosts clockwise.
    Simple {
        /// Number of replicas (full and transient together).
        replication_factor: usize,
    },
    /// `NetworkTopologyStrategy`: a replica count per datacenter, placed on distinct racks
    /// first.
    NetworkTopology {
        /// Replica count per datacenter name (full and transient together).
        datacenters: BTreeMap<String, usize>,
    },
    /// `LocalStrategy` (system keyspaces): every node keeps its own data, so the only
    /// replica is the local node (see `TokenRing::set_local_host`).
    Local,
    /// `EverywhereStrategy` (DataStax Enterprise): every host with tokens is a replica.
    Everywhere,
    /// A strategy this driver does not model (a custom class); it yields no replicas, so
    /// requests are routed without token awareness.
    Other {
        /// The strategy's class name as given.
        class: String,
    },
}

/// A `replication` map could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplicationError {
    /// The map has no `class` entry.
    #[error("replication options have no 'class' entry")]
    MissingClass,
    /// `SimpleStrategy` without `replication_factor`.
    #[error("SimpleStrategy replication options have no 'replication_factor' entry")]
    MissingReplicationFactor,
    /// A replication factor is not `N` or `N/T`.
    #[error("invalid replication factor {value:?} for {key:?}: expected N or N/T")]
    InvalidReplicationFactor {
        /// The option's key (`replication_factor` or a datacenter name).
        key: String,
        /// The offending value.
        value: String,
    },
}

impl ReplicationStrategy {
    /// Parses a `system_schema.keyspaces.replication` map (or `system.schema_keyspaces`'
    /// class and options merged), e.g.
    /// `{'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '3'}`
    /// or `{'class': '...NetworkTopologyStrategy', 'dc1': '3', 'dc2': '2/1'}`.
    ///
    /// Class names may be fully qualified or short. Replication factors in Cassandra 4's
    /// transient notation `N/T` count all `N` replicas. For NetworkTopologyStrategy every
    /// key other than `class` names a datacenter, except `replication_factor` (a
    /// `CREATE KEYSPACE` shorthand Cassandra expands before storing), which is ignored;
    /// datacenters with factor 0 are dropped. Unknown classes give
    /// [`ReplicationStrategy::Other`].
    pub fn from_replication_map<K, V>(
        options: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, ReplicationError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut class: Option<String> = None;
        let mut rest: BTreeMap<String, String> = BTreeMap::new();
        for (key, value) in options {
            let (key, value) = (key.as_ref(), value.as_ref());
            if key == "class" {
                class = Some(value.trim().to_string());
            } else {
                rest.insert(key.to_string(), value.to_string());
            }
        }
        let class = class.ok_or(ReplicationError::MissingClass)?;
        let short = class.rsplit('.').next().unwrap_or(&class);
        match short {
            "SimpleStrategy" => {
                let value = rest
                    .get("replication_factor")
                    .ok_or(ReplicationError::MissingReplicationFactor)?;
                Ok(Self::Simple {
                    replication_factor: factor("replication_factor", value)?,
                })
            }
            "NetworkTopologyStrategy" => {
                let mut datacenters = BTreeMap::new();
                for (dc, value) in &rest {
                    if dc == "replication_factor" {
                        continue;
                    }
                    let rf = factor(dc, value)?;
                    if rf > 0 {
                        datacenters.insert(dc.clone(), rf);
                    }
                }
                Ok(Self::NetworkTopology { datacenters })
            }
            "LocalStrategy" => Ok(Self::Local),
            "EverywhereStrategy" => Ok(Self::Everywhere),
            _ => Ok(Self::Other { class }),
        }
    }
}

fn factor(key: &str, value: &str) -> Result<usize, ReplicationError> {
    parse_replication_factor(value).ok_or_else(|| ReplicationError::InvalidReplicationFactor {
        key: key.to_string(),
        value: value.to_string(),
    })
}

/// Parses a replication factor, `N` or Cassandra 4's transient notation `N/T` (`N`
/// replicas of which `T` are transient, `T < N`), and returns the total `N`.
pub fn parse_replication_factor(text: &str) -> Option<usize> {
    let text = text.trim();
    let (all, transient) = match text.split_once('/') {
        Some((all, transient)) => (all.trim(), Some(transient.trim())),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(all) {
        return None;
    }
    let all: usize = all.parse().ok()?;
    if let Some(transient) = transient {
        if !digits(transient) {
            return None;
        }
        let transient: usize = transient.parse().ok()?;
        if transient > all {
            return None;
        }
    }
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strategies() {
        let simple = ReplicationStrategy::from_replication_map([
            ("class", "org.apache.cassandra.locator.SimpleStrategy"),
            ("replication_factor", "3"),
        ]);
        assert_eq!(
            simple,
            Ok(ReplicationStrategy::Simple {
                replication_factor: 3
            })
        );
        let nts = ReplicationStrategy::from_replication_map([
            ("class", "NetworkTopologyStrategy"),
            ("dc1", "3/1"),
            ("dc2", "0"),
            ("dc3", "2"),
        ])
        .unwrap();
        let expected: BTreeMap<String, usize> = [("dc1".to_string(), 3), ("dc3".to_string(), 2)]
            .into_iter()
            .collect();
        assert_eq!(
            nts,
            ReplicationStrategy::NetworkTopology {
                datacenters: expected
            }
        );
        assert_eq!(
            ReplicationStrategy::from_replication_map([(
                "class",
                "org.apache.cassandra.locator.LocalStrategy"
            )]),
            Ok(ReplicationStrategy::Local)
        );
        assert_eq!(
            ReplicationStrategy::from_replication_map([("class", "com.x.EverywhereStrategy")]),
            Ok(ReplicationStrategy::Everywhere)
        );
        assert!(matches!(
            ReplicationStrategy::from_replication_map([("class", "com.x.Custom")]),
            Ok(ReplicationStrategy::Other { .. })
        ));
        assert_eq!(
            ReplicationStrategy::from_replication_map([("replication_factor", "1")]),
            Err(ReplicationError::MissingClass)
        );
        assert_eq!(
            ReplicationStrategy::from_replication_map([("class", "SimpleStrategy")]),
            Err(ReplicationError::MissingReplicationFactor)
        );
        assert!(matches!(
            ReplicationStrategy::from_replication_map([
                ("class", "SimpleStrategy"),
                ("replication_factor", "x")
            ]),
            Err(ReplicationError::InvalidReplicationFactor { .. })
        ));
    }

    #[test]
    fn replication_factors() {
        assert_eq!(parse_replication_factor("3"), Some(3));
        assert_eq!(parse_replication_factor(" 3/1 "), Some(3));
        assert_eq!(parse_replication_factor("1/2"), None);
        assert_eq!(parse_replication_factor("-1"), None);
        assert_eq!(parse_replication_factor(""), None);
        assert_eq!(parse_replication_factor("3/"), None);
    }
}
