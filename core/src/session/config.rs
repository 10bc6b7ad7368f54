//! Session configuration: [`SessionConfig`] (every setting, with the documented defaults)
//! and [`ExecutionProfile`]s; [`SessionBuilder`](super::SessionBuilder) fills it.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use super::error::Error;
use super::graph::GraphProfile;
use super::host_events::HostListener;
pub use super::profile::ExecutionProfile;
use super::schema_listener::SchemaListener;
use super::timestamp::{MonotonicTimestampGenerator, TimestampGenerator};
use super::tracker::RequestTracker;
use crate::cluster::host::HostDistance;
use crate::cluster::schema::SchemaFilter;
use crate::connection::ConnectionConfig;
use crate::policies::address_translation::{AddressTranslator, IdentityTranslator};
use crate::policies::load_balancing::LoadBalancingPolicy;
use crate::policies::reconnection::ReconnectionPolicy;
use crate::runtime::NodeAddr;

/// The native protocol's default port.
pub const DEFAULT_PORT: u16 = 9042;

/// A contact point: an address, or a `"host"`, `"host:port"`, `"[v6]:port"` string
/// parsed when the session is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactPoint {
    /// An address.
    Addr(NodeAddr),
    /// A string to parse (the session's port applies when it names none).
    Text(String),
}

impl From<NodeAddr> for ContactPoint {
    fn from(addr: NodeAddr) -> Self {
        Self::Addr(addr)
    }
}

impl From<&str> for ContactPoint {
    fn from(s: &str) -> Self {
        Self::Text(s.into())
    }
}

impl From<String> for ContactPoint {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<core::net::SocketAddr> for ContactPoint {
    fn from(addr: core::net::SocketAddr) -> Self {
        Self::Addr(addr.into())
    }
}

impl ContactPoint {
    /// The address, with `default_port` when the string names no port.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty host, a bad port or unbalanced brackets.
    pub fn resolve(&self, default_port: u16) -> Result<NodeAddr, Error> {
        let s = match self {
            Self::Addr(a) => return Ok(a.clone()),
            Self::Text(s) => s.trim(),
        };
        let bad = |why: &str| Error::InvalidArgument(format!("contact point {s:?}: {why}"));
        let port = |p: &str| {
            p.parse::<u16>()
                .map_err(|_| bad("the port must be a number from 0 to 65535"))
        };
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (host, after) = rest
                .split_once(']')
                .ok_or_else(|| bad("missing ']' after an IPv6 address"))?;
            match after {
                "" => (host, default_port),
                _ => match after.strip_prefix(':') {
                    Some(p) => (host, port(p)?),
                    None => return Err(bad("expected ':port' after ']'")),
                },
            }
        } else if s.matches(':').count() > 1 {
            // A bare IPv6 address: no port.
            (s, default_port)
        } else if let Some((host, p)) = s.split_once(':') {
            (host, port(p)?)
        } else {
            (s, default_port)
        };
        if host.is_empty() {
            return Err(bad("the host is empty"));
        }
        Ok(NodeAddr::new(host, port))
    }
}

