//! [`QueryPlan`]: the lazy sequence of hosts a request tries, in order.
//!
//! A plan borrows everything from the [`ClusterView`] and the policy: host index slices
//! (datacenter and rack groups, replica lists) walked from a rotating start, with the
//! up/down check done when a host is reached (so a host that fails while the request runs
//! is skipped by the attempts that follow). The built-in policies' plans — round robin,
//! DC-aware, rack-aware, token-aware over any of them, with one host filter — allocate
//! nothing. Only [`QueryPlan::custom`] (a user policy's own iterator) and unusual stacks
//! (a token-aware policy over another token-aware one, two host filters) box an iterator.

use alloc::boxed::Box;
use alloc::sync::Arc;
use core::fmt;

use super::{HostPredicate, LoadBalancingPolicy};
use crate::cluster::host::{Host, HostDistance};
use crate::cluster::view::{ClusterView, DatacenterHosts, Replicas};
use crate::policies::rng::SplitMix64;
use crate::runtime::MaybeSend;

/// An iterator a custom plan is made of (`Send` on native targets).
trait PlanIterator<'a>: Iterator<Item = &'a Arc<Host>> + MaybeSend {}

impl<'a, T: Iterator<Item = &'a Arc<Host>> + MaybeSend> PlanIterator<'a> for T {}

/// The hosts a request tries, in order, produced lazily by a
/// [`LoadBalancingPolicy`](super::LoadBalancingPolicy). Hosts that are down when the plan
/// reaches them are skipped; a host appears at most once (for the built-in policies).
pub struct QueryPlan<'a> {
    head: Option<ReplicasFirst<'a>>,
    tail: Tail<'a>,
    filter: Option<&'a dyn HostPredicate>,
}

// The plan lives on the caller's stack; boxing the common (tiered) variant would allocate
// for every request.
#[allow(clippy::large_enum_variant)]
enum Tail<'a> {
    Empty,
    Tiered(Tiered<'a>),
    Custom(Box<dyn PlanIterator<'a> + 'a>),
}

impl<'a> QueryPlan<'a> {
    /// A plan with no host (the request fails with "no host available").
    pub fn empty() -> Self {
        Self::from_tail(Tail::Empty)
    }

    /// A plan from a custom policy's own iterator (boxed: one allocation per plan). The
    /// iterator should skip hosts that are down and yield each host once.
    pub fn custom<I>(hosts: I) -> Self
    where
        I: Iterator<Item = &'a Arc<Host>> + MaybeSend + 'a,
    {
        Self::from_tail(Tail::Custom(Box::new(hosts)))
    }

    fn from_tail(tail: Tail<'a>) -> Self {
        Self {
            head: None,
            tail,
            filter: None,
        }
    }

    /// A plan walking `first`, then `second`, then `remote` (see [`Tiered`]).
    pub(super) fn tiered(tiered: Tiered<'a>) -> Self {
        Self::from_tail(Tail::Tiered(tiered))
    }

    /// This plan with `filter` applied to every host (boxes the plan if it already has a
    /// filter).
    pub(super) fn with_filter(self, filter: &'a dyn HostPredicate) -> Self {
        if self.filter.is_none() {
            return Self {
                filter: Some(filter),
                ..self
            };
        }
        Self {
            head: None,
            tail: Tail::Custom(Box::new(self)),
            filter: Some(filter),
        }
    }

    /// This plan with `replicas` first — those `child` considers local and that are up —
    /// and without them afterwards (boxes the plan if it already puts replicas first).
    pub(super) fn with_replicas_first(self, head: ReplicasFirst<'a>) -> Self {
        if self.head.is_none() {
            return Self {
                head: Some(head),
                ..self
            };
        }
        Self {
            head: Some(head),
            tail: Tail::Custom(Box::new(self)),
            filter: None,
        }
    }

