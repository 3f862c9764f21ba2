//! Cookies: what a request method returns, to collect the request's outcome later. Sending
//! never waits; a cookie decides what happens to the reply and to a possible error.
//!
//! The model is x11rb's:
//!
//! | request kind      | get the outcome                     | error goes to the event queue | drop everything             |
//! |-------------------|-------------------------------------|-------------------------------|-----------------------------|
//! | with a reply      | [`Cookie::reply`] (error → `Err`)   | drop the [`Cookie`]           | [`Cookie::discard_reply_and_errors`] |
//! | without a reply   | [`VoidCookie::check`] (error → `Err`) | drop the [`VoidCookie`]     | [`VoidCookie::ignore_error`] |
//!
//! `reply` flushes the output and reads until the reply for its sequence number arrives,
//! queueing events and other replies meanwhile. `check` returns at once if anything with a
//! later-or-equal sequence number already arrived; otherwise it sends a Sync request and
//! waits for it. Dropping a [`Cookie`] discards its reply. An error that arrived while the
//! cookie was alive joins the event queue when the cookie is dropped, so it may come
//! after events that arrived later.

use crate::connection::Connection;
use crate::error::{ConnectionError, ReplyError};
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use yonder_protocol::Seq;

/// A typed reply (the payload of one [`yonder_protocol::Reply`] variant, or `Reply` itself): the
/// protocol's, implemented for each reply by its table of requests.
pub use yonder_protocol::ReplyType;

/// The pending reply of a request that has one.
#[must_use = "dropping a Cookie discards the reply; call .reply() to get it"]
#[derive(Debug)]
pub struct Cookie<'c, R: ReplyType> {
    conn: &'c Connection,
    seq: Seq,
    _reply: PhantomData<fn() -> R>,
}

impl<'c, R: ReplyType> Cookie<'c, R> {
    pub(crate) fn new(conn: &'c Connection, seq: Seq) -> Cookie<'c, R> {
        Cookie {
            conn,
            seq,
            _reply: PhantomData,
        }
    }

    /// The request's sequence number.
    pub fn seq(&self) -> Seq {
        self.seq
    }

    /// Waits for the reply (flushing first). A protocol error for the request is
    /// `ReplyError::Protocol`.
    pub fn reply(self) -> Result<R, ReplyError> {
        let this = ManuallyDrop::new(self);
        let reply = this.conn.wait_for_reply(this.seq)?;
        R::from_reply(reply).map_err(|other| {
            let err = ConnectionError::Malformed(format!(
                "request {} got a {} reply, not {}",
                this.seq.0,
                other.name(),
                std::any::type_name::<R>()
                    .rsplit("::")
                    .next()
                    .unwrap_or("?"),
            ));
            ReplyError::Connection(this.conn.fail(err))
        })
    }

    /// Drops the reply and any error for the request (an error does not reach the queue).
    pub fn discard_reply_and_errors(self) {
        let this = ManuallyDrop::new(self);
        this.conn.ignore_seq(this.seq);
    }
}

impl<R: ReplyType> Drop for Cookie<'_, R> {
    fn drop(&mut self) {
        self.conn.forget_seq(self.seq);
    }
}

/// The outcome of a request that has no reply: success or a protocol error.
#[derive(Debug)]
pub struct VoidCookie<'c> {
    conn: &'c Connection,
    seq: Seq,
}

impl<'c> VoidCookie<'c> {
    pub(crate) fn new(conn: &'c Connection, seq: Seq) -> VoidCookie<'c> {
        VoidCookie { conn, seq }
    }

    /// The request's sequence number.
    pub fn seq(&self) -> Seq {
        self.seq
    }

    /// Waits until the request is known to have succeeded or failed (a round trip unless
    /// something later already arrived).
    pub fn check(self) -> Result<(), ReplyError> {
        let this = ManuallyDrop::new(self);
        this.conn.check_seq(this.seq)
    }

    /// Drops any error for the request.
    pub fn ignore_error(self) {
        let this = ManuallyDrop::new(self);
        this.conn.ignore_seq(this.seq);
    }
}

impl Drop for VoidCookie<'_> {
    fn drop(&mut self) {
        self.conn.forget_seq(self.seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::reply::{GeometryReply, SyncReply};
    use yonder_protocol::Reply;

    #[test]
    fn reply_types_match_their_variant() {
        let r = Reply::Sync(SyncReply {});
        assert!(SyncReply::from_reply(r.clone()).is_ok());
        assert_eq!(GeometryReply::from_reply(r.clone()), Err(r.clone()));
        assert_eq!(Reply::from_reply(r.clone()), Ok(r));
    }
}
