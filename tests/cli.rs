//! The command-line contract: keys, compose, decrypt, JSON fields, exit codes, bad input.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use crate::common::*;

#[test]
fn key_generate_list_export_remove() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args([
            "key",
            "generate",
            "--email",
            "ann@example.org",
            "--name",
            "Ann",
            "--no-passphrase",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let fpr = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(fpr.len(), 40, "prints the fingerprint: {fpr}");

    let list: Value = sb.json(&["key", "list"]);
    let k = &list[0];
    assert_eq!(k["fingerprint"], fpr.as_str());
    assert_eq!(k["emails"][0], "ann@example.org");
    assert_eq!(k["secret"], true);
    assert_eq!(k["can_encrypt"], true);
    assert_eq!(k["revoked"], false);
    // Keys expire by default (issue 19): three years from now.
    let year = chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap();
    assert!(
        k["expires"]
            .as_str()
            .unwrap()
            .starts_with(&(year + 3).to_string()),
        "{k}"
    );

    // v4, advertising SEIPDv1 only: what gpg 2.2 and Thunderbird can use.
    let exported = sb
        .cmd()
        .args(["key", "export", "ann@example.org"])
        .output()
        .unwrap()
        .stdout;
    let cert = sealmail::openpgp::Cert::from_bytes(&exported).unwrap();
    use sealmail::openpgp::parse::Parse;
    assert_eq!(cert.primary_key().key().version(), 4);
    let p = sealmail::openpgp::policy::StandardPolicy::new();
    let vc = cert.with_policy(&p, None).unwrap();
    use sealmail::openpgp::cert::Preferences;
    let f = vc.features().unwrap();
    assert!(f.supports_seipdv1() && !f.supports_seipdv2());
    assert!(!cert.is_tsk(), "a plain export has no secret key");

    let secret = sb
        .cmd()
        .args(["key", "export", &fpr, "--secret"])
        .output()
        .unwrap()
        .stdout;
    assert!(String::from_utf8_lossy(&secret).contains("PRIVATE KEY BLOCK"));

    sb.cmd()
        .args(["key", "show", "ann@example.org"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&fpr));
    // An own key is removed only after a confirmation (issue 19).
    sb.cmd().args(["key", "remove", &fpr]).assert().code(1);
    sb.cmd()
        .args(["key", "remove", &fpr, "--yes"])
        .assert()
        .success();
    let list: Value = sb.json(&["key", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[test]
fn key_import_many_per_file_and_stdin() {
    let sb = Sandbox::new();
    let mut both = std::fs::read(key(ALICE_PUB)).unwrap();
    both.extend(std::fs::read(key(BOB_PUB)).unwrap());
    sb.cmd()
        .args(["key", "import", "-"])
        .write_stdin(both)
        .assert()
        .success();
    let list: Value = sb.json(&["key", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    // Binary input works as well.
    let sb2 = Sandbox::new();
    let bin = sealmail::keys::parse_certs(&std::fs::read(key(BOB_PUB)).unwrap(), "bob").unwrap();
    use sealmail::openpgp::serialize::SerializeInto;
    let path = sb2.path("bob.pgp");
    std::fs::write(&path, bin[0].to_vec().unwrap()).unwrap();
    sb2.cmd()
        .arg("key")
        .arg("import")
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn round_trip_with_protected_headers_attachment_and_bcc() {
    let alice = alice_home();
    alice.import(&["contractor@agency.example-pub.asc"]);
    let att = alice.path("db-notes.txt");
    std::fs::write(&att, "runbook: restart with systemctl\n").unwrap();
    let mail = alice.compose(
        &[
            "--from",
            "Alice Lovelace <alice@openpgp.example>",
            "--to",
            BOB,
            "--bcc",
            "contractor@agency.example",
            "--subject",
            "Zugang für db1 – geheim",
            "--attach",
            att.to_str().unwrap(),
        ],
        "host: db1.example\nuser: deploy\npassword: s3cr3t-Ünïcode\n",
    );
    let text = String::from_utf8_lossy(&mail);
    let head = &text[..text.find("\r\n\r\n").unwrap()];
    assert!(
        head.contains("Subject: [...]"),
        "outer subject is the placeholder"
    );
    assert!(head.contains("multipart/encrypted"));
    assert!(head.contains("Autocrypt: addr=alice@openpgp.example; keydata="));
    assert!(
        !text.contains("contractor@agency.example"),
        "Bcc never appears in a header"
    );
    assert!(!text.contains("s3cr3t"), "no secret outside the ciphertext");
    assert!(
        !text.contains("Zugang"),
        "no real subject outside the ciphertext"
    );

    let bob = bob_home();
    let att_dir = bob.path("att");
    let out = bob
        .cmd()
        .args(["--json", "decrypt", "-", "--attachments"])
        .arg(&att_dir)
        .write_stdin(mail.clone())
        .output()
        .unwrap();
    assert_ok(&out);
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["encrypted"], true);
    assert_eq!(j["integrity"], "ok");
    assert_eq!(j["signature"]["status"], "good");
    assert_eq!(
        j["signature"]["signer"],
        "EB85BB5FA33A75E15E944E63F231550C4F47E38E"
    );
    assert_eq!(j["signature"]["signer_email"], ALICE);
    assert_eq!(j["signature"]["matches_from"], true);
    assert_eq!(j["from"], ALICE);
    assert_eq!(j["subject"], "Zugang für db1 – geheim");
    assert_eq!(j["protected_headers"], true);
    assert!(j["body"]
        .as_str()
        .unwrap()
        .contains("password: s3cr3t-Ünïcode"));
    let parts = j["parts"].as_array().unwrap();
    assert!(parts
        .iter()
        .all(|p| p["encrypted"] == true && p["signed"] == true));
    assert!(parts.iter().any(|p| p["filename"] == "db-notes.txt"));
    assert_eq!(
        std::fs::read_to_string(att_dir.join("db-notes.txt")).unwrap(),
        "runbook: restart with systemctl\n"
    );

    // Human output: headers and body on stdout, the verdict on stderr.
    bob.cmd()
        .arg("decrypt")
        .write_stdin(mail.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("Subject: Zugang für db1 – geheim"))
        .stderr(predicate::str::contains(
            "encrypted (integrity ok); good signature from alice@openpgp.example",
        ));
    // --raw gives the inner MIME entity with its protected headers.
    bob.cmd()
        .args(["decrypt", "--raw"])
        .write_stdin(mail.clone())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("protected-headers=\"v1\"")
                .and(predicate::str::contains("hp=\"cipher\"")),
        );
    // --require-signature passes for a good signature that matches From.
    bob.cmd()
        .args(["decrypt", "--require-signature"])
        .write_stdin(mail)
        .assert()
        .success();
}

/// `compose` arguments for a signed-only note from Alice to Bob.
const SIGNED_NOTE: [&str; 7] = [
    "--from",
    ALICE,
    "--to",
    BOB,
    "--subject",
    "signed note",
    "--sign-only",
];

#[test]
fn sign_only_round_trip() {
    let alice = alice_home();
    let mail = alice.compose(&SIGNED_NOTE, "only signed\n");
    assert!(String::from_utf8_lossy(&mail).contains("multipart/signed; micalg=pgp-sha256"));
    let j = bob_home().decrypt_json(&mail);
    assert_eq!(j["encrypted"], false);
    assert_eq!(j["integrity"], "none");
    assert_eq!(j["signature"]["status"], "good");
    assert_eq!(j["signature"]["matches_from"], true);
    assert_eq!(j["subject"], "signed note");
    // One changed byte in the signed part: bad.
    let s = String::from_utf8(mail)
        .unwrap()
        .replace("only signed", "only signeD");
    let j = bob_home().decrypt_json(s.as_bytes());
    assert_eq!(j["signature"]["status"], "bad");
    assert_eq!(j["parts"][0]["signed"], false);
}

#[test]
fn require_signature_refuses_unsigned_and_foreign() {
    // Signed by Alice, but the From says Bob: good signature by someone else.
    let alice = alice_home();
    let mail = alice.compose(&["--from", ALICE, "--to", BOB, "--subject", "x"], "hello\n");
    let forged = String::from_utf8(mail).unwrap().replacen(
        "From: alice@openpgp.example",
        "From: bob@openpgp.example",
        1,
    );
    let bob = bob_home();
    let j = bob.decrypt_json(forged.as_bytes());
    assert_eq!(j["signature"]["status"], "good");
    assert_eq!(j["signature"]["matches_from"], false);
    bob.cmd()
        .args(["decrypt", "--require-signature"])
        .write_stdin(forged)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("NOT the sender"));
}

/// Checks the shape every refusal must have: exit 1, an `error:` line, a `hint:` line,
/// nothing on stdout, no panic.
fn assert_clean_failure(out: std::process::Output, what: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: exit 1, got {:?}: {err}",
        out.status
    );
    assert!(out.stdout.is_empty(), "{what}: nothing on stdout");
    assert!(err.starts_with("error: "), "{what}: one error line: {err}");
    assert!(err.contains("\nhint: "), "{what}: a hint: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{what}: no panic: {err}"
    );
    err
}

#[test]
fn bad_input_to_decrypt() {
    let bob = bob_home();
    let alice = alice_home();
    let good = alice.compose(
        &["--from", ALICE, "--to", BOB, "--subject", "x"],
        "the secret is 42\n",
    );

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty file", Vec::new(), "empty"),
        (
            "non-mail file",
            b"\x89PNG\r\n\x1a\n\x00\x00binary".to_vec(),
            "not an e-mail",
        ),
        (
            "plain words",
            b"just some words\nwithout headers\n".to_vec(),
            "not an e-mail",
        ),
        (
            "truncated armor",
            {
                let s = String::from_utf8(good.clone()).unwrap();
                let cut = s.find("-----END PGP MESSAGE-----").unwrap() - 200;
                s.as_bytes()[..cut].to_vec()
            },
            "",
        ),
        (
            "wrong key",
            {
                let c = Sandbox::new();
                c.import(&[ALICE_SEC, "contractor@agency.example-pub.asc"]);
                c.compose(
                    &[
                        "--from",
                        ALICE,
                        "--to",
                        "contractor@agency.example",
                        "--subject",
                        "x",
                    ],
                    "not for bob\n",
                )
            },
            "not encrypted to any of your keys",
        ),
        (
            "flipped ciphertext byte",
            flip_ciphertext_byte(&good),
            "integrity check failed",
        ),
    ];
    for (what, input, needle) in cases {
        let path = bob.path("in.eml");
        std::fs::write(&path, &input).unwrap();
        let out = bob.cmd().arg("decrypt").arg(&path).output().unwrap();
        let err = assert_clean_failure(out, what);
        assert!(err.contains(needle), "{what}: {err}");
        assert!(
            !err.contains("the secret is 42"),
            "{what}: no plaintext anywhere"
        );
    }
}

#[test]
fn compose_refuses_recipients_without_usable_keys() {
    let alice = alice_home();
    alice.import(&[
        "expired@agency.example-pub.asc",
        "revoked@agency.example-pub.asc",
        "signonly@agency.example-pub.asc",
    ]);
    let out_file = alice.path("out.eml");
    for (who, needle) in [
        ("nobody@agency.example", "no key for this address"),
        ("expired@agency.example", "expired on 2021-01-01"),
        ("revoked@agency.example", "revoked"),
        ("signonly@agency.example", "no usable encryption subkey"),
    ] {
        let out = alice
            .cmd()
            .args([
                "compose",
                "--from",
                ALICE,
                "--to",
                BOB,
                "--to",
                who,
                "--subject",
                "x",
                "-o",
            ])
            .arg(&out_file)
            .write_stdin("secret\n")
            .output()
            .unwrap();
        let err = assert_clean_failure(out, who);
        assert!(err.contains(who), "names the recipient: {err}");
        assert!(err.contains(needle), "{who}: {err}");
        assert!(
            err.contains("sealmail key import"),
            "says what to do: {err}"
        );
        assert!(!out_file.exists(), "{who}: nothing written");
    }
}

#[test]
fn usage_errors_exit_2() {
    let sb = Sandbox::new();
    sb.cmd().args(["compose", "--to", BOB]).assert().code(2);
    sb.cmd().args(["frobnicate"]).assert().code(2);
    sb.cmd()
        .args(["compose", "--from", "not-an-address", "--to", BOB])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an e-mail address"));
}

#[test]
fn attachment_names_are_sanitized() {
    let alice = alice_home();
    // Build a draft with a hostile file name through the library.
    let mut draft = sealmail::compose::Draft {
        from: ALICE.parse().unwrap(),
        to: vec![BOB.parse().unwrap()],
        cc: vec![],
        bcc: vec![],
        subject: "files".into(),
        body: "see attached\n".into(),
        attachments: vec![],
        date: None,
        message_id: None,
        content: None,
        sign_with: None,
        extra_headers: Vec::new(),
    };
    draft.attachments.push(sealmail::compose::Attachment {
        filename: "../../etc/evil.sh".into(),
        content_type: "text/plain".into(),
        data: b"rm -rf /\n".to_vec(),
        path: None,
    });
    let ring = sealmail::keys::Keyring::open(&sealmail::Home::open(alice.home()).unwrap()).unwrap();
    let ctx = sealmail::Context::now();
    let mut mail = Vec::new();
    sealmail::compose::compose(
        &draft,
        sealmail::compose::Protection::EncryptAndSign,
        &ring,
        &ctx,
        &mut |_| None,
        &mut mail,
    )
    .unwrap();
    let bob = bob_home();
    let dir = bob.path("out/att");
    bob.cmd()
        .args(["decrypt", "--attachments"])
        .arg(&dir)
        .write_stdin(mail)
        .assert()
        .success();
    assert!(dir.join("evil.sh").exists());
    assert!(!bob.path("etc").exists() && !bob.path("out/etc").exists());
}

#[test]
fn demo_runs_the_whole_round_trip() {
    let sb = Sandbox::new();
    sb.cmd()
        .arg("demo")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "good signature from admin@sealmail.example",
        ))
        .stdout(predicate::str::contains("outbox"))
        .stdout(predicate::str::contains("Subject: [...]"));
}

