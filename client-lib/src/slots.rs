//! The table of requests with a live cookie, by sequence number ([`Slots`]), and what one
//! entry holds ([`Slot`]).
//!
//! Why not a hash map: sequence numbers are handed out in order under the output lock
//! and cookies are tracked in that order, so the table is a queue sorted by sequence
//! number. The common life of a cookie — a drawing request's `VoidCookie` dropped at
//! once — is then one push and one pop at the back, with no hashing; the oldest cookie
//! collected first (replies waited for in order) is a pop at the front; anything else
//! is a binary search. (A hash map insert and remove were a third of what sending a
//! small request cost the client.)

use std::collections::VecDeque;
use yonder_protocol::{ProtocolError, Reply};

/// What has arrived for a request with a live cookie. Boxed, so that a slot stays a
/// few words: most slots are made and dropped while still `Waiting`, and moving a slot
/// the size of the largest reply cost more than the rest of their bookkeeping.
#[derive(Debug)]
pub(crate) enum SlotState {
    Waiting,
    /// Its reply was lost with a connection (a resumed session, protocol.md §5.4).
    Lost,
    Reply(Box<Reply>),
    Error(Box<ProtocolError>),
}

/// A request with a live cookie.
#[derive(Debug)]
pub(crate) struct Slot {
    /// Whether the request has a reply (else only an error can come).
    pub(crate) expects_reply: bool,
    pub(crate) state: SlotState,
}

/// Requests with a live cookie, sorted by sequence number.
#[derive(Debug, Default)]
pub(crate) struct Slots {
    items: VecDeque<(u64, Slot)>,
}

impl Slots {
    /// Where `seq` is, or where it would go. Always inlined: as a call (which the
    /// compiler chose when code elsewhere in the crate grew) it cost every request ~20
    /// instructions more (callgrind, yperf noop and seg10).
    #[inline(always)]
    fn find(&self, seq: u64) -> Result<usize, usize> {
        // The newest first: a cookie is usually looked at right after it was made; then
        // the oldest, the next reply to arrive.
        match (self.items.back(), self.items.front()) {
            (Some((last, _)), _) if *last == seq => Ok(self.items.len() - 1),
            (Some((last, _)), _) if *last < seq => Err(self.items.len()),
            (_, Some((first, _))) if *first == seq => Ok(0),
            (None, _) => Err(0),
            _ => self.items.binary_search_by_key(&seq, |(s, _)| *s),
        }
    }

    /// Records `slot` for `seq`, replacing one already there.
    pub(crate) fn insert(&mut self, seq: u64, slot: Slot) {
        match self.find(seq) {
            Ok(i) => self.items[i].1 = slot,
            Err(i) if i == self.items.len() => self.items.push_back((seq, slot)),
            Err(i) => self.items.insert(i, (seq, slot)),
        }
    }

    /// The slot of `seq`.
    pub(crate) fn get(&self, seq: u64) -> Option<&Slot> {
        self.find(seq).ok().map(|i| &self.items[i].1)
    }

    /// The slot of `seq`, to fill.
    pub(crate) fn get_mut(&mut self, seq: u64) -> Option<&mut Slot> {
        self.find(seq).ok().map(|i| &mut self.items[i].1)
    }

    /// Takes the slot of `seq` out.
    pub(crate) fn remove(&mut self, seq: u64) -> Option<Slot> {
        let i = self.find(seq).ok()?;
        let taken = match i {
            _ if i + 1 == self.items.len() => self.items.pop_back(),
            0 => self.items.pop_front(),
            _ => self.items.remove(i),
        };
        taken.map(|(_, slot)| slot)
    }

    /// Marks as lost the replies awaited for requests up to `processed`: the server
    /// carried them out and answered on a connection that is gone.
    pub(crate) fn lose_replies_through(&mut self, processed: u64) {
        for (seq, slot) in self.items.iter_mut() {
            if *seq > processed {
                break;
            }
            if slot.expects_reply && matches!(slot.state, SlotState::Waiting) {
                slot.state = SlotState::Lost;
            }
        }
    }

    /// The requests whose reply is awaited and was lost with a connection, up to
    /// `processed` (the candidates for asking again).
    pub(crate) fn awaited_through(&self, processed: u64) -> Vec<u64> {
        self.items
            .iter()
            .take_while(|(seq, _)| *seq <= processed)
            .filter(|(_, slot)| {
                slot.expects_reply && matches!(slot.state, SlotState::Waiting | SlotState::Lost)
            })
            .map(|(seq, _)| *seq)
            .collect()
    }

    /// Whether no cookie is live.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(expects_reply: bool) -> Slot {
        Slot {
            expects_reply,
            state: SlotState::Waiting,
        }
    }

    #[test]
    fn behaves_like_a_map_whatever_the_order() {
        let mut s = Slots::default();
        let mut model = std::collections::BTreeMap::new();
        // A fixed pseudo-random walk of inserts (mostly increasing) and removals.
        let mut x: u64 = 12345;
        let mut next = 0u64;
        for _ in 0..5000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = x >> 33;
            match r % 5 {
                0 | 1 => {
                    next += 1 + r % 3;
                    // Now and then an out-of-order or repeated sequence number.
                    let seq = if r.is_multiple_of(17) { next / 2 } else { next };
                    s.insert(seq, slot(r.is_multiple_of(2)));
                    model.insert(seq, r.is_multiple_of(2));
                }
                2 => {
                    let seq = next.saturating_sub(r % 4);
                    assert_eq!(s.remove(seq).map(|sl| sl.expects_reply), model.remove(&seq));
                }
                3 => {
                    let first = model.keys().next().copied().unwrap_or(0);
                    assert_eq!(
                        s.remove(first).map(|sl| sl.expects_reply),
                        model.remove(&first)
                    );
                }
                _ => {
                    let seq = r % (next + 1);
                    assert_eq!(
                        s.get(seq).map(|sl| sl.expects_reply),
                        model.get(&seq).copied()
                    );
                    assert_eq!(s.get_mut(seq).is_some(), model.contains_key(&seq));
                }
            }
            assert_eq!(s.is_empty(), model.is_empty());
            let keys: Vec<u64> = s.items.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys, model.keys().copied().collect::<Vec<_>>());
        }
    }
}
