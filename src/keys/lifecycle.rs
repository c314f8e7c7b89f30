//! The life of an own key: made with an expiry and a revocation certificate kept beside it
//! (`revocations/FPR.rev`, as gpg keeps openpgp-revocs.d), its expiry moved, its passphrase
//! changed, and revoked. Every change is a new self-signature made with the secret key, so the
//! certificate others hold learns it from `key publish` or a keyserver.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use openpgp::cert::prelude::*;
use openpgp::crypto::Password;
use openpgp::packet::signature::SignatureBuilder;
use openpgp::packet::Packet;
use openpgp::serialize::Serialize;
use openpgp::types::{ReasonForRevocation, SignatureType};
use openpgp::{Cert, Fingerprint};
use sequoia_openpgp as openpgp;
use zeroize::Zeroizing;

use super::meta::Acceptance;
use super::secret::PasswordRequest;
use super::store::write_private;
use super::{store_err, KeyError, Keyring};
use crate::Context;

/// How long a new key is valid unless the user says otherwise: three years, as gpg proposes
/// (two) and sq makes (three).
pub const DEFAULT_VALIDITY: Duration = Duration::from_secs(3 * 365 * 24 * 3600 + 24 * 3600);

/// Why a key is revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationReason {
    /// The secret key was (or may have been) seen by someone else.
    Compromised,
    /// A new key replaces it.
    Superseded,
    /// It is no longer used.
    Retired,
    /// No reason given.
    Unspecified,
}

impl RevocationReason {
    fn openpgp(self) -> ReasonForRevocation {
        match self {
            RevocationReason::Compromised => ReasonForRevocation::KeyCompromised,
            RevocationReason::Superseded => ReasonForRevocation::KeySuperseded,
            RevocationReason::Retired => ReasonForRevocation::KeyRetired,
            RevocationReason::Unspecified => ReasonForRevocation::Unspecified,
        }
    }
}

/// A new key and its revocation certificate (see [`Keyring::generate`]).
fn make_key(
    email: &str,
    name: Option<&str>,
    password: Option<Password>,
    validity: Option<Duration>,
    ctx: &Context,
) -> Result<(Cert, openpgp::packet::Signature), KeyError> {
    let uid = match name {
        Some(n) if !n.trim().is_empty() => format!("{} <{}>", n.trim(), email.trim()),
        _ => format!("<{}>", email.trim()),
    };
    CertBuilder::new()
        .set_cipher_suite(CipherSuite::Cv25519)
        .set_profile(openpgp::Profile::RFC4880)
        .and_then(|b| b.set_features(openpgp::types::Features::empty().set_seipdv1()))
        .map_err(store_err)?
        .set_creation_time(ctx.time() - Duration::from_secs(60))
        .set_validity_period(validity)
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
        .map_err(store_err)
}

impl Keyring {
    /// Generates an own key (v4, Ed25519 primary and signing subkey, Cv25519 encryption subkey,
    /// advertising SEIPDv1 only so that gpg 2.2 and Thunderbird can use it), valid for
    /// [`DEFAULT_VALIDITY`], stores it with its revocation certificate and returns the
    /// certificate. With `password`, the secret key material is encrypted with it.
    pub fn generate(
        &self,
        email: &str,
        name: Option<&str>,
        password: Option<Password>,
        ctx: &Context,
    ) -> Result<Cert, KeyError> {
        self.generate_valid_for(email, name, password, Some(DEFAULT_VALIDITY), ctx)
    }

    /// [`Keyring::generate`] with a validity period (`None`: the key never expires).
    pub fn generate_valid_for(
        &self,
        email: &str,
        name: Option<&str>,
        password: Option<Password>,
        validity: Option<Duration>,
        ctx: &Context,
    ) -> Result<Cert, KeyError> {
        let (cert, rev) = make_key(email, name, password, validity, ctx)?;
        self.write_revocation(&cert, rev)?;
        self.store_cert(cert.clone())?;
        self.record(&cert.fingerprint(), "own", Acceptance::Verified, ctx.time())?;
        Ok(cert)
    }

    /// [`Keyring::generate_valid_for`] with the secret keys handed to gpg-agent, protected by
    /// `password` (the agent's pinentry asks for it when a key is used); sealmail keeps the
    /// public certificate, a reference, and the revocation certificate.
    pub fn generate_in_agent(
        &self,
        email: &str,
        name: Option<&str>,
        password: Option<Password>,
        validity: Option<Duration>,
        ctx: &Context,
    ) -> Result<Cert, KeyError> {
        let (tsk, rev) = make_key(email, name, password, validity, ctx)?;
        self.write_revocation(&tsk, rev)?;
        self.move_to_agent(tsk.clone(), ctx)?;
        Ok(tsk.strip_secret_key_material())
    }

    /// Where the revocation certificate of the own key `fpr` is kept.
    pub fn revocation_path(&self, fpr: &Fingerprint) -> PathBuf {
        self.revocations_dir.join(format!("{}.rev", fpr.to_hex()))
    }

