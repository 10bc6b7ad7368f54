//! Where the answer to a request waits for the task that sent it: a slab of reply slots,
//! reused without allocating, each named by a ticket the request holds while it waits.
//!
//! A slot is keyed by ticket, not by stream id: the machine frees a stream id as soon as
//! the answer arrives, and a new request may take that id before the first task has
//! picked its answer up. The map from stream id to ticket routes answers to slots.

use alloc::vec::Vec;
use core::task::{Poll, Waker};
use core::time::Duration;

use crate::runtime::Instant;

/// No ticket is waiting on this stream id.
const NONE: u32 = u32::MAX;

/// One slot.
enum Entry<T> {
    /// Unused (its ticket is on the free list).
    Free,
    /// A request in flight on `stream`, woken through `waker` when its answer comes.
    Waiting {
        stream: i16,
        waker: Option<Waker>,
        /// When it times out, and its timeout (for the error).
        deadline: Option<(Instant, Duration)>,
    },
    /// The answer, not picked up yet.
    Ready(T),
}

/// The reply slots of one connection (see the [module docs](self)).
pub(super) struct ReplySlots<T> {
    entries: Vec<Entry<T>>,
    free: Vec<u32>,
    /// The ticket waiting on each stream id, or [`NONE`].
    by_stream: Vec<u32>,
    /// No waiting request's deadline is earlier than this (`None`: none has one).
    next_expiry: Option<Instant>,
}

impl<T> ReplySlots<T> {
    /// No slots yet.
    pub(super) fn new() -> Self {
        Self {
            entries: Vec::new(),
            free: Vec::new(),
            by_stream: Vec::new(),
            next_expiry: None,
        }
    }

    /// Registers the request just sent on `stream`; returns its ticket.
    pub(super) fn insert(
        &mut self,
        stream: i16,
        waker: Option<Waker>,
        deadline: Option<(Instant, Duration)>,
    ) -> u32 {
        if let Some((at, _)) = deadline {
            if self.next_expiry.is_none_or(|next| at < next) {
                self.next_expiry = Some(at);
            }
        }
        let entry = Entry::Waiting {
            stream,
            waker,
            deadline,
        };
        let ticket = match self.free.pop() {
            Some(t) => {
                if let Some(e) = self.entries.get_mut(t as usize) {
                    *e = entry;
                }
                t
            }
            None => {
                self.entries.push(entry);
                u32::try_from(self.entries.len() - 1).unwrap_or(NONE)
            }
        };
        if let Ok(i) = usize::try_from(stream) {
            if i >= self.by_stream.len() {
                self.by_stream.resize(i + 1, NONE);
            }
            if let Some(s) = self.by_stream.get_mut(i) {
                *s = ticket;
            }
        }
        ticket
    }

    /// Hands `value` to the request waiting on `stream`; returns the waker to wake (after
    /// releasing any lock). Nobody waiting: `value` is dropped.
    pub(super) fn complete(&mut self, stream: i16, value: T) -> Option<Waker> {
        let slot = usize::try_from(stream)
            .ok()
            .and_then(|i| self.by_stream.get_mut(i))?;
        let ticket = core::mem::replace(slot, NONE);
        let entry = self.entries.get_mut(ticket as usize)?;
        match core::mem::replace(entry, Entry::Ready(value)) {
            Entry::Waiting { waker, .. } => waker,
            other => {
                // Not waiting (cannot happen: the map only names waiting tickets).
                *entry = other;
                None
            }
        }
    }

    /// The answer of `ticket` if it came (the slot is then freed), `Ready(None)` if the
    /// ticket is unknown; else remembers `waker` and returns `Pending`.
    pub(super) fn poll(&mut self, ticket: u32, waker: &Waker) -> Poll<Option<T>> {
        let Some(entry) = self.entries.get_mut(ticket as usize) else {
            return Poll::Ready(None);
        };
        match entry {
            Entry::Ready(_) => match core::mem::replace(entry, Entry::Free) {
                Entry::Ready(value) => {
                    self.free.push(ticket);
                    Poll::Ready(Some(value))
                }
                _ => Poll::Ready(None),
            },
            Entry::Waiting { waker: w, .. } => {
                if !w.as_ref().is_some_and(|w| w.will_wake(waker)) {
                    *w = Some(waker.clone());
                }
                Poll::Pending
            }
            Entry::Free => Poll::Ready(None),
        }
    }

    /// Gives `ticket` up (its task no longer waits) and frees its slot; returns its
    /// stream id when the request was still waiting for its answer (the caller marks it
    /// abandoned so the id stays reserved until the late answer).
    pub(super) fn cancel(&mut self, ticket: u32) -> Option<i16> {
        let entry = self.entries.get_mut(ticket as usize)?;
        let was = core::mem::replace(entry, Entry::Free);
        if matches!(was, Entry::Free) {
            return None;
        }
        self.free.push(ticket);
        match was {
            Entry::Waiting { stream, .. } => {
                self.unmap(stream, ticket);
                Some(stream)
            }
            _ => None,
        }
    }

