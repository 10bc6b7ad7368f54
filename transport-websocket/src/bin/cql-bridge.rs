//! `cql-bridge`: WebSocket tunnels to Cassandra nodes on an allow-list.
//!
//! ```text
//! cql-bridge [serve] [--config FILE] [--listen ADDR] [--path PATH] [--target RULE]...
//!            [--origin ORIGIN]... [--token SUBJECT:TOKEN]... [--secret-file FILE]
//!            [--allow-anonymous] [--tls-cert FILE --tls-key FILE | --tls-generate [--ca-out FILE]]
//!            [--upstream-tls [--upstream-ca FILE]] [--max-connections N]
//!            [--max-connections-per-client N] [--max-message-size BYTES]
//!            [--max-handshakes N] [--max-handshakes-per-ip N] [--handshake-timeout SECS]
//!            [--idle-timeout SECS] [--log-format text|json]
//! cql-bridge token (--secret SECRET | --secret-file FILE) --subject NAME --ttl DURATION
//! ```
//!
//! Flags override the configuration file; `--target`, `--origin` and `--token` add to its
//! lists. Prints `cql-bridge listening on URL` once ready and runs until interrupted.
//! SIGHUP reloads: the file is read again, the same flags applied, and the result replaces
//! the allow-list, authentication, origins, upstream TLS and limits for new tunnels (open
//! tunnels keep theirs; a change of listen address or `wss` certificate needs a restart
//! and is refused, leaving the running configuration as it was).
//! Logs (`RUST_LOG`, default `info`) go to stderr; `token` prints the token on stdout.
//! DURATION is seconds, or a number with `s`, `m`, `h` or `d`.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

