//! Interoperability with the real programs, both directions: GnuPG, RNP (Thunderbird's
//! engine) and Sequoia's `sq`. Alice (sealmail) writes to Bob (the peer) and back.

use std::process::Command;

use crate::common::*;

/// A PGP/MIME mail from Alice to Bob, composed by sealmail.
fn sealmail_mail(subject: &str, body: &str) -> Vec<u8> {
    let sb = alice_home();
    sb.compose(&["--from", ALICE, "--to", BOB, "--subject", subject], body)
}

/// Checks a peer's decryption of sealmail's mail: the inner entity with its protected
/// Subject and body.
fn assert_inner(stdout: &[u8], subject: &str, body: &str) {
    let s = String::from_utf8_lossy(stdout);
    assert!(
        s.contains(&format!("Subject: {subject}")),
        "protected subject in: {s}"
    );
    assert!(s.contains("protected-headers=\"v1\""), "{s}");
    assert!(s.contains(body), "body in: {s}");
}

/// Checks sealmail's verdict on a peer's mail from Bob.
fn assert_sealmail_reads(mail: &[u8], body: &str) {
    let sb = alice_home();
    let j = sb.decrypt_json(mail);
    assert_eq!(j["signature"]["status"], "good", "{j}");
    assert_eq!(
        j["signature"]["signer"],
        "D1A66E1A23B182C9980F788CFBFCC82A015E7330"
    );
    assert_eq!(j["signature"]["matches_from"], true, "{j}");
    assert!(j["body"].as_str().unwrap().contains(body), "{j}");
}

#[test]
fn gpg_decrypts_and_verifies_sealmail() {
    let mail = sealmail_mail("Access for Bob", "password: gpg-reads-this");
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);
    let o = run(
        g.cmd().arg("--decrypt"),
        encrypted_payload(&mail).as_bytes(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "gpg: {err}");
    assert!(
        err.contains("Good signature from \"Alice Lovelace <alice@openpgp.example>\""),
        "{err}"
    );
    assert_inner(&o.stdout, "Access for Bob", "password: gpg-reads-this");
}

#[test]
fn gpg_verifies_sealmail_sign_only() {
    let sb = alice_home();
    let mail = sb.compose(
        &[
            "--from",
            ALICE,
            "--to",
            BOB,
            "--subject",
            "signed",
            "--sign-only",
        ],
        "just signed\n",
    );
    let (signed, sig) = signed_parts(&mail);
    let g = Gpg::new();
    g.import(&[ALICE_PUB]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("part"), signed).unwrap();
    std::fs::write(dir.path().join("part.asc"), sig).unwrap();
    let o = run(
        g.cmd()
            .arg("--verify")
            .arg(dir.path().join("part.asc"))
            .arg(dir.path().join("part")),
        b"",
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && err.contains("Good signature"),
        "{err}"
    );
}

