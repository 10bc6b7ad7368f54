//! Load balancing: which hosts a request tries, in which order, and how far each host is.
//!
//! A [`LoadBalancingPolicy`] answers two questions over a [`ClusterView`]:
//! [`distance`](LoadBalancingPolicy::distance) (decides a host's pool size, or that it gets
//! no pool) and [`plan`](LoadBalancingPolicy::plan) (the lazy [`QueryPlan`] of one request).
//!
//! | policy | plan |
//! |--------|------|
//! | [`RoundRobinPolicy`] | every live host, rotating |
//! | [`DcAwareRoundRobinPolicy`] | live local-DC hosts rotating, then up to N live hosts per remote DC (never for `LOCAL_*`) |
//! | [`RackAwareRoundRobinPolicy`] | the local rack, then the rest of the local DC, then remote as above |
//! | [`TokenAwarePolicy`] | the replicas its child considers local and up (shuffled or in ring order), then the child's plan without them |
//! | [`HostFilterPolicy`] | its child's, without the hosts a predicate rejects (those are [`HostDistance::Ignored`]) |
//!
//! Down hosts are skipped, as the Java driver 4 and the Python driver do (their plans hold
//! live hosts only); the up flag is read when the plan reaches a host, so a plan created
//! before a host failed does not try it. A plan never yields a host twice.
//!
//! [`default_load_balancing_policy`] is token-aware over DC-aware.
//!
//! What allocates: nothing per plan for the built-in policies (one filter at most in a
//! stack); [`QueryPlan::custom`] boxes a custom policy's iterator.
//!
//! ```
//! use std::sync::Arc;
//! use cql_core::cluster::host::Host;
//! use cql_core::cluster::replication::ReplicationStrategy;
//! use cql_core::cluster::token::{Partitioner, Token};
//! use cql_core::cluster::view::ClusterView;
//! use cql_core::policies::load_balancing::{
//!     LoadBalancingPolicy, RoutingInfo, default_load_balancing_policy,
//! };
//! use cql_core::runtime::NodeAddr;
//! use uuid::Uuid;
//!
//! let host = |n: u8, dc: &str, token: i64| {
//!     let addr = NodeAddr::new(format!("10.0.0.{n}"), 9042);
//!     Arc::new(
//!         Host::new(Uuid::from_u128(n.into()), addr.clone(), addr)
//!             .with_placement(dc, "rack1")
//!             .with_tokens(vec![Token::Murmur3(token)]),
//!     )
//! };
//! let view = ClusterView::new(
//!     vec![host(1, "dc1", -100), host(2, "dc1", 0), host(3, "dc2", 100)],
//!     Some(Partitioner::Murmur3),
//!     [("ks".to_string(), ReplicationStrategy::Simple { replication_factor: 1 })],
//! );
//! let policy = default_load_balancing_policy(Some("dc1".into()));
//! let token = Token::Murmur3(-5); // owned by 10.0.0.2 (token 0)
//! let routing = RoutingInfo::new().with_keyspace("ks").with_token(&token);
//! let plan: Vec<_> = policy.plan(&view, &routing).map(|h| h.addr.to_string()).collect();
//! assert_eq!(plan, ["10.0.0.2:9042", "10.0.0.1:9042"]); // the replica, then dc1
//! ```

mod dc_aware;
mod filter;
mod plan;
mod rack_aware;
mod round_robin;
mod token_aware;

#[cfg(test)]
mod test_util;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;

pub use dc_aware::DcAwareRoundRobinPolicy;
pub use filter::HostFilterPolicy;
pub use plan::QueryPlan;
pub use rack_aware::RackAwareRoundRobinPolicy;
pub use round_robin::RoundRobinPolicy;
pub use token_aware::TokenAwarePolicy;

use crate::cluster::host::{Host, HostDistance};
use crate::cluster::token::Token;
use crate::cluster::view::ClusterView;
use crate::message::Consistency;
use crate::runtime::{MaybeSend, MaybeSync};

