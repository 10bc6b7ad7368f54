//! One graph request: its custom payload options, what answers it (a traversal of the
//! in-memory graph, a prime, a graph management script) and its rows, paged.
//!
//! Payload options: `graph-language` (`gremlin-groovy`, `bytecode-json`; its presence
//! makes the QUERY a graph request), `graph-name`, `graph-source`, `graph-results`
//! (`graphson-1.0`/`2.0`/`3.0`; default 1.0 for scripts, 2.0 for bytecode),
//! `graph-read-consistency` and `graph-write-consistency` (checked, not enforced) and
//! `request-timeout` (ignored).
//!
//! Paging: with a page size, the rows beyond the first page are kept
//! ([`super::GraphState`]) and the page carries a paging state (cursor number and
//! offset, 16 bytes) any node of the cluster resumes from.

use bytes::Bytes;
use cql_core::message::CustomPayload;
use cql_core::types::{ColumnSpec, ColumnType};

use super::graphson::{GraphsonVersion, row};
use super::groovy::{GraphAction, Script, recognize};
use super::primes::{GraphPrime, GraphPrimes};
use super::reader::read_request;
use super::traversal::{execute, execute_steps};
use super::value::Value;
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::node::{Node, SessionState};
use crate::sim::outcome::{BoundValues, ExecParams, Outcome, RowsResult};

/// The languages a graph request may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// `gremlin-groovy`: a script.
    GremlinGroovy,
    /// `bytecode-json`: GraphSON `g:Bytecode` (a fluent traversal).
    BytecodeJson,
}

/// A graph request's options, from its custom payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphRequest {
    /// `graph-language`.
    pub language: Language,
    /// `graph-name` (none: a system request).
    pub graph: Option<String>,
    /// `graph-source` (`g` by default).
    pub source: String,
    /// `graph-results`.
    pub results: GraphsonVersion,
}

const CONSISTENCIES: &[&str] = &[
    "ANY",
    "ONE",
    "TWO",
    "THREE",
    "QUORUM",
    "ALL",
    "LOCAL_QUORUM",
    "EACH_QUORUM",
    "SERIAL",
    "LOCAL_SERIAL",
    "LOCAL_ONE",
];

/// The graph options of a request's payload; `None` when it has no `graph-language`
/// (not a graph request).
pub fn parse(payload: &CustomPayload) -> Option<CqlResult<GraphRequest>> {
    let get = |key: &str| {
        payload
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_ref())
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    let language = get("graph-language")?;
    Some((|| {
        let language = match language.as_str() {
            "gremlin-groovy" => Language::GremlinGroovy,
            "bytecode-json" => Language::BytecodeJson,
            other => {
                return Err(CqlError::invalid(format!(
                    "Unknown graph language '{other}' (cql-sim knows gremlin-groovy and bytecode-json)"
                )));
            }
        };
        let results = match get("graph-results") {
            None => match language {
                Language::GremlinGroovy => GraphsonVersion::V1,
                Language::BytecodeJson => GraphsonVersion::V2,
            },
            Some(name) => GraphsonVersion::from_name(&name).ok_or_else(|| {
                CqlError::invalid(format!(
                    "Unknown graph-results '{name}' (graphson-1.0, graphson-2.0 or graphson-3.0)"
                ))
            })?,
        };
        for key in ["graph-read-consistency", "graph-write-consistency"] {
            if let Some(cl) = get(key) {
                if !CONSISTENCIES.contains(&cl.to_ascii_uppercase().as_str()) {
                    return Err(CqlError::invalid(format!("Invalid {key} '{cl}'")));
                }
            }
        }
        Ok(GraphRequest {
            language,
            graph: get("graph-name").filter(|g| !g.is_empty()),
            source: get("graph-source").unwrap_or_else(|| "g".to_string()),
            results,
        })
    })())
}

/// The result column of every graph request.
fn column(graph: Option<&str>) -> ColumnSpec {
    ColumnSpec {
        keyspace: graph.unwrap_or_default().to_string(),
        table: String::new(),
        name: "gremlin".to_string(),
        typ: ColumnType::Text,
    }
}

/// Answers a graph request on `node`.
///
/// # Errors
/// InvalidRequest for an unknown graph, a bytecode the engine refuses (naming the step),
/// an unknown script; the primed error of a primed script.
pub fn serve(
    node: &Node,
    primes: &GraphPrimes,
    request: &GraphRequest,
    query: &str,
    params: &ExecParams,
) -> CqlResult<Outcome> {
    if let Some(state) = &params.paging_state {
        return resume(node, request, state, params.page_size);
    }
    let graph = request.graph.as_deref();
    if let Some(name) = graph {
        if node.graph_engine(name).is_none() && !primes.names_graph(name) {
            return Err(CqlError::invalid(format!("Graph '{name}' does not exist")));
        }
    }
    let rows = match request.language {
        Language::GremlinGroovy => script(node, primes, request, query)?
            .iter()
            .map(|v| row(v, 1, request.results))
            .collect(),
        Language::BytecodeJson => traversal(node, request, query)?,
    };
    Ok(page(node, request, rows, params.page_size))
}

