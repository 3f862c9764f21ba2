//! Locking a `Mutex` while ignoring poisoning, the one way this library locks.
//!
//! No invariant of ours spans a panic in user code, which never runs under our locks
//! anyway, so a poisoned lock holds consistent data and is used as it is.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks, ignoring poisoning.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
