//! Issue 19, part 1: a verdict says how far the signer's key is trusted. A second key planted
//! for an address whose key is verified (by an Autocrypt header, or by `key import`) never
//! makes a mail read like the verified owner's: the signature is UNCERTAIN, `--json` says so,
//! and `--require-signature` refuses with the real cause. Bob's real key still passes.

use serde_json::Value;

use crate::common::*;

/// Alice's home with Bob's real key, verified by phone.
fn alice_who_verified_bob() -> Sandbox {
    let sb = Sandbox::new();
    sb.import(&[ALICE_SEC, BOB_PUB]);
    sb.cmd()
        .args(["key", "verify", BOB, "--yes"])
        .assert()
        .success();
    sb
}

/// Mallory's home: a key of her own that claims Bob's address.
fn mallory() -> Sandbox {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["key", "generate", "--email", BOB, "--no-passphrase"])
        .assert()
        .success();
    sb
}

/// A signed-only mail "from Bob", made in `sb` (with its Autocrypt header, as sealmail adds).
fn signed_by(sb: &Sandbox, body: &str) -> Vec<u8> {
    sb.compose(
        &[
            "--from",
            BOB,
            "--to",
            ALICE,
            "--subject",
            "new bank details",
            "--sign-only",
        ],
        body,
    )
}

/// Runs `decrypt` on `mail` with `extra` arguments: (exit code, stdout, stderr).
fn decrypt(sb: &Sandbox, mail: &[u8], extra: &[&str]) -> (i32, String, String) {
    let out = sb
        .cmd()
        .arg("decrypt")
        .args(extra)
        .write_stdin(mail.to_vec())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn bob_fpr() -> String {
    "D1A66E1A23B182C9980F788CFBFCC82A015E7330".into()
}

/// What a mail signed by Mallory's planted key must read like in `alice`.
fn assert_uncertain(alice: &Sandbox, mail: &[u8], mallory_fpr: &str) {
    let (code, _, err) = decrypt(alice, mail, &[]);
    assert_eq!(code, 0, "{err}");
    let line = err.lines().find(|l| l.contains("signature")).unwrap_or("");
    assert!(line.contains("UNCERTAIN signature"), "{err}");
    assert!(!line.contains("good signature"), "{err}");
    assert!(
        line.contains(&bob_fpr()),
        "the verified key is named: {err}"
    );

    let (code, out, _) = decrypt(alice, mail, &["--json"]);
    assert_eq!(code, 0);
    let j: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["signature"]["status"], "uncertain");
    assert_eq!(j["signature"]["acceptance"], "undecided");
    assert_eq!(j["signature"]["signer"], mallory_fpr);
    assert_eq!(j["signature"]["other_verified_key"], bob_fpr());

    let out = alice
        .cmd()
        .args(["decrypt", "--require-signature"])
        .write_stdin(mail.to_vec())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty(), "nothing shown when refused");
    assert!(
        err.contains("undecided") && err.contains(&bob_fpr()),
        "{err}"
    );
    assert!(
        err.contains("sealmail key verify"),
        "the hint names the command: {err}"
    );
}

