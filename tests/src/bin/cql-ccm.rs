//! `cql-ccm`: the commands of ccm (the Cassandra Cluster Manager other drivers' test
//! suites call) over `cql-sim`, so that those suites can create, start, stop, pause,
//! grow and shrink a cluster without Java. Put it on the PATH as `ccm` (a symlink or
//! `tests/ccm/ccm`).
//!
//! ```text
//! ccm create NAME [-v VERSION] [-n N[:M...]] [-i IPPREFIX] [--vnodes] [-s]
//! ccm populate -n N[:M...] [-i IPPREFIX] [--vnodes]
//! ccm start | stop | status | liveset | list | switch NAME | remove [NAME] | show | showlog
//! ccm updateconf 'key: value'...
//! ccm add nodeN [-i IP] [--data-center DC] [-s]
//! ccm nodeN start | stop | pause | resume | decommission | remove | showlog | status | nodetool CMD
//! ```
//!
//! State lives in `$CCM_CONFIG_DIR` (else `~/.ccm`), as ccm's does: `CURRENT` names the
//! current cluster, `NAME/cluster.toml` describes it, `NAME/sim.log` is the simulator's
//! output. Nodes are laid out as ccm lays them out: node `i` on `IPPREFIX` + `i` port
//! 9042, datacenters `dc1`, `dc2`... (`datacenter1` for one), one token per node where
//! ccm puts it (`--vnodes`: 256 interleaved tokens). `start` runs `cql-sim` (found beside
//! this program, or `$CQL_SIM`) in the background with its control port, which every
//! later command drives; `stop` shuts it down (by its pid when the port does not answer).
//! Options ccm takes that mean nothing here (`--wait-for-binary-proto`, `-b`, JVM
//! arguments...) are accepted and ignored.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// One datacenter of the layout.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Datacenter {
    name: String,
    nodes: usize,
}

/// What `cluster.toml` records.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
struct ClusterState {
    name: String,
    version: String,
    ip_prefix: String,
    vnodes: bool,
    datacenters: Vec<Datacenter>,
    /// `updateconf` settings (only `authenticator` changes what cql-sim does).
    conf: BTreeMap<String, String>,
    /// The running simulator's control port and process id.
    control: Option<String>,
    pid: Option<u32>,
}

type Result<T> = std::result::Result<T, String>;

fn config_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CCM_CONFIG_DIR") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".ccm")
}

fn cluster_dir(name: &str) -> PathBuf {
    config_dir().join(name)
}

fn current_name() -> Result<String> {
    let path = config_dir().join("CURRENT");
    let name = std::fs::read_to_string(&path)
        .map_err(|_| "no current cluster (ccm create NAME, or ccm switch NAME)".to_string())?;
    Ok(name.trim().to_string())
}

