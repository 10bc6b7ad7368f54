//! The membership of a simulated cluster, shared by its nodes: who the nodes are, which
//! are up, the schema version each reports, each node's prepared statements and event
//! feed, and where the replicas of every token are.
//!
//! A single [`Node`](crate::sim::Node) is a cluster of one member. Members are never
//! taken out of the list: a removed node keeps its slot (marked removed), so a member's
//! slot is a stable index ([`crate::sim::cluster::SimCluster`] uses it as the node index).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cql_core::cluster::replication::ReplicationStrategy;
use cql_core::cluster::ring::{RingHost, TokenRing};
use cql_core::cluster::token::{Partitioner, Token};
use cql_core::cluster::token_map::TokenMap;
use cql_core::message::Event;
use tokio::sync::broadcast;
use uuid::Uuid;

use super::consistency::{self, Factors, Operation, ReplicaCounts};
use crate::sim::error::CqlResult;
use crate::sim::info::{NodeInfo, PeerInfo};
use crate::sim::node::PreparedStatement;
use crate::sim::schema::{Keyspace, Schema};

/// The keyspaces whose data every node keeps for itself (LocalStrategy in Cassandra, or
/// node-local here): a request on them involves the coordinator only.
const NODE_LOCAL_KEYSPACES: &[&str] = &[
    "system",
    "system_schema",
    "system_auth",
    "system_distributed",
    "system_traces",
    "system_views",
    "system_virtual_schema",
];

/// Whether requests on this keyspace involve the coordinator only: the system keyspaces
/// (the simulation keeps their data node-local, whatever their declared strategy),
/// virtual keyspaces and LocalStrategy.
pub fn is_node_local(keyspace: &Keyspace) -> bool {
    keyspace.is_virtual
        || NODE_LOCAL_KEYSPACES.contains(&keyspace.name.as_str())
        || keyspace
            .replication
            .get("class")
            .is_some_and(|c| c.ends_with("LocalStrategy"))
}

/// One node of the cluster as the others know it.
#[derive(Debug)]
pub struct Member {
    info: NodeInfo,
    up: bool,
    removed: bool,
    reported: Uuid,
    catching_up: Option<(Uuid, Instant)>,
    prepared: HashMap<[u8; 16], Arc<PreparedStatement>>,
    events: broadcast::Sender<Event>,
}

impl Member {
    /// The node's identity (its `peers` are not kept here).
    pub fn info(&self) -> &NodeInfo {
        &self.info
    }

    /// Whether the node is up.
    pub fn is_up(&self) -> bool {
        self.up && !self.removed
    }

    /// Whether the node left the cluster.
    pub fn is_removed(&self) -> bool {
        self.removed
    }

    /// The schema version the node reports at `now`.
    pub fn reported_schema_version(&self, now: Instant) -> Uuid {
        match self.catching_up {
            Some((version, at)) if now >= at => version,
            _ => self.reported,
        }
    }

    /// The node's prepared statements.
    pub fn prepared(&self) -> &HashMap<[u8; 16], Arc<PreparedStatement>> {
        &self.prepared
    }

    /// The node's prepared statements, to add or forget some.
    pub fn prepared_mut(&mut self) -> &mut HashMap<[u8; 16], Arc<PreparedStatement>> {
        &mut self.prepared
    }
}

/// The token ring and the replica maps of the schema's keyspaces, rebuilt when members
/// join or leave or the schema changes.
#[derive(Debug)]
struct Placement {
    generation: u64,
    schema_version: Uuid,
    map: TokenMap<usize>,
    keyspaces: HashMap<String, (ReplicationStrategy, Factors)>,
}

/// Every member of a cluster and the cluster-wide settings.
#[derive(Debug)]
pub struct Topology {
    members: Vec<Member>,
    schema_agreement_delay: Duration,
    generation: u64,
    placement: Option<Placement>,
}

impl Topology {
    /// A cluster of one node reporting `schema_version`.
    pub fn new(info: NodeInfo, events: broadcast::Sender<Event>, schema_version: Uuid) -> Self {
        let mut t = Self {
            members: Vec::new(),
            schema_agreement_delay: Duration::ZERO,
            generation: 0,
            placement: None,
        };
        t.add(info, events, schema_version);
        t
    }

