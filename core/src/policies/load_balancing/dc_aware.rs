//! [`DcAwareRoundRobinPolicy`]: the local datacenter first, remote ones only as a fallback,
//! and never for `LOCAL_*` consistency levels.

use alloc::string::String;
use core::sync::atomic::{AtomicUsize, Ordering};

use super::plan::{Remote, Rotation, Tiered};
use super::{LoadBalancingPolicy, QueryPlan, RoutingInfo};
use crate::cluster::host::{Host, HostDistance};
use crate::cluster::view::ClusterView;

/// Round robin over the live hosts of the local datacenter, then — when allowed — up to
/// [`used_hosts_per_remote_dc`](Self::with_used_hosts_per_remote_dc) live hosts of each
/// other datacenter (in view order, as the Python driver picks them).
///
/// * The local datacenter is the one given, else the view's
///   [hint](ClusterView::local_datacenter_hint) (the datacenter of the node the driver
///   first connected to). With neither, every host is local.
/// * Hosts whose datacenter is unknown count as local (as in the Python driver).
/// * Remote hosts are [`HostDistance::Remote`] when they are among the first
///   `used_hosts_per_remote_dc` live hosts of their datacenter, [`HostDistance::Ignored`]
///   otherwise; with the default of 0, remote datacenters are never used.
/// * Requests at `LOCAL_ONE`, `LOCAL_QUORUM` or `LOCAL_SERIAL` never go to a remote host
///   (the Java driver 4's default), unless
///   [`allow_remote_for_local_consistency`](Self::allow_remote_for_local_consistency).
#[derive(Debug, Default)]
pub struct DcAwareRoundRobinPolicy {
    local_dc: Option<String>,
    used_hosts_per_remote_dc: usize,
    remote_for_local_consistency: bool,
    counter: AtomicUsize,
}

impl DcAwareRoundRobinPolicy {
    /// A policy whose local datacenter is `local_dc`.
    pub fn new(local_dc: impl Into<String>) -> Self {
        Self {
            local_dc: Some(local_dc.into()),
            ..Self::default()
        }
    }

    /// A policy taking the local datacenter from the view's hint.
    pub fn with_inferred_local_dc() -> Self {
        Self::default()
    }

    /// Uses up to `n` live hosts of each remote datacenter after the local ones (default 0).
    #[must_use]
    pub fn with_used_hosts_per_remote_dc(mut self, n: usize) -> Self {
        self.used_hosts_per_remote_dc = n;
        self
    }

    /// Lets `LOCAL_*` requests fail over to remote hosts too (default: no — a `LOCAL_*`
    /// level evaluated in another datacenter would not mean what the user asked for).
    #[must_use]
    pub fn allow_remote_for_local_consistency(mut self, allow: bool) -> Self {
        self.remote_for_local_consistency = allow;
        self
    }

    /// The configured local datacenter (`None`: the view's hint is used).
    pub fn local_dc(&self) -> Option<&str> {
        self.local_dc.as_deref()
    }

    /// The local datacenter this policy uses with `view`.
    pub fn resolved_local_dc<'a>(&'a self, view: &'a ClusterView) -> Option<&'a str> {
        resolve_local_dc(self.local_dc.as_deref(), view)
    }

    /// How many remote hosts per datacenter a request with `routing` may use.
    fn remote_per_dc(&self, routing: &RoutingInfo<'_>) -> usize {
        if routing.is_dc_local() && !self.remote_for_local_consistency {
            0
        } else {
            self.used_hosts_per_remote_dc
        }
    }
}

impl LoadBalancingPolicy for DcAwareRoundRobinPolicy {
    fn distance(&self, view: &ClusterView, host: &Host) -> HostDistance {
        dc_distance(
            view,
            self.resolved_local_dc(view),
            self.used_hosts_per_remote_dc,
            host,
        )
    }

    fn plan<'a>(&'a self, view: &'a ClusterView, routing: &RoutingInfo<'a>) -> QueryPlan<'a> {
        let counter = self.counter.fetch_add(1, Ordering::Relaxed);
        let local = self.resolved_local_dc(view);
        QueryPlan::tiered(Tiered::new(
            view,
            Rotation::new(local_parts(view, local), &[], counter),
            Rotation::default(),
            Remote::new(view, local, self.remote_per_dc(routing)),
        ))
    }
}