/// Every setting of a session. Build one with [`SessionBuilder`](super::SessionBuilder) (or
/// fill the fields and call [`SessionBuilderOn::from_config`](super::SessionBuilderOn::from_config)).
#[derive(Clone)]
#[non_exhaustive]
pub struct SessionConfig {
    /// Nodes to connect to.
    pub contact_points: Vec<ContactPoint>,
    /// Port for contact points that name none (default 9042).
    pub port: u16,
    /// The local datacenter of the default load-balancing policy (default: the datacenter
    /// of the node the control connection first reached). `connect` fails when no node is
    /// in it.
    pub local_datacenter: Option<String>,
    /// How each connection is opened: protocol version (default: negotiated from v5
    /// down), compression (none), credentials, connect timeout (5 s), heartbeat interval
    /// (30 s), largest frame. Its keyspace, events and STARTUP options are the session's
    /// to fill in (from [`keyspace`](Self::keyspace) and the application fields).
    pub connection: ConnectionConfig,
    /// Connections opened to each host of the local datacenter ([`HostDistance::Local`];
    /// default 1).
    pub connections_per_host: usize,
    /// Connections opened to each remote host the load-balancing policy uses
    /// ([`HostDistance::Remote`]; default 1).
    pub connections_per_remote_host: usize,
    /// Which hosts each request tries, in which order, and how far each host is (`None`,
    /// the default: token-aware over DC-aware round robin in
    /// [`local_datacenter`](Self::local_datacenter), replicas shuffled with a seed from the
    /// runtime's clock — see
    /// [`default_load_balancing_policy`](crate::policies::load_balancing::default_load_balancing_policy)).
    pub load_balancing_policy: Option<Arc<dyn LoadBalancingPolicy>>,
    /// Delays between attempts to reconnect to a lost host (`None`, the default:
    /// exponential from 1 s to 10 minutes with jitter, seeded from the runtime's clock).
    pub reconnection_policy: Option<Arc<dyn ReconnectionPolicy>>,
    /// Maps the addresses the cluster reports to addresses the driver can reach (default
    /// [`IdentityTranslator`]). Contact points are not translated.
    pub address_translator: Arc<dyn AddressTranslator>,
    /// Longest wait for every live node to report one schema version after a schema
    /// change (default 10 s; zero turns the wait off).
    pub max_schema_agreement_wait: Duration,
    /// Keyspace every connection uses from the start.
    pub keyspace: Option<String>,
    /// The default execution profile (consistency LOCAL_ONE, page size 5000, request
    /// timeout 10 s, [`DefaultRetryPolicy`](crate::policies::retry::DefaultRetryPolicy), not idempotent).
    pub default_profile: ExecutionProfile,
    /// Named execution profiles.
    pub profiles: BTreeMap<String, ExecutionProfile>,
    /// Graph execution profiles by name: [`GRAPH_DEFAULT`](super::graph::GRAPH_DEFAULT),
    /// [`GRAPH_ANALYTICS`](super::graph::GRAPH_ANALYTICS) and
    /// [`GRAPH_SYSTEM`](super::graph::GRAPH_SYSTEM) from the start, then any added.
    pub graph_profiles: Vec<(String, GraphProfile)>,
    /// Default timestamps of requests (default [`MonotonicTimestampGenerator`]).
    pub timestamp_generator: Arc<dyn TimestampGenerator>,
    /// Sent as STARTUP's `APPLICATION_NAME`.
    pub application_name: Option<String>,
    /// Sent as STARTUP's `APPLICATION_VERSION`.
    pub application_version: Option<String>,
    /// Sent as STARTUP's `CLIENT_ID` (a UUID identifying this client instance).
    pub client_id: Option<uuid::Uuid>,
    /// Told about every request's start, end and failed attempts (default none: the
    /// session then calls nothing).
    pub request_tracker: Option<Arc<dyn RequestTracker>>,
    /// Told when hosts are added, removed, go down or up, and of failed connection
    /// attempts (default none).
    pub host_listeners: Vec<Arc<dyn HostListener>>,
    /// Which keyspaces' schema metadata the session reads and keeps current (default:
    /// all; [`SchemaFilter::Off`] reads none).
    pub schema_metadata: SchemaFilter,
    /// Told of every schema change the cluster announces (default none).
    pub schema_listeners: Vec<Arc<dyn SchemaListener>>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            contact_points: Vec::new(),
            port: DEFAULT_PORT,
            local_datacenter: None,
            connection: ConnectionConfig::default(),
            connections_per_host: 1,
            connections_per_remote_host: 1,
            load_balancing_policy: None,
            reconnection_policy: None,
            address_translator: Arc::new(IdentityTranslator),
            max_schema_agreement_wait: Duration::from_secs(10),
            keyspace: None,
            default_profile: ExecutionProfile::default(),
            profiles: BTreeMap::new(),
            graph_profiles: super::graph::profile::builtin_profiles(),
            timestamp_generator: Arc::new(MonotonicTimestampGenerator::new()),
            application_name: None,
            application_version: None,
            client_id: None,
            request_tracker: None,
            host_listeners: Vec::new(),
            schema_metadata: SchemaFilter::All,
            schema_listeners: Vec::new(),
        }
    }
}

