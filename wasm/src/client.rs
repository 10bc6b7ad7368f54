//! The JavaScript API: `Client` (connect, execute, prepare, batch, stream, close),
//! `Prepared` and `RowStream`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use cql_core::message::BatchType;
use cql_core::session::{Batch, PagingState, PreparedStatement, QueryResult, Session, Statement};
use cql_transport_websocket::BridgeAddressMap;
use cql_transport_websocket::wasm::{WasmRuntime, WebSocketTransport};
use futures::StreamExt;
use js_sys::{Array, Function, Object, Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::call::{Call, Site};
use crate::convert::from_js;
use crate::convert::params::{STATEMENT, Values, boxed, typed as typed_values};
use crate::convert::to_js::{ToJs, columns, set};
use crate::encoding;
use crate::error::{self, argument};
use crate::events::{JsHostListener, JsSchemaListener, Listeners};
use crate::metadata::Metadata;
use crate::options::{self, get};

/// A connected client: a session to the nodes behind a `cql-bridge`.
#[wasm_bindgen]
pub struct Client {
    session: Session,
    to_js: ToJs,
    listeners: Rc<Listeners>,
}

/// A prepared statement: its text and the metadata of its parameters and result columns.
#[wasm_bindgen]
pub struct Prepared {
    inner: PreparedStatement,
}

/// Rows across pages, fetched as they are consumed (`for await (const row of stream)`).
#[wasm_bindgen]
pub struct RowStream {
    inner: Rc<StreamState>,
    to_js: ToJs,
    /// Where `stream(...)` was called, and its CQL text: what a failed row reports.
    site: Site,
    query: JsValue,
}

/// A stream's rows, or what it needs to start them on its first `next()`.
#[derive(Default)]
struct StreamState {
    rows: RefCell<Option<cql_core::session::RowStream>>,
    start: RefCell<Option<PendingStart>>,
    /// A `next()` is in progress (it holds the rows meanwhile).
    busy: std::cell::Cell<bool>,
}

/// Parameters of a simple statement: natural types, or the types in `hints`.
fn natural_values(params: &JsValue, hints: &JsValue) -> Result<Values, JsValue> {
    if params.is_undefined() || params.is_null() {
        return Ok(Vec::new());
    }
    if !Array::is_array(params) {
        return Err(argument(
            "named parameters need a prepared statement (leave `prepare` on)",
        ));
    }
    let arr: &Array = params.unchecked_ref();
    let mut out = Vec::with_capacity(arr.length() as usize);
    for (i, v) in arr.iter().enumerate() {
        let b = match options::hint(hints, i, None)? {
            Some(t) => from_js::bound(&v, &t),
            None => from_js::natural_bound(&v),
        }
        .map_err(|e| argument(format!("parameter {i}: {e}")))?;
        out.push(b);
    }
    Ok(boxed(out))
}

fn has_params(params: &JsValue) -> bool {
    if Array::is_array(params) {
        return params.unchecked_ref::<Array>().length() > 0;
    }
    params.is_object()
}

/// The CQL text of a query argument: a string or a `Prepared`.
fn query_text(query: &JsValue) -> Result<(String, bool), JsValue> {
    if let Some(s) = query.as_string() {
        return Ok((s, false));
    }
    if let Some(s) = get(query, "query").as_string() {
        return Ok((s, true));
    }
    Err(argument(
        "the query must be a string or a Prepared statement",
    ))
}

/// A result page as the JS `ResultSet` object.
fn result_object(r: &QueryResult, conv: ToJs) -> Result<JsValue, JsValue> {
    let o = Object::new();
    let cols = r.columns();
    let rows = Array::new();
    for row in r.rows() {
        let values = row.values().map_err(|e| error::to_js(&e))?;
        rows.push(&conv.row(cols, &values));
    }
    set(&o, "rows", &rows);
    set(&o, "columns", &columns(cols));
    // JSON mode: a hex string, which `pageState` accepts back (a REST cursor).
    set(
        &o,
        "pageState",
        &r.paging_state.as_ref().map_or(JsValue::NULL, |p| {
            if conv.json {
                JsValue::from_str(&encoding::hex(p.as_bytes()))
            } else {
                Uint8Array::from(p.as_bytes().as_ref()).into()
            }
        }),
    );
    let warnings: Array = r.warnings.iter().map(|w| JsValue::from_str(w)).collect();
    set(&o, "warnings", &warnings);
    set(
        &o,
        "tracingId",
        &r.tracing_id
            .map_or(JsValue::NULL, |t| JsValue::from_str(&t.to_string())),
    );
    set(
        &o,
        "applied",
        &r.applied().map_or(JsValue::NULL, JsValue::from_bool),
    );
    set(
        &o,
        "keyspace",
        &r.set_keyspace
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str),
    );
    set(
        &o,
        "schemaChange",
        &r.schema_change.as_ref().map_or(JsValue::NULL, |c| {
            let s = Object::new();
            set(&s, "change", &JsValue::from_str(c.change_type.name()));
            set(&s, "target", &JsValue::from_str(c.target.kind_name()));
            JsValue::from(s)
        }),
    );
    set(&o, "host", &JsValue::from_str(&r.host.to_string()));
    Ok(o.into())
}

