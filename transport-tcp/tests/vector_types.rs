//! Every CQL type of the golden vectors (`types.json`, made by the Python driver) through
//! a table on the simulated node with this driver: each vector's value is inserted with a
//! prepared statement (bound as a `CqlValue`, checked against the prepared metadata) and
//! read back equal (floats by bit pattern; sets and maps in any order, as a node returns
//! them in its own order; an empty collection in a non-frozen column reads back as null,
//! as Cassandra stores no cells for it). Vectors not written are listed with the reason, and the test
//! asserts checked + skipped == total.

#[path = "common/vectors.rs"]
mod vectors;

use cql_testkit::sim::server::{SimServer, SimServerConfig};
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::frame::ProtocolVersion;

async fn round_trip(version: ProtocolVersion) {
    let file = vectors::load_types();
    let plan = vectors::plan(&file);
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = SessionBuilder::new()
        .contact_point(server.local_addr())
        .protocol_version(version)
        .connect()
        .await
        .unwrap();
    plan.create_schema(&session).await;
    vectors::write_all(&session, &plan, "rs:").await;
    let mut checked = 0;
    let mut failures = Vec::new();
    for row in &plan.rows {
        let got = vectors::read_one(&session, row, "rs:").await;
        match vectors::read_matches(row, got.as_ref()) {
            true => checked += 1,
            false => failures.push(format!(
                "{} ({}): wrote {:?}, read {got:?}",
                row.vector_id, row.cql_type, row.value
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{version}: {} vector(s) not read back equal:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for (id, why) in &plan.skipped {
        println!("skipped {id}: {why}");
    }
    assert_eq!(checked + plan.skipped.len(), plan.total);
    let as_null = plan.rows.iter().filter(|r| r.reads_as_null()).count();
    println!(
        "{version}: {checked} vectors round-tripped ({as_null} empty collections in \
         non-frozen columns read back as null, as Cassandra stores them), {} skipped, {} types",
        plan.skipped.len(),
        plan.columns.len() + 1
    );
    session.close().await;
    server.stop().await;
}

#[tokio::test]
async fn every_vector_value_round_trips_v5() {
    round_trip(ProtocolVersion::V5).await;
}

#[tokio::test]
async fn every_vector_value_round_trips_v4() {
    round_trip(ProtocolVersion::V4).await;
}
