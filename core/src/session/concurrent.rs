//! Concurrent execution: many statements (or many value sets for one statement) with at
//! most `concurrency` requests in flight, results in input order — the Python driver's
//! `execute_concurrent` / `execute_concurrent_with_args`.
//!
//! Built on `futures` combinators only (no runtime, no spawning): the requests run
//! inside the returned future. The input iterator is read lazily, never more than
//! `concurrency` items ahead of the finished requests, and values are written only when
//! their statement starts, so a long (or endless) iterator costs memory for the requests
//! in flight, plus the results kept for the caller (none with
//! [`execute_concurrent_stream`](super::Session::execute_concurrent_stream) when the
//! consumer keeps up).

use alloc::vec::Vec;
use core::future::Future;

use futures::stream::{FuturesUnordered, StreamExt};

use super::error::Error;

/// The error that stopped a `try_execute_concurrent*` run: the failing statement's
/// position in the input and its error. Converts into the [`Error`] (for `?`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("statement {index} of the concurrent run failed: {error}")]
pub struct ConcurrentError {
    /// Position of the failing statement in the input (from 0).
    pub index: usize,
    /// Its error.
    pub error: Error,
}

impl From<ConcurrentError> for Error {
    fn from(e: ConcurrentError) -> Self {
        e.error
    }
}

/// Runs `run` over `items` with at most `concurrency` futures in flight, keeping the
/// outputs in input order. With `stop_on_error`, returns at the first `Err` to complete
/// (dropping the futures in flight).
pub(super) async fn in_order<I, F, Fut, T>(
    items: I,
    concurrency: usize,
    mut run: F,
    stop_on_error: bool,
) -> Result<Vec<Result<T, Error>>, ConcurrentError>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let limit = concurrency.max(1);
    let mut items = items.into_iter().enumerate();
    let mut running = FuturesUnordered::new();
    let mut slots: Vec<Option<Result<T, Error>>> = Vec::new();
    let mut exhausted = false;
    loop {
        while !exhausted && running.len() < limit {
            match items.next() {
                Some((index, item)) => {
                    slots.push(None);
                    let fut = run(item);
                    running.push(async move { (index, fut.await) });
                }
                None => exhausted = true,
            }
        }
        match running.next().await {
            Some((index, Err(error))) if stop_on_error => {
                return Err(ConcurrentError { index, error });
            }
            Some((index, outcome)) => {
                if let Some(slot) = slots.get_mut(index) {
                    *slot = Some(outcome);
                }
            }
            None => break,
        }
    }
    // Every slot was filled: each pushed future completed before `running` ran dry.
    Ok(slots.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::sync::Arc;
    use core::sync::atomic::{AtomicUsize, Ordering};
    use core::time::Duration;

    /// Completes after `ms` milliseconds of (paused) tokio time.
    async fn after(ms: u64, out: Result<usize, Error>) -> Result<usize, Error> {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        out
    }

    #[tokio::test(start_paused = true)]
    async fn outputs_keep_the_input_order_whatever_finishes_first() {
        // Later items finish first.
        let delays = [50u64, 40, 30, 20, 10, 5, 1, 0];
        let results = in_order(delays, 3, |d| after(d, Ok(d as usize)), false)
            .await
            .unwrap();
        let got: Vec<usize> = results.into_iter().map(Result::unwrap).collect();
        assert_eq!(got, [50, 40, 30, 20, 10, 5, 1, 0]);
    }

    #[tokio::test(start_paused = true)]
    async fn at_most_concurrency_in_flight_and_the_input_is_read_lazily() {
        let pulled = Arc::new(AtomicUsize::new(0));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let input = {
            let (pulled, done) = (pulled.clone(), done.clone());
            (0..200usize).inspect(move |_| {
                let ahead = pulled.fetch_add(1, Ordering::SeqCst) + 1 - done.load(Ordering::SeqCst);
                assert!(ahead <= 8, "read {ahead} items ahead of the finished ones");
            })
        };
        let run = |i: usize| {
            let (in_flight, done, peak) = (in_flight.clone(), done.clone(), peak.clone());
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis((i % 7) as u64)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                done.fetch_add(1, Ordering::SeqCst);
                Ok::<_, Error>(i)
            }
        };
        let results = in_order(input, 7, run, false).await.unwrap();
        assert_eq!(results.len(), 200);
        assert!(
            results
                .iter()
                .enumerate()
                .all(|(i, r)| r.as_ref().ok() == Some(&i))
        );
        assert_eq!(peak.load(Ordering::SeqCst), 7);
        assert_eq!(pulled.load(Ordering::SeqCst), 200);
    }

    #[tokio::test(start_paused = true)]
    async fn errors_are_kept_in_place_or_stop_the_run() {
        let fail = |i: usize| Error::InvalidArgument(alloc::format!("item {i}"));
        let started = Arc::new(AtomicUsize::new(0));
        let run = |i: usize| {
            started.fetch_add(1, Ordering::SeqCst);
            // Item 3 fails quickly, item 1 slowly.
            let out = if i == 1 || i == 3 {
                Err(fail(i))
            } else {
                Ok(i)
            };
            after(if i == 1 { 100 } else { 10 }, out)
        };
        let all = in_order(0..10usize, 4, run, false).await.unwrap();
        assert_eq!(all.len(), 10);
        assert!(all[1].is_err() && all[3].is_err());
        assert_eq!(all.iter().filter(|r| r.is_ok()).count(), 8);
        assert_eq!(started.swap(0, Ordering::SeqCst), 10);

        let e = in_order(0..10usize, 4, run, true).await.unwrap_err();
        assert_eq!(e.index, 3, "the first error to complete stops the run");
        assert_eq!(e.error, fail(3));
        // Items 0..4 started; 3 failed at 10 ms, together with 0 and 2 finishing: nothing
        // after the failure started.
        assert!(
            started.load(Ordering::SeqCst) <= 7,
            "{}",
            started.load(Ordering::SeqCst)
        );
        let text = alloc::string::ToString::to_string(&e);
        assert!(
            text.contains("statement 3") && text.contains("item 3"),
            "{text}"
        );
        assert_eq!(Error::from(e), fail(3));

        let none = in_order(core::iter::empty::<usize>(), 0, |i| after(0, Ok(i)), true)
            .await
            .unwrap();
        assert!(none.is_empty());
    }
}
