//! Consistency decisions, as Cassandra 4.1 makes them before contacting any replica:
//! which consistency levels a request may use, and whether enough replicas are alive.
//!
//! Pure functions over counts, no topology: [`Factors`] is what the keyspace's strategy
//! asks for (`ConsistencyLevel.blockFor` counts from the *configured* replication factors,
//! even when the ring has fewer nodes), [`ReplicaCounts`] is what the ring placed for one
//! token and how many of those replicas are alive, per datacenter. The numbers follow
//! `ReplicaPlans.assureSufficientLiveReplicas` and, for lightweight transactions,
//! `ReplicaPlans.forPaxos` (Paxos v1, 4.1's default), quirks included.

use std::collections::BTreeMap;

use cql_core::Consistency;
use cql_core::message::DbError;

use crate::sim::error::{CqlError, CqlResult};
use crate::sim::schema::options::{NETWORK_TOPOLOGY_STRATEGY, SIMPLE_STRATEGY};

/// A keyspace's replication as consistency levels count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Factors {
    /// SimpleStrategy (and any strategy that is not NetworkTopologyStrategy) with its
    /// replication factor. LocalStrategy counts as `Simple(1)`.
    Simple(usize),
    /// NetworkTopologyStrategy: the factor of every datacenter of its options (a
    /// datacenter listed with 0 included, as Cassandra keeps it).
    NetworkTopology(BTreeMap<String, usize>),
}

impl Factors {
    /// The factors of a `system_schema.keyspaces.replication` map. Unknown strategies
    /// and unreadable factors count as 1 (LocalStrategy's factor).
    pub fn from_replication(replication: &BTreeMap<String, String>) -> Self {
        let class = replication.get("class").map_or("", String::as_str);
        let short = class.rsplit('.').next().unwrap_or(class);
        let factor = |v: &String| cql_core::cluster::replication::parse_replication_factor(v);
        if short == "NetworkTopologyStrategy" {
            Self::NetworkTopology(
                replication
                    .iter()
                    .filter(|(k, _)| *k != "class" && *k != "replication_factor")
                    .map(|(k, v)| (k.clone(), factor(v).unwrap_or(0)))
                    .collect(),
            )
        } else {
            let rf = if short == "SimpleStrategy" {
                replication.get("replication_factor").and_then(factor)
            } else {
                None
            };
            Self::Simple(rf.unwrap_or(1))
        }
    }

    /// Every replica of the strategy (`getReplicationFactor().allReplicas`).
    pub fn total(&self) -> usize {
        match self {
            Self::Simple(rf) => *rf,
            Self::NetworkTopology(dcs) => dcs.values().sum(),
        }
    }

    /// `ConsistencyLevel.quorumFor`.
    pub fn quorum(&self) -> usize {
        self.total() / 2 + 1
    }

    /// `ConsistencyLevel.localQuorumFor(dc)`: the datacenter's quorum under
    /// NetworkTopologyStrategy (a datacenter without a factor has factor 0, quorum 1),
    /// the whole quorum otherwise.
    pub fn local_quorum(&self, dc: &str) -> usize {
        match self {
            Self::NetworkTopology(dcs) => dcs.get(dc).copied().unwrap_or(0) / 2 + 1,
            Self::Simple(_) => self.quorum(),
        }
    }

    /// The strategy's class name, as Cassandra's messages quote it.
    fn class_name(&self) -> &'static str {
        match self {
            Self::Simple(_) => SIMPLE_STRATEGY,
            Self::NetworkTopology(_) => NETWORK_TOPOLOGY_STRATEGY,
        }
    }

    /// `ConsistencyLevel.blockFor`: how many replicas must answer.
    pub fn block_for(&self, cl: Consistency, local_dc: &str) -> usize {
        match cl {
            Consistency::Any | Consistency::One | Consistency::LocalOne => 1,
            Consistency::Two => 2,
            Consistency::Three => 3,
            Consistency::Quorum | Consistency::Serial => self.quorum(),
            Consistency::All => self.total(),
            Consistency::LocalQuorum | Consistency::LocalSerial => self.local_quorum(local_dc),
            Consistency::EachQuorum => match self {
                Self::NetworkTopology(dcs) => dcs.keys().map(|dc| self.local_quorum(dc)).sum(),
                Self::Simple(_) => self.quorum(),
            },
            // A level added to the protocol later: as demanding as QUORUM.
            _ => self.quorum(),
        }
    }
}

/// The replicas of one token: per datacenter, how many the ring placed and how many of
/// them are alive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplicaCounts {
    /// Datacenter name to `(alive, total)`.
    pub per_dc: BTreeMap<String, (usize, usize)>,
}

