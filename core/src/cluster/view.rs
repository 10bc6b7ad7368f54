//! [`ClusterView`]: an immutable snapshot of the cluster — its hosts, their grouping by
//! datacenter and rack, the token ring and the replica maps of every keyspace — that the
//! session swaps as a whole when the topology or the schema changes, and that every
//! load-balancing decision reads.
//!
//! A host's up/down state is not part of the snapshot's identity: [`Host`]'s flag is
//! atomic, so marking a host down needs no new view. Everything else (a host joining,
//! leaving or moving, a keyspace created or altered) builds a new view.
//!
//! Hosts are referred to by their position in [`ClusterView::hosts`] ("host index"); the
//! ring, the replica maps and the datacenter groups all store host indices, so a lookup
//! borrows from the view and allocates nothing.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use uuid::Uuid;

use super::host::Host;
use super::replication::{ReplicaMap, ReplicationStrategy};
use super::ring::{RingHost, TokenRing};
use super::sort::sorted_order;
use super::token::{Partitioner, Token};
use crate::runtime::NodeAddr;

/// The hosts of one rack of one datacenter, as host indices in view order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RackHosts {
    name: Option<String>,
    hosts: Vec<usize>,
}

impl RackHosts {
    /// The rack's name (`None` for hosts whose rack is unknown).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The rack's host indices, ascending (view order).
    pub fn hosts(&self) -> &[usize] {
        &self.hosts
    }
}

/// The hosts of one datacenter, as host indices in view order, with their racks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatacenterHosts {
    name: Option<String>,
    hosts: Vec<usize>,
    racks: Vec<RackHosts>,
}

impl DatacenterHosts {
    /// The datacenter's name (`None` groups the hosts whose datacenter is unknown).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The datacenter's host indices, ascending (view order).
    pub fn hosts(&self) -> &[usize] {
        &self.hosts
    }

    /// The datacenter's racks, in order of first appearance among the hosts.
    pub fn racks(&self) -> &[RackHosts] {
        &self.racks
    }

    /// The rack named `name` (`None`: the hosts whose rack is unknown).
    pub fn rack(&self, name: Option<&str>) -> Option<&RackHosts> {
        self.racks.iter().find(|r| r.name.as_deref() == name)
    }
}

/// The replica hosts of one token in one keyspace, in ring order (the first is the
/// primary replica), borrowed from a [`ClusterView`].
#[derive(Clone, Copy)]
pub struct Replicas<'a> {
    hosts: &'a [Arc<Host>],
    indices: &'a [usize],
}

impl<'a> Replicas<'a> {
    /// No replicas.
    pub const EMPTY: Replicas<'static> = Replicas {
        hosts: &[],
        indices: &[],
    };

    /// Number of replicas.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// Whether there are none (unknown keyspace, no token metadata, a strategy placing no
    /// replicas).
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// The replicas' host indices into [`ClusterView::hosts`], in ring order.
    pub fn indices(&self) -> &'a [usize] {
        self.indices
    }

    /// The replica at `position` in ring order.
    pub fn get(&self, position: usize) -> Option<&'a Arc<Host>> {
        self.indices
            .get(position)
            .and_then(|&index| self.hosts.get(index))
    }

    /// The position of `host` among the replicas (compared by identity: the same `Arc`).
    pub fn position(&self, host: &Arc<Host>) -> Option<usize> {
        self.iter().position(|h| Arc::ptr_eq(h, host))
    }

    /// The replica hosts in ring order.
    pub fn iter(&self) -> impl Iterator<Item = &'a Arc<Host>> + 'a {
        let hosts = self.hosts;
        self.indices.iter().filter_map(move |&i| hosts.get(i))
    }
}

impl fmt::Debug for Replicas<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|h| &h.addr))
            .finish()
    }
}

/// An immutable snapshot of the cluster: hosts, datacenter and rack groups, token ring
/// and replica maps per keyspace. Share it as `Arc<ClusterView>` and replace it as a whole.
pub struct ClusterView {
    hosts: Vec<Arc<Host>>,
    all: Vec<usize>,
    by_id: Vec<usize>,
    by_addr: Vec<usize>,
    by_reported_addr: Vec<usize>,
    datacenters: Vec<DatacenterHosts>,
    partitioner: Option<Partitioner>,
    ring: TokenRing<usize>,
    /// One replica map per distinct strategy.
    maps: Vec<(ReplicationStrategy, ReplicaMap)>,
    /// Keyspace name → index into `maps`, sorted by name.
    keyspaces: Vec<(String, usize)>,
    local_host: Option<usize>,
    local_dc_hint: Option<String>,
}

