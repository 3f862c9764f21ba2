//! The trash can, in the freedesktop.org layout (Trash specification 1.0) so other
//! desktops' trash tools see the same items: a trashed file `NAME` lives in
//! `TRASH/files/NAME`, described by `TRASH/info/NAME.trashinfo`:
//!
//! ```text
//! [Trash Info]
//! Path=/home/ann/my%20notes.txt        (percent-encoded, absolute)
//! DeletionDate=2025-01-31T17:05:00     (local time)
//! ```
//!
//! Nothing is ever deleted on the way in: a file is renamed into the trash, or copied and
//! only then deleted when the trash is on another file system. Name clashes get a
//! numbered suffix (`notes.2.txt`); the `.trashinfo` file is created first, exclusively,
//! to reserve the name. Restoring refuses to overwrite. Only [`Trash::empty`] deletes.
//!
//! What the trash looks like on the screen is `ytrash`'s.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use yonder_toolkit::transfer::{percent_decode, percent_encode};

/// `EXDEV`, rename's error across file systems (18 on Linux and the BSDs).
const EXDEV: i32 = 18;

/// One trashed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Its name in `files/` (and of its `.trashinfo`).
    pub name: OsString,
    /// Where it was.
    pub original: PathBuf,
    /// When it was trashed, as written (`YYYY-MM-DDThh:mm:ss`).
    pub deleted: String,
}

/// A trash directory.
#[derive(Debug, Clone)]
pub struct Trash {
    root: PathBuf,
}

impl Trash {
    /// The user's home trash: `$XDG_DATA_HOME/Trash`, else `~/.local/share/Trash`.
    pub fn default_dir() -> Option<PathBuf> {
        let nonempty = |v: &str| std::env::var_os(v).filter(|s| !s.is_empty());
        if let Some(d) = nonempty("XDG_DATA_HOME") {
            return Some(PathBuf::from(d).join("Trash"));
        }
        nonempty("HOME").map(|h| PathBuf::from(h).join(".local/share/Trash"))
    }

    /// Opens the trash at `root`, making it (and `files/`, `info/`) if needed.
    pub fn open(root: impl Into<PathBuf>) -> io::Result<Trash> {
        let root = std::path::absolute(root.into())?;
        fs::create_dir_all(root.join("files"))?;
        fs::create_dir_all(root.join("info"))?;
        Ok(Trash { root })
    }

    /// The trash directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the trashed items themselves are.
    pub fn files_dir(&self) -> PathBuf {
        self.root.join("files")
    }

    fn info_path(&self, name: &OsStr) -> PathBuf {
        let mut n = name.to_os_string();
        n.push(".trashinfo");
        self.root.join("info").join(n)
    }

