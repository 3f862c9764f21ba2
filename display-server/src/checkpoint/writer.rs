//! The writer thread: every write of the checkpoint's files happens here, so the state
//! thread hands over a [`Checkpoint`] or new atoms (a channel send, never a system call
//! of the disk) and goes on serving.
//!
//! Why a thread of its own and not a task of the runtime: writes block (a flush to the
//! disk can take milliseconds, a busy disk much longer), and one writer keeps them in the
//! order they were handed over, so an older checkpoint never replaces a newer one. When
//! several are waiting it writes only the newest; atoms are never skipped. The state
//! thread decides how often a checkpoint is made (`state::persist`), so the channel holds
//! a few entries at most.

use super::{atom_log, file, Checkpoint, Files};
use std::sync::mpsc;
use yonder_protocol::Atom;

/// What the state thread hands over.
enum Save {
    Checkpoint(Box<Checkpoint>),
    Atoms(Vec<(Atom, String)>),
}

/// The state thread's end of the writer thread. Dropping it (or [`Writer::finish`])
/// lets the thread write what it was given and end.
pub struct Writer {
    tx: Option<mpsc::Sender<Save>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer thread for `files`.
    pub fn spawn(files: Files) -> std::io::Result<Writer> {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("yonder-checkpoint".into())
            .spawn(move || run(&files, &rx))?;
        Ok(Writer {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    /// Has `c` written (replacing the state file).
    pub fn save(&self, c: Checkpoint) {
        self.send(Save::Checkpoint(Box::new(c)));
    }

    /// Has these new atoms appended to the atom log.
    pub fn log_atoms(&self, atoms: Vec<(Atom, String)>) {
        if !atoms.is_empty() {
            self.send(Save::Atoms(atoms));
        }
    }

    fn send(&self, s: Save) {
        if let Some(tx) = &self.tx {
            // The thread ends only when this end is dropped, or after a panic of its own
            // (logged there): nothing more can be saved then.
            let _ = tx.send(s);
        }
    }

    /// Waits until everything handed over is written (at a clean shutdown).
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The thread's loop: take everything waiting, append the atoms, write the newest
/// checkpoint; until the state thread's end is gone.
fn run(files: &Files, rx: &mpsc::Receiver<Save>) {
    let mut failing = false;
    while let Ok(first) = rx.recv() {
        let mut newest = None;
        let mut atoms = Vec::new();
        for s in std::iter::once(first).chain(rx.try_iter()) {
            match s {
                Save::Checkpoint(c) => newest = Some(c),
                Save::Atoms(mut a) => atoms.append(&mut a),
            }
        }
        let mut result = Ok(());
        if !atoms.is_empty() {
            result = atom_log::append(&files.atoms, &atoms)
                .map_err(|e| format!("{}: {e}", files.atoms.display()));
        }
        if let Some(c) = newest {
            let written = file::write(&files.state, &c)
                .map_err(|e| format!("{}: {e}", files.state.display()));
            result = result.and(written);
        }
        // Said once when writing starts failing (a full disk would otherwise log a few
        // times a second), and once when it works again.
        match result {
            Err(e) if !failing => {
                tracing::warn!("cannot write the display's checkpoint: {e}");
                failing = true;
            }
            Ok(()) if failing => {
                tracing::info!("the display's checkpoint is written again");
                failing = false;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::WindowId;

    #[test]
    fn everything_handed_over_is_written_by_the_time_it_finishes() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::beside(&dir.path().join("display-4"));
        let w = Writer::spawn(files.clone()).unwrap();
        for n in 0..20u64 {
            w.log_atoms(vec![(Atom(25 + n as u32), format!("A{n}"))]);
            w.save(Checkpoint {
                focus: WindowId(n),
                ..Default::default()
            });
        }
        w.finish();
        let c = file::read(&files.state).unwrap().unwrap();
        assert_eq!(
            c.focus,
            WindowId(19),
            "the newest checkpoint is the one on disk"
        );
        let log = atom_log::read(&files.atoms, 100).unwrap();
        assert_eq!(log.atoms.len(), 20, "no atom is skipped");
        assert_eq!(log.atoms[19], (Atom(44), "A19".to_string()));
    }
}
