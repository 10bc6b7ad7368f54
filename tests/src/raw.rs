//! A minimal raw CQL client over real sockets, built on `cql-core`'s frames and messages:
//! enough to drive the simulated node in tests and in the load generator (the project's
//! driver is a separate crate).
//!
//! It speaks v3/v4/v5, body compression (v4) and segments (v5, switched on after the
//! STARTUP answer as Cassandra and the Python driver do), TLS with a trusted CA PEM, and
//! SASL PLAIN authentication.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use cql_core::frame::{Compression, DEFAULT_MAX_BODY_LEN, Frame, Framer, ProtocolVersion};
use cql_core::message::{
    AuthToken, Query, QueryParameters, Request, RequestFrame, Response, ResponseFrame, Startup,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// A byte stream a client can use: TCP or TLS over TCP.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 16 * 1024;

/// A raw connection: frames in, frames out.
pub struct RawClient {
    io: Box<dyn Io>,
    version: ProtocolVersion,
    framer: Framer,
    received: Box<[u8]>,
    next_stream: i16,
}

impl std::fmt::Debug for RawClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawClient")
            .field("version", &self.version)
            .field("framing", &self.framer.framing())
            .finish_non_exhaustive()
    }
}

impl RawClient {
    /// Connects over plain TCP; no handshake yet.
    ///
    /// # Errors
    /// The connection failed.
    pub async fn connect(addr: SocketAddr, version: ProtocolVersion) -> io::Result<Self> {
        let tcp = TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        Ok(Self::over(Box::new(tcp), version))
    }

