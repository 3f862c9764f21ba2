//! Live migration's bookkeeping (protocol.md §5.5): the migration tokens this display
//! granted (GrantMove) and has seen spent, the moves under way on this display
//! (MoveClient: whom each moving client reports to), and the times that make a move's
//! freeze on the servers' own clocks (when a client leaving sent its last requests here,
//! when one arriving was first shown). Pure data with the time passed in; the requests
//! are `handlers::migrate`'s, the hello's check `clients::session`'s, the times' log
//! lines `handlers::migrate`'s too (fed by the state thread's batches and bursts).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime};
use yonder_protocol::ClientId;

/// How long a granted token is valid, unless the server was configured otherwise
/// (`ServerConfig::move_token_ttl`).
pub const TOKEN_TTL: Duration = crate::config::DEFAULT_MOVE_TOKEN_TTL;
/// How many tokens may be outstanding on a display at once (each a few dozen bytes;
/// the bound keeps clients from filling the server with them).
pub const MAX_GRANTED: usize = 64;
/// How many of them one client may hold (so that no client can take them all and stop
/// every move to this display).
pub const MAX_GRANTED_PER_CLIENT: usize = 8;
/// How long a spent or expired token is remembered, to say so rather than "unknown".
const REMEMBER: Duration = Duration::from_secs(300);
/// How many spent or expired tokens are remembered at most.
const MAX_REMEMBERED: usize = 256;
/// How long a client that came with a token is watched for its first frame (one that
/// shows no window by then is not watched any more).
const ARRIVAL_WATCH: Duration = Duration::from_secs(30);

/// A token not yet presented.
#[derive(Debug, Clone)]
struct Grant {
    /// The app it admits (the hello's `app_name` must be this).
    app_name: String,
    /// Until when.
    expires: Instant,
    /// Who asked for it.
    issuer: ClientId,
}

/// Why a token no longer admits anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spent {
    Used,
    Expired,
}

/// Tokens and moves (see the module doc).
#[derive(Debug, Default)]
pub struct Moves {
    granted: HashMap<[u8; 16], Grant>,
    /// Spent or expired tokens, oldest first, with when they were.
    spent: VecDeque<([u8; 16], Instant, Spent)>,
    /// For each client asked to move, the clients to tell how it ended.
    pending: HashMap<ClientId, Vec<ClientId>>,
    /// The token granted last (for tests and fuzzing, which do not read replies).
    newest: Option<[u8; 16]>,
    /// For each client asked to move, when its last two batches of requests came (the
    /// latest first): the one before its MoveDone's is where its requests stopped here.
    batches: HashMap<ClientId, [Option<SystemTime>; 2]>,
    /// Clients that came with a token and have not been shown yet, with when they came.
    arriving: HashMap<ClientId, Instant>,
    /// How long a token is valid (`None`: [`TOKEN_TTL`]).
    ttl: Option<Duration>,
}

/// `d` as a person says it: whole seconds, else milliseconds.
fn span(d: Duration) -> String {
    match d.subsec_millis() {
        0 if d.as_secs() > 0 => format!("{} s", d.as_secs()),
        _ => format!("{} ms", d.as_millis()),
    }
}

impl Moves {
    /// Tokens valid for `ttl`.
    pub fn with_ttl(ttl: Duration) -> Moves {
        Moves {
            ttl: Some(ttl),
            ..Moves::default()
        }
    }

    /// How long a token is valid.
    pub fn ttl(&self) -> Duration {
        self.ttl.unwrap_or(TOKEN_TTL)
    }

    /// Records a new token `token` for the app `app_name`; fails when too many are
    /// outstanding. Expired ones are dropped first.
    pub fn grant(
        &mut self,
        token: [u8; 16],
        app_name: &str,
        issuer: ClientId,
        now: Instant,
    ) -> Result<(), String> {
        self.expire(now);
        let held = self.granted.values().filter(|g| g.issuer == issuer).count();
        if held >= MAX_GRANTED_PER_CLIENT {
            return Err(format!(
                "this client holds {MAX_GRANTED_PER_CLIENT} migration tokens of this display \
                 already; each expires {} after it was granted",
                span(self.ttl())
            ));
        }
        if self.granted.len() >= MAX_GRANTED {
            return Err(format!(
                "this display has {MAX_GRANTED} migration tokens outstanding already; \
                 try again when some expire ({})",
                span(self.ttl())
            ));
        }
        self.newest = Some(token);
        self.granted.insert(
            token,
            Grant {
                app_name: app_name.to_string(),
                expires: now + self.ttl(),
                issuer,
            },
        );
        Ok(())
    }

