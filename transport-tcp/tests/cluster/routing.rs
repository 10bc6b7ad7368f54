//! Where requests go: token-aware routing to the partition's replica, and DC-aware
//! routing that stays in the local datacenter.

use super::*;
use cql_transport_tcp::frame::Opcode;
use cql_transport_tcp::message::Consistency;
use cql_transport_tcp::policies::load_balancing::{DcAwareRoundRobinPolicy, LoadBalancingPolicy};
use cql_transport_tcp::session::{ExecutionProfile, Statement};

#[tokio::test]
async fn token_aware_routing_hits_replicas() {
    let cluster = SimCluster::start(SimClusterConfig::nodes(3)).await.unwrap();
    let s = on(&cluster).connect().await.unwrap();
    assert_eq!(s.hosts().len(), 3);
    kv(&s, "rf1", 1).await;
    s.use_keyspace("rf1").await.unwrap();
    let insert = s
        .prepare("INSERT INTO kv (k, v) VALUES (?, ?)")
        .await
        .unwrap();
    assert_eq!(insert.pk_indexes(), [0]);
    let mut hit = [0usize; 3];
    for k in 0..40i32 {
        let replicas = cluster.replicas("rf1", &k.to_be_bytes());
        assert_eq!(replicas.len(), 1);
        clear_records(&cluster);
        let r = s.execute(&insert, (k, "v")).await.unwrap();
        let executes: Vec<usize> = records(&cluster, |log| log.with_opcode(Opcode::Execute))
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        assert!(!executes.is_empty());
        assert!(
            executes.iter().all(|&i| i == replicas[0]),
            "key {k}: replica {replicas:?}, executed on {executes:?}"
        );
        assert_eq!(
            r.host,
            NodeAddr::from(cluster.node(replicas[0]).unwrap().address())
        );
        hit[replicas[0]] += 1;
    }
    assert!(
        hit.iter().all(|&n| n > 0),
        "every node owns some keys: {hit:?}"
    );

    // Simple statements with an explicit routing key go to the replica too.
    for k in 0..10i32 {
        let replica = cluster.replicas("rf1", &k.to_be_bytes())[0];
        let cql = format!("SELECT v FROM kv WHERE k = {k}");
        clear_records(&cluster);
        let stmt = Statement::new(cql.as_str()).with_routing_key(k.to_be_bytes().to_vec());
        s.execute(&stmt, ()).await.unwrap();
        assert_eq!(nodes_that_ran(&cluster, &cql), [replica], "key {k}");
    }

    // RF 3: every node is a replica; the shuffle spreads one partition's requests.
    kv(&s, "rf3", 3).await;
    let select = s.prepare("SELECT v FROM rf3.kv WHERE k = ?").await.unwrap();
    clear_records(&cluster);
    for _ in 0..60 {
        s.execute(&select, (7i32,)).await.unwrap();
    }
    let mut per_node = [0usize; 3];
    for (i, _) in records(&cluster, |log| log.with_opcode(Opcode::Execute)) {
        per_node[i] += 1;
    }
    assert!(per_node.iter().all(|&n| n >= 5), "{per_node:?}");
    s.close().await;
    cluster.stop().await;
}

#[tokio::test]
async fn dc_aware_never_leaves_the_local_dc_while_it_has_live_hosts() {
    let mut cluster = SimCluster::start(SimClusterConfig::datacenters(&[("dc1", 2), ("dc2", 2)]))
        .await
        .unwrap();
    let dc1: Vec<usize> = (0..4)
        .filter(|&i| cluster.node(i).unwrap().datacenter() == "dc1")
        .collect();
    assert_eq!(dc1, [0, 1]);
    let remote: Arc<dyn LoadBalancingPolicy> =
        Arc::new(DcAwareRoundRobinPolicy::new("dc1").with_used_hosts_per_remote_dc(1));
    let s = on(&cluster)
        .local_datacenter("dc1")
        .idempotent(true)
        .execution_profile(
            "fallback",
            ExecutionProfile::default()
                .with_consistency(Consistency::One)
                .with_idempotent(true)
                .with_load_balancing_policy(remote),
        )
        .connect()
        .await
        .unwrap();
    let hosts = s.hosts();
    assert_eq!(hosts.len(), 4);
    for h in &hosts {
        let local = h.datacenter.as_deref() == Some("dc1");
        assert_eq!(
            h.open_connections > 0,
            local || h.distance == HostDistance::Remote,
            "{h:?}"
        );
    }
    // The fallback profile makes one dc2 host remote (it gets a pool); the other is ignored.
    let remote_hosts: Vec<&HostInfo> = hosts
        .iter()
        .filter(|h| h.distance == HostDistance::Remote)
        .collect();
    assert_eq!(remote_hosts.len(), 1, "{hosts:?}");

    let cql = "SELECT * FROM system.local";
    let run = |n: usize, stmt: Statement| {
        let s = s.clone();
        async move {
            for _ in 0..n {
                s.execute(&stmt, ()).await.unwrap();
            }
        }
    };
    clear_records(&cluster);
    run(40, Statement::new(cql)).await;
    let used = nodes_that_ran(&cluster, cql);
    assert_eq!(used.len(), 40);
    assert!(used.iter().all(|i| dc1.contains(i)), "{used:?}");
    assert!(
        dc1.iter().all(|i| used.contains(i)),
        "both local nodes used: {used:?}"
    );

    // One local node down: the other local one takes everything.
    cluster.stop_node(1).await.unwrap();
    clear_records(&cluster);
    run(40, Statement::new(cql)).await;
    let used = nodes_that_ran(&cluster, cql);
    assert!(used.iter().all(|&i| i == 0), "{used:?}");
    eventually(Duration::from_secs(5), "node 1 marked down", || {
        !host(&s, cluster.node(1).unwrap().address()).up
    })
    .await;

    // Both local nodes down: LOCAL_ONE requests have nowhere to go; the fallback profile
    // (ONE, one remote host per DC) reaches dc2.
    cluster.stop_node(0).await.unwrap();
    eventually(Duration::from_secs(5), "node 0 marked down", || {
        !host(&s, cluster.node(0).unwrap().address()).up
    })
    .await;
    clear_records(&cluster);
    let e = s.execute(&Statement::new(cql), ()).await.unwrap_err();
    assert!(
        matches!(e, Error::NoHostAvailable(_) | Error::Connection { .. }),
        "{e}"
    );
    assert!(nodes_that_ran(&cluster, cql).is_empty());
    run(10, Statement::new(cql).with_execution_profile("fallback")).await;
    let used = nodes_that_ran(&cluster, cql);
    assert_eq!(used.len(), 10);
    assert!(used.iter().all(|i| !dc1.contains(i)), "{used:?}");
    s.close().await;
    cluster.stop().await;
}
