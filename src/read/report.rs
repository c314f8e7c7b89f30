//! What reading a message found, as data: whether it was encrypted and its integrity held,
//! the signature verdict, which parts were protected, the text and attachments. The CLI
//! prints it and `--json` serialises it; nothing here decides anything.

use serde::Serialize;

/// Whether the integrity of the encrypted data was confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Integrity {
    /// Encrypted and the MDC/AEAD check passed.
    Ok,
    /// Not encrypted: nothing to check.
    None,
    /// The check failed (never reported with plaintext; kept for batch reports).
    Failed,
}

/// The state of the message's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SigStatus {
    /// A valid signature by a known certificate.
    Good,
    /// The signature does not verify (damaged, forged, or over other data).
    Bad,
    /// No signature.
    Missing,
    /// Signed by a key that is not in the store.
    UnknownKey,
    /// Signed by a key that had expired.
    ExpiredKey,
    /// Signed by a revoked key.
    RevokedKey,
    /// The signature verifies and the key carries the From address, but the key is not
    /// accepted for that address: `undecided` or `rejected`, or `unverified` while another key
    /// of the address is `verified` (what Thunderbird shows as "Uncertain Digital
    /// Signature"). Never reported as a good signature from the sender.
    Uncertain,
}

impl SigStatus {
    /// The name in output (`good`, `bad`, `unknown-key`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SigStatus::Good => "good",
            SigStatus::Bad => "bad",
            SigStatus::Missing => "missing",
            SigStatus::UnknownKey => "unknown-key",
            SigStatus::ExpiredKey => "expired-key",
            SigStatus::RevokedKey => "revoked-key",
            SigStatus::Uncertain => "uncertain",
        }
    }

    /// Whether the signature verifies cryptographically (whoever made it).
    pub fn verifies(self) -> bool {
        matches!(self, SigStatus::Good | SigStatus::Uncertain)
    }

    pub(super) fn rank(self) -> u8 {
        match self {
            SigStatus::Good | SigStatus::Uncertain => 5,
            SigStatus::ExpiredKey | SigStatus::RevokedKey => 3,
            SigStatus::UnknownKey => 2,
            SigStatus::Bad => 1,
            SigStatus::Missing => 0,
        }
    }
}

/// How far the signing key is accepted for the From address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyAcceptance {
    /// Its fingerprint was checked with its owner (`key verify`).
    Verified,
    /// Accepted without a fingerprint check (`key import`, `key accept`).
    Unverified,
    /// Found (Autocrypt, WKD, a keyserver), or imported while the address has a verified key,
    /// and not accepted yet.
    Undecided,
    /// Rejected by the user.
    Rejected,
    /// No key of the From address made the signature (no signature, an unknown key, or a key
    /// without that address).
    Unknown,
}

impl KeyAcceptance {
    /// The name in output and config.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyAcceptance::Verified => "verified",
            KeyAcceptance::Unverified => "unverified",
            KeyAcceptance::Undecided => "undecided",
            KeyAcceptance::Rejected => "rejected",
            KeyAcceptance::Unknown => "unknown",
        }
    }
}

impl From<crate::keys::Acceptance> for KeyAcceptance {
    fn from(a: crate::keys::Acceptance) -> Self {
        match a {
            crate::keys::Acceptance::Verified => KeyAcceptance::Verified,
            crate::keys::Acceptance::Unverified => KeyAcceptance::Unverified,
            crate::keys::Acceptance::Undecided => KeyAcceptance::Undecided,
            crate::keys::Acceptance::Rejected => KeyAcceptance::Rejected,
        }
    }
}

