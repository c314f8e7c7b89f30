//! The bad-input table of docs/SECURITY.md: every row is exercised here. Whatever the input,
//! sealmail ends with exit 0 or 1, never a panic, and prints no plaintext when it refuses.

use std::io::Write;

use sealmail::openpgp;
use sealmail::openpgp::parse::Parse;
use serde_json::Value;

use crate::common::*;

fn good_mail(body: &str) -> Vec<u8> {
    let a = alice_home();
    a.compose(&["--from", ALICE, "--to", BOB, "--subject", "x"], body)
}

/// Runs decrypt on `input`; returns (exit code, stdout, stderr). Asserts: no panic, exit 0 or 1.
fn decrypt(sb: &Sandbox, input: &[u8], what: &str) -> (i32, String, String) {
    let p = sb.path("in.eml");
    std::fs::write(&p, input).unwrap();
    let out = sb
        .cmd()
        .args(["--json", "decrypt"])
        .arg(&p)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let code = out.status.code().unwrap_or(-1);
    assert!(code == 0 || code == 1, "{what}: exit {code}: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{what}: {err}"
    );
    if code == 1 {
        assert!(
            err.contains("error:") && err.contains("hint:"),
            "{what}: {err}"
        );
        assert_json_refusal(&out.stdout, what);
    }
    (code, String::from_utf8_lossy(&out.stdout).into_owned(), err)
}

#[test]
fn truncated_anywhere_releases_no_plaintext() {
    let sb = bob_home();
    let mail = good_mail("the plaintext that must not leak\n");
    let armored = encrypted_payload(&mail);
    let mut bin = Vec::new();
    std::io::Read::read_to_end(
        &mut openpgp::armor::Reader::from_bytes(
            armored.as_bytes(),
            openpgp::armor::ReaderMode::Tolerant(Some(openpgp::armor::Kind::Message)),
        ),
        &mut bin,
    )
    .unwrap();
    // Packet boundaries, plus cuts inside packets.
    let mut cuts: Vec<usize> = Vec::new();
    let pile = openpgp::PacketPile::from_bytes(&bin).unwrap();
    let mut off = 0;
    for p in pile.children() {
        use openpgp::serialize::Marshal;
        let mut v = Vec::new();
        p.serialize(&mut v).unwrap();
        off += v.len();
        cuts.push(off.saturating_sub(1));
        cuts.push(off.min(bin.len() - 1));
    }
    cuts.extend((1..20).map(|i| bin.len() * i / 20));
    cuts.sort();
    cuts.dedup();
    for cut in cuts.into_iter().filter(|&c| c < bin.len()) {
        let mut w = openpgp::armor::Writer::new(Vec::new(), openpgp::armor::Kind::Message).unwrap();
        w.write_all(&bin[..cut]).unwrap();
        let re = String::from_utf8(w.finalize().unwrap()).unwrap();
        let m = pgp_mime_envelope(ALICE, BOB, &re);
        let (code, out, err) = decrypt(&sb, &m, &format!("cut at {cut}"));
        assert_eq!(code, 1, "cut at {cut} of {}: {err}", bin.len());
        assert!(!out.contains("must not leak") && !err.contains("must not leak"));
    }
}

#[test]
fn decompression_bomb_is_refused() {
    use openpgp::serialize::stream::{Armorer, Compressor, Encryptor, LiteralWriter, Message};
    let bob_cert = sealmail::keys::parse_certs(&std::fs::read(key(BOB_PUB)).unwrap(), "b")
        .unwrap()
        .remove(0);
    let p = openpgp::policy::StandardPolicy::new();
    let recipients: Vec<_> = bob_cert
        .keys()
        .with_policy(&p, None)
        .supported()
        .for_transport_encryption()
        .collect();
    let mut sink = Vec::new();
    {
        let m = Message::new(&mut sink);
        let m = Armorer::new(m).build().unwrap();
        let m = Encryptor::for_recipients(
            m,
            recipients.iter().map(|k| {
                openpgp::serialize::stream::Recipient::new(None, k.key().key_handle(), k.key())
            }),
        )
        .build()
        .unwrap();
        let m = Compressor::new(m)
            .algo(openpgp::types::CompressionAlgorithm::BZip2)
            .build()
            .unwrap();
        let mut lit = LiteralWriter::new(m).build().unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            lit.write_all(&zeros).unwrap();
        }
        lit.finalize().unwrap();
    }
    assert!(sink.len() < 64 << 10, "the bomb is small: {}", sink.len());
    let m = pgp_mime_envelope(ALICE, BOB, &String::from_utf8(sink).unwrap());
    let (code, _, err) = decrypt(&bob_home(), &m, "zip bomb");
    assert_eq!(code, 1);
    assert!(err.contains("decompression bomb"), "{err}");
}

