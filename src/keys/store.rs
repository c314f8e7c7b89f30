//! The key store: public certificates in a pgp-cert-d (shared with `sq`), own secret keys
//! as files below `secret/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use openpgp_cert_d::{CertD, MergeResult};
use sequoia_openpgp as openpgp;

use openpgp::cert::prelude::*;
use openpgp::crypto::{KeyPair, Password};
use openpgp::parse::Parse;
use openpgp::serialize::{Serialize, SerializeInto};
use openpgp::types::RevocationStatus;
use openpgp::{Cert, Fingerprint, KeyHandle};
use serde::Serialize as SerdeSerialize;
use zeroize::Zeroizing;

use super::meta::{Acceptance, KeyMeta, MetaStore, Verification};
use super::select::{check_encryptable, pick_recipient, RecipientKey};
use super::{cert_emails, normalize_email, store_err, KeyError, KeyProblem};
use crate::Context;

/// A request for the passphrase of a protected secret key, handed to the caller's callback.
#[derive(Debug, Clone)]
pub struct PasswordRequest {
    /// The fingerprint of the certificate whose key is locked.
    pub fingerprint: Fingerprint,
    /// The certificate's first user ID, for the prompt.
    pub userid: String,
}

/// A summary of one certificate, as `key list` shows it.
#[derive(Debug, Clone, SerdeSerialize)]
pub struct KeyInfo {
    /// Fingerprint, upper-case hex.
    pub fingerprint: String,
    /// The e-mail addresses of the user IDs.
    pub emails: Vec<String>,
    /// The user IDs as written.
    pub userids: Vec<String>,
    /// Expiry of the certificate (RFC 3339), if it has one.
    pub expires: Option<String>,
    /// Whether the owner revoked it.
    pub revoked: bool,
    /// Whether sealmail holds the secret key.
    pub secret: bool,
    /// Whether mail can be encrypted to it now.
    pub can_encrypt: bool,
    /// Why not, if it cannot.
    pub problem: Option<String>,
    /// Public-key algorithm of the primary key.
    pub algorithm: String,
    /// Creation time (RFC 3339).
    pub created: String,
    /// Acceptance level: rejected, undecided, unverified, verified.
    pub acceptance: Acceptance,
    /// Where it came from (file, gpg, own, wkd:DOMAIN, vks:HOST, autocrypt).
    pub origin: String,
    /// The out-of-band check of its fingerprint, if one was made.
    pub verification: Option<Verification>,
    /// Warnings: expiring soon, expired, revoked, weak algorithms.
    pub warnings: Vec<String>,
}

/// One certificate taken in by [`Keyring::import`].
#[derive(Debug, Clone, SerdeSerialize)]
pub struct Imported {
    /// Fingerprint.
    pub fingerprint: String,
    /// E-mail addresses.
    pub emails: Vec<String>,
    /// Whether secret key material was imported.
    pub secret: bool,
}

