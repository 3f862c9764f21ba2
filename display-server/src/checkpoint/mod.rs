//! The checkpoint of a display as data and files: what a server restarted on the same
//! display needs to bring back the state that spans clients (protocol.md §16.6), and the
//! log that keeps atom numbers stable across restarts (§6.2). No server state here: the
//! state thread makes a [`Checkpoint`] (`state::persist`) and reads one back
//! (`state::restoring`, `restore`).
//!
//! * `file.rs`     – the state file `display-N.state`: format, atomic write, tolerant load
//! * `atom_log.rs` – the atom log `display-N.atoms`: records appended, a torn tail ignored
//! * `writer.rs`   – the writer thread, which does every write so the state thread never
//!   waits on the disk
//!
//! Both files live beside the display's socket (`display-N`), in the owner-only socket
//! directory, with mode 0600: they name the windows of every client of the display.

pub mod atom_log;
pub mod file;
pub mod writer;

pub use writer::Writer;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use yonder_protocol::{Rect, WindowId};

/// Most entries of each list of a checkpoint (top-levels, embedded windows, save-set
/// entries). A checkpoint holds the topmost ones past it; a file with more is read up to
/// it. Far above what a desktop shows; it bounds the file and the restoring tables.
pub const MAX_ENTRIES: usize = 1 << 16;

/// The state that spans clients, as a restarted server needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The clients' windows that are children of the root, bottom to top, with their
    /// geometry (where the window manager or anyone last put them).
    pub top_levels: Vec<Placed>,
    /// Windows inside another client's window (an embedded part), with their parent and
    /// their geometry in it.
    pub embedded: Vec<Embedded>,
    /// Each save-set entry: the id space of the client whose save-set it is, and the
    /// window.
    pub save_sets: Vec<SaveSetEntry>,
    /// The window with the keyboard focus (NONE or the root when no client window had it).
    pub focus: WindowId,
}

/// A top-level window and its geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    /// The window.
    pub window: WindowId,
    /// Its position on the screen and its size.
    pub rect: Rect,
}

/// A window inside a window of another client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Embedded {
    /// The window (the part's).
    pub window: WindowId,
    /// Its parent (the container's).
    pub parent: WindowId,
    /// Its position in the parent, and its size.
    pub rect: Rect,
}

/// A window in a client's save-set. Clients are named by id space: a client that comes
/// back to a new server keeps its ids, not its client number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SaveSetEntry {
    /// The id space of the save-set's client.
    pub space: u32,
    /// The window (another client's).
    pub window: WindowId,
}

impl Checkpoint {
    /// Cuts every list to [`MAX_ENTRIES`], keeping the topmost top-levels.
    pub fn bound(&mut self) {
        let extra = self.top_levels.len().saturating_sub(MAX_ENTRIES);
        self.top_levels.drain(..extra);
        self.embedded.truncate(MAX_ENTRIES);
        self.save_sets.truncate(MAX_ENTRIES);
    }
}

/// Where a display's checkpoint lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// The state file, `display-N.state`.
    pub state: PathBuf,
    /// The atom log, `display-N.atoms`.
    pub atoms: PathBuf,
}

impl Files {
    /// The files of the display whose socket is `socket` (`DIR/display-N`).
    pub fn beside(socket: &Path) -> Files {
        let name = socket
            .file_name()
            .map_or_else(|| "display".into(), |n| n.to_string_lossy().into_owned());
        Files {
            state: socket.with_file_name(format!("{name}.state")),
            atoms: socket.with_file_name(format!("{name}.atoms")),
        }
    }

    /// Removes both files (`--forget-state`); missing ones are no error.
    pub fn forget(&self) -> std::io::Result<()> {
        for p in [&self.state, &self.atoms] {
            match std::fs::remove_file(p) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it (mode 0600), flushed
/// to the disk, renamed over `path`. A reader sees the old file or the new one, never a
/// part; a crash leaves at most a stray temporary file, replaced by the next write.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_sit_beside_the_socket() {
        let f = Files::beside(Path::new("/run/user/1/yonder/display-3"));
        assert_eq!(f.state, Path::new("/run/user/1/yonder/display-3.state"));
        assert_eq!(f.atoms, Path::new("/run/user/1/yonder/display-3.atoms"));
    }

    #[test]
    fn bounding_keeps_the_topmost_windows() {
        let placed = |n| Placed {
            window: WindowId(n),
            rect: Rect::new(0, 0, 1, 1),
        };
        let mut c = Checkpoint {
            top_levels: (0..MAX_ENTRIES as u64 + 2).map(placed).collect(),
            ..Default::default()
        };
        c.bound();
        assert_eq!(c.top_levels.len(), MAX_ENTRIES);
        assert_eq!(c.top_levels[0].window, WindowId(2), "the bottom two went");
    }
}
