//! Cross-client proof for DSE Graph: this driver and the Python driver 3.30.1
//! (`tests/interop/graph_cross.py`) write vertices and edges with typed properties into one
//! graph of a DSE-mode cql-sim, then both read the whole graph back (`g.V()`, `g.E()` in
//! GraphSON 3.0 and 2.0, and a count through the default profile's GraphSON 3.0 resolved
//! from the keyspace's graph engine) and decode the same values.

use std::process::Command;

use cql_testkit::interop::{python, script};
use cql_testkit::sim::server::{SimServer, SimServerConfig};
use cql_transport_tcp::graph::traversal::{__, g};
use cql_transport_tcp::graph::value::Instant;
use cql_transport_tcp::graph::{GraphOptions, GraphValue, GraphsonVersion};
use cql_transport_tcp::session::graph::GraphStatement;
use cql_transport_tcp::types::geo::Point;
use cql_transport_tcp::{Session, SessionBuilder};
use serde_json::{Value, json};

/// A decoded value in the neutral form the Python side prints.
fn neutral(v: &GraphValue) -> Value {
    match v {
        GraphValue::Null => Value::Null,
        GraphValue::Bool(b) => json!(b),
        GraphValue::String(s) => json!(s),
        GraphValue::Int16(_) | GraphValue::Int32(_) | GraphValue::Int64(_) => {
            json!({ "int": v.as_i64() })
        }
        GraphValue::Float(f) | GraphValue::Double(f) => json!({ "double": f }),
        GraphValue::Uuid(u) => json!({ "uuid": u.to_string() }),
        GraphValue::Point(p) => json!({ "point": { "x": p.x, "y": p.y } }),
        GraphValue::Instant(i) => json!({ "instant_ms": i.to_millis() }),
        GraphValue::List(items) => Value::Array(items.iter().map(neutral).collect()),
        GraphValue::Vertex(v) => json!({
            "vertex": v.label,
            "id": neutral(&v.id),
            "properties": v.properties.iter().map(|(k, ps)| {
                (k.clone(), Value::Array(ps.iter().map(|p| neutral(&p.value)).collect()))
            }).collect::<serde_json::Map<_, _>>(),
        }),
        GraphValue::Edge(e) => json!({
            "edge": e.label,
            "outV": neutral(&e.out_v),
            "inV": neutral(&e.in_v),
            "properties": e.properties.iter()
                .map(|(k, p)| (k.clone(), neutral(p)))
                .collect::<serde_json::Map<_, _>>(),
        }),
        other => json!({ "unexpected": format!("{other:?}") }),
    }
}

/// Every array sorted (both sides list vertices, edges and property values in their own
/// order).
fn canonical(v: Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut items: Vec<Value> = items.into_iter().map(canonical).collect();
            items.sort_by_key(|x| x.to_string());
            Value::Array(items)
        }
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, x)| (k, canonical(x))).collect()),
        other => other,
    }
}

async fn read(session: &Session, query: &str, version: Option<GraphsonVersion>) -> Value {
    let mut stmt = GraphStatement::new(query).with_graph_name("modern");
    if let Some(v) = version {
        stmt = stmt.with_options(GraphOptions::new().graph_protocol(v));
    }
    let results = session.execute_graph(&stmt).await.unwrap();
    Value::Array(results.iter().map(neutral).collect())
}

fn run_python(python: std::path::PathBuf, port: u16, mode: &str) -> String {
    let output = Command::new(python)
        .arg(script("graph_cross.py"))
        .arg(mode)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "graph_cross.py {mode} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_and_this_driver_read_one_graph_alike() {
    let Some(python) = python("graph cross-client proof") else {
        return;
    };
    let server = SimServer::start(SimServerConfig::default().with_dse())
        .await
        .unwrap();
    let session = SessionBuilder::new()
        .contact_point(server.local_addr())
        .connect()
        .await
        .unwrap();
    session
        .execute(
            "CREATE KEYSPACE modern WITH replication = {'class': 'SimpleStrategy', \
             'replication_factor': 1} AND graph_engine = 'Core'",
            (),
        )
        .await
        .unwrap();
    session.refresh_schema().await.unwrap();

    // This driver writes two people and an edge, with typed properties.
    let marko = g()
        .add_v("person")
        .property("name", "marko")
        .property("age", 29)
        .property("visits", 7_000_000_000i64)
        .property("score", 0.5f64)
        .property(
            "token",
            GraphValue::Uuid("00000000-0000-4000-8000-000000000001".parse().unwrap()),
        )
        .property("home", Point::new(-122.25, 37.5))
        .property("since", Instant::parse("2019-06-20T13:45:00Z").unwrap());
    let stmt = |t| GraphStatement::traversal(t).with_graph_name("modern");
    session.execute_graph(&stmt(marko)).await.unwrap();
    session
        .execute_graph(&stmt(g().add_v("person").property("name", "vadas")))
        .await
        .unwrap();
    let knows = g()
        .v()
        .has("name", "marko")
        .add_e("knows")
        .to(__().step("V", Vec::new()).has("name", "vadas"))
        .property("weight", 0.5f64);
    session.execute_graph(&stmt(knows)).await.unwrap();

    // The Python driver writes two more and an edge with bytecode.
    let port = server.local_addr().port();
    let py = python.clone();
    tokio::task::spawn_blocking(move || run_python(py, port, "write"))
        .await
        .unwrap();

    // Both read everything back.
    let stdout = tokio::task::spawn_blocking(move || run_python(python, port, "dump"))
        .await
        .unwrap();
    let theirs: Value = stdout
        .lines()
        .find_map(|l| l.strip_prefix("DUMP "))
        .map(|j| serde_json::from_str(j).unwrap())
        .expect("a DUMP line");
    let count = session
        .execute_graph(&GraphStatement::new("g.V().count()").with_graph_name("modern"))
        .await
        .unwrap();
    assert_eq!(count.protocol, GraphsonVersion::V3);
    let ours = json!({
        "vertices3": read(&session, "g.V()", Some(GraphsonVersion::V3)).await,
        "vertices2": read(&session, "g.V()", Some(GraphsonVersion::V2)).await,
        "edges3": read(&session, "g.E()", Some(GraphsonVersion::V3)).await,
        "count": Value::Array(count.iter().map(neutral).collect()),
    });
    let (ours, theirs) = (canonical(ours), canonical(theirs));
    assert_eq!(
        ours,
        theirs,
        "\nthis driver: {}\nPython:      {}",
        serde_json::to_string_pretty(&ours).unwrap(),
        serde_json::to_string_pretty(&theirs).unwrap()
    );
    assert_eq!(ours["vertices3"].as_array().unwrap().len(), 4);
    assert_eq!(ours["edges3"].as_array().unwrap().len(), 2);
    println!(
        "PASS: both drivers decode the same {} vertices and {} edges",
        ours["vertices3"].as_array().unwrap().len(),
        ours["edges3"].as_array().unwrap().len()
    );
    session.close().await;
    server.stop().await;
}
