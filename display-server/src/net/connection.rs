//! One client connection: the handshake (hello, cookie check, registration), then a
//! reader that splits and decodes frames and a writer that drains the client's output.
//!
//! Faults stay here: a bad hello, a wrong cookie, an oversized or undecodable frame, or a
//! socket error ends *this* connection (logged with the reason) and the state thread
//! frees what the client owned. No other client notices anything but the usual events.
//!
//! On a Unix socket the reader also receives file descriptors ([`ReadHalf`]) and pairs
//! each decoded ShmAttach with the oldest one (protocol 1.3, shared-memory images).
//!
//! The same code serves on either runtime (see `net::server`): a Unix or plain TCP
//! connection's tasks run on the state thread while it waits, a TLS one's on the
//! runtime's workers. Nothing here may block its thread: on the state thread that would
//! stop the server.

use super::catch::CatchPanic;
use super::read_half::{InBuf, ReadHalf};
use super::Shared;
use crate::auth;
use crate::command::{ClientLink, Command, Credential, Incoming};
use crate::handlers::image::MAX_GET_IMAGE_PIXELS;
use crate::outbox::{Outbox, SharedUnixWrite};
use crate::spare_pixels;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot, Semaphore};
use yonder_protocol::request::NoOperation;
use yonder_protocol::{
    decode_relative_to, decode_request_of, frame, DecodeError, Hello, Refusal, Request,
    SetupResponse,
};

/// How long a reader waits for its client's unwritten output to shrink while nothing is
/// written, before it takes the client for one that does not read ([`Outbox::room`]).
const OUTPUT_STALL: Duration = Duration::from_secs(1);
/// How long a new connection may take to send its hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest hello frame.
const MAX_HELLO_LEN: usize = 64 * 1024;
/// Most output bytes gathered into one socket write.
const MAX_WRITE_BATCH: usize = 1 << 20;
/// Batches of one connection that may wait for (or be in) the state thread at once.
/// With a few per connection, a client that floods requests is never more than a few
/// batches ahead of anyone else in the state thread's queue.
const BATCHES_IN_FLIGHT: usize = 4;
/// Most entries in one batch (a run of NoOperations is one entry; MAX_BATCH_COST bounds
/// how many frames it may be).
const MAX_BATCH_REQUESTS: usize = 64;
/// A batch is closed once its cost reaches this: the bytes of its frames plus the bytes
/// of the images its GetImage requests will read (a single costlier request makes a
/// batch of its own). So a batch's work for the state thread stays small whatever the
/// requests, and other clients wait behind at most a few of them.
const MAX_BATCH_COST: usize = 1 << 20;

/// The version from which the reader counts NoOperation frames itself; an older
/// connection's go to the state thread, which answers them as a request of a later version.
const NO_OPERATION_SINCE: u16 = yonder_protocol::SINCE_MINOR[NoOperation::OPCODE as usize];

/// Largest frame body whose decoding is left to the state thread (see [`deferred`]).
const MAX_DEFERRED_BODY: usize = 4096;
/// By opcode, whether the request's decoded form owns memory: the protocol's `deferrable`
/// flag (the poly requests' items, PutImage's pixels, DrawText's text). A table, so that
/// every frame pays one load for the question.
const OWNS_MEMORY: [bool; 256] = yonder_protocol::descriptor::DEFERRABLE;

/// Whether the reader leaves this frame body to the state thread to decode, as raw bytes.
///
/// Why: a decoded request that owns memory (a FillPoly's points) was allocated here
/// and freed on the state thread, and the allocator makes such cross-thread frees and
/// the refills they cause cost several times a same-thread pair, for a one-triangle
/// request as much as its decoding. Decoded where it is applied, its memory comes and
/// goes on one thread. (A Unix or plain TCP connection's reader now runs on the state
/// thread itself, where the copy spares nothing; it is kept for TLS, and left to be
/// measured for the others.) Only those requests ([`OWNS_MEMORY`]) are deferred: for the
/// others the copy of their bytes would cost more than it spares. Large bodies stay
/// here too (an image would be copied once more), and so does any envelope that is
/// not the plain `[opcode, body]` form.
fn deferred(body: &[u8]) -> bool {
    match body {
        [0x92, op @ 0..=0x7f, ..] => OWNS_MEMORY[*op as usize] && body.len() <= MAX_DEFERRED_BODY,
        _ => false,
    }
}