    /// Writes the revocation certificate `rev` of `cert` (armored, with a note that says what
    /// it is), readable by the user only.
    fn write_revocation(
        &self,
        cert: &Cert,
        rev: openpgp::packet::Signature,
    ) -> Result<(), KeyError> {
        crate::home::create_private_dir(&self.revocations_dir)?;
        let mut out = format!(
            "This is a revocation certificate for the OpenPGP key {}.\n\
             Importing it (sealmail key import, gpg --import) revokes the key for good.\n\
             Keep it where you would keep the key itself; use it if the key is lost or stolen.\n\n",
            cert.fingerprint()
        )
        .into_bytes();
        let mut w = openpgp::armor::Writer::new(&mut out, openpgp::armor::Kind::PublicKey)
            .map_err(store_err)?;
        Packet::from(rev).serialize(&mut w).map_err(store_err)?;
        w.finalize().map_err(store_err)?;
        write_private(&self.revocation_path(&cert.fingerprint()), &out)
    }

    /// The own certificate `fpr` (with its secrets when sealmail holds them), or why there is
    /// none.
    fn own_secret(&self, fpr: &Fingerprint) -> Result<Cert, KeyError> {
        self.own_by_fingerprint(fpr)?
            .ok_or_else(|| KeyError::NotOwn {
                fingerprint: fpr.to_hex(),
            })
    }

    /// Stores a changed own certificate where it came from: whole in `secret/`, or, for a key
    /// gpg-agent holds, its public part in the reference too.
    fn store_own(&self, cert: Cert) -> Result<(), KeyError> {
        if !cert.is_tsk() && self.is_agent_key(&cert.fingerprint()) {
            self.write_agent_reference(&cert)?;
        }
        self.store_cert(cert)?;
        Ok(())
    }

    /// Revokes the own key `fpr` for `reason` (with `message` for people), with its secret
    /// key; returns the revoked certificate.
    pub fn revoke(
        &self,
        fpr: &Fingerprint,
        reason: RevocationReason,
        message: &str,
        ctx: &Context,
        password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    ) -> Result<Cert, KeyError> {
        let tsk = self.own_secret(fpr)?;
        let pk = tsk.primary_key().key().clone().role_into_unspecified();
        let mut signer = self.key_signer(&tsk, &pk, ctx, password)?;
        let sig = CertRevocationBuilder::new()
            .set_signature_creation_time(ctx.time())
            .and_then(|b| b.set_reason_for_revocation(reason.openpgp(), message.as_bytes()))
            .and_then(|b| b.build(&mut signer, &tsk, None))
            .map_err(store_err)?;
        let (tsk, _) = tsk.insert_packets(Some(sig)).map_err(store_err)?;
        self.store_own(tsk.clone())?;
        Ok(tsk.strip_secret_key_material())
    }