#[test]
fn certificates_changed_by_other_programs_are_seen() {
    // The key index makes lookups quick; the cert-d stays the truth. A store without the
    // index (an older sealmail, or certificates another program wrote) still works, and a
    // revocation written straight into the cert-d stops the next compose.
    use sealmail::openpgp::parse::Parse;
    use sealmail::openpgp::serialize::Serialize;
    let alice = alice_home();
    std::fs::remove_dir_all(alice.home().join("index")).unwrap();
    alice.compose(&["--from", ALICE, "--to", BOB, "--subject", "x"], "one\n");
    assert!(
        std::fs::read_dir(alice.home().join("index"))
            .unwrap()
            .count()
            > 0,
        "the index is rebuilt by the lookups that needed the whole store"
    );
    let bob = sealmail::openpgp::Cert::from_bytes(&std::fs::read(key(BOB_PUB)).unwrap()).unwrap();
    let rev_file = std::fs::read_dir(key("."))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.to_string_lossy().contains("bob@openpgp.example")
                && p.to_string_lossy().ends_with("-rev.asc")
        })
        .unwrap();
    let rev = sealmail::openpgp::Packet::from_bytes(&std::fs::read(rev_file).unwrap()).unwrap();
    let (revoked, _) = bob.insert_packets(Some(rev)).unwrap();
    let hex = revoked.fingerprint().to_hex().to_lowercase();
    let path = alice.home().join("certs").join(&hex[..2]).join(&hex[2..]);
    let mut bytes = Vec::new();
    revoked.serialize(&mut bytes).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let out = alice
        .cmd()
        .args(["compose", "--from", ALICE, "--to", BOB, "--subject", "x"])
        .write_stdin("two\n")
        .output()
        .unwrap();
    let err = assert_clean_failure(out, "revoked in the cert-d");
    assert!(err.contains("revoked"), "{err}");
}