    fn accepts(filter: Option<&dyn HostPredicate>, host: &Host) -> bool {
        filter.is_none_or(|f| f.accept(host))
    }
}

impl<'a> Iterator for QueryPlan<'a> {
    type Item = &'a Arc<Host>;

    fn next(&mut self) -> Option<&'a Arc<Host>> {
        if let Some(head) = &mut self.head {
            if let Some(host) = head.next(self.filter) {
                return Some(host);
            }
        }
        loop {
            let host = match &mut self.tail {
                Tail::Empty => None,
                Tail::Tiered(tiered) => tiered.next(),
                Tail::Custom(iter) => iter.next(),
            }?;
            if self.head.as_ref().is_some_and(|h| h.yielded(host)) {
                continue;
            }
            if Self::accepts(self.filter, host) {
                return Some(host);
            }
        }
    }
}

impl fmt::Debug for QueryPlan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tail = match &self.tail {
            Tail::Empty => "empty",
            Tail::Tiered(_) => "tiered",
            Tail::Custom(_) => "custom",
        };
        f.debug_struct("QueryPlan")
            .field("replicas_first", &self.head.as_ref().map(|h| h.replicas))
            .field("then", &tail)
            .field("filtered", &self.filter.is_some())
            .finish()
    }
}

/// A walk over the union of two host-index slices from a rotating start, skipping the
/// indices of a sorted `skip` slice: the round-robin step of every built-in policy.
#[derive(Clone, Copy, Default)]
pub(super) struct Rotation<'a> {
    parts: [&'a [usize]; 2],
    skip: &'a [usize],
    start: usize,
    step: usize,
}

impl<'a> Rotation<'a> {
    /// Walks `parts[0]` then `parts[1]` as one list, starting at `counter` modulo its
    /// length, skipping indices found in `skip` (ascending).
    pub(super) fn new(parts: [&'a [usize]; 2], skip: &'a [usize], counter: usize) -> Self {
        let total = parts[0].len() + parts[1].len();
        Self {
            parts,
            skip,
            start: counter.checked_rem(total).unwrap_or(0),
            step: 0,
        }
    }

    fn next_index(&mut self) -> Option<usize> {
        let [a, b] = self.parts;
        let total = a.len() + b.len();
        while self.step < total {
            let i = (self.start + self.step) % total;
            self.step += 1;
            let index = match i.checked_sub(a.len()) {
                None => a.get(i),
                Some(j) => b.get(j),
            };
            match index {
                Some(&index) if self.skip.binary_search(&index).is_err() => return Some(index),
                _ => {}
            }
        }
        None
    }
}

/// Up to `per_dc` live hosts of each datacenter other than the local one, in view order.
#[derive(Clone, Copy, Default)]
pub(super) struct Remote<'a> {
    dcs: &'a [DatacenterHosts],
    hosts: &'a [Arc<Host>],
    local: Option<&'a str>,
    per_dc: usize,
    dc: usize,
    pos: usize,
    taken: usize,
}

impl<'a> Remote<'a> {
    /// Remote hosts of `view` when the local datacenter is `local`: datacenters with
    /// another name (hosts with an unknown datacenter count as local). With no local
    /// datacenter every host is local, so there are none.
    pub(super) fn new(view: &'a ClusterView, local: Option<&'a str>, per_dc: usize) -> Self {
        Self {
            dcs: view.datacenters(),
            hosts: view.hosts(),
            local,
            per_dc: if local.is_some() { per_dc } else { 0 },
            ..Self::default()
        }
    }

    fn next_index(&mut self) -> Option<usize> {
        if self.per_dc == 0 {
            return None;
        }
        while let Some(dc) = self.dcs.get(self.dc) {
            let is_local = dc.name().is_none() || dc.name() == self.local;
            let next = if is_local || self.taken >= self.per_dc {
                None
            } else {
                dc.hosts().get(self.pos).copied()
            };
            let Some(index) = next else {
                self.dc += 1;
                self.pos = 0;
                self.taken = 0;
                continue;
            };
            self.pos += 1;
            if self.hosts.get(index).is_some_and(|h| h.is_up()) {
                self.taken += 1;
                return Some(index);
            }
        }
        None
    }
}

