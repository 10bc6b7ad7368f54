//! `cql-sim`: a simulated Cassandra node on a socket, for clients in other languages.
//!
//! ```text
//! cql-sim --listen 127.0.0.1:9042 [--tls] [--cert FILE --key FILE] [--ca-out FILE]
//!         [--user NAME:PASSWORD]... [--protocol-versions 3,4,5] [--prime QUERY]...
//!         [--rules FILE]
//! ```
//!
//! Prints `cql-sim listening on ADDR` once ready (port 0 picks a free port) and runs until
//! interrupted. With `--tls` and no `--cert`, a certificate for 127.0.0.1/localhost is
//! generated; `--ca-out` writes the PEM clients must trust. `--prime QUERY` answers that
//! exact statement with a Void result without executing it. `--rules FILE` loads fault
//! rules from a TOML file (see `tests/examples/faults.toml`).

use std::net::SocketAddr;
use std::process::ExitCode;

use cql_testkit::sim::Outcome;
use cql_testkit::sim::server::version::parse_versions;
use cql_testkit::sim::server::{SimServer, SimServerConfig, TlsConfig};

const USAGE: &str = "usage: cql-sim --listen ADDR [--tls] [--cert FILE --key FILE] [--ca-out FILE] \
[--user NAME:PASSWORD]... [--protocol-versions 3,4,5] [--prime QUERY]... [--rules FILE]";

struct Args {
    config: SimServerConfig,
    ca_out: Option<String>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut config = SimServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 9042)));
    let (mut tls, mut cert, mut key, mut ca_out) = (false, None, None, None);
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
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    match (cert, key) {
        (Some(cert), Some(key)) => {
            config.tls = Some(TlsConfig::Files {
                cert: cert.into(),
                key: key.into(),
            });
        }
        (None, None) if tls => config.tls = Some(TlsConfig::Generated),
        (None, None) => {}
        _ => return Err("--cert and --key go together".to_string()),
    }
    Ok(Args { config, ca_out })
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
    let server = match SimServer::start(args.config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cql-sim: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let (Some(path), Some(tls)) = (&args.ca_out, server.tls()) {
        if let Err(e) = std::fs::write(path, &tls.ca_pem) {
            eprintln!("cql-sim: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    println!("cql-sim listening on {}", server.local_addr());
    let _ = tokio::signal::ctrl_c().await;
    server.stop().await;
    ExitCode::SUCCESS
}