/// Frame bodies at least this long that are a plain PutImage have their pixels received
/// straight into the image's own buffer ([`receive_large_put`]).
const LARGE_BODY: usize = 256 * 1024;

/// What a request costs the state thread beyond its frame: the bytes of the pixels
/// GetImage reads. Any u32 sides: the count saturates just past what one GetImage may
/// read (the state thread refuses more), so it neither overflows nor skews the batch.
fn extra_cost(req: &Request) -> usize {
    match req {
        // A bug of the reader's, on purpose, for tests/containment.rs.
        #[cfg(feature = "fault-injection")]
        Request::GetImage(r) if r.rect.width == 0xFA17 => panic!("deliberate reader panic"),
        Request::GetImage(r) => {
            let pixels = (r.rect.width as u64 * r.rect.height as u64).min(MAX_GET_IMAGE_PIXELS + 1);
            (4 * pixels) as usize
        }
        _ => 0,
    }
}

/// Serves one connection of a stream that carries bytes only (TCP) until it ends.
pub async fn serve<S>(stream: S, peer: String, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (rd, wr) = tokio::io::split(stream);
    serve_halves(
        ReadHalf::Plain(Box::new(rd)),
        wr,
        Outbox::new(),
        peer,
        shared,
    )
    .await;
}

/// Serves one Unix-socket connection, which may pass file descriptors, until it ends.
pub async fn serve_unix(stream: tokio::net::UnixStream, shared: Arc<Shared>) {
    let (rd, wr) = stream.into_split();
    // The write half is shared: the state thread writes small replies directly.
    let wr = Arc::new(wr);
    let outbox = Outbox::with_direct(wr.clone());
    let wr = SharedUnixWrite(wr);
    serve_halves(ReadHalf::unix(rd), wr, outbox, "unix".into(), shared).await;
}

async fn serve_halves<W>(
    mut rd: ReadHalf,
    mut wr: W,
    outbox: Arc<Outbox>,
    peer: String,
    shared: Arc<Shared>,
) where
    W: AsyncWrite + Unpin + Send + 'static,
{
    let mut buf = InBuf::default();
    let hello = match tokio::time::timeout(HELLO_TIMEOUT, read_hello(&mut rd, &mut buf)).await {
        Ok(Ok(h)) => h,
        Ok(Err(reason)) => return refuse(&mut wr, &peer, &reason).await,
        Err(_) => return refuse(&mut wr, &peer, "no hello within 10 seconds").await,
    };
    // Trust is decided by which of the display's two cookies the hello carries (§19).
    let trusted = auth::cookies_equal(&hello.cookie, &shared.trusted_cookie);
    let cookie = match trusted {
        true => &shared.trusted_cookie,
        false => &shared.cookie,
    };
    let credential = match check_hello(&hello, cookie) {
        Ok(c) => c,
        Err(reason) => return refuse(&mut wr, &peer, &reason).await,
    };
    // The connection's version (§5.3): the reader decodes what it defines.
    let minor = hello.minor.min(yonder_protocol::PROTOCOL_MINOR);
    let (tx, rx) = mpsc::unbounded_channel();
    let (reply_tx, reply_rx) = oneshot::channel();
    let serial = shared
        .serials
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let link = ClientLink {
        serial,
        unix: rd.passes_fds(),
        shm: shared.shm && rd.passes_fds(),
        trusted,
        credential,
        outbox: outbox.clone(),
    };
    // The connection's id space: its requests' relative ids are in it (§6.1).
    let space = hello.id_space;
    if shared
        .commands
        .send(Command::Connect {
            hello: Box::new(hello),
            tx,
            link,
            reply: reply_tx,
        })
        .await
        .is_err()
    {
        return; // server shutting down
    }
    let client = match reply_rx.await {
        Ok(Ok(c)) => c,
        Ok(Err(reason)) => return refuse(&mut wr, &peer, &reason).await,
        Err(_) => return,
    };
    let writing = Writing::start(shared.writers.clone());
    let out = outbox.clone();
    tokio::spawn(async move {
        write_loop(wr, rx, out).await;
        drop(writing);
    });
    // The state thread closes the outbox when it disconnects the client itself (unread
    // output past the limit): the client is already gone from the state then.
    // A bug of the server's in the reader (a panic) ends this connection through the
    // same Disconnect as any other end: the client's resources are freed, and it does
    // not linger in the state holding a slot.
    let End { reason, lost } = tokio::select! {
        read = CatchPanic::new(read_loop(&mut rd, buf, (client, serial), (minor, space), &shared, &outbox)) => {
            read.unwrap_or_else(|e| {
                tracing::error!(client = client.0, error = %e, "the server failed reading a connection");
                End::fault(format!("the server failed reading the connection: {e}"))
            })
        }
        _ = outbox.closed() => return,
    };
    let _ = shared
        .commands
        .send(Command::Disconnect {
            client,
            link: serial,
            reason,
            lost,
        })
        .await;
}

