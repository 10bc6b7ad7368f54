//! Consistency levels at execution: the checks Cassandra makes before it contacts
//! replicas, applied to the partitions a statement touches (see
//! [`crate::sim::cluster::consistency`] for the decisions and
//! [`crate::sim::cluster::topology::Availability`] for the replicas).
//!
//! * SELECT: every partition of an `=`/`IN` restriction; a range scan (no complete
//!   partition key) checks every token range of the ring. SERIAL reads run a Paxos round
//!   on their single partition, then read at QUORUM (LOCAL_QUORUM for LOCAL_SERIAL); an
//!   IN over several partitions is refused, while a range scan at SERIAL is a plain range
//!   read (4.1's `StorageProxy` sends range reads to no Paxos path; `blockFor` of SERIAL
//!   is a quorum).
//! * INSERT, UPDATE, DELETE, batches, counters: every partition written, all checked
//!   before anything is written (as a logged batch does).
//! * Lightweight transactions: the Paxos round (SERIAL / LOCAL_SERIAL), the read at
//!   QUORUM / LOCAL_QUORUM, and, when the condition holds, the commit at the request's
//!   consistency.
//! * TRUNCATE: every node up.
//!
//! Validation errors come after the statement's own (values are evaluated first, where
//! Cassandra validates the level before binding values).

use std::collections::BTreeSet;

use cql_core::Consistency;

use super::ExecContext;
use super::modify::{Op, Plan};
use super::restrict::Where;
use crate::sim::cluster::consistency::{
    Operation, paxos_read_level, validate_cas, validate_cas_commit, validate_counter_write,
    validate_read, validate_write,
};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::outcome::ExecParams;
use crate::sim::schema::{Keyspace, Table};
use crate::sim::storage::PartitionPosition;

/// Cassandra's refusal of a SERIAL read over several partitions.
pub const SERIAL_ONE_PARTITION: &str =
    "SERIAL/LOCAL_SERIAL consistency may only be requested for one partition at a time";

fn keyspace<'s>(ctx: &ExecContext<'s>, table: &Table) -> Option<&'s Keyspace> {
    ctx.schema.keyspace(&table.keyspace)
}

/// Checks a SELECT that ran successfully (reads have no side effects, so checking after
/// keeps Cassandra's order: the statement's own errors first); `w` is its WHERE clause
/// analysed, as the SELECT ran it.
///
/// # Errors
/// `Invalid` for ANY or a SERIAL read of several partitions; `Unavailable`.
pub fn check_select(
    ctx: &ExecContext<'_>,
    table: &Table,
    w: &Where,
    params: &ExecParams,
) -> CqlResult<()> {
    let Some(a) = ctx.availability else {
        return Ok(());
    };
    let cl = params.consistency;
    validate_read(cl)?;
    let Some(ks) = keyspace(ctx, table) else {
        return Ok(());
    };
    if ks.is_virtual {
        return Ok(());
    }
    match w.keys.as_deref() {
        Some(keys) if cl.is_serial() => {
            let [key] = keys else {
                return Err(CqlError::invalid(SERIAL_ONE_PARTITION));
            };
            let token = PartitionPosition::of(key).token;
            a.check(ks, token, cl, Operation::Paxos)?;
            a.check(ks, token, paxos_read_level(cl), Operation::Read)?;
            touch(ctx, table, token, false);
            Ok(())
        }
        Some(keys) => {
            for key in keys {
                let token = PartitionPosition::of(key).token;
                a.check(ks, token, cl, Operation::Read)?;
                touch(ctx, table, token, false);
            }
            Ok(())
        }
        // A range read runs no Paxos round: at SERIAL / LOCAL_SERIAL it reads the ranges
        // with those levels' QUORUM / LOCAL_QUORUM sized replica sets.
        None => a.check_ranges(ks, cl, Operation::Read),
    }
}

