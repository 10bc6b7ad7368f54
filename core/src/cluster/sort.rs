//! One stable sort of indices for the whole crate. Each distinct element type and
//! comparator given to `slice::sort_by` compiles to its own copy of the standard sort
//! (about 15 KB of wasm each); sorting `usize` indices through a `dyn` comparator here
//! compiles it once.

use core::cmp::Ordering;

/// Sorts `indices` stably by `cmp` (equal elements keep their order).
pub(crate) fn sort_indices_by(indices: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    indices.sort_by(|&a, &b| cmp(a, b));
}

/// `0..len`, stably sorted by `cmp`.
pub(crate) fn sorted_order(
    len: usize,
    cmp: &dyn Fn(usize, usize) -> Ordering,
) -> alloc::vec::Vec<usize> {
    let mut order: alloc::vec::Vec<usize> = (0..len).collect();
    sort_indices_by(&mut order, cmp);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably() {
        let keys = [3, 1, 2, 1, 3];
        let order = sorted_order(keys.len(), &|a, b| keys[a].cmp(&keys[b]));
        assert_eq!(order, [1, 3, 2, 0, 4]);
    }
}