    /// Adds a member (up, reporting `schema_version`); returns its slot.
    pub fn add(
        &mut self,
        info: NodeInfo,
        events: broadcast::Sender<Event>,
        schema_version: Uuid,
    ) -> usize {
        let mut info = info;
        info.peers.clear();
        info.schema_version = None;
        self.members.push(Member {
            info,
            up: true,
            removed: false,
            reported: schema_version,
            catching_up: None,
            prepared: HashMap::new(),
            events,
        });
        self.generation += 1;
        self.members.len() - 1
    }

    /// Every member, removed ones included, by slot.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The member in `slot`.
    pub fn member(&self, slot: usize) -> Option<&Member> {
        self.members.get(slot)
    }

    /// The member in `slot`, mutably.
    pub fn member_mut(&mut self, slot: usize) -> Option<&mut Member> {
        self.members.get_mut(slot)
    }

    /// Members that have not been removed (up or down), with their slots.
    fn present(&self) -> impl Iterator<Item = (usize, &Member)> {
        self.members.iter().enumerate().filter(|(_, m)| !m.removed)
    }

    /// Whether the cluster has only ever had one member (a single [`Node`], whose views
    /// need no computing).
    ///
    /// [`Node`]: crate::sim::Node
    pub fn is_single(&self) -> bool {
        self.members.len() == 1
    }

    /// Marks a member up or down.
    pub fn set_up(&mut self, slot: usize, up: bool) {
        if let Some(m) = self.members.get_mut(slot) {
            m.up = up;
        }
    }

    /// Takes a member out of the ring and the peers tables.
    pub fn remove(&mut self, slot: usize) {
        if let Some(m) = self.members.get_mut(slot) {
            m.removed = true;
            m.up = false;
            m.prepared.clear();
            self.generation += 1;
        }
    }

    /// How long the other nodes take to report a new schema version.
    pub fn schema_agreement_delay(&self) -> Duration {
        self.schema_agreement_delay
    }

    /// Sets how long the other nodes take to report a new schema version.
    pub fn set_schema_agreement_delay(&mut self, delay: Duration) {
        self.schema_agreement_delay = delay;
    }

    /// A schema change coordinated by `coordinator`: it reports `version` at once, the
    /// others after the schema agreement delay.
    pub fn schema_changed(&mut self, coordinator: usize, version: Uuid, now: Instant) {
        let delay = self.schema_agreement_delay;
        for (slot, m) in self.members.iter_mut().enumerate() {
            let current = m.reported_schema_version(now);
            m.reported = current;
            m.catching_up = None;
            if slot == coordinator || delay.is_zero() {
                m.reported = version;
            } else {
                m.catching_up = Some((version, now + delay));
            }
        }
    }

    /// A member reports `version` from now on (a node that starts pulls the schema).
    pub fn sync_schema(&mut self, slot: usize, version: Uuid) {
        if let Some(m) = self.members.get_mut(slot) {
            m.reported = version;
            m.catching_up = None;
        }
    }

    /// Sends an event to the clients of every live member.
    pub fn publish_to_live(&self, event: &Event) {
        for m in self.members.iter().filter(|m| m.is_up()) {
            let _ = m.events.send(event.clone());
        }
    }