/// Never prints credentials.
impl fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionConfig")
            .field("contact_points", &self.contact_points)
            .field("port", &self.port)
            .field("local_datacenter", &self.local_datacenter)
            .field("connection", &self.connection)
            .field("connections_per_host", &self.connections_per_host)
            .field(
                "connections_per_remote_host",
                &self.connections_per_remote_host,
            )
            .field("load_balancing_policy", &self.load_balancing_policy)
            .field("reconnection_policy", &self.reconnection_policy)
            .field("address_translator", &self.address_translator)
            .field("max_schema_agreement_wait", &self.max_schema_agreement_wait)
            .field("keyspace", &self.keyspace)
            .field("default_profile", &self.default_profile)
            .field("profiles", &self.profiles)
            .field("graph_profiles", &self.graph_profiles)
            .field("application_name", &self.application_name)
            .field("application_version", &self.application_version)
            .field("client_id", &self.client_id)
            .field("request_tracker", &self.request_tracker)
            .field("host_listeners", &self.host_listeners.len())
            .field("schema_metadata", &self.schema_metadata)
            .field("schema_listeners", &self.schema_listeners.len())
            .finish_non_exhaustive()
    }
}

impl SessionConfig {
    /// The contact points as addresses.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unparsable contact point or none at all.
    pub fn resolve_contact_points(&self) -> Result<Vec<NodeAddr>, Error> {
        if self.contact_points.is_empty() {
            return Err(Error::InvalidArgument(String::from(
                "no contact points: give at least one node address",
            )));
        }
        let mut out: Vec<NodeAddr> = Vec::with_capacity(self.contact_points.len());
        for cp in &self.contact_points {
            let addr = cp.resolve(self.port)?;
            if !out.contains(&addr) {
                out.push(addr);
            }
        }
        Ok(out)
    }

    /// The pool size of a host at `distance`: [`connections_per_host`](Self::connections_per_host)
    /// for local hosts, [`connections_per_remote_host`](Self::connections_per_remote_host)
    /// for remote ones (at least 1 each), none for ignored hosts.
    pub fn pool_size(&self, distance: HostDistance) -> usize {
        match distance {
            HostDistance::Local => self.connections_per_host.max(1),
            HostDistance::Remote => self.connections_per_remote_host.max(1),
            HostDistance::Ignored => 0,
        }
    }