impl ReplicaCounts {
    /// Counts one replica.
    pub fn add(&mut self, dc: &str, alive: bool) {
        let entry = self.per_dc.entry(dc.to_string()).or_insert((0, 0));
        entry.1 += 1;
        if alive {
            entry.0 += 1;
        }
    }

    /// Counts from `(datacenter, alive, total)` triples (for tests and callers with
    /// counts at hand).
    pub fn from_counts<'a>(counts: impl IntoIterator<Item = (&'a str, usize, usize)>) -> Self {
        Self {
            per_dc: counts
                .into_iter()
                .map(|(dc, alive, total)| (dc.to_string(), (alive, total)))
                .collect(),
        }
    }

    /// Live replicas in every datacenter.
    pub fn alive(&self) -> usize {
        self.per_dc.values().map(|(a, _)| a).sum()
    }

    /// Placed replicas in every datacenter, live or down.
    pub fn total(&self) -> usize {
        self.per_dc.values().map(|(_, t)| t).sum()
    }

    /// Live replicas in one datacenter.
    pub fn alive_in(&self, dc: &str) -> usize {
        self.per_dc.get(dc).map_or(0, |(a, _)| *a)
    }

    /// Placed replicas in one datacenter.
    pub fn total_in(&self, dc: &str) -> usize {
        self.per_dc.get(dc).map_or(0, |(_, t)| *t)
    }
}

/// What a request does with the partition, which decides how replicas are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// A read (SELECT; the read of a lightweight transaction).
    Read,
    /// A write (INSERT, UPDATE, DELETE, a batch's mutations, a counter update, the commit
    /// of a lightweight transaction).
    Write,
    /// The Paxos round of a lightweight transaction or a SERIAL read, at SERIAL or
    /// LOCAL_SERIAL.
    Paxos,
}

/// Not enough replicas are alive: the fields of the UNAVAILABLE error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    /// The consistency level that cannot be met.
    pub consistency: Consistency,
    /// Replicas that had to be alive.
    pub required: usize,
    /// Replicas alive (Cassandra reports 0 when EACH_QUORUM fails in one datacenter).
    pub alive: usize,
    /// The datacenter that failed EACH_QUORUM.
    pub datacenter: Option<String>,
}

impl Unavailable {
    /// `UnavailableException.create`'s message: "Cannot achieve consistency level X[ in DC
    /// dc]" when fewer are alive than required, "Insufficient full replicas" otherwise.
    pub fn message(&self) -> String {
        let suffix = self
            .datacenter
            .as_ref()
            .map(|dc| format!(" in DC {dc}"))
            .unwrap_or_default();
        if self.required > self.alive {
            format!(
                "Cannot achieve consistency level {}{suffix}",
                self.consistency
            )
        } else {
            format!("Insufficient full replicas{suffix}")
        }
    }

    /// The error to answer with.
    pub fn to_error(&self) -> CqlError {
        let clamp = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        CqlError::new(
            DbError::Unavailable {
                consistency: self.consistency,
                required: clamp(self.required),
                alive: clamp(self.alive),
            },
            self.message(),
        )
    }
}

impl From<Unavailable> for CqlError {
    fn from(u: Unavailable) -> Self {
        u.to_error()
    }
}

fn unavailable(consistency: Consistency, required: usize, alive: usize) -> Unavailable {
    Unavailable {
        consistency,
        required,
        alive,
        datacenter: None,
    }
}

