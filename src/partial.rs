//! Files being written. Every file sealmail writes for the user (a composed message, decrypted
//! attachments, a decrypted copy, a batch's output, a queued message) is first a hidden
//! temporary file (`.sealmail-partial-*`, 0600) in the folder it goes to, and gets its name
//! only when it is complete: a failure or an interrupt never leaves half a file under the real
//! name. Every such file in progress is listed here, so that a program ended by a signal can
//! remove them all first ([`remove_all`]).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tempfile::TempPath;

/// The temporary files in progress. Creating one and listing it happen under the lock, so
/// that [`remove_all`] never misses a file made while it runs.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic while the lock was held leaves the list as it was: still usable.
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// The prefix of every temporary file (`ls -a` shows them; a leftover one is always safe to
/// delete).
pub const PREFIX: &str = ".sealmail-partial-";

/// Removes every temporary file in progress and keeps the list locked, so that no new one
/// is made: for a program about to end (the CLI calls it when a signal arrives).
pub fn remove_all() {
    let mut v = live();
    for p in v.drain(..) {
        let _ = std::fs::remove_file(p);
    }
    std::mem::forget(v);
}

/// A file being written, in the folder it is meant for; removed when dropped unless
/// [`Partial::persist`] gave it its name.
#[derive(Debug)]
pub struct Partial {
    file: File,
    path: PartialPath,
}

/// The path of a [`Partial`] whose file handle went elsewhere (a writer that outlives it); it
/// can be persisted from behind a shared reference, and is removed when the last reference to
/// it is dropped unless it was persisted.
#[derive(Debug)]
pub struct PartialPath {
    path: Mutex<Option<TempPath>>,
    shown: PathBuf,
}

impl Partial {
    /// A new temporary file in `dir`.
    pub fn new_in(dir: &Path) -> io::Result<Self> {
        let mut v = live();
        let (file, path) = tempfile::Builder::new()
            .prefix(PREFIX)
            .tempfile_in(dir)?
            .into_parts();
        v.push(path.to_path_buf());
        Ok(Partial {
            file,
            path: PartialPath {
                shown: path.to_path_buf(),
                path: Mutex::new(Some(path)),
            },
        })
    }

    /// A new temporary file in the folder of `dest`.
    pub fn beside(dest: &Path) -> io::Result<Self> {
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        Self::new_in(dir)
    }

    /// Where it is being written.
    pub fn path(&self) -> &Path {
        self.path.path()
    }

    /// The open file.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// The file handle and the path, apart.
    pub fn into_parts(self) -> (File, PartialPath) {
        (self.file, self.path)
    }

    /// Gives the file its name `dest`; an existing `dest` is replaced only with `overwrite`.
    pub fn persist(self, dest: &Path, overwrite: bool) -> io::Result<()> {
        let (file, path) = self.into_parts();
        drop(file);
        path.persist(dest, overwrite)
    }
}

impl Write for Partial {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl PartialPath {
    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Gives the file its name `dest`; an existing `dest` is replaced only with `overwrite`.
    /// Across file systems it is copied (through a temporary file beside `dest`).
    pub fn persist(&self, dest: &Path, overwrite: bool) -> io::Result<()> {
        let mut slot = self.path.lock().unwrap_or_else(|p| p.into_inner());
        let Some(tmp) = slot.take() else {
            return Err(io::Error::other("the file was already given its name"));
        };
        let mut v = live();
        let r = if overwrite {
            tmp.persist(dest)
        } else {
            tmp.persist_noclobber(dest)
        };
        match r {
            Ok(()) => {
                v.retain(|p| p != &self.shown);
                Ok(())
            }
            Err(e) if e.error.raw_os_error() == Some(18) => {
                // EXDEV: another file system; copy, then rename beside the destination.
                drop(v);
                *slot = Some(e.path);
                let copy = Partial::beside(dest)?;
                std::fs::copy(&self.shown, copy.path())?;
                copy.persist(dest, overwrite)
            }
            Err(e) => {
                *slot = Some(e.path);
                Err(e.error)
            }
        }
    }
}

impl Drop for PartialPath {
    fn drop(&mut self) {
        let taken = self
            .path
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(tmp) = taken {
            let mut v = live();
            v.retain(|p| p != &self.shown);
            // Removed under the lock: remove_all sees it listed or gone, never half.
            drop(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_file_gets_its_name_only_when_persisted_and_never_replaces_by_default() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("out.eml");
        let mut p = Partial::beside(&dest).unwrap();
        p.write_all(b"one").unwrap();
        let tmp = p.path().to_path_buf();
        assert!(tmp
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(PREFIX));
        assert!(!dest.exists());
        p.persist(&dest, false).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"one");
        assert!(!tmp.exists());
        let mut p = Partial::beside(&dest).unwrap();
        p.write_all(b"two").unwrap();
        let tmp = p.path().to_path_buf();
        assert!(p.persist(&dest, false).is_err());
        assert!(!tmp.exists(), "the refused file is removed");
        assert_eq!(std::fs::read(&dest).unwrap(), b"one");
        let mut p = Partial::beside(&dest).unwrap();
        p.write_all(b"three").unwrap();
        p.persist(&dest, true).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"three");
        // Dropped: gone, and no longer listed.
        let p = Partial::new_in(d.path()).unwrap();
        let tmp = p.path().to_path_buf();
        assert!(live().contains(&tmp));
        drop(p);
        assert!(!tmp.exists() && !live().contains(&tmp));
    }
}
