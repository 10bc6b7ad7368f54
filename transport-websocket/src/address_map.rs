//! [`BridgeAddressMap`]: which bridge, and which target at that bridge, the transport
//! opens a tunnel to for each node address the session asks for.
//!
//! # How discovery and the bridge fit together
//!
//! A session behind a bridge works as one over TCP: it opens its contact points, reads
//! the cluster's nodes from `system.local`/`system.peers_v2`, and opens a pool to every
//! node its load-balancing policy wants. Two independent steps decide where a node's
//! connections go:
//!
//! 1. The session's `AddressTranslator` (`SessionConfig::address_translator`,
//!    `cql_core::policies::address_translation`) turns the address the cluster *reports*
//!    for a peer into the address to *connect to*. That is the node's identity in the
//!    session (`Session::hosts`, `QueryResult::host`). Contact points are not translated.
//!    Use it when the cluster advertises addresses nobody outside can reach (NAT, cloud
//!    private addresses) — with a bridge, translate them to addresses the *bridge* can
//!    reach, which is what its allow-list must hold.
//! 2. The transport's `BridgeAddressMap` turns every address the session opens (contact
//!    points and translated peers alike) into a tunnel URL:
//!    `ws[s]://bridge/cql?target=host:port`. It picks the bridge (one by default; per node
//!    with [`with_bridge_for`], per IP network — e.g. one bridge per datacenter, whose
//!    nodes share a subnet — with [`with_bridge_for_network`]) and, rarely needed, the
//!    target asked of the bridge ([`with_target`]: a name the bridge resolves for an
//!    address, without changing the node's identity in the session).
//!
//! With the defaults (identity translator, one bridge) every discovered node is reached
//! through the same bridge at the address the cluster reports; the bridge's allow-list
//! must then cover every node (e.g. `--target 10.0.0.0/24:9042`). A node the allow-list
//! leaves out is refused (close code 4404); the session logs the refusal and keeps the
//! node down, reconnecting on its reconnection schedule, while the others serve requests.
//!
//! [`with_bridge_for`]: BridgeAddressMap::with_bridge_for
//! [`with_bridge_for_network`]: BridgeAddressMap::with_bridge_for_network
//! [`with_target`]: BridgeAddressMap::with_target

use std::net::IpAddr;

use cql_core::runtime::NodeAddr;

use crate::protocol::{BridgeUrl, ProtocolError};

/// Maps node addresses the session opens (contact points, translated `system.peers`
/// addresses) to the bridge URL that tunnels to them.
///
/// By default every node is reached through one bridge, with the node's own address as
/// the target. A node can be sent through another bridge — by exact address
/// ([`with_bridge_for`]) or by IP network ([`with_bridge_for_network`]; an exact entry
/// wins, then the longest matching prefix) — and the target can differ from the address
/// ([`with_target`]) when the bridge reaches the node by another name. See the [module
/// documentation](self) for how this relates to the session's address translator.
///
/// [`with_bridge_for`]: Self::with_bridge_for
/// [`with_bridge_for_network`]: Self::with_bridge_for_network
/// [`with_target`]: Self::with_target
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeAddressMap {
    default: BridgeUrl,
    bridges: Vec<(NodeAddr, BridgeUrl)>,
    networks: Vec<(IpNetwork, BridgeUrl)>,
    targets: Vec<(NodeAddr, NodeAddr)>,
}

/// An IP network `address/prefix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IpNetwork {
    address: IpAddr,
    prefix: u8,
}

impl IpNetwork {
    /// Parses `10.1.0.0/16`, `fd00::/8` or a single address (a full-length prefix).
    fn parse(s: &str) -> Result<Self, ProtocolError> {
        let bad =
            || ProtocolError::new(format!("bad IP network `{s}` (expected e.g. 10.1.0.0/16)"));
        let (addr, len) = match s.trim().split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (s.trim(), None),
        };
        let address: IpAddr = addr
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| bad())?;
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match len {
            Some(l) => l.parse::<u8>().ok().filter(|l| *l <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Self {
            address: address.to_canonical(),
            prefix,
        })
    }

    /// Whether the IP literal `host` is in this network (host names never are).
    fn contains(&self, host: &str) -> bool {
        let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        else {
            return false;
        };
        in_network(ip, self.address, self.prefix)
    }
}

