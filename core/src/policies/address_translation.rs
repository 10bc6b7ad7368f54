//! Address translation: the address the driver connects to for each address the cluster
//! reports (`system.peers*.native_address`/`rpc_address`, `system.local`'s, events'). Needed
//! behind NAT, across cloud networks and through a WebSocket bridge, where the nodes'
//! own addresses are not reachable from the client.
//!
//! Contact points are not translated: they are already what the user can reach.

use alloc::collections::BTreeMap;
use alloc::string::String;
use core::fmt;

use crate::runtime::{MaybeSend, MaybeSync, NodeAddr};

/// Maps an address the cluster reports to the address to connect to.
pub trait AddressTranslator: fmt::Debug + MaybeSend + MaybeSync {
    /// The address to connect to for `reported`.
    fn translate(&self, reported: &NodeAddr) -> NodeAddr;
}

/// Connects to the reported addresses as they are (the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdentityTranslator;

impl AddressTranslator for IdentityTranslator {
    fn translate(&self, reported: &NodeAddr) -> NodeAddr {
        reported.clone()
    }
}

/// A fixed table of translations (NAT rules, test setups): an exact `host:port` entry wins,
/// then an entry for the host alone (keeping the reported port), else the address is
/// used as reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapAddressTranslator {
    addresses: BTreeMap<NodeAddr, NodeAddr>,
    hosts: BTreeMap<String, String>,
}

impl MapAddressTranslator {
    /// An empty table (translates nothing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Translates exactly `from` (host and port) to `to`.
    #[must_use]
    pub fn with_address(mut self, from: NodeAddr, to: NodeAddr) -> Self {
        self.addresses.insert(from, to);
        self
    }

    /// Translates host `from` to host `to` on any port (the port is kept).
    #[must_use]
    pub fn with_host(mut self, from: impl Into<String>, to: impl Into<String>) -> Self {
        self.hosts.insert(from.into(), to.into());
        self
    }
}

impl AddressTranslator for MapAddressTranslator {
    fn translate(&self, reported: &NodeAddr) -> NodeAddr {
        if let Some(to) = self.addresses.get(reported) {
            return to.clone();
        }
        match self.hosts.get(&reported.host) {
            Some(host) => NodeAddr::new(host.clone(), reported.port),
            None => reported.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::sync::Arc;

    #[test]
    fn identity_keeps_the_address() {
        let a = NodeAddr::new("10.0.0.1", 9042);
        assert_eq!(IdentityTranslator.translate(&a), a);
    }

    #[test]
    fn map_prefers_exact_entries_then_hosts_then_identity() {
        let t: Arc<dyn AddressTranslator> = Arc::new(
            MapAddressTranslator::new()
                .with_address(
                    NodeAddr::new("10.0.0.1", 9042),
                    NodeAddr::new("203.0.113.7", 19042),
                )
                .with_host("10.0.0.1", "203.0.113.1")
                .with_host("10.0.0.2", "203.0.113.2"),
        );
        assert_eq!(
            t.translate(&NodeAddr::new("10.0.0.1", 9042)),
            NodeAddr::new("203.0.113.7", 19042)
        );
        assert_eq!(
            t.translate(&NodeAddr::new("10.0.0.1", 9142)),
            NodeAddr::new("203.0.113.1", 9142)
        );
        assert_eq!(
            t.translate(&NodeAddr::new("10.0.0.2", 9042)),
            NodeAddr::new("203.0.113.2", 9042)
        );
        assert_eq!(
            t.translate(&NodeAddr::new("10.0.0.3", 9042)),
            NodeAddr::new("10.0.0.3", 9042)
        );
    }
}
