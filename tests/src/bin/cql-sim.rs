//! `cql-sim`: a simulated Cassandra node, or cluster, on sockets, for clients in other
//! languages.
//!
//! ```text
//! cql-sim --listen 127.0.0.1:9042 [--tls] [--cert FILE --key FILE] [--ca-out FILE]
//!         [--user NAME:PASSWORD]... [--authenticator] [--authorizer]
//!         [--dse] [--graph-primes FILE]
//!         [--protocol-versions 3,4,5] [--prime QUERY]...
//!         [--nodes N | --dc NAME:N ...] [--racks N] [--num-tokens N]
//!         [--schema-agreement-delay-ms MS] [--one-address] [--rules FILE]
//!         [--token-layout interleaved|ccm] [--control ADDR]
//! ```
//!
//! One node (the default): prints `cql-sim listening on ADDR` once ready (port 0 picks a
//! free port) and runs until interrupted. With `--tls` and no `--cert`, a certificate for
//! 127.0.0.1/localhost is generated; `--ca-out` writes the PEM clients must trust.
//! `--prime QUERY` answers that exact statement with a Void result without executing it.
//! `--dse` plays a DataStax Enterprise 6.8 node (or cluster) with the Graph workload
//! (see `cql_testkit::sim::dse`); `--graph-primes FILE` answers `gremlin-groovy` scripts
//! from a JSON primes file (format: `cql_testkit::sim::dse::graph::primes`).
//! `--rules FILE` loads fault rules from a TOML file (see `tests/examples/faults.toml`); a
//! cluster shares them between its nodes (rules pick nodes by address).
//!
//! A cluster (`--nodes N`, or `--dc NAME:N` repeated for several datacenters): node `i`
//! listens on the `--listen` address plus `i` (127.0.0.1, 127.0.0.2, ...) on the
//! `--listen` port (0: one free on every address), or with `--one-address` on the
//! `--listen` address with a free port each. Prints `cql-sim node I DC/RACK listening on
//! ADDR` for every node, then `cql-sim cluster ready`. `--tls` generates one certificate
//! for every node (`--cert`/`--key` are for one node). `--token-layout ccm` gives each
//! node the one token ccm gives it without vnodes. `--control ADDR` opens the control
//! port there (see `cql_testkit::sim::cluster::control`; prints `cql-sim control on ADDR`):
//! stop, start, pause, resume, add and decommission nodes of the running cluster, as
//! `cql-ccm` does; `shutdown` ends the process.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use cql_testkit::sim::Outcome;
use std::sync::Arc;

use cql_testkit::sim::cluster::{Addressing, SimCluster, SimClusterConfig, TokenLayout, control};
use cql_testkit::sim::server::version::parse_versions;
use cql_testkit::sim::server::{ServerCertificate, SimServer, SimServerConfig};
use tokio::net::TcpListener;
use tokio::sync::{Mutex, Notify};

const USAGE: &str = "usage: cql-sim --listen ADDR [--tls] [--cert FILE --key FILE] [--ca-out FILE] \
[--user NAME:PASSWORD]... [--authenticator] [--authorizer] [--dse] [--graph-primes FILE] \
[--protocol-versions 3,4,5] [--prime QUERY]... \
[--nodes N | --dc NAME:N ...] [--racks N] [--num-tokens N] [--schema-agreement-delay-ms MS] \
[--one-address] [--rules FILE] [--token-layout interleaved|ccm] [--control ADDR]";

/// The cluster options, when any was given.
#[derive(Default)]
struct ClusterArgs {
    datacenters: Vec<(String, usize)>,
    racks: Option<usize>,
    num_tokens: Option<usize>,
    delay: Option<Duration>,
    one_address: bool,
    token_layout: Option<TokenLayout>,
    control: Option<SocketAddr>,
}

impl ClusterArgs {
    fn wanted(&self) -> bool {
        !self.datacenters.is_empty()
            || self.racks.is_some()
            || self.num_tokens.is_some()
            || self.delay.is_some()
            || self.one_address
            || self.token_layout.is_some()
            || self.control.is_some()
    }
}

struct Args {
    config: SimServerConfig,
    ca_out: Option<String>,
    tls: bool,
    cluster: ClusterArgs,
}

