//! Inline OpenPGP in a text or HTML body: the armor markers, cleaning a block of what mail
//! clients add to it (non-breaking spaces, trailing blanks, lost line structure), and the
//! note that text around a block is not protected and not shown.

use super::report::{PartInfo, Report};

pub(super) const PGP_MSG_BEGIN: &str = "-----BEGIN PGP MESSAGE-----";
pub(super) const PGP_MSG_END: &str = "-----END PGP MESSAGE-----";
pub(super) const PGP_SIGNED_BEGIN: &str = "-----BEGIN PGP SIGNED MESSAGE-----";
pub(super) const PGP_SIG_END: &str = "-----END PGP SIGNATURE-----";

/// Cleans an armored block taken out of a text or HTML body: non-breaking spaces and
/// trailing blanks gone, CRLF line ends.
pub(super) fn clean_armor(block: &str) -> Vec<u8> {
    let text = block.replace('\u{a0}', " ");
    let lines: Vec<&str> = text.lines().map(|l| l.trim()).collect();
    let mut out: Vec<&str> = Vec::new();
    let Some((first, rest)) = lines.split_first() else {
        return Vec::new();
    };
    out.push(first);
    let cleartext = first.contains("SIGNED MESSAGE");
    let mut i = 0;
    // Armor headers ("Hash: SHA256", "Comment: ..."), then exactly one blank line.
    while i < rest.len() && rest[i].contains(": ") && !rest[i].starts_with("-----") {
        out.push(rest[i]);
        i += 1;
    }
    out.push("");
    let rest = &rest[i..];
    if cleartext {
        // The signed text keeps its blank lines and its indentation (trailing blanks do not
        // count in a cleartext signature); only the leading separator goes.
        let raw: Vec<&str> = text.lines().map(|l| l.trim_end()).collect();
        let raw = &raw[1 + i..];
        let start = raw
            .iter()
            .position(|l| !l.trim().is_empty())
            .unwrap_or(raw.len());
        let mut in_sig = false;
        for l in &raw[start..] {
            if l.trim_start().starts_with("-----BEGIN PGP SIGNATURE") {
                in_sig = true;
            }
            out.push(if in_sig { l.trim_start() } else { l });
        }
    } else {
        out.extend(rest.iter().filter(|l| !l.is_empty()));
    }
    let mut v = out.join("\r\n").into_bytes();
    v.extend_from_slice(b"\r\n");
    v
}

pub(super) fn note_unprotected_text(report: &mut Report, before: &str, after: &str) {
    if !before.trim().is_empty() || !after.trim().is_empty() {
        report.parts.push(PartInfo {
            content_type: "text/plain".into(),
            filename: None,
            encrypted: false,
            signed: false,
        });
        report.warnings.push(
            "the message has text outside the OpenPGP block; it is not shown because it is not protected".into(),
        );
    }
}
