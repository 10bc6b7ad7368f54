//! A node as the driver sees it: identity, where to connect, placement (datacenter, rack,
//! tokens) and whether it is up. Shared as `Arc<Host>` by the cluster view, the pools and
//! the load-balancing policies; only the up/down flag changes after creation (a host whose
//! other facts change is replaced by a new `Host`).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

use uuid::Uuid;

use super::token::Token;
use crate::runtime::NodeAddr;

/// One node of the cluster.
pub struct Host {
    /// `host_id` from `system.local`/`system.peers*`: the node's stable identity.
    pub host_id: Uuid,
    /// Where the driver connects (the reported address after address translation).
    pub addr: NodeAddr,
    /// The RPC/native address and port as the cluster reports it (before translation).
    pub reported_addr: NodeAddr,
    /// `data_center`, when known.
    pub datacenter: Option<String>,
    /// `rack`, when known.
    pub rack: Option<String>,
    /// The tokens the node owns (empty when token metadata is off or unknown).
    pub tokens: Vec<Token>,
    /// `release_version`, when known.
    pub release_version: Option<String>,
    up: AtomicBool,
}

impl Host {
    /// A host with the given identity and addresses, no placement facts, marked up.
    pub fn new(host_id: Uuid, addr: NodeAddr, reported_addr: NodeAddr) -> Self {
        Self {
            host_id,
            addr,
            reported_addr,
            datacenter: None,
            rack: None,
            tokens: Vec::new(),
            release_version: None,
            up: AtomicBool::new(true),
        }
    }

    /// The same host placed in `datacenter` and `rack`.
    #[must_use]
    pub fn with_placement(
        mut self,
        datacenter: impl Into<String>,
        rack: impl Into<String>,
    ) -> Self {
        self.datacenter = Some(datacenter.into());
        self.rack = Some(rack.into());
        self
    }

    /// The same host owning `tokens`.
    #[must_use]
    pub fn with_tokens(mut self, tokens: Vec<Token>) -> Self {
        self.tokens = tokens;
        self
    }

    /// Whether the driver considers the node up.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    /// Marks the node up or down; returns whether the state changed.
    pub fn set_up(&self, up: bool) -> bool {
        self.up.swap(up, Ordering::AcqRel) != up
    }
}

impl fmt::Debug for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Host")
            .field("host_id", &self.host_id)
            .field("addr", &self.addr)
            .field("datacenter", &self.datacenter)
            .field("rack", &self.rack)
            .field("tokens", &self.tokens.len())
            .field("up", &self.is_up())
            .finish_non_exhaustive()
    }
}

/// How far a host is from the client, as a load-balancing policy judges it: it decides the
/// pool size and whether the host is used at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HostDistance {
    /// In the local datacenter: full pool, first in plans.
    Local,
    /// Elsewhere but usable: smaller pool, after local hosts.
    Remote,
    /// Never used: no pool.
    Ignored,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_flag_reports_changes() {
        let addr = NodeAddr::new("127.0.0.1", 9042);
        let host = Host::new(Uuid::nil(), addr.clone(), addr).with_placement("dc1", "r1");
        assert!(host.is_up());
        assert!(host.set_up(false));
        assert!(!host.set_up(false));
        assert!(!host.is_up());
        assert_eq!(host.datacenter.as_deref(), Some("dc1"));
    }
}
