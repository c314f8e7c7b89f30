//! The summary of a certificate as `key list` and `key show` present it: addresses,
//! validity, whether sealmail holds its secret, acceptance, origin and warnings.

use openpgp::types::RevocationStatus;
use openpgp::Cert;
use sequoia_openpgp as openpgp;
use serde::Serialize;

use super::meta::{Acceptance, Verification};
use super::select::check_encryptable;
use super::store::rfc3339;
use super::{cert_emails, KeyError, Keyring};
use crate::Context;

/// A summary of one certificate, as `key list` shows it.
#[derive(Debug, Clone, Serialize)]
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
    /// Where the secret lives: `sealmail`, `gpg-agent` or `card` (none without a secret).
    pub secret_location: Option<super::SecretLocation>,
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

impl Keyring {
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
            secret_location: self.secret_location(&cert.fingerprint()),
            can_encrypt: check.is_ok(),
            problem: check.err().map(|p| p.to_string()),
            algorithm: cert.primary_key().key().pk_algo().to_string(),
            created: rfc3339(cert.primary_key().key().creation_time()),
        }
    }
}
