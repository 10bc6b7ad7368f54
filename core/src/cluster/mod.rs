//! Layer 5 (the part issue #2 needs): partitioner tokens and replica placement.

pub mod token;
