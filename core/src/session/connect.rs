//! Opening a session: control connection to the contact points → topology and keyspaces
//! → hosts (through the address translator) → the first [`ClusterView`] → pools opened
//! for the hosts the load-balancing policies use, concurrently → the task following the
//! control connection's events.
//!
//! A node that cannot describe its cluster (no `system.local` rows, e.g. a scripted
//! test node) still works: the contact points become the hosts, with no placement and no
//! tokens, and no control connection is kept.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicUsize};

use futures::future::join_all;
use tracing::Instrument;

use super::config::SessionConfig;
use super::control::{ControlConfig, ControlConnection};
use super::error::{Error, HostErrors};
use super::events;
use super::host_events::HostListeners;
use super::metrics::SessionMetrics;
use super::pool::PoolContext;
use super::session::{Inner, Session};
use super::state::{ControlCandidates, CurrentState, build_view, contact_point_view};
use crate::cluster::view::ClusterView;
use crate::connection::ConnectionConfig;
use crate::frame::{Compression, ProtocolVersion};
use crate::policies::load_balancing::{LoadBalancingPolicy, default_load_balancing_policy};
use crate::policies::reconnection::{ExponentialReconnectionPolicy, ReconnectionPolicy};
use crate::runtime::{NodeAddr, Runtime, Transport};

/// A seed for the policies' randomness (replica shuffle, reconnection jitter) from the
/// runtime's clocks: sessions started at different times shuffle differently.
pub(crate) fn seed_from(runtime: &dyn Runtime) -> u64 {
    let wall = runtime.wall_clock_micros().unsigned_abs();
    let mono = runtime.now().as_nanos();
    wall.rotate_left(21) ^ mono ^ 0x9E37_79B9_7F4A_7C15
}

/// The settings of every connection the session opens.
pub(crate) fn connection_config(config: &SessionConfig) -> ConnectionConfig {
    ConnectionConfig {
        startup_options: config.startup_options(),
        keyspace: None,
        events: Vec::new(),
        ..config.connection.clone()
    }
}

/// The policies whose distances decide pools: the session's, then each profile's own.
fn distance_policies(
    config: &SessionConfig,
    session: &Arc<dyn LoadBalancingPolicy>,
) -> Vec<Arc<dyn LoadBalancingPolicy>> {
    let mut policies = alloc::vec![Arc::clone(session)];
    let profiles = core::iter::once(&config.default_profile).chain(config.profiles.values());
    for policy in profiles.filter_map(|p| p.load_balancing_policy.as_ref()) {
        if !policies.iter().any(|p| Arc::ptr_eq(p, policy)) {
            policies.push(Arc::clone(policy));
        }
    }
    policies
}

/// The error for a local datacenter no node is in, naming the datacenters that exist.
pub(crate) fn check_local_datacenter(local: Option<&str>, view: &ClusterView) -> Result<(), Error> {
    let Some(local) = local else { return Ok(()) };
    if view.datacenter(Some(local)).is_some() {
        return Ok(());
    }
    let known: Vec<String> = view
        .datacenters()
        .iter()
        .filter_map(|d| d.name())
        .map(|n| format!("{n:?}"))
        .collect();
    Err(Error::InvalidArgument(format!(
        "local datacenter {local:?} has no node; the cluster's datacenters are: {}",
        if known.is_empty() {
            String::from("(none reported)")
        } else {
            known.join(", ")
        }
    )))
}

