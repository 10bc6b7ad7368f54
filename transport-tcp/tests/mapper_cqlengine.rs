//! Cross-client proof for the object mapper: the same models declared with cqlengine (the
//! Python driver's ORM, `tests/interop/cqlengine_models.py`) and with this driver's mapper
//! (below) make the same schema and read each other's rows.
//!
//! * `events`: a composite partition key, two clustering columns (one DESC), a static
//!   column, list / set / map columns, a frozen user type, timestamp, uuid, timeuuid,
//!   boolean, double, decimal and varint columns, two indexes (one on a set) and table
//!   options (comment, default_time_to_live, gc_grace_seconds, compaction);
//! * `page_hits`: two counters.
//!
//! Each test runs on its own simulated node:
//! 1. `sync_table` from cqlengine in one keyspace and from the mapper in another make the
//!    same `system_schema` rows (every column but keyspace names and ids), and each side's
//!    sync of the other's table is a no-op (the mapper's report is empty; cqlengine runs no
//!    statement, gives no warning, and the schema rows are unchanged).
//! 2. Rows cqlengine writes (create, with a TTL for one, collection updates, counter
//!    increments, a static column) read equal with the mapper, and rows the mapper writes
//!    (insert with a TTL, collection and static updates, counter increments) read equal
//!    with cqlengine; both see the TTLs (the written one, and the table's default).
//! 3. Evolution: version 2 of `events` (one column more), synced from either side over
//!    either side's version 1, makes the same schema rows in all four combinations, and
//!    the other side's sync of version 2 is then a no-op.
//!
//! Values cross as JSON, in the conventions the Python script's docstring lists (timestamps
//! in milliseconds, uuids as strings, sets sorted, decimals and varints as strings, an
//! empty collection as null).
//!
//! Decimals: cqlengine sends its values inside the query text, and the Python driver
//! writes a `Decimal` there as `float(value)` (`cql_encode_decimal`), so `12.50` arrives
//! as `12.5` and digits past a double's precision are lost. The decimals below survive
//! that (no trailing zeros, few digits); this is cqlengine's behaviour against Cassandra
//! too, not the simulator's.
//!
//! Compaction is named by its full class: cqlengine compares a map option's values as text,
//! so a short `'LeveledCompactionStrategy'` (stored by Cassandra as
//! `org.apache.cassandra.db.compaction.LeveledCompactionStrategy`) makes it run `ALTER TABLE
//! .. WITH compaction = ..` on every sync; the mapper's diff takes either name.
//!
//! The interpreter comes from `$CQL_PYTHON`, else `.ci-venv/bin/python` at the repository
//! root (the test command creates that venv). Without either the tests say so and pass,
//! unless `$CQL_REQUIRE_INTEROP` is set, in which case a missing interpreter is a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use cql_core::{Model, UserType};
use cql_testkit::interop::python;
use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::mapper::Mapper;
use cql_transport_tcp::types::{CqlDecimal, CqlVarint};
use cql_transport_tcp::{CqlTimestamp, Session, SessionBuilder};
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, UserType)]
#[cql(type_name = "address")]
struct Address {
    street: Option<String>,
    zip: Option<i32>,
}

/// `events` in both versions: version 2 has the extra fields given.
macro_rules! event_model {
    ($name:ident { $($extra:ident : $extra_type:ty,)* }) => {
        #[derive(Debug, Clone, PartialEq, Model)]
        #[cql(
            table = "events",
            options(
                comment = "'cross-client events'",
                default_time_to_live = "86400",
                gc_grace_seconds = "3600",
                compaction = "{'class': 'org.apache.cassandra.db.compaction.LeveledCompactionStrategy'}"
            )
        )]
        struct $name {
            #[cql(partition_key)]
            device: String,
            #[cql(partition_key)]
            day: i32,
            #[cql(clustering(desc))]
            at: CqlTimestamp,
            #[cql(clustering, type = "timeuuid")]
            seq: Uuid,
            #[cql(static)]
            owner: Option<String>,
            id: Option<Uuid>,
            done: Option<bool>,
            value: Option<f64>,
            price: Option<CqlDecimal>,
            big: Option<CqlVarint>,
            #[cql(index)]
            note: Option<String>,
            #[cql(index)]
            tags: Option<BTreeSet<String>>,
            scores: Option<Vec<i32>>,
            prefs: Option<BTreeMap<String, i32>>,
            #[cql(frozen)]
            home: Option<Address>,
            $($extra: $extra_type,)*
        }
    };
}

