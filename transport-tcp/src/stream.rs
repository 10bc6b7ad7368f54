//! The [`StreamReader`]/[`StreamWriter`] halves over any tokio byte stream, and the mapping
//! of `std::io` errors to [`TransportError`]s.

use std::io;

use cql_core::runtime::{
    BoxFuture, StreamReader, StreamWriter, TransportError, TransportErrorKind,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::tls::describe_tls_error;

/// The reading half of a tokio stream to `peer`.
pub(crate) struct IoReader<R> {
    inner: R,
    peer: String,
}

impl<R> IoReader<R> {
    pub(crate) fn new(inner: R, peer: String) -> Self {
        Self { inner, peer }
    }
}

impl<R: AsyncRead + Unpin + Send> StreamReader for IoReader<R> {
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> BoxFuture<'a, Result<usize, TransportError>> {
        Box::pin(async move {
            match self.inner.read(buf).await {
                Ok(n) => Ok(n),
                // A TLS peer that closes without close_notify: CQL frames carry their own
                // lengths, so a truncated stream is detected above; report an ordinary end.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                Err(e) => Err(io_error(&e, "reading from", &self.peer)),
            }
        })
    }
}

/// The writing half of a tokio stream to `peer`.
pub(crate) struct IoWriter<W> {
    inner: W,
    peer: String,
}

impl<W> IoWriter<W> {
    pub(crate) fn new(inner: W, peer: String) -> Self {
        Self { inner, peer }
    }
}

impl<W: AsyncWrite + Unpin + Send> StreamWriter for IoWriter<W> {
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> BoxFuture<'a, Result<(), TransportError>> {
        Box::pin(async move {
            let written = async {
                self.inner.write_all(buf).await?;
                self.inner.flush().await
            };
            written
                .await
                .map_err(|e| io_error(&e, "writing to", &self.peer))
        })
    }

    fn close(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            // TLS: sends close_notify, then the TCP FIN. Errors mean it is closed already.
            let _ = self.inner.shutdown().await;
        })
    }
}

/// Maps an I/O error while `doing` (e.g. "reading from") `peer` to a [`TransportError`]:
/// resets and broken pipes are [`Closed`](TransportErrorKind::Closed), TLS failures
/// [`Tls`](TransportErrorKind::Tls), the rest [`Io`](TransportErrorKind::Io).
pub(crate) fn io_error(e: &io::Error, doing: &str, peer: &str) -> TransportError {
    if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return TransportError::new(
            TransportErrorKind::Tls,
            format!("TLS error {doing} {peer}: {}", describe_tls_error(tls)),
        );
    }
    let kind = match e.kind() {
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe
        | io::ErrorKind::NotConnected
        | io::ErrorKind::UnexpectedEof => TransportErrorKind::Closed,
        _ => TransportErrorKind::Io,
    };
    let what = match kind {
        TransportErrorKind::Closed => "connection closed by the peer while",
        _ => "I/O error",
    };
    TransportError::new(kind, format!("{what} {doing} {peer}: {e}"))
}
