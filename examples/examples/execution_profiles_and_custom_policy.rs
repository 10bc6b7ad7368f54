//! Execution profiles and a custom load-balancing policy: a named profile gives some
//! statements their own consistency, timeout, page size and host choice; the host choice
//! here is a policy written below, which sends requests to one preferred node first.
//!
//! ```sh
//! cargo run -p cql-examples --example execution_profiles_and_custom_policy   # 3 simulated nodes
//! cargo run -p cql-examples --example execution_profiles_and_custom_policy -- \
//!     --contact-point 10.0.0.5:9042
//! ```
//!
//! The preferred node is the contact point (give it as an IP address: the policy compares
//! it with the addresses the cluster reports). Works in keyspace `profiles`, dropped at
//! the end.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use cql_examples::ExampleCluster;
use cql_testkit::sim::cluster::SimClusterConfig;
use cql_transport_tcp::cluster::host::{Host, HostDistance};
use cql_transport_tcp::cluster::view::ClusterView;
use cql_transport_tcp::policies::load_balancing::{LoadBalancingPolicy, QueryPlan, RoutingInfo};
use cql_transport_tcp::session::{ContactPoint, DEFAULT_PORT};
use cql_transport_tcp::{Consistency, ExecutionProfile, NodeAddr, SessionBuilder, Statement};

/// Tries the preferred node first, then every other node; hosts that are down are
/// skipped. (A node set aside for reports, say, so they do not slow the others down.)
#[derive(Debug)]
struct PreferredNodePolicy {
    preferred: NodeAddr,
}

impl LoadBalancingPolicy for PreferredNodePolicy {
    /// Every node gets a connection pool: any of them may be tried.
    fn distance(&self, _view: &ClusterView, _host: &Host) -> HostDistance {
        HostDistance::Local
    }

    /// Called for every request: keep it cheap. The plan is lazy, and the executor
    /// moves to the next host when one fails (as the retry policy decides).
    fn plan<'a>(&'a self, view: &'a ClusterView, _routing: &RoutingInfo<'a>) -> QueryPlan<'a> {
        let preferred = view.hosts().iter().filter(|h| h.addr == self.preferred);
        let others = view.hosts().iter().filter(|h| h.addr != self.preferred);
        QueryPlan::custom(preferred.chain(others).filter(|h| h.is_up()))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args_or(SimClusterConfig::nodes(3)).await?;
    let preferred = ContactPoint::from(cluster.contact_point()).resolve(DEFAULT_PORT)?;

    let reports = ExecutionProfile::default()
        .with_consistency(Consistency::One)
        .with_request_timeout(Some(Duration::from_secs(60)))
        .with_page_size(Some(1000))
        .with_load_balancing_policy(Arc::new(PreferredNodePolicy {
            preferred: preferred.clone(),
        }));
    // The builder's settings make the default profile; statements pick another by name.
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .consistency(Consistency::LocalQuorum)
        .request_timeout(Some(Duration::from_secs(2)))
        .execution_profile("reports", reports)
        .connect()
        .await?;

    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS profiles \
             WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS profiles.sales (region text, day int, amount int, \
             PRIMARY KEY (region, day))",
            (),
        )
        .await?;
    for (region, day, amount) in [("north", 1, 120), ("north", 2, 80), ("south", 1, 95)] {
        session
            .execute(
                "INSERT INTO profiles.sales (region, day, amount) VALUES (?, ?, ?)",
                (region, day, amount),
            )
            .await?;
    }

    let by_region = "SELECT day, amount FROM profiles.sales WHERE region = ?";
    let report = Statement::new(by_region).with_execution_profile("reports");
    let mut default_hosts = BTreeMap::new();
    let mut report_hosts = BTreeMap::new();
    for _ in 0..6 {
        let result = session.execute(by_region, ("north",)).await?;
        *default_hosts.entry(result.host.to_string()).or_insert(0) += 1;
        let result = session.execute(&report, ("north",)).await?;
        *report_hosts.entry(result.host.to_string()).or_insert(0) += 1;
    }
    println!("default profile (LOCAL_QUORUM, 2 s, default policy): answered by {default_hosts:?}");
    println!("\"reports\" profile (ONE, 60 s, {preferred} first): answered by {report_hosts:?}");

    session
        .execute("DROP KEYSPACE IF EXISTS profiles", ())
        .await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}
