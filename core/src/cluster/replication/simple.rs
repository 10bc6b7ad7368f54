//! SimpleStrategy placement: the range's owner, then the next distinct hosts clockwise.

use alloc::vec::Vec;

/// Appends to `out` the SimpleStrategy replicas of ring position `position`: walking the
/// ring clockwise from it, each host the first time it is met, until `rf` hosts are found
/// or the ring is exhausted.
pub(super) fn replicas(owners: &[usize], position: usize, rf: usize, out: &mut Vec<usize>) {
    let start = out.len();
    if rf == 0 {
        return;
    }
    let n = owners.len();
    for step in 0..n {
        let Some(&host) = owners.get((position + step) % n) else {
            break;
        };
        if !out
            .get(start..)
            .is_some_and(|chosen| chosen.contains(&host))
        {
            out.push(host);
            if out.len() - start == rf {
                break;
            }
        }
    }
}
