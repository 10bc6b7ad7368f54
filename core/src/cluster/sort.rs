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

/// Sorts `items` stably by `cmp`, through [`sorted_order`] (the sort itself compiles
/// once; only moving the elements is per type).
pub(crate) fn sort_vec_by<T>(items: &mut alloc::vec::Vec<T>, cmp: &dyn Fn(&T, &T) -> Ordering) {
    let order = sorted_order(items.len(), &|a, b| match (items.get(a), items.get(b)) {
        (Some(x), Some(y)) => cmp(x, y),
        _ => Ordering::Equal,
    });
    let mut slots: alloc::vec::Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
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

    #[test]
    fn sorts_vectors_stably() {
        let mut v = alloc::vec![(3, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        sort_vec_by(&mut v, &|x, y| x.0.cmp(&y.0));
        assert_eq!(v, [(1, 'b'), (1, 'd'), (2, 'c'), (3, 'a')]);
    }
}