impl ClusterView {
    /// A view of `hosts` whose keys hash with `partitioner` (`None`: no token awareness,
    /// e.g. an unknown partitioner class), with the replica maps of `keyspaces`' strategies.
    ///
    /// Same as `ClusterView::builder(hosts).partitioner(..).keyspaces(..).build()`.
    pub fn new(
        hosts: Vec<Arc<Host>>,
        partitioner: Option<Partitioner>,
        keyspaces: impl IntoIterator<Item = (String, ReplicationStrategy)>,
    ) -> Self {
        let mut builder = Self::builder(hosts).keyspaces(keyspaces);
        builder.partitioner = partitioner;
        builder.build()
    }

    /// A builder for a view of `hosts`.
    pub fn builder(hosts: Vec<Arc<Host>>) -> ClusterViewBuilder {
        ClusterViewBuilder {
            hosts,
            partitioner: None,
            keyspaces: Vec::new(),
            local_host: None,
            local_dc_hint: None,
        }
    }

    /// A view with no hosts (before the first topology refresh).
    pub fn empty() -> Self {
        Self::builder(Vec::new()).build()
    }

    /// Every host, in the order given; a host's position is its host index.
    pub fn hosts(&self) -> &[Arc<Host>] {
        &self.hosts
    }

    /// The host indices `0..hosts().len()`, as a slice (for plans over every host).
    pub fn all_indices(&self) -> &[usize] {
        &self.all
    }

    /// The host at a host index.
    pub fn host_at(&self, index: usize) -> Option<&Arc<Host>> {
        self.hosts.get(index)
    }

    /// The host index of `host` (the same `Arc`, or a host with the same id).
    pub fn index_of(&self, host: &Host) -> Option<usize> {
        self.hosts
            .iter()
            .position(|h| core::ptr::eq(&**h, host))
            .or_else(|| self.index_by_id(&host.host_id))
    }

    fn index_by_id(&self, id: &Uuid) -> Option<usize> {
        let hosts = &self.hosts;
        let pos = self
            .by_id
            .binary_search_by(|&i| hosts.get(i).map(|h| &h.host_id).cmp(&Some(id)))
            .ok()?;
        self.by_id.get(pos).copied()
    }

    /// The host with this `host_id`.
    pub fn host(&self, id: &Uuid) -> Option<&Arc<Host>> {
        self.index_by_id(id).and_then(|i| self.hosts.get(i))
    }

    /// The host the driver connects to at `addr` (its translated address).
    pub fn host_by_addr(&self, addr: &NodeAddr) -> Option<&Arc<Host>> {
        find_by(&self.hosts, &self.by_addr, addr, |h| &h.addr)
    }

    /// The host whose address as the cluster reports it (before translation) is `addr`;
    /// events name hosts this way.
    pub fn host_by_reported_addr(&self, addr: &NodeAddr) -> Option<&Arc<Host>> {
        find_by(&self.hosts, &self.by_reported_addr, addr, |h| {
            &h.reported_addr
        })
    }

    /// The hosts grouped by datacenter, in order of first appearance.
    pub fn datacenters(&self) -> &[DatacenterHosts] {
        &self.datacenters
    }

    /// The datacenter named `name` (`None`: the hosts whose datacenter is unknown).
    pub fn datacenter(&self, name: Option<&str>) -> Option<&DatacenterHosts> {
        self.datacenters.iter().find(|d| d.name.as_deref() == name)
    }

    /// The datacenter of the node the driver first connected to (the control
    /// connection's), used as the local datacenter when the user named none.
    pub fn local_datacenter_hint(&self) -> Option<&str> {
        self.local_dc_hint.as_deref()
    }

    /// The host the view was built around (the control connection's node), if set.
    pub fn local_host(&self) -> Option<&Arc<Host>> {
        self.local_host.and_then(|i| self.hosts.get(i))
    }

    /// The partitioner keys hash with (`None`: no token awareness).
    pub fn partitioner(&self) -> Option<Partitioner> {
        self.partitioner
    }