#[test]
fn oversized_and_overnested_input_is_refused_early() {
    let sb = bob_home();
    // A 100 MB header line.
    let mut big = b"Subject: ".to_vec();
    big.extend(std::iter::repeat_n(b'a', 100 << 20));
    big.extend_from_slice(b"\r\nFrom: x@example.org\r\n\r\nbody\r\n");
    let (code, _, err) = decrypt(&sb, &big, "100 MB header");
    assert_eq!(code, 1);
    assert!(err.contains("header line"), "{err}");
    // 10,000 nested multiparts.
    let mut nested = String::from("From: x@example.org\r\nSubject: deep\r\n");
    for i in 0..10_000 {
        nested.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
        ));
    }
    nested.push_str("Content-Type: text/plain\r\n\r\nbottom\r\n");
    let (code, _, err) = decrypt(&sb, nested.as_bytes(), "10,000 nested parts");
    assert_eq!(code, 1);
    assert!(
        err.contains("multipart") || err.contains("MIME parts"),
        "{err}"
    );
}

#[test]
fn odd_bytes_and_line_ends_never_panic() {
    let sb = bob_home();
    let good = good_mail("line one\nline two\n");
    let s = String::from_utf8_lossy(&good).to_string();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("binary", (0..=255u8).cycle().take(4096).collect()),
        ("invalid UTF-8 in headers and body", b"From: \xff\xfe <x@example.org>\r\nSubject: \xc3\x28\r\n\r\n\xff\xff body\r\n".to_vec()),
        ("NUL bytes", b"From: a@example.org\r\nSubject: n\x00ul\r\n\r\nbo\x00dy\r\n".to_vec()),
        ("LF only", s.replace("\r\n", "\n").into_bytes()),
        ("CRLF and LF mixed", s.replacen("\r\n", "\n", 7).into_bytes()),
        ("duplicated boundaries", {
            let b = s.split("boundary=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
            s.replacen(&format!("--{b}\r\n"), &format!("--{b}\r\n--{b}\r\n"), 1).into_bytes()
        }),
        ("wrong key", {
            let c = Sandbox::new();
            c.import(&[ALICE_SEC, "contractor@agency.example-pub.asc"]);
            c.compose(&["--from", ALICE, "--to", "contractor@agency.example", "--subject", "x"], "for someone else\n")
        }),
        ("flipped byte", flip_ciphertext_byte(&good)),
        ("ANSI escapes in the subject", b"From: a@example.org\r\nSubject: \x1b[31mRED\x1b[0m \x1b]0;title\x07\r\n\r\nhi \x1b[2J\r\n".to_vec()),
    ];
    for (what, input) in cases {
        let (code, out, _) = decrypt(&sb, &input, what);
        if code == 0 && what.contains("line") {
            let j: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(j["encrypted"], true, "{what}: still decrypts");
        }
    }
    // On a terminal-style (human) output, escape sequences are neutralised.
    let p = sb.path("ansi.eml");
    std::fs::write(
        &p,
        b"From: a@example.org\r\nSubject: \x1b[31mRED\r\n\r\nhi \x1b[2J\r\n",
    )
    .unwrap();
    let out = sb.cmd().arg("decrypt").arg(&p).output().unwrap();
    assert!(!out.stdout.contains(&0x1b), "no ESC reaches the terminal");
}

#[test]
fn aead_messages_are_accepted_and_a_signed_wrapper_does_not_rescue_no_mdc() {
    // SEIPDv2 (AEAD): a recipient that advertises it gets it, and it decrypts.
    let d = tempfile::tempdir().unwrap();
    let (v6ish, _) = openpgp::cert::CertBuilder::general_purpose(Some("<aead@example.org>"))
        .generate()
        .unwrap();
    use openpgp::serialize::SerializeInto;
    std::fs::write(
        d.path().join("k.asc"),
        v6ish.as_tsk().armored().to_vec().unwrap(),
    )
    .unwrap();
    let a = Sandbox::new();
    a.import(&[ALICE_SEC]);
    std::fs::write(a.path("pub.asc"), v6ish.armored().to_vec().unwrap()).unwrap();
    a.cmd()
        .arg("key")
        .arg("import")
        .arg(a.path("pub.asc"))
        .assert()
        .success();
    // The sender's own key advertises SEIPDv1 only, so send to the AEAD key alone with a v2-capable sender.
    let s = Sandbox::new();
    s.cmd()
        .arg("key")
        .arg("import")
        .arg(d.path().join("k.asc"))
        .assert()
        .success();
    let mail = s.compose(
        &[
            "--from",
            "aead@example.org",
            "--to",
            "aead@example.org",
            "--subject",
            "aead",
        ],
        "sealed with AEAD\n",
    );
    let armored = encrypted_payload(&mail);
    assert!(armored.contains("-----BEGIN PGP MESSAGE-----"));
    let j = s.decrypt_json(&mail);
    assert_eq!(j["encrypted"], true);
    assert_eq!(j["integrity"], "ok");
    assert!(j["body"].as_str().unwrap().contains("sealed with AEAD"));

    // A no-MDC message inside a multipart/signed wrapper is still refused.
    let inner = String::from_utf8_lossy(&gpg_encrypted_mail(
        ALICE,
        BOB,
        BOB_PUB,
        &["--rfc2440", "--cipher-algo", "CAST5"],
        b"Content-Type: text/plain\r\n\r\nno-mdc secret\r\n",
    ))
    .to_string();
    let body = inner.split_once("\r\n\r\n").unwrap();
    let ct = inner
        .lines()
        .find(|l| l.starts_with("Content-Type: multipart/encrypted"))
        .unwrap();
    let wrapped = format!(
        "From: {ALICE}\r\nTo: {BOB}\r\nSubject: wrapped\r\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"w\"\r\n\r\n--w\r\n{ct}\r\n boundary=\"XyZ\"\r\n\r\n{}\r\n--w\r\nContent-Type: application/pgp-signature\r\n\r\n-----BEGIN PGP SIGNATURE-----\r\n\r\nAAAA\r\n-----END PGP SIGNATURE-----\r\n--w--\r\n",
        body.1
    );
    let (code, out, err) = decrypt(
        &bob_home(),
        wrapped.as_bytes(),
        "signed wrapper around no-MDC",
    );
    assert_eq!(code, 1, "{err}");
    assert!(!out.contains("no-mdc secret") && !err.contains("no-mdc secret"));
}