#[test]
fn an_autocrypt_planted_key_never_reads_as_the_verified_sender() {
    let alice = alice_who_verified_bob();
    let mallory = mallory();
    let mallory_fpr = mallory.json(&["key", "list"])[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    // The first mail brings the key in its Autocrypt header; it is stored, undecided.
    let first = signed_by(&mallory, "hello, it's me\n");
    let (code, _, err) = decrypt(&alice, &first, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unknown key"), "not yet in the store: {err}");
    let keys = alice.json(&["key", "list"]);
    let planted = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["fingerprint"] == mallory_fpr.as_str())
        .expect("learned from Autocrypt");
    assert_eq!(planted["acceptance"], "undecided");
    // The next mail, signed by that key, is uncertain, never "good signature from bob@".
    let second = signed_by(&mallory, "please pay to this account\n");
    assert_uncertain(&alice, &second, &mallory_fpr);
}

#[test]
fn an_imported_second_key_stays_undecided_and_reads_as_uncertain() {
    let alice = alice_who_verified_bob();
    let mallory = mallory();
    let mallory_fpr = mallory.json(&["key", "list"])[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let public = mallory
        .cmd()
        .args(["key", "export", &mallory_fpr])
        .output()
        .unwrap()
        .stdout;
    let out = alice
        .cmd()
        .args(["key", "import", "-"])
        .write_stdin(public)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("(undecided)"), "{err}");
    assert!(err.contains("already has a verified key"), "{err}");
    assert!(
        err.contains(&format!("sealmail key verify {mallory_fpr}")),
        "{err}"
    );
    let mail = signed_by(&mallory, "please pay to this account\n");
    assert_uncertain(&alice, &mail, &mallory_fpr);
    // Accepting it unchecked is not enough while Bob's verified key is there.
    alice
        .cmd()
        .args(["key", "accept", &mallory_fpr])
        .assert()
        .success();
    let j: Value = serde_json::from_str(&decrypt(&alice, &mail, &["--json"]).1).unwrap();
    assert_eq!(j["signature"]["status"], "uncertain");
    assert_eq!(j["signature"]["acceptance"], "unverified");
}

#[test]
fn bobs_real_key_still_passes_and_require_acceptance_verified_is_kept() {
    let bob = bob_home();
    let mail = signed_by(&bob, "the real Bob\n");
    // Imported, not verified: good by default.
    let alice = alice_home();
    let (code, _, err) = decrypt(&alice, &mail, &["--require-signature"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("good signature from bob@openpgp.example"),
        "{err}"
    );
    assert!(err.contains("key unverified"), "{err}");
    // [keys] require_acceptance = "verified": refused until the key is verified.
    std::fs::write(
        alice.home().join("config.toml"),
        "[keys]\nrequire_acceptance = \"verified\"\n",
    )
    .unwrap();
    let (code, _, err) = decrypt(&alice, &mail, &["--require-signature"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("require_acceptance") && err.contains("sealmail key verify"),
        "{err}"
    );
    alice
        .cmd()
        .args(["key", "verify", BOB, "--yes"])
        .assert()
        .success();
    let (code, _, err) = decrypt(&alice, &mail, &["--require-signature"]);
    assert_eq!(code, 0, "{err}");
    let j: Value = serde_json::from_str(&decrypt(&alice, &mail, &["--json"]).1).unwrap();
    assert_eq!(j["signature"]["status"], "good");
    assert_eq!(j["signature"]["acceptance"], "verified");
    assert!(j["signature"].get("other_verified_key").is_none());
    // A value the config does not know is refused with the file's name.
    std::fs::write(
        alice.home().join("config.toml"),
        "[keys]\nrequire_acceptance = \"sometimes\"\n",
    )
    .unwrap();
    let (code, _, err) = decrypt(&alice, &mail, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("require_acceptance"), "{err}");
}

#[test]
fn a_bad_signature_exits_1_names_what_it_covered_and_json_carries_the_error() {
    let bob = bob_home();
    let mail = String::from_utf8(signed_by(&bob, "pay 100 EUR\n")).unwrap();
    let forged = mail.replace("pay 100 EUR", "pay 900 EUR");
    let alice = alice_home();
    let (code, out, err) = decrypt(&alice, forged.as_bytes(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("BAD signature over the signed part (multipart/signed)"),
        "{err}"
    );
    assert!(
        err.contains("error: BAD signature") && err.contains("hint:"),
        "{err}"
    );
    assert!(
        out.contains("pay 900 EUR"),
        "shown, as gpg shows it, with exit 1"
    );
    let (code, out, _) = decrypt(&alice, forged.as_bytes(), &["--json"]);
    assert_eq!(code, 1);
    let j: Value = serde_json::from_str(&out).expect("one JSON document on stdout");
    assert_eq!(j["signature"]["status"], "bad");
    assert_eq!(j["exit"], 1);
    assert!(j["error"].as_str().unwrap().contains("BAD signature"));
    assert!(j["hint"].as_str().is_some());
    // --require-signature names the real cause.
    let out = alice
        .cmd()
        .args(["decrypt", "--require-signature"])
        .write_stdin(forged)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("is BAD") && err.contains("changed or forged"),
        "{err}"
    );
}

#[test]
fn with_json_every_error_is_a_json_object_on_stdout() {
    let sb = Sandbox::new();
    for (args, stdin, code) in [
        (&["--json", "decrypt", "/nonexistent/mail.eml"][..], "", 1),
        (&["--json", "decrypt"][..], "", 1),
        (&["--json", "key", "show", "nobody@example.org"][..], "", 1),
        (&["--json", "compose", "--bogus"][..], "", 2),
    ] {
        let out = sb.cmd().args(args).write_stdin(stdin).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        let j: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {:?}", out.stdout));
        assert_eq!(j["exit"], code, "{args:?}");
        assert!(
            j["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{args:?}"
        );
        assert!(j["hint"].as_str().is_some(), "{args:?}");
        // The text is on stderr as before.
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("error"),
            "{args:?}"
        );
    }
}

#[test]
fn a_batch_gives_the_signature_in_the_shape_decrypt_gives_it() {
    let alice = alice_home();
    let mail = alice.compose(&["--from", ALICE, "--to", BOB, "--subject", "x"], "hello\n");
    let bob = bob_home();
    let single = bob.decrypt_json(&mail);
    let md = bob.path("md");
    for d in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(d)).unwrap();
    }
    std::fs::write(md.join("new/1.eml"), &mail).unwrap();
    let out = bob
        .cmd()
        .args(["--json", "decrypt", "--maildir"])
        .arg(&md)
        .output()
        .unwrap();
    assert!(out.status.success());
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["signature"], single["signature"]);
    assert_eq!(line["integrity"], single["integrity"]);
    assert_eq!(line["signature"]["status"], "good");
}

