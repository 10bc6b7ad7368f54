//! The HTTP side of the WebSocket upgrade, done before anything is accepted: read the
//! request head (bounded), let the caller decide on it, then answer `101` or an HTTP
//! error. tungstenite parses the head and checks the upgrade headers; we own the
//! reading, so the bridge knows who the client is before it keeps any WebSocket state
//! or reads a single message.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_tungstenite::tungstenite::handshake::machine::TryParse;
use tokio_tungstenite::tungstenite::handshake::server::{Request, create_response, write_response};
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::protocol;

/// The largest request head read (request line and headers): 16 KiB, what common HTTP
/// servers accept by default.
pub(crate) const MAX_HEAD: usize = 16 * 1024;

/// What the upgrade request said that admission needs (no token kept beyond the check).
#[derive(Debug, Default)]
pub(crate) struct RequestInfo {
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) token: Option<String>,
    pub(crate) origin: Option<String>,
    /// Whether the client offered [`protocol::SUBPROTOCOL`] (browsers, with the token).
    pub(crate) offers_subprotocol: bool,
}

impl RequestInfo {
    pub(crate) fn of(req: &Request) -> Self {
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        let protocols = header("sec-websocket-protocol");
        Self {
            path: req.uri().path().to_string(),
            query: req.uri().query().map(str::to_string),
            token: header("authorization")
                .and_then(protocol::token_from_authorization)
                .or_else(|| protocols.and_then(protocol::token_from_subprotocols))
                .map(str::to_string),
            origin: header("origin").map(str::to_string),
            offers_subprotocol: protocols.is_some_and(protocol::offers_subprotocol),
        }
    }
}

/// Why no upgrade request could be read: what to log, and the HTTP status to answer
/// with (none when the client is gone).
#[derive(Debug)]
pub(crate) struct HeadError {
    pub(crate) status: Option<&'static str>,
    pub(crate) message: String,
}

impl HeadError {
    fn answer(status: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: Some(status),
            message: message.into(),
        }
    }
}

/// Reads the upgrade request head: the parsed request and the bytes that followed it
/// (a client may send its first frame without waiting for `101`).
///
/// # Errors
/// End of stream or an I/O error before a whole head, a head over [`MAX_HEAD`], or one
/// that is not HTTP (with the status to answer).
pub(crate) async fn read_request<S>(stream: &mut S) -> Result<(Request, Vec<u8>), HeadError>
where
    S: AsyncRead + Unpin,
{
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk).await.map_err(|e| HeadError {
            status: None,
            message: format!("reading the upgrade request failed: {e}"),
        })?;
        if n == 0 {
            return Err(HeadError {
                status: None,
                message: "the client closed before a whole upgrade request".into(),
            });
        }
        let scanned_to = head.len().saturating_sub(3);
        head.extend_from_slice(chunk.get(..n).unwrap_or_default());
        // Parse only once the blank line that ends a head has arrived: a client sending
        // a byte at a time costs a scan of the new bytes, not a parse of all of them.
        let ended = head.get(scanned_to..).is_some_and(|new| {
            new.windows(4).any(|w| w == b"\r\n\r\n") || new.windows(2).any(|w| w == b"\n\n")
        });
        if ended {
            match Request::try_parse(&head) {
                Ok(Some((len, request))) => {
                    return Ok((request, head.split_off(len.min(head.len()))));
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(HeadError::answer(
                        "400 Bad Request",
                        format!("not a WebSocket upgrade request: {e}"),
                    ));
                }
            }
        }
        if head.len() > MAX_HEAD {
            return Err(HeadError::answer(
                "431 Request Header Fields Too Large",
                format!("upgrade request head over {MAX_HEAD} bytes"),
            ));
        }
    }
}

