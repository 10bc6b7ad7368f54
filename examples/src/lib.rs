//! Where the examples connect: the cluster named on the command line, or a simulated
//! Cassandra (`cql-sim`, from `cql-testkit`) started inside the example's own process.
//!
//! Nothing here calls the driver: each example builds its own session from
//! [`ExampleCluster::contact_point`], so everything it teaches is in its own file.
//!
//! ```text
//! cargo run -p cql-examples --example NAME                                  # simulated
//! cargo run -p cql-examples --example NAME -- --contact-point HOST:PORT     # your cluster
//! cargo run -p cql-examples --example tls_and_auth -- --contact-point HOST:PORT \
//!     --user NAME --password PASSWORD --tls-ca CA.pem
//! ```

use std::error::Error;
use std::fmt;

use cql_testkit::sim::cluster::{SimCluster, SimClusterConfig};

/// The cluster an example talks to: yours (`--contact-point`) or a simulated one.
#[derive(Debug)]
pub struct ExampleCluster {
    contact_point: String,
    simulated: Option<SimCluster>,
    /// What the simulated cluster plays: `Cassandra`, or `DSE` with `with_dse()`.
    product: &'static str,
}

/// What `tls_and_auth` needs besides the contact point.
#[derive(Debug, Clone)]
pub struct TlsAndLogin {
    /// The user name to log in with.
    pub user: String,
    /// Its password.
    pub password: String,
    /// The PEM text of the certificate authority the nodes' certificates chain to.
    pub ca_pem: String,
}

impl ExampleCluster {
    /// The cluster of `--contact-point HOST:PORT`, or else one simulated node.
    ///
    /// # Errors
    /// The simulated node could not start.
    pub async fn from_args() -> Result<Self, Box<dyn Error>> {
        Self::from_args_or(SimClusterConfig::nodes(1)).await
    }

    /// The cluster of `--contact-point HOST:PORT`, or else a simulated cluster laid out
    /// as `config` says (`SimClusterConfig::nodes(3)`: three nodes on 127.0.0.1-3;
    /// `SimClusterConfig::nodes(1).with_dse()`: one node playing DataStax Enterprise).
    ///
    /// # Errors
    /// The simulated cluster could not start.
    pub async fn from_args_or(config: SimClusterConfig) -> Result<Self, Box<dyn Error>> {
        match Args::parse(false).contact_point {
            Some(contact_point) => Ok(Self {
                contact_point,
                simulated: None,
                product: "Cassandra",
            }),
            None => Self::start_simulated(config).await,
        }
    }

    /// The cluster of `--contact-point HOST:PORT --user NAME --password PASSWORD --tls-ca
    /// CA.pem`, or else a simulated node with TLS (a CA and a certificate generated at
    /// start) that wants the password `password` of `user`.
    ///
    /// # Errors
    /// The CA file could not be read, or the simulated node could not start.
    pub async fn secured_from_args(
        user: &str,
        password: &str,
    ) -> Result<(Self, TlsAndLogin), Box<dyn Error>> {
        let args = Args::parse(true);
        if let (Some(contact_point), Some(user), Some(password), Some(ca_file)) =
            (args.contact_point, args.user, args.password, args.tls_ca)
        {
            let ca_pem = std::fs::read_to_string(&ca_file)
                .map_err(|e| format!("--tls-ca {ca_file}: {e}"))?;
            let cluster = Self {
                contact_point,
                simulated: None,
                product: "Cassandra",
            };
            let login = TlsAndLogin {
                user,
                password,
                ca_pem,
            };
            return Ok((cluster, login));
        }
        let config = SimClusterConfig::nodes(1)
            .with_tls()
            .with_user(user, password);
        let cluster = Self::start_simulated(config).await?;
        let ca_pem = (cluster.simulated.as_ref())
            .and_then(|sim| sim.tls_ca_pem())
            .ok_or("the simulated node has no certificate")?
            .to_string();
        let login = TlsAndLogin {
            user: user.to_string(),
            password: password.to_string(),
            ca_pem,
        };
        Ok((cluster, login))
    }

    async fn start_simulated(config: SimClusterConfig) -> Result<Self, Box<dyn Error>> {
        let product = if config.dse.is_some() {
            "DSE"
        } else {
            "Cassandra"
        };
        let sim = SimCluster::start(config).await?;
        let first = *sim
            .contact_points()
            .first()
            .ok_or("no simulated node is up")?;
        Ok(Self {
            contact_point: first.to_string(),
            simulated: Some(sim),
            product,
        })
    }

