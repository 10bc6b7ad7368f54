//! A raw load generator: several connections, each keeping a fixed number of pre-encoded
//! EXECUTE frames in flight and sending one back as soon as its answer arrives. It
//! measures how many requests per second the node answers, the reference later driver
//! benchmarks are held against.

use std::borrow::Cow;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use cql_core::frame::{Compression, Opcode, ProtocolVersion};
use cql_core::message::{
    Execute, Prepare, QueryParameters, Request, RequestFrame, Response, ResultMessage,
};
use cql_core::types::SerializedValues;

use crate::raw::RawClient;

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// The node's address.
    pub addr: SocketAddr,
    /// Connections opened.
    pub connections: usize,
    /// Requests kept in flight on each connection (at most 32768).
    pub in_flight: usize,
    /// How long to send.
    pub duration: Duration,
    /// Protocol version.
    pub version: ProtocolVersion,
    /// Compression.
    pub compression: Compression,
    /// The statement prepared and executed.
    pub statement: String,
    /// Its bound values.
    pub values: SerializedValues,
    /// Credentials, when the node requires authentication.
    pub credentials: Option<(String, String)>,
    /// CA to trust for TLS; `None` for plain TCP.
    pub tls_ca_pem: Option<String>,
}

impl LoadConfig {
    /// A configuration executing `statement` against `addr`: 4 connections × 128 in
    /// flight for one second, v4, no compression.
    pub fn new(addr: SocketAddr, statement: impl Into<String>) -> Self {
        Self {
            addr,
            connections: 4,
            in_flight: 128,
            duration: Duration::from_secs(1),
            version: ProtocolVersion::V4,
            compression: Compression::None,
            statement: statement.into(),
            values: SerializedValues::new(),
            credentials: None,
            tls_ca_pem: None,
        }
    }
}

/// What a run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadReport {
    /// Answers received that were not errors.
    pub completed: u64,
    /// ERROR answers received.
    pub errors: u64,
    /// How long the measurement ran.
    pub elapsed: Duration,
}

impl LoadReport {
    /// Successful requests per second.
    pub fn per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.completed as f64 / secs
        } else {
            0.0
        }
    }
}

/// Runs the load and reports the totals over all connections.
///
/// # Errors
/// A connection could not be opened, complete its handshake or prepare the statement.
pub async fn run(config: &LoadConfig) -> io::Result<LoadReport> {
    let mut clients = Vec::with_capacity(config.connections);
    for _ in 0..config.connections.max(1) {
        clients.push(open(config).await?);
    }
    let start = Instant::now();
    let deadline = start + config.duration;
    let mut tasks = tokio::task::JoinSet::new();
    let in_flight = config.in_flight.clamp(1, 32768);
    for (client, execute) in clients {
        tasks.spawn(drive(client, execute, in_flight, deadline));
    }
    let mut report = LoadReport {
        completed: 0,
        errors: 0,
        elapsed: Duration::ZERO,
    };
    while let Some(result) = tasks.join_next().await {
        let (ok, err) = result.map_err(io::Error::other)??;
        report.completed += ok;
        report.errors += err;
    }
    report.elapsed = start.elapsed();
    Ok(report)
}

/// Opens one connection, prepares the statement and returns the client with an EXECUTE
/// template.
async fn open(config: &LoadConfig) -> io::Result<(RawClient, Execute<'static>)> {
    let mut client = match &config.tls_ca_pem {
        Some(ca) => RawClient::connect_tls(config.addr, config.version, ca).await?,
        None => RawClient::connect(config.addr, config.version).await?,
    };
    let creds = config
        .credentials
        .as_ref()
        .map(|(u, p)| (u.as_str(), p.as_str()));
    client.handshake(config.compression, creds).await?;
    let answer = client
        .request(Request::Prepare(Prepare::new(config.statement.clone())))
        .await?;
    let prepared = match answer.response {
        Response::Result(ResultMessage::Prepared(p)) => p,
        Response::Error(e) => return Err(io::Error::other(e.to_string())),
        other => return Err(io::Error::other(format!("unexpected answer: {other:?}"))),
    };
    let execute = Execute {
        id: prepared.id.clone(),
        result_metadata_id: prepared.result_metadata_id.clone(),
        params: QueryParameters {
            values: Cow::Owned(config.values.clone()),
            skip_metadata: true,
            ..QueryParameters::default()
        },
    };
    Ok((client, execute))
}

/// Keeps `in_flight` EXECUTEs outstanding until `deadline`; returns (ok, errors).
async fn drive(
    mut client: RawClient,
    execute: Execute<'static>,
    in_flight: usize,
    deadline: Instant,
) -> io::Result<(u64, u64)> {
    // Pre-encode one uncompressed frame per stream id (the COMPRESSION flag is per frame,
    // so they are valid with v4 compression on); v5 segments are built per batch.
    let version = client.version();
    let frames: Vec<Vec<u8>> = (0..in_flight)
        .map(|s| {
            let mut out = Vec::new();
            RequestFrame::new(s as i16, Request::Execute(execute.clone()))
                .encode(version, Compression::None, &mut out)
                .map(|()| out)
        })
        .collect::<Result<_, _>>()
        .map_err(io::Error::other)?;
    let mut out = Vec::new();
    for frame in &frames {
        client.encode_raw_frame(frame, &mut out)?;
    }
    client.finish(&mut out)?;
    client.send_raw(&out).await?;
    let (mut ok, mut errors) = (0u64, 0u64);
    let mut outstanding = in_flight;
    while outstanding > 0 {
        if client.fill().await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        out.clear();
        let sending = Instant::now() < deadline;
        while let Some(frame) = client.next_buffered()? {
            if frame.header.opcode == Opcode::Error {
                errors += 1;
            } else {
                ok += 1;
            }
            let stream = usize::try_from(frame.header.stream).unwrap_or(usize::MAX);
            match frames.get(stream) {
                Some(f) if sending => client.encode_raw_frame(f, &mut out)?,
                _ => outstanding = outstanding.saturating_sub(1),
            }
        }
        if !out.is_empty() || sending {
            client.finish(&mut out)?;
            if !out.is_empty() {
                client.send_raw(&out).await?;
            }
        }
    }
    Ok((ok, errors))
}
