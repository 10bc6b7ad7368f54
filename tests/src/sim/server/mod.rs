//! The native-protocol server of a simulated node: a tokio listener bound to the
//! configured (loopback) address, one task per connection, protocol v3/v4/v5 with LZ4 and
//! Snappy, optional TLS and PasswordAuthenticator, events, and primed responses.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use cql_testkit::sim::server::{SimServer, SimServerConfig};
//! let server = SimServer::start(SimServerConfig::default()).await?;
//! println!("listening on {}", server.local_addr());
//! server.stop().await;
//! # Ok(()) }
//! ```
//!
//! ```text
//!   mod         configuration, start, handle, accept loop
//!   connection  per-connection read/write loops (I/O)
//!   session     the protocol state machine: handshake, auth, dispatch to the node
//!   framing     bytes ⇄ frames: v4 body compression, v5 segments, framing errors
//!   results     request parameters ⇄ node types, outcomes → RESULT messages
//!   version     accepted versions, their names and Cassandra's refusal
//!   primes      primed responses
//!   tls         rustls acceptor with a generated or loaded certificate
//!   (fault rules and request records live in crate::sim::faults; session and
//!   connection consult them, the accept loop numbers and refuses connections)
//! ```

pub mod client_state;
pub mod connection;
pub mod framing;
pub mod lenient;
pub mod primes;
pub mod results;
pub mod tls;
pub mod version;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use cql_core::frame::{DEFAULT_MAX_BODY_LEN, ProtocolVersion};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

pub use client_state::PASSWORD_AUTHENTICATOR;
pub use primes::{Prime, Primes};
pub use tls::{GeneratedPem, ServerCertificate, TlsInfo, generate_pem};

use crate::sim::faults::{FaultInjector, RequestLog};
use crate::sim::node::{Node, NodeConfig};
use crate::sim::schema::SchemaFeatures;
use client_state::Shared;

/// How long a client has to finish the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How a simulated node's server is set up.
#[derive(Debug, Clone)]
pub struct SimServerConfig {
    /// The address to listen on (default `127.0.0.1:0`: a free loopback port).
    pub listen: SocketAddr,
    /// The node's identity, users and clock (ignored by [`SimServer::start_with_node`]).
    pub node: NodeConfig,
    /// TLS, when wanted.
    pub tls: Option<ServerCertificate>,
    /// Primed responses.
    pub primes: Primes,
    /// Accepted protocol versions (default v3, v4, v5).
    pub protocol_versions: Vec<ProtocolVersion>,
    /// The largest frame body accepted (default 256 MiB).
    pub max_frame_body: usize,
    /// Fault rules (default: none; share one injector between servers to script them
    /// together).
    pub faults: FaultInjector,
    /// Where requests are recorded (default: a fresh log of 100 000 records).
    pub request_log: RequestLog,
}

impl Default for SimServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            node: NodeConfig::default(),
            tls: None,
            primes: Primes::new(),
            protocol_versions: version::ALL_VERSIONS.to_vec(),
            max_frame_body: DEFAULT_MAX_BODY_LEN,
            faults: FaultInjector::new(),
            request_log: RequestLog::new(),
        }
    }
}

impl SimServerConfig {
    /// The default configuration listening on `listen`.
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            ..Self::default()
        }
    }

    /// Adds a PasswordAuthenticator user (authentication is required once one exists).
    #[must_use]
    pub fn with_user(mut self, name: impl Into<String>, password: impl Into<String>) -> Self {
        self.node.users.push((name.into(), password.into()));
        self
    }

    /// Checks permissions (CassandraAuthorizer): clients log in (as `cassandra`/`cassandra`,
    /// a configured user or a role created WITH LOGIN and a PASSWORD) and need the
    /// permissions GRANTed to run statements.
    #[must_use]
    pub fn with_authorizer(mut self) -> Self {
        self.node.auth = crate::sim::auth::AuthConfig::enforcing();
        self
    }

    /// Requires clients to log in (PasswordAuthenticator) without configured users: the
    /// default `cassandra`/`cassandra` superuser and roles created WITH LOGIN log in.
    #[must_use]
    pub fn with_authenticator(mut self) -> Self {
        self.node.auth.authenticator = true;
        self
    }

    /// Sets which optional schema objects (functions, views) the node accepts.
    #[must_use]
    pub fn with_features(mut self, features: SchemaFeatures) -> Self {
        self.node.features = features;
        self
    }

    /// Plays a DataStax Enterprise 6.8.40 node with the Graph workload (see
    /// [`crate::sim::dse`]).
    #[must_use]
    pub fn with_dse(self) -> Self {
        self.with_dse_info(crate::sim::info::DseInfo::default())
    }

    /// Plays a DataStax Enterprise node with this identity; `release_version` becomes
    /// the one DSE reports ([`DseInfo::release_version`](crate::sim::info::DseInfo::release_version)).
    #[must_use]
    pub fn with_dse_info(mut self, dse: crate::sim::info::DseInfo) -> Self {
        self.node.info.release_version = dse.release_version();
        self.node.info.dse = Some(dse);
        self
    }

    /// Enables TLS.
    #[must_use]
    pub fn with_tls(mut self, tls: ServerCertificate) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Sets the primed responses.
    #[must_use]
    pub fn with_primes(mut self, primes: Primes) -> Self {
        self.primes = primes;
        self
    }

    /// Uses these fault rules (a clone of the handle: rules added later apply too).
    #[must_use]
    pub fn with_faults(mut self, faults: FaultInjector) -> Self {
        self.faults = faults;
        self
    }

    /// Records requests in this log (a clone of the handle).
    #[must_use]
    pub fn with_request_log(mut self, log: RequestLog) -> Self {
        self.request_log = log;
        self
    }

    /// Restricts the accepted protocol versions.
    #[must_use]
    pub fn with_protocol_versions(mut self, versions: Vec<ProtocolVersion>) -> Self {
        self.protocol_versions = versions;
        self
    }
}

