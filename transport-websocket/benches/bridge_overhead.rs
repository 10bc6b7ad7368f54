//! The bridge's round-trip overhead: the native driver's requests/s for a prepared
//! single-row SELECT against a primed simulated node, direct TCP vs through cql-bridge
//! (ws, same machine, same run), at several concurrencies. Prints a table.
//!
//! `cargo bench -p cql-transport-websocket --bench bridge_overhead [-- SECONDS]`
//! (default 3 seconds per cell).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cql_core::runtime::{NodeAddr, Transport};
use cql_core::session::{PreparedStatement, Session};
use cql_core::types::{ColumnSpec, ColumnType};
use cql_testkit::sim::server::{Prime, Primes, SimServer, SimServerConfig};
use cql_testkit::sim::{Outcome, RowsResult};
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::TcpTransport;
use cql_transport_websocket::bridge::{Bridge, BridgeConfig, TargetAllowList};
use cql_transport_websocket::{BridgeAddressMap, WebSocketTransport};

const QUERY: &str = "SELECT v FROM ks.t WHERE k = ?";

fn col(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "ks".into(),
        table: "t".into(),
        name: name.into(),
        typ,
    }
}

async fn session<T: Transport>(node: NodeAddr, transport: T) -> Arc<Session> {
    let session = SessionBuilder::new()
        .contact_point(node)
        .transport(transport)
        .connect()
        .await
        .unwrap_or_else(|e| panic!("cannot connect: {e}"));
    Arc::new(session)
}

/// Requests/s and mean latency with `concurrency` tasks for `secs`.
async fn measure(
    session: &Arc<Session>,
    prepared: &PreparedStatement,
    concurrency: usize,
    secs: f64,
) -> (f64, Duration) {
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (session, prepared, done) = (session.clone(), prepared.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let r = session.execute(&prepared, (1i32,)).await.unwrap();
                assert_eq!(r.row_count(), 1);
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    let n = done.load(Ordering::Relaxed).max(1);
    let rate = n as f64 / elapsed.as_secs_f64();
    let latency = elapsed.mul_f64(concurrency as f64) / u32::try_from(n).unwrap_or(u32::MAX);
    (rate, latency)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let secs: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3.0);
    let rows = RowsResult {
        columns: vec![col("v", ColumnType::Int)],
        rows: vec![vec![Some(Bytes::from_static(&[0, 0, 0, 42]))]],
        paging_state: None,
    };
    let mut primes = Primes::new();
    primes.insert(
        QUERY,
        Prime::new(Outcome::Rows(rows)).with_bind(vec![col("k", ColumnType::Int)]),
    );
    let sim = SimServer::start(SimServerConfig::default().with_primes(primes))
        .await
        .unwrap();
    let node = NodeAddr::from(sim.local_addr());
    let mut config = BridgeConfig::new(
        "127.0.0.1:0".parse().unwrap(),
        TargetAllowList::parse(&[node.to_string()]).unwrap(),
    );
    config.auth.allow_anonymous = true;
    let bridge = Bridge::start(config).await.unwrap();

    let direct = session(node.clone(), TcpTransport::new()).await;
    let tunnelled = session(
        node.clone(),
        WebSocketTransport::new(BridgeAddressMap::new(bridge.url()).unwrap()),
    )
    .await;
    let p_direct = direct.prepare(QUERY).await.unwrap();
    let p_tunnel = tunnelled.prepare(QUERY).await.unwrap();
    // Warm up both paths.
    measure(&direct, &p_direct, 4, 0.5).await;
    measure(&tunnelled, &p_tunnel, 4, 0.5).await;

    println!("prepared single-row SELECT, primed cql-sim, {secs} s per cell, 2 tokio workers");
    println!(
        "| concurrency | direct TCP req/s | via cql-bridge (ws) req/s | bridge/direct | direct mean latency | bridge mean latency |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for concurrency in [1, 8, 64] {
        let (d_rate, d_lat) = measure(&direct, &p_direct, concurrency, secs).await;
        let (b_rate, b_lat) = measure(&tunnelled, &p_tunnel, concurrency, secs).await;
        println!(
            "| {concurrency} | {d_rate:.0} | {b_rate:.0} | {:.2} | {:.1} µs | {:.1} µs |",
            b_rate / d_rate,
            d_lat.as_secs_f64() * 1e6,
            b_lat.as_secs_f64() * 1e6,
        );
    }
    direct.close().await;
    tunnelled.close().await;
    bridge.stop().await;
    sim.stop().await;
}
