//! Where a paged SELECT resumes, and the paging state its page hands out, as Cassandra's
//! pagers decide them: `SinglePartitionPager` (one partition key: no key in the state),
//! `MultiPartitionPager` (an IN on the partition key: the key of the partition to go on
//! with) and `PartitionRangeQueryPager` (no partition key restriction).

use bytes::Bytes;

use super::paging::{PagingState, decode_key, decode_mark, encode_key, encode_mark};
use crate::sim::error::CqlResult;
use crate::sim::schema::Table;
use crate::sim::storage::LiveRow;

/// Which pager Cassandra would use for the query.
#[derive(Debug, Clone, Copy)]
pub enum Mode<'a> {
    /// One partition key.
    Single(&'a [Bytes]),
    /// Several partition keys, in the order they are read.
    Multi(&'a [Vec<Bytes>]),
    /// A scan of the ring.
    Range,
}

impl<'a> Mode<'a> {
    /// The mode for a query's restricted keys, in reading order.
    pub fn of(keys: Option<&'a [Vec<Bytes>]>) -> Self {
        match keys {
            Some([one]) => Mode::Single(one),
            Some(keys) => Mode::Multi(keys),
            None => Mode::Range,
        }
    }
}

/// Where to go on inside the resumed partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// From its first row (a partition not started yet).
    Start,
    /// After this clustering.
    Row(Vec<Bytes>),
    /// Nothing more of it: go on with the next partition.
    Done,
}

/// A resumed position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The partition to go on with.
    pub partition_key: Vec<Bytes>,
    /// Where in it.
    pub after: After,
    /// Rows already returned from it (for PER PARTITION LIMIT).
    pub in_partition: usize,
}

/// How a paged query starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resume {
    /// From the beginning.
    Beginning,
    /// From a position.
    At(Position),
    /// Nowhere: the state names no partition of the query.
    Nothing,
}

/// The query's counts: LIMIT and PER PARTITION LIMIT, [`super::paging::NO_LIMIT`] when
/// absent (DISTINCT counts one row per partition).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Rows in all.
    pub count: usize,
    /// Rows per partition.
    pub per_partition: usize,
}

/// Reads a client's paging state: where to resume and the rows already returned.
///
/// # Errors
/// `ProtocolError` "Invalid value for the paging state" when it does not decode.
pub fn resume(
    table: &Table,
    mode: Mode<'_>,
    limits: Limits,
    state: &[u8],
) -> CqlResult<(Resume, usize)> {
    let s = PagingState::decode(state)?;
    let returned = limits.count.saturating_sub(s.remaining);
    let in_partition = limits
        .per_partition
        .saturating_sub(s.remaining_in_partition);
    let mark = match &s.row_mark {
        Some(m) => Some(decode_mark(m, table.clustering().count())?),
        None => None,
    };
    let after = |partition_done: bool| match (&mark, partition_done) {
        (_, true) => After::Done,
        (Some(m), false) => After::Row(m.clone()),
        (None, false) => After::Start,
    };
    let done = s.remaining_in_partition == 0;
    let at = match mode {
        Mode::Single(key) => Resume::At(Position {
            partition_key: key.to_vec(),
            after: after(done && mark.is_some()),
            in_partition,
        }),
        Mode::Multi(keys) => {
            let n = table.partition_key().count();
            let key = match &s.partition_key {
                Some(k) => Some(decode_key(k, n)?),
                None => None,
            };
            match keys.iter().find(|k| Some(*k) == key.as_ref()) {
                Some(k) => Resume::At(Position {
                    partition_key: k.clone(),
                    after: after(done && mark.is_some()),
                    in_partition,
                }),
                None => Resume::Nothing,
            }
        }
        Mode::Range => match &s.partition_key {
            Some(k) => Resume::At(Position {
                partition_key: decode_key(k, table.partition_key().count())?,
                after: after(done || mark.is_none()),
                in_partition,
            }),
            None => Resume::Beginning,
        },
    };
    Ok((at, returned))
}

/// The paging state after a page, or `None` when the query is exhausted: the page came
/// short, the LIMIT is reached, or (one partition) the partition is done. A page exactly
/// full is not known to be the last, so it carries a state, as Cassandra's does.
///
/// `rows` are the page's rows with their count within their partition and the running
/// total; `incoming` is the state the page resumed from.
pub fn next_state(
    table: &Table,
    mode: Mode<'_>,
    limits: Limits,
    page_size: usize,
    rows: &[(LiveRow, usize, usize)],
    incoming: Option<&[u8]>,
) -> Option<Bytes> {
    let (last, in_partition, total) = rows.last()?;
    if rows.len() < page_size || *total >= limits.count {
        return None;
    }
    // A static-only row or a row of a table without clustering ends its partition.
    let partition_done = last.clustering.is_empty();
    let remaining_in_partition = if partition_done {
        0
    } else {
        limits.per_partition.saturating_sub(*in_partition)
    };
    // The mark is the last regular row's, carried over from the previous state when this
    // page had none (Cassandra never marks a static row).
    let row_mark = if table.clustering().count() == 0 {
        None
    } else {
        rows.iter()
            .rev()
            .find(|(r, _, _)| !r.clustering.is_empty())
            .map(|(r, _, _)| encode_mark(&r.clustering))
            .or_else(|| {
                incoming
                    .and_then(|b| PagingState::decode(b).ok())
                    .and_then(|s| s.row_mark)
            })
    };
    let remaining = limits.count - total;
    let state = match mode {
        Mode::Single(_) => {
            if remaining_in_partition == 0 {
                return None;
            }
            PagingState {
                partition_key: None,
                row_mark,
                remaining,
                remaining_in_partition,
            }
        }
        Mode::Multi(keys) => {
            let at = keys.iter().position(|k| *k == last.partition_key)?;
            if remaining_in_partition == 0 {
                // This partition's pager is exhausted: the state names the next one.
                let next = keys.get(at + 1)?;
                PagingState {
                    partition_key: Some(encode_key(next)),
                    row_mark: None,
                    remaining,
                    remaining_in_partition: limits.per_partition,
                }
            } else {
                PagingState {
                    partition_key: Some(encode_key(&last.partition_key)),
                    row_mark,
                    remaining,
                    remaining_in_partition,
                }
            }
        }
        Mode::Range => PagingState {
            partition_key: Some(encode_key(&last.partition_key)),
            row_mark,
            remaining,
            remaining_in_partition,
        },
    };
    Some(state.encode())
}