fn number(name: &str, v: &str) -> Result<usize, String> {
    v.parse()
        .map_err(|_| format!("{name} wants a number, got {v:?}"))
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut config = SimServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 9042)));
    let (mut tls, mut cert, mut key, mut ca_out) = (false, None, None, None);
    let mut cluster = ClusterArgs::default();
    let mut nodes = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => {
                let v = value("--listen")?;
                config.listen = v.parse().map_err(|e| format!("bad --listen {v:?}: {e}"))?;
            }
            "--tls" => tls = true,
            "--cert" => cert = Some(value("--cert")?),
            "--key" => key = Some(value("--key")?),
            "--ca-out" => ca_out = Some(value("--ca-out")?),
            "--user" => {
                let v = value("--user")?;
                let (name, pass) = v
                    .split_once(':')
                    .ok_or_else(|| format!("--user wants NAME:PASSWORD, got {v:?}"))?;
                config = config.with_user(name, pass);
            }
            "--authenticator" => config = config.with_authenticator(),
            "--dse" => config = config.with_dse(),
            "--graph-primes" => {
                let path = value("--graph-primes")?;
                config
                    .primes
                    .load_graph_file(path.as_ref())
                    .map_err(|e| format!("bad --graph-primes: {e}"))?;
            }
            "--authorizer" => config = config.with_authorizer(),
            "--protocol-versions" => {
                config.protocol_versions = parse_versions(&value("--protocol-versions")?)?;
            }
            "--prime" => {
                let q = value("--prime")?;
                config
                    .primes
                    .insert(q, cql_testkit::sim::server::Prime::new(Outcome::Void));
            }
            "--rules" => {
                let path = value("--rules")?;
                let rules = cql_testkit::sim::faults::load_rules(path.as_ref())
                    .map_err(|e| format!("bad --rules: {e}"))?;
                config.faults.add_all(rules);
            }
            "--nodes" => nodes = Some(number("--nodes", &value("--nodes")?)?),
            "--dc" => {
                let v = value("--dc")?;
                let (name, count) = v
                    .split_once(':')
                    .ok_or_else(|| format!("--dc wants NAME:NODES, got {v:?}"))?;
                if name.is_empty() {
                    return Err(format!("--dc wants NAME:NODES, got {v:?}"));
                }
                cluster
                    .datacenters
                    .push((name.to_string(), number("--dc", count)?));
            }
            "--racks" => cluster.racks = Some(number("--racks", &value("--racks")?)?),
            "--num-tokens" => {
                cluster.num_tokens = Some(number("--num-tokens", &value("--num-tokens")?)?);
            }
            "--schema-agreement-delay-ms" => {
                let ms = number(
                    "--schema-agreement-delay-ms",
                    &value("--schema-agreement-delay-ms")?,
                )?;
                cluster.delay = Some(Duration::from_millis(ms as u64));
            }
            "--one-address" => cluster.one_address = true,
            "--token-layout" => {
                cluster.token_layout = Some(match value("--token-layout")?.as_str() {
                    "interleaved" => TokenLayout::Interleaved,
                    "ccm" => TokenLayout::Ccm,
                    other => {
                        return Err(format!(
                            "--token-layout wants interleaved or ccm, got {other:?}"
                        ));
                    }
                });
            }
            "--control" => {
                let v = value("--control")?;
                cluster.control = Some(v.parse().map_err(|e| format!("bad --control {v:?}: {e}"))?);
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    match (nodes, cluster.datacenters.is_empty()) {
        (Some(_), false) => return Err("--nodes and --dc exclude each other".to_string()),
        (Some(n), true) => {
            cluster.datacenters = SimClusterConfig::nodes(n).datacenters;
        }
        _ => {}
    }
    if cluster.datacenters.iter().map(|(_, n)| n).sum::<usize>() == 0 && cluster.wanted() {
        if cluster.datacenters.is_empty() {
            cluster.datacenters = SimClusterConfig::nodes(1).datacenters;
        } else {
            return Err("a cluster needs at least one node".to_string());
        }
    }
    match (cert, key) {
        (Some(_), Some(_)) if cluster.wanted() => {
            return Err("--cert/--key serve one node; a cluster uses --tls".to_string());
        }
        (Some(cert), Some(key)) => {
            config.tls = Some(ServerCertificate::Files {
                cert: cert.into(),
                key: key.into(),
            });
        }
        (None, None) if tls => config.tls = Some(ServerCertificate::Generated),
        (None, None) => {}
        _ => return Err("--cert and --key go together".to_string()),
    }
    Ok(Args {
        config,
        ca_out,
        tls,
        cluster,
    })
}

/// The cluster configuration for the parsed arguments.
fn cluster_config(args: &Args) -> Result<SimClusterConfig, String> {
    let c = &args.cluster;
    let dcs: Vec<(&str, usize)> = c
        .datacenters
        .iter()
        .map(|(d, n)| (d.as_str(), *n))
        .collect();
    let mut config = SimClusterConfig::datacenters(&dcs)
        .with_protocol_versions(args.config.protocol_versions.clone())
        .with_primes(args.config.primes.clone())
        .with_faults(args.config.faults.clone());
    config.users = args.config.node.users.clone();
    config.auth = args.config.node.auth;
    config.dse = args.config.node.info.dse.clone();
    config.tls = args.tls;
    if let Some(r) = c.racks {
        config = config.with_racks(r);
    }
    if let Some(n) = c.num_tokens {
        config = config.with_num_tokens(n);
    }
    if let Some(d) = c.delay {
        config = config.with_schema_agreement_delay(d);
    }
    if let Some(layout) = c.token_layout {
        config = config.with_token_layout(layout);
    }
    let listen = args.config.listen;
    config.addressing = match (listen.ip(), c.one_address) {
        (ip, true) => Addressing::SingleAddress { ip },
        (IpAddr::V4(first), false) => Addressing::Loopback {
            first,
            port: listen.port(),
        },
        (IpAddr::V6(_), false) => {
            return Err("a cluster on IPv6 needs --one-address".to_string());
        }
    };
    Ok(config)
}