/// The bridge does not run in wasm (it needs sockets); this stub keeps wasm32 builds of
/// the crate working.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {

    use std::path::PathBuf;
    use std::process::ExitCode;
    use std::time::{SystemTime, UNIX_EPOCH};

    use cql_transport_websocket::bridge::{
        Bridge, BridgeHandle, ConfigFile, TlsSection, TokenEntry, mint_token,
    };

    const USAGE: &str = "usage:
  cql-bridge [serve] [--config FILE] [--listen ADDR] [--path PATH] [--target RULE]...
             [--origin ORIGIN]... [--token SUBJECT:TOKEN]... [--secret-file FILE]
             [--allow-anonymous] [--tls-cert FILE --tls-key FILE | --tls-generate [--ca-out FILE]]
             [--upstream-tls [--upstream-ca FILE]] [--max-connections N]
             [--max-connections-per-client N] [--max-message-size BYTES]
             [--max-handshakes N] [--max-handshakes-per-ip N] [--handshake-timeout SECS]
             [--idle-timeout SECS] [--log-format text|json]
  cql-bridge token (--secret SECRET | --secret-file FILE) --subject NAME --ttl DURATION";

    pub(crate) fn main() -> ExitCode {
        let mut args: Vec<String> = std::env::args().skip(1).collect();
        let result = match args.first().map(String::as_str) {
            Some("token") => token(args.split_off(1)),
            Some("serve") => serve(args.split_off(1)),
            Some("-h" | "--help") => Err(USAGE.to_string()),
            _ => serve(args),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cql-bridge: {e}");
                ExitCode::FAILURE
            }
        }
    }

    fn parse_duration(s: &str) -> Result<u64, String> {
        let (num, unit) = match s.char_indices().last() {
            Some((i, c)) if c.is_ascii_alphabetic() => (s.get(..i).unwrap_or(""), c),
            _ => (s, 's'),
        };
        let n: u64 = num.parse().map_err(|_| format!("bad duration `{s}`"))?;
        let factor = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return Err(format!("bad duration unit in `{s}` (s, m, h or d)")),
        };
        n.checked_mul(factor)
            .ok_or_else(|| format!("duration `{s}` too long"))
    }

    fn read_secret(path: &str) -> Result<String, String> {
        std::fs::read_to_string(path)
            .map(|s| s.trim().to_string())
            .map_err(|e| format!("cannot read secret file {path}: {e}"))
    }

    fn token(args: Vec<String>) -> Result<(), String> {
        let (mut secret, mut subject, mut ttl) = (None, None, None);
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--secret" => secret = Some(value("--secret")?),
                "--secret-file" => secret = Some(read_secret(&value("--secret-file")?)?),
                "--subject" => subject = Some(value("--subject")?),
                "--ttl" => ttl = Some(parse_duration(&value("--ttl")?)?),
                other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
            }
        }
        let (Some(secret), Some(subject), Some(ttl)) = (secret, subject, ttl) else {
            return Err(format!(
                "token needs a secret, --subject and --ttl\n{USAGE}"
            ));
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs();
        let expiry = now.checked_add(ttl).ok_or("ttl too long")?;
        println!("{}", mint_token(secret.as_bytes(), &subject, expiry)?);
        Ok(())
    }

    /// The configuration file with the flags applied, and whether logs are JSON.
    fn parse_serve(args: &[String]) -> Result<(ConfigFile, bool), String> {
        let mut file = ConfigFile::default();
        let mut it = args.iter();
        // The file first, so flags override it whatever their order.
        while let Some(arg) = it.next() {
            if arg == "--config" {
                let path = it.next().ok_or("--config needs a value")?;
                file = ConfigFile::load(std::path::Path::new(path))?;
            }
        }
        let mut json_logs = false;
        let mut it = args.iter().cloned();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
            let number = |name: &str, v: String| {
                v.parse::<usize>()
                    .map_err(|_| format!("{name} wants a number, got {v:?}"))
            };
            let seconds = |name: &str, v: String| {
                v.parse::<f64>()
                    .map_err(|_| format!("{name} wants a number of seconds, got {v:?}"))
            };
            match arg.as_str() {
                "--config" => {
                    value("--config")?;
                }
                "--listen" => {
                    let v = value("--listen")?;
                    file.listen = Some(v.parse().map_err(|e| format!("bad --listen {v:?}: {e}"))?);
                }
                "--path" => file.path = Some(value("--path")?),
                "--target" => file.targets.push(value("--target")?),
                "--origin" => file.allowed_origins.push(value("--origin")?),
                "--token" => {
                    let v = value("--token")?;
                    let (subject, token) =
                        v.split_once(':').ok_or("--token wants SUBJECT:TOKEN")?;
                    file.auth.tokens.push(TokenEntry {
                        subject: subject.to_string(),
                        token: token.to_string(),
                    });
                }
                "--secret-file" => {
                    file.auth.secret = None;
                    file.auth.secret_file = Some(PathBuf::from(value("--secret-file")?));
                }
                "--allow-anonymous" => file.allow_anonymous = true,
                "--tls-cert" => {
                    file.tls.get_or_insert_with(TlsSection::default).cert =
                        Some(value("--tls-cert")?.into())
                }
                "--tls-key" => {
                    file.tls.get_or_insert_with(TlsSection::default).key =
                        Some(value("--tls-key")?.into())
                }
                "--tls-generate" => {
                    file.tls.get_or_insert_with(TlsSection::default).generate = true
                }
                "--ca-out" => {
                    file.tls.get_or_insert_with(TlsSection::default).ca_out =
                        Some(value("--ca-out")?.into())
                }
                "--upstream-tls" => file.upstream.tls = true,
                "--upstream-ca" => file.upstream.ca = Some(value("--upstream-ca")?.into()),
                "--max-connections" => {
                    file.limits.max_connections = Some(number(&arg, value(&arg)?)?)
                }
                "--max-connections-per-client" => {
                    file.limits.max_connections_per_client = Some(number(&arg, value(&arg)?)?);
                }
                "--max-message-size" => {
                    file.limits.max_message_size = Some(number(&arg, value(&arg)?)?)
                }
                "--max-handshakes" => {
                    file.limits.max_handshakes = Some(number(&arg, value(&arg)?)?)
                }
                "--max-handshakes-per-ip" => {
                    file.limits.max_handshakes_per_ip = Some(number(&arg, value(&arg)?)?)
                }
                "--idle-timeout" => {
                    file.limits.idle_timeout_secs = Some(seconds(&arg, value(&arg)?)?)
                }
                "--handshake-timeout" => {
                    file.limits.handshake_timeout_secs = Some(seconds(&arg, value(&arg)?)?)
                }
                "--log-format" => match value("--log-format")?.as_str() {
                    "json" => json_logs = true,
                    "text" => json_logs = false,
                    other => return Err(format!("--log-format is text or json, not {other:?}")),
                },
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
            }
        }
        Ok((file, json_logs))
    }

    fn serve(args: Vec<String>) -> Result<(), String> {
        let (file, json_logs) = parse_serve(&args)?;
        init_logs(json_logs);
        let ca_out = file.tls.as_ref().and_then(|t| t.ca_out.clone());
        let config = file.into_config()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        runtime.block_on(async move {
            let bridge = Bridge::start(config).await.map_err(|e| e.to_string())?;
            if let (Some(path), Some(pem)) = (&ca_out, bridge.ca_pem()) {
                std::fs::write(path, pem)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            println!("cql-bridge listening on {}", bridge.url());
            wait_for_stop(&bridge, &args).await;
            bridge.stop().await;
            Ok(())
        })
    }

    /// Runs until Ctrl-C or SIGTERM, reloading the configuration on SIGHUP.
    async fn wait_for_stop(bridge: &BridgeHandle, args: &[String]) {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut hangup), Ok(mut terminate)) = (
            signal(SignalKind::hangup()),
            signal(SignalKind::terminate()),
        ) else {
            tracing::warn!("no signal handlers: SIGHUP reload is off");
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => return,
                _ = terminate.recv() => return,
                _ = hangup.recv() => {
                    let reloaded = parse_serve(args)
                        .and_then(|(file, _)| file.into_config())
                        .and_then(|config| bridge.reload(config).map_err(|e| e.to_string()));
                    if let Err(e) = reloaded {
                        tracing::error!(error = %e, "reload refused; the running configuration stays");
                    }
                }
            }
        }
    }

    fn init_logs(json: bool) {
        use tracing_subscriber::EnvFilter;
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
        // Colours only on a terminal: a log file or a pipe gets plain text.
        let builder = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr);
        if json {
            builder.json().init();
        } else {
            builder.init();
        }
    }
}