/// Every file under `dir` with its content.
fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut all = std::collections::BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            all.extend(tree(&p));
        } else {
            all.insert(p.clone(), std::fs::read(&p).unwrap_or_default());
        }
    }
    all
}

#[test]
fn no_signature_check_is_kept_on_disk_and_a_planted_cache_changes_nothing() {
    // Issue 18: a 32-byte entry planted in the old cache/signatures file turned a forged
    // signature into a good one. Verdicts are now made afresh every time from the mail and
    // the keys alone: reading a signed mail writes nothing once the sender's Autocrypt state
    // is known, and whatever lies in cache/ is never read.
    let alice = alice_home();
    let mail = alice.compose(&SIGNED_NOTE, "only signed\n");
    let bob = bob_home();
    let forged = String::from_utf8(mail.clone())
        .unwrap()
        .replace("only signed", "only signeD");
    assert_eq!(bob.decrypt_json(&mail)["signature"]["status"], "good");
    let before = tree(&bob.home());
    for _ in 0..3 {
        assert_eq!(bob.decrypt_json(&mail)["signature"]["status"], "good");
        assert_eq!(
            bob.decrypt_json(forged.as_bytes())["signature"]["status"],
            "bad"
        );
    }
    assert_eq!(tree(&bob.home()), before, "reading wrote to the home");
    assert!(!bob.home().join("cache").exists());
    let cache = bob.home().join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(cache.join("signatures"), vec![0x5a; 32 * 64]).unwrap();
    assert_eq!(
        bob.decrypt_json(forged.as_bytes())["signature"]["status"],
        "bad"
    );
    bob.cmd()
        .args(["decrypt", "--require-signature"])
        .write_stdin(forged.into_bytes())
        .assert()
        .code(1);
}