    /// The datacenters of the cluster, in slot order of first appearance.
    pub fn datacenters(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, m) in self.present() {
            if !out.contains(&m.info.datacenter) {
                out.push(m.info.datacenter.clone());
            }
        }
        out
    }

    /// Every other present member as `system.peers` shows it to `slot` (down ones
    /// included, as Cassandra lists them).
    pub fn peers_of(&self, slot: usize, now: Instant) -> Vec<PeerInfo> {
        self.present()
            .filter(|(s, _)| *s != slot)
            .map(|(_, m)| PeerInfo {
                address: m.info.address,
                native_port: m.info.native_port,
                host_id: m.info.host_id,
                datacenter: m.info.datacenter.clone(),
                rack: m.info.rack.clone(),
                tokens: m.info.tokens.clone(),
                release_version: m.info.release_version.clone(),
                schema_version: Some(m.reported_schema_version(now)),
            })
            .collect()
    }

    /// `base` (the identity of the node in `slot`) as its system tables show it now: its
    /// configured peers followed by the cluster's other members, and the schema version
    /// it reports.
    pub fn view_of(&self, slot: usize, base: &NodeInfo, now: Instant) -> NodeInfo {
        let mut info = base.clone();
        info.peers.extend(self.peers_of(slot, now));
        if let Some(m) = self.members.get(slot) {
            info.schema_version = Some(m.reported_schema_version(now));
        }
        info
    }

    /// Rebuilds the ring and replica maps when members or the schema changed since the
    /// last call.
    pub fn refresh_placement(&mut self, schema: &Schema) {
        if self
            .placement
            .as_ref()
            .is_some_and(|p| p.generation == self.generation && p.schema_version == schema.version)
        {
            return;
        }
        let hosts = self.present().map(|(slot, m)| {
            (
                RingHost::new(slot, m.info.datacenter.clone(), m.info.rack.clone()),
                m.info
                    .tokens
                    .iter()
                    .map(|t| Token::Murmur3(*t))
                    .collect::<Vec<_>>(),
            )
        });
        let ring = TokenRing::from_hosts(hosts).unwrap_or_default();
        let mut map = TokenMap::new(Partitioner::Murmur3, ring);
        let mut keyspaces = HashMap::new();
        for ks in schema.keyspaces.values().filter(|k| !is_node_local(k)) {
            let Ok(strategy) = ReplicationStrategy::from_replication_map(&ks.replication) else {
                continue;
            };
            map.add_strategy(&strategy);
            let factors = Factors::from_replication(&ks.replication);
            keyspaces.insert(ks.name.clone(), (strategy, factors));
        }
        self.placement = Some(Placement {
            generation: self.generation,
            schema_version: schema.version,
            map,
            keyspaces,
        });
    }

    /// The slots of the replicas of `token` in `keyspace` (as of the last
    /// [`refresh_placement`](Self::refresh_placement)), in the strategy's placement
    /// order; empty for node-local and unknown keyspaces.
    pub fn replicas(&self, keyspace: &str, token: i64) -> Vec<usize> {
        let Some(p) = &self.placement else {
            return Vec::new();
        };
        let Some((strategy, _)) = p.keyspaces.get(keyspace) else {
            return Vec::new();
        };
        let ring = p.map.ring();
        p.map
            .replicas_for_token(strategy, &Token::Murmur3(token))
            .iter()
            .filter_map(|i| ring.host(*i).map(|h| h.id))
            .collect()
    }

    fn counts(&self, hosts: impl Iterator<Item = usize>, coordinator: usize) -> ReplicaCounts {
        let mut counts = ReplicaCounts::default();
        for slot in hosts {
            if let Some(m) = self.members.get(slot) {
                counts.add(&m.info.datacenter, m.is_up() || slot == coordinator);
            }
        }
        counts
    }
}

/// What a statement coordinated by one node checks its consistency level against: the
/// cluster's members and placement (refreshed), and the coordinator.
#[derive(Debug, Clone, Copy)]
pub struct Availability<'a> {
    topology: &'a Topology,
    coordinator: usize,
}

impl<'a> Availability<'a> {
    /// Checks for requests coordinated by the member in `coordinator`; call
    /// [`Topology::refresh_placement`] first.
    pub fn new(topology: &'a Topology, coordinator: usize) -> Self {
        Self {
            topology,
            coordinator,
        }
    }

    /// The coordinator's datacenter.
    pub fn local_dc(&self) -> &str {
        self.topology
            .member(self.coordinator)
            .map_or("", |m| m.info.datacenter.as_str())
    }