/// The distinct partitions (tokens) the plans write, in first-written order.
fn written<'p>(plans: &[Plan<'p>]) -> Vec<(&'p Table, i64)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for plan in plans {
        let keys = plan
            .ops
            .iter()
            .map(|op| match op {
                Op::Marker(t)
                | Op::Cell(t, ..)
                | Op::DeleteCollection(t, ..)
                | Op::Element(t, ..)
                | Op::ListAdd(t, ..)
                | Op::ListSet(t, ..)
                | Op::ListRemove(t, ..)
                | Op::Counter(t, ..)
                | Op::UdtField(t, ..)
                | Op::DeleteRow(t) => &t.pk,
                Op::DeleteRange(pk, _) | Op::DeletePartition(pk) => pk,
            })
            .chain(plan.cas.as_ref().map(|(_, t)| &t.pk));
        for pk in keys {
            let token = PartitionPosition::of(pk).token;
            if seen.insert((plan.table.keyspace.clone(), token, pk.clone())) {
                out.push((plan.table, token));
            }
        }
    }
    out
}

/// Checks plain writes (no condition) before anything is applied.
///
/// # Errors
/// `Invalid` for SERIAL levels (ANY too for counters); `Unavailable`.
pub fn check_writes(
    ctx: &ExecContext<'_>,
    plans: &[Plan<'_>],
    params: &ExecParams,
) -> CqlResult<()> {
    if ctx.availability.is_none() {
        return Ok(());
    }
    let cl = params.consistency;
    for plan in plans {
        if plan.counter {
            validate_counter_write(cl, &plan.table.name)?;
        } else {
            validate_write(cl)?;
        }
    }
    commit(ctx, plans, cl)
}

fn commit(ctx: &ExecContext<'_>, plans: &[Plan<'_>], cl: Consistency) -> CqlResult<()> {
    let Some(a) = ctx.availability else {
        return Ok(());
    };
    for (table, token) in written(plans) {
        if let Some(ks) = keyspace(ctx, table) {
            a.check(ks, token, cl, Operation::Write)?;
            touch(ctx, table, token, true);
        }
    }
    Ok(())
}

/// Records a partition the request goes to its replicas for (its trace shows them).
fn touch(ctx: &ExecContext<'_>, table: &Table, token: i64, write: bool) {
    ctx.touched.borrow_mut().push(super::Touched {
        keyspace: table.keyspace.clone(),
        table: table.name.clone(),
        token,
        write,
    });
}

/// Checks a lightweight transaction before its condition is evaluated: the levels, the
/// Paxos round and the read of the current row.
///
/// # Errors
/// `Invalid` for a serial consistency that is not serial or a commit consistency that is;
/// `Unavailable`.
pub fn check_paxos(
    ctx: &ExecContext<'_>,
    conditional: &Plan<'_>,
    params: &ExecParams,
) -> CqlResult<()> {
    let Some(a) = ctx.availability else {
        return Ok(());
    };
    let Some((_, target)) = &conditional.cas else {
        return Ok(());
    };
    let serial = params.serial_consistency.unwrap_or(Consistency::Serial);
    validate_cas(serial)?;
    let Some(ks) = keyspace(ctx, conditional.table) else {
        return Ok(());
    };
    validate_cas_commit(params.consistency, &a.factors(ks))?;
    let token = PartitionPosition::of(&target.pk).token;
    a.check(ks, token, serial, Operation::Paxos)?;
    a.check(ks, token, paxos_read_level(serial), Operation::Read)
}

/// Checks the commit of a lightweight transaction whose condition held, at the request's
/// consistency (ANY commits without waiting).
///
/// # Errors
/// `Unavailable`.
pub fn check_commit(
    ctx: &ExecContext<'_>,
    plans: &[Plan<'_>],
    params: &ExecParams,
) -> CqlResult<()> {
    commit(ctx, plans, params.consistency)
}

/// Checks a TRUNCATE: every node must be up.
///
/// # Errors
/// `Unavailable` at ALL.
pub fn check_truncate(ctx: &ExecContext<'_>) -> CqlResult<()> {
    match ctx.availability {
        Some(a) => a.check_truncate(),
        None => Ok(()),
    }
}
