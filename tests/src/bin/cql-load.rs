//! `cql-load`: the raw load generator against a running node.
//!
//! ```text
//! cql-load --addr 127.0.0.1:9042 --statement "SELECT ..." [--connections 4] [--in-flight 128]
//!          [--seconds 5] [--protocol 4|5] [--compression lz4|snappy] [--user NAME:PASSWORD]
//!          [--ca FILE]
//! ```
//!
//! Prepares the statement (without bound values) on every connection, keeps the EXECUTEs
//! in flight for the given time and prints the requests per second.

use std::process::ExitCode;
use std::time::Duration;

use cql_core::frame::{Compression, ProtocolVersion};
use cql_testkit::load::{LoadConfig, run};

fn parse(mut args: impl Iterator<Item = String>) -> Result<LoadConfig, String> {
    let mut config = LoadConfig::new(([127, 0, 0, 1], 9042).into(), "");
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let number = |v: String| {
            v.parse::<u64>()
                .map_err(|e| format!("bad number {v:?}: {e}"))
        };
        match arg.as_str() {
            "--addr" => {
                let v = value("--addr")?;
                config.addr = v.parse().map_err(|e| format!("bad --addr {v:?}: {e}"))?;
            }
            "--statement" => config.statement = value("--statement")?,
            "--connections" => config.connections = number(value("--connections")?)? as usize,
            "--in-flight" => config.in_flight = number(value("--in-flight")?)? as usize,
            "--seconds" => config.duration = Duration::from_secs(number(value("--seconds")?)?),
            "--protocol" => {
                let v = value("--protocol")?;
                config.version = v
                    .parse::<u8>()
                    .ok()
                    .and_then(ProtocolVersion::from_u8)
                    .ok_or_else(|| format!("bad --protocol {v:?}"))?;
            }
            "--compression" => {
                let v = value("--compression")?;
                config.compression =
                    Compression::from_name(&v).ok_or_else(|| format!("bad --compression {v:?}"))?;
            }
            "--user" => {
                let v = value("--user")?;
                let (u, p) = v.split_once(':').ok_or("--user wants NAME:PASSWORD")?;
                config.credentials = Some((u.to_string(), p.to_string()));
            }
            "--ca" => {
                let path = value("--ca")?;
                config.tls_ca_pem = Some(
                    std::fs::read_to_string(&path)
                        .map_err(|e| format!("cannot read {path}: {e}"))?,
                );
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if config.statement.is_empty() {
        return Err("--statement is required".to_string());
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&config).await {
        Ok(report) => {
            println!(
                "requests/s: {:.0} (completed {}, errors {}, {:.2} s, {} connections x {} in flight)",
                report.per_second(),
                report.completed,
                report.errors,
                report.elapsed.as_secs_f64(),
                config.connections,
                config.in_flight
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cql-load: {e}");
            ExitCode::FAILURE
        }
    }
}
