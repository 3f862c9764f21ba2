//! A fake server: the scripted server's end of one connection, for the tests that play a
//! server to the client library byte by byte (over a Unix socket, over TLS): reading
//! frames, answering the hello with a small setup, and sending replies, errors and events,
//! well-formed or not, exactly when the test says so.

use std::io::{ErrorKind, Read, Write};
use yonder::protocol::event::ExposeEvent;
use yonder::protocol::handshake::{Limits, PixelFormat, ScreenInfo};
use yonder::protocol::reply::SyncReply;
use yonder::protocol::{
    atoms, decode_request, encode_frame, split_frame, ClientId, Color, ErrorCode, Event, Hello,
    ProtocolError, Rect, Reply, Request, Seq, ServerMessage, Setup, SetupResponse, WindowId,
    PROTOCOL_MAJOR, PROTOCOL_MINOR,
};

/// The cookie every fake server expects.
pub const COOKIE: [u8; 16] = [7; 16];

/// The server's end of one connection over any byte stream.
pub struct Peer<S> {
    pub stream: S,
    buf: Vec<u8>,
    /// The client's id space, from its hello: its requests' relative ids are in it.
    space: u32,
}

impl<S: Read + Write> Peer<S> {
    pub fn new(stream: S) -> Peer<S> {
        Peer {
            stream,
            buf: Vec::new(),
            space: 0,
        }
    }

    /// The next frame's body; `None` when the client closed the connection.
    pub fn frame(&mut self) -> Option<Vec<u8>> {
        loop {
            if let Some((s, e)) = split_frame(&self.buf, 64 << 20).unwrap() {
                let body = self.buf[s..e].to_vec();
                self.buf.drain(..e);
                return Some(body);
            }
            let mut chunk = [0u8; 65536];
            let n = match self.stream.read(&mut chunk) {
                // The client may close with our setup reply unread: that resets the socket.
                Err(e) if e.kind() == ErrorKind::ConnectionReset => 0,
                other => other.unwrap_or(0),
            };
            if n == 0 {
                return None;
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    pub fn hello(&mut self) -> Hello {
        let hello: Hello = rmp_serde::from_slice(&self.frame().expect("hello")).unwrap();
        self.space = hello.id_space;
        hello
    }

    pub fn request(&mut self) -> Request {
        let body = self.frame().expect("a request");
        yonder_protocol::decode_relative_to(self.space, || decode_request(&body)).unwrap()
    }

    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
        self.stream.flush().unwrap();
    }

    pub fn setup(&mut self, resp: &SetupResponse) {
        let mut out = Vec::new();
        encode_frame(resp, &mut out);
        self.send_bytes(&out);
    }

    /// Reads the hello, checks its cookie and accepts it; returns the hello.
    pub fn accept(&mut self) -> Hello {
        let hello = self.hello();
        assert_eq!(hello.cookie, COOKIE);
        self.setup(&SetupResponse::Accepted(setup_for(hello.id_space)));
        hello
    }

    pub fn send(&mut self, msg: ServerMessage) {
        let mut out = Vec::new();
        encode_frame(&msg, &mut out);
        self.send_bytes(&out);
    }

    pub fn reply(&mut self, seq: u64, reply: Reply) {
        self.send(ServerMessage::Reply {
            seq: Seq(seq),
            reply,
        });
    }

    pub fn error(&mut self, seq: u64, code: ErrorCode, opcode: u8) {
        self.send(ServerMessage::Error {
            seq: Seq(seq),
            error: ProtocolError {
                code,
                bad_value: 0xBAD,
                opcode,
                message: "no such thing".into(),
            },
        });
    }

    pub fn expose(&mut self, seq: u64, window: WindowId) {
        self.send(ServerMessage::Event {
            seq: Seq(seq),
            event: Event::Expose(ExposeEvent {
                window,
                rect: Rect::new(0, 0, 10, 10),
                count: 0,
            }),
            sent: false,
        });
    }

    /// Sends `n` Expose events of window 1, a thousand frames per write, without
    /// reading: megabytes the client must take while it is itself writing.
    pub fn flood_exposes(&mut self, n: usize) {
        let mut batch = Vec::new();
        for i in 0..n {
            let msg = ServerMessage::Event {
                seq: Seq(0),
                event: Event::Expose(ExposeEvent {
                    window: WindowId(1),
                    rect: Rect::new(0, 0, 1, 1),
                    count: 0,
                }),
                sent: false,
            };
            encode_frame(&msg, &mut batch);
            if i % 1000 == 999 || i + 1 == n {
                self.send_bytes(&batch);
                batch.clear();
            }
        }
    }

    /// Reads a Sync request (asserting it is one) and answers it as request `seq`.
    pub fn answer_sync(&mut self, seq: u64) {
        assert!(matches!(self.request(), Request::Sync(_)));
        self.reply(seq, Reply::Sync(SyncReply {}));
    }
}

/// A one-screen 800×600 setup for the client whose hello proposed `id_space`.
pub fn setup_for(id_space: u32) -> Setup {
    Setup {
        major: PROTOCOL_MAJOR,
        minor: PROTOCOL_MINOR,
        vendor: "fake-server".into(),
        client_id: ClientId(1),
        id_space,
        screens: vec![ScreenInfo {
            root: WindowId::ROOT,
            width: 800,
            height: 600,
            width_mm: 0,
            height_mm: 0,
            scale_factor: 1.0,
            pixel_format: PixelFormat::xrgb8888(),
            root_background: Color::BLACK,
        }],
        limits: Limits {
            max_frame_len: 16 << 20,
            max_drawable_side: 8192,
            max_drawable_pixels: Some(1 << 25),
        },
        extensions: vec![],
        atoms: atoms::PREDEFINED
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), atoms::predefined(i)))
            .collect(),
        session: None,
        // Without a session there is no slot for the fonts (they follow it): a fake
        // server names none, and clients measure through it as through a server of 1.6.
        fonts: Vec::new(),
    }
}
