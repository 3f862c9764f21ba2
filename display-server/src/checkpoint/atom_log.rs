//! The atom log `display-N.atoms`: every atom interned on the display after the
//! predefined ones, in the order the server made them, so that a restarted server gives
//! each name its old number (protocol.md §6.2).
//!
//! ```text
//! magic[16] "yonder-atoms\0\0\0\0" · version[2] little-endian (1) · records
//! record: atom[4] little-endian · length[2] little-endian · name[length] (UTF-8)
//! ```
//!
//! New atoms are appended (the writer thread does it, within milliseconds of the burst
//! that made them). A server killed in the middle of an append leaves a torn last
//! record: reading stops at the first record that is not whole, and the next server
//! writes the log again from what it read ([`rewrite`]), so appends always follow a
//! whole record.

use super::write_atomically;
use std::io::Write;
use std::path::Path;
use yonder_protocol::Atom;

/// The first bytes of an atom log.
pub const MAGIC: &[u8; 16] = b"yonder-atoms\0\0\0\0";
/// The format's version; a log of another is not read.
pub const VERSION: u16 = 1;

/// What [`read`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Log {
    /// The whole records, in order.
    pub atoms: Vec<(Atom, String)>,
    /// Bytes after the last whole record (a torn append, or damage), ignored.
    pub ignored_bytes: usize,
}

/// The log's header.
fn header() -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&VERSION.to_le_bytes());
    out
}

/// Appends the record of `atom` named `name` to `out`. Names are at most 256 bytes
/// (InternAtom's bound), well within the record's length field.
pub fn encode_record(atom: Atom, name: &str, out: &mut Vec<u8>) {
    let len = u16::try_from(name.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&atom.0.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&name.as_bytes()[..len as usize]);
}

/// The records of a whole log file's `bytes`, at most `max` of them; an error when the
/// header is not ours.
pub fn decode(bytes: &[u8], max: usize) -> Result<Log, String> {
    let Some(mut rest) = bytes.strip_prefix(&header()[..]) else {
        return Err(match bytes.strip_prefix(&MAGIC[..]) {
            Some([a, b, ..]) => format!(
                "it is of version {}, this server reads version {VERSION}",
                u16::from_le_bytes([*a, *b])
            ),
            _ => "it is not a yonder atom log".into(),
        });
    };
    let mut log = Log::default();
    while log.atoms.len() < max {
        let Some((head, tail)) = rest.split_first_chunk::<6>() else {
            break;
        };
        let atom = Atom(u32::from_le_bytes([head[0], head[1], head[2], head[3]]));
        let len = u16::from_le_bytes([head[4], head[5]]) as usize;
        let Some(name) = tail.get(..len) else {
            break;
        };
        let Ok(name) = std::str::from_utf8(name) else {
            break;
        };
        log.atoms.push((atom, name.to_owned()));
        rest = &tail[len..];
    }
    log.ignored_bytes = rest.len();
    Ok(log)
}

/// The log in `path`, at most `max` records (an empty one when there is no file).
pub fn read(path: &Path, max: usize) -> Result<Log, String> {
    match std::fs::read(path) {
        Ok(bytes) => decode(&bytes, max),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Log::default()),
        Err(e) => Err(format!("cannot read it: {e}")),
    }
}

/// Writes the whole log anew (atomically, mode 0600) with these atoms.
pub fn rewrite<'a>(
    path: &Path,
    atoms: impl IntoIterator<Item = (Atom, &'a str)>,
) -> std::io::Result<()> {
    let mut out = header();
    for (atom, name) in atoms {
        encode_record(atom, name, &mut out);
    }
    write_atomically(path, &out)
}

/// Appends these atoms' records to the log in `path` (made, with its header, if it
/// does not exist), and flushes them to the disk.
pub fn append(path: &Path, atoms: &[(Atom, String)]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)?;
    let mut out = Vec::new();
    if f.metadata()?.len() == 0 {
        out = header();
    }
    for (atom, name) in atoms {
        encode_record(*atom, name, &mut out);
    }
    f.write_all(&out)?;
    f.sync_data()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_atoms_read_back_and_a_torn_tail_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("display-0.atoms");
        assert_eq!(read(&path, 100).unwrap(), Log::default());
        append(&path, &[(Atom(25), "FIRST".into())]).unwrap();
        append(
            &path,
            &[(Atom(26), "ZWEITE→".into()), (Atom(27), "X".into())],
        )
        .unwrap();
        let log = read(&path, 100).unwrap();
        let names: Vec<_> = log.atoms.iter().map(|(a, n)| (a.0, n.as_str())).collect();
        assert_eq!(names, [(25, "FIRST"), (26, "ZWEITE→"), (27, "X")]);
        assert_eq!(read(&path, 2).unwrap().atoms.len(), 2, "at most max");

        // A torn append: the half record is ignored, and a rewrite drops it.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(&[28, 0, 0, 0, 9, 0, b'H']);
        std::fs::write(&path, &bytes).unwrap();
        let log = read(&path, 100).unwrap();
        assert_eq!((log.atoms.len(), log.ignored_bytes), (3, 7));
        rewrite(&path, log.atoms.iter().map(|(a, n)| (*a, n.as_str()))).unwrap();
        append(&path, &[(Atom(28), "HALF".into())]).unwrap();
        let log = read(&path, 100).unwrap();
        assert_eq!(log.atoms.last().unwrap(), &(Atom(28), "HALF".to_string()));
        assert_eq!(log.ignored_bytes, 0);
    }

    #[test]
    fn a_file_of_another_kind_is_refused() {
        assert!(decode(b"garbage", 10).unwrap_err().contains("not a yonder"));
        let mut v2 = MAGIC.to_vec();
        v2.extend_from_slice(&2u16.to_le_bytes());
        assert!(decode(&v2, 10).unwrap_err().contains("version 2"));
    }
}
