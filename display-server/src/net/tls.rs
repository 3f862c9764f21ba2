//! TLS on TCP port 7600+N (`--listen tls`): the display's key and self-signed certificate,
//! and the first moments of a connection on that port, up to the point where it is a
//! byte stream like any other and [`connection::serve`] takes over.
//!
//! **Identity.** On first start for display N the server makes an ECDSA P-256 key and a
//! self-signed certificate and stores them beside the cookie file as `display-N.key` and
//! `display-N.crt` (PEM, mode 0600, directory 0700); later starts reuse them, so the
//! certificate's SHA-256 fingerprint stays what clients pinned. Clients check nothing
//! but that fingerprint (no CA, no host name), which `--print-cookie` prints. Deleting
//! the two files makes a new identity on the next start, and every client must re-pin.
//! (The file names and the fingerprint's spelling are the `yonder-address` crate's.)
//!
//! **The port.** A client that speaks plain Yonder to the TLS port would otherwise see a
//! connection that just closes. The server peeks at the first bytes: a TLS record starts
//! with `16 03` (a handshake, TLS 1.x), a Yonder hello with its length. Anything but TLS
//! gets a plaintext Refusal frame ("this port speaks TLS: connect with tls:HOST:N") and
//! the close. The peek and the handshake together have 10 seconds, like the hello.

use super::connection;
use super::Shared;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use yonder_address::cookie_file::write_private;
use yonder_address::Fingerprint;
use yonder_protocol::{frame, Refusal, SetupResponse};

/// How long a new connection may take to start and finish its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a refused plaintext client has to read the refusal before the socket closes.
const REFUSAL_LINGER: Duration = Duration::from_secs(2);

pub use yonder_address::paths::{cert_path, identity_dir, key_path};

/// The SHA-256 digest of a certificate's DER bytes.
pub fn fingerprint_of(cert_der: &[u8]) -> [u8; 32] {
    Fingerprint::of_certificate(cert_der).0
}

/// The fingerprint of display `n`'s stored certificate, if there is one.
pub fn stored_fingerprint(dir: &Path, n: u32) -> io::Result<Option<[u8; 32]>> {
    let path = cert_path(dir, n);
    if !path.exists() {
        return Ok(None);
    }
    let cert = CertificateDer::from_pem_file(&path).map_err(|e| bad_file(&path, e))?;
    Ok(Some(fingerprint_of(&cert)))
}

/// A display's TLS key and certificate.
pub struct Identity {
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
    /// The SHA-256 fingerprint of the certificate: what clients pin.
    pub fingerprint: [u8; 32],
}

impl Identity {
    /// Loads display `n`'s key and certificate from `dir`, or makes and stores them when
    /// either file is missing.
    pub fn load_or_create(dir: &Path, n: u32) -> io::Result<Identity> {
        let (key_file, cert_file) = (key_path(dir, n), cert_path(dir, n));
        if key_file.exists() && cert_file.exists() {
            for f in [&key_file, &cert_file] {
                owner_only(f)?;
            }
            let key =
                PrivateKeyDer::from_pem_file(&key_file).map_err(|e| bad_file(&key_file, e))?;
            let cert =
                CertificateDer::from_pem_file(&cert_file).map_err(|e| bad_file(&cert_file, e))?;
            tracing::debug!(cert = %cert_file.display(), "reusing the display's TLS certificate");
            return Ok(Identity {
                fingerprint: fingerprint_of(&cert),
                cert,
                key,
            });
        }
        let (key_pem, cert_pem) = generate(n).map_err(io::Error::other)?;
        if !dir.exists() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        // The key first: the certificate's presence says both are complete.
        write_private(&key_file, &key_pem)?;
        write_private(&cert_file, &cert_pem)?;
        tracing::info!(cert = %cert_file.display(), "made a new TLS key and certificate");
        Identity::load_or_create(dir, n)
    }

    /// A TLS 1.3 acceptor presenting this identity.
    pub fn acceptor(&self) -> io::Result<TlsAcceptor> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(vec![self.cert.clone()], self.key.clone_key())
            .map_err(io::Error::other)?;
        // Clients make a new session each time; tickets would only be sent and dropped.
        config.send_tls13_tickets = 0;
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

/// A TLS acceptor presenting the certificate chain and key in PEM files the user gives
/// (`--web-cert`, `--web-key`): TLS 1.2 and 1.3, as browsers and public CAs expect.
pub fn acceptor_from_files(cert: &Path, key: &Path) -> io::Result<TlsAcceptor> {
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| bad_file(cert, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad_file(cert, e))?;
    if chain.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: no certificate in it", cert.display()),
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| bad_file(key, e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {e}", cert.display()),
            )
        })?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// A new key and self-signed certificate, as PEM: (key, certificate).
fn generate(n: u32) -> Result<(String, String), rcgen::Error> {
    let key = rcgen::KeyPair::generate()?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])?;
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!("yonder-server display :{n}"),
    );
    let cert = params.self_signed(&key)?;
    Ok((key.serialize_pem(), cert.pem()))
}