impl Client {
    pub(crate) fn session(&self) -> Result<Session, JsValue> {
        if self.session.is_closed() {
            return Err(error::closed("the client is closed"));
        }
        Ok(self.session.clone())
    }
}

/// A prepared statement from the cache (or the node), prepared in `opts`'s keyspace (or
/// the session's) and carrying `opts`.
async fn prepared_with(
    session: &Session,
    cql: &str,
    opts: &cql_core::session::StatementOptions,
) -> Result<PreparedStatement, JsValue> {
    let mut statement = Statement::new(cql);
    *statement.options_mut() = opts.clone();
    session
        .prepare(statement)
        .await
        .map_err(|e| error::to_js(&e))
}

/// The CQL text a failed call was about, for its error's `query` (`undefined` when the
/// query argument was not usable).
fn query_for_errors(query: &JsValue) -> JsValue {
    query_text(query).map_or(JsValue::UNDEFINED, |(cql, _)| JsValue::from_str(&cql))
}

/// The CQL texts of a batch's statements, for its error's `queries`.
fn batch_queries(queries: &JsValue) -> JsValue {
    if !Array::is_array(queries) {
        return JsValue::UNDEFINED;
    }
    queries
        .unchecked_ref::<Array>()
        .iter()
        .map(|item| {
            let q = if item.is_string() {
                item
            } else {
                get(&item, "query")
            };
            query_for_errors(&q)
        })
        .collect::<Array>()
        .into()
}

/// Runs one statement: prepared (when asked, or by default with parameters) or simple.
async fn execute_once(
    session: Session,
    query: &JsValue,
    params: &JsValue,
    options: &JsValue,
    default: ToJs,
) -> Result<JsValue, JsValue> {
    let (cql, is_prepared) = query_text(query)?;
    let o = options::query(options, default)?;
    let prepare = o.prepare.unwrap_or(is_prepared || has_params(params));
    // One page, as the Node.js driver's execute returns (stream() reads them all).
    let result = if prepare {
        let p = prepared_with(&session, &cql, &o.statement).await?;
        let values = typed_values(params, p.bind_specs(), STATEMENT)?;
        session.execute_page(&p, values, o.paging_state).await
    } else {
        let values = natural_values(params, &o.hints)?;
        let mut s = Statement::new(cql);
        *s.options_mut() = o.statement;
        session.execute_page(&s, values, o.paging_state).await
    }
    .map_err(|e| error::to_js(&e))?;
    result_object(&result, o.to_js)
}

