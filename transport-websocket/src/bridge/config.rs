//! The bridge's configuration: [`BridgeConfig`] (what the library runs with) and
//! [`ConfigFile`] (the TOML file, which the binary's flags override).
//!
//! ```toml
//! listen = "127.0.0.1:8443"            # the only address bound
//! path = "/cql"
//! targets = ["10.0.0.5:9042", "10.1.0.0/16:9042-9043", "[fd00::/8]:9042", "db1.internal:9042"]
//! allowed_origins = ["https://app.example.com"]   # omit or empty: Origin not checked
//! allow_anonymous = false
//!
//! [tls]                                # wss; omit for plain ws (e.g. behind a TLS proxy)
//! cert = "bridge.pem"
//! key = "bridge.key"
//! # generate = true                    # or: a CA + certificate for localhost, CA PEM to ca_out
//! # ca_out = "bridge-ca.pem"
//!
//! [auth]
//! secret_file = "/run/secrets/bridge-hmac"   # signed tokens (or `secret = "..."`)
//! [[auth.tokens]]                             # static tokens
//! subject = "batch-jobs"
//! token = "a-long-random-string"
//!
//! [upstream]                           # bridge -> node
//! tls = true
//! ca = "cassandra-ca.pem"              # omit: the system's roots
//! connect_timeout_secs = 5
//!
//! [limits]
//! max_connections = 1024
//! max_connections_per_client = 64
//! max_message_size = 16777216
//! max_handshakes = 512                 # connections not yet admitted, in total
//! max_handshakes_per_ip = 16           # ... and per source address
//! idle_timeout_secs = 300
//! handshake_timeout_secs = 10
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use cql_transport_tcp::TlsConfig;
use serde::Deserialize;

use super::allow::TargetAllowList;
use super::auth::{Secret, StaticToken, TokenAuth};
use super::tls::ServerTls;
use crate::protocol::DEFAULT_PATH;

/// Limits on what clients may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Open tunnels in total (further clients are refused with 4503).
    pub max_connections: usize,
    /// Open tunnels per client: per token subject, or per IP address for anonymous
    /// clients (further ones are refused with 4429).
    pub max_connections_per_client: usize,
    /// The largest WebSocket message (and frame) accepted from a client (1009 above).
    pub max_message_size: usize,
    /// Closes a tunnel (4408) after this long without data in either direction.
    pub idle_timeout: Duration,
    /// Connections not yet admitted — in TLS, in the upgrade request, or being refused —
    /// in total; over it, new sockets are dropped at once. Counted apart from tunnels, so
    /// slow or refused clients never take an admitted client's slot.
    pub max_handshakes: usize,
    /// Connections not yet admitted from one source IP address (over it, that address's
    /// new sockets are dropped). Raise it when many clients share an address (a NAT or
    /// a proxy in front of the bridge).
    pub max_handshakes_per_ip: usize,
    /// The time a client has to complete TLS and the WebSocket upgrade.
    pub handshake_timeout: Duration,
    /// The time allowed to connect to the node (TCP and TLS).
    pub connect_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            max_connections_per_client: 64,
            max_message_size: 16 * 1024 * 1024,
            max_handshakes: 512,
            max_handshakes_per_ip: 16,
            idle_timeout: Duration::from_secs(300),
            handshake_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// Everything the bridge runs with.
#[derive(Debug, Clone)]
pub struct BridgeConfig {
    /// The address to listen on (bound exactly; port 0 picks a free port).
    pub listen: SocketAddr,
    /// The path tunnels are served on (default `/cql`).
    pub path: String,
    /// `wss` certificate; `None` for plain `ws`.
    pub tls: Option<ServerTls>,
    /// Who may connect.
    pub auth: TokenAuth,
    /// Allowed `Origin` values (exact, case-insensitive); empty: not checked. When set, a
    /// request without `Origin` (a non-browser client) is let through: Origin protects
    /// browsers' users, tokens protect the bridge.
    pub allowed_origins: Vec<String>,
    /// The targets clients may reach.
    pub targets: TargetAllowList,
    /// TLS to the nodes; `None` for plain TCP.
    pub upstream_tls: Option<TlsConfig>,
    /// Limits.
    pub limits: Limits,
}

impl BridgeConfig {
    /// A configuration listening on `listen` for `targets`, with no way to authenticate
    /// yet (add tokens, a secret, or allow anonymous clients) and default limits.
    pub fn new(listen: SocketAddr, targets: TargetAllowList) -> Self {
        Self {
            listen,
            path: DEFAULT_PATH.to_string(),
            tls: None,
            auth: TokenAuth::default(),
            allowed_origins: Vec::new(),
            targets,
            upstream_tls: None,
            limits: Limits::default(),
        }
    }