/// The key store below a sealmail home.
///
/// Lookups by address and key ID go through a small index of files (`index/`), written on
/// import, and read only the certificates they name, so a lookup costs the same with 10,000
/// certificates as with two. The whole cert-d is read only to list it, or when the index has
/// no answer and may not know every certificate (another program such as `sq` changed the
/// cert-d since the index last covered it; see `index/complete`).
pub struct Keyring {
    certd: CertD,
    certs_dir: PathBuf,
    index_dir: PathBuf,
    /// Recipients already resolved in this run (the CLI checks them before compose does).
    resolved: std::sync::Mutex<Vec<(String, SystemTime, RecipientKey)>>,
    /// Certificates read in this run, by fingerprint: a batch meets the same signers again
    /// and again, and a parsed certificate keeps its checked self-signatures.
    read: std::sync::Mutex<std::collections::HashMap<Fingerprint, Cert>>,
    /// The own secret certificates, once read in this run.
    secrets: std::sync::Mutex<Option<Vec<Cert>>>,
    secret_dir: PathBuf,
    meta: MetaStore,
    autocrypt_dir: PathBuf,
    accepted: Vec<Acceptance>,
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

fn rfc3339(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

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
    fn record(
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

    /// The file that holds the cert-d's tag as it was when the index last covered every
    /// certificate in it.
    fn complete_marker(&self) -> PathBuf {
        self.index_dir.join("complete")
    }

    /// Whether the index knows every certificate in the cert-d: the cert-d's tag (which
    /// changes whenever a certificate is added, changed or removed, by sealmail or by `sq`)
    /// is the one recorded after the last full scan or sealmail's own last import.
    fn index_is_complete(&self) -> bool {
        std::fs::read_to_string(self.complete_marker())
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
            .is_some_and(|t| t == self.certd.tag().0)
    }

    fn mark_index_complete(&self, tag: openpgp_cert_d::Tag) {
        // Best effort: without the marker the next miss scans the cert-d again.
        let _ = crate::fsutil::write_replace(&self.complete_marker(), tag.0.to_string().as_bytes());
    }

    /// Where the cert-d keeps the certificate `fpr` (pgp-cert-d layout: the first two hex
    /// digits name a folder).
    fn cert_path(&self, fpr: &Fingerprint) -> PathBuf {
        let hex = fpr.to_hex().to_ascii_lowercase();
        self.certs_dir.join(&hex[..2]).join(&hex[2..])
    }

    /// Reads the certificate `fpr` straight from the cert-d, if it is there (once per run).
    fn read_cert(&self, fpr: &Fingerprint) -> Option<Cert> {
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

    /// The index file of an address (`e-` and its SHA-256) or a key ID (`k-` and the ID).
    fn index_file(&self, key: &IndexKey<'_>) -> PathBuf {
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
    fn index_cert(&self, cert: &Cert) -> Result<(), KeyError> {
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
    fn indexed_fprs(&self, key: &IndexKey<'_>) -> Vec<Fingerprint> {
        let list = std::fs::read_to_string(self.index_file(key)).unwrap_or_default();
        let mut seen = std::collections::BTreeSet::new();
        list.lines()
            .filter(|l| seen.insert(l.to_string()))
            .filter_map(|l| l.parse::<Fingerprint>().ok())
            .collect()
    }

    /// The certificates the index names under `key` that are still in the cert-d.
    fn indexed(&self, key: &IndexKey<'_>) -> Vec<Cert> {
        self.indexed_fprs(key)
            .iter()
            .filter_map(|f| self.read_cert(f))
            .collect()
    }

    /// Finds certificates through the index only (no cert-d scan): by primary fingerprint,
    /// by a key's fingerprint or ID, or by address (bound by a user ID).
    fn find_indexed(&self, query: &Query) -> Vec<Cert> {
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

    fn secret_path(&self, fpr: &Fingerprint) -> PathBuf {
        self.secret_dir.join(format!("{}.pgp", fpr.to_hex()))
    }

    /// Whether the secret key of `fpr` is held.
    pub fn has_secret(&self, fpr: &Fingerprint) -> bool {
        self.secret_path(fpr).exists()
    }

    /// Generates an own key (v4, Ed25519 primary and signing subkey, Cv25519 encryption subkey,
    /// advertising SEIPDv1 only so that gpg 2.2 and Thunderbird can use it), stores it and
    /// returns the certificate. With `password`, the secret key material is encrypted with it.
    pub fn generate(
        &self,
        email: &str,
        name: Option<&str>,
        password: Option<Password>,
        ctx: &Context,
    ) -> Result<Cert, KeyError> {
        let uid = match name {
            Some(n) if !n.trim().is_empty() => format!("{} <{}>", n.trim(), email.trim()),
            _ => format!("<{}>", email.trim()),
        };
        let (cert, _rev) = CertBuilder::new()
            .set_cipher_suite(CipherSuite::Cv25519)
            .set_profile(openpgp::Profile::RFC4880)
            .and_then(|b| b.set_features(openpgp::types::Features::empty().set_seipdv1()))
            .map_err(store_err)?
            .set_creation_time(ctx.time() - std::time::Duration::from_secs(60))
            .add_userid(uid)
            .add_signing_subkey()
            .add_subkey(
                openpgp::types::KeyFlags::empty()
                    .set_transport_encryption()
                    .set_storage_encryption(),
                None,
                None,
            )
            .set_password(password)
            .generate()
            .map_err(store_err)?;
        self.store_cert(cert.clone())?;
        self.record(&cert.fingerprint(), "own", Acceptance::Verified, ctx.time())?;
        Ok(cert)
    }

    /// Stores a certificate: the public part in the cert-d (merged with what is there), the
    /// secret part, if any, in `secret/`.
    fn store_cert(&self, cert: Cert) -> Result<Imported, KeyError> {
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
        parse_certs(data, what)?
            .into_iter()
            .map(|c| self.store_as(c, origin, acceptance, now))
            .collect()
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
        let imported = self.store_cert(cert)?;
        let level = if own {
            Acceptance::Verified
        } else {
            acceptance
        };
        self.record(&fpr, if own { "own" } else { origin }, level, now)?;
        Ok(imported)
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

    /// A summary of every certificate, judged under `ctx`.
    pub fn list(&self, ctx: &Context) -> Result<Vec<KeyInfo>, KeyError> {
        Ok(self.all()?.iter().map(|c| self.info(c, ctx)).collect())
    }

    /// A summary of one certificate, judged under `ctx`.
    pub fn info(&self, cert: &Cert, ctx: &Context) -> KeyInfo {
        let vc = cert.with_policy(ctx.policy(), ctx.time()).ok();
        let expires = vc
            .as_ref()
            .and_then(|vc| vc.primary_key().key_expiration_time())
            .map(rfc3339);
        let revoked = matches!(
            cert.revocation_status(ctx.policy(), ctx.time()),
            RevocationStatus::Revoked(_)
        );
        let check = check_encryptable(cert, ctx);
        let meta = self.meta(&cert.fingerprint());
        KeyInfo {
            acceptance: meta.acceptance,
            origin: meta.origin,
            verification: meta.verification,
            warnings: super::select::warnings(cert, ctx),
            fingerprint: cert.fingerprint().to_hex(),
            emails: cert_emails(cert),
            userids: cert
                .userids()
                .map(|u| String::from_utf8_lossy(u.userid().value()).into_owned())
                .collect(),
            expires,
            revoked,
            secret: self.has_secret(&cert.fingerprint()),
            can_encrypt: check.is_ok(),
            problem: check.err().map(|p| p.to_string()),
            algorithm: cert.primary_key().key().pk_algo().to_string(),
            created: rfc3339(cert.primary_key().key().creation_time()),
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
    fn find_in_certd(&self, q: &Query) -> Result<Option<Vec<Cert>>, KeyError> {
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

    /// The certificate to encrypt to for `email`: stops with a [`KeyError::Unusable`] that
    /// names the address and the reason when there is none.
    pub fn recipient(&self, email: &str, ctx: &Context) -> Result<RecipientKey, KeyError> {
        let want = normalize_email(email);
        let known = self.resolved.lock().ok().and_then(|v| {
            v.iter()
                .find(|(e, t, _)| *e == want && *t == ctx.time())
                .map(|(_, _, r)| r.clone())
        });
        if let Some(mut r) = known {
            r.email = email.to_string();
            return Ok(r);
        }
        let r = self.resolve(email, ctx)?;
        if let Ok(mut v) = self.resolved.lock() {
            v.push((want, ctx.time(), r.clone()));
        }
        Ok(r)
    }

    /// Forgets the recipients resolved and the certificates read so far (the store changed).
    fn forget(&self) {
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

    /// [`Keyring::recipient`] without the memo.
    fn resolve(&self, email: &str, ctx: &Context) -> Result<RecipientKey, KeyError> {
        // The index answers the common case; anything short of a usable, accepted key is
        // decided on the whole cert-d (which may hold certificates the index does not know).
        let q = Query::Email(normalize_email(email));
        let fast: Vec<Cert> = self
            .find_indexed(&q)
            .into_iter()
            .filter(|c| {
                self.accepted
                    .contains(&self.meta(&c.fingerprint()).acceptance)
            })
            .collect();
        if !fast.is_empty() {
            if let Ok(r) = pick_recipient(email, fast, ctx) {
                return Ok(r);
            }
        }
        // Not the common case: the index is asked again (its certificates are read once per
        // run) rather than cloning them on the way above.
        let certs = match self.find_in_certd(&q)? {
            Some(found) => found,
            None => self.find_indexed(&q),
        };
        // Keep only certs where the address is bound by a valid user ID.
        let want = normalize_email(email);
        let certs = certs
            .into_iter()
            .filter(|c| cert_emails(c).iter().any(|e| normalize_email(e) == want))
            .collect::<Vec<Cert>>();
        // Only accepted certificates may receive mail; say so when a usable one is not.
        let (accepted, not): (Vec<Cert>, Vec<Cert>) = certs.into_iter().partition(|c| {
            self.accepted
                .contains(&self.meta(&c.fingerprint()).acceptance)
        });
        match pick_recipient(email, accepted, ctx) {
            Ok(r) => Ok(r),
            Err(problem) => {
                if matches!(problem, KeyProblem::Missing) {
                    if let Some(c) = not.iter().find(|c| check_encryptable(c, ctx).is_ok()) {
                        return Err(KeyError::Unusable {
                            email: email.to_string(),
                            problem: KeyProblem::NotAccepted {
                                fingerprint: c.fingerprint().to_hex(),
                                level: self.meta(&c.fingerprint()).acceptance,
                            },
                        });
                    }
                    if let Some(c) = not.first() {
                        if let Err(p) = check_encryptable(c, ctx) {
                            return Err(KeyError::Unusable {
                                email: email.to_string(),
                                problem: p,
                            });
                        }
                    }
                }
                Err(KeyError::Unusable {
                    email: email.to_string(),
                    problem,
                })
            }
        }
    }

    /// The certificate with secret key of the own identity `email`.
    pub fn own_cert(&self, email: &str) -> Result<Cert, KeyError> {
        // The index names the fingerprint, and the secret file holds the whole certificate:
        // the public copy in the cert-d need not be read as well.
        if let Ok(Query::Email(want)) = parse_query(email) {
            for fpr in self.indexed_fprs(&IndexKey::Email(&want)) {
                if let Some(tsk) = self.secret_cert(&fpr)? {
                    if cert_emails(&tsk).iter().any(|e| normalize_email(e) == want) {
                        return Ok(tsk);
                    }
                }
            }
        }
        let certs = self.find(email).unwrap_or_default();
        for c in certs {
            if let Some(tsk) = self.secret_cert(&c.fingerprint())? {
                return Ok(tsk);
            }
        }
        Err(KeyError::NoSigningKey {
            email: email.to_string(),
        })
    }

    /// The stored secret certificate of `fpr`, if any.
    pub fn secret_cert(&self, fpr: &Fingerprint) -> Result<Option<Cert>, KeyError> {
        match std::fs::read(self.secret_path(fpr)) {
            Ok(b) => {
                let b = Zeroizing::new(b);
                Ok(Some(Cert::from_bytes(&b[..]).map_err(store_err)?))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Every own secret certificate (read once per run).
    pub fn secret_certs(&self) -> Result<Vec<Cert>, KeyError> {
        if let Some(v) = self.secrets.lock().ok().and_then(|s| s.clone()) {
            return Ok(v);
        }
        let v = self.read_secret_certs()?;
        if let Ok(mut s) = self.secrets.lock() {
            *s = Some(v.clone());
        }
        Ok(v)
    }

    /// [`Keyring::secret_certs`] from the files.
    fn read_secret_certs(&self) -> Result<Vec<Cert>, KeyError> {
        let mut v = Vec::new();
        for e in std::fs::read_dir(&self.secret_dir)? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "pgp") {
                let b = Zeroizing::new(std::fs::read(&p)?);
                v.push(Cert::from_bytes(&b[..]).map_err(store_err)?);
            }
        }
        Ok(v)
    }

    /// The signing key pair of the own identity `email`, unlocked with the callback's
    /// passphrase if it is protected.
    pub fn signer(
        &self,
        email: &str,
        ctx: &Context,
        password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    ) -> Result<(Cert, KeyPair), KeyError> {
        let tsk = self.own_cert(email)?;
        let vc = tsk
            .with_policy(ctx.policy(), ctx.time())
            .map_err(|_| KeyError::NoSigningKey {
                email: email.into(),
            })?;
        let ka = vc
            .keys()
            .secret()
            .alive()
            .revoked(false)
            .for_signing()
            .next()
            .ok_or_else(|| KeyError::NoSigningKey {
                email: email.into(),
            })?;
        let key = ka.key().clone();
        let pair = unlock(key, &tsk, password)?;
        Ok((tsk.clone(), pair))
    }

    /// Exports certificates matching `query` as ASCII armor; with `secret`, the secret keys.
    pub fn export(&self, query: &str, secret: bool) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let certs = self.find(query)?;
        let mut out = Zeroizing::new(Vec::new());
        for c in certs {
            if secret {
                let Some(tsk) = self.secret_cert(&c.fingerprint())? else {
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
        }
        self.forget();
        Ok(secret)
    }
}

/// What an index file is named after.
enum IndexKey<'a> {
    /// A normalized address.
    Email(&'a str),
    /// A key ID, hex.
    KeyId(&'a str),
}

/// A parsed lookup.
enum Query {
    Handle(KeyHandle),
    Email(String),
    None,
}

fn parse_query(query: &str) -> Result<Query, KeyError> {
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

/// Unlocks a secret key, asking the callback for a passphrase when it is protected.
pub(crate) fn unlock<R: openpgp::packet::key::KeyRole>(
    key: openpgp::packet::Key<openpgp::packet::key::SecretParts, R>,
    cert: &Cert,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
) -> Result<KeyPair, KeyError> {
    let key = key.role_into_unspecified();
    if !key.has_unencrypted_secret() {
        let req = PasswordRequest {
            fingerprint: cert.fingerprint(),
            userid: cert
                .userids()
                .next()
                .map(|u| String::from_utf8_lossy(u.userid().value()).into_owned())
                .unwrap_or_default(),
        };
        let locked = || KeyError::Locked {
            fingerprint: cert.fingerprint().to_hex(),
        };
        let pw = password(&req).ok_or_else(locked)?;
        let k = key.decrypt_secret(&pw).map_err(|_| locked())?;
        return k.into_keypair().map_err(store_err);
    }
    key.into_keypair().map_err(store_err)
}

/// An error from inside the cert-d's insert callbacks, in the cert-d's error type.
fn boxed(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> openpgp_cert_d::Error {
    openpgp_cert_d::Error::Other(e.into())
}

/// Writes `data` to `path` atomically, readable by the user only.
fn write_private(path: &Path, data: &[u8]) -> Result<(), KeyError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| KeyError::Io(e.error))?;
    Ok(())
}
