//! Buffers for the pixels of large PutImages, used again from one put to the next. A
//! connection reads a large image's pixels straight into a buffer of their own
//! (`net::connection`); once the image is drawn, its handler gives the buffer back
//! here, and the next large put takes it instead of a new one. A new buffer must be
//! zeroed before the socket is read into it (safe Rust reads only into initialized
//! bytes), and for a 500×500 image that zeroing cost as much as the read itself; a kept
//! buffer only has its bytes overwritten. The reader fills every byte of what it takes
//! before anything looks at it, so no pixels pass from one image (or client) to the next.

use std::sync::Mutex;

/// Most buffers kept.
const KEPT: usize = 2;
/// Largest buffer kept (a 1024×1024 image): a larger one is freed when given back.
const KEPT_MAX: usize = 4 << 20;

/// The kept buffers. A mutex: the state thread gives buffers back while readers (on the
/// state thread for Unix and plain TCP, on the I/O workers for TLS and the web) take
/// them; it is held for one push or pop, once per large image.
static SPARE: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// A buffer of exactly `n` bytes whose content is not specified (the caller overwrites
/// all of it): a kept one when one is large enough, else a new, zeroed one.
pub fn take(n: usize) -> Vec<u8> {
    let kept = {
        let mut spare = SPARE.lock().unwrap_or_else(|e| e.into_inner());
        let fits = spare.iter().position(|b| b.capacity() >= n);
        fits.map(|i| spare.swap_remove(i))
    };
    match kept {
        Some(mut buf) => {
            buf.truncate(n);
            buf.resize(n, 0);
            buf
        }
        // Zeroed by the allocator: a large one comes as untouched pages, so a client that
        // sends a large image's head and stalls holds address space, not memory.
        None => vec![0; n],
    }
}

/// Keeps `buf` for a later [`take`], if it is large enough to be worth keeping and not
/// too large, and fewer than [`KEPT`] wait.
pub fn give_back(buf: Vec<u8>) {
    if !(MIN_KEPT..=KEPT_MAX).contains(&buf.capacity()) {
        return;
    }
    let mut spare = SPARE.lock().unwrap_or_else(|e| e.into_inner());
    if spare.len() < KEPT {
        spare.push(buf);
    }
}

/// Smallest buffer kept: a smaller one costs little to zero. (Only frames of at least
/// 256 KiB have their pixels read into a buffer of their own, the connection's
/// `LARGE_BODY`.)
const MIN_KEPT: usize = 128 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_given_back_serves_the_next_take_of_its_size_or_less() {
        // A size no other test of this process uses: no kept buffer fits it.
        let mut a = take(KEPT_MAX - 7);
        assert_eq!(a.len(), KEPT_MAX - 7);
        assert!(a.iter().all(|&b| b == 0), "a new buffer is zeroed");
        a.fill(7);
        let ptr = a.as_ptr();
        give_back(a);
        // Other tests of this process may take it first: only a hit is checked.
        let b = take(KEPT_MAX - 100);
        assert_eq!(b.len(), KEPT_MAX - 100);
        if b.as_ptr() == ptr {
            assert!(b.iter().all(|&v| v == 7), "kept bytes are not cleared");
        }
        // Too small or too large: not kept.
        give_back(vec![0; 1000]);
        give_back(vec![0; KEPT_MAX + 1]);
        let kept = SPARE.lock().unwrap();
        assert!(kept
            .iter()
            .all(|b| (MIN_KEPT..=KEPT_MAX).contains(&b.capacity())));
    }
}
