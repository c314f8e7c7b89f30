//! Scale: a big attachment streams through compose in bounded memory; batch decryption of a
//! Maildir and an mbox reports every mail, whatever state it is in.

use std::io::Write;

use serde_json::Value;

use crate::common::*;

#[test]
fn compose_streams_a_256_mb_attachment_in_bounded_memory() {
    let sb = alice_home();
    let small = sb.path("small.bin");
    let big = sb.path("big.bin");
    big_file(&small, 10);
    big_file(&big, 256);
    let body = sb.path("body.txt");
    std::fs::write(&body, "the dump is attached\n").unwrap();
    let run = |att: &std::path::Path, out: &str| {
        peak_rss_kib(
            &sb,
            &[
                "compose",
                "--from",
                ALICE,
                "--to",
                BOB,
                "--subject",
                "dump",
                "--body-file",
                body.to_str().unwrap(),
                "--attach",
                att.to_str().unwrap(),
                "-o",
                sb.path(out).to_str().unwrap(),
            ],
        )
    };
    let (s, st) = run(&small, "small.eml");
    assert!(st.success());
    let (b, st) = run(&big, "big.eml");
    assert!(st.success());
    println!("compose peak RSS: 10 MB attachment {s} KiB, 256 MB attachment {b} KiB");
    assert!(b <= 48 * 1024, "256 MB attachment in {b} KiB");
    // Sequoia's partial-body chunks grow to a fixed maximum: a few MB, then flat.
    assert!(
        b < s + 8 * 1024,
        "memory grows with the attachment: {s} -> {b} KiB"
    );
    // The big message is a correct PGP/MIME mail: gpg decrypts and verifies it.
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);
    let eml = std::fs::read(sb.path("big.eml")).unwrap();
    assert!(eml.len() > 256 << 20);
    let o = run_to_null(g.cmd().arg("--decrypt"), encrypted_payload(&eml).as_bytes());
    assert!(o.contains("Good signature"), "{o}");
    drop(eml);
    decrypt_streams(&sb, &big, &small);
}

/// Decrypting the big mail streams as well: the attachment comes out whole in bounded memory,
/// and a truncated or tampered big mail leaves nothing behind.
fn decrypt_streams(alice: &Sandbox, big: &std::path::Path, small: &std::path::Path) {
    let bob = bob_home();
    let decrypt = |eml: &std::path::Path, dir: &std::path::Path| {
        peak_rss_kib(
            &bob,
            &[
                "decrypt",
                eml.to_str().unwrap(),
                "--attachments",
                dir.to_str().unwrap(),
            ],
        )
    };
    let (s, st) = decrypt(&alice.path("small.eml"), &bob.path("small-out"));
    assert!(st.success());
    let (b, st) = decrypt(&alice.path("big.eml"), &bob.path("big-out"));
    assert!(st.success());
    println!("decrypt peak RSS: 10 MB attachment {s} KiB, 256 MB attachment {b} KiB");
    assert!(b <= 48 * 1024, "256 MB attachment decrypted in {b} KiB");
    assert!(
        b < s + 8 * 1024,
        "memory grows with the attachment: {s} -> {b} KiB"
    );
    assert!(same_content(&bob.path("big-out/big.bin"), big));
    assert!(same_content(&bob.path("small-out/small.bin"), small));
    assert_eq!(entries(&bob.path("big-out")), ["big.bin"]);

    // Cut short, or one byte changed in the middle: exit 1, and the folder stays empty (no
    // partial attachment, no temporary file).
    let full = std::fs::metadata(alice.path("big.eml")).unwrap().len();
    let trunc = bob.path("trunc.eml");
    copy_changed(&alice.path("big.eml"), &trunc, full / 2, None);
    let tampered = bob.path("tampered.eml");
    copy_changed(&alice.path("big.eml"), &tampered, full, Some(full / 2));
    for (what, eml) in [("truncated", &trunc), ("tampered", &tampered)] {
        let dir = bob.path(&format!("{what}-out"));
        let out = bob
            .cmd()
            .arg("decrypt")
            .arg(eml)
            .arg("--attachments")
            .arg(&dir)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("hint:"), "{what}: {err}");
        assert!(out.stdout.is_empty(), "{what}: nothing on stdout");
        assert_eq!(entries(&dir), Vec::<String>::new(), "{what}: {err}");
    }
}

