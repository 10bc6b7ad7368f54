//! [`SessionBuilderOn`] (and its platform-less alias [`SessionBuilder`]): the one way to
//! open a [`Session`]: settings, the platform to run on, then
//! [`connect`](SessionBuilderOn::connect).

use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;
use core::marker::PhantomData;
use core::time::Duration;

use super::config::{ContactPoint, ExecutionProfile, SessionConfig};
use super::error::Error;
use super::host_events::HostListener;
use super::schema_listener::SchemaListener;
use super::session::Session;
use super::timestamp::TimestampGenerator;
use super::tracker::RequestTracker;
use crate::cluster::schema::SchemaFilter;
use crate::connection::{Authenticator, PlainTextAuthenticator};
use crate::frame::{Compression, ProtocolVersion};
use crate::message::Consistency;
use crate::policies::address_translation::AddressTranslator;
use crate::policies::load_balancing::LoadBalancingPolicy;
use crate::policies::reconnection::ReconnectionPolicy;
use crate::policies::retry::RetryPolicy;
use crate::policies::speculative::SpeculativeExecutionPolicy;
use crate::runtime::{DefaultPlatform, NoDefaultPlatform, Platform, Runtime, Transport};

/// Builds a [`Session`]: set what differs from the defaults, then
/// [`connect`](Self::connect).
///
/// `P` names the platform used for what the builder is not given (see
/// [`DefaultPlatform`]): [`SessionBuilder`] has none, so it needs
/// [`transport`](Self::transport) and [`runtime`](Self::runtime) (or
/// [`platform`](Self::platform)); `cql_transport_tcp::SessionBuilder` is this builder on
/// tokio and TCP, so there `SessionBuilder::new().contact_point(..).connect()` is all.
///
/// ```
/// # use cql_core::session::SessionBuilder;
/// # use cql_core::Consistency;
/// let builder = SessionBuilder::new()
///     .contact_point("127.0.0.1:9042")
///     .credentials("cassandra", "cassandra")
///     .consistency(Consistency::LocalQuorum);
/// assert_eq!(builder.config().default_profile.page_size, Some(5000));
/// ```
pub struct SessionBuilderOn<P: DefaultPlatform = NoDefaultPlatform> {
    config: SessionConfig,
    transport: Option<Arc<dyn Transport>>,
    runtime: Option<Arc<dyn Runtime>>,
    platform: PhantomData<fn() -> P>,
}

/// The session builder with no default platform (give it a transport and a runtime).
pub type SessionBuilder = SessionBuilderOn<NoDefaultPlatform>;

impl<P: DefaultPlatform> Clone for SessionBuilderOn<P> {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
            transport: self.transport.clone(),
            runtime: self.runtime.clone(),
            platform: PhantomData,
        }
    }
}

impl<P: DefaultPlatform> Default for SessionBuilderOn<P> {
    fn default() -> Self {
        Self::from_config(SessionConfig::default())
    }
}

/// Never prints credentials (the configuration's Debug hides them).
impl<P: DefaultPlatform> fmt::Debug for SessionBuilderOn<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("config", &self.config)
            .field("transport", &self.transport.as_ref().map(|_| "<given>"))
            .field("runtime", &self.runtime)
            .finish()
    }
}

impl<P: DefaultPlatform> SessionBuilderOn<P> {
    /// A builder with every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder starting from `config`.
    pub fn from_config(config: SessionConfig) -> Self {
        Self {
            config,
            transport: None,
            runtime: None,
            platform: PhantomData,
        }
    }

    /// Opens the session: reads the cluster's topology through a control connection to
    /// the first reachable contact point, then opens the pools of the hosts the
    /// load-balancing policy uses. Succeeds when at least one host is reachable.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a bad configuration (a local datacenter no node is
    /// in, no transport or runtime); [`Error::NoHostAvailable`] with each host's error
    /// when none could be reached.
    pub async fn connect(self) -> Result<Session, Error> {
        let default = P::platform();
        let transport = self
            .transport
            .or_else(|| default.as_ref().map(|p| Arc::clone(&p.transport)));
        let runtime = self
            .runtime
            .or_else(|| default.as_ref().map(|p| Arc::clone(&p.runtime)));
        let (Some(transport), Some(runtime)) = (transport, runtime) else {
            return Err(Error::InvalidArgument(String::from(
                "no transport or runtime to connect with: give the builder both (or use a host crate's builder, such as cql_transport_tcp::SessionBuilder)",
            )));
        };
        Session::open(self.config, transport, runtime).await
    }

