//! Keys: the local certificate store, own secret keys, and the checks that decide whether a
//! certificate may receive mail.

mod agent;
pub mod autocrypt;
mod index;
mod info;
mod lifecycle;
pub mod lookup;
mod meta;
mod resolve;
mod secret;
mod select;
mod store;
pub mod words;

pub(crate) use agent::keypair as agent_keypair;
pub use agent::SecretLocation;
pub use info::KeyInfo;
pub use lifecycle::{RevocationReason, DEFAULT_VALIDITY};
pub use meta::{Acceptance, KeyMeta, Verification};
pub(crate) use secret::unlock as unlock_key;
pub use secret::{PasswordRequest, PASSPHRASE_TRIES};
pub use select::{encryption_keys, warnings, KeyProblem, RecipientKey};
pub use store::{parse_certs, Imported, Keyring};

use sequoia_openpgp as openpgp;

/// Errors of the key store and of key selection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The input held no OpenPGP certificate.
    #[error("{what} holds no OpenPGP key")]
    NoCertificates {
        /// Where the input came from (a file name or "standard input").
        what: String,
    },
    /// The input could not be parsed as OpenPGP data.
    #[error("{what} is not a readable OpenPGP key: {reason}")]
    Malformed {
        /// Where the input came from.
        what: String,
        /// The parser's reason.
        reason: String,
    },
    /// No key in the store matches the query.
    #[error("no key matches {query:?}")]
    NotFound {
        /// What the user asked for.
        query: String,
    },
    /// A recipient has no key that may be used for encryption.
    #[error("cannot encrypt to {email}: {problem}")]
    Unusable {
        /// The recipient's address.
        email: String,
        /// Why no key of theirs can be used.
        problem: KeyProblem,
    },
    /// The sender has no own secret key that can sign.
    #[error("no own secret key that can sign for {email}")]
    NoSigningKey {
        /// The sender's address.
        email: String,
    },
    /// The secret key is locked and no (or a wrong) passphrase was given.
    #[error("the secret key {fingerprint} is protected and could not be unlocked")]
    Locked {
        /// The key's fingerprint.
        fingerprint: String,
    },
    /// The passphrase was wrong, every time it was asked for.
    #[error("wrong passphrase for the secret key {fingerprint}")]
    WrongPassphrase {
        /// The key's fingerprint.
        fingerprint: String,
    },
    /// The secret of this key is held by gpg-agent, not by sealmail.
    #[error("the secret key {fingerprint} is held by gpg-agent, not by sealmail")]
    InAgent {
        /// The key's fingerprint.
        fingerprint: String,
    },
    /// gpg-agent could not do what was asked.
    #[error("{what}")]
    Agent {
        /// What failed.
        what: String,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The key is not an own key (no secret key for it is held).
    #[error("{fingerprint} is not one of your keys (sealmail holds no secret key for it)")]
    NotOwn {
        /// The key.
        fingerprint: String,
    },
    /// An expiry that cannot be set.
    #[error("cannot set that expiry: {0}")]
    Expiry(String),
    /// The key store on disk failed.
    #[error("the key store failed")]
    Store(#[source] anyhow::Error),
    /// Reading or writing a key file failed.
    #[error("key store: {0}")]
    Io(#[from] std::io::Error),
}

impl KeyError {
    /// What the user can do next, as a command where there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            KeyError::NoCertificates { .. } | KeyError::Malformed { .. } => Some(
                "ask the owner for their public key as an armored file (gpg --export -a EMAIL) and import it with: sealmail key import FILE".into(),
            ),
            KeyError::NotFound { query } => Some(format!(
                "list the keys you have with `sealmail key list`; import one with `sealmail key import FILE` (looked for {query})"
            )),
            KeyError::Unusable { email, problem } => Some(problem.hint(email)),
            KeyError::NoSigningKey { email } => Some(format!(
                "make one with: sealmail key generate --email {email}  (or import yours: sealmail key import SECRET-KEY-FILE)"
            )),
            KeyError::Locked { .. } => Some("give the right passphrase (prompt, or --passphrase-fd N)".into()),
            KeyError::WrongPassphrase { .. } => Some("run the command again and give the right passphrase (with --passphrase-fd N the line it reads); forgotten: sealmail key revoke needs it too, so import the revocation certificate: sealmail key import HOME/revocations/FPR.rev".into()),
            KeyError::InAgent { fingerprint } => Some(format!("use GnuPG for it: gpg --export-secret-keys --armor {fingerprint} (export), gpg --passwd {fingerprint} (passphrase)")),
            KeyError::Agent { .. } => Some("check gpg-agent: gpg-connect-agent /bye; GNUPGHOME selects the GnuPG home it serves".into()),
            KeyError::NotOwn { .. } => Some("list your own keys: sealmail key list (those with a secret key)".into()),
            KeyError::Expiry(_) => Some("give a date in the future (YYYY-MM-DD), a period (2y, 6m, 30d) or never".into()),
            KeyError::Store(_) | KeyError::Io(_) => {
                Some("check that the sealmail home is writable (--home DIR or SEALMAIL_HOME)".into())
            }
        }
    }
}

