//! What sealmail knows about a certificate beyond the certificate itself: where it came from,
//! when, and how far the user trusts it (acceptance, as Thunderbird has it). One JSON file per
//! fingerprint below `keymeta/`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How far the user trusts a certificate for a correspondent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Acceptance {
    /// Never use it.
    Rejected,
    /// Found (WKD, keyserver, Autocrypt) but not yet accepted.
    Undecided,
    /// Accepted without a check of the fingerprint.
    Unverified,
    /// The fingerprint was checked out of band.
    Verified,
}

impl Acceptance {
    /// The name used in config.toml and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Acceptance::Rejected => "rejected",
            Acceptance::Undecided => "undecided",
            Acceptance::Unverified => "unverified",
            Acceptance::Verified => "verified",
        }
    }
}

impl std::str::FromStr for Acceptance {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "rejected" => Acceptance::Rejected,
            "undecided" => Acceptance::Undecided,
            "unverified" => Acceptance::Unverified,
            "verified" => Acceptance::Verified,
            o => return Err(format!("unknown acceptance level {o:?}")),
        })
    }
}

/// How a fingerprint was verified.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Verification {
    /// Who verified it (the own address, or the user's name).
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
    /// How: phone, in-person, other.
    pub how: String,
}

/// The record of one certificate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyMeta {
    /// Where it came from: `file`, `gpg`, `own`, `wkd:DOMAIN`, `vks:HOST`, `hkps:HOST`,
    /// `autocrypt`.
    pub origin: String,
    /// When it was first stored (RFC 3339).
    pub added: String,
    /// When it was last fetched from its origin (RFC 3339).
    pub refreshed: Option<String>,
    /// The acceptance level.
    pub acceptance: Acceptance,
    /// The out-of-band check, if one was made.
    pub verification: Option<Verification>,
}

pub(crate) struct MetaStore {
    dir: PathBuf,
}

impl MetaStore {
    pub(crate) fn new(dir: PathBuf) -> Self {
        MetaStore { dir }
    }

    fn path(&self, fpr: &str) -> PathBuf {
        self.dir.join(format!("{}.json", fpr.to_ascii_uppercase()))
    }

    pub(crate) fn get(&self, fpr: &str) -> Option<KeyMeta> {
        let b = std::fs::read(self.path(fpr)).ok()?;
        serde_json::from_slice(&b).ok()
    }

    pub(crate) fn put(&self, fpr: &str, m: &KeyMeta) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(m).unwrap_or_default();
        crate::fsutil::write_atomic(&self.path(fpr), &json, true)
    }

    pub(crate) fn remove(&self, fpr: &str) {
        let _ = std::fs::remove_file(self.path(fpr));
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }
}
