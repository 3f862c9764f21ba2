//! The library's locks: `parking_lot`'s `Mutex` and `Condvar`, and [`lock`], the one way
//! this library locks.
//!
//! Why not std's: std's `Mutex` checks the thread's panic count on every lock and unlock
//! (poisoning), which cost each request ~25 client instructions across its two locks
//! (callgrind, yperf noop). No invariant of ours spans a panic in user code, which never
//! runs under our locks anyway, so poisoning would protect nothing here.

pub(crate) use parking_lot::{Condvar, Mutex, MutexGuard};

/// Locks.
#[inline(always)]
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock()
}
