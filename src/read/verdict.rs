//! The verdict: what protects a message (PGP/MIME encryption, a `multipart/signed` root, the
//! Exchange repair, inline blocks), decrypted and verified through `decrypt.rs`, then bound to
//! the sender (`identity.rs`) and written into a [`Report`] (`report.rs`).

use super::decrypt::{self, Keys, SigResult};
use super::identity::{
    address_header, bind_acceptance, check_identity, date_unix, from_address, header_text,
    sig_verdict,
};
use super::inline::{
    clean_armor, note_unprotected_text, PGP_MSG_BEGIN, PGP_MSG_END, PGP_SIGNED_BEGIN, PGP_SIG_END,
};
use super::mime_tree::Entity;
use super::report::{AttachmentData, Integrity, PartInfo, Report, SigStatus};
use super::ReadError;

/// Analyzes a parsed message: what protects it, then whether the signature covers all of it
/// and binds one unambiguous sender.
pub fn analyze(root: &Entity<'_>, keys: &mut Keys<'_>) -> Result<Report, ReadError> {
    let mut r = analyze_protection(root, keys)?;
    finish(root, &mut r, keys);
    Ok(r)
}

/// Analyzes a large encrypted message that was read as a stream: `head` is its outer header
/// section, `skeleton` and `spills` its decrypted content (see `super::stream`).
pub(crate) fn analyze_streamed(
    head: &Entity<'_>,
    skeleton: Vec<u8>,
    sigs: Vec<SigResult>,
    keys: &mut Keys<'_>,
    spills: &[super::stream::Spill],
) -> Result<Report, ReadError> {
    let mut r = encrypted_content(base_report(head), skeleton, sigs, keys, spills)?;
    finish(head, &mut r, keys);
    Ok(r)
}

/// The last steps for every message: whether the signature covers all of it, whether the
/// sender is one unambiguous address, and how far the signing key is accepted for it.
fn finish(root: &Entity<'_>, r: &mut Report, keys: &Keys<'_>) {
    r.signature.covers_all = r.signature.status == SigStatus::Good
        && !r.parts.is_empty()
        && r.parts.iter().all(|p| p.signed);
    check_identity(root, r);
    if r.signature.status == SigStatus::Missing {
        r.signature.signed_part.clear();
    }
    let from = r.from.clone();
    bind_acceptance(&mut r.signature, keys.keyring, &from);
}

/// The report before anything was checked: the outer headers, nothing protected.
fn base_report(root: &Entity<'_>) -> Report {
    let outer_from = from_address(root);
    Report {
        encrypted: false,
        integrity: Integrity::None,
        signature: sig_verdict(&[], &outer_from, None),
        from: outer_from.clone(),
        outer_from,
        from_display: header_text(root, "From").unwrap_or_default(),
        to: header_text(root, "To").unwrap_or_default(),
        cc: header_text(root, "Cc").unwrap_or_default(),
        date: header_text(root, "Date").unwrap_or_default(),
        subject: header_text(root, "Subject").unwrap_or_default(),
        protected_headers: false,
        body: String::new(),
        parts: Vec::new(),
        warnings: Vec::new(),
        inner: None,
        attachments: Vec::new(),
        date_unix: date_unix(root),
        combined_signatures: Vec::new(),
    }
}

