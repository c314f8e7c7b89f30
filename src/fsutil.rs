//! File writes that replace a file whole: temporary file in the same folder, atomic rename;
//! durable ones fsync the file and the folder too.

use std::io::Write;
use std::path::Path;

/// Writes `data` to `path` so that a crash leaves either the old or the new content; with
/// `private`, the file is readable by the user only.
pub(crate) fn write_atomic(path: &Path, data: &[u8], private: bool) -> std::io::Result<()> {
    replace(path, data, private, true)
}

/// Replaces `path` with `data` (readable by the user only) so that readers see the old or the
/// new content, without waiting for the disk: for caches, whose loss costs only time.
pub(crate) fn write_replace(path: &Path, data: &[u8]) -> std::io::Result<()> {
    replace(path, data, true, false)
}

/// A temporary file in the same folder, renamed over `path`; with `durable`, the file and the
/// folder are synced too.
fn replace(path: &Path, data: &[u8], private: bool, durable: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    #[cfg(unix)]
    if !private {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    let _ = private;
    tmp.write_all(data)?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    if durable {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Makes a rename or removal in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}
