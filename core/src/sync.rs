//! Small async primitives that work without std: a [`Signal`] for one waiting task, a
//! [`Notify`] that wakes every waiter, and an unbounded MPSC [`channel`].
//!
//! They stand in for tokio's and futures' std-only ones so the connection layer runs on
//! any executor (tokio, wasm-bindgen-futures, an embedded one). Locks are `spin` mutexes
//! held only for a few instructions and never across an `.await`.

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use core::task::{Context, Poll, Waker};

use futures::task::AtomicWaker;
use spin::Mutex;

mod lock;
mod outlined;
pub(crate) mod stripe;
pub use lock::{Mutex as Lock, MutexGuard as LockGuard};
pub(crate) use outlined::Outlined;

/// Wakes one waiting task: `notify` sets a flag, [`wait`](Self::wait) completes once the
/// flag is set and clears it. Notifications while nobody waits are kept (as one).
#[derive(Debug, Default)]
pub struct Signal {
    set: AtomicBool,
    waker: AtomicWaker,
}

impl Signal {
    /// A signal that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the signal and wakes the waiting task, if any.
    pub fn notify(&self) {
        self.set.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Whether the signal was set, clearing it (without waiting).
    pub fn take(&self) -> bool {
        self.set.swap(false, Ordering::AcqRel)
    }

    /// Completes when the signal is set (immediately if it already is), clearing it.
    /// Meant for a single waiting task.
    pub fn wait(&self) -> SignalWait<'_> {
        SignalWait { signal: self }
    }

    fn poll_wait(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.set.swap(false, Ordering::AcqRel) {
            return Poll::Ready(());
        }
        self.waker.register(cx.waker());
        if self.set.swap(false, Ordering::AcqRel) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// The future of [`Signal::wait`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct SignalWait<'a> {
    signal: &'a Signal,
}

impl Future for SignalWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.signal.poll_wait(cx)
    }
}

/// Wakes every task waiting for "something changed" (a stream id was freed, the
/// connection closed).
///
/// Race-free by construction: [`notified`](Self::notified) records the current epoch,
/// so a notification between taking the future and polling it is not lost. Create the
/// future *before* checking the condition, then await it if the condition is not met.
#[derive(Debug, Default)]
pub struct Notify {
    epoch: AtomicU64,
    waiting: AtomicUsize,
    wakers: Mutex<Vec<Option<Waker>>>,
}

impl Notify {
    /// A notifier with no waiters.
    pub fn new() -> Self {
        Self::default()
    }

    /// A future that completes at the next [`notify_waiters`](Self::notify_waiters) after
    /// this call.
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            epoch: self.epoch.load(Ordering::Acquire),
            slot: None,
        }
    }

    /// Wakes every task waiting in a [`Notified`]; cheap when nobody waits.
    pub fn notify_waiters(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        if self.waiting.load(Ordering::Acquire) == 0 {
            return;
        }
        let wakers: Vec<Waker> = self
            .wakers
            .lock()
            .iter_mut()
            .filter_map(Option::take)
            .collect();
        for waker in wakers {
            waker.wake();
        }
    }

    /// Tasks currently waiting.
    pub fn waiters(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }
}

/// The future of [`Notify::notified`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Notified<'a> {
    notify: &'a Notify,
    epoch: u64,
    slot: Option<usize>,
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let notify = this.notify;
        if notify.epoch.load(Ordering::Acquire) != this.epoch {
            this.release();
            return Poll::Ready(());
        }
        {
            let mut wakers = notify.wakers.lock();
            match this.slot {
                Some(i) => {
                    if let Some(slot) = wakers.get_mut(i) {
                        *slot = Some(cx.waker().clone());
                    }
                }
                None => {
                    let i = match wakers.iter().position(Option::is_none) {
                        Some(i) => i,
                        None => {
                            wakers.push(None);
                            wakers.len() - 1
                        }
                    };
                    if let Some(slot) = wakers.get_mut(i) {
                        *slot = Some(cx.waker().clone());
                    }
                    this.slot = Some(i);
                    notify.waiting.fetch_add(1, Ordering::AcqRel);
                }
            }
        }
        // A notification may have landed while the waker was being stored.
        if notify.epoch.load(Ordering::Acquire) != this.epoch {
            this.release();
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl Notified<'_> {
    fn release(&mut self) {
        if let Some(i) = self.slot.take() {
            let mut wakers = self.notify.wakers.lock();
            if let Some(slot) = wakers.get_mut(i) {
                *slot = None;
            }
            while wakers.last().is_some_and(Option::is_none) {
                wakers.pop();
            }
            self.notify.waiting.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        self.release();
    }
}

struct Chan<T> {
    queue: Mutex<VecDeque<T>>,
    waker: AtomicWaker,
    senders: AtomicUsize,
    closed: AtomicBool,
}

/// An unbounded multi-producer, single-consumer channel: the [`Receiver`] is a
/// [`futures::Stream`] that ends once every [`Sender`] is dropped (or the receiver is
/// [closed](Receiver::close)) and the queue is drained.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let chan = Arc::new(Chan {
        queue: Mutex::new(VecDeque::new()),
        waker: AtomicWaker::new(),
        senders: AtomicUsize::new(1),
        closed: AtomicBool::new(false),
    });
    (Sender { chan: chan.clone() }, Receiver { chan })
}

