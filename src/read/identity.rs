//! Who a message says it is from, and whether a signature binds that sender: the first From
//! header's address, the best signature bound to it, the signature time against the Date
//! header, and the tricks that make the sender ambiguous (several From headers or mailboxes,
//! a display name showing another address, a different Sender, a Reply-To elsewhere).

use super::decrypt::SigResult;
use super::mime_tree::Entity;
use super::report::{KeyAcceptance, Report, SigStatus, SignatureVerdict};
use crate::keys::{cert_emails, normalize_email, Acceptance, Keyring};

/// How far a signature's time may be from the Date header before the verdict says so.
pub(super) const DATE_SLACK_SECS: i64 = 24 * 3600;

pub(super) fn date_unix(e: &Entity<'_>) -> Option<i64> {
    e.msg.date().map(|d| d.to_timestamp())
}

pub(super) fn header_text(e: &Entity<'_>, name: &str) -> Option<String> {
    e.msg.header_raw(name).map(|_| match name {
        "Subject" => e.msg.subject().unwrap_or("").to_string(),
        "Date" => e.msg.date().map(|d| d.to_rfc822()).unwrap_or_default(),
        _ => address_header(e, name),
    })
}

pub(super) fn address_header(e: &Entity<'_>, name: &str) -> String {
    let a = match name {
        "From" => e.msg.from(),
        "To" => e.msg.to(),
        "Cc" => e.msg.cc(),
        _ => None,
    };
    a.map(|a| {
        a.iter()
            .map(|m| match (m.name(), m.address()) {
                (Some(n), Some(ad)) => format!("{n} <{ad}>"),
                (None, Some(ad)) => ad.to_string(),
                (Some(n), None) => n.to_string(),
                (None, None) => String::new(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    })
    .unwrap_or_default()
}

/// The address of the *first* From header: a second From header is a known trick to show one
/// sender and have another one checked.
pub(super) fn from_address(e: &Entity<'_>) -> String {
    e.msg
        .headers()
        .iter()
        .find(|h| h.name == mail_parser::HeaderName::From)
        .and_then(|h| h.value.as_address())
        .and_then(|a| a.first())
        .and_then(|m| m.address())
        .map(normalize_email)
        .unwrap_or_default()
}

/// Picks the best signature result and binds it to `from`.
pub(super) fn sig_verdict(sigs: &[SigResult], from: &str, date: Option<i64>) -> SignatureVerdict {
    let from = normalize_email(from);
    let binds = |r: &SigResult| {
        r.cert
            .as_ref()
            .is_some_and(|c| cert_emails(c).iter().any(|e| normalize_email(e) == from))
    };
    let best = sigs
        .iter()
        .max_by_key(|r| (r.status.rank(), binds(r) as u8));
    match best {
        None => SignatureVerdict::missing(),
        Some(r) => {
            let emails = r.cert.as_ref().map(cert_emails).unwrap_or_default();
            let signer_email = emails
                .iter()
                .find(|e| normalize_email(e) == from)
                .or(emails.first())
                .cloned();
            SignatureVerdict {
                status: r.status,
                signer: r.cert.as_ref().map(|c| c.fingerprint().to_hex()),
                signer_email,
                matches_from: r.status == SigStatus::Good && binds(r),
                acceptance: KeyAcceptance::Unknown,
                other_verified_key: None,
                signed_part: String::new(),
                issuer: r.issuer.clone(),
                covers_all: false,
                date_matches: match (r.created, date) {
                    (Some(c), Some(d)) => {
                        let c = c
                            .duration_since(std::time::UNIX_EPOCH)
                            .map(|x| x.as_secs() as i64)
                            .unwrap_or(0);
                        (c - d).abs() <= DATE_SLACK_SECS
                    }
                    _ => true,
                },
            }
        }
    }
}

/// The sender must be one address, named once. Several From headers or mailboxes, a display
/// name that shows another address, or a Sender that names someone else make the identity
/// ambiguous: the signature is then not bound to "the sender" (matches_from false). A Reply-To
/// that leads elsewhere is pointed out.
pub(super) fn check_identity(root: &Entity<'_>, r: &mut Report) {
    use mail_parser::HeaderName;
    let from_headers: Vec<&mail_parser::Header<'_>> = root
        .msg
        .headers()
        .iter()
        .filter(|h| h.name == HeaderName::From)
        .collect();
    let mut ambiguous = Vec::new();
    if from_headers.len() > 1 {
        ambiguous.push("the message has more than one From header".to_string());
    }
    if let Some(a) = from_headers.first().and_then(|h| h.value.as_address()) {
        if a.iter().count() > 1 {
            ambiguous.push("the From header names more than one sender".to_string());
        }
        for m in a.iter() {
            let addr = m.address().map(normalize_email).unwrap_or_default();
            if let Some(name) = m.name() {
                let shown: Vec<String> = name
                    .split(|c: char| c.is_whitespace() || "<>,;\"'()".contains(c))
                    .filter(|w| w.contains('@'))
                    .map(normalize_email)
                    .collect();
                if shown.iter().any(|w| *w != addr) {
                    ambiguous.push(format!(
                        "the display name {name:?} shows another address than the real one, {addr}"
                    ));
                }
            }
        }
    }
    if let Some(sender) = root
        .msg
        .header(HeaderName::Sender)
        .and_then(|v| v.as_address())
        .and_then(|a| a.first())
        .and_then(|m| m.address())
        .map(normalize_email)
    {
        if !r.from.is_empty() && sender != r.from {
            ambiguous.push(format!(
                "the Sender header ({sender}) differs from From ({})",
                r.from
            ));
        }
    }
    if let Some(reply) = root
        .msg
        .header(HeaderName::ReplyTo)
        .and_then(|v| v.as_address())
        .and_then(|a| a.first())
        .and_then(|m| m.address())
        .map(normalize_email)
    {
        if !r.from.is_empty() && reply != r.from {
            r.warnings.push(format!(
                "replies go to {reply}, not to the sender {}",
                r.from
            ));
        }
    }
    if !ambiguous.is_empty() {
        r.signature.matches_from = false;
        r.warnings.extend(ambiguous);
    }
}

/// Binds the verdict to the key store's trust: how far the signing key is accepted for
/// `from`, whether another key of `from` is verified, and, when the key is not accepted for
/// `from`, a good signature becomes [`SigStatus::Uncertain`]. Accepted means `verified`, or
/// `unverified` while no other key of the address is `verified`.
pub(super) fn bind_acceptance(sig: &mut SignatureVerdict, ring: &Keyring, from: &str) {
    let from = normalize_email(from);
    let signer = sig
        .signer
        .as_deref()
        .and_then(|f| f.parse::<sequoia_openpgp::Fingerprint>().ok());
    let bound = sig
        .signer_email
        .as_deref()
        .is_some_and(|e| normalize_email(e) == from);
    let acceptance = match (&signer, bound) {
        (Some(fpr), true) => ring.meta(fpr).acceptance,
        _ => {
            sig.acceptance = KeyAcceptance::Unknown;
            sig.other_verified_key = verified_key_of(ring, &from, signer.as_ref());
            return;
        }
    };
    sig.acceptance = acceptance.into();
    sig.other_verified_key = verified_key_of(ring, &from, signer.as_ref());
    let accepted = match acceptance {
        Acceptance::Verified => true,
        Acceptance::Unverified => sig.other_verified_key.is_none(),
        Acceptance::Undecided | Acceptance::Rejected => false,
    };
    if sig.status == SigStatus::Good && !accepted {
        sig.status = SigStatus::Uncertain;
    }
}

/// A `verified` key of `from` other than `not`, as its fingerprint.
fn verified_key_of(
    ring: &Keyring,
    from: &str,
    not: Option<&sequoia_openpgp::Fingerprint>,
) -> Option<String> {
    if from.is_empty() {
        return None;
    }
    ring.find(from)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| Some(&c.fingerprint()) != not)
        .filter(|c| cert_emails(c).iter().any(|e| normalize_email(e) == from))
        .find(|c| ring.meta(&c.fingerprint()).acceptance == Acceptance::Verified)
        .map(|c| c.fingerprint().to_hex())
}
