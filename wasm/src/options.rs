//! Reading the JS option objects: `ConnectOptions` and `QueryOptions` (see `index.d.ts`).

use std::sync::Arc;
use std::time::Duration;

use cql_core::cluster::schema::SchemaFilter;
use cql_core::frame::ProtocolVersion;
use cql_core::message::Consistency;
use cql_core::policies::address_translation::MapAddressTranslator;
use cql_core::runtime::NodeAddr;
use cql_core::session::{PagingState, SessionBuilder, StatementOptions};
use cql_core::types::ColumnType;
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use cql_transport_websocket::protocol::split_host_port;

use crate::convert::to_js::{TimestampMode, ToJs};
use crate::encoding;
use crate::error::argument;
use crate::option_names;

/// Reads `obj[key]`; `undefined` when absent (or `obj` is not an object).
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn present(v: &JsValue) -> bool {
    !v.is_undefined() && !v.is_null()
}

/// Refuses any own key of `obj` not in `known` (an `ArgumentError` naming the option to
/// use instead); keys whose value is `undefined` count as absent.
pub(crate) fn only_known(obj: &JsValue, what: &str, known: &[&[&str]]) -> Result<(), JsValue> {
    if !obj.is_object() {
        return Ok(());
    }
    for key in js_sys::Object::keys(obj.unchecked_ref::<js_sys::Object>()).iter() {
        let Some(key) = key.as_string() else { continue };
        if known.iter().any(|list| list.contains(&key.as_str())) || get(obj, &key).is_undefined() {
            continue;
        }
        let all: Vec<&str> = known.iter().flat_map(|l| l.iter().copied()).collect();
        return Err(argument(option_names::unknown(what, &key, &all)));
    }
    Ok(())
}

pub(crate) fn string(obj: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    let v = get(obj, key);
    if !present(&v) {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| argument(format!("option `{key}` must be a string")))
}

pub(crate) fn number(obj: &JsValue, key: &str) -> Result<Option<f64>, JsValue> {
    let v = get(obj, key);
    if !present(&v) {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
        _ => Err(argument(format!(
            "option `{key}` must be a non-negative number"
        ))),
    }
}

fn boolean(obj: &JsValue, key: &str) -> Result<Option<bool>, JsValue> {
    let v = get(obj, key);
    if !present(&v) {
        return Ok(None);
    }
    v.as_bool()
        .map(Some)
        .ok_or_else(|| argument(format!("option `{key}` must be a boolean")))
}

/// The `"key": "value"` string pairs of an object option (empty when absent).
fn string_pairs(obj: &JsValue, key: &str) -> Result<Vec<(String, String)>, JsValue> {
    let v = get(obj, key);
    if !present(&v) {
        return Ok(Vec::new());
    }
    let bad = || {
        argument(format!(
            "option `{key}` must be an object of strings {{ \"from\": \"to\" }}"
        ))
    };
    if !v.is_object() || Array::is_array(&v) {
        return Err(bad());
    }
    js_sys::Object::entries(v.unchecked_ref())
        .iter()
        .map(|e| {
            let e: Array = e.unchecked_into();
            match (e.get(0).as_string(), e.get(1).as_string()) {
                (Some(k), Some(v)) => Ok((k, v)),
                _ => Err(bad()),
            }
        })
        .collect()
}

/// The `addressTranslation` option: `"host:port": "host:port"` entries translate one
/// address, `"host": "host"` entries a host on any port.
fn address_translator(o: &JsValue) -> Result<Option<MapAddressTranslator>, JsValue> {
    let pairs = string_pairs(o, "addressTranslation")?;
    if pairs.is_empty() {
        return Ok(None);
    }
    let mut t = MapAddressTranslator::new();
    for (from, to) in pairs {
        t = match (split_host_port(&from, None), split_host_port(&to, None)) {
            (Ok((fh, fp)), Ok((th, tp))) => {
                t.with_address(NodeAddr::new(fh, fp), NodeAddr::new(th, tp))
            }
            (Err(_), Err(_))
                if !from.contains(':')
                    && !to.contains(':')
                    && !from.is_empty()
                    && !to.is_empty() =>
            {
                t.with_host(from, to)
            }
            _ => {
                return Err(argument(format!(
                    "option `addressTranslation`: {from:?}: {to:?} must both be \"host:port\" (IPv6 \"[addr]:port\") or both a host name or IPv4 address"
                )));
            }
        };
    }
    Ok(Some(t))
}

/// The `schemaMetadata` option: `true` (every keyspace, the default), `false` (none) or
/// the names of the keyspaces to keep.
fn schema_filter(o: &JsValue) -> Result<Option<SchemaFilter>, JsValue> {
    let v = get(o, "schemaMetadata");
    if !present(&v) {
        return Ok(None);
    }
    let bad = || {
        argument(
            "option `schemaMetadata` must be true (every keyspace), false (none) or an array of keyspace names",
        )
    };
    if let Some(on) = v.as_bool() {
        return Ok(Some(if on {
            SchemaFilter::All
        } else {
            SchemaFilter::Off
        }));
    }
    if !Array::is_array(&v) {
        return Err(bad());
    }
    let names = v
        .unchecked_ref::<Array>()
        .iter()
        .map(|n| n.as_string().filter(|s| !s.is_empty()).ok_or_else(bad))
        .collect::<Result<Vec<String>, JsValue>>()?;
    Ok(Some(SchemaFilter::keyspaces(names)))
}