    /// Checks the token of a hello from `app_name` without spending it.
    pub fn check(&mut self, token: &[u8], app_name: &str, now: Instant) -> Result<(), String> {
        self.expire(now);
        let Ok(key) = <[u8; 16]>::try_from(token) else {
            return Err(format!(
                "the migration token has {} bytes; this display's have 16",
                token.len()
            ));
        };
        match self.granted.get(&key) {
            Some(g) if g.app_name == app_name => Ok(()),
            Some(g) => Err(format!(
                "the migration token was granted for the app {:?}, not {app_name:?}",
                g.app_name
            )),
            None => Err(match self.spent.iter().find(|(t, _, _)| *t == key) {
                Some((_, _, Spent::Used)) => "the migration token was used already: a token \
                    admits one move (ask the display for another)"
                    .to_string(),
                Some((_, _, Spent::Expired)) => format!(
                    "the migration token expired (tokens are valid {})",
                    span(self.ttl())
                ),
                None => "the migration token is not one this display granted".to_string(),
            }),
        }
    }

    /// Spends a token that [`Moves::check`] accepted.
    pub fn spend(&mut self, token: &[u8], now: Instant) {
        if let Ok(key) = <[u8; 16]>::try_from(token) {
            if self.granted.remove(&key).is_some() {
                self.remember(key, now, Spent::Used);
            }
        }
    }

    /// Drops the expired tokens (remembered as such).
    fn expire(&mut self, now: Instant) {
        let gone: Vec<[u8; 16]> = self
            .granted
            .iter()
            .filter(|(_, g)| g.expires <= now)
            .map(|(t, _)| *t)
            .collect();
        for t in gone {
            self.granted.remove(&t);
            self.remember(t, now, Spent::Expired);
        }
        while self
            .spent
            .front()
            .is_some_and(|(_, at, _)| now.duration_since(*at) > REMEMBER)
        {
            self.spent.pop_front();
        }
    }

    fn remember(&mut self, token: [u8; 16], now: Instant, why: Spent) {
        if self.spent.len() >= MAX_REMEMBERED {
            self.spent.pop_front();
        }
        self.spent.push_back((token, now, why));
    }

    /// Whether batches of requests are to be timed ([`Moves::batch_from`]): a client is
    /// being moved away.
    #[inline]
    pub fn times_batches(&self) -> bool {
        !self.batches.is_empty()
    }

    /// A batch of `client`'s requests is being applied at `now`.
    pub fn batch_from(&mut self, client: ClientId, now: SystemTime) {
        if let Some(b) = self.batches.get_mut(&client) {
            *b = [Some(now), b[0]];
        }
    }

    /// `client` said it moved away, in the batch being applied: when the batch before
    /// came (where its requests here stopped), if it was being timed.
    pub fn left(&mut self, client: ClientId) -> Option<SystemTime> {
        self.batches.remove(&client).and_then(|b| b[1])
    }

    /// `client` came with a token at `now`: its first frame is to be noted.
    pub fn arrived(&mut self, client: ClientId, now: Instant) {
        self.arriving.insert(client, now);
    }

    /// The clients whose first frame is still to come, those watched too long dropped.
    pub fn arriving(&mut self, now: Instant) -> Vec<ClientId> {
        if self.arriving.is_empty() {
            return Vec::new();
        }
        self.arriving
            .retain(|_, since| now.duration_since(*since) < ARRIVAL_WATCH);
        self.arriving.keys().copied().collect()
    }

    /// `client` was shown: no longer watched.
    pub fn shown(&mut self, client: ClientId) {
        self.arriving.remove(&client);
    }

    /// `mover` asked `client` to move: it hears how that ends.
    pub fn asked(&mut self, client: ClientId, mover: ClientId) {
        self.batches.entry(client).or_default();
        let movers = self.pending.entry(client).or_default();
        if !movers.contains(&mover) {
            movers.push(mover);
        }
    }