fn analyze_protection(root: &Entity<'_>, keys: &mut Keys<'_>) -> Result<Report, ReadError> {
    let outer_from = from_address(root);
    let mut report = base_report(root);
    let ct = root.content_type();
    let protocol = root
        .ct_param("protocol")
        .unwrap_or_default()
        .to_ascii_lowercase();

    if ct == "multipart/encrypted" && protocol == "application/pgp-encrypted" {
        return encrypted_root(root, report, keys);
    }
    if ct == "multipart/signed" && protocol != "application/pgp-signature" {
        // An S/MIME (or other) signature around PGP/MIME encryption: the outer signature
        // covers ciphertext only and is not checked here; the encryption is what counts.
        if let Some(inner) = root.children_raw().first().and_then(|c| Entity::parse(c)) {
            if inner.content_type() == "multipart/encrypted" {
                report.warnings.push(
                    "an outer non-OpenPGP signature covers only the ciphertext; it was not checked"
                        .into(),
                );
                return encrypted_root(&inner, report, keys);
            }
        }
    }
    if ct == "multipart/mixed" && is_exchange_mangled(root) {
        report.warnings.push(
            "this PGP/MIME message was rewritten by a mail server (Microsoft Exchange style) and was repaired".into(),
        );
        return encrypted_root(root, report, keys);
    }
    if ct == "multipart/signed" && protocol == "application/pgp-signature" {
        let children = root.children_raw();
        let content = children.first().copied().unwrap_or(b"");
        let content_entity = Entity::parse(content);
        // A signature around an encrypted part: what counts is the inner encryption (and its
        // own signature); the outer one covers only ciphertext.
        if let Some(inner) = &content_entity {
            if inner.content_type() == "multipart/encrypted" {
                report
                    .warnings
                    .push("an outer signature covers only the ciphertext; it was not used".into());
                return encrypted_root(inner, report, keys);
            }
        }
        let sig = children
            .get(1)
            .and_then(|s| Entity::parse(s))
            .map(|e| e.body_bytes());
        let sigs = match sig {
            Some(sig) if !sig.iter().all(|b| b.is_ascii_whitespace()) => {
                decrypt::verify_detached(content, &sig, keys)
            }
            _ => vec![SigResult::bad()],
        };
        let Some(inner) = content_entity else {
            return Err(ReadError::Malformed("the signed part is empty".into()));
        };
        report.signature = sig_verdict(&sigs, &outer_from, report.date_unix);
        let signed = report.signature.status == SigStatus::Good;
        fill_from_inner(&mut report, &inner, false, signed, "clear", &[]);
        report.signature = sig_verdict(&sigs, &report.from, report.date_unix);
        report.signature.signed_part = "the signed part (multipart/signed)".into();
        report.inner = Some(content.to_vec());
        return Ok(report);
    }
    if !ct.starts_with("multipart/") || ct == "multipart/mixed" || ct == "multipart/alternative" {
        let text = root.body_text();
        if let (Some(b), Some(e)) = (text.find(PGP_MSG_BEGIN), text.find(PGP_MSG_END)) {
            let end = e + PGP_MSG_END.len();
            let mixed = b < e
                && (!text[..b].trim().is_empty() || !text[end.min(text.len())..].trim().is_empty());
            if b < e && mixed && !keys.embedded {
                // An encrypted block mixed with other text: possibly someone's old ciphertext
                // inside an attacker's mail, to make you decrypt and quote it. Not decrypted
                // unless asked for.
                fill_from_inner(&mut report, root, false, false, "", &[]);
                report.warnings.push(
                    "this message mixes an encrypted block with other text (it may be someone else's encrypted mail embedded to make you decrypt it); it was not decrypted. To decrypt the block alone: sealmail decrypt --embedded FILE".into(),
                );
                return Ok(report);
            }
            if b < e {
                let armor = clean_armor(&text[b..end]);
                let d = decrypt::decrypt(&armor, keys)?;
                report.encrypted = true;
                report.integrity = Integrity::Ok;
                report.signature = sig_verdict(&d.sigs, &outer_from, report.date_unix);
                report.signature.signed_part = "the inline encrypted block".into();
                report.body = String::from_utf8_lossy(&d.plaintext).into_owned();
                let signed = report.signature.status == SigStatus::Good;
                report.parts.push(PartInfo {
                    content_type: "text/plain".into(),
                    filename: None,
                    encrypted: true,
                    signed,
                });
                note_unprotected_text(&mut report, &text[..b], &text[end..]);
                report.inner = Some(d.plaintext);
                return Ok(report);
            }
        }
        if let (Some(b), Some(e)) = (text.find(PGP_SIGNED_BEGIN), text.find(PGP_SIG_END)) {
            if b < e {
                let end = e + PGP_SIG_END.len();
                let armor = clean_armor(&text[b..end]);
                let (signed_text, sigs) = decrypt::verify_inline(&armor, keys)?;
                report.signature = sig_verdict(&sigs, &outer_from, report.date_unix);
                report.signature.signed_part = "the inline signed block".into();
                report.body = String::from_utf8_lossy(&signed_text).into_owned();
                let signed = report.signature.status == SigStatus::Good;
                report.parts.push(PartInfo {
                    content_type: "text/plain".into(),
                    filename: None,
                    encrypted: false,
                    signed,
                });
                note_unprotected_text(&mut report, &text[..b], &text[end..]);
                report.inner = Some(signed_text);
                return Ok(report);
            }
        }
    }
    // Nothing protected at the root: show it as it is, every part unprotected.
    fill_from_inner(&mut report, root, false, false, "", &[]);
    if report.parts.iter().any(|p| {
        p.content_type.starts_with("application/pgp") || p.content_type == "multipart/encrypted"
    }) {
        report.warnings.push(
            "this message contains OpenPGP parts below its top level; they were not decrypted or verified as part of it".into(),
        );
    }
    Ok(report)
}

