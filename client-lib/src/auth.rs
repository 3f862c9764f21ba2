//! The display cookie: the 16-byte secret a client shows in its hello, and for a TLS
//! display the fingerprint of the server's certificate (protocol.md §3). Where both come
//! from (`YONDER_COOKIE`, `YONDER_FINGERPRINT`, the cookie file and its line format) is
//! the `yonder-address` crate's, shared with the server: see [`yonder_address::lookup`]
//! for the lookup order. This module gives those rules their names in the library and
//! turns a failed lookup into a [`ConnectError`].

use crate::display::DisplayName;
use crate::error::ConnectError;
use crate::fingerprint::Fingerprint;
use yonder_address::lookup::{self, LookupError};

pub use yonder_address::cookie_file::{
    parse_cookie_file, parse_cookie_hex, parse_cookie_line, CookieLine, COOKIE_LEN,
};
pub use yonder_address::lookup::{
    find_cookie_line, find_in_cookie_file, lookup_keys, CookieSources, COOKIE_ENV, FINGERPRINT_ENV,
};
pub use yonder_address::paths::{COOKIE_FILE_ENV, DEFAULT_COOKIE_FILE};

impl From<LookupError> for ConnectError {
    fn from(e: LookupError) -> ConnectError {
        match e {
            LookupError::NoCookie(m) => ConnectError::NoCookie(m),
            LookupError::BadCookie(m) => ConnectError::BadCookie(m),
            LookupError::NoFingerprint(m) => ConnectError::NoFingerprint(m),
            LookupError::BadFingerprint(m) => ConnectError::BadFingerprint(m),
        }
    }
}

/// Looks the cookie for `display` up: `YONDER_COOKIE`, else the cookie file's line for
/// `display`, else for `:N` ([`yonder_address::lookup::find_cookie`]).
pub fn find_cookie(
    display: &str,
    name: &DisplayName,
    sources: &CookieSources,
) -> Result<Vec<u8>, ConnectError> {
    Ok(lookup::find_cookie(display, name, sources)?)
}

/// Finds the pinned certificate fingerprint for the TLS display `display`:
/// `YONDER_FINGERPRINT`, else the `sha256=` field of the cookie-file line
/// ([`yonder_address::lookup::find_fingerprint`]). Every failure is a
/// [`ConnectError::NoFingerprint`] or [`ConnectError::BadFingerprint`] whose message says
/// where the library looked and how to get the fingerprint.
pub fn find_fingerprint(
    display: &str,
    name: &DisplayName,
    sources: &CookieSources,
) -> Result<Fingerprint, ConnectError> {
    Ok(lookup::find_fingerprint(display, name, sources)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lookup_failure_keeps_its_kind_and_message() {
        let cases = [
            (LookupError::NoCookie("a".into()), "NoCookie(\"a\")"),
            (LookupError::BadCookie("b".into()), "BadCookie(\"b\")"),
            (
                LookupError::NoFingerprint("c".into()),
                "NoFingerprint(\"c\")",
            ),
            (
                LookupError::BadFingerprint("d".into()),
                "BadFingerprint(\"d\")",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(format!("{:?}", ConnectError::from(e)), want);
        }
    }

    #[test]
    fn find_cookie_reports_a_connect_error() {
        let name = DisplayName::parse(":0").unwrap();
        match find_cookie(":0", &name, &CookieSources::default()) {
            Err(ConnectError::NoCookie(msg)) => assert!(msg.contains("all unset"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }
}