event_model!(Event {});
event_model!(EventV2 {
    extra: Option<String>,
});

#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "page_hits")]
struct Hits {
    #[cql(partition_key)]
    page: String,
    #[cql(counter)]
    hits: i64,
    #[cql(counter)]
    bytes: i64,
}

// ---------------------------------------------------------------------------------------
// The Python side.

/// Runs `cqlengine_models.py <args>` against `server` (with `plan` as `--plan` when given);
/// returns its `RESULT` lines' JSON.
async fn run_python(
    python: &Path,
    server: &SimServerHandle,
    args: &[&str],
    plan: Option<&Value>,
) -> Vec<Value> {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let mut command = Command::new(python);
    command
        .arg(cql_testkit::interop::repo_root().join("tests/interop/cqlengine_models.py"))
        .args(args)
        .args(["--host", "127.0.0.1", "--port"])
        .arg(server.local_addr().port().to_string());
    let plan_path = plan.map(|plan| {
        let path = std::env::temp_dir().join(format!(
            "cql-cqlengine-{}-{}.json",
            std::process::id(),
            RUNS.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, serde_json::to_vec(plan).unwrap()).unwrap();
        command.arg("--plan").arg(&path);
        path
    });
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("python runs");
    if let Some(path) = plan_path {
        let _ = std::fs::remove_file(path);
    }
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.lines().any(|l| l.starts_with("summary:")),
        "cqlengine_models.py {args:?} failed:\n{stdout}\nstderr tail:\n{}",
        stderr.lines().rev().take(30).collect::<Vec<_>>().join("\n")
    );
    for line in stdout.lines().filter(|l| !l.starts_with("RESULT ")) {
        println!("python: {line}");
    }
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .map(|j| serde_json::from_str(j).expect("the script's JSON"))
        .collect()
}