/// Exchange turns `multipart/encrypted` into `multipart/mixed` with an empty text part, the
/// version part and the encrypted part as attachments. Repair only that exact shape.
fn is_exchange_mangled(root: &Entity<'_>) -> bool {
    let kids: Vec<Entity<'_>> = root
        .children_raw()
        .into_iter()
        .filter_map(Entity::parse)
        .collect();
    let types: Vec<String> = kids.iter().map(|k| k.content_type()).collect();
    let n = types.len();
    if !(2..=3).contains(&n) {
        return false;
    }
    let (ver, enc) = (&types[n - 2], &types[n - 1]);
    let text_empty = n == 2 || (types[0] == "text/plain" && kids[0].body_text().trim().is_empty());
    text_empty
        && ver == "application/pgp-encrypted"
        && enc == "application/octet-stream"
        && String::from_utf8_lossy(&kids[n - 1].body_bytes()).contains(PGP_MSG_BEGIN)
}

fn encrypted_root(
    root: &Entity<'_>,
    mut report: Report,
    keys: &mut Keys<'_>,
) -> Result<Report, ReadError> {
    let children = root.children_raw();
    let data = children
        .last()
        .filter(|_| children.len() >= 2)
        .and_then(|c| Entity::parse(c))
        .map(|e| e.body_bytes())
        .ok_or_else(|| ReadError::Malformed("the encrypted part is missing".into()))?;
    let d = match decrypt::decrypt(&data, keys) {
        Ok(d) => d,
        Err(e @ (ReadError::Malformed(_) | ReadError::Damaged(_)))
            if !String::from_utf8_lossy(&data).contains(PGP_MSG_BEGIN) =>
        {
            let why = match e {
                ReadError::Damaged(e) => format!("{e:#}"),
                e => e.to_string(),
            };
            // Labelled as encrypted, but holds no OpenPGP message (e.g. a signed git commit
            // dressed up as mail): show it as what it is, unprotected, and check nothing.
            report.warnings.push(format!(
                "the message claims to be encrypted but its encrypted part holds no encrypted data ({why}); it is shown unprotected and no signature in it is trusted"
            ));
            report.body = String::from_utf8_lossy(&data).into_owned();
            report.parts.push(PartInfo {
                content_type: "application/octet-stream".into(),
                filename: None,
                encrypted: false,
                signed: false,
            });
            return Ok(report);
        }
        Err(e) => return Err(e),
    };
    // What was decrypted is held to the message's limits (as it is when it streams).
    super::limits::check_structure(&d.plaintext, &keys.limits)?;
    encrypted_content(report, d.plaintext, d.sigs, keys, &[])
}

/// Why a streamed message must be read again in memory.
pub(crate) const NEEDS_MEMORY: &str = "a signed-then-encrypted message with large parts";

