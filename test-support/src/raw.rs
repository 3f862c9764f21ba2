//! A client that speaks the protocol byte for byte over the Unix socket of a
//! [`TestServer`], for what the library never sends: any hello version, hand-made
//! MessagePack, malformed frames. It reads one server message at a time, with a bound.

use crate::server::{TestServer, WAIT};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicU32, Ordering};
use yonder_protocol::request::Sync;
use yonder_protocol::{
    frame, Hello, ProtocolError, Reply, Request, ServerMessage, Setup, SetupResponse,
};

/// A raw connection after its setup.
pub struct RawClient {
    pub sock: UnixStream,
    pub setup: Setup,
    /// The setup response's frame body, byte for byte.
    pub setup_body: Vec<u8>,
}

/// A fresh id space for each raw client of the test process.
pub fn fresh_space() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(0x0BAD_0000);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The hello of a raw client of version 1.`minor` with `cookie`.
pub fn hello(minor: u16, cookie: Vec<u8>) -> Hello {
    Hello {
        protocol: yonder_protocol::PROTOCOL_NAME.into(),
        major: yonder_protocol::PROTOCOL_MAJOR,
        minor,
        cookie,
        app_name: "raw".into(),
        id_space: fresh_space(),
        resume: None,
        token: None,
    }
}

impl RawClient {
    /// Connects as a client of version 1.`minor` with the display's (untrusted) cookie.
    pub fn connect(s: &TestServer, minor: u16) -> RawClient {
        RawClient::connect_with(s, hello(minor, s.handle.cookie.to_vec()))
    }

    /// Connects with this hello; panics unless the server accepts it.
    pub fn connect_with(s: &TestServer, hello: Hello) -> RawClient {
        RawClient::connect_at(&s.handle.socket_path, hello)
    }

    /// Connects to the server whose socket is `socket` (a test server, or a server
    /// process) with this hello; panics unless the server accepts it.
    pub fn connect_at(socket: &std::path::Path, hello: Hello) -> RawClient {
        let mut sock = UnixStream::connect(socket).expect("connect");
        sock.set_read_timeout(Some(WAIT)).unwrap();
        let mut out = Vec::new();
        frame::encode_frame(&hello, &mut out);
        sock.write_all(&out).unwrap();
        let setup_body = read_frame(&mut sock).expect("a setup response");
        match yonder_protocol::handshake::decode_setup_response(&setup_body) {
            Ok(SetupResponse::Accepted(setup)) => RawClient {
                sock,
                setup,
                setup_body,
            },
            other => panic!("not accepted: {other:?}"),
        }
    }

    /// The id number `n` of this client's space.
    pub fn id(&self, n: u32) -> u64 {
        yonder_protocol::make_id(self.setup.id_space, n)
    }

    /// Sends one frame holding `value` (any serializable value: a request, or not).
    pub fn send(&mut self, value: &impl serde::Serialize) {
        let mut out = Vec::new();
        frame::encode_frame(value, &mut out);
        self.sock.write_all(&out).unwrap();
    }

    /// Sends one frame with this body, as given.
    pub fn send_body(&mut self, body: &[u8]) {
        let mut out = (body.len() as u32).to_le_bytes().to_vec();
        out.extend_from_slice(body);
        self.sock.write_all(&out).unwrap();
    }

    /// The next server message; panics after [`WAIT`] or if the connection closed.
    pub fn next_message(&mut self) -> ServerMessage {
        let body = read_frame(&mut self.sock).expect("a server message");
        yonder_protocol::message::decode_server_message(&body).expect("a valid server message")
    }

    /// The next message that is not an event.
    pub fn next_answer(&mut self) -> ServerMessage {
        loop {
            match self.next_message() {
                ServerMessage::Event { .. } => continue,
                m => return m,
            }
        }
    }

    /// Sends `req`, which must fail: the error answering it.
    pub fn error_of(&mut self, req: Request) -> ProtocolError {
        self.send(&req);
        match self.next_answer() {
            ServerMessage::Error { error, .. } => error,
            other => panic!("expected an error for {}, got {other:?}", req.name()),
        }
    }

    /// Sends `req` and a Sync, and reads up to the Sync's reply: no error may come first.
    pub fn succeeds(&mut self, req: Request) {
        let name = req.name();
        self.send(&req);
        self.send(&Request::Sync(Sync {}));
        loop {
            match self.next_answer() {
                ServerMessage::Reply {
                    reply: Reply::Sync(_),
                    ..
                } => return,
                ServerMessage::Reply { .. } => continue,
                other => panic!("{name} failed: {other:?}"),
            }
        }
    }

    /// Whether the server closed the connection (within [`WAIT`]), reading past whatever
    /// it still sent.
    pub fn is_closed(&mut self) -> bool {
        let mut buf = [0u8; 4096];
        loop {
            match self.sock.read(&mut buf) {
                Ok(0) => return true,
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return false,
                Err(_) => return true,
            }
        }
    }
}

/// One frame's body, or None at the end of the stream.
pub fn read_frame(sock: &mut impl Read) -> Option<Vec<u8>> {
    let mut len = [0u8; 4];
    sock.read_exact(&mut len).ok()?;
    let mut body = vec![0; u32::from_le_bytes(len) as usize];
    sock.read_exact(&mut body).ok()?;
    Some(body)
}