    /// Moves `path` (a file, directory or link) into the trash; returns its name there.
    pub fn put(&self, path: &Path) -> io::Result<OsString> {
        let path = std::path::absolute(path)?;
        let meta = fs::symlink_metadata(&path)?;
        let base = path.file_name().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "cannot trash a root directory")
        })?;
        if meta.is_dir() {
            let here = fs::canonicalize(&path)?;
            let trash = fs::canonicalize(&self.root)?;
            if trash.starts_with(&here) || here.starts_with(&trash) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the trash cannot take itself or what contains it",
                ));
            }
        } else if fs::canonicalize(path.parent().unwrap_or(&path))?
            .starts_with(fs::canonicalize(&self.root)?)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "already in the trash",
            ));
        }
        let (name, mut info) = self.reserve(base)?;
        let date = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S");
        let text = format!(
            "[Trash Info]\nPath={}\nDeletionDate={date}\n",
            percent_encode(&path)
        );
        let moved = info
            .write_all(text.as_bytes())
            .and_then(|()| info.sync_all())
            .and_then(|()| move_path(&path, &self.files_dir().join(&name)));
        if let Err(e) = moved {
            let _ = fs::remove_file(self.info_path(&name));
            return Err(e);
        }
        Ok(name)
    }

    /// Finds a free name for `base` and creates its `.trashinfo` exclusively.
    fn reserve(&self, base: &OsStr) -> io::Result<(OsString, fs::File)> {
        let bytes = base.as_bytes();
        // "notes.txt" → "notes" + ".txt"; a leading dot is part of the stem.
        let dot = bytes.iter().rposition(|b| *b == b'.').filter(|i| *i > 0);
        let (stem, ext) = bytes.split_at(dot.unwrap_or(bytes.len()));
        for n in 1u32.. {
            let name = if n == 1 {
                base.to_os_string()
            } else {
                OsString::from_vec([stem, format!(".{n}").as_bytes(), ext].concat())
            };
            if fs::symlink_metadata(self.files_dir().join(&name)).is_ok() {
                continue;
            }
            let created = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(self.info_path(&name));
            match created {
                Ok(f) => return Ok((name, f)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        unreachable!("u32 names ran out")
    }

    /// The items in the trash (those with both a `.trashinfo` and a file), oldest first.
    pub fn items(&self) -> io::Result<Vec<Item>> {
        let mut items = Vec::new();
        for entry in fs::read_dir(self.root.join("info"))? {
            let entry = entry?;
            let file = entry.file_name();
            let Some(name) = file.as_bytes().strip_suffix(b".trashinfo") else {
                continue;
            };
            let name = OsStr::from_bytes(name).to_os_string();
            if fs::symlink_metadata(self.files_dir().join(&name)).is_err() {
                continue;
            }
            let Ok(text) = fs::read_to_string(entry.path()) else {
                continue;
            };
            if let Some((original, deleted)) = parse_info(&text) {
                items.push(Item {
                    name,
                    original,
                    deleted,
                });
            }
        }
        items.sort_by(|a, b| (&a.deleted, &a.name).cmp(&(&b.deleted, &b.name)));
        Ok(items)
    }

    /// Puts item `name` back where it was; refuses when something is there now. Returns
    /// the path it went back to.
    pub fn restore(&self, name: &OsStr) -> io::Result<PathBuf> {
        let text = fs::read_to_string(self.info_path(name))?;
        let (original, _) = parse_info(&text)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "unreadable .trashinfo"))?;
        // A relative Path= is relative to the trash's top directory (the spec's rule for
        // trashes on other volumes).
        let original = match original.is_absolute() {
            true => original,
            false => self.root.parent().unwrap_or(&self.root).join(original),
        };
        // Checked, then renamed: another program could slip a file in between, which
        // rename would replace; a desktop trash accepts that window (as gio does).
        if fs::symlink_metadata(&original).is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists; not overwriting it", original.display()),
            ));
        }
        if let Some(parent) = original.parent() {
            fs::create_dir_all(parent)?;
        }
        move_path(&self.files_dir().join(name), &original)?;
        fs::remove_file(self.info_path(name))?;
        Ok(original)
    }

    /// Deletes everything in the trash, for good.
    pub fn empty(&self) -> io::Result<()> {
        for entry in fs::read_dir(self.files_dir())? {
            let entry = entry?;
            remove_path(&entry.path())?;
        }
        for entry in fs::read_dir(self.root.join("info"))? {
            fs::remove_file(entry?.path())?;
        }
        match fs::remove_file(self.root.join("directorysizes")) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Path and DeletionDate of a `.trashinfo` text.
fn parse_info(text: &str) -> Option<(PathBuf, String)> {
    let mut lines = text.lines().map(str::trim);
    lines.find(|l| *l == "[Trash Info]")?;
    let (mut path, mut date) = (None, String::new());
    for l in lines {
        if l.starts_with('[') {
            break;
        }
        if let Some(v) = l.strip_prefix("Path=") {
            path = Some(PathBuf::from(OsString::from_vec(percent_decode(v)?)));
        } else if let Some(v) = l.strip_prefix("DeletionDate=") {
            date = v.to_string();
        }
    }
    Some((path?, date))
}

/// Renames `from` to `to`; across file systems copies everything, then deletes `from`.
fn move_path(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Err(e) if e.raw_os_error() == Some(EXDEV) => {
            if let Err(e) = copy_path(from, to) {
                let _ = remove_path(to);
                return Err(e);
            }
            remove_path(from)
        }
        other => other,
    }
}

/// Copies a file, a link (as a link) or a directory tree.
fn copy_path(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if meta.file_type().is_symlink() {
        std::os::unix::fs::symlink(fs::read_link(from)?, to)
    } else if meta.is_dir() {
        fs::create_dir(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            copy_path(&entry.path(), &to.join(entry.file_name()))?;
        }
        fs::set_permissions(to, meta.permissions())
    } else {
        fs::copy(from, to).map(|_| ())
    }
}

