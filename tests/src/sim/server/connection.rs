//! One client connection: a read loop that decodes frames, answers them through the
//! [`ClientState`] in order (fault rules may delay, drop or corrupt an answer, or close the
//! connection) and forwards registered events, and a write loop that sends the encoded
//! bytes. Both run in the connection's task; a failing client only ends its own
//! connection.

use std::sync::Arc;

use cql_core::frame::{Framer, ProtocolVersion};
use cql_core::message::{Event, Response, ResponseFrame};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;

use super::client_state::{ClientState, Reply, Served, Shared, Switch};
use super::framing::{
    FrameFailure, next_request, write_error_header, write_legacy_error, write_raw, write_response,
};
use super::version::{
    ReplyVersion, USE_BETA_FLAG, V6_BETA_NUMBER, beta_flag_message, reply_version,
};
use crate::sim::clients::ClientHandle;
use crate::sim::error::CqlError;
use crate::sim::faults::action::corrupt_frame;

/// How many encoded batches may wait for the socket before reading pauses.
const WRITE_QUEUE: usize = 64;
/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 16 * 1024;

/// Serves the server's connection number `connection` until the client leaves, a framing
/// error or a fault rule closes it, or the task is aborted; `client` lists it in
/// `system_views.clients` meanwhile.
pub async fn serve<S>(
    stream: S,
    shared: Arc<Shared>,
    max_body_len: usize,
    connection: u64,
    client: Option<ClientHandle>,
) where
    S: AsyncRead + AsyncWrite + Send + Unpin,
{
    let (rd, wr) = tokio::io::split(stream);
    let (tx, rx) = mpsc::channel(WRITE_QUEUE);
    tokio::join!(
        read_loop(rd, tx, shared, max_body_len, connection, client),
        write_loop(wr, rx)
    );
}

async fn write_loop<W: AsyncWrite + Unpin>(mut wr: W, mut rx: mpsc::Receiver<Vec<u8>>) {
    while let Some(bytes) = rx.recv().await {
        if wr.write_all(&bytes).await.is_err() {
            return;
        }
        while let Ok(more) = rx.try_recv() {
            if wr.write_all(&more).await.is_err() {
                return;
            }
        }
        if wr.flush().await.is_err() {
            return;
        }
    }
    let _ = wr.shutdown().await;
}

async fn read_loop<R: AsyncRead + Unpin>(
    mut rd: R,
    tx: mpsc::Sender<Vec<u8>>,
    shared: Arc<Shared>,
    max_body_len: usize,
    connection: u64,
    client: Option<ClientHandle>,
) {
    let mut paused = shared.node.pause_watch();
    let mut conn = Conn {
        framer: Framer::new(max_body_len),
        session: ClientState::for_connection(shared, connection),
        out: Vec::new(),
        delayed: Vec::new(),
        first: Vec::new(),
    };
    if let Some(client) = client {
        conn.session.attach_client(client);
    }
    let mut received = vec![0u8; READ_CHUNK];
    loop {
        // A paused node reads, answers and announces nothing until it is resumed (an
        // error means the node is gone: nothing can pause it any more).
        let _ = paused.wait_for(|p| !*p).await;
        let close = tokio::select! {
            read = rd.read(&mut received) => match read {
                Ok(0) | Err(_) => true,
                Ok(n) => {
                    let bytes = received.get(..n).unwrap_or_default();
                    let want = 2usize.saturating_sub(conn.first.len());
                    conn.first.extend(bytes.iter().take(want));
                    conn.framer.feed(bytes);
                    conn.process()
                }
            },
            event = next_event(conn.session.events_mut()) => {
                if let Some(event) = event {
                    conn.push_event(event);
                }
                false
            }
            () = next_due(&conn.delayed) => conn.send_due(),
            // Paused while waiting: stop here (the loop waits for the resume).
            () = until_paused(&mut paused) => false,
        };
        if !conn.out.is_empty() && tx.send(std::mem::take(&mut conn.out)).await.is_err() {
            return;
        }
        if close {
            return;
        }
    }
}

/// The next event for a registered connection; pending forever when not registered or
/// when the feed is closed. Events missed because the connection lagged are skipped.
async fn next_event(events: Option<&mut broadcast::Receiver<Event>>) -> Option<Event> {
    let Some(events) = events else {
        return std::future::pending().await;
    };
    match events.recv().await {
        Ok(event) => Some(event),
        Err(broadcast::error::RecvError::Lagged(_)) => None,
        Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
    }
}

