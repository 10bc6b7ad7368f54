//! [`RoundRobinPolicy`]: every live host in turn, ignoring datacenters.

use core::sync::atomic::{AtomicUsize, Ordering};

use super::plan::{Remote, Rotation, Tiered};
use super::{LoadBalancingPolicy, QueryPlan, RoutingInfo};
use crate::cluster::host::{Host, HostDistance};
use crate::cluster::view::ClusterView;

/// Every live host of the view, each plan starting one host further (an atomic counter);
/// every host is [`HostDistance::Local`]. For single-datacenter clusters: with several
/// datacenters it sends requests across them — use [`DcAwareRoundRobinPolicy`](super::DcAwareRoundRobinPolicy).
#[derive(Debug, Default)]
pub struct RoundRobinPolicy {
    counter: AtomicUsize,
}

impl RoundRobinPolicy {
    /// A round-robin policy starting at the first host.
    pub fn new() -> Self {
        Self::default()
    }
}

impl LoadBalancingPolicy for RoundRobinPolicy {
    fn distance(&self, _view: &ClusterView, _host: &Host) -> HostDistance {
        HostDistance::Local
    }

    fn plan<'a>(&'a self, view: &'a ClusterView, _routing: &RoutingInfo<'a>) -> QueryPlan<'a> {
        let counter = self.counter.fetch_add(1, Ordering::Relaxed);
        let all = Rotation::new([view.all_indices(), &[]], &[], counter);
        QueryPlan::tiered(Tiered::new(
            view,
            all,
            Rotation::default(),
            Remote::default(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn rotates_over_every_live_host() {
        let view = two_dc_view();
        let policy = RoundRobinPolicy::new();
        let r = RoutingInfo::new();
        let first = addrs(policy.plan(&view, &r));
        assert_eq!(
            first,
            [
                "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.1.0.1", "10.1.0.2", "10.1.0.3"
            ]
        );
        let second = addrs(policy.plan(&view, &r));
        assert_eq!(second[0], "10.0.0.2");
        assert_eq!(second[5], "10.0.0.1");
        // Each host starts a plan once per round.
        let starts: Vec<_> = (0..6)
            .map(|_| addrs(policy.plan(&view, &r))[0].clone())
            .collect();
        let mut sorted = starts.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 6, "{starts:?}");
        for h in view.hosts() {
            assert_eq!(policy.distance(&view, h), HostDistance::Local);
        }
    }

    #[test]
    fn skips_down_hosts_even_after_the_plan_was_made() {
        let view = two_dc_view();
        let policy = RoundRobinPolicy::new();
        set_up(&view, "10.0.0.2", false);
        let mut plan = policy.plan(&view, &RoutingInfo::new());
        assert_eq!(plan.next().map(|h| h.addr.host.as_str()), Some("10.0.0.1"));
        set_up(&view, "10.0.0.3", false);
        let rest: Vec<_> = plan.map(|h| h.addr.host.as_str()).collect();
        assert_eq!(rest, ["10.1.0.1", "10.1.0.2", "10.1.0.3"]);
        for h in view.hosts() {
            h.set_up(false);
        }
        assert_eq!(policy.plan(&view, &RoutingInfo::new()).count(), 0);
        let empty = crate::cluster::view::ClusterView::empty();
        assert_eq!(policy.plan(&empty, &RoutingInfo::new()).count(), 0);
    }
}
