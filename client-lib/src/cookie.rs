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
//!
//! Besides the cookies, this module has the three ways the layers above send a typed
//! request through the transport: `void_request`, `reply_request` and the `sync` round
//! trip.

use crate::error::{ConnectionError, ReplyError};
use crate::transport::Transport;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use yonder_protocol::reply::*;
use yonder_protocol::request::Sync;
use yonder_protocol::{NoReply, RequestInfo, Seq};

/// A typed reply (the payload of one [`yonder_protocol::Reply`] variant, or `Reply` itself): the
/// protocol's, implemented for each reply by its table of requests.
pub use yonder_protocol::ReplyType;

/// The pending reply of a request that has one.
#[must_use = "dropping a Cookie discards the reply; call .reply() to get it"]
#[derive(Debug)]
pub struct Cookie<'c, R: ReplyType> {
    transport: &'c Transport,
    seq: Seq,
    _reply: PhantomData<fn() -> R>,
}

impl<'c, R: ReplyType> Cookie<'c, R> {
    pub(crate) fn new(transport: &'c Transport, seq: Seq) -> Cookie<'c, R> {
        Cookie {
            transport,
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
        let reply = this.transport.wait_for_reply(this.seq)?;
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
            ReplyError::Connection(this.transport.fail(err))
        })
    }

    /// Drops the reply and any error for the request (an error does not reach the queue).
    pub fn discard_reply_and_errors(self) {
        let this = ManuallyDrop::new(self);
        this.transport.ignore_seq(this.seq);
    }
}

impl<R: ReplyType> Drop for Cookie<'_, R> {
    fn drop(&mut self) {
        self.transport.forget_seq(self.seq);
    }
}

/// The outcome of a request that has no reply: success or a protocol error.
#[derive(Debug)]
pub struct VoidCookie<'c> {
    transport: &'c Transport,
    seq: Seq,
}

impl<'c> VoidCookie<'c> {
    pub(crate) fn new(transport: &'c Transport, seq: Seq) -> VoidCookie<'c> {
        VoidCookie { transport, seq }
    }

    /// The request's sequence number.
    pub fn seq(&self) -> Seq {
        self.seq
    }

    /// Waits until the request is known to have succeeded or failed (a round trip unless
    /// something later already arrived).
    pub fn check(self) -> Result<(), ReplyError> {
        let this = ManuallyDrop::new(self);
        this.transport.check_seq(this.seq)
    }

    /// Drops any error for the request.
    pub fn ignore_error(self) {
        let this = ManuallyDrop::new(self);
        this.transport.ignore_seq(this.seq);
    }
}

impl Drop for VoidCookie<'_> {
    fn drop(&mut self) {
        self.transport.forget_seq(self.seq);
    }
}

/// Sends a request without a reply (its descriptor says so at the type level: its
/// `RequestInfo::Reply` is `NoReply`); the cookie reports its success or error.
pub(crate) fn void_request<Q>(transport: &Transport, request: Q) -> VoidCookie<'_>
where
    Q: RequestInfo<Reply = NoReply>,
{
    let seq = transport.send_tracked(&request.into(), Some(Q::HAS_REPLY));
    VoidCookie::new(transport, seq)
}

/// Sends a request that has a reply; the cookie's reply type is the request's own, from
/// the protocol's table of requests (`RequestInfo::Reply`), so a method cannot promise a
/// reply its request does not get.
pub(crate) fn reply_request<Q>(transport: &Transport, request: Q) -> Cookie<'_, Q::Reply>
where
    Q: RequestInfo,
    Q::Reply: ReplyType,
{
    debug_assert!(Q::HAS_REPLY, "{} has no reply", Q::NAME);
    Cookie::new(
        transport,
        transport.send_tracked(&request.into(), Some(Q::HAS_REPLY)),
    )
}

/// A round trip: sends Sync and waits for its reply, so every earlier request has been
/// carried out (and their errors, if any, are queued) when this returns.
pub(crate) fn sync(transport: &Transport) -> Result<(), ConnectionError> {
    // A round trip whose answer was lost with a connection (protocol.md §5.4) is asked
    // again on the new one: the app only wants to know that all is carried out.
    for _ in 0..RESYNCS {
        match reply_request(transport, Sync {}).reply() {
            Ok(SyncReply {}) => return Ok(()),
            Err(ReplyError::Lost(_)) => continue,
            Err(ReplyError::Connection(e)) => return Err(e),
            Err(other) => {
                return Err(
                    transport.fail(ConnectionError::Malformed(format!("Sync failed: {other}")))
                )
            }
        }
    }
    Err(ConnectionError::Closed)
}

/// How many times [`sync`] asks again when the connection is lost under it.
const RESYNCS: usize = 8;

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
