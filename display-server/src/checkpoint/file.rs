//! The state file `display-N.state`: one [`Checkpoint`], replaced whole on each write.
//!
//! ```text
//! magic[16] "yonder-state\0\0\0\0" · version[2] little-endian (1) · body: the checkpoint
//! as MessagePack, a map per struct (field names as keys, so fields may be added later)
//! ```
//!
//! A file that is missing is no checkpoint; one that cannot be read (too large, another
//! magic or version, a body that does not decode) is an error the caller logs, and the
//! server starts without it: the file is ours, but a crash, a full disk or a hand can
//! damage it, and a damaged checkpoint must never keep a display from starting.

use super::{write_atomically, Checkpoint};
use std::path::Path;

/// The first bytes of a state file.
pub const MAGIC: &[u8; 16] = b"yonder-state\0\0\0\0";
/// The format's version; a file of another is not read.
pub const VERSION: u16 = 1;
/// Largest state file read (a checkpoint of [`super::MAX_ENTRIES`] entries a list is
/// about 6 MiB).
pub const MAX_FILE: u64 = 16 << 20;

/// Why a state file was not read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// It could not be read.
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    /// It is larger than [`MAX_FILE`].
    #[error("it is {0} bytes, more than a checkpoint can be")]
    TooLarge(u64),
    /// It does not start with [`MAGIC`].
    #[error("it is not a yonder state file")]
    NotOurs,
    /// It has another version.
    #[error("it is of version {0}, this server reads version {VERSION}")]
    Version(u16),
    /// Its body does not decode.
    #[error("it is damaged: {0}")]
    Damaged(String),
}

/// The file's bytes for `c`.
pub fn encode(c: &Checkpoint) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&VERSION.to_le_bytes());
    // Plain data of our own types: serializing cannot fail.
    out.extend(rmp_serde::to_vec_named(c).expect("a checkpoint serializes"));
    out
}

/// The checkpoint in `bytes` (a whole file), each list cut to its bound.
pub fn decode(bytes: &[u8]) -> Result<Checkpoint, LoadError> {
    let body = bytes.strip_prefix(&MAGIC[..]).ok_or(LoadError::NotOurs)?;
    let (version, body) = match body {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]), rest),
        _ => return Err(LoadError::Damaged("it ends after its magic".into())),
    };
    if version != VERSION {
        return Err(LoadError::Version(version));
    }
    let mut c: Checkpoint =
        rmp_serde::from_slice(body).map_err(|e| LoadError::Damaged(e.to_string()))?;
    c.bound();
    Ok(c)
}

/// Writes `c` to `path`, atomically (mode 0600).
pub fn write(path: &Path, c: &Checkpoint) -> std::io::Result<()> {
    write_atomically(path, &encode(c))
}

/// The checkpoint in `path`: `Ok(None)` when there is no file.
pub fn read(path: &Path) -> Result<Option<Checkpoint>, LoadError> {
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if len > MAX_FILE {
        return Err(LoadError::TooLarge(len));
    }
    decode(&std::fs::read(path)?).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::{Embedded, Placed, SaveSetEntry};
    use yonder_protocol::{Rect, WindowId};

    fn sample() -> Checkpoint {
        Checkpoint {
            top_levels: vec![
                Placed {
                    window: WindowId(0x5eed_0001_0000_0001),
                    rect: Rect::new(-20, 40, 300, 200),
                },
                Placed {
                    window: WindowId(0xed17_0001_0000_0002),
                    rect: Rect::new(500, 24, 64, 64),
                },
            ],
            embedded: vec![Embedded {
                window: WindowId(0xed17_0001_0000_0003),
                parent: WindowId(0x5eed_0001_0000_0002),
                rect: Rect::new(10, 12, 40, 30),
            }],
            save_sets: vec![SaveSetEntry {
                space: 0x5eed_0001,
                window: WindowId(0xed17_0001_0000_0003),
            }],
            focus: WindowId(0xed17_0001_0000_0003),
        }
    }

    #[test]
    fn a_checkpoint_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("display-0.state");
        assert!(read(&path).unwrap().is_none(), "no file, no checkpoint");
        write(&path, &sample()).unwrap();
        assert_eq!(read(&path).unwrap(), Some(sample()));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Replaced whole, no temporary file left.
        write(&path, &Checkpoint::default()).unwrap();
        assert_eq!(read(&path).unwrap(), Some(Checkpoint::default()));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn damaged_files_are_errors_that_say_why() {
        let good = encode(&sample());
        let cut = &good[..good.len() - 5];
        assert!(matches!(decode(cut), Err(LoadError::Damaged(_))));
        assert!(matches!(decode(b"hello"), Err(LoadError::NotOurs)));
        let mut other = good.clone();
        other[16] = 9;
        let e = decode(&other).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is of version 9, this server reads version 1"
        );
        assert!(matches!(decode(&good[..17]), Err(LoadError::Damaged(_))));
    }
}
