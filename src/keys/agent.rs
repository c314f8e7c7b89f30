//! Secret keys that GnuPG's gpg-agent holds: the user's GnuPG keys, and keys on a smartcard
//! (a card key is a key the agent holds through a stub). sealmail keeps only a reference, the
//! public certificate in `secret/FPR.agent`; signing and decryption are done by the agent
//! through `sequoia-gpg-agent`, which asks for a passphrase with the agent's pinentry and
//! caches it as the agent is configured to. Nothing secret from the agent is ever written to
//! the home. `GNUPGHOME` picks the agent, as it does for gpg.

use std::path::PathBuf;

use openpgp::packet::key::{PublicParts, UnspecifiedRole};
use openpgp::packet::Key;
use openpgp::parse::Parse;
use openpgp::policy::Policy;
use openpgp::serialize::SerializeInto;
use openpgp::{Cert, Fingerprint};
use sequoia_gpg_agent as gpg_agent;
use sequoia_openpgp as openpgp;
use serde::Serialize;

use super::meta::Acceptance;
use super::store::write_private;
use super::{store_err, Imported, KeyError, Keyring};
use crate::Context;

/// Where the secret part of an own key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretLocation {
    /// In sealmail's home (`secret/FPR.pgp`).
    Sealmail,
    /// With gpg-agent (the user's GnuPG keys).
    GpgAgent,
    /// On a smartcard, through gpg-agent.
    Card,
}

impl SecretLocation {
    /// The name in output.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretLocation::Sealmail => "sealmail",
            SecretLocation::GpgAgent => "gpg-agent",
            SecretLocation::Card => "card",
        }
    }
}

fn agent_err(what: &str) -> impl Fn(gpg_agent::Error) -> KeyError + '_ {
    move |source| KeyError::Agent {
        what: what.into(),
        source: source.into(),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, KeyError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| KeyError::Agent {
            what: "cannot start the agent's client".into(),
            source: e.into(),
        })
}

/// The GnuPG context of the environment (`GNUPGHOME`, else `~/.gnupg`).
fn gnupg() -> Result<gpg_agent::gnupg::Context, KeyError> {
    gpg_agent::gnupg::Context::new().map_err(agent_err("cannot find GnuPG (gpgconf)"))
}

/// Runs `f` with a connection to the agent (started if it is not running).
fn with_agent<T>(
    f: impl AsyncFnOnce(&mut gpg_agent::Agent) -> Result<T, gpg_agent::Error>,
) -> Result<T, KeyError> {
    let ctx = gnupg()?;
    runtime()?.block_on(async {
        let mut agent = gpg_agent::Agent::connect(&ctx)
            .await
            .map_err(agent_err("cannot reach gpg-agent"))?;
        f(&mut agent)
            .await
            .map_err(agent_err("gpg-agent refused the request"))
    })
}

/// A key pair whose secret the agent holds, for signing or decrypting with `key` of `cert`;
/// the agent's pinentry names the certificate.
pub(crate) fn keypair(
    cert: &Cert,
    key: &Key<PublicParts, UnspecifiedRole>,
    policy: &dyn Policy,
) -> Result<gpg_agent::KeyPair, KeyError> {
    // Connecting once starts the agent when it is not running yet.
    with_agent(async |_| Ok(()))?;
    let kp = gpg_agent::KeyPair::new_for_gnupg_context(&gnupg()?, key)
        .map_err(agent_err("cannot reach gpg-agent"))?;
    Ok(match cert.with_policy(policy, None) {
        Ok(vc) => kp.with_cert(&vc),
        Err(_) => kp,
    })
}

impl Keyring {
    fn agent_path(&self, fpr: &Fingerprint) -> PathBuf {
        self.secret_dir.join(format!("{}.agent", fpr.to_hex()))
    }

    /// Whether the secret of own key `fpr` is held by gpg-agent.
    pub fn is_agent_key(&self, fpr: &Fingerprint) -> bool {
        self.agent_path(fpr).exists()
    }

