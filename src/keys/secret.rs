//! Own secret keys: one transferable secret key per file below `secret/` (0600), read once
//! per run; the signing key of an identity, unlocked with the caller's passphrase callback.

use std::path::PathBuf;

use openpgp::crypto::{KeyPair, Password};
use openpgp::parse::Parse;
use openpgp::{Cert, Fingerprint};
use sequoia_openpgp as openpgp;
use zeroize::Zeroizing;

use super::index::{parse_query, IndexKey, Query};
use super::{cert_emails, normalize_email, store_err, KeyError, Keyring};
use crate::Context;

/// How many times a wrong passphrase is asked for again (as gpg does).
pub const PASSPHRASE_TRIES: u32 = 3;

/// A request for the passphrase of a protected secret key, handed to the caller's callback.
#[derive(Debug, Clone)]
pub struct PasswordRequest {
    /// The fingerprint of the certificate whose key is locked.
    pub fingerprint: Fingerprint,
    /// The certificate's first user ID, for the prompt.
    pub userid: String,
    /// Which try this is: 1, then 2 and 3 after a wrong passphrase.
    pub attempt: u32,
}

impl PasswordRequest {
    /// The request for the secret keys of `cert`.
    pub fn for_cert(cert: &Cert) -> Self {
        PasswordRequest {
            fingerprint: cert.fingerprint(),
            userid: cert
                .userids()
                .next()
                .map(|u| String::from_utf8_lossy(u.userid().value()).into_owned())
                .unwrap_or_default(),
            attempt: 1,
        }
    }
}

/// Something that signs: a sealmail key unlocked in memory, or a key gpg-agent holds.
pub type BoxedSigner = Box<dyn openpgp::crypto::Signer + Send + Sync>;

impl Keyring {
    pub(super) fn secret_path(&self, fpr: &Fingerprint) -> PathBuf {
        self.secret_dir.join(format!("{}.pgp", fpr.to_hex()))
    }

    /// Whether the secret key of `fpr` is held (by sealmail or by gpg-agent).
    pub fn has_secret(&self, fpr: &Fingerprint) -> bool {
        self.secret_path(fpr).exists() || self.is_agent_key(fpr)
    }

    /// The own certificate `fpr`: with its secret keys when sealmail holds them, public when
    /// gpg-agent does.
    pub(crate) fn own_by_fingerprint(&self, fpr: &Fingerprint) -> Result<Option<Cert>, KeyError> {
        match self.secret_cert(fpr)? {
            Some(tsk) => Ok(Some(tsk)),
            None => self.agent_cert(fpr),
        }
    }

    /// A signer for `key` of the own certificate `cert` (as [`Keyring::own_by_fingerprint`]
    /// gives it): unlocked with the callback's passphrase, or gpg-agent's.
    pub(crate) fn key_signer(
        &self,
        cert: &Cert,
        key: &openpgp::packet::Key<
            openpgp::packet::key::PublicParts,
            openpgp::packet::key::UnspecifiedRole,
        >,
        ctx: &Context,
        password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    ) -> Result<BoxedSigner, KeyError> {
        if cert.is_tsk() {
            let secret = cert
                .keys()
                .secret()
                .find(|k| k.key().fingerprint() == key.fingerprint())
                .ok_or_else(|| KeyError::NotOwn {
                    fingerprint: key.fingerprint().to_hex(),
                })?
                .key()
                .clone();
            Ok(Box::new(unlock(secret, cert, password)?))
        } else {
            Ok(Box::new(super::agent::keypair(cert, key, ctx.policy())?))
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
            if let Some(own) = self.own_by_fingerprint(&c.fingerprint())? {
                return Ok(own);
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
    pub(super) fn read_secret_certs(&self) -> Result<Vec<Cert>, KeyError> {
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

    /// The signer of the own identity `email`: its signing key, unlocked with the callback's
    /// passphrase if it is protected, or gpg-agent's when the agent holds it.
    pub fn signer(
        &self,
        email: &str,
        ctx: &Context,
        password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    ) -> Result<(Cert, BoxedSigner), KeyError> {
        let own = self.own_cert(email)?;
        let no_key = || KeyError::NoSigningKey {
            email: email.into(),
        };
        let vc = own
            .with_policy(ctx.policy(), ctx.time())
            .map_err(|_| no_key())?;
        let key = vc
            .keys()
            .alive()
            .revoked(false)
            .for_signing()
            .find(|k| !own.is_tsk() || k.key().has_secret())
            .ok_or_else(no_key)?
            .key()
            .clone()
            .role_into_unspecified();
        let signer = self.key_signer(&own, &key, ctx, password)?;
        Ok((own, signer))
    }
}

/// Unlocks a secret key, asking the callback for a passphrase when it is protected; a wrong
/// one is asked for again, [`PASSPHRASE_TRIES`] times in all.
pub(crate) fn unlock<R: openpgp::packet::key::KeyRole>(
    key: openpgp::packet::Key<openpgp::packet::key::SecretParts, R>,
    cert: &Cert,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
) -> Result<KeyPair, KeyError> {
    let key = key.role_into_unspecified();
    if key.has_unencrypted_secret() {
        return key.into_keypair().map_err(store_err);
    }
    let mut req = PasswordRequest::for_cert(cert);
    let fingerprint = cert.fingerprint().to_hex();
    for attempt in 1..=PASSPHRASE_TRIES {
        req.attempt = attempt;
        let Some(pw) = password(&req) else {
            return Err(if attempt == 1 {
                KeyError::Locked { fingerprint }
            } else {
                KeyError::WrongPassphrase { fingerprint }
            });
        };
        if let Ok(k) = key.clone().decrypt_secret(&pw) {
            return k.into_keypair().map_err(store_err);
        }
    }
    Err(KeyError::WrongPassphrase { fingerprint })
}
