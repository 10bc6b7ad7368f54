//! How a simulated cluster is laid out: datacenters and their node counts, racks, tokens,
//! addresses, and what every node shares (users, TLS, protocol versions, primes, fault
//! rules, clock, schema agreement delay).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use cql_core::frame::ProtocolVersion;

use crate::sim::auth::AuthConfig;
use crate::sim::faults::FaultInjector;
use crate::sim::info::DseInfo;
use crate::sim::node::{Clock, system_clock};
use crate::sim::schema::SchemaFeatures;
use crate::sim::server::Primes;
use crate::sim::server::version::ALL_VERSIONS;

/// The datacenter name a cluster given only a node count uses (Cassandra's default with
/// the SimpleSnitch).
pub const DEFAULT_DATACENTER: &str = "datacenter1";

/// The default [`SimClusterConfig::down_detection_delay`].
pub const DEFAULT_DOWN_DETECTION_DELAY: Duration = Duration::from_millis(250);

/// Where the nodes listen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressing {
    /// Node `i` on `first + i` (127.0.0.1, 127.0.0.2, ... for `first` 127.0.0.1), every
    /// node on the same port; port 0 picks one that is free on every address. Nodes added
    /// later take the next addresses.
    Loopback {
        /// The first node's address.
        first: Ipv4Addr,
        /// The common port (0: pick one).
        port: u16,
    },
    /// Every node on one address, each on its own free port.
    SingleAddress {
        /// The common address.
        ip: IpAddr,
    },
}

impl Default for Addressing {
    fn default() -> Self {
        Self::Loopback {
            first: Ipv4Addr::LOCALHOST,
            port: 0,
        }
    }
}

impl Addressing {
    /// The address node `index` binds (port 0: not chosen yet).
    pub fn address(&self, index: usize, port: u16) -> SocketAddr {
        match *self {
            Self::Loopback { first, .. } => {
                let base = u32::from(first);
                let ip = Ipv4Addr::from(base.wrapping_add(u32::try_from(index).unwrap_or(0)));
                SocketAddr::from((ip, port))
            }
            Self::SingleAddress { ip } => SocketAddr::new(ip, 0),
        }
    }
}

/// How the nodes' tokens are placed on the ring.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TokenLayout {
    /// `num_tokens` tokens per node, interleaved evenly
    /// ([`crate::sim::info::interleaved_tokens`]).
    #[default]
    Interleaved,
    /// One token per node where ccm puts it without vnodes
    /// ([`crate::sim::info::ccm_token`]): what other drivers' test suites assume.
    Ccm,
}

/// A simulated cluster's layout and shared settings.
#[derive(Clone)]
pub struct SimClusterConfig {
    /// `cluster_name`.
    pub cluster_name: String,
    /// Datacenters in order, with their node counts; nodes are numbered in this order.
    pub datacenters: Vec<(String, usize)>,
    /// Racks per datacenter: a datacenter's node `j` is on rack `rack{j % racks + 1}`.
    pub racks: usize,
    /// Tokens per node (default 16), interleaved over the ring
    /// ([`crate::sim::info::interleaved_tokens`]).
    pub num_tokens: usize,
    /// Where the tokens go (default interleaved; [`TokenLayout::Ccm`] ignores
    /// `num_tokens`).
    pub token_layout: TokenLayout,
    /// Where the nodes listen.
    pub addressing: Addressing,
    /// PasswordAuthenticator users of every node (none: no authentication).
    pub users: Vec<(String, String)>,
    /// TLS on every node with one generated certificate for all their addresses
    /// ([`super::SimCluster::tls_ca_pem`] is the CA to trust).
    pub tls: bool,
    /// The protocol versions every node accepts.
    pub protocol_versions: Vec<ProtocolVersion>,
    /// How long the nodes that did not coordinate a schema change take to report its
    /// version (default 0).
    pub schema_agreement_delay: Duration,
    /// How long after a node stops the others announce it DOWN (Cassandra's failure
    /// detector takes seconds; clients see the closed connections first, and drivers
    /// ignore a DOWN event for a host they still hold open connections to). Default
    /// 250 ms.
    pub down_detection_delay: Duration,
    /// Fault rules shared by every node (rules pick nodes by address).
    pub faults: FaultInjector,
    /// Primed responses of every node.
    pub primes: Primes,
    /// The clock every node writes with.
    pub clock: Clock,
    /// Which optional schema objects (functions, views) every node accepts.
    pub features: SchemaFeatures,
    /// Authenticator and authorizer of every node.
    pub auth: AuthConfig,
    /// Every node plays a DataStax Enterprise node with this identity (`None`: Apache
    /// Cassandra); see [`crate::sim::dse`].
    pub dse: Option<DseInfo>,
}