pub(crate) fn store_err(e: impl Into<anyhow::Error>) -> KeyError {
    KeyError::Store(e.into())
}

/// Normalizes an e-mail address for comparison (trimmed, lower-case).
pub fn normalize_email(e: &str) -> String {
    e.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_lowercase()
}

/// The e-mail addresses of a certificate's user IDs, as written in them.
pub fn cert_emails(cert: &openpgp::Cert) -> Vec<String> {
    let mut v: Vec<String> = cert
        .userids()
        .filter_map(|u| userid_email(u.userid()))
        .collect();
    v.dedup();
    v
}

/// The address of a user ID, as GnuPG reads it: the `addr-spec` inside the final angle
/// brackets of `Name (comment) <addr>`, or the whole user ID when it is just an address.
/// `None` when there is no plausible address (no `@`, blanks or brackets inside it).
///
/// sequoia-openpgp's `UserID::email` parses with a regular expression that is compiled on
/// first use, which costs about as much as the rest of a key lookup.
pub fn userid_email(uid: &openpgp::packet::UserID) -> Option<String> {
    let text = std::str::from_utf8(uid.value()).ok()?.trim();
    let addr = match text.strip_suffix('>') {
        Some(rest) => &rest[rest.rfind('<')? + 1..],
        None if text.contains('<') => return None,
        None => text,
    };
    let (local, domain) = addr.rsplit_once('@')?;
    let bad = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"".contains(c);
    if local.is_empty()
        || domain.is_empty()
        || local.contains('@')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || addr.chars().any(bad)
    {
        return None;
    }
    Some(addr.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(s: &str) -> Option<String> {
        userid_email(&openpgp::packet::UserID::from(s))
    }

    #[test]
    fn userid_addresses_are_read_as_gnupg_reads_them() {
        assert_eq!(
            email("Alice Lovelace <alice@openpgp.example>").as_deref(),
            Some("alice@openpgp.example")
        );
        assert_eq!(
            email("Bob (work) <Bob@Example.org>").as_deref(),
            Some("Bob@Example.org")
        );
        assert_eq!(email("<c@d.example>").as_deref(), Some("c@d.example"));
        assert_eq!(email("c@d.example").as_deref(), Some("c@d.example"));
        assert_eq!(
            email("  dan+tag@x.example  ").as_deref(),
            Some("dan+tag@x.example")
        );
        for no in [
            "Alice Lovelace",
            "alice at example.org",
            "<>",
            "Eve <eve@>",
            "Eve <@example.org>",
            "Eve <eve@@example.org>",
            "Eve <e ve@example.org>",
            "Eve <eve@example.org",
            "Eve <eve@example.org> trailing",
            "a@b@c",
            "",
        ] {
            assert_eq!(email(no), None, "{no:?}");
        }
    }
}
