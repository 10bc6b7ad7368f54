//! Schema metadata (`Session::metadata`) against a simulated node: every object kind the
//! node has, targeted refresh after DDL, the keyspace filter, metadata switched off,
//! schema listeners, replicas by partition key, and the CQL export compared whole with
//! the node's own `DESCRIBE` and with the Python driver's `export_as_string()`.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cql_testkit::interop::python;
use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::cluster::schema::{ExportStyle, SchemaFilter, SchemaMetadata};
use cql_transport_tcp::message::SchemaChange;
use cql_transport_tcp::session::{Metadata, SchemaListener};
use cql_transport_tcp::{Session, SessionBuilder};

const KS: &str = "meta";

/// A schema using every element kind and option the node supports.
const SCHEMA: &[&str] = &[
    "CREATE KEYSPACE meta WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    "CREATE TYPE meta.address (street text, city text, zip int)",
    "CREATE TYPE meta.person (name text, home frozen<address>, phones list<text>)",
    "CREATE TABLE meta.users (id uuid PRIMARY KEY, name text, who frozen<person>, \
     tags set<text>, prefs map<text, int>, pair tuple<int, text>)",
    "CREATE TABLE meta.events (device text, day date, at timestamp, seq int, value double, \
     note text, owner text static, PRIMARY KEY ((device, day), at, seq)) \
     WITH CLUSTERING ORDER BY (at DESC, seq ASC) AND comment = 'sensor readings' \
     AND default_time_to_live = 86400 AND gc_grace_seconds = 3600",
    "CREATE TABLE meta.counts (k text PRIMARY KEY, hits counter)",
    "CREATE TABLE meta.\"CaseSensitive\" (\"Key\" int PRIMARY KEY, \"select\" text, \"Value\" blob)",
    "CREATE INDEX users_name_idx ON meta.users (name)",
    "CREATE INDEX users_prefs_idx ON meta.users (keys(prefs))",
    "CREATE CUSTOM INDEX select_sasi ON meta.\"CaseSensitive\" (\"select\") \
     USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {'mode': 'CONTAINS'}",
    "CREATE FUNCTION meta.plus(a int, b int) CALLED ON NULL INPUT RETURNS int \
     LANGUAGE java AS 'return a + b;'",
    "CREATE FUNCTION meta.plus(a double, b double) RETURNS NULL ON NULL INPUT RETURNS double \
     LANGUAGE java AS 'return a + b;'",
    "CREATE FUNCTION meta.acc(state tuple<int, int>, v int) CALLED ON NULL INPUT \
     RETURNS tuple<int, int> LANGUAGE java AS 'return state;'",
    "CREATE FUNCTION meta.\"Half\"(state tuple<int, int>) CALLED ON NULL INPUT \
     RETURNS double LANGUAGE java AS 'return 0.5;'",
    "CREATE AGGREGATE meta.average(int) SFUNC acc STYPE tuple<int, int> \
     FINALFUNC \"Half\" INITCOND (0, 0)",
    "CREATE AGGREGATE meta.total(int) SFUNC plus STYPE int",
    "CREATE MATERIALIZED VIEW meta.users_by_name AS SELECT * FROM meta.users \
     WHERE name IS NOT NULL AND id IS NOT NULL PRIMARY KEY (name, id) \
     WITH CLUSTERING ORDER BY (id DESC) AND comment = 'users by name'",
    "CREATE MATERIALIZED VIEW meta.events_by_note AS SELECT device, day, at, seq, note, value \
     FROM meta.events WHERE note IS NOT NULL AND device IS NOT NULL AND day IS NOT NULL \
     AND at IS NOT NULL AND seq IS NOT NULL PRIMARY KEY ((note, device), day, at, seq)",
    "CREATE TRIGGER audit ON meta.users USING 'org.example.Audit'",
];

async fn node() -> SimServerHandle {
    SimServer::start(SimServerConfig::default()).await.unwrap()
}

async fn session_on(server: &SimServerHandle, builder: SessionBuilder) -> Session {
    builder
        .contact_point(server.local_addr())
        .connect()
        .await
        .unwrap()
}

async fn create_schema(session: &Session) {
    for ddl in SCHEMA {
        session.execute(*ddl, ()).await.unwrap();
    }
}