pub(crate) fn millis(obj: &JsValue, key: &str) -> Result<Option<Duration>, JsValue> {
    Ok(number(obj, key)?.map(|ms| Duration::from_micros((ms * 1000.0) as u64)))
}

/// A consistency level from its name (`"QUORUM"`, `"localQuorum"`, `"local_one"`...).
pub fn consistency(obj: &JsValue, key: &str) -> Result<Option<Consistency>, JsValue> {
    let Some(name) = string(obj, key)? else {
        return Ok(None);
    };
    let wanted: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    (0u16..=10)
        .filter_map(|c| Consistency::from_code(c).ok())
        .find(|c| c.name().replace('_', "") == wanted)
        .map(Some)
        .ok_or_else(|| {
            argument(format!(
                "option `{key}`: unknown consistency level {name:?} (ANY, ONE, TWO, THREE, QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, SERIAL, LOCAL_SERIAL, LOCAL_ONE)"
            ))
        })
}

/// How results convert (the `timestamps` and `json` options).
pub fn to_js(obj: &JsValue, default: ToJs) -> Result<ToJs, JsValue> {
    let mut out = default;
    if let Some(json) = boolean(obj, "json")? {
        out.json = json;
    }
    if let Some(t) = string(obj, "timestamps")? {
        out.timestamps = match t.as_str() {
            "date" => TimestampMode::Date,
            "number" => TimestampMode::Number,
            _ => {
                return Err(argument(
                    "option `timestamps` must be \"date\" or \"number\"",
                ));
            }
        };
    }
    Ok(out)
}

/// What `Client.connect` reads besides the session builder.
pub struct Connect {
    /// The session builder.
    pub builder: SessionBuilder,
    /// The bridge's URL.
    pub bridge: String,
    /// The bearer token for the bridge.
    pub token: Option<String>,
    /// Result conversion defaults.
    pub to_js: ToJs,
    /// `networkBridges`: (IP network, bridge URL) pairs.
    pub network_bridges: Vec<(String, String)>,
}

/// Reads `ConnectOptions`.
pub fn connect(o: &JsValue) -> Result<Connect, JsValue> {
    if !o.is_object() {
        return Err(argument(
            "Client.connect needs an options object: { bridge, contactPoints, ... }",
        ));
    }
    only_known(o, "connect options", &[option_names::CONNECT])?;
    let bridge = string(o, "bridge")?.ok_or_else(|| {
        argument("option `bridge` is required: the cql-bridge URL, e.g. \"wss://bridge.example.com/cql\"")
    })?;
    let token = string(o, "token")?;
    let points = get(o, "contactPoints");
    let points: Vec<String> = if Array::is_array(&points) {
        points
            .unchecked_ref::<Array>()
            .iter()
            .map(|p| {
                p.as_string()
                    .ok_or_else(|| argument("`contactPoints` must be strings \"host[:port]\""))
            })
            .collect::<Result<_, _>>()?
    } else if let Some(p) = points.as_string() {
        vec![p]
    } else {
        return Err(argument(
            "option `contactPoints` is required: [\"host:port\", ...] (the nodes as the bridge reaches them)",
        ));
    };
    let mut b = SessionBuilder::new().contact_points(points);
    if let Some(port) = number(o, "port")? {
        b = b.port(port as u16);
    }
    if let Some(ks) = string(o, "keyspace")? {
        b = b.keyspace(ks);
    }
    if let Some(dc) = string(o, "localDatacenter")? {
        b = b.local_datacenter(dc);
    }
    let creds = get(o, "credentials");
    if present(&creds) {
        let user = string(&creds, "username")?;
        let pass = string(&creds, "password")?;
        match (user, pass) {
            (Some(u), Some(p)) => b = b.credentials(u, p),
            _ => return Err(argument("`credentials` needs { username, password }")),
        }
    }
    if let Some(c) = consistency(o, "consistency")? {
        b = b.consistency(c);
    }
    if let Some(c) = consistency(o, "serialConsistency")? {
        b = b.serial_consistency(c);
    }
    if let Some(n) = number(o, "pageSize")? {
        b = b.page_size(if n == 0.0 { None } else { Some(n as i32) });
    }
    if let Some(v) = number(o, "protocolVersion")? {
        b = b.protocol_version(match v as u8 {
            3 => ProtocolVersion::V3,
            4 => ProtocolVersion::V4,
            5 => ProtocolVersion::V5,
            _ => return Err(argument("`protocolVersion` must be 3, 4 or 5")),
        });
    }
    if let Some(c) = string(o, "compression")? {
        b = b.compression(match c.as_str() {
            "none" => cql_core::frame::compression::Compression::None,
            "lz4" => cql_core::frame::compression::Compression::Lz4,
            _ => return Err(argument("`compression` must be \"none\" or \"lz4\"")),
        });
    }
    if let Some(d) = millis(o, "connectTimeout")? {
        b = b.connect_timeout(d);
    }
    if let Some(d) = millis(o, "requestTimeout")? {
        b = b.request_timeout(if d.is_zero() { None } else { Some(d) });
    }
    if let Some(d) = millis(o, "heartbeatInterval")? {
        b = b.heartbeat_interval(if d.is_zero() { None } else { Some(d) });
    }
    if let Some(n) = number(o, "connectionsPerHost")? {
        b = b.connections_per_host((n as usize).max(1));
    }
    if let Some(i) = boolean(o, "idempotent")? {
        b = b.idempotent(i);
    }
    if let Some(n) = string(o, "applicationName")? {
        b = b.application_name(n);
    }
    if let Some(v) = string(o, "applicationVersion")? {
        b = b.application_version(v);
    }
    if let Some(t) = address_translator(o)? {
        b = b.address_translator(Arc::new(t));
    }
    if let Some(f) = schema_filter(o)? {
        b = b.schema_metadata(f);
    }
    Ok(Connect {
        builder: b,
        bridge,
        token,
        to_js: to_js(o, ToJs::default())?,
        network_bridges: string_pairs(o, "networkBridges")?,
    })
}

