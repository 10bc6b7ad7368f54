//! `cql-bridge` as a library: accepts WebSocket tunnels (ws or wss), authenticates them,
//! and for each dials one allowed node over TCP or TLS and copies bytes both ways.
//!
//! ```no_run
//! use cql_transport_websocket::bridge::{Bridge, BridgeConfig, TargetAllowList};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let mut config = BridgeConfig::new(
//!     "127.0.0.1:8080".parse()?,
//!     TargetAllowList::parse(&["127.0.0.1:9042"])?,
//! );
//! config.auth.allow_anonymous = true;
//! let bridge = Bridge::start(config).await?;
//! println!("tunnels at {}", bridge.url());
//! bridge.stop().await;
//! # Ok(())
//! # }
//! ```
//!
//! Logs go through `tracing` (one span per tunnel: id, peer IP, subject, target); they
//! never contain tokens, secrets or CQL bytes.

mod allow;
mod auth;
mod config;
mod handshake;
mod limits;
mod tls;
mod tunnel;
mod untrusted;

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use allow::{TargetAllowList, TargetRule};
pub use auth::{Secret, StaticToken, TokenAuth, mint_token};
pub use config::{
    AuthSection, BridgeConfig, ConfigFile, Limits, LimitsSection, TlsSection, TokenEntry,
    UpstreamSection,
};
pub use tls::ServerTls;

use limits::Limiter;

/// Why the bridge could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeError(String);

impl fmt::Display for BridgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BridgeError {}

/// State shared by every tunnel.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The configuration new tunnels use (swapped by [`BridgeHandle::reload`]).
    config: RwLock<Arc<BridgeConfig>>,
    pub(crate) limiter: Arc<Limiter>,
    pub(crate) next_id: AtomicU64,
}