/// Until the node is paused; pending forever once nothing can pause it.
async fn until_paused(paused: &mut watch::Receiver<bool>) {
    if paused.wait_for(|p| *p).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Until the earliest delayed answer is due; pending forever when none is.
async fn next_due(delayed: &[(Instant, Reply)]) {
    match delayed.iter().map(|(due, _)| *due).min() {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

struct Conn {
    framer: Framer,
    session: ClientState,
    out: Vec<u8>,
    /// Answers a fault rule delayed, with when to send them.
    delayed: Vec<(Instant, Reply)>,
    /// The first two bytes received (version and flags of the first frame).
    first: Vec<u8>,
}

impl Conn {
    /// Answers every whole frame received; returns whether to close the connection.
    fn process(&mut self) -> bool {
        let close = loop {
            match next_request(&mut self.framer, self.session.accepted_versions()) {
                Ok(None) => break false,
                Ok(Some(frame)) => {
                    let sent = match self.session.serve(&frame) {
                        Served::Send(reply) => self.send(&reply),
                        Served::Delay(reply, delay) => {
                            self.delayed.push((Instant::now() + delay, reply));
                            true
                        }
                        Served::NoAnswer => true,
                        Served::Corrupt(reply, kind) => {
                            let bytes = corrupt_frame(kind, reply.version, reply.frame.stream);
                            let _ = write_raw(&mut self.framer, &bytes, &mut self.out);
                            reply
                                .switch
                                .is_none_or(|s| self.switch(reply.version, s).is_ok())
                        }
                        Served::Close => false,
                    };
                    if !sent {
                        break true;
                    }
                }
                Err(failure) => {
                    self.push_failure(&failure);
                    break true;
                }
            }
        };
        self.session.flush_records();
        let _ = self.framer.flush(&mut self.out);
        close
    }

    /// Writes an answer and applies its framing switch; false when the switch failed
    /// and the connection must close.
    fn send(&mut self, reply: &Reply) -> bool {
        self.push_reply(reply);
        reply
            .switch
            .is_none_or(|s| self.switch(reply.version, s).is_ok())
    }

    /// Writes the delayed answers that are due, earliest first; returns whether to close.
    fn send_due(&mut self) -> bool {
        let now = Instant::now();
        self.delayed.sort_by_key(|(due, _)| *due);
        let due = self.delayed.iter().take_while(|(d, _)| *d <= now).count();
        let replies: Vec<_> = self.delayed.drain(..due).collect();
        let mut close = false;
        for (_, reply) in &replies {
            if !self.send(reply) {
                close = true;
                break;
            }
        }
        let _ = self.framer.flush(&mut self.out);
        close
    }

    fn push_reply(&mut self, reply: &Reply) {
        if let Err(e) = write_response(&mut self.framer, reply.version, &reply.frame, &mut self.out)
        {
            // The answer cannot be encoded (a value too large for its length prefix):
            // tell the client instead of leaving the stream unanswered.
            let error = CqlError::server(format!("cannot encode the response: {e}"));
            let frame =
                ResponseFrame::new(reply.frame.stream, Response::Error(error.to_response()));
            let _ = write_response(&mut self.framer, reply.version, &frame, &mut self.out);
        }
    }

    /// Switches to the framing STARTUP negotiated in `version`, once the answers before
    /// it are written out.
    fn switch(
        &mut self,
        version: ProtocolVersion,
        switch: Switch,
    ) -> Result<(), cql_core::frame::FrameError> {
        self.framer.flush(&mut self.out)?;
        let (Switch::BodyCompression(c) | Switch::Segments(c)) = switch;
        self.framer.start_framing(version, c)
    }

    fn push_failure(&mut self, failure: &FrameFailure) {
        if self.beta_without_flag(failure) {
            let error = CqlError::protocol(beta_flag_message());
            write_error_header(V6_BETA_NUMBER, failure.stream, &error, &mut self.out);
            return;
        }
        let accepted_versions = self.reader_versions();
        let version = match failure.rejected_version {
            Some(raw) => reply_version(raw, &accepted_versions, self.session.version()),
            None => match self.session.version() {
                Some(v) => ReplyVersion::Modern(v),
                None => reply_version(0, &accepted_versions, None),
            },
        };
        match version {
            ReplyVersion::Legacy(v) => {
                write_legacy_error(v, failure.stream, &failure.error, &mut self.out);
            }
            ReplyVersion::Modern(v) => {
                let frame = ResponseFrame::new(
                    failure.stream,
                    Response::Error(failure.error.to_response()),
                );
                let _ = write_response(&mut self.framer, v, &frame, &mut self.out);
            }
        }
    }

    /// A first frame in v6 without `USE_BETA`: 4.1 knows the version and says the flag is
    /// missing, in a v6 header.
    fn beta_without_flag(&self, failure: &FrameFailure) -> bool {
        failure.rejected_version == Some(V6_BETA_NUMBER)
            && self.session.version().is_none()
            && self
                .session
                .accepted_versions()
                .contains(&ProtocolVersion::V5)
            && self.first.first().map(|v| v & 0x7f) == Some(V6_BETA_NUMBER)
            && self.first.get(1).is_some_and(|f| f & USE_BETA_FLAG == 0)
    }

    fn reader_versions(&self) -> Vec<ProtocolVersion> {
        self.session.accepted_versions().to_vec()
    }

    fn push_event(&mut self, event: Event) {
        let Some(version) = self.session.version() else {
            return;
        };
        if !self.session.wants(&event) {
            return;
        }
        let frame = ResponseFrame::new(-1, Response::Event(event));
        if write_response(&mut self.framer, version, &frame, &mut self.out).is_ok() {
            let _ = self.framer.flush(&mut self.out);
        }
    }
}
