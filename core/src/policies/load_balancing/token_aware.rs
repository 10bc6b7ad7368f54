//! [`TokenAwarePolicy`]: the partition's replicas first, then the child policy's plan.

use core::sync::atomic::{AtomicUsize, Ordering};

use super::plan::ReplicasFirst;
use super::{LoadBalancingPolicy, QueryPlan, RoutingInfo};
use crate::cluster::host::{Host, HostDistance};
use crate::cluster::view::ClusterView;
use crate::policies::rng::SplitMix64;

/// The default seed of the replica shuffle; the session replaces it with one from its
/// runtime's clock ([`TokenAwarePolicy::with_seed`]).
const DEFAULT_SEED: u64 = 0x5EED_CA55_A4D2_A001;

/// Wraps a child policy: when the request's keyspace and token are known, the plan starts
/// with the token's replicas that are up and that the child considers
/// [`HostDistance::Local`], then continues with the child's plan minus the replicas already
/// given (so remote or down replicas keep their place in the child's order).
///
/// Replicas are shuffled by default (spreading a hot partition's load over its replicas, as
/// the Java 4 and Python drivers do), with a seedable generator; lightweight transactions
/// ([`RoutingInfo::is_lwt`]) always keep ring order (primary replica first), so concurrent
/// Paxos rounds on one partition meet the same coordinator. The shuffle permutes the first
/// 16 replicas; the head considers at most 64 (replicas beyond come in the child's order).
///
/// Without a keyspace, a token, or replicas for them, the plan is the child's. Distances
/// are the child's.
#[derive(Debug)]
pub struct TokenAwarePolicy<P> {
    child: P,
    shuffle: bool,
    seed: u64,
    counter: AtomicUsize,
}

impl<P: LoadBalancingPolicy> TokenAwarePolicy<P> {
    /// Token awareness over `child`, replicas shuffled.
    pub fn new(child: P) -> Self {
        Self {
            child,
            shuffle: true,
            seed: DEFAULT_SEED,
            counter: AtomicUsize::new(0),
        }
    }

    /// Shuffles the replicas (default) or keeps them in ring order (primary first).
    #[must_use]
    pub fn with_shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// Seeds the replica shuffle (same seed, same sequence of plans).
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The wrapped policy.
    pub fn child(&self) -> &P {
        &self.child
    }
}

impl<P: LoadBalancingPolicy> LoadBalancingPolicy for TokenAwarePolicy<P> {
    fn distance(&self, view: &ClusterView, host: &Host) -> HostDistance {
        self.child.distance(view, host)
    }