/// Waits until `check` holds for the session's metadata (events arrive after a
/// debounce window), failing after 15 s.
async fn eventually(session: &Session, what: &str, check: impl Fn(&Metadata) -> bool) {
    for _ in 0..300 {
        if check(&session.metadata()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("metadata never showed {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_reads_every_object_kind_the_node_has() {
    let server = node().await;
    let session = session_on(&server, SessionBuilder::new()).await;
    create_schema(&session).await;
    session.refresh_schema().await.unwrap();
    let m = session.metadata();
    let ks = m.keyspace(KS).unwrap();
    assert!(ks.durable_writes);
    assert_eq!(ks.strategy_class(), Some("SimpleStrategy"));
    assert_eq!(ks.replication["replication_factor"], "1");
    assert_eq!(
        ks.user_types.keys().map(String::as_str).collect::<Vec<_>>(),
        ["address", "person"]
    );
    let events = m.table(KS, "events").unwrap();
    let pk: Vec<&str> = events.partition_key().map(|c| c.name.as_str()).collect();
    assert_eq!(pk, ["device", "day"]);
    let ck: Vec<(&str, bool)> = events
        .clustering_key()
        .map(|c| (c.name.as_str(), c.is_reversed()))
        .collect();
    assert_eq!(ck, [("at", true), ("seq", false)]);
    assert!(events.column("owner").unwrap().is_static());
    assert_eq!(events.parse_error, None);
    let users = m.table(KS, "users").unwrap();
    assert_eq!(users.column("who").unwrap().type_text, "frozen<person>");
    assert_eq!(
        users.indexes["users_prefs_idx"].target(),
        Some("keys(prefs)")
    );
    assert!(
        m.table(KS, "CaseSensitive")
            .unwrap()
            .column("select")
            .is_some()
    );
    // System and virtual keyspaces are there too.
    assert!(m.keyspace("system_schema").is_some());
    let views = m.keyspace("system_views").unwrap();
    assert!(views.is_virtual);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ddl_refreshes_only_what_changed_and_listeners_hear_of_it() {
    #[derive(Debug, Default)]
    struct Heard(Mutex<Vec<String>>);
    impl SchemaListener for Heard {
        fn on_schema_change(&self, change: &SchemaChange, schema: &SchemaMetadata) {
            let kind = change.target.kind_name();
            let sees = schema.keyspace(change.target.keyspace()).is_some();
            self.0.lock().unwrap().push(format!("{kind} {sees}"));
        }
    }
    let heard = Arc::new(Heard::default());
    let server = node().await;
    let session = session_on(
        &server,
        SessionBuilder::new().schema_listener(heard.clone() as Arc<dyn SchemaListener>),
    )
    .await;
    create_schema(&session).await;
    eventually(&session, "the new schema", |m| {
        m.table(KS, "CaseSensitive").is_some()
            && m.table(KS, "users").is_some_and(|t| t.indexes.len() == 2)
    })
    .await;
    let before = session.metadata();
    session
        .execute("ALTER TABLE meta.users ADD email text", ())
        .await
        .unwrap();
    eventually(&session, "the added column", |m| {
        m.table(KS, "users")
            .is_some_and(|t| t.column("email").is_some())
    })
    .await;
    let after = session.metadata();
    // The untouched keyspaces are shared with the previous snapshot.
    assert!(Arc::ptr_eq(
        &before.schema().keyspaces["system"],
        &after.schema().keyspaces["system"]
    ));
    session
        .execute("ALTER TYPE meta.address ADD country text", ())
        .await
        .unwrap();
    eventually(&session, "the type's new field", |m| {
        m.schema()
            .user_type(KS, "address")
            .is_some_and(|t| t.fields.iter().any(|(n, _)| n == "country"))
    })
    .await;
    session
        .execute(
            "CREATE OR REPLACE FUNCTION meta.plus(a int, b int) CALLED ON NULL INPUT \
             RETURNS int LANGUAGE java AS 'return b + a;'",
            (),
        )
        .await
        .unwrap();
    eventually(&session, "the replaced function body", |m| {
        m.keyspace(KS)
            .is_some_and(|k| k.functions_named("plus").any(|f| f.body == "return b + a;"))
    })
    .await;
    session
        .execute("DROP AGGREGATE meta.total", ())
        .await
        .unwrap();
    eventually(&session, "the dropped aggregate gone", |m| {
        m.keyspace(KS)
            .is_some_and(|k| k.aggregates_named("total").next().is_none())
    })
    .await;
    session
        .execute("DROP MATERIALIZED VIEW meta.users_by_name", ())
        .await
        .unwrap();
    eventually(&session, "the dropped view gone", |m| {
        m.view(KS, "users_by_name").is_none()
            && m.table(KS, "users").is_some_and(|t| t.views.is_empty())
    })
    .await;
    session.execute("DROP TABLE meta.counts", ()).await.unwrap();
    eventually(&session, "the dropped table gone", |m| {
        m.table(KS, "counts").is_none()
    })
    .await;
    session.execute("DROP KEYSPACE meta", ()).await.unwrap();
    eventually(&session, "the dropped keyspace gone", |m| {
        m.keyspace(KS).is_none()
    })
    .await;
    let heard = heard.0.lock().unwrap().clone();
    assert!(heard.iter().any(|h| h == "TABLE true"), "{heard:?}");
    assert!(heard.iter().any(|h| h == "TYPE true"), "{heard:?}");
    assert!(heard.iter().any(|h| h == "FUNCTION true"), "{heard:?}");
    assert!(heard.iter().any(|h| h == "AGGREGATE true"), "{heard:?}");
    assert!(heard.iter().any(|h| h == "KEYSPACE false"), "{heard:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filter_keeps_named_keyspaces_and_off_keeps_none() {
    let server = node().await;
    let setup = session_on(&server, SessionBuilder::new()).await;
    create_schema(&setup).await;
    setup
        .execute(
            "CREATE KEYSPACE other WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await
        .unwrap();
    let only = session_on(
        &server,
        SessionBuilder::new().schema_metadata(SchemaFilter::keyspaces([KS])),
    )
    .await;
    let names: Vec<String> = only
        .metadata()
        .keyspaces()
        .map(|k| k.name.clone())
        .collect();
    assert_eq!(names, [KS]);
    assert!(only.metadata().table(KS, "events").is_some());
    // Changes to other keyspaces are not read.
    setup
        .execute("CREATE TABLE other.t (k int PRIMARY KEY)", ())
        .await
        .unwrap();
    setup
        .execute("CREATE TABLE meta.later (k int PRIMARY KEY)", ())
        .await
        .unwrap();
    eventually(&only, "meta.later", |m| m.table(KS, "later").is_some()).await;
    assert!(only.metadata().keyspace("other").is_none());

    let off = session_on(
        &server,
        SessionBuilder::new().schema_metadata(SchemaFilter::Off),
    )
    .await;
    assert_eq!(off.metadata().keyspaces().count(), 0);
    // Routing still knows the keyspaces' replication.
    assert!(off.cluster_view().keyspace_strategy(KS).is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_by_partition_key_values() {
    let server = node().await;
    let session = session_on(&server, SessionBuilder::new()).await;
    create_schema(&session).await;
    session.refresh_schema().await.unwrap();
    let m = session.metadata();
    let replicas = m
        .replicas(KS, "events", &("dev-1", cql_transport_tcp::CqlDate(19_000)))
        .unwrap();
    assert_eq!(replicas.len(), 1);
    assert_eq!(replicas[0].addr, m.hosts()[0].addr);
    assert!(m.replicas(KS, "nope", &(1,)).is_err());
    assert!(m.replicas(KS, "events", &("only one",)).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_style_export_equals_the_nodes_describe() {
    let server = node().await;
    let session = session_on(&server, SessionBuilder::new()).await;
    create_schema(&session).await;
    session.refresh_schema().await.unwrap();
    let ours = session
        .metadata()
        .keyspace(KS)
        .unwrap()
        .export_as_string(ExportStyle::Describe);
    let rows = session.execute("DESCRIBE KEYSPACE meta", ()).await.unwrap();
    let statements: Vec<String> = rows
        .rows()
        .map(|r| r.get::<String>("create_statement").unwrap())
        .collect();
    let theirs = statements.join("\n\n");
    assert_eq!(ours, theirs, "ours:\n{ours}\n\nDESCRIBE:\n{theirs}");
    // The whole schema is every non-system keyspace.
    let whole = session.metadata().export_as_string(ExportStyle::Describe);
    assert_eq!(whole, ours);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_style_export_equals_the_python_drivers_export_as_string() {
    let Some(python) = python("export comparison with the Python driver") else {
        return;
    };
    let server = node().await;
    let session = session_on(&server, SessionBuilder::new()).await;
    create_schema(&session).await;
    session.refresh_schema().await.unwrap();
    let ours = session
        .metadata()
        .keyspace(KS)
        .unwrap()
        .export_as_string(ExportStyle::PythonDriver);
    let port = server.local_addr().port().to_string();
    let script = cql_testkit::interop::repo_root().join("tests/interop/export_schema.py");
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .args(["--host", "127.0.0.1", "--port", &port, "--keyspace", KS])
            .output()
    })
    .await
    .unwrap()
    .expect("python runs");
    let theirs = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "the Python helper failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(ours, theirs, "ours:\n{ours}\n\nPython driver:\n{theirs}");
}