#[test]
fn every_integrity_failure_reads_the_same_whole_message() {
    // Issue 18, the Mister-Zuccherato oracle: a changed quick check (the session key opens
    // the PKESK but not the data), a changed MDC, data cut short and data added after the
    // encrypted packet must give the very same answer, word for word, in text, in --json, in
    // a batch, in memory and streamed: no detail of the inner error after a colon.
    let mail = alice_home().compose(
        &["--from", ALICE, "--to", BOB, "--subject", "quick check"],
        "password: hunter2\n",
    );
    let damaged = [
        (
            "quick check",
            flip_ciphertext_byte_where(&mail, |bin| seipd_data_start(bin) + 16),
        ),
        ("MDC", flip_ciphertext_byte_at(&mail, 1)),
        (
            "cut short",
            edit_ciphertext(&mail, |bin| {
                let keep = seipd_data_start(bin) + (bin.len() - seipd_data_start(bin)) / 2;
                bin.truncate(keep);
            }),
        ),
        (
            "trailing data",
            edit_ciphertext(&mail, |bin| {
                bin.extend_from_slice(&[0xcb, 0x06, b'b', 0, 0, 0, 0, 0])
            }),
        ),
    ];
    let bob = bob_home();
    let mut seen = std::collections::BTreeSet::new();
    for (what, m) in &damaged {
        let file = bob.path("changed.eml");
        std::fs::write(&file, m).unwrap();
        for above in ["1000000000", "0"] {
            for json in [false, true] {
                let mut c = bob.cmd();
                c.env("SEALMAIL_STREAM_ABOVE", above);
                if json {
                    c.arg("--json");
                }
                let out = c.arg("decrypt").arg(&file).output().unwrap();
                let err = String::from_utf8_lossy(&out.stderr).to_string();
                assert_eq!(out.status.code(), Some(1), "{what}: {err}");
                assert!(!err.contains("hunter2"), "{what}");
                assert!(
                    err.starts_with("error: integrity check failed"),
                    "{what}: {err}"
                );
                seen.insert(err);
            }
        }
    }
    assert_eq!(seen.len(), 1, "the answers differ: {seen:#?}");
    // The same in a batch: one error text for all four.
    let md = bob.path("Maildir");
    for d in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(d)).unwrap();
    }
    for (i, (_, m)) in damaged.iter().enumerate() {
        std::fs::write(md.join("new").join(format!("{i}.eml")), m).unwrap();
    }
    let out = bob
        .cmd()
        .args(["--json", "decrypt", "--maildir"])
        .arg(&md)
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "one line per mail");
    let errors: std::collections::BTreeSet<String> =
        lines.iter().map(|l| l["error"].to_string()).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors
            .iter()
            .next()
            .unwrap()
            .contains("integrity check failed"),
        "{errors:?}"
    );
}

