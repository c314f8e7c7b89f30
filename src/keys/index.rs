//! The key store's lookup index: one small file per address (named by a 64-bit FNV-1a hash
//! of it) and per key ID, listing fingerprints, written on import. A lookup reads only the
//! certificates its index file names, so it costs the same with 10,000 certificates as with
//! two. When the index has no answer, `index/complete` decides whether that answer stands: it
//! holds the cert-d's tag as it was when the index last covered every certificate; if the
//! cert-d changed since (another program such as `sq` wrote to it), the whole cert-d is read
//! once and indexed.

use std::io::Write;
use std::path::PathBuf;

use openpgp::{Cert, Fingerprint, KeyHandle};
use sequoia_openpgp as openpgp;

use super::{cert_emails, normalize_email, store_err, KeyError, Keyring};

impl Keyring {
    /// The file that holds the cert-d's tag as it was when the index last covered every
    /// certificate in it.
    pub(super) fn complete_marker(&self) -> PathBuf {
        self.index_dir.join("complete")
    }

    /// Whether the index knows every certificate in the cert-d: the cert-d's tag (which
    /// changes whenever a certificate is added, changed or removed, by sealmail or by `sq`)
    /// is the one recorded after the last full scan or sealmail's own last import.
    pub(super) fn index_is_complete(&self) -> bool {
        std::fs::read_to_string(self.complete_marker())
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
            .is_some_and(|t| t == self.certd.tag().0)
    }

    pub(super) fn mark_index_complete(&self, tag: openpgp_cert_d::Tag) {
        // Best effort: without the marker the next miss scans the cert-d again.
        let _ = crate::fsutil::write_replace(&self.complete_marker(), tag.0.to_string().as_bytes());
    }

    /// The index file of an address (`e-` and its SHA-256) or a key ID (`k-` and the ID).
    pub(super) fn index_file(&self, key: &IndexKey<'_>) -> PathBuf {
        let name = match key {
            // FNV-1a, 64 bits: a file name, not a secret; collisions only merge two lists,
            // and every certificate read is checked for the address anyway.
            IndexKey::Email(e) => format!(
                "e-{:016x}",
                e.bytes().fold(0xcbf29ce484222325u64, |h, b| {
                    (h ^ b as u64).wrapping_mul(0x100000001b3)
                })
            ),
            IndexKey::KeyId(id) => format!("k-{id}"),
        };
        self.index_dir.join(name)
    }

    /// Notes `cert` in the index under its addresses and key IDs.
    pub(super) fn index_cert(&self, cert: &Cert) -> Result<(), KeyError> {
        let fpr = cert.fingerprint().to_hex();
        let emails: Vec<String> = cert_emails(cert)
            .iter()
            .map(|e| normalize_email(e))
            .collect();
        let ids: Vec<String> = cert.keys().map(|k| k.key().keyid().to_hex()).collect();
        let keys = emails
            .iter()
            .map(|e| IndexKey::Email(e))
            .chain(ids.iter().map(|i| IndexKey::KeyId(i)));
        for key in keys {
            let path = self.index_file(&key);
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            if old.lines().any(|l| l == fpr) {
                continue;
            }
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .and_then(|mut f| writeln!(f, "{fpr}"))?;
        }
        Ok(())
    }

    /// The fingerprints the index names under `key`, each once.
    pub(super) fn indexed_fprs(&self, key: &IndexKey<'_>) -> Vec<Fingerprint> {
        let list = std::fs::read_to_string(self.index_file(key)).unwrap_or_default();
        let mut seen = std::collections::BTreeSet::new();
        list.lines()
            .filter(|l| seen.insert(l.to_string()))
            .filter_map(|l| l.parse::<Fingerprint>().ok())
            .collect()
    }

    /// The certificates the index names under `key` that are still in the cert-d.
    pub(super) fn indexed(&self, key: &IndexKey<'_>) -> Vec<Cert> {
        self.indexed_fprs(key)
            .iter()
            .filter_map(|f| self.read_cert(f))
            .collect()
    }

    /// Finds certificates through the index only (no cert-d scan): by primary fingerprint,
    /// by a key's fingerprint or ID, or by address (bound by a user ID).
    pub(super) fn find_indexed(&self, query: &Query) -> Vec<Cert> {
        match query {
            Query::Handle(kh) => {
                if let KeyHandle::Fingerprint(f) = kh {
                    if let Some(c) = self.read_cert(f) {
                        return vec![c];
                    }
                }
                let id = openpgp::KeyID::from(kh.clone()).to_hex();
                self.indexed(&IndexKey::KeyId(&id))
                    .into_iter()
                    .filter(|c| c.keys().any(|k| k.key().key_handle().aliases(kh)))
                    .collect()
            }
            Query::Email(e) => self
                .indexed(&IndexKey::Email(e))
                .into_iter()
                .filter(|c| cert_emails(c).iter().any(|x| normalize_email(x) == *e))
                .collect(),
            Query::None => Vec::new(),
        }
    }

    /// Finds certificates by fingerprint, key ID or e-mail address.
    pub fn find(&self, query: &str) -> Result<Vec<Cert>, KeyError> {
        let q = parse_query(query)?;
        let mut certs = self.find_indexed(&q);
        if certs.is_empty() {
            if let Some(found) = self.find_in_certd(&q)? {
                certs = found;
            }
        }
        if certs.is_empty() {
            return Err(KeyError::NotFound {
                query: query.to_string(),
            });
        }
        Ok(certs)
    }

    /// [`Keyring::find`] through the whole cert-d, for certificates the index does not know
    /// (put there by another program, or by sealmail before the index existed); `None` when
    /// the index knows every certificate, so that its answer stands. Every certificate read is
    /// indexed, and the cert-d's tag recorded, so that the next miss is answered by the index
    /// alone until the cert-d changes.
    pub(super) fn find_in_certd(&self, q: &Query) -> Result<Option<Vec<Cert>>, KeyError> {
        if matches!(q, Query::None) || self.index_is_complete() {
            return Ok(None);
        }
        let tag = self.certd.tag();
        let mut found = Vec::new();
        let mut indexed_all = true;
        for c in self.all()? {
            indexed_all &= self.index_cert(&c).is_ok();
            let hit = match q {
                Query::Handle(kh) => c.keys().any(|k| k.key().key_handle().aliases(kh)),
                Query::Email(e) => cert_emails(&c).iter().any(|x| normalize_email(x) == *e),
                Query::None => false,
            };
            if hit {
                found.push(c);
            }
        }
        if indexed_all {
            self.mark_index_complete(tag);
        }
        Ok(Some(found))
    }
}

/// What an index file is named after.
pub(super) enum IndexKey<'a> {
    /// A normalized address.
    Email(&'a str),
    /// A key ID, hex.
    KeyId(&'a str),
}

/// A parsed lookup.
pub(super) enum Query {
    Handle(KeyHandle),
    Email(String),
    None,
}

pub(super) fn parse_query(query: &str) -> Result<Query, KeyError> {
    let q = query.trim();
    let hex: String = q
        .trim_start_matches("0x")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let is_hex = !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    Ok(
        if is_hex && (hex.len() == 40 || hex.len() == 64 || hex.len() == 16) {
            Query::Handle(hex.parse().map_err(store_err)?)
        } else if q.contains('@') {
            Query::Email(normalize_email(q))
        } else {
            Query::None
        },
    )
}
