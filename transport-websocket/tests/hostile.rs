//! The bridge under attack from 127.0.0.x: refused clients that send big frames, slow
//! handshakes that try to take every slot, a target string that tries to forge log lines,
//! and WebSocket protocol violations. Run against the `cql-bridge` binary where what is
//! checked is the process (its memory, its default text log), against the library where
//! it is the bridge's decisions.

mod common;

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::*;
use cql_transport_tcp::SessionBuilder;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// The `cql-bridge` binary of this build, running until dropped (killed by its pid).
struct BridgeProcess {
    child: Child,
    addr: SocketAddr,
    stderr: std::thread::JoinHandle<String>,
}

impl BridgeProcess {
    /// Starts `cql-bridge` on 127.0.0.1 with `args` and waits for its address.
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cql-bridge"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cql-bridge starts");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("cql-bridge listening on ws://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        let addr = url.split('/').next().unwrap().parse().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut all = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut all);
            all
        });
        Self {
            child,
            addr,
            stderr,
        }
    }

    /// The peak resident memory of the process so far, in KiB (`VmHWM`).
    fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/<pid>/status")
    }

    /// Stops the process and returns everything it logged.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr.join().unwrap()
    }
}

/// Opens a TCP connection to `to` from the loopback address `from`.
async fn connect_from(from: Ipv4Addr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((from, 0)))?;
    socket.connect(to).await
}

/// The upgrade request for `path_and_query` with extra `headers`.
fn upgrade_request(path_and_query: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut r = format!(
        "GET {path_and_query} HTTP/1.1\r\nHost: bridge\r\nConnection: Upgrade\r\n\
         Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    );
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    r.into_bytes()
}

/// Sends the upgrade request and reads the response head; returns the status line.
async fn upgrade(tcp: &mut TcpStream, path_and_query: &str, headers: &[(&str, &str)]) -> String {
    tcp.write_all(&upgrade_request(path_and_query, headers))
        .await
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if tcp.read(&mut byte).await.unwrap() == 0 {
            break;
        }
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// Reads server frames until a close frame; its code and reason.
async fn read_close(tcp: &mut TcpStream) -> Option<(u16, String)> {
    loop {
        let mut h = [0u8; 2];
        tcp.read_exact(&mut h).await.ok()?;
        let len = match h[1] & 0x7f {
            126 => u64::from(tcp.read_u16().await.ok()?),
            127 => tcp.read_u64().await.ok()?,
            n => u64::from(n),
        };
        let mut payload = vec![0u8; usize::try_from(len).ok()?];
        tcp.read_exact(&mut payload).await.ok()?;
        if h[0] & 0x0f == 0x8 {
            let code = u16::from_be_bytes([*payload.first()?, *payload.get(1)?]);
            return Some((code, String::from_utf8_lossy(&payload[2..]).into_owned()));
        }
    }
}

/// A masked binary frame header announcing `len` bytes of payload.
fn big_frame_header(len: u64) -> Vec<u8> {
    let mut h = vec![0x82, 0x80 | 127];
    h.extend_from_slice(&len.to_be_bytes());
    h.extend_from_slice(&[1, 2, 3, 4]);
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_clients_sending_big_frames_leave_the_bridge_small() {
    let bridge = BridgeProcess::start(&[
        "--target",
        "127.0.0.1:9042",
        "--token",
        &format!("tests:{TOKEN}"),
        "--max-handshakes-per-ip",
        "200",
    ]);
    // One refusal first, so the baseline includes what every connection costs.
    let mut warm = TcpStream::connect(bridge.addr).await.unwrap();
    upgrade(&mut warm, "/cql?target=127.0.0.1:9042", &[]).await;
    assert_eq!(read_close(&mut warm).await.map(|c| c.0), Some(4401));
    let before = bridge.peak_rss_kib();

    // 100 clients without a token, each announcing a 16 MiB message and sending as much
    // of it as the bridge takes.
    const CLIENTS: usize = 100;
    let addr = bridge.addr;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            tokio::spawn(async move {
                let mut tcp = TcpStream::connect(addr).await.unwrap();
                let status = upgrade(&mut tcp, "/cql?target=127.0.0.1:9042", &[]).await;
                assert!(status.contains("101"), "{status}");
                let chunk = vec![0x5a_u8; 64 * 1024];
                let mut sent = 0usize;
                let send = async {
                    tcp.write_all(&big_frame_header(16 << 20)).await?;
                    while sent < 16 << 20 {
                        tcp.write_all(&chunk).await?;
                        sent += chunk.len();
                    }
                    Ok::<_, std::io::Error>(())
                };
                let _ = tokio::time::timeout(Duration::from_secs(20), send).await;
                sent
            })
        })
        .collect();
    let mut accepted = 0;
    for c in clients {
        accepted += c.await.unwrap();
    }
    let after = bridge.peak_rss_kib();
    let grown_mib = after.saturating_sub(before) / 1024;
    println!(
        "cql-bridge peak RSS: {} MiB before, {} MiB after {CLIENTS} refused clients \
         (+{grown_mib} MiB; they sent {} KiB of message payload in all)",
        before / 1024,
        after / 1024,
        accepted / 1024
    );
    bridge.stop();
    assert!(
        grown_mib < 32,
        "the bridge grew by {grown_mib} MiB for {CLIENTS} refused clients"
    );
}

#[tokio::test]
async fn an_authenticated_client_connects_while_100_slow_handshakes_are_open() {
    let sim = sim().await;
    let mut config = config(&[sim.local_addr()]);
    config.limits.max_connections = 50;
    let bridge = bridge(config).await;
    let attacker = Ipv4Addr::new(127, 0, 0, 2);
    // 100 handshakes from one address that never finish their request.
    let mut slow = Vec::new();
    for _ in 0..100 {
        let mut tcp = connect_from(attacker, bridge.local_addr()).await.unwrap();
        let _ = tcp
            .write_all(b"GET /cql?target=127.0.0.1:9042 HTTP/1.1\r\nHost: x\r\n")
            .await;
        slow.push(tcp);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The address holds its share of handshakes and no more; tunnels are untouched.
    assert_eq!(bridge.pending_handshakes(), 16);
    assert_eq!(bridge.active_connections(), 0);
    // Those over its share were dropped without a byte read.
    let mut dropped = 0;
    for tcp in &mut slow {
        // Closed (EOF), or reset because the request bytes were never read.
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_millis(20), tcp.read(&mut [0u8; 16])).await
        {
            dropped += 1;
        }
    }
    assert_eq!(dropped, 84);

    let session = session(sim.local_addr(), transport(&bridge), SessionBuilder::new()).await;
    session
        .execute("SELECT release_version FROM system.local", ())
        .await
        .unwrap();
    assert!(bridge.active_connections() >= 1);
    session.close().await;
    drop(slow);
    bridge.stop().await;
    sim.stop().await;
}

#[tokio::test]
async fn slow_handshakes_end_at_the_handshake_timeout() {
    let sim = sim().await;
    let mut config = config(&[sim.local_addr()]);
    config.limits.handshake_timeout = Duration::from_millis(300);
    let bridge = bridge(config).await;
    let mut tcp = TcpStream::connect(bridge.local_addr()).await.unwrap();
    tcp.write_all(b"GET /cql HTTP/1.1\r\n").await.unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut [0u8; 16])).await;
    assert!(matches!(closed, Ok(Ok(0)) | Ok(Err(_))), "{closed:?}");
    assert_eq!(bridge.pending_handshakes(), 0);
    bridge.stop().await;
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_target_appears_escaped_in_the_text_log() {
    let bridge = BridgeProcess::start(&[
        "--target",
        "127.0.0.1:9042",
        "--token",
        &format!("tests:{TOKEN}"),
    ]);
    // CR/LF, a forged log line, an ANSI escape and a right-to-left override, percent
    // encoded in the target; no token.
    let forged = "2026-01-01T00:00:00.000000Z  INFO tunnel open subject=\"admin\"";
    let hostile = format!(
        "/cql?target=x%0D%0A{}%1B%5B31m%E2%80%AE:9042",
        forged.replace(' ', "%20").replace('"', "%22")
    );
    let mut tcp = TcpStream::connect(bridge.addr).await.unwrap();
    upgrade(&mut tcp, &hostile, &[]).await;
    let close = read_close(&mut tcp).await.expect("a close frame");
    assert_eq!(close.0, 4400);
    drop(tcp);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let log = bridge.stop();
    assert!(
        !log.contains('\u{1b}'),
        "an escape byte reached the log:\n{log}"
    );
    assert!(!log.contains('\r'), "a CR reached the log:\n{log}");
    assert!(
        !log.lines().any(|l| l.starts_with("2026-01-01")),
        "a forged line was written:\n{log}"
    );
    let refused = log
        .lines()
        .find(|l| l.contains("tunnel refused"))
        .unwrap_or_else(|| panic!("no refusal logged:\n{log}"));
    assert!(
        refused.contains(r"x\r\n2026-01-01") && refused.contains(r"\u{1b}[31m\u{202e}"),
        "{refused}"
    );
}