    /// Opens connections with `transport` (TLS, a WebSocket tunnel, your own) instead of
    /// the platform's default.
    #[must_use]
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Spawns, sleeps and reads clocks with `runtime` instead of the platform's default.
    #[must_use]
    pub fn runtime(mut self, runtime: impl Runtime) -> Self {
        self.runtime = Some(Arc::new(runtime));
        self
    }

    /// Uses `platform`'s transport and runtime.
    #[must_use]
    pub fn platform(mut self, platform: Platform) -> Self {
        self.transport = Some(platform.transport);
        self.runtime = Some(platform.runtime);
        self
    }

    /// The configuration so far.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// The configuration, consumed.
    pub fn into_config(self) -> SessionConfig {
        self.config
    }

    /// Adds a contact point: `"host"`, `"host:port"`, `"[v6]:port"`, a [`NodeAddr`](crate::runtime::NodeAddr) or
    /// a socket address.
    #[must_use]
    pub fn contact_point(mut self, cp: impl Into<ContactPoint>) -> Self {
        self.config.contact_points.push(cp.into());
        self
    }

    /// Adds several contact points.
    #[must_use]
    pub fn contact_points<C: Into<ContactPoint>>(
        mut self,
        cps: impl IntoIterator<Item = C>,
    ) -> Self {
        self.config
            .contact_points
            .extend(cps.into_iter().map(Into::into));
        self
    }

    /// Port for contact points that name none.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }

    /// The local datacenter.
    #[must_use]
    pub fn local_datacenter(mut self, dc: impl Into<String>) -> Self {
        self.config.local_datacenter = Some(dc.into());
        self
    }

    /// User name and password (SASL PLAIN, Cassandra's PasswordAuthenticator).
    #[must_use]
    pub fn credentials(self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.authenticator(Arc::new(PlainTextAuthenticator::new(username, password)))
    }

    /// Any authenticator.
    #[must_use]
    pub fn authenticator(mut self, authenticator: Arc<dyn Authenticator>) -> Self {
        self.config.connection.authenticator = Some(authenticator);
        self
    }

    /// Compression: [`Compression::Lz4`], [`Compression::Snappy`] (v4 only; v5 then
    /// runs uncompressed) or [`Compression::None`].
    #[must_use]
    pub fn compression(mut self, compression: Compression) -> Self {
        self.config.connection.compression = compression;
        self
    }

    /// A fixed protocol version (default: negotiated).
    #[must_use]
    pub fn protocol_version(mut self, version: ProtocolVersion) -> Self {
        self.config.connection.protocol_version = Some(version);
        self
    }