/// The names in a folder (none when it does not exist).
fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Copies the first `len` bytes of `from`, changing one base64 character at `flip`.
fn copy_changed(from: &std::path::Path, to: &std::path::Path, len: u64, flip: Option<u64>) {
    use std::io::{Read, Seek, SeekFrom};
    let mut src = std::fs::File::open(from).unwrap().take(len);
    let mut dst = std::fs::File::create(to).unwrap();
    std::io::copy(&mut src, &mut dst).unwrap();
    if let Some(at) = flip {
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(to)
            .unwrap();
        let mut b = [0u8; 64];
        f.seek(SeekFrom::Start(at)).unwrap();
        f.read_exact(&mut b).unwrap();
        let i = b.iter().position(|c| c.is_ascii_alphanumeric()).unwrap();
        b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        f.seek(SeekFrom::Start(at)).unwrap();
        f.write_all(&b).unwrap();
    }
}

/// Runs with stdin, stdout to /dev/null; returns stderr.
fn run_to_null(cmd: &mut std::process::Command, stdin: &[u8]) -> String {
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut i = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let t = std::thread::spawn(move || {
        let _ = i.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    t.join().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Good, tampered, unsigned, non-PGP and garbage mails for Bob.
fn mixed_mails() -> Vec<(&'static str, Vec<u8>)> {
    let alice = alice_home();
    let good = alice.compose(
        &["--from", ALICE, "--to", BOB, "--subject", "good one"],
        "fine\n",
    );
    let tampered = flip_ciphertext_byte(&good);
    let unsigned = gpg_encrypted_mail(
        ALICE,
        BOB,
        BOB_PUB,
        &[],
        b"Content-Type: text/plain\r\n\r\nunsigned\r\n",
    );
    let plain = b"From: carol@example.org\r\nTo: bob@openpgp.example\r\nSubject: lunch\r\n\r\nno crypto here\r\n".to_vec();
    let garbage = b"\x00\x01\x02 not a mail at all".to_vec();
    vec![
        ("good", good),
        ("tampered", tampered),
        ("unsigned", unsigned),
        ("plain", plain),
        ("garbage", garbage),
    ]
}

fn check_lines(stdout: &[u8], n: usize) -> Vec<Value> {
    let v: Vec<Value> = String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(v.len(), n, "one line per mail");
    v
}

#[test]
fn batch_decrypt_of_a_maildir_reports_every_mail() {
    let bob = bob_home();
    let md = bob.path("Maildir");
    for d in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(d)).unwrap();
    }
    for (name, m) in mixed_mails() {
        std::fs::write(md.join("cur").join(format!("{name}:2,S")), m).unwrap();
    }
    let out_dir = bob.path("Decrypted");
    let out = bob
        .cmd()
        .args(["--json", "decrypt", "--maildir"])
        .arg(&md)
        .arg("--output")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "failures make the exit status 1"
    );
    let lines = check_lines(&out.stdout, 5);
    let by = |n: &str| {
        lines
            .iter()
            .find(|l| l["file"].as_str().unwrap().contains(n))
            .unwrap()
            .clone()
    };
    assert_eq!(by("good")["encrypted"], true);
    assert_eq!(by("good")["signature"]["status"], "good");
    assert_eq!(by("good")["matches_from"], true);
    assert_eq!(by("good")["subject"], "good one");
    assert_eq!(by("tampered")["integrity"], "failed");
    assert!(by("tampered")["error"]
        .as_str()
        .unwrap()
        .contains("integrity"));
    assert_eq!(by("unsigned")["encrypted"], true);
    assert_eq!(by("unsigned")["signature"]["status"], "missing");
    assert_eq!(by("plain")["encrypted"], false);
    assert!(by("plain")["error"].is_null());
    assert!(by("garbage")["error"].is_string());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("5 messages: 2 decrypted, 1 with a good signature from their sender, 2 failed"));
    // Decrypted copies (and the plain one as it is) went to the output Maildir, not next to the originals.
    let copies: Vec<_> = std::fs::read_dir(out_dir.join("new")).unwrap().collect();
    assert_eq!(copies.len(), 3);
    assert_eq!(std::fs::read_dir(md.join("cur")).unwrap().count(), 5);
}