impl core::fmt::Debug for SimClusterConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SimClusterConfig")
            .field("cluster_name", &self.cluster_name)
            .field("datacenters", &self.datacenters)
            .field("racks", &self.racks)
            .field("num_tokens", &self.num_tokens)
            .field("token_layout", &self.token_layout)
            .field("addressing", &self.addressing)
            .field("users", &self.users.len())
            .field("tls", &self.tls)
            .field("schema_agreement_delay", &self.schema_agreement_delay)
            .field("down_detection_delay", &self.down_detection_delay)
            .finish_non_exhaustive()
    }
}

impl Default for SimClusterConfig {
    fn default() -> Self {
        Self::nodes(1)
    }
}

impl SimClusterConfig {
    /// `count` nodes in one datacenter (`datacenter1`, one rack).
    pub fn nodes(count: usize) -> Self {
        Self::datacenters(&[(DEFAULT_DATACENTER, count)])
    }

    /// Datacenters with their node counts, e.g. `[("dc1", 3), ("dc2", 2)]`.
    pub fn datacenters(dcs: &[(&str, usize)]) -> Self {
        Self {
            cluster_name: "Test Cluster".to_string(),
            datacenters: dcs.iter().map(|(d, n)| (d.to_string(), *n)).collect(),
            racks: 1,
            num_tokens: 16,
            token_layout: TokenLayout::Interleaved,
            addressing: Addressing::default(),
            users: Vec::new(),
            tls: false,
            protocol_versions: ALL_VERSIONS.to_vec(),
            schema_agreement_delay: Duration::ZERO,
            down_detection_delay: DEFAULT_DOWN_DETECTION_DELAY,
            faults: FaultInjector::new(),
            primes: Primes::new(),
            clock: system_clock(),
            features: SchemaFeatures::default(),
            auth: AuthConfig::default(),
            dse: None,
        }
    }

    /// Spreads each datacenter's nodes over `racks` racks.
    #[must_use]
    pub fn with_racks(mut self, racks: usize) -> Self {
        self.racks = racks.max(1);
        self
    }

    /// The tokens of each of the first `count` nodes, in node order.
    pub fn initial_tokens(&self, count: usize) -> Vec<Vec<i64>> {
        match self.token_layout {
            TokenLayout::Interleaved => (0..count)
                .map(|i| crate::sim::info::interleaved_tokens(self.num_tokens, i, count))
                .collect(),
            TokenLayout::Ccm => {
                let mut out = Vec::with_capacity(count);
                for (dc, (_, nodes)) in self.datacenters.iter().enumerate() {
                    for i in 0..*nodes {
                        out.push(vec![crate::sim::info::ccm_token(i, *nodes, dc)]);
                    }
                }
                out.truncate(count);
                out
            }
        }
    }

    /// Sets where the tokens go.
    #[must_use]
    pub fn with_token_layout(mut self, layout: TokenLayout) -> Self {
        self.token_layout = layout;
        self
    }

    /// Sets the tokens per node.
    #[must_use]
    pub fn with_num_tokens(mut self, num_tokens: usize) -> Self {
        self.num_tokens = num_tokens.max(1);
        self
    }

    /// Sets where the nodes listen.
    #[must_use]
    pub fn with_addressing(mut self, addressing: Addressing) -> Self {
        self.addressing = addressing;
        self
    }

    /// Every node on 127.0.0.1, each on its own port.
    #[must_use]
    pub fn on_one_address(self) -> Self {
        self.with_addressing(Addressing::SingleAddress {
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
        })
    }

