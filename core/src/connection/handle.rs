//! [`Connection`]: the [`ConnectionState`] machine run over a transport stream by a
//! reader task and a writer task spawned on the [`Runtime`].
//!
//! Requests take a reply slot ([`ReplySlots`]) and wake the writer, which writes
//! everything queued in one go; the reader feeds received bytes to the machine, puts each
//! response in its request's slot and wakes the request's task. The writer also keeps the machine's clock
//! (heartbeats, handshake deadline). Memory stays bounded: a request holds a stream id
//! or waits for one (bounded by its timeout); nothing else is queued per request.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use core::future::Future;
use core::pin::{Pin, pin};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use core::task::{Context, Poll, Waker};
use core::time::Duration;

use futures::channel::oneshot;
use futures::future::{Either, select};

use super::config::{ConnectionConfig, RequestOptions};
use super::error::ConnectionError;
use super::replies::ReplySlots;
use super::state::{ConnectionState, Output, SubmitError, decode_response_with};
use super::version::initial_version;
use crate::frame::{Frame, ProtocolVersion};
use crate::message::{Event, KnownColumns, Request, RequestFrame, ResponseFrame};
use crate::runtime::{
    BoxFuture, Instant, NodeAddr, Runtime, StreamReader, StreamWriter, Transport,
};
use crate::sync::stripe::Padded;
use crate::sync::{Lock as Mutex, LockGuard as MutexGuard, Notify, Signal, channel};

/// Events queued for one [`EventStream`] that is not read; later ones are dropped.
const MAX_QUEUED_EVENTS: usize = 1024;
/// Size of the reader task's buffer: what one read takes from the socket. Small enough
/// that under load one read is a few hundred answers, not everything the node sent (the
/// node keeps working on the next requests while these are handed over). Tuned with
/// `driver_throughput` (see `examples/bench/README.md`, "Tuning").
const READ_BUFFER_LEN: usize = 16 * 1024;
/// Tasks the reader wakes before it lets them run (see `wake_in_chunks`), rather than a
/// whole read at once. Tuned as [`READ_BUFFER_LEN`].
const WAKE_CHUNK: usize = 64;
/// At most how many times the writer lets the runtime run other tasks before writing
/// (see `write_loop`); with few requests in flight the second yield is skipped. Tuned as
/// [`READ_BUFFER_LEN`].
const WRITER_YIELDS: usize = 2;

/// What a waiting request is handed: its response, decoded by the machine or (usually)
/// raw, to be decoded by the request's own task outside the lock.
type Reply = Result<Answer, ConnectionError>;

enum Answer {
    /// Rare: the machine decodes only when not in raw mode.
    Decoded(Box<ResponseFrame>),
    Raw(Frame),
}

impl Answer {
    fn decode(
        reply: Reply,
        known: Option<&KnownColumns>,
    ) -> Result<ResponseFrame, ConnectionError> {
        match reply? {
            Self::Decoded(frame) => Ok(*frame),
            Self::Raw(frame) => decode_response_with(&frame, known),
        }
    }
}

/// How a handshake attempt ended, when it did not succeed.
enum AttemptError {
    /// The node refused the version: reconnect with this one.
    Retry(ProtocolVersion),
    Failed(ConnectionError),
}

/// State shared by the handles, the reader task and the writer task.
///
/// The parts written on every request are each on their own cache line (`Padded`):
/// request tasks on every worker thread and the reader and writer tasks use them at
/// once, and parts sharing a line would make each write evict the others' reads.
struct Shared {
    inner: Padded<Mutex<Inner>>,
    /// Where each request's answer waits for its task (under its own lock, so a task
    /// picking its answer up does not wait for the reader parsing a batch). Lock order:
    /// `inner`, then `replies`. The writer task wakes at the earliest deadline and fails
    /// the requests whose time is up.
    replies: Padded<Mutex<ReplySlots<Reply>>>,
    /// Wakes the writer: bytes to write, or the connection closed.
    write: Padded<Signal>,
    /// A stream id may have been freed, or the connection closed.
    freed: Padded<Notify>,
    /// The machine's in-flight count as of its last change, readable without the lock
    /// (pools compare connections by it on every request).
    in_flight: Padded<AtomicUsize>,
    /// Read on every request, written once.
    closed: Padded<AtomicBool>,
    /// Stops the reader.
    stop_reader: Signal,
}

