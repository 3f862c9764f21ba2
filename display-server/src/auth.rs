//! Display cookies: making a random 128-bit cookie per display and checking a hello's.
//! The cookie file (`~/.yonder/cookies`, one `DISPLAY HEX` line per display, mode 0600 in
//! a 0700 directory, like xauth; a display served over TLS has its certificate's
//! fingerprint on its line too: `:N HEX sha256=HEX64`) is the `yonder-address` crate's,
//! shared with the client library: this module re-exports what the server writes and
//! reads back for `--print-cookie`.
//!
//! Each display has two cookies: the ordinary one (line `:N`) and the trusted one (line
//! `:N+trusted`, see [`trusted_name`]), whose clients are not isolated from the others
//! (protocol.md §19). The server decides trust only by which of the two a hello carries.
//! A display serving web viewers (`--listen web`) has two more, which no client hello is
//! admitted with: `:N+web` lets a browser see and drive the screen, `:N+view` only see it
//! (protocol.md §20.3).

use std::path::{Path, PathBuf};
pub use yonder_address::cookie_file::{
    read_cookie, store_cookie, store_cookies, store_fingerprint, trusted_name, Cookie,
    TRUSTED_SUFFIX, VIEW_SUFFIX, WEB_SUFFIX,
};

/// A fresh random cookie.
pub fn new_cookie() -> std::io::Result<Cookie> {
    crate::secret::random_128()
}

/// The cookie file to use: the configured one (`--cookie-file`), else
/// `$YONDER_COOKIE_FILE`, else `~/.yonder/cookies` (the rule clients read it by,
/// [`yonder_address::paths::cookie_file`]); an error when none of them is set.
pub fn cookie_file_path(configured: Option<&Path>) -> std::io::Result<PathBuf> {
    configured
        .map(Path::to_path_buf)
        .or_else(yonder_address::paths::cookie_file_from_env)
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no cookie file: HOME and YONDER_COOKIE_FILE are unset (or give --cookie-file)",
            )
        })
}

/// Compares two cookies in time independent of where they differ.
pub fn cookies_equal(a: &[u8], b: &Cookie) -> bool {
    crate::secret::equal(a, b)
}