/// Makes a key or certificate file the owner's alone again if someone widened it.
fn owner_only(path: &Path) -> io::Result<()> {
    let mode = fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        tracing::warn!(file = %path.display(), mode = format!("{:o}", mode & 0o777), "resetting to mode 600");
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

fn bad_file(path: &Path, e: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "{}: {e} (delete it, with its .key/.crt partner, to make a new one)",
            path.display()
        ),
    )
}

/// What every connection on the TLS port needs.
pub struct TlsPort {
    /// The handshake, with the display's identity.
    pub acceptor: TlsAcceptor,
    /// The display number (for the refusal's hint).
    pub number: u32,
}

/// Serves one connection accepted on the TLS port: TLS handshake, then the protocol.
pub async fn serve(stream: TcpStream, peer: String, port: Arc<TlsPort>, shared: Arc<Shared>) {
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, starts_with_tls(&stream)).await {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) => return refuse_plaintext(stream, &peer, port.number).await,
        Ok(Err(e)) => return tracing::debug!(peer, "closed before a byte: {e}"),
        Err(_) => return tracing::warn!(peer, "no TLS handshake within 10 seconds"),
    }
    let stream = match tokio::time::timeout(HANDSHAKE_TIMEOUT, port.acceptor.accept(stream)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return tracing::warn!(peer, "TLS handshake failed: {e}"),
        Err(_) => return tracing::warn!(peer, "TLS handshake not finished within 10 seconds"),
    };
    connection::serve(stream, peer, shared).await;
}

/// Whether the first bytes are a TLS record of a handshake: `16 03`. (A Yonder hello
/// starts with its length, little-endian; a first byte of 0x16 would need a hello of
/// 22, 278, … bytes and then a second byte of 3, a length of 790 or more.)
async fn starts_with_tls(stream: &TcpStream) -> io::Result<bool> {
    let mut first = [0u8; 2];
    match stream.peek(&mut first).await? {
        0 => Err(io::ErrorKind::UnexpectedEof.into()),
        1 => Ok(first[0] == 0x16),
        _ => Ok(first == [0x16, 0x03]),
    }
}

/// Tells a client that spoke plain Yonder to the TLS port where to go, in a Refusal it
/// can read, then closes.
async fn refuse_plaintext(mut stream: TcpStream, peer: &str, number: u32) {
    let host = match stream.local_addr().map(|a| a.ip()) {
        Ok(std::net::IpAddr::V6(ip)) => format!("[{ip}]"),
        Ok(ip) => ip.to_string(),
        Err(_) => "HOST".into(),
    };
    let reason = format!("this port speaks TLS: connect with tls:{host}:{number}");
    tracing::warn!(peer, reason, "connection refused");
    let mut out = Vec::new();
    frame::encode_frame(&SetupResponse::Refused(Refusal { reason }), &mut out);
    let _ = stream.write_all(&out).await;
    let _ = stream.shutdown().await;
    // Read (and drop) what the client sent until it closes: a socket closed with unread
    // bytes is reset, and the reset could destroy the refusal before the client reads it.
    let mut sink = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + REFUSAL_LINGER;
    while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, stream.read(&mut sink)).await {
        if n == 0 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_is_made_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("yonder");
        assert_eq!(stored_fingerprint(&sub, 3).unwrap(), None);
        let first = Identity::load_or_create(&sub, 3).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&sub), 0o700);
        assert_eq!(mode(&key_path(&sub, 3)), 0o600);
        assert_eq!(mode(&cert_path(&sub, 3)), 0o600);
        assert_eq!(
            stored_fingerprint(&sub, 3).unwrap(),
            Some(first.fingerprint)
        );
        // Widened by hand: narrowed again, and the same identity.
        fs::set_permissions(key_path(&sub, 3), fs::Permissions::from_mode(0o644)).unwrap();
        let again = Identity::load_or_create(&sub, 3).unwrap();
        assert_eq!(again.fingerprint, first.fingerprint);
        assert_eq!(mode(&key_path(&sub, 3)), 0o600);
        // Another display has another identity.
        let other = Identity::load_or_create(&sub, 4).unwrap();
        assert_ne!(other.fingerprint, first.fingerprint);
        assert!(first.acceptor().is_ok());
    }

    #[test]
    fn a_missing_certificate_makes_a_new_identity() {
        let dir = tempfile::tempdir().unwrap();
        let first = Identity::load_or_create(dir.path(), 0).unwrap();
        fs::remove_file(cert_path(dir.path(), 0)).unwrap();
        let second = Identity::load_or_create(dir.path(), 0).unwrap();
        assert_ne!(first.fingerprint, second.fingerprint);
    }

    #[test]
    fn a_broken_file_is_an_error_that_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        Identity::load_or_create(dir.path(), 0).unwrap();
        fs::write(cert_path(dir.path(), 0), "not pem").unwrap();
        let err = Identity::load_or_create(dir.path(), 0).err().unwrap();
        assert!(err.to_string().contains("delete it"), "{err}");
    }
}
