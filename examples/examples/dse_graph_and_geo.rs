//! DataStax Enterprise: geometry and date range columns, time-UUID ranges, and DSE Graph —
//! a Core-engine graph written with a traversal batch and read with traversals, a
//! Gremlin-Groovy script with a parameter, GraphSON 3.0 and 2.0, and a named graph profile.
//!
//! ```sh
//! cargo run -p cql-examples --example dse_graph_and_geo                                # simulated DSE node
//! cargo run -p cql-examples --example dse_graph_and_geo -- --contact-point 127.0.0.1:9042
//! ```
//!
//! Needs DSE 6.8 or later with the Graph workload (the simulated node plays DSE 6.8). Works
//! in keyspace `dse_example` (also the graph), dropped at the end. Every traversal starts
//! from a vertex's primary key, so a real DSE runs them without graph indexes.

use std::collections::BTreeMap;
use std::time::Duration;

use cql_examples::ExampleCluster;
use cql_testkit::sim::cluster::SimClusterConfig;
use cql_testkit::sim::dse::graph::Value as SimGraphValue;
use cql_testkit::sim::server::Primes;
use cql_transport_tcp::graph::predicate::P;
use cql_transport_tcp::graph::traversal::{__, Order, TraversalBatch, g};
use cql_transport_tcp::graph::{GraphOptions, GraphValue, GraphsonVersion};
use cql_transport_tcp::session::graph::{GRAPH_SYSTEM, GraphProfile, GraphStatement};
use cql_transport_tcp::types::date_range::{DateRange, DateRangeBound, DateRangePrecision};
use cql_transport_tcp::types::geo::{LineString, Point, Polygon};
use cql_transport_tcp::types::timeuuid;
use cql_transport_tcp::{Session, SessionBuilder};

const KEYSPACE: &str = "dse_example";
/// The graph profile of this example's traversals: it names the graph once.
const PROFILE: &str = "dse-example";
/// A Gremlin-Groovy script with a parameter (`who`), run on the server.
const FRIENDS_OF: &str = "g.V().has('person', 'name', who).out('knows').count()";

/// A person vertex read with serde: its properties by name (`id` and `label` ignored).
#[derive(Debug, serde::Deserialize)]
struct Person {
    name: String,
    age: i32,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The simulated node runs bytecode traversals on an in-memory graph, but no Groovy:
    // it answers the script from a prime (DSE runs it).
    let primes =
        Primes::new().with_graph(Some(KEYSPACE), FRIENDS_OF, vec![SimGraphValue::Int64(2)]);
    let cluster =
        ExampleCluster::from_args_or(SimClusterConfig::nodes(1).with_dse().with_primes(primes))
            .await?;
    println!("connecting to {cluster}");

    // A graph profile is an execution profile plus graph options; statements pick it by name.
    let mut profile = GraphProfile::new().with_graph_name(KEYSPACE);
    profile.execution.request_timeout = Some(Duration::from_secs(10));
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .graph_profile(PROFILE, profile)
        .connect()
        .await?;

    // One keyspace for the tables and the graph: `graph_engine = 'Core'` makes it a graph.
    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS dse_example WITH replication = \
             {'class': 'SimpleStrategy', 'replication_factor': 1} AND graph_engine = 'Core'",
            (),
        )
        .await?;
    geometry_and_date_ranges(&session).await?;
    time_uuid_range(&session).await?;
    graph(&session).await?;

    session
        .execute("DROP KEYSPACE IF EXISTS dse_example", ())
        .await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}