/// What a load-balancing policy may use to order the hosts of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoutingInfo<'a> {
    /// The keyspace the request runs in (the statement's, else the session's), for replica
    /// lookups.
    pub keyspace: Option<&'a str>,
    /// The token of the request's partition key, when known (prepared statements with all
    /// partition-key values bound, or a statement with an explicit routing key).
    pub token: Option<&'a Token>,
    /// The request's consistency level: `LOCAL_*` levels keep a DC-aware plan in the local
    /// datacenter.
    pub consistency: Consistency,
    /// Whether the request is a lightweight transaction: token-aware plans then keep the
    /// replicas in ring order (the same coordinator for every client limits Paxos
    /// contention) instead of shuffling them.
    pub is_lwt: bool,
}

impl<'a> RoutingInfo<'a> {
    /// No keyspace, no token, the default consistency (`LOCAL_ONE`), not an LWT.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same, running in `keyspace`.
    #[must_use]
    pub fn with_keyspace(mut self, keyspace: &'a str) -> Self {
        self.keyspace = Some(keyspace);
        self
    }

    /// The same, for the partition of `token`.
    #[must_use]
    pub fn with_token(mut self, token: &'a Token) -> Self {
        self.token = Some(token);
        self
    }

    /// The same, at `consistency`.
    #[must_use]
    pub fn with_consistency(mut self, consistency: Consistency) -> Self {
        self.consistency = consistency;
        self
    }

    /// The same, marked as a lightweight transaction or not.
    #[must_use]
    pub fn with_lwt(mut self, is_lwt: bool) -> Self {
        self.is_lwt = is_lwt;
        self
    }

    /// Whether the consistency level is one of the datacenter-local ones (`LOCAL_ONE`,
    /// `LOCAL_QUORUM`, `LOCAL_SERIAL`), which must not be sent to a remote datacenter.
    pub fn is_dc_local(&self) -> bool {
        matches!(
            self.consistency,
            Consistency::LocalOne | Consistency::LocalQuorum | Consistency::LocalSerial
        )
    }
}

/// Decides, over a [`ClusterView`], how far each host is and which hosts each request
/// tries in which order.
///
/// Implementations are pure: the same view, routing info and internal counter give the
/// same answer. Keep [`plan`](Self::plan) cheap — it runs for every request.
pub trait LoadBalancingPolicy: fmt::Debug + MaybeSend + MaybeSync {
    /// How far `host` is: [`HostDistance::Local`] and [`HostDistance::Remote`] hosts get a
    /// pool (of the size configured for that distance), [`HostDistance::Ignored`] ones get
    /// none and are never in a plan.
    fn distance(&self, view: &ClusterView, host: &Host) -> HostDistance;

    /// The hosts to try for one request, in order, lazily.
    fn plan<'a>(&'a self, view: &'a ClusterView, routing: &RoutingInfo<'a>) -> QueryPlan<'a>;
}

impl<P: LoadBalancingPolicy + ?Sized> LoadBalancingPolicy for Arc<P> {
    fn distance(&self, view: &ClusterView, host: &Host) -> HostDistance {
        (**self).distance(view, host)
    }

    fn plan<'a>(&'a self, view: &'a ClusterView, routing: &RoutingInfo<'a>) -> QueryPlan<'a> {
        (**self).plan(view, routing)
    }
}

impl<P: LoadBalancingPolicy + ?Sized> LoadBalancingPolicy for Box<P> {
    fn distance(&self, view: &ClusterView, host: &Host) -> HostDistance {
        (**self).distance(view, host)
    }

    fn plan<'a>(&'a self, view: &'a ClusterView, routing: &RoutingInfo<'a>) -> QueryPlan<'a> {
        (**self).plan(view, routing)
    }
}

/// A host predicate for [`HostFilterPolicy`]: any `Fn(&Host) -> bool` that is
/// `Send + Sync` on native targets.
pub trait HostPredicate: MaybeSend + MaybeSync {
    /// Whether the host may be used.
    fn accept(&self, host: &Host) -> bool;
}