#[test]
fn batch_decrypt_of_an_mbox() {
    let bob = bob_home();
    let mut mbox = Vec::new();
    for (_, m) in mixed_mails().into_iter().filter(|(n, _)| *n != "garbage") {
        mbox.extend_from_slice(b"From sender@example.org Mon Jan  5 10:00:00 2026\n");
        mbox.extend_from_slice(
            &String::from_utf8_lossy(&m)
                .replace("\r\n", "\n")
                .into_bytes(),
        );
        mbox.extend_from_slice(b"\n");
    }
    let p = bob.path("box.mbox");
    std::fs::write(&p, mbox).unwrap();
    let out = bob
        .cmd()
        .args(["--json", "decrypt", "--mbox"])
        .arg(&p)
        .args(["--jobs", "2"])
        .output()
        .unwrap();
    let lines = check_lines(&out.stdout, 4);
    assert!(lines
        .iter()
        .all(|l| l["file"].as_str().unwrap().contains("box.mbox#") && l["offset"].is_u64()));
    assert_eq!(
        lines.iter().filter(|l| l["error"].is_string()).count(),
        1,
        "only the tampered one fails"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn streamed_and_in_memory_reads_agree() {
    // Every mail read both ways (SEALMAIL_STREAM_ABOVE=0 streams whatever the size) gives the
    // same report; one with a 3 MB attachment and a 2 MB text part exercises the parts that
    // go to files.
    let alice = alice_home();
    let att = alice.path("data.bin");
    big_file(&att, 3);
    let text = alice.path("long.txt");
    std::fs::write(&text, "a long log line\n".repeat(128 << 10)).unwrap();
    let with_parts = alice.compose(
        &[
            "--from",
            ALICE,
            "--to",
            BOB,
            "--subject",
            "parts",
            "--attach",
            att.to_str().unwrap(),
            "--attach",
            text.to_str().unwrap(),
        ],
        "see the files\n",
    );
    let mut mails = mixed_mails();
    mails.push(("parts", with_parts));
    let bob = bob_home();
    for (what, mail) in &mails {
        let path = bob.path(&format!("{what}.eml"));
        std::fs::write(&path, mail).unwrap();
        let read = |above: &str, dir: &str| {
            bob.cmd()
                .env("SEALMAIL_STREAM_ABOVE", above)
                .args(["--json", "decrypt", "--attachments"])
                .arg(bob.path(dir))
                .arg(&path)
                .output()
                .unwrap()
        };
        let (mem, streamed) = (read("1000000000", "mem"), read("0", "streamed"));
        assert_eq!(mem.status.code(), streamed.status.code(), "{what}");
        assert_eq!(
            String::from_utf8_lossy(&mem.stdout),
            String::from_utf8_lossy(&streamed.stdout),
            "{what}"
        );
    }
    for name in ["data.bin", "long.txt"] {
        assert!(same_content(
            &bob.path(&format!("mem/{name}")),
            &bob.path(&format!("streamed/{name}"))
        ));
    }
    assert!(same_content(&bob.path("streamed/data.bin"), &att));
}

#[test]
fn a_limit_met_while_streaming_stops_the_read_and_leaves_nothing() {
    // The decrypted content opens 40 nested multiparts (the limit is 32) and then carries
    // 2.4 MB: when streamed, the MIME walker stops at the limit while the decryptor still has
    // most of the message to give. Both ways refuse it alike, and no file is left behind.
    let mut inner = String::new();
    for i in 0..40 {
        inner += &format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n");
    }
    inner += "Content-Type: text/plain\r\n\r\n";
    inner += &"a line of the deep part, repeated\r\n".repeat(70_000);
    for i in (0..40).rev() {
        inner += &format!("\r\n--b{i}--\r\n");
    }
    let mail = gpg_encrypted_mail(
        ALICE,
        BOB,
        BOB_PUB,
        &["--compress-algo", "none"],
        inner.as_bytes(),
    );
    let bob = bob_home();
    let path = bob.path("deep.eml");
    std::fs::write(&path, mail).unwrap();
    let mut errors = Vec::new();
    for (above, dir) in [("1000000000", "mem"), ("0", "streamed")] {
        let out = bob
            .cmd()
            .env("SEALMAIL_STREAM_ABOVE", above)
            .args(["decrypt", "--attachments"])
            .arg(bob.path(dir))
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{dir}: {err}");
        assert!(err.contains("nest"), "{dir}: {err}");
        assert!(!err.contains("panicked"), "{dir}: {err}");
        assert!(out.stdout.is_empty(), "{dir}: nothing is shown");
        assert_eq!(entries(&bob.path(dir)), Vec::<String>::new(), "{dir}");
        errors.push(err.lines().next().unwrap_or_default().to_string());
    }
    assert_eq!(errors[0], errors[1], "the same refusal both ways");
}

#[test]
fn send_streams_a_big_attachment_to_the_smtp_server() {
    // Queue and delivery stream too: the message is composed into the outbox file and goes
    // from there to the server (STARTTLS, AUTH) piece by piece.
    let server = crate::send::SmtpServer::start(true);
    let sb = crate::send::sender(&server, "");
    let (small, big) = (sb.path("small.bin"), sb.path("big.bin"));
    big_file(&small, 4);
    big_file(&big, 64);
    let body = sb.path("body.txt");
    std::fs::write(&body, "the dump is attached\n").unwrap();
    let send = |att: &std::path::Path, subject: &str| {
        peak_rss_kib(
            &sb,
            &[
                "send",
                "--to",
                BOB,
                "--subject",
                subject,
                "--body-file",
                body.to_str().unwrap(),
                "--attach",
                att.to_str().unwrap(),
            ],
        )
    };
    let (s, st) = send(&small, "small");
    assert!(st.success());
    let (b, st) = send(&big, "big");
    assert!(st.success());
    // The bound is the product's (48 MB): what the program itself takes at rest differs by
    // build (a release binary 9.5 MB, this test build about 18 MB, most of it relocated
    // tables), so the send may use at most 38 MB above that.
    let (rest, _) = peak_rss_kib(&sb, &["--version"]);
    eprintln!(
        "send peak RSS: 4 MB attachment {s} KiB, 64 MB attachment {b} KiB, at rest {rest} KiB"
    );
    assert!(
        b.saturating_sub(rest) <= 38 * 1024,
        "64 MB attachment sent in {b} KiB ({rest} KiB at rest)"
    );
    assert!(
        b < s + 8 * 1024,
        "memory grows with the attachment: {s} -> {b} KiB"
    );
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert!(got[1].1.len() > 64 << 20, "the whole message arrived");
}

#[test]
fn a_large_signed_then_encrypted_mail_is_read_whole_when_streaming_cannot_verify_it() {
    // RFC 3156 §6.1 nesting with a 2 MB attachment: its detached signature covers the exact
    // bytes, which the streamed skeleton does not keep, so the streamed read falls back to
    // memory and gives the same verdict: a good signature from Bob.
    let g = Gpg::new();
    g.import(&[BOB_SEC, ALICE_PUB]);
    let data: Vec<u8> = (0..2_000_000u32).map(|i| (i * 7 % 253) as u8).collect();
    let b64 = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&data)
    };
    let mut att = String::new();
    for l in b64.as_bytes().chunks(76) {
        att.push_str(std::str::from_utf8(l).unwrap());
        att.push_str("\r\n");
    }
    let part = format!(
        "Content-Type: multipart/mixed; boundary=\"m1\"\r\n\r\n--m1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nthe log is attached\r\n--m1\r\nContent-Type: application/octet-stream; name=\"log.bin\"\r\nContent-Disposition: attachment; filename=\"log.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{att}--m1--\r\n"
    );
    let mail = gpg_nested_mail(&g, &part, BOB, ALICE);
    let alice = alice_home();
    let path = alice.path("nested.eml");
    std::fs::write(&path, &mail).unwrap();
    let mut reports = Vec::new();
    for (above, dir) in [("1000000000", "mem"), ("0", "streamed")] {
        let out = alice
            .cmd()
            .env("SEALMAIL_STREAM_ABOVE", above)
            .args(["--json", "decrypt", "--attachments"])
            .arg(alice.path(dir))
            .arg(&path)
            .output()
            .unwrap();
        assert_ok(&out);
        let j: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(j["signature"]["status"], "good", "{dir}: {j}");
        assert_eq!(j["signature"]["matches_from"], true, "{dir}: {j}");
        assert_eq!(
            std::fs::read(alice.path(&format!("{dir}/log.bin"))).unwrap(),
            data
        );
        reports.push(j);
    }
    assert_eq!(reports[0], reports[1]);
}