/// `PointType`, `LineStringType`, `PolygonType` and `DateRangeType` columns: bound values
/// in, typed values out, printed as WKT and in DSE's date range syntax.
async fn geometry_and_date_ranges(session: &Session) -> Result<(), Box<dyn std::error::Error>> {
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS dse_example.trips (id int PRIMARY KEY, start 'PointType', \
             route 'LineStringType', area 'PolygonType', season 'DateRangeType')",
            (),
        )
        .await?;
    let insert = session
        .prepare(
            "INSERT INTO dse_example.trips (id, start, route, area, season) VALUES (?, ?, ?, ?, ?)",
        )
        .await?;
    let day = |y, m, d| DateRangeBound::from_civil(y, m, d, 0, 0, 0, 0, DateRangePrecision::Day);
    let summer = DateRange::between(
        day(2024, 6, 1).ok_or("a date")?,
        day(2024, 8, 31).ok_or("a date")?,
    );
    // A square with a square hole.
    let area = Polygon::new(
        [
            (2.0, 48.0),
            (3.0, 48.0),
            (3.0, 49.0),
            (2.0, 49.0),
            (2.0, 48.0),
        ],
        [vec![
            Point::new(2.4, 48.4),
            Point::new(2.6, 48.4),
            Point::new(2.6, 48.6),
            Point::new(2.4, 48.4),
        ]],
    );
    session
        .execute(
            &insert,
            (
                1,
                Point::new(2.3522, 48.8566),
                LineString::new([(2.3522, 48.8566), (4.8357, 45.764)]),
                area,
                summer,
            ),
        )
        .await?;
    // WKT and the DSE text form parse too; a range may be open at either end.
    session
        .execute(
            &insert,
            (
                2,
                "POINT (-0.1276 51.5072)".parse::<Point>()?,
                "LINESTRING (-0.1276 51.5072, -3.1883 55.9533)".parse::<LineString>()?,
                Polygon::new([(-1.0, 51.0), (0.5, 51.0), (-0.2, 52.0), (-1.0, 51.0)], []),
                "[2025-03 TO *]".parse::<DateRange>()?,
            ),
        )
        .await?;

    let trips = session
        .execute(
            "SELECT id, start, route, area, season FROM dse_example.trips",
            (),
        )
        .await?;
    for row in trips.rows() {
        let id: i32 = row.get("id")?;
        let start: Point = row.get("start")?;
        let route: LineString = row.get("route")?;
        let area: Polygon = row.get("area")?;
        let season: DateRange = row.get("season")?;
        println!(
            "trip {id}: from {start} along {route} ({} points)",
            route.points.len()
        );
        println!("  area {area}, season {season}");
    }
    Ok(())
}

/// A `timeuuid` clustering column read by time range: the lowest UUID of the first
/// millisecond to the highest of the last (CQL's `minTimeuuid` / `maxTimeuuid`).
async fn time_uuid_range(session: &Session) -> Result<(), Box<dyn std::error::Error>> {
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS dse_example.readings \
             (sensor text, at timeuuid, celsius double, PRIMARY KEY (sensor, at))",
            (),
        )
        .await?;
    let insert = session
        .prepare("INSERT INTO dse_example.readings (sensor, at, celsius) VALUES (?, ?, ?)")
        .await?;
    // A client picks a random node and clock sequence once; fixed ones keep this repeatable.
    const NODE: u64 = 0x0000_5ca1_ab1e;
    const CLOCK_SEQ: u16 = 0x0123;
    let base_ms: i64 = 1_717_243_200_000; // 2024-06-01T12:00:00Z
    for minute in 0..5 {
        let ms = base_ms + minute * 60_000;
        let at = timeuuid::time_uuid(timeuuid::timestamp_from_unix_millis(ms)?, NODE, CLOCK_SEQ)?;
        session
            .execute(&insert, ("s1", at, 20.0 + minute as f64 / 2.0))
            .await?;
    }
    let from = timeuuid::min_time_uuid_of_millis(base_ms + 60_000)?;
    let to = timeuuid::max_time_uuid_of_millis(base_ms + 3 * 60_000)?;
    let rows = session
        .execute(
            "SELECT at, celsius FROM dse_example.readings WHERE sensor = ? AND at >= ? AND at <= ?",
            ("s1", from, to),
        )
        .await?;
    for row in rows.rows() {
        let at = row.get("at")?;
        let celsius: f64 = row.get("celsius")?;
        let minute = (timeuuid::unix_millis_of(&at)? - base_ms) / 60_000;
        println!("reading at minute {minute}: {celsius} °C");
    }
    Ok(())
}

