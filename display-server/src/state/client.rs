//! One connected client as the state thread sees it: identity, id space, the sequence
//! number of the last request applied, its shared-memory segments, and the frames
//! produced for it but not yet handed to its writer task.

use std::collections::HashMap;
use tokio::sync::mpsc::UnboundedSender;
use yonder_protocol::{frame, ClientId, Seq, ServerMessage, ShmSegment};

/// A connected client.
pub struct Client {
    /// The server's number for it.
    pub id: ClientId,
    /// Name from its hello.
    pub app_name: String,
    /// Its resource id space.
    pub id_space: u32,
    /// The last request applied.
    pub seq: Seq,
    /// Whether its setup offered the `SHM` extension (it is on a Unix socket).
    pub shm_offered: bool,
    /// Its attached shared-memory segments, by its own numbers; unmapped when it goes.
    pub segments: HashMap<ShmSegment, crate::shm::Segment>,
    /// Frames encoded during the current batch; handed to the writer in one piece by
    /// [`Client::flush`], so many small events cost one channel send.
    out: Vec<u8>,
    /// To the connection's writer task. Unbounded so that the state thread never waits
    /// for a slow client; the writer drops the client if it falls too far behind.
    tx: UnboundedSender<Vec<u8>>,
}

impl Client {
    /// A client whose frames go to `tx`.
    pub fn new(
        id: ClientId,
        app_name: String,
        id_space: u32,
        tx: UnboundedSender<Vec<u8>>,
    ) -> Client {
        Client {
            id,
            app_name,
            id_space,
            seq: Seq(0),
            shm_offered: false,
            segments: HashMap::new(),
            out: Vec::new(),
            tx,
        }
    }

    /// Queues a message for this client.
    pub fn send(&mut self, msg: &ServerMessage) {
        frame::encode_frame(msg, &mut self.out);
    }

    /// Queues an already-encoded frame.
    pub fn send_raw(&mut self, frame_bytes: &[u8]) {
        self.out.extend_from_slice(frame_bytes);
    }

    /// Hands the queued frames to the writer. A closed channel means the connection is
    /// already gone; its reader will report the disconnect.
    pub fn flush(&mut self) {
        if !self.out.is_empty() {
            let _ = self.tx.send(std::mem::take(&mut self.out));
        }
    }
}
