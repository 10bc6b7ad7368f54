//! One tunnel: a host `WebSocket` turned into a byte stream (`StreamReader` /
//! `StreamWriter`).
//!
//! The host's callbacks (`onopen`, `onmessage`, `onerror`, `onclose`) push into a shared
//! [`State`] and wake the task waiting on it. Incoming binary messages are queued as they
//! arrive and read out across message boundaries; writes are split into messages of at
//! most [`MAX_CHUNK`] bytes.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

use cql_core::runtime::{
    BoxFuture, StreamReader, StreamWriter, TransportError, TransportErrorKind,
};
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

use super::runtime::{Sleep, unref};
use crate::protocol::{CloseReason, MAX_CHUNK};

/// Bytes queued in the host's send buffer above which writes wait for it to drain.
const HIGH_WATER: u32 = 4 * 1024 * 1024;

thread_local! {
    /// The `WebSocket` constructor to use instead of the global one (see
    /// [`set_websocket_implementation`]).
    static IMPLEMENTATION: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Makes tunnels use `constructor` (a class with the browser `WebSocket` API, e.g. the
/// `ws` package's in Node.js) instead of the global `WebSocket`; `None` goes back to the
/// global one. The sockets of an implementation that exposes its TCP socket as `_socket`
/// (as `ws` does) are unreferenced, so an idle client never keeps Node.js running.
pub fn set_websocket_implementation(constructor: Option<js_sys::Function>) {
    IMPLEMENTATION.with(|i| *i.borrow_mut() = constructor);
}

/// A new WebSocket to `url` offering `protocols`, from the configured implementation or
/// the global `WebSocket`.
fn new_websocket(url: &str, protocols: &[String]) -> Result<WebSocket, JsValue> {
    let list: js_sys::Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
    match IMPLEMENTATION.with(|i| i.borrow().clone()) {
        Some(ctor) => {
            let args = js_sys::Array::of2(&JsValue::from_str(url), &list);
            // Used through the same structural calls as the global one.
            js_sys::Reflect::construct(&ctor, &args).map(JsCast::unchecked_into)
        }
        None if protocols.is_empty() => WebSocket::new(url),
        None => WebSocket::new_with_str_sequence(url, &list),
    }
}

/// Where the socket is in its life.
#[derive(Debug, Clone)]
enum Phase {
    Connecting,
    Open,
    /// The close event arrived.
    Closed {
        code: u16,
        reason: String,
        clean: bool,
    },
}

/// What the callbacks and the two halves share.
struct State {
    phase: Phase,
    /// An `error` event was seen (its details come with the `close` event that follows).
    errored: bool,
    /// Received bytes, message by message; `offset` bytes of the front one are consumed.
    inbox: VecDeque<Vec<u8>>,
    offset: usize,
    /// The task waiting for the socket to open or for bytes.
    waker: Option<Waker>,
}

impl State {
    fn wake(&mut self) {
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }
}

/// The host callbacks, kept alive as long as the socket.
struct Handlers {
    _open: Closure<dyn FnMut(Event)>,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _error: Closure<dyn FnMut(Event)>,
    _close: Closure<dyn FnMut(CloseEvent)>,
}

/// A WebSocket and its shared state; dropping the last half closes it.
pub(crate) struct Socket {
    ws: WebSocket,
    state: Rc<RefCell<State>>,
    url_for_errors: String,
    _handlers: Handlers,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.ws.set_onclose(None);
        let open = matches!(
            self.ws.ready_state(),
            WebSocket::CONNECTING | WebSocket::OPEN
        );
        if open {
            let _ = self.ws.close_with_code_and_reason(1000, "client closed");
        }
    }
}

/// Describes a close event as a transport error.
fn close_error(url: &str, code: u16, reason: &str, opened: bool) -> TransportError {
    let known = CloseReason::from_code(code);
    let kind = match known {
        Some(r) if r.is_refusal() => TransportErrorKind::Refused,
        Some(CloseReason::UpstreamFailed) => TransportErrorKind::Connect,
        _ if !opened => TransportErrorKind::Connect,
        _ => TransportErrorKind::Closed,
    };
    let what = match (known, reason.is_empty()) {
        (_, false) => format!("{reason} (close code {code})"),
        (Some(r), true) => r.to_string(),
        (None, true) if code == 1006 => String::from(
            "connection failed or dropped without a close frame (close code 1006: bridge unreachable, TLS or upgrade refused)",
        ),
        (None, true) => format!("close code {code}"),
    };
    let stage = if opened {
        "tunnel closed"
    } else {
        "cannot open tunnel"
    };
    TransportError::new(kind, format!("{stage} {url}: {what}"))
}

/// The message of a JS exception (or its string form).
pub(crate) fn js_message(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

impl Socket {
    /// Opens a WebSocket to `url` offering `protocols`, and waits until it is open.
    pub(crate) async fn open(
        url: &str,
        protocols: &[String],
    ) -> Result<Rc<Socket>, TransportError> {
        let ws = new_websocket(url, protocols).map_err(|e| {
            let msg = js_message(&e);
            let kind = if msg.contains("not defined") {
                TransportErrorKind::Other
            } else {
                TransportErrorKind::Connect
            };
            let hint = if msg.contains("not defined") {
                " (this host has no global WebSocket: use Node.js 22+, Node.js 20 with --experimental-websocket, or set globalThis.WebSocket from the `ws` package)"
            } else {
                ""
            };
            TransportError::new(kind, format!("cannot open WebSocket {url}: {msg}{hint}"))
        })?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let state = Rc::new(RefCell::new(State {
            phase: Phase::Connecting,
            errored: false,
            inbox: VecDeque::new(),
            offset: 0,
            waker: None,
        }));

        let s = Rc::clone(&state);
        let open = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            let mut st = s.borrow_mut();
            if matches!(st.phase, Phase::Connecting) {
                st.phase = Phase::Open;
            }
            st.wake();
        });
        let s = Rc::clone(&state);
        let message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            let bytes = if let Some(buf) = data.dyn_ref::<ArrayBuffer>() {
                Uint8Array::new(buf).to_vec()
            } else if let Some(text) = data.as_string() {
                // Not part of the protocol; kept as bytes so nothing is silently lost.
                text.into_bytes()
            } else {
                Uint8Array::new(&data).to_vec()
            };
            if bytes.is_empty() {
                return;
            }
            let mut st = s.borrow_mut();
            st.inbox.push_back(bytes);
            st.wake();
        });
        let s = Rc::clone(&state);
        let error = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            let mut st = s.borrow_mut();
            st.errored = true;
            // Before the upgrade completed no close frame can follow (hosts differ on
            // whether a close event does): fail now. After it, the close event that
            // follows carries the code and reason.
            if matches!(st.phase, Phase::Connecting) {
                st.phase = Phase::Closed {
                    code: 1006,
                    reason: String::new(),
                    clean: false,
                };
            }
            st.wake();
        });
        let s = Rc::clone(&state);
        let close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            let mut st = s.borrow_mut();
            st.phase = Phase::Closed {
                code: e.code(),
                reason: e.reason(),
                clean: e.was_clean() && !st.errored,
            };
            st.wake();
        });
        ws.set_onopen(Some(open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(message.as_ref().unchecked_ref()));
        ws.set_onerror(Some(error.as_ref().unchecked_ref()));
        ws.set_onclose(Some(close.as_ref().unchecked_ref()));
        let socket = Rc::new(Socket {
            ws,
            state,
            url_for_errors: url.to_string(),
            _handlers: Handlers {
                _open: open,
                _message: message,
                _error: error,
                _close: close,
            },
        });

        poll_fn(|cx| {
            let mut st = socket.state.borrow_mut();
            match &st.phase {
                Phase::Open => Poll::Ready(Ok(())),
                Phase::Closed { code, reason, .. } => Poll::Ready(Err(close_error(
                    &socket.url_for_errors,
                    *code,
                    reason,
                    false,
                ))),
                Phase::Connecting => {
                    st.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
        .await?;
        if let Ok(tcp) = js_sys::Reflect::get(&socket.ws, &JsValue::from_str("_socket")) {
            unref(&tcp);
        }
        Ok(socket)
    }
}

/// The reading half of a tunnel.
pub(crate) struct Reader(pub(crate) Rc<Socket>);

/// The writing half of a tunnel.
pub(crate) struct Writer(pub(crate) Rc<Socket>);

impl Reader {
    fn poll_read(
        &mut self,
        cx: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> Poll<Result<usize, TransportError>> {
        let socket = &self.0;
        let mut st = socket.state.borrow_mut();
        let mut n = 0;
        while n < buf.len() {
            let offset = st.offset;
            let Some(front) = st.inbox.front() else { break };
            let src = front.get(offset..).unwrap_or_default();
            let dst = buf.get_mut(n..).unwrap_or_default();
            let take = src.len().min(dst.len());
            if let (Some(d), Some(s)) = (dst.get_mut(..take), src.get(..take)) {
                d.copy_from_slice(s);
            }
            n += take;
            if take == src.len() {
                st.inbox.pop_front();
                st.offset = 0;
            } else {
                st.offset += take;
            }
        }
        if n > 0 || buf.is_empty() {
            return Poll::Ready(Ok(n));
        }
        match &st.phase {
            Phase::Closed {
                clean: true, code, ..
            } if *code == 1000 => Poll::Ready(Ok(0)),
            Phase::Closed { code, reason, .. } => Poll::Ready(Err(close_error(
                &socket.url_for_errors,
                *code,
                reason,
                true,
            ))),
            _ => {
                st.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl StreamReader for Reader {
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> BoxFuture<'a, Result<usize, TransportError>> {
        Box::pin(poll_fn(move |cx| self.poll_read(cx, buf)))
    }
}

impl Writer {
    fn check_open(&self) -> Result<(), TransportError> {
        let st = self.0.state.borrow();
        match &st.phase {
            Phase::Closed { code, reason, .. } => {
                Err(close_error(&self.0.url_for_errors, *code, reason, true))
            }
            _ if self.0.ws.ready_state() != WebSocket::OPEN => Err(TransportError::new(
                TransportErrorKind::Closed,
                format!("tunnel {} is closing", self.0.url_for_errors),
            )),
            _ => Ok(()),
        }
    }

    async fn write(&mut self, buf: &[u8]) -> Result<(), TransportError> {
        for chunk in buf.chunks(MAX_CHUNK) {
            self.check_open()?;
            // Let the host's send buffer drain before queueing more.
            while self.0.ws.buffered_amount() > HIGH_WATER {
                Sleep::new(Duration::from_millis(1)).await;
                self.check_open()?;
            }
            // A copy in JS memory: the host may read the bytes after wasm memory moved.
            let bytes = Uint8Array::from(chunk);
            self.0.ws.send_with_array_buffer_view(&bytes).map_err(|e| {
                TransportError::new(
                    TransportErrorKind::Io,
                    format!(
                        "send on {} failed: {}",
                        self.0.url_for_errors,
                        js_message(&e)
                    ),
                )
            })?;
        }
        Ok(())
    }
}

impl StreamWriter for Writer {
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> BoxFuture<'a, Result<(), TransportError>> {
        Box::pin(self.write(buf))
    }

    fn close(&mut self) -> BoxFuture<'_, ()> {
        let ws = self.0.ws.clone();
        Box::pin(async move {
            if matches!(ws.ready_state(), WebSocket::CONNECTING | WebSocket::OPEN) {
                let _ = ws.close_with_code_and_reason(1000, "client closed");
            }
        })
    }
}