    /// The profile named `name` (an execution profile, else a graph profile's execution
    /// settings), or the default one for `None`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming an unknown profile.
    pub fn profile(&self, name: Option<&str>) -> Result<&ExecutionProfile, Error> {
        match name {
            None => Ok(&self.default_profile),
            // A graph profile's execution settings are found by its name too: graph
            // statements run as statements of their graph profile.
            Some(n) => self
                .profiles
                .get(n)
                .or_else(|| {
                    self.graph_profiles
                        .iter()
                        .find_map(|(g, p)| (g == n).then_some(&p.execution))
                })
                .ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "unknown execution profile {n:?} (define it when the session is built)"
                    ))
                }),
        }
    }

    /// The graph profile named `name`, or [`GRAPH_DEFAULT`](super::graph::GRAPH_DEFAULT)
    /// for `None`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming an unknown profile.
    pub fn graph_profile(&self, name: Option<&str>) -> Result<&GraphProfile, Error> {
        let name = name.unwrap_or(super::graph::GRAPH_DEFAULT);
        self.graph_profiles
            .iter()
            .find_map(|(n, p)| (n == name).then_some(p))
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "unknown graph profile {name:?} (add it with SessionBuilder::graph_profile)"
                ))
            })
    }

    /// STARTUP options besides CQL_VERSION and COMPRESSION.
    pub fn startup_options(&self) -> Vec<(String, String)> {
        let mut o = alloc::vec![
            (String::from("DRIVER_NAME"), String::from("cql-rs")),
            (
                String::from("DRIVER_VERSION"),
                String::from(env!("CARGO_PKG_VERSION"))
            ),
        ];
        if let Some(n) = &self.application_name {
            o.push((String::from("APPLICATION_NAME"), n.clone()));
        }
        if let Some(v) = &self.application_version {
            o.push((String::from("APPLICATION_VERSION"), v.clone()));
        }
        if let Some(id) = &self.client_id {
            o.push((String::from("CLIENT_ID"), format!("{id}")));
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Compression;
    use crate::message::Consistency;
    use crate::session::SessionBuilder;
    use alloc::string::ToString;

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = SessionConfig::default();
        assert_eq!(c.port, 9042);
        assert_eq!(c.connection.connect_timeout, Duration::from_secs(5));
        assert_eq!(
            c.connection.heartbeat_interval,
            Some(Duration::from_secs(30))
        );
        assert_eq!(c.connections_per_host, 1);
        assert_eq!(c.connections_per_remote_host, 1);
        assert_eq!(c.max_schema_agreement_wait, Duration::from_secs(10));
        assert!(c.load_balancing_policy.is_none() && c.reconnection_policy.is_none());
        assert!(c.default_profile.load_balancing_policy.is_none());
        assert!(c.default_profile.speculative_execution_policy.is_none());
        assert_eq!(c.connection.protocol_version, None);
        assert_eq!(c.connection.compression, Compression::None);
        let p = &c.default_profile;
        assert_eq!(p.consistency, Consistency::LocalOne);
        assert_eq!(p.page_size, Some(5000));
        assert_eq!(p.request_timeout, Some(Duration::from_secs(10)));
        assert!(!p.idempotent);
        assert_eq!(p.serial_consistency, None);
        assert!(c.startup_options().iter().any(|(k, _)| k == "DRIVER_NAME"));
    }

    #[test]
    fn pool_sizes_follow_the_distance() {
        let c = SessionBuilder::new()
            .connections_per_host(3)
            .connections_per_remote_host(0)
            .into_config();
        assert_eq!(c.pool_size(HostDistance::Local), 3);
        assert_eq!(c.pool_size(HostDistance::Remote), 1, "at least one");
        assert_eq!(c.pool_size(HostDistance::Ignored), 0);
        let c = SessionConfig {
            connections_per_host: 0,
            connections_per_remote_host: 2,
            ..SessionConfig::default()
        };
        assert_eq!(c.pool_size(HostDistance::Local), 1);
        assert_eq!(c.pool_size(HostDistance::Remote), 2);
    }

    #[test]
    fn contact_points_parse() {
        let r = |s: &str| ContactPoint::from(s).resolve(9042);
        assert_eq!(r("db1").unwrap(), NodeAddr::new("db1", 9042));
        assert_eq!(r("db1:19042").unwrap(), NodeAddr::new("db1", 19042));
        assert_eq!(r(" 10.0.0.1:1 ").unwrap(), NodeAddr::new("10.0.0.1", 1));
        assert_eq!(r("[::1]:9999").unwrap(), NodeAddr::new("::1", 9999));
        assert_eq!(r("[::1]").unwrap(), NodeAddr::new("::1", 9042));
        assert_eq!(r("fe80::1").unwrap(), NodeAddr::new("fe80::1", 9042));
        for bad in ["", ":9042", "h:port", "h:70000", "[::1", "[::1]x"] {
            let e = r(bad).unwrap_err();
            assert!(e.to_string().contains("contact point"), "{bad}: {e}");
        }
        let cfg = SessionBuilder::new()
            .contact_points(["a", "a:9042", "b"])
            .into_config();
        assert_eq!(cfg.resolve_contact_points().unwrap().len(), 2);
        assert!(SessionConfig::default().resolve_contact_points().is_err());
    }

    #[test]
    fn builder_sets_profiles_and_hides_credentials() {
        let b = SessionBuilder::new()
            .credentials("alice", "s3cret")
            .consistency(Consistency::Quorum)
            .page_size(Some(100))
            .execution_profile(
                "analytics",
                ExecutionProfile::default().with_consistency(Consistency::All),
            )
            .application_name("app")
            .connections_per_host(0);
        let c = b.config();
        assert_eq!(c.default_profile.consistency, Consistency::Quorum);
        assert_eq!(c.connections_per_host, 1);
        assert_eq!(
            c.profile(Some("analytics")).unwrap().consistency,
            Consistency::All
        );
        assert!(
            c.profile(Some("nope"))
                .unwrap_err()
                .to_string()
                .contains("nope")
        );
        let debug = alloc::format!("{b:?}");
        assert!(
            !debug.contains("s3cret") && !debug.contains("alice"),
            "{debug}"
        );
        assert!(
            c.startup_options()
                .contains(&("APPLICATION_NAME".to_string(), "app".to_string()))
        );
    }
}