    /// Checks that the configuration can run safely.
    ///
    /// # Errors
    /// No way to authenticate, an empty allow-list, a bad path, zero limits.
    pub fn validate(&self) -> Result<(), String> {
        if !self.auth.is_configured() {
            return Err("no authentication configured: add static tokens, a signing secret, or allow_anonymous = true".into());
        }
        if self.targets.rules().is_empty() {
            return Err("the target allow-list is empty: nothing could be reached".into());
        }
        if !self.path.starts_with('/') {
            return Err(format!("the path `{}` must start with `/`", self.path));
        }
        let l = &self.limits;
        if l.max_connections == 0
            || l.max_connections_per_client == 0
            || l.max_message_size == 0
            || l.max_handshakes == 0
            || l.max_handshakes_per_ip == 0
        {
            return Err("limits must be at least 1".into());
        }
        if l.idle_timeout.is_zero() || l.handshake_timeout.is_zero() || l.connect_timeout.is_zero()
        {
            return Err("timeouts must be positive".into());
        }
        Ok(())
    }
}

/// The TOML configuration file (every field optional; see the module docs).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// `listen`: the address to bind (default `127.0.0.1:8080`).
    pub listen: Option<SocketAddr>,
    /// `path`: the tunnel path (default `/cql`).
    pub path: Option<String>,
    /// `targets`: the allow-list entries.
    #[serde(default)]
    pub targets: Vec<String>,
    /// `allowed_origins`.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// `allow_anonymous`.
    #[serde(default)]
    pub allow_anonymous: bool,
    /// `[tls]`.
    pub tls: Option<TlsSection>,
    /// `[auth]`.
    #[serde(default)]
    pub auth: AuthSection,
    /// `[upstream]`.
    #[serde(default)]
    pub upstream: UpstreamSection,
    /// `[limits]`.
    #[serde(default)]
    pub limits: LimitsSection,
}

/// `[tls]` of the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSection {
    /// Certificate chain PEM file.
    pub cert: Option<PathBuf>,
    /// Private key PEM file.
    pub key: Option<PathBuf>,
    /// Generate a certificate for localhost instead.
    #[serde(default)]
    pub generate: bool,
    /// Where to write the generated CA's PEM.
    pub ca_out: Option<PathBuf>,
}

/// `[auth]` of the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSection {
    /// The signing secret, inline.
    pub secret: Option<String>,
    /// A file holding the signing secret (surrounding whitespace trimmed).
    pub secret_file: Option<PathBuf>,
    /// Static tokens.
    #[serde(default)]
    pub tokens: Vec<TokenEntry>,
}

/// One `[[auth.tokens]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    /// Who holds the token.
    pub subject: String,
    /// The token.
    pub token: String,
}

/// `[upstream]` of the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamSection {
    /// TLS to the nodes.
    #[serde(default)]
    pub tls: bool,
    /// The CA to trust for the nodes (PEM file); none: the system's roots.
    pub ca: Option<PathBuf>,
    /// Connect timeout to a node, in seconds.
    pub connect_timeout_secs: Option<f64>,
}

/// `[limits]` of the file (defaults: [`Limits::default`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSection {
    /// [`Limits::max_connections`].
    pub max_connections: Option<usize>,
    /// [`Limits::max_connections_per_client`].
    pub max_connections_per_client: Option<usize>,
    /// [`Limits::max_message_size`].
    pub max_message_size: Option<usize>,
    /// [`Limits::max_handshakes`].
    pub max_handshakes: Option<usize>,
    /// [`Limits::max_handshakes_per_ip`].
    pub max_handshakes_per_ip: Option<usize>,
    /// [`Limits::idle_timeout`], seconds.
    pub idle_timeout_secs: Option<f64>,
    /// [`Limits::handshake_timeout`], seconds.
    pub handshake_timeout_secs: Option<f64>,
}

fn secs(what: &str, v: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| format!("{what}: {v} is not a valid number of seconds"))
}