/// Runs a batch (`queries` an array of strings or `{ query, params }`).
async fn batch_once(
    session: Session,
    queries: &JsValue,
    options: &JsValue,
    default: ToJs,
) -> Result<JsValue, JsValue> {
    if !Array::is_array(queries) {
        return Err(argument("batch() needs an array of statements"));
    }
    let o = options::batch(options, default)?;
    let counter = get(options, "counter").as_bool().unwrap_or(false);
    let logged = get(options, "logged").as_bool().unwrap_or(true);
    let mut batch = Batch::new(if counter {
        BatchType::Counter
    } else if logged {
        BatchType::Logged
    } else {
        BatchType::Unlogged
    });
    for (i, item) in queries.unchecked_ref::<Array>().iter().enumerate() {
        let (q, params) = if item.is_string() {
            (item.clone(), JsValue::UNDEFINED)
        } else {
            (get(&item, "query"), get(&item, "params"))
        };
        let (cql, is_prepared) = query_text(&q)
            .map_err(|_| argument(format!("batch statement {i}: needs a `query`")))?;
        let prepare = o.prepare.unwrap_or(is_prepared || has_params(&params));
        let added = if prepare {
            // In the batch's keyspace, like the batch itself.
            let mut in_keyspace = cql_core::session::StatementOptions::default();
            in_keyspace.keyspace.clone_from(&o.statement.keyspace);
            let p = prepared_with(&session, &cql, &in_keyspace).await?;
            let values = typed_values(&params, p.bind_specs(), STATEMENT)?;
            batch.add(&p, values).map(|_| ())
        } else {
            let values = natural_values(&params, &JsValue::UNDEFINED)?;
            batch.add(&Statement::new(cql), values).map(|_| ())
        };
        added.map_err(|e| error::to_js(&e))?;
    }
    *batch.options_mut() = o.statement;
    let result = session.batch(&batch).await.map_err(|e| error::to_js(&e))?;
    result_object(&result, o.to_js)
}

#[wasm_bindgen]
impl Client {
    /// Connects to the nodes in `contactPoints` through the bridge at `bridge`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Client>")]
    pub fn connect(
        #[wasm_bindgen(unchecked_param_type = "ConnectOptions")] options: JsValue,
    ) -> Promise {
        let call = Call::start();
        future_to_promise(async move {
            let connected = async {
                let o = options::connect(&options)?;
                let mut map = BridgeAddressMap::new(&o.bridge)
                    .map_err(|e| argument(format!("option `bridge`: {}", e.message())))?;
                for (network, url) in &o.network_bridges {
                    map = map.with_bridge_for_network(network, url).map_err(|e| {
                        argument(format!("option `networkBridges`: {}", e.message()))
                    })?;
                }
                let mut transport = WebSocketTransport::with_address_map(map);
                if let Some(t) = &o.token {
                    transport = transport
                        .with_token(t)
                        .map_err(|e| argument(format!("option `token`: {}", e.message())))?;
                }
                let listeners = Rc::new(Listeners::default());
                let session = o
                    .builder
                    .host_listener(Arc::new(JsHostListener(Rc::clone(&listeners))))
                    .schema_listener(Arc::new(JsSchemaListener(Rc::clone(&listeners))))
                    .transport(transport)
                    .runtime(WasmRuntime::new())
                    .connect()
                    .await
                    .map_err(|e| error::to_js(&e))?;
                Ok(Client {
                    session,
                    to_js: o.to_js,
                    listeners,
                }
                .into())
            };
            connected
                .await
                .map_err(|e| call.fail(e, &JsValue::UNDEFINED))
        })
    }