    fn plan<'a>(&'a self, view: &'a ClusterView, routing: &RoutingInfo<'a>) -> QueryPlan<'a> {
        let child_plan = self.child.plan(view, routing);
        let (Some(keyspace), Some(token)) = (routing.keyspace, routing.token) else {
            return child_plan;
        };
        let replicas = view.replicas(keyspace, token);
        if replicas.is_empty() {
            return child_plan;
        }
        let rng = (self.shuffle && !routing.is_lwt && replicas.len() > 1).then(|| {
            let stream = self.counter.fetch_add(1, Ordering::Relaxed);
            SplitMix64::for_stream(self.seed, stream as u64)
        });
        child_plan.with_replicas_first(ReplicasFirst::new(view, replicas, &self.child, rng))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::{DcAwareRoundRobinPolicy, RoundRobinPolicy};
    use super::*;
    use crate::cluster::token::Token;
    use crate::message::Consistency;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn ring_order(view: &ClusterView, ks: &str, token: &Token) -> Vec<String> {
        view.replicas(ks, token)
            .iter()
            .map(|h| h.addr.host.clone())
            .collect()
    }

    #[test]
    fn replicas_first_in_ring_order_then_the_child_plan_without_them() {
        let view = two_dc_view();
        let policy = TokenAwarePolicy::new(RoundRobinPolicy::new()).with_shuffle(false);
        let token = token_owned_by(&view, "rf3", "10.1.0.2");
        let routing = RoutingInfo::new().with_keyspace("rf3").with_token(&token);
        let replicas = ring_order(&view, "rf3", &token);
        assert_eq!(replicas, ["10.1.0.2", "10.0.0.3", "10.1.0.3"]);
        for _ in 0..4 {
            let plan = addrs(policy.plan(&view, &routing));
            assert_eq!(&plan[..3], &replicas[..], "{plan:?}");
            assert_eq!(plan.len(), 6, "no duplicates: {plan:?}");
            let mut sorted = plan.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), 6);
        }
        // A down replica is skipped in the head and in the tail.
        set_up(&view, "10.0.0.3", false);
        let plan = addrs(policy.plan(&view, &routing));
        assert_eq!(&plan[..2], ["10.1.0.2", "10.1.0.3"]);
        assert_eq!(plan.len(), 5);
        assert!(!plan.contains(&"10.0.0.3".into()));
    }

    #[test]
    fn only_replicas_the_child_considers_local_go_first() {
        let view = two_dc_view();
        let child = DcAwareRoundRobinPolicy::new("dc1").with_used_hosts_per_remote_dc(1);
        let policy = TokenAwarePolicy::new(child).with_shuffle(false);
        // nts (dc1:2, dc2:2) replicas of 10.1.0.2's token: dc2 ones are not local to dc1.
        let token = token_owned_by(&view, "nts", "10.1.0.2");
        let replicas = ring_order(&view, "nts", &token);
        assert_eq!(replicas.len(), 4);
        let local: Vec<_> = replicas
            .iter()
            .filter(|a| a.starts_with("10.0."))
            .cloned()
            .collect();
        let routing = RoutingInfo::new()
            .with_keyspace("nts")
            .with_token(&token)
            .with_consistency(Consistency::Quorum);
        let plan = addrs(policy.plan(&view, &routing));
        assert_eq!(&plan[..2], &local[..], "{plan:?}");
        assert_eq!(plan.len(), 4, "{plan:?}");
        // The remote host keeps its place in the child's plan (last).
        assert_eq!(plan[3], "10.1.0.1");
        assert!(plan[..3].iter().all(|a| a.starts_with("10.0.")));
        // LOCAL_* never reaches the remote replica.
        let local_routing = routing.with_consistency(Consistency::LocalQuorum);
        let plan = addrs(policy.plan(&view, &local_routing));
        assert!(plan.iter().all(|a| a.starts_with("10.0.")), "{plan:?}");
        for h in view.hosts() {
            assert_eq!(policy.distance(&view, h), policy.child().distance(&view, h));
        }
    }

    #[test]
    fn shuffles_replicas_reproducibly_but_not_lwt() {
        let view = two_dc_view();
        let make = |seed| TokenAwarePolicy::new(RoundRobinPolicy::new()).with_seed(seed);
        let token = token_owned_by(&view, "rf3", "10.0.0.1");
        let routing = RoutingInfo::new().with_keyspace("rf3").with_token(&token);
        let replicas = ring_order(&view, "rf3", &token);
        let (a, b) = (make(7), make(7));
        let mut firsts = Vec::new();
        for _ in 0..60 {
            let pa = addrs(a.plan(&view, &routing));
            let pb = addrs(b.plan(&view, &routing));
            assert_eq!(pa, pb, "same seed, same plans");
            let mut head = pa[..3].to_vec();
            head.sort();
            let mut expected = replicas.clone();
            expected.sort();
            assert_eq!(head, expected);
            assert_eq!(pa.len(), 6);
            firsts.push(pa[0].clone());
        }
        // Every replica leads some plans.
        for r in &replicas {
            assert!(firsts.contains(r), "{r} never first: {firsts:?}");
        }
        // LWT: ring order every time.
        let lwt = routing.with_lwt(true);
        for _ in 0..5 {
            assert_eq!(&addrs(a.plan(&view, &lwt))[..3], &replicas[..]);
        }
    }

    #[test]
    fn falls_back_to_the_child_without_routing_or_replicas() {
        let view = two_dc_view();
        let policy = TokenAwarePolicy::new(RoundRobinPolicy::new());
        let token = Token::Murmur3(5);
        for routing in [
            RoutingInfo::new(),
            RoutingInfo::new().with_keyspace("rf3"),
            RoutingInfo::new().with_token(&token),
            RoutingInfo::new()
                .with_keyspace("unknown")
                .with_token(&token),
        ] {
            let plan = addrs(policy.plan(&view, &routing));
            assert_eq!(plan.len(), 6, "{routing:?}");
        }
    }

    #[test]
    fn nested_token_awareness_still_gives_each_host_once() {
        let view = two_dc_view();
        let inner = TokenAwarePolicy::new(RoundRobinPolicy::new()).with_shuffle(false);
        let outer = TokenAwarePolicy::new(inner).with_shuffle(false);
        let token = token_owned_by(&view, "rf3", "10.0.0.2");
        let routing = RoutingInfo::new().with_keyspace("rf3").with_token(&token);
        let plan = addrs(outer.plan(&view, &routing));
        assert_eq!(&plan[..3], &ring_order(&view, "rf3", &token)[..]);
        assert_eq!(plan.len(), 6, "{plan:?}");
        let dbg = alloc::format!("{:?}", outer.plan(&view, &routing));
        assert!(dbg.contains("custom"), "{dbg}");
    }
}
