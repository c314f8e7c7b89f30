//! The key store: public certificates in a pgp-cert-d (shared with `sq`), own secret keys
//! as files below `secret/`, a record per certificate. This file holds the store itself:
//! opening it, reading and writing certificates, records, import, export and removal. The
//! lookup index is in `index.rs`, the secret keys in `secret.rs`, recipient resolution in
//! `resolve.rs` and the summaries `key list` shows in `info.rs`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use openpgp_cert_d::{CertD, MergeResult};
use sequoia_openpgp as openpgp;

use openpgp::cert::prelude::*;
use openpgp::parse::Parse;
use openpgp::serialize::{Serialize, SerializeInto};
use openpgp::{Cert, Fingerprint};
use serde::Serialize as SerdeSerialize;
use zeroize::Zeroizing;

use super::meta::{Acceptance, KeyMeta, MetaStore, Verification};
use super::select::RecipientKey;
use super::{cert_emails, normalize_email, store_err, KeyError};

/// One certificate taken in by [`Keyring::import`].
#[derive(Debug, Clone, SerdeSerialize)]
pub struct Imported {
    /// Fingerprint.
    pub fingerprint: String,
    /// E-mail addresses.
    pub emails: Vec<String>,
    /// Whether secret key material was imported.
    pub secret: bool,
    /// Its acceptance after the import (a known key keeps the one it had).
    pub acceptance: Acceptance,
    /// A `verified` key another of the same address already has; a new key then stays
    /// `undecided` until the user accepts or verifies it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_other: Option<String>,
}

/// The key store below a sealmail home.
///
/// Lookups by address and key ID go through a small index of files (`index/`), written on
/// import, and read only the certificates they name, so a lookup costs the same with 10,000
/// certificates as with two. The whole cert-d is read only to list it, or when the index has
/// no answer and may not know every certificate (another program such as `sq` changed the
/// cert-d since the index last covered it; see `index/complete`).
pub struct Keyring {
    pub(super) certd: CertD,
    pub(super) certs_dir: PathBuf,
    pub(super) index_dir: PathBuf,
    /// Recipients already resolved in this run (the CLI checks them before compose does).
    pub(super) resolved: std::sync::Mutex<Vec<(String, SystemTime, RecipientKey)>>,
    /// Certificates read in this run, by fingerprint: a batch meets the same signers again
    /// and again, and a parsed certificate keeps its checked self-signatures.
    pub(super) read: std::sync::Mutex<std::collections::HashMap<Fingerprint, Cert>>,
    /// The own secret certificates, once read in this run.
    pub(super) secrets: std::sync::Mutex<Option<Vec<Cert>>>,
    pub(super) secret_dir: PathBuf,
    pub(super) revocations_dir: PathBuf,
    pub(super) meta: MetaStore,
    pub(super) autocrypt_dir: PathBuf,
    pub(super) accepted: Vec<Acceptance>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("secret_dir", &self.secret_dir)
            .finish()
    }
}

/// At most this many parsed certificates are kept per run.
const MAX_CACHED: usize = 4096;

/// Parses every certificate in `data` (armored or binary, public or secret, several per input).
pub fn parse_certs(data: &[u8], what: &str) -> Result<Vec<Cert>, KeyError> {
    let parser = CertParser::from_bytes(data).map_err(|e| KeyError::Malformed {
        what: what.into(),
        reason: e.to_string(),
    })?;
    let mut certs = Vec::new();
    for c in parser {
        match c {
            Ok(c) => certs.push(c),
            Err(e) => {
                if certs.is_empty() {
                    return Err(KeyError::Malformed {
                        what: what.into(),
                        reason: e.to_string(),
                    });
                }
            }
        }
    }
    if certs.is_empty() {
        return Err(KeyError::NoCertificates { what: what.into() });
    }
    Ok(certs)
}

impl Keyring {
    /// Opens the key store of `home` (certificates, secret keys, index, records, Autocrypt
    /// states), creating it if needed.
    pub fn open(home: &crate::Home) -> Result<Self, KeyError> {
        let certs = home.certs_dir();
        let secret_dir = home.secret_dir();
        crate::home::create_private_dir(&secret_dir)?;
        std::fs::create_dir_all(&certs)?;
        let index_dir = home.index_dir();
        std::fs::create_dir_all(&index_dir)?;
        let meta_dir = home.keymeta_dir();
        crate::home::create_private_dir(&meta_dir)?;
        Ok(Keyring {
            certd: CertD::with_base_dir(&certs).map_err(store_err)?,
            certs_dir: certs,
            index_dir,
            resolved: Default::default(),
            read: Default::default(),
            secrets: Default::default(),
            secret_dir,
            revocations_dir: home.revocations_dir(),
            meta: MetaStore::new(meta_dir),
            autocrypt_dir: home.autocrypt_dir(),
            accepted: vec![Acceptance::Unverified, Acceptance::Verified],
        })
    }

