//! Graph statements over real sockets against cql-sim in DSE mode: traversals that write
//! (addV/addE) and read the same in-memory graph back, Gremlin-Groovy scripts answered from
//! primes, GraphSON 3.0 chosen from the keyspace's `graph_engine`, GraphSON 1.0/2.0 when
//! asked, paging, proxy execution in the payload, and the errors a node gives.

use cql_testkit::interop::script;
use cql_testkit::sim::server::{Primes, SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::graph::predicate::P;
use cql_transport_tcp::graph::traversal::{__, Order, TraversalBatch, g};
use cql_transport_tcp::graph::{GraphOptions, GraphValue, GraphsonVersion};
use cql_transport_tcp::session::graph::GraphStatement;
use cql_transport_tcp::{Session, SessionBuilder};

async fn dse_node() -> (SimServerHandle, Session) {
    let mut primes = Primes::new();
    primes
        .load_graph_file(&script("graph_primes.json"))
        .expect("the primes file");
    let server = SimServer::start(SimServerConfig::default().with_dse().with_primes(primes))
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
    // The new keyspace's metadata (its graph engine) without waiting for the debounced
    // refresh the schema change event starts.
    session.refresh_schema().await.unwrap();
    let engine = session
        .metadata()
        .keyspace("modern")
        .and_then(|k| k.graph_engine.clone());
    assert_eq!(engine.as_deref(), Some("Core"));
    (server, session)
}

fn modern(t: impl Into<cql_transport_tcp::graph::traversal::Bytecode>) -> GraphStatement {
    GraphStatement::traversal(t).with_graph_name("modern")
}

async fn load_modern(session: &Session) {
    let mut batch = TraversalBatch::new();
    for (name, age) in [("marko", 29), ("vadas", 27), ("josh", 32)] {
        batch.push(
            g().add_v("person")
                .property("name", name)
                .property("age", age),
        );
    }
    batch.push(g().add_v("software").property("name", "lop"));
    session
        .execute_graph(&GraphStatement::batch(batch).with_graph_name("modern"))
        .await
        .unwrap();
    for (from, to, label) in [
        ("marko", "vadas", "knows"),
        ("marko", "josh", "knows"),
        ("josh", "lop", "created"),
    ] {
        let edge = g()
            .v()
            .has("name", from)
            .add_e(label)
            .to(__().step("V", Vec::new()).has("name", to))
            .property("weight", 0.5f64);
        session.execute_graph(&modern(edge)).await.unwrap();
    }
}

fn strings(results: &[GraphValue]) -> Vec<&str> {
    results.iter().map(|v| v.as_str().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traversals_write_and_read_one_graph_in_graphson_3() {
    let (server, session) = dse_node().await;
    load_modern(&session).await;

    // Core engine from the schema metadata: GraphSON 3.0 without asking.
    let names = session
        .execute_graph(&modern(
            g().v()
                .has_with_label("person", "name", "marko")
                .out(&["knows"])
                .order()
                .by_order("age", Order::Desc)
                .values(&["name"]),
        ))
        .await
        .unwrap();
    assert_eq!(names.protocol, GraphsonVersion::V3);
    assert_eq!(strings(names.results()), ["josh", "vadas"]);

    let count = session
        .execute_graph(&modern(g().v().has_label(&["person"]).count()))
        .await
        .unwrap();
    assert_eq!(count.first().and_then(GraphValue::as_i64), Some(3));

    let older = session
        .execute_graph(&modern(g().v().has("age", P::gt(28)).values(&["name"])))
        .await
        .unwrap();
    let mut older = strings(older.results());
    older.sort_unstable();
    assert_eq!(older, ["josh", "marko"]);

    let vertex = session
        .execute_graph(&modern(g().v().has("name", "lop")))
        .await
        .unwrap();
    let v = vertex
        .first()
        .and_then(GraphValue::vertex)
        .expect("a vertex");
    assert_eq!(v.label, "software");
    assert_eq!(v.value("name").and_then(GraphValue::as_str), Some("lop"));

    let path = session
        .execute_graph(&modern(
            g().v()
                .has("name", "marko")
                .out(&["knows"])
                .has("name", "josh")
                .out(&["created"])
                .path(),
        ))
        .await
        .unwrap();
    let p = path.first().and_then(GraphValue::path).expect("a path");
    assert_eq!(p.objects.len(), 3);

    let edges = session
        .execute_graph(&modern(g().e().has_label(&["knows"])))
        .await
        .unwrap();
    assert_eq!(edges.len(), 2);
    let e = edges.first().and_then(GraphValue::edge).expect("an edge");
    assert_eq!(
        (e.out_v_label.as_str(), e.in_v_label.as_str()),
        ("person", "person")
    );
    assert_eq!(e.property("weight").and_then(GraphValue::as_f64), Some(0.5));

    // The same graph in GraphSON 2.0 when asked; a script reads it in GraphSON 1.0
    // (bytecode needs 2.0 or 3.0).
    let r = session
        .execute_graph(
            &modern(g().v().has("name", "vadas").values(&["age"]))
                .with_options(GraphOptions::new().graph_protocol(GraphsonVersion::V2)),
        )
        .await
        .unwrap();
    assert_eq!(r.protocol, GraphsonVersion::V2);
    assert_eq!(r.first().and_then(GraphValue::as_i64), Some(27));
    let r = session
        .execute_graph(
            &GraphStatement::new("g.V().count()")
                .with_graph_name("modern")
                .with_options(GraphOptions::new().graph_protocol(GraphsonVersion::V1)),
        )
        .await
        .unwrap();
    assert_eq!(r.protocol, GraphsonVersion::V1);
    assert_eq!(r.first().and_then(GraphValue::as_i64), Some(4));
    let err = session
        .execute_graph(
            &modern(g().v()).with_options(GraphOptions::new().graph_protocol(GraphsonVersion::V1)),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not 1.0"), "{err}");

    // Drop, then count again.
    session
        .execute_graph(&modern(g().v().has("name", "lop").drop()))
        .await
        .unwrap();
    let count = session
        .execute_graph(&modern(g().v().count()))
        .await
        .unwrap();
    assert_eq!(count.first().and_then(GraphValue::as_i64), Some(3));
    session.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_pages_and_errors() {
    let (server, session) = dse_node().await;
    // A primed Gremlin-Groovy script with a parameter, GraphSON 1.0 (no graph name).
    let stmt = GraphStatement::new("g.V().has('name', name)")
        .with_parameter("name", "marko")
        .with_graph_name("g");
    let r = session.execute_graph(&stmt).await.unwrap();
    assert_eq!(r.protocol, GraphsonVersion::V1);
    let v = r.first().and_then(GraphValue::vertex).expect("a vertex");
    assert_eq!(v.properties_named("location").len(), 2);

    // Typed values in GraphSON 2.0.
    let values = session
        .execute_graph(
            &GraphStatement::new("g.V().values('age')")
                .with_graph_name("g")
                .with_options(GraphOptions::new().graph_protocol(GraphsonVersion::V2)),
        )
        .await
        .unwrap();
    assert_eq!(values.results()[0], GraphValue::Int32(29));
    assert_eq!(values.results()[1], GraphValue::Int64(5_000_000_000));
    assert_eq!(values.results()[5], GraphValue::Null);

    // Pages: one result at a time.
    load_modern(&session).await;
    let stmt = modern(g().v().values(&["name"])).with_page_size(1);
    let mut seen = Vec::new();
    let mut paging = None;
    loop {
        let page = session.execute_graph_page(&stmt, paging).await.unwrap();
        seen.extend(page.results().iter().cloned());
        match page.paging_state {
            Some(next) => paging = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4);

    // Proxy execution and the server-side timeout travel in the payload.
    let request = session
        .graph_request(&GraphStatement::new("g.V()").with_execute_as("alice"))
        .unwrap();
    let keys: Vec<&str> = request
        .statement
        .options()
        .custom_payload
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert!(
        keys.contains(&"ProxyExecute") && keys.contains(&"request-timeout"),
        "{keys:?}"
    );

    // Errors: a primed failure, an unsupported step, an unknown graph, a traversal with
    // parameters.
    let err = session
        .execute_graph(&GraphStatement::new("g.V().fail()").with_graph_name("g"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("fail()"), "{err}");
    let err = session
        .execute_graph(&modern(g().v().step("match", Vec::new())))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("match"), "{err}");
    let err = session
        .execute_graph(&GraphStatement::traversal(g().v()).with_graph_name("nowhere"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nowhere"), "{err}");
    let err = session
        .execute_graph(&modern(g().v()).with_parameter("x", 1))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("parameters"), "{err}");
    session.close().await;
    server.stop().await;
}
