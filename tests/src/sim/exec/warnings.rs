//! The client warnings Cassandra 4.1 adds to a response (the frame's WARNING flag):
//! large batches, unlogged batches over many partitions, aggregation without a partition
//! key, materialized views.

use std::collections::BTreeSet;

use bytes::Bytes;

use super::modify::{Op, Plan};
use crate::cql::ast::{BatchKind, Select, Selection, Selector};

/// `batch_size_warn_threshold` (5 KiB).
pub const BATCH_SIZE_WARN_THRESHOLD: usize = 5 * 1024;
/// `unlogged_batch_across_partitions_warn_threshold`.
pub const UNLOGGED_PARTITIONS_WARN_THRESHOLD: usize = 10;
/// The warning of CREATE MATERIALIZED VIEW.
pub const VIEWS: &str =
    "Materialized views are experimental and are not recommended for production use.";
/// The warning of an aggregate over more than one partition.
pub const AGGREGATION: &str = "Aggregation query used without partition key";

/// `FBUtilities.prettyPrintMemory`.
fn pretty_memory(size: usize) -> String {
    let size = size as f64;
    if size >= f64::from(1u32 << 30) {
        format!("{:.3}GiB", size / f64::from(1u32 << 30))
    } else if size >= f64::from(1u32 << 20) {
        format!("{:.3}MiB", size / f64::from(1u32 << 20))
    } else {
        format!("{:.3}KiB", size / 1024.0)
    }
}

fn op_partition(op: &Op) -> &[Bytes] {
    match op {
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
    }
}

/// The bytes a write adds to a mutation (values and clustering keys; an approximation of
/// Cassandra's `PartitionUpdate.dataSize`).
fn op_size(op: &Op) -> usize {
    let ck = |t: &super::modify::Target| {
        t.ck.as_ref()
            .map_or(0, |c| c.iter().map(Bytes::len).sum::<usize>())
    };
    let value = |v: &Option<Bytes>| v.as_ref().map_or(0, Bytes::len);
    match op {
        Op::Marker(t) | Op::DeleteRow(t) | Op::DeleteCollection(t, ..) => ck(t),
        Op::Cell(t, _, v) | Op::ListSet(t, _, _, v) | Op::UdtField(t, _, _, _, v) => {
            ck(t) + value(v)
        }
        Op::Element(t, _, _, k, v) => ck(t) + k.len() + value(v),
        Op::ListAdd(t, _, items, _) | Op::ListRemove(t, _, _, items) => {
            ck(t) + items.iter().map(Bytes::len).sum::<usize>()
        }
        Op::Counter(t, ..) => ck(t) + 8,
        Op::DeleteRange(..) | Op::DeletePartition(_) => 0,
    }
}

/// The warnings of a batch: its size over the threshold when it spans several
/// partitions; an unlogged batch over more partitions than the threshold.
pub fn batch(kind: BatchKind, plans: &[Plan<'_>]) -> Vec<String> {
    let mut mutations: BTreeSet<(&str, &[Bytes])> = BTreeSet::new();
    let mut keys: BTreeSet<&[Bytes]> = BTreeSet::new();
    let mut tables: BTreeSet<String> = BTreeSet::new();
    let mut size = 0;
    for p in plans {
        tables.insert(format!("{}.{}", p.table.keyspace, p.table.name));
        for op in &p.ops {
            let pk = op_partition(op);
            mutations.insert((p.table.keyspace.as_str(), pk));
            keys.insert(pk);
            size += op_size(op);
        }
    }
    let names = format!(
        "[{}]",
        tables.iter().cloned().collect::<Vec<_>>().join(", ")
    );
    let mut out = Vec::new();
    if mutations.len() > 1 && size > BATCH_SIZE_WARN_THRESHOLD {
        out.push(format!(
            "Batch for {names} is of size {}, exceeding specified threshold of {} by {}.",
            pretty_memory(size),
            pretty_memory(BATCH_SIZE_WARN_THRESHOLD),
            pretty_memory(size - BATCH_SIZE_WARN_THRESHOLD)
        ));
    }
    if kind != BatchKind::Logged
        && mutations.len() > 1
        && keys.len() > UNLOGGED_PARTITIONS_WARN_THRESHOLD
    {
        out.push(format!(
            "Unlogged batch covering {} partitions detected against table{} {names}. You should use a logged batch for atomicity, or asynchronous writes for performance.",
            keys.len(),
            if tables.len() == 1 { "" } else { "s" }
        ));
    }
    out
}

fn is_aggregate(s: &Selector) -> bool {
    match s {
        Selector::CountStar => true,
        Selector::Function { name, args } => {
            let builtin = name.keyspace.as_deref().is_none_or(|k| k == "system");
            (builtin
                && matches!(
                    name.name.to_ascii_lowercase().as_str(),
                    "count" | "min" | "max" | "sum" | "avg"
                ))
                || args.iter().any(is_aggregate)
        }
        Selector::Cast(inner, _) | Selector::Field(inner, _) => is_aggregate(inner),
        _ => false,
    }
}

/// The warning of an aggregating SELECT whose partition key is not restricted.
pub fn aggregation(select: &Select, partition_restricted: bool) -> Option<&'static str> {
    let Selection::Items(items) = &select.selection else {
        return None;
    };
    (!partition_restricted && items.iter().any(|i| is_aggregate(&i.selector)))
        .then_some(AGGREGATION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_printed_as_cassandra_prints_it() {
        assert_eq!(pretty_memory(5120), "5.000KiB");
        assert_eq!(pretty_memory(30), "0.029KiB");
        assert_eq!(pretty_memory(3 << 20), "3.000MiB");
    }
}