    /// The token ring; its host ids are host indices into [`ClusterView::hosts`].
    pub fn ring(&self) -> &TokenRing<usize> {
        &self.ring
    }

    /// The token of a routing key (see [`routing_key`](super::token::routing_key())), if
    /// the partitioner is known.
    pub fn token(&self, routing_key: &[u8]) -> Option<Token> {
        self.partitioner.map(|p| p.token(routing_key))
    }

    /// The replication strategy of `keyspace`, if the view knows the keyspace.
    pub fn keyspace_strategy(&self, keyspace: &str) -> Option<&ReplicationStrategy> {
        self.keyspace_map(keyspace).map(|(s, _)| s)
    }

    /// The names of the keyspaces the view knows, sorted.
    pub fn keyspaces(&self) -> impl Iterator<Item = &str> {
        self.keyspaces.iter().map(|(name, _)| name.as_str())
    }

    fn keyspace_map(&self, keyspace: &str) -> Option<&(ReplicationStrategy, ReplicaMap)> {
        let pos = self
            .keyspaces
            .binary_search_by(|(name, _)| name.as_str().cmp(keyspace))
            .ok()?;
        let &(_, map) = self.keyspaces.get(pos)?;
        self.maps.get(map)
    }

    /// The replicas of `token` in `keyspace`, in ring order; empty for an unknown
    /// keyspace, an empty ring or a strategy placing no replicas. Borrowed: no allocation.
    pub fn replicas(&self, keyspace: &str, token: &Token) -> Replicas<'_> {
        let indices = match self.keyspace_map(keyspace) {
            Some((_, map)) => map.replicas(&self.ring, token),
            None => &[],
        };
        Replicas {
            hosts: &self.hosts,
            indices,
        }
    }

    /// The replicas of the partition whose routing key is `routing_key` in `keyspace`.
    pub fn replicas_for_key(&self, keyspace: &str, routing_key: &[u8]) -> Replicas<'_> {
        match self.token(routing_key) {
            Some(token) => self.replicas(keyspace, &token),
            None => Replicas {
                hosts: &self.hosts,
                indices: &[],
            },
        }
    }
}

impl Default for ClusterView {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for ClusterView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClusterView")
            .field("hosts", &self.hosts)
            .field("partitioner", &self.partitioner)
            .field("ring_tokens", &self.ring.len())
            .field("keyspaces", &self.keyspaces.len())
            .field("local_dc_hint", &self.local_dc_hint)
            .finish_non_exhaustive()
    }
}

/// Builds a [`ClusterView`]: hosts first, then the partitioner, the keyspaces and the local
/// host.
#[derive(Debug)]
pub struct ClusterViewBuilder {
    hosts: Vec<Arc<Host>>,
    partitioner: Option<Partitioner>,
    keyspaces: Vec<(String, ReplicationStrategy)>,
    local_host: Option<Uuid>,
    local_dc_hint: Option<String>,
}

impl ClusterViewBuilder {
    /// The partitioner keys hash with (from `system.local.partitioner`). Host tokens of
    /// another partitioner are ignored.
    #[must_use]
    pub fn partitioner(mut self, partitioner: Partitioner) -> Self {
        self.partitioner = Some(partitioner);
        self
    }

    /// Adds a keyspace and its replication strategy (a later entry for the same name wins).
    #[must_use]
    pub fn keyspace(mut self, name: impl Into<String>, strategy: ReplicationStrategy) -> Self {
        self.keyspaces.push((name.into(), strategy));
        self
    }

    /// Adds keyspaces and their replication strategies.
    #[must_use]
    pub fn keyspaces(
        mut self,
        keyspaces: impl IntoIterator<Item = (String, ReplicationStrategy)>,
    ) -> Self {
        self.keyspaces.extend(keyspaces);
        self
    }

    /// The host the driver connected to first (the control connection's node): its
    /// datacenter becomes the [local datacenter hint](ClusterView::local_datacenter_hint)
    /// (unless one is set explicitly) and it is the only replica of `LocalStrategy`
    /// keyspaces. An id no host has is ignored.
    #[must_use]
    pub fn local_host(mut self, host_id: Uuid) -> Self {
        self.local_host = Some(host_id);
        self
    }