struct Inner {
    machine: ConnectionState,
    subscribers: Vec<crate::sync::Sender<Event>>,
    /// Events received before the first subscriber (e.g. right after REGISTER), kept for
    /// it; `None` once someone subscribed.
    backlog: Option<Vec<Event>>,
    handshake: Option<oneshot::Sender<Result<ProtocolVersion, AttemptError>>>,
}

impl Inner {
    fn publish(&mut self, event: &Event) {
        if let Some(backlog) = &mut self.backlog {
            if backlog.len() < MAX_QUEUED_EVENTS {
                backlog.push(event.clone());
            }
            return;
        }
        self.subscribers.retain(|s| !s.is_closed());
        for s in &self.subscribers {
            if s.len() < MAX_QUEUED_EVENTS {
                let _ = s.send(event.clone());
            }
        }
    }
}

impl Shared {
    /// Runs `f` on the machine, then delivers what it produced (responses outside the
    /// lock) and wakes whoever must act.
    fn with_machine<T>(
        &self,
        wakers: &mut Vec<Waker>,
        f: impl FnOnce(&mut ConnectionState) -> T,
    ) -> T {
        let mut inner = self.inner.lock();
        let value = f(&mut inner.machine);
        self.settle(inner, wakers);
        value
    }

    /// Like [`with_machine`](Self::with_machine), with the whole shared state (and the
    /// replies to deliver once the lock is released).
    fn with_inner<T>(
        &self,
        wakers: &mut Vec<Waker>,
        f: impl FnOnce(&mut Inner, &mut Vec<Waker>) -> T,
    ) -> T {
        let mut inner = self.inner.lock();
        let value = f(&mut inner, wakers);
        self.settle(inner, wakers);
        value
    }

    fn settle(&self, inner: MutexGuard<'_, Inner>, wakers: &mut Vec<Waker>) {
        self.settle_collecting(inner, wakers);
        for waker in wakers.drain(..) {
            waker.wake();
        }
    }

    /// [`settle`](Self::settle), except that the tasks to wake are left in `wakers`
    /// for the caller.
    fn settle_collecting(&self, mut inner: MutexGuard<'_, Inner>, wakers: &mut Vec<Waker>) {
        let mut handshake = None;
        let mut retry = None;
        let mut closed = None;
        let mut replies = self.replies.lock();
        while let Some(output) = inner.machine.poll_output() {
            match output {
                Output::Response { stream, result } => {
                    let reply = result.map(|f| Answer::Decoded(Box::new(f)));
                    wakers.extend(replies.complete(stream, reply));
                }
                Output::RawResponse { stream, frame } => {
                    wakers.extend(replies.complete(stream, Ok(Answer::Raw(frame))));
                }
                Output::Event(event) => inner.publish(&event),
                Output::HandshakeDone { version } => handshake = Some(version),
                Output::RetryWithVersion(version) => retry = Some(version),
                Output::Closed(error) => closed = Some(error),
            }
        }
        let handshake_reply = match (&closed, handshake) {
            (Some(e), _) => inner.handshake.take().map(|tx| {
                let why = match retry {
                    Some(v) => AttemptError::Retry(v),
                    None => AttemptError::Failed(e.clone()),
                };
                (tx, Err(why))
            }),
            (None, Some(v)) => inner.handshake.take().map(|tx| (tx, Ok(v))),
            (None, None) => None,
        };
        if let Some(e) = &closed {
            inner.subscribers.clear();
            // Every waiter was answered by the machine; fail any stragglers.
            replies.fail_all(|| Err(e.clone()), wakers);
        }
        drop(replies);
        let has_output = inner.machine.has_output();
        self.in_flight
            .store(inner.machine.in_flight(), Ordering::Relaxed);
        drop(inner);
        if let Some((tx, reply)) = handshake_reply {
            let _ = tx.send(reply);
        }
        if closed.is_some() {
            self.closed.store(true, Ordering::Release);
            self.stop_reader.notify();
            self.write.notify();
        } else if has_output {
            self.write.notify();
        }
        self.freed.notify_waiters();
    }