/// DSE Graph on the Core engine: vertex and edge labels are CQL tables; traversals write and
/// read them.
async fn graph(session: &Session) -> Result<(), Box<dyn std::error::Error>> {
    for cql in [
        "CREATE TABLE IF NOT EXISTS dse_example.person (name text PRIMARY KEY, age int) \
         WITH VERTEX LABEL person",
        "CREATE TABLE IF NOT EXISTS dse_example.place (name text PRIMARY KEY, location 'PointType') \
         WITH VERTEX LABEL place",
        "CREATE TABLE IF NOT EXISTS dse_example.person__knows__person \
         (out_name text, in_name text, since int, PRIMARY KEY ((out_name), in_name)) \
         WITH EDGE LABEL knows FROM person(out_name) TO person(in_name)",
        "CREATE TABLE IF NOT EXISTS dse_example.person__lives_in__place \
         (person_name text, place_name text, PRIMARY KEY ((person_name), place_name)) \
         WITH EDGE LABEL lives_in FROM person(person_name) TO place(place_name)",
    ] {
        session.execute(cql, ()).await?;
    }
    // The graph's engine comes from the schema metadata, normally refreshed shortly after
    // a change; read it now so that the first statement already sees the Core engine.
    session.refresh_schema().await?;
    let on_graph = |t| GraphStatement::traversal(t).with_profile(PROFILE);

    // Writes: a batch runs its traversals in one request, all or nothing.
    let mut vertices = TraversalBatch::new();
    for (name, age) in [("ada", 36), ("alan", 41), ("grace", 85), ("linus", 28)] {
        vertices.push(
            g().add_v("person")
                .property("name", name)
                .property("age", age),
        );
    }
    for (name, x, y) in [("London", -0.1276, 51.5072), ("Paris", 2.3522, 48.8566)] {
        vertices.push(
            g().add_v("place")
                .property("name", name)
                .property("location", Point::new(x, y)),
        );
    }
    session
        .execute_graph(&GraphStatement::batch(vertices).with_profile(PROFILE))
        .await?;
    // Where an edge goes: an anonymous traversal (`__`) from `V()`, a step added by name.
    let person = |name: &str| {
        __().step("V", Vec::new())
            .has_with_label("person", "name", name)
    };
    let place = |name: &str| {
        __().step("V", Vec::new())
            .has_with_label("place", "name", name)
    };
    let mut edges = TraversalBatch::new();
    for (from, to, since) in [
        ("ada", "alan", 2015),
        ("ada", "grace", 2018),
        ("alan", "linus", 2021),
    ] {
        edges.push(
            g().v()
                .has_with_label("person", "name", from)
                .add_e("knows")
                .to(person(to))
                .property("since", since),
        );
    }
    for (who, city) in [("ada", "London"), ("alan", "London"), ("grace", "Paris")] {
        edges.push(
            g().v()
                .has_with_label("person", "name", who)
                .add_e("lives_in")
                .to(place(city)),
        );
    }
    session
        .execute_graph(&GraphStatement::batch(edges).with_profile(PROFILE))
        .await?;

    // Reads. Without a protocol set, the profile resolves GraphSON 3.0 from the keyspace's
    // `graph_engine = 'Core'`.
    let ada = || g().v().has_with_label("person", "name", "ada");
    let friends = session
        .execute_graph(&on_graph(
            ada()
                .out(&["knows"])
                .order()
                .by_order("age", Order::Desc)
                .values(&["name"]),
        ))
        .await?;
    let names: Vec<&str> = friends.iter().filter_map(GraphValue::as_str).collect();
    println!(
        "ada knows {names:?}, oldest first (GraphSON {})",
        friends.protocol
    );

    let count = session
        .execute_graph(&on_graph(ada().out(&["knows"]).count()))
        .await?;
    println!(
        "ada knows {} people",
        count.first().and_then(GraphValue::as_i64).unwrap_or(0)
    );

    // P predicates filter values: older than 50; ages of named people.
    let older = session
        .execute_graph(&on_graph(
            ada()
                .out(&["knows"])
                .has("age", P::gt(50))
                .values(&["name"]),
        ))
        .await?;
    let older: Vec<&str> = older.iter().filter_map(GraphValue::as_str).collect();
    println!("of them older than 50: {older:?}");
    let ages = session
        .execute_graph(&on_graph(
            g().v()
                .has_with_label("person", "name", P::within(["ada", "linus"]))
                .values(&["age"]),
        ))
        .await?;
    let ages: Vec<i64> = ages.iter().filter_map(GraphValue::as_i64).collect();
    println!("ages of ada and linus: {ages:?}");

    // A vertex and its properties; the same vertex read into a struct with serde.
    let vertex = session.execute_graph(&on_graph(ada())).await?;
    let v = vertex
        .first()
        .and_then(GraphValue::vertex)
        .ok_or("a vertex")?;
    let age = v.value("age").and_then(GraphValue::as_i64).unwrap_or(0);
    let id = v.id.as_str().unwrap_or("?");
    println!("vertex {id} ({}): age {age}", v.label);
    let typed: Person = vertex.first().ok_or("a vertex")?.deserialize_into()?;
    println!("as a struct: {} is {}", typed.name, typed.age);

    // A path, each step shown by its name; a value map read into a map of lists; the
    // point property back as a geometry.
    let path = session
        .execute_graph(&on_graph(
            ada().out(&["knows"]).out(&["lives_in"]).path().by("name"),
        ))
        .await?;
    for p in path.iter().filter_map(GraphValue::path) {
        let steps: Vec<&str> = p.objects.iter().filter_map(GraphValue::as_str).collect();
        println!("path {}", steps.join(" -> "));
    }
    let paris = session
        .execute_graph(&on_graph(
            g().v()
                .has_with_label("place", "name", "Paris")
                .value_map(&["name", "location"]),
        ))
        .await?;
    let map: BTreeMap<String, Vec<String>> = paris.first().ok_or("a map")?.deserialize_into()?;
    println!("valueMap of Paris: {map:?}");
    let location = session
        .execute_graph(&on_graph(
            g().v()
                .has_with_label("place", "name", "London")
                .values(&["location"]),
        ))
        .await?;
    if let Some(GraphValue::Point(p)) = location.first() {
        println!("London is at {p} (x {}, y {})", p.x, p.y);
    }

    // GraphSON 2.0 when asked for: the statement's options win over the profile's.
    let age = session
        .execute_graph(
            &on_graph(ada().values(&["age"]))
                .with_options(GraphOptions::new().graph_protocol(GraphsonVersion::V2)),
        )
        .await?;
    println!("ada's age in GraphSON {}: {:?}", age.protocol, age.first());

    // A Gremlin-Groovy script: parameters travel as GraphSON beside it, never pasted in.
    // On a Core graph it gets GraphSON 3.0 too.
    let script = GraphStatement::new(FRIENDS_OF)
        .with_parameter("who", "ada")
        .with_profile(PROFILE);
    let r = session.execute_graph(&script).await?;
    println!(
        "script: {} friends (GraphSON {})",
        r.first().and_then(GraphValue::as_i64).unwrap_or(0),
        r.protocol
    );

    // The system profile: no graph name, for the system API.
    let graphs = session
        .execute_graph(&GraphStatement::new("system.graphs()").with_profile(GRAPH_SYSTEM))
        .await?;
    let graphs: Vec<&str> = graphs.iter().filter_map(GraphValue::as_str).collect();
    println!("graphs: {graphs:?}");
    Ok(())
}