#[test]
fn version_names_the_openssl_in_use() {
    // `--version` says which OpenSSL sealmail runs on (as `gpg --version` names its
    // libgcrypt), and whether it is the system's or built in; `-V` stays one line.
    let sb = Sandbox::new();
    let long = sb.cmd().arg("--version").output().unwrap();
    let long = String::from_utf8_lossy(&long.stdout).into_owned();
    assert!(long.starts_with("sealmail "), "{long}");
    assert!(long.contains("OpenSSL 3."), "{long}");
    let built_in = cfg!(feature = "vendored-openssl");
    assert!(
        long.contains(if built_in {
            "(built in)"
        } else {
            "(system library)"
        }),
        "{long}"
    );
    let short = sb.cmd().arg("-V").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&short.stdout).lines().count(), 1);
}

#[test]
fn a_relative_home_lists_its_keys() {
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC]);
    let out = sb
        .cmd()
        .env_remove("SEALMAIL_HOME")
        .current_dir(sb.dir.path())
        .args(["--home", "home", "key", "list"])
        .output()
        .unwrap();
    assert_ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("alice@openpgp.example"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_typed_error_prints_its_causes_as_because_lines() {
    // Issue 18: typed errors keep their source, and the CLI prints it.
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.home()).unwrap();
    std::fs::write(
        sb.home().join("config.toml"),
        "[network]\nca_file = \"/nonexistent/ca.pem\"\n",
    )
    .unwrap();
    let out = sb
        .cmd()
        .env_remove("SEALMAIL_OFFLINE")
        .args(["key", "fetch", "someone@example.org"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0], "error: cannot set up HTTPS: cannot read /nonexistent/ca.pem",
        "{err}"
    );
    assert!(
        lines[1].starts_with("  because: No such file or directory"),
        "{err}"
    );
    assert!(lines[2].starts_with("hint: "), "{err}");
}

