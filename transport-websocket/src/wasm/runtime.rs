//! [`WasmRuntime`]: the driver's [`Runtime`] on a JavaScript event loop.
//!
//! Only globals every host has are used — `setTimeout`/`clearTimeout`, `performance.now()`
//! and `Date.now()` on `globalThis` — so the same runtime works in browsers (window and
//! workers), Node.js and workerd.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use cql_core::runtime::{BoxFuture, Instant, Runtime};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    #[wasm_bindgen(catch, js_namespace = performance, js_name = now)]
    fn performance_now() -> Result<f64, JsValue>;
}

/// Spawning, sleeping and clocks on the host's JavaScript event loop.
///
/// Tasks run with `wasm_bindgen_futures::spawn_local`; sleeps are `setTimeout` timers that
/// are cleared when the sleep is dropped, and unreferenced where the host can (Node.js):
/// the driver's timers (heartbeats, reconnection, timeouts) never keep a process alive on
/// their own; the JavaScript API keeps it alive while a call is in progress. The monotonic
/// clock is
/// `performance.now()` (falling back to `Date.now()` where a host has no `performance`).
#[derive(Debug, Clone, Copy, Default)]
pub struct WasmRuntime;

impl WasmRuntime {
    /// The runtime (it has no state).
    pub fn new() -> Self {
        Self
    }
}

/// Milliseconds on the monotonic clock.
fn monotonic_millis() -> f64 {
    performance_now().unwrap_or_else(|_| js_sys::Date::now())
}

impl Runtime for WasmRuntime {
    fn spawn(&self, task: BoxFuture<'static, ()>) {
        wasm_bindgen_futures::spawn_local(task);
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(Sleep::new(duration))
    }

    fn now(&self) -> Instant {
        // f64 milliseconds → nanoseconds; `as` saturates (and maps NaN to 0).
        Instant::from_nanos((monotonic_millis() * 1_000_000.0) as u64)
    }

    fn wall_clock_micros(&self) -> i64 {
        (js_sys::Date::now() * 1000.0) as i64
    }
}

/// What the timer callback and the future share.
#[derive(Default)]
struct Shared {
    fired: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

/// An armed `setTimeout`: its id and the callback it holds.
struct Timer {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

/// A future that completes after a duration, backed by `setTimeout` (armed on first poll,
/// cleared on drop).
pub struct Sleep {
    millis: f64,
    shared: Rc<Shared>,
    timer: Option<Timer>,
}

impl Sleep {
    /// A sleep of `duration` (rounded up to whole milliseconds; hosts clamp further).
    pub fn new(duration: Duration) -> Self {
        let millis = (duration.as_micros() as f64 / 1000.0).ceil();
        Self {
            millis,
            shared: Rc::new(Shared::default()),
            timer: None,
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.shared.fired.get() {
            return Poll::Ready(());
        }
        *self.shared.waker.borrow_mut() = Some(cx.waker().clone());
        if self.timer.is_none() {
            let shared = Rc::clone(&self.shared);
            let callback = Closure::<dyn FnMut()>::new(move || {
                shared.fired.set(true);
                if let Some(w) = shared.waker.borrow_mut().take() {
                    w.wake();
                }
            });
            let id = set_timeout(callback.as_ref().unchecked_ref(), self.millis);
            unref(&id);
            self.timer = Some(Timer {
                id,
                _callback: callback,
            });
        }
        Poll::Pending
    }
}

/// Calls `handle.unref()` when the host's timer or socket handle has it (Node.js objects;
/// browsers' timer ids are numbers).
pub(crate) fn unref(handle: &JsValue) {
    if !handle.is_object() {
        return;
    }
    if let Ok(f) = js_sys::Reflect::get(handle, &JsValue::from_str("unref")) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call0(handle);
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(timer) = self.timer.take() {
            if !self.shared.fired.get() {
                clear_timeout(&timer.id);
            }
        }
    }
}