/// Deletes a file, a link (not what it points to) or a directory tree.
fn remove_path(p: &Path) -> io::Result<()> {
    if fs::symlink_metadata(p)?.is_dir() {
        fs::remove_dir_all(p)
    } else {
        fs::remove_file(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, Trash, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let trash = Trash::open(dir.path().join("Trash")).unwrap();
        let home = dir.path().join("home");
        fs::create_dir(&home).unwrap();
        (dir, trash, home)
    }

    #[test]
    fn put_writes_the_freedesktop_layout() {
        let (_d, trash, home) = setup();
        let f = home.join("my notes.txt");
        fs::write(&f, "hello").unwrap();
        let name = trash.put(&f).unwrap();
        assert_eq!(name, "my notes.txt");
        assert!(!f.exists());
        assert_eq!(
            fs::read_to_string(trash.files_dir().join(&name)).unwrap(),
            "hello"
        );
        let info = fs::read_to_string(trash.root().join("info/my notes.txt.trashinfo")).unwrap();
        let mut lines = info.lines();
        assert_eq!(lines.next(), Some("[Trash Info]"));
        let encoded = percent_encode(&f);
        assert!(encoded.ends_with("/home/my%20notes.txt"), "{encoded}");
        assert_eq!(lines.next(), Some(format!("Path={encoded}").as_str()));
        let date = lines.next().unwrap().strip_prefix("DeletionDate=").unwrap();
        assert!(
            chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%S").is_ok(),
            "{date}"
        );
        let items = trash.items().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(
            (items[0].name.as_os_str(), &items[0].original),
            (name.as_os_str(), &f)
        );
    }

    #[test]
    fn clashing_names_get_a_suffix() {
        let (_d, trash, home) = setup();
        let mut names = Vec::new();
        for sub in ["a", "b", "c"] {
            fs::create_dir(home.join(sub)).unwrap();
            let f = home.join(sub).join("notes.txt");
            fs::write(&f, sub).unwrap();
            names.push(trash.put(&f).unwrap());
        }
        assert_eq!(names, ["notes.txt", "notes.2.txt", "notes.3.txt"]);
        fs::write(home.join(".bashrc"), "x").unwrap();
        fs::write(home.join("a/.bashrc"), "y").unwrap();
        trash.put(&home.join(".bashrc")).unwrap();
        assert_eq!(trash.put(&home.join("a/.bashrc")).unwrap(), ".bashrc.2");
        assert_eq!(trash.items().unwrap().len(), 5);
    }

    #[test]
    fn directories_go_in_whole_and_restore() {
        let (_d, trash, home) = setup();
        let dir = home.join("project");
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::write(dir.join("src/main.rs"), "fn main() {}").unwrap();
        let name = trash.put(&dir).unwrap();
        assert!(!dir.exists());
        assert_eq!(trash.restore(&name).unwrap(), dir);
        assert_eq!(
            fs::read_to_string(dir.join("src/main.rs")).unwrap(),
            "fn main() {}"
        );
        assert!(trash.items().unwrap().is_empty());
        assert_eq!(fs::read_dir(trash.root().join("info")).unwrap().count(), 0);
    }

    #[test]
    fn restore_refuses_to_overwrite() {
        let (_d, trash, home) = setup();
        let f = home.join("report.txt");
        fs::write(&f, "old").unwrap();
        let name = trash.put(&f).unwrap();
        fs::write(&f, "new").unwrap();
        let err = trash.restore(&name).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&f).unwrap(), "new");
        assert_eq!(trash.items().unwrap().len(), 1, "still in the trash");
        fs::remove_file(&f).unwrap();
        trash.restore(&name).unwrap();
        assert_eq!(fs::read_to_string(&f).unwrap(), "old");
    }

    #[test]
    fn restore_recreates_missing_parents() {
        let (_d, trash, home) = setup();
        fs::create_dir(home.join("gone")).unwrap();
        let f = home.join("gone/x");
        fs::write(&f, "x").unwrap();
        let name = trash.put(&f).unwrap();
        fs::remove_dir(home.join("gone")).unwrap();
        trash.restore(&name).unwrap();
        assert!(f.exists());
    }

    #[test]
    fn empty_deletes_everything() {
        let (_d, trash, home) = setup();
        fs::create_dir(home.join("d")).unwrap();
        fs::write(home.join("d/inner"), "1").unwrap();
        fs::write(home.join("f"), "2").unwrap();
        trash.put(&home.join("d")).unwrap();
        trash.put(&home.join("f")).unwrap();
        assert_eq!(trash.items().unwrap().len(), 2);
        trash.empty().unwrap();
        assert!(trash.items().unwrap().is_empty());
        assert_eq!(fs::read_dir(trash.files_dir()).unwrap().count(), 0);
    }

    #[test]
    fn the_trash_does_not_swallow_itself() {
        let (d, trash, _home) = setup();
        assert!(trash.put(d.path()).is_err(), "a directory containing it");
        assert!(trash.put(trash.root()).is_err());
        fs::write(trash.files_dir().join("x"), "").unwrap();
        assert!(trash.put(&trash.files_dir().join("x")).is_err());
        assert!(trash.put(Path::new("/")).is_err());
        assert!(trash.put(&d.path().join("missing")).is_err());
    }

    #[test]
    fn copies_keep_links_and_trees() {
        let (d, _trash, home) = setup();
        fs::create_dir_all(home.join("t/sub")).unwrap();
        fs::write(home.join("t/sub/f"), "data").unwrap();
        std::os::unix::fs::symlink("sub/f", home.join("t/link")).unwrap();
        let to = d.path().join("copy");
        copy_path(&home.join("t"), &to).unwrap();
        assert_eq!(fs::read_to_string(to.join("sub/f")).unwrap(), "data");
        assert_eq!(fs::read_link(to.join("link")).unwrap(), Path::new("sub/f"));
        remove_path(&to).unwrap();
        assert!(!to.exists());
    }
}
