//! The session's picture of the cluster: the current [`ClusterView`] and the pools of the
//! hosts the load-balancing policies use, swapped together as one `Arc` (read once per
//! request), plus what the control connection needs from it and what
//! [`Session::hosts`](super::Session::hosts) reports.

use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

use uuid::Uuid;

use super::config::SessionConfig;
use super::control::ControlHosts;
use super::pool::{HostPool, PoolContext};
use crate::cluster::host::{Host, HostDistance};
use crate::cluster::replication::ReplicationStrategy;
use crate::cluster::token::Partitioner;
use crate::cluster::view::ClusterView;
use crate::policies::load_balancing::LoadBalancingPolicy;
use crate::runtime::NodeAddr;

/// One host as [`Session::hosts`](super::Session::hosts) reports it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HostInfo {
    /// Where the driver connects (after address translation).
    pub addr: NodeAddr,
    /// The node's `host_id` (made up for contact points when the cluster's topology could
    /// not be read).
    pub host_id: Uuid,
    /// Its datacenter, when known.
    pub datacenter: Option<String>,
    /// Its rack, when known.
    pub rack: Option<String>,
    /// Whether the driver considers it up.
    pub up: bool,
    /// How far the load-balancing policies consider it (decides its pool size).
    pub distance: HostDistance,
    /// Connections open to it now.
    pub open_connections: usize,
    /// Why the last attempt to open a connection to it failed (cleared when one opens):
    /// for a host that is down, the reason — unreachable, refused by a bridge, bad
    /// credentials...
    pub last_error: Option<super::error::Error>,
}

/// What the session knows of the cluster right now: the [`ClusterView`] (the snapshot the
/// policies read) and the pools of its hosts at distance local or remote, sorted by host
/// id. Replaced as a whole ([`CurrentState::install`]).
pub(crate) struct SessionState {
    pub(crate) view: Arc<ClusterView>,
    pools: Vec<(Uuid, Arc<HostPool>)>,
}

impl SessionState {
    /// A state with an empty view and no pools.
    fn empty() -> Self {
        Self {
            view: Arc::new(ClusterView::empty()),
            pools: Vec::new(),
        }
    }

    /// The pool of the host with `id`.
    pub(crate) fn pool(&self, id: &Uuid) -> Option<&Arc<HostPool>> {
        let pos = self.pools.binary_search_by(|(k, _)| k.cmp(id)).ok()?;
        self.pools.get(pos).map(|(_, p)| p)
    }

    /// Every pool.
    pub(crate) fn pools(&self) -> impl Iterator<Item = &Arc<HostPool>> {
        self.pools.iter().map(|(_, p)| p)
    }

    /// The pools of local hosts known to be down: query plans leave them out, and a
    /// request (or a PREPARE) tries them last when nothing else could be tried.
    pub(crate) fn down_local_pools(&self) -> impl Iterator<Item = &Arc<HostPool>> {
        self.pools()
            .filter(|p| p.distance() == HostDistance::Local && !p.host().is_up())
    }
}

/// The closest distance any of `policies` gives `host` (the session's policy and the
/// execution profiles' own).
pub(crate) fn distance(
    policies: &[Arc<dyn LoadBalancingPolicy>],
    view: &ClusterView,
    host: &Host,
) -> HostDistance {
    policies
        .iter()
        .map(|p| p.distance(view, host))
        .min()
        .unwrap_or(HostDistance::Ignored)
}

/// The cell holding the current [`SessionState`], swapped as a whole.
pub(crate) struct CurrentState {
    state: spin::Mutex<Arc<SessionState>>,
    /// Serialises [`install`](Self::install)s.
    update: spin::Mutex<()>,
    /// The contact points (where the control connection goes when nothing else is known).
    pub(crate) contact_points: Vec<NodeAddr>,
}

impl CurrentState {
    /// No view yet.
    pub(crate) fn new(contact_points: Vec<NodeAddr>) -> Self {
        Self {
            state: spin::Mutex::new(Arc::new(SessionState::empty())),
            update: spin::Mutex::new(()),
            contact_points,
        }
    }

    /// The current state (one lock, one reference count).
    pub(crate) fn current(&self) -> Arc<SessionState> {
        Arc::clone(&self.state.lock())
    }

