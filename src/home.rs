//! The sealmail home: one folder that holds everything sealmail keeps, and the one place
//! where the paths below it are named.
//!
//! Layout (all below the home):
//! - `config.toml`: the configuration ([`crate::config`]);
//! - `certs/`: a shared OpenPGP certificate directory (pgp-cert-d), readable by `sq`;
//! - `secret/`: own secret keys, one transferable secret key per file, named by fingerprint;
//! - `revocations/`: a revocation certificate for each own key, `FPR.rev`, made with it;
//! - `index/`: the key store's lookup index (addresses and key IDs to fingerprints);
//! - `keymeta/`: per-certificate records (origin, acceptance, verification);
//! - `autocrypt/`: the Autocrypt state of each peer;
//! - `contractors.json`: contractors and their contracts;
//! - `outbox/queue`, `outbox/failed`, `sent/`: mail waiting to be sent, mail that could not be
//!   sent, and sent copies (a Maildir), only ever ciphertext.
//!
//! No signature-verification result is ever kept here: anyone who can write the home could
//! plant one.

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

    /// `config.toml`.
    pub fn config_file(&self) -> PathBuf {
        self.root.join("config.toml")
    }

    /// The shared certificate directory (pgp-cert-d).
    pub fn certs_dir(&self) -> PathBuf {
        self.root.join("certs")
    }

    /// The own secret keys.
    pub fn secret_dir(&self) -> PathBuf {
        self.root.join("secret")
    }

    /// Revocation certificates of the own keys, made with each key (as gpg's
    /// openpgp-revocs.d).
    pub fn revocations_dir(&self) -> PathBuf {
        self.root.join("revocations")
    }

    /// The key store's lookup index.
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// The per-certificate records.
    pub fn keymeta_dir(&self) -> PathBuf {
        self.root.join("keymeta")
    }

    /// The Autocrypt peer states.
    pub fn autocrypt_dir(&self) -> PathBuf {
        self.root.join("autocrypt")
    }

    /// The contractors list.
    pub fn contractors_file(&self) -> PathBuf {
        self.root.join("contractors.json")
    }

    /// Queued messages.
    pub fn queue_dir(&self) -> PathBuf {
        self.root.join("outbox/queue")
    }

    /// Messages that could not be sent.
    pub fn failed_dir(&self) -> PathBuf {
        self.root.join("outbox/failed")
    }

    /// The sent copies (a Maildir).
    pub fn sent_dir(&self) -> PathBuf {
        self.root.join("sent")
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
