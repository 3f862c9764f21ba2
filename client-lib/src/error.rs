//! The library's error types: [`ConnectError`] (opening a connection), [`ConnectionError`]
//! (the connection itself failed; it is unusable from then on) and [`ReplyError`] (waiting
//! for the answer to one request).

use std::sync::Arc;
use yonder_protocol::{ProtocolError, Seq};

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// No display was given and `YONDER_DISPLAY` is not set.
    #[error("no display given and YONDER_DISPLAY is not set")]
    NoDisplay,
    /// The display string is not `:N`, `host:N`, `tls:host:N` or `unix:PATH`.
    #[error("bad display name `{display}`: {reason}")]
    BadDisplay {
        /// The display string as given.
        display: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No cookie was found; the message says where the library looked.
    #[error("{0}")]
    NoCookie(String),
    /// A cookie was found but is not 16 bytes (32 hex digits); the message says where.
    #[error("bad cookie: {0}")]
    BadCookie(String),
    /// The operating system failed us: no socket directory, connection refused, ...
    #[error("{context}: {source}")]
    Io {
        /// What the library was doing (names the address for a failed connect).
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A TLS display (`tls:HOST:N`) without a pinned certificate fingerprint: the library
    /// does not trust a server on first use. The message says where it looked and how to
    /// get the fingerprint.
    #[error("{0}")]
    NoFingerprint(String),
    /// A fingerprint was found but is not `sha256=` and 64 hex digits; the message says where.
    #[error("bad certificate fingerprint: {0}")]
    BadFingerprint(String),
    /// The TLS server's certificate is not the pinned one: it is another server, or the
    /// display's certificate was made anew.
    #[error(
        "the server at {address} is not the display `{display}` you trust: its certificate \
         has the fingerprint {got}, not the pinned {expected} (if the server's key was made \
         anew, copy the new line from `yonder-server --print-cookie`)"
    )]
    FingerprintMismatch {
        /// The display string as given.
        display: String,
        /// Where the library connected.
        address: String,
        /// The pinned fingerprint.
        expected: crate::fingerprint::Fingerprint,
        /// The fingerprint of the certificate the server showed.
        got: crate::fingerprint::Fingerprint,
    },
    /// The TLS handshake failed for another reason (not a TLS server, a broken
    /// certificate signature, ...).
    #[error("TLS handshake with {address} failed: {reason}")]
    Tls {
        /// Where the library connected.
        address: String,
        /// What went wrong.
        reason: String,
    },
    /// No random number could be had for the id space.
    #[error("cannot get a random id space: {0}")]
    Random(String),
    /// The server refused the connection (wrong cookie, version mismatch, id space taken...).
    #[error("the server refused the connection: {0}")]
    Refused(String),
    /// The connection failed while waiting for the setup reply.
    #[error(transparent)]
    Connection(ConnectionError),
}

/// The connection failed. After the first such error every later operation that needs the
/// server returns the same error.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ConnectionError {
    /// Reading or writing the socket failed.
    #[error("I/O error on the connection: {0}")]
    Io(Arc<std::io::Error>),
    /// The server closed the connection.
    #[error("the server closed the connection")]
    Closed,
    /// The server refused the connection; the reason is the server's sentence.
    #[error("the server refused the connection: {0}")]
    Refused(String),
    /// The server sent something that breaks the protocol (an undecodable or oversized
    /// frame, a reply of the wrong kind, a missing reply...).
    #[error("the server broke the protocol: {0}")]
    Malformed(String),
}

/// A move to another display did not happen (protocol.md §5.5): the app stays on the
/// display it was on, as it was.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the app could not move to {to}: {reason}")]
pub struct MoveError {
    /// The display it was to move to.
    pub to: String,
    /// Why not.
    pub reason: String,
}

impl ConnectionError {
    /// Whether this is the connection going away (an end of stream or an I/O error),
    /// which a session may survive (protocol.md §5.4), rather than a refusal or a
    /// server breaking the protocol.
    pub fn is_lost_link(&self) -> bool {
        matches!(self, ConnectionError::Closed | ConnectionError::Io(_))
    }
}

impl From<std::io::Error> for ConnectionError {
    fn from(e: std::io::Error) -> ConnectionError {
        ConnectionError::Io(Arc::new(e))
    }
}

impl From<ConnectionError> for ConnectError {
    fn from(e: ConnectionError) -> ConnectError {
        match e {
            ConnectionError::Refused(reason) => ConnectError::Refused(reason),
            other => ConnectError::Connection(other),
        }
    }
}

/// Why a cookie did not yield its reply (or its success).
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReplyError {
    /// The connection failed.
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    /// The server answered the request with an error.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// The request was sent with `send_request_with_reply` but has no reply; it succeeded.
    #[error("request {} has no reply", .0 .0)]
    NoReply(Seq),
    /// The connection was lost after the server carried out the request, and its reply
    /// was lost with it; the session went on (protocol.md §5.4). The library asks again
    /// by itself whatever only asks and it still holds, so this comes only for a
    /// GetProperty that deletes, or a request older than what it keeps (4 MiB of
    /// requests over the network; on a local socket, those written before the server
    /// went). Ask again if needed.
    #[error("the reply to request {} was lost with the connection; the display came back", .0 .0)]
    Lost(Seq),
}
