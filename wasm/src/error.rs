//! Driver errors → JavaScript `Error` subclasses (defined in `js/support.js`) carrying the
//! server error's fields.

use cql_core::message::{DbError, Failures};
use cql_core::session::Error;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::convert::to_js::set;

#[wasm_bindgen(module = "/js/support.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(kind: &str, message: &str, fields: &Object) -> JsValue;
    #[wasm_bindgen(js_name = errorClasses)]
    pub(crate) fn error_classes() -> JsValue;
    #[wasm_bindgen(js_name = asyncIterable)]
    pub(crate) fn async_iterable(obj: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = callSite)]
    pub(crate) fn call_site() -> JsValue;
    #[wasm_bindgen(js_name = finishError)]
    pub(crate) fn finish_error(err: JsValue, site: &JsValue, query: &JsValue) -> JsValue;
    pub(crate) fn hold();
    pub(crate) fn release();
    pub(crate) fn dispatch(listener: &js_sys::Function, event: &JsValue);
}

fn num(v: impl Into<f64>) -> JsValue {
    JsValue::from_f64(v.into())
}

/// An `ArgumentError` with `message`.
pub fn argument(message: impl AsRef<str>) -> JsValue {
    make_error("ArgumentError", message.as_ref(), &Object::new())
}

/// A `ClosedError`.
pub fn closed(message: &str) -> JsValue {
    make_error("ClosedError", message, &Object::new())
}

fn failures(o: &Object, f: &Failures) {
    set(o, "failures", &num(f.count() as f64));
    if let Failures::ByReplica(map) = f {
        let reasons = Object::new();
        for (ip, code) in map {
            set(&reasons, &ip.to_string(), &num(*code));
        }
        set(o, "reasonByReplica", &reasons);
    }
}

/// The server error's details as fields of `o`.
fn db_fields(o: &Object, e: &DbError) {
    set(o, "code", &num(e.code()));
    set(o, "codeName", &JsValue::from_str(e.code_name()));
    let cl = |c: &cql_core::message::Consistency| JsValue::from_str(c.name());
    match e {
        DbError::Unavailable {
            consistency,
            required,
            alive,
        } => {
            set(o, "consistency", &cl(consistency));
            set(o, "required", &num(*required));
            set(o, "alive", &num(*alive));
        }
        DbError::WriteTimeout {
            consistency,
            received,
            block_for,
            write_type,
            contentions,
        } => {
            set(o, "consistency", &cl(consistency));
            set(o, "received", &num(*received));
            set(o, "blockFor", &num(*block_for));
            set(o, "writeType", &JsValue::from_str(write_type.name()));
            if let Some(c) = contentions {
                set(o, "contentions", &num(*c));
            }
        }
        DbError::ReadTimeout {
            consistency,
            received,
            block_for,
            data_present,
        } => {
            set(o, "consistency", &cl(consistency));
            set(o, "received", &num(*received));
            set(o, "blockFor", &num(*block_for));
            set(o, "dataPresent", &JsValue::from_bool(*data_present));
        }
        DbError::ReadFailure {
            consistency,
            received,
            block_for,
            failures: f,
            data_present,
        } => {
            set(o, "consistency", &cl(consistency));
            set(o, "received", &num(*received));
            set(o, "blockFor", &num(*block_for));
            set(o, "dataPresent", &JsValue::from_bool(*data_present));
            failures(o, f);
        }
        DbError::WriteFailure {
            consistency,
            received,
            block_for,
            failures: f,
            write_type,
        } => {
            set(o, "consistency", &cl(consistency));
            set(o, "received", &num(*received));
            set(o, "blockFor", &num(*block_for));
            set(o, "writeType", &JsValue::from_str(write_type.name()));
            failures(o, f);
        }
        DbError::CasWriteUnknown {
            consistency,
            received,
            block_for,
        } => {
            set(o, "consistency", &cl(consistency));
            set(o, "received", &num(*received));
            set(o, "blockFor", &num(*block_for));
        }
        DbError::FunctionFailure {
            keyspace,
            function,
            arg_types,
        } => {
            set(o, "keyspace", &JsValue::from_str(keyspace));
            set(o, "functionName", &JsValue::from_str(function));
            let args: Array = arg_types.iter().map(|a| JsValue::from_str(a)).collect();
            set(o, "argTypes", &args);
        }
        DbError::AlreadyExists { keyspace, table } => {
            set(o, "keyspace", &JsValue::from_str(keyspace));
            set(o, "table", &JsValue::from_str(table));
        }
        DbError::Unprepared { id } => {
            set(o, "queryId", &js_sys::Uint8Array::from(id.as_ref()));
        }
        _ => {}
    }
}

/// The JS error for a driver error.
pub fn to_js(e: &Error) -> JsValue {
    let o = Object::new();
    let message = e.to_string();
    if let Some(host) = e.host() {
        set(&o, "host", &JsValue::from_str(&host.to_string()));
    }
    let kind = match e {
        Error::Server(s) => {
            db_fields(&o, &s.error);
            set(&o, "serverMessage", &JsValue::from_str(&s.message));
            "ServerError"
        }
        Error::Timeout { timeout, .. } => {
            set(&o, "timeoutMs", &num(timeout.as_millis() as f64));
            "TimeoutError"
        }
        Error::Connection { .. } => "ConnectionError",
        Error::Authentication { .. } => "AuthenticationError",
        Error::NoHostAvailable(list) => {
            let errors: Array = list
                .iter()
                .map(|(host, err)| {
                    let entry = Object::new();
                    set(&entry, "host", &JsValue::from_str(&host.to_string()));
                    set(&entry, "error", &to_js(err));
                    JsValue::from(entry)
                })
                .collect();
            set(&o, "errors", &errors);
            // Every host refused the credentials: that is the error to act on.
            let all_auth = !list.is_empty()
                && list
                    .iter()
                    .all(|(_, e)| matches!(e, Error::Authentication { .. }));
            if all_auth {
                "AuthenticationError"
            } else {
                "NoHostAvailableError"
            }
        }
        Error::Serialize(_) | Error::Encode(_) | Error::InvalidArgument(_) => "ArgumentError",
        Error::Protocol(_) | Error::Deserialize(_) => "DriverProtocolError",
        Error::Closed(_) => "ClosedError",
        _ => "CqlError",
    };
    make_error(kind, &message, &o)
}