fn need_graph(request: &GraphRequest) -> CqlResult<&str> {
    request.graph.as_deref().ok_or_else(|| {
        CqlError::invalid("A traversal needs a graph: set graph-name in the request's options")
    })
}

fn script(
    node: &Node,
    primes: &GraphPrimes,
    request: &GraphRequest,
    query: &str,
) -> CqlResult<Vec<Value>> {
    let graph = request.graph.as_deref();
    if let Some(prime) = primes.get(graph, query) {
        return match &**prime {
            GraphPrime::Results(values) => Ok(values.clone()),
            GraphPrime::Error(e) => Err(e.clone()),
        };
    }
    match recognize(query) {
        Some(Script::Steps(steps)) => {
            let name = need_graph(request)?;
            let mut g = node.graph_state().graphs().get(name);
            let steps: Vec<(&str, Vec<_>)> = steps.into_iter().map(|s| (s, Vec::new())).collect();
            execute_steps(&mut g, &steps).map_err(CqlError::invalid)
        }
        Some(Script::ListGraphs) => Ok(node.graph_names().into_iter().map(Value::Text).collect()),
        Some(Script::Graph {
            name,
            action,
            engine,
            conditional,
        }) => manage(node, &name, action, &engine, conditional),
        None => Err(CqlError::invalid(format!(
            "cql-sim has no prime for the gremlin-groovy script {query:?} on {}",
            graph.map_or_else(|| "no graph".to_string(), |g| format!("graph '{g}'"))
        ))),
    }
}

/// `system.graph(name)...create()`, `drop()`, `exists()`: a Core (or Classic) graph is a
/// keyspace with a `graph_engine`.
fn manage(
    node: &Node,
    name: &str,
    action: GraphAction,
    engine: &str,
    conditional: bool,
) -> CqlResult<Vec<Value>> {
    let exists = node.graph_engine(name).is_some();
    let cql = match action {
        GraphAction::Exists => return Ok(vec![Value::Bool(exists)]),
        GraphAction::Create if exists && conditional => return Ok(Vec::new()),
        GraphAction::Create if exists => {
            return Err(CqlError::invalid(format!("Graph '{name}' already exists")));
        }
        GraphAction::Create => format!(
            "CREATE KEYSPACE \"{name}\" WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}} AND graph_engine = '{engine}'"
        ),
        GraphAction::Drop if !exists && conditional => return Ok(Vec::new()),
        GraphAction::Drop if !exists => {
            return Err(CqlError::invalid(format!("Graph '{name}' does not exist")));
        }
        GraphAction::Drop => format!("DROP KEYSPACE \"{name}\""),
    };
    let mut session = SessionState::default();
    node.query(
        &cql,
        &BoundValues::default(),
        &ExecParams::default(),
        &mut session,
    )?;
    Ok(Vec::new())
}

/// Runs a bytecode request (or batch) on a copy of the graph and keeps the copy when
/// every traversal succeeded; the rows, equal neighbours folded into one with a `bulk`
/// in GraphSON 2.0 and 3.0.
fn traversal(node: &Node, request: &GraphRequest, query: &str) -> CqlResult<Vec<String>> {
    let name = need_graph(request)?;
    let bytecodes = read_request(query).map_err(CqlError::invalid)?;
    let state = node.graph_state();
    let mut graphs = state.graphs();
    let mut graph = graphs.get(name);
    let mut results = Vec::new();
    for bc in &bytecodes {
        results = execute(&mut graph, bc).map_err(CqlError::invalid)?;
    }
    graphs.put(name, graph);
    drop(graphs);
    if bytecodes.len() != 1 {
        // A batch answers no rows.
        return Ok(Vec::new());
    }
    let version = request.results;
    let mut folded: Vec<(String, i64, &Value)> = Vec::new();
    for v in &results {
        let text = row(v, 1, version);
        match folded.last_mut() {
            Some((last, bulk, _)) if version != GraphsonVersion::V1 && *last == text => {
                *bulk += 1;
            }
            _ => folded.push((text, 1, v)),
        }
    }
    Ok(folded
        .into_iter()
        .map(|(text, bulk, v)| match bulk {
            1 => text,
            n => row(v, n, version),
        })
        .collect())
}

