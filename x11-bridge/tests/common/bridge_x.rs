//! The bridge's private X server as a test reaches it: the display the bridge names, the
//! cookie in its authority file, and a connection with that cookie. Included with
//! `#[path]` by `bridge.rs` and by `fuzz_x/mod.rs` (so by the `x_client` fuzz target and
//! the replay of its inputs too).

use x11rb::errors::ConnectError;
use x11rb::rust_connection::{DefaultStream, RustConnection};
use yonder_test_support::apps::{eventually, App};

/// The X display number the bridge `app` says its programs use, and its authority file.
pub fn display_of(app: &App) -> (u32, String) {
    let mut found = None;
    eventually("the bridge names its X display", || {
        let out = std::fs::read_to_string(&app.out).unwrap_or_default();
        found = out.lines().find_map(|l| {
            let rest = l.strip_prefix("yonder-x11: X programs use DISPLAY=:")?;
            let (n, auth) = rest.split_once(" XAUTHORITY=")?;
            Some((n.parse().ok()?, auth.to_string()))
        });
        found.is_some()
    });
    found.unwrap()
}

/// The cookie in the bridge's authority file (its one entry ends with the 16 bytes).
pub fn cookie(authority: &str) -> Vec<u8> {
    let file = std::fs::read(authority).expect("the authority file");
    file[file.len() - 16..].to_vec()
}

/// A connection to X display `n` with `cookie` (MIT-MAGIC-COOKIE-1; none if empty); an
/// error if the X server refuses it.
pub fn connect(n: u32, cookie: &[u8]) -> Result<RustConnection, ConnectError> {
    let path = format!("/tmp/.X11-unix/X{n}");
    let stream = std::os::unix::net::UnixStream::connect(path).expect("the X socket");
    let (stream, _) = DefaultStream::from_unix_stream(stream).expect("a stream");
    let name = match cookie.is_empty() {
        true => vec![],
        false => b"MIT-MAGIC-COOKIE-1".to_vec(),
    };
    RustConnection::connect_to_stream_with_auth_info(stream, 0, name, cookie.to_vec())
}