/// The report of an encrypted message from its decrypted content: `plaintext` (for a
/// streamed message the skeleton, with `spills` standing for its large parts) and the
/// signatures made together with the encryption.
pub(crate) fn encrypted_content(
    mut report: Report,
    plaintext: Vec<u8>,
    sigs: Vec<SigResult>,
    keys: &mut Keys<'_>,
    spills: &[super::stream::Spill],
) -> Result<Report, ReadError> {
    report.encrypted = true;
    report.integrity = Integrity::Ok;
    let outer_from = report.from.clone();
    let inner = Entity::parse(&plaintext)
        .ok_or_else(|| ReadError::Malformed("the decrypted content is not a MIME entity".into()))?;
    let mut sigs = sigs;
    // Nested: signed, then encrypted (RFC 3156 §6.1).
    let is_nested = inner.content_type() == "multipart/signed";
    if is_nested && !spills.is_empty() {
        // The detached signature covers the exact bytes, which the skeleton no longer has.
        return Err(ReadError::Limit(NEEDS_MEMORY.into()));
    }
    if is_nested {
        let kids = inner.children_raw();
        let content = kids.first().copied().unwrap_or(b"");
        let sig = kids
            .get(1)
            .and_then(|s| Entity::parse(s))
            .map(|e| e.body_bytes());
        if let Some(sig) = sig {
            sigs.extend(decrypt::verify_detached(content, &sig, keys));
        } else {
            sigs.push(SigResult::bad());
        }
        let signed_entity = Entity::parse(content)
            .ok_or_else(|| ReadError::Malformed("the signed part is empty".into()))?;
        report.signature = sig_verdict(&sigs, &outer_from, report.date_unix);
        let signed = report.signature.status == SigStatus::Good;
        fill_from_inner(&mut report, &signed_entity, true, signed, "cipher", spills);
    } else {
        report.signature = sig_verdict(&sigs, &outer_from, report.date_unix);
        let signed = report.signature.status == SigStatus::Good;
        fill_from_inner(&mut report, &inner, true, signed, "cipher", spills);
        report.combined_signatures = sigs
            .iter()
            .filter(|r| r.status == SigStatus::Good)
            .filter_map(|r| r.packet.clone())
            .collect();
    }
    report.signature = sig_verdict(&sigs, &report.from, report.date_unix);
    report.signature.signed_part = if is_nested {
        "the signed part inside the encryption"
    } else {
        "the encrypted message"
    }
    .into();
    if report.protected_headers && !outer_from.is_empty() && report.from != outer_from {
        // The signature must match the From the user sees in every mail list, too.
        report.signature.matches_from = false;
        report.warnings.push(format!(
            "the outer From ({outer_from}) differs from the protected From ({}); the protected one is shown",
            report.from
        ));
    }
    drop(inner);
    if spills.is_empty() {
        report.inner = Some(plaintext);
    }
    Ok(report)
}

/// Fills body, parts, attachments and protected headers from the protected entity.
fn fill_from_inner(
    report: &mut Report,
    inner: &Entity<'_>,
    encrypted: bool,
    signed: bool,
    hp: &str,
    spills: &[super::stream::Spill],
) {
    let protected = !hp.is_empty()
        && (inner.ct_param("protected-headers").is_some()
            || inner.ct_param("hp").is_some()
            || (encrypted && inner.msg.header_raw("Subject").is_some()));
    if protected {
        report.protected_headers = true;
        if let Some(s) = header_text(inner, "Subject") {
            report.subject = s;
        }
        if inner.msg.header_raw("From").is_some() {
            report.from = from_address(inner);
            report.from_display = address_header(inner, "From");
        }
        if let Some(t) = header_text(inner, "To") {
            report.to = t;
        }
        if let Some(c) = header_text(inner, "Cc") {
            report.cc = c;
        }
        if let Some(d) = header_text(inner, "Date") {
            report.date = d;
            report.date_unix = date_unix(inner);
        }
    }
    report.body = inner.body_text();
    if !spills.is_empty() {
        // A large text part went to a file: it is listed as an attachment, not shown.
        report.body = report
            .body
            .lines()
            .filter(|l| !spills.iter().any(|s| l.contains(&s.token)))
            .collect::<Vec<_>>()
            .join("\n");
    }
    for leaf in inner.leaves() {
        let spill = spills
            .iter()
            .find(|s| leaf.data.trim_ascii() == s.token.as_bytes());
        if let Some(s) = spill {
            report.parts.push(PartInfo {
                content_type: leaf.content_type.clone(),
                filename: Some(
                    leaf.filename
                        .clone()
                        .unwrap_or_else(|| "attachment.bin".into()),
                ),
                encrypted,
                signed,
            });
            report.attachments.push(AttachmentData {
                filename: leaf.filename.unwrap_or_else(|| "attachment.bin".into()),
                content_type: leaf.content_type,
                data: Vec::new(),
                size: s.size,
                file: s.path.clone(),
            });
            continue;
        }
        report.parts.push(PartInfo {
            content_type: leaf.content_type.clone(),
            filename: leaf.filename.clone(),
            encrypted,
            signed,
        });
        if leaf.attachment && (encrypted || signed) {
            report.attachments.push(AttachmentData {
                filename: leaf.filename.unwrap_or_else(|| "attachment.bin".into()),
                content_type: leaf.content_type,
                size: leaf.data.len() as u64,
                data: leaf.data,
                file: None,
            });
        }
    }
}