    /// The keyspace's factors and the live and placed replicas of `token` (no token: no
    /// replicas). Node-local keyspaces: the coordinator alone, with factor 1.
    fn placement(&self, keyspace: &Keyspace, token: Option<i64>) -> (Factors, ReplicaCounts) {
        let local = || {
            let mut c = ReplicaCounts::default();
            c.add(self.local_dc(), true);
            (Factors::Simple(1), c)
        };
        if is_node_local(keyspace) {
            return local();
        }
        let Some(p) = &self.topology.placement else {
            return local();
        };
        let Some((strategy, factors)) = p.keyspaces.get(&keyspace.name) else {
            return (
                Factors::from_replication(&keyspace.replication),
                ReplicaCounts::default(),
            );
        };
        let ring = p.map.ring();
        let hosts = match token {
            Some(t) => p.map.replicas_for_token(strategy, &Token::Murmur3(t)),
            None => &[],
        };
        let slots = hosts.iter().filter_map(|i| ring.host(*i).map(|h| h.id));
        (
            factors.clone(),
            self.topology.counts(slots, self.coordinator),
        )
    }

    /// The keyspace's factors (node-local keyspaces: factor 1).
    pub fn factors(&self, keyspace: &Keyspace) -> Factors {
        if is_node_local(keyspace) {
            return Factors::Simple(1);
        }
        self.topology
            .placement
            .as_ref()
            .and_then(|p| p.keyspaces.get(&keyspace.name))
            .map_or_else(
                || Factors::from_replication(&keyspace.replication),
                |(_, f)| f.clone(),
            )
    }

    /// Checks that enough replicas of the partition with `token` are alive.
    ///
    /// # Errors
    /// `Unavailable` with Cassandra's fields.
    pub fn check(
        &self,
        keyspace: &Keyspace,
        token: i64,
        cl: cql_core::Consistency,
        operation: Operation,
    ) -> CqlResult<()> {
        if keyspace.is_virtual {
            return Ok(());
        }
        let (factors, counts) = self.placement(keyspace, Some(token));
        consistency::check(cl, operation, &factors, &counts, self.local_dc())?;
        Ok(())
    }

    /// Checks every token range of the ring, as a range scan (which may touch any of them)
    /// needs; the first range short of replicas answers.
    ///
    /// # Errors
    /// `Unavailable` with Cassandra's fields.
    pub fn check_ranges(
        &self,
        keyspace: &Keyspace,
        cl: cql_core::Consistency,
        operation: Operation,
    ) -> CqlResult<()> {
        if keyspace.is_virtual {
            return Ok(());
        }
        let local = self.local_dc();
        if is_node_local(keyspace) {
            let (factors, counts) = self.placement(keyspace, None);
            consistency::check(cl, operation, &factors, &counts, local)?;
            return Ok(());
        }
        let Some(p) = &self.topology.placement else {
            return Ok(());
        };
        let Some((strategy, factors)) = p.keyspaces.get(&keyspace.name) else {
            return Ok(());
        };
        let ring = p.map.ring();
        let Some(replica_map) = p.map.replica_map(strategy) else {
            return Ok(());
        };
        if ring.is_empty() {
            consistency::check(cl, operation, factors, &ReplicaCounts::default(), local)?;
        }
        for position in 0..ring.len() {
            let slots = replica_map
                .replicas_at(position)
                .iter()
                .filter_map(|i| ring.host(*i).map(|h| h.id));
            let counts = self.topology.counts(slots, self.coordinator);
            consistency::check(cl, operation, factors, &counts, local)?;
        }
        Ok(())
    }

    /// TRUNCATE needs every node up (`StorageProxy.truncateBlocking`): otherwise
    /// Unavailable at ALL with every member required and the live ones alive.
    ///
    /// # Errors
    /// `Unavailable` when a node is down.
    pub fn check_truncate(&self) -> CqlResult<()> {
        let present: Vec<(usize, &Member)> = self.topology.present().collect();
        let alive = present
            .iter()
            .filter(|(s, m)| m.is_up() || *s == self.coordinator)
            .count();
        if alive < present.len() {
            return Err(consistency::Unavailable {
                consistency: cql_core::Consistency::All,
                required: present.len(),
                alive,
                datacenter: None,
            }
            .to_error());
        }
        Ok(())
    }
}