    /// Runs `query` (CQL text or a `Prepared`) with `params` (an array for `?` markers, an
    /// object for named ones) and resolves with one page of results.
    ///
    /// With parameters the statement is prepared first (once; cached) so every value is
    /// converted to its column's exact type; `{ prepare: false }` sends it as a simple
    /// statement with natural types (or the types in `hints`).
    #[wasm_bindgen(skip_typescript)]
    // Typed in types.ts (optional parameters).
    pub fn execute(
        &self,
        query: JsValue,
        params: Option<JsValue>,
        options: Option<JsValue>,
    ) -> Promise {
        let call = Call::start();
        let params = params.unwrap_or(JsValue::UNDEFINED);
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let session = self.session();
        let default = self.to_js;
        future_to_promise(async move {
            let run = async { execute_once(session?, &query, &params, &options, default).await };
            run.await
                .map_err(|e| call.fail(e, &query_for_errors(&query)))
        })
    }

    /// Prepares `query` (cached per text and keyspace).
    #[wasm_bindgen(unchecked_return_type = "Promise<Prepared>")]
    pub fn prepare(&self, query: String) -> Promise {
        let call = Call::start();
        let session = self.session();
        future_to_promise(async move {
            let run = async {
                let p = session?
                    .prepare(&query)
                    .await
                    .map_err(|e| error::to_js(&e))?;
                Ok(Prepared { inner: p }.into())
            };
            run.await
                .map_err(|e| call.fail(e, &JsValue::from_str(&query)))
        })
    }

    /// Runs a batch of statements (`string` or `{ query, params }`).
    #[wasm_bindgen(skip_typescript)]
    // Typed in types.ts (optional parameters).
    pub fn batch(&self, queries: JsValue, options: Option<JsValue>) -> Promise {
        let call = Call::start();
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let session = self.session();
        let default = self.to_js;
        future_to_promise(async move {
            let run = async { batch_once(session?, &queries, &options, default).await };
            run.await
                .map_err(|e| call.fail(e, &batch_queries(&queries)))
        })
    }

    /// Every row of `query`'s result, across pages, as an async iterator. Nothing is
    /// sent before the first row is asked for.
    #[wasm_bindgen(skip_typescript)]
    // Typed in types.ts (optional parameters).
    pub fn stream(
        &self,
        query: JsValue,
        params: Option<JsValue>,
        options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let site = Site::here();
        let query_js = query_for_errors(&query);
        let started = (|| {
            let params = params.unwrap_or(JsValue::UNDEFINED);
            let options = options.unwrap_or(JsValue::UNDEFINED);
            let session = self.session()?;
            let (cql, is_prepared) = query_text(&query)?;
            let o = options::query(&options, self.to_js)?;
            let prepare = o.prepare.unwrap_or(is_prepared || has_params(&params));
            let state = StreamState::default();
            if prepare {
                *state.start.borrow_mut() = Some(PendingStart {
                    session,
                    cql,
                    options: o.statement,
                    paging_state: o.paging_state,
                    params,
                });
            } else {
                let values = natural_values(&params, &o.hints)?;
                let mut s = Statement::new(cql);
                *s.options_mut() = o.statement;
                let mut rows = session
                    .execute_iter(&s, values)
                    .map_err(|e| error::to_js(&e))?;
                if let Some(start) = o.paging_state {
                    rows = rows.resume_from(start);
                }
                *state.rows.borrow_mut() = Some(rows);
            }
            Ok::<_, JsValue>((state, o.to_js))
        })();
        let (state, to_js) = started.map_err(|e| site.fail(e, &query_js))?;
        let stream = RowStream {
            inner: Rc::new(state),
            to_js,
            site,
            query: query_js,
        };
        Ok(error::async_iterable(&JsValue::from(stream)))
    }

    /// Adds `listener` for `event`: `"hostUp"`, `"hostDown"`, `"hostAdd"`,
    /// `"hostRemove"`, `"connectionError"` (a failed connection attempt, e.g. a bridge
    /// refusal), or `"log"` (all of them). Each call gets `{ type, address, hostId,
    /// level, message, error }`, in a microtask of its own. `"schemaChange"` listeners
    /// get `{ type, change, target, keyspace, name, argumentTypes, level, message }` once
    /// `client.metadata` shows the change.
    #[wasm_bindgen(skip_typescript)]
    // Typed in types.ts (event names, the listener's argument).
    pub fn on(&self, event: &str, listener: Function) -> Result<(), JsValue> {
        self.listeners.add(event, listener)
    }