#[test]
fn the_man_page_has_exit_status_environment_and_files_and_no_missing_pages() {
    let sb = Sandbox::new();
    let out = sb.cmd().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    for section in [
        ".SH EXIT STATUS",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH COMMANDS",
    ] {
        assert!(page.contains(section), "{section}");
    }
    // Only pages that exist are referred to: no sealmail-key(1) and the like.
    assert!(
        !page.contains("sealmail\\-"),
        "refers to a page sealmail does not ship"
    );
    assert!(page.contains("sealmail key generate"));
    assert!(page.contains("SEALMAIL_HOME") && page.contains("config.toml"));
}

#[test]
fn a_path_of_the_wrong_kind_is_named_with_its_argument() {
    let sb = alice_home();
    let dir = sb.path("a-folder");
    std::fs::create_dir_all(&dir).unwrap();
    let file = sb.path("a-file.txt");
    std::fs::write(&file, "x").unwrap();
    let d = dir.to_str().unwrap();
    let f = file.to_str().unwrap();
    for (args, arg) in [
        (vec!["compose", "--to", BOB, "--attach", d], "--attach"),
        (
            vec!["compose", "--to", BOB, "--body-file", d],
            "--body-file",
        ),
        (
            vec!["compose", "--to", BOB, "-o", d, "--body-file", f],
            "-o",
        ),
        (vec!["decrypt", f, "--attachments", f], "--attachments"),
        (vec!["decrypt", d], "FILE"),
        (vec!["decrypt", "--maildir", f], "--maildir"),
    ] {
        let out = sb.cmd().args(&args).write_stdin("x").output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(&format!("error: {arg} ")), "{args:?}: {err}");
        assert!(err.contains("hint:"), "{args:?}: {err}");
    }
}
