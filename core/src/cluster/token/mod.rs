//! Partitioner tokens (to be filled in).