/// Whether `ip` is in the network `network/prefix` (both compared in canonical form:
/// an IPv4-mapped IPv6 address is its IPv4 address). Shared with the bridge's target
/// allow-list.
pub(crate) fn in_network(ip: IpAddr, network: IpAddr, prefix: u8) -> bool {
    match (ip.to_canonical(), network.to_canonical()) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

impl BridgeAddressMap {
    /// Every node through the bridge at `bridge_url` (e.g. `wss://bridge.example.com/cql`).
    ///
    /// # Errors
    /// A URL that is not `ws://` or `wss://`.
    pub fn new(bridge_url: &str) -> Result<Self, ProtocolError> {
        Ok(Self {
            default: BridgeUrl::parse(bridge_url)?,
            bridges: Vec::new(),
            networks: Vec::new(),
            targets: Vec::new(),
        })
    }

    /// Reaches `node` through the bridge at `bridge_url` instead of the default one.
    ///
    /// # Errors
    /// A URL that is not `ws://` or `wss://`.
    pub fn with_bridge_for(
        mut self,
        node: NodeAddr,
        bridge_url: &str,
    ) -> Result<Self, ProtocolError> {
        let url = BridgeUrl::parse(bridge_url)?;
        self.bridges.retain(|(n, _)| *n != node);
        self.bridges.push((node, url));
        Ok(self)
    }

    /// Reaches every node whose address is an IP in `network` (`10.1.0.0/16`, `fd00::/8`,
    /// or one address) through the bridge at `bridge_url`: nodes discovered later
    /// included, e.g. one bridge per datacenter. Host names never match a network.
    ///
    /// # Errors
    /// A malformed network, or a URL that is not `ws://` or `wss://`.
    pub fn with_bridge_for_network(
        mut self,
        network: &str,
        bridge_url: &str,
    ) -> Result<Self, ProtocolError> {
        let network = IpNetwork::parse(network)?;
        let url = BridgeUrl::parse(bridge_url)?;
        self.networks.retain(|(n, _)| *n != network);
        self.networks.push((network, url));
        Ok(self)
    }

    /// Asks the bridge for `target` when the session opens `node`.
    #[must_use]
    pub fn with_target(mut self, node: NodeAddr, target: NodeAddr) -> Self {
        self.targets.retain(|(n, _)| *n != node);
        self.targets.push((node, target));
        self
    }

    /// The bridge that tunnels to `node`: its exact entry, else the longest network
    /// containing it, else the default.
    pub fn bridge_for(&self, node: &NodeAddr) -> &BridgeUrl {
        if let Some((_, url)) = self.bridges.iter().find(|(n, _)| n == node) {
            return url;
        }
        self.networks
            .iter()
            .filter(|(net, _)| net.contains(&node.host))
            .max_by_key(|(net, _)| net.prefix)
            .map_or(&self.default, |(_, url)| url)
    }

    /// The target the bridge is asked for when the session opens `node`.
    pub fn target_for<'a>(&'a self, node: &'a NodeAddr) -> &'a NodeAddr {
        self.targets
            .iter()
            .find(|(n, _)| n == node)
            .map_or(node, |(_, t)| t)
    }

    /// The WebSocket URL of the tunnel to `node`.
    pub fn url_for(&self, node: &NodeAddr) -> String {
        self.bridge_for(node).tunnel_url(self.target_for(node))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_map() {
        let a = NodeAddr::new("10.0.0.1", 9042);
        let b = NodeAddr::new("10.0.0.2", 9042);
        let map = BridgeAddressMap::new("ws://127.0.0.1:8080/cql")
            .unwrap()
            .with_bridge_for(b.clone(), "wss://other/cql")
            .unwrap()
            .with_target(a.clone(), NodeAddr::new("db1.internal", 9142));
        assert_eq!(
            map.url_for(&a),
            "ws://127.0.0.1:8080/cql?target=db1.internal%3A9142"
        );
        assert_eq!(map.url_for(&b), "wss://other/cql?target=10.0.0.2%3A9042");
    }

    #[test]
    fn networks_pick_bridges_exact_entries_first_then_longest_prefix() {
        let map = BridgeAddressMap::new("wss://default/cql")
            .unwrap()
            .with_bridge_for_network("10.1.0.0/16", "wss://dc1/cql")
            .unwrap()
            .with_bridge_for_network("10.1.7.0/24", "wss://dc1-rack7/cql")
            .unwrap()
            .with_bridge_for_network("fd00::/8", "wss://v6/cql")
            .unwrap()
            .with_bridge_for(NodeAddr::new("10.1.7.9", 9042), "wss://exact/cql")
            .unwrap();
        let host = |h: &str| map.bridge_for(&NodeAddr::new(h, 9042)).host.clone();
        assert_eq!(host("10.1.2.3"), "dc1");
        assert_eq!(host("10.1.7.3"), "dc1-rack7");
        assert_eq!(host("10.1.7.9"), "exact");
        assert_eq!(host("10.2.0.1"), "default");
        assert_eq!(host("fd12::1"), "v6");
        assert_eq!(host("::ffff:10.1.2.3"), "dc1");
        assert_eq!(host("db1.internal"), "default");
        // Replacing a network's bridge keeps one entry.
        let map = map
            .with_bridge_for_network("10.1.0.0/16", "wss://dc1b/cql")
            .unwrap();
        assert_eq!(map.bridge_for(&NodeAddr::new("10.1.2.3", 1)).host, "dc1b");
        assert_eq!(map.networks.len(), 3);
    }

    #[test]
    fn bad_networks_are_refused() {
        let map = BridgeAddressMap::new("ws://b/cql").unwrap();
        for bad in [
            "10.0.0.0/33",
            "10.0.0/8",
            "db.internal/8",
            "",
            "::/129",
            "10.0.0.0/x",
        ] {
            assert!(
                map.clone()
                    .with_bridge_for_network(bad, "ws://c/cql")
                    .is_err(),
                "{bad}"
            );
        }
        assert!(
            map.clone()
                .with_bridge_for_network("10.0.0.0/8", "http://c")
                .is_err()
        );
        let one = IpNetwork::parse("127.0.0.3").unwrap();
        assert!(one.contains("127.0.0.3") && !one.contains("127.0.0.2"));
    }
}