    /// Connect (and handshake) timeout.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connection.connect_timeout = timeout;
        self
    }

    /// Default request timeout (of the default profile); `None` waits for ever.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.default_profile.request_timeout = timeout;
        self
    }

    /// Heartbeat interval; `None` turns heartbeats off.
    #[must_use]
    pub fn heartbeat_interval(mut self, interval: Option<Duration>) -> Self {
        self.config.connection.heartbeat_interval = interval;
        self
    }

    /// Connections per host of the local datacenter (at least 1).
    #[must_use]
    pub fn connections_per_host(mut self, n: usize) -> Self {
        self.config.connections_per_host = n.max(1);
        self
    }

    /// Connections per remote host the load-balancing policy uses (at least 1).
    #[must_use]
    pub fn connections_per_remote_host(mut self, n: usize) -> Self {
        self.config.connections_per_remote_host = n.max(1);
        self
    }

    /// The session's load-balancing policy (default: token-aware over DC-aware).
    #[must_use]
    pub fn load_balancing_policy(mut self, policy: Arc<dyn LoadBalancingPolicy>) -> Self {
        self.config.load_balancing_policy = Some(policy);
        self
    }

    /// The reconnection policy (default: exponential, 1 s to 10 minutes, jitter).
    #[must_use]
    pub fn reconnection_policy(mut self, policy: Arc<dyn ReconnectionPolicy>) -> Self {
        self.config.reconnection_policy = Some(policy);
        self
    }

    /// The address translator (default: addresses used as the cluster reports them).
    #[must_use]
    pub fn address_translator(mut self, translator: Arc<dyn AddressTranslator>) -> Self {
        self.config.address_translator = translator;
        self
    }

    /// Longest wait for schema agreement after a schema change (zero: no wait).
    #[must_use]
    pub fn max_schema_agreement_wait(mut self, wait: Duration) -> Self {
        self.config.max_schema_agreement_wait = wait;
        self
    }

    /// Default speculative execution policy (of the default profile).
    #[must_use]
    pub fn speculative_execution_policy(
        mut self,
        policy: Arc<dyn SpeculativeExecutionPolicy>,
    ) -> Self {
        self.config.default_profile.speculative_execution_policy = Some(policy);
        self
    }

    /// Keyspace used from the start.
    #[must_use]
    pub fn keyspace(mut self, keyspace: impl Into<String>) -> Self {
        self.config.keyspace = Some(keyspace.into());
        self
    }

    /// Default consistency.
    #[must_use]
    pub fn consistency(mut self, consistency: Consistency) -> Self {
        self.config.default_profile.consistency = consistency;
        self
    }

    /// Default serial consistency.
    #[must_use]
    pub fn serial_consistency(mut self, consistency: Consistency) -> Self {
        self.config.default_profile.serial_consistency = Some(consistency);
        self
    }

    /// Default page size; `None` turns paging off.
    #[must_use]
    pub fn page_size(mut self, page_size: Option<i32>) -> Self {
        self.config.default_profile.page_size = page_size;
        self
    }

    /// Default retry policy.
    #[must_use]
    pub fn retry_policy(mut self, policy: Arc<dyn RetryPolicy>) -> Self {
        self.config.default_profile.retry_policy = policy;
        self
    }

    /// Whether statements are idempotent by default.
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.config.default_profile.idempotent = idempotent;
        self
    }

    /// Replaces the default execution profile.
    #[must_use]
    pub fn default_profile(mut self, profile: ExecutionProfile) -> Self {
        self.config.default_profile = profile;
        self
    }

    /// Adds (or replaces) a named execution profile.
    #[must_use]
    pub fn execution_profile(mut self, name: impl Into<String>, profile: ExecutionProfile) -> Self {
        self.config.profiles.insert(name.into(), profile);
        self
    }

    /// Adds (or replaces) a graph profile: [`GRAPH_DEFAULT`](super::graph::GRAPH_DEFAULT)
    /// replaces the one graph statements use unless they name another.
    #[must_use]
    pub fn graph_profile(
        mut self,
        name: impl Into<String>,
        profile: super::graph::GraphProfile,
    ) -> Self {
        let name = name.into();
        let profiles = &mut self.config.graph_profiles;
        match profiles.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = profile,
            None => profiles.push((name, profile)),
        }
        self
    }

    /// The timestamp generator.
    #[must_use]
    pub fn timestamp_generator(mut self, generator: Arc<dyn TimestampGenerator>) -> Self {
        self.config.timestamp_generator = generator;
        self
    }

    /// Application name (STARTUP `APPLICATION_NAME`).
    #[must_use]
    pub fn application_name(mut self, name: impl Into<String>) -> Self {
        self.config.application_name = Some(name.into());
        self
    }

    /// Application version (STARTUP `APPLICATION_VERSION`).
    #[must_use]
    pub fn application_version(mut self, version: impl Into<String>) -> Self {
        self.config.application_version = Some(version.into());
        self
    }

    /// Client id (STARTUP `CLIENT_ID`).
    #[must_use]
    pub fn client_id(mut self, id: uuid::Uuid) -> Self {
        self.config.client_id = Some(id);
        self
    }

    /// A tracker told about every request (see [`RequestTracker`]).
    #[must_use]
    pub fn request_tracker(mut self, tracker: Arc<dyn RequestTracker>) -> Self {
        self.config.request_tracker = Some(tracker);
        self
    }

    /// Adds a listener told when hosts are added, removed, go down (with why) or up, and
    /// of every failed connection attempt (see [`HostListener`]).
    #[must_use]
    pub fn host_listener(mut self, listener: Arc<dyn HostListener>) -> Self {
        self.config.host_listeners.push(listener);
        self
    }

    /// Which keyspaces' schema metadata to read and keep current:
    /// [`SchemaFilter::All`] (the default), [`SchemaFilter::keyspaces`] to restrict it, or
    /// [`SchemaFilter::Off`] to read none (a session that never asks for metadata then
    /// saves the startup queries and their memory).
    #[must_use]
    pub fn schema_metadata(mut self, filter: SchemaFilter) -> Self {
        self.config.schema_metadata = filter;
        self
    }

    /// Adds a listener told of every schema change the cluster announces, after the
    /// session's [metadata](super::Session::metadata) took it in.
    #[must_use]
    pub fn schema_listener(mut self, listener: Arc<dyn SchemaListener>) -> Self {
        self.config.schema_listeners.push(listener);
        self
    }
}
