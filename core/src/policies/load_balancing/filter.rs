//! [`HostFilterPolicy`]: a child policy restricted to the hosts a predicate accepts.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use super::{HostPredicate, LoadBalancingPolicy, QueryPlan, RoutingInfo};
use crate::cluster::host::{Host, HostDistance};
use crate::cluster::view::ClusterView;
use crate::runtime::{MaybeSend, MaybeSync, NodeAddr};

/// Wraps a child policy: hosts the predicate rejects are [`HostDistance::Ignored`] (no
/// pool) and never appear in a plan; the others keep the child's distance and order.
pub struct HostFilterPolicy<P> {
    child: P,
    predicate: Arc<dyn HostPredicate>,
    description: String,
}

impl<P: LoadBalancingPolicy> HostFilterPolicy<P> {
    /// Keeps the hosts for which `predicate` returns `true`.
    pub fn new(
        child: P,
        predicate: impl Fn(&Host) -> bool + MaybeSend + MaybeSync + 'static,
    ) -> Self {
        Self {
            child,
            predicate: Arc::new(predicate),
            description: String::from("predicate"),
        }
    }

    /// Keeps only the hosts whose address — the one the driver connects to, or the one the
    /// cluster reports — is in `addresses` (an allow-list).
    pub fn allow_addresses(child: P, addresses: impl IntoIterator<Item = NodeAddr>) -> Self {
        let mut allowed: Vec<NodeAddr> = addresses.into_iter().collect();
        allowed.sort();
        allowed.dedup();
        let description = alloc::format!("allow {} address(es)", allowed.len());
        Self {
            child,
            predicate: Arc::new(move |h: &Host| {
                allowed.binary_search(&h.addr).is_ok()
                    || allowed.binary_search(&h.reported_addr).is_ok()
            }),
            description,
        }
    }

    /// Keeps only the hosts of the named datacenters.
    pub fn allow_datacenters<S: Into<String>>(
        child: P,
        datacenters: impl IntoIterator<Item = S>,
    ) -> Self {
        let allowed: Vec<String> = datacenters.into_iter().map(Into::into).collect();
        let description = alloc::format!("allow datacenters {allowed:?}");
        Self {
            child,
            predicate: Arc::new(move |h: &Host| {
                h.datacenter
                    .as_ref()
                    .is_some_and(|dc| allowed.iter().any(|a| a == dc))
            }),
            description,
        }
    }

    /// Whether the filter lets `host` through.
    pub fn accepts(&self, host: &Host) -> bool {
        self.predicate.accept(host)
    }

    /// The wrapped policy.
    pub fn child(&self) -> &P {
        &self.child
    }
}

impl<P: fmt::Debug> fmt::Debug for HostFilterPolicy<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostFilterPolicy")
            .field("filter", &self.description)
            .field("child", &self.child)
            .finish()
    }
}

impl<P: LoadBalancingPolicy> LoadBalancingPolicy for HostFilterPolicy<P> {
    fn distance(&self, view: &ClusterView, host: &Host) -> HostDistance {
        if self.predicate.accept(host) {
            self.child.distance(view, host)
        } else {
            HostDistance::Ignored
        }
    }

    fn plan<'a>(&'a self, view: &'a ClusterView, routing: &RoutingInfo<'a>) -> QueryPlan<'a> {
        self.child.plan(view, routing).with_filter(&*self.predicate)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::{DcAwareRoundRobinPolicy, RoundRobinPolicy, TokenAwarePolicy};
    use super::*;
    use crate::message::Consistency;

    #[test]
    fn filtered_hosts_are_ignored_and_never_planned() {
        let view = two_dc_view();
        let policy = HostFilterPolicy::new(RoundRobinPolicy::new(), |h: &Host| {
            h.rack.as_deref() == Some("r1")
        });
        for _ in 0..3 {
            let plan = addrs(policy.plan(&view, &RoutingInfo::new()));
            assert_eq!(plan.len(), 4, "{plan:?}");
            assert!(!plan.contains(&"10.0.0.2".into()) && !plan.contains(&"10.1.0.2".into()));
        }
        for h in view.hosts() {
            let expected = if h.rack.as_deref() == Some("r1") {
                HostDistance::Local
            } else {
                HostDistance::Ignored
            };
            assert_eq!(policy.distance(&view, h), expected);
            assert_eq!(policy.accepts(h), expected == HostDistance::Local);
        }
        assert!(alloc::format!("{policy:?}").contains("predicate"));
    }

    #[test]
    fn allow_lists_by_address_and_datacenter() {
        let view = two_dc_view();
        let by_addr = HostFilterPolicy::allow_addresses(
            RoundRobinPolicy::new(),
            [
                NodeAddr::new("10.0.0.3", 9042),
                NodeAddr::new("10.1.0.1", 9042),
                NodeAddr::new("10.1.0.1", 9042),
                NodeAddr::new("10.1.0.2", 9999),
            ],
        );
        let mut plan = addrs(by_addr.plan(&view, &RoutingInfo::new()));
        plan.sort();
        assert_eq!(plan, ["10.0.0.3", "10.1.0.1"]);
        let by_dc = HostFilterPolicy::allow_datacenters(RoundRobinPolicy::new(), ["dc2"]);
        let plan = addrs(by_dc.plan(&view, &RoutingInfo::new()));
        assert_eq!(plan.len(), 3);
        assert!(plan.iter().all(|a| a.starts_with("10.1.")));
    }

    #[test]
    fn filter_composes_with_token_awareness_both_ways() {
        let view = two_dc_view();
        let token = token_owned_by(&view, "rf3", "10.0.0.1");
        let routing = RoutingInfo::new()
            .with_keyspace("rf3")
            .with_token(&token)
            .with_consistency(Consistency::Quorum);
        // Replicas: 10.0.0.1, 10.1.0.1, 10.0.0.2. Reject 10.0.0.1.
        let reject = |h: &Host| h.addr.host != "10.0.0.1";
        let outer = HostFilterPolicy::new(
            TokenAwarePolicy::new(RoundRobinPolicy::new()).with_shuffle(false),
            reject,
        );
        let inner = TokenAwarePolicy::new(HostFilterPolicy::new(RoundRobinPolicy::new(), reject))
            .with_shuffle(false);
        for plan in [
            addrs(outer.plan(&view, &routing)),
            addrs(inner.plan(&view, &routing)),
        ] {
            assert_eq!(&plan[..2], ["10.1.0.1", "10.0.0.2"], "{plan:?}");
            assert_eq!(plan.len(), 5, "{plan:?}");
            assert!(!plan.contains(&"10.0.0.1".into()));
        }
        // Two filters stack (the inner plan is boxed).
        let twice = HostFilterPolicy::new(
            HostFilterPolicy::new(DcAwareRoundRobinPolicy::new("dc1"), |h: &Host| {
                h.addr.host != "10.0.0.2"
            }),
            reject,
        );
        assert_eq!(addrs(twice.plan(&view, &routing)), ["10.0.0.3"]);
    }
}