    /// `client` reported (or left): whom to tell.
    pub fn reported(&mut self, client: ClientId) -> Vec<ClientId> {
        self.pending.remove(&client).unwrap_or_default()
    }

    /// `client` is gone: nothing of it is timed any more.
    pub fn forget_times(&mut self, client: ClientId) {
        self.batches.remove(&client);
        self.arriving.remove(&client);
    }

    /// `client` left: it is nobody's mover any more.
    pub fn mover_gone(&mut self, client: ClientId) {
        for movers in self.pending.values_mut() {
            movers.retain(|m| *m != client);
        }
    }

    /// The token granted last.
    pub fn newest(&self) -> Option<[u8; 16]> {
        self.newest
    }

    /// How many tokens are outstanding (for tests and the invariants).
    pub fn outstanding(&self) -> usize {
        self.granted.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: [u8; 16] = [7; 16];

    #[test]
    fn a_leaving_clients_requests_stop_at_the_batch_before_its_move_done() {
        let mut m = Moves::default();
        let t = |ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms);
        m.batch_from(ClientId(5), t(1));
        assert!(!m.times_batches(), "nobody is moving: nothing timed");
        m.asked(ClientId(5), ClientId(9));
        assert!(m.times_batches());
        m.batch_from(ClientId(5), t(10));
        m.batch_from(ClientId(6), t(11));
        m.batch_from(ClientId(5), t(20));
        // MoveDone came in the batch of 20 ms.
        assert_eq!(m.left(ClientId(5)), Some(t(10)));
        assert!(!m.times_batches());
        assert_eq!(m.left(ClientId(5)), None);

        let now = Instant::now();
        m.arrived(ClientId(7), now);
        assert_eq!(m.arriving(now), vec![ClientId(7)]);
        assert!(
            m.arriving(now + ARRIVAL_WATCH).is_empty(),
            "watched 30 s at most"
        );
        m.arrived(ClientId(8), now);
        m.shown(ClientId(8));
        assert!(m.arriving(now).is_empty());
    }

    #[test]
    fn a_token_admits_its_app_once() {
        let now = Instant::now();
        let mut m = Moves::default();
        m.grant(T, "hello", ClientId(1), now).unwrap();
        let e = m.check(&T, "yclock", now).unwrap_err();
        assert!(e.contains("granted for the app \"hello\""), "{e}");
        m.check(&T, "hello", now).unwrap();
        m.spend(&T, now);
        let e = m.check(&T, "hello", now).unwrap_err();
        assert!(e.contains("used already"), "{e}");
    }

    #[test]
    fn an_expired_or_forged_token_says_so() {
        let now = Instant::now();
        let mut m = Moves::default();
        m.grant(T, "hello", ClientId(1), now).unwrap();
        let later = now + TOKEN_TTL + Duration::from_millis(1);
        let e = m.check(&T, "hello", later).unwrap_err();
        assert!(e.contains("expired"), "{e}");
        let e = m.check(&[8; 16], "hello", now).unwrap_err();
        assert!(e.contains("not one this display granted"), "{e}");
        let e = m.check(&[8; 3], "hello", now).unwrap_err();
        assert!(e.contains("3 bytes"), "{e}");
        assert_eq!(m.outstanding(), 0);
    }

    #[test]
    fn outstanding_tokens_are_bounded() {
        let now = Instant::now();
        let mut m = Moves::default();
        for i in 0..MAX_GRANTED {
            let mut t = [0u8; 16];
            t[..8].copy_from_slice(&(i as u64).to_le_bytes());
            let client = ClientId((i / MAX_GRANTED_PER_CLIENT) as u32);
            m.grant(t, "a", client, now).unwrap();
        }
        assert!(m.grant([0xff; 16], "a", ClientId(999), now).is_err());
        // One client cannot take them all.
        assert!(m.grant([0xfe; 16], "a", ClientId(0), now).is_err());
        // Once they expire there is room again.
        m.grant([0xff; 16], "a", ClientId(0), now + TOKEN_TTL)
            .unwrap();
    }
}