/// The plan of the round-robin family: a first rotation (the local rack, or every local
/// host), a second one (the rest of the local datacenter), then remote hosts. Down hosts
/// are skipped.
pub(super) struct Tiered<'a> {
    hosts: &'a [Arc<Host>],
    first: Rotation<'a>,
    second: Rotation<'a>,
    remote: Remote<'a>,
}

impl<'a> Tiered<'a> {
    /// The tiers over `view`'s hosts.
    pub(super) fn new(
        view: &'a ClusterView,
        first: Rotation<'a>,
        second: Rotation<'a>,
        remote: Remote<'a>,
    ) -> Self {
        Self {
            hosts: view.hosts(),
            first,
            second,
            remote,
        }
    }
}

impl<'a> Iterator for Tiered<'a> {
    type Item = &'a Arc<Host>;

    fn next(&mut self) -> Option<&'a Arc<Host>> {
        loop {
            let index = self
                .first
                .next_index()
                .or_else(|| self.second.next_index())
                .or_else(|| self.remote.next_index())?;
            match self.hosts.get(index) {
                Some(host) if host.is_up() => return Some(host),
                _ => {}
            }
        }
    }
}

/// How many replicas a shuffle permutes; replicas beyond keep ring order after them.
const SHUFFLED: usize = 16;
/// How many replicas the head of a token-aware plan considers (a bit set tracks them).
const HEAD_MAX: usize = 64;

/// The token-aware head of a plan: the replicas the child policy considers local, up, in
/// ring order or shuffled.
pub(super) struct ReplicasFirst<'a> {
    view: &'a ClusterView,
    replicas: Replicas<'a>,
    child: &'a dyn LoadBalancingPolicy,
    order: [u8; SHUFFLED],
    shuffled: usize,
    pos: usize,
    yielded: u64,
}

impl<'a> ReplicasFirst<'a> {
    /// The head over `replicas`, in ring order, or shuffled with `rng` when given.
    pub(super) fn new(
        view: &'a ClusterView,
        replicas: Replicas<'a>,
        child: &'a dyn LoadBalancingPolicy,
        rng: Option<SplitMix64>,
    ) -> Self {
        let mut order = [0u8; SHUFFLED];
        let mut shuffled = 0;
        if let Some(mut rng) = rng {
            shuffled = replicas.len().min(SHUFFLED);
            for (i, slot) in order.iter_mut().enumerate().take(shuffled) {
                *slot = i as u8;
            }
            // Fisher-Yates over the first `shuffled` positions.
            for i in (1..shuffled).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                order.swap(i, j);
            }
        }
        Self {
            view,
            replicas,
            child,
            order,
            shuffled,
            pos: 0,
            yielded: 0,
        }
    }

    fn next(&mut self, filter: Option<&dyn HostPredicate>) -> Option<&'a Arc<Host>> {
        let limit = self.replicas.len().min(HEAD_MAX);
        while self.pos < limit {
            let position = match self.order.get(self.pos) {
                Some(&p) if self.pos < self.shuffled => usize::from(p),
                _ => self.pos,
            };
            self.pos += 1;
            let Some(host) = self.replicas.get(position) else {
                continue;
            };
            if host.is_up()
                && self.child.distance(self.view, host) == HostDistance::Local
                && QueryPlan::accepts(filter, host)
            {
                self.yielded |= 1 << position;
                return Some(host);
            }
        }
        None
    }

    /// Whether this head already gave `host`.
    fn yielded(&self, host: &Arc<Host>) -> bool {
        self.replicas
            .position(host)
            .is_some_and(|p| p < HEAD_MAX && self.yielded & (1 << p) != 0)
    }
}
