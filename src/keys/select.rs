//! Which key of a certificate may receive mail, and why not.

use std::fmt;
use std::time::SystemTime;

use openpgp::types::RevocationStatus;
use openpgp::Cert;
use sequoia_openpgp as openpgp;

use crate::Context;

/// Why a certificate cannot be used to encrypt to a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// The store has no key for the address.
    Missing,
    /// The certificate expired at the given time.
    Expired(SystemTime),
    /// The certificate was revoked by its owner.
    Revoked,
    /// The certificate has no valid, alive encryption subkey.
    NoEncryptionKey,
    /// The certificate is not valid under the policy (e.g. only SHA-1 self-signatures).
    Invalid(String),
    /// The certificate is fine, but the user has not accepted it (or rejected it).
    NotAccepted {
        /// Its fingerprint.
        fingerprint: String,
        /// Its acceptance level.
        level: super::Acceptance,
    },
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyProblem::Missing => write!(f, "no key for this address in the key store"),
            KeyProblem::Expired(t) => write!(
                f,
                "the key expired on {}",
                chrono::DateTime::<chrono::Utc>::from(*t).format("%Y-%m-%d")
            ),
            KeyProblem::Revoked => write!(f, "the key was revoked by its owner"),
            KeyProblem::NoEncryptionKey => write!(f, "the key has no usable encryption subkey"),
            KeyProblem::Invalid(r) => {
                write!(f, "the key is not valid under sealmail's policy ({r})")
            }
            KeyProblem::NotAccepted { fingerprint, level } => write!(
                f,
                "the key {fingerprint} is {} (not accepted for sending)",
                level.as_str()
            ),
        }
    }
}

impl KeyProblem {
    /// What to do about it.
    pub fn hint(&self, email: &str) -> String {
        match self {
            KeyProblem::Missing => format!(
                "get {email}'s public key (ask them: gpg --export -a {email}) and import it: sealmail key import FILE"
            ),
            KeyProblem::Expired(_) => format!(
                "ask {email} to extend their key's expiry and send it again, then: sealmail key import FILE"
            ),
            KeyProblem::Revoked => format!(
                "the owner withdrew this key; ask {email} for their new key, then: sealmail key import FILE"
            ),
            KeyProblem::NotAccepted { fingerprint, .. } => format!(
                "check the fingerprint with {email} (sealmail key verify {fingerprint}), or accept it unchecked: sealmail key accept {fingerprint}"
            ),
            KeyProblem::NoEncryptionKey | KeyProblem::Invalid(_) => format!(
                "ask {email} for a current key that can encrypt (one with an encryption subkey), then: sealmail key import FILE"
            ),
        }
    }
}

/// A certificate checked for encryption, with the subkeys to encrypt to.
#[derive(Debug, Clone)]
pub struct RecipientKey {
    /// The recipient's address as asked for.
    pub email: String,
    /// The certificate.
    pub cert: Cert,
}

/// The keys of a valid certificate that mail may be encrypted to now: supported, alive, not
/// revoked, with an encryption flag.
pub fn encryption_keys<'a>(
    vc: &openpgp::cert::ValidCert<'a>,
) -> impl Iterator<
    Item = openpgp::cert::amalgamation::key::ValidErasedKeyAmalgamation<
        'a,
        openpgp::packet::key::PublicParts,
    >,
> + 'a {
    vc.keys()
        .supported()
        .alive()
        .revoked(false)
        .for_transport_encryption()
        .for_storage_encryption()
}

/// Checks that `cert` may receive mail now: valid, not revoked, alive, with an encryption key.
pub fn check_encryptable(cert: &Cert, ctx: &Context) -> Result<(), KeyProblem> {
    let vc = cert
        .with_policy(ctx.policy(), ctx.time())
        // A reason in a list of recipients' problems: the whole chain, as text.
        .map_err(|e| KeyProblem::Invalid(format!("{e:#}")))?;
    if let RevocationStatus::Revoked(_) = vc.revocation_status() {
        return Err(KeyProblem::Revoked);
    }
    if vc.alive().is_err() {
        let t = vc
            .primary_key()
            .key_expiration_time()
            .unwrap_or_else(|| ctx.time());
        return Err(KeyProblem::Expired(t));
    }
    let usable = encryption_keys(&vc).next().is_some();
    if usable {
        return Ok(());
    }
    // Was there an encryption subkey that merely expired?
    let expired = vc
        .keys()
        .supported()
        .revoked(false)
        .for_transport_encryption()
        .for_storage_encryption()
        .filter_map(|ka| ka.key_expiration_time())
        .max();
    match expired {
        Some(t) => Err(KeyProblem::Expired(t)),
        None => Err(KeyProblem::NoEncryptionKey),
    }
}

/// Things the user should know about a certificate before relying on it: expiry within 30
/// days, expired, revoked, weak algorithms.
pub fn warnings(cert: &Cert, ctx: &Context) -> Vec<String> {
    use openpgp::types::{HashAlgorithm, PublicKeyAlgorithm};
    let mut w = Vec::new();
    let vc = match cert.with_policy(ctx.policy(), ctx.time()) {
        Ok(vc) => vc,
        Err(e) => {
            // Say why when it is the classic case: self-signatures made with SHA-1 only.
            let mut sigs = cert.userids().flat_map(|u| u.self_signatures()).peekable();
            let sha1_only =
                sigs.peek().is_some() && sigs.all(|s| s.hash_algo() == HashAlgorithm::SHA1);
            if sha1_only {
                w.push("weak: its self-signatures use only SHA-1".into());
            } else {
                w.push(format!("not valid under the policy: {e}"));
            }
            return w;
        }
    };
    if let RevocationStatus::Revoked(_) = vc.revocation_status() {
        w.push("revoked by its owner".into());
    }
    match vc.primary_key().key_expiration_time() {
        Some(t) if t <= ctx.time() => w.push(format!(
            "expired on {}",
            chrono::DateTime::<chrono::Utc>::from(t).format("%Y-%m-%d")
        )),
        Some(t) if t <= ctx.time() + std::time::Duration::from_secs(30 * 86400) => w.push(format!(
            "expires soon, on {}",
            chrono::DateTime::<chrono::Utc>::from(t).format("%Y-%m-%d")
        )),
        _ => {}
    }
    for ka in vc.keys() {
        let k = ka.key();
        #[allow(deprecated)]
        let rsa = matches!(
            k.pk_algo(),
            PublicKeyAlgorithm::RSAEncryptSign
                | PublicKeyAlgorithm::RSAEncrypt
                | PublicKeyAlgorithm::RSASign
        );
        if rsa && k.mpis().bits().unwrap_or(0) < 2048 {
            w.push(format!(
                "weak: {} has an RSA key of {} bits",
                k.keyid(),
                k.mpis().bits().unwrap_or(0)
            ));
        }
    }
    w
}

/// Picks, among `certs` (all claiming `email`), the first one that may receive mail, or
/// explains why none can.
pub fn pick_recipient(
    email: &str,
    certs: Vec<Cert>,
    ctx: &Context,
) -> Result<RecipientKey, KeyProblem> {
    let mut problem = KeyProblem::Missing;
    for cert in certs {
        match check_encryptable(&cert, ctx) {
            Ok(()) => {
                return Ok(RecipientKey {
                    email: email.to_string(),
                    cert,
                })
            }
            Err(p) => {
                if problem == KeyProblem::Missing {
                    problem = p
                }
            }
        }
    }
    Err(problem)
}
