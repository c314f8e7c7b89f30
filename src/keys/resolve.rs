//! Which certificate receives mail for an address: the index answers the common case; anything
//! short of a usable, accepted key is decided on the whole cert-d, and the refusal says why
//! (missing, not accepted, expired, revoked, no encryption subkey). Resolved once per run.

use openpgp::Cert;
use sequoia_openpgp as openpgp;

use super::index::Query;
use super::select::{check_encryptable, pick_recipient, RecipientKey};
use super::{cert_emails, normalize_email, KeyError, KeyProblem, Keyring};
use crate::Context;

impl Keyring {
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

    /// [`Keyring::recipient`] without the memo.
    pub(super) fn resolve(&self, email: &str, ctx: &Context) -> Result<RecipientKey, KeyError> {
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
}