fn write_ca(path: Option<&String>, pem: Option<&str>) -> Result<(), String> {
    if let (Some(path), Some(pem)) = (path, pem) {
        std::fs::write(path, pem).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(())
}

async fn run_cluster(args: Args) -> Result<(), String> {
    let config = cluster_config(&args)?;
    let cluster = SimCluster::start(config)
        .await
        .map_err(|e| format!("cannot start: {e}"))?;
    write_ca(args.ca_out.as_ref(), cluster.tls_ca_pem())?;
    for (i, n) in cluster.nodes().iter().enumerate() {
        println!(
            "cql-sim node {i} {}/{} listening on {}",
            n.datacenter(),
            n.rack(),
            n.address()
        );
    }
    let cluster = Arc::new(Mutex::new(cluster));
    let shutdown = Arc::new(Notify::new());
    if let Some(addr) = args.cluster.control {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot open the control port on {addr}: {e}"))?;
        let local = listener
            .local_addr()
            .map_err(|e| format!("control port: {e}"))?;
        println!("cql-sim control on {local}");
        tokio::spawn(control::serve(
            listener,
            Arc::clone(&cluster),
            Arc::clone(&shutdown),
        ));
    }
    println!("cql-sim cluster ready");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = shutdown.notified() => {}
    }
    // The control tasks may still hold the cluster: stop its nodes through the lock.
    cluster.lock().await.stop_all().await;
    Ok(())
}

async fn run_node(args: Args) -> Result<(), String> {
    let server = SimServer::start(args.config)
        .await
        .map_err(|e| format!("cannot start: {e}"))?;
    write_ca(
        args.ca_out.as_ref(),
        server.tls().map(|t| t.ca_pem.as_str()),
    )?;
    println!("cql-sim listening on {}", server.local_addr());
    let _ = tokio::signal::ctrl_c().await;
    server.stop().await;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let result = if args.cluster.wanted() {
        run_cluster(args).await
    } else {
        run_node(args).await
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cql-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse(s.split_whitespace().map(str::to_string))
    }

    #[test]
    fn one_node_by_default() {
        let a = args("--listen 127.0.0.1:0").unwrap();
        assert!(!a.cluster.wanted());
    }

    #[test]
    fn cluster_arguments() {
        let a = args("--nodes 3 --num-tokens 8 --racks 2 --schema-agreement-delay-ms 500").unwrap();
        assert!(a.cluster.wanted());
        let c = cluster_config(&a).unwrap();
        assert_eq!(c.datacenters, vec![("datacenter1".to_string(), 3)]);
        assert_eq!((c.num_tokens, c.racks), (8, 2));
        assert_eq!(c.schema_agreement_delay, Duration::from_millis(500));
        assert!(matches!(
            c.addressing,
            Addressing::Loopback { port: 9042, .. }
        ));

        // Primes go to every node of a cluster.
        let a = args("--nodes 3 --prime SELECT").unwrap();
        assert!(cluster_config(&a).unwrap().primes.get("SELECT").is_some());

        let a = args("--dc dc1:3 --dc dc2:2 --one-address --tls --user u:p").unwrap();
        let c = cluster_config(&a).unwrap();
        assert_eq!(
            c.datacenters,
            vec![("dc1".to_string(), 3), ("dc2".to_string(), 2)]
        );
        assert!(c.tls);
        assert_eq!(c.users, vec![("u".to_string(), "p".to_string())]);
        assert!(matches!(c.addressing, Addressing::SingleAddress { .. }));

        // DSE mode goes to every node.
        let a = args("--nodes 2 --dse").unwrap();
        assert_eq!(cluster_config(&a).unwrap().dse.unwrap().version, "6.8.40");
        assert!(args("--dse").unwrap().config.node.info.dse.is_some());
        assert!(args("--dse --graph-primes /nonexistent.json").is_err());
    }

    #[test]
    fn bad_cluster_arguments() {
        assert!(args("--nodes 3 --dc dc1:1").is_err());
        assert!(args("--dc dc1").is_err());
        assert!(args("--dc :3").is_err());
        assert!(args("--nodes x").is_err());
        assert!(args("--dc dc1:0").is_err());
        assert!(args("--nodes 2 --cert c.pem --key k.pem").is_err());
    }
}