/// Answers the upgrade with `101 Switching Protocols` (selecting [`protocol::SUBPROTOCOL`]
/// when the client offered it).
///
/// # Errors
/// A request that is not a valid WebSocket upgrade (answered with `400`), or a write
/// failure.
pub(crate) async fn accept<S>(
    stream: &mut S,
    request: &Request,
    info: &RequestInfo,
) -> Result<(), HeadError>
where
    S: AsyncWrite + Unpin,
{
    let mut response = match create_response(request) {
        Ok(r) => r,
        Err(e) => {
            let e = HeadError::answer("400 Bad Request", format!("not a WebSocket upgrade: {e}"));
            answer_error(stream, &e).await;
            return Err(e);
        }
    };
    if info.offers_subprotocol {
        response.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static(protocol::SUBPROTOCOL),
        );
    }
    let mut bytes = Vec::with_capacity(256);
    write_response(&mut bytes, &response).map_err(|e| HeadError {
        status: None,
        message: format!("cannot write the upgrade response: {e}"),
    })?;
    let written = async {
        stream.write_all(&bytes).await?;
        stream.flush().await
    };
    written.await.map_err(|e| HeadError {
        status: None,
        message: format!("writing the upgrade response failed: {e}"),
    })
}

/// Answers a request that cannot be upgraded with its HTTP status, then shuts the
/// stream (best effort: the client may be gone).
pub(crate) async fn answer_error<S>(stream: &mut S, error: &HeadError)
where
    S: AsyncWrite + Unpin,
{
    let Some(status) = error.status else { return };
    let body = "this is a cql-bridge WebSocket endpoint\n";
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPGRADE: &[u8] = b"GET /cql?target=127.0.0.1:9042 HTTP/1.1\r\nHost: b\r\n\
        Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
        Sec-WebSocket-Protocol: cql.bearer.abc, cql.v1\r\n\r\n";

    #[tokio::test]
    async fn reads_a_head_byte_by_byte_and_keeps_what_follows() {
        let (mut client, mut server) = tokio::io::duplex(64);
        let sent = [UPGRADE, b"\x82\x00"].concat();
        let writer = tokio::spawn(async move {
            for b in sent {
                client.write_all(&[b]).await.unwrap();
            }
            client
        });
        let (req, tail) = read_request(&mut server).await.unwrap();
        let info = RequestInfo::of(&req);
        assert_eq!(info.path, "/cql");
        assert_eq!(info.query.as_deref(), Some("target=127.0.0.1:9042"));
        assert_eq!(info.token.as_deref(), Some("abc"));
        assert!(info.offers_subprotocol);
        assert_eq!(tail, b"\x82\x00");
        let _client = writer.await.unwrap();
        let mut out = Vec::new();
        accept(&mut out, &req, &info).await.unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 101"), "{text}");
        assert!(text.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{text}");
        assert!(text.contains("cql.v1") && !text.contains("abc"), "{text}");
    }

    #[tokio::test]
    async fn refuses_oversized_truncated_and_non_upgrade_heads() {
        let read = |bytes: Vec<u8>| async move {
            let (mut client, mut server) = tokio::io::duplex(1 << 20);
            client.write_all(&bytes).await.unwrap();
            drop(client);
            read_request(&mut server).await.map(|_| ()).unwrap_err()
        };
        let huge = [
            b"GET / HTTP/1.1\r\nX: ".as_slice(),
            &vec![b'a'; MAX_HEAD + 10],
        ]
        .concat();
        assert_eq!(
            read(huge).await.status,
            Some("431 Request Header Fields Too Large")
        );
        assert_eq!(
            read(b"GET / HTTP/1.1\r\nHost: x\r\n".to_vec()).await.status,
            None
        );
        let junk = read(b"\x00\xff garbage\r\n\r\n".to_vec()).await;
        assert_eq!(junk.status, Some("400 Bad Request"));
        let post = read(b"POST /cql HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()).await;
        assert_eq!(post.status, Some("400 Bad Request"));
        // A GET that is not an upgrade is answered 400 at accept time.
        let (mut client, mut server) = tokio::io::duplex(4096);
        client
            .write_all(b"GET /cql HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let (req, _) = read_request(&mut server).await.unwrap();
        let mut out = Vec::new();
        let e = accept(&mut out, &req, &RequestInfo::of(&req))
            .await
            .unwrap_err();
        assert_eq!(e.status, Some("400 Bad Request"));
        assert!(String::from_utf8(out).unwrap().starts_with("HTTP/1.1 400"));
    }
}