fn load(name: &str) -> Result<ClusterState> {
    let path = cluster_dir(name).join("cluster.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cluster {name} not found ({}): {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn save(state: &ClusterState) -> Result<()> {
    let dir = cluster_dir(&state.name);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let text = toml::to_string(state).map_err(|e| e.to_string())?;
    let path = dir.join("cluster.toml");
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `N` or `N:M:...` as ccm's `-n`: one datacenter per count.
fn parse_layout(spec: &str) -> Result<Vec<Datacenter>> {
    let counts: Vec<usize> = spec
        .split(':')
        .map(|c| {
            c.parse()
                .map_err(|_| format!("-n wants N or N:M..., got {spec:?}"))
        })
        .collect::<Result<_>>()?;
    if counts.len() == 1 {
        return Ok(vec![Datacenter {
            name: "datacenter1".into(),
            nodes: counts[0],
        }]);
    }
    Ok(counts
        .into_iter()
        .enumerate()
        .map(|(i, nodes)| Datacenter {
            name: format!("dc{}", i + 1),
            nodes,
        })
        .collect())
}

/// Options ccm takes that mean nothing to a simulator (flags without a value).
const IGNORED_FLAGS: [&str; 12] = [
    "--wait-for-binary-proto",
    "--wait-other-notice",
    "--no-wait",
    "-v",
    "--verbose",
    "--root",
    "--quiet-windows",
    "-b",
    "--binary-protocol",
    "--not-gently",
    "--skip-wait-other-notice-check",
    "-d",
];

/// Options ccm takes that mean nothing here and carry a value.
const IGNORED_WITH_VALUE: [&str; 6] = [
    "--install-dir",
    "--jvm_arg",
    "--jvm-arg",
    "-j",
    "--jmx-port",
    "-r",
];

/// Splits `args` into the options the command knows (`with_value` take one) and its
/// positional words; ignores ccm's irrelevant options.
fn options(
    args: &[String],
    known_flags: &[&str],
    with_value: &[&str],
) -> Result<(BTreeMap<String, String>, Vec<String>)> {
    let mut opts = BTreeMap::new();
    let mut words = Vec::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if !name.starts_with('-') || name == "-" {
            words.push(arg.clone());
        } else if with_value.contains(&name) || IGNORED_WITH_VALUE.contains(&name) {
            let value = match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i - 1)
                        .cloned()
                        .ok_or_else(|| format!("{name} needs a value"))?
                }
            };
            if with_value.contains(&name) {
                opts.insert(name.to_string(), value);
            }
        } else if known_flags.contains(&name) {
            opts.insert(name.to_string(), String::new());
        } else if !IGNORED_FLAGS.contains(&name) {
            return Err(format!("unknown option {name}"));
        }
    }
    Ok((opts, words))
}

fn opt<'a>(opts: &'a BTreeMap<String, String>, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| opts.get(*n).map(String::as_str))
}

/// Sends one control command; returns its output lines.
fn control(state: &ClusterState, command: &str) -> Result<Vec<String>> {
    let addr = state
        .control
        .as_deref()
        .ok_or_else(|| format!("cluster {} is not running (ccm start)", state.name))?;
    let mut stream = TcpStream::connect(addr)
        .map_err(|e| format!("cluster {} does not answer on {addr}: {e}", state.name))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    writeln!(stream, "{command}").map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for line in BufReader::new(stream).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if line == "ok" {
            return Ok(out);
        }
        if let Some(e) = line.strip_prefix("error: ") {
            return Err(e.to_string());
        }
        out.push(line);
    }
    Err(format!(
        "the cluster closed the control port during {command:?}"
    ))
}

fn sim_binary() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("CQL_SIM") {
        return Ok(PathBuf::from(p));
    }
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let beside = me.with_file_name("cql-sim");
    if beside.exists() {
        Ok(beside)
    } else {
        Err(format!(
            "cql-sim not found beside {} (build it, or set CQL_SIM)",
            me.display()
        ))
    }
}

/// The `cql-sim` arguments for `state`.
fn sim_args(state: &ClusterState) -> Vec<String> {
    let mut args = vec![
        "--listen".to_string(),
        format!("{}1:9042", state.ip_prefix),
        "--control".to_string(),
        "127.0.0.1:0".to_string(),
    ];
    for dc in &state.datacenters {
        args.push("--dc".into());
        args.push(format!("{}:{}", dc.name, dc.nodes));
    }
    if state.vnodes {
        args.extend(["--num-tokens".into(), "256".into()]);
    } else {
        args.extend(["--token-layout".into(), "ccm".into()]);
    }
    if state
        .conf
        .get("authenticator")
        .is_some_and(|a| a.contains("PasswordAuthenticator"))
    {
        args.extend(["--user".into(), "cassandra:cassandra".into()]);
    }
    args
}