/// The sending half of a [`channel`] (cloneable).
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

impl<T> core::fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> Sender<T> {
    /// Queues `value`; gives it back when the receiver is gone or closed.
    ///
    /// # Errors
    /// The value, when nobody will receive it.
    pub fn send(&self, value: T) -> Result<(), T> {
        if self.is_closed() {
            return Err(value);
        }
        self.chan.queue.lock().push_back(value);
        self.chan.waker.wake();
        Ok(())
    }

    /// Whether the receiver is gone or closed.
    pub fn is_closed(&self) -> bool {
        self.chan.closed.load(Ordering::Acquire)
    }

    /// Values queued and not yet received.
    pub fn len(&self) -> usize {
        self.chan.queue.lock().len()
    }

    /// Whether no value is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.senders.fetch_add(1, Ordering::AcqRel);
        Self {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.chan.senders.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.chan.waker.wake();
        }
    }
}

/// The receiving half of a [`channel`].
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

impl<T> core::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

impl<T> Receiver<T> {
    /// Refuses further values; those already queued can still be received.
    pub fn close(&mut self) {
        self.chan.closed.store(true, Ordering::Release);
    }

    /// The next value if one is queued, without waiting.
    pub fn try_recv(&mut self) -> Option<T> {
        self.chan.queue.lock().pop_front()
    }

    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if let Some(v) = self.try_recv() {
            return Poll::Ready(Some(v));
        }
        self.chan.waker.register(cx.waker());
        if let Some(v) = self.try_recv() {
            return Poll::Ready(Some(v));
        }
        if self.chan.senders.load(Ordering::Acquire) == 0
            || self.chan.closed.load(Ordering::Acquire)
        {
            // A last value may have been queued just before the last sender left.
            return Poll::Ready(self.try_recv());
        }
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.chan.closed.store(true, Ordering::Release);
    }
}

impl<T> futures::Stream for Receiver<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.get_mut().poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use futures::task::noop_waker;

    fn poll_once<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        Pin::new(f).poll(&mut cx)
    }

    #[test]
    fn signal_keeps_one_notification() {
        let s = Signal::new();
        assert!(poll_once(&mut s.wait()).is_pending());
        s.notify();
        s.notify();
        assert!(poll_once(&mut s.wait()).is_ready());
        assert!(poll_once(&mut s.wait()).is_pending());
        s.notify();
        assert!(s.take(), "take clears a notification");
        assert!(!s.take());
        assert!(poll_once(&mut s.wait()).is_pending());
    }

    #[test]
    fn notify_is_not_lost_between_creation_and_poll() {
        let n = Notify::new();
        let mut early = n.notified();
        n.notify_waiters();
        assert!(poll_once(&mut early).is_ready());
        let mut late = n.notified();
        assert!(poll_once(&mut late).is_pending());
        assert_eq!(n.waiters(), 1);
        n.notify_waiters();
        assert!(poll_once(&mut late).is_ready());
        assert_eq!(n.waiters(), 0);
        let mut dropped = n.notified();
        assert!(poll_once(&mut dropped).is_pending());
        drop(dropped);
        assert_eq!(n.waiters(), 0);
    }

    #[test]
    fn channel_delivers_in_order_and_ends() {
        let (tx, mut rx) = channel::<i32>();
        let tx2 = tx.clone();
        tx.send(1).unwrap();
        tx2.send(2).unwrap();
        assert_eq!(tx.len(), 2);
        drop(tx);
        drop(tx2);
        assert_eq!(poll_once(&mut rx.next()), Poll::Ready(Some(1)));
        assert_eq!(poll_once(&mut rx.next()), Poll::Ready(Some(2)));
        assert_eq!(poll_once(&mut rx.next()), Poll::Ready(None));
        let (tx, rx) = channel::<i32>();
        drop(rx);
        assert_eq!(tx.send(3), Err(3));
    }
}