impl Session {
    /// Opens a session with `config` over `transport` and `runtime` (what
    /// [`SessionBuilderOn::connect`](super::SessionBuilderOn::connect) does).
    ///
    /// # Errors
    /// As [`SessionBuilderOn::connect`](super::SessionBuilderOn::connect).
    pub(crate) async fn open(
        config: SessionConfig,
        transport: Arc<dyn Transport>,
        runtime: Arc<dyn Runtime>,
    ) -> Result<Self, Error> {
        let addrs = config.resolve_contact_points()?;
        if config.connection.compression == Compression::Snappy
            && config.connection.protocol_version == Some(ProtocolVersion::V5)
        {
            return Err(Error::InvalidArgument(String::from(
                "Snappy compression does not exist in protocol v5: use LZ4 or no compression",
            )));
        }
        let seed = seed_from(&*runtime);
        let policy: Arc<dyn LoadBalancingPolicy> = match &config.load_balancing_policy {
            Some(p) => Arc::clone(p),
            None => Arc::new(
                default_load_balancing_policy(config.local_datacenter.clone()).with_seed(seed),
            ),
        };
        let policies = distance_policies(&config, &policy);
        let reconnection: Arc<dyn ReconnectionPolicy> = match &config.reconnection_policy {
            Some(p) => Arc::clone(p),
            None => {
                Arc::new(ExponentialReconnectionPolicy::default().with_seed(seed.rotate_left(32)))
            }
        };
        let ctx = Arc::new(PoolContext {
            runtime,
            transport,
            connection: connection_config(&config),
            keyspace: spin::Mutex::new(config.keyspace.as_deref().map(Arc::from)),
            metrics: SessionMetrics::default(),
            reconnection,
            listeners: HostListeners::new(config.host_listeners.clone()),
            closed: AtomicBool::new(false),
        });
        let current = Arc::new(CurrentState::new(addrs.clone()));
        let span = tracing::info_span!("cql.session.connect");
        let (control, view) = discover(&config, &ctx, &current, &addrs)
            .instrument(span.clone())
            .await?;
        if let Err(e) = check_local_datacenter(config.local_datacenter.as_deref(), &view) {
            if let Some(c) = &control {
                c.shutdown().await;
            }
            return Err(e);
        }
        let local_dc_hint = view.local_datacenter_hint().map(String::from);
        let state = current.install(Arc::new(view), &ctx, &config, &policies, false);
        let opened = join_all(
            state
                .pools()
                .map(|pool| async move { (Arc::clone(pool), pool.fill_now().await) }),
        )
        .instrument(span.clone())
        .await;
        let mut errors: Vec<(NodeAddr, Error)> = Vec::new();
        let mut up = 0usize;
        for (pool, result) in opened {
            match result {
                Ok(()) => up += 1,
                Err(e) => {
                    pool.mark_down(Some(&e));
                    errors.push((pool.addr.clone(), e));
                }
            }
        }
        if up == 0 {
            let _enter = span.enter();
            tracing::warn!(errors = %HostErrors(&errors), "no host reachable");
            drop(_enter);
            if let Some(c) = &control {
                c.shutdown().await;
            }
            for pool in state.pools() {
                drop(pool.close());
            }
            return Err(Error::NoHostAvailable(errors));
        }
        for pool in state.pools().filter(|p| !p.host().is_up()) {
            // Reconnect in the background on the policy's schedule.
            pool.ensure_maintained(true);
        }
        tracing::info!(parent: &span, hosts = state.view.hosts().len(), pooled = up, "session connected");
        let inner = Arc::new(Inner {
            ctx,
            config,
            state: current,
            policy,
            policies,
            control,
            local_dc_hint,
            prepared: spin::Mutex::new(BTreeMap::new()),
            in_flight: AtomicUsize::new(0),
        });
        if let Some(control) = &inner.control {
            match control.start() {
                Ok(events) => events::spawn(&inner, events),
                Err(e) => tracing::warn!(error = %e, "control connection events not followed"),
            }
        }
        Ok(Self { inner })
    }
}