#[test]
fn fuzzer_found_inputs_are_refused_cleanly() {
    // See tests/data/fuzz/README.md: each once crashed the OpenPGP library under sealmail.
    let sb = bob_home();
    let found: Vec<_> = std::fs::read_dir(data("fuzz"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert!(!found.is_empty());
    for p in found {
        let raw = std::fs::read(&p).unwrap();
        let f = p.display().to_string();
        let (code, _, err) = decrypt(&sb, &raw, &f);
        assert_eq!(code, 1, "{f}: {err}");
        assert!(err.contains("damaged"), "{f}: {err}");
        // The same verdict when the file is read as a stream (as large mail is).
        let out = sb
            .cmd()
            .env("SEALMAIL_STREAM_ABOVE", "0")
            .arg("decrypt")
            .arg(&p)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{f} streamed: {err}");
        assert!(err.contains("damaged"), "{f} streamed: {err}");
    }
}

/// A mail whose PKESK, encrypted to Bob's RSA subkey with his public key only, holds an empty
/// session-key plaintext, followed by a SEIPD packet of noise.
fn empty_session_key_mail() -> Vec<u8> {
    use openpgp::crypto::SessionKey;
    use openpgp::packet::PKESK;
    use openpgp::policy::StandardPolicy;
    use openpgp::serialize::Marshal;
    let cert = sealmail::keys::parse_certs(&std::fs::read(key(BOB_PUB)).unwrap(), "b")
        .unwrap()
        .remove(0);
    let p = StandardPolicy::new();
    let vc = cert.with_policy(&p, None).unwrap();
    let subkey = vc
        .keys()
        .for_transport_encryption()
        .next()
        .unwrap()
        .key()
        .clone();
    let ciphertext = subkey.encrypt(&SessionKey::from(Vec::new())).unwrap();
    let pkesk =
        openpgp::packet::pkesk::PKESK3::new(Some(subkey.keyid()), subkey.pk_algo(), ciphertext)
            .unwrap();
    let mut bin = Vec::new();
    openpgp::Packet::from(PKESK::from(pkesk))
        .serialize(&mut bin)
        .unwrap();
    // SEIPD v1: tag 18, length 100, version 1, 99 octets of noise.
    bin.extend_from_slice(&[0xd2, 100, 1]);
    bin.extend((0..99u32).map(|i| (i * 37 % 251) as u8));
    let mut w = openpgp::armor::Writer::new(Vec::new(), openpgp::armor::Kind::Message).unwrap();
    w.write_all(&bin).unwrap();
    let armored = String::from_utf8(w.finalize().unwrap()).unwrap();
    pgp_mime_envelope(ALICE, BOB, &armored)
}

#[test]
fn an_empty_session_key_plaintext_is_refused_not_a_crash() {
    // Issue 18: sequoia-openpgp 2.4.2 indexes the first octet of a decrypted session-key
    // plaintext without checking that there is one (src/packet/pkesk.rs), so anyone with the
    // recipient's public key can make it panic; sealmail's guard turns that into a refusal.
    // See docs/SECURITY.md, "Reported upstream".
    let mail = empty_session_key_mail();
    let sb = bob_home();
    for above in ["1000000000", "0"] {
        let p = sb.path("empty-sk.eml");
        std::fs::write(&p, &mail).unwrap();
        let out = sb
            .cmd()
            .env("SEALMAIL_STREAM_ABOVE", above)
            .arg("decrypt")
            .arg(&p)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(out.stdout.is_empty());
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{err}"
        );
        assert!(err.contains("hint:"), "{err}");
    }
}
