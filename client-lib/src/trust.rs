//! The trusted cookie: the display's second secret, for the few programs that must see
//! other clients (a screenshot tool, a window manager, a test harness). A client that
//! presents it instead of the ordinary cookie is trusted: the server does not isolate it
//! from other clients (protocol.md §19). The hello is the same; the server tells the two
//! apart by which cookie matches, so the client knows it is trusted because it chose to
//! send that cookie.
//!
//! A connection asks for trust with `ConnectOptions { trusted: true, .. }` or with the
//! environment variable `YONDER_TRUSTED=1`. The trusted cookie is then looked up
//! (the `yonder-address` crate's rule, shared with the server):
//! 1. `YONDER_TRUSTED_COOKIE`: 32 hex digits;
//! 2. the cookie-file line `KEY+trusted` for the keys of the ordinary lookup (the display
//!    string itself, then `:N`), e.g. `:3+trusted`, written by the server beside `:3`.
//!
//! There is no fallback to the ordinary cookie: a program that asked for trust and
//! cannot have it fails with a message, rather than run with less than it needs.

use crate::auth::CookieSources;
use crate::display::DisplayName;
use crate::error::ConnectError;

pub use yonder_address::cookie_file::TRUSTED_SUFFIX;
pub use yonder_address::lookup::{
    trust_requested_by_env, trusted_cookie_from_env, TRUSTED_COOKIE_ENV, TRUSTED_ENV,
};

/// The trusted cookie of `display`, as the module doc says. `env_cookie` is the value of
/// `YONDER_TRUSTED_COOKIE`; `sources` gives the cookie file.
pub fn find_trusted_cookie(
    display: &str,
    name: &DisplayName,
    env_cookie: Option<&str>,
    sources: &CookieSources,
) -> Result<Vec<u8>, ConnectError> {
    Ok(yonder_address::lookup::find_trusted_cookie(
        display, name, env_cookie, sources,
    )?)
}
