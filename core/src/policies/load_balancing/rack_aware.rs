//! [`RackAwareRoundRobinPolicy`]: the local rack first, then the rest of the local
//! datacenter, then (optionally) remote datacenters.

use alloc::string::String;
use core::sync::atomic::{AtomicUsize, Ordering};

use super::dc_aware::{dc_distance, local_parts, resolve_local_dc};
use super::plan::{Remote, Rotation, Tiered};
use super::{LoadBalancingPolicy, QueryPlan, RoutingInfo};
use crate::cluster::host::{Host, HostDistance};
use crate::cluster::view::ClusterView;

/// Like [`DcAwareRoundRobinPolicy`](super::DcAwareRoundRobinPolicy), but inside the local
/// datacenter the live hosts of the local rack come first (rotating), then the other live
/// local hosts (rotating), then up to `used_hosts_per_remote_dc` live hosts of each remote
/// datacenter (never for `LOCAL_*` levels unless allowed). This is the plan of the Python
/// driver's `RackAwareRoundRobinPolicy`.
///
/// Distances are the DC-aware ones (every host of the local datacenter is
/// [`HostDistance::Local`]). The rack is looked up in the local datacenter, so without a
/// known local datacenter (neither configured nor hinted by the view) the rack preference
/// is off and every host is local.
#[derive(Debug)]
pub struct RackAwareRoundRobinPolicy {
    local_dc: Option<String>,
    local_rack: String,
    used_hosts_per_remote_dc: usize,
    remote_for_local_consistency: bool,
    counter: AtomicUsize,
}

impl RackAwareRoundRobinPolicy {
    /// A policy preferring `local_rack` of `local_dc` (`None`: the view's hint).
    pub fn new(local_dc: Option<String>, local_rack: impl Into<String>) -> Self {
        Self {
            local_dc,
            local_rack: local_rack.into(),
            used_hosts_per_remote_dc: 0,
            remote_for_local_consistency: false,
            counter: AtomicUsize::new(0),
        }
    }

    /// Uses up to `n` live hosts of each remote datacenter after the local ones (default 0).
    #[must_use]
    pub fn with_used_hosts_per_remote_dc(mut self, n: usize) -> Self {
        self.used_hosts_per_remote_dc = n;
        self
    }

    /// Lets `LOCAL_*` requests fail over to remote hosts too (default: no).
    #[must_use]
    pub fn allow_remote_for_local_consistency(mut self, allow: bool) -> Self {
        self.remote_for_local_consistency = allow;
        self
    }

    /// The preferred rack.
    pub fn local_rack(&self) -> &str {
        &self.local_rack
    }
}

impl LoadBalancingPolicy for RackAwareRoundRobinPolicy {
    fn distance(&self, view: &ClusterView, host: &Host) -> HostDistance {
        dc_distance(
            view,
            resolve_local_dc(self.local_dc.as_deref(), view),
            self.used_hosts_per_remote_dc,
            host,
        )
    }

    fn plan<'a>(&'a self, view: &'a ClusterView, routing: &RoutingInfo<'a>) -> QueryPlan<'a> {
        let counter = self.counter.fetch_add(1, Ordering::Relaxed);
        let local = resolve_local_dc(self.local_dc.as_deref(), view);
        let rack: &[usize] = local
            .and_then(|dc| view.datacenter(Some(dc)))
            .and_then(|dc| dc.rack(Some(&self.local_rack)))
            .map_or(&[], |r| r.hosts());
        let per_dc = if routing.is_dc_local() && !self.remote_for_local_consistency {
            0
        } else {
            self.used_hosts_per_remote_dc
        };
        QueryPlan::tiered(Tiered::new(
            view,
            Rotation::new([rack, &[]], &[], counter),
            Rotation::new(local_parts(view, local), rack, counter),
            Remote::new(view, local, per_dc),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::message::Consistency;
    use alloc::vec::Vec;

    #[test]
    fn local_rack_then_local_dc_then_remote() {
        let view = two_dc_view();
        let policy = RackAwareRoundRobinPolicy::new(Some("dc1".into()), "r1")
            .with_used_hosts_per_remote_dc(1);
        assert_eq!(policy.local_rack(), "r1");
        let quorum = RoutingInfo::new().with_consistency(Consistency::Quorum);
        let mut firsts = Vec::new();
        for _ in 0..4 {
            let plan = addrs(policy.plan(&view, &quorum));
            assert_eq!(plan.len(), 4, "{plan:?}");
            let mut rack: Vec<_> = plan[..2].to_vec();
            rack.sort();
            assert_eq!(rack, ["10.0.0.1", "10.0.0.3"]);
            assert_eq!(plan[2], "10.0.0.2");
            assert_eq!(plan[3], "10.1.0.1");
            firsts.push(plan[0].clone());
        }
        // The rack rotates.
        assert_ne!(firsts[0], firsts[1]);
        // LOCAL_* stays in the local DC.
        let plan = addrs(policy.plan(&view, &RoutingInfo::new()));
        assert_eq!(plan.len(), 3);
        // Rack down: the rest of the local DC, then remote.
        set_up(&view, "10.0.0.1", false);
        set_up(&view, "10.0.0.3", false);
        let plan = addrs(policy.plan(&view, &quorum));
        assert_eq!(plan, ["10.0.0.2", "10.1.0.1"]);
        let allowed = RackAwareRoundRobinPolicy::new(Some("dc1".into()), "r1")
            .with_used_hosts_per_remote_dc(1)
            .allow_remote_for_local_consistency(true);
        assert_eq!(
            addrs(allowed.plan(&view, &RoutingInfo::new())),
            ["10.0.0.2", "10.1.0.1"]
        );
    }

    #[test]
    fn distances_are_dc_aware() {
        let view = two_dc_view();
        let policy = RackAwareRoundRobinPolicy::new(None, "r2");
        for h in view.hosts() {
            let expected = if h.addr.host.starts_with("10.0.") {
                HostDistance::Local
            } else {
                HostDistance::Ignored
            };
            assert_eq!(policy.distance(&view, h), expected);
        }
        // Hinted dc1, rack r2 first.
        let plan = addrs(policy.plan(&view, &RoutingInfo::new()));
        assert_eq!(plan[0], "10.0.0.2");
        assert_eq!(plan.len(), 3);
        // An unknown rack: plain DC-aware order.
        let none = RackAwareRoundRobinPolicy::new(Some("dc2".into()), "r9");
        let plan = addrs(none.plan(&view, &RoutingInfo::new()));
        assert_eq!(plan.len(), 3);
        assert!(plan.iter().all(|a| a.starts_with("10.1.")));
    }
}