    /// Connects over TLS, trusting the certificate(s) in `ca_pem`; no handshake yet.
    ///
    /// # Errors
    /// The connection or the TLS handshake failed, or the PEM is invalid.
    pub async fn connect_tls(
        addr: SocketAddr,
        version: ProtocolVersion,
        ca_pem: &str,
    ) -> io::Result<Self> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            roots.add(cert.map_err(invalid)?).map_err(invalid)?;
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(invalid)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let tcp = TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        let name = ServerName::IpAddress(addr.ip().into());
        let tls = connector.connect(name, tcp).await?;
        Ok(Self::over(Box::new(tls), version))
    }

    /// A client over an already connected stream.
    pub fn over(io: Box<dyn Io>, version: ProtocolVersion) -> Self {
        Self {
            io,
            version,
            framer: Framer::new(DEFAULT_MAX_BODY_LEN),
            received: vec![0; READ_CHUNK].into_boxed_slice(),
            next_stream: 0,
        }
    }

    /// The protocol version frames are sent in.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// STARTUP with `compression` (and authentication with `credentials` when the node
    /// asks), then switches framing as the node does.
    ///
    /// # Errors
    /// I/O errors, or `InvalidData` carrying the node's ERROR message.
    pub async fn handshake(
        &mut self,
        compression: Compression,
        credentials: Option<(&str, &str)>,
    ) -> io::Result<()> {
        let mut startup = Startup::new("3.0.0");
        if let Some(name) = compression.name() {
            startup
                .options
                .push(("COMPRESSION".to_string(), name.to_string()));
        }
        let answer = self.request(Request::Startup(startup)).await?;
        let needs_auth = match answer.response {
            Response::Ready => false,
            Response::Authenticate(_) => true,
            Response::Error(e) => return Err(invalid(e)),
            other => return Err(invalid(format!("unexpected answer to STARTUP: {other:?}"))),
        };
        self.enable_framing(compression)?;
        if needs_auth {
            let (user, pass) = credentials.unwrap_or_default();
            let token = format!("\0{user}\0{pass}").into_bytes();
            match self
                .request(Request::AuthResponse(AuthToken::new(token)))
                .await?
                .response
            {
                Response::AuthSuccess(_) => {}
                Response::Error(e) => return Err(invalid(e)),
                other => return Err(invalid(format!("unexpected answer to AUTH: {other:?}"))),
            }
        }
        Ok(())
    }

    /// Switches to the framing used after the STARTUP answer: body compression for v3/v4,
    /// segments for v5.
    ///
    /// # Errors
    /// Snappy with v5, and a second switch.
    pub fn enable_framing(&mut self, compression: Compression) -> io::Result<()> {
        self.framer
            .start_framing(self.version, compression)
            .map_err(invalid)
    }

    /// A fresh stream id (0..=32767, wrapping).
    pub fn next_stream(&mut self) -> i16 {
        let s = self.next_stream;
        self.next_stream = if s == i16::MAX { 0 } else { s + 1 };
        s
    }

    /// Appends `frame` to `out` in the current framing (call [`finish`](Self::finish)
    /// before sending `out` when segments are on).
    ///
    /// # Errors
    /// Encoding errors.
    pub fn encode(&mut self, frame: &RequestFrame<'_>, out: &mut Vec<u8>) -> io::Result<()> {
        let version = self.version;
        self.framer
            .write_frame(out, |buf| frame.encode(version, Compression::None, buf))
            .map_err(invalid)
    }

    /// Appends an already encoded frame to `out`: inside a segment once v5 segments are
    /// on (call [`finish`](Self::finish) before sending), as it is otherwise.
    ///
    /// # Errors
    /// Encoding errors.
    pub fn encode_raw_frame(&mut self, frame: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        self.framer.write_encoded_frame(frame, out).map_err(invalid)
    }

    /// Flushes frames pending in a segment into `out`.
    ///
    /// # Errors
    /// Encoding errors.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        self.framer.flush(out).map_err(invalid)
    }

    /// Sends bytes as they are.
    ///
    /// # Errors
    /// I/O errors.
    pub async fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.io.write_all(bytes).await?;
        self.io.flush().await
    }

    /// Sends one request frame.
    ///
    /// # Errors
    /// I/O and encoding errors.
    pub async fn send(&mut self, frame: &RequestFrame<'_>) -> io::Result<()> {
        let mut out = Vec::new();
        self.encode(frame, &mut out)?;
        self.finish(&mut out)?;
        self.send_raw(&out).await
    }

    /// The next whole frame already received, if any.
    ///
    /// # Errors
    /// Framing errors.
    pub fn next_buffered(&mut self) -> io::Result<Option<Frame>> {
        self.framer.next_frame().map_err(invalid)
    }

    /// Reads more bytes from the socket; `Ok(0)` at end of stream.
    ///
    /// # Errors
    /// I/O errors.
    pub async fn fill(&mut self) -> io::Result<usize> {
        let n = self.io.read(&mut self.received).await?;
        self.framer.feed(self.received.get(..n).unwrap_or_default());
        Ok(n)
    }

    /// The next frame, reading as needed.
    ///
    /// # Errors
    /// `UnexpectedEof` when the node closed the connection; framing errors.
    pub async fn recv_frame(&mut self) -> io::Result<Frame> {
        loop {
            if let Some(frame) = self.next_buffered()? {
                return Ok(frame);
            }
            if self.fill().await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }

    /// The next response (or event) frame, decoded.
    ///
    /// # Errors
    /// As [`recv_frame`](Self::recv_frame), and undecodable responses.
    pub async fn recv(&mut self) -> io::Result<ResponseFrame> {
        let frame = self.recv_frame().await?;
        ResponseFrame::decode(&frame).map_err(invalid)
    }

    /// Sends `request` on a fresh stream and waits for its answer (events received
    /// meanwhile are dropped).
    ///
    /// # Errors
    /// As [`recv`](Self::recv).
    pub async fn request(&mut self, request: Request<'_>) -> io::Result<ResponseFrame> {
        let stream = self.next_stream();
        self.send(&RequestFrame::new(stream, request)).await?;
        loop {
            let answer = self.recv().await?;
            if answer.stream == stream {
                return Ok(answer);
            }
        }
    }

    /// Runs a QUERY at consistency ONE and returns the answer.
    ///
    /// # Errors
    /// As [`recv`](Self::recv).
    pub async fn query(&mut self, cql: &str) -> io::Result<Response> {
        Ok(self
            .request(Request::Query(Query {
                query: cql.into(),
                params: QueryParameters::default(),
            }))
            .await?
            .response)
    }

    /// Whether the node closed the connection (waits for end of stream, discarding
    /// anything received meanwhile).
    pub async fn closed_by_peer(&mut self) -> bool {
        let mut scratch = [0u8; 4096];
        loop {
            match self.io.read(&mut scratch).await {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            }
        }
    }
}
