//! The sealmail home: one folder that holds everything sealmail keeps.
//!
//! Layout (all below the home):
//! - `certs/`: a shared OpenPGP certificate directory (pgp-cert-d), readable by `sq`;
//! - `secret/`: own secret keys, one transferable secret key per file, named by fingerprint;
//! - `outbox/`, `sent/`: mail waiting to be sent and sent copies, only ever ciphertext;
//! - no signature-verification result is ever kept on disk (anyone who can write the home
//!   could plant one).

use std::path::{Path, PathBuf};

/// Errors opening the home.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HomeError {
    /// No home was given and no default could be derived from the environment.
    #[error("cannot tell where the sealmail home is: neither SEALMAIL_HOME, XDG_DATA_HOME nor HOME is set")]
    NoDefault,
    /// The home folder could not be created.
    #[error("cannot create the sealmail home {path}: {source}")]
    Create {
        /// The folder that could not be created.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

/// The sealmail home folder and the paths below it.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// The default home: `$XDG_DATA_HOME/sealmail`, else `$HOME/.local/share/sealmail`.
    pub fn default_path() -> Result<PathBuf, HomeError> {
        if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(d).join("sealmail"));
        }
        if let Some(h) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(h).join(".local/share/sealmail"));
        }
        Err(HomeError::NoDefault)
    }

    /// Opens (and creates, with mode 0700, if missing) the home at `root`. A relative `root`
    /// is taken from the working directory and kept absolute: the certificate store lists
    /// nothing under a relative path (`key list` said "no keys yet" with `--home sm`).
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, HomeError> {
        let root = root.into();
        let root = std::path::absolute(&root).unwrap_or(root);
        create_private_dir(&root).map_err(|source| HomeError::Create {
            path: root.clone(),
            source,
        })?;
        Ok(Home { root })
    }

    /// The home folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of the key store (certificates and own secret keys).
    pub fn keys_dir(&self) -> PathBuf {
        self.root.clone()
    }

    /// The outbox folder.
    pub fn outbox_dir(&self) -> PathBuf {
        self.root.join("outbox")
    }
}

/// Creates `dir` and its parents; the last one is private to the user (0700 on Unix).
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}