    /// Sets which acceptance levels may receive mail (config `[keys] accept`; default
    /// unverified and verified).
    pub fn set_accepted_levels(&mut self, levels: Vec<Acceptance>) {
        self.accepted = levels;
    }

    /// The record of a certificate. A certificate without one (put in the store by another
    /// program) counts as imported on purpose: origin `file`, `unverified`.
    pub fn meta(&self, fpr: &Fingerprint) -> KeyMeta {
        self.meta.get(&fpr.to_hex()).unwrap_or_else(|| KeyMeta {
            origin: "file".into(),
            added: String::new(),
            refreshed: None,
            acceptance: Acceptance::Unverified,
            verification: None,
        })
    }

    /// Sets the acceptance of `fpr` (and, for `verified`, how it was checked).
    pub fn set_acceptance(
        &self,
        fpr: &Fingerprint,
        level: Acceptance,
        verification: Option<Verification>,
    ) -> Result<(), KeyError> {
        let mut m = self.meta(fpr);
        m.acceptance = level;
        if verification.is_some() || level != Acceptance::Verified {
            m.verification = verification;
        }
        self.forget();
        self.meta.put(&fpr.to_hex(), &m)?;
        Ok(())
    }

    /// Records where `fpr` came from: a new record with `acceptance`, or, for a certificate
    /// already known, only the refresh time (its acceptance is the user's and stays).
    pub(super) fn record(
        &self,
        fpr: &Fingerprint,
        origin: &str,
        acceptance: Acceptance,
        now: SystemTime,
    ) -> Result<(), KeyError> {
        let network = origin.contains(':') || origin == "autocrypt";
        let m = match self.meta.get(&fpr.to_hex()) {
            Some(mut m) => {
                if network {
                    m.refreshed = Some(rfc3339(now));
                }
                m
            }
            None => KeyMeta {
                origin: origin.to_string(),
                added: rfc3339(now),
                refreshed: network.then(|| rfc3339(now)),
                acceptance,
                verification: None,
            },
        };
        self.forget();
        self.meta.put(&fpr.to_hex(), &m)?;
        Ok(())
    }

    /// The folder of the key records.
    pub fn meta_dir(&self) -> &Path {
        self.meta.dir()
    }

    /// The folder of the Autocrypt peer states.
    pub fn autocrypt_dir(&self) -> &Path {
        &self.autocrypt_dir
    }

    /// The folder of the shared certificate directory (for `sq --cert-store`).
    pub fn certd_path(&self) -> PathBuf {
        self.certs_dir.clone()
    }

    /// Where the cert-d keeps the certificate `fpr` (pgp-cert-d layout: the first two hex
    /// digits name a folder).
    pub(super) fn cert_path(&self, fpr: &Fingerprint) -> PathBuf {
        let hex = fpr.to_hex().to_ascii_lowercase();
        self.certs_dir.join(&hex[..2]).join(&hex[2..])
    }

    /// Reads the certificate `fpr` straight from the cert-d, if it is there (once per run).
    pub(super) fn read_cert(&self, fpr: &Fingerprint) -> Option<Cert> {
        if let Some(c) = self.read.lock().ok().and_then(|m| m.get(fpr).cloned()) {
            return Some(c);
        }
        let b = std::fs::read(self.cert_path(fpr)).ok()?;
        let cert = Cert::from_bytes(&b).ok()?;
        if let Ok(mut m) = self.read.lock() {
            if m.len() >= MAX_CACHED {
                m.clear();
            }
            m.insert(fpr.clone(), cert.clone());
        }
        Some(cert)
    }