#[test]
fn sealmail_reads_gpg_combined_sign_encrypt() {
    // What mutt and Enigmail send: one OpenPGP message, signed and encrypted together.
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);
    let inner = inner_entity(BOB, ALICE, "from gpg", "gpg wrote this");
    let o = run(
        g.cmd().args([
            "--trust-model",
            "always",
            "--armor",
            "--sign",
            "--encrypt",
            "-r",
            ALICE,
            "-u",
            BOB,
        ]),
        inner.as_bytes(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mail = pgp_mime_envelope(BOB, ALICE, &String::from_utf8(o.stdout).unwrap());
    assert_sealmail_reads(&mail, "gpg wrote this");
}

#[test]
fn sealmail_reads_gpg_multipart_signed_and_inline() {
    let g = Gpg::new();
    g.import(&[BOB_SEC]);
    let part = "Content-Type: text/plain; charset=utf-8\r\n\r\nsigned by gpg\r\n";
    let o = run(
        g.cmd().args(["--armor", "--detach-sign", "-u", BOB]),
        part.as_bytes(),
    );
    assert!(o.status.success());
    let sig = String::from_utf8(o.stdout).unwrap().replace('\n', "\r\n");
    let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S +0000");
    let mail = format!(
        "From: {BOB}\r\nTo: {ALICE}\r\nSubject: s\r\nDate: {date}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"b1\"\r\n\r\n--b1\r\n{part}\r\n--b1\r\nContent-Type: application/pgp-signature\r\n\r\n{sig}\r\n--b1--\r\n"
    );
    assert_sealmail_reads(mail.as_bytes(), "signed by gpg");

    let o = run(
        g.cmd().args(["--clearsign", "-u", BOB]),
        b"inline signed by gpg\n",
    );
    let mail = format!(
        "From: {BOB}\r\nTo: {ALICE}\r\nSubject: s\r\nDate: {date}\r\nContent-Type: text/plain\r\n\r\n{}",
        String::from_utf8(o.stdout).unwrap()
    );
    assert_sealmail_reads(mail.as_bytes(), "inline signed by gpg");
}

/// An RNP home with the given keys.
pub fn rnp_home(keys: &[&str]) -> tempfile::TempDir {
    require("rnp");
    let h = tempfile::tempdir().unwrap();
    for k in keys {
        let o = run(
            Command::new("rnpkeys")
                .arg("--homedir")
                .arg(h.path())
                .arg("--import")
                .arg(key(k)),
            b"",
        );
        assert!(
            o.status.success(),
            "rnpkeys: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    h
}

#[test]
fn rnp_decrypts_and_verifies_sealmail() {
    let mail = sealmail_mail("Access via RNP", "password: rnp-reads-this");
    let h = rnp_home(&[BOB_SEC, ALICE_PUB]);
    let o = run(
        Command::new("rnp").arg("--homedir").arg(h.path()).args([
            "--decrypt",
            "--output",
            "-",
            "--password",
            "",
        ]),
        encrypted_payload(&mail).as_bytes(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "rnp: {err}");
    assert!(
        err.contains("Good signature") && err.contains("alice@openpgp.example"),
        "{err}"
    );
    assert_inner(&o.stdout, "Access via RNP", "password: rnp-reads-this");
}

/// A PGP/MIME mail rnp encrypted to `to` and signed by `from` (secret key file `sec`,
/// recipient's certificate `public`).
pub fn rnp_mail(
    from: &str,
    sec: &str,
    to: &str,
    public: &str,
    subject: &str,
    body: &str,
) -> Vec<u8> {
    let h = rnp_home(&[sec, public]);
    let inner = inner_entity(from, to, subject, body);
    let o = run(
        Command::new("rnp").arg("--homedir").arg(h.path()).args([
            "--encrypt",
            "--sign",
            "-r",
            to,
            "-u",
            from,
            "--armor",
            "--output",
            "-",
            "--password",
            "",
        ]),
        inner.as_bytes(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    pgp_mime_envelope(from, to, &String::from_utf8(o.stdout).unwrap())
}

#[test]
fn sealmail_reads_rnp() {
    let mail = rnp_mail(BOB, BOB_SEC, ALICE, ALICE_PUB, "from rnp", "rnp wrote this");
    assert_sealmail_reads(&mail, "rnp wrote this");
}

#[test]
fn sq_decrypts_and_verifies_sealmail() {
    require("sq");
    let mail = sealmail_mail("Access via sq", "password: sq-reads-this");
    let o = run(
        Command::new("sq")
            .arg("decrypt")
            .arg("--recipient-key")
            .arg(key(BOB_SEC))
            .arg("--signer-cert")
            .arg(key(ALICE_PUB)),
        encrypted_payload(&mail).as_bytes(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "sq: {err}");
    assert!(err.contains("Good signature from"), "{err}");
    assert_inner(&o.stdout, "Access via sq", "password: sq-reads-this");
}

/// A PGP/MIME mail sq encrypted to `to` (certificate `public`) and signed with `sec`.
pub fn sq_mail(
    from: &str,
    sec: &str,
    to: &str,
    public: &str,
    subject: &str,
    body: &str,
) -> Vec<u8> {
    require("sq");
    let inner = inner_entity(from, to, subject, body);
    let o = run(
        Command::new("sq")
            .arg("encrypt")
            .arg("--recipient-cert")
            .arg(key(public))
            .arg("--signer-key")
            .arg(key(sec)),
        inner.as_bytes(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    pgp_mime_envelope(from, to, &String::from_utf8(o.stdout).unwrap())
}

#[test]
fn sealmail_reads_sq() {
    let mail = sq_mail(BOB, BOB_SEC, ALICE, ALICE_PUB, "from sq", "sq wrote this");
    assert_sealmail_reads(&mail, "sq wrote this");
}

#[test]
fn sq_reads_sealmail_cert_store() {
    // The key store is a pgp-cert-d (the layout `sq --cert-store` uses): each certificate is a
    // plain OpenPGP file filed by fingerprint. sq 0.27 (Debian 12) predates cert stores, so it
    // inspects the file; newer sq opens the folder directly.
    require("sq");
    let sb = Sandbox::new();
    sb.import(&[BOB_PUB]);
    let file = sb
        .home()
        .join("certs/d1/a66e1a23b182c9980f788cfbfcc82a015e7330");
    let o = run(Command::new("sq").arg("inspect").arg(&file), b"");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out.contains("D1A6 6E1A 23B1 82C9 980F  788C FBFC C82A 015E 7330")
            || out.contains("D1A66E1A23B182C9980F788CFBFCC82A015E7330"),
        "{out}"
    );
    assert!(out.contains("bob@openpgp.example"), "{out}");
}

#[test]
fn sealmail_reads_gpg_nested_sign_then_encrypt() {
    // RFC 3156 §6.1: a multipart/signed entity, then encrypted as a whole.
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);
    let part = "Content-Type: text/plain; charset=utf-8\r\n\r\nnested: signed, then encrypted\r\n";
    let mail = gpg_nested_mail(&g, part, BOB, ALICE);
    assert_sealmail_reads(&mail, "nested: signed, then encrypted");
}

/// A gpg mail from Bob to Alice made with gpg's `options`, which sealmail must refuse: exit
/// status 1, nothing on stdout, the plaintext nowhere. Returns what sealmail said on stderr.
fn gpg_mail_refused(options: &[&str]) -> String {
    let mail = gpg_encrypted_mail(
        BOB,
        ALICE,
        ALICE_PUB,
        options,
        b"Content-Type: text/plain\r\n\r\nplaintext-that-must-not-leak\r\n",
    );
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC]);
    let out = sb.cmd().arg("decrypt").write_stdin(mail).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(!err.contains("plaintext-that-must-not-leak"));
    err
}

#[test]
fn no_mdc_message_from_gpg_is_refused_without_plaintext() {
    // gpg --rfc2440 with an old cipher writes a Symmetrically Encrypted Data packet: no MDC.
    let err = gpg_mail_refused(&["--rfc2440", "--cipher-algo", "CAST5"]);
    assert!(err.contains("integrity check failed"), "{err}");
}

#[test]
fn sealmail_reads_gpg_mail_in_each_cipher_gnupg_offers() {
    // gpg --cipher-algo overrides the recipient's preferences; Camellia and Blowfish come from
    // OpenSSL's optional and legacy parts, which sealmail's build must keep.
    for cipher in [
        "AES128",
        "AES192",
        "AES256",
        "CAMELLIA128",
        "CAMELLIA192",
        "CAMELLIA256",
        "BLOWFISH",
    ] {
        let secret = format!("sent with {cipher}");
        let inner = format!("Content-Type: text/plain\r\n\r\n{secret}\r\n");
        let mail = gpg_encrypted_mail(
            BOB,
            ALICE,
            ALICE_PUB,
            &["--cipher-algo", cipher],
            inner.as_bytes(),
        );
        let sb = Sandbox::new();
        sb.import(&[ALICE_SEC]);
        let j = sb.decrypt_json(&mail);
        assert_eq!(j["encrypted"], true, "{cipher}: {j}");
        assert_eq!(j["integrity"], "ok", "{cipher}: {j}");
        assert!(
            j["body"].as_str().unwrap().contains(&secret),
            "{cipher}: {j}"
        );
    }
}

#[test]
fn a_cipher_the_policy_refuses_is_named_and_nothing_is_shown() {
    // CAST5 with an MDC: the data is intact, but the cipher has been refused since 2025. The
    // error names the cipher instead of claiming the message was modified.
    let err = gpg_mail_refused(&["--cipher-algo", "CAST5"]);
    assert!(err.contains("the cipher CAST5"), "{err}");
    assert!(err.contains("nothing was decrypted"), "{err}");
    assert!(!err.contains("modified"), "{err}");
}
