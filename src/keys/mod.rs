//! Keys: the local certificate store, own secret keys, and the checks that decide whether a
//! certificate may receive mail.

pub mod autocrypt;
pub mod lookup;
mod meta;
pub(crate) mod rsa_crt;
mod select;
mod store;
pub mod words;

pub use meta::{Acceptance, KeyMeta, Verification};
pub use select::{encryption_keys, warnings, KeyProblem, RecipientKey};
pub(crate) use store::unlock as unlock_key;
pub use store::{parse_certs, Imported, KeyInfo, Keyring, PasswordRequest};

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
    /// The key store on disk failed.
    #[error("key store: {0}")]
    Store(String),
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
            KeyError::Store(_) | KeyError::Io(_) => {
                Some("check that the sealmail home is writable (--home DIR or SEALMAIL_HOME)".into())
            }
        }
    }
}

pub(crate) fn store_err(e: impl std::fmt::Display) -> KeyError {
    KeyError::Store(e.to_string())
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
        .filter_map(|u| u.userid().email().ok().flatten().map(|e| e.to_string()))
        .collect();
    v.dedup();
    v
}