/// Per-query options besides the statement options.
pub struct Query {
    /// The statement options.
    pub statement: StatementOptions,
    /// The page to start at (`pageState`).
    pub paging_state: Option<PagingState>,
    /// Whether to prepare (`None`: decide from the parameters).
    pub prepare: Option<bool>,
    /// Types for the parameters of a simple statement.
    pub hints: JsValue,
    /// Result conversion.
    pub to_js: ToJs,
}

/// Reads `QueryOptions`.
pub fn query(o: &JsValue, default: ToJs) -> Result<Query, JsValue> {
    only_known(o, "query options", &[option_names::QUERY])?;
    statement_options(o, default)
}

/// Reads `BatchOptions` (`logged` and `counter` are read by the caller).
pub fn batch(o: &JsValue, default: ToJs) -> Result<Query, JsValue> {
    only_known(
        o,
        "batch options",
        &[option_names::QUERY, option_names::BATCH_EXTRA],
    )?;
    statement_options(o, default)
}

fn statement_options(o: &JsValue, default: ToJs) -> Result<Query, JsValue> {
    if present(o) && !o.is_object() {
        return Err(argument("query options must be an object"));
    }
    let mut s = StatementOptions::default();
    s.consistency = consistency(o, "consistency")?;
    s.serial_consistency = consistency(o, "serialConsistency")?;
    if let Some(n) = number(o, "pageSize")? {
        s.page_size = Some(n as i32);
    }
    let mut paging_state = None;
    let ps = get(o, "pageState");
    if present(&ps) {
        let bytes = if let Some(text) = ps.as_string() {
            encoding::bytes_from_text(&text).ok_or_else(|| {
                argument(
                    "`pageState` as a string must be hex or base64 (as a previous result gave it)",
                )
            })?
        } else {
            ps.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec).ok_or_else(|| {
                argument("`pageState` must be the `pageState` of a previous result: a Uint8Array, or a hex or base64 string")
            })?
        };
        paging_state = Some(PagingState::from_bytes(bytes));
    }
    let ts = get(o, "timestamp");
    if present(&ts) {
        let micros = crate::convert::from_js::typed(&ts, &ColumnType::BigInt)
            .map_err(|e| argument(format!("`timestamp` (microseconds): {e}")))?;
        if let cql_core::types::CqlValue::BigInt(m) = micros {
            s.timestamp = Some(m);
        }
    }
    s.timeout = millis(o, "timeout")?;
    s.idempotent = boolean(o, "idempotent")?;
    s.tracing = boolean(o, "tracing")?.unwrap_or(false);
    s.keyspace = string(o, "keyspace")?;
    s.execution_profile = string(o, "executionProfile")?;
    Ok(Query {
        statement: s,
        paging_state,
        prepare: boolean(o, "prepare")?,
        hints: get(o, "hints"),
        to_js: to_js(o, default)?,
    })
}

/// The CQL type of each hint (`null`/absent entries give `None`).
pub fn hint(
    hints: &JsValue,
    index: usize,
    name: Option<&str>,
) -> Result<Option<ColumnType>, JsValue> {
    let h = if Array::is_array(hints) {
        hints.unchecked_ref::<Array>().get(index as u32)
    } else if let (true, Some(n)) = (hints.is_object(), name) {
        get(hints, n)
    } else {
        return Ok(None);
    };
    let Some(text) = h.as_string() else {
        return Ok(None);
    };
    ColumnType::parse_cql(&text)
        .map(Some)
        .map_err(|e| argument(format!("hint {text:?}: {e}")))
}
