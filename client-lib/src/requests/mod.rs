//! The typed request methods of [`Connection`]: one method per request of
//! [`yonder_protocol::Request`], in one extension trait per family of requests (like the
//! protocol's request modules, and like x11rb's `ConnectionExt`), plus [`RequestExt`],
//! the generic senders for any [`Request`] value.
//!
//! Every method only buffers the request and returns at once with a cookie (see
//! [`crate::cookie`]); requests with a reply return a [`Cookie`], the others a
//! [`VoidCookie`]. Arguments are the protocol's own types.
//!
//! The traits are implemented for [`Connection`] alone (they are sealed) and their
//! methods are provided ones, so a call is a direct, statically dispatched call on the
//! connection, as an inherent method would be. `use yonder::prelude::*;` brings them all
//! into scope.

mod draw;
mod input;
mod property;
mod resource;
mod shared_image;
mod shm;
mod transfer;
mod window;

pub use draw::DrawExt;
pub use input::InputExt;
pub use property::PropertyExt;
pub use resource::ResourceExt;
pub use shared_image::{SharedImage, SharedImageError};
pub use shm::ShmExt;
pub use transfer::{TransferExt, SELECTION_CHUNK};
pub use window::WindowExt;

use crate::connection::Connection;
use crate::cookie::{Cookie, ReplyType, VoidCookie};
use yonder_protocol::request::Sync;
use yonder_protocol::{Request, Seq};

mod sealed {
    use crate::connection::Connection;

    /// Implemented by [`Connection`] alone: it hands the request traits' provided methods
    /// the connection they send through. Not nameable outside the crate, so no other type
    /// can implement the request traits.
    pub trait Sealed {
        /// The connection itself.
        fn conn(&self) -> &Connection;
    }

    impl Sealed for Connection {
        #[inline]
        fn conn(&self) -> &Connection {
            self
        }
    }
}

use sealed::Sealed;

/// Sending any [`Request`] value, for requests built at run time (tools, tests, bridges).
/// The typed methods of the other request traits are usually what an app wants.
/// Implemented for [`Connection`]; `use yonder::prelude::*;` brings it into scope.
pub trait RequestExt: Sealed {
    /// Sends any request, fire and forget: a reply is discarded, an error arrives through
    /// the event queue. Returns its sequence number.
    fn send_request(&self, request: Request) -> Seq {
        self.conn().transport.send_plain(&request)
    }

    /// Sends any request and returns a cookie for its reply; `R` may be [`yonder_protocol::Reply`]
    /// to accept any kind. For a request without a reply, `reply()` ends with
    /// `ReplyError::NoReply` (or the request's error).
    fn send_request_with_reply<R: ReplyType>(&self, request: Request) -> Cookie<'_, R> {
        let has_reply = request.has_reply();
        let seq = self
            .conn()
            .transport
            .send_tracked(&request, Some(has_reply));
        if !has_reply {
            // Lets the cookie learn that the request is done.
            self.conn().transport.send_plain(&Request::Sync(Sync {}));
        }
        Cookie::new(&self.conn().transport, seq)
    }

    /// Sends any request and returns a cookie for its success or error (a reply, if the
    /// request has one, is discarded).
    fn send_request_checked(&self, request: Request) -> VoidCookie<'_> {
        let seq = self
            .conn()
            .transport
            .send_tracked(&request, Some(request.has_reply()));
        VoidCookie::new(&self.conn().transport, seq)
    }
}

impl RequestExt for Connection {}