fn start(state: &mut ClusterState) -> Result<()> {
    if state.control.is_some() && control(state, "status").is_ok() {
        return Ok(());
    }
    if state.datacenters.iter().map(|d| d.nodes).sum::<usize>() == 0 {
        return Err(format!(
            "cluster {} has no node (ccm populate -n N)",
            state.name
        ));
    }
    let dir = cluster_dir(&state.name);
    let log_path = dir.join("sim.log");
    let log =
        std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let err = log.try_clone().map_err(|e| e.to_string())?;
    let mut command = Command::new(sim_binary()?);
    command
        .args(sim_args(state))
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group: the terminal's Ctrl-C for this command leaves it running.
        command.process_group(0);
    }
    let child = command
        .spawn()
        .map_err(|e| format!("cannot run cql-sim: {e}"))?;
    state.pid = Some(child.id());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = std::fs::read_to_string(&log_path).unwrap_or_default();
        if let Some(addr) = text
            .lines()
            .find_map(|l| l.strip_prefix("cql-sim control on "))
        {
            if text.contains("cql-sim cluster ready") {
                state.control = Some(addr.trim().to_string());
                return save(state);
            }
        }
        if Instant::now() > deadline || text.contains("cql-sim: ") {
            stop_process(state);
            return Err(format!("cql-sim did not start:\n{text}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Ends the simulator by its own pid (it is this cluster's process, started by `start`).
fn stop_process(state: &mut ClusterState) {
    if let Some(pid) = state.pid.take() {
        if process_alive(pid) {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
    state.control = None;
}

fn stop(state: &mut ClusterState) -> Result<()> {
    if state.control.is_some() {
        let _ = control(state, "shutdown");
    }
    if let Some(pid) = state.pid {
        let deadline = Instant::now() + Duration::from_secs(10);
        while process_alive(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    stop_process(state);
    save(state)
}

fn node_count(state: &ClusterState) -> usize {
    state.datacenters.iter().map(|d| d.nodes).sum()
}

fn create(args: &[String]) -> Result<()> {
    let (opts, words) = options(
        args,
        &["--vnodes", "-s", "--start"],
        &[
            "-v",
            "--version",
            "-n",
            "--nodes",
            "-i",
            "--ipprefix",
            "-p",
            "--partitioner",
        ],
    )?;
    let name = words.first().ok_or("ccm create NAME")?;
    if cluster_dir(name).join("cluster.toml").exists() {
        return Err(format!("cluster {name} already exists"));
    }
    if let Some(p) = opt(&opts, &["-p", "--partitioner"]) {
        if !p.to_ascii_lowercase().contains("murmur3") {
            return Err(format!(
                "cql-sim simulates the Murmur3 partitioner only, not {p}"
            ));
        }
    }
    let mut state = ClusterState {
        name: name.clone(),
        version: opt(&opts, &["-v", "--version"])
            .unwrap_or("4.1")
            .to_string(),
        ip_prefix: opt(&opts, &["-i", "--ipprefix"])
            .unwrap_or("127.0.0.")
            .to_string(),
        vnodes: opts.contains_key("--vnodes"),
        ..ClusterState::default()
    };
    if let Some(n) = opt(&opts, &["-n", "--nodes"]) {
        state.datacenters = parse_layout(n)?;
    }
    save(&state)?;
    std::fs::write(config_dir().join("CURRENT"), format!("{name}\n")).map_err(|e| e.to_string())?;
    if opts.contains_key("-s") || opts.contains_key("--start") {
        start(&mut state)?;
    }
    Ok(())
}

fn status(state: &ClusterState) -> Result<()> {
    println!("Cluster: '{}'", state.name);
    println!("{}", "-".repeat(state.name.len() + 11));
    match control(state, "status") {
        Ok(lines) => {
            for l in lines {
                let mut w = l.split_whitespace();
                let (name, state) = (w.next().unwrap_or(""), w.nth(3).unwrap_or(""));
                let word = match state {
                    "UP" => "UP",
                    "PAUSED" => "UP (paused)",
                    "REMOVED" => "DECOMMISSIONED",
                    _ => "DOWN",
                };
                println!("{name}: {word}");
            }
        }
        Err(_) => {
            for i in 1..=node_count(state) {
                println!("node{i}: DOWN (Not initialized)");
            }
        }
    }
    Ok(())
}

fn add(state: &mut ClusterState, args: &[String]) -> Result<()> {
    let (opts, words) = options(
        args,
        &["-s", "--start"],
        &[
            "-i",
            "--itf",
            "--data-center",
            "-t",
            "--initial-token",
            "--binary-itf",
        ],
    )?;
    let name = words.first().ok_or("ccm add nodeN")?;
    let dc = opt(&opts, &["--data-center"]).map(str::to_string);
    if state.control.is_some() {
        let out = control(
            state,
            &match &dc {
                Some(dc) => format!("add {dc}"),
                None => "add".to_string(),
            },
        )?;
        let added = out.first().cloned().unwrap_or_default();
        let mut w = added.split_whitespace();
        let (got, addr) = (w.next().unwrap_or(""), w.next().unwrap_or(""));
        if got != name {
            eprintln!("note: the cluster named the new node {got} ({addr}), asked for {name}");
        }
        if let Some(ip) = opt(&opts, &["-i", "--itf"]) {
            if !addr.starts_with(&format!("{ip}:")) {
                eprintln!("note: the new node listens on {addr}, asked for {ip}");
            }
        }
    }
    let dc_name = dc.unwrap_or_else(|| {
        state
            .datacenters
            .first()
            .map_or_else(|| "datacenter1".to_string(), |d| d.name.clone())
    });
    match state.datacenters.iter_mut().find(|d| d.name == dc_name) {
        Some(d) => d.nodes += 1,
        None => state.datacenters.push(Datacenter {
            name: dc_name,
            nodes: 1,
        }),
    }
    save(state)
}

fn node_command(state: &mut ClusterState, node: &str, args: &[String]) -> Result<()> {
    let (_, words) = options(args, &[], &[])?;
    let action = words.first().map(String::as_str).unwrap_or("status");
    let index: usize = node
        .strip_prefix("node")
        .and_then(|n| n.parse().ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("not a node: {node}"))?;
    match action {
        "start" | "stop" | "pause" | "resume" | "decommission" => {
            control(state, &format!("{action} {index}"))?;
        }
        "remove" => {
            let _ = control(state, &format!("decommission {index}"));
        }
        "showlog" => show_log(state)?,
        "status" => {
            let lines = control(state, "status")?;
            let line = lines
                .iter()
                .find(|l| l.split_whitespace().next() == Some(node))
                .ok_or_else(|| format!("no {node}"))?;
            println!("{line}");
        }
        "nodetool" => match words.get(1).map(String::as_str) {
            Some("status") | Some("ring") => {
                for l in control(state, "status")? {
                    println!("{l}");
                }
            }
            // Storage maintenance has nothing to do in a simulator.
            Some("flush" | "drain" | "compact" | "repair" | "cleanup") | None => {}
            Some(other) => return Err(format!("nodetool {other} is not simulated")),
        },
        other => return Err(format!("unknown node command {other:?}")),
    }
    Ok(())
}

fn show_log(state: &ClusterState) -> Result<()> {
    let path = cluster_dir(&state.name).join("sim.log");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    print!("{text}");
    Ok(())
}

fn run(args: &[String]) -> Result<()> {
    let Some(command) = args.first() else {
        return Err("usage: ccm COMMAND [ARGS] (see cql-ccm's documentation)".to_string());
    };
    let rest = args.get(1..).unwrap_or_default();
    if command == "create" {
        return create(rest);
    }
    if command == "list" {
        let current = current_name().unwrap_or_default();
        let mut names: Vec<String> = std::fs::read_dir(config_dir())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.path().join("cluster.toml").exists())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        for n in names {
            println!("{}{n}", if n == current { " *" } else { "  " });
        }
        return Ok(());
    }
    if command == "switch" {
        let name = rest.first().ok_or("ccm switch NAME")?;
        load(name)?;
        return std::fs::write(config_dir().join("CURRENT"), format!("{name}\n"))
            .map_err(|e| e.to_string());
    }
    if command == "remove" {
        let name = match rest.iter().find(|a| !a.starts_with('-')) {
            Some(n) => n.clone(),
            None => current_name()?,
        };
        let mut state = load(&name)?;
        stop(&mut state)?;
        std::fs::remove_dir_all(cluster_dir(&name)).map_err(|e| e.to_string())?;
        if current_name().ok().as_deref() == Some(name.as_str()) {
            let _ = std::fs::remove_file(config_dir().join("CURRENT"));
        }
        return Ok(());
    }
    let mut state = load(&current_name()?)?;
    match command.as_str() {
        "populate" => {
            let (opts, _) = options(rest, &["--vnodes"], &["-n", "--nodes", "-i", "--ipprefix"])?;
            let n = opt(&opts, &["-n", "--nodes"]).ok_or("ccm populate -n N")?;
            state.datacenters = parse_layout(n)?;
            if let Some(p) = opt(&opts, &["-i", "--ipprefix"]) {
                state.ip_prefix = p.to_string();
            }
            state.vnodes |= opts.contains_key("--vnodes");
            save(&state)
        }
        "start" => {
            options(rest, &[], &[])?;
            start(&mut state)
        }
        "stop" => stop(&mut state),
        "status" => status(&state),
        "liveset" => {
            let lines = control(&state, "status")?;
            let up: Vec<String> = lines
                .iter()
                .filter(|l| l.split_whitespace().nth(4) == Some("UP"))
                .filter_map(|l| l.split_whitespace().nth(1))
                .filter_map(|a| a.rsplit_once(':').map(|(ip, _)| ip.to_string()))
                .collect();
            println!("{}", up.join(","));
            Ok(())
        }
        "show" => {
            print!("{}", toml::to_string(&state).map_err(|e| e.to_string())?);
            Ok(())
        }
        "showlog" => show_log(&state),
        "updateconf" => {
            for setting in rest.iter().filter(|a| !a.starts_with('-')) {
                let (k, v) = setting
                    .split_once(':')
                    .ok_or_else(|| format!("updateconf wants 'key: value', got {setting:?}"))?;
                state
                    .conf
                    .insert(k.trim().to_string(), v.trim().to_string());
            }
            save(&state)
        }
        "add" => add(&mut state, rest),
        node if node.starts_with("node") => node_command(&mut state, node, rest),
        other => Err(format!("unknown command {other:?}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn layouts_name_datacenters_as_ccm_does() {
        assert_eq!(parse_layout("3").unwrap()[0].name, "datacenter1");
        let two = parse_layout("2:1").unwrap();
        assert_eq!((two[0].name.as_str(), two[0].nodes), ("dc1", 2));
        assert_eq!((two[1].name.as_str(), two[1].nodes), ("dc2", 1));
        assert!(parse_layout("x").is_err());
    }

    #[test]
    fn options_keep_known_ones_and_ignore_ccms_others() {
        let (opts, words) = options(
            &strings(&[
                "test",
                "-v",
                "4.1.3",
                "-n",
                "3",
                "--jvm_arg=-Xmx1G",
                "-b",
                "-s",
            ]),
            &["-s"],
            &["-v", "-n"],
        )
        .unwrap();
        assert_eq!(words, ["test"]);
        assert_eq!(opts["-v"], "4.1.3");
        assert_eq!(opts["-n"], "3");
        assert!(opts.contains_key("-s"));
        assert!(options(&strings(&["--frobnicate"]), &[], &[]).is_err());
        assert!(options(&strings(&["-n"]), &[], &["-n"]).is_err());
    }

    #[test]
    fn the_simulator_gets_ccms_layout() {
        let state = ClusterState {
            name: "t".into(),
            ip_prefix: "127.0.0.".into(),
            datacenters: parse_layout("2:1").unwrap(),
            conf: [(
                "authenticator".to_string(),
                "PasswordAuthenticator".to_string(),
            )]
            .into(),
            ..ClusterState::default()
        };
        let args = sim_args(&state).join(" ");
        assert_eq!(
            args,
            "--listen 127.0.0.1:9042 --control 127.0.0.1:0 --dc dc1:2 --dc dc2:1 \
             --token-layout ccm --user cassandra:cassandra"
        );
    }
}