    fn fail(&self, error: ConnectionError) {
        self.with_machine(&mut Vec::new(), |m| m.fail(error));
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}

/// The shared part of the handles; closing the connection when the last one goes.
struct Handle {
    shared: Arc<Shared>,
    runtime: Arc<dyn Runtime>,
    addr: NodeAddr,
    version: ProtocolVersion,
}

impl Drop for Handle {
    fn drop(&mut self) {
        if !self.shared.is_closed() {
            self.shared.fail(ConnectionError::Closed(String::from(
                "every handle of the connection was dropped",
            )));
        }
    }
}

/// An open connection to one node (cheap to clone; clones share it).
pub struct Connection {
    handle: Arc<Handle>,
}

impl Clone for Connection {
    fn clone(&self) -> Self {
        Self {
            handle: self.handle.clone(),
        }
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("addr", &self.handle.addr)
            .field("version", &self.handle.version)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Opens a connection: stream, OPTIONS, STARTUP, authentication, optional USE and
    /// REGISTER, all within `config.connect_timeout`.
    ///
    /// Without a fixed `config.protocol_version` it starts at v5 (v4 when Snappy is
    /// asked) and, when the node refuses, reconnects once at the highest version the
    /// node names (see [`protocol_version`](Self::protocol_version) for the outcome).
    ///
    /// # Errors
    /// [`ConnectionError`] for every way this can fail; [`ConnectionError::Timeout`]
    /// when the whole opening takes longer than `connect_timeout`.
    pub async fn open<T: Transport + ?Sized>(
        transport: &T,
        runtime: Arc<dyn Runtime>,
        addr: NodeAddr,
        config: ConnectionConfig,
    ) -> Result<Self, ConnectionError> {
        let mut version = initial_version(config.protocol_version, config.compression);
        let timeout = runtime.sleep(config.connect_timeout);
        let mut timeout = pin!(timeout);
        loop {
            let attempt = pin!(Self::attempt(
                transport,
                runtime.clone(),
                addr.clone(),
                &config,
                version
            ));
            match select(attempt, timeout.as_mut()).await {
                Either::Left((Ok(conn), _)) => return Ok(conn),
                Either::Left((Err(AttemptError::Retry(v)), _)) => version = v,
                Either::Left((Err(AttemptError::Failed(e)), _)) => return Err(e),
                Either::Right(_) => return Err(ConnectionError::Timeout(config.connect_timeout)),
            }
        }
    }

    /// One stream and handshake in `version`.
    async fn attempt<T: Transport + ?Sized>(
        transport: &T,
        runtime: Arc<dyn Runtime>,
        addr: NodeAddr,
        config: &ConnectionConfig,
        version: ProtocolVersion,
    ) -> Result<Self, AttemptError> {
        let stream = transport
            .connect(&addr)
            .await
            .map_err(|e| AttemptError::Failed(ConnectionError::Transport(e)))?;
        let mut machine = ConnectionState::new(config, version, runtime.now());
        machine.set_raw_responses(true);
        let (tx, rx) = oneshot::channel();
        let shared = Arc::new(Shared {
            inner: Padded(Mutex::new(Inner {
                machine,
                subscribers: Vec::new(),
                backlog: Some(Vec::new()),
                handshake: Some(tx),
            })),
            replies: Padded(Mutex::new(ReplySlots::new())),
            write: Padded(Signal::new()),
            stop_reader: Signal::new(),
            freed: Padded(Notify::new()),
            closed: Padded(AtomicBool::new(false)),
            in_flight: Padded(AtomicUsize::new(0)),
        });
        // Dropped (closing the connection) if the handshake fails or is given up on.
        let handle = Arc::new(Handle {
            shared: shared.clone(),
            runtime: runtime.clone(),
            addr,
            version,
        });
        runtime.spawn(Box::pin(read_loop(
            shared.clone(),
            stream.reader,
            runtime.clone(),
        )));
        runtime.spawn(Box::pin(write_loop(shared, stream.writer, runtime.clone())));
        match rx.await {
            Ok(Ok(_)) => Ok(Self { handle }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(AttemptError::Failed(ConnectionError::Closed(String::from(
                "the connection ended during the handshake",
            )))),
        }
    }

    /// Sends a request and waits for its response. When every stream id is in use it
    /// first waits for one to be freed; `options.timeout` bounds the whole wait. A
    /// request that times out (or whose future is dropped) keeps its stream id reserved
    /// until the late answer arrives.
    ///
    /// The request is queued when `send` is called, not when its future is first polled
    /// (when a stream id is free): a future dropped unpolled still sends it, abandoned.
    ///
    /// # Errors
    /// [`ConnectionError::Timeout`], [`ConnectionError::Closed`] (also when the
    /// connection dies while the request is in flight), transport and protocol errors,
    /// [`ConnectionError::InvalidRequest`]. A server ERROR is a successful
    /// [`ResponseFrame`] whose response is an error.
    pub fn send<'a>(
        &'a self,
        request: Request<'a>,
        options: RequestOptions,
    ) -> impl Future<Output = Result<ResponseFrame, ConnectionError>> + 'a {
        self.send_with(request, options, None)
    }