    /// Stores a certificate: the public part in the cert-d (merged with what is there), the
    /// secret part, if any, in `secret/`.
    pub(super) fn store_cert(&self, cert: Cert) -> Result<Imported, KeyError> {
        self.forget();
        let secret = cert.is_tsk();
        if secret {
            let path = self.secret_path(&cert.fingerprint());
            let merged = match std::fs::read(&path) {
                Ok(old) => Cert::from_bytes(&old)
                    .and_then(|old| old.merge_public_and_secret(cert.clone()))
                    .map_err(store_err)?,
                Err(_) => cert.clone(),
            };
            let bytes = Zeroizing::new(merged.as_tsk().to_vec().map_err(store_err)?);
            write_private(&path, &bytes)?;
        }
        let info = Imported {
            fingerprint: cert.fingerprint().to_hex(),
            emails: cert_emails(&cert),
            secret,
            acceptance: Acceptance::Undecided,
            verified_other: None,
        };
        let public = cert.strip_secret_key_material();
        self.index_cert(&public)?;
        // Under the cert-d's lock (which `sq` takes too): if the index covered the whole
        // cert-d before this import, it still does after it.
        let complete = std::cell::Cell::new(false);
        self.certd
            .insert_extended(
                &public.fingerprint().to_hex().to_ascii_lowercase(),
                public,
                false,
                |public| {
                    complete.set(self.index_is_complete());
                    Ok(public)
                },
                |public, old| {
                    // A damaged copy on disk is replaced; merging keeps every signature of both.
                    let merged = match old.and_then(|o| Cert::from_bytes(o).ok()) {
                        Some(old) => old.merge_public(public).map_err(boxed)?,
                        None => public,
                    };
                    Ok(MergeResult::Data(merged.to_vec().map_err(boxed)?))
                },
                |r| {
                    if complete.get() {
                        self.mark_index_complete(self.certd.tag());
                    }
                    Ok(r)
                },
            )
            .map_err(store_err)?;
        self.forget();
        Ok(info)
    }

    /// Imports every certificate in `data` as imported on purpose (origin `file`,
    /// `unverified`); `what` names the input in errors.
    pub fn import(&self, data: &[u8], what: &str) -> Result<Vec<Imported>, KeyError> {
        self.import_as(
            data,
            what,
            "file",
            Acceptance::Unverified,
            SystemTime::now(),
        )
    }

    /// Imports every certificate in `data`, recording `origin`; new certificates get
    /// `acceptance` (own secret keys: `verified`), known ones keep theirs.
    pub fn import_as(
        &self,
        data: &[u8],
        what: &str,
        origin: &str,
        acceptance: Acceptance,
        now: SystemTime,
    ) -> Result<Vec<Imported>, KeyError> {
        let certs = match parse_certs(data, what) {
            Ok(c) => c,
            // A bare revocation certificate (as `key generate` keeps, or gpg's
            // openpgp-revocs.d): applied to the key it revokes.
            Err(e) => return self.import_revocation(data).ok_or(e)?,
        };
        certs
            .into_iter()
            .map(|c| self.store_as(c, origin, acceptance, now))
            .collect()
    }