/// The control connection (if the cluster could describe itself) and the first view.
async fn discover(
    config: &SessionConfig,
    ctx: &Arc<PoolContext>,
    current: &Arc<CurrentState>,
    addrs: &[NodeAddr],
) -> Result<(Option<ControlConnection>, ClusterView), Error> {
    let control_config = ControlConfig {
        connection: ctx.connection.clone(),
        default_port: config.port,
        max_schema_agreement_wait: config.max_schema_agreement_wait,
        schema: config.schema_metadata.clone(),
        ..ControlConfig::default()
    };
    let candidates = Arc::new(ControlCandidates {
        state: Arc::clone(current),
    });
    let control = ControlConnection::connect(
        Arc::clone(&ctx.transport),
        ctx.runtime.clone(),
        control_config,
        candidates,
    )
    .await?;
    let topology = match control.refresh_topology().await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(
                error = %e,
                "the cluster's topology could not be read; using the contact points as the hosts"
            );
            control.shutdown().await;
            return Ok((None, contact_point_view(addrs)));
        }
    };
    let schema = match control.fetch_schema().await {
        Ok(schema) => Some(schema),
        Err(e) => {
            tracing::warn!(error = %e, "schema metadata could not be read; it waits for the next refresh");
            None
        }
    };
    // Taken from the schema just read when it holds every keyspace (one query fewer
    // before the session is ready: it counts where a connection is opened per request).
    let keyspaces = match control.replication(schema.as_deref()).await {
        Ok(k) => k,
        Err(e) => {
            tracing::warn!(error = %e, "keyspaces could not be read; token-aware routing waits for the next refresh");
            Vec::new()
        }
    };
    let translator = &config.address_translator;
    let hosts = topology
        .hosts(|a| translator.translate(a))
        .into_iter()
        .map(Arc::new)
        .collect();
    let view = build_view(
        hosts,
        topology.partitioner,
        keyspaces,
        Some(topology.local.host_id),
        None,
    );
    tracing::info!(
        hosts = view.hosts().len(),
        datacenters = view.datacenters().len(),
        control = ?control.addr(),
        "cluster discovered"
    );
    Ok((Some(control), view))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::host::Host;
    use crate::policies::load_balancing::RoundRobinPolicy;
    use crate::session::config::ExecutionProfile;
    use alloc::string::ToString;
    use uuid::Uuid;

    fn view(dcs: &[&str]) -> ClusterView {
        let hosts = dcs
            .iter()
            .zip(1u128..)
            .map(|(dc, n)| {
                let addr = NodeAddr::new(alloc::format!("10.0.0.{n}"), 9042);
                Arc::new(
                    Host::new(Uuid::from_u128(n), addr.clone(), addr).with_placement(*dc, "r1"),
                )
            })
            .collect();
        ClusterView::new(hosts, None, [])
    }

    #[test]
    fn an_unknown_local_datacenter_names_the_existing_ones() {
        let v = view(&["dc1", "dc2", "dc1"]);
        assert!(check_local_datacenter(None, &v).is_ok());
        assert!(check_local_datacenter(Some("dc2"), &v).is_ok());
        let e = check_local_datacenter(Some("dc3"), &v).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, Error::InvalidArgument(_)));
        assert!(
            msg.contains("\"dc3\"") && msg.contains("\"dc1\", \"dc2\""),
            "{msg}"
        );
        let e = check_local_datacenter(Some("x"), &ClusterView::empty()).unwrap_err();
        assert!(e.to_string().contains("none reported"), "{e}");
    }

    #[test]
    fn profile_policies_count_for_distances_once_each() {
        let shared: Arc<dyn LoadBalancingPolicy> = Arc::new(RoundRobinPolicy::new());
        let config = SessionConfig {
            default_profile: ExecutionProfile::default()
                .with_load_balancing_policy(Arc::clone(&shared)),
            profiles: BTreeMap::from([
                (
                    String::from("a"),
                    ExecutionProfile::default().with_load_balancing_policy(Arc::clone(&shared)),
                ),
                (String::from("b"), ExecutionProfile::default()),
            ]),
            ..SessionConfig::default()
        };
        let session: Arc<dyn LoadBalancingPolicy> = Arc::new(RoundRobinPolicy::new());
        assert_eq!(distance_policies(&config, &session).len(), 2);
        assert_eq!(
            distance_policies(&SessionConfig::default(), &session).len(),
            1
        );
    }

    #[test]
    fn connections_carry_the_session_settings() {
        let config = super::super::SessionBuilder::new()
            .protocol_version(ProtocolVersion::V4)
            .compression(Compression::Lz4)
            .into_config();
        let c = connection_config(&config);
        assert_eq!(c.protocol_version, Some(ProtocolVersion::V4));
        assert_eq!(c.compression, Compression::Lz4);
        assert!(c.events.is_empty() && c.keyspace.is_none());
        assert!(c.startup_options.iter().any(|(k, _)| k == "DRIVER_NAME"));
    }
}
