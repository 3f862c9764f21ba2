//! TLS for `tls:HOST:N` displays: the certificate check (pinned fingerprint, nothing
//! else) and a blocking TLS stream that the transport can read and write from two threads
//! at once, like a plain socket.
//!
//! **The check.** The server's certificate is self-signed; the client accepts it exactly
//! when its SHA-256 fingerprint is the pinned one ([`crate::Fingerprint`]). No certificate
//! authority, no host name, no validity dates: the fingerprint alone says which server
//! this is. The handshake signature is still verified against the certificate's key, so
//! only the holder of that key can pass. TLS 1.3 only, with the `ring` provider.
//!
//! **The stream.** `rustls::StreamOwned` needs `&mut` for every read and write, but the
//! transport reads on one thread while another writes (a writer whose socket is full reads
//! what the server sent, since a server blocked on writing to us stops reading too). So
//! the TLS state sits behind a mutex that is never held across a *blocking read*: a reader
//! takes the lock only to decrypt bytes it has already received, and reads the socket
//! without it. Writes happen under the lock, each bounded by the socket's write timeout
//! (a few milliseconds, `transport::WRITE_TIMEOUT`); encrypted bytes the socket did not
//! take stay queued in rustls and go first on the next write or flush.
//! Reads are made by one thread at a time (the transport's reading token), so received
//! bytes reach rustls in order.

use crate::error::ConnectError;
use crate::fingerprint::Fingerprint;
use crate::lock::lock;
use crate::lock::Mutex;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// How long the TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes read from the socket at a time (a TLS record is at most about 16 KiB).
const RAW_CHUNK: usize = 32 * 1024;
/// Most plaintext taken by one write (rustls's outgoing buffer holds 64 KiB).
const MAX_PLAINTEXT_PER_WRITE: usize = 32 * 1024;
/// The name sent in the handshake when the host is not a valid DNS name or address. The
/// server ignores it; nothing checks it.
const FALLBACK_SERVER_NAME: &str = "yonder.invalid";

/// A rustls client configuration that accepts exactly the server certificate whose
/// SHA-256 fingerprint is `pin` (TLS 1.3, `ring`). For programs that speak the protocol
/// themselves over TLS (bridges, tests); [`crate::Connection`] uses it for `tls:` displays.
pub fn client_config(pin: Fingerprint) -> Arc<ClientConfig> {
    config_with(PinnedCertificate::new(pin))
}

fn config_with(verifier: PinnedCertificate) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .expect("the ring provider supports TLS 1.3")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Arc::new(config)
}