    /// Sets the local datacenter hint explicitly.
    #[must_use]
    pub fn local_datacenter_hint(mut self, datacenter: impl Into<String>) -> Self {
        self.local_dc_hint = Some(datacenter.into());
        self
    }

    /// Builds the view: indexes the hosts, groups them, builds the ring and one replica
    /// map per distinct strategy. Cost: `O(hosts log hosts + tokens × rf × strategies)`.
    pub fn build(self) -> ClusterView {
        let Self {
            hosts,
            partitioner,
            keyspaces,
            local_host,
            local_dc_hint,
        } = self;
        let all: Vec<usize> = (0..hosts.len()).collect();
        let by_id = sorted_indices(&hosts, |h| &h.host_id);
        let by_addr = sorted_indices(&hosts, |h| &h.addr);
        let by_reported_addr = sorted_indices(&hosts, |h| &h.reported_addr);
        let datacenters = group(&hosts);

        let mut ring = build_ring(&hosts, partitioner);
        let local_index = local_host.and_then(|id| hosts.iter().position(|h| h.host_id == id));
        if let Some(index) = local_index {
            ring.set_local_host(&index);
        }
        let local_dc_hint = local_dc_hint.or_else(|| {
            local_index
                .and_then(|i| hosts.get(i))
                .and_then(|h| h.datacenter.clone())
        });

        let mut maps: Vec<(ReplicationStrategy, ReplicaMap)> = Vec::new();
        let mut named: Vec<(String, usize)> = Vec::with_capacity(keyspaces.len());
        for (name, strategy) in keyspaces {
            let map = match maps.iter().position(|(s, _)| *s == strategy) {
                Some(existing) => existing,
                None => {
                    let replica_map = ReplicaMap::build(&ring, &strategy);
                    maps.push((strategy, replica_map));
                    maps.len() - 1
                }
            };
            named.push((name, map));
        }
        // Stable sort, then keep the last entry of each name.
        let order = sorted_order(named.len(), &|a, b| {
            named.get(a).map(|e| &e.0).cmp(&named.get(b).map(|e| &e.0))
        });
        let mut slots: Vec<Option<(String, usize)>> = named.into_iter().map(Some).collect();
        let mut keyspaces: Vec<(String, usize)> = Vec::with_capacity(slots.len());
        for entry in order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        {
            match keyspaces.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => keyspaces.push(entry),
            }
        }

        ClusterView {
            hosts,
            all,
            by_id,
            by_addr,
            by_reported_addr,
            datacenters,
            partitioner,
            ring,
            maps,
            keyspaces,
            local_host: local_index,
            local_dc_hint,
        }
    }
}

/// Host indices sorted by a key (stable: equal keys keep view order).
fn sorted_indices<K: Ord>(hosts: &[Arc<Host>], key: impl Fn(&Host) -> &K) -> Vec<usize> {
    sorted_order(hosts.len(), &|a, b| {
        let ka = hosts.get(a).map(|h| key(h));
        let kb = hosts.get(b).map(|h| key(h));
        ka.cmp(&kb)
    })
}

fn find_by<'a, K: Ord>(
    hosts: &'a [Arc<Host>],
    sorted: &[usize],
    wanted: &K,
    key: impl Fn(&Host) -> &K,
) -> Option<&'a Arc<Host>> {
    let pos = sorted
        .binary_search_by(|&i| hosts.get(i).map(|h| key(h)).cmp(&Some(wanted)))
        .ok()?;
    sorted.get(pos).and_then(|&i| hosts.get(i))
}

/// Groups host indices by datacenter, then rack, in order of first appearance.
fn group(hosts: &[Arc<Host>]) -> Vec<DatacenterHosts> {
    let mut dcs: Vec<DatacenterHosts> = Vec::new();
    for (index, host) in hosts.iter().enumerate() {
        let dc_name = host.datacenter.as_deref();
        let dc = match dcs.iter().position(|d| d.name.as_deref() == dc_name) {
            Some(pos) => pos,
            None => {
                dcs.push(DatacenterHosts {
                    name: host.datacenter.clone(),
                    hosts: Vec::new(),
                    racks: Vec::new(),
                });
                dcs.len() - 1
            }
        };
        let Some(dc) = dcs.get_mut(dc) else { continue };
        dc.hosts.push(index);
        let rack_name = host.rack.as_deref();
        match dc.racks.iter_mut().find(|r| r.name.as_deref() == rack_name) {
            Some(rack) => rack.hosts.push(index),
            None => dc.racks.push(RackHosts {
                name: host.rack.clone(),
                hosts: alloc::vec![index],
            }),
        }
    }
    dcs
}