/// cqlengine's `sync_table` of both models (version `version` of `events`) in each of
/// `keyspaces`; returns the statements cqlengine ran, per keyspace and model, after
/// checking it gave no warning.
async fn python_sync(
    python: &Path,
    server: &SimServerHandle,
    keyspaces: &[&str],
    version: u8,
) -> Vec<(String, String, Vec<String>)> {
    let mut args = vec!["sync"];
    for ks in keyspaces {
        args.extend(["--keyspace", ks]);
    }
    let version = version.to_string();
    args.extend([
        "--model",
        "events",
        "--model",
        "hits",
        "--version",
        &version,
    ]);
    let results = run_python(python, server, &args, None).await;
    assert_eq!(results.len(), keyspaces.len() * 2, "{results:?}");
    results
        .into_iter()
        .map(|r| {
            assert_eq!(r["warnings"], json!([]), "cqlengine warned: {r}");
            let statements = r["statements"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect();
            (
                r["keyspace"].as_str().unwrap().to_string(),
                r["model"].as_str().unwrap().to_string(),
                statements,
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The Rust side.

async fn node() -> (SimServerHandle, Session) {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = SessionBuilder::new()
        .contact_point(server.local_addr())
        .connect()
        .await
        .unwrap();
    (server, session)
}

/// A mapper on `keyspace`, which it creates.
async fn mapper(session: &Session, keyspace: &str) -> Mapper {
    let mapper = Mapper::new(session.clone()).with_keyspace(keyspace);
    mapper.create_keyspace_simple(keyspace, 1).await.unwrap();
    mapper
}

/// The `system_schema` tables a keyspace's tables and types are described in, with the
/// columns left out of the comparison (the keyspace's name and the tables' ids).
const SCHEMA_TABLES: &[(&str, &[&str])] = &[
    ("tables", &["keyspace_name", "id"]),
    ("columns", &["keyspace_name"]),
    ("indexes", &["keyspace_name"]),
    ("types", &["keyspace_name"]),
    ("dropped_columns", &["keyspace_name"]),
    ("triggers", &["keyspace_name"]),
    ("views", &["keyspace_name", "id", "base_table_id"]),
];

/// Every `system_schema` row of `keyspace`, one line each (`table: column=value, ...`,
/// every column but the left-out ones), in the node's order.
async fn schema_rows(session: &Session, keyspace: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for (table, left_out) in SCHEMA_TABLES {
        let cql = format!("SELECT * FROM system_schema.{table} WHERE keyspace_name = '{keyspace}'");
        let result = session.execute(&cql, ()).await.unwrap();
        for row in result.rows() {
            let cells: Vec<String> = row
                .columns()
                .iter()
                .zip(row.values().unwrap())
                .filter(|(spec, _)| !left_out.contains(&spec.name.as_str()))
                .map(|(spec, value)| format!("{}={value:?}", spec.name))
                .collect();
            lines.push(format!("{table}: {}", cells.join(", ")));
        }
    }
    lines
}

/// Asserts both keyspaces have the same schema rows (and some), listing the lines that
/// differ.
fn assert_same_schema(a: (&str, &[String]), b: (&str, &[String])) {
    assert!(
        a.1.iter().any(|l| l.starts_with("tables:")),
        "no tables in {}",
        a.0
    );
    let only_a: Vec<&String> = a.1.iter().filter(|l| !b.1.contains(l)).collect();
    let only_b: Vec<&String> = b.1.iter().filter(|l| !a.1.contains(l)).collect();
    assert!(
        a.1 == b.1,
        "system_schema rows differ\nonly in {}:\n{}\nonly in {}:\n{}",
        a.0,
        only_a
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        b.0,
        only_b
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

// ---------------------------------------------------------------------------------------
// Values and their JSON form.

fn ts(ms: i64) -> CqlTimestamp {
    CqlTimestamp(ms)
}

fn decimal(text: &str) -> CqlDecimal {
    CqlDecimal::from_decimal_str(text).unwrap()
}

fn varint(text: &str) -> CqlVarint {
    CqlVarint::from_decimal_str(text).unwrap()
}

/// A version-1 time-UUID at `ms` milliseconds since the epoch, node `node`.
fn time_uuid(ms: i64, node: u8) -> Uuid {
    let ticks = (ms as u64) * 10_000 + 0x01B2_1DD2_1381_4000;
    let time_low = (ticks & 0xFFFF_FFFF) as u32;
    let time_mid = ((ticks >> 32) & 0xFFFF) as u16;
    let time_hi = (((ticks >> 48) & 0x0FFF) as u16) | 0x1000;
    Uuid::from_fields(time_low, time_mid, time_hi, &[0x80, 0, 0, 0, 0, 0, 0, node])
}

/// An event with its key only.
fn bare(device: &str, at: i64, node: u8) -> Event {
    Event {
        device: device.into(),
        day: 7,
        at: ts(at),
        seq: time_uuid(at, node),
        owner: None,
        id: None,
        done: None,
        value: None,
        price: None,
        big: None,
        note: None,
        tags: None,
        scores: None,
        prefs: None,
        home: None,
    }
}

/// An event with every column set.
fn full(device: &str, at: i64, node: u8) -> Event {
    Event {
        owner: Some(format!("{device}-owner")),
        id: Some(Uuid::from_u128(
            0x6f1b_2c3d_4e5f_4a6b_8c7d_9e0f_1a2b_3c4d + u128::from(node),
        )),
        done: Some(true),
        value: Some(2.5),
        price: Some(decimal("12.5")),
        big: Some(varint("-123456789012345678901234567890")),
        note: Some(format!("from {device}")),
        tags: Some(["a".to_string(), "b".to_string()].into()),
        scores: Some(vec![3, 1, 2]),
        prefs: Some([("x".to_string(), 1)].into()),
        home: Some(Address {
            street: Some("1 Main".into()),
            zip: Some(75001),
        }),
        ..bare(device, at, node)
    }
}

/// `e` in the JSON conventions; an empty collection as null, as Cassandra stores it.
fn event_json(e: &Event) -> Value {
    let set = |s: &Option<BTreeSet<String>>| s.as_ref().filter(|s| !s.is_empty()).cloned();
    json!({
        "device": e.device,
        "day": e.day,
        "at": e.at.0,
        "seq": e.seq.to_string(),
        "owner": e.owner,
        "id": e.id.map(|u| u.to_string()),
        "done": e.done,
        "value": e.value,
        "price": e.price.as_ref().map(ToString::to_string),
        "big": e.big.as_ref().map(ToString::to_string),
        "note": e.note,
        "tags": set(&e.tags),
        "scores": e.scores.as_ref().filter(|s| !s.is_empty()),
        "prefs": e.prefs.as_ref().filter(|m| !m.is_empty()),
        "home": e.home.as_ref().map(|a| json!({"street": a.street, "zip": a.zip})),
    })
}

/// `event_json` without its nulls: the values cqlengine creates a row with.
fn create_values(e: &Event) -> Value {
    let Value::Object(mut map) = event_json(e) else {
        unreachable!()
    };
    map.retain(|_, v| !v.is_null());
    Value::Object(map)
}

fn hits_json(h: &Hits) -> Value {
    json!({"page": h.page, "hits": h.hits, "bytes": h.bytes})
}

/// `TTL(note)` of an event row, read with this driver's session.
async fn note_ttl(session: &Session, keyspace: &str, e: &Event) -> Option<i32> {
    let prepared = session
        .prepare(&format!(
            "SELECT TTL(note) FROM {keyspace}.events WHERE device = ? AND day = ? AND at = ? AND seq = ?"
        ))
        .await
        .unwrap();
    let result = session
        .execute(&prepared, (e.device.as_str(), e.day, e.at, e.seq))
        .await
        .unwrap();
    result.first_row().unwrap().get(0).unwrap()
}

/// A TTL set to 600 s a moment ago, or the table's default of 86 400 s.
fn assert_ttl(ttl: Option<i64>, expected: i64, what: &str) {
    assert!(
        ttl.is_some_and(|t| t > expected - 10 && t <= expected),
        "{what}: TTL {ttl:?}, expected just under {expected}"
    );
}

// ---------------------------------------------------------------------------------------
// 1. sync_table: the same schema from both sides; each side's sync of the other's table
//    is a no-op.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_table_from_cqlengine_and_from_the_mapper_make_the_same_schema() {
    let Some(python) = python("cqlengine cross-client proof") else {
        return;
    };
    let (server, session) = node().await;
    let py_ks = mapper(&session, "by_cqlengine").await;
    let rs_ks = mapper(&session, "by_mapper").await;

    let created = python_sync(&python, &server, &["by_cqlengine"], 1).await;
    for (_, model, statements) in &created {
        assert!(
            statements.iter().any(|s| s.starts_with("CREATE TABLE")),
            "cqlengine created no table for {model}: {statements:?}"
        );
        println!("cqlengine DDL ({model}):\n  {}", statements.join("\n  "));
    }
    for report in [
        rs_ks.sync_table::<Event>().await.unwrap(),
        rs_ks.sync_table::<Hits>().await.unwrap(),
    ] {
        assert!(!report.is_unchanged());
        println!("mapper DDL:\n  {}", report.statements.join("\n  "));
    }

    let py_rows = schema_rows(&session, "by_cqlengine").await;
    let rs_rows = schema_rows(&session, "by_mapper").await;
    assert_same_schema(("by_cqlengine", &py_rows), ("by_mapper", &rs_rows));
    // Both tables, every column, both indexes and the user type are there.
    for (kind, count) in [("tables", 2), ("columns", 18), ("indexes", 2), ("types", 1)] {
        let prefix = format!("{kind}:");
        let n = rs_rows.iter().filter(|l| l.starts_with(&prefix)).count();
        assert_eq!(n, count, "{kind} rows:\n{}", rs_rows.join("\n"));
    }

    // Each side's sync of its own table and of the other's runs nothing.
    for ks in [&py_ks, &rs_ks] {
        let event = ks.sync_table::<Event>().await.unwrap();
        assert!(event.is_unchanged(), "{:?}: {event:?}", ks.keyspace());
        let hits = ks.sync_table::<Hits>().await.unwrap();
        assert!(hits.is_unchanged(), "{:?}: {hits:?}", ks.keyspace());
    }
    for (ks, model, statements) in
        python_sync(&python, &server, &["by_mapper", "by_cqlengine"], 1).await
    {
        assert!(
            statements.is_empty(),
            "cqlengine's sync of {ks}.{model} ran {statements:?}"
        );
    }
    assert_eq!(schema_rows(&session, "by_cqlengine").await, py_rows);
    assert_eq!(schema_rows(&session, "by_mapper").await, rs_rows);
    println!("PASS sync_table: same system_schema rows, second syncs no-ops");
    session.close().await;
    server.stop().await;
}

// ---------------------------------------------------------------------------------------
// 2. Rows: cqlengine writes, the mapper reads; the mapper writes, cqlengine reads.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_written_by_one_orm_read_equal_with_the_other() {
    let Some(python) = python("cqlengine cross-client proof") else {
        return;
    };
    let (server, session) = node().await;
    let m = mapper(&session, "rows").await;
    m.sync_table::<Event>().await.unwrap();
    m.sync_table::<Hits>().await.unwrap();

    // cqlengine writes: a full row with a TTL then collection updates; a second row of the
    // same partition (its static column is the first's); counters by increments.
    let py_full = full("py", 1_700_000_000_123, 1);
    let mut py_full_after = py_full.clone();
    py_full_after.tags = Some(["a", "b", "c"].map(String::from).into());
    py_full_after.scores = Some(vec![3, 1, 2, 9]);
    py_full_after.prefs = Some([("x".to_string(), 1), ("y".to_string(), 2)].into());
    let py_bare = Event {
        done: Some(false),
        value: Some(-1024.125),
        price: Some(decimal("-0.001")),
        big: Some(varint("0")),
        note: Some("bare".into()),
        home: Some(Address {
            street: Some("2 Side".into()),
            zip: None,
        }),
        ..bare("py", 1_700_000_000_000, 2)
    };
    let py_bare_after = Event {
        owner: py_full.owner.clone(),
        ..py_bare.clone()
    };
    let py_hits = Hits {
        page: "/py".into(),
        hits: 13,
        bytes: 1300,
    };
    let plan = json!({
        "events": [
            {
                "values": create_values(&py_full),
                "ttl": 600,
                "update": {"tags__add": ["c"], "scores__append": [9], "prefs__update": {"y": 2}},
            },
            {"values": create_values(&py_bare)},
        ],
        "hits": [{"page": "/py", "increments": [5, -2, 10]}],
    });
    let written = run_python(
        &python,
        &server,
        &["write", "--keyspace", "rows"],
        Some(&plan),
    )
    .await;
    assert_eq!(written, [json!({"written": 3})]);

    for (expected, ttl) in [(&py_full_after, 600), (&py_bare_after, 86_400)] {
        let read = m
            .objects::<Event>()
            .filter(Event::DEVICE.eq(expected.device.as_str()))
            .filter(Event::DAY.eq(expected.day))
            .filter(Event::AT.eq(expected.at))
            .filter(Event::SEQ.eq(expected.seq))
            .get()
            .await
            .unwrap();
        assert_eq!(&read, expected, "cqlengine wrote, the mapper read");
        assert_eq!(event_json(&read), event_json(expected));
        let got = note_ttl(&session, "rows", expected).await;
        assert_ttl(
            got.map(i64::from),
            ttl,
            "TTL(note) of a row cqlengine wrote",
        );
    }
    let hits = m
        .objects::<Hits>()
        .filter(Hits::PAGE.eq("/py"))
        .get()
        .await
        .unwrap();
    assert_eq!(hits, py_hits);

    // The mapper writes: an insert with a TTL; a second row inserted bare (its unset static
    // keeps the first's), then updated with collection operations and a new static value;
    // counters incremented and decremented.
    let rs_full = full("rs", 1_700_000_100_456, 3);
    m.insert(&rs_full).ttl(600).await.unwrap();
    let rs_bare = Event {
        note: Some("updated".into()),
        ..bare("rs", 1_700_000_100_000, 4)
    };
    m.insert(&rs_bare).await.unwrap();
    m.update(&rs_bare)
        .append(Event::SCORES, [7, 8])
        .prepend(Event::SCORES, [6])
        .add(
            Event::TAGS,
            BTreeSet::from(["x".to_string(), "y".to_string()]),
        )
        .put(Event::PREFS, "k", 5)
        .set(
            Event::HOME,
            Address {
                street: None,
                zip: Some(1),
            },
        )
        .set(Event::PRICE, decimal("3.14159"))
        .set(Event::BIG, varint("98765432109876543210"))
        .set(Event::OWNER, "rs-owner-2")
        .await
        .unwrap();
    let rs_bare_after = Event {
        owner: Some("rs-owner-2".into()),
        scores: Some(vec![6, 7, 8]),
        tags: Some(["x", "y"].map(String::from).into()),
        prefs: Some([("k".to_string(), 5)].into()),
        home: Some(Address {
            street: None,
            zip: Some(1),
        }),
        price: Some(decimal("3.14159")),
        big: Some(varint("98765432109876543210")),
        ..rs_bare.clone()
    };
    let rs_full_after = Event {
        owner: Some("rs-owner-2".into()),
        ..rs_full.clone()
    };
    let rs_hits = Hits {
        page: "/rs".into(),
        hits: 4,
        bytes: 700,
    };
    m.update(&rs_hits)
        .increment(Hits::HITS, 7)
        .increment(Hits::BYTES, 700)
        .await
        .unwrap();
    m.update(&rs_hits).decrement(Hits::HITS, 3).await.unwrap();

    // cqlengine reads every row, its own included (so both sides' JSON agree on them too).
    let events = [
        &py_full_after,
        &py_bare_after,
        &rs_full_after,
        &rs_bare_after,
    ];
    let plan = json!({
        "events": events.iter().map(|e| json!({"values": create_values(e)})).collect::<Vec<_>>(),
        "hits": [{"page": "/py"}, {"page": "/rs"}],
    });
    let read = run_python(
        &python,
        &server,
        &["read", "--keyspace", "rows"],
        Some(&plan),
    )
    .await;
    let [read] = read.as_slice() else {
        panic!("one RESULT expected: {read:?}")
    };
    for (i, expected) in events.iter().enumerate() {
        assert_eq!(
            read["events"][i],
            event_json(expected),
            "row {i} ({} {:?}): written, then read by cqlengine",
            expected.device,
            expected.at
        );
    }
    assert_eq!(
        read["hits"],
        json!([hits_json(&py_hits), hits_json(&rs_hits)])
    );
    let ttls = read["ttl"].as_array().unwrap();
    for (i, expected) in [600, 86_400, 600, 86_400].into_iter().enumerate() {
        assert_ttl(
            ttls[i].as_i64(),
            expected,
            &format!("TTL(note) of row {i} read with the Python driver"),
        );
    }
    println!("PASS rows: cqlengine -> mapper and mapper -> cqlengine, TTLs seen by both");
    session.close().await;
    server.stop().await;
}

// ---------------------------------------------------------------------------------------
// 3. Evolution: version 2 adds a column; from either side over either side's version 1.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evolution_from_either_side_makes_the_same_schema() {
    let Some(python) = python("cqlengine cross-client proof") else {
        return;
    };
    let (server, session) = node().await;
    // Named after who syncs version 1, then version 2.
    let names = ["py_py", "py_rs", "rs_rs", "rs_py"];
    let mut mappers = BTreeMap::new();
    for ks in names {
        mappers.insert(ks, mapper(&session, ks).await);
    }

    for (_, _, statements) in python_sync(&python, &server, &["py_py", "py_rs"], 1).await {
        assert!(!statements.is_empty());
    }
    for ks in ["rs_rs", "rs_py"] {
        assert!(
            !mappers[ks]
                .sync_table::<Event>()
                .await
                .unwrap()
                .is_unchanged()
        );
        assert!(
            !mappers[ks]
                .sync_table::<Hits>()
                .await
                .unwrap()
                .is_unchanged()
        );
    }
    let v1 = schema_rows(&session, "py_py").await;

    // Version 2: one ALTER TABLE .. ADD from either side.
    for (ks, model, statements) in python_sync(&python, &server, &["py_py", "rs_py"], 2).await {
        match model.as_str() {
            "events" => assert!(
                statements.len() == 1 && statements[0].contains("add \"extra\" text"),
                "cqlengine's evolution of {ks}.events ran {statements:?}"
            ),
            _ => assert!(statements.is_empty(), "{ks}.{model}: {statements:?}"),
        }
    }
    for ks in ["rs_rs", "py_rs"] {
        let report = mappers[ks].sync_table::<EventV2>().await.unwrap();
        assert!(
            report.statements.len() == 1 && report.statements[0].contains("ADD \"extra\" text"),
            "the mapper's evolution of {ks}.events ran {report:?}"
        );
    }
    let rows: Vec<Vec<String>> = {
        let mut rows = Vec::new();
        for ks in names {
            rows.push(schema_rows(&session, ks).await);
        }
        rows
    };
    assert_ne!(rows[0], v1, "version 2 changed nothing");
    for (ks, r) in names.iter().zip(&rows).skip(1) {
        assert_same_schema(("py_py", &rows[0]), (ks, r));
    }

    // The other side's sync of version 2 is then a no-op.
    for (ks, model, statements) in python_sync(&python, &server, &["rs_rs", "py_rs"], 2).await {
        assert!(
            statements.is_empty(),
            "cqlengine's second sync of {ks}.{model} ran {statements:?}"
        );
    }
    for ks in ["py_py", "rs_py"] {
        let report = mappers[ks].sync_table::<EventV2>().await.unwrap();
        assert!(report.is_unchanged(), "{ks}: {report:?}");
        assert!(
            mappers[ks]
                .sync_table::<Hits>()
                .await
                .unwrap()
                .is_unchanged()
        );
    }
    for (ks, before) in names.iter().zip(&rows) {
        assert_eq!(&schema_rows(&session, ks).await, before, "{ks} changed");
    }
    println!("PASS evolution: same system_schema rows from all four paths, no-op re-syncs");
    session.close().await;
    server.stop().await;
}