/// Whether enough replicas of one token are alive for `cl`, coordinated from `local_dc`.
///
/// * Reads and writes: `ReplicaPlans.assureSufficientLiveReplicas` with Cassandra's
///   `blockFor` (reads also need one live full replica). ANY always passes (a hint on the
///   coordinator will do). LOCAL_ONE and LOCAL_QUORUM count the live replicas of the
///   coordinator's datacenter. EACH_QUORUM under NetworkTopologyStrategy checks each
///   datacenter of the strategy and reports a failing one with `alive` 0, as 4.1 does;
///   under other strategies it is QUORUM.
/// * [`Operation::Paxos`]: `ReplicaPlans.forPaxos`: a majority of the replicas the ring
///   placed (of the coordinator's datacenter for LOCAL_SERIAL), whatever the factors.
///
/// # Errors
/// [`Unavailable`] with the level, the replicas required and those alive.
pub fn check(
    cl: Consistency,
    operation: Operation,
    factors: &Factors,
    replicas: &ReplicaCounts,
    local_dc: &str,
) -> Result<(), Unavailable> {
    if operation == Operation::Paxos {
        let (total, alive) = if cl == Consistency::LocalSerial {
            (replicas.total_in(local_dc), replicas.alive_in(local_dc))
        } else {
            (replicas.total(), replicas.alive())
        };
        let required = total / 2 + 1;
        return if alive < required {
            Err(unavailable(cl, required, alive))
        } else {
            Ok(())
        };
    }
    let block_for = factors.block_for(cl, local_dc);
    let full_needed = usize::from(operation == Operation::Read);
    match cl {
        Consistency::Any => Ok(()),
        Consistency::LocalOne | Consistency::LocalQuorum => {
            let live = replicas.alive_in(local_dc);
            if live < block_for || live < full_needed {
                let required = if cl == Consistency::LocalOne {
                    1
                } else {
                    block_for
                };
                return Err(unavailable(cl, required, live));
            }
            Ok(())
        }
        Consistency::EachQuorum if matches!(factors, Factors::NetworkTopology(_)) => {
            let Factors::NetworkTopology(dcs) = factors else {
                return Ok(());
            };
            let mut total = 0;
            for dc in dcs.keys() {
                let dc_block_for = factors.local_quorum(dc);
                let live = replicas.alive_in(dc);
                if live < dc_block_for {
                    // 4.1 passes its arguments to UnavailableException.create shifted:
                    // the live count lands in the "required full" slot, alive is 0.
                    return Err(Unavailable {
                        consistency: cl,
                        required: dc_block_for,
                        alive: 0,
                        datacenter: Some(dc.clone()),
                    });
                }
                total += live;
            }
            if total < full_needed {
                // Likewise shifted: alive is the full replicas required.
                return Err(unavailable(cl, block_for, full_needed));
            }
            Ok(())
        }
        _ => {
            let live = replicas.alive();
            if live < block_for || live < full_needed {
                return Err(unavailable(cl, block_for, live));
            }
            Ok(())
        }
    }
}

/// `ConsistencyLevel.validateForRead`: ANY is for writes only.
///
/// # Errors
/// `Invalid` for ANY.
pub fn validate_read(cl: Consistency) -> CqlResult<()> {
    if cl == Consistency::Any {
        return Err(CqlError::invalid(
            "ANY ConsistencyLevel is only supported for writes",
        ));
    }
    Ok(())
}

/// `ConsistencyLevel.validateForWrite`: SERIAL levels need a condition.
///
/// # Errors
/// `Invalid` for SERIAL and LOCAL_SERIAL.
pub fn validate_write(cl: Consistency) -> CqlResult<()> {
    if cl.is_serial() {
        return Err(CqlError::invalid(
            "You must use conditional updates for serializable writes",
        ));
    }
    Ok(())
}

/// `ConsistencyLevel.validateCounterForWrite`.
///
/// # Errors
/// `Invalid` for ANY and the SERIAL levels.
pub fn validate_counter_write(cl: Consistency, table: &str) -> CqlResult<()> {
    if cl == Consistency::Any {
        return Err(CqlError::invalid(format!(
            "Consistency level ANY is not yet supported for counter table {table}"
        )));
    }
    if cl.is_serial() {
        return Err(CqlError::invalid(
            "Counter operations are inherently non-serializable",
        ));
    }
    Ok(())
}

/// `ConsistencyLevel.validateForCas`: the serial consistency of a lightweight
/// transaction.
///
/// # Errors
/// `Invalid` unless SERIAL or LOCAL_SERIAL.
pub fn validate_cas(serial: Consistency) -> CqlResult<()> {
    if !serial.is_serial() {
        return Err(CqlError::invalid(
            "Invalid consistency for conditional update. Must be one of SERIAL or LOCAL_SERIAL",
        ));
    }
    Ok(())
}

/// `ConsistencyLevel.validateForCasCommit`: the commit consistency of a lightweight
/// transaction.
///
/// # Errors
/// `Invalid` for the SERIAL levels, and for EACH_QUORUM outside NetworkTopologyStrategy.
pub fn validate_cas_commit(cl: Consistency, factors: &Factors) -> CqlResult<()> {
    match cl {
        Consistency::EachQuorum if !matches!(factors, Factors::NetworkTopology(_)) => {
            Err(CqlError::invalid(format!(
                "consistency level {cl} not compatible with replication strategy ({})",
                factors.class_name()
            )))
        }
        Consistency::Serial | Consistency::LocalSerial => Err(CqlError::invalid(format!(
            "{cl} is not supported as conditional update commit consistency. Use ANY if you mean \"make sure it is accepted but I don't care how many replicas commit it for non-SERIAL reads\""
        ))),
        _ => Ok(()),
    }
}

/// The level a lightweight transaction or SERIAL read reads the partition at after its
/// Paxos round: LOCAL_QUORUM for LOCAL_SERIAL, QUORUM otherwise.
pub fn paxos_read_level(serial: Consistency) -> Consistency {
    if serial == Consistency::LocalSerial {
        Consistency::LocalQuorum
    } else {
        Consistency::Quorum
    }
}

#[cfg(test)]
#[path = "consistency_tests.rs"]
mod tests;