/// The first page of `rows`; the rest kept under a cursor when a page size asks for
/// it.
fn page(node: &Node, request: &GraphRequest, rows: Vec<String>, page_size: Option<i32>) -> Outcome {
    let size = page_len(page_size);
    let cursor = match rows.len() > size {
        true => node.graph_state().open_cursor(rows.clone()),
        false => 0,
    };
    page_from(request, &rows, cursor, 0, size)
}

/// Rows per page (all without a positive page size).
fn page_len(page_size: Option<i32>) -> usize {
    page_size
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n > 0)
        .unwrap_or(usize::MAX)
}

fn page_from(
    request: &GraphRequest,
    rows: &[String],
    cursor: u64,
    offset: usize,
    size: usize,
) -> Outcome {
    let end = offset.saturating_add(size).min(rows.len());
    let cells = rows
        .get(offset..end)
        .unwrap_or_default()
        .iter()
        .map(|r| vec![Some(Bytes::from(r.clone().into_bytes()))])
        .collect();
    let paging_state = (end < rows.len()).then(|| {
        let mut state = Vec::with_capacity(16);
        state.extend_from_slice(&cursor.to_be_bytes());
        state.extend_from_slice(&(end as u64).to_be_bytes());
        Bytes::from(state)
    });
    Outcome::Rows(RowsResult {
        columns: vec![column(request.graph.as_deref())],
        rows: cells,
        paging_state,
    })
}

