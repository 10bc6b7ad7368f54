//! Sessions on a simulated node, and the keyspace + table several suites write to.

use cql_testkit::sim::server::SimServerHandle;
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::runtime::NodeAddr;
use cql_transport_tcp::session::Session;

/// A session built from `builder` with `server` as its contact point.
pub async fn session_for(server: &SimServerHandle, builder: SessionBuilder) -> Session {
    builder
        .contact_point(NodeAddr::from(server.local_addr()))
        .connect()
        .await
        .unwrap()
}

/// Creates keyspace `ks` (SimpleStrategy, RF 1) and its table
/// `kv (k int, c int, v text, PRIMARY KEY (k, c))`, and makes `ks` the session's keyspace.
pub async fn with_table(session: &Session, ks: &str) {
    session
        .execute(
            &format!(
                "CREATE KEYSPACE IF NOT EXISTS {ks} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
            ),
            (),
        )
        .await
        .unwrap();
    session.use_keyspace(ks).await.unwrap();
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS kv (k int, c int, v text, PRIMARY KEY (k, c))",
            (),
        )
        .await
        .unwrap();
}
