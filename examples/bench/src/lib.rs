//! Driver throughput benchmarks, run by hand (`cargo bench -p cql-bench --bench
//! driver_throughput` and `--bench driver_throughput_cluster`): this driver, the `scylla`
//! crate and the Python cassandra-driver against simulated nodes. Everything is in
//! `benches/`; this library is empty because a package needs one target besides benches.
