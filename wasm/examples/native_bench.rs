//! Requests/s of the native driver through cql-bridge (the counterpart of
//! `wasm/bench/node-bench.mjs`, which measures the wasm driver in Node.js through the same
//! bridge): a prepared single-row SELECT, `CONCURRENCY` requests in flight, `BENCH_SECONDS`
//! seconds. Reads `CQL_WASM_BRIDGE`, `CQL_WASM_NODE`, `CQL_WASM_TOKEN` (as set by
//! `wasm/tests/with-servers.sh`).
//!
//! ```sh
//! CQL_WASM_PROFILE=release bash wasm/tests/with-servers.sh \
//!     cargo run --release -p cql-wasm --example native_bench
//! ```

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    native::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    use cql_transport_tcp::SessionBuilder;
    use cql_transport_websocket::{BridgeAddressMap, WebSocketTransport};

    fn env(name: &str, default: &str) -> String {
        std::env::var(name).unwrap_or_else(|_| default.to_string())
    }

    pub fn main() -> Result<(), Box<dyn std::error::Error>> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(run())
    }

    async fn run() -> Result<(), Box<dyn std::error::Error>> {
        let bridge = env("CQL_WASM_BRIDGE", "ws://127.0.0.1:8080/cql");
        let node = env("CQL_WASM_NODE", "127.0.0.1:9042");
        let token = env("CQL_WASM_TOKEN", "");
        let seconds: u64 = env("BENCH_SECONDS", "5").parse()?;
        let mut transport = WebSocketTransport::new(BridgeAddressMap::new(&bridge)?);
        if !token.is_empty() {
            transport = transport.with_token(token);
        }
        let session = SessionBuilder::new()
            .contact_point(node.as_str())
            .transport(transport)
            .connect()
            .await?;
        session
            .execute(
                "CREATE KEYSPACE IF NOT EXISTS bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                (),
            )
            .await?;
        session
            .execute(
                "CREATE TABLE IF NOT EXISTS bench.kv (k int PRIMARY KEY, v text)",
                (),
            )
            .await?;
        session
            .execute("INSERT INTO bench.kv (k, v) VALUES (1, 'one')", ())
            .await?;
        let select = session
            .prepare("SELECT k, v FROM bench.kv WHERE k = ?")
            .await?;
        for concurrency in [1usize, 8, 32] {
            let done = Arc::new(AtomicU64::new(0));
            let end = Instant::now() + Duration::from_secs(seconds);
            let started = Instant::now();
            // One thread, requests interleaved on it: as the wasm driver runs in Node.js.
            let loops = (0..concurrency).map(|_| {
                let (session, select, done) = (&session, &select, Arc::clone(&done));
                async move {
                    while Instant::now() < end {
                        let r = session.execute(select, (1i32,)).await?;
                        let row = r.first_row().ok_or("no row")?;
                        let _v: String = row.get(1)?;
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok::<(), Box<dyn std::error::Error>>(())
                }
            });
            for r in futures::future::join_all(loops).await {
                r?;
            }
            let rate = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
            println!("native driver via cql-bridge, concurrency {concurrency}: {rate:.0} req/s");
        }
        session.close().await;
        Ok(())
    }
}
