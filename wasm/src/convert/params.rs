//! Parameters from JavaScript: an array (positional) or an object (named) converted with
//! the types of a statement's bind markers, or of a table's partition key columns.

use cql_core::types::{ColumnSpec, SerializeValue};
use js_sys::{Array, Object};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::convert::from_js::{self, Bound};
use crate::error::argument;
use crate::options::get;

/// Converted parameters, as a prepared or simple statement (or a routing key) takes them.
pub type Values = Vec<Box<dyn SerializeValue>>;

/// What the values are for, as error messages name it.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The whole: "the statement", "the partition key of ks.t".
    pub whole: &'a str,
    /// One value: "parameter", "key value".
    pub item: &'a str,
    /// How many `whole` has: "parameter(s)", "column(s)".
    pub count: &'a str,
}

/// A statement's bind markers.
pub const STATEMENT: Subject<'static> = Subject {
    whole: "the statement",
    item: "parameter",
    count: "parameter(s)",
};

/// Boxes bound values for the session.
pub fn boxed(values: Vec<Bound>) -> Values {
    values
        .into_iter()
        .map(|b| Box::new(b) as Box<dyn SerializeValue>)
        .collect()
}

/// Values as an array (positional) or an object (named), each converted with its spec's
/// type: `undefined` is unset, `null` is null.
pub fn typed(params: &JsValue, specs: &[ColumnSpec], s: Subject<'_>) -> Result<Values, JsValue> {
    let mut out = Vec::with_capacity(specs.len());
    if params.is_undefined() || params.is_null() {
        if specs.is_empty() {
            return Ok(Vec::new());
        }
        return Err(argument(format!(
            "{} has {} {} and none were given",
            s.whole,
            specs.len(),
            s.count
        )));
    }
    if Array::is_array(params) {
        let arr: &Array = params.unchecked_ref();
        if arr.length() as usize != specs.len() {
            return Err(argument(format!(
                "{} has {} {}, {} given",
                s.whole,
                specs.len(),
                s.count,
                arr.length()
            )));
        }
        for (i, spec) in specs.iter().enumerate() {
            let v = arr.get(i as u32);
            out.push(
                from_js::bound(&v, &spec.typ)
                    .map_err(|e| argument(format!("{} {} ({}): {e}", s.item, i, spec.name)))?,
            );
        }
    } else if params.is_object() {
        let keys: Vec<String> = Object::keys(params.unchecked_ref::<Object>())
            .iter()
            .filter_map(|k| k.as_string())
            .collect();
        if let Some(unknown) = keys.iter().find(|k| !specs.iter().any(|sp| sp.name == **k)) {
            let names: Vec<&str> = specs.iter().map(|sp| sp.name.as_str()).collect();
            return Err(argument(format!(
                "unknown {} {unknown:?}; the {}s of {} are {names:?}",
                s.item, s.item, s.whole
            )));
        }
        for spec in specs {
            let v = get(params, &spec.name);
            if !keys.contains(&spec.name) {
                return Err(argument(format!(
                    "missing {} {:?} (pass undefined explicitly to leave it unset)",
                    s.item, spec.name
                )));
            }
            out.push(
                from_js::bound(&v, &spec.typ)
                    .map_err(|e| argument(format!("{} {}: {e}", s.item, spec.name)))?,
            );
        }
    } else {
        return Err(argument(format!(
            "{}s must be an array (positional) or an object (named)",
            s.item
        )));
    }
    Ok(boxed(out))
}