    /// The certificate of the own key `fpr` that gpg-agent holds, if it is one.
    pub fn agent_cert(&self, fpr: &Fingerprint) -> Result<Option<Cert>, KeyError> {
        match std::fs::read(self.agent_path(fpr)) {
            Ok(b) => Ok(Some(Cert::from_bytes(&b).map_err(store_err)?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Every own key whose secret gpg-agent holds.
    pub fn agent_certs(&self) -> Result<Vec<Cert>, KeyError> {
        let mut v = Vec::new();
        for e in std::fs::read_dir(&self.secret_dir)? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "agent") {
                v.push(Cert::from_bytes(&std::fs::read(&p)?).map_err(store_err)?);
            }
        }
        Ok(v)
    }

    /// Writes the reference of the agent-held key `cert`: its public certificate.
    pub(super) fn write_agent_reference(&self, cert: &Cert) -> Result<(), KeyError> {
        let public = cert.clone().strip_secret_key_material();
        write_private(
            &self.agent_path(&cert.fingerprint()),
            &public.to_vec().map_err(store_err)?,
        )
    }

    /// Records `cert` as an own key whose secret gpg-agent holds (only the public certificate
    /// is written); it is `verified`, as every own key is.
    pub fn add_agent_key(
        &self,
        cert: Cert,
        origin: &str,
        ctx: &Context,
    ) -> Result<Imported, KeyError> {
        let public = cert.strip_secret_key_material();
        let fpr = public.fingerprint();
        self.write_agent_reference(&public)?;
        let mut imported = self.store_cert(public)?;
        self.record(&fpr, origin, Acceptance::Verified, ctx.time())?;
        self.set_acceptance(&fpr, Acceptance::Verified, None)?;
        imported.secret = true;
        imported.acceptance = Acceptance::Verified;
        Ok(imported)
    }

    /// Of `certs` (public certificates, e.g. from `gpg --export`), those whose keys gpg-agent
    /// holds a secret for (or a card stub), recorded as own keys; the others are left alone.
    pub fn import_agent_keys(
        &self,
        certs: Vec<Cert>,
        ctx: &Context,
    ) -> Result<Vec<Imported>, KeyError> {
        let keys = with_agent(async |a| a.list_keys().await)?;
        let mut done = Vec::new();
        for cert in certs {
            let held = cert.keys().any(|k| keys.lookup_by_key(k.key()).is_some());
            if held {
                done.push(self.add_agent_key(cert, "gpg-agent", ctx)?);
            }
        }
        Ok(done)
    }

    /// Hands the secret keys of the newly made `tsk` to gpg-agent as they are (protected by
    /// the passphrase they were made with, which the agent's pinentry asks for when a key is
    /// used) and records the key as an own key held there. The secret never touches
    /// sealmail's home.
    pub fn move_to_agent(&self, tsk: Cert, ctx: &Context) -> Result<Imported, KeyError> {
        let policy = ctx.policy();
        let keys: Vec<_> = tsk
            .keys()
            .secret()
            .map(|k| k.key().clone().role_into_unspecified())
            .collect();
        with_agent(async |a| {
            for k in &keys {
                a.import(policy, &tsk, k, true, false).await?;
            }
            Ok(())
        })?;
        self.add_agent_key(tsk, "own", ctx)
    }

    /// Where the secret of the own key `fpr` lives; `None` when there is none. A key of
    /// gpg-agent is `card` when the agent reports a smartcard for one of its keys.
    pub fn secret_location(&self, fpr: &Fingerprint) -> Option<SecretLocation> {
        if self.secret_path(fpr).exists() {
            return Some(SecretLocation::Sealmail);
        }
        let cert = self.agent_cert(fpr).ok()??;
        let on_card = with_agent(async |a| a.list_keys().await)
            .map(|list| {
                cert.keys().any(|k| {
                    list.lookup_by_key(k.key())
                        .is_some_and(|i| i.keytype() == gpg_agent::keyinfo::KeyType::Smartcard)
                })
            })
            .unwrap_or(false);
        Some(if on_card {
            SecretLocation::Card
        } else {
            SecretLocation::GpgAgent
        })
    }

    /// Forgets that gpg-agent holds the secret of `fpr` (the agent keeps its key).
    pub(super) fn remove_agent_reference(&self, fpr: &Fingerprint) -> std::io::Result<bool> {
        match std::fs::remove_file(self.agent_path(fpr)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }
}