    /// `HOST:PORT` of a node, for `SessionBuilder::contact_point`.
    pub fn contact_point(&self) -> &str {
        &self.contact_point
    }

    /// The simulated cluster (to add fault rules), or `None` for a real one.
    pub fn simulated(&self) -> Option<&SimCluster> {
        self.simulated.as_ref()
    }

    /// The simulated cluster (to stop and start nodes), or `None` for a real one.
    pub fn simulated_mut(&mut self) -> Option<&mut SimCluster> {
        self.simulated.as_mut()
    }

    /// Stops the simulated cluster; nothing for a real one.
    pub async fn stop(self) {
        if let Some(sim) = self.simulated {
            sim.stop().await;
        }
    }
}

impl fmt::Display for ExampleCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.simulated {
            Some(sim) => {
                let nodes: Vec<String> =
                    sim.contact_points().iter().map(|a| a.to_string()).collect();
                write!(
                    f,
                    "simulated {} (in this process) at {}",
                    self.product,
                    nodes.join(", ")
                )
            }
            None => write!(f, "the cluster at {}", self.contact_point),
        }
    }
}

/// The command line: `--flag value` pairs.
#[derive(Debug, Default)]
struct Args {
    contact_point: Option<String>,
    user: Option<String>,
    password: Option<String>,
    tls_ca: Option<String>,
}

impl Args {
    /// The arguments, or the usage printed and the process ended (status 0 for `--help`,
    /// 2 for a mistake). `secured`: whether `--user`, `--password` and `--tls-ca` are
    /// taken too.
    fn parse(secured: bool) -> Self {
        let mut usage = "usage: EXAMPLE [--contact-point HOST:PORT".to_string();
        if secured {
            usage.push_str(" --user NAME --password PASSWORD --tls-ca CA.pem");
        }
        usage
            .push_str("]\n  without --contact-point it starts a simulated cluster in this process");
        match Self::parse_from(std::env::args().skip(1), secured) {
            Ok(args) => args,
            Err(None) => {
                println!("{usage}");
                std::process::exit(0)
            }
            Err(Some(mistake)) => {
                eprintln!("{mistake}\n{usage}");
                std::process::exit(2)
            }
        }
    }

    /// `Err(None)` for `--help`, `Err(Some(why))` for a mistake.
    fn parse_from(
        mut args: impl Iterator<Item = String>,
        secured: bool,
    ) -> Result<Self, Option<String>> {
        let mut parsed = Self::default();
        while let Some(flag) = args.next() {
            let slot = match flag.as_str() {
                "-h" | "--help" => return Err(None),
                "--contact-point" => &mut parsed.contact_point,
                "--user" if secured => &mut parsed.user,
                "--password" if secured => &mut parsed.password,
                "--tls-ca" if secured => &mut parsed.tls_ca,
                _ => return Err(Some(format!("unknown argument {flag:?}"))),
            };
            *slot = Some(args.next().ok_or(format!("{flag} needs a value"))?);
        }
        let security = [&parsed.user, &parsed.password, &parsed.tls_ca];
        let given = security.iter().filter(|v| v.is_some()).count();
        match (&parsed.contact_point, given) {
            (_, 0) | (Some(_), 3) => Ok(parsed),
            _ => Err(Some(
                "--contact-point, --user, --password and --tls-ca go together".to_string(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Args;

    fn parse(args: &[&str], secured: bool) -> Result<Args, Option<String>> {
        Args::parse_from(args.iter().map(|s| s.to_string()), secured)
    }

    #[test]
    fn flags_and_mistakes() {
        let args = parse(&["--contact-point", "db1:9042"], false).unwrap();
        assert_eq!(args.contact_point.as_deref(), Some("db1:9042"));
        let secured = [
            "--contact-point",
            "db1:9142",
            "--user",
            "app",
            "--password",
            "pw",
        ];
        let args = parse(&[&secured[..], &["--tls-ca", "ca.pem"]].concat(), true).unwrap();
        assert_eq!(args.tls_ca.as_deref(), Some("ca.pem"));
        assert_eq!(parse(&["--help"], false).unwrap_err(), None);
        for (args, secured, why) in [
            (&["--bogus"][..], false, "unknown argument"),
            (&["--user", "app"][..], false, "unknown argument"),
            (&["--contact-point"][..], false, "needs a value"),
            (&secured[..], true, "go together"),
        ] {
            let why_not = parse(args, secured).unwrap_err().unwrap_or_default();
            assert!(why_not.contains(why), "{args:?}: {why_not}");
        }
    }
}