/// Starts simulated nodes.
#[derive(Debug)]
pub struct SimServer;

impl SimServer {
    /// Binds `config.listen`, creates a node (its `native_port` and address set to the
    /// bound ones) and serves it until [`SimServerHandle::stop`].
    ///
    /// # Errors
    /// The address cannot be bound, or the TLS setup failed.
    pub async fn start(config: SimServerConfig) -> io::Result<SimServerHandle> {
        let listener = TcpListener::bind(config.listen).await?;
        let local = listener.local_addr()?;
        let mut node_config = config.node.clone();
        node_config.info.native_port = local.port();
        if !local.ip().is_unspecified() {
            node_config.info.address = local.ip();
        }
        Self::serve(listener, Node::new(node_config), config)
    }

    /// Like [`start`](Self::start) for an existing node (several servers may share one).
    ///
    /// # Errors
    /// As [`start`](Self::start).
    pub async fn start_with_node(
        node: Node,
        config: SimServerConfig,
    ) -> io::Result<SimServerHandle> {
        let listener = TcpListener::bind(config.listen).await?;
        Self::serve(listener, node, config)
    }

    /// Like [`start_with_node`](Self::start_with_node) on a listener already bound (a
    /// cluster binds every node's address before starting any).
    ///
    /// # Errors
    /// The TLS setup failed.
    pub fn start_with_listener(
        listener: TcpListener,
        node: Node,
        config: SimServerConfig,
    ) -> io::Result<SimServerHandle> {
        Self::serve(listener, node, config)
    }

    fn serve(
        listener: TcpListener,
        node: Node,
        config: SimServerConfig,
    ) -> io::Result<SimServerHandle> {
        let local_addr = listener.local_addr()?;
        let tls = match &config.tls {
            Some(t) => Some(tls::setup(t).map_err(io::Error::other)?),
            None => None,
        };
        let mut versions = config.protocol_versions.clone();
        versions.sort();
        versions.dedup();
        if versions.is_empty() {
            versions = version::ALL_VERSIONS.to_vec();
        }
        let shared = Arc::new(Shared {
            node: node.clone(),
            primes: config.primes.clone(),
            prepared_primes: primes::PreparedPrimes::default(),
            versions,
            addr: local_addr,
            faults: config.faults.clone(),
            log: config.request_log.clone(),
        });
        let (stop_tx, stop_rx) = watch::channel(false);
        let acceptor = tls.as_ref().map(|t| t.acceptor.clone());
        let task = tokio::spawn(accept_loop(
            listener,
            shared,
            acceptor,
            config.max_frame_body,
            stop_rx,
        ));
        Ok(SimServerHandle {
            local_addr,
            node,
            tls: tls.map(|t| t.info),
            faults: config.faults,
            request_log: config.request_log,
            stop: stop_tx,
            task: Some(task),
        })
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    max_body: usize,
    mut stop: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    let mut accepted_count = 0u64;
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else {
                    // Out of file descriptors and the like: back off briefly.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                // Connections are numbered from 1 for fault rules and request records.
                accepted_count += 1;
                if shared.refuses(accepted_count) {
                    drop(tcp);
                    continue;
                }
                let task = connection_task(tcp, shared.clone(), tls.clone(), max_body, accepted_count);
                connections.spawn(task);
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    connections.shutdown().await;
}

async fn connection_task(
    tcp: TcpStream,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    max_body: usize,
    id: u64,
) {
    let _ = tcp.set_nodelay(true);
    let peer = tcp.peer_addr().ok();
    let clients = shared.node.info().clients.clone();
    match tls {
        None => {
            let client = peer.map(|p| clients.connect(p, None));
            connection::serve(tcp, shared, max_body, id, client).await;
        }
        Some(acceptor) => {
            if let Ok(Ok(stream)) =
                tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
            {
                let ssl = tls::session_names(stream.get_ref().1);
                let client = peer.map(|p| clients.connect(p, Some(ssl)));
                connection::serve(stream, shared, max_body, id, client).await;
            }
        }
    }
}

/// A running simulated node. Dropping it stops the server without waiting.
#[derive(Debug)]
pub struct SimServerHandle {
    local_addr: SocketAddr,
    node: Node,
    tls: Option<TlsInfo>,
    faults: FaultInjector,
    request_log: RequestLog,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl SimServerHandle {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The node behind the server.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// The TLS certificates, when TLS is on.
    pub fn tls(&self) -> Option<&TlsInfo> {
        self.tls.as_ref()
    }

    /// The server's fault rules (add and remove rules while it runs).
    pub fn faults(&self) -> &FaultInjector {
        &self.faults
    }

    /// The records of the requests the server received.
    pub fn request_log(&self) -> &RequestLog {
        &self.request_log
    }

    /// Stops accepting, closes every connection and waits until all is torn down.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimServerHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            // Aborting drops the accept loop's JoinSet, which aborts every connection.
            task.abort();
        }
    }
}