/// The ring over host indices; tokens of another partitioner are dropped, and an empty
/// ring is used when the partitioner is unknown.
fn build_ring(hosts: &[Arc<Host>], partitioner: Option<Partitioner>) -> TokenRing<usize> {
    let Some(partitioner) = partitioner else {
        return TokenRing::default();
    };
    let entries = hosts.iter().enumerate().map(|(index, host)| {
        let ring_host = RingHost::new(
            index,
            host.datacenter.clone().unwrap_or_default(),
            host.rack.clone().unwrap_or_default(),
        );
        let tokens = host
            .tokens
            .iter()
            .filter(move |t| t.partitioner() == partitioner)
            .cloned();
        (ring_host, tokens)
    });
    // Indices are distinct and the tokens share one partitioner, so this cannot fail;
    // an empty ring (no token awareness) is the safe answer if it ever did.
    TokenRing::from_hosts(entries).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeMap;
    use alloc::string::ToString;
    use alloc::vec;

    fn host(n: u8, dc: &str, rack: &str, tokens: &[i64]) -> Arc<Host> {
        let addr = NodeAddr::new(alloc::format!("10.0.0.{n}"), 9042);
        let reported = NodeAddr::new(alloc::format!("192.168.0.{n}"), 9042);
        Arc::new(
            Host::new(Uuid::from_u128(u128::from(n)), addr, reported)
                .with_placement(dc, rack)
                .with_tokens(tokens.iter().map(|&t| Token::Murmur3(t)).collect()),
        )
    }

    fn view() -> ClusterView {
        let hosts = vec![
            host(3, "dc1", "r1", &[0]),
            host(1, "dc1", "r2", &[100]),
            host(2, "dc2", "r1", &[200]),
            host(4, "dc1", "r1", &[300]),
        ];
        let nts = ReplicationStrategy::NetworkTopology {
            datacenters: BTreeMap::from([("dc1".to_string(), 2), ("dc2".to_string(), 1)]),
        };
        ClusterView::builder(hosts)
            .partitioner(Partitioner::Murmur3)
            .keyspace(
                "ks",
                ReplicationStrategy::Simple {
                    replication_factor: 2,
                },
            )
            .keyspace("nts", nts.clone())
            .keyspace("nts_too", nts)
            .keyspace("sys", ReplicationStrategy::Local)
            .local_host(Uuid::from_u128(2))
            .build()
    }

    #[test]
    fn lookups_by_id_and_address() {
        let v = view();
        assert_eq!(v.hosts().len(), 4);
        assert_eq!(v.host(&Uuid::from_u128(4)).map(|h| h.addr.port), Some(9042));
        assert_eq!(
            v.host(&Uuid::from_u128(1)).map(|h| h.addr.host.as_str()),
            Some("10.0.0.1")
        );
        assert!(v.host(&Uuid::from_u128(9)).is_none());
        let by_addr = v.host_by_addr(&NodeAddr::new("10.0.0.2", 9042)).unwrap();
        assert_eq!(by_addr.host_id, Uuid::from_u128(2));
        let by_reported = v
            .host_by_reported_addr(&NodeAddr::new("192.168.0.4", 9042))
            .unwrap();
        assert_eq!(by_reported.host_id, Uuid::from_u128(4));
        assert!(v.host_by_addr(&NodeAddr::new("10.0.0.2", 9043)).is_none());
        let h = Arc::clone(&v.hosts()[2]);
        assert_eq!(v.index_of(&h), Some(2));
        assert_eq!(v.all_indices(), &[0, 1, 2, 3]);
    }

    #[test]
    fn groups_by_datacenter_and_rack() {
        let v = view();
        let names: Vec<Option<&str>> = v.datacenters().iter().map(|d| d.name()).collect();
        assert_eq!(names, [Some("dc1"), Some("dc2")]);
        let dc1 = v.datacenter(Some("dc1")).unwrap();
        assert_eq!(dc1.hosts(), &[0, 1, 3]);
        assert_eq!(dc1.rack(Some("r1")).unwrap().hosts(), &[0, 3]);
        assert_eq!(dc1.racks().len(), 2);
        assert!(v.datacenter(None).is_none());
        assert_eq!(v.local_datacenter_hint(), Some("dc2"));
        assert_eq!(v.local_host().unwrap().host_id, Uuid::from_u128(2));
    }

    #[test]
    fn replicas_in_ring_order_per_keyspace() {
        let v = view();
        let addrs =
            |r: Replicas<'_>| -> Vec<String> { r.iter().map(|h| h.addr.host.clone()).collect() };
        // Token 50 is owned by the token 100 (host 1), then 200 (host 2).
        assert_eq!(
            addrs(v.replicas("ks", &Token::Murmur3(50))),
            ["10.0.0.1", "10.0.0.2"]
        );
        // Wraps around: 301 belongs to token 0 (host 3).
        assert_eq!(
            addrs(v.replicas("ks", &Token::Murmur3(301))),
            ["10.0.0.3", "10.0.0.1"]
        );
        // NTS: two in dc1 (distinct racks first), one in dc2.
        let nts = v.replicas("nts", &Token::Murmur3(250));
        assert_eq!(addrs(nts), ["10.0.0.4", "10.0.0.1", "10.0.0.2"]);
        assert_eq!(nts.len(), 3);
        assert_eq!(nts.position(&v.hosts()[1]), Some(1));
        assert_eq!(nts.get(2).unwrap().host_id, Uuid::from_u128(2));
        assert_eq!(
            addrs(v.replicas("nts_too", &Token::Murmur3(250))),
            addrs(nts)
        );
        // One map per distinct strategy.
        assert_eq!(v.maps.len(), 3);
        assert_eq!(addrs(v.replicas("sys", &Token::Murmur3(1))), ["10.0.0.2"]);
        assert!(v.replicas("unknown", &Token::Murmur3(1)).is_empty());
        assert_eq!(
            v.keyspaces().collect::<Vec<_>>(),
            ["ks", "nts", "nts_too", "sys"]
        );
        let key = [0, 0, 0, 1];
        let token = v.token(&key).unwrap();
        assert_eq!(
            addrs(v.replicas_for_key("ks", &key)),
            addrs(v.replicas("ks", &token))
        );
    }

    #[test]
    fn no_partitioner_or_hosts_means_no_replicas() {
        let hosts = vec![host(1, "dc1", "r1", &[0])];
        let v = ClusterView::new(
            hosts,
            None,
            [(
                "ks".to_string(),
                ReplicationStrategy::Simple {
                    replication_factor: 1,
                },
            )],
        );
        assert!(v.replicas("ks", &Token::Murmur3(0)).is_empty());
        assert!(v.token(b"k").is_none());
        assert!(v.replicas_for_key("ks", b"k").is_empty());
        let empty = ClusterView::default();
        assert!(empty.hosts().is_empty());
        assert!(empty.replicas("ks", &Token::Murmur3(0)).is_empty());
        assert!(alloc::format!("{empty:?}").contains("ClusterView"));
        // Tokens of another partitioner are ignored rather than failing the view.
        let mixed = vec![Arc::new(
            Host::new(Uuid::nil(), NodeAddr::new("a", 1), NodeAddr::new("a", 1))
                .with_tokens(vec![Token::Murmur3(0), Token::Random(5)]),
        )];
        let v = ClusterView::new(mixed, Some(Partitioner::Murmur3), []);
        assert_eq!(v.ring().len(), 1);
    }

    #[test]
    fn later_keyspace_entries_win() {
        let hosts = vec![host(1, "dc1", "r1", &[0]), host(2, "dc1", "r1", &[10])];
        let v = ClusterView::builder(hosts)
            .partitioner(Partitioner::Murmur3)
            .keyspace(
                "ks",
                ReplicationStrategy::Simple {
                    replication_factor: 1,
                },
            )
            .keyspace(
                "ks",
                ReplicationStrategy::Simple {
                    replication_factor: 2,
                },
            )
            .local_datacenter_hint("dcX")
            .local_host(Uuid::from_u128(1))
            .build();
        assert_eq!(v.replicas("ks", &Token::Murmur3(5)).len(), 2);
        assert_eq!(v.local_datacenter_hint(), Some("dcX"));
    }
}