impl ConfigFile {
    /// Parses the TOML text of a configuration file.
    ///
    /// # Errors
    /// Syntax errors and unknown keys, with their location.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| format!("bad configuration: {e}"))
    }

    /// Reads and parses a configuration file.
    ///
    /// # Errors
    /// An unreadable file, or what [`parse`](Self::parse) reports.
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The [`BridgeConfig`] this file describes (secret files read now), validated.
    ///
    /// # Errors
    /// Bad target entries, unreadable files, an unsafe configuration
    /// ([`BridgeConfig::validate`]).
    pub fn into_config(self) -> Result<BridgeConfig, String> {
        let listen = self
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let mut config = BridgeConfig::new(listen, TargetAllowList::parse(&self.targets)?);
        if let Some(path) = self.path {
            config.path = path;
        }
        config.allowed_origins = self.allowed_origins;
        config.tls = match self.tls {
            None => None,
            Some(TlsSection {
                generate: true,
                cert: None,
                key: None,
                ..
            }) => Some(ServerTls::Generated),
            Some(TlsSection {
                generate: false,
                cert: Some(cert),
                key: Some(key),
                ..
            }) => Some(ServerTls::Files { cert, key }),
            Some(_) => return Err("[tls] needs either cert and key, or generate = true".into()),
        };
        let secret = match (self.auth.secret, self.auth.secret_file) {
            (Some(_), Some(_)) => {
                return Err("set either auth.secret or auth.secret_file, not both".into());
            }
            (Some(s), None) => Some(s),
            (None, Some(f)) => Some(
                std::fs::read_to_string(&f)
                    .map_err(|e| format!("cannot read secret file {}: {e}", f.display()))?
                    .trim()
                    .to_string(),
            ),
            (None, None) => None,
        };
        if secret.as_deref().is_some_and(|s| s.len() < 16) {
            return Err("the signing secret must be at least 16 bytes".into());
        }
        let mut tokens = Vec::new();
        for t in self.auth.tokens {
            if t.token.len() < 16 {
                return Err(format!(
                    "the static token of `{}` must be at least 16 bytes",
                    t.subject
                ));
            }
            tokens.push(StaticToken {
                subject: t.subject,
                token: Secret::new(t.token),
            });
        }
        config.auth = TokenAuth {
            tokens,
            secret: secret.map(Secret::new),
            allow_anonymous: self.allow_anonymous,
        };
        if self.upstream.tls {
            let builder = match &self.upstream.ca {
                Some(ca) => TlsConfig::builder().ca_pem_file(ca),
                None => TlsConfig::builder().system_roots(),
            };
            config.upstream_tls = Some(builder.build().map_err(|e| format!("upstream TLS: {e}"))?);
        } else if self.upstream.ca.is_some() {
            return Err("upstream.ca is set but upstream.tls is false".into());
        }
        let l = &mut config.limits;
        let f = self.limits;
        if let Some(v) = f.max_connections {
            l.max_connections = v;
        }
        if let Some(v) = f.max_connections_per_client {
            l.max_connections_per_client = v;
        }
        if let Some(v) = f.max_message_size {
            l.max_message_size = v;
        }
        if let Some(v) = f.max_handshakes {
            l.max_handshakes = v;
        }
        if let Some(v) = f.max_handshakes_per_ip {
            l.max_handshakes_per_ip = v;
        }
        if let Some(v) = f.idle_timeout_secs {
            l.idle_timeout = secs("idle_timeout_secs", v)?;
        }
        if let Some(v) = f.handshake_timeout_secs {
            l.handshake_timeout = secs("handshake_timeout_secs", v)?;
        }
        if let Some(v) = self.upstream.connect_timeout_secs {
            l.connect_timeout = secs("connect_timeout_secs", v)?;
        }
        config.validate()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_file() {
        let file = ConfigFile::parse(
            r#"
            listen = "127.0.0.1:0"
            targets = ["127.0.0.1:9042", "10.0.0.0/8:9042-9043"]
            allowed_origins = ["https://app.example"]
            [tls]
            generate = true
            [auth]
            secret = "0123456789abcdef"
            [[auth.tokens]]
            subject = "ops"
            token = "0123456789abcdefXYZ"
            [limits]
            max_connections = 10
            max_handshakes_per_ip = 3
            idle_timeout_secs = 0.5
            handshake_timeout_secs = 2
            "#,
        )
        .unwrap();
        let c = file.into_config().unwrap();
        assert_eq!(c.path, "/cql");
        assert_eq!(c.tls, Some(ServerTls::Generated));
        assert_eq!(c.targets.rules().len(), 2);
        assert_eq!(c.limits.max_connections, 10);
        assert_eq!(c.limits.idle_timeout, Duration::from_millis(500));
        assert_eq!(c.limits.max_handshakes_per_ip, 3);
        assert_eq!(c.limits.handshake_timeout, Duration::from_secs(2));
        assert_eq!(c.auth.tokens.len(), 1);
        assert!(!format!("{c:?}").contains("0123456789abcdef"));
    }

    #[test]
    fn refusals() {
        assert!(
            ConfigFile::parse("bogus = 1")
                .unwrap_err()
                .contains("bogus")
        );
        let no_auth = ConfigFile::parse(r#"targets = ["127.0.0.1:9042"]"#).unwrap();
        assert!(
            no_auth
                .into_config()
                .unwrap_err()
                .contains("authentication")
        );
        let no_targets = ConfigFile::parse("allow_anonymous = true").unwrap();
        assert!(no_targets.into_config().unwrap_err().contains("allow-list"));
        let short = ConfigFile::parse("targets = [\"h:1\"]\n[auth]\nsecret = \"short\"").unwrap();
        assert!(short.into_config().unwrap_err().contains("16 bytes"));
        let bad_tls =
            ConfigFile::parse("allow_anonymous = true\ntargets = [\"h:1\"]\n[tls]\ncert = \"c\"")
                .unwrap();
        assert!(bad_tls.into_config().unwrap_err().contains("[tls]"));
    }
}