/// The processes whose command line or environment names `needle`.
fn processes_naming(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        for what in ["cmdline", "environ"] {
            let text = std::fs::read(e.path().join(what)).unwrap_or_default();
            if String::from_utf8_lossy(&text).contains(needle) {
                found.push(format!(
                    "{pid}: {}",
                    String::from_utf8_lossy(&text).replace('\0', " ")
                ));
                break;
            }
        }
    }
    found
}

#[test]
fn no_process_outlives_the_command_that_started_it() {
    // Issue 18: sealmail is one program again; nothing it starts keeps running.
    let alice = alice_home();
    let mail = alice.compose(&["--from", ALICE, "--to", BOB, "--subject", "x"], "hello\n");
    let bob = bob_home();
    bob.decrypt_json(&mail);
    let file = bob.path("in.eml");
    std::fs::write(&file, &mail).unwrap();
    bob.cmd().arg("decrypt").arg(&file).assert().success();
    for sb in [&alice, &bob] {
        let home = sb.home().display().to_string();
        assert_eq!(processes_naming(&home), Vec::<String>::new(), "{home}");
    }
    assert!(!alice.home().join("agent.socket").exists());
}

#[test]
fn compose_o_does_not_replace_a_file_without_force() {
    let alice = alice_home();
    let o = alice.path("out.eml");
    std::fs::write(&o, "keep me").unwrap();
    let args = [
        "compose",
        "--from",
        ALICE,
        "--to",
        BOB,
        "--subject",
        "x",
        "-o",
    ];
    let err = alice.fails(&[&args[..], &[o.to_str().unwrap()]].concat(), "new\n");
    assert!(err.contains("exists") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&o).unwrap(), "keep me");
    alice
        .cmd()
        .args(args)
        .arg(&o)
        .arg("--force")
        .write_stdin("new\n")
        .assert()
        .success();
    assert!(std::fs::read_to_string(&o)
        .unwrap()
        .contains("BEGIN PGP MESSAGE"));
}