    /// Answers the waiting requests whose deadline is past `now` with `timed_out(timeout)`,
    /// calling `abandon(stream)` for each (their ids stay reserved until the late
    /// answers) and collecting their wakers; works out the next deadline. Scans only when
    /// the earliest deadline has come, which with answers arriving in time is about once
    /// per timeout period.
    pub(super) fn expire(
        &mut self,
        now: Instant,
        mut timed_out: impl FnMut(Duration) -> T,
        mut abandon: impl FnMut(i16),
        wakers: &mut Vec<Waker>,
    ) {
        if self.next_expiry.is_none_or(|next| now < next) {
            return;
        }
        let mut next: Option<Instant> = None;
        for entry in &mut self.entries {
            let Entry::Waiting {
                stream,
                waker,
                deadline: Some((at, timeout)),
            } = entry
            else {
                continue;
            };
            if *at <= now {
                let (stream, timeout) = (*stream, *timeout);
                if let Some(w) = waker.take() {
                    wakers.push(w);
                }
                abandon(stream);
                if let Some(s) = usize::try_from(stream)
                    .ok()
                    .and_then(|i| self.by_stream.get_mut(i))
                {
                    *s = NONE;
                }
                *entry = Entry::Ready(timed_out(timeout));
            } else if next.is_none_or(|n| *at < n) {
                next = Some(*at);
            }
        }
        self.next_expiry = next;
    }

    /// Answers every waiting request with `error()` (the connection is over) and collects
    /// their wakers; answers already delivered stay for their tasks to pick up.
    pub(super) fn fail_all(&mut self, mut error: impl FnMut() -> T, wakers: &mut Vec<Waker>) {
        for entry in &mut self.entries {
            if let Entry::Waiting { waker, .. } = entry {
                if let Some(w) = waker.take() {
                    wakers.push(w);
                }
                *entry = Entry::Ready(error());
            }
        }
        self.by_stream = Vec::new();
        self.next_expiry = None;
    }

    /// The earliest deadline of a waiting request (or a bit earlier), if any has one.
    pub(super) fn next_expiry(&self) -> Option<Instant> {
        self.next_expiry
    }

    fn unmap(&mut self, stream: i16, ticket: u32) {
        if let Some(s) = usize::try_from(stream)
            .ok()
            .and_then(|i| self.by_stream.get_mut(i))
        {
            if *s == ticket {
                *s = NONE;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::task::noop_waker;

    #[test]
    fn answer_reaches_its_ticket_even_after_the_stream_is_reused() {
        let mut slots: ReplySlots<&str> = ReplySlots::new();
        let w = noop_waker();
        let a = slots.insert(3, Some(w.clone()), None);
        assert_eq!(slots.poll(a, &w), Poll::Pending);
        assert!(slots.complete(3, "first").is_some());
        // Stream 3 is free again for the machine: a new request takes it.
        let b = slots.insert(3, Some(w.clone()), None);
        assert_ne!(a, b);
        assert!(slots.complete(3, "second").is_some());
        assert_eq!(slots.poll(a, &w), Poll::Ready(Some("first")));
        assert_eq!(slots.poll(b, &w), Poll::Ready(Some("second")));
        // Slots are reused.
        let c = slots.insert(7, None, None);
        assert!(c == a || c == b);
        assert_eq!(slots.entries.len(), 2);
        // An answer nobody waits for is dropped.
        assert!(slots.complete(9, "stray").is_none());
        assert!(slots.complete(-1, "event").is_none());
    }

    #[test]
    fn cancel_reports_waiting_requests_only() {
        let mut slots: ReplySlots<u8> = ReplySlots::new();
        let w = noop_waker();
        let a = slots.insert(0, None, None);
        assert_eq!(slots.cancel(a), Some(0));
        assert_eq!(slots.cancel(a), None);
        assert!(
            slots.complete(0, 1).is_none(),
            "the cancelled ticket is unmapped"
        );
        let b = slots.insert(1, None, None);
        slots.complete(1, 5);
        assert_eq!(slots.cancel(b), None, "answered: nothing to abandon");
        assert_eq!(slots.poll(b, &w), Poll::Ready(None));
        assert_eq!(slots.poll(99, &w), Poll::Ready(None));
    }

    #[test]
    fn expiry_and_failure() {
        let mut slots: ReplySlots<Result<u8, Duration>> = ReplySlots::new();
        let w = noop_waker();
        let t0 = Instant::from_nanos(0);
        let sec = Duration::from_secs(1);
        let a = slots.insert(0, Some(w.clone()), Some((t0 + sec, sec)));
        let b = slots.insert(1, Some(w.clone()), Some((t0 + sec * 3, sec * 3)));
        let c = slots.insert(2, Some(w.clone()), None);
        assert_eq!(slots.next_expiry(), Some(t0 + sec));
        let mut wakers = Vec::new();
        let mut abandoned = Vec::new();
        slots.expire(t0, Err, |s| abandoned.push(s), &mut wakers);
        assert!(abandoned.is_empty());
        slots.expire(t0 + sec * 2, Err, |s| abandoned.push(s), &mut wakers);
        assert_eq!(abandoned, [0]);
        assert_eq!(wakers.len(), 1);
        assert_eq!(slots.next_expiry(), Some(t0 + sec * 3));
        assert_eq!(slots.poll(a, &w), Poll::Ready(Some(Err(sec))));
        // The late answer on stream 0 goes nowhere.
        assert!(slots.complete(0, Ok(1)).is_none());
        slots.complete(2, Ok(2));
        wakers.clear();
        slots.fail_all(|| Err(Duration::ZERO), &mut wakers);
        assert_eq!(wakers.len(), 1);
        assert_eq!(slots.poll(b, &w), Poll::Ready(Some(Err(Duration::ZERO))));
        assert_eq!(slots.poll(c, &w), Poll::Ready(Some(Ok(2))));
        assert_eq!(slots.next_expiry(), None);
    }
}