    /// Moves the expiry of the own key `fpr` (and its subkeys) to `expiration` (`None`:
    /// never), earlier or later; returns the updated certificate and the time of its new
    /// self-signatures (later than `ctx`'s when the key changed in that same second).
    pub fn set_expiry(
        &self,
        fpr: &Fingerprint,
        expiration: Option<SystemTime>,
        ctx: &Context,
        password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    ) -> Result<(Cert, SystemTime), KeyError> {
        if expiration.is_some_and(|t| t <= ctx.time()) {
            return Err(KeyError::Expiry("the new expiry is in the past".into()));
        }
        let tsk = self.own_secret(fpr)?;
        // One passphrase for the whole key: asked once, then every secret key is unlocked.
        let mut asked: Option<Password> = None;
        let mut once = |req: &PasswordRequest| {
            if asked.is_none() {
                asked = password(req);
            }
            asked.clone()
        };
        let mut primary = self.key_signer(
            &tsk,
            &tsk.primary_key().key().clone().role_into_unspecified(),
            ctx,
            &mut once,
        )?;
        let vc = tsk
            .with_policy(ctx.policy(), ctx.time())
            .map_err(store_err)?;
        // The new self-signatures must be the newest, or another program (gpg) may keep using
        // the old ones: strictly after the last one. When that one is from this very second
        // (a change a moment ago), wait for the next second rather than sign in the future,
        // which no one would use yet.
        let newest = tsk
            .primary_key()
            .self_signatures()
            .chain(tsk.userids().flat_map(|u| u.self_signatures()))
            .chain(tsk.keys().subkeys().flat_map(|k| k.self_signatures()))
            .filter_map(|s| s.signature_creation_time())
            .max();
        // Signature times have whole seconds: the same second is a tie.
        let at = match newest {
            Some(n) if n + Duration::from_secs(1) > ctx.time() => {
                let at = n + Duration::from_secs(1);
                match at.duration_since(SystemTime::now()) {
                    Ok(wait) if wait > Duration::from_secs(2) => {
                        return Err(KeyError::Expiry(
                            "the key's last change is dated in the future (check the clock)".into(),
                        ))
                    }
                    Ok(wait) => std::thread::sleep(wait),
                    Err(_) => {}
                }
                at
            }
            _ => ctx.time(),
        };
        let period = |created: SystemTime| -> Result<Option<Duration>, KeyError> {
            expiration
                .map(|e| {
                    e.duration_since(created)
                        .map_err(|_| KeyError::Expiry("it is before the key was made".into()))
                })
                .transpose()
        };
        let pk = tsk.primary_key().key().clone();
        let for_primary = period(pk.creation_time())?;
        let mut sigs = Vec::new();
        if let Ok(direct) = vc.direct_key_signature() {
            sigs.push(
                SignatureBuilder::from(direct.clone())
                    .set_signature_creation_time(at)
                    .and_then(|b| b.set_key_validity_period(for_primary))
                    .and_then(|b| b.sign_direct_key(&mut primary, None))
                    .map_err(store_err)?,
            );
        }
        let primary_uid = vc.primary_userid().ok().map(|u| u.userid().clone());
        for ua in vc.userids().revoked(false) {
            let is_primary = primary_uid.as_ref() == Some(ua.userid());
            sigs.push(
                SignatureBuilder::from(ua.binding_signature().clone())
                    .set_signature_creation_time(at)
                    .and_then(|b| b.set_key_validity_period(for_primary))
                    .and_then(|b| b.set_primary_userid(is_primary))
                    .and_then(|b| b.sign_userid_binding(&mut primary, &pk, ua.userid()))
                    .map_err(store_err)?,
            );
        }
        for ka in vc.keys().subkeys() {
            let sub = ka.key().clone();
            let mut builder = SignatureBuilder::from(ka.binding_signature().clone())
                .set_signature_creation_time(at)
                .and_then(|b| b.set_key_validity_period(period(sub.creation_time())?))
                .map_err(store_err)?;
            if ka.for_signing() || ka.for_certification() || ka.for_authentication() {
                // A signing subkey confirms its binding with a signature of its own.
                let mut sub_signer =
                    self.key_signer(&tsk, &sub.clone().role_into_unspecified(), ctx, &mut once)?;
                let backsig = SignatureBuilder::new(SignatureType::PrimaryKeyBinding)
                    .set_signature_creation_time(at)
                    .and_then(|b| {
                        b.set_hash_algo(ka.binding_signature().hash_algo())
                            .sign_primary_key_binding(&mut sub_signer, &pk, &sub)
                    })
                    .map_err(store_err)?;
                builder = builder.set_embedded_signature(backsig).map_err(store_err)?;
            }
            sigs.push(
                builder
                    .sign_subkey_binding(&mut primary, &pk, &sub)
                    .map_err(store_err)?,
            );
        }
        let (tsk, _) = tsk.insert_packets(sigs).map_err(store_err)?;
        self.store_own(tsk.clone())?;
        Ok((tsk.strip_secret_key_material(), at))
    }

    /// Sets a new passphrase on every secret key of `fpr` (`None`: stored unprotected), after
    /// unlocking them with the old one from `password`.
    pub fn change_passphrase(
        &self,
        fpr: &Fingerprint,
        new: Option<&Password>,
        password: &mut dyn FnMut(&PasswordRequest) -> Option<Password>,
    ) -> Result<(), KeyError> {
        let tsk = self.own_secret(fpr)?;
        if !tsk.is_tsk() {
            return Err(KeyError::InAgent {
                fingerprint: fpr.to_hex(),
            });
        }
        let mut asked: Option<Password> = None;
        let mut packets: Vec<Packet> = Vec::new();
        for ka in tsk.keys().secret() {
            let mut key = ka.key().clone().role_into_unspecified();
            if !key.has_unencrypted_secret() {
                if asked.is_none() {
                    asked = password(&PasswordRequest::for_cert(&tsk));
                }
                let old = asked.clone().ok_or_else(|| KeyError::Locked {
                    fingerprint: tsk.fingerprint().to_hex(),
                })?;
                key = key.decrypt_secret(&old).map_err(|_| KeyError::Locked {
                    fingerprint: tsk.fingerprint().to_hex(),
                })?;
            }
            if let Some(p) = new {
                key = key.encrypt_secret(p).map_err(store_err)?;
            }
            packets.push(if ka.primary() {
                Packet::from(key.role_into_primary())
            } else {
                Packet::from(key.role_into_subordinate())
            });
        }
        let (tsk, _) = tsk.insert_packets(packets).map_err(store_err)?;
        // Written whole: merging with the file would keep the old protection.
        let bytes = Zeroizing::new(
            openpgp::serialize::SerializeInto::to_vec(&tsk.as_tsk()).map_err(store_err)?,
        );
        write_private(&self.secret_path(fpr), &bytes)?;
        self.forget();
        Ok(())
    }
}