    /// Adds a PasswordAuthenticator user to every node.
    #[must_use]
    pub fn with_user(mut self, name: impl Into<String>, password: impl Into<String>) -> Self {
        self.users.push((name.into(), password.into()));
        self
    }

    /// Checks permissions on every node (CassandraAuthorizer; implies authentication).
    #[must_use]
    pub fn with_authorizer(mut self) -> Self {
        self.auth = AuthConfig::enforcing();
        self
    }

    /// Enables TLS on every node.
    #[must_use]
    pub fn with_tls(mut self) -> Self {
        self.tls = true;
        self
    }

    /// Restricts the protocol versions.
    #[must_use]
    pub fn with_protocol_versions(mut self, versions: Vec<ProtocolVersion>) -> Self {
        self.protocol_versions = versions;
        self
    }

    /// Sets the schema agreement delay.
    #[must_use]
    pub fn with_schema_agreement_delay(mut self, delay: Duration) -> Self {
        self.schema_agreement_delay = delay;
        self
    }

    /// Sets how long after a node stops the others announce it DOWN.
    #[must_use]
    pub fn with_down_detection_delay(mut self, delay: Duration) -> Self {
        self.down_detection_delay = delay;
        self
    }

    /// Sets the cluster name.
    #[must_use]
    pub fn with_cluster_name(mut self, name: impl Into<String>) -> Self {
        self.cluster_name = name.into();
        self
    }

    /// Shares these fault rules between every node (a clone of the handle: rules added
    /// later apply too).
    #[must_use]
    pub fn with_faults(mut self, faults: FaultInjector) -> Self {
        self.faults = faults;
        self
    }

    /// Sets the primed responses of every node.
    #[must_use]
    pub fn with_primes(mut self, primes: Primes) -> Self {
        self.primes = primes;
        self
    }

    /// Sets the clock of every node.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Sets which optional schema objects every node accepts (e.g.
    /// [`SchemaFeatures::cassandra_defaults`] to refuse functions and views as a stock
    /// Cassandra 4.1 does).
    #[must_use]
    pub fn with_features(mut self, features: SchemaFeatures) -> Self {
        self.features = features;
        self
    }

    /// Every node plays a DataStax Enterprise 6.8.40 node with the Graph workload (see
    /// [`crate::sim::dse`]).
    #[must_use]
    pub fn with_dse(self) -> Self {
        self.with_dse_info(DseInfo::default())
    }

    /// Every node plays a DataStax Enterprise node with this identity.
    #[must_use]
    pub fn with_dse_info(mut self, dse: DseInfo) -> Self {
        self.dse = Some(dse);
        self
    }

    /// Every node's datacenter and rack, in node order.
    pub fn placement(&self) -> Vec<(String, String)> {
        let racks = self.racks.max(1);
        self.datacenters
            .iter()
            .flat_map(|(dc, count)| {
                (0..*count).map(move |j| (dc.clone(), format!("rack{}", j % racks + 1)))
            })
            .collect()
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.datacenters.iter().map(|(_, n)| n).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_spreads_racks_per_datacenter() {
        let c = SimClusterConfig::datacenters(&[("dc1", 3), ("dc2", 2)]).with_racks(2);
        let p: Vec<String> = c
            .placement()
            .iter()
            .map(|(d, r)| format!("{d}/{r}"))
            .collect();
        assert_eq!(
            p,
            [
                "dc1/rack1",
                "dc1/rack2",
                "dc1/rack1",
                "dc2/rack1",
                "dc2/rack2"
            ]
        );
        assert_eq!(c.node_count(), 5);
        assert_eq!(
            SimClusterConfig::nodes(2).placement(),
            vec![
                ("datacenter1".to_string(), "rack1".to_string()),
                ("datacenter1".to_string(), "rack1".to_string())
            ]
        );
    }

    #[test]
    fn loopback_addresses_count_up() {
        let a = Addressing::default();
        assert_eq!(a.address(0, 9042).to_string(), "127.0.0.1:9042");
        assert_eq!(a.address(2, 9042).to_string(), "127.0.0.3:9042");
        let s = Addressing::SingleAddress {
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
        };
        assert_eq!(s.address(5, 9042).to_string(), "127.0.0.1:0");
    }
}