async fn read_hello(rd: &mut ReadHalf, buf: &mut InBuf) -> Result<Hello, String> {
    loop {
        match frame::split_frame(buf.bytes(), MAX_HELLO_LEN) {
            Ok(Some((start, end))) => {
                let hello = rmp_serde_decode_hello(&buf.bytes()[start..end])?;
                buf.consume(end);
                return Ok(hello);
            }
            Ok(None) => {}
            Err(e) => return Err(format!("hello rejected: {e}")),
        }
        if buf.read_from(rd).await.map_err(|e| e.to_string())? == 0 {
            return Err("connection closed before the hello".into());
        }
    }
}

fn rmp_serde_decode_hello(body: &[u8]) -> Result<Hello, String> {
    yonder_protocol::handshake::decode_hello(body).map_err(|e| format!("not a Yonder hello: {e}"))
}

/// Checks a hello's protocol, version and cookie; a hello without a cookie may carry a
/// migration token or resume a session (1.6, §5.5), which the state thread checks.
fn check_hello(h: &Hello, cookie: &auth::Cookie) -> Result<Credential, String> {
    if h.protocol != yonder_protocol::PROTOCOL_NAME {
        return Err(format!("not a Yonder client (protocol {:?})", h.protocol));
    }
    if h.major != yonder_protocol::PROTOCOL_MAJOR {
        return Err(format!(
            "protocol version {}.{} is not supported; this server speaks {}.{}",
            h.major,
            h.minor,
            yonder_protocol::PROTOCOL_MAJOR,
            yonder_protocol::PROTOCOL_MINOR
        ));
    }
    if h.cookie.is_empty() && h.minor >= 6 {
        if let Some(token) = &h.token {
            return Ok(Credential::Token(token.clone()));
        }
        if h.resume.is_some() {
            return Ok(Credential::Secret);
        }
    }
    if h.cookie.is_empty() {
        return Err(
            "no cookie presented: set YONDER_COOKIE or add the display's line to the cookie file"
                .into(),
        );
    }
    if !auth::cookies_equal(&h.cookie, cookie) {
        return Err("wrong cookie for this display".into());
    }
    Ok(Credential::Cookie)
}

async fn refuse<W: AsyncWrite + Unpin>(wr: &mut W, peer: &str, reason: &str) {
    tracing::warn!(peer, reason, "connection refused");
    let mut out = Vec::new();
    frame::encode_frame(
        &SetupResponse::Refused(Refusal {
            reason: reason.to_owned(),
        }),
        &mut out,
    );
    let _ = wr.write_all(&out).await;
    let _ = wr.shutdown().await;
}

/// Why a connection's reading ended.
struct End {
    /// For the log.
    reason: String,
    /// The link went (end of stream, an I/O error, the keepalive giving up): a client
    /// may resume. Else the client broke the protocol or the server failed: it is freed.
    lost: bool,
}

impl End {
    fn lost(reason: String) -> End {
        End { reason, lost: true }
    }

    fn fault(reason: String) -> End {
        End {
            reason,
            lost: false,
        }
    }
}

