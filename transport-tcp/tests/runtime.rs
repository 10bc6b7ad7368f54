//! `TokioRuntime`: spawn, sleep and the clocks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cql_transport_tcp::TokioRuntime;
use cql_transport_tcp::runtime::Runtime;

#[tokio::test]
async fn spawn_runs_the_task() {
    let rt = TokioRuntime::new();
    let (tx, rx) = tokio::sync::oneshot::channel();
    rt.spawn(Box::pin(async move {
        let _ = tx.send(42);
    }));
    assert_eq!(rx.await.unwrap(), 42);
}

#[test]
fn spawn_with_a_handle_works_from_any_thread() {
    let tokio_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let rt = TokioRuntime::with_handle(tokio_rt.handle().clone());
    let (tx, rx) = std::sync::mpsc::channel();
    // Not inside the runtime here.
    let sleeper = rt.clone();
    rt.spawn(Box::pin(async move {
        sleeper.sleep(Duration::from_millis(5)).await;
        tx.send(()).unwrap();
    }));
    rx.recv_timeout(Duration::from_secs(5)).unwrap();
}

#[tokio::test]
async fn sleep_waits_and_now_advances() {
    let rt = TokioRuntime::new();
    let start = rt.now();
    rt.sleep(Duration::from_millis(30)).await;
    let elapsed = rt.now() - start;
    assert!(elapsed >= Duration::from_millis(30), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn now_follows_tokio_paused_time() {
    let rt = TokioRuntime::new();
    let start = rt.now();
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    let sleeper = rt.clone();
    rt.spawn(Box::pin(async move {
        sleeper.sleep(Duration::from_secs(3600)).await;
        flag.store(true, Ordering::SeqCst);
    }));
    // Let the task start its sleep (the timer is created on first poll), then jump.
    tokio::task::yield_now().await;
    tokio::time::advance(Duration::from_secs(3601)).await;
    tokio::task::yield_now().await;
    assert!(done.load(Ordering::SeqCst));
    assert!(rt.now() - start >= Duration::from_secs(3600));
}

#[test]
fn sleep_future_can_be_made_outside_a_runtime() {
    let rt = TokioRuntime::new();
    let sleep = rt.sleep(Duration::from_millis(1));
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(sleep);
}

#[test]
fn wall_clock_is_microseconds_since_the_epoch() {
    let micros = TokioRuntime::new().wall_clock_micros();
    // After 2024-01-01 and before 2100-01-01.
    assert!(micros > 1_704_067_200_000_000, "{micros}");
    assert!(micros < 4_102_444_800_000_000, "{micros}");
}