fn resume(
    node: &Node,
    request: &GraphRequest,
    state: &[u8],
    page_size: Option<i32>,
) -> CqlResult<Outcome> {
    let invalid = || CqlError::protocol("Invalid value for the paging state");
    let (cursor, offset) = match (state.get(..8), state.get(8..16), state.len()) {
        (Some(c), Some(o), 16) => (
            u64::from_be_bytes(c.try_into().map_err(|_| invalid())?),
            u64::from_be_bytes(o.try_into().map_err(|_| invalid())?),
        ),
        _ => return Err(invalid()),
    };
    let rows = node.graph_state().cursor_rows(cursor).ok_or_else(invalid)?;
    let offset = usize::try_from(offset).map_err(|_| invalid())?;
    if offset > rows.len() {
        return Err(invalid());
    }
    Ok(page_from(
        request,
        &rows,
        cursor,
        offset,
        page_len(page_size),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::dse::tests::Client;
    use cql_core::message::DbError;

    fn payload(pairs: &[(&str, &str)]) -> CustomPayload {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), Some(Bytes::from(v.to_string()))))
            .collect()
    }

    fn request(language: &str, graph: Option<&str>, results: &str) -> GraphRequest {
        let mut p = vec![("graph-language", language), ("graph-results", results)];
        if let Some(g) = graph {
            p.push(("graph-name", g));
        }
        parse(&payload(&p)).unwrap().unwrap()
    }

    fn bytecode(steps: &str) -> String {
        format!(r#"{{"@type":"g:Bytecode","@value":{{"step":{steps}}}}}"#)
    }

    fn rows(outcome: &Outcome) -> (Vec<String>, Option<Bytes>) {
        let Outcome::Rows(r) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(r.columns[0].name, "gremlin");
        let rows = r
            .rows
            .iter()
            .map(|row| String::from_utf8(row[0].clone().unwrap().to_vec()).unwrap())
            .collect();
        (rows, r.paging_state.clone())
    }

    fn graph_client() -> Client {
        let mut c = Client::new(true);
        c.exec("CREATE KEYSPACE g WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND graph_engine = 'Core'");
        c
    }

    fn serve_ok(c: &Client, primes: &GraphPrimes, r: &GraphRequest, q: &str) -> Vec<String> {
        rows(&serve(&c.node, primes, r, q, &ExecParams::default()).unwrap()).0
    }

    #[test]
    fn payload_options() {
        assert!(
            parse(&payload(&[("graph-name", "g")])).is_none(),
            "not a graph request"
        );
        let r = parse(&payload(&[("graph-language", "gremlin-groovy")]))
            .unwrap()
            .unwrap();
        assert_eq!(
            (r.results, r.graph, r.source.as_str()),
            (GraphsonVersion::V1, None, "g")
        );
        let r = parse(&payload(&[
            ("graph-language", "bytecode-json"),
            ("graph-read-consistency", "LOCAL_QUORUM"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(r.results, GraphsonVersion::V2);
        for bad in [
            vec![("graph-language", "sparql")],
            vec![
                ("graph-language", "gremlin-groovy"),
                ("graph-results", "graphson-4.0"),
            ],
            vec![
                ("graph-language", "gremlin-groovy"),
                ("graph-write-consistency", "MOST"),
            ],
        ] {
            let e = parse(&payload(&bad)).unwrap().unwrap_err();
            assert_eq!(e.error, DbError::Invalid, "{bad:?}");
        }
    }

    #[test]
    fn traversals_write_and_read_in_every_version() {
        let c = graph_client();
        let none = GraphPrimes::default();
        let add = bytecode(
            r#"[["addV","person"],["property","name","marko"],["property","age",{"@type":"g:Int32","@value":29}]]"#,
        );
        let added = serve_ok(
            &c,
            &none,
            &request("bytecode-json", Some("g"), "graphson-3.0"),
            &add,
        );
        assert_eq!(
            added,
            [
                r#"{"result":{"@type":"g:Vertex","@value":{"id":"dseg:/person/1","label":"person","properties":{"name":[{"@type":"g:VertexProperty","@value":{"id":{"@type":"g:Int64","@value":1},"value":"marko","label":"name"}}],"age":[{"@type":"g:VertexProperty","@value":{"id":{"@type":"g:Int64","@value":2},"value":{"@type":"g:Int32","@value":29},"label":"age"}}]}}}}"#
            ]
        );
        let ages = bytecode(r#"[["V"],["values","age"]]"#);
        assert_eq!(
            serve_ok(
                &c,
                &none,
                &request("bytecode-json", Some("g"), "graphson-2.0"),
                &ages
            ),
            [r#"{"result":{"@type":"g:Int32","@value":29}}"#]
        );
        // Scripts read what traversals wrote.
        let groovy = request("gremlin-groovy", Some("g"), "graphson-1.0");
        assert_eq!(
            serve_ok(&c, &none, &groovy, "g.V().count()"),
            [r#"{"result":1}"#]
        );
        assert_eq!(
            serve_ok(&c, &none, &groovy, "g.V()"),
            [
                r#"{"result":{"id":"dseg:/person/1","label":"person","type":"vertex","properties":{"name":[{"id":1,"value":"marko"}],"age":[{"id":2,"value":29}]}}}"#
            ]
        );
        // Equal neighbours fold into one row with a bulk (2.0/3.0 only).
        let twice = bytecode(
            r#"[["V"],["values","name"],["as","x"],["V"],["select","x"],["union",{"@type":"g:Bytecode","@value":{"step":[["identity"]]}},{"@type":"g:Bytecode","@value":{"step":[["identity"]]}}]]"#,
        );
        assert_eq!(
            serve_ok(
                &c,
                &none,
                &request("bytecode-json", Some("g"), "graphson-3.0"),
                &twice
            ),
            [r#"{"result":"marko","bulk":{"@type":"g:Int64","@value":2}}"#]
        );
        assert_eq!(
            serve_ok(
                &c,
                &none,
                &request("bytecode-json", Some("g"), "graphson-1.0"),
                &twice
            ),
            [r#"{"result":"marko"}"#, r#"{"result":"marko"}"#]
        );
    }

    #[test]
    fn batches_are_all_or_nothing() {
        let c = graph_client();
        let none = GraphPrimes::default();
        let r = request("bytecode-json", Some("g"), "graphson-2.0");
        let add = bytecode(r#"[["addV","person"]]"#);
        let bad = bytecode(r#"[["addV","person"],["repeat"]]"#);
        assert!(serve_ok(&c, &none, &r, &format!("[{add},{add}]")).is_empty());
        let e = serve(
            &c.node,
            &none,
            &r,
            &format!("[{add},{bad}]"),
            &ExecParams::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("'repeat'"), "{}", e.message);
        let count = bytecode(r#"[["V"],["count"]]"#);
        assert_eq!(
            serve_ok(&c, &none, &r, &count),
            [r#"{"result":{"@type":"g:Int64","@value":2}}"#],
            "the failed batch changed nothing"
        );
    }

    #[test]
    fn pages_resume_on_any_node_of_the_cluster() {
        let c = graph_client();
        let none = GraphPrimes::default();
        let r = request("bytecode-json", Some("g"), "graphson-1.0");
        serve_ok(
            &c,
            &none,
            &r,
            &bytecode(r#"[["inject",1,2,3,4,5],["addV","n"],["property","x",1]]"#),
        );
        let all = bytecode(r#"[["V"],["id"]]"#);
        let mut params = ExecParams {
            page_size: Some(2),
            ..ExecParams::default()
        };
        let other = c.node.join(c.node.config().clone());
        let mut seen = Vec::new();
        loop {
            let node = if seen.is_empty() { &c.node } else { &other };
            let (page, state) = rows(&serve(node, &none, &r, &all, &params).unwrap());
            assert!(page.len() <= 2);
            seen.extend(page);
            match state {
                Some(s) => params.paging_state = Some(s),
                None => break,
            }
        }
        assert_eq!(seen.len(), 5);
        assert_eq!(seen[4], r#"{"result":"dseg:/n/5"}"#);
        params.paging_state = Some(Bytes::from_static(b"junk"));
        let e = serve(&c.node, &none, &r, &all, &params).unwrap_err();
        assert_eq!(e.error, DbError::ProtocolError);
    }

    #[test]
    fn primes_unknown_graphs_and_scripts() {
        let c = graph_client();
        let mut primes = GraphPrimes::default();
        primes
            .add_json(
                r#"{"graph_primes": [
                {"graph": "g", "query": "g.V().has('name', x)", "results": [{"long": 7}, {"list": [1, "a"]}]},
                {"graph": "classic", "query": "g.V()", "results": []},
                {"graph": "g", "query": "boom", "error": {"code": "server", "message": "boom!"}}]}"#,
            )
            .unwrap();
        let q = "g.V().has('name', x)";
        assert_eq!(
            serve_ok(
                &c,
                &primes,
                &request("gremlin-groovy", Some("g"), "graphson-1.0"),
                q
            ),
            [r#"{"result":7}"#, r#"{"result":[1,"a"]}"#]
        );
        assert_eq!(
            serve_ok(
                &c,
                &primes,
                &request("gremlin-groovy", Some("g"), "graphson-3.0"),
                q
            ),
            [
                r#"{"result":{"@type":"g:Int64","@value":7}}"#,
                r#"{"result":{"@type":"g:List","@value":[{"@type":"g:Int32","@value":1},"a"]}}"#
            ]
        );
        // A graph named only by primes exists.
        assert!(
            serve_ok(
                &c,
                &primes,
                &request("gremlin-groovy", Some("classic"), "graphson-1.0"),
                "g.V()"
            )
            .is_empty()
        );
        let params = ExecParams::default();
        let e = serve(
            &c.node,
            &primes,
            &request("gremlin-groovy", Some("g"), "graphson-1.0"),
            "boom",
            &params,
        )
        .unwrap_err();
        assert_eq!(
            (e.error, e.message.as_str()),
            (DbError::ServerError, "boom!")
        );
        let e = serve(
            &c.node,
            &primes,
            &request("gremlin-groovy", Some("nope"), "graphson-1.0"),
            "g.V()",
            &params,
        )
        .unwrap_err();
        assert_eq!(
            (e.error, e.message.as_str()),
            (DbError::Invalid, "Graph 'nope' does not exist")
        );
        let e = serve(
            &c.node,
            &primes,
            &request("gremlin-groovy", Some("g"), "graphson-1.0"),
            "g.V().out()",
            &params,
        )
        .unwrap_err();
        assert!(e.message.contains("\"g.V().out()\""), "{}", e.message);
        let e = serve(
            &c.node,
            &primes,
            &request("bytecode-json", None, "graphson-2.0"),
            &bytecode(r#"[["V"]]"#),
            &params,
        )
        .unwrap_err();
        assert!(e.message.contains("graph-name"), "{}", e.message);
    }

    #[test]
    fn graph_management_scripts() {
        let c = Client::new(true);
        let none = GraphPrimes::default();
        let system = request("gremlin-groovy", None, "graphson-1.0");
        assert!(
            serve_ok(
                &c,
                &none,
                &system,
                "system.graph('social').ifNotExists().create()"
            )
            .is_empty()
        );
        assert_eq!(c.node.graph_engine("social").as_deref(), Some("Core"));
        assert_eq!(
            serve_ok(&c, &none, &system, "system.graph('social').exists()"),
            [r#"{"result":true}"#]
        );
        assert_eq!(
            serve_ok(&c, &none, &system, "system.graphs()"),
            [r#"{"result":"social"}"#]
        );
        let r = request("bytecode-json", Some("social"), "graphson-2.0");
        serve_ok(&c, &none, &r, &bytecode(r#"[["addV","x"]]"#));
        assert!(serve_ok(&c, &none, &system, "system.graph('social').drop()").is_empty());
        assert!(c.node.graph_engine("social").is_none());
        serve_ok(&c, &none, &system, "system.graph('social').create()");
        assert_eq!(
            serve_ok(&c, &none, &r, &bytecode(r#"[["V"],["count"]]"#)),
            [r#"{"result":{"@type":"g:Int64","@value":0}}"#],
            "a dropped graph's data is gone"
        );
    }
}
