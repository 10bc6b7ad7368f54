//! `client.on(event, listener)`: the session's host events (a node added, removed, up,
//! down with why, a failed connection attempt such as a bridge refusal) and the schema
//! changes the cluster announces, delivered to JavaScript listeners, each in a microtask
//! of its own.

use std::cell::RefCell;
use std::rc::Rc;

use cql_core::cluster::schema::SchemaMetadata;
use cql_core::message::{SchemaChange, SchemaChangeTarget};
use cql_core::session::{HostEvent, HostEventKind, HostListener, SchemaListener};
use js_sys::{Function, Object};
use wasm_bindgen::prelude::*;

use crate::convert::to_js::set;
use crate::error::{self, argument, dispatch};

/// The events a listener can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventName {
    HostAdd,
    HostRemove,
    HostUp,
    HostDown,
    ConnectionError,
    /// A schema change, once `client.metadata` shows it (not a host event: not logged).
    SchemaChange,
    /// Every host event above, as a log record (`level`, `message`).
    Log,
}

impl EventName {
    const ALL: [(EventName, &'static str); 7] = [
        (EventName::HostAdd, "hostAdd"),
        (EventName::HostRemove, "hostRemove"),
        (EventName::HostUp, "hostUp"),
        (EventName::HostDown, "hostDown"),
        (EventName::ConnectionError, "connectionError"),
        (EventName::SchemaChange, "schemaChange"),
        (EventName::Log, "log"),
    ];

    fn parse(name: &str) -> Result<Self, JsValue> {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(e, _)| *e)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|(_, n)| *n).collect();
                argument(format!(
                    "unknown event {name:?}; the events are {}",
                    names.join(", ")
                ))
            })
    }

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(e, _)| *e == self)
            .map_or("log", |(_, n)| n)
    }

    fn of(kind: HostEventKind) -> Option<Self> {
        Some(match kind {
            HostEventKind::Added => Self::HostAdd,
            HostEventKind::Removed => Self::HostRemove,
            HostEventKind::Up => Self::HostUp,
            HostEventKind::Down => Self::HostDown,
            HostEventKind::ConnectFailed => Self::ConnectionError,
            _ => return None,
        })
    }
}

/// The listeners of one client.
#[derive(Default)]
pub struct Listeners(RefCell<Vec<(EventName, Function)>>);

impl Listeners {
    /// Adds `listener` for `event` (by name).
    pub fn add(&self, event: &str, listener: Function) -> Result<(), JsValue> {
        let name = EventName::parse(event)?;
        self.0.borrow_mut().push((name, listener));
        Ok(())
    }

    /// Removes `listener` from `event` (the first registration; nothing when absent).
    pub fn remove(&self, event: &str, listener: &Function) -> Result<(), JsValue> {
        let name = EventName::parse(event)?;
        let mut all = self.0.borrow_mut();
        if let Some(i) = all
            .iter()
            .position(|(n, f)| *n == name && JsValue::from(f) == JsValue::from(listener))
        {
            all.remove(i);
        }
        Ok(())
    }

    /// The listeners of `name`, and those of `"log"` for a host event.
    fn targets(&self, name: EventName) -> Vec<Function> {
        let logged = name != EventName::SchemaChange;
        self.0
            .borrow()
            .iter()
            .filter(|(n, _)| *n == name || (logged && *n == EventName::Log))
            .map(|(_, f)| f.clone())
            .collect()
    }
}

/// The session's [`HostListener`] for a client's JS listeners.
pub struct JsHostListener(pub Rc<Listeners>);

impl std::fmt::Debug for JsHostListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsHostListener")
    }
}

impl HostListener for JsHostListener {
    fn on_event(&self, event: &HostEvent) {
        let Some(name) = EventName::of(event.kind) else {
            return;
        };
        let targets = self.0.targets(name);
        if targets.is_empty() {
            return;
        }
        let o = Object::new();
        set(&o, "type", &JsValue::from_str(name.name()));
        set(&o, "address", &JsValue::from_str(&event.addr.to_string()));
        set(&o, "hostId", &JsValue::from_str(&event.host_id.to_string()));
        let level = match event.kind {
            HostEventKind::Down | HostEventKind::ConnectFailed => "warning",
            _ => "info",
        };
        set(&o, "level", &JsValue::from_str(level));
        set(&o, "message", &JsValue::from_str(&event.to_string()));
        set(
            &o,
            "error",
            &event.error.as_ref().map_or(JsValue::NULL, error::to_js),
        );
        let o = JsValue::from(o);
        for f in &targets {
            dispatch(f, &o);
        }
    }
}

/// The session's [`SchemaListener`] for a client's `"schemaChange"` listeners.
pub struct JsSchemaListener(pub Rc<Listeners>);

impl std::fmt::Debug for JsSchemaListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsSchemaListener")
    }
}

/// `{ type: "schemaChange", change, target, keyspace, name, argumentTypes, message }`.
fn schema_event(change: &SchemaChange) -> JsValue {
    let o = Object::new();
    set(
        &o,
        "type",
        &JsValue::from_str(EventName::SchemaChange.name()),
    );
    set(&o, "change", &JsValue::from_str(change.change_type.name()));
    set(&o, "target", &JsValue::from_str(change.target.kind_name()));
    set(&o, "keyspace", &JsValue::from_str(change.target.keyspace()));
    let (name, args) = match &change.target {
        SchemaChangeTarget::Table { name, .. } | SchemaChangeTarget::Type { name, .. } => {
            (Some(name), None)
        }
        SchemaChangeTarget::Function {
            name, arg_types, ..
        }
        | SchemaChangeTarget::Aggregate {
            name, arg_types, ..
        } => (Some(name), Some(arg_types)),
        _ => (None, None),
    };
    set(
        &o,
        "name",
        &name.map_or(JsValue::NULL, |n| JsValue::from_str(n)),
    );
    let args = args.map_or(JsValue::NULL, |a| {
        a.iter()
            .map(|t| JsValue::from_str(t))
            .collect::<js_sys::Array>()
            .into()
    });
    set(&o, "argumentTypes", &args);
    let what = match name {
        Some(n) => format!("{}.{n}", change.target.keyspace()),
        None => change.target.keyspace().to_string(),
    };
    let message = format!(
        "schema change: {} {} {what}",
        change.target.kind_name(),
        change.change_type.name()
    );
    set(&o, "level", &JsValue::from_str("info"));
    set(&o, "message", &JsValue::from_str(&message));
    o.into()
}

impl SchemaListener for JsSchemaListener {
    fn on_schema_change(&self, change: &SchemaChange, _schema: &SchemaMetadata) {
        let targets = self.0.targets(EventName::SchemaChange);
        if targets.is_empty() {
            return;
        }
        let event = schema_event(change);
        for f in &targets {
            dispatch(f, &event);
        }
    }
}