    /// Removes a listener added with `on`.
    #[wasm_bindgen(skip_typescript)]
    // Typed in types.ts.
    pub fn off(&self, event: &str, listener: &Function) -> Result<(), JsValue> {
        self.listeners.remove(event, listener)
    }

    /// The keyspace statements run in.
    #[wasm_bindgen(getter)]
    pub fn keyspace(&self) -> Option<String> {
        self.session.keyspace()
    }

    /// The cluster's nodes as the client knows them: the contact points and the nodes
    /// discovered from `system.peers` (each reached through the bridge), with `address`
    /// (`host:port`, as asked of the bridge), `hostId`, `datacenter`, `rack` (null when
    /// unknown), `up`, `connections` (open now) and `lastError` (why the last connection
    /// attempt failed, e.g. a bridge refusal; null once one opens).
    #[wasm_bindgen(unchecked_return_type = "HostInfo[]")]
    pub fn hosts(&self) -> Array {
        self.session
            .hosts()
            .iter()
            .map(|h| {
                let o = Object::new();
                set(&o, "address", &JsValue::from_str(&h.addr.to_string()));
                set(&o, "hostId", &JsValue::from_str(&h.host_id.to_string()));
                let opt =
                    |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from_str);
                set(&o, "datacenter", &opt(&h.datacenter));
                set(&o, "rack", &opt(&h.rack));
                set(&o, "up", &JsValue::from_bool(h.up));
                // usize → f64 is exact for any realistic connection count.
                #[allow(clippy::cast_precision_loss)]
                let connections = h.open_connections as f64;
                set(&o, "connections", &JsValue::from_f64(connections));
                set(
                    &o,
                    "lastError",
                    &h.last_error.as_ref().map_or(JsValue::NULL, error::to_js),
                );
                JsValue::from(o)
            })
            .collect()
    }

    /// A snapshot of the schema metadata (the keyspaces the `schemaMetadata` option
    /// keeps) and the token ring, kept current from the cluster's schema events; each
    /// read takes a new snapshot.
    #[wasm_bindgen(getter)]
    pub fn metadata(&self) -> Metadata {
        Metadata::new(self.session.metadata())
    }

    /// Reads the whole schema metadata again now (it is normally kept current from the
    /// cluster's events, debounced by about a second).
    #[wasm_bindgen(js_name = refreshSchema, unchecked_return_type = "Promise<void>")]
    pub fn refresh_schema(&self) -> Promise {
        let call = Call::start();
        let session = self.session();
        future_to_promise(async move {
            let run = async {
                session?
                    .refresh_schema()
                    .await
                    .map_err(|e| error::to_js(&e))?;
                Ok(JsValue::UNDEFINED)
            };
            run.await.map_err(|e| call.fail(e, &JsValue::UNDEFINED))
        })
    }

    /// Whether `close()` was called.
    #[wasm_bindgen(getter, js_name = isClosed)]
    pub fn is_closed(&self) -> bool {
        self.session.is_closed()
    }

    /// Closes every connection (requests in flight finish first).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        let call = Call::start();
        let session = self.session.clone();
        future_to_promise(async move {
            session.close().await;
            drop(call);
            Ok(JsValue::UNDEFINED)
        })
    }
}

/// What a `RowStream` needs to start a prepared iteration on its first `next()`.
struct PendingStart {
    session: Session,
    cql: String,
    options: cql_core::session::StatementOptions,
    paging_state: Option<PagingState>,
    params: JsValue,
}