impl Shared {
    /// The configuration now in force; a tunnel keeps the one it started with.
    pub(crate) fn config(&self) -> Arc<BridgeConfig> {
        self.config
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Starts bridges.
#[derive(Debug)]
pub struct Bridge;

impl Bridge {
    /// Validates `config`, binds its address and serves tunnels in the background until
    /// [`BridgeHandle::stop`].
    ///
    /// # Errors
    /// An unsafe configuration, TLS material that cannot be loaded, a bind failure.
    pub async fn start(config: BridgeConfig) -> Result<BridgeHandle, BridgeError> {
        config.validate().map_err(BridgeError)?;
        let (acceptor, ca_pem) = match &config.tls {
            Some(tls) => {
                let (a, ca) = tls::acceptor(tls).map_err(BridgeError)?;
                (Some(a), ca)
            }
            None => (None, None),
        };
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| BridgeError(format!("cannot listen on {}: {e}", config.listen)))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| BridgeError(format!("cannot read the bound address: {e}")))?;
        let limiter = Limiter::new(&config.limits);
        let url = format!(
            "{}://{}{}",
            if acceptor.is_some() { "wss" } else { "ws" },
            local_addr,
            config.path
        );
        let shared = Arc::new(Shared {
            config: RwLock::new(Arc::new(config)),
            limiter: limiter.clone(),
            next_id: AtomicU64::new(1),
        });
        let (stop_tx, stop_rx) = watch::channel(false);
        tracing::info!(listen = %local_addr, tls = acceptor.is_some(), "cql-bridge listening");
        let task = tokio::spawn(accept_loop(listener, shared.clone(), acceptor, stop_rx));
        Ok(BridgeHandle {
            shared,
            local_addr,
            url,
            ca_pem,
            limiter,
            stop: stop_tx,
            task,
        })
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    mut stop: watch::Receiver<bool>,
) {
    let mut tunnels = tokio::task::JoinSet::new();
    let tunnel_stop = stop.clone();
    let mut dropped = DroppedSockets::default();
    loop {
        tokio::select! {
            _ = async { let _ = stop.wait_for(|s| *s).await; } => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    let slot = match shared.limiter.handshake(peer.ip()) {
                        Ok(slot) => slot,
                        Err(why) => {
                            // Dropped before reading a byte: nothing to hold for a client
                            // over its share.
                            dropped.count(why);
                            continue;
                        }
                    };
                    let _ = tcp.set_nodelay(true);
                    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
                    tunnels.spawn(tunnel::run(
                        tcp, peer, id, shared.clone(), acceptor.clone(), slot, tunnel_stop.clone(),
                    ));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            Some(_) = tunnels.join_next(), if !tunnels.is_empty() => {}
        }
    }
    // Tunnels see the stop signal and close with 1001; give them a moment.
    let drain = async { while tunnels.join_next().await.is_some() {} };
    if tokio::time::timeout(std::time::Duration::from_secs(3), drain)
        .await
        .is_err()
    {
        tunnels.abort_all();
    }
    tracing::info!("cql-bridge stopped");
}

/// Sockets dropped over the handshake limits, logged at most once a second (a flood of
/// them must not become a flood of log lines).
#[derive(Default)]
struct DroppedSockets {
    per_ip: u64,
    total: u64,
    last_report: Option<std::time::Instant>,
}

impl DroppedSockets {
    fn count(&mut self, why: limits::HandshakeRefusal) {
        match why {
            limits::HandshakeRefusal::PerIp => self.per_ip += 1,
            limits::HandshakeRefusal::Total => self.total += 1,
        }
        let now = std::time::Instant::now();
        if self
            .last_report
            .is_some_and(|t| now.duration_since(t) < std::time::Duration::from_secs(1))
        {
            return;
        }
        tracing::warn!(
            over_per_ip_limit = self.per_ip,
            over_total_limit = self.total,
            "sockets dropped: too many handshakes in progress (max_handshakes_per_ip / max_handshakes)"
        );
        *self = Self {
            last_report: Some(now),
            ..Self::default()
        };
    }
}

/// A running bridge.
#[derive(Debug)]
pub struct BridgeHandle {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    url: String,
    ca_pem: Option<String>,
    limiter: Arc<Limiter>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl BridgeHandle {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The bridge's tunnel URL without a target, e.g. `ws://127.0.0.1:8080/cql` (what
    /// [`BridgeAddressMap::new`](crate::BridgeAddressMap::new) takes).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The PEM of the generated CA clients must trust ([`ServerTls::Generated`] only).
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Open tunnels (admitted connections), counted against `max_connections`.
    pub fn active_connections(&self) -> usize {
        self.limiter.tunnels()
    }

    /// Connections not yet admitted: in TLS, in the upgrade request, or being refused
    /// (counted against `max_handshakes`, apart from the tunnels).
    pub fn pending_handshakes(&self) -> usize {
        self.limiter.handshakes()
    }

    /// Replaces the configuration for tunnels opened from now on: allow-list,
    /// authentication (tokens, signing secret, anonymous), allowed origins, upstream TLS,
    /// path and limits. Open tunnels keep running under the configuration they started
    /// with. What is bound at start — the listen address and the `wss` certificate —
    /// cannot change this way: a configuration that changes them is refused whole.
    ///
    /// # Errors
    /// An unsafe configuration (as [`Bridge::start`]) or one changing `listen`/`tls`;
    /// the running configuration is then left as it was.
    pub fn reload(&self, config: BridgeConfig) -> Result<(), BridgeError> {
        config.validate().map_err(BridgeError)?;
        let mut current = self
            .shared
            .config
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if config.listen != current.listen {
            return Err(BridgeError(format!(
                "the listen address cannot change without a restart ({} -> {})",
                current.listen, config.listen
            )));
        }
        if config.tls != current.tls {
            return Err(BridgeError(
                "the wss certificate settings cannot change without a restart".into(),
            ));
        }
        self.limiter.set_limits(&config.limits);
        tracing::info!(
            targets = config.targets.rules().len(),
            "configuration reloaded"
        );
        *current = Arc::new(config);
        Ok(())
    }

    /// Stops accepting, closes every tunnel with 1001 and waits (a few seconds at most).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}