/// The signature verdict, bound to the From address: cryptographically good, made by which
/// key, and how far that key is accepted for the sender.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureVerdict {
    /// The state.
    pub status: SigStatus,
    /// The signing certificate's fingerprint, when known.
    pub signer: Option<String>,
    /// The signer's address: the one matching From if the certificate has it, else its first.
    pub signer_email: Option<String>,
    /// Whether the signature verifies and the signer's certificate has a user ID with the From
    /// address (and the sender is not ambiguous).
    pub matches_from: bool,
    /// How far the signing key is accepted for the From address.
    pub acceptance: KeyAcceptance,
    /// Another key of the From address that is `verified`, when the signature was not made
    /// by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_verified_key: Option<String>,
    /// What the signature covers: "the encrypted message", "the signed part inside the
    /// encryption", "the signed part (multipart/signed)", "the inline encrypted block", "the
    /// inline signed block"; empty without a signature.
    pub signed_part: String,
    /// The issuer key ID or fingerprint named in the signature (also for unknown keys).
    pub issuer: Option<String>,
    /// Whether the signature was made within a day of the message's Date header (a signed
    /// message replayed later under a new date fails this).
    pub date_matches: bool,
    /// Whether the signature covers everything the message shows (no unsigned text or parts
    /// beside the signed ones).
    pub covers_all: bool,
}

impl SignatureVerdict {
    /// No signature.
    pub fn missing() -> Self {
        SignatureVerdict {
            status: SigStatus::Missing,
            signer: None,
            signer_email: None,
            matches_from: false,
            acceptance: KeyAcceptance::Unknown,
            other_verified_key: None,
            signed_part: String::new(),
            issuer: None,
            date_matches: true,
            covers_all: false,
        }
    }
}

/// One leaf part of the message.
#[derive(Debug, Clone, Serialize)]
pub struct PartInfo {
    /// Its content type.
    pub content_type: String,
    /// Its file name, if any.
    pub filename: Option<String>,
    /// Whether it was inside the encryption.
    pub encrypted: bool,
    /// Whether it was covered by a good signature.
    pub signed: bool,
}

/// A decoded attachment.
#[derive(Debug, Clone)]
pub struct AttachmentData {
    /// The file name given by the sender (unsanitized; see [`super::save_attachments`]).
    pub filename: String,
    /// Content type.
    pub content_type: String,
    /// Content (empty when it went to a file while streaming; see `file`).
    pub data: Vec<u8>,
    /// Its size in bytes.
    pub size: u64,
    /// A large attachment read while streaming: the hidden temporary file holding it, which
    /// [`super::save_attachments`] renames and which is removed if it is never saved.
    pub file: Option<std::sync::Arc<crate::partial::PartialPath>>,
}

/// Everything sealmail learned about a message.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Whether the shown content was encrypted.
    pub encrypted: bool,
    /// The integrity state.
    pub integrity: Integrity,
    /// The signature verdict.
    pub signature: SignatureVerdict,
    /// The From address in effect (the protected one when there are protected headers).
    pub from: String,
    /// The From header as written (display name and address).
    pub from_display: String,
    /// The address of the outer (unprotected) From header, which mail lists show.
    pub outer_from: String,
    /// The To header in effect.
    pub to: String,
    /// The Cc header in effect.
    pub cc: String,
    /// The Date header.
    pub date: String,
    /// The subject in effect (the protected one when there are protected headers).
    pub subject: String,
    /// Whether protected headers (RFC 9788 or the legacy v1) were found inside the protection.
    pub protected_headers: bool,
    /// The text body of the protected content (or of the message, when unprotected).
    pub body: String,
    /// Every leaf part, with what protected it.
    pub parts: Vec<PartInfo>,
    /// Things the reader should know (e.g. an outer From that differs from the protected one).
    pub warnings: Vec<String>,
    /// The protected inner MIME entity (decrypted or signed content), for `--raw`.
    #[serde(skip)]
    pub inner: Option<Vec<u8>>,
    /// The attachments of the protected content.
    #[serde(skip)]
    pub attachments: Vec<AttachmentData>,
    /// The Date header in effect, as a Unix time.
    #[serde(skip)]
    pub date_unix: Option<i64>,
    /// Good signatures made together with the encryption (over the whole inner entity), kept
    /// so that a decrypted copy stays verifiable.
    #[serde(skip)]
    pub combined_signatures: Vec<sequoia_openpgp::packet::Signature>,
}