/// The local datacenter: the configured one, else the view's hint.
pub(super) fn resolve_local_dc<'a>(
    configured: Option<&'a str>,
    view: &'a ClusterView,
) -> Option<&'a str> {
    configured.or_else(|| view.local_datacenter_hint())
}

/// The host indices that are local when the local datacenter is `local`: its hosts and
/// those of unknown datacenter; every host when `local` is unknown.
pub(super) fn local_parts<'a>(view: &'a ClusterView, local: Option<&str>) -> [&'a [usize]; 2] {
    let Some(local) = local else {
        return [view.all_indices(), &[]];
    };
    let named = view.datacenter(Some(local)).map_or(&[][..], |d| d.hosts());
    let unknown = view.datacenter(None).map_or(&[][..], |d| d.hosts());
    [named, unknown]
}

/// The distance of `host` under a DC-aware rule: local datacenter (or unknown ones) →
/// local; among the first `per_dc` live hosts of its remote datacenter → remote; else
/// ignored.
pub(super) fn dc_distance(
    view: &ClusterView,
    local: Option<&str>,
    per_dc: usize,
    host: &Host,
) -> HostDistance {
    let (Some(local), Some(dc)) = (local, host.datacenter.as_deref()) else {
        return HostDistance::Local;
    };
    if dc == local {
        return HostDistance::Local;
    }
    if per_dc == 0 {
        return HostDistance::Ignored;
    }
    let Some(group) = view.datacenter(Some(dc)) else {
        return HostDistance::Ignored;
    };
    let mut live_before = 0usize;
    for other in group.hosts().iter().filter_map(|&i| view.host_at(i)) {
        if core::ptr::eq(&**other, host) || other.host_id == host.host_id {
            return if live_before < per_dc {
                HostDistance::Remote
            } else {
                HostDistance::Ignored
            };
        }
        if other.is_up() {
            live_before += 1;
        }
    }
    HostDistance::Ignored
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::message::Consistency;
    use alloc::sync::Arc;
    use alloc::vec;
    use alloc::vec::Vec;

    fn quorum() -> RoutingInfo<'static> {
        RoutingInfo::new().with_consistency(Consistency::Quorum)
    }

    #[test]
    fn never_leaves_the_local_dc_while_it_has_live_hosts() {
        let view = two_dc_view();
        let policy = DcAwareRoundRobinPolicy::new("dc2").with_used_hosts_per_remote_dc(2);
        for _ in 0..6 {
            let plan = addrs(policy.plan(&view, &quorum()));
            assert_eq!(plan.len(), 5, "{plan:?}");
            assert!(plan[..3].iter().all(|a| a.starts_with("10.1.")), "{plan:?}");
            assert_eq!(&plan[3..], ["10.0.0.1", "10.0.0.2"]);
        }
        // Local hosts rotate.
        let firsts: Vec<_> = (0..3)
            .map(|_| addrs(policy.plan(&view, &quorum()))[0].clone())
            .collect();
        assert_eq!(firsts.len(), 3);
        assert!(
            firsts[0] != firsts[1] && firsts[1] != firsts[2],
            "{firsts:?}"
        );
        // Remote hosts come only after every live local host.
        set_up(&view, "10.1.0.1", false);
        set_up(&view, "10.1.0.2", false);
        let plan = addrs(policy.plan(&view, &quorum()));
        assert_eq!(plan, ["10.1.0.3", "10.0.0.1", "10.0.0.2"]);
        // A remote host going down lets the next one in.
        set_up(&view, "10.0.0.1", false);
        let plan = addrs(policy.plan(&view, &quorum()));
        assert_eq!(plan, ["10.1.0.3", "10.0.0.2", "10.0.0.3"]);
    }

    #[test]
    fn default_uses_no_remote_host() {
        let view = two_dc_view();
        let policy = DcAwareRoundRobinPolicy::new("dc1");
        let plan = addrs(policy.plan(&view, &quorum()));
        assert_eq!(plan.len(), 3);
        assert!(plan.iter().all(|a| a.starts_with("10.0.")), "{plan:?}");
        for h in view.hosts() {
            let expected = if h.addr.host.starts_with("10.0.") {
                HostDistance::Local
            } else {
                HostDistance::Ignored
            };
            assert_eq!(policy.distance(&view, h), expected, "{}", h.addr);
        }
        // All local hosts down: nothing to try.
        for a in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
            set_up(&view, a, false);
        }
        assert_eq!(policy.plan(&view, &quorum()).count(), 0);
    }

    #[test]
    fn local_consistency_never_goes_remote() {
        let view = two_dc_view();
        let policy = DcAwareRoundRobinPolicy::new("dc1").with_used_hosts_per_remote_dc(3);
        for c in [
            Consistency::LocalOne,
            Consistency::LocalQuorum,
            Consistency::LocalSerial,
        ] {
            let r = RoutingInfo::new().with_consistency(c);
            let plan = addrs(policy.plan(&view, &r));
            assert!(
                plan.iter().all(|a| a.starts_with("10.0.")),
                "{c:?} {plan:?}"
            );
        }
        for c in [Consistency::One, Consistency::Quorum, Consistency::Serial] {
            let r = RoutingInfo::new().with_consistency(c);
            assert_eq!(policy.plan(&view, &r).count(), 6, "{c:?}");
        }
        let allowed = DcAwareRoundRobinPolicy::new("dc1")
            .with_used_hosts_per_remote_dc(1)
            .allow_remote_for_local_consistency(true);
        let plan = addrs(allowed.plan(&view, &RoutingInfo::new()));
        assert_eq!(plan.len(), 4);
        assert_eq!(plan[3], "10.1.0.1");
    }

    #[test]
    fn remote_distance_follows_live_hosts() {
        let view = two_dc_view();
        let policy = DcAwareRoundRobinPolicy::new("dc1").with_used_hosts_per_remote_dc(1);
        let d = |addr: &str| {
            let h = view.hosts().iter().find(|h| h.addr.host == addr).unwrap();
            policy.distance(&view, h)
        };
        assert_eq!(d("10.0.0.3"), HostDistance::Local);
        assert_eq!(d("10.1.0.1"), HostDistance::Remote);
        assert_eq!(d("10.1.0.2"), HostDistance::Ignored);
        set_up(&view, "10.1.0.1", false);
        assert_eq!(d("10.1.0.2"), HostDistance::Remote);
        // A host the view does not know is ignored.
        let stranger = host("10.9.0.1", "dc9", "r1", &[]);
        assert_eq!(policy.distance(&view, &stranger), HostDistance::Ignored);
    }

    #[test]
    fn local_dc_from_the_view_hint_or_everything() {
        let view = two_dc_view();
        let inferred = DcAwareRoundRobinPolicy::with_inferred_local_dc();
        assert_eq!(inferred.local_dc(), None);
        assert_eq!(inferred.resolved_local_dc(&view), Some("dc1"));
        let plan = addrs(inferred.plan(&view, &quorum()));
        assert!(plan.iter().all(|a| a.starts_with("10.0.")), "{plan:?}");

        // No hint, no configured DC: every host is local.
        let hosts = view.hosts().to_vec();
        let unhinted = ClusterView::new(hosts, None, []);
        assert_eq!(inferred.plan(&unhinted, &quorum()).count(), 6);
        for h in unhinted.hosts() {
            assert_eq!(inferred.distance(&unhinted, h), HostDistance::Local);
        }
    }

    #[test]
    fn hosts_of_unknown_datacenter_count_as_local() {
        let addr = crate::runtime::NodeAddr::new("10.5.0.1", 9042);
        let unknown = Arc::new(Host::new(uuid::Uuid::from_u128(99), addr.clone(), addr));
        let hosts = vec![
            host("10.0.0.1", "dc1", "r1", &[]),
            host("10.1.0.1", "dc2", "r1", &[]),
            unknown,
        ];
        let view = ClusterView::new(hosts, None, []);
        let policy = DcAwareRoundRobinPolicy::new("dc1");
        let plan = addrs(policy.plan(&view, &quorum()));
        assert_eq!(plan.len(), 2);
        assert!(plan.contains(&"10.5.0.1".into()), "{plan:?}");
        assert_eq!(
            policy.distance(&view, &view.hosts()[2]),
            HostDistance::Local
        );
        // A configured DC that no host has: no local host at all.
        let typo = DcAwareRoundRobinPolicy::new("dc-typo");
        assert_eq!(addrs(typo.plan(&view, &quorum())), ["10.5.0.1"]);
    }
}
