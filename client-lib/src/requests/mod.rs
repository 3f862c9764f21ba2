//! Sending requests: one typed method per request of [`yonder_protocol::Request`], grouped
//! like the protocol's request modules, plus the generic senders they are built on.
//!
//! Every method only buffers the request and returns at once with a cookie (see
//! [`crate::cookie`]); requests with a reply return a [`Cookie`], the others a
//! [`VoidCookie`]. Arguments are the protocol's own types.

mod draw;
mod gc;
mod input;
mod property;
mod shm;
mod transfer;
mod window;

use crate::connection::Connection;
use crate::cookie::{Cookie, ReplyType, VoidCookie};
use yonder_protocol::request::Sync;
use yonder_protocol::{Request, Seq};

impl Connection {
    /// Sends any request, fire and forget: a reply is discarded, an error arrives through
    /// the event queue. Returns its sequence number.
    pub fn send_request(&self, request: Request) -> Seq {
        self.transport.send_plain(&request)
    }

    /// Sends any request and returns a cookie for its reply; `R` may be [`yonder_protocol::Reply`]
    /// to accept any kind. For a request without a reply, `reply()` ends with
    /// `ReplyError::NoReply` (or the request's error).
    pub fn send_request_with_reply<R: ReplyType>(&self, request: Request) -> Cookie<'_, R> {
        let has_reply = request.has_reply();
        let seq = self.transport.send_tracked(&request, Some(has_reply));
        if !has_reply {
            // Lets the cookie learn that the request is done.
            self.transport.send_plain(&Request::Sync(Sync {}));
        }
        Cookie::new(&self.transport, seq)
    }

    /// Sends any request and returns a cookie for its success or error (a reply, if the
    /// request has one, is discarded).
    pub fn send_request_checked(&self, request: Request) -> VoidCookie<'_> {
        let seq = self
            .transport
            .send_tracked(&request, Some(request.has_reply()));
        VoidCookie::new(&self.transport, seq)
    }
}