/// Reads and forwards requests until the connection ends; returns why it ended.
async fn read_loop(
    rd: &mut ReadHalf,
    mut buf: InBuf,
    (client, link): (yonder_protocol::ClientId, u64),
    (minor, space): (u16, u32),
    shared: &Shared,
    outbox: &Outbox,
) -> End {
    let permits = Arc::new(Semaphore::new(BATCHES_IN_FLIGHT));
    loop {
        let mut batch = Vec::with_capacity(16);
        // The bodies of the deferred frames, one after the other.
        let mut bodies = Vec::new();
        let mut consumed: usize = 0;
        let mut fatal = None;
        let mut full = false;
        let mut cost: usize = 0;
        loop {
            if batch.len() >= MAX_BATCH_REQUESTS || consumed.saturating_add(cost) >= MAX_BATCH_COST
            {
                full = true;
                break;
            }
            match frame::split_frame(&buf.bytes()[consumed..], shared.max_frame_len) {
                Ok(Some((start, end))) => {
                    let body = &buf.bytes()[consumed + start..consumed + end];
                    consumed += end;
                    if body == NoOperation::BODY && minor >= NO_OPERATION_SINCE {
                        // Counted, not decoded: a run of them is one entry of the batch.
                        match batch.last_mut() {
                            Some(Incoming::NoOperations(n)) => *n += 1,
                            _ => batch.push(Incoming::NoOperations(1)),
                        }
                        continue;
                    }
                    if deferred(body) {
                        if bodies.capacity() == 0 {
                            bodies.reserve(buf.bytes().len().min(8192));
                        }
                        let from = bodies.len();
                        bodies.extend_from_slice(body);
                        batch.push(Incoming::Raw(from..bodies.len()));
                        continue;
                    }
                    match decode_relative_to(space, || decode_request_of(body, minor)) {
                        // Its descriptor came with the frame's first byte: it is queued.
                        Ok(Request::ShmAttach(r)) => {
                            batch.push(Incoming::ShmAttach(r, rd.take_fd()))
                        }
                        Ok(req) => {
                            cost = cost.saturating_add(extra_cost(&req));
                            batch.push(Incoming::Request(req))
                        }
                        Err(DecodeError::UnknownOpcode(op)) => batch.push(Incoming::Unknown(op)),
                        Err(DecodeError::BadValue {
                            opcode,
                            value,
                            message,
                        }) => batch.push(Incoming::BadValue {
                            opcode,
                            value,
                            message,
                        }),
                        Err(e @ DecodeError::Malformed(_)) => {
                            fatal = Some(e.to_string());
                            break;
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    fatal = Some(e.to_string());
                    break;
                }
            }
        }
        buf.consume(consumed);
        if !batch.is_empty() {
            if let Err(end) =
                hand_over(&permits, shared, outbox, (client, link), batch, bodies).await
            {
                return end;
            }
        }
        if let Some(reason) = fatal {
            tracing::warn!(client = client.0, %reason, "closing connection");
            return End::fault(reason);
        }
        if full {
            continue; // more whole frames may be waiting in the buffer
        }
        match receive_large_put(rd, &mut buf, shared.max_frame_len, space).await {
            Ok(Some(put)) => {
                let batch = vec![Incoming::Request(put)];
                if let Err(end) =
                    hand_over(&permits, shared, outbox, (client, link), batch, Vec::new()).await
                {
                    return end;
                }
                continue;
            }
            Ok(None) => {}
            Err(end) => return end,
        }
        match buf.read_from(rd).await {
            Ok(0) => return End::lost("connection closed by the client".into()),
            Ok(_) => {}
            Err(e) => return End::lost(format!("read error: {e}")),
        }
    }
}

/// Queues a batch for the state thread, once this connection's share of queued batches
/// leaves room, and its unwritten output too (see [`Outbox::room`]).
async fn hand_over(
    permits: &Arc<Semaphore>,
    shared: &Shared,
    outbox: &Outbox,
    (client, link): (yonder_protocol::ClientId, u64),
    batch: Vec<Incoming>,
    bodies: Vec<u8>,
) -> Result<(), End> {
    outbox.room(shared.output_pause, OUTPUT_STALL).await;
    // Waits while this connection already has its share of batches queued.
    let Ok(permit) = permits.clone().acquire_owned().await else {
        return Err(End::fault("server shutting down".into()));
    };
    let cmd = Command::Requests {
        client,
        link,
        batch,
        bodies,
        permit,
    };
    if shared.commands.send(cmd).await.is_err() {
        return Err(End::fault("server shutting down".into()));
    }
    Ok(())
}

/// When the input starts with a large PutImage frame not yet whole (its header and the
/// head of its body here, its pixels ending the body): receives its pixels from the
/// socket straight into the image's own buffer, and returns the request. So a large
/// image's pixels are copied by the kernel, then once into the drawable; gathered in the
/// input buffer, they were also moved there as it was compacted and grown, and copied out
/// again into the request, and those copies made putimage500's rate swing between runs
/// (protocol.md §4's framing is unchanged: this is only where the bytes land). `None`:
/// any other input, which takes the usual way (a frame over `max_len` is refused there).
async fn receive_large_put(
    rd: &mut ReadHalf,
    buf: &mut InBuf,
    max_len: usize,
    space: u32,
) -> Result<Option<Request>, End> {
    let bytes = buf.bytes();
    let Some(len) = bytes
        .get(..frame::HEADER_LEN)
        .map(|h| u32::from_le_bytes(h.try_into().expect("four bytes")) as usize)
    else {
        return Ok(None);
    };
    let whole = bytes.len() >= frame::HEADER_LEN + len;
    if len < LARGE_BODY || len > max_len || whole {
        return Ok(None);
    }
    let body = &bytes[frame::HEADER_LEN..];
    let head = decode_relative_to(space, || yonder_protocol::put_image_head(body));
    let Some((mut put, at, n)) = head else {
        return Ok(None);
    };
    if at + n != len {
        return Ok(None);
    }
    // Here: the head, and some of the pixels (not all: the frame is not whole).
    // A buffer an earlier large put left (its bytes are all overwritten below), or a
    // new one: zeroing a fresh megabyte cost as much as reading it.
    let mut data = spare_pixels::take(n);
    let have = body.len() - at;
    data[..have].copy_from_slice(&body[at..]);
    buf.consume(frame::HEADER_LEN + at + have);
    let mut filled = have;
    while filled < n {
        match rd.read(&mut data[filled..]).await {
            Ok(0) => return Err(End::lost("connection closed by the client".into())),
            Ok(k) => filled += k,
            Err(e) => return Err(End::lost(format!("read error: {e}"))),
        }
    }
    put.data = data;
    Ok(Some(Request::PutImage(put)))
}

/// A running writer task, counted in `Shared::writers` until it ends, also when its
/// runtime drops it unfinished (a stopping server's waits on the count then end).
struct Writing(Arc<std::sync::atomic::AtomicUsize>);

impl Writing {
    fn start(count: Arc<std::sync::atomic::AtomicUsize>) -> Writing {
        count.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Writing(count)
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Writes the client's output until the state thread drops its sender, crediting the
/// outbox with what was written. Stops at once when the server closes the outbox (a
/// client that does not read would otherwise hold this task in `write_all` forever).
async fn write_loop<W: AsyncWrite + Unpin>(
    mut wr: W,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    outbox: Arc<Outbox>,
) {
    let written = async {
        while let Some(mut chunk) = rx.recv().await {
            while chunk.len() < MAX_WRITE_BATCH {
                match rx.try_recv() {
                    Ok(more) => chunk.extend_from_slice(&more),
                    Err(_) => break,
                }
            }
            // Credited write by write, so that a reader waiting in `Outbox::room` sees
            // a client that reads slowly (a large reply over a slow link) as reading.
            let mut rest = &chunk[..];
            while !rest.is_empty() {
                match wr.write(rest).await {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => {
                        outbox.written(n);
                        rest = &rest[n..];
                    }
                }
            }
        }
        true
    };
    let finished = tokio::select! {
        done = written => done,
        _ = outbox.closed() => false,
    };
    outbox.writer_ended();
    if finished {
        let _ = wr.shutdown().await;
        // The state thread has let go of the client (it dropped the sender): the reader
        // stops too, if it has not (a client dropped for a frame that did not decode).
        outbox.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_plain_drawing_frames_are_deferred() {
        assert!(deferred(&[0x92, 49, 0x93]), "FillPoly");
        assert!(deferred(&[0x92, 42]) && deferred(&[0x92, 50]) && deferred(&[0x92, 52]));
        assert!(!deferred(&[0x92, 33, 0x92]), "ChangeGc owns nothing");
        assert!(
            !deferred(&[0x92, 51, 0x93]),
            "GetImage: its cost is needed here"
        );
        assert!(
            !deferred(&[0x92, 70, 0x93]),
            "ShmAttach: its descriptor is paired here"
        );
        assert!(!deferred(&[0x92, 0xcc, 49]), "not the plain envelope");
        assert!(!deferred(&[0x93, 49]) && !deferred(&[]) && !deferred(&[0x92]));
        let mut big = vec![0x92, 50];
        big.resize(MAX_DEFERRED_BODY + 1, 0);
        assert!(!deferred(&big), "large bodies");
    }
}
