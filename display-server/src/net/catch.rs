//! [`CatchPanic`]: a future that turns a panic while it is polled into an `Err`, in the
//! task that polls it. The reader uses it so that a bug of the server's while reading one
//! connection ends that connection like any other end, while the reader stays in the
//! connection's task (no second task per connection for the scheduler to place, no
//! 'static bound forcing the reader's state to be moved into it).

use crate::dispatch::panic_message;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Wraps `F` (boxed once, so no unsafe pin projection is needed); resolves to
/// `Ok(output)`, or `Err(message)` when a poll panicked.
pub struct CatchPanic<F>(Pin<Box<F>>);

impl<F: Future> CatchPanic<F> {
    /// Wraps `future`.
    pub fn new(future: F) -> Self {
        CatchPanic(Box::pin(future))
    }
}

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, String>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.get_mut().0.as_mut();
        // After a panic the inner future is never polled again (the caller drops it
        // once it has the Err), so its half-done state is never seen.
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(payload) => Poll::Ready(Err(panic_message(payload.as_ref()))),
        }
    }
}