    /// [`send`](Self::send), except that the column specs of a Rows answer byte-equal to
    /// `known` (a prepared statement's result columns) are not decoded: the answer's
    /// `columns` is then `None` and the caller uses the ones `known` stands for (see
    /// [`ResultMetadata::decode_with`](crate::message::ResultMetadata::decode_with)).
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub fn send_with<'a>(
        &'a self,
        request: Request<'a>,
        options: RequestOptions,
        known: Option<&'a KnownColumns>,
    ) -> impl Future<Output = Result<ResponseFrame, ConnectionError>> + 'a {
        // Submitted right away, outside the returned future, which then holds only what
        // it waits on: the request path nests this future in several others, and every
        // byte of it is copied at each level. Only a request that finds every stream id
        // busy carries its frame (boxed) into the wait.
        let start = options.started.unwrap_or_else(|| self.handle.runtime.now());
        let timeout = options.timeout;
        let mut frame = RequestFrame {
            stream: 0,
            tracing: options.tracing,
            custom_payload: options.custom_payload,
            request,
        };
        let first = match self.submit_now(&mut frame, start, timeout) {
            Ok(pending) => Ok(pending),
            Err(SubmitError::Busy) => Err(Ok(Box::new(frame))),
            Err(e) => Err(Err(submit_error(e))),
        };
        async move {
            let mut pending = match first {
                Ok(pending) => pending,
                Err(Ok(frame)) => Box::pin(self.send_when_free(frame, start, timeout)).await?,
                Err(Err(e)) => return Err(e),
            };
            let reply = (&mut pending).await;
            Answer::decode(reply, known)
        }
    }

    /// Submits `frame` if a stream id is free; the answer's deadline is kept by the
    /// writer task (no timer per request).
    fn submit_now(
        &self,
        frame: &mut RequestFrame<'_>,
        start: Instant,
        timeout: Option<Duration>,
    ) -> Result<Pending<'_>, SubmitError> {
        let shared = &*self.handle.shared;
        let deadline = timeout.map(|d| (start + d, d));
        let mut inner = shared.inner.lock();
        let stream = inner.machine.submit(frame, start)?;
        let ticket = shared.replies.lock().insert(stream, None, deadline);
        shared
            .in_flight
            .store(inner.machine.in_flight(), Ordering::Relaxed);
        drop(inner);
        // (The writer also re-arms its timer if this deadline is the earliest.)
        shared.write.notify();
        Ok(Pending {
            shared,
            ticket,
            done: false,
        })
    }

    /// Waits for a free stream id, then submits `frame`; a timer bounds the wait to
    /// what is left of the request's timeout.
    async fn send_when_free(
        &self,
        mut frame: Box<RequestFrame<'_>>,
        start: Instant,
        timeout: Option<Duration>,
    ) -> Result<Pending<'_>, ConnectionError> {
        let shared = &self.handle.shared;
        let mut timer: Option<BoxFuture<'static, ()>> = None;
        loop {
            let notified = shared.freed.notified();
            match self.submit_now(&mut frame, start, timeout) {
                Ok(pending) => return Ok(pending),
                Err(SubmitError::Busy) => {}
                Err(e) => return Err(submit_error(e)),
            }
            match timeout {
                Some(d) => {
                    let t = timer.get_or_insert_with(|| {
                        let waited = self.handle.runtime.now().saturating_duration_since(start);
                        self.handle.runtime.sleep(d.saturating_sub(waited))
                    });
                    if let Either::Right(_) = select(notified, t.as_mut()).await {
                        return Err(ConnectionError::Timeout(d));
                    }
                }
                None => notified.await,
            }
        }
    }

    /// The node's address.
    pub fn addr(&self) -> &NodeAddr {
        &self.handle.addr
    }

    /// The negotiated protocol version (remember it per host to open the next
    /// connection with it fixed).
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.handle.version
    }

    /// The compression agreed with the node.
    pub fn compression(&self) -> crate::frame::Compression {
        self.handle.shared.inner.lock().machine.compression()
    }

    /// Requests waiting for a response (including timed-out ones whose late answer has not
    /// arrived yet).
    pub fn in_flight(&self) -> usize {
        self.handle.shared.in_flight.load(Ordering::Relaxed)
    }

    /// Stream ids free for new requests right now (0 once closed): a pool can pick
    /// another connection instead of waiting.
    pub fn free_streams(&self) -> usize {
        self.handle.shared.inner.lock().machine.free_streams()
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.handle.shared.is_closed()
    }

    /// Why the connection closed, once it has.
    pub fn closed_error(&self) -> Option<ConnectionError> {
        self.handle
            .shared
            .inner
            .lock()
            .machine
            .closed_error()
            .cloned()
    }

    /// The events the connection registered for, as a stream that ends when the
    /// connection closes. Each call makes a new subscriber that sees the events pushed
    /// from then on (the first one also gets those received before it, such as an event
    /// pushed right after REGISTER); one that is not read keeps at most 1024 of them.
    pub fn events(&self) -> EventStream {
        let (tx, rx) = channel();
        let mut inner = self.handle.shared.inner.lock();
        for event in inner.backlog.take().unwrap_or_default() {
            let _ = tx.send(event);
        }
        if !self.handle.shared.is_closed() {
            inner.subscribers.push(tx);
        }
        EventStream { rx }
    }

    /// Closes the connection: in-flight requests fail with [`ConnectionError::Closed`] and
    /// the stream is closed in the background.
    pub async fn close(&self) {
        self.handle
            .shared
            .with_machine(&mut Vec::new(), ConnectionState::close);
    }
}