    /// Installs `view`: every host the policies use gets a pool sized for its distance —
    /// kept (and resized) when it had one at the same address, created otherwise (and
    /// filled in the background when `fill`); pools of hosts no longer used are closed.
    /// Returns the new state.
    pub(crate) fn install(
        &self,
        view: Arc<ClusterView>,
        ctx: &Arc<PoolContext>,
        config: &SessionConfig,
        policies: &[Arc<dyn LoadBalancingPolicy>],
        fill: bool,
    ) -> Arc<SessionState> {
        let _update = self.update.lock();
        let old = self.current();
        let mut pools: Vec<(Uuid, Arc<HostPool>)> = Vec::with_capacity(view.hosts().len());
        for host in view.hosts() {
            let d = distance(policies, &view, host);
            if d == HostDistance::Ignored {
                continue;
            }
            let size = config.pool_size(d);
            let pool = match old
                .pool(&host.host_id)
                .filter(|p| p.addr == host.addr && !p.is_closed())
            {
                Some(pool) => {
                    pool.set_host(Arc::clone(host));
                    pool.resize(d, size);
                    Arc::clone(pool)
                }
                None => {
                    let pool = Arc::new(HostPool::new(Arc::clone(ctx), Arc::clone(host), d, size));
                    if fill {
                        tracing::info!(host = %host.addr, distance = ?d, "new host: opening its pool");
                        pool.ensure_maintained(false);
                    }
                    pool
                }
            };
            // Kept sorted by id as they come (no sort: its code is large on wasm).
            if let Err(at) = pools.binary_search_by(|(id, _)| id.cmp(&host.host_id)) {
                pools.insert(at, (host.host_id, pool));
            }
        }
        let state = Arc::new(SessionState { view, pools });
        *self.state.lock() = Arc::clone(&state);
        for pool in old.pools() {
            if state.pools().any(|p| Arc::ptr_eq(p, pool)) {
                continue;
            }
            tracing::info!(host = %pool.addr, "host no longer used: closing its pool");
            // Dropped, not closed: each connection closes once its requests are answered.
            drop(pool.close());
            if !state.pools().any(|p| p.addr == pool.addr) {
                ctx.metrics.forget_host(&pool.addr);
            }
        }
        state
    }
}

/// The hosts of a refreshed topology, reusing the `Arc<Host>` of every node whose facts
/// did not change (so plans and pools keep pointing at the same host) and carrying the
/// up/down state of nodes that changed but kept their address.
pub(crate) fn merge_hosts(old: &ClusterView, hosts: Vec<Host>) -> Vec<Arc<Host>> {
    hosts
        .into_iter()
        .map(|host| match old.host(&host.host_id) {
            Some(known) if same_facts(known, &host) => Arc::clone(known),
            Some(known) if known.addr == host.addr => {
                host.set_up(known.is_up());
                Arc::new(host)
            }
            _ => Arc::new(host),
        })
        .collect()
}

fn same_facts(a: &Host, b: &Host) -> bool {
    a.addr == b.addr
        && a.reported_addr == b.reported_addr
        && a.datacenter == b.datacenter
        && a.rack == b.rack
        && a.tokens == b.tokens
        && a.release_version == b.release_version
}

/// The keyspaces `view` knows, with their strategies (to rebuild a view with new hosts).
pub(crate) fn keyspaces_of(view: &ClusterView) -> Vec<(String, ReplicationStrategy)> {
    view.keyspaces()
        .filter_map(|name| {
            view.keyspace_strategy(name)
                .map(|s| (name.to_string(), s.clone()))
        })
        .collect()
}

/// A view of `hosts` and `keyspaces`, keyed by `partitioner`, built around `local_host`
/// (the control connection's node), with a fixed local datacenter hint.
pub(crate) fn build_view(
    hosts: Vec<Arc<Host>>,
    partitioner: Option<Partitioner>,
    keyspaces: Vec<(String, ReplicationStrategy)>,
    local_host: Option<Uuid>,
    local_dc_hint: Option<&str>,
) -> ClusterView {
    let mut builder = ClusterView::builder(hosts).keyspaces(keyspaces);
    if let Some(p) = partitioner {
        builder = builder.partitioner(p);
    }
    if let Some(id) = local_host {
        builder = builder.local_host(id);
    }
    if let Some(dc) = local_dc_hint {
        builder = builder.local_datacenter_hint(dc);
    }
    builder.build()
}

/// The view used when the cluster's topology cannot be read (a node without system
/// tables): the contact points as hosts, with made-up ids, no placement, no tokens.
pub(crate) fn contact_point_view(addrs: &[NodeAddr]) -> ClusterView {
    let hosts = addrs
        .iter()
        .zip(1u128..)
        .map(|(addr, n)| Arc::new(Host::new(Uuid::from_u128(n), addr.clone(), addr.clone())))
        .collect();
    ClusterView::new(hosts, None, [])
}