/// One step of a stream: starts it (preparing) on the first call, then the next row.
async fn next_row(slot: &StreamState, conv: ToJs) -> Result<JsValue, JsValue> {
    let start = slot.start.borrow_mut().take();
    let mut stream = match start {
        Some(s) => {
            let prepared = prepared_with(&s.session, &s.cql, &s.options).await?;
            let values = typed_values(&s.params, prepared.bind_specs(), STATEMENT)?;
            let rows = s
                .session
                .execute_iter(&prepared, values)
                .map_err(|e| error::to_js(&e))?;
            match s.paging_state {
                Some(start) => rows.resume_from(start),
                None => rows,
            }
        }
        None => match slot.rows.borrow_mut().take() {
            Some(s) => s,
            None => return Ok(iter_result(None)),
        },
    };
    let row = stream.next().await;
    // Kept after the end too, for `pagesFetched`; the core stream ends after an error.
    *slot.rows.borrow_mut() = Some(stream);
    let out = match row {
        None => None,
        Some(Err(e)) => return Err(error::to_js(&e)),
        Some(Ok(row)) => {
            let values = row.values().map_err(|e| error::to_js(&e))?;
            Some(conv.row(row.columns(), &values))
        }
    };
    Ok(iter_result(out))
}

fn iter_result(value: Option<JsValue>) -> JsValue {
    let o = Object::new();
    set(&o, "done", &JsValue::from_bool(value.is_none()));
    set(&o, "value", &value.unwrap_or(JsValue::UNDEFINED));
    o.into()
}

#[wasm_bindgen]
impl RowStream {
    /// The next row (`{ done, value }`, as async iterators answer).
    #[wasm_bindgen(unchecked_return_type = "Promise<IteratorResult<Row, undefined>>")]
    pub fn next(&self) -> Promise {
        let call = Call::start();
        let slot = Rc::clone(&self.inner);
        let conv = self.to_js;
        // Errors of rows point at the `stream(...)` call.
        let site = self.site.clone();
        let query = self.query.clone();
        future_to_promise(async move {
            if slot.busy.replace(true) {
                return Err(site.fail(
                    argument(
                        "RowStream.next() called before the previous next() settled: await each row",
                    ),
                    &query,
                ));
            }
            let out = next_row(&slot, conv).await;
            slot.busy.set(false);
            drop(call);
            out.map_err(|e| site.fail(e, &query))
        })
    }

    /// Stops the iteration (what `break` in `for await` calls).
    #[wasm_bindgen(
        js_name = "return",
        unchecked_return_type = "Promise<IteratorResult<Row, undefined>>"
    )]
    pub fn return_(&self) -> Promise {
        self.inner.rows.borrow_mut().take();
        self.inner.start.borrow_mut().take();
        Promise::resolve(&iter_result(None))
    }

    /// Pages fetched so far.
    #[wasm_bindgen(getter, js_name = pagesFetched)]
    pub fn pages_fetched(&self) -> usize {
        self.inner
            .rows
            .borrow()
            .as_ref()
            .map_or(0, |s| s.pages_fetched())
    }
}

#[wasm_bindgen]
impl Prepared {
    /// The CQL text.
    #[wasm_bindgen(getter)]
    pub fn query(&self) -> String {
        self.inner.cql().to_string()
    }

    /// The keyspace it was prepared in.
    #[wasm_bindgen(getter)]
    pub fn keyspace(&self) -> Option<String> {
        self.inner.prepared_keyspace().map(str::to_string)
    }

    /// The bind markers: `{ name, type, keyspace, table }`.
    #[wasm_bindgen(getter, unchecked_return_type = "ColumnInfo[]")]
    pub fn params(&self) -> Array {
        columns(self.inner.bind_specs())
    }

    /// The result columns (empty when the statement returns no rows).
    #[wasm_bindgen(getter, unchecked_return_type = "ColumnInfo[]")]
    pub fn columns(&self) -> Array {
        self.inner
            .result_columns()
            .map_or_else(Array::new, |c| columns(&c))
    }

    /// The statement id the node gave.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> Vec<u8> {
        self.inner.id().to_vec()
    }
}
