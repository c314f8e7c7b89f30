//! Signature checks remembered from one run to the next.
//!
//! Checking the self-signatures of a certificate is a large part of a short command (four
//! Ed25519 checks are 17 % of a compose's instructions), and a one-shot program checks the
//! same ones every time. The OpenPGP library keeps a cache of signatures it verified, keyed
//! on a hash of the signature, the digest it covers and the key; this module keeps that cache
//! in the home (`cache/signatures`, 0600), as gpg keeps its own in the keybox. Only good
//! results are cached, and every policy question (algorithms, expiry, revocation) is still
//! asked each time: the cache only stands in for the arithmetic.
//!
//! Whoever can write the home can already replace certificates there; the file gets the same
//! protection as the key store.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sequoia_openpgp::packet::signature::cache::SignatureVerificationCache as Cache;

/// Octets per entry (the library's opaque value).
const ENTRY: usize = 32;
/// The most entries the file holds and a run loads. Each costs about 30 ns to load on every
/// run (20,000 entries, as an import of 10,000 keys left, added 0.6 ms to a compose); a
/// correspondent's certificate needs three to five.
const MAX_ENTRIES: usize = 2_000;

fn path(home: &Path) -> PathBuf {
    home.join("cache").join("signatures")
}

/// Loads the remembered checks of the home at `home`. A missing or damaged file is no error:
/// the checks are then made again, and [`save`] writes a good file.
///
/// The library restores the entries on a thread of its own; this waits until it is done.
/// Without the wait, a check made before the restore finished was a miss: the run then checked
/// the signature itself and rewrote the file, and a file written before the restore finished
/// lost the entries not used in that run. Repeated decrypts of one mail on a new home took 6.5
/// to 7.8 ms instead of 5.4 (bash's clock, as the benchmark times it) until the file settled,
/// and the file went from 5 entries to 2 on the way.
pub fn load(home: &Path) {
    // A longer file (written before the cap) is read in part; the next save prunes it.
    let mut data = Vec::new();
    let read = std::fs::File::open(path(home))
        .and_then(|f| f.take((MAX_ENTRIES * ENTRY) as u64).read_to_end(&mut data));
    if read.is_err() {
        return;
    }
    if data.is_empty() || data.len() % ENTRY != 0 {
        return;
    }
    let n = data.len() / ENTRY;
    let entries = (0..n).map(move |i| data[i * ENTRY..(i + 1) * ENTRY].to_vec());
    let (done, restored) = std::sync::mpsc::channel();
    Cache::restore(entries, move || {
        let _ = done.send(());
    });
    // An error means the restoring thread ended without finishing: the checks are made again.
    let _ = restored.recv();
}

/// Writes the checks back when this run added any (a temporary file renamed over the old
/// one). At most 2,000 entries are kept: first those this run used, then those it added, then
/// the others, so a full file drops entries no recent run needed.
pub fn save(home: &Path) -> io::Result<()> {
    if Cache::insertions() == 0 {
        return Ok(());
    }
    let all: Vec<_> = Cache::dump().into_iter().collect();
    let used = all.iter().filter(|e| e.accessed());
    let added = all.iter().filter(|e| e.inserted() && !e.accessed());
    let others = all.iter().filter(|e| !e.inserted() && !e.accessed());
    let mut out = Vec::with_capacity(all.len().min(MAX_ENTRIES) * ENTRY);
    for e in used.chain(added).chain(others).take(MAX_ENTRIES) {
        out.extend_from_slice(e.value());
    }
    crate::home::create_private_dir(&home.join("cache"))?;
    crate::fsutil::write_replace(&path(home), &out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remembered_checks_are_in_place_when_load_returns() {
        let home = tempfile::tempdir().unwrap();
        let values: Vec<[u8; ENTRY]> = (0..40u8).map(|i| [i ^ 0xa5; ENTRY]).collect();
        std::fs::create_dir_all(home.path().join("cache")).unwrap();
        std::fs::write(path(home.path()), values.concat()).unwrap();
        load(home.path());
        let held: Vec<Vec<u8>> = Cache::dump()
            .into_iter()
            .map(|e| e.value().to_vec())
            .collect();
        for v in &values {
            assert!(held.contains(&v.to_vec()), "{} of 40 restored", held.len());
        }
    }
}