/// What a refused submission means for the request.
fn submit_error(e: SubmitError) -> ConnectionError {
    match e {
        SubmitError::Closed(e) | SubmitError::Invalid(e) => e,
        SubmitError::NotReady | SubmitError::Busy => {
            ConnectionError::Closed(String::from("the connection is not ready"))
        }
    }
}

/// A request in flight: resolves to its reply; if dropped before, its stream id is
/// marked abandoned (reserved until the late answer).
struct Pending<'a> {
    shared: &'a Shared,
    ticket: u32,
    done: bool,
}

impl core::future::Future for Pending<'_> {
    type Output = Reply;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Reply> {
        let this = self.get_mut();
        let polled = this.shared.replies.lock().poll(this.ticket, cx.waker());
        match polled {
            Poll::Ready(reply) => {
                this.done = true;
                Poll::Ready(reply.unwrap_or_else(|| {
                    Err(ConnectionError::Closed(String::from(
                        "the connection closed before the response arrived",
                    )))
                }))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut inner = self.shared.inner.lock();
        let cancelled = self.shared.replies.lock().cancel(self.ticket);
        if let Some(stream) = cancelled {
            inner.machine.abandon(stream);
        }
    }
}

/// Reads from the node until the stream ends, the connection closes or reading fails.
async fn read_loop(
    shared: Arc<Shared>,
    mut reader: Box<dyn StreamReader>,
    runtime: Arc<dyn Runtime>,
) {
    let mut buf = vec![0u8; READ_BUFFER_LEN];
    let mut wakers = Vec::new();
    loop {
        let read = {
            let read = reader.read(&mut buf);
            match select(read, shared.stop_reader.wait()).await {
                Either::Left((result, _)) => Some(result),
                Either::Right(_) => None,
            }
        };
        match read {
            None => break,
            Some(Ok(0)) => {
                shared.fail(ConnectionError::Closed(String::from(
                    "the node closed the connection",
                )));
                break;
            }
            Some(Ok(n)) => {
                let data = buf.get(..n).unwrap_or(&buf);
                let now = runtime.now();
                {
                    let mut inner = shared.inner.lock();
                    inner.machine.handle_input(data, now);
                    shared.settle_collecting(inner, &mut wakers);
                }
                wake_in_chunks(&mut wakers).await;
                if shared.is_closed() {
                    break;
                }
            }
            Some(Err(e)) => {
                shared.fail(ConnectionError::Transport(e));
                break;
            }
        }
    }
}

/// Wakes the tasks whose answers one read brought, [`WAKE_CHUNK`] at a time, letting the
/// runtime run each chunk (and the writer, with the requests they send next) before
/// waking the next.
///
/// Waking a whole read at once (hundreds of answers under load) makes the node wait:
/// the writer, queued behind every woken task, sends nothing until all of them ran,
/// while the node, having answered everything it had, sits idle. In chunks, the first
/// requests go out while later answers are still being handed over, so the node and
/// the client work at the same time.
async fn wake_in_chunks(wakers: &mut Vec<Waker>) {
    let mut chunks = wakers.chunks(WAKE_CHUNK).peekable();
    while let Some(chunk) = chunks.next() {
        for waker in chunk {
            waker.wake_by_ref();
        }
        if chunks.peek().is_some() {
            YieldOnce(false).await;
        }
    }
    wakers.clear();
}

/// Writes what the machine queues and keeps its clock, until the connection closes.
async fn write_loop(
    shared: Arc<Shared>,
    mut writer: Box<dyn StreamWriter>,
    runtime: Arc<dyn Runtime>,
) {
    let mut buf = Vec::new();
    let mut timer: Option<(Instant, BoxFuture<'static, ()>)> = None;
    let mut wakers = Vec::new();
    loop {
        let now = runtime.now();
        let deadline = shared.with_inner(&mut wakers, |inner, wakers| {
            let m = &mut inner.machine;
            // Requests past their deadline fail with a timeout; their stream ids stay
            // reserved until the late answers, as for any abandoned request.
            let mut replies = shared.replies.lock();
            replies.expire(
                now,
                |timeout| Err(ConnectionError::Timeout(timeout)),
                |stream| {
                    m.abandon(stream);
                },
                wakers,
            );
            let next_expiry = replies.next_expiry();
            drop(replies);
            if m.next_deadline().is_some_and(|d| d <= now) {
                m.handle_timeout(now);
            }
            m.take_output(&mut buf);
            match (m.next_deadline(), next_expiry) {
                (Some(a), Some(b)) => Some(if a < b { a } else { b }),
                (a, b) => a.or(b),
            }
        });
        if !buf.is_empty() {
            if let Err(e) = writer.write_all(&buf).await {
                shared.fail(ConnectionError::Transport(e));
                break;
            }
            continue;
        }
        if shared.is_closed() {
            break;
        }
        match deadline {
            Some(d) => {
                if timer.as_ref().is_none_or(|(at, _)| d < *at) {
                    timer = Some((d, runtime.sleep(d.saturating_duration_since(now))));
                }
            }
            None => timer = None,
        }
        match &mut timer {
            Some((_, sleep)) => {
                if let Either::Right(_) = select(shared.write.wait(), sleep.as_mut()).await {
                    timer = None;
                }
            }
            None => shared.write.wait().await,
        }
        // Let the tasks already scheduled (typically the ones just handed a response)
        // queue their next requests before we write: one write for the whole batch
        // instead of one per request. Once more if requests kept coming meanwhile (a
        // write is a system call and, on loopback, the node's receive work too).
        for _ in 0..WRITER_YIELDS {
            YieldOnce(false).await;
            if !shared.write.take() {
                break;
            }
        }
    }
    writer.close().await;
}

/// Returns `Pending` once (asking to be polled again at once), then `Ready`: the
/// executor runs the tasks already queued before this one resumes.
struct YieldOnce(bool);

impl core::future::Future for YieldOnce {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.0 {
            return Poll::Ready(());
        }
        this.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// The events of one connection (see [`Connection::events`]).
#[derive(Debug)]
pub struct EventStream {
    rx: crate::sync::Receiver<Event>,
}

impl futures::Stream for EventStream {
    type Item = Event;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        Pin::new(&mut self.get_mut().rx).poll_next(cx)
    }
}
