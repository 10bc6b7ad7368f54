//! `client.executeGraph(query, params?, options?)`: a Gremlin-Groovy script or a traversal
//! recorded by `js/graph.js` (`g.V().has(...)`), run as a graph statement of the core
//! (`Session::execute_graph_page`), its results converted by `convert::graph`.

use cql_core::graph::GraphsonVersion;
use cql_core::graph::options::GraphOptions;
use cql_core::graph::predicate::{Distance, Geo, GeoUnit, Predicate};
use cql_core::graph::traversal::{
    Argument, Bytecode, Cardinality, Column, Instruction, Order, Pop, Scope, Token, TraversalBatch,
};
use cql_core::graph::value::GraphValue;
use cql_core::session::graph::{GraphResultSet, GraphStatement};
use cql_core::session::{PagingState, Session};
use cql_core::types::geo::{Point, Polygon};
use js_sys::{Array, Object, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::call::Call;
use crate::client::Client;
use crate::convert::graph::{from_js, to_js};
use crate::convert::to_js::{class_name, js_text, set};
use crate::encoding;
use crate::error::{self, argument};
use crate::options::{self, get};

/// The options `executeGraph` reads.
const OPTIONS: &[&str] = &[
    "graphName",
    "graphSource",
    "graphLanguage",
    "graphProtocol",
    "readConsistency",
    "writeConsistency",
    "executeAs",
    "executionProfile",
    "consistency",
    "timeout",
    "pageSize",
    "pageState",
    "timestamp",
];

fn array(v: &JsValue, what: &str) -> Result<Array, String> {
    if Array::is_array(v) {
        Ok(v.clone().unchecked_into())
    } else {
        Err(format!("{what} must be an array"))
    }
}

/// A JS predicate (`P.gt(3)`, `Search.token("x")`, `Geo.inside(point, 10, "KILOMETERS")`).
fn predicate(p: &JsValue, depth: usize) -> Result<Predicate, String> {
    let operator = get(p, "predicate").as_string().unwrap_or_default();
    let value = get(p, "value");
    let value_of = |v: &JsValue| from_js(v, depth + 1);
    let pair = |v: &JsValue| -> Result<(GraphValue, GraphValue), String> {
        let a = array(v, &format!("P.{operator}'s value"))?;
        Ok((value_of(&a.get(0))?, value_of(&a.get(1))?))
    };
    Ok(match operator.as_str() {
        "and" | "or" => {
            let (a, b) = (
                predicate(&value, depth + 1)?,
                predicate(&get(p, "other"), depth + 1)?,
            );
            if operator == "and" { a.and(b) } else { a.or(b) }
        }
        "between" => {
            let (a, b) = pair(&value)?;
            cql_core::graph::predicate::P::between(a, b)
        }
        "outside" => {
            let (a, b) = pair(&value)?;
            cql_core::graph::predicate::P::outside(a, b)
        }
        "inside" if class_name(&value) == "Polygon" => {
            let polygon: Polygon = js_text(&value)
                .parse()
                .map_err(|e| format!("Geo.inside: {e}"))?;
            Geo::inside_polygon(polygon)
        }
        "inside" if Array::is_array(&value) => {
            let (a, b) = pair(&value)?;
            cql_core::graph::predicate::P::inside(a, b)
        }
        "inside" => {
            let center: Point = js_text(&get(&value, "center"))
                .parse()
                .map_err(|e| format!("Geo.inside: the center: {e}"))?;
            let radius = get(&value, "radius")
                .as_f64()
                .ok_or("Geo.inside: a radius number")?;
            let unit = match get(&value, "unit").as_string().as_deref() {
                None | Some("DEGREES") => GeoUnit::Degrees,
                Some("KILOMETERS") => GeoUnit::Kilometers,
                Some("METERS") => GeoUnit::Meters,
                Some("MILES") => GeoUnit::Miles,
                Some(other) => return Err(format!("Geo.inside: unknown unit {other:?}")),
            };
            Geo::inside(Distance::new(center, radius), unit)
        }
        "fuzzy" | "tokenFuzzy" | "phrase" => Predicate::TextDistance {
            operator,
            query: value_of(&get(&value, "query"))?,
            distance: value_of(&get(&value, "distance"))?,
        },
        "" => return Err("a predicate without an operator".into()),
        _ => Predicate::Compare {
            operator,
            value: value_of(&value)?,
        },
    })
}

/// A JS Gremlin enum (`Order.desc`, `Cardinality.list`, `T.label`...).
fn token(v: &JsValue) -> Result<Argument, String> {
    let (kind, name) = (js_text(&get(v, "type")), js_text(&get(v, "name")));
    let unknown = || format!("unknown Gremlin token {kind}.{name}");
    let token = match kind.as_str() {
        "T" | "Direction" => {
            return from_js(v, 0).map(Argument::Value).or_else(|_| {
                let value = match kind.as_str() {
                    "T" => cql_core::graph::value::T::from_name(&name).map(GraphValue::T),
                    _ => cql_core::graph::value::Direction::from_name(&name)
                        .map(GraphValue::Direction),
                };
                value.map(Argument::Value).ok_or_else(unknown)
            });
        }
        "Order" => Token::Order(Order::from_name(&name).ok_or_else(unknown)?),
        "Scope" => Token::Scope(Scope::from_name(&name).ok_or_else(unknown)?),
        "Cardinality" => Token::Cardinality(Cardinality::from_name(&name).ok_or_else(unknown)?),
        "Column" => Token::Column(Column::from_name(&name).ok_or_else(unknown)?),
        "Pop" => Token::Pop(Pop::from_name(&name).ok_or_else(unknown)?),
        _ => return Err(unknown()),
    };
    Ok(Argument::Token(token))
}

fn step_argument(v: &JsValue, depth: usize) -> Result<Argument, String> {
    match class_name(v).as_str() {
        "GraphTraversal" => bytecode(v, depth + 1).map(Argument::Traversal),
        "P" => predicate(v, depth).map(Argument::Predicate),
        "GremlinEnum" => token(v),
        _ => from_js(v, depth).map(Argument::Value),
    }
}

fn instructions(list: &JsValue, depth: usize) -> Result<Vec<Instruction>, String> {
    let mut out = Vec::new();
    for step in array(list, "a traversal's steps")?.iter() {
        let step = array(&step, "a step")?;
        let name = step.get(0).as_string().ok_or("a step without a name")?;
        let args = step
            .iter()
            .skip(1)
            .map(|a| step_argument(&a, depth))
            .collect::<Result<_, _>>()?;
        out.push(Instruction::new(name, args));
    }
    Ok(out)
}

/// A traversal recorded by `js/graph.js` as its bytecode.
fn bytecode(t: &JsValue, depth: usize) -> Result<Bytecode, String> {
    if depth > 32 {
        return Err("traversals nested more than 32 levels".into());
    }
    Ok(Bytecode {
        source: instructions(&get(t, "source"), depth)?,
        step: instructions(&get(t, "steps"), depth)?,
    })
}

/// The statement `query` and `options` describe.
fn statement(query: &JsValue, params: &JsValue, o: &JsValue) -> Result<GraphStatement, JsValue> {
    let mut stmt = match class_name(query).as_str() {
        _ if query.is_string() => GraphStatement::new(query.as_string().unwrap_or_default()),
        "GraphTraversal" => GraphStatement::traversal(bytecode(query, 0).map_err(argument)?),
        "TraversalBatch" => {
            let batch: TraversalBatch = array(&get(query, "traversals"), "a batch's traversals")
                .map_err(argument)?
                .iter()
                .map(|t| bytecode(&t, 0))
                .collect::<Result<_, _>>()
                .map_err(argument)?;
            GraphStatement::batch(batch)
        }
        _ => {
            return Err(argument(
                "executeGraph needs a Gremlin-Groovy string, a traversal (g.V()...) or a TraversalBatch",
            ));
        }
    };
    if params.is_object() {
        for key in Object::keys(params.unchecked_ref::<Object>()).iter() {
            let name = key.as_string().unwrap_or_default();
            let value = from_js(&get(params, &name), 0)
                .map_err(|e| argument(format!("graph parameter `{name}`: {e}")))?;
            stmt = stmt.with_parameter(name, value);
        }
    } else if !params.is_undefined() && !params.is_null() {
        return Err(argument(
            "graph parameters must be an object (name → value)",
        ));
    }
    options::only_known(o, "executeGraph options", &[OPTIONS])?;
    let mut g = GraphOptions::new();
    if let Some(v) = options::string(o, "graphName")? {
        g = g.graph_name(v);
    }
    if let Some(v) = options::string(o, "graphSource")? {
        g = g.graph_source(v);
    }
    if let Some(v) = options::string(o, "graphLanguage")? {
        g = g.graph_language(v);
    }
    if let Some(v) = options::string(o, "graphProtocol")? {
        let p = GraphsonVersion::from_protocol_name(&v).ok_or_else(|| {
            argument(format!(
                "option `graphProtocol`: {v:?} is not graphson-1.0, graphson-2.0 or graphson-3.0"
            ))
        })?;
        g = g.graph_protocol(p);
    }
    if let Some(c) = options::consistency(o, "readConsistency")? {
        g = g.read_consistency(c);
    }
    if let Some(c) = options::consistency(o, "writeConsistency")? {
        g = g.write_consistency(c);
    }
    stmt = stmt.with_options(g);
    if let Some(v) = options::string(o, "executeAs")? {
        stmt = stmt.with_execute_as(v);
    }
    if let Some(v) = options::string(o, "executionProfile")? {
        stmt = stmt.with_profile(v);
    }
    if let Some(c) = options::consistency(o, "consistency")? {
        stmt = stmt.with_consistency(c);
    }
    if let Some(t) = options::millis(o, "timeout")? {
        stmt = stmt.with_timeout(t);
    }
    if let Some(n) = options::number(o, "pageSize")? {
        stmt = stmt.with_page_size(n.min(f64::from(i32::MAX)) as i32);
    }
    if let Some(n) = options::number(o, "timestamp")? {
        stmt = stmt.with_timestamp(n as i64);
    }
    Ok(stmt)
}

fn paging_state(o: &JsValue) -> Result<Option<PagingState>, JsValue> {
    let v = get(o, "pageState");
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let bytes = match v.as_string() {
        Some(text) => encoding::bytes_from_text(&text)
            .ok_or_else(|| argument("option `pageState`: a hex string or bytes"))?,
        None => js_sys::Uint8Array::new(&v).to_vec(),
    };
    Ok(Some(PagingState::from_bytes(bytes)))
}

fn result_set(r: &GraphResultSet) -> JsValue {
    let o = Object::new();
    let results: Array = r.iter().map(to_js).collect();
    set(&o, "results", &results.into());
    set(
        &o,
        "pageState",
        &r.paging_state.as_ref().map_or(JsValue::NULL, |p| {
            JsValue::from_str(&encoding::hex(p.as_bytes()))
        }),
    );
    set(
        &o,
        "protocol",
        &JsValue::from_str(r.protocol.protocol_name()),
    );
    set(&o, "host", &JsValue::from_str(&r.host.to_string()));
    let warnings: Array = r.warnings.iter().map(|w| JsValue::from_str(w)).collect();
    set(&o, "warnings", &warnings.into());
    o.into()
}

async fn run(
    session: Session,
    stmt: GraphStatement,
    paging: Option<PagingState>,
) -> Result<JsValue, JsValue> {
    let r = session
        .execute_graph_page(&stmt, paging)
        .await
        .map_err(|e| error::to_js(&e))?;
    Ok(result_set(&r))
}

#[wasm_bindgen]
impl Client {
    /// Runs a graph statement — a Gremlin-Groovy script (with `params`, an object) or a
    /// traversal built with `g` (`g.V().has("name", "marko").out("knows")`), or a
    /// `TraversalBatch` — and resolves with one page of results:
    /// `{ results, pageState, protocol, host, warnings }`.
    #[wasm_bindgen(js_name = executeGraph, skip_typescript)]
    // Typed in types.ts (optional parameters).
    pub fn execute_graph(
        &self,
        query: JsValue,
        params: Option<JsValue>,
        options: Option<JsValue>,
    ) -> Promise {
        let call = Call::start();
        let params = params.unwrap_or(JsValue::UNDEFINED);
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let session = self.session();
        let shown = if query.is_string() {
            query.clone()
        } else {
            JsValue::from_str("<traversal>")
        };
        future_to_promise(async move {
            let go = async {
                let stmt = statement(&query, &params, &options)?;
                run(session?, stmt, paging_state(&options)?).await
            };
            go.await.map_err(|e| call.fail(e, &shown))
        })
    }
}
