//! One call of the JavaScript API in progress ([`Call`]): where the user made it, so a
//! rejection shows the caller's frames and the statement's CQL text; and, in Node.js, the
//! process kept alive until it settles (the driver's own timers and sockets are
//! unreferenced, so an idle client does not keep a script running).

use wasm_bindgen::JsValue;

use crate::error::{call_site, finish_error, hold, release};

/// A call of the API, from its synchronous start until it settles (dropped).
pub struct Call {
    site: JsValue,
}

impl Call {
    /// Starts a call: captures the caller's stack (synchronously, inside the API method)
    /// and keeps the process alive until the call is dropped.
    pub fn start() -> Self {
        hold();
        Self { site: call_site() }
    }

    /// `err` with the caller's stack, and `query` (a string, or an array of strings for a
    /// batch; `undefined` for none) on statement errors.
    pub fn fail(&self, err: JsValue, query: &JsValue) -> JsValue {
        finish_error(err, &self.site, query)
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        release();
    }
}

/// A call site kept beyond its call (a stream's rows fail with the stream's call site).
#[derive(Clone)]
pub struct Site(JsValue);

impl Site {
    /// The caller's stack, captured now (inside a synchronous API call).
    pub fn here() -> Self {
        Self(call_site())
    }

    /// `err` with this site's stack and `query`.
    pub fn fail(&self, err: JsValue, query: &JsValue) -> JsValue {
        finish_error(err, &self.0, query)
    }
}
