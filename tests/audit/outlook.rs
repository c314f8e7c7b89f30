//! What Outlook and Exchange wrap mail in: Outlook items attached to mail (`.msg`, as Outlook
//! forwards "as attachment"; two items Outlook saved, MSGConvert's test files in
//! tests/data/outlook/, one with a password written into its body the way Outlook stores a
//! body, an 8-bit `__substg1.0_1000001E` stream), and TNEF (`winmail.dat`, tnefparse's test
//! files in tests/data/tnef/, one with a password written into its attached file).

use std::io::{Cursor, Write};

use super::*;

fn item(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/outlook")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A copy of an Outlook item with a new subject and body (8-bit strings, as in the original).
fn with_body(original: &[u8], subject: &str, body: &str) -> Vec<u8> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(original.to_vec())).unwrap();
    for (stream, text) in [
        ("/__substg1.0_0037001E", subject),
        ("/__substg1.0_1000001E", body),
    ] {
        let mut s = cf.create_stream(stream).unwrap();
        s.write_all(text.as_bytes()).unwrap();
        s.write_all(b"\0").unwrap();
    }
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

/// Mails with one attachment each (`<{tag}N@contoso.com>`, N from 1) in a Maildir, audited
/// without text recognition: the exit status and the output.
fn audit_attached(
    tag: &str,
    content_type: &str,
    files: &[(&str, Vec<u8>)],
) -> (std::process::Output, String) {
    let sb = Sandbox::new();
    let md = maildir(&sb.path("Maildir"));
    for (i, (name, data)) in files.iter().enumerate() {
        let n = i + 1;
        std::fs::write(
            md.join(format!("cur/{n}:2,S")),
            corpus::with_attachment(
                &format!("{tag}{n}@contoso.com"),
                n,
                "see the attachment",
                name,
                content_type,
                data,
                false,
            ),
        )
        .unwrap();
    }
    let out = sb
        .cmd()
        .args(["audit", "--no-ocr"])
        .arg(&md)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out, text)
}

#[test]
fn leak_audit_reads_outlook_items_attached_to_mail() {
    let leaking = with_body(
        &item("plain_unsent.msg"),
        "staging access",
        "Hi Sam,\r\n\r\nthe staging server is 10.1.1.20, user admin, password Msg!Admin2031\r\n\r\nJordan",
    );
    let (out, text) = audit_attached(
        "o",
        "application/vnd.ms-outlook",
        &[
            ("staging access.msg", leaking),
            ("plain_unsent.msg", item("plain_unsent.msg")),
            ("plain_jpeg_attached.msg", item("plain_jpeg_attached.msg")),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.lines().any(|l| l.contains("<o1@contoso.com>")
            && l.contains("Ms******** (13 chars) in Outlook item staging access.msg: body")
            && l.contains("[forwarded]")),
        "{text}"
    );
    assert!(!text.contains("Msg!Admin2031"), "{text}");
    // Outlook's own items hold no secret; the picture inside one is reached (and, without
    // text recognition, listed as not read).
    assert!(!text.contains("<o2@contoso.com> "), "{text}");
    assert!(
        text.contains("Outlook item plain_jpeg_attached.msg: image test.jpg"),
        "{text}"
    );
}

fn tnef(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/tnef")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A copy of a TNEF stream whose attached file (`attAttachData`) holds `text` instead, its
/// length and checksum (the sum of its bytes) written anew.
fn with_attached_file(original: &[u8], text: &str) -> Vec<u8> {
    let mut out = original[..6].to_vec();
    let mut at = 6;
    while at + 9 <= original.len() {
        let attr = u32::from_le_bytes(original[at + 1..at + 5].try_into().unwrap());
        let len = u32::from_le_bytes(original[at + 5..at + 9].try_into().unwrap()) as usize;
        let value = &original[at + 9..at + 9 + len];
        let value = if attr & 0xFFFF == 0x800F {
            text.as_bytes()
        } else {
            value
        };
        out.extend_from_slice(&original[at..at + 5]);
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
        let sum = value
            .iter()
            .fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
        out.extend_from_slice(&sum.to_le_bytes());
        at += 9 + len + 2;
    }
    out
}

#[test]
fn leak_audit_reads_attachments_inside_winmail_dat() {
    let leaking = with_attached_file(
        &tnef("one-file.tnef"),
        "Server 10.1.1.20\r\nuser admin\r\npassword Tnef!Admin2031\r\n",
    );
    let (out, text) = audit_attached(
        "w",
        "application/ms-tnef",
        &[
            ("winmail.dat", leaking),
            ("winmail.dat", tnef("two-files.tnef")),
            ("winmail.dat", tnef("unicode-mapi-attr-name.tnef")),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.lines().any(|l| l.contains("<w1@contoso.com>")
            && l.contains("Tn******** (14 chars) in winmail.dat: attachment AUTHORS")),
        "{text}"
    );
    assert!(!text.contains("Tnef!Admin2031"), "{text}");
    assert!(!text.contains("<w2@contoso.com> "), "{text}");
    // Outlook's pictures inside the wrapper are reached (not read here: --no-ocr).
    assert!(text.contains("winmail.dat: image image001.png"), "{text}");
}