    /// Applies a revocation certificate in `data` to the key in the store it was made for;
    /// `None` when `data` is no such thing.
    fn import_revocation(&self, data: &[u8]) -> Option<Result<Vec<Imported>, KeyError>> {
        use openpgp::types::SignatureType;
        let pile = openpgp::PacketPile::from_bytes(data).ok()?;
        let sigs: Vec<openpgp::packet::Signature> = pile
            .into_children()
            .map(|p| match p {
                openpgp::Packet::Signature(s) if s.typ() == SignatureType::KeyRevocation => Some(s),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let mut done = Vec::new();
        for sig in sigs {
            let issuer = sig.get_issuers().first()?.to_hex();
            let cert = match self.find(&issuer) {
                Ok(mut c) if c.len() == 1 => c.remove(0),
                _ => return Some(Err(KeyError::NotFound { query: issuer })),
            };
            // The signature must really be the key's own revocation.
            let key = cert.primary_key().key();
            if sig.clone().verify_primary_key_revocation(key, key).is_err() {
                return None;
            }
            let merged = match cert.insert_packets(Some(sig)) {
                Ok((c, _)) => c,
                Err(e) => return Some(Err(store_err(e))),
            };
            let fpr = merged.fingerprint();
            match self.store_cert(merged) {
                Ok(mut i) => {
                    i.acceptance = self.meta(&fpr).acceptance;
                    done.push(i);
                }
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(done))
    }

    /// Stores one certificate with its record.
    pub fn store_as(
        &self,
        cert: Cert,
        origin: &str,
        acceptance: Acceptance,
        now: SystemTime,
    ) -> Result<Imported, KeyError> {
        let own = cert.is_tsk();
        let fpr = cert.fingerprint();
        let known = self.meta.get(&fpr.to_hex()).is_some();
        // A new key for an address that already has a verified key gets no standing of its
        // own: whoever can put a key in front of sealmail (an Autocrypt header, a file sent
        // along) must not make mail signed by it read like the verified owner's.
        let verified_other = if own || known {
            None
        } else {
            self.verified_key_for(&cert)
        };
        let mut imported = self.store_cert(cert)?;
        let level = match (own, &verified_other) {
            (true, _) => Acceptance::Verified,
            (false, Some(_)) => acceptance.min(Acceptance::Undecided),
            (false, None) => acceptance,
        };
        self.record(&fpr, if own { "own" } else { origin }, level, now)?;
        imported.acceptance = self.meta(&fpr).acceptance;
        imported.verified_other = verified_other;
        Ok(imported)
    }

    /// A `verified` key, other than `cert`, of one of `cert`'s addresses.
    fn verified_key_for(&self, cert: &Cert) -> Option<String> {
        cert_emails(cert).iter().find_map(|email| {
            let want = normalize_email(email);
            self.find(&want)
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c.fingerprint() != cert.fingerprint())
                .filter(|c| cert_emails(c).iter().any(|e| normalize_email(e) == want))
                .find(|c| self.meta(&c.fingerprint()).acceptance == Acceptance::Verified)
                .map(|c| c.fingerprint().to_hex())
        })
    }

    /// Every certificate in the store.
    pub fn all(&self) -> Result<Vec<Cert>, KeyError> {
        let mut v = Vec::new();
        for entry in self.certd.iter() {
            let (_, _, data) = entry.map_err(store_err)?;
            // A file another program left unreadable is not a certificate; skip it.
            if let Ok(c) = Cert::from_bytes(&data) {
                v.push(c);
            }
        }
        v.sort_by_key(|c| c.fingerprint().to_hex());
        Ok(v)
    }

    /// Exports certificates matching `query` as ASCII armor; with `secret`, the secret keys.
    pub fn export(&self, query: &str, secret: bool) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let certs = self.find(query)?;
        let mut out = Zeroizing::new(Vec::new());
        for c in certs {
            if secret {
                let Some(tsk) = self.secret_cert(&c.fingerprint())? else {
                    if self.is_agent_key(&c.fingerprint()) {
                        return Err(KeyError::InAgent {
                            fingerprint: c.fingerprint().to_hex(),
                        });
                    }
                    return Err(KeyError::NoSigningKey {
                        email: query.to_string(),
                    });
                };
                tsk.as_tsk()
                    .armored()
                    .serialize(&mut *out)
                    .map_err(store_err)?;
            } else {
                c.armored().serialize(&mut *out).map_err(store_err)?;
            }
        }
        Ok(out)
    }

    /// Removes the certificate `fpr` (and its secret key, if held). Returns whether a secret key
    /// was removed.
    pub fn remove(&self, fpr: &str) -> Result<bool, KeyError> {
        self.forget();
        let certs = self.find(fpr)?;
        let mut secret = false;
        for c in certs {
            let f = c.fingerprint();
            std::fs::remove_file(self.cert_path(&f))?;
            self.meta.remove(&f.to_hex());
            let sp = self.secret_path(&f);
            if sp.exists() {
                std::fs::remove_file(sp)?;
                secret = true;
            }
            // gpg-agent keeps its key; only sealmail's reference goes.
            secret |= self.remove_agent_reference(&f)?;
        }
        self.forget();
        Ok(secret)
    }

    /// Forgets the recipients resolved and the certificates read so far (the store changed).
    pub(super) fn forget(&self) {
        if let Ok(mut v) = self.resolved.lock() {
            v.clear();
        }
        if let Ok(mut m) = self.read.lock() {
            m.clear();
        }
        if let Ok(mut s) = self.secrets.lock() {
            *s = None;
        }
    }
}

/// An error from inside the cert-d's insert callbacks, in the cert-d's error type.
pub(super) fn boxed(
    e: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> openpgp_cert_d::Error {
    openpgp_cert_d::Error::Other(e.into())
}

/// Writes `data` to `path` atomically, readable by the user only.
pub(super) fn write_private(path: &Path, data: &[u8]) -> Result<(), KeyError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| KeyError::Io(e.error))?;
    Ok(())
}

pub(super) fn rfc3339(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
