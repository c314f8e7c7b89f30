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

/// A request for the passphrase of a protected secret key, handed to the caller's callback.
#[derive(Debug, Clone)]
pub struct PasswordRequest {
    /// The fingerprint of the certificate whose key is locked.
    pub fingerprint: Fingerprint,
    /// The certificate's first user ID, for the prompt.
    pub userid: String,
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
        }
    }
}

impl Keyring {
    pub(super) fn secret_path(&self, fpr: &Fingerprint) -> PathBuf {
        self.secret_dir.join(format!("{}.pgp", fpr.to_hex()))
    }

    /// Whether the secret key of `fpr` is held.
    pub fn has_secret(&self, fpr: &Fingerprint) -> bool {
        self.secret_path(fpr).exists()
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
}

/// Unlocks the primary key of the secret certificate `tsk`.
pub(crate) fn unlock_primary(
    tsk: &Cert,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
) -> Result<KeyPair, KeyError> {
    let key = tsk
        .primary_key()
        .key()
        .clone()
        .parts_into_secret()
        .map_err(store_err)?;
    unlock(key, tsk, password)
}

/// Unlocks a secret key, asking the callback for a passphrase when it is protected.
pub(crate) fn unlock<R: openpgp::packet::key::KeyRole>(
    key: openpgp::packet::Key<openpgp::packet::key::SecretParts, R>,
    cert: &Cert,
    password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
) -> Result<KeyPair, KeyError> {
    let key = key.role_into_unspecified();
    if !key.has_unencrypted_secret() {
        let req = PasswordRequest::for_cert(cert);
        let locked = || KeyError::Locked {
            fingerprint: cert.fingerprint().to_hex(),
        };
        let pw = password(&req).ok_or_else(locked)?;
        let k = key.decrypt_secret(&pw).map_err(|_| locked())?;
        return k.into_keypair().map_err(store_err);
    }
    key.into_keypair().map_err(store_err)
}