impl<F: Fn(&Host) -> bool + MaybeSend + MaybeSync> HostPredicate for F {
    fn accept(&self, host: &Host) -> bool {
        self(host)
    }
}

/// The driver's default: [`TokenAwarePolicy`] (replicas shuffled) over
/// [`DcAwareRoundRobinPolicy`] with `local_dc` (or, when `None`, the datacenter of the
/// node the driver first connected to) and no remote hosts.
pub fn default_load_balancing_policy(
    local_dc: Option<String>,
) -> TokenAwarePolicy<DcAwareRoundRobinPolicy> {
    let dc_aware = match local_dc {
        Some(dc) => DcAwareRoundRobinPolicy::new(dc),
        None => DcAwareRoundRobinPolicy::default(),
    };
    TokenAwarePolicy::new(dc_aware)
}

#[cfg(test)]
mod tests {
    use super::test_util::*;
    use super::*;

    #[test]
    fn routing_info_builders() {
        let token = Token::Murmur3(1);
        let r = RoutingInfo::new()
            .with_keyspace("ks")
            .with_token(&token)
            .with_consistency(Consistency::Quorum)
            .with_lwt(true);
        assert_eq!(r.keyspace, Some("ks"));
        assert_eq!(r.token, Some(&token));
        assert!(r.is_lwt && !r.is_dc_local());
        assert!(RoutingInfo::new().is_dc_local());
        for c in [Consistency::LocalQuorum, Consistency::LocalSerial] {
            assert!(RoutingInfo::new().with_consistency(c).is_dc_local());
        }
        for c in [
            Consistency::One,
            Consistency::EachQuorum,
            Consistency::Serial,
        ] {
            assert!(!RoutingInfo::new().with_consistency(c).is_dc_local());
        }
    }

    #[test]
    fn default_policy_is_token_aware_over_dc_aware() {
        let view = two_dc_view();
        let policy = default_load_balancing_policy(Some("dc2".into()));
        let token = token_owned_by(&view, "ks", "10.1.0.1");
        let routing = RoutingInfo::new().with_keyspace("ks").with_token(&token);
        let plan = addrs(policy.plan(&view, &routing));
        assert_eq!(plan.len(), 3, "{plan:?}");
        assert!(plan.iter().all(|a| a.starts_with("10.1.")), "{plan:?}");
        // The dc2 replica of the token comes first (RF 1 per DC in "ks").
        assert_eq!(plan[0], "10.1.0.1");
        // No local DC given: the view's hint (dc1) is used.
        let hinted = default_load_balancing_policy(None);
        let plan = addrs(hinted.plan(&view, &RoutingInfo::new()));
        assert!(plan.iter().all(|a| a.starts_with("10.0.")), "{plan:?}");
    }

    #[test]
    fn shared_and_boxed_policies_delegate() {
        let view = two_dc_view();
        let shared: Arc<dyn LoadBalancingPolicy> = Arc::new(RoundRobinPolicy::new());
        let boxed: Box<dyn LoadBalancingPolicy> = Box::new(RoundRobinPolicy::new());
        let host = &view.hosts()[0];
        assert_eq!(shared.distance(&view, host), HostDistance::Local);
        assert_eq!(boxed.distance(&view, host), HostDistance::Local);
        assert_eq!(shared.plan(&view, &RoutingInfo::new()).count(), 6);
        assert_eq!(boxed.plan(&view, &RoutingInfo::new()).count(), 6);
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn plans_and_policies_are_send_and_sync() {
        fn send<T: Send>(_: &T) {}
        fn sync<T: Send + Sync>() {}
        sync::<TokenAwarePolicy<DcAwareRoundRobinPolicy>>();
        sync::<HostFilterPolicy<RackAwareRoundRobinPolicy>>();
        sync::<Arc<dyn LoadBalancingPolicy>>();
        let view = two_dc_view();
        let policy = default_load_balancing_policy(None);
        send(&policy.plan(&view, &RoutingInfo::new()));
    }
}
