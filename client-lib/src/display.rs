//! Display names and where they lead (protocol.md §2.1): `:N`, `host:N`, `tls:host:N`,
//! `unix:PATH`. The rules live in the `yonder-address` crate, shared with the server;
//! this module gives them their names in the library and adds what is the library's own:
//! a bad name is a [`ConnectError::BadDisplay`].

use crate::error::ConnectError;
use std::path::PathBuf;
pub use yonder_address::name::{Address, BadDisplay, DisplayName, DISPLAY_ENV};
pub use yonder_address::paths::socket_dir;

impl From<BadDisplay> for ConnectError {
    fn from(e: BadDisplay) -> ConnectError {
        ConnectError::BadDisplay {
            display: e.display,
            reason: e.reason,
        }
    }
}

/// The real user id of this process (getuid(2); it does not fail, the `Result` stays for
/// the callers written when it read `/proc`).
pub fn current_uid() -> std::io::Result<u32> {
    Ok(yonder_address::paths::current_uid())
}

/// [`socket_dir`] for this process: reads `XDG_RUNTIME_DIR` and the user id (it does not
/// fail, as [`current_uid`]).
pub fn default_socket_dir() -> std::io::Result<PathBuf> {
    Ok(yonder_address::paths::default_socket_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_name_is_a_connect_error_naming_it() {
        let err: ConnectError = DisplayName::parse(":x").unwrap_err().into();
        match err {
            ConnectError::BadDisplay { display, reason } => {
                assert_eq!(display, ":x");
                assert!(reason.contains("number"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(current_uid().unwrap(), yonder_address::paths::current_uid());
    }
}
