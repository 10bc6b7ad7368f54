//! Benchmarks of `cql-core` live in `benches/`; this library is intentionally empty.