#[test]
fn big_mails_from_gpg_rnp_and_sq_stream_and_their_mdc_is_checked() {
    // Each peer signs and encrypts (Alice to Bob) a MIME entity with a 2 MB attachment. Read
    // as a stream (the path of any mail above 16 MB, where sealmail undoes the encryption
    // layer itself), it gives the same report as in memory (the OpenPGP library's decryptor)
    // and the same file; with only the last byte of the MDC changed, the read fails and leaves
    // nothing behind.
    require("gpg");
    require("rnp");
    require("sq");
    let bob = bob_home();
    let att = bob.path("data.bin");
    big_file(&att, 2);
    let b64: String = {
        use base64::Engine;
        let all = base64::engine::general_purpose::STANDARD.encode(std::fs::read(&att).unwrap());
        all.as_bytes()
            .chunks(76)
            .map(|l| format!("{}\r\n", std::str::from_utf8(l).unwrap()))
            .collect()
    };
    let inner = format!(
        "Content-Type: multipart/mixed; boundary=\"in\"\r\n\r\n--in\r\nContent-Type: text/plain\r\n\r\nsee the file\r\n--in\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}--in--\r\n"
    );
    let gpg = Gpg::new();
    gpg.import(&[ALICE_SEC, BOB_PUB]);
    let rnp = crate::interop::rnp_home(&[ALICE_SEC, BOB_PUB]);
    let peers: [(&str, std::process::Command); 3] = [
        ("gpg", {
            let mut c = gpg.cmd();
            c.args(["--trust-model", "always", "-u", ALICE, "--sign", "--armor"])
                .args(["--encrypt", "-r", BOB]);
            c
        }),
        ("rnp", {
            let mut c = std::process::Command::new("rnp");
            c.arg("--homedir").arg(rnp.path()).args([
                "--encrypt",
                "--sign",
                "-r",
                BOB,
                "-u",
                ALICE,
                "--armor",
                "--output",
                "-",
                "--password",
                "",
            ]);
            c
        }),
        ("sq", {
            let mut c = std::process::Command::new("sq");
            c.arg("encrypt")
                .arg("--recipient-cert")
                .arg(key(BOB_PUB))
                .arg("--signer-key")
                .arg(key(ALICE_SEC));
            c
        }),
    ];
    for (peer, mut cmd) in peers {
        let o = run(&mut cmd, inner.as_bytes());
        assert!(
            o.status.success(),
            "{peer}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let mail = pgp_mime_envelope(ALICE, BOB, &String::from_utf8(o.stdout).unwrap());
        let read = |mail: &[u8], above: &str, dir: &str| {
            let path = bob.path(&format!("{peer}-{dir}.eml"));
            std::fs::write(&path, mail).unwrap();
            bob.cmd()
                .env("SEALMAIL_STREAM_ABOVE", above)
                .args(["--json", "decrypt", "--attachments"])
                .arg(bob.path(&format!("{peer}-{dir}")))
                .arg(&path)
                .output()
                .unwrap()
        };
        let (mem, streamed) = (
            read(&mail, "1000000000", "mem"),
            read(&mail, "0", "streamed"),
        );
        assert!(
            streamed.status.success(),
            "{peer}: {}",
            String::from_utf8_lossy(&streamed.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&mem.stdout),
            String::from_utf8_lossy(&streamed.stdout),
            "{peer}"
        );
        let v: Value = serde_json::from_slice(&streamed.stdout).unwrap();
        assert_eq!(v["integrity"], "ok", "{peer}: {v}");
        assert_eq!(v["signature"]["status"], "good", "{peer}: {v}");
        assert!(same_content(
            &bob.path(&format!("{peer}-streamed/data.bin")),
            &att
        ));

        let changed = read(&flip_ciphertext_byte_at(&mail, 1), "0", "changed");
        let err = String::from_utf8_lossy(&changed.stderr);
        assert_eq!(changed.status.code(), Some(1), "{peer}: {err}");
        assert!(err.contains("integrity"), "{peer}: {err}");
        assert_eq!(
            entries(&bob.path(&format!("{peer}-changed"))),
            Vec::<String>::new()
        );
    }
}