/// What the control connection asks the session: where to connect (live pooled hosts
/// first, then the other known hosts, then the contact points) and which hosts are down.
pub(crate) struct ControlCandidates {
    pub(crate) state: Arc<CurrentState>,
}

impl ControlHosts for ControlCandidates {
    fn candidates(&self) -> Vec<NodeAddr> {
        let state = self.state.current();
        let hosts = state.view.hosts();
        let mut out: Vec<NodeAddr> =
            Vec::with_capacity(hosts.len() + self.state.contact_points.len());
        let pooled = |h: &Host| state.pool(&h.host_id).is_some();
        let tiers: [&dyn Fn(&Host) -> bool; 3] =
            [&|h| h.is_up() && pooled(h), &|h| h.is_up(), &|_| true];
        for tier in tiers {
            for host in hosts.iter().filter(|h| tier(h)) {
                if !out.contains(&host.addr) {
                    out.push(host.addr.clone());
                }
            }
        }
        for addr in &self.state.contact_points {
            if !out.contains(addr) {
                out.push(addr.clone());
            }
        }
        out
    }

    fn is_down(&self, host_id: &Uuid) -> bool {
        self.state
            .current()
            .view
            .host(host_id)
            .is_some_and(|h| !h.is_up())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::token::Token;
    use crate::policies::load_balancing::{DcAwareRoundRobinPolicy, RoundRobinPolicy};
    use alloc::vec;

    fn host(n: u8, dc: &str, token: i64) -> Host {
        let addr = NodeAddr::new(alloc::format!("10.0.0.{n}"), 9042);
        Host::new(Uuid::from_u128(n.into()), addr.clone(), addr)
            .with_placement(dc, "r1")
            .with_tokens(vec![Token::Murmur3(token)])
    }

    #[test]
    fn unchanged_hosts_keep_their_arc_and_changed_ones_their_state() {
        let old = build_view(
            vec![Arc::new(host(1, "dc1", 0)), Arc::new(host(2, "dc1", 10))],
            Some(Partitioner::Murmur3),
            Vec::new(),
            None,
            None,
        );
        old.hosts()[1].set_up(false);
        let merged = merge_hosts(
            &old,
            vec![host(1, "dc1", 0), host(2, "dc1", 20), host(3, "dc2", 30)],
        );
        assert!(Arc::ptr_eq(&merged[0], &old.hosts()[0]));
        assert!(!Arc::ptr_eq(&merged[1], &old.hosts()[1]), "tokens moved");
        assert!(!merged[1].is_up(), "the down state carries over");
        assert!(merged[2].is_up());
    }

    #[test]
    fn views_keep_keyspaces_and_a_fixed_local_dc_hint() {
        let ks = vec![(
            String::from("ks"),
            ReplicationStrategy::Simple {
                replication_factor: 1,
            },
        )];
        let view = build_view(
            vec![Arc::new(host(1, "dc1", 0)), Arc::new(host(2, "dc2", 10))],
            Some(Partitioner::Murmur3),
            ks.clone(),
            Some(Uuid::from_u128(2)),
            Some("dc1"),
        );
        assert_eq!(keyspaces_of(&view), ks);
        assert_eq!(view.local_datacenter_hint(), Some("dc1"));
        assert_eq!(
            view.local_host().map(|h| h.host_id),
            Some(Uuid::from_u128(2))
        );
        let fallback = contact_point_view(&[NodeAddr::new("a", 1), NodeAddr::new("b", 2)]);
        assert_eq!(fallback.hosts().len(), 2);
        assert!(fallback.partitioner().is_none());
        assert_ne!(fallback.hosts()[0].host_id, fallback.hosts()[1].host_id);
    }

    #[test]
    fn the_closest_distance_of_every_policy_wins() {
        let view = build_view(
            vec![Arc::new(host(1, "dc1", 0)), Arc::new(host(2, "dc2", 10))],
            None,
            Vec::new(),
            None,
            None,
        );
        let dc1: Arc<dyn LoadBalancingPolicy> = Arc::new(DcAwareRoundRobinPolicy::new("dc1"));
        let remote = view.hosts()[1].clone();
        assert_eq!(
            distance(core::slice::from_ref(&dc1), &view, &remote),
            HostDistance::Ignored
        );
        let all: Arc<dyn LoadBalancingPolicy> = Arc::new(RoundRobinPolicy::new());
        assert_eq!(distance(&[dc1, all], &view, &remote), HostDistance::Local);
        assert_eq!(distance(&[], &view, &remote), HostDistance::Ignored);
    }
}