#[tokio::test]
async fn protocol_violations_close_with_1002() {
    let sim = sim().await;
    let bridge = bridge(config(&[sim.local_addr()])).await;
    let auth = format!("Bearer {TOKEN}");
    // An unmasked client frame, then reserved bits set: RFC 6455 says 1002.
    for frame in [&[0x82_u8, 0x02, 0, 0][..], &[0xf2, 0x80, 1, 2, 3, 4]] {
        let mut tcp = TcpStream::connect(bridge.local_addr()).await.unwrap();
        let status = upgrade(
            &mut tcp,
            &target_query(sim.local_addr()),
            &[("Authorization", &auth)],
        )
        .await;
        assert!(status.contains("101"), "{status}");
        tcp.write_all(frame).await.unwrap();
        let close = read_close(&mut tcp).await.expect("a close frame");
        assert_eq!(close.0, 1002, "{close:?}");
        assert!(close.1.contains("protocol"), "{close:?}");
    }
    bridge.stop().await;
    sim.stop().await;
}

#[tokio::test]
async fn plain_http_gets_an_http_answer_and_no_upgrade() {
    let sim = sim().await;
    let bridge = bridge(config(&[sim.local_addr()])).await;
    let mut tcp = TcpStream::connect(bridge.local_addr()).await.unwrap();
    tcp.write_all(b"GET /cql HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    // The refused and answered connections gave their slots back.
    assert_eq!(bridge.pending_handshakes(), 0);
    bridge.stop().await;
    sim.stop().await;
}
