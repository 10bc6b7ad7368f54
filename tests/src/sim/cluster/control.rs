//! A control port for a running simulated cluster (`cql-sim --control ADDR`): one
//! command per line, answered by zero or more lines of output and then `ok` or
//! `error: <why>`. It is what `cql-ccm` (a ccm-compatible command) drives, and what a
//! test in any language can drive with a socket.
//!
//! ```text
//!   status                 one line per node: nodeN ADDR DC RACK UP|DOWN|PAUSED|REMOVED TOKENS
//!   stop|start N           stop or start node N (numbered from 1, as ccm names them;
//!   pause|resume N         `nodeN` is accepted too)
//!   decommission N         remove node N from the ring
//!   add [DC]               add a node (to DC, else the first datacenter); prints nodeN ADDR
//!   shutdown               stop every node and end the process
//! ```
//!
//! Lines are at most 1 KiB; the port binds where it is told (loopback in every use here).

use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, Notify};

use super::SimCluster;

/// The longest command line read.
const MAX_LINE: usize = 1024;

/// One command of the control port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// List the nodes.
    Status,
    /// Stop node (index from 0).
    Stop(usize),
    /// Start node.
    Start(usize),
    /// Pause node.
    Pause(usize),
    /// Resume node.
    Resume(usize),
    /// Decommission node.
    Decommission(usize),
    /// Add a node to a datacenter (the first when `None`).
    Add(Option<String>),
    /// Stop everything.
    Shutdown,
}

/// A node number as ccm writes it (`2` or `node2`, from 1) as an index from 0.
fn node_index(word: Option<&str>) -> Result<usize, String> {
    let word = word.ok_or("which node? (a number from 1, or nodeN)")?;
    let digits = word.strip_prefix("node").unwrap_or(word);
    match digits.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n - 1),
        _ => Err(format!("not a node: {word:?} (a number from 1, or nodeN)")),
    }
}

/// Parses one command line.
///
/// # Errors
/// An unknown command or a missing or malformed argument, described.
pub fn parse_command(line: &str) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let verb = words.next().ok_or("empty command")?;
    let command = match verb.to_ascii_lowercase().as_str() {
        "status" => Command::Status,
        "stop" => Command::Stop(node_index(words.next())?),
        "start" => Command::Start(node_index(words.next())?),
        "pause" => Command::Pause(node_index(words.next())?),
        "resume" => Command::Resume(node_index(words.next())?),
        "decommission" => Command::Decommission(node_index(words.next())?),
        "add" => Command::Add(words.next().map(str::to_string)),
        "shutdown" => Command::Shutdown,
        other => return Err(format!("unknown command {other:?}")),
    };
    match words.next() {
        Some(extra) => Err(format!("unexpected {extra:?} after {verb}")),
        None => Ok(command),
    }
}

/// What `status` prints for every node.
fn status_lines(cluster: &SimCluster) -> Vec<String> {
    cluster
        .nodes()
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let state = if n.is_removed() {
                "REMOVED"
            } else if n.node().is_paused() {
                "PAUSED"
            } else if n.is_up() {
                "UP"
            } else {
                "DOWN"
            };
            let tokens: Vec<String> = n.tokens().iter().map(i64::to_string).collect();
            format!(
                "node{} {} {} {} {state} {}",
                i + 1,
                n.address(),
                n.datacenter(),
                n.rack(),
                tokens.join(",")
            )
        })
        .collect()
}

/// Runs one command; returns its output lines.
///
/// # Errors
/// What the cluster refused (no such node, an address that cannot be bound...).
pub async fn run(command: &Command, cluster: &mut SimCluster) -> Result<Vec<String>, String> {
    let failed = |e: std::io::Error| e.to_string();
    match command {
        Command::Status => return Ok(status_lines(cluster)),
        Command::Stop(i) => cluster.stop_node(*i).await.map_err(failed)?,
        Command::Start(i) => cluster.start_node(*i).await.map_err(failed)?,
        Command::Pause(i) => cluster.pause_node(*i).await.map_err(failed)?,
        Command::Resume(i) => cluster.resume_node(*i).await.map_err(failed)?,
        Command::Decommission(i) => cluster.remove_node(*i).await.map_err(failed)?,
        Command::Add(dc) => {
            let dc = match dc {
                Some(dc) => dc.clone(),
                None => cluster
                    .config()
                    .datacenters
                    .first()
                    .map(|(d, _)| d.clone())
                    .unwrap_or_else(|| super::config::DEFAULT_DATACENTER.to_string()),
            };
            let i = cluster.add_node(&dc, "rack1").await.map_err(failed)?;
            let addr = cluster.node(i).map(|n| n.address().to_string());
            return Ok(vec![format!("node{} {}", i + 1, addr.unwrap_or_default())]);
        }
        Command::Shutdown => {}
    }
    Ok(Vec::new())
}

/// Serves the control port on `listener` until a `shutdown` command, which it reports
/// through `shutdown` (the caller then stops the cluster).
pub async fn serve(listener: TcpListener, cluster: Arc<Mutex<SimCluster>>, shutdown: Arc<Notify>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let cluster = Arc::clone(&cluster);
        let shutdown = Arc::clone(&shutdown);
        tokio::spawn(async move {
            let _ = session(stream, cluster, shutdown).await;
        });
    }
}

/// One control connection: commands until the client leaves.
async fn session(
    stream: TcpStream,
    cluster: Arc<Mutex<SimCluster>>,
    shutdown: Arc<Notify>,
) -> std::io::Result<()> {
    let (rd, mut wr) = stream.into_split();
    let mut lines = BufReader::new(rd);
    let mut line = String::new();
    loop {
        line.clear();
        let n = (&mut lines)
            .take(MAX_LINE as u64)
            .read_line(&mut line)
            .await?;
        if n == 0 {
            return Ok(());
        }
        if !line.ends_with('\n') && n >= MAX_LINE {
            wr.write_all(b"error: line too long\n").await?;
            return Ok(());
        }
        let reply = match parse_command(line.trim()) {
            Err(e) => format!("error: {e}\n"),
            Ok(command) => {
                let result = run(&command, &mut *cluster.lock().await).await;
                match result {
                    Ok(out) => {
                        let mut text: String = out.iter().map(|l| format!("{l}\n")).collect();
                        text.push_str("ok\n");
                        text
                    }
                    Err(e) => format!("error: {}\n", e.replace('\n', " ")),
                }
            }
        };
        wr.write_all(reply.as_bytes()).await?;
        if parse_command(line.trim()) == Ok(Command::Shutdown) {
            shutdown.notify_one();
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_as_ccm_names_nodes() {
        assert_eq!(parse_command("status"), Ok(Command::Status));
        assert_eq!(parse_command("stop 2"), Ok(Command::Stop(1)));
        assert_eq!(parse_command("pause node3"), Ok(Command::Pause(2)));
        assert_eq!(parse_command("RESUME 1"), Ok(Command::Resume(0)));
        assert_eq!(parse_command("add"), Ok(Command::Add(None)));
        assert_eq!(
            parse_command("add dc2"),
            Ok(Command::Add(Some("dc2".into())))
        );
        assert!(parse_command("stop 0").is_err());
        assert!(parse_command("stop").is_err());
        assert!(parse_command("stop node").is_err());
        assert!(parse_command("stop 1 2").is_err());
        assert!(parse_command("explode").is_err());
        assert!(parse_command("").is_err());
    }
}