/// Accepts the one certificate whose fingerprint is pinned; remembers what it was shown,
/// so that a refusal can name the fingerprint the server presented.
#[derive(Debug)]
struct PinnedCertificate {
    pin: Fingerprint,
    seen: Arc<Mutex<Option<Fingerprint>>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedCertificate {
    fn new(pin: Fingerprint) -> PinnedCertificate {
        PinnedCertificate {
            pin,
            seen: Arc::default(),
            algorithms: rustls::crypto::ring::default_provider().signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for PinnedCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let got = Fingerprint::of_certificate(end_entity.as_ref());
        *lock(&self.seen) = Some(got);
        if got == self.pin {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A TLS connection over TCP, usable through `&self` from two threads (see the module doc).
pub(crate) struct TlsStream {
    tcp: TcpStream,
    /// The TLS state and received bytes not yet given to it. Locked to decrypt, to encrypt
    /// and to write to the socket; never across a socket read.
    state: Mutex<TlsState>,
    /// Where a socket read lands before it goes to `state`. Locked only by the reading
    /// thread (so never contended); a Mutex only to share the stream safely.
    chunk: Mutex<Vec<u8>>,
}

struct TlsState {
    conn: ClientConnection,
    /// Bytes read from the socket that rustls has not taken yet: `raw[raw_start..]`.
    raw: Vec<u8>,
    raw_start: usize,
    /// The socket reached end of stream (rustls is told once `raw` is used up).
    eof: bool,
}

impl std::fmt::Debug for TlsStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsStream")
            .field("tcp", &self.tcp)
            .finish_non_exhaustive()
    }
}

impl TlsStream {
    /// Connects to `host:port` and completes the TLS handshake, accepting only the server
    /// certificate with fingerprint `pin`. `display` names the display in errors.
    pub(crate) fn connect(
        host: &str,
        port: u16,
        pin: Fingerprint,
        display: &str,
    ) -> Result<TlsStream, ConnectError> {
        let address = format!("tls {host} port {port}");
        let io_err =
            |context: String| move |source: io::Error| ConnectError::Io { context, source };
        let tcp = crate::tcp::connect(host, port).map_err(io_err(format!(
            "cannot connect to display `{display}` ({address})"
        )))?;
        let setup = |tcp: &TcpStream, t: Option<Duration>| {
            crate::tcp::tune_tcp(tcp)?;
            tcp.set_read_timeout(t)?;
            tcp.set_write_timeout(t)
        };
        setup(&tcp, Some(HANDSHAKE_TIMEOUT))
            .map_err(io_err("cannot configure the socket".into()))?;

        let verifier = PinnedCertificate::new(pin);
        let seen = verifier.seen.clone();
        let name = ServerName::try_from(host.to_string())
            .unwrap_or_else(|_| ServerName::try_from(FALLBACK_SERVER_NAME).expect("valid name"));
        let mut conn =
            ClientConnection::new(config_with(verifier), name).map_err(|e| ConnectError::Tls {
                address: address.clone(),
                reason: e.to_string(),
            })?;
        while conn.is_handshaking() {
            if let Err(e) = conn.complete_io(&mut &tcp) {
                let got = *lock(&seen);
                return Err(match got {
                    Some(got) if got != pin => ConnectError::FingerprintMismatch {
                        display: display.to_string(),
                        address,
                        expected: pin,
                        got,
                    },
                    _ => ConnectError::Tls {
                        reason: handshake_failure(&e, host),
                        address,
                    },
                });
            }
        }
        // From here on the transport sets the timeouts it wants; it assumes none for reads.
        setup(&tcp, None).map_err(io_err("cannot configure the socket".into()))?;
        Ok(TlsStream {
            tcp,
            state: Mutex::new(TlsState {
                conn,
                raw: Vec::new(),
                raw_start: 0,
                eof: false,
            }),
            chunk: Mutex::new(vec![0u8; RAW_CHUNK]),
        })
    }

    /// The TCP socket under the TLS (for its options).
    pub(crate) fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    /// Reads decrypted bytes; 0 means the server closed the connection properly. Blocks,
    /// times out or returns `WouldBlock` as the socket's mode says, like a socket read.
    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        let mut chunk = lock(&self.chunk);
        loop {
            {
                let mut st = lock(&self.state);
                if let Some(result) = self.decrypt(&mut st, buf) {
                    return result;
                }
            }
            // Nothing to decrypt: wait for the socket, without the lock, so that writers
            // go on meanwhile.
            let n = (&self.tcp).read(&mut chunk)?;
            let mut st = lock(&self.state);
            if n == 0 {
                st.eof = true;
            } else {
                st.raw.extend_from_slice(&chunk[..n]);
            }
        }
    }

    /// Moves received bytes through rustls until there is plaintext for `buf`. `None`: it
    /// needs more bytes from the socket.
    fn decrypt(&self, st: &mut TlsState, buf: &mut [u8]) -> Option<io::Result<usize>> {
        loop {
            match st.conn.reader().read(buf) {
                Ok(n) => return Some(Ok(n)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                // UnexpectedEof: the server vanished without a TLS close.
                Err(e) => return Some(Err(e)),
            }
            let taken = if st.raw_start < st.raw.len() {
                match st.conn.read_tls(&mut &st.raw[st.raw_start..]) {
                    Ok(0) => {
                        return Some(Err(io::Error::other("the TLS layer takes no more bytes")))
                    }
                    Ok(n) => n,
                    Err(e) => return Some(Err(e)),
                }
            } else if st.eof {
                // Tell rustls; the next read reports the end (clean or not).
                let _ = st.conn.read_tls(&mut io::empty());
                if let Err(e) = st.conn.process_new_packets() {
                    return Some(Err(io::Error::new(io::ErrorKind::InvalidData, e)));
                }
                return Some(match st.conn.reader().read(buf) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(0),
                    other => other,
                });
            } else {
                return None;
            };
            st.raw_start += taken;
            if st.raw_start == st.raw.len() {
                st.raw.clear();
                st.raw_start = 0;
            }
            if let Err(e) = st.conn.process_new_packets() {
                // rustls queued an alert for the server: send it if the socket takes it.
                let _ = self.send_pending(&mut st.conn);
                return Some(Err(io::Error::new(io::ErrorKind::InvalidData, e)));
            }
            // Whatever the server asked for (a key update) goes out when it can.
            match self.send_pending(&mut st.conn) {
                Err(e) if !would_block(&e) => return Some(Err(e)),
                _ => {}
            }
        }
    }

    /// Encrypts (some of) `buf` and sends it. Returns how many bytes of `buf` were taken;
    /// their encrypted form may still wait in rustls (see [`TlsStream::flush`]).
    /// `WouldBlock`/`TimedOut`: the socket took nothing and earlier bytes still wait.
    pub(crate) fn write(&self, buf: &[u8]) -> io::Result<usize> {
        let mut st = lock(&self.state);
        // Earlier bytes first: this bounds what waits in rustls to one write's worth.
        self.send_pending(&mut st.conn)?;
        let n = st
            .conn
            .writer()
            .write(&buf[..buf.len().min(MAX_PLAINTEXT_PER_WRITE)])?;
        match self.send_pending(&mut st.conn) {
            Err(e) if !would_block(&e) => Err(e),
            _ => Ok(n),
        }
    }

    /// Sends the encrypted bytes still waiting in rustls. `WouldBlock`/`TimedOut`: some
    /// still wait.
    pub(crate) fn flush(&self) -> io::Result<()> {
        let mut st = lock(&self.state);
        self.send_pending(&mut st.conn)
    }

    fn send_pending(&self, conn: &mut ClientConnection) -> io::Result<()> {
        while conn.wants_write() {
            match conn.write_tls(&mut &self.tcp) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

impl Drop for TlsStream {
    /// Ends the TLS session properly (close_notify), so that the server sees a clean
    /// close rather than a truncated stream. Best effort: the socket may be gone.
    fn drop(&mut self) {
        let mut st = lock(&self.state);
        st.conn.send_close_notify();
        let _ = self.send_pending(&mut st.conn);
    }
}

fn would_block(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// A sentence for a failed handshake (other than a wrong certificate).
fn handshake_failure(e: &io::Error, host: &str) -> String {
    match e.kind() {
        io::ErrorKind::InvalidData => format!(
            "{e}: the server does not speak TLS here (plain TCP displays are `{host}:N`, \
             on port 7100+N; TLS is on port 7600+N of a server started with --listen tls)"
        ),
        io::ErrorKind::UnexpectedEof => {
            format!("the server closed the connection during the handshake ({e})")
        }
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("no answer within {} seconds", HANDSHAKE_TIMEOUT.as_secs())
        }
        _ => e.to_string(),
    }
}
