//! Cross-client proof for the DSE value types: every `geo` and `daterange` vector of
//! `dse.json` (direction `both`) written as a row by the Python driver 3.30.1 is read equal
//! by this driver, and every one this driver writes is read equal by the Python driver,
//! through the same cql-sim (`tests/interop/dse_values.py` is the Python side).
//!
//! The interpreter comes from `$CQL_PYTHON`, else the repository's `.ci-venv` (see
//! `cql_testkit::interop::python`).

use std::path::PathBuf;
use std::process::Command;

use cql_testkit::interop::{python, script};
use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::types::CqlValue;
use cql_transport_tcp::types::date_range::{DateRange, DateRangeBound, DateRangePrecision};
use cql_transport_tcp::types::geo::{LineString, Point, Polygon};
use cql_transport_tcp::{Session, SessionBuilder};
use serde_json::Value;

fn plan() -> Value {
    let dir = std::env::var_os("CQL_VECTORS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
        PathBuf::from,
    );
    let text = std::fs::read_to_string(dir.join("dse.json")).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let both = |section: &str| -> Vec<Value> {
        file[section]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["direction"] == "both")
            .cloned()
            .collect()
    };
    serde_json::json!({ "geo": both("geo"), "daterange": both("daterange") })
}

fn coordinate(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "NaN" => f64::NAN,
        Value::String(s) if s == "Infinity" => f64::INFINITY,
        Value::String(s) if s == "-Infinity" => f64::NEG_INFINITY,
        other => other.as_f64().unwrap(),
    }
}

fn points(v: &Value) -> Vec<Point> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| Point::new(coordinate(&p[0]), coordinate(&p[1])))
        .collect()
}

fn bound(v: &Value) -> Option<DateRangeBound> {
    if v == "*" {
        return None;
    }
    let precision = DateRangePrecision::ALL
        .into_iter()
        .find(|p| p.name() == v["precision"].as_str().unwrap())
        .unwrap();
    Some(DateRangeBound::new(v["ms"].as_i64().unwrap(), precision))
}

/// The column and the value a vector describes.
fn value_of(v: &Value) -> (&'static str, CqlValue) {
    let value = &v["value"];
    match v["geo_type"].as_str() {
        Some("point") => (
            "pt",
            CqlValue::Point(Point::new(coordinate(&value["x"]), coordinate(&value["y"]))),
        ),
        Some("linestring") => (
            "ls",
            CqlValue::LineString(LineString {
                points: points(&value["points"]),
            }),
        ),
        Some("polygon") => (
            "pg",
            CqlValue::Polygon(Polygon {
                exterior: points(&value["exterior"]),
                interiors: value["interiors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(points)
                    .collect(),
            }),
        ),
        _ => {
            let range = if !value["value"].is_null() {
                match bound(&value["value"]) {
                    Some(b) => DateRange::Single(b),
                    None => DateRange::SingleOpen,
                }
            } else {
                DateRange::Range {
                    lower: bound(&value["lower_bound"]),
                    upper: bound(&value["upper_bound"]),
                }
            };
            ("dr", CqlValue::DateRange(range))
        }
    }
}

/// Equal, comparing coordinates by bit pattern (NaN equals NaN, -0.0 differs from 0.0).
fn same(a: &CqlValue, b: &CqlValue) -> bool {
    let pts = |a: &[Point], b: &[Point]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(p, q)| p.x.to_bits() == q.x.to_bits() && p.y.to_bits() == q.y.to_bits())
    };
    match (a, b) {
        (CqlValue::Point(p), CqlValue::Point(q)) => pts(&[*p], &[*q]),
        (CqlValue::LineString(p), CqlValue::LineString(q)) => pts(&p.points, &q.points),
        (CqlValue::Polygon(p), CqlValue::Polygon(q)) => {
            pts(&p.exterior, &q.exterior)
                && p.interiors.len() == q.interiors.len()
                && p.interiors.iter().zip(&q.interiors).all(|(r, s)| pts(r, s))
        }
        _ => a == b,
    }
}

async fn node() -> (SimServerHandle, Session) {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = SessionBuilder::new()
        .contact_point(server.local_addr())
        .connect()
        .await
        .unwrap();
    session
        .execute(
            "CREATE KEYSPACE dse WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await
        .unwrap();
    session
        .execute(
            "CREATE TABLE dse.values (id text PRIMARY KEY, kind text, pt 'PointType', \
             ls 'LineStringType', pg 'PolygonType', dr 'DateRangeType')",
            (),
        )
        .await
        .unwrap();
    (server, session)
}

fn run_python(python: PathBuf, port: u16, mode: &str, plan: &Value) -> String {
    let path =
        std::env::temp_dir().join(format!("cql-dse-values-{}-{mode}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_vec(plan).unwrap()).unwrap();
    let output = Command::new(python)
        .arg(script("dse_values.py"))
        .arg(mode)
        .arg("--plan")
        .arg(&path)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .output()
        .expect("python runs");
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "the Python helper failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    print!("{stdout}");
    stdout
}

fn vectors_of(plan: &Value) -> Vec<&Value> {
    plan["geo"]
        .as_array()
        .unwrap()
        .iter()
        .chain(plan["daterange"].as_array().unwrap())
        .collect()
}

/// Runs the Python helper off the runtime's workers.
async fn python_mode(
    python: PathBuf,
    server: &SimServerHandle,
    mode: &'static str,
    plan: &Value,
) -> String {
    let port = server.local_addr().port();
    let plan = plan.clone();
    tokio::task::spawn_blocking(move || run_python(python, port, mode, &plan))
        .await
        .unwrap()
}

fn summary_mismatches(stdout: &str) -> (usize, usize) {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("summary: "))
        .expect("a summary line");
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_driver_writes_dse_values_this_driver_reads_them() {
    let Some(python) = python("DSE values cross-client proof") else {
        return;
    };
    let plan = plan();
    let (server, session) = node().await;
    python_mode(python, &server, "write", &plan).await;
    let mut failures = Vec::new();
    let vectors = vectors_of(&plan);
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let (column, expected) = value_of(v);
        let result = session
            .execute(
                format!("SELECT {column} FROM dse.values WHERE id = ?").as_str(),
                (format!("py/{id}"),),
            )
            .await
            .unwrap();
        let got = result.first_row().expect("the row").value(0).unwrap();
        match got {
            Some(got) if same(&got, &expected) => {}
            other => failures.push(format!("{id}: read {other:?}, expected {expected:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!(
        "PASS: {} DSE values written by the Python driver read equal",
        vectors.len()
    );
    session.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_driver_writes_dse_values_python_driver_reads_them() {
    let Some(python) = python("DSE values cross-client proof") else {
        return;
    };
    let plan = plan();
    let (server, session) = node().await;
    let vectors = vectors_of(&plan);
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let (column, value) = value_of(v);
        let kind = v["geo_type"].as_str().unwrap_or("daterange");
        let insert = session
            .prepare(format!(
                "INSERT INTO dse.values (id, kind, {column}) VALUES (?, ?, ?)"
            ))
            .await
            .unwrap();
        session
            .execute(&insert, (format!("rs/{id}"), kind, value))
            .await
            .unwrap();
    }
    let stdout = python_mode(python, &server, "read", &plan).await;
    let (rows, mismatches) = summary_mismatches(&stdout);
    assert_eq!((rows, mismatches), (vectors.len(), 0), "{stdout}");
    println!("PASS: {rows} DSE values written by this driver read equal by the Python driver");
    session.close().await;
    server.stop().await;
}
